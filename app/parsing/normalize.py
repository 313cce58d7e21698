"""Decoding, Unicode normalisation and line clean-up: bytes in, clean lines out."""

from __future__ import annotations

import codecs
import re

from app.parsing.errors import ArticleParseError

# A dump with more than this share of C0 control characters (other than tab, CR,
# LF) is binary data, not text that happens to contain a stray control byte.
MAX_CONTROL_SHARE = 0.01

# Non-ASCII characters decoded as valid UTF-8 before a bad byte that prove the file
# is UTF-8: GBK byte pairs can pass as a few UTF-8 characters by chance, not as 16.
UTF8_EVIDENCE_CHARS = 16

# Invisible marks that carry nothing a reader sees: zero-width spaces and joiners,
# and byte-order marks left inside the text by concatenated files.
_INVISIBLE = dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF))

# Full-width ASCII variants (U+FF01..U+FF5E: `，` `：` `（` `％` `１`) and their ASCII
# twins are the same mark to the parser's rules: some CMSes fold them, others keep
# them. The rules match on a folded view (`fold`); every served string keeps the
# source's own characters (`app.parsing.restore`). The fold is one character for one,
# so offsets in the folded view are offsets in the source's text.
_FULLWIDTH_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}


_FULLWIDTH = re.compile("[\uff01-\uff5e]")


def fold(text: str) -> str:
    """The folded view of ``text`` that rules match on: same length, ASCII punctuation."""
    # Most dumps have nothing to fold; a search is ~20x cheaper than a translate.
    return text.translate(_FULLWIDTH_FOLD) if _FULLWIDTH.search(text) else text


# Control characters that make a "text" file binary (tab, LF and CR excluded).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# `-->` is what is left of HTML comments the tag stripper cut in half.
_COMMENT_RESIDUE = re.compile(r"<!--|-->")


def decode(raw: bytes | str) -> str:
    """Decode a dump: UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030."""
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    if not raw:
        raise ArticleParseError("the file is empty: expected the text of an article page")
    if raw.startswith(codecs.BOM_UTF8):
        return _decode_as(raw[len(codecs.BOM_UTF8) :], "utf-8")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_as(raw, "utf-16")
    if b"\x00" in raw:
        raise ArticleParseError("the file contains NUL bytes: it is binary, not an article dump")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        _refuse_broken_utf8(raw, exc)
    try:
        # GB18030 is a superset of GBK and GB2312, so one attempt covers all three.
        return raw.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ArticleParseError(
            f"cannot decode the file as UTF-8 or GB18030/GBK (bad byte at offset {exc.start}): "
            "re-save it in one of those encodings"
        ) from None


def _refuse_broken_utf8(raw: bytes, exc: UnicodeDecodeError) -> None:
    """Raise if ``raw`` is UTF-8 with a bad spot, which GB18030 would turn into mojibake.

    GBK text stops being valid UTF-8 within its first few Chinese characters; a
    file with UTF-8 Chinese text before the bad byte is UTF-8 that was cut off or
    damaged, and decoding it as GB18030 would silently alter every character.
    """
    prefix = raw[: exc.start].decode("utf-8")
    if sum(1 for ch in prefix if ord(ch) > 0x7F) >= UTF8_EVIDENCE_CHARS:
        where = "at its end (truncated)" if exc.end >= len(raw) else f"at byte {exc.start}"
        raise ArticleParseError(
            f"the file is UTF-8 but invalid {where}: restore the complete file"
        ) from None


def _decode_as(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ArticleParseError(
            f"the file starts with a {encoding} byte-order mark but is not valid {encoding} "
            f"(bad byte at offset {exc.start}): it is truncated or mislabelled"
        ) from None


def clean_lines(text: str) -> list[str]:
    """Normalise the decoded text and return its non-empty, stripped lines.

    Line ends become ``\\n``, invisible marks are dropped and each run of spaces
    inside a line becomes one space; no visible character is changed (no Unicode
    normalisation, no punctuation folding). Every run of whitespace in the page
    became a line break, so blank lines carry nothing.
    """
    if "\x00" in text:
        raise ArticleParseError("the text contains NUL characters: it is binary, not an article")
    controls = len(_CONTROL.findall(text))
    if text and controls / len(text) > MAX_CONTROL_SHARE:
        raise ArticleParseError(
            f"the text has {controls} control characters in {len(text)}: it is binary data, "
            "not an article dump"
        )
    text = text.translate(_INVISIBLE)
    text = _CONTROL.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for line in text.split("\n"):
        stripped = " ".join(line.split())
        if stripped:
            lines.append(stripped)
    return lines


def strip_comment_residue(line: str) -> str:
    """Remove ``-->``/``<!--`` residue from a line (the metadata block is handled first)."""
    return " ".join(_COMMENT_RESIDUE.sub(" ", line).split())


# Page chrome that is never article text, wherever it stands.
BOILERPLATE_LINES = frozenset(
    {
        "热点文章推荐",
        "相关文章推荐",
        "相关文章",
        "相关新闻",
        "相关阅读",
        "推荐阅读",
        "热点推荐",
        "上一篇",
        "下一篇",
        "打印本页",
        "关闭窗口",
        "打印",
        "关闭",
        "返回顶部",
        "返回列表",
        "扫一扫",
        "扫一扫在手机打开当前页",
        "分享到:",
        "我要纠错",
        "收藏",
        "分享",
    }
)
# The same chrome as a button: `【打印本页】`, `[关闭窗口]`.
_BRACKETED = re.compile(r"^[【\[](.{1,12})[】\]]$")
# Lists of other articles follow these: once the body has started, everything
# from such a line on is page chrome (other articles' titles), not this article.
TAIL_MARKERS = frozenset(
    {
        "热点文章推荐",
        "相关文章推荐",
        "相关文章",
        "相关新闻",
        "相关阅读",
        "推荐阅读",
        "上一篇",
        "下一篇",
    }
)
# A link to the previous or next article, or the site's link list: the article has ended
# (`上一篇:…`, `3上一篇`, `友情链接:`).
_PREV_NEXT = re.compile(r"^(?:\d*(?:上一篇|下一篇)|友情链接)")
# A prose line: long enough and with sentence punctuation inside it. Titles,
# headings, bylines and metadata lines are shorter or unpunctuated.
PROSE_MIN_CHARS = 30
_PROSE_PUNCTUATION = re.compile(r"[。，,；;！!？?]")


def is_prose(line: str) -> bool:
    return len(line) >= PROSE_MIN_CHARS and bool(_PROSE_PUNCTUATION.search(line))


# A short article's only paragraphs may be shorter than PROSE_MIN_CHARS: then the
# first line of this many characters that ends a sentence starts the body.
SHORT_PROSE_MIN_CHARS = 10
_SENTENCE_END = re.compile(r"[。!?！？][”’」』)]*$")


# The first line of a dump that reads like a title: no sentence end inside it and no
# clause or sentence punctuation at its end (a closing quote after a word is fine).
_LONG_TITLE = re.compile(r"^[^。！？!?]{10,90}[^。！？!?…,，、;；:：.]$")


def find_prose_start(lines: list[str]) -> int | None:
    """Index of the first prose line, or None when there is none."""
    found = next((i for i, line in enumerate(lines) if is_prose(line)), None)
    if found == 0 and len(lines) > 1 and _LONG_TITLE.match(lines[0]):
        # A long title with commas inside (`…强调:锚定目标…,持续…,奋力实现“开门红”`)
        # looks like prose, but a paragraph's line does not end without punctuation
        # right before another paragraph.
        found = next((i for i, line in enumerate(lines[1:], 1) if is_prose(line)), None)
    if found is None:
        found = next(
            (
                i
                for i, line in enumerate(lines)
                if len(line) >= SHORT_PROSE_MIN_CHARS and _SENTENCE_END.search(line)
            ),
            None,
        )
    return found


# Page furniture of news CMSes, as whole lines: prev/next links (`上一篇:…`, `3上一篇`),
# hit counters (`点击数:728`, `阅读:203`, `次浏览`), comment boxes (`0人参与,0条评论`),
# breadcrumbs (`镇街人大>>正文内容`), reprint notices, font-size and page switches, and
# e-paper edition labels (`第A0007版:每日新闻·现场`, `当前版:02版`, `数字报纸`), jump lines
# (`(下转2版)`), a site's bare address or name (`www.bynr.gov.cn`, `…市政府门户网站`).
_PAGE_CHROME = re.compile(
    r"^(?:\d*(?:上一篇|下一篇|上一条|下一条)\d*(?:\s?[:：].*)?"
    r"|(?:浏览|点击|阅读|访问)(?:次数|数|量)?\s?[:：]?\s?\d*(?:\s.{0,30})?"
    r"|\d*次(?:浏览|阅读|点击)(?:\s.{0,30})?"
    r"|(?:已有)?\d+人参与.{0,30}|还没有评论.{0,20}|(?:评论一下|最热评论|最新评论|发表评论|我要评论)"
    r"|(?=.*[^>»\s]).{0,30}(?:>>|»).{0,30}"
    r"|.{0,30}(?:转载|版权所有|原文链接|本文链接|本文地址).{0,80}"
    r"|(?:文字大小|字号|字体)\s?[:：]?.{0,10}|放大|缩小|默认|推荐|朗读|更多功能|更多"
    r"|【?第?\s?[A-Z]?[\d一二三四五六七八九十]{1,5}\s?版\s?[:：].{0,20}|当前版\s?[:：].{0,10}"
    r"|本版新闻列表|版面导读|>.{0,20}编印"
    r"|[(（]?(?:下转|上接|接上|转下|下接)第?\s?[\dA-Z一二三四五六七八九十]{1,4}\s?版[)）]?"
    r"|(?:https?://)?(?:www\.)?(?=[a-z0-9.-]*[a-z])[a-z0-9-]+(?:\.[a-z0-9-]+)+/?|[\u4e00-\u9fff]{2,16}(?:门户网站|政府网站)"
    r"|.{0,10}(?:数字报纸|数字报|电子报|电子版)|通版阅读.{0,10}|展开通版|收缩通版"
    r"|本文所在版面.{0,30}|.{0,20}近期报纸查看|\d*(?:上一版|下一版)\d*|标题导航|版面导航.{0,40}"
    r"|返回(?:首页|目录|列表|顶部)?|【?(?:打印|关闭|纠错|收藏|打印本稿|打印正文|发表评论)[^】]{0,4}】?)$"
)


def is_page_chrome(line: str) -> bool:
    """A line of page furniture that is never article text (see ``_PAGE_CHROME``)."""
    return bool(_PAGE_CHROME.match(line))


def is_boilerplate(line: str) -> bool:
    """Page chrome: a known line, a known line in button brackets, or page furniture."""
    if line in BOILERPLATE_LINES or is_page_chrome(line):
        return True
    button = _BRACKETED.match(line)
    return button is not None and button.group(1) in BOILERPLATE_LINES


def drop_boilerplate(lines: list[str]) -> list[str]:
    """Remove page chrome lines, and the lists of other articles at the tail."""
    prose = find_prose_start(lines)
    kept = []
    for i, line in enumerate(lines):
        if prose is not None and i > prose and (line in TAIL_MARKERS or _PREV_NEXT.match(line)):
            if not (line in STORY_KICKERS and _prose_within(lines, i + 1)):
                break
            kept.append(line)  # `相关新闻` over a story of its own: a kicker, keep reading
            continue
        if not is_boilerplate(line):
            kept.append(line)
    return kept


# A marker that some pages print over a related story they carry in full (a heading and
# paragraphs follow), where other pages print it over a list of links.
STORY_KICKERS = frozenset({"相关新闻", "相关阅读"})
# How far below such a marker a story's first paragraph stands (its heading between).
STORY_LOOKAHEAD = 3


def _prose_within(lines: list[str], start: int) -> bool:
    return any(is_prose(line) for line in lines[start : start + STORY_LOOKAHEAD])
