"""What one page contributes to a build, and its plain-data form for the page cache.

In: a `PageResult` (the composed page without its display items, the page's text, its
drawing, its own PDF and its content scan).  Out: `to_plain` gives JSON-able values plus
a list of byte strings (blobs); `from_plain` rebuilds the exact same PageResult from them
and refuses anything else.

Why explicit converters and not pickle: the cache lives in the output folder, which is
often a shared hot folder, and unpickling runs whatever code the file names.  Here a
stored entry can only ever become the few plain types below; every value is checked for
its type (and numbers for being finite and of a plausible size), so a file of the wrong
shape is `Malformed`, a cache miss, never an object nobody asked for.  The round trip
keeps types exactly (int stays int, float stays float, tuple stays tuple, dict order
stays), because the edition is rendered from these values and must come out byte for
byte as from a fresh page.
"""

from __future__ import annotations

import math
import sys
from array import array
from dataclasses import dataclass, field
from itertools import accumulate
from pathlib import Path
from typing import Any, Callable, Sequence

from layout.errors import Finding
from layout.model.edition import Frame
from layout.page.compose import ComposedPage, StoryFit
from layout.page.display import Bookmark, PageDisplay
from layout.page.fidelity import PageText
from layout.page.keys import StoryKey
from layout.page.record import FrameKind, FrameRecord, PageRecord, PictureRecord, RunRecord
from layout.pdf.draw import CONTENT_FILTER, PageDrawing
from layout.pdf.marks import PageTags
from layout.pdf.preflight import ContentScan, content_key


@dataclass
class PageResult:
    """What a page contributes to a build (and what the page cache keeps)."""

    page: ComposedPage  # with a display list emptied of items
    text: PageText
    drawing: PageDrawing  # for the edition document
    pdf: bytes  # the page's own PDF
    scan: tuple[bytes, ContentScan]  # its content stream's content_key and preflight scan
    record: PageRecord  # every run, frame and picture placed (for the desks' outputs)
    # files the desk outputs made from this page where it was made (desk.py PageOutput); not
    # cached: a page taken from a cache has none, and its desk outputs make them if needed
    desk_files: dict[Path, bytes] = field(default_factory=dict)


class Malformed(ValueError):
    """A stored value that is not what a PageResult is made of."""


# -- writing ---------------------------------------------------------------------------

def to_plain(r: PageResult) -> tuple[dict, list[bytes]]:
    """`r` as JSON-able values; byte strings go to the returned blob list and are named
    by their index.  Raises ValueError for a result that this form cannot hold exactly
    (the caller then does not cache it)."""
    blobs: list[bytes] = []

    def blob(b: bytes) -> int:
        if type(b) is not bytes:
            raise ValueError(f"expected bytes, got {type(b).__name__}")
        blobs.append(b)
        return len(blobs) - 1

    d, dr, t = r.page.display, r.drawing, r.text
    if d.items:
        raise ValueError("only a slim display (no items) is cached")
    if dr.packed is None:
        raise ValueError("the drawing has not been packed (render_pages) yet")
    plain = {
        "page": {
            "display": {"label": d.label, "width": d.width, "height": d.height,
                        "bookmarks": [[b.title, b.y] for b in d.bookmarks], "section": d.section,
                        "title": d.title},
            "fits": [[str(f.story), f.page, [f.frame.col, f.frame.span, f.frame.top, f.frame.lines], f.continued_from, f.jump_to, f.columns, f.capacity_lines,
                      f.lines_set, f.chars_total, f.chars_set, f.overset_lines, f.overset_chars,
                      f.underset_lines, f.headline, f.lines_fit, f.line_chars] for f in r.page.fits],
            "findings": [[f.severity, f.code, f.where, f.message, f.data] for f in r.page.findings],
        },
        "text": {"label": t.label, "parts": [[str(k), v] for k, v in t.parts], "jumps": [[str(k), v] for k, v in t.jumps],
                 "bboxes": t.bboxes},
        "drawing": {"label": dr.label, "title": dr.title, "width": dr.width, "height": dr.height,
                    "bleed": dr.bleed, "cmyk": dr.cmyk, "images": [[*im[:4], blob(im[4])] for im in dr.images],
                    "content": blob(dr.content.encode("utf-8")), "chars": dr.chars,
                    "packed": [blob(dr.packed[0]), blob(dr.packed[1])], "forms": [list(f) for f in dr.forms],
                    "tags": _tags_plain(dr.tags)},
        "pdf": blob(r.pdf),
        "scan": [blob(r.scan[0]), {"rgb": r.scan[1].rgb, "placements": r.scan[1].placements}],
        "record": _record_plain(r.record, blob),
    }
    return plain, blobs


def _record_plain(rec: PageRecord, blob: Callable[[bytes], int]) -> dict:
    return {"label": rec.label, "width": rec.width, "height": rec.height, "runs": _runs_plain(rec.runs, blob),
            "frames": [[f.kind.value, f.owner, f.x, f.y, f.w, f.h] for f in rec.frames],
            "pictures": [[p.owner, p.x, p.y, p.w, p.h, p.file, list(p.crop)] for p in rec.pictures]}


_LITTLE = sys.byteorder == "little"
_RUN_LABELS = ("story", "role", "face")  # few distinct values, repeated on every run
_RUN_NUMBERS = ("x", "y", "size", "tc")


def _ints(values: Sequence[int], code: str) -> bytes:
    """Unsigned integers as one blob (array `code`, little-endian)."""
    a = array(code, values)
    if not _LITTLE:
        a.byteswap()
    return a.tobytes()


def _runs_plain(runs: Sequence[RunRecord], blob: Callable[[bytes], int]) -> dict:
    """The runs column by column: a page has about a thousand, and JSON for each run's
    values was most of a page's storing time (a list per run, then the decimal form of four
    floats, then a JSON string for each of the thousand texts and labels).  So:
    - x, y, size and tc: each one blob of little-endian doubles (exact) when they are all
      finite floats, else a JSON list (an int stays an int);
    - story, role and face: the distinct values once, and each run's index into them (a
      blob of 32-bit numbers);
    - the texts: one string, and each run's length in code points (a blob);
    - the vertical flags: one byte each (a blob)."""
    cols = dict(zip(RunRecord._fields, zip(*runs))) if runs else dict.fromkeys(RunRecord._fields, ())
    out: dict[str, Any] = {"n": len(runs), "vertical": blob(bytes(map(bool, cols["vertical"])))}
    for name in _RUN_LABELS:
        values = list(dict.fromkeys(cols[name]))  # (C-level passes: a page has ~3,000 labels)
        index = {v: i for i, v in enumerate(values)}
        out[name] = [values, blob(_ints(list(map(index.__getitem__, cols[name])), "I"))]
    texts = cols["text"]
    out["text"] = ["".join(texts), blob(_ints(list(map(len, texts)), "I"))]
    for name in _RUN_NUMBERS:
        col = cols[name]
        if set(map(type, col)) <= {float} and all(map(math.isfinite, col)):
            a = array("d", col)
            if not _LITTLE:
                a.byteswap()
            out[name] = blob(a.tobytes())
        else:
            out[name] = list(col)
    return out


def _tags_plain(t: PageTags | None) -> dict | None:
    if t is None:
        return None
    return {"figures": list(t.figures), "marks": [list(m) for m in t.marks], "beads": [list(b) for b in t.beads]}


# -- reading: every value checked ------------------------------------------------------

COORD = 1e6  # pt; a broadsheet is 1600 pt tall: larger coordinates are not a page's
COUNT = 2**31


def _str(v: Any) -> str:
    if type(v) is not str:
        raise Malformed(f"expected text, got {type(v).__name__}")
    return v


def _bool(v: Any) -> bool:
    if type(v) is not bool:
        raise Malformed(f"expected true/false, got {type(v).__name__}")
    return v


def _int(v: Any) -> int:
    if type(v) is not int or not -COUNT < v < COUNT:
        raise Malformed(f"expected a count, got {type(v).__name__}")
    return v


def _num(v: Any) -> float:
    """A coordinate or size, int or float as it was stored (the type reaches the PDF)."""
    if type(v) is float:
        if not (math.isfinite(v) and -COORD < v < COORD):
            raise Malformed("coordinate out of range")
        return v
    if type(v) is int and -COORD < v < COORD:
        return v
    raise Malformed(f"expected a number, got {type(v).__name__}")


def _scalar(v: Any) -> Any:
    """A Finding's data value: text, a finite number, true/false or null."""
    if v is None or type(v) in (str, bool):
        return v
    if type(v) is int and -2**63 <= v < 2**63:
        return v
    if type(v) is float and math.isfinite(v):
        return v
    raise Malformed(f"unexpected value of type {type(v).__name__}")


def _list(v: Any, n: int | None = None) -> list:
    if type(v) is not list or (n is not None and len(v) != n):
        raise Malformed("expected a list" + (f" of {n}" if n is not None else ""))
    return v


def _obj(v: Any, keys: tuple[str, ...]) -> dict:
    if type(v) is not dict or len(v) != len(keys) or any(k not in v for k in keys):
        raise Malformed(f"expected an object with {', '.join(keys)}")
    return v


def _map(v: Any, value: Callable[[Any], Any]) -> dict:
    if type(v) is not dict:
        raise Malformed("expected an object")
    return {k: value(x) for k, x in v.items()}  # JSON keys are always text


def _pair(v: Any) -> tuple[StoryKey, str]:
    a, b = _list(v, 2)
    return StoryKey.parse(_str(a)), _str(b)


def _box(v: Any) -> list:
    return [_num(x) for x in _list(v, 4)]


def _fit(v: Any) -> StoryFit:
    (story, page, frame, cont, jump, columns, capacity, lines_set, chars_total, chars_set, over_lines, over_chars,
     under_lines, headline, lines_fit, line_chars) = _list(v, 16)
    return StoryFit(StoryKey.parse(_str(story)), _str(page), Frame(*(_int(x) for x in _list(frame, 4))), _str(cont), _str(jump), _int(columns),
                    _int(capacity), _int(lines_set), _int(chars_total), _int(chars_set), _int(over_lines),
                    _int(over_chars), _int(under_lines), _str(headline), _int(lines_fit), _int(line_chars))


def _finding(v: Any) -> Finding:
    severity, code, where, message, data = _list(v, 5)
    return Finding(_str(severity), _str(code), _str(where), _str(message), _map(data, _scalar))


def _tags(v: Any) -> PageTags | None:
    if v is None:
        return None
    t = _obj(v, ("figures", "marks", "beads"))
    marks = []
    for m in _list(t["marks"]):
        owner, role, para = _list(m, 3)
        marks.append((_str(owner), _str(role), _int(para)))
    beads = []
    for b in _list(t["beads"]):
        owner, col, x0, y0, x1, y1 = _list(b, 6)
        beads.append((_str(owner), _int(col), _num(x0), _num(y0), _num(x1), _num(y1)))
    return PageTags([_str(f) for f in _list(t["figures"])], marks, beads)


def from_plain(plain: Any, blobs: Sequence[bytes]) -> PageResult:
    """The PageResult that `to_plain` gave `plain` and `blobs` for; Malformed for anything
    else (wrong shape, wrong types, numbers out of range, a scan that is not of the
    stored stream, parts that name different pages)."""

    def blob(i: Any, size: int | None = None) -> bytes:
        if type(i) is not int or not 0 <= i < len(blobs) or (size is not None and len(blobs[i]) != size):
            raise Malformed("bad blob reference")
        return blobs[i]

    top = _obj(plain, ("page", "text", "drawing", "pdf", "scan", "record"))
    pg = _obj(top["page"], ("display", "fits", "findings"))
    dd = _obj(pg["display"], ("label", "width", "height", "bookmarks", "section", "title"))
    display = PageDisplay(_str(dd["label"]), _num(dd["width"]), _num(dd["height"]), (),
                          tuple(Bookmark(_str(t), _num(y)) for t, y in (_list(b, 2) for b in _list(dd["bookmarks"]))),
                          _str(dd["section"]), _str(dd["title"]))
    page = ComposedPage(display, [_fit(f) for f in _list(pg["fits"])], [_finding(f) for f in _list(pg["findings"])])

    tt = _obj(top["text"], ("label", "parts", "jumps", "bboxes"))
    text = PageText(_str(tt["label"]), tuple(_pair(p) for p in _list(tt["parts"])),
                    tuple(_pair(j) for j in _list(tt["jumps"])), _map(tt["bboxes"], _box))

    dr = _obj(top["drawing"], ("label", "title", "width", "height", "bleed", "cmyk", "images", "content", "chars",
                               "packed", "forms", "tags"))
    images = []
    for im in _list(dr["images"]):
        x, y, w, h, data = _list(im, 5)
        images.append((_num(x), _num(y), _num(w), _num(h), blob(data)))
    try:
        content = blob(dr["content"]).decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("content stream is not UTF-8") from None
    digest, packed = _list(dr["packed"], 2)
    drawing = PageDrawing(_str(dr["label"]), _str(dr["title"]), _num(dr["width"]), _num(dr["height"]),
                          _num(dr["bleed"]), _bool(dr["cmyk"]), images, content, _map(dr["chars"], _str),
                          (blob(digest, 32), blob(packed)),
                          forms=[(_str(n), _str(f), _str(h), _bool(r))
                                 for n, f, h, r in (_list(u, 4) for u in _list(dr["forms"]))],
                          tags=_tags(dr["tags"]))

    if drawing.tags is not None and len(drawing.tags.figures) != len(images):
        raise Malformed("tags name a different number of photos than the drawing has")
    pdf = blob(top["pdf"])
    if not pdf.startswith(b"%PDF-"):
        raise Malformed("page PDF is not a PDF")
    key, sc = _list(top["scan"], 2)
    sc = _obj(sc, ("rgb", "placements"))
    scan = (blob(key, 32), ContentScan(_bool(sc["rgb"]), _map(sc["placements"], _num)))
    if scan[0] != content_key(CONTENT_FILTER, drawing.packed[1]):
        raise Malformed("content scan is not of the stored content stream")
    drawing.scan = scan[1]  # (the drawing carries the scan of its stream, as when it was drawn)
    record = _record(top["record"], blob)
    if not display.label == text.label == drawing.label == record.label:
        raise Malformed("parts of different pages")
    return PageResult(page, text, drawing, pdf, scan, record)


def _stored_ints(data: bytes, n: int) -> list[int]:
    """The `n` unsigned 32-bit numbers `_ints` stored."""
    if len(data) != 4 * n:
        raise Malformed("a column of the wrong length")
    a = array("I")
    a.frombytes(data)
    if not _LITTLE:
        a.byteswap()
    return a.tolist()


def _runs(v: Any, blob: Callable[..., bytes]) -> tuple[RunRecord, ...]:
    """The runs `_runs_plain` stored, every column checked as a whole (C-level passes)."""
    cols = _obj(v, ("n", *_RUN_LABELS, "text", *_RUN_NUMBERS, "vertical"))
    n = _int(cols["n"])
    if n < 0:
        raise Malformed("a negative number of runs")
    got: dict[str, list] = {}
    for name in _RUN_LABELS:
        values, picks = _list(cols[name], 2)
        values = _list(values)
        if not set(map(type, values)) <= {str}:
            raise Malformed(f"run {name}s that are not text")
        index = _stored_ints(blob(picks), n)
        if n and max(index) >= len(values):
            raise Malformed(f"a run {name} that is not stored")
        got[name] = list(map(values.__getitem__, index))
    joined, lengths = _list(cols["text"], 2)
    lengths = _stored_ints(blob(lengths), n)
    if sum(lengths) != len(_str(joined)):
        raise Malformed("run texts of the wrong length")
    ends = list(accumulate(lengths))
    got["text"] = list(map(joined.__getitem__, map(slice, [0, *ends], ends)))
    flags = blob(cols["vertical"], n)
    if flags.strip(b"\0\1"):
        raise Malformed("run flags that are not true/false")
    got["vertical"] = list(map(bool, flags))
    for name in _RUN_NUMBERS:
        v = cols[name]
        if type(v) is list:
            got[name] = [_num(x) for x in _list(v, n)]
            continue
        a = array("d")
        a.frombytes(blob(v, 8 * n))
        if not _LITTLE:
            a.byteswap()
        col = got[name] = a.tolist()
        if n and not (all(map(math.isfinite, col)) and -COORD < min(col) and max(col) < COORD):
            raise Malformed("coordinate out of range")
    return tuple(map(RunRecord._make, zip(*(got[f] for f in RunRecord._fields))))


def _frame(v: Any) -> FrameRecord:
    kind, owner, x, y, w, h = _list(v, 6)
    try:
        fk = FrameKind(_str(kind))
    except ValueError:
        raise Malformed(f"unknown frame kind {kind!r}") from None
    return FrameRecord(fk, _str(owner), _num(x), _num(y), _num(w), _num(h))


def _picture(v: Any) -> PictureRecord:
    owner, x, y, w, h, file, crop = _list(v, 7)
    c = tuple(_int(n) for n in _list(crop, 4))
    return PictureRecord(_str(owner), _num(x), _num(y), _num(w), _num(h), _str(file), (c[0], c[1], c[2], c[3]))


def _record(v: Any, blob: Callable[..., bytes]) -> PageRecord:
    rec = _obj(v, ("label", "width", "height", "runs", "frames", "pictures"))
    return PageRecord(_str(rec["label"]), _num(rec["width"]), _num(rec["height"]), _runs(rec["runs"], blob),
                      tuple(_frame(f) for f in _list(rec["frames"])),
                      tuple(_picture(p) for p in _list(rec["pictures"])))
