"""`layout watch`: one resident process rebuilding only what an edit touched."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from layout.build.pipeline import BuildOptions, build
from layout.build.watch import Watcher
from layout.model.filler import filler_text
from layout.page.fidelity import normalise
from layout.pdf.verify import pdf_text
from tests.support.editions import write_edition

# builds and writes whole (small) editions, or runs processes: not the fast core
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _edition_text(res, label: str) -> str:
    return normalise(pdf_text(res.edition_pdf.read_bytes(), [cp.display.label for cp in res.pages].index(label)))


def test_an_edit_rebuilds_only_the_pages_it_touches(tmp_path):
    manifest = write_edition(tmp_path / "ed")
    w = Watcher(manifest, BuildOptions(out_dir=tmp_path / "out", jobs=1))
    first = w.build_once()
    assert first.error is None and first.result.reused == []
    assert w.changes() == []

    manifest.write_text(manifest.read_text(encoding="utf-8").replace("seed: 9,", "seed: 19,"), encoding="utf-8")
    assert w.changes() == [str(manifest.resolve())]
    ev = w.build_once(w.changes())
    res = ev.result
    assert ev.error is None
    assert sorted(set(cp.display.label for cp in res.pages) - set(res.reused)) == ["A2"]
    new = normalise(filler_text(19, 800))[:40]
    assert new in _edition_text(res, "A2")
    assert new in normalise(pdf_text(res.page_pdfs["A2"].read_bytes()))

    # a text file of a jumped story: its page and the page it continues on
    lead = tmp_path / "ed" / "lead.txt"
    lead.write_text("江城新闻稿开头改写。" + lead.read_text(encoding="utf-8"), encoding="utf-8")
    assert w.changes() == [str(lead)]
    res = w.build_once().result
    assert sorted(set(cp.display.label for cp in res.pages) - set(res.reused)) == ["A1", "A3"]
    assert "江城新闻稿开头改写" in _edition_text(res, "A1")


def test_watch_output_is_the_same_as_a_fresh_build(tmp_path):
    manifest = write_edition(tmp_path / "ed")
    w = Watcher(manifest, BuildOptions(out_dir=tmp_path / "watch", jobs=1))
    w.build_once()
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("seed: 9,", "seed: 29,"), encoding="utf-8")
    watched = w.build_once().result
    fresh = build(manifest, BuildOptions(out_dir=tmp_path / "fresh", jobs=1, cache=False))
    assert watched.edition_pdf.read_bytes() == fresh.edition_pdf.read_bytes()
    assert set(fresh.page_pdfs) == set(watched.page_pdfs) == {"A1", "A2", "A3", "T1"}
    for label, path in fresh.page_pdfs.items():
        assert watched.page_pdfs[label].read_bytes() == path.read_bytes(), label


def test_a_broken_manifest_is_reported_and_the_outputs_stay(tmp_path):
    manifest = write_edition(tmp_path / "ed")
    w = Watcher(manifest, BuildOptions(out_dir=tmp_path / "out", jobs=1))
    res = w.build_once().result
    before = res.edition_pdf.read_bytes()
    good = manifest.read_text(encoding="utf-8")
    manifest.write_text(good.replace("stories:", "stories: [", 1), encoding="utf-8")
    ev = w.build_once(w.changes())
    assert ev.result is None and ev.error is not None
    assert any("edition.yaml" in str(p) and p.line for p in ev.error.problems)
    assert res.edition_pdf.read_bytes() == before
    manifest.write_text(good.replace("seed: 9,", "seed: 39,"), encoding="utf-8")
    ev = w.build_once(w.changes())
    assert ev.error is None and ev.result.edition_pdf.read_bytes() != before


def test_output_folder_inside_the_edition_folder_is_not_watched(tmp_path):
    manifest = write_edition(tmp_path / "ed")
    w = Watcher(manifest, BuildOptions(out_dir=tmp_path / "ed" / "output", jobs=1))
    w.build_once()
    assert w.changes() == []  # the build's own outputs are not changes


@pytest.mark.slow
def test_cli_watch_rebuilds_after_a_save_then_stops(tmp_path):
    manifest = write_edition(tmp_path / "ed")
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "layout", "watch", str(manifest), "-o", str(out), "-j", "1",
                             "--interval", "0.05", "--max-builds", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if line.startswith("built"):
                break
        assert lines[-1].startswith("built 4 of 4 pages"), lines
        time.sleep(0.2)
        manifest.write_text(manifest.read_text(encoding="utf-8").replace("seed: 9,", "seed: 49,"), encoding="utf-8")
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert "built 1 of 4 pages (A2)" in stdout and "after a change to edition.yaml" in stdout, stdout


@pytest.mark.slow
def test_cli_watch_stops_on_ctrl_c_with_130(tmp_path):
    manifest = write_edition(tmp_path / "ed")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "layout", "watch", str(manifest), "-o", str(tmp_path / "out"),
                             "-j", "1", "--interval", "0.05"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=tmp_path)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if proc.stdout.readline().startswith("built"):
                break
        proc.send_signal(2)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert "stopped watching" in stderr and "Traceback" not in stderr


def test_untouched_page_files_are_not_rewritten_but_a_deleted_one_is(tmp_path):
    manifest = write_edition(tmp_path / "ed")
    w = Watcher(manifest, BuildOptions(out_dir=tmp_path / "out", jobs=1))
    res = w.build_once().result
    a1 = res.page_pdfs["A1"]
    before = a1.stat()
    res.page_pdfs["A3"].unlink()  # somebody removed a plate file
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("seed: 9,", "seed: 59,"), encoding="utf-8")
    res = w.build_once().result
    after = a1.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # A1: same file, untouched
    assert res.page_pdfs["A3"].exists()  # rewritten although its page did not change
    fresh = build(manifest, BuildOptions(out_dir=tmp_path / "fresh", jobs=1, cache=False))
    assert set(fresh.page_pdfs) == set(res.page_pdfs) == {"A1", "A2", "A3", "T1"}
    for label, path in fresh.page_pdfs.items():
        assert res.page_pdfs[label].read_bytes() == path.read_bytes(), label


def test_a_change_to_the_style_sheet_rebuilds_every_page(tmp_path):
    """The style may live outside the edition folder (a house style shared by editions,
    with --allow-outside)."""
    import shutil

    manifest = write_edition(tmp_path / "ed")
    house = tmp_path / "house" / "broadsheet.yaml"
    house.parent.mkdir()
    shutil.copy(ROOT / "styles" / "broadsheet.yaml", house)
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("style: broadsheet", "style: ../house/broadsheet.yaml"),
                        encoding="utf-8")
    w = Watcher(manifest, BuildOptions(out_dir=tmp_path / "out", jobs=1, allow_outside=True))
    assert w.build_once().error is None
    assert w.changes() == []
    house.write_text(house.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert w.changes() == [str(house)]
    res = w.build_once().result
    assert res.reused == []  # a style change invalidates every page


def test_an_edited_story_is_composed_again_and_its_neighbours_come_from_the_memo(tmp_path):
    """The page of an edited story is composed again; its other stories are taken from the
    story memo, and the outputs are still byte-identical to a fresh build."""
    manifest = write_edition(tmp_path / "ed")
    text = manifest.read_text(encoding="utf-8")
    first = "body: {filler: {seed: 9, chars: 800}}}"
    assert first in text
    manifest.write_text(text.replace(first, first + "\n      - {id: a2t, frame: {col: 1, span: 8, top: 20, lines: 20}, "
                                     "headline: 长江经济带绿色转型提速, body: {filler: {seed: 12, chars: 900}}}"),
                        encoding="utf-8")
    w = Watcher(manifest, BuildOptions(out_dir=tmp_path / "watch", jobs=1))
    assert w.build_once().error is None
    memo = w.session.stories
    before = memo.hits
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("seed: 9,", "seed: 29,"), encoding="utf-8")
    watched = w.build_once().result
    assert sorted(set(cp.display.label for cp in watched.pages) - set(watched.reused)) == ["A2"]
    assert memo.hits == before + 2  # a2t (not a2s), and the jumped lead story, which every build resolves
    fresh = build(manifest, BuildOptions(out_dir=tmp_path / "fresh", jobs=1, cache=False))
    assert watched.edition_pdf.read_bytes() == fresh.edition_pdf.read_bytes()
    assert watched.page_pdfs["A2"].read_bytes() == fresh.page_pdfs["A2"].read_bytes()
    assert normalise(filler_text(12, 900))[:30] in _edition_text(watched, "A2")


def test_a_file_renamed_into_place_is_complete_but_one_written_in_place_may_not_be(tmp_path):
    """An atomic save (write a temporary file, rename it over the old one) gives a new inode
    under the same name and needs no settling time; a file written in place, or a named
    file that appears, might still be being written."""
    manifest = write_edition(tmp_path / "ed")
    w = Watcher(manifest, BuildOptions(out_dir=tmp_path / "out", jobs=1))
    w.stamp = w.snapshot()
    tmp = manifest.with_name(".edition.yaml.tmp")
    tmp.write_text(manifest.read_text(encoding="utf-8").replace("seed: 9,", "seed: 39,"), encoding="utf-8")
    os.replace(tmp, manifest)
    now = w.snapshot()
    assert w._diff(now) == [str(manifest.resolve())]
    assert w._renamed_into_place(w._diff(now), now)

    w.stamp = now
    with open(manifest, "a", encoding="utf-8") as f:
        f.write("\n")
    now = w.snapshot()
    assert w._diff(now) and not w._renamed_into_place(w._diff(now), now)

    w.stamp = now  # a file the manifest names, removed and then created again
    lead = tmp_path / "ed" / "lead.txt"
    text = lead.read_text(encoding="utf-8")
    lead.unlink()
    now = w.snapshot()
    assert w._diff(now) == [str(lead)] and not w._renamed_into_place(w._diff(now), now)
    w.stamp = now
    lead.write_text(text, encoding="utf-8")
    now = w.snapshot()
    assert w._diff(now) == [str(lead)] and not w._renamed_into_place(w._diff(now), now)


def test_lines_moved_by_an_edit_above_rebuild_nothing_and_errors_name_the_new_lines(tmp_path):
    """A comment added at the top moves every line of the manifest: no page changes (source
    positions are not part of what a page is made of), and a mistake made afterwards is
    reported at its line in the edited file."""
    manifest = write_edition(tmp_path / "ed")
    w = Watcher(manifest, BuildOptions(out_dir=tmp_path / "out", jobs=1))
    first = w.build_once().result
    text = "# 夜班编辑：改版说明\n# 第二行\n" + manifest.read_text(encoding="utf-8")
    manifest.write_text(text, encoding="utf-8")
    res = w.build_once().result
    assert sorted(res.reused) == sorted(first.page_pdfs)
    assert res.edition_pdf.read_bytes() == first.edition_pdf.read_bytes()
    lines = text.split("\n")
    n = next(i for i, ln in enumerate(lines) if "seed: 9," in ln)
    frame = "frame: {col: 1, span: 8, top: 0, lines: 20}"
    lines[n] = lines[n].replace(frame, frame[:-1] + ", colour: red}")
    manifest.write_text("\n".join(lines), encoding="utf-8")
    ev = w.build_once()
    assert ev.error is not None
    assert any(p.line == n + 1 and "colour" in p.message for p in ev.error.problems), ev.error.problems


def test_a_jumped_story_edited_under_watch_is_the_same_as_a_fresh_build(tmp_path):
    """The lead story jumps from A1 to A3: after its text changes, both pages are set again
    (the story memo must not hand back the old continuation) and match a fresh build."""
    manifest = write_edition(tmp_path / "ed")
    w = Watcher(manifest, BuildOptions(out_dir=tmp_path / "watch", jobs=1))
    assert w.build_once().error is None
    lead = tmp_path / "ed" / "lead.txt"
    for k in range(2):  # the second edit meets a memo filled by the first
        lead.write_text(f"第{k + 1}次改写的导语。" + lead.read_text(encoding="utf-8"), encoding="utf-8")
        watched = w.build_once().result
        fresh = build(manifest, BuildOptions(out_dir=tmp_path / f"fresh{k}", jobs=1, cache=False))
        assert watched.edition_pdf.read_bytes() == fresh.edition_pdf.read_bytes()
        for label in ("A1", "A3"):
            assert watched.page_pdfs[label].read_bytes() == fresh.page_pdfs[label].read_bytes(), label


def test_what_a_session_keeps_belongs_to_that_session(tmp_path):
    """A BuildSession holds the pages, stories, YAML parts and fonts of its builds: a second
    build with it reuses every page even without the disk cache; a build with another
    session or with none starts from nothing and leaves nothing behind; all give the same bytes."""
    from layout.build.session import BuildSession

    manifest = write_edition(tmp_path / "ed")
    opts = BuildOptions(out_dir=tmp_path / "out", jobs=1, cache=False)
    session = BuildSession()
    first = build(manifest, opts, session)
    assert first.reused == [] and len(session.pages) == len(first.pages) and session.yaml
    assert session.stories.items  # composed stories kept too
    again = build(manifest, opts, session)
    assert sorted(again.reused) == sorted(first.page_pdfs)
    other = BuildSession()
    assert build(manifest, opts, other).reused == [] and build(manifest, opts).reused == []
    assert len(session.pages) == len(other.pages) == len(first.pages)
    assert again.edition_pdf.read_bytes() == first.edition_pdf.read_bytes()
