"""Turning a source face into a layout face: mainland punctuation in the cmap, subset, CFF -> glyf."""

from __future__ import annotations

import hashlib
import io
import time
from pathlib import Path
from typing import Callable, Iterable

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.transformPen import TransformPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable

from layout.tools.fontprep.naming import set_names
from layout.tools.fontprep.sources import open_face
from layout.tools.fontprep.spec import (
    FULLWIDTH_REQUIRED,
    HALF_WIDTH,
    KEEP_LANGSYS,
    LAYOUT_FEATURES,
    MAX_ERR,
    MIDDLE_DOT,
    FaceSpec,
    extra_chars,
    required_chars,
)


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
    # 3. half-width (tabular, ½-em) digits and number marks: the designer's `hwid` forms where
    #    the source has them, so that a number fills whole half-em cells and sits on the
    #    character grid, as in mainland newspaper faces (Noto CJK's default digits are
    #    proportional, 0.47-0.60 em; its % 0.92 em, its . 0.33 em).
    hwid = _feature_subst(font, "hwid", None)
    for cp in HALF_WIDTH:
        g = cmap.get(cp)
        if g is not None and hmtx[g][0] * 2 != upem and g in hwid and hmtx[hwid[g]][0] * 2 == upem:
            remap[cp] = hwid[g]
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


def _halfwidth_glyphs(font: TTFont) -> list[str]:
    """Half-width digits and number marks in a glyf face that has no `hwid` forms (LXGW
    WenKai's digits are tabular at 0.6 em, its % 0.8 em, its . 0.35 em): a glyph wider than
    ½ em is condensed horizontally to it, a narrower one keeps its shape; both are centred
    in the ½-em advance as the wider glyph was in its own.  Only glyphs that no other code
    point uses are touched.  Returns a change log."""
    cmap = font.getBestCmap()
    hmtx, glyf = font["hmtx"], font["glyf"]
    half = font["head"].unitsPerEm // 2
    users: dict[str, int] = {}
    for g in cmap.values():
        users[g] = users.get(g, 0) + 1
    glyph_set = font.getGlyphSet()
    changes = []
    for cp in HALF_WIDTH:
        name = cmap.get(cp)
        if name is None or users[name] != 1 or hmtx[name][0] == half:
            continue
        adv = hmtx[name][0]
        scale = min(1.0, half / adv)
        pen = TTGlyphPen(None)
        glyph_set[name].draw(TransformPen(pen, (scale, 0, 0, 1, (half - adv * scale) / 2, 0)))
        glyph = pen.glyph(dropImpliedOnCurves=True)
        glyph.recalcBounds(glyf)
        glyf[name] = glyph
        hmtx[name] = (half, glyph.xMin if glyph.numberOfContours else 0)
        changes.append(f"U+{cp:04X} {name}({adv}) {'condensed' if scale < 1 else 'centred'} to {half}")
    return changes


def _set_post(font: TTFont) -> None:
    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = None


def build_face(spec: FaceSpec, src_path: Path, log: Callable[[str], None]) -> tuple[bytes, dict, dict]:
    t0 = time.perf_counter()
    font, index = open_face(src_path, spec.source_face)
    src_copyright = (font["name"].getDebugName(0) or "").replace("\r\n", "\n").strip()
    src_version = font["name"].getDebugName(5) or ""
    if not src_version.startswith(spec.source_version):
        log(f"  warning: {spec.role}: source version {src_version!r}, expected {spec.source_version!r}; "
            "the output will differ from the committed fonts")
    created, modified = font["head"].created, font["head"].modified

    cmap = font.getBestCmap()
    required = required_chars(spec.coverage)
    missing = sorted(required - set(cmap))
    if missing:
        log(f"  warning: {spec.role}: source lacks {len(missing)} {spec.coverage} characters: "
            + " ".join(f"U+{cp:04X}" for cp in missing[:50]))
    keep = sorted((required | extra_chars()) & set(cmap))

    changes = _remap_mainland_punctuation(font, spec, log)
    for c in changes:
        log(f"  {spec.role}: cmap {c}")
    _prune_langsys(font)
    _drop_uvs(font)
    _subset(font, keep)
    t_sub = time.perf_counter()
    if spec.convert:
        _cff_to_glyf(font, MAX_ERR)
    for c in _halfwidth_glyphs(font):
        log(f"  {spec.role}: {c}")
    _set_post(font)
    set_names(font, spec, src_copyright, src_version)
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
