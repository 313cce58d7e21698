"""Logs: JSON lines, one access-log line per request from the outermost layer, and none
(no middleware at all) when the access log is off."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.api.accesslog import AccessLogMiddleware
from app.config import Settings
from app.logs import JsonFormatter, logging_config
from app.main import ArticleAPI, create_app
from tests.conftest import DATA, wait_until_serving


class Captured:
    """The sink of an access-log middleware: every line it writes, parsed."""

    def __init__(self, middleware: AccessLogMiddleware) -> None:
        self.middleware = middleware
        self.text: list[str] = []

    def __call__(self, text: str) -> None:
        self.text.append(text)

    @property
    def lines(self) -> list[dict[str, Any]]:
        self.middleware.flush()
        return [json.loads(line) for line in "".join(self.text).splitlines()]


@pytest.fixture
def access_level() -> Iterator[None]:
    """``app.access`` at INFO, whatever logging config another test applied."""
    logger = logging.getLogger("app.access")
    level = logger.level
    logger.setLevel(logging.INFO)
    yield
    logger.setLevel(level)


@pytest.fixture(scope="module")
def logged_app() -> ArticleAPI:
    return create_app(Settings(data=DATA, cache_dir=None))


@pytest.fixture(scope="module")
def logged_client(logged_app: ArticleAPI) -> Iterator[TestClient]:
    with TestClient(logged_app) as client:
        yield client


@pytest.fixture
def access(logged_app: ArticleAPI, access_level: None) -> Iterator[Captured]:
    middleware = logged_app.front
    assert isinstance(middleware, AccessLogMiddleware)
    middleware.flush()
    sink, captured = middleware.sink, Captured(middleware)
    middleware.sink = captured
    yield captured
    middleware.sink = sink


def test_a_record_is_one_json_line_with_its_fields() -> None:
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "loaded %d", (1,), None)
    record.fields = {"event": "startup", "loaded": ["文章.txt"]}
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "文章" in line, "non-ASCII stays readable"
    value = json.loads(line)
    assert value["level"] == "info"
    assert value["logger"] == "app"
    assert value["msg"] == "loaded 1"
    assert value["event"] == "startup"
    assert value["ts"].endswith("Z")


def test_an_exception_travels_inside_the_json_line() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.LogRecord("app", logging.ERROR, __file__, 1, "x", (), sys.exc_info())
    value = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in value["exc"]


def test_logging_config_sends_app_and_uvicorn_to_stdout_at_the_level() -> None:
    config = logging_config("warning")
    assert {"app", "uvicorn.error"} <= config["loggers"].keys()
    assert config["loggers"]["app"]["level"] == "WARNING"
    assert config["handlers"]["stdout"]["stream"] == "ext://sys.stdout"


def test_one_line_per_request_with_its_fields(logged_client: TestClient, access: Captured) -> None:
    response = logged_client.get("/figures", params={"kind": "percent"})
    assert len(access.lines) == 1
    line = access.lines[0]
    assert (line["level"], line["logger"], line["msg"]) == (
        "info",
        "app.access",
        "GET /figures 200",
    )
    assert line["ts"].endswith("Z")
    assert line["method"] == "GET"
    assert line["path"] == "/figures"
    assert line["query"] == "kind=percent"
    assert line["status"] == response.status_code
    assert line["bytes"] == int(response.headers["content-length"])
    assert line["duration_ms"] >= 0


def test_no_query_field_without_a_query(logged_client: TestClient, access: Captured) -> None:
    logged_client.get("/health")
    assert "query" not in access.lines[0]


def test_a_line_is_valid_json_whatever_the_path(
    logged_client: TestClient, access: Captured
) -> None:
    logged_client.get('/nope/"quoted"\\back/文章')
    assert access.lines[0]["path"] == '/nope/"quoted"\\back/文章'
    assert access.lines[0]["status"] == 404


@pytest.mark.parametrize(
    ("path", "status"), [("/article", 200), ("/sections/999", 404), ("/nope", 404)]
)
def test_fast_path_and_error_answers_are_logged(
    logged_client: TestClient, access: Captured, path: str, status: int
) -> None:
    """/article is answered by the precomputed fast path, below the access log."""
    logged_client.get(path)
    assert [(line["path"], line["status"]) for line in access.lines] == [(path, status)]


def test_the_access_log_is_the_outermost_layer() -> None:
    app = create_app(Settings(data=DATA, cache_dir=None))
    assert isinstance(app.front, AccessLogMiddleware)
    assert app.front.app is app.http_layer


def test_off_means_not_installed_at_all() -> None:
    app = create_app(Settings(data=DATA, cache_dir=None, access_log=False))
    assert app.front is app.http_layer


def test_a_failing_app_is_logged_as_500_and_the_error_goes_on(access_level: None) -> None:
    async def failing(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("boom")

    async def nothing() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def ignore(message: Any) -> None:
        return None

    scope = {"type": "http", "method": "GET", "path": "/x", "query_string": b"", "headers": []}
    middleware = AccessLogMiddleware(failing)
    captured = middleware.sink = Captured(middleware)
    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(middleware(scope, nothing, ignore))
    assert captured.lines[0]["status"] == 500


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve_and_get(flags: list[str], paths: list[str]) -> list[dict[str, Any]]:
    """Run ``article-api serve`` with ``flags``, GET ``paths``, stop it; its log lines."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "article-api"), "serve", "--port", str(port)]
    command += ["--data", str(DATA), "--cache-dir", "", *flags]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_serving(port, server)
        for path in paths:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5).close()
            except urllib.error.HTTPError as exc:
                exc.close()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
    return [json.loads(line) for line in output.decode().splitlines() if line.strip()]


def test_a_live_server_writes_one_json_access_line_per_request() -> None:
    lines = serve_and_get([], ["/article", "/sections/9"])
    access = [line for line in lines if line["logger"] == "app.access"]
    assert [(line["path"], line["status"]) for line in access[-2:]] == [
        ("/article", 200),
        ("/sections/9", 404),
    ]
    assert not [line for line in lines if line["logger"] == "uvicorn.access"]
    startup = [line for line in lines if line.get("event") == "startup"]
    assert startup[0]["loaded"] == 1
    assert startup[0]["skipped"] == 0
    assert startup[0]["primary"] == "000_bd4049ec00aa3a8d.txt"


def test_no_access_log_flag_writes_no_access_line() -> None:
    lines = serve_and_get(["--no-access-log"], ["/article"])
    assert not [line for line in lines if line["logger"] in ("app.access", "uvicorn.access")]
