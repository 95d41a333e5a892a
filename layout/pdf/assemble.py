"""Finish the edition PDF with pypdf: the navigation and identity a reader and a RIP need.

In: the rendered edition document (one PDF, every page, fonts embedded once), the pages'
PageDisplays (titles, bookmarks), the Edition and the output mode.  Out: one PDF with page
labels (A1…, T1…, 特1…), bookmarks (section > page > story headline), document info and
XMP metadata (title, subject, keywords = page labels, producer, the manifest's sha256),
and, as the mode's OutputProfile asks, a PDF/A-2b identification with an sRGB output
intent (archive) or a PDF/X output intent naming the registered newsprint condition
(print).  Deterministic: the file identifier is a hash of the
content and no clock time is written.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import struct
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape  # not xml.sax.saxutils: it imports urllib.request, slow to import
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

from layout import __version__
from layout.model.edition import Edition
from layout.model.modes import OutputMode, OutputProfile, output_profile
from layout.page.display import PageDisplay
from layout.pdf.marks import PageTags
from layout.pdf.tagging import structure, write_structure
from layout.pdf.threads import write_threads
from layout.text.dates import pdf_date, xmp_date

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


PRINT_CONDITION = "IFRA26"  # ISO 12647-3:2013 coldset newsprint, registered at color.org


def edition_title(edition: Edition) -> str:
    return f"{edition.paper} {edition.date.isoformat()}"


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    # Little CMS stamps the profile header (bytes 24-35) with the clock; a fixed date keeps
    # the same input giving the same bytes.  The profile ID (84-99) is left zero by lcms.
    data[24:36] = struct.pack(">6H", 2000, 1, 1, 0, 0, 0)
    return bytes(data)


def xmp_packet(edition: Edition, labels: list[str], mode: OutputMode) -> bytes:
    profile = output_profile(mode)
    name = profile.mode.value
    title = escape(edition_title(edition))
    keywords = escape(", ".join(labels))
    pdfa = "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>" if profile.pdfa else ""
    pdfx = "<pdfxid:GTS_PDFXVersion>PDF/X-1:2001</pdfxid:GTS_PDFXVersion>" if profile.pdfx else ""
    xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"
    xmlns:layout="https://example.invalid/layout/ns/1.0/">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(edition.paper)} {name} edition</rdf:li></rdf:Alt></dc:description>
   <dc:creator><rdf:Seq><rdf:li>{escape(edition.paper)}</rdf:li></rdf:Seq></dc:creator>
   <pdf:Producer>layout {__version__}</pdf:Producer>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <xmp:CreatorTool>layout {__version__}</xmp:CreatorTool>
   <xmp:CreateDate>{xmp_date(edition.date)}</xmp:CreateDate>
   <xmp:ModifyDate>{xmp_date(edition.date)}</xmp:ModifyDate>
   <layout:ManifestSHA256>{edition.sha256}</layout:ManifestSHA256>
   <layout:Mode>{name}</layout:Mode>
   {pdfa}{pdfx}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return xml.encode("utf-8")


def assemble(edition: Edition, pages: list[PageDisplay], document: bytes, mode: OutputMode,
             tags: list[PageTags | None] | None = None) -> bytes:
    """`tags`: the pages' marked content (PageDrawing.tags); when every page has them, the
    document is tagged (structure tree, article threads)."""
    profile = output_profile(mode)
    name = profile.mode.value
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    labels = [d.label for d in pages]
    _page_labels(writer, edition, labels)
    _bookmarks(writer, edition, pages)
    info = {
        "/Title": edition_title(edition),
        "/Subject": f"{edition.paper} {edition.date.isoformat()} {name} edition, {len(pages)} pages",
        "/Keywords": ", ".join(labels),
        "/Creator": f"layout {__version__}",
        "/Producer": f"layout {__version__}",
        "/Author": edition.paper,
        # the edition's date, not the clock: builds are reproducible byte for byte
        "/CreationDate": pdf_date(edition.date),
        "/ModDate": pdf_date(edition.date),
        "/ManifestSHA256": edition.sha256,
    }
    if profile.pdfx:
        info["/GTS_PDFXVersion"] = "PDF/X-1:2001"
        info["/Trapped"] = "/False"
    writer.add_metadata(info)
    if "/Trapped" in info:
        writer._info.get_object()[NameObject("/Trapped")] = NameObject("/False")  # type: ignore[union-attr]
    root = writer._root_object
    meta = DecodedStreamObject()
    meta.set_data(xmp_packet(edition, labels, profile.mode))
    meta.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    root[NameObject("/Metadata")] = writer._add_object(meta)
    if profile.output_intent:
        root[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(_output_intent(writer, profile))])
    root[NameObject("/Lang")] = TextStringObject("zh-CN")
    if tags and all(t is not None for t in tags):
        doc = structure(edition, tags)  # type: ignore[arg-type]
        write_structure(writer, doc, tags)  # type: ignore[arg-type]
        write_threads(writer, doc, tags)  # type: ignore[arg-type]
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    # deterministic file identifier: hash of the manifest, mode and the document
    h = hashlib.md5(edition.sha256.encode() + name.encode())
    h.update(hashlib.sha256(document).digest())
    ident = ByteStringObject(h.digest())
    writer._ID = ArrayObject([ident, ident])
    out = io.BytesIO()
    with _names_memoised():
        writer.write(out)
    return out.getvalue()


def _output_intent(writer: PdfWriter, profile: OutputProfile) -> DictionaryObject:
    """sRGB for PDF/A, the registered newsprint condition for PDF/X."""
    oi = DictionaryObject()
    oi[NameObject("/Type")] = NameObject("/OutputIntent")
    if profile.pdfa:
        profile = DecodedStreamObject()
        profile.set_data(_srgb_profile())
        profile[NameObject("/N")] = NumberObject(3)
        oi[NameObject("/S")] = NameObject("/GTS_PDFA1")
        oi[NameObject("/OutputConditionIdentifier")] = TextStringObject("sRGB IEC61966-2.1")
        oi[NameObject("/Info")] = TextStringObject("sRGB IEC61966-2.1")
        oi[NameObject("/DestOutputProfile")] = writer._add_object(profile)
    else:
        oi[NameObject("/S")] = NameObject("/GTS_PDFX")
        oi[NameObject("/OutputConditionIdentifier")] = TextStringObject(PRINT_CONDITION)
        oi[NameObject("/OutputCondition")] = TextStringObject(
            "Coldset offset on newsprint, ISO 12647-3:2013, 220% total ink")
        oi[NameObject("/RegistryName")] = TextStringObject("http://www.color.org")
        oi[NameObject("/Info")] = TextStringObject(PRINT_CONDITION)
    return oi


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
