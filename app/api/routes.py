"""The primary article's resources: /article, /sections, /figures, /stats, /health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from app.api.errors import error_responses
from app.api.schemas import FigureList, Health, SectionList
from app.loader import Corpus
from app.models import Article, Figure, FigureKind, Section, Stats

router = APIRouter()


def get_corpus(request: Request) -> Corpus:
    corpus: Corpus = request.app.state.corpus
    return corpus


def get_article(corpus: Annotated[Corpus, Depends(get_corpus)]) -> Article:
    return corpus.primary


CorpusDep = Annotated[Corpus, Depends(get_corpus)]
ArticleDep = Annotated[Article, Depends(get_article)]


@router.get(
    "/article",
    response_model=Article,
    summary="The article",
    responses=error_responses(500),
    tags=["article"],
)
def read_article(article: ArticleDep) -> Article:
    """The primary article: metadata, lead, sections, canonical text, figures and stats."""
    return article


@router.get(
    "/sections",
    response_model=SectionList,
    summary="All sections",
    responses=error_responses(500),
    tags=["article"],
)
def list_sections(article: ArticleDep) -> SectionList:
    """The article's headed sections, with their paragraphs."""
    return SectionList(items=article.sections, total=len(article.sections))


@router.get(
    "/sections/{index}",
    response_model=Section,
    summary="One section",
    responses=error_responses(404, 422, 500),
    tags=["article"],
)
def read_section(
    article: ArticleDep,
    index: Annotated[int, Path(description="1-based section index.", examples=[1])],
) -> Section:
    """One section by its 1-based index."""
    if not 1 <= index <= len(article.sections):
        have = f"sections 1-{len(article.sections)}" if article.sections else "no sections"
        raise HTTPException(404, f"section {index} does not exist: the article has {have}")
    return article.sections[index - 1]


@router.get(
    "/figures",
    response_model=FigureList,
    summary="Numeric figures",
    responses=error_responses(422, 500),
    tags=["figures"],
)
def list_figures(
    article: ArticleDep,
    kind: Annotated[
        FigureKind | None,
        Query(
            description="Only this kind; `slogan` lists the formula slogans instead.",
            examples=["count"],
        ),
    ] = None,
    unit: Annotated[
        str | None, Query(description="Only this unit (个, 元, %…).", examples=["个"], max_length=8)
    ] = None,
    section: Annotated[
        int | None,
        Query(description="Only this section (0 = the lead).", examples=[3], ge=0),
    ] = None,
    approximate: Annotated[
        bool | None, Query(description="Only approximate (true) or exact (false) figures.")
    ] = None,
    min: Annotated[float | None, Query(description="Only values ≥ this.", examples=[100])] = None,
    max: Annotated[float | None, Query(description="Only values ≤ this.", examples=[10000])] = None,
) -> FigureList:
    """Every number in the body as a typed fact, filtered."""
    pool = article.slogans if kind == "slogan" else article.figures
    items = tuple(
        f
        for f in pool
        if (kind is None or kind == "slogan" or f.kind == kind)
        and (unit is None or f.unit == unit)
        and (section is None or (f.section or 0) == section)
        and (approximate is None or f.approximate == approximate)
        and (min is None or f.value >= min)
        and (max is None or f.value <= max)
    )
    return FigureList(items=items, total=len(items))


@router.get(
    "/figures/{id}",
    response_model=Figure,
    summary="One figure",
    responses=error_responses(404, 422, 500),
    tags=["figures"],
)
def read_figure(
    article: ArticleDep,
    id: Annotated[int, Path(description="The figure's id.", examples=[1])],
) -> Figure:
    """One figure (or slogan) by id."""
    for figure in (*article.figures, *article.slogans):
        if figure.id == id:
            return figure
    raise HTTPException(404, f"figure {id} does not exist")


@router.get(
    "/stats",
    response_model=Stats,
    summary="Article statistics",
    responses=error_responses(500),
    tags=["article"],
)
def read_stats(article: ArticleDep) -> Stats:
    """Counts over the body, per section, and figures by kind."""
    return article.stats


@router.get(
    "/health",
    response_model=Health,
    summary="Health",
    responses=error_responses(500),
    tags=["service"],
)
def health(corpus: CorpusDep) -> Health:
    """Liveness, and how many files were loaded and skipped."""
    return Health(
        status="ok",
        loaded=len(corpus.articles),
        skipped=len(corpus.skipped),
        primary=corpus.primary.id,
    )
