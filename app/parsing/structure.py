"""The body: fragments joined back into paragraphs, headings, byline and credits."""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from app.parsing.bylines import (
    AUTHOR_LINE,
    CREDIT_LINE,
    SOURCE_LABELS,
    is_byline,
    is_byline_part,
    is_name_fragment,
    is_photo_credit,
    parse_names,
    undecorated,
)
from app.parsing.normalize import is_page_chrome, is_prose

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
# A byline label glued to the end of the last sentence, its names on the next lines.
_GLUED_LABEL_END = re.compile(r"[。！？!?”)）]\s?((?:本报|特约|见习)?(?:记者|通讯员))$")
# A page's metadata label left with no value (`时间:`, `作者:`): not body text.
_EMPTY_FIELD = re.compile(r"^(?:(?:发布|更新)?(?:时间|日期)|作者|编辑)\s?:$")
# A source label whose value stands on the next line, and a date line after the body.
_EMPTY_SOURCE = re.compile(rf"^(?:{SOURCE_LABELS})\s?:$")
_TAIL_DATE = re.compile(r"^(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})日?$")
# A byline closing the article in round brackets: `(邓志强 易 松)`, `（记者 张三）`;
# `【打印】` and `[关闭]` are page buttons.
_ROUND_BRACKETED = re.compile(r"^[(（](.*)[)）]$")
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
    units = join_fragments(_join_datelines(content, body.authors))
    while units and units[-1] in END_MARKS:
        units.pop()  # `(完)`: the end of the article, not a paragraph
    _take_tail(units, body)
    _take_closing_source(units, body)
    _take_closing_byline(units, body)
    _take_closing_source(units, body)
    captions = _take_photo_credits(units, body)
    _split_sections(units, body, captions)
    if not body.authors:
        body.authors.extend(dateline_names(body.lead[0] if body.lead else ""))
    return body


# A dateline opens the first paragraph: `本报讯`, `本网讯`, `泸溪融媒3月29日讯`, an agency's
# `新华社拉萨电(`, an outlet's `红安网消息`, then the byline in brackets or after a space
# (`本网讯 记者丁朝霞 11月2号,…`).
# 通讯员 and 资讯 are words, not datelines.
DATELINE_START = re.compile(
    r"^[^\s,，。:：;；()（）“”]{0,16}?(?:(?<![通资])讯(?![员录社息])|(?<=社)[^\s,，。()（）]{0,6}电(?=\s?[(（])"
    r"|(?<=[网台社报])消息$)"
)


_ORGANISATION_LINE = re.compile(
    r"^[\u4e00-\u9fff]{2,12}(?:融媒体中心|新闻中心|宣传部|报社|电视台)$"
)


def _join_datelines(lines: list[str], authors: list[str]) -> list[str]:
    """Join a dateline split at its spaces, and its byline lines, onto the paragraph
    they open: `本网讯` / `记者丁朝霞` / `11月2号,…` is one paragraph."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        dateline = DATELINE_START.match(line)
        if dateline and dateline.end() == len(line.rstrip()):
            # Names printed above the dateline with no label (`张胜红` / `吴炎林` /
            # `红安网消息`), after the outlet's name: the byline.
            names: list[str] = []
            while (
                out
                and len(names) < MAX_BYLINE_LINES
                and is_name_fragment(out[-1])
                and not _NOT_HEADING.search(out[-1])  # `新浪财经`: an outlet, not a name
            ):
                names.insert(0, out.pop())
            while out and _ORGANISATION_LINE.match(out[-1]):
                out.pop()
            parts = [" ".join(names), line] if names else [line]
            authors.extend(names)
            while (
                i < len(lines)
                and len(parts) < MAX_BYLINE_LINES
                and (
                    AUTHOR_LINE.match(lines[i])
                    or is_name_fragment(lines[i])
                    or parse_names(lines[i]) is not None
                )
            ):
                parts.append(lines[i])
                i += 1
            if i < len(lines):
                parts.append(lines[i])
                i += 1
            line = " ".join(parts)
        out.append(line)
    return out


def dateline_names(paragraph: str) -> tuple[str, ...]:
    """Authors named in a paragraph's opening dateline (`本报讯(记者 张三)…`)."""
    dateline = DATELINE_START.match(paragraph)
    if dateline is None:
        return ()
    rest = paragraph[dateline.end() :].lstrip()
    bracket = re.match(r"^[(（]([^()（）]{2,40})[)）]", rest)
    if bracket:
        return parse_names(bracket.group(1)) or ()
    names: list[str] = []
    for token in rest.split(" ")[:MAX_BYLINE_LINES]:
        found = parse_names(token)
        if found is None:
            break
        names.extend(found)
        if token.endswith(("报道", "报导")):
            break  # `记者周发源报道`: the byline's last word
    return tuple(names)


def _is_paragraph(unit: str) -> bool:
    """Body text: a sentence end, or a long line with clause punctuation; a field's
    label alone (`信息来源:`) is not."""
    if _LABEL_ALONE.match(unit):
        return False
    return bool(_PARAGRAPH_END.search(unit)) or is_prose(unit)


_LABEL_ALONE = re.compile(r"^[\u4e00-\u9fff]{1,8}\s?:$")


def _take_tail(units: list[str], body: Body) -> None:
    """After the last paragraph only bylines, credits and sources belong to the article;
    the rest is page chrome (page buttons, comment boxes, other articles)."""
    last = max((k for k, u in enumerate(units) if _is_paragraph(u)), default=len(units) - 1)
    tail = units[last + 1 :]
    del units[last + 1 :]
    glued = _GLUED_LABEL_END.search(units[last]) if units and last >= 0 else None
    if glued and tail and is_name_fragment(tail[0]):
        # `…公厕。记者` / `边城雨`: the byline's label was glued to the last sentence.
        units[last] = units[last][: glued.start(1)].rstrip()
        tail.insert(0, glued.group(1))
    k = 0
    while k < len(tail):
        line = undecorated(tail[k])
        k += 1
        if is_byline(line) or is_photo_credit(line):
            # `记者` / `张三` / `李四`: a label line and the name lines after it.
            while k < len(tail) and is_byline_part(tail[k]):
                line = f"{line} {tail[k]}"
                k += 1
        bracket = _ROUND_BRACKETED.match(line)
        inner = bracket.group(1) if bracket else line
        if is_photo_credit(line):
            body.credits.append(("摄影", _photo_names(inner)))
        elif source := _CLOSING_SOURCE.match(line):
            body.source = body.source or source.group(1).strip()
        elif _EMPTY_SOURCE.match(line) and k < len(tail) and len(tail[k]) <= 20:
            body.source = body.source or tail[k]  # `信息来源:` / `内蒙古日报`
            k += 1
        elif date := _TAIL_DATE.match(line):
            body.date = body.date or (date[1], date[2], date[3])
        elif (is_byline(line) or bracket) and (names := parse_names(inner)):
            body.authors.extend(names)


def _photo_names(text: str) -> str:
    text = text.strip("()（） ")
    names = parse_names(text)
    return " ".join(names) if names else text


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
    if _LABELLED_LINE.match(line) or _CLOSING_BYLINE.search(previous):
        return False  # `作者:` after `…奋斗!(金集镇人大 李子和)`: a field, not more prose
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
        if is_photo_credit(match.group(0)):
            return  # `(张三 摄)` closes a caption: a photographer, and the caption stays
        body.authors[:0] = names
        rest = last[: match.start()].rstrip()
        if rest:
            units[-1] = rest
            return
        units.pop()


def _take_photo_credits(units: list[str], body: Body) -> set[int]:
    """Move photo credits standing on their own (`(张三 摄)`, `张三` / `摄`) to credits.

    Returns the indexes (after the move) of the lines they credited: captions, which
    are paragraphs even when they are short and unpunctuated like a heading.
    """
    captions: set[int] = set()
    k = 0
    while k < len(units):
        unit = units[k]
        size = 0
        if is_photo_credit(unit) and len(unit) <= CREDIT_VALUE_MAX_CHARS:
            size = 1
            if unit in _PHOTO_WORDS and k and is_name_fragment(units[k - 1]):
                size = 2  # `张三` / `摄`: the name stands on the line before
                if k > 1 and len(units[k - 1]) == 1 and len(units[k - 2]) == 1:
                    size = 3  # `易` / `松` / `摄`: a padded two-character name
        if not size:
            k += 1
            continue
        start = k - size + 1
        credit = " ".join(units[start : k + 1])
        body.credits.append(("摄影", _photo_names(credit)))
        del units[start : k + 1]
        if start > 0:
            captions.add(start - 1)
        k = start
    return captions


_PHOTO_WORDS = frozenset({"摄", "摄影", "摄)", "摄）"})


def _split_sections(units: list[str], body: Body, captions: AbstractSet[int] = frozenset()) -> None:
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
            heading = (
                i not in captions and _is_plain_heading(unit) and _paragraph_follows(units, i + 1)
            )
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


def _paragraph_follows(units: list[str], i: int) -> bool:
    """A plain heading is followed by a paragraph, maybe after its other parts."""
    for k in range(i, min(i + HEADING_MAX_PARTS, len(units))):
        if _is_paragraph(units[k]):
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
_NOT_HEADING = re.compile(
    r"[:：]|^(?:图注|图片|图为|图\d|图[①-⑩])|讯$"
    r"|^[\u4e00-\u9fff]{2,8}(?:日报|晚报|早报|商报|都市报|报社|新闻网|网|财经|频道|客户端)$"
)


def _is_plain_heading(unit: str) -> bool:
    return (
        not _NOT_HEADING.search(unit)
        and not AUTHOR_LINE.match(unit)
        and len(unit) <= HEADING_MAX_CHARS
        and not _CLAUSE_END.search(unit)
        and len(_HAN.findall(unit)) >= 2
        and not _WHOLLY_ENCLOSED.match(unit)
        and not _PARAGRAPH_END.search(unit)
        and not unit.startswith(_CAPTION_STARTS)
    )
