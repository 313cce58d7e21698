"""A store as the API serves it: which store, its ingest at start-up, and what is cached.

:class:`StoreCorpus` is what the routes read: the primary article (decoded once),
any article by id, pages, search, corpus counts, skipped files and health counts.
What never changes between two ingests is cached per store *generation*; a server
looks at the generation at most every :data:`POLL_S` seconds (one indexed read), so
a re-ingest, on this machine or another, is visible to every server within that
delay, without a restart.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
import time
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Callable
from itertools import accumulate
from pathlib import Path

from app.config import Settings
from app.loader import DataError
from app.models import Article
from app.search import Hit
from app.store import Engine, default_store, open_store
from app.store.base import CorpusCounts, Filters, SkippedFile, Slice, StoredArticle, Summary

__all__ = ["Filters", "StoreCorpus", "prepare", "serves_store_only", "store_target"]
from app.store.ingest import IngestReport, ingest

log = logging.getLogger("app.store")

# Seconds between two looks at the store's generation (the delay before a re-ingest
# is served). One indexed read of one row: cheap enough to do every second.
POLL_S = 1.0
# Articles kept decoded (``Article`` objects, ~0.5 ms to decode): the most recent.
DECODED_CACHE = 256
# Totals kept per generation, by /articles filters or /search query: the most recent.
# A filtered count reads the matching rows and a 3+ character search total counts the
# term's posting list (both linear in the matches; milliseconds to tens at 100,000
# articles), while a page is an index range: without this, every page paid the count.
TOTALS_CACHE = 1024


def store_target(settings: Settings) -> str:
    """``ARTICLE_STORE``, else the default SQLite file for the data folder in the cache
    folder, else (no cache folder) a file in a temporary folder removed at exit."""
    if settings.store:
        return settings.store
    if settings.cache_dir is not None:
        return str(default_store(settings.cache_dir, settings.data))
    folder = Path(tempfile.mkdtemp(prefix="article-api-store-"))
    # Removed when the server stops (the app's lifespan: uvicorn ends a SIGTERM by
    # raising it again, and atexit never runs), or at a normal exit.
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    _TEMPORARY.add(str(folder))
    return str(folder / "corpus.db")


# The folders store_target made, removed when their server stops.
_TEMPORARY: set[str] = set()


def temporary_folder(target: str) -> Path | None:
    """The temporary folder :func:`store_target` made for ``target``, if it made one."""
    folder = str(Path(target).parent)
    return Path(folder) if folder in _TEMPORARY else None


def serves_store_only(settings: Settings) -> bool:
    """``--store`` without ``--data``: serve the store as it is, read no folder."""
    return settings.store is not None and "data" not in settings.model_fields_set


def prepare(settings: Settings) -> tuple[str, IngestReport | None]:
    """Ingest the data folder into its store unless the store is served as it is;
    returns the store's target and what the ingest did."""
    if serves_store_only(settings):
        assert settings.store is not None
        return settings.store, None
    target = store_target(settings)
    writer = open_store(target)
    try:
        report = ingest(
            settings.data,
            writer,
            max_bytes=settings.max_file_bytes,
            workers=settings.parse_workers,
        )
    finally:
        writer.close()
    for name, reason in report.skipped.items():
        log.warning("skipped %s: %s", name, reason)
    for name, message in report.renamed.items():
        log.warning("renamed %s: %s", name, message)
    return target, report


# No stored text holds NUL (the parser refuses it, and PostgreSQL's text cannot): a
# query, filter or id with one matches nothing, and goes to neither engine (SQLite's
# FTS5 reads a query only up to it; PostgreSQL refuses the parameter).
NUL = "\x00"


class StoreCorpus:
    """The corpus the routes read, from a store (thread-safe)."""

    def __init__(self, store: Engine, *, primary: str | None = None, strict: bool = False) -> None:
        self.store = store
        self.primary_file = primary
        self.strict = strict
        self._lock = threading.Lock()
        self._checked = 0.0
        self.generation = -1
        self._load()

    def _load(self) -> None:
        generation = self.store.generation()
        stored = self.store.primary(self.primary_file)
        if stored is None:
            loaded, unread = self.store.counts()
            if self.primary_file is not None and loaded:
                raise DataError(
                    f"primary article file {self.primary_file!r} is not among the loaded files"
                )
            raise DataError(
                f"no article could be loaded from {self.store.target} ({unread} skipped):"
                " nothing to serve"
            )
        counts = self.store.counts()
        skipped = self.store.skipped()
        if self.strict and skipped:
            reasons = "; ".join(f"{s.file}: {s.reason}" for s in skipped)
            raise DataError(f"{len(skipped)} file(s) skipped in strict mode: {reasons}")
        self._primary_stored: StoredArticle = stored
        self._primary = _decode(stored)
        self._counts = counts
        self._skipped = skipped
        self._corpus_counts = self.store.corpus_counts()
        per_day = self._corpus_counts.per_day
        self._days = None if per_day is None else DayCounts(per_day)
        self._decoded: OrderedDict[str, Article] = OrderedDict()
        self._totals: OrderedDict[Filters | str, int] = OrderedDict()
        self.generation = generation

    def refresh(self, now: float | None = None) -> bool:
        """Look at the store's generation if :data:`POLL_S` has passed; reload what is
        cached when it moved. Returns whether it did."""
        now = time.monotonic() if now is None else now
        if now - self._checked < POLL_S:
            return False
        with self._lock:
            if now - self._checked < POLL_S:
                return False
            self._checked = now
            try:
                if self.store.generation() == self.generation:
                    return False
                self._load()
            except DataError as exc:  # an ingest emptied it: keep serving what we have
                log.warning("store changed but cannot be served, kept the last one: %s", exc)
                return False
            log.info("store generation %d: reloaded", self.generation)
            return True

    @property
    def primary(self) -> Article:
        return self._primary

    @property
    def primary_id(self) -> str:
        return self._primary_stored.id

    @property
    def primary_file_name(self) -> str:
        """The file the primary article was read from."""
        return self._primary_stored.file

    def get(self, article_id: str) -> Article | None:
        """The article with this id (decoded; the most recent few are kept), or None."""
        if article_id == self._primary_stored.id:
            return self._primary
        if NUL in article_id:
            return None
        with self._lock:
            cached = self._decoded.get(article_id)
            if cached is not None:
                self._decoded.move_to_end(article_id)
                return cached
            generation = self.generation
        stored = self.store.article(article_id)
        if stored is None:
            return None
        article = _decode(stored)
        with self._lock:
            # Not kept across a reload: read before it, it may be the old version.
            if self.generation == generation:
                self._decoded[article_id] = article
                if len(self._decoded) > DECODED_CACHE:
                    self._decoded.popitem(last=False)
        return article

    def article_json(self, article_id: str) -> bytes | None:
        """The article's JSON as stored at ingest (what /articles/{id} serves)."""
        if NUL in article_id:
            return None
        stored = self.store.article(article_id)
        return None if stored is None else stored.json

    def page(
        self, filters: Filters, limit: int, *, offset: int = 0, after: str | None = None
    ) -> tuple[Slice[Summary, str], int]:
        """A page of summaries (see :meth:`Store.listing`) and how many match in all."""
        if any(NUL in value for value in (filters.author, filters.source) if value):
            return Slice([], None), 0
        page = self.store.listing(filters, limit, offset=offset, after=after)
        if filters == Filters():  # counted when the generation was loaded
            return page, self._counts[0]
        if filters.author is None and filters.source is None and self._days is not None:
            return page, self._days.between(filters.date_from, filters.date_to)
        return page, self._total(filters, lambda: self.store.count(filters))

    def search(
        self, query: str, limit: int, *, offset: int = 0, after: int | None = None
    ) -> tuple[Slice[Hit, int], int]:
        """A page of hits (see :meth:`Store.hits`) and how many paragraphs match."""
        if NUL in query:
            return Slice([], None), 0
        hits = self.store.hits(query, limit, offset=offset, after=after)
        return hits, self._total(query, lambda: self.store.hit_count(query))

    def _total(self, key: Filters | str, count: Callable[[], int]) -> int:
        """A total of this generation: counted once, kept among the most recent."""
        with self._lock:
            total = self._totals.get(key)
            if total is not None:
                self._totals.move_to_end(key)
                return total
            generation = self.generation
        total = count()  # outside the lock: other requests go on meanwhile
        with self._lock:
            if self.generation == generation:  # not counted across a reload
                self._totals[key] = total
                if len(self._totals) > TOTALS_CACHE:
                    self._totals.popitem(last=False)
        return total

    @property
    def counts(self) -> CorpusCounts:
        return self._corpus_counts

    @property
    def skipped(self) -> list[SkippedFile]:
        return self._skipped

    @property
    def health(self) -> tuple[int, int]:
        """(articles served, files skipped)."""
        return self._counts


class DayCounts:
    """Articles per ISO day (as the last ingest counted them): a date filter's total is
    the difference of two running sums, found by bisection (~1 µs), where a count over
    the listing index reads every article in the range (~10 ms for 10^5)."""

    def __init__(self, per_day: dict[str, int]) -> None:
        self.days = sorted(per_day)
        self.before = list(accumulate((per_day[d] for d in self.days), initial=0))

    def between(self, date_from: str | None, date_to: str | None) -> int:
        """Articles dated from ``date_from`` to ``date_to``, both included (with no bound
        at all: every dated article, which no filter asks for)."""
        low = bisect_left(self.days, date_from) if date_from is not None else 0
        high = bisect_right(self.days, date_to) if date_to is not None else len(self.days)
        return max(0, self.before[high] - self.before[low])


def _decode(stored: StoredArticle) -> Article:
    return Article.model_validate_json(stored.json)
