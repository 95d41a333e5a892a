"""Line breaking speed on the 36-page benchmark edition's body text (one core).

Breaks every paragraph of every story at the broadsheet measure (13 em, 2-em indent)
and reports characters per second, median of 5 runs:

* break           preparation + paragraph-wide breaking (total fit, what the build uses
                  for justified body text);
* break+justify   the same and the justified runs of every line;
* greedy          preparation + the line-by-line breaker (the fallback, and what ragged
                  text uses), for comparison: the difference is what total fit costs.

The Han–Latin gap is the broadsheet body's (`latin_gap`, 0: digits solid).

    python benchmarks/typeset.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.edition36 import generate  # noqa: E402
from layout.fonts.catalogue import load_fontbook  # noqa: E402
from layout.model.manifest import load_edition  # noqa: E402
from layout.model.styles import load_style  # noqa: E402
from layout.text.linebreak import PreparedText, break_lines, line_runs  # noqa: E402
from layout.text.totalfit import break_paragraph  # noqa: E402


def main() -> None:
    ed = load_edition(generate(Path("output/bench36")))
    paras = [p for page in ed.pages for s in page.stories for p in s.paragraphs]
    chars = sum(map(len, paras))
    widths = load_fontbook().metrics("song").widths
    gap = load_style("broadsheet").role("body").latin_gap  # the house's Han–Latin gap (0: digits solid)
    for label, breaker, runs in (("break", break_paragraph, False), ("break+justify", break_paragraph, True),
                                 ("greedy", break_lines, False)):
        times = []
        for _ in range(5):
            t = time.perf_counter()
            for text in paras:
                p = PreparedText(text, widths, "strict", latin_gap=gap)
                lines = breaker(p, 13.0, 2.0)
                if runs:
                    for ln in lines:
                        line_runs(p, ln)
            times.append(time.perf_counter() - t)
        med = statistics.median(times)
        print(f"{label:14} {chars} chars in {len(paras)} paragraphs: median {med * 1000:.0f} ms "
              f"= {chars / med / 1e6:.2f} M chars/s (runs: {', '.join(f'{x * 1000:.0f}' for x in times)} ms)")


if __name__ == "__main__":
    main()
