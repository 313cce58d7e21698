"""The body's edges: the dateline that opens it and what closes it.

A dateline (`本报讯(记者 张三)`, `本网讯` / `记者丁朝霞`, `新华社拉萨电(记者 …)`) opens the
first paragraph and names authors. After the last paragraph stand bylines, credits, a
source and a date line, then page chrome; photo credits stand anywhere. Each of them is
moved out of the text into the ``Body``'s fields here.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.parsing.bylines import (
    AUTHOR_LINE,
    CREDIT_VALUE_MAX_CHARS,
    OUTLET,
    SOURCE_LABELS,
    is_byline,
    is_byline_part,
    is_name_fragment,
    is_photo_credit,
    parse_names,
    undecorated,
)
from app.parsing.normalize import is_prose

if TYPE_CHECKING:
    from app.parsing.structure import Body

# What ends a paragraph: sentence punctuation (and closing quotes or brackets after it),
# a colon before a list, a semicolon closing a list item.
PARAGRAPH_END = re.compile(r"(?:[。！？!?…:：;；]|\.{3})[”’」』)）]*$")
# A field's label with its value on another line, or none: `信息来源:`, `信息分类:`.
LABEL_ALONE = re.compile(r"^[\u4e00-\u9fff]{1,8}\s?:$")
# A closing byline in brackets at the very end of the body: `(邓志强 易 松)`.
CLOSING_BYLINE = re.compile(r"[(]([^()]{2,40})[)]$")
# A byline label glued to the end of the last sentence, its names on the next lines.
_GLUED_LABEL_END = re.compile(r"[。！？!?”)）]\s?((?:本报|特约|见习)?(?:记者|通讯员))$")
# A source label whose value stands on the next line, and a date line after the body.
_EMPTY_SOURCE = re.compile(rf"^(?:{SOURCE_LABELS})\s?:$")
_TAIL_DATE = re.compile(r"^(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})日?$")
# A byline closing the article in round brackets: `(邓志强 易 松)`, `（记者 张三）`;
# `【打印】` and `[关闭]` are page buttons.
_ROUND_BRACKETED = re.compile(r"^[(（](.*)[)）]$")


# A dateline opens the first paragraph: `本报讯`, `本网讯`, `泸溪融媒3月29日讯`, an agency's
# `新华社拉萨电(`, an outlet's `红安网消息`, then the byline in brackets or after a space
# (`本网讯 记者丁朝霞 11月2号,…`).
# 通讯员 and 资讯 are words, not datelines.
DATELINE_START = re.compile(
    r"^[^\s,，。:：;；()（）“”]{0,16}?(?:(?<![通资])讯(?![员录社息])|(?<=社)[^\s,，。()（）]{0,6}电(?=\s?[(（])"
    r"|(?<=[网台社报])消息$)"
)
# The outlet printed above a byline with no label (`红安县融媒体中心` / `张胜红` / …).
_ORGANISATION_LINE = re.compile(
    r"^[\u4e00-\u9fff]{2,12}(?:融媒体中心|新闻中心|宣传部|报社|电视台)$"
)


def join_datelines(lines: list[str], authors: list[str]) -> list[str]:
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
                and not OUTLET.match(out[-1])  # `新浪财经`: an outlet, not a name
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


def is_paragraph(unit: str) -> bool:
    """Body text: a sentence end, or a long line with clause punctuation; a field's
    label alone (`信息来源:`) is not."""
    if LABEL_ALONE.match(unit):
        return False
    return bool(PARAGRAPH_END.search(unit)) or is_prose(unit)


def take_tail(units: list[str], body: Body) -> None:
    """After the last paragraph only bylines, credits and sources belong to the article;
    the rest is page chrome (page buttons, comment boxes, other articles)."""
    last = max((k for k, u in enumerate(units) if is_paragraph(u)), default=len(units) - 1)
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


# A source credited at the end of the body: `(来源:岳阳日报)` or a bare `来源:岳阳日报`.
_CLOSING_SOURCE = re.compile(rf"[(]?(?:{SOURCE_LABELS})\s?:\s?([^()]{{2,30}})[)]?$")


def take_closing_source(units: list[str], body: Body) -> None:
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


def take_closing_byline(units: list[str], body: Body, at: int = 0) -> None:
    """The byline closing the last paragraph (`(邓志强 易 松)`, `记者` / `张三`); its names
    go into ``body.authors`` at index ``at``."""
    for size in range(min(MAX_BYLINE_LINES, len(units) - 1), 0, -1):
        tail = units[-size:]
        if AUTHOR_LINE.match(tail[0]) and (names := parse_names(" ".join(tail))):
            body.authors[at:at] = names
            del units[-size:]
            return
    while units:
        last = units[-1]
        match = CLOSING_BYLINE.search(last)
        names = parse_names(match.group(1)) if match else None
        if match is None or names is None:
            return
        if is_photo_credit(match.group(0)):
            return  # `(张三 摄)` closes a caption: a photographer, and the caption stays
        body.authors[at:at] = names
        rest = last[: match.start()].rstrip()
        if rest:
            units[-1] = rest
            return
        units.pop()


def take_photo_credits(units: list[str], body: Body) -> set[int]:
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


# A name after a byline's label between two stories: 1-3 characters (a 4-character line
# there is as likely a column's kicker, `焦点人物`).
_INNER_NAME_PART = re.compile(r"^[\u4e00-\u9fff]{1,3}$")
# A role label inside a bracket: the bracket is a byline, not a parenthesis.
_ROLE_INSIDE = re.compile(r"记者|通讯员")
# A byline standing between two stories of one page is at most this long.
INNER_BYLINE_MAX_CHARS = 24


def take_inner_bylines(units: list[str], body: Body, at: int = 0) -> None:
    """A byline standing on its own between paragraphs (`新京报记者` / `李春平`, where a
    page carries several stories) names authors and is not text; the names go into
    ``body.authors`` from index ``at`` on, in text order."""

    def add(names: tuple[str, ...] | list[str]) -> None:
        nonlocal at
        body.authors[at:at] = names
        at += len(names)

    k = 0
    while k < len(units):
        bracketed = CLOSING_BYLINE.search(units[k])
        # `…正逢时。(玉溪日报全媒体记者 熊长青 文/图)` closes one story of the page.
        if (
            k < len(units) - 1
            and bracketed
            and _ROLE_INSIDE.search(bracketed.group(1))
            and not is_photo_credit(bracketed.group(0))
            and (names := parse_names(bracketed.group(1)))
        ):
            add(names)
            units[k] = units[k][: bracketed.start()].rstrip()
        line = undecorated(units[k])
        if not line and k + 1 < len(units) and is_name_fragment(units[k + 1]):
            # `□` / `初墨`: a bullet before a name is a byline.
            add([units[k + 1]])
            del units[k : k + 2]
            continue
        if not (is_byline(line) and len(line) <= INNER_BYLINE_MAX_CHARS):
            k += 1
            continue
        end = k + 1
        while end < len(units) and _INNER_NAME_PART.match(units[end]):
            line = f"{line} {units[end]}"
            end += 1
        names = None if is_photo_credit(line) else parse_names(line)
        if not names:
            k += 1
            continue
        add(names)
        del units[k:end]
