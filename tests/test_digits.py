"""Digits and Latin in Chinese text: the Han–Latin gap is a style key (paragraph.latin_gap,
per role latin_gap: 0, ⅛ or ¼ em), spaces typed between Han and digits/Latin give way to it,
U+00A0 keeps a space.  Unit tests on the breaker and the paragraph API, then glyph positions
read back with pypdfium2 from a small built edition (body, headline, folio, jump line)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from layout import paths
from layout.build.pipeline import BuildOptions, build
from layout.cli import app
from layout.errors import StyleError
from layout.fonts.catalogue import load_fontbook
from layout.model.bodies import split_paragraphs
from layout.model.styles import load_style, parse_latin_gap
from layout.page.fidelity import normalise
from layout.pdf.verify import PdfChar, pdf_page_chars
from layout.text import cjk
from layout.text.headlines import fit_headline_size
from layout.text.linebreak import SOLID_FIRST, SOLID_STRETCH, PreparedText, break_lines, line_runs
from layout.text.spacing import NO_BREAK_SPACE, normalise_spaces
from layout.text.typeset import Cursor, TextSetter

NBSP = NO_BREAK_SPACE
TOL = 0.01  # pt


@pytest.fixture(scope="module")
def fonts():
    return load_fontbook()


@pytest.fixture(scope="module")
def broadsheet():
    return load_style("broadsheet")


# -- the style key -------------------------------------------------------------------
@pytest.mark.parametrize("raw, em", [(0, 0.0), ("0", 0.0), ("0em", 0.0), ("1/8", 0.125), ("1/4", 0.25),
                                     ("0.125em", 0.125), ("0.25em", 0.25), (0.25, 0.25), (" 1 / 4 ", 0.25)])
def test_latin_gap_accepts_zero_an_eighth_and_a_quarter_em(raw, em):
    assert parse_latin_gap(raw) == em


@pytest.mark.parametrize("raw", ["3pt", "1/3", "0.3em", "½", "quarter", True, False, None, [0], 0.5, -0.25, "1/0"])
def test_latin_gap_rejects_anything_else(raw):
    assert parse_latin_gap(raw) is None


def write_style(tmp_path: Path, paragraph: dict | None = None, roles: dict | None = None) -> Path:
    data = yaml.safe_load((paths.styles_dir() / "broadsheet.yaml").read_text(encoding="utf-8"))
    data["paragraph"].update(paragraph or {})
    for name, keys in (roles or {}).items():
        data["roles"][name].update(keys)
    path = tmp_path / "house.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize("paragraph, roles, key", [
    ({"latin_gap": "3pt"}, None, "paragraph.latin_gap"),
    (None, {"headline": {"latin_gap": "1/3"}}, "roles.headline.latin_gap"),
    (None, {"folio": {"latin_gap": True}}, "roles.folio.latin_gap"),
])
def test_a_bad_latin_gap_is_an_error_naming_the_style_file_and_key(tmp_path, paragraph, roles, key):
    path = write_style(tmp_path, paragraph, roles)
    with pytest.raises(StyleError) as info:
        load_style(str(path))
    [problem] = info.value.problems
    assert problem.file == str(path) and problem.path == key
    assert "expected 0, 1/8 or 1/4" in str(problem) and str(path) in str(problem) and key in str(problem)


def test_a_role_overrides_the_paragraph_default(tmp_path):
    style = load_style(str(write_style(tmp_path, {"latin_gap": "1/4"}, {"headline": {"latin_gap": 0},
                                                                        "folio": {"latin_gap": "0.125em"}})))
    assert style.latin_gap == 0.25
    assert style.role("body").latin_gap == 0.25 and style.role("jump").latin_gap == 0.25
    assert style.role("headline").latin_gap == 0.0 and style.role("folio").latin_gap == 0.125


def test_a_style_without_the_key_keeps_the_quarter_em(tmp_path):
    data = yaml.safe_load((paths.styles_dir() / "broadsheet.yaml").read_text(encoding="utf-8"))
    del data["paragraph"]["latin_gap"]
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert load_style(str(path)).role("body").latin_gap == 0.25


def test_the_house_styles(broadsheet):
    """Broadsheet: everything solid, as mainland dailies set it.  Tabloid: ¼ em in text,
    solid display lines."""
    assert {r.latin_gap for r in broadsheet.roles.values()} == {0.0}
    tabloid = load_style("tabloid")
    assert tabloid.role("body").latin_gap == 0.25 and tabloid.role("folio").latin_gap == 0.25
    assert tabloid.role("headline").latin_gap == tabloid.role("kicker").latin_gap == 0.0


def test_a_bad_override_in_an_edition_fails_the_cli_cleanly(tmp_path):
    path = write_edition(tmp_path, overrides=", style_overrides: {paragraph: {latin_gap: 2pt}}")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 1  # an edition error, reported, not a crash
    assert "paragraph.latin_gap" in result.output and "expected 0, 1/8 or 1/4" in result.output
    assert "Traceback" not in result.output


# -- typed spaces ----------------------------------------------------------------------
@pytest.mark.parametrize("typed, normalised", [
    ("占地 118 亩", "占地118亩"),
    ("新华社北京 8 月 18 日电", "新华社北京8月18日电"),
    ("武汉发布 112 项成果", "武汉发布112项成果"),
    ("增长15.3% 社会消费品", "增长15.3%社会消费品"),
    ("售价 ¥99 元", "售价¥99元"),
    ("覆盖 Wi-Fi 6 与 5G 网络", "覆盖Wi-Fi 6与5G网络"),  # the space inside "Wi-Fi 6" stays
    ("来自 New York 的客人", "来自New York的客人"),
    ("他说： 2026 年", "他说：2026年"),  # full-width punctuation is the Han side too
    ("本报讯　8月18日", "本报讯　8月18日"),  # U+3000 is the editor's, never touched
    ("“搬新家” 开馆 首日", "“搬新家” 开馆 首日"),  # no digit or Latin beside these spaces
    (f"华为{NBSP}Mate 60", f"华为{NBSP}Mate 60"),  # the escape
])
def test_spaces_typed_between_han_and_digits_or_latin_are_removed(typed, normalised):
    assert normalise_spaces(typed) == normalised
    assert normalise(typed) == normalise(normalised)  # fidelity sees the same characters


def test_the_loader_keeps_the_no_break_space_and_the_ideographic_space():
    assert split_paragraphs(f"华为{NBSP}Mate\t60 本报讯　好") == (f"华为{NBSP}Mate 60 本报讯　好",)


# -- the breaker -----------------------------------------------------------------------
def advances(text: str, p: PreparedText, line, widths) -> list[float]:
    """x of each character of one set line, em."""
    xs, out = [], line_runs(p, line)
    for r in out:
        x = r.x
        for ch in r.text:
            xs.append(x)
            x += widths[ch] + r.tc
    return xs


@pytest.mark.parametrize("gap", [0.0, 0.125, 0.25])
def test_the_gap_is_the_style_value(fonts, gap):
    widths = fonts.metrics("song").widths
    text = "城市GDP增长"
    p = PreparedText(text, widths, "strict", latin_gap=gap)
    [line] = break_lines(p, 40.0)
    xs = advances(text, p, line, widths)
    assert xs[2] == pytest.approx(2.0 + gap)
    assert xs[5] == pytest.approx(2.0 + gap + sum(widths[c] for c in "GDP") + gap)
    # squeezable only down to ⅛ em (clreq compression ⑥), never below the style's own gap
    assert p.shr[2] == pytest.approx(max(0.0, gap - 0.125))


def test_at_gap_zero_a_justified_line_keeps_numbers_and_measure_words_solid(fonts):
    """Stretch goes to the line's character boundaries (clreq expansion ③); a number and its
    measure word are one unbreakable sequence and get none of it; the boundary before a
    number takes the share any two ideographs take, plus at most SOLID_STRETCH (clreq ②, kept
    small at gap 0), and only once the ideographs are spaced SOLID_FIRST em apart."""
    widths = fonts.metrics("song").widths
    text = "新华社北京8月18日电记者从会上获悉全市占地118亩的新园区今天开工建设"
    p = PreparedText(text, widths, "strict", latin_gap=0.0)
    lines = break_lines(p, 13.0)
    checked = opened = 0
    for ln in lines[:-1]:
        xs = advances(text, p, ln, widths)
        seg = text[ln.start:ln.end]
        han_steps = [xs[k + 1] - xs[k] - widths[seg[k]] for k in range(len(seg) - 1)
                     if cjk.is_ideograph(seg[k]) and cjk.is_ideograph(seg[k + 1])]
        track = han_steps[0]
        assert max(han_steps) - min(han_steps) < 1e-9
        for k in range(len(seg) - 1):
            a, b = seg[k], seg[k + 1]
            step = xs[k + 1] - xs[k] - widths[a]
            if a.isdigit() and cjk.is_ideograph(b):
                assert step == pytest.approx(0.0, abs=1e-9), seg  # 8月, 18日, 118亩: solid
                checked += 1
            elif cjk.is_ideograph(a) and b.isdigit():  # 京8: like 京北, opened a little at most
                assert track - 1e-9 <= step <= track + SOLID_STRETCH + 1e-9, seg
                assert step == pytest.approx(track, abs=1e-9) or track >= SOLID_FIRST - 1e-9, seg
                opened += step > track + 1e-6
    assert checked >= 3 and opened >= 1


def test_a_no_break_space_is_kept_and_never_breaks(fonts):
    widths = fonts.metrics("song").widths
    for k in range(4, 14):
        text = "中" * k + f"华为{NBSP}Mate手机" + "城" * 20
        p = PreparedText(text, widths, "strict", latin_gap=0.0)
        lines = break_lines(p, 13.0, 0.0)
        at = text.index(NBSP)
        for ln in lines:
            assert ln.next not in (at, at + 1), text[ln.start:ln.end]


def test_the_setter_sets_the_normalised_copy(fonts, broadsheet):
    setter = TextSetter(("占地 118 亩，覆盖 Wi-Fi 6 网络",), fonts.metrics("song"), 9.0, broadsheet,
                        latin_gap=0.0)
    lines, end = setter.lines(Cursor(), 999.0, 9)
    assert [ln.text for ln in lines] == ["占地118亩，覆盖Wi-Fi 6网络"] and end == Cursor(1, 0)
    runs = lines[0].runs
    widths = fonts.metrics("song").widths
    xs = [r.x + sum(widths[c] for c in r.text[:i]) * 9.0 for r in runs for i in range(len(r.text))]
    text = lines[0].text
    i = text.index("1")
    assert xs[i] - xs[i - 1] == pytest.approx(widths["地"] * 9.0)


def test_a_headline_of_the_tabloid_is_solid_and_its_body_keeps_the_quarter_em(fonts):
    tabloid = load_style("tabloid")
    block = fit_headline_size("武汉发布 112 项成果", tabloid.role("headline"), fonts, 600.0, tabloid)
    [line] = block.lines
    assert line.text == "武汉发布112项成果" and len(line.runs) == 1  # one run: no gap anywhere
    setter = TextSetter(("城市GDP增长",), fonts.metrics("song"), 9.0, tabloid, indent_chars=0.0)
    [body], _ = setter.lines(Cursor(), 900.0, 1)
    assert body.runs[1].x == pytest.approx((2.0 + 0.25) * 9.0)


# -- built PDFs: glyph positions ---------------------------------------------------------
BODY = ("新华社北京 8 月 18 日电　江城市今天召开新闻发布会，全市占地 118 亩的新园区开工建设，"
        f"首批企业包括华为{NBSP}Mate 团队和多家 Wi-Fi 6 设备厂商。")


def write_edition(root: Path, overrides: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    body = "\n\n".join("据悉今年" [:k] + BODY for k in range(6))  # the phrases at other places in the lines
    (root / "lead.txt").write_text(body, encoding="utf-8")
    manifest = textwrap.dedent(f"""\
        edition: {{paper: 江城日报, date: 2026-08-19, number: 25312, style: broadsheet{overrides}}}
        sections:
          - {{id: A, name: 要闻, pages: 3}}
        pages:
          A1:
            template: front
            editor: 王晓
            stories:
              - id: lead
                frame: {{col: 1, span: 4, top: 12, lines: 40}}
                headline: 武汉发布 112 项重大科技成果
                body: lead.txt
                see_also: A3
          A2:
            editor: 李华
            stories:
              - {{id: a2s, frame: {{col: 1, span: 8, top: 0, lines: 20}}, headline: 城市更新, body: {{filler: {{seed: 9, chars: 800}}}}}}
          A3:
            editor: 李华
            stories:
              - {{id: a3s, frame: {{col: 1, span: 8, top: 0, lines: 20}}, headline: 湿地公园, body: {{filler: {{seed: 6, chars: 800}}}}}}
        """)
    path = root / "edition.yaml"
    path.write_text(manifest, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("digits")
    path = write_edition(root)
    res = build(path, BuildOptions(out_dir=root / "out", verify=True))
    pdf = (root / "out" / "江城日报-2026-08-19.pdf").read_bytes()
    return res, pdf


def pairs(chars: list[PdfChar], a: str, b: str, size: float | None = None) -> list[tuple[PdfChar, PdfChar]]:
    """Adjacent characters a, b on one baseline (optionally of one font size)."""
    return [(p, q) for p, q in zip(chars, chars[1:]) if p.ch == a and q.ch == b and abs(p.y - q.y) < 0.01
            and (size is None or abs(p.size - size) < 0.01)]


def step(p: PdfChar, q: PdfChar, widths: dict[str, float]) -> float:
    """Space between two glyphs beyond the first one's advance, pt."""
    return q.x - p.x - widths[p.ch] * p.size


@pytest.mark.slow
def test_the_build_sets_everything_once_and_passes_the_read_back(built):
    res, pdf = built
    assert not [f for f in res.findings if f.code == "fidelity"], [str(f) for f in res.findings]
    text = "".join(c.ch for c in pdf_page_chars(pdf, 0))
    for phrase in ("新华社北京8月18日电", "占地118亩", "武汉发布112项重大科技成果", "相关报道详见3版", "华为Mate"):
        assert phrase in text
    assert text.count("占地118亩") == 6  # each paragraph once, no more


@pytest.mark.slow
def test_body_digits_are_solid_in_the_pdf(built, fonts, broadsheet):
    _, pdf = built
    chars = pdf_page_chars(pdf, 0)
    widths = fonts.metrics(broadsheet.role("body").face).widths
    size = broadsheet.role("body").size
    solid = pairs(chars, "8", "月", size) + pairs(chars, "8", "日", size) + pairs(chars, "8", "亩", size)
    assert len(solid) >= 16  # 6 paragraphs x 3, less the odd number parted from its unit at a line end (totalfit)
    for p, q in solid:  # the advance from the digit to its measure word is the digit's advance
        assert abs(step(p, q, widths)) < TOL, (p, q)
    # before a number: no gap, only the letter-spacing of its line (the step 北京 = the step 京8),
    # and, on a line stretched further, at most SOLID_STRETCH em more
    before = [k for k in range(1, len(chars) - 1) if "".join(c.ch for c in chars[k - 1:k + 2]) in ("北京8", "占地1")
              and abs(chars[k - 1].y - chars[k + 1].y) < 0.01 and chars[k + 1].size == size]
    assert len(before) >= 10  # a few may fall at a line end
    for k in before:
        extra = step(chars[k], chars[k + 1], widths) - step(chars[k - 1], chars[k], widths)
        assert -TOL < extra < SOLID_STRETCH * size + TOL
    words, kept = pairs(chars, "i", "6", size), pairs(chars, "为", "M", size)
    assert len(words) >= 2  # "Wi-Fi 6": a line may break at the word space, others keep it
    assert len(kept) == 6  # 华为 U+00A0 Mate, the escape: kept in every paragraph, never broken
    for p, q in words + kept:
        assert step(p, q, widths) >= widths[" "] * size - TOL


@pytest.mark.slow
def test_the_headline_digits_are_solid_in_the_pdf(built, fonts, broadsheet):
    _, pdf = built
    chars = pdf_page_chars(pdf, 0)
    widths = fonts.metrics(broadsheet.role("headline").face).widths
    head = [c for c in chars if c.size >= 20]
    [(p, q)] = pairs(head, "布", "1")
    assert abs(step(p, q, widths)) < TOL
    [(p, q)] = pairs(head, "2", "项")
    assert abs(step(p, q, widths)) < TOL


@pytest.mark.slow
def test_folio_and_jump_line_digits_are_solid_in_the_pdf(built, fonts, broadsheet):
    _, pdf = built
    folio = broadsheet.role("folio")
    widths = fonts.metrics(folio.face).widths
    chars = pdf_page_chars(pdf, 1)  # A2: "第2版　要闻" above the rule
    [(p, q)] = pairs(chars, "第", "2", folio.size)
    [(r, s)] = pairs(chars, "2", "版", folio.size)
    assert abs(step(p, q, widths)) < TOL and abs(step(r, s, widths)) < TOL
    jump = broadsheet.role("jump")
    widths = fonts.metrics(jump.face).widths
    chars = pdf_page_chars(pdf, 0)  # A1: 相关报道详见3版
    [(p, q)] = pairs(chars, "见", "3", jump.size)
    [(r, s)] = pairs(chars, "3", "版", jump.size)
    assert abs(step(p, q, widths)) < TOL and abs(step(r, s, widths)) < TOL


def test_a_face_without_the_no_break_space_sets_a_plain_space(fonts, broadsheet):
    song = fonts.metrics("song")
    widths = {k: v for k, v in song.widths.items() if k != NBSP}
    metrics = type(song)(song.face, widths, song.fallback)
    setter = TextSetter((f"华为{NBSP}Mate",), metrics, 9.0, broadsheet, indent_chars=0.0)
    [line], _ = setter.lines(Cursor(), 900.0, 1)
    assert line.text == "华为 Mate"
