"""What the store's reads cost, in-process: SQLite (the baseline) beside PostgreSQL.

    .venv/bin/python scripts/bench_store_reads.py --sqlite S.db --postgres URL
        [--size 10000] [--requests 300] [--code DIR]

Both stores must hold the same corpus (``article-api ingest`` of one folder into each,
e.g. the ones ``scripts/bench_store.py`` builds). For each read a route makes (a search
page of 20 hits for the queries of bench_store.py, a listing page, an article by id),
the p50 and p99 of ``--requests`` calls on the store object, after warming up: no HTTP,
no FastAPI, so what is measured is the engine and its driver, which the HTTP figures
blur by the ~1.5 ms of each request around it. Each search's total is counted once
first, as the server does (it keeps totals per generation). ``--code DIR``: import
``app`` from another checkout (a worktree of an older commit), to compare two versions
of the store in one session. Not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path


def percentiles(call: Callable[[], object], requests: int) -> tuple[float, float]:
    for _ in range(20):
        call()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite", type=Path, required=True)
    parser.add_argument("--postgres", required=True)
    parser.add_argument("--size", type=int, default=10_000, help="articles in the corpus")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--code", type=Path, help="import app from this checkout")
    args = parser.parse_args()
    root = Path(__file__).resolve().parent.parent
    sys.path.insert(0, str(args.code or root))
    sys.path.insert(1, str(root))  # scripts.* from this checkout

    from app.store.base import Filters
    from app.store.postgres import PostgresStore
    from app.store.sqlite import SQLiteStore
    from scripts.bench_store import QUERIES
    from scripts.synth_corpus import code

    queries = {**QUERIES, "4 rare": code(args.size // 2)[:4]}
    stores = {
        "SQLite": SQLiteStore(args.sqlite, readonly=True),
        "PostgreSQL": PostgresStore(args.postgres, readonly=True),
    }
    some_id = stores["SQLite"].listing(Filters(), 1).items[0].id
    rows: dict[str, dict[str, tuple[float, float]]] = {}
    for engine, store in stores.items():
        for name, query in queries.items():
            assert query is not None
            store.hit_count(query)
            rows.setdefault(f"search {name} ({query})", {})[engine] = percentiles(
                partial(store.hits, query, 20), args.requests
            )
        rows.setdefault("listing page", {})[engine] = percentiles(
            partial(store.listing, Filters(), 20), args.requests
        )
        rows.setdefault("article by id", {})[engine] = percentiles(
            partial(store.article, some_id), args.requests
        )
        store.close()
    print(f"code: {args.code or root}")
    print("| read | SQLite p50 / p99 ms | PostgreSQL p50 / p99 ms | p50 ratio |")
    print("| --- | ---: | ---: | ---: |")
    for name, by in rows.items():
        (s50, s99), (p50, p99) = by["SQLite"], by["PostgreSQL"]
        print(f"| {name} | {s50:.2f} / {s99:.2f} | {p50:.2f} / {p99:.2f} | {p50 / s50:.1f}× |")


if __name__ == "__main__":
    main()
