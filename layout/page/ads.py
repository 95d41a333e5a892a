"""Booked ads on the page: frames placed on the grid, artwork checked against them, drawn at 100 %.

In: an Edition whose ads were read by layout.model.ads, its Style.  Out:
- `place_ads`: the edition with every ad frame a plain Frame (a booked size takes the
  fewest grid lines that hold its height plus AD_CLEARANCE; `bottom: true` ends it on the
  type area's last line), and a problem for every ad whose artwork is not the size of its
  box within TOLERANCE (both sizes in mm), so that the frames are checked for overlap like
  any other (copy flows around an ad because nothing may overlap it);
- `compose_ad`: the display items of one ad: a Form (PDF, vector) or an Image (JPEG,
  TIFF), and the proof marker with its booking id;
- `ad_entries`: what the fit report and the archive sidecar say about each ad.

Why an ad is never scaled: the advertiser paid for a size and approved the artwork at that
size; a wrong size is an error for the ad desk, not something to fix silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from layout.errors import Problem
from layout.model.ads import AD_CLEARANCE, ad_problem
from layout.model.edition import Ad, Edition, Frame, Page, PendingFrame
from layout.model.pdffile import PdfFileError, inspect_pdf, mm
from layout.model.photos import PhotoError, open_image, orientation
from layout.model.styles import Style
from layout.model.units import PT_PER_MM
from layout.page.display import Form, Image, Marker
from layout.page.grid import Grid
from layout.page.place import Placer

TOLERANCE = 0.5 * PT_PER_MM  # artwork vs booked box, each way


@dataclass(frozen=True)
class Artwork:
    """An ad file's size at 100 %, and what the renderer needs to place it."""

    width: float  # pt
    height: float
    box: tuple[float, float, float, float] | None = None  # PDF: the placed box in the page's space
    pixels: tuple[int, int] = (0, 0)  # images: as printed (EXIF turned)
    mode: str = ""  # images: Pillow's mode
    ppi: float = 0.0  # images: resolution at 100 %


def artwork(ad: Ad) -> Artwork:
    """The ad file's size at 100 %; PdfFileError or PhotoError when it cannot be known."""
    if ad.file.suffix.lower() == ".pdf":
        info = inspect_pdf(ad.file)
        return Artwork(info.width, info.height, info.box)
    with open_image(ad.file) as im:
        dpi = im.info.get("dpi") or (0, 0)
        xdpi, ydpi = (float(dpi[0]), float(dpi[1])) if isinstance(dpi, tuple) and len(dpi) == 2 else (0.0, 0.0)
        w, h = im.size
        if orientation(im) >= 5:
            w, h, xdpi, ydpi = h, w, ydpi, xdpi
        if xdpi < 1 or ydpi < 1:
            raise PhotoError("records no resolution (dpi), so its size at 100 % is unknown",
                             "save it with its resolution, e.g. 300 ppi at its booked size", False)
        return Artwork(w / xdpi * 72.0, h / ydpi * 72.0, None, (w, h), im.mode, min(xdpi, ydpi))


def box_size(ad: Ad, grid: Grid) -> tuple[float, float]:
    """The ad's booked box in pt: its span's width by the booked height, or by its lines."""
    height = ad.size.height if ad.size is not None else ad.frame.lines * grid.leading
    return grid.span_width(ad.frame.span), height


def place_ads(edition: Edition, style: Style) -> tuple[Edition, list[Problem]]:
    """Every ad frame placed on the grid and its artwork checked against its box."""
    if not any(p.ads for p in edition.pages):
        return edition, []
    grid = Grid(style)
    problems: list[Problem] = []
    pages = []
    for page in edition.pages:
        ads = []
        for ad in page.ads:
            ad = _placed(ad, style)
            if ad.frame.top < 0:  # taller than the type area: the frame check would call it the masthead
                problems.append(ad_problem(
                    ad, f"the booked size {ad.size.describe() if ad.size else ''} needs {ad.frame.lines} grid lines; "
                    f"the type area has {style.lines}", "check the booking's height", "frame.size"))
                continue
            ads.append(ad)
            problems += _size_problems(ad, grid)
        pages.append(replace(page, ads=tuple(ads)) if page.ads else page)
    return replace(edition, pages=tuple(pages)), problems


def _placed(ad: Ad, style: Style) -> Ad:
    f = ad.frame
    lines = f.lines
    if ad.size is not None:
        lines = max(1, math.ceil((ad.size.height + AD_CLEARANCE) / style.leading - 1e-6))
    top = style.lines - lines if ad.bottom else f.top
    if isinstance(f, PendingFrame) or lines != f.lines or top != f.top:
        return replace(ad, frame=Frame(f.col, f.span, top, lines))
    return ad


def _size_problems(ad: Ad, grid: Grid) -> list[Problem]:
    try:
        art = artwork(ad)
    except (PdfFileError, PhotoError) as e:
        return [ad_problem(ad, e.message, e.hint, "file")]
    bw, bh = box_size(ad, grid)
    if abs(art.width - bw) <= TOLERANCE and abs(art.height - bh) <= TOLERANCE:
        return []
    booked = ad.size.describe() if ad.size is not None else f"span {ad.frame.span}, {ad.frame.lines} lines"
    return [ad_problem(
        ad, f"the artwork is {mm(art.width)} × {mm(art.height)} mm but its frame ({booked}) is "
        f"{mm(bw)} × {mm(bh)} mm (ads are placed at 100 %, within ±0.5 mm)",
        f"ask for artwork of {mm(bw)} × {mm(bh)} mm, or correct the booking to the artwork's size", "frame")]


def ad_area(ad: Ad, grid: Grid, art: Artwork) -> tuple[float, float, float, float]:
    """Where the artwork goes (x, top, w, h): centred across its box, on the frame's foot."""
    bw, _ = box_size(ad, grid)
    x = grid.col_x(ad.frame.col) + (bw - art.width) / 2
    return x, grid.line_y(ad.frame.bottom) - art.height, art.width, art.height


def compose_ad(placer: Placer, page: Page, ad: Ad) -> list:
    """The ad's artwork at 100 % and, for proofs, its frame marked with the booking id."""
    grid = placer.grid
    art = artwork(ad)  # checked by place_ads
    x, y, w, h = ad_area(ad, grid, art)
    items: list = []
    if art.box is not None:
        items.append(Form(x, y, w, h, ad.file, ad.sha256, art.box, ad.id))
    else:
        px, py = art.pixels
        items.append(Image(x, y, w, h, ad.file, (0, 0, px, py), art.mode, round(art.ppi, 2), ad.id))
    area = grid.frame_area(ad.frame)
    items.append(Marker(area.x, area.y, area.w, area.h, "frame", f"广告 {ad.id} 订单 {ad.booking}"))
    return items


def ad_entries(edition: Edition, style: Style | None = None) -> list[dict]:
    """Each ad as the fit report and the sidecar list it (page, booking, frame, size, file)."""
    grid = Grid(style) if style is not None else None
    out = []
    for page in edition.pages:
        for ad in page.ads:
            entry = {"page": page.label, "id": ad.id, "booking": ad.booking, "advertiser": ad.advertiser,
                     "file": ad.file.name, "file_sha256": ad.sha256,
                     "frame": {"col": ad.frame.col, "span": ad.frame.span, "top": ad.frame.top,
                               "lines": ad.frame.lines},
                     "booked_size": ad.size.describe() if ad.size is not None else ""}
            if grid is not None:
                bw, bh = box_size(ad, grid)
                entry["size_mm"] = [round(bw * 25.4 / 72, 1), round(bh * 25.4 / 72, 1)]
            out.append(entry)
    return out
