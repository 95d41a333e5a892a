"""The archive package as a desk output: ALTO per page and METS/MODS per edition.

In: a `FinishedEdition` (layout/build/desk.py).  Out: archive/alto/<page>.xml beside
archive/pages/<page>.pdf, and <edition>.mets.xml beside the edition PDF and its JSON
sidecar, each validated against its schema before anything is written: an invalid file
stops the build (a LayoutError), the previous outputs stay as they were.

Why these places: archive mode already writes its page PDFs under archive/pages/ and the
edition PDF with its sidecar at the top of the output folder; the ALTO files sit beside
the pages they describe, and the METS file beside the edition it wraps, named after it
(a partial build's METS names its partial edition and does not replace the whole one's).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from layout.archive.alto import PageContext, alto_page
from layout.archive.mets import MetsPage, mets_document
from layout.archive.validate import alto_errors, mets_errors
from layout.build.blocks import Block, alto_path, owners_to_stories, page_blocks, page_units
from layout.build.desk import FinishedEdition
from layout.errors import Problem, RenderError
from layout.fonts.halfforms import FORM_OF_CODE, Form, FormKind
from layout.model.edition import Edition
from layout.page.halfmarks import drawn_forms
from layout.page.keys import StoryKey
from layout.page.record import faces_by_key

MAX_SHOWN = 5  # schema complaints shown per file

HALF, HUNG = FormKind.HALF, FormKind.HUNG
_NO = Form("", FormKind.OPEN, 1.0)  # what a character without a form is taken for here


def article_tags(edition: Edition) -> dict[str, str]:
    """Story id -> its ALTO article tag (ART<n>, n its place in the edition, 1-based)."""
    out: dict[str, str] = {}
    for page in edition.pages:
        for s in page.stories:
            if not s.continued_from:
                out[s.id] = f"ART{len(out) + 1}"
    return out


def vertical_texts(edition: Edition) -> dict[str, str]:
    return {str(StoryKey.of(s)): s.headline.text for page in edition.pages for s in page.stories
            if s.headline is not None and s.headline.vertical}


def mets_path(edition_file: Path) -> Path:
    """<edition>.mets.xml beside the edition PDF (as its sidecar is <edition>.json)."""
    return edition_file.with_suffix(".mets.xml")


@dataclass(frozen=True)
class AltoPage:
    label: str
    number: int
    path: Path
    data: bytes
    blocks: list[Block]
    units: list[tuple[str, list[str]]]  # reading-order units (alto.page_units)


def alto_pages(finished: FinishedEdition) -> list[AltoPage]:
    """Every page of the finished edition as ALTO (not yet validated)."""
    ed, style = finished.edition, finished.style
    faces = faces_by_key(finished.fonts.faces)
    numbers = {p.label: i for i, p in enumerate(ed.pages, 1)}
    articles, tags, verticals = owners_to_stories(ed), article_tags(ed), vertical_texts(ed)
    area = (style.type_left, style.type_top, style.type_width, style.type_height)
    widths = {k: f.widths for k, f in faces.items()}
    out = []
    for r in finished.pages:
        label = r.record.label
        pdf = finished.page_files[label]
        path = alto_path(pdf)
        n = numbers[label]
        blocks = page_blocks(r.record, faces, n)
        offset = r.drawing.bleed + r.drawing.slug  # the trim's corner in the page PDF (bleed, marks' space)
        runs = r.record.runs
        halves = hung = opened = squeezed = frozenset()
        if r.drawing.tags is not None:  # a tagged page draws punctuation forms (page/halfmarks.py)
            forms = drawn_forms(runs, widths)
            halves = frozenset(x for x, (t, _, _) in zip(runs, forms) if FORM_OF_CODE.get(ord(t[-1]), _NO).kind is HALF)
            hung = frozenset(x for x, (t, _, _) in zip(runs, forms) if FORM_OF_CODE.get(ord(t[-1]), _NO).kind is HUNG)
            opened = frozenset(x for x, (_, dx, _) in zip(runs, forms) if dx > 0)
            squeezed = frozenset(x for x, (t, _, tc) in zip(runs, forms) if tc != x.tc)
        ctx = PageContext(n, label, Path(os.path.relpath(pdf, path.parent)).as_posix(), offset, area, articles,
                          tags, verticals, halves, hung, opened, squeezed)
        out.append(AltoPage(label, n, path, alto_page(r.record, blocks, faces, ctx), blocks,
                            page_units(r.record, blocks, n, articles)))
    return out


def checked(path: Path, errors: list[str], what: str) -> list[Problem]:
    """A file's schema complaints as the build's problems (none when it is valid)."""
    if not errors:
        return []
    more = f" (and {len(errors) - MAX_SHOWN} more)" if len(errors) > MAX_SHOWN else ""
    return [Problem(f"{what} {path.name} is not valid: {'; '.join(errors[:MAX_SHOWN])}{more}", str(path),
                    hint="a bug in layout: please report it with the edition; nothing was written")]


@dataclass(frozen=True)
class ArchivePackage:
    """ALTO and METS for archive builds (the command line hands it to archive-mode builds)."""

    name: str = "archive package (ALTO, METS)"

    def files(self, finished: FinishedEdition) -> dict[Path, bytes]:
        pages = alto_pages(finished)
        problems: list[Problem] = []
        for p in pages:
            problems += checked(p.path, alto_errors(p.data), "ALTO file")
        mets = edition_mets(finished, pages)
        target = mets_path(finished.edition_file)
        problems += checked(target, mets_errors(mets), "METS file")
        if problems:
            raise RenderError(problems)
        return {**{p.path: p.data for p in pages}, target: mets}


def edition_mets(finished: FinishedEdition, pages: list[AltoPage]) -> bytes:
    """The METS file of the finished edition and its ALTO pages."""
    ed = finished.edition
    results = {r.record.label: r for r in finished.pages}
    mpages = [MetsPage(p.label, p.number, ed.page(p.label).section, finished.page_files[p.label],
                       results[p.label].pdf, p.path, p.data, results[p.label].record, p.blocks, p.units)
              for p in pages]
    return mets_document(ed, mpages, finished.edition_file, finished.edition_pdf, mets_path(finished.edition_file),
                         owners_to_stories(ed), article_tags(ed))
