"""flow.pour on its own, with the real body face: balancing, the reserved jump line, and
the text left over when a story overflows its columns."""

from __future__ import annotations

import math

import pytest

from layout.fonts.catalogue import load_fontbook
from layout.model.filler import filler_text
from layout.model.styles import load_style
from layout.page.flow import Flow, Slot, pour
from layout.text.typeset import Cursor, TextSetter

MEASURE = 117.0  # 13 em of 9 pt: one basic column


@pytest.fixture(scope="module")
def env():
    style, fonts = load_style("broadsheet"), load_fontbook()
    role = style.role("body")

    def setter(chars: int, seed: int = 11) -> TextSetter:
        paras = tuple(filler_text(seed, chars).split("\n\n"))
        return TextSetter(paras, fonts.metrics(role.face), role.size, style)

    def jump_line(text: str):
        jump = style.role("jump")
        return TextSetter((text,), fonts.metrics(jump.face), jump.size, style, indent_chars=0.0,
                          justify=False).lines(Cursor(), MEASURE, 1)[0][0]

    return setter, jump_line


def columns(n: int, first: int = 10, last: int = 30) -> list[Slot]:
    return [Slot(60.0 + k * 126.0, first, last, MEASURE) for k in range(n)]


def body_text(flow: Flow) -> str:
    return "".join(p.text.text for p in flow.placed if p.kind == "body")


def rest_of(setter: TextSetter, cur: Cursor) -> str:
    paras = setter.paragraphs
    if cur.para >= len(paras):
        return ""
    return paras[cur.para][cur.offset:] + "".join(paras[cur.para + 1:])


def lines_per_slot(flow: Flow, n: int) -> list[int]:
    return [sum(1 for p in flow.placed if p.slot == k) for k in range(n)]


def assert_consecutive(flow: Flow, slots: list[Slot]) -> None:
    """Each slot's lines run down from its first grid line without gaps, at its x."""
    for k, slot in enumerate(slots):
        mine = [p for p in flow.placed if p.slot == k]
        assert [p.line for p in mine] == list(range(slot.first, slot.first + len(mine)))
        assert all(p.x == slot.x for p in mine)


@pytest.mark.parametrize("chars", [500, 700, 900])
def test_balanced_columns_share_the_lowest_bottom_that_holds_the_text(env, chars):
    """Columns share the lowest common bottom that holds the text, and no column ends more
    than a line above another (55 lines: 19, 18, 18, not 19, 19, 17)."""
    setter, _ = env
    st = setter(chars)
    n = st.count_lines(Cursor(), MEASURE)  # the same lines in whichever column (one measure)
    depth = n // 3 + 2  # three columns with room to spare; two are too few
    slots = columns(3, 10, 10 + depth)
    plain = pour(st, Cursor(), slots)
    balanced = pour(st, Cursor(), slots, balance=True)
    text = "".join(st.paragraphs)
    assert plain.done and balanced.done
    assert body_text(plain) == body_text(balanced) == text
    assert plain.lines_set == balanced.lines_set == n
    assert lines_per_slot(plain, 3)[:2] == [depth, depth]  # unbalanced: the third column is short
    per = lines_per_slot(balanced, 3)
    bottom = math.ceil(n / 3)  # the lowest common bottom at which n lines fit in three columns
    assert max(per) == bottom and max(per) - min(per) <= 1 and sum(per) == n
    assert_consecutive(balanced, slots)


@pytest.mark.parametrize("chars", [300, 451, 480])
def test_two_balanced_columns_end_within_one_line(env, chars):
    setter, _ = env
    st = setter(chars)
    slots = columns(2)
    flow = pour(st, Cursor(), slots, balance=True)
    assert flow.done and body_text(flow) == "".join(st.paragraphs)
    a, b = lines_per_slot(flow, 2)
    assert 0 <= a - b <= 1 and a + b == flow.lines_set
    assert_consecutive(flow, slots)


def test_a_continuing_story_keeps_its_last_line_for_the_jump_line(env):
    setter, jump_line = env
    slots = columns(2)
    jump = jump_line("（下转第三版）")
    st = setter(1500)
    flow = pour(st, Cursor(), slots, jump=jump)
    assert flow.jumped and not flow.done
    last = flow.placed[-1]
    assert last.kind == "jump" and last.text is jump
    assert (last.slot, last.line) == (1, slots[1].last - 1)  # the last line of the last column
    assert [p.kind for p in flow.placed[:-1]] == ["body"] * (flow.capacity - 1)
    assert flow.lines_set == flow.capacity - 1
    assert flow.overset_lines == flow.overset_chars == 0  # the rest is set on the jump page
    assert body_text(flow) + rest_of(st, flow.end) == "".join(st.paragraphs)
    assert_consecutive(flow, slots)
    # the rest resumes where the jump left it, and nothing is lost or set twice
    after = pour(st, flow.end, columns(4, 0, 30))
    assert after.done and body_text(flow) + body_text(after) == "".join(st.paragraphs)


def test_a_story_that_fits_sets_no_jump_line(env):
    setter, jump_line = env
    st = setter(300)
    flow = pour(st, Cursor(), columns(2), jump=jump_line("（下转第三版）"))
    assert flow.done and not flow.jumped
    assert all(p.kind == "body" for p in flow.placed)
    assert body_text(flow) == "".join(st.paragraphs)


def test_overflow_returns_the_text_left_over(env):
    setter, _ = env
    st = setter(1500)
    slots = columns(2)
    flow = pour(st, Cursor(), slots)
    text = "".join(st.paragraphs)
    assert not flow.done and not flow.jumped
    assert flow.lines_set == flow.capacity == 40  # every line of both columns is used
    assert_consecutive(flow, slots)
    left = rest_of(st, flow.end)
    assert left and body_text(flow) + left == text
    assert flow.overset_chars == len(left)
    assert flow.chars_set + flow.overset_chars == len(text)
    # the overset figure is the number of lines the rest needs at the last column's measure
    more = pour(st, flow.end, [Slot(60.0, 0, 200, MEASURE)])
    assert more.done and body_text(more) == left
    assert flow.overset_lines == more.lines_set


def test_head_and_tail_lines_frame_the_body(env):
    setter, jump_line = env
    st = setter(400)
    head, tail = jump_line("（上接第一版）"), jump_line("相关报道详见T1版")
    flow = pour(st, Cursor(), columns(2), head=[head], tail=[tail])
    kinds = [p.kind for p in flow.placed]
    assert kinds[0] == "head" and kinds[-1] == "tail" and set(kinds[1:-1]) == {"body"}
    assert flow.placed[0].text is head and flow.placed[-1].text is tail
    assert flow.done and body_text(flow) == "".join(st.paragraphs)
