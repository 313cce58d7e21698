"""The access log: a pure-ASGI middleware that writes one JSON line per HTTP request.

It is the outermost layer (``create_app`` puts it in front of everything), so it sees
every request, including those the precomputed fast path answers, and it times the
whole response. ``ARTICLE_ACCESS_LOG=false`` / ``--no-access-log`` leaves it out
entirely; a log level above ``info`` silences it.

Its lines have the same shape as every other log line (``app.logs.JsonFormatter``),
but they do not go through :mod:`logging` one record at a time. A precomputed answer
costs a few microseconds; a LogRecord, a formatter call and a flushed write per
request cost several times that (scripts/bench_http.py halved the requests/s). So a
request only appends a tuple; the lines are formatted and written in one batch at
most FLUSH_SECONDS later (or at FLUSH_LINES, or when the server stops). After a
SIGKILL, up to FLUSH_SECONDS of lines are lost; a normal stop writes them all.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import logging
import sys
import time
from collections.abc import Callable
from json.encoder import encode_basestring  # the C string encoder json itself uses
from typing import Protocol

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.logs import ACCESS_LOGGER, timestamp

log = logging.getLogger(ACCESS_LOGGER)

# A batch is written at least this often, and at once when this many lines wait.
# Small batches keep each write short (~1 ms of formatting), so no request waits
# long behind one; large ones would show up as p99 latency.
FLUSH_SECONDS = 0.1
FLUSH_LINES = 256

# One request: (time, method, path, query, status, seconds taken, bytes, client).
Entry = tuple[float, str, str, str, int, float, int, str | None]


def format_line(entry: Entry) -> str:
    """The JSON line of one request, keys in JsonFormatter's order."""
    created, method, path, query, status, elapsed, size, client = entry
    line = (
        f'{{"ts": "{timestamp(created)}", "level": "info", "logger": "{ACCESS_LOGGER}", '
        f'{request_part(method, path, status)}, "duration_ms": {round(elapsed * 1000, 3)}, '
        f'"bytes": {size}'
    )
    if query:
        line += f', "query": {encode_basestring(query)}'
    if client is not None:
        line += _client_part(client)
    return line + "}"


# A service answers the same few paths, statuses and clients over and over: their
# JSON-escaped parts are made once (bounded caches, so odd paths cannot grow them:
# at most 1024 entries, and a longer method + path than CACHED_PATH is escaped each time).
CACHED_PATH = 256


def request_part(method: str, path: str, status: int) -> str:
    if len(path) + len(method) > CACHED_PATH:
        return _request_part.__wrapped__(method, path, status)
    return _request_part(method, path, status)


@functools.lru_cache(maxsize=1024)
def _request_part(method: str, path: str, status: int) -> str:
    message = encode_basestring(f"{method} {path} {status}")
    return (
        f'"msg": {message}, "method": {encode_basestring(method)}, '
        f'"path": {encode_basestring(path)}, "status": {status}'
    )


@functools.lru_cache(maxsize=256)
def _client_part(client: str) -> str:
    return f', "client": {encode_basestring(client)}'


class Precomputed(Protocol):
    """What the access log needs of the fast path (app.api.fastpath.HttpLayer)."""

    async def try_answer(self, scope: Scope, send: Send) -> tuple[int, int] | None: ...


def write_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


class AccessLogMiddleware:
    """Logs method, path, query (if any), status, duration_ms, bytes and client once
    the response is sent, or once the app has failed (as a 500)."""

    def __init__(
        self,
        app: ASGIApp,
        sink: Callable[[str], None] = write_stdout,
        precomputed: Precomputed | None = None,
    ) -> None:
        self.app = app
        self.sink = sink  # receives whole lines, each ending in "\n"
        # The fast path below, asked first for GET/HEAD: it reports status and size
        # itself, so the cheapest answers are logged without wrapping ``send``.
        self.precomputed = precomputed
        self.pending: list[Entry] = []
        atexit.register(self.flush)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            if scope["type"] == "lifespan":
                send = self._flush_on_shutdown(send)
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        if self.precomputed is not None and scope["method"] in ("GET", "HEAD"):
            answered = await self.precomputed.try_answer(scope, send)
            if answered is not None:
                self._log(scope, answered[0], answered[1], started)
                return
        # Until the app starts a response, a failure is what the client will see: a 500.
        status = 500
        size = 0

        async def send_and_count(message: Message) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_and_count)
        finally:
            self._log(scope, status, size, started)

    def _log(self, scope: Scope, status: int, size: int, started: float) -> None:
        elapsed = time.perf_counter() - started
        client = scope.get("client")
        raw_query = scope.get("query_string")
        # A raw query string is percent-encoded ASCII; latin-1 never fails on it.
        query = raw_query.decode("latin-1") if raw_query else ""
        address = client[0] if client else None
        entry = (time.time(), scope["method"], scope["path"], query, status, elapsed, size)
        self._add((*entry, address))

    def _add(self, entry: Entry) -> None:
        self.pending.append(entry)
        if len(self.pending) >= FLUSH_LINES:
            self.flush()
        elif len(self.pending) == 1:
            try:
                asyncio.get_running_loop().call_later(FLUSH_SECONDS, self.flush)
            except RuntimeError:  # no loop running (called from plain code): write now
                self.flush()

    def flush(self) -> None:
        """Format and write every pending line."""
        if not self.pending:
            return
        entries, self.pending = self.pending, []
        with contextlib.suppress(OSError, ValueError):  # stdout gone (closed pipe, exit)
            self.sink("".join(format_line(entry) + "\n" for entry in entries))

    def _flush_on_shutdown(self, send: Send) -> Send:
        async def flushing_send(message: Message) -> None:
            if message["type"] == "lifespan.shutdown.complete":
                self.flush()
            await send(message)

        return flushing_send
