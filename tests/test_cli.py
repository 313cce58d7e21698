"""The article-api command line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from app.models import Article
from app.store import default_store
from app.store.ingest import Progress
from tests.conftest import SAMPLES, SEED, wait_until_serving


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_parse_prints_the_article(article: Article) -> None:
    result = run("parse", str(SEED))
    assert result.returncode == 0, result.stderr
    assert "传承红色基因" in result.stdout
    assert Article.model_validate(json.loads(result.stdout)) == article


def test_parse_bad_file_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = run("parse", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "empty" in result.stderr


def test_parse_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("parse", str(tmp_path / "missing.txt"))
    assert result.returncode == 2
    assert "missing.txt" in result.stderr


def test_serve_refuses_a_folder_with_no_articles(tmp_path: Path) -> None:
    (tmp_path / "bad.txt").write_bytes(b"\x00\x01")
    result = run("serve", "--data", str(tmp_path), "--port", "8799")
    assert result.returncode == 2
    assert "no article could be loaded" in result.stderr


def test_serve_reports_a_bad_setting_in_one_line() -> None:
    result = run("serve", "--port", "0")
    assert result.returncode == 2
    assert result.stderr.startswith("article-api: invalid setting: port")


def test_parse_refuses_a_device_at_once_in_one_line() -> None:
    """/dev/zero never ends: it is refused before it is read (was 1.8 GB, then MemoryError)."""
    result = run("parse", "/dev/zero")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "article-api: cannot parse /dev/zero: a character device: only regular files are read"
    ]


def test_parse_refuses_a_fifo_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "app", "parse", str(fifo)],
        capture_output=True,
        text=True,
        timeout=20,  # it used to hang here for ever
        check=False,
    )
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "FIFO" in result.stderr


def test_parse_writes_utf8_for_a_name_that_is_not(tmp_path: Path) -> None:
    """The fallback id comes from the name: a raw 0xff byte is written as ``\\xff``."""
    raw = os.path.join(os.fsencode(tmp_path), b"bad\xff.txt")
    with open(raw, "wb") as f:
        f.write((SAMPLES / "no_metadata_no_headings.txt").read_bytes())
    result = subprocess.run(
        [sys.executable, "-m", "app", "parse", raw], capture_output=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.decode("utf-8"))["id"] == "bad\\xff"


def test_ingest_reports_loaded_and_skipped_then_nothing_to_do(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.txt").write_bytes(SEED.read_bytes())
    (data / "empty.txt").write_bytes(b"")
    store = tmp_path / "corpus.db"
    first = run("ingest", str(data), "--store", str(store))
    assert first.returncode == 0, first.stderr
    assert "2 file(s): 1 loaded, 1 skipped; 2 parsed, 0 unchanged" in first.stdout
    assert "skipped empty.txt: the file is empty" in first.stdout
    assert "ingest: parsed 2/2 files" in first.stderr  # plain progress lines: no TTY
    assert "\r" not in first.stderr
    again = run("ingest", str(data), "--store", str(store))
    assert "0 parsed, 2 unchanged, 0 removed" in again.stdout


def test_ingest_into_the_default_store_in_the_cache_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.txt").write_bytes(SEED.read_bytes())
    env = {**os.environ, "ARTICLE_CACHE_DIR": str(tmp_path / "cache")}
    result = subprocess.run(
        [sys.executable, "-m", "app", "ingest", str(data)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (tmp_path / "cache").glob("store-*.db")] == [
        default_store(tmp_path / "cache", data).name
    ]


def test_ingest_of_a_missing_folder_or_a_bad_store_is_one_line(tmp_path: Path) -> None:
    missing = run("ingest", str(tmp_path / "nope"), "--store", str(tmp_path / "s.db"))
    assert missing.returncode == 2
    assert missing.stderr.startswith("article-api: data path")
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    junk = run("ingest", str(SEED.parent), "--store", str(tmp_path / "junk.db"))
    assert junk.returncode == 2
    assert junk.stderr.count("\n") == 1
    assert "article-api: " in junk.stderr


def test_progress_is_a_bar_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Terminal()
    bar = Progress(4, out)
    bar.advance(2)
    bar.advance(2)
    bar.close()
    assert out.getvalue().startswith("\r[" + "#" * 15 + "." * 15 + "] 2/4 files")
    assert "\r[" + "#" * 30 + "] 4/4 files" in out.getvalue()
    assert out.getvalue().endswith("\n")


def test_a_server_stopped_by_sigterm_removes_its_temporary_store(tmp_path: Path) -> None:
    """With no cache folder the store is a temporary file: a SIGTERM (docker stop, a
    supervisor) must not leave one copy of the corpus behind per start (uvicorn raises
    the signal again after its shutdown, so atexit never runs)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    temp = tmp_path / "tmp"
    temp.mkdir()
    command = [sys.executable, "-m", "app", "serve", "--port", str(port), "--cache-dir", ""]
    server = subprocess.Popen(
        command,
        env={**os.environ, "TMPDIR": str(temp)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(port, server)
        assert [p.name[:18] for p in temp.iterdir()] == ["article-api-store-"]
    finally:
        server.terminate()
        server.wait(timeout=15)
    assert list(temp.iterdir()) == []
