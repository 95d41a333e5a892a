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

A closing mark takes its half form where that is its set width: where the next run on its
line starts half an em (plus the run's letter-spacing) after the mark's origin, or at the
end of a line that ends half an em past its column's measure (hung, GB §5.1.10).  The
measure is the end most of the column's lines share (a column: a story's lines in drawing
order, down the page; a new one where they go back up); a column of one line, or whose
lines share no end, hangs nothing.  The drawing (pdf/draw.py) and the ALTO file
(archive/alto.py) both ask this module, so ALTO's String boxes and the PDF's glyph boxes
stay the same.
"""

from __future__ import annotations

from collections import Counter
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
    `widths`: face key -> the face's advances in em.  One pass over the runs; a line's
    width is summed only for its last run."""
    n = len(runs)
    out = [False] * n
    column: list[tuple[int, float]] = []  # the current column's lines: (last run's index, where the line ends)
    for i, r in enumerate(runs):
        t = r.text
        if not t or r.vertical:
            continue
        nxt = runs[i + 1] if i + 1 < n else None
        same = nxt is not None and nxt.story == r.story and not nxt.vertical and abs(nxt.y - r.y) < _EPS \
            and nxt.x > r.x
        w = widths.get(r.face)
        if same:
            if t[-1] in BLANK_RIGHT and w is not None and w.get(t[-1]) == 1.0:
                origin = r.x + (sum(w.get(ch, 1.0) for ch in t) - 1.0) * r.size + (len(t) - 1) * r.tc
                out[i] = abs(nxt.x - (origin + 0.5 * r.size + r.tc)) < _EPS  # type: ignore[union-attr]
            continue
        end = r.x + sum((w or {}).get(ch, 1.0) for ch in t) * r.size + (len(t) - 1) * r.tc
        column.append((i, end))
        if nxt is None or nxt.story != r.story or nxt.vertical or nxt.y < r.y - _EPS:
            _hung(runs, column, widths, out)
            column = []
    return out


def _hung(runs: Sequence[_Run], column: list[tuple[int, float]], widths: Mapping[str, Mapping[str, float]],
          out: list[bool]) -> None:
    """Mark the column's lines that end in a full-width closing mark half an em past its measure."""
    if len(column) < 2:
        return
    measure, count = Counter(round(e, 2) for _, e in column).most_common(1)[0]
    if count < 2:
        return
    for i, e in column:
        r = runs[i]
        w = widths.get(r.face)
        if r.text[-1] in BLANK_RIGHT and w is not None and w.get(r.text[-1]) == 1.0 \
                and abs(e - (measure + 0.5 * r.size)) < _EPS:
            out[i] = True


def half_form(text: str) -> str:
    """`text` with its last character (a closing mark) in its half form."""
    return text[:-1] + HALF_FORM[text[-1]]
