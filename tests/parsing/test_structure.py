"""Body structure: fragments, headings, bylines and credits."""

from __future__ import annotations

import pytest

from app.parsing.structure import join_fragments, read_body


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (
            ["举办“青春向党共奋进", "松杨湖畔青年说”演讲比赛。"],
            ["举办“青春向党共奋进 松杨湖畔青年说”演讲比赛。"],
        ),
        (["逐浪前行。(邓志强", "易", "松)"], ["逐浪前行。(邓志强 易 松)"]),
        (["一是强化组织领导,", "二是注重宣传引导。"], ["一是强化组织领导, 二是注重宣传引导。"]),
        (["第一段。", "第二段。"], ["第一段。", "第二段。"]),
        (["具体措施如下:", "建立清单。"], ["具体措施如下:", "建立清单。"]),
        (["坚持以上率下", "党史学习掀热潮"], ["坚持以上率下", "党史学习掀热潮"]),
    ],
)
def test_join_fragments(lines: list[str], joined: list[str]) -> None:
    assert join_fragments(lines) == joined


def test_an_unclosed_quote_does_not_swallow_the_article() -> None:
    lines = ["他说“我们要", *[f"第{n}行" for n in range(20)]]
    assert len(join_fragments(lines)) > 1


def test_two_part_heading() -> None:
    body = read_body(["导语。", "坚持以上率下", "党史学习掀热潮", "正文一段。"])
    assert body.lead == ["导语。"]
    assert body.sections == [("坚持以上率下 党史学习掀热潮", ["正文一段。"])]


def test_numbered_headings_outrank_plain_lines() -> None:
    body = read_body(["导语。", "一、加强领导", "图为活动现场", "正文。", "二、狠抓落实", "正文。"])
    assert [h for h, _ in body.sections] == ["一、加强领导", "二、狠抓落实"]
    assert body.sections[0][1] == ["图为活动现场", "正文。"]


def test_heading_may_end_in_a_closing_quote() -> None:
    body = read_body(["导语。", "激活“红色引擎”", "正文。"])
    assert body.sections == [("激活“红色引擎”", ["正文。"])]


def test_caption_is_not_a_heading() -> None:
    body = read_body(["导语。", "图为活动现场", "正文。"])
    assert body.sections == []


def test_closing_byline_and_credits() -> None:
    body = read_body(["正文。(记者", "张", "三)", "版式设计:", "王五", "数据来源:市统计局"])
    assert body.authors == ["张三"]
    assert body.lead == ["正文。"]
    assert body.credits == [("版式设计", "王五"), ("数据来源", "市统计局")]


def test_closing_label_byline_without_brackets() -> None:
    body = read_body(["正文。", "记者", "张三", "李四"])
    assert body.authors == ["张三", "李四"]
    assert body.lead == ["正文。"]


def test_closing_source_is_metadata() -> None:
    body = read_body(["正文。", "(来源:岳阳日报)"])
    assert body.source == "岳阳日报"
    assert body.lead == ["正文。"]


def test_dateline_names_authors_but_stays_in_text() -> None:
    body = read_body(["本报讯(记者 张三 通讯员 李四)近日,云溪区召开会议。"])
    assert body.authors == ["张三", "李四"]
    assert body.lead[0].startswith("本报讯(记者 张三")


def test_empty_labels_in_the_header_are_not_title_or_authors() -> None:
    from app.parsing import parse_article

    article = parse_article(
        "云溪区召开经济工作会议\n作者:\n编辑:\n来源:岳阳日报\n"
        "1月7日,云溪区召开经济工作会议,总结2021年经济工作,部署2022年重点任务。\n"
    )
    assert article.title == "云溪区召开经济工作会议"
    assert article.authors == ()
    assert article.credits == ()
    assert article.source == "岳阳日报"


def test_a_short_first_paragraph_is_body_not_title() -> None:
    from app.parsing import parse_article

    article = parse_article(
        "云溪区召开经济工作会议\n近日,云溪区召开大会。\n"
        "会议总结2021年经济工作,部署2022年重点任务,要求全区上下稳中求进。\n"
    )
    assert article.title == "云溪区召开经济工作会议"
    assert article.lead[0].text == "近日,云溪区召开大会。"


def test_a_title_may_end_in_an_exclamation() -> None:
    from app.parsing import parse_article

    article = parse_article(
        "奋斗百年路 启航新征程!\n会议总结2021年经济工作,部署2022年重点任务,要求全区上下稳中求进。\n"
    )
    assert article.title == "奋斗百年路 启航新征程!"


@pytest.mark.parametrize("mark", ["(完)", "(全文完)", "【完】"])
def test_end_marks_are_not_paragraphs(mark: str) -> None:
    body = read_body(["正文。", mark])
    assert body.lead == ["正文。"]


def test_bracketed_credit_line() -> None:
    body = read_body(["正文。", "(编辑:张三)"])
    assert body.credits == [("编辑", "张三")]
    assert body.lead == ["正文。"]


@pytest.mark.parametrize(
    "chrome", ["【打印本页】", "[关闭窗口]", "我要纠错", "扫一扫在手机打开当前页"]
)
def test_page_buttons_are_boilerplate(chrome: str) -> None:
    from app.parsing.normalize import is_boilerplate

    assert is_boilerplate(chrome)
    assert not is_boilerplate("打印机采购项目顺利完成")
