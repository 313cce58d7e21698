"""How both engines encode an article's listing row and the corpus counts (as JSON text)."""

from __future__ import annotations

import json
from collections import Counter

from app.store.base import ISO_DATE, CorpusCounts, Summary


def summary_json(s: Summary) -> str:
    fields = (s.title, s.subtitle, s.date, s.authors, s.source)
    sizes = (s.paragraphs, s.sections, s.figures, s.characters)
    return json.dumps([*fields, *sizes], ensure_ascii=False)


def summary_of(article_id: str, raw: str) -> Summary:
    title, subtitle, date, authors, source, paragraphs, sections, figures, chars = json.loads(raw)
    return Summary(
        article_id, title, subtitle, date, tuple(authors), source, paragraphs, sections,
        figures, chars,
    )  # fmt: skip


def count_corpus(rows: list[tuple[str | None, str, str]]) -> CorpusCounts:
    """Counts over (date, summary JSON, kinds JSON) rows."""
    kinds: Counter[str] = Counter()
    months: Counter[str] = Counter()
    days: Counter[str] = Counter()
    paragraphs = characters = 0
    for date, summary, kinds_json in rows:
        values = json.loads(summary)
        paragraphs += values[5]
        characters += values[8]
        kinds.update(json.loads(kinds_json))
        if date:
            months[date[:7]] += 1
            if ISO_DATE.match(date):  # what a date filter's sort-key range holds
                days[date] += 1
    return CorpusCounts(
        articles=len(rows),
        paragraphs=paragraphs,
        characters=characters,
        figures_by_kind=dict(sorted(kinds.items())),
        per_month=dict(sorted(months.items())),
        per_day=dict(sorted(days.items())),
    )


def counts_json(c: CorpusCounts) -> str:
    return json.dumps(
        [c.articles, c.paragraphs, c.characters, c.figures_by_kind, c.per_month, c.per_day],
        ensure_ascii=False,
    )


def counts_of(raw: str) -> CorpusCounts:
    articles, paragraphs, characters, kinds, months, *days = json.loads(raw)
    return CorpusCounts(articles, paragraphs, characters, kinds, months, *days[:1])


def renamed_json(article_json: str, new_id: str) -> str:
    from app.models import Article

    return (
        Article.model_validate_json(article_json)
        .model_copy(update={"id": new_id})
        .model_dump_json()
    )
