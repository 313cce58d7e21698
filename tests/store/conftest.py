"""One fixture for every engine: each store test runs against each of them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pytest

from app.store import Engine, open_store
from tests.pgserver import PostgresServer

ENGINES = ["sqlite", "postgresql"]


class EngineFactory(Protocol):
    def __call__(self, *, shared: bool = False) -> Engine: ...


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
