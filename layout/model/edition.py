"""The edition model: frozen dataclasses built by manifest.py, read by every later stage.

Nothing here touches the file system; body texts are already loaded and split into
paragraphs, image paths already resolved.  `Where` keeps the manifest position of each
object so that late stages (fonts, composition) can still name file:line in errors.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
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
class Headline:
    text: str  # as printed: without the editor's break marks
    size: float | None = None  # pt; None = copyfit from the role's size range
    face: str | None = None  # role name of a face (song, biaosong, hei, kai)
    vertical: bool = False
    lines: int | None = None  # most lines allowed; None = the role's default
    breaks: tuple[int, ...] = ()  # offsets in `text` where the editor broke the line (| or a list of lines)


@dataclass(frozen=True)
class Photo:
    id: str
    file: Path
    caption: str = ""
    credit: str = ""
    fit: str = "cover"  # cover | contain
    frame: Frame | None = None  # page-level photos
    columns: int = 1  # in-block photos: text columns covered
    lines: int = 0  # in-block photos: grid lines taken (picture + caption)
    where: Where = field(default_factory=lambda: Where(""))


@dataclass(frozen=True)
class Box:
    id: str
    frame: Frame
    text: str
    title: str = ""
    where: Where = field(default_factory=lambda: Where(""))


@dataclass(frozen=True)
class Story:
    """A story block, or (when `continued_from` is set) the resuming part of a jumped story."""

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


@dataclass(frozen=True)
class Section:
    id: str
    name: str
    label: str  # pattern with {n}, e.g. "A{n}", "T{n}", "特{n}"
    pages: int


@dataclass(frozen=True)
class Page:
    label: str  # A1, T3, 特2
    section: str  # section id
    number: int  # 1-based within the section
    template: str = "normal"  # normal | front
    editor: str = ""
    designer: str = ""
    stories: tuple[Story, ...] = ()
    photos: tuple[Photo, ...] = ()
    boxes: tuple[Box, ...] = ()
    where: Where = field(default_factory=lambda: Where(""))


@dataclass(frozen=True)
class Edition:
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
