"""Body markup (## intertitles, **bold**, *kai*), run-in datelines, continuation headlines
(续题) and caption + credit on one line.

The parser is tested on strings; composition on display lists (fast); and one small
edition is built to PDF and read back with pypdfium2 (font name, origin and size of every
character), which is what a reader of the page sees.
"""

from __future__ import annotations

import ctypes
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image as PILImage

from layout.build.pipeline import BuildOptions, build, compose_all, prepare
from layout.errors import ManifestError, StyleError
from layout.model.bodies import split_paragraphs
from layout.model.edition import BylineStyle, Emphasis, Markup, ParagraphKind, Span
from layout.model.manifest import load_edition
from layout.model.markup import parse_body, parse_inline, strip_markup
from layout.model.styles import load_style, style_from_dict
from layout.page.display import GlyphRun
from layout.page.fidelity import display_fidelity, normalise, page_text

# -- the parser -------------------------------------------------------------------------


def test_bold_and_kai_runs_become_spans_of_the_printed_text():
    text, spans = parse_inline("**工业生产回升向好。**上半年，*据介绍*增长6.1%。")
    assert text == "工业生产回升向好。上半年，据介绍增长6.1%。"
    assert spans == (Span(0, 9, Emphasis.BOLD), Span(13, 16, Emphasis.KAI))
    assert text[0:9] == "工业生产回升向好。" and text[13:16] == "据介绍"


@pytest.mark.parametrize("raw, printed", [
    ("单价*3元", "单价*3元"),                     # an asterisk that closes nothing
    ("3 * 4 * 5 = 60", "3 * 4 * 5 = 60"),        # a mark followed by a space opens nothing
    ("注\\*：数据为初步核算", "注*：数据为初步核算"),  # escaped
    ("**未闭合的加粗", "**未闭合的加粗"),
    ("* 列表项", "* 列表项"),
    ("*", "*"),
    ("****", "****"),
    ("a\\b", "a\\b"),                            # a backslash before anything else is kept
    ("# 一级标题", "# 一级标题"),                   # only `## ` means an intertitle
    ("##没有空格", "##没有空格"),
    ("> 引文 - 列表 _下划线_ `代码`", "> 引文 - 列表 _下划线_ `代码`"),
])
def test_everything_else_is_literal(raw, printed):
    assert strip_markup(raw) == printed
    _, mark = (parse_body((raw,))[0][0], parse_body((raw,))[1])
    assert mark == ()  # no markup at all: plain stories carry none


def test_marks_do_not_nest_and_escapes_work_inside_runs():
    text, spans = parse_inline("**重点*提示**与*楷\\*体*")
    assert text == "重点*提示与楷*体"
    assert spans == (Span(0, 5, Emphasis.BOLD), Span(6, 9, Emphasis.KAI))


def test_intertitles_are_paragraphs_of_their_own_and_lose_inline_marks():
    raw = "第一段正文。\n## **一块芯片**攻关八个月\n第二段正文，\n接续一行。\n\n\\## 不是小标题"
    paras = split_paragraphs(raw)
    assert paras == ("第一段正文。", "## **一块芯片**攻关八个月", "第二段正文，接续一行。", "\\## 不是小标题")
    texts, marks = parse_body(paras)
    assert texts == ("第一段正文。", "一块芯片攻关八个月", "第二段正文，接续一行。", "## 不是小标题")
    assert [m.kind for m in marks] == [ParagraphKind.BODY, ParagraphKind.INTERTITLE, ParagraphKind.BODY,
                                       ParagraphKind.BODY]
    assert all(not m.spans for m in marks)


def test_plain_text_is_returned_as_is():
    paras = ("江城日报讯 8月18日，全市经济运行稳中有进。", "第二段。")
    texts, marks = parse_body(paras)
    assert texts is paras and marks == ()


@given(st.text(st.sampled_from(list("江城日报ab1 *#\\\n")), max_size=60))
def test_any_text_parses_into_ordered_spans_and_loses_only_markup_characters(raw):
    paras = split_paragraphs(raw)
    texts, marks = parse_body(paras)
    assert len(texts) == len(paras) and (marks == () or len(marks) == len(texts))
    drop = str.maketrans("", "", "*#\\ ")
    assert "".join(texts).translate(drop) == "".join(paras).translate(drop)
    for text, mark in zip(texts, marks):
        assert text
        end = 0
        for sp in mark.spans:
            assert end <= sp.start < sp.end <= len(text)
            end = sp.end
        if mark.kind is ParagraphKind.INTERTITLE:
            assert not mark.spans


# -- a small edition ------------------------------------------------------------------------

LEAD = textwrap.dedent("""\
    8月18日，江城市统计局发布上半年经济数据：**2026年GDP增长6.1%。**全市经济运行稳中有进，主要指标好于预期，单价*3元的菜篮子商品供应充足。

    *编者按：经济数据背后，是千家万户的生计。本报今起推出系列报道，敬请关注。*

    ## 工业生产回升向好

    上半年，全市规模以上工业增加值同比增长7.2%，其中高技术制造业增加值增长15.3%，占规模以上工业比重提高到27.8%。光电子信息产业表现亮眼，光纤光缆、光通信模块、集成电路等产品产量分别增长12.4%、31.6%和22.9%。注\\*：数据为初步核算。

    ## 消费市场加快回暖

    """) + "\n\n".join(["上半年，全市社会消费品零售总额达到4012.3亿元，同比增长5.8%，首次在半年内突破4000亿元。"
                        "其中，新能源汽车、智能家电、通讯器材类商品零售额分别增长41.2%、17.6%和14.8%。"] * 14)

SHORT = "8月18日，江城地铁12号线开通试运营，全线共设车站25座，沿线市民出行更加便利。"
LONG_CAPTION = ("8月18日傍晚，主桥合龙后的青鹭长江大桥在夕阳映照下格外壮观，两岸市民纷纷驻足拍照留念，"
                "记录下这一历史时刻。大桥计划于今年年底建成通车，届时两岸车程将缩短到十分钟。")  # two full lines


def write_edition(root: Path) -> Path:
    (root / "photos").mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (1600, 1000), (90, 120, 160)).save(root / "photos" / "p.jpg", quality=80)
    (root / "lead.md").write_text(LEAD, encoding="utf-8")
    manifest = textwrap.dedent(f"""\
        edition: {{paper: 江城日报, date: 2026-08-19, style: broadsheet}}
        sections:
          - {{id: A, name: 要闻, pages: 2}}
        pages:
          A1:
            template: front
            editor: 王晓
            stories:
              - id: lead
                frame: {{col: 1, span: 3, top: 12, lines: 40}}
                headline: 上半年江城经济稳中有进
                byline: 长江日报讯（记者李慧紫 通讯员杜谨宇 林金国）
                body: lead.md
                continues: A2
              - id: sig
                frame: {{col: 4, span: 2, top: 12, lines: 20}}
                headline: 地铁12号线开通
                byline: 本报记者 陈静
                body: "{SHORT}"
              - id: own
                frame: {{col: 4, span: 2, top: 32, lines: 20}}
                headline: 地铁12号线开通了
                byline: 本报讯（记者赵磊）
                byline_style: line
                body: "{SHORT}"
              - id: plain
                frame: {{col: 4, span: 2, top: 52, lines: 20}}
                headline: 12号线开通
                byline: 本报讯
                body: "{SHORT}"
            photos:
              - {{id: short-cap, file: photos/p.jpg, frame: {{col: 6, span: 3, top: 12, lines: 30}},
                 caption: 青鹭长江大桥。, credit: 本报记者 马骏 摄}}
              - {{id: long-cap, file: photos/p.jpg, frame: {{col: 6, span: 3, top: 42, lines: 30}},
                 caption: {LONG_CAPTION}, credit: 本报记者 马骏 摄}}
          A2:
            editor: 李华
            stories:
              - {{continued: lead, frame: {{col: 1, span: 3, top: 0, lines: 40}}, headline: 消费市场加快回暖}}
        """)
    path = root / "edition.yaml"
    path.write_text(manifest, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def edition_path(tmp_path_factory) -> Path:
    return write_edition(tmp_path_factory.mktemp("markup"))


@pytest.fixture(scope="module")
def composed(edition_path):
    prep = prepare(edition_path)
    return prep, {cp.display.label: cp.display for cp in compose_all(prep)}


def column_left(style, x: float) -> float:
    """Left edge of the basic column (13 em + 1 em gutter) that x falls in."""
    pitch = style.column_width + style.gutter
    return style.type_left + ((x - style.type_left) // pitch) * pitch


def runs(display, story, role=None):
    return [r for r in display.items if isinstance(r, GlyphRun) and r.story == story
            and (role is None or r.role == role)]


def test_manifest_keeps_the_printed_text_and_the_markup(edition_path):
    ed = load_edition(edition_path)
    lead = ed.page("A1").stories[0]
    assert lead.paragraphs[0].startswith("8月18日，江城市统计局发布上半年经济数据：2026年GDP增长6.1%。全市")
    assert "单价*3元" in lead.paragraphs[0]
    assert lead.paragraphs[2] == "工业生产回升向好" and "注*：数据" in lead.paragraphs[3]
    at = lead.paragraphs[0].index("2026")
    assert lead.markup[0] == Markup(ParagraphKind.BODY, (Span(at, at + len("2026年GDP增长6.1%。"), Emphasis.BOLD),))
    assert lead.markup[1].spans == (Span(0, len(lead.paragraphs[1]), Emphasis.KAI),)
    assert lead.markup[2].kind is ParagraphKind.INTERTITLE
    assert not "".join(lead.paragraphs).count("**") and "##" not in "".join(lead.paragraphs)
    own = ed.page("A1").stories[2]
    assert own.byline_style is BylineStyle.LINE and ed.page("A1").stories[1].byline_style is None
    assert own.markup == ()
    cont = ed.page("A2").stories[0]
    assert cont.continued_from == "lead" and cont.headline is not None and cont.headline.text == "消费市场加快回暖"


def test_unknown_byline_style_is_an_error_naming_the_choices(tmp_path):
    path = write_edition(tmp_path)
    path.write_text(path.read_text(encoding="utf-8").replace("byline_style: line", "byline_style: inline"),
                    encoding="utf-8")
    with pytest.raises(ManifestError) as e:
        load_edition(path)
    msg = str(e.value)
    assert "byline_style" in msg and "'inline'" in msg and "run-in, line" in msg and "edition.yaml:" in msg


def test_house_styles_choose_the_byline_style_and_old_styles_get_the_new_roles():
    assert load_style("broadsheet").byline_style is BylineStyle.RUN_IN
    assert load_style("tabloid").byline_style is BylineStyle.LINE
    bs = load_style("broadsheet")
    assert bs.role("byline").face == "hei" and bs.role("byline").size == bs.body_size
    import yaml

    from layout import paths
    data = yaml.safe_load((paths.styles_dir() / "broadsheet.yaml").read_text(encoding="utf-8"))
    for key in ("intertitle", "continuation_headline"):
        del data["roles"][key]
    del data["story"]
    old = style_from_dict(data)
    assert old.byline_style is BylineStyle.LINE  # a style written before run-in keeps its bylines
    assert old.role("intertitle").face == "hei" and old.role("continuation_headline").size == old.role("subhead").size
    data["story"] = {"byline_style": "sideways"}
    with pytest.raises(StyleError, match="byline style 'sideways'"):
        style_from_dict(data)


def test_dateline_runs_in_on_the_first_line_after_the_indent(composed):
    prep, pages = composed
    a1 = pages["A1"]
    byline = runs(a1, "lead", "byline")
    body = runs(a1, "lead", "body")
    assert "".join(r.text for r in byline).replace(" ", "") == "长江日报讯（记者李慧紫通讯员杜谨宇林金国）"
    first_base = min(r.y for r in byline)
    frame_x = prep.style.type_left
    first = min((r for r in byline if r.y == first_base), key=lambda r: r.x)
    assert first.x == pytest.approx(frame_x + 2 * 9)  # after the 2-em indent
    assert {r.face for r in byline} == {prep.fonts.face("hei").key} and {r.size for r in byline} == {9.0}
    last_byline = max(byline, key=lambda r: (r.y, r.x))
    col1 = [r for r in body if r.x < frame_x + 13 * 9]
    first_y = min(r.y for r in col1)
    after = "".join(r.text for r in sorted(col1, key=lambda r: r.x) if r.y == first_y)
    assert first_y == last_byline.y and after.startswith("8月")  # no break after the dateline
    assert min(r.x for r in col1 if r.y == first_y) > last_byline.x


def test_a_signature_and_a_story_that_asks_for_line_keep_the_byline_line(composed):
    prep, pages = composed
    for sid, text in (("sig", "本报记者 陈静"), ("own", "本报讯（记者赵磊）")):
        byline = runs(pages["A1"], sid, "byline")
        body = runs(pages["A1"], sid, "body")
        assert "".join(r.text for r in byline) == text
        assert max(r.y for r in byline) < min(r.y for r in body)
    plain = runs(pages["A1"], "plain", "byline")  # a dateline without reporters: an ideographic space follows
    assert "".join(r.text for r in plain) == "本报讯\u3000"
    assert plain[0].y == min(r.y for r in runs(pages["A1"], "plain", "body"))


def test_bold_and_kai_runs_are_set_in_hei_and_kai_on_the_character_grid(composed):
    prep, pages = composed
    body = runs(pages["A1"], "lead", "body")
    faces = {r.face: "".join(x.text for x in body if x.face == r.face) for r in body}
    assert "2026年GDP增长6.1%。" == faces[prep.fonts.face("hei").key]
    assert faces[prep.fonts.face("kai").key].startswith("编者按：经济数据背后")
    # the bold digits are wider in hei than in song: the line is still justified to the column
    # (with digits set solid the number may be split into runs of different letter-spacing:
    # any bold run of the line that starts with the number's first digit will do)
    bold = next(r for r in body if r.face == prep.fonts.face("hei").key and r.text[:1].isdigit())
    col_left = column_left(prep.style, bold.x)
    on_line = sorted((r for r in runs(pages["A1"], "lead") if r.y == bold.y and col_left <= r.x < col_left + 117),
                     key=lambda r: r.x)
    assert len({r.face for r in on_line}) == 2  # song and hei on one line
    last = on_line[-1]
    widths = prep.fonts.face("hei" if last.face == prep.fonts.face("hei").key else "song").widths
    right = last.x + sum(widths[c] for c in last.text) * 9 + last.tc * (len(last.text) - 1)
    col_right = col_left + 13 * 9
    assert right == pytest.approx(col_right, abs=0.01) or right == pytest.approx(col_right + 4.5, abs=0.01)


def test_fidelity_compares_the_text_without_markup(composed, edition_path):
    prep, pages = composed
    assert display_fidelity(prep.edition, list(pages.values())) == []
    got = normalise("".join(t for p in (pages["A1"], pages["A2"]) for k, t in page_text(p).parts
                            if k.story_id == "lead"))
    raw = (edition_path.parent / "lead.md").read_text(encoding="utf-8")
    want = normalise(raw.replace("**", "").replace("## ", "").replace("*编者按", "编者按").replace("关注。*", "关注。")
                     .replace("\\*", "*"))
    assert got == want and "单价*3元" in got and "注*：" in got
    # a dropped marked run is caught
    a1 = pages["A1"]
    kai = next(r for r in a1.items if isinstance(r, GlyphRun) and r.face == prep.fonts.face("kai").key
               and r.story == "lead")
    broken = type(a1)(a1.label, a1.width, a1.height, tuple(it for it in a1.items if it is not kai))
    assert display_fidelity(prep.edition, [broken, pages["A2"]])


def test_fit_report_counts_the_story_text_not_the_dateline(edition_path):
    prep = prepare(edition_path)
    fits = {(f.page, str(f.story)): f for cp in compose_all(prep) for f in cp.fits}
    plain = fits[("A1", "plain")]
    assert plain.chars_total == plain.chars_set == len(SHORT) and plain.overset_chars == 0
    lead, cont = fits[("A1", "lead")], fits[("A2", "lead~cont")]
    assert lead.chars_total == sum(len(p.replace(" ", "")) for p in prep.edition.page("A1").stories[0].paragraphs)
    assert lead.chars_set + cont.chars_set == lead.chars_total


def _intertitles(display, story="lead"):
    return sorted({r.y for r in runs(display, story, "intertitle")})


def test_intertitles_take_whole_grid_lines_between_body_lines(composed):
    prep, pages = composed
    st = prep.style
    seen = 0
    for display in pages.values():
        body = runs(display, "lead", "body")
        for y in _intertitles(display):
            title = [r for r in runs(display, "lead", "intertitle") if r.y == y]
            left = column_left(st, title[0].x)
            col = {r.y for r in body if left <= r.x < left + 13 * 9}
            above = [b for b in col if b < y]
            below = [b for b in col if b > y]
            assert below, "an intertitle ends a column"
            nxt = min(below)
            if above:
                assert nxt - max(above) == pytest.approx((2 + 1) * st.leading)  # one line + one of space
            size = title[0].size
            assert size == st.role("intertitle").size
            asc_t = prep.fonts.face("hei").ascent
            asc_b = prep.fonts.face("song").ascent
            centre = y - asc_t * size + size / 2
            assert centre == pytest.approx(nxt - asc_b * 9 + 4.5 - 1.5 * st.leading)  # centred in its 2 lines
            seen += 1
    assert seen == 2


@pytest.mark.parametrize("before", range(6, 16))
def test_an_intertitle_never_ends_a_column(tmp_path, before):
    """Move an intertitle down a 12-line column one line at a time: it is set only with a
    line of its paragraph below it, else it opens the next column."""
    first = "开" + "江城发布重大科技创新成果八十六项，" * 40
    words = first[:13 * before - 2 - 1]  # `before` lines of 13 characters after the 2-em indent
    body = [words + "。", "## 小标题", "正文" * 200]
    root = tmp_path
    (root / "b.txt").write_text("\n\n".join(body), encoding="utf-8")
    (root / "edition.yaml").write_text(textwrap.dedent("""\
        edition: {paper: 江城日报, date: 2026-08-19, style: broadsheet}
        sections: [{id: A, name: 要闻, pages: 1}]
        pages:
          A1:
            stories:
              - {id: s, frame: {col: 1, span: 3, top: 0, lines: 12}, body: b.txt}
        """), encoding="utf-8")
    prep = prepare(root / "edition.yaml")
    display = compose_all(prep)[0].display
    titles = runs(display, "s", "intertitle")
    assert len({r.y for r in titles}) == 1
    t = titles[0]
    below = [r for r in runs(display, "s", "body") if r.y > t.y and abs(r.x - t.x) < 13 * 9]
    assert below, f"intertitle last in its column after {before} lines"
    bottom = prep.style.type_top + 12 * prep.style.leading
    assert max(r.y for r in below) < bottom
    col1 = [r for r in runs(display, "s", "body") if r.x < prep.style.type_left + 13 * 9]
    lines_before = len({r.y for r in col1 if r.y < t.y})
    if before <= 9:  # room for its 2 lines and one of text
        assert t.x < prep.style.type_left + 13 * 9 and lines_before == before
    else:  # pushed to the top of the next column
        assert t.x > prep.style.type_left + 13 * 9


def test_continuation_headline_above_the_continued_line(composed):
    prep, pages = composed
    a2 = pages["A2"]
    head = runs(a2, "lead~cont", "continuation_headline")
    jump = runs(a2, "lead~cont", "jump")
    assert "".join(r.text for r in head) == "消费市场加快回暖"
    assert "".join(r.text for r in jump).startswith("（上接第一版）")
    assert max(r.y for r in head) < min(r.y for r in jump)
    assert {r.size for r in head} <= set(prep.style.role("continuation_headline").sizes)
    assert max(r.size for r in head) < min(r.size for r in runs(pages["A1"], "lead", "headline"))


def test_caption_and_credit_share_a_line_when_they_fit(composed):
    prep, pages = composed
    a1 = pages["A1"]
    for pid, lines in (("short-cap", 1), ("long-cap", 3)):
        cap = runs(a1, pid, "caption")
        credit = runs(a1, pid, "credit")
        assert "".join(r.text for r in credit) == "本报记者 马骏 摄"
        ys = sorted({r.y for r in cap} | {r.y for r in credit})
        assert len(ys) == lines, pid
    short_cap, short_credit = runs(a1, "short-cap", "caption"), runs(a1, "short-cap", "credit")
    assert short_cap[0].y == short_credit[0].y and short_credit[0].x > max(r.x for r in short_cap)
    long_cap, long_credit = runs(a1, "long-cap", "caption"), runs(a1, "long-cap", "credit")
    assert long_credit[0].y > max(r.y for r in long_cap)  # the caption's last line has no room left


def test_a_caption_whose_last_line_has_room_takes_the_credit(tmp_path):
    """The rule is the caption's last line, not one-line captions only."""
    path = write_edition(tmp_path)
    text = path.read_text(encoding="utf-8").replace(LONG_CAPTION, LONG_CAPTION[:46] + "。")
    path.write_text(text, encoding="utf-8")
    prep = prepare(path)
    a1 = compose_all(prep, ["A1"])[0].display
    cap, credit = runs(a1, "long-cap", "caption"), runs(a1, "long-cap", "credit")
    assert len({r.y for r in cap}) == 2 and credit[0].y == max(r.y for r in cap)


# -- the built PDF, read back ----------------------------------------------------------------


@dataclass
class Char:
    ch: str
    x: float
    y: float  # baseline, from the top
    size: float
    font: str


def pdf_chars(data: bytes) -> list[Char]:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(data)
    page = doc[0]
    left, _, _, top = page.get_trimbox()  # page coordinates: from the trim's top left, as the display list
    tp = page.get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    out = []
    for i in range(tp.count_chars()):
        u = raw.FPDFText_GetUnicode(tp.raw, i)
        if raw.FPDFText_IsGenerated(tp.raw, i) == 1 or u == 0 or chr(u).isspace():
            continue
        raw.FPDFText_GetCharOrigin(tp.raw, i, x, y)
        n = raw.FPDFText_GetFontInfo(tp.raw, i, buf, ctypes.sizeof(buf), ctypes.byref(flags))
        out.append(Char(chr(u), x.value - left, top - y.value, raw.FPDFText_GetFontSize(tp.raw, i),
                        buf.raw[:max(0, n - 1)].decode("latin-1")))
    tp.close()
    page.close()
    doc.close()
    return out


@pytest.fixture(scope="module")
def built(edition_path, tmp_path_factory):
    out = tmp_path_factory.mktemp("markup-out")
    res = build(edition_path, BuildOptions(out_dir=out, verify=True, cache=False))
    return {lab: pdf_chars(p.read_bytes()) for lab, p in res.page_pdfs.items()}


def _line(chars: list[Char], y: float, x0: float, x1: float) -> list[Char]:
    return sorted((c for c in chars if abs(c.y - y) < 0.5 and x0 <= c.x < x1), key=lambda c: c.x)


@pytest.mark.slow
def test_pdf_dateline_on_the_first_body_baseline_in_the_byline_face(built, composed):
    prep, _ = composed
    chars = built["A1"]
    left = prep.style.type_left
    text = "".join(c.ch for c in chars)
    start = text.index("长江日报讯")
    dateline = chars[start:start + len("长江日报讯（记者李慧紫通讯员杜谨宇林金国）")]
    assert "".join(c.ch for c in dateline) == "长江日报讯（记者李慧紫通讯员杜谨宇林金国）"
    hei, song = prep.fonts.face("hei").key, prep.fonts.face("song").key
    assert all(hei in c.font and c.size == pytest.approx(9.0) for c in dateline)
    assert dateline[0].x == pytest.approx(left + 18, abs=0.01)
    last = dateline[-1]
    line = _line(chars, last.y, left, left + 13 * 9)
    after = [c for c in line if c.x > last.x]
    assert after and "".join(c.ch for c in after).startswith("8月")  # the text follows on the same baseline
    assert all(song in c.font and c.size == pytest.approx(9.0) for c in after)


@pytest.mark.slow
def test_pdf_bold_and_kai_runs_use_the_hei_and_kai_fonts(built, composed):
    prep, _ = composed
    chars = built["A1"]
    text = "".join(c.ch for c in chars)
    hei, kai, song = (prep.fonts.face(f).key for f in ("hei", "kai", "song"))
    i = text.index("2026年GDP")
    assert all(hei in c.font for c in chars[i:i + len("2026年GDP增长6.1%。")])
    j = text.index("编者按：")
    assert all(kai in c.font for c in chars[j:j + 12])
    k = text.index("上半年，全市规模")
    assert all(song in c.font for c in chars[k:k + 8])
    assert "单价*3元" in text and "注*：数据" in text  # literal asterisks print


@pytest.mark.slow
def test_pdf_intertitles_whole_lines_never_last_in_a_column(built, composed):
    prep, _ = composed
    st = prep.style
    found = 0
    for lab in ("A1", "A2"):
        chars = built[lab]
        titles = [c for c in chars if c.size == pytest.approx(st.role("intertitle").size)
                  and prep.fonts.face("hei").key in c.font and c.y > st.type_top]
        for y in sorted({round(c.y, 2) for c in titles}):
            x = min(c.x for c in titles if abs(c.y - y) < 0.5)
            col = st.type_left + ((x - st.type_left) // (14 * 9)) * 14 * 9
            body = sorted({round(c.y, 2) for c in chars if c.size == pytest.approx(9.0) and col <= c.x < col + 13 * 9})
            below = [b for b in body if b > y]
            above = [b for b in body if b < y]
            assert below, f"{lab}: intertitle at {y} is the last line of its column"
            if above:
                gap = min(below) - max(above)
                assert gap / st.leading == pytest.approx(round(gap / st.leading)), "body lines left the grid"
                assert round(gap / st.leading) == 3
            found += 1
    assert found == 2


@pytest.mark.slow
def test_pdf_captions_credits_and_continuation_headline(built, composed):
    prep, _ = composed
    a1 = built["A1"]
    text = "".join(c.ch for c in a1)
    i = text.index("青鹭长江大桥。")
    j = text.index("本报记者马骏摄", i)
    assert a1[i].y == pytest.approx(a1[j].y)  # short caption and credit: one line
    k = text.index("十分钟。")
    m = text.index("本报记者马骏摄", k)
    assert a1[m].y > a1[k + 3].y  # long caption: the credit below its last line
    a2 = built["A2"]
    t2 = "".join(c.ch for c in a2)
    h = t2.index("消费市场加快回暖")
    u = t2.index("（上接第一版）")
    assert a2[h].y < a2[u].y and a2[h].size > 9.0
