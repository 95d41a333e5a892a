"""The page grid: columns, gutters and baseline grid; frames -> rectangles in points.

In: a Style (and an Edition for `check_frames`).  Out: rectangles (top-left origin) and
the geometry problems of a manifest: frames off the grid, into the masthead, overlapping.
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.errors import Problem
from layout.model.edition import Edition, Frame, Page, Where
from layout.model.styles import Style
from layout.page.keys import StoryKey


@dataclass(frozen=True)
class FrameArea:
    """A frame's rectangle in points (top-left origin): what a Frame of grid cells covers."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


class Grid:
    def __init__(self, style: Style):
        self.style = style
        self.left = style.type_left
        self.top = style.type_top
        self.colw = style.column_width
        self.gutter = style.gutter
        self.leading = style.leading

    def col_x(self, col: int) -> float:
        """Left edge of 1-based column `col`."""
        return self.left + (col - 1) * (self.colw + self.gutter)

    def span_width(self, span: int) -> float:
        return span * self.colw + (span - 1) * self.gutter

    def line_y(self, line: int) -> float:
        """Top of grid line `line` (0-based)."""
        return self.top + line * self.leading

    def frame_area(self, f: Frame) -> FrameArea:
        return FrameArea(self.col_x(f.col), self.line_y(f.top), self.span_width(f.span), f.lines * self.leading)

    def baseline(self, line: int, size: float, ascent: float = 0.88) -> float:
        """Baseline of text of `size` centred (by its em box) in grid line `line`."""
        return self.line_y(line) + (self.leading - size) / 2 + ascent * size

    def first_line(self, page: Page) -> int:
        return self.style.masthead_lines if page.template == "front" else 0


def check_frames(edition: Edition, style: Style) -> list[Problem]:
    """Frames inside the grid, clear of the masthead, not overlapping; text columns that fit."""
    problems: list[Problem] = []
    for page in edition.pages:
        first = style.masthead_lines if page.template == "front" else 0
        items: list[tuple[str, Frame, Where]] = []
        items += [(s.id if not s.continued_from else f"{s.continued_from} (continued)", s.frame, s.where)
                  for s in page.stories]
        items += [(p.id, p.frame, p.where) for p in page.photos if p.frame]
        items += [(b.id, b.frame, b.where) for b in page.boxes]
        for name, f, w in items:
            fpath = Where(w.file, w.line, w.column, w.path + ".frame")
            if f.col + f.span - 1 > style.columns:
                problems.append(Problem.at(
                    fpath, f"frame of {name!r} on {page.label} spans columns {f.col}-{f.col + f.span - 1}; "
                    f"the grid has {style.columns}", f"make col + span - 1 <= {style.columns}"))
            if f.top + f.lines > style.lines:
                # grid lines are numbered from 0 (as `top:` counts them): the last is lines - 1
                problems.append(Problem.at(
                    fpath, f"frame of {name!r} on {page.label} runs to line {f.top + f.lines - 1} "
                    f"(top {f.top} + lines {f.lines} - 1); the grid's last line is {style.lines - 1}",
                    f"make it lines: {f.lines} → {max(style.lines - f.top, 1)}, so that top + lines <= {style.lines}"))
            if f.top < first:
                problems.append(Problem.at(
                    fpath, f"frame of {name!r} on {page.label} starts at line {f.top}, inside the masthead "
                    f"(lines 0-{first - 1})", f"start at top: {first} or later"))
        for i, (na, fa, wa) in enumerate(items):
            for nb, fb, wb in items[i + 1:]:
                if fa.overlaps(fb):
                    problems.append(Problem.at(
                        wb, f"frames of {na!r} and {nb!r} on {page.label} overlap",
                        f"{na}: col {fa.col} span {fa.span} top {fa.top} lines {fa.lines}; "
                        f"{nb}: col {fb.col} span {fb.span} top {fb.top} lines {fb.lines}"))
        for s in page.stories:
            if s.columns > s.frame.span * style.column_chars:
                name = str(StoryKey.of(s))
                problems.append(Problem.at(s.where, f"story {name!r} asks for {s.columns} text columns "
                                           f"in a {s.frame.span}-column frame"))
    return problems
