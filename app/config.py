"""Settings: one class, read from ``ARTICLE_*`` environment variables and CLI flags."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_DATA = Path(__file__).resolve().parent.parent / "data"


def default_cache_dir() -> Path:
    """$XDG_CACHE_HOME/article-api, or ~/.cache/article-api."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "article-api"


class Settings(BaseSettings):
    """Every knob of the service. Each field is an ``ARTICLE_<NAME>`` variable."""

    model_config = SettingsConfigDict(env_prefix="ARTICLE_", frozen=True)

    data: Path = Field(
        default=BUNDLED_DATA,
        description="An article file, or a folder whose *.txt files are served.",
    )
    primary: str | None = Field(
        default=None,
        description="File name of the article served at /article (default: the first by name).",
    )
    host: str = Field(default="127.0.0.1", description="Address to listen on.")
    port: int = Field(default=8000, ge=1, le=65535, description="Port to listen on.")
    workers: int = Field(default=1, ge=1, le=64, description="Server worker processes.")
    log_level: Literal["critical", "error", "warning", "info", "debug"] = Field(
        default="info", description="Log level of the server."
    )
    access_log: bool = Field(default=True, description="Write one access log line per request.")
    forwarded_allow_ips: str = Field(
        default="127.0.0.1",
        description=(
            "Comma-separated proxy addresses (or *) whose X-Forwarded-For/-Proto are trusted "
            "for the client address and scheme."
        ),
    )
    keep_alive: int = Field(
        default=5,
        ge=1,
        description=(
            "Seconds an idle keep-alive connection stays open; set it above the load "
            "balancer's idle timeout."
        ),
    )
    max_connections: int = Field(
        default=1000,
        ge=1,
        description="Connections served at once; past it, the one waiting longest for a "
        "request is closed, or the new one refused (503) when all are busy.",
    )
    max_header_bytes: int = Field(
        default=8192,
        ge=1024,
        le=1_048_576,
        description="Largest request head (request line and headers) in bytes; larger: 431.",
    )
    request_timeout: float = Field(
        default=10.0,
        gt=0,
        le=3600,
        description="Seconds a request may take to arrive whole, and a client may go "
        "without reading its answers, before the connection is closed.",
    )
    cache_max_age: int = Field(
        default=300, ge=0, description="Seconds clients may cache a 200 (Cache-Control max-age)."
    )
    max_file_bytes: int = Field(
        default=2_000_000,
        ge=1,
        description="Article files larger than this are skipped (a page dump is ~10-100 KB).",
    )
    strict: bool = Field(
        default=False, description="Refuse to start when any data file is skipped."
    )
    cache_dir: Path | None = Field(
        default_factory=default_cache_dir,
        description="Folder of the default store (one SQLite file per data folder), so a "
        "restart re-parses only changed files (default: $XDG_CACHE_HOME/article-api or "
        "~/.cache/article-api; empty: a temporary store, removed at exit). Never inside the "
        "data folder.",
    )
    parse_workers: int | None = Field(
        default=None,
        ge=1,
        le=64,
        description="Processes that parse files at start-up when there are many "
        "(default: one per core; 1 parses in the server process).",
    )

    store: str | None = Field(
        default=None,
        description="Where the parsed corpus is kept and served from: a SQLite file "
        "(PATH.db) or a postgresql:// URL. With --data too, that folder is ingested into it "
        "first; alone, the store is served as it is, without reading any folder (default: "
        "a SQLite file in the cache folder, keyed by the data folder).",
    )

    @field_validator("cache_dir", mode="before")
    @classmethod
    def _empty_disables(cls, value: object) -> object:
        return None if value in ("", None) else value
