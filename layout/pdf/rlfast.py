"""ReportLab's PDF writer with two of its helpers made faster, byte for byte the same.

Why: writing a document, ReportLab encodes every piece of PDF text it formats (some 400
a page file: names, numbers, references) through its own `extpdfdoc` codec, a Python
call into a charmap for what is nearly always plain ASCII; and it spells each dictionary
key as a PDF name character by character in Python, though a page file uses the same
thirty names again and again.  Together about a twentieth of the time a page file takes.

`faster_writing()` swaps in, while a document is written, an encoder that takes the ASCII
shortcut where the codec gives the same bytes (every ASCII character but 0x18-0x1F, which
PDFDocEncoding uses for accents) and a memo of names; both are put back after, whatever
happens.  ReportLab's own functions do everything else (tests/test_pdfwrite.py).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

from reportlab.pdfbase import pdfdoc

_ENCODE = pdfdoc.pdfdocEnc
_NAME = pdfdoc.PDFName
_NOT_PLAIN = re.compile("[\x18-\x1f]")  # the ASCII codes PDFDocEncoding maps elsewhere
_NAMES: dict[str, str] = {}  # key -> PDF name (a few dozen distinct keys)


def pdfdoc_encoded(x):
    """`pdfdoc.pdfdocEnc(x)`: ASCII text as it is (what the codec gives it), the rest as before."""
    if type(x) is str and x.isascii() and not _NOT_PLAIN.search(x):
        return x.encode("ascii")
    return _ENCODE(x)


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
    """ReportLab's pdfdoc formats with `pdfdoc_encoded` and `pdf_name` while the block runs."""
    saved = pdfdoc.pdfdocEnc, pdfdoc.PDFName
    pdfdoc.pdfdocEnc, pdfdoc.PDFName = pdfdoc_encoded, pdf_name
    try:
        yield
    finally:
        pdfdoc.pdfdocEnc, pdfdoc.PDFName = saved
