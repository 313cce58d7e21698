"""SQLite's writer: the totals of one- and two-character searches, counted article by
article or recounted from the index after a large run, are the same numbers and
are what a scan counts, while the run is being written too; one transaction may
span several ``put`` calls, and a failed run leaves the store as it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from app.store import sqlite as engine
from app.store.base import FileState, Parsed, Summary
from app.store.sqlite import SQLiteStore
from tests.store.corpora import articles, fill_and_scan


def _short_queries(corpus: list[tuple[str | None, list[str]]]) -> set[str]:
    """Every one- and two-character substring of the corpus."""
    return {t[i : i + n] for _, ts in corpus for t in ts for n in (1, 2) for i in range(len(t))}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(corpus=articles)
def test_recounted_totals_equal_counted_ones_and_the_scan(
    tmp_path_factory: pytest.TempPathFactory, corpus: list[tuple[str | None, list[str]]]
) -> None:
    folder = tmp_path_factory.mktemp("totals")
    counted = SQLiteStore(folder / "counted.db")
    recounted = SQLiteStore(folder / "recounted.db")
    try:
        scan = fill_and_scan(counted, corpus)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(engine, "REBUILD_MIN", 0)  # every run recounts
            fill_and_scan(recounted, corpus)
        for query in _short_queries(corpus):
            expected = len(scan.search(query, limit=10_000)[0])
            assert counted.hit_count(query) == expected, query
            assert recounted.hit_count(query) == expected, query
        assert _stale(recounted.path) is False
    finally:
        counted.close()
        recounted.close()


def _article(n: int, text: str, date: str | None = "2021-06-04") -> Parsed:
    summary = Summary(f"a{n}", "t", None, date, (), None, 1, 0, 0, 0)
    return Parsed(f"a{n}", f'{{"id":"a{n}"}}', summary, {}, ((None, 1, text),))


def _stale(path: Path) -> bool:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT 1 FROM meta WHERE key = 'grams_stale'").fetchone() is not None


def test_totals_while_a_large_run_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between a large run's commits and its end, a reader's totals are the index's own
    counts (the kept ones are recounted at the end), and a failed run's mark stays
    until a later run recounts."""
    monkeypatch.setattr(engine, "REBUILD_MIN", 1)
    writer = SQLiteStore(tmp_path / "c.db")
    writer.put([("a0.txt", FileState("0", "p"), _article(0, "党史学习"))])
    writer.finish(True)
    reader = SQLiteStore(tmp_path / "c.db", readonly=True)
    assert reader.hit_count("党史") == 1
    writer.put([(f"a{n}.txt", FileState(str(n), "p"), _article(n, "党史。学")) for n in (1, 2)])
    writer.flush()  # committed, the run not finished
    assert _stale(writer.path)
    assert reader.hit_count("党史") == 3
    assert reader.hit_count("学") == 3
    assert reader.hit_count("学习") == 1
    # A new run (after that one failed) recounts at its end, even with nothing to do.
    writer.finish(False)
    assert not _stale(writer.path)
    assert reader.hit_count("党史") == 3
    with sqlite3.connect(writer.path) as db:
        assert db.execute("SELECT n FROM grams WHERE gram = '学'").fetchone() == (3,)
    reader.close()
    writer.close()


def test_one_transaction_spans_several_puts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows written by an earlier put of the same transaction can be replaced (their
    index entries are written before they are taken out), readers see none of it
    before the commit, and the totals are counted as they are."""
    monkeypatch.setattr(engine, "TXN_CHARS", 1 << 40)
    writer = SQLiteStore(tmp_path / "c.db")
    reader = SQLiteStore(tmp_path / "c.db", readonly=True)
    writer.put([("a0.txt", FileState("0", "p"), _article(0, "党史学习"))])
    writer.put([("a1.txt", FileState("1", "p"), _article(1, "学习党史", None))])
    writer.put([("a0.txt", FileState("0b", "p"), _article(0, "教育学习"))])
    assert reader.search("学习", 0, 10) == ([], 0)  # nothing committed yet
    writer.finish(True)
    hits, total = reader.search("学习", 0, 10)
    assert [(h.article_id, h.text) for h in hits] == [("a0", "教育学习"), ("a1", "学习党史")]
    assert total == 2
    assert reader.search("党史学", 0, 10)[1] == 0
    assert reader.hit_count("党史") == 1
    assert reader.hit_count("教") == 1
    reader.close()
    writer.close()


def test_a_failed_put_discards_the_open_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "TXN_CHARS", 1 << 40)
    writer = SQLiteStore(tmp_path / "c.db")
    writer.put([("a0.txt", FileState("0", "p"), _article(0, "党史学习"))])
    bad = Parsed("a1", "{}", _article(1, "x").summary, {}, ((None, 1, "党史"),), ("a", "b"))
    with pytest.raises(ValueError, match="zip"):  # two token strings for one paragraph
        writer.put([("a1.txt", FileState("1", "p"), bad)])
    writer.finish(True)
    assert writer.files() == {}
    assert writer.search("党史", 0, 10) == ([], 0)
    writer.put([("a0.txt", FileState("0", "p"), _article(0, "党史学习"))])
    writer.finish(True)
    assert writer.search("党史", 0, 10)[1] == writer.hit_count("党史") == 1
    writer.close()


def test_the_writer_counts_inside_its_own_open_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "TXN_CHARS", 1 << 40)
    writer = SQLiteStore(tmp_path / "c.db")
    writer.put([("a0.txt", FileState("0", "p"), _article(0, "党史学习"))])
    # Inside its own open transaction (no error: it starts none): its rows are
    # indexed and counted when the transaction commits, so none are counted yet.
    assert writer.hit_count("党史") == 0
    writer.finish(True)
    assert writer.hit_count("党史") == 1
    writer.close()
