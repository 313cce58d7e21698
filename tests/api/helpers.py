"""One assertion for every error response: the RFC 9457 problem body."""

from __future__ import annotations

import httpx2 as httpx


def assert_problem(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert isinstance(body, dict)
    assert {"type", "title", "status", "detail", "instance"} <= body.keys()
    assert body["status"] == status
    assert body["instance"] == response.request.url.path
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if status == 422:
        assert isinstance(body["errors"], list)
        assert body["errors"]
    return body
