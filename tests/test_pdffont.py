"""The font reader/subsetter (sfnt.py) and the one-font-per-face PDF embedding (pdffont.py)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont

from layout.checks import pdf_text
from layout.display import GlyphRun, PageDisplay
from layout.fonts import load_fontbook
from layout.render_pdf import draw_page, render_pages
from layout.sfnt import Sfnt, _checksum

FONTS = sorted((Path(__file__).resolve().parent.parent / "fonts").glob("*.ttf"))


@pytest.fixture(scope="module")
def book():
    return load_fontbook()


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


@pytest.mark.parametrize("path", FONTS, ids=lambda p: p.stem)
def test_subset_keeps_glyph_ids_outlines_and_checksums(path):
    s = Sfnt.read(path)
    text = "中华人民共和国，。“”《》——ABCxyz123¨´"
    gids = {s.cmap[ord(ch)] for ch in text if ord(ch) in s.cmap}
    data = s.subset(gids)
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
    order = full.getGlyphOrder()
    assert sub["maxp"].numGlyphs == full["maxp"].numGlyphs  # glyph ids kept
    kept = s.glyph_closure(gids)
    for g in range(s.num_glyphs):
        name = order[g]
        a, b = full["glyf"][name], sub["glyf"][sub.getGlyphOrder()[g]]
        if g in kept:
            assert a.compile(full["glyf"]) == b.compile(sub["glyf"]), name
        else:
            assert b.numberOfContours == 0, name


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
    sub = TTFont(io.BytesIO(s.subset({g})))
    glyf = sub["glyf"]
    assert glyf[sub.getGlyphOrder()[g]].getCoordinates(glyf)[0] == glyph.getCoordinates(tt["glyf"])[0]


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
    song = book.face("song")
    text = "中文English，。（1）"
    pdf = render_pages([draw_page(_display([GlyphRun(20, 50, song.key, 10, text)]), book, "archive")], book)
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
    for ch in set(text):
        code = ord(ch)
        gid = struct.unpack_from(">H", gidmap, 2 * code)[0]
        assert gid == song.program.cmap[code], ch
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
    assert len({idn for idn, _ in edition.values()}) == len(edition) <= 4
    a1 = programs(pypdf.PdfReader(io.BytesIO(sample_build.page_pdfs["A1"].read_bytes())))
    assert set(a1) <= set(edition)
    assert all(a1[name][1] < edition[name][1] for name in a1)


def test_edition_pages_read_back_like_the_page_files(sample_build):
    ed = sample_build.edition_pdf.read_bytes()
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
