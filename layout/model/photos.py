"""Photo files as the manifest names them: opened, measured and checked at load time.

In: the path of a photo file.  Out: a `PhotoInfo` (its size as printed, after the EXIF
orientation, its colour mode, whether it has transparent areas), or a problem naming the
photo id, the file and the manifest line of the photo's entry.

Why at load time: a photo that cannot be printed (damaged, truncated, too many pixels, a
colour mode with no print conversion) is a mistake in the edition's files, like a missing
body text; `layout build`, `layout check` and `layout watch` all load the manifest first,
so all three report it the same way, as a ManifestError, before any page is composed.

The checks cost little: the header gives the size and mode (Pillow opens lazily); a
JPEG is decoded at 1/8 scale (libjpeg still reads every entropy-coded byte, so a truncated
file fails, at a fraction of a full decode's cost); a PNG's chunks are read and
their CRCs checked (`Image.verify`), then its compressed pixels inflated a megabyte at a
time, without unfiltering or keeping them; a PNG with an alpha channel is decoded once, to
know whether the alpha actually makes anything transparent; other formats (TIFF) are
decoded in full.  Results are kept per
file version (path, size, mtime, inode, ctime), so `layout watch` checks a photo again only
when it changes.

Pixel limit: MAX_PIXELS (200 megapixels; a whole broadsheet page at 300 ppi needs about
30).  Decoding takes up to 4 bytes a pixel, so the limit also bounds a photo's memory at
render time (800 MB).  Pillow's own decompression-bomb guard is set to the same number and
its warning and error are turned into the same problem, never a traceback.
"""

from __future__ import annotations

import re
import struct
import warnings
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from layout.errors import Finding, ManifestError, Problem
from layout.model.edition import Where
from layout.model.filememo import FileMemo
from layout.model.pdffile import PdfFileError, inspect_pdf

MAX_PIXELS = 200_000_000  # README "Rules the loader enforces"; a broadsheet page at 300 ppi is ~30 MP
PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's guard agrees with ours (else it raises from 179 MP)

# Colour modes Pillow reads that imaging.prepare_image converts for print (all of them:
# bilevel, grey, grey 16-bit and 32-bit, float, palette, RGB, CMYK, YCbCr, CIELab, with
# or without alpha).  A mode outside this set is reported, not guessed at.
PRINTABLE_MODES = frozenset({"1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr",
                             "LAB", "HSV", "I", "I;16", "I;16L", "I;16B", "I;16N", "F"})
ALPHA_MODES = frozenset({"LA", "La", "PA", "RGBA", "RGBa"})
DEEP_MODES = frozenset({"I", "I;16", "I;16L", "I;16B", "I;16N", "F"})  # more than 8 bits: scaled to 8
# EXIF orientation -> the transpose that makes the stored pixels upright (ImageOps.exif_transpose)
UPRIGHT = {2: PILImage.Transpose.FLIP_LEFT_RIGHT, 3: PILImage.Transpose.ROTATE_180,
           4: PILImage.Transpose.FLIP_TOP_BOTTOM, 5: PILImage.Transpose.TRANSPOSE,
           6: PILImage.Transpose.ROTATE_270, 7: PILImage.Transpose.TRANSVERSE, 8: PILImage.Transpose.ROTATE_90}
_ORIENTATION_TAG = 0x0112
_READ_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error, zlib.error, IndexError, TypeError)
HINT = "use an RGB, CMYK or greyscale JPEG, PNG or TIFF"


class PhotoError(Exception):
    """A photo file that cannot be printed: what is wrong and what to do (no photo id:
    the callers know which entry named the file)."""

    def __init__(self, message: str, hint: str = HINT, unreadable: bool = True):
        super().__init__(message)
        self.message = message  # after "cannot read image NAME: ", or after "image NAME " when readable
        self.hint = hint
        self.unreadable = unreadable

    def about(self, pid: str, file: Path) -> str:
        """The message naming the photo and its file."""
        lead = f"cannot read image {file.name}: " if self.unreadable else f"image {file.name} "
        return f"photo {pid!r}: {lead}{self.message}"


@dataclass(frozen=True)
class PhotoInfo:
    """What a photo file's header says (read without decoding the pixels): its size and kind."""

    width: int  # pixels as printed: after the EXIF orientation
    height: int
    mode: str  # Pillow's mode of the file (RGB, CMYK, L, I;16, F, RGBA ...)
    format: str  # JPEG, PNG, TIFF ...
    orientation: int = 1  # EXIF orientation, 1 = stored upright
    transparent: bool = False  # an alpha channel (or colour key) that makes some pixel see-through


@contextmanager
def open_image(file: Path) -> Iterator[PILImage.Image]:
    """Pillow's Image.open with every failure as a PhotoError; the pixel limit is checked
    from the header, before anything is decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)  # checked just below
            im = PILImage.open(file)
    except PILImage.DecompressionBombError as e:  # more than twice MAX_PIXELS
        m = re.search(r"\((\d+) pixels\)", str(e))
        raise PhotoError(_too_many(int(m.group(1)) if m else 0), _TOO_MANY_HINT, False) from None
    except UnidentifiedImageError:
        raise PhotoError("not an image file Pillow can read") from None
    except _READ_ERRORS as e:
        raise PhotoError(f"{getattr(e, 'strerror', None) or e}") from None
    with im:
        w, h = im.size
        if w < 1 or h < 1:
            raise PhotoError(f"is empty ({w} × {h} pixels)", unreadable=False)
        if w * h > MAX_PIXELS:
            raise PhotoError(_too_many(w * h, w, h), _TOO_MANY_HINT, False)
        yield im


_TOO_MANY_HINT = "scale it down: a whole broadsheet page at 300 ppi needs about 30 megapixels"


def _too_many(pixels: int, w: int = 0, h: int = 0) -> str:
    size = f"{w} × {h}, " if w else ""
    return f"has too many pixels ({size}{pixels / 1e6:.0f} megapixels; the limit is {MAX_PIXELS // 10**6})"


def orientation(im: PILImage.Image) -> int:
    """EXIF orientation (1-8) still to apply to the pixels Pillow decodes.  Pillow turns a
    TIFF itself (its size is upright from the header, its pixels once loaded): 1.  PNG's
    own getexif() decodes the whole image when the eXIf chunk is not before the pixels;
    the base class reads only what the header gave (eXIf, ImageMagick's raw profile, XMP)."""
    if im.format == "TIFF":
        return 1
    try:
        exif = PILImage.Image.getexif(im) if im.format == "PNG" else im.getexif()
        o = exif.get(_ORIENTATION_TAG, 1)
    except _READ_ERRORS + (KeyError, AttributeError):
        return 1  # unreadable EXIF: as stored (the pixels themselves are checked separately)
    return o if isinstance(o, int) and o in UPRIGHT else 1


def _decode_check(im: PILImage.Image) -> bool:
    """Check that the pixels decode (see the module docstring); True when an alpha channel
    or colour key makes some pixel transparent."""
    if im.mode in ALPHA_MODES or ("transparency" in im.info and im.mode in ("P", "L", "RGB")):
        im.load()
        return _transparent(im)
    if im.format in ("JPEG", "MPO"):
        w, h = im.size
        im.draft(im.mode, (max(1, w // 8), max(1, h // 8)))
        im.load()
    elif im.format == "PNG":
        im.verify()  # chunk structure and CRCs
        _png_pixels_inflate(im.filename)
    else:
        im.load()
    return False


_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # PNG colour type -> samples per pixel
_ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def _png_pixels_inflate(file: str | Path) -> None:
    """The PNG's compressed pixels inflate to as many bytes as its header promises, a
    megabyte at a time (nothing the size of the picture is held).  CRCs catch damage to
    the chunks; this catches what they cannot: pixel data that stops short or does not
    inflate (a bad encoder, a file cut and patched)."""
    with open(file, "rb") as f:
        f.seek(8)
        length, kind = struct.unpack(">I4s", f.read(8))
        w, h, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", f.read(13))
        bpp = _CHANNELS.get(colour, 1) * depth
        passes = _ADAM7 if interlace else ((0, 0, 1, 1),)
        expected = 0
        for x0, y0, dx, dy in passes:
            cols, rows = -(-(w - x0) // dx) if w > x0 else 0, -(-(h - y0) // dy) if h > y0 else 0
            if cols and rows:
                expected += rows * (1 + -(-cols * bpp // 8))
        f.seek(8 + 8 + length + 4)
        inflate, got = zlib.decompressobj(), 0
        while got < expected:
            head = f.read(8)
            if len(head) < 8:
                break
            length, kind = struct.unpack(">I4s", head)
            if kind == b"IEND":
                break
            if kind != b"IDAT":
                f.seek(length + 4, 1)
                continue
            data = f.read(length)
            f.seek(4, 1)
            while data and got < expected:
                got += len(inflate.decompress(data, 1 << 20))
                data = inflate.unconsumed_tail
    if got < expected:
        raise OSError(f"the pixel data ends after {got} of {expected} bytes")


def _transparent(im: PILImage.Image) -> bool:
    if im.mode in ALPHA_MODES:
        return im.getextrema()[-1][0] < 255
    key = im.info["transparency"]
    if im.mode == "P":  # an index, or one alpha byte per palette entry
        used = [i for _, i in im.getcolors(256) or []]
        return key in used if isinstance(key, int) else any(i < len(key) and key[i] < 255 for i in used)
    return im.convert("LA" if im.mode == "L" else "RGBA").getextrema()[-1][0] < 255


_MEMO: FileMemo[PhotoInfo] = FileMemo(512, PhotoError)


def inspect(file: Path) -> PhotoInfo:
    """Size, mode and orientation of a photo file, after checking that it can be printed;
    raises PhotoError.  Kept per file version."""
    return _MEMO.get(file, _inspect, "cannot read the file")


def _inspect(file: Path) -> PhotoInfo | PhotoError:
    if file.suffix.lower() == ".pdf":  # a vector graphic: its size in pt stands for pixels (aspect ratio)
        try:
            pdf = inspect_pdf(file)
        except PdfFileError as e:
            return PhotoError(e.message, e.hint, False)
        return PhotoInfo(pdf.width, pdf.height, "PDF", "PDF")  # type: ignore[arg-type]
    try:
        with open_image(file) as im:
            w, h, mode, fmt = *im.size, im.mode, im.format or "?"
            if mode not in PRINTABLE_MODES:
                return PhotoError(f"has colour mode {mode}, which has no print conversion",
                                  "save it as RGB, CMYK or greyscale", False)
            o = orientation(im)
            try:
                transparent = _decode_check(im)
            except MemoryError:
                return PhotoError("not enough memory to decode the image", _TOO_MANY_HINT)
            except _READ_ERRORS as e:
                return PhotoError(f"the file is truncated or damaged ({e})",
                                  "export or copy the photo again from the original")
    except PhotoError as e:
        return e
    if o >= 5:  # 5-8 turn the picture a quarter
        w, h = h, w
    return PhotoInfo(w, h, mode, fmt, o, transparent)


def problems(pid: str, file: Path, where: Where) -> list[Problem]:
    """The manifest's check of one photo entry: nothing, or one problem at the entry."""
    try:
        inspect(file)
    except PhotoError as e:
        return [_problem(pid, file, where, e)]
    return []


def photo_info(pid: str, file: Path, where: Where) -> PhotoInfo:
    """PhotoInfo for composing a page; a file that changed since the manifest was loaded
    and can no longer be printed is the same ManifestError the loader gives."""
    try:
        return inspect(file)
    except PhotoError as e:
        raise ManifestError(_problem(pid, file, where, e)) from None


def _problem(pid: str, file: Path, where: Where, e: PhotoError) -> Problem:
    return Problem(e.about(pid, file), where.file, where.line, where.column, f"{where.path}.file", e.hint)


def photo_findings(info: PhotoInfo, page: str, pid: str) -> list[Finding]:
    """Warnings about how a photo will print (its transparency flattened on white)."""
    if not info.transparent:
        return []
    return [Finding("warning", "photo-alpha", f"{page}/{pid}",
                    f"photo {pid!r} on {page} has transparent areas: printed flattened on white "
                    f"(newsprint has no transparency)", {"photo": pid})]
