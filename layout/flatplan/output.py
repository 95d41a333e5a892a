"""The flatplan as a desk output: previews, `flatplan.json` and `index.html`, written with every build.

In: a `FinishedEdition` (through BuildOptions.desk_outputs, layout/build/desk.py).  Out,
beside the page PDFs' folder (the output folder, or its proof/ or archive/ folder):

    index.html      the flatplan: one self-contained page (its CSS, script and data inside),
                    opened from disk with no server and no network
    flatplan.json   the same data for tools (layout/flatplan/data.py documents it)
    previews/       <hash>.png and <hash>-thumb.png per page content, and changes.json,
                    what the next build compares with (layout/flatplan/changes.py), or for
                    proof builds rounds.json (layout/flatplan/rounds.py: their changes are
                    the proof rounds')

The previews are rendered in the build's page workers as each page PDF is made
(`page_files`, desk.py PageOutput); `files` renders only those of pages taken from a
cache whose images are not in the folder.

Why the data is embedded: a page opened from file:// may not fetch a JSON file beside it
(Chromium refuses), so the page carries its data in a <script type="application/json">.
The assets (assets/flatplan.{html,css,js}) are package data, inlined at every build.

Previews no page refers to any more are removed when the next flatplan is made: those
neither the flatplan on disk (the one being replaced) nor the new one shows.  Until the
new files are renamed into place the old flatplan is whole, and after it the new one.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Callable

from layout.build.desk import FinishedEdition
from layout.build.pageresult import PageResult
from layout.flatplan.changes import STATE, Fingerprints, PageInput, compare, dump_state, load_state
from layout.flatplan.data import flatplan_data
from layout.flatplan.previews import FOLDER, PreviewStore
from layout.flatplan.rounds import STATE as ROUNDS_STATE
from layout.flatplan.rounds import RoundChanges
from layout.model.modes import OutputMode, OutputProfile
from layout.page.record import faces_by_key
from layout.proof.rounds import RevisionRecorder

INDEX = "index.html"
DATA = "flatplan.json"


def asset(name: str) -> str:
    return resources.files("layout.flatplan").joinpath("assets", name).read_text(encoding="utf-8")


def embedded_json(data: dict) -> str:
    """`data` as JSON safe inside a <script> element: every "<" escaped, so that no text in
    the edition (a headline with "</script>") can end the element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def index_html(data: dict) -> str:
    """The flatplan page with its CSS, script and `data` inlined."""
    e = data["edition"]
    title = f"{e['paper']} {e['date']} flatplan".replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    page = asset("flatplan.html")
    for key, value in (("@TITLE@", title), ("@CSS@", asset("flatplan.css")), ("@JS@", asset("flatplan.js")),
                       ("@DATA@", embedded_json(data))):
        page = page.replace(key, value, 1)
    return page


def flatplan_folder(finished: FinishedEdition) -> Path:
    """Where the flatplan of a build goes: beside its pages/ folder (the output folder, or
    its proof/ or archive/ folder), so that each mode's flatplan and previews stay apart."""
    return finished.out_dir / finished.profile.folder


class FlatplanOutput:
    """The desk output that makes the previews and the flatplan.  One instance serves every
    build of a `layout watch`: after a build that succeeded, `data` is the flatplan it
    wrote (what the live server pushes to the open pages; it must not be pushed before the
    build's files are in place, or the pages would ask for previews not yet written)."""

    name = "flatplan"

    def __init__(self, jobs: int = 1, notify: Callable[[int], None] | None = None, rounds: RevisionRecorder | None = None):
        self.jobs = jobs
        # a proof build's round recorder, a desk output that must come before this one in
        # BuildOptions.desk_outputs (its `last` is this build's round once it has run): its
        # pages are marked as changed since the previous proof round (rounds.py), not since
        # the last build
        self.rounds = rounds
        self._round_changes = RoundChanges()
        self.notify = notify  # told how many previews a build is about to render (it takes a while)
        self.data: dict | None = None  # the flatplan of the last build that got this far
        self.rendered = 0  # pages whose previews the last build rendered (the others were found)
        self._state: tuple[bytes, dict] | None = None  # the last state written, and its bytes
        self.fingerprints = Fingerprints()  # of the last build's pages (watch hands the same ones back)

    def page_files(self, result: PageResult, out_dir: Path, profile: OutputProfile) -> dict[Path, bytes]:
        """A page's previews, rendered in the build's page worker as soon as its PDF is made
        (desk.py PageOutput): in parallel with the other pages, not after all of them."""
        return PreviewStore(out_dir / profile.folder / FOLDER).page_files(result.pdf)

    def files(self, finished: FinishedEdition) -> dict[Path, bytes]:
        folder = flatplan_folder(finished)
        store = PreviewStore(folder / FOLDER, self.jobs, self.notify)
        made = {p: b for r in finished.pages for p, b in r.desk_files.items()}
        previews, files = store.previews({r.page.display.label: r.pdf for r in finished.pages}, made)
        self.rendered = store.rendered
        if finished.partial:  # the named pages only: their previews, and the flatplan as it was
            return files
        current = self.rounds.last if self.rounds is not None else None
        if current is not None and current.round == self.rounds.round and finished.profile.mode is OutputMode.PROOF:
            previous_round = self._round_changes.previous(folder, current.round)
            changes, files[folder / FOLDER / ROUNDS_STATE] = self._round_changes.changes(
                folder, current, _read(folder / FOLDER / ROUNDS_STATE))
            since = {"since": "round", "round": current.round, "name": current.name,
                     "previous": previous_round.name if previous_round is not None else ""}
            data = flatplan_data(finished, folder, previews, changes, current.round, since)
        else:
            raw = _read(folder / FOLDER / STATE)
            previous = self._state[1] if self._state is not None and self._state[0] == raw else load_state(raw)
            pages = [PageInput(r.record, tuple(im[4] for im in r.drawing.images)) for r in finished.pages]
            changes, state, revision = compare(previous, pages, faces_by_key(finished.fonts.faces), self.fingerprints)
            data = flatplan_data(finished, folder, previews, changes, revision, {"since": "build"})
            files[folder / FOLDER / STATE] = state_bytes = dump_state(state)
            self._state = (state_bytes, state)  # what the next build will most likely find there
        files[folder / DATA] = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        files[folder / INDEX] = index_html(data).encode("utf-8")
        keep = {p.key for p in previews.values()} | _shown_keys(_read(folder / DATA))
        for path in store.stale(keep):
            _unlink(path)
        self.data = data
        return files


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _shown_keys(flatplan: bytes | None) -> set[str]:
    """The content keys (first 20 digits) of the previews a flatplan.json shows."""
    try:
        data = json.loads(flatplan or b"")
        names = [p[k] for p in data["pages"] for k in ("view", "thumb")]
    except (ValueError, TypeError, KeyError):
        return set()
    return {Path(n).name[:20] for n in names if isinstance(n, str)}


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
