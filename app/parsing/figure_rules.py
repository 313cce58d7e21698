"""Word lists and small rules behind :mod:`app.parsing.figures`: units, markers, nouns.

Kept apart so the extractor reads as an algorithm and these tables can grow
without touching it. Every list is hand-picked from government news prose. The idioms
that are no figures are in :mod:`app.parsing.figure_exclusions`, the calendar rules in
:mod:`app.parsing.figure_kinds`.
"""

from __future__ import annotations

import re

from app.models import Bound

# --- units ----------------------------------------------------------------------------
# unit as printed → (unit reported, class). The class is a FigureKind, or one of
# "year"/"month"/"day", which figure_kinds.py makes a date or a duration by context. A unit
# is reported as printed (个月 stays 个月: 个 is no multiplier), less a multiplier (千元 →
# 元), an inner 多 (3个多月 → 个月, which marks the figure) or 半 (3个半月 → 3.5 个月).
_COUNT_WORDS = (
    "个 名 件 次 人 户 家 项 条 场 批 处 座 所 支 位 篇 本 届 轮 部 首 种 类 套 台 辆 艘 "
    "张 份 间 栋 幢 棵 株 组 队 起 例 宗 笔 块 门 节 堂 册 趟 遍 封 幅 枚 盏 根 人次 课时 "
    "家次 户次 架次 台次 辆次 车次 班次 批次 艘次 只 头 匹 把 双 棒 颗 粒 袋 箱 瓶 盒 床 期 班"
)
# Not units: 号 (5号泊位), 路 (11路 bus), 线 (1号线): a number before them is an identifier;
# so is one before 期 or 班 (二期工程, 3班) unless multiplied or approximate
# (figure_exclusions.py).
_MEASURE_WORDS = (
    "平方公里 平方千米 平方米 立方米 公里 千米 米 厘米 毫米 公顷 亩 吨 公斤 千克 克 斤 "
    "千瓦时 千瓦 兆瓦 度 摄氏度 岁 周岁 旬 ℃ 升 毫升 标箱 标准箱 微克 毫克"
)
_TIME_WORDS = "个月 个小时 小时 分钟 秒钟 秒 天 周 个星期 星期 个工作日 工作日 个季度"
UNITS: dict[str, tuple[str, str]] = {
    **{word: (word, "count") for word in _COUNT_WORDS.split()},
    **{word: (word, "measure") for word in _MEASURE_WORDS.split()},
    **{word: (word, "money") for word in ("元", "美元", "欧元", "港元", "日元", "英镑")},
    **{word: (word, "duration") for word in _TIME_WORDS.split()},
    **{word.replace("个", "个多"): (word, "duration") for word in ("个月", "个小时", "个星期")},
    **{word.replace("个", "个半"): (word, "duration") for word in ("个月", "个小时")},  # 3个半月
    "千元": ("元", "money"),  # 5千元: the 千 is a multiplier (see THOUSAND_UNITS)
    "%": ("%", "percent"),
    "％": ("%", "percent"),
    "个百分点": ("个百分点", "percent"),
    "百分点": ("百分点", "percent"),
    "个基点": ("个基点", "percent"),
    "基点": ("基点", "percent"),
    "周年": ("周年", "anniversary"),
    "年": ("年", "year"),
    "年度": ("年度", "year"),
    "年代": ("年代", "date"),
    "季度": ("季度", "date"),  # 1季度, 三季度: a calendar quarter (三个季度 is a duration)
    "世纪": ("世纪", "date"),
    "月": ("月", "month"),
    "月份": ("月份", "month"),
    "日": ("日", "day"),
    "倍": ("倍", "number"),
    "成": ("成", "percent"),  # 六成: six tenths
    "点": ("点", "measure"),  # 3700点, 64点: index points; figure_qualify rules out clock times
}
THOUSAND_UNITS = frozenset({"千元"})
"""Units that carry a ×1000 multiplier in their printed form."""
# The second half of a compound unit after "/": 元/股, 万元/亩, 微克/立方米, 公里/小时.
PER_UNITS = frozenset(
    {*_COUNT_WORDS.split(), *_MEASURE_WORDS.split(), "股", "年", "月", "日", "天", "小时"}
)

# Characters that, right after a unit, show the unit character is really the start
# of another word: 13亿人民 (人民), 5部门 (部门), 3起来, 场所, 位于, 支部, 项目, 年级…
_NOT_BEFORE: dict[str, str] = {
    "人": "民口员类",
    "部": "门分署长",
    "起": "来步点",
    "期": "间望待盼",
    "场": "所地景面",
    "位": "于置数",  # 三位数: a number of digits, not three people
    "支": "部持付出撑",
    "处": "理于置级长",
    "台": "风阶",
    "项": "目",
    "条": "件例",
    "度": "过假",
    "年": "级轻华",
    "名": "额单称义",
    "天": "然地",
    "门": "口",
    "组": "织建成",
    "类": "似",
    "本": "地土身",
    "家": "庭长乡",
    "种": "植",
    "周": "边围期",
    "节": "约点日",
    "克": "服",
    "米": "饭",
    "届": "时",
    "轮": "车椅胎船",  # 三轮车
    "只": "有是要能会需",  # 5只有: 只 is "only"
    "头": "脑条号衔等",
    "把": "手关握",  # 二把手
    "双": "方向边手",
    "秒": "杀",
    "点": "赞击名评",
    "升": "级学高值温",
    "袋": "鼠",
    "成": "为功果绩员本立都市交长型效熟",  # 建成, 3成为: 成 starts a word
}
# Two characters after a unit that make it another word, unless a third one follows:
# 1年期 (a term, as in 1年期贷款) is not 1年, but 3年期间 and 5年期满 are.
_NOT_BEFORE_PAIRS: dict[str, tuple[str, str]] = {"年": ("期", "间满内")}
# Words after a number of years that make it a plan's name: 五年行动, 三年规划, 十年计划.
_PLAN_NAME = re.compile(r"年(?:行动|规划|计划|攻坚)")
_UNIT_LENGTHS = sorted({len(word) for word in UNITS}, reverse=True)


def match_unit(text: str, pos: int) -> str | None:
    """The unit printed at ``pos``, longest first (个百分点 before 个, 周年 before 周).

    A dictionary probe per length, cheaper than a 100-branch regex alternation.
    """
    for size in _UNIT_LENGTHS:
        word = text[pos : pos + size]
        if len(word) == size and word in UNITS:
            after = text[pos + size : pos + size + 1]
            if after and after in _NOT_BEFORE.get(word, ""):
                continue  # 13亿人民, 5部门: the unit character starts another word
            pair = _NOT_BEFORE_PAIRS.get(word)
            third = text[pos + size + 1 : pos + size + 2]
            if pair and after == pair[0] and not (third and third in pair[1]):
                continue  # 1年期: a term's name
            if word == "年" and _PLAN_NAME.match(text, pos):
                continue  # 五年行动: a plan's name
            return word
    return None


TIME_UNITS = frozenset(
    {"年", "月", "天", "周", "小时", "分钟", "秒", "秒钟", "工作日"}
    | {"个月", "个小时", "个星期", "星期", "个季度", "个工作日"}
)
"""Units (as reported) after which a trailing 多 means "more than" (3年多)."""

VERBAL_UNITS = frozenset({"次", "场", "轮", "遍", "趟", "届", "人次"})
"""Classifiers that count events: the word before them is the verb, not the noun."""

# --- approximation markers ---------------------------------------------------------------
Marker = tuple[bool, Bound | None]
"""(approximate, bound) contributed by a marker."""

# Only 余 多 近 约 左右 来 上下 几 数 (and their longer spellings) make a figure approximate;
# 超过, 以上, 不足, 以内… bound an exact number: 超过36家 is 36, exactly, as a floor.
PREFIX_MARKERS: dict[str, Marker] = {
    "差不多": (True, None),
    "将近": (True, "upper"),
    "接近": (True, "upper"),
    "不足": (False, "upper"),
    "不到": (False, "upper"),
    "最多": (False, "upper"),
    "至多": (False, "upper"),
    "超过": (False, "lower"),
    "至少": (False, "lower"),
    "大约": (True, None),
    "近": (True, "upper"),
    "约": (True, None),
    "逾": (False, "lower"),
    "超": (False, "lower"),
}
"""Markers printed before the number (longest first when matching)."""
PREFIX_SIZES = sorted({len(marker) for marker in PREFIX_MARKERS}, reverse=True)

# Characters before a one-character marker that make it part of another word:
# 最近5年 is "the last 5 years", 签约5个 "signed 5", 赶超 "catch up".
PREFIX_MARKER_BLOCKERS: dict[str, str] = {
    "近": "最附邻亲将接靠临",
    "约": "节集签合制公预邀特履条大",
    "超": "赶高",
}

INNER_MARKERS: dict[str, Marker] = {
    "余": (True, "lower"),
    "多": (True, "lower"),
    "来": (True, None),
}
"""Markers between the number and its unit: 200余名, 600多件, 十来个."""

POST_MARKERS: dict[str, Marker] = {
    "左右": (True, None),
    "附近": (True, None),
    "上下": (True, None),
    "以上": (False, "lower"),
    "有余": (True, "lower"),
    "以下": (False, "upper"),
    "以内": (False, "upper"),
    "之内": (False, "upper"),
}
"""Markers after the unit: 100人左右, 5年以上. They qualify the figure but stay out of its
text (the figure is the number and its unit: 100人 in 100人左右)."""
POST_MARKER_RE = re.compile("|".join(POST_MARKERS))

# --- nouns -----------------------------------------------------------------------------------
_FUNCTION_CHARS = "的和与及、等或在为对向从把被将给于是都也已均共就又并之让使由"
# Characters that start the predicate after a counted noun: 学生获奖, 群众受益, 人参会,
# 党员进村. A noun ends before them (losing the rare noun that starts with one: 会员).
_PREDICATE_CHARS = "获受参得达完入进走到增减享签加帮要需可能会应正曾"
# Verbs and adverbs that often follow a counted noun phrase; the noun ends before them.
_STOP_TEXT = (
    "围绕 参加 参与 开展 进行 获得 受到 得到 完成 实现 走进 来到 纷纷 "
    "共同 先后 分别 主动 积极 深入 认真 全面 全部 通过 利用 按照 "
    "根据 经过 成为 组成 组建 带头 坚持 立足 聚焦 覆盖 涉及 包括 签订 "
    "提供 投入 参观 接受 走访 自发 坚守 奔赴 下沉 来自 同时"
)
_STOP_WORDS = frozenset(_STOP_TEXT.split())
# A locative or time word closing the run is not part of the noun: 14个交易日当中, 交易日内,
# 连续两个跌停后 (a two-character run such as 高中 or 村里 is left whole).
_LOCATIVE_END = re.compile(r"(?:当中|之中|之内|以来|期间|内|里|后|中)\Z")
MAX_NOUN_AFTER = 6
"""A noun after the unit longer than this is a run-on clause, not a noun: give None."""

_NOUN_HEADS = "题项务纷事金目员部众工业户生师者民口款费额地田房路桥品织点站校院村物件案例贴"
"""Last characters of nouns that may stand right before a number (问题52个, 资金12.5万元)."""
# Two-character words that end like a noun but are verbs or adverbs before a number.
_NOT_NOUN_TEXT = (
    "服务 从事 办事 就业 创业 动员 落地 占地 全部 各部 惠民 便民 为民 "
    "利民 富民 到村 入户 到户 进村 建成 造成 开工 用工 务工 招工 复工 "
    "施工"
)
_NOT_NOUNS = frozenset(_NOT_NOUN_TEXT.split())
_NUMERALS = frozenset("零〇一二两三四五六七八九十百千万亿几数")
_NUMERAL_OR_STOP = _NUMERALS | frozenset(_FUNCTION_CHARS)


def is_han(char: str) -> bool:
    """Whether ``char`` is one CJK unified ideograph (False for the empty string)."""
    return bool(char) and "\u4e00" <= char <= "\u9fff"


def noun_after(text: str, pos: int) -> str | None:
    """The noun that starts at ``pos`` (right after a unit), or None if there is none.

    It is the run of Han characters up to punctuation, a function word (的, 和, 等…)
    or a known verb (围绕, 参加…), at most ``MAX_NOUN_AFTER`` characters long. A run
    that ends anywhere else (at a numeral, or at the length limit) is a clause whose
    end we cannot see: None (七八个人围坐一起 has no honest noun).
    """
    end = pos
    limit = min(len(text), pos + MAX_NOUN_AFTER + 1)
    while end < limit:
        char = text[end]
        if char in _FUNCTION_CHARS or char in _PREDICATE_CHARS or not is_han(char):
            break
        if text[end : end + 2] in _STOP_WORDS:
            break
        if char in _NUMERALS:
            return None
        end += 1
    else:
        if end < len(text):
            return None  # ran past the length limit
    noun = _LOCATIVE_END.sub("", text[pos:end]) if end - pos > 2 else text[pos:end]
    return noun or None


def noun_before(text: str, pos: int) -> str | None:
    """The two-character noun that ends at ``pos`` (right before a number), or None.

    Only nouns whose last character is a typical noun head (问题, 事项, 资金…) and
    that are not known verbs count: a wrong noun is worse than none.
    """
    if pos < 2:
        return None
    word = text[pos - 2 : pos]
    if (
        word[1] not in _NOUN_HEADS
        or word in _NOT_NOUNS
        or not all(is_han(char) and char not in _NUMERAL_OR_STOP for char in word)
    ):
        return None
    return word
