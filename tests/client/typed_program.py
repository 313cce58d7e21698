"""A small program written against the generated client, as a client developer would.

tests/client/test_generated_client.py generates the client, runs ``mypy --strict`` on
this file and then runs it against a live server. Not collected by pytest, and left
out of the repository's own mypy run (the client it imports exists only in the test).
"""

from __future__ import annotations

import sys

from article_api_client import Client
from article_api_client.api.article import get_figure, list_figures
from article_api_client.api.corpus import list_articles
from article_api_client.models import ArticlePage, Figure, FigureKind, FigureList


def figures_like(client: Client, fid: str) -> list[Figure]:
    """The figures of the same kind as figure ``fid``: its own kind, passed back as a filter."""
    figure = get_figure.sync(client=client, fid=fid)
    if not isinstance(figure, Figure):
        raise SystemExit(f"figure {fid}: {figure}")
    kind: FigureKind = figure.kind
    same = list_figures.sync(client=client, kind=kind)
    if not isinstance(same, FigureList):
        raise SystemExit(f"figures of kind {kind}: {same}")
    return same.items


def every_article_id(client: Client) -> list[str]:
    """Follows the pages with next_cursor: no URL is parsed."""
    ids: list[str] = []
    cursor: str | None = None
    while True:
        page = list_articles.sync(client=client, limit=1, cursor=cursor)
        if not isinstance(page, ArticlePage):
            raise SystemExit(f"articles: {page}")
        ids += [item.id for item in page.items]
        if not isinstance(page.next_cursor, str):
            return ids
        cursor = page.next_cursor


def main(base_url: str) -> None:
    with Client(base_url=base_url, raise_on_unexpected_status=True) as client:
        figures = figures_like(client, "1")
        kinds = {figure.kind for figure in figures}
        if len(kinds) != 1:
            raise SystemExit(f"a kind filter returned several kinds: {kinds}")
        print(f"{len(figures)} {kinds.pop().value} {len(every_article_id(client))}")


if __name__ == "__main__":
    main(sys.argv[1])
