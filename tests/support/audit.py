"""The typographic audit of a written PDF, mirroring ../shared/tools/typo_audit.py:
kinsoku faults, justification, baseline grid, letter-spacing.  Test-only.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field

from layout.pdf.verify import PdfChar, pdf_page_chars
from layout.text import cjk


@dataclass
class PdfAudit:
    lines: int = 0
    kinsoku: list[str] = field(default_factory=list)
    split_pairs: int = 0
    spreads: list[float] = field(default_factory=list)  # per column: spread of justified right edges
    grid_considered: int = 0
    grid_aligned: int = 0
    # per full body line (not a paragraph's last) with at least 4 pairs of adjacent ideographs:
    # the median space between them in em (0 = set solid), and the line's text
    spacing: list[tuple[float, str]] = field(default_factory=list)

    @property
    def grid_share(self) -> float:
        return self.grid_aligned / self.grid_considered if self.grid_considered else 1.0


def _text_columns(chars: list[PdfChar], widths: dict[str, float], size: float, res: int = 4
                  ) -> list[tuple[float, float]]:
    """Column x-intervals from where body glyphs (punctuation aside) cover the page: strips
    more than 0.4 em wide that fewer than 5 % of the typical count covers are gutters."""
    skip = cjk.NO_START["strict"] | cjk.NO_END["strict"]
    width = max((c.x for c in chars), default=0) + 2 * size
    diff = [0] * (int(width * res) + 2)
    for c in chars:
        if c.ch not in skip:
            a, b = max(0, int(c.x * res)), min(len(diff) - 1, int((c.x + widths.get(c.ch, 1.0) * size) * res))
            if b > a:
                diff[a] += 1
                diff[b] -= 1
    cover, n = [], 0
    for d in diff:
        n += d
        cover.append(n)
    nz = sorted(v for v in cover if v)
    if not nz:
        return []
    thresh = 0.05 * nz[len(nz) // 2]
    cols, start, last = [], None, 0
    for i, v in enumerate(cover + [0] * int(size * res + 2)):
        if v > thresh:
            start, last = (i if start is None else start), i
        elif start is not None and (i - last) / res > 0.4 * size:
            cols.append((start / res, (last + 1) / res))
            start = None
    return cols


def _splits(p: PdfChar, c: PdfChar, mids: list[float], widths: dict[str, float], size: float) -> bool:
    gap = c.x - (p.x + widths.get(p.ch, 1.0) * size)
    pm, cm = p.x + size / 2, c.x + size / 2
    return gap > 1.5 * size or (gap > 0.2 * size and any(pm < m <= cm for m in mids))


def audit_pdf(pdf_bytes: bytes, body_size: float, widths: dict[str, float], level: str = "strict") -> PdfAudit:
    """Kinsoku, justification and grid alignment of body lines read back from a PDF.

    Text columns are found from glyph coverage; right edges use the font's advances.
    """
    import pypdfium2 as pdfium

    no_start, no_end = cjk.NO_START[level], cjk.NO_END[level]
    out = PdfAudit()
    doc = pdfium.PdfDocument(pdf_bytes)
    npages = len(doc)
    doc.close()
    for pno in range(npages):
        chars = [c for c in pdf_page_chars(pdf_bytes, pno) if abs(c.size - body_size) < 0.05]
        cols = _text_columns(chars, widths, body_size)
        mids = [(a[1] + b[0]) / 2 for a, b in zip(cols, cols[1:])]
        rows: dict[float, list[PdfChar]] = {}
        for c in chars:
            rows.setdefault(round(c.y, 1), []).append(c)
        lines: list[tuple[int, float, list[PdfChar]]] = []
        for y, cs in rows.items():
            cs.sort(key=lambda c: c.x)
            start = 0
            for i in range(1, len(cs) + 1):  # split at a gutter, or at any gap over 1.5 em
                if i == len(cs) or _splits(cs[i - 1], cs[i], mids, widths, body_size):
                    seg = cs[start:i]
                    mid = (seg[0].x + seg[-1].x) / 2
                    col = next((k for k, (a, b) in enumerate(cols) if a - body_size <= mid <= b + body_size), -1)
                    if col >= 0 and (seg[0].x < cols[col][0] - 0.6 * body_size or
                                     seg[-1].x + widths.get(seg[-1].ch, 1.0) * body_size > cols[col][1] + 1.1 * body_size):
                        col = -1  # wider than its column (a merged text column): not measured, as typo_audit
                    lines.append((col, y, seg))
                    start = i
        bycol: dict[int, list[tuple[float, float, float, str, list[PdfChar]]]] = {}
        for col, y, cs in lines:
            text = "".join(c.ch for c in cs)
            x1 = cs[-1].x + widths.get(cs[-1].ch, 1.0) * body_size
            bycol.setdefault(col, []).append((y, cs[0].x, x1, text, cs))
        out.lines += len(lines)
        bycol.pop(-1, None)
        for col, ls in bycol.items():
            ls.sort()
            right = max(set(round(x1 * 2) / 2 for _, _, x1, _, _ in ls),
                        key=[round(x1 * 2) / 2 for _, _, x1, _, _ in ls].count)
            lefts = [round(x0 * 2) / 2 for _, x0, _, _, _ in ls]
            lmode = max(set(lefts), key=lefts.count)
            edges = []
            for i, (y, x0, x1, text, cs) in enumerate(ls):
                if text[0] in no_start:
                    out.kinsoku.append(f"p{pno + 1} col {col + 1}: starts {text[:6]}")
                if text[-1] in no_end:
                    out.kinsoku.append(f"p{pno + 1} col {col + 1}: ends {text[-6:]}")
                nxt = ls[i + 1] if i + 1 < len(ls) else None
                para_last = right - x1 > body_size or (nxt is not None and nxt[1] - lmode >= body_size)
                if nxt is not None and not para_last and text[-1] in "—…" and nxt[3][0] == text[-1]:
                    out.split_pairs += 1
                if not para_last:
                    shifts = (0.0, 0.5, 1.0) if text[-1] in cjk.BLANK_RIGHT else (0.0,)
                    k = min(shifts, key=lambda s: abs(x1 - s * body_size - right))
                    edges.append(x1 - k * body_size)
                    gaps = sorted((b.x - a.x - widths.get(a.ch, 1.0) * body_size) / body_size
                                  for a, b in zip(cs, cs[1:]) if cjk.is_ideograph(a.ch) and cjk.is_ideograph(b.ch))
                    if len(gaps) >= 4:
                        mid = len(gaps) // 2
                        out.spacing.append((gaps[mid] if len(gaps) % 2 else (gaps[mid - 1] + gaps[mid]) / 2, text))
            if len(edges) > 1:
                out.spreads.append(max(edges) - min(edges))
        for col, ls in bycol.items():
            nb = sorted(y for y, *_ in bycol.get(col + 1, []))
            if not nb:
                continue
            for y, *_ in ls:
                # as typo_audit: only where the next column has a line within one body size;
                # a line beside a gap (a byline's or an intertitle's grid lines, a photo) has no
                # neighbour to be aligned with
                k = bisect_left(nb, y)
                near = min((abs(y - b) for b in nb[max(0, k - 1):k + 1]), default=1e9)
                if near <= body_size:
                    out.grid_considered += 1
                    out.grid_aligned += near <= 0.5
    return out


def loose_exceptions(paragraphs, widths: dict[str, float], measure: float, indent: float,
                     worst: float) -> tuple[dict[str, tuple[float, float, float]], list[float]]:
    """Set each paragraph as the build sets body text (paragraph-wide breaking) at `measure` em
    with a first-line `indent`: (lines looser than `worst` em between ideographs -> (their
    spacing, their slack, the width of what must come next)), and the median spacing of every
    full line with at least 4 pairs of adjacent ideographs, as typo_audit measures it.  A line
    looser than `worst` is only excused when what must come next is wider than its slack."""
    from statistics import median

    from layout.text.linebreak import PreparedText, line_runs
    from layout.text.totalfit import break_paragraph

    out: dict[str, tuple[float, float, float]] = {}
    spacings: list[float] = []
    for text in paragraphs:
        p = PreparedText(text, widths, "strict")
        for ln in break_paragraph(p, measure, indent):
            if ln.last:
                continue
            xs = []
            for r in line_runs(p, ln):
                x = r.x
                for ch in r.text:
                    xs.append((ch, x))
                    x += widths[ch] + r.tc
            gaps = [b - a - widths[c] for (c, a), (d, b) in zip(xs, xs[1:])
                    if cjk.is_ideograph(c) and cjk.is_ideograph(d)]
            if len(gaps) < 4:
                continue
            s = median(gaps)
            spacings.append(s)
            if s > worst + 1e-9:
                e = p.allowed.find(1, ln.next + 1)  # what must come next: up to the next place a line may end
                token = p.cum[e if e > 0 else p.n] - p.cum[ln.next] - p.start_trim(ln.next)
                out[text[ln.start:ln.end]] = (s, ln.measure - ln.width, token)
    return out, spacings
