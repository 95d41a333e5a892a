"""Putting set text and rules on the page grid: what every part of a page shares.

In: Edition, Style, FontBook.  Out: display items (GlyphRun, Rule) for one line of
unjustified text, a block centred in whole grid lines, and the rules that separate
frames.  Story blocks, photos, boxes and furniture (story.py, photo.py, box.py,
furniture.py) each hold one `Placer` rather than repeating these rules of the grid.
"""

from __future__ import annotations

import dataclasses
import math

from layout.fonts.catalogue import FontBook
from layout.model.edition import Edition, Page
from layout.model.styles import COLORS, Role, Style
from layout.page.display import BLACK, CMYK, GlyphRun, Rule
from layout.page.grid import FrameArea, Grid
from layout.text.typeset import SetBlock, TextLine, set_block


def color(role: Role) -> CMYK:
    return COLORS.get(role.color, BLACK)


class Placer:
    def __init__(self, edition: Edition, style: Style, fonts: FontBook):
        self.edition = edition
        self.style = style
        self.fonts = fonts
        self.grid = Grid(style)

    def line(self, text: str, role_name: str, measure: float, story: str, page: str, align: str | None = None
             ) -> TextLine:
        """One unjustified line of `role_name` (jump lines, photo credits)."""
        role = self.style.role(role_name)
        if align:
            role = dataclasses.replace(role, align=align)
        block = set_block(text, role, self.fonts, measure, self.style, story=story, page=page, max_lines=1,
                          justify=False)
        return block.lines[0]

    def block(self, block: SetBlock, x: float, line: int, role: Role, story: str, kind: str
              ) -> tuple[list, int]:
        """Centre a set block vertically in whole grid lines starting at grid line `line`;
        returns its runs and the number of grid lines it takes."""
        st = self.style
        n = max(1, math.ceil(block.height / st.leading - 1e-6))
        top = self.grid.line_y(line) + (n * st.leading - block.height) / 2
        asc = self.fonts.metrics(role.face).face.ascent
        items = []
        rgb = color(role)
        for i, tl in enumerate(block.lines):
            base = top + i * block.leading + (block.leading - block.size) / 2 + asc * block.size
            for r in tl.runs:
                items.append(GlyphRun(x + r.x, base, r.face, block.size, r.text, r.tc, rgb, False, story, kind))
        return items, n

    def content_top(self, page: Page, top: int) -> int:
        """First grid line of a frame's content: below the separating rule unless the frame
        starts at the top of the type area."""
        return top + 1 if top > self.grid.first_line(page) else top

    def frame_rules(self, page: Page, col: int, top: int, bottom: int, area: FrameArea) -> list:
        """The rule above a frame (unless at the top of the type area) and the column rule
        left of it (unless in the first column)."""
        g, st = self.grid, self.style
        items: list = []
        if top > g.first_line(page):
            y = g.line_y(top) + st.leading / 2
            items.append(Rule(area.x, y, area.right, y, st.rule_weight))
        if col > 1:
            x = area.x - st.gutter / 2
            y0 = g.line_y(top) + (st.leading / 2 if top > g.first_line(page) else 0)
            items.append(Rule(x, y0, x, g.line_y(bottom), st.rule_weight))
        return items
