"""What a build reports besides its PDFs: the fit report and the archive sidecar.

In: the edition, its composed pages (story fits, findings) and their texts.  Out: plain
JSON-able dicts; the pipeline writes them (`--report`, `<edition>.json` beside an archive
PDF).  Their key names are a contract with the desks' tools: change them only on purpose.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict
from pathlib import Path

from layout import __version__
from layout.build.blocks import alto_path, owners_to_stories, page_blocks, page_units
from layout.errors import Finding
from layout.fonts.catalogue import Face
from layout.model.edition import Edition, ParagraphKind, Photo, Story
from layout.model.modes import OutputMode
from layout.page.ads import ad_entries
from layout.page.compose import ComposedPage
from layout.page.fidelity import PageText
from layout.page.record import PageRecord

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


def archive_sidecar(edition: Edition, pages: list[ComposedPage], texts: list[PageText],
                    records: list[PageRecord] | None = None, faces: dict[str, Face] | None = None,
                    page_files: dict[str, Path] | None = None, base: Path | None = None) -> dict:
    """Story -> pages, frames, bounding boxes and the sha256 of its text (for facsimile
    checks), and, given the pages' records, faces (by key), page files and the sidecar's
    folder: every text element of each story, its photos, the boxes, each page's reading
    order and files, and the ALTO ids of every part, so that an archive can load the
    edition from the sidecar alone.  The ALTO files are where archive builds write them
    (blocks.alto_path); their ids are blocks.py's, the same ones the ALTO files use."""
    stories: dict[str, dict] = {}
    for page in edition.pages:
        for s in page.stories:
            if not s.continued_from:
                stories[s.id] = {"headline": s.headline.text if s.headline else "",
                                 "text_sha256": hashlib.sha256("\n\n".join(s.paragraphs).encode()).hexdigest(),
                                 "chars": sum(len(p) for p in s.paragraphs), "placements": []}
                if records is not None:
                    stories[s.id].update(story_texts(s, page.label, edition.section(page.section).name, base))
    units = _page_units(edition, records, faces) if records is not None and faces is not None else {}
    for cp, pt in zip(pages, texts):
        for fit in cp.fits:
            sid = fit.story.story_id
            bbox = pt.bboxes.get(str(fit.story))
            if bbox is None or sid not in stories:
                continue
            placement = {"page": pt.label, "frame": asdict(fit.frame), "bbox_pt": bbox, "chars_set": fit.chars_set}
            if units:
                placement["alto_blocks"] = dict(units[pt.label]).get(sid, [])
            stories[sid]["placements"].append(placement)
    side: dict = {"edition": {"paper": edition.paper, "date": edition.date.isoformat(),
                              "manifest_sha256": edition.sha256}, "stories": stories,
                  "ads": ad_entries(edition)}
    if records is not None:
        side["edition"].update({"number": edition.number, "language": "zh",
                                "sections": [{"id": sec.id, "name": sec.name} for sec in edition.sections]})
        side["photos"] = {ph.id: {"page": page.label, **_photo(ph, base)} for page in edition.pages
                          for ph in page.photos}
        side["boxes"] = {b.id: {"page": page.label, "title": b.title, "text": b.text} for page in edition.pages
                         for b in page.boxes}
        side["pages"] = [_page_entry(edition, rec.label, units, page_files, base) for rec in records]
    return side


def story_texts(s: Story, label: str, section: str, base: Path | None) -> dict:
    """Every text element of a story as printed (markup removed)."""
    return {"page": label, "section": section, "kicker": s.kicker, "subhead": s.subhead, "byline": s.byline,
            "headline_vertical": bool(s.headline and s.headline.vertical),
            "paragraphs": list(s.paragraphs),
            "intertitles": [i for i in range(len(s.paragraphs))
                            if s.paragraph_markup(i).kind is ParagraphKind.INTERTITLE],
            "continues": s.continues, "see_also": s.see_also,
            "photos": [{"id": ph.id, **_photo(ph, base)} for ph in s.photos]}


def _photo(ph: Photo, base: Path | None) -> dict:
    return {"file": _rel(ph.file, base), "caption": ph.caption, "credit": ph.credit}


def _rel(path: Path, base: Path | None) -> str:
    if base is None:
        return path.as_posix()
    return Path(os.path.relpath(path, base)).as_posix()


def _page_units(edition: Edition, records: list[PageRecord], faces: dict[str, Face]
                ) -> dict[str, list[tuple[str, list[str]]]]:
    numbers = {p.label: i for i, p in enumerate(edition.pages, 1)}
    articles = owners_to_stories(edition)
    return {rec.label: page_units(rec, page_blocks(rec, faces, numbers[rec.label]), numbers[rec.label], articles)
            for rec in records}


def _page_entry(edition: Edition, label: str, units: dict, page_files: dict[str, Path] | None,
                base: Path | None) -> dict:
    page = edition.page(label)
    entry: dict = {"label": label, "section": page.section, "reading_order": [u for u, _ in units.get(label, [])]}
    if page_files is not None and label in page_files:
        entry["pdf"] = _rel(page_files[label], base)
        entry["alto"] = _rel(alto_path(page_files[label]), base)
    entry["alto_blocks"] = dict(units.get(label, []))
    return entry
