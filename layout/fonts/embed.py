"""One embedded font per face per PDF document: a Type0 font over a CIDFontType2 subset.

In: a Face (its TrueType program, read by sfnt.py) and, per ReportLab document, the
characters drawn with it.  Out: at save time, the PDF objects (Type0 font, CIDFont with
widths, font descriptor, FontFile2 subset, CIDToGIDMap, ToUnicode) in ReportLab's
document, through ReportLab's hook for fonts whose glyph set is known only when the
document is finished (`_dynamicFont`, `addObjects`, called from `delayedFonts`).

Why not ReportLab's TTFont: it cuts a face into 256-glyph simple fonts, so a page of
2,500 distinct ideographs embeds ten fonts, and a 36-page edition merged from page files
embeds every glyph once per page (7.4 MB for 1.5 MB of content).  Here a document embeds
each face once, with exactly the glyphs it uses, whatever the number of pages.

Codes: a character's code (2 bytes, Identity-H) is its Unicode code point, and the
CIDToGIDMap maps it to the glyph.  Text is therefore written as UTF-16BE, which Python
encodes in C, and the ToUnicode CMap is the identity: copy/paste and text extraction give
back exactly the characters of the manifest, even where two characters share a glyph.
Characters beyond the BMP (none in the bundled faces) get codes in the Private Use Area.
A compressed closing mark drawn in its half-width form (page/halfmarks.py) has a code of
its own (a noncharacter, halfforms.py), a composite glyph of the mark
whose advance is half an em, a W entry to match (PDF/A: widths agree with the program),
and a ToUnicode entry back to the mark: extraction reads the mark, print is the same.
A tagged edition's fonts are written `narrow` (pdf/readorder.py): every /W width NARROW
thousandths of an em under the program's advance (within PDF/A's tolerance of one unit),
the drawing's character spacing giving it back; its reading-order guide code maps to the
face's blank space glyph and reads as U+1680 (halfforms.py).
"""

from __future__ import annotations

import hashlib
import re
import sys
import zlib
from array import array
from bisect import bisect_left
from dataclasses import dataclass
from itertools import compress, repeat

from reportlab.pdfbase import pdfdoc, pdfmetrics

from layout.errors import FontError, Problem
from layout.fonts.catalogue import Face, describe
from layout.fonts.halfforms import FORM_OF_CODE, GUIDE_CODE, MARK_OF_CODE
from layout.model.modes import OutputMode

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")
DW = 1000  # default width: the em of an ideograph
_ODD_CODES = frozenset(MARK_OF_CODE) | {GUIDE_CODE}  # codes a subset maps one by one
NARROW = 1  # thousandths of an em a narrow subset takes off every /W width (pdf/readorder.py); whole: pdfium reads /W as integers


def page_font_level(mode: OutputMode) -> int:
    """The zlib level of the font programs in a page's own PDF (an edition's: 6).  Print
    plates and proof pages store them as they are: level 1 cost 6 % of a cold build's
    instructions (7.7 MB of page subsets for the 36-page benchmark, 0.13 s of CPU) to save
    2.3 MB on 8.8 MB of files that go to the platesetter or the proofreader's screen, never
    out of the house.  An archive's page files are kept for years: level 1."""
    return 1 if mode is OutputMode.ARCHIVE else 0


class EmbeddedFace:
    """A face as ReportLab sees it: a dynamic font whose objects are written at save time."""

    _dynamicFont = 1
    _multiByte = 1

    def __init__(self, face: Face):
        if face.program is None:
            raise FontError(Problem(f"face {face.key} has no font program loaded", str(face.file)))
        self.face_info = face
        self.program = face.program
        self.fontName = f"{face.key}~cid"  # never the name a ReportLab TTFont of the file would take
        self.resource = "L" + re.sub(r"[^A-Za-z0-9]", "", face.role or face.key)  # page resource name
        self.face = _NameOnly(self.fontName)
        self.encName = "Identity-H"
        self.substitutionFonts = []
        self._objects: dict[tuple[frozenset[str], int], _FontObjects] = {}
        cmap = self.program.cmap
        astral = sorted(cp for cp in cmap if cp > 0xFFFF)
        self.pua = {cp: 0xE000 + i for i, cp in enumerate(astral)}  # code point -> code
        clash = [cp for cp in self.pua.values() if cp in cmap]
        if clash or len(astral) > 6400:
            raise FontError(Problem(f"{face.file.name} maps Private Use Area characters and characters beyond "
                                    f"the BMP; layout cannot code both", str(face.file)))
        self.astral_map = {cp: chr(code) for cp, code in self.pua.items()}
        self.unpua = {code: cp for cp, code in self.pua.items()}
        self._single_codes = frozenset(MARK_OF_CODE) | frozenset(self.unpua)  # ToUnicode's one-by-one entries

    # -- drawing -------------------------------------------------------------------------
    def encode(self, text: str) -> str:
        """The text as a PDF hex string of its 2-byte codes (called for every glyph run: the
        search for characters beyond the BMP only for a face that has any)."""
        if self.astral_map and _ASTRAL.search(text):
            text = text.translate(self.astral_map)
        return "<" + text.encode("utf-16-be").hex() + ">"

    def use(self, doc, chars, level: int = 6, narrow: bool = False) -> str:
        """Record characters drawn in `doc`, whose font program will be compressed at zlib
        `level` (0: stored), with `narrow` widths (a tagged edition, see the module's docstring);
        returns the page resource name (/Lsong)."""
        # per-document state lives on the document (no weak references: their callbacks run
        # during garbage collection, where a Ctrl-C would print "Exception ignored" noise)
        docs = doc.__dict__.setdefault("_layout_faces", {})
        state = docs.get(self.fontName)
        if state is None:
            state = docs[self.fontName] = (set(), [level, narrow])
            doc.fontMapping[self.fontName] = "/" + self.resource
            doc.delayedFonts.append(self)
        state[0].update(chars)
        state[1][0] = level
        state[1][1] = state[1][1] or narrow
        return "/" + self.resource

    # ReportLab asks dynamic fonts for widths only through stringWidth; never used for drawing here
    def stringWidth(self, text: str, size: float, encoding=None) -> float:
        w = self.face_info.widths
        return sum(w.get(ch, 1.0) for ch in text) * size

    # -- writing -------------------------------------------------------------------------
    def addObjects(self, doc) -> None:
        state = doc.__dict__.get("_layout_faces", {}).pop(self.fontName, None)
        if state is None or not state[0]:
            return
        used, (level, narrow) = state
        ob = self._objects_for(frozenset(used), level, narrow)
        prog = self.program
        scale = 1000 / prog.upem
        base = ob.base
        descriptor = pdfdoc.PDFDictionary({
            "Type": "/FontDescriptor",
            "FontName": pdfdoc.PDFName(base),
            "Flags": 4,  # symbolic: glyphs outside the standard Latin set
            "FontBBox": pdfdoc.PDFArray([round(v * scale) for v in prog.bbox]),
            "ItalicAngle": prog.italic_angle,
            "Ascent": round(prog.ascent * scale),
            "Descent": round(prog.descent * scale),
            "CapHeight": round((prog.cap_height or prog.ascent) * scale),
            "StemV": 80,
            "FontFile2": doc.Reference(_flate(ob.program, Length1=ob.program_length), f"fontFile:{base}"),
        })
        cid_font = pdfdoc.PDFDictionary({
            "Type": "/Font",
            "Subtype": "/CIDFontType2",
            "BaseFont": pdfdoc.PDFName(base),
            "CIDSystemInfo": pdfdoc.PDFDictionary({"Registry": pdfdoc.PDFString("Adobe"),
                                                   "Ordering": pdfdoc.PDFString("Identity"), "Supplement": 0}),
            "FontDescriptor": doc.Reference(descriptor, f"fontDescriptor:{base}"),
            "DW": DW,
            "W": ob.widths,
            "CIDToGIDMap": doc.Reference(_flate(ob.cid_to_gid), f"cidToGid:{base}"),
        })
        type0 = pdfdoc.PDFDictionary({
            "Type": "/Font",
            "Subtype": "/Type0",
            "BaseFont": pdfdoc.PDFName(base),
            "Encoding": "/Identity-H",
            "DescendantFonts": pdfdoc.PDFArray([doc.Reference(cid_font, f"cidFont:{base}")]),
            "ToUnicode": doc.Reference(_flate(ob.to_unicode), f"toUnicode:{base}"),
        })
        doc.idToObject["BasicFonts"].dict[self.resource] = doc.Reference(type0, self.resource)

    def _objects_for(self, used: frozenset[str], level: int, narrow: bool = False) -> "_FontObjects":
        """The subset's PDF data for a set of characters, compressed; the last few sets are
        kept, since a resident process (layout watch) renders the edition again after an
        edit that rarely changes the characters a face draws."""
        key = (used, level, narrow)
        ob = self._objects.pop(key, None)
        if ob is None:
            ob = self._make_objects(used, level, narrow)
        self._objects[key] = ob
        while len(self._objects) > 8:
            self._objects.pop(next(iter(self._objects)))
        return ob

    def _make_objects(self, used: frozenset[str], level: int, narrow: bool = False) -> "_FontObjects":
        prog = self.program
        cmap = prog.cmap
        # (in C for the ordinary characters: a page's subset has hundreds)
        cps = set(map(ord, used))
        odd = cps & _ODD_CODES  # punctuation forms and the reading-order guide: one by one
        plain = list(cps - odd if odd else cps)
        gids = list(map(cmap.get, plain))
        if None in gids:
            raise self._uncovered(chr(plain[gids.index(None)]))
        codes: dict[int, int] = dict(zip(map(self.pua.get, plain, plain), gids) if self.pua else zip(plain, gids))
        forms: dict[int, int] = {}  # a punctuation form's code -> its mark's glyph id
        for cp in odd:
            mark = MARK_OF_CODE.get(cp)
            if mark is not None and ord(mark) in cmap:
                forms[cp] = cmap[ord(mark)]
                continue
            gid = cmap.get(cp)
            if gid is None and cp == GUIDE_CODE:  # a reading-order guide: the blank space glyph
                gid = cmap.get(0x20)
            if gid is None:
                raise self._uncovered(chr(cp))
            codes[self.pua.get(cp, cp)] = gid
        form_codes = sorted(forms)
        order = sorted(codes.keys() | forms.keys())
        base = f"{_subset_tag(prog.ps_name, order)}+{prog.ps_name}"
        program, new_id = prog.subset(set(codes.values()), [(forms[c], FORM_OF_CODE[c].advance, FORM_OF_CODE[c].shift)
                                                            for c in form_codes])
        gidmap = array("H", [0]) * (order[-1] + 1)
        for code, gid in codes.items():
            gidmap[code] = new_id[gid]
        for j, code in enumerate(form_codes):
            gidmap[code] = len(new_id) + j
        if array("H", b"\x00\x01")[0] != 1:
            gidmap.byteswap()
        small = max(level, 1)  # the CIDToGIDMap (mostly zeros) and ToUnicode: compressed even with the program stored
        return _FontObjects(base, zlib.compress(program, level), len(program),
                            _widths(order, codes, prog.advances, 1000 / prog.upem,
                                    {c: FORM_OF_CODE[c].advance for c in form_codes}, NARROW if narrow else 0.0),
                            zlib.compress(gidmap.tobytes(), small),
                            zlib.compress(self._to_unicode(order).encode("ascii"), small))

    def _uncovered(self, ch: str) -> FontError:
        return FontError(Problem(f"{describe(ch)} is not in {self.face_info.file.name}",
                                 hint="the composer should have chosen a fallback face; report this"))

    def _to_unicode(self, order: list[int]) -> str:
        """Identity ranges per high byte for BMP codes; single entries for PUA-coded ones
        (`order`: ascending)."""
        odd = self._single_codes.intersection(order)
        singles = []
        for code in sorted(odd):
            if code in MARK_OF_CODE:
                singles.append(f"<{code:04X}> <{ord(MARK_OF_CODE[code]):04X}>")
            else:
                cp = self.unpua[code] - 0x10000
                singles.append(f"<{code:04X}> <{0xD800 + (cp >> 10):04X}{0xDC00 + (cp & 0x3FF):04X}>")
        plain = [c for c in order if c not in odd] if odd else order
        spans = []
        for high in sorted(set(map((8).__rrshift__, plain))):  # each high byte's first and last code
            a, b = plain[bisect_left(plain, high << 8)], plain[bisect_left(plain, (high + 1) << 8) - 1]
            spans.append(f"<{a:04X}> <{b:04X}> <{a:04X}>")
        lines = ["/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
                 "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
                 "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
                 "1 begincodespacerange", "<0000> <FFFF>", "endcodespacerange"]
        for i in range(0, len(spans), 100):
            chunk = spans[i:i + 100]
            lines += [f"{len(chunk)} beginbfrange", *chunk, "endbfrange"]
        for i in range(0, len(singles), 100):
            chunk = singles[i:i + 100]
            lines += [f"{len(chunk)} beginbfchar", *chunk, "endbfchar"]
        lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        return "\n".join(lines) + "\n"


@dataclass(frozen=True, eq=False, repr=False)  # never compared nor printed: no __eq__, __repr__ to compile at import
class _FontObjects:
    """What a subset adds to a document besides its dictionaries (streams compressed)."""

    base: str  # ABCDEF+PostScriptName
    program: bytes  # FontFile2, zlib
    program_length: int  # Length1: the uncompressed program
    widths: pdfdoc.PDFArray  # /W
    cid_to_gid: bytes  # zlib
    to_unicode: bytes  # zlib


def _flate(data: bytes, **extra) -> pdfdoc.PDFStream:
    """A stream whose bytes are already Flate-compressed."""
    return pdfdoc.PDFStream(pdfdoc.PDFDictionary({"Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")]),
                                                  **extra}), data)


class _NameOnly:
    """ReportLab's registry keys dynamic fonts by `font.face.name`."""

    def __init__(self, name: str):
        self.name = name


def _widths(order: list[int], codes: dict[int, int], advances, scale: float, forms: dict[int, float] | None = None,
            narrow: float = 0.0) -> pdfdoc.PDFArray:
    """The /W array: runs of consecutive codes whose width is not the default em (`forms`:
    a punctuation form's code -> its advance in em).  `narrow`: every width `narrow` thousandths of an em under the
    advance, written as `first last width` ranges over the sorted codes (a range may span
    codes the subset does not use: they are never drawn), since /DW must be an integer."""
    forms = forms or {}
    if narrow:
        return _narrow_widths(order, codes, advances, scale, forms, narrow)
    out: list = []
    run: list = []
    start = prev = -2
    # (the codes whose width is not exactly the em, found in C: most are ideographs)
    ws = list(map(scale.__mul__, map(advances.__getitem__, map(codes.get, order, repeat(0)))))
    for code, em in forms.items():  # a form's code is not a glyph's: its own width
        ws[bisect_left(order, code)] = DW * em
    for code, w in compress(zip(order, ws), map(float(DW).__ne__, ws)):  # (the ems skipped in C)
        w = int(w) if w == int(w) else round(w, 3)
        if w == DW:
            continue
        if code != prev + 1 and run:
            out += [start, pdfdoc.PDFArrayCompact(run)]
            run = []
        if not run:
            start = code
        run.append(w)
        prev = code
    if run:
        out += [start, pdfdoc.PDFArrayCompact(run)]
    arr = pdfdoc.PDFArrayCompact(out)
    return arr


def _narrow_widths(order: list[int], codes: dict[int, int], advances, scale: float, forms: dict[int, float],
                   narrow: float) -> pdfdoc.PDFArray:
    out: list = []
    first = last = -1
    width = None
    for code in order:
        w = round((DW * forms[code] if code in forms else advances[codes[code]] * scale) - narrow, 3)
        if w != width:
            if width is not None:
                out += [first, last, int(width) if width == int(width) else width]
            first, width = code, w
        last = code
    if width is not None:
        out += [first, last, int(width) if width == int(width) else width]
    return pdfdoc.PDFArrayCompact(out)


def _subset_tag(name: str, codes: list[int]) -> str:
    """Six capital letters naming the glyph set (ISO 32000-1 9.6.4), the same for the same set."""
    digest = hashlib.sha256(name.encode() + array("I", codes).tobytes()).digest()
    return "".join(chr(65 + b % 26) for b in digest[:6])


_U32 = "I" if array("I").itemsize == 4 else "L"  # an array of 32-bit code points
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"  # ... in the machine's byte order


def distinct(text: str) -> str:
    """The distinct characters of `text` in code point order: "".join(sorted(set(text))).

    Why not that: iterating a string makes a new one-character string of each CJK
    character and hashes it; a page draws some 10,000 characters with a face.  As an
    array of code points the set holds small integers, whose hash is their value (half
    the instructions).  (`surrogatepass`: a lone surrogate is a code point like any other.)"""
    cps = sorted(set(array(_U32, text.encode(_UTF32, "surrogatepass"))))
    return array(_U32, cps).tobytes().decode(_UTF32, "surrogatepass")


class EmbeddedFonts:
    """The EmbeddedFace of each face, made once for whoever owns this registry and reused.

    An EmbeddedFace is worth keeping: it maps the face's codes once and remembers the last
    subsets it wrote (a resident rebuild usually draws the same characters again).  A build
    session owns one for all its builds (layout.build.session); a one-off drawing makes its
    own.  ReportLab's font registry is process-wide by ReportLab's design; it only needs to
    know that the name is a dynamic font, which any EmbeddedFace of the face says alike."""

    def __init__(self) -> None:
        self._faces: dict[str, EmbeddedFace] = {}

    def get(self, face: Face) -> EmbeddedFace:
        """The face's EmbeddedFace, made (and registered with ReportLab) on first use or when
        the face's program was read again."""
        ef = self._faces.get(face.key)
        if ef is None or ef.program is not face.program:
            ef = self._faces[face.key] = EmbeddedFace(face)
            # the canvas looks its initial font up by name (draw.render_pages names a face, or
            # every page would open with a non-embedded Helvetica) and asks only whether it is
            # dynamic; registerFont keeps the first font of a name, which serves a face loaded
            # again as well: a document's objects are written by the EmbeddedFace it uses
            pdfmetrics.registerFont(ef)
        return ef
