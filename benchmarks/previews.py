"""What page previews cost: rendering and encoding per page, and the first proof build, A/B.

Builds the bundled sample (36 pages, photos) once, then times, for each page PDF, the
previews as they were made before (B: rendering, conversion to RGB, a 256-colour PNG of
the view at zlib level 3, a LANCZOS thumbnail in true colour at level 6) and as they are
made now (A: `layout.flatplan.previews.render`: RGB straight from pdfium, one palette PNG
at level 1 each, the thumbnail box-reduced from the view and the view's palette chosen on
it), in CPU time (the machine is
shared: wall time says more about the neighbours than about the code), median and sum
over the pages.  Then the first proof build of the sample (every preview rendered) and
a rebuild (none), before (the previews rendered once the build is done) and now (rendered
in the page workers as each page PDF is made), alternating in the same run, wall and CPU
time (this process and its workers).

    python benchmarks/previews.py [ROUNDS]    # default 2: each measurement ROUNDS times, median
"""

from __future__ import annotations

import io
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layout import paths  # noqa: E402
from layout.build.pipeline import BuildOptions, build  # noqa: E402
from layout.flatplan import previews  # noqa: E402
from layout.flatplan.output import FlatplanOutput  # noqa: E402
from layout.model.modes import OutputMode  # noqa: E402
from layout.proof.rounds import RevisionRecorder  # noqa: E402


def render_before(pdf: bytes) -> tuple[bytes, bytes, tuple[int, int], tuple[int, int]]:
    """The previews as the first flatplan made them (for the A/B)."""
    import pypdfium2 as pdfium
    from PIL import Image

    doc = pdfium.PdfDocument(pdf)
    page = doc[0]
    image = page.render(scale=1.4, may_draw_forms=False).to_pil().convert("RGB")
    page.close()
    doc.close()
    thumb = image.resize((200, max(1, round(image.height * 200 / image.width))), Image.Resampling.LANCZOS,
                         reducing_gap=3.0)

    def png(im, level: int) -> bytes:
        buf = io.BytesIO()
        im.save(buf, "PNG", compress_level=level)
        return buf.getvalue()

    view = png(image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE), 3)
    return view, png(thumb, 6), image.size, thumb.size


def cpu() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


class Before(FlatplanOutput):
    """The flatplan output without the page workers' hook: every preview rendered once the
    build is done, with `render_before`."""

    page_files = None  # type: ignore[assignment]  (not a PageOutput: the build does not call it)

    def files(self, finished):
        now, previews.render = previews.render, render_before
        try:
            return super().files(finished)
        finally:
            previews.render = now


def proof_build(out: Path, flatplan: FlatplanOutput | None) -> tuple[float, float]:
    """A proof build as `layout build --mode proof -j 2` makes it (its round recorded);
    `flatplan`: with that flatplan output (None: without previews and flatplan)."""
    rec = RevisionRecorder()
    t, c = time.perf_counter(), cpu()
    build(paths.sample_edition(), BuildOptions(out_dir=out, jobs=2, mode=OutputMode.PROOF, stamper=rec,
                                               desk_outputs=(rec, flatplan) if flatplan is not None else (rec,)))
    return time.perf_counter() - t, cpu() - c


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    with tempfile.TemporaryDirectory(prefix="previews-") as tmp:
        work = Path(tmp)
        build(paths.sample_edition(), BuildOptions(out_dir=work / "plain", jobs=2))
        pdfs = [p.read_bytes() for p in sorted((work / "plain" / "pages").glob("*.pdf"))]
        per_page: dict[str, list[float]] = {"before": [], "now": []}
        sizes: dict[str, int] = {"before": 0, "now": 0}
        for pdf in pdfs:
            for name, fn in (("before", render_before), ("now", previews.render)):
                runs = []
                for _ in range(rounds):
                    c = time.process_time()
                    got = fn(pdf)
                    runs.append(time.process_time() - c)
                per_page[name].append(statistics.median(runs))
                sizes[name] += len(got[0]) + len(got[1])
        print(f"{len(pdfs)} pages; previews of one page, CPU time (median of {rounds}):")
        for name, values in per_page.items():
            print(f"  {name:7} median {statistics.median(values) * 1000:6.1f} ms   sum {sum(values):5.2f} s   "
                  f"files {sizes[name] / 1e6:5.1f} MB")

        results: dict[str, list[tuple[float, float, float, float]]] = {"before": [], "now": []}
        for i in range(rounds):
            for name, kind in (("before", Before), ("now", FlatplanOutput)):
                out = work / f"{name}-{i}"
                fp = kind(2)
                first = proof_build(out, fp)
                again = proof_build(out, fp)
                results[name].append((*first, *again))
        bare = proof_build(work / "bare", None)
        print(f"first proof build of the sample, jobs 2 (median of {rounds}; wall / CPU incl. workers):")
        for name, rows in results.items():
            m = [statistics.median(r[k] for r in rows) for k in range(4)]
            print(f"  {name:7} first {m[0]:5.2f} s / {m[1]:5.2f} s   rebuild {m[2]:5.2f} s / {m[3]:5.2f} s")
        print(f"  without previews (no flatplan, the round recorded): {bare[0]:5.2f} s / {bare[1]:5.2f} s")


if __name__ == "__main__":
    main()
