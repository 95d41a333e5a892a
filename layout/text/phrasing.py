"""Where display lines (kicker, headline, subhead) break: between words, into balanced lines.

Body text fills its measure greedily (linebreak.py); a headline must not.  Readers take a
headline in at a glance, phrase by phrase, so a break inside a word ("科研总 / 部项目")
reads as a typo, and a long line over a short one looks like an accident.  This module
chooses where a display text breaks, knowing nothing of fonts: widths come from the
caller (em of a PreparedText for horizontal lines, cells for 竖排 columns).

Which words: rjieba (jieba-rs, jieba's 350,000-word dictionary and its HMM for unknown
words).  BudouX's Simplified Chinese phrase model was tried first (6 ms to load against
jieba's ~110 ms) and rejected: on this paper's headlines it put a boundary inside a word
often enough ("公交线 / 路", "人 / 才", "示 / 范区") that one two-line break in ten fell
inside a word.  The dictionary is loaded on the first display text that needs more than
one line, once per process: most kickers, headlines and subheads fit on one line and
never pay for it.

Break candidates and their costs (a cost is added to the balance cost below):
* after a space (the editor's own phrase separator: "十个方面发力 打造发展新引擎") or a
  comma, colon, semicolon or stop: free;
* between two words: a small cost, more if the line would end on a one-character word
  ("新 / 校区", "让 / 青年") or start with a particle (的, 之, 了...), or if the break
  falls inside quotation marks or a book title (“…”, 《…》);
* inside a word (last resort, only when no word breaking fits): a cost larger than any
  imbalance, so that a word is split only where nothing else can be done.
Every candidate must also be a break linebreak.py allows (kinsoku, numbers with their
measure words, Latin words), and no automatic line may hold a single character.

Choosing: the fewest lines that fit, then the smallest sum of squared relative deviations
from the mean line length plus the candidates' costs: an exact dynamic programme over
the candidates (a headline has a few dozen), per segment between explicit breaks, which
are always honoured.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from layout.text import cjk

EPS = 1e-6
STRUCTURAL = 0.0  # cost of a break after a space or a comma/stop
WORD = 0.05  # cost of a break between two words
SHORT_END = 0.3  # added when a line ends on a one-character word (not a particle, nor a measure word)
SHORT_START = 0.05  # added when a line starts with a one-character word
PARTICLE_START = 0.3  # added when the next line starts with a particle
UNSURE = 0.1  # added when the two characters around the break also make a word
QUOTED = 0.2  # added inside “…”, 《…》 and brackets
CHARACTER = 1.0  # cost of a break inside a word (fallback only)
BREAK_AFTER = frozenset(" ，：；。！？,:;!?")
PARTICLES = frozenset("的之了着过得地里")  # they lean on the word before them
_PUNCT = cjk.BLANK_LEFT | cjk.BLANK_RIGHT | cjk.MIDDLE_DOTS | cjk.CONNECTORS | cjk.PAIRED | frozenset(
    " 　、,.;:?!\"'")

Width = Callable[[int, int], float]  # (line start, next line start) -> length
Fits = Callable[[int, int], bool]


@lru_cache(maxsize=4096)  # copyfitting asks again at every size; a resident process at every build
def words(text: str) -> tuple[tuple[int, ...], frozenset[int]]:
    """The lengths of the words of `text` (spaces and marks are words of their own), and
    the word boundaries i where text[i-1:i+1] is itself a dictionary word: the segmenter
    chose one reading of an ambiguous or unknown sequence ("环湾步/道"), so the boundary
    is less sure."""
    import rjieba  # here, not at module load: ~110 ms for the dictionary, paid only when needed

    lengths = tuple(len(w) for w in rjieba.cut(text))
    if sum(lengths) != len(text):  # never seen; then no word is known and only the fallback breaks
        return (len(text),), frozenset()
    unsure, at = set(), 0
    for n in lengths[:-1]:
        at += n
        if rjieba.has_word(text[at - 1:at + 1]):
            unsure.add(at)
    return lengths, frozenset(unsure)


def _depth(text: str, lo: int, hi: int) -> bytearray:
    """depth[i - lo] > 0: position i lies inside an opening and its closing mark."""
    out = bytearray(hi - lo + 1)
    d = 0
    for i in range(lo, hi):
        ch = text[i]
        if ch in cjk.OPENING:
            d += 1
        elif ch in cjk.CLOSING_BRACKETS and d:
            d -= 1
        out[i + 1 - lo] = min(d, 255)
    return out


def candidates(text: str, allowed: Sequence[int], lo: int, hi: int, characters: bool) -> dict[int, float]:
    """Break positions in (lo, hi) with their costs: where a line may start.

    `allowed[i]`: linebreak.py lets a line start at i.  `characters`: also every other
    allowed position, at the character cost (the fallback)."""
    out: dict[int, float] = {}
    bounds: set[int] | None = None  # positions between two words
    unsure: frozenset[int] = frozenset()
    depth = _depth(text, lo, hi)
    for i in range(lo + 1, hi):
        if not allowed[i]:
            continue
        before, after = text[i - 1], text[i]
        if before in BREAK_AFTER:
            out[i] = STRUCTURAL
            continue
        if bounds is None:
            bounds = {0}
            at = 0
            lengths, unsure = words(text)
            for n in lengths:
                at += n
                bounds.add(at)
        cost = QUOTED if depth[i - lo] else 0.0
        if after in PARTICLES:
            cost += PARTICLE_START
        if i not in bounds:
            if characters:
                out[i] = CHARACTER + cost
            continue
        if (i - 1 in bounds and i - 1 not in unsure and before not in _PUNCT and before not in PARTICLES
                and not (i >= 2 and text[i - 2].isdigit())):
            cost += SHORT_END  # "临江中学新 / 校区": a one-character word ends the line
        if i + 1 in bounds and after not in _PUNCT and after not in PARTICLES:
            cost += SHORT_START
        if i in unsure:
            cost += UNSURE
        out[i] = WORD + cost
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
    # ok[j]: the earliest i such that nodes[i..j] fits is far enough back to stop scanning
    ok: list[list[int]] = []
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
                    c = prev[i] + d * d + pen
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
           max_lines: int, characters: bool = False) -> list[int] | None:
    """Line starts (after 0) for `text`: every forced break, balanced phrase breaks between
    them; None if the text cannot be set in max_lines lines that way.

    `max_lines` is raised to the number of explicit lines: the editor's breaks always stand."""
    n = len(text)
    bounds = [0] + [b for b in sorted(set(forced)) if 0 < b < n] + [n]
    segments = list(zip(bounds, bounds[1:]))
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
        got = _segment(a, z, candidates(text, allowed, a, z, characters), width, fits, single, room)
        if got is None:
            return None
        out += got
        left -= 1 + len(got)
    return out


def lines_of(starts: Sequence[int], n: int) -> list[tuple[int, int]]:
    """(start, next start) of each line from the line starts after 0."""
    edges = [0, *starts, n]
    return list(zip(edges, edges[1:]))


def debug_view(text: str, starts: Sequence[int]) -> str:
    """'江城发布 / 86项成果': the lines as a test or a report shows them."""
    return " / ".join(text[s:e].strip() for s, e in lines_of(starts, len(text)))


__all__ = ["candidates", "choose", "debug_view", "lines_of", "lone", "words"]
