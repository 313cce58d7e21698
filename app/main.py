"""The ASGI application: ``create_app(settings)``; ``app`` is made on first use."""

from __future__ import annotations

import logging
import shutil
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api import corpus as corpus_api
from app.api import docs, errors
from app.api.accesslog import AccessLogMiddleware
from app.api.fastpath import HttpLayer
from app.api.openapi import finish_document
from app.api.routes import router
from app.config import Settings
from app.server import GuardedProtocol, limits_of
from app.store import open_store, serving
from app.store.serving import StoreCorpus, prepare

log = logging.getLogger("app")

DESCRIPTION = """Clean, structured data from scraped Chinese news article dumps:
the article's metadata, sections and paragraphs (with character offsets into its
canonical text), numeric figures and statistics. Read-only; every error is an
RFC 9457 `application/problem+json` body.

HTTP, on every GET:

- **ETag** (strong; `-br`/`-gzip` suffix per content coding) and **Last-Modified**
  (when the data was loaded) on every 200. `If-None-Match` (or, without it,
  `If-Modified-Since`) answers **304 Not Modified** with an empty body.
- **Cache-Control**: `public, max-age=300` (the `ARTICLE_CACHE_MAX_AGE` setting) on a
  200, `no-store` on errors.
- **Link** on the paged lists (/articles, /search): `rel="next"` and `rel="first"`,
  relative references, like `next`; pass `next_cursor` back as `cursor` instead of
  parsing them. CORS exposes ETag, Allow and Link.
- HEAD works wherever GET does; OPTIONS answers 204 with **Allow**; any other method
  is a **405** problem with `Allow: GET, HEAD, OPTIONS`.
- `br` or `gzip` by `Accept-Encoding` for bodies of 512 bytes or more.

Offsets (`start`, `end`, `highlights`) count Unicode code points (not UTF-16 code
units, not bytes) from 0; `end` is exclusive. Each offset field says which string it
indexes."""


class ArticleAPI(FastAPI):
    """FastAPI, entered through the service's own ASGI front layers.

    ``create_app`` still returns a FastAPI app (routes, OpenAPI, TestClient all work as
    usual), but a request reaches FastAPI's middleware stack only when the front
    layers pass it on. Measured with wrk, a precomputed answer served from inside the
    stack (via ``add_middleware``) reached ~55% of a bare ASGI app's requests/s; from
    the front, the bare app's rate.
    """

    front: ASGIApp | None = None
    http_layer: HttpLayer | None = None

    async def core(self, scope: Scope, receive: Receive, send: Send) -> None:
        """FastAPI itself: what the front layers fall through to."""
        await super().__call__(scope, receive, send)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await (self.front or self.core)(scope, receive, send)

    def openapi(self) -> dict[str, Any]:
        """FastAPI's document, with the shared enum components and the HTTP layer's
        headers and 304s (app/api/openapi.py)."""
        if self.openapi_schema is None:
            self.openapi_schema = finish_document(super().openapi())
        return self.openapi_schema


def create_app(settings: Settings | None = None) -> ArticleAPI:
    """Ingest the data into its store (or open a store as it is), then build the app
    that serves it."""
    settings = settings or Settings()
    started = time.perf_counter()
    # Ingest the data folder into its store (only what changed), unless a store is
    # served as it is; then serve from the store (app/store/).
    target, report = prepare(settings)
    corpus = StoreCorpus(
        open_store(target, readonly=True), primary=settings.primary, strict=settings.strict
    )
    load_ms = round((time.perf_counter() - started) * 1000, 1)
    loaded, skipped = corpus.health
    source = str(settings.data) if report is not None else corpus.store.target
    log.info(
        "loaded %d article(s), skipped %d, from %s in %.1f ms",
        loaded,
        skipped,
        source,
        load_ms,
        extra={
            "fields": {
                "event": "startup",
                "data": source,
                # Counts, not file lists: a line per start-up must stay one readable line
                # at 10,000 files. Every skipped file is logged on its own by the loader
                # and listed at /articles/skipped.
                "loaded": loaded,
                "skipped": skipped,
                "primary": corpus.primary_file_name,
                "parsed": report.parsed if report is not None else 0,
                "load_ms": load_ms,
            }
        },
    )
    app = ArticleAPI(
        lifespan=_removing(serving.temporary_folder(target)),
        title="Article API",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        # FastAPI's OpenTelemetry bridge checks for a configured provider on every
        # request (~10 µs, half of the in-process cost of a precomputed answer); this
        # service exports no traces or metrics, so it is switched off.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    app.state.settings = settings
    # The server's guards read their limits from here, in every worker process.
    GuardedProtocol.configure(limits_of(settings))
    errors.install(app)
    docs.install(app)
    app.include_router(router)
    corpus_api.install(app, corpus)
    # The service's own ASGI layers stand in front of all of FastAPI (see ArticleAPI):
    # precomputed answers, ETags, 304s, compression, CORS and security headers
    # (app/api/fastpath.py; Last-Modified is the load time), and outermost the access
    # log, so it sees and times every answer, the precomputed ones included.
    layer = HttpLayer(
        app.core,
        api=app,
        max_age=settings.cache_max_age,
        last_modified=time.time(),
        live_bodies=corpus_api.live_bodies(corpus),
    )
    app.http_layer = layer
    app.front = AccessLogMiddleware(layer, precomputed=layer) if settings.access_log else layer
    return app


def _removing(folder: Path | None) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """A lifespan that removes ``folder`` (a store in a temporary folder) at shutdown:
    a server stopped by SIGTERM never runs atexit (uvicorn raises the signal again)."""

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        yield
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    return lifespan


def __getattr__(name: str) -> Any:
    # `uvicorn app.main:app` works, yet importing this module loads no data.
    if name == "app":
        value = create_app()
        globals()["app"] = value
        return value
    raise AttributeError(name)
