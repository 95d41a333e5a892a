"""Cold start of the headline word segmenter: what the first wrapped display text costs.

Each figure is the median over N fresh processes (the cost is paid once per process, so
only a fresh process measures it).  Inside each child the modules a build has already
imported by then (layout.text.phrasing, dataclasses, re...) are imported first; the timer
then covers importing the segmenter, reading its dictionary and segmenting one headline:

* segment      layout.text.segment (what phrasing.py uses): the dictionary's index, then
               only the buckets of the headline's characters;
* rjieba       rjieba (what phrasing.py used before): its whole 349,046-word trie;
* phrasing     phrasing.words() on the headline, end to end (segment + grammar).

Also the throughput of segment.cut on the sample edition's body text (for ALTO and any
other whole-text use), after the cold start.

    python benchmarks/phrasing.py [N]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADLINE = "汉江国家实验室科研总部项目建设提速"  # all dictionary words
UNKNOWN = "县域医共体覆盖所有乡镇"  # 医共体 is not: the HMM is read too

CHILD = {
    "segment": "from layout.text import segment\nsegment.tag(H)",
    "segment+hmm": "from layout.text import segment\nsegment.tag(U)",
    "rjieba": "import rjieba\nrjieba.tag(H)",
    "phrasing": "phrasing.words(H)",
    "phrasing+hmm": "phrasing.words(U)",
}
PRELUDE = "import time, re, math, bisect, dataclasses, pathlib\nfrom layout.text import phrasing\nH = {h!r}\nU = {u!r}\n"


def cold(label: str, runs: int) -> float:
    """Median milliseconds of CHILD[label] in `runs` fresh processes."""
    body = CHILD[label].replace("\n", "\n    ")
    code = (PRELUDE.format(h=HEADLINE, u=UNKNOWN) + "t = time.perf_counter()\nif True:\n    " + body
            + "\nprint((time.perf_counter() - t) * 1000)\n")
    got = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                             env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        got.append(float(out.stdout.strip()))
    return statistics.median(got)


def throughput() -> float:
    sys.path.insert(0, str(ROOT))
    from layout.model.manifest import load_edition
    from layout.text import segment

    ed = load_edition(ROOT / "editions" / "sample" / "edition.yaml")
    texts = [t for page in ed.pages for s in page.stories for t in s.paragraphs]
    segment.cut(texts[0])
    t = time.perf_counter()
    for text in texts:
        segment.cut(text)
    return sum(map(len, texts)) / (time.perf_counter() - t)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    # interleaved, so that the machine's load falls on both alike
    res: dict[str, list[float]] = {k: [] for k in CHILD}
    for _ in range(3):
        for label in CHILD:
            res[label].append(cold(label, max(1, runs // 3)))
    for label, ms in res.items():
        print(f"{label:10s} cold start {statistics.median(ms):7.1f} ms (median of {runs} fresh processes)")
    print(f"segment.cut on the sample's body text: {throughput() / 1000:.0f} k chars/s")


if __name__ == "__main__":
    main()
