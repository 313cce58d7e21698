"""Response envelopes that are not domain objects."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.api.cursors import ARTICLE_CURSOR_EXAMPLE, SEARCH_CURSOR_EXAMPLE
from app.models import CODE_POINTS, P6_TEXT, Figure, Section


class _Frozen(BaseModel):
    model_config = ConfigDict(
        frozen=True, extra="forbid", json_schema_serialization_defaults_required=True
    )


class SectionList(_Frozen):
    """All sections of the article."""

    items: tuple[Section, ...] = Field(
        description="The sections, in order.",
        examples=[
            [
                {
                    "index": 1,
                    "heading": "坚持以上率下 党史学习掀热潮",
                    "start": 342,
                    "end": 1324,
                    "paragraphs": [],
                }
            ]
        ],
    )
    total: int = Field(description="How many sections there are.", examples=[3], ge=0)


class FigureList(_Frozen):
    """Figures matching the filters."""

    items: tuple[Figure, ...] = Field(
        description="The figures, in text order.",
        examples=[
            [
                {
                    "id": 1,
                    "text": "534个",
                    "value": 534.0,
                    "value_max": None,
                    "unit": "个",
                    "noun": "基层党组织",
                    "approximate": False,
                    "bound": None,
                    "kind": "count",
                    "section": None,
                    "paragraph": 1,
                    "start": 81,
                    "end": 85,
                    "sentence": "在这继往开来的历史性时刻,云溪区534个基层党组织,11543名党员干部围绕"
                    "“学史明理、学史增信、学史崇德、学史力行”这个核心目标感悟思想伟力,赓续奋斗精神,"
                    "把对党忠诚铸入灵魂、把红色基因融入血脉、把奋发有为见诸行动,凝聚起推动云溪高质量"
                    "发展的磅礴力量。",
                    "key": "fd845fd31f8da",
                }
            ]
        ],
    )
    total: int = Field(description="How many figures matched.", examples=[19], ge=0)


class SkippedFile(_Frozen):
    """A data file that was not loaded."""

    file: str = Field(description="The file's name in the data folder.", examples=["bad.txt"])
    reason: str = Field(
        description="Why it was skipped.",
        examples=["the file is empty: expected the text of an article page"],
    )


class Health(_Frozen):
    """Liveness and what was loaded."""

    status: str = Field(description="`ok` while the service answers.", examples=["ok"])
    loaded: int = Field(
        description="Deprecated: use `articles` (the word /stats/corpus uses).",
        examples=[1],
        ge=0,
        json_schema_extra={"deprecated": True},
    )
    skipped: int = Field(description="Data files skipped (see /articles/skipped).", examples=[0])
    primary: str = Field(
        description="Deprecated: use `primary_id` (a reference to another object's id is "
        "`<object>_id`).",
        examples=["4980"],
        json_schema_extra={"deprecated": True},
    )
    articles: int = Field(description="Articles loaded and served.", examples=[1], ge=0)
    primary_id: str = Field(description="Id of the article served at /article.", examples=["4980"])


class SkippedList(_Frozen):
    """Every data file that was not loaded, with its reason."""

    items: tuple[SkippedFile, ...] = Field(
        description="The skipped files, by name.",
        examples=[[{"file": "bad.txt", "reason": "the file is empty"}]],
    )
    total: int = Field(description="How many files were skipped.", examples=[1], ge=0)


class ArticleCounts(_Frozen):
    """Sizes of an article's body."""

    paragraphs: int = Field(description="Paragraphs, lead included.", examples=[15], ge=0)
    sections: int = Field(description="Headed sections.", examples=[3], ge=0)
    figures: int = Field(description="Numeric figures (slogans excluded).", examples=[19], ge=0)
    characters: int = Field(description="Characters in all paragraphs.", examples=[3400], ge=0)


class ArticleSummary(_Frozen):
    """One article in a listing."""

    id: str = Field(description="The article id (see /articles/{id}).", examples=["4980"])
    title: str | None = Field(
        description="The full title; null when the dump shows none.",
        examples=["传承红色基因 凝聚奋进力量"],
    )
    subtitle: str | None = Field(
        description="The subtitle; null when none.", examples=["云溪区扎实推进党史学习教育纪实"]
    )
    date: str | None = Field(
        description="Publication date `YYYY-MM-DD`; null when unknown.",
        examples=["2021-06-04"],
        json_schema_extra={"format": "date"},
    )
    authors: tuple[str, ...] = Field(description="Author names.", examples=[["邓志强", "易松"]])
    source: str | None = Field(description="The source line; null when none.", examples=[None])
    counts: ArticleCounts = Field(description="Sizes of the body.")


NEXT_EXAMPLE = f"/articles?limit=20&cursor={ARTICLE_CURSOR_EXAMPLE}"
CURSOR_FIELD = (
    "The `cursor` of the next page: an opaque token for the position after this page's "
    "last item (pass it back unchanged as the `cursor` query parameter); null on the "
    "last page."
)


class ArticlePage(_Frozen):
    """One page of articles, newest first (undated last), then by id."""

    items: tuple[ArticleSummary, ...] = Field(
        description="The articles on this page.",
        examples=[
            [
                {
                    "id": "4980",
                    "title": "传承红色基因 凝聚奋进力量",
                    "subtitle": "云溪区扎实推进党史学习教育纪实",
                    "date": "2021-06-04",
                    "authors": ["邓志强", "易松"],
                    "source": None,
                    "counts": {
                        "paragraphs": 15,
                        "sections": 3,
                        "figures": 20,
                        "characters": 3404,
                    },
                }
            ]
        ],
    )
    next: str | None = Field(
        description="The next page as a relative reference (path and query, resolved "
        "against this page's URL; also in the `Link` header); null on the last page.",
        examples=[NEXT_EXAMPLE],
    )
    next_cursor: str | None = Field(description=CURSOR_FIELD, examples=[ARTICLE_CURSOR_EXAMPLE])
    total: int = Field(
        description="Articles matching the filters (all pages), as of the store's last ingest.",
        examples=[1],
        ge=0,
    )


class SearchHit(_Frozen):
    """A paragraph that contains the query."""

    article_id: str = Field(description="The article's id.", examples=["4980"])
    section: int | None = Field(
        description="The paragraph's section index; null in the lead.", examples=[1]
    )
    paragraph: int = Field(description="The paragraph's index in the article.", examples=[3])
    text: str = Field(description="The paragraph's text.", examples=[P6_TEXT])
    highlights: tuple[tuple[int, int], ...] = Field(
        description="Each occurrence of the query as `[start, end]` offsets into this hit's "
        "`text` (the paragraph, not `Article.text`)" + CODE_POINTS + ", `end` exclusive "
        "(`text[start:end] == q`), non-overlapping, in order.",
        examples=[[[31, 33]]],
    )


class SearchPage(_Frozen):
    """One page of search hits, in listing order of their articles, then text order."""

    items: tuple[SearchHit, ...] = Field(
        description="The hits on this page.",
        examples=[
            [
                {
                    "article_id": "4980",
                    "section": 1,
                    "paragraph": 6,
                    "text": P6_TEXT,
                    "highlights": [[31, 33]],
                }
            ]
        ],
    )
    next: str | None = Field(
        description="The next page as a relative reference (path and query, resolved "
        "against this page's URL; also in the `Link` header); null on the last page.",
        examples=[f"/search?q=%E5%85%9A%E5%8F%B2&cursor={SEARCH_CURSOR_EXAMPLE}"],
    )
    next_cursor: str | None = Field(description=CURSOR_FIELD, examples=[SEARCH_CURSOR_EXAMPLE])
    total: int = Field(
        description="Paragraphs that contain `q` (all pages). Exact when `total_exact` is "
        "true; otherwise an estimate, extrapolated from the share of paragraphs scanned "
        "once 2,000 paragraphs were counted.",
        examples=[12],
        ge=0,
    )
    total_exact: bool = Field(
        description="Whether `total` is an exact count (false: an estimate).", examples=[True]
    )


class CorpusStats(_Frozen):
    """Counts over every loaded article."""

    articles: int = Field(description="Articles loaded.", examples=[1], ge=0)
    paragraphs: int = Field(description="Paragraphs in all articles.", examples=[15], ge=0)
    characters: int = Field(description="Characters in all paragraphs.", examples=[3400], ge=0)
    figures_by_kind: dict[str, int] = Field(
        description="Figures (slogans excluded) per kind, over all articles.",
        examples=[{"count": 14, "money": 1}],
    )
    articles_per_month: dict[str, int] = Field(
        description="Dated articles per publication month `YYYY-MM`.",
        examples=[{"2021-06": 1}],
    )
