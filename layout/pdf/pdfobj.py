"""Indirect objects added to a ReportLab document as ready-made bytes (the edition's navigation).

In: a ReportLab document (pdfdoc.PDFDocument) before it is saved.  Out: objects registered
in it whose text is made here: `Raw` holds an object's bytes, `register` gives its
reference as written ("12 0 R"), `text` a PDF text string, `number` a number as ReportLab
writes it.

Why: the edition's outline, structure tree and article threads (assemble.py, tagging.py,
threads.py) are some three thousand small dictionaries.  ReportLab's PDFDictionary would
format each key and value through its chain of type tests and sort the keys; these are
written once, as bytes, with the object numbers ReportLab gives them when they are
registered (ReportLab numbers an object when it is registered, not when it is written),
so adding them costs a few milliseconds and the document is still written in one pass.
"""

from __future__ import annotations

import codecs

from reportlab.pdfbase import pdfdoc

from layout.fonts.pdfwrite import PDF_NUM

_ESCAPES = str.maketrans({"\\": "\\\\", "(": "\\(", ")": "\\)"})


class Raw(pdfdoc.PDFObject):
    """An indirect object written exactly as `data` (set any time before the document is saved)."""

    __RefOnly__ = 1  # never written inside another object: always referred to

    def __init__(self, data: bytes = b""):
        self.data = data

    def format(self, document) -> bytes:
        return self.data


def register(doc, obj: pdfdoc.PDFObject) -> bytes:
    """`obj` as an indirect object of `doc` (once: an object registered before keeps its
    number, as a page does) and the reference to it as written."""
    return b"%d 0 R" % doc.idToObjectNumberAndVersion[doc.Reference(obj).name][0]


def page_refs(doc) -> list[bytes]:
    """The references to the document's pages, in order."""
    return [register(doc, p) for p in doc.Pages.pages]


def text(s: str) -> bytes:
    """A PDF text string: printable ASCII as a literal string, anything else as UTF-16BE with
    its byte-order mark, in hex (one readable form for CJK, no octal escapes)."""
    if s.isascii() and s.isprintable():
        return b"(" + s.translate(_ESCAPES).encode("ascii") + b")"
    return b"<" + (codecs.BOM_UTF16_BE + s.encode("utf-16-be")).hex().encode("ascii") + b">"


def name(s: str) -> bytes:
    """A PDF name (`s` without its slash)."""
    return pdfdoc.PDFName(s).encode("ascii")


def number(v: float) -> bytes:
    """A number as ReportLab's fp_str writes it."""
    return PDF_NUM[v].encode("ascii")


def array(items: list[bytes]) -> bytes:
    return b"[ " + b" ".join(items) + b" ]"
