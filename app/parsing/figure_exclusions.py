"""Numbers that are not figures: they name, order or idiomatically say something.

* Quantities of one: a bare Chinese 一 + classifier (一件实事, 一本书, 一年) is an article,
  not a count, and is left out unless marked (近一年, 一年多), a 个-duration (一个月), or
  postposed at a clause end (副镇长一名。); an Arabic 1 (1个宣讲团) counts.
* Chinese numerals need a unit (else 统一, 一般, 五老 would count) or a marker and a 万/亿
  (差不多十个亿); a unitless bare 百/千/万 needs a marker (万余名, 上千元, 超万元 count,
  百年征程 and 千家万户 do not). An Arabic integer with no unit needs a marker or a
  multiplier: alone it names something (11路, 1号线, 58同城, 2015新财富500富人榜).
* Not figures: ordinals (第一), digits glued to Latin letters (5G, 4K, PM2.5, G20: but a
  money, percent or measure unit makes GDP28.34亿元 a sum), codes with a leading zero
  (0730, 01班), clock times (9点, 4点半, 10:30), idioms (``IDIOMS``), anything inside a
  slogan, term and session numbers (十九届五中全会, 八届四次全会), phases and classes (二期,
  3班: 期 and 班 count only multiplied or approximate), terms and plans (1年期, 五年行动),
  place names (五家子村), a month.day glued to a name (5.12地震), and a stretch or rank
  named by 前 or 这/那 (今年前两个月, 长假前三天, 这两天, 前10名).

Some of these are decided where the text is read: 10:30, 11.8︰48.3 and 5G never become
candidates (``figure_numbers.CANDIDATE``); 9点 loses its unit in ``figure_qualify`` and is
then a bare number; 1年期 and 五年行动 have no unit (``figure_rules.match_unit``); 第 makes
an ordinal of a Chinese numeral in ``figures`` and of an Arabic one in ``figure_qualify``;
``figures`` skips the idioms matched by ``IDIOM``. The rest is ``names_something``.
"""

from __future__ import annotations

import re

from app.parsing import figure_rules as rules
from app.parsing.figure_numbers import Found
from app.parsing.numerals import DIGITS, normalize_digits

# Idioms and set terms with numerals that would otherwise read as a count: 三番五次 (五次),
# 五花八门 (八门), 三次产业 (the three sectors of an economy), 四周 (all around: 红纸四周).
_IDIOM_WORDS = (
    "三番五次 三天两头 三年五载 五花八门 三令五申 千家万户 千方百计 "
    "千辛万苦 千军万马 万水千山 一年四季 四面八方 五湖四海 七上八下 "
    "三五成群 十年磨一剑 一五一十 四分五裂 百年大计 千秋万代 万紫千红 "
    "一心一意 三心二意 九牛一毛 十全十美 七嘴八舌 四通八达 成千上万 成百上千 "
    "千千万万 一年半载 十年树木 百年树人 三天打鱼 两天晒网 三次产业 四周"
)
IDIOMS = tuple(_IDIOM_WORDS.split())
# Any of the idioms above in a paragraph (first-character test first); nothing in them
# is a figure.
IDIOM = re.compile(f"(?=[{''.join({idiom[0] for idiom in IDIOMS})}])(?:{'|'.join(IDIOMS)})")
# A Latin letter right before an Arabic number: GDP28.34亿元 (a sum) or PM2.5, G20, v1.2,
# COVID-19 (names: kept out unless a money, percent or measure unit follows).
_LATIN_BEFORE = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
# The unit classes that make a Latin-prefixed number a sum (GDP28.34亿元, CPI2.1%).
_SUM_CLASSES = frozenset({"money", "percent", "measure"})
# An Arabic number with a leading zero is a code (0730, 01班), never a quantity; 0.5 is not.
_LEADING_ZERO = re.compile(r"[0０][0-9０-９]")
# Characters whose presence makes a Chinese numeral a real number: digits and 十 (十年);
# a bare 百, 千, 万 is an idiom (百年征程, 千家万户) unless marked.
_COUNTING_CHARS = frozenset(DIGITS) | {"十"}
# After a Chinese numeral + classifier, one more character and a place suffix make a place's
# name (五家子村, 五棵树镇, 八家户村); a count names its place word at once (三个村, 两个乡镇)
# or with an adjective or a longer modifier (两个小镇, 三个行政村).
_PLACE_NAME = re.compile(r"(?![村镇乡屯庄沟堡寨小新大老古名])[\u4e00-\u9fff][村镇乡屯庄沟堡寨]")
# Units after which a plain number is an identifier (二期工程, 3班) unless the number is
# multiplied or approximate, which no identifier is (11.85万班 runs, 20余期 sessions).
_ID_UNITS = frozenset({"期", "班"})
# 十九届五中全会: a congress's name, not 19 terms.
_PLENUM = re.compile(r"[一二三四五六七八九十]+中全会")
# A 届 shortly before a 次 makes it a session's number: 市委八届四次全体会议, 十四届人大二次会议.
# The gap is a short body's name (人大, 全国人大, 市委), not a clause: 本届政府已召开3次会议
# counts meetings.
_SESSION = re.compile(r"届[^，,。；;、开了召举行已]{0,4}\Z")
# 个-time units after which a lone 一 is one, not "a": 一个月, 一个小时, 一个多星期.
_ONE_DURATIONS = frozenset({"个月", "个小时", "个星期", "个季度", "个工作日"})
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


def names_something(
    text: str, found: Found, match: re.Match[str], unit_class: str | None, multiplied: bool
) -> bool:
    """Whether a number read with its unit and prefix marker is not a figure (see above)."""
    if _names_a_period(text, found, match["zh"]):
        return True
    chinese = match["zh"] is not None
    marked = found.approx or found.bound is not None
    if chinese:
        numeral = match["zh"]
        if found.unit is None and not (multiplied and marked and found.value >= 10_000):
            return True  # 统一, 五老; but 差不多十亿 is a sum
        if not any(c in _COUNTING_CHARS for c in numeral) and not (marked or numeral[0] in "数几"):
            return True  # bare 百年, 千家, 万户; 亿元以上项目 (a threshold: 以上 is no marker here)
        if numeral == "一" and not _counts_one(text, found):
            return True  # 一件实事: an article, not a count (but 近一年, 一个多月 are)
    elif match["ar"] and _LEADING_ZERO.match(match["ar"]):
        return True  # 0730, 01班: a code
    elif _LATIN_BEFORE.match(text, match.start() - 1) and unit_class not in _SUM_CLASSES:
        return True  # PM2.5, G20, COVID-19, A4纸: part of a name
    elif (
        found.unit is None
        and found.kind == "number"
        and not (multiplied or marked)
        and (found.value.is_integer() or _names_a_day(match["ar"], text, found.end))
    ):
        return True  # 11路, 58同城, 2015新财富500富人榜, 5.12地震: a bare number names something
    if chinese and unit_class == "count" and _PLACE_NAME.match(text, found.end):
        return True  # 五家子村, 五棵树镇, 八家户村: a place's name
    if found.unit in _ID_UNITS and not (multiplied or found.approx):
        return True  # 二期, 3班: an identifier (but 11.85万班, 20余期 count)
    if found.unit == "届" and (_PLENUM.match(text, found.end) or _starts_word(text, found.end)):
        return True  # 十九届五中全会, 八届四次全会: a term's number
    # 八届四次全体会议: a session's number
    return found.unit == "次" and bool(_SESSION.search(text, max(0, found.start - 10), found.start))


def _counts_one(text: str, found: Found) -> bool:
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


def _names_a_period(text: str, found: Found, numeral: str | None) -> bool:
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
