"""The proof page's own marks, read back from the PDF: grid line numbers never over type,
and a frame's overset text printed small and red in the margin, clear of the type."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from layout.build.pipeline import BuildOptions, build
from tests.support.editions import LEAD, write_edition


def _chars(pdf_path) -> list[tuple[str, float, tuple[float, float, float, float]]]:
    """(character, font size, box) of every character drawn, boxes in PDF points."""
    doc = pdfium.PdfDocument(str(pdf_path))
    tp = doc[0].get_textpage()
    out = []
    for i in range(tp.count_chars()):
        ch = tp.get_text_range(i, 1)
        if not ch.strip():
            continue
        size = pdfium_c.FPDFText_GetFontSize(tp.raw, i)
        out.append((ch, round(size, 2), tp.get_charbox(i)))
    return out


def _overlap(a, b, pad: float = 0.2) -> bool:
    return a[0] < b[2] - pad and a[2] > b[0] + pad and a[1] < b[3] - pad and a[3] > b[1] + pad


@pytest.fixture(scope="module")
def overset_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("marks")
    path = write_edition(root / "ed", lead_chars=9000)
    return build(path, BuildOptions(out_dir=root / "out", mode="proof", allow_overset=True))


@pytest.mark.slow
def test_line_numbers_are_never_over_type(overset_build):
    for label in ("A1", "A3"):
        chars = _chars(overset_build.page_pdfs[label])
        numbers = [c for c in chars if c[1] == 4.0]
        type_ = [c for c in chars if 7.0 < c[1] < 100.0]  # body, heads, furniture (not the watermark)
        assert len(numbers) > 200 and len(type_) > 1000
        over = [(n[0], t[0]) for n in numbers for t in type_ if _overlap(n[2], t[2])]
        assert over == [], f"{label}: line numbers over type: {over[:10]}"
    # the outer margin keeps every number: 1 to the last grid line beside column 1
    left = [c for c in _chars(overset_build.page_pdfs["A1"]) if c[1] == 4.0 and c[2][2] < 53.0]
    assert len(left) > 150


@pytest.mark.slow
def test_overset_text_is_printed_in_the_margin_below_its_frame(overset_build):
    chars = _chars(overset_build.page_pdfs["A3"])
    notes = [c for c in chars if c[1] == 5.0]
    body = [c for c in chars if 7.0 < c[1] < 100.0]
    text = "".join(c[0] for c in notes)
    assert "超出" in text and "lead~cont" in text
    assert LEAD[20:40] in text.replace("/", "")  # the text left over, readable
    left_of_type = min(c[2][0] for c in body)
    assert all(c[2][2] <= left_of_type + 0.5 for c in notes), "overset text outside the margin"
    assert not [(n[0], b[0]) for n in notes for b in body if _overlap(n[2], b[2])]
    # below the frame: the first note line is lower on the page than the frame's last body line
    frame_bottom = min(c[2][1] for c in body if c[2][0] < 300)
    assert max(c[2][3] for c in notes) <= frame_bottom + 1.0
