"""What changed between two proof rounds, page by page and story by story.

In: two `Revision`s (layout/proof/revision.py).  Out: an `EditionDiff`: every page
unchanged / changed / added / removed; for every changed story (or caption, box, furniture)
its text changes as a proofreader marks them (textdiff.py), whether its lines re-broke,
whether its frame moved or was resized, whether its headline, caption or photo changed;
and for each changed page the boxes to highlight on the new proof page (`Highlight`: points
from the trim's top left, y down, as the page records).  `diff_json` is the documented
diff.json (README "Comparing proof rounds").

Why story by story: a raster or text-extraction diff of two PDFs sees a re-broken column
as every line changed and a multi-column page in scrambled reading order; the records
know each story's own lines, so a changed sentence is one change and a column that only
re-broke is reflow.  Pages whose inputs are the same in both rounds are not compared at
all (their input keys say so), which keeps a whole edition's diff fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from layout.page.keys import StoryKey
from layout.page.record import FrameKind, FrameRecord
from layout.proof.revision import Block, Line, PageRevision, Picture, Revision
from layout.proof.textdiff import Change, FieldDiff, char_range, diff_lines

FIELDS = ("text", "headline", "caption", "jump")
EPS = 0.05  # pt: closer than this is the same position


class Status:
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"


@dataclass(frozen=True)
class Highlight:
    x: float
    y: float  # top
    w: float
    h: float
    story: str
    kind: str  # insert | replace | delete | reflow | headline | caption | added | frame | picture | removed
    note: str = ""  # what was there (a deletion's text, a frame's old box, ...)


@dataclass
class StoryDiff:
    key: str
    kind: str  # story | picture | box | other | furniture
    status: str  # changed | added | removed
    moved_from: str = ""  # the page it was on in the old round (added here, removed there)
    moved_to: str = ""
    changes: dict[str, tuple[Change, ...]] = field(default_factory=dict)  # field -> changes
    reflowed: tuple[int, ...] = ()  # text line numbers that only re-broke
    frame: str = ""  # "", moved, resized, "moved, resized", added, removed
    old_frame: tuple[float, float, float, float] | None = None
    new_frame: tuple[float, float, float, float] | None = None
    picture: str = ""  # "", replaced, recropped, moved, resized (comma-separated), added, removed
    old_lines: int = 0
    new_lines: int = 0

    @property
    def reflow(self) -> bool:
        return bool(self.reflowed)


@dataclass
class PageDiff:
    label: str
    status: str
    stories: list[StoryDiff] = field(default_factory=list)
    highlights: list[Highlight] = field(default_factory=list)
    old_id: str = ""
    new_id: str = ""


@dataclass
class EditionDiff:
    old: Revision
    new: Revision
    pages: list[PageDiff]

    @property
    def changed(self) -> bool:
        return any(p.status != Status.UNCHANGED for p in self.pages)


# -- comparing -------------------------------------------------------------------------

def _box(f: FrameRecord | Picture) -> tuple[float, float, float, float]:
    return (round(f.x, 2), round(f.y, 2), round(f.w, 2), round(f.h, 2))


def _geometry(old: tuple[float, ...], new: tuple[float, ...]) -> str:
    moved = abs(old[0] - new[0]) > EPS or abs(old[1] - new[1]) > EPS
    resized = abs(old[2] - new[2]) > EPS or abs(old[3] - new[3]) > EPS
    return ", ".join(w for w, on in (("moved", moved), ("resized", resized)) if on)


def _frames(p: PageRevision) -> dict[str, FrameRecord]:
    return {f.owner: f for f in p.frames}


def _field_lines(b: Block | None, fld: str) -> list[Line]:
    return [ln for ln in b.lines if ln.group == fld] if b is not None else []


def _line_boxes(lines: list[Line], key: str, kind: str, spans: list[tuple[int, int]] | None = None,
                note: str = "") -> list[Highlight]:
    """Boxes over `lines`, or over the parts of them that the text spans [a, b) cover (a
    character's share of a line's width: exact for ideographs, close for the rest); an
    empty span (a deletion) is a thin caret where the deleted text was."""
    out: list[Highlight] = []
    start, total = 0, sum(len(ln.text) for ln in lines)
    for i, ln in enumerate(lines):
        n = len(ln.text)
        end = start + n
        x, y, w, h = ln.box()
        for a, b in spans if spans is not None else [(start, end)]:
            hit = a < end and b > start if b > a else start <= a < end or (a == total and i == len(lines) - 1)
            if not hit:
                continue
            f0, f1 = char_range(ln.text, start, a, b)
            if ln.vertical:
                out.append(Highlight(x, y + h * f0, w, max(1.5, h * (f1 - f0)), key, kind, note))
            else:
                out.append(Highlight(x + w * f0, y, max(1.5, w * (f1 - f0)), h, key, kind, note))
        start = end
    return out


def diff_block(key: str, kind: str, old: Block | None, new: Block | None, which: tuple[str, ...] = FIELDS
               ) -> tuple[dict[str, FieldDiff], list[Highlight]]:
    """Each field's changes from `old` to `new` and the highlights on the new lines."""
    fields: dict[str, FieldDiff] = {}
    marks: list[Highlight] = []
    for fld in which:
        ol, nl = _field_lines(old, fld), _field_lines(new, fld)
        if [ln.text for ln in ol] == [ln.text for ln in nl]:
            continue
        fd = diff_lines([ln.text for ln in ol], [ln.text for ln in nl])
        fields[fld] = fd
        for c in fd.changes:
            if c.op == "delete":
                marks += _line_boxes(nl, key, "delete", [(c.new_at, c.new_at)], c.old)
            else:
                mark = c.op if fld == "text" else fld
                marks += _line_boxes(nl, key, mark, [(c.new_at, c.new_at + len(c.new))])
        if fd.reflowed and fld == "text":
            marks += _line_boxes([nl[k - 1] for k in fd.reflowed], key, "reflow")
    return fields, marks


def diff_page(old: PageRevision | None, new: PageRevision | None, jumped: frozenset[str] = frozenset()) -> PageDiff:
    """One page's changes.  The text of the stories in `jumped` (ids of stories that run
    over more than one page) is left to `diff_jumped`, which compares it whole."""
    if new is None:
        assert old is not None
        return PageDiff(old.label, Status.REMOVED, [StoryDiff(b.key, b.kind, Status.REMOVED,
                                                              old_lines=len(b.lines)) for b in old.blocks],
                        old_id=old.id)
    if old is None:
        return PageDiff(new.label, Status.ADDED, [StoryDiff(b.key, b.kind, Status.ADDED, new_lines=len(b.lines))
                                                  for b in new.blocks], new_id=new.id)
    pd = PageDiff(new.label, Status.UNCHANGED, old_id=old.id, new_id=new.id)
    if old.input == new.input and old.input:
        return pd  # made from the same inputs: the same page (builds are deterministic)
    ofr, nfr = _frames(old), _frames(new)
    opic, npic = {q.owner: q for q in old.pictures}, {q.owner: q for q in new.pictures}
    oblk, nblk = {b.key: b for b in old.blocks}, {b.key: b for b in new.blocks}
    keys = list(dict.fromkeys([*nblk, *nfr, *npic, *oblk, *ofr, *opic]))
    for key in keys:
        which = FIELDS[1:] if StoryKey.parse(key).story_id in jumped else FIELDS
        sd = _diff_owner(key, oblk.get(key), nblk.get(key), ofr.get(key), nfr.get(key), opic.get(key),
                         npic.get(key), pd.highlights, which)
        if sd is not None:
            pd.stories.append(sd)
    if pd.stories:
        pd.status = Status.CHANGED
    return pd


def _kind(*things) -> str:
    for t in things:
        if isinstance(t, Block):
            return t.kind
        if isinstance(t, FrameRecord):
            return t.kind.value
        if isinstance(t, Picture):
            return "picture"
    return "furniture"


def _diff_owner(key: str, ob: Block | None, nb: Block | None, of: FrameRecord | None, nf: FrameRecord | None,
                op: Picture | None, np: Picture | None, marks: list[Highlight], which: tuple[str, ...] = FIELDS
                ) -> StoryDiff | None:
    kind = _kind(nb, nf, np, ob, of, op)
    present_old, present_new = bool(ob or of or op), bool(nb or nf or np)
    sd = StoryDiff(key, kind, Status.CHANGED, old_lines=len(ob.lines) if ob else 0,
                   new_lines=len(nb.lines) if nb else 0)
    if not present_new:
        sd.status = Status.REMOVED
        if of is not None:
            sd.old_frame = _box(of)
            marks.append(Highlight(*_box(of), key, "removed", f"removed: {key}"))
        return sd
    if not present_old:
        sd.status = Status.ADDED
        if nf is not None:
            sd.new_frame = _box(nf)
        marks += _line_boxes(list(nb.lines) if nb else [], key, "added")
        if nf is not None and not nb:
            marks.append(Highlight(*_box(nf), key, "added"))
        return sd
    if of is not None or nf is not None:
        sd.old_frame = _box(of) if of is not None else None
        sd.new_frame = _box(nf) if nf is not None else None
        if of is None or nf is None:
            sd.frame = "added" if of is None else "removed"
        else:
            sd.frame = _geometry(sd.old_frame, sd.new_frame)  # type: ignore[arg-type]
        if sd.frame and nf is not None:
            old = f"was {sd.old_frame[0]:.0f},{sd.old_frame[1]:.0f} {sd.old_frame[2]:.0f}×{sd.old_frame[3]:.0f}" \
                if sd.old_frame else ""
            marks.append(Highlight(*_box(nf), key, "frame", old))
    if op is not None or np is not None:
        sd.picture = _picture_change(op, np)
        if sd.picture and np is not None:
            marks.append(Highlight(*_box(np), key, "picture", sd.picture))
    if (ob.text_hash if ob else "") != (nb.text_hash if nb else "") or _breaks(ob) != _breaks(nb):
        fields, found = diff_block(key, kind, ob, nb, which)
        sd.changes = {f: d.changes for f, d in fields.items() if d.changes}
        sd.reflowed = fields["text"].reflowed if "text" in fields else ()
        marks += found
    if not (sd.changes or sd.reflowed or sd.frame or sd.picture):
        return None
    return sd


def _breaks(b: Block | None) -> tuple:
    return tuple(len(ln.text) for ln in b.lines) if b is not None else ()


def _picture_change(op: Picture | None, np: Picture | None) -> str:
    if op is None or np is None:
        return "added" if op is None else "removed"
    what = []
    # by content when both files could be read (the same photo built from another folder
    # is the same photo), else by name
    if (op.sha256 != np.sha256) if op.sha256 and np.sha256 else (op.file != np.file):
        what.append("replaced")
    elif op.crop != np.crop:
        what.append("recropped")
    geo = _geometry(_box(op), _box(np))
    if geo:
        what.append(geo)
    return ", ".join(what)


def diff_revisions(old: Revision, new: Revision) -> EditionDiff:
    """Every page of either round compared; a story that left one page for another is
    marked as moved on both."""
    labels = [p.label for p in new.pages] + [p.label for p in old.pages if new.page(p.label) is None]
    jumped = frozenset(_jumped_ids(old) | _jumped_ids(new))
    pages = [diff_page(old.page(lab), new.page(lab), jumped) for lab in labels]
    by_label = {p.label: p for p in pages}
    for sid in sorted(jumped):
        diff_jumped(sid, old, new, by_label)
    gone = {s.key: p.label for p in pages for s in p.stories if s.status == Status.REMOVED and s.kind == "story"}
    came = {s.key: p.label for p in pages for s in p.stories if s.status == Status.ADDED and s.kind == "story"}
    for p in pages:
        for s in p.stories:
            if s.status == Status.ADDED and s.key in gone:
                s.moved_from = gone[s.key]
            elif s.status == Status.REMOVED and s.key in came:
                s.moved_to = came[s.key]
    return EditionDiff(old, new, pages)


def changed_pages(old: Revision, new: Revision) -> dict[str, str]:
    """Page label -> unchanged | changed | added | removed (the flatplan's badges)."""
    return {p.label: p.status for p in diff_revisions(old, new).pages}


# -- stories that run over more than one page -------------------------------------------
# Text inserted on the front page pushes text over the jump: on the continuation page it
# re-broke, it was not written anew.  So a jumped story's text is compared whole (its
# parts in page order), and each change is reported on the page and line where it sits.

def _jumped_ids(rev: Revision) -> set[str]:
    keys = (StoryKey.parse(f.owner) for p in rev.pages for f in p.frames if f.kind == FrameKind.STORY)
    return {k.story_id for k in keys if k.continuation}


def _parts(rev: Revision, sid: str, labels: set[str]) -> list[tuple[str, str, list[Line]]]:
    """(page, block key, text lines) of each part of story `sid`, in page order."""
    out = []
    for p in rev.pages:
        if p.label in labels and any(StoryKey.parse(f.owner).story_id == sid for f in p.frames):
            out += [(p.label, b.key, _field_lines(b, "text")) for b in p.blocks
                    if b.kind == "story" and StoryKey.parse(b.key).story_id == sid]
    return out


def _where(parts: list[tuple[str, str, list[Line]]]) -> list[tuple[int, int, int]]:
    """For each line of the story, in order: (part index, its line number in the part, the
    part's first character in the whole story's text)."""
    out, start = [], 0
    for i, (_, _, lines) in enumerate(parts):
        out += [(i, k, start) for k in range(1, len(lines) + 1)]
        start += sum(len(ln.text) for ln in lines)
    return out


def _story(pages: dict[str, PageDiff], label: str, key: str) -> StoryDiff:
    pd = pages[label]
    for sd in pd.stories:
        if sd.key == key:
            return sd
    sd = StoryDiff(key, "story", Status.CHANGED)
    pd.stories.append(sd)
    pd.status = Status.CHANGED
    return sd


def diff_jumped(sid: str, old: Revision, new: Revision, pages: dict[str, PageDiff]) -> None:
    both = {p.label for p in new.pages} & {p.label for p in old.pages}
    op, np_ = _parts(old, sid, both), _parts(new, sid, both)
    old_text = [ln.text for _, _, lines in op for ln in lines]
    new_text = [ln.text for _, _, lines in np_ for ln in lines]
    if old_text == new_text or not np_:
        return
    fd = diff_lines(old_text, new_text)
    ow, nw = _where(op), _where(np_)
    for c in fd.changes:
        part, first, off = nw[max(c.new_lines[0], 1) - 1]
        last = nw[c.new_lines[1] - 1][1] if c.new_lines[1] and nw[c.new_lines[1] - 1][0] == part else first
        label, key, lines = np_[part]
        opart, ofirst, ooff = ow[c.old_lines[0] - 1] if c.old_lines[0] else (part, 0, off)
        olast = ow[c.old_lines[1] - 1][1] if c.old_lines[1] and ow[c.old_lines[1] - 1][0] == opart else ofirst
        olabel = op[opart][0] if op else label
        local = Change(c.op, c.old, c.new, c.old_at - ooff, c.new_at - off, (ofirst, olast), (first, last), c.context,
                       olabel if olabel != label else "")
        sd = _story(pages, label, key)
        sd.changes["text"] = (*sd.changes.get("text", ()), local)
        kind, span, note = ("delete", (c.new_at, c.new_at), c.old) if c.op == "delete" else \
            (c.op, (c.new_at, c.new_at + len(c.new)), "")
        targets = [part] if c.op == "delete" else range(len(np_))
        start = 0
        for i, (lab, k, ls) in enumerate(np_):
            if i in targets:
                pages[lab].highlights.extend(_line_boxes(ls, k, kind, [(span[0] - start, span[1] - start)], note))
            start += sum(len(ln.text) for ln in ls)
    for n in fd.reflowed:
        part, k, _ = nw[n - 1]
        label, key, lines = np_[part]
        sd = _story(pages, label, key)
        sd.reflowed = (*sd.reflowed, k)
        pages[label].highlights.extend(_line_boxes([lines[k - 1]], key, "reflow"))
