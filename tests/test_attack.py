"""The adversarial suite, bounded (scripts/attack.py --quick): a real server on
loopback, each attack of issue 12 against it.

Each attack checks what the server answered (431 at once, 408, 503 when every
connection is busy, problem+json for the server's own errors, ...) and that the
server's memory stayed within 1.5x its idle value during and after. /health p99 is
printed by the script, not asserted here: a timing is a benchmark's business.
"""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import Iterator

import pytest

from scripts.attack import (
    ATTACKS,
    BUSY_CAP,
    QUICK,
    REFUSES_HEALTH,
    RSS_FACTOR,
    Server,
    run_attack,
    running_server,
)

SHARED = [name for name in ATTACKS if name not in REFUSES_HEALTH]
TRACEBACK_MARKS = ("Traceback", "Exception in ASGI application")


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with running_server(QUICK) as running:
        yield running


@pytest.fixture(scope="module")
def idle_rss(server: Server) -> float:
    return server.rss_mb()


def assert_held(server: Server, name: str, idle: float) -> None:
    row = run_attack(server, name, idle)
    notes = "\n".join(row.outcome.notes)
    assert row.outcome.ok, f"{name}: {row.outcome.answer}\n{notes}"
    assert row.rss_peak <= idle * RSS_FACTOR, f"{name}: RSS {idle:.0f} -> {row.rss_peak:.0f} MB"
    assert row.rss_after <= idle * RSS_FACTOR
    log = server.log_text()
    assert not [mark for mark in TRACEBACK_MARKS if mark in log], log[-3000:]


@pytest.mark.parametrize("name", SHARED)
def test_attack(server: Server, idle_rss: float, name: str) -> None:
    assert_held(server, name, idle_rss)


@pytest.mark.parametrize("name", sorted(REFUSES_HEALTH))
def test_attack_with_every_connection_busy(name: str) -> None:
    with running_server(dataclasses.replace(QUICK, connections=BUSY_CAP)) as server:
        assert_held(server, name, server.rss_mb())


def _read_until_closed(sock: socket.socket, limit_s: float = 5.0) -> bytes:
    """What the server sends until it closes (then ``<closed>`` is appended) or goes quiet."""
    sock.settimeout(0.5)
    chunks: list[bytes] = []
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break  # still open, nothing more to read
        if not chunk:
            return b"".join(chunks) + b"<closed>"
        chunks.append(chunk)
    return b"".join(chunks)


def test_pipelining_past_the_limit_gets_one_answer_then_a_close(server: Server) -> None:
    """Over MAX_PIPELINE queued requests, the one being answered is the last: the queued
    ones are dropped (answering them all made bursts that held up other clients)."""
    from app.server import MAX_PIPELINE

    one = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with server.connect() as sock:
        sock.sendall(one * (MAX_PIPELINE + 12))
        answer = _read_until_closed(sock)
    assert answer.endswith(b"<closed>")
    assert answer.count(b"HTTP/1.1 200 OK") == 1
    assert b"connection: close" in answer.lower()


def test_pipelining_within_the_limit_is_answered_in_full(server: Server) -> None:
    one = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    with server.connect() as sock:
        sock.sendall(one * 3)
        answer = _read_until_closed(sock, limit_s=1.5)
    assert answer.count(b"HTTP/1.1 200 OK") == 3
    assert not answer.endswith(b"<closed>")  # a keep-alive connection stays open
