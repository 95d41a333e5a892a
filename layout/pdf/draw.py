"""Render display lists to PDF with ReportLab's canvas.

In: PageDisplays, the FontBook, an output mode (its OutputProfile, layout.model.modes).
Out: PDF bytes, either one page or a whole edition in one document.  This is the module
that draws with ReportLab's canvas and the only place the y axis flips.

Two steps, so that pages can be drawn in parallel and documents put together cheaply:
`draw_page` turns a display list into a `PageDrawing` (the page's content operators as
text, its photos encoded, the characters it draws with each face; plain data, no
ReportLab objects); `render_pages` writes drawings into one ReportLab document, each face
embedded once for the whole document with exactly the glyphs its pages use (pdffont.py).

Modes (what each profile asks for):
* print   - page = trim + bleed (TrimBox/BleedBox) + the marks' space around the BleedBox,
            crop marks in that space only, everything in DeviceCMYK, 100 % K text and
            rules overprinting (everything else knocks out), photos converted to CMYK with
            grey component replacement under the newsprint ink limit.
* proof   - RGB, with a light 校样 watermark carrying the proof round and the page's revision
            id, frame outlines labelled with ids, grid line numbers in the gutters and margins
            (never over type), and overset flags with the overset text in red in the margin.
* archive - RGB (sRGB output intent: metadata.py), no bleed, nothing that PDF/A-2b
            forbids.
Output is deterministic: ReportLab's invariant mode, no dates, fixed ids.
"""

from __future__ import annotations

import hashlib
import io
import math
import re
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen import canvas as rl_canvas

from layout.errors import Problem, RenderError
from layout.fonts.catalogue import Face, FontBook
from layout.fonts.embed import EmbeddedFonts
from layout.fonts.pdfwrite import pdf_nums
from layout.model.modes import OutputMode, output_profile
from layout.model.photos import PhotoError
from layout.page.display import Form, GlyphRun, Image, Marker, PageDisplay, Rect, Rule
from layout.page.halfmarks import drawn_forms
from layout.pdf.adform import FormUse, place_form, use_forms
from layout.pdf.imaging import encoded_image
from layout.pdf.marks import PageTags, mark_runs
from layout.pdf.metadata import FileMeta, eol_before_endstream, finish_reportlab, stamp_id
from layout.pdf.ops import OVERPRINT, Ops, black
from layout.pdf.preflight import ContentScan, scan_content
from layout.pdf.printmarks import MARK_SPACE, crop_marks
from layout.pdf.proofmarks import NOTE_LEAD, NOTE_SIZE, clear_line_numbers, margin_notes
from layout.pdf.rlfast import faster_writing
from layout.pdf.textorder import content_order

CONTENT_FILTER = "/FlateDecode"  # of every page's content stream (PageDrawing.packed)
# zlib level of the content streams: 4 takes half the time of the default 6 on a page's
# text operators (23 against 48 ms for the 36-page benchmark's 2.6 MB) for 6 % more bytes
# (600 against 567 KB; level 1: 720 KB).  The same stream goes into the page file and the
# edition, so it is compressed once, in the worker that drew the page (`_pack`).
CONTENT_LEVEL = 4
PROOF_BLUE = (0.2, 0.45, 0.85)
PROOF_RED = (0.85, 0.05, 0.05)
PROOF_GREY = (0.55, 0.55, 0.55)
_OVERPRINT_GS = re.compile("/(" + "|".join(sorted(OVERPRINT.values(), key=len, reverse=True)) + ") gs")


@dataclass
class PageDrawing:
    """A page ready to be written into any PDF document (picklable plain data)."""

    label: str
    title: str
    width: float  # media box: trim, bleed and (cmyk: the print plate) the marks' space
    height: float
    bleed: float
    cmyk: bool  # the print plate: DeviceCMYK, TrimBox/BleedBox, marks outside the bleed
    images: list[tuple[float, float, float, float, bytes]] = field(default_factory=list)  # x, y, w, h (PDF), data
    content: str = ""  # text and vector operators after the photos
    chars: dict[str, str] = field(default_factory=dict)  # face key -> the characters it draws
    packed: tuple[bytes, bytes] | None = None  # (sha256, zlib) of the page's whole content stream
    tags: PageTags | None = None  # tagged PDF (the mode's `tagged`): what its marked content is
    forms: list[FormUse] = field(default_factory=list)  # PDF artwork the content places (adform.py)
    scan: ContentScan | None = None  # preflight's scan of the stream `packed` holds, made as it was packed

    @property
    def slug(self) -> float:
        """The marks' space between the BleedBox and the MediaBox (print plates only)."""
        return MARK_SPACE if self.cmyk else 0.0


def draw_page(page: PageDisplay, fonts: FontBook, mode: OutputMode = OutputMode.PRINT, bleed: float = 0.0,
              stamp: str = "", embedded: EmbeddedFonts | None = None) -> PageDrawing:
    """A display list as content operators (no ReportLab objects: picklable, cacheable).
    `bleed` is the style's (used when the mode has bleed); `stamp` is the proof's round and
    revision id; `embedded`: the caller's registry of embedded faces (else a
    registry of its own for this page)."""
    try:
        profile = output_profile(mode)
    except ValueError as e:
        raise RenderError(str(e)) from None
    cmyk = profile.cmyk
    b = bleed if profile.bleed else 0.0
    slug = MARK_SPACE if cmyk else 0.0
    o = b + slug  # the trimmed page's origin in the media box
    top = page.height + o  # y flip: display y -> PDF y = top - y
    d = PageDrawing(page.label, page.title or page.label, page.width + 2 * o, page.height + 2 * o, b, cmyk)
    tags = d.tags = PageTags() if profile.tagged else None
    images, artwork, runs, shapes = _by_kind(page.items)
    for it in images:  # photos first: text and rules overprint them
        d.images.append((o + it.x, top - it.y - it.h, it.w, it.h, _photo(it, cmyk)))
        if tags is not None:
            tags.figures.append(it.id)
    ops = Ops(fonts, cmyk, embedded if embedded is not None else EmbeddedFonts(), tags is not None)
    ops.code += [place_form(it, o, top, not cmyk and profile.pdfa, d.forms)
                 for it in artwork]  # ads and graphics: over the photos, under the text
    if profile.proof_marks:  # under the text, so that it never hides a character
        _watermark(ops, page, fonts, stamp)
    _artifact(ops, 0, tags)  # artwork (ads, graphics) and the proof watermark: no story's text
    runs = content_order(runs)  # (textorder.py)
    if tags is not None:  # tagged: compressed marks' boxes are their set widths, for extraction
        forms = drawn_forms(runs, {k: f.widths for k, f in ops.faces.items()})
        ops.text(runs, o, top, *mark_runs(runs, tags, o, top, ops.width), forms)
        ops.guides(runs, o, top, forms, page.items)
    else:
        ops.text(runs, o, top)
    add = ops.code.append
    start = len(ops.code)
    for it in shapes:
        if isinstance(it, Rule):
            ops.overprint(black(it.color), None)
            add(f"{ops.stroke(it.color)} {pdf_nums(it.width)} w "
                f"{pdf_nums(o + it.x0, top - it.y0)} m {pdf_nums(o + it.x1, top - it.y1)} l S")
        else:
            paint = "B" if it.stroke and it.fill is not None else "f" if it.fill is not None else "S" if it.stroke \
                else "n"
            fill = f"{ops.fill(it.fill)} " if it.fill is not None else ""
            # a frame's black outline is a rule and overprints; an area, even a black one, knocks out
            ops.overprint(black(it.color) if it.stroke else None, False if it.fill is not None else None)
            add(f"{ops.stroke(it.color)} {fill}{pdf_nums(max(it.stroke, 0.01))} w "
                f"{pdf_nums(o + it.x, top - it.y - it.h, it.w, it.h)} re {paint}")
    if cmyk:
        ops.overprint(True, None)
        add(crop_marks(b, slug, page.width, page.height))
    if profile.proof_marks:
        _proof_marks(ops, page, fonts, top)
    _artifact(ops, start, tags)
    d.content = "\n".join(ops.code)
    d.chars = ops.used()
    return d


def _by_kind(items: list) -> tuple[list[Image], list[Form], list[GlyphRun], list[Rule | Rect]]:
    """A display list's photos, artwork, glyph runs and rules and frames, each in display
    order.  (One pass, by exact type first: a page has some two thousand items, most of
    them runs and line-number markers.)"""
    images: list[Image] = []
    artwork: list[Form] = []
    runs: list[GlyphRun] = []
    shapes: list[Rule | Rect] = []
    for it in items:
        t = type(it)
        if t is GlyphRun:
            runs.append(it)
        elif t is Marker:
            continue
        elif isinstance(it, GlyphRun):
            runs.append(it)
        elif isinstance(it, (Rule, Rect)):
            shapes.append(it)
        elif isinstance(it, Image):
            images.append(it)
        elif isinstance(it, Form):
            artwork.append(it)
    return images, artwork, runs, shapes


def _artifact(ops: Ops, start: int, tags: PageTags | None) -> None:
    """Tagged pages: the operators from `start` on (rules, frames, marks) as an artifact."""
    if tags is not None and len(ops.code) > start:
        ops.code.insert(start, "/Artifact BMC")
        ops.code.append("EMC")


def _photo(it: Image, cmyk: bool) -> bytes:
    """A photo's JPEG bytes, reduced for its frame; a file that the manifest check passed
    but that fails to decode in full (or changed since) is an error naming the photo."""
    try:
        return encoded_image(it.file, it.crop, it.mode, cmyk, (it.w, it.h))
    except PhotoError as e:
        raise RenderError(Problem(e.about(it.id, it.file), str(it.file), hint=e.hint)) from None


@contextmanager
def _binary_streams() -> Iterator[None]:
    """Streams written as binary, not ASCII85 (which only inflates images and fonts by 25 %).
    ReportLab has no canvas option for it: it reads rl_config.useA85 while images are drawn
    and the document is saved, so the setting holds for exactly that and is put back."""
    saved = rl_config.useA85
    rl_config.useA85 = 0
    try:
        yield
    finally:
        rl_config.useA85 = saved


@_binary_streams()
@faster_writing()
def render_pages(drawings: list[PageDrawing], fonts: FontBook, title: str = "", font_level: int = 6,
                 author: str = "", date: str = "", embedded: EmbeddedFonts | None = None,
                 meta: FileMeta | None = None, finish: Callable[[pdfdoc.PDFDocument], None] | None = None
                 ) -> bytes:
    """Drawings as one PDF document; each face embedded once, subset to what the pages use
    and compressed at zlib `font_level` (a page file's: `page_font_level`).
    `embedded`: the caller's registry of embedded faces (else one of its own).  `meta`: a
    finished file's identity (metadata.py: Info, XMP, output intent, version, /ID), for a
    file written as it is (a page file, the edition); without it, a plain document (tests).
    `finish` is given the ReportLab document, with `meta` applied, before it is written:
    what else the file holds (assemble.py: the edition's labels, outline, tags, threads)."""
    if not drawings:
        raise RenderError("no pages to render")
    registry = embedded if embedded is not None else EmbeddedFonts()
    faces = {f.key: registry.get(f) for f in fonts.faces.values()}
    song = fonts.faces.get("song") or next(iter(fonts.faces.values()))
    buf = io.BytesIO()
    first = drawings[0]
    # initialFontName: ReportLab otherwise opens every page with a non-embedded Helvetica
    c = rl_canvas.Canvas(buf, pagesize=(first.width, first.height), invariant=1, pageCompression=1,
                         initialFontName=faces[song.key].fontName, initialFontSize=9)
    c.setTitle(title or first.title)
    c.setAuthor(author)
    c.setCreator("layout")
    c.setProducer("layout")
    if date:  # a PDF date string; ReportLab's invariant mode would write 2000-01-01
        c.setDateFormatter(lambda *_: date)
    doc = c._doc
    for d in drawings:
        c.setPageSize((d.width, d.height))
        if d.cmyk:  # the plate: TrimBox inside the BleedBox inside the marks' space
            o, s = d.bleed + d.slug, d.slug
            c.setTrimBox((o, o, d.width - o, d.height - o))
            c.setBleedBox((s, s, d.width - s, d.height - s))
        for i, (x, y, w, h, data) in enumerate(d.images):
            if d.tags is not None:  # a photo's MCID is its index (marks.PageTags)
                c.addLiteral(f"/Figure <</MCID {i}>> BDC")
            c.drawImage(_JpegReader(data), x, y, w, h)
            if d.tags is not None:
                c.addLiteral("EMC")
        use_forms(c, d.forms)
        for key, chars in d.chars.items():
            faces[key].use(doc, chars, font_level, d.tags is not None)
        c.addLiteral(d.content)
        c.showPage()
        _pack(doc.Pages.pages[-1], d)
        if d.cmyk:
            _overprint_states(doc.Pages.pages[-1], d.content)
    if meta is None:
        c.save()
        return buf.getvalue()
    finish_reportlab(doc, meta)
    if finish is not None:
        finish(doc)
    with eol_before_endstream():
        c.save()
    return stamp_id(buf.getvalue(), meta.profile.mode)


_PDF_BOOL = {True: "true", False: "false"}  # ReportLab writes a str operand as it is


def _overprint_states(page, content: str) -> None:
    """The page's ExtGState resources: the overprint states its content switches to."""
    states, used = {}, set(_OVERPRINT_GS.findall(content))  # (one pass, not a search per state)
    for (stroke, fill), name in OVERPRINT.items():
        if name in used:
            entries = {"Type": pdfdoc.PDFName("ExtGState"), "OP": _PDF_BOOL[stroke], "op": _PDF_BOOL[fill]}
            if stroke or fill:
                entries["OPM"] = 1  # a 0 % component leaves the ink below it (nonzero overprint)
            states[name] = pdfdoc.PDFDictionary(entries)
    if states:
        page.ExtGState = pdfdoc.PDFDictionary(states)


class _JpegReader(ImageReader):
    """A prepared photo (JPEG, imaging.encoded_image) that ReportLab embeds as it is
    (DCTDecode).  canvas.drawImage names an image by a digest of getRGBData(), which would
    decode the whole JPEG every time a page is drawn; the JPEG's own bytes name it as well."""

    def __init__(self, data: bytes):
        super().__init__(io.BytesIO(data))
        self._jpeg = data
        self._dataA = None

    def getRGBData(self):  # noqa: N802 - ReportLab's name
        if getattr(self, "jpeg_fh", None) is None:
            return super().getRGBData()
        return self._jpeg


def _pack(page, d: PageDrawing) -> None:
    """Compress the page's content stream once: a page drawn into its own file and into the
    edition has the same stream, so the edition reuses the bytes the page file made."""
    stream = page.stream.encode("utf-8")  # as ReportLab encodes a str stream
    digest = hashlib.sha256(stream).digest()
    if d.packed is None or d.packed[0] != digest:
        d.packed = (digest, zlib.compress(stream, CONTENT_LEVEL))
        d.scan = scan_content(stream)  # (while the stream is at hand: nobody inflates it again to scan it)
    contents = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Filter": CONTENT_FILTER}), d.packed[1])
    contents.__Comment__ = "page stream"
    page.Contents = contents


def render_page(page: PageDisplay, fonts: FontBook, mode: OutputMode = OutputMode.PRINT, bleed: float = 0.0,
                stamp: str = "") -> bytes:
    """One page as a PDF of its own."""
    embedded = EmbeddedFonts()
    return render_pages([draw_page(page, fonts, mode, bleed, stamp, embedded)], fonts, embedded=embedded)


def _watermark(ops: Ops, page: PageDisplay, fonts: FontBook, stamp: str) -> None:
    """校样 large, light and diagonal across the page; the stamp (the proof round and the
    page's revision id, layout/proof/rounds.py) under it and in the top margin."""
    face = _first_face(page, fonts)
    grey = (0.0, 0.0, 0.0, 0.18)
    ops.label(face, 160, "校样", page.width / 2, page.height / 2, grey, angle=35, align="centre")
    if stamp:
        a = math.radians(35)
        ops.label(face, 14, stamp, page.width / 2 + 40 * math.sin(a), page.height / 2 - 40 * math.cos(a),
                  grey, angle=35, align="centre")
        ops.label(face, 9, stamp, page.width - 12, page.height - 18, (0.0, 0.0, 0.0, 0.6), align="right")


def _proof_marks(ops: Ops, page: PageDisplay, fonts: FontBook, top: float) -> None:
    """Frame outlines with ids, grid line numbers and overset flags, over everything."""
    face = _first_face(page, fonts)
    blue = _cmyk_of(PROOF_BLUE)
    red = _cmyk_of(PROOF_RED)
    add = ops.code.append
    for it in clear_line_numbers(page, ops.faces):  # in gutters and margins, never over type
        ops.label(face, 4, it.text, it.x + it.w - 1, top - it.y - it.h + 4.5, _cmyk_of(PROOF_GREY), align="right")
    _overset_notes(ops, page, face, top, red)
    for it in page.items:
        if not isinstance(it, Marker):
            continue
        if it.kind == "frame":
            add(f"q {ops.stroke(blue)} 0.4 w [2 2] 0 d {pdf_nums(it.x, top - it.y - it.h, it.w, it.h)} re S Q")
            ops.label(face, 6, it.text, it.x + 1, top - it.y - 6, blue)
        elif it.kind == "blank":  # a page left empty on purpose (`blank: true`)
            ops.label(face, 36, it.text, it.x + it.w / 2, top - it.y - it.h / 2, _cmyk_of(PROOF_GREY), align="centre")
        elif it.kind == "empty":  # an empty template slot: grey, with 空 in its middle
            grey = _cmyk_of(PROOF_GREY)
            add(f"q {ops.stroke(grey)} 1 w {pdf_nums(it.x, top - it.y - it.h, it.w, it.h)} re S Q")
            size = max(6.0, min(72.0, it.w / 2, it.h / 2))
            ops.label(face, size, "空", it.x + it.w / 2, top - it.y - it.h / 2 - size * 0.35, grey, align="centre")
            ops.label(face, 6, f"slot {it.text}", it.x + 1, top - it.y - 6, grey)


def _overset_notes(ops: Ops, page: PageDisplay, face: Face, top: float, red) -> None:
    """Each overset frame: a red rule under its bottom and, in the nearer margin, the flag
    and the text left over in small red type, joined to the frame by a hairline (without a
    margin: the flag over the frame's last line, as before)."""
    flags = [(it, *it.text.partition("\n")[::2]) for it in page.items if isinstance(it, Marker) and it.kind == "overset"]
    notes = margin_notes(page, [(m, f"{flag}\n{rest}") for m, flag, rest in flags])
    add = ops.code.append
    for (m, flag, _), note in zip(flags, notes):
        bottom = top - m.y - m.h - 0.75
        add(f"{ops.stroke(red)} 1.5 w {pdf_nums(m.x, bottom)} m {pdf_nums(m.x + m.w, bottom)} l S")
        if note is None:
            ops.label(face, 8, flag, m.x + 2, top - m.y - m.h + 3, red)
            continue
        end = note.x + note.width if note.x < m.x else note.x
        add(f"{ops.stroke(red)} 0.3 w {pdf_nums(note.anchor[0], top - note.anchor[1])} m "
            f"{pdf_nums(end, top - note.y - NOTE_SIZE / 2)} l S")
        for i, text in enumerate(note.lines):
            ops.label(face, NOTE_SIZE, text, note.x, top - note.y - NOTE_SIZE * 0.88 - i * NOTE_LEAD, red)


def _cmyk_of(rgb: tuple[float, float, float]) -> tuple[float, float, float, float]:
    """The CMYK whose naive conversion (_rgb) gives back `rgb`: proof colours are RGB."""
    k = 1 - max(rgb)
    if k >= 1:
        return (0.0, 0.0, 0.0, 1.0)
    return tuple((1 - v - k) / (1 - k) for v in rgb) + (k,)  # type: ignore[return-value]


def _first_face(page: PageDisplay, fonts: FontBook) -> Face:
    keys = {f.key: f for f in fonts.faces.values()}
    for it in page.items:
        if isinstance(it, GlyphRun) and it.face in keys:
            return keys[it.face]
    return fonts.faces.get("song") or next(iter(fonts.faces.values()))
