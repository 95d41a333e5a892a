"""What a build reports besides its PDFs: the fit report and the archive sidecar.

In: the edition, its composed pages (story fits, findings) and their texts.  Out: plain
JSON-able dicts; the pipeline writes them (`--report`, `<edition>.json` beside an archive
PDF).  Their key names are a contract with the desks' tools: change them only on purpose.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict

from layout import __version__
from layout.errors import Finding
from layout.model.edition import Edition
from layout.model.modes import OutputMode
from layout.page.ads import ad_entries
from layout.page.compose import ComposedPage
from layout.page.fidelity import PageText

CHECK = "check"  # the report's mode when pages were only composed (`layout check`): no PDF


def fit_report(edition: Edition, pages: list[ComposedPage], findings: list[Finding], mode: OutputMode | None,
               pdf_verified: bool = False) -> dict:
    """Every story's fit (capacity, lines and characters set, overset, underset, and the
    `lines:` value that fits it) and every finding (boxes' fit is in theirs).  `mode` None: the pages were composed but no PDF was made (reported as "check")."""
    fits = [f for cp in pages for f in cp.fits]
    fidelity = [f for f in findings if f.code == "fidelity"]
    return {
        "edition": {"paper": edition.paper, "date": edition.date.isoformat(), "manifest_sha256": edition.sha256,
                    "mode": mode.value if mode is not None else CHECK, "layout_version": __version__},
        "fidelity": {  # every story's characters set once and in order (display lists; PDFs with --verify)
            "stories_checked": len({f.story.story_id for f in fits}),
            "characters_set": sum(f.chars_set for f in fits),
            "characters_overset": sum(f.overset_chars for f in fits),
            "pdf_read_back": pdf_verified,
            "differences": len(fidelity),
        },
        # asdict: frame as {col, span, top, lines}.  capacity_lines, lines_set, overset_lines and
        # underset_lines count TEXT lines (over all text columns); lines_fit and lines_change are
        # in the manifest's unit, the frame's grid lines (`lines:`)
        "stories": [{**asdict(f), "story": str(f.story), "lines_change": f.lines_change,
                     "chars_room": f.chars_room} for f in fits],
        "findings": [{"severity": f.severity, "code": f.code, "where": f.where, "message": f.message,
                      **({"data": f.data} if f.data else {})} for f in findings],
        "ads": ad_entries(edition),  # booked ads: page, booking id, advertiser, frame, file digest
    }


def archive_sidecar(edition: Edition, pages: list[ComposedPage], texts: list[PageText]) -> dict:
    """Story -> pages, frames, bounding boxes and the sha256 of its text (for facsimile checks)."""
    stories: dict[str, dict] = {}
    for page in edition.pages:
        for s in page.stories:
            if not s.continued_from:
                stories[s.id] = {"headline": s.headline.text if s.headline else "",
                                 "text_sha256": hashlib.sha256("\n\n".join(s.paragraphs).encode()).hexdigest(),
                                 "chars": sum(len(p) for p in s.paragraphs), "placements": []}
    for cp, pt in zip(pages, texts):
        for fit in cp.fits:
            sid = fit.story.story_id
            bbox = pt.bboxes.get(str(fit.story))
            if bbox is None or sid not in stories:
                continue
            stories[sid]["placements"].append({"page": pt.label, "frame": asdict(fit.frame), "bbox_pt": bbox,
                                               "chars_set": fit.chars_set})
    return {"edition": {"paper": edition.paper, "date": edition.date.isoformat(),
                        "manifest_sha256": edition.sha256}, "stories": stories, "ads": ad_entries(edition)}
