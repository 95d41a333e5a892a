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

With the punctuation forms that keep glyph boxes out of the gutters (page/halfmarks.py),
222 of the sample's 226 stories come out of `pdftotext` whole (11 without).  The rest:
a jumped story (two pages), captions of photos inside a story (read where the photo
stands), and a block that poppler widens over a neighbour's column (it widens a block over
any block below it, however far, up to its neighbour at the same height).
"""

from __future__ import annotations

from typing import Callable, Iterable

from reportlab.lib.rl_accel import fp_str

from layout.fonts.embed import NARROW
from layout.fonts.halfforms import CLOSING, FORM_OF_CODE, GUIDE, HUNG_FORM, HUNG_SHIFT, OPENING
from layout.page.display import GlyphRun
from layout.pdf.marks import SPACED

LIFT = "1.00001"  # the text matrix's vertical scale in a tagged edition (see above)
GUIDE_SIZE = 1.0  # pt: far from any text size, so that a guide joins no block
GUIDE_GAP = 1.0  # pt between a guide and the text it bounds
GUIDE_WIDEN = (1.5, 2.5)  # pt a guide reaches past its box's left and right edges (within a 1 em gutter)
GUIDE_STAGGER = 3.0  # pt between the heights of neighbouring boxes' guides (more than a guide is tall; 2.5 to 4 measured best)
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
            plain = "".join(ch for ch in text if ord(ch) not in FORM_OF_CODE)
            em = width(r.face, plain) + sum(FORM_OF_CODE[ord(ch)].advance for ch in text if ord(ch) in FORM_OF_CODE)
            x0 = r.x + dx
            x1 = x0 + em * r.size + max(len(text) - 1, 0) * tc
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


def guide_ops(boxes: dict[str, list[float]], b: float, top: float, resource: str, space_em: float) -> list[str]:
    """The content operators of the page's guides (an artifact, one BT/ET): for each box a
    guide `GUIDE_GAP` above its top and one below its bottom, from its left edge to its
    right; `b`, `top` map display coordinates to the page's; `resource` is the face's
    resource name (/Lsong), `space_em` its space glyph's advance in em."""
    if not boxes:
        return []
    advance = (space_em * 1000 - NARROW) / 1000 * GUIDE_SIZE  # the guide glyph's /W advance, pt
    code = "<" + GUIDE.encode("utf-16-be").hex() + ">"
    ops = ["/Artifact <</Type /Pagination>> BDC BT 3 Tr 0 Tc", f"{resource} {fp_str(GUIDE_SIZE)} Tf"]
    for k, (x0, y0, x1, y1) in enumerate(sorted(boxes.values())):
        # a little wider than the box, unevenly, and neighbours' guides at staggered heights:
        # poppler takes four blocks whose edges line up (within 0.3 of the smallest's size)
        # for a table's cells and reads a table by rows; guides must never line up so
        x0, x1, lift = x0 - GUIDE_WIDEN[0], x1 + GUIDE_WIDEN[1], (k % 3) * GUIDE_STAGGER
        scale = fp_str((x1 - x0) / advance * 100)
        for y in (y0 - GUIDE_GAP - lift, y1 + GUIDE_GAP + GUIDE_SIZE + lift):
            ops.append(f"{scale} Tz 1 0 0 1 {fp_str(b + x0, top - y)} Tm {code} Tj")
    ops.append("100 Tz 0 Tr ET EMC")
    return ops
