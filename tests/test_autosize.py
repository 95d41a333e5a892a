"""Frames that size themselves (layout.page.autosize): `lines: auto`, `top: below <id>`,
in-story photos that follow their picture, and `layout fit`.

An edition written with them builds with no overset and no holes: every frame takes the
fewest grid lines that hold its copy, so its text reaches its last line (at most
columns - 1 lines are left empty after the text).  A frame that cannot fit is an error
naming it and what it runs into, with file and line; `layout fit --write` turns an
edition with overset and underset frames into one that builds clean, changing nothing in
the manifest but those numbers.
"""

from __future__ import annotations

import math
import re
import textwrap
from pathlib import Path

import pytest
from PIL import Image as PILImage
from typer.testing import CliRunner

from layout.build.pipeline import BuildOptions, build, compose_all, prepare
from layout.cli import app
from layout.errors import ManifestError
from layout.model.edition import Frame, PendingFrame
from layout.model.manifest import load_edition
from layout.model.yamlpos import set_scalars
from layout.page import autosize
from layout.page.display import GlyphRun, Image
from layout.page.grid import Grid
from layout.pdf.verify import pdf_page_chars

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

TEMPLATE = """\
description: 一栏一栏往下排
slots:
  top:   {role: lead,   frame: {col: 1, span: 8, top: 0, lines: auto}}
  left:  {role: second, frame: {col: 1, span: 4, top: below top, lines: auto}}
  right: {role: second, frame: {col: 5, span: 4, top: below top, lines: auto}}
  foot:  {role: rail,   frame: {col: 1, span: 8, top: "below left, right", lines: auto}}
"""

EDITION = """\
# an edition whose frames all size themselves
edition: {paper: 江城日报, date: 2026-08-19, number: 25312, style: house/paper.yaml}
sections:
  - {id: A, name: 要闻, pages: 2}
pages:
  A1:
    template: front
    editor: 王晓
    stories:
      - id: lead
        frame: {col: 1, span: 5, top: 12, lines: auto}
        kicker: 国际医疗创新高地建设进入快车道
        headline: 江城发布112项核心医疗技术成果
        subhead: 32项领航技术对标国际医学前沿
        byline: 本报讯（记者李明 通讯员张华）
        body: {filler: {seed: 11, chars: 1700}}
      - id: left
        frame: {col: 1, span: 3, top: below lead, lines: auto}
        headline: 湿地公园迎来候鸟季
        body: {filler: {seed: 12, chars: 900}}
      - id: withphoto
        frame: {col: 4, span: 2, top: below lead, lines: auto}
        headline: 轨道交通十二号线开通
        body: {filler: {seed: 13, chars: 200}}
        photos:
          - {id: inline, file: tall.jpg, columns: 2, lines: auto, caption: 列车驶过江城站，乘客在站台候车。, credit: 本报记者陈亮 摄}
      - id: jumper
        frame: {col: 1, span: 5, top: "below left, withphoto", lines: 14}
        headline: 长江大桥通车十周年
        body: {filler: {seed: 14, chars: 1500}}
        continues: A2
      - id: balanced
        frame: {col: 6, span: 3, top: below note, lines: auto}
        headline: 江城答卷里的民生温度
        balance: true
        body: {filler: {seed: 15, chars: 800}}
    photos:
      - {id: wide, file: wide.jpg, frame: {col: 6, span: 3, top: 12, lines: auto}, caption: 光电实验室。, credit: 本报记者陈亮 摄}
    boxes:
      - id: note
        frame: {col: 6, span: 3, top: below wide, lines: auto}
        title: 导读
        text: 本报今推《奋进支点建设》系列特刊，全景展现江城建设中部战略支点的新作为新成效。
  A2:
    template: stack
    editor: 李华
    slots: {top: a2-lead, left: jumper, right: a2-right, foot: a2-box}
    stories:
      - {id: a2-lead, headline: 一张蓝图绘到底, body: {filler: {seed: 21, chars: 2600}}}
      - {continued: jumper}
      - {id: a2-right, headline: 从跟跑到领跑, body: {filler: {seed: 22, chars: 1000}}}
    boxes:
      - {id: a2-box, title: 链接, text: 江城港集装箱吞吐量突破150万标箱，江海直达航线增至18条。}
"""


def _write(root: Path, text: str = EDITION) -> Path:
    from layout import paths

    (root / "house" / "templates").mkdir(parents=True, exist_ok=True)
    (root / "house" / "paper.yaml").write_text((paths.styles_dir() / "broadsheet.yaml").read_text("utf-8"), "utf-8")
    (root / "house" / "templates" / "stack.yaml").write_text(TEMPLATE, encoding="utf-8")
    PILImage.new("RGB", (1200, 800), (90, 120, 160)).save(root / "wide.jpg", quality=80)
    PILImage.new("RGB", (800, 1000), (160, 120, 90)).save(root / "tall.jpg", quality=80)
    path = root / "edition.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def placed(tmp_path_factory):
    path = _write(tmp_path_factory.mktemp("auto"))
    prep = prepare(path)
    return path, prep, compose_all(prep)


def _frames(prep) -> dict[str, Frame]:
    out = {}
    for p in prep.edition.pages:
        out |= {(f"{s.id}~cont" if s.continued_from else s.id): s.frame for s in p.stories}
        out |= {ph.id: ph.frame for ph in p.photos} | {b.id: b.frame for b in p.boxes}
    return out


def test_every_frame_is_placed_and_stacks_under_the_one_it_names(placed):
    _, prep, _ = placed
    f = _frames(prep)
    assert all(type(fr) is Frame and fr.lines > 0 for fr in f.values())  # plain frames, as if written out
    assert f["left"].top == f["withphoto"].top == f["lead"].bottom
    assert f["jumper"].top == max(f["left"].bottom, f["withphoto"].bottom)  # below the lower of the two
    assert f["note"].top == f["wide"].bottom and f["balanced"].top == f["note"].bottom
    assert f["a2-lead"].top == 0 and f["jumper~cont"].top == f["a2-right"].top == f["a2-lead"].bottom
    assert f["a2-box"].top == max(f["jumper~cont"].bottom, f["a2-right"].bottom)
    a2 = prep.edition.page("A2")
    assert [(s.name, s.id) for s in a2.slots] == [("top", "a2-lead"), ("left", "jumper"), ("right", "a2-right"),
                                                  ("foot", "a2-box")]


def test_auto_frames_take_the_fewest_lines_that_hold_their_copy(placed):
    _, prep, pages = placed
    fits = [f for cp in pages for f in cp.fits]
    assert len(fits) == 8  # seven stories and a continuation
    findings = [f for cp in pages for f in cp.findings]
    assert not [f for f in findings if f.code in ("overset", "underset")], findings
    for fit in fits:
        assert fit.overset_lines == 0, fit
        assert fit.chars_set == fit.chars_total or fit.jump_to or fit.continued_from, fit
        if not fit.jump_to:
            assert fit.underset_lines <= fit.columns - 1, fit  # no hole: at most the last column short
    # one line fewer and the copy no longer fits: the frame is the fewest lines, not just enough
    from dataclasses import replace

    from layout.page.place import Placer
    from layout.page.story import StoryComposer

    composer = StoryComposer(Placer(prep.edition, prep.style, prep.fonts))
    for page in prep.edition.pages:
        for s in page.stories:
            if s.continues:
                continue
            shorter = replace(s, frame=replace(s.frame, lines=s.frame.lines - 1))
            cursors = {s.id: _cursor(prep, composer, s.id)} if s.continued_from else {}
            assert composer.compose(page, shorter, cursors).fit.overset_lines > 0, s.id


def _cursor(prep, composer, sid):
    for page in prep.edition.pages:
        for s in page.stories:
            if s.id == sid and not s.continued_from:
                return composer.compose(page, s, {}).flow.end
    raise KeyError(sid)


def test_photos_follow_their_pictures_aspect_ratio(placed):
    _, prep, pages = placed
    leading = prep.style.leading
    images = {it.id: it for cp in pages for it in cp.display.items if isinstance(it, Image)}
    for pid, (w_px, h_px) in {"wide": (1200, 800), "inline": (800, 1000)}.items():
        img = images[pid]
        want = img.w * h_px / w_px  # the picture's height at its width
        assert want - 0.01 <= img.h < want + leading, (pid, img.h, want)  # rounded up to whole grid lines
        assert img.crop[0] >= 0 and img.crop[2] - img.crop[0] >= w_px * (want / (want + leading)) - 1
    inline = next(ph for s in prep.edition.page("A1").stories for ph in s.photos)
    # the picture's lines plus its caption and credit lines (one line when both fit on it)
    cap_lines = len({round(it.y, 2) for cp in pages for it in cp.display.items
                     if isinstance(it, GlyphRun) and it.story == "inline" and it.role in ("caption", "credit")})
    assert cap_lines in (1, 2)
    assert not inline.auto and inline.lines == math.ceil((images["inline"].w * 1.25 + 4) / leading - 1e-6) + cap_lines
    # the page photo's frame (at the top of the type area: no rule line): the picture and its
    # caption and credit lines
    wide = _frames(prep)["wide"]
    wide_caps = len({round(it.y, 2) for cp in pages for it in cp.display.items
                     if isinstance(it, GlyphRun) and it.story == "wide" and it.role in ("caption", "credit")})
    assert wide_caps in (1, 2)
    assert wide.lines == math.ceil((images["wide"].w * 2 / 3 + 4) / leading - 1e-6) + wide_caps


def test_the_box_takes_its_title_and_text_and_nothing_more(placed):
    _, prep, pages = placed
    from dataclasses import replace

    from layout.page.box import compose_box
    from layout.page.place import Placer

    a1 = pages[0]
    assert not [f for f in a1.findings if f.code == "overset"]
    note = next(b for b in prep.edition.page("A1").boxes if b.id == "note")
    runs = [it for it in a1.display.items if isinstance(it, GlyphRun) and it.story == "note"]
    assert {r.role for r in runs} == {"box_title", "box"}
    text_lines = sorted({round(r.y, 1) for r in runs if r.role == "box"})
    assert len(text_lines) == 2
    area = Grid(prep.style).frame_area(note.frame)
    assert area.bottom - 2 * prep.style.leading < text_lines[-1] < area.bottom - prep.style.leading  # then the border
    placer = Placer(prep.edition, prep.style, prep.fonts)
    shorter = replace(note, frame=replace(note.frame, lines=note.frame.lines - 1))
    assert [f.code for f in compose_box(placer, prep.edition.page("A1"), shorter)[1]] == ["overset"]


@pytest.mark.slow
def test_an_auto_edition_builds_clean_and_its_text_reaches_each_frames_last_line(tmp_path):
    path = _write(tmp_path)
    res = build(path, BuildOptions(tmp_path / "out", "proof", jobs=1, verify=True, cache=False))
    assert not [f for f in res.findings if f.severity == "error" or f.code in ("overset", "underset")]
    prep = prepare(path)
    grid = Grid(prep.style)
    body = prep.style.role("body").size
    for label, page in (("A1", prep.edition.page("A1")), ("A2", prep.edition.page("A2"))):
        chars = [c for c in pdf_page_chars((tmp_path / "out" / "proof" / "pages" / f"{label}.pdf").read_bytes())
                 if abs(c.size - body) < 0.05]
        for s in page.stories:
            if s.balance or s.continues:
                continue
            area = grid.frame_area(s.frame)
            inside = [c.y for c in chars if area.x - 1 < c.x < area.right and area.y < c.y < area.bottom]
            assert inside, s.id
            # the first text column is full: the text ends on the frame's last grid line
            assert area.bottom - prep.style.leading < max(inside) < area.bottom, (label, s.id)


def _problems(tmp_path: Path, old: str, new: str) -> list:
    assert old in EDITION
    path = _write(tmp_path, EDITION.replace(old, new, 1))
    with pytest.raises(ManifestError) as e:
        prepare(path)
    return e.value.problems


def test_an_auto_frame_past_the_bottom_is_an_error_naming_it(tmp_path):
    problems = _problems(tmp_path, "body: {filler: {seed: 12, chars: 900}}", "body: {filler: {seed: 12, chars: 9000}}")
    text = "\n".join(map(str, problems))
    hit = [p for p in problems if "runs past the bottom of the type area (last line 101)" in str(p)]
    assert hit, text
    assert "frame of 'left' on A1 (col 1 span 3 top below lead lines auto) needs" in str(hit[0])
    lines = (tmp_path / "edition.yaml").read_text("utf-8").splitlines()
    assert hit[0].file.endswith("edition.yaml") and "- id: left" in lines[hit[0].line - 1]


def test_an_auto_frame_running_into_another_names_both(tmp_path):
    # 'left' grows into a fixed frame put where it used to end
    problems = _problems(tmp_path, "    photos:\n      - {id: wide",
                         "      - id: blocker\n        frame: {col: 2, span: 1, top: 60, lines: 5}\n"
                         "        body: 一段短讯。\n    photos:\n      - {id: wide")
    hit = [p for p in problems if "runs into frame of 'blocker'" in str(p)]
    assert hit, "\n".join(map(str, problems))
    msg = str(hit[0])
    assert re.search(r"frame of '(lead|left|jumper)' on A1 \(col", msg)
    lines = (tmp_path / "edition.yaml").read_text("utf-8").splitlines()
    blocker_line = next(i + 1 for i, ln in enumerate(lines) if "id: blocker" in ln)
    assert f"edition.yaml:{blocker_line}" in msg  # the other frame's place, too
    assert "- id: left" in lines[hit[0].line - 1]  # the frame that grew, at its own line


@pytest.mark.parametrize("old, new, fragment", [
    ("top: below lead, lines: auto}\n        headline: 湿地", "top: below leed, lines: auto}\n        headline: 湿地",
     "top: below leed: no frame 'leed'"),
    ("top: below wide, lines: auto}", "top: below balanced, lines: auto}",
     "frames placed below each other in a circle: balanced -> note -> balanced"),
    ("top: below note, lines: auto}", "top: below balanced, lines: auto}", "'balanced' is placed below itself"),
    ("lines: 14}\n        headline: 长江", "lines: auto}\n        headline: 长江",
     "story 'jumper' continues on another page, so its frame cannot be lines: auto"),
    ("top: below lead, lines: auto}\n        headline: 湿地", "top: under lead, lines: auto}\n        headline: 湿地",
     "expected a grid line (0-1000) or 'below <id>[, <id>...]', got 'under lead'"),
    ("columns: 2, lines: auto,", "columns: 2, lines: tall,", "expected a whole number of grid lines (3-1000) or auto"),
])
def test_placement_mistakes_are_manifest_errors(tmp_path, old, new, fragment):
    problems = _problems(tmp_path, old, new)
    assert any(fragment in str(p) for p in problems), "\n".join(map(str, problems))
    assert all(p.line > 0 for p in problems if fragment in str(p))


def test_fewest_is_the_least_that_fits():
    for need in (1, 2, 7, 30, 101, 150, 400):
        calls = []

        def fits(k, need=need):
            calls.append(k)
            return k >= need

        assert autosize._fewest(fits, 1, 102, 408, guess=need) == need
        assert len(calls) <= 4 or need > 102  # a good guess costs two or three settings
        for guess in (1, 50, 102):
            assert autosize._fewest(fits, 1, 102, 408, guess=guess) == need
    assert autosize._fewest(lambda k: False, 1, 102, 408, guess=5) == 409  # never fits: past the cap


# -- layout fit ------------------------------------------------------------------------
FIT_EDITION = """\
# The desk's edition: comments, flow and block style must survive `layout fit --write`.
edition: {paper: 江城日报, date: 2026-08-19, number: 25312, style: broadsheet}
sections:
  - {id: A, name: 要闻, pages: 2}
pages:
  A1:
    editor: 王晓   # 责任编辑
    stories:
      - id: over          # too much copy for its frame
        frame: {col: 1, span: 4, top: 0, lines: 20}   # keep me
        headline: 江城发布86项重大科技创新成果
        body: {filler: {seed: 31, chars: 2600}}
      - id: under         # too little
        frame: {col: 1, span: 4, top: below over, lines: 60}
        headline: 湿地公园迎来候鸟季
        body: {filler: {seed: 32, chars: 700}}
      - id: block
        frame:
          col: 5
          span: 4
          top: 0
          lines: 30       # block style
        headline: 地铁12号线今日开通
        body: {filler: {seed: 33, chars: 1400}}
        continues: A2
      - id: auto-one
        frame: {col: 5, span: 4, top: below block, lines: auto}
        headline: 三十二年守护一条老街
        body: {filler: {seed: 34, chars: 900}}
    boxes:
      - {id: box, frame: {col: 5, span: 4, top: below auto-one, lines: 20}, title: 简讯, text: 本报今推特刊。}
  A2:
    editor: 李华
    stories:
      - {continued: block, frame: {col: 1, span: 3, top: 0, lines: 80}}
"""


def test_layout_fit_write_makes_an_overset_edition_build_clean(tmp_path):
    path = tmp_path / "edition.yaml"
    path.write_text(FIT_EDITION, encoding="utf-8")
    before = build_findings(tmp_path, path, "before")
    assert {f.data.get("story") for f in before if f.code == "overset"} == {"over"}
    assert {f.data.get("story") for f in before if f.code == "underset"} >= {"under", "block"}

    res = CliRunner().invoke(app, ["fit", str(path)])
    assert res.exit_code == 0, res.output
    assert path.read_text("utf-8") == FIT_EDITION  # without --write nothing changes
    said = " ".join(res.output.split())
    assert re.search(r"A1 over lines 20 -> \d+", said) and "to change; use --write" in said

    res = CliRunner().invoke(app, ["fit", str(path), "--write"])
    assert res.exit_code == 0, res.output
    after = path.read_text("utf-8")
    assert after != FIT_EDITION
    # only numbers changed: every comment, key, flow and block mapping is as it was
    assert re.sub(r"\d+", "#", after) == re.sub(r"\d+", "#", FIT_EDITION)
    assert "# keep me" in after and "lines: auto" in after and "lines: 30       # block style" in after
    ed = load_edition(path)
    a1 = {s.id: s.frame for s in ed.page("A1").stories}
    assert isinstance(a1["under"], PendingFrame) and a1["under"].below == ("over",)
    assert a1["over"].lines > 20 and a1["under"].lines < 60 and a1["block"].lines == 30  # the jump source keeps its lines

    findings = build_findings(tmp_path, path, "after")
    assert not [f for f in findings if f.severity == "error"], findings
    assert not [f for f in findings if f.code in ("overset", "underset")], findings
    prep = prepare(path)
    for cp in compose_all(prep):
        for fit in cp.fits:
            assert fit.overset_lines == 0 and (fit.jump_to or fit.underset_lines <= fit.columns - 1), fit


def build_findings(tmp_path: Path, path: Path, name: str) -> list:
    prep = prepare(path)
    return prep.findings + [f for cp in compose_all(prep) for f in cp.findings]


def test_layout_fit_refuses_to_write_frames_that_would_collide(tmp_path):
    text = FIT_EDITION.replace("top: below over, lines: 60", "top: 20, lines: 60")  # fixed under 'over'
    path = tmp_path / "edition.yaml"
    path.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(app, ["fit", str(path), "--write"])
    assert res.exit_code == 1
    said = " ".join(res.output.split())
    assert "runs into frame of 'under'" in said.replace("' (", "' (") and "not changed" in said
    assert path.read_text("utf-8") == text


def test_set_scalars_changes_only_the_values_named():
    text = textwrap.dedent("""\
        a:   # note
          - {x: 1, y: 22}   # flow
          - x: 333
            y: auto
        b: "q"
        """)
    got = set_scalars(text, {"a[0].y": "7", "a[1].x": "4"})
    assert got == text.replace("y: 22", "y: 7").replace("x: 333", "x: 4")
    with pytest.raises(ValueError, match="b at line 5"):
        set_scalars(text, {"b": "r"})  # quoted: left to the editor
    with pytest.raises(ValueError, match="not a value"):
        set_scalars(text, {"a[2].x": "1"})
