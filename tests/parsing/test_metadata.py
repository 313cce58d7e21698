"""The enpproperty metadata residue: found at the end or the top, fields read."""

from __future__ import annotations

from app.models import Article
from app.parsing import parse_article
from app.parsing.metadata import cut_block, read_block

SEED_BLOCK = (
    "2021-06-04 00:00:00:0——云溪区扎实推进党史学习教育纪实498010"
    "http://192.168.99.30:8088/pc/content/202106/04/content_4980.htmlnullcontent_4980.html11"
    "传承红色基因 凝聚奋进力量"
)


def test_read_seed_block() -> None:
    block = read_block(SEED_BLOCK)
    assert block.date == "2021-06-04"
    assert block.url == "http://192.168.99.30:8088/pc/content/202106/04/content_4980.html"
    assert block.article_id == "4980"
    assert block.subtitle == "云溪区扎实推进党史学习教育纪实"
    assert block.texts == ("传承红色基因 凝聚奋进力量",)


def test_invalid_date_is_none() -> None:
    assert read_block("2021-13-45 00:00:00:0").date is None


def test_cut_keeps_text_glued_after_the_end_marker() -> None:
    lines = ["2021-06-04", "00:00:00:0标题/enpproperty-->正文第一行", "第二行"]
    rest, block = cut_block(lines)
    assert rest == ["正文第一行", "第二行"]
    assert block is not None
    assert block.texts == ("标题",)


def test_no_block() -> None:
    assert cut_block(["标题", "正文"]) == (["标题", "正文"], None)


def test_block_without_end_marker_parses_like_the_seed(seed_bytes: bytes, article: Article) -> None:
    text = seed_bytes.decode("utf-8").replace("/enpproperty-->", "")
    assert parse_article(text, fallback_id="000_bd4049ec00aa3a8d") == article


def test_block_moved_to_the_top_parses_like_the_seed(seed_bytes: bytes, article: Article) -> None:
    lines = seed_bytes.decode("utf-8").split("\n")
    block = lines[30:33]
    moved = "\n".join(block + lines[:30] + lines[33:])
    assert parse_article(moved, fallback_id="000_bd4049ec00aa3a8d") == article
