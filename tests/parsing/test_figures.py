"""Tests for the figure extractor (app.parsing.figures)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.models import Figure, Paragraph
from app.parsing.figures import extract_figures

ROOT = Path(__file__).parents[2]
SEED = ROOT / "data" / "000_bd4049ec00aa3a8d.txt"
CASES = json.loads((Path(__file__).parent / "figure_cases.json").read_text(encoding="utf-8"))
FIELDS = ("text", "value", "value_max", "unit", "noun", "approximate", "bound", "kind")


def one(text: str) -> tuple[tuple[Figure, ...], tuple[Figure, ...]]:
    """Extract from a single lead paragraph that is the whole text."""
    para = Paragraph(index=1, text=text, start=0, end=len(text))
    return extract_figures(text, [(None, para)])


def texts(text: str) -> list[str]:
    return [f.text for f in one(text)[0]]


def summary(figure: Figure) -> dict[str, Any]:
    return {name: getattr(figure, name) for name in FIELDS}


# --- the parametrised corpus ------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:16] for c in CASES])
def test_corpus(case: dict[str, Any]) -> None:
    figures, slogans = one(case["text"])
    assert [summary(f) for f in figures] == [
        {**expected, "value": pytest.approx(expected["value"])} for expected in case["figures"]
    ]
    assert [s.text for s in slogans] == case["slogans"]
    assert all(s.kind == "slogan" for s in slogans)


def test_corpus_is_broad() -> None:
    assert len(CASES) >= 40
    assert sum(1 for c in CASES if not c["figures"]) >= 10
    kinds = {f["kind"] for c in CASES for f in c["figures"]}
    assert kinds >= {"count", "money", "percent", "duration", "anniversary", "date", "measure"}


# --- one rule at a time ----------------------------------------------------------------


def test_comma_before_a_number_is_punctuation() -> None:
    assert texts("云溪区534个基层党组织,11543名党员干部") == ["534个", "11543名"]
    assert texts("共计1,234名") == ["1,234名"]


def test_noun_before_and_after() -> None:
    (after,) = one("共有534个基层党组织,成效明显。")[0]
    (before,) = one("解决营商环境等方面问题52个;")[0]
    assert (after.noun, before.noun, before.text) == ("基层党组织", "问题", "52个")


def test_noun_stops_at_function_words_and_verbs() -> None:
    nouns = [f.noun for f in one("11543名党员干部围绕目标,万余名职工的停车难,12.5万元对山塘")[0]]
    assert nouns == ["党员干部", "职工", None]


def test_noun_leaves_out_a_closing_locative() -> None:
    """14个交易日当中 counts 交易日; a two-character noun such as 高中 stays whole."""
    nouns = [f.noun for f in one("短短14个交易日当中,连续两个跌停后,全县有3所高中。")[0]]
    assert nouns == ["交易日", "跌停", "高中"]


def test_noun_is_none_rather_than_a_clause() -> None:
    (figure,) = one("七八个人围坐一起。")[0]
    assert (figure.value, figure.value_max, figure.noun) == (7, 8, None)


@pytest.mark.parametrize(
    ("text", "span", "approximate", "bound"),
    [
        ("约50人", "约50人", True, None),
        ("近50人", "近50人", True, "upper"),
        ("逾50人", "逾50人", False, "lower"),
        ("超过50人", "超过50人", False, "lower"),
        ("不足50人", "不足50人", False, "upper"),
        ("50余人", "50余人", True, "lower"),
        ("50多人", "50多人", True, "lower"),
        ("五十来人", "五十来人", True, None),
        ("50人左右", "50人", True, None),
        ("50人以上", "50人", False, "lower"),
        ("50人以内", "50人", False, "upper"),
        ("50人", "50人", False, None),
    ],
)
def test_markers(text: str, span: str, approximate: bool, bound: str | None) -> None:
    """Only 余 多 近 约 左右 来 上下 几 数 approximate; 超过, 以上… bound an exact number and a
    trailing word (左右, 以上) qualifies the figure without joining its text."""
    (figure,) = one(text)[0]
    assert (figure.text, figure.value, figure.approximate, figure.bound) == (
        span,
        50,
        approximate,
        bound,
    )


def test_marker_characters_inside_words_are_not_markers() -> None:
    assert texts("最近5年,签约5个项目") == ["5年", "5个"]


def test_quantities_of_one_are_left_out_but_arabic_one_counts() -> None:
    assert texts("办一件实事,读一本书,组建1个宣讲团") == ["1个"]
    assert texts("近一年来") == ["近一年"]


@pytest.mark.parametrize(
    "text",
    [
        "第一时间",
        "第3次",
        "千家万户",
        "一般",
        "十分感慨",
        "热心五老",
        "一批",
        "一片点赞",
        "统一",
        "唯一",
        "百年征程",
        "百年初心",
        "陆城镇",
        "5G网络",
        "4K电视",
        "A3纸",
        "一件大实事",
        "三番五次",
        "十九届五中全会",
        "v1.2版本",
        "10:30开会",
    ],
)
def test_not_figures(text: str) -> None:
    assert one(text) == ((), ())


@pytest.mark.parametrize(
    ("text", "slogans"),
    [
        ("增强“四个意识”、坚定“四个自信”、做到“两个维护”", ["四个意识", "四个自信", "两个维护"]),
        ("落实“一周一调度、一周一简报、一月一小结”", ["一周一调度", "一周一简报", "一月一小结"]),
        ("做到“五个一”", ["五个一"]),
        ("创新“一月一本书一领学”", ["一月一本书一领学"]),
        ("站在“十四五”起点,落实“三高四新”、“三区一中心”", ["十四五", "三高四新", "三区一中心"]),
        ("新提法“两个确立”和“三个一批”", ["两个确立", "三个一批"]),
        ("推进四个全面", ["四个全面"]),  # a known formula, unquoted
    ],
)
def test_slogans(text: str, slogans: list[str]) -> None:
    figures, found = one(text)
    assert figures == ()
    assert [s.text for s in found] == slogans
    assert {s.kind for s in found} == {"slogan"}


def test_quoted_prose_is_not_a_slogan() -> None:
    figures, slogans = one("开辟“献礼100周年”“每日一则故事、一首革命歌曲”专栏")
    assert ([f.text for f in figures], slogans) == (["100周年"], ())


def test_dates() -> None:
    kinds = [(f.text, f.kind, f.value) for f in one("2021年6月4日起,5月中旬,于2021-06-04发布")[0]]
    assert kinds == [
        ("2021年6月4日", "date", 2021),
        ("5月", "date", 5),
        ("2021-06-04", "date", 2021),
    ]


def test_ids_sentences_and_offsets_across_paragraphs() -> None:
    first, second = "引言。共有3个组。", "站在“十四五”起点。投入5万元,做到“五个一”。"
    text = f"{first}\n标题\n{second}"
    paragraphs = [
        (None, Paragraph(index=1, text=first, start=0, end=len(first))),
        (1, Paragraph(index=2, text=second, start=len(first) + 4, end=len(text))),
    ]
    figures, slogans = extract_figures(text, paragraphs)
    assert [(f.id, f.text, f.section, f.paragraph) for f in figures] == [
        (1, "3个", None, 1),
        (2, "5万元", 1, 2),
    ]
    assert [(s.id, s.text) for s in slogans] == [(3, "十四五"), (4, "五个一")]
    assert [f.sentence for f in (*figures, *slogans)] == [
        "共有3个组。",
        "投入5万元,做到“五个一”。",
        "站在“十四五”起点。",
        "投入5万元,做到“五个一”。",
    ]
    assert all(text[f.start : f.end] == f.text for f in (*figures, *slogans))


# --- the seed article ------------------------------------------------------------------


def seed_paragraphs() -> tuple[str, list[tuple[int | None, Paragraph]]]:
    """The seed's body as the parser lays it out: lead, then heading + paragraphs."""
    lines = SEED.read_text(encoding="utf-8").splitlines()

    def line(number: int) -> str:
        return lines[number - 1].strip()

    def heading(a: int) -> tuple[str, int, str]:
        return ("heading", 0, f"{line(a)} {line(a + 1)}")

    joined = " ".join(line(n) for n in (18, 19, 20, 21))
    layout = [
        *[("para", 0, line(n)) for n in (5, 6)],
        heading(7),
        *[("para", 1, line(n)) for n in (9, 10, 11, 12)],
        heading(13),
        *[("para", 2, line(n)) for n in (15, 16, 17)],
        ("para", 2, joined),
        ("para", 2, line(22)),
        heading(23),
        *[("para", 3, line(n)) for n in (25, 26, 27, 28)],
    ]
    pairs: list[tuple[int | None, Paragraph]] = []
    offset = 0
    for role, section, content in layout:
        if role == "para":
            para = Paragraph(
                index=len(pairs) + 1, text=content, start=offset, end=offset + len(content)
            )
            pairs.append((section or None, para))
        offset += len(content) + 1
    return "\n".join(content for _, _, content in layout), pairs


# (text, value, unit, noun, approximate, bound, kind)
SEED_FIGURES = [
    ("534个", 534, "个", "基层党组织", False, None, "count"),
    ("11543名", 11543, "名", "党员干部", False, None, "count"),
    ("7个", 7, "个", "工作组", False, None, "count"),
    ("5个", 5, "个", "巡回指导组", False, None, "count"),
    ("1个", 1, "个", "宣讲团", False, None, "count"),
    ("5个", 5, "个", "宣讲小组", False, None, "count"),
    ("两次", 2, "次", "集中学习", False, None, "count"),
    ("100周年", 100, "周年", None, False, None, "anniversary"),
    ("5月", 5, "月", None, False, None, "date"),
    ("28件", 28, "件", "实事", False, None, "count"),
    ("146件", 146, "件", "实事", False, None, "count"),
    ("十五年", 15, "年", None, False, None, "duration"),
    ("万余名", 10000, "名", "职工", True, "lower", "count"),
    ("52个", 52, "个", "问题", False, None, "count"),
    ("12.5万元", 125000, "元", "资金", False, None, "money"),
    ("200余", 200, None, None, True, "lower", "number"),
    ("11543名", 11543, "名", "党员", False, None, "count"),
    ("600多件", 600, "件", "事务", True, "lower", "count"),
    ("1400多个", 1400, "个", "事项", True, "lower", "count"),
    ("320件", 320, "件", "纠纷", False, None, "count"),
]
SEED_SLOGANS = [
    "四个意识",
    "四个自信",
    "两个维护",
    "一周一调度",
    "一周一简报",
    "一月一小结",
    "五个一",
    "一月一本书一领学",
    "十四五",
    "三高四新",
    "三区一中心",
]


def test_seed_figures_exactly() -> None:
    text, pairs = seed_paragraphs()
    figures, slogans = extract_figures(text, pairs)
    got = [(f.text, f.value, f.unit, f.noun, f.approximate, f.bound, f.kind) for f in figures]
    assert got == SEED_FIGURES
    assert all(f.value_max is None for f in figures)
    assert [s.text for s in slogans] == SEED_SLOGANS
    assert [f.id for f in (*figures, *slogans)] == list(range(1, 32))
    assert all(text[f.start : f.end] == f.text for f in (*figures, *slogans))
    assert [f.section for f in figures] == [None] * 2 + [1] * 6 + [3] * 12
    money = figures[14]
    assert money.sentence.startswith("云溪区城管局和长岭街道开展联合执法")
    assert money.sentence.endswith("享受剪发等便捷服务。")  # ; does not end a sentence


# --- properties ------------------------------------------------------------------------

_ALPHABET = (
    st.sampled_from(
        list("0123456789０１２,.-—至到余多近约左右以上个名件年月日元万亿%“”、。,第一二两三十百千")
    )
    | st.characters()
)


@st.composite
def _documents(draw: st.DrawFn) -> tuple[str, list[tuple[int | None, Paragraph]]]:
    text = draw(st.text(_ALPHABET, max_size=120))
    pairs: list[tuple[int | None, Paragraph]] = []
    for index in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(text) + 2))
        end = draw(st.integers(0, len(text) + 2))
        section = draw(st.none() | st.integers(1, 5))
        para = Paragraph(index=index + 1, text=text[start:end], start=start, end=end)
        pairs.append((section, para))
    return text, pairs


@settings(max_examples=300, deadline=None)
@given(_documents())
def test_properties(document: tuple[str, list[tuple[int | None, Paragraph]]]) -> None:
    text, pairs = document
    figures, slogans = extract_figures(text, pairs)
    assert [f.id for f in (*figures, *slogans)] == list(range(1, len(figures) + len(slogans) + 1))
    assert all(f.kind != "slogan" for f in figures)
    assert all(s.kind == "slogan" for s in slogans)
    for figure in (*figures, *slogans):
        assert text[figure.start : figure.end] == figure.text
        assert math.isfinite(figure.value)
        assert figure.value_max is None or math.isfinite(figure.value_max)
        assert figure.text in figure.sentence


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_as_one_paragraph(text: str) -> None:
    figures, slogans = one(text)
    assert all(text[f.start : f.end] == f.text for f in (*figures, *slogans))
