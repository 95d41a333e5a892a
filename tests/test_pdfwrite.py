"""PDF numbers written fast (fonts/pdfwrite.py), ReportLab's writer made faster
(pdf/rlfast.py) and the characters a face embeds (fonts/embed.py `distinct`): exactly what
ReportLab writes and what `sorted(set(...))` gives, whatever the numbers and characters
(the page files' bytes depend on all three)."""

from __future__ import annotations

import random

import pytest
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc

from layout.fonts import pdfwrite
from layout.fonts.embed import distinct
from layout.fonts.pdfwrite import PDF_NUM, pdf_nums
from layout.pdf.rlfast import faster_writing, pdf_name, pdfdoc_encoded

_RNG = random.Random(19)
VALUES = ([0, 0.0, -0.0, 1, 1.0, -1.5, 1e-8, -1e-8, 0.5, 2 / 3, 1492.52, 78.76772, 1e6 + 0.123456, 123456789.5]
          + [_RNG.uniform(-2000, 2000) for _ in range(3000)] + [round(_RNG.uniform(0, 2000), 2) for _ in range(3000)]
          + [_RNG.uniform(-1, 1) for _ in range(1000)] + [_RNG.randrange(-5000, 5000) for _ in range(500)])


def test_numbers_are_written_as_fp_str_writes_them():
    for v in VALUES + VALUES:  # (the second time from the memo)
        assert PDF_NUM[v] == fp_str(v), v
    for a, b in zip(VALUES, VALUES[1:]):
        assert pdf_nums(a, b) == fp_str(a, b)
    assert pdf_nums(*VALUES[:7]) == fp_str(*VALUES[:7])


def test_the_memo_stays_bounded(monkeypatch):
    monkeypatch.setattr(pdfwrite, "_LIMIT", 100)
    PDF_NUM.clear()
    for i in range(1000):
        assert PDF_NUM[i / 7] == fp_str(i / 7)
        assert len(PDF_NUM) <= 100


def test_distinct_is_the_sorted_set_of_the_characters():
    pool = "江城日报，。「」（）ABCabc 0123\u3000\uff0c\uffef\U00020000\U0001F600\ud800\x00"
    for n in (0, 1, 2, 50, 5000):
        text = "".join(_RNG.choice(pool) for _ in range(n))
        assert distinct(text) == "".join(sorted(set(text)))


def test_the_faster_writer_encodes_and_names_as_reportlab_does():
    texts = ["", "/Type", "<< /Length 12 >>", "12 0 R", "\n", "a\tb\r\n", "(caf\u00e9)", "\u02d8 breve", "\x18\x19",
             "".join(map(chr, range(128))).replace("\x18", ""), b"raw bytes", "\u6c5f\u57ce"]
    for x in texts:
        try:
            want = pdfdoc.pdfdocEnc(x)
        except UnicodeEncodeError:
            with pytest.raises(UnicodeEncodeError):
                pdfdoc_encoded(x)
            continue
        assert pdfdoc_encoded(x) == want, x
    for key in ["Type", "FontDescriptor", "a b", "x#y", "\u00e9", "(paren)", "Type"]:
        assert pdf_name(key) == pdfdoc.PDFName(key)
    assert pdf_name("AZ", "B", "Y") == pdfdoc.PDFName("AZ", "B", "Y")


def test_the_faster_writer_is_put_back():
    before = pdfdoc.pdfdocEnc, pdfdoc.PDFName
    with pytest.raises(RuntimeError), faster_writing():
        assert pdfdoc.pdfdocEnc is pdfdoc_encoded
        raise RuntimeError
    assert (pdfdoc.pdfdocEnc, pdfdoc.PDFName) == before


def test_the_faster_writer_formats_as_reportlab_does():
    doc = pdfdoc.PDFDocument()
    values = ["/Type", "", "caf\u00e9", b"\x00raw", 0, -0.0, 7, 2.5, 1 / 3, 1e-9, True, None,
              pdfdoc.PDFArray([1, 2.25, "/N"]), pdfdoc.PDFName("Font"), pdfdoc.PDFString("江城日报"),
              pdfdoc.PDFDictionary({"Type": "/Font", "W": pdfdoc.PDFArrayCompact(list(range(25))), "DW": 1000})]
    values += VALUES[:500]
    want = [pdfdoc.format(v, doc) for v in values]
    with faster_writing():
        got = [pdfdoc.format(v, doc) for v in values]
    assert got == want


def test_objects_written_as_bytes_read_back_as_their_text_and_references():
    """pdfobj.py (the edition's outline, structure tree and threads): text strings with the
    characters a literal string must escape, CJK and control characters, and references to
    raw objects and pages, read back by pypdf as they were meant."""
    import io

    from pypdf import PdfReader
    from reportlab.pdfgen import canvas

    from layout.pdf.pdfobj import Raw, array, number, page_refs, register, text

    samples = ["A (1) \\ B)", "", "江城日报（四）", "tab\there", "特1", "x" * 300]
    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    c.showPage()
    c.showPage()
    doc = c._doc
    strings = Raw(array([text(s) for s in samples]))
    pages = page_refs(doc)
    doc.Catalog.__NoDefault__ = [*pdfdoc.PDFCatalog.__NoDefault__, "LayoutTest"]
    doc.Catalog.LayoutTest = Raw(b"<< /Strings %s /Again %s /Page %s /N %s >>"
                                 % (register(doc, strings), register(doc, strings), pages[1], number(2 / 3)))
    c.save()
    reader = PdfReader(io.BytesIO(buf.getvalue()))
    got = reader.trailer["/Root"]["/LayoutTest"]
    assert list(got["/Strings"]) == samples
    assert got.raw_get("/Again") == got.raw_get("/Strings")  # one object, registered once
    assert got["/Page"].indirect_reference == reader.pages[1].indirect_reference
    assert abs(got["/N"] - 2 / 3) < 1e-4
