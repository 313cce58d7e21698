"""The domain objects. They are also the API's response schema.

Every model is frozen and uses tuples for its sequences, so an Article parsed
at start-up can be shared by every request without anyone mutating it.
Every field carries a description and an example: both show on /docs.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Any, Literal
from unicodedata import normalize

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, model_validator

FigureKind = Literal[
    "count",
    "money",
    "percent",
    "duration",
    "anniversary",
    "date",
    "measure",
    "number",
    "slogan",
]
"""The figure taxonomy; see ``app/parsing/figures.py`` for how each is decided."""

Bound = Literal["lower", "upper"]

# What every offset field says about its unit and base. Code points, as Python and
# JSON-decoding clients index strings; a JavaScript client must convert (UTF-16).
CODE_POINTS = " (0-based, counted in Unicode code points, not UTF-16 code units or bytes)"

# Examples are real: the bundled article's (tests/api/test_schema.py checks that every
# example's offsets point at its served text).
P6_TEXT = (
    "全区上下分层次、分阶段开展了形式多样的学、思、践、悟活动,推动党史学习教育深入群众、"
    "深入基层、深入人心。"
)
PARAGRAPH_EXAMPLE = {"index": 6, "text": P6_TEXT, "start": 1272, "end": 1324}
LEAD_2_TEXT = (
    "学史以明志,鉴往而知来。自党史学习教育开展以来,云溪区全面贯彻习近平总书记在党史学习教育"
    "动员大会上的重要讲话精神,第一时间传达学习,第一时间动员部署,坚持从加强组织领导,注重调动"
    "党员干部参与热情,重点提高学习教育质量,积极促进为群众办实事解难题的效果入手,大力推进党史"
    "学习教育迅速升温、全面铺开。"
)


def _component(name: str) -> WithJsonSchema:
    """The schema of a value that is one of the shared enum components.

    It only names the component: :mod:`app.api.components` makes the components
    (values, readable member names) from these Literals and the parser's unit table
    (the parser imports this module, so this module cannot import its tables), and
    turns each ``x-component`` into a ``$ref`` to it.
    """
    return WithJsonSchema({"x-component": name})


# The types of Figure's fields as the schema names them; validated as the Literals are.
FigureKindField = Annotated[FigureKind, _component("FigureKind")]
BoundField = Annotated[Bound, _component("Bound")]
FigureUnitField = Annotated[str, _component("FigureUnit")]


class _Frozen(BaseModel):
    # A field with a default (Figure.value_max) is still always sent: the schema of an
    # answer lists it as required, so generated clients need not treat it as optional.
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )


class Paragraph(_Frozen):
    """One paragraph of body text, located in ``Article.text``."""

    index: int = Field(
        description="1-based position of the paragraph across the whole article "
        "(lead paragraphs first, then each section's).",
        examples=[3],
        ge=1,
    )
    text: str = Field(
        description="The paragraph's text. Lines that were fragments of one paragraph in the "
        "dump are joined with the single space the original had.",
        examples=[P6_TEXT],
    )
    start: int = Field(
        description="Offset of the first character in `Article.text`"
        + CODE_POINTS
        + ": `article.text[start:end] == text`.",
        examples=[1272],
        ge=0,
    )
    end: int = Field(
        description="Offset one past the last character in `Article.text`" + CODE_POINTS + ".",
        examples=[1324],
        ge=0,
    )


class Section(_Frozen):
    """A headed section of the body."""

    index: int = Field(description="1-based position of the section.", examples=[1], ge=1)
    heading: str = Field(
        description="The section heading; a two-part heading is joined by one space.",
        examples=["坚持以上率下 党史学习掀热潮"],
    )
    start: int = Field(
        description="Offset of the heading in `Article.text`" + CODE_POINTS + ": "
        "`article.text[start:start + len(heading)] == heading`.",
        examples=[342],
        ge=0,
    )
    end: int = Field(
        description="Offset one past the section's last character in `Article.text`"
        + CODE_POINTS
        + ".",
        examples=[1324],
        ge=0,
    )
    paragraphs: tuple[Paragraph, ...] = Field(
        description="The section's paragraphs, in order.",
        examples=[[PARAGRAPH_EXAMPLE]],
    )


class Credit(_Frozen):
    """A closing credit line such as `数据来源:…` or `版式设计:…` (metadata, not body text)."""

    label: str = Field(description="The credit's label, as printed.", examples=["版式设计"])
    value: str = Field(description="What follows the label.", examples=["李四"])


class SectionStats(_Frozen):
    """Counts for one section."""

    index: int = Field(description="The section's 1-based index.", examples=[1], ge=1)
    heading: str = Field(
        description="The section heading.", examples=["坚持以上率下 党史学习掀热潮"]
    )
    paragraphs: int = Field(description="Paragraphs in the section.", examples=[4], ge=0)
    characters: int = Field(
        description="Characters in the section's paragraphs (heading excluded).",
        examples=[1523],
        ge=0,
    )
    han_characters: int = Field(
        description="Han (CJK ideograph) characters in the section's paragraphs.",
        examples=[1380],
        ge=0,
    )
    sentences: int = Field(
        description="Sentences in the section's paragraphs.", examples=[14], ge=0
    )
    figures: int = Field(description="Numeric figures found in the section.", examples=[9], ge=0)


class FigureSummary(_Frozen):
    """How many figures the article has, by kind (slogans are not figures and not counted)."""

    total: int = Field(description="All figures except slogans.", examples=[19], ge=0)
    by_kind: dict[str, int] = Field(
        description="Count per figure kind, only kinds that occur.",
        examples=[{"count": 14, "money": 1, "duration": 1}],
    )


class Stats(_Frozen):
    """Counts over the body paragraphs (headings, title and metadata excluded)."""

    characters: int = Field(description="Characters in all paragraphs.", examples=[4521], ge=0)
    han_characters: int = Field(
        description="Han (CJK ideograph) characters in all paragraphs.", examples=[4102], ge=0
    )
    paragraphs: int = Field(description="Paragraphs, lead included.", examples=[15], ge=0)
    lead_paragraphs: int = Field(description="Paragraphs before the first heading.", examples=[2])
    sentences: int = Field(
        description="Sentences, ended by 。！？!? or an ellipsis (a closing quote stays with "
        "its sentence); a paragraph's unterminated tail counts as one.",
        examples=[48],
        ge=0,
    )
    sections: int = Field(description="Headed sections.", examples=[3], ge=0)
    reading_minutes: float = Field(
        description="Estimated reading time: Han characters at 300 per minute plus other "
        "characters at 4 per second-equivalent word, rounded to 0.1 minute.",
        examples=[13.7],
        ge=0,
    )
    per_section: tuple[SectionStats, ...] = Field(
        description="The same counts for each section.",
        examples=[
            [
                {
                    "index": 1,
                    "heading": "坚持以上率下 党史学习掀热潮",
                    "paragraphs": 4,
                    "characters": 1523,
                    "han_characters": 1380,
                    "sentences": 14,
                    "figures": 3,
                }
            ]
        ],
    )
    figures: FigureSummary = Field(
        description="Deprecated: use `figures_total` and `figures_by_kind` (in a counting "
        "object a plural noun is a count; see the README's glossary). The same numbers.",
        json_schema_extra={"deprecated": True},
    )
    figures_total: int = Field(
        default=0,
        description="Figures in the body, slogans excluded (`figures.total`).",
        examples=[20],
        ge=0,
    )
    figures_by_kind: dict[str, int] = Field(
        default_factory=dict,
        description="Figures per kind, only kinds that occur (as in /stats/corpus).",
        examples=[{"count": 15, "money": 1}],
    )

    @model_validator(mode="before")
    @classmethod
    def _figure_counts(cls, data: Any) -> Any:
        """``figures_total`` and ``figures_by_kind`` are ``figures``' numbers, always."""
        if isinstance(data, dict) and "figures" in data:
            summary = data["figures"]
            if isinstance(summary, FigureSummary):
                summary = summary.model_dump()
            data = {
                **data,
                "figures_total": summary["total"],
                "figures_by_kind": summary["by_kind"],
            }
        return data


class Figure(_Frozen):
    """A numeric fact found in the body text, normalised and traceable to its span."""

    id: int = Field(
        description="1-based position of the figure in the article.", examples=[1], ge=1
    )
    text: str = Field(
        description="The exact span as printed: `article.text[start:end] == text`.",
        examples=["12.5万元"],
    )
    value: float = Field(
        description="The number with multipliers applied (`12.5万元` → 125000). For a range "
        "this is the lower end and `value_max` holds the upper end.",
        examples=[125000],
    )
    value_max: float | None = Field(
        default=None,
        description="Upper end of a range such as `7—9个`; null when the figure is not a range.",
        examples=[None],
    )
    unit: FigureUnitField | None = Field(
        description="Measure word or currency (个, 名, 件, 次, 年, 元, %, …); null when none.",
        examples=["元"],
    )
    noun: str | None = Field(
        description="What is counted, when the text says it right before or after the number "
        "(`534个基层党组织` → 基层党组织, `问题52个` → 问题); null otherwise.",
        examples=["基层党组织"],
    )
    approximate: bool = Field(
        description="True when the text marks the number as inexact (余, 多, 近, 约, 左右, 来…).",
        examples=[False],
    )
    bound: BoundField | None = Field(
        description="`lower` when the true value is at least this (余, 多, 以上, 超过), "
        "`upper` when at most (近, 不足, 以内); null otherwise.",
        examples=[None],
    )
    kind: FigureKindField = Field(
        description="count, money, percent, duration, anniversary, date, measure, number "
        "(a bare number), or slogan (a formula such as “四个意识”, not a quantity; only "
        "listed when asked for).",
        examples=["money"],
    )
    section: int | None = Field(
        description="Index of the section the figure is in; null in the lead.", examples=[3]
    )
    paragraph: int = Field(description="Index of the paragraph the figure is in.", examples=[14])
    start: int = Field(
        description="Offset of the span in `Article.text`" + CODE_POINTS + ".",
        examples=[3216],
        ge=0,
    )
    end: int = Field(
        description="Offset one past the span in `Article.text`" + CODE_POINTS + ".",
        examples=[3222],
        ge=0,
    )
    sentence: str = Field(
        description="The sentence that contains the figure, for context.",
        examples=["投入资金12.5万元对山塘实施硬化、美化;"],
    )
    key: str = Field(
        default="",
        description="A stable id: made from the figure's sentence, its place in that "
        "sentence and its text, so it survives re-parsing and parser changes that find or "
        "drop other figures (`id` is a position and shifts). `/figures/{fid}` takes it "
        "as well as `id`.",
        examples=["fd845fd31f8da"],
        pattern=r"^(f[0-9a-f]{12})?$",
    )


def figure_key(text: str, start: int, end: int, sentence: str) -> str:
    """The stable id of the figure ``text[start:end]`` said in ``sentence``."""
    lo = max(0, end - len(sentence))
    at = text.find(sentence, lo, start + len(sentence))
    offset = start - at if at >= 0 else start
    # NFKC: the same facts printed with full-width punctuation (，) get the same key.
    seed = normalize("NFKC", f"{sentence}\0{offset}\0{text[start:end]}").encode()
    return "f" + hashlib.sha256(seed).hexdigest()[:12]


def _keyed(figure: Any, text: str) -> Any:
    """A figure (model or dict) with its stable ``key`` filled in."""
    fields = figure.model_dump() if isinstance(figure, BaseModel) else dict(figure)
    start, end, sentence = fields["start"], fields["end"], fields["sentence"]
    return {**fields, "key": figure_key(text, start, end, sentence)}


class Article(_Frozen):
    """One parsed article: metadata, structure, canonical text, figures and stats."""

    @model_validator(mode="before")
    @classmethod
    def _figure_keys(cls, data: Any) -> Any:
        """Every figure and slogan carries its stable key (the parser numbers them)."""
        if isinstance(data, dict) and isinstance(data.get("text"), str):
            text = data["text"]
            data = {
                **data,
                **{
                    name: tuple(_keyed(figure, text) for figure in data[name])
                    for name in ("figures", "slogans")
                    if name in data
                },
            }
        return data

    id: str = Field(
        description="The CMS article id when the dump carries one, else the file's stem; "
        "`<id>~<stem>` when a file earlier by name carries the same id.",
        examples=["4980"],
    )
    title: str | None = Field(
        description="The full title (from the metadata residue when the page header shows only "
        "part of it); a two-part title is joined by one space. Null when the dump shows no "
        "title at all (a page stored from its body on, with no metadata title): a missing "
        "title is reported as missing, never guessed from the body.",
        examples=["传承红色基因 凝聚奋进力量"],
    )
    subtitle: str | None = Field(
        description="The subtitle (副题), without its leading dashes; null when none.",
        examples=["云溪区扎实推进党史学习教育纪实"],
    )
    pretitle: str | None = Field(
        description="The pre-title (引题) printed above the title, without trailing dashes; "
        "null when none.",
        examples=[None],
    )
    date: str | None = Field(
        description="Publication date, `YYYY-MM-DD`; null when the dump has none.",
        examples=["2021-06-04"],
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        json_schema_extra={"format": "date"},
    )
    authors: tuple[str, ...] = Field(
        description="Author names from the byline (labels such as 记者 or 通讯员 removed; a "
        "two-character name padded with a space is one name).",
        examples=[["邓志强", "易松"]],
    )
    source: str | None = Field(
        description="The source line (`来源:X`); null when absent or empty.", examples=[None]
    )
    url: str | None = Field(
        description="The article's URL from the metadata; null when absent.",
        examples=["http://192.168.99.30:8088/pc/content/202106/04/content_4980.html"],
        json_schema_extra={"format": "uri"},
    )
    credits: tuple[Credit, ...] = Field(
        description="Closing credit lines (数据来源, 版式设计, 责任编辑…), kept out of the body.",
        examples=[[]],
    )
    lead: tuple[Paragraph, ...] = Field(
        description="Paragraphs before the first section heading.",
        examples=[[{"index": 2, "text": LEAD_2_TEXT, "start": 193, "end": 341}]],
    )
    sections: tuple[Section, ...] = Field(
        description="Headed sections, in order.",
        examples=[
            [
                {
                    "index": 1,
                    "heading": "坚持以上率下 党史学习掀热潮",
                    "start": 342,
                    "end": 1324,
                    "paragraphs": [PARAGRAPH_EXAMPLE],
                }
            ]
        ],
    )
    text: str = Field(
        description="The canonical body: lead paragraphs, then each section's heading and "
        "paragraphs, one per line (joined by `\\n`). All offsets point into this string.",
        examples=["从烈士纪念碑前的缅怀追思到党旗下的铮铮誓言,…\n学史以明志,鉴往而知来。…"],
    )
    figures: tuple[Figure, ...] = Field(
        description="Numeric figures in the body paragraphs, in text order, numbered 1..n. "
        "Formula slogans are never here (see `slogans`).",
        examples=[[]],
    )
    slogans: tuple[Figure, ...] = Field(
        description="Formula slogans that look like numbers but are not quantities "
        "(“四个意识”, “十四五”…), kind `slogan`, numbered after the figures (n+1…).",
        examples=[[]],
    )
    stats: Stats = Field(description="Counts over the body.")
