"""`layout fit`: the `lines:` value of every story and box frame that makes the edition fit,
and writing those numbers back into the manifest without touching anything else.

Why a tool and not the pipeline: it reads the manifest, sizes every frame as `lines: auto`
would (layout.page.autosize) and edits the YAML text in place (layout.model.yamlpos
.set_scalars), so comments, flow style and quoting survive.  The CLI only prints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from layout.build.staging import write_atomic
from layout.errors import ManifestError, Problem
from layout.fonts.catalogue import load_fontbook
from layout.model import yamlpos
from layout.model.edition import PendingFrame
from layout.model.manifest import load_edition
from layout.model.styles import load_style
from layout.page.ads import place_ads
from layout.page.autosize import fit_lines
from layout.page.grid import check_frames


@dataclass
class FitRow:
    """One frame: where it is, what it says now, what fits, and why it is not written."""

    page: str
    name: str
    lines: str  # "28 -> 32", "32" (already right) or the frame's lines when not sized by copy
    line: int  # the entry's line in the manifest
    note: str = ""


@dataclass
class FitPlan:
    manifest: Path
    rows: list[FitRow] = field(default_factory=list)
    changes: dict[str, str] = field(default_factory=dict)  # key path of a lines: value -> new value
    problems: list[Problem] = field(default_factory=list)  # collisions the new lines would make
    text: str = ""  # the manifest as read


def plan_fit(manifest: Path, allow_outside: bool = False) -> FitPlan:
    """The fitting lines: of every frame.  Raises LayoutError for an edition that does not load."""
    ed = load_edition(manifest, allow_outside=allow_outside)
    style = load_style(ed.style, ed.source.parent, ed.style_overrides)
    ed, problems = place_ads(ed, style)  # booked ads are frames the new lines must keep clear of
    problems += check_frames(ed, style)
    if problems:
        raise ManifestError(problems)
    placements, _, problems = fit_lines(ed, style, load_fontbook())
    plan = FitPlan(ed.source, problems=list(problems), text=ed.source.read_text(encoding="utf-8"))
    marks = yamlpos.load(plan.text).marks
    for p in placements:
        d, lines_path = p.declared, f"{p.path}.frame.lines"
        line = marks.get(p.path, (0, 0))[0]
        if not p.needed:  # photos and empty slots are not sized by copy; a story that jumps keeps its lines
            if p.kind == "story":
                plan.rows.append(FitRow(p.page, p.name, str(p.frame.lines), line, "jumps: its lines decide where"))
            continue
        if isinstance(d, PendingFrame) and d.auto:
            note, was = "lines: auto", "auto"
        elif p.slot and lines_path not in marks:
            note, was = f"slot {p.slot} of template {ed.page(p.page).template}: not written", str(d.lines)
        else:
            note, was = "", str(d.lines)
            if d.lines != p.needed:
                plan.changes[lines_path] = str(p.needed)
        arrow = f"{was} -> {p.needed}" if was not in ("auto", str(p.needed)) else f"{p.needed}"
        plan.rows.append(FitRow(p.page, p.name, arrow, line, note))
    return plan


def write_fit(plan: FitPlan) -> None:
    """The plan's numbers written into the manifest (atomically); ValueError if a value
    cannot be replaced in place, LayoutError if the file cannot be written."""
    write_atomic(plan.manifest, yamlpos.set_scalars(plan.text, plan.changes).encode("utf-8"))
