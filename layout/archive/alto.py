"""ALTO 4.4 for one page, written from what the composer placed (never OCR'd from the PDF).

In: the page's record and blocks (layout/build/blocks.py), the faces, the page's place
in the edition and which story each run owner belongs to.  Out: the bytes of an ALTO
file whose coordinates are the PDF's own glyph boxes: a character's box runs from its
origin over its advance (less any letter-spacing after it), from the baseline up by the
face's ascent and down by its descent, as pdfium's loose character boxes do.

What it holds: `MeasurementUnit` mm10 (tenths of a millimetre; edges rounded, so within
0.05 mm), the page PDF as `sourceImageInformation`, `Page` (the PDF page's size,
`LANG="zh"`), `PrintSpace` (the type area, grown to hold everything printed), a
`TextBlock` per owner, kind and column (blocks.py) naming the `TextStyle` (family, size,
bold) of most of its characters, a `TextLine` per line (a 竖排 column
for a vertical headline, `BASEDIRECTION="ttb"`), a `String` per word (rjieba's words;
a word that a line break cuts is two Strings with `SUBS_TYPE` HypPart1/HypPart2 and the
whole word as `SUBS_CONTENT`, as hyphenated words are, so that search finds it) and an
`SP` where the text has a space.  Blocks are tagged with their kind and their article
(`StructureTag`s, `TAGREFS`); photos are `Illustration`s; the reading order is
`ReadingOrder` (an ordered group per article, its blocks in order) and `IDNEXT`.
Deterministic: nothing depends on the time or on dict order beyond the record's.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate

from layout import __version__
from layout.archive.words import word_bounds
from layout.build.blocks import Block, BlockKind, other_id, page_prefix, page_units, picture_id
from layout.fonts.catalogue import Face
from layout.page.record import FrameKind, PageRecord
from layout.text import cjk

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
MM10 = 254 / 72  # tenths of a millimetre per point
_FROM_VERTICAL = str.maketrans(cjk.FROM_VERTICAL)


def u(pt: float) -> int:
    """Points -> whole mm10 units."""
    return round(pt * MM10)


_SPECIAL = re.compile(r'[&<>"\n\t\r]')


def esc(s: str) -> str:
    """Text as an XML attribute value (double-quoted)."""
    if _SPECIAL.search(s) is None:  # nearly every word
        return s
    return (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
            .replace("\n", "&#10;").replace("\t", "&#9;").replace("\r", "&#13;"))


@dataclass(frozen=True)
class PageContext:
    """What an ALTO page needs beyond its record and blocks."""

    number: int  # the page's place in the edition, 1-based
    label: str  # the printed page label (A1, T3, 特1)
    source: str  # the page PDF, relative to the ALTO file
    offset: float  # pt from the PDF page's top-left corner to the trim's (bleed), both ways
    type_area: tuple[float, float, float, float]  # x, y, w, h of the style's type area (trim coordinates)
    articles: dict[str, str]  # run owner -> story id (a story's entries and its photos)
    article_tags: dict[str, str]  # story id -> its tag id (ART<n>, by the story's place in the edition)
    vertical_texts: dict[str, str]  # story key -> the source text of its vertical headline
    halves: frozenset = frozenset()  # runs whose last mark the PDF draws half an em wide (page/halfmarks.py)
    hung: frozenset = frozenset()  # runs whose last mark the PDF draws with no advance (hung past the measure)
    opened: frozenset = frozenset()  # runs whose first bracket the PDF draws half an em wide, half an em on
    squeezed: frozenset = frozenset()  # runs of closing marks the PDF draws half an em wide each (but the last)


# -- geometry ----------------------------------------------------------------------------

@dataclass
class LineGlyphs:
    """One line's characters (content, as searched) and their boxes in mm10 from the PDF
    page's top-left corner (floats, rounded when written), as parallel lists (an edition
    has ~200,000 characters: no object each)."""

    text: str
    x0: list[float]
    x1: list[float]
    top: list[float]
    bottom: list[float]
    baseline: float

    def box(self, s: int, e: int, vertical: bool) -> tuple[float, float, float, float]:
        """The box of characters [s, e)."""
        if vertical:
            return min(self.x0[s:e]), self.top[s], max(self.x1[s:e]), self.bottom[e - 1]
        return self.x0[s], min(self.top[s:e]), self.x1[e - 1], max(self.bottom[s:e])


def line_glyphs(block: Block, faces: dict[str, Face], vertical_text: str = "", offset: float = 0.0,
                halves: frozenset = frozenset(), opened: frozenset = frozenset(), hung: frozenset = frozenset(),
                squeezed: frozenset = frozenset()) -> list[LineGlyphs]:
    """Each line's characters with their boxes; `offset`: pt from the PDF page's corner to
    the trim's.  A vertical run (one 竖排 cell) is drawn upright like a horizontal one, so
    its characters' boxes come the same way; its text is mapped back from vertical
    presentation forms (to the source headline's own characters when they line up one
    for one)."""
    k = MM10
    lines: list[LineGlyphs] = []
    for line in block.lines:
        texts: list[str] = []
        x0s: list[float] = []
        x1s: list[float] = []
        tops: list[float] = []
        bottoms: list[float] = []
        for r in line:
            f = faces[r.face]
            w, size, tc = f.widths, r.size, r.tc
            advs = [w.get(ch, 1.0) * size for ch in r.text]
            starts = list(accumulate([a + tc for a in advs[:-1]], initial=r.x + offset))
            if r in squeezed:  # closing marks squeezed together: each box its set width, as in the PDF
                advs[:-1] = [0.5 * size] * (len(advs) - 1)
            if r in halves:  # its last mark's box is its set width, as in the PDF
                advs[-1] = 0.5 * size
            elif r in hung:  # a hung mark's box is its origin, as in the PDF: its ink is past the measure
                advs[-1] = 0.0
            if r in opened:  # a trimmed opening bracket: its box is its set width, as in the PDF
                starts[0] += 0.5 * size
                advs[0] = 0.5 * size
            x0s += [x * k for x in starts]
            x1s += [(x + a) * k for x, a in zip(starts, advs)]
            n = len(advs)
            tops += [(r.y + offset - f.ascent * size) * k] * n
            bottoms += [(r.y + offset + f.descent * size) * k] * n
            texts.append(r.text.translate(_FROM_VERTICAL) if r.vertical else r.text)
        lines.append(LineGlyphs("".join(texts), x0s, x1s, tops, bottoms, (line[0].y + offset) * k))
    if vertical_text:
        src = "".join(ch for ch in vertical_text if not ch.isspace())
        if len(src) == sum(len(ln.text) for ln in lines):
            at = 0
            for ln in lines:
                ln.text, at = src[at:at + len(ln.text)], at + len(ln.text)
    return lines


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


_SPACE = re.compile(r"\s")


def line_tokens(lines: list[LineGlyphs], vertical: bool = False) -> list[list[tuple]]:
    """Each line as ("S", content, box, subs_type, subs_content) and ("SP", "", box) tokens.
    Words come from the block's whole text, so a word cut by a line break is known as one
    (not across Latin letters: a line break between them stood for a space)."""
    text = "".join(ln.text for ln in lines)
    bounds = word_bounds(text)
    starts = []
    at = 0
    for ln in lines:
        starts.append(at)
        if at and at < len(text) and (_is_latin(text[at - 1]) or _is_latin(text[at])):
            bounds.add(at)
        at += len(ln.text)
    for m in _SPACE.finditer(text):
        bounds.add(m.start())
        bounds.add(m.end())
    ordered = sorted(bounds)
    out: list[list[tuple]] = []
    for ln, a in zip(lines, starts):
        b = a + len(ln.text)
        cuts = [a, *ordered[bisect_right(ordered, a):bisect_left(ordered, b)], b]
        toks: list[tuple] = []
        lt = ln.text
        for s, e in zip(cuts, cuts[1:]):
            word = lt[s - a:e - a]
            if word.isspace():
                if toks and toks[-1][0] == "S":  # an SP only between Strings (none leads a line)
                    toks.append(("SP", "", ln.box(s - a, e - a, vertical)))
                continue
            box = ln.box(s - a, e - a, vertical)
            if s == a and s not in bounds or e == b and e not in bounds:
                w0 = ordered[bisect_right(ordered, s) - 1]
                w1 = ordered[bisect_left(ordered, e)]
                subs = "HypPart2" if s == a and s not in bounds else "HypPart1"
                toks.append(("S", word, box, subs, text[w0:w1]))
            else:
                toks.append(("S", word, box, "", ""))
        while toks and toks[-1][0] == "SP":
            toks.pop()
        out.append(toks)
    return out


# -- writing -----------------------------------------------------------------------------

def _pos(x0: float, y0: float, x1: float, y1: float) -> str:
    """A box in mm10 (floats) as ALTO's attributes, each edge rounded (so within 0.05 mm)."""
    a, b = round(x0), round(y0)
    return f'HPOS="{a}" VPOS="{b}" WIDTH="{round(x1) - a}" HEIGHT="{round(y1) - b}"'


def _mm10(x0: float, y0: float, x1: float, y1: float, off: float) -> tuple[float, float, float, float]:
    """A box in points from the trim's corner, in mm10 from the PDF page's."""
    return (x0 + off) * MM10, (y0 + off) * MM10, (x1 + off) * MM10, (y1 + off) * MM10


def _pt(x0: float, y0: float, x1: float, y1: float, off: float) -> str:
    """A box in points from the trim's corner as ALTO's attributes."""
    return _pos(*_mm10(x0, y0, x1, y1, off))


def _union(boxes: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float]:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def text_block(block: Block, faces: dict[str, Face], ctx: PageContext, tags: str, idnext: str, style: str,
               out: list[str]) -> tuple[float, float, float, float] | None:
    """The TextBlock of `block`, appended to `out`; its box in mm10 (None: nothing printable)."""
    glyphs = line_glyphs(block, faces, ctx.vertical_texts.get(block.owner, "") if block.vertical else "",
                         ctx.offset, ctx.halves, ctx.opened, ctx.hung, ctx.squeezed)
    tokens = line_tokens(glyphs, block.vertical)
    body: list[str] = []
    add = body.append
    boxes = []
    for i, (line, gl, toks) in enumerate(zip(block.lines, glyphs, tokens), 1):
        if not toks:
            continue
        x0, y0, x1, y1 = box = _union([t[2] for t in toks if t[0] == "S"])
        boxes.append(box)
        if block.vertical:
            cx = round((x0 + x1) / 2)
            base = f"{cx},{round(y0)} {cx},{round(y1)}"
        else:
            by = round(gl.baseline)
            base = f"{round(x0)},{by} {round(x1)},{by}"
        extra = ' BASEDIRECTION="ttb"' if block.vertical else ""
        if block.kind is BlockKind.BODY and line[0].role == "intertitle":
            extra += ' TAGREFS="TAG_intertitle"'
        add(f'<TextLine ID="{block.id}_L{i}" {_pos(*box)} BASELINE="{base}"{extra}>')
        for t in toks:
            bx = t[2]
            a = round(bx[0])
            if t[0] == "SP":
                add(f'<SP HPOS="{a}" VPOS="{round(bx[1])}" WIDTH="{round(bx[2]) - a}"/>')
                continue
            b = round(bx[1])
            subs = f' SUBS_TYPE="{t[3]}" SUBS_CONTENT="{esc(t[4])}"' if t[3] else ""
            add(f'<String CONTENT="{esc(t[1])}" HPOS="{a}" VPOS="{b}" WIDTH="{round(bx[2]) - a}" '
                f'HEIGHT="{round(bx[3]) - b}"{subs}/>')
        add("</TextLine>")
    if not boxes:
        return None
    bb = _union(boxes)
    attrs = f' STYLEREFS="{style}"' + (f' TAGREFS="{tags}"' if tags else "")
    attrs += f' IDNEXT="{idnext}"' if idnext else ""
    attrs += ' BASEDIRECTION="ttb"' if block.vertical else ""
    out.append(f'<TextBlock ID="{block.id}" {_pos(*bb)}{attrs}>')
    out.extend(body)
    out.append("</TextBlock>")
    return bb


def alto_page(record: PageRecord, blocks: list[Block], faces: dict[str, Face], ctx: PageContext) -> bytes:
    """The ALTO file of one page."""
    off = ctx.offset
    by_id = {b.id: b for b in blocks}
    units = page_units(record, blocks, ctx.number, ctx.articles)
    nxt: dict[str, str] = {}
    for _, ids in units:
        nxt.update(zip(ids, ids[1:]))
    kinds = sorted({b.kind.value for b in blocks} | ({"intertitle"} if any(
        ln[0].role == "intertitle" for b in blocks if b.kind is BlockKind.BODY for ln in b.lines) else set()))
    used_articles = sorted({ctx.articles[b.owner] for b in blocks if b.owner in ctx.articles}
                           | {ctx.articles[p.owner] for p in record.pictures if p.owner in ctx.articles},
                           key=lambda s: int(ctx.article_tags[s][3:]))
    pics = {picture_id(ctx.number, k): p for k, p in enumerate(record.pictures, 1)}

    def tags_of(owner: str, kind: str) -> str:
        t = [f"TAG_{kind}"] if kind else []
        sid = ctx.articles.get(owner)
        if sid is not None:
            t.append(ctx.article_tags[sid])
        return " ".join(t)

    def style_of(b: Block) -> tuple[str, float, bool]:  # the face and size of most of its characters
        count: dict[tuple[str, float], int] = {}
        for ln in b.lines:
            for r in ln:
                count[(r.face, r.size)] = count.get((r.face, r.size), 0) + len(r.text)
        face, size = max(count, key=count.__getitem__)
        return faces[face].family, size, "Bold" in face

    styles = {k: f"TS{n}" for n, k in enumerate(sorted({style_of(b) for b in blocks}), 1)}
    content: list[str] = []
    boxes = []
    for _, ids in units:
        for i in ids:
            if i in pics:
                p = pics[i]
                tags = tags_of(p.owner, "")
                attrs = (f' TAGREFS="{tags}"' if tags else "") + (f' IDNEXT="{nxt[i]}"' if i in nxt else "")
                content.append(f'<Illustration ID="{i}" TYPE="photo" {_pt(p.x, p.y, p.x + p.w, p.y + p.h, off)}'
                               f'{attrs}/>')
                boxes.append(_mm10(p.x, p.y, p.x + p.w, p.y + p.h, off))
            else:
                b = by_id[i]
                got = text_block(b, faces, ctx, tags_of(b.owner, b.kind.value), nxt.get(i, ""), styles[style_of(b)],
                                 content)
                if got is not None:
                    boxes.append(got)
    for k, f in enumerate((f for f in record.frames if f.kind is FrameKind.AD), 1):  # booked ads: no story's text
        content.append(f'<ComposedBlock ID="{other_id(ctx.number, k)}" TYPE="advertisement" '
                       f'{_pt(f.x, f.y, f.x + f.w, f.y + f.h, off)}/>')
        boxes.append(_mm10(f.x, f.y, f.x + f.w, f.y + f.h, off))
    tx, ty, tw, th = ctx.type_area
    ps = _union(boxes + [_mm10(tx, ty, tx + tw, ty + th, off)])

    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<alto xmlns="{ALTO_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{ALTO_NS} http://www.loc.gov/standards/alto/v4/alto-4-4.xsd" SCHEMAVERSION="4.4">',
        "<Description>", "<MeasurementUnit>mm10</MeasurementUnit>",
        f"<sourceImageInformation><fileName>{esc(ctx.source)}</fileName></sourceImageInformation>",
        '<Processing ID="PROC1"><processingCategory>contentGeneration</processingCategory>'
        "<processingStepDescription>set by layout from its page composition (text and positions as "
        "placed, not recognised)</processingStepDescription><processingSoftware>"
        f"<softwareName>layout</softwareName><softwareVersion>{esc(__version__)}</softwareVersion>"
        "</processingSoftware></Processing>",
        "</Description>",
    ]
    if styles:
        head += ["<Styles>", *(f'<TextStyle ID="{ts}" FONTFAMILY="{esc(fam)}" FONTSIZE="{size:g}"'
                               + (' FONTSTYLE="bold"' if bold else "") + "/>"
                               for (fam, size, bold), ts in styles.items()), "</Styles>"]
    tag_lines = [f'<StructureTag ID="TAG_{k}" TYPE="role" LABEL="{k}"/>' for k in kinds]
    tag_lines += [f'<StructureTag ID="{ctx.article_tags[s]}" TYPE="article" LABEL="{esc(s)}"/>'
                  for s in used_articles]
    if tag_lines:
        head += ["<Tags>", *tag_lines, "</Tags>"]
    order = [f'<OrderedGroup ID="RO_{page_prefix(ctx.number)}">']
    for n, (_, ids) in enumerate(units, 1):
        order.append(f'<OrderedGroup ID="RO_{page_prefix(ctx.number)}_U{n}">')
        order += [f'<ElementRef ID="RO_{i}" REF="{i}"/>' for i in ids]
        order.append("</OrderedGroup>")
    order.append("</OrderedGroup>")
    if units:
        head += ["<ReadingOrder>", *order, "</ReadingOrder>"]
    w, h = record.width + 2 * off, record.height + 2 * off
    head += ["<Layout>",
             f'<Page ID="{page_prefix(ctx.number)}" PHYSICAL_IMG_NR="{ctx.number}" PRINTED_IMG_NR="{esc(ctx.label)}" '
             f'WIDTH="{u(w)}" HEIGHT="{u(h)}" PROCESSING="PROC1" LANG="zh">',
             f'<PrintSpace {_pos(*ps)}>']
    tail = ["</PrintSpace>", "</Page>", "</Layout>", "</alto>", ""]
    return "\n".join(head + content + tail).encode("utf-8")
