"""Compose pages: headlines, stories, photos, boxes and furniture -> PageDisplay.

In: Edition, Style, FontBook.  Out: one PageDisplay per page (display.py), a StoryFit
per story entry (the fit report) and Findings (overset, underset, low ppi, font
fallback).  Nothing here writes files; images are only measured (Pillow reads headers).

A story block occupies grid cells: a separating rule on its first line (unless it starts
at the top of the type area), its headline group in whole grid lines, the byline, then
the body poured through its text columns (flow.py).  Jumps are resolved before pages are
composed (`resolve_jumps`), so every page can be composed on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from layout.errors import Finding, ManifestError, Problem
from layout.fonts.catalogue import FontBook, describe
from layout.model.edition import Box, Edition, Page, Photo, Story, Where
from layout.model.manifest import split_paragraphs
from layout.model.photos import photo_findings, photo_info
from layout.model.styles import COLORS, Role, Style
from layout.page.display import BLACK, Bookmark, GlyphRun, Image, Marker, PageDisplay, Rect, Rule
from layout.page.flow import Flow, Placed, Slot, pour
from layout.page.grid import Box as GBox
from layout.page.grid import Grid
from layout.text import dates
from layout.text.typeset import Cursor, SetBlock, TextLine, TextSetter, check_coverage, copyfit, set_block, set_vertical

MIN_PPI = 200.0  # colour/grey images at final size (typesetting.md §4, [PRN1])


@dataclass(frozen=True)
class StoryFit:
    """One line of the fit report."""

    story: str
    page: str
    frame: dict
    continued_from: str
    jump_to: str
    columns: int
    capacity_lines: int
    lines_set: int
    chars_total: int
    chars_set: int
    overset_lines: int
    overset_chars: int
    underset_lines: int
    headline: str = ""


@dataclass
class ComposedPage:
    display: PageDisplay
    fits: list[StoryFit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


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


def _color(role: Role) -> tuple[float, float, float, float]:
    return COLORS.get(role.color, BLACK)


def story_text(story: Story) -> str:
    return "".join(story.paragraphs)


class StoryMemo:
    """Composed stories that a resident process (layout watch) keeps between builds.

    An edit usually changes one story; the page it is on must be composed again, but its
    other stories come out exactly as before.  Entries are keyed by everything a story's
    composition reads (the story and, for a continuation, its source and cursor, the page's
    label and first grid line, the names of the pages it jumps to) and are valid for one
    style and one set of fonts: `bind` empties the memo when either changes.  Source
    positions are left out of the key (they only reach error messages, which are raised,
    never stored); stories with photos are not kept (a photo file can change under the
    same name)."""

    def __init__(self, limit: int = 1500):
        self.limit = limit
        self.env: tuple | None = None
        self.items: dict[tuple, tuple[tuple, Flow | None, StoryFit]] = {}
        self.hits = 0

    def bind(self, style: Style, fonts: FontBook) -> None:
        env = (style, id(fonts))
        if env != self.env:
            self.items.clear()
            self.env = env

    def get(self, key: tuple) -> tuple[tuple, Flow | None, StoryFit] | None:
        got = self.items.pop(key, None)
        if got is not None:
            self.items[key] = got  # most recently used last
            self.hits += 1
        return got

    def put(self, key: tuple, value: tuple[tuple, Flow | None, StoryFit]) -> None:
        self.items[key] = value
        while len(self.items) > self.limit:
            self.items.pop(next(iter(self.items)))


_NOWHERE = Where("")


def _sans_where(story: Story) -> Story:
    return replace(story, where=_NOWHERE) if story.where != _NOWHERE else story


class Composer:
    def __init__(self, edition: Edition, style: Style, fonts: FontBook, memo: StoryMemo | None = None):
        self.edition = edition
        self.style = style
        self.fonts = fonts
        self.memo = memo
        if memo is not None:
            memo.bind(style, fonts)
        self.grid = Grid(style)
        self.body_role = style.role("body")
        self.body_metrics = fonts.metrics(self.body_role.face)
        self._setters: dict[str, TextSetter] = {}
        self._lineno: tuple[Marker, ...] | None = None
        self._sources: dict[str, tuple[Page, Story]] = {
            s.id: (p, s) for p in edition.pages for s in p.stories if not s.continued_from}

    # -- text --------------------------------------------------------------------
    def setter(self, story: Story, page: Page) -> TextSetter:
        st = self._setters.get(story.id)
        if st is None:
            text = story_text(story)
            check_coverage(self.fonts, self.body_role.face, text, story.id, page.label, story.where)
            st = self._setters[story.id] = TextSetter(story.paragraphs, self.body_metrics, self.body_role.size,
                                                      self.style)
        return st

    def _line(self, text: str, role_name: str, measure: float, story: str, page: str, align: str | None = None
              ) -> TextLine:
        role = self.style.role(role_name)
        if align:
            role = Role(role.face, role.size, role.leading, role.color, align, role.sizes, role.max_lines)
        block = set_block(text, role, self.fonts, measure, self.style, story=story, page=page, max_lines=1,
                          justify=False)
        return block.lines[0]

    # -- jumps -------------------------------------------------------------------
    def resolve_jumps(self) -> dict[str, Cursor]:
        """Where each jumping story's text resumes: composed on its source page once."""
        cursors: dict[str, Cursor] = {}
        for sid, (page, story) in self._sources.items():
            if story.continues:
                _, flow, _ = self._story_items(page, story, {})
                cursors[sid] = flow.end if flow is not None else Cursor()
        return cursors

    # -- pages -------------------------------------------------------------------
    def compose_page(self, page: Page, cursors: dict[str, Cursor]) -> ComposedPage:
        st = self.style
        items: list = []
        out = ComposedPage(PageDisplay(page.label, st.page_width, st.page_height, ()))
        bookmarks: list[Bookmark] = []
        if page.template == "front":
            items += self._masthead(page)
        else:
            items += self._folio(page)
        for story in page.stories:
            its, flow, fit = self._story_items(page, story, cursors)
            items += its
            out.fits.append(fit)
            out.findings += self._fit_findings(fit, story)
            if story.headline and not story.continued_from:
                bookmarks.append(Bookmark(story.headline.text, self.grid.line_y(story.frame.top)))
        for photo in page.photos:
            assert photo.frame is not None
            first = self._content_top(page, photo.frame.top)
            box = self.grid.frame_box(photo.frame)
            items += self._frame_rules(page, photo.frame.col, photo.frame.top, photo.frame.bottom, box)
            its, findings = self._photo(page, photo, box.x, box.w, first, photo.frame.bottom, photo.id)
            items += its
            out.findings += findings
            items.append(Marker(box.x, box.y, box.w, box.h, "frame", photo.id))
        for bx in page.boxes:
            its, findings = self._box(page, bx)
            items += its
            out.findings += findings
        items += self._line_numbers()
        title = f"{folio_label(self.edition, page)} {self.edition.section(page.section).name}"
        out.display = PageDisplay(page.label, st.page_width, st.page_height, tuple(items), tuple(bookmarks),
                                  page.section, title)
        return out

    def _content_top(self, page: Page, top: int) -> int:
        return top + 1 if top > self.grid.first_line(page) else top

    def _frame_rules(self, page: Page, col: int, top: int, bottom: int, box: GBox) -> list:
        g, st = self.grid, self.style
        items: list = []
        if top > g.first_line(page):
            y = g.line_y(top) + st.leading / 2
            items.append(Rule(box.x, y, box.right, y, st.rule_weight))
        if col > 1:
            x = box.x - st.gutter / 2
            y0 = g.line_y(top) + (st.leading / 2 if top > g.first_line(page) else 0)
            items.append(Rule(x, y0, x, g.line_y(bottom), st.rule_weight))
        return items

    # -- stories -----------------------------------------------------------------
    def _story_items(self, page: Page, story: Story, cursors: dict[str, Cursor]
                     ) -> tuple[list, Flow | None, StoryFit]:
        src_page, src = self._sources.get(story.id, (page, story)) if story.continued_from else (page, story)
        if self.memo is None or story.photos or src.photos:
            return self._compose_story(page, story, src_page, src, cursors)
        cont = bool(story.continued_from)
        key = (page.label, self.grid.first_line(page), _sans_where(story),
               (src_page.label, _sans_where(src), cursors.get(story.id, Cursor())) if cont else None,
               jump_name(self.edition, src.continues) if src.continues else "",
               short_name(self.edition, src.see_also) if src.see_also else "")
        got = self.memo.get(key)
        if got is None:
            items, flow, fit = self._compose_story(page, story, src_page, src, cursors)
            got = (tuple(items), flow, fit)
            self.memo.put(key, got)
        return list(got[0]), got[1], got[2]

    def _compose_story(self, page: Page, story: Story, src_page: Page, src: Story, cursors: dict[str, Cursor]
                       ) -> tuple[list, Flow | None, StoryFit]:
        g, st = self.grid, self.style
        key = story.key
        box = g.frame_box(story.frame)
        items: list = self._frame_rules(page, story.frame.col, story.frame.top, story.frame.bottom, box)
        items.append(Marker(box.x, box.y, box.w, box.h, "frame", key))
        line = self._content_top(page, story.frame.top)
        bottom = story.frame.bottom
        area_x, area_w = box.x, box.w
        strip_cols = 0
        if not story.continued_from:
            h = src.headline
            if h is not None and h.vertical:
                vitems, strip, strip_cols = self._vertical_headline(page, src, box.right, line, bottom)
                items += vitems
                area_w -= strip
            for role_name, text in (("kicker", src.kicker), ("headline", h.text if h and not h.vertical else ""),
                                    ("subhead", src.subhead)):
                if not text:
                    continue
                role = st.role(role_name)
                if role_name == "headline" and h is not None:
                    block = copyfit(text, role, self.fonts, area_w, st, size=h.size, face=h.face,
                                    max_lines=h.lines, story=key, page=page.label, where=src.where)
                else:
                    block = set_block(text, role, self.fonts, area_w, st, story=key, page=page.label,
                                      where=src.where, justify=False)
                its, used = self._place_block(block, area_x, line, role, key, role_name)
                items += its
                line += used
            if src.byline:
                role = st.role("byline")
                block = set_block(src.byline, role, self.fonts, area_w, st, story=key, page=page.label,
                                  where=src.where, justify=False)
                its, used = self._place_block(block, area_x, line, role, key, "byline")
                items += its
                line += used
        setter = self.setter(src, src_page)
        ncols = max(1, story.columns)
        if strip_cols and story.columns == story.frame.span:
            ncols = max(1, ncols - strip_cols)  # one text column per basic column left
        em = st.em
        measure_em = math.floor((area_w / em - (ncols - 1) * st.gutter_chars) / ncols + 1e-6)
        measure = measure_em * em
        gutter = (area_w - ncols * measure) / (ncols - 1) if ncols > 1 else 0.0
        col_x = [area_x + k * (measure + gutter) for k in range(ncols)]
        col_top = [line] * ncols
        k = 0
        for photo in (src.photos if not story.continued_from else ()):
            cols = min(photo.columns, ncols - k)
            if cols <= 0:
                break
            w = col_x[k + cols - 1] + measure - col_x[k]
            its, findings = self._photo(page, photo, col_x[k], w, line, line + photo.lines, key)
            items += its
            for j in range(k, k + cols):
                col_top[j] = line + photo.lines
            k += cols
        slots = [Slot(col_x[j], col_top[j], bottom, measure) for j in range(ncols)]
        head, tail, jump = [], [], None
        if story.continued_from:
            head.append(self._line(f"（上接{jump_name(self.edition, src_page.label)}）", "jump", measure, key,
                                   page.label, align="left"))
        if src.continues and not story.continued_from:
            jump = self._line(f"（下转{jump_name(self.edition, src.continues)}）", "jump", measure, key, page.label)
        if src.see_also and (story.continued_from or not src.continues):
            tail.append(self._line(f"相关报道详见{short_name(self.edition, src.see_also)}", "jump", measure, key,
                                   page.label))
        start = cursors.get(story.id, Cursor()) if story.continued_from else Cursor()
        flow = pour(setter, start, slots, head, tail, jump, balance=story.balance)
        items += self._place_lines(flow.placed, key)
        if flow.overset_lines:
            items.append(Marker(box.x, box.bottom - st.leading, box.w, st.leading, "overset",
                                f"{key}: 超出 {flow.overset_chars} 字 / {flow.overset_lines} 行"))
        total = sum(len(p.replace(" ", "")) for p in src.paragraphs)
        fit = StoryFit(
            story=key, page=page.label,
            frame={"col": story.frame.col, "span": story.frame.span, "top": story.frame.top,
                   "lines": story.frame.lines},
            continued_from=story.continued_from,
            jump_to=src.continues if not story.continued_from else "",
            columns=ncols, capacity_lines=flow.capacity, lines_set=flow.lines_set, chars_total=total,
            chars_set=flow.chars_set, overset_lines=flow.overset_lines, overset_chars=flow.overset_chars,
            underset_lines=flow.empty_after if not story.balance else 0,
            headline=src.headline.text if src.headline else "")
        return items, flow, fit

    def _fit_findings(self, fit: StoryFit, story: Story) -> list[Finding]:
        where = f"{fit.page}/{fit.story}"
        fr = fit.frame
        frame = f"frame col {fr['col']} span {fr['span']} top {fr['top']} lines {fr['lines']}"
        out = []
        if fit.overset_lines:
            out.append(Finding("error", "overset", where,
                               f"overset: story {story.id!r} on {fit.page} ({frame}) set {fit.chars_set} "
                               f"characters, {fit.overset_chars} left over; needs {fit.overset_lines} more "
                               f"line(s) (需增加 {fit.overset_lines} 行 / 删 {fit.overset_chars} 字)",
                               {"story": story.id, "page": fit.page, "chars_set": fit.chars_set,
                                "chars_left": fit.overset_chars, "lines_needed": fit.overset_lines}))
        if fit.underset_lines > 2:
            out.append(Finding("warning", "underset", where,
                               f"underset: story {story.id!r} on {fit.page} ({frame}) leaves "
                               f"{fit.underset_lines} empty line(s) (可增加约 "
                               f"{fit.underset_lines * int(self.style.column_chars)} 字)",
                               {"story": story.id, "page": fit.page, "empty_lines": fit.underset_lines}))
        return out

    def _place_block(self, block: SetBlock, x: float, line: int, role: Role, story: str, kind: str
                     ) -> tuple[list, int]:
        """Centre a set block vertically in whole grid lines starting at grid line `line`."""
        st = self.style
        n = max(1, math.ceil(block.height / st.leading - 1e-6))
        top = self.grid.line_y(line) + (n * st.leading - block.height) / 2
        asc = self.fonts.metrics(role.face).face.ascent
        items = []
        color = _color(role)
        for i, tl in enumerate(block.lines):
            base = top + i * block.leading + (block.leading - block.size) / 2 + asc * block.size
            for r in tl.runs:
                items.append(GlyphRun(x + r.x, base, r.face, block.size, r.text, r.tc, color, False, story, kind))
        return items, n

    def _place_lines(self, placed: tuple[Placed, ...], story: str) -> list:
        out = []
        add = out.append
        kinds: dict[str, tuple] = {}  # per kind of line: role, ascent, size, colour, run role
        baseline = self.grid.baseline
        for p in placed:
            got = kinds.get(p.kind)
            if got is None:
                role = self.body_role if p.kind == "body" else self.style.role("jump")
                got = kinds[p.kind] = (role, self.fonts.metrics(role.face).face.ascent, role.size, _color(role),
                                       "body" if p.kind == "body" else "jump")
            role, asc, size, color, kind = got
            base = baseline(p.line, size, asc)
            x = p.x
            for r in p.text.runs:
                add(GlyphRun(x + r.x, base, r.face, size, r.text, r.tc, color, False, story, kind))
        return out

    def _vertical_headline(self, page: Page, story: Story, right: float, line: int, bottom: int
                           ) -> tuple[list, float, int]:
        st = self.style
        h = story.headline
        assert h is not None
        role = st.role("headline")
        height = (bottom - line) * st.leading - st.leading
        vb = set_vertical(h.text, role, self.fonts, height, size=h.size, face=h.face, story=story.id,
                          page=page.label, where=story.where)
        # the strip takes whole basic columns, so the text beside it stays on the column grid
        pitch = st.column_width + st.gutter
        strip_cols = max(1, math.ceil((vb.width + 2 * st.em + st.gutter) / pitch - 1e-9))
        strip = strip_cols * pitch
        x0 = right - strip + st.gutter + (strip - st.gutter - vb.width) / 2
        y0 = self.grid.line_y(line) + st.leading / 2
        items: list = [GlyphRun(x0 + gl.x, y0 + gl.y, gl.face, vb.size, gl.text, 0.0, _color(role), True, story.id,
                                "headline") for gl in vb.glyphs]
        rx = right - strip + st.gutter / 2
        items.append(Rule(rx, self.grid.line_y(line), rx, self.grid.line_y(bottom), st.rule_weight))
        return items, strip, strip_cols

    # -- photos and boxes ----------------------------------------------------------
    def _photo(self, page: Page, photo: Photo, x: float, w: float, first: int, bottom: int, owner: str
               ) -> tuple[list, list[Finding]]:
        st, g = self.style, self.grid
        findings: list[Finding] = []
        cap_lines: list[TextLine] = []
        cap_role = st.role("caption")
        if photo.caption:
            blk = set_block(photo.caption, cap_role, self.fonts, w, st, story=photo.id, page=page.label,
                            where=photo.where)
            cap_lines += blk.lines
        if photo.credit:
            cap_lines.append(self._line(photo.credit, "credit", w, photo.id, page.label))
        pic_lines = bottom - first - len(cap_lines)
        if pic_lines < 2:
            raise ManifestError(Problem(
                f"photo {photo.id!r} on {page.label}: {bottom - first} grid lines leave no room for the picture "
                f"after {len(cap_lines)} caption line(s)", photo.where.file, photo.where.line, photo.where.column,
                photo.where.path, hint="give it more lines or shorten the caption"))
        info = photo_info(photo.id, photo.file, photo.where)  # checked at load; size as printed (EXIF turned)
        src_w, src_h, mode = info.width, info.height, info.mode
        findings += photo_findings(info, page.label, photo.id)
        top = g.line_y(first) + 2.0
        h = pic_lines * st.leading - 4.0
        bx, by, bw, bh = x, top, w, h
        if photo.fit == "cover":
            scale = max(bw / src_w, bh / src_h)
            cw, ch = bw / scale, bh / scale
            cx, cy = (src_w - cw) / 2, (src_h - ch) / 2
            crop = (round(cx), round(cy), round(cx + cw), round(cy + ch))
        else:
            scale = min(bw / src_w, bh / src_h)
            dw, dh = src_w * scale, src_h * scale
            bx, by, bw, bh = x + (w - dw) / 2, top + (h - dh) / 2, dw, dh
            crop = (0, 0, src_w, src_h)
        ppi = (crop[2] - crop[0]) / (bw / 72.0)
        if ppi < MIN_PPI - 0.5:
            findings.append(Finding("warning", "low-ppi", f"{page.label}/{photo.id}",
                                    f"photo {photo.id!r} on {page.label} is {ppi:.0f} ppi at its printed size "
                                    f"(newsprint needs {MIN_PPI:.0f})", {"ppi": round(ppi, 1)}))
        items: list = [Image(bx, by, bw, bh, photo.file, crop, mode, round(ppi, 2), photo.id)]
        asc = self.fonts.metrics(cap_role.face).face.ascent
        for i, tl in enumerate(cap_lines):
            base = g.baseline(first + pic_lines + i, cap_role.size, asc)
            kind = "credit" if (photo.credit and i == len(cap_lines) - 1) else "caption"
            for r in tl.runs:
                items.append(GlyphRun(x + r.x, base, r.face, cap_role.size, r.text, r.tc, BLACK, False, photo.id,
                                      kind))
        return items, findings

    def _box(self, page: Page, bx: Box) -> tuple[list, list[Finding]]:
        st, g = self.style, self.grid
        fr = bx.frame
        box = g.frame_box(fr)
        first = fr.top  # the box's own border separates it: no rule line above it
        items: list = []
        y0 = g.line_y(first) + st.leading * 0.25
        y1 = g.line_y(fr.bottom) - st.leading * 0.25
        pad = st.box_padding_chars * st.em
        items.append(Rect(box.x, y0, box.w, y1 - y0, st.box_weight))
        items.append(Marker(box.x, box.y, box.w, box.h, "frame", bx.id))
        measure = box.w - 2 * pad
        line = first + 1
        findings: list[Finding] = []
        if bx.title:
            role = st.role("box_title")
            blk = set_block(bx.title, role, self.fonts, measure, st, story=bx.id, page=page.label, where=bx.where,
                            justify=False)
            its, used = self._place_block(blk, box.x + pad, line, role, bx.id, "box_title")
            items += its
            line += used
        role = st.role("box")
        box_lines: list[TextLine] = []
        for para in split_paragraphs(bx.text.replace("\n", "\n\n")):
            box_lines += set_block(para, role, self.fonts, measure, st, story=bx.id, page=page.label,
                                   where=bx.where).lines
        room = fr.bottom - 1 - line
        n = len(box_lines)
        if n > room:
            findings.append(Finding("error", "overset", f"{page.label}/{bx.id}",
                                    f"overset: box {bx.id!r} on {page.label} needs {n} lines, has {room} "
                                    f"(需增加 {n - room} 行)", {"story": bx.id, "lines_needed": n - room}))
        line += max(0, (room - n) // 2)
        asc = self.fonts.metrics(role.face).face.ascent
        for i, tl in enumerate(box_lines[:max(room, 0)]):
            base = g.baseline(line + i, role.size, asc)
            for r in tl.runs:
                items.append(GlyphRun(box.x + pad + r.x, base, r.face, role.size, r.text, r.tc, _color(role), False,
                                      bx.id, "box"))
        return items, findings

    # -- furniture -----------------------------------------------------------------
    def _text(self, text: str, role_name: str, x: float, base: float, story: str, kind: str, align: str = "left",
              size: float | None = None) -> list:
        """One line of furniture (folio, masthead), set by the paragraph API like any text."""
        role = self.style.role(role_name)
        flush = Role(role.face, role.size, role.leading, role.color, "left", role.sizes, role.max_lines)
        block = set_block(text, flush, self.fonts, self.style.page_width, self.style, size=size, story=story,
                          page=kind, max_lines=1, justify=False)
        line = block.lines[0]
        if align == "right":
            x -= line.width
        elif align == "center":
            x -= line.width / 2
        return [GlyphRun(x + r.x, base, r.face, block.size, r.text, r.tc, _color(role), False, story, kind)
                for r in line.runs]

    def _folio(self, page: Page) -> list:
        st, g = self.style, self.grid
        ed = self.edition
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

    def _masthead(self, page: Page) -> list:
        st, g = self.style, self.grid
        ed = self.edition
        n = st.masthead_lines
        left, right = g.left, g.left + st.type_width
        top, bottom = g.line_y(0), g.line_y(n)
        role = st.role("masthead")
        asc = self.fonts.metrics(role.face).face.ascent
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

    def _line_numbers(self) -> list:
        """Proof aid: grid line numbers 1..N in the gutter left of every basic column (the
        same on every page: made once)."""
        if self._lineno is None:
            st, g = self.style, self.grid
            out = []
            for col in range(1, st.columns + 1):
                x = g.col_x(col) - st.gutter
                out += [Marker(x, g.line_y(i), st.gutter, st.leading, "lineno", str(i + 1)) for i in range(st.lines)]
            self._lineno = tuple(out)
        return list(self._lineno)


def fallback_findings(edition: Edition, style: Style, fonts: FontBook) -> list[Finding]:
    """Characters a display face lacks and a fallback face sets: warned, never silent."""
    out = []
    for page in edition.pages:
        for s in page.stories:
            for role_name, text in (("kicker", s.kicker), ("headline", s.headline.text if s.headline else ""),
                                    ("subhead", s.subhead), ("byline", s.byline)):
                if not text:
                    continue
                face = (s.headline.face if role_name == "headline" and s.headline and s.headline.face
                        else style.role(role_name).face)
                for ch in fonts.fallback_chars(face, text):
                    fb = fonts.metrics(face).fallback[ch]
                    out.append(Finding("warning", "font-fallback", f"{page.label}/{s.id}",
                                       f"{describe(ch)} is not in {fonts.face(face).family}; set in {fb.family}",
                                       {"char": ch, "face": face}))
    return out
