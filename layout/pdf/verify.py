"""Read written PDFs back (pypdfium2): characters with their origins, and each story's
text found whole and in order, for `--verify` and the tests.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from layout.errors import Finding
from layout.model.edition import Edition
from layout.page.display import PageDisplay
from layout.page.fidelity import PageText, _as_text, _diff_finding, normalise


@dataclass
class PdfChar:
    ch: str
    x: float
    y: float  # baseline, top-left origin
    size: float


def pdf_page_chars(pdf_bytes: bytes, page_index: int = 0) -> list[PdfChar]:
    """Characters of one page in content order, with origins (pypdfium2)."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(pdf_bytes)
    try:
        page = doc[page_index]
        left, bottom, right, top = page.get_cropbox()
        _, _, _, mtop = page.get_mediabox()
        tp = page.get_textpage()
        x, y = ctypes.c_double(), ctypes.c_double()
        out = []
        for i in range(tp.count_chars()):
            u = raw.FPDFText_GetUnicode(tp.raw, i)
            if raw.FPDFText_IsGenerated(tp.raw, i) == 1 or u == 0:
                continue
            if 0xDC00 <= u < 0xE000 and out and 0xD800 <= ord(out[-1].ch) < 0xDC00:
                # pdfium gives characters beyond the BMP as two UTF-16 units: join them
                hi = ord(out[-1].ch)
                out[-1] = dataclasses.replace(out[-1], ch=chr(0x10000 + ((hi - 0xD800) << 10) + (u - 0xDC00)))
                continue
            ch = chr(u)
            if ch.isspace():
                continue
            raw.FPDFText_GetCharOrigin(tp.raw, i, x, y)
            if not (left <= x.value < right and bottom <= y.value < top):
                continue
            out.append(PdfChar(ch, x.value, mtop - y.value, raw.FPDFText_GetFontSize(tp.raw, i)))
        tp.close()
        page.close()
        return out
    finally:
        doc.close()


def pdf_text(pdf_bytes: bytes, page_index: int = 0) -> str:
    return "".join(c.ch for c in pdf_page_chars(pdf_bytes, page_index))


def verify_pdf(edition: Edition, pages: list[PageDisplay] | list[PageText], pdfs: dict[str, bytes],
               document: bytes | None = None) -> list[Finding]:
    """Read every page back and check that each story's text appears whole and in order:
    from the page files (`pdfs`, by label) and, if given, from the edition `document`,
    whose pages are `pages` in order.

    The renderer writes runs in display-list order, so a story's characters form one
    contiguous stretch of its page's extracted text.
    """
    findings = []
    for index, pt in enumerate(_as_text(pages)):
        sources = []
        if pt.label in pdfs:
            sources.append(("PDF read-back", pdfs[pt.label], 0))
        if document is not None:
            sources.append(("edition PDF read-back", document, index))
        for how, data, at in sources:
            text = normalise(pdf_text(data, at))
            for key, part in pt.parts + pt.jumps:
                part = normalise(part)
                if part and part not in text:
                    findings.append(_diff_finding(key.story_id, pt.label, part, _closest(text, part), how))
    return findings


def _closest(text: str, part: str) -> str:
    head = part[:6]
    i = text.find(head)
    return text[i:i + len(part)] if i >= 0 else ""
