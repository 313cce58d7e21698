"""Give strings read from the folded view back the source's own characters.

The parser's rules match on ``fold(line)`` (full-width `，：（％` read as `,:(%`), and
what they read out (a title, a paragraph, a heading) is a folded string. Folding is
one character for one, and every string the parser serves is a run of the cleaned
lines joined by single spaces, so it stands at the same offset in the source's
lines joined the same way: find it in the folded join, read the original join there.
"""

from __future__ import annotations

from collections import Counter


class Restorer:
    """Maps folded strings back to the source's characters for one dump."""

    __slots__ = ("_cursor", "_folded", "_identical", "_original", "_table")

    def __init__(self, original_lines: list[str], folded_lines: list[str]) -> None:
        self._identical = original_lines == folded_lines
        self._original = " ".join(original_lines)
        self._folded = " ".join(folded_lines)
        self._cursor = 0
        self._table: dict[int, str] | None = None

    def text(self, folded: str) -> str:
        """The source's characters for ``folded`` (a header field: searched from the top)."""
        if self._identical or not folded:
            return folded
        return self._at(folded, 0)

    def next(self, folded: str) -> str:
        """Like :meth:`text`, for body strings in reading order (a repeated paragraph
        is taken at its own place, not at its first occurrence)."""
        if self._identical or not folded:
            return folded
        return self._at(folded, self._cursor, advance=True)

    def _at(self, folded: str, start: int, advance: bool = False) -> str:
        at = self._folded.find(folded, start)
        if at < 0 and start:
            at = self._folded.find(folded)
        if at < 0:
            # Not a plain run of the lines (a line lost its `-->` residue, a padded name
            # was closed up): restore each character as this dump writes it.
            return folded.translate(self._majority())
        if advance:
            self._cursor = at + len(folded)
        return self._original[at : at + len(folded)]

    def _majority(self) -> dict[int, str]:
        """For each folded character, the form this dump uses for it most often."""
        if self._table is None:
            forms: dict[str, Counter[str]] = {}
            for f, o in zip(self._folded, self._original, strict=True):
                if f != o or f in _FOLDABLE:
                    forms.setdefault(f, Counter())[o] += 1
            self._table = {
                ord(f): counts.most_common(1)[0][0]
                for f, counts in forms.items()
                if counts.most_common(1)[0][0] != f
            }
        return self._table


# ASCII characters that have a full-width twin (U+0021..U+007E).
_FOLDABLE = frozenset(chr(cp) for cp in range(0x21, 0x7F))
