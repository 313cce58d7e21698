"""Substring search over every paragraph of the corpus: pure, no web framework.

The API searches through a store's index (``app.store``); this linear scan is the
reference its hits are tested against (indexed search = scan, both engines), and
``Hit`` is the hit both return. What follows is why the scan was the first design.

Chinese needs no word segmentation when the question is "which paragraphs contain
this exact string". The index is one string holding every paragraph, joined by
``\\n``, scanned with ``str.find`` (CPython's fast search, in C); a hit is mapped
to its paragraph by bisecting the paragraph start offsets.

Why a scan and not a character-bigram inverted index: measured on this machine,
building bigram postings in pure Python costs ~150 µs per paragraph (~22 s for
10,000 articles, on every start, snapshot or not), while a scan of the whole
10,000-article text (~34 M characters) takes 12-25 ms for a term that is absent or
rare, and a common term fills a page after scanning a small prefix. The scan
costs nothing to build and ~2 bytes per character of memory. It is linear in the
corpus: at ~100,000 articles a query would take ~0.2 s and an index built once
and kept in the snapshot would pay for itself.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

# Joins paragraphs in the scanned string; a match that spans it is not a hit.
SEPARATOR = "\n"


@dataclass(frozen=True, slots=True)
class Hit:
    """A paragraph that contains the query, with every (non-overlapping) occurrence."""

    article_id: str
    section: int | None
    paragraph: int
    text: str
    highlights: tuple[tuple[int, int], ...]


class SearchIndex:
    """Built once from ``(article_id, section, paragraph index, text)`` rows, in the
    order hits are returned."""

    def __init__(self, rows: Iterable[tuple[str, int | None, int, str]]) -> None:
        texts: list[str] = []
        starts = array("q")
        refs: list[tuple[str, int | None, int]] = []
        offset = 0
        for article_id, section, paragraph, text in rows:
            texts.append(text)
            starts.append(offset)
            refs.append((article_id, section, paragraph))
            offset += len(text) + len(SEPARATOR)
        self._haystack = SEPARATOR.join(texts)
        self._starts = starts
        self._refs = refs

    @property
    def paragraphs(self) -> int:
        return len(self._refs)

    def search(self, query: str, *, offset: int = 0, limit: int = 20) -> tuple[list[Hit], bool]:
        """Hits ``offset`` to ``offset + limit``, and whether more follow."""
        if not query:
            raise ValueError("empty query")
        hay, starts, size = self._haystack, self._starts, len(query)
        hits: list[Hit] = []
        seen = 0
        pos = hay.find(query)
        while pos >= 0:
            k = bisect_right(starts, pos) - 1
            start = starts[k]
            end = starts[k + 1] - len(SEPARATOR) if k + 1 < len(starts) else len(hay)
            if pos + size > end:  # the match spans two paragraphs
                pos = hay.find(query, pos + 1)
                continue
            if seen >= offset:
                if len(hits) == limit:
                    return hits, True
                hits.append(self._hit(k, hay[start:end], query, pos - start))
            seen += 1
            pos = hay.find(query, end)
        return hits, False

    def count(self, query: str, *, cap: int = 2_000) -> tuple[int, bool]:
        """How many paragraphs contain ``query``, and whether that is exact.

        Exact up to ``cap`` paragraphs; past it, the scan stops and the count is
        extrapolated from the share of the paragraphs scanned (a common term is spread
        evenly enough for a total shown as "about n"), so the cost stays ~1 ms.
        """
        hay, starts, size = self._haystack, self._starts, len(query)
        seen = 0
        pos = hay.find(query)
        while pos >= 0:
            k = bisect_right(starts, pos) - 1
            if seen == cap:  # k paragraphs scanned, `seen` of them matched
                return round(seen * len(starts) / k), False
            end = starts[k + 1] - len(SEPARATOR) if k + 1 < len(starts) else len(hay)
            if pos + size > end:  # the match spans two paragraphs
                pos = hay.find(query, pos + 1)
                continue
            seen += 1
            pos = hay.find(query, end)
        return seen, True

    def _hit(self, k: int, text: str, query: str, first: int) -> Hit:
        spans = []
        at = first
        while at >= 0:
            spans.append((at, at + len(query)))
            at = text.find(query, at + len(query))
        article_id, section, paragraph = self._refs[k]
        return Hit(article_id, section, paragraph, text, tuple(spans))
