"""Shared fixtures: the bundled seed, its parse, and an app client built from Settings."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2 as httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.models import Article
from app.parsing import parse_article
from tests.api.schema_check import SchemaCheck
from tests.pgserver import PostgresServer, bin_dir

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SEED = DATA / "000_bd4049ec00aa3a8d.txt"
SAMPLES = Path(__file__).resolve().parent / "samples"


@pytest.fixture(scope="session")
def seed_bytes() -> bytes:
    return SEED.read_bytes()


@pytest.fixture(scope="session")
def article(seed_bytes: bytes) -> Article:
    return parse_article(seed_bytes, fallback_id=SEED.stem)


_CACHE_HOME: Path | None = None


def pytest_configure(config: pytest.Config) -> None:
    """No test (nor a server it starts) writes a snapshot into the real ~/.cache.

    Set before collection, since some test modules build an app at import time.
    """
    global _CACHE_HOME
    _CACHE_HOME = Path(tempfile.mkdtemp(prefix="article-api-test-cache-"))
    os.environ["XDG_CACHE_HOME"] = str(_CACHE_HOME)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _CACHE_HOME is not None:
        shutil.rmtree(_CACHE_HOME, ignore_errors=True)


_CHECKS: dict[int, SchemaCheck] = {}


@pytest.fixture(scope="session", autouse=True)
def every_answer_matches_the_schema() -> Iterator[None]:
    """Every answer a test gets through a TestClient is checked against the OpenAPI
    document of the app that gave it (errors included); a mismatch fails that test."""
    original = TestClient.request

    def request(self: TestClient, method: str, url: Any, **kwargs: Any) -> httpx.Response:
        response = original(self, method, url, **kwargs)
        app = self.app
        if isinstance(app, FastAPI):
            key = id(app)
            if key not in _CHECKS:
                _CHECKS[key] = SchemaCheck(app.openapi())
            _CHECKS[key].check(response)
        return response

    TestClient.request = request  # type: ignore[method-assign]
    yield
    TestClient.request = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server for the whole session (skipped where none is installed,
    except in CI, where .ci/run installs it and its absence is a failure)."""
    bindir = bin_dir()
    if bindir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed: .ci/run should have installed it")
        pytest.skip("PostgreSQL binaries not found (apt-get install postgresql)")
    server = PostgresServer(bindir)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data=DATA, cache_dir=None))) as test_client:
        yield test_client


def data_fingerprint(folder: Path) -> dict[str, str]:
    """SHA-256 of every file under ``folder`` (hidden ones too), by relative path."""
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="session", autouse=True)
def data_is_read_only() -> Iterator[None]:
    """The service is read-only for real: data/ is byte-identical after the whole suite."""
    before = data_fingerprint(DATA)
    yield
    assert data_fingerprint(DATA) == before, "the test suite changed files under data/"


def wait_until_serving(port: int, server: subprocess.Popen[Any], seconds: float = 20) -> None:
    """Wait until a server started by a test answers /health on ``port``."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).close()
            return
        except OSError:
            assert server.poll() is None, "the server exited"
            assert time.monotonic() < deadline, "the server did not answer in time"
            time.sleep(0.1)
