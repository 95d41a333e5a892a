"""Break a paragraph into justified lines: clreq rules, no fonts, no PDF.

In: the paragraph text, a map char -> advance in em (from a font or synthetic), the
measure in em, the first-line indent and the kinsoku level.
Out: `Line`s (character ranges) and, per line, `Run`s: (x in em, text, extra spacing per
character in em) that a renderer can set with one text operator each.

How (clreq §line_adjustment, "先挤进，后推出"):
1. `prepare` computes, once per paragraph and mostly in C-level list operations, the
   advance of every character after adjacent-punctuation compression, the gaps between
   ideographs and Latin/digits (the style's `latin_gap`: 0, ⅛ or ¼ em; at 0 the boundary
   is an ordinary character boundary), the allowed break positions (kinsoku tables in
   cjk.py plus unbreakable clusters: Latin words, numbers with their units, ——, ……) and
   cumulative sums of widths and of squeezable space.
2. `break_lines` (greedy, one line at a time) finds each line end by bisection on the
   cumulative widths (cost per line, not per character).  If the first character that does
   not fit may not start a line, the line first tries to squeeze it in (compressing
   punctuation), and only then pushes characters down to the previous allowed break.  Lines
   never overhang; a line with no legal break at all is cut where no closing or postfix
   mark starts the next one (`forced_end`).  Justified body text is broken paragraph-wide
   by totalfit.py, which keeps this breaker for ragged text and pathological paragraphs.
3. A paragraph's last line never holds a single character (孤字不成行): one character is
   pulled down from the line above when that line can spare it.
4. `line_runs` justifies a line: squeeze in clreq order (line-end mark, brackets and
   commas, Han–Latin gaps, stops) or stretch (a line-end mark that was compressed against
   the opening mark now starting the next line back to full width, Han–Latin gaps and
   spaces up to ½ em, or, where the style sets digits solid (latin_gap 0), the Han–digit/
   Latin boundaries up to SOLID_STRETCH, then equal spacing between characters, never
   inside clusters).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate
from operator import add
from typing import Mapping

from layout.text import cjk
from layout.text.advances import font_advances, pair_starts
from layout.text.charclass import ADJACENT_MARKS, BLANK, CLUSTER, PAIRED_MARKS, PAIRS, acting_special, special_flags
from layout.text.spacing import NO_BREAK_SPACE

EPS = 1e-6
HAN_LATIN_GAP = 0.25  # em, clreq §mixed_text_composition: "at most ¼ em"; the default of
# PreparedText(latin_gap=...), which the style sets per role (0, ⅛ or ¼ em)
HAN_LATIN_MIN = 0.125  # a gap squeezable to ⅛ em (clreq compression step ⑥); a smaller gap is not squeezed
HAN_LATIN_MAX = 0.5  # stretchable to ½ em (clreq expansion step ②)
SOLID_STRETCH = 0.125  # em: with latin_gap 0 (digits set solid), a Han–digit/Latin boundary of a
# stretched line may still open this much (expansion ②, kept small: the house sets 8月18日 solid)
SOLID_FIRST = 0.03  # em of letter-spacing a line takes before those boundaries open: less is
# invisible spread evenly, and a boundary opened for it would be the one uneven place in the line
SQUEEZE_LOOKAHEAD = 3  # at most this many characters are squeezed into a line
MIDDLE_DOT_WIDTH = 0.5  # em, GB style interpunct
NEARLY_FULL = 1.0  # em: a paragraph's last line this close to the measure is justified too,
# so that no line ends a hair short of the column edge (it would read as a ragged line)


_BLANK_RIGHT_CHARS = "".join(sorted(cjk.BLANK_RIGHT))
_BLANK_LEFT = cjk.BLANK_LEFT
# squeezing a line, in clreq's order: ④⑤ brackets and commas, ⑥ Han–Latin gaps, ⑦ stops
_GAPS = "gap"  # the tier of Han–Latin gaps (told apart by identity: comparing a set with a string is slow)
_SQUEEZE_TIERS = (cjk.BLANK_LEFT | cjk.CLOSING_BRACKETS | cjk.COMMAS, _GAPS, cjk.STOPS)


# not frozen: built ~10^5 times per edition, and a frozen dataclass is several times dearer to construct; never mutated
@dataclass(slots=True)
class Line:
    """Characters [start, end) of the paragraph; `end` excludes trailing spaces."""

    start: int
    end: int
    next: int  # where the following line starts (after dropped spaces)
    width: float  # natural width in em (after start trim)
    measure: float  # available width in em (measure minus indent)
    indent: float
    last: bool  # last line of the paragraph: set flush left, not stretched


# not frozen: built ~10^5 times per edition, and a frozen dataclass is several times dearer to construct; never mutated
@dataclass(slots=True)
class Run:
    """A stretch of a line in em, with the extra space after each of its characters (justification)."""

    x: float  # em from the line's left edge (after indent)
    text: str
    tc: float  # extra space after each character, em


class PreparedText:
    """Per-paragraph arrays shared by breaking and justification."""

    __slots__ = ("text", "n", "adv", "fadv", "kern", "cum", "allowed", "shr", "shr_cum",
                 "glue", "special_cum", "level", "trim_opening", "no_start", "no_end", "bounds",
                 "unkerned", "natural", "spaceless")

    def __init__(self, text: str, widths: Mapping[str, float], level: str = "basic",
                 trim_opening: bool = True, extra_special: str = "", kerning: Mapping[str, float] | None = None,
                 latin_gap: float = HAN_LATIN_GAP):
        self.text = text
        n = self.n = len(text)
        self.level = level
        self.trim_opening = trim_opening
        fadv = self.fadv = font_advances(text, widths)  # KeyError = uncovered char (checked upstream)
        adv = self.adv = fadv[:]
        kern = self.kern = [0.0] * n
        shr = self.shr = [0.0] * n  # squeezable em per char (not counting line-end effects)
        glue = self.glue = bytearray(n)  # 1: no break and no stretch between i-1 and i
        allowed = bytearray(b"\x01") * (n + 1)
        allowed[0] = 0
        no_start, no_end = cjk.NO_START[level], cjk.NO_END[level]
        self.no_start, self.no_end = no_start, no_end
        special = special_flags(text)  # 1: not an ideograph
        closing, other = acting_special(level)
        for m in closing.finditer(text):  # ，。、」: what the loop below would do to them, in two steps
            i = m.start()
            allowed[i] = 0
            shr[i] = 0.5 * fadv[i] if fadv[i] >= 0.99 else 0.0
        for m in other.finditer(text):  # the other special characters the branches below act on
            i = m.start()
            ch = text[i]
            if ch in no_start:
                allowed[i] = 0
            if ch in no_end:
                allowed[i + 1] = 0
            if ch in BLANK:
                shr[i] = 0.5 * fadv[i] if fadv[i] >= 0.99 else 0.0
            elif ch == " ":
                allowed[i] = 0  # break after a space, never before it
            elif ch == NO_BREAK_SPACE:
                allowed[i] = allowed[i + 1] = 0  # the editor's kept space (spacing.py): no break
            elif ch in cjk.MIDDLE_DOTS and fadv[i] < MIDDLE_DOT_WIDTH:
                # GB style: the interpunct takes a fixed ½ em, centred (clreq; GB/T 15834 §5.1.7)
                side = (MIDDLE_DOT_WIDTH - fadv[i]) / 2
                adv[i] += side
                kern[i] += side
        # Han–Latin gaps: none at all when the style sets digits solid (latin_gap 0: 8月18日);
        # then the boundary stretches as any two characters do (expansion step ③), and a stretched
        # line may open it by SOLID_STRETCH more (`bounds`, ②), but never between a number and its word
        gap = latin_gap if latin_gap > EPS else 0.0
        squeeze = max(0.0, gap - HAN_LATIN_MIN)
        # with no gap, the boundaries (i: between i-1 and i) that a stretched line may open by
        # SOLID_STRETCH; ascending, so that a line's share is two bisections
        bounds: list[int] = []
        self.bounds = bounds
        ideo = bytes(special)  # 0: a BMP ideograph (is_ideograph, without the call), before gaps are marked
        firsts = pair_starts(kerning) if kerning else frozenset()
        for m in CLUSTER.finditer(text):
            a, b = m.span()
            if b - a > 1:
                glue[a + 1:b] = b"\x01" * (b - a - 1)
                allowed[a + 1:b] = bytes(b - a - 1)
                if not firsts.isdisjoint(text[a:b - 1]):  # (numbers: no pair of the font starts with a digit)
                    for i in range(a + 1, b):
                        kv = kerning.get(text[i - 1:i + 1])
                        if kv:  # the font's pair kerning inside Latin words and numbers
                            kern[i] = kv
                            special[i] = 1
            if a > 0 and (not ideo[a - 1] or cjk.is_ideograph(text[a - 1])):
                if gap:
                    kern[a] = gap
                    shr[a] += squeeze
                    special[a] = 1
                else:
                    bounds.append(a)
            if b < n and (not ideo[b] or cjk.is_ideograph(text[b])):
                if gap:
                    kern[b] = gap
                    shr[b] += squeeze
                    special[b] = 1
                if text[b - 1].isdigit():
                    # house rule: a number keeps its measure word (82万, 2026年, 3天); an
                    # unbreakable sequence, so equal spacing (expansion ③) does not open it
                    # either, nor does a solid boundary (GDP|增长 may open, 18|日 not)
                    allowed[b] = 0
                    glue[b] = 1
                elif not gap:
                    bounds.append(b)
        if any(c in text for c in PAIRED_MARKS):  # (most paragraphs hold no dash or ellipsis)
            for m in PAIRS.finditer(text):
                a, b = m.span()
                for i in range(a + 1, b):
                    glue[i] = 1
                    allowed[i] = 0
                    special[i] = 1
        # adjacent marks: 。」 ，“ ）（ and （《 : 2 em -> 1.5 em (clreq).  One scan for both kinds (they
        # touch different characters, and the squeezes they zero are zeroed either way)
        for m in ADJACENT_MARKS.finditer(text):
            i = m.start()
            if fadv[i] >= 0.99 and (adv[i] == fadv[i] or text[i] not in _BLANK_LEFT):
                adv[i] = fadv[i] - 0.5
                shr[i] = 0.0
                shr[i + 1] = 0.0  # the pair is at its minimum: no further squeezing of either
        if extra_special:
            for i, ch in enumerate(text):
                if ch in extra_special:
                    special[i] = 1
        allowed[n] = 1
        self.allowed = allowed
        # what `_regular` need not look at line by line in most paragraphs: no gap or kerning (nor
        # need cum add kern's zeros), every advance the font's (reface keeps that), no space
        self.unkerned = kern.count(0.0) == n
        self.natural = adv == fadv
        self.spaceless = " " not in text
        self.cum = list(accumulate(adv if self.unkerned else map(add, kern, adv), initial=0.0))
        self.shr_cum = list(accumulate(shr, initial=0.0))
        self.special_cum = list(accumulate(special, initial=0))

    # -- measures ----------------------------------------------------------------
    def start_trim(self, s: int) -> float:
        """Width removed at a line start: the gap before s, and ½ em before an opening mark."""
        t = self.kern[s]
        if self.trim_opening and self.text[s] in cjk.BLANK_LEFT and self.adv[s] >= 0.99:
            t += 0.5
        return t

    def end_shrink(self, e: int) -> float:
        """A full-width closing mark at a line end may be set half width (GB §5.1.10)."""
        i = e - 1
        ch = self.text[i]
        if ch in cjk.BLANK_RIGHT and self.adv[i] >= 0.99:
            return 0.5
        return 0.0

    def solid_bounds(self, s: int, e: int) -> int:
        """How many boundaries inside [s, e) may open by SOLID_STRETCH (0 unless latin_gap is 0)."""
        b = self.bounds
        return bisect_left(b, e) - bisect_left(b, s + 1) if b else 0

    def width(self, s: int, e: int) -> float:
        return self.cum[e] - self.cum[s] - self.start_trim(s)

    def squeezable(self, s: int, e: int) -> float:
        last = self.shr[e - 1]
        return self.shr_cum[e] - self.shr_cum[s] - last + max(last, self.end_shrink(e)) - (
            self.shr[s] if self.start_trim(s) else 0.0)


def _trim_end(text: str, s: int, e: int) -> int:
    while e > s and text[e - 1] == " ":
        e -= 1
    return e


def break_lines(p: PreparedText, measure: float, indent: float = 0.0, start: int = 0,
                max_lines: int | None = None) -> list[Line]:
    """Lines for p.text[start:], at most `max_lines`; the indent applies only at start 0."""
    # allowed[i]: a line may start at i; the legal breaks nearest a point are found with
    # bytearray.find/rfind (C), not a per-paragraph list of positions
    text, n, cum, allowed = p.text, p.n, p.cum, p.allowed
    kern, adv, trim_opening, blank_left, sc = p.kern, p.adv, p.trim_opening, cjk.BLANK_LEFT, p.special_cum
    spaceless = p.spaceless  # (most paragraphs: no space to skip at line ends and starts)
    lines: list[Line] = []
    add = lines.append
    left = n + 1 if max_lines is None else max_lines  # lines still to set (a line holds one character at least)
    s = start
    while s < n and text[s] == " ":
        s += 1
    while s < n and left > 0:
        left -= 1
        ind = indent if s == 0 else 0.0
        avail = measure - ind
        trim = kern[s]  # PreparedText.start_trim, inlined (the same arithmetic)
        if trim_opening and sc[s + 1] != sc[s] and text[s] in blank_left and adv[s] >= 0.99:  # (see single_runs)
            trim += 0.5
        e = bisect_right(cum, cum[s] + trim + avail + EPS, s + 1) - 1
        if e >= n:
            e = n
        elif e <= s:
            e = forced_end(p, s, s + 1)  # not even one character fits: set it anyway (measure too narrow)
        elif not allowed[e]:
            j = allowed.find(1, e + 1, n)
            if j < 0:
                j = n
            ej = _trim_end(text, s, j)
            if j - e <= SQUEEZE_LOOKAHEAD and ej > s and (
                    cum[ej] - cum[s] - trim - p.squeezable(s, ej) <= avail + EPS):
                e = j  # 先挤进: squeeze the forbidden mark onto this line
            else:
                k = allowed.rfind(1, 1, e)
                if k > s:
                    e = k  # 后推出: push characters down, the line is stretched
                else:  # no legal break at all (a word longer than the measure): cut it
                    e = forced_end(p, s, e)
        end = nxt = e
        if not spaceless:
            while end > s and text[end - 1] == " ":  # _trim_end, inlined
                end -= 1
            while nxt < n and text[nxt] == " ":
                nxt += 1
        add(Line(s, end, nxt, cum[end] - cum[s] - trim, avail, ind, nxt >= n))
        s = nxt
    if lines and lines[-1].last and len(lines) >= 2:
        _no_lone_last_char(p, lines)
    return lines


def forced_end(p: PreparedText, s: int, e: int) -> int:
    """Where to cut a line that has no legal break (a word wider than the measure): at e,
    moved back so that no mark that may not start a line starts the next one (5.2|% ->
    5.|2%), or, failing that, at most SQUEEZE_LOOKAHEAD characters on."""
    text, n, no_start = p.text, p.n, p.no_start

    def may_start(k: int) -> bool:
        while k < n and text[k] == " ":
            k += 1
        return k >= n or text[k] not in no_start

    for k in range(e, s, -1):
        if may_start(k):
            return k
    for k in range(e + 1, min(n, e + SQUEEZE_LOOKAHEAD) + 1):
        if may_start(k):
            return k
    return e


def _lone(text: str, s: int, e: int) -> bool:
    """One character, or one character followed by closing marks only."""
    if e - s < 1:
        return False
    return not text[s + 1:e].strip(_BLANK_RIGHT_CHARS)  # (empty when every character is one of them)


def _no_lone_last_char(p: PreparedText, lines: list[Line]) -> None:
    """孤字不成行 (clreq §adjustments_of_orphans_and_widows): pull one character down."""
    text, cum = p.text, p.cum
    last, prev = lines[-1], lines[-2]
    if not _lone(text, last.start, last.end):
        return
    cut = p.allowed.rfind(1, 1, prev.next)
    if cut < 0 or cut <= prev.start + 1:
        return
    end = _trim_end(text, prev.start, cut)
    new_prev_w = cum[end] - cum[prev.start] - p.start_trim(prev.start)
    trim = p.start_trim(cut)
    new_last_w = cum[last.end] - cum[cut] - trim
    if new_last_w > last.measure + EPS or new_prev_w < prev.measure - 3.0:
        return
    lines[-2] = Line(prev.start, end, cut, new_prev_w, prev.measure, prev.indent, False)
    lines[-1] = Line(cut, last.end, last.next, new_last_w, last.measure, 0.0, True)


def line_runs(p: PreparedText, line: Line, justify: bool = True) -> list[Run]:
    """Justified runs of one line; x in em from the line's left edge (indent included)."""
    one = single_run(p, line, justify)
    if one is not None:
        return [Run(one[0], p.text[line.start:line.end], one[1])]
    return split_runs(p, line, justify)


def single_run(p: PreparedText, line: Line, justify: bool = True) -> tuple[float, float] | None:
    """(x, tc) of a line that `line_runs` sets as one run (most lines: spread evenly, nothing
    squeezed, no opening mark trimmed at its start), None for the others (and an empty line)."""
    return single_runs(p, [line], justify)[0]


def single_runs(p: PreparedText, lines: list[Line], justify: bool = True) -> list[tuple[float, float] | None]:
    """`single_run` of each of a paragraph's lines: the build's fast path (no Run built, no
    per-character work), in one call per paragraph, its arrays looked up once.  A line is one
    run when every character of it is at its font's advance, with no gap or kerning after the
    first, nothing glued and no space (a few C-level list operations, only for the lines that
    hold anything but ideographs)."""
    text, adv, fadv, kern, sc, glue = p.text, p.adv, p.fadv, p.kern, p.special_cum, p.glue
    trim_opening, unkerned, natural, spaceless, b = p.trim_opening, p.unkerned, p.natural, p.spaceless, p.bounds
    out: list[tuple[float, float] | None] = []
    add = out.append
    for line in lines:
        s, e = line.start, line.end
        if e <= s:
            add(None)
            continue
        delta = line.measure - line.width
        if not justify or (line.last and not (0 < delta < NEARLY_FULL and e - s >= 6)):
            delta = min(delta, 0.0)  # flush left; a last line short by under 1 em is set full
        # (an ideograph, not special, is no opening mark: tested first, no string is made for it)
        if delta < -EPS or trim_opening and sc[s + 1] != sc[s] and text[s] in _BLANK_LEFT and adv[s] >= 0.99:
            add(None)  # squeezed, or an opening mark trimmed at the start (start_trim beyond the gap before it)
            continue
        k = e - s
        if sc[e] != sc[s + 1 if k > 1 else s] and not (  # not ideographs only: is it regular all the same?
                (unkerned or kern[s + 1:e].count(0.0) == k - 1)
                and (natural or adv[s:e] == fadv[s:e]) and not glue.count(1, s + 1, e)
                and (spaceless or " " not in text[s:e - 1])
                and (not b or bisect_left(b, e) == bisect_left(b, s + 1))):  # (no solid_bounds)
            add(None)
            continue
        add((line.indent, delta / (k - 1) if k > 1 and delta > EPS else 0.0))  # (x: indent minus a trim of 0)
    return out


def split_runs(p: PreparedText, line: Line, justify: bool = True) -> list[Run]:
    """`line_runs` of a line that `single_run` does not set (one run or more)."""
    s, e = line.start, line.end
    if e <= s:
        return []
    delta = line.measure - line.width
    if not justify or (line.last and not (0 < delta < NEARLY_FULL and e - s >= 6)):
        delta = min(delta, 0.0)  # flush left; a last line short by under 1 em is set full
    text, fadv = p.text, p.fadv
    t = p.kern[s]  # PreparedText.start_trim, inlined (the same arithmetic)
    if p.trim_opening and text[s] in _BLANK_LEFT and p.adv[s] >= 0.99:
        t += 0.5
    x0 = line.indent - (t - p.kern[s])
    adv = p.adv[s:e]
    gap = p.kern[s:e]
    gap[0] = 0.0
    glue = p.glue
    if delta < -EPS and p.end_shrink(e):
        # ① a full-width mark at the line end takes ½ em (GB §5.1.10): all of it, never a
        # fraction, so line ends stay on the measure or exactly half an em past it
        adv[e - 1 - s] -= 0.5
        delta += 0.5
    if delta < -EPS:  # squeeze, clreq order: ④⑤ brackets, commas ⑥ gaps ⑦ stops
        need = -delta
        for tier in _SQUEEZE_TIERS:
            if need <= EPS:
                break
            if tier is _GAPS:
                if gap.count(0.0) == e - s:  # (no gap in the line: nothing to take)
                    continue
                idx = [i for i in range(1, e - s) if gap[i] > HAN_LATIN_MIN + EPS]
                cap = [gap[i] - HAN_LATIN_MIN for i in idx]
            else:
                idx = [i for i, ch in enumerate(text[s:e]) if ch in tier and adv[i] >= fadv[s + i] - EPS
                       and p.shr[s + i] >= 0.5 - EPS and not (i == 0 and text[s] in cjk.BLANK_LEFT)]
                cap = [0.5] * len(idx)
            total = sum(cap)
            if total <= EPS:
                continue
            f = min(1.0, need / total)
            for i, c in zip(idx, cap):
                if tier is _GAPS or text[s + i] in _BLANK_LEFT:
                    gap[i] -= c * f  # an opening mark loses its blank left half: move it left
                else:
                    adv[i] -= c * f
            need -= total * f
        slots = 0
        tc = 0.0
    else:  # stretch: ⓪ line-end mark, ① ② Han–Latin gaps and spaces up to ½ em, ③ equal spacing
        give = fadv[e - 1] - adv[-1]
        if EPS < give <= delta + EPS and text[e - 1] in cjk.BLANK_RIGHT:
            # ⓪ a mark compressed against the opening mark that now starts the next line
            # (，“ ：“ ）（) stands alone at the line end: it takes its full width again (all
            # of it or nothing, so that the line still ends on the measure, as ① does)
            adv[-1] += give
            delta -= give
        if delta > EPS and (gap.count(0.0) < e - s or " " in text[s:e - 1]):  # (else: no gap, no space)
            idx = [i for i in range(1, e - s) if gap[i] > EPS or text[s + i - 1] == " "]
            if idx:
                room = HAN_LATIN_MAX - HAN_LATIN_GAP
                add_each = min(room, delta / len(idx))
                for i in idx:
                    gap[i] += add_each
                delta -= add_each * len(idx)
        slots = e - s - 1 - glue.count(1, s + 1, e)  # (glue holds 0 or 1)
        if delta > EPS and p.bounds:  # ② with digits set solid: after SOLID_FIRST em of ③,
            lo, hi = bisect_left(p.bounds, s + 1), bisect_left(p.bounds, e)  # the boundaries open a little
            rest = delta - SOLID_FIRST * slots
            if hi > lo and rest > EPS:
                add_each = min(SOLID_STRETCH, rest / (hi - lo))
                for i in p.bounds[lo:hi]:
                    gap[i - s] += add_each
                delta -= add_each * (hi - lo)
        tc = delta / slots if slots and delta > EPS else 0.0
    k = e - s
    if (tc == 0.0 or not glue.count(1, s + 1, e)) and gap.count(0.0) == k and adv[:-1] == fadv[s:e - 1]:
        # every character steps by its font advance plus tc (the last one's advance and the
        # first one's gap are not steps): one run, as the loop below would find it (its steps
        # then differ by rounding only, far below its 1e-9); the first step as it computes it
        if k == 1:
            return [Run(x0, text[s:e], 0.0)]
        x = x0 + adv[0] + gap[1] + (0.0 if glue[s + 1] else tc)
        return [Run(x0, text[s:e], (x - x0 - fadv[s]) or 0.0)]
    runs: list[Run] = []
    run_x, run_start, run_tc = x0, s, None
    prev_x = x0
    for i, a, g, glued, fa in zip(range(s + 1, e), adv, gap[1:], glue[s + 1:e], fadv[s:e - 1]):
        x = prev_x + a + g + (0.0 if glued else tc)
        step = x - prev_x - fa
        if run_tc is None:
            run_tc = step
        elif abs(step - run_tc) > 1e-9:
            runs.append(Run(run_x, text[run_start:i], run_tc))
            run_x, run_start, run_tc = x, i, None
        prev_x = x
    runs.append(Run(run_x, text[run_start:e], run_tc or 0.0))
    return runs
