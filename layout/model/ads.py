"""Booked ads and graphics in the manifest: `ads:` and `graphics:` entries of a page.

In: the page's YAML mapping (through the Checker).  Out: `Ad` model objects (and, for
`graphics:`, the page photos the caller reads with its photo reader), with every problem
at its file:line.

An ad entry, as the ad department books it::

    ads:
      - id: bank-autumn
        file: ads/bank-autumn.pdf       # PDF (placed as vector), or JPEG/TIFF
        booking: JC-AD-0819-003         # the ad order id: printed on proofs, in the fit report
        advertiser: 江城农商银行
        frame: {col: 1, size: 8栏×17cm, bottom: true}

The frame is given like any other (`col`, `span`, `top`, `lines`: the ad fills that
area), or by its booked size: `size: 8栏×17cm` (also `8栏x17cm`, `8 栏 × 170 mm`, or
`{columns: 8, height: 17cm}`), which gives the span and takes the fewest grid lines that
hold the height with AD_CLEARANCE of white above it, the ad sitting on the frame's
foot.  `bottom: true` instead of `top:` ends the frame on the last line of the type area.
Frames that need the style (`bottom: true`, a booked size) are PendingFrames with top -1
or lines 0 until layout.page.ads places them.  Whether the artwork matches its box
(±0.5 mm) is checked there too, once the grid is known.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Callable

from layout.errors import Problem
from layout.model.checker import FRAME_KEYS, Checker
from layout.model.edition import Ad, AdSize, Frame, PendingFrame
from layout.model.pdffile import PdfFileError, inspect_pdf
from layout.model.photos import PhotoError, inspect
from layout.model.units import PT_PER_MM, parse_length

AD_KEYS = {"id", "file", "frame", "booking", "advertiser"}
AD_FRAME_KEYS = FRAME_KEYS | {"bottom", "size"}
AD_SIZE_KEYS = {"columns", "height"}
AD_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".tif", ".tiff")
GRAPHIC_SUFFIXES = (".pdf",)
AD_CLEARANCE = 2 * PT_PER_MM  # white between the copy above and a booked-size ad
_SIZE = re.compile(r"\s*(\d+)\s*栏\s*[×xX*]\s*(\d+(?:\.\d+)?)\s*(cm|mm|厘米|毫米)\s*")
SIZE_HINT = "write the booked size as 8栏×17cm (columns 栏 × height in cm or mm), or {columns: 8, height: 17cm}"


def parse_size(value: Any) -> AdSize:
    """`8栏×17cm`, `8栏x170mm`, or {columns: 8, height: 17cm} -> AdSize; ValueError if not."""
    if isinstance(value, dict):
        cols, height = value.get("columns"), value.get("height")
        if isinstance(cols, bool) or not isinstance(cols, int) or cols < 1:
            raise ValueError(f"expected a whole number of columns (栏), got {cols!r}")
        return AdSize(cols, parse_length(height))
    if not isinstance(value, str):
        raise ValueError(f"expected a booked size such as 8栏×17cm, got {value!r}")
    m = _SIZE.fullmatch(value)
    if m is None:
        raise ValueError(f"cannot read booked size {value!r}")
    unit = {"厘米": "cm", "毫米": "mm"}.get(m.group(3), m.group(3))
    return AdSize(int(m.group(1)), parse_length(f"{m.group(2)}{unit}"))


def read_ads(ck: Checker, value: Any, pp: str, claim: Callable[[str, str], None]) -> list[Ad]:
    """The page's `ads:` list; each entry checked, its file opened and measured."""
    ads = []
    for i, v in enumerate(ck.sequence(value, f"{pp}.ads")):
        ad = _ad(ck, v, f"{pp}.ads[{i}]", claim)
        if ad is not None:
            ads.append(ad)
    return ads


def _ad(ck: Checker, v: Any, path: str, claim: Callable[[str, str], None]) -> Ad | None:
    m = ck.mapping(v, path, AD_KEYS, ("id", "file", "frame", "booking"))
    if m is None:
        return None
    aid = ck.text(m.get("id"), f"{path}.id", True)
    claim(aid, path)
    booking = ck.line(m.get("booking"), f"{path}.booking", True)
    advertiser = ck.line(m.get("advertiser"), f"{path}.advertiser")
    file = ck.path_in_edition(m.get("file"), f"{path}.file", "ad")
    sha = ""
    if file is not None and file.suffix.lower() not in AD_SUFFIXES:
        ck.err(f"{path}.file", f"ad {aid!r}: unsupported file type {file.suffix!r}",
               "deliver ads as PDF (PDF/X-1a), or as CMYK JPEG or TIFF")
        file = None
    elif file is not None:
        sha = _file_check(ck, aid, file, f"{path}.file")
    frame, size, bottom = _ad_frame(ck, m.get("frame"), f"{path}.frame")
    if file is None or frame is None or not sha:
        return None
    return Ad(aid, file, frame, booking, advertiser, size, bottom, sha, ck.where(path))


def _file_check(ck: Checker, aid: str, file: Path, path: str) -> str:
    """The sha256 of a readable ad file ("" after reporting why it is not)."""
    if file.suffix.lower() == ".pdf":
        try:
            return inspect_pdf(file).sha256
        except PdfFileError as e:
            ck.err(path, f"ad {aid!r}: PDF {file.name} {e.message}", e.hint)
            return ""
    try:
        inspect(file)
    except PhotoError as e:
        ck.err(path, f"ad {aid!r}: " + e.about(aid, file).split(": ", 1)[1], e.hint)
        return ""
    return file_digest(file)


_DIGESTS: dict[tuple, str] = {}


def file_digest(file: Path) -> str:
    """sha256 of a file's bytes, kept per file version (an ad's bytes are in its page's cache key)."""
    st = file.stat()
    key = (str(file), st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
    got = _DIGESTS.get(key)
    if got is None:
        if len(_DIGESTS) > 256:
            _DIGESTS.clear()
        got = _DIGESTS[key] = hashlib.sha256(file.read_bytes()).hexdigest()
    return got


def _ad_frame(ck: Checker, value: Any, path: str) -> tuple[Frame | None, AdSize | None, bool]:
    """An ad's frame: (frame, booked size, bottom: true); a PendingFrame when the style must
    place it (see the module docstring)."""
    m = ck.mapping(value, path, AD_FRAME_KEYS)
    if m is None:
        return None, None, False
    bottom = ck.boolean(m.get("bottom"), f"{path}.bottom")
    size = None
    if m.get("size") is not None:
        if isinstance(m["size"], dict):
            ck.mapping(m["size"], f"{path}.size", AD_SIZE_KEYS, ("columns", "height"))
        try:
            size = parse_size(m["size"])
        except ValueError as e:
            ck.err(f"{path}.size", str(e), SIZE_HINT)
            return None, None, bottom
    col = ck.integer(m.get("col"), f"{path}.col", 1, 64, default=1)
    span = ck.integer(m.get("span"), f"{path}.span", 1, 64, default=size.columns if size else None) \
        if m.get("span") is not None or size else None
    if span is None:
        ck.err(path, "missing required key 'span'", "give span: (columns), or the booked size: size: 8栏×17cm")
        return None, size, bottom
    if size is not None and span != size.columns:
        ck.err(f"{path}.span", f"span {span} disagrees with the booked size {size.describe()} ({size.columns} 栏)",
               "drop span: (the booked size gives it), or correct the booking")
        return None, size, bottom
    has_top, has_lines = m.get("top") is not None, m.get("lines") is not None
    if bottom == has_top:
        ck.err(path, "give either top: (a grid line) or bottom: true (on the foot of the type area)"
               if not bottom else "top: and bottom: true both given", "keep one of them")
        return None, size, bottom
    if (size is not None) == has_lines:
        ck.err(path, "give either lines: or the booked size: (size: 8栏×17cm)" if size is None
               else "lines: and size: both given: the booked size decides the lines", "keep one of them")
        return None, size, bottom
    top = -1 if bottom else ck.integer(m["top"], f"{path}.top", 0, 1000)
    lines = 0 if size is not None else ck.lines(m["lines"], f"{path}.lines", 1)
    if top < 0 or lines == 0:
        return PendingFrame(col, span, top, lines), size, bottom
    return Frame(col, span, top, lines), size, bottom


def graphic_suffix_problem(file: Path, path: str, ck: Checker) -> bool:
    """`graphics:` entries are PDFs (the graphics desk's vector files); True when refused."""
    if file.suffix.lower() in GRAPHIC_SUFFIXES:
        return False
    ck.err(path, f"graphic {file.name!r} is not a PDF", "export the graphic as PDF, or list a picture under photos:")
    return True


def ad_problem(ad: Ad, message: str, hint: str = "", key: str = "") -> Problem:
    """A problem at an ad's manifest entry."""
    return Problem.at(ad.where, f"ad {ad.id!r} ({ad.file.name}): {message}", hint, key)
