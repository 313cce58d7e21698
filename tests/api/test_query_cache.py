"""Searches and listings kept as ready answers (app.api.fastpath.HttpLayer.queried).

A kept answer must be byte for byte what FastAPI answers for the same request, must
never keep an error, and must go when a re-ingest is seen."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from app.api import fastpath
from app.config import Settings
from app.main import create_app
from app.store import open_store
from app.store.ingest import ingest
from tests.api.helpers import assert_problem
from tests.api.test_http import COMPARED, layer_of, raw
from tests.conftest import DATA, SAMPLES

QUERIES = [
    "/search?q=" + quote("党史"),
    "/search?q=" + quote("党") + "&limit=2",
    "/search?limit=3&q=" + quote("学习教育"),
    "/articles?limit=2",
    "/articles?limit=1&date_from=2021-01-01",
]


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    folder = tmp_path / "data"
    folder.mkdir()
    for file in [*DATA.glob("*.txt"), *SAMPLES.glob("*.txt")]:
        shutil.copy(file, folder / file.name)
    settings = Settings(data=folder, cache_dir=tmp_path / "cache")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _fastapi(
    client: TestClient, path: str, coding: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, dict[str, str], bytes]:
    """What FastAPI answers, no answer kept."""
    with monkeypatch.context() as patch:
        patch.setattr(fastpath, "QUERY_CACHED", frozenset())
        return raw(client, path, **{"accept-encoding": coding})


@pytest.mark.parametrize("coding", ["identity", "gzip", "br"])
def test_a_kept_answer_is_fastapis_answer(
    client: TestClient, coding: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    layer = layer_of(client)
    for path in QUERIES:
        expected = _fastapi(client, path, coding, monkeypatch)
        assert expected[0] == 200, path
        first = raw(client, path, **{"accept-encoding": coding})  # FastAPI's, kept
        key = path.encode()
        assert key in layer.queries, path
        second = raw(client, path, **{"accept-encoding": coding})  # the kept one
        for answer in (first, second):
            assert answer[2] == expected[2], path
            assert {h: answer[1].get(h) for h in (*COMPARED, "link")} == {
                h: expected[1].get(h) for h in (*COMPARED, "link")
            }, path


def test_a_kept_answer_follows_its_pages(client: TestClient) -> None:
    """A cursor is part of the query string: each page is its own answer."""
    path = "/search?q=" + quote("党") + "&limit=2"
    seen = []
    while path:
        page = client.get(path).json()
        seen += [(h["article_id"], h["paragraph"]) for h in page["items"]]
        path = page["next"]
    assert len(seen) == len(set(seen)) > 4


def test_errors_are_not_kept(client: TestClient) -> None:
    layer = layer_of(client)
    for path in ("/search?q=", "/search?q=a&limit=0", "/articles?cursor=zz", "/articles?limit=x"):
        response = client.get(path)
        assert_problem(response, 422)
        assert path.encode() not in layer.queries


def test_a_long_query_string_is_answered_not_kept(client: TestClient) -> None:
    layer = layer_of(client)
    path = "/search?q=" + quote("党史") + "&pad=" + "x" * fastpath.QUERY_MAX_BYTES
    assert client.get(path).status_code == 200
    assert path.encode() not in layer.queries


def test_kept_answers_are_bounded(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fastpath, "QUERY_RECENT", 3)
    layer = layer_of(client)
    for n in range(1, 8):
        assert client.get(f"/search?q={quote('党')}&limit={n}").status_code == 200
    assert len(layer.queries) == 3


def test_a_reingest_drops_kept_answers(client: TestClient, tmp_path: Path) -> None:
    layer = layer_of(client)
    path = "/search?q=" + quote("蓝史")
    assert client.get(path).json()["total"] == 0
    assert path.encode() in layer.queries
    folder = tmp_path / "data"
    seed = (DATA / "000_bd4049ec00aa3a8d.txt").read_text("utf-8")
    (folder / "zz_new.txt").write_text(seed.replace("党史", "蓝史"), "utf-8")
    corpus = client.app.state.corpus  # type: ignore[attr-defined]
    writer = open_store(corpus.store.target)
    try:
        ingest(folder, writer, max_bytes=2_000_000)
    finally:
        writer.close()
    corpus._checked = float("-inf")  # the next request looks at the store at once
    assert client.get(path).json()["total"] > 0


def test_kept_answers_are_bounded_in_bytes(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    layer = layer_of(client)
    path = "/search?q=" + quote("党") + "&limit=100"
    assert client.get(path).status_code == 200
    size = layer.queries_bytes
    assert size > 0
    monkeypatch.setattr(fastpath, "QUERY_BUDGET", 2 * size + 1)
    for n in range(5):  # an ignored parameter: each is its own answer of the same size
        assert client.get(f"{path}&n={n}").status_code == 200
        assert layer.queries_bytes <= fastpath.QUERY_BUDGET
    assert len(layer.queries) == 2
    assert layer.queries_bytes == 2 * size
    monkeypatch.setattr(fastpath, "QUERY_MAX_ANSWER", size - 1)
    assert client.get(f"{path}&n=big").status_code == 200
    assert f"{path}&n=big".encode() not in layer.queries  # larger than any may be


def test_an_answer_of_a_store_replaced_meanwhile_is_not_kept(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FastAPI answers in a worker thread; a re-ingest seen by another request
    meanwhile drops what was kept: this answer, of the old store, must not be kept."""
    from collections import OrderedDict

    layer = layer_of(client)
    corpus = client.app.state.corpus  # type: ignore[attr-defined]
    real = corpus.search

    def search_while_a_reingest_is_seen(*args: object, **kwargs: object) -> object:
        layer.queries = OrderedDict()  # what _restart() does
        return real(*args, **kwargs)

    monkeypatch.setattr(corpus, "search", search_while_a_reingest_is_seen)
    path = "/search?q=" + quote("党史")
    assert client.get(path).status_code == 200
    assert path.encode() not in layer.queries
    monkeypatch.setattr(corpus, "search", real)
    assert client.get(path).status_code == 200
    assert path.encode() in layer.queries


def test_a_failing_search_is_a_problem_and_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(data=DATA, cache_dir=tmp_path / "cache")
    with TestClient(create_app(settings), raise_server_exceptions=False) as failing:
        corpus = failing.app.state.corpus  # type: ignore[attr-defined]

        calls: list[int] = []

        def down(*args: object, **kwargs: object) -> object:
            calls.append(1)
            raise RuntimeError("the database went away")

        monkeypatch.setattr(corpus, "search", down)
        path = "/search?q=" + quote("党史")
        response = failing.get(path)
        assert_problem(response, 500)
        assert len(calls) == 1  # asked once, not again to be kept
        assert path.encode() not in layer_of(failing).queries


def test_a_store_failure_in_the_fast_path_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An article the fast path reads from the store, when the store fails: FastAPI
    answers (its route fails the same way), a JSON problem, not an empty 500."""
    settings = Settings(data=DATA, cache_dir=tmp_path / "cache")
    with TestClient(create_app(settings), raise_server_exceptions=False) as failing:
        corpus = failing.app.state.articles  # type: ignore[attr-defined]

        def down(*args: object, **kwargs: object) -> object:
            raise RuntimeError("the database went away")

        monkeypatch.setattr(corpus.store, "article", down)
        for path in ("/articles/elsewhere", "/articles/elsewhere/sections"):
            assert_problem(failing.get(path), 500)
        monkeypatch.undo()
        assert_problem(failing.get("/articles/elsewhere"), 404)
