"""One small dump per family of the format that the real-article corpus showed.

The corpus (tests/corpus) measures accuracy; these cases pin each rule down on its own,
so a change that breaks one family fails here with its name.
"""

from __future__ import annotations

import pytest

from app.models import Article
from app.parsing import parse_article

P1 = "近日,云溪区召开党史学习教育推进会,全面部署下一阶段工作,区委书记出席会议并讲话。"
P2 = "会议要求,各级党组织要把学习教育同推动工作结合起来,确保取得实效,推动高质量发展。"
TITLE = "云溪区召开经济工作会议"


def parse(*lines: str) -> Article:
    return parse_article("\n".join(lines) + "\n", fallback_id="case")


def test_numbered_headings() -> None:
    article = parse(
        TITLE, "来源:岳阳日报", "-->", P1, "一、加强组织领导", P2, "二、注重宣传引导", P2
    )
    assert [s.heading for s in article.sections] == ["一、加强组织领导", "二、注重宣传引导"]
    assert article.source == "岳阳日报"


def test_quoted_headings() -> None:
    article = parse(TITLE, P1, "“红色引擎”激活基层", P2, "“绿色发展”迈出新步", P2)
    assert [s.heading for s in article.sections] == ["“红色引擎”激活基层", "“绿色发展”迈出新步"]


def test_a_line_that_is_one_quotation_is_not_a_heading() -> None:
    article = parse(TITLE, P1, "“不忘初心”", P2)
    assert article.sections == ()


@pytest.mark.parametrize(
    ("top", "authors", "credits"),
    [
        (["记者", "张三", "通讯员", "李四"], ("张三", "李四"), []),
        (["本报记者", "欧阳晓"], ("欧阳晓",), []),
        (["作者:张三"], ("张三",), []),
        (["□本报记者", "伍水清", "文/图"], ("伍水清",), []),
        (
            ["◆文/记者", "张三", "◆图/记者", "李四", "◆编辑:王五"],
            ("张三",),
            [("摄影", "李四"), ("编辑", "王五")],
        ),
    ],
    ids=["reporter-and-correspondent", "benbao", "zuozhe", "decorated", "credit-block"],
)
def test_bylines_at_the_top(
    top: list[str], authors: tuple[str, ...], credits: list[tuple[str, str]]
) -> None:
    article = parse(TITLE, *top, P1, P2)
    assert article.title == TITLE
    assert article.authors == authors
    assert [(c.label, c.value) for c in article.credits] == credits
    assert article.stats.paragraphs == 2


@pytest.mark.parametrize(
    ("lines", "authors"),
    [
        (["本网讯", "记者丁朝霞", "11月2号,市政府召开招商引资暨项目建设工作会议。"], ("丁朝霞",)),
        (
            ["本报讯(记者", "刘卓", "通讯员", "王靖博)3月14日,延长县举行重点项目开工仪式。"],
            ("刘卓", "王靖博"),
        ),
        (
            ["本报讯", "记者周发源报道", "海南自由贸易试验区建设项目集中开工签约活动日前举行。"],
            ("周发源",),
        ),
        (
            ["据新华社拉萨电(记者", "格桑边觉)记者近日从西藏自治区农业农村厅了解到有关情况。"],
            ("格桑边觉",),
        ),
    ],
    ids=["split-dateline", "bracketed", "glued-baodao", "agency"],
)
def test_datelines_name_authors_and_stay_in_the_first_paragraph(
    lines: list[str], authors: tuple[str, ...]
) -> None:
    article = parse(TITLE, *lines, P2)
    assert article.authors == authors
    assert article.lead[0].text == " ".join(lines)
    assert article.sections == ()


def test_photo_credits_are_credits_and_their_captions_paragraphs() -> None:
    article = parse(TITLE, P1, "会议现场", "张三", "摄", P2, "图为活动现场", "(李四", "摄)", P2)
    assert article.authors == ()
    assert [(c.label, c.value) for c in article.credits] == [("摄影", "张三"), ("摄影", "李四")]
    assert [p.text for p in article.lead] == [P1, "会议现场", P2, "图为活动现场", P2]
    assert article.sections == ()


def test_closing_credits_and_bracketed_byline_with_organisation() -> None:
    article = parse(
        TITLE, P1, P2 + "(云溪区委宣传部", "张三)", "数据来源:", "云溪区统计局", "二审:赵六"
    )
    assert article.authors == ("张三",)
    assert [(c.label, c.value) for c in article.credits] == [
        ("数据来源", "云溪区统计局"),
        ("二审", "赵六"),
    ]


def test_page_chrome_after_the_body_is_dropped() -> None:
    article = parse(
        TITLE, P1, P2, "本报记者", "李震宇", "3上一篇", "下一篇4", "收藏", "0人参与,0条评论"
    )
    assert article.authors == ("李震宇",)
    assert [p.text for p in article.lead] == [P1, P2]


def test_site_navigation_and_info_table_are_not_the_title() -> None:
    article = parse(
        "首页", ">", "杜集区人民政府办公室", ">", "政府会议", "信息分类:", "专题会议和其他会议",
        "发布日期:", "2024-01-24", TITLE, "来源:杜集区人民政府", P1, P2,
    )  # fmt: skip
    assert (article.title, article.pretitle, article.date) == (TITLE, None, "2024-01-24")
    assert article.source == "杜集区人民政府"


def test_a_dump_with_no_title_has_title_null() -> None:
    article = parse(
        P1,
        P2,
        "http://www.snxww.gov.cn/2024-09/13/content_1904306.htmnullcontent_1904306.htm/enpproperty-->",
    )
    assert article.title is None
    assert article.id == "1904306"
    assert article.date is None  # the date in the URL's path is not the date field


def test_block_author_glued_before_the_title_is_cut() -> None:
    article = parse(
        TITLE, P1, P2, f"丁朝霞{TITLE}http://anluyun.cjyun.org/p/20699.html/enpproperty-->"
    )
    assert article.title == TITLE
    assert article.id == "case"  # /p/20699.html is not known to be an article id


def test_block_subtitle_glued_after_the_title() -> None:
    article = parse(
        TITLE, "全年实施重点项目52个", "计划总投资134.12亿元", P1, P2,
        f"content_2019.htmnullcontent_2019.htm{TITLE}全年实施重点项目52个",
        "计划总投资134.12亿元/enpproperty-->",
    )  # fmt: skip
    assert article.title == TITLE
    assert article.subtitle == "全年实施重点项目52个 计划总投资134.12亿元"
    assert article.id == "2019"


def test_block_with_its_articleid_glued_to_the_date() -> None:
    article = parse(
        "益阳：“数字”是优长", "来源：半月谈网", P1, P2,
        "10002000331361715779562873801942682020-01-02",
        "17:11:00.0孔德明益阳：“数字”是优长http://www.banyuetan.org/jmcs/detail/20200102/"
        "1000200033136171577956287380194268_1.html/enpproperty-->",
    )  # fmt: skip
    assert article.title == "益阳：“数字”是优长"
    assert article.date == "2020-01-02"
    assert article.id == "1000200033136171577956287380194268"
    assert article.source == "半月谈网"


def test_a_page_of_several_stories_names_every_stories_authors() -> None:
    article = parse(
        TITLE, "新京报讯", "(记者梁薇薇)" + P1, P2, "新京报记者", "李春平",
        "焦点人物", "刘益谦自曝两日十亿入市", P1, "相关新闻", "中投加大新兴市场股票投资",
        "新京报讯", "(赵毅波)" + P2,
    )  # fmt: skip
    assert article.authors == ("李春平", "梁薇薇", "赵毅波")
    assert [s.heading for s in article.sections] == [
        "焦点人物 刘益谦自曝两日十亿入市",
        "相关新闻 中投加大新兴市场股票投资",
    ]


def test_related_links_after_the_body_are_chrome() -> None:
    article = parse(
        TITLE, P1, P2, "相关新闻", "云溪区召开党史学习教育动员大会", "云溪区开展志愿服务"
    )
    assert [p.text for p in article.lead] == [P1, P2]
    assert article.sections == ()


def test_block_title_fragment_ending_in_a_quote() -> None:
    article = parse(
        "证监会又出五大招", "能否有“疗效”", "周一见", P1, P2,
        "2015-07-04", "07:55:23.0证监会又出五大招", "能否有“疗效”", "周一见/enpproperty-->",
    )  # fmt: skip
    assert article.title == "证监会又出五大招 能否有“疗效” 周一见"
    assert article.date == "2015-07-04"


def test_plain_headings_beside_numbered_items() -> None:
    """`(一)` numbers the items of one section; the sections themselves are headed plainly."""
    article = parse(TITLE, P1, "股市大跌打乱买房计划", P2, "股民跌成段子手", "(一)", P1, "(二)", P2)
    assert [s.heading for s in article.sections] == [
        "股市大跌打乱买房计划",
        "股民跌成段子手",
        "(一)",
        "(二)",
    ]


def test_chapters_numbered_with_yi_keep_plain_lines_as_paragraphs() -> None:
    article = parse(
        TITLE, P1, "一、加强组织领导", P2, "党建引领激活基层", P1, "二、注重宣传引导", P2
    )
    assert [s.heading for s in article.sections] == ["一、加强组织领导", "二、注重宣传引导"]


def test_bylines_closing_one_story_of_a_page_and_bulleted_names() -> None:
    article = parse(
        TITLE, P1 + "(玉溪日报全媒体记者", "熊长青", "文/图)", "短 评", "点亮城市夜色正逢时",
        "□", "初墨", P2, "整合", "新华日报·交汇点记者", "徐睿翔", "素材来源", "江苏13个设区市党报",
    )  # fmt: skip
    assert article.authors == ("熊长青", "初墨", "徐睿翔")
    assert article.lead[0].text == P1
    assert "初墨" not in article.text


def test_a_photographer_in_a_bracket_mid_body_is_not_an_author() -> None:
    article = parse(TITLE, P1 + "(记者 严龙 摄)", P2)
    assert article.authors == ()


def test_headings_may_ask_or_carry_a_colon_but_fields_and_dialogue_are_text() -> None:
    article = parse(
        TITLE, P1, "出国前：政治科目会出啥考题？", P2, "出国后：国家未来将如何发展？", P1,
        "A:比爱过更凄凉的话是什么?", P2, "分类:政府动态", P1,
    )  # fmt: skip
    assert [s.heading for s in article.sections] == [
        "出国前：政治科目会出啥考题？",
        "出国后：国家未来将如何发展？",
    ]
    assert "A:比爱过更凄凉的话是什么?" in article.text


def test_government_disclosure_table_with_spaced_labels() -> None:
    """`标 题：` spaced out letter by letter holds the whole title; the page then shows it
    again split over lines, and the document number under it."""
    article = parse(
        "索", "引", "号：", "11220000013544357T/2022-00426", "分", "类：", "环境监测;通告",
        "标", "题：", "吉林省人民政府关于禁止在嫩江干流新增建设项目的通告",
        "发文字号：", "吉政明电〔2022〕1号", "发布日期：", "2022年01月28日",
        "吉林省人民政府关于禁止在", "嫩江干流新增建设项目的通告", "吉政明电〔2022〕1号", P1, P2,
    )  # fmt: skip
    assert article.title == "吉林省人民政府关于禁止在嫩江干流新增建设项目的通告"
    assert article.date == "2022-01-28"
    assert [p.text for p in article.lead] == [P1, P2]


def test_a_caption_credited_供图_is_a_caption_and_a_long_question_is_text() -> None:
    article = parse(
        TITLE, P1, "郭荣梅指挥乐团练习", "顶端新闻·河南商报记者马俊峰/文受访者供图", P2,
        "怎样才能让学生保持良好状态，做好居家练习？", P1,
    )  # fmt: skip
    assert article.sections == ()
    assert "郭荣梅指挥乐团练习" in article.text


def test_three_stacked_heading_lines_join_only_behind_a_kicker() -> None:
    article = parse(
        TITLE, P1, "动态", "证监会昨晚又出五大招", "减少IPO家数引关注", P2,
        "两会成为了解国情的窗口", "盼准确把握国家发展需求", "愿寻求机遇回国有所作为", P1,
    )  # fmt: skip
    assert [s.heading for s in article.sections] == [
        "动态 证监会昨晚又出五大招 减少IPO家数引关注",
        "两会成为了解国情的窗口",
        "盼准确把握国家发展需求 愿寻求机遇回国有所作为",
    ]
    assert article.sections[1].paragraphs == ()
