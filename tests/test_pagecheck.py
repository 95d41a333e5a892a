"""The page files' checks made by a side process (layout/build/pagecheck.py): the same
problems as the build's own check, for the very bytes handed over; what the side process
has not answered the build checks itself; a one-off build's findings are those of a
build without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from layout.build import pagecheck
from layout.build.filechecks import page_problems
from layout.build.pipeline import BuildOptions, build
from layout.model import prefetch
from layout.model.modes import OutputMode, output_profile
from layout.pdf.conformance import file_problems
from tests.support.editions import write_edition

pytestmark = pytest.mark.skipif(not (hasattr(os, "fork") and hasattr(os, "memfd_create")),
                                reason="the side process is forked and reads an anonymous file")


@pytest.fixture(scope="module")
def page_files(tmp_path_factory) -> list[bytes]:
    root = tmp_path_factory.mktemp("pagecheck")
    manifest = write_edition(root)
    res = build(manifest, BuildOptions(root / "out", OutputMode.PRINT, jobs=1, cache=False, allow_overset=True))
    return [p.read_bytes() for p in res.page_pdfs.values()]


def _answered(pdfs: list[bytes], mode: OutputMode, within: float = 30.0) -> list:
    deadline = time.monotonic() + within
    while True:
        got = [pagecheck.problems(pdf, mode) for pdf in pdfs]
        if all(g is not None for g in got) or time.monotonic() > deadline:
            return got
        time.sleep(0.02)


def test_the_side_process_finds_what_the_build_would(page_files, tmp_path):
    manifest = write_edition(tmp_path)
    broken = b"%PDF-1.3\nnot a PDF at all"
    pagecheck.start(OutputMode.PRINT, manifest)
    try:
        assert prefetch.settle(30)
        assert prefetch.located(manifest.read_bytes()) is not None  # it read the manifest first
        assert pagecheck.active(OutputMode.PRINT) and not pagecheck.active(OutputMode.ARCHIVE)
        pdfs = [*page_files, broken]
        assert all(pagecheck.submit(pdf, OutputMode.PRINT) for pdf in pdfs)
        assert not pagecheck.submit(page_files[0], OutputMode.ARCHIVE)  # another mode: checked by the build
        profile = output_profile(OutputMode.PRINT)
        got = _answered(pdfs, OutputMode.PRINT)
        assert got == [file_problems(pdf, profile) for pdf in pdfs]
        assert got[-1] and got[-1][0].startswith("cannot be read")
        copy = page_files[0][:-1] + page_files[0][-1:]  # equal bytes, another object: not what was handed over
        assert copy == page_files[0] and pagecheck.problems(copy, OutputMode.PRINT) is None
    finally:
        pagecheck.stop()
    assert not pagecheck.active(OutputMode.PRINT)


def test_what_the_side_process_has_not_answered_the_build_checks(page_files, tmp_path):
    profile = output_profile(OutputMode.PRINT)
    want = [file_problems(pdf, profile) for pdf in page_files]
    assert page_problems(page_files, profile) == want  # no side process at all
    pagecheck.start(OutputMode.PRINT, write_edition(tmp_path))
    pagecheck.submit(page_files[0], OutputMode.PRINT)  # (maybe refused: the manifest not yet read)
    os.kill(pagecheck._SIDE["pid"], 9)  # dead before (or after) its answer: the same findings
    assert page_problems(page_files, profile) == want
    assert not pagecheck.active(OutputMode.PRINT)  # page_problems ended it


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_one_off_build_reports_what_an_in_process_build_reports(tmp_path, jobs):
    manifest = write_edition(tmp_path)
    inside = build(manifest, BuildOptions(tmp_path / "in", OutputMode.PRINT, jobs=1, cache=False,
                                          allow_overset=True, report=tmp_path / "in.json"))
    run = subprocess.run([sys.executable, "-m", "layout", "-q", "build", str(manifest), "-o", str(tmp_path / "out"),
                          "-j", jobs, "--no-cache", "--allow-overset", "--report", str(tmp_path / "out.json")],
                         capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert run.returncode == 0, run.stderr
    assert inside.edition_pdf is not None
    mine = json.loads((tmp_path / "in.json").read_text(encoding="utf-8"))
    theirs = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert theirs == mine
    for a, b in zip(sorted((tmp_path / "in").rglob("*.pdf")), sorted((tmp_path / "out").rglob("*.pdf"))):
        assert a.name == b.name and a.read_bytes() == b.read_bytes()


def test_late_with_the_manifest_the_side_process_takes_no_page(page_files, tmp_path):
    manifest = write_edition(tmp_path)
    manifest.write_text(manifest.read_text(encoding="utf-8") + "    filler_only_for_a_slow_read:\n"
                        + "".join(f"      - {{filler: {{seed: {i}, chars: 200000}}}}\n" for i in range(8)),
                        encoding="utf-8")
    pagecheck.start(OutputMode.PRINT, manifest)
    try:
        assert prefetch.located(manifest.read_bytes()) is None and prefetch.late()  # asked at once: not done
        assert not pagecheck.active(OutputMode.PRINT) and not pagecheck.submit(page_files[0], OutputMode.PRINT)
        assert pagecheck.problems(page_files[0], OutputMode.PRINT) is None
    finally:
        pagecheck.stop()
    assert not prefetch.late() and prefetch._PENDING == {}
