"""Ingest: a data folder into a store, incrementally, in parallel, with progress.

The folder is scanned and read by the loader's own functions (the same files, the
same size limit and the same skip reasons as a start-up load). A file whose size
and modification time are unchanged since the last run is not even read; one
whose bytes hash to what the store holds, under the same parser version, is not
parsed again; a removed file leaves the store. Parsing runs in worker processes,
a batch at a time (bounded memory), while this process writes each batch in one
transaction.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from app.loader import PARALLEL_MIN_FILES, _parse_entry, _read, article_files
from app.parsing import ArticleParseError
from app.snapshot import Entry, parser_version
from app.store.base import Engine, FileState, Parsed, Summary

# Files read, parsed and written per batch: large enough to keep the workers busy
# and amortise a transaction, small enough to bound memory (~10-100 KB a file).
BATCH = 512
# Files sent to a worker at a time (amortises the IPC round trip, as in the loader).
CHUNK = 16
# The state of a file whose size and time could not even be read.
UNREAD = FileState(sha256="", parser="", size=-1, mtime_ns=-1)


@dataclass(frozen=True, slots=True)
class IngestReport:
    files: int
    unchanged: int
    parsed: int
    loaded: int
    skipped: dict[str, str]
    removed: int
    seconds: float


def parsed_of(entry: Entry) -> Parsed:
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


def _batches(
    items: list[tuple[str, FileState, bytes]],
) -> Iterator[list[tuple[str, FileState, bytes]]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


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
    version = parser_version()
    files = article_files(folder)
    known = store.files()
    failed: list[tuple[str, FileState, Parsed | str]] = []
    todo: list[tuple[str, Path, os.stat_result]] = []
    unchanged = 0
    for path in files:
        try:
            st = path.stat()
        except OSError as exc:
            if known.get(path.name) == UNREAD:
                unchanged += 1  # still unreadable: already reported
            else:
                failed.append((path.name, UNREAD, str(exc)))
            continue
        state = known.get(path.name)
        if (
            state is not None
            and state.parser == version
            and state.size == st.st_size
            and state.mtime_ns == st.st_mtime_ns
        ):
            unchanged += 1
            continue
        todo.append((path.name, path, st))
    removed = sorted(set(known) - {p.name for p in files})
    if removed:
        store.remove(removed)

    jobs: list[tuple[str, FileState, bytes]] = []
    touched: list[tuple[str, FileState]] = []
    for name, path, st in todo:
        try:
            data = _read(path, max_bytes)
        except (ArticleParseError, OSError) as exc:
            # Read again only when its size or time changes, like any other file.
            failed.append((name, FileState("", version, st.st_size, st.st_mtime_ns), str(exc)))
            continue
        state = FileState(hashlib.sha256(data).hexdigest(), version, st.st_size, st.st_mtime_ns)
        old = known.get(name)
        if old is not None and old.sha256 == state.sha256 and old.parser == version:
            touched.append((name, state))  # touched, not changed: keep the parse
            continue
        jobs.append((name, state, data))
    if failed:
        store.put(failed)
    if touched:
        store.touch(touched)

    bar = Progress(len(jobs), progress) if progress is not None else None
    parsed = 0
    run = _Runner(len(jobs), workers)
    try:
        for batch in _batches(jobs):
            results = run([(name, data) for name, _, data in batch])
            items: list[tuple[str, FileState, Parsed | str]] = []
            for (name, state, _), result in zip(batch, results, strict=True):
                items.append(
                    (name, state, result if isinstance(result, str) else parsed_of(result))
                )
            store.put(items)
            parsed += len(batch)
            if bar:
                bar.advance(len(batch))
    finally:
        run.close()
        if bar:
            bar.close()
    changed = bool(removed or jobs or failed)
    store.finish(changed)
    skipped = {s.file: s.reason for s in store.skipped()}
    return IngestReport(
        files=len(files),
        unchanged=unchanged + len(touched),
        parsed=parsed,
        loaded=store.counts()[0],
        skipped=dict(sorted(skipped.items())),
        removed=len(removed),
        seconds=time.perf_counter() - started,
    )


class _Runner:
    """Parses jobs in this process, or in a pool kept for the whole run."""

    def __init__(self, count: int, workers: int | None) -> None:
        workers = workers or os.cpu_count() or 1
        parallel = workers > 1 and count > PARALLEL_MIN_FILES
        self.pool = ProcessPoolExecutor(max_workers=workers) if parallel else None

    def __call__(self, jobs: list[tuple[str, bytes]]) -> list[Entry | str]:
        if self.pool is None:
            return [_parse_entry(job) for job in jobs]
        return list(self.pool.map(_parse_entry, jobs, chunksize=CHUNK))

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def print_report(report: IngestReport, out: TextIO = sys.stdout) -> None:
    out.write(
        f"ingest: {report.files} file(s): {report.loaded} loaded, {len(report.skipped)} skipped;"
        f" {report.parsed} parsed, {report.unchanged} unchanged, {report.removed} removed,"
        f" in {report.seconds:.1f} s\n"
    )
    for name, reason in report.skipped.items():
        out.write(f"skipped {name}: {reason}\n")
