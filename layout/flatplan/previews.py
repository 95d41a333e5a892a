"""Page previews: a readable view and a thumbnail of every page, as PNG, rendered once per page content.

In: each page's own PDF (PageResult.pdf).  Out: two PNG files per distinct page content,
named by the sha256 of the page PDF (`previews/<hash>.png`, `previews/<hash>-thumb.png`),
so that a page whose PDF did not change keeps its files and is never rendered again:
across builds, in `layout watch`, and in the browser (a changed page has a new address,
an unchanged one the same, so the browser's own cache is always right).

Why from the page PDF and not the display list: the preview must show what the press and
the proofreader get, photos, fonts and proof marks included; pypdfium2 is already how the
project reads PDFs.  Why PNG with 256 colours: the view must stay sharp for text (no JPEG
ringing around ideographs), and an adaptive 256-colour palette makes it half the size of a
true-colour PNG while the anti-aliased grey type keeps its levels (photos band a little:
a preview, not a proof of the photo).  Rendering and encoding are deterministic (same PDF, same library
versions: same bytes): no timestamps, no text chunks, a fixed compression level.

What it costs (benchmarks/previews.py): one pdfium rendering per page, RGB as Pillow wants
it; the thumbnail box-reduced from the view (no second rendering), the view's palette
chosen on that reduced copy; both as palette PNGs at zlib level 1.  At 1.2 px/pt a 9 pt line is 10.8 px high: every ideograph of the body can be
read (looked at), in 74 % of the pixels of 1.4 px/pt, which all later steps are paid per.
A build renders the previews in its page workers as each page PDF is made (output.py
`page_files`), in parallel with the composition of the other pages.
"""

from __future__ import annotations

import hashlib
import io
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

VIEW_PX_PER_PT = 1.2  # the readable view: 9 pt body type 10.8 px high, still legible (汉字 included)
THUMB_WIDTH = 200  # px: the flatplan's page cards
# zlib level, fixed (so the bytes are too): on a palette image level 1 takes two thirds of
# level 3's time for 5 % more bytes (benchmarks/previews.py)
LEVEL = 1
FOLDER = "previews"  # beside the flatplan's index.html


@dataclass(frozen=True)
class Preview:
    """The two images of one page content, and their sizes in pixels."""

    key: str  # sha256 of the page PDF, hex (the first 20 digits name the files)
    view: str  # file name inside the previews folder
    thumb: str
    view_size: tuple[int, int]
    thumb_size: tuple[int, int]


def content_key(pdf: bytes) -> str:
    return hashlib.sha256(pdf).hexdigest()


def file_names(key: str) -> tuple[str, str]:
    """(view, thumbnail) file names of a page content."""
    return f"{key[:20]}.png", f"{key[:20]}-thumb.png"


def render(pdf: bytes) -> tuple[bytes, bytes, tuple[int, int], tuple[int, int]]:
    """The view and thumbnail PNGs of a one-page PDF, with their sizes: one rendering, the
    thumbnail scaled down from the view."""
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(pdf)
    try:
        page = doc[0]
        # rev_byteorder: pdfium writes RGB as Pillow wants it (no conversion of 3 million pixels)
        image = page.render(scale=VIEW_PX_PER_PT, may_draw_forms=False, rev_byteorder=True).to_pil()
        page.close()
    finally:
        doc.close()
    if image.mode != "RGB":
        image = image.convert("RGB")
    size = (THUMB_WIDTH, max(1, round(image.height * THUMB_WIDTH / image.width)))
    # a box filter to about twice the thumbnail's size, then bicubic: a fifth of LANCZOS's
    # time over the whole image, and at 200 px nobody can tell them apart.  The reduced
    # image also gives the view its palette (below).
    factor = max(1, image.width // (2 * THUMB_WIDTH))
    reduced = image.reduce(factor) if factor > 1 else image
    thumb = reduced.resize(size, Image.Resampling.BICUBIC)
    return _png(image, reduced), _png(thumb), image.size, thumb.size


def _png(image, sample=None) -> bytes:
    """`image` as PNG bytes, reduced to an adaptive 256-colour palette first (a third of
    the true-colour file, and zlib's time with it).  `sample`: a smaller copy of the image
    to choose the palette from: choosing it is most of quantizing's time and a tenth of the
    pixels find the same colours (the greys of the type, the photos' tones); the view's
    pixels are then only mapped to it, a quarter of the time in all."""
    from PIL import Image

    palette = (sample if sample is not None else image).quantize(256, method=Image.Quantize.FASTOCTREE,
                                                                 dither=Image.Dither.NONE)
    if sample is not None:
        image = image.quantize(palette=palette, dither=Image.Dither.NONE)
    else:
        image = palette
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=LEVEL, optimize=False)
    return buf.getvalue()


def _render_job(pdf: bytes) -> tuple[bytes, bytes, tuple[int, int], tuple[int, int]]:
    return render(pdf)


class PreviewStore:
    """The previews folder of one flatplan: which page contents have their images already,
    and the images of those that do not, rendered (in `jobs` processes when there are
    several to make)."""

    def __init__(self, folder: Path, jobs: int = 1, notify: Callable[[int], None] | None = None):
        self.folder = folder
        self.jobs = max(1, jobs)
        self.notify = notify  # told how many pages are about to be rendered (none: nothing told)
        self.rendered = 0  # pages rendered for the last `previews` call, here or in the page workers

    def existing(self, key: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """The sizes of a page content's images when both files are there and whole."""
        try:
            view, thumb = (_png_size(_head(self.folder / n)) for n in file_names(key))
        except (OSError, ValueError):
            return None
        return view, thumb

    def page_files(self, pdf: bytes) -> dict[Path, bytes]:
        """The image files of one page content, rendered now, unless the folder has them."""
        key = content_key(pdf)
        if self.existing(key) is not None:
            return {}
        view, thumb, _, _ = render(pdf)
        vn, tn = file_names(key)
        return {self.folder / vn: view, self.folder / tn: thumb}

    def previews(self, pdfs: dict[str, bytes], made: dict[Path, bytes] | None = None
                 ) -> tuple[dict[str, Preview], dict[Path, bytes]]:
        """label -> its Preview, and the image files to write (those not in the folder yet):
        taken from `made` (what `page_files` rendered where the pages were made) or rendered."""
        keys = {lab: content_key(pdf) for lab, pdf in pdfs.items()}
        found: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {}
        todo: dict[str, bytes] = {}  # key -> pdf
        files: dict[Path, bytes] = {}
        made = made or {}
        taken = 0
        for lab, key in keys.items():
            if key in found or key in todo:
                continue
            sizes = self.existing(key)
            view, thumb = (self.folder / n for n in file_names(key))
            if sizes is not None:
                found[key] = sizes
            elif view in made and thumb in made:  # (rendered where the page was made)
                files[view], files[thumb] = made[view], made[thumb]
                taken += 1
                found[key] = (_png_size(made[view][:24]), _png_size(made[thumb][:24]))
            else:
                todo[key] = pdfs[lab]
        if todo and self.notify is not None:
            self.notify(len(todo))
        for key, (view, thumb, vs, ts) in zip(todo, self._render_all(list(todo.values()))):
            vn, tn = file_names(key)
            files[self.folder / vn] = view
            files[self.folder / tn] = thumb
            found[key] = (vs, ts)
        self.rendered = len(todo) + taken
        out = {lab: Preview(key, *file_names(key), *found[key]) for lab, key in keys.items()}
        return out, files

    def _render_all(self, pdfs: list[bytes]) -> list[tuple[bytes, bytes, tuple[int, int], tuple[int, int]]]:
        jobs = min(self.jobs, len(pdfs))
        if jobs < 2 or len(pdfs) < 4:
            return [render(p) for p in pdfs]
        import multiprocessing as mp

        # forked, as the build's page workers are: a spawned process would run the program's
        # main module again (`python -m layout` has no __main__ guard to stop it).  The
        # workers only render: they touch neither the watcher's threads nor their locks.
        with ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork")) as pool:
            return list(pool.map(_render_job, pdfs, chunksize=max(1, len(pdfs) // (jobs * 4))))

    def stale(self, keep: set[str]) -> list[Path]:
        """Image files in the folder of page contents not in `keep` (content keys)."""
        names = {n for k in keep for n in file_names(k)}
        try:
            entries = sorted(os.listdir(self.folder))
        except OSError:
            return []
        return [self.folder / n for n in entries if n.endswith(".png") and n not in names]


def _head(path: Path) -> bytes:
    with open(path, "rb") as f:
        return f.read(32)


def _png_size(head: bytes) -> tuple[int, int]:
    """Width and height from a PNG's first 24 bytes (its IHDR); ValueError if not a PNG."""
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")
