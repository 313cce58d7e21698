"""The service never writes: the data folder is untouched, and read-only data serves."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from tests.conftest import DATA, data_fingerprint


def test_fingerprint_sees_any_change(tmp_path: Path) -> None:
    """The session check in conftest (data/ identical after the suite) can fail."""
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    before = data_fingerprint(copy)
    next(copy.glob("*.txt")).write_bytes(b"changed")
    assert data_fingerprint(copy) != before


def test_serves_from_a_read_only_copy(tmp_path: Path) -> None:
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    for path in (*copy.iterdir(), copy):
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    before = data_fingerprint(copy)
    try:
        with TestClient(create_app(Settings(data=copy))) as client:
            for url in ("/article", "/sections/1", "/figures?kind=count", "/health"):
                assert client.get(url).status_code == 200
            assert client.get("/health").json()["skipped"] == 0
        assert data_fingerprint(copy) == before
    finally:
        copy.chmod(0o755)
