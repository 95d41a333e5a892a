"""Content order that pdfium keeps (pdf/textorder.py): a story whose last line shares its
baseline with the next owner's first line, set further left, is drawn after that owner,
so that pdfium (which sorts same-line text objects by x) reads each whole."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from layout.model.modes import OutputMode
from layout.page.display import GlyphRun, PageDisplay
from layout.pdf import draw
from layout.pdf.draw import draw_page, render_pages
from layout.pdf.textorder import content_order

STORY = ["江城加快完善基层", "治理体系全力推进", "体系。"]
CAPTION = "江城光电子研究院。"


def _runs(face: str) -> list[GlyphRun]:
    story = [GlyphRun(200.0, 100.0 + 13.5 * i, face, 9.0, t, story="s", role="body") for i, t in enumerate(STORY)]
    return story + [GlyphRun(20.0, 127.0, face, 9.0, CAPTION, story="ph", role="caption")]


def test_an_owner_merged_into_the_line_before_is_drawn_first():
    runs = _runs("song")
    assert [r.story for r in content_order(runs)] == ["ph", "s", "s", "s"]
    apart = runs[:3] + [GlyphRun(20.0, 160.0, "song", 9.0, CAPTION, story="ph", role="caption")]
    assert content_order(apart) is apart  # no two owners meet on a line: the order as it was
    right = runs[:3] + [GlyphRun(300.0, 127.0, "song", 9.0, CAPTION, story="ph", role="caption")]
    assert content_order(right) is right  # further right: pdfium keeps the order
    # two stories that end on the caption's line: the caption goes before both
    other = [GlyphRun(100.0, 100.0 + 13.5 * i, "song", 9.0, t, story="t", role="body") for i, t in enumerate(STORY)]
    assert [r.story for r in content_order(other + runs)] == ["ph", "t", "t", "t", "s", "s", "s"]


@pytest.mark.parametrize("mode", [OutputMode.PRINT, OutputMode.ARCHIVE])
def test_pdfium_reads_each_owner_whole(sample_prepared, mode, monkeypatch):
    fonts = sample_prepared.fonts
    face = next(f.key for f in fonts.faces.values() if f.covers("江"))
    page = PageDisplay("A1", 400, 300, tuple(_runs(face)))

    def text() -> str:
        data = render_pages([draw_page(page, fonts, mode)], fonts)
        return pdfium.PdfDocument(data)[0].get_textpage().get_text_range().replace("\r\n", "").replace(" ", "")

    assert "".join(STORY) in text() and CAPTION in text()
    monkeypatch.setattr(draw, "content_order", lambda runs: runs)  # as drawn before: pdfium merges the lines
    assert "".join(STORY) not in text()
