"""Where display lines (kicker, headline, subhead) break: between words, into balanced lines.

Body text fills its measure greedily (linebreak.py); a headline must not.  Readers take a
headline in at a glance, phrase by phrase, so a break inside a word ("科研总 / 部项目")
reads as a typo, and a long line over a short one looks like an accident.  This module
chooses where a display text breaks, knowing nothing of fonts: widths come from the
caller (em of a PreparedText for horizontal lines, cells for 竖排 columns).

Which words: segment.py (jieba's 350,000-word dictionary with parts of speech and its HMM
for unknown words, the segmentation of jieba-rs/rjieba, read lazily so that the first
answer costs a few ms instead of rjieba's ~110 ms), plus HOUSE_TERMS that the 2013
dictionary lacks.  BudouX's Simplified Chinese phrase model was tried first and rejected:
on this paper's headlines about one two-line break in ten that it allowed fell inside a
word ("公交线 / 路明起", "人 / 才", "示 / 范区"), and its scores do not separate those
from good boundaries.  The words are asked for by the first display text that needs more
than one line: a text that fits on one line never asks.

Break candidates and their costs (added to the balance cost below):
* after a space (the editor's own phrase separator: "十个方面发力 打造发展新引擎") or a
  comma, colon, semicolon or stop: a bonus, worth some imbalance;
* between two words: a small cost; less between a noun and a verb (subject | predicate)
  or after an attribute's 的; more between two nouns (a compound), after a
  one-character word ("临江中学新 / 校区", "党的 / 二十届"), where the two characters
  around the break also make a word (an unsure segmentation), inside quotation marks, and
  much more inside a book title 《…》;
* never before a particle (的, 之, 了, 里...: it leans on the word before) nor between a
  Chinese numeral and its measure word ("二十 / 届"), except as characters:
* inside a word (last resort, only when no word breaking fits): a cost larger than any
  imbalance, so that a word is split only where nothing else can be done.
Every candidate must also be a break linebreak.py allows (kinsoku, numbers with their
measure words, Latin words), and no automatic line may hold a single character.

Choosing: the fewest lines that fit, then the smallest sum of squared relative deviations
from the mean line length plus the candidates' costs (ties: the shorter first line): an
exact dynamic programme over the candidates (a headline has a few dozen), per segment
between explicit breaks, which are always honoured.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import Any

from layout.text import cjk

EPS = 1e-6
STRUCTURAL = -0.25  # a break after a space or a comma/stop is worth some imbalance: 16.5 + 9.5 em rather than
# 12.5 + 14.5 em for "21项关键核心技术达到国际领先水平 52项成果已在本地转化"
WORD = 0.05  # cost of a break between two words
SUBJECT_PREDICATE = 0.04  # less between a noun and a verb
NOUN_NOUN = 0.04  # more between two nouns
ATTRIBUTIVE = 0.03  # less after 的, where an attribute ends ("具有全国影响力的 / 科技创新中心")
SHORT_END = 0.3  # added when a line ends on a one-character word (not a particle, nor a measure word)
SHORT_START = 0.05  # added when a line starts with a one-character word
PARTICLE_START = 0.3  # added when the next line starts with a particle
UNSURE = 0.1  # added when the two characters around the break also make a word
QUOTED = 0.2  # added inside “…” and brackets
TITLE = 0.6  # added inside 《…》
TILT = 0.01  # between equally balanced choices, the shorter first line ("绿水青山 / 就是金山银山")
SLACK = 4.0  # a bound on what a line can hold beyond the measure (3 squeezed marks) and lose at a break (trims)
CHARACTER = 1.0  # cost of a break inside a word (fallback only)
BREAK_AFTER = frozenset(" \u3000，：；。！？,:;!?")  # U+3000: a clause space in a headline
NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿两几第")
PARTICLES = frozenset("的之了着过得地里")  # they lean on the word before them
_PUNCT = cjk.BLANK_LEFT | cjk.BLANK_RIGHT | cjk.MIDDLE_DOTS | cjk.CONNECTORS | cjk.PAIRED | frozenset(
    " 　、,.;:?!\"'")

Width = Callable[[int, int], float]  # (line start, next line start) -> length
Fits = Callable[[int, int], bool]


@dataclass(frozen=True, slots=True)
class Words:
    """What the segmenter says about the positions of a text."""

    bounds: frozenset[int]  # positions between two words (0 and len(text) included)
    unsure: frozenset[int]  # boundaries i where text[i-1:i+1] is itself a dictionary word: the
    # segmenter chose one reading of an ambiguous or unknown sequence ("环湾步/道")
    grammar: Mapping[int, float]  # boundary -> cost adjustment from the words' parts of speech


def _noun(tag: str) -> bool:
    return tag[:1] == "n" or tag in ("vn", "j", "f", "t", "r")


# Terms of the paper's copy that jieba's dictionary (2013) splits ("中国式/现代化", "营商/环境"):
# a headline never breaks inside them unless nothing else fits.  They are baked into
# text/data/words.txt by layout/tools/worddict.py (as rjieba's add_word(term, None, "nz")):
# regenerate it after changing them (tests/test_segment.py checks).
HOUSE_TERMS = (
    "中国式现代化", "新质生产力", "高质量发展", "中国特色社会主义", "全过程人民民主", "人类命运共同体",
    "一带一路", "长江经济带", "新发展理念", "新发展格局", "营商环境", "乡村振兴", "碳达峰", "碳中和",
    "放管服", "河湖长制", "专精特新", "十五五", "两个确立", "两个维护", "城市更新", "以旧换新",
    "数字经济", "实体经济", "低空经济", "银发经济", "首发经济", "稳中有进", "稳中向好", "科技创新",
)


def _segmenter() -> Any:
    """The word segmenter (segment.py: jieba's words, read lazily, a few ms to start); the
    house terms are in its dictionary (layout/tools/worddict.py adds them)."""
    from layout.text import segment

    return segment.segmenter()


@lru_cache(maxsize=4096)  # copyfitting asks again at every size; a resident process at every build
def words(text: str) -> Words:
    """Word boundaries of `text` (spaces and marks are words of their own) and their grammar:
    a break between a noun and the verb after it (subject | predicate: "公共卫生体系 / 加快
    完善") costs less, one between two nouns (inside a compound: "公共卫生 / 体系") more."""
    seg = _segmenter()
    tagged = seg.tag(text)
    if sum(len(w) for w, _ in tagged) != len(text):  # never seen; then only structural and fallback breaks
        return Words(frozenset((0, len(text))), frozenset(), {})
    bounds, unsure, grammar, at = {0}, set(), {}, 0
    for (w, tag), (after, nxt) in pairwise(tagged):
        at += len(w)
        if NUMERALS.issuperset(w) and after[0] not in _PUNCT:
            continue  # a number keeps its measure word, as linebreak.py's digits do: "二十届", "三万户"
        bounds.add(at)
        if seg.has_word(text[at - 1:at + 1]):
            unsure.add(at)
        if _noun(tag) and (nxt[:1] in ("v", "d", "p") or nxt == "vn"):
            grammar[at] = -SUBJECT_PREDICATE
        elif _noun(tag) and nxt[:1] in ("m", "t") and after[0] not in NUMERALS:
            # a date or number after the subject opens the predicate ("江城光博会 / 9月16日开幕"):
            # a phrase boundary as good as subject | predicate
            grammar[at] = -SUBJECT_PREDICATE
        elif tag[:1] == "n" and nxt[:1] == "n":
            grammar[at] = NOUN_NOUN
    bounds.add(len(text))
    return Words(frozenset(bounds), frozenset(unsure), grammar)


def _inside(text: str, lo: int, hi: int) -> list[float]:
    """inside[i - lo]: the cost of breaking at i for the marks around it: a book title
    《…》 is a name and stays whole if anything else fits; a quotation or bracket less so."""
    out = [0.0] * (hi - lo + 1)
    titles = quotes = 0
    for i in range(lo, hi):
        ch = text[i]
        if ch in "《〈":
            titles += 1
        elif ch in "》〉" and titles:
            titles -= 1
        elif ch in cjk.OPENING:
            quotes += 1
        elif ch in cjk.CLOSING_BRACKETS and quotes:
            quotes -= 1
        out[i + 1 - lo] = TITLE if titles else QUOTED if quotes else 0.0
    return out


def candidates(text: str, allowed: Sequence[int], lo: int, hi: int, characters: bool) -> dict[int, float]:
    """Break positions in (lo, hi) with their costs: where a line may start.

    `allowed[i]`: linebreak.py lets a line start at i.  `characters`: also every other
    allowed position, at the character cost (the fallback)."""
    out: dict[int, float] = {}
    w: Words | None = None
    inside = _inside(text, lo, hi)
    for i in range(lo + 1, hi):
        if not allowed[i]:
            continue
        before, after = text[i - 1], text[i]
        if before in BREAK_AFTER:
            out[i] = STRUCTURAL
            continue
        if w is None:
            w = words(text)
        bounds, unsure = w.bounds, w.unsure
        cost = inside[i - lo]
        if after in PARTICLES:
            cost += PARTICLE_START
        if i not in bounds or after in PARTICLES:  # a particle belongs to the phrase before it
            if characters:
                out[i] = CHARACTER + cost
            continue
        if (i - 1 in bounds and i - 1 not in unsure and before not in _PUNCT and before not in PARTICLES
                and not (i >= 2 and text[i - 2].isdigit())):
            cost += SHORT_END  # "临江中学新 / 校区": a one-character word ends the line
        if i + 1 in bounds and i + 1 not in unsure and after not in _PUNCT and after not in PARTICLES:
            cost += SHORT_START
        if before == "的":  # "具有全国影响力的 / 科技创新中心", not "党的 / 二十届…"
            cost += SHORT_END if i - 2 in bounds and text[i - 2] not in PARTICLES else -ATTRIBUTIVE
        if i in unsure:
            cost += UNSURE
        out[i] = WORD + cost + w.grammar.get(i, 0.0)
    return out


def lone(text: str, s: int, e: int) -> bool:
    """At most one character that is not punctuation or space: 孤字不成行, also for headlines."""
    seen = 0
    for ch in text[s:e]:
        if ch not in _PUNCT:
            seen += 1
            if seen > 1:
                return False
    return True


def _segment(a: int, z: int, cands: Mapping[int, float], width: Width, fits: Fits,
             single: Callable[[int, int], bool], max_lines: int) -> list[int] | None:
    """Line starts after `a` for text [a, z) in the fewest lines (≤ max_lines), balanced."""
    nodes = [a] + sorted(p for p in cands if a < p < z) + [z]
    k = len(nodes)
    ok: list[list[int]] = []  # ok[j]: the nodes i from which a line to node j fits and is not one character
    for j in range(k):
        row = []
        for i in range(j - 1, -1, -1):
            if not fits(nodes[i], nodes[j]):
                break  # widths grow as the start moves back: no earlier start fits either
            if not single(nodes[i], nodes[j]):
                row.append(i)
        ok.append(row)
    total = width(a, z)
    inf = float("inf")
    for lines in range(2, max_lines + 1):
        mean = max(total / lines, EPS)
        cost = [inf] * k
        cost[0] = 0.0
        back: list[list[int]] = [[-1] * k for _ in range(lines + 1)]
        prev = cost
        for line in range(1, lines + 1):
            cur = [inf] * k
            for j in range(1, k):
                if line == lines and j != k - 1:
                    continue
                pen = cands[nodes[j]] if j < k - 1 else 0.0
                best, arg = inf, -1
                for i in ok[j]:
                    if prev[i] == inf:
                        continue
                    d = (width(nodes[i], nodes[j]) - mean) / mean
                    c = prev[i] + d * d + pen + TILT * d * (lines - line)
                    if c < best - EPS:
                        best, arg = c, i
                cur[j], back[line][j] = best, arg
            prev = cur
        if prev[k - 1] < inf:
            starts, j = [], k - 1
            for line in range(lines, 1, -1):
                j = back[line][j]
                starts.append(nodes[j])
            return starts[::-1]
    return None


def choose(text: str, forced: Sequence[int], allowed: Sequence[int], width: Width, fits: Fits,
           max_lines: int, characters: bool = False, measure: float | None = None) -> list[int] | None:
    """Line starts (after 0) for `text`: every forced break, balanced phrase breaks between
    them; None if the text cannot be set in max_lines lines that way.

    `max_lines` is raised to the number of explicit lines: the editor's breaks always stand.
    `measure` (in width units), if given, lets a text far too long for its lines be refused
    before its words are asked for."""
    n = len(text)
    bounds = [0] + [b for b in sorted(set(forced)) if 0 < b < n] + [n]
    segments = list(pairwise(bounds))
    left = max(max_lines, len(segments))  # lines still available
    out: list[int] = []

    def single(s: int, e: int) -> bool:
        return lone(text, s, e)

    for idx, (a, z) in enumerate(segments):
        if idx:
            out.append(a)
        room = left - (len(segments) - 1 - idx)  # each later segment needs a line at least
        if fits(a, z):
            left -= 1
            continue
        if room < 2 or (measure is not None and width(a, z) > room * (measure + SLACK)):
            return None  # hopeless: the words are not even asked for (nor their dictionary loaded)
        got = _segment(a, z, candidates(text, allowed, a, z, characters), width, fits, single, room)
        if got is None:
            return None
        out += got
        left -= 1 + len(got)
    return out


def lines_of(starts: Sequence[int], n: int) -> list[tuple[int, int]]:
    """(start, next start) of each line from the line starts after 0."""
    edges = [0, *starts, n]
    return list(pairwise(edges))


__all__ = ["HOUSE_TERMS", "Words", "candidates", "choose", "lines_of", "lone", "words"]
