"""Page furniture: the masthead of a front page, the folio line of the others, proof line
numbers, and the names pages are given in folios and jump lines.

In: Edition, a Placer.  Out: display items; nothing here depends on the stories of a page.
"""

from __future__ import annotations

import dataclasses

from layout.model.edition import Edition, Page
from layout.page.display import GlyphRun, Marker, Rule
from layout.page.place import Placer, color
from layout.text import dates
from layout.text.typeset import set_block


def main_section(edition: Edition) -> str:
    return edition.sections[0].id if edition.sections else ""


def jump_name(edition: Edition, label: str) -> str:
    """第三版 for the main section, T3版 / 特3版 for special sections (how jump lines name pages)."""
    page = edition.page(label)
    if page.section == main_section(edition):
        return f"第{dates.chinese_number(page.number)}版"
    return f"{label}版"


def short_name(edition: Edition, label: str) -> str:
    """3版 / T3版 / 特3版 (相关报道详见3版)."""
    page = edition.page(label)
    if page.section == main_section(edition):
        return f"{page.number}版"
    return f"{label}版"


def folio_label(edition: Edition, page: Page) -> str:
    if page.section == main_section(edition):
        return f"第{page.number}版"
    return page.label


class Furniture:
    def __init__(self, placer: Placer):
        self.placer = placer
        self._lineno: tuple[Marker, ...] | None = None

    def _text(self, text: str, role_name: str, x: float, base: float, story: str, kind: str, align: str = "left",
              size: float | None = None) -> list:
        """One line of furniture (folio, masthead), set by the paragraph API like any text."""
        st = self.placer.style
        role = st.role(role_name)
        flush = dataclasses.replace(role, align="left")
        block = set_block(text, flush, self.placer.fonts, st.page_width, st, size=size, story=story,
                          page=kind, max_lines=1, justify=False)
        line = block.lines[0]
        if align == "right":
            x -= line.width
        elif align == "center":
            x -= line.width / 2
        return [GlyphRun(x + r.x, base, r.face, block.size, r.text, r.tc, color(role), False, story, kind)
                for r in line.runs]

    def folio(self, page: Page) -> list:
        st, g = self.placer.style, self.placer.grid
        ed = self.placer.edition
        base = g.top - 10.0
        left, right = g.left, g.left + st.type_width
        section = ed.section(page.section).name
        label = folio_label(ed, page)
        credits = f"责任编辑：{page.editor}" if page.editor else ""
        if page.designer:
            credits += f"　版式设计：{page.designer}"
        dateline = f"{ed.paper}　{dates.date_text(ed.date)}　{dates.weekday_text(ed.date)}"
        odd = page.number % 2 == 1
        items: list = []
        lead = f"{label}　{section}" if label else section
        if odd:  # outer edge carries the page label (right-hand pages)
            items += self._text(credits, "folio", left, base, "folio", "folio") if credits else []
            items += self._text(dateline, "folio", left + st.type_width / 2, base, "folio", "folio", "center")
            items += self._text(lead, "folio", right, base, "folio", "folio", "right")
        else:
            items += self._text(lead, "folio", left, base, "folio", "folio")
            items += self._text(dateline, "folio", left + st.type_width / 2, base, "folio", "folio", "center")
            items += self._text(credits, "folio", right, base, "folio", "folio", "right") if credits else []
        y = g.top - 5.0
        items.append(Rule(left, y, right, y, st.folio_rule_weight))
        return items

    def masthead(self, page: Page) -> list:
        st, g = self.placer.style, self.placer.grid
        ed = self.placer.edition
        n = st.masthead_lines
        left, right = g.left, g.left + st.type_width
        top, bottom = g.line_y(0), g.line_y(n)
        role = st.role("masthead")
        asc = self.placer.fonts.metrics(role.face).face.ascent
        size = role.size
        base = top + (bottom - top - 6 - size) / 2 + asc * size
        items = self._text(ed.paper, "masthead", left, base, "masthead", "masthead", size=size)
        info = [
            f"{dates.date_text(ed.date)}　{dates.weekday_text(ed.date)}",
            dates.lunar_text(ed.date),
            (f"总第{ed.number}号　" if ed.number else "") + f"今日{len(ed.pages)}版",
        ]
        if page.editor:
            info.append(f"责任编辑：{page.editor}")
        drole = st.role("dateline")
        lead = drole.size * 1.6
        y = top + (bottom - top - 6 - lead * len(info)) / 2 + drole.size
        for t in info:
            items += self._text(t, "dateline", right, y, "masthead", "dateline", "right")
            y += lead
        items.append(Rule(left, bottom - 5.0, right, bottom - 5.0, 2.0))
        items.append(Rule(left, bottom - 2.0, right, bottom - 2.0, 0.5))
        return items

    def line_numbers(self) -> list:
        """Proof aid: grid line numbers 1..N in the gutter left of every basic column (the
        same on every page: made once)."""
        if self._lineno is None:
            st, g = self.placer.style, self.placer.grid
            out = []
            for col in range(1, st.columns + 1):
                x = g.col_x(col) - st.gutter
                out += [Marker(x, g.line_y(i), st.gutter, st.leading, "lineno", str(i + 1)) for i in range(st.lines)]
            self._lineno = tuple(out)
        return list(self._lineno)
