"""Paging tokens: every position has exactly one token, and every value the cursor
patterns admit is a position (so the OpenAPI pattern is the whole validation)."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from app.api import cursors
from app.store.base import is_sort_key, sort_key

# Any id PostgreSQL's text can hold: no NUL, no lone surrogate (not UTF-8).
ids = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), min_size=1)
dates = st.none() | st.dates().map(lambda d: f"{d:%Y-%m-%d}") | st.text(max_size=12)
row_ids = st.integers(0, (1 << 63) - 1)


@given(date=dates, article_id=ids)
def test_every_listing_position_has_a_token_the_pattern_admits(
    date: str | None, article_id: str
) -> None:
    key = sort_key(date, article_id)
    token = cursors.article_token(key)
    assert re.fullmatch(cursors.ARTICLES_PATTERN, token)
    assert cursors.article_start(token) == (0, key)


@given(token=st.from_regex(cursors.ARTICLES_PATTERN, fullmatch=True))
def test_every_admitted_articles_cursor_is_a_position(token: str) -> None:
    offset, key = cursors.article_start(token)
    if key is None:
        assert token == str(offset).zfill(len(token))
    else:
        assert is_sort_key(key)
        assert cursors.article_token(key) == token, "one token per position"


@given(row_id=row_ids)
def test_every_search_position_has_a_token_the_pattern_admits(row_id: int) -> None:
    token = cursors.search_token(row_id)
    assert re.fullmatch(cursors.SEARCH_PATTERN, token)
    assert cursors.search_start(token) == (0, row_id)


@given(token=st.from_regex(cursors.SEARCH_PATTERN, fullmatch=True))
def test_every_admitted_search_cursor_is_a_position(token: str) -> None:
    offset, row_id = cursors.search_start(token)
    if row_id is None:
        assert token == str(offset).zfill(len(token))
    else:
        assert 0 <= row_id < 1 << 63
        assert cursors.search_token(row_id) == token, "one token per position"


def test_no_token_is_a_decimal_offset() -> None:
    for token in (cursors.ARTICLE_CURSOR_EXAMPLE, cursors.SEARCH_CURSOR_EXAMPLE):
        assert not token[0].isdigit()
