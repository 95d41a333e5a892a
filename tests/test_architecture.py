"""The data flows one way: each module imports only from the stages before it."""

from __future__ import annotations

import ast
from pathlib import Path

import layout

# stage order (README "How it works"); a module may import from its own rank or lower
RANK = {
    "errors": 0, "units": 0, "paths": 0, "dates": 0, "filler": 0, "cjk": 0,
    "model": 1, "yamlpos": 1,
    "manifest": 2, "styles": 2, "fontprep": 2, "sfnt": 2,
    "fonts": 3,
    "linebreak": 4, "typeset": 5,
    "display": 6, "grid": 6, "flow": 6, "compose": 7,
    "imaging": 8, "pdffont": 8, "render_pdf": 8,
    "assemble": 9, "checks": 9, "cache": 9,
    "build": 10, "copyfit": 11, "scaffold": 11, "watch": 11, "cli": 12, "__main__": 13, "__init__": 0,
}


def test_every_module_is_ranked_and_imports_only_earlier_stages():
    root = Path(layout.__file__).parent
    problems = []
    for path in sorted(root.glob("*.py")):
        name = path.stem
        assert name in RANK, f"new module {name}: give it a stage in RANK"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            mods = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("layout"):
                mods = [node.module] + ([f"layout.{a.name}" for a in node.names] if node.module == "layout" else [])
            elif isinstance(node, ast.Import):
                mods = [a.name for a in node.names if a.name.startswith("layout")]
            for mod in mods:
                parts = mod.split(".")
                if len(parts) < 2 or parts[1] not in RANK:
                    continue
                if RANK[parts[1]] > RANK[name]:
                    problems.append(f"{name} (stage {RANK[name]}) imports {parts[1]} (stage {RANK[parts[1]]})")
    assert problems == []
