"""Start-up, memory and latency of the real server on a synthetic corpus.

    .venv/bin/python scripts/bench_corpus.py 1000 10000 [--requests 200]

For each size: generate the corpus (scripts/gen_corpus.py) in a temp folder, start
``article-api serve`` on 127.0.0.1 with an empty cache (cold) and again with the
snapshot it wrote, time each start to the first answer of /health, read the
server's resident memory, and time /articles pages and /search for a common and
a rare term. Also compares decoding the snapshot as JSON and as pickle.
"""

from __future__ import annotations

import argparse
import os
import pickle
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.gen_corpus import code, generate

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / ".venv" / "bin" / "article-api"
START_TIMEOUT_S = 300


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def server(data: Path, cache: Path) -> Iterator[tuple[str, float, subprocess.Popen[bytes]]]:
    port = free_port()
    env = {**os.environ, "ARTICLE_CACHE_DIR": str(cache), "ARTICLE_ACCESS_LOG": "false"}
    command = [str(SERVE), "serve", "--data", str(data), "--port", str(port)]
    start = time.perf_counter()
    process = subprocess.Popen(
        [*command, "--log-level", "warning"], env=env, stdout=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            if time.perf_counter() - start > START_TIMEOUT_S or process.poll() is not None:
                raise RuntimeError("server did not start")
            try:
                httpx.get(f"{base}/health", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield base, time.perf_counter() - start, process
    finally:
        process.terminate()
        process.wait(10)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def latencies(client: httpx.Client, urls: list[str]) -> tuple[float, float]:
    times = []
    for url in urls:
        t = time.perf_counter()
        client.get(url).raise_for_status()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def snapshot_formats(cache: Path) -> tuple[float, float]:
    """Seconds to decode the snapshot's entries as JSON, and as pickle of model dumps."""
    from app.snapshot import SnapshotFile

    (file,) = cache.glob("corpus-*.json")
    raw = file.read_bytes()
    t = time.perf_counter()
    snap = SnapshotFile.model_validate_json(raw)
    json_s = time.perf_counter() - t
    pickled = pickle.dumps(snap.model_dump())
    t = time.perf_counter()
    SnapshotFile.model_validate(pickle.loads(pickled))
    return json_s, time.perf_counter() - t


def bench(size: int, requests: int) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        data, cache = Path(tmp) / "data", Path(tmp) / "cache"
        generate(size, data)
        with server(data, cache) as (_, cold, _process):
            pass
        with server(data, cache) as (base, warm, process), httpx.Client(base_url=base) as client:
            rss = rss_mb(process.pid)
            pages = [f"/articles?limit=20&cursor={(i * 20) % size}" for i in range(requests)]
            common = [f"/search?q=党史&cursor={(i % 10) * 20}" for i in range(requests)]
            rare = [f"/search?q=项目代号{code((i * 37) % size)}" for i in range(requests)]
            absent = ["/search?q=不存在的词语" for _ in range(requests)]
            rows = {
                "articles": f"{size:,}",
                "cold start (s)": f"{cold:.1f}",
                "start with snapshot (s)": f"{warm:.1f}",
                "RSS (MB)": f"{rss:.0f}",
            }
            for name, urls in [
                ("/articles page", pages),
                ("/search common (党史)", common),
                ("/search rare (1 article)", rare),
                ("/search absent", absent),
            ]:
                p50, p99 = latencies(client, urls)
                rows[f"{name} p50 / p99 (ms)"] = f"{p50:.1f} / {p99:.1f}"
        json_s, pickle_s = snapshot_formats(cache)
        rows["snapshot decode JSON / pickle (s)"] = f"{json_s:.2f} / {pickle_s:.2f}"
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    results = [bench(size, args.requests) for size in args.sizes]
    print("| measure | " + " | ".join(r["articles"] + " articles" for r in results) + " |")
    print("| --- |" + " --- |" * len(results))
    for key in results[0]:
        if key != "articles":
            print(f"| {key} | " + " | ".join(r[key] for r in results) + " |")


if __name__ == "__main__":
    main()
