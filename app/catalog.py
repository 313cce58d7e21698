"""A loaded corpus in memory: articles by id, in listing order, filtered, counted.

The API reads its corpus from a store (``app.store``); this is the in-memory
reference the store's answers are tested against (``tests/store``): built from a
:class:`~app.loader.Corpus`, pure, no web framework.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from app.loader import Corpus, Loaded
from app.models import Article
from app.search import SearchIndex


@dataclass(frozen=True, slots=True)
class CorpusCounts:
    articles: int
    paragraphs: int
    characters: int
    figures_by_kind: dict[str, int]
    per_month: dict[str, int]


class Catalog:
    """Read-only views over a loaded corpus."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.by_id: dict[str, Loaded] = {item.id: item for item in corpus.articles}
        # Newest first, undated last, then by id: stable across restarts.
        dated = sorted((a for a in corpus.articles if a.digest.date), key=lambda a: a.id)
        dated.sort(key=lambda a: a.digest.date or "", reverse=True)
        undated = sorted((a for a in corpus.articles if not a.digest.date), key=lambda a: a.id)
        self.ordered: tuple[Loaded, ...] = (*dated, *undated)
        self.search = SearchIndex(
            (item.id, section, index, text)
            for item in self.ordered
            for section, index, text in item.digest.paragraphs
        )
        self.counts = _count(self.ordered)

    @property
    def primary(self) -> Article:
        """The article served at /article."""
        return self.corpus.primary

    def get(self, id: str) -> Article | None:
        """The article with this id (decoded on each call), or None."""
        item = self.by_id.get(id)
        return None if item is None else item.article

    def select(
        self,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        author: str | None = None,
        source: str | None = None,
    ) -> list[Loaded]:
        """Articles in listing order matching every given filter (dates inclusive)."""
        if date_from is None and date_to is None and author is None and source is None:
            return list(self.ordered)
        return [
            item
            for item in self.ordered
            if (date_from is None or (item.digest.date or "") >= date_from)
            and (date_to is None or (item.digest.date is not None and item.digest.date <= date_to))
            and (author is None or author in item.digest.authors)
            and (source is None or item.digest.source == source)
        ]


def _count(articles: tuple[Loaded, ...]) -> CorpusCounts:
    kinds: Counter[str] = Counter()
    months: Counter[str] = Counter()
    paragraphs = characters = 0
    for item in articles:
        digest = item.digest
        kinds.update(digest.figures_by_kind)
        paragraphs += len(digest.paragraphs)
        characters += digest.characters
        if digest.date:
            months[digest.date[:7]] += 1
    return CorpusCounts(
        articles=len(articles),
        paragraphs=paragraphs,
        characters=characters,
        figures_by_kind=dict(sorted(kinds.items())),
        per_month=dict(sorted(months.items())),
    )
