"""Style sheets: YAML house styles -> a resolved, frozen `Style`.

Geometry is data (styles/*.yaml), never code: page size, type area, the column grid,
body size and leading (which fix the lines per column) and one `Role` per kind of text.
An edition may override any value (`edition.style_overrides`, merged key by key).
"""

from __future__ import annotations

import difflib
import re
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it

from layout import paths
from layout.errors import Problem, StyleError
from layout.model import yamlpos
from layout.model.edition import BylineStyle
from layout.model.units import parse_length

ROLES = ("masthead", "folio", "kicker", "headline", "subhead", "byline", "body", "caption",
         "credit", "jump", "box", "box_title", "dateline")
# roles a style may leave out (style sheets written before they existed): derived from others
OPTIONAL_ROLES = ("intertitle", "continuation_headline")
BYLINE_STYLES = tuple(b.value for b in BylineStyle)
KINSOKU_LEVELS = ("basic", "strict")
ALIGNS = ("justify", "left", "center", "right")
# The keys a style sheet may have (README "Styles"): section -> its keys; None for `name` (a
# value) and `roles` (role names from ROLES, each a mapping of ROLE_KEYS).  A key no style
# reads is a typo that would silently do nothing: an error, in a style file and in an
# edition's style_overrides alike.
STYLE_KEYS: dict[str, frozenset[str] | None] = {
    "name": None,
    "page": frozenset({"width", "height"}),
    "grid": frozenset({"body_size", "leading", "columns", "column_chars", "gutter_chars", "lines", "top"}),
    "paragraph": frozenset({"indent", "indent_after_heading", "kinsoku", "trim_opening_at_line_start", "latin_gap",
                            "hanging_punctuation"}),
    "masthead": frozenset({"lines"}),
    "rules": frozenset({"weight", "folio_weight", "box_weight", "box_padding"}),
    "print": frozenset({"bleed", "ink_limit"}),
    "story": frozenset({"byline_style", "intertitle_space"}),
    "roles": None,
}
ROLE_KEYS = frozenset({"face", "size", "leading", "color", "align", "sizes", "max_lines", "latin_gap"})
# what every style sheet has: a file without them is not a style sheet (and is not quoted)
REQUIRED_SECTIONS = ("page", "grid", "roles")
MAX_STYLE_BYTES = 1024 * 1024  # a house style is a few kB
# The space between Han and digits/Latin (clreq §mixed_text_composition: "at most ¼ em"):
# mainland dailies set "8月18日" and "112项" solid, books and some tabloids use ¼ em.
LATIN_GAPS = {"0": 0.0, "1/8": 0.125, "1/4": 0.25}

# Colours are CMYK tuples: the print renderer writes them as is; others convert.
COLORS: dict[str, tuple[float, float, float, float]] = {
    "black": (0.0, 0.0, 0.0, 1.0),
    "red": (0.0, 1.0, 1.0, 0.0),  # masthead red (M100 Y100)
    "grey": (0.0, 0.0, 0.0, 0.5),
    "white": (0.0, 0.0, 0.0, 0.0),
}


@dataclass(frozen=True)
class Role:
    """How one typographic role (body, headline, caption...) is set: its face, size and leading."""

    face: str  # face role in fonts.yaml: song, biaosong, hei, kai
    size: float  # pt
    leading: float  # pt, line pitch for multi-line settings
    color: str = "black"
    align: str = "justify"  # justify | left | center | right
    sizes: tuple[float, ...] = ()  # copyfit candidates, largest first
    max_lines: int = 1
    latin_gap: float = 0.25  # em between Han and digits/Latin: the role's key, else paragraph.latin_gap


@dataclass(frozen=True)
class Style:
    """A style sheet as read: the page, its grid and every role; one per build, shared by every page."""

    name: str
    source: str
    page_width: float
    page_height: float
    type_top: float  # pt from the trim top to the first grid line
    columns: int
    column_chars: int
    gutter_chars: int
    lines: int
    body_size: float
    leading: float
    indent_chars: float
    indent_after_heading: bool
    kinsoku: str
    trim_opening_at_line_start: bool
    latin_gap: float  # em, paragraph.latin_gap: the default of every role
    # paragraph.hanging_punctuation: a pause or stop may hang half an em past the measure of
    # justified text (点号悬挂), a house choice; off, every line ends on the measure
    hanging_punctuation: bool
    masthead_lines: int
    rule_weight: float
    folio_rule_weight: float
    box_weight: float
    box_padding_chars: float
    bleed: float
    roles: dict[str, Role] = field(hash=False, compare=False)
    byline_style: BylineStyle = BylineStyle.LINE  # story.byline_style: the house's default
    intertitle_space: int = 1  # story.intertitle_space: grid lines of space an intertitle adds
    ink_limit: float = 2.2  # print.ink_limit (percent in the file): total ink booked ads may reach

    @property
    def em(self) -> float:
        return self.body_size

    @property
    def column_width(self) -> float:
        return self.column_chars * self.em

    @property
    def gutter(self) -> float:
        return self.gutter_chars * self.em

    @property
    def type_width(self) -> float:
        return self.columns * self.column_width + (self.columns - 1) * self.gutter

    @property
    def type_height(self) -> float:
        return self.lines * self.leading

    @property
    def type_left(self) -> float:
        return (self.page_width - self.type_width) / 2

    def role(self, name: str) -> Role:
        return self.roles[name]


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = v
    return out


def is_path(name: str) -> bool:
    """A style given as a file (``styles/house.yaml``, ``../x``) rather than a bundled name:
    the manifest loader holds such a path to the edition folder like a body text or photo."""
    return name.endswith((".yaml", ".yml")) or "/" in name


def find_style(name: str, relative_to: Path | None = None) -> Path:
    """A style name (styles/<name>.yaml) or a path (relative to the manifest)."""
    if is_path(name):
        p = Path(name)
        if not p.is_absolute() and relative_to is not None:
            p = relative_to / p
        return p
    return paths.styles_dir() / f"{name}.yaml"


def close_hint(value: str, allowed: list[str] | tuple[str, ...]) -> str:
    """"did you mean 'x'?" for a near miss, else the allowed values (manifest and style alike)."""
    close = difflib.get_close_matches(value, list(allowed), n=1)
    return f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(allowed)}"


def unknown_keys(data: dict[str, Any]) -> list[Problem]:
    """A problem for each key of a style mapping that no style reads, with "did you mean"
    (positions are the caller's: the manifest loader checks style_overrides itself)."""
    out: list[Problem] = []

    def check(node: Any, path: str, allowed: frozenset[str] | tuple[str, ...]) -> list[str]:
        if not isinstance(node, dict):
            return []
        bad = [str(k) for k in node if k not in allowed]
        for k in bad:
            out.append(Problem(f"unknown key {k!r}", path=f"{path}.{k}" if path else k,
                               hint=close_hint(k, sorted(allowed))))
        return [str(k) for k in node if k in allowed]

    for sec in check(data, "", tuple(STYLE_KEYS)):
        sub = STYLE_KEYS[sec]
        if sub is not None:
            check(data[sec], sec, sub)
    roles = data.get("roles")
    for rname in check(roles, "roles", ROLES + OPTIONAL_ROLES):
        check(roles[rname], f"roles.{rname}", ROLE_KEYS)
    return out


def load_style(name: str, relative_to: Path | None = None, overrides: dict | None = None) -> Style:
    """The style `name` (bundled) or file (relative to `relative_to`), with `overrides` merged
    over it.  What the file holds is quoted in an error only once it is known to be a style
    sheet: a style path that names some other file (a mistake, or a probe with
    --allow-outside) gets "not a style sheet", never its content."""
    path = find_style(name, relative_to)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a folder, a FIFO, /dev/zero: nothing to read
            raise StyleError(Problem(f"style {name!r} is not a file", file=str(path)))
        if info.st_size > MAX_STYLE_BYTES:
            raise StyleError(Problem(f"style file is {info.st_size} bytes; the limit is {MAX_STYLE_BYTES} "
                                     "(a style sheet is a few kB)", file=str(path)))
        raw = path.read_bytes()
    except FileNotFoundError:
        known = ", ".join(sorted(p.stem for p in paths.styles_dir().glob("*.yaml")))
        raise StyleError(Problem(f"style {name!r} not found at {path}", hint=f"known styles: {known}")) from None
    except (OSError, ValueError) as e:  # permission denied, a name too long, a NUL in the name
        raise StyleError(Problem(f"cannot read style: {getattr(e, 'strerror', None) or e}", file=str(path))) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise StyleError(Problem(f"not UTF-8 (byte 0x{raw[e.start]:02X})", file=str(path), line=line,
                                 hint="a style sheet is a UTF-8 YAML file")) from None
    try:
        data = yaml.load(text, Loader=_YAML)
    except yaml.YAMLError as e:  # its position and what is wrong; str(e) would quote the file's lines
        mark = getattr(e, "problem_mark", None)
        # PyYAML quotes what it stumbled on: a character ('\t') helps, a word of a file that
        # may be no style at all (an alias, a tag) is not repeated
        what = re.sub(r"'[^']{4,}'", "…", getattr(e, "problem", None) or "not YAML")
        raise StyleError(Problem(f"invalid YAML in the style: {what}", file=str(path),
                                 line=mark.line + 1 if mark else 0, column=mark.column + 1 if mark else 0,
                                 hint="fix the YAML syntax")) from None
    except (ValueError, TypeError, OverflowError, AttributeError, KeyError, IndexError, RecursionError):
        raise StyleError(Problem("invalid YAML in the style: a value its type rejects", file=str(path),
                                 hint="quote values meant as text")) from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), dict) for k in REQUIRED_SECTIONS):
        raise StyleError(Problem(
            "not a style sheet: a style is a YAML mapping with page, grid and roles sections", file=str(path),
            hint="give a style name (" + ", ".join(sorted(p.stem for p in paths.styles_dir().glob("*.yaml")))
            + ") or the path of a style YAML (see styles/broadsheet.yaml)"))
    problems = [Problem(p.message, str(path), path=p.path, hint=p.hint) for p in unknown_keys(data)]
    source = str(path)
    if overrides:
        data = _merge(data, overrides)
        source += " with the edition's style_overrides"
    try:
        style = style_from_dict(data, source)
    except StyleError as e:
        problems += e.problems
    if problems:  # all of them at once, each at its line of the style file
        raise StyleError(_located(problems, str(path), text))
    return style


def _located(problems: list[Problem], file: str, text: str) -> list[Problem]:
    """Problems of the style file `file` with the line and column of their key path (the
    style is parsed again with positions only when it has problems)."""
    try:
        doc = yamlpos.load(text)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return problems
    out = []
    for p in problems:
        if p.file == file and p.path and not p.line:
            key = doc.marks.get(p.path + "#key") if p.message.startswith("unknown key") else None
            line, column = key or doc.mark(p.path)
            p = replace(p, line=line, column=column)
        out.append(p)
    return out


def path_of(source: str) -> str:
    return source.split(" with ")[0]


def parse_latin_gap(raw: Any) -> float | None:
    """0, 1/8 or 1/4 em (also written 0em, 0.125em, 0.25em, 0.125, 0.25); None if not one of them.

    Only these three: clreq allows at most ¼ em, and a gap between them would only be a
    typing slip, so anything else is an error rather than a silently odd page."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        return None
    text = str(raw).lower().replace(" ", "").removesuffix("em")
    if text in LATIN_GAPS:
        return LATIN_GAPS[text]
    try:
        value = float(text)
    except ValueError:
        return None
    return next((v for v in LATIN_GAPS.values() if abs(v - value) < 1e-9), None)


def style_from_dict(data: dict[str, Any], source: str = "<style>") -> Style:
    problems: list[Problem] = []

    def get(path: str, default: Any = None) -> Any:
        node: Any = data
        for key in path.split("."):
            if not isinstance(node, dict) or key not in node:
                if default is None:
                    problems.append(Problem(f"missing key {path!r}", file=source))
                return default
            node = node[key]
        return node

    def convert(path: str, raw: Any, em: float | None = None, positive: bool = True) -> float:
        """A length; a wrong kind or a size that is not positive is a problem, never a crash."""
        try:
            value = parse_length(raw, em)
        except (ValueError, TypeError, OverflowError) as e:
            problems.append(Problem(str(e), file=source, path=path))
            return 1.0
        if positive and not value > 0:
            problems.append(Problem(f"{raw!r} must be positive", file=source, path=path))
            return 1.0
        return value

    def length(path: str, default: Any = None, em: float | None = None, positive: bool = True) -> float:
        return convert(path, get(path, default), em, positive)

    def count(path: str, default: Any, lo: int) -> int:
        raw = get(path, default)
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < lo:
            problems.append(Problem(f"expected a whole number >= {lo}, got {raw!r}", file=source, path=path))
            return max(lo, 1)
        return raw

    def number(path: str, default: Any) -> float:
        raw = get(path, default)
        if isinstance(raw, bool) or not isinstance(raw, (int, float)) or raw < 0:
            problems.append(Problem(f"expected a number >= 0, got {raw!r}", file=source, path=path))
            return 0.0
        return float(raw)

    def flag(path: str, default: bool) -> bool:
        raw = get(path, default)
        if not isinstance(raw, bool):
            problems.append(Problem(f"expected true or false, got {raw!r}", file=source, path=path))
            return default
        return raw

    def latin_gap(path: str, raw: Any) -> float:
        value = parse_latin_gap(raw)
        if value is None:
            problems.append(Problem(
                f"expected 0, 1/8 or 1/4 (em), got {raw!r}", file=source, path=path,
                hint="the space between Han and digits/Latin: 0 sets 8月18日 solid as mainland dailies do, "
                     "1/4 is clreq's widest (also written 0em, 0.125em, 0.25em)"))
            return LATIN_GAPS["0"]
        return value

    body = length("grid.body_size")
    paragraph_gap = latin_gap("paragraph.latin_gap", get("paragraph.latin_gap", "1/4"))
    roles: dict[str, Role] = {}
    raw_roles = get("roles", {}) or {}
    if not isinstance(raw_roles, dict):
        problems.append(Problem("roles must be a mapping of role names", file=source, path="roles"))
        raw_roles = {}
    for rname, rdata in raw_roles.items():
        rp = f"roles.{rname}"
        if not isinstance(rdata, dict):
            problems.append(Problem("a role must be a mapping", file=source, path=rp))
            continue
        size = length(f"{rp}.size", em=body)
        raw_sizes = rdata.get("sizes", [])
        if not isinstance(raw_sizes, list):
            problems.append(Problem("sizes must be a list of sizes", file=source, path=f"{rp}.sizes"))
            raw_sizes = []
        sizes = tuple(sorted((convert(f"{rp}.sizes", v, body) for v in raw_sizes), reverse=True))
        lead = rdata.get("leading", "1.2em")
        lead_pt = convert(f"{rp}.leading", lead, size)
        max_lines = rdata.get("max_lines", 1)
        if isinstance(max_lines, bool) or not isinstance(max_lines, int) or max_lines < 1:
            problems.append(Problem(f"expected a whole number >= 1, got {max_lines!r}", file=source,
                                    path=f"{rp}.max_lines"))
            max_lines = 1
        roles[rname] = Role(
            face=str(rdata.get("face", "song")),
            size=size,
            leading=lead_pt,
            color=str(rdata.get("color", "black")),
            align=str(rdata.get("align", "justify")),
            sizes=sizes,
            max_lines=max_lines,
            latin_gap=latin_gap(f"{rp}.latin_gap", rdata["latin_gap"]) if "latin_gap" in rdata else paragraph_gap,
        )
    for rname in ROLES:
        if rname not in roles:
            problems.append(Problem(f"missing text role {rname!r}", file=source, path="roles"))
    if "body" in roles and "intertitle" not in roles:  # 小标题: 黑体 at the body size, centred
        roles["intertitle"] = Role("hei", roles["body"].size, roles["body"].leading, align="center",
                                  latin_gap=roles["body"].latin_gap)
    if "subhead" in roles and "headline" in roles and "continuation_headline" not in roles:  # 续题
        sub = roles["subhead"]
        roles["continuation_headline"] = Role(roles["headline"].face, sub.size, sub.leading, align="center",
                                             latin_gap=roles["headline"].latin_gap)
    byline_style = str(get("story.byline_style", BylineStyle.LINE.value))
    if byline_style not in BYLINE_STYLES:
        problems.append(Problem(f"unknown byline style {byline_style!r}", file=source, path="story.byline_style",
                                hint=f"use one of {', '.join(BYLINE_STYLES)}"))
        byline_style = BylineStyle.LINE.value
    for rname, r in roles.items():
        if r.color not in COLORS:
            problems.append(Problem(f"unknown colour {r.color!r}", file=source, path=f"roles.{rname}.color",
                                    hint=close_hint(r.color, tuple(COLORS))))
        if r.align not in ALIGNS:
            problems.append(Problem(f"unknown align {r.align!r}", file=source, path=f"roles.{rname}.align",
                                    hint=close_hint(r.align, ALIGNS)))
    kinsoku = str(get("paragraph.kinsoku", "basic"))
    if kinsoku not in KINSOKU_LEVELS:
        problems.append(Problem(f"unknown kinsoku level {kinsoku!r}", file=source, path="paragraph.kinsoku",
                                hint=close_hint(kinsoku, KINSOKU_LEVELS) + " (clreq)"))
    style = Style(
        name=str(get("name", Path(str(path_of(source))).stem) or "style"),
        source=source,
        page_width=length("page.width"),
        page_height=length("page.height"),
        type_top=length("grid.top", positive=False),
        columns=count("grid.columns", 8, 1),
        column_chars=count("grid.column_chars", 13, 1),
        gutter_chars=count("grid.gutter_chars", 1, 0),
        lines=count("grid.lines", 100, 1),
        body_size=body,
        leading=length("grid.leading"),
        indent_chars=number("paragraph.indent", 2),
        indent_after_heading=bool(get("paragraph.indent_after_heading", True)),
        kinsoku=kinsoku,
        trim_opening_at_line_start=bool(get("paragraph.trim_opening_at_line_start", True)),
        latin_gap=paragraph_gap,
        hanging_punctuation=flag("paragraph.hanging_punctuation", True),
        masthead_lines=count("masthead.lines", 12, 0),
        rule_weight=length("rules.weight", "0.5pt"),
        folio_rule_weight=length("rules.folio_weight", "0.75pt"),
        box_weight=length("rules.box_weight", "0.75pt"),
        box_padding_chars=number("rules.box_padding", 1),
        bleed=length("print.bleed", "3mm", positive=False),
        roles=roles,
        byline_style=BylineStyle(byline_style),
        intertitle_space=count("story.intertitle_space", 1, 0),
        ink_limit=number("print.ink_limit", 220) / 100,
    )
    if not problems:
        if style.type_width > style.page_width or style.type_top + style.type_height > style.page_height:
            problems.append(Problem(
                f"type area {style.type_width:.1f} x {style.type_height:.1f} pt does not fit the page "
                f"{style.page_width:.1f} x {style.page_height:.1f} pt", file=source, path="grid"))
    if problems:
        raise StyleError(problems)
    return style
