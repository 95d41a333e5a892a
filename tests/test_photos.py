"""Photos as they were shot: every mode printed right side up and in the right tones, and
every unprintable file an error naming the photo, its file and its manifest line, through
the real `build`, `check` and `watch` paths.

The photos are made here with Pillow (or by hand with zlib + struct) and read back from
the page PDF: the embedded image XObject's pixels (pypdf) and its size.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader
from typer.testing import CliRunner

from layout.build.pipeline import BuildOptions, build, compose_all, prepare
from layout.build.watch import Watcher
from layout.cli import app
from layout.errors import ManifestError
from layout.model.photos import MAX_PIXELS, UPRIGHT, orientation
from layout.page.display import Image
from layout.pdf.imaging import OUTPUT_PPI, prepare_image, stored_box

ROOT = Path(__file__).resolve().parent.parent
# lunardate (dates.py) and pypdf's outline API raise DeprecationWarnings on builds; not ours
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

MANIFEST = """\
edition: {{paper: 江城日报, date: 2026-08-19, number: 25312, style: broadsheet}}
sections:
  - {{id: A, name: 要闻, pages: 1}}
pages:
  A1:
    editor: 王晓
    stories:
      - id: s1
        frame: {{col: 1, span: 5, top: 0, lines: 40}}
        headline: 江城发布112项核心医疗技术成果
        body: {{filler: {{seed: 3, chars: 900}}}}
    photos:
      - id: p1
        file: photos/{name}
        frame: {{col: 6, span: {span}, top: 0, lines: {lines}}}
        caption: 光谷生物城的实验室里，研究人员正在调试设备。
        fit: {fit}
"""


def edition(root: Path, name: str, data: bytes | PILImage.Image, fit: str = "contain", span: int = 3,
            lines: int = 30, **save) -> Path:
    """An edition of one page with one photo, `data` saved as photos/<name>."""
    (root / "photos").mkdir(parents=True, exist_ok=True)
    photo = root / "photos" / name
    if isinstance(data, PILImage.Image):
        data.save(photo, **save)
    else:
        photo.write_bytes(data)
    manifest = root / "edition.yaml"
    manifest.write_text(MANIFEST.format(name=name, fit=fit, span=span, lines=lines), encoding="utf-8")
    return manifest


def entry_line(manifest: Path) -> int:
    lines = manifest.read_text(encoding="utf-8").splitlines()
    return next(i for i, ln in enumerate(lines, 1) if "- id: p1" in ln)


def built(manifest: Path, out: Path, mode: str = "print"):
    return build(manifest, BuildOptions(out_dir=out, mode=mode, jobs=1, cache=False))


def embedded(res) -> PILImage.Image:
    """The one photo on the page, as the PDF stores it."""
    images = PdfReader(res.page_pdfs["A1"]).pages[0].images
    assert len(images) == 1
    return images[0].image


def halves(img: PILImage.Image) -> tuple:
    """Pixel values at the middle of the left and the right half."""
    w, h = img.size
    return img.getpixel((w // 4, h // 2)), img.getpixel((3 * w // 4, h // 2))


def two_tone(mode: str, size: tuple[int, int], left, right) -> PILImage.Image:
    im = PILImage.new(mode, size, left)
    im.paste(PILImage.new(mode, (size[0] // 2, size[1]), right), (size[0] // 2, 0))
    return im


def near(a: int, b: int, tol: int = 4) -> bool:
    return abs(a - b) <= tol


# -- tones ------------------------------------------------------------------------------

def test_sixteen_bit_grey_png_prints_grey_at_the_full_range(tmp_path):
    """16-bit grey is scaled by 0-65535 (the format's range): a quarter and a half of full
    scale print as 64 and 128, not clipped to white."""
    src = two_tone("I;16", (400, 300), 16384, 32768)
    manifest = edition(tmp_path / "ed", "g16.png", src)
    assert PILImage.open(tmp_path / "ed" / "photos" / "g16.png").mode == "I;16"
    img = embedded(built(manifest, tmp_path / "out"))
    assert img.mode == "L" and img.size == (400, 300)  # grey stays one channel (DeviceGray)
    left, right = halves(img)
    assert near(left, 64) and near(right, 128), (left, right)


@pytest.mark.parametrize("low, high, expect", [(0.25, 0.75, (64, 191)),  # float 0.0-1.0
                                               (50.0, 200.0, (50, 200))])  # float data in 0-255
def test_float_tiff_is_not_black(tmp_path, low, high, expect):
    manifest = edition(tmp_path / "ed", "f.tif", two_tone("F", (300, 200), low, high))
    assert PILImage.open(tmp_path / "ed" / "photos" / "f.tif").mode == "F"
    left, right = halves(embedded(built(manifest, tmp_path / "out")))
    assert near(left, expect[0]) and near(right, expect[1]), (left, right)


@pytest.mark.parametrize("mode, clear, solid, grey", [
    ("LA", (0, 0), (0, 255), True),
    ("RGBA", (0, 0, 0, 0), (0, 0, 0, 255), False),
])
def test_transparency_is_flattened_on_white_with_a_warning(tmp_path, mode, clear, solid, grey):
    manifest = edition(tmp_path / "ed", "a.png", two_tone(mode, (300, 200), clear, solid))
    res = built(manifest, tmp_path / "out", "proof")
    img = embedded(res).convert("L")
    left, right = halves(img)
    assert near(left, 255) and near(right, 0), (left, right)  # the transparent half is paper white
    if grey:
        assert embedded(res).mode == "L"
    alpha = [f for f in res.findings if f.code == "photo-alpha"]
    assert len(alpha) == 1 and alpha[0].severity == "warning"
    assert alpha[0].where == "A1/p1" and "'p1'" in alpha[0].message and "white" in alpha[0].message
    # layout check shows the same warning
    out = CliRunner().invoke(app, ["check", str(manifest)])
    assert out.exit_code == 0, out.output
    assert squash("warning: A1/p1: photo 'p1' on A1 has transparent areas") in squash(out.output)


def test_palette_colour_key_is_flattened_and_an_opaque_alpha_is_not_reported(tmp_path):
    pal = two_tone("P", (300, 200), 0, 1)
    pal.putpalette([0, 0, 0, 0, 0, 0] + [0] * 762)
    manifest = edition(tmp_path / "ed", "p.png", pal, transparency=0)  # index 0 (left half) clear
    res = built(manifest, tmp_path / "out", "proof")
    left, right = halves(embedded(res).convert("L"))
    assert near(left, 255) and near(right, 0)
    assert [f.code for f in res.findings].count("photo-alpha") == 1

    manifest = edition(tmp_path / "ed2", "o.png", PILImage.new("LA", (300, 200), (0, 255)))
    res = built(manifest, tmp_path / "out2", "proof")
    assert "photo-alpha" not in [f.code for f in res.findings]
    assert near(halves(embedded(res))[0], 0)


# -- orientation ------------------------------------------------------------------------

def test_exif_orientation_6_jpeg_is_placed_upright(tmp_path):
    """A phone photo stored 200 x 100 with orientation 6 is upright 100 x 200: the stored
    left half (red) is the top."""
    exif = PILImage.Exif()
    exif[0x0112] = 6
    src = two_tone("RGB", (200, 100), (220, 20, 20), (20, 20, 220))
    manifest = edition(tmp_path / "ed", "phone.jpg", src, exif=exif.tobytes(), quality=95)
    res = built(manifest, tmp_path / "out", "proof")
    img = embedded(res)
    assert img.size == (100, 200)
    top, bottom = img.getpixel((50, 40)), img.getpixel((50, 160))
    assert top[0] > 180 and top[2] < 70, top
    assert bottom[2] > 180 and bottom[0] < 70, bottom
    [pic] = [it for it in compose_all(prepare(manifest))[0].display.items if isinstance(it, Image)]
    assert pic.h > pic.w * 1.9  # placed as a portrait, the whole picture (fit: contain)


@pytest.mark.parametrize("o", range(1, 9))
def test_every_orientation_crops_the_upright_picture(tmp_path, o):
    """The crop box is composed in upright coordinates; prepare_image maps it onto the
    stored pixels and turns the result: the same pixels as turning first, then cropping."""
    stored = PILImage.new("RGB", (7, 5))
    stored.putdata([(x * 30, y * 50, (x * 7 + y) % 256) for y in range(5) for x in range(7)])
    exif = PILImage.Exif()
    exif[0x0112] = o
    path = tmp_path / f"o{o}.png"
    stored.save(path, exif=exif.tobytes())  # lossless, orientation in an eXIf chunk
    upright = stored.transpose(UPRIGHT[o]) if o in UPRIGHT else stored
    box = (1, 2, upright.width - 1, upright.height - 1)
    turned = stored.crop(stored_box(box, o, 7, 5))
    assert (turned.transpose(UPRIGHT[o]) if o in UPRIGHT else turned).tobytes() == upright.crop(box).tobytes()
    assert prepare_image(path, box, "RGB", False).tobytes() == upright.crop(box).tobytes()


def test_a_tiff_is_turned_once(tmp_path):
    """Pillow turns a TIFF by its orientation tag itself: not a second time."""
    stored = two_tone("RGB", (200, 100), (255, 0, 0), (0, 0, 255))
    stored.save(tmp_path / "t.tif", tiffinfo={274: 6})
    manifest = edition(tmp_path / "ed", "t.tif", stored, tiffinfo={274: 6})
    img = embedded(built(manifest, tmp_path / "out", "proof"))
    assert img.size == (100, 200)
    assert img.getpixel((50, 40))[0] > 200 and img.getpixel((50, 160))[2] > 200


def test_png_orientation_is_read_without_decoding(tmp_path):
    exif = PILImage.Exif()
    exif[0x0112] = 8
    PILImage.new("RGB", (40, 20)).save(tmp_path / "o.png", exif=exif.tobytes())
    with PILImage.open(tmp_path / "o.png") as im:
        assert orientation(im) == 8
        assert im.tile  # still lazy (loading empties the tile list): PngImageFile.getexif decodes


# -- unprintable files: errors with the photo, the file and the line ----------------------

def _truncated_jpeg() -> bytes:
    src = PILImage.linear_gradient("L").resize((600, 400)).convert("RGB")
    src = PILImage.merge("RGB", [src.getchannel(0), src.getchannel(1).rotate(90), PILImage.effect_noise((600, 400), 40)])
    buf = io.BytesIO()
    src.save(buf, "JPEG", quality=90)
    return buf.getvalue()[: len(buf.getvalue()) * 2 // 3]


def _png_header_only(w: int, h: int) -> bytes:
    """A small, valid-looking PNG whose IHDR claims w x h pixels (RGB, 8 bits): the pixel
    data is a few rows, as a decompression bomb's header would promise many more."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = zlib.compress(b"\x00" * (1 + 3 * w) * 4, 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


BAD = {
    "truncated.jpg": (_truncated_jpeg, ["truncated or damaged"]),
    "bomb.png": (lambda: _png_header_only(30000, 30000), ["too many pixels", "900 megapixels", "limit is 200"]),
    "big.png": (lambda: _png_header_only(15000, 15000), ["too many pixels", "15000 × 15000", "225 megapixels"]),
    "garbage.jpg": (lambda: b"\xff\xd8\xff" + bytes(range(256)) * 8, ["cannot read image garbage.jpg"]),
    "short.png": (lambda: _png_header_only(64, 64), ["pixel data ends after 772 of 12352 bytes"]),
    "damaged.png": (lambda: _png_bad_deflate(), ["truncated or damaged", "while decompressing"]),
}


def _png_bad_deflate() -> bytes:
    """Every chunk intact (CRCs right), but the compressed pixels do not inflate."""
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", b"\x78\x9c" + bytes(range(7, 250))) + chunk(b"IEND", b""))


@pytest.mark.parametrize("name", sorted(BAD))
def test_an_unprintable_photo_is_an_error_naming_photo_file_and_line(tmp_path, name):
    make, fragments = BAD[name]
    manifest = edition(tmp_path / "ed", name, make())
    line = entry_line(manifest)
    with pytest.raises(ManifestError) as ei:
        built(manifest, tmp_path / "out")
    [p] = ei.value.problems
    assert p.message.startswith("photo 'p1': ") and name in p.message
    assert all(f in p.message for f in fragments), p.message
    assert p.file == str(manifest) and p.line == line and p.path == "pages.A1.photos[0].file"
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("*.pdf"))
    for cmd in (["build", str(manifest), "-o", str(tmp_path / "out")], ["check", str(manifest)]):
        res = CliRunner().invoke(app, cmd)
        assert res.exit_code == 1 and isinstance(res.exception, SystemExit), (cmd, res.output)
        text = squash(res.output)  # rich wraps long lines for a narrow terminal
        assert squash(f"{manifest}:{line}:") in text and "photo'p1'" in text and name in text, res.output
        assert squash(fragments[0]) in text, res.output
        assert "Traceback" not in text and "internalerror" not in text, res.output


def squash(s: str) -> str:
    return "".join(s.split())


def test_the_pixel_limit_is_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{MAX_PIXELS // 10**6} megapixels" in readme


def test_watch_reports_a_broken_photo_and_keeps_watching(tmp_path):
    """The resident `layout watch` loop: a photo truncated while watching is reported with
    its entry's line, the outputs stay; a new photo under the same name is printed (not
    the one encoded before)."""
    manifest = edition(tmp_path / "ed", "p.jpg", PILImage.new("RGB", (400, 300), (200, 30, 30)), quality=95)
    photo = tmp_path / "ed" / "photos" / "p.jpg"
    good = photo.read_bytes()
    events = []

    def report(ev) -> None:
        events.append(ev)
        if len(events) == 1:
            photo.write_bytes(good[: len(good) // 2])
        elif len(events) == 2:
            PILImage.new("RGB", (400, 300), (30, 30, 200)).save(photo, quality=95)

    w = Watcher(manifest, BuildOptions(out_dir=tmp_path / "out", mode="proof", jobs=1))
    w.run(report, interval=0.02, settle=0.01, max_builds=3)
    first, broken, fixed = events
    assert first.error is None and broken.result is None and fixed.error is None
    [p] = broken.error.problems
    assert "photo 'p1'" in p.message and "p.jpg" in p.message and "truncated" in p.message
    assert p.line == entry_line(manifest)
    r, _, b = embedded(fixed.result).getpixel((200, 150))
    assert b > 150 and r < 80  # the new photo, not the cached encoding of the old one


# -- size: reduced before conversion, memory bounded -------------------------------------

def test_a_big_jpeg_is_reduced_to_what_its_frame_needs(tmp_path):
    src = PILImage.linear_gradient("L").resize((6000, 2000)).convert("RGB")
    manifest = edition(tmp_path / "ed", "big.jpg", src, fit="cover", lines=12, quality=85)
    res = built(manifest, tmp_path / "out")
    [pic] = [it for it in compose_all(prepare(manifest))[0].display.items if isinstance(it, Image)]
    img = embedded(res)
    ppi = img.width / (pic.w / 72)
    factor = int((pic.crop[2] - pic.crop[0]) / (pic.w / 72 * OUTPUT_PPI))
    assert factor == 3 and img.width == -(-(pic.crop[2] - pic.crop[0]) // factor)  # reduced ...  
    assert OUTPUT_PPI <= ppi < 1.5 * OUTPUT_PPI, ppi  # ... to no less than the output resolution
    assert abs(img.width / img.height - pic.w / pic.h) < 0.02


def _flat_png(path: Path, w: int, h: int) -> None:
    """A w x h RGB PNG of one colour, written without holding it in memory: a block of
    rows is deflated once with a full flush (which resets the window) and repeated."""
    block = 100
    rows = (b"\x00" + b"\x50\x78\x90" * w) * block
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the zlib header and checksum by hand
    part = comp.compress(rows) + comp.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(h // block):
        adler = zlib.adler32(rows, adler)
    data = b"\x78\xda" + part * (h // block) + comp.flush() + struct.pack(">I", adler)

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", data) + chunk(b"IEND", b""))


@pytest.mark.slow
def test_a_13000_pixel_square_png_builds_in_under_1_gb(tmp_path):
    """169 megapixels (under the limit): decoded once, reduced straight from the decoded
    pixels, colour-converted small.  Peak RSS of the whole build, measured in its own
    process; before: 5 GB and 26 s."""
    manifest = edition(tmp_path / "ed", "huge.png", b"", fit="cover")
    _flat_png(tmp_path / "ed" / "photos" / "huge.png", 13000, 13000)
    code = textwrap.dedent(f"""
        import resource, sys, time
        from pathlib import Path
        from layout.build.pipeline import BuildOptions, build
        t = time.perf_counter()
        build(Path({str(manifest)!r}), BuildOptions(out_dir=Path({str(tmp_path / 'out')!r}), jobs=1, cache=False))
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - t)
    """)
    run = subprocess.run([sys.executable, "-W", "ignore", "-c", code], capture_output=True, text=True, check=False,
                         cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr
    peak_kb, seconds = run.stdout.split()
    assert int(peak_kb) < 1024 * 1024, f"peak RSS {int(peak_kb) // 1024} MB in {float(seconds):.1f} s"
    img = PdfReader(tmp_path / "out" / "pages" / "A1.pdf").pages[0].images[0].image
    assert img.width < 13000 // 4  # reduced, not embedded at 13000 pixels
    c, m, y, k = img.getpixel((img.width // 2, img.height // 2))
    assert max(c, m, y, k) > 20  # the colour survived (not white, not lost)


@pytest.mark.parametrize("mode, left, right, expect", [
    ("1", 0, 1, (0, 255)),
    ("L", 40, 200, (40, 200)),
    ("P", 0, 1, (0, 255)),  # palette: black, white
    ("I;16", 16384, 65535, (64, 255)),
    ("F", 0.25, 1.0, (64, 255)),
    ("LA", (0, 0), (0, 255), (255, 0)),  # left transparent: white paper
    ("RGBA", (0, 0, 0, 0), (0, 0, 0, 255), (255, 0)),
    ("CMYK", (0, 0, 0, 0), (0, 0, 0, 255), (255, 0)),
])
def test_reduction_keeps_the_tones_of_every_mode(tmp_path, mode, left, right, expect):
    """Reduced before colour conversion (reduce(), or strip by strip for the modes it
    cannot take): the same tones as at full resolution."""
    src = two_tone(mode, (1200, 800), left, right)
    if mode == "P":
        src.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    path = tmp_path / ("f.tif" if mode in ("F", "CMYK") else "f.png")
    src.save(path)
    full = prepare_image(path, (0, 0, 1200, 800), mode, False)
    small = prepare_image(path, (0, 0, 1200, 800), mode, False, 4)
    assert small.size == (300, 200)
    for img in (full, small):
        got = [v if isinstance(v, int) else round(sum(v) / len(v)) for v in halves(img)]
        assert near(got[0], expect[0], 2) and near(got[1], expect[1], 2), (img.size, got)


def test_a_photo_damaged_after_loading_is_an_error_naming_it_when_drawn(tmp_path):
    """The file changes between the manifest check and drawing (a build running while the
    desk copies photos): drawing reports the photo and its file, no traceback."""
    from layout.errors import RenderError
    from layout.pdf.draw import draw_page

    manifest = edition(tmp_path / "ed", "p.jpg", two_tone("RGB", (400, 300), (9, 9, 9), (99, 99, 99)))
    prep = prepare(manifest)
    [page] = compose_all(prep)
    (tmp_path / "ed" / "photos" / "p.jpg").write_bytes(_truncated_jpeg())
    with pytest.raises(RenderError) as ei:
        draw_page(page.display, prep.fonts, "print")
    [p] = ei.value.problems
    assert p.message.startswith("photo 'p1': cannot read image p.jpg: the file is truncated or damaged"), p
    assert p.file.endswith("p.jpg")
