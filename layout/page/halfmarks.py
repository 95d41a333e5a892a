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
measure is the end the column's lines share (the first to be reached three times,
else the commonest of at least two; a column: a story's lines in drawing order, down the
page, a new one where they go back up); a column of one line, or whose lines share no
end, hangs nothing.  The drawing (pdf/draw.py) and the ALTO file
(archive/alto.py) both ask this module, so ALTO's String boxes and the PDF's glyph boxes
stay the same.
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
    `widths`: face key -> the face's advances in em.  One pass over the runs; a run's
    advance is summed only where a mark may take its half form, and for the few lines
    of a column it takes to find the column's measure."""
    n = len(runs)
    out = [False] * n
    column: list[int] = []  # the current column's lines (their last runs)
    for i, r in enumerate(runs):
        t = r.text
        if not t or r.vertical:
            continue
        nxt = runs[i + 1] if i + 1 < n else None
        if nxt is not None and nxt.story == r.story and not nxt.vertical and abs(nxt.y - r.y) < _EPS \
                and nxt.x > r.x:  # the line goes on
            w = widths.get(r.face)
            if t[-1] in BLANK_RIGHT and w is not None and w.get(t[-1]) == 1.0:
                origin = _end(r, w) - r.size  # the last character's
                out[i] = abs(nxt.x - (origin + 0.5 * r.size + r.tc)) < _EPS
            continue
        column.append(i)
        if nxt is None or nxt.story != r.story or nxt.vertical or nxt.y < r.y - _EPS:
            _hung(runs, column, widths, out)
            column = []
    return out


def _advance(w: Mapping[str, float], text: str) -> float:
    """`text`'s advance in em (summed in C; a character the face lacks counts one em)."""
    try:
        return sum(map(w.__getitem__, text))
    except KeyError:
        return sum(w.get(ch, 1.0) for ch in text)


def _end(r: _Run, w: Mapping[str, float]) -> float:
    """Where the run's last character's advance ends (letter-spacing follows every other one)."""
    return r.x + _advance(w, r.text) * r.size + (len(r.text) - 1) * r.tc


def _hung(runs: Sequence[_Run], column: list[int], widths: Mapping[str, Mapping[str, float]],
          out: list[bool]) -> None:
    """Mark the column's lines that end in a full-width closing mark half an em past its
    measure: the end that the column's lines reach first three times (or most often, at
    least twice)."""
    if len(column) < 2:
        return
    marks = [i for i in column if runs[i].text[-1] in BLANK_RIGHT
             and widths.get(runs[i].face, {}).get(runs[i].text[-1]) == 1.0]
    if not marks:
        return
    counts: dict[float, int] = {}
    ends: dict[int, float] = {}
    measure, best = 0.0, 0
    for i in column:
        if best >= 3:
            break
        r = runs[i]
        e = ends[i] = _end(r, widths.get(r.face, {}))
        c = counts[round(e, 2)] = counts.get(round(e, 2), 0) + 1
        if c > best:
            measure, best = round(e, 2), c
    if best < 2:
        return
    for i in marks:
        r = runs[i]
        e = ends[i] if i in ends else _end(r, widths[r.face])
        if abs(e - (measure + 0.5 * r.size)) < _EPS:
            out[i] = True


def half_form(text: str) -> str:
    """`text` with its last character (a closing mark) in its half form."""
    return text[:-1] + HALF_FORM[text[-1]]
