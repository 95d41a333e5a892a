"""The marks a proofreader makes, from two versions of a story's lines.

In: the old and new lines of one field of a story (its text, its headline lines, a
caption) as recorded.  Out: `Change`s (insertions, deletions, replacements) grouped into
readable spans, each with the lines it touches in both versions, and which of the new
lines merely re-broke (same words, other line breaks).

Why characters and not words: Chinese has no spaces between words; a proofreader marks
characters.  A character diff alone reads badly (一个字, 两个字 scattered over a phrase), so
changes separated by fewer than `JOIN` unchanged characters are shown as one.  Whitespace
is not a word: a space that only moved with a line break is not reported.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import accumulate

JOIN = 3  # changes closer than this many unchanged characters read as one


@dataclass(frozen=True)
class Change:
    op: str  # insert | delete | replace
    old: str
    new: str
    old_at: int  # character offset in the old text (the field's lines joined)
    new_at: int
    old_lines: tuple[int, int]  # first and last line (1-based) of the old text it touches; (0, 0) if none
    new_lines: tuple[int, int]
    context: str = ""  # a few characters of the new text on either side, «…» marking the place
    old_page: str = ""  # a jumped story's change whose old text was on another page: that page


@dataclass(frozen=True)
class FieldDiff:
    changes: tuple[Change, ...]
    reflowed: tuple[int, ...]  # new line numbers (1-based) that re-broke without a change of words
    changed: tuple[int, ...]  # new line numbers that hold a change

    @property
    def same_words(self) -> bool:
        return not self.changes


def _starts(lines: list[str]) -> list[int]:
    return [0, *accumulate(len(t) for t in lines)]


def _line_of(starts: list[int], at: int) -> int:
    """1-based number of the line holding character `at` (the last line for the end)."""
    return max(1, min(len(starts) - 1, bisect_right(starts, at) - 1 + 1))


def _span(starts: list[int], a: int, b: int) -> tuple[int, int]:
    if len(starts) < 2:
        return (0, 0)
    if b <= a:  # an empty span: the line where it sits
        n = _line_of(starts, a)
        return (n, n)
    return (_line_of(starts, a), _line_of(starts, b - 1))


def _opcodes(a: str, b: str) -> list[tuple[str, int, int, int, int]]:
    """difflib's opcodes, run only on what differs (common ends cut off first: a story of
    10 000 characters with one sentence changed costs a sentence, not the story)."""
    n = min(len(a), len(b))
    pre = 0
    while pre < n and a[pre] == b[pre]:
        pre += 1
    suf = 0
    while suf < n - pre and a[-1 - suf] == b[-1 - suf]:
        suf += 1
    mid_a, mid_b = a[pre:len(a) - suf], b[pre:len(b) - suf]
    if not mid_a and not mid_b:
        return []
    sm = SequenceMatcher(None, mid_a, mid_b, autojunk=False)
    return [(tag, i1 + pre, i2 + pre, j1 + pre, j2 + pre) for tag, i1, i2, j1, j2 in sm.get_opcodes()
            if tag != "equal"]


def _grouped(ops: list[tuple[str, int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Changes closer than JOIN characters (in both texts) merged: (i1, i2, j1, j2)."""
    out: list[list[int]] = []
    for _, i1, i2, j1, j2 in ops:
        if out and i1 - out[-1][1] < JOIN and j1 - out[-1][3] < JOIN:
            out[-1][1], out[-1][3] = i2, j2
        else:
            out.append([i1, i2, j1, j2])
    return [(a, b, c, d) for a, b, c, d in out]


def diff_lines(old: list[str], new: list[str]) -> FieldDiff:
    """The changes from `old` lines to `new` lines (texts), and which new lines re-broke."""
    a, b = "".join(old), "".join(new)
    sa, sb = _starts(old), _starts(new)
    changes: list[Change] = []
    touched: set[int] = set()
    for i1, i2, j1, j2 in _grouped(_opcodes(a, b)):
        o, n = a[i1:i2], b[j1:j2]
        if not o.strip() and not n.strip():
            continue  # only spaces (at a line break that moved)
        op = "replace" if o and n else "insert" if n else "delete"
        nl = _span(sb, j1, j2)
        if nl != (0, 0):
            touched.update(range(nl[0], nl[1] + 1))
        ctx = f"{b[max(0, j1 - 6):j1]}«{n}»{b[j2:j2 + 6]}"
        changes.append(Change(op, o, n, i1, j1, _span(sa, i1, i2), nl, ctx))
    olds = set(old)
    reflowed = tuple(k for k, t in enumerate(new, 1) if k not in touched and t not in olds)
    return FieldDiff(tuple(changes), reflowed, tuple(sorted(touched)))


def _weight(ch: str) -> float:
    """A character's share of a line's width: ideographs and full-width forms take an em,
    Latin letters and digits about half (close enough to place a highlight)."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.55


def char_range(text: str, line_start: int, a: int, b: int) -> tuple[float, float]:
    """Which fraction of a line holding `text`, starting at text offset `line_start`, the
    span [a, b) covers: (from, to) in 0..1."""
    n = len(text)
    if n <= 0:
        return (0.0, 1.0)
    lo = max(0, a - line_start)
    hi = max(lo, min(n, max(b, a) - line_start))
    weights = [_weight(ch) for ch in text]
    total = sum(weights)
    before = sum(weights[:lo])
    return (before / total, (before + sum(weights[lo:hi])) / total)
