"""Edition manifests: YAML file -> validated `Edition` (layout.model).

In: the path of an edition manifest (editions/<name>/edition.yaml).
Out: a frozen Edition with body texts loaded and split into paragraphs, or a
ManifestError listing *every* problem found, each with file:line:column, the key path
and what to do.

The contract (key names) is documented in README.md and layout/model/schema/edition.schema.json.
Geometry checks that need the style (frames inside the grid, overlaps) live in page/grid.py.
Helpers: checker.py (value conversion and problem collection), bodies.py (story texts),
jumps.py (cross references checked once every page is read).
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from pathlib import Path
from typing import Any

import yaml

from layout.errors import ManifestError, Problem
from layout.model import photos as photo_files
from layout.model import prefetch, yamlpos
from layout.model.ads import GRAPHIC_SUFFIXES, graphic_suffix_problem, read_ads
from layout.model.bodies import MAX_BODY_BYTES, TEXT_SUFFIXES, body, split_paragraphs
from layout.model.checker import AUTO, FRAME_KEYS, Checker, display_text, kind
from layout.model.edition import Box, BylineStyle, Edition, Frame, Headline, Page, PendingFrame, Photo, Section, Story
from layout.model.jumps import check_jumps
from layout.model.markup import parse_body
from layout.model.styles import ALIGNS, OPTIONAL_ROLES, ROLE_KEYS, ROLES, STYLE_KEYS, close_hint, is_path
from layout.model.templates import BUILT_IN, EntryKind, Template, Templates, check_below, page_slots, slot_assignments

# the loader's interface; MAX_BODY_BYTES, TEXT_SUFFIXES and split_paragraphs are defined in bodies.py,
# FRAME_KEYS in checker.py and importable from here with the manifest's other key sets
__all__ = ["load_edition", "read_edition", "split_paragraphs", "MAX_BODY_BYTES", "MAX_MANIFEST_BYTES", "MAX_PAGES",
           "MAX_YAML_NODES", "TEXT_SUFFIXES", "EDITION_KEYS", "SECTION_KEYS", "PAGE_KEYS", "STORY_KEYS",
           "CONT_KEYS", "FRAME_KEYS", "HEADLINE_KEYS", "PAGE_PHOTO_KEYS", "BLOCK_PHOTO_KEYS", "BOX_KEYS",
           "FACES", "TEMPLATES", "IMAGE_SUFFIXES", "BYLINE_STYLES"]

MAX_PAGES = 400  # a daily with more pages than this is a typo (10,000 declared pages)
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
MAX_YAML_NODES = 250_000  # after expanding aliases: a "billion laughs" manifest is refused, not expanded

EDITION_KEYS = {"paper", "date", "number", "style", "style_overrides", "publisher"}
SECTION_KEYS = {"id", "name", "label", "pages"}
PAGE_KEYS = {"template", "slots", "editor", "designer", "stories", "photos", "graphics", "boxes", "ads", "blank"}
STORY_KEYS = {"id", "frame", "columns", "kicker", "headline", "subhead", "byline", "byline_style", "body",
              "continues", "see_also", "balance", "photos"}
CONT_KEYS = {"continued", "frame", "columns", "balance", "headline"}  # headline: the 续题
HEADLINE_KEYS = {"text", "size", "face", "vertical", "lines"}
PAGE_PHOTO_KEYS = {"id", "file", "frame", "caption", "credit", "fit"}
BLOCK_PHOTO_KEYS = {"id", "file", "columns", "lines", "caption", "credit", "fit"}
BOX_KEYS = {"id", "frame", "text", "title"}
FACES = ("song", "biaosong", "hei", "kai")
TEMPLATES = BUILT_IN  # page shapes without a file; others are read from styles/templates/<name>.yaml
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
BYLINE_STYLES = tuple(b.value for b in BylineStyle)


def _label_for(section: Section, n: int) -> str:
    return section.label.replace("{n}", str(n))


def load_edition(path: str | Path, allow_outside: bool = False, yaml_memo: dict | None = None) -> Edition:
    """Read, validate and convert a manifest; raises ManifestError with all problems.
    `yaml_memo`: parsed parts of earlier versions of the manifest (yamlpos.load_segmented),
    kept by a resident process between builds."""
    edition, problems = read_edition(path, allow_outside, yaml_memo)
    if problems or edition is None:
        raise ManifestError(problems or Problem("the manifest does not describe an edition", str(path)))
    return edition


def read_edition(path: str | Path, allow_outside: bool = False, yaml_memo: dict | None = None
                 ) -> tuple[Edition | None, list[Problem]]:
    """The edition and every problem found in it.  With problems, the edition holds the
    entries that could be read (placeholders for a missing paper or date), so that the
    geometry checks that need the style (page/grid.py) can report on them in the same pass:
    a desk fixes all of a manifest's errors at once, not keys first and overlaps later.
    Unreadable files and YAML syntax errors are raised (there is nothing to check then)."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ManifestError(Problem(f"manifest {file} not found", str(file),
                                    hint="give the path of an edition.yaml")) from None
    except IsADirectoryError:
        inner = file / "edition.yaml"
        if inner.exists():
            return read_edition(inner, allow_outside, yaml_memo)
        raise ManifestError(Problem(f"{file} is a folder without edition.yaml", str(file))) from None
    except OSError as e:
        raise ManifestError(Problem(f"cannot read manifest: {e.strerror}", str(file))) from None
    if len(raw) > MAX_MANIFEST_BYTES:
        raise ManifestError(Problem(f"manifest is {len(raw)} bytes; the limit is {MAX_MANIFEST_BYTES}", str(file)))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise ManifestError(Problem(f"not UTF-8 (byte 0x{raw[e.start]:02X} at offset {e.start})", str(file),
                                    line, hint="save the manifest as UTF-8")) from None
    try:
        if "&" in text and "*" in text:  # anchors and aliases: bound what expanding them costs
            yamlpos.check_alias_expansion(text, MAX_YAML_NODES)
        doc = (prefetch.located(raw) or yamlpos.load(text)) if yaml_memo is None \
            else yamlpos.load_segmented(text, yaml_memo)
    except yamlpos.AliasError as e:
        raise ManifestError(Problem(f"invalid YAML: {e.message}", str(file), e.line, e.column, hint=e.hint)) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        what = getattr(e, "problem", None) or str(e)
        ctx = getattr(e, "context", None)
        ctx_mark = getattr(e, "context_mark", None)
        if ctx and ctx_mark is not None and ctx_mark.line + 1 != line:  # e.g. where an unclosed quote began
            ctx += f" at line {ctx_mark.line + 1}, column {ctx_mark.column + 1}"
        msg = f"invalid YAML: {what}" + (f" ({ctx})" if ctx else "")
        raise ManifestError(Problem(msg, str(file), line, col, hint="fix the YAML syntax")) from None
    except RecursionError:
        raise ManifestError(Problem("invalid YAML: nested too deeply", str(file))) from None
    except (ValueError, TypeError, OverflowError, AttributeError, KeyError, IndexError) as e:
        # a value its YAML type rejects (date: 2026-02-30, !!bool maybe, !!timestamp x): PyYAML's
        # constructors raise these rather than a YAMLError
        value, line, col = yamlpos.bad_scalar(text)
        raise ManifestError(Problem(f"cannot read {value!r}: {e}", str(file), line, col,
                                    hint="dates are YYYY-MM-DD; quote a value meant as text")) from None
    ck = Checker(file, doc, allow_outside)
    for sub, line, col in doc.duplicates:
        ck.problems.append(Problem("duplicate key (the later value would silently win)", str(file), line, col,
                                   sub, "remove one of them"))
    return _convert(ck, doc.value, raw), ck.problems


def _convert(ck: Checker, root: Any, raw: bytes) -> Edition | None:
    top = ck.mapping(root, "", {"edition", "sections", "pages"}, ("edition", "sections", "pages"))
    if top is None:
        return None
    ed = ck.mapping(top.get("edition"), "edition", EDITION_KEYS, ("paper", "date")) or {}
    before_paper = len(ck.problems)
    paper = ck.line(ed.get("paper"), "edition.paper", required=True)
    if not paper and ed.get("paper") is not None and len(ck.problems) == before_paper:
        ck.err("edition.paper", "the paper's name is empty", "e.g. paper: 江城日报")
    date = ed.get("date")
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            ck.err("edition.date", f"cannot read date {date!r}", "write it as YYYY-MM-DD")
            date = None
    elif date is not None and not isinstance(date, dt.date):
        ck.err("edition.date", f"expected a date YYYY-MM-DD, got {kind(date)}")
        date = None
    number = ed.get("number")
    if number is not None:
        number = ck.integer(number, "edition.number", 1, 10**7)
    style = ck.text(ed.get("style", "broadsheet"), "edition.style") or "broadsheet"
    if is_path(style):  # a style file is held to the edition folder like texts and photos
        ck.path_in_edition(style, "edition.style", "style")
    overrides = ed.get("style_overrides") or {}
    if not isinstance(overrides, dict):
        ck.err("edition.style_overrides", "expected a mapping of style keys")
        overrides = {}
    _check_overrides(ck, overrides)

    sections: list[Section] = []
    raw_sections = top.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        ck.err("sections", "expected a non-empty list of sections", "e.g. - {id: A, name: 要闻, pages: 4}")
        raw_sections = []
    total = 0
    for i, s in enumerate(raw_sections):
        sp = f"sections[{i}]"
        m = ck.mapping(s, sp, SECTION_KEYS, ("id", "name", "pages"))
        if m is None:
            continue
        sid = ck.text(m.get("id"), f"{sp}.id", required=True)
        pages = m.get("pages")
        if isinstance(pages, int) and not isinstance(pages, bool) and pages > MAX_PAGES:
            ck.err(f"{sp}.pages", f"{pages} pages declared; the limit is {MAX_PAGES}",
                   "a daily edition has tens of pages: check the number")
            pages = 1
        pages = ck.integer(pages, f"{sp}.pages", 1, MAX_PAGES)
        total += pages
        label = ck.text(m.get("label", f"{sid}{{n}}"), f"{sp}.label") or f"{sid}{{n}}"
        if "{n}" not in label:
            ck.err(f"{sp}.label", f"label pattern {label!r} has no {{n}}", 'e.g. "T{n}" or "特{n}"')
        sections.append(Section(sid, ck.text(m.get("name"), f"{sp}.name", True), label, pages))
    if total > MAX_PAGES:
        ck.err("sections", f"{total} pages declared in all; the limit is {MAX_PAGES}",
               "a daily edition has tens of pages: check the sections' page counts")
        return None  # do not build (and check) a million page labels first
    seen_ids: dict[str, str] = {}
    for i, s in enumerate(sections):
        if s.id in seen_ids:
            ck.err(f"sections[{i}].id", f"duplicate section id {s.id!r}")
        seen_ids[s.id] = f"sections[{i}]"
    section_path = {s.id: f"sections[{i}]" for i, s in enumerate(sections)}
    order: list[tuple[str, Section, int]] = []
    seen_labels: dict[str, str] = {}
    for s in sections:
        for n in range(1, s.pages + 1):
            lab = _label_for(s, n)
            if lab in seen_labels:
                ck.err("sections", f"page label {lab!r} is produced by two sections ({seen_labels[lab]} and {s.id})")
            seen_labels[lab] = s.id
            order.append((lab, s, n))

    raw_pages = top.get("pages")
    if not isinstance(raw_pages, dict):
        ck.err("pages", "expected a mapping from page labels (A1, T3, 特2) to pages")
        raw_pages = {}
    for lab in raw_pages:
        if str(lab) not in seen_labels:
            close = difflib.get_close_matches(str(lab), list(seen_labels), n=1)
            ck.err(f"pages.{lab}", f"page {lab!r} is not in any section",
                   f"did you mean {close[0]!r}?" if close else "add it to sections: or fix the label")

    ids: dict[str, str] = {}

    def claim(id_: str, path: str) -> None:
        if not id_:
            return
        if id_ in ids:
            ck.err(path, f"duplicate id {id_!r} (first used at {ids[id_]})", "ids must be unique in the edition")
        else:
            ids[id_] = path

    pages: list[Page] = []
    missing: dict[str, list[tuple[str, int]]] = {}  # section id -> declared pages without an entry
    templates = Templates(ck, style)
    for lab, sec, n in order:
        pdata = raw_pages.get(lab)
        pp = f"pages.{lab}"
        if pdata is None:
            missing.setdefault(sec.id, []).append((lab, n))
            pages.append(Page(lab, sec.id, n, where=ck.where(pp)))
            continue
        m = ck.mapping(pdata, pp, PAGE_KEYS)
        if m is None:
            continue
        page = _page(ck, m, pp, lab, sec, n, claim, templates)
        if page is not None:
            pages.append(page)
    for sec in sections:
        if sec.id in missing and isinstance(top.get("pages"), dict):
            _missing_pages(ck, sec, missing[sec.id], section_path[sec.id])
    check_jumps(ck, pages, seen_labels)
    if ck.problems and (not paper or date is None):  # an edition to check the frames of, all the same
        paper, date = paper or "?", date or dt.date(2000, 1, 1)
    if not paper or date is None:
        return None
    return Edition(paper=paper, date=date, style=style, sections=tuple(sections), pages=tuple(pages),
                   source=ck.file, sha256=hashlib.sha256(raw).hexdigest(), number=number,
                   style_overrides=overrides)


def _check_overrides(ck: Checker, over: dict) -> None:
    """style_overrides: only keys a style reads (a typo would silently do nothing), and
    known align values, each reported at its manifest line; the values themselves are
    checked with the style they are merged into."""
    base = "edition.style_overrides"
    ck.mapping(over, base, set(STYLE_KEYS))
    for sec, keys in STYLE_KEYS.items():
        if keys is not None and over.get(sec) is not None:
            ck.mapping(over[sec], f"{base}.{sec}", set(keys))
    roles = over.get("roles")
    if roles is None or ck.mapping(roles, f"{base}.roles", set(ROLES + OPTIONAL_ROLES)) is None:
        return
    for rname, role in roles.items():
        if rname in ROLES + OPTIONAL_ROLES and role is not None and ck.mapping(role, f"{base}.roles.{rname}", set(ROLE_KEYS)):
            align = role.get("align")
            if align is not None and align not in ALIGNS:
                ck.err(f"{base}.roles.{rname}.align", f"unknown align {align!r}", close_hint(str(align), ALIGNS))


def _missing_pages(ck: Checker, sec: Section, missing: list[tuple[str, int]], path: str) -> None:
    """Declared pages without an entry would print blank with a folio, silently: an error,
    unless the entry says `blank: true`.  One problem per section, at its `pages:`."""
    labels = [lab for lab, _ in missing]
    trailing = 0  # the missing pages that end the section: lowering `pages:` drops them
    for k, (_, n) in enumerate(reversed(missing)):
        if n != sec.pages - k:
            break
        trailing += 1
    few = ", ".join(labels[:6]) + (f" and {len(labels) - 6} more" if len(labels) > 6 else "")
    verb = "is" if len(labels) == 1 else "are"
    has = "has" if len(labels) == 1 else "have"
    hint = f"add {'one' if len(labels) == 1 else 'them'}"
    if trailing == len(labels) and sec.pages - trailing >= 1:
        hint += f", or lower pages: to {sec.pages - trailing}"
    hint += f"; a page left empty on purpose takes {labels[0]}: {{blank: true}}"
    ck.err(f"{path}.pages", f"{few} {verb} declared by section {sec.id} but {has} no entry in pages:", hint)


Slotted = dict[str, tuple[str, Frame]]  # entry id -> (slot name, the slot's frame)


def _page(ck: Checker, m: dict, pp: str, lab: str, sec: Section, n: int, claim, templates: Templates
          ) -> Page | None:
    blank = ck.boolean(m.get("blank"), f"{pp}.blank")
    if blank and any(m.get(k) for k in ("stories", "photos", "graphics", "boxes", "ads")):
        ck.err(f"{pp}.blank", f"page {lab} is marked blank: true but has stories, photos, boxes or ads",
               "remove blank: true, or the page's contents")
    template_name = ck.text(m.get("template", "normal"), f"{pp}.template") or "normal"
    template: Template | None = None
    if template_name not in TEMPLATES:
        template = templates.get(template_name, f"{pp}.template")
    assigned = slot_assignments(ck, m.get("slots"), f"{pp}.slots", template, template_name)
    slotted: Slotted = {}
    if template is not None:
        for slot_name, sid in assigned.items():
            slot = template.slot(slot_name)
            if slot is not None:
                slotted[sid] = (slot_name, slot.frame)
    entries: dict[str, tuple[EntryKind, str]] = {}
    frames: dict[str, tuple[Frame, str]] = {}  # what `top: below <name>` may name on this page
    stories = []
    for i, v in enumerate(ck.sequence(m.get("stories"), f"{pp}.stories")):
        st = _story(ck, v, f"{pp}.stories[{i}]", claim, slotted)
        if st:
            stories.append(st)
            entries[st.id] = (EntryKind.STORY, f"{pp}.stories[{i}]")
            frames[st.id] = (st.frame, f"{pp}.stories[{i}]")
    photos = []
    for key, i, v in [(k, i, v) for k in ("photos", "graphics") for i, v in enumerate(ck.sequence(m.get(k), f"{pp}.{k}"))]:
        ph = _photo(ck, v, f"{pp}.{key}[{i}]", page_level=True, slotted=slotted, graphic=key == "graphics")
        if ph:
            claim(ph.id, f"{pp}.{key}[{i}]")
            photos.append(ph)
            entries[ph.id] = (EntryKind.PHOTO, f"{pp}.{key}[{i}]")
            frames[ph.id] = (ph.frame, f"{pp}.{key}[{i}]")  # type: ignore[assignment]
    ads = read_ads(ck, m.get("ads"), pp, claim)  # booked ads (model/ads.py): not names for top: below
    boxes = []
    for i, v in enumerate(ck.sequence(m.get("boxes"), f"{pp}.boxes")):
        bp = f"{pp}.boxes[{i}]"
        bm = ck.mapping(v, bp, BOX_KEYS, ("id", "text"))
        if bm is None:
            continue
        bid = ck.text(bm.get("id"), f"{bp}.id", True)
        fr = _frame(ck, bm, bp, bid, slotted)
        claim(bid, bp)
        txt = ck.text(bm.get("text"), f"{bp}.text", True)
        if fr:
            boxes.append(Box(bid, fr, txt, ck.line(bm.get("title"), f"{bp}.title"), ck.where(bp)))
            entries[bid] = (EntryKind.BOX, bp)
            frames[bid] = (fr, bp)
    written = [str(v.get("id", v.get("continued", ""))) for key in ("stories", "photos", "graphics", "boxes")
               for v in (m.get(key) if isinstance(m.get(key), list) else []) if isinstance(v, dict)]
    slots = page_slots(ck, pp, template, assigned, entries, written)
    for slot in slots:
        sp = f"{pp}.slots.{slot.name}" if slot.id else f"{pp}.template"
        if slot.name in frames and slot.id != slot.name:
            ck.err(sp, f"{slot.name!r} is both a slot of template {template_name!r} and an entry of {lab}",
                   "rename the entry (top: below <name> must name one frame)")
        elif slot.id:
            frames.setdefault(slot.name, frames[slot.id])
        else:
            frames[slot.name] = (slot.frame, sp)
    check_below(ck, frames, f"the frames and slots of {lab}")
    return Page(lab, sec.id, n, template_name, ck.line(m.get("editor"), f"{pp}.editor"),
                ck.line(m.get("designer"), f"{pp}.designer"), tuple(stories), tuple(photos), tuple(boxes),
                ck.where(pp), blank, slots, tuple(ads))


def _frame(ck: Checker, m: dict, path: str, id_: str, slotted: Slotted) -> Frame | None:
    """The entry's own `frame:`, or the frame of the template slot the page gives it."""
    slot = slotted.get(id_)
    if m.get("frame") is not None:
        if slot is not None:
            ck.err(f"{path}.frame", f"{id_!r} has a frame and fills slot {slot[0]!r} too", "give one of them")
        return ck.frame(m.get("frame"), f"{path}.frame")
    if slot is not None:
        return slot[1]
    ck.err(path, "missing required key 'frame'", "give a frame, or name this entry in the page's slots:")
    return None


def _photo(ck: Checker, v: Any, path: str, page_level: bool, slotted: Slotted | None = None, graphic: bool = False
           ) -> Photo | None:
    keys = PAGE_PHOTO_KEYS if page_level else BLOCK_PHOTO_KEYS
    req = ("id", "file") if page_level else ("id", "file", "lines")
    m = ck.mapping(v, path, keys, req)
    if m is None:
        return None
    pid = ck.text(m.get("id"), f"{path}.id", True)
    file = ck.path_in_edition(m.get("file"), f"{path}.file", "photo")
    if file is not None and graphic and graphic_suffix_problem(file, f"{path}.file", ck):
        file = None
    elif file is not None and file.suffix.lower() not in IMAGE_SUFFIXES + GRAPHIC_SUFFIXES:
        ck.err(f"{path}.file", f"unsupported image type {file.suffix!r}", "use JPEG, PNG or TIFF (or PDF for a graphic)")
    elif file is not None:  # readable to the end, printable, not too many pixels (model/photos.py)
        ck.problems += photo_files.problems(pid, file, ck.where(path))
    fit = ck.text(m.get("fit", "contain" if graphic else "cover"), f"{path}.fit") or "cover"
    if fit not in ("cover", "contain"):
        ck.err(f"{path}.fit", f"unknown fit {fit!r}", "use cover or contain")
    frame = _frame(ck, m, path, pid, slotted or {}) if page_level else None
    columns = 1 if page_level else ck.integer(m.get("columns"), f"{path}.columns", 1, 16, default=1)
    auto = not page_level and m.get("lines") == AUTO  # the picture's height at its width, plus the caption
    lines = 0 if page_level or auto else ck.lines(m.get("lines"), f"{path}.lines", 3)
    if file is None or (page_level and frame is None):
        return None
    return Photo(pid, file, ck.line(m.get("caption"), f"{path}.caption"), ck.line(m.get("credit"), f"{path}.credit"),
                 fit, frame, columns, lines, ck.where(path), auto)


def _story(ck: Checker, v: Any, path: str, claim, slotted: Slotted) -> Story | None:
    if isinstance(v, dict) and "continued" in v:
        m = ck.mapping(v, path, CONT_KEYS, ("continued",))
        if m is None:
            return None
        src = ck.text(m.get("continued"), f"{path}.continued", True)
        fr = _frame(ck, m, path, src, slotted)
        cols = ck.integer(m.get("columns"), f"{path}.columns", 1, 16, default=fr.span if fr else 1)
        if fr is None:
            return None
        cont_head = ck.line(m.get("headline"), f"{path}.headline")
        return Story(id=src, frame=fr, columns=cols, continued_from=src,
                     headline=Headline(cont_head) if cont_head else None,
                     balance=ck.boolean(m.get("balance"), f"{path}.balance"), where=ck.where(path))
    m = ck.mapping(v, path, STORY_KEYS, ("id", "body"))
    if m is None:
        return None
    sid = ck.text(m.get("id"), f"{path}.id", True)
    claim(sid, path)
    fr = _frame(ck, m, path, sid, slotted)
    if isinstance(fr, PendingFrame) and fr.auto and m.get("continues"):
        ck.err(f"{path}.frame.lines" if m.get("frame") is not None else f"{path}.continues",
               f"story {sid!r} continues on another page, so its frame cannot be lines: auto",
               "its frame's lines decide where the text jumps: give a number")
    cols = ck.integer(m.get("columns"), f"{path}.columns", 1, 16, default=fr.span if fr else 1)
    headline = None
    h = m.get("headline")
    if isinstance(h, dict):
        hm = ck.mapping(h, f"{path}.headline", HEADLINE_KEYS, ("text",)) or {}
        size = hm.get("size")
        size_pt = None
        if size is not None:
            from layout.model.units import parse_length
            try:
                size_pt = parse_length(size)
            except ValueError as e:
                ck.err(f"{path}.headline.size", str(e))
        face = hm.get("face")
        if face is not None and face not in FACES:
            ck.err(f"{path}.headline.face", f"unknown face {face!r}", f"use one of {', '.join(FACES)}")
            face = None
        lines = hm.get("lines")
        if lines is not None:
            lines = ck.integer(lines, f"{path}.headline.lines", 1, 6)
        text, breaks = display_text(ck, hm.get("text"), f"{path}.headline.text", True)
        headline = Headline(text, size_pt, face, ck.boolean(hm.get("vertical"), f"{path}.headline.vertical"), lines,
                            breaks)
    elif h is not None:
        text, breaks = display_text(ck, h, f"{path}.headline")
        headline = Headline(text, breaks=breaks)
    kicker, kicker_breaks = display_text(ck, m.get("kicker"), f"{path}.kicker")
    subhead, subhead_breaks = display_text(ck, m.get("subhead"), f"{path}.subhead")
    paragraphs, markup = parse_body(body(ck, m.get("body"), f"{path}.body", sid))
    byline_style = None
    raw_style = m.get("byline_style")
    if raw_style is not None:
        name = ck.text(raw_style, f"{path}.byline_style")
        if name in BYLINE_STYLES:
            byline_style = BylineStyle(name)
        elif name:
            ck.err(f"{path}.byline_style", f"unknown byline style {name!r}", f"use one of {', '.join(BYLINE_STYLES)}")
    photos = []
    for i, pv in enumerate(ck.sequence(m.get("photos"), f"{path}.photos")):
        ph = _photo(ck, pv, f"{path}.photos[{i}]", page_level=False)
        if ph:
            claim(ph.id, f"{path}.photos[{i}]")
            if ph.columns > cols:
                ck.err(f"{path}.photos[{i}].columns", f"photo covers {ph.columns} text columns; the story has {cols}")
            photos.append(ph)
    if fr is None:
        return None
    return Story(id=sid, frame=fr, columns=cols, paragraphs=paragraphs,
                 kicker=kicker, headline=headline, subhead=subhead, kicker_breaks=kicker_breaks,
                 subhead_breaks=subhead_breaks, byline=ck.line(m.get("byline"), f"{path}.byline"),
                 continues=ck.text(m.get("continues"), f"{path}.continues"),
                 see_also=ck.text(m.get("see_also"), f"{path}.see_also"),
                 balance=ck.boolean(m.get("balance"), f"{path}.balance"), photos=tuple(photos), where=ck.where(path),
                 markup=markup, byline_style=byline_style)
