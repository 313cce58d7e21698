"""What the server guards cost per request, in-process: uvicorn's HttpToolsProtocol
against app/server.py's GuardedProtocol, the same request and the same ASGI app.

    .venv/bin/python scripts/bench_guards.py [--requests 20000] [--rounds 5]

Each protocol gets a stand-in transport (no socket, no kernel) and answers
``GET /article`` with a recorded-size body from a bare ASGI app, one request after
the other on one keep-alive connection; the best round of each is kept (rounds
alternate). The difference is the guards' CPU per request, measured as this process's CPU
time, which a loaded machine blurs less than wrk's requests/s. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

import uvloop
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from app.server import GuardedProtocol, Limits

REQUEST = b"GET /article HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: bench\r\n\r\n"
BODY = b"x" * 40_000  # /article is ~40 KB as identity


class Transport:
    """Just enough of an asyncio transport: writes are counted and dropped."""

    def __init__(self) -> None:
        self.written = 0
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written += len(data)

    def close(self) -> None:
        self.closing = True

    def abort(self) -> None:
        self.closing = True

    def is_closing(self) -> bool:
        return self.closing

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default
        )

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def get_write_buffer_size(self) -> int:
        return 0


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    headers = [(b"content-type", b"application/json"), (b"content-length", b"40000")]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": BODY})


async def one_round(cls: type[HttpToolsProtocol], requests: int) -> float:
    config = Config(app=app, access_log=False, log_level="warning")
    config.load()
    state = ServerState()
    protocol = cls(config=config, server_state=state, app_state={})
    transport = Transport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    started = time.process_time()  # CPU time: what another process's load blurs least
    for _ in range(requests):
        protocol.data_received(REQUEST)
        while state.tasks:
            await asyncio.gather(*state.tasks)
    elapsed = time.process_time() - started
    protocol.connection_lost(None)
    return elapsed / requests * 1e6  # µs per request


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    GuardedProtocol.configure(Limits())
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        for name, cls in (("uvicorn", HttpToolsProtocol), ("guarded", GuardedProtocol)):
            cost = uvloop.run(one_round(cls, args.requests))
            best[name] = min(best.get(name, cost), cost)
    bare, guarded = best["uvicorn"], best["guarded"]
    print(f"uvicorn HttpToolsProtocol: {bare:.2f} µs/request (best of {args.rounds})")
    print(f"GuardedProtocol:           {guarded:.2f} µs/request")
    print(f"guards: {guarded - bare:+.2f} µs/request ({(guarded - bare) / bare:+.1%})")


if __name__ == "__main__":
    main()
