"""Deterministic Chinese filler text for sample and benchmark editions.

In:  a seed (int) and a number of characters.
Out: news-like simplified-Chinese prose, paragraphs separated by a blank line.

Why it exists: the sample edition and the benchmark editions need many pages of
body text.  Real copy for 30+ pages is not available (and must not be copied
from a newspaper), while lorem-ipsum-like noise exercises the typesetter badly:
line breaking, punctuation compression and the 禁则 (kinsoku) rules only get a
realistic workout when the text has the proportions of real news copy —
ideographs with ，。、 at the usual rates, paired “” 《》 （）, digits such as
2026年 / 3.5% / 120亿元 / 28℃, Latin tokens (5G, AI, Wi-Fi) and the odd
two-em dash "——" and ellipsis "……".  The text must also be reproducible so that the same
manifest always produces the same PDF bytes.

Guarantees of :func:`filler_text`:

* exactly ``chars`` non-whitespace characters; the only whitespace is the
  ``"\\n\\n"`` between paragraphs;
* deterministic for a seed: it uses its own ``random.Random(seed)`` (never the
  global RNG, never ``hash()`` of a string);
* every paragraph is 60–260 characters long (except when ``chars`` < 60, which
  gives a single short paragraph); no paragraph starts with punctuation;
* the text ends with 。 (the last sentence is trimmed to fit) when chars >= 2;
* only characters of GB 2312 plus ASCII letters, digits, ``.``, ``-`` and ``%``
  (``℃`` and all the punctuation used are in GB 2312 too);
* "——" and "……" only ever occur as pairs;
* fast: sentences come from precompiled templates whose slots are filled from
  tuples of ready-made strings (numbers included), and the result is built
  with list joins.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

from layout.model.filler_words import (
    ADV,
    LATIN_CLAUSE,
    PLACE,
    SLOTS,
    VP,
)

__all__ = ["filler_text", "ALLOWED_ASCII", "PUNCTUATION", "is_allowed_char"]

# Punctuation the filler emits (all of it is in GB 2312).
PUNCTUATION = "，。、“”《》（）：；？！—…"
# ASCII the filler emits besides letters and digits (3.5%, Wi-Fi).
ALLOWED_ASCII = ".-%"

MIN_PARAGRAPH = 60
MAX_PARAGRAPH = 260
# No template can produce a longer sentence.  The paragraph builder relies on
# it: a paragraph that stops because the next sentence would pass its limit
# (at least 200) already holds more than MIN_PARAGRAPH characters.
MAX_SENTENCE = 120
# Room left for the trimmed last sentence of the text.
MIN_TAIL = 8


def is_allowed_char(ch: str) -> bool:
    """True for the characters filler text may contain."""
    if ch.isascii():
        return ch.isalnum() or ch in ALLOWED_ASCII
    if ch == "\u2014":
        # GB 2312 0xA1AA, the dash: GBK, GB 18030 and practice map it to
        # U+2014, Python's gb2312 codec to U+2015.
        return True
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


# ---------------------------------------------------------------- templates
# A clause has no sentence-final punctuation; sentences join clauses with ，.
# One line is one choice.
WORD_CLAUSES = """
{VP}
{ADV}{VP}
{PLACE}{ADV}{VP}
{PLACE}{ADV}{VP}
{SUBJ}{ADV}{VP}
{SUBJ}{ADV}{VP}
{SUBJ}{ADV}参与{PARTAKE}
{ORG}{ADV}{VP}
{ORG}{ADV}{VP}
{OBJ}{RESULT}
{OBJ}{RESULT}
{PROJ}{STATUS}
为{OBJ}提供{ADJ}支撑
为{PLACE}{OBJ}注入新动能
在{OBJ}方面走在前列
把{OBJ}作为重要抓手
{DRIVE}
{SUBJ}的获得感不断增强
让群众在家门口享受更好的{SERVICE}
形成{ADJ}推进格局
全力以赴抓好{OBJ}各项工作
涵盖{SERVICE3}等服务
""".strip().splitlines()
NUMBER_CLAUSES = """
{METRIC}{RISE}{PCT}
{METRIC}达到{AMOUNT}
总投资{AMOUNT}
累计{DONE}{PROJ}{NUM}个
{BENEFIT}{NUM}万人次
新增{NEWCOUNT}{NUM}家
全年计划{PLAN}
{QUARTER}完成投资{AMOUNT}
""".strip().splitlines()
# About one clause in seven carries a number (digits end up near 4%).
CLAUSES = WORD_CLAUSES * 2 + NUMBER_CLAUSES

SENTENCES = """
{OPENER}，{C}，{C}。
{OPENER}，{C}，{C}，{C}。
{C}，{C}，{C}。
{C}，{C}，{C}。
{OPENER}，{C}，{C}，{C}。
{PLACE}{ADV}{VP}，{C}。
{YEAR}以来，{C}，{C}。
截至{MONTH_END}，{C}，{C}。
{DATE}，{ORG}召开专题会议，{C}。
记者从{ORG}获悉，{C}，{C}。
据{ORG}相关负责人介绍，{C}，{C}。
在{PLACE}，{C}，{C}。
走进{PLACE}的{SITE}，{C}，{C}。
""".strip().splitlines()

# Sentences with the rarer marks; weights keep the overall proportions.
SPECIAL = [
    (12, "{ROLE}{NAME}告诉记者：“{QUOTE}”"),
    (8, "{ROLE}{NAME}说，“{QUOTE}”"),
    (12, "{PLACE}重点发展{INDUSTRY3}等产业，{C}。"),
    (10, "{PLACE}统筹推进{NETWORK3}等领域建设，{C}。"),
    (8, "围绕{STAGE3}等环节，{SUBJ}{ADV}{VP}。"),
    (8, "根据《{BOOK}》，到{FUTURE}，{METRIC}将达到{AMOUNT}。"),
    (5, "{ORG}近日印发《{BOOK}》，提出{SMALLNUM}项具体举措，{C}。"),
    (8, "{PLACE}深入推进“{ABBR}”改革，{C}。"),
    (6, "{LATIN}，{C}。"),
    (5, "{OPENER}，{LATIN}，{C}。"),
    (5, "{METRIC}为{AMOUNT}（同比增长{PCT}），{C}。"),
    (5, "{ORG}牵头组建工作专班（以下简称“专班”），{C}。"),
    (4, "全市重点项目共{NUM}个（含续建项目{SMALLNUM}个），{C}。"),
    (5, "如何让{OBJ}更有温度？{PLACE}的做法是{VP}，{C}。"),
    (4, "为什么选择{PLACE}？{ROLE}{NAME}的回答很干脆：这里有人才、有市场、有服务。"),
    (7, "一方面，{C}，{C}；另一方面，{C}，{C}。"),
    (5, "{ORG}相关负责人表示：{C}，{C}。"),
    (3, "记者在{SITE}看到，尽管气温高达{TEMP}，建设者们仍在加紧施工，{C}。"),
    (2, "{DATE}，江城最高气温达到{TEMP}，{ORG}提醒市民做好防暑降温。"),
    (5, "这是{PLACE}推进{OBJ}的一个缩影——{C}，{C}。"),
    (3, "{PLACE}的目标很明确——{VP}，{C}。"),
    (4, "{ROLE}{NAME}感慨地说：“{ELLIPSIS_QUOTE}”"),
    (3, "{INDUSTRY3}……一批新兴产业正在{PLACE}加速集聚。"),
]
PLAIN_WEIGHT = 230  # total weight of the ordinary SENTENCES

_SLOT_RE = re.compile(r"\{(\w+)\}")


def _compile(template: str, slots: dict) -> tuple:
    """Template string -> tuple of literal strings and slot tuples."""
    parts: list = []
    pos = 0
    for m in _SLOT_RE.finditer(template):
        if m.start() > pos:
            parts.append(template[pos:m.start()])
        parts.append(slots[m.group(1)])
        pos = m.end()
    if pos < len(template):
        parts.append(template[pos:])
    return tuple(parts)


class _Nested(tuple):
    """A slot whose choices are themselves compiled templates (clauses)."""


_CLAUSES = _Nested(_compile(c, SLOTS) for c in CLAUSES)
_LATIN = _Nested(_compile(c, SLOTS) for c in LATIN_CLAUSE)


def _compile_sentence(template: str) -> tuple:
    parts: list = []
    pos = 0
    for m in _SLOT_RE.finditer(template):
        if m.start() > pos:
            parts.append(template[pos:m.start()])
        name = m.group(1)
        if name == "C":
            parts.append(_CLAUSES)
        elif name == "LATIN":
            parts.append(_LATIN)
        else:
            parts.append(SLOTS[name])
        pos = m.end()
    if pos < len(template):
        parts.append(template[pos:])
    return tuple(parts)


def _build_table() -> tuple:
    table: list = []
    plain = [_compile_sentence(s) for s in SENTENCES]
    per = PLAIN_WEIGHT // len(plain)
    for s in plain:
        table.extend([s] * per)
    for weight, s in SPECIAL:
        table.extend([_compile_sentence(s)] * weight)
    return tuple(table)


_TABLE = _build_table()

# Exact-length tail: clauses of pure ideographs grouped by length, so the
# last sentence can be cut to any length without breaking a pair, a number or
# a Latin token.  Lengths TAIL_MIN..TAIL_MAX are all available.
TAIL_MIN, TAIL_MAX = 6, 16
_TAIL_TINY = ("", "好", "发展", "促发展", "共谋发展", "共建新江城")


def _tail_table() -> dict[int, tuple[str, ...]]:
    places = ("",) + tuple(p for p in PLACE if len(p) <= 3)
    advs = ("",) + ADV
    # every place + adverb + verb phrase of a tail's length, grouped by the lengths of the
    # head and of the verb phrase first (built at import, by every build that uses filler:
    # one list comprehension per pair of lengths, not a Python step per clause)
    heads: dict[int, set[str]] = {}
    for place in places:
        for adv in advs:
            heads.setdefault(len(place) + len(adv), set()).add(place + adv)
    vps: dict[int, list[str]] = {}
    for vp in VP:
        vps.setdefault(len(vp), []).append(vp)
    table: dict[int, set[str]] = {}
    for lh, hs in heads.items():
        for lv, vs in vps.items():
            if TAIL_MIN <= lh + lv <= TAIL_MAX:
                table.setdefault(lh + lv, set()).update([h + v for h in hs for v in vs])
    missing = set(range(TAIL_MIN, TAIL_MAX + 1)) - set(table)
    assert not missing, f"no tail clause of length {sorted(missing)}"
    return {n: tuple(sorted(c)) for n, c in table.items()}


_TAIL = _tail_table()


def _sentence(rnd, table=_TABLE, nested=_Nested) -> str:
    parts = table[int(rnd() * len(table))]
    out = []
    for p in parts:
        if p.__class__ is str:
            out.append(p)
        elif p.__class__ is nested:
            clause = p[int(rnd() * len(p))]
            for q in clause:
                out.append(q if q.__class__ is str else q[int(rnd() * len(q))])
        else:
            out.append(p[int(rnd() * len(p))])
    return "".join(out)


def _tail(rnd, n: int) -> str:
    """A sentence of exactly n characters (n >= 1) ending with 。."""
    body = n - 1
    if body < TAIL_MIN:
        return _TAIL_TINY[body] + "。"
    out: list[str] = []
    table = _TAIL
    while body > 2 * TAIL_MAX + 1:
        size = TAIL_MIN + int(rnd() * (TAIL_MAX - 4 - TAIL_MIN))
        choices = table[size]
        out.append(choices[int(rnd() * len(choices))])
        out.append("，")
        body -= size + 1
    if body > TAIL_MAX:
        # two clauses: first + "，" + second == body
        low, high = max(TAIL_MIN, body - 1 - TAIL_MAX), min(TAIL_MAX, body - 1 - TAIL_MIN)
        size = low + int(rnd() * (high - low + 1))
        choices = table[size]
        out.append(choices[int(rnd() * len(choices))])
        out.append("，")
        body -= size + 1
    choices = table[body]
    out.append(choices[int(rnd() * len(choices))])
    out.append("。")
    return "".join(out)


@lru_cache(maxsize=1024)  # a resident process (layout watch) expands each story once
def filler_text(seed: int, chars: int) -> str:
    """Return news-like Chinese prose with exactly ``chars`` non-whitespace characters.

    Paragraphs (60–260 characters each) are separated by ``"\\n\\n"``.  The same
    seed always gives the same text.
    """
    if chars < 0:
        raise ValueError(f"chars must be >= 0, got {chars}")
    if chars == 0:
        return ""
    if chars == 1:
        return "城"
    rng = random.Random(seed)
    rnd = rng.random
    paragraphs: list[str] = []
    remaining = chars
    while remaining > 0:
        final = remaining <= MAX_PARAGRAPH
        if final:
            limit = remaining - MIN_TAIL
            target = remaining
        else:
            limit = min(MAX_PARAGRAPH, remaining - MIN_PARAGRAPH)
            target = 70 + int(rnd() * 160)
        para: list[str] = []
        size = 0
        misses = 0
        while size < target:
            s = _sentence(rnd)
            if size + len(s) <= limit:
                para.append(s)
                size += len(s)
            elif final:
                misses += 1
                if misses >= 4:
                    break
            elif size >= MIN_PARAGRAPH:
                break
        if final:
            para.append(_tail(rnd, remaining - size))
            size = remaining
        paragraphs.append("".join(para))
        remaining -= size
    return "\n\n".join(paragraphs)
