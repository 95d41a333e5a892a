"""The page cache: unchanged pages are reused, changed ones rebuilt, output unchanged."""

from __future__ import annotations

from layout.build import BuildOptions, build
from test_compose import write_edition


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
