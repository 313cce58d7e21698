"""The access log: a pure-ASGI middleware that writes one JSON line per HTTP request.

It is the outermost layer the app adds (``create_app`` registers it last), so it sees
every request, including those answered by layers below it, and it times the whole
response. ``ARTICLE_ACCESS_LOG=false`` / ``--no-access-log`` leaves it out entirely.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("app.access")


class AccessLogMiddleware:
    """Logs method, path, query (if any), status, duration_ms, bytes and client to
    ``app.access`` once the response is sent, or once the app has failed."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not log.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
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
            fields: dict[str, Any] = {
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                "bytes": size,
            }
            query = scope.get("query_string", b"")
            if query:
                # A raw query string is percent-encoded ASCII; latin-1 never fails on it.
                fields["query"] = query.decode("latin-1")
            client = scope.get("client")
            if client:
                fields["client"] = client[0]
            # makeRecord + handle is log.info without its caller lookup (a walk up the
            # stack, ~a third of the line's cost): the caller is always this line.
            record = log.makeRecord(
                log.name,
                logging.INFO,
                __file__,
                0,
                "%s %s %d",
                (fields["method"], fields["path"], status),
                None,
                extra={"fields": fields},
            )
            log.handle(record)
