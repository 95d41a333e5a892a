"""Placed PDF artwork in RGB for the archive (PDF/A-2b with an sRGB output intent).

In: an ad's or graphic's content stream and the streams its resources reach, as
layout.pdf.adform imports them.  Out: the same content with DeviceCMYK colour as
DeviceRGB, by the same arithmetic the archive uses for everything else on the page
(draw._rgb: R = (1 - C)(1 - K) ...), CMYK images decoded and stored as RGB.

Why: PDF/A allows a device colour space only when it matches the output intent, and the
archive's intent is sRGB (what readers of an archive see); the page's own text and photos
are RGB there already.  What this cannot convert (ICC-based CMYK, separations, shadings
in CMYK, CMYK inline images) is named by `archive_blockers`, and the build warns which ad
keeps the archive from being PDF/A (layout.pdf.adcheck).
"""

from __future__ import annotations

import zlib
from typing import Any

_CMYK = "/DeviceCMYK"


def _rgb(c: float, m: float, y: float, k: float) -> list[float]:
    return [round((1 - c) * (1 - k), 4), round((1 - m) * (1 - k), 4), round((1 - y) * (1 - k), 4)]


class RgbConverter:
    """Rewrites content streams and CMYK images of one imported page."""

    def content(self, data: bytes, resources: Any) -> bytes:
        """A content stream with k/K, and sc/scn in DeviceCMYK, as RGB operators."""
        from pypdf.generic import ContentStream, FloatObject, NameObject

        cs = ContentStream(None, None)
        cs.set_data(data)
        out = []
        space = {"f": "", "s": ""}
        stack = []
        for operands, op in cs.operations:
            o = op.decode("latin-1") if isinstance(op, bytes) else str(op)
            if o == "q":
                stack.append(dict(space))
            elif o == "Q" and stack:
                space = stack.pop()
            if o in ("k", "K") and len(operands) == 4:
                operands = [FloatObject(v) for v in _rgb(*(float(v) for v in operands))]
                op = b"rg" if o == "k" else b"RG"
            elif o in ("cs", "CS") and operands:
                which = "f" if o == "cs" else "s"
                space[which] = str(operands[0])
                if str(operands[0]) == _CMYK:
                    operands = [NameObject("/DeviceRGB")]
            elif o in ("sc", "scn", "SC", "SCN") and len(operands) == 4:
                if space["f" if o in ("sc", "scn") else "s"] == _CMYK:
                    operands = [FloatObject(v) for v in _rgb(*(float(v) for v in operands))]
            out.append((operands, op))
        cs.operations = out
        return cs.get_data()

    def stream(self, obj: Any, head: Any, data: bytes) -> tuple[Any, bytes]:
        """An imported stream as stored in the archive: forms' content and CMYK images in RGB."""
        from pypdf.generic import NameObject

        kind = head.get("/Subtype")
        if kind == "/Form":
            res = obj.get("/Resources")
            data = zlib.compress(self.content(obj.get_data(), res), 6)
            return _flate(head), data
        if kind == "/Image" and str(head.get("/ColorSpace")) == _CMYK:
            from layout.pdf.preflight import _cmyk_image

            img = _cmyk_image(obj).convert("CMYK")
            from PIL import Image as PILImage
            from PIL import ImageChops

            c, m, y, k = img.split()
            inv = ImageChops.invert
            rgb = PILImage.merge("RGB", [ImageChops.multiply(inv(c), inv(k)), ImageChops.multiply(inv(m), inv(k)),
                                         ImageChops.multiply(inv(y), inv(k))])
            head = _flate(head)
            head[NameObject("/ColorSpace")] = NameObject("/DeviceRGB")
            for key in ("/Decode", "/DecodeParms"):
                head.pop(key, None)
            return head, zlib.compress(rgb.tobytes(), 6)
        return head, data


def _flate(head: Any) -> Any:
    from pypdf.generic import NameObject

    head[NameObject("/Filter")] = NameObject("/FlateDecode")
    head.pop("/DecodeParms", None)
    return head


def archive_blockers(data: bytes) -> list[str]:
    """What in a PDF the archive conversion leaves in CMYK (each named once)."""
    from pypdf.generic import ArrayObject, DictionaryObject

    from layout.model.pdffile import objects, open_pdf

    page = open_pdf(data).pages[0]
    found: list[str] = []
    for o in objects(page.get("/Resources")):
        if isinstance(o, ArrayObject) and o and str(o[0]) in ("/ICCBased", "/Separation", "/DeviceN"):
            what = {"/ICCBased": "an ICC-based colour space", "/Separation": "a spot colour",
                    "/DeviceN": "a DeviceN colour space"}[str(o[0])]
            if what not in found:
                found.append(what)
        if isinstance(o, DictionaryObject) and "/ShadingType" in o:  # (streams are dictionaries)
            if str(o.get("/ColorSpace")) == _CMYK and "a CMYK shading" not in found:
                found.append("a CMYK shading")
    return found
