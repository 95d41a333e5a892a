"""Paragraph API: text + role + measure -> lines of positioned glyph runs (no PDF).

In: paragraphs, the FontBook metrics of a text role, a size and a measure in pt.
Out: `TextLine`s whose runs are positioned relative to the line's left edge and
baseline; flow.py places them on the page grid.  Also headline copyfitting and
vertical (竖排) setting.

All measuring is done in em by linebreak.py and scaled here, so a body measure that is a
whole number of em (the character grid) stays exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from layout.errors import CompositionError, FontError, Problem
from layout.fonts.catalogue import FontBook, RoleMetrics, describe
from layout.model.edition import Where
from layout.model.styles import Role, Style
from layout.text import cjk
from layout.text.linebreak import Line, PreparedText, Run, break_lines, line_runs
from layout.text.totalfit import break_paragraph


# not frozen: built ~10^5 times per edition, and a frozen dataclass costs 6x as much to construct; never mutated
@dataclass(slots=True)
class LineRun:
    x: float  # pt from the line's left edge
    text: str
    tc: float  # pt
    face: str  # Face.key


# not frozen: built ~10^5 times per edition, and a frozen dataclass costs 6x as much to construct; never mutated
@dataclass(slots=True)
class TextLine:
    runs: tuple[LineRun, ...]
    para: int
    start: int
    end: int
    next: int
    last: bool  # last line of its paragraph
    width: float  # set width in pt (from the left edge to the right end of the last glyph)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass(frozen=True)
class Cursor:
    """A position in a story's text: paragraph index and character offset."""

    para: int = 0
    offset: int = 0


def check_coverage(fonts: FontBook, role_face: str, text: str, story: str, page: str,
                   where: Where | None = None) -> None:
    """A character no face covers is an error naming it, its code point, story and page."""
    missing = fonts.uncovered(role_face, text)
    if missing:
        shown = ", ".join(describe(c) for c in missing[:8]) + (" …" if len(missing) > 8 else "")
        raise FontError(Problem.at(
            where, f"story {story!r} on page {page}: no font covers {shown}",
            hint=f"face {fonts.face(role_face).family} and its fallbacks lack "
                 f"{len(missing)} character(s); replace them or add a face in fonts/fonts.yaml"))


class TextSetter:
    """Sets the paragraphs of one text role; prepared paragraphs are reused per measure."""

    def __init__(self, paragraphs: tuple[str, ...], metrics: RoleMetrics, size: float, style: Style,
                 indent_chars: float | None = None, justify: bool = True, align: str = "left"):
        self.paragraphs = paragraphs
        self.metrics = metrics
        self.size = size
        self.level = style.kinsoku
        self.trim = style.trim_opening_at_line_start
        self.indent = style.indent_chars if indent_chars is None else indent_chars
        self.indent_first = style.indent_after_heading  # clreq: some houses set the first paragraph flush
        self.justify = justify
        self.align = align
        self._prepared: dict[int, PreparedText] = {}
        # justified paragraphs are broken whole (total fit) once per measure and start; a flow
        # that resumes a paragraph at one of those lines (the next column) continues the same
        # setting: (para, measure, line start) -> (that setting, index of the line)
        self._broken: dict[tuple[int, float, int], tuple[list[Line], int]] = {}

    def prepared(self, i: int) -> PreparedText:
        p = self._prepared.get(i)
        if p is None:
            p = self._prepared[i] = PreparedText(self.paragraphs[i], self.metrics.widths, self.level, self.trim,
                                                 kerning=self.metrics.face.kerning)
        return p

    def _indent(self, para: int) -> float:
        return 0.0 if para == 0 and not self.indent_first else self.indent

    def lines(self, cur: Cursor, measure: float, max_lines: int) -> tuple[list[TextLine], Cursor]:
        """Up to max_lines lines from cur at `measure` pt; returns them and the next cursor."""
        out: list[TextLine] = []
        em = measure / self.size
        para, off = cur.para, cur.offset
        while para < len(self.paragraphs) and len(out) < max_lines:
            p = self.prepared(para)
            brk = self._break(p, para, em, off, max_lines - len(out))
            for ln in brk:
                out.append(self._text_line(p, para, ln, em))
            if brk and brk[-1].last:
                para, off = para + 1, 0
            elif brk:
                off = brk[-1].next
            else:
                para, off = para + 1, 0
        return out, Cursor(para, off)

    def count_lines(self, cur: Cursor, measure: float) -> int:
        em = measure / self.size
        total = 0
        para, off = cur.para, cur.offset
        while para < len(self.paragraphs):
            total += len(self._break(self.prepared(para), para, em, off, None))
            para, off = para + 1, 0
        return total

    def _break(self, p: PreparedText, para: int, em: float, off: int, max_lines: int | None) -> list[Line]:
        """Lines of paragraph `para` from `off`: the whole paragraph's total fit when justified
        (computed once, then sliced), greedy for ragged settings (headlines, captions)."""
        if not self.justify:
            return break_lines(p, em, self._indent(para), off, max_lines)
        got = self._broken.get((para, em, off))
        if got is None:
            lines = break_paragraph(p, em, self._indent(para), off)
            for i, ln in enumerate(lines):
                self._broken[(para, em, ln.start)] = (lines, i)
            got = self._broken[(para, em, off)] = (lines, 0)
        lines, i = got
        return lines[i:] if max_lines is None else lines[i:i + max_lines]

    def _text_line(self, p: PreparedText, para: int, ln: Line, em: float) -> TextLine:
        runs = line_runs(p, ln, self.justify)
        size = self.size
        shift = 0.0
        if not self.justify or ln.last:
            natural = _right(runs, self.metrics.widths, 1.0) - ln.indent
            if self.align == "center":
                shift = (ln.measure - natural) / 2 * size
            elif self.align == "right":
                shift = (ln.measure - natural) * size
        out = _face_runs(runs, self.metrics, size, shift)
        width = _right(runs, self.metrics.widths, size) + shift
        return TextLine(tuple(out), para, ln.start, ln.end, ln.next, ln.last, width)


def _right(runs: list[Run], widths: dict[str, float], size: float) -> float:
    """Right end (pt) of the last glyph's advance: what the eye and the audit see as the edge."""
    if not runs:
        return 0.0
    r = runs[-1]
    w = sum(map(widths.__getitem__, r.text)) + r.tc * (len(r.text) - 1)
    return (r.x + w) * size


def _face_runs(runs: list[Run], metrics: RoleMetrics, size: float, shift: float) -> list[LineRun]:
    """Scale runs to pt and split them where a fallback face takes over."""
    key = metrics.face.key
    fb = metrics.fallback
    widths = metrics.widths
    out = []
    for r in runs:
        if not fb or not any(ch in fb for ch in r.text):
            out.append(LineRun(r.x * size + shift, r.text, r.tc * size, key))
            continue
        x = r.x * size + shift
        cur_face, cur_text, cur_x = None, "", x
        for ch in r.text:
            f = fb[ch].key if ch in fb else key
            if f != cur_face and cur_text:
                out.append(LineRun(cur_x, cur_text, r.tc * size, cur_face or key))
                cur_text, cur_x = "", x
            cur_face = f
            cur_text += ch
            x += widths[ch] * size + r.tc * size
        if cur_text:
            out.append(LineRun(cur_x, cur_text, r.tc * size, cur_face or key))
    return out


# -- headlines -------------------------------------------------------------------
@dataclass(frozen=True)
class SetBlock:
    """A small block of set lines (kicker, headline, byline, caption...)."""

    lines: tuple[TextLine, ...]
    size: float
    leading: float
    face: str

    @property
    def height(self) -> float:
        return len(self.lines) * self.leading


def set_block(text: str, role: Role, fonts: FontBook, measure: float, style: Style, *,
              size: float | None = None, face: str | None = None, max_lines: int = 99,
              story: str = "", page: str = "", where: Where | None = None,
              justify: bool | None = None) -> SetBlock:
    face = face or role.face
    size = size or role.size
    check_coverage(fonts, face, text, story, page, where)
    metrics = fonts.metrics(face)
    just = role.align == "justify" if justify is None else justify
    setter = TextSetter((text,), metrics, size, style, indent_chars=0.0, justify=just, align=role.align)
    lines, _ = setter.lines(Cursor(), measure, max_lines)
    leading = role.leading * size / role.size if role.leading else size * 1.2
    return SetBlock(tuple(lines), size, leading, metrics.face.key)


def fits(text: str, role: Role, fonts: FontBook, measure: float, style: Style, size: float,
         face: str, max_lines: int) -> SetBlock | None:
    metrics = fonts.metrics(face)
    setter = TextSetter((text,), metrics, size, style, indent_chars=0.0, justify=False, align=role.align)
    lines, cur = setter.lines(Cursor(), measure, max_lines + 1)
    if len(lines) > max_lines:
        return None
    if len(lines) > 1 and any(len(ln.text) < 2 for ln in lines):
        return None
    leading = role.leading * size / role.size
    return SetBlock(tuple(lines), size, leading, metrics.face.key)


def fit_headline_size(text: str, role: Role, fonts: FontBook, measure: float, style: Style, *,
                      size: float | None = None, face: str | None = None, max_lines: int | None = None,
                      story: str = "", page: str = "", where: Where | None = None) -> SetBlock:
    """The largest size of the role's range that sets `text` within max_lines lines."""
    face = face or role.face
    check_coverage(fonts, face, text, story, page, where)
    max_lines = max_lines or role.max_lines
    candidates = [size] if size else list(role.sizes or (role.size,))
    for s in candidates:
        block = fits(text, role, fonts, measure, style, s, face, max_lines)
        if block is not None:
            return block
    smallest = candidates[-1]
    raise CompositionError(Problem.at(
        where, f"headline of story {story!r} on page {page} does not fit {measure:.0f} pt in {max_lines} line(s) "
        f"even at {smallest:g} pt: {text!r}",
        hint="shorten it, allow more lines (headline: {text: ..., lines: 2}) or widen the frame"))


@dataclass(frozen=True, slots=True)
class VGlyph:
    x: float  # left of the cell, pt from the block's left
    y: float  # baseline, pt from the block's top
    text: str
    face: str


@dataclass(frozen=True)
class VerticalBlock:
    glyphs: tuple[VGlyph, ...]
    width: float
    height: float
    size: float


def set_vertical(text: str, role: Role, fonts: FontBook, height: float, *, size: float | None = None,
                 face: str | None = None, story: str = "", page: str = "",
                 where: Where | None = None) -> VerticalBlock:
    """竖排: top to bottom, columns right to left, vertical punctuation forms, upright digits.

    Two-digit numbers share one cell (纵中横); longer digit runs take a cell per digit.
    """
    face = face or role.face
    candidates = [size] if size else list(role.sizes or (role.size,))
    cells = _vertical_cells(text)
    chosen = None
    for s in candidates:
        per_col = int(height // s)
        if per_col >= 1 and math.ceil(len(cells) / per_col) <= 2:
            chosen = s
            break
    if chosen is None:
        raise CompositionError(Problem.at(
            where, f"vertical headline of story {story!r} on page {page} does not fit {height:.0f} pt",
            hint="shorten it or make the frame taller"))
    s = chosen
    all_text = "".join(cells)
    check_coverage(fonts, face, all_text, story, page, where)
    metrics = fonts.metrics(face)
    per_col = int(height // s)
    ncols = math.ceil(len(cells) / per_col)
    gap = s * 0.25
    width = ncols * s + (ncols - 1) * gap
    asc = metrics.face.ascent
    glyphs = []
    for k, cell in enumerate(cells):
        col, row = divmod(k, per_col)
        left = width - (col + 1) * s - col * gap
        top = row * s
        w = sum(metrics.widths[c] for c in cell) * s
        fk = metrics.fallback[cell[0]].key if cell[0] in metrics.fallback else metrics.face.key
        glyphs.append(VGlyph(left + (s - w) / 2, top + asc * s, cell, fk))
    rows = min(len(cells), per_col)
    return VerticalBlock(tuple(glyphs), width, rows * s, s)


def _vertical_cells(text: str) -> list[str]:
    cells: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isascii() and ch.isdigit():
            j = i
            while j < len(text) and text[j].isascii() and text[j].isdigit():
                j += 1
            run = text[i:j]
            cells.extend([run] if len(run) == 2 else list(run))
            i = j
            continue
        if not ch.isspace():
            cells.append(cjk.VERTICAL_FORMS.get(ch, ch))
        i += 1
    return cells
