"""Render a PageDisplay to a one-page PDF with ReportLab's canvas.

In: a PageDisplay, the FontBook (for font files), an output mode.  Out: PDF bytes.
This is the only module that talks to ReportLab and the only place the y axis flips.

Modes:
* print   - page = trim + bleed (TrimBox/BleedBox), crop marks in the bleed, everything
            in DeviceCMYK, text and rules 100 % K overprinting, photos converted to CMYK
            with grey component replacement under the newsprint ink limit.
* proof   - RGB, with a light 校样 watermark carrying the manifest hash, frame outlines
            labelled with ids, grid line numbers in the gutters and overset flags in red.
* archive - RGB (sRGB output intent added at assembly), no bleed, nothing that PDF/A-2b
            forbids.
Output is deterministic: ReportLab's invariant mode, no dates, fixed ids.
"""

from __future__ import annotations

import io
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab import rl_config
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas as rl_canvas

from layout.display import GlyphRun, Image, Marker, PageDisplay, Rect, Rule
from layout.errors import Problem, RenderError
from layout.fonts import FontBook
from layout.imaging import encoded_image

MODES = ("print", "proof", "archive")
rl_config.useA85 = 0  # binary streams: ASCII85 only inflates images and fonts by 25 %
MARK_LEN = 3 * 72 / 25.4  # crop marks run through the 3 mm bleed
PROOF_BLUE = (0.2, 0.45, 0.85)
PROOF_RED = (0.85, 0.05, 0.05)


def _registered(fonts: FontBook) -> None:
    for face in fonts.faces.values():
        _register(face.key, str(face.file))


@lru_cache(maxsize=None)
def _register(key: str, path: str) -> None:
    try:
        pdfmetrics.registerFont(TTFont(key, path))
    except Exception as e:  # ReportLab raises bare TTFError / struct errors
        raise RenderError(Problem(f"ReportLab cannot load font {path}: {e}", path)) from None


def _rgb(c: tuple[float, float, float, float]) -> tuple[float, float, float]:
    cy, m, y, k = c
    return ((1 - cy) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))


def render_page(page: PageDisplay, fonts: FontBook, mode: str = "print", bleed: float = 0.0,
                stamp: str = "") -> bytes:
    """One page as PDF bytes.  `stamp` is the proof watermark's build id (manifest hash)."""
    if mode not in MODES:
        raise RenderError(f"unknown mode {mode!r}; use one of {', '.join(MODES)}")
    _registered(fonts)
    cmyk = mode == "print"
    b = bleed if mode == "print" else 0.0
    W, H = page.width + 2 * b, page.height + 2 * b
    buf = io.BytesIO()
    kwargs = {}
    if b:
        kwargs = {"trimBox": (b, b, b + page.width, b + page.height), "bleedBox": (0, 0, W, H)}
    # initialFontName: ReportLab otherwise opens every page with a non-embedded Helvetica
    body_key = fonts.face("song").key if "song" in fonts.faces else next(iter(fonts.faces.values())).key
    c = rl_canvas.Canvas(buf, pagesize=(W, H), invariant=1, pageCompression=1, initialFontName=body_key,
                         initialFontSize=9, **kwargs)
    c.setTitle(page.title or page.label)
    c.setCreator("layout")
    c.setProducer("layout")
    if cmyk:
        c.setFillOverprint(True)
        c.setStrokeOverprint(True)
        c.setOverprintMask(True)

    def fill(col) -> None:
        if cmyk:
            c.setFillColorCMYK(*col)
        else:
            c.setFillColorRGB(*_rgb(col))

    def stroke(col) -> None:
        if cmyk:
            c.setStrokeColorCMYK(*col)
        else:
            c.setStrokeColorRGB(*_rgb(col))

    top = page.height + b  # y flip: display y -> PDF y = top - y

    # images first (text and rules overprint them)
    for it in page.items:
        if isinstance(it, Image):
            data = encoded_image(it.file, it.crop, it.mode, cmyk)
            c.drawImage(ImageReader(io.BytesIO(data)), b + it.x, top - it.y - it.h, it.w, it.h)

    _emit_text(c, [it for it in page.items if isinstance(it, GlyphRun)], b, top, cmyk)

    for it in page.items:
        if isinstance(it, Rule):
            stroke(it.color)
            c.setLineWidth(it.width)
            c.line(b + it.x0, top - it.y0, b + it.x1, top - it.y1)
        elif isinstance(it, Rect):
            stroke(it.color)
            c.setLineWidth(max(it.stroke, 0.01))
            if it.fill is not None:
                fill(it.fill)
            c.rect(b + it.x, top - it.y - it.h, it.w, it.h, stroke=1 if it.stroke else 0,
                   fill=1 if it.fill is not None else 0)
    if b:
        _crop_marks(c, b, page.width, page.height)
    if mode == "proof":
        _proof_marks(c, page, top, stamp)
    c.showPage()
    c.save()
    return buf.getvalue()


def _emit_text(c, runs: list[GlyphRun], b: float, top: float, cmyk: bool) -> None:
    """All glyph runs of the page in one BT/ET block, written straight into the page's content.

    What ReportLab's PDFTextObject.textOut does for a TrueType font (split the string into
    the font's 256-glyph subsets, select each subset, show the bytes) without its per-call
    bookkeeping (line advance, width measuring): runs are already positioned.
    """
    if not runs:
        return
    doc = c._doc
    escape = c._escape
    code = ["BT"]
    add = code.append
    fonts: dict[str, object] = {}
    cur_font = cur_tc = cur_col = None
    for r in runs:
        font = fonts.get(r.face)
        if font is None:
            font = fonts[r.face] = pdfmetrics.getFont(r.face)
        if r.color != cur_col:
            add(f"{fp_str(*r.color)} k" if cmyk else f"{fp_str(*_rgb(r.color))} rg")
            cur_col = r.color
        if r.tc != cur_tc:
            add(f"{fp_str(r.tc)} Tc")
            cur_tc = r.tc
        add(f"1 0 0 1 {fp_str(b + r.x)} {fp_str(top - r.y)} Tm")
        for subset, t in font.splitString(r.text, doc):
            key = (r.face, subset, r.size)
            if key != cur_font:
                add(f"{font.getSubsetInternalName(subset, doc)} {fp_str(r.size)} Tf")
                cur_font = key
            add(f"({escape(t)}) Tj")
    add("ET")
    c._code.append("\n".join(code))


def _crop_marks(c, b: float, w: float, h: float) -> None:
    """Trim marks in the bleed, in registration-free 100 % K."""
    c.setStrokeColorCMYK(0, 0, 0, 1)
    c.setLineWidth(0.25)
    off = 0.5 * 72 / 25.4
    for x in (b, b + w):
        c.line(x, 0, x, b - off)
        c.line(x, b + h + off, x, 2 * b + h)
    for y in (b, b + h):
        c.line(0, y, b - off, y)
        c.line(b + w + off, y, 2 * b + w, y)


def _proof_marks(c, page: PageDisplay, top: float, stamp: str) -> None:
    c.saveState()
    c.setFillColorRGB(0.82, 0.82, 0.82)
    c.setFont(_first_font(page), 160)
    c.translate(page.width / 2, page.height / 2)
    c.rotate(35)
    c.drawCentredString(0, 0, "校样")
    c.setFont(_first_font(page), 14)
    c.drawCentredString(0, -40, f"manifest {stamp[:16]}")
    c.restoreState()
    font = _first_font(page)
    for it in page.items:
        if not isinstance(it, Marker):
            continue
        if it.kind == "frame":
            c.setStrokeColorRGB(*PROOF_BLUE)
            c.setLineWidth(0.4)
            c.setDash(2, 2)
            c.rect(it.x, top - it.y - it.h, it.w, it.h, stroke=1, fill=0)
            c.setDash()
            c.setFillColorRGB(*PROOF_BLUE)
            c.setFont(font, 6)
            c.drawString(it.x + 1, top - it.y - 6, it.text)
        elif it.kind == "lineno":
            c.setFillColorRGB(0.55, 0.55, 0.55)
            c.setFont(font, 4)
            c.drawRightString(it.x + it.w - 1, top - it.y - it.h + 4.5, it.text)
        elif it.kind == "overset":
            c.setFillColorRGB(*PROOF_RED)
            c.setStrokeColorRGB(*PROOF_RED)
            c.setLineWidth(1.5)
            c.rect(it.x, top - it.y - it.h, it.w, it.h, stroke=1, fill=0)
            c.setFont(font, 8)
            c.drawString(it.x + 2, top - it.y - it.h + 3, it.text)


def _first_font(page: PageDisplay) -> str:
    for it in page.items:
        if isinstance(it, GlyphRun):
            return it.face
    return "Helvetica"
