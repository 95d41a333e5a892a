"""Which punctuation marks of a page are drawn in their half-width forms (tagged editions).

In: a page's glyph runs in drawing order (display-list GlyphRuns or their page records,
anything with story, x, y, face, size, text, tc, vertical) and the faces' widths.
Out: per run, whether its first character is drawn as the half-width form of an opening
mark (ink on the right half of the em: the form's origin is half an em to the right)
and whether its last character is drawn as the half-width form of a closing mark (ink on
the left half), as bits `FIRST` and `LAST`.

Why: compression sets a mark half an em wide by positioning (the next run starts half an
em earlier, or the line ends half an em past the measure), while the glyph's advance in
the PDF stays one em.  Text extractors see the advance: a line-end 。 juts into the gutter,
a trimmed （ at a line start juts in from the other side, and poppler's layout analysis
fuses neighbouring columns into one block.  A half-width form (fonts/embed.py: its own
code, a glyph whose advance is half an em, ToUnicode back to the mark) makes the box the
set width; print is unchanged (same ink at the same place).

A mark takes its half form where that is its set width, or where nothing of its line is
on its blank side:
* a closing mark at the end of its line, or whose next run on the line starts half an em
  (plus the run's letter-spacing) after the mark's origin;
* an opening mark at the start of its line, or whose run starts half an em before the end
  of the previous run on the line.
Both the drawing (pdf/draw.py) and the ALTO file (archive/alto.py) ask this module, so
ALTO's boxes and the PDF's glyph boxes stay the same.
"""

from __future__ import annotations

from typing import Mapping, Protocol, Sequence

from layout.fonts.halfforms import HALF_FORM
from layout.text.cjk import BLANK_LEFT, BLANK_RIGHT

FIRST = 1  # the run's first character: an opening mark's half form (origin moved ½ em right)
LAST = 2  # the run's last character: a closing mark's half form
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


def half_marks(runs: Sequence[_Run], widths: Mapping[str, Mapping[str, float]]) -> list[int]:
    """Per run, FIRST | LAST bits (see the module docstring); `widths`: face key -> the
    face's advances in em.  Cheap: a run's neighbours are looked at only when its first or
    last character is a full-width mark."""
    n = len(runs)
    out = [0] * n
    for i, r in enumerate(runs):
        t = r.text
        if not t or r.vertical:
            continue
        first, last = t[0], t[-1]
        if first in BLANK_LEFT or last in BLANK_RIGHT:
            w = widths.get(r.face)
            if w is None:
                continue
            flags = 0
            if first in BLANK_LEFT and w.get(first) == 1.0:
                prev = runs[i - 1] if i else None
                if prev is None or not _same_line(prev, r):
                    flags = FIRST
                elif abs(r.x - (_end(prev, w if prev.face == r.face else widths.get(prev.face, {}))
                                - 0.5 * r.size)) < _EPS:
                    flags = FIRST
            if last in BLANK_RIGHT and w.get(last) == 1.0 and not (len(t) == 1 and flags):
                nxt = runs[i + 1] if i + 1 < n else None
                if nxt is None or not _same_line(r, nxt):
                    flags |= LAST
                else:
                    origin = _end(r, w) - (1.0 * r.size + r.tc)  # the last character's origin
                    if abs(nxt.x - (origin + 0.5 * r.size + r.tc)) < _EPS:
                        flags |= LAST
            out[i] = flags
    return out


def _same_line(a: _Run, b: _Run) -> bool:
    return a.story == b.story and not b.vertical and abs(a.y - b.y) < _EPS and b.x > a.x


def _end(r: _Run, w: Mapping[str, float]) -> float:
    """Where the run's next character would start: every advance plus letter-spacing."""
    return r.x + sum(w.get(ch, 1.0) for ch in r.text) * r.size + len(r.text) * r.tc


def half_forms(r: _Run, flags: int) -> tuple[str, float]:
    """The run's text with its marks in their half forms (fonts/halfforms.py) as `flags`
    says, and where it starts (an opening mark's half form: half an em to the right)."""
    text, x = r.text, r.x
    if flags & FIRST:
        text, x = HALF_FORM[text[0]] + text[1:], x + 0.5 * r.size
    if flags & LAST:
        text = text[:-1] + HALF_FORM[text[-1]]
    return text, x
