"""The primary article's resources: /article, /sections, /figures, /stats, /health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request

from app.api.errors import error_responses
from app.api.figure_filters import FigureFilters, filter_figures
from app.api.schemas import FigureList, Health, SectionList
from app.loader import Corpus
from app.models import Article, Figure, Section, Stats

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
    return section_or_404(article, index)


def section_or_404(article: Article, index: int) -> Section:
    """The article's section ``index`` (1-based), or a 404 that says which exist."""
    if not 1 <= index <= len(article.sections):
        have = f"sections 1-{len(article.sections)}" if article.sections else "no sections"
        raise HTTPException(404, f"section {index} does not exist: the article has {have}")
    return article.sections[index - 1]


def figure_list(article: Article, filters: FigureFilters) -> FigureList:
    """The article's figures that pass ``filters``, as the list body."""
    items = filter_figures(article, filters)
    return FigureList(items=items, total=len(items))


@router.get(
    "/figures",
    response_model=FigureList,
    summary="Numeric figures",
    responses=error_responses(422, 500),
    tags=["figures"],
)
def list_figures(article: ArticleDep, filters: Annotated[FigureFilters, Depends()]) -> FigureList:
    """Every number in the body as a typed fact, filtered."""
    return figure_list(article, filters)


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
