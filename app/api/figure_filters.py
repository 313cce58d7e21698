"""The figure filters of /figures and /articles/{id}/figures, declared once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Query
from fastapi.exceptions import RequestValidationError

from app.models import Article, Figure, FigureKindField, FigureUnitField
from app.parsing.figure_rules import UNITS
from app.parsing.slogans import SLOGAN_UNITS

# Every unit a figure or slogan can have (`Figure.unit`), in a stable order for the schema.
KNOWN_UNITS = tuple(sorted({unit for unit, _ in UNITS.values()} | set(SLOGAN_UNITS)))


@dataclass(frozen=True)
class FigureFilters:
    """Query parameters that narrow a figure list; None means "any"."""

    kind: Annotated[
        FigureKindField | None,
        Query(
            description="Only this kind; `slogan` lists the formula slogans instead.",
            examples=["count"],
        ),
    ] = None
    unit: Annotated[
        FigureUnitField | None,
        Query(
            description="Only this unit (个, 元, %…); one of the units the extractor knows, "
            "else 422.",
            examples=["个"],
        ),
    ] = None
    section: Annotated[
        int | None,
        Query(
            description="Only this section (1-based). 0 also means the lead, for old "
            "clients: prefer `lead=true` (`Figure.section` is null in the lead).",
            examples=[3],
            ge=0,
        ),
    ] = None
    lead: Annotated[
        bool | None,
        Query(description="Only figures in the lead (true) or in sections (false)."),
    ] = None
    approximate: Annotated[
        bool | None, Query(description="Only approximate (true) or exact (false) figures.")
    ] = None
    # nan and inf compare false or always true: a 422, not a silently empty or full list.
    min: Annotated[
        float | None,
        Query(description="Only values ≥ this.", examples=[100], allow_inf_nan=False),
    ] = None
    max: Annotated[
        float | None,
        Query(description="Only values ≤ this.", examples=[10000], allow_inf_nan=False),
    ] = None

    def __post_init__(self) -> None:
        if self.unit is not None and self.unit not in KNOWN_UNITS:
            raise RequestValidationError(
                [
                    {
                        "loc": ("query", "unit"),
                        "msg": f"unknown unit {self.unit!r}: no figure is ever measured in it",
                        "type": "enum",
                        "input": self.unit,
                    }
                ]
            )


def filter_figures(article: Article, f: FigureFilters) -> tuple[Figure, ...]:
    """The article's figures (or slogans, for kind=slogan) that pass every filter."""
    pool = article.slogans if f.kind == "slogan" else article.figures
    return tuple(
        fig
        for fig in pool
        if (f.kind is None or f.kind == "slogan" or fig.kind == f.kind)
        and (f.unit is None or fig.unit == f.unit)
        and (f.section is None or (fig.section or 0) == f.section)
        and (f.lead is None or (fig.section is None) == f.lead)
        and (f.approximate is None or fig.approximate == f.approximate)
        and (f.min is None or fig.value >= f.min)
        and (f.max is None or fig.value <= f.max)
    )
