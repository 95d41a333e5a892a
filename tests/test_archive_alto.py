"""ALTO 4.4 from archive builds: valid, every story's text whole and in order, every word
where the PDF draws it (pdfium's glyph boxes, within 0.2 mm)."""

from __future__ import annotations

from pathlib import Path

import pytest

from layout.archive.package import ArchivePackage
from layout.archive.validate import alto_errors
from layout.build.blocks import alto_path
from layout.build.pipeline import BuildOptions, build
from layout.errors import RenderError
from layout.model.manifest import read_edition
from tests.support.archive import build_archive, read_alto, squash, story_texts, strings_on_glyphs
from tests.support.editions import write_edition

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("alto"))


def _files(res) -> list[Path]:
    return [alto_path(res.page_pdfs[cp.display.label]) for cp in res.pages]


def test_one_valid_alto_file_per_page_beside_the_page_pdfs(archived):
    _, res = archived
    files = _files(res)
    assert [f.name for f in files] == ["A1.xml", "A2.xml", "A3.xml", "T1.xml"]
    assert sorted(res.desk_files) == sorted(files + [res.edition_pdf.with_suffix(".mets.xml")])
    for f in files:
        assert f.parent == res.page_pdfs["A1"].parent.parent / "alto"
        data = f.read_bytes()
        assert alto_errors(data) == [], f
        alto = read_alto(f)
        assert alto.root.findtext("{*}Description/{*}MeasurementUnit") == "mm10"
        assert alto.root.findtext("{*}Description/{*}sourceImageInformation/{*}fileName") == f"../pages/{f.stem}.pdf"
        page = alto.root.find("{*}Layout/{*}Page")
        assert page.get("LANG") == "zh" and page.get("PRINTED_IMG_NR") == f.stem
        assert alto.root.find("{*}ReadingOrder") is not None
    # invalid ALTO is reported, not written
    assert alto_errors(files[0].read_bytes().replace(b"<MeasurementUnit>mm10", b"<MeasurementUnit>cm"))


def test_every_story_reads_back_whole_from_alto(archived):
    manifest, res = archived
    edition, _ = read_edition(manifest)
    texts = story_texts([read_alto(f) for f in _files(res)])
    stories = [s for p in edition.pages for s in p.stories if not s.continued_from]
    assert len(stories) == 5
    for s in stories:
        assert texts[(s.id, "body")] == squash("".join(s.paragraphs)), s.id
        assert texts[(s.id, "headline")] == squash(s.headline.text), s.id
    lead = next(s for s in stories if s.id == "lead")
    for kind in ("kicker", "subhead", "byline"):
        assert texts[("lead", kind)] == squash(getattr(lead, kind))
    assert texts[("inphoto", "caption")] == "列车驶过江城站。" and texts[("inphoto", "credit")] == "本报记者陈亮摄"
    a3 = read_alto(_files(res)[2])  # the continuation on A3: the same article, its jump line first
    assert [b.kind for b in a3.in_order() if b.article == "lead"][:2] == ["jump", "body"]


def test_roles_photos_vertical_headline_and_reading_order(archived):
    _, res = archived
    a1 = read_alto(_files(res)[0])
    vert = [b for b in a1.blocks.values() if b.article == "vert" and b.kind == "headline"]
    assert len(vert) == 1 and vert[0].vertical and vert[0].text == "长江大桥通车十周年"
    lines = a1.root.findall(f".//{{*}}TextBlock[@ID='{vert[0].id}']/{{*}}TextLine")
    assert lines and all(ln.get("BASEDIRECTION") == "ttb" for ln in lines)
    ill = a1.root.findall(".//{*}Illustration")
    assert len(ill) == 1 and ill[0].get("TYPE") == "photo"
    # the lead: kicker, headline, subhead, byline, then its body columns left to right
    lead = [b for b in a1.in_order() if b.article == "lead"]
    kinds = [b.kind for b in lead]
    assert kinds[:4] == ["kicker", "headline", "subhead", "byline"] and set(kinds[4:]) <= {"body", "jump"}
    body = [b for b in lead if b.kind == "body"]
    assert len(body) == 4  # four text columns
    lefts = [min(s.box[0] for s in b.strings) for b in body]
    assert lefts == sorted(lefts)
    # each block names its text style: the headline's is larger than the body's
    styles = {t.get("ID"): float(t.get("FONTSIZE")) for t in a1.root.iter("{*}TextStyle")}
    size = {b.get("ID"): styles[b.get("STYLEREFS")] for b in a1.root.iter("{*}TextBlock")}
    assert size[lead[1].id] > size[body[0].id] == 9.0
    # the photo comes before its caption in the article's order
    order = [i for i in a1.order]
    assert order.index(ill[0].get("ID")) < order.index(next(b.id for b in a1.blocks.values() if b.kind == "caption"))


def test_alto_strings_sit_on_the_pdf_glyphs(archived):
    _, res = archived
    for f in _files(res):
        strings_on_glyphs(read_alto(f), res.page_pdfs[f.stem])


def test_bleed_offset_in_print_mode(tmp_path):
    """With bleed (print mode) the page PDF's origin is the bleed's corner: ALTO follows it."""
    manifest = write_edition(tmp_path / "ed")
    res = build(manifest, BuildOptions(tmp_path / "out", "print", pages=["A2"], desk_outputs=(ArchivePackage(),)))
    f = alto_path(res.page_pdfs["A2"])
    assert alto_errors(f.read_bytes()) == []
    strings_on_glyphs(read_alto(f), res.page_pdfs["A2"])


def test_alto_is_the_same_from_the_page_cache(archived, tmp_path):
    manifest, res = archived
    before = {f: f.read_bytes() for f in _files(res)}
    again = build(manifest, BuildOptions(res.edition_pdf.parent, "archive", desk_outputs=(ArchivePackage(),)))
    assert set(again.reused) == {"A1", "A2", "A3", "T1"}
    assert {f: f.read_bytes() for f in _files(again)} == before


def test_an_invalid_alto_file_stops_the_build_before_anything_is_written(tmp_path, monkeypatch):
    import layout.archive.package as package

    manifest = write_edition(tmp_path / "ed")
    monkeypatch.setattr(package, "alto_page", lambda *a, **k: b"<alto/>")
    with pytest.raises(RenderError) as e:
        build(manifest, BuildOptions(tmp_path / "out", "archive", desk_outputs=(ArchivePackage(),)))
    assert "ALTO file A1.xml is not valid" in str(e.value)
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file() and ".cache" not in p.parts
                and p.name != ".layout.lock"]
