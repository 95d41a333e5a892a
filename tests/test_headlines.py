"""Headlines, kickers and subheads: balanced lines broken between words, explicit breaks.

The data set (tests/data/headlines.yaml) holds real headlines with the breaks the paper
wants at a measure; the other tests check what must hold of every display text (no
single character on a line, nothing lost, within the measure), the editor's explicit
breaks (`|` and lists of lines) from the manifest to the PDF, 竖排 columns, and that
copyfitting chooses a smaller size rather than a break inside a word.
"""

from __future__ import annotations

import dataclasses
import math
import textwrap
from pathlib import Path

import pytest
import yaml

from layout.errors import ManifestError
from layout.fonts.catalogue import load_fontbook
from layout.model.manifest import load_edition
from layout.model.styles import load_style
from layout.pdf.printmarks import MARK_SPACE
from layout.text import cjk, phrasing
from layout.text.headlines import DisplayText, fit_headline_size, set_display, set_vertical
from layout.text.typeset import Cursor, TextSetter

DATA = Path(__file__).parent / "data" / "headlines.yaml"
CASES = yaml.safe_load(DATA.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def env():
    return load_style("broadsheet"), load_fontbook()


def lines_of(block) -> list[str]:
    return [ln.text for ln in block.lines]


def test_the_data_set_is_real_and_varied():
    assert len(CASES) >= 40
    assert {c["role"] for c in CASES} == {"kicker", "headline", "subhead"}
    texts = [c["text"] for c in CASES]
    assert len(set(texts)) == len(texts)
    assert sum(any(ch.isdigit() for ch in t) for t in texts) >= 10
    assert any("“" in t for t in texts) and any("《" in t for t in texts) and any(" " in t for t in texts)
    assert any(len(c["lines"]) == 3 for c in CASES)
    for c in CASES:  # the expected lines are the text, broken
        assert "".join(c["lines"]) == c["text"].replace(" ", "").replace("\u3000", ""), c["text"]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['role']}-{c['measure']}-{c['text'][:8]}" for c in CASES])
def test_real_headlines_break_where_the_paper_wants(env, case):
    style, fonts = env
    role = style.role(case["role"])
    measure = case["measure"] * role.size
    block = set_display(case["text"], role, fonts, measure, style)
    assert lines_of(block) == case["lines"]
    assert all(inked(ln, role.size) <= measure + 0.01 for ln in block.lines)


def inked(line, size: float) -> float:
    """A line's right edge less the blank half of a closing mark at its end (set half width)."""
    return line.width - (size / 2 if line.text[-1] in cjk.BLANK_RIGHT else 0.0)


def test_the_greedy_body_breaker_would_split_words_in_the_data_set(env):
    """What the data set guards against: most of its texts, broken like body text, break
    inside a word or leave the lines unbalanced."""
    style, fonts = env
    differ = 0
    for c in CASES:
        role = style.role(c["role"])
        setter = TextSetter((c["text"],), fonts.metrics(role.face), role.size, style, indent_chars=0.0,
                            justify=False)
        greedy, _ = setter.lines(Cursor(), c["measure"] * role.size, 99)
        differ += [ln.text for ln in greedy] != c["lines"]
    assert differ >= len(CASES) * 2 // 3


def test_no_single_character_line_nothing_lost_and_within_the_measure(env):
    style, fonts = env
    role = style.role("headline")
    checked = 0
    for c in CASES:
        d = DisplayText(c["text"], (), fonts.metrics(role.face), style, role)
        natural = d.width(0, len(d.text))  # (d.text: the typed spaces between Han and digits dropped)
        for em in range(3, math.ceil(natural) + 2):
            got = d.lines(role.size, em * role.size, 6, characters=False) or d.lines(
                role.size, em * role.size, 6, characters=True)  # as set_display and fit_headline_size do
            if got is None:
                continue
            checked += 1
            texts = [ln.text for ln in got]
            assert "".join(texts).replace(" ", "").replace("\u3000", "") == c["text"].replace(" ", "").replace(
                "\u3000", ""), (c["text"], em)
            if len(texts) > 1:
                assert all(not phrasing.lone(t, 0, len(t)) for t in texts), (c["text"], em, texts)
            assert all(inked(ln, role.size) <= em * role.size + 0.01 for ln in got), (c["text"], em, texts)
    assert checked > 300


def test_breaks_fall_between_words_and_lines_are_balanced(env):
    style, fonts = env
    role = style.role("headline")
    # filled, the first line would take 8 of 13 characters and split 通车十周年 ("…通车十 / 周年…")
    block = set_display("江城长江大桥通车十周年纪念", role, fonts, 8 * role.size, style)
    assert lines_of(block) == ["江城长江大桥", "通车十周年纪念"]


def test_copyfit_takes_a_smaller_size_rather_than_a_break_inside_a_word(env):
    style, fonts = env
    role = style.role("headline")
    measure = 3 * 117.0 + 2 * 9.0  # a 3-column frame
    text = "江城港集装箱吞吐量突破150万标箱"
    # at 42 pt two lines fit only as "江城港集装箱吞吐 / 量突破150万标箱"
    greedy = TextSetter((text,), fonts.metrics(role.face), 42.0, style, indent_chars=0.0, justify=False)
    lines, _ = greedy.lines(Cursor(), measure, 3)
    assert [ln.text for ln in lines] == ["江城港集装箱吞吐", "量突破150万标箱"]
    block = fit_headline_size(text, role, fonts, measure, style, max_lines=2)
    assert block.size == 36.0
    assert lines_of(block) == ["江城港集装箱吞吐量", "突破150万标箱"]


def test_character_breaks_only_when_no_word_break_fits(env):
    style, fonts = env
    role = style.role("headline")
    # "新质生产力" is one term: at 3 em it must be split, never leaving one character alone
    block = set_display("新质生产力", role, fonts, 3 * role.size, style)
    assert lines_of(block) == ["新质", "生产力"]
    assert fits_between_words("新质生产力加快培育壮大", 6) == ["新质生产力", "加快培育壮大"]


def fits_between_words(text: str, em: float) -> list[str]:
    style, fonts = load_style("broadsheet"), load_fontbook()
    role = style.role("headline")
    return lines_of(set_display(text, role, fonts, em * role.size, style))


# -- explicit breaks ---------------------------------------------------------------
def test_explicit_breaks_are_honoured_even_where_the_text_would_fit(env):
    style, fonts = env
    role = style.role("headline")
    text, breaks = "江城发布86项重大科技创新成果", (4,)
    block = fit_headline_size(text, role, fonts, 2000.0, style, breaks=breaks)
    assert block.size == role.sizes[0]  # the role allows one line; the editor's two lines stand
    assert lines_of(block) == ["江城发布", "86项重大科技创新成果"]
    # a break the automatic rules would never make is still the editor's to make
    assert lines_of(set_display("江城发布", role, fonts, 2000.0, style, breaks=(1,))) == ["江", "城发布"]


def test_an_explicit_line_too_long_for_the_measure_wraps_between_words(env):
    style, fonts = env
    role = style.role("kicker")
    block = set_display("千年江城文脉绵延建设具有全国影响力的科技创新中心", role, fonts, 10 * role.size, style,
                        breaks=(8,))
    assert lines_of(block) == ["千年江城文脉绵延", "建设具有全国影响力的", "科技创新中心"]


def test_copyfit_sizes_explicit_lines(env):
    style, fonts = env
    role = style.role("headline")
    measure = 243.0  # two columns
    block = fit_headline_size("十个方面发力打造发展新引擎", role, fonts, measure, style, breaks=(6,))
    assert lines_of(block) == ["十个方面发力", "打造发展新引擎"]
    bigger = [s for s in role.sizes if s > block.size]
    assert bigger and 7 * bigger[-1] > measure  # the longer line decides the size


def test_vertical_headlines_honour_breaks_and_balance_columns(env):
    style, fonts = env
    role = style.role("headline")

    def columns(vb) -> list[str]:
        cols: dict[float, str] = {}
        for g in vb.glyphs:
            cols[round(g.x, 3)] = cols.get(round(g.x, 3), "") + g.text
        return [cols[x] for x in sorted(cols, reverse=True)]  # right to left

    one = set_vertical("江豚逐浪回家来", role, fonts, 800.0, size=30.0)
    assert columns(one) == ["江豚逐浪回家来"]
    two = set_vertical("江豚逐浪回家来", role, fonts, 800.0, size=30.0, breaks=(4,))
    assert columns(two) == ["江豚逐浪", "回家来"] and two.height == pytest.approx(4 * 30.0)
    # 6 cells to a column: three columns between words (长江大桥 whole), not filled to 6 + 6 + 1
    three = set_vertical("江城长江大桥通车十周年纪念", role, fonts, 6 * 30.0, size=30.0, max_lines=3)
    assert columns(three) == ["江城", "长江大桥通车", "十周年纪念"]
    assert all(len(c) > 1 for c in columns(three))


# -- the manifest ------------------------------------------------------------------
def write_manifest(root: Path, stories: str) -> Path:
    (root / "edition.yaml").write_text(textwrap.dedent("""\
        edition: {paper: 江城日报, date: 2026-08-19, number: 25312, style: broadsheet}
        sections:
          - {id: A, name: 要闻, pages: 1}
        pages:
          A1:
            stories:
        """) + textwrap.indent(textwrap.dedent(stories), "      "), encoding="utf-8")
    return root / "edition.yaml"


def test_bars_and_lists_of_lines_in_the_manifest(tmp_path):
    path = write_manifest(tmp_path, r"""
        - id: a
          frame: {col: 1, span: 4, top: 0, lines: 30}
          kicker: [锚定“支点”目标, 奋力走在前列]
          headline: 江城全力建设 | 中部战略支点
          subhead: 全市上下以实干实绩推动高质量发展 \| 专版
          body: 正文。
        - id: b
          frame: {col: 5, span: 4, top: 0, lines: 30}
          headline: {text: [江豚逐浪, 回家来], vertical: true}
          subhead: "双引号里写 \\| 也是竖线|换行"
          body: 正文。
        """)
    ed = load_edition(path)
    a, b = ed.pages[0].stories
    assert (a.kicker, a.kicker_breaks) == ("锚定“支点”目标奋力走在前列", (8,))
    assert (a.headline.text, a.headline.breaks) == ("江城全力建设中部战略支点", (6,))
    assert (a.subhead, a.subhead_breaks) == ("全市上下以实干实绩推动高质量发展 | 专版", ())
    assert (b.headline.text, b.headline.breaks, b.headline.vertical) == ("江豚逐浪回家来", (4,), True)
    assert (b.subhead, b.subhead_breaks) == ("双引号里写 | 也是竖线换行", (12,))


@pytest.mark.parametrize("value, what", [
    ("江城||发布", "empty line"),
    ("江城发布|", "empty line"),
    ("[江城, '']", "empty line"),
    ("[]", "empty list of lines"),
    ("[江城, {a: 1}]", "expected text"),
])
def test_bad_breaks_are_errors_naming_the_line(tmp_path, value, what):
    path = write_manifest(tmp_path, f"""
        - id: a
          frame: {{col: 1, span: 4, top: 0, lines: 30}}
          headline: {value}
          body: 正文。
        """)
    with pytest.raises(ManifestError) as e:
        load_edition(path)
    msg = str(e.value)
    assert what in msg and "edition.yaml:" in msg and "headline" in msg


@pytest.mark.slow
def test_broken_headlines_read_back_from_the_pdf_without_marks(tmp_path):
    from layout.build.pipeline import BuildOptions, build, compose_all, prepare
    from layout.page.display import GlyphRun
    from layout.pdf.verify import pdf_page_chars

    path = write_manifest(tmp_path, r"""
        - id: a
          frame: {col: 1, span: 4, top: 0, lines: 40}
          kicker: [锚定“支点”目标, 奋力走在前列]
          headline: 江城全力建设|中部战略支点
          subhead: 全市上下以实干实绩 \| 推动高质量发展
          body: {filler: {seed: 3, chars: 900}}
        - id: b
          frame: {col: 5, span: 4, top: 0, lines: 40}
          headline: {text: 江豚逐浪|回家来, vertical: true}
          body: {filler: {seed: 4, chars: 900}}
        - id: c
          frame: {col: 1, span: 2, top: 40, lines: 40}
          headline: {text: 让城市更新既有“面子”更有“里子”, lines: 2}
          body: {filler: {seed: 5, chars: 400}}
        """)
    res = build(path, BuildOptions(out_dir=tmp_path / "out", verify=True))
    assert not [f for f in res.findings if f.severity == "error"]
    prep = prepare(path)
    display = compose_all(prep)[0].display  # the build keeps no display lists; composing is deterministic
    off = prep.style.bleed + MARK_SPACE  # the print PDF's media box: bleed and marks around the trimmed page
    chars = [dataclasses.replace(c, x=c.x - off, y=c.y - off) for c in pdf_page_chars(res.page_pdfs["A1"].read_bytes())]
    page_text = "".join(c.ch for c in chars)

    def read_back(story: str, role: str) -> list[str]:
        """The role's lines as the PDF has them: characters at the runs' baselines and sizes."""
        runs = [it for it in display.items if isinstance(it, GlyphRun) and it.story == story and it.role == role]
        assert runs
        if runs[0].vertical:
            xs = sorted({round(r.x) for r in runs}, reverse=True)
            tops, bottom = min(r.y for r in runs) - runs[0].size, max(r.y for r in runs) + 1
            cols = {x: "" for x in xs}
            for ch in chars:
                if abs(ch.size - runs[0].size) < 0.01 and tops <= ch.y <= bottom:
                    x = min(xs, key=lambda v: abs(v - ch.x))
                    if abs(x - ch.x) < runs[0].size:
                        cols[x] += ch.ch
            return [cols[x] for x in xs]
        out = []
        for y in sorted({round(r.y, 1) for r in runs}):
            size = next(r.size for r in runs if round(r.y, 1) == y)
            out.append("".join(ch.ch for ch in chars if abs(ch.y - y) < 0.2 and abs(ch.size - size) < 0.01))
        return out

    from layout.page.fidelity import normalise

    ed = load_edition(path)
    a, _, c = ed.pages[0].stories
    assert read_back("a", "kicker") == ["锚定“支点”目标", "奋力走在前列"]
    assert read_back("a", "headline") == ["江城全力建设", "中部战略支点"]
    assert "".join(read_back("a", "headline")) == a.headline.text
    assert read_back("a", "subhead") == ["全市上下以实干实绩|推动高质量发展"]  # \| prints a bar; spaces are not glyphs
    assert [normalise(x) for x in read_back("b", "headline")] == ["江豚逐浪", "回家来"]
    assert read_back("c", "headline") == ["让城市更新既有", "“面子”更有“里子”"]
    assert "".join(read_back("c", "headline")) == c.headline.text
    assert page_text.count("|") == 1


@pytest.mark.slow
def test_the_dictionary_loads_only_when_a_display_text_wraps(tmp_path):
    """The words cost little now (segment.py reads jieba's dictionary lazily), but still
    nothing is read for them by a process whose kickers, headlines and subheads all fit on
    one line (copyfitting down from sizes at which they do not): the segmenter is never imported."""
    import os
    import subprocess
    import sys

    probe = textwrap.dedent("""\
        import sys
        from layout.build.pipeline import compose_all, prepare
        compose_all(prepare(sys.argv[1]))
        print("layout.text.segment" in sys.modules)
        """)
    root = Path(__file__).resolve().parent.parent
    loaded = {}
    for name, headline in (("one", "江城发布86项重大科技创新成果"), ("two", "{text: 江城发布86项重大科技创新成果, lines: 2}")):
        folder = tmp_path / name
        folder.mkdir()
        path = write_manifest(folder, f"""
            - id: a
              frame: {{col: 1, span: 2, top: 0, lines: 30}}
              kicker: 以科技创新引领产业创新
              headline: {headline}
              body: 正文。
            """)
        out = subprocess.run([sys.executable, "-c", probe, str(path)], cwd=root, capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(root)}, check=True)
        loaded[name] = out.stdout.strip()
    assert loaded == {"one": "False", "two": "True"}


@pytest.mark.parametrize("style", ["broadsheet", "tabloid"])
def test_a_vertical_headline_in_a_one_column_story_leaves_its_text_a_measure(tmp_path, style):
    """A vertical headline's strip takes whole basic columns; in a story one column wide
    that left the text no column at all, and it was set a character or two a line.  There
    the strip takes the ems the headline needs and the text the rest of the column."""
    from layout.build.pipeline import compose_all, prepare
    from layout.page.display import GlyphRun

    path = write_manifest(tmp_path, """
        - id: v
          frame: {col: 1, span: 1, top: 0, lines: 40}
          headline: {text: 文旅融合点亮夜经济, vertical: true}
          byline: 本报记者 孙悦
          body: {filler: {seed: 4, chars: 300}}
        """)
    path.write_text(path.read_text(encoding="utf-8").replace("style: broadsheet", f"style: {style}"),
                    encoding="utf-8")
    prep = prepare(path)
    page = compose_all(prep)[0]
    runs = [it for it in page.display.items if isinstance(it, GlyphRun) and it.story == "v"]
    body = [r for r in runs if r.role == "body"]
    head = [r for r in runs if r.role == "headline"]
    em = prep.style.em
    assert body and head and all(r.vertical for r in head)
    longest = max(len(r.text) for r in body)
    assert longest >= prep.style.column_chars - 7, longest  # the column less the strip (a 36-42 pt head + 2 em)
    assert max(r.x + len(r.text) * em for r in body) <= min(r.x for r in head) + 1e-6  # the text left of the head
    assert max(r.x + r.size for r in head) <= 1 + prep.style.type_left + prep.style.column_width  # inside the column
