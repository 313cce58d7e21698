"""The repository interface every corpus endpoint reads through, and what both engines share.

A store holds, per data file: its hash and the parser version that read it, and
either the parsed article (its API JSON, a digest for listing, its paragraphs for
search) or the reason it was skipped. Readers see whole articles only: every
change to one article is one transaction.

Listing order (newest first, undated last, then by id) is one text column,
:func:`sort_key`, compared bytewise (SQLite ``BINARY``, PostgreSQL ``COLLATE "C"``),
so a page is an index range and a search hit sorts without a join to a rank table.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from app.search import Hit

# One- and two-character queries are answered from an index of each paragraph's
# distinct characters and character pairs, written as space-separated tokens for
# SQLite's ``ascii`` tokenizer. That tokenizer splits at ASCII characters other than
# letters and digits, so those are moved into a private-use block first; it folds
# ASCII letters to lower case, so the tokens are folded already (a token is the term
# the index holds: the index's own per-term counts are the gram totals). A query
# holding an ASCII character other than a digit, or a character of that block, is
# checked against the text.
_GRAM_MAP = {c: 0xE100 + c for c in range(128) if not chr(c).isalnum()} | {
    c: c + 32 for c in range(ord("A"), ord("Z") + 1)
}
_GRAM_BLOCK = range(0xE100, 0xE180)
# A character the gram tokens map or fold (a paragraph without one has its grams as tokens).
_MAPPED = re.compile("[" + re.escape("".join(map(chr, _GRAM_MAP))) + "]")
# A publication date as the parser gives it.
ISO_DATE = re.compile(r"\A[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")  # \Z: no trailing newline
# What sort_key makes: a dated key (the date's digits mapped) or an undated one, then
# the id (not empty; no NUL, which PostgreSQL's text cannot hold).
SORT_KEY = re.compile(r"\A(?:0[0-9]{4}-[0-9]{2}-[0-9]{2}|1)\x01[^\x00]+\Z")
# Digits mapped so that bytewise ascending order is date descending.
_DESCENDING = str.maketrans("0123456789", "9876543210")


# Search hits come in listing order straight from the index, so a page stops after
# its hits instead of sorting every match: each paragraph's index row id is
# ``okey << SEQ_BITS | n`` (n: its place in the article), and each article's
# ``okey`` is ``day rank << SLOT_BITS | slot``, newest day first, undated last;
# within a day, slots follow the ids (gaps left between them, a day renumbered
# when one fills up). 22 + 20 + 20 bits fit SQLite's and PostgreSQL's 64-bit ints.
DAY_BITS = 22
SLOT_BITS = 20
SEQ_BITS = 20
# Where a day's first article goes, and the room left after (or before) each one.
FIRST_SLOT = 1 << (SLOT_BITS - 1)
SLOT_GAP = 1 << 8
UNDATED_RANK = (1 << DAY_BITS) - 1
# Paragraphs an article may have to be indexed (a 2 MB file of one-character lines).
MAX_PARAGRAPHS = 1 << SEQ_BITS


def day_rank(date: str | None) -> int:
    """Newest first: a monotone map of YYYY-MM-DD into 22 bits (invalid days too)."""
    if date is None or not ISO_DATE.match(date):
        return UNDATED_RANK
    year, month, day = int(date[:4]), int(date[5:7]), int(date[8:10])
    return UNDATED_RANK - 1 - (year * 372 + (month - 1) * 31 + (day - 1))


def day_okeys(date: str | None) -> tuple[int, int]:
    """The okeys of one day: [low, high)."""
    rank = day_rank(date)
    return rank << SLOT_BITS, (rank + 1) << SLOT_BITS


def pick_okey(low: int, high: int, before: int | None, after: int | None) -> int | None:
    """An okey in [low, high) between the neighbours ``before`` and ``after`` (the
    articles of the same day just before and after in id order); None: no room."""
    if before is None and after is None:
        return low + FIRST_SLOT
    if after is None:
        assert before is not None
        okey = before + SLOT_GAP
        return okey if okey < high else (before + high) // 2 if high - before > 1 else None
    if before is None:
        okey = after - SLOT_GAP
        return okey if okey >= low else (low + after) // 2 if after > low else None
    return (before + after) // 2 if after - before > 1 else None


def spread_okeys(low: int, count: int) -> list[int]:
    """``count`` okeys spread evenly over a day (when renumbering it)."""
    step = (1 << SLOT_BITS) // (count + 1)
    return [low + step * (i + 1) for i in range(count)]


class StoreError(Exception):
    """The store cannot be opened or used (bad target, wrong format, server down)."""


def sort_key(date: str | None, article_id: str) -> str:
    """Listing position as text: dated newest first, then undated; ties by id."""
    if date is not None and ISO_DATE.match(date):
        return "0" + date.translate(_DESCENDING) + "\x01" + article_id
    return "1\x01" + article_id


def date_bounds(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    """The sort-key range [low, high) of exactly the articles dated within the bounds
    (a key's date is compared through its mapped digits), so a date filter is an index
    range, and its count reads the index alone. An article whose date is not a
    YYYY-MM-DD (the parser makes none) is listed, and filtered, as undated."""
    low = "0" + date_to.translate(_DESCENDING) if date_to is not None else None
    if date_from is not None:
        high: str | None = "0" + date_from.translate(_DESCENDING) + "\x02"
    else:  # undated keys start with "1": any date bound leaves them out
        high = "1" if date_to is not None else None
    return low, high


@dataclass(frozen=True, slots=True)
class Filters:
    """The /articles filters (dates inclusive, as ISO strings)."""

    date_from: str | None = None
    date_to: str | None = None
    author: str | None = None
    source: str | None = None


def count_query(filters: Filters, mark: str) -> tuple[str, tuple[str, ...]]:
    """The statement counting the articles that match, and its parameters: one range of
    an index (the listing's, the source's, the authors' primary key) when the filters
    allow, so a count reads no article row."""
    if filters == Filters(author=filters.author) and filters.author is not None:
        # One row per (author, article), removed with the article: the same number.
        return f"SELECT count(*) FROM authors WHERE author = {mark}", (filters.author,)
    where, params = where_clause(filters, mark)
    return f"SELECT count(*) FROM articles{where}", params


def where_clause(
    filters: Filters, mark: str, after: str | None = None, *, walk_author: bool = False
) -> tuple[str, tuple[str, ...]]:
    """The WHERE clause of a listing's filters and its parameters, for either engine:
    ``mark`` is the engine's placeholder (``?`` for SQLite, ``%s`` for psycopg);
    ``after``: only the sort keys after it (a keyset page). An author is matched by
    collecting his articles (then sorted), or with ``walk_author`` by probing each
    article in listing order (a page stops after its last item: for a common author)."""
    clauses: list[str] = []
    params: list[str] = []
    low, high = date_bounds(filters.date_from, filters.date_to)
    # One lower bound on the index, whichever is the tighter: SQLite would range over
    # one of two and check the other row by row.
    if after is not None and (low is None or after >= low):
        clauses.append(f"sortkey > {mark}")
        params.append(after)
    elif low is not None:
        clauses.append(f"sortkey >= {mark}")
        params.append(low)
    if high is not None:
        clauses.append(f"sortkey < {mark}")
        params.append(high)
    if filters.author is not None and walk_author:
        clauses.append(
            f"EXISTS (SELECT 1 FROM authors WHERE author = {mark} AND authors.aid = articles.aid)"
        )
        params.append(filters.author)
    elif filters.author is not None:
        clauses.append(f"aid IN (SELECT aid FROM authors WHERE author = {mark})")
        params.append(filters.author)
    if filters.source is not None:
        clauses.append(f"source = {mark}")
        params.append(filters.source)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


Item = TypeVar("Item")
Key = TypeVar("Key")


@dataclass(frozen=True, slots=True)
class Slice(Generic[Item, Key]):
    """One page of a listing or a search, and where the next page starts: the
    position after its last item (None: this is the last page)."""

    items: list[Item]
    after: Key | None


def summary_slice(rows: list[Any], limit: int) -> Slice[Summary, str]:
    """A listing page from rows (id, summary JSON, sort key), read one past the page:
    the extra row only tells that another page follows."""
    from app.store.rows import summary_of

    more = len(rows) > limit
    rows = rows[:limit]
    return Slice([summary_of(i, s) for i, s, _ in rows], rows[-1][2] if more else None)


def hit_slice(rows: list[Any], limit: int, query: str) -> Slice[Hit, int]:
    """A search page from rows (row id, article id, section, paragraph, text), read one
    past the page: the extra row only tells that another page follows."""
    more = len(rows) > limit
    rows = rows[:limit]
    return Slice(
        [make_hit(a, s, i, t, query) for _, a, s, i, t in rows],
        int(rows[-1][0]) if more else None,
    )


def free_id(taken: Callable[[str], bool], base: str, file: str) -> str:
    """The id ``file`` takes when stored: ``base`` when not ``taken``, else its
    qualified id (``finish()`` settles which file of a group keeps ``base``; see
    :func:`app.loader.unique_ids`), numbered only in a contrived folder."""
    from app.loader import qualified_id

    candidate = new_id = base
    n = 1
    while taken(new_id):
        if candidate == base:
            candidate = new_id = qualified_id(base, file)
            continue
        n += 1
        new_id = f"{candidate}-{n}"
    return new_id


def is_sort_key(text: str) -> bool:
    """Whether ``text`` has the shape of a :func:`sort_key` (any id)."""
    return SORT_KEY.match(text) is not None


@dataclass(frozen=True, slots=True)
class Summary:
    """One article as a listing shows it."""

    id: str
    title: str | None
    subtitle: str | None
    date: str | None
    authors: tuple[str, ...]
    source: str | None
    paragraphs: int
    sections: int
    figures: int
    characters: int


@dataclass(frozen=True, slots=True)
class CorpusCounts:
    articles: int
    paragraphs: int
    characters: int
    figures_by_kind: dict[str, int]
    per_month: dict[str, int]
    # Articles per ISO day, sorted (None: a store counted before days were): a date
    # filter's total is a sum of these, not a count over the listing index.
    per_day: dict[str, int] | None = None


@dataclass(frozen=True, slots=True)
class SkippedFile:
    file: str
    reason: str


# Written with every change of files or articles, in the same transaction, and
# deleted by the ``finish`` that counts them (SETTLE: a row back when it was there): a
# run that failed after committing changes leaves it, and the next run settles the
# counts and the generation even when it finds nothing more to change. (Both
# engines' SQL.)
MARK_UNSETTLED = "INSERT INTO meta VALUES ('unsettled', '1') ON CONFLICT (key) DO NOTHING"
SETTLE = "DELETE FROM meta WHERE key = 'unsettled' RETURNING 1"

# Each renamed file with its carried id, served id and the file that holds the carried id.
RENAMED_SQL = (
    "SELECT r.file, r.base_id, r.id, h.file FROM articles r"
    " JOIN articles h ON h.id = r.base_id WHERE r.id <> r.base_id"
)


@dataclass(frozen=True, slots=True)
class RenamedFile:
    """A file served under ``<id>~<stem>`` because an earlier file carries its id."""

    file: str
    carried: str  # the id its text carries
    id: str  # the id it is served under
    holder: str  # the file served under ``carried``

    def message(self) -> str:
        return (
            f"served as {self.id}: its id {self.carried} is also carried by"
            f" {self.holder}, which comes first by name"
        )


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article's served id, its file, and its JSON as the API serves it."""

    id: str
    file: str
    json: bytes


@dataclass(frozen=True, slots=True)
class FileState:
    """What the store knows of a data file, to decide whether to read it again."""

    sha256: str  # of the bytes; "!" + sha256 of the reason for a file not read
    parser: str
    # The file's stat signature (app.loader.signature) when the bytes were hashed, if
    # it was old enough to trust: a later run that finds the same one need not read it.
    stat: str | None = None

    def same(self, other: FileState | None) -> bool:
        """The same bytes (or reason) under the same parser (the signature aside)."""
        return other is not None and (self.sha256, self.parser) == (other.sha256, other.parser)


def paragraph_grams(text: str) -> set[str]:
    """A paragraph's distinct characters and character pairs."""
    return {*text, *map(str.__add__, text, text[1:])}


def gram_counts(texts: Iterable[str]) -> dict[str, int]:
    """For each character and character pair, how many of the paragraphs hold it:
    summed over the corpus, the exact total of a 1-2 character search."""
    return dict(Counter(gram for text in texts for gram in paragraph_grams(text)))


def gram_tokens(text: str) -> str:
    """The paragraph's distinct characters and character pairs, as tokens."""
    mapped = text.translate(_GRAM_MAP)
    return " ".join({*mapped, *map(str.__add__, mapped, mapped[1:])})  # any order will do


def gram_term(query: str) -> str:
    """The FTS5 query for a 1-2 character query on the gram index."""
    return '"' + query.translate(_GRAM_MAP) + '"'


def gram_inexact(query: str) -> bool:
    """Whether a gram match must be checked against the text (see _GRAM_MAP): its
    token also stands for other text (folded letters, mapped punctuation, or the
    private-use characters they are mapped to)."""
    return any((c.isascii() and not "0" <= c <= "9") or ord(c) in _GRAM_BLOCK for c in query)


def highlights(text: str, query: str) -> tuple[tuple[int, int], ...]:
    """Every non-overlapping occurrence of ``query`` in ``text``, in order."""
    spans = []
    at = text.find(query)
    while at >= 0:
        spans.append((at, at + len(query)))
        at = text.find(query, at + len(query))
    return tuple(spans)


def make_hit(article_id: str, section: int | None, paragraph: int, text: str, query: str) -> Hit:
    return Hit(article_id, section, paragraph, text, highlights(text, query))


class Store(ABC):
    """The read side: what the API asks of a corpus. Implementations are thread-safe."""

    target: str

    @abstractmethod
    def generation(self) -> int:
        """A number that changes whenever an ingest changed anything."""

    @abstractmethod
    def counts(self) -> tuple[int, int]:
        """(articles served, files skipped)."""

    @abstractmethod
    def primary(self, file: str | None = None) -> StoredArticle | None:
        """The article of ``file``, or of the first file by name when None."""

    @abstractmethod
    def article(self, article_id: str) -> StoredArticle | None:
        """One article by its served id."""

    @abstractmethod
    def listing(
        self, filters: Filters, limit: int, *, offset: int = 0, after: str | None = None
    ) -> Slice[Summary, str]:
        """Up to ``limit`` summaries in listing order: from the ``offset``-th match after
        the sort key ``after`` (None: from the first). The next page starts after the
        last one's sort key: an index range, however deep."""

    @abstractmethod
    def count(self, filters: Filters) -> int:
        """How many articles match the filters."""

    @abstractmethod
    def hits(
        self, query: str, limit: int, *, offset: int = 0, after: int | None = None
    ) -> Slice[Hit, int]:
        """Up to ``limit`` paragraphs holding ``query``, in listing order, then text order:
        from the ``offset``-th after the index row id ``after`` (None: from the first)."""

    @abstractmethod
    def hit_count(self, query: str) -> int:
        """How many paragraphs hold ``query``."""

    def page(self, filters: Filters, offset: int, limit: int) -> tuple[list[Summary], int]:
        """Summaries ``offset`` to ``offset + limit`` in listing order, and how many match."""
        return self.listing(filters, limit, offset=offset).items, self.count(filters)

    def search(self, query: str, offset: int, limit: int) -> tuple[list[Hit], int]:
        """Paragraphs holding ``query`` in listing order, then text order; and how many."""
        return self.hits(query, limit, offset=offset).items, self.hit_count(query)

    @abstractmethod
    def corpus_counts(self) -> CorpusCounts:
        """Counts over every article (computed at ingest)."""

    @abstractmethod
    def skipped(self) -> list[SkippedFile]:
        """Every file that is not served, by name, with its reason."""

    @abstractmethod
    def renamed(self) -> list[RenamedFile]:
        """Every file served under a qualified id (its id collides), by name."""

    @abstractmethod
    def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Parsed:
    """One parsed file, ready to store (made by ingest from the loader's Entry)."""

    base_id: str
    article_json: str
    summary: Summary
    figures_by_kind: dict[str, int]
    # (section or None in the lead, paragraph index, text), in article order.
    paragraphs: tuple[tuple[int | None, int, str], ...]
    # Each paragraph's gram_tokens, computed by the parse workers (None: when stored).
    tokens: tuple[str, ...] | None = None

    def gram_list(self) -> list[str]:
        """Every paragraph's distinct grams, one after the other: counted (a Counter
        takes a list at C speed), the article's gram_counts. A paragraph with nothing
        to map has its tokens as its grams (most do: no ASCII punctuation or space)."""
        grams: list[str] = []
        tokens = self.tokens or (None,) * len(self.paragraphs)
        for (_, _, text), paragraph_tokens in zip(self.paragraphs, tokens, strict=True):
            if paragraph_tokens is None or _MAPPED.search(text):
                grams.extend(paragraph_grams(text))
            elif paragraph_tokens:  # "".split(" ") is [""]: an empty paragraph has none
                grams.extend(paragraph_tokens.split(" "))
        return grams


class Writer(ABC):
    """The ingest side: a store that can be changed, one file at a time."""

    @abstractmethod
    def files(self) -> dict[str, FileState]:
        """Every file the store knows (served or skipped), by name."""

    @abstractmethod
    def put(self, items: list[tuple[str, FileState, Parsed | str]]) -> None:
        """Store each file's article (or its skip reason), replacing what the file had.

        Readers see each article whole, before or after: whole calls are committed
        at once (see ``flush``).
        """

    @abstractmethod
    def flush(self) -> None:
        """Commit what ``put`` has written and not yet committed (an engine may keep
        one transaction open across several ``put`` calls; every other change, and
        ``finish``, commits it first)."""

    @abstractmethod
    def discard(self) -> None:
        """Roll back what ``put`` has written and not yet committed (a failed run)."""

    @abstractmethod
    def restat(self, items: list[tuple[str, str | None]]) -> None:
        """Record new stat signatures of files whose bytes were found unchanged."""

    @abstractmethod
    def remove(self, names: list[str]) -> None:
        """Forget files that are gone from the folder."""

    @abstractmethod
    def finish(self, changed: bool) -> None:
        """After a run: settle colliding ids (:func:`app.loader.unique_ids`), recount
        the corpus, and when anything ``changed``, move the generation on so servers
        drop what they cached."""


class Engine(Store, Writer, ABC):
    """A store that serves and can be ingested into (both engines are)."""
