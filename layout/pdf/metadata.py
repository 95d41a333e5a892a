"""A PDF file's identity, said once: Info, XMP, output intent, version and file /ID.

In: what a file is (the edition or one page of it, the mode).  Out: a `FileMeta` from which
both the Info dictionary and the XMP packet are generated, so the two agree field by
field (PDF/A requires it, and an archive that reads one or the other must find the same
title, author, dates ...); the output intent the mode's profile asks for; the PDF version
the file declares; and a file identifier computed from the finished file's bytes.

Both the edition (assemble.py) and each page file (written in the page's worker) are
ReportLab documents that `finish_reportlab` gives their identity before they are saved:
reading a written file back to add it would cost more than drawing the pages.

* print   - PDF/X-1a:2001: PDF 1.3, GTS_PDFXVersion and GTS_PDFXConformance in Info (and
            pdfxid in XMP), Trapped, an output intent naming the registered newsprint
            condition (IFRA26, ISO 12647-3:2013).
* archive - PDF/A-2b: PDF 1.7 (PDF/A-2 is based on ISO 32000-1), pdfaid in XMP, the
            `layout:` properties declared in a pdfaExtension schema, an output intent with
            an ICC v2 sRGB profile (icc.py).  The tagged edition (tagging.py: structure
            tree, MarkInfo, Lang, ToUnicode for every code) says PDF/A-2a and PDF/UA-1
            (pdfuaid:part, declared in the extension schema: PDF/A-2 does not predefine it).
* proof   - PDF 1.4 with the same Info and XMP, no identification and no output intent.
"""

from __future__ import annotations

import binascii
import hashlib
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from html import escape  # not xml.sax.saxutils: it imports urllib.request, slow to import
from typing import Iterator

from reportlab.pdfbase import pdfdoc

from layout import __version__
from layout.model.edition import Edition
from layout.model.modes import OutputMode, OutputProfile, output_profile
from layout.text.dates import pdf_date, xmp_date

PRINT_CONDITION = "IFRA26"  # ISO 12647-3:2013 coldset newsprint, registered at color.org
PRINT_CONDITION_TEXT = "Coldset offset on newsprint, ISO 12647-3:2013, 220% total ink"
PDFX_VERSION = "PDF/X-1:2001"
PDFX_CONFORMANCE = "PDF/X-1a:2001"
PDFA_PART, PDFA_CONFORMANCE, PDFA_TAGGED = 2, "B", "A"  # level A: tagged, Unicode for every glyph, language
PDFUA_PART = 1
SRGB = "sRGB IEC61966-2.1"
LAYOUT_NS = "https://example.invalid/layout/ns/1.0/"  # the `layout:` XMP properties (declared below)
PLACEHOLDER_ID = b"\0layout-file-id\0"  # 16 bytes, written first and replaced by the file's hash


def pdf_version(profile: OutputProfile) -> str:
    """What the header declares: 1.3 for PDF/X-1a:2001, 1.7 for PDF/A-2, else 1.4 (XMP)."""
    return "1.3" if profile.pdfx else "1.7" if profile.pdfa else "1.4"


@dataclass(frozen=True)
class FileMeta:
    """The one source of a file's Info dictionary and XMP packet."""

    profile: OutputProfile
    title: str
    author: str  # Info /Author = the single dc:creator
    subject: str  # Info /Subject = dc:description
    keywords: str  # Info /Keywords = pdf:Keywords
    pdf_date: str  # Info /CreationDate and /ModDate
    xmp_date: str  # xmp:CreateDate and xmp:ModifyDate: the same instant
    # The manifest's hash: the edition's only.  A page file holds nothing that another page's
    # edit changes, so that an unchanged plate keeps its bytes (and a hot folder sees only
    # the plates that changed).
    manifest_sha256: str = ""
    tool: str = f"layout {__version__}"  # Info /Creator = xmp:CreatorTool, /Producer = pdf:Producer
    trapped: bool = False  # nothing is trapped: Info /Trapped = pdf:Trapped
    tagged: bool = False  # a tagged PDF/A file: conformance level A and PDF/UA-1

    @property
    def conformance(self) -> str:
        """The PDF/A conformance level the file claims."""
        return PDFA_TAGGED if self.tagged else PDFA_CONFORMANCE

    def info(self) -> dict[str, str]:
        """The Info dictionary's entries as text (Trapped is written as a name)."""
        out = {"/Title": self.title, "/Author": self.author, "/Subject": self.subject, "/Keywords": self.keywords,
               "/Creator": self.tool, "/Producer": self.tool, "/CreationDate": self.pdf_date,
               "/ModDate": self.pdf_date, "/Trapped": "/True" if self.trapped else "/False",
               "/LayoutMode": self.profile.mode.value}
        if self.manifest_sha256:
            out["/ManifestSHA256"] = self.manifest_sha256
        if self.profile.pdfx:
            out["/GTS_PDFXVersion"] = PDFX_VERSION
            out["/GTS_PDFXConformance"] = PDFX_CONFORMANCE
        return out

    def xmp(self) -> bytes:
        """The XMP packet: the Info fields, the identification and the declared layout: properties."""
        p = self.profile
        ident = ""
        if p.pdfa:
            ident += (f"\n   <pdfaid:part>{PDFA_PART}</pdfaid:part>"
                      f"\n   <pdfaid:conformance>{self.conformance}</pdfaid:conformance>")
        ua = p.pdfa and self.tagged
        if ua:
            ident += f"\n   <pdfuaid:part>{PDFUA_PART}</pdfuaid:part>"
        if p.pdfx:
            ident += (f"\n   <pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion>"
                      f"\n   <pdfxid:GTS_PDFXConformance>{PDFX_CONFORMANCE}</pdfxid:GTS_PDFXConformance>")
        ns = ('\n    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"' if p.pdfa else "") + \
             ('\n    xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/"' if p.pdfx else "") + \
             (f'\n    xmlns:pdfuaid="{PDFUA_NS}"' if ua else "")
        manifest = (f"   <layout:ManifestSHA256>{self.manifest_sha256}</layout:ManifestSHA256>\n"
                    if self.manifest_sha256 else "")
        xml = f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:layout="{LAYOUT_NS}"{ns}>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(self.title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(self.author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(self.subject)}</rdf:li></rdf:Alt></dc:description>
   <pdf:Keywords>{escape(self.keywords)}</pdf:Keywords>
   <pdf:Producer>{escape(self.tool)}</pdf:Producer>
   <pdf:Trapped>{"True" if self.trapped else "False"}</pdf:Trapped>
   <xmp:CreatorTool>{escape(self.tool)}</xmp:CreatorTool>
   <xmp:CreateDate>{self.xmp_date}</xmp:CreateDate>
   <xmp:ModifyDate>{self.xmp_date}</xmp:ModifyDate>
{manifest}   <layout:Mode>{p.mode.value}</layout:Mode>{ident}
  </rdf:Description>{_extension_schema(ua)}
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"""
        return xml.encode("utf-8")


# PDF/A admits XMP properties outside the predefined schemas only when the file declares
# them (ISO 19005-2, 6.6.2.3.3): the layout: namespace, its prefix and each property's type.
PDFUA_NS = "http://www.aiim.org/pdfua/ns/id/"
_PDFUA_SCHEMA = f"""
   <rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>{PDFUA_NS}</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq>
     <rdf:li rdf:parseType="Resource"><pdfaProperty:name>part</pdfaProperty:name>
      <pdfaProperty:valueType>Integer</pdfaProperty:valueType><pdfaProperty:category>internal</pdfaProperty:category>
      <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description></rdf:li>
    </rdf:Seq></pdfaSchema:property>
   </rdf:li>"""


def _extension_schema(ua: bool) -> str:
    return _EXTENSION_SCHEMA.replace("</rdf:Bag>", _PDFUA_SCHEMA.lstrip("\n") + "</rdf:Bag>") if ua \
        else _EXTENSION_SCHEMA


_EXTENSION_SCHEMA = f"""
  <rdf:Description rdf:about=""
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
    <pdfaSchema:schema>layout build provenance</pdfaSchema:schema>
    <pdfaSchema:namespaceURI>{LAYOUT_NS}</pdfaSchema:namespaceURI>
    <pdfaSchema:prefix>layout</pdfaSchema:prefix>
    <pdfaSchema:property><rdf:Seq>
     <rdf:li rdf:parseType="Resource"><pdfaProperty:name>ManifestSHA256</pdfaProperty:name>
      <pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>internal</pdfaProperty:category>
      <pdfaProperty:description>SHA-256 of the edition manifest the file was built from</pdfaProperty:description></rdf:li>
     <rdf:li rdf:parseType="Resource"><pdfaProperty:name>Mode</pdfaProperty:name>
      <pdfaProperty:valueType>Text</pdfaProperty:valueType><pdfaProperty:category>internal</pdfaProperty:category>
      <pdfaProperty:description>Output mode: print, proof or archive</pdfaProperty:description></rdf:li>
    </rdf:Seq></pdfaSchema:property>
   </rdf:li></rdf:Bag></pdfaExtension:schemas>
  </rdf:Description>"""


def edition_title(edition: Edition) -> str:
    return f"{edition.paper} {edition.date.isoformat()}"


def edition_meta(edition: Edition, labels: list[str], mode: OutputMode, tagged: bool = False) -> FileMeta:
    """The whole edition's file; `tagged`: it has a structure tree (tagging.py)."""
    profile = output_profile(mode)
    return FileMeta(profile, edition_title(edition), edition.paper,
                    f"{edition_title(edition)} {profile.mode.value} edition, {len(labels)} pages",
                    ", ".join(labels), pdf_date(edition.date), xmp_date(edition.date), edition.sha256,
                    tagged=tagged)


def page_meta(edition: Edition, label: str, title: str, mode: OutputMode) -> FileMeta:
    """One page's own file (OUT/pages/<label>.pdf): the plate a hot folder sends on."""
    profile = output_profile(mode)
    name = f"{edition_title(edition)} {label}"
    return FileMeta(profile, name, edition.paper,
                    f"{name} {profile.mode.value} page" + (f": {title}" if title and title != label else ""),
                    label, pdf_date(edition.date), xmp_date(edition.date))


def output_intent(profile: OutputProfile) -> tuple[dict[str, str], bytes | None]:
    """The mode's output intent as (entries, ICC profile or None); ({}, None) for none.  The
    value of /S is a name, every other value a text string."""
    if profile.pdfa:
        from layout.pdf.icc import srgb_v2_profile

        return {"/S": "/GTS_PDFA1", "/OutputConditionIdentifier": SRGB, "/Info": SRGB}, srgb_v2_profile()
    if profile.pdfx:
        return {"/S": "/GTS_PDFX", "/OutputConditionIdentifier": PRINT_CONDITION,
                "/OutputCondition": PRINT_CONDITION_TEXT, "/RegistryName": "http://www.color.org",
                "/Info": PRINT_CONDITION}, None
    return {}, None


def stamp_id(pdf: bytes, mode: OutputMode) -> bytes:
    """Replace the placeholder file identifier (both halves of the trailer's /ID) by an MD5 of
    the file as written and its mode: the same bytes for the same input, another /ID after
    any edit and in each mode.  The ID is written as a hex string (finish_reportlab: lower
case; upper case is replaced as well)."""
    h = hashlib.md5(pdf, usedforsecurity=False)
    h.update(b"\0" + str(mode).encode())
    digest = binascii.hexlify(h.digest())
    trailer = pdf.rfind(b"/ID")
    if trailer != -1:
        for old, new in ((binascii.hexlify(PLACEHOLDER_ID), digest), (binascii.hexlify(PLACEHOLDER_ID).upper(),
                                                                       digest.upper())):
            if old in pdf[trailer:]:
                return pdf[:trailer] + pdf[trailer:].replace(old, new)
    raise ValueError("no placeholder /ID in the file")


@contextmanager
def eol_before_endstream() -> Iterator[None]:
    """ReportLab ends a stream's data with `endstream` straight after the last byte; PDF/A
    (ISO 19005-2, 6.1.7.1) wants an end-of-line marker before it, which every reader
    accepts.  ReportLab has no option for it, so while a file is saved its stream writer
    adds one (the /Length, written before, stays the data's length) and is put back after."""
    fmt = pdfdoc.PDFStream.format

    def format_with_eol(self, document):
        out = fmt(self, document)
        # always: data that happens to end in a newline byte still needs an EOL of its own
        return out[:-10] + b"\nendstream\n" if out.endswith(b"endstream\n") else out

    pdfdoc.PDFStream.format = format_with_eol
    try:
        yield
    finally:
        pdfdoc.PDFStream.format = fmt


def finish_reportlab(doc, meta: FileMeta) -> None:
    """Give a ReportLab document (pdfdoc.PDFDocument, before it is saved) `meta`'s Info, XMP,
    output intent, version and a placeholder /ID for `stamp_id` to replace once the bytes
    exist.  ReportLab has no API for output intents: the catalog is told to write one more
    key, and streams that must stay as given (XMP is read as plain text) are written raw."""
    doc._pdfVersion = tuple(int(v) for v in pdf_version(meta.profile).split("."))
    doc.info = _ReportLabInfo(meta)
    cat = doc.Catalog
    cat.Metadata = _RawStream({"Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML")}, meta.xmp())
    cat.Lang = pdfdoc.PDFString("zh-CN")
    entries, icc = output_intent(meta.profile)
    if entries:
        oi = {"Type": pdfdoc.PDFName("OutputIntent")}
        for k, v in entries.items():
            oi[k[1:]] = pdfdoc.PDFName(v[1:]) if k == "/S" else pdfdoc.PDFString(v)
        if icc is not None:
            oi["DestOutputProfile"] = doc.Reference(_RawStream(
                {"N": 3, "Filter": pdfdoc.PDFName("FlateDecode")}, zlib.compress(icc, 9)))
        cat.__NoDefault__ = [*type(cat).__NoDefault__, "OutputIntents"]
        cat.OutputIntents = pdfdoc.PDFArray([doc.Reference(pdfdoc.PDFDictionary(oi))])
    hexid = b"<" + binascii.hexlify(PLACEHOLDER_ID) + b">"
    doc._ID = b"\n[" + hexid + hexid + b"]\n"


class _RawStream(pdfdoc.PDFObject):
    """A stream written exactly as given (ReportLab would compress it or add /Filter [])."""

    __RefOnly__ = 1

    def __init__(self, entries: dict, content: bytes):
        self.entries, self.content = entries, content

    def format(self, document):
        d = pdfdoc.PDFDictionary({**self.entries, "Length": len(self.content)})
        return pdfdoc.format(d, document) + b"\nstream\n" + self.content + b"\nendstream"


class _ReportLabInfo(pdfdoc.PDFInfo):
    """The Info dictionary from a FileMeta (ReportLab's has fixed keys and its own dates)."""

    def __init__(self, meta: FileMeta):
        super().__init__()
        self.meta = meta

    def digest(self, md5object) -> None:  # the /ID is stamp_id's, not ReportLab's signature
        pass

    def format(self, document):
        d = {k[1:]: pdfdoc.PDFName(v[1:]) if k == "/Trapped" else pdfdoc.PDFString(v)
             for k, v in self.meta.info().items()}
        return pdfdoc.PDFDictionary(d).format(document)
