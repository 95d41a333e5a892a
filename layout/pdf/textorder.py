"""Content order that text extractors keep: owners drawn so that pdfium does not merge them.

The renderer writes each story's runs together, in reading order, so that a reader taking
text in content order (pdfium, `pdftotext -raw`, our read-back) gets each story whole.
pdfium does not quite take content order: it gathers consecutive text objects whose origins
lie within half a glyph's width of each other vertically as one line, and sorts them by x.
A story whose last line shares its baseline with the first line of the next thing drawn,
set further left (a photo's caption beside the story's foot), then read that line after
the other's: the story came out in two pieces, and an archive build, which always reads
its PDFs back, failed.  So where one owner's runs would be merged into the previous
owner's last line, that owner is drawn earlier, at the latest place where it meets no
such neighbour.  Each owner's runs stay together and in order; the
structure tree of a tagged edition gives the reading order whatever the drawing order.
"""

from __future__ import annotations

from itertools import groupby
from operator import attrgetter

from layout.page.display import GlyphRun

_OWNER = attrgetter("story")


def merged_by_pdfium(prev: GlyphRun, r: GlyphRun) -> bool:
    """Whether pdfium would read `r`, drawn next after `prev`, into `prev`'s line, before
    it: another owner's run within an em of its baseline, starting further left."""
    return (r.story != prev.story and not r.vertical and not prev.vertical
            and abs(r.y - prev.y) < max(r.size, prev.size) and r.x < prev.x)


def content_order(runs: list[GlyphRun]) -> list[GlyphRun]:
    """`runs` (display-list order: owner after owner) in the order to draw them: the same
    unless two owners meet as `merged_by_pdfium` says; then the later owner is drawn at the
    latest place before where it meets neither neighbour so (before the owner it would
    merge into, or further back: a caption at the foot of the page beside two stories that
    end on its line goes before both)."""
    if not any(p.story != r.story and merged_by_pdfium(p, r) for p, r in zip(runs, runs[1:])):
        return runs
    pending = [list(g) for _, g in groupby(runs, _OWNER)]
    out = [pending.pop(0)]
    for blk in pending:
        if not merged_by_pdfium(out[-1][-1], blk[0]):
            out.append(blk)
            continue
        at = next((k for k in range(len(out) - 1, -1, -1) if not merged_by_pdfium(blk[-1], out[k][0])
                   and (k == 0 or not merged_by_pdfium(out[k - 1][-1], blk[0]))), None)
        out.insert(len(out) if at is None else at, blk)  # (nowhere fits: as it was)
    return [r for blk in out for r in blk]
