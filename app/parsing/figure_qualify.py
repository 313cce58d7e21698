"""What qualifies a number: its range, markers, unit and noun.

The span covers the number, its unit and the markers glued to it (近5000名, 200余名,
3年多): a marker before it (近, 约, 超过, 不足…), a range (7—9, 三到五, 10亿元~50亿元), a
marker between number and unit (余, 多, 来), the unit. A trailing word such as 左右 or 以上
qualifies the figure but stays out of its text (100人左右 → 100人), and the counted noun
(534个 *基层党组织*, *问题* 52个) stays outside. Only 余 多 近 约 左右 来 上下 几 数 (and
差不多, 附近, 上千) make a figure approximate; 超过 逾 至少 以上 and 不足 不到 以内 以下 give
it a ``bound`` on an exact number.

A unit is reported as printed, less a multiplier (万元 → 元, 千元 → 元) and less an inner
多 (3个多月 → 个月): 个月 and 月 are different words (a duration, a calendar month). A 点
after a Chinese numeral or a whole number up to 24 is a clock time (9点, 三点), not index
points.

Ranges: value is the low end, ``value_max`` the high end; both ends use the same script
and a multiplier on the high end applies to both (3至5万元 → 30000–50000). A range needs a
unit (on the high end or on both) unless both ends are decimals (6.55-6.60).

A half is read only after a marker (近半, 过半, 不到半月): 上半年 and 半月谈 are names.
"""

from __future__ import annotations

import re

from app.parsing import figure_rules as rules
from app.parsing.figure_exclusions import names_something
from app.parsing.figure_kinds import assign_kind
from app.parsing.figure_numbers import Found, multiplier
from app.parsing.numerals import read_number_at

# The dash or word between the two ends of a range: 7—9个, 7-9个, 7~9, 7至9个, 三到五年.
_RANGE_SEP = re.compile(r"[—–―\-~～－至到]")
# 个 + a multiplier is the spoken form of the multiplier: 十个亿, 三个万.
_COLLOQUIAL_MULTIPLIER = re.compile(r"个[万亿](?![元人])")
# 一年半, 两天半: a half after the unit (not 半年, 半载 beginning another figure or idiom).
_HALVED_UNITS = frozenset({"年", "天", "个月", "个小时"})
_HALF = re.compile(r"半(?![年月天日载夜个小百千万亿])")
# A multiplier printed after an inner marker: the 万 of 2000多万元.
_LATE_MULTIPLIER = re.compile(r"万亿|千亿|百亿|千万|百万|亿|万")


def extend(text: str, found: Found, match: re.Match[str]) -> bool:
    """Add range, markers and unit around a core number; False if it is no figure."""
    chinese = match["zh"] is not None
    pos = found.end
    multiplied = bool(match["mul"]) or (chinese and match["zh"][-1] in "万亿")
    if found.kind == "number" and found.value_max is None:
        sep = _RANGE_SEP.match(text, pos)
        second = read_number_at(text, sep.end(), chinese) if sep else None
        if second is not None:
            high, high_end, mul = second
            low = found.value
            if mul and not match["mul"]:
                low *= multiplier(mul)
            decimals = not (low.is_integer() or high.is_integer())  # 6.55-6.60: a rate's range
            if high > low and (decimals or rules.match_unit(text, high_end)):
                found.value, found.value_max, pos = low, high, high_end
                multiplied = multiplied or bool(mul)
    inner = text[pos : pos + 1]
    if inner in rules.INNER_MARKERS and not (inner == "来" and not rules.match_unit(text, pos + 1)):
        found.mark(rules.INNER_MARKERS[inner])
        pos += 1
        late = _LATE_MULTIPLIER.match(text, pos) if not multiplied else None
        if late:  # 2000多万元, 900多万人口: the multiplier comes after the marker
            found.value *= multiplier(late.group())
            multiplied, pos = True, late.end()
    if not multiplied and _COLLOQUIAL_MULTIPLIER.match(text, pos):
        found.value *= multiplier(text[pos + 1])  # 十个亿: 十亿, said aloud
        multiplied, pos = True, pos + 2
    unit = rules.match_unit(text, pos) if found.kind == "number" else None
    if unit == "点" and (chinese or (found.value <= 24 and found.value.is_integer())):
        unit = None  # 9点, 三点: a clock time or a decimal point, not index points
    unit_class = None
    if unit:
        found.unit, unit_class = rules.UNITS[unit]
        if unit in rules.THOUSAND_UNITS:
            found.value *= 1000
            found.value_max = None if found.value_max is None else found.value_max * 1000
        if "多" in unit:
            found.mark((True, "lower"))
        if "半" in unit:
            found.value += 0.5  # 3个半月
        pos += len(unit)
        pos = _unit_tail(text, found, match, unit, pos)
    found.end = pos
    return _qualify(text, found, match, unit_class, multiplied)


def _unit_tail(text: str, found: Found, match: re.Match[str], unit: str, pos: int) -> int:
    """Read what may follow a unit: a half (一年半), a range's high end (10亿元~50亿元), a
    per-unit (元/股, 2.6万元~2.8万元/平方米)."""
    if unit in _HALVED_UNITS and _HALF.match(text, pos):
        found.value += 0.5  # 一年半: one and a half years
        pos += 1
    sep = _RANGE_SEP.match(text, pos) if found.value_max is None else None
    second = read_number_at(text, sep.end(), match["zh"] is not None) if sep else None
    if second is not None:
        high, high_end, _ = second
        if text.startswith(unit, high_end) and high > found.value:
            found.value_max = high * (1000 if unit in rules.THOUSAND_UNITS else 1)
            pos = high_end + len(unit)
    if text.startswith("/", pos):
        per = rules.match_unit(text, pos + 1) or text[pos + 1 : pos + 2]
        if per in rules.PER_UNITS:
            found.unit = f"{found.unit}/{per}"
            pos += 1 + len(per)
    return pos


def _qualify(
    text: str, found: Found, match: re.Match[str], unit_class: str | None, multiplied: bool
) -> bool:
    """Apply markers around the span, the filters, the kind and the noun; False to drop it."""
    pos = noun_from = found.end
    post = rules.POST_MARKER_RE.match(text, pos)
    if post and (found.unit or found.kind == "percent"):
        noun_from = post.end()  # 100人左右: marked (below), the span is 100人
    elif text.startswith("多", pos) and _takes_trailing_more(text, found, unit_class, pos):
        found.mark((True, "lower"))  # 3年多, 6元多
        found.end = noun_from = pos + 1
    if text[found.start - 1 : found.start] == "第":
        return False  # an ordinal: 第一, 第3
    _prefix_marker(text, found, match)
    if names_something(text, found, match, unit_class, multiplied):
        return False
    if noun_from > found.end and post:
        found.mark(rules.POST_MARKERS[post.group()])
    if unit_class is not None:
        assign_kind(text, found, match, unit_class)
    if found.kind in ("count", "money", "measure") and "/" not in (found.unit or ""):
        found.noun = rules.noun_after(text, max(found.end, noun_from))
        if found.noun is None and found.unit not in rules.VERBAL_UNITS:
            found.noun = rules.noun_before(text, found.start)
    return True


def _takes_trailing_more(text: str, found: Found, unit_class: str | None, pos: int) -> bool:
    """A 多 after the unit means "more than" after a time, money, measure or percent unit
    (3年多, 6元多的行情, 70%多), unless it starts a word (3人多次: 多次 is "many times")."""
    if found.unit in rules.TIME_UNITS:
        return True
    after = text[pos + 1 : pos + 2]
    return unit_class in ("money", "measure", "percent") and not (
        rules.is_han(after) and after not in "的了"
    )


def read_half(text: str, match: re.Match[str]) -> Found | None:
    """近半, 过半, 不到半月, 近半年: a half, marked, alone or of a time unit."""
    found = Found(match.start(), match.end(), 0.5)
    unit = rules.match_unit(text, found.end)
    if unit and rules.UNITS[unit][0] in rules.TIME_UNITS:
        found.unit, found.kind = rules.UNITS[unit][0], "duration"
        found.end += len(unit)
    _prefix_marker(text, found, match)
    after_word = text[found.start - 2 : found.start - 1]  # 经过半年: 过 ends 经过
    if (
        found.start == match.start()
        and text[found.start - 1 : found.start] == "过"
        and not (after_word and after_word in "经通越度穿错")
    ):
        found.mark((False, "lower"))  # 过半: more than half
        found.start -= 1
    return found if found.approx or found.bound else None


def _prefix_marker(text: str, found: Found, match: re.Match[str]) -> None:
    """Take a marker printed right before the number (近, 约, 超过…) into the span."""
    for size in rules.PREFIX_SIZES:
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
    numeral = match["zh"] or ""
    if text[found.start - 1 : found.start] == "上" and numeral[:1] in ("百", "千", "万", "亿"):
        found.mark((True, "lower"))  # 上千元, 上万人次: as many as a thousand
        found.start -= 1
