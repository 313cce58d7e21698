"""Logging: one JSON object per line on stdout, for the app's and the server's loggers.

``logging_config(level)`` is a :func:`logging.config.dictConfig` dictionary. The CLI
applies it before loading the data and hands the same dictionary to uvicorn, which
applies it again in every worker process, so every process logs the same way.

A record's structured fields travel in ``extra={"fields": {...}}``; they are merged
into the JSON object next to ``ts``, ``level``, ``logger`` and ``msg``.
"""

from __future__ import annotations

import functools
import json
import logging
import time
from typing import Any

# The loggers that get the JSON handler. ``app.access`` (the access log) is a child of
# ``app``; uvicorn's own access logger is configured too, but the CLI turns it off.
LOGGERS = ("app", "uvicorn", "uvicorn.error", "uvicorn.access")
ACCESS_LOGGER = "app.access"
# One encoder for every line: json.dumps(..., ensure_ascii=False) would build a new
# one per call, which is half the cost of an access-log line (scripts/bench_logging.py).
ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)


@functools.lru_cache(maxsize=4)
def _second(epoch: int) -> str:
    """`2026-11-29T14:25:35` for a whole second (cached: many lines share one)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch))


def timestamp(created: float) -> str:
    """A log line's `ts`: UTC, milliseconds, `2026-11-29T14:25:35.804Z`."""
    return f"{_second(int(created))}.{int((created - int(created)) * 1000):03d}Z"


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON (non-ASCII kept readable)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return ENCODER.encode(line)


def logging_config(level: str = "info") -> dict[str, Any]:
    """The dictConfig that sends the app's and uvicorn's logs to stdout as JSON lines.

    The access log (``app.access``) follows the ``app`` logger's level but writes its
    own batched lines (app/api/accesslog.py).
    """
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "json",
                "stream": "ext://sys.stdout",
            }
        },
        "loggers": {
            name: {"handlers": ["stdout"], "level": level.upper(), "propagate": False}
            for name in LOGGERS
        },
    }
