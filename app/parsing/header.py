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
from app.parsing.edges import DATELINE_START
from app.parsing.metadata import MIN_BLOCK_TITLE_CHARS, MetaBlock, iso_date
from app.parsing.normalize import is_page_chrome

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
# A subtitle line starts with a dash run: `——云溪区扎实推进党史学习教育纪实`.
_SUBTITLE = re.compile(r"^[—–-]{1,2}\s?(?=\S)")
# A pre-title ends with a dash run (`牢记嘱托 感恩奋进——`).
_PRETITLE_END = re.compile(r"[—–]{1,2}$")
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


# A field label with its value on the next line (`信息分类:`, `号:`): info tables of
# government portals. Labels the header reads itself are not skipped.
_LABEL_ONLY = re.compile(r"^[\u4e00-\u9fff]{1,8}\s?:$")
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
    r"成文日期|公开方式|公开范围|有效性|关键词|关键字|信息名称|体裁分类)\s?:"
)
# A code in the header: an index number, a document number (`003087762/202401-00007`).
_CODE_LINE = re.compile(r"^[0-9A-Za-z/\-_.]+$")
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
        or (_INFO_FIELD.match(line) and not _LABEL_ONLY.match(line))
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
        i += 1
        if is_header_noise(line):
            continue
        if DATELINE_START.match(line):
            i -= 1  # `本报讯`, `泸溪融媒3月29日讯(记者`: the first paragraph's dateline
            break
        if _LABEL_ONLY.match(line) and _DATE_LABEL.match(line):
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
            _LABEL_ONLY.match(line)
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
        elif _SUBTITLE.match(line) and (title_lines or meta):
            header.subtitle = header.subtitle or _SUBTITLE.sub("", line)
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
        elif marker_before and (repeat := _repeated_title(lines, i - 1, title_lines)):
            # The page shows its title again under the date and source, with the
            # pre-title above it (`15家企业` / `17种产品…名单`).
            header.pretitle = header.pretitle or _clean_pretitle(lines[i - 1 : repeat])
            i = repeat + 1
            continue
        elif marker_before or _SENTENCE.search(line):
            # An unlabelled line after the header's markers, or a sentence (titles do
            # not end in 。), starts the body.
            i -= 1
            break
        else:
            if line not in title_lines:  # a page that shows its title twice
                title_lines.append(line)
            continue
        marker_before = bool(title_lines)  # every branch above but the title line is a marker
    while title_lines and _SEPARATOR.match(title_lines[-1]):
        title_lines.pop()
    kept = _assign_titles(header, title_lines, meta)
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


def take_block_subtitle(header: Header, lines: list[str], used: int, meta: MetaBlock | None) -> int:
    """A subtitle long enough to pass for prose (`年过五十的她…，在比赛中拿下不俗的成绩`)
    ends the header when the block stores it glued right after the title."""
    if not (meta and header.title and not header.subtitle and used < len(lines)):
        return used
    glued = header.title.replace(" ", "") + lines[used].replace(" ", "")
    if any(glued in text.replace(" ", "") for text in meta.texts):
        header.subtitle = lines[used]
        return used + 1
    return used


def _author_names(lines: list[str], i: int) -> tuple[tuple[str, ...], int] | None:
    """Names from the author line at ``lines[i - 1]`` and the name lines after it."""
    parts = [lines[i - 1]]
    while i < len(lines) and is_name_fragment(lines[i]):
        parts.append(lines[i])
        i += 1
    names = parse_names(" ".join(parts))
    return (names, i) if names else None


def _assign_titles(header: Header, title_lines: list[str], meta: MetaBlock | None) -> int:
    """Set title and pre-title; return how many of ``title_lines`` belong to them."""
    if meta and meta.subtitle and not header.subtitle:
        header.subtitle = meta.subtitle
    meta_title = _pick_meta_title(title_lines, meta, header.subtitle)
    if meta_title:
        compact = meta_title.replace(" ", "")
        matched = [k for k, line in enumerate(title_lines) if line.replace(" ", "") in compact]
        pre = title_lines[: matched[0]] if matched else []
        header.title = meta_title
        header.title_from_block = not title_lines
        header.pretitle = _clean_pretitle(pre)
        kept = matched[-1] + 1 if matched else len(title_lines)
        # Header lines right after the title that the block holds as another value
        # are the subtitle (`海南自贸区…集中开工` / `签约项目总投资681亿元`).
        after = []
        others = [t.replace(" ", "") for t in meta.texts] if meta else []
        for line in title_lines[kept:]:
            if not any(line.replace(" ", "") in other for other in others):
                break
            after.append(line)
        if after and not header.subtitle:
            header.subtitle = _SUBTITLE.sub("", " ".join(after))
            kept += len(after)
        return kept
    if not title_lines:
        return 0
    split = next((k for k, line in enumerate(title_lines) if _PRETITLE_END.search(line)), None)
    if split is not None and split < len(title_lines) - 1:
        header.pretitle = _clean_pretitle(title_lines[: split + 1])
        header.title = " ".join(title_lines[split + 1 :])
    else:
        header.title = " ".join(title_lines)
    return len(title_lines)


def _pick_meta_title(
    title_lines: list[str], meta: MetaBlock | None, subtitle: str | None
) -> str | None:
    if not meta or not meta.texts:
        return None
    shown = [line.replace(" ", "") for line in title_lines if not _PRETITLE_END.search(line)]
    shown = [part for part in shown if len(part) >= 2]
    # The run that holds the first title line the header shows (a subtitle run may
    # come before the title in the block).
    for part in shown:
        for text in meta.texts:
            if part in text.replace(" ", ""):
                return _trim_run(text, shown, subtitle)
    if title_lines:
        return None  # the header shows a title the metadata does not have: trust the page
    longest = max(meta.texts, key=len)
    # Alone, a short run is a name, a column or a paper (`黄一阳`, `今日要闻`), not a title.
    return longest if len(longest.replace(" ", "")) >= MIN_BLOCK_TITLE_CHARS else None


def _trim_run(run: str, shown: list[str], subtitle: str | None) -> str:
    """Cut other fields glued onto the title inside one metadata run.

    Some sites store the subtitle without dashes right after the title, or a
    column name after it: `…凝聚奋进力量云溪区扎实推进…纪实110云溪要闻`, or an author
    before it: `丁朝霞全市招商引资…`. The known subtitle ends the title; so does text
    glued (no space) right after the last title part the header shows, and text glued
    right before the first one starts it.
    """
    if subtitle:
        at = run.find(subtitle)
        if at > 0:
            run = run[:at].rstrip()
    for part in reversed(shown):
        end = _compact_end(run, part)
        if end is not None:
            if end < len(run) and run[end] != " ":
                run = run[:end]
            break
    # Two shown lines glued with no space inside the run are two fields (the title,
    # then the subtitle stored after it): the title ends at the first such seam.
    ends = [e for e in (_compact_end(run, part) for part in shown) if e is not None]
    starts = {st for st in (_compact_start(run, part) for part in shown) if st is not None}
    seam = min((e for e in ends if e in starts and e < len(run)), default=None)
    if seam is not None:
        run = run[:seam]
    for part in shown:
        start = _compact_start(run, part)
        if start is not None:
            # Text glued (no space) before the first part the header shows is another
            # field, an author or an id: `丁朝霞全市招商引资…`.
            if start > 0 and run[start - 1] != " ":
                run = run[start:]
            break
    return run


def _compact_start(run: str, part: str) -> int | None:
    """Start offset in ``run`` of ``part`` (which has no spaces), spaces in run ignored."""
    positions = [i for i, char in enumerate(run) if char != " "]
    at = "".join(run[i] for i in positions).find(part)
    return None if at < 0 else positions[at]


def _compact_end(run: str, part: str) -> int | None:
    """End offset in ``run`` of ``part`` (which has no spaces), spaces in run ignored."""
    positions = [i for i, char in enumerate(run) if char != " "]
    at = "".join(run[i] for i in positions).find(part)
    return None if at < 0 else positions[at + len(part) - 1] + 1


def _clean_pretitle(lines: list[str]) -> str | None:
    text = " ".join(lines)
    text = _PRETITLE_END.sub("", text).strip()
    return text or None
