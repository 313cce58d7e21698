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

# A date value, `2021-06-04` (then a time on the next line, or a field glued on), maybe
# with another field's digits glued before it (`725692018-06-28`: the id 72569).
# The day may have the next field's digits glued on (`2020-11-2411濮阳日报`): one or two
# digits that make a day, greedily.
_GLUED_DATE = re.compile(r"(\d*?)((?:19|20)\d{2})-(1[0-2]|0?[1-9])-(3[01]|[12][0-9]|0?[1-9])")
_DATE_AT_END = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})$")

# The URL runs up to its page suffix; after it come other glued fields (`null`,
# `content_4980.html`, digits), so the match stops at the first suffix.
_URL = re.compile(
    r"https?://[A-Za-z0-9\-._~:/?#@!$&'()*+,;=%\[\]]+?\.(?:s?html?|jsp|php|aspx?)(?:\?[\w=&%-]*)?"
)
_URL_ANY = re.compile(r"https?://[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+")
# Founder article pages are named content_<articleid>.htm(l), some sites c_<id>.htm or
# c<id>.html; the file name stands in the block on its own or inside the URL. Other
# numeric page names (`/p/20699.html`, `art_23047_2706779.html`) are not known to be
# article ids and are not read as one.
_ARTICLE_FILE = re.compile(r"(?:content_|(?<![A-Za-z])c_?)(\d+)\.s?html?")
_CONTENT_DIR = re.compile(r"/content_(\d+)(?:/|$)")

# A run of non-ASCII text (a title, a subtitle, a name) inside one glued token: it
# starts and ends with a non-ASCII character and may hold digits and ASCII
# punctuation in between, as in `云溪区534个党组织`. Latin letters and `/` end a run,
# which keeps `http`, `null` and `content_4980.html` out. Digits open a run only at
# the start of a token and before a unit or measure word (`590万市民…` after a line
# break), never before other text (`5123奋力谱写…`: an id, then the title) nor when
# glued to other digits (`…05-27边城雨`: the date's day, then an author).
_TEXT_RUN = re.compile(
    r"(?:^[0-9.]+(?=[万亿千百个名年月日天人次件项条家所岁户元多余]))?[^\x00-\x7f](?:[^\x00-\x7f]|[,:;!?()%.0-9])*[^\x00-\x7f!?]|[^\x00-\x7f]"
)

# What the lines of a block show, one at least per block: a date, a time, a URL, an
# article file name, `null` (an empty field's residue), or a long digit run (ids).
_SIGNAL = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}:\d{2}:\d{2}|https?://|content_\d|c_?\d+\.s?html?|null|^\d{4,}(?![年月日\d])"
)
# A block line that starts with text glued to a field (`农民采收…黑木耳http://…`).
_VALUE_START = re.compile(r"^[\u4e00-\u9fff“][^\s]*?(?:https?://|content_|\d{4,})")
# A line that can be the first half of a title value: Han text, no sentence end.
_TITLE_PART = re.compile(r"^[\u4e00-\u9fff“][^。!?！？:：,，]{3,40}$")
# A labelled header line (`来源:…`, `发布时间:…`, `浏览次数:`) stands above the block.
_LABELLED = re.compile(r"^[\u4e00-\u9fff]{2,6}\s?[:：]")
# A name glued to the next field (`武清远http://…`) and a line holding only a name.
_NAME_THEN_FIELD = re.compile(r"^[\u4e00-\u9fff]{2,4}(?:https?://|\d)")
_NAME_LINE = re.compile(r"^[\u4e00-\u9fff]{1,4}$")
# How far above its end marker a block can start: a block laid one field a line
# (date, subtitle, ids, paper name, file name, title) is about ten lines.
MAX_BLOCK_LINES = 12

# Founder's time value, `00:00:00:0`, with the next field glued to it.
_FOUNDER_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}[:.]\d(?=\S)")
# After the glued line, an unmarked block holds at most short title fragments.
MAX_UNMARKED_TAIL_CHARS = 30
# Clause punctuation inside a line: prose, not a metadata fragment.
_PROSE = re.compile(r"[。,，;；!?！？]")

# What ends a body line (and so cannot be glued metadata): sentence punctuation, maybe
# inside a closing quote, and the closing bracket of a byline. A quote closing a phrase
# (`能否有“疗效”`) ends title fragments too.
_BODY_LINE_END = re.compile(r"[。！？!?…][”」』]?$|[)）\]】]$")
# A title shown in the block alone (the header shows none) is at least this long:
# shorter runs are names, column names and paper names (`黄一阳`, `今日要闻`, `濮阳日报`).
MIN_BLOCK_TITLE_CHARS = 5


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
    """Index of the block's first line, searching up from its end marker.

    The block is the run of lines above the marker that are not prose, not labelled
    header lines and not bylines' closing brackets; it starts at the topmost line in
    that run that shows a field's shape (a date, a URL, `null`, an id).
    """
    start = end
    i = end - 1
    while i >= max(0, end - MAX_BLOCK_LINES):
        line = lines[i]
        if _PROSE.search(line) or _LABELLED.match(line):
            break
        if _SIGNAL.search(line):
            start = i  # a field's shape outweighs a closing quote (`2009-07-07荡“秋千”`)
        elif _BODY_LINE_END.search(line):
            break
        i -= 1
    # A value that opens the block's first line continues one from the line above it,
    # split at a space: `左权县…示范基地里` / `农民采收…黑木耳http://…`.
    if (
        start > 0
        and _VALUE_START.match(lines[start])
        and _TITLE_PART.match(lines[start - 1])
        and lines[start - 1] not in lines[start]  # the header's own title line above
    ):
        start -= 1
    # An author value with a space (`麻向阳 武清远http://…`) left its first names above.
    while start > 0 and _NAME_THEN_FIELD.match(lines[start]) and _NAME_LINE.match(lines[start - 1]):
        start -= 1
    return start


def read_block(block: str) -> MetaBlock:
    """Read the fields out of the block's text (its lines joined by single spaces)."""
    urls = list(_URL.finditer(block)) or list(_URL_ANY.finditer(block))
    url = urls[0].group(0).removesuffix("null") if urls else None
    # Dates are read outside URLs (`/2017-04-05/…` in a path is not the field); a URL
    # leaves a separator that is not a space, so its neighbours stay apart.
    outside = _URL_ANY.sub("\x00", block)
    date = glued_id = None
    for match in _GLUED_DATE.finditer(outside):
        found = iso_date(*match.groups()[1:])
        if not found:
            continue
        date = date or found
        # Digits glued before a date that open their token are another field's
        # (`1837362021-11-25`: Founder's articleid, then the date).
        opens_token = match.start() == 0 or outside[match.start() - 1] in " \x00"
        if match.group(1) and opens_token:
            glued_id = match.group(1)
            break
    article_id = None
    for text in ([url] if url else []) + [outside]:
        named = _ARTICLE_FILE.search(text) or _CONTENT_DIR.search(text)
        if named:
            article_id = named.group(1)
            break
    if article_id is None and glued_id:
        # An articleid glued before the date (Founder's first two fields,
        # `<articleid><date>`), repeated in the URL where there is one.
        article_id = glued_id
    subtitle = None
    texts = []
    for run in _runs(outside):
        if run.startswith("—"):
            subtitle = subtitle or run.lstrip("—").strip() or None
        elif run:
            texts.append(run)
    return MetaBlock(date, url, article_id, subtitle, tuple(texts))


def _runs(block: str) -> list[str]:
    """The block's text values: runs inside each space-separated token, a run that
    ends its token joined to one that opens the next (the value had a space there)."""
    runs: list[str] = []
    open_end = False
    for token in block.split(" "):
        found = list(_TEXT_RUN.finditer(token))
        for k, match in enumerate(found):
            text = match.group(0)
            if k == 0 and match.start() == 0 and open_end and runs:
                runs[-1] = f"{runs[-1]} {text}"
            else:
                runs.append(text)
        open_end = bool(found) and found[-1].end() == len(token)
    return [run.strip() for run in runs]


def iso_date(year: str, month: str, day: str) -> str | None:
    """`YYYY-MM-DD` for a date's parts, or None when no such day exists."""
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None
