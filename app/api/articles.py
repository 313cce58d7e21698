"""One article's resources, written once and served for any article.

:func:`article_router` makes the routes ``""`` (the article), ``/sections``,
``/sections/{index}``, ``/figures``, ``/figures/{fid}`` and ``/stats`` around
one dependency, *find*, that returns the article. ``create_app`` mounts it
twice: at the root with the primary article (:func:`find_primary`) and under
``/articles/{id}`` with any article by id (:func:`find_by_id`). A store that
holds the articles elsewhere (SQLite, PostgreSQL...) provides its own *find*
(or fills ``app.state.articles``); the route functions do not change.
"""

# No `from __future__ import annotations` here: FastAPI reads the route functions'
# annotations, which name the local ArticleDep, at definition time.
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Request
from pydantic import BeforeValidator

from app.api.errors import error_responses
from app.api.figure_filters import FigureFilters, filter_figures
from app.api.resources import precompute
from app.api.schemas import FigureList, SectionList
from app.models import Article, Figure, Section, Stats

F = TypeVar("F", bound=Callable[..., Any])

# A path integer in its one canonical form: decimal digits, no sign but `-`, no spaces,
# underscores or leading zeros (Python's int() would read `+1`, ` 1` and `1_0`).
CANONICAL_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")

# An id is a CMS id, a file's stem (up to 255 bytes, each undecodable byte shown as
# four characters) or ``<id>~<stem>``: every one the store can hold is reachable.
MAX_ID_LENGTH = 2048


def _canonical_int(value: object) -> object:
    if isinstance(value, str) and not CANONICAL_INT.fullmatch(value):
        raise ValueError("must be a whole number in plain decimal digits")
    return value


# An int path parameter that accepts only the canonical form (else 422).
PathInt = Annotated[int, BeforeValidator(_canonical_int)]


class ArticleSource(Protocol):
    """Where the routes find articles (``app.state.articles``)."""

    @property
    def primary(self) -> Article:
        """The article served at /article."""
        ...

    def get(self, id: str) -> Article | None:
        """The article with this id, or None."""
        ...


def get_articles(request: Request) -> ArticleSource:
    articles: ArticleSource = request.app.state.articles
    return articles


ArticlesDep = Annotated[ArticleSource, Depends(get_articles)]


def find_primary(articles: ArticlesDep) -> Article:
    """The primary article (the first file by name, or ``ARTICLE_PRIMARY``)."""
    return articles.primary


def find_by_id(
    articles: ArticlesDep,
    id: Annotated[
        str,
        Path(
            description="The article id (`Article.id`: the CMS id, the file's stem, or"
            " `<id>~<stem>` for a file whose id an earlier file carries).",
            examples=["4980"],
            max_length=MAX_ID_LENGTH,
        ),
    ],
) -> Article:
    """The article ``id``, or a 404."""
    article = articles.get(id)
    if article is None:
        raise HTTPException(404, f"article {id!r} does not exist (see /articles)")
    return article


def section_or_404(article: Article, index: int) -> Section:
    """The article's section ``index`` (1-based), or a 404 that says which exist."""
    if not 1 <= index <= len(article.sections):
        have = f"sections 1-{len(article.sections)}" if article.sections else "no sections"
        raise HTTPException(404, f"section {index} does not exist: the article has {have}")
    return article.sections[index - 1]


def figure_or_404(article: Article, fid: str) -> Figure:
    """The article's figure (or slogan) by ``id`` (digits) or stable ``key``, or a 404."""
    for figure in (*article.figures, *article.slogans):
        if (str(figure.id) if fid.isdigit() else figure.key) == fid:
            return figure
    raise HTTPException(404, f"figure {fid} does not exist")


def _section_indexes(article: Article) -> list[int]:
    return [section.index for section in article.sections]


def _figure_ids(article: Article) -> list[str]:
    return [str(figure.id) for figure in (*article.figures, *article.slogans)]


# A figure's `id` (a canonical integer, as PathInt requires: no sign, no leading zero)
# or its `key` (f + 12 hex digits); anything else is a 422.
FIGURE_ID = r"^(0|[1-9][0-9]{0,8}|f[0-9a-f]{12})$"

# The route names (keys of ``operation_ids``), one per resource of an article.
ROUTES = ("article", "sections", "section", "figures", "figure", "stats")


def article_router(
    find: Callable[..., Article],
    *,
    path: str,
    prefix: str,
    operation_ids: Mapping[str, str],
    tags: list[str],
    errors: tuple[int, ...] = (),
) -> APIRouter:
    """The article's routes, finding the article with the dependency ``find``.

    The article itself is at ``path``, its parts under ``prefix`` (``/article`` and
    ``""`` for the primary article, ``/articles/{id}`` twice for any other).
    ``operation_ids`` names each route of :data:`ROUTES`; ``errors`` are the statuses
    ``find`` itself can answer (a 404 for an unknown id), added to every route's.
    """
    ArticleDep = Annotated[Article, Depends(find)]
    router = APIRouter(tags=list(tags))

    def route(
        name: str, at: str, model: type[Any], summary: str, *statuses: int
    ) -> Callable[[F], F]:
        return router.get(
            at,
            response_model=model,
            summary=summary,
            operation_id=operation_ids[name],
            responses=error_responses(*sorted({*errors, *statuses, 500})),
        )

    @route("article", path, Article, "The article")
    def get_article(article: ArticleDep) -> Article:
        """The article: metadata, lead, sections, canonical text, figures and stats."""
        return article

    @route("sections", f"{prefix}/sections", SectionList, "All sections")
    def list_sections(article: ArticleDep) -> SectionList:
        """The article's headed sections, with their paragraphs."""
        return SectionList(items=article.sections, total=len(article.sections))

    @route("section", f"{prefix}/sections/{{index}}", Section, "One section", 404, 422)
    @precompute(index=_section_indexes)
    def get_section(
        article: ArticleDep,
        index: Annotated[
            PathInt,
            Path(
                description="1-based section index (0 or past the last: a 404).",
                examples=[1],
                json_schema_extra={"minimum": 1},
            ),
        ],
    ) -> Section:
        """One section by its 1-based index."""
        return section_or_404(article, index)

    @route("figures", f"{prefix}/figures", FigureList, "Numeric figures", 422)
    def list_figures(
        article: ArticleDep, filters: Annotated[FigureFilters, Depends()]
    ) -> FigureList:
        """Every number in the body as a typed fact, filtered."""
        items = filter_figures(article, filters)
        return FigureList(items=items, total=len(items))

    @route("figure", f"{prefix}/figures/{{fid}}", Figure, "One figure", 404, 422)
    @precompute(fid=_figure_ids)
    def get_figure(
        article: ArticleDep,
        fid: Annotated[
            str,
            Path(
                description="The figure's `id` (its 1-based position, in canonical form) or "
                "its stable `key`.",
                examples=["1"],
                pattern=FIGURE_ID,
            ),
        ],
    ) -> Figure:
        """One figure (or slogan) by id."""
        return figure_or_404(article, fid)

    @route("stats", f"{prefix}/stats", Stats, "Article statistics")
    def get_stats(article: ArticleDep) -> Stats:
        """Counts over the body, per section, and figures by kind."""
        return article.stats

    return router
