"""The manifest error catalogue: every mistake an editor can make fails with a LayoutError
that names the problem (and, where it has one, the manifest line), through the API and
through the CLI (exit code 1, no traceback).

Each case starts from BASE, a small edition that builds (test_base_builds), and edits
it; the edits must apply (the `old` text must be present), so a case cannot silently
turn into the base.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from typer.testing import CliRunner

from layout.build.pipeline import BuildOptions, build
from layout.cli import app
from layout.errors import CompositionError, FontError, LayoutError, ManifestError, OversetError
from layout.model.manifest import load_edition

# pyproject turns DeprecationWarnings raised from layout.* into errors; layout/text/dates.py
# (lunardate fromSolarDate) may still trigger some on successful builds.  Not this catalogue's concern.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

BASE = """\
edition:
  paper: 江城日报
  date: 2026-08-19
  number: 25312
  style: broadsheet
sections:
  - {id: A, name: 要闻, pages: 3}
pages:
  A1:
    template: front
    editor: 王晓
    stories:
      - id: s1
        frame: {col: 1, span: 5, top: 12, lines: 40}
        kicker: 国际医疗创新高地建设进入快车道
        headline: 江城发布112项核心医疗技术成果
        subhead: 32项领航技术对标国际医学前沿
        byline: 本报讯（记者李明 通讯员张华）
        body: stories/s1.txt
        continues: A3
      - id: s2
        frame: {col: 6, span: 3, top: 12, lines: 40}
        headline: {text: 长江大桥迎来通车十周年, vertical: true}
        body: {filler: {seed: 3, chars: 900}}
  A3:
    editor: 李华
    stories:
      - {continued: s1, frame: {col: 1, span: 3, top: 0, lines: 30}}
  A2: {blank: true}
"""

S1 = """\
8月18日，江城市召开医疗科技创新大会，集中发布112项核心医疗技术成果。“这些成果覆盖了诊断、治疗和康复的全链条。”市卫健委负责人介绍，其中32项领航技术已经达到国际先进水平……今年上半年，全市生物医药产业营收同比增长12.5%，达到1200亿元。

在光谷生物城，一家企业研发的AI辅助诊断系统已在全国200多家医院落地——准确率超过96%。（详见第三版）
"""

PHOTO = """\
    photos:
      - id: p1
        file: photos/{name}
        frame: {{col: 1, span: 5, top: 60, lines: 20}}
        caption: 光谷生物城的实验室里，研究人员正在调试设备。
  A3:
"""

# a real 1x1 GIF: the loader refuses the type before anything reads it
GIF = bytes.fromhex("47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b")


@dataclass
class Case:
    id: str
    edits: list[tuple[str, str]]  # (old, new) replacements in BASE, each must apply
    error: type[LayoutError]
    fragments: list[str]  # all must appear in the error text; the first picks the problem
    line: str | None = None  # text of the manifest line the problem must point at
    column: int | None = None
    occurrence: int = 1  # the n-th manifest line containing `line`
    files: dict[str, bytes | str | None] = field(default_factory=dict)  # None = make a folder
    manifest_bytes: bytes | None = None  # write these instead of the edited BASE


def _photo(name: str) -> tuple[str, str]:
    return ("  A3:\n", PHOTO.format(name=name))


CASES = [
    Case("yaml-syntax", [("kicker: 国际医疗创新", "kicker: 国际医疗: 创新")], ManifestError,
         ["invalid YAML", "mapping values are not allowed"], "kicker: 国际医疗: 创新", 21),
    Case("yaml-unclosed-flow", [("lines: 40}\n        kicker", "lines: 40\n        kicker")], ManifestError,
         ["invalid YAML: expected ',' or '}'", "while parsing a flow mapping at line 14, column 16"],
         "kicker: 国际医疗", 15),
    Case("yaml-unclosed-quote", [("headline: 江城发布112项核心医疗技术成果", 'headline: "江城发布112项核心医疗技术成果')],
         ManifestError, ["invalid YAML", "while scanning a quoted scalar at line 16, column 19"]),
    Case("wrong-type", [("{col: 1, span: 5", "{col: one, span: 5")], ManifestError,
         ["expected a whole number from 1 to 64, got text 'one'"], "{col: one, span: 5", 22),
    Case("unknown-key", [("        headline: 江城", "        hedline: 江城")], ManifestError,
         ["unknown key 'hedline'", "did you mean 'headline'?"], "hedline:", 9),
    Case("missing-required-key", [("        frame: {col: 6, span: 3, top: 12, lines: 40}\n", "")], ManifestError,
         ["missing required key 'frame'"], "- id: s2", 9),
    Case("missing-body-file", [("body: stories/s1.txt", "body: stories/s9.txt")], ManifestError,
         ["body file 'stories/s9.txt' not found"], "body: stories/s9.txt", 15),
    Case("body-not-utf8", [], ManifestError,
         ["body file 'stories/s1.txt' is not UTF-8", "iconv -f GBK"], "body: stories/s1.txt", 15,
         files={"stories/s1.txt": S1.encode("gbk")}),
    Case("body-is-a-folder", [("body: stories/s1.txt", "body: stories/dir.txt")], ManifestError,
         ["body 'stories/dir.txt' is not a file"], "body: stories/dir.txt", 15,
         files={"stories/dir.txt": None}),
    Case("control-char-in-body-file", [], ManifestError,
         ["line 3: control character U+0007"], "body: stories/s1.txt", 15,
         files={"stories/s1.txt": S1.replace("在光谷", "在\x07光谷")}),
    Case("control-char-inline", [("body: {filler: {seed: 3, chars: 900}}", 'body: "大桥\\x07通车"')],
         ManifestError, ["control character U+0007 in text"], 'body: "大桥', 15),
    Case("empty-body", [("body: {filler: {seed: 3, chars: 900}}", 'body: "  "')], ManifestError,
         ["story 's2' has an empty body"], 'body: "  "', 15),
    Case("empty-body-file", [], ManifestError,
         ["body file 'stories/s1.txt' of story 's1' is empty"], "body: stories/s1.txt", 15,
         files={"stories/s1.txt": "\n\n"}),
    Case("missing-photo-file", [_photo("none.jpg")], ManifestError,
         ["photo file 'photos/none.jpg' not found"], "file: photos/none.jpg", 15),
    Case("corrupt-image", [_photo("p1.jpg")], ManifestError,
         ["photo 'p1': cannot read image p1.jpg"], "- id: p1", 9,
         files={"photos/p1.jpg": os.urandom(2048)}),
    Case("gif-image", [_photo("p1.gif")], ManifestError,
         ["unsupported image type '.gif'", "JPEG, PNG or TIFF"], "file: photos/p1.gif", 15,
         files={"photos/p1.gif": GIF}),
    Case("duplicate-story-id", [("- id: s2", "- id: s1")], ManifestError,
         ["duplicate id 's1' (first used at pages.A1.stories[0])"], "- id: s1", 9, occurrence=2),
    Case("duplicate-yaml-key", [("    editor: 王晓\n", "    editor: 王晓\n    editor: 张三\n")], ManifestError,
         ["duplicate key"], "editor: 张三", 5),
    Case("page-not-in-section", [("  A3:\n", "  A4:\n    editor: 赵敏\n  A3:\n")], ManifestError,
         ["page 'A4' is not in any section"], "  A4:", 3),
    Case("frame-outside-grid", [("{col: 6, span: 3, top: 12", "{col: 8, span: 2, top: 12")], ManifestError,
         ["frame of 's2' on A1 spans columns 8-9; the grid has 8"], "- id: s2"),
    Case("frame-into-masthead", [("{col: 6, span: 3, top: 12", "{col: 6, span: 3, top: 5")], ManifestError,
         ["frame of 's2' on A1 starts at line 5, inside the masthead (lines 0-11)"], "- id: s2"),
    Case("frames-overlap", [("{col: 6, span: 3, top: 12", "{col: 5, span: 3, top: 12")], ManifestError,
         ["frames of 's1' and 's2' on A1 overlap"], "- id: s2"),
    Case("continues-to-missing-page", [("continues: A3", "continues: A9")], ManifestError,
         ["continues: page 'A9' does not exist in this edition"], "continues: A9", 20),
    Case("continuation-of-unknown-story", [("{continued: s1,", "{continued: s9,")], ManifestError,
         ["continuation of unknown story 's9'"], "{continued: s9,"),
    Case("continued-twice",
         [("top: 0, lines: 30}}\n", "top: 0, lines: 30}}\n      - {continued: s1, frame: {col: 4, span: 3, "
           "top: 0, lines: 30}}\n")], ManifestError,
         ["story 's1' is continued twice (also on A3)"], "{continued: s1, frame: {col: 4"),
    Case("jump-to-own-page", [("continues: A3", "continues: A1")], ManifestError,
         ["story 's1' jumps to its own page A1 (a jump cycle)"], "continues: A1", 20),
    Case("continues-without-entry", [("      - {continued: s1, frame: {col: 1, span: 3, top: 0, lines: 30}}\n", "")],
         ManifestError, ["story 's1' jumps to A3 but A3 has no entry {continued: s1}"], "continues: A3", 20),
    Case("uncovered-emoji", [], FontError,
         ["story 's1' on page A1: no font covers", "U+1F600"], "- id: s1", 9,
         files={"stories/s1.txt": S1.replace("在光谷", "在😀光谷")}),
    Case("uncovered-ext-b", [("body: {filler: {seed: 3, chars: 900}}", "body: 长江大桥\U00020000通车")], FontError,
         ["story 's2' on page A1: no font covers", "U+20000"], "- id: s2", 9),
    Case("ten-thousand-pages", [("pages: 3}", "pages: 10000}")], ManifestError,
         ["10000 pages declared; the limit is 400"], "pages: 10000}", 30),
    Case("path-outside-edition", [("body: stories/s1.txt", "body: {file: ../../etc/passwd}")], ManifestError,
         ["'../../etc/passwd' points outside the edition folder", "--allow-outside"],
         "body: {file: ../../etc/passwd}", 22),
    Case("headline-does-not-fit",
         [("{text: 长江大桥迎来通车十周年, vertical: true}",
           "{text: 长江大桥迎来通车十周年市民自发组织纪念活动回顾十年变迁展望新的发展, lines: 1}")],
         CompositionError, ["headline of story 's2' on page A1 does not fit", "even at 16 pt"], "- id: s2", 9),
    Case("overset", [("chars: 900}", "chars: 5000}")], OversetError,
         ["overset: story 's2' on A1", "需增加"]),
    Case("manifest-not-utf8", [], ManifestError, ["not UTF-8 (byte 0x"], "  paper:",
         manifest_bytes=BASE.encode("gbk")),
    Case("empty-manifest", [], ManifestError, ["expected a mapping with keys edition, pages, sections, got nothing"],
         manifest_bytes=b"# nothing yet\n"),
    Case("label-without-n", [("{id: A, name: 要闻, pages: 3}", "{id: A, name: 要闻, label: 要闻, pages: 3}")],
         ManifestError, ["label pattern '要闻' has no {n}"], "label: 要闻"),
    Case("bad-date", [("date: 2026-08-19", "date: 2026-8-19")], ManifestError,
         ["cannot read date '2026-8-19'", "YYYY-MM-DD"], "date: 2026-8-19", 9),
]


def make(root: Path, case: Case) -> Path:
    ed = root / "ed"
    (ed / "stories").mkdir(parents=True)
    text = BASE
    for old, new in case.edits:
        assert old in text, f"case {case.id}: edit target {old!r} not in BASE"
        text = text.replace(old, new, 1)
    files: dict[str, bytes | str | None] = {"stories/s1.txt": S1, **case.files}
    for name, data in files.items():
        p = ed / name
        p.parent.mkdir(parents=True, exist_ok=True)
        if data is None:
            p.mkdir()
        elif isinstance(data, bytes):
            p.write_bytes(data)
        else:
            p.write_text(data, encoding="utf-8")
    manifest = ed / "edition.yaml"
    if case.manifest_bytes is not None:
        manifest.write_bytes(case.manifest_bytes)
    else:
        manifest.write_text(text, encoding="utf-8")
    return manifest


def expected_line(manifest: Path, case: Case) -> int:
    lines = manifest.read_bytes().decode("utf-8", "replace").splitlines()
    hits = [i + 1 for i, ln in enumerate(lines) if case.line in ln]  # type: ignore[operator]
    assert len(hits) >= case.occurrence, f"case {case.id}: no manifest line contains {case.line!r}"
    return hits[case.occurrence - 1]


def squash(s: str) -> str:
    """Rich wraps long lines for a narrow terminal: compare without whitespace."""
    return "".join(s.split())


def test_base_builds(tmp_path: Path):
    manifest = make(tmp_path, Case("base", [], LayoutError, []))
    res = build(manifest, BuildOptions(out_dir=tmp_path / "out"))
    assert res.edition_pdf is not None and res.edition_pdf.is_file()
    res = CliRunner().invoke(app, ["build", str(manifest), "-o", str(tmp_path / "out2")])
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_error_api(tmp_path: Path, case: Case):
    manifest = make(tmp_path, case)
    with pytest.raises(LayoutError) as info:
        build(manifest, BuildOptions(out_dir=tmp_path / "out"))
    e = info.value
    assert type(e) is case.error, f"{type(e).__name__}: {e}"
    text = str(e)
    assert case.fragments, "a case must say what its error reads"
    for frag in case.fragments:
        assert frag in text, f"{frag!r} not in:\n{text}"
    assert "Traceback" not in text
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.pdf"))
    if case.line is not None:
        hits = [p for p in e.problems if case.fragments[0] in str(p)]
        assert hits, text
        p = hits[0]
        assert p.file == str(manifest)
        assert p.line == expected_line(manifest, case), f"wrong line: {p}"
        if case.column is not None:
            assert p.column == case.column, f"wrong column: {p}"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_error_cli(tmp_path: Path, case: Case):
    manifest = make(tmp_path, case)
    res = CliRunner().invoke(app, ["build", str(manifest), "-o", str(tmp_path / "out")])
    assert res.exit_code == 1, res.output
    assert isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output
    assert "internal error" not in res.output
    out = squash(res.output)
    assert case.fragments, "a case must say what its error reads"
    for frag in case.fragments:
        assert squash(frag) in out, f"{frag!r} not in:\n{res.output}"
    if case.line is not None:
        assert squash(f"{manifest}:{expected_line(manifest, case)}") in out, res.output


def test_overset_allowed(tmp_path: Path):
    case = next(c for c in CASES if c.id == "overset")
    manifest = make(tmp_path, case)
    res = build(manifest, BuildOptions(out_dir=tmp_path / "out", allow_overset=True))
    assert any(f.code == "overset" and f.severity == "warning" for f in res.findings)
    res = CliRunner().invoke(app, ["build", str(manifest), "-o", str(tmp_path / "out2"), "--allow-overset"])
    assert res.exit_code == 0, res.output
    assert "需增加" in squash(res.output)


def test_outside_allowed(tmp_path: Path):
    case = Case("outside", [("body: stories/s1.txt", "body: ../outside.txt")], ManifestError, [])
    manifest = make(tmp_path, case)
    (tmp_path / "outside.txt").write_text(S1, encoding="utf-8")
    with pytest.raises(ManifestError, match="outside the edition folder"):
        load_edition(manifest)
    ed = load_edition(manifest, allow_outside=True)
    assert ed.page("A1").stories[0].paragraphs[0].startswith("8月18日")
    res = CliRunner().invoke(app, ["build", str(manifest), "-o", str(tmp_path / "out"), "--allow-outside"])
    assert res.exit_code == 0, res.output


def test_all_problems_at_once(tmp_path: Path):
    """One run reports every loader problem, each with its own line."""
    case = Case("many", [("        headline: 江城", "        hedline: 江城"),
                         ("continues: A3", "continues: A9"),
                         ("body: {filler: {seed: 3, chars: 900}}", 'body: ""')], ManifestError, [])
    manifest = make(tmp_path, case)
    with pytest.raises(ManifestError) as info:
        load_edition(manifest)
    msgs = {p.message.split(":")[0].split(" (")[0]: p.line for p in info.value.problems}
    text = manifest.read_text(encoding="utf-8").splitlines()
    line = {k: next(i + 1 for i, ln in enumerate(text) if k in ln) for k in ("hedline", "A9", 'body: ""')}
    assert msgs.get("unknown key 'hedline'") == line["hedline"], info.value
    assert msgs.get("continues") == line["A9"], info.value
    assert msgs.get("story 's2' has an empty body") == line['body: ""'], info.value


def test_missing_manifest_cli(tmp_path: Path):
    res = CliRunner().invoke(app, ["build", str(tmp_path / "nowhere.yaml"), "-o", str(tmp_path / "out")])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert squash("nowhere.yaml not found") in squash(res.output)


def test_yaml_positions_for_integer_keys_merge_keys_and_typed_scalars():
    """yamlpos takes plain strings as they are and everything else through PyYAML's
    constructor: integer keys keep their [n] paths, merge keys are flattened, typed
    scalars are typed, duplicates are reported with the later key's position."""
    from layout.model import yamlpos

    doc = yamlpos.load("base: &b {x: 1}\na:\n  1: one\n  <<: *b\n  y: 2026-08-19\n  z: '3'\n  w: 0x10\n  y: again\n")
    a = doc.value["a"]
    assert a[1] == "one" and a["x"] == 1 and a["z"] == "3" and a["w"] == 16
    assert a["y"] == "again"
    assert doc.marks["a[1]"] == (3, 6) and doc.marks["a[1]#key"] == (3, 3)
    assert doc.marks["a.z"] == (6, 6)
    assert doc.duplicates == [("a.y", 8, 3)]
    import datetime as dt

    assert yamlpos.load("d: 2026-08-19\n").value["d"] == dt.date(2026, 8, 19)
