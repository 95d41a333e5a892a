"""The new proof page with what changed drawn over it, for each changed page of a diff.

In: an `EditionDiff` (its highlights, in points from the trim's top left, y down) and the
new round's page PDFs in its output folder.  Out: label -> PDF bytes: the page as the
proofreader received it, with changed words highlighted (yellow), lines that only re-broke
tinted (blue), deletions marked with a red caret and their text in the margin, moved or
resized frames outlined (orange, the old position named), replaced photos flagged
(magenta), and a head line in the top margin naming the two rounds.

Why an overlay on the page PDF and not a new drawing: the proofreader compares against
the very page they hold; the page PDF is reused as it is (pypdf), with one more content
layer merged onto it (ReportLab).  When the folder no longer holds that round's page (a
later build replaced it: its sha256 in the record differs), the marks are drawn on a blank
page of the same size, saying so, rather than on the wrong page.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from pathlib import Path

from layout.proof.diff import EditionDiff, Highlight, PageDiff, Status
from layout.proof.revision import PageRevision

# kind -> (fill RGB or None, fill alpha, stroke RGB or None, dashed)
STYLE = {
    "insert": ((1.0, 0.85, 0.0), 0.45, None, False),
    "replace": ((1.0, 0.85, 0.0), 0.45, None, False),
    "headline": ((1.0, 0.85, 0.0), 0.35, None, False),
    "caption": ((1.0, 0.85, 0.0), 0.45, None, False),
    "jump": ((1.0, 0.85, 0.0), 0.45, None, False),
    "added": ((0.3, 0.85, 0.3), 0.30, None, False),
    "reflow": ((0.35, 0.6, 1.0), 0.18, None, False),
    "delete": ((0.9, 0.0, 0.0), 0.9, None, False),
    "frame": (None, 0.0, (1.0, 0.5, 0.0), True),
    "picture": (None, 0.0, (0.85, 0.0, 0.85), False),
    "removed": (None, 0.0, (0.9, 0.0, 0.0), True),
}
RED = (0.85, 0.05, 0.05)
NOTE = 6.0  # pt: margin notes


@lru_cache(maxsize=1)
def _font() -> str:
    """A CJK face for the notes, registered with ReportLab once (the bundled Hei)."""
    import yaml
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from layout import paths

    catalogue = paths.fonts_dir() / "fonts.yaml"  # (only a file name is needed: not the whole FontBook)
    faces = {f["role"]: f["file"] for f in yaml.safe_load(catalogue.read_text(encoding="utf-8"))["faces"]}
    file = faces.get("hei") or next(iter(faces.values()))
    pdfmetrics.registerFont(TTFont("LayoutDiffNote", str(catalogue.parent / file)))
    return "LayoutDiffNote"


def _page_pdf(folder: Path | None, page: PageRevision) -> bytes | None:
    """The round's own page PDF, if the folder still holds it."""
    if folder is None or not page.file:
        return None
    try:
        data = (folder / page.file).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == page.pdf_sha256 else None


def highlighted_pages(d: EditionDiff) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for p in d.pages:
        page = d.new.page(p.label)
        if page is None or p.status not in (Status.CHANGED, Status.ADDED):
            continue
        out[p.label] = highlighted_page(d, p, page)
    return out


def highlighted_page(d: EditionDiff, p: PageDiff, page: PageRevision) -> bytes:
    from pypdf import PdfReader, PdfWriter

    original = _page_pdf(d.new.folder, page)
    writer = PdfWriter(clone_from=io.BytesIO(original)) if original is not None else PdfWriter()
    if original is not None:
        base = writer.pages[0]
        trim = base.trimbox
        ox, oy = float(trim.left), float(trim.bottom)
        size = (float(base.mediabox.width), float(base.mediabox.height))
    else:
        base, ox, oy, size = None, 0.0, 0.0, (page.width, page.height)
    head = f"{d.old.name} → {d.new.name} · {p.label} · {p.status}"
    if original is None:
        head += " (this round's page PDF is no longer in the folder: the marks alone)"
    layer = PdfReader(io.BytesIO(_marks(p, page, size, ox, oy, head))).pages[0]
    if base is None:
        writer.add_page(layer)
    else:
        base.merge_page(layer)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _margins(page: PageRevision) -> tuple[float, float]:
    """Left and right margin widths: outside every frame."""
    if not page.frames:
        return (36.0, 36.0)
    left = min(f.x for f in page.frames)
    right = page.width - max(f.x + f.w for f in page.frames)
    return (max(left, 0.0), max(right, 0.0))


def _wrap(text: str, chars: int, lines: int) -> list[str]:
    text = text.replace("\n", " ")
    out = [text[i:i + chars] for i in range(0, len(text), chars)] or [""]
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][:-1] + "…"
    return out


def _marks(p: PageDiff, page: PageRevision, size: tuple[float, float], ox: float, oy: float, head: str) -> bytes:
    from reportlab.pdfgen import canvas as rl_canvas

    font = _font()
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, pagesize=size, invariant=1)
    top = oy + page.height

    def rect(h: Highlight) -> tuple[float, float, float, float]:
        return (ox + h.x, top - h.y - h.h, h.w, h.h)

    for h in p.highlights:
        fill, alpha, stroke, dashed = STYLE.get(h.kind, STYLE["replace"])
        x, y, w, hh = rect(h)
        c.saveState()
        if fill is not None:
            c.setFillColorRGB(*fill, alpha=alpha)
            c.rect(x, y, w, hh, stroke=0, fill=1)
        if stroke is not None:
            c.setStrokeColorRGB(*stroke)
            c.setLineWidth(1.2)
            if dashed:
                c.setDash(4, 2)
            c.rect(x, y, w, hh, stroke=1, fill=0)
            if h.note:
                c.setFillColorRGB(*stroke)
                c.setFont(font, NOTE)
                c.drawString(x + 2, y + hh + 1.5, h.note[:80])
        c.restoreState()
    _margin_notes(c, p, page, ox, top, font)
    c.setFillColorRGB(*RED)
    c.setFont(font, 8)
    c.drawString(ox + 12, top - 12, head)
    c.showPage()
    c.save()
    return buf.getvalue()


def _margin_notes(c, p: PageDiff, page: PageRevision, ox: float, top: float, font: str) -> None:
    """Each deletion's text in the nearer margin, level with its caret (stacked downwards
    when two would overlap), joined to it by a hairline."""
    left_w, right_w = _margins(page)
    cursor = {"left": 0.0, "right": 0.0}
    dels = sorted((h for h in p.highlights if h.kind == "delete"), key=lambda h: (h.y, h.x))
    for h in dels:
        side = "left" if h.x < page.width / 2 else "right"
        room = (left_w if side == "left" else right_w) - 6
        chars = max(3, int(room // NOTE))
        lines = _wrap(f"删：{h.note}", chars, 6)
        y = max(h.y, cursor[side])
        cursor[side] = y + len(lines) * (NOTE + 1) + 2
        x = ox + 3 if side == "left" else ox + page.width - right_w + 3
        c.saveState()
        c.setStrokeColorRGB(*RED)
        c.setLineWidth(0.3)
        anchor = ox + h.x + (0 if side == "left" else h.w)
        c.line(anchor, top - h.y - h.h / 2, x if side == "right" else x + room, top - y - NOTE / 2)
        c.setFillColorRGB(*RED)
        c.setFont(font, NOTE)
        for i, text in enumerate(lines):
            c.drawString(x, top - y - NOTE - i * (NOTE + 1) + 1, text)
        c.restoreState()
