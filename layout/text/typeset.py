"""Paragraph API: text + role + measure -> lines of positioned glyph runs (no PDF).

In: paragraphs, the FontBook metrics of a text role, a size and a measure in pt.
Out: `TextLine`s whose runs are positioned relative to the line's left edge and
baseline; flow.py places them on the page grid.  Also display texts (kicker, headline,
subhead: balanced lines broken between words, where phrasing.py chooses; the editor's
explicit breaks kept), headline copyfitting and vertical (竖排) setting.

All measuring is done in em by linebreak.py and scaled here, so a body measure that is a
whole number of em (the character grid) stays exact.
"""

from __future__ import annotations

import dataclasses
import math
from bisect import bisect_left
from dataclasses import dataclass
from operator import attrgetter

from layout.errors import FontError, Problem
from layout.fonts.catalogue import FontBook, RoleMetrics, describe
from layout.model.edition import Where
from layout.model.styles import Role, Style
from layout.text.advances import beyond_uniform
from layout.text.cjk import BLANK_RIGHT
from layout.text.linebreak import Line, PreparedText, Run, break_lines, line_runs, single_runs, split_runs
from layout.text.marked import FaceSpan, Intertitles, reface, right_at
from layout.text.spacing import NO_BREAK_SPACE, normalise_spaces, removed_spaces, shift_offset
from layout.text.totalfit import break_paragraph

_START = attrgetter("start")


# not frozen: built ~10^5 times per edition, and a frozen dataclass is several times dearer to construct; never mutated
@dataclass(slots=True)
class LineRun:
    """A run of one face within a set line, in pt: what the drawing stage shows as one text run."""

    x: float  # pt from the line's left edge
    text: str
    tc: float  # pt
    face: str  # Face.key
    role: str = ""  # "" = the line's own role; "byline" for a run-in dateline (not story text)


# not frozen: built ~10^5 times per edition, and a frozen dataclass is several times dearer to construct; never mutated
@dataclass(slots=True)
class TextLine:
    """A set line: its runs, where it starts and ends in its paragraph, and its width."""

    runs: tuple[LineRun, ...]
    para: int
    start: int
    end: int
    next: int
    last: bool  # last line of its paragraph
    width: float  # set width in pt (from the left edge to the right end of the last glyph)
    rows: int = 1  # grid lines it advances the column by; an intertitle's last line carries all of its rows
    role: str = "body"  # body | intertitle
    drop: float = 0.0  # pt from the top of its grid line to its baseline; 0.0: the grid's own baseline

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
    widths = fonts.metrics(role_face).widths
    if widths.keys() >= beyond_uniform(text, widths):  # (in C: every character has a width)
        return
    missing = fonts.uncovered(role_face, text)
    if missing:
        shown = ", ".join(describe(c) for c in missing[:8]) + (" …" if len(missing) > 8 else "")
        raise FontError(Problem.at(
            where, f"story {story!r} on page {page}: no font covers {shown}",
            hint=f"face {fonts.face(role_face).family} and its fallbacks lack "
                 f"{len(missing)} character(s); replace them or add a face in fonts/fonts.yaml"))


class TextSetter:
    """Sets the paragraphs of one text role; prepared paragraphs are reused per measure.

    `paragraphs` are the copy as typed; the setter keeps them with the spaces typed between
    Han and digits/Latin removed (spacing.py), so that cursors and line offsets index the
    text that is set.  `latin_gap` is the role's Han–Latin gap in em (default: the style's
    paragraph.latin_gap).

    Body markup comes as `spans` (per paragraph, characters set in another face at the
    same size: ideographs are 1 em in every face, so the lines stay on the character
    grid) and `intertitles` (paragraphs set in their own role, in whole grid lines).
    """

    def __init__(self, paragraphs: tuple[str, ...], metrics: RoleMetrics, size: float, style: Style,
                 indent_chars: float | None = None, justify: bool = True, align: str = "left",
                 latin_gap: float | None = None, spans: tuple[tuple[FaceSpan, ...], ...] = (),
                 intertitles: Intertitles | None = None):
        removed = [removed_spaces(p) for p in paragraphs]
        if any(removed):  # spans index the typed text: shift them past the dropped spaces
            paragraphs = tuple(map(normalise_spaces, paragraphs))
            spans = tuple(tuple(dataclasses.replace(sp, start=shift_offset(sp.start, gone), end=shift_offset(sp.end, gone))
                                for sp in para) if gone else para
                          for para, gone in zip(spans, removed)) if spans else spans
        if NO_BREAK_SPACE not in metrics.widths:  # a face without U+00A0: the kept space is a plain one
            paragraphs = tuple(p.replace(NO_BREAK_SPACE, " ") for p in paragraphs)
        self.paragraphs = paragraphs
        self.latin_gap = style.latin_gap if latin_gap is None else latin_gap
        self.metrics = metrics
        self.size = size
        self.style = style
        self.level = style.kinsoku
        self.trim = style.trim_opening_at_line_start
        self.indent = style.indent_chars if indent_chars is None else indent_chars
        self.indent_first = style.indent_after_heading  # clreq: some houses set the first paragraph flush
        self.justify = justify
        self.align = align
        self.spans = spans
        self.intertitles = intertitles
        self._titles = intertitles.indexes if intertitles is not None else frozenset()
        self._title_lines: dict[tuple[int, float], list[TextLine]] = {}
        self._prepared: dict[int, PreparedText] = {}
        self._plain: dict[int, bool] = {}  # per paragraph: no character in a fallback face
        # justified paragraphs are broken whole (total fit) once per measure and start; a flow
        # that resumes a paragraph at one of those lines (the next column) continues the same
        # setting (the newest that has it): (para, measure) -> [(start asked, its lines), ...]
        self._broken: dict[tuple[int, float], list[tuple[int, list[Line]]]] = {}

    def prepared(self, i: int) -> PreparedText:
        p = self._prepared.get(i)
        if p is None:
            p = self._prepared[i] = PreparedText(self.paragraphs[i], self.metrics.widths, self.level, self.trim,
                                                 kerning=self.metrics.face.kerning, latin_gap=self.latin_gap)
            if self.spans and self.spans[i]:
                reface(p, self.spans[i])
        return p

    def _indent(self, para: int) -> float:
        if self.indent_first:
            return self.indent
        return 0.0 if para == 0 or para - 1 in self._titles else self.indent

    def lines(self, cur: Cursor, measure: float, max_lines: int) -> tuple[list[TextLine], Cursor]:
        """Lines from cur at `measure` pt taking up to max_lines grid lines; returns them
        and the next cursor.  An intertitle is set only with room for it and the first line
        of the paragraph after it: it never ends a column."""
        out: list[TextLine] = []
        em = measure / self.size
        para, off = cur.para, cur.offset
        n = len(self.paragraphs)
        rows = 0
        while para < n and rows < max_lines:
            if para in self._titles:
                need, j = 0, para
                while j < n and j in self._titles:  # a run of intertitles stays together too
                    need += self._title_rows(j, measure)
                    j += 1
                if rows + need + (j < n) > max_lines:
                    break
                block = self._intertitle(para, measure)
                out += block
                rows += block[-1].rows
                para, off = para + 1, 0
                continue
            p = self.prepared(para)
            brk = self._break(p, para, em, off, max_lines - rows)
            out += self._text_lines(p, para, brk)
            rows += len(brk)
            if brk and brk[-1].last:
                para, off = para + 1, 0
            elif brk:
                off = brk[-1].next
            else:
                para, off = para + 1, 0
        return out, Cursor(para, off)

    def count_lines(self, cur: Cursor, measure: float) -> int:
        """Grid lines the text from `cur` needs at `measure` pt."""
        em = measure / self.size
        total = 0
        para, off = cur.para, cur.offset
        while para < len(self.paragraphs):
            if para in self._titles:
                total += self._title_rows(para, measure)
            else:
                total += len(self._break(self.prepared(para), para, em, off, None))
            para, off = para + 1, 0
        return total

    def _break(self, p: PreparedText, para: int, em: float, off: int, max_lines: int | None) -> list[Line]:
        """Lines of paragraph `para` from `off`: the whole paragraph's total fit when justified
        (computed once, then sliced), greedy for ragged settings (headlines, captions)."""
        if not self.justify:
            return break_lines(p, em, self._indent(para), off, max_lines)
        settings = self._broken.setdefault((para, em), [])
        for asked, lines in reversed(settings):  # (line starts ascend: bisected, not indexed per line)
            if asked == off:
                i = 0
                break
            i = bisect_left(lines, off, key=_START)
            if i < len(lines) and lines[i].start == off:
                break
        else:
            lines, i = break_paragraph(p, em, self._indent(para), off, self.style.hanging_punctuation), 0
            settings.append((off, lines))
        return lines[i:] if max_lines is None else lines[i:i + max_lines]

    def _title_rows(self, para: int, measure: float) -> int:
        return self._intertitle(para, measure)[-1].rows

    def _intertitle(self, para: int, measure: float) -> list[TextLine]:
        """An intertitle's lines, centred in whole grid lines: each line's `drop` is its
        baseline below the top of the first, and the last line carries all the rows."""
        key = (para, measure)
        got = self._title_lines.get(key)
        if got is None:
            t = self.intertitles
            assert t is not None
            role = t.role
            setter = TextSetter((self.paragraphs[para],), t.metrics, role.size, self.style, indent_chars=0.0,
                                justify=False, align=role.align)
            lines, _ = setter.lines(Cursor(), measure, 1 << 16)
            k, lead, size = len(lines), role.leading, role.size
            rows = math.ceil(k * lead / t.grid - 1e-6) + t.space
            top = (rows * t.grid - k * lead) / 2 + (lead - size) / 2 + t.metrics.face.ascent * size
            got = self._title_lines[key] = [
                TextLine(tl.runs, para, tl.start, tl.end, tl.next, tl.last, tl.width, rows if i == k - 1 else 0,
                         "intertitle", top + i * lead) for i, tl in enumerate(lines)]
        return got

    def _text_lines(self, p: PreparedText, para: int, brk: list[Line]) -> list[TextLine]:
        """`_text_line` for each of a paragraph's lines, with the common case inline: a line set
        as one run (`single_run`) in the paragraph's own face (the same arithmetic, fewer calls)."""
        if self.spans and self.spans[para]:
            return [self._text_line(p, para, ln, 0.0) for ln in brk]
        plain = self._plain.get(para)
        if plain is None:  # no character of the paragraph in a fallback face
            fb = self.metrics.fallback
            plain = self._plain[para] = not fb or fb.keys().isdisjoint(p.text)
        size, justify, key = self.size, self.justify, self.metrics.face.key
        text, fadv = p.text, p.fadv
        out = []
        if not plain:
            return [self._text_line(p, para, ln, 0.0) for ln in brk]
        for ln, one in zip(brk, single_runs(p, brk, justify)):
            s, e = ln.start, ln.end
            if e <= s:
                out.append(self._text_line(p, para, ln, 0.0))
                continue
            if one is not None:
                x, tc = one
                right = x + (sum(fadv[s:e]) + tc * (e - s - 1))  # _right: the advances are the face's
                shift = self._shift(right - ln.indent, ln.measure, text[e - 1]) if not justify or ln.last else 0.0
                out.append(TextLine((LineRun(x * size + shift, text[s:e], tc * size, key),), para, s, e, ln.next,
                                    ln.last, right * size + shift))
                continue
            runs = split_runs(p, ln, justify)
            r = runs[-1]  # (it ends at e)
            m = len(r.text)
            right = r.x + (sum(fadv[e - m:e]) + r.tc * (m - 1))
            shift = self._shift(right - ln.indent, ln.measure, text[e - 1]) if not justify or ln.last else 0.0
            out.append(TextLine(tuple([LineRun(q.x * size + shift, q.text, q.tc * size, key) for q in runs]), para,
                                s, e, ln.next, ln.last, right * size + shift))
        return out

    def _text_line(self, p: PreparedText, para: int, ln: Line, em: float) -> TextLine:
        runs = line_runs(p, ln, self.justify)
        size = self.size
        spans = self.spans[para] if self.spans else ()
        shift = 0.0
        if spans:
            if not self.justify or ln.last:
                shift = self._shift(right_at(p, runs, ln.end, 1.0) - ln.indent, ln.measure, p.text[ln.end - 1])
            out = _span_runs(runs, p, ln.start, spans, self.metrics, size, shift)
            width = right_at(p, runs, ln.end, size) + shift
        else:
            right = _right(runs, self.metrics.widths)  # in em: (x + w) * 1.0 is x + w, exactly
            if not self.justify or ln.last:
                shift = self._shift(right - ln.indent, ln.measure, p.text[ln.end - 1] if ln.end > ln.start else "")
            out = _face_runs(runs, self.metrics, size, shift)
            width = right * size + shift
        return TextLine(tuple(out), para, ln.start, ln.end, ln.next, ln.last, width)

    def _shift(self, natural: float, measure: float, last: str = "") -> float:
        """Where a line that is not stretched starts (pt): centred or right-aligned in the measure.
        A centred line is centred on what it sets: a full-width closing mark at its end (a
        head's ”) counts half an em, the set width of a line-end mark (clreq); counting its
        blank half pushed letter-spaced heads a quarter em into the gutter on the left."""
        if self.align == "center":
            if last in BLANK_RIGHT and self.metrics.widths.get(last) == 1.0:
                natural -= 0.5
            return (measure - natural) / 2 * self.size
        if self.align == "right":
            return (measure - natural) * self.size
        return 0.0


def _right(runs: list[Run], widths: dict[str, float]) -> float:
    """Right end (em) of the last glyph's advance: what the eye and the audit see as the edge."""
    if not runs:
        return 0.0
    r = runs[-1]
    return r.x + (sum(map(widths.__getitem__, r.text)) + r.tc * (len(r.text) - 1))


def _span_runs(runs: list[Run], p: PreparedText, start: int, spans: tuple[FaceSpan, ...],
               metrics: RoleMetrics, size: float, shift: float) -> list[LineRun]:
    """Scale the runs of a line that starts at character `start` to pt and split them
    where the face changes: a marked span begins or ends, or a fallback face takes over."""
    text, fadv = p.text, p.fadv
    out: list[LineRun] = []
    si, nsp = 0, len(spans)
    pos = start
    for r in runs:
        x = r.x * size + shift
        tc = r.tc * size
        end = pos + len(r.text)
        seg, seg_x, seg_face, seg_role = pos, x, "", ""
        for k in range(pos, end):
            while si < nsp and spans[si].end <= k:
                si += 1
            sp = spans[si] if si < nsp and spans[si].start <= k else None
            m, role = (sp.metrics, sp.role) if sp is not None else (metrics, "")
            ch = text[k]
            face = m.fallback[ch].key if ch in m.fallback else m.face.key
            if face != seg_face or role != seg_role:
                if k > seg:
                    out.append(LineRun(seg_x, text[seg:k], tc, seg_face, seg_role))
                seg, seg_x, seg_face, seg_role = k, x, face, role
            x += fadv[k] * size + tc
        out.append(LineRun(seg_x, text[seg:end], tc, seg_face, seg_role))
        pos = end
    return out


def _face_runs(runs: list[Run], metrics: RoleMetrics, size: float, shift: float) -> list[LineRun]:
    """Scale runs to pt and split them where a fallback face takes over."""
    key = metrics.face.key
    fb = metrics.fallback
    widths = metrics.widths
    out = []
    for r in runs:
        if not fb or fb.keys().isdisjoint(r.text):  # (in C: no character of the run in a fallback face)
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


# -- headlines ---------------------------------------------------------------------
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
    """Running text set greedily, like body text (bylines, captions, box text, jump lines)."""
    face = face or role.face
    size = size or role.size
    check_coverage(fonts, face, text, story, page, where)
    metrics = fonts.metrics(face)
    just = role.align == "justify" if justify is None else justify
    setter = TextSetter((text,), metrics, size, style, indent_chars=0.0, justify=just, align=role.align,
                        latin_gap=role.latin_gap)
    lines, _ = setter.lines(Cursor(), measure, max_lines)
    leading = role.leading * size / role.size if role.leading else size * 1.2
    return SetBlock(tuple(lines), size, leading, metrics.face.key)
