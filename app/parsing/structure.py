"""The body: fragments joined back into paragraphs, headings, byline and credits."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.parsing.bylines import (
    AUTHOR_LINE,
    CREDIT_LINE,
    SOURCE_LABELS,
    is_name_fragment,
    parse_names,
)

# A heading is short: two-part headings in these dumps are 4–12 characters a part.
# Longer unpunctuated lines are prose that merely lacks a full stop.
HEADING_MAX_CHARS = 32
# A numbered heading (一、…) may be a little longer, it carries its own marker.
NUMBERED_HEADING_MAX_CHARS = 40
# Marks that end an article and are not part of it.
END_MARKS = frozenset({"(完)", "(全文完)", "【完】", "(终)", "完"})
# A whole line in brackets: `(编辑:张三)` is the credit line `编辑:张三`.
_BRACKETED_LINE = re.compile(r"^[(【](.*)[)】]$")
# A credit's value on the line after its label (`数据来源:` / `云溪区统计局`) is short.
CREDIT_VALUE_MAX_CHARS = 24
# Parts of a heading split at its spaces: `坚持以上率下` + `党史学习掀热潮`.
HEADING_MAX_PARTS = 3
# An unclosed quote or bracket joins at most this many lines: a quote that is
# never closed must not swallow the rest of the article.
MAX_FRAGMENT_JOIN = 8

# Punctuation that ends a clause: a line ending in one is prose, not a heading.
# Closing quotes are looked through: `激活“红色引擎”` is a heading, `“不负重托!”` is not.
_CLAUSE_END = re.compile(r"[。，,；;！!？?：:…、][”’」』)）]*$")
# A line that ends inside a sentence: after a comma or 、, the line break was a space.
_MID_SENTENCE_END = re.compile(r"[,，、]$")
# What ends a paragraph: sentence punctuation (and closing quotes or brackets after it),
# a colon before a list, a semicolon closing a list item.
_PARAGRAPH_END = re.compile(r"(?:[。！？!?…:：;；]|\.{3})[”’」』)）]*$")
# Numbered headings, ranked: 一、 outranks (一), which outranks 1. / 1、 .
_NUMBERED_STYLES = (
    re.compile(r"^[一二三四五六七八九十]{1,3}、"),
    re.compile(r"^[(][一二三四五六七八九十]{1,3}[)]"),
    re.compile(r"^\d{1,2}[、.](?!\d)"),
)
_HAN = re.compile(r"[\u4e00-\u9fff]")
# Photo captions are short and unpunctuated like headings, but they say so.
_CAPTION_STARTS = ("图为", "图片", "▲", "△", "↑", "(图", "【图")
# Bracket pairs whose opening half left open at a line end means the line break
# was a space inside the pair: `“青春向党共奋进` / `松杨湖畔青年说”`, `(邓志强` / `易` / `松)`.
_PAIRS = (
    ("“", "”"),
    ("‘", "’"),
    ("(", ")"),
    ("《", "》"),
    ("「", "」"),
    ("『", "』"),
    ("【", "】"),
)
# A closing byline in brackets at the very end of the body: `(邓志强 易 松)`.
_CLOSING_BYLINE = re.compile(r"[(]([^()]{2,40})[)]$")
# The lead's dateline `本报讯(记者 张三)` names authors but stays in the text.
_DATELINE = re.compile(r"^[\u4e00-\u9fff]{0,8}讯\s?[(]([^()]{2,40})[)]")


@dataclass
class Body:
    """The body, split up: plain strings, offsets come later."""

    lead: list[str] = field(default_factory=list)
    source: str | None = None
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    credits: list[tuple[str, str]] = field(default_factory=list)


def read_body(lines: list[str]) -> Body:
    """Turn the body's lines into lead paragraphs, sections, byline and credits."""
    body = Body()
    content: list[str] = []
    i = 0
    while i < len(lines):
        credit = CREDIT_LINE.match(_BRACKETED_LINE.sub(r"\1", lines[i]))
        i += 1
        if not credit:
            content.append(lines[i - 1])
            continue
        value = [credit.group(2).strip()]
        if not value[0] and i < len(lines) and _is_credit_value(lines[i]):
            value = [lines[i]]  # `数据来源:` and its value were split at a space
            i += 1
        while i < len(lines) and is_name_fragment(lines[i]) and len(value) < 6:
            value.append(lines[i])
            i += 1
        if joined := " ".join(v for v in value if v):
            body.credits.append((credit.group(1), joined))
    units = join_fragments(content)
    while units and units[-1] in END_MARKS:
        units.pop()  # `(完)`: the end of the article, not a paragraph
    _take_closing_source(units, body)
    _take_closing_byline(units, body)
    _take_closing_source(units, body)
    _split_sections(units, body)
    if not body.authors:
        first = body.lead[0] if body.lead else ""
        dateline = _DATELINE.match(first)
        names = parse_names(dateline.group(1)) if dateline else None
        body.authors.extend(names or ())
    return body


def _is_credit_value(line: str) -> bool:
    return (
        len(line) <= CREDIT_VALUE_MAX_CHARS
        and not CREDIT_LINE.match(line)
        and not AUTHOR_LINE.match(line)
        and not _CLAUSE_END.search(line)
    )


def join_fragments(lines: list[str]) -> list[str]:
    """Join lines that are fragments of one paragraph with the space they had.

    A line is a fragment when it ends inside an open quote or bracket, after a
    comma or 、, or when it is a long line of prose with no sentence end and the
    next line is not a heading.
    """
    units: list[str] = []
    joined = 0
    for line in lines:
        if units and joined < MAX_FRAGMENT_JOIN and _continues(units[-1], line):
            units[-1] = f"{units[-1]} {line}"
            joined += 1
        else:
            units.append(line)
            joined = 0
    return units


def _continues(previous: str, line: str) -> bool:
    if _is_open(previous):
        return True
    if _PARAGRAPH_END.search(previous) or any(s.match(line) for s in _NUMBERED_STYLES):
        return False
    if _MID_SENTENCE_END.search(previous):
        return True
    return len(previous) > HEADING_MAX_CHARS and not _is_plain_heading(line)


def _is_open(text: str) -> bool:
    if text.endswith(("。", "!", "?", "！", "？")):
        return False
    if any(text.count(a) > text.count(b) for a, b in _PAIRS):
        return True
    return text.count('"') % 2 == 1


# A source credited at the end of the body: `(来源:岳阳日报)` or a bare `来源:岳阳日报`.
_CLOSING_SOURCE = re.compile(rf"[(]?(?:{SOURCE_LABELS})\s?:\s?([^()]{{2,30}})[)]?$")


def _take_closing_source(units: list[str], body: Body) -> None:
    if not units:
        return
    match = _CLOSING_SOURCE.search(units[-1])
    if match is None or (match.group(0).startswith("(") != match.group(0).endswith(")")):
        return
    body.source = body.source or match.group(1).strip()
    rest = units[-1][: match.start()].rstrip()
    if rest:
        units[-1] = rest
    else:
        units.pop()


# A closing byline without brackets is a label line and at most this many name lines.
MAX_BYLINE_LINES = 8


def _take_closing_byline(units: list[str], body: Body) -> None:
    for size in range(min(MAX_BYLINE_LINES, len(units) - 1), 0, -1):
        tail = units[-size:]
        if AUTHOR_LINE.match(tail[0]) and (names := parse_names(" ".join(tail))):
            body.authors[:0] = names
            del units[-size:]
            return
    while units:
        last = units[-1]
        match = _CLOSING_BYLINE.search(last)
        names = parse_names(match.group(1)) if match else None
        if match is None or names is None:
            return
        body.authors[:0] = names
        rest = last[: match.start()].rstrip()
        if rest:
            units[-1] = rest
            return
        units.pop()


def _split_sections(units: list[str], body: Body) -> None:
    style = next(
        (s for s in _NUMBERED_STYLES if any(_is_numbered_heading(u, s) for u in units)), None
    )
    current: list[str] = body.lead
    i = 0
    while i < len(units):
        unit = units[i]
        if style is not None:
            heading = _is_numbered_heading(unit, style)
        else:
            heading = _is_plain_heading(unit) and i + 1 < len(units)
        if not heading:
            current.append(unit)
            i += 1
            continue
        parts = [unit]
        i += 1
        while (
            i < len(units)
            and len(parts) < HEADING_MAX_PARTS
            and _is_plain_heading(units[i])
            and i + 1 < len(units)
            and (style is None or not _is_numbered_heading(units[i], style))
        ):
            parts.append(units[i])
            i += 1
        current = []
        body.sections.append((" ".join(parts), current))


def _is_numbered_heading(unit: str, style: re.Pattern[str]) -> bool:
    return (
        bool(style.match(unit))
        and len(unit) <= NUMBERED_HEADING_MAX_CHARS
        and not (unit.endswith("。") and len(unit) > HEADING_MAX_CHARS // 2)
    )


def _is_plain_heading(unit: str) -> bool:
    return (
        len(unit) <= HEADING_MAX_CHARS
        and not _CLAUSE_END.search(unit)
        and len(_HAN.findall(unit)) >= 2
        and not (unit.startswith(("(", "“", "《")) and not _is_open(unit))
        and not _PARAGRAPH_END.search(unit)
        and not unit.startswith(_CAPTION_STARTS)
    )
