"""A pure-ASGI layer in front of FastAPI's routing: precomputed answers, HTTP semantics.

The data never changes while the server runs, so at start-up (after the app's
own lifespan start-up, or on the first request when a server runs no lifespan)
the layer asks FastAPI in-process for each resource of the primary article and
keeps the answer, compressed once per coding: every path
:func:`app.api.resources.precomputed_paths` reads from the app's own routes.
A GET or HEAD without a query string for one of those paths is then answered
from bytes; everything else falls through to FastAPI, and the layer gives a 200
from there the same ETag, 304, compression and headers (one code path,
:func:`app.api.http.represent`), so both answers are byte-identical.

It stands in front of all of FastAPI, middleware stack included (see
:class:`app.main.ArticleAPI`): measured live, FastAPI's and Starlette's per-request
layers cost more than the whole precomputed answer, so a request the table can
answer never enters them.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api import docs, errors
from app.api.articles import MAX_ID_LENGTH
from app.api.http import (
    PREFLIGHT,
    Headers,
    Representation,
    common_headers,
    etag_matches,
    negotiated,
    not_modified_since,
    represent,
)
from app.api.resources import allowed_methods, precomputed_paths
from app.api.schemas import SectionList

log = logging.getLogger("app.api.fastpath")

# Other articles' resources kept as ready answers (a ~40 KB article, its parts and
# the codings asked for: ~10 MB at most), most recently used first.
STORED_RECENT = 256
# A resource of one article, as the article routes serve it (app/api/articles.py):
# group 1 the id (at most MAX_ID_LENGTH characters, one path segment), group 2 the part.
ARTICLE_RESOURCE = re.compile(
    rf"^/articles/([^/]{{1,{MAX_ID_LENGTH}}})(|/sections|/sections/[1-9][0-9]{{0,5}}|/stats)$"
)
JSON_HEADERS: Headers = [(b"content-type", b"application/json")]
# Corpus answers that are a function of the query string and the store's generation
# alone (no request header reaches them): the most recent are kept as ready answers,
# dropped with everything else when a re-ingest is seen. A search page of 20 hits is
# ~5-30 KB; one of 100 whole paragraphs can reach a few hundred KB.
QUERY_CACHED = frozenset({"/search", "/articles"})
QUERY_RECENT = 512  # answers kept at most
QUERY_BUDGET = 16 << 20  # bytes kept at most (bodies in every coding kept)
QUERY_MAX_ANSWER = 512 << 10  # a larger answer (all its codings) is sent, never kept
QUERY_MAX_BYTES = 1024  # a longer query string is answered, never kept


def stored_body(corpus: Any, path: str) -> bytes | None:
    """The JSON the article routes would answer for ``path``, from the store's bytes:
    the article as stored at ingest, or a part of it serialised by the same models
    FastAPI uses. None: not such a path, or an id or section that does not exist."""
    match = ARTICLE_RESOURCE.match(path)
    if match is None or match[1] == "skipped":
        return None
    article_id, part = match[1], match[2]
    if not part:
        body: bytes | None = corpus.article_json(article_id)
        return body
    article = corpus.get(article_id)
    if article is None:
        return None
    if part == "/stats":
        return bytes(article.stats.model_dump_json(), "utf-8")
    if part == "/sections":
        sections = SectionList(items=article.sections, total=len(article.sections))
        return bytes(sections.model_dump_json(), "utf-8")
    index = int(part.rsplit("/", 1)[1])
    if index > len(article.sections):
        return None
    return bytes(article.sections[index - 1].model_dump_json(), "utf-8")


# Bodies larger than WHOLE_BODY are sent in SEND_CHUNK pieces (see send_body);
# /article (~40 KB identity) is sent whole.
WHOLE_BODY = 65_536
SEND_CHUNK = 16_384


class HttpLayer:
    """Answers precomputed resources itself; gives every answer the same HTTP semantics."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        api: Any,
        max_age: int,
        last_modified: float,
        fast_path: bool = True,
        live_bodies: Mapping[str, Callable[[], bytes]] | None = None,
    ) -> None:
        self.app = app
        self.api = api  # the FastAPI app: its routes name the resources to precompute
        self.max_age = max_age
        self.last_modified = last_modified
        self.fast_path = fast_path
        self.table: dict[str, Representation] = {}
        # Answers of other articles' resources, made from stored bytes on first use.
        self.recent: OrderedDict[str, Representation] = OrderedDict()
        # Answers of searches and listings by path and query string: FastAPI's body
        # and headers, and the representation made of them; and their bytes in all.
        self.queries: OrderedDict[bytes, tuple[bytes, Headers, Representation]] = OrderedDict()
        self.queries_bytes = 0
        # no-store resources (/health) whose body this layer makes per request (never
        # cached, and without FastAPI's cost); their headers come from FastAPI's answer.
        self.live_bodies = dict(live_bodies or {})
        self.live: dict[str, tuple[Headers, Callable[[], bytes]]] = {}
        self.warmed = False
        self.warming: asyncio.Task[None] | None = None
        self.stopping = False  # the server is stopping: precompute nothing more

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                send = self._warm_on_startup(scope, send)
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method == "GET" or method == "HEAD":
            if await self.try_answer(scope, send) is not None:
                return
        elif method == "OPTIONS":
            await self.options(scope, receive, send)
            return
        await self._fall_through(scope, receive, send)

    def paths(self) -> list[str]:
        """The resources answered from bytes, read from the app's routes, and the docs'
        JS and CSS (~2.8 MB): one shared copy of each body and coding, so many clients
        fetching them (and leaving them unread) cost no copy each, and /docs loads
        without FastAPI. A Range request for one still goes to StaticFiles."""
        assets = [f"{docs.ASSETS_PATH}/{name}" for name in docs.asset_names()]
        return [*precomputed_paths(self.api.routes, self.api.state.articles.primary), *assets]

    def allow(self, scope: Scope) -> str | None:
        """The methods the request's path allows (from the app's routes); None: no such path."""
        return allowed_methods(self.api.routes, scope)

    async def options(self, scope: Scope, receive: Receive, send: Send) -> None:
        """OPTIONS: the methods the resource allows, with the CORS preflight when asked.

        A path no route serves falls through to FastAPI (a 404). A path a route
        matches but whose GET is an error (a section that does not exist) gets that
        error: what a GET would get, the query string aside.
        """
        allow = self.allow(scope)
        if allow is None:
            await self._fall_through(scope, receive, send)
            return
        if scope["path"] not in self.table:
            probe = _Response()
            await self.app(_get_scope(self.api, scope["path"]), _no_body(), probe)
            if probe.status >= 400:
                await _Finisher(self, scope, send).send_plain(
                    probe.status, probe.headers, probe.body
                )
                return
        headers = [(b"allow", allow.encode()), *common_headers(scope["path"])]
        if any(name == b"access-control-request-method" for name, _ in scope["headers"]):
            headers += PREFLIGHT
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    async def try_answer(self, scope: Scope, send: Send) -> tuple[int, int] | None:
        """Answer a GET/HEAD from the table if it can: (status, body bytes sent), else None.

        The access log calls this directly for the requests it can serve, so the
        cheapest answers need no wrapped ``send`` to be counted.
        """
        if not self.warmed:
            await self.warm()
        live = None
        try:
            if self.api.state.articles.refresh():
                self._restart()
            if scope["query_string"]:
                representation = self.kept(scope)
            else:
                representation = self.table.get(scope["path"])
                if representation is None:
                    live = self.live.get(scope["path"])
                    if live is None:
                        representation = self.stored(scope)
        except Exception:  # the store failed: FastAPI answers (its error, as JSON)
            log.warning(
                "fast path: %s could not be answered from the store", scope["path"], exc_info=True
            )
            return None
        if live is not None:
            return await answer_live(live, scope, send)
        return None if representation is None else await answer(representation, scope, send)

    def stored(self, scope: Scope) -> Representation | None:
        """Any article's resources (``/articles/{id}``, its sections, a section, its
        stats) from the bytes the store keeps, like the primary article's: the recent
        ones kept in an LRU, each compressed only into the codings asked for so far.
        None (FastAPI answers, an error included) for anything else."""
        path = scope["path"]
        wanted = negotiated(scope["headers"])
        representation = self.recent.get(path)
        if representation is not None:
            self.recent.move_to_end(path)
            codings = missing_codings(representation, wanted)
            if codings is None:
                return representation
            body = representation.variants["identity"].body
        else:
            found = stored_body(self.api.state.articles, path)
            if found is None:
                return None
            body, codings = found, wanted
        representation = self.represent_now(body, JSON_HEADERS, path, codings)
        self.recent[path] = representation
        if len(self.recent) > STORED_RECENT:
            self.recent.popitem(last=False)
        return representation

    def query_key(self, scope: Scope) -> bytes | None:
        """The key a search or listing page (:data:`QUERY_CACHED`) is kept under; None
        for other paths and for query strings too long to keep."""
        path: str = scope["path"]
        query: bytes = scope["query_string"]
        if path not in QUERY_CACHED or not query or len(query) > QUERY_MAX_BYTES:
            return None
        return path.encode() + b"?" + query

    def kept(self, scope: Scope) -> Representation | None:
        """The kept answer to this search or listing page, in the coding asked for (a
        coding not made yet is made now from the kept body); None: FastAPI answers,
        and :meth:`keep` keeps its 200 (one pass through FastAPI, never an error)."""
        key = self.query_key(scope)
        found = None if key is None else self.queries.get(key)
        if key is None or found is None:
            return None
        self.queries.move_to_end(key)
        body, headers, representation = found
        codings = missing_codings(representation, negotiated(scope["headers"]))
        if codings is None:
            return representation
        more = self.represent_now(body, headers, scope["path"], codings)
        self.keep(key, body, headers, more, self.queries)
        return more

    def represent_now(
        self, body: bytes, headers: Headers, path: str, codings: tuple[str, ...]
    ) -> Representation:
        """A 200 made into an answer now (dated by this layer's Last-Modified)."""
        return represent(
            body,
            headers,
            path=path,
            max_age=self.max_age,
            last_modified=self.last_modified,
            codings=codings,
        )

    def keep(
        self,
        key: bytes,
        body: bytes,
        headers: Headers,
        representation: Representation,
        queries: OrderedDict[bytes, tuple[bytes, Headers, Representation]],
    ) -> None:
        """Keep an answer FastAPI gave, within :data:`QUERY_RECENT` answers and
        :data:`QUERY_BUDGET` bytes; ``queries`` is the dict when the request began: a
        re-ingest seen meanwhile replaced it, and the answer (of the old store) is not
        kept."""
        if queries is not self.queries:
            return
        size = _size(representation)
        if size > QUERY_MAX_ANSWER:
            return
        old = queries.pop(key, None)
        if old is not None:
            self.queries_bytes -= _size(old[2])
        queries[key] = (body, headers, representation)
        self.queries_bytes += size
        while len(queries) > QUERY_RECENT or self.queries_bytes > QUERY_BUDGET:
            _, (_, _, dropped) = queries.popitem(last=False)
            self.queries_bytes -= _size(dropped)

    def _restart(self) -> None:
        """The store moved to a new generation (a re-ingest): what was precomputed may be
        stale. Drop it, date new answers from now, and precompute again meanwhile."""
        self.table = {}
        self.recent = OrderedDict()
        self.queries = OrderedDict()
        self.queries_bytes = 0
        self.last_modified = time.time()
        if self.warming is not None:
            self.warming.cancel()
        self.warming = asyncio.create_task(self._fill())

    def _warm_on_startup(self, scope: Scope, send: Send) -> Send:
        """Start precomputing when the server starts, without making it wait.

        The server listens at once; until a resource is in the table its request
        falls through to FastAPI, which answers the same bytes. This keeps the
        precomputation (~0.2 s, mostly brotli and /openapi.json) off the time to
        the first answer.
        """

        async def startup_send(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete" and not self.warmed:
                self.warmed = True
                self.warming = asyncio.create_task(self._fill())
            elif message["type"] == "lifespan.shutdown.complete" and self.warming:
                # Stop after the resource being asked for, not inside it: cancelled
                # mid-answer, a streamed file (a docs asset) is left open.
                self.stopping = True
                with contextlib.suppress(Exception):
                    await self.warming
            await send(message)

        return startup_send

    async def wait_warm(self) -> None:
        """Wait until the background precomputation is done (tests, benchmarks)."""
        if self.warming is not None:
            await self.warming

    async def warm(self) -> None:
        """Ask the app for every precomputed resource once and keep each 200."""
        self.warmed = True
        await self._fill()

    async def _fill(self) -> None:
        if not self.fast_path:
            return
        try:
            await self._fill_table()
        finally:
            release_free_memory()

    async def _fill_table(self) -> None:
        for path in self.paths():
            await asyncio.sleep(0)  # let requests that arrive meanwhile be served
            if self.stopping:
                return
            response = _Response()
            try:
                await self.app(_get_scope(self.api, path), _no_body(), response)
            except Exception:
                log.exception("could not precompute %s; it will be served by FastAPI", path)
                continue
            if response.status == 200 and _no_store(response.headers):
                if path in self.live_bodies:  # else FastAPI answers it every time
                    kept = [(k, v) for k, v in response.headers if k != b"content-length"]
                    headers = finish_headers(200, kept, path, None)
                    self.live[path] = (headers, self.live_bodies[path])
            elif response.status == 200:
                self.table[path] = represent(
                    response.body,
                    response.headers,
                    path=path,
                    max_age=self.max_age,
                    last_modified=self.last_modified,
                )

    async def _fall_through(self, scope: Scope, receive: Receive, send: Send) -> None:
        # HEAD is asked as GET so the ETag and Content-Length are the GET's; the
        # body is dropped on the way out. A copy: routing rewrites its scope (a mount's
        # root_path), and the finisher still needs the request as it came.
        inner = {**scope, "method": "GET"} if scope["method"] == "HEAD" else {**scope}
        finisher = _Finisher(self, scope, send, queries=self.queries)
        try:
            await self.app(inner, receive, finisher)
        except Exception:
            if not finisher.started:
                crash = errors.problem(500, errors.SERVER_ERROR_DETAIL, scope["path"])
                await finisher.send_plain(500, crash.raw_headers, bytes(crash.body))
            raise  # ServerErrorMiddleware logs it (its handler) and re-raises to the server


def release_free_memory() -> None:
    """Hand the heap's free pages back to the OS (glibc's malloc_trim; elsewhere nothing).

    Compressing the precomputed bodies (brotli's window buffers) leaves ~10 MB of
    freed heap that glibc would otherwise keep for the life of the process."""
    with contextlib.suppress(AttributeError, OSError):  # not glibc: nothing to do
        ctypes.CDLL(None).malloc_trim(0)


async def answer(
    representation: Representation, scope: Scope, send: Send, *, ranges: bool = True
) -> tuple[int, int] | None:
    """Send the variant the request negotiates: 200, or 304 when the client has it.

    Returns the status and the number of body bytes sent; None, having sent nothing,
    for a Range request when ``ranges`` (FastAPI answers those: 206, 416).
    """
    accept_encoding = b""
    if_none_match = if_modified_since = None
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            accept_encoding = value
        elif name == b"if-none-match":
            if_none_match = value
        elif name == b"if-modified-since":
            if_modified_since = value
        elif name == b"range" and ranges:
            return None
    variant = representation.select(accept_encoding)
    if if_none_match is not None:  # RFC 9110 13.2.2: If-Modified-Since is then ignored
        fresh = etag_matches(if_none_match, variant.etag)
    elif if_modified_since is not None:
        fresh = not_modified_since(if_modified_since, representation.last_modified)
    else:
        fresh = False
    if fresh:
        await send({"type": "http.response.start", "status": 304, "headers": variant.not_modified})
        await send({"type": "http.response.body", "body": b""})
        return 304, 0
    await send({"type": "http.response.start", "status": 200, "headers": variant.headers})
    body = b"" if scope["method"] == "HEAD" else variant.body
    await send_body(body, send)
    return 200, len(body)


async def answer_live(
    live: tuple[Headers, Callable[[], bytes]], scope: Scope, send: Send
) -> tuple[int, int]:
    """Send a no-store answer made now: no ETag, no 304, no coding."""
    headers, make = live
    body = make()
    length = (b"content-length", str(len(body)).encode())
    await send({"type": "http.response.start", "status": 200, "headers": [*headers, length]})
    body = b"" if scope["method"] == "HEAD" else body
    await send({"type": "http.response.body", "body": body})
    return 200, len(body)


async def send_body(body: bytes, send: Send) -> None:
    """Send ``body``; one over WHOLE_BODY in SEND_CHUNK pieces, so the server's flow
    control waits between them and a client that stops reading holds about one piece
    of bytes of its own (a body sent whole is the shared, cached one: no copy)."""
    if len(body) <= WHOLE_BODY:
        await send({"type": "http.response.body", "body": body})
        return
    for start in range(0, len(body), SEND_CHUNK):
        piece = body[start : start + SEND_CHUNK]
        more = start + SEND_CHUNK < len(body)
        await send({"type": "http.response.body", "body": piece, "more_body": more})


def finish_headers(status: int, headers: Headers, path: str, allow: str | None) -> Headers:
    """Headers of a response that is not a precomputable 200 (errors, redirects, 206...).

    ``allow`` is what the path's routes allow: the ``Allow`` of a 405.
    """
    names = {name for name, _ in headers}
    result = [(k, _relative(v) if k == b"location" else v) for k, v in headers if k != b"allow"]
    if status == 405 and allow is not None:
        result.append((b"allow", allow.encode()))
    elif b"allow" in names:
        result.append((b"allow", dict(headers)[b"allow"]))
    if status >= 400 and b"cache-control" not in names:
        result.append((b"cache-control", b"no-store"))
    result += [(k, v) for k, v in common_headers(path) if k not in names]
    return result


def _relative(location: bytes) -> bytes:
    """A redirect's target as a relative reference: Starlette builds it from the Host
    header, which the client chose (`Host: evil.example` must not come back)."""
    parts = urlsplit(location.decode("latin-1"))
    if not parts.scheme and not parts.netloc:
        return location
    path = parts.path or "/"
    return (f"{path}?{parts.query}" if parts.query else path).encode("latin-1")


@dataclass(slots=True)
class _Finisher:
    """The ``send`` FastAPI answers through: a complete 200 is buffered and
    represented (ETag, 304, coding); anything else gets its headers finished."""

    layer: HttpLayer
    scope: Scope
    send: Send
    # The layer's kept answers when the request began (see HttpLayer.keep).
    queries: OrderedDict[bytes, tuple[bytes, Headers, Representation]] | None = None
    started: bool = False
    buffering: bool = False
    replacing: bool = False
    status: int = 0
    headers: Headers = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
            lengths = [v for k, v in self.headers if k == b"content-length"]
            # A no-store answer (/health) is sent as it is: no ETag, no 304.
            self.buffering = self.status == 200 and bool(lengths) and not _no_store(self.headers)
            if self.status >= 400 and not _is_problem(self.headers):
                self.replacing = True  # a framework's plain-text error: made a problem below
                return
            if not self.buffering:
                allow = self.layer.allow(self.scope) if self.status == 405 else None
                headers = finish_headers(self.status, self.headers, self.scope["path"], allow)
                await self.send({**message, "headers": headers})
            return
        if message["type"] != "http.response.body":
            await self.send(message)
            return
        more = message.get("more_body", False)
        if self.replacing:
            self.chunks.append(message.get("body", b""))
            if not more:
                await self._send_problem()
        elif self.buffering:
            self.chunks.append(message.get("body", b""))
            if not more:
                body = b"".join(self.chunks)
                representation = self.layer.represent_now(
                    body,
                    self.headers,
                    self.scope["path"],
                    negotiated(self.scope["headers"]),  # not every coding
                )
                key = self.layer.query_key(self.scope)
                if key is not None and self.queries is not None:
                    self.layer.keep(key, body, self.headers, representation, self.queries)
                await answer(representation, self.scope, self.send, ranges=False)
        elif self.scope["method"] != "HEAD":
            await self.send(message)
        elif not more:
            await self.send({"type": "http.response.body", "body": b""})

    async def _send_problem(self) -> None:
        """The same error as a problem+json body: Starlette's own errors (StaticFiles'
        400/416 for a bad Range, ...) are plain text. A short plain-text body is kept
        as the detail; the headers that describe the error (Content-Range, Allow) stay."""
        text = b"".join(self.chunks).decode("utf-8", "replace").strip()
        plain = any(k == b"content-type" and v.startswith(b"text/plain") for k, v in self.headers)
        detail = text if plain and 0 < len(text) <= 200 else HTTPStatus(self.status).phrase
        kept = {k: v for k, v in self.headers if k in KEPT_ON_ERRORS}
        crash = errors.problem(self.status, detail, self.scope["path"])
        headers = [*crash.raw_headers, *kept.items()]
        body = bytes(crash.body)
        self.replacing = False
        self.chunks = []
        await self.send_plain(self.status, headers, body)

    async def send_plain(self, status: int, headers: Headers, body: bytes) -> None:
        await self({"type": "http.response.start", "status": status, "headers": headers})
        await self({"type": "http.response.body", "body": body})


# Headers of an error response that a problem body keeps (they describe the error).
KEPT_ON_ERRORS = frozenset({b"content-range", b"allow", b"retry-after", b"www-authenticate"})


def missing_codings(
    representation: Representation, wanted: tuple[str, ...]
) -> tuple[str, ...] | None:
    """None when the kept answer has every coding ``wanted``; else the codings to make
    it again with (those it has and those wanted: each made only once asked for)."""
    if all(c in representation.variants for c in wanted):
        return None
    return tuple(c for c in (*representation.variants, *wanted) if c != "identity")


def _size(representation: Representation) -> int:
    return sum(len(v.body) for v in representation.variants.values())


def _no_store(headers: Headers) -> bool:
    return any(k == b"cache-control" and b"no-store" in v for k, v in headers)


def _is_problem(headers: Headers) -> bool:
    problem = errors.PROBLEM_JSON.encode()
    return any(k == b"content-type" and v.startswith(problem) for k, v in headers)


@dataclass(slots=True)
class _Response:
    """Collects an in-process answer."""

    status: int = 0
    headers: Headers = field(default_factory=list)
    body: bytes = b""

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")


def _no_body() -> Receive:
    """An in-process request's ``receive``: an empty body, then no disconnect ever.

    A streamed answer (a static file) listens for a disconnect until it is done; a
    ``receive`` that kept answering at once would keep it from ever being done.
    """
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # cancelled when the answer is complete
        raise AssertionError("unreachable")

    return receive


def _get_scope(api: Any, path: str) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
        "client": None,
        "server": None,
        "state": {},
        "app": api,
    }
