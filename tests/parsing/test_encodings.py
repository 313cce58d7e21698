"""Encodings and line ends: every variant of the seed parses to the same article."""

from __future__ import annotations

import codecs
import re

import pytest

from app.models import Article
from app.parsing import ArticleParseError, parse_article
from app.parsing.normalize import fold


def variants(text: str) -> dict[str, bytes | str]:
    return {
        "utf-8-bom": codecs.BOM_UTF8 + text.encode("utf-8"),
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
        "cr": text.replace("\n", "\r").encode("utf-8"),
        "gbk": text.encode("gbk"),
        "gb18030": text.encode("gb18030"),
        "utf-16": text.encode("utf-16"),
        "str": text,
        "trailing-spaces": "\n".join(f"  {line}\t" for line in text.split("\n")).encode("utf-8"),
    }


@pytest.mark.parametrize(
    "name",
    [
        "utf-8-bom",
        "crlf",
        "cr",
        "gbk",
        "gb18030",
        "utf-16",
        "str",
        "trailing-spaces",
    ],
)
def test_variant_parses_like_the_seed(seed_bytes: bytes, article: Article, name: str) -> None:
    raw = variants(seed_bytes.decode("utf-8"))[name]
    assert parse_article(raw, fallback_id="000_bd4049ec00aa3a8d") == article


def test_truncated_utf8_is_refused_not_misread(seed_bytes: bytes) -> None:
    with pytest.raises(ArticleParseError, match="truncated"):
        parse_article(seed_bytes[:-1])


def test_gb18030_only_characters(seed_bytes: bytes) -> None:
    """Characters outside GBK (here 𠮷, U+20BB7) decode through GB18030."""
    text = seed_bytes.decode("utf-8").replace("钟慧", "钟𠮷")
    assert "钟𠮷" in parse_article(text.encode("gb18030")).text


def full_width(text: str) -> str:
    """The seed as a CMS that keeps full-width punctuation would deliver it."""
    text = text.replace(",", "，").replace("(", "（").replace(")", "）").replace(";", "；")
    return re.sub(r":(?![/0-9])", "：", text)  # not the URL's `://` nor the time's colons


def test_full_width_punctuation_is_served_as_the_file_has_it(
    seed_bytes: bytes, article: Article
) -> None:
    """Same facts as the seed, and every full-width mark kept (never folded to ASCII)."""
    wide = parse_article(full_width(seed_bytes.decode("utf-8")), fallback_id="x")
    assert fold(wide.model_dump_json()) == article.model_dump_json()
    assert wide.text == full_width(article.text)
    assert wide.authors == ("邓志强", "易松")


def test_ascii_punctuation_is_not_widened(article: Article) -> None:
    """The seed's CMS folded its punctuation to ASCII: it is served as ASCII."""
    assert "," in article.text
    assert not re.search("[\uff01-\uff5e]", article.model_dump_json())
