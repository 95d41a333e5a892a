"""Prepare the project's CJK fonts: TrueType-outline, subset, renamed faces.

Why this module exists
----------------------
ReportLab, and layout's own embedding (sfnt.py, pdffont.py), embed TrueType fonts whose
outlines live in a ``glyf`` table, not fonts with PostScript (``CFF``) outlines.  The good free
CJK faces (Noto Serif/Sans CJK, i.e. Adobe's Source Han design) ship only as
CFF-flavoured OpenType (``.otf``/``.ttc``) and are far too large to embed or
commit as they are.  This module therefore builds, with fontTools:

* **converted** faces: the CFF cubic outlines are turned into quadratic
  TrueType outlines with cu2qu (``glyf``/``loca``, ``maxp`` 1.0, ``post``
  format 3, no hinting), with vertical metrics kept (``vhea``/``vmtx``; the
  ``VORG`` vertical origins are folded into the ``vmtx`` top side bearings);
* **subset** faces: the song (body) face keeps every GBK character, the
  display faces (biaosong, hei, kai) keep GB 2312, and every face keeps the
  punctuation, symbol, full-width and vertical-form blocks a Chinese
  newspaper needs.  Only the OpenType features ``vert vrt2 fwid halt vhal
  kern palt locl`` are kept (``locl`` only for zh-Hans);
* **mainland punctuation in the cmap**: the engine does a plain cmap lookup
  and applies no OpenType features, so the code points whose zh-Hans (GB)
  form is reached through ``locl`` (e.g. U+2014 EM DASH, proportional by
  default in Noto CJK) are pointed straight at the full-width glyph;
* **renamed** faces: the sources are licensed under the SIL Open Font
  License 1.1.  A converted/subset font is a "Modified Version", which must
  not use the Reserved Font Names or trademarks of the originals ("Source",
  "Noto", "LXGW", "霞鹜"), so every face gets a new family name ("Layout Song
  SC", ...), the name table is rewritten, and the OFL text is written beside
  the fonts.

The output is reproducible: the same sources give byte-identical files
(head.created/modified are copied from the source, nothing depends on the
clock or on hash ordering).  ``fonts.yaml`` records what was built.

Entry points: :func:`prepare_fonts` (``layout fonts prepare``) and ``python -m layout.tools.fontprep``.
Modules: spec (what to build), sources (finding and opening the source faces), convert
(punctuation, subset, outlines), naming (the OFL renaming), render (fonts.yaml, licences).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

from layout import paths
from layout.tools.fontprep.convert import build_face
from layout.tools.fontprep.render import atomic_write, render_fonts_yaml, render_license
from layout.tools.fontprep.sources import INSTALL_HINT, SOURCES_ENV, find_sources, search_dirs
from layout.tools.fontprep.spec import FACES, FaceSpec, FontPrepError, gb2312_chars, gbk_chars

__all__ = [
    "FACES",
    "FontPrepError",
    "FaceSpec",
    "gbk_chars",
    "gb2312_chars",
    "prepare_fonts",
    "render_fonts_yaml",
    "render_license",
]


def prepare_fonts(out_dir: Path, source_dirs: list[Path] | None = None,
                  log: Callable[[str], None] = print) -> list[dict]:
    """Build the four TrueType faces, their licences and ``fonts.yaml`` in `out_dir`.

    Sources are looked up by file name, recursively, in `source_dirs`, else in
    the folders of ``$LAYOUT_FONT_SOURCES`` (os.pathsep-separated), else in
    /usr/share/fonts.  Returns the face records written to fonts.yaml.
    Raises FontPrepError when a source font is missing.
    """
    out_dir = Path(out_dir)
    dirs = search_dirs(source_dirs)
    found = find_sources((s.source_file for s in FACES), dirs)
    missing = [s for s in FACES if s.source_file not in found]
    if missing:
        what = "; ".join(f"{s.source_file} (Debian package {s.package} {s.version}, for role {s.role})"
                         for s in missing)
        raise FontPrepError(
            f"source font(s) not found in {', '.join(str(d) for d in dirs)}: {what}. {INSTALL_HINT}")

    out_dir.mkdir(parents=True, exist_ok=True)
    records: list[dict] = []
    copyrights: dict[str, list[str]] = {}
    for spec in FACES:
        src = found[spec.source_file]
        log(f"{spec.role}: {src} -> {out_dir / spec.file}")
        data, record, extra = build_face(spec, src, log)
        atomic_write(out_dir / spec.file, data)
        records.append(record)
        copyrights.setdefault(spec.license_file, []).append(extra["copyright"])
    for license_file, texts in sorted(copyrights.items()):
        atomic_write(out_dir / license_file, render_license(license_file, texts).encode("utf-8"))
    atomic_write(out_dir / "fonts.yaml", render_fonts_yaml(records).encode("utf-8"))
    log(f"wrote {out_dir / 'fonts.yaml'}")
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layout.tools.fontprep", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=paths.fonts_dir(),
                        help="output folder (default: the repository's fonts/)")
    parser.add_argument("--sources", type=Path, action="append",
                        help=f"folder to search for the source fonts (repeatable; default ${SOURCES_ENV} "
                             "or /usr/share/fonts)")
    args = parser.parse_args(argv)
    try:
        prepare_fonts(args.out, args.sources)
    except FontPrepError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0

