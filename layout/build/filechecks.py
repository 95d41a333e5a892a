"""The checks of the written files, as warnings after the commit: the press checks (print)
and the checks of the standard the mode claims (PDF/X-1a, PDF/A) on the edition and on
every page file (pdf/preflight.py, pdf/conformance.py).  A build hands each page file as it
arrives to the side process (pagecheck.py), or a parallel build without one checks it
then, while this process would otherwise wait for the other pages; the findings are the
same.
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
    before; a Ctrl-C during them now comes before the commit, so nothing is replaced."""

    def __init__(self, profile: OutputProfile, edition_pdf: bytes, results: list[PageResult], target: Path,
                 pages: dict[str, Path]):
        self.profile, self.edition_pdf, self.results, self.target, self.pages = profile, edition_pdf, results, \
            target, pages
        self.findings: list[Finding] = []
        self.seconds = 0.0

    def run(self) -> None:
        if not (self.profile.preflight or self.profile.pdfa):
            return
        start = time.perf_counter()
        self.findings = after_commit("preflight could not run", self.target, lambda: preflight_findings(
            self.edition_pdf, self.results, self.target, self.pages, self.profile))
        self.seconds = time.perf_counter() - start


def preflight_findings(edition_pdf: bytes, results: list[PageResult], target: Path, pages: dict[str, Path],
                       profile: OutputProfile) -> list[Finding]:
    """The press checks (print) and the checks of the standard the mode claims (PDF/X-1a,
    PDF/A) on the edition and, file-level, on every page file, as warnings; each page's
    content stream was scanned by its worker."""
    from layout.pdf.conformance import conformance_problems
    from layout.pdf.preflight import preflight

    if profile.preflight:
        problems = preflight(edition_pdf, scans=dict(r.scan for r in results), standard=profile).problems
    else:
        problems = conformance_problems(edition_pdf, profile)
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
    from layout.pdf.conformance import file_problems

    found: list[list[str] | None] = [pagecheck.problems(pdf, profile.mode) for pdf in pdfs]
    for i in reversed(range(len(pdfs))):
        if found[i] is None:
            found[i] = pagecheck.problems(pdfs[i], profile.mode)  # (checked there meanwhile?)
        if found[i] is None:
            found[i] = file_problems(pdfs[i], profile)
    pagecheck.stop(wait=False)  # (reaped as the build ends: pipeline.build)
    return found  # type: ignore[return-value]


def check_page_file(pdf: bytes, profile: OutputProfile, early: bool) -> None:
    """A page file's checks for `preflight_findings`, started as the page arrives: handed
    to the side process if there is one (pagecheck.py), else, when `early`, made here
    while workers compose the others (this process waits meanwhile) instead of all after
    the commit: file_problems remembers them for these very bytes (up to 256 files: hence
    fewer pages than that).  A check that fails here is run, and reported, after the
    commit as before."""
    from layout.build import pagecheck
    from layout.pdf.conformance import file_problems

    if pagecheck.submit(pdf, profile.mode) or not early:
        return

    try:
        file_problems(pdf, profile)
    except Exception:  # noqa: BLE001 - see above
        pass
