"""The page header: pre-title, title, subtitle, source, date and author lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from app.parsing.bylines import (
    AUTHOR_LINE,
    CREDIT_LINE,
    CREDIT_VALUE_MAX_CHARS,
    SOURCE_LABELS,
    is_name_fragment,
    is_photo_credit,
    parse_names,
    undecorated,
)
from app.parsing.edges import DATELINE_START, LABEL_ALONE
from app.parsing.metadata import MetaBlock, iso_date
from app.parsing.normalize import is_page_chrome
from app.parsing.titles import SUBTITLE, assign_titles, clean_pretitle

# `来源:云溪新闻网` (and its siblings); the value may be empty (`来源:`).
_SOURCE_LINE = re.compile(rf"^(?:{SOURCE_LABELS}|来自)\s?:\s?(.*)$")
# A source on the line after an empty `来源:` ends like a news outlet or an office.
_SOURCE_VALUE = re.compile(
    r"^[\u4e00-\u9fff]{2,16}(?:报|网|台|社|刊|中心|新闻|客户端|号|局|委|办|部|府|院)$"
)
# A date line in the header: `2021-06-04`, `2021年6月4日`, `2021/06/04`, maybe labelled
# (`发布时间:2021-06-04`), maybe with a time glued on.
DATE_LINE = re.compile(
    r"^(?:[\u4e00-\u9fff]{0,4}(?:时间|日期)\s?:\s?\[?)?(\d{4})[-年/.](\d{1,2})[-月/.](\d{1,2})日?"
    r"(?:\s?\d{1,2}:\d{2}(?::\d{2})?)?(?:\s?星期[一二三四五六日天])?\]?$"
)
# The time half of a date line split at its space.
_TIME_LINE = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?(?::\d+)?$")
# Page chrome in the header: hit counters, font-size switches, breadcrumb parts,
# bracketed buttons such as 【打印】.
_HEADER_NOISE = re.compile(
    r"^(?:(?:浏览|点击|阅读|访问)(?:次数|量)?\s?:?\s?\d*|【?字[号体]\s?:?.*|[\[【]?[大中小][\]】]?|"
    r"当前位置\s?:?.*|您现在的位置\s?:?.*|首页|[>»›]+|【[^】]{1,6}】|分享到\s?:?|\d+)$"
)
# A full sentence: a short first paragraph (`近日,云溪区召开大会。`) is body, never a
# title line. Titles do not end in 。; an exclamation may end a title (`启航新征程!`),
# so ! and ? count only on a line longer than a title.
_SENTENCE = re.compile(r"^(?:.{6,}。|.{20,}[!?！？])[”’」』)]*$")
# Headings numbered 一、 / (一) end the header: they belong to the body.
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、|[(][一二三四五六七八九十]{1,3}[)])")


@dataclass
class Header:
    """What the header lines say."""

    title: str | None = None
    pretitle: str | None = None
    subtitle: str | None = None
    source: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    credits: list[tuple[str, str]] = field(default_factory=list)
    title_from_block: bool = False
    """The header shows no title: ``title`` is the block's longest text value."""


# Labels the header reads itself, never skipped as an info table's (`LABEL_ALONE`).
_KNOWN_LABEL = re.compile(
    rf"^(?:{SOURCE_LABELS}|来自|发布|更新|时间|日期|发布时间|发布日期|更新时间|作者)\s?:$"
)


_DATE_LABEL = re.compile(r"^(?:发布|更新)?(?:时间|日期)\s?:$")
# A paper's masthead or an edition's split date above the title (`温岭日报`, `年`,
# `星期`): the page, not the article.
_MASTHEAD = re.compile(
    r"^(?:[\u4e00-\u9fff]{1,8}(?:日报|晚报|早报|商报|都市报)(?:\s[\u4e00-\u9fff]{2,4})?"
    r"|[\u4e00-\u9fff]{2,10}频道|[\u4e00-\u9fff]{1,3}网|[年月日]|星期[一二三四五六日天]?"
    r"|[()（）\[\]【】])$"
)


# A separator standing alone: `|`, `｜`, `/`, `·`.
_SEPARATOR = re.compile(r"^[|｜/·•]+$")
# A breadcrumb: `当前位置:首页>政府动态`, `您现在的位置:…`, or a lone `>` between items.
_BREADCRUMB = re.compile(r"^(?:当前位置|您现在的位置|您的位置|现在位置)|^[>›»]+$|\S>\S")
# Info-table fields of government portals, with their value on the same line.
_INFO_FIELD = re.compile(
    r"^(?:分类|栏目|版次|版名|信息分类|内容分类|主题分类|索引号|文号|发文机关|发布机构|所属机构|生成日期|"
    r"成文日期|公开方式|公开范围|有效性|关键词|关键字|信息名称|体裁分类|发文字号)\s?:"
)
# A code in the header: an index number, a document number (`003087762/202401-00007`).
_CODE_LINE = re.compile(r"^[0-9A-Za-z/\-_.]+$")
# A government document's number: `吉政明电〔2022〕1号`.
_DOC_NUMBER = re.compile(r"^[\u4e00-\u9fff]{1,10}[〔\[(（]\d{4}[〕\])）]\d+号$")
# A table label spaced out letter by letter (`标` / `题:`, `索` / `引` / `号:`).
_LABEL_PIECE = re.compile(r"^[\u4e00-\u9fff]$")
_LABEL_END = re.compile(r"^[\u4e00-\u9fff]\s?:$")
_TITLE_LABEL = re.compile(r"^(?:标题|题目|文章标题)\s?:$")
# At most this many letters in a spaced-out label.
MAX_LABEL_PIECES = 4


def _shown_in(line: str, title_lines: list[str]) -> bool:
    """True when ``line`` is (part of) a title line already read."""
    compact = line.replace(" ", "")
    return any(compact in shown.replace(" ", "") for shown in title_lines)


def _spaced_label(lines: list[str], i: int) -> tuple[str, int]:
    """The line at ``i``, or a label spaced out over several lines joined back, and how
    many lines it took."""
    k = i
    while k < len(lines) and k - i < MAX_LABEL_PIECES and _LABEL_PIECE.match(lines[k]):
        k += 1
    if k > i and k < len(lines) and _LABEL_END.match(lines[k]):
        return "".join(lines[i : k + 1]), k + 1 - i
    return lines[i], 1


# How far down the header navigation may reach.
MAX_NAVIGATION_LINES = 16


def _after_navigation(lines: list[str]) -> int:
    """Index of the first header line after the site's navigation (0 when none)."""
    last = None
    for k, line in enumerate(lines[:MAX_NAVIGATION_LINES]):
        if _BREADCRUMB.search(line):
            last = k
    if last is None:
        return 0
    if lines[last].strip(">›» ") == "" and last + 1 < len(lines):
        last += 1  # `>` then the breadcrumb's last item
    return last + 1


def _is_source_value(line: str) -> bool:
    """The value of an empty `来源:` on the next line: an outlet's name, short, no date."""
    return bool(_SOURCE_VALUE.match(line)) or (
        len(line) <= 20
        and not DATE_LINE.match(line)
        and not _SENTENCE.search(line)
        and not AUTHOR_LINE.match(line)
        and ":" not in line
        and bool(re.match(r"^[\u4e00-\u9fff]", line))
    )


def is_header_noise(line: str) -> bool:
    """Page chrome that can stand anywhere in the header."""
    return bool(
        _HEADER_NOISE.match(line)
        or _TIME_LINE.match(line)
        or is_page_chrome(line)
        or (_CODE_LINE.match(line) and not DATE_LINE.match(line))
        or _DOC_NUMBER.match(line)
        or (_INFO_FIELD.match(line) and not LABEL_ALONE.match(line))
    )


def read_header(lines: list[str], meta: MetaBlock | None) -> tuple[Header, int]:
    """Read the header from the lines before the first prose line.

    Returns the header and the number of lines it used; the rest is body.
    """
    header = Header()
    title_lines: list[str] = []
    marker_before = False  # a subtitle, source, date, credit or author line after a title line
    # Site navigation stands above the last breadcrumb (`当前位置:首页>政府动态`, or items
    # between `>` lines): column names there are not a pre-title.
    i = _after_navigation(lines)
    while i < len(lines):
        line = lines[i]
        if _NUMBERED.match(line):
            break
        line, used = _spaced_label(lines, i)
        i += used
        if _TITLE_LABEL.match(line) and i < len(lines):
            # An info table's `标题:` field: the whole title as one value.
            title_lines.insert(0, lines[i])
            i += 1
            continue
        if is_header_noise(line):
            continue
        if DATELINE_START.match(line):
            i -= 1  # `本报讯`, `泸溪融媒3月29日讯(记者`: the first paragraph's dateline
            break
        if LABEL_ALONE.match(line) and _DATE_LABEL.match(line):
            continue  # `发布日期:` with the date on the next line, or none at all
        if _MASTHEAD.match(line):
            continue
        if _SEPARATOR.match(line):
            # `书记市长这一周` / `|` / `奋马扬鞭…`: a separator inside the title is the
            # title's; one between header fields (`…07:48` / `|` / `来源:…`) is not.
            if title_lines and not marker_before:
                title_lines.append(line)
            continue
        if (
            LABEL_ALONE.match(line)
            and not _KNOWN_LABEL.match(line)
            and not CREDIT_LINE.match(undecorated(line))
        ):
            # An info-table field (`信息分类:` / `专题会议…`): a known label takes its value
            # along; an unknown one (`号:`, a label cut short) goes alone.
            if (
                _INFO_FIELD.match(line)
                and i < len(lines)
                and len(lines[i]) <= CREDIT_VALUE_MAX_CHARS
                and ":" not in lines[i]
            ):
                i += 1
            continue
        if is_photo_credit(line):
            names = _author_names(lines, i)
            found, i = names if names else ((), i)
            header.credits.append(("摄影", " ".join(found) or undecorated(line)))
        elif SUBTITLE.match(line) and (title_lines or meta):
            header.subtitle = header.subtitle or SUBTITLE.sub("", line)
        elif source := _SOURCE_LINE.match(line):
            value = source.group(1).strip()
            if not value and i < len(lines) and _is_source_value(lines[i]):
                value = lines[i]
                i += 1
            header.source = header.source or value or None
        elif date := DATE_LINE.match(line):
            header.date = header.date or iso_date(*date.groups())
        elif credit := CREDIT_LINE.match(undecorated(line)):
            if value := credit.group(2).strip():
                header.credits.append((credit.group(1), value))
        elif AUTHOR_LINE.match(line):
            names = _author_names(lines, i)
            if names:  # else an empty label such as `作者:`: a marker with no names
                found, i = names
                header.authors.extend(found)
        elif marker_before and _shown_in(line, title_lines):
            continue  # the title displayed again, split its own way, under the table
        elif marker_before and (repeat := _repeated_title(lines, i - 1, title_lines)):
            # The page shows its title again under the date and source, with the
            # pre-title above it (`15家企业` / `17种产品…名单`).
            header.pretitle = header.pretitle or clean_pretitle(lines[i - 1 : repeat])
            i = repeat + 1
            continue
        elif marker_before or _SENTENCE.search(line):
            # An unlabelled line after the header's markers, or a sentence (titles do
            # not end in 。), starts the body.
            i -= 1
            break
        else:
            if not _shown_in(line, title_lines):
                title_lines.append(line)  # else a page that shows its title twice
            continue
        marker_before = bool(title_lines)  # every branch above but the title line is a marker
    while title_lines and _SEPARATOR.match(title_lines[-1]):
        title_lines.pop()
    kept = assign_titles(header, title_lines, meta)
    if not marker_before and kept < len(title_lines):
        # No subtitle, source or author line closed the header, and the metadata
        # title ends earlier: the lines after it are the body's first headings.
        i -= len(title_lines) - kept
    return header, i


# How far below the header's markers the title may be shown again.
MAX_REPEAT_GAP = 2


def _repeated_title(lines: list[str], at: int, title_lines: list[str]) -> int | None:
    """Index of a line within reach of ``at`` that repeats a title line, or None."""
    for k in range(at + 1, min(at + 1 + MAX_REPEAT_GAP, len(lines))):
        if lines[k] in title_lines:
            return k
    return None


def _author_names(lines: list[str], i: int) -> tuple[tuple[str, ...], int] | None:
    """Names from the author line at ``lines[i - 1]`` and the name lines after it."""
    parts = [lines[i - 1]]
    while i < len(lines) and is_name_fragment(lines[i]):
        parts.append(lines[i])
        i += 1
    names = parse_names(" ".join(parts))
    return (names, i) if names else None
