"""One folder of sample dumps, one parametrised test: each sample's expected fields."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from app.models import Article
from app.parsing import parse_article
from tests.conftest import SAMPLES

CASES = sorted(SAMPLES.glob("*.txt"))


def summary(article: Article) -> dict[str, Any]:
    paragraphs = [*article.lead, *(p for s in article.sections for p in s.paragraphs)]
    return {
        "id": article.id,
        "title": article.title,
        "subtitle": article.subtitle,
        "pretitle": article.pretitle,
        "date": article.date,
        "authors": list(article.authors),
        "source": article.source,
        "url": article.url,
        "credits": [c.model_dump() for c in article.credits],
        "lead_paragraphs": len(article.lead),
        "headings": [s.heading for s in article.sections],
        "section_paragraphs": [len(s.paragraphs) for s in article.sections],
        "last_paragraph_ends": paragraphs[-1].text if paragraphs else "",
    }


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_sample(path: Path) -> None:
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    got = summary(parse_article(path.read_bytes(), fallback_id=path.stem))
    tail = expected.pop("last_paragraph_ends")
    assert got.pop("last_paragraph_ends").endswith(tail)
    assert got == expected


def test_every_sample_has_expectations() -> None:
    assert CASES
    for path in CASES:
        assert path.with_suffix(".expected.json").is_file(), path.name
