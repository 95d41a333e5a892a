"""ReportLab's PDF writer with three of its helpers made faster, byte for byte the same.

Why: writing a document, ReportLab formats every value (some 500 a page file: names,
numbers, references) through a chain of type tests, numbers through `fp_str`'s printf,
and encodes every piece of text through its own `extpdfdoc` codec, a Python call into a
charmap for what is nearly always plain ASCII; and it spells each dictionary key as a PDF
name character by character in Python, though a page file uses the same thirty names
again and again.  Together about a tenth of the time a page file takes.

`faster_writing()` swaps in, while a document is written, a `format` that writes text,
bytes and numbers at once (numbers: fonts/pdfwrite.py) and hands everything else to
ReportLab's; an encoder that takes the ASCII shortcut where the codec gives the same bytes
(every ASCII character but 0x18-0x1F, which PDFDocEncoding uses for accents); and a memo
of names.  All three are put back after, whatever happens (tests/test_pdfwrite.py).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

from reportlab.pdfbase import pdfdoc

from layout.fonts.pdfwrite import PDF_NUM

_FORMAT = pdfdoc.format
_ENCODE = pdfdoc.pdfdocEnc
_NAME = pdfdoc.PDFName
_NOT_PLAIN = re.compile("[\x18-\x1f]")  # the ASCII codes PDFDocEncoding maps elsewhere
_NAMES: dict[str, str] = {}  # key -> PDF name (a few dozen distinct keys)


def pdfdoc_encoded(x):
    """`pdfdoc.pdfdocEnc(x)`: ASCII text as it is (what the codec gives it), the rest as before."""
    if type(x) is str and x.isascii() and not _NOT_PLAIN.search(x):
        return x.encode("ascii")
    return _ENCODE(x)


def pdf_format(element, document, toplevel: int = 0) -> bytes:
    """`pdfdoc.format(element, document, toplevel)`: plain text, bytes and numbers written
    here (as ReportLab writes them: exact types only), PDF objects and the rest by ReportLab."""
    t = type(element)
    if t is str:
        return pdfdoc_encoded(element)
    if t is bytes:
        return element
    if t is int or t is float:
        return PDF_NUM[element].encode("ascii")
    return _FORMAT(element, document, toplevel)


def pdf_name(data: str, *bounds: str) -> str:
    """`pdfdoc.PDFName(data)`, remembered (names are few; bounds other than the default: as before)."""
    if bounds:
        return _NAME(data, *bounds)
    got = _NAMES.get(data)
    if got is None:
        got = _NAME(data)
        if len(_NAMES) < 4096:
            _NAMES[data] = got
    return got


@contextmanager
def faster_writing() -> Iterator[None]:
    """ReportLab's pdfdoc writes with `pdf_format`, `pdfdoc_encoded` and `pdf_name` while
    the block runs."""
    saved = pdfdoc.format, pdfdoc.pdfdocEnc, pdfdoc.PDFName
    pdfdoc.format, pdfdoc.pdfdocEnc, pdfdoc.PDFName = pdf_format, pdfdoc_encoded, pdf_name
    try:
        yield
    finally:
        pdfdoc.format, pdfdoc.pdfdocEnc, pdfdoc.PDFName = saved
