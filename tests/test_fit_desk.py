"""The desk's loop around the fit figures: manifest errors in one pass, declared pages that
need an entry (`blank: true`), the CLI's options, help, plurals and default output folder,
and `watch` reporting the fit after every build."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from layout.build.pipeline import BuildOptions, build, compose_all, prepare
from layout.build.watch import Watcher
from layout.cli import app
from layout.errors import ManifestError
from layout.page.display import GlyphRun, Marker

HEAD = "edition: {paper: 江城日报, date: 2026-08-19, number: 7, style: broadsheet}\n"


def manifest(root: Path, pages: str, sections: str = "  - {id: A, name: 要闻, pages: 2}\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "edition.yaml"
    path.write_text(HEAD + "sections:\n" + sections + "pages:\n" + pages, encoding="utf-8")
    return path


A1 = """\
  A1:
    template: front
    stories:
      - {id: s, frame: {col: 1, span: 3, top: 12, lines: 20}, headline: 湿地公园迎来候鸟季, body: {filler: {seed: 1, chars: 500}}}
"""


def problems(path: Path) -> list[str]:
    with pytest.raises(ManifestError) as e:
        prepare(path)
    return [str(p) for p in e.value.problems]


# -- declared pages ------------------------------------------------------------------------
def test_a_declared_page_without_an_entry_is_an_error(tmp_path):
    entries = A1 + "".join(f"  T{n}:\n    editor: 李华\n" for n in range(1, 7))
    path = manifest(tmp_path, entries, "  - {id: A, name: 要闻, pages: 1}\n  - {id: T, name: 特刊, label: 'T{n}', pages: 7}\n")
    got = problems(path)
    assert len(got) == 1
    assert "T7 is declared by section T but has no entry in pages: (add one, or lower pages: to 6" in got[0]
    assert f"{path}:4:" in got[0] and "sections[1].pages" in got[0]  # at the section's pages:


def test_a_gap_inside_a_section_cannot_be_cut_by_lowering_pages(tmp_path):
    path = manifest(tmp_path, A1 + "  A3: {editor: 李华}\n", "  - {id: A, name: 要闻, pages: 3}\n")
    (msg,) = problems(path)
    assert "A2 is declared by section A" in msg and "lower pages" not in msg and "A2: {blank: true}" in msg


def test_a_blank_page_is_a_page_of_the_edition_marked_on_proofs(tmp_path):
    path = manifest(tmp_path, A1 + "  A2: {blank: true}\n")
    pages = {cp.display.label: cp for cp in compose_all(prepare(path))}
    marks = [m for m in pages["A2"].display.items if isinstance(m, Marker) and m.kind == "blank"]
    assert [m.text for m in marks] == ["本版空白"]
    assert not [m for m in pages["A1"].display.items if isinstance(m, Marker) and m.kind == "blank"]
    masthead = "".join(r.text for r in pages["A1"].display.items if isinstance(r, GlyphRun))
    assert "今日2版" in masthead  # a blank page still counts


def test_a_blank_page_with_stories_is_an_error(tmp_path):
    path = manifest(tmp_path, A1 + "  A2:\n    blank: true\n    stories:\n"
                    "      - {id: t, frame: {col: 1, span: 3, top: 0, lines: 20}, body: [一段。]}\n")
    (msg,) = problems(path)
    assert "pages.A2.blank" in msg and "marked blank: true but has stories" in msg


@pytest.mark.slow
def test_the_proof_of_a_blank_page_says_so(tmp_path):
    from layout.pdf.verify import pdf_text

    path = manifest(tmp_path / "ed", A1 + "  A2: {blank: true}\n")
    res = build(path, BuildOptions(out_dir=tmp_path / "out", mode="proof", jobs=1))
    assert "本版空白" in pdf_text(res.page_pdfs["A2"].read_bytes(), 0)
    res = build(path, BuildOptions(out_dir=tmp_path / "print", jobs=1))
    assert "本版空白" not in pdf_text(res.page_pdfs["A2"].read_bytes(), 0)


# -- every manifest error in one pass --------------------------------------------------------
def test_key_errors_and_overlaps_come_together(tmp_path):
    path = manifest(tmp_path, A1 + """\
  A2:
    editr: 李华
    stories:
      - {id: a, frame: {col: 1, span: 4, top: 0, lines: 30}, body: [一段。]}
      - {id: b, frame: {col: 3, span: 4, top: 10, lines: 30}, body: [一段。], colour: red}
      - {id: c, frame: {col: 1, span: 2, top: 60, lines: 43}, body: [一段。]}
""")
    got = "\n".join(problems(path))
    assert "editr" in got and "colour" in got  # keys
    assert "frames of 'a' and 'b' on A2 overlap" in got  # geometry, in the same pass
    # grid lines count from 0 like top:, so a frame of 43 lines from line 60 ends on line 102
    assert "runs to line 102 (top 60 + lines 43 - 1); the grid's last line is 101" in got
    assert "make it lines: 43 → 42" in got


# -- the CLI -------------------------------------------------------------------------------
def test_global_options_before_or_after_the_command(tmp_path):
    path = manifest(tmp_path, A1 + "  A2: {blank: true}\n")
    r = CliRunner()
    for args in (["-q", "check", str(path)], ["check", str(path), "-q"], ["check", "--quiet", str(path)]):
        res = r.invoke(app, args)
        assert res.exit_code == 0 and res.output == "", (args, res.output)
    res = r.invoke(app, ["check", str(path), "-v", "--debug"])
    assert res.exit_code == 0 and "composed" in res.output
    assert r.invoke(app, ["fonts", "list", "-v"]).exit_code == 0


def test_help_is_written_for_users():
    r = CliRunner()
    top = r.invoke(app, ["--help"])
    assert top.exit_code == 0
    for dev in ("typer", "build.py", "thin", "docstring"):
        assert dev not in top.output
    assert "layout new DIR" in top.output and "check --fit" in top.output

    def walk(cmd, path):
        yield path, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, path + [name])

    seen = 0
    for path, cmd in walk(get_command(app), []):
        if path:
            assert cmd.help and "\n\n" not in cmd.help.strip(), path  # one user-facing line
            assert "resident" not in cmd.help and "typer" not in cmd.help, path
        for p in cmd.params:
            assert getattr(p, "help", None), (path, p.name)
            seen += 1
    assert seen > 25


def test_plurals(tmp_path):
    one = manifest(tmp_path / "one", A1.replace("lines: 20}", "lines: 5}") + "  A2: {blank: true}\n")
    res = CliRunner().invoke(app, ["check", str(one)])
    assert res.exit_code == 1
    assert "2 pages composed: 1 error, 0 warnings" in res.output
    assert "1 errors" not in res.output


@pytest.mark.slow
def test_new_builds_into_its_own_output_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    r = CliRunner()
    res = r.invoke(app, ["new", str(tmp_path / "ed")])
    assert res.exit_code == 0
    assert f"layout build {tmp_path / 'ed'}" in res.output and str(tmp_path / "ed" / "output") in res.output
    res = r.invoke(app, ["build", str(tmp_path / "ed"), "-j", "1"])
    assert res.exit_code == 0, res.output
    assert list((tmp_path / "ed" / "output").glob("*.pdf")) and not (tmp_path / "output").exists()
    assert "built 3 pages" in res.output and "fit: all 4 story blocks fit their lines:" in res.output
    res = r.invoke(app, ["build", str(tmp_path / "ed" / "edition.yaml"), "-j", "1", "--pages", "A2"])
    # --pages A2 rebuilds A2 and re-assembles the whole edition from the other pages' results
    assert "built 3 pages (3 unchanged pages reused), 4 story blocks," in res.output, res.output
    res = r.invoke(app, ["build", str(tmp_path / "ed"), "-j", "1", "--no-cache", "--pages", "A2"])
    assert "built 3 pages, 4 story blocks," in res.output, res.output
    res = r.invoke(app, ["build", str(tmp_path / "ed"), "-j", "1"])
    assert "built 3 pages (3 unchanged pages reused)" in res.output, res.output


# -- watch: the fit after every build, and its report --------------------------------------
UNDER = A1.replace("chars: 500", "chars: 100") + "  A2: {blank: true}\n"


def test_watch_writes_the_report_and_does_not_rebuild_for_it(tmp_path):
    path = manifest(tmp_path / "ed", UNDER)
    report = tmp_path / "ed" / "fit.json"  # inside the watched folder
    w = Watcher(path, BuildOptions(out_dir=tmp_path / "out", jobs=1, report=report))
    ev = w.build_once()
    assert ev.error is None
    data = json.loads(report.read_text(encoding="utf-8"))
    (s,) = data["stories"]
    assert s["lines_change"] < 0 and s["lines_fit"] == s["frame"]["lines"] + s["lines_change"]
    assert w.changes() == []


@pytest.mark.slow
def test_cli_watch_prints_the_fit_and_writes_the_report(tmp_path):
    path = manifest(tmp_path / "ed", UNDER)
    report = tmp_path / "fit.json"
    res = CliRunner().invoke(app, ["watch", str(path), "-j", "1", "--max-builds", "1", "--report", str(report)])
    assert res.exit_code == 0, res.output
    assert "fit: 1 frame with grid lines to spare" in res.output
    assert "warning: A1/s: underset" in res.output and "make it lines: 20 →" in res.output
    assert json.loads(report.read_text(encoding="utf-8"))["stories"][0]["story"] == "s"
    assert (tmp_path / "ed" / "output").is_dir()
