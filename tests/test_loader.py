"""The loader: every file parsed on its own, bad files skipped with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.loader import DataError, load_corpus

MAX = 2_000_000


def _seed_text(seed_bytes: bytes) -> str:
    return seed_bytes.decode("utf-8")


def load(folder: Path, **kwargs: object) -> tuple[list[str], dict[str, str]]:
    corpus = load_corpus(folder, max_bytes=kwargs.pop("max_bytes", MAX), **kwargs)  # type: ignore[arg-type]
    return [a.file for a in corpus.articles], {s.file: s.reason for s in corpus.skipped}


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("gbk.txt", lambda t: t.encode("gbk")),
        ("gb18030.txt", lambda t: t.encode("gb18030")),
        ("bom.txt", lambda t: b"\xef\xbb\xbf" + t.encode()),
        ("crlf.txt", lambda t: t.replace("\n", "\r\n").encode()),
    ],
)
def test_valid_encodings_load(tmp_path: Path, seed_bytes: bytes, name: str, encode: object) -> None:
    (tmp_path / name).write_bytes(encode(_seed_text(seed_bytes)))  # type: ignore[operator]
    corpus = load_corpus(tmp_path, max_bytes=MAX)
    assert corpus.primary.id == "4980"
    assert corpus.primary.title == "传承红色基因 凝聚奋进力量"


def test_bad_files_are_skipped_with_reasons(tmp_path: Path, seed_bytes: bytes) -> None:
    (tmp_path / "a_good.txt").write_bytes(seed_bytes)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "png.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (tmp_path / "truncated.txt").write_bytes(seed_bytes[:3001] + b"\xe4\xb8")
    (tmp_path / "prose.txt").write_text("hello world, this is not an article at all.\n")
    (tmp_path / "big.txt").write_bytes(seed_bytes * 3)
    loaded, skipped = load(tmp_path, max_bytes=len(seed_bytes) * 2)
    assert loaded == ["a_good.txt"]
    assert set(skipped) == {"empty.txt", "png.txt", "truncated.txt", "prose.txt", "big.txt"}
    assert all(reason for reason in skipped.values())
    assert "limit" in skipped["big.txt"]


def test_strict_refuses_a_skipped_file(tmp_path: Path, seed_bytes: bytes) -> None:
    (tmp_path / "a.txt").write_bytes(seed_bytes)
    (tmp_path / "b.txt").write_bytes(b"")
    with pytest.raises(DataError, match="strict"):
        load_corpus(tmp_path, max_bytes=MAX, strict=True)


def test_nothing_loaded_refuses_to_start(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_bytes(b"")
    with pytest.raises(DataError, match="no article"):
        load_corpus(tmp_path, max_bytes=MAX)


def test_duplicate_ids_are_both_kept(tmp_path: Path, seed_bytes: bytes) -> None:
    for name in ("a.txt", "b.txt", "c.txt"):
        (tmp_path / name).write_bytes(seed_bytes)
    corpus = load_corpus(tmp_path, max_bytes=MAX)
    assert [a.id for a in corpus.articles] == ["4980", "4980-2", "4980-3"]
    assert corpus.articles[1].article.id == "4980-2"


def test_primary_is_first(tmp_path: Path, seed_bytes: bytes) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_bytes(seed_bytes)
    corpus = load_corpus(tmp_path, max_bytes=MAX, primary="b.txt")
    assert corpus.articles[0].file == "b.txt"


def test_parallel_parse_matches_serial(tmp_path: Path) -> None:
    from scripts.gen_corpus import generate

    generate(70, tmp_path)  # above PARALLEL_MIN_FILES
    serial = load_corpus(tmp_path, max_bytes=MAX, workers=1)
    parallel = load_corpus(tmp_path, max_bytes=MAX, workers=2)
    assert [a.digest for a in serial.articles] == [a.digest for a in parallel.articles]
    assert serial.articles[5].article == parallel.articles[5].article
