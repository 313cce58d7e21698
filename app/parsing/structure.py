"""The body: fragments joined back into paragraphs, headings, byline and credits."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from app.parsing.bylines import (
    AUTHOR_LINE,
    CREDIT_LINE,
    CREDIT_VALUE_MAX_CHARS,
    OUTLET,
    is_name_fragment,
    undecorated,
)
from app.parsing.edges import (
    CLOSING_BYLINE,
    PARAGRAPH_END,
    dateline_names,
    is_paragraph,
    join_datelines,
    take_closing_byline,
    take_closing_source,
    take_inner_bylines,
    take_photo_credits,
    take_tail,
)
from app.parsing.normalize import is_page_chrome

# A heading is short: two-part headings in these dumps are 4–12 characters a part.
# Longer unpunctuated lines are prose that merely lacks a full stop.
HEADING_MAX_CHARS = 32
# A numbered heading (一、…) may be a little longer, it carries its own marker.
NUMBERED_HEADING_MAX_CHARS = 40
# Marks that end an article and are not part of it.
END_MARKS = frozenset({"(完)", "(全文完)", "【完】", "(终)", "完"})
# A whole line in brackets: `(编辑:张三)` is the credit line `编辑:张三`.
_BRACKETED_LINE = re.compile(r"^[(【](.*)[)】]$")
# A line that is one quotation or one bracketed note: `“不负重托”`, `(图片由张三提供)`,
# `《实施方案》`. A heading may start with a quote and go on: `“红色引擎”激活基层`.
_WHOLLY_ENCLOSED = re.compile(r"^(?:“[^”]*”|\([^)]*\)|《[^》]*》)$")
# A photo's number split from its caption: `图①` / `烟之东村村民魏燕红在分拣西红柿。`.
_CAPTION_NUMBER = re.compile(r"^图\s?[①-⑳0-9]{1,2}$")
# A labelled field line: `作者:`, `来源:岳阳日报`, `编辑:张三`.
_LABELLED_LINE = re.compile(r"^[\u4e00-\u9fff]{1,8}\s?:")
# A page's metadata label left with no value (`时间:`, `作者:`): not body text.
_EMPTY_FIELD = re.compile(r"^(?:(?:发布|更新)?(?:时间|日期)|作者|编辑)\s?:$")
# Parts of a heading split at its spaces: `坚持以上率下` + `党史学习掀热潮`, or a column's
# kicker and a two-part heading (`动态` + `证监会…五大招` + `减少IPO家数…`).
HEADING_MAX_PARTS = 3
# A kicker over a heading is a short column word.
KICKER_MAX_CHARS = 4
# An unclosed quote or bracket joins at most this many lines: a quote that is
# never closed must not swallow the rest of the article.
MAX_FRAGMENT_JOIN = 8

# Punctuation that ends a clause: a line ending in one is prose, not a heading.
# Closing quotes are looked through: `激活“红色引擎”` is a heading, `“不负重托!”` is not.
_CLAUSE_END = re.compile(r"[。，,；;！!？?：:…、][”’」』)）]*$")
# A line that ends inside a sentence: after a comma or 、, the line break was a space.
_MID_SENTENCE_END = re.compile(r"[,，、]$")
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


@dataclass
class Body:
    """The body, split up: plain strings, offsets come later."""

    lead: list[str] = field(default_factory=list)
    source: str | None = None
    date: tuple[str, str, str] | None = None
    """A date line standing after the body (page residue), as (year, month, day)."""
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    credits: list[tuple[str, str]] = field(default_factory=list)


def read_body(lines: list[str]) -> Body:
    """Turn the body's lines into lead paragraphs, sections, byline and credits."""
    body = Body()
    content: list[str] = []
    i = 0
    while i < len(lines):
        line = undecorated(lines[i])
        credit = CREDIT_LINE.match(_BRACKETED_LINE.sub(r"\1", line))
        i += 1
        if not credit:
            if not is_page_chrome(line) and not _EMPTY_FIELD.match(line):
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
    units = join_fragments(join_datelines(content, body.authors))
    while units and units[-1] in END_MARKS:
        units.pop()  # `(完)`: the end of the article, not a paragraph
    # Authors in the order the page prints them: a dateline's, bylines standing between
    # paragraphs, the one closing the last paragraph, then those after it.
    opening = len(body.authors)
    take_tail(units, body)
    take_closing_source(units, body)
    take_closing_byline(units, body, at=opening)
    take_closing_source(units, body)
    take_inner_bylines(units, body, at=opening)
    captions = take_photo_credits(units, body)
    _split_sections(units, body, captions)
    # Every paragraph a dateline opens names its authors (a page may carry several
    # stories, each with its own `新京报讯(记者 …)`).
    for paragraph in [*body.lead, *(p for _, paras in body.sections for p in paras)]:
        body.authors.extend(n for n in dateline_names(paragraph) if n not in body.authors)
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
    if _is_open(previous) or _CAPTION_NUMBER.match(previous):
        return True
    if _LABELLED_LINE.match(line) or CLOSING_BYLINE.search(previous):
        return False  # `作者:` after `…奋斗!(金集镇人大 李子和)`: a field, not more prose
    if PARAGRAPH_END.search(previous) or any(s.match(line) for s in _NUMBERED_STYLES):
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


def _split_sections(units: list[str], body: Body, captions: AbstractSet[int] = frozenset()) -> None:
    style = next(
        (s for s in _NUMBERED_STYLES if any(_is_numbered_heading(u, s) for u in units)), None
    )
    current: list[str] = body.lead
    i = 0
    while i < len(units):
        unit = units[i]
        follows = _paragraph_follows(units, i + 1) or (
            style is not None and i + 1 < len(units) and _is_numbered_heading(units[i + 1], style)
        )
        plain = i not in captions and _is_plain_heading(unit) and follows
        if style is _NUMBERED_STYLES[0]:
            heading = _is_numbered_heading(unit, style)
        elif style is not None:
            # `(一)` items, not `一、` chapters: the page may head its sections plainly
            # and number the items of one of them.
            heading = _is_numbered_heading(unit, style) or plain
        else:
            heading = plain
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
            and not _STANDS_ALONE.search(units[i])
            and i + 1 < len(units)
            and (style is None or not _is_numbered_heading(units[i], style))
        ):
            parts.append(units[i])
            i += 1
        if len(parts) == HEADING_MAX_PARTS and len(parts[0]) > KICKER_MAX_CHARS:
            # Three stacked lines join only behind a column's kicker (`动态` / …): a full
            # heading over a two-part sub-heading heads a section of its own.
            body.sections.append((parts[0], []))
            parts = parts[1:]
        current = []
        body.sections.append((" ".join(parts), current))


def _paragraph_follows(units: list[str], i: int) -> bool:
    """A plain heading is followed by a paragraph, maybe after its other parts."""
    for k in range(i, min(i + HEADING_MAX_PARTS, len(units))):
        if is_paragraph(units[k]):
            return True
        if not _is_plain_heading(units[k]):
            return False
    return False


def _is_numbered_heading(unit: str, style: re.Pattern[str]) -> bool:
    return (
        bool(style.match(unit))
        and len(unit) <= NUMBERED_HEADING_MAX_CHARS
        and not (unit.endswith("。") and len(unit) > HEADING_MAX_CHARS // 2)
    )


# Lines shaped like headings that are not: a labelled field (`分类:政府动态`), a byline
# or dateline, a caption, a masthead or outlet name (`嘉兴日报`, `新浪财经`).
_NOT_HEADING = re.compile(r"^(?:图注|图片|图为|图\d|图[①-⑩])|讯$|^(?:[A-Za-z]|问|答)\s?[:：]")
# A labelled field, `分类:政府动态`, `组版:商进`: a short value after the colon. A heading
# may have a colon too, with a clause after it (`出国前：政治科目会出啥考题？`).
_FIELD = re.compile(r"^[^:：]{1,8}[:：][^:：]{0,6}$")
# A heading part with a colon or a question mark is a heading of its own, never the
# second half of a two-part heading split at its space.
_STANDS_ALONE = re.compile(r"[:：?？]")
# A heading may ask a question: short, one clause, ending in a question mark, not a
# quotation (`出国后：国家未来将如何发展？`; `怎样…状态，做好居家练习？` is a paragraph's).
_QUESTION = re.compile(r"^[^“\"，,。；;]{4,24}[？?]$")


def _is_plain_heading(unit: str) -> bool:
    return (
        not _NOT_HEADING.search(unit)
        and not _FIELD.match(unit)
        and not OUTLET.match(unit)
        and not AUTHOR_LINE.match(unit)
        and len(unit) <= HEADING_MAX_CHARS
        and (not _CLAUSE_END.search(unit) or bool(_QUESTION.match(unit)))
        and len(_HAN.findall(unit)) >= 2
        and not _WHOLLY_ENCLOSED.match(unit)
        and (not PARAGRAPH_END.search(unit) or bool(_QUESTION.match(unit)))
        and not unit.startswith(_CAPTION_STARTS)
    )
