"""Check a written file against the standard its mode claims: PDF/X-1a:2001 or PDF/A-2b.

In: PDF bytes and the mode's OutputProfile.  Out: a list of problems (plain sentences, empty
when the file conforms in everything checked here).  Preflight runs it on the edition and on
every page file after they are written, so that what metadata.py and draw.py write is
checked by code that does not share their assumptions: it reads the file back.

What is checked (the parts of ISO 15930-1 and ISO 19005-2 a reader of the file can decide
without a full validator):
* both: the header's version; the trailer's /ID (two 16-byte strings) and no /Encrypt;
  Info and XMP present and agreeing field by field (title, author/creator, subject/
  description, keywords, producer, creator tool, dates, trapped).
* PDF/X-1a:2001: PDF 1.3; GTS_PDFXVersion PDF/X-1:2001 and GTS_PDFXConformance
  PDF/X-1a:2001; Title and Trapped (True or False); one GTS_PDFX output intent with an
  output condition identifier (a registered one, or an embedded profile); per page a
  TrimBox inside the BleedBox inside the MediaBox; no transparency (soft masks, constant
  alpha, blend modes, transparency groups); no PostScript, reference or OPI XObjects;
  colour only DeviceCMYK, DeviceGray,
  Separation or DeviceN (over CMYK or grey) and Indexed over those, in content streams,
  images and colour spaces, Form XObjects (placed ads and graphics) included; every font
  embedded.
* PDF/A-2b: PDF 1.4 to 1.7; pdfaid part 2 in XMP; a GTS_PDFA1 output intent with an
  embedded ICC profile of version 2 or 4 (ours: 2) for an RGB, CMYK or grey device; every
  XMP property in a predefined schema or one the file declares with pdfaExtension.
* PDF/A-2a (conformance A claimed) and PDF/UA-1 (pdfuaid:part claimed): MarkInfo /Marked
  true, a structure tree whose RoleMap leads to standard types, the document's /Lang, a
  ToUnicode CMap in every font the pages (and their forms) use; for PDF/UA also a dc:title
  that the viewer is told to show (DisplayDocTitle).
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

from layout.model.modes import OutputProfile
from layout.pdf.metadata import PDFA_PART, PDFX_CONFORMANCE, PDFX_VERSION

REGISTERED = {"IFRA26", "IFRA30", "FOGRA39", "FOGRA51", "FOGRA52", "CGATS TR 006", "CGATS21-2-CRPC6"}
_NS = {"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "dc": "http://purl.org/dc/elements/1.1/",
       "pdf": "http://ns.adobe.com/pdf/1.3/", "xmp": "http://ns.adobe.com/xap/1.0/",
       "pdfaid": "http://www.aiim.org/pdfa/ns/id/", "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
       "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}
# ISO 32000-1 14.8.4 standard structure types (a RoleMap must lead to one of them)
STANDARD_TYPES = frozenset("""Document Part Art Sect Div BlockQuote Caption TOC TOCI Index NonStruct Private P H
    H1 H2 H3 H4 H5 H6 L LI Lbl LBody Table TR TH TD THead TBody TFoot Span Quote Note Reference BibEntry Code Link
    Annot Ruby RB RT RP Warichu WT WP Figure Formula Form""".split())
# Namespaces PDF/A admits without an extension schema (ISO 19005-2, 6.6.2.3.2: the XMP 2005
# schemas) and the PDF/A description vocabulary itself.
PREDEFINED = {_NS["dc"], _NS["pdf"], _NS["xmp"], _NS["pdfaid"], "http://ns.adobe.com/xap/1.0/rights/",
              "http://ns.adobe.com/xap/1.0/mm/", "http://ns.adobe.com/xap/1.0/bj/",
              "http://ns.adobe.com/xap/1.0/t/pg/", "http://ns.adobe.com/xap/1.0/sType/ResourceRef#",
              "http://ns.adobe.com/photoshop/1.0/", "http://ns.adobe.com/exif/1.0/", "http://ns.adobe.com/tiff/1.0/",
              "http://www.aiim.org/pdfa/ns/extension/", _NS["pdfaSchema"], "http://www.aiim.org/pdfa/ns/property#",
              "http://www.aiim.org/pdfa/ns/type#", "http://www.aiim.org/pdfa/ns/field#", _NS["rdf"],
              "http://www.w3.org/XML/1998/namespace"}
_PDFX_SPACES = {"/DeviceCMYK", "/DeviceGray", "/Pattern"}
_RGB_OPS = re.compile(rb"(?<![A-Za-z])(?:rg|RG)(?![A-Za-z])")
_STRINGS = re.compile(rb"\((?:\\.|[^\\)])*\)")


def conformance_problems(pdf, profile: OutputProfile, what: str = "", resources: bool = True,
                         scans: dict | None = None) -> list[str]:
    """Everything this module checks that `pdf` (bytes, or a pypdf PdfReader of them) gets
    wrong for the standard `profile` claims (for a mode that claims none, only the Info/XMP
    agreement); `what` names the file in each sentence.  `resources=False`: the file-level
    checks and the page boxes only, not what the pages draw with (a page file, whose
    content stream, images and faces the edition's check has seen: the same bytes, drawn by
    the same code).  `scans`: content streams preflight already scanned (content_key)."""
    from pypdf import PdfReader

    where = f"{what}: " if what else ""
    try:
        reader = pdf if isinstance(pdf, PdfReader) else PdfReader(io.BytesIO(pdf))
        out = _document(reader, profile)
        if profile.pdfx:
            seen: set[int] = set()
            for pno, page in enumerate(reader.pages, 1):
                out += [f"page {pno}: {p}" for p in _pdfx_page(page, seen, resources, scans)]
    except Exception as e:  # noqa: BLE001 - a file pypdf cannot read is itself the finding
        out = [f"cannot be read ({type(e).__name__}: {e})"]
    return [where + p for p in out]


_CHECKED: dict[int, tuple[bytes, OutputProfile, list[str]]] = {}  # id(file bytes) -> (the bytes, profile, problems)


def file_problems(pdf: bytes, profile: OutputProfile, what: str = "") -> list[str]:
    """`conformance_problems(pdf, profile, what, resources=False)`, remembered for the very
    bytes object: a resident process (layout watch) hands the same page files to every
    rebuild and only the pages an edit changed are read again.  The memo holds each bytes
    object it keys, so its id cannot be reused while remembered."""
    hit = _CHECKED.get(id(pdf))
    if hit is not None and hit[0] is pdf and hit[1] == profile:
        problems = hit[2]
    else:
        problems = conformance_problems(pdf, profile, resources=False)
        if len(_CHECKED) >= 256:
            _CHECKED.pop(next(iter(_CHECKED)))
        _CHECKED[id(pdf)] = (pdf, profile, problems)
    return [f"{what}: {p}" if what else p for p in problems]


def _document(reader, profile: OutputProfile) -> list[str]:
    out: list[str] = []
    version = reader.pdf_header.removeprefix("%PDF-")
    if profile.pdfx and version != "1.3":
        out.append(f"PDF/X-1a:2001 needs PDF 1.3, the header says {version}")
    if profile.pdfa and not ("1.4" <= version <= "1.7"):
        out.append(f"PDF/A-2 needs PDF 1.4 to 1.7, the header says {version}")
    ids = reader.trailer.get("/ID")
    if ids is None or len(ids) != 2 or any(len(bytes(getattr(i, "original_bytes", i))) != 16 for i in ids):
        out.append("the trailer has no /ID of two 16-byte strings")
    if "/Encrypt" in reader.trailer:
        out.append("the file is encrypted")
    info = reader.trailer.get("/Info")
    info = info.get_object() if info is not None else {}
    root = reader.trailer["/Root"].get_object()
    if profile.pdfx:
        for key, want in (("/GTS_PDFXVersion", PDFX_VERSION), ("/GTS_PDFXConformance", PDFX_CONFORMANCE)):
            if str(info.get(key, "")) != want:
                out.append(f"Info {key} is {str(info.get(key, 'missing'))!r}, not {want!r}")
        if not str(info.get("/Title", "")):
            out.append("Info has no /Title")
        if str(info.get("/Trapped", "")) not in ("/True", "/False"):
            out.append("Info /Trapped is not /True or /False")
    out += _intents(root, profile)
    meta = root.get("/Metadata")
    if meta is None:
        out.append("no XMP metadata")
    else:
        data = meta.get_object().get_data()
        out += xmp_problems(data, info, profile)
        if profile.pdfa:
            out += _tagged_problems(reader, root, data)
    return out


def _tagged_problems(reader, root, xmp: bytes) -> list[str]:
    """What PDF/A-2a (ISO 19005-2 6.8) and PDF/UA-1 ask of a file that claims them."""
    try:
        tree = ET.fromstring(xmp.decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0])
    except (ET.ParseError, UnicodeDecodeError, IndexError):
        return []  # xmp_problems said so
    level = tree.find(".//pdfaid:conformance", _NS)
    ua = tree.find(".//pdfuaid:part", _NS)
    if (level is None or level.text != "A") and ua is None:
        return []
    claim = "PDF/UA-1" if level is None or level.text != "A" else "PDF/A-2a"
    out = []
    mark = root.get("/MarkInfo")
    if mark is None or not mark.get_object().get("/Marked"):
        out.append(f"{claim} needs MarkInfo /Marked true")
    st = root.get("/StructTreeRoot")
    if st is None:
        out.append(f"{claim} needs a structure tree")
    else:
        roles = st.get_object().get("/RoleMap", {})
        for k, v in roles.items():
            if str(v)[1:] not in STANDARD_TYPES:
                out.append(f"structure type {k} maps to {v}, not a standard type")
    if not str(root.get("/Lang", "")):
        out.append(f"{claim} needs the document's language (/Lang)")
    seen: set[int] = set()
    for pno, page in enumerate(reader.pages, 1):
        out += [f"page {pno}: {p}" for p in _fonts_without_unicode(page.get("/Resources"), seen)]
    if ua is not None:
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not prefs.get_object().get("/DisplayDocTitle"):
            out.append("PDF/UA-1 needs ViewerPreferences /DisplayDocTitle true")
        title = tree.find(".//dc:title/rdf:Alt/rdf:li", _NS)
        if title is None or not (title.text or "").strip():
            out.append("PDF/UA-1 needs a dc:title")
    return out


def _fonts_without_unicode(resources, seen: set[int]) -> list[str]:
    """Fonts (in the resources and their forms, each object once) without a ToUnicode CMap."""
    if resources is None:
        return []
    resources = resources.get_object()
    out = []
    for name, ref in resources.get("/Font", {}).items():
        key = getattr(ref, "idnum", None)
        if key in seen:
            continue
        if key is not None:
            seen.add(key)
        if "/ToUnicode" not in ref.get_object():
            out.append(f"font {name} has no ToUnicode CMap")
    for ref in resources.get("/XObject", {}).values():
        key = getattr(ref, "idnum", None)
        xo = ref.get_object()
        if key in seen or xo.get("/Subtype") != "/Form":
            continue
        if key is not None:
            seen.add(key)
        out += _fonts_without_unicode(xo.get("/Resources"), seen)
    return out


def _intents(root, profile: OutputProfile) -> list[str]:
    intents = [i.get_object() for i in root.get("/OutputIntents", [])]
    if not (profile.pdfx or profile.pdfa):
        return []
    kind = "/GTS_PDFX" if profile.pdfx else "/GTS_PDFA1"
    mine = [i for i in intents if i.get("/S") == kind]
    if len(mine) != 1:
        return [f"{len(mine)} {kind[1:]} output intents (needs exactly one)"]
    oi = mine[0]
    icc = oi.get("/DestOutputProfile")
    if profile.pdfx:
        cond = str(oi.get("/OutputConditionIdentifier", ""))
        if not cond:
            return ["the output intent names no output condition"]
        if cond not in REGISTERED and icc is None:
            return [f"output condition {cond!r} is not a registered one and no profile is embedded"]
        return []
    if icc is None:
        return ["the PDF/A output intent embeds no ICC profile"]
    data = icc.get_object().get_data()
    if len(data) < 128 or data[36:40] != b"acsp":
        return ["the output intent's profile is not an ICC profile"]
    problems = []
    if data[8] not in (2, 4):
        problems.append(f"the output intent's ICC profile is version {data[8]}")
    if data[12:16] not in (b"mntr", b"prtr") or data[16:20] not in (b"RGB ", b"CMYK", b"GRAY"):
        problems.append("the output intent's ICC profile is not an RGB, CMYK or grey output/display profile")
    return problems


def xmp_fields(xmp: bytes) -> dict[str, str]:
    """The XMP properties that have an Info counterpart, as Info keys."""
    tree = ET.fromstring(xmp.decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0])
    out: dict[str, str] = {}

    def first(path: str) -> str | None:
        el = tree.find(f".//{path}", _NS)
        return el.text or "" if el is not None else None

    for key, path in (("/Title", "dc:title/rdf:Alt/rdf:li"), ("/Author", "dc:creator/rdf:Seq/rdf:li"),
                      ("/Subject", "dc:description/rdf:Alt/rdf:li"), ("/Keywords", "pdf:Keywords"),
                      ("/Producer", "pdf:Producer"), ("/Creator", "xmp:CreatorTool"),
                      ("/CreationDate", "xmp:CreateDate"), ("/ModDate", "xmp:ModifyDate"),
                      ("/Trapped", "pdf:Trapped")):
        value = first(path)
        if value is not None:
            out[key] = value
    return out


def _same_instant(pdf_date: str, xmp_date: str) -> bool:
    """D:YYYYMMDDHHmmSS+HH'mm' and YYYY-MM-DDTHH:mm:SS+HH:mm, compared as text once normalised."""
    m = re.fullmatch(r"D:(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)([+-])(\d\d)'(\d\d)'?", pdf_date)
    if not m:
        return False
    y, mo, d, h, mi, s, sign, th, tm = m.groups()
    return xmp_date == f"{y}-{mo}-{d}T{h}:{mi}:{s}{sign}{th}:{tm}"


def xmp_problems(xmp: bytes, info, profile: OutputProfile) -> list[str]:
    """XMP that disagrees with Info, and (PDF/A) identification and undeclared properties."""
    try:
        fields = xmp_fields(xmp)
        tree = ET.fromstring(xmp.decode("utf-8").split("?>", 1)[1].rsplit("<?xpacket", 1)[0])
    except (ET.ParseError, UnicodeDecodeError, IndexError) as e:
        return [f"the XMP cannot be parsed ({e})"]
    out = []
    for key, value in fields.items():
        have = str(info.get(key, "")) if key != "/Trapped" else str(info.get(key, "")).lstrip("/")
        agree = _same_instant(have, value) if key in ("/CreationDate", "/ModDate") else have == value
        if not agree:
            out.append(f"Info {key} {have!r} and XMP {value!r} disagree")
    for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Producer", "/Creator", "/CreationDate", "/ModDate",
                "/Trapped"):
        if key in info and key not in fields:
            out.append(f"Info {key} has no XMP counterpart")
    if profile.pdfa:
        part = tree.find(".//pdfaid:part", _NS)
        if part is None or part.text != str(PDFA_PART):
            out.append(f"XMP has no pdfaid:part {PDFA_PART}")
        declared = {el.text for el in tree.iter(f"{{{_NS['pdfaSchema']}}}namespaceURI")}
        for desc in tree.iter(f"{{{_NS['rdf']}}}Description"):
            names = [el.tag for el in desc] + [k for k in desc.attrib if not k.startswith(f"{{{_NS['rdf']}}}")]
            for name in names:
                ns = name[1:].split("}")[0] if name.startswith("{") else ""
                if ns not in PREDEFINED and ns not in declared:
                    out.append(f"XMP property {name} is in an undeclared namespace")
    return out


def _pdfx_page(page, seen: set[int], resources: bool, scans: dict | None) -> list[str]:
    out = []
    boxes = {}
    for name in ("/MediaBox", "/BleedBox", "/TrimBox"):
        box = page.get(name)
        if box is None and name != "/MediaBox":
            out.append(f"no {name[1:]}")
        else:
            boxes[name] = [float(v) for v in (box if box is not None else page.mediabox)]
    if len(boxes) == 3 and not (_inside(boxes["/TrimBox"], boxes["/BleedBox"])
                                and _inside(boxes["/BleedBox"], boxes["/MediaBox"])):
        out.append("TrimBox, BleedBox and MediaBox are not nested")
    if _is_transparency_group(page.get("/Group")):
        out.append("a transparency group")
    if resources:
        out += _resources(page.get("/Resources"), _PageContents(page, scans), seen, "")
    return out


class _PageContents:
    """A page's content stream for `_resources`: its RGB scan from preflight when known."""

    def __init__(self, page, scans: dict | None):
        self.page, self.scans = page, scans

    def rgb(self) -> bool:
        from pypdf.generic import StreamObject

        from layout.pdf.preflight import content_key

        obj = self.page.get("/Contents")
        obj = obj.get_object() if obj is not None else None
        if self.scans and isinstance(obj, StreamObject) and isinstance(getattr(obj, "_data", None), bytes):
            filters = obj.get("/Filter")
            hit = self.scans.get(content_key(str(filters) if filters is not None else None, obj._data))
            if hit is not None:
                return hit.rgb
        contents = self.page.get_contents()
        return contents is not None and _rgb(contents.get_data())


def _rgb(data: bytes) -> bool:
    ops = _STRINGS.sub(b"()", data)
    return (b"rg" in ops or b"RG" in ops) and _RGB_OPS.search(ops) is not None


def _inside(a: list[float], b: list[float]) -> bool:
    return a[0] >= b[0] - 0.01 and a[1] >= b[1] - 0.01 and a[2] <= b[2] + 0.01 and a[3] <= b[3] + 0.01


def _is_transparency_group(group) -> bool:
    return group is not None and group.get_object().get("/S") == "/Transparency"


def _resources(res, contents, seen: set[int], inside: str) -> list[str]:
    """Colour, transparency and fonts of one content stream's resources, Form XObjects
    followed into (each object once per file)."""
    out = []
    res = res.get_object() if res is not None else {}
    if contents is not None and (contents.rgb() if isinstance(contents, _PageContents) else _rgb(contents.get_data())):
        out.append(f"{inside}RGB colour operator")
    for name, gs in (res.get("/ExtGState") or {}).items():
        gs = gs.get_object()
        if str(gs.get("/SMask", "/None")) != "/None" or float(gs.get("/CA", 1)) != 1 or float(gs.get("/ca", 1)) != 1 \
                or str(gs.get("/BM", "/Normal")) not in ("/Normal", "/Compatible"):
            out.append(f"{inside}ExtGState {name} uses transparency")
    for name, cs in (res.get("/ColorSpace") or {}).items():
        if not _pdfx_space(cs):
            out.append(f"{inside}colour space {name} is not CMYK, grey or spot")
    for name, font in (res.get("/Font") or {}).items():
        if not _embedded(font.get_object()):
            out.append(f"{inside}font {name} ({font.get_object().get('/BaseFont', '')}) is not embedded")
    for name, ref in (res.get("/XObject") or {}).items():
        key = getattr(ref, "idnum", None)
        if key is not None and key in seen:
            continue
        if key is not None:
            seen.add(key)
        xo = ref.get_object()
        if xo.get("/Subtype") == "/PS" or "/Ref" in xo or "/OPI" in xo:
            out.append(f"{inside}XObject {name} is PostScript, a reference XObject or an OPI proxy")
        if xo.get("/Subtype") == "/Image":
            if "/SMask" in xo or int(xo.get("/SMaskInData", 0)):
                out.append(f"{inside}image {name} has a soft mask")
            if not xo.get("/ImageMask") and not _pdfx_space(xo.get("/ColorSpace")):
                out.append(f"{inside}image {name} is not CMYK, grey or spot")
        elif xo.get("/Subtype") == "/Form":
            if _is_transparency_group(xo.get("/Group")):
                out.append(f"{inside}form {name} is a transparency group")
            out += _resources(xo.get("/Resources"), xo, seen, f"{inside}form {name}: ")
    return out


def _pdfx_space(cs) -> bool:
    cs = cs.get_object() if hasattr(cs, "get_object") else cs
    if cs is None:
        return False
    if not isinstance(cs, list):
        return str(cs) in _PDFX_SPACES
    family = str(cs[0])
    if family == "/Separation":
        return _pdfx_space(cs[2])
    if family == "/DeviceN":
        return _pdfx_space(cs[2])
    if family == "/Indexed":
        return _pdfx_space(cs[1])
    if family == "/Pattern":
        return len(cs) < 2 or _pdfx_space(cs[1])
    return family in _PDFX_SPACES


def _embedded(font) -> bool:
    if font.get("/Subtype") == "/Type3":
        return True  # glyphs are content streams
    desc = font.get("/FontDescriptor")
    if desc is None and "/DescendantFonts" in font:
        desc = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
    desc = desc.get_object() if desc is not None else None
    return desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3"))
