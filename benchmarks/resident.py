"""Where a resident rebuild's time goes: the `layout watch` path, in one process, by stage.

Builds the 36-page benchmark edition once (as `layout watch` does: pages and composed
stories kept in memory), then changes one story's filler seed on the middle page and
rebuilds, N times (a new seed each time), and prints the median of each stage timing
(`BuildResult.timings`) and of the whole build.  Complements compare.py, which measures
the same edit through the CLI but reports only the total.

    python benchmarks/resident.py [N]    # default 7
"""

from __future__ import annotations

import copy
import gc
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.edition36 import generate  # noqa: E402
from layout.build.pipeline import BuildOptions, build  # noqa: E402
from layout.build.session import BuildSession  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory(prefix="resident-") as tmp:
        run(Path(tmp), n)


def run(work: Path, n: int) -> None:
    raw = yaml.safe_load(generate(work / "src").read_text(encoding="utf-8"))
    manifest = work / "edition.yaml"
    manifest.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    opts = BuildOptions(out_dir=work / "out", jobs=2, allow_overset=True)  # the edit may push a line over
    session = BuildSession()  # what layout watch keeps between builds
    build(manifest, opts, session)
    label = list(raw["pages"])[len(raw["pages"]) // 2]
    walls, timings = [], []
    for k in range(n):
        changed = copy.deepcopy(raw)
        changed["pages"][label]["stories"][0]["body"]["filler"]["seed"] += 200_000 + k
        manifest.write_text(yaml.safe_dump(changed, allow_unicode=True, sort_keys=False), encoding="utf-8")
        gc.collect()  # as layout watch does between builds
        t = time.perf_counter()
        res = build(manifest, opts, session)
        walls.append(time.perf_counter() - t)
        timings.append(res.timings)
    print(f"rebuild after one story on {label} changed, {n} runs: median {statistics.median(walls):.4f} s "
          f"(min {min(walls):.4f}, max {max(walls):.4f})")
    for stage in timings[0]:
        print(f"  {stage:10s} {statistics.median(t[stage] for t in timings) * 1000:6.1f} ms")


if __name__ == "__main__":
    main()
