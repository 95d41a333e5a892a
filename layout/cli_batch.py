"""`layout build ED1 ED2 …` and `layout build FOLDER-OF-EDITIONS`: several editions side by
side (layout.build.batch), with one progress display and one summary.  The exit status is 0
only when every edition was built; an edition's error is printed with its file and line,
and the other editions are built and written all the same."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import typer

from layout.console import INTERRUPTED, STATE, err, out, plural, print_warnings, shown

MANIFEST_NAME = "edition.yaml"


def batch_manifests(editions: list[Path] | None) -> list[Path] | None:
    """The manifests of a batch, or None for a single build (no edition, one manifest, or
    one folder holding an edition.yaml).  A folder without edition.yaml but with editions in
    its subfolders (<folder>/*/edition.yaml) is a batch of those."""
    if not editions:
        return None
    if len(editions) == 1:
        one = editions[0]
        if not one.is_dir() or (one / MANIFEST_NAME).exists():
            return None
        from layout.build.batch import editions_in

        found = editions_in(one)
        return found or None  # no edition inside: the single build says what is missing
    return [e / MANIFEST_NAME if e.is_dir() else e for e in editions]


def build_batch(manifests: list[Path], out_dir: Path | None, opts, jobs: int, summary) -> None:
    """Build the editions; `opts` is the BuildOptions every edition is built with (each gets
    its own out_dir), `summary` prints one edition's result as `layout build`
    does.  Exits 1 when an edition failed, 130 on Ctrl-C."""
    from rich.markup import escape

    from layout.build.batch import build_editions, plan_outputs
    from layout.errors import LayoutError

    try:
        plan = plan_outputs(manifests, out_dir)
    except LayoutError as e:
        for p in e.problems:
            err.print(f"usage error: {shown(p)}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    cores = jobs or os.cpu_count() or 1
    t = time.perf_counter()
    try:
        outcomes = _with_progress(plan, lambda cb: build_editions(plan, opts, cores, cb))
    except KeyboardInterrupt:
        if STATE["debug"]:
            raise
        err.print("interrupted: the batch stopped; each edition's output folder holds either this batch's "
                  "complete outputs or the previous ones (outputs are renamed into place together)", markup=False,
                  soft_wrap=True)
        raise typer.Exit(INTERRUPTED) from None
    seconds = time.perf_counter() - t
    failed = [o for o in outcomes if not o.ok]
    for o in outcomes:
        name = _name(o.edition.manifest)
        if o.ok:
            if not STATE["quiet"]:
                out.print(f"[{name}]", markup=False)
                summary(o.result)
        else:
            if o.warnings and not STATE["quiet"]:
                print_warnings(o.warnings)
            err.print(f"[bold red]{escape(name)}: {o.error_kind}[/] ({plural(len(o.problems or []), 'problem')}); "
                      f"its outputs were left as they were:")
            for p in o.problems or []:  # one line each, whatever the width: file:line: what to do
                err.print(f"  {shown(p)}", markup=False, soft_wrap=True)
    pages = sum(len(o.result.pages) for o in outcomes if o.ok)
    if not STATE["quiet"]:
        rate = f" ({pages / seconds:.1f} pages/s on {plural(cores, 'core')})" if seconds > 0 else ""
        line = (f"built {len(outcomes) - len(failed)} of {plural(len(outcomes), 'edition')}, "
                f"{plural(pages, 'page')} in {seconds:.2f} s{rate}")
        out.print(line + (f"; {plural(len(failed), 'edition')} failed" if failed else ""), markup=False,
                  soft_wrap=True)
    if failed:
        raise typer.Exit(1)


def _name(manifest: Path) -> str:
    return shown(manifest.parent.name or manifest.name)


def _with_progress(plan, fn):
    """One progress display for the whole batch: pages done of the pages known so far (an
    edition's page count is known once its manifest is read)."""
    if STATE["quiet"]:
        return fn(None)
    seen: dict[int, tuple[int, int]] = {}
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err.console,
                      transient=True) as prog:
            task = prog.add_task("pages", total=None)

            def cb(index: int, label: str, i: int, n: int) -> None:
                seen[index] = (i, n)
                prog.update(task, total=sum(n for _, n in seen.values()), completed=sum(i for i, _ in seen.values()),
                            description=f"{len(plan)} editions: {_name(plan[index].manifest)} page {label}")
            return fn(cb)

    def plain(index: int, label: str, i: int, n: int) -> None:  # not a terminal: one plain line per page
        err.print(f"{_name(plan[index].manifest)}: page {label} ({i}/{n})", markup=False)
    return fn(plain)
