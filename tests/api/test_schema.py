"""The schema against reality: the document is valid OpenAPI, its examples validate
against their own schemas, and their offsets point at the served text.

(Every answer of the suite is checked against the schema too: tests/conftest.py.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.api.schema_check import DOCUMENT_URI, SchemaCheck


@pytest.fixture(scope="module")
def document(client: TestClient) -> dict[str, Any]:
    served: dict[str, Any] = client.get("/openapi.json").json()
    return served


def test_the_document_is_valid_openapi(document: dict[str, Any]) -> None:
    validate(document)


def _examples(document: dict[str, Any]) -> Iterator[tuple[str, str, Any]]:
    """(where, JSON pointer of the schema, example) for every example in the document."""
    for name, schema in document["components"]["schemas"].items():
        for field, spec in schema.get("properties", {}).items():
            for example in spec.get("examples", []):
                pointer = f"/components/schemas/{name}/properties/{field}"
                yield f"{name}.{field}", pointer, example
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for i, parameter in enumerate(operation.get("parameters", [])):
                for example in parameter["schema"].get("examples", []):
                    escaped = path.replace("~", "~0").replace("/", "~1")
                    pointer = f"/paths/{escaped}/{method}/parameters/{i}/schema"
                    yield f"{path} {parameter['name']}", pointer, example


def test_every_example_matches_its_schema(document: dict[str, Any]) -> None:
    registry: Registry[Any] = Registry().with_resource(
        DOCUMENT_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    wrong = []
    examples = list(_examples(document))
    assert len(examples) > 100
    for where, pointer, example in examples:
        validator = Draft202012Validator(
            {"$ref": f"{DOCUMENT_URI}#{pointer}"}, registry=registry, format_checker=FormatChecker()
        )
        wrong += [f"{where}: {e.message}" for e in validator.iter_errors(example)]
    assert wrong == []


def _spans(example: Any) -> Iterator[dict[str, Any]]:
    """Every object in an example that locates a text by offsets."""
    if isinstance(example, dict):
        if {"start", "end"} <= example.keys() and ("text" in example or "heading" in example):
            yield example
        for value in example.values():
            yield from _spans(value)
    elif isinstance(example, list):
        for value in example:
            yield from _spans(value)


def test_example_offsets_point_at_the_served_text(
    document: dict[str, Any], client: TestClient
) -> None:
    """A paragraph's, figure's or section's example offsets are the bundled article's."""
    text = client.get("/article").json()["text"]
    spans = [span for _, _, example in _examples(document) for span in _spans(example)]
    assert len(spans) >= 5
    for span in spans:
        if "text" in span:
            assert text[span["start"] : span["end"]] == span["text"], span
        else:
            heading = span["heading"]
            assert text[span["start"] : span["start"] + len(heading)] == heading, span


def test_the_answer_check_can_fail(client: TestClient, document: dict[str, Any]) -> None:
    """The check every answer goes through rejects a body that breaks the schema."""
    good = client.get("/sections/1")
    body = good.json()
    del body["heading"]
    bad = httpx.Response(
        200, json=body, request=good.request, headers={"content-type": "application/json"}
    )
    with pytest.raises(AssertionError, match="heading"):
        SchemaCheck(document).check(bad)
    undocumented = httpx.Response(418, json={}, request=good.request)
    with pytest.raises(AssertionError, match="not documented"):
        SchemaCheck(document).check(undocumented)
    assert json.loads(good.content)["heading"]


def test_every_offset_states_its_unit_and_base(document: dict[str, Any]) -> None:
    offsets = [
        (name, field, spec)
        for name, schema in document["components"]["schemas"].items()
        for field, spec in schema.get("properties", {}).items()
        if field in {"start", "end", "highlights"}
    ]
    assert len(offsets) == 7  # Paragraph, Section, Figure: start and end; SearchHit.highlights
    for name, field, spec in offsets:
        assert "Unicode code points" in spec["description"], f"{name}.{field}"
        assert "0-based" in spec["description"], f"{name}.{field}"
