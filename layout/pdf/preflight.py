"""Preflight of print PDFs: fonts embedded and subset, no RGB, total ink, image
resolution, TrimBox/BleedBox; with `standard`, also everything conformance.py checks of
the PDF/X or PDF/A identification the file claims.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field

from layout.model.modes import OutputProfile


@dataclass
class Preflight:
    ok: bool
    problems: list[str] = field(default_factory=list)
    fonts: int = 0
    images: int = 0
    max_ink: float = 0.0
    min_ppi: float | None = None


_STRINGS = re.compile(rb"\((?:\\.|[^\\)])*\)")  # string operands, dropped before looking at operators
_RGB_OP = re.compile(rb"(?<![A-Za-z])(?:rg|RG)(?![A-Za-z])")
_PLACED = re.compile(rb"(-?[\d.]+) -?[\d.]+ -?[\d.]+ -?[\d.]+ -?[\d.]+ -?[\d.]+ cm\s*(/\S+) Do")


@dataclass(frozen=True)
class ContentScan:
    """What preflight reads from one content stream.  A page's stream is the same bytes in
    its own file and in the edition, so the worker that drew the page scans it while it
    still has it, and preflight looks it up by `content_key` instead of inflating and
    searching the edition's 36 streams again."""

    rgb: bool  # an RGB colour operator outside string operands
    placements: dict[str, float]  # XObject name -> placed width, pt


def content_key(filters: object, encoded: bytes) -> bytes:
    """Identity of a content stream as stored in a PDF: its /Filter and its encoded bytes."""
    return hashlib.sha256(repr(filters).encode() + b"\0" + encoded).digest()


def scan_content(data: bytes) -> ContentScan:
    """Scan a decoded content stream."""
    ops = _STRINGS.sub(b"()", data)
    rgb = (b"rg" in ops or b"RG" in ops) and _RGB_OP.search(ops) is not None  # the plain substring test first: far cheaper than the regex
    return ContentScan(rgb, _placements(ops))


def _page_scan(page, scans: dict[bytes, ContentScan] | None) -> ContentScan:
    from pypdf.generic import StreamObject

    contents = page.get("/Contents")
    obj = contents.get_object() if contents is not None else None
    if isinstance(obj, StreamObject):  # one stream: known by its stored bytes?
        filters = obj.get("/Filter")
        encoded = getattr(obj, "_data", None)
        if scans and isinstance(encoded, bytes):
            hit = scans.get(content_key(str(filters) if filters is not None else None, encoded))
            if hit is not None:
                return hit
        return scan_content(obj.get_data())
    raw = page.get_contents()
    return scan_content(raw.get_data() if raw is not None else b"")


def _placements(ops: bytes) -> dict[str, float]:
    """XObject name -> placed width in pt, from the `w 0 0 h x y cm /Name Do` before each Do."""
    out = {}
    i = ops.find(b" Do")
    while i != -1:
        m = _PLACED.search(ops[max(0, i - 160):i + 3])
        if m:
            out[m.group(2).decode()] = abs(float(m.group(1)))
        i = ops.find(b" Do", i + 3)
    return out


def _cmyk_image(xo):
    """A CMYK image XObject as a PIL image with the values the PDF means.  A DCT image is
    opened straight from its JPEG bytes when PIL's reading of the Adobe marker and the
    XObject's /Decode agree (ReportLab writes inverted Adobe CMYK with Decode [1 0 …]);
    anything else goes through pypdf, which also re-encodes (twice as slow)."""
    from PIL import Image as PILImage

    filters = xo.get("/Filter")
    filters = list(filters) if isinstance(filters, list) else [filters]
    if filters == ["/DCTDecode"]:
        img = PILImage.open(io.BytesIO(xo._data))
        decode = [float(v) for v in xo.get("/Decode", [])]
        adobe = "adobe" in img.info
        if img.mode == "CMYK" and ((adobe and decode == [1.0, 0.0] * 4) or (not adobe and not decode)):
            return img
    return xo.decode_as_image()


def preflight(pdf_bytes: bytes, ink_limit: float = 2.20, min_ppi: float = 200.0, need_boxes: bool = True,
              scans: dict[bytes, ContentScan] | None = None, standard: OutputProfile | None = None) -> Preflight:
    """PDF/X-1a-style checks on a print PDF (fonts, colour, ink, resolution, boxes).
    `scans`: content streams already scanned, by `content_key` (a stream whose stored
    bytes differ in any way is scanned here).  `standard`: the mode whose PDF/X or PDF/A
    claims are checked too (conformance.py)."""
    from pypdf import PdfReader

    from layout.pdf.conformance import conformance_problems
    from layout.pdf.imaging import max_ink

    reader = PdfReader(io.BytesIO(pdf_bytes))
    pf = Preflight(True)
    if standard is not None:
        pf.problems += conformance_problems(reader, standard, scans=scans)
    inks: dict[int, float] = {}
    seen_fonts: set = set()
    for pno, page in enumerate(reader.pages, 1):
        res = page.get("/Resources", {})
        res = res.get_object() if res else {}
        for name, ref in (res.get("/Font") or {}).items():
            font = ref.get_object()
            key = (pno, name)
            if key in seen_fonts:
                continue
            seen_fonts.add(key)
            pf.fonts += 1
            base = str(font.get("/BaseFont", ""))
            desc = font.get("/FontDescriptor")
            if desc is None and "/DescendantFonts" in font:
                desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else None
            if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                pf.problems.append(f"page {pno}: font {base} is not embedded")
            elif "+" not in base:
                pf.problems.append(f"page {pno}: font {base} is not subset")
        scan = _page_scan(page, scans)
        if scan.rgb:
            pf.problems.append(f"page {pno}: RGB colour operator in the content")
        placements = scan.placements
        xobjects = res.get("/XObject") or {}
        for name, ref in xobjects.items():
            xo = ref.get_object()
            if xo.get("/Subtype") != "/Image":
                continue
            pf.images += 1
            cs = xo.get("/ColorSpace")
            cs = str(cs.get_object() if hasattr(cs, "get_object") else cs)
            if "RGB" in cs:
                pf.problems.append(f"page {pno}: image {name} is RGB ({cs})")
            width_px = int(xo.get("/Width", 0))
            if name in placements and placements[name] > 0:
                ppi = width_px / (placements[name] / 72.0)
                pf.min_ppi = ppi if pf.min_ppi is None else min(pf.min_ppi, ppi)
                if ppi < min_ppi - 0.5:
                    pf.problems.append(f"page {pno}: image {name} is {ppi:.0f} ppi (needs {min_ppi:.0f})")
            if "CMYK" in cs:
                try:
                    key = getattr(ref, "idnum", None)
                    ink = inks.get(key) if key is not None else None
                    if ink is None:
                        ink = max_ink(_cmyk_image(xo))
                        if key is not None:
                            inks[key] = ink  # an image placed on several pages is measured once
                    pf.max_ink = max(pf.max_ink, ink)
                    if ink > ink_limit + 0.005:
                        pf.problems.append(f"page {pno}: image {name} reaches {ink * 100:.0f}% total ink "
                                           f"(limit {ink_limit * 100:.0f}%)")
                except Exception as e:  # undecodable image data is itself a preflight failure
                    pf.problems.append(f"page {pno}: image {name} cannot be decoded: {e}")
        if need_boxes:
            for box in ("/TrimBox", "/BleedBox"):
                if box not in page:
                    pf.problems.append(f"page {pno}: {box[1:]} not set")
    pf.ok = not pf.problems
    return pf
