"""The scale-out store: PostgreSQL through psycopg 3 and its connection pool.

Same tables and the same answers as the SQLite store. Serving needs only SELECT
(a read-only role is enough): every read is one statement, run in autocommit (one
round trip) in a read-only session, and ingest changes a batch of whole articles
per transaction, so a reader never sees half of one.

Search: each paragraph keeps the array of its distinct characters and character
pairs (``grams``) under a GIN index. A one-character query is ``grams @> {q}``;
a longer one is ``grams @> {its pairs}``, exact for two characters and checked
with ``strpos`` from three on. Debian's pg_trgm cannot serve here: it splits
text into words, folds case, and extracts no trigram from a 1-2 character
pattern, so 党史 would be a full scan.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from typing import Any

from psycopg import Connection, errors
from psycopg_pool import ConnectionPool

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
    gram_counts,
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

FORMAT = "2"
# Advisory lock keys (per database): creating the schema, and being its writer.
SCHEMA_LOCK = 4980
WRITER_LOCK = 4981
# Connections per server process: sync routes run in a thread pool, and a read
# holds a connection for one short transaction.
POOL_MAX = 8
CONNECT_TIMEOUT_S = 10

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    name text PRIMARY KEY, sha256 text NOT NULL, parser text NOT NULL,
    reason text, stat text
);
-- A store from before stat signatures.
ALTER TABLE files ADD COLUMN IF NOT EXISTS stat text;
CREATE TABLE IF NOT EXISTS articles (
    aid bigserial PRIMARY KEY, file text NOT NULL UNIQUE, base_id text NOT NULL,
    id text NOT NULL UNIQUE, sortkey text COLLATE "C" NOT NULL, okey bigint NOT NULL UNIQUE,
    date text, source text,
    summary text NOT NULL, kinds text NOT NULL, json bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_order ON articles (sortkey);
-- The skipped files alone: start-up counts and lists them without reading every file.
CREATE INDEX IF NOT EXISTS files_skipped ON files (name) WHERE reason IS NOT NULL;
CREATE INDEX IF NOT EXISTS articles_source ON articles (source, sortkey);
CREATE TABLE IF NOT EXISTS authors (
    author text NOT NULL, aid bigint NOT NULL, PRIMARY KEY (author, aid)
);
CREATE TABLE IF NOT EXISTS paras (
    pid bigint PRIMARY KEY, aid bigint NOT NULL, section integer, idx integer NOT NULL,
    text text NOT NULL, grams text[] NOT NULL
);
CREATE INDEX IF NOT EXISTS paras_grams ON paras USING gin (grams);
CREATE TABLE IF NOT EXISTS grams (gram text PRIMARY KEY, n bigint NOT NULL);
INSERT INTO meta VALUES ('format', '2') ON CONFLICT DO NOTHING;
INSERT INTO meta VALUES ('generation', '0') ON CONFLICT DO NOTHING;
"""


def grams_of(text: str) -> list[str]:
    """The distinct characters and character pairs of a paragraph."""
    return sorted({*text, *(text[i : i + 2] for i in range(len(text) - 1))})


def query_grams(query: str) -> list[str]:
    if len(query) == 1:
        return [query]
    return sorted({query[i : i + 2] for i in range(len(query) - 1)})


def _match(query: str) -> tuple[str, tuple[Any, ...]]:
    """The WHERE clause of the paragraphs (``p``) holding ``query``, and its parameters."""
    if not query:
        raise ValueError("empty query")
    if len(query) <= 2:  # exact: the pairs of a 2-character query are itself
        return "p.grams @> %s::text[]", (query_grams(query),)
    return "p.grams @> %s::text[] AND strpos(p.text, %s) > 0", (query_grams(query), query)


# A search page walks the listing when the paragraphs it expects to read before its
# last hit, ``wanted * paragraphs / matches``, are fewer than WALK_FACTOR times the
# matches a gather would fetch and sort (measured at 10,000 articles: a walked row
# ~3 µs, a gathered match ~9 µs with two pairs to intersect; at 4, 新时代's 696
# matches were walked, 2,565 rows expected, in 8.9 ms at p50 against 6.7 gathered).
# The walk reads at most WALK_SLACK times the rows expected (matches may cluster):
# a page not found within them is gathered.
WALK_FACTOR = 2
WALK_SLACK = 4
# Exact totals of 3+ character queries kept as plan hints (a few hundred KB), and
# queries whose plan counts are kept (a read less per search).
KNOWN_TOTALS = 4096
# How long a query's plan counts are kept: a stale count can only choose the slower
# plan, never change an answer.
PLAN_COUNTS_TTL_S = 30.0
# A page of hits ``h`` (found first) with its articles' ids, in order.
PAGE_OF_HITS = (
    "SELECT h.pid, a.id, h.section, h.idx, h.text FROM h"
    " JOIN articles a ON a.aid = h.aid ORDER BY h.pid"
)


def _rows_to_walk(
    counts: tuple[int, ...], paragraphs: float, wanted: int, known: int | None
) -> int:
    """How many paragraphs to walk for ``wanted`` hits; 0: gather them instead.

    ``counts``: the paragraphs holding each of the query's grams, ascending (from
    ``grams``); ``paragraphs``: the table's estimated rows. The matches are the first
    count for 1-2 characters. From three on they are ``known`` once hit_count has
    counted them; until then the pairs' counts only bound them, and the two rarest
    pairs are taken as independent (an underestimate for pairs that go together, as
    in 新时代, which leans to the gather: its cost is bounded by the true matches, a
    walk's by the rows it reads)."""
    if paragraphs <= 0 or not counts or counts[0] <= 0:
        return 0  # a pair no paragraph holds: nothing to walk for
    matches = float(counts[0])
    if known is not None:
        matches = float(known)
    elif len(counts) > 1:
        matches *= counts[1] / paragraphs
    if matches <= 0:
        return 0
    expected = wanted * paragraphs / max(matches, 1.0)
    if expected >= WALK_FACTOR * matches:
        return 0
    return int(expected * WALK_SLACK) + 64


def _plan_counts(conn: Connection[Any], query: str) -> tuple[tuple[int, ...], float]:
    """The counts :func:`_rows_to_walk` plans from, read from the database: each gram's
    paragraphs, ascending (empty when a gram is in none), and the table's rows."""
    grams = query_grams(query)
    row = conn.execute(
        "SELECT (SELECT array_agg(n ORDER BY n) FROM grams WHERE gram = ANY(%s)),"
        " (SELECT reltuples FROM pg_class WHERE oid = 'paras'::regclass)",
        (grams,),
    ).fetchone()
    counts: list[int] = list(row[0] or []) if row else []
    paragraphs = float(row[1] or 0) if row else 0.0  # -1: never analysed
    return (tuple(counts) if len(counts) == len(grams) else ()), paragraphs


def _keep(kept: dict[str, Any], key: str, value: Any) -> None:
    """Keep ``value`` under ``key``, forgetting the oldest beyond KNOWN_TOTALS."""
    kept.pop(key, None)  # (re-inserted: the newest)
    kept[key] = value
    while len(kept) > KNOWN_TOTALS:
        del kept[next(iter(kept))]


def _configure(conn: Connection[Any]) -> None:
    # Every read is one statement (a search's plan counts and its page need not
    # agree: the counts only choose the plan), so none needs a transaction of its
    # own: autocommit saves a BEGIN and a COMMIT round trip per read. The session is
    # read-only all the same.
    conn.autocommit = True
    conn.execute("SET default_transaction_read_only = on")


class PostgresStore(Engine):
    """A corpus in a PostgreSQL database, given by its ``postgresql://`` URL."""

    def __init__(self, url: str, *, readonly: bool = False) -> None:
        self.target = url
        self.readonly = readonly
        self._writer: Connection[Any] | None = None
        self._renumbered = False  # whether put() renumbered a day (see _renumber_day)
        # Totals hit_count has counted, by query: a search of 3 characters or more
        # chooses its plan from its exact total once known (KNOWN_TOTALS at most; a
        # total of an older generation can only choose a slower plan, never change
        # an answer).
        self._known: dict[str, int] = {}
        # Each searched query's plan counts (see _plan_counts) and when they were read.
        self._plans: dict[str, tuple[float, tuple[int, ...], float]] = {}
        self._known_lock = threading.Lock()  # (both: served from a thread pool)
        try:
            if not readonly:
                self._writer = Connection.connect(url, connect_timeout=CONNECT_TIMEOUT_S)
                with self._writer.transaction():
                    # One ingest at a time creates the schema (IF NOT EXISTS races otherwise).
                    self._writer.execute(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK})")
                    self._writer.execute(SCHEMA)
                    # One writer at a time (a session's lock: held until close). Two
                    # would pick the same places in a day and insert the same files: a
                    # unique-key error half way through the second.
                    row = self._writer.execute(
                        f"SELECT pg_try_advisory_lock({WRITER_LOCK})"
                    ).fetchone()
                if not (row and row[0]):
                    raise StoreError(
                        f"another ingest is writing to {_safe(url)}: run one at a time"
                        " (it holds the writer's lock until it ends)"
                    )
            self._pool = ConnectionPool(
                url,
                min_size=1,
                max_size=POOL_MAX,
                configure=_configure,
                kwargs={"connect_timeout": CONNECT_TIMEOUT_S},
                open=False,
            )
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
            with self._pool.connection() as conn:
                row = conn.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        except StoreError:
            self.close()
            raise
        except errors.UndefinedTable as exc:
            self.close()
            raise StoreError(
                f"{_safe(url)} holds no article store: run article-api ingest"
            ) from exc
        except Exception as exc:  # psycopg.Error, pool timeouts: one line, not a traceback
            self.close()
            reason = " ".join(str(exc).split())  # libpq's messages span lines
            raise StoreError(f"cannot open store {_safe(url)}: {reason}") from exc
        if row is None or row[0] != FORMAT:
            self.close()
            raise StoreError(f"{_safe(url)} has store format {row and row[0]}, not {FORMAT}")

    def close(self) -> None:
        pool = getattr(self, "_pool", None)
        if pool is not None:
            pool.close()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    # -- reading --------------------------------------------------------------

    def generation(self) -> int:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        assert row is not None
        return int(row[0])

    def counts(self) -> tuple[int, int]:
        with self._pool.connection() as conn:
            # The count the last ingest stored (a count(*) reads every row of 10^5).
            row = conn.execute(
                "SELECT (SELECT value FROM meta WHERE key = 'counts'),"
                " (SELECT count(*) FROM articles WHERE NOT EXISTS"
                "  (SELECT 1 FROM meta WHERE key = 'counts')),"
                " (SELECT count(*) FROM files WHERE reason IS NOT NULL)"
            ).fetchone()
        assert row is not None
        articles = counts_of(row[0]).articles if row[0] is not None else int(row[1])
        return articles, int(row[2])

    def primary(self, file: str | None = None) -> StoredArticle | None:
        with self._pool.connection() as conn:
            if file is None:
                row = conn.execute(
                    'SELECT id, file, json FROM articles ORDER BY file COLLATE "C" LIMIT 1'
                ).fetchone()
            else:
                row = conn.execute(
                    "SELECT id, file, json FROM articles WHERE file = %s", (file,)
                ).fetchone()
        return None if row is None else StoredArticle(row[0], row[1], bytes(row[2]))

    def article(self, article_id: str) -> StoredArticle | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                "SELECT id, file, json FROM articles WHERE id = %s", (article_id,)
            ).fetchone()
        return None if row is None else StoredArticle(row[0], row[1], bytes(row[2]))

    def listing(
        self, filters: Filters, limit: int, *, offset: int = 0, after: str | None = None
    ) -> Slice[Summary, str]:
        where, params = where_clause(filters, "%s", after)
        with self._pool.connection() as conn:
            rows = conn.execute(
                f"SELECT id, summary, sortkey FROM articles{where}"
                " ORDER BY sortkey LIMIT %s OFFSET %s",
                (*params, limit + 1, offset),  # one more: is there a next page?
            ).fetchall()
        return summary_slice(rows, limit)

    def count(self, filters: Filters) -> int:
        with self._pool.connection() as conn:
            total = conn.execute(*count_query(filters, "%s")).fetchone()
        assert total is not None
        return int(total[0])

    def hits(
        self, query: str, limit: int, *, offset: int = 0, after: int | None = None
    ) -> Slice[Hit, int]:
        first: tuple[int, ...] = (after,) if after is not None else ()
        with self._pool.connection() as conn:
            # Row ids are in listing order (base.py). A common query walks the primary
            # key in order (from ``after``), checking each paragraph's text, and stops
            # after the page; a rare one gathers its matches from the GIN index and
            # sorts them. The choice is made here, from the counts kept in ``grams``:
            # the planner estimates ``grams @>`` from sampled statistics and walked for
            # rare terms too (汛期: 44 ms p99 at 10,000 articles, SQLite 5.8 ms).
            # Either way the page is found first and joined to its articles after (a
            # join before the page hashed the whole articles table: 4 of 4.5 ms).
            counts, paragraphs = self._kept_plan_counts(conn, query)
            rows_to_walk = _rows_to_walk(
                counts, paragraphs, offset + limit + 1, self._known.get(query)
            )
            if rows_to_walk:
                rows = conn.execute(
                    "WITH h AS MATERIALIZED (SELECT w.* FROM (SELECT p.pid, p.aid, p.section,"
                    f" p.idx, p.text FROM paras p{' WHERE p.pid > %s' if first else ''}"
                    " ORDER BY p.pid LIMIT %s) w"
                    " WHERE strpos(w.text, %s) > 0 ORDER BY w.pid LIMIT %s OFFSET %s)"
                    f" {PAGE_OF_HITS}",
                    (*first, rows_to_walk, query, limit + 1, offset),
                    prepare=False,
                ).fetchall()
                if len(rows) > limit:  # the page, and there is a next: no gather needed
                    return hit_slice(rows, limit, query)
            where, params = _match(query)
            # ``pid + 0``: ordered by an expression no index gives, the matches are
            # gathered from the GIN index and sorted. Ordered by ``pid``, the planner
            # may walk the primary key instead, from its guess of how common the grams
            # are (0.5% for one outside its sampled statistics): at 100,000 articles
            # it did, for pairs of a few hundred matches, reading 10^5 rows (1.6 s
            # for 税6, 170 matches; 3 ms gathered).
            rows = conn.execute(
                "WITH h AS MATERIALIZED (SELECT p.pid, p.aid, p.section, p.idx, p.text"
                f" FROM paras p WHERE {where}{' AND p.pid > %s' if first else ''}"
                " ORDER BY p.pid + 0 LIMIT %s OFFSET %s)"
                f" {PAGE_OF_HITS}",
                (*params, *first, limit + 1, offset),  # one more: is there a next page?
                prepare=False,
            ).fetchall()
        return hit_slice(rows, limit, query)

    def hit_count(self, query: str) -> int:
        where, params = _match(query)
        with self._pool.connection() as conn:
            if len(query) <= 2:  # kept by ingest: no count over the matches
                total = conn.execute("SELECT n FROM grams WHERE gram = %s", (query,)).fetchone()
            else:
                total = conn.execute(
                    f"SELECT count(*) FROM paras p WHERE {where}", params, prepare=False
                ).fetchone()
        count = int(total[0]) if total else 0
        if len(query) > 2:
            with self._known_lock:
                _keep(self._known, query, count)
        return count

    def _kept_plan_counts(self, conn: Connection[Any], query: str) -> tuple[tuple[int, ...], float]:
        """The query's plan counts, read again when older than PLAN_COUNTS_TTL_S."""
        now = time.monotonic()
        kept = self._plans.get(query)
        if kept is not None and now - kept[0] < PLAN_COUNTS_TTL_S:
            return kept[1], kept[2]
        counts, paragraphs = _plan_counts(conn, query)
        with self._known_lock:
            _keep(self._plans, query, (now, counts, paragraphs))
        return counts, paragraphs

    def corpus_counts(self) -> CorpusCounts:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'counts'").fetchone()
        return CorpusCounts(0, 0, 0, {}, {}) if row is None else counts_of(row[0])

    def skipped(self) -> list[SkippedFile]:
        with self._pool.connection() as conn:
            rows = conn.execute(
                'SELECT name, reason FROM files WHERE reason IS NOT NULL ORDER BY name COLLATE "C"'
            ).fetchall()
        return [SkippedFile(name, reason) for name, reason in rows]

    def renamed(self) -> list[RenamedFile]:
        with self._pool.connection() as conn:
            rows = conn.execute(RENAMED_SQL + ' ORDER BY r.file COLLATE "C"').fetchall()
        return [RenamedFile(*row) for row in rows]

    # -- writing --------------------------------------------------------------

    def _w(self) -> Connection[Any]:
        if self._writer is None:
            raise StoreError("this store was opened read-only")
        return self._writer

    def files(self) -> dict[str, FileState]:
        rows = self._w().execute("SELECT name, sha256, parser, stat FROM files")
        result = {name: FileState(sha, parser, sig) for name, sha, parser, sig in rows}
        self._w().commit()
        return result

    def put(self, items: list[tuple[str, FileState, Parsed | str]]) -> None:
        db = self._w()
        delta: Counter[str] = Counter()
        with db.transaction():
            db.execute(MARK_UNSETTLED)
            for name, state, result in items:
                self._drop(db, name, delta)
                reason = result if isinstance(result, str) else None
                db.execute(
                    "INSERT INTO files VALUES (%s, %s, %s, %s, %s)",
                    (name, state.sha256, state.parser, reason, state.stat),
                )
            parsed = [(name, r) for name, _, r in items if not isinstance(r, str)]
            self._renumbered = False
            keys = [self._insert(db, name, p) for name, p in parsed]
            if self._renumbered:  # a day renumbered after some of its articles were inserted
                okeys = dict(
                    db.execute(
                        "SELECT aid, okey FROM articles WHERE aid = ANY(%s)",
                        ([aid for aid, _ in keys],),
                    ).fetchall()
                )
                keys = [(aid, okeys[aid]) for aid, _ in keys]
            with (
                db.cursor() as cur,
                cur.copy("COPY paras (pid, aid, section, idx, text, grams) FROM STDIN") as copy,
            ):
                for (aid, okey), (_, p) in zip(keys, parsed, strict=True):
                    base = okey << SEQ_BITS
                    for n, (section, index, text) in enumerate(p.paragraphs):
                        copy.write_row((base + n, aid, section, index, text, grams_of(text)))
            for _, p in parsed:
                delta.update(p.gram_list())
            _count_grams(db, delta)

    def _insert(self, db: Connection[Any], name: str, parsed: Parsed) -> tuple[int, int]:
        """Insert the article's row; returns its (aid, okey) for its paragraphs."""
        article_id = _free_id(db, parsed.base_id, name)
        article_json = parsed.article_json
        if article_id != parsed.base_id:
            article_json = renamed_json(article_json, article_id)
        s = parsed.summary
        key = sort_key(s.date, article_id)
        okey = self._okey(db, s.date, key)
        row = db.execute(
            "INSERT INTO articles"
            " (file, base_id, id, sortkey, okey, date, source, summary, kinds, json)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING aid",
            (
                name, parsed.base_id, article_id, key, okey, s.date, s.source, summary_json(s),
                json.dumps(parsed.figures_by_kind, ensure_ascii=False), article_json.encode(),
            ),
        ).fetchone()  # fmt: skip
        assert row is not None
        aid = int(row[0])
        if s.authors:
            with db.cursor() as cur:
                cur.executemany(
                    "INSERT INTO authors VALUES (%s, %s) ON CONFLICT DO NOTHING",
                    [(a, aid) for a in s.authors],
                )
        return aid, okey

    def _okey(self, db: Connection[Any], date: str | None, key: str) -> int:
        """A free okey for a new article of ``date`` with sort key ``key``."""
        low, high = day_okeys(date)
        for _ in range(2):
            row = db.execute(
                "SELECT (SELECT max(okey) FROM articles"
                "        WHERE okey >= %(low)s AND okey < %(high)s AND sortkey < %(key)s),"
                "       (SELECT min(okey) FROM articles"
                "        WHERE okey >= %(low)s AND okey < %(high)s AND sortkey > %(key)s)",
                {"low": low, "high": high, "key": key},
            ).fetchone()
            assert row is not None
            okey = pick_okey(low, high, row[0], row[1])
            if okey is not None:
                return okey
            self._renumber_day(db, low, high)
        raise StoreError(f"no room for another article dated {date}")

    def _renumber_day(self, db: Connection[Any], low: int, high: int) -> None:
        """Spread one day's articles evenly again (their paragraphs move with them; those
        of articles of this put, not yet written, are written at the new keys)."""
        self._renumbered = True
        rows = db.execute(
            "SELECT aid, okey FROM articles WHERE okey >= %s AND okey < %s ORDER BY sortkey",
            (low, high),
        ).fetchall()
        for aid, okey in rows:  # out of the way first: new and old keys may overlap
            self._move(db, aid, okey, -aid)
        for (aid, _), okey in zip(rows, spread_okeys(low, len(rows)), strict=True):
            self._move(db, aid, -aid, okey)

    def _move(self, db: Connection[Any], aid: int, old: int, new: int) -> None:
        db.execute(
            "UPDATE paras SET pid = pid + %s WHERE pid >= %s AND pid < %s",
            ((new - old) << SEQ_BITS, old << SEQ_BITS, (old + 1) << SEQ_BITS),
        )
        db.execute("UPDATE articles SET okey = %s WHERE aid = %s", (new, aid))

    def _drop(self, db: Connection[Any], name: str, delta: Counter[str]) -> None:
        db.execute("DELETE FROM files WHERE name = %s", (name,))
        row = db.execute(
            "DELETE FROM articles WHERE file = %s RETURNING aid, okey", (name,)
        ).fetchone()
        if row is not None:
            aid, okey = row
            texts = db.execute(
                "DELETE FROM paras WHERE pid >= %s AND pid < %s RETURNING text",
                (okey << SEQ_BITS, (okey + 1) << SEQ_BITS),
            ).fetchall()
            delta.subtract(gram_counts(text for (text,) in texts))
            db.execute("DELETE FROM authors WHERE aid = %s", (aid,))

    def flush(self) -> None:
        """Nothing is left open: every put() is committed as it returns."""

    def discard(self) -> None:
        """Nothing is left open: a failed put() rolls itself back."""

    def restat(self, items: list[tuple[str, str | None]]) -> None:
        db = self._w()
        with db.transaction(), db.cursor() as cur:
            cur.executemany(
                "UPDATE files SET stat = %s WHERE name = %s", [(s, n) for n, s in items]
            )

    def remove(self, names: list[str]) -> None:
        db = self._w()
        delta: Counter[str] = Counter()
        with db.transaction():
            db.execute(MARK_UNSETTLED)
            for name in names:
                self._drop(db, name, delta)
            _count_grams(db, delta)

    def finish(self, changed: bool) -> None:
        db = self._w()
        with db.transaction():
            if db.execute(SETTLE).fetchall():
                changed = True  # written by this run, or by one that failed before this
            row = db.execute("SELECT value FROM meta WHERE key = 'counts'").fetchone()
            # Stored, per-day counts included (older stores lack them).
            stored = row is not None and counts_of(row[0]).per_day is not None
            rows = db.execute(
                'SELECT aid, file, base_id, id FROM articles ORDER BY file COLLATE "C"'
            ).fetchall()
            wanted = unique_ids([(file, base) for _, file, base, _ in rows])
            moved = [
                (aid, new) for (aid, _, _, old), new in zip(rows, wanted, strict=True) if old != new
            ]
            # Even with no file changed, a store written by an older rule is settled.
            if not changed and not moved and stored:
                return
            # Two steps, so that swapping ids never trips a UNIQUE constraint: every
            # renamed article leaves its id and its place first (a place is picked
            # between the day's other sort keys, which must not include a stale one).
            for aid, _ in moved:
                found = db.execute(
                    "UPDATE articles SET id = chr(1) || aid WHERE aid = %s RETURNING okey", (aid,)
                ).fetchone()
                assert found is not None
                self._move(db, aid, found[0], -aid)
            for aid, new in moved:
                found = db.execute(
                    "SELECT date, json FROM articles WHERE aid = %s", (aid,)
                ).fetchone()
                assert found is not None
                date, raw = found
                key = sort_key(date, new)
                # Its place within the day follows the id: take a new okey there.
                db.execute("UPDATE articles SET sortkey = %s WHERE aid = %s", (key, aid))
                self._move(db, aid, -aid, self._okey(db, date, key))
                db.execute(
                    "UPDATE articles SET id = %s, sortkey = %s, json = %s WHERE aid = %s",
                    (
                        new,
                        sort_key(date, new),
                        renamed_json(bytes(raw).decode(), new).encode(),
                        aid,
                    ),
                )
            all_rows = db.execute("SELECT date, summary, kinds FROM articles").fetchall()
            db.execute(
                "INSERT INTO meta VALUES ('counts', %s)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (counts_json(count_corpus(all_rows)),),
            )
            db.execute("UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'generation'")
        # Fresh planner statistics: whether a search walks the index in order or
        # collects its matches depends on how common its characters are.
        db.execute("ANALYZE")
        db.commit()


def _count_grams(db: Connection[Any], delta: Counter[str]) -> None:
    """Add the paragraphs per gram gained (or lost) in this transaction."""
    rows = sorted((g, n) for g, n in delta.items() if n)  # one lock order for all writers
    if rows:
        with db.cursor() as cur:
            cur.executemany(
                "INSERT INTO grams VALUES (%s, %s)"
                " ON CONFLICT (gram) DO UPDATE SET n = grams.n + excluded.n",
                rows,
            )


def _free_id(db: Connection[Any], base: str, file: str) -> str:
    return free_id(
        lambda i: db.execute("SELECT 1 FROM articles WHERE id = %s", (i,)).fetchone() is not None,
        base,
        file,
    )


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))
