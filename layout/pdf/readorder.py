"""Reading order for layout-analysis text extractors: what a tagged edition adds to its pages.

Tag-aware readers take the reading order from the structure tree (tagging.py).  Most
archive pipelines do not: they run poppler's `pdftotext` (or a tool built on it) in its
default mode, which rebuilds blocks and their order from glyph geometry alone.  Two
things make a broadsheet page defeat that analysis, and this module answers both without
moving a glyph of the print:

* **Our grid sits exactly on poppler's thresholds.**  Lines of one block may be 1.5 em
  apart (13.5 pt at 9 pt: our pitch) and a column gap must be wider than 1 em (our
  gutter).  Whether two equal floating-point numbers compare as less or more then decides,
  line by line, whether a column breaks into pieces or fuses with its neighbour.  So, in a
  tagged edition only:
  - text is drawn 1.00001 times as tall (`LIFT`): poppler reads the size from the text
    matrix, so a 13.5 pt pitch falls 0.000135 pt inside its limit (positions are written
    to 7 significant digits, ±0.00005 pt);
  - every glyph's /W width is a thousandth of an em under its advance (fonts/embed.py
    `NARROW`: one unit, within PDF/A's tolerance of one; pdfium reads widths as whole
    units) and the character spacing gives it back, so each glyph stands where it stood
    while poppler's box for it (advance without character spacing) ends 0.009 pt short:
    a gutter reads as wider than 1 em.
  Neither moves a glyph: origins are the same to 10^-4 pt, outlines 10^-5 taller.
* **Geometry alone cannot say where a story ends.**  Poppler orders blocks by T. Breuel's
  rules: above-and-overlapping first, then left-of, unless a block lies between.  A story
  whose columns reach further right than the story under its left half is therefore read
  as: its left columns, the story below, then its right columns.  A reader sees the
  boundary in the white space and the rules between stories, which an extractor ignores.
  So each story, box and caption gets two **guides**, at the top and the bottom of what it
  sets on the page, as wide as that: one invisible glyph (text render mode 3, the face's
  blank space glyph stretched by horizontal scaling) marked as a pagination artifact,
  1 pt tall so that it joins no block, reading as U+1680 (whitespace to every Unicode-aware
  consumer, not to poppler, which keeps it as a block).  A guide is then the block
  "between" that rule 2 asks for.  Guides reach a little past their box, unevenly, and
  neighbours' guides are staggered: four blocks whose edges line up are a table to
  poppler, read by rows.

* **A caption is the top of the block under it.**  Poppler starts a block at the left-most
  of the topmost lines and adds each line up to 1.5 em below that overlaps it: a caption
  set on the grid, one pitch above the columns under its photo, took their first lines
  (two columns' lines then read as one line), and a credit set flush right was taken, from
  below, into the column under it and read between that column and the one before.  So a
  caption's text is drawn 0.99999 times as tall (`SINK`: the line 13.5 pt below falls
  0.00014 pt outside its block), each caption line's blanks from its photo's left edge to
  its right get an invisible **bridge** (the guide glyph at the caption's size), which
  makes the line one line as wide as the photo and the first block to start there, and
  the guide under a caption lies between it and the columns (not staggered).  The guide
  above a caption starts right of its left edge: poppler starts a block at the left-most
  word of a few rows of lines, and the guide, left-most, started one of its own; then a
  neighbour's head a little lower on the left started first and took the caption and,
  through its bridge, the first line of the columns under it (a block takes the words on
  its lines within 0.7 of its size sideways and 60 % of its size).  With it and a short
  column's bracket trimmed into the gutter found from the column before (halfmarks.py):
  prose editions 101-120, 1,289 -> 1,291 of 1,292 stories whole (jump and filler editions
  unchanged).

* **Rows and heads.**  Poppler reads a block left of another first unless a block lies
  between them (below the one, above the other), and widens a block sideways over any
  block below it up to its neighbour at the same height.  So the guides under side-by-side
  stories that end on one line are one guide (a row of stories before the row under it),
  and each head line (kicker, headline, subhead, a box's title, a jumped story's
  continuation head) is bridged like a caption line, to half an em inside its story's
  or box's box (its frame, where the text leaves the frame's last column empty): the
  head is then a block as wide as its story, which stops a neighbour's head being
  widened over this story's last column (a continuation head centred over more than
  its columns, its block's edge where no column's edge lies, let the head of a story far
  above it be widened over that story's last column); a titled box needs no guide above
  it.  Where rows do not line up, a story under the left part of
  another is read before that story's right columns unless a block lies between: a
  story's guides reach right, and left, through each neighbour beside them (across a
  gap, a box's white, too: poppler's "left of" has no bound in height) whose columns
  all start above the guide and that sets nothing below it but its columns (body text,
  intertitles, jump lines, a vertical head: single blocks above the guide), and stops at
  one that does (a caption, a credit, a column starting under a photo: the guide would
  split the story, its column beside the photo read before the ones under it).  A column
  starts where poppler's block does, at its glyph tops, 0.88 em above its first baseline;
  a joined guide reaches as far as it may at the height it is drawn at, the left-most's.
  (Filler editions 1-6 and 11-34: 1,937 -> 1,939 of 1,940 whole with these two rules.)

* **A column is one block.**  Poppler widens a block over the blocks below it up to its
  neighbour at the same height, and reads a block left of another first unless a block
  lies between.  Where a story's last column ends above the lower part of the column
  before it (under an intertitle or a photo), that part was widened over the empty foot,
  and the short column, then above it, was read first; where a byline stands on its own
  line over a story's first column, the next story's byline beside it was widened over
  this story's other columns and read before them; an intertitle (another size) split
  its column into three blocks, and a head on the left at their height was read between
  them; an intertitle heading a column below the story's first line (the other columns
  beside it) was a block of its own, widened over a photo's blank beside it and read
  before the columns under the photo, or read before its body with the next column
  between; a column opening the story with an intertitle beside the story's photo (its
  byline over the photo) started a line under the byline, and a neighbour's guide at the
  byline's height was widened over the photo and read before it and the column under it.
  So invisible lines at the body's size and pitch (`fences`) carry each column down to
  its story's deepest line, up beside such a byline (counted from the column's fenced
  top), through its intertitles and up from an intertitle at its head to the story's
  first line (not over a photo or another owner's text), or at least to the grid line
  over it: the column is one block, intertitles included.  Real text with intertitles
  set short of its frames (tests/support/irregular.py, `prose=True`): 272 -> 372 of 392 stories whole
  (session 8).  Then, with the reach and head rules above and short columns' marks
  (page/halfmarks.py): 12 prose editions 710 -> 744 of 758; filler editions 387 -> 394
  of 397 and 1,496 -> 1,529 of 1,543; with the fences over an intertitle heading a
  column, 744 -> 747 of 758 (filler editions unchanged).  (Session 10: with the fences up
  to the grid line over an intertitle opening the story and bridged continuation heads,
  prose 101-112 757 -> 758 of 758, jump editions 201-208 489 -> 490 of 490.)

* **A picture is a block.**  A photo (a raster ad) is blank to poppler, which widens a
  block over the blocks below it up to its neighbour at the same height: a column or an
  intertitle beside a photo was widened over it, onto its caption and the columns under
  it, and, starting higher, read before them (a column of the story across the photo;
  the intertitle heading a column beside it).  So each picture gets a **pane**: invisible
  3 pt lines filling it, one block that joins no other and stops the widening at its
  edge.  A guide reaches through a picture that stands in no story as through plain
  columns (poppler had widened guides over the blank picture).  With the column tops
  above: 12 prose editions 744 -> 756 of 758; filler 394 -> 396 of 397, 1,529 -> 1,535.

With the punctuation forms that keep glyph boxes out of the gutters (page/halfmarks.py),
225 of the sample's 226 stories come out of `pdftotext` whole (11 without), and all 295
of the 36-page benchmark edition's.  The one left is the jumped story: each of its two
parts is whole, on two pages with the pages between them.  All rules together
(benchmarks/readorder.py, session 10): 36 generated prose editions 2,314 of 2,314
stories whole (seeds 121-136 never looked at while the rules were made); 6 irregular
filler editions 397 of 397; 16 prose editions with four jumps each 976 of 980 (three of
the four stand next to a continuation left with no text, which the build warns of:
empty_continuation).  What is known to break it: a headline (14 pt and up) that ends
within 0.7 of its size of a neighbour's head or line, their baselines within half its
size, is one line with it to poppler, which builds blocks before any guide counts.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Callable, Iterable

from reportlab.lib.rl_accel import fp_str

from layout.fonts.halfforms import CLOSING, FORM_OF_CODE, HUNG_FORM, HUNG_SHIFT, OPENING
from layout.page.display import GlyphRun, Image, Marker
from layout.pdf.guides import guide_ops, plain_ends
from layout.pdf.marks import SPACED

LIFT = "1.00001"  # the text matrix's vertical scale in a tagged edition (see above)
SINK = "0.99999"  # a caption's vertical scale: a line 13.5 pt below falls outside its block (see above)
SUNK_ROLES = frozenset(("caption", "credit"))
BRIDGE_MIN = 0.05  # em: blanks on a caption or head line narrower than this need no bridge
BRIDGE_SHORT = 0.05  # em: a caption line's bridge ends this far inside its photo's right edge: poppler adds
# to a block the words whose boxes end less than an em left of it, and the column right of the photo starts
# an em (a gutter) from its edge (a body glyph's box ends NARROW short of it)
HEAD_INSET = 0.5  # em of the head's size: a head line's bridges stop this far inside its story's box
# head lines above a story's or box's text (a jumped story's continuation head too)
BRIDGED_HEADS = frozenset(("kicker", "headline", "subhead", "box_title", "continuation_headline"))
TOP_FENCE_LINES = 2  # a byline at most this many lines above a column's (fenced) top is fenced beside it
FENCE_INSET = 0.5  # pt: a short column's fence lines stop this far inside its lines (never read as joining a gutter)
PANE_INSET = 1.0  # pt: a picture's pane stands this far inside its picture
PANE_SIZE = 3.0  # pt: a pane's lines' size, far from any text's and a guide's (poppler joins lines within 60 %)
PANE_PITCH = 4.4  # pt between a pane's lines: within poppler's 1.5 em, so that they are one block
_HUNG = frozenset(HUNG_FORM.values())  # the codes of hung forms, as drawn text


def show_tagged(encode: Callable[[str], str], r: GlyphRun, text: str, dx: float, tc: float
                ) -> tuple[str, float, float | None]:
    """A tagged run's text-showing operators (`text`: with its punctuation forms, drawn `dx`
    right of the run's origin with letter-spacing `tc`; halfmarks.py), the origin's shift
    and the character spacing left set (None: unchanged).  A hung form's outline sits
    HUNG_SHIFT right in its glyph: a TJ adjustment draws it as far left.  A letter-spaced
    run is an ActualText span, whose box poppler ends at its last glyph's advance with the
    spacing: that glyph is drawn with none."""
    hung = text[-1] in _HUNG
    spaced = tc >= SPACED * r.size
    if len(text) == 1:
        return f"{encode(text)} Tj", dx - (HUNG_SHIFT * r.size if hung else 0.0), None
    if not (hung or spaced):
        return f"{encode(text)} Tj", dx, None
    last = encode(text[-1])
    shown = f"{encode(text[:-1])} Tj" + (" 0 Tc" if spaced else "")
    shown += f" [{fp_str(HUNG_SHIFT * 1000)} {last}] TJ" if hung else f" {last} Tj"
    return shown, dx, 0.0 if spaced else None


def extents(runs: Iterable[GlyphRun], width: Callable[[str, str], float],
            forms: Iterable[tuple[str, float, float]] | None = None) -> dict[str, list[float]]:
    """Per owner (story, box, photo's caption owner), the box of everything it sets on the
    page, in display coordinates [x0, top, x1, bottom]: runs from their origin to their
    advance as drawn (`forms`: per run its drawn text and shift, halfmarks.py; a hung mark
    adds nothing), an em box of 0.88 above and 0.12 below the baseline (an upright run: a
    cell per glyph downwards)."""
    out: dict[str, list[float]] = {}
    drawn = iter(forms) if forms is not None else None
    for r in runs:
        text, dx, tc = next(drawn) if drawn is not None else (r.text, 0.0, r.tc)
        if not r.story:
            continue
        if r.vertical:
            x0, y0, x1, y1 = r.x, r.y - 0.88 * r.size, r.x + r.size, r.y + (len(r.text) - 0.88) * r.size
        else:
            x0, x1 = _span(r, text, dx, tc, width)
            # not the blank half of a full-width mark at either end (a headline's line-end ”):
            # a guide reaching into a gutter would stop poppler widening its neighbour's block
            x0 += 0.5 * r.size if text[0] in OPENING and width(r.face, text[0]) == 1.0 else 0.0
            x1 -= 0.5 * r.size if text[-1] in CLOSING and width(r.face, text[-1]) == 1.0 else 0.0
            y0, y1 = r.y - 0.88 * r.size, r.y + 0.12 * r.size
        box = out.get(r.story)
        if box is None:
            out[r.story] = [x0, y0, x1, y1]
        else:
            box[0], box[1], box[2], box[3] = min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)
    return out


def _span(r: GlyphRun, text: str, dx: float, tc: float, width: Callable[[str, str], float]) -> tuple[float, float]:
    """A horizontal run's left and right edges as drawn (its forms, shift and spacing)."""
    plain = "".join(ch for ch in text if ord(ch) not in FORM_OF_CODE)
    em = width(r.face, plain) + sum(FORM_OF_CODE[ord(ch)].advance for ch in text if ord(ch) in FORM_OF_CODE)
    x0 = r.x + dx
    return x0, x0 + em * r.size + max(len(text) - 1, 0) * tc


def bridges(runs: Iterable[GlyphRun], forms: Iterable[tuple[str, float, float]], width: Callable[[str, str], float],
            items: Iterable[object], boxes: dict[str, list[float]] | None = None
            ) -> list[tuple[float, float, float, float, str]]:
    """The blanks of each caption line and head line, as (x0, x1, baseline, size, vertical
    scale): from its photo's left edge to its right (`items`: the page's display items, its
    photos among them, each the owner of its caption's runs), or its story's (`boxes`,
    extents()), where no text stands.  An invisible glyph over each blank makes the line
    one line of words as wide as its photo or story:
    - a caption is then the block poppler starts first, before the columns under it (it
      starts blocks at the left-most line among the topmost; a credit set flush right was
      otherwise taken into the column beneath it, read between that column and the one
      before);
    - a head is a block as wide as its story (its frame, where the text leaves the frame's
      last columns empty), which bounds how far poppler widens the head beside it (a
      neighbour's head, widened over this story's last column, or over the empty column
      below this story's head and what stands under it, was read before that column)."""
    items = list(items)
    edges = {it.id: (it.x, it.x + it.w) for it in items if isinstance(it, Image) and it.id}
    frames = {it.text: it.x + it.w for it in items if isinstance(it, Marker) and it.kind == "frame"}
    lines: dict[tuple[str, float], list[tuple[float, float, float]]] = {}
    scale: dict[str, str] = {}
    for r, (text, dx, tc) in zip(runs, forms):
        if r.vertical:
            continue
        if r.role in SUNK_ROLES and r.story in edges:  # (ending short of the photo's right edge: see BRIDGE_SHORT)
            edges.setdefault((r.story, r.y), (edges[r.story][0], edges[r.story][1] - BRIDGE_SHORT * r.size))
            scale[r.story] = SINK
        elif r.role in BRIDGED_HEADS and boxes is not None and r.story in boxes:
            box, inset = boxes[r.story], HEAD_INSET * r.size  # (a neighbour's head line is no part of it)
            edges.setdefault((r.story, r.y), (box[0] + inset, max(box[2], frames.get(r.story, 0.0)) - inset))
            scale[r.story] = LIFT
        else:
            continue
        x0, x1 = _span(r, text, dx, tc, width)
        lines.setdefault((r.story, r.y), []).append((x0, x1, r.size))
    out = []
    for (owner, y), spans in sorted(lines.items()):
        left, right = edges[(owner, y)]
        size = max(sz for _, _, sz in spans)
        for x0, x1, _ in sorted(spans):
            if x0 - left > BRIDGE_MIN * size:
                out.append((left, x0, y, size, scale[owner]))
            left = max(left, x1)
        if right - left > BRIDGE_MIN * size:
            out.append((left, right, y, size, scale[owner]))
    return out


def _columns(runs: Iterable[GlyphRun], forms: Iterable[tuple[str, float, float]], width: Callable[[str, str], float]
             ) -> tuple[dict[tuple[str, int], list], dict[str, set[float]], dict[str, list[tuple[float, ...]]]]:
    """Each story's text columns as drawn, (story, slot) -> [x0, x1, first and last body
    baselines, body size, the column's body baselines, its intertitles' baselines]; each
    story's body baselines; its bylines' lines (baseline, x0, x1).  A column's edges are those of its full lines (as long as most of the story's
    lines: not an indent, nor a hung mark's box in the gutter); a column with none (a line
    or two) is placed by the story's others, one column pitch apart."""
    lines: dict[tuple[str, int], dict[float, list[float]]] = {}  # (story, slot) -> baseline -> [x0, x1]
    sizes: dict[tuple[str, int], float] = {}
    bases: dict[str, set[float]] = {}
    bylines: dict[str, list[tuple[float, ...]]] = {}
    titles: dict[tuple[str, int], set[float]] = {}
    for r, (text, dx, tc) in zip(runs, forms):
        if r.vertical or not r.story:
            continue
        if r.role == "byline" and r.col < 0:
            bylines.setdefault(r.story, []).append((r.y, *_span(r, text, dx, tc, width)))
        if r.role == "intertitle" and r.col >= 0:
            titles.setdefault((r.story, r.col), set()).add(r.y)
        if r.col < 0 or r.role != "body":
            continue
        x0, x1 = _span(r, text, dx, tc, width)
        line = lines.setdefault((r.story, r.col), {}).setdefault(r.y, [x0, x1])
        line[0], line[1] = min(line[0], x0), max(line[1], x1)
        sizes[(r.story, r.col)] = r.size
        bases.setdefault(r.story, set()).add(r.y)
    measures = {story: Counter(round(b - a, 1) for (st, _), by in lines.items() if st == story
                               for a, b in by.values()).most_common(1)[0][0] for story in bases}
    edges: dict[tuple[str, int], tuple[float, float]] = {}
    for (story, slot), by in lines.items():
        full = [(a, b) for a, b in by.values() if abs(b - a - measures[story]) < 0.06]
        if full:
            edges[(story, slot)] = min(full)
    cols = {}
    for (story, slot), by in lines.items():
        size, measure = sizes[(story, slot)], measures[story]
        if (story, slot) not in edges:
            known = sorted(k for st, k in edges if st == story)
            if not known:
                continue
            pitch = ((edges[(story, known[-1])][0] - edges[(story, known[0])][0]) / (known[-1] - known[0])
                     if len(known) > 1 else measure + size)
            near = min(known, key=lambda k: abs(k - slot))
            x0 = edges[(story, near)][0] + (slot - near) * pitch
            edges[(story, slot)] = (x0, x0 + measure)
        x0, x1 = edges[(story, slot)]
        cols[(story, slot)] = [x0, x1, min(by), max(by), size, sorted(by), sorted(titles.get((story, slot), ()))]
    return cols, bases, bylines


def fences(cols: dict[tuple[str, int], list], bases: dict[str, set[float]],
           bylines: dict[str, list[tuple[float, ...]]] | None = None,
           others: Iterable[tuple[str, list[float]]] = ()) -> list[tuple[float, float, float, float, str]]:
    """Invisible lines (as `bridges`: x0, x1, baseline, size, vertical scale) on the grid of
    each text column (`_columns`), as wide as the column's lines (a little inside them),
    which make the column one block to poppler from its story's byline to its foot.
    Poppler widens a block over any block below it up to its neighbour at the same height,
    and reads a block left of another first unless a block lies between them:
    - where a short column left nothing beside the lower part of the column before it
      (under an intertitle, a photo), that part was widened over the short column's foot
      (up to the story's guide below), the short column was then above it, and read first:
      the story's columns interleaved.  The column goes on down to the story's deepest line;
    - where a story's byline stands on a line of its own over its first column, the next
      story's byline beside it was widened over this story's other columns, which start a
      line lower, and read before them.  The columns go up beside the byline;
    - an intertitle (another size) split its column into three blocks, and a story's head
      left of the lower ones, at their height, was read between them.  The grid lines
      around the intertitle carry the column through it: poppler adds to a block the lines
      of its size within 1.5 em, then the words that overlap it on its lines whatever
      their size, the intertitle among them;
    - an intertitle at the head of a column, below the story's first line (the other
      columns run beside it), was a block of its own: widened over the empty space beside
      a photo and read before the columns under the photo, or read before the column's
      body with the next column between them (a guide under it, above the body).  The
      grid lines from the story's first line down to the column's first carry the column
      up through it, but never over what stands there (`others`: other owners' boxes and
      photos, [x0, top, x1, bottom]), and only where they reach above the intertitle.
      Where the column opens the story (its other columns start under a photo) or they
      cannot reach that line, the grid lines up to the one at or over the intertitle's
      baseline do (again only if free: the block must start at the body's size, as one
      started by the intertitle takes no body line), and a byline beside the column is
      counted from the fenced top: else the intertitle and column read from a line under
      the byline, a neighbour's guide at the byline's height, bounded on the left by the
      byline alone, was widened over the photo and read before it and the column under it.
    Lines at the body's size and pitch join the column's block."""
    out = []
    others = list(others)
    for (story, _), (x0, x1, first, last, size, own, titles) in sorted(cols.items()):
        ys = sorted(bases[story])
        pitch = min((b - a for a, b in zip(ys, ys[1:]) if b - a > 0.5 * size), default=1.5 * size)
        edge = (x0 + FENCE_INSET, x1 - FENCE_INSET)
        heads, top = [t for t in titles if t < first], first
        if heads:
            def free(y: float) -> bool:  # no other owner's box or photo on this grid line
                return not any(o != story and v[0] < x1 and v[2] > x0 and v[1] < y + 0.12 * size
                               and v[3] > y - 0.88 * size for o, v in others)
            up, y = [], first - pitch
            while y > ys[0] - 0.01 and free(y):
                up.append(y)
                y -= pitch
            if not (up and up[-1] < heads[0]):  # not up to the story's first line: to the grid line over the head
                up, y = [], first - pitch
                while y + pitch > heads[0] + 0.01 and free(y):
                    up.append(y)
                    y -= pitch
                up = up if up and up[-1] < heads[0] + 0.01 else []
            out += [(*edge, y, size, LIFT) for y in reversed(up)]
            top = min(up, default=first)
        for y, bx0, bx1 in (bylines or {}).get(story, ()):
            if top - (TOP_FENCE_LINES + 0.5) * pitch < y < top - 0.5 * size and (bx1 <= x0 or bx0 >= x1):
                out.append((*edge, y, size, LIFT))
        for a, b in zip(own, own[1:]):
            if b - a > 1.5 * pitch and any(a < t < b for t in titles):
                y = a + pitch
                while y < b - 0.5 * pitch:
                    out.append((*edge, y, size, LIFT))
                    y += pitch
        deepest, y = ys[-1], last + pitch
        while y <= deepest + 0.01:
            out.append((*edge, y, size, LIFT))
            y += pitch
    return out


def panes(items: Iterable[object]) -> list[tuple[float, float, float, float, str]]:
    """Each picture's pane (see above): invisible lines (as `bridges`: x0, x1, baseline,
    size, vertical scale) at `PANE_SIZE` and `PANE_PITCH` from just under its top to just
    above its bottom, each as wide as the picture less `PANE_INSET` a side.  Not one glyph
    as tall as the picture: poppler joins words of like sizes within a size of each other,
    and two photos' panes side by side were one block across the column between them."""
    out = []
    for it in items:
        if isinstance(it, Image) and min(it.w, it.h) > 2 * PANE_INSET + PANE_SIZE:
            first, last = it.y + PANE_INSET + 0.88 * PANE_SIZE, it.y + it.h - PANE_INSET - 0.12 * PANE_SIZE
            n = max(math.ceil((last - first) / PANE_PITCH), 1)  # lines evenly spread, at most PANE_PITCH apart
            out += [(it.x + PANE_INSET, it.x + it.w - PANE_INSET, first + (last - first) * k / n, PANE_SIZE, "1")
                    for k in range(n + 1)]
    return out


def page_guides(runs: list[GlyphRun], forms: list[tuple[str, float, float]], width: Callable[[str, str], float],
                items: Iterable[object], b: float, top: float, resource: str, space_em: float) -> list[str]:
    """A tagged page's guides and bridges (guide_ops) for its runs as drawn (`forms`) and its
    display `items` (the photos their captions span)."""
    items = list(items)
    boxes = extents(runs, width, forms)
    captions = frozenset(r.story for r in runs if r.role in SUNK_ROLES)
    titled = frozenset(r.story for r in runs if r.role == "box_title")
    plain = plain_ends(runs)
    cols, bases, bylines = _columns(runs, forms, width)
    photos = [("", [it.x, it.y, it.x + it.w, it.y + it.h]) for it in items if isinstance(it, Image)]
    bridged = bridges(runs, forms, width, items, boxes) + fences(cols, bases, bylines, [*boxes.items(), *photos]) \
        + panes(items)
    starts: dict[str, float] = {}  # story -> the top of its column that starts lowest: its first line's glyph
    for (story, _), col in cols.items():  # tops, 0.88 em above the baseline, where poppler's block starts
        starts[story] = max(starts.get(story, -math.inf), col[2] - 0.88 * col[4])
    stories = [v for o, v in boxes.items() if o not in captions]
    pictures = [[it.x, it.y, it.x + it.w, it.y + it.h] for it in items if isinstance(it, Image) and not any(
        v[0] < it.x + it.w / 2 < v[2] and v[1] < it.y + it.h / 2 < v[3] for v in stories)]
    return guide_ops(boxes, b, top, resource, space_em, captions, bridged, titled, plain, starts, pictures)
