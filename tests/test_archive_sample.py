"""The bundled 36-page sample built in archive mode by the command line: its ALTO and
METS valid, every story whole in both, every word on its glyphs, every checksum right."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from urllib.parse import unquote

import pytest
from lxml import etree

from layout.archive.validate import alto_errors, mets_errors
from layout.build.pipeline import safe_name
from layout.model.manifest import read_edition
from layout.paths import sample_edition
from tests.support.archive import read_alto, squash, story_texts, strings_on_glyphs

pytestmark = pytest.mark.slow
M = "{http://www.loc.gov/METS/}"
XLINK = "{http://www.w3.org/1999/xlink}"


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    """Built by the command line in a process of its own (this one stays small: a later
    test measures its children's memory, which starts from this process's)."""
    out = tmp_path_factory.mktemp("sample-archive")
    res = subprocess.run([sys.executable, "-m", "layout", "-q", "build", "--mode", "archive", "-o", str(out)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    edition, _ = read_edition(sample_edition())
    return out, edition


def test_sample_alto_valid_and_every_story_reads_back(sample):
    out, edition = sample
    files = [out / "archive" / "alto" / f"{safe_name(edition, p.label)}.xml" for p in edition.pages]
    assert len(files) == 36
    for f in files:
        assert alto_errors(f.read_bytes()) == [], f
    texts: dict = {}
    for f in files:  # one file at a time, each dropped once read
        alto = read_alto(f)
        strings_on_glyphs(alto, out / "archive" / "pages" / f"{f.stem}.pdf")  # words on their glyphs, 0.2 mm
        for key, text in story_texts([alto]).items():
            texts[key] = texts.get(key, "") + text
        del alto
    stories = [s for p in edition.pages for s in p.stories if not s.continued_from]
    assert len(stories) > 200
    for s in stories:
        assert texts[(s.id, "body")] == squash("".join(s.paragraphs)), s.id
        for kind, want in (("headline", s.headline.text if s.headline else ""), ("kicker", s.kicker),
                           ("subhead", s.subhead), ("byline", s.byline)):
            if want:
                assert texts[(s.id, kind)] == squash(want), (s.id, kind)


def test_sample_mets_valid_checksums_and_every_story(sample):
    out, edition = sample
    (path,) = out.glob("*.mets.xml")
    assert mets_errors(path.read_bytes()) == []
    root = etree.parse(str(path)).getroot()
    files = list(root.iter(f"{M}file"))
    assert len(files) == 1 + 36 + 36
    for f in files:
        data = (path.parent / unquote(f.find(f"{M}FLocat").get(f"{XLINK}href"))).read_bytes()
        assert f.get("CHECKSUM") == hashlib.sha256(data).hexdigest() and int(f.get("SIZE")) == len(data)
    labels = [d.get("ORDERLABEL") for d in root.find(f"{M}structMap[@TYPE='PHYSICAL']/{M}div")]
    assert labels == [None] + [p.label for p in edition.pages]  # the fptr, then the pages
    ids = {m.findtext(".//{http://www.loc.gov/mods/v3}identifier") for m in root.iter(f"{M}dmdSec")}
    stories = {s.id for p in edition.pages for s in p.stories if not s.continued_from}
    assert stories <= ids
    articles = [d for d in root.iter(f"{M}div") if d.get("TYPE") == "article"]
    assert len(articles) == len(stories)
