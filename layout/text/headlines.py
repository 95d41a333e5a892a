"""Display texts: kickers, headlines and subheads (horizontal, balanced, broken between
words by layout.text.phrasing; explicit breaks kept), headline copyfitting, and vertical
(竖排) headlines.  Built on the paragraph API of layout.text.typeset.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from layout.errors import CompositionError, Problem
from layout.fonts.catalogue import FontBook, RoleMetrics
from layout.model.edition import Where
from layout.model.styles import Role, Style
from layout.text import cjk, phrasing
from layout.text.linebreak import EPS, SQUEEZE_LOOKAHEAD, Line, PreparedText
from layout.text.spacing import normalise_spaces, removed_spaces, shift_offset
from layout.text.typeset import SetBlock, TextLine, TextSetter, check_coverage, set_block

_EDGE_SPACES = " \u3000"  # a space at a break (a clause space, U+3000, too) is not set


class DisplayText:
    """One display text (kicker, headline, subhead) of one face, prepared once for every
    size copyfitting tries: widths in em do not depend on the size."""

    def __init__(self, text: str, breaks: tuple[int, ...], metrics: RoleMetrics, style: Style, role: Role):
        gone = removed_spaces(text)  # typed spaces between Han and digits/Latin (spacing.py)
        if gone:
            text = normalise_spaces(text)
            breaks = tuple(shift_offset(b, gone) for b in breaks)
        self.text = text
        self.breaks = breaks
        self.metrics = metrics
        self.style = style
        self.role = role
        self.p = PreparedText(text, metrics.widths, style.kinsoku, style.trim_opening_at_line_start,
                              kerning=metrics.face.kerning, latin_gap=role.latin_gap)

    def _start(self, s: int, e: int) -> int:
        text = self.text
        while s < e and text[s] in _EDGE_SPACES:
            s += 1
        return s

    def _end(self, s: int, e: int) -> int:
        text = self.text
        while e > s and text[e - 1] in _EDGE_SPACES:
            e -= 1
        return e

    def width(self, s: int, e: int) -> float:
        """Natural width in em of the line from s to the next line's start e."""
        s = self._start(s, e)
        e = self._end(s, e)
        return self.p.width(s, e) if e > s else 0.0

    def fits(self, s: int, e: int, em: float) -> bool:
        """As break_lines decides: a closing mark at the line end may be set half width, and
        marks that may not start a line (at most SQUEEZE_LOOKAHEAD) are squeezed in."""
        p = self.p
        s = self._start(s, e)
        e = self._end(s, e)
        if e <= s:
            return True
        w = p.width(s, e)
        if w - p.end_shrink(e) <= em + EPS:
            return True
        x = bisect_right(p.cum, p.cum[s] + p.start_trim(s) + em + EPS, s + 1) - 1
        return (e - x <= SQUEEZE_LOOKAHEAD and p.allowed.find(1, x, e) < 0
                and w - p.squeezable(s, e) <= em + EPS)

    def lines(self, size: float, measure: float, max_lines: int, characters: bool) -> list[TextLine] | None:
        """Balanced lines at `size` broken between words (or, with `characters`, between
        characters where no word break fits), or None if they need more than max_lines."""
        em = measure / size
        starts = phrasing.choose(self.text, self.breaks, self.p.allowed, self.width,
                                 lambda s, e: self.fits(s, e, em), max_lines, characters, em)
        if starts is None:
            return None
        setter = TextSetter((self.text,), self.metrics, size, self.style, indent_chars=0.0, justify=False,
                            align=self.role.align, latin_gap=self.role.latin_gap)
        n = len(self.text)
        out = []
        for s, nxt in phrasing.lines_of(starts, n):
            s = self._start(s, nxt)
            e = self._end(s, nxt)
            if e <= s:
                continue
            ln = Line(s, e, nxt, self.p.width(s, e), em, 0.0, nxt >= n)
            out.append(setter._text_line(self.p, 0, ln, em))
        return out

    def block(self, size: float, lines: list[TextLine]) -> SetBlock:
        role = self.role
        leading = role.leading * size / role.size if role.leading else size * 1.2
        return SetBlock(tuple(lines), size, leading, self.metrics.face.key)


def set_display(text: str, role: Role, fonts: FontBook, measure: float, style: Style, *,
                breaks: tuple[int, ...] = (), size: float | None = None, face: str | None = None,
                max_lines: int = 99, story: str = "", page: str = "", where: Where | None = None) -> SetBlock:
    """A kicker or subhead at its role's size: explicit breaks kept, balanced lines broken
    between words (between characters, never leaving one alone, if no word breaking fits;
    greedily as a last resort, so a display text is never refused)."""
    face = face or role.face
    size = size or role.size
    check_coverage(fonts, face, text, story, page, where)
    d = DisplayText(text, breaks, fonts.metrics(face), style, role)
    for characters in (False, True):
        got = d.lines(size, measure, max_lines, characters)
        if got is not None:
            return d.block(size, got)
    return set_block(text, role, fonts, measure, style, size=size, face=face, max_lines=max_lines, story=story,
                     page=page, where=where, justify=False)


def fits(text: str, role: Role, fonts: FontBook, measure: float, style: Style, size: float,
         face: str, max_lines: int, breaks: tuple[int, ...] = (), characters: bool = False) -> SetBlock | None:
    """The headline at `size` in at most max_lines balanced lines, or None."""
    d = DisplayText(text, breaks, fonts.metrics(face), style, role)
    got = d.lines(size, measure, max_lines, characters)
    return None if got is None else d.block(size, got)


def fit_headline_size(text: str, role: Role, fonts: FontBook, measure: float, style: Style, *,
                      breaks: tuple[int, ...] = (), size: float | None = None, face: str | None = None,
                      max_lines: int | None = None, story: str = "", page: str = "",
                      where: Where | None = None) -> SetBlock:
    """The largest size of the role's range that sets `text` within max_lines lines.

    Breaks between words are tried at every size first, so a headline is set a size smaller
    rather than broken inside a word; character breaks only if no size allows word breaks."""
    face = face or role.face
    check_coverage(fonts, face, text, story, page, where)
    max_lines = max_lines or role.max_lines
    candidates = [size] if size else list(role.sizes or (role.size,))
    d = DisplayText(text, breaks, fonts.metrics(face), style, role)
    for characters in (False, True):
        for s in candidates:
            got = d.lines(s, measure, max_lines, characters)
            if got is not None:
                return d.block(s, got)
    smallest = candidates[-1]
    lines = max(max_lines, len(breaks) + 1)
    raise CompositionError(Problem.at(
        where, f"headline of story {story!r} on page {page} does not fit {measure:.0f} pt in {lines} line(s) "
        f"even at {smallest:g} pt: {text!r}",
        hint="shorten it, allow more lines (headline: {text: ..., lines: 2}) or widen the frame"))


@dataclass(frozen=True, slots=True)
class VGlyph:
    """One cell of a vertical headline: its character (or 纵中横 pair) and where it sits."""

    x: float  # left of the cell, pt from the block's left
    y: float  # baseline, pt from the block's top
    text: str
    face: str


@dataclass(frozen=True)
class VerticalBlock:
    """A vertical (竖排) headline set: its cells and the block they fill, at the size chosen."""

    glyphs: tuple[VGlyph, ...]
    width: float
    height: float
    size: float


def set_vertical(text: str, role: Role, fonts: FontBook, height: float, *, breaks: tuple[int, ...] = (),
                 size: float | None = None, face: str | None = None, max_lines: int | None = None,
                 story: str = "", page: str = "", where: Where | None = None) -> VerticalBlock:
    """竖排: top to bottom, columns right to left, vertical punctuation forms, upright digits.

    Two-digit numbers share one cell (纵中横); longer digit runs take a cell per digit.
    Columns break like horizontal headlines: explicit breaks kept, otherwise balanced at
    phrases, in at most `max_lines` columns (default 2), at the largest size that allows it.
    """
    face = face or role.face
    candidates = [size] if size else list(role.sizes or (role.size,))
    cells, offsets = _vertical_cells(text)
    allowed = PreparedText(text, _UNIT, "strict").allowed

    def count(s: int, e: int) -> int:  # cells of the column from s to the next column's start e
        return bisect_left(offsets, e) - bisect_left(offsets, s)

    chosen = None
    for characters in (False, True):
        for s in candidates:
            per_col = int(height // s)
            if per_col < 1:
                continue
            starts = phrasing.choose(text, breaks, allowed, count, lambda a, b, n=per_col: count(a, b) <= n,
                                     max_lines or 2, characters, per_col)
            if starts is not None:
                chosen = s, starts
                break
        if chosen:
            break
    if chosen is None:
        raise CompositionError(Problem.at(
            where, f"vertical headline of story {story!r} on page {page} does not fit {height:.0f} pt",
            hint="shorten it or make the frame taller"))
    s, starts = chosen
    check_coverage(fonts, face, "".join(cells), story, page, where)
    metrics = fonts.metrics(face)
    columns = [(bisect_left(offsets, a), bisect_left(offsets, b)) for a, b in phrasing.lines_of(starts, len(text))]
    columns = [c for c in columns if c[1] > c[0]]
    ncols = len(columns)
    gap = s * 0.25
    width = ncols * s + (ncols - 1) * gap
    asc = metrics.face.ascent
    glyphs = []
    for col, (c0, c1) in enumerate(columns):
        left = width - (col + 1) * s - col * gap
        for row, cell in enumerate(cells[c0:c1]):
            w = sum(metrics.widths[c] for c in cell) * s
            fk = metrics.fallback[cell[0]].key if cell[0] in metrics.fallback else metrics.face.key
            glyphs.append(VGlyph(left + (s - w) / 2, row * s + asc * s, cell, fk))
    rows = max(c1 - c0 for c0, c1 in columns)
    return VerticalBlock(tuple(glyphs), width, rows * s, s)


class _Unit(dict):
    """Every character one unit wide: kinsoku breaks of a 竖排 text, which counts cells."""

    def __missing__(self, key: str) -> float:
        return 1.0


_UNIT = _Unit()


def _vertical_cells(text: str) -> tuple[list[str], list[int]]:
    """The cells of a 竖排 text and the offset in `text` where each starts."""
    cells: list[str] = []
    offsets: list[int] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isascii() and ch.isdigit():
            j = i
            while j < len(text) and text[j].isascii() and text[j].isdigit():
                j += 1
            if j - i == 2:
                cells.append(text[i:j])
                offsets.append(i)
            else:
                cells.extend(text[i:j])
                offsets.extend(range(i, j))
            i = j
            continue
        if not ch.isspace():
            cells.append(cjk.VERTICAL_FORMS.get(ch, ch))
            offsets.append(i)
        i += 1
    return cells, offsets
