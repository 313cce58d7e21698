"""HTTP semantics shared by the fast path and by FastAPI's own answers.

One function, :func:`represent`, turns a 200 body and its headers into a
:class:`Representation`: the body in every content-coding worth sending, each
with its strong ETag and its full header list. The fast path builds one per
precomputed resource at start-up; every other 200 gets one per request. Both
then answer through :func:`select`, so a cached answer is byte-identical to a
computed one.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime

import brotli

Headers = list[tuple[bytes, bytes]]

# Bodies smaller than this are sent as they are: below one TCP packet the
# compression header and the CPU time cost more than the bytes saved.
MIN_COMPRESS_BYTES = 512
# One setting for both paths, so a cached answer equals a computed one. Brotli 11
# saves ~8% more on /article but takes ~40 ms per 40 KB: too slow per request.
BROTLI_QUALITY = 6
GZIP_LEVEL = 6
# Media types that shrink when compressed (images and fonts are compressed already).
COMPRESSIBLE = (
    b"application/json",
    b"application/problem+json",
    b"text/",
    b"application/javascript",
)

# Plain API responses load nothing, and no page may frame them.
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# /docs and /redoc load their self-hosted assets from this origin. Their inline
# scripts are allowed by hash (see docs_csp), never by 'unsafe-inline'. Styles do
# need 'unsafe-inline': ReDoc (styled-components) injects <style> elements at run
# time, which no hash can name. ReDoc's search runs in a blob: worker; both UIs
# draw icons from data: URIs.
DOCS_CSP = (
    "default-src 'none'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self' blob:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
DOCS_PAGES = frozenset({"/docs", "/redoc"})
# An inline <script> element of FastAPI's docs HTML (no src attribute): group 1 is
# the exact text the browser hashes for CSP.
INLINE_SCRIPT = re.compile(rb"<script>(.*?)</script>", re.DOTALL)
# One entity tag in If-None-Match (`"abc"` or `W/"abc"`): group 1 is the opaque tag.
ENTITY_TAG = re.compile(r'(?:W/)?"([^"]*)"')
# One coding in Accept-Encoding, e.g. `br;q=0.8`: group 1 the coding, group 2 its q.
CODING = re.compile(r"\s*([\w*-]+)\s*(?:;\s*q\s*=\s*([0-9.]+))?\s*$")

SECURITY = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
CORS = [
    (b"access-control-allow-origin", b"*"),
    # Link carries the paging relations; Last-Modified and Cache-Control are safelisted.
    (b"access-control-expose-headers", b"ETag, Allow, Link"),
]
PREFLIGHT = [
    (b"access-control-allow-methods", b"GET, HEAD"),
    (b"access-control-allow-headers", b"If-None-Match, If-Modified-Since"),
    (b"access-control-max-age", b"86400"),
]
# Headers the representation sets itself; the inner response's values are dropped.
OWN = frozenset({b"content-length", b"content-encoding", b"etag", b"vary"})


def http_date(timestamp: float) -> bytes:
    return formatdate(int(timestamp), usegmt=True).encode("ascii")


def common_headers(path: str, csp: str | None = None) -> Headers:
    """Security and CORS headers every response carries."""
    policy = csp or (DOCS_CSP.format(hashes="") if path in DOCS_PAGES else API_CSP)
    return [*SECURITY, (b"content-security-policy", policy.encode()), *CORS]


def docs_csp(html: bytes) -> str:
    """The docs CSP allowing exactly the page's inline scripts, by SHA-256 hash."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(s).digest()).decode()}'"
        for s in INLINE_SCRIPT.findall(html)
    )
    return DOCS_CSP.format(hashes=hashes)


@dataclass(frozen=True, slots=True)
class Variant:
    """One content-coding of a representation, ready to send."""

    etag: str
    body: bytes
    headers: Headers
    not_modified: Headers


@dataclass(frozen=True, slots=True)
class Representation:
    """A 200 body in each coding worth sending, and when it last changed."""

    variants: dict[str, Variant]
    last_modified: float | None

    def select(self, accept_encoding: bytes) -> Variant:
        for coding in preferred_codings(accept_encoding):
            if coding in self.variants:
                return self.variants[coding]
        return self.variants["identity"]


def represent(
    body: bytes,
    headers: Headers,
    *,
    path: str,
    max_age: int,
    last_modified: float,
    codings: tuple[str, ...] = ("br", "gzip"),
) -> Representation:
    """The variants of a 200 response (identity and each of ``codings`` worth sending),
    with ETag, caching and security headers. A per-request answer asks only for the
    coding its client negotiated (:func:`negotiated`); a precomputed one for all."""
    kept = [(k, v) for k, v in headers if k not in OWN]
    names = {k for k, _ in kept}
    if b"cache-control" not in names:
        kept.append((b"cache-control", f"public, max-age={max_age}".encode()))
    if b"last-modified" not in names:
        kept.append((b"last-modified", http_date(last_modified)))
    content_type = next((v for k, v in kept if k == b"content-type"), b"")
    csp = docs_csp(body) if path in DOCS_PAGES and content_type.startswith(b"text/html") else None
    kept += [(k, v) for k, v in common_headers(path, csp) if k not in names]
    kept.append((b"vary", b"Accept-Encoding"))
    stamp = next(v for k, v in kept if k == b"last-modified").decode("latin-1")
    modified = _parse_date(stamp)
    digest = hashlib.sha256(body).hexdigest()[:32]
    bodies = {"identity": _shared(body, digest)}
    if len(body) >= MIN_COMPRESS_BYTES and content_type.startswith(COMPRESSIBLE):
        for coding in codings:
            bodies[coding] = _compressed(body, digest, coding)
    variants = {}
    for coding, data in bodies.items():
        etag = digest if coding == "identity" else f"{digest}-{coding}"
        tag = [(b"etag", f'"{etag}"'.encode())]
        encoding = [] if coding == "identity" else [(b"content-encoding", coding.encode())]
        length = [(b"content-length", str(len(data)).encode())]
        variants[coding] = Variant(
            etag=etag,
            body=data,
            headers=[*kept, *tag, *encoding, *length],
            # RFC 9110 15.4.5: a 304 repeats the caching fields, not the body's metadata.
            not_modified=[*[(k, v) for k, v in kept if k != b"content-type"], *tag],
        )
    return Representation(variants=variants, last_modified=modified)


_COMPRESSED: dict[tuple[str, str], bytes] = {}
# Fall-through bodies are compressed per request; the big ones (docs assets, long
# filtered lists) are kept by content hash, as they are and compressed, at most this
# many (cleared when full).
_COMPRESSED_SIZE = 64
_COMPRESSED_MIN_BYTES = 16_384


def _shared(body: bytes, digest: str) -> bytes:
    """One copy of a large body for every answer that sends it (a docs asset that many
    clients fetch, and leave unread, is held once, not once per connection)."""
    if len(body) < _COMPRESSED_MIN_BYTES:
        return body
    kept = _COMPRESSED.setdefault((digest, "identity"), body)
    if len(_COMPRESSED) > _COMPRESSED_SIZE:
        _COMPRESSED.clear()
    return kept


def _compressed(body: bytes, digest: str, coding: str) -> bytes:
    cached = _COMPRESSED.get((digest, coding))
    if cached is not None:
        return cached
    if coding == "br":
        data: bytes = brotli.compress(body, quality=BROTLI_QUALITY)
    else:
        data = gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)
    if len(body) >= _COMPRESSED_MIN_BYTES:
        if len(_COMPRESSED) >= _COMPRESSED_SIZE:
            _COMPRESSED.clear()
        _COMPRESSED[(digest, coding)] = data
    return data


_CODINGS_CACHE: dict[bytes, tuple[str, ...]] = {}
# Clients send a handful of distinct Accept-Encoding values; the cache is a dict
# bounded by this many entries (cleared when full) of at most this many bytes each
# (real values are ~20-60 bytes; a longer one is parsed each time, never kept), so
# odd values cannot grow it: at most 64 KiB of keys.
_CODINGS_CACHE_SIZE = 256
_CODINGS_CACHE_KEY_BYTES = 256


def negotiated(scope_headers: list[tuple[bytes, bytes]]) -> tuple[str, ...]:
    """The one coding worth computing for this request (its best), or none."""
    for name, value in scope_headers:
        if name == b"accept-encoding":
            return preferred_codings(value)[:1]
    return ()


def preferred_codings(accept_encoding: bytes) -> tuple[str, ...]:
    """The codings we offer that the client accepts, best first (br before gzip on a tie)."""
    cached = _CODINGS_CACHE.get(accept_encoding)
    if cached is not None:
        return cached
    weights: dict[str, float] = {}
    for item in accept_encoding.decode("latin-1").lower().split(","):
        match = CODING.match(item)
        if match is None:
            continue
        try:
            weights[match[1]] = float(match[2]) if match[2] else 1.0
        except ValueError:
            continue
    star = weights.get("*", 0.0)
    offered = [(weights.get(c, star), -i, c) for i, c in enumerate(("br", "gzip"))]
    result = tuple(c for q, _, c in sorted(offered, reverse=True) if q > 0)
    if len(accept_encoding) > _CODINGS_CACHE_KEY_BYTES:
        return result
    if len(_CODINGS_CACHE) >= _CODINGS_CACHE_SIZE:
        _CODINGS_CACHE.clear()
    _CODINGS_CACHE[accept_encoding] = result
    return result


def etag_matches(if_none_match: bytes, etag: str) -> bool:
    """RFC 9110 If-None-Match: `*`, or any listed tag equal under weak comparison."""
    value = if_none_match.decode("latin-1").strip()
    return value == "*" or etag in ENTITY_TAG.findall(value)


def not_modified_since(if_modified_since: bytes, last_modified: float | None) -> bool:
    """RFC 9110 If-Modified-Since: true when the resource has not changed since the date."""
    if last_modified is None:
        return False
    since = _parse_date(if_modified_since.decode("latin-1"))
    return since is not None and last_modified <= since


def _parse_date(value: str) -> float | None:
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
