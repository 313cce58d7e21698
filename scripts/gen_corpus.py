"""Generate a synthetic corpus: variations of the bundled article, written at run time.

    .venv/bin/python scripts/gen_corpus.py 1000 /tmp/corpus-1k [--seed 7]

Each variant shuffles the three headed sections, changes the Arabic numbers in the
body, and gives the metadata residue a new article id and date; the byline, the
source line and one "project code" phrase vary too, so filters and a rare search
term have something to find (`项目代号<code>` occurs in exactly one article).
The output is for benchmarks and tests; it is never committed.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "data" / "000_bd4049ec00aa3a8d.txt"

# The seed's layout (1-based line numbers): header 1-4, lead 5-6, three sections
# 7-12, 13-22, 23-27, closing paragraph + byline 28-30, date 31, residue 32-33, chrome.
SECTION_SPANS = ((6, 12), (12, 22), (22, 27))
# An Arabic number in body text (`534个`, `12.5万元`); years such as 2021 are left alone.
NUMBER = re.compile(r"(?<![0-9.])(?!20[0-9]{2})[0-9]+(?:\.[0-9]+)?")
AUTHORS = ("邓志强", "李明", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊")
SOURCES = ("", "云溪区融媒体中心", "岳阳日报", "湖南日报")
# Han digits spell a variant's unique code: a rare search term made of Chinese text.
CODE_DIGITS = "零一二三四五六七八九"


def code(index: int) -> str:
    """The variant's unique project code, e.g. 7 -> 甲七 (甲 keeps codes prefix-free)."""
    return "甲" + "".join(CODE_DIGITS[int(d)] for d in str(index)) + "乙"


def variant(seed_lines: list[str], index: int, rng: random.Random) -> str:
    """One synthetic article built from the seed's lines."""
    lines = list(seed_lines)
    header, lead = lines[:4], lines[4:6]
    sections = [lines[a:b] for a, b in SECTION_SPANS]
    rng.shuffle(sections)
    closing, tail = lines[27:30], lines[30:]

    def renumber(line: str) -> str:
        return NUMBER.sub(lambda m: str(max(1, int(float(m.group()) * rng.uniform(0.5, 2)))), line)

    body = [renumber(line) for line in [*lead, *(s for sec in sections for s in sec)]]
    body[1] += f"项目代号{code(index)}由区委统筹推进。"
    article_id = 10_000 + index
    year = rng.choice((2019, 2020, 2021, 2022))
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    date = f"{year}-{month:02d}-{day:02d}"
    header[2] = f"来源:{rng.choice(SOURCES)}"
    closing = [line.replace("邓志强", rng.choice(AUTHORS)) for line in closing]
    residue = [
        line.replace("2021-06-04", date)
        .replace("202106/04", f"{year}{month:02d}/{day:02d}")
        .replace("4980", str(article_id))
        for line in tail
    ]
    return "\n".join([*header, *body, *closing, *residue]) + "\n"


def generate(count: int, folder: Path, seed: int = 7) -> list[Path]:
    """Write ``count`` variants into ``folder`` as ``00000.txt``...; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    seed_lines = SEED.read_text(encoding="utf-8").split("\n")
    paths = []
    for index in range(count):
        path = folder / f"{index:05d}.txt"
        path.write_text(variant(seed_lines, index, rng), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.count, args.folder, args.seed)
    print(f"wrote {args.count} articles to {args.folder}")


if __name__ == "__main__":
    main()
