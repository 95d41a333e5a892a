"""`layout new`: the scaffolded edition builds cleanly; a non-empty folder is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from layout import paths
from layout.build.pipeline import BuildOptions, build
from layout.errors import ManifestError
from layout.tools.scaffold import scaffold

# pyproject turns DeprecationWarnings raised from layout.* into errors; layout/text/dates.py
# (lunardate fromSolarDate) may still trigger some.  Not this test's concern.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def test_scaffold_builds(tmp_path: Path):
    manifest = scaffold(tmp_path / "ed")
    assert manifest == tmp_path / "ed" / "edition.yaml"
    first = manifest.read_text(encoding="utf-8").splitlines()[0]
    schema = paths.home() / "layout" / "model" / "schema" / "edition.schema.json"
    assert first == f"# yaml-language-server: $schema={schema}"
    assert schema.is_file()
    lead = (tmp_path / "ed" / "stories" / "lead.txt").read_text(encoding="utf-8")
    assert 500 <= len(lead) <= 800

    res = build(manifest, BuildOptions(out_dir=tmp_path / "out"))
    assert res.edition_pdf is not None and res.edition_pdf.is_file()
    assert len(PdfReader(res.edition_pdf).pages) == 3
    assert list(res.page_pdfs) == ["A1", "A2", "T1"]
    assert not [f for f in res.findings if f.severity == "error"]
    assert len([f for f in res.findings if f.code == "underset"]) <= 2
    a1 = {fit.story.story_id: fit for fit in res.pages[0].fits}
    assert a1["greenway"].chars_set == a1["greenway"].chars_total  # the whole lead story is set


def test_scaffold_into_empty_existing_folder(tmp_path: Path):
    (tmp_path / "ed").mkdir()
    assert scaffold(tmp_path / "ed").is_file()


def test_scaffold_refuses_non_empty_folder(tmp_path: Path):
    target = tmp_path / "ed"
    target.mkdir()
    (target / "notes.txt").write_text("稿件", encoding="utf-8")
    with pytest.raises(ManifestError, match="not empty"):
        scaffold(target)
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]  # nothing written


def test_scaffold_refuses_a_file(tmp_path: Path):
    target = tmp_path / "ed"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(ManifestError, match="not a folder"):
        scaffold(target)


def test_cli_new(tmp_path: Path):
    from typer.testing import CliRunner

    from layout.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["new", str(tmp_path / "ed")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "ed" / "edition.yaml").is_file()
    res = runner.invoke(app, ["new", str(tmp_path / "ed")])
    assert res.exit_code == 1
    assert "not empty" in res.output and "Traceback" not in res.output
