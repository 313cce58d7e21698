"""One fixture for every engine: each store test runs against each of them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Protocol

import pytest

from app.store import Engine, open_store
from tests.pgserver import PostgresServer, bin_dir

ENGINES = ["sqlite", "postgresql"]


class EngineFactory(Protocol):
    def __call__(self, *, shared: bool = False) -> Engine: ...


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


@pytest.fixture(params=ENGINES)
def new_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineFactory]:
    """Makes an empty store of the parametrised engine (closed after the test);
    ``shared=True`` gives the same one on every call within the test."""
    opened: list[Engine] = []
    shared_store: list[Engine] = []

    def make(*, shared: bool = False) -> Engine:
        if shared and shared_store:
            return shared_store[0]
        if request.param == "postgresql":
            server: PostgresServer = request.getfixturevalue("postgres")
            store = open_store(server.database())
        else:
            store = open_store(tmp_path_factory.mktemp("store") / "corpus.db")
        opened.append(store)
        if shared:
            shared_store.append(store)
        return store

    yield make
    for store in opened:
        store.close()
