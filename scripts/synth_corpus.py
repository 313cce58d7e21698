"""A realistic synthetic corpus: articles assembled from many different real ones.

    .venv/bin/python scripts/synth_corpus.py 10000 /tmp/synth-10k [--seed 7]

Not copies of one article (every copy holds the same words, so search selectivity
would be fake): every real article the repository holds (``data/``,
``tests/samples/``, ``tests/corpus/`` when present) is parsed, and its titles,
headings, sentences, authors and sources go into pools. Each synthetic article
then takes its title from two different titles, its sentences from clauses of
different articles (their Arabic numbers changed), its headings, byline, source
and date at random, and one unique code (``项目代号甲…乙``: a rare search term
found in exactly one article). Ids are distinct (``content_<id>.html``).
The output is for benchmarks; it is never committed.
"""

from __future__ import annotations

import argparse
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from app.loader import scan
from app.parsing import ArticleParseError, parse_article

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "data", ROOT / "tests" / "samples", ROOT / "tests" / "corpus")
# Clauses: a sentence cut at its commas and end marks (。！？；, and , as the dumps fold it).
CLAUSE_END = re.compile(r"[,，。！？；;!?]")
# An Arabic number in a sentence (years 19xx/20xx are left alone).
NUMBER = re.compile(r"(?<![0-9.])(?!(?:19|20)[0-9]{2})[0-9]+(?:\.[0-9]+)?")
HAN_NUMERALS = "一二三四五六七八九十"
CODE_DIGITS = "零一二三四五六七八九"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华志松"
PLACES = ("云溪区", "岳阳楼区", "君山区", "华容县", "湘阴县", "平江县", "汨罗市", "临湘市")
MEDIA = ("岳阳日报", "湖南日报", "云溪区融媒体中心", "新华社", "人民网", "岳阳晚报")


@dataclass
class Pools:
    titles: list[str] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)
    clauses: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    articles: int = 0


def harvest(folders: tuple[Path, ...] = SOURCES) -> Pools:
    """Titles, headings, sentences, authors and sources of every real article found."""
    pools = Pools()
    for folder in folders:
        if not folder.is_dir():
            continue
        for entry in scan(folder, 2_000_000):
            if entry.data is None:
                continue
            try:
                article = parse_article(entry.data, fallback_id=Path(entry.file).stem)
            except ArticleParseError:
                continue
            pools.articles += 1
            if article.title:
                pools.titles.append(article.title)
            pools.authors += article.authors
            if article.source:
                pools.sources.append(article.source)
            paragraphs = [*article.lead, *(p for s in article.sections for p in s.paragraphs)]
            pools.headings += [s.heading for s in article.sections if s.heading]
            for paragraph in paragraphs:
                pools.clauses += [c for c in CLAUSE_END.split(paragraph.text) if len(c) >= 4]
    pools.sources += MEDIA
    return pools


def code(index: int) -> str:
    """The article's unique project code, e.g. 7 -> 甲七乙."""
    return "甲" + "".join(CODE_DIGITS[int(d)] for d in str(index)) + "乙"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2)))


def _renumber(text: str, rng: random.Random) -> str:
    return NUMBER.sub(lambda m: str(max(1, int(float(m.group()) * rng.uniform(0.3, 3)))), text)


def _title(pools: Pools, rng: random.Random) -> str:
    first, second = rng.sample(pools.titles, 2) if len(pools.titles) > 1 else pools.titles * 2
    half = first[: max(2, len(first) // 2)]
    rest = second[len(second) // 2 :]
    return (rng.choice(PLACES) if rng.random() < 0.3 else "") + half + rest


def _sentence(pools: Pools, rng: random.Random) -> str:
    clauses = [_renumber(rng.choice(pools.clauses), rng) for _ in range(rng.randint(1, 4))]
    return ",".join(clauses) + "。"


def _paragraph(pools: Pools, rng: random.Random) -> str:
    return "".join(_sentence(pools, rng) for _ in range(rng.randint(1, 5)))


def article_text(pools: Pools, index: int, rng: random.Random) -> str:
    """One synthetic article file, in the layout of the CMS dumps."""
    article_id = 100_000 + index
    year, month, day = rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28)
    date = f"{year}-{month:02d}-{day:02d}"
    title = _title(pools, rng)
    lines = [title, f"来源:{rng.choice(pools.sources)}", date]
    lead = [_paragraph(pools, rng) for _ in range(rng.randint(1, 2))]
    lead[0] += f"项目代号{code(index)}由区委统筹推进。"
    lines += lead
    for n in range(rng.randint(0, 4)):
        lines.append(f"{HAN_NUMERALS[n]}、{rng.choice(pools.headings or ['工作推进'])}")
        lines += [_paragraph(pools, rng) for _ in range(rng.randint(1, 5))]
    lines += [_paragraph(pools, rng) for _ in range(rng.randint(0, 2))]
    names = pools.authors + [_name(rng) for _ in range(4)]
    lines.append(f"(记者 {' '.join(rng.sample(names, rng.randint(1, 2)))})")
    url = f"http://www.example.cn/pc/content/{year}{month:02d}/{day:02d}/content_{article_id}.html"
    lines.append(
        f"{date}\n00:00:00:0{article_id}10{url}nullcontent_{article_id}.html11{title}/enpproperty-->"
    )
    return "\n".join(lines) + "\n"


def generate(count: int, folder: Path, seed: int = 7, pools: Pools | None = None) -> Pools:
    """Write ``count`` articles into ``folder`` as ``000000.txt``...; returns the pools."""
    pools = pools or harvest()
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    for index in range(count):
        text = article_text(pools, index, rng)
        (folder / f"{index:06d}.txt").write_text(text, encoding="utf-8")
    return pools


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    pools = generate(args.count, args.folder, args.seed)
    print(
        f"wrote {args.count} articles to {args.folder}, assembled from {pools.articles} real"
        f" articles ({len(pools.clauses)} clauses, {len(pools.titles)} titles)"
    )


if __name__ == "__main__":
    main()
