"""Proof and archive outputs, the preflight, the sidecar, on a small edition."""

from __future__ import annotations

import io
import json

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader

from layout.build.pipeline import BuildOptions, build
from layout.pdf.preflight import ContentScan, content_key, preflight
from layout.pdf.verify import pdf_text
from tests.support.editions import write_edition


@pytest.fixture(scope="module")
def mini(tmp_path_factory):
    return write_edition(tmp_path_factory.mktemp("modes"))


def test_proof_mode_marks(mini, tmp_path):
    res = build(mini, BuildOptions(out_dir=tmp_path, mode="proof", report=tmp_path / "fit.json"))
    assert res.edition_pdf.name.endswith("-proof.pdf")
    text = pdf_text(res.page_pdfs["A1"].read_bytes())
    assert "校样" in text
    assert "lead" in text and "inphoto" in text  # frame labels
    assert "102" in text  # grid line numbers
    r = PdfReader(io.BytesIO(res.edition_pdf.read_bytes()))
    assert "/TrimBox" not in r.pages[0] or r.pages[0].trimbox == r.pages[0].mediabox
    report = json.loads((tmp_path / "fit.json").read_text())
    fid = report["fidelity"]
    assert fid["differences"] == 0 and fid["stories_checked"] == 5 and fid["pdf_read_back"] is False
    assert fid["characters_set"] == sum(s["chars_set"] for s in report["stories"]) > 3000
    lead = next(s for s in report["stories"] if s["story"] == "lead")
    assert lead["jump_to"] == "A3" and lead["chars_set"] > 0


def test_proof_mode_marks_overset_in_red(tmp_path):
    path = write_edition(tmp_path / "ed", lead_chars=9000)
    res = build(path, BuildOptions(out_dir=tmp_path / "out", mode="proof", allow_overset=True))
    text = pdf_text(res.page_pdfs["A3"].read_bytes())
    assert "超出" in text
    assert any(f.code == "overset" and f.severity == "warning" for f in res.findings)


def test_archive_mode_pdfa_and_sidecar(mini, tmp_path):
    res = build(mini, BuildOptions(out_dir=tmp_path, mode="archive"))
    r = PdfReader(io.BytesIO(res.edition_pdf.read_bytes()))
    root = r.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    # the edition is tagged: level A (and PDF/UA-1); the page files, untagged, level B
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>A</pdfaid:conformance>" in xmp
    page_xmp = PdfReader(io.BytesIO(res.page_pdfs["A1"].read_bytes())).trailer["/Root"]["/Metadata"]
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in page_xmp.get_object().get_data().decode()
    intent = root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert len(intent["/DestOutputProfile"].get_object().get_data()) > 300
    assert "/ID" in r.trailer and "/Encrypt" not in r.trailer
    for page in r.pages:
        for _, ref in page["/Resources"]["/Font"].items():
            assert "/ToUnicode" in ref.get_object()
        assert "/Group" not in page  # no transparency groups
    side = json.loads(res.edition_pdf.with_suffix(".json").read_text())
    lead = side["stories"]["lead"]
    assert [p["page"] for p in lead["placements"]] == ["A1", "A3"]
    assert len(lead["text_sha256"]) == 64
    assert all(len(p["bbox_pt"]) == 4 for p in lead["placements"])


def test_print_output_intent(mini, tmp_path):
    res = build(mini, BuildOptions(out_dir=tmp_path))
    r = PdfReader(io.BytesIO(res.edition_pdf.read_bytes()))
    intent = r.trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFX" and intent["/OutputConditionIdentifier"] == "IFRA26"
    pf = preflight(res.edition_pdf.read_bytes())
    assert pf.ok, pf.problems
    assert pf.images == 1 and pf.max_ink <= 2.2 + 1e-9 and pf.min_ppi >= 200


def test_preflight_fails_a_bad_image(tmp_path):
    """An RGB photo at 72 ppi, drawn straight with ReportLab: preflight must fail it."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = PILImage.new("RGB", (144, 144), (200, 30, 30))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(300, 300), invariant=1)
    c.drawImage(ImageReader(img), 10, 10, 144, 144)  # 2 in wide: 72 ppi
    c.showPage()
    c.save()
    pf = preflight(buf.getvalue())
    assert not pf.ok
    assert any("RGB" in p for p in pf.problems)
    assert any("72 ppi" in p for p in pf.problems)
    assert any("TrimBox" in p for p in pf.problems)


def test_rgb_photo_is_separated_under_the_ink_limit(tmp_path):
    from layout.pdf.imaging import gcr_cmyk, max_ink

    img = PILImage.new("RGB", (64, 64), (20, 10, 5))  # near-black: naive CMYK would be ~390 %
    cmyk = gcr_cmyk(img)
    assert cmyk.mode == "CMYK"
    assert max_ink(cmyk) <= 2.2
    grey = PILImage.new("RGB", (8, 8), (128, 128, 128))
    c, m, y, k = gcr_cmyk(grey).getpixel((0, 0))
    assert (c, m, y) == (0, 0, 0) and k == 127  # grey goes to K only


def test_grey_photo_stays_grey(tmp_path):
    from layout.pdf.imaging import prepare_image

    p = tmp_path / "g.png"
    PILImage.new("L", (50, 50), 90).save(p)
    assert prepare_image(p, (0, 0, 50, 50), "L", True).mode == "L"


def test_preflight_takes_known_content_streams_from_the_scans(mini, tmp_path, monkeypatch):
    """The build hands preflight the scans its workers made of each page's content stream:
    none of the edition's streams is inflated and searched again.  A scan is used only for
    the exact stored bytes it was made from."""
    import layout.pdf.preflight as checks

    calls = []
    real = checks.scan_content
    monkeypatch.setattr(checks, "scan_content", lambda data: calls.append(len(data)) or real(data))
    res = build(mini, BuildOptions(out_dir=tmp_path))
    assert calls == []  # every page's stream was known by its key
    data = res.edition_pdf.read_bytes()
    assert preflight(data).ok and len(calls) == len(res.pages)  # without scans: each page scanned here

    stream = PdfReader(io.BytesIO(data)).pages[0]["/Contents"].get_object()
    key = content_key(str(stream["/Filter"]), stream._data)
    lie = ContentScan(rgb=True, placements={})
    assert preflight(data, scans={key: lie}).problems == ["page 1: RGB colour operator in the content"]
    other = content_key(str(stream["/Filter"]), stream._data + b" ")
    assert preflight(data, scans={other: lie}).ok


def test_each_mode_writes_its_own_files_and_the_cli_names_modes_as_before(mini, tmp_path):
    """Modes are an enum with one profile each: their files never overwrite each other's (one
    output folder can hold all three), a mode given by name is accepted, an unknown one is
    refused with the modes named, and the report writes the plain name."""
    from typer.testing import CliRunner

    from layout.cli import app
    from layout.model.modes import OutputMode, output_profile

    places = {(output_profile(m).folder, output_profile(m).suffix) for m in OutputMode}
    assert len(places) == len(OutputMode) and [m.value for m in OutputMode] == ["print", "proof", "archive"]
    built = {m: build(mini, BuildOptions(out_dir=tmp_path, mode=m.value, report=tmp_path / f"{m}.json"))
             for m in OutputMode}
    files = [p for res in built.values() for p in [res.edition_pdf, *res.page_pdfs.values()]]
    assert len(set(files)) == len(files) and all(p.exists() for p in files)
    assert [json.loads((tmp_path / f"{m}.json").read_text())["edition"]["mode"] for m in OutputMode] == \
        ["print", "proof", "archive"]
    with pytest.raises(ValueError, match="use one of print, proof, archive"):
        BuildOptions(out_dir=tmp_path, mode="web")
    res = CliRunner().invoke(app, ["build", str(mini), "-o", str(tmp_path / "cli"), "--mode", "web"])
    assert res.exit_code == 2 and "unknown --mode 'web'" in res.output
