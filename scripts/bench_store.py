"""The corpus store at scale: ingest, re-ingest, start-up, memory, req/s and latency.

    .venv/bin/python scripts/bench_store.py 10000 [100000] [--work /tmp/bench-store]
        [--postgres | --postgres-url URL] [--datasette /path/to/venv/bin/datasette]
        [--seconds 5] [--reuse]

For each size: a realistic synthetic corpus (scripts/synth_corpus.py: articles
assembled from the sentences of every real article in the repository), generated
once into --work; `article-api ingest` from scratch and again unchanged; then
`article-api serve --store` (one worker, access log off, pinned to core 0) and wrk
(-t1 -c32, core 1) for req/s, sequential requests for latency percentiles, RSS
after 10,000 mixed requests. Each figure is printed beside a baseline from the
same run: the parse alone for ingest, reading and hashing for re-ingest, a bare
ASGI app for start-up, `/article` for the req/s of other routes. With --postgres a
PostgreSQL server is started in a temporary folder (tests/pgserver.py) and the
same is measured; --postgres-url measures a database of a server already running
instead (one size; with --reuse, a database already holding that corpus is
re-ingested, nothing changed, and the ingest row says so); --reuse keeps the SQLite
stores of an earlier run; with --datasette, Datasette serves a copy of the SQLite file
with an FTS5 index on the same paragraphs table. Not a test; the machine is
shared, so figures are noisy: compare within one run.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.loader import _parse_entry, scan  # noqa: E402
from scripts.synth_corpus import code, generate  # noqa: E402

BIN = Path(sys.executable).parent
PORT = 8761
RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
PERCENTILE = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}
# Queries: 2, 3 and 4 characters, common and rare in the synthetic corpus.
QUERIES = {
    "2 common": "发展",
    "2 rare": "汛期",
    "3 common": "新时代",
    "3 rare": "甲一二",
    "4 common": "乡村振兴",
    "4 rare": None,  # a unique project code's first 4 characters, chosen per size
}
PARSE_SAMPLE = 2000
# Authors of the synthetic corpus: ~1 article in 10,000, and ~1 in 10.
RARE_AUTHOR = "王芳"
COMMON_AUTHOR = "张三"


def run(command: list[str], **kwargs: object) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, **kwargs)  # type: ignore[call-overload]
    return time.perf_counter() - started


def parse_rate(folder: Path, workers: int = 2) -> float:
    """Articles/s of the parser alone on the first PARSE_SAMPLE files (the floor)."""
    jobs = []
    for entry in scan(folder, 2_000_000):
        if entry.data is not None:
            jobs.append((entry.file, entry.data))
        if len(jobs) >= PARSE_SAMPLE:
            break
    started = time.perf_counter()
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_parse_entry, jobs, chunksize=16))
    return len(jobs) / (time.perf_counter() - started)


def hash_seconds(folder: Path) -> float:
    """Reading and hashing every file, as an unchanged re-ingest must."""
    started = time.perf_counter()
    for entry in scan(folder, 2_000_000):
        if entry.data is not None:
            hashlib.sha256(entry.data).digest()
    return time.perf_counter() - started


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match[1]) / 1024 if match else float("nan")


def get(path: str, port: int = PORT) -> bytes:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        body: bytes = response.read()
        return body


@contextmanager
def server(
    command: list[str], port: int, probe: str
) -> Iterator[tuple[subprocess.Popen[bytes], float]]:
    """A server pinned to core 0; yields it and its seconds to the first answer."""
    started = time.perf_counter()
    process = subprocess.Popen(
        ["taskset", "-c", "0", *command],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    try:
        while True:
            try:
                get(probe, port)
                break
            except OSError:
                if process.poll() is not None or time.perf_counter() - started > 120:
                    raise RuntimeError(f"{command} did not answer") from None
                time.sleep(0.005)
        yield process, time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(path: str, seconds: int, port: int = PORT) -> float:
    command = ["taskset", "-c", "1", "wrk", "-t1", "-c32", f"-d{seconds}s"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    return float(RPS.search(out)[1])  # type: ignore[index]


def wrk_many(paths: list[str], seconds: int, port: int = PORT) -> float:
    """wrk over many paths in turn (a Lua script): with more paths than the server keeps
    ready answers, every request is a new one."""
    script = Path(f"/tmp/bench-store-paths-{os.getpid()}.lua")
    quoted = ",\n".join(json.dumps(path) for path in paths)
    script.write_text(
        f"local paths = {{\n{quoted}\n}}\nlocal i = 0\n"
        "request = function()\n  i = i + 1\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\nend\n"
    )
    try:
        command = ["taskset", "-c", "1", "wrk", "-t1", "-c32", f"-d{seconds}s", "-s", str(script)]
        out = subprocess.run(
            [*command, f"http://127.0.0.1:{port}/"], capture_output=True, text=True, check=True
        ).stdout
    finally:
        script.unlink()
    return float(RPS.search(out)[1])  # type: ignore[index]


def distinct_pairs(ids: list[str], count: int) -> list[str]:
    """``count`` distinct two-character Han queries, taken from the articles' text."""
    pairs: dict[str, None] = {}
    for article_id in ids:
        article = json.loads(get(f"/articles/{article_id}"))
        for text in article["text"].split("\n"):
            for a, b in itertools.pairwise(text):
                if "\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff":
                    pairs[a + b] = None
        if len(pairs) >= count:
            break
    return list(pairs)[:count]


def walk(first: str) -> list[str]:
    """Every page of a list by its ``next`` links (the first page's URL included)."""
    urls = [first]
    while True:
        following = json.loads(get(urls[-1]))["next"]
        if following is None:
            return urls
        urls.append(following)


def percentiles(paths: list[str], port: int = PORT, rounds: int = 1) -> tuple[float, float]:
    """p50 and p99 of sequential requests (distinct paths: a server keeps the answers of
    the most recent searches and listings, so a repeated path measures that instead)."""
    times = []
    for _ in range(rounds):
        for path in paths:
            started = time.perf_counter()
            get(path, port)
            times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.99))]


def q(text: str) -> str:
    return urllib.parse.quote(text)


def measure_server(
    label: str, store: str, ids: list[str], size: int, seconds: int
) -> dict[str, str]:
    rows: dict[str, str] = {}
    bare = [str(BIN / "python"), "-m", "uvicorn", "scripts.bench_store:bare", "--port", str(PORT)]
    serve = [str(BIN / "article-api"), "serve", "--store", store, "--port", str(PORT)]
    serve += ["--no-access-log", "--log-level", "warning"]
    with server(bare, PORT, "/") as (_, bare_s):
        pass
    with server(serve, PORT, "/health") as (process, start_s):
        rows["serve --store to first answer (s)"] = f"{start_s:.2f} (bare ASGI app: {bare_s:.2f})"
        rng = random.Random(1)
        queries = dict(QUERIES)
        queries["4 rare"] = code(size // 2)[:4]
        dates = "date_from=2019-01-01&date_to=2020-12-31"
        # Deep pages as clients reach them: the cursors of a walk through each list.
        walked = {
            name: walk(url)
            for name, url in (
                ("all", "/articles?limit=20"),
                ("dates", f"/articles?limit=20&{dates}"),
                ("rare author", f"/articles?limit=20&author={q(RARE_AUTHOR)}"),
                ("common author", f"/articles?limit=20&author={q(COMMON_AUTHOR)}"),
                ("search", f"/search?q={q(QUERIES['3 common'] or '')}&limit=20"),
            )
        }
        mixed = []
        for n in range(10_000):
            pick = n % 6
            article_id = rng.choice(ids)
            mixed.append(
                [
                    rng.choice(walked["all"]),
                    f"/articles/{article_id}",
                    f"/articles/{article_id}/sections",
                    f"/search?q={q(rng.choice([v for v in queries.values() if v]))}&limit=20",
                    "/stats/corpus",
                    rng.choice(walked["common author"]),
                ][pick]
            )
        before = rss_mb(process.pid)
        for path in mixed:
            get(path)
        after = rss_mb(process.pid)
        rows["RSS before / after 10,000 mixed requests (MB)"] = f"{before:.0f} / {after:.0f}"
        article = wrk("/article", seconds)
        rows["/article req/s (baseline)"] = f"{article:,.0f}"
        for name, path in (
            ("/articles/{id}", f"/articles/{ids[len(ids) // 2]}"),
            ("/articles/{id}/sections", f"/articles/{ids[len(ids) // 2]}/sections"),
            ("/search 2 chars, 20 hits", f"/search?q={q('发展')}&limit=20"),
        ):
            rps = wrk(path, seconds)
            rows[f"{name} req/s"] = f"{rps:,.0f} ({rps / article:.0%} of /article)"
        # The same, with a new query every request (2,000 distinct pairs, more than the
        # 512 answers a server keeps): what a search costs when nothing is kept.
        fresh = [f"/search?q={q(pair)}&limit=20" for pair in distinct_pairs(ids, 2000)]
        rps = wrk_many(fresh, seconds)
        rows["/search 2 chars, 20 hits, a new query each (2,000 distinct) req/s"] = (
            f"{rps:,.0f} ({rps / article:.0%} of /article)"
        )
        for name, query in queries.items():
            assert query is not None
            # Each request its own (an ignored parameter): none is a kept answer.
            p50, p99 = percentiles([f"/search?q={q(query)}&limit=20&n={n}" for n in range(200)])
            total = json.loads(get(f"/search?q={q(query)}&limit=1")).get("total")
            rows[f"/search {name} ({query}, {total} hits) p50 / p99 ms"] = f"{p50:.1f} / {p99:.1f}"
        # Random depths: keyset tokens from the walks, and offsets (the old cursor, the
        # baseline of the same run), over the same lists. The walks made those pages
        # kept answers: a distinct parameter each keeps the measure off them.

        def distinct(paths: list[str], count: int) -> list[str]:
            picked = rng.sample(paths, min(count, len(paths)))
            return [f"{path}&m={n}" for n, path in enumerate(picked)]

        lines = {
            "/articles page, keyset token": distinct(walked["all"], 200),
            "/articles page, offset cursor (baseline)": [
                f"/articles?limit=20&cursor={rng.randrange(0, size - 20)}" for _ in range(200)
            ],
            "/articles filtered (dates; a rare and a common author), keyset token": [
                path
                for name in ("dates", "rare author", "common author")
                for path in distinct(walked[name], 67)
            ],
            "/articles filtered (dates; a rare and a common author), offset (baseline)": [
                f"/articles?limit=20&{filters}&cursor={rng.randrange(0, max(1, 20 * (pages - 1)))}"
                for filters, pages in (
                    (dates, len(walked["dates"])),
                    (f"author={q(RARE_AUTHOR)}", len(walked["rare author"])),
                    (f"author={q(COMMON_AUTHOR)}", len(walked["common author"])),
                )
                for _ in range(67)
            ],
            # A new filter each time: every total is counted, none comes from the cache.
            "/articles filtered, a new date range each (total uncached)": [
                f"/articles?limit=20&date_from={2000 + n // 12}-{1 + n % 12:02d}-01"
                f"&date_to=2024-12-{1 + n % 28:02d}"
                for n in range(200)
            ],
            f"/search 3 common ({QUERIES['3 common']}) deep page, keyset token": distinct(
                walked["search"], 200
            ),
            f"/search 3 common ({QUERIES['3 common']}) deep page, offset (baseline)": [
                f"/search?q={q(QUERIES['3 common'] or '')}&limit=20"
                f"&cursor={rng.randrange(0, 20 * len(walked['search']))}"
                for _ in range(200)
            ],
        }
        for name, paths in lines.items():
            p50, p99 = percentiles(paths)
            rows[f"{name} p50 / p99 ms"] = f"{p50:.1f} / {p99:.1f}"
    return {f"{label}: {k}": v for k, v in rows.items()}


async def bare(scope: dict[str, object], receive: object, send: object) -> None:
    """The baseline server: a bare ASGI app that answers one small body."""
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": []})  # type: ignore[operator]
    await send({"type": "http.response.body", "body": b"{}"})  # type: ignore[operator]


def datasette(ds_bin: Path, db: Path, work: Path, seconds: int) -> dict[str, str]:
    """Datasette on a copy of the SQLite file, with FTS5 over the same paragraphs table."""
    copy = work / "datasette.db"
    shutil.copy(db, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS paras_ds USING fts5"
            "(text, content='paras', content_rowid='pid', tokenize='trigram')"
        )
        conn.execute("INSERT INTO paras_ds(paras_ds) VALUES ('rebuild')")
    rows = {}
    port = PORT + 1
    command = [
        str(ds_bin),
        "serve",
        str(copy),
        "--port",
        str(port),
        "--setting",
        "sql_time_limit_ms",
        "5000",
    ]
    with server(command, port, "/-/versions.json") as (_, start_s):
        rows["Datasette: start to first answer (s)"] = f"{start_s:.2f}"
        search3 = (
            f"/datasette/paras.json?_search={q('新时代')}&_fts_table=paras_ds&_fts_pk=pid&_size=20"
        )
        like = q("text like '%发展%'")
        search2 = f"/datasette/paras.json?_where={like}&_size=20"
        listing = "/datasette/articles.json?_sort=sortkey&_size=20&_col=id&_col=summary"
        for name, path in (
            ("/search-equivalent, 3 chars (_search on FTS5 trigram)", search3),
            ("/search-equivalent, 2 chars (text LIKE, no index can serve it)", search2),
            ("listing, 20 rows by sortkey", listing),
        ):
            try:
                get(path, port)
                rows[f"Datasette: {name} req/s"] = f"{wrk(path, seconds, port):,.0f}"
            except OSError as exc:
                rows[f"Datasette: {name} req/s"] = f"failed: {exc}"
    return rows


def _articles_in(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        exists = conn.execute("SELECT to_regclass('articles') IS NOT NULL").fetchone()
        if not (exists and exists[0]):
            return 0
        row = conn.execute("SELECT count(*) FROM articles").fetchone()
    return int(row[0]) if row else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes", type=int, nargs="+")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-store"))
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--postgres-url", help="a database to ingest into and serve")
    parser.add_argument("--datasette", type=Path)
    parser.add_argument("--reuse", action="store_true", help="keep stores built by an earlier run")
    args = parser.parse_args()
    if args.postgres_url and (args.postgres or len(args.sizes) > 1):
        parser.error("--postgres-url measures one size, instead of --postgres")
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[str, str] = {}
    pg = None
    if args.postgres:
        from tests.pgserver import PostgresServer, bin_dir

        bindir = bin_dir()
        assert bindir is not None, "PostgreSQL binaries not found"
        pg = PostgresServer(bindir)
    try:
        for size in args.sizes:
            folder = args.work / f"c{size // 1000}k"
            if not folder.is_dir() or len(os.listdir(folder)) < size:
                generate(size, folder)
            db = args.work / f"s{size // 1000}k.db"
            label = f"{size:,}"
            if not (args.reuse and db.exists()):
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
                took = run(
                    [str(BIN / "article-api"), "ingest", str(folder), "--store", str(db)],
                    stderr=subprocess.DEVNULL,
                )
                rate = parse_rate(folder)
                results[f"{label}: ingest from scratch, SQLite"] = (
                    f"{took:.0f} s, {size / took:,.0f} articles/s"
                    f" (parse alone, 2 processes: {rate:,.0f}/s)"
                )
            again = run(
                [str(BIN / "article-api"), "ingest", str(folder), "--store", str(db)],
                stderr=subprocess.DEVNULL,
            )
            results[f"{label}: re-ingest, nothing changed"] = (
                f"{again:.1f} s (reading and hashing alone: {hash_seconds(folder):.1f} s)"
            )
            text_mb = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
            results[f"{label}: SQLite file (MB)"] = (
                f"{db.stat().st_size / 1e6:,.0f} (the text files: {text_mb:,.0f})"
            )
            with sqlite3.connect(db) as conn:
                ids = [row[0] for row in conn.execute("SELECT id FROM articles")]
            results.update(measure_server(f"{label} SQLite", str(db), ids, size, args.seconds))
            url = args.postgres_url or (pg.database() if pg is not None else None)
            if url is not None:
                held = bool(args.reuse and args.postgres_url and _articles_in(url))
                took = run(
                    [str(BIN / "article-api"), "ingest", str(folder), "--store", url],
                    stderr=subprocess.DEVNULL,
                )
                what = (
                    "re-ingest (a reused database), PostgreSQL"
                    if held
                    else "ingest from scratch, PostgreSQL"
                )
                results[f"{label}: {what}"] = f"{took:.0f} s, {size / took:,.0f} articles/s"
                results.update(measure_server(f"{label} PostgreSQL", url, ids, size, args.seconds))
            if args.datasette:
                results.update(
                    {
                        f"{label} {k}": v
                        for k, v in datasette(args.datasette, db, args.work, args.seconds).items()
                    }
                )
            for key, value in results.items():
                print(f"| {key} | {value} |", flush=True)
    finally:
        if pg is not None:
            pg.stop()
    print(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
