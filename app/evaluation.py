"""Accuracy of the parser on labelled real articles: ``article-api eval DIR``.

DIR holds ``<name>.txt`` dumps beside ``<name>.json`` expected parses, written by hand
from the source text (``tests/corpus/README.md`` gives the conventions). Each article
is parsed as the server would parse it and compared field by field; figures are
compared as a set, by precision and recall. Floors (``floors.json`` beside the
articles) are the minimum share of articles each field must get right: the gate.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.models import Article, Figure
from app.parsing import ArticleParseError, parse_article

# The fields compared exactly, in the order the table prints them.
EXACT_FIELDS = ("title", "subtitle", "pretitle", "date", "authors", "source", "id", "url")
FIELDS = (*EXACT_FIELDS, "headings", "paragraphs")
# A paragraph count is right when it is within this share of the expected count: where
# a paragraph ends is sometimes a judgement call (a caption, a one-line list item).
PARAGRAPH_TOLERANCE = 0.10
# Figure kinds that are not quantities: a date is typed, not counted as a figure.
NOT_QUANTITIES = frozenset({"date", "slogan"})
FLOORS_FILE = "floors.json"


class EvaluationError(Exception):
    """The corpus folder or its expected files cannot be evaluated (a person must fix it)."""


@dataclass
class Score:
    correct: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        return self.correct / self.total if self.total else 1.0


@dataclass
class Report:
    articles: int = 0
    fields: dict[str, Score] = field(default_factory=lambda: {f: Score() for f in FIELDS})
    found: int = 0
    expected: int = 0
    matched: int = 0
    wrong: int = 0
    nouns: Score = field(default_factory=Score)
    misses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def as_json(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "fields": {k: {"correct": s.correct, "total": s.total} for k, s in self.fields.items()},
            "figures": {
                "precision": round(self.precision, 4),
                "recall": round(self.recall, 4),
                "found": self.found,
                "expected": self.expected,
                "matched": self.matched,
                "wrong": self.wrong,
                "nouns": {"correct": self.nouns.correct, "total": self.nouns.total},
            },
            "misses": self.misses,
        }


def load_cases(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every ``<name>.txt`` in ``folder`` that has a ``<name>.json`` beside it."""
    if not folder.is_dir():
        raise EvaluationError(f"{folder} is not a folder of labelled articles")
    cases = []
    for dump in sorted(folder.glob("*.txt")):
        expected_file = dump.with_suffix(".json")
        if not expected_file.is_file():
            continue
        try:
            expected = json.loads(expected_file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise EvaluationError(f"{expected_file.name}: not readable JSON: {exc}") from None
        missing = [k for k in (*FIELDS, "figures", "origin") if k not in expected]
        if missing:
            raise EvaluationError(f"{expected_file.name}: missing {', '.join(missing)}")
        cases.append((dump, expected))
    if not cases:
        raise EvaluationError(f"{folder} has no <name>.txt with a <name>.json beside it")
    return cases


def evaluate(cases: Iterable[tuple[Path, dict[str, Any]]]) -> Report:
    report = Report()
    for dump, expected in cases:
        report.articles += 1
        name = dump.stem
        try:
            article = parse_article(dump.read_bytes(), fallback_id=name)
        except ArticleParseError as exc:
            for key in FIELDS:
                report.fields[key].total += 1
                report.misses.append({"article": name, "field": key, "error": str(exc)})
            report.expected += len(expected["figures"])
            continue
        for key, got in _fields(article, name).items():
            want = _expected_field(expected, key, name)
            score = report.fields[key]
            score.total += 1
            if _agrees(key, got, want):
                score.correct += 1
            else:
                report.misses.append({"article": name, "field": key, "expected": want, "got": got})
        _score_figures(report, name, article, expected)
    return report


def _fields(article: Article, name: str) -> dict[str, Any]:
    return {
        "title": article.title,
        "subtitle": article.subtitle,
        "pretitle": article.pretitle,
        "date": article.date,
        "authors": list(article.authors),
        "source": article.source,
        "id": article.id,
        "url": article.url,
        "headings": [s.heading for s in article.sections],
        "paragraphs": article.stats.paragraphs,
    }


def _expected_field(expected: dict[str, Any], key: str, name: str) -> Any:
    value = expected[key]
    if key == "id" and value is None:
        return name  # no CMS id in the dump: the file's stem is the id
    return value


def _agrees(key: str, got: Any, want: Any) -> bool:
    if key == "paragraphs":
        return isinstance(want, int) and abs(got - want) <= PARAGRAPH_TOLERANCE * want
    return bool(got == want)


def _spans(text: str, needle: str) -> list[tuple[int, int]]:
    spans, at = [], text.find(needle)
    while needle and at >= 0:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return spans


def _overlaps(figure: Figure, spans: list[tuple[int, int]]) -> bool:
    return any(figure.start < end and start < figure.end for start, end in spans)


def _unit(unit: str | None) -> str | None:
    return "%" if unit == "％" else unit


def _same(figure: Figure, want: dict[str, Any]) -> bool:
    value_max = want.get("value_max")
    return (
        math.isclose(figure.value, float(want["value"]), rel_tol=1e-9)
        and _unit(figure.unit) == _unit(want.get("unit"))
        and figure.approximate == bool(want.get("approximate", False))
        and (
            value_max is None
            or (figure.value_max is not None and math.isclose(figure.value_max, value_max))
        )
    )


def _score_figures(report: Report, name: str, article: Article, expected: dict[str, Any]) -> None:
    got = [f for f in article.figures if f.kind not in NOT_QUANTITIES]
    wants = expected["figures"]
    report.found += len(got)
    report.expected += len(wants)
    free = list(got)
    for want in wants:
        spans = _spans(article.text, want["text"])
        match = next((f for f in free if _overlaps(f, spans) and _same(f, want)), None)
        if match is None:
            report.misses.append({"article": name, "field": "figures", "missed": want})
            continue
        free.remove(match)
        report.matched += 1
        report.nouns.total += 1
        report.nouns.correct += match.noun == want.get("noun")
    not_figures = [
        s for text in expected.get("not_figures", []) for s in _spans(article.text, text)
    ]
    for figure in free:
        wrong = _overlaps(figure, not_figures)
        report.wrong += wrong
        report.misses.append(
            {
                "article": name,
                "field": "figures",
                "extra": figure.text,
                "value": figure.value,
                "unit": figure.unit,
                "not_a_quantity": wrong,
                "sentence": figure.sentence,
            }
        )


def read_floors(path: Path) -> dict[str, float]:
    """The floors file: ``{"title": 0.95, …, "figures_precision": 0.9, …}``."""
    try:
        floors = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EvaluationError(f"cannot read the floors file {path}: {exc}") from None
    known = {*FIELDS, "figures_precision", "figures_recall"}
    unknown = set(floors) - known
    if unknown:
        raise EvaluationError(f"{path.name}: unknown floors {sorted(unknown)}")
    return {k: float(v) for k, v in floors.items()}


def below_floors(report: Report, floors: dict[str, float]) -> list[str]:
    """One line per measure under its floor (empty when the gate passes)."""
    measures = {k: s.share for k, s in report.fields.items()}
    measures["figures_precision"] = report.precision
    measures["figures_recall"] = report.recall
    return [
        f"{key}: {measures[key]:.1%} is below its floor {floor:.1%}"
        for key, floor in floors.items()
        if measures[key] + 1e-9 < floor
    ]


def table(report: Report) -> str:
    """The per-field table a person reads, with the articles that miss each field."""
    lines = [f"{report.articles} articles", "", "| field | correct | share | misses |"]
    lines.append("| --- | ---: | ---: | --- |")
    for key, score in report.fields.items():
        missed = sorted({m["article"] for m in report.misses if m["field"] == key})
        shown = ", ".join(missed[:6]) + (f" (+{len(missed) - 6})" if len(missed) > 6 else "")
        lines.append(f"| {key} | {score.correct}/{score.total} | {score.share:.1%} | {shown} |")
    lines += [
        "",
        f"figures: precision {report.precision:.1%} ({report.matched}/{report.found}), "
        f"recall {report.recall:.1%} ({report.matched}/{report.expected}), "
        f"{report.wrong} non-quantities counted, nouns {report.nouns.correct}/"
        f"{report.nouns.total}",
    ]
    return "\n".join(lines)
