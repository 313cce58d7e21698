"""The ASGI application: ``create_app(settings)``; ``app`` is made on first use."""

from __future__ import annotations

import logging
import time
from typing import Any

from fastapi import FastAPI

from app.api import docs, errors
from app.api.routes import router
from app.config import Settings
from app.loader import load_corpus

log = logging.getLogger("app")

DESCRIPTION = """Clean, structured data from scraped Chinese news article dumps:
the article's metadata, sections and paragraphs (with character offsets into its
canonical text), numeric figures and statistics. Read-only; every error is an
RFC 9457 `application/problem+json` body."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Load and parse the data, then build the app that serves it."""
    settings = settings or Settings()
    started = time.perf_counter()
    corpus = load_corpus(
        settings.data,
        max_bytes=settings.max_file_bytes,
        primary=settings.primary,
        strict=settings.strict,
    )
    log.info(
        "loaded %d article(s), skipped %d, from %s in %.1f ms",
        len(corpus.articles),
        len(corpus.skipped),
        settings.data,
        (time.perf_counter() - started) * 1000,
    )
    app = FastAPI(
        title="Article API",
        version="0.1.0",
        description=DESCRIPTION,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.corpus = corpus
    errors.install(app)
    docs.install(app)
    app.include_router(router)
    return app


def __getattr__(name: str) -> Any:
    # `uvicorn app.main:app` works, yet importing this module loads no data.
    if name == "app":
        value = create_app()
        globals()["app"] = value
        return value
    raise AttributeError(name)
