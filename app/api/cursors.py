"""Paging cursors: what a page's ``next_cursor`` holds and its ``cursor`` accepts.

A cursor the server makes is a *keyset token*: the position after the previous
page's last item, so the next page is an index range that starts there, however
deep. It is opaque to clients: one letter naming what it is a position in, then
the position in lowercase hexadecimal:

- ``/articles``: ``a`` + the UTF-8 bytes of the last article's sort key (see
  :func:`app.store.base.sort_key`), valid under any filters;
- ``/search``: ``s`` + the last hit's index row id (8 bytes, big-endian).

A token never starts with a digit, so it cannot be mistaken for the cursor the
server made before: a decimal offset (1-9 digits), still accepted with its old
meaning (a client may hold one) and read as ``OFFSET`` once; the page it starts
hands out a token again.

Why hexadecimal and not base64: the patterns below accept exactly the tokens that
decode to a position (a sort key's shape in well-formed UTF-8 without NUL, which
PostgreSQL's text cannot hold; a signed 64-bit row id), one spelling each. So the
query's validation is the whole check (any other value is the usual 422 problem,
naming the pattern), and every value the OpenAPI document allows is answered. In
base64 the byte boundaries fall inside characters and UTF-8 has no such pattern.
"""

from __future__ import annotations

from typing import Final

from app.store.base import FIRST_SLOT, SEQ_BITS, SLOT_BITS, day_rank, is_sort_key, sort_key

OFFSET_PATTERN: Final = r"[0-9]{1,9}"
# One byte as two lowercase hex digits: a UTF-8 continuation byte, and a digit.
_TAIL = "[89ab][0-9a-f]"
_DIGIT = "3[0-9]"
# One character of well-formed UTF-8 other than NUL (RFC 3629, section 4): no
# overlong forms, no surrogates, nothing past U+10FFFF.
_UTF8_CHAR = "|".join(
    [
        "0[1-9a-f]|[1-7][0-9a-f]",
        f"c[2-9a-f]{_TAIL}|d[0-9a-f]{_TAIL}",
        f"e0[ab][0-9a-f]{_TAIL}|e[1-9a-c]{_TAIL}{_TAIL}|ed[89][0-9a-f]{_TAIL}|e[ef]{_TAIL}{_TAIL}",
        f"f0(?:9[0-9a-f]|[ab][0-9a-f]){_TAIL}{_TAIL}|f[1-3]{_TAIL}{_TAIL}{_TAIL}"
        f"|f48[0-9a-f]{_TAIL}{_TAIL}",
    ]
)
# A sort key: "0" and a date's mapped digits (NNNN-NN-NN), or "1"; then \x01 and the id.
_SORT_KEY = rf"(?:30(?:{_DIGIT}){{4}}2d(?:{_DIGIT}){{2}}2d(?:{_DIGIT}){{2}}|31)01(?:{_UTF8_CHAR})+"
# No upper bound but the request head's (ARTICLE_MAX_HEADER_BYTES, a 431 past it):
# every token the server hands out is accepted, whatever the length of an id.
ARTICLES_PATTERN: Final = rf"^(?:{OFFSET_PATTERN}|a{_SORT_KEY})$"
# A row id is a signed 64-bit integer in both engines: the first digit is 0-7.
SEARCH_PATTERN: Final = rf"^(?:{OFFSET_PATTERN}|s[0-7][0-9a-f]{{15}})$"


def article_token(key: str) -> str:
    """The ``/articles`` cursor of the position after the article with this sort key."""
    return "a" + key.encode("utf-8").hex()


def search_token(row_id: int) -> str:
    """The ``/search`` cursor of the position after the hit with this index row id."""
    return f"s{row_id:016x}"


# The bundled article (4980, 2021-06-04) as the last item of a page, for the docs:
# in a listing, and one of its paragraphs as a search hit (the first slot of its day).
ARTICLE_CURSOR_EXAMPLE: Final = article_token(sort_key("2021-06-04", "4980"))
SEARCH_CURSOR_EXAMPLE: Final = search_token(
    ((day_rank("2021-06-04") << SLOT_BITS) + FIRST_SLOT) << SEQ_BITS | 6
)


def _offset(cursor: str | None) -> int | None:
    """The offset of an old cursor (absent: 0); None for a token."""
    if cursor is None:
        return 0
    return int(cursor) if cursor.isascii() and cursor.isdigit() else None


def article_start(cursor: str | None) -> tuple[int, str | None]:
    """Where an ``/articles`` page starts: (offset, after this sort key or None for the
    first article). The cursor is one ARTICLES_PATTERN accepted."""
    offset = _offset(cursor)
    if offset is not None:
        return offset, None
    assert cursor is not None
    assert cursor.startswith("a")
    key = bytes.fromhex(cursor[1:]).decode("utf-8")
    assert is_sort_key(key), "ARTICLES_PATTERN admits sort keys only"
    return 0, key


def search_start(cursor: str | None) -> tuple[int, int | None]:
    """Where a ``/search`` page starts: (offset, after this row id or None for the first
    hit). The cursor is one SEARCH_PATTERN accepted."""
    offset = _offset(cursor)
    if offset is not None:
        return offset, None
    assert cursor is not None
    assert cursor.startswith("s")
    return 0, int(cursor[1:], 16)
