"""The page record: what the desks' outputs need to know of a composed page, kept with it.

In: a composed page's display list.  Out: a `PageRecord`, plain data small enough to come
back from a worker process and to live in the page cache (layout/build/pageresult.py),
so that a page taken from the cache still has it.

Why a record beside the display list: the build keeps only a slim display (its items
stay in the worker that drew the page), but the proofreaders' diff, the flatplan and the
archive's ALTO need every line's position, every frame and every picture, for all pages,
rebuilt or not.  The record keeps exactly that, in the display list's coordinates (points,
origin at the trim's top left, y down; a run's y is its baseline), and nothing of styles.
Widths are not stored: `advances` gives them from the fonts when a consumer needs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import partial
from operator import attrgetter
from typing import NamedTuple

from layout.fonts.catalogue import Face
from layout.model.edition import Page
from layout.page.display import Form, GlyphRun, Image, Marker, PageDisplay, Rect, Rule
from layout.page.keys import StoryKey


class FrameKind(str, Enum):
    """What a recorded frame holds."""

    STORY = "story"  # a story entry's frame (its key: id, or id~cont for a continuation)
    PICTURE = "picture"  # a photo's or graphic's frame (its id)
    BOX = "box"  # a box (导读, 相关报道) (its id)
    AD = "ad"  # a booked ad (its id)


class RunRecord(NamedTuple):
    """One glyph run as set: the characters of `text` from (x, y) on, in `face` at `size`,
    each advancing by its width plus `tc`; `vertical` runs stack downwards, one em each.

    A named tuple, not a frozen dataclass: a page has about a thousand runs, and every
    record is made in a worker, pickled and unpickled in the build's process.  A frozen
    dataclass is built through one `object.__setattr__` per field, and unpickled so too
    (36 pages, 33,000 runs: 0.11 s to unpickle in the build's own process, against 0.02 s
    as tuples), for records a print build only hands on.  Its fields read the same."""

    story: str  # owner: a story key, a photo/box id, or furniture ("masthead", "folio", ...)
    role: str  # body, intertitle, headline, kicker, subhead, byline, caption, credit, jump, ...
    x: float
    y: float  # baseline
    face: str  # Face.key
    size: float
    text: str
    tc: float = 0.0
    vertical: bool = False


@dataclass(frozen=True, slots=True)
class FrameRecord:
    """The box a frame (story, picture or box) took on the page, in pt from the top left."""

    kind: FrameKind
    owner: str  # story key, picture id or box id
    x: float
    y: float  # top
    w: float
    h: float


@dataclass(frozen=True, slots=True)
class PictureRecord:
    """A picture as placed: its box on the page and the part of its file shown."""

    owner: str  # the photo's id
    x: float
    y: float  # top
    w: float
    h: float
    file: str  # the source file as the manifest named it (resolved path)
    crop: tuple[int, int, int, int]  # source pixels shown (left, top, right, bottom); 0s for vector art


@dataclass(frozen=True)
class PageRecord:
    """What was placed on a page and where (text runs, frames, pictures): for the archive and proofs."""

    label: str
    width: float
    height: float
    runs: tuple[RunRecord, ...]  # in drawing order (a story's runs in reading order)
    frames: tuple[FrameRecord, ...] = ()
    pictures: tuple[PictureRecord, ...] = ()

    def runs_of(self, owner: str) -> list[RunRecord]:
        return [r for r in self.runs if r.story == owner]

    def __reduce__(self):
        """Sent from a worker to the build's process with its runs as columns: a named tuple
        is pickled through a Python call each (33,000 runs in 36 pages: 40 ms of the workers'
        time, 11 as columns; read back in 14 ms instead of 18).  The same record comes back."""
        return _revive, (self.label, self.width, self.height, list(zip(*self.runs)), self.frames, self.pictures)


_NEW_RUN = partial(tuple.__new__, RunRecord)  # RunRecord(*fields) without its Python-level __new__


def _revive(label: str, width: float, height: float, columns: list[tuple], frames: tuple[FrameRecord, ...],
            pictures: tuple[PictureRecord, ...]) -> PageRecord:
    """The PageRecord `PageRecord.__reduce__` took apart."""
    return PageRecord(label, width, height, tuple(map(_NEW_RUN, zip(*columns))), frames, pictures)


# a GlyphRun's fields in RunRecord's order (all of them: no default left to fill)
_RUN_FIELDS = attrgetter(*RunRecord._fields)


def record_of(page: Page, d: PageDisplay) -> PageRecord:
    """The record of `page` as composed into `d`."""
    return page_record(d, {str(StoryKey.of(s)) for s in page.stories}, {p.id for p in page.photos},
                       {b.id for b in page.boxes}, {a.id for a in page.ads})


def page_record(d: PageDisplay, stories: set[str], pictures: set[str], boxes: set[str],
                ads: set[str] | frozenset[str] = frozenset()) -> PageRecord:
    """The record of a composed page.  `stories`, `pictures` and `boxes`: the owner names
    of the page's story entries, photos and boxes, which tell frame markers apart; `ads`:
    the page's ads (vector or image artwork placed as booked, each recorded as a frame)."""
    runs: list[RunRecord] = []
    frames: list[FrameRecord] = []
    pics: list[PictureRecord] = []
    new, add = tuple.__new__, runs.append
    for it in d.items:
        t = type(it)
        if t is GlyphRun:  # (RunRecord(...) without its Python-level __new__; fields in RunRecord's order)
            add(new(RunRecord, (it.story, it.role, it.x, it.y, it.face, it.size, it.text, it.tc, it.vertical)))
        elif (t is Marker and it.kind != "frame") or t is Rule or t is Rect:  # (line numbers: most of the rest)
            continue
        elif isinstance(it, GlyphRun):
            add(new(RunRecord, _RUN_FIELDS(it)))
        elif isinstance(it, Marker) and it.kind == "frame":
            kind = (FrameKind.STORY if it.text in stories else FrameKind.PICTURE if it.text in pictures
                    else FrameKind.BOX if it.text in boxes else None)
            if kind is not None:  # an ad's proof label is not its name: ads are recorded by their artwork
                frames.append(FrameRecord(kind, it.text, it.x, it.y, it.w, it.h))
        elif isinstance(it, (Image, Form)) and it.id in ads:
            frames.append(FrameRecord(FrameKind.AD, it.id, it.x, it.y, it.w, it.h))
        elif isinstance(it, Image):
            pics.append(PictureRecord(it.id, it.x, it.y, it.w, it.h, str(it.file), tuple(it.crop)))
        elif isinstance(it, Form):
            pics.append(PictureRecord(it.id, it.x, it.y, it.w, it.h, str(it.file), (0, 0, 0, 0)))
    return PageRecord(d.label, d.width, d.height, tuple(runs), tuple(frames), tuple(pics))


def advances(run: RunRecord, faces: dict[str, Face]) -> list[float]:
    """Each character's advance in points as drawn (its width at `size` plus `tc`; one em
    down for a vertical run).  `faces`: Face.key -> Face (FontBook.faces by key)."""
    if run.vertical:
        return [run.size] * len(run.text)
    widths = faces[run.face].widths
    return [widths.get(ch, 1.0) * run.size + run.tc for ch in run.text]


def faces_by_key(faces: dict[str, Face]) -> dict[str, Face]:
    """FontBook.faces (by role) re-keyed by Face.key, as runs name them."""
    return {f.key: f for f in faces.values()}
