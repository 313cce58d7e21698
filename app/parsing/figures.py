"""Numeric figures in body paragraphs, found by hand-written rules.

A figure is a number as printed plus what qualifies it: an approximation marker
before it (近, 约, 超过, 不足…), a range (7—9, 三到五), a marker between number and
unit (余, 多, 来), the unit, and a marker after it (左右, 以上, 以内…). The span
covers all of these; the counted noun (534个 *基层党组织*, *问题* 52个) stays outside.

Kinds (``app.models.FigureKind``):

* ``count``       — a counting classifier: 个 名 件 次 人 户 家 项 条 场 批 人次 …
* ``money``       — a currency: 元 (万元/亿元 fold into the value), 美元 …
* ``percent``     — % ％, 百分之X, 个百分点
* ``duration``    — 年 when not a calendar year, 个月, 天, 周, 小时, 分钟 …; 月/日 when
  marked as approximate or out of calendar range
* ``anniversary`` — 周年
* ``date``        — a calendar year (4 digits 1000–2100 + 年, 二〇二一年), a month 1–12 (5月,
  as in 5月中旬), a day 1–31, a decade/century (80年代); a run such as 2021年6月4日 is
  one figure whose value and unit are its first part's; ISO 2021-06-04 likewise
* ``measure``     — physical units: 公里 米 平方米 亩 吨 公斤 千瓦 岁 …
* ``number``      — an Arabic number with no unit (200余), or a multiple (3倍)
* ``slogan``      — a numbered formula such as “四个意识” (see ``app.parsing.slogans``);
  returned apart, numbered after the figures

Decisions:

* Ranges: value is the low end, ``value_max`` the high end; both ends use the same script
  and a multiplier on the high end applies to both (3至5万元 → 30000–50000). A range needs a
  unit. Adjacent digits (七八个, 一两天) are an approximate range.
* Quantities of one: a bare Chinese 一 + classifier (一件实事, 一本书, 一年) is an article,
  not a count, and is left out unless marked (近一年, 一年多); an Arabic 1 (1个宣讲团) counts.
* Chinese numerals need a unit (else 统一, 一般, 五老 would count); a unitless bare 百/千/万
  needs 余 or 多 (万余名 counts, 百年征程 and 千家万户 do not). Arabic numbers never need one.
* Not figures: ordinals (第一), digits glued to Latin letters (5G, 4K), idioms
  (``figure_rules.IDIOMS``), anything inside a slogan, 十九届五中全会.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence

from app.models import Bound, Figure, FigureKind, Paragraph
from app.parsing import figure_rules as rules
from app.parsing.normalize import fold
from app.parsing.numerals import (
    ARABIC,
    CHINESE,
    DIGITS,
    parse_chinese,
    parse_digit_string,
    parse_number,
    read_number_at,
)
from app.parsing.sentences import sentence_spans
from app.parsing.slogans import Slogan, find_slogans

# A number candidate. `iso`: 2021-06-04 in a date line; `pct`: 百分之十二 / 百分之12.5;
# `ar` + `mul`: 11543, 12.5万, 3.2亿 (not glued to Latin letters as in 5G, nor part of a
# time 10:30 or a version v1.2); `zh`: 十五, 万, 两, 数十, 十几, 三点五亿.
_CANDIDATE = re.compile(
    r"(?=[0-9０-９零〇一二两三四五六七八九十百千万亿数几])"  # cheap first-character test: 5x faster
    r"(?<![A-Za-zＡ-Ｚａ-ｚ0-9０-９.．:：_/])(?<![A-Za-z]-)(?:"
    r"(?P<iso>[12][0-9]{3}[-/.][01]?[0-9][-/.][0-3]?[0-9])(?![0-9])"
    rf"|百分之(?P<pct>{ARABIC}|{CHINESE})"
    rf"|(?P<ar>{ARABIC})(?P<mul>万亿|千亿|百亿|千万|百万|亿|万)?"
    r"(?![A-Za-zＡ-Ｚａ-ｚ0-9０-９:：]|[.．][0-9])"
    rf"|(?P<zh>{CHINESE}))"
)
# The dash or word between the two ends of a range: 7—9个, 7-9个, 7~9, 7至9个, 三到五年.
_RANGE_SEP = re.compile(r"[—–\-~～－至到]")
# 十九届五中全会: a congress's name, not 19 terms.
_PLENUM = re.compile(r"[一二三四五六七八九十]+中全会")
# Characters that may follow a Chinese numeral that is a figure: a unit's first
# character, an inner marker (万余名) or a range separator (三到五年).
_AFTER_CHINESE = frozenset(
    {word[0] for word in rules.UNITS} | set(rules.INNER_MARKERS) | set("—–-~～－至到")
)
# An Arabic number that is a code when it has no unit: a leading zero (0730) or seven
# digits or more with no separator (20210604, 1234567).
_CODE = re.compile(r"[0０][0-9０-９]|[0-9０-９]{7,}(?![.．])\Z")
# First characters of the time units (and 个 of 个月) a lone 一 may take: 近一年, 一个多月.
_TIME_UNIT_STARTS = frozenset(unit[0] for unit in rules.TIME_UNITS) | {"个"}
_IDIOM = re.compile(
    f"(?=[{''.join({idiom[0] for idiom in rules.IDIOMS})}])(?:{'|'.join(rules.IDIOMS)})"
)


class _Found:
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
    def of_slogan(cls, slogan: Slogan) -> _Found:
        found = cls(slogan.start, slogan.end, slogan.value)
        found.unit, found.noun, found.kind = slogan.unit, slogan.noun, "slogan"
        return found

    def mark(self, marker: rules.Marker) -> None:
        self.approx = self.approx or marker[0]
        self.bound = marker[1] or self.bound


def _core(match: re.Match[str]) -> _Found | None:
    """The bare number of a candidate, its markers inside the numeral applied."""
    start, end = match.span()
    if match["iso"]:
        found = _Found(start, end, float(match["iso"][:4]))
        found.kind = "date"
        return found
    if match["pct"]:
        value = parse_number(match["pct"])
        if value is None:
            return None
        found = _Found(start, end, value)
        found.unit, found.kind = "%", "percent"
        return found
    if match["ar"]:
        value = parse_number(match["ar"] + (match["mul"] or ""))
        return None if value is None else _Found(start, end, value)
    numeral = match["zh"]
    marker: rules.Marker | None = None
    if numeral[0] in "数几":  # 数十, 几百: several tens / hundreds
        numeral, marker = numeral[1:], (True, "lower")
    if numeral.endswith("几") and len(numeral) > 1:  # 十几: ten-odd
        numeral, marker = numeral[:-1], (True, "lower")
    value = parse_chinese(numeral)
    high: float | None = None
    if value is None and len(numeral) == 2 and numeral[0] in DIGITS and numeral[1] in DIGITS:
        low, up = DIGITS[numeral[0]], DIGITS[numeral[1]]
        if up == low + 1 and low > 0:  # 七八个, 一两天: seven or eight
            value, high, marker = float(low), float(up), (True, None)
    if value is None:
        year = parse_digit_string(numeral)  # 二〇二一年
        if year is None or not match.string.startswith("年", end):
            return None
        value = float(year)
    found = _Found(start, end, value)
    found.value_max = high
    if marker:
        found.mark(marker)
    return found


def _extend(text: str, found: _Found, match: re.Match[str]) -> bool:
    """Add range, markers and unit around a core number; False if it is no figure."""
    chinese = match["zh"] is not None
    pos = found.end
    if found.kind == "number" and found.value_max is None:
        sep = _RANGE_SEP.match(text, pos)
        second = read_number_at(text, sep.end(), chinese) if sep else None
        if second is not None:
            high, high_end, mul = second
            low = found.value
            if mul and not match["mul"]:
                low *= _multiplier(mul)
            if high > low and rules.match_unit(text, high_end):
                found.value, found.value_max, pos = low, high, high_end
    inner = text[pos : pos + 1]
    if inner in rules.INNER_MARKERS and not (inner == "来" and not rules.match_unit(text, pos + 1)):
        found.mark(rules.INNER_MARKERS[inner])
        pos += 1
    unit = rules.match_unit(text, pos) if found.kind == "number" else None
    unit_class = None
    if unit:
        found.unit, unit_class = rules.UNITS[unit]
        if unit in rules.THOUSAND_UNITS:
            found.value *= 1000
            found.value_max = None if found.value_max is None else found.value_max * 1000
        if "多" in unit:
            found.mark((True, "lower"))
        pos += len(unit)
    found.end = pos
    return _qualify(text, found, match, unit_class, chinese)


def _multiplier(mul: str) -> float:
    """The factor of a 万/亿 multiplier."""
    return float(parse_number("1" + mul) or 1.0)


def _qualify(
    text: str, found: _Found, match: re.Match[str], unit_class: str | None, chinese: bool
) -> bool:
    """Apply markers around the span, the kind, and the filters; False to drop it."""
    pos = found.end
    post = rules.POST_MARKER_RE.match(text, pos)
    if post and (found.unit or found.kind == "percent"):
        found.mark(rules.POST_MARKERS[post.group()])
        pos = post.end()
    elif text.startswith("多", pos) and found.unit in rules.TIME_UNITS:
        found.mark((True, "lower"))  # 3年多
        pos += 1
    found.end = pos
    if text[found.start - 1 : found.start] == "第":
        return False  # an ordinal: 第一, 第3
    _prefix_marker(text, found)
    if chinese:
        numeral = match["zh"]
        if found.unit is None:
            return False
        if not any(c in DIGITS for c in numeral) and not (found.approx or numeral[0] in "数几"):
            return False  # bare 百年, 千家, 万户
        if numeral == "一" and not (found.approx and found.unit in rules.TIME_UNITS):
            return False  # 一件实事: an article, not a count (but 近一年, 一个多月 are)
    elif found.unit is None and _CODE.match(match["ar"] or ""):
        return False  # 0730, 20210604: a phone number or document code, not a quantity
    if found.unit == "届" and _PLENUM.match(text, found.end):
        return False
    if unit_class is not None:
        year_shaped = match["zh"] is not None or len(match["ar"] or "") == 4
        found.kind, found.end = rules.resolve_kind(
            text,
            found.end,
            found.value,
            found.value_max is not None,
            found.approx,
            unit_class,
            year_shaped,
        )
    if found.kind in ("count", "money", "measure"):
        found.noun = rules.noun_after(text, found.end)
        if found.noun is None and found.unit not in rules.VERBAL_UNITS:
            found.noun = rules.noun_before(text, found.start)
    return True


def _prefix_marker(text: str, found: _Found) -> None:
    """Take a marker printed right before the number (近, 约, 超过…) into the span."""
    for size in (2, 1):
        before = found.start - size
        effect = rules.PREFIX_MARKERS.get(text[before : found.start]) if before >= 0 else None
        if effect is None:
            continue
        blockers = rules.PREFIX_MARKER_BLOCKERS.get(text[before : found.start], "")
        if before > 0 and text[before - 1] in blockers:
            return  # 最近5年, 签约5个: the marker character belongs to another word
        found.mark(effect)
        found.start = before
        return


def _scan(para: str, blocked: list[tuple[int, int]]) -> list[_Found]:
    found: list[_Found] = []
    pos = 0
    while True:
        match = _CANDIDATE.search(para, pos)
        if match is None:
            return found
        pos = match.end()
        numeral, after = match["zh"], para[pos : pos + 1]
        if (
            numeral
            and (
                after not in _AFTER_CHINESE  # 统一, 一般, 五老: a unit, marker or range must follow
                or (numeral == "一" and after not in _TIME_UNIT_STARTS)  # 一件, 一本: see _qualify
                or para[match.start() - 1 : match.start()] == "第"  # 第一
            )
        ):
            continue
        if any(a <= match.start() < b for a, b in blocked):
            continue
        core = _core(match)
        if core is None or not _extend(para, core, match):
            continue
        if not math.isfinite(core.value) or (core.value_max and not math.isfinite(core.value_max)):
            continue
        if found and core.start < found[-1].end:
            continue
        found.append(core)
        pos = max(pos, core.end)


def _sentence(para: str, spans: list[tuple[int, int]], starts: list[int], pos: int) -> str:
    index = bisect.bisect_right(starts, pos) - 1
    if index >= 0 and pos < spans[index][1]:
        return para[spans[index][0] : spans[index][1]]
    return para.strip()  # not reached for real figures; a safe fallback


def extract_figures(
    text: str, paragraphs: Sequence[tuple[int | None, Paragraph]]
) -> tuple[tuple[Figure, ...], tuple[Figure, ...]]:
    """Return (figures, slogans) found in the given paragraphs of `text`.

    `text` is the article's canonical body; each item is (section index or None for the
    lead, Paragraph) where Paragraph.start/end are offsets into `text`. Figures are
    numbered 1..n in text order; slogans (kind "slogan") n+1..n+m in text order. Every
    Figure satisfies text[f.start:f.end] == f.text (the paragraph is read from `text`
    itself, so this holds even for inconsistent offsets). Figure.sentence is the
    sentence (per ``sentence_spans`` on the paragraph) that holds the figure.
    """
    figures: list[dict[str, object]] = []
    slogans: list[dict[str, object]] = []
    # Rules match on the folded view (`，` as `,`, `％` as `%`); spans and sentences are
    # read from `text` itself: folding keeps every offset.
    folded = fold(text)
    for section, para in sorted(paragraphs, key=lambda item: item[1].start):
        chunk = folded[para.start : para.end]
        served = text[para.start : para.end]
        found_slogans = [_Found.of_slogan(slogan) for slogan in find_slogans(chunk)]
        blocked = [m.span() for m in _IDIOM.finditer(chunk)]
        found = _scan(chunk, blocked + [(s.start, s.end) for s in found_slogans])
        if not found and not found_slogans:
            continue
        spans = sentence_spans(chunk)
        starts = [start for start, _ in spans]
        for items, out in ((found, figures), (found_slogans, slogans)):
            out.extend(
                {
                    "text": served[item.start : item.end],
                    "value": item.value,
                    "value_max": item.value_max,
                    "unit": item.unit,
                    "noun": item.noun,
                    "approximate": item.approx,
                    "bound": item.bound,
                    "kind": item.kind,
                    "section": section,
                    "paragraph": para.index,
                    "start": para.start + item.start,
                    "end": para.start + item.end,
                    "sentence": _sentence(served, spans, starts, item.start),
                }
                for item in items
            )
    ordered = [*figures, *slogans]
    built = tuple(Figure.model_validate({"id": n, **f}) for n, f in enumerate(ordered, start=1))
    return built[: len(figures)], built[len(figures) :]
