"""Prepare the project's CJK fonts: TrueType-outline, subset, renamed faces.

Why this module exists
----------------------
ReportLab, and layout's own embedding (sfnt.py, pdffont.py), embed TrueType fonts whose
outlines live in a ``glyf`` table, not fonts with PostScript (``CFF``) outlines.  The good free
CJK faces (Noto Serif/Sans CJK, i.e. Adobe's Source Han design) ship only as
CFF-flavoured OpenType (``.otf``/``.ttc``) and are far too large to embed or
commit as they are.  This module therefore builds, with fontTools:

* **converted** faces: the CFF cubic outlines are turned into quadratic
  TrueType outlines with cu2qu (``glyf``/``loca``, ``maxp`` 1.0, ``post``
  format 3, no hinting), with vertical metrics kept (``vhea``/``vmtx``; the
  ``VORG`` vertical origins are folded into the ``vmtx`` top side bearings);
* **subset** faces: the song (body) face keeps every GBK character, the
  display faces (biaosong, hei, kai) keep GB 2312, and every face keeps the
  punctuation, symbol, full-width and vertical-form blocks a Chinese
  newspaper needs.  Only the OpenType features ``vert vrt2 fwid halt vhal
  kern palt locl`` are kept (``locl`` only for zh-Hans);
* **mainland punctuation in the cmap**: the engine does a plain cmap lookup
  and applies no OpenType features, so the code points whose zh-Hans (GB)
  form is reached through ``locl`` (e.g. U+2014 EM DASH, proportional by
  default in Noto CJK) are pointed straight at the full-width glyph;
* **renamed** faces: the sources are licensed under the SIL Open Font
  License 1.1.  A converted/subset font is a "Modified Version", which must
  not use the Reserved Font Names or trademarks of the originals ("Source",
  "Noto", "LXGW", "霞鹜"), so every face gets a new family name ("Layout Song
  SC", ...), the name table is rewritten, and the OFL text is written beside
  the fonts.

The output is reproducible: the same sources give byte-identical files
(head.created/modified are copied from the source, nothing depends on the
clock or on hash ordering).  ``fonts.yaml`` records what was built.

Entry points: :func:`prepare_fonts` and ``python -m layout.fontprep``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import yaml
from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable

from layout.build.staging import write_atomic
from layout.errors import OutputError

__all__ = [
    "FACES",
    "FontPrepError",
    "FaceSpec",
    "gbk_chars",
    "gb2312_chars",
    "prepare_fonts",
]


class FontPrepError(Exception):
    """Raised when the fonts cannot be prepared (e.g. a source file is missing)."""


# ---------------------------------------------------------------------------
# What to build

@dataclass(frozen=True)
class FaceSpec:
    role: str
    family: str
    style: str  # "Regular" or "Bold"
    file: str
    coverage: str  # "GBK" or "GB2312"
    license_file: str
    source_file: str
    source_face: str  # family name (name ID 1) of the wanted face in the source
    package: str
    version: str
    source_version: str  # expected start of the source's name ID 5
    convert: bool  # CFF -> glyf needed

    @property
    def ps_name(self) -> str:
        return f"{self.family.replace(' ', '')}-{self.style}"


NOTO_LICENSE = "OFL-NotoCJK.txt"
WENKAI_LICENSE = "OFL-LXGWWenKai.txt"

FACES: tuple[FaceSpec, ...] = (
    FaceSpec("song", "Layout Song SC", "Regular", "LayoutSongSC-Regular.ttf", "GBK",
             NOTO_LICENSE, "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC",
             "fonts-noto-cjk", "1:20220127+repack1-1", "Version 2.001", True),
    # NotoSerifCJK-Bold.ttc is in fonts-noto-cjk, not in fonts-noto-cjk-extra
    # (which holds the other weights).
    FaceSpec("biaosong", "Layout Biaosong SC", "Bold", "LayoutBiaosongSC-Bold.ttf", "GB2312",
             NOTO_LICENSE, "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC",
             "fonts-noto-cjk", "1:20220127+repack1-1", "Version 2.001", True),
    FaceSpec("hei", "Layout Hei SC", "Bold", "LayoutHeiSC-Bold.ttf", "GB2312",
             NOTO_LICENSE, "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC",
             "fonts-noto-cjk", "1:20220127+repack1-1", "Version 2.004", True),
    FaceSpec("kai", "Layout Kai SC", "Regular", "LayoutKaiSC-Regular.ttf", "GB2312",
             WENKAI_LICENSE, "LXGWWenKai-Regular.ttf", "LXGW WenKai",
             "fonts-lxgw-wenkai", "1.250+repack-1", "Version 1.250", False),
)

# A role's character missing -> try these roles in order (with a warning).
FALLBACK: dict[str, list[str]] = {
    "biaosong": ["song"],
    "hei": ["song"],
    "kai": ["song"],
    "song": [],
}

DEFAULT_SOURCE_DIR = Path("/usr/share/fonts")
SOURCES_ENV = "LAYOUT_FONT_SOURCES"

# cu2qu tolerance in font units (1000 units per em).
MAX_ERR = 1.0

# Kept by every face, as far as the source covers them.
EXTRA_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x00FF),  # ASCII + Latin-1
    (0x2000, 0x206F),  # general punctuation
    (0x2100, 0x218F),  # letterlike symbols, number forms (℃ № Ⅰ)
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes (■□▲●○◆)
    (0x2600, 0x26FF),  # miscellaneous symbols
    (0x2E3A, 0x2E3B),  # two-em / three-em dash
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x32FF),  # enclosed CJK letters and months
    (0xFE10, 0xFE19),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms (vertical presentation)
    (0xFF00, 0xFFEF),  # half-width and full-width forms
)

LAYOUT_FEATURES = ("vert", "vrt2", "fwid", "halt", "vhal", "kern", "palt", "locl")
# Language systems kept in GSUB/GPOS: the default one and Simplified Chinese.
# (Noto CJK's JAN/KOR/ZHT/ZHH `locl` lookups would pull in thousands of
# regional glyph variants the mainland typesetter never uses.)
KEEP_LANGSYS = ("ZHS ",)

# Code points whose advance is checked/reported; the first six must be
# full-width (GB positioning) in the Noto-based faces.
FULLWIDTH_REQUIRED = (0x201C, 0x201D, 0x2018, 0x2019, 0x2014, 0x2026)
MIDDLE_DOT = 0x00B7  # kept as the font has it (reported only)
# ，。、：；？！“”‘’（）《》—…·
REPORT_CHARS = "\uff0c\u3002\u3001\uff1a\uff1b\uff1f\uff01\u201c\u201d\u2018\u2019\uff08\uff09\u300a\u300b\u2014\u2026\u00b7"

MODIFIED_NOTE = "Modified (converted to TrueType outlines and subset) by the layout project."
OFL_NOTICE = ("This Font Software is licensed under the SIL Open Font License, Version 1.1. "
              "This license is available with a FAQ at: https://openfontlicense.org")
OFL_URL = "https://openfontlicense.org"

YAML_HEADER = "# Prepared by `layout fonts prepare` (layout/fontprep.py). Do not edit by hand.\n"
INSTALL_HINT = (
    "Install the Debian packages with `apt-get install fonts-noto-cjk fonts-lxgw-wenkai` "
    "(fonts-noto-cjk-extra is not needed: it holds other weights), or run "
    "`apt-get download fonts-noto-cjk fonts-lxgw-wenkai` and `dpkg-deb -x PKG.deb DIR` "
    "for each, then pass DIR (or DIR/usr/share/fonts) as a source folder "
    f"(--sources, or the {SOURCES_ENV} environment variable, {os.pathsep!r}-separated)."
)


# ---------------------------------------------------------------------------
# Character sets

def _decode_table(codec: str, leads: Iterable[int], trails: Iterable[int]) -> frozenset[int]:
    trails = list(trails)
    out = set()
    for lead in leads:
        for trail in trails:
            try:
                text = bytes((lead, trail)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                out.add(ord(text))
    return frozenset(out)


def gbk_chars() -> frozenset[int]:
    """Every code point that a 2-byte GBK code decodes to (Python's codec)."""
    return _decode_table("gbk", range(0x81, 0xFF), (t for t in range(0x40, 0xFF) if t != 0x7F))


def gb2312_chars() -> frozenset[int]:
    """Every code point that a 2-byte GB 2312 (EUC-CN) code decodes to."""
    return _decode_table("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))


def _required_chars(coverage: str) -> frozenset[int]:
    if coverage == "GBK":
        # GBK is a superset of GB 2312, but Python's codecs disagree on one
        # code: A1A4 is U+30FB (katakana middle dot) in gb2312 and U+00B7 in
        # gbk.  Keep both so the GBK face also covers all of GB 2312.
        return gbk_chars() | gb2312_chars()
    if coverage == "GB2312":
        return gb2312_chars()
    raise ValueError(coverage)


def _extra_chars() -> frozenset[int]:
    return frozenset(cp for lo, hi in EXTRA_RANGES for cp in range(lo, hi + 1))


# ---------------------------------------------------------------------------
# Finding the sources

def _search_dirs(source_dirs: list[Path] | None) -> list[Path]:
    if source_dirs:
        return [Path(d) for d in source_dirs]
    env = os.environ.get(SOURCES_ENV, "")
    dirs = [Path(p) for p in env.split(os.pathsep) if p]
    return dirs or [DEFAULT_SOURCE_DIR]


def find_sources(names: Iterable[str], dirs: list[Path]) -> dict[str, Path]:
    """Map each file name to its first occurrence (dirs in order, sorted walk)."""
    wanted = set(names)
    found: dict[str, Path] = {}
    for base in dirs:
        if not base.is_dir():
            continue
        for root, dirnames, filenames in os.walk(base):
            dirnames.sort()
            for fn in sorted(filenames):
                if fn in wanted and fn not in found:
                    found[fn] = Path(root) / fn
        if len(found) == len(wanted):
            break
    return found


# ---------------------------------------------------------------------------
# Font helpers

def _family_name(font: TTFont) -> str | None:
    name = font["name"]
    return name.getDebugName(1)


def _open_face(path: Path, family: str) -> tuple[TTFont, int]:
    """Open the face of `path` (a .ttc or .ttf) whose name ID 1 is `family`."""
    is_collection = _is_collection(path)
    if is_collection:
        coll = TTCollection(str(path), lazy=True)
        families = [_family_name(f) for f in coll.fonts]
        coll.close()
    else:
        with TTFont(str(path), lazy=True) as f:
            families = [_family_name(f)]
    for index, fam in enumerate(families):
        if fam == family:
            font = TTFont(str(path), fontNumber=index if is_collection else -1, recalcTimestamp=False)
            return font, index
    raise FontPrepError(f"{path}: no face with family {family!r} (found {families})")


def _is_collection(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"ttcf"


def _single_subst(lookup) -> dict[str, str]:
    out: dict[str, str] = {}
    if lookup.LookupType not in (1, 7):
        return out
    for st in lookup.SubTable:
        st = getattr(st, "ExtSubTable", st)
        if getattr(st, "LookupType", lookup.LookupType) == 1 and getattr(st, "mapping", None):
            out.update(st.mapping)
    return out


def _feature_subst(font: TTFont, feature: str, lang: str | None) -> dict[str, str]:
    """Single substitutions of `feature` for script hani and language `lang`
    (None = default language system), applied in lookup order."""
    if "GSUB" not in font:
        return {}
    gsub = font["GSUB"].table
    if not gsub.ScriptList or not gsub.FeatureList:
        return {}
    langsys = None
    for sr in gsub.ScriptList.ScriptRecord:
        if sr.ScriptTag != "hani":
            continue
        if lang is None:
            langsys = sr.Script.DefaultLangSys
        else:
            for lr in sr.Script.LangSysRecord:
                if lr.LangSysTag == lang:
                    langsys = lr.LangSys
    if langsys is None:
        return {}
    lookups: list[int] = []
    for fi in langsys.FeatureIndex:
        fr = gsub.FeatureList.FeatureRecord[fi]
        if fr.FeatureTag == feature:
            lookups.extend(fr.Feature.LookupListIndex)
    mapping: dict[str, str] = {}
    for li in sorted(set(lookups)):
        step = _single_subst(gsub.LookupList.Lookup[li])
        # compose with what came before
        for g in list(mapping):
            if mapping[g] in step:
                mapping[g] = step[mapping[g]]
        for g, h in step.items():
            mapping.setdefault(g, h)
    return mapping


def _remap_mainland_punctuation(font: TTFont, spec: FaceSpec, log: Callable[[str], None]) -> list[str]:
    """Point cmap entries at their zh-Hans (GB) forms. Returns a change log."""
    cmap = font.getBestCmap()
    hmtx = font["hmtx"]
    upem = font["head"].unitsPerEm
    remap: dict[int, str] = {}
    # 1. everything zh-Hans `locl` substitutes (Noto CJK: U+2014 -> full-width
    #    dash, U+2E3A/2E3B -> 2/3 em, a few quote variants).
    locl = _feature_subst(font, "locl", "ZHS ")
    for cp in sorted(cmap):
        if cp == MIDDLE_DOT:
            continue
        g = cmap[cp]
        if g in locl and locl[g] != g:
            remap[cp] = locl[g]
    # 2. the GB punctuation that must be full-width: fall back to `fwid`.
    fwid = _feature_subst(font, "fwid", None)
    for cp in FULLWIDTH_REQUIRED:
        if cp not in cmap:
            continue
        g = remap.get(cp, cmap[cp])
        if hmtx[g][0] == upem:
            continue
        alt = fwid.get(g)
        if alt is not None and hmtx[alt][0] == upem:
            remap[cp] = alt
    changes = []
    for cp, new in sorted(remap.items()):
        old = cmap[cp]
        changes.append(f"U+{cp:04X} {old}({hmtx[old][0]}) -> {new}({hmtx[new][0]})")
    for table in font["cmap"].tables:
        if not table.isUnicode() or table.format == 14:
            continue
        for cp, new in remap.items():
            if cp in table.cmap:
                table.cmap[cp] = new
    for cp in FULLWIDTH_REQUIRED:
        g = remap.get(cp, cmap.get(cp))
        if g is None:
            log(f"  warning: {spec.role}: U+{cp:04X} not in source")
        elif hmtx[g][0] != upem:
            log(f"  note: {spec.role}: U+{cp:04X} stays {hmtx[g][0]}/{upem} wide "
                f"(no full-width form in the source)")
    return changes


def _prune_langsys(font: TTFont) -> None:
    """Keep only the default and zh-Hans language systems in GSUB/GPOS."""
    for tag in ("GSUB", "GPOS"):
        if tag not in font:
            continue
        table = font[tag].table
        if not table.ScriptList:
            continue
        for sr in table.ScriptList.ScriptRecord:
            records = [lr for lr in sr.Script.LangSysRecord if lr.LangSysTag in KEEP_LANGSYS]
            sr.Script.LangSysRecord = records
            sr.Script.LangSysCount = len(records)


def _drop_uvs(font: TTFont) -> None:
    """Drop cmap format 14 (variation sequences: Adobe-Japan1 IVS etc.)."""
    cmap = font["cmap"]
    cmap.tables = [t for t in cmap.tables if t.format != 14]


def _subset(font: TTFont, unicodes: Iterable[int]) -> None:
    opts = subset.Options()
    opts.layout_features = list(LAYOUT_FEATURES)
    opts.layout_scripts = ["*"]
    opts.hinting = False
    opts.glyph_names = False
    opts.legacy_kern = False
    opts.name_IDs = ["*"]  # replaced wholesale afterwards
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.notdef_outline = True
    opts.recalc_bounds = True
    opts.recalc_timestamp = False
    opts.canonical_order = True
    opts.prune_unicode_ranges = True
    opts.drop_tables = list(opts.drop_tables) + ["gasp", "hdmx", "VDMX", "LTSH", "DSIG"]
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=sorted(unicodes))
    sub.subset(font)


def _cff_to_glyf(font: TTFont, max_err: float) -> None:
    """Replace CFF outlines by quadratic glyf outlines, fixing h/v metrics."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in glyph_order:
        tt_pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(tt_pen, max_err, reverse_direction=True))
        glyphs[name] = tt_pen.glyph(dropImpliedOnCurves=True)

    vorg = font["VORG"] if "VORG" in font else None
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = glyphs
    del font["CFF "]
    if vorg is not None:
        del font["VORG"]

    hmtx = font["hmtx"]
    vmtx = font["vmtx"] if "vmtx" in font else None
    for name in glyph_order:
        g = glyphs[name]
        g.recalcBounds(glyf)
        empty = g.numberOfContours == 0
        adv, lsb = hmtx[name]
        hmtx[name] = (adv, 0 if empty else g.xMin)
        if vmtx is not None:
            vadv, tsb = vmtx[name]
            if not empty:
                origin_y = vorg[name] if vorg is not None else font["vhea"].ascent
                tsb = origin_y - g.yMax
            vmtx[name] = (vadv, tsb)

    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.numGlyphs = len(glyph_order)
    maxp.maxZones = 1
    for attr in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements",
                 "maxComponentDepth", "maxPoints", "maxContours", "maxCompositePoints",
                 "maxCompositeContours"):
        setattr(maxp, attr, 0)

    head = font["head"]
    head.glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _set_post(font: TTFont) -> None:
    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None


def _set_names(font: TTFont, spec: FaceSpec, src_copyright: str, src_version: str) -> None:
    copyright_ = " ".join(src_copyright.split("\n"))
    version = src_version.split(";")[0].strip() or "Version 1.000"
    family, style, ps = spec.family, spec.style, spec.ps_name
    records = {
        0: f"{copyright_} {MODIFIED_NOTE}".strip(),
        1: family,
        2: style,
        3: f"{version.replace('Version ', '')};LAYOUT;{ps}",
        4: f"{family} {style}",
        5: f"{version}; layout subset",
        6: ps,
        13: OFL_NOTICE,
        14: OFL_URL,
        16: family,
        17: style,
    }
    name = newTable("name")
    name.names = []
    for name_id, text in sorted(records.items()):
        name.setName(text, name_id, 3, 1, 0x409)
    font["name"] = name
    font["OS/2"].achVendID = "NONE"


def _build_face(spec: FaceSpec, src_path: Path, log: Callable[[str], None]) -> tuple[bytes, dict, dict]:
    t0 = time.perf_counter()
    font, index = _open_face(src_path, spec.source_face)
    src_copyright = (font["name"].getDebugName(0) or "").replace("\r\n", "\n").strip()
    src_version = font["name"].getDebugName(5) or ""
    if not src_version.startswith(spec.source_version):
        log(f"  warning: {spec.role}: source version {src_version!r}, expected {spec.source_version!r}; "
            "the output will differ from the committed fonts")
    created, modified = font["head"].created, font["head"].modified

    cmap = font.getBestCmap()
    required = _required_chars(spec.coverage)
    missing = sorted(required - set(cmap))
    if missing:
        log(f"  warning: {spec.role}: source lacks {len(missing)} {spec.coverage} characters: "
            + " ".join(f"U+{cp:04X}" for cp in missing[:50]))
    keep = sorted((required | _extra_chars()) & set(cmap))

    changes = _remap_mainland_punctuation(font, spec, log)
    for c in changes:
        log(f"  {spec.role}: cmap {c}")
    _prune_langsys(font)
    _drop_uvs(font)
    _subset(font, keep)
    t_sub = time.perf_counter()
    if spec.convert:
        _cff_to_glyf(font, MAX_ERR)
    _set_post(font)
    _set_names(font, spec, src_copyright, src_version)
    head = font["head"]
    head.created, head.modified = created, modified
    font.recalcTimestamp = False
    buf = io.BytesIO()
    font.save(buf, reorderTables=True)
    data = buf.getvalue()
    t_end = time.perf_counter()
    n_glyphs = font["maxp"].numGlyphs
    font.close()
    log(f"  {spec.role}: {len(keep)} code points, {n_glyphs} glyphs, {len(data) / 2**20:.2f} MiB "
        f"(subset {t_sub - t0:.1f}s, convert+save {t_end - t_sub:.1f}s)")
    record = {
        "role": spec.role,
        "family": spec.family,
        "file": spec.file,
        "sha256": hashlib.sha256(data).hexdigest(),
        "license": "OFL-1.1",
        "license_file": spec.license_file,
        "coverage": spec.coverage,
        "glyphs": n_glyphs,
        "source": {
            "package": spec.package,
            "version": spec.version,
            "file": spec.source_file,
            "face": spec.source_face,
            "index": index,
        },
    }
    return data, record, {"copyright": src_copyright}


# ---------------------------------------------------------------------------
# Output

def _atomic_write(path: Path, data: bytes) -> None:
    """layout's atomic write (layout.build.staging), failing as font preparation fails."""
    try:
        write_atomic(path, data)
    except OutputError as exc:
        raise FontPrepError("; ".join(str(p) for p in exc.problems)) from None


def _yaml_str(value: str) -> str:
    """A YAML scalar: plain when safe, otherwise double-quoted."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    return dumped.removesuffix("\n...\n").strip()


def render_fonts_yaml(records: list[dict]) -> str:
    lines = [YAML_HEADER.rstrip("\n"), "faces:"]
    for r in records:
        s = r["source"]
        lines += [
            f"  - role: {r['role']}",
            f"    family: {_yaml_str(r['family'])}",
            f"    file: {_yaml_str(r['file'])}",
            f"    sha256: {r['sha256']}",
            f"    license: {r['license']}",
            f"    license_file: {_yaml_str(r['license_file'])}",
            f"    coverage: {r['coverage']}",
            f"    glyphs: {r['glyphs']}",
            "    source:",
            f"      package: {_yaml_str(s['package'])}",
            f"      version: {_yaml_str(s['version'])}",
            f"      file: {_yaml_str(s['file'])}",
            f"      face: {_yaml_str(s['face'])}",
            f"      index: {s['index']}",
        ]
    lines.append("fallback:            # a role's character missing -> try these roles in order (with a warning)")
    for role in sorted(FALLBACK):
        lines.append(f"  {role}: [{', '.join(FALLBACK[role])}]")
    text = "\n".join(lines) + "\n"
    # Self-check: the hand-written YAML must parse back to the same data.
    parsed = yaml.safe_load(text)
    assert parsed["faces"] == records, "fonts.yaml rendering mismatch"
    assert parsed["fallback"] == FALLBACK
    return text


_LICENSE_HEADERS = {
    NOTO_LICENSE: (
        "Fonts: LayoutSongSC-Regular.ttf, LayoutBiaosongSC-Bold.ttf, LayoutHeiSC-Bold.ttf\n"
        "Modified Versions (converted to TrueType outlines, subset and renamed by the\n"
        "layout project) of Noto Serif CJK SC and Noto Sans CJK SC, as shipped in the\n"
        "Debian package fonts-noto-cjk 1:20220127+repack1-1.\n"
        "\n"
        "Copyright statements of the original fonts (name ID 0) and of the package:\n"
        "{copyrights}\n"
        "Copyright 2010-2012, Google Corporation (Debian copyright file)\n"
        "\n"
        "\"Noto\" is a trademark of Google Inc.  Noto CJK is the Google-branded build of\n"
        "Adobe's Source Han fonts, for which Adobe reserves the font name \"Source\".\n"
        "Neither name is used by these Modified Versions.\n"
    ),
    WENKAI_LICENSE: (
        "Font: LayoutKaiSC-Regular.ttf\n"
        "A Modified Version (subset and renamed by the layout project) of LXGW WenKai\n"
        "Regular, as shipped in the Debian package fonts-lxgw-wenkai 1.250+repack-1.\n"
        "\n"
        "Copyright statements of the original font (name ID 0) and of the package:\n"
        "{copyrights}\n"
        "Copyright 2021-2022 lxgw <calxgw2018@gmail.com> (Debian copyright file),\n"
        "with Reserved Font Names \"霞鹜\" and \"LXGW\".\n"
        "\n"
        "\"Klee\" is a trademark of Fontworks Inc.  None of the reserved names or\n"
        "trademarks is used by this Modified Version.\n"
    ),
}

OFL_TEXT = """\
-----------------------------------------------------------
SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007
-----------------------------------------------------------

PREAMBLE

The goals of the Open Font License (OFL) are to stimulate worldwide
development of collaborative font projects, to support the font
creation efforts of academic and linguistic communities, and to provide
a free and open framework in which fonts may be shared and improved in
partnership with others.

The OFL allows the licensed fonts to be used, studied, modified and
redistributed freely as long as they are not sold by themselves. The
fonts, including any derivative works, can be bundled, embedded,
redistributed and/or sold with any software provided that any reserved
names are not used by derivative works. The fonts and derivatives,
however, cannot be released under any other type of license. The
requirement for fonts to remain under this license does not apply to
any document created using the fonts or their derivatives.

DEFINITIONS

"Font Software" refers to the set of files released by the Copyright
Holder(s) under this license and clearly marked as such. This may
include source files, build scripts and documentation.

"Reserved Font Name" refers to any names specified as such after the
copyright statement(s).

"Original Version" refers to the collection of Font Software components
as distributed by the Copyright Holder(s).

"Modified Version" refers to any derivative made by adding to,
deleting, or substituting -- in part or in whole -- any of the
components of the Original Version, by changing formats or by porting
the Font Software to a new environment.

"Author" refers to any designer, engineer, programmer, technical writer
or other person who contributed to the Font Software.

PERMISSION & CONDITIONS

Permission is hereby granted, free of charge, to any person obtaining a
copy of the Font Software, to use, study, copy, merge, embed, modify,
redistribute, and sell modified and unmodified copies of the Font
Software, subject to the following conditions:

1) Neither the Font Software nor any of its individual components, in
Original or Modified Versions, may be sold by itself.

2) Original or Modified Versions of the Font Software may be bundled,
redistributed and/or sold with any software, provided that each copy
contains the above copyright notice and this license. These can be
included either as stand-alone text files, human-readable headers or
in the appropriate machine-readable metadata fields within text or
binary files as long as those fields can be easily viewed by the user.

3) No Modified Version of the Font Software may use the Reserved Font
Name(s) unless explicit written permission is granted by the
corresponding Copyright Holder. This restriction only applies to the
primary font name as presented to the users.

4) The name(s) of the Copyright Holder(s) or the Author(s) of the Font
Software shall not be used to promote, endorse or advertise any
Modified Version, except to acknowledge the contribution(s) of the
Copyright Holder(s) and the Author(s) or with their explicit written
permission.

5) The Font Software, modified or unmodified, in part or in whole, must
be distributed entirely under this license, and must not be distributed
under any other license. The requirement for fonts to remain under this
license does not apply to any document created using the Font Software.

TERMINATION

This license becomes null and void if any of the above conditions are
not met.

DISCLAIMER

THE FONT SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO ANY WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT
OF COPYRIGHT, PATENT, TRADEMARK, OR OTHER RIGHT. IN NO EVENT SHALL THE
COPYRIGHT HOLDER BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY,
INCLUDING ANY GENERAL, SPECIAL, INDIRECT, INCIDENTAL, OR CONSEQUENTIAL
DAMAGES, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
FROM, OUT OF THE USE OR INABILITY TO USE THE FONT SOFTWARE OR FROM
OTHER DEALINGS IN THE FONT SOFTWARE.
"""


def render_license(license_file: str, copyrights: Iterable[str]) -> str:
    lines = sorted({line.strip() for c in copyrights for line in c.splitlines() if line.strip()})
    header = _LICENSE_HEADERS[license_file].format(copyrights="\n".join(lines))
    return header + "\n" + OFL_TEXT


# ---------------------------------------------------------------------------
# Entry point

def prepare_fonts(out_dir: Path, source_dirs: list[Path] | None = None,
                  log: Callable[[str], None] = print) -> list[dict]:
    """Build the four TrueType faces, their licences and ``fonts.yaml`` in `out_dir`.

    Sources are looked up by file name, recursively, in `source_dirs`, else in
    the folders of ``$LAYOUT_FONT_SOURCES`` (os.pathsep-separated), else in
    /usr/share/fonts.  Returns the face records written to fonts.yaml.
    Raises FontPrepError when a source font is missing.
    """
    out_dir = Path(out_dir)
    dirs = _search_dirs(source_dirs)
    found = find_sources((s.source_file for s in FACES), dirs)
    missing = [s for s in FACES if s.source_file not in found]
    if missing:
        what = "; ".join(f"{s.source_file} (Debian package {s.package} {s.version}, for role {s.role})"
                         for s in missing)
        raise FontPrepError(
            f"source font(s) not found in {', '.join(str(d) for d in dirs)}: {what}. {INSTALL_HINT}")

    out_dir.mkdir(parents=True, exist_ok=True)
    records: list[dict] = []
    copyrights: dict[str, list[str]] = {}
    for spec in FACES:
        src = found[spec.source_file]
        log(f"{spec.role}: {src} -> {out_dir / spec.file}")
        data, record, extra = _build_face(spec, src, log)
        _atomic_write(out_dir / spec.file, data)
        records.append(record)
        copyrights.setdefault(spec.license_file, []).append(extra["copyright"])
    for license_file, texts in sorted(copyrights.items()):
        _atomic_write(out_dir / license_file, render_license(license_file, texts).encode("utf-8"))
    _atomic_write(out_dir / "fonts.yaml", render_fonts_yaml(records).encode("utf-8"))
    log(f"wrote {out_dir / 'fonts.yaml'}")
    return records


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m layout.fontprep", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "fonts",
                        help="output folder (default: the repository's fonts/)")
    parser.add_argument("--sources", type=Path, action="append",
                        help=f"folder to search for the source fonts (repeatable; default ${SOURCES_ENV} "
                             "or /usr/share/fonts)")
    args = parser.parse_args(argv)
    try:
        prepare_fonts(args.out, args.sources)
    except FontPrepError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
