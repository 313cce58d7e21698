"""The whole corpus: /articles (paged, filtered), one article's resources, /search,
/stats/corpus, /articles/skipped and /health, read through the store's repository
(:class:`app.store.serving.StoreCorpus`): no SQL here."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError

from app.api import cursors
from app.api.articles import article_router, find_by_id
from app.api.errors import error_responses
from app.api.schemas import (
    ArticleCounts,
    ArticlePage,
    ArticleSummary,
    CorpusStats,
    Health,
    SearchHit,
    SearchPage,
    SkippedFile,
    SkippedList,
)
from app.store import Filters, Summary
from app.store.serving import StoreCorpus

router = APIRouter()

# Longest search query: a phrase, not a paragraph; bounds the cost of one scan step.
MAX_QUERY = 64
MAX_LIMIT = 100
# A YYYY-MM-DD bound (month 01-12, day 01-31); the day must exist in its month
# (2021-02-30 is a 422, like 2021-13-01). Bounds compare as ISO strings.
DATE_PATTERN = r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"


def _real_dates(**bounds: str | None) -> None:
    """422 for a bound the calendar lacks (the pattern lets 2021-02-30 through)."""
    wrong = []
    for name, value in bounds.items():
        if value is None:
            continue
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            wrong.append(
                {
                    "loc": ("query", name),
                    "msg": f"{value} is not a date: its month has no such day",
                    "type": "value_error",
                    "input": value,
                }
            )
    if wrong:
        raise RequestValidationError(wrong)


def install(app: FastAPI, corpus: StoreCorpus) -> None:
    """Serve the corpus of a store (it is also where the article routes find articles)."""
    app.state.corpus = app.state.articles = corpus
    app.include_router(router)


def get_corpus(request: Request) -> StoreCorpus:
    corpus: StoreCorpus = request.app.state.corpus
    return corpus


CorpusDep = Annotated[StoreCorpus, Depends(get_corpus)]


Limit = Annotated[
    int, Query(description=f"Items per page (1-{MAX_LIMIT}).", examples=[20], ge=1, le=MAX_LIMIT)
]
CURSOR_DESCRIPTION = (
    "Where the page starts (absent: the first page): the previous page's `next_cursor`, "
    "an opaque token for the position after that page's last item, valid under any "
    "filters and as deep as the list goes. Pass it back unchanged; a value that is "
    "neither such a token nor an offset is a 422. A decimal offset (1-9 digits, the cursor "
    "of earlier versions) is still accepted: that many items are skipped (past the "
    "end: an empty page)."
)
ArticleCursor = Annotated[
    str | None,
    Query(
        description=CURSOR_DESCRIPTION,
        examples=[cursors.ARTICLE_CURSOR_EXAMPLE],
        pattern=cursors.ARTICLES_PATTERN,
    ),
]
SearchCursor = Annotated[
    str | None,
    Query(
        description=CURSOR_DESCRIPTION,
        examples=[cursors.SEARCH_CURSOR_EXAMPLE],
        pattern=cursors.SEARCH_PATTERN,
    ),
]


def _paging(request: Request, response: Response, cursor: str | None) -> str | None:
    """The next page's relative reference (None: no next page, ``cursor`` is None); sets
    ``Link`` (next and first).

    Links are path and query only, never built from the request's Host header: a
    hostile Host cannot reach a link.
    """
    query = [(k, v) for k, v in request.query_params.multi_items() if k != "cursor"]
    path = request.url.path
    first = f"{path}?{urlencode(query)}" if query else path
    links = [f'<{first}>; rel="first"']
    next_url = None
    if cursor is not None:
        next_url = f"{path}?{urlencode([*query, ('cursor', cursor)])}"
        links.insert(0, f'<{next_url}>; rel="next"')
    response.headers["Link"] = ", ".join(links)
    return next_url


def _summary(d: Summary) -> ArticleSummary:
    return ArticleSummary(
        id=d.id,
        title=d.title,
        subtitle=d.subtitle,
        date=d.date,
        authors=d.authors,
        source=d.source,
        counts=ArticleCounts(
            paragraphs=d.paragraphs,
            sections=d.sections,
            figures=d.figures,
            characters=d.characters,
        ),
    )


@router.get(
    "/articles",
    response_model=ArticlePage,
    operation_id="listArticles",
    summary="List articles",
    responses=error_responses(422, 500),
    tags=["corpus"],
)
def list_articles(
    request: Request,
    response: Response,
    corpus: CorpusDep,
    limit: Limit = 20,
    cursor: ArticleCursor = None,
    date_from: Annotated[
        str | None,
        Query(
            description="Only dated on or after (YYYY-MM-DD, a day that exists).",
            examples=["2021-01-01"],
            pattern=DATE_PATTERN,
            json_schema_extra={"format": "date"},
        ),
    ] = None,
    date_to: Annotated[
        str | None,
        Query(
            description="Only dated on or before (YYYY-MM-DD, a day that exists).",
            examples=["2021-12-31"],
            pattern=DATE_PATTERN,
            json_schema_extra={"format": "date"},
        ),
    ] = None,
    author: Annotated[
        str | None, Query(description="Only with this author.", examples=["邓志强"], max_length=64)
    ] = None,
    source: Annotated[
        str | None,
        Query(description="Only from this source.", examples=["岳阳日报"], max_length=64),
    ] = None,
) -> ArticlePage:
    """Article summaries, newest first (undated last), then by id; paged."""
    _real_dates(date_from=date_from, date_to=date_to)
    filters = Filters(date_from=date_from, date_to=date_to, author=author, source=source)
    offset, after = cursors.article_start(cursor)
    page, total = corpus.page(filters, limit, offset=offset, after=after)
    items = tuple(_summary(d) for d in page.items)
    token = None if page.after is None else cursors.article_token(page.after)
    next_url = _paging(request, response, token)
    return ArticlePage(items=items, next=next_url, next_cursor=token, total=total)


@router.get(
    "/articles/skipped",
    response_model=SkippedList,
    operation_id="listSkippedFiles",
    summary="Skipped files",
    responses=error_responses(500),
    tags=["corpus"],
)
def list_skipped(corpus: CorpusDep) -> SkippedList:
    """Every data file that was not loaded, with the reason."""
    items = tuple(SkippedFile(file=s.file, reason=s.reason) for s in corpus.skipped)
    return SkippedList(items=items, total=len(items))


@router.get(
    "/search",
    response_model=SearchPage,
    operation_id="searchParagraphs",
    summary="Search paragraphs",
    responses=error_responses(422, 500),
    tags=["corpus"],
)
def search(
    request: Request,
    response: Response,
    corpus: CorpusDep,
    q: Annotated[
        str,
        Query(
            description="Exact text to find in paragraphs (no word segmentation needed).",
            examples=["党史"],
            min_length=1,
            max_length=MAX_QUERY,
        ),
    ],
    limit: Limit = 20,
    cursor: SearchCursor = None,
) -> SearchPage:
    """Paragraphs that contain `q`, newest article first, with every occurrence marked."""
    offset, after = cursors.search_start(cursor)
    hits, total = corpus.search(q, limit, offset=offset, after=after)
    items = tuple(
        SearchHit(
            article_id=h.article_id,
            section=h.section,
            paragraph=h.paragraph,
            text=h.text,
            highlights=h.highlights,
        )
        for h in hits.items
    )
    token = None if hits.after is None else cursors.search_token(hits.after)
    next_url = _paging(request, response, token)
    # The store's index counts every match: the total is always exact.
    return SearchPage(items=items, next=next_url, next_cursor=token, total=total, total_exact=True)


@router.get(
    "/stats/corpus",
    response_model=CorpusStats,
    operation_id="getCorpusStats",
    summary="Corpus statistics",
    responses=error_responses(500),
    tags=["corpus"],
)
def corpus_stats(corpus: CorpusDep) -> CorpusStats:
    """Counts over every loaded article."""
    c = corpus.counts
    return CorpusStats(
        articles=c.articles,
        paragraphs=c.paragraphs,
        characters=c.characters,
        figures_by_kind=c.figures_by_kind,
        articles_per_month=c.per_month,
    )


@router.get(
    "/health",
    response_model=Health,
    summary="Health",
    operation_id="getHealth",
    responses=error_responses(500),
    tags=["service"],
)
def health(corpus: CorpusDep, response: Response) -> Health:
    """Liveness, and how many files were loaded and skipped. Never cached (`no-store`):
    a probe must reach the server, not a cache in between."""
    response.headers["Cache-Control"] = "no-store"
    return health_of(corpus)


def health_of(corpus: StoreCorpus) -> Health:
    """/health's body, read now (a re-ingest changes the counts)."""
    loaded, skipped = corpus.health
    return Health(
        status="ok",
        loaded=loaded,
        skipped=skipped,
        primary=corpus.primary_id,
        articles=loaded,
        primary_id=corpus.primary_id,
    )


def live_bodies(corpus: StoreCorpus) -> dict[str, Callable[[], bytes]]:
    """The no-store resources the fast path answers itself, each body made per request
    (the same bytes FastAPI would send, without FastAPI's ~0.5 ms)."""
    return {"/health": lambda: health_of(corpus).model_dump_json().encode()}


# After /articles/skipped, which /articles/{id} would otherwise match.
router.include_router(
    article_router(
        find_by_id,
        path="/articles/{id}",
        prefix="/articles/{id}",
        operation_ids={
            "article": "getArticleById",
            "sections": "listArticleSections",
            "section": "getArticleSection",
            "figures": "listArticleFigures",
            "figure": "getArticleFigure",
            "stats": "getArticleStats",
        },
        tags=["corpus"],
        errors=(404, 422),
    )
)
