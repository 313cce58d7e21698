"""A store as the API serves it: cached per generation, refreshed by polling."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.loader import DataError
from app.store import serving
from app.store.ingest import ingest
from app.store.serving import StoreCorpus
from tests.conftest import DATA, SAMPLES
from tests.store.conftest import EngineFactory

MAX = 2_000_000
SEED = "000_bd4049ec00aa3a8d.txt"


def test_a_reingest_is_served_after_the_poll(tmp_path: Path, new_store: EngineFactory) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA / SEED, folder / SEED)
    writer = new_store()
    ingest(folder, writer, max_bytes=MAX)
    corpus = StoreCorpus(writer)
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
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA / SEED, folder / SEED)
    writer = new_store()
    ingest(folder, writer, max_bytes=MAX)
    corpus = StoreCorpus(writer)
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
