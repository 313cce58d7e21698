"""A store as the API serves it: cached per generation, refreshed by polling."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.loader import DataError
from app.store import Engine, serving
from app.store.base import StoredArticle
from app.store.ingest import ingest
from app.store.serving import StoreCorpus
from tests.conftest import DATA, SAMPLES
from tests.store.conftest import EngineFactory

MAX = 2_000_000
SEED = "000_bd4049ec00aa3a8d.txt"


def _seeded(tmp_path: Path, new_store: EngineFactory) -> tuple[Path, Engine, StoreCorpus]:
    """A data folder holding the seed, a store of the engine ingested from it, and the
    corpus served from that store."""
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA / SEED, folder / SEED)
    store = new_store()
    ingest(folder, store, max_bytes=MAX)
    return folder, store, StoreCorpus(store)


def test_a_reingest_is_served_after_the_poll(tmp_path: Path, new_store: EngineFactory) -> None:
    folder, writer, corpus = _seeded(tmp_path, new_store)
    assert corpus.health == (1, 0)
    assert corpus.primary.id == "4980"
    seen = corpus.generation
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, folder / sample.name)
    (folder / "empty.txt").write_bytes(b"")
    ingest(folder, writer, max_bytes=MAX)
    assert corpus.health == (1, 0), "cached until the next look at the store"
    assert not corpus.refresh(now=corpus._checked + serving.POLL_S / 2)
    assert corpus.refresh(now=corpus._checked + serving.POLL_S)
    assert corpus.generation > seen
    assert corpus.health == (8, 1)
    assert [s.file for s in corpus.skipped] == ["empty.txt"]
    assert corpus.counts.articles == 8
    assert not corpus.refresh(now=corpus._checked + 2 * serving.POLL_S), "nothing new"


def test_primary_by_file_strict_and_empty(tmp_path: Path, new_store: EngineFactory) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA / SEED, folder / "b.txt")
    shutil.copy(SAMPLES / "gbk_crlf_date_header.txt", folder / "a.txt")
    store = new_store()
    ingest(folder, store, max_bytes=MAX)
    assert StoreCorpus(store).primary_id != "4980"  # a.txt comes first by name
    assert StoreCorpus(store, primary="b.txt").primary_id == "4980"
    with pytest.raises(DataError, match="not among the loaded files"):
        StoreCorpus(store, primary="nope.txt")
    (folder / "c.txt").write_bytes(b"")
    ingest(folder, store, max_bytes=MAX)
    with pytest.raises(DataError, match="strict"):
        StoreCorpus(store, strict=True)
    empty = new_store()
    with pytest.raises(DataError, match="nothing to serve"):
        StoreCorpus(empty)


def test_get_decodes_and_keeps_a_few(tmp_path: Path, new_store: EngineFactory) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, folder / sample.name)
    store = new_store()
    ingest(folder, store, max_bytes=MAX)
    corpus = StoreCorpus(store)
    ids = [s.id for s in store.page(serving.Filters(), 0, 100)[0]]
    for article_id in ids:
        article = corpus.get(article_id)
        assert article is not None
        assert article.id == article_id
        assert corpus.get(article_id) is article
    assert corpus.get("nope") is None


def test_totals_are_kept_per_generation(tmp_path: Path, new_store: EngineFactory) -> None:
    """A filtered total and a 3+ character search total are counted once per ingest:
    kept until the server sees the next generation, then counted again."""
    folder, writer, corpus = _seeded(tmp_path, new_store)
    dated = serving.Filters(date_from="1900-01-01")
    assert corpus.page(dated, 5)[1] == 1
    assert corpus.page(serving.Filters(), 5)[1] == 1
    term = "党史学习"
    before = corpus.search(term, 5)[1]
    assert before == writer.hit_count(term) > 0
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, folder / sample.name)
    ingest(folder, writer, max_bytes=MAX)
    assert writer.count(dated) > 1
    assert corpus.page(dated, 5)[1] == 1, "kept until the next look at the store"
    assert corpus.search(term, 5)[1] == before
    assert corpus.refresh(now=corpus._checked + serving.POLL_S)
    assert corpus.page(dated, 5)[1] == writer.count(dated)
    assert corpus.page(serving.Filters(), 5)[1] == writer.count(serving.Filters()) == 8
    assert corpus.search(term, 5)[1] == writer.hit_count(term)


def test_an_article_read_across_a_reload_is_not_kept(
    tmp_path: Path, new_store: EngineFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article read before a reload and decoded after it was current when read: it
    is answered, but not kept as the new generation's (it would be served until
    evicted)."""
    folder = tmp_path / "data"
    folder.mkdir()
    seed = (DATA / SEED).read_text(encoding="utf-8")
    shutil.copy(DATA / SEED, folder / SEED)
    other = seed.replace("4980", "7001")  # content_4980.html in the metadata block
    (folder / "z.txt").write_text(other, "utf-8")
    store = new_store()
    ingest(folder, store, max_bytes=MAX)
    corpus = StoreCorpus(store)
    read = store.article

    def read_then_reingest(article_id: str) -> StoredArticle | None:
        stored = read(article_id)
        (folder / "z.txt").write_text(other.replace("党史", "蓝史"), "utf-8")
        ingest(folder, store, max_bytes=MAX)
        assert corpus.refresh(now=corpus._checked + serving.POLL_S)
        return stored

    monkeypatch.setattr(store, "article", read_then_reingest)
    old = corpus.get("7001")
    assert old is not None
    assert "蓝史" not in old.model_dump_json()
    monkeypatch.setattr(store, "article", read)
    new = corpus.get("7001")
    assert new is not None
    assert "蓝史" in new.model_dump_json(), "the new generation reads it again"


def test_a_nul_matches_nothing_and_reaches_no_engine(
    tmp_path: Path, new_store: EngineFactory
) -> None:
    """No stored text holds NUL (the parser refuses it): a query, filter or id with
    one is no match, on either engine (SQLite's FTS5 would read the query only up to
    it, PostgreSQL refuses it)."""
    _, _, corpus = _seeded(tmp_path, new_store)
    for query in ("\x00", "党\x00", "党史\x00", "\x00党史学习"):
        page, total = corpus.search(query, 5)
        assert (page.items, page.after, total) == ([], None, 0)
    for filters in (serving.Filters(author="\x00"), serving.Filters(source="日报\x00")):
        listed, count = corpus.page(filters, 5)
        assert (listed.items, listed.after, count) == ([], None, 0)
    assert corpus.get("4980\x00") is None
    assert corpus.article_json("4980\x00") is None
