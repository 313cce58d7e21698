"""Bad input raises ArticleParseError, with a message a person can act on."""

from __future__ import annotations

import pytest

from app.parsing import ArticleParseError, parse_article

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        ("", "only whitespace"),
        (b" \n\r\n\t ", "only whitespace"),
        (PNG, "binary"),
        (bytes(range(1, 32)) * 10, "binary"),
        (b"abc\x80\xff\xff def", "cannot decode"),
        ("hello world, this is not an article at all.\n" * 3, "prose|title|Chinese"),
        ("标题\n短行\n", "no paragraph of prose"),
    ],
)
def test_bad_input(raw: bytes | str, message: str) -> None:
    with pytest.raises(ArticleParseError, match=message):
        parse_article(raw)


def test_error_is_a_value_error() -> None:
    assert issubclass(ArticleParseError, ValueError)
