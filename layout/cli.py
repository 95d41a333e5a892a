"""The `layout` command: a thin typer layer over build.py; maps errors to exit codes.

Exit codes of `layout build` say whether the outputs are new: 0 every output was written
(warnings may follow, including a failure after the outputs were renamed into place, or
a Ctrl-C that came after that); 1 edition errors (manifest, style, fonts, overset,
output folder, disk full): nothing was replaced; 2 usage errors (typer/click); 130
interrupted (Ctrl-C) before the outputs were renamed into place: nothing was replaced.
`layout watch` exits with 130 when Ctrl-C stops it.  Errors print without a traceback
unless --debug.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

try:
    import typer
    from rich.console import Console

    from layout import __version__, paths
    from layout.errors import LayoutError
    from layout.model.modes import OutputMode
except KeyboardInterrupt:  # Ctrl-C while the command is still starting: no traceback
    sys.stderr.write("interrupted\n")
    raise SystemExit(130) from None

INTERRUPTED = 130  # exit code after Ctrl-C (128 + SIGINT), as shells report it

app = typer.Typer(add_completion=False, no_args_is_help=False, help=__doc__,
                  context_settings={"help_option_names": ["-h", "--help"]})
fonts_app = typer.Typer(help="Font catalogue: list faces, check an edition's coverage, prepare the TTFs.")
app.add_typer(fonts_app, name="fonts")
err = Console(stderr=True, highlight=False)
out = Console(highlight=False)
MODES_HELP = " | ".join(m.value for m in OutputMode)
STATE = {"debug": False, "quiet": False, "verbose": False}


def shown(text: object) -> str:
    """`text` as it can be printed: a file name that is not UTF-8 (-o given as raw bytes)
    has its undecodable bytes shown as U+FFFD instead of failing the print."""
    return str(text).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _fail(e: BaseException) -> None:
    if STATE["debug"]:
        raise e
    if isinstance(e, LayoutError):
        kind = type(e).__name__.replace("Error", " error").lower()
        err.print(f"[bold red]{kind}[/] ({len(e.problems)} problem{'s' if len(e.problems) != 1 else ''}):")
        for p in e.problems:
            err.print(f"  {shown(p)}", markup=False)
    else:
        err.print(f"[bold red]internal error[/]: {type(e).__name__}: {shown(e)} (run with --debug for the traceback)")
    raise typer.Exit(1)


def _interrupted(what: str, out_dir: Path | None = None) -> None:
    """Ctrl-C: one clear line, exit code 130, no traceback (unless --debug)."""
    if STATE["debug"]:
        raise KeyboardInterrupt
    msg = f"interrupted: {what} stopped before it finished"
    if out_dir is not None:
        msg += (f"; nothing in {shown(out_dir)} was replaced: it holds the outputs of the last build that "
                f"finished (outputs are renamed into place together at the end, never left half-written)")
    err.print(msg, markup=False)
    raise typer.Exit(INTERRUPTED)


def _interrupted_after_commit(res) -> None:
    """Ctrl-C once every output was renamed into place: the outputs are new and complete,
    and the exit status (0) says so."""
    err.print(f"interrupted after the outputs were written: {shown(res.edition_pdf)} and its "
              f"{len(res.page_pdfs)} page files are new and complete (the page cache's records and the "
              f"preflight were skipped)", markup=False)


@app.callback()
def main_options(
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Only errors."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Timings and every finding."),
) -> None:
    STATE.update(debug=debug, quiet=quiet, verbose=verbose)


def _output_mode(name: str) -> OutputMode:
    """--mode as an OutputMode; an unknown name is a usage error (exit 2)."""
    try:
        return OutputMode(name)
    except ValueError:
        err.print(f"unknown --mode {name!r}; use print, proof or archive")
        raise typer.Exit(2) from None


def _manifest(edition: Optional[Path]) -> Path:
    return edition if edition is not None else paths.sample_edition()


@app.command()
def build(
    edition: Optional[Path] = typer.Argument(None, help="Edition manifest (default: the bundled sample)."),
    out_dir: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder."),
    mode: str = typer.Option(OutputMode.PRINT.value, "--mode", "-m", help=MODES_HELP),
    pages: Optional[str] = typer.Option(None, "--pages", help="Pages to build, e.g. A1,T3-T5"),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, max=64,
                             help="Worker processes (0 = one per CPU core); output is identical for any value."),
    report: Optional[Path] = typer.Option(None, "--report", help="Write the fit report (JSON) here."),
    allow_overset: bool = typer.Option(False, "--allow-overset", help="Overset is a warning, not an error."),
    allow_outside: bool = typer.Option(False, "--allow-outside", help="Allow files outside the edition folder."),
    verify: bool = typer.Option(False, "--verify", help="Read the PDFs back and check every story's text."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Compose and draw every page, ignoring DIR/.cache."),
) -> None:
    """Build the edition PDF and one PDF per page."""
    output_mode = _output_mode(mode)
    import os

    try:
        from layout.build.pipeline import BuildOptions
        from layout.build.pipeline import build as run_build

        opts = BuildOptions(out_dir, output_mode, [pages] if pages else None, jobs or os.cpu_count() or 1, report,
                            allow_overset, allow_outside, verify, cache=not no_cache)
        res = _with_progress(lambda cb: run_build(_manifest(edition), opts, progress=cb))
    except KeyboardInterrupt as e:  # (the pipeline may not even be imported yet: no name to catch by)
        committed = getattr(e, "result", None)  # pipeline.InterruptedAfterCommit: the outputs are new
        if committed is None or STATE["debug"]:
            _interrupted("the build", out_dir)
        else:
            _interrupted_after_commit(committed)
        return
    except LayoutError as e:
        _fail(e)
        return
    except Exception as e:  # noqa: BLE001 - never a bare traceback for users
        _fail(e)
        return
    try:
        _summary(res)
    except KeyboardInterrupt:  # the outputs are written: only the summary was cut short
        _interrupted_after_commit(res)


def _with_progress(fn):
    if STATE["quiet"]:
        return fn(None)
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err,
                      transient=True) as prog:
            task = prog.add_task("pages", total=None)

            def cb(label: str, i: int, n: int) -> None:
                prog.update(task, total=n, completed=i, description=f"page {label}")
            return fn(cb)

    def plain(label: str, i: int, n: int) -> None:  # not a terminal: one plain line per page
        err.print(f"page {label} ({i}/{n})", markup=False)
    return fn(plain)


def _summary(res) -> None:
    warnings = [f for f in res.findings if f.severity == "warning"]
    if not STATE["quiet"]:
        stories = [f for cp in res.pages for f in cp.fits]
        chars = sum(f.chars_set for f in stories)
        reused = f" ({len(res.reused)} unchanged pages reused)" if res.reused else ""
        out.print(f"built {len(res.pages)} pages{reused}, {len(stories)} story blocks, {chars} body characters "
                  f"set in {res.timings['total']:.2f} s", soft_wrap=True)
        out.print(f"edition: {shown(res.edition_pdf)}", markup=False, soft_wrap=True)
        if res.partial:
            out.print(f"  warning: the edition is partial (only {', '.join(cp.display.label for cp in res.pages)}) "
                      f"and named so; the whole edition's file was not replaced, because another page "
                      f"could not be built:", markup=False, soft_wrap=True)
            for why in res.partial[:5]:
                out.print(f"    {shown(why)}", markup=False, soft_wrap=True)
            if len(res.partial) > 5:
                out.print(f"    … {len(res.partial) - 5} more", markup=False)
        if STATE["verbose"]:
            order = ("load", "pages", "checks", "document", "assemble", "files", "preflight")
            out.print("timings: " + ", ".join(f"{k} {res.timings[k]:.3f} s" for k in order if k in res.timings),
                      markup=False)
            for msg in res.cache_rejected:
                out.print(f"  {msg}", markup=False)
        listed = warnings if STATE["verbose"] else warnings[:10]
        for f in listed:
            out.print(f"  warning: {shown(f.where)}: {shown(f.message)}", markup=False)
        if len(warnings) > len(listed):
            out.print(f"  … {len(warnings) - len(listed)} more warnings (--verbose shows all)")


@app.command()
def watch(
    edition: Optional[Path] = typer.Argument(None, help="Edition manifest (default: the bundled sample)."),
    out_dir: Path = typer.Option(Path("output"), "--out", "-o", help="Output folder."),
    mode: str = typer.Option(OutputMode.PRINT.value, "--mode", "-m", help=MODES_HELP),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, max=64, help="Worker processes (0 = one per CPU core)."),
    allow_overset: bool = typer.Option(False, "--allow-overset", help="Overset is a warning, not an error."),
    allow_outside: bool = typer.Option(False, "--allow-outside", help="Allow files outside the edition folder."),
    interval: float = typer.Option(0.1, "--interval", min=0.02, max=10.0, help="Seconds between looks at the files."),
    max_builds: int = typer.Option(0, "--max-builds", min=0, help="Stop after this many builds (0 = never)."),
) -> None:
    """Build, then rebuild whenever the manifest, its texts, photos or style change (Ctrl-C stops).

    One resident process: fonts, code and unchanged pages stay in memory, so a rebuild
    composes only the pages that changed."""
    output_mode = _output_mode(mode)
    import os

    from layout.build.pipeline import BuildOptions, InterruptedAfterCommit
    from layout.build.watch import Watcher

    manifest = _manifest(edition)
    opts = BuildOptions(out_dir, output_mode, None, jobs or os.cpu_count() or 1, None, allow_overset, allow_outside)
    watcher = Watcher(manifest, opts)

    def report(ev) -> None:
        changed = ""
        if ev.changed:
            names = [Path(c).name for c in ev.changed]
            changed = f" after a change to {', '.join(names[:3])}{' …' if len(names) > 3 else ''}"
        if ev.error is not None:
            kind = type(ev.error).__name__.replace("Error", " error").lower()
            err.print(f"[bold red]{kind}[/]{changed} ({len(ev.error.problems)} problem"
                      f"{'s' if len(ev.error.problems) != 1 else ''}); outputs left as they were:")
            for p in ev.error.problems:
                err.print(f"  {shown(p)}", markup=False)
            return
        res = ev.result
        built = [cp.display.label for cp in res.pages if cp.display.label not in set(res.reused)]
        if not STATE["quiet"]:
            what = ", ".join(built[:8]) + (" …" if len(built) > 8 else "") if built else "no page"
            out.print(f"built {len(built)} of {len(res.pages)} pages ({what}) in {ev.seconds:.3f} s{changed}: "
                      f"{shown(res.edition_pdf)}", markup=False, soft_wrap=True)  # one line per build, whatever the width
            for f in res.findings:
                if f.severity == "warning" and (STATE["verbose"] or f.code != "underset"):
                    out.print(f"  warning: {shown(f.where)}: {shown(f.message)}", markup=False)

    if not STATE["quiet"]:
        out.print(f"watching {shown(watcher.manifest)} and the files it names (Ctrl-C stops)", markup=False,
                  soft_wrap=True)
    try:
        watcher.run(report, interval=interval, max_builds=max_builds or None)
    except KeyboardInterrupt as e:
        if STATE["debug"]:
            raise
        if isinstance(e, InterruptedAfterCommit):  # the last build's outputs were written
            err.print(f"stopped watching; the last build's outputs are complete: {shown(e.result.edition_pdf)}",
                      markup=False)
        else:
            err.print("stopped watching", markup=False)
        raise typer.Exit(INTERRUPTED) from None
    except Exception as e:  # noqa: BLE001 - never a bare traceback for users
        _fail(e)


@app.command()
def check(
    edition: Optional[Path] = typer.Argument(None, help="Edition manifest (default: the bundled sample)."),
    allow_outside: bool = typer.Option(False, "--allow-outside"),
    report: Optional[Path] = typer.Option(None, "--report", help="Write the fit report (JSON) here."),
) -> None:
    """Validate, check fonts, compose every page and report problems; writes no PDF."""
    import json

    from layout.build.pipeline import compose_all, prepare
    from layout.build.report import fit_report
    from layout.build.staging import write_atomic
    from layout.page.fidelity import display_fidelity

    try:
        prep = prepare(_manifest(edition), allow_outside)
        pages = compose_all(prep)
    except KeyboardInterrupt:
        _interrupted("the check")
        return
    except LayoutError as e:
        _fail(e)
        return
    findings = prep.findings + [f for cp in pages for f in cp.findings]
    overset_ids = {f.data.get("story", "") for f in findings if f.code == "overset"}
    findings += display_fidelity(prep.edition, [cp.display for cp in pages], overset_ids)
    if report:
        write_atomic(report, json.dumps(fit_report(prep.edition, pages, findings, None), ensure_ascii=False,
                                        indent=1).encode())
    for f in findings:
        (err if f.severity == "error" else out).print(f"{f.severity}: {f.where}: {f.message}", markup=False)
    errors = [f for f in findings if f.severity == "error"]
    if not STATE["quiet"]:
        out.print(f"{len(pages)} pages composed: {len(errors)} errors, {len(findings) - len(errors)} warnings")
    if errors:
        raise typer.Exit(1)


@fonts_app.command("list")
def fonts_list() -> None:
    """The faces of the catalogue with their roles, files and coverage."""
    from layout.fonts.catalogue import load_fontbook

    try:
        book = load_fontbook()
    except LayoutError as e:
        _fail(e)
        return
    for role, face in book.faces.items():
        fb = ", ".join(book.fallback.get(role, [])) or "-"
        out.print(f"{role:9} {face.family:20} {face.file.name:28} {len(face.widths):6} chars  fallback: {fb}",
                  markup=False)


@fonts_app.command("check")
def fonts_check(edition: Optional[Path] = typer.Argument(None, help="Edition manifest.")) -> None:
    """List every character of the edition that no face (or fallback) covers."""
    from layout.build.pipeline import prepare
    from layout.fonts.catalogue import describe

    try:
        prep = prepare(_manifest(edition))
    except LayoutError as e:
        _fail(e)
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
    out.print(f"{len(missing)} uncovered character(s)")
    if missing:
        raise typer.Exit(1)


@fonts_app.command("prepare")
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


@app.command()
def new(target: Path = typer.Argument(..., help="Folder for the new edition.")) -> None:
    """Scaffold a small edition that builds."""
    from layout.tools.scaffold import scaffold

    try:
        path = scaffold(target)
    except LayoutError as e:
        _fail(e)
        return
    out.print(f"created {path}; build it with: layout build {path}", markup=False)


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"layout {__version__}")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # outside a command (typer turns it into a silent exit 130 inside one)
        if STATE["debug"]:
            raise
        err.print("interrupted", markup=False)
        sys.exit(INTERRUPTED)
    finally:
        # The command has finished and said so.  Python restores the default SIGINT action
        # while it shuts down (joining the worker pool's threads takes a moment), so a
        # Ctrl-C now would turn a finished build's exit status into "killed by SIGINT".
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
