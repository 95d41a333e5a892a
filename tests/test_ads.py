"""Booked ads and graphics: placed at 100 % as vector, refused when they cannot print.

The ad files are drawn here with ReportLab (tests/support/ads.py) and read back from the
built page PDFs: the ad's own text, extracted with pypdfium2 at the position the booking
gives, the Form XObject that carries it, and the messages a desk gets for a wrong file.
"""

from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader

from layout.build.cache import PageCache
from layout.build.pipeline import BuildOptions, build, compose_all, prepare
from layout.errors import ManifestError
from layout.model.ads import parse_size
from layout.model.modes import OutputMode, output_profile
from layout.page.ads import TOLERANCE
from layout.page.display import Form, GlyphRun, Image, Marker
from layout.page.grid import Grid
from layout.pdf.adcheck import check_ads
from layout.pdf.verify import pdf_page_chars
from tests.support.ads import AD_TEXT, CM, EIGHT, TEXT_AT, TEXT_SIZE, ad_edition, jpeg_ad, pdf_ad

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
STRIP = "{id: bank, file: ad.pdf, booking: JC-AD-001, advertiser: 江城银行, frame: {size: 8栏×17cm, bottom: true}}"


def _problems(exc: pytest.ExceptionInfo) -> list:
    return exc.value.problems


def test_booked_sizes_read_as_ad_sales_write_them():
    assert parse_size("8栏×17cm").columns == 8
    assert parse_size("8栏×17cm").height == pytest.approx(17 * CM)
    assert parse_size("4 栏 x 100 mm").height == pytest.approx(10 * CM)
    assert parse_size("2栏*6厘米").height == pytest.approx(6 * CM)
    assert parse_size({"columns": 3, "height": "5cm"}).columns == 3
    for bad in ("8x17cm", "栏×17cm", "8栏×17", 8, {"columns": 0, "height": "1cm"}):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_bottom_ad_sits_on_the_foot_and_copy_keeps_clear(tmp_path):
    pdf_ad(tmp_path / "ad.pdf")
    prep = prepare(ad_edition(tmp_path, STRIP, story_lines=65, chars=5600))
    ad = prep.edition.page("A1").ads[0]
    # 17 cm + 2 mm of white = 487.6 pt: 37 lines of 13.5 pt, ending on the type area's last line
    assert (ad.frame.top, ad.frame.lines, ad.frame.col, ad.frame.span) == (65, 37, 1, 8)
    grid = Grid(prep.style)
    items = compose_all(prep)[0].display.items
    form = next(it for it in items if isinstance(it, Form))
    assert form.y + form.h == pytest.approx(grid.line_y(prep.style.lines))  # on the foot
    assert form.x == pytest.approx(grid.col_x(1)) and form.w == pytest.approx(EIGHT)
    body = [it for it in items if isinstance(it, GlyphRun) and it.story == "s1"]
    assert body and max(r.y for r in body) < form.y  # every line of copy above the ad
    marks = [it for it in items if isinstance(it, Marker) and "JC-AD-001" in it.text]
    assert [(m.kind, m.text) for m in marks] == [("frame", "广告 bank 订单 JC-AD-001")]  # on proofs only


def test_copy_overlapping_an_ad_is_an_error_naming_both(tmp_path):
    pdf_ad(tmp_path / "ad.pdf")
    with pytest.raises(ManifestError) as e:
        prepare(ad_edition(tmp_path, STRIP, story_lines=70))
    msg = str(e.value)
    assert "'s1'" in msg and "'ad bank'" in msg and "overlap" in msg


def test_ad_of_the_wrong_size_is_refused_with_both_sizes(tmp_path):
    pdf_ad(tmp_path / "ad.pdf", h=16 * CM)
    with pytest.raises(ManifestError) as e:
        prepare(ad_edition(tmp_path, STRIP, story_lines=65))
    (p,) = _problems(e)
    assert "'bank'" in p.message and "ad.pdf" in p.message
    assert "352.4 × 160.0 mm" in p.message and "352.4 × 170.0 mm" in p.message
    assert p.line == 12 and p.path == "pages.A1.ads[0].frame"


def test_a_booking_taller_than_the_type_area_is_an_error(tmp_path):
    pdf_ad(tmp_path / "ad.pdf")
    with pytest.raises(ManifestError) as e:
        prepare(ad_edition(tmp_path, STRIP.replace("17cm", "60cm"), story_lines=65))
    assert any("8栏×60cm needs 127 grid lines; the type area has 102" in p.message for p in _problems(e))


def test_ad_within_half_a_millimetre_is_accepted(tmp_path):
    pdf_ad(tmp_path / "ad.pdf", w=EIGHT + TOLERANCE * 0.9, h=17 * CM - TOLERANCE * 0.9)
    prepare(ad_edition(tmp_path, STRIP, story_lines=65))


@pytest.mark.parametrize("damage", ["encrypted", "truncated", "not-pdf"])
def test_damaged_or_encrypted_ad_is_a_manifest_error_with_id_and_line(tmp_path, damage):
    f = tmp_path / "ad.pdf"
    pdf_ad(f, encrypt=damage == "encrypted")
    if damage == "truncated":
        data = f.read_bytes()
        f.write_bytes(data[: len(data) // 3])
    elif damage == "not-pdf":
        f.write_bytes(b"GIF89a" + bytes(200))
    with pytest.raises(ManifestError) as e:
        prepare(ad_edition(tmp_path, STRIP, story_lines=65))
    (p,) = _problems(e)
    assert p.message.startswith("ad 'bank': PDF ad.pdf ") and p.line == 12
    assert p.path == "pages.A1.ads[0].file"
    assert {"encrypted": "encrypted", "truncated": "damaged", "not-pdf": "not a PDF"}[damage] in p.message


def test_a_pdf_of_several_pages_is_refused(tmp_path):
    from pypdf import PdfWriter

    pdf_ad(tmp_path / "one.pdf")
    w = PdfWriter()
    for _ in range(2):
        w.add_page(PdfReader(tmp_path / "one.pdf").pages[0])
    w.write(tmp_path / "ad.pdf")
    with pytest.raises(ManifestError) as e:
        prepare(ad_edition(tmp_path, STRIP, story_lines=65))
    (p,) = _problems(e)
    assert "has 2 pages" in p.message and "'bank'" in p.message and p.line == 12


def test_ad_entry_errors_name_the_key_and_what_to_do(tmp_path):
    pdf_ad(tmp_path / "ad.pdf")
    cases = {
        "{id: a, file: ad.pdf, frame: {size: 8栏×17cm, bottom: true}}": "missing required key 'booking'",
        "{id: a, file: ad.pdf, booking: X, frame: {size: 8x17cm, bottom: true}}": "cannot read booked size",
        "{id: a, file: ad.pdf, booking: X, frame: {size: 8栏×17cm}}": "bottom: true",
        "{id: a, file: ad.pdf, booking: X, frame: {span: 4, size: 8栏×17cm, bottom: true}}": "disagrees",
        "{id: a, file: ad.pdf, booking: X, frame: {span: 8, top: 3, bottom: true, lines: 4}}": "both given",
        "{id: a, file: ad.gif, booking: X, frame: {size: 8栏×17cm, bottom: true}}": "not found",
    }
    for entry, words in cases.items():
        with pytest.raises(ManifestError) as e:
            prepare(ad_edition(tmp_path, entry, story_lines=65))
        assert any(words in p.message and p.line >= 12 for p in _problems(e)), (entry, str(e.value))


def _print_checks(tmp_path, **ad_kwargs) -> list:
    pdf_ad(tmp_path / "ad.pdf", **ad_kwargs)
    prep = prepare(ad_edition(tmp_path, STRIP, story_lines=65))
    with pytest.raises(ManifestError) as e:
        check_ads(prep.edition, prep.style, output_profile(OutputMode.PRINT))
    return _problems(e)


def test_rgb_ad_is_refused_in_print_naming_it_and_accepted_in_proof(tmp_path):
    (p,) = _print_checks(tmp_path, rgb=True)
    assert "ad 'bank' (ad.pdf) on A1" in p.message and "RGB" in p.message and p.line == 12
    prep = prepare(tmp_path / "edition.yaml")
    assert check_ads(prep.edition, prep.style, output_profile(OutputMode.PROOF)) == []


def test_ad_over_the_ink_limit_is_refused_with_its_total(tmp_path):
    (p,) = _print_checks(tmp_path, ink=(0.9, 0.9, 0.9, 0.5))
    assert "320% total ink" in p.message and "limit is 220%" in p.message


def test_ad_without_embedded_fonts_is_refused(tmp_path):
    (p,) = _print_checks(tmp_path, embedded=False)
    assert "Helvetica" in p.message and "not embedded" in p.message


def test_rgb_or_low_resolution_jpeg_ads_are_refused(tmp_path):
    jpeg_ad(tmp_path / "ad.jpg", mode="RGB", ppi=150, h_pt=17 * CM)
    prep = prepare(ad_edition(tmp_path, STRIP.replace("ad.pdf", "ad.jpg"), story_lines=65))
    with pytest.raises(ManifestError) as e:
        check_ads(prep.edition, prep.style, output_profile(OutputMode.PRINT))
    msg = str(e.value)
    assert "RGB image" in msg and "150 ppi" in msg and "'bank'" in msg


def test_archive_warns_about_an_ad_it_cannot_convert(tmp_path):
    pdf_ad(tmp_path / "ad.pdf", spot=True)
    prep = prepare(ad_edition(tmp_path, STRIP, story_lines=65))
    (f,) = check_ads(prep.edition, prep.style, output_profile(OutputMode.ARCHIVE))
    assert f.severity == "warning" and "'bank'" in f.message and "spot colour" in f.message


def test_the_ads_bytes_are_in_the_page_cache_key(tmp_path):
    pdf_ad(tmp_path / "ad.pdf")
    manifest = ad_edition(tmp_path, STRIP, story_lines=65)

    def key() -> str:
        prep = prepare(manifest)
        cache = PageCache(tmp_path / "cache", prep.edition, prep.style, "print", {})
        return cache.key(prep.edition.page("A1"))

    before = key()
    pdf_ad(tmp_path / "ad.pdf", ink=(0, 0.3, 0.9, 0))  # the agency sends a corrected file
    assert key() != before


@pytest.mark.slow
def test_cmyk_ad_is_placed_vector_exact(tmp_path):
    pdf_ad(tmp_path / "ad.pdf")
    manifest = ad_edition(tmp_path, STRIP, story_lines=65, chars=5600)
    build(manifest, BuildOptions(out_dir=tmp_path / "out", jobs=1))
    prep = prepare(manifest)
    grid = Grid(prep.style)
    page_pdf = (tmp_path / "out" / "pages" / "A1.pdf").read_bytes()
    trim = PdfReader(io.BytesIO(page_pdf)).pages[0].trimbox  # the page's origin inside its media box
    bleed = float(trim.left)
    chars = pdf_page_chars(page_pdf)[:len(AD_TEXT)]  # the ad is drawn before the page's own text
    assert "".join(c.ch for c in chars) == AD_TEXT  # the ad's text, extractable
    # the ad's lower left corner sits on the foot of the type area, at column 1
    left = bleed + grid.col_x(1)
    foot = bleed + grid.line_y(prep.style.lines)  # from the top of the media box
    assert chars[0].x == pytest.approx(left + TEXT_AT[0], abs=0.01)
    assert chars[0].y == pytest.approx(foot - TEXT_AT[1], abs=0.01)
    assert chars[0].size == pytest.approx(TEXT_SIZE, abs=0.01)  # 100 %: not scaled
    page = PdfReader(io.BytesIO(page_pdf)).pages[0]
    forms = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    (form,) = [x for x in forms if x["/Subtype"] == "/Form"]
    fonts = form["/Resources"]["/Font"]
    assert any("/FontFile2" in f.get_object()["/FontDescriptor"] for f in fonts.values())  # its own font, kept
    assert re.search(rb"\bk\b", form.get_data()) and b" rg" not in form.get_data()  # CMYK as sent
    build(manifest, BuildOptions(out_dir=tmp_path / "out2", jobs=1, report=tmp_path / "fit.json"))
    ads = json.loads((tmp_path / "fit.json").read_text(encoding="utf-8"))["ads"]
    assert ads == [{"page": "A1", "id": "bank", "booking": "JC-AD-001", "advertiser": "江城银行", "file": "ad.pdf",
                    "file_sha256": prep.edition.page("A1").ads[0].sha256,
                    "frame": {"col": 1, "span": 8, "top": 65, "lines": 37}, "booked_size": "8栏×17cm"}]


@pytest.mark.slow
def test_jpeg_ad_is_placed_at_its_recorded_size(tmp_path):
    jpeg_ad(tmp_path / "ad.jpg", h_pt=17 * CM)
    manifest = ad_edition(tmp_path, STRIP.replace("ad.pdf", "ad.jpg"), story_lines=65, chars=5600)
    prep = prepare(manifest)
    img = next(it for it in compose_all(prep)[0].display.items if isinstance(it, Image))
    assert (img.w, img.h) == (pytest.approx(EIGHT, abs=0.2), pytest.approx(17 * CM, abs=0.2))
    assert img.ppi == pytest.approx(300, abs=1)
    build(manifest, BuildOptions(out_dir=tmp_path / "out", jobs=1))
    page = PdfReader(tmp_path / "out" / "pages" / "A1.pdf").pages[0]
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()
              if x.get_object()["/Subtype"] == "/Image"]
    assert len(images) == 1 and "CMYK" in str(images[0]["/ColorSpace"])


@pytest.mark.slow
def test_graphic_is_scaled_to_fit_with_caption_and_stays_vector(tmp_path):
    pdf_ad(tmp_path / "chart.pdf", w=300, h=200)
    pdf_ad(tmp_path / "ad.pdf")
    extra = ("    graphics:\n      - {id: chart, file: chart.pdf, frame: {col: 1, span: 4, top: 0, lines: 30}, "
             "caption: 上半年主要经济指标。, credit: 本报制图}\n")
    manifest = ad_edition(tmp_path, STRIP, story_lines=65, chars=2500, extra=extra)
    text = (tmp_path / "edition.yaml").read_text(encoding="utf-8")
    (tmp_path / "edition.yaml").write_text(text.replace("frame: {col: 1, span: 8, top: 0, lines: 65}",
                                                        "frame: {col: 5, span: 4, top: 0, lines: 65}"), encoding="utf-8")
    prep = prepare(manifest)
    items = compose_all(prep)[0].display.items
    form = next(it for it in items if isinstance(it, Form) and it.id == "chart")
    grid = Grid(prep.style)
    assert form.w == pytest.approx(grid.span_width(4))  # contain: as wide as the frame
    assert form.w / form.h == pytest.approx(300 / 200)
    caption = [it for it in items if isinstance(it, GlyphRun) and it.story == "chart"]
    assert caption and min(r.y for r in caption) > form.y + form.h
    for mode in ("print", "archive"):
        build(manifest, BuildOptions(out_dir=tmp_path / mode, jobs=1, mode=OutputMode(mode)))
    sidecar = json.loads(next((tmp_path / "archive").glob("*.json")).read_text(encoding="utf-8"))
    assert [(a["id"], a["booking"], a["page"]) for a in sidecar["ads"]] == [("bank", "JC-AD-001", "A1")]
    archive = next((tmp_path / "archive").rglob("A1.pdf")).read_bytes()
    text = "".join(c.ch for c in pdf_page_chars(archive))
    assert AD_TEXT in text  # still text in the archive (converted to RGB, not rasterised)
    page = PdfReader(io.BytesIO(archive)).pages[0]
    for x in page["/Resources"]["/XObject"].values():
        if x.get_object()["/Subtype"] == "/Form":
            data = x.get_object().get_data()
            assert b" rg" in data and not re.search(rb"\sk\s", data)


def test_a_photo_entry_may_name_a_pdf_and_a_graphic_must_be_one(tmp_path):
    pdf_ad(tmp_path / "ad.pdf")
    pdf_ad(tmp_path / "map.pdf", w=400, h=300)
    jpeg_ad(tmp_path / "pic.jpg", w_pt=400, h_pt=300, ppi=72, mode="RGB")
    extra = ("    photos:\n      - {id: map, file: map.pdf, frame: {col: 1, span: 4, top: 0, lines: 30}, fit: cover}\n"
             "    graphics:\n      - {id: pic, file: pic.jpg, frame: {col: 5, span: 4, top: 0, lines: 30}}\n")
    manifest = ad_edition(tmp_path, STRIP, story_lines=65, extra=extra)
    with pytest.raises(ManifestError) as e:
        prepare(manifest)
    assert any("graphic 'pic.jpg' is not a PDF" in p.message and p.path == "pages.A1.graphics[0].file"
               for p in _problems(e))
    text = manifest.read_text(encoding="utf-8").replace("    graphics:\n      - {id: pic, file: pic.jpg, frame: "
                                                        "{col: 5, span: 4, top: 0, lines: 30}}\n", "")
    manifest.write_text(text.replace("top: 0, lines: 65}", "top: 30, lines: 35}"), encoding="utf-8")
    items = compose_all(prepare(manifest))[0].display.items
    (form,) = [it for it in items if isinstance(it, Form) and it.id == "map"]
    assert form.clip is not None and form.h == pytest.approx(form.clip[3])  # cover: fills the height, clipped
