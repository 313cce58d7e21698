"""The OpenAPI document is a contract: it changes only on purpose, and its examples exist."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

SNAPSHOT = Path(__file__).with_name("openapi.snapshot.json")
# A path template's parameter, e.g. `{index}` in /sections/{index}: group 1 its name.
PATH_PARAMETER = re.compile(r"\{(\w+)\}")
UPDATE_HINT = (
    "/openapi.json differs from tests/api/openapi.snapshot.json. If the change is "
    "intended, review it and regenerate the snapshot with `UPDATE_SNAPSHOT=1 make test` "
    "(or `UPDATE_SNAPSHOT=1 .venv/bin/pytest tests/api/test_openapi.py`), then commit "
    "the snapshot with the change."
)


def test_openapi_matches_the_reviewed_snapshot(client: TestClient) -> None:
    served = client.get("/openapi.json").json()
    if os.environ.get("UPDATE_SNAPSHOT") == "1":
        text = json.dumps(served, ensure_ascii=False, indent=2)
        SNAPSHOT.write_text(text + "\n", encoding="utf-8")
    assert SNAPSHOT.exists(), UPDATE_HINT
    assert served == json.loads(SNAPSHOT.read_text(encoding="utf-8")), UPDATE_HINT


def _example(parameter: dict[str, Any]) -> object:
    if "example" in parameter:
        return parameter["example"]
    examples = parameter.get("examples") or parameter.get("schema", {}).get("examples")
    if isinstance(examples, dict):
        return next(iter(examples.values()))["value"]
    assert examples, f"path parameter {parameter['name']} has no example"
    return examples[0]


def test_every_path_example_exists(client: TestClient) -> None:
    """Each route filled in with its documented examples answers 200 from the bundled data."""
    paths = client.get("/openapi.json").json()["paths"]
    templated = [path for path in paths if PATH_PARAMETER.search(path)]
    assert templated
    for path in templated:
        operation = paths[path]["get"]
        values = {
            p["name"]: _example(p) for p in operation.get("parameters", []) if p["in"] == "path"
        }
        url = path.format_map({name: str(value) for name, value in values.items()})
        assert client.get(url).status_code == 200, f"{path}: example URL {url} is not 200"
