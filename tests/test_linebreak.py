"""Line breaking with synthetic widths (no fonts): clreq rules as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layout.text import cjk
from layout.text.linebreak import PreparedText, break_lines, line_runs

HAN = "中国城市发展建设项目企业科技创新群众生活文化经济交通环境教育"
PUNCT = "，。、；：？！“”《》（）"


def widths_for(text: str) -> dict[str, float]:
    w = {}
    for ch in text:
        if ch.isascii():
            w[ch] = 0.25 if ch == " " else 0.5
        elif ch in "·":
            w[ch] = 0.5
        else:
            w[ch] = 1.0
    return w


def right_edge(runs, widths) -> float:
    r = runs[-1]
    return r.x + sum(widths[c] for c in r.text) + r.tc * (len(r.text) - 1)


def glyph_x(runs, widths) -> dict[str, float]:
    """Character -> x of its first occurrence, as a PDF viewer would place it."""
    pos: dict[str, float] = {}
    for r in runs:
        x = r.x
        for ch in r.text:
            pos.setdefault(ch, x)
            x += widths[ch] + r.tc
    return pos


def set_all(text: str, measure: float = 13.0, indent: float = 2.0, level: str = "strict"):
    w = widths_for(text)
    p = PreparedText(text, w, level)
    lines = break_lines(p, measure, indent)
    return p, w, lines


def test_fills_measure_exactly():
    text = (HAN * 6)[:150]
    p, w, lines = set_all(text)
    assert len(lines) > 5
    for ln in lines[:-1]:
        assert abs(right_edge(line_runs(p, ln), w) - 13.0) < 1e-9


def test_comma_is_squeezed_in_rather_than_starting_a_line():
    # 13 em fill the line exactly; the comma after them may not start the next line, and the
    # comma inside the line can give up half an em: squeeze (先挤进) instead of pushing down.
    text = "中" * 5 + "，" + "中" * 5 + "国城" + "，" + "市" * 10
    p, w, lines = set_all(text, indent=0.0)
    first = text[lines[0].start:lines[0].end]
    assert first.endswith("，"), first
    runs = line_runs(p, lines[0])
    # squeezed: the comma's blank half is gone, its origin sits half an em inside the measure
    assert abs(right_edge(runs, w) - 13.5) < 1e-9
    assert text[lines[1].start] == "市"


def test_push_down_when_squeezing_is_not_enough():
    # 13 ideographs then "。”": nothing inside the line can give way, so a character is pushed
    # down with the marks (后推出) and the line is spread.
    text = "中" * 13 + "。”" + "市" * 10
    p, w, lines = set_all(text, indent=0.0)
    assert text[lines[1].start] not in cjk.NO_START["strict"]
    assert abs(right_edge(line_runs(p, lines[0]), w) - 13.0) < 1e-9


def test_no_opening_mark_at_line_end():
    text = "中" * 12 + "“文化”" + "市" * 20
    p, w, lines = set_all(text, indent=0.0)
    assert len(lines) > 2
    for ln in lines:
        assert text[ln.end - 1] not in cjk.NO_END["strict"]


def test_dash_and_ellipsis_never_split_nor_start_a_line():
    for filler in ("中" * k for k in range(8, 16)):
        text = filler + "——" + "国" * 5 + "……" + "城" * 20
        p, w, lines = set_all(text, indent=0.0)
        assert len(lines) > 2
        for ln in lines:
            assert text[ln.start] not in "—…"
            assert not (text[ln.end - 1] in "—…" and ln.end < len(text) and text[ln.end] == text[ln.end - 1])


def test_numbers_and_latin_words_stay_whole():
    for k in range(6, 14):
        text = "中" * k + "增长12.5%，GDP达到1200亿元，Wi-Fi与5G覆盖" + "城" * 20
        p, w, lines = set_all(text, indent=0.0)
        assert len(lines) > 2  # breaks to check
        for a, b in zip(lines, lines[1:]):
            x, y = text[a.end - 1], text[b.start]
            assert not (x.isascii() and x.isalnum() and y.isascii() and y.isalnum()), text[a.start:b.end]


def test_han_latin_gap_is_a_quarter_em():
    text = "城市GDP增长"
    p, w, lines = set_all(text, measure=40, indent=0.0)
    xs = glyph_x(line_runs(p, lines[0]), w)
    assert abs(xs["G"] - 2.25) < 1e-9  # 城市 (2 em) + ¼ em
    assert abs(xs["增"] - (2.25 + 1.5 + 0.25)) < 1e-9


def test_adjacent_punctuation_is_compressed():
    p = PreparedText("他说：“好。”然后", widths_for("他说：“好。”然后"), "strict")
    # ：“ -> 1.5 em and 。” -> 1.5 em
    assert p.adv[2] == 0.5 and p.adv[5] == 0.5
    assert abs(p.cum[p.n] - (p.n - 1.0)) < 1e-9


def test_opening_bracket_at_line_start_is_trimmed():
    text = "中" * 13 + "（国城市）" + "发" * 10
    p, w, lines = set_all(text, indent=0.0)
    second = lines[1]
    assert text[second.start] == "（"
    assert line_runs(p, second)[0].x == -0.5


def test_lone_last_character_is_pulled_down():
    text = "中" * 27  # 13 + 13 + 1 would leave one character alone
    p, w, lines = set_all(text, indent=0.0)
    assert lines[-1].end - lines[-1].start >= 2
    assert sum(ln.end - ln.start for ln in lines) == 27


def test_indent_applies_to_first_line_only():
    text = HAN * 2
    p, w, lines = set_all(text)
    assert line_runs(p, lines[0])[0].x == 2.0
    assert lines[0].end - lines[0].start == 11
    assert line_runs(p, lines[1])[0].x == 0.0


def test_resume_from_offset_with_new_measure():
    text = HAN * 5
    w = widths_for(text)
    p = PreparedText(text, w, "strict")
    part = break_lines(p, 13, 2, 0, max_lines=3)
    rest = break_lines(p, 20, 2, part[-1].next)
    assert len(part) == 3 and not part[-1].last
    assert rest[0].indent == 0.0 and rest[-1].last
    got = "".join(text[ln.start:ln.end] for ln in part + rest)
    assert got == text


alphabet = st.sampled_from(list(HAN * 3 + PUNCT + "——……" + "0123456789" + "AB .%·"))


@given(st.lists(alphabet, min_size=1, max_size=400).map("".join),
       st.integers(min_value=6, max_value=30), st.sampled_from(["basic", "strict"]))
def test_properties_on_random_text(text, measure, level):
    text = " ".join(text.split()) or "中"
    w = widths_for(text)
    p = PreparedText(text, w, level)
    lines = break_lines(p, float(measure), 2.0)
    # nothing lost: lines cover the text in order, dropping only spaces at breaks
    joined = "".join(text[ln.start:ln.next] for ln in lines)
    assert joined.replace(" ", "") == text.replace(" ", "")
    no_start, no_end = cjk.NO_START[level], cjk.NO_END[level]
    for i, ln in enumerate(lines):
        runs = line_runs(p, ln)
        assert runs, ln
        edge = right_edge(runs, w)
        assert edge <= measure + 0.5 + 1e-6  # never overhangs (a squeezed end mark's origin counts)
        seg = text[ln.start:ln.end]
        forced = ln.end - ln.start == 1 or edge > measure + 1e-6
        if i > 0 and not forced and seg[0] in no_start and text[lines[i - 1].end - 1] not in no_start:
            # a mark may only start a line when the line before could not take it
            assert False, (seg, text[lines[i - 1].start:lines[i - 1].end])
        if not ln.last and not forced:
            assert seg[-1] not in no_end or all(c in no_end for c in seg), seg


def test_pair_kerning_inside_latin_words():
    text = "中国AVE公司"
    w = widths_for(text)
    p = PreparedText(text, w, "strict", kerning={"AV": -0.1})
    lines = break_lines(p, 40, 0.0)
    pos = glyph_x(line_runs(p, lines[0]), w)
    assert pos["V"] - pos["A"] == pytest.approx(0.5 - 0.1)
    assert pos["E"] - pos["V"] == pytest.approx(0.5)


def test_middle_dot_takes_a_fixed_half_em_centred():
    text = "阿卜杜勒·阿齐兹来到江城"
    w = widths_for(text)
    w["·"] = 0.3
    p = PreparedText(text, w, "strict")
    lines = break_lines(p, 40, 0.0)
    pos = glyph_x(line_runs(p, lines[0]), w)
    assert pos["·"] == pytest.approx(4.1)  # 4 em + (0.5 - 0.3) / 2
    assert pos["齐"] == pytest.approx(5.5)  # 4 em + ½ em + 阿


def test_a_number_keeps_its_measure_word():
    for k in range(6, 14):
        text = "中" * k + "接待观众82万人次，增长12.5%以上" + "城" * 20
        p, w, lines = set_all(text, indent=0.0)
        assert len(lines) > 2  # breaks to check
        for a, b in zip(lines, lines[1:]):
            assert not (text[a.end - 1].isdigit() and cjk.is_ideograph(text[b.start])), text[a.start:b.end]


@pytest.mark.parametrize("k", range(3, 14))
def test_a_word_wider_than_the_measure_is_cut_where_no_postfix_mark_starts_a_line(k):
    # no legal break inside "ABC…" and the marks after it: the cut moves back into the word,
    # never leaving ".", "%" or ")" at the start of the next line (the "。." and "。%")
    text = "中国" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[:k] + ".%)" + "城市发展" * 3
    p, w, lines = set_all(text, measure=4.0, indent=0.0)
    assert "".join(text[ln.start:ln.next] for ln in lines) == text
    for ln in lines[1:]:
        assert text[ln.start] not in ".%)", [text[x.start:x.end] for x in lines]


def test_a_mark_compressed_against_the_next_lines_opening_mark_is_full_width_at_the_line_end():
    # "：“" is set 1.5 em inside a line; broken between the two, the colon stands alone at the
    # end of a line that must be spread: it takes its whole em back before any letter-spacing
    text = "中" * 10 + "：“" + "ABCDEFGH" + "”" + "城市" * 10
    p, w, lines = set_all(text, measure=12.0, indent=0.0)
    assert text[lines[0].start:lines[0].end] == "中" * 10 + "："
    runs = line_runs(p, lines[0])
    assert abs(right_edge(runs, w) - 12.0) < 1e-9  # the colon's full em ends on the measure
    assert [r.tc for r in runs] == [pytest.approx(0.1)]  # (12 - 11 em) over 10 spaces, not 1.5 em


# the scans PreparedText makes (text/charclass.py): their fast forms against their plain definitions
SCAN_ALPHABET = ("中〇丽㐀䶵䷀﨩𠀀httpsw:/.ww-,'’&#$¥£%℃‰ 　\u00a0aZ09éЖα。，、“”（）《》——……·・ぁ々\n"
                 + "".join(sorted(cjk.PREFIX_SYMBOLS | cjk.SUFFIX_SYMBOLS)))
_SCAN_TEXT = st.lists(st.sampled_from(list(SCAN_ALPHABET) + ["http://", "https://", "www.", "ww."]),
                      max_size=30).map("".join)


@given(_SCAN_TEXT)
def test_the_cluster_scan_finds_what_its_plain_pattern_finds(text):
    import re

    from layout.text.charclass import CLUSTER, CLUSTER_PLAIN
    assert [m.span() for m in CLUSTER.finditer(text)] == [m.span() for m in re.finditer(CLUSTER_PLAIN, text)]


@given(st.one_of(_SCAN_TEXT, st.text(max_size=30)))
def test_special_flags_mark_exactly_what_is_not_an_ideograph(text):
    from layout.text.charclass import SPECIAL, special_flags
    assert special_flags(text) == bytearray(SPECIAL.match(ch) is not None for ch in text)
    assert special_flags(text + "\ud800中") == bytearray(SPECIAL.match(ch) is not None for ch in text + "\ud800中")


@given(_SCAN_TEXT)
def test_the_adjacent_marks_scan_finds_what_its_two_plain_patterns_find(text):
    import re

    from layout.text.charclass import ADJACENT_MARKS, BLANK_RIGHT_PAIR_PLAIN, OPEN_OPEN_PLAIN
    plain = sorted(m.span() for pattern in (BLANK_RIGHT_PAIR_PLAIN, OPEN_OPEN_PLAIN)
                   for m in re.finditer(pattern, text))
    assert [m.span() for m in ADJACENT_MARKS.finditer(text)] == plain
