"""Logs: JSON lines, one access-log line per request from the outermost layer, and none
(no middleware at all) when the access log is off."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import subprocess
import sys
import time
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
from app.main import create_app
from tests.conftest import DATA


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def access() -> Iterator[Collect]:
    """The records of ``app.access``, whatever logging config another test applied."""
    logger = logging.getLogger("app.access")
    handler, level = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def fields(record: logging.LogRecord) -> dict[str, Any]:
    value: dict[str, Any] = record.fields  # type: ignore[attr-defined]
    return value


@pytest.fixture(scope="module")
def logged_client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings(data=DATA, cache_dir=None))) as client:
        yield client


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


def test_one_line_per_request_with_its_fields(logged_client: TestClient, access: Collect) -> None:
    response = logged_client.get("/figures", params={"kind": "percent"})
    assert len(access.records) == 1
    line = fields(access.records[0])
    assert line["method"] == "GET"
    assert line["path"] == "/figures"
    assert line["query"] == "kind=percent"
    assert line["status"] == response.status_code
    assert line["bytes"] == int(response.headers["content-length"])
    assert line["duration_ms"] >= 0


def test_no_query_field_without_a_query(logged_client: TestClient, access: Collect) -> None:
    logged_client.get("/health")
    assert "query" not in fields(access.records[0])


@pytest.mark.parametrize(
    ("path", "status"), [("/article", 200), ("/sections/999", 404), ("/nope", 404)]
)
def test_fast_path_and_error_answers_are_logged(
    logged_client: TestClient, access: Collect, path: str, status: int
) -> None:
    """/article is answered by the precomputed fast path, below the access log."""
    logged_client.get(path)
    assert [(fields(r)["path"], fields(r)["status"]) for r in access.records] == [(path, status)]


def test_the_access_log_is_the_outermost_layer() -> None:
    app = create_app(Settings(data=DATA, cache_dir=None))
    outermost: object = app.user_middleware[0].cls
    assert outermost is AccessLogMiddleware


def test_off_means_not_installed_at_all(access: Collect) -> None:
    app = create_app(Settings(data=DATA, cache_dir=None, access_log=False))
    layers: list[object] = [m.cls for m in app.user_middleware]
    assert AccessLogMiddleware not in layers
    with TestClient(app) as client:
        assert client.get("/health").status_code == 200
    assert access.records == []


def test_a_failing_app_is_logged_as_500_and_the_error_goes_on(access: Collect) -> None:
    async def failing(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("boom")

    async def nothing() -> dict[str, Any]:
        return {"type": "http.disconnect"}

    async def ignore(message: Any) -> None:
        return None

    scope = {"type": "http", "method": "GET", "path": "/x", "query_string": b"", "headers": []}
    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(AccessLogMiddleware(failing)(scope, nothing, ignore))
    assert fields(access.records[0])["status"] == 500


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
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).close()
                break
            except (urllib.error.URLError, OSError):
                assert server.poll() is None, "the server exited"
                assert time.monotonic() < deadline, "the server did not answer in time"
                time.sleep(0.1)
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
