"""Preflight of booked ads and graphics before any page is drawn (print mode), and what
keeps them out of a PDF/A archive.

In: the placed Edition, its Style, the output profile.  Out: problems at each ad's (or
graphic's) manifest entry, naming it and its file; `layout build` stops on them before
composing, because a plate with an RGB ad or 320 % ink is a reprint, and the ad desk can
ask the agency for a new file while the pages are still being made.

What a print page file (PDF/X-1a) needs from a placed PDF, read from the file itself:
- every font embedded (Type 3 fonts are their own glyph procedures);
- no RGB or Lab anywhere: colour operators in the content (rg/RG, sc/scn in such a space),
  colour spaces in the resources, images (converting vector colour silently would change
  what the advertiser approved: refused instead);
- total ink within the style's `print.ink_limit`: CMYK fills and strokes from the content
  streams, CMYK images from their pixels;
- images at least MIN_PPI at their placed size (the content's matrices followed through
  forms);
- no transparency (soft masks, constant alpha below 1, blend modes, transparency groups).
JPEG and TIFF ads: CMYK or greyscale, within the ink limit, MIN_PPI at 100 %, opaque.
Results are kept per (file digest, scale, limit): `layout watch` checks an ad once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layout.errors import Finding, ManifestError, Problem
from layout.model.edition import Edition
from layout.model.modes import OutputProfile
from layout.model.pdffile import inspect_pdf, open_pdf
from layout.model.styles import Style

MIN_PPI = 200.0
_RGB_SPACES = frozenset({"/DeviceRGB", "/CalRGB", "/Lab", "/RGB"})  # /RGB: an inline image's abbreviation
_FILL_OPS = {"k": 4, "K": 4}


@dataclass
class _Scan:
    """What the walk over one PDF found (messages, in the order found, without repeats)."""

    problems: list[str] = field(default_factory=list)
    max_ink: float = 0.0
    seen: set[int] = field(default_factory=set)

    def add(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)


def check_ads(edition: Edition, style: Style, profile: OutputProfile) -> list[Finding]:
    """Print: raise ManifestError listing every ad or graphic that cannot be printed as it
    is.  Archive: a warning for each one whose colour keeps the archive from PDF/A."""
    if profile.pdfa:
        return _archive_findings(edition)
    if not profile.cmyk:
        return []
    problems: list[Problem] = []
    for page in edition.pages:
        for ad in page.ads:
            for msg in _file_problems(str(ad.file), ad.sha256, 1.0, style.ink_limit):
                problems.append(Problem.at(ad.where, f"ad {ad.id!r} ({ad.file.name}) on {page.label} {msg}",
                                           _HINT, "file"))
        for ph in page.photos:
            if ph.file.suffix.lower() == ".pdf":
                for msg in _file_problems(str(ph.file), "", 0.0, style.ink_limit):
                    problems.append(Problem.at(ph.where, f"graphic {ph.id!r} ({ph.file.name}) on {page.label} {msg}",
                                               _HINT, "file"))
    if problems:
        raise ManifestError(problems)
    return []


def _archive_findings(edition: Edition) -> list[Finding]:
    from layout.pdf.adrgb import archive_blockers

    out = []
    for page in edition.pages:
        placed = [(f"ad {ad.id!r}", ad.id, ad.file) for ad in page.ads] + \
            [(f"graphic {ph.id!r}", ph.id, ph.file) for ph in page.photos if ph.file.suffix.lower() == ".pdf"]
        for name, pid, file in placed:
            if file.suffix.lower() != ".pdf":
                continue
            digest = inspect_pdf(file).sha256
            blockers = _BLOCKERS.get(digest)
            if blockers is None:
                blockers = _BLOCKERS[digest] = archive_blockers(file.read_bytes())
            if blockers:
                out.append(Finding("warning", "archive-ad", f"{page.label}/{pid}",
                                   f"{name} ({file.name}) on {page.label} keeps the archive from PDF/A-2b: it has "
                                   f"{', '.join(blockers)}, which stay(s) CMYK", {"ad": pid}))
    return out


_HINT = "ask for a PDF/X-1a file (CMYK, fonts embedded, no transparency) within the style's ink limit"
_MEMO: dict[tuple, list[str]] = {}
_BLOCKERS: dict[str, list[str]] = {}  # file digest -> what the archive cannot convert


def _file_problems(file: str, sha256: str, scale: float, limit: float) -> list[str]:
    """Problems of one file (`scale` 0: a graphic, scaled to fit, whose images are not
    judged by ppi here)."""
    path = Path(file)
    digest = sha256 or inspect_pdf(path).sha256  # a graphic: its digest, kept per file version
    key = (digest, scale, limit)
    got = _MEMO.get(key)
    if got is None:
        pdf = path.suffix.lower() == ".pdf"
        got = _pdf_problems(path.read_bytes(), scale, limit) if pdf else _image_problems(path, limit)
        if len(_MEMO) > 256:
            _MEMO.clear()
        _MEMO[key] = got
    return got


def _image_problems(path: Any, limit: float) -> list[str]:
    from layout.model.photos import open_image
    from layout.pdf.imaging import max_ink

    out = []
    with open_image(path) as im:
        dpi = im.info.get("dpi") or (0, 0)
        if im.mode not in ("CMYK", "L", "1"):
            out.append(f"is a {im.mode} image: print ads must be CMYK or greyscale (no RGB or Lab)")
        if "A" in im.mode or "transparency" in im.info:
            out.append("has transparency (PDF/X-1a has none)")
        ppi = min(float(dpi[0]), float(dpi[1])) if isinstance(dpi, tuple) and len(dpi) == 2 else 0.0
        if 0 < ppi < MIN_PPI - 0.5:
            out.append(f"is {ppi:.0f} ppi at 100 % (newsprint needs {MIN_PPI:.0f})")
        if im.mode == "CMYK":
            ink = max_ink(im)
            if ink > limit + 0.005:
                out.append(f"reaches {ink * 100:.0f}% total ink (the style's limit is {limit * 100:.0f}%)")
    return out


def _pdf_problems(data: bytes, scale: float, limit: float) -> list[str]:
    page = open_pdf(data).pages[0]  # opened and walked at load: not damaged, not encrypted
    scan = _Scan()
    group = page.get("/Group")
    if group is not None and group.get_object().get("/S") == "/Transparency":
        scan.add("has a transparency group (PDF/X-1a has no transparency)")
    res = page.get("/Resources")
    contents = page.get_contents()
    _content(scan, contents, res.get_object() if res is not None else {}, (scale, 0, 0, scale, 0, 0), limit)
    return scan.problems


def _content(scan: _Scan, stream: Any, res: Any, ctm: tuple, limit: float, depth: int = 0) -> None:
    """Walk one content stream with its resources: colour, ink, images, forms, fonts."""
    from pypdf.generic import ContentStream

    if stream is None or depth > 12:
        return
    _resources(scan, res, limit)
    ops = stream.operations if isinstance(stream, ContentStream) else ContentStream(stream, None).operations
    stack: list[tuple] = []
    spaces = {"fill": "/DeviceGray", "stroke": "/DeviceGray"}
    for operands, op in ops:
        o = op.decode("latin-1") if isinstance(op, bytes) else str(op)
        if o == "q":
            stack.append((ctm, dict(spaces)))
        elif o == "Q" and stack:
            ctm, spaces = stack.pop()
        elif o == "cm" and len(operands) == 6:
            ctm = _mul(tuple(float(v) for v in operands), ctm)
        elif o in ("rg", "RG"):
            scan.add("paints in RGB (rg/RG operators in its content)")
        elif o in _FILL_OPS and len(operands) == 4:
            _ink(scan, [float(v) for v in operands], limit)
        elif o in ("cs", "CS") and operands:
            spaces["fill" if o == "cs" else "stroke"] = _space_name(operands[0], res)
        elif o in ("sc", "scn", "SC", "SCN"):
            space = spaces["fill" if o in ("sc", "scn") else "stroke"]
            nums = [float(v) for v in operands if isinstance(v, (int, float)) or hasattr(v, "as_numeric")]
            if space == "/DeviceCMYK" and len(nums) == 4:
                _ink(scan, nums, limit)
        elif o == "Do" and operands:
            _xobject(scan, res, operands[0], ctm, limit, depth)
        elif o == "INLINE IMAGE":
            settings = operands.get("settings", {}) if isinstance(operands, dict) else {}
            cs = str(settings.get("/CS", settings.get("/ColorSpace", "")))
            if cs in _RGB_SPACES:
                scan.add("has an RGB inline image")
        elif o == "gs" and operands:
            _ext_gstate(scan, res, operands[0])


def _space_name(name: Any, res: Any) -> str:
    cs = (res.get("/ColorSpace") or {}) if res else {}
    cs = cs.get_object() if hasattr(cs, "get_object") else cs
    obj = cs.get(name) if name not in ("/DeviceCMYK", "/DeviceRGB", "/DeviceGray") else name
    obj = obj.get_object() if hasattr(obj, "get_object") else obj
    if isinstance(obj, list) and obj:
        return str(obj[0])
    return str(obj) if obj is not None else str(name)


def _ink(scan: _Scan, cmyk: list[float], limit: float) -> None:
    total = sum(cmyk)
    scan.max_ink = max(scan.max_ink, total)
    if total > limit + 0.005:
        scan.add(f"paints {total * 100:.0f}% total ink (C{cmyk[0] * 100:.0f} M{cmyk[1] * 100:.0f} "
                 f"Y{cmyk[2] * 100:.0f} K{cmyk[3] * 100:.0f}; the style's limit is {limit * 100:.0f}%)")


def _mul(a: tuple, b: tuple) -> tuple:
    """a × b of PDF matrices (a applied first)."""
    a0, a1, a2, a3, a4, a5 = a
    b0, b1, b2, b3, b4, b5 = b
    return (a0 * b0 + a1 * b2, a0 * b1 + a1 * b3, a2 * b0 + a3 * b2, a2 * b1 + a3 * b3,
            a4 * b0 + a5 * b2 + b4, a4 * b1 + a5 * b3 + b5)


def _xobject(scan: _Scan, res: Any, name: Any, ctm: tuple, limit: float, depth: int) -> None:
    xobjects = (res.get("/XObject") or {}) if res else {}
    xobjects = xobjects.get_object() if hasattr(xobjects, "get_object") else xobjects
    ref = xobjects.get(name)
    if ref is None:
        return
    xo = ref.get_object()
    if xo.get("/Subtype") == "/Form":
        if (xo.get("/Group") or {}).get("/S") == "/Transparency":
            scan.add("has a transparency group (PDF/X-1a has no transparency)")
        matrix = tuple(float(v) for v in xo.get("/Matrix", [1, 0, 0, 1, 0, 0]))
        inner = xo.get("/Resources")
        _content(scan, xo, inner.get_object() if inner is not None else res, _mul(matrix, ctm), limit, depth + 1)
    elif xo.get("/Subtype") == "/Image":
        _image(scan, xo, getattr(ref, "idnum", None), ctm, limit)


def _image(scan: _Scan, xo: Any, idnum: int | None, ctm: tuple, limit: float) -> None:
    if "/SMask" in xo or "/SMaskInData" in xo and int(xo.get("/SMaskInData", 0)):
        scan.add("has an image with a soft mask (PDF/X-1a has no transparency)")
    cs = xo.get("/ColorSpace")
    cs = cs.get_object() if hasattr(cs, "get_object") else cs
    first = str(cs[0]) if isinstance(cs, list) and cs else str(cs)
    if _is_rgb(cs):
        scan.add("has an RGB or Lab image")
    width = (ctm[0] ** 2 + ctm[1] ** 2) ** 0.5
    if width > 0 and ctm != (0.0, 0, 0, 0.0, 0, 0):
        ppi = int(xo.get("/Width", 0)) / (width / 72.0)
        if ppi < MIN_PPI - 0.5:
            scan.add(f"has an image of {ppi:.0f} ppi at its placed size (newsprint needs {MIN_PPI:.0f})")
    if first == "/DeviceCMYK" and (idnum is None or idnum not in scan.seen):
        if idnum is not None:
            scan.seen.add(idnum)
        from layout.pdf.imaging import max_ink
        from layout.pdf.preflight import _cmyk_image

        ink = max_ink(_cmyk_image(xo))
        if ink > limit + 0.005:
            scan.add(f"has an image reaching {ink * 100:.0f}% total ink (the style's limit is {limit * 100:.0f}%)")


def _is_rgb(cs: Any) -> bool:
    cs = cs.get_object() if hasattr(cs, "get_object") else cs
    if isinstance(cs, list) and cs:
        kind = str(cs[0])
        if kind == "/ICCBased":
            return int(cs[1].get_object().get("/N", 0)) == 3
        if kind in ("/Indexed", "/I"):
            return _is_rgb(cs[1])
        if kind in ("/Separation", "/DeviceN"):
            return _is_rgb(cs[2])
        return kind in _RGB_SPACES
    return str(cs) in _RGB_SPACES


def _resources(scan: _Scan, res: Any, limit: float) -> None:
    """Colour spaces and fonts a resource dictionary declares."""
    if not res:
        return
    spaces = res.get("/ColorSpace")
    for _, cs in (spaces.get_object().items() if spaces is not None else []):
        if _is_rgb(cs):
            scan.add("declares an RGB or Lab colour space")
    fonts = res.get("/Font")
    for fname, ref in (fonts.get_object().items() if fonts is not None else []):
        font = ref.get_object()
        if font.get("/Subtype") == "/Type3":
            continue
        desc = font.get("/FontDescriptor")
        if desc is None and "/DescendantFonts" in font:
            desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        desc = desc.get_object() if desc is not None else None
        if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            scan.add(f"uses font {str(font.get('/BaseFont', fname)).lstrip('/')}, which is not embedded")
    gstates = res.get("/ExtGState")
    for name in (gstates.get_object().keys() if gstates is not None else []):
        _ext_gstate(scan, res, name)


def _ext_gstate(scan: _Scan, res: Any, name: Any) -> None:
    gstates = res.get("/ExtGState") if res else None
    gs = gstates.get_object().get(name) if gstates is not None else None
    gs = gs.get_object() if gs is not None else None
    if not gs:
        return
    smask = gs.get("/SMask")
    if (smask is not None and str(smask) != "/None") or float(gs.get("/CA", 1)) < 1 or float(gs.get("/ca", 1)) < 1 \
            or str(gs.get("/BM", "/Normal")) not in ("/Normal", "/Compatible"):
        scan.add("uses transparency (soft mask, alpha or blend mode; PDF/X-1a has none)")
