"""What page previews cost: rendering, encoding and the flatplan, per page of the sample edition.

Builds the bundled sample (36 pages, photos) once without previews, then times, for each
page PDF: pypdfium2's rendering at the view's resolution, the 256-colour PNG of the view,
the thumbnail (scaled from the view) and its PNG; the median and total over the pages.
Then the desk output as a build runs it: a first build of the flatplan (every page
rendered, in 1 and in 2 processes) and a rebuild of the same edition (every preview
found: nothing rendered), and the size of the previews.

    python benchmarks/previews.py [ROUNDS]    # default 3: each page timed ROUNDS times, median
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layout import paths  # noqa: E402
from layout.build.pipeline import BuildOptions, build  # noqa: E402
from layout.flatplan.output import FlatplanOutput  # noqa: E402
from layout.flatplan.previews import THUMB_WIDTH, VIEW_PX_PER_PT, _png  # noqa: E402


def stages(pdf: bytes) -> dict[str, float]:
    """Seconds of each step of `previews.render` for one page."""
    import pypdfium2 as pdfium
    from PIL import Image

    t0 = time.perf_counter()
    doc = pdfium.PdfDocument(pdf)
    page = doc[0]
    image = page.render(scale=VIEW_PX_PER_PT, may_draw_forms=False).to_pil().convert("RGB")
    page.close()
    doc.close()
    t1 = time.perf_counter()
    _png(image)
    t2 = time.perf_counter()
    thumb = image.resize((THUMB_WIDTH, round(image.height * THUMB_WIDTH / image.width)), Image.Resampling.LANCZOS,
                         reducing_gap=3.0)
    t3 = time.perf_counter()
    _png(thumb, colours=False)
    t4 = time.perf_counter()
    return {"render": t1 - t0, "view png": t2 - t1, "thumb scale": t3 - t2, "thumb png": t4 - t3, "total": t4 - t0}


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    with tempfile.TemporaryDirectory(prefix="previews-") as tmp:
        work = Path(tmp)
        build(paths.sample_edition(), BuildOptions(out_dir=work / "plain", jobs=2))
        pdfs = [p.read_bytes() for p in sorted((work / "plain" / "pages").glob("*.pdf"))]
        per_page: dict[str, list[float]] = {}
        for pdf in pdfs:
            runs = [stages(pdf) for _ in range(rounds)]
            for key in runs[0]:
                per_page.setdefault(key, []).append(statistics.median(r[key] for r in runs))
        print(f"{len(pdfs)} pages, view {VIEW_PX_PER_PT} px/pt, thumbnail {THUMB_WIDTH} px wide; per page (median of "
              f"{rounds}):")
        for key, values in per_page.items():
            print(f"  {key:12} median {statistics.median(values) * 1000:7.1f} ms   sum {sum(values):6.2f} s")

        for jobs in (1, 2):
            fp = FlatplanOutput(jobs)
            out = work / f"flatplan-j{jobs}"
            t = time.perf_counter()
            build(paths.sample_edition(), BuildOptions(out_dir=out, jobs=2, desk_outputs=(fp,)))
            first = time.perf_counter() - t
            t = time.perf_counter()
            build(paths.sample_edition(), BuildOptions(out_dir=out, jobs=2, desk_outputs=(fp,)))
            again = time.perf_counter() - t
            size = sum(p.stat().st_size for p in (out / "previews").glob("*.png"))
            print(f"build with previews, rendering in {jobs} process(es): first {first:.2f} s ({len(pdfs)} pages "
                  f"rendered), rebuild {again:.2f} s ({fp.rendered} rendered); previews {size / 1e6:.1f} MB, "
                  f"index.html {(out / 'index.html').stat().st_size / 1e3:.0f} kB")
        t = time.perf_counter()
        build(paths.sample_edition(), BuildOptions(out_dir=work / "bare", jobs=2))
        print(f"the same first build without previews: {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
