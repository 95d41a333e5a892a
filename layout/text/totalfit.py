"""Paragraph-wide line breaking ("total fit"): choose all the breaks of a paragraph together.

Why: the greedy breaker in linebreak.py decides each line alone, so when kinsoku or an
unbreakable cluster (112项, 1000元、, 高兴。”) pushes characters down, the line it leaves
behind has to be letter-spaced, up to 0.4 em between ideographs.  A newspaper sets such a
line by looking back: it compresses punctuation a few lines earlier, or widens a Han–Latin
gap, so that no line is conspicuously loose.  This module does the same with a dynamic
programme over the legal breaks of the whole paragraph.

How:
* Every line from a start s to an end e has a cost (linecost.py), computed in O(1) from the
  cumulative arrays of `PreparedText`, mirroring what `line_runs` will do to set it: cheap
  punctuation compression or gap stretch, then letter-spacing, dear above `LOOSE` (0.05 em
  between ideographs), prohibitive above `VERY_LOOSE` (0.15 em) and beyond that above
  `WORST` (0.25 em), which only a token wider than the line's slack forces.
* A pause or stop (，、；。？！：) that does not fit even at half width may hang past the
  measure (点号悬挂, one of clreq's three ways of meeting the line-start rule, with 先挤进
  and 先推出) at a `HANG` cost: when the line before it is solid Han, nothing else but
  letter-spacing a whole em could set it ("…作为重要抓 / 手。").  The line is set as usual
  on its measure plus `HANG_WIDTH`, so the mark, compressed to half width, ends half an
  em past the column edge.  Hanging is a house choice (the style's
  paragraph.hanging_punctuation); without it such a line is squeezed or pushed down.
* Where the style sets digits solid (latin_gap 0), a stretched line takes SOLID_FIRST em of
  letter-spacing, then opens its Han–digit/Latin boundaries (京|8, 过|5G|网; never 8|月) by
  up to SOLID_STRETCH (clreq expansion ②) at a `SOLID_GAP_STRETCH` cost, before spacing
  further: a few half-width digits leave half an em that four boundaries take.
* Breaks between a number and its measure word (112|项, 2026|年), which the greedy breaker
  never takes, are candidates here with a `MEASURE_WORD_BREAK` (`DATE_BREAK`) cost: the last
  adjustment before letter-spacing beyond LOOSE.
* The search runs line by line and keeps the `BEAM` cheapest line starts of each line
  ("active breakpoints") within `MARGIN` of the cheapest, so its cost is linear in the
  paragraph: a few candidate ends per start, each costed in constant time.  When the best
  setting it finds still holds a very loose line after the first, it searches once more
  without the margin.
* `break_paragraph` (what the build uses) runs the search in windows: from `LOOK_BACK`
  lines before each line the greedy breaker would letter-space beyond LOOSE to `AHEAD`
  lines after it, the greedy breaker setting the lines in between; that keeps breaking at
  more than a million characters a second (benchmarks/typeset.py).  Paragraphs over
  `MAX_CHARS` characters are left to the greedy breaker (bounded time and memory).

Kinsoku is not a cost: only positions `PreparedText.allowed` permits (plus the measure-word
breaks) are candidates, so no solution can start a line with a closing mark.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from layout.text import cjk
from layout.text.linebreak import (
    EPS,
    HAN_LATIN_GAP,
    HAN_LATIN_MAX,
    SOLID_STRETCH,
    Line,
    PreparedText,
    break_lines,
    forced_end,
)
from layout.text.linecost import (  # (the thresholds are also read as totalfit.X)
    LOOSE,
    LOOSE_PENALTY,
    UNFILLED,
    VERY_LOOSE_PENALTY,
    Coster,
    line_coster,
)
from layout.text.linecost import VERY_LOOSE as VERY_LOOSE
from layout.text.linecost import WORST as WORST

BEAM = 4  # line starts kept per line: the cheapest few (active breakpoints)
MARGIN = 300.0  # demerits: starts costlier than the cheapest by more are dropped (see _fit)
RETRY_ABOVE = 20_000.0  # a best setting costing this much holds a very loose line: search again
LOOK_BACK = 10  # lines before a costly one that a window searches again
AHEAD = 2  # and lines after it
CHUNK = 8  # lines the greedy breaker sets at a time, checked before it goes on
MAX_CHARS = 12_000  # longer paragraphs (pathological copy) are broken greedily
MEASURE_WORD_BREAK = 300.0  # 112|项: the last adjustment before letter-spacing beyond LOOSE
DATE_BREAK = 500.0  # 2026|年, 8|月: read as one unit even more than a count, so later still
HANG = 250.0  # a pause or stop hung past the measure (点号悬挂): dearer than any compression,
# cheaper than letter-spacing beyond LOOSE
HANG_WIDTH = 0.5  # em: a hung mark is set half width (its ink just past the last character)
HANG_MARKS = cjk.COMMAS | cjk.STOPS  # 点号 only: brackets and quotes never hang
LONE_LAST = 100_000.0  # 孤字不成行: a paragraph's last line holding one character
LINE = 10.0  # per line: of two settings otherwise alike, the shorter one

_HAN = "\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u3007"
_DIGIT_HAN = re.compile(rf"\d(?=[{_HAN}])")
_DATE_UNITS = frozenset("年月日时分秒号")
_BLANK_RIGHT = cjk.BLANK_RIGHT
_BLANK_RIGHT_CHARS = "".join(sorted(_BLANK_RIGHT))




def _measure_word_breaks(p: PreparedText) -> dict[int, float]:
    """Positions between a number and an ideograph (82|万, 112|项, 2026|年) with their cost:
    no break for the greedy breaker (a house rule in `PreparedText`), a costed one here."""
    # (PreparedText glues them too, so that equal spacing never opens a number from its unit
    # within a line; across a break that glue does not apply)
    text, allowed = p.text, p.allowed
    return {b: DATE_BREAK if text[b] in _DATE_UNITS else MEASURE_WORD_BREAK
            for b in (m.end() for m in _DIGIT_HAN.finditer(text)) if not allowed[b]}


def total_fit(p: PreparedText, measure: float, indent: float = 0.0, start: int = 0,
              hang: bool = True) -> list[Line] | None:
    """The lines of p.text[start:] with the least total cost, searched from `start`; None for
    a paragraph too long for the search.  The indent applies only at start 0; `hang`: pauses
    and stops may hang past the measure (the style's paragraph.hanging_punctuation)."""
    return _fit(p, measure, indent, start, line_coster(p), hang=hang)


def _fit(p: PreparedText, measure: float, indent: float, start: int, line_cost: Coster,
         stop: int | None = None, cands: tuple[bytearray, dict[int, float]] | None = None,
         hang: bool = True) -> list[Line] | None:
    """A first search keeps only line starts within MARGIN of the cheapest; when its best
    setting still holds a very loose line, a second one keeps the BEAM cheapest starts
    whatever their cost, so that a costlier start that avoids that line is not lost."""
    cands = cands or _candidates(p)
    got = _search(p, measure, indent, start, MARGIN, line_cost, stop, cands, hang)
    if got is None or got[0] < RETRY_ABOVE:
        return None if got is None else got[1]
    lines = got[1]  # (nothing before the first line can relieve it: no second search for it alone)
    if all((line_cost(ln.start, ln.end, ln.measure, p.start_trim(ln.start), ln.last) or 0.0) < VERY_LOOSE_PENALTY
           for ln in lines[1:]):
        return lines
    got = _search(p, measure, indent, start, float("inf"), line_cost, stop, cands, hang)
    assert got is not None
    return got[1]


def break_paragraph(p: PreparedText, measure: float, indent: float = 0.0, start: int = 0,
                    hang: bool = True) -> list[Line]:
    """All the lines of p.text[start:], as the build sets justified text.

    Total fit where it matters: the greedy breaker sets the paragraph; from LOOK_BACK lines
    before the first line it would letter-space beyond LOOSE (or that is otherwise costly),
    the search re-sets the paragraph up to AHEAD lines past that line, and the greedy
    breaker continues from the search's cheapest next line start; and so on, each window
    starting further on.  Most paragraphs have no such line, and the lines between windows
    are set solid anyway, so this costs a fraction of a search over every line, for the
    same letter-spacing (the look-back is longer than the few lines over which compression
    can absorb a pushed-down character).  Pathological paragraphs (over MAX_CHARS
    characters) stay greedy.  `hang` False (paragraph.hanging_punctuation: false): no line
    ends past the measure."""
    if p.n - start > MAX_CHARS:
        return break_lines(p, measure, indent, start)
    line_cost = line_coster(p)
    text, kern, adv, sc = p.text, p.kern, p.adv, p.special_cum
    trim_opening, blank_left = p.trim_opening, cjk.BLANK_LEFT
    lines: list[Line] = []

    def costly(ln: Line, k: int) -> bool:
        """Letter-spaced beyond LOOSE, too wide, or a lone last character.  (Not asked of a
        line set solid, which costs nothing: the callers test that inline, for two lines in three.)"""
        s = ln.start
        trim = kern[s]  # PreparedText.start_trim, inlined (an ideograph, not special, is no opening mark)
        if trim_opening and sc[s + 1] != sc[s] and text[s] in blank_left and adv[s] >= 0.99:
            trim += 0.5
        cost = line_cost(s, ln.end, ln.measure, trim, ln.last)
        return cost is None or cost >= LOOSE_PENALTY or bool(ln.last and k and _lone(text, s, ln.end))

    cands = None
    floor = checked = 0  # windows start at `floor` or later; lines before `checked` are settled
    while True:
        if not lines or not lines[-1].last:  # the greedy breaker sets a few more lines
            more = break_lines(p, measure, indent, lines[-1].next if lines else start, CHUNK)
            if not more:
                return lines
            lines += more
        trouble = -1
        for k in range(checked, len(lines)):
            ln = lines[k]
            if (ln.last or not -EPS <= ln.measure - ln.width <= EPS) and costly(ln, k):
                trouble = k
                break
        if trouble < 0:
            if lines[-1].last:
                return lines
            checked = len(lines)
            continue
        # costly lines that follow within LOOK_BACK lines join the window: one search sees
        # them all (a window ending between them would settle a line the next cannot undo)
        last, k = trouble, trouble + 1
        while k <= last + LOOK_BACK:
            if k == len(lines):
                if lines[-1].last:
                    break
                lines += break_lines(p, measure, indent, lines[-1].next, CHUNK)
                continue
            ln = lines[k]
            if (ln.last or not -EPS <= ln.measure - ln.width <= EPS) and costly(ln, k):
                last = k
            k += 1
        j = max(floor, trouble - LOOK_BACK)
        cands = cands or _candidates(p)
        window = _fit(p, measure, indent, lines[j].start, line_cost, last - j + 1 + AHEAD, cands, hang)
        assert window is not None
        lines[j:] = window
        if window[-1].last:
            return lines
        checked, floor = len(lines), j + 1


def _candidates(p: PreparedText) -> tuple[bytearray, dict[int, float]]:
    """Where a line may end: the legal breaks, and the costed measure-word breaks."""
    soft = _measure_word_breaks(p)
    cand = p.allowed
    if soft:
        cand = bytearray(cand)
        for b in soft:
            cand[b] = 1
    return cand, soft


def _search(p: PreparedText, measure: float, indent: float, start: int, margin: float, line_cost: Coster,
            stop: int | None = None, cands: tuple[bytearray, dict[int, float]] | None = None,
            hang: bool = True) -> tuple[float, list[Line]] | None:
    """The search proper: line by line from `start`, to the paragraph's end, or for `stop`
    lines only (then the lines to the cheapest start of the next line; `Line.last` False)."""
    text, n, cum = p.text, p.n, p.cum
    s0 = start
    while s0 < n and text[s0] == " ":
        s0 += 1
    if s0 >= n:
        return 0.0, []
    if n - s0 > MAX_CHARS:
        return None
    cand, soft = cands or _candidates(p)
    shr_cum, shr, kern, adv, special_cum = p.shr_cum, p.shr, p.kern, p.adv, p.special_cum
    trim_opening = p.trim_opening
    unkerned, spaceless = p.unkerned, p.spaceless
    blank_right = _BLANK_RIGHT
    hang_marks = HANG_MARKS if hang else ""
    bounds = p.bounds
    # with a margin below a loose line's cost, a start followed by ideographs only needs its
    # natural end: nothing in it can be squeezed, and an end one character earlier would be
    # letter-spaced beyond LOOSE, costlier than the natural end by more than the margin
    plain_shortcut = margin < LOOSE_PENALTY
    blank_left = cjk.BLANK_LEFT
    gap_room = HAN_LATIN_MAX - HAN_LATIN_GAP  # what a Han–Latin gap or a space may widen by
    inf = float("inf")
    best_final, final = inf, None
    hung: set[tuple[int, int]] = set()  # (start, end) of lines whose end mark hangs
    layer: list[tuple[float, int]] = [(0.0, s0)]  # (cost, start) of this line's starts, cheapest first
    back: list[dict[int, tuple[int, int]]] = []  # per line: next start -> (its start, its end)
    while layer:
        if stop is not None and len(back) == stop and (final is None or layer[0][0] + LINE < best_final):
            return layer[0][0], _lines(p, back, (len(back), layer[0][1], -1), measure, indent, s0, hung)
        nxt: dict[int, float] = {}
        came: dict[int, tuple[int, int]] = {}
        lasts: list[tuple[int, int, float, float, float, bool]] = []  # ends needing more care
        line = LINE
        # a candidate costing more than the cheapest one of this line + margin is not kept;
        # the cheapest starts go first, so that the bound is tight early
        bound = inf
        for c, s in layer:
            c += line
            if c >= best_final or c > bound:
                break
            avail = measure - indent if s == 0 else measure
            trim = kern[s]  # PreparedText.start_trim, inlined (an ideograph, not special, is no opening mark)
            if trim_opening and special_cum[s + 1] != special_cum[s] and text[s] in blank_left and adv[s] >= 0.99:
                trim += 0.5
            base = cum[s] + trim
            e0 = bisect_right(cum, base + avail + EPS, s + 1) - 1
            if e0 >= n:  # the rest fits: the last line, unless breaking earlier is cheaper
                end = _trim(text, s, n)
                lc = line_cost(s, end, avail, trim, True)
                if s > s0 and _lone(text, s, end):
                    lc += LONE_LAST
                if c + lc < best_final:
                    best_final, final = c + lc, (len(back), s, end)
                if lc == 0.0:
                    continue  # another line cannot be cheaper than none
                e0 = n - 1
                feasible = True
            elif plain_shortcut and e0 > s and special_cum[e0 + 1] == special_cum[s]:
                total = c + (line_cost(s, e0, avail, trim, False) if base + avail - cum[e0] > EPS else 0.0)
                if total + margin < bound:
                    bound = total + margin
                if total < nxt.get(e0, inf):
                    nxt[e0] = total
                    came[e0] = (s, e0)
                continue
            else:  # ends past the natural fit, while punctuation compression can take them
                feasible = False
                h = e0 + 1 if hang else n + 1  # a pause or stop that does not fit even squeezed may hang
                while h <= n and cum[h - 1] - base - avail <= shr_cum[h - 1] - shr_cum[s] + EPS:
                    if special_cum[h] != special_cum[h - 1] and text[h - 1] in hang_marks \
                            and (h == n or cand[h] and text[h] != " ") and h - 1 > s \
                            and line_cost(s, h, avail, trim, h == n) is None:
                        lc = line_cost(s, h - 1, avail, trim, False)
                        if lc is not None:
                            total = c + lc + HANG + (soft.get(h, 0.0) if soft else 0.0)
                            if h == n:
                                if total < best_final:
                                    best_final, final = total, (len(back), s, h)
                                    hung.add((s, h))
                            elif total <= bound and total < nxt.get(h, inf):
                                nxt[h] = total
                                came[h] = (s, h)
                                hung.add((s, h))
                    h += 1
                e = cand.find(1, e0 + 1, n + 1)
                # (a quick bound first: the squeezable space, and half an em for a mark at the end;
                # an ideograph, not special, is no mark: no string is made for it)
                while e > 0 and cum[e] - base - avail <= shr_cum[e] - shr_cum[s] + EPS + (
                        0.5 - shr[e - 1] if special_cum[e] != special_cum[e - 1] and text[e - 1] in blank_right
                        else 0.0):
                    if e >= n or not spaceless and (text[e] == " " or text[e - 1] == " "):  # the end, or spaces
                        if line_cost(s, _trim(text, s, e), avail, trim, False) is not None:
                            lasts.append((s, e, c, avail, trim, False))  # costed below
                            feasible = True
                        break
                    lc = line_cost(s, e, avail, trim, False)
                    if lc is None:
                        break
                    feasible = True
                    total = c + lc + (soft.get(e, 0.0) if soft else 0.0)
                    if total > bound:
                        break
                    if total + margin < bound:
                        bound = total + margin
                    if total < nxt.get(e, inf):
                        nxt[e] = total
                        came[e] = (s, e)
                    e = cand.find(1, e + 1, n + 1)
            # the natural fit and below, while letter-spacing stays within VERY_LOOSE
            e = cand.rfind(1, s + 1, e0 + 1)
            feasible = feasible or e > s
            while e > s:
                if not spaceless and (text[e] == " " or text[e - 1] == " "):  # (most paragraphs have none)
                    lasts.append((s, e, c, avail, trim, False))
                    e = cand.rfind(1, s + 1, e)
                    continue
                d = avail - (cum[e] - base)  # what the line is short of the measure
                if c + LOOSE_PENALTY > bound:  # then only a line spaced within LOOSE can be kept:
                    loose = LOOSE * (e - s - 1) + EPS  # not one short by more (even if gaps take ½ em)
                    if d > loose:
                        if unkerned:  # (most paragraphs: no gap or kerning anywhere)
                            gaps = 0 if spaceless else text.count(" ", s, e - 1)
                        else:
                            gaps = kern[s + 1:e]
                            gaps = len(gaps) - gaps.count(0.0) + text.count(" ", s, e - 1)
                        nb = bisect_left(bounds, e) - bisect_left(bounds, s + 1) if bounds else 0  # solid_bounds
                        if d - gaps * gap_room - (nb * SOLID_STRETCH if bounds else 0.0) > loose:
                            break
                lc = 0.0 if -EPS <= d <= EPS else line_cost(s, e, avail, trim, False)  # (solid: free)
                total = c + lc
                if total > bound:
                    break
                if soft and e in soft:
                    total += soft[e]
                if total <= bound:
                    if total + margin < bound:
                        bound = total + margin
                    if total < nxt.get(e, inf):
                        nxt[e] = total
                        came[e] = (s, e)
                if lc >= VERY_LOOSE_PENALTY:
                    break
                e = cand.rfind(1, s + 1, e)
            if not feasible:  # no legal break that fits (a word wider than the measure): cut it
                lasts.append((s, forced_end(p, s, max(e0, s + 1)), c, avail, trim, True))
        for s, e, c, avail, trim, forced in lasts:  # ends at spaces, the paragraph's end, forced cuts
            end = _trim(text, s, e)
            nx = e
            while nx < n and text[nx] == " ":
                nx += 1
            lc = line_cost(s, end, avail, trim, nx >= n)
            if lc is None:  # too wide even squeezed: only a forced cut may be
                if not forced:
                    continue
                lc = UNFILLED
            total = c + lc
            if soft and e in soft:
                total += soft[e]
            if nx >= n:
                if s > s0 and _lone(text, s, end):
                    total += LONE_LAST
                if total < best_final:
                    best_final, final = total, (len(back), s, end)
            elif total <= bound and total < nxt.get(nx, inf):
                nxt[nx] = total
                came[nx] = (s, e)
        back.append(came)
        if len(nxt) > 1:
            layer = sorted(zip(nxt.values(), nxt.keys()))[:BEAM]  # (cost, start): the pairs built in C
            floor = layer[0][0] + margin
            if layer[-1][0] > floor:
                layer = [node for node in layer if node[0] <= floor]
        else:
            layer = list(zip(nxt.values(), nxt.keys()))
    assert final is not None  # every start has a candidate end, and the last line always fits
    return best_final, _lines(p, back, final, measure, indent, s0, hung)


def _trim(text: str, s: int, e: int) -> int:
    while e > s + 1 and text[e - 1] == " ":
        e -= 1
    return e


def _lone(text: str, s: int, end: int) -> bool:
    """One character, or one followed by closing marks only (孤字不成行)."""
    return not text[s + 1:end].strip(_BLANK_RIGHT_CHARS)  # (empty when every character is a closing mark)


def _lines(p: PreparedText, back: list[dict[int, tuple[int, int]]], final: tuple[int, int, int],
           measure: float, indent: float, s0: int, hung: set[tuple[int, int]]) -> list[Line]:
    text, cum, n = p.text, p.cum, p.n
    k, s, end = final
    spans = [(s, end, n)] if end >= 0 else []  # (end -1: the path to a next line's start s)
    while k > 0:
        k -= 1
        prev, e = back[k][s]
        spans.append((prev, e, s))
        s = prev
    spans.reverse()
    out = []
    kern, adv, trim_opening, blank_left, spaceless = p.kern, p.adv, p.trim_opening, cjk.BLANK_LEFT, p.spaceless
    for s, e, nx in spans:
        end = e
        if not spaceless:
            while end > s and text[end - 1] == " ":
                end -= 1
        ind = indent if s == 0 else 0.0
        hang = HANG_WIDTH if hung and (s, e) in hung else 0.0  # set on the measure plus the hung half em
        trim = kern[s]  # PreparedText.start_trim, inlined (the same arithmetic)
        if trim_opening and text[s] in blank_left and adv[s] >= 0.99:
            trim += 0.5
        out.append(Line(s, end, nx, cum[end] - cum[s] - trim, measure - ind + hang, ind, nx >= n))
    return out

