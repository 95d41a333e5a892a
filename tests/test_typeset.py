"""The paragraph API with the real fonts: headlines, copyfit, vertical setting, fallbacks."""

from __future__ import annotations

import pytest

from layout.errors import CompositionError, FontError
from layout.fonts.catalogue import load_fontbook
from layout.model.styles import load_style
from layout.text.headlines import fit_headline_size, set_vertical
from layout.text.typeset import Cursor, TextSetter, check_coverage, set_block


@pytest.fixture(scope="module")
def env():
    return load_style("broadsheet"), load_fontbook()


def test_fit_headline_size_picks_the_largest_size_that_fits(env):
    style, fonts = env
    role = style.role("headline")
    wide = fit_headline_size("江城发布86项重大科技创新成果", role, fonts, 999.0, style)
    narrow = fit_headline_size("江城发布86项重大科技创新成果", role, fonts, 243.0, style)
    assert wide.size == 42.0
    assert narrow.size < wide.size
    assert len(narrow.lines) == 1
    # the next size up would not have fitted
    bigger = [s for s in role.sizes if s > narrow.size]
    assert bigger
    from layout.text.headlines import fits

    assert fits("江城发布86项重大科技创新成果", role, fonts, 243.0, style, min(bigger), "biaosong", 1) is None


def test_fit_headline_size_error_names_story_and_page(env):
    style, fonts = env
    with pytest.raises(CompositionError) as e:
        fit_headline_size("很长很长很长很长很长很长很长很长很长很长的标题", style.role("headline"), fonts, 60.0, style,
                          story="s9", page="A2")
    assert "s9" in str(e.value) and "A2" in str(e.value)


def test_vertical_setting_uses_vertical_forms_and_upright_digits(env):
    style, fonts = env
    vb = set_vertical("“秋老虎”来了，12日降温", style.role("headline"), fonts, 800.0, size=30.0)
    cells = [g.text for g in vb.glyphs]
    assert cells[0] == "﹁" and "﹂" in cells and "︐" in cells
    assert "12" in cells  # two digits share one upright cell (纵中横)
    ys = [g.y for g in vb.glyphs]
    assert ys == sorted(ys) and ys[1] - ys[0] == pytest.approx(30.0)
    assert len({g.x for g in vb.glyphs if len(g.text) == 1}) == 1  # one column: every full-width cell at one x


def test_vertical_headline_wraps_into_a_second_column_right_to_left(env):
    style, fonts = env
    # 13 cells, 8 to a column: balanced between words (6 + 7), not filled (8 + 5: "…通车 / 十周年…")
    vb = set_vertical("江城长江大桥通车十周年纪念", style.role("headline"), fonts, 8 * 30.0, size=30.0)
    columns: dict[float, str] = {}
    for g in vb.glyphs:
        columns[g.x] = columns.get(g.x, "") + g.text
    assert [columns[x] for x in sorted(columns, reverse=True)] == ["江城长江大桥", "通车十周年纪念"]
    assert vb.height == pytest.approx(7 * 30.0)


def test_body_paragraphs_resume_at_a_cursor(env):
    style, fonts = env
    text = ("江城市今年新增公办学位二万八千个，覆盖全部中心城区。" * 12,)
    setter = TextSetter(text, fonts.metrics("song"), 9.0, style)
    first, cur = setter.lines(Cursor(), 117.0, 3)
    rest, end = setter.lines(cur, 117.0, 1000)
    assert len(first) == 3 and cur.para == 0 and cur.offset > 0
    assert "".join(ln.text for ln in first + rest) == text[0]
    assert end.para == 1


def test_fallback_face_splits_runs(env):
    style, fonts = env
    # 堃 (U+5803) is in GBK but not GB 2312: the kai face lacks it, song sets it
    assert not fonts.face("kai").covers("堃") and fonts.face("song").covers("堃")
    blk = set_block("记者王堃报道", style.role("caption"), fonts, 300.0, style)  # a kai role
    faces = [(r.text, r.face) for r in blk.lines[0].runs]
    assert ("堃", fonts.face("song").key) in faces
    assert any(f == fonts.face("kai").key for _, f in faces)


def test_uncovered_character_names_code_point_story_and_page(env):
    _, fonts = env
    with pytest.raises(FontError) as e:
        check_coverage(fonts, "song", "好消息😀", "s1", "A1")
    msg = str(e.value)
    assert "U+1F600" in msg and "s1" in msg and "A1" in msg


def test_a_centred_line_is_centred_on_its_set_width(env):
    """A centred line that ends in a full-width closing mark (a head's ”) is centred on its
    set width, the mark half an em: its first glyph and the mark's ink are equally far from
    the measure's edges.  (Counting the mark's blank half pushed heads a quarter em left,
    into the gutter, where a head filled its measure.)"""
    style, fonts = env
    size = 20.0
    for text in ("课后服务“有看头”", "通江达海再添新优势"):
        setter = TextSetter((text,), fonts.metrics("biaosong"), size, style, indent_chars=0.0, justify=False,
                            align="center")
        line = setter.lines(Cursor(), 300.0, 1)[0][0]
        first = line.runs[0].x
        last = line.runs[-1]
        w = fonts.metrics("biaosong").widths
        end = last.x + sum(w[ch] for ch in last.text) * size + last.tc * (len(last.text) - 1)
        ink_end = end - (0.5 * size if text.endswith("”") else 0.0)
        assert abs(first - (300.0 - ink_end)) < 0.01, (text, first, ink_end)
