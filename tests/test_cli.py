"""The article-api command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from app.models import Article
from tests.conftest import SEED


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
