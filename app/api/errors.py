"""One error body for every error: RFC 9457 ``application/problem+json``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

log = logging.getLogger("app.api")

PROBLEM_JSON = "application/problem+json"
# The whole detail of a 500: no exception text, traceback or file path reaches a client.
SERVER_ERROR_DETAIL = "internal server error; the incident was logged"


class ValidationItem(BaseModel):
    """One invalid input."""

    loc: list[str | int] = Field(
        description="Where the bad value is.", examples=[["path", "index"]]
    )
    msg: str = Field(
        description="What is wrong with it.", examples=["Input should be a valid integer"]
    )
    type: str = Field(description="Pydantic's error type.", examples=["int_parsing"])


class Problem(BaseModel):
    """An error (RFC 9457 problem details)."""

    type: str = Field(description="A URI for the kind of problem.", examples=["about:blank"])
    title: str = Field(description="Short summary of the status.", examples=["Not Found"])
    status: int = Field(description="The HTTP status code.", examples=[404])
    detail: str = Field(
        description="What went wrong with this request, for a person to read.",
        examples=["section 9 does not exist: the article has sections 1-3"],
    )
    instance: str = Field(description="The path that was requested.", examples=["/sections/9"])
    errors: list[ValidationItem] | None = Field(
        default=None, description="For 422 only: each invalid input.", examples=[None]
    )


def problem(
    status: int,
    detail: str,
    instance: str,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
    }
    if errors is not None:
        body["errors"] = errors
    return JSONResponse(
        body,
        status_code=status,
        media_type=PROBLEM_JSON,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for a route's error statuses."""
    return {
        status: {
            "model": Problem,
            "description": HTTPStatus(status).phrase,
            "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


def install(app: FastAPI) -> None:
    """Route every error through :func:`problem`."""

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, HTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return problem(exc.status_code, detail, request.url.path, headers=exc.headers)

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [
            {
                "loc": [str(p) if not isinstance(p, int) else p for p in e["loc"]],
                "msg": e["msg"],
                "type": e["type"],
            }
            for e in exc.errors()
        ]
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        return problem(422, detail or "invalid request", request.url.path, errors=errors)

    async def server_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem(500, SERVER_ERROR_DETAIL, request.url.path)

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(Exception, server_error)
