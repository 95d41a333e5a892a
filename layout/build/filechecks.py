"""The checks of the written files, as warnings after the commit: the press checks (print)
and the checks of the standard the mode claims (PDF/X-1a, PDF/A) on the edition and on
every page file (pdf/preflight.py, pdf/conformance.py).  A parallel build checks each page
file as it arrives from its worker (`check_page_file`), while this process would otherwise
wait for the other pages; the findings are the same.
"""

from __future__ import annotations

from pathlib import Path

from layout.build.pageresult import PageResult
from layout.errors import Finding
from layout.model.modes import OutputProfile


def preflight_findings(edition_pdf: bytes, results: list[PageResult], target: Path, pages: dict[str, Path],
                       profile: OutputProfile) -> list[Finding]:
    """The press checks (print) and the checks of the standard the mode claims (PDF/X-1a,
    PDF/A) on the edition and, file-level, on every page file, as warnings; each page's
    content stream was scanned by its worker."""
    from layout.pdf.conformance import conformance_problems, file_problems
    from layout.pdf.preflight import preflight

    if profile.preflight:
        problems = preflight(edition_pdf, scans=dict(r.scan for r in results), standard=profile).problems
    else:
        problems = conformance_problems(edition_pdf, profile)
    findings = [Finding("warning", "preflight", target.name, msg) for msg in problems]
    for r in results:
        page_file = pages[r.page.display.label]
        findings += [Finding("warning", "preflight", f"{page_file.parent.name}/{page_file.name}", msg)
                     for msg in file_problems(r.pdf, profile)]
    return findings


def check_page_file(pdf: bytes, profile: OutputProfile) -> None:
    """A page file's checks for `preflight_findings`, made as the page arrives while workers
    compose the others (this process waits meanwhile) instead of all after the commit:
    file_problems remembers them for these very bytes (up to 256 files: hence fewer pages
    than that).  A check that fails here is run, and reported, after the commit as before."""
    from layout.pdf.conformance import file_problems

    try:
        file_problems(pdf, profile)
    except Exception:  # noqa: BLE001 - see above
        pass
