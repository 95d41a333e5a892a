"""The cost of one justified line, as paragraph-wide breaking (totalfit.py) weighs it.

Why a module of its own: the cost mirrors, step by step, what `linebreak.line_runs` does to
set a line (compression in clreq's order, or stretch: a line-end mark back to full width,
Han–Latin gaps, solid boundaries, letter-spacing), and must stay in step with it; the
search that uses it is another matter.

- too wide: clreq compression (先挤进) — the line-end mark to half width, then brackets,
  commas, Han–Latin gaps and stops inside the line — cheap, proportional to the squeeze;
- too narrow: a line-end mark compressed against the next line's opening mark (，“) takes
  its full width (free), Han–Latin gaps and spaces widen up to ½ em (cheap); where digits
  are set solid, SOLID_FIRST em of letter-spacing, then the Han–digit/Latin boundaries up
  to SOLID_STRETCH (`SOLID_GAP_STRETCH`); then the remainder is letter-spacing, whose cost
  rises steeply: a strong penalty above `LOOSE` (0.05 em between ideographs), a
  prohibitive one above `VERY_LOOSE` (0.15 em) and a still larger one above `WORST`
  (0.25 em), which only a token wider than the line's slack forces.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable

from layout.text import cjk
from layout.text.linebreak import (
    EPS,
    HAN_LATIN_GAP,
    HAN_LATIN_MAX,
    NEARLY_FULL,
    SOLID_FIRST,
    SOLID_STRETCH,
    PreparedText,
)

LOOSE = 0.05  # em between ideographs: above this a line reads as letter-spaced
VERY_LOOSE = 0.15  # em: above this a line is a typographic fault
WORST = 0.25  # em: above this only a token wider than the slack may force a line
# costs, in demerits (a solid line costs 0)
SQUEEZE_PER_EM = 8.0  # punctuation compression inside a line (clreq allows it on any line)
GAP_STRETCH = 6.0  # Han–Latin gaps widened to the full ½ em (clreq expansion step ②)
SOLID_GAP_STRETCH = 30.0  # a solid Han–digit boundary opened the full ⅛ em: visible, as ⅛ em of
# letter-spacing would be, but between a number and its word rather than inside a word
SPACING = 60.0  # letter-spacing of LOOSE em; grows with its square
LOOSE_PENALTY = 600.0
VERY_LOOSE_PENALTY = 20_000.0
WORST_PENALTY = 1_000_000.0
UNFILLED = 10 * WORST_PENALTY  # a line that cannot reach the measure (nothing to space): ragged

_BLANK_RIGHT = cjk.BLANK_RIGHT


Coster = Callable[[int, int, float, float, bool], 'float | None']


def line_coster(p: PreparedText) -> Coster:
    """cost(s, end, avail, trim, last): the cost of setting [s, end) on `avail` em, None if it
    cannot be squeezed in.  A closure over the paragraph's arrays (locals are what make it
    cheap enough to call a few times per line).

    Mirrors `line_runs`: a line-end mark gives its whole half em first; then squeeze, or
    widen gaps and spaces to ½ em and letter-space the rest over the non-glued slots.
    """
    text, cum, shr, shr_cum, adv, fadv = p.text, p.cum, p.shr, p.shr_cum, p.adv, p.fadv
    special_cum, kern, count_glue, count = p.special_cum, p.kern, p.glue.count, text.count
    bounds = p.bounds
    unkerned, spaceless = p.unkerned, p.spaceless
    solid_room = SOLID_STRETCH
    blank_right = _BLANK_RIGHT
    room = HAN_LATIN_MAX - HAN_LATIN_GAP
    half_cost = 0.5 * SQUEEZE_PER_EM

    def cost(s: int, end: int, avail: float, trim: float, last: bool) -> float | None:
        d = avail - (cum[end] - cum[s] - trim)
        if last and d >= -EPS and not (d < NEARLY_FULL and end - s >= 6):
            return 0.0  # a last line is set flush left, as it is
        base = 0.0
        if d < -EPS:
            i = end - 1
            if text[i] in blank_right and adv[i] >= 0.99:  # ① the end mark gives ½ em, all of it
                d += 0.5
                base = half_cost
                if d < -EPS:
                    if -d > shr_cum[end] - shr_cum[s] - shr[i] - (shr[s] if trim else 0.0) + EPS:
                        return None
                    return base - d * SQUEEZE_PER_EM
            elif -d > shr_cum[end] - shr_cum[s] - (shr[s] if trim else 0.0) + EPS:
                return None
            else:
                return -d * SQUEEZE_PER_EM
        if d <= EPS:
            return base
        # stretch by d em: a line-end mark compressed against the opening mark after it takes
        # its full width again (free: a full-width mark at a line end is the norm), then gaps
        # and spaces up to ½ em, then letter-spacing
        i = end - 1
        if EPS < fadv[i] - adv[i] <= d + EPS and text[i] in blank_right:
            d -= fadv[i] - adv[i]
            if d <= EPS:
                return base
        slots = end - s - 1
        if special_cum[end] != special_cum[s + 1]:  # not ideographs only: gaps, glued clusters
            slots -= count_glue(1, s + 1, end)
            if unkerned:  # (most paragraphs: no gap or kerning anywhere)
                gaps = 0 if spaceless else count(" ", s, end - 1)
            else:
                gaps = kern[s + 1:end]
                gaps = len(gaps) - gaps.count(0.0) + count(" ", s, end - 1)  # (a kerned pair counts too)
            if gaps:
                each = d / gaps
                if each <= room:
                    return base + GAP_STRETCH * (each / room) ** 2
                base += GAP_STRETCH
                d -= room * gaps
            if bounds:  # digits set solid: letter-spacing up to SOLID_FIRST, then the
                # Han–digit/Latin boundaries up to SOLID_STRETCH, then letter-spacing again
                nb = bisect_left(bounds, end) - bisect_left(bounds, s + 1)
                if nb:
                    rest = d - (SOLID_FIRST * slots if slots > 0 else 0.0)
                    if rest > EPS:
                        each = rest / nb
                        if each > solid_room:
                            each = solid_room
                        base += SOLID_GAP_STRETCH * (each / solid_room) ** 2
                        d -= each * nb
        if slots <= 0:
            return base + UNFILLED
        tc = d / slots
        base += SPACING * (tc / LOOSE) ** 2
        if tc > LOOSE - EPS:  # (as the eye, and an audit, sees 0.05 em: loose)
            base += LOOSE_PENALTY
            if tc > VERY_LOOSE - EPS:
                base += VERY_LOOSE_PENALTY
                if tc > WORST - EPS:
                    base += WORST_PENALTY
        return base

    return cost
