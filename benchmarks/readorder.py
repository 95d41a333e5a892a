"""How whole each story comes out of text extractors, on the archive edition: the bundled
sample, the 36-page benchmark edition and N generated irregular editions (rows that do not
line up across the page; tests/support/irregular.py), the same of real prose with
intertitles (`prose=True`), and of real prose with four stories jumped to later pages
each (`--jumps`: continuations take later stories' frames).  Not a speed benchmark: it reports,
per edition, the stories whose body text is one contiguous run in poppler's `pdftotext`
default mode (layout analysis), in `pdftotext -raw` and in pdfium (content order), and the
paragraphs whole in the default mode.  A jumped story counts as whole when each of its
parts is (one run a page).

    python benchmarks/readorder.py [--irregular N] [--prose N] [--jumps N] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pypdfium2 as pdfium

from benchmarks.edition36 import generate
from layout.build.pipeline import BuildOptions, build
from tests.support.irregular import write_irregular

ROOT = Path(__file__).resolve().parent.parent


def norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).replace("*", "").replace("_", ""))


def pieces(body: str, text: str) -> int:
    """In how many runs `text` holds `body` (greedy longest prefixes); -1 if not at all."""
    n = 0
    while body:
        lo, hi = 0, len(body)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if body[:mid] in text else (lo, mid - 1)
        if lo == 0:
            return -1
        body, n = body[lo:], n + 1
    return n


def measure(manifest: Path, out: Path) -> dict:
    res = build(manifest, BuildOptions(out_dir=out, mode="archive", allow_overset=True))
    side = json.loads(next(out.glob("*-archive.json")).read_text(encoding="utf-8"))
    pdf = str(res.edition_pdf)
    default = norm(subprocess.run(["pdftotext", pdf, "-"], capture_output=True, check=True).stdout.decode())
    raw = norm(subprocess.run(["pdftotext", "-raw", pdf, "-"], capture_output=True, check=True).stdout.decode())
    doc = pdfium.PdfDocument(pdf)
    ium = norm("".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))))
    stories = {k: (norm("".join(s["paragraphs"])), len(s["placements"])) for k, s in side["stories"].items()}
    paras = [norm(p) for s in side["stories"].values() for p in s["paragraphs"] if norm(p)]

    def whole(text: str) -> int:
        return sum(1 for body, parts in stories.values() if 0 < pieces(body, text) <= parts)

    return {"stories": len(stories), "pdftotext": whole(default), "pdftotext_raw": whole(raw), "pdfium": whole(ium),
            "paragraphs": len(paras), "paragraphs_whole": sum(p in default for p in paras)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--irregular", type=int, default=6, help="irregular editions (seeds 1..N)")
    ap.add_argument("--prose", type=int, default=6,
                    help="irregular editions of real prose with intertitles (seeds 101..100+N)")
    ap.add_argument("--jumps", type=int, default=0,
                    help="irregular prose editions with 4 jumped stories each (seeds 201..200+N)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        editions = {"sample": ROOT / "editions" / "sample" / "edition.yaml", "bench36": generate(work / "bench36")}
        for seed in range(1, args.irregular + 1):
            editions[f"irregular-{seed}"] = write_irregular(seed, work / f"irregular-{seed}")
        for seed in range(101, 101 + args.prose):
            editions[f"prose-{seed}"] = write_irregular(seed, work / f"prose-{seed}", prose=True)
        for seed in range(201, 201 + args.jumps):
            editions[f"jumps-{seed}"] = write_irregular(seed, work / f"jumps-{seed}", jumps=4, prose=True)
        for name, manifest in editions.items():
            r = results[name] = measure(manifest, work / f"out-{name}")
            print(f"{name:14} stories whole: pdftotext {r['pdftotext']}/{r['stories']}, -raw {r['pdftotext_raw']}, "
                  f"pdfium {r['pdfium']}; paragraphs {r['paragraphs_whole']}/{r['paragraphs']}", flush=True)
    for kind in ("irregular", "prose", "jumps"):
        irr = [r for k, r in results.items() if k.startswith(kind)]
        if irr:
            print(f"{kind}, all: pdftotext {sum(r['pdftotext'] for r in irr)}/{sum(r['stories'] for r in irr)} stories, "
                  f"paragraphs {sum(r['paragraphs_whole'] for r in irr)}/{sum(r['paragraphs'] for r in irr)}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
