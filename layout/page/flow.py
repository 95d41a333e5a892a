"""Pour a story's lines through a chain of text columns on the baseline grid.

In: a TextSetter (the story body), a cursor into it, column slots (x, first grid line,
number of lines, measure), fixed head/tail lines (上接 / 相关报道 lines) and an optional
jump line (下转) used only when text is left over.
Out: `Flow`: placed lines (slot, row) and the figures the fit report and overset
findings need.  Balancing (`balance: true`) finds the lowest common bottom line at
which the text still fits, by bisection over whole grid lines; the lines it leaves empty
below the balanced columns are reported as empty like any other (underset).
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.text.typeset import Cursor, TextLine, TextSetter


@dataclass(frozen=True)
class Slot:
    """One column of a story's frame: where its lines go on the grid."""

    x: float
    first: int  # first grid line (absolute on the page)
    last: int  # one past the last grid line
    width: float  # measure in pt

    @property
    def lines(self) -> int:
        return max(0, self.last - self.first)


# not frozen: built for every line or run set (~10^5 per edition), and a frozen dataclass is several times
# slower to construct (its __init__ goes through object.__setattr__); never mutated
@dataclass(slots=True)
class Placed:
    """One line set in a slot, at its grid line: what the display list is made from."""

    slot: int
    line: int  # absolute grid line
    x: float
    text: TextLine
    kind: str  # body | head | tail | jump


@dataclass(frozen=True)
class Flow:
    """A story's body poured into its slots: the lines placed, and what did not fit."""

    placed: tuple[Placed, ...]
    end: Cursor
    done: bool  # all body text set
    jumped: bool  # text left over went to the jump target
    lines_set: int
    chars_set: int
    overset_lines: int = 0
    overset_chars: int = 0
    capacity: int = 0
    empty_after: int = 0  # line slots left empty (after the last line; below balanced columns)


def _chars(lines: list[TextLine]) -> int:
    """Characters the lines set, spaces not counted: their runs' text joined and counted in C
    (one call per flow, not one per line)."""
    text = "".join([r.text for ln in lines for r in ln.runs])
    return len(text) - text.count(" ")


def _fill(setter: TextSetter, start: Cursor, slots: list[Slot], caps: list[int], head: list[TextLine],
          tail: list[TextLine]) -> tuple[list[Placed], Cursor, bool, bool, list[int]]:
    placed: list[Placed] = []
    used = [0] * len(slots)
    cur = start
    pending_head = list(head)
    body_done = cur.para >= len(setter.paragraphs)
    pending_tail = list(tail)
    for k, slot in enumerate(slots):
        free = caps[k]
        while free > 0 and pending_head:
            placed.append(Placed(k, slot.first + used[k], slot.x, pending_head.pop(0), "head"))
            used[k] += 1
            free -= 1
        if free > 0 and not body_done:
            lines, cur = setter.lines(cur, slot.width, free)
            first, x, row = slot.first, slot.x, used[k]
            for ln in lines:  # an intertitle's lines take `rows` grid lines together (typeset.py)
                placed.append(Placed(k, first + row, x, ln, "body"))
                row += ln.rows
            free -= row - used[k]
            used[k] = row
            body_done = cur.para >= len(setter.paragraphs)
        while free > 0 and body_done and pending_tail:
            placed.append(Placed(k, slot.first + used[k], slot.x, pending_tail.pop(0), "tail"))
            used[k] += 1
            free -= 1
    return placed, cur, body_done, not pending_tail and not pending_head, used


def _even_out(setter: TextSetter, start: Cursor, slots: list[Slot], caps: list[int], head: list[TextLine],
              tail: list[TextLine], best: tuple) -> tuple:
    """Balanced columns filled in order leave the last one short by up to columns - 1 lines
    (19, 19, 17): move lines from earlier columns onward, one at a time from the right,
    while the text still fits, so that no column ends more than a line above another."""
    caps = caps[:]
    for _ in range(len(slots) * 2):
        used = best[4]
        if max(used) - min(used) <= 1:
            break
        moved = False
        for k in range(len(slots) - 2, -1, -1):
            if used[k] - used[-1] > 1 and caps[k] > 0:
                trial = caps[:]
                trial[k] = used[k] - 1
                got = _fill(setter, start, slots, trial, head, tail)
                if got[2] and got[3]:
                    caps, best, moved = trial, got, True
                    break
        if not moved:
            break
    return best


def pour(setter: TextSetter, start: Cursor, slots: list[Slot], head: list[TextLine] | None = None,
         tail: list[TextLine] | None = None, jump: TextLine | None = None, balance: bool = False) -> Flow:
    head, tail = head or [], tail or []
    caps = [s.lines for s in slots]
    capacity = sum(caps)
    placed, cur, done, extras, used = _fill(setter, start, slots, caps, head, tail)
    jumped = False
    if not done and jump is not None and slots:
        # keep the last line of the last slot with room for the jump line
        caps2 = caps[:]
        k = max(i for i, c in enumerate(caps2) if c > 0) if any(caps2) else len(caps2) - 1
        caps2[k] -= 1
        placed, cur, done, extras, used = _fill(setter, start, slots, caps2, head, [])
        placed.append(Placed(k, slots[k].first + used[k], slots[k].x, jump, "jump"))
        used[k] += 1
        jumped = True
    elif done and extras and balance and len(slots) > 1:
        lo = min(s.first for s in slots)
        hi = max(s.last for s in slots)
        best = None
        while lo < hi:
            mid = (lo + hi) // 2
            caps_b = [max(0, min(s.last, mid) - s.first) for s in slots]
            pb, cb, db, eb, ub = _fill(setter, start, slots, caps_b, head, tail)
            if db and eb:
                best = (pb, cb, db, eb, ub)
                hi = mid
            else:
                lo = mid + 1
        if best is None:
            caps_b = [max(0, min(s.last, lo) - s.first) for s in slots]
            best = _fill(setter, start, slots, caps_b, head, tail)
        else:
            best = _even_out(setter, start, slots, [max(0, min(s.last, hi) - s.first) for s in slots], head, tail,
                             best)
        placed, cur, done, extras, used = best
    body = [p for p in placed if p.kind == "body"]
    chars = _chars([p.text for p in body])
    over_lines = over_chars = 0
    if not done and not jumped:
        last_width = slots[-1].width if slots else 100.0
        over_lines = setter.count_lines(cur, last_width) + len(tail)
        over_chars = _remaining_chars(setter, cur)
    elif not extras:
        over_lines = len(tail) + len(head)
    # every line slot left empty when all the text is set: after the last line, and for a
    # balanced story also below its balanced columns (a hole all the same)
    empty_after = capacity - sum(used) if done and not jumped and any(used) else 0
    return Flow(tuple(placed), cur, done, jumped, sum(p.text.rows for p in body), chars, over_lines, over_chars,
                capacity, empty_after)


def fits_whole(setter: TextSetter, start: Cursor, slots: list[Slot], head: list[TextLine] | None = None,
               tail: list[TextLine] | None = None) -> bool:
    """Whether all of the text (head, body, tail) goes into `slots` without jumping: what
    the fit search (fit.py) asks of each trial height.  Sets at most the slots' lines and,
    unlike `pour`, never counts the lines left over, so a probe costs no more than the frame."""
    head, tail = head or [], tail or []
    _, _, done, extras, _ = _fill(setter, start, slots, [s.lines for s in slots], head, tail)
    return done and extras


def _remaining_chars(setter: TextSetter, cur: Cursor) -> int:
    paras = setter.paragraphs
    if cur.para >= len(paras):
        return 0
    n = len(paras[cur.para][cur.offset:].replace(" ", ""))
    return n + sum(len(p.replace(" ", "")) for p in paras[cur.para + 1:])
