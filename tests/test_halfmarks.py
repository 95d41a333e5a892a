"""Which compressed closing marks are drawn as half-width forms (page/halfmarks.py), and the
fonts stage's list of them (fonts/halfforms.py) against text/cjk.py's."""

from __future__ import annotations

from layout.fonts.halfforms import CLOSING, HALF_CODE, HALF_FORM, MARK_OF_CODE
from layout.page.display import GlyphRun
from layout.page.halfmarks import half_form, half_marks
from layout.text import cjk

W = {"song": {**{ch: 1.0 for ch in "江城一二三四五六七八九十今天好了的发展"}, **{ch: 1.0 for ch in CLOSING
                                                                         if ch not in ")]}"}}}
S = 10.0


def _run(x, y, text, tc=0.0, story="s", vertical=False):
    return GlyphRun(x, y, "song", S, text, tc, story=story, vertical=vertical)


def test_the_fonts_list_is_the_typesetters():
    assert set(CLOSING) == cjk.BLANK_RIGHT
    assert all(0xFDD0 <= c <= 0xFDEF for c in HALF_CODE.values())  # noncharacters: no font maps them
    assert {MARK_OF_CODE[HALF_CODE[ch]] for ch in CLOSING} == set(CLOSING)
    assert half_form("发展。") == "发展" + chr(HALF_CODE["。"])


def test_a_mark_whose_next_run_starts_half_an_em_on():
    exact = [_run(0, 10, "江城，"), _run(25, 10, "今天")]  # ，at 20: the next run at 20 + 5
    spaced = [_run(0, 10, "江城，", tc=1.0), _run(28, 10, "今天")]  # origin 22, + 5 + tc
    partly = [_run(0, 10, "江城，"), _run(27, 10, "今天")]  # squeezed by 0.3 em only: its box overlaps less
    assert half_marks(exact, W)[0] and half_marks(spaced, W)[0]
    assert half_marks(partly, W) == [False, False]


def test_a_line_end_mark_only_where_it_hangs_past_the_measure():
    on = [_run(0, 10, "一二三四五六七。"),  # ends at 80 at full width: on the measure
          _run(0, 25, "一二三四五六七八"), _run(0, 40, "一二三四五六七八")]  # the measure: 80
    assert half_marks(on, W) == [False, False, False]
    hung = [_run(0, 10, "一二三四五六七八"), _run(-5, 25, "一二三四五六七八。"),  # full end 85: ½ em past
            _run(0, 40, "一二三四五六七八")]
    assert half_marks(hung, W) == [False, True, False]
    assert half_marks(hung[1:2], W) == [False]  # a column of one line has no measure to hang from


def test_columns_break_where_the_lines_go_back_up_and_vertical_runs_are_left_alone():
    first = [_run(0, 10, "一二三四五六七八"), _run(0, 25, "一二三四五六七八")]
    second = [_run(100, 10, "一二三四五六七。"), _run(100, 25, "一二三四五六七八")]  # 。on its own measure
    assert half_marks(first + second, W) == [False] * 4
    assert half_marks([_run(0, 10, "。", vertical=True), _run(0, 20, "。", vertical=True)], W) == [False, False]


def test_hung_and_open_forms_where_marks_reach_into_the_gutter():
    """A pause hung past the measure (its origin on the measure, its ink half an em past)
    takes its hung form; an opening bracket trimmed half an em before the column's line
    start takes its open form, drawn half an em right; elsewhere marks keep their codes."""
    from layout.fonts.halfforms import HUNG_FORM, OPEN_FORM
    from layout.page.halfmarks import drawn_forms

    w = {"song": {**W["song"], "“": 1.0, "（": 1.0}}
    col = [_run(0, 10, "一二三四五六七八"), _run(0, 25, "一二三四五六七八，"),  # ，at 80: hung
           _run(-5, 40, "（二三四五六七八"), _run(20, 55, "（二三四五六"),  # trimmed; an indented line is not
           _run(0, 70, "一二三四五六七八")]
    forms = drawn_forms(col, w)
    assert forms[1] == ("一二三四五六七八" + HUNG_FORM["，"], 0.0, 0.0)
    assert forms[2] == (OPEN_FORM["（"] + "二三四五六七八", 0.5 * S, 0.0)
    assert forms[3] == ("（二三四五六", 0.0, 0.0) and forms[0] == (col[0].text, 0.0, 0.0)
    assert half_marks(col, w) == [False, True, False, False, False]  # ALTO: the hung mark's box is ½ em


def test_a_column_whose_first_lines_all_hang_a_pause():
    """The measure is found from the lines that do not end in a mark: a column whose first
    three lines each hang a pause (their ends a whole em past the measure, all alike) still
    hangs them; taking their common end for the measure left them full width, each box an
    em into the gutter, the next column's line read as part of it (issue 17's benchmark)."""
    from layout.fonts.halfforms import HUNG_FORM
    from layout.page.halfmarks import drawn_forms

    col = [_run(20, 10, "一二三四五六，"), _run(0, 25, "一二三四五六七八，"), _run(0, 40, "一二三四五六七八。"),
           _run(0, 55, "一二三四五六七八"), _run(0, 70, "一二三四五六七八"), _run(0, 85, "一二三")]
    forms = drawn_forms(col, W)
    assert [f[0][-1] for f in forms[:3]] == [HUNG_FORM["，"], HUNG_FORM["，"], HUNG_FORM["。"]]
    assert forms[3][0] == col[3].text


def test_closing_marks_squeezed_by_letter_spacing_take_half_forms_and_no_spacing():
    """），set as one run with letter-spacing of minus half an em: the ）is drawn in its half
    form with no spacing (so the ，stands where it stood) and hangs no box into the gutter."""
    from layout.fonts.halfforms import HUNG_FORM
    from layout.page.halfmarks import drawn_forms

    col = [_run(0, 10, "一二三四五六七八"), _run(0, 25, "一二三四五六七八"),
           _run(0, 40, "一二三四五六七"), _run(75, 40, "），", tc=-0.5 * S),  # ，at 80: hung
           _run(0, 55, "一二三四五六七八")]
    forms = drawn_forms(col, W)
    assert forms[3] == (HALF_FORM["）"] + HUNG_FORM["，"], 0.0, 0.0)
    assert forms[0] == (col[0].text, 0.0, 0.0)


def test_form_codes_are_apart_and_lead_back_to_their_marks():
    from layout.fonts.halfforms import FORM_OF_CODE, GUIDE_CODE, HANGING, HUNG_CODE, OPEN_CODE, OPENING, FormKind

    assert set(HANGING) == cjk.COMMAS | cjk.STOPS
    assert set(OPENING) == {ch for ch in cjk.OPENING if ord(ch) > 0x2000}
    codes = [*HALF_CODE.values(), *HUNG_CODE.values(), *OPEN_CODE.values()]
    assert len(codes) == len(set(codes)) == len(FORM_OF_CODE) and GUIDE_CODE not in FORM_OF_CODE
    assert all(FORM_OF_CODE[c].kind is FormKind.HUNG and FORM_OF_CODE[c].advance == 0 for c in HUNG_CODE.values())
    assert all(FORM_OF_CODE[c].shift == -0.5 for c in OPEN_CODE.values())
    assert {MARK_OF_CODE[c] for c in OPEN_CODE.values()} == set(OPENING)


def test_a_heads_line_end_mark_is_half_an_em():
    """A head's line (centred on its set width, text/typeset.py) ends on its closing mark's
    set width: the mark takes its half form; a body line's last mark on the measure does not."""
    head = GlyphRun(0, 10, "song", S, "江城“十五”", story="s", role="headline")
    body = [_run(0, 25, "一二三四五六七”"), _run(0, 40, "一二三四五六七八"), _run(0, 55, "一二三四五六七八")]
    assert half_marks([head, *body], W) == [True, False, False, False]


def test_a_heads_line_start_opening_mark_takes_its_open_form():
    """A head's line that starts with a full-width opening mark draws it in its open form,
    half an em on: its box starts at its ink (the mark's blank half would reach over the
    neighbouring story's column)."""
    from layout.fonts.halfforms import OPEN_FORM
    from layout.page.halfmarks import drawn_forms

    w = {"song": {**W["song"], "“": 1.0}}
    head = GlyphRun(0, 10, "song", S, "“十五”规划", story="s", role="headline")
    assert drawn_forms([head], w) == [(OPEN_FORM["“"] + "十五”规划", 0.5 * S, 0.0)]


def test_a_short_column_whose_only_shared_end_is_its_marks_takes_the_storys_measure():
    """A story's short last column whose plain lines share no end (a full line, a
    paragraph's last) but whose lines ending in a compressed mark do (each half an em past
    the measure): the story's column before gives the measure, and the marks are half an em
    wide.  Taking their common end for the measure left each mark's box half an em in the
    gutter, 4.6 pt from the next story's column: poppler fused eight columns of a page
    into one block (a generated prose edition, seed 112)."""
    first = [_run(0, 10 + 15 * k, "一二三四五六七八") for k in range(4)]  # measure 80
    last = [_run(100, 10, "一二三四五六七八。"),  # compressed: its full advance ends at 190 = 180 + ½ em
            _run(100, 25, "一二三四五六七八"),  # a full line: ends on the measure, 180
            _run(100, 40, "一二三四五六七八。"), _run(100, 55, "一二三")]  # again ½ em past; a last line
    marks = half_marks(first + last, W)
    assert marks[4:] == [True, False, True, False]
    assert half_marks(last, W) == [False] * 4  # alone, nothing tells the measure: the marks keep their boxes


def test_a_one_line_column_and_a_trimmed_bracket_keep_the_storys_measure():
    """A story's last column of one line, ending in a compressed mark, takes its measure
    from the story's column before it; that column's line start is where its lines start,
    not a bracket trimmed half an em into the gutter.  Measured from the bracket, the
    story's measure moved half an em from column to column and the one-line column's mark
    kept its box half an em in the gutter, next to the next story's column: poppler fused
    them (a generated prose edition, seed 110)."""
    w = {"song": {**W["song"], "（": 1.0}}
    first = [_run(0, 10, "一二三四五六七八"), _run(-5, 25, "（二三四五六七八"),  # a bracket trimmed: starts at -5
             _run(0, 40, "一二三四五六七八"), _run(0, 55, "一二三四五六七八")]  # measure 80
    last = [_run(100, 10, "一二三四五六七八。", tc=-0.625)]  # squeezed: its full advance ends at 185, ½ em past
    assert half_marks(first + last, w)[4:] == [True]
    assert half_marks(last, w) == [False]  # alone: no measure to tell (measured from the bracket: 185)


def test_a_short_columns_trimmed_bracket_is_found_from_its_plain_lines():
    """A story's short last column of three lines (a paragraph's last, an indented first
    line, a line opening with a bracket trimmed half an em into the gutter) shares no line
    start: its plain lines' edge tells where its lines start.  Its bracket kept its box half
    an em in the gutter, 4.5 pt from the column before, and poppler fused the two columns
    line by line (a generated prose edition with jumps, seed 205).  An untrimmed bracket on
    an indent keeps its form."""
    from layout.fonts.halfforms import OPEN_FORM
    from layout.page.halfmarks import drawn_forms

    w = {"song": {**W["song"], "“": 1.0}}
    col = [_run(100, 10, "一二三四。"), _run(120, 25, "一二三四五六"), _run(95, 40, "“二三四五六”。")]
    forms = drawn_forms(col, w)
    assert forms[2][:2] == (OPEN_FORM["“"] + "二三四五六”。", 0.5 * S)
    assert [f[1] for f in forms[:2]] == [0.0, 0.0]
    indented = [_run(100, 10, "一二三四。"), _run(120, 25, "“二三四五六")]  # on the indent: not trimmed
    assert [f[1] for f in drawn_forms(indented, w)] == [0.0, 0.0]


def test_a_short_column_of_paragraphs_first_lines_is_measured_from_its_edge_not_their_indent():
    """A story's short last column whose lines are all paragraphs' first lines (indented
    two em) starts an indent right of its edge: measured from there, its hung pauses kept
    their boxes a whole em in the gutter, touching the next column, and poppler read the
    two columns' lines as one (a generated edition with jumps, seed 211).  The indent is the
    story's column before's (its indented lines against its plain ones)."""
    w = {"song": {**W["song"], "。": 1.0}}
    first = [_run(0, 10, "一二三四五六七八"), _run(20, 25, "一二三四五六"), _run(0, 40, "一二三四五六七八"),
             _run(0, 55, "一二三四五六七八")]  # edge 0, indent 20, measure 80
    last = [_run(120, 10, "一二三四五六。"), _run(120, 25, "一二三四五六。")]  # edge 100: hung at 180 + 10
    assert half_marks(first + last, w)[4:] == [True, True]
    unindented = [_run(0, 10, "一二三四五六七八"), _run(0, 25, "一二三四五六七八")]  # no indent known
    assert half_marks(unindented + last, w)[2:] == [False, False]
