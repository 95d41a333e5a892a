"""The guides of a tagged page: invisible one-point glyphs above and below each story, box
and caption, which give poppler's reading-order sort the blocks "between" that it needs
(readorder.py says why, and what else a tagged page adds).

Poppler reads a block left of another first, however far below it, unless a block lies
between them (below the one, above the other, overlapping both); and a block above
another that overlaps it first.  A guide is such a block: it bounds a story, reaches
through its neighbours where it splits none of them (`_reach_right`, `_reach_left`), and
joins the guides of a row of stories that end on one line (`_joined`).
"""

from __future__ import annotations

import math
from typing import Iterable

from reportlab.lib.rl_accel import fp_str

from layout.fonts.embed import NARROW
from layout.fonts.halfforms import GUIDE
from layout.page.display import GlyphRun

COLUMN_ROLES = frozenset(("intertitle", "jump"))  # lines set in a text column besides its body (a guide's reach)
GUIDE_SIZE = 1.0  # pt: far from any text size, so that a guide joins no block
GUIDE_GAP = 1.0  # pt between a guide and the text it bounds
GUIDE_WIDEN = (1.5, 2.5)  # pt a guide reaches past its box's left and right edges (within a 1 em gutter)
GUIDE_JOIN = 12.0  # pt: guides under boxes ending on one line join across gaps narrower than this (a gutter)
GUIDE_STAGGER = 3.0  # pt between neighbouring boxes' guides' heights (more than a guide is tall; 2.5-4 best)
CAPTION_TOP_INSET = 1.0  # pt: the guide above a caption starts this far right of its left edge (not the left-most
# word of its rows, see guide_ops; more than poppler's 0.7 x the guide's size, which would line the edges up)


def _reach_right(boxes: dict[str, list[float]], owner: str, x1: float, y: float, plain: dict[str, float],
                 captions: frozenset[str], starts: dict[str, float] | None = None,
                 pictures: Iterable[list[float]] = ()) -> float:
    """How far right the guide above `owner` (ending at `x1`, baseline `y`) reaches: on
    through each box beside it that spans its height, sets nothing but its columns below
    it (`plain_ends`) and whose columns all start above it (`starts`: the top of each
    story's lowest-starting column), stopping at the first that does not; and on through
    each picture beside it that spans its height and stands in no story (`pictures`).
    Such a box's columns (a picture's pane) are each one block from above the guide to
    its foot, read before the guide; the story under the guide, left of them, is then read
    after them, not first (poppler reads a block left of another first unless a block
    lies between).
    The next box beside may stand across a gap (a box's white, an empty column): the
    guide crosses it to reach that box's columns.  Poppler's "left of" has no bound in
    height: a column low on the left is read before a column at the top right unless a
    block lies between, and where the guides under the left story stopped at the gap, a
    chain of guides above and below made that column both before and after the
    right-hand story's first column: its columns were read apart (prose editions with
    jumps, filler editions: 20 more stories whole, none fewer).  Where nothing stands
    beside at the guide's height, it stops at its own box."""
    starts = starts or {}
    pictures = [("", p) for p in pictures]
    while True:
        beside = [(v, o) for o, v in [*boxes.items(), *pictures] if o != owner and x1 - GUIDE_WIDEN[1] - 0.01 <= v[0]
                  and v[1] < y - GUIDE_SIZE and v[3] > y]
        if not beside:
            return x1
        v, o = min(beside, key=lambda t: t[0][0])
        if o and (o in captions or plain.get(o, -math.inf) > y - GUIDE_SIZE
                  or starts.get(o, -math.inf) > y - GUIDE_SIZE):
            return x1
        x1 = v[2] + GUIDE_WIDEN[1]


def _reach_left(boxes: dict[str, list[float]], owner: str, x0: float, y: float, plain: dict[str, float],
                captions: frozenset[str], starts: dict[str, float], pictures: Iterable[list[float]] = ()) -> float:
    """How far left the guide above `owner` (starting at `x0`, baseline `y`) reaches: as
    `_reach_right`, through each box beside it on the left (across a gap, too) whose
    columns all start above the guide and that sets nothing but body text below it, and
    through pictures."""
    pictures = [("", p) for p in pictures]
    while True:
        beside = [(v, o) for o, v in [*boxes.items(), *pictures] if o != owner
                  and v[2] <= x0 + GUIDE_WIDEN[0] + 0.01 and v[1] < y - GUIDE_SIZE and v[3] > y]
        if not beside:
            return x0
        v, o = max(beside, key=lambda t: t[0][2])
        if o and (o in captions or o not in starts or plain.get(o, -math.inf) > y - GUIDE_SIZE
                  or starts[o] > y - GUIDE_SIZE):
            return x0
        x0 = v[0] - GUIDE_WIDEN[0]


def _joined(bottoms: list[tuple[float, float, float, float, str, float]]) -> list[tuple[int, int]]:
    """The runs of guides under boxes (bottom, x0, x1, y, ...; sorted) that are one guide, as
    (first, last) indices: those of side-by-side boxes that end on the same line, joined at
    the height of the left-most's: a row of stories read before the row under it.  Poppler
    reads a block left of another first unless a block lies between them, below the one
    and above the other: a story's right column, above a story under its left neighbour,
    was read after that lower story."""
    out = []
    i = 0
    while i < len(bottoms):
        j = i
        while j + 1 < len(bottoms) and bottoms[j + 1][0] == bottoms[i][0] \
                and bottoms[j + 1][1] - bottoms[j][2] < GUIDE_JOIN:
            j += 1
        out.append((i, j))
        i = j + 1
    return out


def guide_ops(boxes: dict[str, list[float]], b: float, top: float, resource: str, space_em: float,
              captions: frozenset[str] = frozenset(), bridged: list[tuple[float, float, float, float, str]] = (),
              titled: frozenset[str] = frozenset(), plain: dict[str, float] | None = None,
              starts: dict[str, float] | None = None, pictures: list[list[float]] = ()) -> list[str]:
    """The content operators of the page's guides (an artifact, one BT/ET): for each box a
    guide `GUIDE_GAP` above its top and one below its bottom, from its left edge to its
    right; `b`, `top` map display coordinates to the page's; `resource` is the face's
    resource name (/Lsong), `space_em` its space glyph's advance in em.  The guide under a
    caption (`captions`: their owners) is not staggered: it must lie between the caption
    and the columns under it, the block that stops poppler reading a column left of the
    caption's right part (a credit) before that part.  The guides under side-by-side boxes
    that end on one line are one guide (`_joined`), drawn at the left-most's height, and its
    right end reaches on (`_reach_right`) as far as it may at that height: the right-most's
    own guide, staggered lower, had reached through a story whose columns start between the
    two heights, and the joined guide then lay above them and under the column beside them
    (a story read with its column beside its photo first: filler edition 4).  A story's
    guides, above and below it, reach left and right through the neighbours they may cross,
    each at its own height (`_reach_right`, `_reach_left`; the guide below once took the
    reach of the guide above, and crossed a story beside it between its column by a photo
    and those under the photo).  A box with a title (`titled`: their
    owners) has no guide above it: its title, bridged across the box, is that fence, while
    a guide there, with nothing beside it at its height, was widened by poppler over the
    column next to the box and read that column's lower part after the box.  The guide above
    a caption starts `CAPTION_TOP_INSET` right of its left edge: poppler starts each block at
    the left-most word of four 4-pt rows of baselines, from the top-most row with words left;
    the guide, left of the caption, started a block of its own, the next rows began at the
    caption's, and a neighbour's head beside it, a little lower and further left, started
    first and took the caption into its block (a block takes the words on its lines within
    0.7 of its size sideways and 60 % of its size: a 22 pt head takes a 9 pt caption), then
    through its bridge the first line of the columns under it (a generated prose edition,
    seed 120).  With the guide right of the caption's left edge, the caption starts the
    block of the guide's rows, which end above a head whose baseline is more than 3 rows
    below the guide's.  `bridged`: the caption lines'
    blanks (`bridges`), each an invisible glyph at the caption's size and vertical scale."""
    if not boxes:
        return []
    advance = (space_em * 1000 - NARROW) / 1000  # the guide glyph's /W advance, em
    code = "<" + GUIDE.encode("utf-16-be").hex() + ">"
    ops = ["/Artifact <</Type /Pagination>> BDC BT 3 Tr 0 Tc", f"{resource} {fp_str(GUIDE_SIZE)} Tf"]
    guides: list[tuple[float, float, float]] = []  # x0, x1, y (the baseline, display coordinates)
    bottoms: list[tuple[float, float, float, float, str, float]] = []  # bottom, x0, x1, y, owner, box's x1
    for k, (x0, y0, x1, y1, owner) in enumerate(sorted([*v, o] for o, v in boxes.items())):
        # a little wider than the box, unevenly, and neighbours' guides at staggered heights:
        # poppler takes four blocks whose edges line up (within 0.3 of the smallest's size)
        # for a table's cells and reads a table by rows; guides must never line up so
        x0, x1, lift = x0 - GUIDE_WIDEN[0], x1 + GUIDE_WIDEN[1], (k % 3) * GUIDE_STAGGER
        reach = plain is not None and owner not in captions
        if owner not in titled:
            y, left, right = y0 - GUIDE_GAP - lift, x0, x1
            if owner in captions:
                left = x0 + GUIDE_WIDEN[0] + CAPTION_TOP_INSET
            if reach:
                right = _reach_right(boxes, owner, x1, y, plain, captions, starts, pictures)
                left = _reach_left(boxes, owner, x0, y, plain, captions, starts or {}, pictures)
            guides.append((left, right, y))
        if owner in captions:
            guides.append((x0, x1, y1 + GUIDE_GAP + GUIDE_SIZE))
        else:
            y = y1 + GUIDE_GAP + GUIDE_SIZE + lift
            right = _reach_right(boxes, owner, x1, y, plain, captions, starts, pictures) if reach else x1
            left = _reach_left(boxes, owner, x0, y, plain, captions, starts or {}, pictures) if reach else x0
            bottoms.append((round(y1 * 2) / 2, left, right, y, owner, x1))
    bottoms.sort()
    for i, j in _joined(bottoms):
        y, right = bottoms[i][3], bottoms[j][2]
        if j > i and plain is not None and bottoms[j][2] > bottoms[j][5]:  # it reached at its own height: at y?
            right = _reach_right(boxes, bottoms[j][4], bottoms[j][5], y, plain, captions, starts, pictures)
        guides.append((bottoms[i][1], right, y))
    for x0, x1, y in guides:
        scale = fp_str((x1 - x0) / (advance * GUIDE_SIZE) * 100)
        ops.append(f"{scale} Tz 1 0 0 1 {fp_str(b + x0, top - y)} Tm {code} Tj")
    size = GUIDE_SIZE
    for x0, x1, y, at, vscale in bridged:
        if at != size:
            ops.append(f"{resource} {fp_str(at)} Tf")
            size = at
        scale = fp_str((x1 - x0) / (advance * at) * 100)
        ops.append(f"{scale} Tz 1 0 0 {vscale} {fp_str(b + x0, top - y)} Tm {code} Tj")
    ops.append("100 Tz 0 Tr ET EMC")
    return ops


def plain_ends(runs: Iterable[GlyphRun]) -> dict[str, float]:
    """Per owner, where its last line that is not part of a text column ends (`_reach_right`
    reaches through an owner only above that).  Body text is part of its column, and so is
    an intertitle set in one: the column's fences make it one block with the body around
    it, and a guide beside it no longer splits the column (it used to stop there, and the
    story under the guide was read before the columns beside it: 2 of 392 stories).  So is
    a jump line set in a column (（下转第三版）: the body's size, one block with the column).
    A vertical head counts down to its first cell only: its cells are an em apart, one block
    from there down, which a guide under that cell crosses without splitting (counted down to
    its last cell, it stopped the guides of the stories left of it, and a story low on the
    left was read before a caption above the head and, through it, before the next story's
    first column: filler edition 30)."""
    plain: dict[str, float] = {}
    tops: dict[str, float] = {}  # per owner, the foot of its vertical head's first cell
    for r in runs:
        if r.story and r.vertical:
            tops[r.story] = min(tops.get(r.story, math.inf), r.y + r.size)
        elif r.story and not (r.role == "body" or (r.role in COLUMN_ROLES and r.col >= 0)):
            plain[r.story] = max(plain.get(r.story, -math.inf), r.y + r.size)
    for owner, top in tops.items():
        plain[owner] = max(plain.get(owner, -math.inf), top)
    return plain
