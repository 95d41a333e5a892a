"""Finish the edition PDF with pypdf: the navigation and identity a reader and a RIP need.

In: the rendered edition document (one PDF, every page, fonts embedded once), the pages'
PageDisplays (titles, bookmarks), the Edition and the output mode.  Out: one PDF with page
labels (A1…, T1…, 特1…), bookmarks (section > page > story headline), document info and
XMP metadata and, as the mode's OutputProfile asks, PDF/X-1a:2001 or PDF/A-2b
identification and output intent, all said once in metadata.py (shared with the page
files).  Deterministic: the file identifier is a hash of the written file and its mode
(metadata.stamp_id) and no clock time is written.
"""

from __future__ import annotations

import codecs
import io
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from layout.model.edition import Edition
from layout.model.modes import OutputMode
from layout.page.display import PageDisplay
from layout.pdf.marks import PageTags
from layout.pdf.metadata import (
    PLACEHOLDER_ID,
    FileMeta,
    edition_meta,
    output_intent,
    pdf_version,
    stamp_id,
)
from layout.pdf.tagging import structure, write_structure
from layout.pdf.threads import write_threads

_ESCAPED_NAMES: dict[str, bytes] = {}  # kept between builds: a resident process writes the same names


@contextmanager
def _names_memoised() -> Iterator[None]:
    """pypdf writes a name (/Type, /Font, /Parent ...) by escaping it character by character
    every time (NameObject.renumber), and an edition writes its few dozen distinct names
    about 3,000 times: a fifth of assembly in a resident rebuild.  The escaped bytes depend
    only on the name, so while `assemble` writes they are remembered (for names pypdf
    accepts; anything it refuses it still refuses).  pypdf has no hook for this, so the
    method is replaced for the duration of the write and put back afterwards: other users
    of pypdf in the process see it unchanged."""
    escape = NameObject.renumber
    memo = _ESCAPED_NAMES

    def renumber(self: NameObject) -> bytes:
        out = memo.get(self)
        if out is None:
            out = escape(self)
            if len(memo) < 4096:
                memo[str(self)] = out
        return out

    NameObject.renumber = renumber  # type: ignore[method-assign]
    try:
        yield
    finally:
        NameObject.renumber = escape  # type: ignore[method-assign]


def assemble(edition: Edition, pages: list[PageDisplay], document: bytes, mode: OutputMode,
             tags: list[PageTags | None] | None = None) -> bytes:
    """`tags`: the pages' marked content (PageDrawing.tags); when every page has them, the
    document is tagged (structure tree, article threads)."""
    labels = [d.label for d in pages]
    tagged = bool(tags) and all(t is not None for t in tags)  # type: ignore[union-attr]
    meta = edition_meta(edition, labels, mode, tagged)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    writer.pdf_header = f"%PDF-{pdf_version(meta.profile)}"
    _page_labels(writer, edition, labels)
    _bookmarks(writer, edition, pages)
    root = writer._root_object
    _identify(writer, meta)
    root[NameObject("/Lang")] = TextStringObject("zh-CN")
    if tagged:
        doc = structure(edition, tags)  # type: ignore[arg-type]
        write_structure(writer, doc, tags)  # type: ignore[arg-type]
        write_threads(writer, doc, tags)  # type: ignore[arg-type]
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    writer._ID = ArrayObject([ByteStringObject(PLACEHOLDER_ID), ByteStringObject(PLACEHOLDER_ID)])
    out = io.BytesIO()
    with _names_memoised():
        writer.write(out)
    return stamp_id(out.getvalue(), meta.profile.mode)


def _identify(writer: PdfWriter, meta: FileMeta) -> None:
    """Info (a new dictionary: nothing ReportLab wrote survives), XMP and the output intent,
    all from `meta` (metadata.py), so that Info and XMP agree field by field."""
    info = DictionaryObject()
    for key, value in meta.info().items():
        info[NameObject(key)] = NameObject(value) if key == "/Trapped" else _text_string(value)
    writer._info = info  # replaces the cloned Info in place (no orphan object)
    xmp = DecodedStreamObject()
    xmp.set_data(meta.xmp())
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    root = writer._root_object
    root[NameObject("/Metadata")] = writer._add_object(xmp)
    entries, icc = output_intent(meta.profile)
    if entries:
        oi = DictionaryObject({NameObject("/Type"): NameObject("/OutputIntent")})
        for key, value in entries.items():
            oi[NameObject(key)] = NameObject(value) if key == "/S" else TextStringObject(value)
        if icc is not None:
            profile = DecodedStreamObject()
            profile.set_data(icc)
            profile[NameObject("/N")] = NumberObject(3)
            oi[NameObject("/DestOutputProfile")] = writer._add_object(profile.flate_encode(level=9))
        root[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(oi)])


def _page_labels(writer: PdfWriter, edition: Edition, labels: list[str]) -> None:
    """PDF page labels: one numbered range per section when its pattern ends in {n}."""
    index = 0
    present = set(labels)
    for sec in edition.sections:
        sec_pages = [p for p in edition.pages if p.section == sec.id and p.label in present]
        if not sec_pages:
            continue
        pattern = sec.label
        if pattern.endswith("{n}") and "{n}" not in pattern[:-3] and _consecutive(sec_pages):
            writer.set_page_label(index, index + len(sec_pages) - 1, style="/D", prefix=pattern[:-3] or None,
                                  start=sec_pages[0].number)
            index += len(sec_pages)
        else:
            for p in sec_pages:
                writer.set_page_label(index, index, prefix=p.label)
                index += 1


def _consecutive(pages) -> bool:
    return all(b.number == a.number + 1 for a, b in zip(pages, pages[1:]))


def _bookmarks(writer: PdfWriter, edition: Edition, pages: list[PageDisplay]) -> None:
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
    root = DictionaryObject({NameObject("/Type"): NameObject("/Outlines")})
    root_ref = writer._add_object(root)
    refs = [p.indirect_reference for p in writer.pages]
    _outline_level(writer, root, root_ref, tree, refs)
    writer._root_object[NameObject("/Outlines")] = root_ref


@dataclass
class _Item:
    title: str
    page: int
    kids: list["_Item"]


def _outline_level(writer: PdfWriter, parent: DictionaryObject, parent_ref, items: list[_Item], refs: list) -> int:
    """Link `items` under `parent` (First/Last, Prev/Next, Parent, Count) and return how many
    items the level shows open.  Written with plain pypdf objects rather than
    PdfWriter.add_outline_item, which walks the whole tree again for every item it adds
    (a third of assembly time for an edition's 330 bookmarks)."""
    nodes = [DictionaryObject() for _ in items]
    node_refs = [writer._add_object(n) for n in nodes]
    shown = len(items)
    for i, (item, node) in enumerate(zip(items, nodes)):
        node[NameObject("/Title")] = _text_string(item.title)
        node[NameObject("/Parent")] = parent_ref
        node[NameObject("/Dest")] = ArrayObject([refs[item.page], NameObject("/Fit")])
        if i:
            node[NameObject("/Prev")] = node_refs[i - 1]
        if i + 1 < len(items):
            node[NameObject("/Next")] = node_refs[i + 1]
        if item.kids:
            shown += _outline_level(writer, node, node_refs[i], item.kids, refs)
    parent[NameObject("/First")] = node_refs[0]
    parent[NameObject("/Last")] = node_refs[-1]
    parent[NameObject("/Count")] = NumberObject(shown)
    return shown


def _text_string(text: str):
    """A PDF text string: PDFDocEncoding when it can be, else UTF-16BE with its byte-order
    mark, written as a hex string (pypdf would write a CJK title byte by byte as octal
    escapes, after first trying PDFDocEncoding on it)."""
    try:
        text.encode("ascii")
        return TextStringObject(text)
    except UnicodeEncodeError:
        return ByteStringObject(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
