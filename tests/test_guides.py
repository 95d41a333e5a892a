"""The guides of a tagged page (layout/pdf/guides.py): how far each reaches, where it is
drawn, and which owners count as plain text to it; each test a page geometry that poppler's
pdftotext read out of order before the rule."""

from __future__ import annotations

from layout.page.display import GlyphRun


def test_a_storys_top_guide_reaches_through_plain_columns_beside_it():
    """The guide above a story reaches right through a neighbour that spans its height and
    sets only body text below it (its columns are one block each, above the guide): the
    block between that the neighbour's columns and this story need, or this story, left of
    them, is read first.  It stops at a neighbour with anything else below the guide (a
    caption, a credit, a byline of its own: a block that would start under the guide)."""
    from layout.pdf.guides import _reach_right

    boxes = {"lower": [50.0, 500.0, 300.0, 900.0], "upper": [310.0, 100.0, 560.0, 900.0],
             "far": [570.0, 100.0, 800.0, 900.0]}
    y = 497.0
    assert _reach_right(boxes, "lower", 302.5, y, {"upper": 150.0, "far": 150.0}, frozenset()) == 802.5
    assert _reach_right(boxes, "lower", 302.5, y, {"upper": 150.0, "far": 700.0}, frozenset()) == 562.5
    assert _reach_right(boxes, "lower", 302.5, y, {"upper": 650.0}, frozenset()) == 302.5  # a caption below
    assert _reach_right(boxes, "lower", 302.5, y, {}, frozenset({"upper"})) == 302.5  # a caption's box


def test_an_intertitle_in_a_column_is_plain_text_to_a_guide():
    """An intertitle set in a text column is part of the column's block (its fences), so a
    guide beside it does not split the story: it counts as plain text (`plain_ends`), as
    body text does.  A kicker, a caption line, a credit or vertical text still count."""
    from layout.pdf.guides import plain_ends

    runs = [GlyphRun(100.0, 500.0, "song", 9.0, "正文", story="s1", role="body", col=0),
            GlyphRun(100.0, 600.0, "hei", 10.5, "小标题", story="s1", role="intertitle", col=0),
            GlyphRun(100.0, 100.0, "hei", 12.0, "引题", story="s2", role="kicker"),
            GlyphRun(100.0, 700.0, "kai", 9.0, "小标题", story="s3", role="intertitle"),  # not in a column
            GlyphRun(100.0, 650.0, "song", 9.0, "竖", story="s4", role="body", col=0, vertical=True)]
    assert plain_ends(runs) == {"s2": 112.0, "s3": 709.0, "s4": 659.0}


def test_a_jump_line_in_a_column_is_plain_text_to_a_guide():
    """A jump line (（下转第三版）, （上接第一版）) is set in the story's column at the body's
    size, one block with it: a guide reaches through the story as through its body.  It
    stopped there, and on a page with a jumped story the story under the guide was read
    between the columns of the story beside it (generated prose editions with jumps)."""
    from layout.pdf.guides import plain_ends

    runs = [GlyphRun(100.0, 500.0, "song", 9.0, "正文", story="s1", role="body", col=0),
            GlyphRun(100.0, 513.5, "kai", 9.0, "（下转第三版）", story="s1", role="jump", col=0),
            GlyphRun(100.0, 100.0, "kai", 9.0, "（上接第一版）", story="s2", role="jump")]  # not in a column
    assert plain_ends(runs) == {"s2": 109.0}


def test_a_guide_stops_at_a_story_whose_columns_start_below_it_and_reaches_left_too():
    """A guide reaches through a neighbour only if each of its columns starts above the
    guide (`starts`: the top of its lowest-starting column): a story with a photo over its
    first columns and its last column beside the photo was read last column first, the
    guide between.  The guide also reaches left through such neighbours, as it reaches
    right: a story below the right part of a page's upper row, left of a tall neighbour,
    was read between that row's right columns and the rest."""
    from layout.pdf.guides import _reach_left, _reach_right

    boxes = {"lower": [310.0, 500.0, 560.0, 900.0], "left": [50.0, 100.0, 300.0, 900.0],
             "right": [570.0, 100.0, 800.0, 900.0]}
    y = 497.0
    plain = {"left": 150.0, "right": 150.0}
    assert _reach_right(boxes, "lower", 562.5, y, plain, frozenset(), {"right": 400.0}) == 802.5
    assert _reach_right(boxes, "lower", 562.5, y, plain, frozenset(), {"right": 600.0}) == 562.5  # starts below
    assert _reach_left(boxes, "lower", 308.5, y, plain, frozenset(), {"left": 400.0}) == 48.5
    assert _reach_left(boxes, "lower", 308.5, y, plain, frozenset(), {"left": 600.0}) == 308.5
    assert _reach_left(boxes, "lower", 308.5, y, {"left": 700.0}, frozenset(), {"left": 400.0}) == 308.5
    assert _reach_left(boxes, "lower", 308.5, y, plain, frozenset({"left"}), {"left": 400.0}) == 308.5
    assert _reach_left(boxes, "lower", 308.5, y, plain, frozenset(), {}) == 308.5  # no columns: not a story


def test_a_guide_reaches_across_a_gap_to_a_neighbours_columns():
    """Poppler reads a block left of another first, however far below it, unless a block
    lies between: a guide stopping at a photo's white left the columns of a tall story
    beyond it unseparated from a story low on the left, and a chain of guides made one of
    its columns both before and after them (generated editions with jumps).  The guide
    crosses the gap to the next box beside it, if it may cross that box; a gap with nothing
    beyond, or beyond it a box it may not cross, still stops it."""
    from layout.pdf.guides import _reach_left, _reach_right

    boxes = {"lower": [50.0, 500.0, 300.0, 900.0], "tall": [810.0, 100.0, 1050.0, 1400.0],
             "far": [-400.0, 100.0, -200.0, 1400.0]}  # 500 pt of white between lower and tall
    y, plain = 497.0, {"tall": 150.0, "far": 150.0}
    assert _reach_right(boxes, "lower", 302.5, y, plain, frozenset(), {"tall": 140.0}) == 1052.5
    assert _reach_right(boxes, "lower", 302.5, y, plain, frozenset(), {"tall": 600.0}) == 302.5
    assert _reach_right(boxes, "lower", 302.5, y, {"tall": 700.0}, frozenset(), {"tall": 140.0}) == 302.5
    assert _reach_left(boxes, "lower", 48.5, y, plain, frozenset(), {"far": 140.0}) == -401.5
    del boxes["far"]
    assert _reach_left(boxes, "lower", 48.5, y, plain, frozenset(), {"tall": 140.0}) == 48.5  # nothing beyond


def test_the_guide_under_a_story_reaches_at_its_own_height():
    """The guide under a story reaches through the neighbours beside it there, not through
    those beside its top: it took the reach of the guide above, ran on through the next
    story down, between that story's column beside its photo and the columns under the
    photo, and that story was read last column first (a prose edition, seed 102)."""
    import re as _re

    from layout.pdf.guides import guide_ops

    boxes = {"a": [50.0, 400.0, 300.0, 800.0], "b": [310.0, 100.0, 560.0, 500.0],
             "c": [310.0, 510.0, 560.0, 900.0]}
    plain = {"a": 420.0, "b": 120.0, "c": 530.0}

    def guides(starts):
        ops = guide_ops(boxes, 0.0, 1000.0, "/F", 0.25, plain=plain, starts=starts)
        out = []
        for op in ops:
            m = _re.match(r"(\S+) Tz 1 0 0 1 (\S+) (\S+) Tm", op)
            if m:
                x0 = float(m.group(2))
                out.append((round(x0, 1), round(x0 + float(m.group(1)) / 100 * 0.249, 1), round(1000 - float(m.group(3)), 1)))
        return out

    starts = {"a": 420.0, "b": 150.0, "c": 850.0}  # c's last column starts under a photo, below a's foot
    a_top = [g for g in guides(starts) if g[2] < 400.0 and g[0] == 48.5]
    a_foot = [g for g in guides(starts) if 800.0 < g[2] < 810.0]
    assert a_top and a_top[0][1] > 560.0  # above a: on through b (its columns start above)
    assert a_foot and max(g[1] for g in a_foot) < 310.0  # under a: not through c
    starts["c"] = 540.0  # c's columns all start above a's foot: the guide under a goes on through c
    assert max(g[1] for g in guides(starts) if 800.0 < g[2] < 810.0) > 560.0


def test_a_guide_reaches_through_a_picture_that_stands_in_no_story():
    """A guide beside a picture that spans its height reaches through it (its pane is one
    block from above the guide to below it, as a plain column is) and on through what is
    beside it; poppler had widened such a guide over the blank picture, and its pane now
    stops that.  A picture starting under the guide is not crossed; a picture in a story's
    box is that story's to decide (page_guides passes only pictures in no story)."""
    from layout.pdf.guides import _reach_left, _reach_right

    boxes = {"lower": [50.0, 500.0, 300.0, 900.0]}  # nothing beyond the photo: only the photo is crossed
    photo = [310.0, 100.0, 560.0, 700.0]
    y, plain, starts = 497.0, {}, {}
    assert _reach_right(boxes, "lower", 302.5, y, plain, frozenset(), starts) == 302.5
    assert _reach_right(boxes, "lower", 302.5, y, plain, frozenset(), starts, [photo]) == 562.5
    assert _reach_right(boxes, "lower", 302.5, y, plain, frozenset(), starts, [[310.0, 498.0, 560.0, 700.0]]) == 302.5
    boxes = {"lower": [570.0, 500.0, 800.0, 900.0], "left": [50.0, 100.0, 300.0, 900.0]}
    assert _reach_left(boxes, "lower", 568.5, y, {"left": 150.0}, frozenset(), {"left": 150.0}, [photo]) == 48.5
    assert _reach_left(boxes, "lower", 568.5, y, {"left": 700.0}, frozenset(), {"left": 150.0}, [photo]) == 308.5


def test_the_guide_above_a_caption_starts_right_of_its_left_edge():
    """Poppler starts each block at the left-most word of four 4-pt rows of baselines, from
    the top-most row with words left.  The guide above a caption, left of it, started a
    block of its own; the next rows then began at the caption's, where a neighbour's 22 pt
    head beside it, a little lower and further left, started first and took the caption
    into its block (words on its lines within 0.7 of its size sideways and 60 % of its size)
    and, through the caption's bridge, the first line of the columns under it (a generated
    prose edition, seed 120).  The guide above a caption starts right of the caption's left
    edge (by more than poppler's 0.7 x its size, which would line their edges up), so the
    caption starts the block of the guide's rows; every other guide still starts left of
    its box."""
    import re as _re

    from layout.fonts.embed import NARROW
    from layout.pdf.guides import GUIDE_SIZE, GUIDE_WIDEN, guide_ops

    boxes = {"cap": [305.0, 820.0, 548.0, 829.0], "s": [53.0, 813.0, 296.0, 1470.0], "t": [305.0, 840.0, 548.0, 1470.0]}
    advance = (0.25 * 1000 - NARROW) / 1000
    guides = []
    for op in guide_ops(boxes, 0.0, 2000.0, "/F", 0.25, captions=frozenset({"cap"})):
        m = _re.match(r"(\S+) Tz 1 0 0 1 (\S+) (\S+) Tm", op)
        if m:
            x0 = float(m.group(2))
            guides.append((x0, x0 + float(m.group(1)) / 100 * advance * GUIDE_SIZE, 2000.0 - float(m.group(3))))
    at = {round(y, 2): (x0, x1) for x0, x1, y in guides}  # by height: (k % 3) x GUIDE_STAGGER above, in x order
    above, under = at[820.0 - 1.0 - 3.0], at[829.0 + 1.0 + GUIDE_SIZE]  # the caption's (staggered once; not)
    assert 305.0 + 0.7 * GUIDE_SIZE < above[0] <= 305.0 + 1.0 and abs(above[1] - (548.0 + GUIDE_WIDEN[1])) < 0.01
    assert abs(under[0] - (305.0 - GUIDE_WIDEN[0])) < 0.01  # under the caption: as any guide
    assert abs(at[813.0 - 1.0][0] - (53.0 - GUIDE_WIDEN[0])) < 0.01  # above s
    assert abs(at[840.0 - 1.0 - 6.0][0] - (305.0 - GUIDE_WIDEN[0])) < 0.01  # above t


def test_a_joined_guide_reaches_right_at_the_height_it_is_drawn():
    """The guides under side-by-side stories that end on one line are one guide, drawn at
    the height of the left-most's; how far its right end reaches on through the next story
    is decided at that height, not at the right-most's own (staggered lower).  A story
    beside them whose columns start between the two heights was crossed: the guide lay
    above that story's columns under its photo and below its column beside the photo, and
    the column beside it was read first (filler edition 4, A4)."""
    import re as _re

    from layout.pdf.guides import GUIDE_STAGGER, guide_ops

    boxes = {"a": [50.0, 100.0, 300.0, 400.0], "b": [310.0, 100.0, 560.0, 400.0], "c": [570.0, 100.0, 800.0, 900.0]}
    plain = {"a": 120.0, "b": 120.0, "c": 120.0}
    low = 400.0 + 2.0  # the guide under a (its baseline): GUIDE_GAP + GUIDE_SIZE under its box; b's is staggered

    def under(c_starts: float) -> list[tuple[float, float]]:
        ops = guide_ops(boxes, 0.0, 1000.0, "/F", 0.25, plain=plain, starts={"a": 110.0, "b": 110.0, "c": c_starts})
        out = []
        for op in ops:
            m = _re.match(r"(\S+) Tz 1 0 0 1 (\S+) (\S+) Tm", op)
            if m and 400.0 < 1000.0 - float(m.group(3)) < 420.0:
                x0 = float(m.group(2))
                out.append((round(1000.0 - float(m.group(3)), 1), round(x0 + float(m.group(1)) / 100 * 0.249, 1)))
        return out

    assert under(150.0) == [(low, 802.5)]  # c's columns all start above: the joined guide goes on through c
    between = low - 1.0 + GUIDE_STAGGER / 2  # under the joined guide's top, above b's own guide's top
    assert under(between) == [(low, 562.5)]  # c's columns start under the guide: it stops at b


def test_a_vertical_head_counts_to_a_guide_by_its_first_cell():
    """A vertical head (竖排) is one block to poppler from its first cell down (its cells are
    an em apart, within its 1.5 em): a guide under that cell crosses it without splitting
    it, as it crosses a story's columns.  It counted down to its last cell, the guides of
    the stories left of it stopped there, and a story low on the left was read before a
    caption above the head, which a guide widened over the next story's columns made
    read before that story's first column: that story was read last column first (filler
    edition 30, A11)."""
    from layout.pdf.guides import _reach_right, plain_ends

    head = [GlyphRun(972.0, 875.0 + 42.0 * k, "hei", 42.0, ch, story="v", role="headline", vertical=True)
            for k, ch in enumerate("民生实事件件有着")]
    runs = [GlyphRun(810.0, 840.0 + 13.5 * k, "song", 9.0, "正文" * 6, story="v", role="body", col=0)
            for k in range(45)]
    plain = plain_ends([*reversed(head), *runs])  # in any order: the topmost cell counts
    assert plain == {"v": 917.0}
    boxes = {"left": [50.0, 700.0, 800.0, 920.0], "v": [810.0, 833.0, 1015.0, 1450.0]}
    assert _reach_right(boxes, "left", 802.5, 928.0, plain, frozenset(), {"v": 833.0}) == 1017.5
    assert _reach_right(boxes, "left", 802.5, 910.0, plain, frozenset(), {"v": 833.0}) == 802.5  # above its cell's foot
