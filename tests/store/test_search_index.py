"""Indexed search returns exactly what the linear scan returns, in the same order."""

from __future__ import annotations

import random

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.store import Filters, base
from app.store import postgres as postgres_module
from app.store.base import FileState, Parsed, Summary
from app.store.postgres import PostgresStore, _plan_counts, _rows_to_walk
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


def test_a_day_renumbered_within_one_write(
    new_store: EngineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A day that fills up while one batch is written is renumbered under the articles
    of that batch already inserted: their paragraphs follow them (PostgreSQL wrote them
    at the old keys, after every article of the batch: the write failed on duplicate
    keys; where none collided they would have stayed out of order, and behind when the
    file went)."""
    # Each article before all the others: two steps of the gap, then halvings down to
    # nothing (~20 articles), then the day renumbered, with the batch half written.
    monkeypatch.setattr(base, "SLOT_GAP", 1 << 18)
    store = new_store()
    ids = [f"{n:03d}" for n in reversed(range(40))]
    items: list[tuple[str, FileState, Parsed | str]] = []
    for i in ids:
        summary = Summary(i, "t", None, "2021-06-04", (), None, 2, 0, 0, 0)
        paragraphs = ((None, 1, f"党史{i}。"), (None, 2, f"学习{i}。"))
        items.append(
            (f"{i}.txt", FileState(i, "p"), Parsed(i, f'{{"id":"{i}"}}', summary, {}, paragraphs))
        )
    store.put(items)  # one write
    store.finish(True)
    order = sorted(ids)
    assert [s.id for s in store.page(Filters(), 0, 100)[0]] == order
    hits, total = store.search("党史", 0, 100)
    assert [(h.article_id, h.text) for h in hits] == [(i, f"党史{i}。") for i in order]
    assert total == len(order)
    store.remove([f"{i}.txt" for i in ids[:20]])
    store.finish(True)
    kept = sorted(ids[20:])
    hits, total = store.search("。", 0, 100)
    assert [h.article_id for h in hits] == [i for i in kept for _ in range(2)]
    assert total == 2 * len(kept)


def _one_paragraph_each(
    texts: list[tuple[str, str]],
) -> list[tuple[str, FileState, Parsed | str]]:
    """Articles a0, a1… (files f000.txt…) of one paragraph each: (date, text)."""
    items: list[tuple[str, FileState, Parsed | str]] = []
    for n, (date, text) in enumerate(texts):
        summary = Summary(f"a{n}", "t", None, date, (), None, 1, 0, 0, 0)
        parsed = Parsed(f"a{n}", f'{{"id":"a{n}"}}', summary, {}, ((None, 1, text),))
        items.append((f"f{n:03d}.txt", FileState(str(n), "p"), parsed))
    return items


def test_postgres_plans_from_known_totals(postgres: PostgresServer) -> None:
    """A 3+ character query whose pairs are common but which is rare itself: the pairs
    alone suggest a walk; once hit_count has counted it, the gather. Same answer."""
    store = PostgresStore(postgres.database())
    try:
        texts = ["新时代"] * 2 + ["新时期，时代"] * 88 + ["其他"] * 10
        store.put(_one_paragraph_each([("2021-06-04", text) for text in texts]))
        store.finish(True)
        guessed = store.hits("新时代", 20).items
        with store._pool.connection() as conn:
            counts, paragraphs = _plan_counts(conn, "新时代")
        assert counts == (90, 90)
        assert _rows_to_walk(counts, paragraphs, 21, None) > 0  # pairs: 90 and 90 of 100
        assert _rows_to_walk(counts, paragraphs, 21, 2) == 0  # 2 matches: gather
        assert store.hit_count("新时代") == 2
        assert store._known["新时代"] == 2
        assert store.hits("新时代", 20).items == guessed
        assert [h.article_id for h in guessed] == ["a0", "a1"]
    finally:
        store.close()


def test_postgres_plan_counts_are_kept_and_only_choose_the_plan(postgres: PostgresServer) -> None:
    """A search reads its plan counts once (kept PLAN_COUNTS_TTL_S); counts that are
    wrong, as a kept one may be after an ingest, change the plan, never the answer."""
    store = PostgresStore(postgres.database())
    try:
        # The matches are the oldest: listed after 200 others.
        texts = [("2020-01-01", "党史学习")] * 3 + [("2021-06-04", "其他")] * 200
        store.put(_one_paragraph_each(texts))
        store.finish(True)
        expected = store.hits("党史", 2).items
        assert [h.article_id for h in expected] == ["a0", "a1"]
        read_at, counts, paragraphs = store._plans["党史"]
        assert counts == (3,)
        # Every paragraph a match, by the kept counts: the walk stops before the first
        # real one, and the gather answers.
        every = (int(paragraphs),)
        store._plans["党史"] = (read_at, every, paragraphs)
        assert 0 < _rows_to_walk(every, paragraphs, 3, None) < 200
        assert store.hits("党史", 2).items == expected
        assert store._plans["党史"][1] == every  # still kept: not read again
        store._plans["党史"] = (read_at - postgres_module.PLAN_COUNTS_TTL_S, (1,), paragraphs)
        assert store.hits("党史", 2).items == expected
        assert store._plans["党史"][1] == (3,)  # too old: read again
    finally:
        store.close()


def test_postgres_serving_connections_are_read_only(postgres: PostgresServer) -> None:
    """Reads run in autocommit (one round trip each), in read-only sessions all the same."""
    store = PostgresStore(postgres.database())
    try:
        with store._pool.connection() as conn:
            assert conn.autocommit
            with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
                conn.execute("INSERT INTO meta VALUES ('x', 'y')")
    finally:
        store.close()
