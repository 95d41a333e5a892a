"""The `layout` command: a thin typer layer over the build; maps errors to exit codes.

Exit codes of `layout build` say whether the outputs are new: 0 every output was written
(warnings may follow, including a failure after the outputs were renamed into place, or
a Ctrl-C that came after that); 1 edition errors (manifest, style, fonts, overset,
output folder, disk full): nothing was replaced; 2 usage errors (typer/click); 130
interrupted (Ctrl-C) before the outputs were renamed into place: nothing was replaced.
`layout watch` exits with 130 when Ctrl-C stops it.  Errors print without a traceback
unless --debug.
The help users see is APP_HELP and each command's `help=`, never these docstrings.
Global options (-v, -q, --debug) are taken before or after the command
(`_Layout.parse_args` moves them in front of it).
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from pathlib import Path
from typing import Optional

try:
    import typer
    from typer.core import TyperGroup

    from layout import __version__
    from layout.cli_batch import batch_manifests, build_batch
    from layout.cli_fonts import fonts_app
    from layout.cli_proof import DIFF_HELP, ROUND_HELP, desk_outputs, proof_outputs, round_line
    from layout.cli_proof import diff as diff_command
    from layout.console import (
        EDITION_HELP,
        INTERRUPTED,
        STATE,
        STDERR,
        STDOUT,
        err,
        fail,
        interrupted,
        manifest_of,
        out,
        plural,
        print_warnings,
        shown,
        with_progress,
    )
    from layout.errors import Finding, LayoutError
    from layout.model.modes import OutputMode, output_profile
except KeyboardInterrupt:  # Ctrl-C while the command is still starting: no traceback
    sys.stderr.write("interrupted\n")
    raise SystemExit(130) from None




APP_HELP = ("Typeset a daily newspaper edition from its YAML manifest into print-ready PDFs.\n\n"
            "Start with `layout new DIR`, edit DIR/edition.yaml, then `layout check DIR` and `layout build DIR` "
            "(the PDFs go to DIR/output). `layout check --fit` lists the `lines:` value that fits every story.\n\n"
            "Exit status: 0 done, 1 problems in the edition (each named with file, line and what to do), "
            "2 wrong usage, 130 interrupted.")

GLOBAL_FLAGS = ("--debug", "--quiet", "-q", "--verbose", "-v")


class _Layout(TyperGroup):
    """The command group, taking the global options anywhere on the command line."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        cut = args.index("--") if "--" in args else len(args)
        flags = [a for a in args[:cut] if a in GLOBAL_FLAGS]
        rest = _serve_port([a for a in args[:cut] if a not in GLOBAL_FLAGS])
        return super().parse_args(ctx, flags + rest + args[cut:])


def _serve_port(args: list[str]) -> list[str]:
    """`watch --serve [PORT]`: an optional value, which click options cannot have, taken
    as `--serve --port PORT` (`--serve=PORT` too)."""
    out: list[str] = []
    for i, a in enumerate(args):
        if a.startswith("--serve="):
            out += ["--serve", "--port", a.split("=", 1)[1]]
        elif a == "--serve" and i + 1 < len(args) and args[i + 1].isdigit():
            out += ["--serve", "--port"]
        else:
            out.append(a)
    return out


app = typer.Typer(cls=_Layout, add_completion=False, no_args_is_help=True, help=APP_HELP,
                  context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(fonts_app, name="fonts")
app.command(name="diff", help=DIFF_HELP)(diff_command)
MODES_HELP = " | ".join(m.value for m in OutputMode)


def _interrupted_after_commit(res) -> None:
    """Ctrl-C once every output was renamed into place: the outputs are new and complete,
    and the exit status (0) says so."""
    err.print(f"interrupted after the outputs were written: {shown(res.edition_pdf)} and its "
              f"{len(res.page_pdfs)} page files are new and complete (the page cache's records and the "
              f"preflight were skipped)", markup=False)


@app.callback()
def main_options(
    debug: bool = typer.Option(False, "--debug", help="Show the traceback of an internal error (for bug reports)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print timings and every warning."),
) -> None:
    STATE.update(debug=debug, quiet=quiet, verbose=verbose)
    STDOUT.failed = STDERR.failed = ""  # a new command (CliRunner runs many in one process)


def _output_mode(name: str) -> OutputMode:
    """--mode as an OutputMode; an unknown name is a usage error (exit 2)."""
    try:
        return OutputMode(name)
    except ValueError:
        err.print(f"unknown --mode {name!r}; use print, proof or archive")
        raise typer.Exit(2) from None


def _out_dir(out_dir: Optional[Path], edition: Optional[Path]) -> Path:
    """-o, or by default `output/` beside the edition's manifest (DIR/output for `layout
    build DIR`), so that an edition's PDFs stay with it wherever the command runs; the
    bundled sample, which lives inside the installed package, builds into ./output."""
    if out_dir is not None:
        return out_dir
    if edition is None:
        return Path("output")
    return (edition if edition.is_dir() else edition.parent) / "output"


PREVIEWS_HELP = "Also write page previews (PNG) and the flatplan (index.html); always for --mode proof."


OUT_HELP = "Output folder (default: output/ beside the edition's manifest; ./output for the sample)."
REPORT_HELP = "Write the fit report (JSON: every story's fit and every finding) to this file."

BUILD_HELP = ("Build the edition PDF and one PDF per page.  Several editions (or a folder of editions, "
              "FOLDER/*/edition.yaml) are built side by side on all cores, each into its own output/ beside its "
              "manifest, or with -o DIR into DIR/<edition folder name>/; exit status 0 only if all were built.")
EDITIONS_HELP = EDITION_HELP + " Several: built side by side."


@app.command(help=BUILD_HELP)
def build(
    editions: Optional[list[Path]] = typer.Argument(None, help=EDITIONS_HELP, metavar="[EDITION]..."),
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help=OUT_HELP),
    mode: str = typer.Option(OutputMode.PRINT.value, "--mode", "-m", help=MODES_HELP),
    pages: Optional[str] = typer.Option(None, "--pages", help="Pages to build, e.g. A1,T3-T5"),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, max=64,
                             help="Worker processes (0 = one per CPU core); output is identical for any value."),
    report: Optional[Path] = typer.Option(None, "--report", help=REPORT_HELP),
    allow_overset: bool = typer.Option(False, "--allow-overset", help="Overset is a warning, not an error."),
    allow_outside: bool = typer.Option(False, "--allow-outside", help="Allow files outside the edition folder."),
    verify: bool = typer.Option(False, "--verify", help="Read the PDFs back and check every story's text."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Compose and draw every page, ignoring DIR/.cache."),
    previews: bool = typer.Option(False, "--previews", help=PREVIEWS_HELP),
    proof_round: Optional[int] = typer.Option(None, "--round", min=1, help=ROUND_HELP),
) -> None:
    """Build the edition PDF and one PDF per page (or several editions: cli_batch)."""
    output_mode = _output_mode(mode)
    batch = batch_manifests(editions)
    if batch is not None:
        if report:
            err.print("usage error: --report names one file: build the editions one by one to get their reports",
                      markup=False)
            raise typer.Exit(2)
        from layout.build.pipeline import BuildOptions

        rounds = proof_outputs(output_mode, proof_round)  # (copied for each edition: batch.py)
        opts = BuildOptions(Path("output"), output_mode, [pages] if pages else None, 1, None, allow_overset,
                            allow_outside, verify, cache=not no_cache,
                            desk_outputs=desk_outputs(output_mode, previews, 1, notify=False, rounds=rounds),
                            stamper=rounds.get("stamper"))
        build_batch(batch, out_dir, opts, jobs, _summary)
        return
    edition = editions[0] if editions else None
    out_dir = _out_dir(out_dir, edition)
    rounds = proof_outputs(output_mode, proof_round)
    workers = jobs or os.cpu_count() or 1
    if STATE["own_process"]:  # one build, then the process ends: no automatic collection in it at all
        gc.disable()  # (the build has none: pipeline.no_collection; nor now its imports and its summary)
    try:
        if STATE["own_process"]:  # side processes while the pipeline is imported: the manifest read
            from layout.build import pagecheck  # ahead, and the page files' checks (one core is idle)
            from layout.model import prefetch

            if output_profile(output_mode).preflight or output_profile(output_mode).pdfa:
                pagecheck.start(output_mode, manifest_of(edition))
            else:
                prefetch.start(manifest_of(edition))
        from layout.build.pipeline import BuildOptions
        from layout.build.pipeline import build as run_build

        opts = BuildOptions(out_dir, output_mode, [pages] if pages else None, workers, report,
                            allow_overset, allow_outside, verify, cache=not no_cache,
                            desk_outputs=desk_outputs(output_mode, previews, workers, rounds=rounds),
                            stamper=rounds.get("stamper"))
        res = with_progress(lambda cb: run_build(manifest_of(edition), opts, progress=cb))
    except KeyboardInterrupt as e:  # (the pipeline may not even be imported yet: no name to catch by)
        committed = getattr(e, "result", None)  # pipeline.InterruptedAfterCommit: the outputs are new
        if committed is None or STATE["debug"]:
            interrupted("the build", out_dir)
        else:
            _interrupted_after_commit(committed)
        return
    except LayoutError as e:
        fail(e)
        return
    except Exception as e:  # noqa: BLE001 - never a bare traceback for users
        fail(e)
        return
    try:
        _summary(res)
        if rounds and not STATE["quiet"]:
            out.print(round_line(rounds), markup=False, soft_wrap=True)
    except KeyboardInterrupt:  # the outputs are written: only the summary was cut short
        _interrupted_after_commit(res)


def fit_summary(pages, findings: list[Finding], hint: bool = True) -> str:
    """One line: how many story blocks and boxes do not fit their `lines:` (the warnings and
    `layout check --fit` give each one's figures)."""
    fits = [f for cp in pages for f in cp.fits]
    over = sum(1 for f in fits if f.overset_lines) + sum(1 for f in findings if f.code == "overset" and "box" in f.data)
    spare = sum(1 for f in findings if f.code == "underset")
    if not over and not spare:
        return f"fit: all {plural(len(fits), 'story block')} fit their lines:"
    parts = [f"{plural(over, 'frame')} overset"] if over else []
    if spare:
        parts.append(f"{plural(spare, 'frame')} with grid lines to spare")
    return f"fit: {', '.join(parts)}" + (" (layout check --fit lists the lines: that fits each)" if hint else "")


def _summary(res) -> None:
    if not STATE["quiet"]:
        stories = [f for cp in res.pages for f in cp.fits]
        chars = sum(f.chars_set for f in stories)
        reused = f" ({plural(len(res.reused), 'unchanged page')} reused)" if res.reused else ""
        out.print(f"built {plural(len(res.pages), 'page')}{reused}, {plural(len(stories), 'story block')}, "
                  f"{chars} body characters set in {res.timings['total']:.2f} s", soft_wrap=True)
        out.print(f"edition: {shown(res.edition_pdf)}", markup=False, soft_wrap=True)
        for page in (p for p in res.desk_files if p.name == "index.html"):  # the flatplan (--previews, proofs)
            out.print(f"flatplan: {shown(page)}", markup=False, soft_wrap=True)
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
        out.print(fit_summary(res.pages, res.findings), markup=False, soft_wrap=True)
        print_warnings(res.findings)


@app.command(help="Build, then rebuild after every change to the manifest, its texts, photos or style, "
                  "printing each build's fit (Ctrl-C stops).")
def watch(
    edition: Optional[Path] = typer.Argument(None, help=EDITION_HELP),
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help=OUT_HELP),
    mode: str = typer.Option(OutputMode.PRINT.value, "--mode", "-m", help=MODES_HELP),
    jobs: int = typer.Option(0, "--jobs", "-j", min=0, max=64, help="Worker processes (0 = one per CPU core)."),
    report: Optional[Path] = typer.Option(None, "--report", help=REPORT_HELP + " Rewritten after every build."),
    allow_overset: bool = typer.Option(False, "--allow-overset", help="Overset is a warning, not an error."),
    allow_outside: bool = typer.Option(False, "--allow-outside", help="Allow files outside the edition folder."),
    interval: float = typer.Option(0.1, "--interval", min=0.02, max=10.0, help="Seconds between looks at the files."),
    max_builds: int = typer.Option(0, "--max-builds", min=0, help="Stop after this many builds (0 = never)."),
    previews: bool = typer.Option(False, "--previews", help=PREVIEWS_HELP),
    serve: bool = typer.Option(False, "--serve", help="Serve the flatplan on http://127.0.0.1:PORT/ and push every "
                               "rebuild to the open pages (--serve PORT, or --port; implies --previews)."),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port for --serve (0 = any free port)."),
    proof_round: Optional[int] = typer.Option(None, "--round", min=1, help=ROUND_HELP),
) -> None:
    """One resident process: fonts, code and unchanged pages stay in memory, so a rebuild
    composes only the pages that changed.  After every build it prints the fit (overset
    and underset in the manifest's units), as `layout build` does."""
    output_mode = _output_mode(mode)
    rounds = proof_outputs(output_mode, proof_round)

    from layout.build.pipeline import BuildOptions, InterruptedAfterCommit
    from layout.build.watch import Watcher

    manifest = manifest_of(edition)
    workers = jobs or os.cpu_count() or 1
    opts = BuildOptions(_out_dir(out_dir, edition), output_mode, None, workers, report, allow_overset, allow_outside,
                        desk_outputs=desk_outputs(output_mode, previews or serve, workers, rounds=rounds),
                        stamper=rounds.get("stamper"))
    watcher = Watcher(manifest, opts)
    live = None
    if serve:
        from layout.flatplan.serve import LiveFlatplan

        live = LiveFlatplan.for_watch(opts, port)
        try:
            out.print(f"flatplan: {live.start()} (live; only this machine can open it)", markup=False)
        except LayoutError as e:
            fail(e)

    def report(ev) -> None:
        changed = ""
        if ev.changed:
            names = [Path(c).name for c in ev.changed]
            changed = f" after a change to {', '.join(names[:3])}{' …' if len(names) > 3 else ''}"
        if live is not None:
            live.after(ev)
        if ev.error is not None:
            if ev.error.findings and not STATE["quiet"]:
                print_warnings(ev.error.findings)
            kind = type(ev.error).__name__.replace("Error", " error").lower()
            err.print(f"[bold red]{kind}[/]{changed} ({plural(len(ev.error.problems), 'problem')}); "
                      f"outputs left as they were:")
            for p in ev.error.problems:
                err.print(f"  {shown(p)}", markup=False)
            return
        res = ev.result
        built = [cp.display.label for cp in res.pages if cp.display.label not in set(res.reused)]
        if not STATE["quiet"]:
            what = ", ".join(built[:8]) + (" …" if len(built) > 8 else "") if built else "no page"
            out.print(f"built {len(built)} of {plural(len(res.pages), 'page')} ({what}) in {ev.seconds:.3f} s"
                      f"{changed}: {shown(res.edition_pdf)}", markup=False, soft_wrap=True)  # one line, whatever the width
            out.print(f"  {fit_summary(res.pages, res.findings)}", markup=False, soft_wrap=True)
            print_warnings(res.findings)

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
        fail(e)
    finally:
        if live is not None:
            live.stop()


@app.command(help="Check the manifest, fonts and fit: compose every page and report every problem; "
                  "writes no PDF.")
def check(
    edition: Optional[Path] = typer.Argument(None, help=EDITION_HELP),
    allow_outside: bool = typer.Option(False, "--allow-outside", help="Allow files outside the edition folder."),
    report: Optional[Path] = typer.Option(None, "--report", help=REPORT_HELP),
    fit: bool = typer.Option(False, "--fit", help="Print the fit table: one line per story, worst first, with the "
                             "lines: value that fits it and the characters to cut or add."),
) -> None:
    """Validate, check fonts, compose every page and report problems; writes no PDF."""
    import json

    from layout.build.pipeline import compose_all, prepare
    from layout.build.report import fit_report
    from layout.build.staging import write_atomic
    from layout.page.fidelity import display_fidelity

    try:
        prep = prepare(manifest_of(edition), allow_outside)
        pages = compose_all(prep)
    except KeyboardInterrupt:
        interrupted("the check")
        return
    except LayoutError as e:
        fail(e)
        return
    findings = prep.findings + [f for cp in pages for f in cp.findings]
    overset_ids = {f.data.get("story", "") for f in findings if f.code == "overset"}
    findings += display_fidelity(prep.edition, [cp.display for cp in pages], overset_ids)
    if report:
        write_atomic(report, json.dumps(fit_report(prep.edition, pages, findings, None), ensure_ascii=False,
                                        indent=1).encode())
    errors = [f for f in findings if f.severity == "error"]
    for f in findings:  # warnings first: the errors end the output, where they are seen
        if f.severity != "error" and not STATE["quiet"]:
            out.print(f"{f.severity}: {f.where}: {f.message}", markup=False, soft_wrap=True)
    for f in errors:
        err.print(f"{f.severity}: {f.where}: {f.message}", markup=False, soft_wrap=True)
    if fit:
        from layout.page.fit import fit_rows, fit_table

        for line in fit_table(fit_rows([f for cp in pages for f in cp.fits], findings)):
            out.print(line, markup=False, soft_wrap=True)
    if not STATE["quiet"]:
        out.print(f"{plural(len(pages), 'page')} composed: {plural(len(errors), 'error')}, "
                  f"{plural(len(findings) - len(errors), 'warning')}; {fit_summary(pages, findings, not fit)}",
                  markup=False, soft_wrap=True)
    if errors:
        raise typer.Exit(1)


@app.command(help="Print the lines: value of every frame that makes the edition fit; --write puts them into the manifest.")
def fit(
    edition: Optional[Path] = typer.Argument(None, help=EDITION_HELP),
    write: bool = typer.Option(False, "--write", help="Write the lines: values into the manifest (only those "
                               "numbers change: comments and layout are kept)."),
    allow_outside: bool = typer.Option(False, "--allow-outside", help="Allow files outside the edition folder."),
) -> None:
    from layout.tools.fitlines import plan_fit, write_fit

    try:
        plan = plan_fit(manifest_of(edition), allow_outside)
    except KeyboardInterrupt:
        interrupted("the fit")
        return
    except LayoutError as e:
        fail(e)
        return
    name = plan.manifest.name
    if not STATE["quiet"]:
        for r in plan.rows:
            out.print(f"{r.page:5} {r.name:28} lines {r.lines:12} {name}:{r.line}" + (f"  ({r.note})" if r.note else ""),
                      markup=False, soft_wrap=True)
    for prob in plan.problems:
        err.print(f"  {prob}", markup=False, soft_wrap=True)
    if plan.problems:
        err.print(f"{plural(len(plan.problems), 'problem')} with these lines: the manifest was not changed",
                  markup=False)
        raise typer.Exit(1)
    if write and plan.changes:
        try:
            write_fit(plan)
        except (ValueError, LayoutError) as e:
            err.print(f"cannot write {plan.manifest}: {e}", markup=False)
            raise typer.Exit(1) from None
    if not STATE["quiet"]:
        done = (f"written to {plan.manifest}" if write and plan.changes
                else "use --write to write them" if plan.changes else "nothing to change")
        out.print(f"{plural(len(plan.changes), 'lines: value')} to change; {done}", markup=False, soft_wrap=True)


@app.command(help="Write a small edition that builds into a new folder DIR, to start from.")
def new(target: Path = typer.Argument(..., metavar="DIR", help="Folder for the new edition (new, or empty).")
        ) -> None:
    """Scaffold a small edition that builds."""
    from layout.tools.scaffold import scaffold

    try:
        path = scaffold(target)
    except LayoutError as e:
        fail(e)
        return
    out.print(f"created {path}; check it with: layout check --fit {target}; build it with: layout build {target} "
              f"(the PDFs go to {_out_dir(None, target)})", markup=False, soft_wrap=True)


@app.command(help="Print the version.")
def version() -> None:
    """Print the version."""
    out.print(f"layout {__version__}")


def main() -> None:
    # No last full collection at exit (60-90 ms of a cold build): it walks every object a build
    # left for the OS to free them a moment later; frozen, they are left out.  Registered once.
    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)
    STDOUT.take()
    STDERR.take()
    try:
        app()
    except KeyboardInterrupt:  # outside a command (typer turns it into a silent exit 130 inside one)
        if STATE["debug"]:
            raise
        err.print("interrupted", markup=False)
        sys.exit(INTERRUPTED)
    finally:
        if STDOUT.failed:  # one line, if stderr works; the exit code stays the command's
            err.print(f"layout: could not write to standard output ({STDOUT.failed}); messages to it were dropped, "
                      "nothing else is affected", markup=False, soft_wrap=True)
        STDOUT.give_back()  # (main may run inside a test's process)
        STDERR.give_back()
        # The command has finished and said so.  Python restores the default SIGINT action
        # while it shuts down (joining the worker pool's threads takes a moment), so a
        # Ctrl-C now would turn a finished build's exit status into "killed by SIGINT".
        import signal

        signal.signal(signal.SIGINT, signal.SIG_IGN)
