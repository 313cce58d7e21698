"""Bylines: labels are not names, a padded two-character name is one name."""

from __future__ import annotations

import pytest

from app.parsing.bylines import parse_names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("邓志强 易 松", ("邓志强", "易松")),
        ("记者 张三 通讯员 李 四", ("张三", "李四")),
        ("本报记者 张三", ("张三",)),
        ("记者张三", ("张三",)),
        ("记者:王五", ("王五",)),
        ("文/张三", ("张三",)),
        ("文/图 张三 报道", ("张三",)),
        ("云溪区融媒体中心 邓志强", ("邓志强",)),
        ("岳阳日报记者 张三", ("张三",)),
        ("欧阳晓晓", ("欧阳晓晓",)),
        ("买买提·艾力", ("买买提·艾力",)),
        ("张三、李四", ("张三", "李四")),
    ],
)
def test_names(text: str, names: tuple[str, ...]) -> None:
    assert parse_names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "完",
        "全文完",
        "来源:岳阳日报",
        "编辑:张三",
        "本文有删节",
        "街道",
        "易",
        "记者",
        "张 三 李",
        "",
    ],
)
def test_not_a_byline(text: str) -> None:
    assert parse_names(text) is None
