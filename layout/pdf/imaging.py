"""Photos for the page: orient, crop, reduce, colour-convert and ink-limit with Pillow.

Print pages are CMYK only.  RGB photos are separated here with grey component
replacement (GCR): K takes the grey part, CMY keep the chroma, and the total ink is then
capped at the newsprint limit (ISO 12647-3:2013 with WAN-IFRA's newspaper profile:
220 %), scaling CMY down first.  Greyscale photos stay single-channel (DeviceGray).
This is a documented approximation, not an ICC transform: no newsprint ICC profile can
be shipped under a free licence, so the output intent names the registered condition.

Photos as they were shot (the file was checked when the manifest was loaded, see
layout.model.photos):
* EXIF orientation is applied: the crop box (in upright coordinates, as composed) is
  mapped back onto the stored pixels, and the small result is turned, not the original.
* A photo with more than twice the pixels its frame needs at OUTPUT_PPI is reduced by the
  largest whole factor that keeps it at OUTPUT_PPI or more, before any colour conversion:
  JPEGs are decoded at 1/2, 1/4 or 1/8 scale (Image.draft) and resampled (Lanczos) the
  rest of the way, everything else reduced by block averaging (Image.reduce) straight
  from the decoded pixels, so memory holds the
  decoded file once plus the small result (a 13000 x 13000 RGB PNG: under 1 GB).
  Photos under twice OUTPUT_PPI are used at full resolution, exactly as before.
* 16-bit greyscale is scaled by the format's full range (0-65535 -> 0-255): the
  photographer's exposure is kept, a dark picture is not brightened.  32-bit integer and
  float data have no single conventional range: float is 0.0-1.0 black to white (what
  image editors write), and data reaching above that take the smallest of 0-255 and
  0-65535 that holds their maximum, else their own maximum.  Negative values are black.
* Alpha (and PNG colour-key transparency) is flattened on white; the composer warns when
  some pixel is actually transparent (model.photos.photo_findings).  (A colour key on
  16-bit grey, which no camera or editor writes, is ignored.)
* CIELab is converted to sRGB through littleCMS; palette, bilevel, YCbCr to RGB or grey.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageChops, ImageMath

from layout.model.photos import DEEP_MODES, UPRIGHT, PhotoError, open_image, orientation

TOTAL_INK_LIMIT = 2.20  # 220 %
SEPARATION_LIMIT = 2.14  # separate a little under the limit: JPEG rounding must not cross it
JPEG_QUALITY = 92  # photos go into the PDF as JPEG (DCTDecode): raw CMYK + zlib is both slower and bigger
OUTPUT_PPI = 300.0  # photos are reduced to no less than this (newsprint needs 200, compose.MIN_PPI)
_STRIP_PIXELS = 4_000_000  # modes reduce() cannot take are converted this many source pixels at a time


def gcr_cmyk(rgb: PILImage.Image, limit: float = TOTAL_INK_LIMIT) -> PILImage.Image:
    """RGB -> CMYK with full GCR and a total ink limit (image-wide arithmetic, no Python loops)."""
    r, g, b = rgb.convert("RGB").split()
    c, m, y = (ch.point(_INVERT) for ch in (r, g, b))
    k = ImageChops.darker(ImageChops.darker(c, m), y)  # full GCR: K takes the grey part
    c, m, y = (ImageChops.subtract(ch, k) for ch in (c, m, y))
    lim = float(int(limit * 255))
    # scale CMY where C+M+Y+K exceeds the limit; K alone never does (100 % < 220 %)
    f = ImageMath.lambda_eval(
        lambda a: a["min"]((a["float"](a["k"]) * -1.0 + lim) / a["max"](a["float"](a["c"]) + a["m"] + a["y"], 1.0),
                           1.0), c=c, m=m, y=y, k=k)
    scaled = [ImageMath.lambda_eval(lambda a: a["convert"](a["float"](a["ch"]) * a["f"], "L"), ch=ch, f=f)
              for ch in (c, m, y)]
    return PILImage.merge("CMYK", [*scaled, k])


_INVERT = [255 - v for v in range(256)]


def limit_cmyk(img: PILImage.Image, limit: float = TOTAL_INK_LIMIT) -> PILImage.Image:
    """A CMYK image with total ink above the limit: route it through RGB and GCR."""
    return gcr_cmyk(img.convert("RGB"), limit)


def reduction(crop: tuple[int, int, int, int], width_pt: float, height_pt: float) -> int:
    """The whole factor a photo cropped to `crop` and printed at width x height points is
    reduced by: the largest that keeps OUTPUT_PPI (1 = full resolution)."""
    need_w, need_h = width_pt / 72.0 * OUTPUT_PPI, height_pt / 72.0 * OUTPUT_PPI
    if need_w <= 0 or need_h <= 0:
        return 1
    return max(1, int(min((crop[2] - crop[0]) / need_w, (crop[3] - crop[1]) / need_h)))


def stored_box(crop: tuple[int, int, int, int], o: int, w: int, h: int) -> tuple[int, int, int, int]:
    """A box in upright coordinates as a box in the stored pixels (w x h) of a photo with
    EXIF orientation `o`; turning the stored box by UPRIGHT[o] gives the upright one."""
    l, t, r, b = crop
    corners = [_stored_point(x, y, o, w, h) for x, y in ((l, t), (r, b))]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _stored_point(x: int, y: int, o: int, w: int, h: int) -> tuple[int, int]:
    return {1: (x, y), 2: (w - x, y), 3: (w - x, h - y), 4: (x, h - y), 5: (y, x), 6: (y, h - x),
            7: (w - y, h - x), 8: (w - y, x)}[o]


def prepare_image(file: Path, crop: tuple[int, int, int, int], mode: str, cmyk: bool,
                  factor: int = 1) -> PILImage.Image:
    """The picture as it goes into the PDF: upright, cropped, reduced by `factor`,
    colour-converted (L, RGB or CMYK).  `mode` is the file's mode (a cache key only).
    Raises PhotoError when the file cannot be decoded."""
    try:
        with open_image(file) as im:
            o = orientation(im)
            box = stored_box(crop, o, *im.size)
            if factor > 1 and im.format in ("JPEG", "MPO"):
                pic = _drafted(im, box, factor)
                full = 0.0
            else:
                im.load()
                full = _full_range(im) if im.mode in DEEP_MODES else 0.0
                pic = im.crop(box) if factor == 1 else _reduced(im, box, factor)
    except PhotoError:
        raise
    except MemoryError:
        raise PhotoError("not enough memory to decode the image") from None
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        raise PhotoError(f"the file is truncated or damaged ({e})") from None
    if o in UPRIGHT:
        pic = pic.transpose(UPRIGHT[o])
    return _for_print(pic, cmyk, full)


def _drafted(im: PILImage.Image, box: tuple[int, int, int, int], factor: int) -> PILImage.Image:
    """A JPEG decoded by libjpeg at 1/2, 1/4 or 1/8 scale (no more than `factor`), then
    resampled (Lanczos) to the box reduced by exactly `factor`."""
    w, h = im.size
    im.draft(im.mode, (max(1, w // factor), max(1, h // factor)))
    im.load()
    sx, sy = w / im.size[0], h / im.size[1]
    l, t, r, b = box
    size = (math.ceil((r - l) / factor), math.ceil((b - t) / factor))
    return im.resize(size, PILImage.Resampling.LANCZOS, box=(l / sx, t / sy, r / sx, b / sy), reducing_gap=3.0)


def _reduced(im: PILImage.Image, box: tuple[int, int, int, int], factor: int) -> PILImage.Image:
    """im.reduce(factor, box), for every mode: those reduce() cannot take (bilevel, palette,
    16-bit, colour-keyed) are converted strip by strip, so memory never holds a converted
    copy of the whole file."""
    to = _reducible(im)
    if to is None:
        return im.reduce(factor, box)
    l, t, r, b = box
    step = factor * max(1, _STRIP_PIXELS // (factor * max(1, r - l)))  # source rows, a multiple of factor
    out = PILImage.new(to, (math.ceil((r - l) / factor), math.ceil((b - t) / factor)))
    for y in range(t, b, step):
        out.paste(im.crop((l, y, r, min(b, y + step))).convert(to).reduce(factor), (0, (y - t) // factor))
    return out


def _reducible(im: PILImage.Image) -> str | None:
    """The mode to convert to before reducing, or None when reduce() takes the mode as it is."""
    m = im.mode
    keyed = "transparency" in im.info
    if m == "1":
        return "L"
    if m == "P":
        return "RGBA" if keyed else "RGB"
    if m.startswith("I;16"):
        return "I"
    if keyed and m in ("L", "RGB"):
        return "LA" if m == "L" else "RGBA"  # a colour key must be matched before pixels are averaged
    return None


def _full_range(im: PILImage.Image) -> float:
    """The value printed as white for 16-bit, 32-bit and float greys (module docstring)."""
    if im.mode.startswith("I;16"):
        return 65535.0
    hi = im.getextrema()[1]
    if hi is None or hi != hi:  # NaN  # noqa: PLR0124
        return 1.0
    if im.mode == "F" and hi <= 1.0:
        return 1.0
    for full in (255.0, 65535.0):
        if hi <= full:
            return full
    return float(hi)


def _for_print(pic: PILImage.Image, cmyk: bool, full: float = 0.0) -> PILImage.Image:
    """Any Pillow mode as L, RGB (proof, archive) or ink-limited CMYK (print)."""
    m = pic.mode
    if m in DEEP_MODES:
        k = 255.0 / (full or 65535.0)
        return (pic if m in ("I", "F") else pic.convert("I")).point(lambda v: v * k + 0.5).convert("L")
    if m == "1" or (m == "L" and "transparency" not in pic.info):
        return pic.convert("L")
    if m == "P" or ("transparency" in pic.info and m in ("L", "RGB")):
        pic = pic.convert("LA" if m == "L" else "RGBA" if "transparency" in pic.info else "RGB")
    elif m in ("La", "RGBa", "PA"):
        pic = pic.convert({"La": "LA", "RGBa": "RGBA", "PA": "RGBA"}[m])
    elif m == "LAB":
        from PIL import ImageCms  # imported only for the rare CIELab file

        pic = ImageCms.applyTransform(pic, _lab_to_srgb())
    if pic.mode in ("RGBA", "LA"):  # flattened on white
        bg = PILImage.new(pic.mode[:-1], pic.size, 255 if pic.mode == "LA" else (255, 255, 255))
        bg.paste(pic, mask=pic.split()[-1])
        pic = bg
        if pic.mode == "L":
            return pic
    if cmyk:
        if pic.mode == "CMYK":
            return limit_cmyk(pic, SEPARATION_LIMIT) if max_ink(pic) > SEPARATION_LIMIT else pic
        return gcr_cmyk(pic, SEPARATION_LIMIT)
    return pic.convert("RGB")


@lru_cache(maxsize=1)
def _lab_to_srgb():
    from PIL import ImageCms

    return ImageCms.buildTransform(ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"), "LAB", "RGB")


def encoded_image(file: Path, crop: tuple[int, int, int, int], mode: str, cmyk: bool,
                  size_pt: tuple[float, float] | None = None) -> bytes:
    """The prepared picture as JPEG bytes (CMYK JPEGs are Adobe-inverted, as ReportLab
    expects), reduced for a frame of `size_pt` points.  Kept per file version: `layout
    watch` re-encodes a photo replaced under the same name."""
    factor = reduction(crop, *size_pt) if size_pt else 1
    try:
        st = file.stat()
    except OSError as e:
        raise PhotoError(f"{e.strerror or e}") from None
    return _encoded(file, (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns), crop, mode, cmyk, factor)


@lru_cache(maxsize=32)
def _encoded(file: Path, version: tuple[int, ...], crop: tuple[int, int, int, int], mode: str, cmyk: bool,
             factor: int) -> bytes:
    pic = prepare_image(file, crop, mode, cmyk, factor)
    buf = io.BytesIO()
    pic.save(buf, "JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=False)
    return buf.getvalue()


def max_ink(img: PILImage.Image) -> float:
    """Highest total ink (1.0 = 100 %) of a CMYK image."""
    c, m, y, k = img.convert("CMYK").split()
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
    return total.getextrema()[1] / 255.0
