"""What changed on each page of a proof build: since the previous proof round, as `layout diff` sees it.

In: this build's round (the `Revision` the proof recorder made of it, layout/proof/rounds.py)
and the rounds recorded in the proof folder.  Out: per page a `PageChange` (the flatplan's
badge and highlight boxes, changes.py's type), the flatplan's revision number (the round's),
and the state that keeps when each story last changed.

Why the rounds and not the flatplan's own build-to-build comparison (changes.py): a
proofreader's question is "what changed since I marked up 一校?", not "since the last
save".  The badge of a proof build therefore means "changed since the previous round" and
its highlights are the proof diff's own (insertions, replacements, deletions with their
text, reflow, moved frames, replaced photos: layout/proof/diff.py), the same boxes
`layout diff -o` draws on its page PDFs.  Building the same round again (nothing changed, or
saves under `layout watch --mode proof`, which keeps the round it opened) compares with the
same previous round, so the badges stay those of the round.

When each story last changed (the frames' "last change") needs every earlier round; it is
carried from build to build in `STATE` instead of diffing all rounds again: owners changed
in this round get this round's number, the others what the previous round's flatplan gave
them (nothing, "—", when that flatplan was not made).
"""

from __future__ import annotations

import json
from pathlib import Path

from layout.flatplan.changes import LineBox, PageChange, PageStatus
from layout.proof.diff import Status, diff_revisions
from layout.proof.revision import Revision, read_revision, round_files

STATE = "rounds.json"  # in the previews folder, beside changes.json
STATUS = {Status.UNCHANGED: PageStatus.UNCHANGED, Status.CHANGED: PageStatus.CHANGED, Status.ADDED: PageStatus.ADDED}


class RoundChanges:
    """The proof flatplan's changes, one instance per flatplan output: the previous round's
    record is read once and kept while its file is unchanged (a resident process compares
    every save with the same round)."""

    def __init__(self) -> None:
        self._previous: tuple[tuple, Revision] | None = None  # (file signature, the record)

    def previous(self, folder: Path, current: int) -> Revision | None:
        """The last round recorded in `folder` before round `current` (None: there is none)."""
        earlier = {n: p for n, p in round_files(folder).items() if n < current}
        if not earlier:
            return None
        path = earlier[max(earlier)]
        st = path.stat()
        sig = (str(path), st.st_mtime_ns, st.st_size)
        if self._previous is None or self._previous[0] != sig:
            self._previous = (sig, read_revision(path))
        return self._previous[1]

    def changes(self, folder: Path, current: Revision, state: bytes | None
                ) -> tuple[dict[str, PageChange], bytes]:
        """Each page's change since the previous round, and the state to leave (see above)."""
        base = _base(state, current.round)
        previous = self.previous(folder, current.round)
        if previous is None:  # the first round: everything on it is new in it
            now = {p.label: {**base.get(p.label, {}), **{o: current.round for o in sorted(_owners(p))}}
                   for p in current.pages}
            out = {lab: PageChange(PageStatus.FIRST, (), when) for lab, when in now.items()}
        else:
            out, now = {}, {}
            for pd in diff_revisions(previous, current).pages:
                if pd.status == Status.REMOVED:
                    continue  # (the flatplan shows this round's pages)
                when = dict(base.get(pd.label, {}))
                changed = {s.key for s in pd.stories} | {h.story for h in pd.highlights}
                if pd.status == Status.ADDED:
                    changed |= _owners(current.page(pd.label))
                when.update({o: current.round for o in sorted(changed)})
                lines = tuple(LineBox(h.x, h.y, h.w, h.h, h.story, h.kind, h.note) for h in pd.highlights)
                out[pd.label] = PageChange(STATUS[pd.status], lines, when)
                now[pd.label] = when
        new_state = {"round": current.round, "base": base, "now": now}
        return out, json.dumps(new_state, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _owners(page) -> set[str]:
    return {b.key for b in page.blocks} | {f.owner for f in page.frames} | {q.owner for q in page.pictures}


def _base(state: bytes | None, current: int) -> dict[str, dict[str, int]]:
    """When each owner last changed before round `current`, from the state a flatplan of
    this round (its base again) or of an earlier one (its result) left; {} without one."""
    try:
        data = json.loads(state or b"")
        rnd, base, now = data["round"], data["base"], data["now"]
        got = base if rnd == current else now if isinstance(rnd, int) and rnd < current else {}
        return {str(lab): {str(o): int(n) for o, n in owners.items()} for lab, owners in got.items()}
    except (ValueError, TypeError, KeyError, AttributeError):
        return {}
