"""Parse the numbers printed in Chinese news text: Arabic, Chinese and mixed.

Accepted forms:

* Arabic digits, ASCII or full-width (``１２``), with an optional decimal part
  (``12.5``) and ASCII thousands separators (``1,234``; see ``ARABIC``).
* Chinese numerals built from 零〇一二两三四五六七八九 and the units 十百千万亿,
  e.g. ``十五`` → 15, ``一百二十三`` → 123, ``三千零五`` → 3005, ``一万亿`` → 10¹²,
  colloquial tails such as ``三千五`` → 3500, a bare ``万`` → 10000 (as in
  ``万余名``) and decimals with 点 (``十二点五`` → 12.5).
* Year-style digit strings such as ``二〇二一`` (see :func:`parse_digit_string`).
* A mix of both: an Arabic number times a Chinese multiplier, ``12.5万`` → 125000.

Formal (banker's) numerals 壹贰叁… are deliberately not read: 陆 is far more
often the place-name syllable (陆城镇) than the number 6.

Every function returns ``None`` for anything it cannot read; none of them raises.
"""

from __future__ import annotations

import math
import re

DIGITS: dict[str, int] = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
"""Chinese digit characters and their values."""

SMALL_UNITS: dict[str, int] = {"十": 10, "百": 100, "千": 1000}
"""Units inside a group of four digits."""

MULTIPLIERS: dict[str, int] = {
    "万亿": 10**12,
    "千亿": 10**11,
    "百亿": 10**10,
    "亿": 10**8,
    "千万": 10**7,
    "百万": 10**6,
    "万": 10**4,
}
"""Chinese multipliers that may follow an Arabic number (``3.2亿``, ``1.2万亿``)."""

NUMERAL_CHARS = "".join(DIGITS) + "十百千万亿"
"""Every character a Chinese numeral may be built from."""

# An Arabic number as printed: `11543`, `12.5`, `1,234,567`, `１２`. The dumps fold the
# full-width comma `，` to `,`, so `534个…,11543名` has a comma that is punctuation: a comma
# is a thousands separator only when exactly three digits follow it (and no fourth).
ARABIC = r"[0-9０-９]+(?:,[0-9０-９]{3}(?![0-9０-９]))*(?:[.．][0-9０-９]+)?"

# A Chinese number as printed: 十五, 两, 万 (万余名), 数十, 几百, 十几, 三点五亿.
CHINESE = (
    r"(?:[数几](?=[十百千万亿]))?[零〇一二两三四五六七八九十百千万亿]+"
    r"(?:点[零〇一二三四五六七八九]+[万亿]{0,2})?几?"
)

_ARABIC_FULL = re.compile(ARABIC + r"\Z")
# An Arabic number with an optional multiplier, read at a position: the 9万 of 7至9万元.
_ARABIC_AT = re.compile(rf"{ARABIC}(?P<mul>万亿|千亿|百亿|千万|百万|亿|万)?(?![0-9０-９])")
# A plain Chinese numeral read at a position: the 五 of 三到五年.
_CHINESE_AT = re.compile(
    r"[零〇一二两三四五六七八九十百千万亿]+(?:点[零〇一二三四五六七八九]+[万亿]{0,2})?"
)

# A Chinese decimal such as `十二点五` or `三点二亿`: integer part, 点, digits, multiplier.
_CHINESE_DECIMAL = re.compile(
    r"([零〇一二两三四五六七八九十百千]*)点([零〇一二三四五六七八九]+)(.*)\Z"
)

_FULLWIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def normalize_digits(text: str) -> str:
    """Turn full-width digits and the full-width point into ASCII."""
    return text.translate(_FULLWIDTH)


def parse_arabic(text: str) -> float | None:
    """Read an Arabic number such as ``1,234.5`` or ``１２``; None if not one."""
    if not _ARABIC_FULL.match(text):
        return None
    value = float(normalize_digits(text).replace(",", ""))
    return value if math.isfinite(value) else None


def _parse_group(text: str) -> int | None:
    """Read a number below 10000 written with 十百千 (``三千零五``, ``十五``, ``两百五``)."""
    total = 0
    digit: int | None = None
    last_unit = 10_000
    zero_seen = False
    for char in text:
        if char in "零〇":
            if digit is not None:
                return None
            zero_seen = True
        elif char in DIGITS:
            if digit is not None:
                return None  # two digits in a row: 七八, 十四五
            digit = DIGITS[char]
        elif char in SMALL_UNITS:
            unit = SMALL_UNITS[char]
            if unit >= last_unit:
                return None  # units must fall: 十百 is not a number
            total += (1 if digit is None else digit) * unit
            digit, last_unit, zero_seen = None, unit, False
        else:
            return None
    if digit is not None:
        # 三千零五 → 3005, but the colloquial 三千五 → 3500 (the unit below the last one).
        total += digit if zero_seen or last_unit == 10_000 else digit * (last_unit // 10)
    return total


def _parse_scaled(text: str, mark: str, scale: int) -> int | None:
    """Read ``<high><mark><low>``: 三万五千 with mark 万 and scale 10⁴ → 35000."""
    head, _, tail = text.partition(mark)
    high = (_parse_wan(head) if scale == 10**8 else _parse_group(head)) if head else 1
    if high is None:
        return None
    if len(tail) == 1 and tail in DIGITS and tail not in "零〇":
        low: int | None = DIGITS[tail] * (scale // 10)  # 一万五 → 15000
    else:
        low = _parse_wan(tail) if scale == 10**8 else _parse_group(tail)
    if low is None or low >= scale:
        return None
    return high * scale + low


def _parse_wan(text: str) -> int | None:
    if "万" in text:
        return _parse_scaled(text, "万", 10**4)
    return _parse_group(text)


def parse_chinese_integer(text: str) -> int | None:
    """Read a Chinese integer: ``十五`` → 15, ``三千零五`` → 3005, ``万`` → 10000.

    ``一万亿`` (10¹²) works because the part before 亿 may itself hold a 万.
    Returns None for anything that is not one well-formed number (``七八``, ``十四五``).
    """
    if not text or any(char not in NUMERAL_CHARS for char in text):
        return None
    if "亿" in text:
        if text.count("亿") > 1:
            return None
        return _parse_scaled(text, "亿", 10**8)
    return _parse_wan(text)


def parse_digit_string(text: str) -> int | None:
    """Read digits spelled one by one, as in years: ``二〇二一`` → 2021."""
    if len(text) < 2 or any(char not in DIGITS or char == "两" for char in text):
        return None
    return int("".join(str(DIGITS[char]) for char in text))


def parse_chinese(text: str) -> float | None:
    """Read a Chinese number, decimals with 点 included: ``三点二亿`` → 3.2e8."""
    match = _CHINESE_DECIMAL.match(text)
    if match is None:
        value = parse_chinese_integer(text)
        return None if value is None else float(value)
    whole = parse_chinese_integer(match[1]) if match[1] else 0
    scale = MULTIPLIERS.get(match[3], 1) if match[3] else 1
    if whole is None or (match[3] and match[3] not in MULTIPLIERS):
        return None
    fraction = float("0." + "".join(str(DIGITS[char]) for char in match[2]))
    return (whole + fraction) * scale


def parse_number(text: str) -> float | None:
    """Read any supported number: Arabic, Chinese, or Arabic times 万/亿 (``12.5万``)."""
    for suffix, scale in MULTIPLIERS.items():
        if text.endswith(suffix) and len(text) > len(suffix):
            head = parse_arabic(text[: -len(suffix)])
            if head is not None:
                value = head * scale
                return value if math.isfinite(value) else None
    arabic = parse_arabic(text)
    if arabic is not None:
        return arabic
    return parse_chinese(text)


def read_number_at(text: str, pos: int, chinese: bool) -> tuple[float, int, str | None] | None:
    """Read a number of the given script at ``pos``: (value, end, Arabic multiplier)."""
    if chinese:
        match = _CHINESE_AT.match(text, pos)
        value = parse_chinese(match.group()) if match else None
        return None if match is None or value is None else (value, match.end(), None)
    match = _ARABIC_AT.match(text, pos)
    value = parse_number(match.group()) if match else None
    return None if match is None or value is None else (value, match.end(), match["mul"])
