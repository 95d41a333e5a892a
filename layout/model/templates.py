"""Page templates: named page shapes kept beside the house style (`styles/templates/<name>.yaml`).

A template is a set of named slots, each a frame on the grid and a role (lead, second, rail,
photo, teaser, ad).  A page that names a template places its stories, photos and boxes by
assigning their ids to slots (`slots: {lead: medical, photo: lab-photo}`) instead of giving
each entry a frame: a special section's twenty pages are drawn from a few shapes, and a
change to a shape is made once.  The built-in shapes `normal` (folio line) and `front`
(masthead) have no slots and no file.  Slot frames may use `top: below <slot>` and
`lines: auto` like any frame (layout.page.autosize places them).

In: a template name, the style the edition names (its folder's `templates/` is searched
first, then the bundled one) and the Checker of the manifest.  Out: `Template` values and
the page's `PageSlot`s, with every problem (unknown template or slot with a did-you-mean,
a slot given an entry of the wrong kind, an unknown or circular `below`) added to the
manifest's problems, naming file:line (of the template file for problems in it).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

from layout import paths
from layout.errors import Finding, Problem
from layout.model import yamlpos
from layout.model.checker import Checker, kind
from layout.model.edition import Edition, Frame, PageSlot, PendingFrame, Where
from layout.model.styles import find_style

BUILT_IN = ("normal", "front")  # page shapes without a file (manifest.TEMPLATES)
TEMPLATE_KEYS = {"description", "slots"}
SLOT_KEYS = {"role", "frame"}
# A template or slot name: one word.  A pattern, compiled (and kept by `re`) when a template
# file is first read: its class of 21,000 ideographs takes 2 ms to compile, which a build
# with built-in templates only would pay before its workers start.
NAME = r"[A-Za-z0-9_\-\u4e00-\u9fff]+"


class SlotRole(str, Enum):
    """What a slot is for; it decides which kind of entry may fill it."""

    LEAD = "lead"  # the page's main story
    SECOND = "second"  # the other stories
    RAIL = "rail"  # a column of briefs: a story or a box
    PHOTO = "photo"
    TEASER = "teaser"  # a pointer to other pages (导读): a box or a short story
    AD = "ad"  # an advertisement: its artwork as a photo, or a box


class EntryKind(str, Enum):
    STORY = "story"  # a story or a continuation
    PHOTO = "photo"  # a page-level photo
    BOX = "box"


ACCEPTS: dict[SlotRole, tuple[EntryKind, ...]] = {
    SlotRole.LEAD: (EntryKind.STORY,),
    SlotRole.SECOND: (EntryKind.STORY,),
    SlotRole.RAIL: (EntryKind.STORY, EntryKind.BOX),
    SlotRole.PHOTO: (EntryKind.PHOTO,),
    SlotRole.TEASER: (EntryKind.BOX, EntryKind.STORY),
    SlotRole.AD: (EntryKind.PHOTO, EntryKind.BOX),
}


@dataclass(frozen=True)
class Slot:
    """A named place of a page template, with the kind of content it takes and its frame."""

    name: str
    role: SlotRole
    frame: Frame  # a PendingFrame when it is `below` another slot or `auto`
    where: Where


@dataclass(frozen=True)
class Template:
    """A page template file: named slots that a page's stories, photos and boxes fill."""

    name: str
    file: Path
    slots: tuple[Slot, ...]
    description: str = ""

    def slot(self, name: str) -> Slot | None:
        for s in self.slots:
            if s.name == name:
                return s
        return None


def template_dirs(style: str, manifest_dir: Path) -> list[Path]:
    """Where templates are looked for: `templates/` beside the edition's style sheet, then the
    bundled `styles/templates/` (a house style kept elsewhere may still use the bundled shapes)."""
    own = find_style(style, manifest_dir).parent / "templates"
    bundled = paths.styles_dir() / "templates"
    return [own] if own.resolve() == bundled.resolve() else [own, bundled]


def available(dirs: list[Path]) -> list[str]:
    names = {p.stem for d in dirs if d.is_dir() for p in d.glob("*.yaml")}
    return sorted(names | set(BUILT_IN))


class Templates:
    """The templates one manifest uses, each file read once per load."""

    def __init__(self, ck: Checker, style: str):
        self.ck = ck
        self.dirs = template_dirs(style, ck.file.parent)
        self._loaded: dict[str, Template | None] = {}

    def get(self, name: str, path: str) -> Template | None:
        """The template `name` for the page at `path` (its `template` key); None, with a
        problem, when there is no such template or its file has problems."""
        if name not in self._loaded:
            file = None
            if re.fullmatch(NAME, name):  # one word: never a path out of the templates folder
                file = next((d / f"{name}.yaml" for d in self.dirs if (d / f"{name}.yaml").is_file()), None)
            if file is None:
                self._loaded[name] = None
                close = difflib.get_close_matches(name, available(self.dirs), n=1)
                where = " or ".join(str(d) for d in self.dirs)
                self.ck.err(path, f"unknown template {name!r} (no {name}.yaml in {where})",
                            f"did you mean {close[0]!r}?" if close else
                            f"use one of {', '.join(available(self.dirs))}")
                return None
            template, problems = load_template(file)
            self.ck.problems += problems
            self._loaded[name] = template
            if template is None:
                self.ck.err(path, f"template {name!r} ({file}) has problems (listed above)")
        return self._loaded[name]


def load_template(file: Path) -> tuple[Template | None, list[Problem]]:
    """A template file, checked like a manifest (every problem with its line)."""
    try:
        text = file.read_text(encoding="utf-8")
        doc = yamlpos.load(text)
    except (OSError, UnicodeDecodeError) as e:
        return None, [Problem(f"cannot read template: {e}", str(file))]
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        return None, [Problem(f"invalid YAML: {getattr(e, 'problem', None) or e}", str(file), line, col,
                              hint="fix the YAML syntax")]
    ck = Checker(file, doc, allow_outside=False)
    for sub, line, col in doc.duplicates:
        ck.problems.append(Problem("duplicate key", str(file), line, col, sub, "remove one of them"))
    top = ck.mapping(doc.value, "", TEMPLATE_KEYS, ("slots",)) or {}
    raw = top.get("slots")
    if raw is not None and not isinstance(raw, dict):
        ck.err("slots", f"expected a mapping of slot names to {{role, frame}}, got {kind(raw)}")
        raw = {}
    slots: list[Slot] = []
    roles = [r.value for r in SlotRole]
    for name, value in (raw or {}).items():
        sp = yamlpos.join("slots", name)
        if not re.fullmatch(NAME, str(name)):
            ck.err(sp, f"slot name {name!r} is not one word", "use letters, digits, - and _")
        m = ck.mapping(value, sp, SLOT_KEYS, ("role", "frame"))
        if m is None:
            continue
        role = ck.text(m.get("role"), f"{sp}.role", True)
        if role and role not in roles:
            close = difflib.get_close_matches(role, roles, n=1)
            ck.err(f"{sp}.role", f"unknown slot role {role!r}",
                   f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(roles)}")
            continue
        frame = ck.frame(m.get("frame"), f"{sp}.frame")
        if frame is not None and role:
            slots.append(Slot(str(name), SlotRole(role), frame, ck.where(sp)))
    if not slots and not ck.problems:
        ck.err("slots", "a template needs at least one slot")
    names = {s.name: (s.frame, f"slots.{s.name}") for s in slots}
    check_below(ck, names, "this template's slots")
    if ck.problems:
        return None, ck.problems
    return Template(file.stem, file, tuple(slots), ck.line(top.get("description"), "description")), []


def slot_assignments(ck: Checker, value: Any, path: str, template: Template | None, template_name: str
                     ) -> dict[str, str]:
    """A page's `slots:` (slot name -> id of an entry on the page), checked against its template."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        ck.err(path, f"expected a mapping of slot names to ids, got {kind(value)}", "e.g. slots: {lead: medical}")
        return {}
    if template is None:
        if template_name in BUILT_IN:
            ck.err(path, f"slots: needs a page template with slots; {template_name!r} has none",
                   "name a template from styles/templates/, e.g. template: special-photo")
        return {}
    out: dict[str, str] = {}
    given: dict[str, str] = {}
    names = [s.name for s in template.slots]
    for slot, id_ in value.items():
        sp = yamlpos.join(path, slot)
        if template.slot(str(slot)) is None:
            close = difflib.get_close_matches(str(slot), names, n=1)
            ck.err(sp, f"unknown slot {slot!r} in template {template.name!r}",
                   f"did you mean {close[0]!r}?" if close else f"the slots are {', '.join(names)}")
            continue
        sid = ck.text(id_, sp, required=True)
        if not sid:
            continue
        if sid in given:
            ck.err(sp, f"{sid!r} is given two slots ({given[sid]} and {slot})", "an entry fills one slot")
            continue
        given[sid] = str(slot)
        out[str(slot)] = sid
    return out


def page_slots(ck: Checker, path: str, template: Template | None, assigned: dict[str, str],
               entries: dict[str, tuple[EntryKind, str]], ids: list[str]) -> tuple[PageSlot, ...]:
    """The page's slots in template order, each with the id that fills it ("" if empty);
    problems for ids that are no entry of the page (`ids`: every id written on it, for the
    did-you-mean) and entries of a kind the role refuses."""
    if template is None:
        return ()
    out = []
    for slot in template.slots:
        sid = assigned.get(slot.name, "")
        sp = yamlpos.join(f"{path}.slots", slot.name)
        if sid and sid not in entries:
            if sid not in ids:  # (an entry of the page that did not load is reported on its own)
                close = difflib.get_close_matches(sid, ids, n=1)
                ck.err(sp, f"slot {slot.name!r} names {sid!r}, which is no story, photo or box of this page",
                       f"did you mean {close[0]!r}?" if close else
                       "add the entry to the page's stories, photos or boxes")
            sid = ""
        elif sid and entries[sid][0] not in ACCEPTS[slot.role]:
            takes = " or ".join(k.value for k in ACCEPTS[slot.role])
            ck.err(sp, f"slot {slot.name!r} ({slot.role.value}) takes a {takes}; {sid!r} is a {entries[sid][0].value}",
                   "assign it to a slot of its kind")
            sid = ""
        out.append(PageSlot(slot.name, slot.role.value, sid, slot.frame, slot.where))
    return tuple(out)


def check_below(ck: Checker, frames: dict[str, tuple[Frame, str]], scope: str) -> None:
    """Every `top: below <name>` names another frame of `frames` (name -> frame, key path)
    and no chain of them comes back to where it started."""
    def refs(name: str) -> tuple[str, ...]:
        frame = frames[name][0]
        return tuple(r for r in frame.below if r in frames and r != name) if isinstance(frame, PendingFrame) else ()

    for name, (frame, path) in frames.items():
        if not isinstance(frame, PendingFrame):
            continue
        for ref in frame.below:
            if ref == name or frames.get(ref, (None,))[0] is frame:
                ck.err(f"{path}.frame.top", f"{name!r} is placed below itself", "name the frame it stands under")
            elif ref not in frames:
                close = difflib.get_close_matches(ref, list(frames), n=1)
                ck.err(f"{path}.frame.top", f"top: below {ref}: no frame {ref!r} among {scope}",
                       f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(sorted(frames)) or '(none)'}")
    for start in frames:  # depth first from each frame: coming back to it closes a circle
        path = [start]
        seen = {start}
        stack = [iter(refs(start))]
        while stack:
            ref = next(stack[-1], None)
            if ref is None:
                stack.pop()
                path.pop()
                continue
            if ref == start:
                if min(path) == start:  # each circle once, from its first name
                    ck.err(f"{frames[start][1]}.frame.top", "frames placed below each other in a circle: "
                           + " -> ".join(path + [start]), "one of them needs a top line number")
                continue
            if ref in seen:
                continue
            seen.add(ref)
            path.append(ref)
            stack.append(iter(refs(ref)))


def empty_slot_findings(edition: Edition) -> list[Finding]:
    """A slot nothing fills is a hole in the page: a warning (proofs show it as a grey 空 frame)."""
    out = []
    for page in edition.pages:
        for slot in page.empty_slots:
            out.append(Finding("warning", "empty-slot", f"{page.label}/{slot.name}",
                               f"slot {slot.name!r} ({slot.role}) of template {page.template!r} on {page.label} "
                               f"is empty ({slot.where.file}:{slot.where.line})",
                               {"page": page.label, "slot": slot.name, "template": page.template}))
    return out
