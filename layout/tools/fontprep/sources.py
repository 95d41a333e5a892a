"""Finding the source fonts (Debian's Noto CJK and LXGW WenKai) and opening the wanted face."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from fontTools.ttLib import TTCollection, TTFont

from layout.tools.fontprep.spec import FontPrepError

DEFAULT_SOURCE_DIR = Path("/usr/share/fonts")
SOURCES_ENV = "LAYOUT_FONT_SOURCES"
INSTALL_HINT = (
    "Install the Debian packages with `apt-get install fonts-noto-cjk fonts-lxgw-wenkai` "
    "(fonts-noto-cjk-extra is not needed: it holds other weights), or run "
    "`apt-get download fonts-noto-cjk fonts-lxgw-wenkai` and `dpkg-deb -x PKG.deb DIR` "
    "for each, then pass DIR (or DIR/usr/share/fonts) as a source folder "
    f"(--sources, or the {SOURCES_ENV} environment variable, {os.pathsep!r}-separated)."
)


def search_dirs(source_dirs: list[Path] | None) -> list[Path]:
    if source_dirs:
        return [Path(d) for d in source_dirs]
    env = os.environ.get(SOURCES_ENV, "")
    dirs = [Path(p) for p in env.split(os.pathsep) if p]
    return dirs or [DEFAULT_SOURCE_DIR]


def find_sources(names: Iterable[str], dirs: list[Path]) -> dict[str, Path]:
    """Map each file name to its first occurrence (dirs in order, sorted walk)."""
    wanted = set(names)
    found: dict[str, Path] = {}
    for base in dirs:
        if not base.is_dir():
            continue
        for root, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for fn in sorted(filenames):
                if fn in wanted and fn not in found:
                    found[fn] = Path(root) / fn
        if len(found) == len(wanted):
            break
    return found


def _family_name(font: TTFont) -> str | None:
    name = font["name"]
    return name.getDebugName(1)


def open_face(path: Path, family: str) -> tuple[TTFont, int]:
    """Open the face of `path` (a .ttc or .ttf) whose name ID 1 is `family`."""
    is_collection = _is_collection(path)
    if is_collection:
        coll = TTCollection(str(path), lazy=True)
        families = [_family_name(f) for f in coll.fonts]
        coll.close()
    else:
        with TTFont(str(path), lazy=True) as f:
            families = [_family_name(f)]
    for index, fam in enumerate(families):
        if fam == family:
            font = TTFont(str(path), fontNumber=index if is_collection else -1, recalcTimestamp=False)
            return font, index
    raise FontPrepError(f"{path}: no face with family {family!r} (found {families})")


def _is_collection(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"ttcf"
