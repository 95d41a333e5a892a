"""`layout diff`, and the desks' outputs of `layout build` / `layout watch`: proof rounds,
previews and the flatplan, the archive package.

Exit status of `layout diff` is diff's: 0 the two rounds are the same, 1 they differ, 2
trouble (a folder that is not there, no round recorded, an unreadable record; a message
says which and what to do, never a traceback).
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from layout.console import STATE, err, out, shown
from layout.model.modes import OutputMode

ROUND_HELP = ("Proof round to stamp and record (proof mode; default: the last recorded round + 1 if anything "
              "changed, the same round if nothing did).")
DIFF_HELP = ("Compare two proof rounds story by story: OLD and NEW are output folders of proof builds (their "
             "last round) or FOLDER@N (round N); only OLD: its last two rounds.  Exit status 0 same, 1 different, "
             "2 trouble.")


def proof_outputs(mode: OutputMode, round: int | None) -> dict:
    """BuildOptions' fields for a build in `mode`: a proof build records its round (and
    stamps its pages with it); other modes have no rounds (--round is refused)."""
    if mode != OutputMode.PROOF:
        if round is not None:
            err.print("--round is for proof builds (--mode proof)", markup=False)
            raise typer.Exit(2)
        return {}
    from layout.proof.rounds import RevisionRecorder

    recorder = RevisionRecorder(round)
    return {"desk_outputs": (recorder,), "stamper": recorder}


def round_line(rounds: dict) -> str:
    """After a proof build: which round it was and where its record is ("" for other modes)."""
    recorder = rounds.get("stamper")
    if recorder is None or recorder.last is None:
        return ""
    from layout.proof.revision import round_file

    rev = recorder.last
    return f"proof round: {rev.name} (round {rev.round}), recorded in {round_file(rev.folder, rev.round)}"


def diff(
    old: str = typer.Argument(..., metavar="OLD", help="Output folder, or FOLDER@N for its round N."),
    new: Optional[str] = typer.Argument(None, metavar="[NEW]", help="Output folder, or FOLDER@N."),
    out_dir: Optional[Path] = typer.Option(None, "--out", "-o", help="Write DIR/diff.json and DIR/<page>.pdf "
                                           "(each changed page with its changes highlighted)."),
) -> None:
    from layout.errors import LayoutError
    from layout.proof.compare import exit_status, revisions_to_compare, write_outputs
    from layout.proof.diff import diff_revisions
    from layout.proof.report import summary_lines

    try:
        a, b = revisions_to_compare(old, new)
        d = diff_revisions(a, b)
        written = write_outputs(d, out_dir) if out_dir is not None else []
    except LayoutError as e:
        for p in e.problems:
            err.print(f"error: {shown(p)}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except OSError as e:
        err.print(f"error: cannot write the diff: {shown(e)}", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    except Exception as e:  # noqa: BLE001 - never a bare traceback for users
        if STATE["debug"]:
            raise
        err.print(f"error: internal error while comparing ({type(e).__name__}: {shown(e)}); run with --debug "
                  "for the traceback", markup=False, soft_wrap=True)
        raise typer.Exit(2) from None
    if not STATE["quiet"]:
        for line in summary_lines(d):
            out.print(shown(line), markup=False, soft_wrap=True)
        if written:
            out.print(f"written: {shown(written[0])}" + (f" and {len(written) - 1} highlighted page PDFs"
                                                         if len(written) > 1 else ""), markup=False, soft_wrap=True)
    raise typer.Exit(exit_status(d))


def desk_outputs(mode: OutputMode, previews: bool, jobs: int, notify: bool = True, rounds: dict | None = None
                 ) -> tuple:
    """The desks' outputs a build makes besides the PDFs (layout/build/desk.py): the proof
    round's record (`rounds`, proof_outputs'), previews and the flatplan (proof builds,
    --previews; a proof build's flatplan counts changes from the previous round, so it
    comes after the round's record), the archive package (archive builds)."""
    rounds = rounds or {}
    outputs: list = list(rounds.get("desk_outputs", ()))
    if previews or mode is OutputMode.PROOF:
        from layout.flatplan.output import FlatplanOutput

        def rendering(n: int) -> None:
            if n > 4 and not STATE["quiet"]:  # a few are rendered in a blink; 36 take a while
                err.print(f"rendering {n} page previews", markup=False)

        outputs.append(FlatplanOutput(jobs, rendering if notify else None, rounds.get("stamper")))
    if mode is OutputMode.ARCHIVE:  # the archive package: ALTO per page, METS per edition
        from layout.archive.package import ArchivePackage

        outputs.append(ArchivePackage())
    return tuple(outputs)
