"""The OpenAPI document as served: FastAPI's, plus what FastAPI cannot know.

- the shared enum components (:mod:`app.api.components`);
- the models' examples as written: FastAPI drops every null from the document, the
  nulls inside examples too, which left examples that fail their own schema;
- the HTTP layer's behaviour (app/api/fastpath.py) on every GET operation: the
  ``ETag``, ``Last-Modified`` and ``Cache-Control`` headers of a 200, ``Link`` on
  the paged lists, and the ``304 Not Modified`` answer to a conditional request.
"""

from __future__ import annotations

import inspect
from types import ModuleType
from typing import Any

from pydantic import BaseModel

from app import models
from app.api import errors, schemas
from app.api.components import link_components

# Operations whose 200 carries a Link header (paging).
PAGED = frozenset({"listArticles", "searchParagraphs"})


def _header(description: str, example: str) -> dict[str, Any]:
    return {"description": description, "schema": {"type": "string", "examples": [example]}}


HEADERS_200 = {
    "ETag": _header(
        "Strong entity tag of this representation (`-br`/`-gzip` suffix per coding); "
        "send it back in `If-None-Match` to get a 304.",
        '"7077e6ae374f78555df565691b759885"',
    ),
    "Last-Modified": _header(
        "When the data was loaded; `If-Modified-Since` with it (or later) gives a 304.",
        "Tue, 01 Dec 2026 14:00:00 GMT",
    ),
    "Cache-Control": _header(
        "`public, max-age=N` (N: `ARTICLE_CACHE_MAX_AGE`); errors are `no-store`.",
        "public, max-age=300",
    ),
}
LINK = _header(
    'The paging relations as relative references: `<…>; rel="next"` (when there is a '
    'next page) and `<…>; rel="first"`. Exposed to cross-origin code.',
    f'<{schemas.NEXT_EXAMPLE}>; rel="next", </articles?limit=20>; rel="first"',
)
NOT_MODIFIED = {
    "description": "Not Modified: `If-None-Match` matched the ETag (or, without it, "
    "`If-Modified-Since` is not before `Last-Modified`). Empty body; the same ETag, "
    "Cache-Control and Vary.",
    "headers": {name: HEADERS_200[name] for name in ("ETag", "Cache-Control")},
}


# The modules whose models are the document's component schemas.
MODEL_MODULES: tuple[ModuleType, ...] = (models, schemas, errors)


def restore_examples(document: dict[str, Any]) -> None:
    """Put back each model field's examples exactly as written (nulls included)."""
    components = document.get("components", {}).get("schemas", {})
    for module in MODEL_MODULES:
        for name, model in inspect.getmembers(module, inspect.isclass):
            if not issubclass(model, BaseModel) or name not in components:
                continue
            properties = components[name].get("properties", {})
            for field, info in model.model_fields.items():
                if info.examples is not None and field in properties:
                    properties[field]["examples"] = info.examples


def finish_document(document: dict[str, Any]) -> dict[str, Any]:
    """Add the shared components and the HTTP layer's headers and 304s to ``document``."""
    restore_examples(document)
    link_components(document)
    for item in document["paths"].values():
        operation = item.get("get")
        if operation is None:
            continue
        responses = operation["responses"]
        headers = dict(HEADERS_200)
        if operation.get("operationId") in PAGED:
            headers["Link"] = LINK
        responses["200"]["headers"] = headers
        responses["304"] = NOT_MODIFIED
        operation["responses"] = dict(sorted(responses.items()))
    return document
