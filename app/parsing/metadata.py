"""The ``enpproperty`` metadata residue of Founder (方正) CMS pages.

The page carried its metadata in an HTML comment (``<!--enpproperty <articleid>…
</articleid><date>…</date>…/enpproperty-->``). The tag stripper removed the tags
and kept the values glued together, so the residue looks like::

    2021-06-04
    00:00:00:0——云溪区扎实推进党史学习教育纪实498010http://…/content_4980.html…11传承红色基因
    凝聚奋进力量/enpproperty-->

Field order differs between sites, and the block can stand at the end (as above)
or near the top. Each whitespace inside a value (the date's space, a two-part
title's space) became a line break. This module finds the block, cuts it out of
the lines and reads the fields it can read with confidence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from app.parsing.normalize import is_boilerplate

# The end of the block: `/enpproperty-->` (the closing `</enpproperty>` tag's
# residue), or a bare `enpproperty` marker left by other strippers.
_BLOCK_END = re.compile(r"/?enpproperty\s*(?:-->|>)?", re.IGNORECASE)

# The date value `2021-06-04 00:00:00:0` arrives as a line ending in the date and
# a line starting with the time; the date may have other fields glued before it.
_DATE_AT_END = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME_AT_START = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?")
_DATE_TIME = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2}) \d{1,2}:\d{2}")

# The URL runs up to its page suffix; after it come other glued fields (`null`,
# `content_4980.html`, digits), so the match stops at the first suffix.
_URL = re.compile(
    r"https?://[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%\[\]]+?\.(?:s?html?|jsp|php|aspx?)(?:\?[\w=&%-]*)?"
)
_URL_ANY = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+")
# Founder article pages are named content_<articleid>.html(l).
_ARTICLE_ID_IN_URL = re.compile(r"content_(\d+)\.s?html?|[/=_](\d+)\.s?html?$")

# A run of non-ASCII text (a title, a subtitle, a name) inside the glued fields:
# it starts and ends with a non-ASCII character and may hold spaces (where the
# value had whitespace), digits and ASCII punctuation in between, as in
# `传承红色基因 凝聚奋进力量` or `云溪区534个党组织`. Latin letters and `/` end a run,
# which keeps `http`, `null` and `content_4980.html` out.
_TEXT_RUN = re.compile(r"[^\x00-\x7f](?:[^\x00-\x7f]|[ ,:;!?()%.0-9])*[^\x00-\x7f!?]|[^\x00-\x7f]")

# Lines between the date and whatever glued field came before it: at most this
# many are taken into the block (a title split by its spaces is 2–3 lines).
MAX_LINES_BEFORE_DATE = 3
# Without a date anchor, the block is at most this many lines above its end marker.
MAX_BLOCK_LINES = 6

# Founder's time value, `00:00:00:0`, with the next field glued to it.
_FOUNDER_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}:\d(?=\S)")
# After the glued line, an unmarked block holds at most short title fragments.
MAX_UNMARKED_TAIL_CHARS = 30
# Clause punctuation inside a line: prose, not a metadata fragment.
_PROSE = re.compile(r"[。,，;；!?！？]")

# What ends a body line (and so cannot be glued metadata): sentence punctuation
# and the closing bracket of a byline.
_BODY_LINE_END = re.compile(r"[。！？!?…”」』)）\]】]$")


@dataclass(frozen=True, slots=True)
class MetaBlock:
    """The fields read from the metadata residue; None where a field is absent."""

    date: str | None
    url: str | None
    article_id: str | None
    subtitle: str | None
    texts: tuple[str, ...]
    """Other non-ASCII runs (title candidates, in block order)."""


def cut_block(lines: list[str]) -> tuple[list[str], MetaBlock | None]:
    """Remove the metadata block from ``lines``; return the rest and the fields read."""
    end = next((i for i, line in enumerate(lines) if _BLOCK_END.search(line)), None)
    if end is None:
        end = _unmarked_block_end(lines)
        if end is None:
            return lines, None
        last, after = lines[end], ""
    else:
        marker = _BLOCK_END.search(lines[end])
        assert marker is not None  # found above
        last = lines[end][: marker.start()]
        after = lines[end][marker.end() :].strip()
    start = _block_start(lines, end)
    block_lines = [*lines[start:end], last]
    rest = lines[:start] + ([after] if after else []) + lines[end + 1 :]
    return rest, read_block(" ".join(part for part in block_lines if part))


def _unmarked_block_end(lines: list[str]) -> int | None:
    """The last line of a block whose end marker was cut off, or None.

    Without the marker, the block is recognised by Founder's date value, a date
    line followed by a time with the CMS's trailing `:0` (`00:00:00:0`) and glued
    fields; it ends before the first prose line or page-chrome line.
    """
    for i in range(len(lines) - 1):
        if _DATE_AT_END.search(lines[i]) and _FOUNDER_TIME.match(lines[i + 1]):
            end = i + 1
            while (
                end + 1 < len(lines)
                and end - i < MAX_BLOCK_LINES
                and len(lines[end + 1]) <= MAX_UNMARKED_TAIL_CHARS
                and not _BODY_LINE_END.search(lines[end + 1])
                and not _PROSE.search(lines[end + 1])
                and not is_boilerplate(lines[end + 1])
            ):
                end += 1
            return end
    return None


def _block_start(lines: list[str], end: int) -> int:
    """Index of the block's first line, searching up from its end marker."""
    lowest = max(0, end - MAX_BLOCK_LINES - MAX_LINES_BEFORE_DATE)
    for i in range(end, lowest - 1, -1):
        match = _DATE_AT_END.search(lines[i])
        if match and i + 1 <= end and _TIME_AT_START.match(lines[i + 1]):
            start = i
            if match.start() > 0:
                # Fields glued before the date: take the lines above that are
                # metadata fragments too (no sentence end, no byline bracket).
                while (
                    start > 0
                    and i - start < MAX_LINES_BEFORE_DATE
                    and not _BODY_LINE_END.search(lines[start - 1])
                    and len(lines[start - 1]) <= 40
                ):
                    start -= 1
            return start
    start = end
    while (
        start > 0
        and end - start < MAX_BLOCK_LINES
        and not _BODY_LINE_END.search(lines[start - 1])
        and (_URL_ANY.search(lines[start - 1]) or "null" in lines[start - 1])
    ):
        start -= 1
    return start


def read_block(block: str) -> MetaBlock:
    """Read the fields out of the block's text (its lines joined by single spaces)."""
    date = None
    for match in _DATE_TIME.finditer(block):
        date = iso_date(*match.groups())
        if date:
            break
    url_match = _URL.search(block) or _URL_ANY.search(block)
    url = url_match.group(0).removesuffix("null") if url_match else None
    article_id = None
    if url:
        id_match = _ARTICLE_ID_IN_URL.search(url)
        if id_match:
            article_id = id_match.group(1) or id_match.group(2)
    subtitle = None
    texts = []
    for run in _TEXT_RUN.findall(block):
        run = run.strip()
        if run.startswith("—"):
            subtitle = subtitle or run.lstrip("—").strip() or None
        elif run:
            texts.append(run)
    return MetaBlock(date, url, article_id, subtitle, tuple(texts))


def iso_date(year: str, month: str, day: str) -> str | None:
    """`YYYY-MM-DD` for a date's parts, or None when no such day exists."""
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None
