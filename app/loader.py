"""Reading article files from disk into parsed articles; bad files are skipped, with reasons."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from app.models import Article
from app.parsing import ArticleParseError, parse_article

log = logging.getLogger("app.loader")

# Which files in a data folder are articles: plain-text dumps named *.txt.
# Hidden files (.foo.txt: editor and OS droppings) are not.
ARTICLE_GLOB = "*.txt"


class DataError(Exception):
    """The data cannot be served at all (no articles, or a skipped file in strict mode)."""


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file that was not loaded, and why."""

    file: str
    reason: str


@dataclass(frozen=True, slots=True)
class Loaded:
    """A parsed article and the file it came from."""

    file: str
    article: Article


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything loaded from the data path; ``articles`` in file-name order."""

    articles: tuple[Loaded, ...]
    skipped: tuple[Skipped, ...]

    @property
    def primary(self) -> Article:
        return self.articles[0].article


def article_files(path: Path) -> list[Path]:
    """The article files at ``path``: the file itself, or a folder's *.txt files by name."""
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise DataError(f"data path {path} does not exist: point ARTICLE_DATA or --data at it")
    return sorted(
        (p for p in path.glob(ARTICLE_GLOB) if p.is_file() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )


def load_file(path: Path, max_bytes: int) -> Article:
    """Read and parse one file; raises ArticleParseError or OSError."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ArticleParseError(
            f"file is {size} bytes, over the {max_bytes}-byte limit (ARTICLE_MAX_FILE_BYTES)"
        )
    return parse_article(path.read_bytes(), fallback_id=path.stem)


def load_corpus(
    path: Path, *, max_bytes: int, primary: str | None = None, strict: bool = False
) -> Corpus:
    """Load every article at ``path``; never lets one bad file stop the others."""
    loaded: list[Loaded] = []
    skipped: list[Skipped] = []
    for file in article_files(path):
        try:
            article = load_file(file, max_bytes)
        except (ArticleParseError, OSError) as exc:
            log.warning("skipped %s: %s", file.name, exc)
            skipped.append(Skipped(file=file.name, reason=str(exc)))
            continue
        loaded.append(Loaded(file=file.name, article=article))
    if strict and skipped:
        reasons = "; ".join(f"{s.file}: {s.reason}" for s in skipped)
        raise DataError(f"{len(skipped)} file(s) skipped in strict mode: {reasons}")
    if not loaded:
        raise DataError(
            f"no article could be loaded from {path} ({len(skipped)} skipped): nothing to serve"
        )
    loaded = _unique_ids(loaded)
    if primary is not None:
        first = [item for item in loaded if item.file == primary]
        if not first:
            raise DataError(f"primary article file {primary!r} is not among the loaded files")
        loaded = first + [item for item in loaded if item.file != primary]
    return Corpus(articles=tuple(loaded), skipped=tuple(skipped))


def _unique_ids(loaded: list[Loaded]) -> list[Loaded]:
    """Two files with one article id both stay; in file-name order, the second
    becomes ``<id>-2``, the third ``<id>-3`` (stable as long as the names are)."""
    seen: dict[str, int] = {}
    result = []
    for item in loaded:
        base = item.article.id
        count = seen.get(base, 0) + 1
        seen[base] = count
        if count > 1:
            new_id = f"{base}-{count}"
            while new_id in seen:
                count += 1
                new_id = f"{base}-{count}"
            seen[base] = count
            seen[new_id] = 1
            item = Loaded(file=item.file, article=item.article.model_copy(update={"id": new_id}))
        result.append(item)
    return result
