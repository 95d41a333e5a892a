"""The display list: what a composed page is, in points, origin at the trim's top left.

In: nothing (plain data).  Out: `PageDisplay(width, height, items)` where items are
GlyphRun, Rule, Rect, Image and Form.  The renderer draws these and knows nothing of styles;
tests read them without writing a PDF.  Coordinates: x to the right, y DOWN; a glyph
run's y is its baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CMYK = tuple[float, float, float, float]
BLACK: CMYK = (0.0, 0.0, 0.0, 1.0)


# not frozen: built for every line or run set (~10^5 per edition), and a frozen dataclass is several times
# slower to construct (its __init__ goes through object.__setattr__); never mutated
@dataclass(slots=True)
class GlyphRun:
    """Characters set with one text operator: each advances by its font width plus `tc` pt."""

    x: float
    y: float  # baseline
    face: str  # Face.key
    size: float
    text: str
    tc: float = 0.0
    color: CMYK = BLACK
    vertical: bool = False  # upright glyphs stacked downwards (竖排), one per cell of `size`
    story: str = ""  # story key, for fidelity checks and proof labels
    role: str = ""  # body, headline, ... (what kind of text this is)
    para: int = -1  # body text: the story paragraph the run belongs to (tagged PDF: one P per paragraph)
    col: int = -1  # body text: the story block's text column (article-thread beads); -1 elsewhere


@dataclass(frozen=True, slots=True)
class Rule:
    """A straight line (a column rule, a frame's border) from (x0, y0) to (x1, y1), in pt."""

    x0: float
    y0: float
    x1: float
    y1: float
    width: float
    color: CMYK = BLACK


@dataclass(frozen=True, slots=True)
class Rect:
    """A rectangle, stroked and/or filled (a box's frame, a tint, a proof mark)."""

    x: float
    y: float  # top
    w: float
    h: float
    stroke: float = 0.0  # line width; 0 = no stroke
    color: CMYK = BLACK
    fill: CMYK | None = None


@dataclass(frozen=True, slots=True)
class Image:
    """A photo placed on the page: the crop of its file that fills the box."""

    x: float
    y: float  # top
    w: float
    h: float
    file: Path
    crop: tuple[int, int, int, int]  # source pixel box (left, top, right, bottom)
    mode: str  # source mode after loading: RGB, CMYK, L
    ppi: float  # effective resolution at this size
    id: str = ""


@dataclass(frozen=True, slots=True)
class Form:
    """A page of a PDF placed as vector artwork (a booked ad, a graphics-desk graphic):
    the source page's `box` (in its own space) drawn into x, y, w, h, clipped to `clip`
    (x, y, w, h) when the picture is cropped.  `sha256` names the file's version: the
    renderer imports that page once per document (layout.pdf.adform)."""

    x: float
    y: float  # top
    w: float
    h: float
    file: Path
    sha256: str
    box: tuple[float, float, float, float]
    id: str = ""
    clip: tuple[float, float, float, float] | None = None


@dataclass(frozen=True, slots=True)
class Marker:
    """Proof-only annotation (frame outlines, line numbers, overset flags); not printed."""

    x: float
    y: float
    w: float
    h: float
    kind: str  # frame | overset | lineno | blank | empty (a template slot nothing fills)
    text: str = ""


Item = GlyphRun | Rule | Rect | Image | Form | Marker


@dataclass(frozen=True)
class Bookmark:
    """An outline entry of the page (a story's headline) at its height on the page."""

    title: str
    y: float


@dataclass(frozen=True)
class PageDisplay:
    """A composed page as a display list: everything to draw, in drawing order."""

    label: str
    width: float
    height: float
    items: tuple[Item, ...]
    bookmarks: tuple[Bookmark, ...] = ()
    section: str = ""
    title: str = ""  # e.g. "第一版 要闻"
