"""`layout diff` on the 36-page sample: two proof rounds, one sentence changed between them.

Builds the sample edition (a copy, in a temp folder) in proof mode, changes one sentence of
one story, builds again (round 2), then times, in this process, median of N runs:
loading both rounds' records, comparing them, writing diff.json and the highlighted PDF
(`compare.write_outputs`), and the whole `layout diff DIR -o D` command in a fresh process.

    python benchmarks/proofdiff.py [N]      (default 5)
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layout.build.pipeline import BuildOptions, build  # noqa: E402
from layout.model.modes import OutputMode  # noqa: E402
from layout.proof.compare import write_outputs  # noqa: E402
from layout.proof.diff import diff_revisions  # noqa: E402
from layout.proof.rounds import RevisionRecorder, load_revisions  # noqa: E402


def proof_build(ed: Path, out: Path) -> None:
    rec = RevisionRecorder()
    build(ed / "edition.yaml", BuildOptions(out, OutputMode.PROOF, jobs=2, desk_outputs=(rec,), stamper=rec))


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ed, out = Path(tmp) / "ed", Path(tmp) / "out"
        shutil.copytree(ROOT / "editions" / "sample", ed)
        proof_build(ed, out)
        story = ed / "stories" / "air-quality.txt"
        story.write_text(story.read_text(encoding="utf-8").replace("同比上升4.2个百分点", "同比提高4.2个百分点", 1),
                         encoding="utf-8")
        proof_build(ed, out)
        laps: dict[str, list[float]] = {"load both rounds": [], "compare": [], "write diff.json + PDF": [],
                                        "layout diff (process)": []}
        for i in range(runs):
            t0 = time.perf_counter()
            old, new = load_revisions(out)
            t1 = time.perf_counter()
            d = diff_revisions(old, new)
            t2 = time.perf_counter()
            write_outputs(d, Path(tmp) / f"d{i}")
            t3 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "layout", "-q", "diff", str(out), "-o", str(Path(tmp) / "cli")],
                           cwd=ROOT, check=False)
            t4 = time.perf_counter()
            for k, v in zip(laps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
                laps[k].append(v)
        changed = [p.label for p in d.pages if p.status != "unchanged"]
        print(f"{len(d.pages)} pages, changed: {', '.join(changed)}; median of {runs}:")
        for k, v in laps.items():
            print(f"  {k:24} {statistics.median(v):.3f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
