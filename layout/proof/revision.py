"""A proof round's revision record: every page's stories, lines, frames and pictures as set.

In: a finished proof build (its page records, page PDFs and each page's input key).  Out:
a `Revision`, written as one JSON file per round under the mode's output folder
(`OUT/proof/revisions/round-NN.json`) and read back by `load_revisions` with every value
checked (a damaged or foreign file is a RevisionError naming it, never a traceback).

Why a record of its own and not the PDFs: comparing two proofs is comparing what was set,
story by story and line by line, which the page records know exactly (layout/page/record.py)
and a PDF only approximately.  The record keeps the text of every line with its box, so
that `layout diff` needs neither fonts nor the manifest of either round, and reads an old
round long after its inputs changed.

Format (`FORMAT`): {"format", "round", "name", "paper", "date", "mode", "pages": [page]}
where a page is {"label", "file" (its page PDF, relative to the mode folder), "pdf_sha256",
"input" (the page's input key: changes when anything the page is made from changes),
"id" (the short revision id stamped on the page), "width", "height", "blocks", "frames",
"pictures"}; a block is {"key", "kind", "text_hash", "lines": [[role, x, y, w, size, text,
vertical]]} (a story, a photo's caption, a box or the page's furniture, in reading order;
x, y: the line's start and baseline, w its advance, in points from the trim's top left, y
down); a frame is [kind, owner, x, y, w, h]; a picture [owner, x, y, w, h, file, crop,
sha256 of the file].
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from layout.errors import LayoutError, Problem
from layout.fonts.catalogue import Face
from layout.page.record import FrameKind, FrameRecord, PageRecord, RunRecord

FORMAT = "layout-revision 1"
FOLDER = "revisions"
FILE = re.compile(r"round-(\d{1,6})\.json")
ASCENT = 0.88  # of the size: where a line's box starts above its baseline (CJK faces' ideographic em box)

# what kind of text each run role is, for the diff: a story's words, its display lines, a
# photo's caption, a generated jump line; anything else (folio, masthead, box text) is "text"
HEADLINE_ROLES = frozenset({"kicker", "headline", "subhead", "continuation_headline", "box_title"})
CAPTION_ROLES = frozenset({"caption", "credit"})
JUMP_ROLES = frozenset({"jump"})


def role_group(role: str) -> str:
    if role in HEADLINE_ROLES:
        return "headline"
    if role in CAPTION_ROLES:
        return "caption"
    if role in JUMP_ROLES:
        return "jump"
    return "text"


class RevisionError(LayoutError):
    """A revision record that is missing, unreadable or not one."""


class Line(NamedTuple):
    """One line as set (a tuple: tens of thousands are made per edition, and it is written
    to JSON as the array it is: [role, x, y, w, size, text, vertical], rounded to 0.01 pt)."""

    role: str  # the role of its first run
    x: float
    y: float  # baseline
    w: float  # advance (horizontal) or height (vertical)
    size: float
    text: str
    vertical: bool = False

    @property
    def group(self) -> str:
        return role_group(self.role)

    def box(self) -> tuple[float, float, float, float]:
        """x, top, width, height of the line's glyphs (page coordinates, y down)."""
        if self.vertical:
            return (self.x, self.y - ASCENT * self.size, self.size, self.w)
        return (self.x, self.y - ASCENT * self.size, self.w, self.size)


@dataclass(frozen=True)
class Block:
    """A story (or a caption, a box, the furniture) as set on one page."""

    key: str  # story key (id, id~cont), photo id, box id, or furniture ("folio", "masthead")
    kind: str  # FrameKind's value, or "furniture"
    lines: tuple[Line, ...]
    text_hash: str

    def text(self, group: str) -> str:
        return "".join(ln.text for ln in self.lines if ln.group == group)


@dataclass(frozen=True)
class Picture:
    owner: str
    x: float
    y: float
    w: float
    h: float
    file: str
    crop: tuple[int, int, int, int]
    sha256: str  # of the file's bytes ("" when it could not be read)


@dataclass
class PageRevision:
    label: str
    file: str  # the page PDF, relative to the mode folder
    pdf_sha256: str
    input: str
    id: str
    width: float
    height: float
    frames: tuple[FrameRecord, ...]
    pictures: tuple[Picture, ...]
    made: tuple[Block, ...] | None = None  # the blocks (None until `raw` is read)
    raw: Any = None  # the blocks as stored, read on first use: a diff reads only the pages that changed
    source: str = ""  # the record file (for messages)

    @property
    def blocks(self) -> tuple[Block, ...]:
        if self.made is None:
            try:
                raw = self.raw
                if isinstance(raw, str):  # the blocks' JSON as read: parsed only now
                    try:
                        raw = json.loads(raw)
                    except (ValueError, RecursionError):
                        raise _Bad(f"page {self.label}: its stories are not JSON") from None
                self.made = _blocks(raw, f"page {self.label}")
            except _Bad as e:
                raise RevisionError(Problem(f"not a revision record: {e}", self.source)) from None
            self.raw = None
        return self.made

    def block(self, key: str) -> Block | None:
        for b in self.blocks:
            if b.key == key:
                return b
        return None


@dataclass(frozen=True)
class Revision:
    round: int
    name: str  # 一校, 二校, ...
    paper: str
    date: str
    mode: str
    pages: tuple[PageRevision, ...]
    folder: Path | None = None  # the mode folder it was read from (page files are relative to it)

    def page(self, label: str) -> PageRevision | None:
        for p in self.pages:
            if p.label == label:
                return p
        return None


# -- making ------------------------------------------------------------------------------

def _width(run: RunRecord, faces: dict[str, Face]) -> float:
    if run.vertical:
        return run.size * len(run.text)
    face = faces.get(run.face)
    widths = face.widths if face is not None else {}
    try:  # (every character of a run is its face's: the build checked coverage)
        em = sum(map(widths.__getitem__, run.text))
    except KeyError:
        em = sum(widths.get(ch, 1.0) for ch in run.text)
    return em * run.size + run.tc * len(run.text)


def blocks_of(rec: PageRecord, faces: dict[str, Face]) -> tuple[Block, ...]:
    """The page's runs grouped by owner into lines: runs of one owner on one baseline, each
    starting where the one before ended or further right, make one line."""
    kinds = {f.owner: f.kind.value for f in rec.frames}
    lines: dict[str, list[list]] = {}  # owner -> [[role, x, y, end, size, texts, vertical]]
    for r in rec.runs:
        w = _width(r, faces)
        owned = lines.setdefault(r.story, [])
        last = owned[-1] if owned else None
        if last is not None and not r.vertical and not last[6] and abs(last[2] - r.y) < 0.01 \
                and r.x >= last[3] - 0.5:
            last[3] = r.x + w
            last[4] = max(last[4], r.size)
            last[5].append(r.text)
        else:
            owned.append([r.role, r.x, r.y, r.x + w, r.size, [r.text], r.vertical])
    out = []
    for owner, raw in lines.items():
        made = tuple(Line(role, round(x, 2), round(y, 2), round(end - x, 2), round(size, 2), "".join(texts), v)
                     for role, x, y, end, size, texts, v in raw)
        digest = hashlib.sha256("".join(ln.text for ln in made).encode("utf-8")).hexdigest()
        out.append(Block(owner, kinds.get(owner, "furniture"), made, digest))
    return tuple(out)


def file_digest(path: str, memo: dict[tuple, str] | None = None) -> str:
    """sha256 of a file's bytes ("" if it cannot be read); remembered by its signature."""
    p = Path(path)
    try:
        st = p.stat()
    except OSError:
        return ""
    sig = (path, st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
    if memo is not None and sig in memo:
        return memo[sig]
    try:
        got = hashlib.sha256(p.read_bytes()).hexdigest()
    except OSError:
        return ""
    if memo is not None:
        memo[sig] = got
    return got


def page_revision(rec: PageRecord, file: str, pdf: bytes, input_key: str, faces: dict[str, Face],
                  digests: dict[tuple, str] | None = None) -> PageRevision:
    pics = tuple(Picture(p.owner, p.x, p.y, p.w, p.h, p.file, p.crop, file_digest(p.file, digests))
                 for p in rec.pictures)
    return PageRevision(rec.label, file, hashlib.sha256(pdf).hexdigest(), input_key, short_id(input_key),
                        rec.width, rec.height, rec.frames, pics, blocks_of(rec, faces))


def short_id(input_key: str) -> str:
    return input_key[:8]


# -- JSON ------------------------------------------------------------------------------

_PAGES = ',"pages":['
_BLOCKS = ',"blocks":['

def _r(v: float) -> float:
    return round(v, 2)


def page_plain(p: PageRevision) -> dict:
    return {"label": p.label, "file": p.file, "pdf_sha256": p.pdf_sha256, "input": p.input, "id": p.id,
            "width": _r(p.width), "height": _r(p.height),
            "frames": [[f.kind.value, f.owner, _r(f.x), _r(f.y), _r(f.w), _r(f.h)] for f in p.frames],
            "pictures": [[q.owner, _r(q.x), _r(q.y), _r(q.w), _r(q.h), q.file, list(q.crop), q.sha256]
                         for q in p.pictures],
            # last, so that a reader can leave them unread (read_revision); lines are tuples,
            # rounded when made: written as the arrays they are
            "blocks": [{"key": b.key, "kind": b.kind, "text_hash": b.text_hash, "lines": b.lines}
                       for b in p.blocks]}


def revision_json(rev: Revision, pages: list[str] | None = None) -> bytes:
    """The record as written: one page per line (a diff of two records stays readable).
    `pages`: each page's JSON already made (page_plain, dumped), to reuse between builds."""
    head = json.dumps({"format": FORMAT, "round": rev.round, "name": rev.name, "paper": rev.paper,
                       "date": rev.date, "mode": rev.mode}, ensure_ascii=False, separators=(",", ":"))
    if pages is None:
        pages = [dump_page(p) for p in rev.pages]
    return (head[:-1] + ',"pages":[\n' + ",\n".join(pages) + "\n]}\n").encode("utf-8")


def dump_page(p: PageRevision) -> str:
    return json.dumps(page_plain(p), ensure_ascii=False, separators=(",", ":"))


def reuse_page(line: str, data: dict, pdf: bytes, source: str) -> tuple[PageRevision, str] | None:
    """A page of the last recorded round made from the same inputs (so set the same:
    builds are deterministic), with this build's page PDF: its record without setting its
    lines out again, and its line of JSON with only the head fields written anew.  None
    when the stored page is not as `dump_page` writes it."""
    cut = line.find(_BLOCKS)
    if cut < 0 or not line.endswith("}"):
        return None
    data = dict(data, pdf_sha256=hashlib.sha256(pdf).hexdigest())
    try:
        page = _page(data, source, line[cut + len(_BLOCKS) - 1:-1])
    except (_Bad, KeyError):
        return None
    head = json.dumps({k: data[k] for k in ("label", "file", "pdf_sha256", "input", "id", "width", "height",
                                            "frames", "pictures")}, ensure_ascii=False, separators=(",", ":"))
    return page, head[:-1] + line[cut:]


class _Bad(ValueError):
    pass


def _t(v: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if not isinstance(v, kind) or isinstance(v, bool) and kind is not bool:
        raise _Bad(f"{what}: expected {getattr(kind, '__name__', 'a value')}")
    return v


def _n(v: Any, what: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise _Bad(f"{what}: expected a number")
    return float(v)


def _blocks(raw: Any, where: str) -> tuple[Block, ...]:
    blocks = []
    for b in _t(raw, list, f"{where}: blocks"):
        _t(b, dict, f"{where}: block")
        lines = []
        for ln in _t(b.get("lines"), list, f"{where}: lines"):
            if not isinstance(ln, list) or len(ln) != 7:
                raise _Bad(f"{where}: a line is not [role, x, y, w, size, text, vertical]")
            lines.append(Line(_t(ln[0], str, where), _n(ln[1], where), _n(ln[2], where), _n(ln[3], where),
                              _n(ln[4], where), _t(ln[5], str, where), _t(ln[6], bool, where)))
        blocks.append(Block(_t(b.get("key"), str, where), _t(b.get("kind"), str, where), tuple(lines),
                            _t(b.get("text_hash"), str, where)))
    return tuple(blocks)


def _page(d: Any, source: str, blocks: str | None = None) -> PageRevision:
    """A page read from `d`; its blocks from `blocks` (their JSON text, parsed when first
    used) when given, else from d["blocks"]."""
    _t(d, dict, "page")
    label = _t(d.get("label"), str, "page label")
    where = f"page {label}"
    if not isinstance(blocks, str):
        _t(d.get("blocks"), list, f"{where}: blocks")
    frames = []
    for f in _t(d.get("frames"), list, f"{where}: frames"):
        if not isinstance(f, list) or len(f) != 6:
            raise _Bad(f"{where}: a frame is not [kind, owner, x, y, w, h]")
        try:
            kind = FrameKind(f[0])
        except ValueError:
            raise _Bad(f"{where}: unknown frame kind {f[0]!r}") from None
        frames.append(FrameRecord(kind, _t(f[1], str, where), *(_n(v, where) for v in f[2:])))
    pics = []
    for q in _t(d.get("pictures"), list, f"{where}: pictures"):
        if not isinstance(q, list) or len(q) != 8 or not isinstance(q[6], list) or len(q[6]) != 4:
            raise _Bad(f"{where}: a picture is not [owner, x, y, w, h, file, crop, sha256]")
        crop = tuple(int(_n(v, where)) for v in q[6])
        pics.append(Picture(_t(q[0], str, where), *(_n(v, where) for v in q[1:5]), _t(q[5], str, where),
                            (crop[0], crop[1], crop[2], crop[3]), _t(q[7], str, where)))
    return PageRevision(label, _t(d.get("file"), str, where), _t(d.get("pdf_sha256"), str, where),
                        _t(d.get("input"), str, where), _t(d.get("id"), str, where), _n(d.get("width"), where),
                        _n(d.get("height"), where), tuple(frames), tuple(pics), None,
                        blocks if isinstance(blocks, str) else d["blocks"], source)


def head_of(line: str) -> tuple[dict, str] | None:
    """A page's line of JSON as its fields but the blocks (parsed) and its blocks (JSON text)."""
    cut = line.find(_BLOCKS)
    if cut < 0 or not line.endswith("}"):
        return None
    head = json.loads(line[:cut] + "}")
    if not isinstance(head, dict) or "frames" not in head:  # (blocks not last: not laid out as written here)
        return None
    return head, line[cut + len(_BLOCKS) - 1:-1]


def _split(text: str) -> dict | None:
    """A record as `revision_json` lays it out, read without its pages' blocks: the head
    and each page's fields, the blocks' JSON text kept for later (a diff reads only the
    pages that changed).  None for any other layout (then the whole file is parsed)."""
    lines = text.split("\n")
    if len(lines) < 3 or not lines[0].endswith(_PAGES) or lines[-2] != "]}" or lines[-1]:
        return None
    data = json.loads(lines[0][:-len(_PAGES)] + "}")
    if not isinstance(data, dict):
        return None
    pages = []
    for line in lines[1:-2]:
        got = head_of(line.removesuffix(","))
        if got is None:
            return None
        pages.append(got)
    data["pages"] = pages
    return data


def read_revision(path: Path) -> Revision:
    """The revision recorded in `path`; RevisionError (naming the file) if it is not one."""
    try:
        text = path.read_bytes().decode("utf-8")
        data = _split(text)
        if data is None:  # laid out otherwise (reformatted by hand?): read whole
            whole = json.loads(text)
            data = whole if isinstance(whole, dict) else {"format": None}
            if isinstance(data.get("pages"), list):
                data["pages"] = [(p, None) for p in data["pages"]]
    except OSError as e:
        raise RevisionError(Problem(f"cannot read the revision record: {e.strerror or e}", str(path))) from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise RevisionError(Problem("the revision record is not JSON", str(path),
                                    hint="damaged? a new proof build writes it again")) from None
    try:
        _t(data, dict, "record")
        if data.get("format") != FORMAT:
            raise _Bad(f"format {data.get('format')!r}, not {FORMAT!r}")
        rnd = _t(data.get("round"), int, "round")
        pages = tuple(_page(p, str(path), blocks) for p, blocks in _t(data.get("pages"), list, "pages"))
        return Revision(rnd, _t(data.get("name"), str, "name"), _t(data.get("paper"), str, "paper"),
                        _t(data.get("date"), str, "date"), _t(data.get("mode"), str, "mode"), pages,
                        path.parent.parent)
    except _Bad as e:
        raise RevisionError(Problem(f"not a revision record: {e}", str(path))) from None


def revisions_dir(mode_folder: Path) -> Path:
    return mode_folder / FOLDER


def round_files(mode_folder: Path) -> dict[int, Path]:
    """Round number -> its record file, as found in the folder (nothing read)."""
    try:
        names = [p for p in revisions_dir(mode_folder).iterdir() if FILE.fullmatch(p.name)]
    except OSError:
        return {}
    return {int(FILE.fullmatch(p.name).group(1)): p for p in names}  # type: ignore[union-attr]


def round_file(mode_folder: Path, rnd: int) -> Path:
    return revisions_dir(mode_folder) / f"round-{rnd:02d}.json"
