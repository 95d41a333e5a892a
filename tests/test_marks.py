"""Marked content for one page's runs (layout/pdf/marks.py), without building an edition."""

from __future__ import annotations

from layout.page.display import GlyphRun
from layout.pdf.marks import ARTIFACT, PageTags, actual_text, mark_runs


def _run(x, y, text, story="s", role="body", para=-1, col=-1, tc=0.0, size=9.0, vertical=False):
    return GlyphRun(x, y, "song", size, text, tc, vertical=vertical, story=story, role=role, para=para, col=col)


def _width(face: str, text: str) -> float:
    return float(len(text))  # one em per character


def test_sequences_tags_and_balance():
    runs = [
        _run(0, 10, "江城日报", story="masthead", role="masthead"),
        _run(0, 40, "《江城志（四）", role="headline", size=30),
        _run(195, 40, "》出版发行", role="headline", size=30),
        _run(0, 60, "第一段第一行", para=0, col=0),
        _run(0, 73.5, "第一段第二行", para=0, col=0),
        _run(60, 73.5, "第二段", para=1, col=0),
        _run(100, 60, "字距加宽的行", para=1, col=1, tc=1.0),
        _run(100, 73.5, "（下转第三版）", role="jump", col=1),
        _run(300, 40, "︽", role="headline", story="v", vertical=True),
    ]
    tags = PageTags(figures=["ph"])
    opens, closes = mark_runs(runs, tags, 0.0, 1000.0, _width)
    ops = [o for pair in zip(opens, closes) for o in pair]
    text = " ".join(ops)
    assert text.count("BDC") + text.count("BMC") == text.count("EMC")
    assert opens[0] == ARTIFACT and opens[7].startswith(ARTIFACT)
    # MCIDs after the page's one photo: headline, paragraph 0, paragraph 1 (two columns), v's headline
    assert tags.marks == [("s", "headline", -1), ("s", "body", 0), ("s", "body", 1), ("v", "headline", -1)]
    assert opens[1] == f"/H1 <</MCID 1>> BDC /Span <</ActualText {actual_text('《江城志（四）》出版发行')}>> BDC"
    assert opens[3] == "/P <</MCID 2>> BDC" and opens[4] == "" and closes[4] == "EMC"
    assert opens[5] == "/P <</MCID 3>> BDC"  # paragraph 1 runs on into the next column: one sequence
    assert opens[6] == f" /Span <</ActualText {actual_text('字距加宽的行')}>> BDC" and closes[6] == "EMC EMC"
    assert actual_text("︽") == actual_text("《") and actual_text("《") in opens[8]
    beads = {(o, c): box for o, c, *box in tags.beads}
    assert set(beads) == {("s", -1), ("s", 0), ("s", 1), ("v", -1)}
    x0, y0, x1, y1 = beads[("s", 0)]
    assert (x0, x1) == (0, 60 + 3 * 9) and y1 == 1000 - 60 + 0.88 * 9 and y0 == round(1000 - 73.5 - 0.12 * 9, 2)
    assert beads[("s", 1)][2] == 100 + 6 * 9 + 5 * 1.0  # the spacing after the last glyph is not set width
