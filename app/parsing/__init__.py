"""Pure parsing: article dump (bytes or str) in, :class:`app.models.Article` out.

No file system, no settings, no web framework here; the loader reads files and
the API serves the models.
"""

from __future__ import annotations

import hashlib

from app.models import Article, Credit, Paragraph, Section
from app.parsing.errors import ArticleParseError
from app.parsing.figures import extract_figures
from app.parsing.header import read_header
from app.parsing.metadata import cut_block, iso_date
from app.parsing.normalize import (
    clean_lines,
    decode,
    drop_boilerplate,
    find_prose_start,
    fold,
    strip_comment_residue,
)
from app.parsing.restore import Restorer
from app.parsing.stats import compute_stats, han_count
from app.parsing.structure import read_body
from app.parsing.titles import take_block_subtitle

__all__ = ["ArticleParseError", "parse_article"]

# Fewer Han characters than this in the whole body is not an article.
MIN_BODY_HAN = 10


def parse_article(raw: bytes | str, *, fallback_id: str | None = None) -> Article:
    """Parse one article dump.

    ``fallback_id`` (usually the file's stem) is the id when the dump carries no
    CMS article id; without either, the id is a hash of the text.
    Raises :class:`ArticleParseError`, and nothing else, on input that is not a
    parseable article.
    """
    try:
        return _parse(raw, fallback_id)
    except ArticleParseError:
        raise
    except Exception as exc:  # the contract: one typed error; a bug must not escape raw
        raise ArticleParseError(
            f"internal parser error ({type(exc).__name__}: {exc}); this is a bug in "
            "article-api, please report it with the file"
        ) from exc


def _parse(raw: bytes | str, fallback_id: str | None) -> Article:
    text = decode(raw)
    source_lines = clean_lines(text)
    if not source_lines:
        raise ArticleParseError("the file holds only whitespace: expected an article dump")
    # The rules read the folded view; served strings get the source's characters back.
    lines = [fold(line) for line in source_lines]
    restore = Restorer(source_lines, lines)
    lines, meta = cut_block(lines)
    lines = [c for c in (strip_comment_residue(line) for line in lines) if c]
    lines = drop_boilerplate(lines)
    prose = find_prose_start(lines)
    if prose is None:
        raise ArticleParseError(
            "no paragraph of prose found (no line of 30+ characters with sentence "
            "punctuation): this does not look like an article dump"
        )
    header, used = read_header(lines[:prose], meta)
    used = take_block_subtitle(header, lines, used, meta)
    body = read_body(lines[used:])

    parts: list[str] = []
    offset = 0
    counter = 0

    def place(content: str) -> int:
        nonlocal offset
        start = offset
        parts.append(content)
        offset += len(content) + 1  # the "\n" that joins the parts
        return start

    def paragraph(folded: str) -> Paragraph:
        nonlocal counter
        counter += 1
        content = restore.next(folded)
        start = place(content)
        return Paragraph(index=counter, text=content, start=start, end=start + len(content))

    lead = tuple(paragraph(p) for p in body.lead)
    sections = []
    for number, (folded_heading, paragraphs) in enumerate(body.sections, start=1):
        heading = restore.next(folded_heading)
        heading_start = place(heading)
        paras = tuple(paragraph(p) for p in paragraphs)
        end = paras[-1].end if paras else heading_start + len(heading)
        sections.append(
            Section(index=number, heading=heading, start=heading_start, end=end, paragraphs=paras)
        )
    canonical = "\n".join(parts)
    if han_count(canonical) < MIN_BODY_HAN:
        raise ArticleParseError(
            f"the body has fewer than {MIN_BODY_HAN} Chinese characters: not an article dump"
        )
    authors = tuple(dict.fromkeys(restore.text(a) for a in [*header.authors, *body.authors]))
    if header.title_from_block and set((header.title or "").split()) <= set(authors):
        header.title = None  # the block's author field (`麻向阳 武清远`), not a title
    located = [(None, p) for p in lead] + [(s.index, p) for s in sections for p in s.paragraphs]
    figures, slogans = extract_figures(canonical, located)
    article_id = (meta.article_id if meta else None) or fallback_id
    if not article_id:
        article_id = hashlib.sha256(canonical.encode()).hexdigest()[:12]
    return Article(
        id=article_id,
        title=_restored(restore, header.title),
        subtitle=_restored(restore, header.subtitle),
        pretitle=_restored(restore, header.pretitle),
        date=(meta.date if meta else None) or header.date or (body.date and iso_date(*body.date)),
        authors=authors,
        source=_restored(restore, header.source or body.source),
        url=restore.text(meta.url) if meta and meta.url else None,
        credits=tuple(
            Credit(label=restore.text(k), value=restore.text(v))
            for k, v in [*header.credits, *body.credits]
        ),
        lead=lead,
        sections=tuple(sections),
        text=canonical,
        figures=figures,
        slogans=slogans,
        stats=compute_stats(lead, sections, figures),
    )


def _restored(restore: Restorer, folded: str | None) -> str | None:
    return None if folded is None else restore.text(folded)
