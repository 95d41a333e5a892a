"""Fit figures in the manifest's units: the `lines:` value that would fit a story.

Why this module: a frame's `lines:` counts grid lines, but a story sets text lines in
several text columns under a headline stack, beside in-story photos, after a separating
rule and with jump lines.  "11 more lines" of text in a 3-column frame is about 4 grid
lines of `lines:`; a desk that adds 11 is left with a hole.  So every fit figure shown to
a user is the `lines:` value that fits and its difference from the present one, found by
pouring the story's text into frames of k lines (flow.pour) until the least k that takes
all of it is known.  Line breaks depend on the column measure only, never on the frame's
height, so the search pours the same lines again and never re-breaks a paragraph for a
new height; a vertical headline, whose strip width does depend on the height, is probed by
composing the story again (story.py).

The search runs only for a story that does not fit (overset, or at least one grid line of
`lines:` to spare): for the rest the present value is the least by capacity alone.

Plain functions and a plain dataclass, so that tools (`layout fit`, `layout check --fit`,
the fit report) read the same figures the build reports.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from layout.model.edition import Frame
from layout.page.flow import Flow, Slot, fits_whole
from layout.page.keys import StoryKey
from layout.text.typeset import Cursor, TextLine, TextSetter

MAX_SEARCH_LINES = 2000  # far past any grid: a story that needs more is reported as needing this many


@dataclass(frozen=True)
class StoryFit:
    """One story entry's fit.  The *_lines counts of text (capacity_lines, lines_set,
    overset_lines, underset_lines) are TEXT lines summed over the text columns; the
    manifest's unit is `frame.lines` (grid lines) and `lines_fit` is the `lines:` value
    that would set the whole text with no grid line to spare."""

    story: StoryKey
    page: str
    frame: Frame
    continued_from: str
    jump_to: str
    columns: int  # text columns
    capacity_lines: int
    lines_set: int
    chars_total: int
    chars_set: int
    overset_lines: int
    overset_chars: int
    underset_lines: int
    headline: str = ""
    lines_fit: int = 0  # the `lines:` that fits (== frame.lines when it fits already or the story jumps)
    line_chars: int = 0  # characters in one full text line (the column measure in em)

    @property
    def lines_change(self) -> int:
        """What to add to `lines:` (negative: grid lines to spare)."""
        return self.lines_fit - self.frame.lines

    @property
    def chars_room(self) -> int:
        """About how many characters the empty text lines would take."""
        return self.underset_lines * self.line_chars


def needed_frame_lines(fit: StoryFit) -> int:
    """The frame's `lines:` value that fits the story (what `layout fit` would write)."""
    return fit.lines_fit


def signed(n: int) -> str:
    """+4, −3, ±0 (a true minus sign, as the desk reads it)."""
    return f"+{n}" if n > 0 else (f"−{-n}" if n < 0 else "±0")


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 line', '2 lines'."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def lines_advice(current: int, needed: int) -> str:
    """`lines: 28 → 32 (+4)`."""
    return f"lines: {current} → {needed} ({signed(needed - current)})"


def fit_advice(fit: StoryFit) -> str:
    """The fix in the manifest's units: the `lines:` that fits, or the characters to cut or add."""
    if fit.overset_lines:
        return f"make it {lines_advice(fit.frame.lines, fit.lines_fit)}, or cut ≈ {fit.overset_chars} 字"
    if fit.lines_change < 0:
        return f"make it {lines_advice(fit.frame.lines, fit.lines_fit)}, or add ≈ {fit.chars_room} 字"
    return "fits"


def fit_chars(fit: StoryFit) -> int:
    """Characters to cut (negative) or that there is room for (positive): the table's ±字."""
    if fit.overset_lines:
        return -fit.overset_chars
    return fit.chars_room


def severity_key(fit: StoryFit) -> tuple:
    """Sort key, worst first: overset before underset, then by grid lines, then characters."""
    rank = 0 if fit.overset_lines else 1 if fit.lines_change < 0 else 2
    return (rank, -abs(fit.lines_change), -abs(fit_chars(fit)), fit.page, str(fit.story))


# -- finding the least `lines:` ------------------------------------------------------------

def capacity_at(tops: list[int], frame_top: int, k: int) -> int:
    """Text lines that text columns starting at grid lines `tops` hold in a frame of k lines."""
    bottom = frame_top + k
    return sum(max(0, bottom - t) for t in tops)


def least_by_capacity(tops: list[int], frame_top: int, lines_needed: int, lo: int) -> int:
    """The least k >= lo whose columns hold `lines_needed` text lines (the first guess)."""
    low, high = max(lo, 1), MAX_SEARCH_LINES  # capacity grows with k: bisect
    if capacity_at(tops, frame_top, low) >= lines_needed:
        return low
    while high - low > 1:  # low holds too few, high enough (or the search's limit)
        mid = (low + high) // 2
        if capacity_at(tops, frame_top, mid) >= lines_needed:
            high = mid
        else:
            low = mid
    return high


def least_fitting(fits: Callable[[int], bool], guess: int, lo: int) -> int:
    """The least k >= lo with fits(k), for fits monotone in k, searched from a guess that
    is usually right: one probe either side of it, galloping when it is not."""
    guess = max(guess, lo)
    if fits(guess):
        hi = guess  # fits; find the least below it
        step = 1
        low = guess - 1
        while low >= lo and fits(low):
            hi = low
            step *= 2
            low = hi - step
        low = max(low, lo - 1)  # low does not fit (or is below lo)
    else:
        low = guess  # does not fit; find one that does above it
        step = 1
        hi = guess + 1
        while not fits(hi):
            if hi >= MAX_SEARCH_LINES:
                return MAX_SEARCH_LINES
            low = hi
            step *= 2
            hi = min(hi + step, MAX_SEARCH_LINES)
    while hi - low > 1:  # low fails, hi fits
        mid = (low + hi) // 2
        if fits(mid):
            hi = mid
        else:
            low = mid
    return hi


@dataclass
class Reflow:
    """A story's body as poured into its frame: what it takes to pour it into a frame of
    another height (the slots' x, first line and measure stay; only the bottom moves)."""

    setter: TextSetter
    start: Cursor
    slots: list[Slot]
    head: list[TextLine]
    tail: list[TextLine]
    jump: TextLine | None
    frame_top: int

    def fits(self, k: int) -> bool:
        bottom = self.frame_top + k
        slots = [Slot(s.x, s.first, bottom, s.width) for s in self.slots]
        return fits_whole(self.setter, self.start, slots, self.head, self.tail)


def frame_lines_for(flow: Flow, frame: Frame, tops: list[int], min_lines: int,
                    fits: Callable[[int], bool], grid_lines: int = MAX_SEARCH_LINES) -> int:
    """The `lines:` value that fits a story poured as `flow` into `frame` (text columns
    starting at grid lines `tops`; `min_lines` keeps the headline stack and in-story photos
    inside the frame).  A story that jumps fits any height: its present value is kept.  A
    story that would run past the grid's `grid_lines` is given the value by capacity alone
    (no frame on the page can hold it; the advice is to cut), so a runaway text costs no
    trial pours."""
    if flow.jumped:
        return frame.lines
    stream = len(flow.placed) + flow.overset_lines  # every line it sets: head, body, tail
    guess = least_by_capacity(tops, frame.top, stream, min_lines)
    if not flow.overset_lines and guess >= frame.lines:
        return frame.lines  # fits, and one grid line less holds too few lines: nothing to search
    if frame.top + guess > grid_lines + 1:
        return guess
    return least_fitting(fits, guess, max(min_lines, 1))


# -- the fit table (`layout check --fit`) ------------------------------------------------

def _width(text: str) -> int:
    """Columns a terminal gives `text` (CJK characters take two)."""
    from unicodedata import east_asian_width

    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def fit_status(fit: StoryFit) -> str:
    if fit.overset_lines:
        return "overset"
    if fit.jump_to:
        return f"jumps to {fit.jump_to}"
    if fit.lines_change < 0:
        return "underset"
    return "fits"


def fit_rows(fits: list[StoryFit], findings: list = ()) -> list[tuple[str, ...]]:
    """One row per story entry (and per box that does not fit, from its findings), worst
    first: page, story, frame, text columns, `lines:` now → the value that fits, the
    change, characters to cut (−) or room for (+), status."""
    keyed = []
    for f in fits:
        fr = f.frame
        keyed.append((severity_key(f), (f.page, str(f.story), f"col {fr.col} span {fr.span} top {fr.top} lines {fr.lines}",
                                        str(f.columns), f"{fr.lines} → {f.lines_fit}", signed(f.lines_change),
                                        signed(fit_chars(f)) + " 字", fit_status(f))))
    for f in findings:
        d = f.data
        if f.code in ("overset", "underset") and "box" in d:
            change = int(d["lines_change"])
            chars = -int(d.get("chars_left", 0)) if f.code == "overset" else 0
            keyed.append(((0 if f.code == "overset" else 1, -abs(change), -abs(chars), str(d["page"]), d["box"]),
                          (str(d["page"]), f"{d['box']} (box)", str(d.get("frame", "")), "1",
                           f"{d['lines']} → {d['lines_fit']}", signed(change), signed(chars) + " 字", f.code)))
    keyed.sort(key=lambda kr: kr[0])
    return [r for _, r in keyed]


TABLE_HEAD = ("page", "story", "frame", "cols", "lines:", "±lines", "±字", "")


def fit_table(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows (fit_rows) as aligned text lines under a header."""
    table = [TABLE_HEAD, *rows]
    widths = [max(_width(r[i]) for r in table) for i in range(len(TABLE_HEAD))]
    right = {3, 5, 6}
    return ["  ".join(_pad(c, widths[i], i in right) for i, c in enumerate(r)).rstrip() for r in table]
