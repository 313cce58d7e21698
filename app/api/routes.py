"""The primary article's resources: /article, /sections, /figures, /stats (the routes of
:mod:`app.api.articles`, finding the primary article)."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.articles import article_router, find_primary

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
