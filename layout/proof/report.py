"""diff.json and the printed summary of a diff between two proof rounds.

In: an `EditionDiff`.  Out: `diff_json` (the documented file: README "Comparing proof
rounds"; its key names are a contract with the flatplan and the desks' tools: change them
only on purpose) and `summary_lines` (what `layout diff` prints: one line per changed page
and per change, in the proofreader's terms).
"""

from __future__ import annotations

from layout.proof.diff import EditionDiff, Highlight, PageDiff, Status, StoryDiff
from layout.proof.textdiff import Change

FORMAT = "layout-diff 1"


def _r(v: float) -> float:
    return round(v, 2)


def highlight_json(h: Highlight) -> dict:
    out = {"x": _r(h.x), "y": _r(h.y), "w": _r(h.w), "h": _r(h.h), "story": h.story, "kind": h.kind}
    if h.note:
        out["note"] = h.note
    return out


def change_json(c: Change) -> dict:
    out = {"op": c.op, "old": c.old, "new": c.new, "old_lines": list(c.old_lines), "new_lines": list(c.new_lines),
           "context": c.context}
    if c.old_page:
        out["old_page"] = c.old_page
    return out


def story_json(s: StoryDiff) -> dict:
    out: dict = {"key": s.key, "kind": s.kind, "status": s.status}
    if s.moved_from:
        out["moved_from"] = s.moved_from
    if s.moved_to:
        out["moved_to"] = s.moved_to
    out["changes"] = [{"field": f, **change_json(c)} for f, cs in s.changes.items() for c in cs]
    out["words_changed"] = bool(s.changes)
    out["reflow"] = s.reflow
    out["reflowed_lines"] = list(s.reflowed)
    out["headline_changed"] = "headline" in s.changes
    out["caption_changed"] = "caption" in s.changes
    out["frame"] = s.frame
    out["old_frame"] = list(s.old_frame) if s.old_frame else None
    out["new_frame"] = list(s.new_frame) if s.new_frame else None
    out["picture"] = s.picture
    out["old_lines"], out["new_lines"] = s.old_lines, s.new_lines
    return out


def page_json(p: PageDiff, pdf: str = "") -> dict:
    out: dict = {"label": p.label, "status": p.status, "old_id": p.old_id, "new_id": p.new_id,
                 "stories": [story_json(s) for s in p.stories],
                 "highlights": [highlight_json(h) for h in p.highlights]}
    if pdf:
        out["pdf"] = pdf
    return out


def diff_json(d: EditionDiff, pdfs: dict[str, str] | None = None) -> dict:
    pdfs = pdfs or {}
    counts = {s: sum(1 for p in d.pages if p.status == s)
              for s in (Status.UNCHANGED, Status.CHANGED, Status.ADDED, Status.REMOVED)}
    return {"format": FORMAT,
            "old": {"round": d.old.round, "name": d.old.name, "folder": str(d.old.folder or "")},
            "new": {"round": d.new.round, "name": d.new.name, "folder": str(d.new.folder or "")},
            "paper": d.new.paper, "date": d.new.date, "same": not d.changed, "counts": counts,
            "pages": [page_json(p, pdfs.get(p.label, "")) for p in d.pages]}


def _lines(span: tuple[int, int]) -> str:
    a, b = span
    return "" if not a else f"line {a}" if a == b else f"lines {a}-{b}"


def _change_text(c: Change) -> str:
    if c.op == "replace":
        return f"«{c.old}» → «{c.new}» ({_lines(c.new_lines)})"
    if c.op == "insert":
        return f"inserted «{c.new}» ({_lines(c.new_lines)})"
    return f"deleted «{c.old}» (was {_lines(c.old_lines)})"


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def summary_lines(d: EditionDiff) -> list[str]:
    out = [f"{d.old.name} (round {d.old.round}) → {d.new.name} (round {d.new.round}): "
           + ", ".join(f"{n} {s}" for s, n in ((s, sum(1 for p in d.pages if p.status == s))
                                                 for s in (Status.CHANGED, Status.ADDED, Status.REMOVED,
                                                           Status.UNCHANGED)) if n)]
    for p in d.pages:
        if p.status == Status.UNCHANGED:
            continue
        out.append(f"{p.label}: {p.status}")
        if p.status != Status.CHANGED:
            continue
        for s in p.stories:
            what = []
            if s.status != Status.CHANGED:
                moved = f" (from {s.moved_from})" if s.moved_from else f" (to {s.moved_to})" if s.moved_to else ""
                what.append(s.status + moved)
            for fld, cs in s.changes.items():
                what += [f"{fld if fld != 'text' else ''} {_clip(_change_text(c), 90)}".strip() for c in cs]
            if s.reflow:
                what.append(f"reflow ({len(s.reflowed)} lines re-broke)")
            if s.frame:
                what.append(f"frame {s.frame}")
            if s.picture:
                what.append(f"photo {s.picture}")
            out.append(f"  {s.key} [{s.kind}]: " + "; ".join(what))
    return out
