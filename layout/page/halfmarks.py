"""Which punctuation marks of a tagged page are drawn in their own forms (fonts/halfforms.py).

In: a page's glyph runs in drawing order (display-list GlyphRuns or their page records,
anything with story, x, y, face, size, text, tc, vertical) and the faces' widths.
Out: per run, the text to draw and how far right of its origin (`drawn_forms`), and
whether its last mark's box is narrower than an em (`half_marks`).

Why: compression sets a mark half an em wide by positioning (the next run starts half an
em earlier, or the line ends half an em past the measure), hanging sets a pause past the
measure and trimming sets an opening bracket half an em before the line start, while the
glyph's advance in the PDF stays one em.  Text extractors see the advance: a line-end 。
juts into the gutter and poppler's layout analysis fuses neighbouring columns into one
block.  The forms make each box the set width, or end it before the gutter (a hung mark)
or start it on the column's edge (a trimmed bracket); their outlines stay where they were.

A closing mark takes its half form where the next run on its line starts half an em
(plus the run's letter-spacing) after the mark's origin, or at the end of a line whose
advance ends half an em past its column's measure; a pause whose advance ends a whole em
past the measure is hung and takes its hung form.  The measure is the end the column's
lines share (the first to be reached three times, else the commonest of at least two; a
column: a story's lines in drawing order, down the page, a new one where they go back
up).  A column whose lines share no end (a story's short last column: a full line, a
paragraph's last, a hung pause) takes its measure from the story's column before it: as
far from its lines' start as that column's measure was from its own (a line start: not
a bracket trimmed into the gutter), and so does a column of one line; a column whose
lines may all be paragraphs' first lines, an indent right of its edge, from its lines'
start less the story's indent where only that finds its marks.  A story whose columns
share no end hangs nothing.  An opening bracket at a line start half an em before the
start the column's lines share most takes its open form; in a column whose lines share
no start (a short last column: a paragraph's last line, an indented first, the
bracket's), half an em before its plain lines' left-most start (a bracket kept its box
in the gutter there, 4.5 pt from the column before, and poppler fused the two columns
line by line).  The drawing (pdf/draw.py) and the ALTO file (archive/alto.py) both ask
this module, so ALTO's String boxes and the PDF's glyph boxes stay the same.
"""

from __future__ import annotations

from typing import Mapping, Protocol, Sequence

from layout.fonts.halfforms import HALF_FORM, HUNG_FORM, OPEN_FORM
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
    role: str


def half_marks(runs: Sequence[_Run], widths: Mapping[str, Mapping[str, float]]) -> list[bool]:
    """Per run, whether its last character's box is half an em (set half an em wide, or
    hung): drawn in its half or hung form (see above).  `widths`: face key -> the face's
    advances in em."""
    return [k != _NONE for k in _kinds(runs, widths)[0]]


def drawn_forms(runs: Sequence[_Run], widths: Mapping[str, Mapping[str, float]]
                ) -> list[tuple[str, float, float]]:
    """Per run of a tagged page, the text to draw, how far right of the run's origin to
    draw it (pt) and the letter-spacing to draw it with: its last mark in its half or hung
    form; a first opening bracket trimmed into the gutter in its open form half an em
    further right; a run of closing marks squeezed together by letter-spacing of minus half
    an em (），。” ...) with its marks but the last in their half forms and no spacing
    (fonts/halfforms.py): every glyph stays where it was."""
    ends, opens = _kinds(runs, widths)
    out = []
    for r, end, opened in zip(runs, ends, opens):
        t, dx, tc = r.text, 0.0, r.tc
        if squeezed(r, widths):
            t, tc = "".join(HALF_FORM[ch] for ch in t[:-1]) + t[-1], 0.0
        if end == _HUNG and t[-1] in HUNG_FORM:  # drawn HUNG_SHIFT further left (pdf/draw.py)
            t = t[:-1] + HUNG_FORM[t[-1]]
        elif end != _NONE:
            t = t[:-1] + HALF_FORM[t[-1]]
        if opened:
            t, dx = OPEN_FORM[t[0]] + t[1:], 0.5 * r.size
        out.append((t, dx, tc))
    return out


def squeezed(r: _Run, widths: Mapping[str, Mapping[str, float]]) -> bool:
    """A run of full-width closing marks set half an em apart (letter-spacing of minus half
    an em): each but the last is half an em wide."""
    w = widths.get(r.face, {})
    return len(r.text) > 1 and not r.vertical and abs(r.tc + 0.5 * r.size) < _EPS \
        and all(ch in HALF_FORM and w.get(ch) == 1.0 for ch in r.text[:-1])


_NONE, _HALF, _HUNG = 0, 1, 2
# roles set as display lines (centred in the broadsheet), whose line-end closing mark is
# half an em wide: a head's ” would otherwise reach half an em into the gutter
HEAD_ROLES = frozenset({"kicker", "headline", "subhead", "continuation_headline", "intertitle", "box_title"})


def _kinds(runs: Sequence[_Run], widths: Mapping[str, Mapping[str, float]]) -> tuple[list[int], list[bool]]:
    """Per run: how its last mark is set (_NONE, _HALF: half an em wide before the next run
    of its line, _HUNG: past its column's measure) and whether its first character is an
    opening bracket trimmed half an em before its column's line start.  One pass over the
    runs; a run's advance is summed only where a mark may take a form, and for the few
    lines of a column it takes to find the column's measure."""
    n = len(runs)
    out = [_NONE] * n
    opens = [False] * n
    column: list[int] = []  # the current column's lines (their last runs)
    starts: list[int] = []  # ... and their first runs
    spans: dict[str, float] = {}  # per story: its last measured column's measure less its line start
    indents: dict[str, float] = {}  # per story: how far its paragraphs' first lines start from its line start
    line_start = True
    for i, r in enumerate(runs):
        t = r.text
        if not t or r.vertical:
            line_start = True
            continue
        if line_start:
            starts.append(i)
            if r.role in HEAD_ROLES and t[0] in OPEN_FORM and widths.get(r.face, {}).get(t[0]) == 1.0:
                opens[i] = True  # a head's opening mark: its box from its ink, as a trimmed one's
        nxt = runs[i + 1] if i + 1 < n else None
        if nxt is not None and nxt.story == r.story and not nxt.vertical and abs(nxt.y - r.y) < _EPS \
                and nxt.x > r.x:  # the line goes on
            line_start = False
            w = widths.get(r.face)
            if t[-1] in BLANK_RIGHT and w is not None and w.get(t[-1]) == 1.0:
                origin = _end(r, w) - r.size  # the last character's
                if abs(nxt.x - (origin + 0.5 * r.size + r.tc)) < _EPS:
                    out[i] = _HALF
            continue
        line_start = True
        if r.role in HEAD_ROLES and t[-1] in BLANK_RIGHT and widths.get(r.face, {}).get(t[-1]) == 1.0:
            out[i] = _HALF  # a head's line ends on its mark's set width (typeset.py centres on it)
        column.append(i)
        if nxt is None or nxt.story != r.story or nxt.vertical or nxt.y < r.y - _EPS:
            edge = _edge(runs, starts)
            _indent(runs, starts, edge, indents)
            _hung(runs, column, widths, out, edge, spans, indents)
            _trimmed(runs, starts, widths, opens)
            column, starts = [], []
    return out, opens


def _edge(runs: Sequence[_Run], starts: list[int]) -> float:
    """Where a column's lines start: the left-most start of a line that does not open with
    a bracket (a full-width opening bracket may be trimmed half an em into the gutter).
    (The left-most start of any line made a story's measure, as far from it, alternate by
    half an em between columns, and a short column measured from it kept its marks' boxes
    half an em in the gutter.)"""
    plain = [runs[i].x for i in starts if runs[i].text[0] not in OPEN_FORM]
    return min(plain) if plain else min(runs[i].x for i in starts)


def _indent(runs: Sequence[_Run], starts: list[int], edge: float, indents: dict[str, float]) -> None:
    """Keep the story's paragraph indent: how far right of the column's edge its indented
    lines start most often (within four em), where the column has lines at the edge too."""
    r = runs[starts[0]]
    offsets: dict[float, int] = {}
    for i in starts:
        d = round(runs[i].x - edge, 2)
        if 0.5 * r.size < d < 4 * r.size and runs[i].text[0] not in OPEN_FORM:
            offsets[d] = offsets.get(d, 0) + 1
    if offsets and any(abs(runs[i].x - edge) < _EPS for i in starts):
        indents[r.story] = max(offsets.items(), key=lambda kv: (kv[1], -kv[0]))[0]


def _trimmed(runs: Sequence[_Run], starts: list[int], widths: Mapping[str, Mapping[str, float]],
             opens: list[bool]) -> None:
    """Mark the column's lines that start with a full-width opening bracket half an em
    before the start the column's lines share (the commonest, at least twice; else the
    left-most start of a line that opens with no bracket, `_edge`)."""
    if len(starts) < 2:
        return
    cand = [i for i in starts
            if runs[i].text[0] in OPEN_FORM and widths.get(runs[i].face, {}).get(runs[i].text[0]) == 1.0]
    if not cand:
        return
    counts: dict[float, int] = {}
    for i in starts:
        x = round(runs[i].x, 2)
        counts[x] = counts.get(x, 0) + 1
    edge, best = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
    if best < 2:  # a short column (a paragraph's last line, an indented first, the bracket's): its plain lines' edge
        edge = round(_edge(runs, starts), 2)
    for i in cand:
        if abs(runs[i].x - (edge - 0.5 * runs[i].size)) < _EPS:
            opens[i] = True


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
          out: list[int], start: float, spans: dict[str, float], indents: dict[str, float] | None = None) -> None:
    """Mark the column's lines that end in a full-width closing mark half an em past its
    measure: the end that the column's other lines reach first three times (or most often,
    at least twice; those ending in such a mark count only where the others do not tell:
    a column's first three lines may all hang a pause, and their end is not the measure;
    where the other lines do not tell, the story's column before does first: a short
    column's lines ending in marks half an em past the measure are the commonest end).
    `start`: where the column's lines start first; `spans`: per story, how far its last
    measured column's measure lay from that (kept here; the measure of a column whose
    lines share no end); `indents`: per story, its paragraph indent.  A short column whose
    lines all start indented (paragraphs' first lines: one ending in a hung pause whose
    box reached a whole em into the gutter, and poppler read the two columns' lines as
    one) is measured from its lines' start less the indent where that alone finds a mark."""
    story = runs[column[0]].story
    if len(column) < 2 and story not in spans:  # (one line: only the story's column before can tell)
        return
    marks = [i for i in column if runs[i].text[-1] in BLANK_RIGHT
             and widths.get(runs[i].face, {}).get(runs[i].text[-1]) == 1.0]
    ends: dict[int, float] = {}
    hanging = set(marks)
    measure, best = _measure(runs, [i for i in column if i not in hanging], widths, ends)
    if best < 2 and story in spans:  # the story's column before tells better than lines ending in marks
        measure = round(start + spans[story], 2)
        indent = (indents or {}).get(story)
        if indent and not _marked(runs, marks, measure, widths, ends, None):
            # every line may be a paragraph's first: the column's edge lies an indent left
            if _marked(runs, marks, round(start - indent + spans[story], 2), widths, ends, None):
                measure = round(start - indent + spans[story], 2)
    elif best < 2 and marks:
        measure, best = _measure(runs, column, widths, ends)
        if best < 2:
            return
        spans[story] = measure - start
    elif best < 2:
        return
    else:
        spans[story] = measure - start
    _marked(runs, marks, measure, widths, ends, out)


def _marked(runs: Sequence[_Run], marks: list[int], measure: float, widths: Mapping[str, Mapping[str, float]],
            ends: dict[int, float], out: list[int] | None) -> int:
    """How many of the lines ending in `marks` are compressed or hung against `measure`
    (marked in `out`, if given)."""
    n = 0
    for i in marks:
        r = runs[i]
        e = ends[i] if i in ends else _end(r, widths[r.face])
        # set half an em wide and hung: its advance ends half an em past the measure where
        # the line was compressed to make room, a whole em past where the mark starts on it
        kind = _HALF if abs(e - (measure + 0.5 * r.size)) < _EPS else \
            _HUNG if abs(e - (measure + r.size)) < _EPS else _NONE  # (compressed to end on it | ink ½ em past)
        if kind != _NONE:
            n += 1
            if out is not None:
                out[i] = kind
    return n


def _measure(runs: Sequence[_Run], lines: list[int], widths: Mapping[str, Mapping[str, float]],
             ends: dict[int, float]) -> tuple[float, int]:
    """The end that `lines` reach first three times (or most often) and how often; each
    line's end is kept in `ends`."""
    counts: dict[float, int] = {}
    measure, best = 0.0, 0
    for i in lines:
        if best >= 3:
            break
        r = runs[i]
        e = ends[i] = _end(r, widths.get(r.face, {}))
        c = counts[round(e, 2)] = counts.get(round(e, 2), 0) + 1
        if c > best:
            measure, best = round(e, 2), c
    return measure, best


def half_form(text: str) -> str:
    """`text` with its last character (a closing mark) in its half form."""
    return text[:-1] + HALF_FORM[text[-1]]
