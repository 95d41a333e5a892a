"""Where the bundled data lives: fonts/, styles/ and editions/ beside the package.

The repository is the distribution (fonts are too large and too licence-laden for a
wheel's package data), so the package finds its data one folder up, or where
LAYOUT_HOME points.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    env = os.environ.get("LAYOUT_HOME")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parent.parent


def fonts_dir() -> Path:
    return home() / "fonts"


def styles_dir() -> Path:
    return home() / "styles"


def sample_edition() -> Path:
    return home() / "editions" / "sample" / "edition.yaml"
