"""Invariants of the parser, checked on generated input (Hypothesis)."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.models import Article
from app.parsing import ArticleParseError, parse_article

# Generated dumps are built from the seed's own lines, so most of them parse;
# arbitrary bytes and text cover the error path.
_PROFILE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parse_or_none(raw: bytes | str) -> Article | None:
    """Parse; a parse error is fine, but never the safety net's "internal parser error"."""
    try:
        return parse_article(raw)
    except ArticleParseError as exc:
        message = str(exc)
    assert not message.startswith("internal parser error"), message
    return None


def seed_lines(seed: bytes) -> list[str]:
    return seed.decode("utf-8").split("\n")


def all_paragraphs(article: Article) -> list[str]:
    return [p.text for p in (*article.lead, *(p for s in article.sections for p in s.paragraphs))]


@_PROFILE
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes_raise_only_the_parse_error(data: bytes) -> None:
    parse_or_none(data)


@_PROFILE
@given(text=st.text(max_size=2000))
def test_arbitrary_text_raises_only_the_parse_error(text: str) -> None:
    parse_or_none(text)


@_PROFILE
@given(data=st.data())
def test_dropping_and_duplicating_lines_keeps_invariants(
    seed_bytes: bytes, data: st.DataObject
) -> None:
    lines = seed_lines(seed_bytes)
    keep = data.draw(st.lists(st.booleans(), min_size=len(lines), max_size=len(lines)))
    picked = [line for line, k in zip(lines, keep, strict=True) if k or "enpproperty" in line]
    article = parse_or_none("\n".join(picked))
    if article is None:
        return
    check_offsets(article)
    assert is_subsequence(squeeze(article.text), squeeze("".join(picked)))


def check_offsets(article: Article) -> None:
    for paragraph in (*article.lead, *(p for s in article.sections for p in s.paragraphs)):
        assert article.text[paragraph.start : paragraph.end] == paragraph.text
    for figure in article.figures:
        assert article.text[figure.start : figure.end] == figure.text


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def is_subsequence(needle: str, haystack: str) -> bool:
    chars = iter(haystack)
    return all(char in chars for char in needle)


def test_no_body_character_is_lost(seed_bytes: bytes, article: Article) -> None:
    """The seed's body lines (5-30) are exactly the canonical text plus the byline."""
    body = squeeze("".join(seed_bytes.decode("utf-8").split("\n")[4:30]))
    assert body == squeeze(article.text) + "(邓志强易松)"


@_PROFILE
@given(st.sampled_from(["\n", "\r\n", "\r"]), st.integers(min_value=1, max_value=3))
def test_line_ends_and_blank_lines_do_not_matter(
    seed_bytes: bytes, article: Article, newline: str, blanks: int
) -> None:
    text = seed_bytes.decode("utf-8").replace("\n", newline * blanks)
    assert parse_article(text, fallback_id="000_bd4049ec00aa3a8d") == article


def test_deterministic(seed_bytes: bytes) -> None:
    assert parse_article(seed_bytes) == parse_article(seed_bytes)
