"""The edition model: frozen dataclasses built by manifest.py, read by every later stage.

Nothing here touches the file system; body texts are already loaded and split into
paragraphs, image paths already resolved.  `Where` keeps the manifest position of each
object so that late stages (fonts, composition) can still name file:line in errors.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path


@dataclass(frozen=True)
class Where:
    """Source position of a manifest node (1-based line and column)."""

    file: str
    line: int = 0
    column: int = 0
    path: str = ""


@dataclass(frozen=True)
class Frame:
    """A rectangle of grid cells: 1-based first column, columns spanned, first line, lines."""

    col: int
    span: int
    top: int
    lines: int

    @property
    def bottom(self) -> int:
        return self.top + self.lines

    def overlaps(self, other: Frame) -> bool:
        return not (
            self.col + self.span <= other.col
            or other.col + other.span <= self.col
            or self.bottom <= other.top
            or other.bottom <= self.top
        )


@dataclass(frozen=True)
class PendingFrame(Frame):
    """A frame whose top or height the manifest leaves to its neighbours or its copy:
    `lines: auto` (the fewest grid lines that hold it; `lines` is 0 until placed) and
    `top: below <id>[, <id>...]` (it starts where frame <id> of the same page ends, or the
    lowest of several, its first line the separating rule; `top` is -1 until placed).  layout.page.autosize replaces every
    PendingFrame with a plain Frame before pages are composed, so what is composed, drawn
    and reported is exactly what the same frame written out in numbers would give."""

    auto: bool = False
    below: tuple[str, ...] = ()

    def describe(self) -> str:
        """The frame as the manifest wrote it: "col 1 span 3 top below lead lines auto"."""
        top = f"below {', '.join(self.below)}" if self.below else str(self.top)
        lines = "auto" if self.auto else str(self.lines)
        return f"col {self.col} span {self.span} top {top} lines {lines}"


@dataclass(frozen=True)
class Headline:
    """A story's headline as the manifest gives it (copyfit and breaks are decided when set)."""

    text: str  # as printed: without the editor's break marks
    size: float | None = None  # pt; None = copyfit from the role's size range
    face: str | None = None  # role name of a face (song, biaosong, hei, kai)
    vertical: bool = False
    lines: int | None = None  # most lines allowed; None = the role's default
    breaks: tuple[int, ...] = ()  # offsets in `text` where the editor broke the line (| or a list of lines)


@dataclass(frozen=True)
class Photo:
    """A photo of the manifest: a page-level picture in its own frame, or one inside a story's block."""

    id: str
    file: Path
    caption: str = ""
    credit: str = ""
    fit: str = "cover"  # cover | contain
    frame: Frame | None = None  # page-level photos
    columns: int = 1  # in-block photos: text columns covered
    lines: int = 0  # in-block photos: grid lines taken (picture + caption)
    where: Where = field(default_factory=lambda: Where(""))
    auto: bool = False  # in-block `lines: auto`: the picture's height at its width plus the caption (until placed)


@dataclass(frozen=True)
class AdSize:
    """An ad's size as ad sales book it: whole columns (栏) by a height (`8栏×17cm`)."""

    columns: int
    height: float  # pt

    def describe(self) -> str:
        return f"{self.columns}栏×{self.height / 72 * 2.54:g}cm"


@dataclass(frozen=True)
class Ad:
    """A booked advertisement: a finished file placed at 100 % in a frame of grid cells.

    The ad's box is the frame's area, or, with `size`, the booked width (its columns) by
    the booked height, sitting on the frame's foot.  `bottom`: the frame ends on the last
    line of the type area (its top is -1 in a PendingFrame until layout.page.ads places it,
    like a frame whose lines come from `size`).  `sha256` is of the file's bytes: an edited
    ad changes the page's cache key."""

    id: str
    file: Path
    frame: Frame
    booking: str  # the ad order id, printed on proofs
    advertiser: str = ""
    size: AdSize | None = None
    bottom: bool = False
    sha256: str = ""
    where: Where = field(default_factory=lambda: Where(""))


@dataclass(frozen=True)
class Box:
    """A boxed text (a sidebar, a notice) in its own frame on the page."""

    id: str
    frame: Frame
    text: str
    title: str = ""
    where: Where = field(default_factory=lambda: Where(""))


class BylineStyle(Enum):
    """Where a story's byline goes: run into the first paragraph (电头 style: 本报讯（记者…）
    followed by the text without a break) or on a line of its own above the body."""

    RUN_IN = "run-in"
    LINE = "line"


class ParagraphKind(Enum):
    BODY = "body"
    INTERTITLE = "intertitle"  # 小标题: `## ` in a body file; its own role, kept with the next paragraph


class Emphasis(Enum):
    """Marked runs inside a body paragraph, at the body size.  Chinese has no italic: the
    second emphasis is 楷体, as newspapers set quoted or editorial passages."""

    BOLD = "bold"  # **…**  -> the hei (黑体) face
    KAI = "kai"  # *…*    -> the kai (楷体) face


@dataclass(frozen=True)
class Span:
    """Characters [start, end) of a paragraph's text set with an emphasis."""

    start: int
    end: int
    emphasis: Emphasis


@dataclass(frozen=True)
class Markup:
    """What body markup says about one paragraph (its text is in Story.paragraphs)."""

    kind: ParagraphKind = ParagraphKind.BODY
    spans: tuple[Span, ...] = ()


PLAIN = Markup()


@dataclass(frozen=True)
class Story:
    """A story block, or (when `continued_from` is set) the resuming part of a jumped story.

    `paragraphs` is the text as printed, markup removed (what fidelity checks compare and
    the archive hashes); `markup` says, per paragraph, what the body markup made of it
    (intertitle or body, bold and kai runs), and is empty when the body has no markup.
    On a continuation entry, `headline` is its 续题 (continuation headline)."""

    id: str
    frame: Frame
    columns: int
    paragraphs: tuple[str, ...] = ()
    kicker: str = ""
    headline: Headline | None = None
    subhead: str = ""
    kicker_breaks: tuple[int, ...] = ()  # explicit line breaks, as Headline.breaks
    subhead_breaks: tuple[int, ...] = ()
    byline: str = ""
    continues: str = ""  # page label the rest jumps to
    see_also: str = ""  # page label of related coverage
    balance: bool = False
    photos: tuple[Photo, ...] = ()
    continued_from: str = ""  # id of the story this entry continues
    where: Where = field(default_factory=lambda: Where(""))
    markup: tuple[Markup, ...] = ()  # one per paragraph, or () when there is no markup
    byline_style: BylineStyle | None = None  # None: the house style's default

    def paragraph_markup(self, i: int) -> Markup:
        return self.markup[i] if self.markup else PLAIN


@dataclass(frozen=True)
class Section:
    """A section of the edition (要闻, 特刊...): its pages are labelled from `label`."""

    id: str
    name: str
    label: str  # pattern with {n}, e.g. "A{n}", "T{n}", "特{n}"
    pages: int


@dataclass(frozen=True)
class PageSlot:
    """A slot of the page's template (layout.model.templates) and what fills it: the id of
    a story, photo or box on the page, or "" when the slot is left empty (a warning, and a
    grey 空 frame in proof mode).  `frame` is the slot's frame from the template, placed
    (a plain Frame) once layout.page.autosize has run."""

    name: str
    role: str  # a SlotRole value: lead | second | rail | photo | teaser | ad
    id: str
    frame: Frame
    where: Where = field(default_factory=lambda: Where(""))


@dataclass(frozen=True)
class Page:
    """One page of the manifest: what is on it and where, before anything is set."""

    label: str  # A1, T3, 特2
    section: str  # section id
    number: int  # 1-based within the section
    template: str = "normal"  # normal | front | the name of a template file (layout.model.templates)
    editor: str = ""
    designer: str = ""
    stories: tuple[Story, ...] = ()
    photos: tuple[Photo, ...] = ()
    boxes: tuple[Box, ...] = ()
    where: Where = field(default_factory=lambda: Where(""))
    blank: bool = False  # left empty on purpose (`blank: true`): proofs mark it 本版空白
    slots: tuple[PageSlot, ...] = ()  # the template's slots, in the template's order
    ads: tuple[Ad, ...] = ()  # booked ads (layout.model.ads), placed like any frame

    @property
    def empty_slots(self) -> tuple[PageSlot, ...]:
        return tuple(s for s in self.slots if not s.id)


@dataclass(frozen=True)
class Edition:
    """The whole manifest as read and checked: what the pipeline builds from, unchanged by it."""

    paper: str
    date: _dt.date
    style: str  # style name or path as written
    sections: tuple[Section, ...]
    pages: tuple[Page, ...]  # in edition order (sections in order, pages 1..n)
    source: Path  # the manifest file
    sha256: str  # of the manifest bytes
    number: int | None = None
    style_overrides: dict = field(default_factory=dict, hash=False, compare=False)

    def page(self, label: str) -> Page:
        for p in self.pages:
            if p.label == label:
                return p
        raise KeyError(label)

    def section(self, sid: str) -> Section:
        for s in self.sections:
            if s.id == sid:
                return s
        raise KeyError(sid)
