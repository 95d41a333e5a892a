"""`layout diff`: which two rounds to compare, and what to write about them.

In: the command's arguments: OLD and NEW, each an output folder (its last recorded round)
or `FOLDER@N` (its round N); NEW left out: the round before OLD's last one against that
last one ("what changed since the previous proof").  Out: the two `Revision`s, the
`EditionDiff`, and with `-o DIR`: DIR/diff.json and one highlighted PDF per changed page
(overlay.py).  Trouble (a folder that is not there, no round recorded, a round that is
not, an unreadable record) is a RevisionError with a message that says what to do.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from layout.errors import Problem
from layout.proof.diff import EditionDiff, Status
from layout.proof.report import diff_json
from layout.proof.revision import Revision, RevisionError, read_revision, round_files
from layout.proof.rounds import revision_folder

_AT = re.compile(r"^(.*)@(\d{1,6})$")


@dataclass(frozen=True)
class Spec:
    folder: Path
    round: int | None  # None: the last recorded


def parse_spec(text: str) -> Spec:
    """FOLDER or FOLDER@N (a folder whose own name ends in @N is taken as a folder)."""
    m = _AT.match(text)
    if m and not Path(text).is_dir():
        return Spec(Path(m.group(1) or "."), int(m.group(2)))
    return Spec(Path(text), None)


def _rounds(folder: Path) -> tuple[Path, dict[int, Path]]:
    if not folder.is_dir():
        raise RevisionError(Problem(f"no such output folder: {folder}",
                                    hint="give the -o folder of a proof build (layout build --mode proof -o DIR)"))
    where = revision_folder(folder)
    files = round_files(where)
    if not files:
        raise RevisionError(Problem(f"no proof round recorded in {folder}",
                                    hint="a proof build records one: layout build --mode proof -o DIR"))
    return where, files


def load_spec(spec: Spec, offset: int = 0) -> Revision:
    """The round `spec` names; `offset` -1: the one before the last recorded."""
    _, files = _rounds(spec.folder)
    known = sorted(files)
    if spec.round is None:
        if len(known) + offset < 1:
            raise RevisionError(Problem(f"{spec.folder} has only round {known[-1]} recorded: nothing to compare "
                                        "it with", hint="name two folders, or FOLDER@N for a round"))
        rnd = known[len(known) - 1 + offset]
    else:
        rnd = spec.round
    if rnd not in files:
        raise RevisionError(Problem(f"{spec.folder} has no round {rnd} recorded",
                                    hint=f"recorded: {', '.join(str(n) for n in known)}"))
    return read_revision(files[rnd])


def revisions_to_compare(old: str, new: str | None) -> tuple[Revision, Revision]:
    if new is None:
        spec = parse_spec(old)
        if spec.round is not None:
            raise RevisionError(Problem(f"{old}: name the round to compare it with (FOLDER@N FOLDER@M), or give "
                                        "only the folder to compare its last two rounds"))
        return load_spec(spec, -1), load_spec(spec)
    return load_spec(parse_spec(old)), load_spec(parse_spec(new))


def write_outputs(d: EditionDiff, out_dir: Path) -> list[Path]:
    """DIR/diff.json and DIR/<label>.pdf for each changed or added page."""
    from layout.build.staging import write_atomic
    from layout.proof.overlay import highlighted_pages

    out_dir.mkdir(parents=True, exist_ok=True)
    pdfs = highlighted_pages(d)
    _remove_stale(out_dir, {safe_file(label) + ".pdf" for label in pdfs})
    names: dict[str, str] = {}
    written: list[Path] = []
    for label, data in pdfs.items():
        name = safe_file(label) + ".pdf"
        write_atomic(out_dir / name, data)
        names[label] = name
        written.append(out_dir / name)
    target = out_dir / "diff.json"
    write_atomic(target, json.dumps(diff_json(d, names), ensure_ascii=False, indent=1).encode("utf-8"))
    return [target, *written]


def _remove_stale(out_dir: Path, keep: set[str]) -> None:
    """The page PDFs an earlier diff into the same folder wrote (its diff.json names them)
    and this one does not: removed, so that the folder shows only this diff's pages.  No
    other file is touched."""
    try:
        old = json.loads((out_dir / "diff.json").read_text(encoding="utf-8"))
        names = [p.get("pdf") for p in old.get("pages", []) if isinstance(p, dict)]
    except (OSError, ValueError, AttributeError):
        return
    for name in names:
        if isinstance(name, str) and name not in keep and name == Path(name).name and name.endswith(".pdf"):
            (out_dir / name).unlink(missing_ok=True)


def safe_file(label: str) -> str:
    """A page label as a file name (labels such as 特3 are kept: only separators go)."""
    return re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", label).strip(" .") or "page"


def exit_status(d: EditionDiff) -> int:
    return 1 if any(p.status != Status.UNCHANGED for p in d.pages) else 0
