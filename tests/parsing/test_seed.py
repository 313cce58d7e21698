"""The exact results the foundation issue asks for on the bundled seed article."""

from __future__ import annotations

import pytest

from app.models import Article

NOISE = (
    "-->",
    "enpproperty",
    "热点文章推荐",
    "相关文章推荐",
    "00:00:00",
    "content_4980.html",
    "来源:",
)


def test_metadata(article: Article) -> None:
    assert article.title == "传承红色基因 凝聚奋进力量"
    assert article.subtitle == "云溪区扎实推进党史学习教育纪实"
    assert article.pretitle is None
    assert article.date == "2021-06-04"
    assert article.authors == ("邓志强", "易松")
    assert article.source is None
    assert article.id == "4980"
    assert article.url == "http://192.168.99.30:8088/pc/content/202106/04/content_4980.html"
    assert article.credits == ()


def test_structure(article: Article) -> None:
    assert len(article.lead) == 2
    assert [(s.heading, len(s.paragraphs)) for s in article.sections] == [
        ("坚持以上率下 党史学习掀热潮", 4),
        ("创新方式方法 学深悟透守初心", 5),
        ("矢志为民服务 奋发有为担使命", 4),
    ]
    assert article.stats.paragraphs == 15
    indexes = [p.index for p in article.lead] + [
        p.index for s in article.sections for p in s.paragraphs
    ]
    assert indexes == list(range(1, 16))


def test_quoted_phrases_split_by_whitespace_are_one_paragraph(article: Article) -> None:
    paragraph = article.sections[1].paragraphs[3]
    assert paragraph.text.startswith(
        "松杨湖街道相继举办“青春向党共奋进 松杨湖畔青年说”演讲比赛、“追寻红色记忆 "
        "不忘初心前行”实践教学活动"
    )
    assert "“讲述红色故事 传承红色基因”主题宣讲" in paragraph.text


def test_byline_is_metadata_not_text(article: Article) -> None:
    last = article.sections[-1].paragraphs[-1]
    assert last.text.endswith("逐浪前行。")
    assert "邓志强" not in article.text


@pytest.mark.parametrize("noise", NOISE)
def test_no_noise_in_any_field(article: Article, noise: str) -> None:
    dumped = article.model_dump()
    dumped.pop("url")
    assert noise not in repr(dumped)


def test_offsets_round_trip(article: Article) -> None:
    for paragraph in [*article.lead, *(p for s in article.sections for p in s.paragraphs)]:
        assert article.text[paragraph.start : paragraph.end] == paragraph.text
    for section in article.sections:
        assert article.text[section.start :].startswith(section.heading)


def test_stats_match_the_parts(article: Article) -> None:
    stats = article.stats
    assert stats.sections == 3
    assert stats.lead_paragraphs == 2
    assert [s.paragraphs for s in stats.per_section] == [4, 5, 4]
    assert stats.characters == sum(
        len(p.text) for p in [*article.lead, *(p for s in article.sections for p in s.paragraphs)]
    )
    assert stats.characters == len(article.lead[0].text) + len(article.lead[1].text) + sum(
        s.characters for s in stats.per_section
    )
    assert 0 < stats.han_characters < stats.characters
    assert stats.sentences >= stats.paragraphs
    assert stats.reading_minutes > 0


# (text, value, unit, approximate, noun) the figures issue requires on the seed, every
# value written by hand from the text; 11543名 stands twice in the text. 5月 (in 5月中旬)
# is the only other figure: a date. 100周年 and 十五年(之久) name no noun.
SEED_FIGURES = [
    ("534个", 534, "个", False, "基层党组织"),
    ("11543名", 11543, "名", False, "党员干部"),
    ("7个", 7, "个", False, "工作组"),
    ("5个", 5, "个", False, "巡回指导组"),
    ("1个", 1, "个", False, "宣讲团"),
    ("5个", 5, "个", False, "宣讲小组"),
    ("两次", 2, "次", False, "集中学习"),
    ("100周年", 100, "周年", False, None),
    ("28件", 28, "件", False, "实事"),  # 省市区重点民生实事28件: the head noun
    ("146件", 146, "件", False, "实事"),
    ("十五年", 15, "年", False, None),
    ("万余名", 10000, "名", True, "职工"),
    ("52个", 52, "个", False, "问题"),
    ("12.5万元", 125000, "元", False, "资金"),
    # 让200余民在家门口看病: 民 stands where the measure word 名 belongs (a typo in
    # the source); the figure keeps no unit and no noun rather than guess.
    ("200余", 200, None, True, None),
    ("11543名", 11543, "名", False, "党员"),
    ("600多件", 600, "件", True, "事务"),
    ("1400多个", 1400, "个", True, "事项"),
    ("320件", 320, "件", False, "纠纷"),  # 化解矛盾纠纷320件: the head noun
]
SLOGANS = ["四个意识", "四个自信", "两个维护", "五个一", "十四五", "三高四新", "三区一中心",
           "一周一调度", "一月一本书一领学"]  # fmt: skip


def test_seed_figures(article: Article) -> None:
    got = [
        (f.text, f.value, f.unit, f.approximate, f.noun)
        for f in article.figures
        if f.kind != "date"
    ]
    assert got == SEED_FIGURES
    assert [f.text for f in article.figures if f.kind == "date"] == ["5月"]
    wan = next(f for f in article.figures if f.text == "万余名")
    assert wan.bound == "lower"
    assert [f.id for f in article.figures] == list(range(1, len(article.figures) + 1))


def test_seed_slogans_are_not_figures(article: Article) -> None:
    slogans = {s.text.strip("“”") for s in article.slogans}
    assert set(SLOGANS) <= slogans
    spans = [(s.start, s.end) for s in article.slogans]
    for figure in article.figures:
        assert all(figure.end <= start or figure.start >= end for start, end in spans)
    assert all(s.kind == "slogan" for s in article.slogans)
    assert article.stats.figures.total == len(article.figures)
