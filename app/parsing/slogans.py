"""Formula slogans: numeral-shaped phrases that are names, not quantities.

Chinese political prose packs programmes into numbered formulas — “四个意识”,
“两个维护”, “十四五”, “三高四新”, “一周一调度” — which look like counts but
count nothing in the sentence. Three shapes are recognised inside quotes
(“…”, 「…」, 『…』, ‘…’), one chunk at a time (a quote such as
“一周一调度、一周一简报、一月一小结” holds three):

1. numeral + formula classifier (个 项 大 条) + 1–4 characters: 四个意识, 八项规定, 五个一;
2. a series of two to four numeral-led chunks of 1–3 characters: 三高四新, 三区一中心,
   一周一调度, 一月一本书一领学, 两学一做;
3. a bare numeral abbreviation of 2–4 characters: 十四五, 十三五;
4. in a quote listing two or more, a short verb and a shape-1 formula: “凝聚一种精神、把握
   两个特征、聚焦七项重点” (the slogans are 一种精神, 两个特征, 七项重点).

The best-known formulas (``SEEDS``) are also recognised without quotes.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from app.parsing.numerals import NUMERAL_CHARS, parse_chinese

_NUM = "一二两三四五六七八九十"
_HAN_NOT_NUMERAL = rf"(?:(?![{NUMERAL_CHARS}])[\u4e00-\u9fff])"

# The text between paired quotes, e.g. 增强“四个意识” → 四个意识 (one line, short).
_QUOTED = re.compile(
    r"(?=[“「『‘])"  # a cheap first-character test before the alternation
    r"(?:“([^“”\n]{1,60})”|「([^「」\n]{1,60})」|『([^『』\n]{1,60})』|‘([^‘’\n]{1,60})’)"
)
# What separates the formulas listed in one quote: “一周一调度、一周一简报”.
_CHUNK = re.compile(r"[^、,，;；\s]+")
# Shape 1, e.g. 四个意识, 两个维护, 五个一, 八项规定, 三大攻坚战 (but not 二十个百分点).
SLOGAN_UNITS = ("个", "项", "大", "条")
"""The classifiers of formula slogans (四个意识, 八项规定, 四大…): their `unit`."""
_CLASSIFIER_FORMULA = re.compile(
    rf"[{_NUM}]{{1,2}}([{''.join(SLOGAN_UNITS)}])(?!百分点|月|小时|星期|工作日)"
    rf"([\u4e00-\u9fff]{{1,4}})\Z"
)
# Shape 2, e.g. 三高四新, 三区一中心, 一周一调度, 一月一本书一领学, 两学一做.
_NUMERAL_SERIES = re.compile(rf"(?:[{_NUM}]{{1,2}}{_HAN_NOT_NUMERAL}{{1,3}}){{2,4}}\Z")
# Shape 4, in a quote listing two or more of them: a short verb, then a shape-1 formula, as
# in “凝聚一种精神、把握两个特征、增强三大动力”: the formula is 两个特征.
_VERB_LED_FORMULA = re.compile(
    rf"{_HAN_NOT_NUMERAL}{{1,2}}([{_NUM}]{{1,2}}([个项大条种点])([\u4e00-\u9fff]{{1,4}}))\Z"
)
# Shape 3, e.g. 十四五, 十三五 (a plan's number and its five years).
_ABBREVIATION = re.compile(rf"[{_NUM}]{{2,4}}\Z")
MAX_CHUNK = 10
"""Longer quoted chunks are prose, not a formula."""

_SEED_TEXT = (
    "四个意识 四个自信 两个维护 两个确立 四个全面 五位一体 十四五 十三五 "
    "十二五 十五五 两学一做 三严三实 三高四新 一带一路 八项规定 三个代表 "
    "两个一百年"
)
SEEDS = tuple(_SEED_TEXT.split())
_SEED_RE = re.compile("|".join(SEEDS))


class Slogan(NamedTuple):
    """A slogan found in a paragraph: offsets are relative to the paragraph."""

    start: int
    end: int
    value: float
    unit: str | None
    noun: str | None


def _leading_value(chunk: str) -> float:
    """The value of the longest numeral prefix (十四五 → 14); only informative."""
    run = len(chunk) - len(chunk.lstrip(NUMERAL_CHARS))
    for size in range(run, 0, -1):
        value = parse_chinese(chunk[:size])
        if value is not None:
            return value
    return 0.0


def _classify(chunk: str, start: int) -> Slogan | None:
    if len(chunk) > MAX_CHUNK or not chunk or chunk[0] not in _NUM:
        return None
    end = start + len(chunk)
    formula = _CLASSIFIER_FORMULA.match(chunk)
    if formula:
        noun = formula[2] if not any(c in NUMERAL_CHARS for c in formula[2]) else None
        return Slogan(start, end, _leading_value(chunk), formula[1], noun)
    if _NUMERAL_SERIES.match(chunk) or _ABBREVIATION.match(chunk):
        return Slogan(start, end, _leading_value(chunk), None, None)
    return None


def find_slogans(text: str) -> list[Slogan]:
    """Slogans in one paragraph, in text order, never overlapping."""
    found: list[Slogan] = []
    for quote in _QUOTED.finditer(text):
        group = next(g for g in range(1, 5) if quote.group(g) is not None)
        chunks = list(_CHUNK.finditer(quote.group(group)))
        led = [_VERB_LED_FORMULA.match(chunk.group()) for chunk in chunks]
        for chunk, formula in zip(chunks, led, strict=True):
            start = quote.start(group) + chunk.start()
            slogan = _classify(chunk.group(), start)
            if slogan is None and formula and sum(1 for f in led if f) >= 2:
                noun = formula[3]
                slogan = Slogan(
                    start + formula.start(1),
                    start + len(chunk.group()),
                    _leading_value(formula[1]),
                    formula[2],
                    noun,
                )
            if slogan is not None:
                found.append(slogan)
    taken = [(s.start, s.end) for s in found]
    for seed in _SEED_RE.finditer(text):
        if not any(a < seed.end() and seed.start() < b for a, b in taken):
            slogan = _classify(seed.group(), seed.start())
            if slogan is not None:
                found.append(slogan)
    found.sort()
    return found
