"""Codes of the half-width forms of compressed punctuation in an embedded face.

A closing mark set half an em wide (clreq compression, text/linebreak.py) is drawn, where
its box should be its set width (page/halfmarks.py decides where), with a code of its own:
the face's embedding (embed.py) gives that code a composite of the mark's glyph whose
advance is half an em and a ToUnicode entry back to the mark.  The codes are Unicode's
noncharacters U+FDD0..U+FDEF ("for internal use", never a character of a font): valid
code points, so drawn text, the page cache (UTF-8 JSON) and the PDF's codes carry them
like any other.  The marks are those inked on the left
half of their em (text/cjk.py BLANK_RIGHT; the fonts stage comes before text, so they are
listed here, and tests/test_halfmarks.py holds the lists equal).

Opening marks (ink on the right half) are not given half forms: the form's origin would
have to move half an em right, and rasterisers that snap glyph origins to their pixel grid
(pdfium to the pixel, poppler's Splash to a quarter pixel) then draw the same outline a
fraction of a pixel elsewhere: print would not stay the same to the pixel.
"""

from __future__ import annotations

CLOSING = "’”）〕］｝〉》」』】〗〙｠〟»)]}，、；。．？！："  # ink on the left half of the em
_MARKS = sorted(set(CLOSING))
assert len(_MARKS) <= 32, "U+FDD0..U+FDEF has 32 noncharacters"
HALF_CODE = {ch: 0xFDD0 + i for i, ch in enumerate(_MARKS)}  # mark -> the code of its half form
HALF_FORM = {ch: chr(c) for ch, c in HALF_CODE.items()}  # mark -> its half form as a 1-character str
MARK_OF_CODE = {c: ch for ch, c in HALF_CODE.items()}  # code -> mark
