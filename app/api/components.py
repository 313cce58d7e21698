"""Shared schema components: the enums that models and query parameters both use.

``Figure.kind`` and ``/figures?kind=`` name the same ``FigureKind`` component (and
``unit`` the same ``FigureUnit``), so a generated client has one type for each and
a figure's own ``kind`` can be passed back as a filter. Each component lists its
members' names for code generators (``x-enum-varnames``, which
openapi-python-client and openapi-typescript read): a unit that is not a valid
identifier (``%``, ``℃``) gets an English name; the Chinese measure words are
identifiers as they are (``个``).
"""

from __future__ import annotations

import typing
from typing import Any

from app.api.figure_filters import KNOWN_UNITS
from app.models import Bound, FigureKind

# Units that are not identifiers: their member names in generated clients.
SYMBOL_NAMES = {"%": "PERCENT", "℃": "CELSIUS"}


def _enum(values: tuple[str, ...], names: list[str], description: str) -> dict[str, Any]:
    return {
        "type": "string",
        "enum": list(values),
        "x-enum-varnames": names,
        "description": description,
    }


def unit_name(unit: str) -> str:
    """The member name of a unit in generated clients."""
    return SYMBOL_NAMES.get(unit, unit)


def link_components(document: dict[str, Any]) -> dict[str, Any]:
    """Add the components to an OpenAPI document and point each use at its component.

    A schema the models mark ``{"x-component": name}`` becomes ``{"$ref": ...}``
    (its description and examples kept beside it, as OpenAPI 3.1 allows).
    """
    document.setdefault("components", {}).setdefault("schemas", {}).update(components())
    _link(document)
    return document


def _link(node: Any) -> None:
    if isinstance(node, dict):
        name = node.pop("x-component", None)
        if name is not None:
            node["$ref"] = f"#/components/schemas/{name}"
        for value in node.values():
            _link(value)
    elif isinstance(node, list):
        for value in node:
            _link(value)


def components() -> dict[str, dict[str, Any]]:
    """The shared enum components, by name (added to ``#/components/schemas``)."""
    kinds: tuple[str, ...] = typing.get_args(FigureKind)
    bounds: tuple[str, ...] = typing.get_args(Bound)
    return {
        "FigureKind": _enum(
            kinds,
            [kind.upper() for kind in kinds],
            "What a figure counts or measures; `slogan` is a formula such as “四个意识”, "
            "not a quantity.",
        ),
        "FigureUnit": _enum(
            KNOWN_UNITS,
            [unit_name(unit) for unit in KNOWN_UNITS],
            "Every unit a figure can have: measure words, currencies, `%`, `℃`.",
        ),
        "Bound": _enum(
            bounds,
            [bound.upper() for bound in bounds],
            "`lower`: the true value is at least the figure; `upper`: at most.",
        ),
    }
