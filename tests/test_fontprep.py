"""Checks of the committed fonts/ (built by layout/fontprep.py).

These use only the committed files (no source fonts) and run in seconds.
The character sets are enumerated here independently of fontprep.
"""

from __future__ import annotations

import hashlib
import io
import sys
from pathlib import Path

import pytest
import yaml
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONTS = ROOT / "fonts"
if str(ROOT) not in sys.path:  # plain `pytest` without an installed package
    sys.path.insert(0, str(ROOT))

ROLES = ["song", "biaosong", "hei", "kai"]
NOTO_ROLES = ["song", "biaosong", "hei"]
FILES = {
    "song": "LayoutSongSC-Regular.ttf",
    "biaosong": "LayoutBiaosongSC-Bold.ttf",
    "hei": "LayoutHeiSC-Bold.ttf",
    "kai": "LayoutKaiSC-Regular.ttf",
}
# GBK characters the source (Noto Serif CJK SC) does not have at all.
KNOWN_GBK_GAPS = {0x2252}  # ≒ (GBK A850)
MIB = 2**20


def _decode_all(codec, leads, trails):
    trails = list(trails)
    out = set()
    for a in leads:
        for b in trails:
            try:
                s = bytes((a, b)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(s) == 1:
                out.add(ord(s))
    return out


@pytest.fixture(scope="module")
def gbk():
    return _decode_all("gbk", range(0x81, 0xFF), (t for t in range(0x40, 0xFF) if t != 0x7F))


@pytest.fixture(scope="module")
def gb2312():
    return _decode_all("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))


@pytest.fixture(scope="module")
def catalogue():
    return yaml.safe_load((FONTS / "fonts.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fonts():
    loaded = {role: TTFont(str(FONTS / name), lazy=True) for role, name in FILES.items()}
    yield loaded
    for f in loaded.values():
        f.close()


@pytest.fixture(scope="module")
def cmaps(fonts):
    return {role: f.getBestCmap() for role, f in fonts.items()}


def test_catalogue_lists_four_faces_with_matching_files(catalogue):
    faces = catalogue["faces"]
    assert [f["role"] for f in faces] == ROLES
    for face in faces:
        path = FONTS / face["file"]
        assert face["file"] == FILES[face["role"]]
        assert path.is_file(), path
        assert hashlib.sha256(path.read_bytes()).hexdigest() == face["sha256"], face["file"]
        assert face["license"] == "OFL-1.1"
        licence = (FONTS / face["license_file"]).read_text(encoding="utf-8")
        assert "SIL OPEN FONT LICENSE Version 1.1" in licence
        assert "Modified Version" in licence and "Copyright" in licence
        assert face["coverage"] == ("GBK" if face["role"] == "song" else "GB2312")
        assert set(face["source"]) == {"package", "version", "file", "face", "index"}
    assert catalogue["fallback"] == {"biaosong": ["song"], "hei": ["song"], "kai": ["song"], "song": []}


def test_catalogue_is_what_fontprep_writes(catalogue):
    from layout.tools.fontprep import render_fonts_yaml

    assert render_fonts_yaml(catalogue["faces"]) == (FONTS / "fonts.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("role", ROLES)
def test_truetype_outlines(role, fonts, catalogue):
    f = fonts[role]
    assert f.sfntVersion == "\x00\x01\x00\x00"
    assert "glyf" in f and "loca" in f
    assert "CFF " not in f and "CFF2" not in f and "VORG" not in f
    assert f["maxp"].tableVersion == 0x00010000
    assert "vhea" in f and "vmtx" in f
    for tag in ("fpgm", "prep", "cvt "):  # no hinting
        assert tag not in f
    entry = next(e for e in catalogue["faces"] if e["role"] == role)
    assert f["maxp"].numGlyphs == entry["glyphs"]
    # a common ideograph has real outlines and a full-width advance
    g = f.getBestCmap()[ord("国")]
    assert f["glyf"][g].numberOfContours > 0
    assert f["hmtx"][g][0] == f["head"].unitsPerEm


def test_song_covers_gbk(gbk, cmaps):
    assert len(gbk) > 21000  # 21791 with CPython's codec
    missing = gbk - set(cmaps["song"])
    assert missing == KNOWN_GBK_GAPS, sorted(hex(c) for c in missing)


@pytest.mark.parametrize("role", ROLES)
def test_face_covers_gb2312(role, gb2312, cmaps):
    assert len(gb2312) == 7445
    missing = gb2312 - set(cmaps[role])
    assert not missing, sorted(hex(c) for c in missing)


@pytest.mark.parametrize("role", ROLES)
def test_vertical_forms(role, cmaps):
    cmap = cmaps[role]
    for cp in (0xFE10, 0xFE12, 0xFE35, 0xFE36):  # ︐ ︒ ︵ ︶
        assert cp in cmap, hex(cp)
    if role in NOTO_ROLES:  # Noto CJK has all of them
        wanted = set(range(0xFE10, 0xFE1A)) | set(range(0xFE30, 0xFE50))
        assert wanted <= set(cmap)


@pytest.mark.parametrize("role", NOTO_ROLES)
def test_gb_punctuation_is_full_width(role, fonts, cmaps):
    f, cmap = fonts[role], cmaps[role]
    upem = f["head"].unitsPerEm
    hmtx, glyf = f["hmtx"], f["glyf"]
    for ch in "“”‘’—…，。、：；？！（）《》":
        assert hmtx[cmap[ord(ch)]][0] == upem, ch
    for ch in "“‘":  # opening quotes sit on the right half
        assert glyf[cmap[ord(ch)]].xMin >= upem // 2, ch
    for ch in "”’":  # closing quotes sit on the left half
        assert glyf[cmap[ord(ch)]].xMax <= upem // 2, ch


@pytest.mark.parametrize("role", ROLES)
def test_names_are_renamed(role, fonts):
    name = fonts[role]["name"]
    family = name.getDebugName(1)
    assert "Layout" in family and name.getDebugName(16) == family
    assert name.getDebugName(6) == Path(FILES[role]).stem
    for name_id in (1, 3, 4, 6, 16, 17):
        text = name.getDebugName(name_id)
        assert text, name_id
        for reserved in ("Noto", "LXGW", "Source", "霞鹜", "WenKai"):
            assert reserved.lower() not in text.lower(), (name_id, text)
    assert "Modified" in name.getDebugName(0)
    assert "Open Font License" in name.getDebugName(13)


def test_size_budget():
    sizes = {p.name: p.stat().st_size for p in FONTS.rglob("*") if p.is_file()}
    assert set(FILES.values()) <= set(sizes)
    assert sum(sizes.values()) < 48 * MIB
    for name, size in sizes.items():
        assert size < 20 * MIB, name


def test_missing_sources_raise(tmp_path, monkeypatch):
    from layout.tools.fontprep import FontPrepError, prepare_fonts

    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "out"
    with pytest.raises(FontPrepError) as exc:
        prepare_fonts(out, [empty], log=lambda _msg: None)
    msg = str(exc.value)
    assert "NotoSerifCJK-Regular.ttc" in msg and "LXGWWenKai-Regular.ttf" in msg
    assert "fonts-noto-cjk" in msg and "fonts-lxgw-wenkai" in msg and "apt-get" in msg
    assert not out.exists()
    # without source_dirs the environment variable is searched
    monkeypatch.setenv("LAYOUT_FONT_SOURCES", str(empty))
    with pytest.raises(FontPrepError, match="empty"):
        prepare_fonts(out, None, log=lambda _msg: None)


@pytest.mark.parametrize("role", ROLES)
def test_reportlab_embeds(role):
    import pypdf
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont as RLTTFont
    from reportlab.pdfgen import canvas

    text = "新华社北京电：“稳中求进”——《人民日报》……①℃"
    key = f"test-fontprep-{role}"
    pdfmetrics.registerFont(RLTTFont(key, str(FONTS / FILES[role])))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(600, 100))
    c.setFont(key, 20)
    c.drawString(10, 40, text)
    c.save()
    reader = pypdf.PdfReader(io.BytesIO(buf.getvalue()))
    page = reader.pages[0]
    fonts = [f.get_object() for f in page["/Resources"]["/Font"].values()]
    truetype = [f for f in fonts if f["/Subtype"] == "/TrueType"]
    assert truetype
    embedded = [f for f in truetype if "/FontFile2" in f["/FontDescriptor"]]
    assert len(embedded) == len(truetype)
    assert all(str(f["/BaseFont"]).endswith(Path(FILES[role]).stem) for f in embedded)
    assert page.extract_text().strip() == text
