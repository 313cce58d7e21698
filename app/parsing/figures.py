"""Numeric figures in body paragraphs, found by hand-written rules.

A figure is a number as printed plus what qualifies it: a marker before it (近, 约, 超过,
不足…), a range (7—9, 三到五, 10亿元~50亿元), a marker between number and unit (余, 多,
来), the unit, and a marker after it (左右, 以上, 以内…). The span covers the number, its
unit and the markers glued to it (近5000名, 200余名, 3年多); a trailing word such as 左右
or 以上 qualifies the figure but stays out of its text (100人左右 → 100人), and the counted
noun (534个 *基层党组织*, *问题* 52个) stays outside. Only 余 多 近 约 左右 来 上下 几 数
(and 差不多, 附近, 上千) make a figure approximate; 超过 逾 至少 以上 and 不足 不到 以内 以下
give it a ``bound`` on an exact number.

Kinds (``app.models.FigureKind``):

* ``count``       — a counting classifier: 个 名 件 次 人 户 家 项 条 场 批 人次 台次 只 …
* ``money``       — a currency: 元 (万元/亿元 fold into the value), 美元 …; 元/股 per unit
* ``percent``     — % ％, 百分之X, 个百分点, 个基点, 成 (六成)
* ``duration``    — 年 when not a calendar year, 个月, 天, 周, 小时, 分钟 …; 月/日 when
  marked as approximate or out of calendar range
* ``anniversary`` — 周年
* ``date``        — a calendar year (4 digits 1000–2100 + 年, 二〇二一年), a month 1–12 (5月,
  as in 5月中旬) or a range of them (1-2月), a day 1–31, a quarter (1季度), a
  decade/century (80年代); a run such as 2021年6月4日 is one figure whose value and unit
  are its first part's; ISO 2021-06-04 likewise
* ``measure``     — physical units: 公里 米 平方米 亩 吨 公斤 千瓦 岁 标箱 …, index points
  (3700点)
* ``number``      — an Arabic number with no unit but a marker or a multiplier (200余,
  900多万), a decimal (6.54), or a multiple (3倍)
* ``slogan``      — a numbered formula such as “四个意识” (see ``app.parsing.slogans``);
  returned apart, numbered after the figures

A half is read only after a marker (近半, 过半, 不到半月): 上半年 and 半月谈 are names.

A unit is reported as printed, less a multiplier (万元 → 元, 千元 → 元) and less an inner
多 (3个多月 → 个月): 个月 and 月 are different words (a duration, a calendar month).

Decisions:

* Ranges: value is the low end, ``value_max`` the high end; both ends use the same script
  and a multiplier on the high end applies to both (3至5万元 → 30000–50000). A range needs a
  unit (on the high end or on both) unless both ends are decimals (6.55-6.60). Adjacent
  digits (七八个, 一两天, 七八百元) are an approximate range.
* Quantities of one: a bare Chinese 一 + classifier (一件实事, 一本书, 一年) is an article,
  not a count, and is left out unless marked (近一年, 一年多), a 个-duration (一个月), or
  postposed at a clause end (副镇长一名。); an Arabic 1 (1个宣讲团) counts.
* Chinese numerals need a unit (else 统一, 一般, 五老 would count) or a marker and a 万/亿
  (差不多十个亿); a unitless bare 百/千/万 needs a marker (万余名, 上千元, 超万元 count,
  百年征程 and 千家万户 do not). An Arabic integer with no unit needs a marker or a
  multiplier: alone it names something (11路, 1号线, 58同城, 2015新财富500富人榜).
* Not figures: ordinals (第一), digits glued to Latin letters (5G, 4K), codes with a leading
  zero (0730, 01班), clock times (9点, 4点半, 10:30), idioms (``figure_rules.IDIOMS``),
  anything inside a slogan, term and session numbers (十九届五中全会, 八届四次全会), phases
  and classes (二期, 3班: 期 and 班 count only multiplied or approximate), terms and plans
  (1年期, 五年行动), a month.day glued to a name (5.12地震), and a stretch or rank named by
  前 or 这/那 (今年前两个月, 长假前三天, 这两天, 前10名).
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
    normalize_digits,
    parse_chinese,
    parse_digit_string,
    parse_number,
    read_number_at,
)
from app.parsing.sentences import sentence_spans
from app.parsing.slogans import Slogan, find_slogans

# A number candidate. `iso`: 2021-06-04 in a date line; `pct`: 百分之十二 / 百分之12.5;
# `half`: 半 after a marker (近半, 过半, 不到半月); `ar` + `mul`: 11543, 12.5万, 3.2亿, with
# a minus sign `neg` (-73.28%) (not followed by Latin letters as in 5G, not after CCTV-, nor
# part of a time 10:30, a ratio 11.8︰48.3 or a version v1.2); `zh`: 十五, 万, 两, 数十, 十几,
# 三点五亿 (which may follow Arabic digits: 3000三个关口).
_CANDIDATE = re.compile(
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
# A Latin letter right before an Arabic number: GDP28.34亿元 (a sum) or PM2.5, G20, v1.2,
# COVID-19 (names: kept out unless a money, percent or measure unit follows).
_LATIN_BEFORE = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
# The dash or word between the two ends of a range: 7—9个, 7-9个, 7~9, 7至9个, 三到五年.
_RANGE_SEP = re.compile(r"[—–―\-~～－至到]")
# Two neighbouring digits, then units of ten: 七八 (7 or 8), 七八百 (700 to 800), 两三万.
_ADJACENT = re.compile(r"([一两二三四五六七八])([二三四五六七八九])([十百千万亿]*)\Z")
# 十九届五中全会: a congress's name, not 19 terms.
_PLENUM = re.compile(r"[一二三四五六七八九十]+中全会")
# Characters that may follow a Chinese numeral that is a figure: a unit's first
# character, an inner marker (万余名) or a range separator (三到五年).
_AFTER_CHINESE = frozenset(
    {word[0] for word in rules.UNITS} | set(rules.INNER_MARKERS) | set("—–―-~～－至到")
)
# 个 + a multiplier is the spoken form of the multiplier: 十个亿, 三个万.
_COLLOQUIAL_MULTIPLIER = re.compile(r"个[万亿](?![元人])")
# Units after which a plain number is an identifier (二期工程, 3班) unless the number is
# multiplied or approximate, which no identifier is (11.85万班 runs, 20余期 sessions).
_ID_UNITS = frozenset({"期", "班"})
# 一年半, 两天半: a half after the unit (not 半年, 半载 beginning another figure or idiom).
_HALVED_UNITS = frozenset({"年", "天", "个月", "个小时"})
_HALF = re.compile(r"半(?![年月天日载夜个小百千万亿])")
# A multiplier printed after an inner marker: the 万 of 2000多万元.
_LATE_MULTIPLIER = re.compile(r"万亿|千亿|百亿|千万|百万|亿|万")
# After a Chinese numeral + classifier, one more character and a place suffix make a place's
# name (五家子村, 五棵树镇, 八家户村); a count names its place word at once (三个村, 两个乡镇)
# or with an adjective or a longer modifier (两个小镇, 三个行政村).
_PLACE_NAME = re.compile(r"(?![村镇乡屯庄沟堡寨小新大老古名])[\u4e00-\u9fff][村镇乡屯庄沟堡寨]")
# The unit classes that make a Latin-prefixed number a sum (GDP28.34亿元, CPI2.1%).
_SUM_CLASSES = frozenset({"money", "percent", "measure"})
# An Arabic number with a leading zero is a code (0730, 01班), never a quantity; 0.5 is not.
_LEADING_ZERO = re.compile(r"[0０][0-9０-９]")
# A 届 shortly before a 次 makes it a session's number: 市委八届四次全体会议, 十四届人大二次会议.
# The gap is a short body's name (人大, 全国人大, 市委), not a clause: 本届政府已召开3次会议
# counts meetings.
_SESSION = re.compile(r"届[^，,。；;、开了召举行已]{0,4}\Z")
# Characters whose presence makes a Chinese numeral a real number: digits and 十 (十年);
# a bare 百, 千, 万 is an idiom (百年征程, 千家万户) unless marked.
_COUNTING_CHARS = frozenset(DIGITS) | {"十"}
# 个-time units after which a lone 一 is one, not "a": 一个月, 一个小时, 一个多星期.
_ONE_DURATIONS = frozenset({"个月", "个小时", "个星期", "个季度", "个工作日"})
# What may follow a lone 一 that is a number: a marker or a range (一年多, 一至十月份).
_ONE_MARKS = frozenset(rules.INNER_MARKERS) | frozenset("—–―-~～－至到")
# Classifiers of people and things that may follow their noun: 副镇长一名, 企业一家.
_POSTPOSED_UNITS = frozenset("名位人个户家项件所座支")
# Punctuation that ends a clause after a postposed count: 副镇长一名。
_CLAUSE_END = "。，,；;、！!？?）)”"
# Characters before a lone 一 that show it is "a" (作为一名, 有一件, 了一名) not a count.
_NOT_NOUN_END = "为有了是这那每另同任单统唯第逐之"
# Calendar words before 前 + a time: 今年前两个月, 长假前三天, 本周前两天 (the first ones).
_PERIODS = "年月假周季期节"
# Units after 前 that make a rank: 前10名, 前三位.
_RANK_UNITS = frozenset({"名", "位"})
# Characters before 前 that make it part of another word: 目前, 提前, 此前, 之前, 以前…
_PERIOD_BLOCKERS = "目当提此之以空眼面向从事跟超生史"
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
        if value is not None and match["neg"]:
            value = -value
        return None if value is None else _Found(start, end, value)
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
    found = _Found(start, end, value)
    found.value_max = high
    if marker:
        found.mark(marker)
    return found


def _extend(text: str, found: _Found, match: re.Match[str]) -> bool:
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
                low *= _multiplier(mul)
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
            found.value *= _multiplier(late.group())
            multiplied, pos = True, late.end()
    if not multiplied and _COLLOQUIAL_MULTIPLIER.match(text, pos):
        found.value *= _multiplier(text[pos + 1])  # 十个亿: 十亿, said aloud
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


def _unit_tail(text: str, found: _Found, match: re.Match[str], unit: str, pos: int) -> int:
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


def _multiplier(mul: str) -> float:
    """The factor of a 万/亿 multiplier."""
    return float(parse_number("1" + mul) or 1.0)


def _qualify(
    text: str, found: _Found, match: re.Match[str], unit_class: str | None, multiplied: bool
) -> bool:
    """Apply markers around the span, the kind, and the filters; False to drop it."""
    chinese = match["zh"] is not None
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
    if _names_a_period(text, found, match["zh"]):
        return False
    marked = found.approx or found.bound is not None
    if chinese:
        numeral = match["zh"]
        if found.unit is None and not (multiplied and marked and found.value >= 10_000):
            return False  # 统一, 五老; but 差不多十亿 is a sum
        if not any(c in _COUNTING_CHARS for c in numeral) and not (marked or numeral[0] in "数几"):
            return (
                False  # bare 百年, 千家, 万户; 亿元以上项目 (a threshold: 以上 is no marker here)
            )
        if numeral == "一" and not _counts_one(text, found):
            return False  # 一件实事: an article, not a count (but 近一年, 一个多月 are)
    elif match["ar"] and _LEADING_ZERO.match(match["ar"]):
        return False  # 0730, 01班: a code
    elif _LATIN_BEFORE.match(text, match.start() - 1) and unit_class not in _SUM_CLASSES:
        return False  # PM2.5, G20, COVID-19, A4纸: part of a name
    elif (
        found.unit is None
        and found.kind == "number"
        and not (multiplied or marked)
        and (found.value.is_integer() or _names_a_day(match["ar"], text, found.end))
    ):
        return False  # 11路, 58同城, 2015新财富500富人榜, 5.12地震: a bare number names something
    if chinese and unit_class == "count" and _PLACE_NAME.match(text, found.end):
        return False  # 五家子村, 五棵树镇, 八家户村: a place's name
    if found.unit in _ID_UNITS and not (multiplied or found.approx):
        return False  # 二期, 3班: an identifier (but 11.85万班, 20余期 count)
    if found.unit == "届" and (_PLENUM.match(text, found.end) or _starts_word(text, found.end)):
        return False  # 十九届五中全会, 八届四次全会: a term's number
    if found.unit == "次" and _SESSION.search(text, max(0, found.start - 10), found.start):
        return False  # 八届四次全体会议: a session's number
    if noun_from > found.end and post:
        found.mark(rules.POST_MARKERS[post.group()])
    if unit_class is not None:
        if chinese and "两" in match["zh"] and unit_class in ("month", "day"):
            unit_class = "duration"  # 两日: 两 never names a date
        year_shaped = chinese or len(match["ar"] or "") == 4
        high = found.value_max
        if (
            unit_class == "day"
            and high is not None
            and high <= 31
            and text[found.start - 1] == "月"
        ):
            high = None  # 6月1-3日: calendar days, not a span of days
        found.kind, found.end = rules.resolve_kind(
            text,
            found.end,
            found.value,
            high,
            found.approx,
            unit_class,
            year_shaped,
        )
    if found.kind in ("count", "money", "measure") and "/" not in (found.unit or ""):
        found.noun = rules.noun_after(text, max(found.end, noun_from))
        if found.noun is None and found.unit not in rules.VERBAL_UNITS:
            found.noun = rules.noun_before(text, found.start)
    return True


def _takes_trailing_more(text: str, found: _Found, unit_class: str | None, pos: int) -> bool:
    """A 多 after the unit means "more than" after a time, money, measure or percent unit
    (3年多, 6元多的行情, 70%多), unless it starts a word (3人多次: 多次 is "many times")."""
    if found.unit in rules.TIME_UNITS:
        return True
    after = text[pos + 1 : pos + 2]
    return unit_class in ("money", "measure", "percent") and not (
        rules.is_han(after) and after not in "的了"
    )


def _counts_one(text: str, found: _Found) -> bool:
    """Whether a Chinese 一 + unit is the number one, not the article "a".

    It is when marked (近一年, 一年多), with a 个-time unit (一个月, 一个小时: a duration), or
    when it follows the noun it counts at the end of a clause (副镇长一名。).
    """
    if found.approx and found.unit in rules.TIME_UNITS:
        return True
    if found.unit in _ONE_DURATIONS or found.value != 1 or found.value_max is not None:
        return True  # 一个月, 一年半, 一至十月份
    before, after = text[found.start - 1 : found.start], text[found.end : found.end + 1]
    return (
        found.unit in _POSTPOSED_UNITS
        and rules.is_han(before)
        and before not in _NOT_NOUN_END
        and (not after or after in _CLAUSE_END)
    )


def _half(text: str, match: re.Match[str]) -> _Found | None:
    """近半, 过半, 不到半月, 近半年: a half, marked, alone or of a time unit."""
    found = _Found(match.start(), match.end(), 0.5)
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


def _one_may_count(text: str, pos: int) -> bool:
    """A cheap test before ``_counts_one``: what follows a lone 一 at ``pos`` could make it
    a count (a marker, a range, a time unit, a postposed classifier at a clause end)."""
    after = text[pos : pos + 1]
    if after in _ONE_MARKS:
        return True
    unit = rules.match_unit(text, pos)
    if unit is None:
        return False
    if unit in rules.TIME_UNITS or unit in _ONE_DURATIONS:
        return True
    end = text[pos + len(unit) : pos + len(unit) + 1]
    return unit in _POSTPOSED_UNITS and (not end or end in _CLAUSE_END)


def _names_a_period(text: str, found: _Found, numeral: str | None) -> bool:
    """A number after 前 or 这/那 that names a stretch or a rank, not an amount: 今年前两个月,
    长假前三天 (the first days of a period), 这两天 (these days), 前10名 (a rank). 飞行前12小时
    (12 hours before) and 这3周 are amounts, and in 目前3家, 提前3天 前 ends another word."""
    before = text[found.start - 1 : found.start]
    match_two = numeral == "两"
    if before and before in "这那" and match_two and found.unit in rules.TIME_UNITS:
        return True
    if before != "前" or not found.unit:
        return False
    word_end = text[found.start - 2 : found.start - 1]
    if word_end and word_end in _PERIOD_BLOCKERS:
        return False
    if found.unit in _RANK_UNITS:
        return True
    return found.unit in rules.TIME_UNITS and bool(word_end) and word_end in _PERIODS


def _prefix_marker(text: str, found: _Found, match: re.Match[str]) -> None:
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


def _names_a_day(number: str, text: str, end: int) -> bool:
    """5.12汶川地震, 3.15晚会: a month.day glued to the name it gives, not a decimal."""
    month, _, day = normalize_digits(number).partition(".")
    return (
        rules.is_han(text[end : end + 1])
        and month.isdigit()
        and 1 <= int(month) <= 12
        and len(day) <= 2
        and 1 <= int(day or 0) <= 31
    )


def _starts_word(text: str, pos: int) -> bool:
    char = text[pos : pos + 1]
    return rules.is_han(char) and char not in _CLAUSE_END + "的了"


def _scan(para: str, blocked: list[tuple[int, int]]) -> list[_Found]:
    found: list[_Found] = []
    pos = 0
    while True:
        match = _CANDIDATE.search(para, pos)
        if match is None:
            return found
        pos = match.end()
        numeral, after = match["zh"], para[pos : pos + 1]
        if numeral and (
            # 统一, 一般, 五老: a unit, marker or range must follow (or a 万/亿 end: 十亿)
            (after not in _AFTER_CHINESE and numeral[-1] not in "万亿")
            or para[match.start() - 1 : match.start()] == "第"  # 第一
        ):
            continue
        if any(a <= match.start() < b for a, b in blocked):
            continue
        if match["half"]:
            half = _half(para, match)
            if half is not None and not (found and half.start < found[-1].end):
                found.append(half)
                pos = half.end
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
