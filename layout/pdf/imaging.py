"""Photos for the page: crop, colour-convert and ink-limit with Pillow.

Print pages are CMYK only.  RGB photos are separated here with grey component
replacement (GCR): K takes the grey part, CMY keep the chroma, and the total ink is then
capped at the newsprint limit (ISO 12647-3:2013 with WAN-IFRA's newspaper profile:
220 %), scaling CMY down first.  Greyscale photos stay single-channel (DeviceGray).
This is a documented approximation, not an ICC transform: no newsprint ICC profile can
be shipped under a free licence, so the output intent names the registered condition.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image as PILImage
from PIL import ImageChops, ImageMath

TOTAL_INK_LIMIT = 2.20  # 220 %
SEPARATION_LIMIT = 2.14  # separate a little under the limit: JPEG rounding must not cross it
JPEG_QUALITY = 92  # photos go into the PDF as JPEG (DCTDecode): raw CMYK + zlib is 5x slower and bigger


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


@lru_cache(maxsize=32)
def prepare_image(file: Path, crop: tuple[int, int, int, int], mode: str, cmyk: bool,
                  target_px: int | None = None) -> PILImage.Image:
    """The picture as it goes into the PDF: cropped, colour-converted."""
    with PILImage.open(file) as im:
        im.load()
        pic = im.crop(crop)
    if pic.mode in ("1", "L", "LA", "I", "I;16", "F"):
        return pic.convert("L")
    if pic.mode == "P":
        pic = pic.convert("RGBA" if "transparency" in pic.info else "RGB")
    if pic.mode in ("RGBA", "LA"):
        bg = PILImage.new("RGB", pic.size, (255, 255, 255))
        bg.paste(pic, mask=pic.split()[-1])
        pic = bg
    if cmyk:
        if pic.mode == "CMYK":
            return limit_cmyk(pic, SEPARATION_LIMIT) if max_ink(pic) > SEPARATION_LIMIT else pic
        return gcr_cmyk(pic, SEPARATION_LIMIT)
    return pic.convert("RGB")


@lru_cache(maxsize=32)
def encoded_image(file: Path, crop: tuple[int, int, int, int], mode: str, cmyk: bool) -> bytes:
    """The prepared picture as JPEG bytes (CMYK JPEGs are Adobe-inverted, as ReportLab expects)."""
    import io

    pic = prepare_image(file, crop, mode, cmyk)
    buf = io.BytesIO()
    pic.save(buf, "JPEG", quality=JPEG_QUALITY, subsampling=0, optimize=False)
    return buf.getvalue()


def max_ink(img: PILImage.Image) -> float:
    """Highest total ink (1.0 = 100 %) of a CMYK image."""
    c, m, y, k = img.convert("CMYK").split()
    total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
    return total.getextrema()[1] / 255.0
