"""Author names and credit lines: who wrote it, who laid it out.

Bylines arrive split at every space: `(邓志强 易 松)` is three lines, and the
second name is a two-character name padded with a space to the width of three.
"""

from __future__ import annotations

import re

# Role labels that precede names; they are not names themselves. Longest first so
# that 本报记者 wins over 记者.
AUTHOR_LABELS = (
    "本报特约记者",
    "本报见习记者",
    "本报通讯员",
    "本报记者",
    "特约记者",
    "见习记者",
    "实习记者",
    "融媒体记者",
    "全媒体记者",
    "通讯员",
    "报道员",
    "实习生",
    "记者",
    "作者",
    "撰稿",
    "撰文",
    "文/图",
    "图/文",
    "文图",
    "摄影",
    "文",
    "图",
    "摄",
)
# Bracketed notes at the end of an article that are 2–4 Han characters like a
# name but are not one.
NOT_NAMES = frozenset(
    {
        "全文完",
        "未完待续",
        "待续",
        "有删节",
        "节选",
        "摘编",
        "编者按",
        "来源",
        "供图",
        "资料图",
        "街道",
        "社区",
        "乡镇",
        "党组",
        "试行",
        "草案",
        "暂行",
        "摘要",
        "附件",
    }
)
# Words that may close a byline after the names: `(记者 张三 报道)`.
_BYLINE_TAIL_WORDS = frozenset({"报道", "报导", "摄", "摄影", "摄影报道", "供稿", "整理"})
# The same words glued to the last name: `记者周发源报道`.
_GLUED_TAIL = re.compile(r"(?<=[\u4e00-\u9fff]{2})(?:摄影报道|报道|报导)$")

# An author line in the header: a label, then names on the same line or the next.
# One-character labels only count with a slash or colon after them (`文/张三`), or
# they would take every line that starts with 文 or 图.
AUTHOR_LINE = re.compile(
    r"^[□■◆◇●○★☆▲△▼▽◎※ ]*(?:(?:"
    + "|".join(re.escape(label) for label in AUTHOR_LABELS if len(label) > 1)
    + r"|[\u4e00-\u9fff·]{1,12}?(?:记者|通讯员|评论员))"
    r"(?:[:︱|]|(?=\s)|$)|[文图摄]\s?[/:])"
)
# An outlet's or desk's role label before names: `晚报记者`, `半月谈记者`, `新京报记者`.
_ROLE_TOKEN = re.compile(r"^[\u4e00-\u9fff·]{0,12}(?:记者|通讯员|评论员|实习生)$")
# The same label glued to the name: `随州日报全媒记者李文军`.
_GLUED_ROLE = re.compile(r"^[\u4e00-\u9fff]{0,10}(?:记者|通讯员|评论员)(?=[\u4e00-\u9fff]{2,4}$)")
# An organisation before the names (`云溪区融媒体中心 张三`, `岳阳日报记者 李四`): not a
# name, not a reason to refuse the byline.
_ORGANISATION = re.compile(
    r"^[\u4e00-\u9fff]{2,16}(?:中心|报社|日报|晚报|电视台|广播电视台|新闻网|部|局|办|委|站|所|院|"
    r"社区|街道|镇|乡|村|公司|集团|学校|人大|政协|党委|政府|法院|检察院|分局|大队|派出所)"
    r"(?:记者|通讯员)?$"
)

# A personal name: 2–4 Han characters, or a minority name with a middle dot
# (买买提·艾力). One Han character alone is half of a padded name (易 松).
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$|^[\u4e00-\u9fff]{1,6}[·•][\u4e00-\u9fff]{1,6}$")
_HAN_1 = re.compile(r"^[\u4e00-\u9fff]$")
# Name separators inside a byline.
_SEPARATORS = re.compile(r"[\s,、/;|｜]+|:")

# Labels of a source line (`来源:云溪新闻网`), in the header or closing the body.
SOURCE_LABELS = "来源|稿源|稿件来源|信息来源|新闻来源|文章来源|本文来源"

# Credit lines: a label and a colon, then the value (`数据来源:市统计局`). They are
# metadata: not body text and not authors.
CREDIT_LINE = re.compile(
    r"^(数据来源|图片来源|资料来源|视频来源|版式设计|版面设计|美术设计|设计|制图|绘图|"
    r"责任编辑|责编|编辑|美编|组版|排版|校对|审核|审校|审稿|初审|复审|终审|一审|二审|三审|"
    r"监制|总监制|统筹|策划|出品|出品人|视频|海报|摄像|剪辑|配音|主编|值班主编|签发)"
    r"\s?:\s?(.*)$"
)


# Marks that open a byline or credit line on some sites: `□本报记者`, `◆编辑:张三`.
DECORATIONS = "□■◆◇●○★☆▲△▼▽◎※·•"


def undecorated(line: str) -> str:
    """The line without the bullet marks some sites put before a byline or credit."""
    return line.lstrip(DECORATIONS + " ")


# Writer and photographer marked after the name: `王晋晋/文`, `赵克/图`.
_NAME_THEN_ROLE = re.compile(r"([\u4e00-\u9fff]{2,4})\s?/\s?([文图])(?![\u4e00-\u9fff])")
# Role pairs that are labels, not names: `文/图`, `图/文`.
_ROLE_PAIR = re.compile(r"[文图]\s?/\s?[文图]|文图|图文")
# A photo credit: a label that says so first (`图/记者 李四`, `摄影:李四`) or `摄` last
# (`(张三 摄)`, `张三摄`). Photographers are credited, not authors.
_PHOTO_CREDIT = re.compile(
    r"^[(（]?\s?(?:图|摄影|摄|图片)\s?[/:：]|(?<!报道)(?:摄|摄影|供图)\s?[)）]?$"
    r"|(?:^|[\s:：])摄影(?:\s|$)"  # `作者: 摄影 记者 冯玉坤`
)


def is_photo_credit(text: str) -> bool:
    """True for a photographer's credit such as ``(张三 李四 摄)`` or ``图/记者 李四``."""
    return bool(_PHOTO_CREDIT.search(undecorated(text).strip()))


# A vertical bar some sites print between a label and its value.
_BAR_AFTER_LABEL = re.compile(r"(?<=^[\u4e00-\u9fff]{2})\s?[︱|]\s?")


# A credit's value on the line after its label (`数据来源:` / `云溪区统计局`) is short.
CREDIT_VALUE_MAX_CHARS = 24
# An outlet's or site's name standing alone: `嘉兴日报`, `新浪财经`, `新华网河北频道`.
OUTLET = re.compile(
    r"^[\u4e00-\u9fff]{2,8}(?:日报|晚报|早报|商报|都市报|报社|新闻网|网|财经|频道|客户端)$"
)


# Words that end a field's label, never a name: `素材来源`, `图片编辑`.
_FIELD_WORD = re.compile(r"(?:来源|编辑|审核|设计|供图|整理|统筹|监制)$")


def parse_names(text: str) -> tuple[str, ...] | None:
    """Names in a byline such as ``记者 张三 通讯员 易 松``; None if it is not a byline.

    Labels are dropped, adjacent one-character tokens pair up into one name, and
    any token that is neither a label nor a name means this is not a byline.
    """
    text = undecorated(text.strip())
    text = _NAME_THEN_ROLE.sub(lambda m: m.group(1) if m.group(2) == "文" else "", text)
    text = _ROLE_PAIR.sub(" ", text)
    text = _BAR_AFTER_LABEL.sub(":", text, count=1)  # `作者︱春春` is `作者:春春`
    label, colon, _ = text.partition(":")
    if colon and label.strip() not in AUTHOR_LABELS:
        return None  # `来源:岳阳日报`, `编辑:张三`: a labelled field, not a byline
    tokens = [_GLUED_TAIL.sub("", t) for t in _SEPARATORS.split(text) if t]
    names: list[str] = []
    pending: str | None = None
    for token in tokens:
        token = _strip_label(token)
        if not token:
            continue
        if _HAN_1.match(token):
            if pending is None:
                pending = token
            else:
                names.append(pending + token)
                pending = None
            continue
        if pending is not None:
            return None
        if _ROLE_TOKEN.match(token):
            continue
        if token.endswith("讯") and names:
            break  # `□晚报记者 马治卫 本报讯`: the dateline after the byline
        if _FIELD_WORD.search(token) and names:
            break  # `记者 徐睿翔 素材来源`: the next field's label
        token = _GLUED_ROLE.sub("", token)
        if token in _BYLINE_TAIL_WORDS or (len(token) > 4 and _ORGANISATION.match(token)):
            continue
        if not _NAME.match(token) or token in NOT_NAMES:
            return None
        names.append(token)
    if pending is not None or not names:
        return None
    return tuple(names)


def _strip_label(token: str) -> str:
    if token in AUTHOR_LABELS:
        return ""
    for label in AUTHOR_LABELS:
        # A label glued to its name (`记者张三`); one-character labels are not
        # stripped this way, they would eat the surname of 文静 or 图门.
        if len(label) > 1 and token.startswith(label) and len(token) > len(label):
            return token[len(label) :]
    return token


# A byline with its role label glued to one name: `见习记者伍雅兮`.
_GLUED_BYLINE = re.compile(r"^[\u4e00-\u9fff]{0,10}(?:记者|通讯员)[\u4e00-\u9fff]{2,4}$")


def is_byline(line: str) -> bool:
    """A line that is a byline by its shape: a role label first (`记者 张三`, `作者:…`,
    `见习记者伍雅兮`)."""
    line = undecorated(line)
    return bool(AUTHOR_LINE.match(line) or _GLUED_BYLINE.match(line))


def is_byline_part(line: str) -> bool:
    """A line that continues a byline: a name, half a padded name, `王晋晋/文`, `赵克/图`."""
    return is_name_fragment(line) or bool(_NAME_THEN_ROLE.fullmatch(line))


def is_name_fragment(line: str) -> bool:
    """True for a line that can only be (part of) a name in a byline."""
    return bool(_NAME.match(line) or _HAN_1.match(line))
