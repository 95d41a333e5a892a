"""PDF files the manifest names (booked ads, graphics-desk infographics): opened and measured.

In: the path of a PDF.  Out: a `PdfInfo` (the size of the box that is placed, the box
itself, the sha256 of the file's bytes), or a `PdfFileError` saying what is wrong and
what to do; the callers (layout.model.ads, layout.model.photos) name the entry and its
manifest line.

Why the whole object graph is read here: a PDF with a broken cross-reference table or a
truncated stream often opens (pypdf repairs what it can) and fails only when a stream is
decoded.  The page's content and every object its resources reach are loaded and every
stream decoded once, so that a damaged ad is a manifest error at load time, naming the
ad and its line, and never a traceback while the page is drawn.  An encrypted PDF is
refused outright: its streams cannot be copied into the page as they are, and an ad that
needs a password to print is not a finished ad.

Which box is placed: the TrimBox when the file has one (a PDF/X ad with bleed), else the
CropBox, else the MediaBox.  Results are kept per file version (path, size, mtime,
inode, ctime), as for photos, so `layout watch` reads an ad again only when it changes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from layout.model.filememo import FileMemo

MAX_PDF_BYTES = 200 * 2**20  # an ad or a graphic is a few MB; a larger file is a wrong file
HINT = "export the ad or graphic again as PDF/X-1a (one page, not encrypted)"
SKIPPED_KEYS = frozenset({"/Parent", "/P", "/StructParent", "/StructParents"})  # links back into the source file


class PdfFileError(Exception):
    """A PDF that cannot be placed: what is wrong (after "PDF NAME ") and what to do."""

    def __init__(self, message: str, hint: str = HINT):
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class PdfInfo:
    """What a PDF artwork file (a booked ad, a graphic) offers to place: its box and page count."""

    width: float  # pt: the placed box
    height: float
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in the page's own space
    box_name: str  # TrimBox, CropBox or MediaBox
    sha256: str  # of the file's bytes
    pages: int


def open_pdf(data: bytes) -> Any:
    """A pypdf reader of `data`; PdfFileError when it is not a PDF, is encrypted or damaged."""
    from pypdf import PdfReader

    if not data.lstrip()[:5] == b"%PDF-":
        raise PdfFileError("is not a PDF file (no %PDF- header)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PdfFileError("is encrypted", "ask for an unencrypted PDF (no password, no restrictions)")
        count = len(reader.pages)
    except PdfFileError:
        raise
    except Exception as e:  # pypdf raises many kinds on a damaged file
        raise PdfFileError(f"is damaged ({_short(e)})") from None
    if count < 1:
        raise PdfFileError("has no pages")
    return reader


def objects(obj: Any) -> Iterator[Any]:
    """Every object `obj` reaches, each once, indirect references resolved (None for one
    that is missing), without following the keys that lead back into the source file."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    seen: set[int] = set()
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, IndirectObject):
            if o.idnum in seen:
                continue
            seen.add(o.idnum)
            o = o.get_object()
        yield o
        if isinstance(o, DictionaryObject):  # (a stream is a dictionary too)
            stack += [v for k, v in o.items() if k not in SKIPPED_KEYS]
        elif isinstance(o, ArrayObject):
            stack += list(o)


def walk(obj: Any) -> None:
    """Load every object `obj` reaches and decode every stream once (raises on damage)."""
    from pypdf.generic import StreamObject

    for o in objects(obj):
        if o is None:
            raise ValueError("a referenced object is missing")
        if isinstance(o, StreamObject):
            o.get_data()


def placed_box(page: Any) -> tuple[tuple[float, float, float, float], str]:
    """The box of `page` that is placed: TrimBox, else CropBox, else MediaBox (normalised)."""
    for name in ("/TrimBox", "/CropBox", "/MediaBox"):
        if name in page:
            x0, y0, x1, y1 = (float(v) for v in page[name])
            return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)), name[1:]
    raise PdfFileError("has a page without a MediaBox")


def _inspect(file: Path) -> PdfInfo | PdfFileError:
    try:
        size = file.stat().st_size
        if size > MAX_PDF_BYTES:
            return PdfFileError(f"is {size / 2**20:.0f} MB; the limit is {MAX_PDF_BYTES // 2**20} MB")
        data = file.read_bytes()
    except OSError as e:
        return PdfFileError(f"cannot be read: {e.strerror or e}", "check the name and permissions")
    try:
        reader = open_pdf(data)
        if len(reader.pages) > 1:
            return PdfFileError(f"has {len(reader.pages)} pages; an ad or a graphic is one page",
                                "export the one page that is to print")
        page = reader.pages[0]
        rotate = int(page.get("/Rotate", 0) or 0) % 360
        if rotate:
            return PdfFileError(f"is rotated (/Rotate {rotate})", "export it upright, at its printed size")
        box, name = placed_box(page)
        contents = page.get_contents()
        if contents is not None:
            contents.get_data()
        walk(page.get("/Resources"))
    except PdfFileError as e:
        return e
    except Exception as e:  # damage found while decoding
        return PdfFileError(f"is damaged ({_short(e)})")
    if box[2] - box[0] < 1 or box[3] - box[1] < 1:
        return PdfFileError(f"has an empty {name} ({box[2] - box[0]:.1f} × {box[3] - box[1]:.1f} pt)")
    return PdfInfo(box[2] - box[0], box[3] - box[1], box, name, hashlib.sha256(data).hexdigest(), len(reader.pages))


def _short(e: Exception) -> str:
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text[:160]


_MEMO: FileMemo[PdfInfo] = FileMemo(256, PdfFileError)


def inspect_pdf(file: Path) -> PdfInfo:
    """Size, box and digest of a PDF to place, after checking it can be read; raises
    PdfFileError.  Kept per file version."""
    return _MEMO.get(file, _inspect, "cannot be read")


def mm(pt: float) -> str:
    """A length in mm as messages give it."""
    return f"{pt * 25.4 / 72:.1f}"
