"""Ingest: a data folder into a store, incrementally, in parallel, with progress.

The folder is scanned and read by the loader's own :func:`~app.loader.scan` (the
same entries, the same bounded reads, links and size limit, the same skip
reasons as a start-up load). A file whose bytes hash (sha256) to what the store
holds, under the same parser version, is not parsed again, and one whose stat
signature is the one stored with that hash is not even read; a removed file leaves
the store. Parsing runs in worker processes a batch at a time (bounded memory),
and each batch is written in one transaction.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from app.loader import PARALLEL_MIN_FILES, _parse_entry, scan
from app.snapshot import Entry, parser_version
from app.store.base import (
    MAX_PARAGRAPHS,
    Engine,
    FileState,
    Parsed,
    Summary,
    gram_tokens,
)

# Files read, parsed and written per batch: large enough to keep the workers busy
# and amortise a transaction, small enough to bound memory (~10-100 KB a file).
BATCH = 512
# A file's stat signature is stored (and trusted next time) only when the file was
# last changed this long before the run began.
TRUST_AFTER_NS = 2_000_000_000
# Files sent to a worker at a time (amortises the IPC round trip, as in the loader).
CHUNK = 16
# Batches being parsed while one is written, and the parse workers' nice value. The
# writer is one process (SQLite has one writer) and the longest path at 100,000
# articles, so the workers run at a lower priority: they take the CPU the writer
# leaves and never make it wait for a core, and several batches ahead give them work
# whenever it leaves some. Measured at 100,000 articles, one session (wall s): 1
# ahead 413 and 377; 2 ahead 381; 1 ahead niced 386; niced, 2 ahead 322 and 330, 4
# ahead 307 and 295, 8 ahead 278. Without the lower priority, more ahead only took
# CPU from the writer (an earlier session: 4 ahead 341 s against 284). Memory: the
# ingest's peak RSS at 10,000 articles was 292 MB at 8 ahead, 265 MB at 1.
AHEAD = 8
WORKER_NICE = 10


@dataclass(frozen=True, slots=True)
class IngestReport:
    files: int
    unchanged: int
    parsed: int
    loaded: int
    skipped: dict[str, str]
    # Files served under ``<id>~<stem>``: what each one's collision is.
    renamed: dict[str, str]
    removed: int
    seconds: float


def parsed_of(entry: Entry) -> Parsed:
    """What the store keeps of a parsed file (computed in the parse workers)."""
    d = entry.digest
    return Parsed(
        base_id=d.id,
        article_json=entry.article,
        summary=Summary(
            id=d.id,
            title=d.title,
            subtitle=d.subtitle,
            date=d.date,
            authors=d.authors,
            source=d.source,
            paragraphs=len(d.paragraphs),
            sections=d.sections,
            figures=d.figures,
            characters=d.characters,
        ),
        figures_by_kind=d.figures_by_kind,
        paragraphs=d.paragraphs,
        tokens=tuple(gram_tokens(text) for _, _, text in d.paragraphs),
    )


class Progress:
    """A bar on a terminal (redrawn in place), plain lines every few seconds otherwise."""

    LINE_EVERY_S = 5.0

    def __init__(self, total: int, out: TextIO) -> None:
        self.total = total
        self.out = out
        self.tty = out.isatty()
        self.done = 0
        self.started = self.last = time.monotonic()

    def advance(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        rate = self.done / max(now - self.started, 1e-9)
        if self.tty:
            width = 30
            filled = width * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (width - filled)
            self.out.write(f"\r[{bar}] {self.done}/{self.total} files, {rate:,.0f}/s ")
            self.out.flush()
        elif now - self.last >= self.LINE_EVERY_S or self.done == self.total:
            self.out.write(f"ingest: parsed {self.done}/{self.total} files, {rate:,.0f}/s\n")
            self.out.flush()
            self.last = now

    def close(self) -> None:
        if self.tty and self.total:
            self.out.write("\n")
            self.out.flush()


def ingest(
    folder: Path,
    store: Engine,
    *,
    max_bytes: int,
    workers: int | None = None,
    progress: TextIO | None = None,
) -> IngestReport:
    """Bring ``store`` in line with the files at ``folder``; returns what it did."""
    started = time.perf_counter()
    trust_before = time.time_ns() - TRUST_AFTER_NS
    version = parser_version()
    known = store.files()

    def spared(name: str, signature: str) -> bool:
        """A file whose stat signature is the one stored with its hash is not read."""
        state = known.get(name)
        return state is not None and state.stat == signature and state.parser == version

    seen: set[str] = set()
    unchanged = parsed = 0
    changed = False
    jobs: list[tuple[str, FileState, bytes]] = []
    unread: list[tuple[str, FileState, Parsed | str]] = []
    restat: list[tuple[str, str | None]] = []
    bar = Progress(_entries(folder), progress) if progress is not None else None
    run = _Runner(workers)
    try:
        for entry in scan(folder, max_bytes, spared):
            seen.add(entry.file)
            if entry.data is None and entry.reason is None:  # spared: signature unchanged
                unchanged += 1
            elif entry.data is None:
                reason = entry.reason or "not read"
                # Unread files are known by their reason: the same one twice is no change.
                state = FileState("!" + _sha256(reason.encode()), version)
                if not state.same(known.get(entry.file)):
                    unread.append((entry.file, state, reason))
                else:
                    unchanged += 1
            else:
                sig = entry.signature
                trusted = sig is not None and _settled(sig, trust_before)
                state = FileState(_sha256(entry.data), version, sig if trusted else None)
                old = known.get(entry.file)
                if state.same(old):
                    unchanged += 1
                    if old is not None and old.stat != state.stat:
                        restat.append((entry.file, state.stat))
                else:
                    jobs.append((entry.file, state, entry.data))
                    if len(jobs) >= BATCH:
                        # Parsing this batch overlaps writing the one before.
                        parsed += _write(run.submit(jobs), store, bar)
                        changed = True
                        jobs = []
                    continue  # the bar moves when the batch is written
            if bar:
                bar.advance(1)
        if jobs:
            parsed += _write(run.submit(jobs), store, bar)
            changed = True
        while run.busy():
            parsed += _write(run.submit([]), store, bar)
    except BaseException:
        store.discard()  # what was written and not committed: the next run redoes it
        raise
    finally:
        run.close()
        if bar:
            bar.close()
    if unread:
        store.put(unread)
        changed = True
    if restat:  # the same bytes, touched: next time the signature spares the read
        store.restat(restat)
    removed = sorted(set(known) - seen)
    if removed:
        store.remove(removed)
        changed = True
    store.finish(changed)
    return IngestReport(
        files=len(seen),
        unchanged=unchanged,
        parsed=parsed,
        loaded=store.counts()[0],
        skipped={s.file: s.reason for s in store.skipped()},
        renamed={r.file: r.message() for r in store.renamed()},
        removed=len(removed),
        seconds=time.perf_counter() - started,
    )


def _settled(signature: str, before_ns: int) -> bool:
    """Whether a signature can stand for the bytes: the file was last modified (and
    its inode changed) well before this run began, so a write within the file
    system's timestamp granularity cannot hide behind an equal signature (git's
    "racily clean" rule)."""
    _, mtime, ctime, _, _ = signature.split(":")
    return int(mtime) < before_ns and int(ctime) < before_ns


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _entries(folder: Path) -> int:
    """How many entries the scan will give (for the progress bar's total only)."""
    if not folder.is_dir():
        return 1
    try:
        return sum(1 for n in os.listdir(folder) if n.endswith(".txt") and not n.startswith("."))
    except OSError:
        return 0


def _write(
    done: list[tuple[tuple[str, FileState, bytes], Parsed | str]],
    store: Engine,
    bar: Progress | None,
) -> int:
    """Write a parsed batch in one transaction; returns how many files."""
    if not done:
        return 0
    items = [(name, state, result) for (name, state, _), result in done]
    store.put(items)
    if bar:
        bar.advance(len(items))
    return len(items)


Job = tuple[str, FileState, bytes]


class _Runner:
    """Parses batches in this process, or in a pool kept for the whole run, AHEAD
    batches ahead: ``submit`` starts a batch and, once AHEAD are under way (or when
    given none), returns the oldest, parsed."""

    def __init__(self, workers: int | None) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.pool: ProcessPoolExecutor | None = None
        self.ahead: deque[tuple[list[Job], list[Future[list[Parsed | str]]]]] = deque()

    def busy(self) -> bool:
        return bool(self.ahead)

    def submit(self, jobs: list[Job]) -> list[tuple[Job, Parsed | str]]:
        if jobs:
            if self.workers <= 1 or len(jobs) <= PARALLEL_MIN_FILES:
                self.ahead.append((jobs, [_done(_parse_chunk(jobs))]))
            else:
                if self.pool is None:  # started on the first batch big enough to need it
                    self.pool = ProcessPoolExecutor(
                        max_workers=self.workers, initializer=_yield_to_the_writer
                    )
                chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
                self.ahead.append((jobs, [self.pool.submit(_parse_chunk, c) for c in chunks]))
        if not self.ahead or (jobs and len(self.ahead) <= AHEAD):
            return []
        done, futures = self.ahead.popleft()
        results = [result for future in futures for result in future.result()]
        return list(zip(done, results, strict=True))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)


def _yield_to_the_writer() -> None:
    """Lower a parse worker's priority (see WORKER_NICE); a system that refuses keeps it."""
    with contextlib.suppress(AttributeError, OSError):  # no os.nice (Windows), or refused
        os.nice(WORKER_NICE)


def _parse_chunk(jobs: list[Job]) -> list[Parsed | str]:
    """Parse a few files into what the store keeps, or the reason (runs in a worker)."""
    results: list[Parsed | str] = []
    for name, _, data in jobs:
        entry = _parse_entry((name, data))
        if isinstance(entry, str):
            results.append(entry)
        elif len(entry.digest.paragraphs) > MAX_PARAGRAPHS:
            results.append(f"over {MAX_PARAGRAPHS} paragraphs: too many to index")
        else:
            results.append(parsed_of(entry))
    return results


def _done(results: list[Parsed | str]) -> Future[list[Parsed | str]]:
    future: Future[list[Parsed | str]] = Future()
    future.set_result(results)
    return future


def print_report(report: IngestReport, out: TextIO = sys.stdout) -> None:
    out.write(
        f"ingest: {report.files} file(s): {report.loaded} loaded, {len(report.skipped)} skipped;"
        f" {report.parsed} parsed, {report.unchanged} unchanged, {report.removed} removed,"
        f" in {report.seconds:.1f} s\n"
    )
    for name, reason in report.skipped.items():
        out.write(f"skipped {name}: {reason}\n")
    for name, message in report.renamed.items():
        out.write(f"renamed {name}: {message}\n")
