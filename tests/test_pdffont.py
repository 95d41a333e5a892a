"""The font reader/subsetter (sfnt.py) and the one-font-per-face PDF embedding (pdffont.py)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

from layout.fonts.catalogue import load_fontbook
from layout.fonts.embed import NARROW
from layout.fonts.sfnt import Sfnt, _checksum
from layout.page.display import GlyphRun, PageDisplay
from layout.pdf.draw import draw_page, render_pages
from layout.pdf.verify import pdf_page_chars, pdf_text

FONTS = sorted((Path(__file__).resolve().parent.parent / "fonts").glob("*.ttf"))
FACES = ["LayoutBiaosongSC-Bold", "LayoutHeiSC-Bold", "LayoutKaiSC-Regular", "LayoutSongSC-Regular"]


@pytest.fixture(scope="module")
def book():
    return load_fontbook()


def test_the_four_bundled_faces_are_there():
    """The tests parametrized over FONTS would all be skipped, not failed, without them."""
    assert [p.stem for p in FONTS] == FACES


@pytest.mark.slow  # fontTools parses each whole face
@pytest.mark.parametrize("path", FONTS, ids=lambda p: p.stem)
def test_reader_agrees_with_fonttools(path):
    s = Sfnt.read(path)
    tt = TTFont(str(path))
    order = tt.getGlyphOrder()
    assert {cp: order[g] for cp, g in s.cmap.items()} == tt.getBestCmap()
    hmtx, vmtx = tt["hmtx"].metrics, tt["vmtx"].metrics
    assert [s.advances[g] for g in range(s.num_glyphs)] == [hmtx[n][0] for n in order]
    assert [s.vadvances[g] for g in range(s.num_glyphs)] == [vmtx[n][0] for n in order]
    assert (s.upem, s.ascent, s.descent) == (tt["head"].unitsPerEm, tt["OS/2"].sTypoAscender,
                                             tt["OS/2"].sTypoDescender)
    assert s.ps_name == tt["name"].getDebugName(6)


@pytest.mark.slow  # fontTools parses each whole face
@pytest.mark.parametrize("path", FONTS, ids=lambda p: p.stem)
def test_subset_renumbers_glyphs_and_keeps_outlines_metrics_and_checksums(path):
    s = Sfnt.read(path)
    text = "中华人民共和国，。“”《》——ABCxyz123¨´"
    gids = {s.cmap[ord(ch)] for ch in text if ord(ch) in s.cmap}
    data, new_id = s.subset(gids)
    # a valid sfnt: every table's checksum, and the whole file's, as the spec computes them
    n = struct.unpack_from(">H", data, 4)[0]
    for i in range(n):
        tag, csum, off, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
        table = data[off:off + length]
        if tag == b"head":
            table = table[:8] + b"\0\0\0\0" + table[12:]
        assert _checksum(table) == csum, tag
    assert _checksum(data) == 0xB1B0AFBA
    full, sub = TTFont(str(path)), TTFont(io.BytesIO(data))
    order, sub_order = full.getGlyphOrder(), sub.getGlyphOrder()
    kept = sorted(s.glyph_closure(gids))
    assert sorted(new_id) == kept and sorted(new_id.values()) == list(range(len(kept)))
    assert new_id[0] == 0 and all(new_id[a] < new_id[b] for a, b in zip(kept, kept[1:]))  # order kept
    assert sub["maxp"].numGlyphs == len(kept) and sub["hhea"].numberOfHMetrics == len(kept)
    for g in kept:
        name, sub_name = order[g], sub_order[new_id[g]]
        a, b = full["glyf"][name], sub["glyf"][sub_name]
        assert sub["hmtx"][sub_name] == full["hmtx"][name]  # advance and side bearing
        if a.isComposite():
            assert [new_id[order.index(c.glyphName)] for c in a.components] == \
                [sub_order.index(c.glyphName) for c in b.components], name
            assert a.getCoordinates(full["glyf"])[0] == b.getCoordinates(sub["glyf"])[0]
        else:
            assert a.compile(full["glyf"]) == b.compile(sub["glyf"]), name


def test_composite_glyph_brings_its_components():
    kai = next(p for p in FONTS if "Kai" in p.name)
    s = Sfnt.read(kai)
    tt = TTFont(str(kai))
    order = tt.getGlyphOrder()
    g = s.cmap[0xA8]  # DIAERESIS is a composite in LXGW WenKai
    glyph = tt["glyf"][order[g]]
    assert glyph.isComposite()
    components = {order.index(c.glyphName) for c in glyph.components}
    assert components <= s.glyph_closure({g})
    data, new_id = s.subset({g})
    sub = TTFont(io.BytesIO(data))
    glyf = sub["glyf"]
    assert glyf[sub.getGlyphOrder()[new_id[g]]].getCoordinates(glyf)[0] == glyph.getCoordinates(tt["glyf"])[0]


def reference_kerning(tt, cmap: dict[int, str], upem: int) -> dict[str, float]:
    """The same pairs read with fontTools' GPOS objects (what layout used before sfnt.py)."""
    if "GPOS" not in tt:
        return {}
    gpos = tt["GPOS"].table
    if not gpos.FeatureList or not gpos.LookupList:
        return {}
    ascii_glyphs = {g: chr(cp) for cp, g in cmap.items() if 0x21 <= cp <= 0x7E}
    pairs: dict[str, float] = {}
    lookups = sorted({i for fr in gpos.FeatureList.FeatureRecord if fr.FeatureTag == "kern"
                      for i in fr.Feature.LookupListIndex})
    for li in lookups:
        for st in gpos.LookupList.Lookup[li].SubTable:
            if getattr(st, "ExtSubTable", None) is not None:
                st = st.ExtSubTable
            if getattr(st, "Format", 0) == 1 and hasattr(st, "PairSet"):
                for g1, ps in zip(st.Coverage.glyphs, st.PairSet):
                    if g1 not in ascii_glyphs:
                        continue
                    for rec in ps.PairValueRecord:
                        adj = getattr(rec.Value1, "XAdvance", 0) if rec.Value1 else 0
                        if adj and rec.SecondGlyph in ascii_glyphs:
                            pairs.setdefault(ascii_glyphs[g1] + ascii_glyphs[rec.SecondGlyph], adj / upem)
            elif getattr(st, "Format", 0) == 2 and hasattr(st, "Class1Record"):
                cov = set(st.Coverage.glyphs)
                c1 = st.ClassDef1.classDefs if st.ClassDef1 else {}
                c2 = st.ClassDef2.classDefs if st.ClassDef2 else {}
                for g1, ch1 in ascii_glyphs.items():
                    if g1 not in cov:
                        continue
                    row = st.Class1Record[c1.get(g1, 0)].Class2Record
                    for g2, ch2 in ascii_glyphs.items():
                        v = row[c2.get(g2, 0)].Value1
                        adj = getattr(v, "XAdvance", 0) if v else 0
                        if adj:
                            pairs.setdefault(ch1 + ch2, adj / upem)
    return pairs


@pytest.mark.slow  # fontTools parses each whole face
@pytest.mark.parametrize("path", FONTS, ids=lambda p: p.stem)
def test_kerning_pairs_agree_with_fonttools(path):
    from layout.fonts.catalogue import _kerning_of

    s = Sfnt.read(path)
    tt = TTFont(str(path))
    mine = _kerning_of(s, s.upem)
    assert mine == reference_kerning(tt, tt.getBestCmap(), s.upem)
    if "Kai" not in path.name:
        assert mine  # the bundled song, biaosong and hei faces kern Latin


def _display(runs, label="X1"):
    return PageDisplay(label, 400, 200, tuple(runs))


def test_characters_sharing_a_glyph_read_back_as_themselves(book):
    """U+2012 and U+2013 share one glyph in the song face; codes are code points, so
    ToUnicode gives each back (a glyph-id encoding could give back only one)."""
    song = book.face("song")
    prog = song.program
    assert prog.cmap[0x2012] == prog.cmap[0x2013]
    text = "号码‒一二–三"
    pdf = render_pages([draw_page(_display([GlyphRun(20, 50, song.key, 12, text)]), book, "archive")], book)
    assert pdf_text(pdf) == text


def test_one_embedded_font_per_face_whatever_the_page_count(book):
    song, hei = book.face("song"), book.face("hei")
    pages = [_display([GlyphRun(20, 50, song.key, 12, f"第{n}版新闻，共{n}条"),
                       GlyphRun(20, 90, hei.key, 20, "要闻")], f"P{n}") for n in range(1, 13)]
    pdf = render_pages([draw_page(p, book, "print", 9.0) for p in pages], book)
    r = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(r.pages) == 12
    programs = set()
    for page in r.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            assert font["/Subtype"] == "/Type0" and font["/Encoding"] == "/Identity-H"
            cid = font["/DescendantFonts"][0].get_object()
            assert cid["/Subtype"] == "/CIDFontType2"
            programs.add(cid["/FontDescriptor"].get_object().raw_get("/FontFile2").idnum)
    assert len(programs) == 2
    for i in range(12):
        assert pdf_text(pdf, i) == f"第{i + 1}版新闻，共{i + 1}条要闻"


def test_widths_and_cid_to_gid_map_match_the_font(book):
    """Each code's width is the font's, and the CIDToGIDMap leads to the glyph the font's cmap gives."""
    song = book.face("song")
    text = "中文English，。（1）"
    pdf = render_pages([draw_page(_display([GlyphRun(20, 50, song.key, 10, text)]), book, "print")], book)
    r = pypdf.PdfReader(io.BytesIO(pdf))
    font = next(iter(r.pages[0]["/Resources"]["/Font"].values())).get_object()
    cid = font["/DescendantFonts"][0].get_object()
    gidmap = cid["/CIDToGIDMap"].get_object().get_data()
    widths = {}
    w = list(cid["/W"])
    while w:
        first, ws = w[0], w[1]
        widths.update({first + i: float(v) for i, v in enumerate(ws)})
        w = w[2:]
    program = TTFont(io.BytesIO(cid["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
    full = TTFont(str(song.file))
    for ch in set(text):
        code = ord(ch)
        gid = struct.unpack_from(">H", gidmap, 2 * code)[0]  # the subset's glyph for the code
        mine = program["glyf"][program.getGlyphOrder()[gid]]
        theirs = full["glyf"][full.getGlyphOrder()[song.program.cmap[code]]]
        assert mine.compile(program["glyf"]) == theirs.compile(full["glyf"]), ch
        assert widths.get(code, float(cid["/DW"])) == pytest.approx(song.widths[ch] * 1000), ch


def test_page_file_subset_is_smaller_than_the_edition_subset(sample_build):
    """A page file embeds its own glyphs only; the edition embeds each face once."""
    ed = pypdf.PdfReader(io.BytesIO(sample_build.edition_pdf.read_bytes()))

    def programs(reader):
        out = {}
        for page in reader.pages:
            for ref in page["/Resources"]["/Font"].values():
                cid = ref.get_object()["/DescendantFonts"][0].get_object()
                desc = cid["/FontDescriptor"].get_object()
                ff = desc["/FontFile2"].get_object()
                out[str(cid["/BaseFont"]).split("+")[1]] = (desc.raw_get("/FontFile2").idnum, int(ff["/Length1"]))
        return out

    edition = programs(ed)
    assert 2 <= len({idn for idn, _ in edition.values()}) == len(edition) <= 4
    a1 = programs(pypdf.PdfReader(io.BytesIO(sample_build.page_pdfs["A1"].read_bytes())))
    assert a1 and set(a1) <= set(edition)
    assert all(a1[name][1] < edition[name][1] for name in a1)


def test_edition_pages_read_back_like_the_page_files(sample_build):
    ed = sample_build.edition_pdf.read_bytes()
    assert len(sample_build.page_pdfs) == 36
    for i, (label, path) in enumerate(sample_build.page_pdfs.items()):
        assert pdf_text(ed, i) == pdf_text(path.read_bytes()), label


def test_font_streams_are_flate_compressed(sample_build):
    raw = sample_build.edition_pdf.read_bytes()
    r = pypdf.PdfReader(io.BytesIO(raw))
    page = r.pages[0]
    cid = next(iter(page["/Resources"]["/Font"].values())).get_object()["/DescendantFonts"][0].get_object()
    ff = cid["/FontDescriptor"].get_object()["/FontFile2"].get_object()
    assert ff["/Filter"] in ("/FlateDecode", ["/FlateDecode"])
    body = ff.get_data()
    assert len(body) == int(ff["/Length1"]) and body[:4] == b"\x00\x01\x00\x00"
    assert len(ff._data) < len(body) and zlib.decompress(ff._data) == body


def _one_line_pdf(face, text: str) -> bytes:
    """`text` in `face`, drawn straight through EmbeddedFace on a bare ReportLab canvas."""
    from reportlab.pdfgen import canvas

    from layout.fonts.embed import EmbeddedFace

    ef = EmbeddedFace(face)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(200, 100), invariant=1)
    res = ef.use(c._doc, set(text))
    c.addLiteral(f"BT {res} 12 Tf 1 0 0 1 20 50 Tm {ef.encode(text)} Tj ET")
    c.showPage()
    c.save()
    return buf.getvalue()


def test_characters_beyond_the_bmp_get_private_codes_and_read_back(book):
    """No bundled face maps a character beyond the BMP; a face that does (Ext. B) gets
    codes in the Private Use Area, and ToUnicode gives the real character back."""
    import dataclasses

    from layout.fonts.embed import EmbeddedFace

    song = book.face("song")
    prog = dataclasses.replace(song.program, cmap={**song.program.cmap, 0x20000: song.program.cmap[0x4E2D]})
    face = dataclasses.replace(song, key="TestAstral", program=prog,
                               widths={**song.widths, "\U00020000": 1.0})
    text = "甲\U00020000乙"
    assert EmbeddedFace(face).encode(text).upper() == "<7532E0004E59>"
    assert pdf_text(_one_line_pdf(face, text)) == text


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "no-cmap"])
def test_a_damaged_font_file_is_a_font_error_naming_it(tmp_path, damage):
    import shutil

    from layout.errors import FontError

    src = Path(__file__).resolve().parent.parent / "fonts"
    for f in src.iterdir():
        if f.is_file():
            shutil.copy(f, tmp_path / f.name)
    song = tmp_path / "LayoutSongSC-Regular.ttf"
    data = song.read_bytes()
    if damage == "truncated":
        song.write_bytes(data[: len(data) // 3])
    elif damage == "garbage":
        song.write_bytes(bytes(range(256)) * 64)
    elif damage == "empty":
        song.write_bytes(b"")
    else:  # the cmap table's tag renamed: the table is gone
        i = data.index(b"cmap", 12, 12 + 16 * 30)
        song.write_bytes(data[:i] + b"xmap" + data[i + 4:])
    with pytest.raises(FontError) as err:
        load_fontbook(tmp_path / "fonts.yaml")
    text = str(err.value.problems[0])
    assert "LayoutSongSC-Regular.ttf" in text and "fonts prepare" in text


def test_a_font_cut_short_in_its_outlines_is_refused(tmp_path):
    """Loading reads only the directory, cmap and metrics; a file cut inside its glyph data
    must still be refused, or pages would embed broken outlines."""
    from layout.fonts.sfnt import SfntError

    data = FONTS[0].read_bytes()
    cut = tmp_path / "cut.ttf"
    cut.write_bytes(data[:-1000])
    with pytest.raises(SfntError, match="runs past the end"):
        Sfnt.read(cut)


def test_character_spacing_does_not_leak_into_proof_labels(book):
    """Tc is text state: it outlives ET.  A justified run's spacing must not stretch the
    proof marks drawn after the text."""
    from layout.page.display import Marker

    song = book.face("song")
    page = PageDisplay("X1", 400, 200, (GlyphRun(20, 50, song.key, 10, "中文排版", tc=1.5),
                                        Marker(10, 60, 100, 40, "frame", "story-id")))
    content = draw_page(page, book, "proof").content
    start = content.index("BT\n")  # the runs' block (the watermark before it is a label)
    text_block = content[start:content.index("ET", start) + 2]
    assert "1.5 Tc" in text_block and text_block.endswith("0 Tc\nET")
    assert content[content.index("ET", start):].count("BT 0 Tc") == 1  # the frame label
    chars = pdf_page_chars(render_pages([draw_page(page, book, "proof")], book))
    text = "".join(c.ch for c in chars)
    at = text.index("story-id")
    assert chars[at + 1].x - chars[at].x == pytest.approx(song.widths["s"] * 6, abs=0.01)  # 6 pt, no spacing


@pytest.mark.slow  # fontTools parses, rewrites and saves a whole face
def test_format_12_cmap_with_a_character_beyond_the_bmp(tmp_path, book):
    """The bundled faces have format-4 cmaps only; a face with a (3,10) format-12 cmap and an
    Ext. B character (built here with fontTools) is read the same as fontTools reads it, and
    its astral character is embedded and read back."""
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

    kai = next(p for p in FONTS if "Kai" in p.name)
    tt = TTFont(str(kai))
    best = dict(tt.getBestCmap())
    best[0x20000] = best[ord("中")]
    sub = CmapSubtable.newSubtable(12)
    sub.platformID, sub.platEncID, sub.language = 3, 10, 0
    sub.cmap = best
    tt["cmap"].tables.append(sub)
    path = tmp_path / "kai12.ttf"
    tt.save(str(path))
    s = Sfnt.read(path)
    order = TTFont(str(path)).getGlyphOrder()
    assert {cp: order[g] for cp, g in s.cmap.items()} == TTFont(str(path)).getBestCmap()
    assert s.cmap[0x20000] == s.cmap[ord("中")]

    import dataclasses

    face = dataclasses.replace(book.face("kai"), key="TestKai12", file=path, program=s,
                               widths={chr(cp): s.advances[g] / s.upem for cp, g in s.cmap.items()})
    text = "字\U00020000中"
    assert pdf_text(_one_line_pdf(face, text)) == text


def _font_parts(pdf: bytes):
    r = pypdf.PdfReader(io.BytesIO(pdf))
    font = next(iter(r.pages[0]["/Resources"]["/Font"].values())).get_object()
    cid = font["/DescendantFonts"][0].get_object()
    widths = {}
    w = list(cid["/W"])
    while w:
        if isinstance(w[1], (list, pypdf.generic.ArrayObject)):  # c [w1 w2 ...]
            widths.update({int(w[0]) + i: float(v) for i, v in enumerate(w[1])})
            w = w[2:]
        else:  # c_first c_last w (a tagged edition's narrow widths, fonts/embed.py)
            widths.update({c: float(w[2]) for c in range(int(w[0]), int(w[1]) + 1)})
            w = w[3:]
    program = TTFont(io.BytesIO(cid["/FontDescriptor"]["/FontFile2"].get_object().get_data()))
    return r, font, cid, widths, program


def test_compressed_closing_marks_are_half_width_forms(book):
    """A tagged page draws a closing mark set half an em wide (a line-end 。, a ）before
    the next run) with a code whose width is half an em: a composite of the mark's glyph
    with half an em of advance in the program (PDF/A: widths agree), ToUnicode back to
    the mark.  Its outline is the mark's, at the same place; the text extracts unchanged."""
    from layout.fonts.halfforms import HALF_CODE

    song = book.face("song")
    size = 10.0
    runs = [GlyphRun(20, 50, song.key, size, "江城（一）"),  # ）compressed: the next run starts ½ em on
            GlyphRun(20 + 4.5 * size, 50, song.key, size, "发展。"),  # 。hangs ½ em past the measure (90)
            GlyphRun(20, 70, song.key, size, "（二）的"),  # ）followed by more of its own run: full width
            GlyphRun(20 + 4 * size, 70, song.key, size, "了了了"),
            GlyphRun(20, 90, song.key, size, "今天天气很好。")]  # 。on the measure: full width
    pdf = render_pages([draw_page(_display(runs), book, "archive")], book)
    r, font, cid, widths, program = _font_parts(pdf)
    content = r.pages[0].get_contents().get_data().decode("latin-1")
    paren, stop = HALF_CODE["）"], HALF_CODE["。"]
    assert f"<6c5f57ceff084e00{paren:04x}>" in content and f"<53d15c55{stop:04x}>" in content
    assert "<ff084e8cff097684>" in content  # a mark inside its run keeps its own code
    assert "<4eca592959296c145f88597d3002>" in content  # a line's last mark on the measure: full width
    assert widths[paren] == widths[stop] == 500 - NARROW  # a tagged edition's widths are narrow (readorder.py)
    gidmap = cid["/CIDToGIDMap"].get_object().get_data()
    order = program.getGlyphOrder()
    glyf = program["glyf"]
    theirs = TTFont(str(song.file))
    for mark, code in (("）", paren), ("。", stop)):
        half = glyf[order[struct.unpack_from(">H", gidmap, 2 * code)[0]]]
        assert half.isComposite() and len(half.components) == 1
        comp = half.components[0]
        assert (comp.x, comp.y) == (0, 0) and not comp.flags & 0x0200  # in place; not USE_MY_METRICS
        assert glyf[comp.glyphName].getCoordinates(glyf)[0] == \
            theirs["glyf"][theirs.getGlyphOrder()[song.program.cmap[ord(mark)]]].getCoordinates(theirs["glyf"])[0]
        assert program["hmtx"][order[struct.unpack_from(">H", gidmap, 2 * code)[0]]][0] == program["head"].unitsPerEm // 2
        if mark == "）":  # also drawn at full width (in （二）的): its own code leads to the component
            assert order[struct.unpack_from(">H", gidmap, 2 * ord(mark))[0]] == comp.glyphName
    cmap = font["/ToUnicode"].get_object().get_data().decode()
    assert f"<{paren:04X}> <FF09>" in cmap and f"<{stop:04X}> <3002>" in cmap
    text = pdf_text(pdf, 0)
    assert "江城（一）发展。" in text.replace("\n", "") and "（二）的了了了" in text.replace("\n", "")


def test_format_4_cmap_segments_of_every_kind():
    """Sfnt._cmap4 against the format's definition, on a table made for it: runs of codes
    mapped by delta (one reaching glyph 0, one wrapping past 65535), codes mapped through
    glyph id arrays (with a missing glyph, and with a delta that wraps one id to 0), in an
    order that interleaves them, and the closing 0xFFFF segment."""
    segments = [  # (start, end, delta, glyph ids or None)
        (0x20, 0x22, 10, None), (0x30, 0x30, -0x30, None), (0x41, 0x43, 0, [5, 0, 7]),
        (0x4E00, 0x4E01, 100, None), (0x5000, 0x5002, 0x10000 - 0x5001, None),
        (0x6000, 0x6002, 3, [1, 0xFFFD, 9]), (0x7000, 0x7001, 2, None), (0xFFFF, 0xFFFF, 1, None)]
    n = len(segments)
    ids_at = 16 + 8 * n  # the glyph id arrays follow the four segment arrays
    arrays, offsets = b"", []
    for i, (_, _, _, ids) in enumerate(segments):
        if ids is None:
            offsets.append(0)
        else:
            offsets.append(ids_at + len(arrays) - (16 + 6 * n + 2 * i))  # from its own idRangeOffset slot
            arrays += struct.pack(f">{len(ids)}H", *ids)
    table = struct.pack(">HHHHHHH", 4, 0, 0, 2 * n, 0, 0, 0)
    table += struct.pack(f">{n}H", *[e for _, e, _, _ in segments]) + b"\0\0"
    table += struct.pack(f">{n}H", *[s for s, _, _, _ in segments])
    table += struct.pack(f">{n}h", *[d if -0x8000 <= d < 0x8000 else d - 0x10000 for _, _, d, _ in segments])
    table += struct.pack(f">{n}H", *offsets) + arrays
    want: dict[int, int] = {}
    for start, end, delta, ids in segments[:-1]:
        for k, c in enumerate(range(start, end + 1)):
            g = (c + delta) % 0x10000 if ids is None else (ids[k] + delta) % 0x10000 if ids[k] else 0
            if g:
                want[c] = g
    got = Sfnt._cmap4(table, 0)
    assert got == want and list(got) == list(want)
    assert 0x30 not in got and 0x42 not in got and 0x6001 not in got  # glyph 0: not mapped
    assert got[0x5000] == 0xFFFF and got[0x5002] == 1  # a delta run wrapping past 65535
