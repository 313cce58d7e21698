"""Methods, errors, CORS and security headers on every kind of response."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from app.api.articles import find_primary
from app.api.http import API_CSP, INLINE_SCRIPT
from app.config import Settings
from app.main import create_app
from app.models import Article
from tests.api.helpers import assert_problem
from tests.conftest import DATA

# script-src of a CSP: group 1 is its source list.
SCRIPT_SRC = re.compile(r"script-src ([^;]*)")

ERRORS = [
    ("GET", "/nope", 404),
    ("GET", "/sections/9", 404),
    ("GET", "/sections/0", 404),
    ("GET", "/sections/one", 422),
    ("GET", "/figures/999", 404),
    ("GET", "/figures/abc", 422),
    ("GET", "/figures?kind=bogus", 422),
    ("GET", "/figures?section=-1", 422),
    ("GET", "/figures?min=abc", 422),
    ("GET", "/figures?approximate=maybe", 422),
    ("GET", "/figures?unit=123456789", 422),
    ("GET", "/docs-assets/nope.js", 404),
    *(
        (method, path, 405)
        for method in ("POST", "PUT", "PATCH", "DELETE", "PURGE")
        for path in ("/article", "/sections/1", "/figures", "/health", "/openapi.json")
    ),
]


@pytest.mark.parametrize(("method", "path", "status"), ERRORS)
def test_errors_are_problems(client: TestClient, method: str, path: str, status: int) -> None:
    response = client.request(method, path)
    assert_problem(response, status)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["access-control-allow-origin"] == "*"
    if status == 405:
        assert response.headers["allow"] == "GET, HEAD, OPTIONS"


@pytest.mark.parametrize(("method", "path", "status"), ERRORS[:4])
def test_head_of_an_error_has_no_body(
    client: TestClient, method: str, path: str, status: int
) -> None:
    response = client.head(path)
    assert response.status_code == status
    assert response.content == b""
    assert response.headers["content-type"] == "application/problem+json"


def _boom() -> Article:
    raise RuntimeError("secret /etc/passwd detail")


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_500_leaks_nothing(method: str) -> None:
    app = create_app(Settings(data=DATA))
    app.dependency_overrides[find_primary] = _boom
    with TestClient(app, raise_server_exceptions=False) as client:
        for path in ("/article", "/sections/1", "/stats?x=1"):
            response = client.request(method, path)
            assert response.status_code == 500
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["cache-control"] == "no-store"
            assert response.headers["x-content-type-options"] == "nosniff"
            if method == "GET":
                body = assert_problem(response, 500)
                text = response.text
                assert "secret" not in text
                assert "Traceback" not in text
                assert ".py" not in text
                assert body["detail"] == "internal server error; the incident was logged"


@pytest.mark.parametrize("path", ["/article", "/stats?x=1", "/sections/9", "/openapi.json"])
def test_security_headers_on_json(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-security-policy"] == API_CSP
    assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_csp_allows_exactly_their_inline_scripts(client: TestClient, page: str) -> None:
    response = client.get(page)
    policy = response.headers["content-security-policy"]
    sources = SCRIPT_SRC.search(policy)
    assert sources is not None
    assert "'unsafe-inline'" not in sources[1]
    assert "'unsafe-eval'" not in sources[1]
    for script in INLINE_SCRIPT.findall(response.content):
        digest = base64.b64encode(hashlib.sha256(script).digest()).decode()
        assert f"'sha256-{digest}'" in sources[1]
    assert "frame-ancestors 'none'" in policy
    assert "connect-src 'self'" in policy  # the UIs fetch /openapi.json
    assert "cdn" not in policy


def test_swagger_inline_script_is_hashed(client: TestClient) -> None:
    """The hash list is not vacuous: Swagger UI's page has its start-up script inline."""
    html = client.get("/docs").content
    assert len(INLINE_SCRIPT.findall(html)) == 1


@pytest.mark.parametrize("path", ["/article", "/figures?kind=count", "/nope"])
def test_cors_on_every_answer(client: TestClient, path: str) -> None:
    headers = client.get(path, headers={"origin": "https://example.org"}).headers
    assert headers["access-control-allow-origin"] == "*"
    assert headers["access-control-expose-headers"] == "ETag, Allow, Link"


def test_cors_preflight(client: TestClient) -> None:
    response = client.options(
        "/article",
        headers={
            "origin": "https://example.org",
            "access-control-request-method": "GET",
            "access-control-request-headers": "if-none-match",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert response.headers["access-control-allow-methods"] == "GET, HEAD"
    assert "If-None-Match" in response.headers["access-control-allow-headers"]
    assert response.content == b""


def test_plain_options_lists_the_methods(client: TestClient) -> None:
    response = client.options("/stats")
    assert response.status_code == 204
    assert response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert "access-control-allow-methods" not in response.headers


def test_json_is_utf8_unescaped_without_bom(client: TestClient) -> None:
    for path in ("/article", "/article?x=1"):
        response = client.get(path, headers={"accept-encoding": "identity"})
        assert response.headers["content-type"] == "application/json"
        assert not response.content.startswith(b"\xef\xbb\xbf")
        assert "传承红色基因".encode() in response.content
        assert b"\\u" not in response.content


@pytest.mark.parametrize("path", ["/nope", "/sections/9", "/articles/nope", "/docs-assets/x.js"])
def test_options_on_a_path_that_does_not_exist_is_404(client: TestClient, path: str) -> None:
    assert_problem(client.options(path), 404)


@pytest.mark.parametrize("path", ["/articles/4980/figures/1", "/docs-assets/swagger-ui.css"])
def test_options_and_405_allow_what_the_routes_allow(client: TestClient, path: str) -> None:
    assert client.options(path).headers["allow"] == "GET, HEAD, OPTIONS"
    assert client.delete(path).headers["allow"] == "GET, HEAD, OPTIONS"


def test_a_new_get_route_is_precomputed_and_allowed_with_no_other_edit() -> None:
    """The fast path and Allow read the app's routes: nothing else lists them."""
    app = create_app(Settings(data=DATA))

    @app.get("/extra")
    def extra() -> dict[str, str]:
        return {"hello": "world"}

    @app.post("/extra")
    def post_extra() -> dict[str, str]:
        return {}

    with TestClient(app) as client:
        assert client.get("/extra").json() == {"hello": "world"}
        assert "/extra" in client.portal.call(_warm_table, app)  # type: ignore[union-attr]
        assert client.options("/extra").headers["allow"] == "GET, HEAD, POST, OPTIONS"


async def _warm_table(app: object) -> set[str]:
    layer = app.http_layer  # type: ignore[attr-defined]
    await layer.wait_warm()
    return set(layer.table)


def test_a_hostile_host_header_reaches_no_link(client: TestClient) -> None:
    """Location, Link and `next` are relative references, never built from Host."""
    evil = {"host": "evil.example"}
    redirect = client.get("/article/", headers=evil, follow_redirects=False)
    assert redirect.status_code == 307
    assert redirect.headers["location"] == "/article"
    page = client.get("/search", params={"q": "党", "limit": 1}, headers=evil)
    assert page.status_code == 200
    next_ = page.json()["next"]
    assert next_.startswith("/search?")
    assert (
        page.headers["link"] == f'<{next_}>; rel="next", </search?q=%E5%85%9A&limit=1>; rel="first"'
    )
    for response in (redirect, page):
        assert "evil.example" not in str(response.headers)
        assert b"evil.example" not in response.content
