"""Finish the edition PDF with pypdf: the navigation and identity a reader and a RIP need.

In: the rendered edition document (one PDF, every page, fonts embedded once), the pages'
PageDisplays (titles, bookmarks), the Edition and the output mode.  Out: one PDF with page labels (A1…, T1…, 特1…), bookmarks
(section > page > story headline), document info and XMP metadata (title, subject,
keywords = page labels, producer, the manifest's sha256), and for archive mode a PDF/A-2b
identification with an sRGB output intent; for print mode a PDF/X output intent naming
the registered newsprint condition.  Deterministic: the file identifier is a hash of the
content and no clock time is written.
"""

from __future__ import annotations

import hashlib
import io
from html import escape  # not xml.sax.saxutils: it imports urllib.request (12 ms)

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, ByteStringObject, DecodedStreamObject, DictionaryObject, NameObject,
                           NumberObject, TextStringObject)

from layout import __version__
from layout.dates import pdf_date, xmp_date
from layout.display import PageDisplay
from layout.model import Edition

PRINT_CONDITION = "IFRA26"  # ISO 12647-3:2013 coldset newsprint, registered at color.org


def edition_title(edition: Edition) -> str:
    return f"{edition.paper} {edition.date.isoformat()}"


def _srgb_profile() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def xmp_packet(edition: Edition, labels: list[str], mode: str) -> bytes:
    title = escape(edition_title(edition))
    keywords = escape(", ".join(labels))
    pdfa = ("<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>" if mode == "archive" else "")
    pdfx = "<pdfxid:GTS_PDFXVersion>PDF/X-1:2001</pdfxid:GTS_PDFXVersion>" if mode == "print" else ""
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
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(edition.paper)} {mode} edition</rdf:li></rdf:Alt></dc:description>
   <dc:creator><rdf:Seq><rdf:li>{escape(edition.paper)}</rdf:li></rdf:Seq></dc:creator>
   <pdf:Producer>layout {__version__}</pdf:Producer>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <xmp:CreatorTool>layout {__version__}</xmp:CreatorTool>
   <xmp:CreateDate>{xmp_date(edition.date)}</xmp:CreateDate>
   <xmp:ModifyDate>{xmp_date(edition.date)}</xmp:ModifyDate>
   <layout:ManifestSHA256>{edition.sha256}</layout:ManifestSHA256>
   <layout:Mode>{mode}</layout:Mode>
   {pdfa}{pdfx}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
    return xml.encode("utf-8")


def assemble(edition: Edition, pages: list[PageDisplay], document: bytes, mode: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(document)))
    labels = [d.label for d in pages]
    _page_labels(writer, edition, labels)
    _bookmarks(writer, edition, pages)
    info = {
        "/Title": edition_title(edition),
        "/Subject": f"{edition.paper} {edition.date.isoformat()} {mode} edition, {len(pages)} pages",
        "/Keywords": ", ".join(labels),
        "/Creator": f"layout {__version__}",
        "/Producer": f"layout {__version__}",
        "/Author": edition.paper,
        # the edition's date, not the clock: builds are reproducible byte for byte
        "/CreationDate": pdf_date(edition.date),
        "/ModDate": pdf_date(edition.date),
        "/ManifestSHA256": edition.sha256,
    }
    if mode == "print":
        info["/GTS_PDFXVersion"] = "PDF/X-1:2001"
        info["/Trapped"] = "/False"
    writer.add_metadata(info)
    if "/Trapped" in info:
        writer._info.get_object()[NameObject("/Trapped")] = NameObject("/False")  # type: ignore[union-attr]
    root = writer._root_object
    meta = DecodedStreamObject()
    meta.set_data(xmp_packet(edition, labels, mode))
    meta.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    root[NameObject("/Metadata")] = writer._add_object(meta)
    if mode in ("archive", "print"):
        root[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(_output_intent(writer, mode))])
    root[NameObject("/Lang")] = TextStringObject("zh-CN")
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    # deterministic file identifier: hash of the manifest, mode and the document
    h = hashlib.md5(edition.sha256.encode() + mode.encode())
    h.update(hashlib.sha256(document).digest())
    ident = ByteStringObject(h.digest())
    writer._ID = ArrayObject([ident, ident])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _output_intent(writer: PdfWriter, mode: str) -> DictionaryObject:
    oi = DictionaryObject()
    oi[NameObject("/Type")] = NameObject("/OutputIntent")
    if mode == "archive":
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
    index = {d.label: i for i, d in enumerate(pages)}
    for sec in edition.sections:
        sec_pages = [d for d in pages if d.section == sec.id]
        if not sec_pages:
            continue
        parent = writer.add_outline_item(title=sec.name, page_number=index[sec_pages[0].label])
        for d in sec_pages:
            item = writer.add_outline_item(title=d.title or d.label, page_number=index[d.label], parent=parent)
            for bm in d.bookmarks:
                writer.add_outline_item(title=bm.title, page_number=index[d.label], parent=item)
