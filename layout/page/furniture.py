"""Page furniture: the masthead of a front page, the folio line of the others, proof line
numbers, and the names pages are given in folios and jump lines.

In: Edition, a Placer.  Out: display items; nothing here depends on the stories of a page.

Furniture holds text from the manifest (the paper's and sections' names, editors and
designers), so it is measured like every other text: a part too long for its place is set
smaller, in tenths of a point down to FLOOR of its role's size (the folio's dateline gives
way first); a part that does not fit even then is a CompositionError naming the field to
shorten, the page and the field's manifest line.  What fits costs nothing extra: each part
is set once, as before.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import yaml

from layout.errors import CompositionError, Problem
from layout.model import yamlpos
from layout.model.edition import Edition, Page, Where
from layout.page.display import GlyphRun, Marker, Rule
from layout.page.place import Placer, color
from layout.text import dates
from layout.text.typeset import TextLine, set_block


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


FLOOR = 0.8  # furniture is set down to 80 % of its role's size to fit, never smaller
_HUGE = 1e6  # pt: a measure no line reaches, to learn a too-long line's natural width


@dataclass(frozen=True)
class Part:
    """What one piece of furniture is made of, for the error when it cannot fit: the manifest
    key of the field a user can shorten, what it is called and its value."""

    path: str  # pages.A2.editor, sections[1].name, edition.paper
    what: str  # "the editor's name"
    value: str


@dataclass(frozen=True, eq=False, repr=False)  # never compared nor printed: no __eq__, __repr__ to compile at import
class _Set:
    """A line of furniture set at the size it was given."""

    line: TextLine
    size: float


class Furniture:
    def __init__(self, placer: Placer):
        self.placer = placer
        self._lineno: tuple[Marker, ...] | None = None

    def _set(self, text: str, role_name: str, size: float, measure: float | None = None) -> _Set:
        """One line of furniture (folio, masthead), set by the paragraph API like any text."""
        st = self.placer.style
        role = st.role(role_name)
        flush = dataclasses.replace(role, align="left")
        story = "folio" if role_name == "folio" else "masthead"  # (named so in a coverage error)
        block = set_block(text, flush, self.placer.fonts, measure or st.page_width, st, size=size, story=story,
                          page=role_name, max_lines=1, justify=False)
        return _Set(block.lines[0], block.size)

    def _fit(self, text: str, role_name: str, room: float) -> _Set | None:
        """`text` at its role's size if it fits `room` pt, else at the largest size (in tenths
        of a point, down to FLOOR of the role's size) that does; None if none does."""
        full = self.placer.style.role(role_name).size
        got = self._set(text, role_name, full)
        if got.line.last and got.line.width <= room + 1e-6:
            return got
        width = got.line.width if got.line.last else self._set(text, role_name, full, _HUGE).line.width
        size = min(math.floor(full * room / max(width, 1e-6) * 10) / 10, round(full - 0.1, 1))
        while size >= full * FLOOR - 1e-9:
            got = self._set(text, role_name, size)
            if got.line.last and got.line.width <= room + 1e-6:
                return got
            size = round(size - 0.1, 1)
        return None

    def _width_at_floor(self, text: str, role_name: str) -> float:
        full = self.placer.style.role(role_name).size
        return self._set(text, role_name, full, _HUGE).line.width * FLOOR

    def _place(self, got: _Set, role_name: str, x: float, base: float, story: str, kind: str,
               align: str = "left") -> list:
        line = got.line
        if align == "right":
            x -= line.width
        elif align == "center":
            x -= line.width / 2
        rgb = color(self.placer.style.role(role_name))
        return [GlyphRun(x + r.x, base, r.face, got.size, r.text, r.tc, rgb, False, story, kind) for r in line.runs]

    def _where(self, page: Page, path: str) -> Where:
        """The manifest position of `path`, read from the manifest again: only for an error
        (the model keeps positions of manifest entries, not of every scalar)."""
        ed = self.placer.edition
        try:
            line, col = yamlpos.load(ed.source.read_text(encoding="utf-8")).mark(path)
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError):
            line, col = page.where.line, page.where.column
        return Where(str(ed.source), line, col, path)

    def _too_long(self, page: Page, where_set: str, parts: list[Part], text: str, role_name: str,
                  room: float) -> Problem:
        """The problem for furniture that does not fit even at FLOOR: the part to shorten is the
        first whose text alone (with what comes before it) does not fit, else the last."""
        blame = parts[-1]
        for part in parts:
            if part.value and part.value in text:
                head = text[: text.index(part.value) + len(part.value)]
                if self._width_at_floor(head, role_name) > room:
                    blame = part
                    break
        full = self.placer.style.role(role_name).size
        floor = math.ceil(full * FLOOR * 10 - 1e-6) / 10  # the smallest size _fit tries
        need = self._width_at_floor(text, role_name)
        shown = blame.value if len(blame.value) <= 16 else blame.value[:15] + "…"
        fits = max(0, int(room / floor) - (len(text) - len(blame.value)))  # counting every character as 1 em
        return Problem.at(
            self._where(page, blame.path),
            f"page {page.label}: {blame.what} {shown!r} ({len(blame.value)} characters) does not fit the "
            f"{where_set}: even at {floor:g} pt ({FLOOR:.0%} of the {role_name} size) it needs {need:.0f} pt, "
            f"and {room:.0f} pt are free",
            f"shorten {blame.path} (about {fits} characters fit), or make the {role_name} role smaller in the style")

    def folio(self, page: Page) -> list:
        st, g = self.placer.style, self.placer.grid
        ed = self.placer.edition
        base = g.top - 10.0
        left, right = g.left, g.left + st.type_width
        si = next(i for i, s in enumerate(ed.sections) if s.id == page.section)
        section = ed.sections[si].name
        label = folio_label(ed, page)
        credits = f"责任编辑：{page.editor}" if page.editor else ""
        if page.designer:
            credits += f"　版式设计：{page.designer}"
        dateline = f"{ed.paper}　{dates.date_text(ed.date)}　{dates.weekday_text(ed.date)}"
        lead = f"{label}　{section}" if label else section
        credit_parts = ([Part(f"pages.{page.label}.editor", "the editor's name", page.editor)] if page.editor else []) \
            + ([Part(f"pages.{page.label}.designer", "the designer's name", page.designer)] if page.designer else [])
        lead_parts = [Part(f"sections[{si}].label", "the page label", label),
                      Part(f"sections[{si}].name", "the section name", section)]
        sides = [(lead, lead_parts), (credits, credit_parts)] if credits else [(lead, lead_parts)]
        gap = st.role("folio").size  # at least one em between the parts of the line
        date = self._fit(dateline, "folio", st.type_width - 2 * gap)
        if date is None:
            raise CompositionError(self._too_long(page, "folio line", [Part("edition.paper", "the paper's name",
                                                  ed.paper)], dateline, "folio", st.type_width - 2 * gap))
        room = (st.type_width - date.line.width) / 2 - gap
        fitted = [self._fit(text, "folio", room) for text, _ in sides]
        if None in fitted:  # the dateline gives way first (down to FLOOR), then it is an error
            need = max(self._width_at_floor(text, "folio") for text, _ in sides)
            narrower = self._fit(dateline, "folio", st.type_width - 2 * (need + gap))
            if narrower is not None:
                date = narrower
                room = (st.type_width - date.line.width) / 2 - gap
                fitted = [self._fit(text, "folio", room) for text, _ in sides]
        if None in fitted:
            floor_date = self._width_at_floor(dateline, "folio")
            room = (st.type_width - floor_date) / 2 - gap
            raise CompositionError([self._too_long(page, "folio line beside the dateline", parts, text, "folio", room)
                                    for (text, parts), got in zip(sides, fitted) if got is None])
        lead_set = fitted[0]
        credit_set = fitted[1] if credits else None
        odd = page.number % 2 == 1
        items: list = []
        if odd:  # outer edge carries the page label (right-hand pages)
            items += self._place(credit_set, "folio", left, base, "folio", "folio") if credit_set else []
            items += self._place(date, "folio", left + st.type_width / 2, base, "folio", "folio", "center")
            items += self._place(lead_set, "folio", right, base, "folio", "folio", "right")
        else:
            items += self._place(lead_set, "folio", left, base, "folio", "folio")
            items += self._place(date, "folio", left + st.type_width / 2, base, "folio", "folio", "center")
            items += self._place(credit_set, "folio", right, base, "folio", "folio", "right") if credit_set else []
        y = g.top - 5.0
        items.append(Rule(left, y, right, y, st.folio_rule_weight))
        return items

    def masthead(self, page: Page) -> list:
        st, g = self.placer.style, self.placer.grid
        ed = self.placer.edition
        n = st.masthead_lines
        left, right = g.left, g.left + st.type_width
        top, bottom = g.line_y(0), g.line_y(n)
        info = [
            f"{dates.date_text(ed.date)}　{dates.weekday_text(ed.date)}",
            dates.lunar_text(ed.date),
            (f"总第{ed.number}号　" if ed.number else "") + f"今日{len(ed.pages)}版",
        ]
        drole = st.role("dateline")
        gap = drole.size  # at least one em between the paper's name and the lines beside it
        made = [self._set(t, "dateline", drole.size) for t in info]  # what the tool writes: always fits
        paper_room = st.type_width - gap - max(m.line.width for m in made)
        paper = self._fit(ed.paper, "masthead", paper_room)
        if paper is None:
            raise CompositionError(self._too_long(page, "masthead", [Part("edition.paper", "the paper's name",
                                                  ed.paper)], ed.paper, "masthead", paper_room))
        if page.editor:
            room = st.type_width - gap - paper.line.width
            text = f"责任编辑：{page.editor}"
            got = self._fit(text, "dateline", room)
            if got is None:
                raise CompositionError(self._too_long(page, "masthead beside the paper's name", [Part(
                    f"pages.{page.label}.editor", "the editor's name", page.editor)], text, "dateline", room))
            made.append(got)
        asc = self.placer.fonts.metrics(st.role("masthead").face).face.ascent
        base = top + (bottom - top - 6 - paper.size) / 2 + asc * paper.size
        items = self._place(paper, "masthead", left, base, "masthead", "masthead")
        lead = drole.size * 1.6
        y = top + (bottom - top - 6 - lead * len(made)) / 2 + drole.size
        for m in made:
            items += self._place(m, "dateline", right, y, "masthead", "dateline", "right")
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
