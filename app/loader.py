"""Reading article files from disk into parsed articles; bad files are skipped, with reasons.

Start-up at scale: each file is hashed, looked up in the parsed snapshot
(:mod:`app.snapshot`), and only the misses are parsed, in parallel across cores
when there are many. Every article is kept as its :class:`~app.snapshot.Digest`
(what listing, statistics and search need) plus its JSON; the full
:class:`~app.models.Article` is decoded on demand, except the primary one.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from app.models import Article
from app.parsing import ArticleParseError, parse_article
from app.snapshot import (
    Digest,
    Entry,
    entry_key,
    entry_of,
    read_snapshot,
    snapshot_path,
    write_snapshot,
)

log = logging.getLogger("app.loader")

# Which files in a data folder are articles: plain-text dumps named *.txt.
# Hidden files (.foo.txt: editor and OS droppings) are not.
ARTICLE_GLOB = "*.txt"
# Parse in worker processes only above this many files to parse: a process pool
# costs ~100 ms to start and a parse ~2 ms (scripts/bench.py), so below this one
# core is as fast.
PARALLEL_MIN_FILES = 64
# Files sent to a worker at a time: large enough to amortise the IPC round trip.
PARSE_CHUNK = 16


class DataError(Exception):
    """The data cannot be served at all (no articles, or a skipped file in strict mode)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not loaded, and why."""

    file: str
    reason: str


class Loaded:
    """A parsed article and the file it came from.

    Holds the article's digest and JSON; ``article`` decodes the JSON on each use
    (~0.5 ms) unless the Article was given (the primary article always is).
    """

    __slots__ = ("_article", "_json", "digest", "file")

    def __init__(
        self,
        file: str,
        article: Article | None = None,
        *,
        entry: Entry | None = None,
    ) -> None:
        if entry is None:
            if article is None:
                raise TypeError("Loaded needs an article or an entry")
            entry = entry_of(article)
        self.file = file
        self.digest: Digest = entry.digest
        self._json = entry.article
        self._article = article

    @property
    def id(self) -> str:
        return self.digest.id

    @property
    def article(self) -> Article:
        if self._article is not None:
            return self._article
        article = Article.model_validate_json(self._json)
        if article.id != self.digest.id:  # renamed as a duplicate (<id>-2)
            article = article.model_copy(update={"id": self.digest.id})
        return article

    def renamed(self, new_id: str) -> Loaded:
        digest = self.digest.model_copy(update={"id": new_id})
        article = self._article.model_copy(update={"id": new_id}) if self._article else None
        return Loaded(self.file, article, entry=Entry(digest=digest, article=self._json))

    def materialised(self) -> Loaded:
        """The same, holding its decoded Article (for the primary article)."""
        return self if self._article else Loaded(self.file, self.article, entry=self._entry())

    def _entry(self) -> Entry:
        return Entry(digest=self.digest, article=self._json)


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything loaded from the data path; ``articles`` in file-name order
    (the primary one first)."""

    articles: tuple[Loaded, ...]
    skipped: tuple[Skipped, ...]

    @property
    def primary(self) -> Article:
        return self.articles[0].article


def article_files(path: Path) -> list[Path]:
    """The article files at ``path``: the file itself, or a folder's *.txt files by name."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DataError(f"data path {path} does not exist: point ARTICLE_DATA or --data at it")
    return sorted(
        (p for p in path.glob(ARTICLE_GLOB) if p.is_file() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )


def load_file(path: Path, max_bytes: int) -> Article:
    """Read and parse one file; raises ArticleParseError or OSError."""
    return parse_article(_read(path, max_bytes), fallback_id=path.stem)


def _read(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:
        raise ArticleParseError(
            f"file is {size} bytes, over the {max_bytes}-byte limit (ARTICLE_MAX_FILE_BYTES)"
        )
    return path.read_bytes()


def _parse_entry(job: tuple[str, bytes]) -> Entry | str:
    """Parse one file's bytes into an Entry, or the reason it cannot be (runs in workers)."""
    name, data = job
    try:
        return entry_of(parse_article(data, fallback_id=Path(name).stem))
    except ArticleParseError as exc:
        return str(exc)


def _parse_all(jobs: list[tuple[str, bytes]], workers: int) -> Iterable[Entry | str]:
    if workers <= 1 or len(jobs) <= PARALLEL_MIN_FILES:
        return [_parse_entry(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_parse_entry, jobs, chunksize=PARSE_CHUNK))


def load_corpus(
    path: Path,
    *,
    max_bytes: int,
    primary: str | None = None,
    strict: bool = False,
    cache_dir: Path | None = None,
    workers: int | None = None,
) -> Corpus:
    """Load every article at ``path``; never lets one bad file stop the others.

    ``cache_dir`` enables the parsed snapshot; ``workers`` caps the parse
    processes (default: one per core).
    """
    files = article_files(path)
    snap_file = snapshot_path(cache_dir, path) if cache_dir else None
    cached = read_snapshot(snap_file) if snap_file else {}
    found: dict[str, Entry | str] = {}  # file name -> entry, or why it was skipped
    keys: dict[str, str] = {}
    jobs: list[tuple[str, bytes]] = []
    for file in files:
        try:
            data = _read(file, max_bytes)
        except (ArticleParseError, OSError) as exc:
            found[file.name] = str(exc)
            continue
        key = keys[file.name] = entry_key(file.name, data)
        if key in cached:
            found[file.name] = cached[key]
        else:
            jobs.append((file.name, data))
    parsed = _parse_all(jobs, workers or os.cpu_count() or 1)
    found.update(zip((name for name, _ in jobs), parsed, strict=True))
    log.info("%d file(s) from the snapshot, %d parsed", len(files) - len(jobs), len(jobs))

    loaded: list[Loaded] = []
    skipped: list[Skipped] = []
    for file in files:
        result = found[file.name]
        if isinstance(result, str):
            log.warning("skipped %s: %s", file.name, result)
            skipped.append(Skipped(file=file.name, reason=result))
        else:
            loaded.append(Loaded(file.name, entry=result))
    if snap_file and (jobs or len(cached) != len(loaded)):
        write_snapshot(snap_file, {keys[item.file]: item._entry() for item in loaded})
    if strict and skipped:
        reasons = "; ".join(f"{s.file}: {s.reason}" for s in skipped)
        raise DataError(f"{len(skipped)} file(s) skipped in strict mode: {reasons}")
    if not loaded:
        raise DataError(
            f"no article could be loaded from {path} ({len(skipped)} skipped): nothing to serve"
        )
    loaded = _unique_ids(loaded)
    if primary is not None:
        first = [item for item in loaded if item.file == primary]
        if not first:
            raise DataError(f"primary article file {primary!r} is not among the loaded files")
        loaded = first + [item for item in loaded if item.file != primary]
    loaded[0] = loaded[0].materialised()
    return Corpus(articles=tuple(loaded), skipped=tuple(skipped))


def _unique_ids(loaded: list[Loaded]) -> list[Loaded]:
    """Two files with one article id both stay; in file-name order, the second
    becomes ``<id>-2``, the third ``<id>-3`` (stable as long as the names are)."""
    seen: dict[str, int] = {}
    result = []
    for item in loaded:
        base = item.id
        count = seen.get(base, 0) + 1
        seen[base] = count
        if count > 1:
            new_id = f"{base}-{count}"
            while new_id in seen:
                count += 1
                new_id = f"{base}-{count}"
            seen[base] = count
            seen[new_id] = 1
            item = item.renamed(new_id)
        result.append(item)
    return result
