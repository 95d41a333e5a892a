"""METS 1.12.1 (with MODS) from archive builds: valid, its checksums those of the files,
every story an article whose areas name real ALTO blocks holding the story's text."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree

from layout.archive.validate import mets_errors
from layout.model.manifest import read_edition
from tests.support.archive import build_archive, read_alto, squash

pytestmark = pytest.mark.slow
M = "{http://www.loc.gov/METS/}"
MODS = "{http://www.loc.gov/mods/v3}"
XLINK = "{http://www.w3.org/1999/xlink}"
# the elements MODS 3.7 allows at the top of a record
MODS_TOP = {"abstract", "accessCondition", "classification", "extension", "genre", "identifier", "language",
            "location", "name", "note", "originInfo", "part", "physicalDescription", "recordInfo", "relatedItem",
            "subject", "tableOfContents", "targetAudience", "titleInfo", "typeOfResource"}


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    manifest, res = build_archive(tmp_path_factory.mktemp("mets"))
    path = res.edition_pdf.with_suffix(".mets.xml")
    return manifest, res, path, etree.parse(str(path)).getroot()


def test_mets_is_valid_and_beside_the_edition(archived):
    _, res, path, _ = archived
    assert path.parent == res.edition_pdf.parent and path.name == res.edition_pdf.stem + ".mets.xml"
    assert mets_errors(path.read_bytes()) == []
    assert mets_errors(path.read_bytes().replace(b'BETYPE="IDREF"', b'BETYPE="NOPE"'))


def test_every_file_with_its_checksum_and_size(archived):
    _, res, path, root = archived
    files = root.findall(f".//{M}file")
    groups = {g.get("USE"): len(g) for g in root.iter(f"{M}fileGrp")}
    assert groups == {"edition": 1, "page": 4, "FULLTEXT": 4}
    for f in files:
        target = path.parent / unquote(f.find(f"{M}FLocat").get(f"{XLINK}href"))
        data = target.read_bytes()
        assert f.get("CHECKSUMTYPE") == "SHA-256" and f.get("CHECKSUM") == hashlib.sha256(data).hexdigest(), target
        assert int(f.get("SIZE")) == len(data) and f.get("MIMETYPE") in ("application/pdf", "text/xml")
    assert {path.parent / unquote(f.find(f"{M}FLocat").get(f"{XLINK}href")) for f in files} == {
        res.edition_pdf, *res.page_pdfs.values(), *(p.parent.parent / "alto" / f"{p.stem}.xml"
                                                    for p in res.page_pdfs.values())}
    assert root.find(f"{M}metsHdr").get("CREATEDATE") == "2026-08-19T00:00:00"


def test_physical_structmap_pages_in_order(archived):
    _, _, _, root = archived
    phys = root.find(f"{M}structMap[@TYPE='PHYSICAL']/{M}div")
    assert phys.get("TYPE") == "issue" and phys.find(f"{M}fptr").get("FILEID") == "FILE_EDITION"
    pages = phys.findall(f"{M}div")
    assert [p.get("ORDERLABEL") for p in pages] == ["A1", "A2", "A3", "T1"]
    assert [p.get("ORDER") for p in pages] == ["1", "2", "3", "4"]
    assert all(len(p.findall(f"{M}fptr")) == 2 for p in pages)


def test_every_story_is_an_article_whose_areas_hold_its_text(archived):
    manifest, res, path, root = archived
    edition, _ = read_edition(manifest)
    hrefs = {f.get("ID"): path.parent / unquote(f.find(f"{M}FLocat").get(f"{XLINK}href"))
             for f in root.iter(f"{M}file")}
    altos = {}
    logical = root.find(f"{M}structMap[@TYPE='LOGICAL']/{M}div")
    sections = logical.findall(f"{M}div")
    assert [s.get("LABEL") for s in sections] == ["要闻", "特刊"]
    dmd = {d.get("ID"): d.find(f".//{MODS}mods") for d in root.iter(f"{M}dmdSec")}
    articles = {a.get("DMDID"): a for a in logical.iter(f"{M}div") if a.get("TYPE") == "article"}
    stories = [s for p in edition.pages for s in p.stories if not s.continued_from]
    assert len(articles) == len(stories) == 5
    for s in stories:
        art = next(a for k, a in articles.items() if dmd[k].findtext(f"{MODS}identifier") == s.id)
        mods = dmd[art.get("DMDID")]
        assert mods.findtext(f"{MODS}titleInfo/{MODS}title") == s.headline.text
        text = {}
        for part in art.findall(f"{M}div"):
            for area in part.iter(f"{M}area"):
                assert area.get("BETYPE") == "IDREF"
                fid = area.get("FILEID")
                alto = altos.setdefault(fid, read_alto(hrefs[fid]))
                ident = area.get("BEGIN")
                assert ident in alto.blocks or alto.root.find(f".//*[@ID='{ident}']") is not None, ident
                if ident in alto.blocks:
                    b = alto.blocks[ident]
                    text[b.kind] = text.get(b.kind, "") + b.text
        assert text["body"] == squash("".join(s.paragraphs)), s.id
        assert text["headline"] == squash(s.headline.text)
    lead = next(a for k, a in articles.items() if dmd[k].findtext(f"{MODS}identifier") == "lead")
    assert [p.get("ORDERLABEL") for p in lead.findall(f"{M}div")] == ["A1", "A3"]
    smlinks = {(ln.get(f"{XLINK}from"), ln.get(f"{XLINK}to")) for ln in root.iter(f"{M}smLink")}
    assert (lead.get("ID"), "PHYS_P3") in smlinks


def test_mods_of_the_issue_and_articles(archived):
    _, _, _, root = archived
    records = list(root.iter(f"{MODS}mods"))
    assert len(records) == 6  # the issue and five articles
    for r in records:
        assert r.get("version") == "3.7"
        assert {c.tag.removeprefix(MODS) for c in r} <= MODS_TOP
        assert r.find(f"{MODS}language/{MODS}languageTerm[@authority='rfc5646']").text == "zh"
    issue = root.find(f"{M}dmdSec[@ID='DMD_ISSUE']//{MODS}mods")
    assert issue.findtext(f"{MODS}titleInfo/{MODS}title") == "江城日报"
    assert issue.findtext(f"{MODS}originInfo/{MODS}dateIssued") == "2026-08-19"
    assert issue.findtext(f"{MODS}part/{MODS}detail[@type='issue']/{MODS}number") == "25312"
    assert [t.text for t in issue.findall(f"{MODS}relatedItem/{MODS}titleInfo/{MODS}title")] == ["要闻", "特刊"]


def test_mets_is_the_same_bytes_when_built_again(archived):
    manifest, res, path, _ = archived
    from layout.archive.package import ArchivePackage
    from layout.build.pipeline import BuildOptions, build

    before = path.read_bytes()
    again = build(manifest, BuildOptions(path.parent, "archive", desk_outputs=(ArchivePackage(),)))
    assert again.edition_pdf.with_suffix(".mets.xml").read_bytes() == before
    assert Path(again.edition_pdf) == res.edition_pdf


def test_the_sidecar_alone_holds_every_text_and_its_alto_ids(archived):
    import json

    manifest, res, path, _ = archived
    edition, _ = read_edition(manifest)
    side = json.loads(res.edition_pdf.with_suffix(".json").read_text(encoding="utf-8"))
    assert side["edition"]["number"] == 25312 and side["edition"]["language"] == "zh"
    assert [s["name"] for s in side["edition"]["sections"]] == ["要闻", "特刊"]
    assert [p["label"] for p in side["pages"]] == ["A1", "A2", "A3", "T1"]
    altos = {p["label"]: read_alto(path.parent / p["alto"]) for p in side["pages"]}
    for p in side["pages"]:
        assert (path.parent / p["pdf"]).is_file()
        assert p["reading_order"] == list(p["alto_blocks"])
    for page in edition.pages:
        for s in page.stories:
            if s.continued_from:
                continue
            got = side["stories"][s.id]
            assert (got["headline"], got["kicker"], got["subhead"], got["byline"]) == (
                s.headline.text, s.kicker, s.subhead, s.byline)
            assert got["paragraphs"] == list(s.paragraphs) and len(got["text_sha256"]) == 64
            assert got["page"] == page.label and got["section"] == "要闻"
            body = ""
            for pl in got["placements"]:
                alto = altos[pl["page"]]
                assert pl["alto_blocks"] and all(i in alto.blocks or i.split("_")[1].startswith("I")
                                                 for i in pl["alto_blocks"])
                body += "".join(alto.blocks[i].text for i in pl["alto_blocks"]
                                if i in alto.blocks and alto.blocks[i].kind == "body")
            assert body == squash("".join(s.paragraphs)), s.id
    inphoto = side["stories"]["inphoto"]["photos"]
    assert inphoto == [{"id": "ph", "file": "../ed/photos/p.jpg", "caption": "列车驶过江城站。", "credit": "本报记者陈亮 摄"}]
    assert [pl["page"] for pl in side["stories"]["lead"]["placements"]] == ["A1", "A3"]
