"""The page record (page/record.py) and the desk-output hook (build/desk.py): what the
desks' outputs read of every page, cached or not, and written with the build's files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from layout.build.desk import FinishedEdition
from layout.build.pageresult import from_plain, to_plain
from layout.build.pipeline import BuildOptions, build
from layout.errors import LayoutError, Problem
from layout.page.fidelity import STORY_TEXT_ROLES
from layout.page.record import FrameKind, advances, faces_by_key
from tests.support.editions import write_edition


class _Listing:
    """A desk output that lists each page's stories, and remembers what it was given."""

    name = "listing"

    def __init__(self, fail: bool = False):
        self.fail = fail
        self.seen: FinishedEdition | None = None

    def files(self, finished: FinishedEdition) -> dict[Path, bytes]:
        self.seen = finished
        if self.fail:
            raise LayoutError(Problem("the listing cannot be made"))
        lines = [f"{r.record.label}: {' '.join(sorted({f.owner for f in r.record.frames}))}" for r in finished.pages]
        return {finished.out_dir / "desk" / "listing.txt": "\n".join(lines).encode()}


@pytest.mark.slow
def test_records_hold_every_story_line_and_survive_the_cache(tmp_path):
    man = write_edition(tmp_path / "ed")
    out = tmp_path / "out"
    first = build(man, BuildOptions(out_dir=out))
    a1 = first.records[0]
    assert a1.label == "A1"
    kinds = {f.owner: f.kind for f in a1.frames}
    assert kinds["lead"] == kinds["vert"] == FrameKind.STORY
    # the body text of each story, from the record, is the text the fidelity check saw
    from layout.build.pipeline import prepare
    prep = prepare(man)
    faces = faces_by_key(prep.fonts.faces)
    body = "".join(r.text for r in a1.runs_of("lead") if r.role in STORY_TEXT_ROLES)
    source = "".join(prep.edition.page("A1").stories[0].paragraphs)
    assert len(body) > 500 and source.startswith(body)  # the start of the jumped story, as set
    # every body line ends inside its frame (the widths come from the fonts as drawn), but
    # for a pause or stop hung at the line's end: its em box's empty half past the edge
    frame = next(f for f in a1.frames if f.owner == "lead")
    for r in a1.runs_of("lead"):
        if r.role == "body":
            hang = r.size / 2 if r.text[-1] in "，、；。？！：" else 0.0
            assert frame.x - 0.01 <= r.x and r.x + sum(advances(r, faces)) - r.tc <= frame.x + frame.w + hang + 0.01
    assert any(p.owner == "ph" for p in a1.pictures)
    # a rebuild takes every page from the cache: the records are the same
    again = build(man, BuildOptions(out_dir=out))
    assert again.reused == [r.label for r in again.records]
    assert again.records == first.records


def test_a_record_round_trips_through_the_plain_form(tmp_path):
    man = write_edition(tmp_path / "ed", lead_chars=600)
    from layout.build.pipeline import plan_pages, prepare
    from layout.model.modes import output_profile

    prep = prepare(man)
    job = plan_pages(prep, BuildOptions(out_dir=tmp_path / "o", cache=False), output_profile("print"), ["A1"], None)
    result = job.run("A1")
    plain, blobs = to_plain(result)
    back = from_plain(plain, blobs)
    assert back.record == result.record and len(back.record.runs) > 50
    plain["record"]["frames"][0][0] = "spaceship"
    with pytest.raises(ValueError):
        from_plain(plain, blobs)


@pytest.mark.slow
def test_desk_outputs_are_written_with_the_build_or_not_at_all(tmp_path):
    man = write_edition(tmp_path / "ed", lead_chars=600)
    out = tmp_path / "out"
    listing = _Listing()
    res = build(man, BuildOptions(out_dir=out, desk_outputs=(listing,)))
    text = (out / "desk" / "listing.txt").read_text()
    assert text.startswith("A1: ") and "lead" in text.splitlines()[0] and len(text.splitlines()) == 4
    assert res.desk_files == [out / "desk" / "listing.txt"]
    assert listing.seen is not None and listing.seen.edition_pdf.startswith(b"%PDF-")
    # a failing desk output stops the build before anything is written
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")}
    (tmp_path / "ed" / "lead.txt").write_text("改过的导语。" * 80, encoding="utf-8")
    with pytest.raises(LayoutError):
        build(man, BuildOptions(out_dir=out, desk_outputs=(_Listing(fail=True),)))
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.pdf")} == before


class _PerPage:
    """A desk output with work on each page (desk.py PageOutput): it notes which process
    made each page, and writes what the pages carried to it."""

    name = "per page"

    def page_files(self, result, out_dir: Path, profile) -> dict[Path, bytes]:
        return {out_dir / "desk" / f"{result.record.label}.pid": str(os.getpid()).encode()}

    def files(self, finished: FinishedEdition) -> dict[Path, bytes]:
        return {p: b for r in finished.pages for p, b in r.desk_files.items()}


@pytest.mark.slow
def test_page_outputs_run_where_each_page_is_made_and_not_for_cached_pages(tmp_path):
    man = write_edition(tmp_path / "ed", lead_chars=600)
    out = tmp_path / "out"
    build(man, BuildOptions(out_dir=out, jobs=2, desk_outputs=(_PerPage(),)))
    pids = {p.stem: int(p.read_text()) for p in (out / "desk").glob("*.pid")}
    assert set(pids) == {"A1", "A2", "A3", "T1"} and os.getpid() not in pids.values()  # in the page workers
    for p in (out / "desk").glob("*.pid"):
        p.unlink()
    build(man, BuildOptions(out_dir=out, jobs=2, desk_outputs=(_PerPage(),)))  # every page from the cache
    assert not list((out / "desk").glob("*.pid"))


def test_a_record_crosses_from_a_worker_as_it_was():
    """PageRecord.__reduce__ sends the runs as columns (the process pool's transfer): the
    record comes back equal, its runs RunRecords, their types kept (an int stays an int)."""
    import copy

    from layout.page.record import FrameRecord, PageRecord, PictureRecord, RunRecord

    runs = (RunRecord("s1", "body", 10.5, 20.25, "Song", 9.5, "中文字符", 0.1, False),
            RunRecord("s1", "headline", 11, 40.0, "Hei", 24.0, "标题", 0.0, True))
    rec = PageRecord("A1", 800.0, 1200.0, runs, (FrameRecord(FrameKind.STORY, "s1", 1.0, 2.0, 3.0, 4.0),),
                     (PictureRecord("p1", 1.0, 2.0, 3.0, 4.0, "/photos/p1.jpg", (0, 0, 10, 10)),))
    for back in (copy.deepcopy(rec), copy.copy(rec), copy.deepcopy(PageRecord("A2", 1.0, 2.0, ()))):
        want = rec if back.label == "A1" else PageRecord("A2", 1.0, 2.0, ())
        assert back == want and all(type(r) is RunRecord for r in back.runs)
        assert [tuple(map(type, r)) for r in back.runs] == [tuple(map(type, r)) for r in want.runs]
