"""A small, fast reader and subsetter for the TrueType (glyf) fonts in fonts/.

In: a .ttf file's bytes.  Out: `Sfnt` with the character map, advances, ascent/descent,
the PostScript name, and `subset(gids)`, a TrueType program holding only those glyphs,
renumbered compactly (the PDF's CIDToGIDMap maps each character code to its new id).

Why not fontTools here: it parses every cmap entry, metric and glyph name into objects
(about 0.4 s for the four bundled faces) and its subsetter rebuilds every table (about 0.5 s
a face); a build needs a few tables, the Latin kerning pairs and slices of `glyf` with a
new loca and hmtx, which `struct` and `array` handle in milliseconds.  fontTools stays the
tool for preparing fonts (fontprep.py) and for the tests that check this reader.
"""

from __future__ import annotations

import mmap
import struct
import sys
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, chain
from operator import itemgetter
from pathlib import Path
from typing import Sequence

# Tables a CIDFontType2 program needs (ISO 32000-1 9.9: glyf, head, hhea, hmtx, loca, maxp,
# cvt/fpgm/prep when hinted); OS/2, name and post keep the subset a valid font for tools.
SUBSET_TABLES = (b"OS/2", b"cvt ", b"fpgm", b"glyf", b"head", b"hhea", b"hmtx", b"loca", b"maxp", b"name",
                 b"post", b"prep")


class SfntError(ValueError):
    """The file is not a TrueType font this reader understands."""


def _u16(data: bytes, off: int) -> int:
    return (data[off] << 8) | data[off + 1]


_LITTLE = sys.byteorder == "little"  # arrays are in machine order, sfnt tables big-endian


def _be_array(code: str, data: bytes) -> array:
    a = array(code, data)
    if a.itemsize > 1 and array("H", b"\x00\x01")[0] != 1:  # little-endian machine
        a.byteswap()
    return a


@dataclass
class Sfnt:
    path: Path
    data: "bytes | mmap.mmap" = field(repr=False)  # the whole file, mapped
    tables: dict[bytes, tuple[int, int]] = field(repr=False)  # tag -> (offset, length)
    upem: int = 1000
    num_glyphs: int = 0
    cmap: dict[int, int] = field(default_factory=dict, repr=False)  # code point -> glyph id
    advances: array = field(default_factory=lambda: array("H"), repr=False)  # by glyph id
    vadvances: array | None = field(default=None, repr=False)
    loca: array = field(default_factory=lambda: array("I"), repr=False)
    ascent: int = 0  # OS/2 typo metrics, font units
    descent: int = 0  # negative
    cap_height: int = 0
    bbox: tuple[int, int, int, int] = (0, 0, 0, 0)
    italic_angle: float = 0.0
    ps_name: str = ""
    _chunks: dict[int, bytes] = field(default_factory=dict, repr=False)  # glyph -> outline, 4-byte padded
    _sums: dict[int, int] = field(default_factory=dict, repr=False)  # glyph -> its outline's checksum
    _parts: dict[int, list[int]] = field(default_factory=dict, repr=False)  # composite glyph -> components
    _table_sums: dict[bytes, int] = field(default_factory=dict, repr=False)
    _hmtx: array | None = field(default=None, repr=False)

    @classmethod
    def read(cls, path: Path) -> "Sfnt":
        """Map the file rather than read it: a build touches only the tables it reads and
        the outlines it embeds (not 19 MB of glyphs), and forked workers share the pages."""
        with open(path, "rb") as fh:
            try:
                data: bytes | mmap.mmap = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
            except (ValueError, OSError):  # empty, or a file system that cannot map
                data = fh.read()
        try:
            return cls._parse(Path(path), data)
        except SfntError:
            raise
        except (struct.error, IndexError, KeyError, ValueError, OverflowError) as e:
            raise SfntError(f"{path}: not a TrueType font this reader understands ({e!r})") from None

    @classmethod
    def _parse(cls, path: Path, data: bytes) -> "Sfnt":
        version, n = struct.unpack_from(">IH", data, 0)
        if version not in (0x00010000, 0x74727565):
            raise SfntError(f"{path}: not a TrueType (glyf) font")
        tables = {}
        for i in range(n):
            tag, _, off, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            if off + length > len(data):
                raise SfntError(f"{path}: table {tag.decode('latin-1')!r} runs past the end of the file "
                                f"(truncated?)")
            tables[tag] = (off, length)
        f = cls(path, data, tables)
        head = tables[b"head"][0]
        f.upem = _u16(data, head + 18)
        f.bbox = struct.unpack_from(">hhhh", data, head + 36)
        long_loca = struct.unpack_from(">h", data, head + 50)[0] == 1
        f.num_glyphs = _u16(data, tables[b"maxp"][0] + 4)
        off, length = tables[b"loca"]
        raw = data[off:off + length]
        if long_loca:
            f.loca = _be_array("I", raw)
        else:
            f.loca = array("I", (2 * v for v in _be_array("H", raw)))
        f.advances = cls._metrics(data, tables, b"hhea", b"hmtx", f.num_glyphs)
        if b"vhea" in tables and b"vmtx" in tables:
            f.vadvances = cls._metrics(data, tables, b"vhea", b"vmtx", f.num_glyphs)
        os2 = tables[b"OS/2"][0]
        f.ascent, f.descent = struct.unpack_from(">hh", data, os2 + 68)
        if _u16(data, os2) >= 2:
            f.cap_height = struct.unpack_from(">h", data, os2 + 88)[0]
        if b"post" in tables:
            f.italic_angle = struct.unpack_from(">i", data, tables[b"post"][0] + 4)[0] / 65536
        f.cmap = cls._cmap(data, tables[b"cmap"][0])
        f.ps_name = cls._ps_name(data, tables.get(b"name")) or path.stem
        return f

    @staticmethod
    def _metrics(data: bytes, tables: dict, hea: bytes, mtx: bytes, num_glyphs: int) -> array:
        n_long = _u16(data, tables[hea][0] + 34)
        off = tables[mtx][0]
        pairs = _be_array("H", data[off:off + 4 * n_long])
        adv = pairs[0::2]
        if n_long < num_glyphs:
            adv.extend([adv[-1]] * (num_glyphs - n_long))
        return adv

    @staticmethod
    def _cmap(data: bytes, base: int) -> dict[int, int]:
        """Format 12 (3,10) if present, else format 4 (3,1 or 0,3)."""
        n = _u16(data, base + 2)
        subtables = {}
        for i in range(n):
            pid, eid, off = struct.unpack_from(">HHI", data, base + 4 + 8 * i)
            subtables[(pid, eid)] = base + off
        for key in ((3, 10), (0, 4), (0, 6)):
            if key in subtables and _u16(data, subtables[key]) == 12:
                return Sfnt._cmap12(data, subtables[key])
        for key in ((3, 1), (0, 3), (0, 1), (0, 0)):
            if key in subtables and _u16(data, subtables[key]) == 4:
                return Sfnt._cmap4(data, subtables[key])
        raise SfntError("no Unicode cmap (format 4 or 12)")

    @staticmethod
    def _cmap12(data: bytes, off: int) -> dict[int, int]:
        n = struct.unpack_from(">I", data, off + 12)[0]
        groups = _be_array("I", data[off + 16:off + 16 + 12 * n])
        cmap: dict[int, int] = {}
        for i in range(0, 3 * n, 3):
            start, end, gid = groups[i], groups[i + 1], groups[i + 2]
            cmap.update(zip(range(start, end + 1), range(gid, gid + end - start + 1)))
        return cmap

    @staticmethod
    def _cmap4(data: bytes, off: int) -> dict[int, int]:
        seg2 = _u16(data, off + 6)
        segs = seg2 // 2
        ends = _be_array("H", data[off + 14:off + 14 + seg2])
        starts = _be_array("H", data[off + 16 + seg2:off + 16 + 2 * seg2])
        deltas = _be_array("h", data[off + 16 + 2 * seg2:off + 16 + 3 * seg2])
        ro_base = off + 16 + 3 * seg2
        range_offsets = _be_array("H", data[ro_base:ro_base + seg2])
        cmap: dict[int, int] = {}
        # A segment without offset maps code -> code + delta: unless it wraps, a run of glyph ids.  A CJK
        # face has thousands, of 2-3 codes each: their ranges are added in one go (in C), in order.
        codes, glyphs = [], []  # the code and glyph ranges of the run of delta segments not yet added
        zeros = False  # a code mapped to glyph 0, removed at the end
        for i in range(segs):
            start, end, delta, ro = starts[i], ends[i], deltas[i], range_offsets[i]
            if start == 0xFFFF:
                continue
            first, n = (start + delta) & 0xFFFF, end - start + 1
            if ro == 0 and first + n <= 0x10000:
                codes.append(range(start, end + 1))
                glyphs.append(range(first, first + n))
                zeros = zeros or (first == 0 and n > 0)
                continue
            if codes:
                cmap.update(zip(chain.from_iterable(codes), chain.from_iterable(glyphs)))
                codes, glyphs = [], []
            if ro == 0:  # (wraps past 65535: may reach 0)
                cmap.update((c, (c + delta) & 0xFFFF) for c in range(start, end + 1))
                zeros = True
            else:
                at = ro_base + 2 * i + ro
                ids = _be_array("H", data[at:at + 2 * (end - start + 1)])
                if len(ids) != end - start + 1:
                    raise SfntError("cmap format 4 glyph ids run past the end of the table")
                cmap.update((c, (g + delta) & 0xFFFF) for c, g in zip(range(start, end + 1), ids) if g)
                zeros = zeros or delta != 0  # (a non-zero id plus delta may wrap to 0)
        cmap.update(zip(chain.from_iterable(codes), chain.from_iterable(glyphs)))
        if zeros:
            cmap = {c: g for c, g in cmap.items() if g}
        return cmap

    @staticmethod
    def _ps_name(data: bytes, where: tuple[int, int] | None) -> str:
        if where is None:
            return ""
        base = where[0]
        count, strings = _u16(data, base + 2), base + _u16(data, base + 4)
        for i in range(count):
            pid, eid, _lang, nid, length, off = struct.unpack_from(">HHHHHH", data, base + 6 + 12 * i)
            if nid != 6:
                continue
            raw = data[strings + off:strings + off + length]
            return raw.decode("utf-16-be" if pid in (0, 3) else "latin-1", "replace")
        return ""

    # -- kerning -------------------------------------------------------------------------
    def pair_kerning(self, glyphs: set[int]) -> dict[tuple[int, int], int]:
        """X-advance adjustments (font units) between pairs of `glyphs` from the GPOS 'kern'
        feature: pair adjustment lookups (type 2, or type 9 wrapping them), formats 1 and 2;
        the first lookup to give a pair wins, as in a shaper."""
        if b"GPOS" not in self.tables:
            return {}
        data, base = self.data, self.tables[b"GPOS"][0]
        feature_list = base + _u16(data, base + 6)
        lookup_list = base + _u16(data, base + 8)
        lookups: set[int] = set()
        for i in range(_u16(data, feature_list)):
            tag, off = struct.unpack_from(">4sH", data, feature_list + 2 + 6 * i)
            if tag == b"kern":
                feat = feature_list + off
                n = _u16(data, feat + 2)
                lookups.update(struct.unpack_from(f">{n}H", data, feat + 4))
        pairs: dict[tuple[int, int], int] = {}
        for li in sorted(lookups):
            lookup = lookup_list + _u16(data, lookup_list + 2 + 2 * li)
            kind, _flags, count = struct.unpack_from(">HHH", data, lookup)
            for k in range(count):
                sub = lookup + _u16(data, lookup + 6 + 2 * k)
                sub_kind = kind
                if kind == 9:  # extension: the real subtable is further on
                    sub_kind = _u16(data, sub + 2)
                    sub = sub + struct.unpack_from(">I", data, sub + 4)[0]
                if sub_kind == 2:
                    self._pair_subtable(sub, glyphs, pairs)
        return pairs

    def _pair_subtable(self, sub: int, glyphs: set[int], pairs: dict[tuple[int, int], int]) -> None:
        data = self.data
        fmt, cov_off, vf1, vf2 = struct.unpack_from(">HHHH", data, sub)
        size1, size2 = 2 * bin(vf1).count("1"), 2 * bin(vf2).count("1")
        if not vf1 & 0x0004:
            return  # no x-advance in the first value record
        xadv = 2 * bin(vf1 & 0x0003).count("1")  # XAdvance follows XPlacement/YPlacement
        coverage = self._coverage(sub + cov_off)
        if fmt == 1:
            for index, g1 in enumerate(coverage):
                if g1 not in glyphs:
                    continue
                ps = sub + _u16(data, sub + 10 + 2 * index)
                rec = 2 + size1 + size2
                for r in range(_u16(data, ps)):
                    at = ps + 2 + r * rec
                    g2 = _u16(data, at)
                    if g2 in glyphs:
                        adj = struct.unpack_from(">h", data, at + 2 + xadv)[0]
                        if adj:
                            pairs.setdefault((g1, g2), adj)
        elif fmt == 2:
            cd1, cd2, n1, n2 = struct.unpack_from(">HHHH", data, sub + 8)
            class1, class2 = self._class_def(sub + cd1, glyphs), self._class_def(sub + cd2, glyphs)
            rec = size1 + size2
            seconds = [(g2, c2) for g2 in sorted(glyphs) if (c2 := class2.get(g2, 0)) < n2]
            wanted = sorted({c2 for _, c2 in seconds})  # (of a CJK face's hundreds of classes, the few asked for)
            rows: dict[int, dict[int, int]] = {}  # class 1 -> x-advance adjustment per wanted class 2
            for g1 in sorted(glyphs & set(coverage)):
                c1 = class1.get(g1, 0)
                row = rows.get(c1)
                if row is None:
                    at = sub + 16 + c1 * n2 * rec + xadv
                    row = rows[c1] = {c2: struct.unpack_from(">h", data, at + c2 * rec)[0] for c2 in wanted}
                if not any(row.values()):
                    continue
                for g2, c2 in seconds:
                    adj = row[c2]
                    if adj:
                        pairs.setdefault((g1, g2), adj)

    def _coverage(self, off: int) -> list[int]:
        data = self.data
        fmt, n = struct.unpack_from(">HH", data, off)
        if fmt == 1:
            return list(struct.unpack_from(f">{n}H", data, off + 4))
        out: list[int] = []
        for i in range(n):
            start, end, _ = struct.unpack_from(">HHH", data, off + 4 + 6 * i)
            out.extend(range(start, end + 1))
        return out

    def _class_def(self, off: int, glyphs: set[int]) -> dict[int, int]:
        """The class (not 0) of each of `glyphs` in the ClassDef table at `off`: only those (a
        build asks for ASCII), since mapping a CJK face's every class range was half the kerning's time."""
        data = self.data
        if _u16(data, off) == 1:
            start, n = struct.unpack_from(">HH", data, off + 2)
            values = struct.unpack_from(f">{n}H", data, off + 6)
            found = {g: values[g - start] for g in glyphs if start <= g < start + n}
        else:  # format 2: ranges (first, last, class), sorted and disjoint
            ranges = _be_array("H", data[off + 4:off + 4 + 6 * _u16(data, off + 2)])
            firsts, lasts, classes = ranges[0::3], ranges[1::3], ranges[2::3]
            at = [(g, bisect_right(firsts, g) - 1) for g in glyphs]
            found = {g: classes[i] for g, i in at if i >= 0 and g <= lasts[i]}
        return {g: c for g, c in found.items() if c}

    # -- subsetting --------------------------------------------------------------------
    # Each glyph's outline is read once per process (memoised in _chunks, _sums, _parts:
    # an edition's page subsets share most glyphs); a subset then gathers them with set
    # and map operations, not a Python loop per glyph.
    def glyph_closure(self, gids: set[int]) -> set[int]:
        """The glyphs plus the components of composite glyphs (and .notdef)."""
        out = {0}
        todo = set(gids)
        if todo and (min(todo) < 0 or max(todo) >= self.num_glyphs):
            todo = {g for g in todo if 0 <= g < self.num_glyphs}
        todo -= out
        while todo:
            for g in todo - self._chunks.keys():
                self._glyph(g)
            out |= todo
            todo = set(chain.from_iterable(map(self._parts.__getitem__, todo & self._parts.keys()))) - out
        return out

    def _glyph(self, g: int) -> bytes:
        """Glyph g's outline padded to 4 bytes, memoised with its checksum and, for a
        composite, its components' glyph ids."""
        got = self._chunks.get(g)
        if got is None:
            start, end = self.loca[g], self.loca[g + 1]
            glyf0 = self.tables[b"glyf"][0]
            got = self.data[glyf0 + start:glyf0 + end]
            if end - start >= 10 and struct.unpack_from(">h", got, 0)[0] < 0:  # composite: flags, glyph, args, ...
                comps, p = [], 10
                while True:
                    flags, comp = struct.unpack_from(">HH", got, p)
                    comps.append(comp)
                    p += 4 + (4 if flags & 0x0001 else 2)
                    p += 8 if flags & 0x0080 else 4 if flags & 0x0040 else 2 if flags & 0x0008 else 0
                    if not flags & 0x0020:
                        break
                self._parts[g] = comps
            if len(got) % 4:
                got += b"\0" * (4 - len(got) % 4)
            self._chunks[g], self._sums[g] = got, _checksum(got)
        return got

    def subset(self, gids: set[int], forms: Sequence[tuple[int, float, float]] = ()) -> tuple[bytes, dict[int, int]]:
        """A TrueType program with only `gids` (and their components), renumbered in their
        original order (.notdef stays 0), and the map old glyph id -> new.  Compact ids keep
        loca and hmtx as small as the glyph set: a page's song subset of 600 glyphs would
        otherwise carry 180 KB of offsets and metrics for 22,820 glyph slots.
        `forms`: (glyph, advance, shift) per punctuation form to add after the kept glyphs
        (ids len(keep), len(keep) + 1, ...): a composite of the glyph with that advance, its
        outline moved `shift` along x (both in em; fonts/halfforms.py)."""
        halves = [g for g, _, _ in forms]
        keep = sorted(self.glyph_closure(gids | set(halves)))
        self._glyph(0)
        new_id = dict(zip(keep, range(len(keep))))
        parts = list(map(self._chunks.__getitem__, keep))
        glyf_sum = sum(map(self._sums.__getitem__, keep))
        for g in self._parts.keys() & new_id.keys():  # composites: their components renumbered
            if len(self._chunks[g]) >= 10:
                chunk = parts[new_id[g]] = self._renumbered_components(self._chunks[g], new_id)
                glyf_sum += _checksum(chunk) - self._sums[g]
        lengths = list(map(len, parts))
        for g, _, shift in forms:
            chunk = self._half_glyph(g, new_id[g], round(shift * self.upem))
            glyf_sum += _checksum(chunk)
            parts.append(chunk)
            lengths.append(len(chunk))
        new_loca = array("I", accumulate(lengths, initial=0))
        tables = {tag: self.table(tag) for tag in SUBSET_TABLES if tag in self.tables and tag not in (b"glyf", b"loca")}
        for tag, t in tables.items():
            if tag not in self._table_sums:
                self._table_sums[tag] = _checksum(t)
        sums = {tag: self._table_sums[tag] for tag in tables}
        tables[b"glyf"] = b"".join(parts)
        sums[b"glyf"] = glyf_sum & 0xFFFFFFFF
        tables[b"hmtx"] = self._hmtx_for(keep) + self._half_metrics(forms)
        total = len(keep) + len(halves)
        if _LITTLE:
            new_loca.byteswap()
        tables[b"loca"] = new_loca.tobytes()
        head = bytearray(tables[b"head"])
        head[8:12] = b"\0\0\0\0"  # checkSumAdjustment, set below
        head[50:52] = b"\x00\x01"  # long loca
        tables[b"head"] = bytes(head)
        hhea = bytearray(tables[b"hhea"])
        struct.pack_into(">H", hhea, 34, total)  # numberOfHMetrics: every glyph has its own
        tables[b"hhea"] = bytes(hhea)
        maxp = bytearray(tables[b"maxp"])
        struct.pack_into(">H", maxp, 4, total)  # numGlyphs
        if halves and len(maxp) >= 32:  # version 1.0: composites' points, contours, elements, depth
            pts, cts = struct.unpack_from(">HH", maxp, 6)
            cp, cc = struct.unpack_from(">HH", maxp, 10)
            struct.pack_into(">HH", maxp, 10, max(cp, pts), max(cc, cts))
            el, depth = struct.unpack_from(">HH", maxp, 28)
            struct.pack_into(">HH", maxp, 28, max(el, 1), max(depth, 1))
        tables[b"maxp"] = bytes(maxp)
        if b"post" in tables:  # format 3: no glyph names (they would name glyphs not present)
            tables[b"post"] = b"\x00\x03\x00\x00" + tables[b"post"][4:32]
        for tag in (b"loca", b"hmtx", b"head", b"hhea", b"maxp", b"post"):
            if tag in tables:
                sums[tag] = _checksum(tables[tag])
        return _write_sfnt(tables, sums), new_id

    def _half_glyph(self, g: int, new: int, dx: int = 0) -> bytes:
        """Glyph data of a composite of glyph `new` (g's subset id), moved `dx` units along x."""
        chunk = self._glyph(g)
        if len(chunk) < 10:  # an empty glyph stays empty
            return b""
        x0, y0, x1, y1 = struct.unpack_from(">hhhh", chunk, 2)
        # flags: ARG_1_AND_2_ARE_WORDS | ARGS_ARE_XY_VALUES; not USE_MY_METRICS (its own advance)
        return (b"\xff\xff" + struct.pack(">hhhh", x0 + dx, y0, x1 + dx, y1)
                + struct.pack(">HHhh", 0x0003, new, dx, 0) + b"\0\0")

    def _half_metrics(self, forms: Sequence[tuple[int, float, float]]) -> bytes:
        """hmtx entries of the forms: their advance, the glyph's side bearing moved with it."""
        if not forms:
            return b""
        out = array("h")
        for g, advance, shift in forms:
            chunk = self._glyph(g)
            lsb = struct.unpack_from(">h", chunk, 2)[0] + round(shift * self.upem) if len(chunk) >= 10 else 0
            out += array("h", [round(advance * self.upem), lsb])
        if _LITTLE:
            out.byteswap()
        return out.tobytes()

    @staticmethod
    def _renumbered_components(chunk: bytes, new_id: dict[int, int]) -> bytes:
        """A composite glyph with its components' glyph ids mapped to the subset's."""
        out = bytearray(chunk)
        p = 10
        while True:
            flags, comp = struct.unpack_from(">HH", out, p)
            struct.pack_into(">H", out, p + 2, new_id[comp])
            p += 4 + (4 if flags & 0x0001 else 2)
            p += 8 if flags & 0x0080 else 4 if flags & 0x0040 else 2 if flags & 0x0008 else 0
            if not flags & 0x0020:
                break
        return bytes(out)

    def _hmtx_for(self, keep: list[int]) -> bytes:
        """hmtx of the kept glyphs in their new order, each with its advance and side bearing:
        every glyph's 4-byte entry as one array item (bytes as in the file, never read as a
        number), gathered by itemgetter."""
        if self._hmtx is None:
            raw = self.table(b"hmtx")
            n_long = _u16(self.data, self.tables[b"hhea"][0] + 34)
            last_adv, lsbs = raw[4 * n_long - 4:4 * n_long - 2], raw[4 * n_long:]
            short = b"".join(last_adv + (lsbs[2 * k:2 * k + 2] or b"\0\0") for k in range(self.num_glyphs - n_long))
            self._hmtx = array("I", raw[:4 * n_long] + short)
        got = itemgetter(*keep)(self._hmtx)
        return array("I", got if len(keep) > 1 else [got]).tobytes()

    def table(self, tag: bytes) -> bytes:
        off, length = self.tables[tag]
        return self.data[off:off + length]


def _checksum(data: bytes) -> int:
    if len(data) % 4:
        data += b"\0" * (4 - len(data) % 4)
    return sum(_be_array("I", data)) & 0xFFFFFFFF


def _write_sfnt(tables: dict[bytes, bytes], sums: dict[bytes, int]) -> bytes:
    tags = sorted(tables)
    n = len(tags)
    es = max(k for k in range(16) if 1 << k <= n)
    search = (1 << es) * 16
    header = struct.pack(">IHHHH", 0x00010000, n, search, es, n * 16 - search)
    offset = 12 + 16 * n
    directory = []
    body = []
    for tag in tags:
        t = tables[tag]
        directory.append(struct.pack(">4sIII", tag, sums[tag], offset, len(t)))
        padded = t + b"\0" * (-len(t) % 4)
        body.append(padded)
        offset += len(padded)
    font = bytearray(header + b"".join(directory) + b"".join(body))
    # the whole font's checksum is the sum of its parts' (every table starts 4-aligned)
    total = _checksum(header + b"".join(directory)) + sum(sums.values())
    adjust = (0xB1B0AFBA - total) & 0xFFFFFFFF
    head_off = struct.unpack_from(">I", font, 12 + 16 * tags.index(b"head") + 8)[0]
    struct.pack_into(">I", font, head_off + 8, adjust)
    return bytes(font)
