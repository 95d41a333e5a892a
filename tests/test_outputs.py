"""The written PDFs of the sample edition: pages, labels, fonts, text, furniture, modes.

Every test that takes `sample_build` (the whole 36-page edition) is marked slow by
conftest.py."""

from __future__ import annotations

import hashlib
import io

import pytest
from conftest import SAMPLE
from pypdf import PdfReader

from layout.build.pipeline import BuildOptions, build
from layout.page.fidelity import normalise
from layout.page.keys import StoryKey
from layout.pdf.draw import MARK_SPACE
from layout.pdf.preflight import preflight
from layout.pdf.verify import pdf_text
from tests.support.audit import audit_pdf

LABELS = [f"A{n}" for n in range(1, 5)] + [f"T{n}" for n in range(1, 21)] + [f"特{n}" for n in range(1, 13)]


def reader(path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()))


def test_edition_has_36_labelled_pages(sample_build):
    r = reader(sample_build.edition_pdf)
    assert len(r.pages) == 36
    assert list(r.page_labels) == LABELS
    assert set(sample_build.page_pdfs) == set(LABELS)
    assert sample_build.page_pdfs["特3"].name == "S3.pdf"


def test_every_font_is_embedded_with_tounicode(sample_build):
    r = reader(sample_build.edition_pdf)
    fonts = 0
    for page in r.pages:
        for _, ref in page["/Resources"]["/Font"].items():
            font = ref.get_object()
            fonts += 1
            desc = font.get("/FontDescriptor")
            if desc is None:
                desc = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            desc = desc.get_object()
            assert "/FontFile2" in desc, font["/BaseFont"]
            assert "+" in str(font["/BaseFont"])  # subset
            assert "/ToUnicode" in font, font["/BaseFont"]
            assert "Layout" in str(font["/BaseFont"])
    assert fonts > 36


def test_story_text_reads_back_from_its_pages(sample_build, sample_prepared):
    """Every story's characters, in order, from the pages it is set on (jump lines aside)."""
    import re

    ed = sample_prepared.edition
    text = {lab: normalise(pdf_text(p.read_bytes())) for lab, p in sample_build.page_pdfs.items()}
    jump = re.compile(r"（下转[^）]*）|（上接[^）]*）|相关报道详见\S+?版")
    checked = 0
    for page in ed.pages:
        for s in page.stories:
            if s.continued_from:
                continue
            want = normalise("".join(s.paragraphs))
            got = jump.sub("", text[page.label])
            if s.continues:
                got += jump.sub("", text[s.continues])
            # the story's text is one contiguous stretch (two when it jumps)
            if not s.continues:
                assert want in got, (page.label, s.id)
            else:  # the part set on the first page, then the rest on the jump page
                n1 = next(f.chars_set for cp in sample_build.pages for f in cp.fits if f.story == StoryKey(s.id))
                assert 0 < n1 < len(want)
                assert want[:n1] in jump.sub("", text[page.label]), (page.label, s.id)
                assert want[n1:] in jump.sub("", text[s.continues]), (s.continues, s.id)
            checked += 1
    assert checked >= 36 * 5


def test_masthead_on_front_and_folios_elsewhere(sample_build, sample_prepared):
    ed = sample_prepared.edition
    a1 = pdf_text(sample_build.page_pdfs["A1"].read_bytes())
    assert ed.paper in a1 and "2026年8月19日" in a1 and "星期三" in a1 and "农历" in a1
    for lab in ("A2", "T5", "特2"):
        t = pdf_text(sample_build.page_pdfs[lab].read_bytes())
        assert "责任编辑" in t and "2026年8月19日" in t
    assert "第2版" in pdf_text(sample_build.page_pdfs["A2"].read_bytes())
    assert "T5" in pdf_text(sample_build.page_pdfs["T5"].read_bytes())
    assert "特2" in pdf_text(sample_build.page_pdfs["特2"].read_bytes())
    assert "责任编辑" not in a1[:40]


def test_jump_lines_in_the_pdf(sample_build):
    a1 = pdf_text(sample_build.page_pdfs["A1"].read_bytes())
    a3 = pdf_text(sample_build.page_pdfs["A3"].read_bytes())
    assert "（下转第三版）" in a1
    assert "（上接第一版）" in a3


def test_bookmarks_and_metadata(sample_build, sample_prepared):
    r = reader(sample_build.edition_pdf)
    top = [o.title for o in r.outline if not isinstance(o, list)]
    assert top == ["要闻", "奋进支点建设", "特刊"]
    info = r.metadata
    assert info["/Title"] == "江城日报 2026-08-19"
    assert info["/ManifestSHA256"] == sample_prepared.edition.sha256
    assert info["/Producer"].startswith("layout ")
    assert "T20" in info["/Keywords"]
    xmp = r.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert sample_prepared.edition.sha256 in xmp


def test_outline_is_section_page_story_and_goes_to_the_right_pages(sample_build, sample_prepared):
    """Bookmarks: section > page > story headline, each going to its page, every level open
    with /Count the number of its visible descendants."""
    r = reader(sample_build.edition_pdf)
    labels = [cp.display.label for cp in sample_build.pages]
    ed = sample_prepared.edition
    tree = r.outline
    sections = [o for o in tree if not isinstance(o, list)]
    assert [s.title for s in sections] == [s.name for s in ed.sections if any(p.section == s.id for p in ed.pages)]
    total = 0
    for sec, kids in zip(sections, [o for o in tree if isinstance(o, list)]):
        pages = [o for o in kids if not isinstance(o, list)]
        first = next(p for p in ed.pages if ed.section(p.section).name == sec.title)
        assert r.get_destination_page_number(sec) == labels.index(first.label)
        stories = [o for o in kids if isinstance(o, list)]
        total += 1 + len(pages) + sum(len(s) for s in stories)
        assert sec.get_object()["/Count"] == len(pages) + sum(len(s) for s in stories)
    assert r.trailer["/Root"]["/Outlines"].get_object()["/Count"] == total
    a1 = sample_build.pages[0]
    a1_item = [o for o in tree[1] if not isinstance(o, list)][0]
    assert a1_item.title == a1.display.title and r.get_destination_page_number(a1_item) == 0
    a1_stories = tree[1][1]
    assert [o.title for o in a1_stories] == [b.title for b in a1.display.bookmarks]
    assert all(r.get_destination_page_number(o) == 0 for o in a1_stories)


def test_typography_of_the_written_pdf(sample_build, sample_prepared):
    st = sample_prepared.style
    widths = sample_prepared.fonts.metrics("song").widths
    a = audit_pdf(sample_build.edition_pdf.read_bytes(), st.body_size, widths, st.kinsoku)
    assert a.lines > 3000
    assert a.kinsoku == []
    assert a.split_pairs == 0
    spreads = sorted(a.spreads)
    assert spreads[len(spreads) // 2] <= 0.1 and spreads[-1] <= 0.5
    assert a.grid_share >= 0.99, a.grid_share


def test_print_mode_boxes_cmyk_overprint(sample_build):
    r = reader(sample_build.edition_pdf)
    page = r.pages[0]
    trim, bleed = page.trimbox, page.bleedbox
    assert float(trim.left) - float(bleed.left) == pytest.approx(8.5, abs=0.05)  # 3 mm
    assert float(bleed.right) - float(trim.right) == pytest.approx(8.504, abs=0.01)
    assert float(bleed.left) == pytest.approx(MARK_SPACE, abs=0.01) and \
        float(page.mediabox.right) - float(bleed.right) == \
        pytest.approx(MARK_SPACE, abs=0.01)  # crop marks outside the bleed
    content = page.get_contents().get_data()
    assert b" k" in content or b" K" in content
    assert b" rg" not in content and b" RG" not in content
    gs = page["/Resources"]["/ExtGState"]
    assert any(v.get_object().get("/OP") for v in gs.values())
    assert preflight(sample_build.edition_pdf.read_bytes()).ok


@pytest.mark.slow
def test_build_is_byte_identical_across_runs_and_jobs(tmp_path):
    a = build(SAMPLE, BuildOptions(out_dir=tmp_path / "a", pages=["A1-A4"], jobs=1))
    b = build(SAMPLE, BuildOptions(out_dir=tmp_path / "b", pages=["A1-A4"], jobs=2))
    ha = hashlib.sha256(a.edition_pdf.read_bytes()).hexdigest()
    hb = hashlib.sha256(b.edition_pdf.read_bytes()).hexdigest()
    assert ha == hb
    assert a.page_pdfs["A3"].read_bytes() == b.page_pdfs["A3"].read_bytes()


def test_full_build_twice_is_identical(sample_build, tmp_path):
    again = build(SAMPLE, BuildOptions(out_dir=tmp_path))
    assert hashlib.sha256(again.edition_pdf.read_bytes()).digest() == \
        hashlib.sha256(sample_build.edition_pdf.read_bytes()).digest()


def test_dates_and_author_are_the_editions_not_the_clock(sample_build):
    """Info and XMP agree (PDF/A), give the edition's date (reproducible builds) and the
    paper as author, in the edition and in every page file."""
    r = reader(sample_build.edition_pdf)
    assert r.metadata["/CreationDate"] == r.metadata["/ModDate"] == "D:20260819000000+08'00'"
    assert r.metadata["/Author"] == "江城日报"
    xmp = r.xmp_metadata
    assert xmp.xmp_create_date.isoformat() == xmp.xmp_modify_date.isoformat() == "2026-08-18T16:00:00"
    assert len(sample_build.page_pdfs) == 36
    for path in sample_build.page_pdfs.values():
        meta = reader(path).metadata
        assert meta["/CreationDate"] == "D:20260819000000+08'00'" and meta["/Author"] == "江城日报", path.name
