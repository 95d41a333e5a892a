"""Frames that size themselves: `lines: auto` and `top: below <id>`, placed before composing.

In: an Edition whose frames may be pending (layout.model.edition.PendingFrame; in-block
photos with `lines: auto`), its Style and FontBook.  Out: the same Edition with every
frame a plain Frame and every in-block photo a number of lines, so that composing,
drawing, the fit report and the archive see exactly what the same frames written out in
numbers would give; or a ManifestError naming every frame that runs past the bottom of
the type area or into another frame (both frames, with file:line).

How a frame is sized:
- a story: the fewest grid lines in which it sets with nothing left over (headline stack,
  byline, in-story photos, body and jump lines), found by setting it (StoryComposer) at
  a first guess from its lines at full height and then bisecting whole grid lines; a
  continuation's text starts where its source page left off, so the source is placed
  first (across pages, in whatever order the `below` chains and jumps need);
- a box: the fewest lines that hold its title and text inside its border;
- a photo (a page photo's frame, or an in-story photo's `lines`): the picture's height at
  its width (the aspect ratio of the file as printed), rounded up to grid lines, plus its
  caption and credit lines (and the separating rule of a page photo's frame);
- an empty template slot with `lines: auto`: MIN_EMPTY_LINES.
`top: below <id>` starts the frame on the line where frame <id> ends: that line holds the
separating rule, as for any frame below the top of the type area.

`fit_lines` uses the same measure for every story and box frame (`layout fit`): the
`lines:` values that make the edition fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Callable

from layout.errors import LayoutError, ManifestError, Problem
from layout.fonts.catalogue import FontBook
from layout.model.edition import Box, Edition, Frame, Page, PageSlot, PendingFrame, Photo, Story, Where
from layout.model.photos import photo_info
from layout.model.styles import Style
from layout.page.box import compose_box
from layout.page.display import Form, GlyphRun, Image
from layout.page.grid import check_frames
from layout.page.photo import compose_photo
from layout.page.place import Placer
from layout.page.story import ComposedStory, StoryComposer
from layout.text.typeset import Cursor

MIN_EMPTY_LINES = 3  # an empty slot with lines: auto: room for its rule and the proof's 空
DEPTH = 4  # a frame that does not fit in the type area is measured up to this many type areas deep
_TALL = 400  # grid lines given to a photo while only its width and caption are measured


class FrameKind:
    STORY = "story"
    CONTINUATION = "continuation"
    PHOTO = "photo"
    BOX = "box"
    SLOT = "slot"


@dataclass(frozen=True)
class Placement:
    """One frame of the edition: as written, as placed, and what its copy needs."""

    page: str
    name: str  # as messages name it: story id, "<id> (continued)", photo or box id, "slot <name> (empty)"
    kind: str  # a FrameKind
    path: str  # the entry's key path in the manifest (pages.T1.stories[2]), "" for an empty slot
    declared: Frame  # as written: a PendingFrame for lines: auto / top: below
    frame: Frame  # placed
    needed: int = 0  # the fewest lines its copy needs (0: not measured)
    slot: str = ""  # the template slot it fills
    where: Where = field(default_factory=lambda: Where(""))


@dataclass(eq=False, repr=False)  # never compared nor printed: no __eq__, __repr__ to compile at import
class _Entry:
    """A frame of a page waiting to be placed (`lines: auto`, `top: below`), with what it holds."""

    kind: str
    name: str
    declared: Frame
    value: Story | Photo | Box | PageSlot
    index: int
    slot: str = ""


def needs_placing(edition: Edition) -> bool:
    """Whether any frame of the edition is pending (else `place_frames` has nothing to do)."""
    for page in edition.pages:
        frames = [s.frame for s in page.stories] + [p.frame for p in page.photos] + [b.frame for b in page.boxes] \
            + [s.frame for s in page.slots]
        if any(isinstance(f, PendingFrame) for f in frames):
            return True
        if any(ph.auto for s in page.stories for ph in s.photos):
            return True
    return False


def place_frames(edition: Edition, style: Style, fonts: FontBook) -> Edition:
    """The edition with every pending frame placed (the same object when none is pending);
    raises ManifestError listing every frame that does not fit where it was put."""
    if not needs_placing(edition):
        return edition
    placer = FramePlacer(edition, style, fonts)
    placed = placer.placed_edition()
    problems = placer.problems + check_frames(placed, style, placer.declared())
    if problems:
        raise ManifestError(problems)
    return placed


def fit_lines(edition: Edition, style: Style, fonts: FontBook) -> tuple[list[Placement], Edition, list[Problem]]:
    """Every story and box frame sized to its copy (jump sources keep their lines: they decide
    where the text jumps), with the edition so placed and the problems it would have."""
    placer = FramePlacer(edition, style, fonts, fit_all=True)
    placed = placer.placed_edition()
    problems = placer.problems + check_frames(placed, style, placer.declared())
    return placer.placements(), placed, problems


class FramePlacer:
    """Places the frames of one edition; every frame once, in the order references need."""

    def __init__(self, edition: Edition, style: Style, fonts: FontBook, fit_all: bool = False):
        self.edition, self.style, self.fit_all = edition, style, fit_all
        self.placer = Placer(edition, style, fonts)
        self.grid = self.placer.grid
        self.stories = StoryComposer(self.placer)
        self.pages = {p.label: p for p in edition.pages}
        self.source_page = {s.id: p.label for p in edition.pages for s in p.stories if not s.continued_from}
        self.entries = {p.label: _entries(p) for p in edition.pages}
        self.frames: dict[tuple[str, str], Frame] = {}
        self.needed: dict[tuple[str, str], int] = {}
        self.block_photos: dict[tuple[str, str], tuple[Photo, ...]] = {}
        self.cursors: dict[str, Cursor] = {}
        self.busy: set[tuple[str, str]] = set()
        self.problems: list[Problem] = []

    # -- the result ------------------------------------------------------------------
    def placed_edition(self) -> Edition:
        pages = []
        for page in self.edition.pages:
            key = page.label
            for name in self.entries[key]:
                self.frame(key, name)
            stories = tuple(replace(s, frame=self.frames[(key, _story_name(s))],
                                    photos=self.block_photos.get((key, _story_name(s)), s.photos))
                            for s in page.stories)
            photos = tuple(replace(p, frame=self.frames[(key, p.id)]) for p in page.photos)
            boxes = tuple(replace(b, frame=self.frames[(key, b.id)]) for b in page.boxes)
            slots = tuple(replace(s, frame=self.frames.get((key, s.id or s.name), s.frame)) for s in page.slots)
            pages.append(replace(page, stories=stories, photos=photos, boxes=boxes, slots=slots))
        return replace(self.edition, pages=tuple(pages))

    def declared(self) -> dict[tuple[str, str], Frame]:
        """Frames as written, by (page, name as check_frames names them), for its messages;
        a frame sized to its copy by `fit_lines` counts as lines: auto."""
        out = {}
        for page in self.edition.pages:
            for name, e in self.entries[page.label].items():
                d = e.declared
                if self.fit_all and (page.label, name) in self.needed and not (isinstance(d, PendingFrame)
                                                                               and d.auto):
                    d = PendingFrame(d.col, d.span, d.top, d.lines, True, d.below if isinstance(d, PendingFrame)
                                     else ())
                if isinstance(d, PendingFrame):
                    out[(page.label, e.name)] = d
        return out

    def placements(self) -> list[Placement]:
        out = []
        for page in self.edition.pages:
            for name, e in self.entries[page.label].items():
                path = e.value.where.path if not isinstance(e.value, PageSlot) else ""
                out.append(Placement(page.label, e.name, e.kind, path, e.declared,
                                     self.frames[(page.label, name)], self.needed.get((page.label, name), 0),
                                     e.slot, e.value.where))
        return out

    # -- placing ---------------------------------------------------------------------
    def frame(self, label: str, name: str) -> Frame:
        """The placed frame of entry `name` on page `label` (placing what it depends on first)."""
        key = (label, name)
        got = self.frames.get(key)
        if got is not None:
            return got
        entries = self.entries[label]
        e = entries[name]
        d = e.declared
        if key in self.busy:  # a jump chain that comes back (the loader catches circles on one page)
            self.problems.append(Problem.at(e.value.where, f"frame of {e.name!r} on {label} depends on "
                                            "itself through top: below and jumps", "give one of them a number"))
            return Frame(d.col, d.span, max(d.top, 0), max(d.lines, 1))
        self.busy.add(key)
        top = d.top
        if isinstance(d, PendingFrame) and d.below:  # the lowest bottom of the frames it stands under
            refs = [r for r in (_resolve_alias(entries, b) for b in d.below) if r]
            top = max((self.frame(label, r).bottom for r in refs), default=0)
        lines = d.lines
        measure = (isinstance(d, PendingFrame) and d.auto) or (self.fit_all and self._fits_by_copy(e))
        if measure:
            lines = self._measure(label, e, top)
            self.needed[key] = lines
        elif isinstance(e.value, Story):
            self._photos(label, e.value, Frame(d.col, d.span, top, lines))
        frame = Frame(d.col, d.span, top, max(lines, 1))
        self.frames[key] = frame
        self.busy.discard(key)
        return frame

    def _fits_by_copy(self, e: _Entry) -> bool:
        if isinstance(e.value, Story):
            return not e.value.continues
        return isinstance(e.value, Box)

    def _measure(self, label: str, e: _Entry, top: int) -> int:
        page = self.pages[label]
        v = e.value
        if isinstance(v, Story):
            return self._story_lines(page, v, e.declared, top)
        if isinstance(v, Box):
            return self._box_lines(page, v, e.declared, top)
        if isinstance(v, Photo):
            first = self.placer.content_top(page, top)
            w = self.grid.span_width(e.declared.span)
            return first - top + self._photo_lines(page, v, self.grid.col_x(e.declared.col), w, first)[0]
        return MIN_EMPTY_LINES

    def cursor(self, story_id: str) -> Cursor:
        """Where a jumping story's text resumes: its source set in its placed frame."""
        got = self.cursors.get(story_id)
        if got is None:
            label = self.source_page[story_id]
            src = next(s for s in self.pages[label].stories if s.id == story_id and not s.continued_from)
            frame = self.frame(label, story_id)
            story = replace(src, frame=frame, photos=self.block_photos.get((label, story_id), src.photos))
            got = self.cursors[story_id] = self.stories.compose(self.pages[label], story, {}).flow.end
        return got

    # -- stories ---------------------------------------------------------------------
    def _story_lines(self, page: Page, story: Story, declared: Frame, top: int) -> int:
        hi = max(1, self.style.lines - top)
        story = replace(story, photos=self._photos(page.label, story, Frame(declared.col, declared.span, top, hi)))
        cursors = {story.id: self.cursor(story.id)} if story.continued_from else {}
        last: dict[int, ComposedStory] = {}

        def fits(k: int) -> bool:
            frame = Frame(declared.col, declared.span, top, k)
            try:
                got = last[k] = self.stories.compose(page, replace(story, frame=frame), cursors)
            except LayoutError:
                return False
            if got.fit.overset_lines:
                return False
            bottom = self.grid.line_y(top + k) + 0.01  # in-story photos and captions inside the frame too
            return all((it.y + it.h if isinstance(it, (Image, Form)) else it.y) <= bottom for it in got.items
                       if isinstance(it, (Image, Form, GlyphRun)))

        hi_fits = fits(hi)
        guess = _guess(last[hi], top) if hi_fits else hi
        return _fewest(fits, 1, hi, self.style.lines * DEPTH, guess, hi_fits)

    def _photos(self, label: str, story: Story, frame: Frame) -> tuple[Photo, ...]:
        """The story's in-story photos with `lines: auto` given their lines (once per story)."""
        key = (label, _story_name(story))
        got = self.block_photos.get(key)
        if got is not None:
            return got
        if not any(ph.auto for ph in story.photos):
            self.block_photos[key] = story.photos
            return story.photos
        # set the story once with the auto photos tall: their width and caption lines are its own
        tall = tuple(replace(ph, lines=_TALL, fit="cover", auto=False) if ph.auto else ph for ph in story.photos)
        page = self.pages[label]
        composed = self.stories.compose(page, replace(story, frame=frame, photos=tall), {})
        out = []
        for ph in story.photos:
            if ph.auto:
                img = next((it for it in composed.items if isinstance(it, (Image, Form)) and it.id == ph.id), None)
                lines = 3
                if img is not None:
                    lines = max(3, self._photo_lines(page, ph, img.x, img.w, 0, composed.items)[0])
                ph = replace(ph, lines=lines, auto=False)
            out.append(ph)
        got = self.block_photos[key] = tuple(out)
        return got

    def _photo_lines(self, page: Page, photo: Photo, x: float, w: float, first: int,
                     items: tuple | None = None) -> tuple[int, int]:
        """Lines for the picture at width `w` (its aspect ratio, rounded up) plus its caption
        and credit lines: (total, caption lines)."""
        if items is None:
            items = tuple(compose_photo(self.placer, page, replace(photo, fit="cover", auto=False), x, w, first,
                                        first + _TALL)[0])
        captions = {round(it.y, 2) for it in items
                    if isinstance(it, GlyphRun) and it.story == photo.id and it.role in ("caption", "credit")}
        info = photo_info(photo.id, photo.file, photo.where)
        height = w * info.height / max(1, info.width)
        # compose_photo gives the picture its lines less 2 pt above and below
        pic = max(2, math.ceil((height + 4.0) / self.style.leading - 1e-6))
        return pic + len(captions), len(captions)

    # -- boxes -----------------------------------------------------------------------
    def _box_lines(self, page: Page, box: Box, declared: Frame, top: int) -> int:
        need: dict[int, int] = {}

        def fits(k: int) -> bool:
            frame = Frame(declared.col, declared.span, top, k)
            _, findings = compose_box(self.placer, page, replace(box, frame=frame))
            over = [f for f in findings if f.code == "overset"]
            need[k] = int(over[0].data.get("lines_needed", 1)) if over else 0
            return not over

        lo = 3  # border, one line of text, border
        guess = lo if fits(lo) else lo + need[lo]
        return _fewest(fits, lo, max(lo, self.style.lines - top), self.style.lines * DEPTH, guess)


# -- helpers --------------------------------------------------------------------------
def _story_name(story: Story) -> str:
    return story.continued_from or story.id


def _entries(page: Page) -> dict[str, _Entry]:
    """A page's frames by the name `top: below` uses for them (story, photo and box ids;
    an empty slot by its slot name)."""
    slot_of = {s.id: s.name for s in page.slots if s.id}
    out: dict[str, _Entry] = {}
    for i, s in enumerate(page.stories):
        sid = _story_name(s)
        kind = FrameKind.CONTINUATION if s.continued_from else FrameKind.STORY
        out[sid] = _Entry(kind, f"{sid} (continued)" if s.continued_from else sid, s.frame, s, i,
                          slot_of.get(sid, ""))
    for i, p in enumerate(page.photos):
        assert p.frame is not None
        out[p.id] = _Entry(FrameKind.PHOTO, p.id, p.frame, p, i, slot_of.get(p.id, ""))
    for i, b in enumerate(page.boxes):
        out[b.id] = _Entry(FrameKind.BOX, b.id, b.frame, b, i, slot_of.get(b.id, ""))
    for i, s in enumerate(page.slots):
        if not s.id and s.name not in out:
            out[s.name] = _Entry(FrameKind.SLOT, f"slot {s.name} (empty)", s.frame, s, i, s.name)
    return out


def _resolve_alias(entries: dict[str, _Entry], name: str) -> str:
    """`below` names an entry or a template slot; a filled slot stands for its entry."""
    if name in entries:
        return name
    for key, e in entries.items():
        if e.slot == name:
            return key
    return ""


def _guess(composed: ComposedStory, top: int) -> int:
    """The lines a story needs, from its setting at full height: its lines spread over its
    text columns from the first line its text takes (exact when no photo changes a column's start)."""
    placed = composed.flow.placed
    if not placed:
        return 1
    start = min(p.line for p in placed if p.slot == placed[0].slot)
    rows = len(placed)
    ncols = max(1, composed.fit.columns)
    return start - top + math.ceil(rows / ncols)


def _fewest(fits: Callable[[int], bool], lo: int, hi: int, cap: int, guess: int, hi_fits: bool | None = None
            ) -> int:
    """The fewest lines k >= lo for which fits(k) (monotone: more lines never fit worse):
    `guess` and its neighbour first, then bisection.  When not even `hi` (the bottom of the
    type area) is enough, it looks on to `cap` so that the frame is reported with what it
    needs; cap + 1 when even that is not enough."""
    if hi_fits is None:
        hi_fits = fits(hi)
    if not hi_fits:
        k = hi
        while k < cap:
            nk = min(cap, max(k + 1, k * 2))
            if fits(nk):
                return _bisect(fits, k + 1, nk)
            k = nk
        return cap + 1
    guess = min(max(guess, lo), hi)
    if fits(guess):
        if guess == lo or not fits(guess - 1):
            return guess
        return _bisect(fits, lo, guess - 1)
    if guess + 1 <= hi and fits(guess + 1):
        return guess + 1
    return _bisect(fits, guess + 2, hi) if guess + 2 <= hi else hi


def _bisect(fits: Callable[[int], bool], lo: int, hi: int) -> int:
    """The fewest k in lo..hi with fits(k), given fits(hi)."""
    while lo < hi:
        mid = (lo + hi) // 2
        if fits(mid):
            hi = mid
        else:
            lo = mid + 1
    return hi
