"""Keyset paging: walking a list after each page's last item gives exactly the offset
walk, page by page, for listings (with every filter) and for search, on both engines."""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import partial
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from app.store import Engine, Filters, sqlite
from app.store.base import FileState, Parsed, Slice, Summary, sort_key
from tests.store.conftest import EngineFactory
from tests.store.corpora import articles, fill_and_scan, queries

Item = TypeVar("Item")
Key = TypeVar("Key")

DATES = [None, "2020-01-01", "2021-06-04", "2021-06-05", "2021-12-31", "2022-02-28"]
AUTHORS = ["邓志强", "易松", "张三"]
SOURCES = [None, "岳阳日报", "新华社"]
FILTERS = [
    Filters(),
    Filters(date_from="2021-01-01"),
    Filters(date_to="2021-06-04"),
    Filters(date_from="2021-06-04", date_to="2021-12-31"),
    Filters(author="邓志强"),
    Filters(author="张三", date_from="2021-06-05"),
    Filters(source="岳阳日报"),
    Filters(source="新华社", date_to="2021-12-31", author="易松"),
    Filters(author="nobody"),
    Filters(date_to="1999-12-31"),
]


def keyset_walk(page: Callable[..., Slice[Item, Key]]) -> list[list[Item]]:
    """Every page, each one starting after the previous one's last item."""
    pages = [page(after=None)]
    while pages[-1].after is not None:
        pages.append(page(after=pages[-1].after))
    return [p.items for p in pages]


def offset_pages(items: list[Item], limit: int) -> list[list[Item]]:
    return [items[i : i + limit] for i in range(0, len(items), limit)] or [[]]


def fill_listing(store: Engine, count: int, seed: int) -> list[Summary]:
    """Store ``count`` random articles; returns their summaries."""
    rng = random.Random(seed)
    items: list[tuple[str, FileState, Parsed | str]] = []
    summaries = []
    for n in range(count):
        article_id = f"{rng.randrange(10_000):04d}-{n}"  # ids not in file order
        date = rng.choice(DATES)
        authors = tuple(rng.sample(AUTHORS, rng.randrange(3)))
        summary = Summary(article_id, "t", None, date, authors, rng.choice(SOURCES), 1, 1, 0, 1)
        parsed = Parsed(article_id, f'{{"id":"{article_id}"}}', summary, {}, ((None, 1, "党"),))
        items.append((f"f{n:03d}.txt", FileState(str(n), "p"), parsed))
        summaries.append(summary)
    store.put(items)
    store.finish(True)
    return summaries


def matching(summaries: list[Summary], f: Filters) -> list[str]:
    """The ids the filters select, in listing order, by the definitions (the oracle)."""
    dated = f.date_from is not None or f.date_to is not None
    return [
        s.id
        for s in sorted(summaries, key=lambda s: sort_key(s.date, s.id))
        if not (dated and s.date is None)
        and (f.date_from is None or (s.date is not None and s.date >= f.date_from))
        and (f.date_to is None or (s.date is not None and s.date <= f.date_to))
        and (f.author is None or f.author in s.authors)
        and (f.source is None or s.source == f.source)
    ]


@pytest.mark.parametrize("walk_from", [1, 1000], ids=["walked", "collected"])
def test_keyset_listing_equals_the_offset_walk(
    new_store: EngineFactory, monkeypatch: pytest.MonkeyPatch, walk_from: int
) -> None:
    """With every filter, and both ways of matching an author (SQLite picks by count)."""
    monkeypatch.setattr(sqlite, "AUTHOR_WALK", walk_from)
    store = new_store()
    summaries = fill_listing(store, 60, seed=walk_from)
    for filters in FILTERS:
        everything = store.listing(filters, 1000).items
        assert [s.id for s in everything] == matching(summaries, filters), filters
        assert len(everything) == store.count(filters), filters
        for limit in (1, 7, 60):
            pages = keyset_walk(partial(store.listing, filters, limit))
            assert pages == offset_pages(everything, limit), (filters, limit)
            by_offset = [
                store.listing(filters, limit, offset=o).items
                for o in range(0, max(len(everything), 1), limit)
            ]
            assert by_offset == pages, (filters, limit)


def test_an_offset_then_keyset_continues_the_list(new_store: EngineFactory) -> None:
    """An old offset cursor starts a page; the position it hands out goes on from there."""
    store = new_store()
    fill_listing(store, 30, seed=3)
    everything = store.listing(Filters(), 1000).items
    first = store.listing(Filters(), 5, offset=12)
    assert first.items == everything[12:17]
    assert first.after is not None
    assert store.listing(Filters(), 5, after=first.after).items == everything[17:22]
    assert store.listing(Filters(), 5, offset=2, after=first.after).items == everything[19:24]
    assert store.listing(Filters(), 5, offset=30) == Slice([], None)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    corpus=articles,
    query_list=st.lists(queries, min_size=1, max_size=3),
    limit=st.integers(1, 4),
)
def test_keyset_search_equals_the_scan_page_by_page(
    new_store: EngineFactory,
    corpus: list[tuple[str | None, list[str]]],
    query_list: list[str],
    limit: int,
) -> None:
    store = new_store(shared=True)  # one per test and engine, refilled by each example
    scan = fill_and_scan(store, corpus)
    for query in [*query_list, *(t[:2] for _, ts in corpus for t in ts)]:
        if not query:
            continue
        expected, _ = scan.search(query, limit=10_000)
        pages = keyset_walk(partial(store.hits, query, limit))
        assert pages == offset_pages(expected, limit), query
        assert store.hit_count(query) == len(expected)


# The summaries stored in each shared store (by its id()), filled on first use.
_FILLED: dict[int, list[Summary]] = {}
DAYS = ["2019-12-31", "2020-01-01", "2021-06-04", "2021-06-05", "2021-12-31", "2022-02-28"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    date_from=st.none() | st.sampled_from(DAYS),
    date_to=st.none() | st.sampled_from(DAYS),
)
def test_a_date_filters_total_from_the_day_counts_is_the_count(
    new_store: EngineFactory, date_from: str | None, date_to: str | None
) -> None:
    """The server sums the per-day counts the ingest stored for a date-only filter:
    the same number the store counts, and the oracle's."""
    from app.store.serving import DayCounts

    assume(date_from is not None or date_to is not None)  # no bound: not a date filter
    store = new_store(shared=True)  # one store for every example of this test
    if id(store) not in _FILLED:
        _FILLED[id(store)] = fill_listing(store, 60, seed=7)
    summaries = _FILLED[id(store)]
    per_day = store.corpus_counts().per_day
    assert per_day is not None  # the ingest stored them
    filters = Filters(date_from=date_from, date_to=date_to)
    total = DayCounts(per_day).between(date_from, date_to)
    assert total == store.count(filters) == len(matching(summaries, filters))
