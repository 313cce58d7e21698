"""Golden files: the full parse of each sample, as readable JSON.

A change to the parser that alters any output shows up as a diff of these files.
After reviewing it, regenerate them deliberately with ``UPDATE_GOLDEN=1 make test``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.parsing import parse_article
from tests.conftest import DATA, SAMPLES

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
INPUTS = sorted([*DATA.glob("*.txt"), *SAMPLES.glob("*.txt")])


def render(path: Path) -> str:
    article = parse_article(path.read_bytes(), fallback_id=path.stem)
    return json.dumps(article.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize("path", INPUTS, ids=[p.stem for p in INPUTS])
def test_golden(path: Path) -> None:
    golden = GOLDEN / f"{path.stem}.json"
    got = render(path)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(got, encoding="utf-8")
    assert golden.is_file(), f"no golden file for {path.name}: run UPDATE_GOLDEN=1 make test"
    assert got == golden.read_text(encoding="utf-8"), (
        f"{path.name} parses differently from {golden.name}; review the diff, then "
        "regenerate with UPDATE_GOLDEN=1 make test"
    )
