"""Checks on display lists and on written PDFs: fidelity, kinsoku, preflight.

* `display_fidelity`: every story's characters appear in its display list exactly once
  and in order (plus the generated jump lines), cheap enough for every build.
* `pdf_story_text`: story text read back from a written PDF with pypdfium2 (origins
  inside the page), for `--verify` and the tests.
* `kinsoku_faults`: line starts/ends that break the clreq tables, from a display list.
* `preflight`: the print PDF's fonts, colour spaces, ink, image resolution and boxes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache

from layout import cjk
from layout.display import GlyphRun, PageDisplay
from layout.errors import Finding
from layout.model import Edition

_WS = re.compile(r"\s+")


_FROM_VERTICAL = str.maketrans(cjk.FROM_VERTICAL)


@lru_cache(maxsize=4096)  # story texts are compared again on every build of a resident process
def normalise(text: str) -> str:
    """Text as compared for fidelity: vertical forms mapped back, whitespace dropped."""
    return _WS.sub("", text.translate(_FROM_VERTICAL))


@dataclass(frozen=True)
class PageText:
    """What fidelity checks need of a composed page: each story's set text, in drawing order.

    Small enough to send back from a worker process instead of the whole display list.
    Body text and the generated jump lines are kept apart (by the runs' role, never by
    pattern-matching the text), so a story that quotes "相关报道详见3版" is still checked.
    """

    label: str
    parts: tuple[tuple[str, str], ...]  # (story key, body text) in display order
    jumps: tuple[tuple[str, str], ...] = ()  # (story key, jump line text): 下转 / 上接 / 相关报道
    bboxes: dict = field(default_factory=dict, hash=False, compare=False)  # story key -> [x0, y0, x1, y1]


def page_text(d: PageDisplay) -> PageText:
    parts: dict[str, list[str]] = {}
    jumps: dict[tuple[str, float], list[str]] = {}  # one entry per jump line
    boxes: dict[str, list[float]] = {}
    for it in d.items:
        if isinstance(it, GlyphRun) and it.story:
            if it.role == "body":
                parts.setdefault(it.story, []).append(it.text)
            elif it.role == "jump":
                jumps.setdefault((it.story, round(it.y, 2)), []).append(it.text)
            b = boxes.get(it.story)
            x1 = it.x + len(it.text) * it.size
            if b is None:
                boxes[it.story] = [it.x, it.y - it.size, x1, it.y]
            else:
                b[0], b[1], b[2], b[3] = min(b[0], it.x), min(b[1], it.y - it.size), max(b[2], x1), max(b[3], it.y)
    return PageText(d.label, tuple((k, "".join(v)) for k, v in parts.items()),
                    tuple((k, "".join(v)) for (k, _), v in jumps.items()),
                    {k: [round(v, 2) for v in b] for k, b in boxes.items()})


def _as_text(pages: list[PageDisplay] | list[PageText]) -> list[PageText]:
    return [page_text(p) if isinstance(p, PageDisplay) else p for p in pages]


def story_texts(pages: list[PageDisplay] | list[PageText]) -> dict[str, str]:
    """Story id -> body text in display order across pages (continuations appended)."""
    out: dict[str, list[str]] = {}
    for pt in _as_text(pages):
        for key, text in pt.parts:
            out.setdefault(key.split("~")[0], []).append(text)
    return {k: "".join(v) for k, v in out.items()}


def display_fidelity(edition: Edition, pages: list[PageDisplay] | list[PageText],
                     overset: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
    """Each story's body equals its manifest text, and each jump carries its jump lines.

    Stories in `overset` (already reported) need only be a prefix of their text.
    """
    pages = _as_text(pages)
    got = story_texts(pages)
    jumps: dict[tuple[str, str], str] = {}
    for pt in pages:
        for key, text in pt.jumps:
            jumps[(pt.label, key.split("~")[0])] = jumps.get((pt.label, key.split("~")[0]), "") + normalise(text)
    resumed = {key.split("~")[0] for pt in pages for key, text in pt.parts if key.endswith("~cont") and text}
    labels = {p.label for p in pages}
    findings = []
    for page in edition.pages:
        for s in page.stories:
            if s.continued_from:
                continue
            want = normalise("".join(s.paragraphs))
            have = normalise(got.get(s.id, ""))
            on = {page.label} | ({s.continues} if s.continues else set())
            if not on <= labels:
                continue  # partial build: the story is not wholly on the pages built
            if have != want and not (s.id in overset and want.startswith(have)):
                findings.append(_diff_finding(s.id, page.label, want, have, "display list"))
            if s.continues and s.id in resumed:  # text went over: both jump lines must be there
                for lab, mark in ((page.label, "（下转"), (s.continues, "（上接")):
                    if mark not in jumps.get((lab, s.id), ""):
                        findings.append(Finding("error", "fidelity", f"{lab}/{s.id}",
                                                f"story {s.id!r}: jump line {mark}…） missing on {lab}",
                                                {"story": s.id}))
    return findings


def _diff_finding(sid: str, page: str, want: str, have: str, where: str) -> Finding:
    i = next((k for k, (a, b) in enumerate(zip(want, have)) if a != b), min(len(want), len(have)))
    return Finding("error", "fidelity", f"{page}/{sid}",
                   f"story {sid!r} ({where}): text differs from the manifest at character {i}: expected "
                   f"{want[max(0, i - 8):i + 8]!r}, got {have[max(0, i - 8):i + 8]!r} "
                   f"({len(want)} expected, {len(have)} set)",
                   {"story": sid, "index": i, "expected": len(want), "got": len(have)})


@dataclass
class PdfChar:
    ch: str
    x: float
    y: float  # baseline, top-left origin
    size: float


def pdf_page_chars(pdf_bytes: bytes, page_index: int = 0) -> list[PdfChar]:
    """Characters of one page in content order, with origins (pypdfium2)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(pdf_bytes)
    try:
        page = doc[page_index]
        left, bottom, right, top = page.get_cropbox()
        _, _, _, mtop = page.get_mediabox()
        tp = page.get_textpage()
        x, y = ctypes.c_double(), ctypes.c_double()
        out = []
        for i in range(tp.count_chars()):
            u = raw.FPDFText_GetUnicode(tp.raw, i)
            if raw.FPDFText_IsGenerated(tp.raw, i) == 1 or u == 0:
                continue
            if 0xDC00 <= u < 0xE000 and out and 0xD800 <= ord(out[-1].ch) < 0xDC00:
                # pdfium gives characters beyond the BMP as two UTF-16 units: join them
                hi = ord(out[-1].ch)
                out[-1] = dataclasses.replace(out[-1], ch=chr(0x10000 + ((hi - 0xD800) << 10) + (u - 0xDC00)))
                continue
            ch = chr(u)
            if ch.isspace():
                continue
            raw.FPDFText_GetCharOrigin(tp.raw, i, x, y)
            if not (left <= x.value < right and bottom <= y.value < top):
                continue
            out.append(PdfChar(ch, x.value, mtop - y.value, raw.FPDFText_GetFontSize(tp.raw, i)))
        tp.close()
        page.close()
        return out
    finally:
        doc.close()


def pdf_text(pdf_bytes: bytes, page_index: int = 0) -> str:
    return "".join(c.ch for c in pdf_page_chars(pdf_bytes, page_index))


def verify_pdf(edition: Edition, pages: list[PageDisplay] | list[PageText], pdfs: dict[str, bytes],
               document: bytes | None = None) -> list[Finding]:
    """Read every page back and check that each story's text appears whole and in order:
    from the page files (`pdfs`, by label) and, if given, from the edition `document`,
    whose pages are `pages` in order.

    The renderer writes runs in display-list order, so a story's characters form one
    contiguous stretch of its page's extracted text.
    """
    findings = []
    for index, pt in enumerate(_as_text(pages)):
        sources = []
        if pt.label in pdfs:
            sources.append(("PDF read-back", pdfs[pt.label], 0))
        if document is not None:
            sources.append(("edition PDF read-back", document, index))
        for how, data, at in sources:
            text = normalise(pdf_text(data, at))
            for key, part in pt.parts + pt.jumps:
                part = normalise(part)
                if part and part not in text:
                    findings.append(_diff_finding(key.split("~")[0], pt.label, part, _closest(text, part), how))
    return findings


def _closest(text: str, part: str) -> str:
    head = part[:6]
    i = text.find(head)
    return text[i:i + len(part)] if i >= 0 else ""


def kinsoku_faults(displays: list[PageDisplay], level: str = "strict") -> list[str]:
    """Body lines (runs sharing a baseline and story) that start or end with a forbidden mark."""
    no_start, no_end = cjk.NO_START[level], cjk.NO_END[level]
    faults = []
    for d in displays:
        lines: dict[tuple[str, float, int], list[GlyphRun]] = {}
        for it in d.items:
            if isinstance(it, GlyphRun) and it.role == "body":
                lines.setdefault((it.story, round(it.y, 2), int(it.x // 60)), []).append(it)
        for (story, y, _), runs in lines.items():
            text = "".join(r.text for r in sorted(runs, key=lambda r: r.x)).strip()
            if text and (text[0] in no_start or text[-1] in no_end):
                faults.append(f"{d.label}/{story} y={y}: {text}")
    return faults


# -- preflight -----------------------------------------------------------------
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
    rgb = (b"rg" in ops or b"RG" in ops) and _RGB_OP.search(ops) is not None  # the plain test first: 30x faster
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
              scans: dict[bytes, ContentScan] | None = None) -> Preflight:
    """PDF/X-1a-style checks on a print PDF (fonts, colour, ink, resolution, boxes).
    `scans`: content streams already scanned, by `content_key` (a stream whose stored
    bytes differ in any way is scanned here)."""
    from pypdf import PdfReader

    from layout.imaging import max_ink

    reader = PdfReader(io.BytesIO(pdf_bytes))
    pf = Preflight(True)
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


# -- typographic audit of a written PDF (the project's own, mirroring typo_audit) -------
@dataclass
class PdfAudit:
    lines: int = 0
    kinsoku: list[str] = field(default_factory=list)
    split_pairs: int = 0
    spreads: list[float] = field(default_factory=list)  # per column: spread of justified right edges
    grid_considered: int = 0
    grid_aligned: int = 0

    @property
    def grid_share(self) -> float:
        return self.grid_aligned / self.grid_considered if self.grid_considered else 1.0


def _text_columns(chars: list[PdfChar], widths: dict[str, float], size: float, res: int = 4
                  ) -> list[tuple[float, float]]:
    """Column x-intervals from where body glyphs (punctuation aside) cover the page: strips
    more than 0.4 em wide that fewer than 5 % of the typical count covers are gutters."""
    skip = cjk.NO_START["strict"] | cjk.NO_END["strict"]
    width = max((c.x for c in chars), default=0) + 2 * size
    diff = [0] * (int(width * res) + 2)
    for c in chars:
        if c.ch not in skip:
            a, b = max(0, int(c.x * res)), min(len(diff) - 1, int((c.x + widths.get(c.ch, 1.0) * size) * res))
            if b > a:
                diff[a] += 1
                diff[b] -= 1
    cover, n = [], 0
    for d in diff:
        n += d
        cover.append(n)
    nz = sorted(v for v in cover if v)
    if not nz:
        return []
    thresh = 0.05 * nz[len(nz) // 2]
    cols, start, last = [], None, 0
    for i, v in enumerate(cover + [0] * int(size * res + 2)):
        if v > thresh:
            start, last = (i if start is None else start), i
        elif start is not None and (i - last) / res > 0.4 * size:
            cols.append((start / res, (last + 1) / res))
            start = None
    return cols


def _splits(p: PdfChar, c: PdfChar, mids: list[float], widths: dict[str, float], size: float) -> bool:
    gap = c.x - (p.x + widths.get(p.ch, 1.0) * size)
    pm, cm = p.x + size / 2, c.x + size / 2
    return gap > 1.5 * size or (gap > 0.2 * size and any(pm < m <= cm for m in mids))


def audit_pdf(pdf_bytes: bytes, body_size: float, widths: dict[str, float], level: str = "strict") -> PdfAudit:
    """Kinsoku, justification and grid alignment of body lines read back from a PDF.

    Text columns are found from glyph coverage; right edges use the font's advances.
    """
    import pypdfium2 as pdfium

    no_start, no_end = cjk.NO_START[level], cjk.NO_END[level]
    out = PdfAudit()
    doc = pdfium.PdfDocument(pdf_bytes)
    npages = len(doc)
    doc.close()
    for pno in range(npages):
        chars = [c for c in pdf_page_chars(pdf_bytes, pno) if abs(c.size - body_size) < 0.05]
        cols = _text_columns(chars, widths, body_size)
        mids = [(a[1] + b[0]) / 2 for a, b in zip(cols, cols[1:])]
        rows: dict[float, list[PdfChar]] = {}
        for c in chars:
            rows.setdefault(round(c.y, 1), []).append(c)
        lines: list[tuple[int, float, list[PdfChar]]] = []
        for y, cs in rows.items():
            cs.sort(key=lambda c: c.x)
            start = 0
            for i in range(1, len(cs) + 1):  # split at a gutter, or at any gap over 1.5 em
                if i == len(cs) or _splits(cs[i - 1], cs[i], mids, widths, body_size):
                    seg = cs[start:i]
                    mid = (seg[0].x + seg[-1].x) / 2
                    col = next((k for k, (a, b) in enumerate(cols) if a - body_size <= mid <= b + body_size), -1)
                    if col >= 0 and (seg[0].x < cols[col][0] - 0.6 * body_size or
                                     seg[-1].x + widths.get(seg[-1].ch, 1.0) * body_size > cols[col][1] + 1.1 * body_size):
                        col = -1  # wider than its column (a merged text column): not measured, as typo_audit
                    lines.append((col, y, seg))
                    start = i
        bycol: dict[int, list[tuple[float, float, float, str]]] = {}
        for col, y, cs in lines:
            text = "".join(c.ch for c in cs)
            x1 = cs[-1].x + widths.get(cs[-1].ch, 1.0) * body_size
            bycol.setdefault(col, []).append((y, cs[0].x, x1, text))
        out.lines += len(lines)
        bycol.pop(-1, None)
        for col, ls in bycol.items():
            ls.sort()
            right = max(set(round(x1 * 2) / 2 for _, _, x1, _ in ls), key=[round(x1 * 2) / 2 for _, _, x1, _ in ls].count)
            lefts = [round(x0 * 2) / 2 for _, x0, _, _ in ls]
            lmode = max(set(lefts), key=lefts.count)
            edges = []
            for i, (y, x0, x1, text) in enumerate(ls):
                if text[0] in no_start:
                    out.kinsoku.append(f"p{pno + 1} col {col + 1}: starts {text[:6]}")
                if text[-1] in no_end:
                    out.kinsoku.append(f"p{pno + 1} col {col + 1}: ends {text[-6:]}")
                nxt = ls[i + 1] if i + 1 < len(ls) else None
                para_last = right - x1 > body_size or (nxt is not None and nxt[1] - lmode >= body_size)
                if nxt is not None and not para_last and text[-1] in "—…" and nxt[3][0] == text[-1]:
                    out.split_pairs += 1
                if not para_last:
                    shifts = (0.0, 0.5, 1.0) if text[-1] in cjk.BLANK_RIGHT else (0.0,)
                    k = min(shifts, key=lambda s: abs(x1 - s * body_size - right))
                    edges.append(x1 - k * body_size)
            if len(edges) > 1:
                out.spreads.append(max(edges) - min(edges))
        for col, ls in bycol.items():
            nb = sorted(y for y, *_ in bycol.get(col + 1, []))
            if not nb:
                continue
            for y, *_ in ls:
                if nb[0] - 0.5 <= y <= nb[-1] + 0.5:
                    out.grid_considered += 1
                    out.grid_aligned += any(abs(y - b) <= 0.5 for b in nb)
    return out
