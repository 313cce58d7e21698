"""The number at the heart of a figure: candidates in the text and their bare value.

A candidate is a number as printed: Arabic (11543, 12.5, full-width digits, -73.28),
optionally multiplied (12.5万, 3.2亿); Chinese (十五, 两, 三点五亿), also after Arabic digits
(3000三个关口); 百分之十二 / 百分之12.5; an ISO date 2021-06-04; a half after a marker (近半,
过半: read by ``figure_qualify.read_half``). Its core value has the markers inside the numeral
applied: 数十 and 几百 (several tens, hundreds) and 十几 (ten-odd) are approximate lower
bounds; adjacent digits (七八个, 一两天, 七八百元, 两三万) are an approximate range. A numeral
such as 二〇二一 is a number only as a year (二〇二一年).

What surrounds the number (range, markers, unit, noun) is read by
:mod:`app.parsing.figure_qualify`.
"""

from __future__ import annotations

import re

from app.models import Bound, FigureKind
from app.parsing import figure_rules as rules
from app.parsing.numerals import (
    ARABIC,
    CHINESE,
    DIGITS,
    parse_chinese,
    parse_digit_string,
    parse_number,
)
from app.parsing.slogans import Slogan

# A number candidate. `iso`: 2021-06-04 in a date line; `pct`: 百分之十二 / 百分之12.5;
# `half`: 半 after a marker (近半, 过半, 不到半月); `ar` + `mul`: 11543, 12.5万, 3.2亿, with
# a minus sign `neg` (-73.28%) (not followed by Latin letters as in 5G, not after CCTV-, nor
# part of a time 10:30, a ratio 11.8︰48.3 or a version v1.2); `zh`: 十五, 万, 两, 数十, 十几,
# 三点五亿 (which may follow Arabic digits: 3000三个关口).
CANDIDATE = re.compile(
    # a cheap first-character test first: 5x faster
    r"(?=[-－−0-9０-９零〇一二两三四五六七八九十百千万亿数几半])"
    r"(?<![_/])(?:"
    r"(?<=[近过超逾到足约])(?P<half>半)|"
    r"(?<![0-9０-９.．:：︰∶A-Za-z])(?P<iso>[12][0-9]{3}[-/.][01]?[0-9][-/.][0-3]?[0-9])(?![0-9])"
    rf"|百分之(?P<pct>{ARABIC}|{CHINESE})"
    r"|(?<![0-9０-９.．:：︰∶])(?<![A-Za-z]-)"
    rf"(?:(?<![-－−])(?P<neg>[-－−])(?=[0-9０-９]))?(?P<ar>{ARABIC})"
    r"(?P<mul>万亿|千亿|百亿|千万|百万|亿|万)?"
    r"(?![A-Za-zＡ-Ｚａ-ｚ0-9０-９:：︰∶]|[.．][0-9])"
    rf"|(?<![A-Za-zＡ-Ｚａ-ｚ])(?P<zh>{CHINESE}))"
)
# Characters that may follow a Chinese numeral that is a figure: a unit's first
# character, an inner marker (万余名) or a range separator (三到五年).
AFTER_CHINESE = frozenset(
    {word[0] for word in rules.UNITS} | set(rules.INNER_MARKERS) | set("—–―-~～－至到")
)
# Two neighbouring digits, then units of ten: 七八 (7 or 8), 七八百 (700 to 800), 两三万.
_ADJACENT = re.compile(r"([一两二三四五六七八])([二三四五六七八九])([十百千万亿]*)\Z")


class Found:
    """A figure located in one paragraph (offsets relative to the paragraph)."""

    __slots__ = ("approx", "bound", "end", "kind", "noun", "start", "unit", "value", "value_max")

    def __init__(self, start: int, end: int, value: float) -> None:
        self.start, self.end, self.value = start, end, value
        self.value_max: float | None = None
        self.unit: str | None = None
        self.noun: str | None = None
        self.approx = False
        self.bound: Bound | None = None
        self.kind: FigureKind = "number"

    @classmethod
    def of_slogan(cls, slogan: Slogan) -> Found:
        found = cls(slogan.start, slogan.end, slogan.value)
        found.unit, found.noun, found.kind = slogan.unit, slogan.noun, "slogan"
        return found

    def mark(self, marker: rules.Marker) -> None:
        self.approx = self.approx or marker[0]
        self.bound = marker[1] or self.bound


def bare_number(match: re.Match[str]) -> Found | None:
    """The bare number of a candidate, its markers inside the numeral applied."""
    start, end = match.span()
    if match["iso"]:
        found = Found(start, end, float(match["iso"][:4]))
        found.kind = "date"
        return found
    if match["pct"]:
        value = parse_number(match["pct"])
        if value is None:
            return None
        found = Found(start, end, value)
        found.unit, found.kind = "%", "percent"
        return found
    if match["ar"]:
        value = parse_number(match["ar"] + (match["mul"] or ""))
        if value is not None and match["neg"]:
            value = -value
        return None if value is None else Found(start, end, value)
    numeral = match["zh"]
    marker: rules.Marker | None = None
    if numeral[0] in "数几":  # 数十, 几百: several tens / hundreds
        numeral, marker = numeral[1:], (True, "lower")
    if numeral.endswith("几") and len(numeral) > 1:  # 十几: ten-odd
        numeral, marker = numeral[:-1], (True, "lower")
    value = parse_chinese(numeral)
    high: float | None = None
    pair = _ADJACENT.match(numeral) if value is None else None
    if pair:
        low, up = DIGITS[pair[1]], DIGITS[pair[2]]
        scale = parse_chinese("一" + pair[3]) if pair[3] else 1.0
        if up == low + 1 and low > 0 and scale:  # 七八个, 一两天, 七八百元, 两三万
            value, high, marker = low * scale, up * scale, (True, None)
    if value is None:
        year = parse_digit_string(numeral)  # 二〇二一年
        if year is None or not match.string.startswith("年", end):
            return None
        value = float(year)
    found = Found(start, end, value)
    found.value_max = high
    if marker:
        found.mark(marker)
    return found


def multiplier(mul: str) -> float:
    """The factor of a 万/亿 multiplier."""
    return float(parse_number("1" + mul) or 1.0)
