"""Reading order for layout-analysis extractors (pdf/readorder.py): a tagged edition's
pages read story by story in poppler's default `pdftotext` mode, while every glyph stays
where the print has it."""

from __future__ import annotations

import ctypes
import io
import json
import os
import re
import shutil
import subprocess

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from pypdf import PdfReader

from layout.build.pipeline import BuildOptions, build
from layout.fonts.embed import NARROW
from layout.fonts.halfforms import GUIDE_CODE, GUIDE_TEXT
from layout.page.display import GlyphRun
from layout.page.fidelity import normalise
from layout.pdf.readorder import FENCE_INSET, LIFT, _columns, fences
from tests.support.editions import write_edition
from tests.support.irregular import write_irregular

HAS_POPPLER = shutil.which("pdftotext") is not None
needs_poppler = pytest.mark.skipif(not HAS_POPPLER and not os.environ.get("CI"),
                                   reason="poppler-utils (pdftotext) not installed; .ci/run installs it")


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("readorder")
    path = write_edition(root)
    # eight columns of news copy under A2's story: lines that hang a pause, lines that open
    # with a bracket trimmed into the gutter (21 body words reached into a gutter before)
    news = ("      - {id: news, frame: {col: 1, span: 8, top: 20, lines: 60}, headline: 全市重点项目建设加速推进, "
            "body: {filler: {seed: 21, chars: 5500}}}\n")
    path.write_text(path.read_text(encoding="utf-8").replace("\n  A3:\n", "\n" + news + "  A3:\n"), encoding="utf-8")
    return {mode: build(path, BuildOptions(out_dir=root / mode, mode=mode, allow_overset=True))
            for mode in ("archive", "print")}


@pytest.mark.slow
@needs_poppler
def test_pdftotext_reads_each_story_whole(builds):
    """Poppler's layout analysis (pdftotext without options) gives each story that is on one
    page as one run, the story with a photo among its columns included, and a jumped story
    as one run a page: not the case without the guides, the narrowed widths and the lifted
    text (0 of them before), nor without the sunk captions (the photo story's caption was
    read between its columns)."""
    res = builds["archive"]
    text = normalise(subprocess.run(["pdftotext", str(res.edition_pdf), "-"], capture_output=True,
                                    check=True).stdout.decode())
    stories = _one_page_stories(res)
    assert len(stories) >= 2, "the test edition has one-page stories"
    whole = {sid: normalise(body) in text for sid, body in stories.items()}
    assert all(whole.values()), whole
    assert any(s.get("photos") for sid, s in _sidecar(res)["stories"].items() if sid in stories)
    jumped = {sid: (normalise("".join(s["paragraphs"])), len(s["placements"]))
              for sid, s in _sidecar(res)["stories"].items() if len(s["placements"]) > 1}
    assert jumped, "the test edition has a jump"
    assert {sid: _pieces(body, text) for sid, (body, _) in jumped.items()} == {sid: n for sid, (_, n) in jumped.items()}


def _pieces(body: str, text: str) -> int:
    """In how many runs `text` holds `body`: each the longest prefix of what is left that it holds."""
    n = 0
    while body:
        lo, hi = 0, len(body)  # the longest prefix found: bisect (a found prefix's prefixes are found)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if body[:mid] in text else (lo, mid - 1)
        if lo == 0:
            return -1  # a character that is nowhere
        body, n = body[lo:], n + 1
    return n


@pytest.mark.slow
@needs_poppler
def test_an_irregular_edition_builds_and_reads_in_order(tmp_path, measurements):
    """An edition whose rows do not line up across the page, with photos inside stories,
    page photos, boxes and vertical heads: its archive build reads every story back whole
    in content order (pdfium; it failed, a story's foot read after the caption beside it,
    before pdf/textorder.py), and poppler's layout analysis gives nearly every story whole
    (where rows do not line up, a block left of another is read first unless a block spans
    between them: 66 of 71 here; see benchmarks/readorder.py)."""
    res = build(write_irregular(1, tmp_path / "ed"), BuildOptions(out_dir=tmp_path / "out", mode="archive",
                                                                  allow_overset=True))
    text = normalise(subprocess.run(["pdftotext", str(res.edition_pdf), "-"], capture_output=True,
                                    check=True).stdout.decode())
    stories = _one_page_stories(res)
    whole = sum(normalise(body) in text for body in stories.values())
    measurements("stories extracted whole (irregular edition, archive mode)",
                 f"pdftotext (layout analysis) {whole}/{len(stories)}")
    assert len(stories) > 60 and whole >= 0.9 * len(stories), (whole, len(stories))


@pytest.mark.slow
@needs_poppler
def test_a_prose_edition_with_intertitles_reads_in_order(tmp_path, measurements):
    """Real text with intertitles, set short of its frames: a story's last column ends
    above the lower part of the column before it (under an intertitle), which poppler
    widened over the short column's empty foot and read after it, and an intertitle split
    its column into blocks between which a head on the left was read (22 of 32 stories
    whole here without the fences of readorder.fences, 32 with them)."""
    res = build(write_irregular(102, tmp_path / "ed", pages=6, prose=True),
                BuildOptions(out_dir=tmp_path / "out", mode="archive", allow_overset=True))
    text = normalise(subprocess.run(["pdftotext", str(res.edition_pdf), "-"], capture_output=True,
                                    check=True).stdout.decode())
    stories = _one_page_stories(res)
    assert sum("## " in f.read_text(encoding="utf-8") for f in (tmp_path / "ed" / "stories").iterdir()) >= 5
    whole = sum(normalise(body) in text for body in stories.values())
    measurements("stories extracted whole (irregular prose edition with intertitles, archive mode)",
                 f"pdftotext (layout analysis) {whole}/{len(stories)}")
    assert len(stories) >= 30 and whole >= 0.95 * len(stories), (whole, len(stories))


def test_a_short_column_is_fenced_down_to_its_storys_foot():
    """A column ending above the story's deepest line gets an invisible line, at the body's
    size and pitch, at each baseline the story sets lower down, and one beside the story's
    byline where that stands on its own line over another column; between its own
    column's edges (not a hung mark's box in the gutter, nor an indent).  The first column,
    full and under the byline, gets none."""
    def run(slot: int, line: int, text: str, indent: float = 0.0) -> GlyphRun:
        return GlyphRun(100.0 + slot * 126.0 + indent, 100.0 + 13.5 * line, "song", 9.0, text, story="s",
                        role="body", col=slot)
    runs = [GlyphRun(100.0, 86.5, "song", 9.0, "本报记者", story="s", role="byline")]
    runs += [run(0, k, "一" * 13) for k in range(10)]
    runs += [run(1, 0, "一" * 11, indent=18.0), run(1, 1, "一" * 13), run(1, 2, "一" * 12 + "。"), run(1, 3, "一" * 5)]
    forms = [(r.text, 0.0, 0.0) for r in runs]
    cols, bases, bylines = _columns(runs, forms, lambda face, text: float(len(text)))
    got = fences(cols, bases, bylines)
    assert [round(y, 2) for _, _, y, _, _ in got] == [86.5] + [round(100.0 + 13.5 * k, 2) for k in range(4, 10)]
    assert {(round(x0, 2), round(x1, 2), size, scale) for x0, x1, _, size, scale in got} == \
        {(226.0 + FENCE_INSET, 343.0 - FENCE_INSET, 9.0, LIFT)}


def test_a_column_is_fenced_through_its_intertitle():
    """The grid lines around an intertitle (between the body lines above and below it)
    get invisible body-size lines: poppler then reads the column as one block, the
    intertitle in it.  A gap without an intertitle (under a photo) gets none."""
    def run(line: int, text: str = "一" * 13, role: str = "body", x: float = 100.0, size: float = 9.0) -> GlyphRun:
        return GlyphRun(x, 100.0 + 13.5 * line, "song", size, text, story="s", role=role, col=0)
    runs = [run(k) for k in range(3)] + [GlyphRun(120.0, 100.0 + 13.5 * 3.6, "hei", 10.5, "小标题", story="s",
                                                  role="intertitle", col=0)]
    runs += [run(k) for k in range(6, 9)] + [run(k) for k in range(20, 22)]  # 9..19: a photo
    forms = [(r.text, 0.0, 0.0) for r in runs]
    cols, bases, bylines = _columns(runs, forms, lambda face, text: float(len(text)))
    got = fences(cols, bases, bylines)
    assert [round(y, 2) for _, _, y, _, _ in got] == [round(100.0 + 13.5 * k, 2) for k in (3, 4, 5)]


def test_an_intertitle_heading_a_column_is_fenced_up_to_the_storys_first_line():
    """An intertitle at the head of a column, below the story's first line, gets the grid
    lines from that line down to the column's body: poppler then reads it with its column,
    not as a block of its own (widened over a photo's blank beside it and read before the
    columns under the photo, or read before its body with the next column between: prose
    editions 105, 106).  Not where something else stands above the intertitle (a photo,
    another owner's box), nor where the lines would not reach above it."""
    def run(slot: int, line: float, text: str = "一" * 13, role: str = "body", size: float = 9.0) -> GlyphRun:
        return GlyphRun(100.0 + slot * 126.0, 100.0 + 13.5 * line, "song", size, text, story="s", role=role, col=slot)
    runs = [run(0, k) for k in range(10)] + [run(1, 1.55, "小标题", "intertitle", 10.5)]
    runs += [run(1, k) for k in range(3, 10)]
    forms = [(r.text, 0.0, 0.0) for r in runs]
    cols, bases, bylines = _columns(runs, forms, lambda face, text: float(len(text)))
    got = fences(cols, bases, bylines)
    assert [(round(x0, 2), round(y, 2)) for x0, _, y, _, _ in got] == [(226.0 + FENCE_INSET, 100.0 + 13.5 * k)
                                                                       for k in range(3)]
    photo = ("", [226.0, 40.0, 343.0, 105.0])  # a photo over the column's first line: the lines under it
    assert [round(y, 2) for _, _, y, _, _ in fences(cols, bases, bylines, [photo])] == [113.5, 127.0]
    photo = ("", [226.0, 40.0, 343.0, 118.0])  # ... over two: the line left starts under the intertitle
    assert fences(cols, bases, bylines, [photo]) == []
    assert len(fences(cols, bases, bylines, [("s", [226.0, 40.0, 343.0, 118.0])])) == 3  # (its own box is no bar)


def _sidecar(res) -> dict:
    return json.loads(next(res.edition_pdf.parent.glob("*-archive.json")).read_text(encoding="utf-8"))


def _one_page_stories(res) -> dict[str, str]:
    """Story id -> its body text, for the stories set on one page."""
    return {sid: "".join(s["paragraphs"]) for sid, s in _sidecar(res)["stories"].items()
            if len(s["placements"]) == 1}


def test_guides_are_invisible_artifacts_read_as_whitespace(builds):
    """Each page carries guides: text render mode 3 (never painted), inside a pagination
    artifact, coded GUIDE_CODE, whose ToUnicode is U+1680 (Unicode White_Space)."""
    data = builds["archive"].edition_pdf.read_bytes()
    reader = PdfReader(io.BytesIO(data))
    code = f"<{GUIDE_CODE:04x}> Tj"
    for page in reader.pages:
        content = page.get_contents().get_data().decode("latin-1")
        block = re.search(r"/Artifact <</Type /Pagination>> BDC BT 3 Tr 0 Tc(.*?)100 Tz 0 Tr ET EMC", content, re.S)
        assert block and code in block.group(1), "a page without its guides"
        assert content.count(code) == block.group(1).count(code), "a guide outside its invisible artifact"
    assert GUIDE_TEXT.isspace()
    assert "\ufdef" not in pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
    if HAS_POPPLER:
        text = subprocess.run(["pdftotext", "-l", "1", "-", "-"], input=data, capture_output=True,
                              check=True).stdout.decode()
        assert GUIDE_TEXT in text and "\ufdef" not in text


def _origins(path) -> tuple[list[tuple[str, float, float]], float, float]:
    pdf = pdfium.PdfDocument(path)
    page = pdf[0]
    tp = page.get_textpage()
    x, y, out = ctypes.c_double(), ctypes.c_double(), []
    for i in range(tp.count_chars()):
        c = tp.get_text_range(i, 1)
        if not c.isspace():
            pdfium_raw.FPDFText_GetCharOrigin(tp.raw, i, x, y)
            out.append((c, x.value, y.value))
    return out, page.get_width(), page.get_height()


def test_glyphs_stand_where_the_print_has_them(builds):
    """Narrowed /W widths (NARROW thousandths of an em under the program's advance) and the
    character spacing that gives them back: pdfium's glyph origins on the archive edition's
    front page equal the print edition's (shifted by the print's bleed and marks) to 0.001 pt,
    but for the characters of ActualText spans (letter-spaced runs, headlines in several
    runs), which pdfium spreads over their run.  Only the tagged edition lifts its text."""
    arch, aw, ah = _origins(builds["archive"].edition_pdf)
    prn, pw, ph = _origins(builds["print"].edition_pdf)
    dx, dy = (pw - aw) / 2, (ph - ah) / 2
    assert [c for c, _, _ in arch] == [c for c, _, _ in prn]
    moved = [(c, x0, x1 - dx) for (c, x0, y0), (_, x1, y1) in zip(arch, prn)
             if abs(x0 - x1 + dx) > 0.001 or abs(y0 - y1 + dy) > 0.001]
    assert len(moved) < 0.02 * len(arch), moved[:5]
    content = PdfReader(builds["print"].edition_pdf).pages[0].get_contents().get_data()
    assert b"1.00001 " not in content and b" Tz" not in content
    assert b"1 0 0 1.00001 " in PdfReader(builds["archive"].edition_pdf).pages[0].get_contents().get_data()


def test_narrow_widths_are_the_advances_less_narrow(builds):
    """Every /W entry of the archive edition's fonts is the program's advance less NARROW
    (PDF/A allows the dictionary and the program to differ by up to one unit), in ranges."""
    reader = PdfReader(builds["archive"].edition_pdf)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    for name in fonts:
        cid = fonts[name].get_object()["/DescendantFonts"][0].get_object()
        assert cid["/DW"] == 1000
        w = list(cid["/W"])
        assert w and len(w) % 3 == 0, "ranges: first last width"
        for width in w[2::3]:  # the bundled faces' advances are whole units of their 1000-unit em
            assert float(width) + NARROW == pytest.approx(round(float(width) + NARROW), abs=1e-6), width


@needs_poppler
def test_no_body_glyph_box_reaches_into_a_gutter(builds):
    """Poppler's word boxes of the body text (9 pt) stay inside their columns: hung pauses
    (no advance), trimmed opening brackets (drawn from the column's edge) and narrow widths
    keep every box off the 1 em gutters, which its layout analysis reads as column gaps."""
    from layout.model.styles import load_style

    style = load_style("broadsheet")
    out = subprocess.run(["pdftotext", "-bbox", str(builds["archive"].edition_pdf), "-"], capture_output=True,
                         check=True).stdout.decode()
    words = [tuple(float(v) for v in m[:4]) for m in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', out)
             if m[4].strip(GUIDE_TEXT)]  # (not a caption line's bridge: a caption spans its photo's columns)
    body = [w for w in words if abs((w[3] - w[1]) - 9.0) < 0.01]
    assert len(body) > 500
    pitch = style.column_width + style.gutter
    lefts = [style.type_left + k * pitch for k in range(style.columns)]
    gutters = [(a + style.column_width, a + pitch) for a in lefts[:-1]]
    inside = [w for w in body if any(w[0] < g1 - 1e-3 and w[2] > g0 + 1e-3 for g0, g1 in gutters)]
    assert not inside, inside[:5]


def test_caption_and_head_lines_are_bridged():
    """A caption line's blanks, from its photo's left edge to its right, each get a bridge
    (an invisible glyph at the caption's size, drawn as tall as the caption): the line reads
    as one line of words as wide as the photo, so poppler starts its block before the
    columns under it.  A head line's blanks are bridged to half an em inside its story's
    box (a block as wide as the story bounds how far poppler widens a neighbour's head).
    Body runs and other photos' captions get none."""
    from pathlib import Path

    from layout.page.display import GlyphRun, Image
    from layout.pdf.readorder import LIFT, SINK, bridges

    def width(face: str, text: str) -> float:
        return float(len(text))  # one em a character

    runs = [GlyphRun(100.0, 500.0, "kai", 9.0, "列车驶过江城站。", story="ph", role="caption"),
            GlyphRun(190.0, 500.0, "kai", 9.0, "本报记者摄", story="ph", role="credit"),
            GlyphRun(190.0, 513.5, "kai", 9.0, "本报记者摄", story="ph", role="credit"),
            GlyphRun(100.0, 527.0, "song", 9.0, "正文", story="s1", role="body"),
            GlyphRun(400.0, 500.0, "kai", 9.0, "另一图片", story="other", role="caption"),
            GlyphRun(150.0, 100.0, "hei", 20.0, "标题", story="s1", role="headline")]
    forms = [(r.text, 0.0, r.tc) for r in runs]
    photo = Image(100.0, 300.0, 140.0, 190.0, Path("p.jpg"), (0, 0, 10, 10), "RGB", 300.0, id="ph")
    got = bridges(runs, forms, width, [photo, *runs], {"s1": [60.0, 80.0, 300.0, 530.0]})
    short = 240.0 - 0.05 * 9.0  # (a caption's bridge ends short of the photo's right edge: BRIDGE_SHORT)
    assert got == [(172.0, 190.0, 500.0, 9.0, SINK), (235.0, short, 500.0, 9.0, SINK),
                   (100.0, 190.0, 513.5, 9.0, SINK), (235.0, short, 513.5, 9.0, SINK),
                   (70.0, 150.0, 100.0, 20.0, LIFT), (190.0, 290.0, 100.0, 20.0, LIFT)]


def test_a_head_is_bridged_across_its_storys_frame():
    """A story whose text leaves its frame's last column empty (set short) has its head
    bridged to half an em inside the frame, not the text: the neighbour's head beside it
    was widened by poppler over that empty column, onto what stands below it, and read
    before this story's last column (a generated prose edition, seed 101)."""
    from layout.page.display import Marker
    from layout.pdf.readorder import LIFT, bridges

    def width(face: str, text: str) -> float:
        return float(len(text))

    head = GlyphRun(150.0, 100.0, "hei", 20.0, "标题", story="s1", role="headline")
    frame = Marker(60.0, 80.0, 500.0, 450.0, "frame", "s1")
    got = bridges([head], [(head.text, 0.0, 0.0)], width, [frame, head], {"s1": [60.0, 80.0, 300.0, 530.0]})
    assert got == [(70.0, 150.0, 100.0, 20.0, LIFT), (190.0, 550.0, 100.0, 20.0, LIFT)]
    narrow = Marker(60.0, 80.0, 200.0, 450.0, "frame", "s1")  # (a frame narrower than the text: the text)
    got = bridges([head], [(head.text, 0.0, 0.0)], width, [narrow, head], {"s1": [60.0, 80.0, 300.0, 530.0]})
    assert got == [(70.0, 150.0, 100.0, 20.0, LIFT), (190.0, 290.0, 100.0, 20.0, LIFT)]


def test_a_picture_gets_a_pane_of_invisible_lines_that_poppler_reads_as_one_block():
    """A photo is blank to poppler, which widened the column (or intertitle) beside it over
    it, onto its caption and the columns under it, and read that column first (prose
    editions, seeds 108, 110, 111).  Each picture gets a pane: lines at PANE_SIZE (far from
    any text's and a guide's size) from just under its top to just above its bottom, at
    most PANE_PITCH apart (within poppler's 1.5 em: one block), each as wide as the picture
    less PANE_INSET a side.  Text runs get none."""
    from pathlib import Path

    from layout.page.display import Image
    from layout.pdf.readorder import PANE_INSET, PANE_PITCH, PANE_SIZE, panes

    photo = Image(100.0, 300.0, 240.0, 190.0, Path("p.jpg"), (0, 0, 10, 10), "RGB", 300.0, id="ph")
    got = panes([photo, GlyphRun(100.0, 500.0, "kai", 9.0, "图片说明", story="ph", role="caption")])
    assert PANE_PITCH <= 1.5 * PANE_SIZE and not 0.4 * 9.0 < PANE_SIZE < 1.6 * 9.0 and not 0.4 < PANE_SIZE < 1.6
    assert {(x0, x1, size, scale) for x0, x1, _, size, scale in got} == \
        {(100.0 + PANE_INSET, 340.0 - PANE_INSET, PANE_SIZE, "1")}
    ys = [y for _, _, y, _, _ in got]
    assert ys == sorted(ys) and max(b - a for a, b in zip(ys, ys[1:])) <= PANE_PITCH + 1e-9
    assert abs(ys[0] - 0.88 * PANE_SIZE - (300.0 + PANE_INSET)) < 1e-9  # the first line's top
    assert abs(ys[-1] + 0.12 * PANE_SIZE - (490.0 - PANE_INSET)) < 1e-9  # the last line's foot


def test_a_guide_stops_at_a_column_whose_glyphs_start_below_its_top():
    """Where a neighbour's column starts is where poppler's block starts: its first line's
    glyph tops, 0.88 em above the baseline (not a whole em).  A column whose first line's
    baseline is less than an em but more than 0.88 em under a guide's top was taken to start
    above it: the guide reached through the story, lay between that column and the one
    before it, and the story was read with its column after the guide (seed 105)."""
    import re as _re

    from layout.pdf.readorder import page_guides

    def body(story: str, x: float, first: float, last: float, slot: int) -> list[GlyphRun]:
        n = int((last - first) / 13.5)
        return [GlyphRun(x, first + 13.5 * k, "song", 9.0, "一" * 13, story=story, role="body", col=slot)
                for k in range(n + 1)]

    def reach(b_first: float) -> float:
        runs = body("a", 50.0, 500.0, 800.0, 0) + body("b", 176.0, 100.0, 900.0, 0) + body("b", 302.0, b_first, 900.0, 1)
        ops = page_guides(runs, [(r.text, 0.0, 0.0) for r in runs], lambda face, text: float(len(text)), [],
                          0.0, 1000.0, "/F", 0.25)
        top = 500.0 - 0.88 * 9.0 - 1.0  # the guide above a: GUIDE_GAP over its first line's glyph tops
        for op in ops:
            m = _re.match(r"(\S+) Tz 1 0 0 1 (\S+) (\S+) Tm", op)
            if m and float(m.group(2)) < 50.0 and abs(1000.0 - float(m.group(3)) - top) < 0.01:
                return float(m.group(2)) + float(m.group(1)) / 100 * 0.249
        raise AssertionError("no guide above a")

    assert reach(497.0) > 400.0  # b's second column starts above the guide: the guide reaches through b
    assert reach(498.5) < 176.0  # its glyphs start 0.4 pt under the guide's top: the guide stops at b
