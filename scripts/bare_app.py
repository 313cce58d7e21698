"""A bare ASGI app that answers every request with the same JSON bytes: the baseline."""

from __future__ import annotations

from typing import Any

BODY = b'{"title":"\xe4\xbc\xa0\xe6\x89\xbf"}'


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(BODY)),
            ],
        }
    )
    await send({"type": "http.response.body", "body": BODY})
