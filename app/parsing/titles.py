"""Title, pre-title and subtitle: the header's title lines reconciled with the block.

The header shows what the reader saw, maybe only part of the title; the metadata block
holds the whole title, maybe glued to an author before it or to a subtitle or column
name after it. Neither is trusted alone: the block's run that holds the first title
line the header shows is the title, cut where other fields are glued on.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from app.parsing.metadata import MIN_BLOCK_TITLE_CHARS, MetaBlock

if TYPE_CHECKING:
    from app.parsing.header import Header

# A subtitle line starts with a dash run: `——云溪区扎实推进党史学习教育纪实`.
SUBTITLE = re.compile(r"^[—–-]{1,2}\s?(?=\S)")
# A pre-title ends with a dash run (`牢记嘱托 感恩奋进——`).
PRETITLE_END = re.compile(r"[—–]{1,2}$")


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


def assign_titles(header: Header, title_lines: list[str], meta: MetaBlock | None) -> int:
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
        header.pretitle = clean_pretitle(pre)
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
            header.subtitle = SUBTITLE.sub("", " ".join(after))
            kept += len(after)
        return kept
    if not title_lines:
        return 0
    split = next((k for k, line in enumerate(title_lines) if PRETITLE_END.search(line)), None)
    if split is not None and split < len(title_lines) - 1:
        header.pretitle = clean_pretitle(title_lines[: split + 1])
        header.title = " ".join(title_lines[split + 1 :])
    else:
        header.title = " ".join(title_lines)
    return len(title_lines)


def _pick_meta_title(
    title_lines: list[str], meta: MetaBlock | None, subtitle: str | None
) -> str | None:
    if not meta or not meta.texts:
        return None
    shown = [line.replace(" ", "") for line in title_lines if not PRETITLE_END.search(line)]
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


def clean_pretitle(lines: list[str]) -> str | None:
    text = " ".join(lines)
    text = PRETITLE_END.sub("", text).strip()
    return text or None
