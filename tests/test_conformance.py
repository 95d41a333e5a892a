"""The files' conformance (issues 17 and 18): PDF/X-1a:2001 print files with marks outside the
bleed and overprint scoped to black text and rules, PDF/A-2b archive files with declared XMP,
Info and XMP that agree, an ICC v2 sRGB profile, and a file /ID computed from the content."""

from __future__ import annotations

import binascii
import hashlib
import io
import os
import re
import shutil
import subprocess

import pytest
from PIL import Image as PILImage
from PIL import ImageCms
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from layout.build.pipeline import BuildOptions, build
from layout.model.modes import OutputMode, output_profile
from layout.page.display import GlyphRun, PageDisplay, Rect, Rule
from layout.pdf.conformance import conformance_problems, xmp_fields, xmp_problems
from layout.pdf.draw import draw_page, render_pages
from layout.pdf.icc import CURVE_POINTS, srgb_linear, srgb_v2_profile
from layout.pdf.metadata import PLACEHOLDER_ID, FileMeta, stamp_id
from layout.pdf.printmarks import MARK_GAP, MARK_SPACE
from tests.support.contentops import black, painted
from tests.support.editions import write_edition

PDFINFO = shutil.which("pdfinfo")
BLACK, WHITE, RED, GREY = (0, 0, 0, 1), (0, 0, 0, 0), (0, 1, 1, 0), (0, 0, 0, 0.5)


def needs_pdfinfo():
    """pdfinfo (poppler-utils) is how the issue measures; .ci/run installs it, so in CI a
    missing pdfinfo is a failure, elsewhere a skip."""
    if PDFINFO is None:
        if os.environ.get("CI"):
            pytest.fail("pdfinfo (poppler-utils) is missing in CI")
        pytest.skip("pdfinfo (poppler-utils) is not installed")


def reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def meta(mode: OutputMode, title: str = "江城日报 2026-08-19 A1 <&>") -> FileMeta:
    return FileMeta(output_profile(mode), title, "江城日报", f"{title} {mode} page", "A1",
                    "D:20260819000000+08'00'", "2026-08-19T00:00:00+08:00", "ab" * 32)


# -- the sRGB profile --------------------------------------------------------------------

def test_srgb_profile_is_icc_v2_deterministic_and_srgb():
    data = srgb_v2_profile()
    assert data[8] == 2 and data[12:24] == b"mntr" + b"RGB " + b"XYZ " and data[36:40] == b"acsp"
    assert int.from_bytes(data[:4], "big") == len(data)
    assert data[24:36] == bytes.fromhex("07d0 0001 0001 0000 0000 0000")  # a fixed date, not the clock
    # pinned: the same bytes on every run and machine
    assert hashlib.sha256(data).hexdigest() == SRGB_SHA256
    # no curve entry lies near a rounding boundary: another libm's pow() cannot change a byte
    assert min(abs(srgb_linear(i) % 1 - 0.5) for i in range(CURVE_POINTS)) > 1e-6
    # and it converts like Little CMS's own sRGB
    prof = ImageCms.ImageCmsProfile(io.BytesIO(data))
    assert prof.profile.profile_description == "sRGB IEC61966-2.1" and prof.profile.version < 3
    lab = ImageCms.createProfile("LAB")
    img = PILImage.new("RGB", (7, 1))
    img.putdata([(255, 0, 0), (0, 255, 0), (0, 0, 255), (128, 128, 128), (255, 255, 255), (30, 200, 90), (5, 5, 5)])
    ours = ImageCms.applyTransform(img, ImageCms.buildTransform(prof, lab, "RGB", "LAB")).tobytes()
    ref = ImageCms.applyTransform(img, ImageCms.buildTransform(ImageCms.createProfile("sRGB"), lab, "RGB",
                                                               "LAB")).tobytes()
    assert max(abs(a - b) for a, b in zip(ours, ref)) <= 1


SRGB_SHA256 = "b73854a50feef08f5191d70216ab12f4c74ac8c96b771e6f8340c5803af208b2"


# -- Info and XMP from one source ----------------------------------------------------------

@pytest.mark.parametrize("mode", list(OutputMode))
def test_info_and_xmp_agree_field_by_field(mode):
    m = meta(mode)
    info = {NameObject(k): v for k, v in m.info().items()}
    fields = xmp_fields(m.xmp())
    assert set(fields) == {"/Title", "/Author", "/Subject", "/Keywords", "/Producer", "/Creator", "/CreationDate",
                           "/ModDate", "/Trapped"}
    assert fields["/Title"] == info["/Title"] == "江城日报 2026-08-19 A1 <&>"  # escaped in XML, equal once read
    assert fields["/Trapped"] == "False" and info["/Trapped"] == "/False"
    assert xmp_problems(m.xmp(), info, m.profile) == []
    # a disagreement is found
    other = dict(info, **{"/Subject": "something else"})
    assert any("/Subject" in p for p in xmp_problems(m.xmp(), other, m.profile))


def test_archive_xmp_declares_its_own_namespace_and_only_archive_claims_pdfa():
    a = meta(OutputMode.ARCHIVE).xmp().decode()
    assert "<pdfaid:part>2</pdfaid:part>" in a and "pdfxid" not in a
    assert "<pdfaSchema:prefix>layout</pdfaSchema:prefix>" in a
    info = {NameObject(k): v for k, v in meta(OutputMode.ARCHIVE).info().items()}
    undeclared = re.sub(r"\s*<rdf:Description rdf:about=\"\"\s+xmlns:pdfaExtension.*?</rdf:Description>", "", a,
                        flags=re.S).encode()
    assert any("undeclared namespace" in p for p in xmp_problems(undeclared, info, output_profile("archive")))
    p = meta(OutputMode.PRINT).xmp().decode()
    assert "<pdfxid:GTS_PDFXConformance>PDF/X-1a:2001</pdfxid:GTS_PDFXConformance>" in p and "pdfaid" not in p
    assert "pdfaid" not in meta(OutputMode.PROOF).xmp().decode()


def test_stamp_id_replaces_the_placeholder_with_a_hash_of_file_and_mode():
    ph = binascii.hexlify(PLACEHOLDER_ID)
    pdf = b"%PDF-1.3\n...content...\ntrailer << /ID [<" + ph + b"><" + ph + b">] >>\n%%EOF\n"
    a, b = stamp_id(pdf, OutputMode.PRINT), stamp_id(pdf, OutputMode.ARCHIVE)
    assert a == stamp_id(pdf, OutputMode.PRINT) and a != b and ph not in a and len(a) == len(pdf)
    assert stamp_id(pdf.replace(b"content", b"CONTENT"), OutputMode.PRINT) != a
    with pytest.raises(ValueError):
        stamp_id(b"%PDF-1.3 no id", OutputMode.PRINT)


# -- drawing: overprint and marks ---------------------------------------------------------

def _test_page(fonts) -> PageDisplay:
    face = next(iter(fonts.faces.values())).key
    return PageDisplay("A1", 400, 300, (
        Rect(20, 20, 200, 100, fill=GREY),  # a tint panel
        Rect(20, 140, 200, 100, stroke=1, color=BLACK, fill=RED),  # a black frame around a colour fill
        Rect(240, 140, 100, 100, fill=BLACK),  # a black area
        GlyphRun(30, 40, face, 10, "黑字", color=BLACK),
        GlyphRun(30, 60, face, 10, "白字", color=WHITE),  # reversed out of the panel
        GlyphRun(30, 80, face, 10, "红字", color=RED),
        GlyphRun(30, 100, face, 10, "灰字", color=GREY),
        GlyphRun(30, 110, face, 10, "又黑", color=BLACK),
        Rule(20, 130, 220, 130, 0.5, BLACK), Rule(20, 132, 220, 132, 0.5, WHITE), Rule(20, 134, 220, 134, 0.5, GREY),
        Rule(20, 136, 220, 136, 0.5, BLACK)))


def _check_overprint(page) -> dict[str, int]:
    """Every painting operator of the page's own stream: overprint on exactly for text and
    rules (strokes) in 100 % K; areas, even black ones, knock out.  (What a placed ad or
    graphic does inside its form is its maker's; the form itself is placed knocking out.)"""
    seen = {"black": 0, "other": 0}
    for m in painted(page):
        if m.where:
            continue
        fill, stroke = black(m.state.fill), black(m.state.stroke)
        if m.kind == "text":
            assert m.state.op_fill == fill, m
            seen["black" if fill else "other"] += 1
        elif m.kind == "stroke":
            assert m.state.op_stroke == stroke, m
            seen["black" if stroke else "other"] += 1
        elif m.kind in ("fill", "fillstroke"):
            assert not m.state.op_fill, m
            assert m.kind == "fill" or m.state.op_stroke == stroke, m
            seen["other"] += 1
        elif m.kind == "xobject":  # photos and placed forms knock out
            assert not m.state.op_fill and not m.state.op_stroke, m
    return seen


def _check_marks(page) -> int:
    """Strokes outside the BleedBox (the crop marks) lie wholly in the marks' space."""
    bx0, by0, bx1, by1 = (float(v) for v in page.bleedbox)
    mx0, my0, mx1, my1 = (float(v) for v in page.mediabox)
    outside = 0
    for m in painted(page):
        for x0, y0, x1, y1 in m.segments:
            ins = [bx0 < x < bx1 and by0 < y < by1 for x, y in ((x0, y0), (x1, y1))]
            if not all(ins):
                outside += 1
                assert not any(ins), (x0, y0, x1, y1)
                # a mark stops MARK_GAP short of the bleed box, on the line that crosses it
                assert min(abs(v - e) for v in (x0, x1, y0, y1) for e in (bx0, bx1, by0, by1)) >= MARK_GAP - 0.01
                assert all(mx0 <= x <= mx1 and my0 <= y <= my1 for x, y in ((x0, y0), (x1, y1)))
    return outside


def test_overprint_only_around_black_text_and_rules(sample_prepared):
    fonts = sample_prepared.fonts
    d = draw_page(_test_page(fonts), fonts, OutputMode.PRINT, 8.5)
    page = reader(render_pages([d], fonts)).pages[0]
    seen = _check_overprint(page)
    assert seen["black"] >= 4 and seen["other"] >= 8  # 2 black texts, 2 black rules; tints, white, areas
    assert _check_marks(page) == 8
    mb = [float(v) for v in page.mediabox]
    assert mb[2] == pytest.approx(400 + 2 * (8.5 + MARK_SPACE), abs=0.01)
    assert [float(v) for v in page.bleedbox] == pytest.approx([MARK_SPACE, MARK_SPACE, mb[2] - MARK_SPACE,
                                                               mb[3] - MARK_SPACE], abs=0.01)
    # proof and archive pages carry no overprint at all
    for mode in (OutputMode.PROOF, OutputMode.ARCHIVE):
        other = reader(render_pages([draw_page(_test_page(fonts), fonts, mode)], fonts)).pages[0]
        assert not any(m.state.op_fill or m.state.op_stroke for m in painted(other))


# -- the checks themselves ----------------------------------------------------------------

def _page_file(fonts, mode=OutputMode.PRINT) -> bytes:
    d = draw_page(_test_page(fonts), fonts, mode, 8.5)
    return render_pages([d], fonts, meta=meta(mode))


def _with_form(pdf: bytes, content: bytes, gstate: dict | None = None) -> bytes:
    """`pdf` with a Form XObject (as a booked ad arrives) placed on its page."""
    w = PdfWriter(clone_from=reader(pdf))
    form = DecodedStreamObject()
    form.set_data(content)
    res = DictionaryObject()
    if gstate:
        res[NameObject("/ExtGState")] = DictionaryObject({NameObject("/G0"): DictionaryObject(gstate)})
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(50),
                                                   NumberObject(50)]), NameObject("/Resources"): res})
    page = w.pages[0]
    xobjects = page["/Resources"].setdefault(NameObject("/XObject"), DictionaryObject())
    xobjects[NameObject("/Ad0")] = w._add_object(form)
    stream = DecodedStreamObject()
    stream.set_data(b"q 1 0 0 1 100 100 cm /Ad0 Do Q\n" + page.get_contents().get_data())  # under the text
    page[NameObject("/Contents")] = w._add_object(stream)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def test_conformance_accepts_a_cmyk_form_and_finds_what_breaks_pdfx(sample_prepared):
    fonts = sample_prepared.fonts
    pdf = _page_file(fonts)
    prof = output_profile("print")
    assert conformance_problems(pdf, prof) == []
    ad = _with_form(pdf, b"0 0 0 1 k 0 0 50 50 re f 0.2 0.9 0 0 k 5 5 40 40 re f")
    assert conformance_problems(ad, prof) == []  # a CMYK ad placed as a form is fine
    assert _check_overprint(reader(ad).pages[0])["black"] > 0
    assert any(m.where == "/Ad0/" for m in painted(reader(ad).pages[0]))
    rgb = _with_form(pdf, b"1 0 0 rg 0 0 50 50 re f")
    assert any("form /Ad0: RGB" in p for p in conformance_problems(rgb, prof))
    alpha = _with_form(pdf, b"/G0 gs 0 0 0 1 k 0 0 50 50 re f", {NameObject("/ca"): FloatObject(0.5)})
    assert any("transparency" in p for p in conformance_problems(alpha, prof))
    w = PdfWriter(clone_from=reader(pdf))
    w._info[NameObject("/GTS_PDFXConformance")] = TextStringObject("PDF/X-1:2001")
    del w._root_object["/OutputIntents"]
    out = io.BytesIO()
    w.write(out)
    problems = conformance_problems(out.getvalue(), prof)
    assert any("GTS_PDFXConformance" in p for p in problems) and any("output intents" in p for p in problems)
    # an archive page file is PDF/A as written, and not PDF/X
    arch = _page_file(fonts, OutputMode.ARCHIVE)
    assert conformance_problems(arch, output_profile("archive")) == []
    assert conformance_problems(arch, prof)


# -- whole builds -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return write_edition(tmp_path_factory.mktemp("conformance"))


@pytest.fixture(scope="module")
def builds(mini, tmp_path_factory):
    out = tmp_path_factory.mktemp("modes")
    return {m: build(mini, BuildOptions(out_dir=out / m.value, mode=m)) for m in OutputMode}


def _files(res) -> list:
    return [res.edition_pdf, *res.page_pdfs.values()]


@pytest.mark.slow
def test_every_print_file_is_pdfx1a_2001(builds):
    needs_pdfinfo()
    res = builds[OutputMode.PRINT]
    assert not [f for f in res.findings if f.code in ("preflight", "after-commit")]  # nothing in the edition or any page file
    for path in _files(res):
        data = path.read_bytes()
        assert data.startswith(b"%PDF-1.3\n"), path.name
        assert conformance_problems(data, output_profile("print")) == [], path.name
        info = subprocess.run([PDFINFO, str(path)], capture_output=True, text=True, check=True).stdout
        # poppler prints Info's GTS_PDFXVersion, which ISO 15930-1 sets to PDF/X-1:2001 for
        # both X-1 and X-1a; the conformance level is GTS_PDFXConformance (and pdfxid in XMP)
        assert "PDF subtype:    PDF/X-1:2001" in info and "(PDF/X-1 and PDF/X-1a)" in info, info
        assert "PDF version:     1.3" in info
        xmp = subprocess.run([PDFINFO, "-meta", str(path)], capture_output=True, text=True, check=True).stdout
        assert "<pdfxid:GTS_PDFXConformance>PDF/X-1a:2001</pdfxid:GTS_PDFXConformance>" in xmp
        r = reader(data)
        assert r.metadata["/GTS_PDFXConformance"] == "PDF/X-1a:2001" and r.metadata["/Trapped"] == "/False"
        intent = r.trailer["/Root"]["/OutputIntents"][0].get_object()
        assert intent["/S"] == "/GTS_PDFX" and intent["/OutputConditionIdentifier"] == "IFRA26"
        for page in r.pages:
            assert _check_overprint(page)["black"] > 0
            assert _check_marks(page) == 8
            mb, bb = page.mediabox, page.bleedbox
            assert float(bb.left) - float(mb.left) == pytest.approx(MARK_SPACE, abs=0.01)
            assert float(mb.top) - float(bb.top) == pytest.approx(MARK_SPACE, abs=0.01)
            assert b"/SMask" not in page.get_contents().get_data()


@pytest.mark.slow
def test_archive_files_are_pdfa_with_a_v2_profile_and_agreeing_metadata(builds):
    res = builds[OutputMode.ARCHIVE]
    assert not [f for f in res.findings if f.code in ("preflight", "after-commit")]
    for path in _files(res):
        data = path.read_bytes()
        assert data.startswith(b"%PDF-1.7\n"), path.name
        assert conformance_problems(data, output_profile("archive")) == [], path.name
        r = reader(data)
        root = r.trailer["/Root"]
        xmp = root["/Metadata"].get_object().get_data()
        assert b"<pdfaid:part>2</pdfaid:part>" in xmp and b"pdfxid" not in xmp
        fields = xmp_fields(xmp)
        for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Producer", "/Creator"):
            assert fields[key] == r.metadata[key], (path.name, key)
        icc = root["/OutputIntents"][0].get_object()["/DestOutputProfile"].get_object().get_data()
        assert icc == srgb_v2_profile()
        assert _streams_end_with_eol(data) > 5, path.name


@pytest.mark.slow
def test_tagged_edition_claims_pdfa_2a_and_pdfua_1_and_pages_stay_2b(builds):
    """The edition (tagged: structure tree, MarkInfo, Lang, ToUnicode everywhere) says level A
    and PDF/UA-1, with pdfuaid declared (PDF/A-2 does not predefine it); the page files,
    which have no structure tree, say B.  The checker finds what a level-A claim lacks."""
    res = builds[OutputMode.ARCHIVE]
    data = res.edition_pdf.read_bytes()
    root = reader(data).trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfaid:conformance>A</pdfaid:conformance>" in xmp and "<pdfuaid:part>1</pdfuaid:part>" in xmp
    assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp
    assert conformance_problems(data, output_profile("archive")) == []
    for path in res.page_pdfs.values():
        page_xmp = reader(path.read_bytes()).trailer["/Root"]["/Metadata"].get_object().get_data().decode()
        assert "<pdfaid:conformance>B</pdfaid:conformance>" in page_xmp and "pdfuaid" not in page_xmp, path.name
    # the same claim on a file without the structure: every missing piece is named
    untagged = reader(data)
    w = PdfWriter(clone_from=untagged)
    for key in ("/StructTreeRoot", "/MarkInfo", "/Lang", "/ViewerPreferences"):
        del w._root_object[NameObject(key)]
    buf = io.BytesIO()
    w.write(buf)
    problems = " | ".join(conformance_problems(buf.getvalue(), output_profile("archive")))
    for want in ("MarkInfo", "structure tree", "/Lang", "DisplayDocTitle"):
        assert want in problems, want


@pytest.mark.slow
def test_file_id_follows_content_and_mode(builds, mini, tmp_path):
    ids = {m: {p.name: reader(p.read_bytes()).trailer["/ID"] for p in _files(res)} for m, res in builds.items()}
    a1 = [ids[m]["A1.pdf"][0].original_bytes for m in OutputMode]
    assert len(set(a1)) == 3  # print, proof and archive differ
    for res in builds.values():
        for path in _files(res):
            data = path.read_bytes()
            first = reader(data).trailer["/ID"][0].original_bytes
            hexid = binascii.hexlify(first)
            again = data.replace(hexid, binascii.hexlify(PLACEHOLDER_ID)).replace(hexid.upper(), binascii.hexlify(
                PLACEHOLDER_ID).upper())
            assert stamp_id(again, _mode_of(data)) == data  # the /ID is the hash of the file and its mode
    fresh = write_edition(tmp_path / "ed")  # the same edition again, to be edited
    again = build(fresh, BuildOptions(out_dir=tmp_path / "again"))
    assert again.page_pdfs["A1"].read_bytes() == builds[OutputMode.PRINT].page_pdfs["A1"].read_bytes()
    lead = fresh.parent / "lead.txt"
    lead.write_text(lead.read_text(encoding="utf-8").replace("江城市", "江城", 1), encoding="utf-8")
    edited = build(fresh, BuildOptions(out_dir=tmp_path / "edited"))
    assert reader(edited.page_pdfs["A1"].read_bytes()).trailer["/ID"][0].original_bytes != a1[0]
    assert reader(edited.edition_pdf.read_bytes()).trailer["/ID"][0].original_bytes != \
        ids[OutputMode.PRINT][builds[OutputMode.PRINT].edition_pdf.name][0].original_bytes


def _streams_end_with_eol(data: bytes) -> int:
    """Every stream's data (its /Length bytes) is followed by an end-of-line and `endstream`
    (PDF/A, ISO 19005-2 6.1.7.1); returns how many streams were checked."""
    n = 0
    for m in re.finditer(rb">>\s*stream(\r\n|\n)", data):
        head = data[data.rfind(b" obj", 0, m.start()):m.start()]
        length = re.search(rb"/Length (\d+)(?! \d+ R)", head)
        assert length, head[:200]
        end = m.end() + int(length.group(1))
        assert data[end:end + 10] in (b"\nendstream", b"\r\nendstrea"), data[end - 5:end + 12]
        n += 1
    return n


def _mode_of(data: bytes) -> OutputMode:
    return OutputMode(reader(data).metadata["/LayoutMode"])
