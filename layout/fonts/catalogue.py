"""The font catalogue: faces by role, their metrics, coverage and fallbacks.

In: fonts/fonts.yaml (written by `layout fonts prepare`, see fontprep.py) and the TTFs
beside it.  Out: `FontBook`, which answers "how wide is this character in this role",
"which face sets it" and "what does no face cover" without touching PDF code.

Metrics come from the font files through sfnt.py: advance widths (hmtx), ascent/descent
(OS/2 typo metrics) and the GPOS pair kerning of Latin.  Vertical text (竖排) sets every
glyph in a cell of one em, so vertical advances are not needed.  A face is read once per
process; its Sfnt stays with it for embedding (pdffont.py).
"""

from __future__ import annotations

import hashlib
import struct
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it

from layout import paths
from layout.errors import FontError, Problem
from layout.fonts.sfnt import Sfnt, SfntError

ROLES = ("song", "biaosong", "hei", "kai")


@dataclass(frozen=True)
class Face:
    role: str
    family: str
    file: Path
    key: str  # PostScript-style name used when registering the face with the renderer
    upem: int
    ascent: float  # em, above the baseline
    descent: float  # em, below the baseline (positive)
    widths: dict[str, float] = field(hash=False, compare=False, repr=False)
    kerning: dict[str, float] = field(default_factory=dict, hash=False, compare=False, repr=False)
    program: Sfnt | None = field(default=None, hash=False, compare=False, repr=False)  # for embedding

    def covers(self, ch: str) -> bool:
        return ch in self.widths


@dataclass(frozen=True)
class RoleMetrics:
    """Widths for one role with fallbacks merged in; `fallback[ch]` = face key used instead."""

    face: Face
    widths: dict[str, float]
    fallback: dict[str, Face]


class FontBook:
    def __init__(self, faces: dict[str, Face], fallback: dict[str, list[str]], source: Path):
        self.faces = faces
        self.fallback = fallback
        self.source = source
        self._role_metrics: dict[str, RoleMetrics] = {}

    def face(self, role: str) -> Face:
        try:
            return self.faces[role]
        except KeyError:
            raise FontError(Problem(f"no face for role {role!r} in {self.source}",
                                    hint=f"known roles: {', '.join(self.faces)}")) from None

    def metrics(self, role: str) -> RoleMetrics:
        """Widths for a role: its face, then each declared fallback face for what it lacks."""
        rm = self._role_metrics.get(role)
        if rm is None:
            face = self.face(role)
            widths: dict[str, float] = {}
            fb: dict[str, Face] = {}
            for other in reversed(self.fallback.get(role, [])):
                of = self.face(other)
                widths.update(of.widths)
                fb.update(dict.fromkeys(of.widths, of))
            if fb:  # (a role without fallbacks skips this loop over its face's 20,000 characters)
                for ch in face.widths:  # set in the role's own face
                    fb.pop(ch, None)
            widths.update(face.widths)
            rm = self._role_metrics[role] = RoleMetrics(face, widths, fb)
        return rm

    def uncovered(self, role: str, text: str) -> list[str]:
        """Characters of `text` that neither the role's face nor its fallbacks cover."""
        widths = self.metrics(role).widths
        return sorted(ch for ch in set(text) if ch not in widths and (not ch.isspace() or ch == "\u3000"))

    def fallback_chars(self, role: str, text: str) -> list[str]:
        fb = self.metrics(role).fallback
        return sorted(ch for ch in set(text) if ch in fb)


def describe(ch: str) -> str:
    """'𠀀' U+20000 CJK UNIFIED IDEOGRAPH-20000: the form every missing-glyph error uses."""
    name = unicodedata.name(ch, "unnamed")
    shown = ch if ch.isprintable() else "?"
    return f"'{shown}' U+{ord(ch):04X} {name}"


def _load_face(role: str, family: str, file: Path) -> Face:
    try:
        sf = Sfnt.read(file)
    except (OSError, SfntError) as e:
        raise FontError(Problem(f"cannot read font {file}: {e}", str(file),
                                hint="run `layout fonts prepare` or restore fonts/ from git")) from None
    upem = sf.upem
    # (in C: a CJK face maps some 20,000 characters; `upem.__rtruediv__(a)` is `a / upem`)
    scaled = list(map(upem.__rtruediv__, sf.advances))
    widths = dict(zip(map(chr, sf.cmap), map(scaled.__getitem__, sf.cmap.values())))
    kerning = _kerning_of(sf, upem)
    return Face(role, family, file, sf.ps_name, upem, sf.ascent / upem, -sf.descent / upem, widths,
                kerning, sf)


def _kerning_of(sf: Sfnt, upem: int) -> dict[str, float]:
    """Pair kerning ('kern' feature of GPOS) between printable ASCII characters, in em:
    "AV" -> -0.05.  Only Latin needs it; ideographs sit on the grid."""
    cmap = sf.cmap  # (looked up, not scanned: a CJK face maps some 20,000 characters; the maps are in code order)
    ascii_glyphs = {g: chr(cp) for cp in range(0x21, 0x7F) if (g := cmap.get(cp)) is not None}
    try:
        pairs = sf.pair_kerning(set(ascii_glyphs))
    except (struct.error, IndexError) as e:
        raise FontError(Problem(f"cannot read the GPOS table of {sf.path}: {e}", str(sf.path),
                                hint="run `layout fonts prepare` or restore fonts/ from git")) from None
    return {ascii_glyphs[a] + ascii_glyphs[b]: adj / upem for (a, b), adj in pairs.items()}


@lru_cache(maxsize=4)
def load_fontbook(fonts_yaml: Path | None = None, verify: bool = False) -> FontBook:
    """The catalogue described by fonts.yaml (default: the bundled fonts/fonts.yaml)."""
    path = fonts_yaml or paths.fonts_dir() / "fonts.yaml"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML)
    except FileNotFoundError:
        raise FontError(Problem(f"font catalogue {path} not found",
                                hint="restore fonts/ from git or run `layout fonts prepare`")) from None
    except (OSError, yaml.YAMLError) as e:
        raise FontError(Problem(f"cannot read font catalogue: {e}", str(path))) from None
    faces: dict[str, Face] = {}
    problems = []
    for entry in data.get("faces", []):
        file = path.parent / entry["file"]
        if not file.exists():
            problems.append(Problem(f"font file {entry['file']} for role {entry['role']} is missing", str(path),
                                    hint="restore fonts/ from git or run `layout fonts prepare`"))
            continue
        if verify:
            digest = hashlib.sha256(file.read_bytes()).hexdigest()
            if digest != entry.get("sha256"):
                problems.append(Problem(f"{entry['file']} does not match its sha256 in fonts.yaml", str(path)))
        faces[entry["role"]] = _load_face(entry["role"], entry["family"], file)
    if problems:
        raise FontError(problems)
    fallback = {k: list(v or []) for k, v in (data.get("fallback") or {}).items()}
    return FontBook(faces, fallback, path)
