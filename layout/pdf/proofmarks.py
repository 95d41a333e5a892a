"""Where the proof's own marks may go: grid line numbers clear of type, notes in the margins.

In: a page's display list (and the faces' widths).  Out: which line-number markers are
clear of everything set on the page, and where overset text goes in the page margins.
Pure geometry; pdf/draw.py draws what these place.

Why: a proofreader reads the line numbers to say where a mark is, and reads the overset
text to cut it; a number printed over a headline glyph or a red flag over the last body
line hides exactly what they are reading.  Line numbers stand in every gutter cell that no
run, photo or filled box crosses (the outer margins always), and overset text is set in
the page margin nearer its frame, from the frame's bottom down.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from layout.fonts.catalogue import Face
from layout.page.display import GlyphRun, Image, Marker, PageDisplay, Rect

NOTE_SIZE = 5.0  # pt: overset text in the margin
NOTE_LEAD = 6.0


def _extent(it, faces: dict[str, Face]) -> tuple[float, float, float, float] | None:
    """x0, x1, y0, y1 of what an item covers (None: nothing a number must avoid)."""
    if isinstance(it, GlyphRun):
        if it.vertical:
            return (it.x, it.x + it.size, it.y - it.size, it.y + it.size * (len(it.text) - 1))
        face = faces.get(it.face)
        widths = face.widths if face is not None else {}
        w = sum(widths.get(ch, 1.0) for ch in it.text) * it.size + it.tc * len(it.text)
        return (it.x, it.x + w, it.y - it.size * 0.9, it.y + it.size * 0.15)
    if isinstance(it, Image) or isinstance(it, Rect) and it.fill is not None:
        return (it.x, it.x + it.w, it.y, it.y + it.h)
    return None


def clear_line_numbers(page: PageDisplay, faces: dict[str, Face]) -> list[Marker]:
    """The page's line-number markers whose cell nothing set on the page crosses."""
    marks = [it for it in page.items if isinstance(it, Marker) and it.kind == "lineno"]
    if not marks:
        return []
    gutters = sorted({(m.x, m.x + m.w) for m in marks})
    blocked: dict[tuple[float, float], list[tuple[float, float]]] = {g: [] for g in gutters}
    for it in page.items:
        ext = _extent(it, faces)
        if ext is None:
            continue
        x0, x1, y0, y1 = ext
        for g in gutters:
            if x0 < g[1] - 0.01 and x1 > g[0] + 0.01:
                blocked[g].append((y0, y1))
    spans = {g: _merged(v) for g, v in blocked.items()}
    out = []
    for m in marks:
        starts, ends = spans[(m.x, m.x + m.w)]
        i = bisect_left(ends, m.y)  # the first span ending below the cell's top
        if i < len(starts) and starts[i] < m.y + m.h:
            continue
        out.append(m)
    return out


def _merged(spans: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    starts: list[float] = []
    ends: list[float] = []
    for a, b in sorted(spans):
        if ends and a <= ends[-1]:
            ends[-1] = max(ends[-1], b)
        else:
            starts.append(a)
            ends.append(b)
    return starts, ends


@dataclass(frozen=True)
class MarginNote:
    x: float  # left edge of the note's lines
    y: float  # top of its first line (display coordinates, y down)
    width: float
    lines: tuple[str, ...]
    anchor: tuple[float, float]  # where its leader starts: the frame's bottom corner nearer the margin


def margin_notes(page: PageDisplay, notes: list[tuple[Marker, str]]) -> list[MarginNote | None]:
    """Each overset frame's text, wrapped to the margin nearer the frame and set from the
    frame's bottom down (below the note before it in that margin; cut with … at the page's
    foot).  The margins are what lies outside every frame and every line number.  One
    entry per note, in the order given (None: no margin beside that frame)."""
    frames = [it for it in page.items if isinstance(it, Marker) and it.kind in ("frame", "lineno")]
    left = min((f.x for f in frames), default=36.0)
    right = max((f.x + f.w for f in frames), default=page.width - 36.0)
    below = {"left": 0.0, "right": 0.0}
    out: list[MarginNote | None] = [None] * len(notes)
    for k in sorted(range(len(notes)), key=lambda k: (notes[k][0].y, notes[k][0].x)):
        m, text = notes[k]
        side = "left" if m.x + m.w / 2 < page.width / 2 else "right"
        x0, x1 = (4.0, left - 3.0) if side == "left" else (right + 3.0, page.width - 4.0)
        if x1 - x0 < NOTE_SIZE * 2:
            continue  # no margin to speak of: the flag on the frame says it all
        per = max(1, int((x1 - x0) // NOTE_SIZE))
        top = max(m.y + m.h + 2.0, below[side])
        room = max(1, int((page.height - 4.0 - top) // NOTE_LEAD))
        flat = " / ".join(p for p in text.split("\n") if p)
        lines = [flat[i:i + per] for i in range(0, len(flat), per)] or [""]
        if len(lines) > room:
            left_over = len("".join(lines[room - 1:]))
            lines = lines[:room - 1] + [f"…余{left_over}字"]
        below[side] = top + len(lines) * NOTE_LEAD + NOTE_LEAD
        corner = (m.x, m.y + m.h) if side == "left" else (m.x + m.w, m.y + m.h)
        out[k] = MarginNote(x0, top, x1 - x0, tuple(lines), corner)
    return out
