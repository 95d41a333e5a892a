"""What archive mode costs (run on demand): the sample edition's build in print and in
archive mode, and the archive package (ALTO, METS, validation) alone on its 36 pages.

1. A B A B ... (N each, default 3), each a fresh process building the bundled sample
   into a fresh folder (no page cache):
       A  python -m layout -q build --mode print   -o <dir>
       B  python -m layout -q build --mode archive -o <dir>   (PDF/A, read-back, sidecar, ALTO, METS)
   wall time median/min/max and the difference B - A.
2. In one process, the sample built once in archive mode; then its `FinishedEdition`
   handed N times to the archive package's steps: the pages' blocks, their ALTO, the
   ALTO validation, the METS (with its MODS and checksums) and its validation, and the
   sidecar's additions (blocks again, reading order); medians of each.

    python benchmarks/archive.py [--runs N] [--json FILE]

Not a test; timings on a shared machine are noisy: compare A and B of the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layout.archive.package import ArchivePackage, alto_pages, edition_mets  # noqa: E402
from layout.archive.validate import alto_errors, mets_errors  # noqa: E402
from layout.build.blocks import page_blocks  # noqa: E402
from layout.build.pipeline import BuildOptions, build  # noqa: E402
from layout.build.report import archive_sidecar  # noqa: E402
from layout.page.record import faces_by_key  # noqa: E402
from layout.paths import sample_edition  # noqa: E402


def _stats(xs: list[float]) -> dict:
    return {"median": round(statistics.median(xs), 3), "min": round(min(xs), 3), "max": round(max(xs), 3)}


def modes(runs: int) -> dict:
    times: dict[str, list[float]] = {"print": [], "archive": []}
    for _ in range(runs):
        for mode in ("print", "archive"):
            with tempfile.TemporaryDirectory() as d:
                t = time.perf_counter()
                subprocess.run([sys.executable, "-m", "layout", "-q", "build", "--mode", mode, "-o", d],
                               cwd=ROOT, check=True)
                times[mode].append(time.perf_counter() - t)
    out = {m: _stats(v) for m, v in times.items()}
    out["archive_minus_print_median"] = round(out["archive"]["median"] - out["print"]["median"], 3)
    return out


class _Keep(ArchivePackage):
    """The archive package that also keeps what it was given."""

    finished = None

    def files(self, finished):
        _Keep.finished = finished
        return super().files(finished)


def package(runs: int) -> dict:
    with tempfile.TemporaryDirectory() as d:
        build(sample_edition(), BuildOptions(Path(d), "archive", jobs=2, cache=False, desk_outputs=(_Keep(),)))
    fin = _Keep.finished
    faces = faces_by_key(fin.fonts.faces)
    steps: dict[str, list[float]] = {k: [] for k in ("blocks", "alto", "alto_validation", "mets", "mets_validation",
                                                     "sidecar", "total")}
    for _ in range(runs):
        t0 = time.perf_counter()
        for n, r in enumerate(fin.pages, 1):
            page_blocks(r.record, faces, n)
        t1 = time.perf_counter()
        pages = alto_pages(fin)
        t2 = time.perf_counter()
        assert all(not alto_errors(p.data) for p in pages)
        t3 = time.perf_counter()
        mets = edition_mets(fin, pages)
        t4 = time.perf_counter()
        assert not mets_errors(mets)
        t5 = time.perf_counter()
        archive_sidecar(fin.edition, [r.page for r in fin.pages], [r.text for r in fin.pages],
                        [r.record for r in fin.pages], faces, fin.page_files, fin.out_dir)
        t6 = time.perf_counter()
        for k, v in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5, t5 - t1)):
            steps[k].append(v)
    out = {k: _stats(v) for k, v in steps.items()}
    out["pages"] = len(fin.pages)
    out["alto_bytes"] = sum(len(p.data) for p in pages)
    out["strings"] = sum(p.data.count(b"<String ") for p in pages)
    out["mets_bytes"] = len(mets)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    res = {"modes": modes(a.runs), "archive_package": package(a.runs)}
    print(json.dumps(res, indent=1, ensure_ascii=False))
    if a.json:
        a.json.write_text(json.dumps(res, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
