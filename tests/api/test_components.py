"""Shared enum components: one type per enum for models and query parameters alike."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

REF = "#/components/schemas/{}"


def _refs(schema: dict[str, Any]) -> set[str]:
    return {schema["$ref"]} if "$ref" in schema else {s.get("$ref") for s in schema["anyOf"]}


@pytest.mark.parametrize(("field", "component"), [("kind", "FigureKind"), ("unit", "FigureUnit")])
def test_model_and_query_parameter_share_the_component(
    client: TestClient, field: str, component: str
) -> None:
    document = client.get("/openapi.json").json()
    model = document["components"]["schemas"]["Figure"]["properties"][field]
    assert REF.format(component) in _refs(model)
    for path in ("/figures", "/articles/{id}/figures"):
        (parameter,) = (
            p for p in document["paths"][path]["get"]["parameters"] if p["name"] == field
        )
        assert REF.format(component) in _refs(parameter["schema"]), path


@pytest.mark.parametrize("component", ["FigureKind", "FigureUnit", "Bound"])
def test_every_member_has_a_readable_unique_name(client: TestClient, component: str) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"][component]
    names = schema["x-enum-varnames"]
    assert len(names) == len(schema["enum"]) == len(set(names))
    assert all(name.isidentifier() and not name.startswith("VALUE_") for name in names)


def test_no_component_is_left_unlinked(client: TestClient) -> None:
    assert "x-component" not in client.get("/openapi.json").text
