"""Unit tests for the numeral parser (app.parsing.numerals)."""

from __future__ import annotations

import pytest

from app.parsing.numerals import (
    normalize_digits,
    parse_arabic,
    parse_chinese,
    parse_chinese_integer,
    parse_digit_string,
    parse_number,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("零", 0),
        ("〇", 0),
        ("两", 2),
        ("九", 9),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("一百零一", 101),
        ("一百二十三", 123),
        ("一千零十", 1010),
        ("三千零五", 3005),
        ("三千五", 3500),
        ("两百五", 250),
        ("百", 100),
        ("万", 10_000),
        ("一万五", 15_000),
        ("十万", 100_000),
        ("十万八千", 108_000),
        ("一千三百万", 13_000_000),
        ("三亿五千万", 350_000_000),
        ("一亿零五百万", 105_000_000),
        ("一万亿", 10**12),
        ("三万亿", 3 * 10**12),
        ("一万二千亿", 12 * 10**11),
    ],
)
def test_chinese_integers(text: str, expected: int) -> None:
    assert parse_chinese_integer(text) == expected


@pytest.mark.parametrize(
    "text", ["", "七八", "十四五", "十百", "四万万", "亿亿", "陆", "壹佰", "五老"]
)
def test_malformed_chinese_is_none(text: str) -> None:
    assert parse_chinese_integer(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [("十二点五", 12.5), ("三点二亿", 3.2e8), ("零点五", 0.5), ("一千", 1000.0)],
)
def test_chinese_decimals(text: str, expected: float) -> None:
    assert parse_chinese(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11543", 11543.0),
        ("12.5", 12.5),
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("１２", 12.0),
        ("１２．５", 12.5),
    ],
)
def test_arabic(text: str, expected: float) -> None:
    assert parse_arabic(text) == expected


@pytest.mark.parametrize("text", ["534,11543", "1,23", "1e5", "", "12a", "9" * 400])
def test_not_arabic_or_not_finite(text: str) -> None:
    assert parse_arabic(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.5万", 125_000.0),
        ("3.2亿", 3.2e8),
        ("1.2万亿", 1.2e12),
        ("5千万", 5e7),
        ("十五", 15.0),
        ("3005", 3005.0),
        ("万", 10_000.0),
    ],
)
def test_parse_number(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


def test_digit_strings_and_normalising() -> None:
    assert parse_digit_string("二〇二一") == 2021
    assert parse_digit_string("一九四九") == 1949
    assert parse_digit_string("十五") is None
    assert parse_digit_string("一") is None
    assert normalize_digits("２０２１．５") == "2021.5"
