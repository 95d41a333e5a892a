"""Reading order (pdf/readorder.py): the tops of a story's blocks.  A column that opens the
story with an intertitle, and a jumped story's continuation head, must stand where poppler
bounds its neighbours' widening: else a block beside them is widened over this story and
read between its columns (generated prose edition 103 A12, jump edition 202 A8)."""

from __future__ import annotations

from layout.page.display import GlyphRun
from layout.pdf.readorder import FENCE_INSET, LIFT, _columns, bridges, fences


def _width(face: str, text: str) -> float:
    return float(len(text))  # one em a character


def test_a_column_opening_the_story_with_an_intertitle_is_fenced_up_over_it_and_beside_the_byline():
    """The story's first column under a photo, its second opening the story with an
    intertitle beside the photo, its byline on a line of its own over the first column:
    the second column gets the grid lines up to the one over its intertitle (the block
    starts at the body's size, and takes the intertitle), and one beside the byline
    counted from there.  Poppler had read the intertitle and column from a line under
    the byline: a neighbour's guide at the byline's height, bounded only by the byline,
    was widened over the photo and read before it and the column under it."""
    def run(slot: int, line: float, text: str = "一" * 13, role: str = "body", size: float = 9.0) -> GlyphRun:
        return GlyphRun(100.0 + slot * 126.0, 100.0 + 13.5 * line, "song", size, text, story="s", role=role, col=slot)
    runs = [GlyphRun(100.0, 86.5, "song", 9.0, "本报记者", story="s", role="byline")]
    runs += [run(1, 0.55, "小标题", "intertitle", 10.5)] + [run(1, k) for k in range(2, 20)]
    runs += [run(0, k) for k in range(12, 20)]  # (lines 0..11 of the first column: a photo)
    forms = [(r.text, 0.0, 0.0) for r in runs]
    cols, bases, bylines = _columns(runs, forms, _width)
    got = fences(cols, bases, bylines)
    assert [(round(x0, 2), round(y, 2)) for x0, _, y, _, _ in got] == [(226.0 + FENCE_INSET, y)
                                                                       for y in (100.0, 113.5, 86.5)]
    assert {(size, scale) for *_, size, scale in got} == {(9.0, LIFT)}
    photo = ("", [226.0, 40.0, 343.0, 105.0])  # something over the intertitle: not over it, nor beside the byline
    assert fences(cols, bases, bylines, [photo]) == []


def test_a_continuation_head_is_bridged_like_a_head():
    """A jumped story's continuation head (centred over more than its columns, or short of
    them) is bridged to half an em inside its story's box, as a headline is: its block's
    edge at a place no column lines up with had let poppler widen the head of a story far
    above it over that story's last column, read after the next story's head."""
    head = GlyphRun(150.0, 500.0, "hei", 18.0, "长江经济带", story="s1", role="continuation_headline")
    got = bridges([head], [(head.text, 0.0, 0.0)], _width, [head], {"s1": [60.0, 480.0, 300.0, 900.0]})
    assert got == [(69.0, 150.0, 500.0, 18.0, LIFT), (240.0, 291.0, 500.0, 18.0, LIFT)]
