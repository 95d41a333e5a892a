"""Codes of the punctuation forms a tagged edition draws, and of its reading-order guide.

Compression and hanging set a mark narrower than its em, or past the measure, by
positioning; the glyph's advance in the PDF stays one em, and text extractors see the
advance, not the ink.  A tagged edition (page/halfmarks.py decides where) therefore draws
such a mark with a code of its own, which the face's embedding (embed.py) maps to a
composite of the mark's glyph, with a ToUnicode entry back to the mark:

* HALF: a compressed closing mark (ink on the left half of the em): advance ½ em, the
  outline where it was.  Its box is its set width.
* HUNG: a pause or stop hung past the measure (点号悬挂): advance 0, the outline moved a
  thousandth of an em right inside the glyph and the glyph drawn as much further left,
  so that its box (origin to advance) ends before the gutter (pdf/readorder.py).
* OPEN: an opening bracket trimmed half an em into the gutter at a line start: the
  outline moved half an em left inside the glyph and the glyph drawn half an em further
  right, advance ½ em: the ink stays put, the box starts at the column's edge.  (A
  rasteriser that snaps glyph origins to its pixel grid may draw such a bracket up to a
  pixel from where it drew it before: the tagged edition accepts that; print has no forms.)

The codes are Unicode's noncharacters U+FDD0..U+FDEF (HALF) and the unassigned U+2E70..
U+2E7F (HUNG) and U+2FE0..U+2FEF (OPEN): code points no font maps and no text contains, which drawn text,
the page cache (UTF-8 JSON) and the PDF's codes carry like any other.  The marks are
listed here (the fonts stage comes before text/cjk.py; tests/test_halfmarks.py holds the
lists equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

CLOSING = "’”）〕］｝〉》」』】〗〙｠〟»)]}，、；。．？！："  # ink on the left half of the em
HANGING = "，、；。．？！："  # the pauses and stops that may hang (text/totalfit.py HANG_MARKS)
OPENING = "‘“（〔［｛〈《「『【〖〘｟〝"  # full-width, ink on the right half of the em


HUNG_SHIFT = 0.001  # em: a hung form's outline moves right, its origin left (a unit of a 1000-unit em)


class FormKind(Enum):
    HALF = "half"
    HUNG = "hung"
    OPEN = "open"


@dataclass(frozen=True)
class Form:
    """A drawn form of a mark: its advance and how far its outline moves inside the glyph (em)."""

    mark: str
    kind: FormKind
    advance: float
    shift: float = 0.0


_MARKS = sorted(set(CLOSING))
assert len(_MARKS) <= 32, "U+FDD0..U+FDEF has 32 noncharacters"
assert len(OPENING) <= 16 and len(HANGING) <= 16, "U+2FE0..U+2FEF and U+2E70..U+2E7F have 16 code points"
HALF_CODE = {ch: 0xFDD0 + i for i, ch in enumerate(_MARKS)}  # mark -> the code of its half form
HUNG_CODE = {ch: 0x2E70 + i for i, ch in enumerate(HANGING)}  # mark -> the code of its hung form
OPEN_CODE = {ch: 0x2FE0 + i for i, ch in enumerate(OPENING)}  # mark -> the code of its open form
assert not set(HALF_CODE.values()) & set(HUNG_CODE.values())
HALF_FORM = {ch: chr(c) for ch, c in HALF_CODE.items()}  # mark -> its half form as a 1-character str
HUNG_FORM = {ch: chr(c) for ch, c in HUNG_CODE.items()}
OPEN_FORM = {ch: chr(c) for ch, c in OPEN_CODE.items()}
FORM_OF_CODE: dict[int, Form] = {
    **{c: Form(ch, FormKind.HALF, 0.5) for ch, c in HALF_CODE.items()},
    **{c: Form(ch, FormKind.HUNG, 0.0, HUNG_SHIFT) for ch, c in HUNG_CODE.items()},
    **{c: Form(ch, FormKind.OPEN, 0.5, -0.5) for ch, c in OPEN_CODE.items()},
}
MARK_OF_CODE = {c: f.mark for c, f in FORM_OF_CODE.items()}  # code -> mark

# The reading-order guide of a tagged edition (pdf/readorder.py): an invisible glyph (the
# face's blank space glyph) coded U+1680 OGHAM SPACE MARK, a Unicode White_Space character
# that poppler's layout analysis does not drop as a space, so that the guide forms a block
# of its own.  A face that has a glyph of its own for U+1680 draws that (invisibly).
GUIDE_CODE = 0x1680
GUIDE = chr(GUIDE_CODE)
GUIDE_TEXT = GUIDE
assert GUIDE_CODE not in MARK_OF_CODE
