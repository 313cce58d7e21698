"""HTTP benchmark: the API (as `make run` serves it) against a bare ASGI app, same bytes.

    .venv/bin/python scripts/bench_http.py [--rounds 3] [--seconds 5]

Both servers are uvicorn (httptools + uvloop) pinned to core 0; wrk runs on core 1.
Rounds are interleaved (API, bare, API, bare...) and the best round of each is kept.
Also reports the API's start-up time to its first answered request and its RSS.
Needs `wrk` and `taskset` (apt-get install -y wrk util-linux). Not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
API_PORT, BARE_PORT = 8731, 8732
PATHS = ("/article", "/sections", "/stats")
# wrk's summary lines: `Requests/sec:  12345.67` and, with --latency, `  50%  1.23ms`.
RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
PERCENTILE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def bare_app(recorded: dict[str, Any]) -> Any:
    """An ASGI app that answers the recorded paths with the recorded bytes, and nothing else."""
    table = {
        path: (
            [(k.encode(), v.encode()) for k, v in item["headers"]],
            bytes.fromhex(item["body"]),
            item["etag"].encode(),
        )
        for path, item in recorded.items()
    }

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers, body, etag = table[scope["path"]]
        if (b"if-none-match", etag) in scope["headers"]:
            await send({"type": "http.response.start", "status": 304, "headers": headers[:-1]})
            await send({"type": "http.response.body", "body": b""})
            return
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    return app


def serve_bare(recorded_file: str) -> None:
    import uvicorn

    recorded = json.loads(Path(recorded_file).read_text())
    # The same uvicorn options as `article-api serve` (app/cli.py) uses by default.
    uvicorn.run(bare_app(recorded), host="127.0.0.1", port=BARE_PORT, access_log=False)


def wait_until_up(port: int, started: float, timeout: float = 20.0) -> float:
    while time.perf_counter() - started < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=1) as response:
                response.read()
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.005)
    raise RuntimeError(f"nothing answered on port {port}")


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match[1]) / 1024 if match else float("nan")


def record(port: int) -> dict[str, Any]:
    recorded = {}
    for path in PATHS:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}") as response:
            # urllib asks with `Connection: close`, so the answer says so too: a bare
            # app that replayed that hop-by-hop header would make wrk reconnect for
            # every request. Only end-to-end headers are replayed.
            skip = {"date", "server", "content-length", "etag", "connection", "keep-alive"}
            headers = [(k.lower(), v) for k, v in response.headers.items() if k.lower() not in skip]
            body = response.read()
            headers += [("etag", response.headers["etag"]), ("content-length", str(len(body)))]
            recorded[path] = {
                "headers": headers,
                "body": body.hex(),
                "etag": response.headers["etag"],
            }
    return recorded


def wrk(port: int, path: str, seconds: int, etag: str | None) -> tuple[float, float, float]:
    command = ["taskset", "-c", "1", "wrk", "-t1", "-c32", f"-d{seconds}s", "--latency"]
    if etag:
        command += ["-H", f"If-None-Match: {etag}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    rps = float(RPS.search(out)[1])  # type: ignore[index]
    latency = {m[1]: float(m[2]) * UNIT_MS[m[3]] for m in PERCENTILE.finditer(out)}
    return rps, latency["50"], latency["99"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument(
        "--no-access-log", action="store_true", help="serve the API without its access log"
    )
    parser.add_argument("--serve-bare", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return 0
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    started = time.perf_counter()
    api = subprocess.Popen(
        ["taskset", "-c", "0", str(BIN / "article-api"), "serve", "--port", str(API_PORT)]
        + (["--no-access-log"] if args.no_access_log else []),
        cwd=ROOT,
        **quiet,
    )  # type: ignore[call-overload]
    procs = [api]
    try:
        startup = wait_until_up(API_PORT, started)
        recorded = record(API_PORT)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
            json.dump(recorded, file)
        bare = subprocess.Popen(
            ["taskset", "-c", "0", sys.executable, __file__, "--serve-bare", file.name], **quiet
        )  # type: ignore[call-overload]
        procs.append(bare)
        wait_until_up(BARE_PORT, time.perf_counter())
        cases = [(p, None) for p in PATHS] + [
            ("/stats", recorded["/stats"]["etag"]),
            ("/article", recorded["/article"]["etag"]),
        ]
        for port in (API_PORT, BARE_PORT):  # warm-up: first runs after idle are slower
            wrk(port, "/stats", 2, None)
        best: dict[tuple[str, str | None, int], tuple[float, float, float]] = {}
        for _ in range(args.rounds):
            for path, etag in cases:
                for port in (API_PORT, BARE_PORT):
                    result = wrk(port, path, args.seconds, etag)
                    key = (path, etag, port)
                    if key not in best or result[0] > best[key][0]:
                        best[key] = result
        rss = rss_mb(api.pid)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait()
    print(f"start-up to first answer: {startup:.2f} s; RSS after the run: {rss:.0f} MB\n")
    print("| request | API req/s | bare req/s | API/bare | API p50 / p99 ms | bare p50 / p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for path, etag in cases:
        a, b = best[(path, etag, API_PORT)], best[(path, etag, BARE_PORT)]
        name = f"`{path}`" + (" 304 (If-None-Match)" if etag else "")
        print(
            f"| {name} | {a[0]:,.0f} | {b[0]:,.0f} | {a[0] / b[0]:.0%} "
            f"| {a[1]:.2f} / {a[2]:.2f} | {b[1]:.2f} / {b[2]:.2f} |"
        )
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    raise SystemExit(main())
