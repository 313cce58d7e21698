"""Sentence boundaries in Chinese body text."""

from __future__ import annotations

import re

# A sentence ends at 。！？ (or their ASCII forms, which the dumps may carry after
# punctuation folding) or at an ellipsis (…… / ...), and takes with it any closing
# quotes or brackets that follow, as in `……学习。”近日,` → the 。” belongs to the
# first sentence.
_SENTENCE_END = re.compile(r"(?:[。！？!?]+|…+|\.{3,})[”’」』)）\]】]*")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` spans of the sentences in one paragraph.

    Every non-whitespace character belongs to exactly one span; a tail with no
    terminal punctuation is a sentence of its own. Spans never include the
    whitespace between sentences.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _SENTENCE_END.finditer(text):
        _append(spans, text, pos, match.end())
        pos = match.end()
    _append(spans, text, pos, len(text))
    return spans


def _append(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))
