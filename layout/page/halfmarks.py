"""Which closing punctuation marks of a page are drawn in their half-width forms (tagged editions).

In: a page's glyph runs in drawing order (display-list GlyphRuns or their page records,
anything with story, x, y, face, size, text, tc, vertical) and the faces' widths.
Out: per run, whether its last character is drawn as the half-width form of a closing
mark (fonts/halfforms.py: ink on the left half of the em, an advance of half an em).

Why: compression sets a mark half an em wide by positioning (the next run starts half an
em earlier, or the line ends half an em past the measure), while the glyph's advance in
the PDF stays one em.  Text extractors see the advance: a line-end 。 juts into the
gutter and poppler's layout analysis fuses neighbouring columns into one block.  The
half-width form makes the box the set width; print is unchanged (the same outline at the
same origin: only the advance after it differs, and each run is placed on its own).

A closing mark takes its half form at the end of its line (nothing of the line is on its
blank side: hung past the measure or not, its box is its ink's half), or where the next
run on its line starts half an em (plus the run's letter-spacing) after the mark's origin.
The drawing (pdf/draw.py) and the ALTO file (archive/alto.py) both ask this module, so
ALTO's String boxes and the PDF's glyph boxes stay the same.
"""

from __future__ import annotations

from typing import Mapping, Protocol, Sequence

from layout.fonts.halfforms import HALF_FORM
from layout.text.cjk import BLANK_RIGHT

_EPS = 0.01  # pt


class _Run(Protocol):
    story: str
    x: float
    y: float
    face: str
    size: float
    text: str
    tc: float
    vertical: bool


def half_marks(runs: Sequence[_Run], widths: Mapping[str, Mapping[str, float]]) -> list[bool]:
    """Per run, whether its last character is drawn in its half form (see above);
    `widths`: face key -> the face's advances in em.  Cheap: a run's neighbour is looked
    at only when its last character is a full-width closing mark."""
    n = len(runs)
    out = [False] * n
    for i, r in enumerate(runs):
        t = r.text
        if not t or r.vertical or t[-1] not in BLANK_RIGHT:
            continue
        w = widths.get(r.face)
        if w is None or w.get(t[-1]) != 1.0:
            continue
        nxt = runs[i + 1] if i + 1 < n else None
        if nxt is None or nxt.story != r.story or nxt.vertical or abs(nxt.y - r.y) >= _EPS or nxt.x <= r.x:
            out[i] = True  # the line's last character
        else:
            origin = r.x + (sum(w.get(ch, 1.0) for ch in t) - 1.0) * r.size + (len(t) - 1) * r.tc
            out[i] = abs(nxt.x - (origin + 0.5 * r.size + r.tc)) < _EPS
    return out


def half_form(text: str) -> str:
    """`text` with its last character (a closing mark) in its half form."""
    return text[:-1] + HALF_FORM[text[-1]]
