"""METS 1.12.1 for one edition: its files, its pages and its articles, with MODS.

In: the finished edition and its ALTO pages (package.py).  Out: the bytes of a METS
file that lives beside the edition PDF:
* `metsHdr` with CREATEDATE the edition's date (the build's clock is never written: the
  same edition gives the same bytes);
* `dmdSec`s in MODS (mods.py): the issue (paper, date, number, language, sections) and
  every article (headline, subhead, kicker, byline, section, pages);
* `fileSec`: the edition PDF (USE "edition"), the page PDFs ("page") and the ALTO files
  ("FULLTEXT", the name viewers such as the DFG-Viewer look for), each with SIZE,
  CHECKSUM (SHA-256) and MIMETYPE, located relative to the METS file;
* a physical `structMap`: the issue (the edition PDF) -> its pages in order, ORDERLABEL
  the printed label (A1, T1, 特1), each with its page PDF and ALTO file;
* a logical `structMap`: the issue -> sections -> articles (in the edition's order; a
  jumped story is one article) -> one part per page -> `area BETYPE="IDREF"`s naming
  its ALTO blocks and pictures in reading order; page photos and boxes are divs of
  their own; furniture (masthead, folio) is in ALTO only;
* a `structLink` from each article and part to the pages it is on.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from layout import __version__
from layout.archive.alto import esc
from layout.archive.mods import MODS_NS, article_mods, issue_mods
from layout.build.blocks import FURNITURE, Block
from layout.model.edition import Edition, Story
from layout.page.keys import StoryKey
from layout.page.record import FrameKind, PageRecord

METS_NS = "http://www.loc.gov/METS/"


@dataclass(frozen=True)
class MetsPage:
    """What the METS file says of one page."""

    label: str
    number: int  # in the edition, 1-based
    section: str  # section id
    pdf: Path
    pdf_bytes: bytes
    alto: Path
    alto_bytes: bytes
    record: PageRecord
    blocks: list[Block]
    units: list[tuple[str, list[str]]]  # alto.page_units: reading-order units and their element ids


def _file(fid: str, path: Path, data: bytes, mime: str, base: Path) -> str:
    href = quote(Path(os.path.relpath(path, base)).as_posix())
    return (f'<mets:file ID="{fid}" MIMETYPE="{mime}" SIZE="{len(data)}" CHECKSUMTYPE="SHA-256" '
            f'CHECKSUM="{hashlib.sha256(data).hexdigest()}"><mets:FLocat LOCTYPE="URL" xlink:href="{esc(href)}"/>'
            "</mets:file>")


def _mdwrap(did: str, mods: str) -> str:
    return (f'<mets:dmdSec ID="{did}"><mets:mdWrap MDTYPE="MODS" MIMETYPE="text/xml"><mets:xmlData>{mods}'
            "</mets:xmlData></mets:mdWrap></mets:dmdSec>")


def _areas(fid: str, ids: list[str]) -> str:
    return ("<mets:fptr><mets:seq>" + "".join(f'<mets:area FILEID="{fid}" BEGIN="{i}" BETYPE="IDREF"/>' for i in ids)
            + "</mets:seq></mets:fptr>")


def stories_in_order(edition: Edition) -> list[tuple[Story, str]]:
    """Every story (start entries) with the id of the section it starts in, in edition order."""
    return [(s, page.section) for page in edition.pages for s in page.stories if not s.continued_from]


def mets_document(edition: Edition, pages: list[MetsPage], edition_pdf: Path, edition_bytes: bytes,
                  mets_path: Path, articles: dict[str, str], tags: dict[str, str]) -> bytes:
    """The METS file.  `articles`: run owner -> story id; `tags`: story id -> ALTO article
    tag (ART<n>), whose n numbers the article's METS ids too."""
    base = mets_path.parent
    date = edition.date.isoformat()
    label = f"{edition.paper} {date}" + (f" 总第{edition.number}号" if edition.number is not None else "")
    stories = stories_in_order(edition)
    sections = [(sec, [p.label for p in pages if p.section == sec.id]) for sec in edition.sections]
    sections = [(sec, labels) for sec, labels in sections if labels]
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<mets:mets xmlns:mets="{METS_NS}" xmlns:mods="{MODS_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="'
           f'{METS_NS} http://www.loc.gov/standards/mets/version1121/mets.xsd '
           f'{MODS_NS} http://www.loc.gov/standards/mods/v3/mods-3-7.xsd" '
           f'OBJID="{esc(edition_pdf.stem)}" TYPE="newspaper issue" LABEL="{esc(label)}">',
           f'<mets:metsHdr CREATEDATE="{date}T00:00:00"><mets:agent ROLE="CREATOR" TYPE="OTHER" '
           f'OTHERTYPE="SOFTWARE"><mets:name>layout {esc(__version__)}</mets:name>'
           "<mets:note>text, positions and structure as composed, not recognised</mets:note></mets:agent>"
           "</mets:metsHdr>",
           _mdwrap("DMD_ISSUE", issue_mods(edition, len(pages), [(s.name, labels) for s, labels in sections]))]

    # where each article is: page -> its element ids there, in reading order
    parts: dict[str, list[tuple[MetsPage, list[str]]]] = {}
    others: list[tuple[MetsPage, str, list[str]]] = []  # page photos, boxes: (page, owner, ids)
    furniture = {b.owner for p in pages for b in p.blocks if b.kind in FURNITURE}
    story_keys = {str(StoryKey.of(s)) for p in edition.pages for s in p.stories}
    for p in pages:
        for unit, ids in p.units:
            if unit in tags:
                parts.setdefault(unit, []).append((p, ids))
            elif unit not in furniture and unit not in story_keys:
                others.append((p, unit, ids))
    names = {sec.id: sec.name for sec in edition.sections}
    for s, sec in stories:
        if s.id in parts:
            out.append(_mdwrap(f"DMD_{tags[s.id]}", article_mods(s, [p.label for p, _ in parts[s.id]], names[sec])))

    out.append("<mets:fileSec>")
    out.append('<mets:fileGrp USE="edition">' + _file("FILE_EDITION", edition_pdf, edition_bytes, "application/pdf",
                                                      base) + "</mets:fileGrp>")
    out.append('<mets:fileGrp USE="page">' + "".join(_file(f"FILE_PDF_P{p.number}", p.pdf, p.pdf_bytes,
                                                           "application/pdf", base) for p in pages)
               + "</mets:fileGrp>")
    out.append('<mets:fileGrp USE="FULLTEXT">' + "".join(_file(f"FILE_ALTO_P{p.number}", p.alto, p.alto_bytes,
                                                               "text/xml", base) for p in pages)
               + "</mets:fileGrp>")
    out.append("</mets:fileSec>")

    out.append(f'<mets:structMap TYPE="PHYSICAL"><mets:div ID="PHYS_ISSUE" TYPE="issue" LABEL="{esc(label)}">'
               '<mets:fptr FILEID="FILE_EDITION"/>')
    for i, p in enumerate(pages, 1):
        out.append(f'<mets:div ID="PHYS_P{p.number}" TYPE="page" ORDER="{i}" ORDERLABEL="{esc(p.label)}" '
                   f'LABEL="{esc(names[p.section])} {esc(p.label)}"><mets:fptr FILEID="FILE_PDF_P{p.number}"/>'
                   f'<mets:fptr FILEID="FILE_ALTO_P{p.number}"/></mets:div>')
    out.append("</mets:div></mets:structMap>")

    links: list[tuple[str, str]] = []
    out.append(f'<mets:structMap TYPE="LOGICAL"><mets:div ID="LOG_ISSUE" TYPE="issue" LABEL="{esc(label)}" '
               'DMDID="DMD_ISSUE">')
    for n, (sec, labels) in enumerate(sections, 1):
        out.append(f'<mets:div ID="LOG_SEC{n}" TYPE="section" ORDER="{n}" LABEL="{esc(sec.name)}">')
        order = 0
        for s, sid in stories:
            if sid != sec.id or s.id not in parts:
                continue
            order += 1
            art = tags[s.id]
            title = s.headline.text if s.headline is not None and s.headline.text else s.id
            out.append(f'<mets:div ID="LOG_{art}" TYPE="article" ORDER="{order}" LABEL="{esc(title)}" '
                       f'DMDID="DMD_{art}">')
            for k, (p, ids) in enumerate(parts[s.id], 1):
                out.append(f'<mets:div ID="LOG_{art}_{k}" TYPE="article_part" ORDER="{k}" ORDERLABEL="{esc(p.label)}">'
                           + _areas(f"FILE_ALTO_P{p.number}", ids) + "</mets:div>")
                links += [(f"LOG_{art}", f"PHYS_P{p.number}"), (f"LOG_{art}_{k}", f"PHYS_P{p.number}")]
            out.append("</mets:div>")
        for k, (p, owner, ids) in enumerate((o for o in others if o[0].section == sec.id), 1):
            kind = ("box" if any(f.owner == owner and f.kind is FrameKind.BOX for f in p.record.frames) else
                    "illustration" if any(pic.owner == owner for pic in p.record.pictures) else "other")
            did = f"LOG_SEC{n}_X{k}"
            out.append(f'<mets:div ID="{did}" TYPE="{kind}" ORDER="{order + k}" LABEL="{esc(owner)}">'
                       + _areas(f"FILE_ALTO_P{p.number}", ids) + "</mets:div>")
            links.append((did, f"PHYS_P{p.number}"))
        out.append("</mets:div>")
    out.append("</mets:div></mets:structMap>")
    if links:
        out.append("<mets:structLink>" + "".join(
            f'<mets:smLink xlink:from="{a}" xlink:to="{b}"/>' for a, b in dict.fromkeys(links)) + "</mets:structLink>")
    out += ["</mets:mets>", ""]
    return "\n".join(out).encode("utf-8")

