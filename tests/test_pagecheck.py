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


# -- the edition, handed over with its pages' content scans (filechecks.preflight_findings) --

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A print build's results (PageResults in page order, with their content scans), its
    edition's bytes and where it wrote them; the photo is printed at 40 ppi, a problem
    only the edition's preflight finds, from the scans' placed widths."""
    from PIL import Image as PILImage

    from layout.build.session import BuildSession

    root = tmp_path_factory.mktemp("edition")
    manifest = write_edition(root)
    PILImage.new("RGB", (150, 110), (90, 120, 160)).save(root / "photos" / "p.jpg", quality=80)
    session = BuildSession()
    res = build(manifest, BuildOptions(root / "out", OutputMode.PRINT, jobs=1, cache=False, allow_overset=True),
                session=session)
    by_label = {r.page.display.label: r for r in session.pages.values()}
    assert res.edition_pdf is not None
    return [by_label[lab] for lab in res.page_pdfs], res.edition_pdf.read_bytes(), res.edition_pdf, res.page_pdfs, \
        [f for f in res.findings if f.code == "preflight"]


def _findings(built, edition_pdf: bytes | None = None, side: str = "", mode: OutputMode = OutputMode.PRINT,
              tmp_path: Path | None = None) -> list:
    """FileChecks' findings, made in this process (`side` ""), or with a side process that
    answers ("answers"), is killed once it has had everything ("killed") or stops answering
    ("stalled")."""
    import signal

    from layout.build.filechecks import FileChecks

    results, edition, target, pages, _ = built
    edition_pdf = edition if edition_pdf is None else edition_pdf
    profile = output_profile(mode)
    try:
        if side:
            assert tmp_path is not None
            pagecheck.start(mode, write_edition(tmp_path))
            assert prefetch.settle(30) and prefetch.located(b"") is None  # (read: the side process is on time)
            assert pagecheck.active(mode)
        checks = FileChecks(profile, edition_pdf, results)  # (hands everything over)
        if side:
            assert pagecheck._SIDE["edition"] is edition_pdf and all(pagecheck.handed(r.pdf) for r in results)
            if side == "killed":
                os.kill(pagecheck._SIDE["pid"], signal.SIGKILL)
            elif side == "stalled":
                os.kill(pagecheck._SIDE["pid"], signal.SIGSTOP)
            else:  # (however busy the machine: every answer is in before the build looks)
                pagecheck.wait(mode, stall=30, bound=30)
                assert len(pagecheck._SIDE["found"]) == len(results) + 1
        checks.run(target, pages)
        return checks.findings
    finally:
        pagecheck.stop()


def test_the_side_process_checks_the_edition_as_the_build_would(built, tmp_path):
    results, edition, *_ = built
    scans = dict(r.scan for r in results)
    rgb_key = results[1].scan[0]
    injected = {**scans, rgb_key: type(scans[rgb_key])(True, scans[rgb_key].placements)}  # page 2 "draws in RGB"
    no_trim = edition.replace(b"/TrimBox", b"/TrimBax")  # (the same length: the file is still read)
    cases = [(OutputMode.PRINT, edition, scans), (OutputMode.PRINT, edition, injected),
             (OutputMode.PRINT, no_trim, scans), (OutputMode.PRINT, edition, {}), (OutputMode.ARCHIVE, edition, scans)]
    for mode, pdf, sc in cases:
        profile = output_profile(mode)
        want = pagecheck.edition_check(pdf, sc, profile)
        pagecheck.start(mode, write_edition(tmp_path))
        try:
            assert prefetch.settle(30) and prefetch.located(b"") is None
            assert pagecheck.submit_edition(pdf, sc, mode)
            assert not pagecheck.submit_edition(pdf, sc, mode)  # (one edition a build)
            pagecheck.wait(mode, stall=30, bound=30)
            assert pagecheck.edition_problems(pdf, mode) == want
            assert pagecheck.edition_problems(pdf[:-1] + pdf[-1:], mode) is None  # equal, but not those handed over
        finally:
            pagecheck.stop()
    assert "page 2: RGB colour operator in the content" in pagecheck.edition_check(edition, injected,
                                                                                   output_profile(OutputMode.PRINT))
    assert any("TrimBox not set" in p for p in pagecheck.edition_check(no_trim, scans, output_profile(OutputMode.PRINT)))


def test_scans_travel_as_data(built):
    results, *_ = built
    scans = dict(r.scan for r in results)
    text = pagecheck._scans_text(scans)
    assert text is not None and pagecheck._scans(text) == scans
    assert any(s.placements for s in scans.values())  # (the photo's placed width: floats, back as they were)
    for bad in (b'[["00", 1, {}]]', b'[["00", true, {"/Im": "wide"}]]', b'[["zz", true, {}]]', b"{}"):
        with pytest.raises((ValueError, TypeError)):
            pagecheck._scans(bad)


@pytest.mark.parametrize("side", ["answers", "killed", "stalled"])
def test_the_findings_are_the_same_whoever_checks(built, tmp_path, side):
    results, edition, target, pages, in_build = built
    alone = _findings(built)
    assert alone == in_build  # (what the build reported)
    assert any("40 ppi" in f.message and f.where == target.name for f in alone)  # the edition's, through the scans
    assert _findings(built, side=side, tmp_path=tmp_path) == alone


@pytest.mark.parametrize("side", ["answers", "killed"])
def test_the_archives_findings_are_the_same_whoever_checks(built, tmp_path, side):
    alone = _findings(built, mode=OutputMode.ARCHIVE)  # (a print file: not PDF/A, much to say)
    assert any(f.where == built[2].name for f in alone) and any(f.where.startswith("pages/") for f in alone)
    assert _findings(built, side=side, mode=OutputMode.ARCHIVE, tmp_path=tmp_path) == alone


def test_a_proof_is_not_checked_nor_handed_over(built, tmp_path):
    from layout.build.filechecks import FileChecks

    results, edition, target, pages, _ = built
    pagecheck.start(OutputMode.PROOF, write_edition(tmp_path))
    try:
        checks = FileChecks(output_profile(OutputMode.PROOF), edition, results)
        checks.run(target, pages)
        assert checks.findings == [] and pagecheck._SIDE["order"] == []
    finally:
        pagecheck.stop()


def test_a_side_process_that_gets_no_core_is_not_waited_for(page_files, tmp_path):
    import signal

    pagecheck.start(OutputMode.PRINT, write_edition(tmp_path))
    try:
        assert prefetch.settle(30) and prefetch.located(b"") is None
        os.kill(pagecheck._SIDE["pid"], signal.SIGSTOP)  # (as if another program had the cores)
        assert pagecheck.submit(page_files[0], OutputMode.PRINT)
        pagecheck.workers_done()
        t = time.monotonic()
        pagecheck.wait(OutputMode.PRINT, stall=0.3, bound=60)
        assert 0.2 < time.monotonic() - t < 10  # the stall, not the bound
        pagecheck._SIDE["order"][0] = (0, time.monotonic() - 1)  # handed over a second ago ...
        pagecheck._SIDE["free"] = time.monotonic() - 1  # ... and the workers done as long
        t = time.monotonic()
        pagecheck.wait(OutputMode.PRINT, stall=0.3, bound=60)
        assert time.monotonic() - t < 0.2  # not answered in all that time: not waited for at all
        assert pagecheck.problems(page_files[0], OutputMode.PRINT) is None
    finally:
        pagecheck.stop()


def test_preflight_that_cannot_run_is_the_same_warning_with_a_side_process(built, tmp_path):
    alone = _findings(built, edition_pdf=b"%PDF-1.3\nnot a PDF at all")
    assert len(alone) == 1 and alone[0].code == "after-commit" and "preflight could not run" in alone[0].message
    assert _findings(built, edition_pdf=b"%PDF-1.3\nnot a PDF at all", side="answers", tmp_path=tmp_path) == alone


_ONE_OFF = r"""
import json, os, signal, sys, traceback
out, kill_after = sys.argv[1], int(sys.argv[2])
sys.argv = ["layout", *sys.argv[3:]]
parent, importers, seen = os.getpid(), [], {}


class Watch:  # who imports pypdf in this (the build's) process
    def find_spec(self, name, path=None, target=None):
        if name == "pypdf" and os.getpid() == parent:
            frames = [f.filename for f in traceback.extract_stack() if "/layout/" in f.filename]
            importers.append(frames[-1].split("/layout/", 1)[1] if frames else "?")
        return None


sys.meta_path.insert(0, Watch())
from layout.build import pagecheck, pipeline
from layout.model import prefetch
import layout.pdf.conformance as conformance

pagecheck.STALL = pagecheck.WAIT = 120.0  # (a busy machine: the side process answers, however late)
receive = prefetch._receive
prefetch._receive = lambda: (prefetch.settle(120), receive())[1]  # (and it is on time with the manifest)
check, calls = conformance.conformance_problems, []


def faulty(*args, **kwargs):  # the side process killed once it has checked `kill_after` files
    calls.append(1)
    if os.getpid() != parent and len(calls) > kill_after >= 0:
        os.kill(os.getpid(), signal.SIGKILL)
    return check(*args, **kwargs)


conformance.conformance_problems = faulty
stop, run_build = pagecheck.stop, pipeline.build


def stopping(wait=True):
    if pagecheck._SIDE and "answered" not in seen:
        pagecheck._read_results(pagecheck._SIDE)
        seen["answered"] = len(pagecheck._SIDE["found"])
        seen["handed"] = len(pagecheck._SIDE["sent"]) + (pagecheck._SIDE["edition"] is not None)
    stop(wait)


def recorded(*args, **kwargs):
    res = run_build(*args, **kwargs)
    seen["findings"] = [[f.severity, f.code, f.where, f.message] for f in res.findings]
    return res


pagecheck.stop, pipeline.build = stopping, recorded
import atexit
atexit.register(lambda: open(out, "w").write(json.dumps({**seen, "importers": importers})))
from layout.__main__ import run
run()
"""


@pytest.mark.slow
@pytest.mark.parametrize("jobs,kill_after", [("2", -1), ("1", -1), ("2", 2)])
def test_a_one_off_build_hands_every_check_to_its_side_process(tmp_path, jobs, kill_after):
    """The build's own process never imports pypdf (the edition is written by ReportLab, every
    check is made by the side process), and finds what an in-process build finds, also when
    the side process dies half-way (the build checks the rest)."""
    from PIL import Image as PILImage

    manifest = write_edition(tmp_path)
    PILImage.new("RGB", (150, 110), (90, 120, 160)).save(tmp_path / "photos" / "p.jpg", quality=80)
    inside = build(manifest, BuildOptions(tmp_path / "in", OutputMode.PRINT, jobs=1, cache=False, allow_overset=True))
    want = [[f.severity, f.code, f.where, f.message] for f in inside.findings]
    assert any(f[1] == "preflight" and "40 ppi" in f[3] for f in want)
    out = tmp_path / "seen.json"
    run = subprocess.run([sys.executable, "-c", _ONE_OFF, str(out), str(kill_after), "-q", "build", str(manifest),
                          "-o", str(tmp_path / "out"), "-j", jobs, "--no-cache", "--allow-overset"],
                         capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
    assert run.returncode == 0, run.stderr
    seen = json.loads(out.read_text(encoding="utf-8"))
    assert seen["findings"] == want
    pages = len(inside.page_pdfs)
    if kill_after < 0:
        assert seen["handed"] == pages + 1  # every page file and the edition
        assert seen["answered"] == seen["handed"]
        assert seen["importers"] == [], seen["importers"]  # (the edition is written without pypdf too)
    else:  # (the edition is handed over only if the side process is not dead yet by then)
        assert pages <= seen["handed"] <= pages + 1
        assert seen["answered"] == kill_after < seen["handed"]  # (the rest: checked by the build)
