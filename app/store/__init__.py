"""The corpus store: one repository interface, an SQLite and a PostgreSQL engine.

``open_store(target)`` opens either: a ``postgresql://`` URL, or a path to a
SQLite file. ``default_store(cache_dir, data)`` is the SQLite file that
``article-api serve --data DIR`` ingests into.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from app.store.base import (
    CorpusCounts,
    Engine,
    Filters,
    RenamedFile,
    SkippedFile,
    Store,
    StoredArticle,
    StoreError,
    Summary,
)

__all__ = [
    "CorpusCounts",
    "Engine",
    "Filters",
    "RenamedFile",
    "SkippedFile",
    "Store",
    "StoreError",
    "StoredArticle",
    "Summary",
    "default_store",
    "is_postgres",
    "open_store",
]

POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def is_postgres(target: str) -> bool:
    return target.startswith(POSTGRES_SCHEMES)


def default_store(cache_dir: Path, data: Path) -> Path:
    """One SQLite store per data folder in the cache folder (as the snapshot was)."""
    tag = hashlib.sha256(str(data.resolve()).encode()).hexdigest()[:16]
    return cache_dir / f"store-{tag}.db"


def open_store(target: str | Path, *, readonly: bool = False) -> Engine:
    """Open a store by its target; ``readonly`` for serving (fails if it does not exist)."""
    text = str(target)
    if is_postgres(text):
        from app.store.postgres import PostgresStore

        return PostgresStore(text, readonly=readonly)
    from app.store.sqlite import SQLiteStore

    return SQLiteStore(Path(text), readonly=readonly)
