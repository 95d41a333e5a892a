"""A proof build's flatplan counts changes from the previous proof round (layout/flatplan/rounds.py).

Its badges are `layout diff`'s page statuses between the previous round and this one, its
highlights the proof diff's own boxes, and a frame's "last change" is the round its story
last changed in; building the same round again shows the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from layout.build.pipeline import BuildOptions, build
from layout.flatplan.output import FlatplanOutput
from layout.flatplan.rounds import STATE, RoundChanges
from layout.model.modes import OutputMode
from layout.proof import RevisionRecorder, diff_json, diff_revisions, load_revisions
from tests.support.editions import write_edition

pytestmark = pytest.mark.slow


def _proof(man: Path, out: Path) -> dict:
    """One proof build as `layout build --mode proof` makes it (a fresh process: fresh outputs)."""
    rec = RevisionRecorder()
    build(man, BuildOptions(out_dir=out, jobs=1, mode=OutputMode.PROOF, stamper=rec,
                            desk_outputs=(rec, FlatplanOutput(rounds=rec))))
    return json.loads((out / "proof" / "flatplan.json").read_text(encoding="utf-8"))


def _story(page: dict, key: str) -> dict:
    return next(s for s in page["stories"] if s["story"] == key)


def test_a_proof_flatplan_shows_the_changes_since_the_previous_round(tmp_path):
    man = write_edition(tmp_path / "ed")
    out = tmp_path / "out"
    first = _proof(man, out)
    assert first["changes"] == {"since": "round", "round": 1, "name": "一校", "previous": ""}
    assert first["revision"] == 1 and {p["status"]["change"] for p in first["pages"]} == {"first"}
    assert all(not p["changed_lines"] for p in first["pages"])

    lead = man.parent / "lead.txt"
    lead.write_text(lead.read_text(encoding="utf-8").replace("江城市召开", "江城市举办", 1), encoding="utf-8")
    second = _proof(man, out)
    assert second["changes"] == {"since": "round", "round": 2, "name": "二校", "previous": "一校"}
    status = {p["label"]: p["status"]["change"] for p in second["pages"]}
    assert status == {"A1": "changed", "A2": "unchanged", "A3": "unchanged", "T1": "unchanged"}
    assert second["totals"]["changed"] == 1

    # the highlights are the proof diff's, box for box (what `layout diff -o` draws)
    old, new = load_revisions(out)
    diff = diff_json(diff_revisions(old, new))
    a1 = next(p for p in second["pages"] if p["label"] == "A1")
    assert a1["changed_lines"] == next(p for p in diff["pages"] if p["label"] == "A1")["highlights"]
    assert {b["kind"] for b in a1["changed_lines"]} == {"replace"} and {b["story"] for b in a1["changed_lines"]} == {"lead"}
    assert _story(a1, "lead")["changed_at"] == 2 and _story(a1, "vert")["changed_at"] == 1

    # the same round again (nothing changed): the same flatplan, changes still since 一校
    again = _proof(man, out)
    assert again == second


def test_an_earlier_flatplans_record_of_last_changes_is_carried_into_the_next_round(tmp_path):
    state = json.dumps({"round": 1, "base": {}, "now": {"A1": {"lead": 1, "vert": 1}}}).encode()
    from layout.flatplan.rounds import _base

    assert _base(state, 2) == {"A1": {"lead": 1, "vert": 1}}  # the next round starts from round 1's result
    assert _base(state, 1) == {}  # round 1 again: from what round 1 started with
    assert _base(b"not json", 2) == {} and _base(None, 3) == {}
    assert STATE == "rounds.json" and RoundChanges().previous(tmp_path, 2) is None  # no rounds recorded
