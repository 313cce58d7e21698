"""Indexed search returns exactly what the linear scan returns, in the same order."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.store import Filters, base
from app.store.base import FileState, Parsed, Summary
from app.store.postgres import PostgresStore, _rows_to_walk
from tests.pgserver import PostgresServer
from tests.store.conftest import EngineFactory
from tests.store.corpora import articles, fill_and_scan, listing_order, queries


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(corpus=articles, query_list=st.lists(queries, min_size=1, max_size=4))
def test_indexed_search_equals_the_scan(
    new_store: EngineFactory, corpus: list[tuple[str | None, list[str]]], query_list: list[str]
) -> None:
    store = new_store(shared=True)  # one per test and engine, refilled by each example
    scan = fill_and_scan(store, corpus)
    for query in [*query_list, *(t[:2] for _, ts in corpus for t in ts), corpus[0][1][0][-3:]]:
        if not query:
            continue
        expected, _ = scan.search(query, limit=10_000)
        hits, total = store.search(query, 0, 10_000)
        assert hits == expected, query
        assert total == len(expected)
        page, page_total = store.search(query, 1, 2)
        assert page == expected[1:3]
        assert page_total == total


def test_order_survives_a_full_day(
    new_store: EngineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many articles of one day, in every id order, with little room between them:
    days are renumbered, and hits and pages still come in listing order."""
    monkeypatch.setattr(base, "SLOT_GAP", 1 << 17)  # room for ~4 appends, then midpoints
    store = new_store()
    rng = random.Random(5)
    ids = [f"{n:03d}" for n in range(60)]
    rng.shuffle(ids)
    dates = ["2021-06-04", "2021-06-04", "2021-06-04", None, "2020-01-01"]
    corpus = {i: (rng.choice(dates), f"党史{i}。") for i in ids}
    for start in range(0, len(ids), 7):  # several ingests, several transactions
        items: list[tuple[str, FileState, Parsed | str]] = []
        for i in sorted(ids[start : start + 7], reverse=start % 2 == 0):
            date, text = corpus[i]
            summary = Summary(i, "t", None, date, (), None, 1, 0, 0, 0)
            items.append(
                (
                    f"{i}.txt",
                    FileState(i, "p"),
                    Parsed(i, f'{{"id":"{i}"}}', summary, {}, ((None, 1, text),)),
                )
            )
        store.put(items)
        store.finish(True)
    order = listing_order([(i, d) for i, (d, _) in corpus.items()])
    assert [s.id for s in store.page(Filters(), 0, 100)[0]] == order
    hits, total = store.search("党史", 0, 100)
    assert [h.article_id for h in hits] == order
    assert total == len(order)
    assert [h.article_id for h in store.search("党史", 10, 5)[0]] == order[10:15]


def test_postgres_plans_from_known_totals(postgres: PostgresServer) -> None:
    """A 3+ character query whose pairs are common but which is rare itself: the pairs
    alone suggest a walk; once hit_count has counted it, the gather. Same answer."""
    store = PostgresStore(postgres.database())
    try:
        texts = ["新时代"] * 2 + ["新时期，时代"] * 88 + ["其他"] * 10
        items: list[tuple[str, FileState, Parsed | str]] = []
        for n, text in enumerate(texts):
            summary = Summary(f"a{n}", "t", None, "2021-06-04", (), None, 1, 0, 0, 0)
            parsed = Parsed(f"a{n}", f'{{"id":"a{n}"}}', summary, {}, ((None, 1, text),))
            items.append((f"f{n:03d}.txt", FileState(str(n), "p"), parsed))
        store.put(items)
        store.finish(True)
        guessed = store.hits("新时代", 20).items
        with store._pool.connection() as conn:
            assert _rows_to_walk(conn, "新时代", 21, None) > 0  # pairs: 90 and 90 of 100
            assert _rows_to_walk(conn, "新时代", 21, 2) == 0  # 2 matches: gather
        assert store.hit_count("新时代") == 2
        assert store._known["新时代"] == 2
        assert store.hits("新时代", 20).items == guessed
        assert [h.article_id for h in guessed] == ["a0", "a1"]
    finally:
        store.close()
