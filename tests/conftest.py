"""Shared fixtures: the bundled seed, its parse, and an app client built from Settings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.models import Article
from app.parsing import parse_article

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


@pytest.fixture(scope="session")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data=DATA))) as test_client:
        yield test_client
