"""Page templates (layout.model.templates): named page shapes whose slots place a page's
stories, photos and boxes.

A page drawn from a template must compose exactly like the same page written with frames;
an empty slot is a warning and a grey 空 frame on proofs; every mistake (unknown template
or slot, a slot given the wrong kind of entry, a frame and a slot at once, a broken
template file) is an error naming file and line, with a did-you-mean where one helps.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from layout import paths
from layout.build.pipeline import BuildOptions, build, compose_all, prepare
from layout.cli import app
from layout.errors import ManifestError
from layout.model import templates
from layout.model.edition import Frame
from layout.model.manifest import load_edition
from layout.pdf.verify import pdf_page_chars

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HEAD = """\
edition: {paper: 江城日报, date: 2026-08-19, number: 25312, style: broadsheet}
sections:
  - {id: T, name: 特刊, label: "T{n}", pages: 1}
pages:
  T1:
"""

# the same page twice: from the bundled photo-lead template, and with the frames written out
SLOTTED = HEAD + """\
    template: photo-lead
    editor: 周丽
    slots: {lead: a, photo: pic, mid-1: b, mid-2: c, low-1: d, low-2: e, low-3: f}
    stories:
      - {id: a, headline: 江城全力建设中部战略支点, byline: 本报记者 王芳, body: {filler: {seed: 1011, chars: 1525}}}
      - {id: b, headline: 上半年重点项目完成投资超千亿, body: {filler: {seed: 1012, chars: 1115}}}
      - {id: c, columns: 4, headline: 十个方面发力, body: {filler: {seed: 1013, chars: 1798}}}
      - {id: d, headline: 从跟跑到领跑, body: {filler: {seed: 1014, chars: 722}}}
      - {id: e, headline: 江城答卷里的民生温度, body: {filler: {seed: 1015, chars: 1065}}}
      - {id: f, headline: 一张蓝图绘到底, body: {filler: {seed: 1016, chars: 1043}}}
    photos:
      - {id: pic, file: p.jpg, caption: 华灯初上，江城老街人流如织。, credit: 本报记者 陈亮 摄}
"""
FRAMES = {"a": (1, 5, 0, 33), "pic": (6, 3, 0, 33), "b": (1, 3, 33, 35), "c": (4, 5, 33, 35),
          "d": (1, 2, 68, 34), "e": (3, 3, 68, 34), "f": (6, 3, 68, 34)}


def _written_out() -> str:
    """SLOTTED with a frame on every entry instead of the template."""
    text = SLOTTED.replace("    template: photo-lead\n", "").split("    slots:")[0] + "    stories:" \
        + SLOTTED.split("    stories:")[1]
    for id_, (col, span, top, lines) in FRAMES.items():
        text = text.replace(f"{{id: {id_}, ", f"{{id: {id_}, frame: {{col: {col}, span: {span}, top: {top}, "
                                              f"lines: {lines}}}, ", 1)
    return text


def _edition(root: Path, text: str, files: dict[str, str] | None = None, name: str = "edition.yaml") -> Path:
    from PIL import Image as PILImage

    root.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (900, 600), (90, 120, 160)).save(root / "p.jpg", quality=80)
    for rel, content in (files or {}).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    path = root / name
    path.write_text(text, encoding="utf-8")
    return path


def _problems(path: Path) -> list:
    with pytest.raises(ManifestError) as e:
        prepare(path)
    return e.value.problems


def test_bundled_templates_load_and_tile_the_broadsheet_grid():
    folder = paths.styles_dir() / "templates"
    names = sorted(p.stem for p in folder.glob("*.yaml"))
    assert {"photo-lead", "photo-lead-halves", "banner-lead", "banner-lead-quarters"} <= set(names)
    for name in names:
        template, problems = templates.load_template(folder / f"{name}.yaml")
        assert not problems and template is not None, problems
        assert template.slot("lead") is not None and template.slot("lead").role is templates.SlotRole.LEAD
        assert template.description


def test_a_page_from_a_template_composes_like_the_same_page_with_frames(tmp_path):
    a = prepare(_edition(tmp_path, SLOTTED, name="slots.yaml"))
    b = prepare(_edition(tmp_path, _written_out(), name="frames.yaml"))
    page = a.edition.pages[0]
    assert page.template == "photo-lead" and not page.empty_slots
    placed = {s.id: s.frame for s in page.stories} | {p.id: p.frame for p in page.photos}
    assert placed == {k: Frame(*v) for k, v in FRAMES.items()}
    assert all(type(f) is Frame for f in placed.values())  # placed: plain frames, as if written out
    da, db = compose_all(a)[0], compose_all(b)[0]
    assert da.display.items == db.display.items  # same drawing, item for item
    assert [f.frame for f in da.fits] == [f.frame for f in db.fits]


def test_the_sample_special_sections_use_templates():
    ed = load_edition(paths.sample_edition())
    special = [p for p in ed.pages if p.section in ("T", "S")]
    assert len(special) == 32
    assert all(p.template in ("photo-lead", "photo-lead-halves", "banner-lead", "banner-lead-quarters",
                              "banner-lead-strip")
               for p in special)
    assert all(p.slots and not p.empty_slots for p in special)
    t1 = ed.page("T1")
    assert t1.stories[0].frame == Frame(1, 5, 0, 33) and t1.photos[0].frame == Frame(6, 3, 0, 33)
    assert ed.page("A1").template == "front" and not ed.page("A1").slots


@pytest.mark.slow
def test_an_empty_slot_is_a_warning_and_a_grey_frame_on_proofs(tmp_path):
    text = SLOTTED.replace(", low-3: f}", "}").replace(
        "      - {id: f, headline: 一张蓝图绘到底, body: {filler: {seed: 1016, chars: 1043}}}\n", "")
    manifest = _edition(tmp_path, text)
    res = build(manifest, BuildOptions(tmp_path / "out", "proof", jobs=1, cache=False))
    empty = [f for f in res.findings if f.code == "empty-slot"]
    assert len(empty) == 1 and empty[0].severity == "warning" and "'low-3'" in empty[0].message
    assert "photo-lead.yaml" in empty[0].message
    pdf = (tmp_path / "out" / "proof" / "pages" / "T1.pdf").read_bytes()
    grid = prepare(manifest)
    from layout.page.grid import Grid

    area = Grid(grid.style).frame_area(Frame(6, 3, 68, 34))
    big = [c for c in pdf_page_chars(pdf) if c.ch == "空" and c.size > 30]  # drawn large, across the slot
    assert len(big) == 1 and area.x < big[0].x < area.right and area.y < big[0].y < area.bottom
    print_build = build(manifest, BuildOptions(tmp_path / "print", "print", jobs=1, cache=False))
    printed = (tmp_path / "print" / "pages" / "T1.pdf").read_bytes()
    assert not [c for c in pdf_page_chars(printed) if c.ch == "空" and c.size > 30]  # never printed
    assert [f.code for f in print_build.findings if f.code == "empty-slot"] == ["empty-slot"]


def test_a_template_beside_the_edition_style_and_below_in_slots(tmp_path):
    style = (paths.styles_dir() / "broadsheet.yaml").read_text(encoding="utf-8")
    tpl = textwrap.dedent("""\
        description: 测试版式
        slots:
          top:    {role: lead,   frame: {col: 1, span: 8, top: 0, lines: 40}}
          left:   {role: second, frame: {col: 1, span: 4, top: below top, lines: 62}}
          right:  {role: rail,   frame: {col: 5, span: 4, top: below top, lines: 62}}
        """)
    text = HEAD.replace("style: broadsheet", "style: house/paper.yaml") + textwrap.indent(textwrap.dedent("""\
        template: mine
        slots: {top: a, left: b, right: note}
        stories:
          - {id: a, headline: 江城全力建设中部战略支点, body: {filler: {seed: 1, chars: 3000}}}
          - {id: b, headline: 上半年重点项目, body: {filler: {seed: 2, chars: 2000}}}
        boxes:
          - {id: note, title: 导读, text: 本报今推特刊。}
        """), "    ")
    manifest = _edition(tmp_path, text, {"house/paper.yaml": style, "house/templates/mine.yaml": tpl})
    ed = prepare(manifest).edition
    page = ed.pages[0]
    assert [s.frame for s in page.stories] == [Frame(1, 8, 0, 40), Frame(1, 4, 40, 62)]
    assert page.boxes[0].frame == Frame(5, 4, 40, 62)
    assert [(s.name, s.role, s.id) for s in page.slots] == [("top", "lead", "a"), ("left", "second", "b"),
                                                            ("right", "rail", "note")]


@pytest.mark.parametrize("edit, fragments, line_text", [
    (("template: photo-lead", "template: photo-leed"),
     ["unknown template 'photo-leed'", "did you mean 'photo-lead'?"], "template: photo-leed"),
    (("mid-1: b,", "mid-l: b,"), ["unknown slot 'mid-l' in template 'photo-lead'", "did you mean 'mid-"],
     "slots:"),
    (("photo: pic,", "photo: a, lead: pic,"), [], "slots:"),  # a YAML duplicate key: reported as such
    (("lead: a, photo: pic", "lead: pic, photo: a"),
     ["slot 'lead' (lead) takes a story; 'pic' is a photo"], "slots:"),
    (("mid-1: b", "mid-1: bb"), ["slot 'mid-1' names 'bb', which is no story, photo or box of this page",
                                 "did you mean 'b'?"], "slots:"),
    (("{id: b, headline", "{id: b, frame: {col: 1, span: 3, top: 33, lines: 35}, headline"),
     ["'b' has a frame and fills slot 'mid-1' too"], "{id: b, frame"),
    (("low-1: d, ", ""), ["missing required key 'frame'", "name this entry in the page's slots"], "{id: d,"),
    (("template: photo-lead", "template: normal"), ["slots: needs a page template with slots; 'normal' has none"],
     "slots:"),
])
def test_slot_mistakes_are_errors_with_file_and_line(tmp_path, edit, fragments, line_text):
    old, new = edit
    assert old in SLOTTED
    path = _edition(tmp_path, SLOTTED.replace(old, new, 1))
    problems = _problems(path)
    text = "\n".join(str(p) for p in problems)
    if not fragments:
        assert "duplicate key" in text
        return
    match = [p for p in problems if fragments[0] in str(p)]
    assert match, text
    for f in fragments[1:]:
        assert f in str(match[0]), str(match[0])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert match[0].file == str(path) and line_text in lines[match[0].line - 1], (match[0].line, text)


@pytest.mark.parametrize("template, fragment, line_text", [
    ("slots:\n  lead: {role: leed, frame: {col: 1, span: 8, top: 0, lines: 30}}\n",
     "unknown slot role 'leed'", "role: leed"),
    ("slots:\n  lead: {role: lead, frame: {col: 1, span: 8, top: below photo, lines: 30}}\n",
     "top: below photo: no frame 'photo'", "below photo"),
    ("slots:\n  a: {role: lead, frame: {col: 1, span: 4, top: below b, lines: 30}}\n"
     "  b: {role: second, frame: {col: 5, span: 4, top: below a, lines: 30}}\n",
     "frames placed below each other in a circle: a -> b -> a", "  a: "),
    ("slots:\n  lead: {role: lead, frame: {col: 1, span: 8, top: 0, lines: 30}, colour: red}\n",
     "unknown key 'colour'", "colour"),
])
def test_a_broken_template_file_is_reported_at_its_own_line(tmp_path, template, fragment, line_text):
    style = (paths.styles_dir() / "broadsheet.yaml").read_text(encoding="utf-8")
    text = HEAD.replace("style: broadsheet", "style: house/paper.yaml") + \
        "    template: bad\n    stories:\n      - {id: x, frame: {col: 1, span: 2, top: 0, lines: 10}, body: 正文。}\n"
    path = _edition(tmp_path, text, {"house/paper.yaml": style, "house/templates/bad.yaml": template})
    problems = _problems(path)
    match = [p for p in problems if fragment in str(p)]
    assert match, "\n".join(map(str, problems))
    tfile = tmp_path / "house" / "templates" / "bad.yaml"
    assert match[0].file == str(tfile)
    assert line_text in tfile.read_text(encoding="utf-8").splitlines()[match[0].line - 1]
    assert any("template 'bad'" in str(p) and p.file == str(path) for p in problems)  # and the page that uses it


def test_the_cli_reports_an_unknown_slot_without_a_traceback(tmp_path):
    path = _edition(tmp_path, SLOTTED.replace("low-3: f", "low-4: f"))
    res = CliRunner().invoke(app, ["check", str(path)])
    assert res.exit_code == 1
    said = "".join(res.output.split())  # as the terminal wraps it
    assert "unknownslot'low-4'" in said and "didyoumean'low-" in said
    assert "Traceback" not in res.output


def test_template_schema_matches_the_loader():
    schema = json.loads((Path(templates.__file__).parent / "schema" / "template.schema.json").read_text("utf-8"))
    assert set(schema["properties"]) == templates.TEMPLATE_KEYS
    slot = schema["$defs"]["slot"]
    assert set(slot["properties"]) == templates.SLOT_KEYS and set(slot["required"]) == {"role", "frame"}
    assert slot["properties"]["role"]["enum"] == [r.value for r in templates.SlotRole]
    edition_schema = json.loads((Path(templates.__file__).parent / "schema" / "edition.schema.json")
                                .read_text("utf-8"))
    assert schema["$defs"]["frame"] == edition_schema["$defs"]["frame"]
