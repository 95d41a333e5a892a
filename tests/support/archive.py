"""Reading back what the archive package wrote (ALTO, METS), and pdfium's glyph boxes, for
the tests.  Test-only: an archive's view of the files, independent of how they were made."""

from __future__ import annotations

import ctypes
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from lxml import etree

from layout.text import cjk

A = "{http://www.loc.gov/standards/alto/ns-v4#}"
MM10 = 254 / 72
TOLERANCE = 2  # mm10: 0.2 mm
_FROM_VERTICAL = str.maketrans(cjk.FROM_VERTICAL)


@dataclass
class AltoString:
    content: str
    box: tuple[int, int, int, int]  # HPOS, VPOS, right, bottom (mm10)


@dataclass
class AltoBlock:
    id: str
    tags: list[str]  # LABELs of its StructureTags (kind, article story id)
    kind: str
    article: str  # story id, or ""
    strings: list[AltoString] = field(default_factory=list)
    vertical: bool = False

    @property
    def text(self) -> str:
        return "".join(s.content for s in self.strings)


@dataclass
class AltoFile:
    root: etree._Element
    blocks: dict[str, AltoBlock]
    order: list[str]  # every ElementRef's REF, in ReadingOrder order

    def in_order(self) -> list[AltoBlock]:
        return [self.blocks[i] for i in self.order if i in self.blocks]


def read_alto(path: Path) -> AltoFile:
    root = etree.parse(str(path)).getroot()
    tags = {t.get("ID"): (t.get("TYPE"), t.get("LABEL")) for t in root.iter(f"{A}StructureTag")}
    blocks: dict[str, AltoBlock] = {}
    for tb in root.iter(f"{A}TextBlock"):
        refs = [tags[t] for t in (tb.get("TAGREFS") or "").split()]
        kind = next((label for typ, label in refs if typ == "role"), "")
        art = next((label for typ, label in refs if typ == "article"), "")
        b = AltoBlock(tb.get("ID"), [label for _, label in refs], kind, art, vertical=tb.get("BASEDIRECTION") == "ttb")
        for s in tb.iter(f"{A}String"):
            x, y, w, h = (int(s.get(k)) for k in ("HPOS", "VPOS", "WIDTH", "HEIGHT"))
            b.strings.append(AltoString(s.get("CONTENT"), (x, y, x + w, y + h)))
        blocks[b.id] = b
    order = [r.get("REF") for r in root.iter(f"{A}ElementRef")]
    return AltoFile(root, blocks, order)


def story_texts(files: list[AltoFile]) -> dict[tuple[str, str], str]:
    """(story id, kind) -> its text read from ALTO Strings, blocks in reading order, pages in order."""
    out: dict[tuple[str, str], str] = {}
    for f in files:
        for b in f.in_order():
            if b.article:
                out[(b.article, b.kind)] = out.get((b.article, b.kind), "") + b.text
    return out


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class PdfChar:
    ch: str
    box: tuple[float, float, float, float]  # left, top, right, bottom in mm10 from the page's top-left
    # pdfium widens a loose box to the glyph's ink where the ink passes the font's ascent or
    # descent (a CJK comma sits below the descent): that edge then says nothing of the position
    ink_top: bool = False
    ink_bottom: bool = False
    # ... and to its ink on the right where the ink passes the advance (a hung mark's form has
    # no advance: fonts/halfforms.py): that edge too says nothing of the position
    ink_right: bool = False
    # inside a /Span with ActualText (a tagged page's letter-spaced run, marks.py): pdfium
    # spreads the ActualText's characters evenly over the run's ink, so the box says which
    # String holds the character but not where its glyph's edges are
    spread: bool = False


def pdf_chars(pdf: Path) -> list[PdfChar]:
    """pdfium's loose character boxes (origin to advance, descent to ascent) of every
    printed character of a one-page PDF, in mm10 from the MediaBox's top-left corner."""
    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[0]
        height = page.get_height()
        tp = page.get_textpage()
        n = tp.count_chars()
        text = tp.get_text_range(0, n)
        out = []
        for i in range(n):
            ch = text[i] if len(text) == n else tp.get_text_range(i, 1)
            if ch.isspace() or not ch:
                continue
            l, b, r, t = tp.get_charbox(i, loose=True)
            _, ib, ir, it = tp.get_charbox(i)
            out.append(PdfChar(ch.translate(_FROM_VERTICAL), (l * MM10, (height - t) * MM10, r * MM10,
                                                              (height - b) * MM10), abs(it - t) < 1e-3,
                               abs(ib - b) < 1e-3, spread=_in_actual_text(tp, i), ink_right=abs(ir - r) < 1e-3))
        return out
    finally:
        doc.close()


def _in_actual_text(tp, i: int) -> bool:
    """Whether pdfium's character i comes from a text object inside a /Span marked-content
    sequence (the tagged PDF's ActualText spans)."""
    obj = pdfium_c.FPDFText_GetTextObject(tp.raw, i)
    if not obj:
        return False
    buf = (ctypes.c_ushort * 32)()
    got = ctypes.c_ulong()
    for k in range(pdfium_c.FPDFPageObj_CountMarks(obj)):
        mark = pdfium_c.FPDFPageObj_GetMark(obj, k)
        if pdfium_c.FPDFPageObjMark_GetName(mark, buf, ctypes.sizeof(buf), ctypes.byref(got)) and \
                bytes(buf)[:got.value].decode("utf-16-le").rstrip("\0") == "Span":
            return True
    return False


def strings_on_glyphs(alto, pdf: Path) -> None:
    """Each printed character (pdfium) belongs to the one String whose box holds its
    origin and whose text has it (a compressed bracket's origin lies inside its
    neighbour's box); every String gets exactly its characters, and its edges are theirs."""
    strings = [s for b in alto.blocks.values() for s in b.strings]
    vertical = [b.vertical for b in alto.blocks.values() for _ in b.strings]
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for k, s in enumerate(strings):
        x0, y0, x1, y1 = s.box
        for gx in range(int(x0 / 100), int(x1 / 100) + 1):
            for gy in range(int(y0 / 100), int(y1 / 100) + 1):
                grid[(gx, gy)].append(k)
    want = [Counter(s.content) for s in strings]
    got: list[list] = [[] for _ in strings]
    # artwork (booked ads, vector graphics) carries its own text: it is no story's, and ALTO
    # describes it as an Illustration or an advertisement's ComposedBlock, without Strings
    artwork = [(int(e.get("HPOS")), int(e.get("VPOS")), int(e.get("HPOS")) + int(e.get("WIDTH")),
                int(e.get("VPOS")) + int(e.get("HEIGHT")))
               for e in alto.root.iter(f"{A}Illustration", f"{A}ComposedBlock")
               if e.tag == f"{A}Illustration" or e.get("TYPE") == "advertisement"]
    chars = [c for c in pdf_chars(pdf)
             if not any(x0 <= c.box[0] + 0.5 <= x1 and y0 <= c.box[1] + 1 <= y1 for x0, y0, x1, y1 in artwork)]
    for c in chars:
        px, py = c.box[0] + 0.5, (c.box[3] - 1 if c.ink_top else c.box[1] + 1)
        slack = (c.box[2] - c.box[0]) / 2 if c.spread else 1  # a spread character: its box's middle
        if c.spread:  # the middle of its box
            px, py = px + slack - 1, (c.box[1] + c.box[3]) / 2
        home = next((k for k in grid.get((int(px / 100), int(py / 100)), ())
                     if want[k][c.ch] and strings[k].box[0] - 1 <= px <= strings[k].box[2] + 1
                     and strings[k].box[1] - 1 <= py <= strings[k].box[3] + 1), None)
        if home is None and c.spread:  # spread evenly over other widths: the nearest String on its line
            near = [(min(abs(px - st.box[0]), abs(px - st.box[2])), k) for k, st in enumerate(strings)
                    if want[k][c.ch] and st.box[1] - 1 <= py <= st.box[3] + 1]
            home = min(near)[1] if near else None  # (a headline's whole-line ActualText spreads far)
        assert home is not None, (pdf.name, c)  # every printed character is in a String
        want[home][c.ch] -= 1
        got[home].append(c)
    for s, inside, vert in zip(strings, got, vertical):
        assert Counter(c.ch for c in inside) == Counter(s.content), (pdf.name, s)
        x0, y0, x1, y1 = s.box
        first, last = min(inside, key=lambda c: c.box[0]), max(inside, key=lambda c: c.box[2])
        assert first.spread or abs(first.box[0] - x0) <= TOLERANCE, (pdf.name, s)
        if last.ink_right:  # widened to the ink: the String ends at the advance, within it
            assert last.spread or last.box[0] - TOLERANCE <= x1 <= last.box[2] + TOLERANCE, (pdf.name, s)
        else:
            assert last.spread or abs(last.box[2] - x1) <= TOLERANCE, (pdf.name, s)
        tops = [c.box[1] for c in inside if not c.ink_top]
        bottoms = [c.box[3] for c in inside if not c.ink_bottom]
        assert not tops or abs(min(tops) - y0) <= TOLERANCE, (pdf.name, s)
        assert not bottoms or abs(max(bottoms) - y1) <= TOLERANCE, (pdf.name, s)
        # a glyph whose ink passes the em box: its loose box still holds the String's
        assert vert or all(c.box[1] <= y0 + TOLERANCE and c.box[3] >= y1 - TOLERANCE for c in inside
                           if not c.spread), s


def build_archive(root: Path):
    """The small test edition built in archive mode with the archive package: (manifest, result)."""
    from layout.archive.package import ArchivePackage
    from layout.build.pipeline import BuildOptions, build
    from tests.support.editions import write_edition

    manifest = write_edition(root / "ed")
    return manifest, build(manifest, BuildOptions(root / "out", "archive", desk_outputs=(ArchivePackage(),)))
