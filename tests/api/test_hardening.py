"""Issue 12 in-process: canonical path integers, real numbers and dates, a live /health,
every framework error a problem, and caches that odd headers cannot grow."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.api import accesslog, http
from tests.api.helpers import assert_problem


@pytest.mark.parametrize(
    "path",
    [
        "/sections/+1",
        "/sections/%201",
        "/sections/1%20",
        "/sections/1_0",
        "/sections/01",
        "/figures/+1",
        "/figures/1_0",
        "/articles/4980/sections/+1",
    ],
)
def test_a_path_integer_has_one_form(client: TestClient, path: str) -> None:
    assert_problem(client.get(path), 422)


@pytest.mark.parametrize(("path", "status"), [("/sections/1", 200), ("/sections/-1", 404)])
def test_the_canonical_form_is_answered(client: TestClient, path: str, status: int) -> None:
    assert client.get(path).status_code == status


@pytest.mark.parametrize(
    "query",
    ["min=nan", "max=nan", "min=inf", "max=-Infinity", "min=NaN&max=1"],
)
def test_figure_bounds_are_real_numbers(client: TestClient, query: str) -> None:
    assert_problem(client.get(f"/figures?{query}"), 422)
    assert_problem(client.get(f"/articles/4980/figures?{query}"), 422)


@pytest.mark.parametrize(
    "query", ["date_from=2021-02-30", "date_to=2021-04-31", "date_from=2023-02-29"]
)
def test_a_date_bound_must_exist(client: TestClient, query: str) -> None:
    body = assert_problem(client.get(f"/articles?{query}"), 422)
    assert "no such day" in str(body["detail"])


def test_a_leap_day_is_a_date(client: TestClient) -> None:
    assert client.get("/articles?date_from=2024-02-29").status_code == 200


def test_health_is_never_cached(client: TestClient) -> None:
    """A cache in between must not answer a liveness probe (it was public, max-age=300)."""
    response = client.get("/health")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers
    assert "last-modified" not in response.headers
    assert response.headers["x-content-type-options"] == "nosniff"
    assert client.get("/health", headers={"if-none-match": "*"}).status_code == 200


def test_a_bad_range_on_a_docs_asset_is_a_problem(client: TestClient) -> None:
    response = client.get("/docs-assets/favicon.png", headers={"range": "bytes=999999-"})
    assert_problem(response, 416)
    assert response.headers["content-range"].startswith("bytes */")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["content-security-policy"]


def test_a_malformed_range_is_a_problem(client: TestClient) -> None:
    response = client.get("/docs-assets/favicon.png", headers={"range": "bytes=x-y"})
    assert_problem(response, 400)
    assert response.headers["x-content-type-options"] == "nosniff"


def test_a_good_range_is_still_served(client: TestClient) -> None:
    response = client.get("/docs-assets/favicon.png", headers={"range": "bytes=0-9"})
    assert response.status_code == 206
    assert len(response.content) == 10


def test_odd_accept_encodings_cannot_grow_the_cache(client: TestClient) -> None:
    """100 distinct 4 MB values took the server from 62 to 464 MB (finding 2)."""
    http._CODINGS_CACHE.clear()
    for i in range(300):
        value = f"gzip, br;q=0.{i % 9 + 1}, x-{i}-".encode() + b"a" * 4096
        assert http.preferred_codings(value) == ("gzip", "br")
    assert sum(len(key) for key in http._CODINGS_CACHE) <= 256 * 256
    assert http.preferred_codings(b"gzip, br") == ("br", "gzip")
    assert b"gzip, br" in http._CODINGS_CACHE


def test_odd_paths_cannot_grow_the_access_log_cache() -> None:
    accesslog._request_part.cache_clear()
    for i in range(50):
        line = accesslog.format_line((0.0, "GET", f"/{i}" + "a" * 4096, "", 404, 0.001, 0, None))
        assert f"/{i}a" in line
    assert accesslog._request_part.cache_info().currsize == 0


def test_health_is_read_on_each_request(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A re-ingest changes the counts: /health shows them at once (nothing precomputed)."""
    corpus = client.app.state.corpus  # type: ignore[attr-defined]
    client.get("/health")
    monkeypatch.setattr(type(corpus), "health", property(lambda self: (7, 3)))
    for target in ("/health", "/health?fall=through"):
        body = client.get(target).json()
        assert (body["loaded"], body["skipped"]) == (7, 3)
