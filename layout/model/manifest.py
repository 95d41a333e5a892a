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
import re
from pathlib import Path
from typing import Any

import yaml

from layout.errors import ManifestError, Problem
from layout.model import photos as photo_files
from layout.model import yamlpos
from layout.model.bodies import MAX_BODY_BYTES, PATH_LIKE, body, split_paragraphs
from layout.model.checker import FRAME_KEYS, Checker, kind
from layout.model.edition import Box, Edition, Headline, Page, Photo, Section, Story
from layout.model.jumps import check_jumps

# the loader's interface; MAX_BODY_BYTES, PATH_LIKE and split_paragraphs are defined in bodies.py,
# FRAME_KEYS in checker.py and importable from here with the manifest's other key sets
__all__ = ["load_edition", "split_paragraphs", "MAX_BODY_BYTES", "MAX_MANIFEST_BYTES", "MAX_PAGES",
           "MAX_YAML_NODES", "PATH_LIKE", "EDITION_KEYS", "SECTION_KEYS", "PAGE_KEYS", "STORY_KEYS",
           "CONT_KEYS", "FRAME_KEYS", "HEADLINE_KEYS", "PAGE_PHOTO_KEYS", "BLOCK_PHOTO_KEYS", "BOX_KEYS",
           "FACES", "TEMPLATES", "IMAGE_SUFFIXES"]

MAX_PAGES = 400  # a daily with more pages than this is a typo (10,000 declared pages)
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
MAX_YAML_NODES = 250_000  # after expanding aliases: a "billion laughs" manifest is refused, not expanded

EDITION_KEYS = {"paper", "date", "number", "style", "style_overrides", "publisher"}
SECTION_KEYS = {"id", "name", "label", "pages"}
PAGE_KEYS = {"template", "editor", "designer", "stories", "photos", "boxes"}
STORY_KEYS = {"id", "frame", "columns", "kicker", "headline", "subhead", "byline", "body",
              "continues", "see_also", "balance", "photos"}
CONT_KEYS = {"continued", "frame", "columns", "balance"}
HEADLINE_KEYS = {"text", "size", "face", "vertical", "lines"}
PAGE_PHOTO_KEYS = {"id", "file", "frame", "caption", "credit", "fit"}
BLOCK_PHOTO_KEYS = {"id", "file", "columns", "lines", "caption", "credit", "fit"}
BOX_KEYS = {"id", "frame", "text", "title"}
FACES = ("song", "biaosong", "hei", "kai")
TEMPLATES = ("normal", "front")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")


def _label_for(section: Section, n: int) -> str:
    return section.label.replace("{n}", str(n))


def load_edition(path: str | Path, allow_outside: bool = False, yaml_memo: dict | None = None) -> Edition:
    """Read, validate and convert a manifest; raises ManifestError with all problems.
    `yaml_memo`: parsed parts of earlier versions of the manifest (yamlpos.load_segmented),
    kept by a resident process between builds."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except FileNotFoundError:
        raise ManifestError(Problem(f"manifest {file} not found", str(file),
                                    hint="give the path of an edition.yaml")) from None
    except IsADirectoryError:
        inner = file / "edition.yaml"
        if inner.exists():
            return load_edition(inner, allow_outside, yaml_memo)
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
        doc = yamlpos.load(text) if yaml_memo is None else yamlpos.load_segmented(text, yaml_memo)
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
    edition = _convert(ck, doc.value, raw)
    if ck.problems or edition is None:
        raise ManifestError(ck.problems or Problem("the manifest does not describe an edition", str(file)))
    return edition


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
    overrides = ed.get("style_overrides") or {}
    if not isinstance(overrides, dict):
        ck.err("edition.style_overrides", "expected a mapping of style keys")
        overrides = {}

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
    for lab, sec, n in order:
        pdata = raw_pages.get(lab)
        pp = f"pages.{lab}"
        if pdata is None:
            pages.append(Page(lab, sec.id, n, where=ck.where(pp)))
            continue
        m = ck.mapping(pdata, pp, PAGE_KEYS)
        if m is None:
            continue
        template = ck.text(m.get("template", "normal"), f"{pp}.template") or "normal"
        if template not in TEMPLATES:
            ck.err(f"{pp}.template", f"unknown template {template!r}", f"use one of {', '.join(TEMPLATES)}")
        stories = tuple(st for st in (_story(ck, v, f"{pp}.stories[{i}]", claim)
                                      for i, v in enumerate(ck.sequence(m.get("stories"), f"{pp}.stories"))) if st)
        photos = []
        for i, v in enumerate(ck.sequence(m.get("photos"), f"{pp}.photos")):
            ph = _photo(ck, v, f"{pp}.photos[{i}]", page_level=True)
            if ph:
                claim(ph.id, f"{pp}.photos[{i}]")
                photos.append(ph)
        boxes = []
        for i, v in enumerate(ck.sequence(m.get("boxes"), f"{pp}.boxes")):
            bp = f"{pp}.boxes[{i}]"
            bm = ck.mapping(v, bp, BOX_KEYS, ("id", "frame", "text"))
            if bm is None:
                continue
            fr = ck.frame(bm.get("frame"), f"{bp}.frame")
            bid = ck.text(bm.get("id"), f"{bp}.id", True)
            claim(bid, bp)
            txt = ck.text(bm.get("text"), f"{bp}.text", True)
            if fr:
                boxes.append(Box(bid, fr, txt, ck.line(bm.get("title"), f"{bp}.title"), ck.where(bp)))
        pages.append(Page(lab, sec.id, n, template, ck.line(m.get("editor"), f"{pp}.editor"),
                          ck.line(m.get("designer"), f"{pp}.designer"), stories, tuple(photos), tuple(boxes),
                          ck.where(pp)))
    check_jumps(ck, pages, seen_labels)
    if ck.problems or not paper or date is None:
        return None
    return Edition(paper=paper, date=date, style=style, sections=tuple(sections), pages=tuple(pages),
                   source=ck.file, sha256=hashlib.sha256(raw).hexdigest(), number=number,
                   style_overrides=overrides)


def _photo(ck: Checker, v: Any, path: str, page_level: bool) -> Photo | None:
    keys = PAGE_PHOTO_KEYS if page_level else BLOCK_PHOTO_KEYS
    req = ("id", "file", "frame") if page_level else ("id", "file", "lines")
    m = ck.mapping(v, path, keys, req)
    if m is None:
        return None
    pid = ck.text(m.get("id"), f"{path}.id", True)
    file = ck.path_in_edition(m.get("file"), f"{path}.file", "photo")
    if file is not None and file.suffix.lower() not in IMAGE_SUFFIXES:
        ck.err(f"{path}.file", f"unsupported image type {file.suffix!r}", "use JPEG, PNG or TIFF")
    elif file is not None:  # readable to the end, printable, not too many pixels (model/photos.py)
        ck.problems += photo_files.problems(pid, file, ck.where(path))
    fit = ck.text(m.get("fit", "cover"), f"{path}.fit") or "cover"
    if fit not in ("cover", "contain"):
        ck.err(f"{path}.fit", f"unknown fit {fit!r}", "use cover or contain")
    frame = ck.frame(m.get("frame"), f"{path}.frame") if page_level else None
    columns = 1 if page_level else ck.integer(m.get("columns"), f"{path}.columns", 1, 16, default=1)
    lines = 0 if page_level else ck.integer(m.get("lines"), f"{path}.lines", 3, 1000)
    if file is None or (page_level and frame is None):
        return None
    return Photo(pid, file, ck.line(m.get("caption"), f"{path}.caption"), ck.line(m.get("credit"), f"{path}.credit"),
                 fit, frame, columns, lines, ck.where(path))


_BREAK = re.compile(r"(?<!\\)\|")  # a | not preceded by a backslash


def display_text(ck: Checker, value: Any, path: str, required: bool = False) -> tuple[str, tuple[int, ...]]:
    """A kicker, headline or subhead: one text whose `|` marks a line break, or a list of lines.

    Returns the text as printed (whitespace runs as one space, `\\|` as a literal |, no
    marks) and the offsets in it where the editor broke the line.  Spaces around a break
    are dropped: the break separates the phrases."""
    if isinstance(value, list):
        if not value:
            ck.err(path, "empty list of lines", "give one text per line, or a single text")
        items = [(v, f"{path}[{i}]", True) for i, v in enumerate(value)]
    else:
        items = [(value, path, required)]
    parts: list[str] = []
    for v, where, needed in items:
        known = len(ck.problems)
        text = ck.text(v, where, needed)
        pieces = [re.sub(r"\s+", " ", piece.replace("\\|", "|")).strip() for piece in _BREAK.split(text)]
        if (len(pieces) > 1 or len(items) > 1) and not all(pieces) and len(ck.problems) == known:
            ck.err(where, f"empty line in {text!r}", "remove the extra | (write \\| to print a |)")
        parts += [piece for piece in pieces if piece]
    breaks, at = [], 0
    for piece in parts[:-1]:
        at += len(piece)
        breaks.append(at)
    return "".join(parts), tuple(breaks)


def _story(ck: Checker, v: Any, path: str, claim) -> Story | None:
    if isinstance(v, dict) and "continued" in v:
        m = ck.mapping(v, path, CONT_KEYS, ("continued", "frame"))
        if m is None:
            return None
        fr = ck.frame(m.get("frame"), f"{path}.frame")
        src = ck.text(m.get("continued"), f"{path}.continued", True)
        cols = ck.integer(m.get("columns"), f"{path}.columns", 1, 16, default=fr.span if fr else 1)
        if fr is None:
            return None
        return Story(id=src, frame=fr, columns=cols, continued_from=src,
                     balance=ck.boolean(m.get("balance"), f"{path}.balance"), where=ck.where(path))
    m = ck.mapping(v, path, STORY_KEYS, ("id", "frame", "body"))
    if m is None:
        return None
    sid = ck.text(m.get("id"), f"{path}.id", True)
    claim(sid, path)
    fr = ck.frame(m.get("frame"), f"{path}.frame")
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
    paragraphs = body(ck, m.get("body"), f"{path}.body", sid)
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
                 balance=ck.boolean(m.get("balance"), f"{path}.balance"), photos=tuple(photos), where=ck.where(path))
