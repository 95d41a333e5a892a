"""Style sheets: YAML house styles -> a resolved, frozen `Style`.

Geometry is data (styles/*.yaml), never code: page size, type area, the column grid,
body size and leading (which fix the lines per column) and one `Role` per kind of text.
An edition may override any value (`edition.style_overrides`, merged key by key).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it

from layout import paths
from layout.errors import Problem, StyleError
from layout.model.edition import BylineStyle
from layout.model.units import parse_length

ROLES = ("masthead", "folio", "kicker", "headline", "subhead", "byline", "body", "caption",
         "credit", "jump", "box", "box_title", "dateline")
# roles a style may leave out (style sheets written before they existed): derived from others
OPTIONAL_ROLES = ("intertitle", "continuation_headline")
BYLINE_STYLES = tuple(b.value for b in BylineStyle)
KINSOKU_LEVELS = ("basic", "strict")

# Colours are CMYK tuples: the print renderer writes them as is; others convert.
COLORS: dict[str, tuple[float, float, float, float]] = {
    "black": (0.0, 0.0, 0.0, 1.0),
    "red": (0.0, 1.0, 1.0, 0.0),  # masthead red (M100 Y100)
    "grey": (0.0, 0.0, 0.0, 0.5),
    "white": (0.0, 0.0, 0.0, 0.0),
}


@dataclass(frozen=True)
class Role:
    face: str  # face role in fonts.yaml: song, biaosong, hei, kai
    size: float  # pt
    leading: float  # pt, line pitch for multi-line settings
    color: str = "black"
    align: str = "justify"  # justify | left | center | right
    sizes: tuple[float, ...] = ()  # copyfit candidates, largest first
    max_lines: int = 1


@dataclass(frozen=True)
class Style:
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
    masthead_lines: int
    rule_weight: float
    folio_rule_weight: float
    box_weight: float
    box_padding_chars: float
    bleed: float
    roles: dict[str, Role] = field(hash=False, compare=False)
    byline_style: BylineStyle = BylineStyle.LINE  # story.byline_style: the house's default
    intertitle_space: int = 1  # story.intertitle_space: grid lines of space an intertitle adds

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


def find_style(name: str, relative_to: Path | None = None) -> Path:
    """A style name (styles/<name>.yaml) or a path (relative to the manifest)."""
    if name.endswith((".yaml", ".yml")) or "/" in name:
        p = Path(name)
        if not p.is_absolute() and relative_to is not None:
            p = relative_to / p
        return p
    return paths.styles_dir() / f"{name}.yaml"


def load_style(name: str, relative_to: Path | None = None, overrides: dict | None = None) -> Style:
    path = find_style(name, relative_to)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML)
    except FileNotFoundError:
        known = ", ".join(sorted(p.stem for p in paths.styles_dir().glob("*.yaml")))
        raise StyleError(Problem(f"style {name!r} not found at {path}", hint=f"known styles: {known}")) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise StyleError(Problem(f"cannot read style: {e}", file=str(path))) from None
    if not isinstance(data, dict):
        raise StyleError(Problem("a style sheet must be a mapping", file=str(path)))
    source = str(path)
    if overrides:
        data = _merge(data, overrides)
        source += " with the edition's style_overrides"
    return style_from_dict(data, source)


def path_of(source: str) -> str:
    return source.split(" with ")[0]


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

    body = length("grid.body_size")
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
        )
    for rname in ROLES:
        if rname not in roles:
            problems.append(Problem(f"missing text role {rname!r}", file=source, path="roles"))
    if "body" in roles and "intertitle" not in roles:  # 小标题: 黑体 at the body size, centred
        roles["intertitle"] = Role("hei", roles["body"].size, roles["body"].leading, align="center")
    if "subhead" in roles and "headline" in roles and "continuation_headline" not in roles:  # 续题
        sub = roles["subhead"]
        roles["continuation_headline"] = Role(roles["headline"].face, sub.size, sub.leading, align="center")
    byline_style = str(get("story.byline_style", BylineStyle.LINE.value))
    if byline_style not in BYLINE_STYLES:
        problems.append(Problem(f"unknown byline style {byline_style!r}", file=source, path="story.byline_style",
                                hint=f"use one of {', '.join(BYLINE_STYLES)}"))
        byline_style = BylineStyle.LINE.value
    for rname, r in roles.items():
        if r.color not in COLORS:
            problems.append(Problem(f"unknown colour {r.color!r}", file=source, path=f"roles.{rname}.color",
                                    hint=f"use one of {', '.join(COLORS)}"))
    kinsoku = str(get("paragraph.kinsoku", "basic"))
    if kinsoku not in KINSOKU_LEVELS:
        problems.append(Problem(f"unknown kinsoku level {kinsoku!r}", file=source, path="paragraph.kinsoku",
                                hint="use basic or strict (clreq)"))
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
        masthead_lines=count("masthead.lines", 12, 0),
        rule_weight=length("rules.weight", "0.5pt"),
        folio_rule_weight=length("rules.folio_weight", "0.75pt"),
        box_weight=length("rules.box_weight", "0.75pt"),
        box_padding_chars=number("rules.box_padding", 1),
        bleed=length("print.bleed", "3mm", positive=False),
        roles=roles,
        byline_style=BylineStyle(byline_style),
        intertitle_space=count("story.intertitle_space", 1, 0),
    )
    if not problems:
        if style.type_width > style.page_width or style.type_top + style.type_height > style.page_height:
            problems.append(Problem(
                f"type area {style.type_width:.1f} x {style.type_height:.1f} pt does not fit the page "
                f"{style.page_width:.1f} x {style.page_height:.1f} pt", file=source, path="grid"))
    if problems:
        raise StyleError(problems)
    return style
