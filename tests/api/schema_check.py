"""Checks an answer against the OpenAPI document of the app that gave it.

Used on every answer the test suite gets through a TestClient (tests/conftest.py
wraps ``TestClient.request``): an answer whose status is not documented for its
operation, whose content type is not, or whose body does not validate against the
schema for that status fails the test that asked for it.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

import httpx2 as httpx
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:article-api:openapi"
# A path template's parameter, e.g. `{index}`.
PARAMETER = re.compile(r"\{[^/}]+\}")
ANY = "[^/]+"  # what a template parameter matches: one path segment


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


class SchemaCheck:
    """The validators of one OpenAPI document, made on first use."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = Resource.from_contents(document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(DOCUMENT_URI, resource)
        # Literal paths before templates (/articles/skipped before /articles/{id}).
        self.templates = sorted(
            (
                (
                    len(PARAMETER.findall(path)),
                    re.compile(f"^{PARAMETER.sub(ANY, path)}$"),
                    path,
                )
                for path in document["paths"]
            ),
            key=lambda t: t[0],
        )

    @cache  # noqa: B019 (one instance per document, kept for the session)
    def validator(self, pointer: str) -> Draft202012Validator:
        schema = {"$ref": f"{DOCUMENT_URI}#{pointer}"}
        return Draft202012Validator(schema, registry=self.registry, format_checker=FormatChecker())

    def operation(self, method: str, path: str) -> tuple[str, dict[str, Any]] | None:
        for _, pattern, template in self.templates:
            if pattern.match(path):
                operation = self.document["paths"][template].get(method.lower())
                return (template, operation) if operation else None
        return None

    def check(self, response: httpx.Response) -> None:
        method, path = response.request.method, response.request.url.path
        status = response.status_code
        found = self.operation("GET" if method == "HEAD" else method, path)
        if found is None:  # not an operation (405, unknown paths, /docs): errors are Problems
            if status >= 400 and method != "HEAD":
                self.validate(response, _pointer("components", "schemas", "Problem"))
            return
        template, operation = found
        where = f"{method} {path}: {status}"
        documented = operation["responses"]
        assert str(status) in documented, f"{where} is not documented for {template}"
        if method == "HEAD" or status == 304:
            return
        media = response.headers.get("content-type", "").split(";")[0]
        content = documented[str(status)].get("content", {})
        assert media in content, f"{where}: {media} is not documented"
        http_method = "get" if method == "HEAD" else method.lower()
        pointer = _pointer(
            "paths", template, http_method, "responses", str(status), "content", media, "schema"
        )
        self.validate(response, pointer)

    def validate(self, response: httpx.Response, pointer: str) -> None:
        errors = sorted(self.validator(pointer).iter_errors(json.loads(response.content)), key=str)
        where = f"{response.request.method} {response.request.url.path}"
        assert not errors, f"{where}: the answer does not match {pointer}: {errors[0].message}"
