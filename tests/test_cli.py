"""The article-api command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.models import Article
from tests.conftest import SAMPLES, SEED


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
