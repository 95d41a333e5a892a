"""Several editions at once: pages per second per core for a batch of 10 editions (an
archivist re-rendering a month), against the same editions built one after another.

Writes the 36-page benchmark edition (edition36.py) 10 times, dated 2026-08-10 … 2026-08-19,
each in its own folder of one parent folder, then runs, alternately (`--runs`, default 1,
each a fresh process started by a small runner that times it, as compare.py does):

    batch   python -m layout -q build FOLDER -o <fresh dir>              (all cores, side by side)
    serial  python -m layout -q build EDITION -o <fresh dir>, 10 times   (each on all cores, -j0)

and prints wall time, CPU time (user + sys, the children included), pages per second and
pages per second per core (pages / wall / cores), medians.  `--no-serial` skips the serial
runs.  Linux only (os.wait4).

    python benchmarks/batch.py [--runs N] [--editions N] [--no-serial] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.compare import measure  # noqa: E402
from benchmarks.edition36 import generate  # noqa: E402

PAGES = 36


def editions(work: Path, n: int) -> Path:
    """n copies of the benchmark edition, dated 2026-08-10 onwards: <work>/month/08DD/edition.yaml."""
    first = generate(work / "edition36")
    text = first.read_text(encoding="utf-8")
    assert "date: '2026-08-19'" in text, "edition36.py's date moved: update benchmarks/batch.py"
    month = work / "month"
    for k in range(n):
        day = 10 + k
        folder = month / f"08{day:02d}"
        folder.mkdir(parents=True)
        (folder / "edition.yaml").write_text(text.replace("date: '2026-08-19'", f"date: '2026-08-{day:02d}'"),
                                             encoding="utf-8")
    return month


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=1, help="runs of each (default 1)")
    ap.add_argument("--editions", type=int, default=10, help="editions in the batch (default 10)")
    ap.add_argument("--no-serial", action="store_true", help="skip the one-after-another runs")
    ap.add_argument("--json", type=Path, help="write the numbers here")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    cores = os.cpu_count() or 1
    try:
        month = editions(work, args.editions)
        pages = PAGES * args.editions
        py = sys.executable
        rows: dict[str, list[dict]] = {"batch": [], "serial": []}
        for i in range(args.runs):
            out = work / f"batch-{i}"
            r = measure([py, "-m", "layout", "-q", "build", str(month), "-o", str(out)], work / f"batch-{i}.log")
            if r["rc"]:
                sys.exit(f"batch build failed:\n{(work / f'batch-{i}.log').read_text()}")
            rows["batch"].append(r)
            shutil.rmtree(out)
            print(f"  run {i + 1}: batch {r['wall_s']:.2f} s wall, {r['cpu_s']:.2f} s CPU", flush=True)
            if args.no_serial:
                continue
            wall = cpu = 0.0
            for ed in sorted(month.iterdir()):
                out = work / f"serial-{i}-{ed.name}"
                r = measure([py, "-m", "layout", "-q", "build", str(ed), "-o", str(out)], work / "serial.log")
                if r["rc"]:
                    sys.exit(f"build of {ed.name} failed:\n{(work / 'serial.log').read_text()}")
                wall, cpu = wall + r["wall_s"], cpu + r["cpu_s"]
                shutil.rmtree(out)
            rows["serial"].append({"wall_s": wall, "cpu_s": cpu})
            print(f"  run {i + 1}: one after another {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    result = {"editions": args.editions, "pages": pages, "cores": cores, "runs": args.runs,
              "loadavg_after": os.getloadavg()}
    print(f"\n{args.editions} editions of {PAGES} pages ({pages} pages), {cores} cores, median of {args.runs}; "
          f"load average now {os.getloadavg()[0]:.2f}")
    for name, runs in rows.items():
        if not runs:
            continue
        wall = statistics.median(r["wall_s"] for r in runs)
        cpu = statistics.median(r["cpu_s"] for r in runs)
        result[name] = {"wall_median_s": wall, "cpu_median_s": cpu, "pages_per_s": pages / wall,
                        "pages_per_s_per_core": pages / wall / cores, "pages_per_cpu_s": pages / cpu, "runs": runs}
        print(f"{name:8} {wall:7.2f} s wall {cpu:7.2f} s CPU  {pages / wall:6.1f} pages/s  "
              f"{pages / wall / cores:6.1f} pages/s per core  ({pages / cpu:.1f} pages per CPU second)")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
