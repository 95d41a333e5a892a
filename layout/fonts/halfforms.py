"""Codes of the half-width forms of compressed punctuation in an embedded face.

A mark set half an em wide (clreq compression, text/linebreak.py) is drawn, where its box
should be its set width (page/halfmarks.py decides where), with a code of its own: the
face's embedding (embed.py) gives that code a composite of the mark's glyph whose advance
is half an em (an opening mark's ink, on the right half of its em, moved half an em left)
and a ToUnicode entry back to the mark.  The codes are in the UTF-16 surrogate range,
which no font maps to a character.  The marks are those whose blank half may be squeezed
(text/cjk.py BLANK_LEFT and BLANK_RIGHT; the fonts stage comes before text, so they are
listed here, and tests/test_halfmarks.py holds the two lists equal).
"""

from __future__ import annotations

OPENING = "‘“（〔［｛〈《「『【〖〘｟〝«(［[{"  # ink on the right half: the form moves it half an em left
CLOSING = "’”）〕］｝〉》」』】〗〙｠〟»)]}，、；。．？！："  # ink on the left half: the form keeps it
_MARKS = sorted(set(OPENING) | set(CLOSING))
HALF_CODE = {ch: 0xD800 + i for i, ch in enumerate(_MARKS)}  # mark -> the code of its half form
HALF_FORM = {ch: chr(c) for ch, c in HALF_CODE.items()}  # mark -> its half form as a 1-character str
MARK_OF_CODE = {c: ch for ch, c in HALF_CODE.items()}  # code -> mark
SHIFTED = frozenset(HALF_CODE[ch] for ch in set(OPENING))  # codes whose glyph moves half an em left
