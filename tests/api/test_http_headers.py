"""Methods, errors, CORS and security headers on every kind of response."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from app.api.http import API_CSP, INLINE_SCRIPT
from app.api.routes import get_article
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
    app.dependency_overrides[get_article] = _boom
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
    assert "ETag" in headers["access-control-expose-headers"]


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
