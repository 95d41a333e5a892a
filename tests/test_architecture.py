"""The data flows one way: each stage (a subpackage of layout) imports only from itself and
the stages before it.  The folder listing is the pipeline; this test keeps it honest."""

from __future__ import annotations

import ast
from pathlib import Path

import layout

ROOT = Path(layout.__file__).parent

# stage order (README "How it works"); a package may import from its own rank or lower
RANK = {
    "errors": 0, "paths": 0, "__init__": 0,   # foundations: the error tree, where bundled data lives
    "model": 1,    # YAML -> validated edition, styles, units
    "fonts": 2,    # sfnt reading/subsetting, the catalogue, PDF embedding
    "text": 3,     # clreq classes, line breaking, paragraph/headline setting, dates
    "page": 4,     # grid, flow, display lists, composition, display-list fidelity
    "pdf": 5,      # drawing, images, assembly, preflight, read-back
    "build": 6,    # pipeline, staged writes, cache, watch, reports, the desk-output hook
    # outputs for each desk, made from a build (build/desk.py's hook) or from its output folder
    "proof": 7,    # proof rounds (revisions), `layout diff`
    "archive": 7,  # ALTO, METS/MODS: the archive package
    "flatplan": 8,  # page previews, the flatplan page, the live server (shows proof rounds' changes)
    "tools": 9,    # not the pipeline: font preparation, copyfit, scaffold
    "console": 10, "cli_fonts": 10, "cli_proof": 10, "cli_batch": 10, "cli": 10, "__main__": 11,   # the command line and its streams
}
# modules that may not be imported by anything in the pipeline at all
OUTSIDE_THE_PIPELINE = {"tools", "console", "cli_fonts", "cli_proof", "cli_batch", "cli", "__main__"}


def _unit(path: Path) -> str:
    """The stage a file belongs to: its subpackage, or its own name at the top level."""
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    mods: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and (
                node.module == "layout" or node.module.startswith("layout.")):
            if node.module == "layout":
                mods += [f"layout.{a.name}" for a in node.names]
            else:
                mods.append(node.module)
        elif isinstance(node, ast.Import):
            mods += [a.name for a in node.names if a.name.startswith("layout.")]
        elif isinstance(node, ast.ImportFrom) and node.level:
            raise AssertionError(f"{path}: relative import; name the stage (from layout.<stage>...)")
    return mods


def test_every_file_belongs_to_a_ranked_stage():
    unranked = sorted({_unit(p) for p in ROOT.rglob("*.py")} - set(RANK))
    assert unranked == [], f"give these a stage in RANK (and the README table): {unranked}"


def test_stages_import_only_earlier_stages():
    problems = []
    for path in sorted(ROOT.rglob("*.py")):
        unit = _unit(path)
        for mod in _imports(path):
            parts = mod.split(".")
            if len(parts) < 2 or parts[1] == "__version__":
                continue
            dep = parts[1]
            assert dep in RANK, f"{path}: imports unknown layout.{dep}"
            if RANK[dep] > RANK[unit]:
                problems.append(f"{path.relative_to(ROOT)} ({unit}, stage {RANK[unit]}) imports {mod} "
                                f"(stage {RANK[dep]})")
            if dep in OUTSIDE_THE_PIPELINE and unit not in OUTSIDE_THE_PIPELINE:
                problems.append(f"{path.relative_to(ROOT)}: the pipeline imports {mod}, which is not the pipeline")
    assert problems == []


def test_no_test_helpers_in_the_package():
    """What only the tests use lives in tests/support/, not in layout/."""
    assert not (ROOT / "support").exists()
    for path in ROOT.rglob("*.py"):
        assert "tests.support" not in path.read_text(encoding="utf-8"), path


def test_no_module_is_longer_than_500_lines():
    """Small units: a module that grows past 500 lines holds more than one idea; split it by
    what it does."""
    long = {str(p.relative_to(ROOT)): n for p in ROOT.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500}
    assert long == {}
