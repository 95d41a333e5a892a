"""What changed on each page since the previous build: the flatplan's "changed" badges and line highlights.

In: this build's pages (record, drawing's images) and the state the previous build left
(`STATE`, JSON in the previews folder).  Out: per page a `PageChange` (unchanged,
changed, added; the boxes of the lines whose text is new; when each story on it last
changed), and the state to leave for the next build.

Why its own comparison: builds other than proofs record no rounds (layout/proof), and the
desk still wants to see what its last save or rebuild changed.  `compare` is the seam:
the flatplan asks it (or rounds.py, for proof builds) for `PageChange`s only.

Rules.  A page is changed when what is placed on it changed: its runs, frames, pictures
or picture data (not its PDF bytes, which a proof stamp may change on every page).  Its
changed lines are found story by story (an owner: a story key, a box, the folio ...): the
lines, as set, are compared as a sequence of texts with the previous build's, and the
lines that are new or replaced are highlighted.  Text that re-broke is therefore shown
where its lines now read differently, which is what a proofreader has to read again.
The state keeps only hashes of line texts, never the text.  The revision number goes up
only when something changed; a build in which nothing changed is that revision again and
shows what changed in it (so building the same input twice writes the same bytes).  Under
`layout watch` every rebuild is compared with the one before, so the pages marked are
those the last save changed.

A proof build's `PageChange`s come from its rounds instead (rounds.py: since the previous
proof round, with the proof diff's highlights); other builds keep this comparison.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import Enum

from layout.fonts.catalogue import Face
from layout.page.record import PageRecord, RunRecord

STATE = "changes.json"  # in the previews folder, written with the build's outputs
VERSION = 1


class PageStatus(str, Enum):
    FIRST = "first"  # no previous build to compare with
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    ADDED = "added"  # not in the previous build


@dataclass(frozen=True)
class LineBox:
    """A changed line, in the record's coordinates (points from the trim's top left, y down)."""

    x: float
    y: float  # top
    w: float
    h: float
    story: str  # the line's owner (story key, box or picture id, furniture)
    kind: str  # "replace": replaces a line that read differently; "insert": no line stood there
    # (the kinds of layout.proof's highlights, which a proof build's flatplan shows: also
    # delete, reflow, headline, caption, added, frame, picture, removed; rounds.py)
    note: str = ""  # a proof highlight's note: the deleted text, a frame's old box ...

    def plain(self) -> dict:
        out = {"x": round(self.x, 2), "y": round(self.y, 2), "w": round(self.w, 2), "h": round(self.h, 2),
               "story": self.story, "kind": self.kind}
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class PageChange:
    status: PageStatus
    lines: tuple[LineBox, ...] = ()
    last_change: dict[str, int] = field(default_factory=dict)  # owner -> revision its lines last changed


@dataclass(frozen=True)
class PageInput:
    """What `compare` needs of a page."""

    record: PageRecord
    images: tuple[bytes, ...] = ()  # the picture data drawn on it (a photo replaced under its name)


@dataclass(frozen=True)
class Line:
    owner: str
    text: str
    x: float
    y: float
    w: float
    h: float


def lines_of(record: PageRecord, faces: dict[str, Face]) -> list[Line]:
    """The record's runs joined into lines: consecutive runs of one owner on one baseline,
    left to right.  `faces`: Face.key -> Face, for the widths as drawn."""
    return [_line(group, faces) for group in _groups(record)]


def _groups(record: PageRecord) -> list[list[RunRecord]]:
    """The runs of each line (as `lines_of` joins them)."""
    out: list[list[RunRecord]] = []
    prev: RunRecord | None = None
    for r in record.runs:
        if prev is None or r.vertical or prev.vertical or r.story != prev.story or abs(r.y - prev.y) > 0.01 \
                or r.x < prev.x:
            out.append([])
        out[-1].append(r)
        prev = r
    return out


def _line(runs: list[RunRecord], faces: dict[str, Face]) -> Line:
    first = runs[0]
    face = faces.get(first.face)
    asc, desc = (face.ascent, face.descent) if face is not None else (0.88, 0.12)
    size = max(r.size for r in runs)
    if first.vertical:  # one em per character, downwards from the top
        return Line(first.story, first.text, first.x, first.y - asc * size, size, len(first.text) * size)
    end = first.x
    for r in runs:
        f = faces.get(r.face)
        widths = f.widths if f is not None else {}
        end = max(end, r.x + sum(widths.get(ch, 1.0) * r.size + r.tc for ch in r.text) - r.tc)
    return Line(first.story, "".join(r.text for r in runs), first.x, first.y - asc * size, end - first.x,
                (asc + desc) * size)


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=4).hexdigest()  # told apart within one story


def fingerprint(page: PageInput) -> str:
    """A hash of everything placed on the page (not of its PDF bytes)."""
    rec = page.record
    h = hashlib.sha256(repr((
        rec.label, rec.width, rec.height,
        [(r.story, r.role, r.x, r.y, r.face, r.size, r.text, r.tc, r.vertical) for r in rec.runs],
        [(f.kind.value, f.owner, f.x, f.y, f.w, f.h) for f in rec.frames],
        [(p.owner, p.x, p.y, p.w, p.h, p.file, p.crop) for p in rec.pictures])).encode("utf-8"))
    for data in page.images:
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def load_state(data: bytes | None) -> dict | None:
    """The previous build's state from its file's bytes; None when there is none or it is not
    one this version wrote (then every page is compared as if there were no previous build)."""
    if data is None:
        return None
    try:
        state = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    ok = (isinstance(state, dict) and state.get("version") == VERSION and isinstance(state.get("revision"), int)
          and isinstance(state.get("pages"), dict))
    return state if ok else None


def dump_state(state: dict) -> bytes:
    return json.dumps(state, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


class Fingerprints:
    """Fingerprints of the records seen in the last build: a resident process (`layout
    watch`) hands the same record objects back for the pages it did not rebuild, and those
    are not hashed again.  The records are held, so an id is never another object's."""

    def __init__(self) -> None:
        self._seen: dict[int, tuple[PageInput, str]] = {}

    def of(self, pages: list[PageInput]) -> list[str]:
        seen: dict[int, tuple[PageInput, str]] = {}
        for page in pages:
            hit = self._seen.get(id(page.record))
            if hit is None or hit[0].images != page.images:
                hit = (page, fingerprint(page))
            seen[id(page.record)] = hit
        self._seen = seen
        return [seen[id(p.record)][1] for p in pages]


def compare(previous: dict | None, pages: list[PageInput], faces: dict[str, Face],
            fingerprints: Fingerprints | None = None) -> tuple[dict[str, PageChange], dict, int]:
    """Each page's change since `previous` (load_state's), the state to leave and this
    build's revision number (1 for a first build; one more than the previous build's when
    anything changed, else the same).  Only the pages whose fingerprint changed have their
    lines compared; the others keep what the previous state says of them."""
    old_pages = previous["pages"] if previous else {}
    old_rev = previous["revision"] if previous else 0
    rev = old_rev + 1
    changes: dict[str, PageChange] = {}
    state_pages: dict[str, dict] = {}
    any_change = previous is None
    for page, fp in zip(pages, (fingerprints or Fingerprints()).of(pages)):
        label = page.record.label
        old = old_pages.get(label)
        old = old if isinstance(old, dict) else None
        if previous is None:
            status = PageStatus.FIRST
        elif old is None:
            status = PageStatus.ADDED
        else:
            status = PageStatus.UNCHANGED if old.get("fingerprint") == fp else PageStatus.CHANGED
        if status is PageStatus.UNCHANGED and isinstance(old_lines := old.get("lines"), dict):
            when = _as_recorded(old).last_change
            changes[label] = PageChange(status, (), when)
            state_pages[label] = {"fingerprint": fp, "lines": old_lines, "last_change": when,
                                  "status": status.value, "changed_lines": []}
            continue
        any_change = True
        groups: dict[str, list[list[RunRecord]]] = {}
        for g in _groups(page.record):
            groups.setdefault(g[0].story, []).append(g)
        hashes = {o: [_hash("".join(r.text for r in g)) for g in gs] for o, gs in groups.items()}
        old_lines = old.get("lines", {}) if old else {}
        old_when = _as_recorded(old).last_change if old else {}
        boxes: list[LineBox] = []
        when: dict[str, int] = {}
        for owner, gs in groups.items():
            marked = [] if status is PageStatus.FIRST else _changed(old_lines.get(owner), hashes[owner])
            for i, kind in marked:
                ln = _line(gs[i], faces)
                boxes.append(LineBox(ln.x, ln.y, ln.w, ln.h, owner, kind))
            prior = old_when.get(owner)
            when[owner] = rev if (marked or prior is None) else prior
        changes[label] = PageChange(status, tuple(boxes), when)
        state_pages[label] = {"fingerprint": fp, "lines": hashes, "last_change": when, "status": status.value,
                              "changed_lines": [b.plain() for b in boxes]}
    if not any_change and len(state_pages) == len(old_pages):
        # nothing changed: this is the previous revision again, shown as it was (what changed
        # in it since the one before), so the same input writes the same bytes
        return {label: _as_recorded(old_pages[label]) for label in changes}, previous, old_rev
    return changes, {"version": VERSION, "revision": rev, "pages": state_pages}, rev


def _as_recorded(page: dict) -> PageChange:
    """A page's change as the state recorded it."""
    try:
        boxes = tuple(LineBox(float(b["x"]), float(b["y"]), float(b["w"]), float(b["h"]), str(b["story"]),
                              str(b["kind"])) for b in page.get("changed_lines", []))
        when = {str(o): int(r) for o, r in page.get("last_change", {}).items()}
        return PageChange(PageStatus(page.get("status", PageStatus.UNCHANGED.value)), boxes, when)
    except (ValueError, TypeError, KeyError, AttributeError):
        return PageChange(PageStatus.UNCHANGED)


def _changed(old: object, new: list[str]) -> list[tuple[int, str]]:
    """Indexes of the lines of `new` that are not in `old` in sequence, with their kind."""
    if not isinstance(old, list):
        return [(i, "insert") for i in range(len(new))]
    marked: list[tuple[int, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            marked += [(j, tag) for j in range(j1, j2)]
    return marked
