"""Benchmark: parse time of the seed and time from process start to first answer.

    .venv/bin/python scripts/bench.py [--runs 200] [--starts 5]

Each figure comes with a baseline measured in the same run:
- parsing is compared with the floor of any parser: decoding the bytes and
  splitting them into lines;
- start-up is compared with uvicorn serving a bare ASGI app (scripts/bare_app.py).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "000_bd4049ec00aa3a8d.txt"
sys.path.insert(0, str(ROOT))

from app.parsing import parse_article  # noqa: E402 - after the path set-up above
from app.parsing.figures import extract_figures  # noqa: E402


def median_ms(func: Callable[[], object], runs: int) -> float:
    for _ in range(min(20, runs)):  # warm-up: imports, regex caches
        func()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def first_answer_s(command: list[str], port: int, path: str) -> float:
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = start + 20
        while time.perf_counter() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}{path}", timeout=1
                ) as response:
                    response.read()
                    return time.perf_counter() - start
            except OSError:
                time.sleep(0.005)
        raise RuntimeError(f"no answer from {command} within 20 s")
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()
    raw = SEED.read_bytes()
    article = parse_article(raw)
    located = [(None, p) for p in article.lead] + [
        (s.index, p) for s in article.sections for p in s.paragraphs
    ]
    rows = [
        ("parse_article(seed)", median_ms(lambda: parse_article(raw), args.runs)),
        ("  figures only", median_ms(lambda: extract_figures(article.text, located), args.runs)),
        (
            "  baseline: decode + split lines",
            median_ms(lambda: raw.decode().split("\n"), args.runs),
        ),
    ]
    print(f"{f'parsing (median of {args.runs})':<40} {'ms':>8}")
    for name, value in rows:
        print(f"{name:<40} {value:>8.3f}")

    python = sys.executable
    api, bare = [], []
    for _ in range(args.starts):  # interleaved, so both see the same machine state
        port = free_port()
        api.append(
            first_answer_s([python, "-m", "app", "serve", "--port", str(port)], port, "/article")
        )
        port = free_port()
        bare.append(
            first_answer_s(
                [
                    python,
                    "-m",
                    "uvicorn",
                    "scripts.bare_app:app",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                port,
                "/",
            )
        )
    print(f"\n{f'start-up to first answer (median of {args.starts})':<40} {'s':>8}")
    print(f"{'article-api serve -> GET /article':<40} {statistics.median(api):>8.3f}")
    print(f"{'  baseline: uvicorn + bare ASGI app':<40} {statistics.median(bare):>8.3f}")


if __name__ == "__main__":
    main()
