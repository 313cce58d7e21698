"""The application's own routes as its one list of resources.

The fast path's table of precomputed paths (:func:`precomputed_paths`) and the
``Allow`` header of a 405 or an ``OPTIONS`` answer (:func:`allowed_methods`) are
read from the routes FastAPI serves, so a new GET route needs no edit here or in
the fast path: without a path parameter it is precomputed as it is; with one, it
is precomputed only for the values its endpoint names with :func:`precompute`
(else FastAPI answers it on every request, which is always correct).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from fastapi.routing import iter_route_contexts
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Scope

from app.models import Article

F = TypeVar("F", bound=Callable[..., Any])
# The values a path parameter takes for the primary article (section indexes...).
PathValues = Callable[[Article], Iterable[object]]

_PATH_VALUES: dict[Callable[..., Any], dict[str, PathValues]] = {}
# Methods in the order an Allow header lists them; OPTIONS is answered for every resource.
METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def precompute(**values: PathValues) -> Callable[[F], F]:
    """Mark an endpoint's path parameters with the values to precompute, per parameter."""

    def mark(endpoint: F) -> F:
        _PATH_VALUES[endpoint] = values
        return endpoint

    return mark


def precomputed_paths(routes: Sequence[BaseRoute], primary: Article) -> list[str]:
    """Every path to ask for once, at start-up, to answer later GETs from bytes.

    A GET route with no path parameter, as it is; a route with path parameters,
    once per combination of the values its endpoint was marked with (routes under
    /articles/{id} are not: one per article is too many). Only the 200s are kept,
    so a route that needs a query parameter (/search) costs one 422 at start-up.
    """
    paths: list[str] = []
    for route in iter_route_contexts(routes):  # included routers' routes too
        if route.path_format is None or "GET" not in (route.methods or ()):
            continue
        names = list(route.param_convertors)
        values = _PATH_VALUES.get(route.endpoint, {}) if route.endpoint else {}
        if not set(names) <= values.keys():
            continue
        for combination in itertools.product(*(values[name](primary) for name in names)):
            paths.append(route.path_format.format(**dict(zip(names, combination, strict=True))))
    return paths


def allowed_methods(routes: Sequence[BaseRoute], scope: Scope) -> str | None:
    """The ``Allow`` value for the request's path, or None when no route serves it."""
    methods: set[str] = set()
    for route in iter_route_contexts(routes):
        match, _ = route.matches(scope)
        if match is Match.NONE:
            continue
        if isinstance(route.original_route, Mount):  # static files (/docs-assets)
            methods |= {"GET", "HEAD"}
        else:
            methods |= route.methods or set()
    if not methods:
        return None
    if "GET" in methods:
        methods.add("HEAD")  # the front layer answers HEAD wherever GET works
    methods.add("OPTIONS")
    return ", ".join(sorted(methods, key=_method_rank))


def _method_rank(method: str) -> tuple[int, str]:
    order = METHOD_ORDER.index(method) if method in METHOD_ORDER else len(METHOD_ORDER)
    return order, method
