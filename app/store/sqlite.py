"""The embedded store: one SQLite file (Python's own ``sqlite3``), WAL, FTS5 trigram search.

Readers and the one writer work at once: in WAL mode a reader sees the database
as of its transaction's start, and the writer changes one batch of whole articles
per transaction, so a reader never sees half an article and never waits.

Search: two contentless FTS5 indexes of the paragraphs, whose row ids are in
listing order (:mod:`app.store.base`), so hits come out of the index in the order
they are served. A query of three characters or more is a phrase on the
``trigram`` tokenizer (``case_sensitive 1``, ``detail=full``): exactly the
substring. One- and two-character queries (党, 党史: the commonest Chinese queries)
are one token of a second index holding each paragraph's distinct characters and
character pairs (:func:`~app.store.base.gram_tokens`, ``detail=none``).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from app.loader import unique_ids
from app.search import Hit
from app.store.base import (
    MARK_UNSETTLED,
    RENAMED_SQL,
    SEQ_BITS,
    SETTLE,
    CorpusCounts,
    Engine,
    FileState,
    Filters,
    Parsed,
    RenamedFile,
    SkippedFile,
    Slice,
    StoredArticle,
    StoreError,
    Summary,
    count_query,
    day_okeys,
    free_id,
    gram_inexact,
    gram_term,
    gram_tokens,
    hit_slice,
    pick_okey,
    sort_key,
    spread_okeys,
    summary_slice,
    where_clause,
)
from app.store.rows import (
    count_corpus,
    counts_json,
    counts_of,
    renamed_json,
    summary_json,
)

log = logging.getLogger("app.store")

# Bumped whenever the tables change; a writer rebuilds a store of another format.
FORMAT = "3"
# Bytes of pending index data FTS5 keeps before writing a segment (measured: 64 MB
# made ingest ~20% faster than the 1 MB default; it is per writer, not per reader).
FTS_HASHSIZE = 64 << 20
# An author with at least this many articles is listed by walking the listing in
# order and probing each article (a page stops after its last item: ~0.2 µs a probe,
# measured); one with fewer, by collecting his articles and sorting them (~1 µs each).
# At 100,000 articles either costs at most ~1-2 ms a page, wherever it starts.
AUTHOR_WALK = 1000
# Characters of paragraph text and gram tokens ingest keeps to index at once (about
# twice as many bytes): its writes are committed, and both indexes written, once that
# many have gathered. FTS5 writes a new segment for every batch of rows it is given
# out of row id order, and each segment repeats every distinct term it holds: batches
# of ~3,000 articles instead of 512 took the writer from 1.8 to ~1.4 ms an article
# (8,000: 1.1 ms, but ~150 MB held; the writer alone, at 10,000 articles).
TXN_CHARS = 16_000_000
# A run that writes more articles than this, or than the store's articles divided by
# REBUILD_SHARE, stops counting each article's grams (~0.8 ms an article: the
# writer's largest cost) and recounts them all from the index at the end (fts5vocab:
# ~0.08 ms an article of the store).
REBUILD_MIN = 2000
REBUILD_SHARE = 10
# Writers wait this long for another writer's transaction before failing.
BUSY_TIMEOUT_MS = 30_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, parser TEXT NOT NULL,
    reason TEXT, stat TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    aid INTEGER PRIMARY KEY, file TEXT NOT NULL UNIQUE, base_id TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE, sortkey TEXT NOT NULL, okey INTEGER NOT NULL UNIQUE,
    date TEXT, source TEXT,
    summary TEXT NOT NULL, kinds TEXT NOT NULL
);
-- Bodies apart: an article row stays small, so listings and counts scan few pages.
CREATE TABLE IF NOT EXISTS bodies (aid INTEGER PRIMARY KEY, json BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS articles_order ON articles (sortkey);
-- The skipped files alone: start-up counts and lists them without reading every file.
CREATE INDEX IF NOT EXISTS files_skipped ON files (name) WHERE reason IS NOT NULL;
CREATE INDEX IF NOT EXISTS articles_source ON articles (source, sortkey);
CREATE TABLE IF NOT EXISTS authors (
    author TEXT NOT NULL, aid INTEGER NOT NULL, PRIMARY KEY (author, aid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS paras (
    pid INTEGER PRIMARY KEY, aid INTEGER NOT NULL, section INTEGER, idx INTEGER NOT NULL,
    text TEXT NOT NULL
);
-- For each character and character pair, how many paragraphs hold it: the total of
-- a 1-2 character search, kept exact by every change (an index count grows with it).
CREATE TABLE IF NOT EXISTS grams (gram TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS paras_fts USING fts5 (
    text, content='', tokenize='trigram case_sensitive 1', detail=full
);
CREATE VIRTUAL TABLE IF NOT EXISTS paras_grams USING fts5 (
    tokens, content='', tokenize='ascii', detail=none
);
"""


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


class SQLiteStore(Engine):
    """A corpus in one SQLite file; ``readonly`` opens it for serving only."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.target = str(path)
        self.readonly = readonly
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        # (row id, text, gram tokens or None) to index at commit, and their characters.
        self._pending: list[tuple[int, str, str | None]] = []
        self._pending_chars = 0
        self._open = False  # a transaction of put() calls is open
        self._grams: Counter[str] = Counter()  # paragraphs per gram token, added and taken
        # Whether this run counts each article's grams (see REBUILD_MIN), and how many
        # articles it has written (None: not started).
        self._counting = True
        self._written: int | None = None
        self._limit = REBUILD_MIN
        if readonly:
            if not path.is_file():
                raise StoreError(f"store {path} does not exist: build it with article-api ingest")
            self._check(self._db())
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._drop_older_format()
            db = self._db()
            db.execute("PRAGMA journal_mode=WAL")
            with db:
                db.executescript(SCHEMA)
                columns = {row[1] for row in db.execute("PRAGMA table_info(files)")}
                if "stat" not in columns:  # a store from before stat signatures
                    db.execute("ALTER TABLE files ADD COLUMN stat TEXT")
                db.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (FORMAT,))
                db.execute("INSERT OR IGNORE INTO meta VALUES ('generation', '0')")
                for table in ("paras_fts", "paras_grams"):
                    # Fewer, larger segments while ingesting: FTS5 flushes its pending
                    # terms to a new segment at this size (default 1 MB), and merges them.
                    db.execute(
                        f"INSERT INTO {table} ({table}, rank) VALUES ('hashsize', {FTS_HASHSIZE})"
                    )
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {path}: {exc}") from exc
        self._check(db)

    def _drop_older_format(self) -> None:
        """A store of another format is a cache of the folder: ingest starts it afresh."""
        if not self.path.is_file():
            return
        try:
            with sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True) as db:
                row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.DatabaseError:
            return  # not a store: _check says so
        if row is not None and row[0] != FORMAT:
            log.warning("store %s has format %s, not %s: rebuilt", self.path, row[0], FORMAT)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def _check(self, db: sqlite3.Connection) -> None:
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path} is not an article store: {exc}") from exc
        if row is None or row[0] != FORMAT:
            raise StoreError(f"{self.path} has store format {row and row[0]}, not {FORMAT}")

    def _db(self) -> sqlite3.Connection:
        """This thread's connection (sqlite3 connections are not shared between threads)."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            uri = f"{self.path.resolve().as_uri()}?mode={'ro' if self.readonly else 'rwc'}"
            try:
                db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
            except sqlite3.Error as exc:
                raise StoreError(f"cannot open store {self.path}: {exc}") from exc
            db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                db.close()
            self._all.clear()
        self._local = threading.local()

    # -- reading --------------------------------------------------------------

    def generation(self) -> int:
        row = self._db().execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0])

    def counts(self) -> tuple[int, int]:
        db = self._db()
        db.execute("BEGIN")
        try:
            # The count the last ingest stored (a count(*) reads every row of 10^5).
            row = db.execute("SELECT value FROM meta WHERE key = 'counts'").fetchone()
            if row is not None:
                articles = counts_of(row[0]).articles
            else:
                (articles,) = db.execute("SELECT count(*) FROM articles").fetchone()
            (skipped,) = db.execute(
                "SELECT count(*) FROM files WHERE reason IS NOT NULL"
            ).fetchone()
        finally:
            db.execute("COMMIT")
        return articles, skipped

    def primary(self, file: str | None = None) -> StoredArticle | None:
        db = self._db()
        if file is None:
            row = db.execute(
                "SELECT id, file, json FROM articles JOIN bodies USING (aid) ORDER BY file LIMIT 1"
            ).fetchone()
        else:
            row = db.execute(
                "SELECT id, file, json FROM articles JOIN bodies USING (aid) WHERE file = ?",
                (file,),
            ).fetchone()
        return None if row is None else StoredArticle(row[0], row[1], bytes(row[2]))

    def article(self, article_id: str) -> StoredArticle | None:
        row = (
            self._db()
            .execute(
                "SELECT id, file, json FROM articles JOIN bodies USING (aid) WHERE id = ?",
                (article_id,),
            )
            .fetchone()
        )
        return None if row is None else StoredArticle(row[0], row[1], bytes(row[2]))

    def listing(
        self, filters: Filters, limit: int, *, offset: int = 0, after: str | None = None
    ) -> Slice[Summary, str]:
        db = self._db()
        walk = filters.author is not None and self._common_author(db, filters.author)
        where, params = where_clause(filters, "?", after, walk_author=walk)
        rows = db.execute(
            f"SELECT id, summary, sortkey FROM articles{where} ORDER BY sortkey LIMIT ? OFFSET ?",
            (*params, limit + 1, offset),  # one more: is there a next page?
        ).fetchall()
        return summary_slice(rows, limit)

    @staticmethod
    def _common_author(db: sqlite3.Connection, author: str) -> bool:
        """Whether the author has AUTHOR_WALK articles or more (counted up to that)."""
        (n,) = db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM authors WHERE author = ? LIMIT ?)",
            (author, AUTHOR_WALK),
        ).fetchone()
        return bool(n >= AUTHOR_WALK)

    def count(self, filters: Filters) -> int:
        (total,) = self._db().execute(*count_query(filters, "?")).fetchone()
        return int(total)

    @staticmethod
    def _match(query: str) -> tuple[str, str, tuple[str | int, ...]]:
        """The index a query reads, its WHERE clause (``f`` is the index, ``p`` the
        paragraph) and its parameters."""
        if not query:
            raise ValueError("empty query")
        if len(query) >= 3:  # a phrase of trigrams: exactly the substring, case and all
            table, match, check = "paras_fts", _quoted(query), False
        else:
            table, match, check = "paras_grams", gram_term(query), gram_inexact(query)
        where = f"f.{table} MATCH ?" + (" AND instr(p.text, ?) > 0" if check else "")
        return table, where, (match, query) if check else (match,)

    def hits(
        self, query: str, limit: int, *, offset: int = 0, after: int | None = None
    ) -> Slice[Hit, int]:
        table, where, params = self._match(query)
        if after is not None:  # FTS5 starts at the row id: no entry before it is read
            where += " AND f.rowid > ?"
            params = (*params, after)
        # Row ids are in listing order (base.py), so the index yields hits in order
        # and a page stops after its last hit.
        rows = (
            self._db()
            .execute(
                f"SELECT f.rowid, a.id, p.section, p.idx, p.text FROM {table} f"
                " JOIN paras p ON p.pid = f.rowid JOIN articles a ON a.aid = p.aid"
                f" WHERE {where} ORDER BY f.rowid LIMIT ? OFFSET ?",
                (*params, limit + 1, offset),  # one more: is there a next page?
            )
            .fetchall()
        )
        return hit_slice(rows, limit, query)

    def hit_count(self, query: str) -> int:
        table, where, params = self._match(query)
        db = self._db()
        if len(query) <= 2 and not gram_inexact(query):
            # The number of paragraphs whose tokens hold the query's: kept in ``grams``
            # (no count over the matches), or, while an ingest has left it to be
            # recounted, read from the index's own count.
            own = not db.in_transaction  # (a writer's own open transaction will do)
            if own:
                db.execute("BEGIN")
            try:
                if db.execute("SELECT 1 FROM meta WHERE key = 'grams_stale'").fetchone():
                    self._vocab(db)
                    sql = "SELECT doc FROM temp.grams_vocab WHERE term = ?"
                else:
                    sql = "SELECT n FROM grams WHERE gram = ?"
                row = db.execute(sql, (gram_term(query)[1:-1],)).fetchone()
            finally:
                if own:
                    db.execute("COMMIT")
            return int(row[0]) if row else 0
        # A phrase of trigrams is exact; a gram that stands for other text too is
        # checked: a count over the matches, linear in them (StoreCorpus keeps it per
        # generation).
        # (past the branch above, a 1-2 character query is one _match checks with instr)
        join = " JOIN paras p ON p.pid = f.rowid" if len(query) <= 2 else ""
        (total,) = db.execute(
            f"SELECT count(*) FROM {table} f{join} WHERE {where}", params
        ).fetchone()
        return int(total)

    @staticmethod
    def _vocab(db: sqlite3.Connection) -> None:
        """This connection's view of the gram index's terms and paragraph counts."""
        db.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.grams_vocab"
            " USING fts5vocab(main, 'paras_grams', 'row')"
        )

    def corpus_counts(self) -> CorpusCounts:
        row = self._db().execute("SELECT value FROM meta WHERE key = 'counts'").fetchone()
        if row is None:
            return CorpusCounts(0, 0, 0, {}, {})
        return counts_of(row[0])

    def skipped(self) -> list[SkippedFile]:
        rows = self._db().execute(
            "SELECT name, reason FROM files WHERE reason IS NOT NULL ORDER BY name"
        )
        return [SkippedFile(name, reason) for name, reason in rows]

    def renamed(self) -> list[RenamedFile]:
        rows = self._db().execute(RENAMED_SQL + " ORDER BY r.file")
        return [RenamedFile(*row) for row in rows]

    # -- writing --------------------------------------------------------------

    def files(self) -> dict[str, FileState]:
        rows = self._db().execute("SELECT name, sha256, parser, stat FROM files")
        return {name: FileState(sha, parser, sig) for name, sha, parser, sig in rows}

    def put(self, items: list[tuple[str, FileState, Parsed | str]]) -> None:
        db = self._db()
        if not self._open:
            db.execute("BEGIN IMMEDIATE")
            self._open = True
            db.execute(MARK_UNSETTLED)
        try:
            self._count_or_not(db, len(items))
            for name, state, result in items:
                self._drop(db, name)
                reason = result if isinstance(result, str) else None
                db.execute(
                    "INSERT INTO files VALUES (?, ?, ?, ?, ?)",
                    (name, state.sha256, state.parser, reason, state.stat),
                )
                if not isinstance(result, str):
                    self._insert(db, name, result)
            if self._pending_chars >= TXN_CHARS:
                self.flush()
        except BaseException:
            self.discard()
            raise

    def flush(self) -> None:
        if not self._open:
            return
        db = self._db()
        try:
            self._index_pending(db)
            self._count_grams(db)
            db.execute("COMMIT")
            self._open = False
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        self._pending = []
        self._pending_chars = 0
        self._grams = Counter()
        if self._open:
            self._open = False
            self._db().execute("ROLLBACK")

    def _count_or_not(self, db: sqlite3.Connection, n: int) -> None:
        """Count this run's grams article by article, or stop (see REBUILD_MIN): the
        store is marked, in the same transaction, for a recount at ``finish``."""
        if self._written is None:
            row = db.execute("SELECT value FROM meta WHERE key = 'counts'").fetchone()
            stored = counts_of(row[0]).articles if row is not None else 0
            self._limit = max(REBUILD_MIN, stored // REBUILD_SHARE)
            self._written = 0
        self._written += n
        if self._counting and self._written > self._limit:
            self._counting = False
            self._grams = Counter()
            db.execute("INSERT OR REPLACE INTO meta VALUES ('grams_stale', '1')")

    def _count_grams(self, db: sqlite3.Connection) -> None:
        db.executemany(
            "INSERT INTO grams VALUES (?, ?) ON CONFLICT (gram) DO UPDATE SET n = n + excluded.n",
            ((g, n) for g, n in self._grams.items() if g and n),
        )
        self._grams = Counter()

    def _recount_grams(self, db: sqlite3.Connection) -> None:
        """Every gram total from the index's own per-term counts (see REBUILD_MIN)."""
        self._vocab(db)
        db.execute("DELETE FROM grams")
        db.execute("INSERT INTO grams SELECT term, doc FROM temp.grams_vocab")
        db.execute("DELETE FROM meta WHERE key = 'grams_stale'")

    def _insert(self, db: sqlite3.Connection, name: str, parsed: Parsed) -> None:
        article_id = _free_id(db, parsed.base_id, name)
        article_json = parsed.article_json
        if article_id != parsed.base_id:
            article_json = renamed_json(article_json, article_id)
        s = parsed.summary
        key = sort_key(s.date, article_id)
        okey = self._okey(db, s.date, key)
        cursor = db.execute(
            "INSERT INTO articles"
            " (file, base_id, id, sortkey, okey, date, source, summary, kinds)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                name, parsed.base_id, article_id, key, okey, s.date, s.source, summary_json(s),
                json.dumps(parsed.figures_by_kind, ensure_ascii=False),
            ),
        )  # fmt: skip
        aid = cursor.lastrowid
        db.execute("INSERT INTO bodies VALUES (?, ?)", (aid, article_json.encode()))
        db.executemany("INSERT OR IGNORE INTO authors VALUES (?, ?)", ((a, aid) for a in s.authors))
        base = okey << SEQ_BITS
        rows = [
            (base + n, aid, sec, idx, text) for n, (sec, idx, text) in enumerate(parsed.paragraphs)
        ]
        db.executemany("INSERT INTO paras VALUES (?, ?, ?, ?, ?)", rows)
        tokens = parsed.tokens or tuple(gram_tokens(text) for *_, text in rows)
        if self._counting:
            self._grams.update(_split_tokens(tokens))
        for (pid, _, _, _, text), grams in zip(rows, tokens, strict=True):
            self._pending.append((pid, text, grams))
            self._pending_chars += len(text) + len(grams)

    def _okey(self, db: sqlite3.Connection, date: str | None, key: str) -> int:
        """A free okey for a new article of ``date`` with sort key ``key``."""
        low, high = day_okeys(date)
        for _ in range(2):
            before = db.execute(
                "SELECT max(okey) FROM articles WHERE okey >= ? AND okey < ? AND sortkey < ?",
                (low, high, key),
            ).fetchone()[0]
            after = db.execute(
                "SELECT min(okey) FROM articles WHERE okey >= ? AND okey < ? AND sortkey > ?",
                (low, high, key),
            ).fetchone()[0]
            okey = pick_okey(low, high, before, after)
            if okey is not None:
                return okey
            self._renumber_day(db, low, high)
        raise StoreError(f"no room for another article dated {date}")  # 2^20 in one day

    def _renumber_day(self, db: sqlite3.Connection, low: int, high: int) -> None:
        """Spread one day's articles evenly again (their paragraphs move with them)."""
        rows = db.execute(
            "SELECT aid, okey FROM articles WHERE okey >= ? AND okey < ? ORDER BY sortkey",
            (low, high),
        ).fetchall()
        for aid, okey in rows:  # out of the way first: new and old keys may overlap
            self._move(db, aid, okey, -aid)
        for (aid, _), okey in zip(rows, spread_okeys(low, len(rows)), strict=True):
            self._move(db, aid, -aid, okey)

    def _move(self, db: sqlite3.Connection, aid: int, old: int, new: int) -> None:
        self._index_pending(db)  # the rows to move may be among them
        paras = self._paras(db, old)
        self._unindex(db, paras)
        shift = (new - old) << SEQ_BITS
        db.execute(
            "UPDATE paras SET pid = pid + ? WHERE pid >= ? AND pid < ?",
            (shift, old << SEQ_BITS, (old + 1) << SEQ_BITS),
        )
        self._index(db, [(pid + shift, text, None) for pid, text in paras])
        db.execute("UPDATE articles SET okey = ? WHERE aid = ?", (new, aid))

    def _paras(self, db: sqlite3.Connection, okey: int) -> list[tuple[int, str]]:
        return db.execute(
            "SELECT pid, text FROM paras WHERE pid >= ? AND pid < ?",
            (okey << SEQ_BITS, (okey + 1) << SEQ_BITS),
        ).fetchall()

    def _index_pending(self, db: sqlite3.Connection) -> None:
        """Index the rows written since the last time (before reading the index's rows:
        a contentless index cannot forget a row it was never given)."""
        if self._pending:
            self._index(db, self._pending)
            self._pending = []
            self._pending_chars = 0

    def _index(self, db: sqlite3.Connection, paras: list[tuple[int, str, str | None]]) -> None:
        # FTS5 starts a new segment whenever a row id is lower than the last one it
        # was given in a transaction: index in row id order.
        paras.sort()
        db.executemany(
            "INSERT INTO paras_fts (rowid, text) VALUES (?, ?)", ((p, t) for p, t, _ in paras)
        )
        db.executemany(
            "INSERT INTO paras_grams (rowid, tokens) VALUES (?, ?)",
            (
                (pid, grams if grams is not None else gram_tokens(text))
                for pid, text, grams in paras
            ),
        )

    def _unindex(self, db: sqlite3.Connection, paras: list[tuple[int, str]]) -> None:
        # A contentless FTS5 table forgets a row given the values it indexed.
        db.executemany(
            "INSERT INTO paras_fts (paras_fts, rowid, text) VALUES ('delete', ?, ?)", paras
        )
        db.executemany(
            "INSERT INTO paras_grams (paras_grams, rowid, tokens) VALUES ('delete', ?, ?)",
            ((pid, gram_tokens(text)) for pid, text in paras),
        )

    def _drop(self, db: sqlite3.Connection, name: str) -> None:
        db.execute("DELETE FROM files WHERE name = ?", (name,))
        row = db.execute("SELECT aid, okey FROM articles WHERE file = ?", (name,)).fetchone()
        if row is None:
            return
        aid, okey = row
        self._index_pending(db)
        paras = self._paras(db, okey)
        self._unindex(db, paras)
        if self._counting:
            self._grams.subtract(_split_tokens(gram_tokens(text) for _, text in paras))
        db.execute(
            "DELETE FROM paras WHERE pid >= ? AND pid < ?",
            (okey << SEQ_BITS, (okey + 1) << SEQ_BITS),
        )
        db.execute("DELETE FROM authors WHERE aid = ?", (aid,))
        db.execute("DELETE FROM bodies WHERE aid = ?", (aid,))
        db.execute("DELETE FROM articles WHERE aid = ?", (aid,))

    def restat(self, items: list[tuple[str, str | None]]) -> None:
        self.flush()
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("UPDATE files SET stat = ? WHERE name = ?", ((s, n) for n, s in items))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def remove(self, names: list[str]) -> None:
        self.flush()
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(MARK_UNSETTLED)
            for name in names:
                self._drop(db, name)
            self._count_grams(db)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            self._grams = Counter()

    def finish(self, changed: bool) -> None:
        self.flush()
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        try:
            stale = db.execute("SELECT 1 FROM meta WHERE key = 'grams_stale'").fetchone()
            if stale:  # left to be recounted by this run (or by one that failed)
                self._recount_grams(db)
                changed = True
            if db.execute(SETTLE).fetchall():
                changed = True  # written by this run, or by one that failed before this
            rows = db.execute(
                "SELECT aid, file, base_id, id FROM articles ORDER BY file"
            ).fetchall()
            wanted = unique_ids([(file, base) for _, file, base, _ in rows])
            moved = [
                (aid, new) for (aid, _, _, old), new in zip(rows, wanted, strict=True) if old != new
            ]
            # Even with no file changed, a store written by an older rule is settled.
            if not changed and not moved and self.corpus_counts_stored():
                db.execute("COMMIT")
                return
            # Two steps, so that swapping ids never trips a UNIQUE constraint: every
            # renamed article leaves its id and its place first (a place is picked
            # between the day's other sort keys, which must not include a stale one).
            for aid, _ in moved:
                (okey,) = db.execute("SELECT okey FROM articles WHERE aid = ?", (aid,)).fetchone()
                db.execute("UPDATE articles SET id = char(1) || aid WHERE aid = ?", (aid,))
                self._move(db, aid, okey, -aid)
            for aid, new in moved:
                date, raw = db.execute(
                    "SELECT date, json FROM articles JOIN bodies USING (aid) WHERE aid = ?",
                    (aid,),
                ).fetchone()
                key = sort_key(date, new)
                # Its place within the day follows the id: take a new okey there.
                db.execute("UPDATE articles SET sortkey = ? WHERE aid = ?", (key, aid))
                self._move(db, aid, -aid, self._okey(db, date, key))
                db.execute("UPDATE articles SET id = ? WHERE aid = ?", (new, aid))
                db.execute(
                    "UPDATE bodies SET json = ? WHERE aid = ?",
                    (renamed_json(bytes(raw).decode(), new).encode(), aid),
                )
            counts = count_corpus(
                db.execute("SELECT date, summary, kinds FROM articles").fetchall()
            )
            db.execute("INSERT OR REPLACE INTO meta VALUES ('counts', ?)", (counts_json(counts),))
            db.execute(
                "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
            )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:  # the next run counts or not afresh
            self._counting, self._written = True, None
        db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def corpus_counts_stored(self) -> bool:
        """Whether the counts are stored, per-day counts included (older stores lack them)."""
        return self.corpus_counts().per_day is not None


def _split_tokens(tokens: Iterable[str]) -> list[str]:
    """Paragraphs' gram tokens as one list (a Counter counts a list at C speed)."""
    return " ".join(t for t in tokens if t).split(" ")


def _free_id(db: sqlite3.Connection, base: str, file: str) -> str:
    return free_id(
        lambda i: db.execute("SELECT 1 FROM articles WHERE id = ?", (i,)).fetchone() is not None,
        base,
        file,
    )
