"""Fit figures in the manifest's units (layout/page/fit.py) and the desk's fit loop around them.

The central property: the `lines:` value a story's fit names is TRUE.  Setting every
story's `lines:` to it and composing again leaves no overset and no more empty text lines
than the grid's rounding (columns - 1 in the last text column), and one grid line less
oversets, for 1-, 3- and 5-column frames, a headline stack, an in-story photo, a vertical
headline, a continuation and balanced columns.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from PIL import Image as PILImage
from typer.testing import CliRunner

from layout.build.pipeline import BuildOptions, build, compose_all, prepare
from layout.cli import app
from layout.errors import ManifestError, OversetError
from layout.page.fit import fit_advice, fit_rows, least_fitting, needed_frame_lines, signed

# one story per page, each with room below it to grow: (page, story yaml with {lines} for its frame)
STORIES = {
    "A1": "- {{id: one, frame: {{col: 1, span: 1, top: 0, lines: {lines}}}, body: {{filler: {{seed: 1, chars: 700}}}}}}",
    "A2": """\
- id: stack
  frame: {{col: 2, span: 3, top: 10, lines: {lines}}}
  kicker: 国际医疗创新高地建设进入快车道
  headline: 江城发布112项核心医疗技术成果
  subhead: 32项领航技术对标国际医学前沿
  byline: 本报讯（记者李明 通讯员张华）
  body: {{filler: {{seed: 2, chars: 1500}}}}""",
    "A3": """\
- id: five
  frame: {{col: 1, span: 5, top: 4, lines: {lines}}}
  headline: 轨道交通十二号线开通
  body: {{filler: {{seed: 3, chars: 2600}}}}
  photos:
    - {{id: ph, file: p.jpg, columns: 2, lines: 14, caption: 列车驶过江城站。, credit: 本报记者陈亮 摄}}""",
    "A4": """\
- id: vert
  frame: {{col: 1, span: 4, top: 0, lines: {lines}}}
  headline: {{text: 长江大桥通车十周年, vertical: true}}
  body: {{filler: {{seed: 4, chars: 1400}}}}""",
    "A5": """\
- id: jumper
  frame: {{col: 1, span: 2, top: 0, lines: 20}}
  headline: 湿地公园迎来候鸟季
  body: {{filler: {{seed: 5, chars: 2400}}}}
  continues: A6
  see_also: A2""",
    "A6": "- {{continued: jumper, frame: {{col: 1, span: 3, top: 30, lines: {lines}}}}}",
    "A7": """\
- id: bal
  frame: {{col: 1, span: 3, top: 0, lines: {lines}}}
  headline: 老街早市焕新开张
  balance: true
  body: {{filler: {{seed: 7, chars: 700}}}}""",
}
FIRST = {"A1": 20, "A2": 60, "A3": 20, "A4": 60, "A6": 60, "A7": 50}  # over, under, over, under, under, under
IDS = {"A1": "one", "A2": "stack", "A3": "five", "A4": "vert", "A6": "jumper", "A7": "bal"}


def write(root: Path, lines: dict[str, int], extra: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "p.jpg").exists():
        PILImage.new("RGB", (1200, 900), (90, 120, 160)).save(root / "p.jpg", quality=80)
    pages = []
    for lab, story in STORIES.items():
        body = textwrap.indent(story.format(lines=lines.get(lab, 0)), "      ")
        pages.append(f"  {lab}:\n    editor: 王晓\n    stories:\n{body}")
    text = ("edition: {paper: 江城日报, date: 2026-08-19, number: 1, style: broadsheet}\n"
            f"sections:\n  - {{id: A, name: 要闻, pages: {len(STORIES)}}}\npages:\n" + "\n".join(pages) + "\n" + extra)
    path = root / "edition.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def fits_of(path: Path) -> dict[str, object]:
    return {f.page: f for cp in compose_all(prepare(path)) for f in cp.fits}


@pytest.fixture(scope="module")
def first(tmp_path_factory):
    root = tmp_path_factory.mktemp("fit")
    return root, fits_of(write(root / "first", FIRST))


def test_the_starting_edition_misfits_both_ways(first):
    _, fits = first
    assert fits["A1"].overset_lines and fits["A3"].overset_lines
    for lab in ("A2", "A4", "A6", "A7"):
        assert fits[lab].lines_change < 0, lab
    assert fits["A5"].jump_to == "A6" and fits["A5"].lines_fit == 20  # a jumping story fits any height
    assert [fits[lab].columns for lab in ("A1", "A2", "A3")] == [1, 3, 5]


def test_applying_the_suggestion_fits_every_story(first):
    root, fits = first
    suggested = {lab: needed_frame_lines(fits[lab]) for lab in FIRST}
    again = fits_of(write(root / "applied", suggested))
    for lab, sid in IDS.items():
        f = again[lab]
        assert f.story.story_id == sid
        assert f.frame.lines == suggested[lab]
        assert f.overset_lines == 0 and (lab == "A6" or f.chars_set == f.chars_total), lab
        assert f.underset_lines <= f.columns - 1, (lab, f.underset_lines, f.columns)
        assert f.lines_fit == f.frame.lines and f.lines_change == 0, lab
    assert again["A6"].chars_set + again["A5"].chars_set == again["A5"].chars_total  # the continuation ends it


def test_one_line_less_oversets(first):
    """The suggestion is the least `lines:` that fits: one less leaves text over."""
    root, fits = first
    tighter = fits_of(write(root / "tighter", {lab: needed_frame_lines(fits[lab]) - 1 for lab in FIRST}))
    for lab in FIRST:
        assert tighter[lab].overset_lines > 0, lab


def test_balanced_columns_report_the_hole_below_them(first):
    _, fits = first
    f = fits["A7"]
    # 700 characters in 3 columns of 13 a line: about 56 text lines of the ~140 under the headline
    assert f.underset_lines == f.capacity_lines - f.lines_set > 60 and f.lines_fit < 30
    root, _ = first
    prep = prepare(root / "first" / "edition.yaml")
    found = [x for cp in compose_all(prep) for x in cp.findings if x.code == "underset" and "bal" in x.where]
    assert found and "below its balanced columns" in found[0].message
    assert f"lines: 50 → {f.lines_fit} ({signed(f.lines_fit - 50)})" in found[0].message


def test_messages_speak_the_manifests_units(first):
    root, fits = first
    f = fits["A1"]
    assert fit_advice(f) == f"make it lines: 20 → {f.lines_fit} (+{f.lines_fit - 20}), or cut ≈ {f.overset_chars} 字"
    u = fits["A2"]
    assert fit_advice(u) == (f"make it lines: 60 → {u.lines_fit} (−{60 - u.lines_fit}), "
                             f"or add ≈ {u.underset_lines * 13} 字")
    cps = compose_all(prepare(root / "first" / "edition.yaml"))
    over = next(x for cp in cps for x in cp.findings if x.code == "overset")
    assert over.data["lines"] == 20 and over.data["lines_fit"] == f.lines_fit
    assert f"需增加 {f.lines_fit - 20} 行" in over.message and "1 text column)" in over.message


def test_least_fitting_searches_from_any_guess():
    for target in (1, 7, 40, 333):
        for guess in (1, target - 1, target, target + 5, 900):
            calls = []

            def fits(k: int) -> bool:
                calls.append(k)
                return k >= target
            assert least_fitting(fits, guess, 1) == target, (target, guess)
            assert len(calls) < 25


def test_fit_table_lists_every_story_worst_first(first):
    root, fits = first
    rows = fit_rows(list(fits.values()))
    assert len(rows) == len(fits)
    assert [r[-1] for r in rows[:2]] == ["overset", "overset"]
    assert rows[-1][-1] in ("fits", "jumps to A6")
    res = CliRunner().invoke(app, ["check", str(root / "first" / "edition.yaml"), "--fit"])
    assert res.exit_code == 1  # overset is an error
    table = [ln for ln in res.output.splitlines() if re.match(r"^A\d\s", ln)]
    assert len(table) == len(fits)
    a1 = next(ln for ln in table if ln.split()[1] == "one")
    assert f"20 → {fits['A1'].lines_fit}" in a1 and f"−{fits['A1'].overset_chars} 字" in a1
    assert table[0].split()[0] in ("A1", "A3")


def test_report_has_the_fit_in_grid_lines(first, tmp_path):
    root, fits = first
    report = tmp_path / "fit.json"
    res = CliRunner().invoke(app, ["check", str(root / "first" / "edition.yaml"), "--report", str(report)])
    assert res.exit_code == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    one = next(s for s in data["stories"] if s["story"] == "one")
    assert one["lines_fit"] == fits["A1"].lines_fit and one["lines_change"] == fits["A1"].lines_fit - 20
    assert one["frame"]["lines"] == 20 and one["columns"] == 1


def test_a_failed_build_still_shows_its_warnings(first, tmp_path):
    root, _ = first
    manifest = root / "first" / "edition.yaml"
    with pytest.raises(OversetError) as e:
        build(manifest, BuildOptions(out_dir=tmp_path / "out"))
    assert any(f.code == "underset" for f in e.value.findings)
    res = CliRunner().invoke(app, ["build", str(manifest), "-o", str(tmp_path / "out")])
    assert res.exit_code == 1
    out = res.output
    assert "warning: A2/stack: underset" in out and "overset error" in out
    assert out.index("warning: A2/stack") < out.index("overset error")  # warnings first, errors last


def test_a_continuation_left_with_no_text_is_named(tmp_path):
    """A jumped story whose text all fits its first part leaves its continuation printing
    （上接第五版） and a headline over nothing (no 下转 line stands on the first part): the
    desk is told so, by name and page, instead of being told to shrink the empty frame."""
    path = write(tmp_path, FIRST)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{col: 1, span: 2, top: 0, lines: 20}", "{col: 1, span: 5, top: 0, lines: 60}"),
                    encoding="utf-8")
    res = build(path, BuildOptions(out_dir=tmp_path / "out", allow_overset=True))
    empty = [f for f in res.findings if f.code == "empty_continuation"]
    assert [f.where for f in empty] == ["A6/jumper~cont"]
    assert "sets all its text on A5" in empty[0].message and "continues: A6" in empty[0].message
    assert not [f for f in res.findings if f.code == "underset" and f.where == empty[0].where]
    res = build(write(tmp_path / "kept", FIRST), BuildOptions(out_dir=tmp_path / "out2", allow_overset=True))
    assert not [f for f in res.findings if f.code == "empty_continuation"]  # text left for A6: no finding


def test_box_and_caption_say_which_lines_fit(tmp_path):
    extra = ("  A8:\n    boxes:\n      - {id: bx, frame: {col: 1, span: 2, top: 0, lines: 4}, title: 资料, "
             "text: 江城市共有公园二百余座，今年新增口袋公园三十处，绿道总长超过四百公里。}\n")
    path = write(tmp_path / "e", FIRST, extra).read_text(encoding="utf-8")
    path = path.replace(f"pages: {len(STORIES)}", f"pages: {len(STORIES) + 1}")
    (tmp_path / "e" / "edition.yaml").write_text(path, encoding="utf-8")
    cps = compose_all(prepare(tmp_path / "e" / "edition.yaml"))
    box = next(f for cp in cps for f in cp.findings if f.data.get("box") == "bx")
    assert box.code == "overset" and box.data["lines"] == 4
    fixed = path.replace("lines: 4}, title", f"lines: {box.data['lines_fit']}}}, title")
    (tmp_path / "e" / "edition.yaml").write_text(fixed, encoding="utf-8")
    cps = compose_all(prepare(tmp_path / "e" / "edition.yaml"))
    assert not [f for cp in cps for f in cp.findings if f.data.get("box") == "bx"]
    # a caption that leaves the picture no room names the photo's `lines:` that fits
    bad = fixed.replace("columns: 2, lines: 14, caption: 列车驶过江城站。",
                        "columns: 1, lines: 3, caption: 列车驶过江城站，乘客在站台上拍照留念，沿线居民出行更方便了。")
    (tmp_path / "e" / "edition.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(ManifestError, match=r"make it lines: 3 → \d+ \(\+\d+\), or shorten the caption"):
        compose_all(prepare(tmp_path / "e" / "edition.yaml"))
