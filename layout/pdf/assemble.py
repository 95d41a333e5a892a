"""The edition PDF, finished in the one pass ReportLab writes it: the navigation and identity a
reader and a RIP need.

In: the pages' drawings (draw.PageDrawing: content, photos, characters, marked content) and
PageDisplays (titles, bookmarks), the FontBook and the registry of embedded faces, the
Edition and the output mode.  Out: one PDF, every page, fonts embedded once (draw.render_pages),
with page labels (A1…, T1…, 特1…), bookmarks (section > page > story headline), document
info and XMP metadata and, as the mode's OutputProfile asks, PDF/X-1a:2001 or PDF/A-2b
identification and output intent, all said once in metadata.py (shared with the page
files); a tagged edition (archive) also gets its structure tree (tagging.py) and article
threads (threads.py).  Deterministic: the file identifier is a hash of the written file
and its mode (metadata.stamp_id) and no clock time is written.

Why in ReportLab's document and not after it: everything here is added to the document
before it is saved (pdfobj.py: objects as bytes, catalog and page keys ReportLab writes
when set), so the edition is written once; reading the written document back, copying it
and writing it again (as pypdf would) took longer than drawing it.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfbase import pdfdoc

from layout.fonts.catalogue import FontBook
from layout.fonts.embed import EmbeddedFonts
from layout.model.edition import Edition
from layout.model.modes import OutputMode
from layout.page.display import PageDisplay
from layout.pdf.draw import PageDrawing, render_pages
from layout.pdf.marks import PageTags
from layout.pdf.metadata import edition_meta
from layout.pdf.pdfobj import Raw, array, page_refs, register, text
from layout.pdf.tagging import structure, write_structure
from layout.pdf.threads import write_threads


def assemble(edition: Edition, pages: list[PageDisplay], drawings: list[PageDrawing], fonts: FontBook,
             embedded: EmbeddedFonts, mode: OutputMode) -> bytes:
    """The edition's file from its pages in order.  When every drawing has its marked content
    (PageDrawing.tags: the mode is tagged), the document is tagged (structure tree, article
    threads)."""
    labels = [d.label for d in pages]
    tags = [d.tags for d in drawings]
    tagged = bool(tags) and all(t is not None for t in tags)
    meta = edition_meta(edition, labels, mode, tagged)

    def finish(doc: pdfdoc.PDFDocument) -> None:
        refs = page_refs(doc)
        _page_labels(doc, edition, labels)
        _bookmarks(doc, edition, pages, refs)
        if tagged:
            page_tags: list[PageTags] = tags  # type: ignore[assignment]
            elem = structure(edition, page_tags)
            write_structure(doc, elem, page_tags)
            write_threads(doc, elem, page_tags)
        doc.Catalog.PageMode = pdfdoc.PDFName("UseOutlines")

    return render_pages(drawings, fonts, embedded=embedded, meta=meta, finish=finish)


def _page_labels(doc: pdfdoc.PDFDocument, edition: Edition, labels: list[str]) -> None:
    """PDF page labels: one numbered range per section when its pattern ends in {n} and its
    pages are consecutive, else each page's label as a prefix of its own; pages no section
    names (none today) are numbered 1, 2 …"""
    nums: list[bytes] = []
    index = 0
    present = set(labels)
    for sec in edition.sections:
        sec_pages = [p for p in edition.pages if p.section == sec.id and p.label in present]
        if not sec_pages:
            continue
        pattern = sec.label
        if pattern.endswith("{n}") and "{n}" not in pattern[:-3] and _consecutive(sec_pages):
            prefix = b" /P " + text(pattern[:-3]) if pattern[:-3] else b""
            start = b" /St %d" % sec_pages[0].number if sec_pages[0].number else b""
            nums.append(b"%d << /S /D%s%s >>" % (index, prefix, start))
            index += len(sec_pages)
        else:
            for p in sec_pages:
                nums.append(b"%d << /P %s >>" % (index, text(p.label)))
                index += 1
    if not nums:
        return
    if index < len(labels):
        nums.append(b"%d << /S /D >>" % index)
    doc.Catalog.PageLabels = b"<< /Nums " + array(nums) + b" >>"  # (bytes: written in the catalog itself)


def _consecutive(pages) -> bool:
    return all(b.number == a.number + 1 for a, b in zip(pages, pages[1:]))


@dataclass
class _Item:
    title: str
    page: int
    kids: list["_Item"]


class _Outlines(Raw):
    """The outline's root, in the place of ReportLab's own outline (which, asked to prepare
    itself with no entries, would take the catalog's /Outlines away again)."""

    ready = 1

    def prepare(self, document, canvas) -> None:
        pass


def _bookmarks(doc: pdfdoc.PDFDocument, edition: Edition, pages: list[PageDisplay], refs: list[bytes]) -> None:
    """Outline: section > page > story headline, every item open, each going to its page."""
    index = {d.label: i for i, d in enumerate(pages)}
    tree: list[_Item] = []
    for sec in edition.sections:
        sec_pages = [d for d in pages if d.section == sec.id]
        if sec_pages:
            tree.append(_Item(sec.name, index[sec_pages[0].label], [
                _Item(d.title or d.label, index[d.label], [_Item(bm.title, index[d.label], []) for bm in d.bookmarks])
                for d in sec_pages]))
    if not tree:
        return
    root = _Outlines()
    first, last, shown = _outline_level(doc, register(doc, root), tree, refs)
    root.data = b"<< /Type /Outlines /First %s /Last %s /Count %d >>" % (first, last, shown)
    doc.Outlines = doc.outline = doc.Catalog.Outlines = root


def _outline_level(doc: pdfdoc.PDFDocument, parent: bytes, items: list[_Item], refs: list[bytes]
                   ) -> tuple[bytes, bytes, int]:
    """`items` as outline items under `parent` (Prev/Next, Parent, First/Last and Count of
    their own kids): (first, last, how many items the level shows open)."""
    nodes = [Raw() for _ in items]
    node_refs = [register(doc, n) for n in nodes]
    shown = len(items)
    for i, (item, node) in enumerate(zip(items, nodes)):
        parts = [b"<< /Title ", text(item.title), b" /Parent ", parent, b" /Dest [ ", refs[item.page], b" /Fit ]"]
        if i:
            parts += [b" /Prev ", node_refs[i - 1]]
        if i + 1 < len(items):
            parts += [b" /Next ", node_refs[i + 1]]
        if item.kids:
            first, last, count = _outline_level(doc, node_refs[i], item.kids, refs)
            shown += count
            parts.append(b" /First %s /Last %s /Count %d" % (first, last, count))
        parts.append(b" >>")
        node.data = b"".join(parts)
    return node_refs[0], node_refs[-1], shown
