"""The kind of a figure, from its unit's class (``figure_rules.UNITS``) and its context.

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
"""

from __future__ import annotations

import re

from app.models import FigureKind
from app.parsing.figure_numbers import Found

# What may follow a year or a month to make one date: 2021年6月4日, 5月10日.
_MONTH_TAIL = re.compile(r"(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})月份?")
_DAY_TAIL = re.compile(r"(?:[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3})[日号]")
YEAR_RANGE = (1000, 2100)
"""A 4-digit number + 年 in this range is a calendar year (2021年), not 2021 years."""
_KINDS: dict[str, FigureKind] = {
    "count": "count",
    "money": "money",
    "percent": "percent",
    "duration": "duration",
    "anniversary": "anniversary",
    "date": "date",
    "measure": "measure",
}


def assign_kind(text: str, found: Found, match: re.Match[str], unit_class: str) -> None:
    """Set the kind of a figure with a unit, and its end (a date takes its month and day)."""
    if match["zh"] is not None and "两" in match["zh"] and unit_class in ("month", "day"):
        unit_class = "duration"  # 两日: 两 never names a date
    year_shaped = match["zh"] is not None or len(match["ar"] or "") == 4
    high = found.value_max
    if unit_class == "day" and high is not None and high <= 31 and text[found.start - 1] == "月":
        high = None  # 6月1-3日: calendar days, not a span of days
    found.kind, found.end = resolve_kind(
        text,
        found.end,
        found.value,
        high,
        found.approx,
        unit_class,
        year_shaped,
    )


def resolve_kind(
    text: str,
    end: int,
    value: float,
    high: float | None,
    approx: bool,
    unit_class: str,
    year_shaped: bool,
) -> tuple[FigureKind, int]:
    """The kind for a unit class, and the figure's end (a date takes its month and day).

    年 is a date for a calendar year (4 digits or 二〇二一, in ``YEAR_RANGE``, unmarked),
    else a duration; 月 is a date for an unmarked 1–12 (or a range of them: 1-2月), 日 for
    1–31, else durations (3个月 has its own unit, always a duration).
    """
    whole = value.is_integer()
    is_range = high is not None
    if unit_class == "year":
        if year_shaped and whole and not approx and YEAR_RANGE[0] <= value <= YEAR_RANGE[1]:
            tail = _MONTH_TAIL.match(text, end)
            if tail:
                day = _DAY_TAIL.match(text, tail.end())
                end = day.end() if day else tail.end()
            return "date", end
        return "duration", end
    if unit_class == "month":
        months = high is None or (high.is_integer() and high <= 12)
        if not approx and months and whole and 1 <= value <= 12:
            day = _DAY_TAIL.match(text, end)
            return "date", day.end() if day else end
        return "duration", end
    if unit_class == "day":
        calendar = not approx and not is_range and whole and 1 <= value <= 31
        return ("date" if calendar else "duration"), end
    return _KINDS.get(unit_class, "number"), end
