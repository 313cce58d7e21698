"""The loader: every file parsed on its own, bad files skipped with a reason."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.loader import DataError, UnreadableFile, load_corpus, read_file, safe_name
from app.main import create_app
from tests.conftest import ROOT, SAMPLES

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
    assert [a.id for a in corpus.articles] == ["4980", "4980~b", "4980~c"]
    assert corpus.articles[1].article.id == "4980~b"


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


# ---- a hostile data folder (issue 12, findings 1, 6 and 8) ----

NO_ID_SAMPLE = SAMPLES / "no_metadata_no_headings.txt"  # its id is its file name


def skipped_reasons(folder: Path, **kwargs: object) -> dict[str, str]:
    return load(folder, **kwargs)[1]


def test_a_name_that_is_not_utf8_is_served_and_shown_escaped(
    tmp_path: Path, seed_bytes: bytes
) -> None:
    """A raw 0xff byte in a name becomes ``\\xff``: JSON, logs and the API can carry it."""
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, b"a_seed.txt"), "wb") as f:
        f.write(seed_bytes)
    with open(os.path.join(folder, b"bad\xff.txt"), "wb") as f:
        f.write(NO_ID_SAMPLE.read_bytes())
    with open(os.path.join(folder, b"empty\xfe.txt"), "wb") as f:
        f.write(b"")
    corpus = load_corpus(tmp_path, max_bytes=MAX)
    assert [a.file for a in corpus.articles] == ["a_seed.txt", "bad\\xff.txt"]
    assert corpus.articles[1].id == "bad\\xff"
    assert [s.file for s in corpus.skipped] == ["empty\\xfe.txt"]
    with TestClient(create_app(Settings(data=tmp_path, cache_dir=None))) as client:
        skipped = client.get("/articles/skipped")
        assert skipped.status_code == 200
        assert skipped.json()["items"][0]["file"] == "empty\\xfe.txt"
        assert client.get("/articles").status_code == 200
        assert client.get("/articles/bad%5Cxff").json()["id"] == "bad\\xff"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain.txt", "plain.txt"),
        ("中文.txt", "中文.txt"),
        ("a\udcffb.txt", "a\\xffb.txt"),
        ("line\nbreak.txt", "line\\x0abreak.txt"),
        ("back\\slash.txt", "back\\\\slash.txt"),
        ("sep\u2028.txt", "sep\\u2028.txt"),
    ],
)
def test_safe_name(raw: str, shown: str) -> None:
    assert safe_name(raw) == shown
    shown.encode("utf-8")  # never a lone surrogate


def test_symlinks_resolve_inside_the_folder_only(tmp_path: Path, seed_bytes: bytes) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "elsewhere.txt").write_bytes(seed_bytes)
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "sub" / "inner.txt").write_bytes(seed_bytes)
    (data / "a_in.txt").symlink_to(data / "sub" / "inner.txt")
    (data / "b_relative_in.txt").symlink_to(Path("sub") / "inner.txt")
    (data / "c_out.txt").symlink_to(outside / "elsewhere.txt")
    (data / "d_dotdot.txt").symlink_to(Path("..") / "outside" / "elsewhere.txt")
    (data / "e_passwd.txt").symlink_to("/etc/passwd")
    loaded, skipped = load(data)
    assert loaded == ["a_in.txt", "b_relative_in.txt"]
    assert set(skipped) == {"c_out.txt", "d_dotdot.txt", "e_passwd.txt"}
    for reason in skipped.values():
        assert "outside the data folder" in reason
        assert str(tmp_path) not in reason


def test_links_that_go_nowhere_are_reported(tmp_path: Path, seed_bytes: bytes) -> None:
    (tmp_path / "a.txt").write_bytes(seed_bytes)
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "ping.txt").symlink_to(tmp_path / "pong.txt")
    (tmp_path / "pong.txt").symlink_to(tmp_path / "ping.txt")
    skipped = skipped_reasons(tmp_path)
    assert "does not exist" in skipped["dangling.txt"]
    assert {skipped[n] for n in ("loop.txt", "ping.txt", "pong.txt")} == {"a symbolic link loop"}


def test_entries_that_are_not_files_are_reported_not_opened(
    tmp_path: Path, seed_bytes: bytes
) -> None:
    (tmp_path / "a.txt").write_bytes(seed_bytes)
    os.mkfifo(tmp_path / "fifo.txt")  # opened for reading, it would block
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # outside: refused as such
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(tmp_path / "sock.txt"))
        skipped = skipped_reasons(tmp_path)
    finally:
        sock.close()
    assert skipped["fifo.txt"].startswith("a FIFO")
    assert skipped["folder.txt"].startswith("a directory")
    assert skipped["sock.txt"].startswith("a socket")
    assert "outside" in skipped["zero.txt"]
    with TestClient(create_app(Settings(data=tmp_path, cache_dir=None))) as client:
        assert client.get("/health").json()["skipped"] == 4
        assert client.get("/articles/skipped").json()["total"] == 4


def test_devices_are_refused_before_they_are_read() -> None:
    with pytest.raises(UnreadableFile, match="character device"):
        read_file(Path("/dev/zero"), MAX)


def test_reads_stop_at_the_limit_whatever_size_is_reported() -> None:
    """/proc files report size 0; the limit holds on the bytes read."""
    status = Path("/proc/self/status")
    if not status.exists():
        pytest.skip("needs Linux /proc")
    assert status.stat().st_size == 0
    with pytest.raises(DataError, match=r"status: file is more than 64 bytes"):
        load_corpus(status, max_bytes=64, strict=True)


def test_an_unreadable_file_s_reason_names_no_path(tmp_path: Path, seed_bytes: bytes) -> None:
    """The reason is the OS's words only, never the server's path (finding 8)."""
    (tmp_path / "a.txt").write_bytes(seed_bytes)
    secret = tmp_path / "015_unreadable.txt"
    secret.write_bytes(seed_bytes)
    secret.chmod(0)
    code = (
        "import json, sys, pathlib\n"
        "from app.loader import load_corpus\n"
        "c = load_corpus(pathlib.Path(sys.argv[1]), max_bytes=2_000_000)\n"
        "print(json.dumps({s.file: s.reason for s in c.skipped}))\n"
    )
    argv = [sys.executable, "-c", code, str(tmp_path)]
    if os.geteuid() == 0:  # root reads any file: drop the capabilities that let it
        if shutil.which("setpriv") is None:
            pytest.skip("as root this needs setpriv (util-linux) to drop CAP_DAC_OVERRIDE")
        argv = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=True, cwd=ROOT)
    skipped = json.loads(result.stdout)
    assert skipped == {"015_unreadable.txt": "cannot be read: Permission denied"}


def test_the_start_up_counts_are_honest(
    tmp_path: Path, seed_bytes: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """A file that was not read is not counted as "from the snapshot" (finding 11)."""
    (tmp_path / "a.txt").write_bytes(seed_bytes)
    (tmp_path / "big.txt").write_bytes(seed_bytes * 3)
    with caplog.at_level("INFO", logger="app.loader"):
        load_corpus(tmp_path, max_bytes=len(seed_bytes) * 2)
    assert "0 file(s) from the snapshot, 1 parsed, 1 not read" in caplog.messages
