"""Benchmark: what the JSON access log costs, in requests/s with it on and off.

    .venv/bin/python scripts/bench_logging.py [--requests 5000] [--rounds 3]
    .venv/bin/python scripts/bench_logging.py --wrk [--seconds 5] [--rounds 3]

In-process (default): the ASGI app is called directly, no sockets, so the figure is
the app's own throughput and the difference is the log line alone (formatting it as
JSON and writing it to a file: /dev/null, as stdout is under a log collector).

``--wrk``: a live ``article-api serve`` on 127.0.0.1, pinned to core 0 with taskset,
loaded by wrk pinned to core 1 (1 thread, 16 connections, bounded in time); the
server's stdout goes to /dev/null. Rounds alternate on/off so drift hits both alike;
the median round is reported.
"""

from __future__ import annotations

import argparse
import asyncio
import logging.config
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from starlette.types import Message

from app.config import Settings
from app.logs import logging_config
from app.main import create_app

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("/health", "/article", "/figures?kind=percent")


def asgi_rate(access_log: bool, requests: int, path: str) -> float:
    """Requests/s of the app called in-process for ``path``."""
    app = create_app(Settings(data=ROOT / "data", cache_dir=None, access_log=access_log))
    raw_path, _, query = path.partition("?")
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1"), (b"accept-encoding", b"gzip")],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        return None

    async def run() -> float:
        for _ in range(200):  # warm-up: the fast path fills its cache on first use
            await app(dict(scope), receive, send)
        started = time.perf_counter()
        for _ in range(requests):
            await app(dict(scope), receive, send)
        return requests / (time.perf_counter() - started)

    return asyncio.run(run())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wrk_rate(access_log: bool, seconds: int, path: str) -> float:
    """Requests/s wrk gets from a live single-worker server for ``path``."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    flag = "--access-log" if access_log else "--no-access-log"
    server_cmd = [str(Path(sys.executable).parent / "article-api"), "serve", "--port", str(port)]
    server_cmd += [flag, "--cache-dir", ""]
    with open(os.devnull, "wb") as devnull:
        server = subprocess.Popen(["taskset", "-c", "0", *server_cmd], stdout=devnull)
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1).close()
                    break
                except (urllib.error.URLError, OSError):
                    if time.monotonic() > deadline:
                        raise SystemExit("the server did not start") from None
                    time.sleep(0.1)
            result = subprocess.run(
                ["taskset", "-c", "1", "wrk", "-t1", "-c16", f"-d{seconds}s", f"{url}{path}"],
                capture_output=True,
                text=True,
                timeout=seconds + 30,
                check=True,
            )
        finally:
            server.terminate()
            server.wait(timeout=15)
    match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    if not match:
        raise SystemExit(f"cannot read wrk's output:\n{result.stdout}")
    return float(match.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wrk", action="store_true", help="live server + wrk instead")
    parser.add_argument("--requests", type=int, default=5000, help="per in-process round")
    parser.add_argument("--seconds", type=int, default=5, help="per wrk round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if args.wrk and not (shutil.which("wrk") and shutil.which("taskset")):
        raise SystemExit("--wrk needs wrk and taskset: apt-get install -y wrk util-linux")
    # The real logging config, writing to /dev/null instead of the terminal.
    devnull = open(os.devnull, "w")  # noqa: SIM115 (open for the whole run)
    sys.stdout, stdout = devnull, sys.stdout
    logging.config.dictConfig(logging_config("info"))
    mode = f"wrk, {args.seconds} s x {args.rounds}" if args.wrk else f"in-process, {args.rounds}"
    print(f"access log cost ({mode}); requests/s, median round", file=stdout)
    print(f"{'path':<24}{'on':>10}{'off':>10}{'cost':>8}", file=stdout)
    for path in PATHS:
        rates: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(args.rounds):
            for on in (True, False):
                if args.wrk:
                    rates[on].append(wrk_rate(on, args.seconds, path))
                else:
                    rates[on].append(asgi_rate(on, args.requests, path))
        on_rate, off_rate = statistics.median(rates[True]), statistics.median(rates[False])
        cost = (1 - on_rate / off_rate) * 100
        print(f"{path:<24}{on_rate:>10.0f}{off_rate:>10.0f}{cost:>7.1f}%", file=stdout)


if __name__ == "__main__":
    main()
