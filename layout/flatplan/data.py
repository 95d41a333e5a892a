"""The flatplan's data: every page of a build with its previews, status, stories' fit, frames and changes.

In: a `FinishedEdition` (layout/build/desk.py), the pages' previews and their changes.
Out: one JSON-able dict (`flatplan.json`, and embedded in `index.html`), documented here
because the desks' tools may read it too:

    {"flatplan": 1, "revision": n,                   # proof builds: the proof round's number
     "changes": {since: build} | {since: round, round, name, previous},  # what "changed" is counted from:
                                  # the previous build, or the previous proof round (its name, "" if none)
     "edition": {paper, date, mode, manifest_sha256, layout_version, pdf},   # the fit report's keys
     "totals": {pages, overset, underset, warnings, changed},
     "sections": [{id, name, pages: [label, ...]}, ...],                     # edition order
     "pages": [{label, section, section_name, number, title, editor, designer, template, blank,
                width, height,                      # pt (the trim)
                pdf,                                # the page PDF, relative to the flatplan
                view, thumb, view_size, thumb_size, # previews/<hash>.png, px
                status: {overset, underset, warnings, errors, blank, change},   # change: first|unchanged|changed|added
                stories: [fit report entry + {fit: ok|overset|underset, changed_at}],
                frames: [{kind, owner, x, y, w, h, fit, changed_at, jumps: {to, from, see_also},
                          ad?: {booking, advertiser, file}}],   # kind: story|picture|box|ad
                changed_lines: [{x, y, w, h, story, kind, note?}],  # new since the previous revision (proof
                                    # builds: the proof diff's highlights, note: deleted text, old box)
                findings: [{severity, code, where, message}]}, ...]}

Coordinates (frames, changed lines) are the page record's: points from the trim's top
left, y down, so the page shows them as percentages of `width` and `height`.  Story
entries are the fit report's own (layout/build/report.py `fit_report`), so the desks read
the same names here as in `--report`.
"""

from __future__ import annotations

import os
from pathlib import Path

from layout import __version__
from layout.build.desk import FinishedEdition
from layout.build.report import fit_report
from layout.flatplan.changes import PageChange, PageStatus
from layout.flatplan.previews import FOLDER, Preview
from layout.model.edition import Page
from layout.page.record import FrameKind

FORMAT = 1


def _rel(path: Path, base: Path) -> str:
    return Path(os.path.relpath(path, base)).as_posix()


def flatplan_data(finished: FinishedEdition, folder: Path, previews: dict[str, Preview],
                  changes: dict[str, PageChange], revision: int, since: dict | None = None) -> dict:
    """The flatplan of `finished`, whose index.html goes into `folder`; `since`: what its
    changes are counted from (the "changes" entry above)."""
    ed = finished.edition
    report = fit_report(ed, [r.page for r in finished.pages], finished.findings, finished.profile.mode)
    stories_of: dict[str, list[dict]] = {}
    for s in report["stories"]:
        stories_of.setdefault(s["page"], []).append(s)
    findings_of: dict[str, list[dict]] = {}
    for f in report["findings"]:
        findings_of.setdefault(f["where"].split("/")[0], []).append(
            {k: f[k] for k in ("severity", "code", "where", "message")})
    names = {s.id: s.name for s in ed.sections}
    pages = []
    for r in finished.pages:
        d = r.page.display
        page = ed.page(d.label)
        change = changes.get(d.label, PageChange(PageStatus.FIRST))
        pages.append(_page(page, names.get(page.section, page.section), d.title, r.record, finished.page_files[d.label], folder, previews[d.label], change,
                           stories_of.get(d.label, []), findings_of.get(d.label, [])))
    shown = {p["label"] for p in pages}
    sections = [{"id": s.id, "name": s.name, "pages": [p.label for p in ed.pages if p.section == s.id
                                                       and p.label in shown]} for s in ed.sections]
    return {
        "flatplan": FORMAT,
        "revision": revision,
        "changes": since or {"since": "build"},
        "edition": {**report["edition"], "layout_version": __version__,
                    "pdf": _rel(finished.edition_file, folder), "partial": finished.partial},
        "totals": {"pages": len(pages),
                   "overset": sum(p["status"]["overset"] for p in pages),
                   "underset": sum(p["status"]["underset"] for p in pages),
                   "warnings": sum(p["status"]["warnings"] for p in pages),
                   "changed": sum(p["status"]["change"] in ("changed", "added") for p in pages)},
        "sections": [s for s in sections if s["pages"]],
        "pages": pages,
    }


def _fit(s: dict) -> str:
    return "overset" if s["overset_lines"] else "underset" if s["underset_lines"] else "ok"


def _page(page: Page, section: str, title: str, record, pdf: Path, folder: Path, preview: Preview, change: PageChange,
          stories: list[dict], findings: list[dict]) -> dict:
    entries = {p.id: p for p in page.stories}
    ads = {a.id: a for a in page.ads}
    story_rows = [{**s, "fit": _fit(s), "changed_at": change.last_change.get(s["story"], 0)} for s in stories]
    by_key = {s["story"]: s for s in story_rows}
    frames = []
    for fr in record.frames:
        s = by_key.get(fr.owner)
        entry = entries.get(fr.owner.split("~")[0]) if s is not None else None
        frames.append({"kind": fr.kind.value, "owner": fr.owner, "x": round(fr.x, 2), "y": round(fr.y, 2),
                       "w": round(fr.w, 2), "h": round(fr.h, 2), "fit": s["fit"] if s else "",
                       "changed_at": change.last_change.get(fr.owner, 0),
                       "jumps": {"to": s["jump_to"] if s else "", "from": s["continued_from"] if s else "",
                                 "see_also": entry.see_also if entry is not None else ""}})
        ad = ads.get(fr.owner) if fr.kind is FrameKind.AD else None
        if ad is not None:  # the ad department's names for it: its order id and who booked it
            frames[-1]["ad"] = {"booking": ad.booking, "advertiser": ad.advertiser, "file": ad.file.name}
    framed = {f["owner"] for f in frames}
    for pic in record.pictures:  # a photo inside a story's frame has no frame of its own: its picture
        if pic.owner not in framed:
            framed.add(pic.owner)
            frames.append({"kind": "picture", "owner": pic.owner, "x": round(pic.x, 2), "y": round(pic.y, 2),
                           "w": round(pic.w, 2), "h": round(pic.h, 2), "fit": "",
                           "changed_at": change.last_change.get(pic.owner, 0),
                           "jumps": {"to": "", "from": "", "see_also": ""}})
    overset = sum(1 for s in story_rows if s["overset_lines"]) + sum(
        1 for f in findings if f["code"] == "overset" and f["where"].split("/")[-1] not in by_key)
    return {
        "label": page.label, "section": page.section, "section_name": section, "number": page.number, "title": title,
        "editor": page.editor, "designer": page.designer, "template": page.template, "blank": page.blank,
        "width": round(record.width, 2), "height": round(record.height, 2),
        "pdf": _rel(pdf, folder),
        "view": f"{FOLDER}/{preview.view}", "thumb": f"{FOLDER}/{preview.thumb}",
        "view_size": list(preview.view_size), "thumb_size": list(preview.thumb_size),
        "status": {"overset": overset,
                   "underset": sum(1 for f in findings if f["code"] == "underset"),
                   # other warnings than the fit's (which have their own badges)
                   "warnings": sum(1 for f in findings if f["severity"] == "warning"
                                   and f["code"] not in ("overset", "underset")),
                   "errors": sum(1 for f in findings if f["severity"] == "error"),
                   "blank": page.blank, "change": change.status.value},
        "stories": story_rows,
        "frames": frames,
        "changed_lines": [b.plain() for b in change.lines],
        "findings": findings,
    }
