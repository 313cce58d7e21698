"""The parsed-snapshot cache: one JSON file per data folder, so a restart skips parsing.

The snapshot is a cache, never the source of truth. An entry is keyed by the file's
name stem (it is the fallback article id) and the sha256 of its bytes; the whole
file carries the parser version, a hash of the parser's source code, so any change
to the parser or the models makes it stale. A corrupt or stale snapshot is ignored
with a warning and rewritten; it is written atomically (temp file + ``os.replace``)
in ``Settings.cache_dir``, never in the data folder (which may be read-only).

JSON rather than pickle: measured on 10,000 articles both decode at the same speed
(README, Benchmarks: Corpus), and JSON never runs code from a file on load.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from app.models import Article

log = logging.getLogger("app.snapshot")

FORMAT = 1
# The sources whose change can change a parse: the parser and the models it builds.
PARSER_SOURCES = (Path(__file__).parent / "parsing", Path(__file__).parent / "models.py")


class Digest(BaseModel):
    """What the listing, corpus statistics and search need of an article, cheap to load."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    title: str | None
    subtitle: str | None
    date: str | None
    authors: tuple[str, ...]
    source: str | None
    sections: int
    figures: int
    characters: int
    figures_by_kind: dict[str, int]
    # (section index or None in the lead, paragraph index, text) in article order.
    paragraphs: tuple[tuple[int | None, int, str], ...]


class Entry(BaseModel):
    """One parsed file: its digest and the full Article as JSON text (decoded on demand)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    digest: Digest
    article: str


class SnapshotFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal[1]
    parser: str
    entries: dict[str, Entry]


def digest_of(article: Article) -> Digest:
    lead = [(None, p.index, p.text) for p in article.lead]
    body = [(s.index, p.index, p.text) for s in article.sections for p in s.paragraphs]
    return Digest(
        id=article.id,
        title=article.title,
        subtitle=article.subtitle,
        date=article.date,
        authors=article.authors,
        source=article.source,
        sections=article.stats.sections,
        figures=article.stats.figures.total,
        characters=article.stats.characters,
        figures_by_kind=article.stats.figures.by_kind,
        paragraphs=tuple(lead + body),
    )


def entry_of(article: Article) -> Entry:
    return Entry(digest=digest_of(article), article=article.model_dump_json())


@cache
def parser_version() -> str:
    """sha256 over the parser's source files: any edit to them invalidates every entry."""
    digest = hashlib.sha256()
    for root in PARSER_SOURCES:
        for file in sorted(root.rglob("*.py")) if root.is_dir() else [root]:
            digest.update(file.name.encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:16]


def entry_key(name: str, data: bytes) -> str:
    return f"{Path(name).stem}:{hashlib.sha256(data).hexdigest()}"


def snapshot_path(cache_dir: Path, data: Path) -> Path:
    """One snapshot per data path, so two folders served from one cache do not thrash."""
    tag = hashlib.sha256(str(data.resolve()).encode()).hexdigest()[:16]
    return cache_dir / f"corpus-{tag}.json"


def read_snapshot(path: Path) -> dict[str, Entry]:
    """The entries of a valid, current snapshot; {} (with a warning) for anything else."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        log.warning("snapshot %s unreadable, ignored: %s", path, exc)
        return {}
    try:
        snapshot = SnapshotFile.model_validate_json(raw)
    except ValidationError as exc:
        log.warning("snapshot %s is corrupt, ignored: %s", path, exc.errors()[0]["msg"])
        return {}
    if snapshot.parser != parser_version():
        log.warning("snapshot %s is stale (parser %s), ignored", path, snapshot.parser)
        return {}
    return snapshot.entries


def write_snapshot(path: Path, entries: dict[str, Entry]) -> None:
    """Write atomically; a failure is logged, never fatal (the cache is optional)."""
    snapshot = SnapshotFile(format=FORMAT, parser=parser_version(), entries=entries)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".corpus-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(snapshot.model_dump_json().encode())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("snapshot %s not written: %s", path, exc)
