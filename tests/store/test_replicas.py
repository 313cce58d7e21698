"""Scale-out: two `article-api serve` processes on one PostgreSQL database answer alike,
and a re-ingest reaches both without a restart, within the store's poll delay."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from app.store import open_store
from app.store.serving import POLL_S
from tests.conftest import DATA, SAMPLES
from tests.pgserver import PostgresServer

PATHS = [
    "/health",
    "/article",
    "/sections/1",
    "/articles",
    "/articles?limit=2&cursor=2",
    "/articles?date_from=2021-01-01",
    "/articles/4980",
    "/articles/4980/sections",
    "/articles/4980/sections/2",
    "/articles/4980/figures?kind=count",
    "/articles/4980/stats",
    "/articles/skipped",
    "/search?q=" + urllib.parse.quote("党史"),
    "/search?q=" + urllib.parse.quote("学习教育") + "&limit=2",
    "/stats/corpus",
    "/articles/nope",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def fetch(port: int, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@contextmanager
def serve(url: str) -> Iterator[int]:
    port = _free_port()
    env = {**os.environ, "ARTICLE_ACCESS_LOG": "false"}
    env.pop("ARTICLE_DATA", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--store", url, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(port, "/health")
                break
            except OSError:
                if process.poll() is not None:
                    raise AssertionError(process.stderr.read().decode()) from None  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stderr is not None:
            process.stderr.close()


def ingest(folder: Path, url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "app", "ingest", str(folder), "--store", url],
        check=True,
        capture_output=True,
        timeout=300,
    )


def test_two_servers_one_database(postgres: PostgresServer, tmp_path: Path) -> None:
    url = postgres.database()
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA / "000_bd4049ec00aa3a8d.txt", folder)
    for sample in sorted(SAMPLES.glob("*.txt"))[:4]:
        shutil.copy(sample, folder)
    ingest(folder, url)
    with ExitStack() as stack:
        ports = [stack.enter_context(serve(url)) for _ in range(2)]
        for path in PATHS:
            first, second = (fetch(port, path) for port in ports)
            assert first == second, path
            assert first[0] == (404 if path.endswith("nope") else 200), path

        (folder / "zz_new.txt").write_text(
            (DATA / "000_bd4049ec00aa3a8d.txt").read_text("utf-8").replace("党史", "蓝史"), "utf-8"
        )
        ingest(folder, url)
        started = time.monotonic()
        query = "/search?q=" + urllib.parse.quote("蓝史")
        pending = set(ports)
        while pending:  # /health is cached per store generation: it moves after the poll
            for port in list(pending):
                if b'"loaded":6' in fetch(port, "/health")[1]:
                    pending.discard(port)
            assert time.monotonic() - started < POLL_S + 5, f"not seen by {pending}"
            time.sleep(0.05)
        for path in ("/health", "/articles", "/stats/corpus", query):
            first, second = (fetch(port, path) for port in ports)
            assert first == second, path
        assert b'"article_id":"4980~zz_new"' in fetch(ports[0], query)[1]


def test_one_writer_at_a_time(postgres: PostgresServer, tmp_path: Path) -> None:
    """While one ingest writes to a database, another is refused at once, with a
    reason (two would collide half way through); readers are not; the lock ends
    with the writer."""
    url = postgres.database()
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(DATA / "000_bd4049ec00aa3a8d.txt", folder)
    writer = open_store(url)
    try:
        refused = subprocess.run(
            [sys.executable, "-m", "app", "ingest", str(folder), "--store", url],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert refused.returncode != 0
        assert "another ingest is writing to" in refused.stderr
        assert "Traceback" not in refused.stderr
        reader = open_store(url, readonly=True)
        assert reader.counts() == (0, 0)
        reader.close()
    finally:
        writer.close()
    ingest(folder, url)  # the lock ended with the writer
    reader = open_store(url, readonly=True)
    assert reader.counts() == (1, 0)
    reader.close()
