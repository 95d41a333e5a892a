"""The checks of the written files, as warnings after the commit: the press checks (print)
and the checks of the standard the mode claims (PDF/X-1a, PDF/A) on the edition and on
every page file (pdf/preflight.py, pdf/conformance.py).  A one-off build hands the page
files and the edition to its side process (pagecheck.py), which checks them on the other
core while this one finishes and writes the edition; without one (a resident process, a
busy machine) a parallel build checks each page file as it arrives, while this process
would otherwise wait for the other pages, and the edition at the end.  The findings are
the same whoever checked.
"""

from __future__ import annotations

import time
from pathlib import Path

from layout.build.pageresult import PageResult
from layout.build.staging import after_commit
from layout.errors import Finding
from layout.model.modes import OutputProfile


class FileChecks:
    """The checks of the written files (`preflight_findings`), made while the files are
    flushed to disk (StagedWrites.flush) rather than after the renames: they read only the
    bytes, which are final once staged.  Their findings are reported after the commit, and
    a check that fails is a warning that the outputs were written and are complete, as
    before; a Ctrl-C during them now comes before the commit, so nothing is replaced.

    Made as soon as the edition is assembled: the side process, if there is one
    (pagecheck.py), is handed the edition then, with the page files it has not had yet,
    and checks them while this process writes the files; `run` takes its answers."""

    def __init__(self, profile: OutputProfile, edition_pdf: bytes, results: list[PageResult]):
        self.profile, self.edition_pdf, self.results = profile, edition_pdf, results
        self.findings: list[Finding] = []
        self.seconds = 0.0
        if profile.preflight or profile.pdfa:
            hand_over(edition_pdf, results, profile)

    def run(self, target: Path, pages: dict[str, Path]) -> None:
        if not (self.profile.preflight or self.profile.pdfa):
            return
        start = time.perf_counter()
        self.findings = after_commit("preflight could not run", target, lambda: preflight_findings(
            self.edition_pdf, self.results, target, pages, self.profile))
        self.seconds = time.perf_counter() - start


def hand_over(edition_pdf: bytes, results: list[PageResult], profile: OutputProfile) -> bool:
    """The edition, with its pages' content scans, and the page files not handed over yet
    (taken from a cache) to the side process (pagecheck.py), if there is one; whether the
    edition was taken."""
    from layout.build import pagecheck

    if not pagecheck.active(profile.mode):
        return False
    for r in results:
        if not pagecheck.handed(r.pdf):
            pagecheck.submit(r.pdf, profile.mode)
    return pagecheck.submit_edition(edition_pdf, dict(r.scan for r in results), profile.mode)


def preflight_findings(edition_pdf: bytes, results: list[PageResult], target: Path, pages: dict[str, Path],
                       profile: OutputProfile) -> list[Finding]:
    """The press checks (print) and the checks of the standard the mode claims (PDF/X-1a,
    PDF/A) on the edition and, file-level, on every page file, as warnings; each page's
    content stream was scanned by its worker.  What the side process (pagecheck.py) was
    handed is waited for (bounded: pagecheck.wait) and taken from it; the rest is checked
    here, the edition first (the side process's last item)."""
    from layout.build import pagecheck

    pagecheck.wait(profile.mode)
    problems = pagecheck.edition_problems(edition_pdf, profile.mode)
    if problems is None:
        problems = pagecheck.edition_check(edition_pdf, dict(r.scan for r in results), profile)
    findings = [Finding("warning", "preflight", target.name, msg) for msg in problems]
    found = page_problems([r.pdf for r in results], profile)
    for r, page_problems_ in zip(results, found):
        page_file = pages[r.page.display.label]
        findings += [Finding("warning", "preflight", f"{page_file.parent.name}/{page_file.name}", msg)
                     for msg in page_problems_]
    return findings


def page_problems(pdfs: list[bytes], profile: OutputProfile) -> list[list[str]]:
    """conformance.file_problems of each page file: as the side process found them
    (pagecheck.py), the others checked here from the last one back (the side process
    works from the first); the side process is ended then."""
    from layout.build import pagecheck

    found: list[list[str] | None] = [pagecheck.problems(pdf, profile.mode) for pdf in pdfs]
    for i in reversed(range(len(pdfs))):
        if found[i] is None:
            found[i] = pagecheck.problems(pdfs[i], profile.mode)  # (checked there meanwhile?)
        if found[i] is None:
            from layout.pdf.conformance import file_problems  # (pypdf: only if this process checks one)

            found[i] = file_problems(pdfs[i], profile)
    pagecheck.stop(wait=False)  # (reaped as the build ends: pipeline.build)
    return found  # type: ignore[return-value]


def check_page_file(pdf: bytes, profile: OutputProfile, early: bool) -> None:
    """A page file's checks for `preflight_findings`, started as the page arrives: handed
    to the side process if there is one (pagecheck.py: at the lowest priority it takes only
    what the workers leave of the cores, and the file is copied to it while this process
    would wait for the next page, not after the last one), else, when `early`, made here
    while workers compose the others (this process waits meanwhile) instead of all after
    the commit: file_problems remembers them for these very bytes (up to 256 files: hence
    fewer pages than that).  A check that fails here is run, and reported, after the
    commit as before."""
    from layout.build import pagecheck

    if pagecheck.submit(pdf, profile.mode) or not early:
        return
    from layout.pdf.conformance import file_problems

    try:
        file_problems(pdf, profile)
    except Exception:  # noqa: BLE001 - see above
        pass
