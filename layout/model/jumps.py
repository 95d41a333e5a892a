"""Cross references between stories: jumps (continues: / continued:) and see_also: pointers.

Checked once all pages are read, since a jump names a page (and a story) that may come
later in the manifest.
"""

from __future__ import annotations

import difflib

from layout.model.checker import Checker
from layout.model.edition import Page, Story


def check_jumps(ck: Checker, pages: list[Page], labels: dict[str, str]) -> None:
    """Every jump goes both ways (continues: on the source, one {continued: id} on the target
    page, never the same page) and every page named by continues: or see_also: exists:
    a broken jump would print "continued on A3" over a story that never resumes."""
    sources: dict[str, tuple[Page, Story, int]] = {}
    for p in pages:
        for i, s in enumerate(p.stories):
            if not s.continued_from:
                sources[s.id] = (p, s, i)
    conts: dict[str, list[tuple[Page, int]]] = {}
    for p in pages:
        for i, s in enumerate(p.stories):
            path = f"pages.{p.label}.stories[{i}]"
            if s.continued_from:
                conts.setdefault(s.continued_from, []).append((p, i))
                src = sources.get(s.continued_from)
                if src is None:
                    ck.err(f"{path}.continued", f"continuation of unknown story {s.continued_from!r}",
                           "name the id of a story that has continues:")
                elif src[1].continues != p.label:
                    ck.err(f"{path}.continued", f"story {s.continued_from!r} does not jump here: it has "
                           f"continues: {src[1].continues or '(none)'} on {src[0].label}",
                           f"add continues: {p.label} to story {s.continued_from!r}")
                elif src[0].label == p.label:
                    ck.err(f"{path}.continued", f"story {s.id!r} jumps to its own page {p.label} (a jump cycle)")
            for key in ("continues", "see_also"):
                target = getattr(s, key)
                if target and target not in labels:
                    close = difflib.get_close_matches(target, list(labels), n=1)
                    ck.err(f"{path}.{key}", f"{key}: page {target!r} does not exist in this edition",
                           f"did you mean {close[0]!r}?" if close else "use a page label such as A3 or T5")
            if s.continues and s.continues == p.label:
                ck.err(f"{path}.continues", f"story {s.id!r} jumps to its own page {p.label} (a jump cycle)",
                       "jump to another page")
    for sid, (p, s, i) in sources.items():
        if s.continues and s.continues in labels and s.continues != p.label and sid not in conts:
            ck.err(f"pages.{p.label}.stories[{i}].continues",
                   f"story {sid!r} jumps to {s.continues} but {s.continues} has no entry {{continued: {sid}}}",
                   f"add {{continued: {sid}, frame: ...}} to pages.{s.continues}.stories")
    for sid, entries in conts.items():
        if len(entries) > 1:
            for p, i in entries[1:]:
                ck.err(f"pages.{p.label}.stories[{i}].continued",
                       f"story {sid!r} is continued twice (also on {entries[0][0].label})",
                       "a story may resume in one place only")
