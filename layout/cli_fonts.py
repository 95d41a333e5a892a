"""`layout fonts …`: the font catalogue as the desk sees it (faces, coverage) and the
command that regenerates the bundled fonts."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from layout import paths
from layout.console import EDITION_HELP, err, fail, manifest_of, out, plural
from layout.errors import LayoutError

fonts_app = typer.Typer(help="Font catalogue: list faces, check an edition's coverage, prepare the TTFs.",
                        no_args_is_help=True)


@fonts_app.command("list", help="List the faces of the font catalogue with their roles, files and coverage.")
def fonts_list() -> None:
    """The faces of the catalogue with their roles, files and coverage."""
    from layout.fonts.catalogue import load_fontbook

    try:
        book = load_fontbook()
    except LayoutError as e:
        fail(e)
        return
    for role, face in book.faces.items():
        fb = ", ".join(book.fallback.get(role, [])) or "-"
        out.print(f"{role:9} {face.family:20} {face.file.name:28} {len(face.widths):6} chars  fallback: {fb}",
                  markup=False)


@fonts_app.command("check", help="List every character of the edition that no face (or fallback) covers.")
def fonts_check(edition: Optional[Path] = typer.Argument(None, help=EDITION_HELP)) -> None:
    """List every character of the edition that no face (or fallback) covers."""
    from layout.build.pipeline import prepare
    from layout.fonts.catalogue import describe

    try:
        prep = prepare(manifest_of(edition))
    except LayoutError as e:
        fail(e)
        return
    style, book = prep.style, prep.fonts
    missing: dict[str, set[str]] = {}
    for page in prep.edition.pages:
        for s in page.stories:
            texts = [("body", "".join(s.paragraphs)), ("kicker", s.kicker), ("subhead", s.subhead),
                     ("byline", s.byline), ("headline", s.headline.text if s.headline else "")]
            for role, text in texts:
                face = style.role(role).face
                for ch in book.uncovered(face, text):
                    missing.setdefault(ch, set()).add(f"{page.label}/{s.id}")
        for b in page.boxes:
            for ch in book.uncovered(style.role("box").face, b.text + b.title):
                missing.setdefault(ch, set()).add(f"{page.label}/{b.id}")
        for p in page.photos + tuple(ph for s in page.stories for ph in s.photos):
            for ch in book.uncovered(style.role("caption").face, p.caption + p.credit):
                missing.setdefault(ch, set()).add(f"{page.label}/{p.id}")
    for ch in sorted(missing):
        out.print(f"{describe(ch)}: {', '.join(sorted(missing[ch]))}", markup=False)
    out.print(plural(len(missing), "uncovered character"))
    if missing:
        raise typer.Exit(1)


@fonts_app.command("prepare", help="Regenerate the bundled fonts from the Debian font packages.")
def fonts_prepare(
    source: list[Path] = typer.Option(None, "--source", help="Folders with the source fonts (default: "
                                      "$LAYOUT_FONT_SOURCES or /usr/share/fonts)."),
    out_dir: Path = typer.Option(None, "--out", help="Where to write (default: the bundled fonts/)."),
) -> None:
    """Regenerate fonts/ from the Debian font packages (see fonts/README.md)."""
    from layout.tools.fontprep import FontPrepError, prepare_fonts

    try:
        prepare_fonts(out_dir or paths.fonts_dir(), list(source) if source else None, log=out.print)
    except FontPrepError as e:
        err.print(f"font preparation failed: {e}", markup=False)
        raise typer.Exit(1)
