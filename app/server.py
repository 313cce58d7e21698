"""The HTTP server's own guards: uvicorn's httptools protocol with the limits it lacks.

uvicorn (httptools) has a keep-alive timeout but no limit on the size of a request
head, no deadline for a request to arrive, no bound on how many pipelined requests
it queues, no deadline for a client that stops reading, and its concurrency limit
(``limit_concurrency``) refuses only after a request head has arrived, in plain text,
so silent sockets are never refused. :class:`GuardedProtocol` adds those at the
protocol level, where they cost a few attribute operations per read:

- a request head (request line and headers) over ``max_header_bytes`` gets a 431;
  heads are fed to the parser in slices of that size, so at most twice the limit is
  ever parsed, however large the header;
- a request must arrive whole within ``request_timeout`` seconds of its first byte
  (or of the connection's opening): a slow or silent client is closed (a 408 when it
  sent part of a request);
- a client that reads nothing for ``request_timeout`` seconds while answers wait
  for it is dropped, with what was buffered for it;
- at most ``MAX_PIPELINE`` pipelined requests are queued behind the one being
  answered: past that the parser stops, the queued ones are dropped, and the
  connection is closed once the answer being sent is;
- at most ``max_connections`` connections are open: a new one first closes the
  connection that has waited longest for a request (idle keep-alive, silent or
  slow), and is refused at once with a 503 only when every connection is busy.

Every answer the server gives itself (400, 408, 431, 503) is the same problem+json
body, with the same security headers, as the app's. Each kind of event is logged as
one line at most once a second, with how many there were.
"""

from __future__ import annotations

import asyncio
import http
import json
import logging
import resource
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import httptools
from uvicorn.protocols.http.httptools_impl import (
    STATUS_LINE,
    HttpToolsProtocol,
    RequestResponseCycle,
)

from app.api.http import common_headers

if TYPE_CHECKING:
    from app.config import Settings

log = logging.getLogger("app.server")

# How often late requests are looked for: a deadline is kept to within this.
SWEEP_SECONDS = 0.5
# Pipelined requests queued behind the one being answered; browsers never pipeline,
# and a client that queues more is either broken or an attacker.
MAX_PIPELINE = 8


@dataclass(frozen=True, slots=True)
class Limits:
    """The server-level limits (Settings: max_connections, max_header_bytes, request_timeout)."""

    max_connections: int = 1000
    max_header_bytes: int = 8192
    request_timeout: float = 10.0


# File descriptors kept free of connections: the listening socket, logs, data files.
SPARE_FILES = 64


def raise_open_files_limit() -> None:
    """Raise this process's soft limit on open files to the hard one (a connection is
    a file): at the soft limit accept() fails and every client is locked out."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        target = min(hard, 1_048_576)
        if soft < target:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def limits_of(settings: Settings) -> Limits:
    """The settings' limits; max_connections is kept under the open-files limit."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    cap = settings.max_connections
    if soft != resource.RLIM_INFINITY and cap > soft - SPARE_FILES:
        cap = max(1, soft - SPARE_FILES)
        log.warning(
            "ARTICLE_MAX_CONNECTIONS lowered from %d to %d: the open-files limit is %d",
            settings.max_connections,
            cap,
            soft,
        )
    return Limits(
        max_connections=cap,
        max_header_bytes=settings.max_header_bytes,
        request_timeout=settings.request_timeout,
    )


# What a feed can raise: an upgrade request is not an HttpParserError.
PARSE_ERRORS = (httptools.HttpParserError, httptools.HttpParserUpgrade)


class _StopParsing(Exception):
    """Raised from a parser callback to stop parsing a connection's input."""


class _Tally:
    """Counts one kind of event and logs it at most once a second, with the count."""

    def __init__(self, level: int, message: str) -> None:
        self.level = level
        self.message = message  # formatted with the count
        self.count = 0
        self.scheduled = False

    def add(self) -> None:
        self.count += 1
        if not self.scheduled:
            self.scheduled = True
            self.flush()
            try:
                asyncio.get_running_loop().call_later(1.0, self._later)
            except RuntimeError:  # no running loop: nothing will batch the rest
                self.scheduled = False

    def _later(self) -> None:
        self.scheduled = False
        if self.count:
            self.flush()

    def flush(self) -> None:
        if self.count:
            count, self.count = self.count, 0
            log.log(self.level, self.message, count, extra={"fields": {"count": count}})


REFUSED = _Tally(
    logging.WARNING,
    "refused %d connection(s): every connection is busy (ARTICLE_MAX_CONNECTIONS)",
)
EVICTED = _Tally(
    logging.INFO,
    "closed %d connection(s) waiting for a request to make room (ARTICLE_MAX_CONNECTIONS)",
)
TIMED_OUT = _Tally(
    logging.INFO,
    "closed %d connection(s) that sent no whole request in time (ARTICLE_REQUEST_TIMEOUT)",
)
STALLED = _Tally(
    logging.INFO,
    "dropped %d connection(s) that read nothing in time (ARTICLE_REQUEST_TIMEOUT)",
)
TOO_LARGE = _Tally(
    logging.INFO, "answered 431 to %d request(s) with a head over ARTICLE_MAX_HEADER_BYTES"
)
INVALID = _Tally(logging.INFO, "answered 400 to %d invalid HTTP request(s)")
PIPELINED = _Tally(logging.INFO, "stopped reading %d connection(s) pipelining more than 8 requests")


def problem_response(
    status: int,
    detail: str,
    instance: str = "/",
    default_headers: list[tuple[bytes, bytes]] | None = None,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> bytes:
    """A whole HTTP/1.1 problem+json answer that closes the connection, as bytes."""
    body = json.dumps(
        {
            "type": "about:blank",
            "title": http.HTTPStatus(status).phrase,
            "status": status,
            "detail": detail,
            "instance": instance,
        }
    ).encode()
    headers = [
        *(default_headers or []),
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        *common_headers(instance),
        *(extra or []),
        (b"connection", b"close"),
    ]
    lines = [STATUS_LINE[status], *(b"%s: %s\r\n" % pair for pair in headers), b"\r\n", body]
    return b"".join(lines)


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with the guards described in the module docstring."""

    limits: ClassVar[Limits] = Limits()
    # Connections waiting for a request, the longest-waiting first (all of this process).
    waiting: ClassVar[OrderedDict[GuardedProtocol, None]] = OrderedDict()
    open_count: ClassVar[int] = 0
    # Every admitted connection (for the deadline sweep), and the sweep's timer.
    live: ClassVar[set[GuardedProtocol]] = set()
    sweeper: ClassVar[asyncio.TimerHandle | None] = None
    sweeping: ClassVar[asyncio.AbstractEventLoop | None] = None  # the sweeper's loop

    @classmethod
    def configure(cls, limits: Limits) -> None:
        cls.limits = limits

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_bytes = 0  # bytes of the current request head fed so far
        self.in_body = False  # the head is complete, its body is being read
        self.counted = False  # admitted: counted in open_count
        self.stopped = False  # parsing stopped: finish the answer being sent, then close
        self.running: RequestResponseCycle | None = None  # the cycle being answered
        # When the request being read must be whole (loop time; 0: none being read).
        # Checked by one sweep a second for all connections: a timer per request
        # cost more than the rest of the guards together.
        self.read_deadline = 0.0
        # When an idle keep-alive connection is closed (loop time; 0: not idle), kept
        # by the same sweep instead of uvicorn's timer armed and cancelled per answer.
        self.idle_deadline = 0.0
        self.write_timer: asyncio.TimerHandle | None = None

    # ---- connections: the cap, eviction, fast refusal ----

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        cls = GuardedProtocol
        if cls.open_count >= self.limits.max_connections and not self._evict_one():
            REFUSED.add()
            transport.write(
                problem_response(
                    503,
                    "the server is at its connection limit; try again shortly",
                    default_headers=self.server_state.default_headers,
                    extra=[(b"retry-after", b"1")],
                )
            )
            transport.close()
            return
        cls.open_count += 1
        self.counted = True
        super().connection_made(transport)
        cls.live.add(self)
        self._wait()
        self.read_deadline = self.loop.time() + self.limits.request_timeout
        if cls.sweeper is None or cls.sweeping is not self.loop:  # (a new loop: tests)
            cls.sweeping = self.loop
            cls.sweeper = self.loop.call_later(SWEEP_SECONDS, cls._sweep, self.loop)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.counted:
            return  # refused: nothing was set up
        self.counted = False
        GuardedProtocol.open_count -= 1
        GuardedProtocol.waiting.pop(self, None)
        GuardedProtocol.live.discard(self)
        self._cancel_timers()
        self._drop_answer()
        super().connection_lost(exc)

    def _drop_answer(self) -> None:
        """The answer being sent has nowhere to go: its send returns from now on.

        uvicorn marks only the newest cycle disconnected; with pipelined requests the
        one being answered is an older one, which would go on writing to a closed
        transport (a RuntimeError and a traceback per disconnect)."""
        if self.running is not None and not self.running.response_complete:
            self.running.disconnected = True
            self.running.message_event.set()

    def _close(self, abort: bool = False) -> None:
        self._drop_answer()
        if abort:
            self.transport.abort()
        else:
            self.transport.close()

    @classmethod
    def _sweep(cls, loop: asyncio.AbstractEventLoop) -> None:
        """Close every connection whose request is late; runs every SWEEP_SECONDS."""
        now = loop.time()
        for protocol in [p for p in cls.live if 0 < p.read_deadline <= now]:
            protocol._read_timeout()
        for protocol in [p for p in cls.live if 0 < p.idle_deadline <= now]:
            protocol.idle_deadline = 0.0
            protocol.timeout_keep_alive_handler()  # uvicorn's: closes the connection
        cls.sweeper = loop.call_later(SWEEP_SECONDS, cls._sweep, loop) if cls.live else None

    @classmethod
    def _evict_one(cls) -> bool:
        """Close the connection that has waited longest for a request, if there is one."""
        while cls.waiting:
            victim, _ = cls.waiting.popitem(last=False)
            if victim.counted and not victim.transport.is_closing():
                victim.counted = False
                cls.open_count -= 1
                cls.live.discard(victim)
                victim._cancel_timers()
                victim._close()
                EVICTED.add()
                return True
        return False

    def _wait(self) -> None:
        GuardedProtocol.waiting[self] = None

    # ---- reading: head size, request deadline, pipelining ----

    def data_received(self, data: bytes) -> None:
        if self.stopped or not self.counted:
            return
        self.idle_deadline = 0.0  # (uvicorn's keep-alive timer is never armed here)
        if not self.read_deadline:
            self.read_deadline = self.loop.time() + self.limits.request_timeout
        limit = self.limits.max_header_bytes
        if len(data) <= limit and self.in_body:  # a request's body: no head to count
            self._feed(data, limit)
            return
        if len(data) <= limit and self.head_bytes + len(data) <= limit:
            # A whole request head, usually: one feed, inlined (the hot path).
            self.head_bytes += len(data)
            try:
                self.parser.feed_data(data)
            except PARSE_ERRORS as exc:
                self._parse_error(exc)
            return
        for start in range(0, len(data), limit):
            if not self._feed(data[start : start + limit], limit):
                return

    def _feed(self, piece: bytes, limit: int) -> bool:
        """Parse ``piece`` of a request; False when the connection is done with."""
        if not self.in_body:
            self.head_bytes += len(piece)
            if self.head_bytes > limit:
                self._answer_and_close(
                    431, f"the request head is over {limit} bytes (ARTICLE_MAX_HEADER_BYTES)"
                )
                TOO_LARGE.add()
                return False
        try:
            self.parser.feed_data(piece)
        except PARSE_ERRORS as exc:
            return self._parse_error(exc)
        return not self.stopped

    def _parse_error(self, exc: Exception) -> bool:
        """Handle an error the parser raised in a feed; False: done with the connection."""
        if isinstance(exc, httptools.HttpParserUpgrade):
            # No WebSocket here (ws="none"): the request is answered as plain HTTP,
            # then the connection closes (what follows the head is not HTTP).
            if self.cycle is not None and not self.cycle.response_complete:
                self.cycle.keep_alive = False
            else:
                self.transport.close()
            return False
        if self.stopped:
            self.flow.pause_reading()
            PIPELINED.add()
            if not self.pipeline and (self.cycle is None or self.cycle.response_complete):
                self.transport.close()
            return False
        INVALID.add()
        self.send_400_response("invalid HTTP request")
        return False

    def on_headers_complete(self) -> None:
        self.in_body = True
        self.head_bytes = 0
        GuardedProtocol.waiting.pop(self, None)
        if (
            self.cycle is not None
            and not self.cycle.response_complete
            and len(self.pipeline) >= MAX_PIPELINE
        ):
            # A client that queues this many is not reading its answers: the one being
            # answered is its last, the queued ones are dropped unanswered (a client
            # retries what a closed connection left unanswered, RFC 9112 9.3.2).
            # Answering them all cost 9 answers per such client, in bursts that held
            # up everyone else's requests.
            self.stopped = True
            self.read_deadline = 0.0  # nothing more is read: no request to wait for
            self.pipeline.clear()
            if self.running is not None:
                self.running.keep_alive = False
            raise _StopParsing
        existing = self.cycle
        super().on_headers_complete()
        if existing is None or existing.response_complete:  # super() started it
            self.running = self.cycle

    # The two callbacks below run once a request each: uvicorn's own bodies are inlined
    # (a frame and a super() call less each, ~10% of the guards' cost), and the keep-alive
    # timer uvicorn arms after every answer and cancels at the next request is an idle
    # deadline for the sweep. tests/test_server_guards.py checks that uvicorn's
    # callbacks are still the ones inlined here.

    def on_message_complete(self) -> None:
        self.in_body = False
        self.head_bytes = 0
        self.read_deadline = 0.0
        cycle = self.cycle
        if (self.parser.should_upgrade() and self._should_upgrade()) or cycle.response_complete:
            return
        cycle.more_body = False
        cycle.message_event.set()

    def on_response_complete(self) -> None:
        self.server_state.total_requests += 1
        if self.transport.is_closing():
            return
        if self.stopped:
            self._answered_when_stopped()
            return
        flow = self.flow
        if flow.read_paused:
            flow.resume_reading()
        pipeline = self.pipeline
        if pipeline:  # start the oldest queued request
            cycle, app = pipeline.pop()
            self.running = cycle
            self._start_asgi_task(cycle, app)
        else:  # waits for its next request
            self.idle_deadline = self.loop.time() + self.timeout_keep_alive
            GuardedProtocol.waiting[self] = None

    def _answered_when_stopped(self) -> None:
        """An answer is complete on a connection no longer read: start what is still
        queued (without reading more), or close."""
        pipeline = self.pipeline
        if not pipeline:
            self.transport.close()
            return
        cycle, app = pipeline.pop()
        self.running = cycle
        self._start_asgi_task(cycle, app)
        self.flow.pause_reading()

    def _read_timeout(self) -> None:
        self.read_deadline = 0.0
        if self.transport.is_closing():
            return
        TIMED_OUT.add()
        if self.cycle is not None and not self.cycle.response_complete:
            self._close()  # a request is being answered: its body never came
        elif self.head_bytes:
            self._answer_and_close(408, "the request did not arrive in time")
        else:
            self.transport.close()

    # ---- writing: a client that stops reading ----

    def pause_writing(self) -> None:
        super().pause_writing()
        if self.write_timer is None:
            self.write_timer = self.loop.call_later(self.limits.request_timeout, self._stalled)

    def resume_writing(self) -> None:
        super().resume_writing()
        if self.write_timer is not None:
            self.write_timer.cancel()
            self.write_timer = None

    def _stalled(self) -> None:
        self.write_timer = None
        if not self.transport.is_closing() or self.transport.get_write_buffer_size():
            STALLED.add()
            self._close(abort=True)  # drops what was buffered for the client

    def _cancel_timers(self) -> None:
        self.read_deadline = 0.0
        if self.write_timer is not None:
            self.write_timer.cancel()
            self.write_timer = None

    # ---- the server's own answers ----

    def send_400_response(self, msg: str) -> None:
        self._answer_and_close(400, msg)

    def _answer_and_close(self, status: int, detail: str) -> None:
        """Answer ``status`` and close; mid-answer (pipelined), close without one."""
        self.stopped = True
        if self.cycle is None or self.cycle.response_complete:
            path = self.scope.get("path", "/") if self.scope else "/"
            self.transport.write(
                problem_response(status, detail, path, self.server_state.default_headers)
            )
        self._close()

    def _unsupported_upgrade_warning(self) -> None:
        """An Upgrade request is answered as plain HTTP: nothing to warn about."""
