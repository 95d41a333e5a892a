"""A page's content-stream operators, in PDF coordinates (draw.py writes them into a page).

In: glyph runs, colours, labels, with the faces' embedding (fonts/embed.py).  Out: `Ops.code`,
the operators as text lines, and `Ops.used()`, the characters drawn in each face.  Text is
written one BT/ET block per page, a run's codes inline as UTF-16BE hex (embed.py: code =
Unicode code point); numbers as ReportLab's `fp_str` writes them (fonts/pdfwrite.py).
"""

from __future__ import annotations

import math

from layout.errors import RenderError
from layout.fonts.catalogue import Face, FontBook
from layout.fonts.embed import NARROW, EmbeddedFonts, distinct
from layout.fonts.halfforms import GUIDE
from layout.fonts.pdfwrite import PDF_NUM, pdf_nums
from layout.page.display import GlyphRun
from layout.pdf.readorder import LIFT, SINK, SUNK_ROLES, page_guides, show_tagged

# Overprint states (ExtGState resource names): stroking and non-stroking overprint each on
# only for 100 % K, so that black text and rules overprint and everything else knocks out.
OVERPRINT = {(False, False): "KO", (True, False): "OPs", (False, True): "OPf", (True, True): "OP"}


def black(c) -> bool:
    """100 % K and nothing else: the only colour that overprints."""
    return c[3] >= 1 and not (c[0] or c[1] or c[2])


def _rgb(c: tuple[float, float, float, float]) -> tuple[float, float, float]:
    cy, m, y, k = c
    return ((1 - cy) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))


class Ops:
    """Content-stream operators for one page, in PDF coordinates."""

    def __init__(self, fonts: FontBook, cmyk: bool, embedded: EmbeddedFonts, tagged: bool = False):
        self.code: list[str] = []
        self.cmyk = cmyk
        self.tagged = tagged  # text drawn for extractors' layout analysis too (readorder.py)
        self.embedded = embedded
        self.faces = {f.key: f for f in fonts.faces.values()}
        self.chars: dict[str, list[str]] = {}
        self._encoders: dict[str, tuple] = {}  # face key -> _encoder's tuple
        self.op = (False, False)  # (stroking, non-stroking) overprint: off at the start of a page

    def overprint(self, stroke: bool | None, fill: bool | None) -> None:
        """Switch overprint (print plates only); None: that half does not matter, keep it."""
        want = (self.op[0] if stroke is None else stroke, self.op[1] if fill is None else fill)
        if self.cmyk and want != self.op:
            self.code.append(f"/{OVERPRINT[want]} gs")
            self.op = want

    def fill(self, col) -> str:
        return f"{pdf_nums(*col)} k" if self.cmyk else f"{pdf_nums(*_rgb(col))} rg"

    def stroke(self, col) -> str:
        return f"{pdf_nums(*col)} K" if self.cmyk else f"{pdf_nums(*_rgb(col))} RG"

    def text(self, runs: list[GlyphRun], b: float, top: float, opens: list[str] | None = None,
             closes: list[str] | None = None, forms: list[tuple[str, float, float]] | None = None) -> None:
        """All glyph runs in one BT/ET block: per run a text matrix, a font when it
        changes, and the run's 2-byte codes (pdffont: code = Unicode code point);
        `opens`/`closes`: marked-content operators before/after each run (marks.py);
        `forms`: per run, the text to draw (punctuation forms), how far right of the run's
        origin and with what letter-spacing (halfmarks.py)."""
        if not runs:
            return
        add = self.code.append
        add("BT")
        num = PDF_NUM  # (most numbers repeat: a column's x, the grid's baselines; pdfwrite.py)
        cur_face = cur_size = cur_tc = cur_col = enc = None
        # tagged: character spacing gives back the advance the narrow /W widths take off (per
        # point of size), the text matrix is LIFTed and a caption's SINKs (readorder.py)
        narrow, lift, sunk = (NARROW / 1000, LIFT, SUNK_ROLES) if self.tagged else (0.0, "1", ())
        # (per run only what changes: most runs keep the previous run's face, size and colour)
        for i, r in enumerate(runs):
            if opens and opens[i]:
                add(opens[i])
            color = r.color
            if color is not cur_col and color != cur_col:
                if self.cmyk:
                    self.overprint(None, black(color))
                add(self.fill(color))
                cur_col = color
            size = r.size
            tc = (forms[i][2] if forms else r.tc) + narrow * size if narrow or forms else r.tc
            if tc != cur_tc:
                add(f"{num[tc]} Tc")
                cur_tc = tc
            face = r.face
            if face != cur_face or size != cur_size:
                if face != cur_face:
                    enc = self._encoder(face)
                add(f"{enc[1]} {num[size]} Tf")
                cur_face, cur_size = face, size
            m = SINK if sunk and r.role in sunk else lift
            if forms:  # tagged: punctuation forms, boxes that end where the ink does (readorder.py)
                shown, dx, tc_left = show_tagged(enc[0], r, *forms[i][:2], forms[i][2])
                cur_tc = tc_left if tc_left is not None else cur_tc
                add(f"1 0 0 {m} {num[b + r.x + dx]} {num[top - r.y]} Tm {shown}")
                enc[2].append(forms[i][0])
            else:
                text = r.text
                if enc[3]:  # (BMP only: the codes inline)
                    add(f"1 0 0 {m} {num[b + r.x]} {num[top - r.y]} Tm <{text.encode('utf-16-be').hex()}> Tj")
                else:
                    add(f"1 0 0 {m} {num[b + r.x]} {num[top - r.y]} Tm {enc[0](text)} Tj")
                enc[2].append(text)
            if closes and closes[i]:
                add(closes[i])
        if cur_tc:
            add("0 Tc")  # character spacing outlives ET: leave none for what follows
        add("ET")

    def _encoder(self, key: str) -> tuple:
        """Face `key`'s (encode, /resource, list of its drawn texts, BMP only) for `text`."""
        enc = self._encoders.get(key)
        if enc is None:
            face = self.faces.get(key)
            if face is None:
                raise RenderError(f"glyph run in unknown face {key!r}")
            ef = self.embedded.get(face)
            enc = self._encoders[key] = (ef.encode, "/" + ef.resource, self.chars.setdefault(key, []),
                                         not ef.astral_map)
        return enc

    def guides(self, runs: list[GlyphRun], b: float, top: float, forms: list[tuple[str, float, float]],
               items: list) -> None:
        """A tagged page's reading-order guides and bridges (readorder.py), in the body face."""
        face = self.faces.get("song") or next(iter(self.faces.values()))
        ops = page_guides(runs, forms, self.width, items, b, top, "/" + self.embedded.get(face).resource,
                          face.widths.get(" ", 0.25))
        if ops:
            self.code += ops
            self.chars.setdefault(face.key, []).append(GUIDE)

    def label(self, face: Face, size: float, text: str, x: float, y: float, col, angle: float = 0.0,
              align: str = "left") -> None:
        """A proof annotation: `text` from (x, y), rotated by `angle` degrees, aligned
        left/centre/right; characters the face lacks are shown as '?'."""
        text = "".join(ch if face.covers(ch) else "?" for ch in text)
        w = sum(face.widths[ch] for ch in text) * size
        shift = {"left": 0.0, "centre": w / 2, "right": w}[align]
        a = math.radians(angle)
        ca, sa = math.cos(a), math.sin(a)
        ef = self.embedded.get(face)
        self.code.append(f"BT 0 Tc {self.fill(col)} /{ef.resource} {pdf_nums(size)} Tf "
                         f"{pdf_nums(ca, sa, -sa, ca, x - ca * shift, y - sa * shift)} Tm {ef.encode(text)} Tj ET")
        self.chars.setdefault(face.key, []).append(text)

    def width(self, face: str, text: str) -> float:
        """`text`'s advance in em in face `face`."""
        widths = self.faces[face].widths
        try:
            return sum(map(widths.__getitem__, text))
        except KeyError:  # a character the face lacks is set in a fallback face: one em is near enough
            return sum(widths.get(ch, 1.0) for ch in text)

    def used(self) -> dict[str, str]:
        """Face key -> the distinct characters drawn in it, in code point order."""
        return {k: distinct("".join(v)) for k, v in self.chars.items()}
