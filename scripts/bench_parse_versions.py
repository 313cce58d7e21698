"""Parse-time of two checkouts of the parser on the same files, in one run.

    git worktree add /tmp/before <commit>
    .venv/bin/python scripts/bench_parse_versions.py /tmp/before . [--rounds 6] [FILE ...]

Each round parses every file in a fresh process per checkout, alternating, and takes
the median CPU time (``time.process_time``: steadier than wall time on a shared
machine) over ``--parses`` parses; the table gives the median over rounds and its
spread. Default file: the bundled article.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "000_bd4049ec00aa3a8d.txt"
# One child process: import that checkout's parser, warm up, time the parses.
CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
from app.parsing import ArticleParseError, parse_article
raws = [open(path, "rb").read() for path in sys.argv[3:]]
def parse(raw):
    try:
        parse_article(raw)
    except ArticleParseError:
        pass  # an older parser may refuse a file the newer one reads: time it all the same
for raw in raws:
    for _ in range(10):
        parse(raw)
times = []
for _ in range(int(sys.argv[2])):
    start = time.process_time()
    for raw in raws:
        parse(raw)
    times.append(time.process_time() - start)
times.sort()
print(times[len(times) // 2] * 1000 / len(raws))
"""


def run(checkout: str, parses: int, files: list[str]) -> float:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, checkout, str(parses), *files],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("files", nargs="*", default=[str(SEED)])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--parses", type=int, default=200)
    args = parser.parse_intermixed_args()
    results: dict[str, list[float]] = {args.before: [], args.after: []}
    for _ in range(args.rounds):
        for checkout in results:
            results[checkout].append(run(checkout, args.parses, args.files))
    print(f"{'checkout':<30} {'ms/parse (median)':>18} {'spread':>16}")
    for checkout, times in results.items():
        spread = f"{min(times):.2f}-{max(times):.2f}"
        print(f"{checkout:<30} {statistics.median(times):>18.2f} {spread:>16}")
    ratio = statistics.median(results[args.after]) / statistics.median(results[args.before])
    print(f"after / before: {ratio:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
