"""Numeric figures in body paragraphs, found by hand-written rules.

A figure is a number as printed plus what qualifies it: its markers (近, 约, 余, 多, 左右,
超过, 不足…), a range, its unit and the noun it counts. Each step has its module:

* :mod:`app.parsing.figure_numbers`    — candidates and the bare number (Arabic, Chinese,
  百分之, ISO dates, halves, adjacent digits 七八个)
* :mod:`app.parsing.figure_qualify`    — range, markers, unit and noun around it, and which
  markers make it approximate or bounded
* :mod:`app.parsing.figure_exclusions` — numbers that are not figures: ids, clock times,
  ordinals, place names, periods and ranks, a lone 一, idioms
* :mod:`app.parsing.figure_kinds`      — the kind (count, money, date, duration…)
* :mod:`app.parsing.figure_rules`      — the word lists: units, markers, nouns
* :mod:`app.parsing.slogans`           — numbered formulas such as “四个意识”, kept apart

This module scans paragraphs: candidates inside an idiom or a slogan are skipped, as is a
Chinese numeral after 第 (an ordinal) or with nothing after it that could make it a figure
(统一, 一般, 五老), and figures do not overlap (the first one read wins).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from app.models import Figure, Paragraph
from app.parsing.figure_exclusions import IDIOM
from app.parsing.figure_numbers import AFTER_CHINESE, CANDIDATE, Found, bare_number
from app.parsing.figure_qualify import extend, read_half
from app.parsing.normalize import fold
from app.parsing.sentences import sentence_spans
from app.parsing.slogans import find_slogans


def _scan(para: str, blocked: list[tuple[int, int]]) -> list[Found]:
    found: list[Found] = []
    pos = 0
    while True:
        match = CANDIDATE.search(para, pos)
        if match is None:
            return found
        pos = match.end()
        numeral, after = match["zh"], para[pos : pos + 1]
        if numeral and (
            # 统一, 一般, 五老: a unit, marker or range must follow (or a 万/亿 end: 十亿)
            (after not in AFTER_CHINESE and numeral[-1] not in "万亿")
            or para[match.start() - 1 : match.start()] == "第"  # 第一
        ):
            continue
        if any(a <= match.start() < b for a, b in blocked):
            continue
        if match["half"]:
            half = read_half(para, match)
            if half is not None and not (found and half.start < found[-1].end):
                found.append(half)
                pos = half.end
            continue
        core = bare_number(match)
        if core is None or not extend(para, core, match):
            continue
        if not math.isfinite(core.value) or (core.value_max and not math.isfinite(core.value_max)):
            continue
        if found and core.start < found[-1].end:
            continue
        found.append(core)
        pos = max(pos, core.end)


def _sentence(para: str, spans: list[tuple[int, int]], starts: list[int], pos: int) -> str:
    index = bisect.bisect_right(starts, pos) - 1
    if index >= 0 and pos < spans[index][1]:
        return para[spans[index][0] : spans[index][1]]
    return para.strip()  # not reached for real figures; a safe fallback


def extract_figures(
    text: str, paragraphs: Sequence[tuple[int | None, Paragraph]]
) -> tuple[tuple[Figure, ...], tuple[Figure, ...]]:
    """Return (figures, slogans) found in the given paragraphs of `text`.

    `text` is the article's canonical body; each item is (section index or None for the
    lead, Paragraph) where Paragraph.start/end are offsets into `text`. Figures are
    numbered 1..n in text order; slogans (kind "slogan") n+1..n+m in text order. Every
    Figure satisfies text[f.start:f.end] == f.text (the paragraph is read from `text`
    itself, so this holds even for inconsistent offsets). Figure.sentence is the
    sentence (per ``sentence_spans`` on the paragraph) that holds the figure.
    """
    figures: list[dict[str, object]] = []
    slogans: list[dict[str, object]] = []
    # Rules match on the folded view (`，` as `,`, `％` as `%`); spans and sentences are
    # read from `text` itself: folding keeps every offset.
    folded = fold(text)
    for section, para in sorted(paragraphs, key=lambda item: item[1].start):
        chunk = folded[para.start : para.end]
        served = text[para.start : para.end]
        found_slogans = [Found.of_slogan(slogan) for slogan in find_slogans(chunk)]
        blocked = [m.span() for m in IDIOM.finditer(chunk)]
        found = _scan(chunk, blocked + [(s.start, s.end) for s in found_slogans])
        if not found and not found_slogans:
            continue
        spans = sentence_spans(chunk)
        starts = [start for start, _ in spans]
        for items, out in ((found, figures), (found_slogans, slogans)):
            out.extend(
                {
                    "text": served[item.start : item.end],
                    "value": item.value,
                    "value_max": item.value_max,
                    "unit": item.unit,
                    "noun": item.noun,
                    "approximate": item.approx,
                    "bound": item.bound,
                    "kind": item.kind,
                    "section": section,
                    "paragraph": para.index,
                    "start": para.start + item.start,
                    "end": para.start + item.end,
                    "sentence": _sentence(served, spans, starts, item.start),
                }
                for item in items
            )
    ordered = [*figures, *slogans]
    built = tuple(Figure.model_validate({"id": n, **f}) for n, f in enumerate(ordered, start=1))
    return built[: len(figures)], built[len(figures) :]
