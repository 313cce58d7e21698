"""HTTP semantics: the fast path equals FastAPI, conditional requests, compression."""

from __future__ import annotations

import gzip
import re
from email.utils import formatdate

import brotli
import pytest
from fastapi.testclient import TestClient

from app.api.fastpath import HttpLayer
from app.config import Settings
from app.main import create_app
from tests.conftest import DATA

# A strong ETag of ours: 32 hex digits of SHA-256, then `-br`/`-gzip` for a coding.
STRONG_ETAG = re.compile(r'^"[0-9a-f]{32}(-br|-gzip)?"$')
# Headers that must be identical whichever path answered.
COMPARED = (
    "content-type",
    "content-length",
    "content-encoding",
    "etag",
    "cache-control",
    "last-modified",
    "vary",
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "access-control-allow-origin",
    "access-control-expose-headers",
)


def raw(
    client: TestClient, path: str, method: str = "GET", **headers: str
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and the body exactly as sent (not decoded)."""
    with client.stream(method, path, headers=headers) as response:
        body = b"".join(response.iter_raw())
        return response.status_code, dict(response.headers), body


def layer_of(client: TestClient) -> HttpLayer:
    """The client's HttpLayer, once its start-up precomputation has finished."""
    layer = client.app.http_layer  # type: ignore[attr-defined]
    assert isinstance(layer, HttpLayer)
    if layer.warming is not None:
        client.portal.call(layer.wait_warm)  # type: ignore[union-attr]
    return layer


_LAYER = create_app(Settings(data=DATA)).http_layer
assert _LAYER is not None
PATHS = _LAYER.paths()


@pytest.mark.parametrize("coding", ["identity", "gzip", "br"])
@pytest.mark.parametrize("path", PATHS)
def test_fast_path_equals_fastapi(client: TestClient, path: str, coding: str) -> None:
    """A query string forces the answer through FastAPI: the bytes must not change.

    Every 200 is in the table (/health, no-store, in the live one); a path whose GET
    is not a 200 (/search needs `q`) is not.
    """
    layer = layer_of(client)
    slow = raw(client, f"{path}?fall=through", **{"accept-encoding": coding})
    if slow[0] != 200:
        assert path not in layer.table
        return
    assert path in (layer.live if path == "/health" else layer.table)
    fast = raw(client, path, **{"accept-encoding": coding})
    assert fast[0] == 200
    assert fast[2] == slow[2]
    assert {h: fast[1].get(h) for h in COMPARED} == {h: slow[1].get(h) for h in COMPARED}


def test_the_primary_article_is_precomputed(client: TestClient) -> None:
    """Read from the routes: each resource of the primary article, and the service's own."""
    article = client.app.state.articles.primary  # type: ignore[attr-defined]
    expected = {
        "/article",
        "/sections",
        *(f"/sections/{s.index}" for s in article.sections),
        "/figures",
        *(f"/figures/{f.id}" for f in (*article.figures, *article.slogans)),
        "/stats",
        "/openapi.json",
        "/articles",
        "/stats/corpus",
    }
    assert expected <= layer_of(client).table.keys()
    assert set(layer_of(client).live) == {"/health"}  # no-store: sent as it is
    assert not any(path.startswith("/articles/4980") for path in layer_of(client).table)


@pytest.mark.parametrize("path", ["/article", "/figures?kind=count", "/docs"])
@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("br", "br"),
        ("gzip", "gzip"),
        ("gzip, deflate, br", "br"),
        ("gzip;q=1, br;q=0.5", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip, *;q=0", "gzip"),
        ("*", "br"),
        ("BR", "br"),
        ("br;q=0, gzip;q=0", None),
        ("identity", None),
        ("", None),
    ],
)
def test_compression_is_negotiated(
    client: TestClient, path: str, accept: str, coding: str | None
) -> None:
    status, headers, body = raw(client, path, **{"accept-encoding": accept})
    assert status == 200
    assert headers.get("content-encoding") == coding
    assert int(headers["content-length"]) == len(body)
    plain = raw(client, path, **{"accept-encoding": "identity"})[2]
    decoded = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[coding](body)
    assert decoded == plain


def test_small_bodies_are_not_compressed(client: TestClient) -> None:
    status, headers, _ = raw(client, "/health", **{"accept-encoding": "br, gzip"})
    assert status == 200
    assert "content-encoding" not in headers


@pytest.mark.parametrize("path", ["/article", "/stats", "/figures?kind=count"])
def test_exactly_one_vary(client: TestClient, path: str) -> None:
    response = client.get(path, headers={"accept-encoding": "br"})
    assert response.headers.get_list("vary") == ["Accept-Encoding"]


@pytest.mark.parametrize("path", ["/article", "/stats", "/figures?kind=count", "/docs"])
def test_etag_is_strong_and_differs_per_coding(client: TestClient, path: str) -> None:
    tags = {
        accept: client.get(path, headers={"accept-encoding": accept}).headers["etag"]
        for accept in ("identity", "gzip", "br")
    }
    assert all(STRONG_ETAG.match(tag) for tag in tags.values())
    assert len(set(tags.values())) == 3


def _if_none_match_forms(etag: str) -> list[str]:
    return [etag, f'"nope", {etag}', f"W/{etag}", "*", f'W/"nope",W/{etag}']


@pytest.mark.parametrize("path", ["/article", "/stats", "/sections/2", "/figures?kind=count"])
@pytest.mark.parametrize("form", range(5))
def test_if_none_match_gives_304(client: TestClient, path: str, form: int) -> None:
    first = client.get(path, headers={"accept-encoding": "br"})
    condition = _if_none_match_forms(first.headers["etag"])[form]
    response = client.get(path, headers={"accept-encoding": "br", "if-none-match": condition})
    assert response.status_code == 304
    assert response.content == b""
    for header in ("etag", "cache-control", "vary", "last-modified"):
        assert response.headers[header] == first.headers[header]


@pytest.mark.parametrize("condition", ['"nope"', 'W/"nope"', "garbage", ""])
def test_if_none_match_without_a_match_gives_200(client: TestClient, condition: str) -> None:
    assert client.get("/stats", headers={"if-none-match": condition}).status_code == 200


def test_etag_of_another_coding_does_not_match(client: TestClient) -> None:
    br_tag = client.get("/article", headers={"accept-encoding": "br"}).headers["etag"]
    response = client.get("/article", headers={"accept-encoding": "gzip", "if-none-match": br_tag})
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/article", "/figures?kind=count"])
def test_if_modified_since(client: TestClient, path: str) -> None:
    last_modified = client.get(path).headers["last-modified"]
    assert client.get(path, headers={"if-modified-since": last_modified}).status_code == 304
    later = formatdate(4102444800, usegmt=True)  # 2100-01-01
    assert client.get(path, headers={"if-modified-since": later}).status_code == 304
    earlier = formatdate(0, usegmt=True)
    assert client.get(path, headers={"if-modified-since": earlier}).status_code == 200
    assert client.get(path, headers={"if-modified-since": "not a date"}).status_code == 200


def test_if_modified_since_is_ignored_with_if_none_match(client: TestClient) -> None:
    """RFC 9110 13.2.2: If-None-Match wins; a stale tag means 200 whatever the date."""
    last_modified = client.get("/stats").headers["last-modified"]
    conditions = {"if-modified-since": last_modified, "if-none-match": '"stale"'}
    assert client.get("/stats", headers=conditions).status_code == 200


def test_cache_control(client: TestClient) -> None:
    assert client.get("/article").headers["cache-control"] == "public, max-age=300"
    assert client.get("/sections/9").headers["cache-control"] == "no-store"


def test_cache_max_age_is_the_setting() -> None:
    with TestClient(create_app(Settings(data=DATA, cache_max_age=7))) as client:
        for path in ("/article", "/figures?kind=count"):
            assert client.get(path).headers["cache-control"] == "public, max-age=7"


@pytest.mark.parametrize(
    "path",
    [
        *(p for p in PATHS if p != "/search"),
        "/figures?kind=count",
        "/docs",
        "/redoc",
        "/docs-assets/swagger-ui.css",
    ],
)
def test_head_is_get_without_a_body(client: TestClient, path: str) -> None:
    get_status, get_headers, _ = raw(client, path, **{"accept-encoding": "br"})
    head_status, head_headers, body = raw(client, path, "HEAD", **{"accept-encoding": "br"})
    assert head_status == get_status == 200
    assert body == b""
    assert head_headers == get_headers


def test_without_lifespan_the_first_request_warms_the_cache() -> None:
    """A server that runs no lifespan still gets the fast path."""
    client = TestClient(create_app(Settings(data=DATA)))
    assert client.get("/stats").status_code == 200
    assert "/stats" in layer_of(client).table
