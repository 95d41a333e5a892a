"""Photos: the picture scaled into its grid lines, its caption and credit below it.

In: a Photo, the rectangle it may take (x, width, first and last grid line), a Placer.
Out: an Image item, caption/credit runs and Findings (low ppi).  Used for page-level
photos (a frame of their own) and in-story photos (the top of some text columns of a
story block).  Images were checked when the manifest was read (layout.model.photos); here
they are only measured, never decoded.
"""

from __future__ import annotations

from layout.errors import Finding, ManifestError, Problem
from layout.model.edition import Page, Photo
from layout.model.pdffile import inspect_pdf
from layout.model.photos import PhotoInfo, photo_findings, photo_info
from layout.page.display import BLACK, Form, GlyphRun, Image
from layout.page.fit import lines_advice, plural
from layout.page.place import Placer
from layout.text.typeset import TextLine, set_block

MIN_PPI = 200.0  # colour/grey images at final size (typesetting.md §4, [PRN1])
MIN_PICTURE_LINES = 2  # grid lines the picture itself takes at least, below its caption's


def compose_photo(placer: Placer, page: Page, photo: Photo, x: float, w: float, first: int, bottom: int
                  ) -> tuple[list, list[Finding]]:
    """The photo in grid lines first..bottom at x, w wide: the picture takes the lines its
    caption and credit leave (at least two), cropped (`cover`) or letterboxed (`contain`)."""
    st, g, fonts = placer.style, placer.grid, placer.fonts
    findings: list[Finding] = []
    cap_role = st.role("caption")
    cap_lines = caption_rows(placer, page, photo, w)
    pic_lines = bottom - first - len(cap_lines)
    if pic_lines < MIN_PICTURE_LINES:
        current = photo.frame.lines if photo.frame is not None else photo.lines
        fit = current + MIN_PICTURE_LINES - pic_lines
        raise ManifestError(Problem.at(
            photo.where, f"photo {photo.id!r} on {page.label}: its caption and credit take "
            f"{plural(len(cap_lines), 'line')} of the {bottom - first} it has, leaving "
            f"{max(pic_lines, 0)} for the picture (at least {MIN_PICTURE_LINES})",
            hint=f"make it {lines_advice(current, fit)}, or shorten the caption",
            key="frame.lines" if photo.frame is not None else "lines"))
    info = photo_info(photo.id, photo.file, photo.where)  # checked at load; size as printed (EXIF turned)
    findings += photo_findings(info, page.label, photo.id)
    top = g.line_y(first) + 2.0
    h = pic_lines * st.leading - 4.0
    if info.format == "PDF":  # a vector graphic (graphics desk): no pixels, no ppi
        items: list = [graphic(photo, x, top, w, h)]
    else:
        items, findings = _picture(page, photo, info, x, top, w, h, findings)
    asc = fonts.metrics(cap_role.face).face.ascent
    for i, row in enumerate(cap_lines):
        base = g.baseline(first + pic_lines + i, cap_role.size, asc)
        for tl, kind in row:
            size = st.role(kind).size
            for r in tl.runs:
                items.append(GlyphRun(x + r.x, base, r.face, size, r.text, r.tc, BLACK, False, photo.id, kind))
    return items, findings


def graphic(photo: Photo, x: float, top: float, w: float, h: float) -> Form:
    """A PDF graphic scaled to fit the picture area (contain: whole, centred) or to fill it
    (cover: centred, clipped to the area)."""
    pdf = inspect_pdf(photo.file)  # checked at load
    fit = max if photo.fit == "cover" else min
    scale = fit(w / pdf.width, h / pdf.height)
    dw, dh = pdf.width * scale, pdf.height * scale
    clip = (x, top, w, h) if photo.fit == "cover" else None
    return Form(x + (w - dw) / 2, top + (h - dh) / 2, dw, dh, photo.file, pdf.sha256, pdf.box, photo.id, clip)


def _picture(page: Page, photo: Photo, info: PhotoInfo, x: float, top: float, w: float, h: float,
             findings: list[Finding]) -> tuple[list, list[Finding]]:
    """A photo's Image item, cropped (cover) or letterboxed (contain), and its ppi finding."""
    src_w, src_h, mode = info.width, info.height, info.mode
    bx, by, bw, bh = x, top, w, h
    if photo.fit == "cover":
        scale = max(bw / src_w, bh / src_h)
        cw, ch = bw / scale, bh / scale
        cx, cy = (src_w - cw) / 2, (src_h - ch) / 2
        left, upper = round(cx), round(cy)  # at least one pixel each way (a 1 x 2 photo in a square frame)
        crop = (left, upper, max(left + 1, round(cx + cw)), max(upper + 1, round(cy + ch)))
    else:
        scale = min(bw / src_w, bh / src_h)
        dw, dh = src_w * scale, src_h * scale
        bx, by, bw, bh = x + (w - dw) / 2, top + (h - dh) / 2, dw, dh
        crop = (0, 0, src_w, src_h)
    ppi = (crop[2] - crop[0]) / (bw / 72.0)
    if ppi < MIN_PPI - 0.5:
        findings.append(Finding("warning", "low-ppi", f"{page.label}/{photo.id}",
                                f"photo {photo.id!r} on {page.label} is {ppi:.0f} ppi at its printed size "
                                f"(newsprint needs {MIN_PPI:.0f})", {"ppi": round(ppi, 1)}))
    return [Image(bx, by, bw, bh, photo.file, crop, mode, round(ppi, 2), photo.id)], findings


def caption_rows(placer: Placer, page: Page, photo: Photo, w: float) -> list[list[tuple[TextLine, str]]]:
    """The grid lines under a picture `w` pt wide: the caption's lines, then the credit.

    House rule: the credit (本报记者 陈亮 摄) is set flush right on the caption's last line
    when at least one em of the caption's size is left between them, on a line of its
    own (aligned as the credit role says: flush right in the bundled styles) only when it
    does not fit there."""
    st, fonts = placer.style, placer.fonts
    rows: list[list[tuple[TextLine, str]]] = []
    cap_role = st.role("caption")
    if photo.caption:
        blk = set_block(photo.caption, cap_role, fonts, w, st, story=photo.id, page=page.label,
                        where=photo.where)
        rows += [[(tl, "caption")] for tl in blk.lines]
    if photo.credit:
        flush = placer.line(photo.credit, "credit", w, photo.id, page.label, align="right")
        left = flush.runs[0].x if flush.runs else w
        if rows and rows[-1][0][0].width + cap_role.size <= left + 1e-6:
            rows[-1].append((flush, "credit"))
        else:  # its own line, aligned as its role says
            rows.append([(placer.line(photo.credit, "credit", w, photo.id, page.label), "credit")])
    return rows
