"""The parsed snapshot: reused when current, ignored when corrupt or stale."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from app import loader, snapshot
from app.loader import load_corpus
from app.parsing import ArticleParseError

MAX = 2_000_000


@pytest.fixture
def data(tmp_path: Path) -> Path:
    from scripts.gen_corpus import generate

    folder = tmp_path / "data"
    generate(5, folder)
    return folder


def _snapshot_file(cache: Path) -> Path:
    (file,) = cache.glob("corpus-*.json")
    return file


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(job: tuple[str, bytes]) -> str:
        raise AssertionError(f"{job[0]} was parsed again")

    monkeypatch.setattr(loader, "_parse_entry", refuse)


def test_restart_reuses_the_snapshot(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    first = load_corpus(data, max_bytes=MAX, cache_dir=cache)
    _no_parsing(monkeypatch)
    second = load_corpus(data, max_bytes=MAX, cache_dir=cache)
    assert [a.digest for a in second.articles] == [a.digest for a in first.articles]
    assert second.articles[3].article == first.articles[3].article
    assert second.primary == first.primary


def test_changed_file_is_reparsed(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_corpus(data, max_bytes=MAX, cache_dir=cache)
    path = data / "00002.txt"
    path.write_text(path.read_text().replace("传承红色基因", "弘扬红色基因"))
    corpus = load_corpus(data, max_bytes=MAX, cache_dir=cache)
    assert {a.digest.title for a in corpus.articles} >= {"弘扬红色基因 凝聚奋进力量"}


def test_corrupt_snapshot_is_ignored(
    data: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    first = load_corpus(data, max_bytes=MAX, cache_dir=cache)
    _snapshot_file(cache).write_bytes(b'{"format": 1, "parser": "x", "entries": {"a')
    with caplog.at_level(logging.WARNING, logger="app.snapshot"):
        second = load_corpus(data, max_bytes=MAX, cache_dir=cache)
    assert "corrupt" in caplog.text
    assert [a.digest for a in second.articles] == [a.digest for a in first.articles]
    snapshot.read_snapshot(_snapshot_file(cache))  # rewritten, valid again


def test_stale_snapshot_is_ignored(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    cache = tmp_path / "cache"
    load_corpus(data, max_bytes=MAX, cache_dir=cache)
    monkeypatch.setattr(snapshot, "parser_version", lambda: "another-parser")
    with caplog.at_level(logging.WARNING, logger="app.snapshot"):
        assert snapshot.read_snapshot(_snapshot_file(cache)) == {}
    assert "stale" in caplog.text


def test_snapshot_is_written_atomically_outside_the_data(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    load_corpus(data, max_bytes=MAX, cache_dir=cache)
    assert [p.name for p in cache.iterdir()] == [_snapshot_file(cache).name]
    assert not any(p.suffix == ".json" for p in data.iterdir())


def test_unwritable_cache_is_not_fatal(data: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    corpus = load_corpus(data, max_bytes=MAX, cache_dir=blocker / "cache")
    assert len(corpus.articles) == 5


def test_skipped_files_are_not_cached(data: Path, tmp_path: Path) -> None:
    (data / "bad.txt").write_bytes(b"")
    corpus = load_corpus(data, max_bytes=MAX, cache_dir=tmp_path / "cache")
    assert [s.file for s in corpus.skipped] == ["bad.txt"]
    assert os.path.getsize(_snapshot_file(tmp_path / "cache")) > 0
    with pytest.raises(ArticleParseError):
        loader.load_file(data / "bad.txt", MAX)
