"""PDF artwork (booked ads, graphics) as Form XObjects of the pages ReportLab writes.

In: Form display items (layout.page.display) while a page is drawn; the PDF files they
name while a document is rendered.  Out: the operators that place each form on the page,
and, in the ReportLab document, one Form XObject per file version: the source page's
content with its resources (fonts, images, colour spaces, nested forms) copied object by
object, streams byte for byte as the file has them.  Nothing is re-encoded, so an ad's
text stays text, its fonts stay its fonts and its colours stay exactly what the agency
sent (print mode never converts vector colour: layout.pdf.adcheck refuses what cannot
print as is).

Why not ReportLab's own forms: ReportLab draws, it does not read PDF.  It does accept an
"externally defined form" (any PDFObject registered under the form's XObject name), so
each imported object is a `_Raw` object: its serialised bytes with the references to the
other imported objects resolved to object numbers when the document is written.  The
objects are registered in the order they are reached from the page's resources, so the
same file gives the same bytes (builds are deterministic).

Archive mode asks for RGB pages (PDF/A-2b with an sRGB output intent): there the content
is converted by layout.pdf.adrgb and the form gets a name of its own.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from pathlib import Path
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc

from layout.errors import Problem, RenderError
from layout.model.pdffile import SKIPPED_KEYS, PdfFileError, open_pdf, placed_box
from layout.page.display import Form

FormUse = tuple[str, str, str, bool]  # (form name, file path, sha256 of its bytes, converted to RGB)


def form_name(sha256: str, rgb: bool) -> str:
    """The XObject name of a file version ("Ad" + its digest): the same ad on several
    pages of a document is one form."""
    return f"Ad{sha256[:24]}{'rgb' if rgb else ''}"


def place_form(it: Form, b: float, top: float, rgb: bool, uses: list[FormUse]) -> str:
    """Operators drawing `it` (display coordinates; `b` the bleed, `top` the flip), and its
    use recorded in `uses` for the document to import."""
    name = form_name(it.sha256, rgb)
    use = (name, str(it.file), it.sha256, rgb)
    if use not in uses:
        uses.append(use)
    x0, y0, x1, y1 = it.box
    sx, sy = it.w / (x1 - x0), it.h / (y1 - y0)
    ex, ey = b + it.x - sx * x0, top - it.y - it.h - sy * y0
    clip = ""
    if it.clip is not None:
        cx, cy, cw, ch = it.clip
        clip = f"{fp_str(b + cx, top - cy - ch, cw, ch)} re W n "
    return f"q {clip}{fp_str(sx, 0, 0, sy, ex, ey)} cm /{pdfdoc.xObjectName(name)} Do Q"


def use_forms(canvas: Any, uses: list[FormUse]) -> None:
    """Import each form the page uses into the canvas's document (once per document) and
    list it in the page's resources."""
    doc = canvas._doc
    for name, file, sha256, rgb in uses:
        if not doc.hasForm(name):
            import_page(doc, name, Path(file), sha256, rgb)
        canvas._formsinuse.append(name)


class _Ref:
    """A reference to an imported object, resolved to its number when the file is written."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


class _Raw(pdfdoc.PDFObject):
    """An object serialised ahead of time: bytes, with references resolved at format time
    (the parts are shared by every document the file is imported into)."""

    __RefOnly__ = 1

    def __init__(self, parts: list[bytes | _Ref]) -> None:
        self.parts = parts

    def format(self, document: Any) -> bytes:
        out = []
        for p in self.parts:
            if isinstance(p, bytes):
                out.append(p)
            else:
                out.append(pdfdoc.PDFObjectReference(p.name).format(document))
        return b"".join(out)


class _Importer:
    """Serialises the objects reachable from one source page, each named `prefix` + its
    number in the source, in the order they are reached."""

    def __init__(self, prefix: str, convert: Any = None):
        self.prefix = prefix
        self.names: dict[int, str] = {}
        self.objects: list[tuple[str, list]] = []
        self.convert = convert  # archive: a function (stream object, data) -> (dict, data) in RGB

    def ser(self, obj: Any, out: list) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

        if isinstance(obj, IndirectObject):
            out.append(_Ref(self.indirect(obj)))
        elif isinstance(obj, StreamObject):
            raise ValueError("a stream that is not an indirect object")
        elif isinstance(obj, DictionaryObject):
            out.append(b"<<")
            for k, v in obj.items():
                if k in SKIPPED_KEYS:
                    continue
                out.append(_leaf(k) + b" ")
                self.ser(v, out)
                out.append(b"\n")
            out.append(b">>")
        elif isinstance(obj, ArrayObject):
            out.append(b"[")
            for i, v in enumerate(obj):
                if i:
                    out.append(b" ")
                self.ser(v, out)
            out.append(b"]")
        else:
            out.append(_leaf(obj))

    def indirect(self, ref: Any) -> str:
        got = self.names.get(ref.idnum)
        if got is not None:
            return got
        name = self.names[ref.idnum] = f"{self.prefix}{ref.idnum}"
        parts: list = []
        self.objects.append((name, parts))  # listed before its parts: cycles resolve by name
        self.body(ref.get_object(), parts)
        return name

    def body(self, obj: Any, out: list) -> None:
        """An indirect object's body; a stream with its stored bytes (or converted for RGB)."""
        from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

        if not isinstance(obj, StreamObject):
            self.ser(obj, out)
            return
        head, data = DictionaryObject(obj), obj._data
        if self.convert is not None:
            head, data = self.convert(obj, head, data)
        head[NameObject("/Length")] = NumberObject(len(data))
        self.ser(head, out)
        out += [b"\nstream\n", data, b"\nendstream"]


def _leaf(obj: Any) -> bytes:
    buf = io.BytesIO()
    obj.write_to_stream(buf)
    return buf.getvalue()


_PREPARED: dict[tuple[str, bool], list[tuple[str, list]]] = {}  # (sha256, rgb) -> objects, the form last
_PREPARED_SIZE = 64


def import_page(doc: Any, name: str, file: Path, sha256: str, rgb: bool) -> None:
    """The first page of `file` as Form XObject `name` of `doc` (its placed box as BBox).
    The serialised objects are kept per file version: a resident process renders the
    edition document on every build, and an ad is read and converted once."""
    key = (sha256, rgb)
    objects = _PREPARED.get(key)
    if objects is None:
        objects = _prepare(name, file, sha256, rgb)
        if len(_PREPARED) >= _PREPARED_SIZE:
            del _PREPARED[next(iter(_PREPARED))]
        _PREPARED[key] = objects
    for oname, parts in objects[:-1]:
        doc.Reference(_Raw(parts), oname)
    doc.Reference(_Raw(objects[-1][1]), pdfdoc.xObjectName(name))


def _prepare(name: str, file: Path, sha256: str, rgb: bool) -> list[tuple[str, list]]:
    from pypdf.generic import DictionaryObject

    try:
        data = file.read_bytes()
    except OSError as e:
        raise RenderError(Problem(f"cannot read {file.name}: {e.strerror or e}", str(file))) from None
    if hashlib.sha256(data).hexdigest() != sha256:
        raise RenderError(Problem(f"{file.name} changed while the edition was built", str(file),
                                  hint="build again"))
    try:
        page = open_pdf(data).pages[0]
        box, _ = placed_box(page)
        contents = page.get_contents()
        content = contents.get_data() if contents is not None else b""
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        convert = None
        if rgb:
            from layout.pdf.adrgb import RgbConverter

            conv = RgbConverter()
            content = conv.content(content, resources)
            convert = conv.stream
        importer = _Importer(f"{name}.", convert)
        form: list = [b"<< /Type /XObject /Subtype /Form /FormType 1 /BBox [" + fp_str(*box).encode()
                      + b"]\n/Resources "]
        importer.ser(resources, form)
        group = page.get("/Group")
        if group is not None:
            form.append(b"\n/Group ")
            importer.ser(group, form)
        packed = zlib.compress(content, 6)
        form += [b"\n/Filter /FlateDecode /Length %d >>\nstream\n" % len(packed), packed, b"\nendstream"]
    except PdfFileError as e:
        raise RenderError(Problem(f"PDF {file.name} {e.message}", str(file), hint=e.hint)) from None
    except RenderError:
        raise
    except Exception as e:  # damage found only now (the file passed the manifest's check)
        raise RenderError(Problem(f"PDF {file.name} cannot be placed: {e}", str(file))) from None
    return importer.objects + [("", form)]
