"""Composition on display lists (no PDF): grid geometry, flow, jumps, photos, furniture."""

from __future__ import annotations

import textwrap

import pytest
from PIL import Image as PILImage

from layout.build.pipeline import compose_all, prepare
from layout.model.edition import Frame
from layout.page.display import GlyphRun, Image, Rule
from layout.page.grid import Grid
from layout.page.keys import StoryKey
from tests.support.editions import LEAD, write_edition  # noqa: F401 - LEAD for the tests below


@pytest.fixture(scope="module")
def composed(tmp_path_factory):
    path = write_edition(tmp_path_factory.mktemp("mini"))
    prep = prepare(path)
    pages = {cp.display.label: cp for cp in compose_all(prep)}
    return prep, pages


def body_runs(cp, story):
    return [r for r in cp.display.items if isinstance(r, GlyphRun) and r.story == story and r.role == "body"]


def lines_of(runs, left: float = 53.2559):
    """(baseline, basic column) -> runs of one story (a basic column is 13 em + 1 em gutter)."""
    out = {}
    for r in sorted(runs, key=lambda r: (r.y, r.x)):
        out.setdefault((round(r.y, 3), int((r.x - left + 9) // 126)), []).append(r)
    return out


def test_frame_rectangles_are_exact_grid_cells(composed):
    prep, _ = composed
    g = Grid(prep.style)
    box = g.frame_area(Frame(col=2, span=3, top=10, lines=20))
    st = prep.style
    assert box.x == pytest.approx(st.type_left + 13 * 9 + 9)
    assert box.w == pytest.approx(3 * 13 * 9 + 2 * 9)
    assert box.y == pytest.approx(st.type_top + 10 * 13.5)
    assert box.h == pytest.approx(20 * 13.5)
    assert st.type_width == pytest.approx(111 * 9)


def test_body_lines_sit_on_the_baseline_grid(composed):
    prep, pages = composed
    g = Grid(prep.style)
    base0 = g.baseline(0, 9.0, prep.fonts.face("song").ascent)
    checked = 0
    for cp in pages.values():
        for r in cp.display.items:
            if isinstance(r, GlyphRun) and r.role == "body":
                k = (r.y - base0) / 13.5
                assert abs(k - round(k)) < 1e-6, (cp.display.label, r.text)
                checked += 1
    assert checked > 500  # every page's body lines, not an empty edition


def test_first_line_indented_and_justified_to_the_column(composed):
    prep, pages = composed
    g = Grid(prep.style)
    runs = [r for r in pages["A1"].display.items if isinstance(r, GlyphRun) and r.story == "lead"
            and r.role in ("body", "byline") and r.size == 9.0]  # the broadsheet runs the dateline in
    first = min(runs, key=lambda r: (r.y, r.x))
    assert first.x == pytest.approx(g.col_x(1) + 2 * 9) and first.role == "byline"
    widths = prep.fonts.metrics("song").widths
    right = g.col_x(1) + 13 * 9
    edges = []
    for (_, _), rs in lines_of(runs).items():
        last = max(rs, key=lambda r: r.x)
        edge = last.x + sum(widths[c] for c in last.text) * 9 + last.tc * (len(last.text) - 1)
        if last.x < right:
            edges.append(edge)
    flush = [e for e in edges if abs(e - right) < 0.01 or abs(e - right - 4.5) < 0.01]
    assert len(flush) / len(edges) > 0.8  # all but paragraph-last lines


def test_jump_lines(composed):
    prep, pages = composed
    a1 = [r for r in pages["A1"].display.items if isinstance(r, GlyphRun) and r.story == "lead" and r.role == "jump"]
    assert [r.text for r in a1] == ["（下转第三版）"]
    jump = a1[0]
    body = body_runs(pages["A1"], "lead")
    col4 = Grid(prep.style).col_x(4)
    last_col = [r for r in body if r.x >= col4 - 5]
    assert col4 < jump.x < col4 + 13 * 9
    assert jump.y == pytest.approx(max(r.y for r in last_col) + 13.5)  # the line after the last one set
    a3 = [r for r in pages["A3"].display.items if isinstance(r, GlyphRun) and r.story == "lead~cont"]
    assert a3[0].text == "（上接第一版）"
    tail = [r for r in a3 if r.role == "jump" and r.y == a3[-1].y]
    assert "".join(r.text for r in tail) == "相关报道详见T1版"
    lead = {f.story: f for f in pages["A1"].fits}[StoryKey("lead")]
    assert lead.jump_to == "A3"
    cont = {f.story: f for f in pages["A3"].fits}[StoryKey("lead", continuation=True)]
    assert lead.chars_set + cont.chars_set == lead.chars_total
    assert cont.overset_chars == 0


def test_balanced_columns_end_within_one_line(composed):
    _, pages = composed
    runs = body_runs(pages["A1"], "bal")
    bottoms = {}
    for r in runs:
        col = int((r.x - 53.2559 + 9) // 126)
        bottoms[col] = max(bottoms.get(col, 0), r.y)
    assert len(bottoms) == 3
    assert max(bottoms.values()) - min(bottoms.values()) <= 13.5 + 1e-6


def test_in_block_photo_takes_the_top_of_its_columns(composed):
    prep, pages = composed
    g = Grid(prep.style)
    imgs = [i for i in pages["A1"].display.items if isinstance(i, Image) and i.id == "ph"]
    assert len(imgs) == 1
    img = imgs[0]
    assert img.x == pytest.approx(g.col_x(4))
    assert img.w == pytest.approx(2 * 13 * 9 + 9)  # two text columns and their gutter
    runs = body_runs(pages["A1"], "inphoto")
    under = [r for r in runs if r.x < img.x + img.w]
    beside = [r for r in runs if r.x > img.x + img.w]
    assert min(r.y for r in under) > img.y + img.h
    assert min(r.y for r in beside) < img.y + img.h
    caption = [r for r in pages["A1"].display.items if isinstance(r, GlyphRun) and r.story == "ph"]
    assert "".join(r.text for r in caption).startswith("列车驶过江城站。")
    assert caption[-1].role == "credit" and caption[-1].text == "本报记者陈亮 摄"


def test_in_block_photo_below_200_ppi_is_reported_like_a_page_photo(tmp_path):
    """200 x 150 px over two text columns (243 pt) is about 59 ppi: a low-ppi warning naming
    the photo, as a page-level photo gets."""
    path = write_edition(tmp_path)
    PILImage.new("RGB", (200, 150), (90, 120, 160)).save(tmp_path / "photos" / "p.jpg", quality=80)
    a1 = {cp.display.label: cp for cp in compose_all(prepare(path))}["A1"]
    img = next(i for i in a1.display.items if isinstance(i, Image) and i.id == "ph")
    assert img.ppi < 60
    low = [f for f in a1.findings if f.code == "low-ppi"]
    assert [(f.severity, f.where) for f in low] == [("warning", "A1/ph")]
    assert "photo 'ph' on A1" in low[0].message and low[0].data["ppi"] == round(img.ppi, 1)


def test_vertical_headline(composed):
    _, pages = composed
    vruns = [r for r in pages["A1"].display.items if isinstance(r, GlyphRun) and r.story == "vert" and r.vertical]
    assert "".join(r.text for r in vruns) == "长江大桥通车十周年"
    xs = {round(r.x + 0.0, 1) for r in vruns if len(r.text) == 1}
    assert len(xs) <= 2  # one or two vertical columns
    ys = [r.y for r in vruns]
    assert ys == sorted(ys) or len(xs) == 2
    body = body_runs(pages["A1"], "vert")
    assert max(r.x for r in body) < min(r.x for r in vruns)  # text beside it, to the left


def test_masthead_and_folios(composed):
    _, pages = composed
    a1 = "".join(r.text for r in pages["A1"].display.items if isinstance(r, GlyphRun) and r.story == "masthead")
    assert "江城日报" in a1 and "2026年8月19日" in a1 and "星期三" in a1
    assert "农历丙午年七月初七" in a1 and "总第25312号" in a1
    a2 = "".join(r.text for r in pages["A2"].display.items if isinstance(r, GlyphRun) and r.story == "folio")
    assert "第2版" in a2 and "要闻" in a2 and "责任编辑：李华" in a2 and "星期三" in a2
    t1 = "".join(r.text for r in pages["T1"].display.items if isinstance(r, GlyphRun) and r.story == "folio")
    assert "T1" in t1 and "特刊" in t1
    assert not any(isinstance(r, GlyphRun) and r.story == "folio" for r in pages["A1"].display.items)
    assert any(isinstance(r, Rule) for r in pages["A2"].display.items)


def test_overset_and_underset_findings(tmp_path):
    path = write_edition(tmp_path, lead_chars=9000)
    pages = {cp.display.label: cp for cp in compose_all(prepare(path))}
    over = [f for f in pages["A3"].findings if f.code == "overset"]
    assert len(over) == 1
    f = over[0]
    assert f.data["story"] == "lead" and f.data["chars_left"] > 0 and f.data["text_lines_over"] > 0
    assert f.data["lines_fit"] > f.data["lines"] == 40 and f.data["lines_change"] == f.data["lines_fit"] - 40
    assert "需增加" in f.message and "删" in f.message and f"lines: 40 → {f.data['lines_fit']}" in f.message
    under = [f for f in pages["A2"].findings if f.code == "underset"]
    assert under and under[0].data["empty_lines"] > 2


def test_three_columns_set_as_two_and_the_tabloid_grid(tmp_path):
    """三破二: a 3-column frame set as 2 text columns of 20 characters; styles are data."""
    text = textwrap.dedent("""\
        edition:
          paper: 江城日报
          date: 2026-08-19
          style: tabloid
          style_overrides: {paragraph: {indent_after_heading: false}}
        sections: [{id: A, name: 要闻, pages: 1}]
        pages:
          A1:
            stories:
              - id: s
                frame: {col: 1, span: 3, top: 0, lines: 30}
                columns: 2
                headline: 城市更新激活发展新动能
                body: {filler: {seed: 2, chars: 1200}}
        """)
    (tmp_path / "edition.yaml").write_text(text, encoding="utf-8")
    prep = prepare(tmp_path / "edition.yaml")
    st = prep.style
    assert st.columns == 4 and st.column_chars == 18 and st.lines == 70
    cp = compose_all(prep)[0]
    runs = body_runs(cp, "s")
    widths = prep.fonts.metrics("song").widths
    g = Grid(st)
    # span 3 of 18-character columns = 56 em; two text columns with a 1-em gutter: 27 + 27 + 2
    lefts = {round(r.x, 2) for r in runs}
    frame_w = g.span_width(3)
    measure = (frame_w / 9 - 1) // 2 * 9
    assert measure == 27 * 9
    first = min(runs, key=lambda r: (r.y, r.x))
    assert first.x == pytest.approx(g.col_x(1))  # indent_after_heading: false -> flush first paragraph
    second_col_x = g.col_x(1) + frame_w - measure
    assert any(abs(x - second_col_x) < 0.01 for x in lefts)
    # every line ends on its column's right edge or half an em past it (a squeezed end mark)
    right_edges = (g.col_x(1) + measure, g.col_x(1) + frame_w)
    ends = {}
    for r in runs:
        end = r.x + sum(widths[c] for c in r.text) * 9 + r.tc * (len(r.text) - 1)
        key = (round(r.y, 2), r.x > second_col_x - 5)
        ends[key] = max(ends.get(key, 0.0), end)
    flush = [e for e in ends.values() if any(abs(e - x) < 0.01 or abs(e - x - 4.5) < 0.01 for x in right_edges)]
    assert len(ends) > 20 and len(flush) >= 0.8 * len(ends)


def test_story_memo_gives_the_same_page_and_is_emptied_when_the_style_changes(composed):
    """A memoised story is valid for one style and one set of fonts only; with it, a page
    composes to exactly the display list it has without it."""
    import dataclasses

    from layout.page.compose import Composer
    from layout.page.story import StoryMemo

    prep, pages = composed
    memo = StoryMemo()
    c1 = Composer(prep.edition, prep.style, prep.fonts, memo)
    cursors = c1.resolve_jumps()
    a2 = prep.edition.page("A2")
    assert c1.compose_page(a2, cursors).display == pages["A2"].display
    assert memo.items and memo.hits == 0
    c2 = Composer(prep.edition, prep.style, prep.fonts, memo)
    again = c2.compose_page(a2, c2.resolve_jumps())
    assert memo.hits >= 1 and again.display == pages["A2"].display
    wider = dataclasses.replace(prep.style, leading=prep.style.leading + 1)
    Composer(prep.edition, wider, prep.fonts, memo)
    assert memo.items == {}
