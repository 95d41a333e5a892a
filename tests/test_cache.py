"""The page cache: unchanged pages are reused, changed ones rebuilt, output unchanged."""

from __future__ import annotations

import pytest

from layout.build.pipeline import BuildOptions, build
from tests.support.editions import write_edition

# builds and writes whole (small) editions, or runs processes: not the fast core
pytestmark = pytest.mark.slow


def test_rebuild_reuses_unchanged_pages_and_stays_byte_identical(tmp_path):
    ed = write_edition(tmp_path / "ed")
    out = tmp_path / "out"
    first = build(ed, BuildOptions(out_dir=out))
    assert first.reused == []
    again = build(ed, BuildOptions(out_dir=out))
    assert sorted(again.reused) == sorted(first.page_pdfs)  # nothing changed: every page reused
    assert again.edition_pdf.read_bytes() == first.edition_pdf.read_bytes()

    # change the A2 story's text: only A2 is composed again
    text = ed.read_text(encoding="utf-8").replace("seed: 9, chars: 800", "seed: 10, chars: 800")
    ed.write_text(text, encoding="utf-8")
    third = build(ed, BuildOptions(out_dir=out))
    assert "A2" not in third.reused and {"A1", "A3", "T1"} <= set(third.reused)
    fresh = build(ed, BuildOptions(out_dir=tmp_path / "fresh", cache=False))
    assert fresh.reused == []
    assert third.edition_pdf.read_bytes() == fresh.edition_pdf.read_bytes()
    assert third.page_pdfs["A2"].read_bytes() == fresh.page_pdfs["A2"].read_bytes()


def test_a_jumped_story_invalidates_both_of_its_pages(tmp_path):
    ed = write_edition(tmp_path / "ed")
    out = tmp_path / "out"
    build(ed, BuildOptions(out_dir=out))
    body = tmp_path / "ed" / "lead.txt"
    body.write_text(body.read_text(encoding="utf-8").replace("江城市", "江城"), encoding="utf-8")
    res = build(ed, BuildOptions(out_dir=out))
    assert "A1" not in res.reused and "A3" not in res.reused  # the continuation resumes elsewhere now
    assert {"A2", "T1"} <= set(res.reused)
    fresh = build(ed, BuildOptions(out_dir=tmp_path / "fresh", cache=False))
    assert res.edition_pdf.read_bytes() == fresh.edition_pdf.read_bytes()


def test_mode_is_part_of_the_key(tmp_path):
    ed = write_edition(tmp_path / "ed")
    out = tmp_path / "out"
    build(ed, BuildOptions(out_dir=out))
    proof = build(ed, BuildOptions(out_dir=out, mode="proof"))
    assert proof.reused == []


def test_unchanged_page_files_keep_their_file_touched_ones_are_rewritten(tmp_path):
    """A hot folder feeding the platesetter sees only the plates that changed."""
    import os

    ed = write_edition(tmp_path / "ed")
    out = tmp_path / "out"
    first = build(ed, BuildOptions(out_dir=out, jobs=1))
    stats = {lab: p.stat() for lab, p in first.page_pdfs.items()}
    a3 = first.page_pdfs["A3"]
    os.utime(a3, ns=(1, 1))  # somebody touched A3 (or replaced it by hand)
    ed.write_text(ed.read_text(encoding="utf-8").replace("seed: 9, chars: 800", "seed: 11, chars: 800"),
                  encoding="utf-8")
    second = build(ed, BuildOptions(out_dir=out, jobs=1))
    now = {lab: p.stat() for lab, p in second.page_pdfs.items()}
    for lab in ("A1", "T1"):
        assert (now[lab].st_ino, now[lab].st_mtime_ns) == (stats[lab].st_ino, stats[lab].st_mtime_ns), lab
    assert now["A2"].st_ino != stats["A2"].st_ino  # changed page: a new file renamed into place
    assert now["A3"].st_mtime_ns != 1  # touched file: written again
    fresh = build(ed, BuildOptions(out_dir=tmp_path / "fresh", cache=False, jobs=1))
    assert set(fresh.page_pdfs) == set(second.page_pdfs) == {"A1", "A2", "A3", "T1"}
    for lab, p in fresh.page_pdfs.items():
        assert second.page_pdfs[lab].read_bytes() == p.read_bytes(), lab
    # a partial build takes the other pages from the cache (the edition stays whole) and
    # leaves their files as they were
    third = build(ed, BuildOptions(out_dir=out, jobs=1, pages=["A2"]))
    assert set(third.page_pdfs) == {"A1", "A2", "A3", "T1"} and sorted(third.reused) == ["A1", "A2", "A3", "T1"]
    assert third.page_pdfs["A1"].stat().st_ino == stats["A1"].st_ino
    fourth = build(ed, BuildOptions(out_dir=out, jobs=1))
    assert fourth.page_pdfs["A1"].stat().st_ino == stats["A1"].st_ino


def test_a_photo_replaced_under_the_same_name_rebuilds_its_page(tmp_path):
    """Page keys are remembered by the page's value within a process; a photo file is only
    named by that value, so its signature is part of what is remembered."""
    from PIL import Image as PILImage

    ed = write_edition(tmp_path / "ed")
    out = tmp_path / "out"
    first = build(ed, BuildOptions(out_dir=out))
    assert sorted(build(ed, BuildOptions(out_dir=out)).reused) == sorted(first.page_pdfs)
    photo = tmp_path / "ed" / "photos" / "p.jpg"
    PILImage.new("RGB", (1200, 900), (200, 40, 40)).save(photo, quality=80)
    res = build(ed, BuildOptions(out_dir=out))
    assert "A1" not in res.reused and {"A2", "A3", "T1"} <= set(res.reused)
    fresh = build(ed, BuildOptions(out_dir=tmp_path / "fresh", cache=False))
    assert res.edition_pdf.read_bytes() == fresh.edition_pdf.read_bytes()
