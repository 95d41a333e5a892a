"""Story blocks: headline group, body poured through text columns, jump lines, fit.

A story block occupies grid cells: a separating rule on its first line (unless it starts
at the top of the type area), its headline group (kicker, headline, subhead) in whole
grid lines, the byline, in-story photos on top of some text columns, then the body poured
through its text columns (flow.py).  A jumped story's text resumes on its continuation
entry where its source page left off: `resolve_jumps` finds those cursors first, so every
page can be composed on its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from layout.errors import Finding, LayoutError
from layout.fonts.catalogue import FontBook, describe
from layout.model.edition import Edition, Page, Story, Where
from layout.model.styles import Role, Style
from layout.page.bodytext import body_setter, marked_texts, run_in_byline, run_in_lead
from layout.page.display import GlyphRun, Marker, Rule
from layout.page.fit import Reflow, StoryFit, fit_advice, frame_lines_for, plural
from layout.page.flow import Flow, Placed, Slot, fits_whole, pour
from layout.page.furniture import jump_name, short_name
from layout.page.grid import FrameArea
from layout.page.keys import StoryKey
from layout.page.photo import compose_photo
from layout.page.place import Placer, color
from layout.text.headlines import fit_headline_size, set_display, set_vertical
from layout.text.typeset import Cursor, SetBlock, TextSetter, set_block


@dataclass(frozen=True, eq=False, repr=False)  # never compared nor printed: no __eq__, __repr__ to compile at import
class ComposedStory:
    """A story entry set on its page: its display items, the flow of its body (where a
    jumping story's text stops), its fit line, and its findings (in-story photos, overset,
    underset), so a memoised story reports the same findings as a fresh one."""

    items: tuple
    flow: Flow
    fit: StoryFit
    findings: tuple[Finding, ...]


@dataclass(eq=False, repr=False)  # never compared nor printed: no __eq__, __repr__ to compile at import
class _Laid:
    """A story block laid out but for its body (StoryComposer._lay_out)."""

    items: list
    findings: list[Finding]
    area: FrameArea
    reflow: Reflow
    ncols: int
    tops: list[int]  # first grid line of each text column
    min_lines: int  # the frame's lines the headline stack and in-story photos take
    line_chars: int  # characters in a full text line
    vertical: bool  # a vertical headline: its width depends on the frame's height


class StoryMemo:
    """Composed stories that a resident process (layout watch) keeps between builds.

    An edit usually changes one story; the page it is on must be composed again, but its
    other stories come out exactly as before.  Entries are keyed by everything a story's
    composition reads (`story_memo_key`) and are valid for one style and one set of fonts:
    `bind` empties the memo when either changes.  Source positions are left out of the key
    (they only reach error messages, which are raised, never stored); stories with photos
    are not kept (a photo file can change under the same name)."""

    def __init__(self, limit: int = 1500):
        self.limit = limit
        self.env: tuple | None = None
        self.items: dict[tuple, ComposedStory] = {}
        self.hits = 0

    def bind(self, style: Style, fonts: FontBook) -> None:
        env = (style, id(fonts))
        if env != self.env:
            self.items.clear()
            self.env = env

    def get(self, key: tuple) -> ComposedStory | None:
        got = self.items.pop(key, None)
        if got is not None:
            self.items[key] = got  # most recently used last
            self.hits += 1
        return got

    def put(self, key: tuple, value: ComposedStory) -> None:
        self.items[key] = value
        while len(self.items) > self.limit:
            self.items.pop(next(iter(self.items)))


_NOWHERE = Where("")


def _sans_where(story: Story) -> Story:
    return replace(story, where=_NOWHERE) if story.where != _NOWHERE else story


def _page_shell(page: Page) -> Page:
    """The page's own values (label, section, number, template, ...) without its contents or
    source position: what a story's composition may read of the page it is on."""
    return replace(page, stories=(), photos=(), boxes=(), slots=(), ads=(), where=_NOWHERE)


def story_memo_key(edition: Edition, page: Page, story: Story, src_page: Page, src: Story,
                   cursors: dict[str, Cursor]) -> tuple:
    """StoryMemo's key: everything composing `story` on `page` reads, as whole model values.

    The story (and for a continuation its source story and source page, and the cursor its
    text resumes at) enter whole, less source positions; the pages enter with their own
    fields but not their contents (an edit to a neighbouring story must not cost this one
    its entry); the jump lines enter as the page names they will print, which is all they
    read of the rest of the edition.  Whole values, not chosen fields: a field added to
    Story or Page is in the key without anyone remembering to add it here, so a resident
    process can never serve a story composed from an older value.  Style and fonts are the
    memo's binding (`StoryMemo.bind` empties it when either changes)."""
    source = None
    if story.continued_from:
        source = (_sans_where(src), _page_shell(src_page), jump_name(edition, src_page.label),
                  cursors.get(story.id, Cursor()))
    return (_sans_where(story), _page_shell(page), source,
            jump_name(edition, src.continues) if src.continues else "",
            short_name(edition, src.see_also) if src.see_also else "")


class StoryComposer:
    def __init__(self, placer: Placer, memo: StoryMemo | None = None):
        self.placer = placer
        self.edition = placer.edition
        self.style = placer.style
        self.fonts = placer.fonts
        self.grid = placer.grid
        self.memo = memo
        if memo is not None:
            memo.bind(self.style, self.fonts)
        self._setters: dict[str, TextSetter] = {}
        self._blocks: dict[tuple, SetBlock] = {}  # display texts and bylines as set (`_display`)
        self._sources: dict[str, tuple[Page, Story]] = {
            s.id: (p, s) for p in self.edition.pages for s in p.stories if not s.continued_from}

    def _display(self, setting: Callable[..., SetBlock], text: str, role: Role, measure: float, story: str,
                 page: Page, where: Where, **options) -> SetBlock:
        """A headline, kicker, subhead or byline set by `setting`, once per build for the same
        text, role, measure and options: papers repeat them (bylines, standing heads), and each
        setting prepares and breaks the text again at every size it tries.  The story, page
        and source position only name what a failure is about: a failure is raised, never kept."""
        key = (setting, text, role, measure, *options.items())
        got = self._blocks.get(key)
        if got is None:
            got = self._blocks[key] = setting(text, role, self.fonts, measure, self.style, story=story,
                                              page=page.label, where=where, **options)
        return got

    def setter(self, story: Story, page: Page) -> TextSetter:
        st = self._setters.get(story.id)
        if st is None:
            st = self._setters[story.id] = body_setter(story, self.fonts, self.style, page.label)
        return st

    # -- jumps -------------------------------------------------------------------
    def resolve_jumps(self) -> dict[str, Cursor]:
        """Where each jumping story's text resumes: composed on its source page once."""
        cursors: dict[str, Cursor] = {}
        for sid, (page, story) in self._sources.items():
            if story.continues:
                cursors[sid] = self.compose(page, story, {}).flow.end
        return cursors

    # -- stories -----------------------------------------------------------------
    def compose(self, page: Page, story: Story, cursors: dict[str, Cursor]) -> ComposedStory:
        src_page, src = self._sources.get(story.id, (page, story)) if story.continued_from else (page, story)
        if self.memo is None or story.photos or src.photos:
            return self._compose_story(page, story, src_page, src, cursors)
        key = story_memo_key(self.edition, page, story, src_page, src, cursors)
        got = self.memo.get(key)
        if got is None:
            got = self._compose_story(page, story, src_page, src, cursors)
            self.memo.put(key, got)
        return got

    def _compose_story(self, page: Page, story: Story, src_page: Page, src: Story, cursors: dict[str, Cursor]
                       ) -> ComposedStory:
        st = self.style
        skey = StoryKey.of(story)
        key = str(skey)  # what the display list's runs carry
        lay = self._lay_out(page, story, src_page, src, cursors, key)
        items, findings, area = lay.items, lay.findings, lay.area
        flow = pour(lay.reflow.setter, lay.reflow.start, lay.reflow.slots, lay.reflow.head, lay.reflow.tail,
                    lay.reflow.jump, balance=story.balance)
        items += self._place_lines(flow.placed, key)
        if flow.overset_lines:  # the flag's first line, then the text left over (printed in the proof's margin)
            items.append(Marker(area.x, area.bottom - st.leading, area.w, st.leading, "overset",
                                f"{key}: 超出 {flow.overset_chars} 字 / {flow.overset_lines} 行\n"
                                + overset_text(lay.reflow.setter, flow.end)))
        total = sum(len(p.replace(" ", "")) for p in src.paragraphs)
        lead_set, lead_left = _dateline_chars(flow, run_in_lead(src, st.byline_style))  # not the story's text
        fits = lay.reflow.fits
        if lay.vertical:  # the headline strip's width depends on the frame's height: compose it again
            def fits(k: int) -> bool:
                return self._fits_at(page, story, src_page, src, cursors, key, k)
        fit = StoryFit(
            story=skey, page=page.label,
            frame=story.frame,
            continued_from=story.continued_from,
            jump_to=src.continues if not story.continued_from else "",
            columns=lay.ncols, capacity_lines=flow.capacity, lines_set=flow.lines_set, chars_total=total,
            chars_set=flow.chars_set - lead_set, overset_lines=flow.overset_lines,
            overset_chars=flow.overset_chars - lead_left, underset_lines=flow.empty_after,
            headline=src.headline.text if src.headline else "",
            lines_fit=frame_lines_for(flow, story.frame, lay.tops, lay.min_lines, fits, st.lines),
            line_chars=lay.line_chars)
        findings += self._fit_findings(fit, story)
        return ComposedStory(tuple(items), flow, fit, tuple(findings))

    def _fits_at(self, page: Page, story: Story, src_page: Page, src: Story, cursors: dict[str, Cursor],
                 key: str, k: int) -> bool:
        """Whether the story sets all its text in a frame of k lines (composed again)."""
        taller = replace(story, frame=replace(story.frame, lines=k))
        try:
            lay = self._lay_out(page, taller, src_page, src, cursors, key)
        except LayoutError:  # too short for its headline, say: it does not fit
            return False
        r = lay.reflow
        return fits_whole(r.setter, r.start, r.slots, r.head, r.tail)

    def _lay_out(self, page: Page, story: Story, src_page: Page, src: Story, cursors: dict[str, Cursor],
                 key: str) -> _Laid:
        """Everything of a story block but its body: rules, headline stack, in-story photos,
        and the text columns (slots) and jump lines its body is poured into."""
        g, st, placer = self.grid, self.style, self.placer
        area = g.frame_area(story.frame)
        items: list = placer.frame_rules(page, story.frame.col, story.frame.top, story.frame.bottom, area)
        items.append(Marker(area.x, area.y, area.w, area.h, "frame", key))
        line = placer.content_top(page, story.frame.top)
        bottom = story.frame.bottom
        area_x, area_w = area.x, area.w
        strip_cols = 0
        vertical = False
        if not story.continued_from:
            h = src.headline
            if h is not None and h.vertical:
                vitems, strip, strip_cols = self._vertical_headline(page, src, area.right, line, bottom)
                items += vitems
                area_w -= strip
            for role_name, text, breaks in (
                    ("kicker", src.kicker, src.kicker_breaks),
                    ("headline", h.text if h and not h.vertical else "", h.breaks if h else ()),
                    ("subhead", src.subhead, src.subhead_breaks)):
                if not text:
                    continue
                role = st.role(role_name)
                if role_name == "headline" and h is not None:
                    block = self._display(fit_headline_size, text, role, area_w, key, page, src.where, breaks=breaks,
                                          size=h.size, face=h.face, max_lines=h.lines)
                else:
                    block = self._display(set_display, text, role, area_w, key, page, src.where, breaks=breaks)
                its, used = placer.block(block, area_x, line, role, key, role_name)
                items += its
                line += used
            if src.byline and not run_in_byline(src, st.byline_style):
                role = st.role("byline")
                block = self._display(set_block, src.byline, role, area_w, key, page, src.where, justify=False)
                its, used = placer.block(block, area_x, line, role, key, "byline")
                items += its
                line += used
        elif story.headline is not None:  # 续题: the continuation's own headline, above the 上接 line
            role = st.role("continuation_headline")
            block = self._display(fit_headline_size, story.headline.text, role, area_w, key, page, story.where)
            its, used = placer.block(block, area_x, line, role, key, "continuation_headline")
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
        findings: list[Finding] = []
        k = 0
        for photo in (src.photos if not story.continued_from else ()):
            cols = min(photo.columns, ncols - k)
            if cols <= 0:
                break
            w = col_x[k + cols - 1] + measure - col_x[k]
            its, found = compose_photo(placer, page, photo, col_x[k], w, line, line + photo.lines)
            items += its
            findings += found
            for j in range(k, k + cols):
                col_top[j] = line + photo.lines
            k += cols
        slots = [Slot(col_x[j], col_top[j], bottom, measure) for j in range(ncols)]
        head, tail, jump = [], [], None
        if story.continued_from:
            head.append(placer.line(f"（上接{jump_name(self.edition, src_page.label)}）", "jump", measure, key,
                                    page.label, align="left"))
        if src.continues and not story.continued_from:
            jump = placer.line(f"（下转{jump_name(self.edition, src.continues)}）", "jump", measure, key,
                               page.label)
        if src.see_also and (story.continued_from or not src.continues):
            tail.append(placer.line(f"相关报道详见{short_name(self.edition, src.see_also)}", "jump", measure, key,
                                    page.label))
        start = cursors.get(story.id, Cursor()) if story.continued_from else Cursor()
        reflow = Reflow(setter, start, slots, head, tail, jump, story.frame.top)
        return _Laid(items, findings, area, reflow, ncols, col_top, max(col_top) - story.frame.top, measure_em,
                     vertical)

    def _fit_findings(self, fit: StoryFit, story: Story) -> list[Finding]:
        where = f"{fit.page}/{fit.story}"
        fr = fit.frame
        frame = f"frame col {fr.col} span {fr.span} top {fr.top} lines {fr.lines}"
        cols = plural(fit.columns, "text column")
        data = {"story": story.id, "page": fit.page, "lines": fr.lines, "lines_fit": fit.lines_fit,
                "lines_change": fit.lines_change, "text_columns": fit.columns}
        out = []
        if story.continued_from and not fit.chars_set and fit.chars_total and not fit.overset_lines:
            src_page = self._sources[story.id][0].label if story.id in self._sources else "its first page"
            return [Finding("warning", "empty_continuation", where,
                            f"empty continuation: story {story.id!r} sets all its text on {src_page}, so its "
                            f"continuation on {fit.page} ({frame}) prints its （上接…） line and headline over no "
                            f"text; remove the jump (continues: {fit.page} on {src_page}, the continued: entry on "
                            f"{fit.page}) or give the frame on {src_page} fewer lines",
                            {**data, "continued_from": story.continued_from, "source_page": src_page})]
        beyond = ""
        if fr.top + fit.lines_fit > self.style.lines:
            beyond = (f" (that runs past the grid's last line, {self.style.lines - 1}: cut, or continue the story "
                      f"on another page)")
        if fit.overset_lines:
            out.append(Finding("error", "overset", where,
                               f"overset: story {story.id!r} on {fit.page} ({frame}, {cols}) set "
                               f"{fit.chars_set} characters, {fit.overset_chars} left over "
                               f"({plural(fit.overset_lines, 'text line')}); {fit_advice(fit)}{beyond} "
                               f"(需增加 {fit.lines_change} 行 / 删 {fit.overset_chars} 字)",
                               {**data, "chars_set": fit.chars_set, "chars_left": fit.overset_chars,
                                "text_lines_over": fit.overset_lines}))
        elif fit.lines_change < 0 and fit.underset_lines > 2:
            out.append(Finding("warning", "underset", where,
                               f"underset: story {story.id!r} on {fit.page} ({frame}, {cols}) leaves "
                               f"{plural(fit.underset_lines, 'empty text line')}"
                               f"{' below its balanced columns' if story.balance else ''}; {fit_advice(fit)} "
                               f"(可减少 {-fit.lines_change} 行 / 可增加约 {fit.chars_room} 字)",
                               {**data, "empty_lines": fit.underset_lines, "chars_room": fit.chars_room}))
        return out

    def _place_lines(self, placed: tuple[Placed, ...], story: str) -> list:
        out = []
        add = out.append
        kinds: dict[str, tuple] = {}  # per kind of line: size, colour, run role, and for the baseline (below)
        top, leading = self.grid.top, self.grid.leading
        for p in placed:
            tl = p.text
            name = "jump" if p.kind != "body" else tl.role  # body | intertitle | jump
            got = kinds.get(name)
            if got is None:
                role = self.style.role(name)
                asc = self.fonts.metrics(role.face).face.ascent
                got = kinds[name] = (role.size, color(role), name, (leading - role.size) / 2, asc * role.size)
            size, rgb, kind, half, rise = got
            y = top + p.line * leading  # Grid.line_y and Grid.baseline, inline (the same arithmetic)
            base = y + tl.drop if tl.drop else y + half + rise
            x = p.x
            for r in tl.runs:
                add(GlyphRun(x + r.x, base, r.face, size, r.text, r.tc, rgb, False, story, r.role or kind, tl.para,
                             p.slot))
        return out

    def _vertical_headline(self, page: Page, story: Story, right: float, line: int, bottom: int
                           ) -> tuple[list, float, int]:
        st = self.style
        h = story.headline
        assert h is not None
        role = st.role("headline")
        height = (bottom - line) * st.leading - st.leading
        vb = set_vertical(h.text, role, self.fonts, height, breaks=h.breaks, size=h.size, face=h.face,
                          max_lines=h.lines, story=story.id, page=page.label, where=story.where)
        # the strip takes whole basic columns, so the text beside it stays on the column grid;
        # in a story one column wide (no whole column left beside it) it takes whole ems of
        # its column, and the text the rest of the column's measure
        pitch = st.column_width + st.gutter
        strip_cols = max(1, math.ceil((vb.width + 2 * st.em + st.gutter) / pitch - 1e-9))
        strip = strip_cols * pitch
        if strip_cols >= story.frame.span:
            strip_cols, strip = 0, math.ceil((vb.width + 2 * st.em + st.gutter) / st.em - 1e-9) * st.em
        x0 = right - strip + st.gutter + (strip - st.gutter - vb.width) / 2
        y0 = self.grid.line_y(line) + st.leading / 2
        items: list = [GlyphRun(x0 + gl.x, y0 + gl.y, gl.face, vb.size, gl.text, 0.0, color(role), True, story.id,
                                "headline") for gl in vb.glyphs]
        rx = right - strip + st.gutter / 2
        items.append(Rule(rx, self.grid.line_y(line), rx, self.grid.line_y(bottom), st.rule_weight))
        return items, strip, strip_cols


def _dateline_chars(flow: Flow, lead: str) -> tuple[int, int]:
    """Characters of a run-in dateline (the first `len(lead)` of the first paragraph) that
    the flow counted as set, and as left over: the fit report counts the story's own text,
    as fidelity checks do."""
    if not lead:
        return 0, 0
    n = len(lead)
    done = sum(len(r.text) - r.text.count(" ") for p in flow.placed
               if p.kind == "body" and p.text.para == 0 and p.text.start < n for r in p.text.runs if r.role)
    left = 0
    if flow.overset_chars and flow.end.para == 0 and flow.end.offset < n:
        rest = lead[flow.end.offset:]
        left = len(rest) - rest.count(" ")
    return done, left


def fallback_findings(edition: Edition, style: Style, fonts: FontBook) -> list[Finding]:
    """Characters a display face lacks and a fallback face sets: warned, never silent."""
    out = []
    for page in edition.pages:
        for s in page.stories:
            texts = [(s.headline.face if role_name == "headline" and s.headline and s.headline.face
                      else style.role(role_name).face, text)
                     for role_name, text in (("kicker", s.kicker),
                                             ("continuation_headline" if s.continued_from else "headline",
                                              s.headline.text if s.headline else ""),
                                             ("subhead", s.subhead), ("byline", s.byline)) if text]
            for face, text in texts + marked_texts(s, style):
                for ch in fonts.fallback_chars(face, text):
                    fb = fonts.metrics(face).fallback[ch]
                    out.append(Finding("warning", "font-fallback", f"{page.label}/{s.id}",
                                       f"{describe(ch)} is not in {fonts.face(face).family}; set in {fb.family}",
                                       {"char": ch, "face": face}))
    return out


def overset_text(setter: TextSetter, end: Cursor) -> str:
    """The text a story could not set: from where its flow ended (paragraphs on new lines)."""
    paras = setter.paragraphs
    if end.para >= len(paras):
        return ""
    return "\n".join([paras[end.para][end.offset:], *paras[end.para + 1:]])
