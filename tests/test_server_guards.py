"""GuardedProtocol in-process: what it inlines of uvicorn is still uvicorn's, and an
idle keep-alive connection is closed by the deadline sweep (no timer per answer)."""

from __future__ import annotations

import asyncio
import hashlib
import inspect
import textwrap

import uvloop
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from app.server import SWEEP_SECONDS, GuardedProtocol, Limits
from scripts.bench_guards import REQUEST, Transport, app

# sha256 of uvicorn's callbacks whose bodies GuardedProtocol inlines (uvicorn 0.54).
# When uvicorn changes one, this fails: compare its new body with GuardedProtocol's
# copy, carry the change over, and record the new digest.
INLINED = {
    "on_message_complete": "377f9122ee6f3ab87995f6baba01667ec1e2b22543a8e09e83aa334973018f10",
    "on_response_complete": "5684fd801d0683ac20b9144e8eed8327e445236d5c1d16a02253dfb3a35b9a75",
}


def _digest(name: str) -> str:
    source = textwrap.dedent(inspect.getsource(getattr(HttpToolsProtocol, name)))
    return hashlib.sha256(source.encode()).hexdigest()


def test_uvicorn_callbacks_are_the_ones_inlined() -> None:
    for name, digest in INLINED.items():
        assert _digest(name) == digest, (
            f"uvicorn's HttpToolsProtocol.{name} changed: GuardedProtocol.{name} inlines"
            " its body; carry the change over and record the new digest"
        )


def _connect(keep_alive: int) -> tuple[GuardedProtocol, ServerState, Transport]:
    """A guarded connection on a stand-in transport (call within a running loop)."""
    config = Config(app=app, access_log=False, log_level="warning", timeout_keep_alive=keep_alive)
    config.load()
    state = ServerState()
    GuardedProtocol.configure(Limits(request_timeout=30.0))
    protocol = GuardedProtocol(config=config, server_state=state, app_state={})
    transport = Transport()
    protocol.connection_made(transport)  # type: ignore[arg-type]
    return protocol, state, transport


async def _answer(protocol: GuardedProtocol, state: ServerState) -> None:
    protocol.data_received(REQUEST)
    while state.tasks:
        await asyncio.gather(*state.tasks)


async def _idle_connection(keep_alive: int) -> tuple[Transport, float]:
    """One request answered on a guarded connection; then how long after the answer
    the connection was closed (or the time waited, if it never was)."""
    protocol, state, transport = _connect(keep_alive)
    await _answer(protocol, state)
    assert transport.written > 40_000  # answered
    assert protocol.timeout_keep_alive_task is None  # no timer armed per answer
    loop = asyncio.get_running_loop()
    answered = loop.time()
    while not transport.closing and loop.time() - answered < keep_alive + 3 * SWEEP_SECONDS:
        await asyncio.sleep(0.05)
    closed_after = loop.time() - answered
    protocol.connection_lost(None)
    return transport, closed_after


def test_an_idle_keep_alive_connection_is_closed_by_the_sweep() -> None:
    transport, closed_after = uvloop.run(_idle_connection(keep_alive=1))
    assert transport.closing
    assert 1.0 <= closed_after <= 1.0 + 2 * SWEEP_SECONDS  # the deadline, kept by the sweep
    assert not GuardedProtocol.live  # nothing left for the sweep


def test_a_new_request_clears_the_idle_deadline() -> None:
    async def run() -> Transport:
        protocol, state, transport = _connect(keep_alive=1)
        for _ in range(4):  # a request every 0.6 s: never idle for the 1 s keep-alive
            await _answer(protocol, state)
            await asyncio.sleep(0.6)
        assert not transport.closing
        protocol.connection_lost(None)
        return transport

    transport = uvloop.run(run())
    assert transport.written > 4 * 40_000
