"""The service's routes: the primary article's resources (see :mod:`app.api.articles`)
and /health."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from app.api.articles import article_router, find_primary
from app.api.errors import error_responses
from app.api.schemas import Health
from app.loader import Corpus

router = APIRouter()
router.include_router(
    article_router(
        find_primary,
        path="/article",
        prefix="",
        operation_ids={
            "article": "getArticle",
            "sections": "listSections",
            "section": "getSection",
            "figures": "listFigures",
            "figure": "getFigure",
            "stats": "getStats",
        },
        tags=["article"],
    )
)


def get_corpus(request: Request) -> Corpus:
    corpus: Corpus = request.app.state.corpus
    return corpus


CorpusDep = Annotated[Corpus, Depends(get_corpus)]


@router.get(
    "/health",
    response_model=Health,
    summary="Health",
    operation_id="getHealth",
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
