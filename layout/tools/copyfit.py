"""Copyfitting filler bodies: make `{filler: {seed, chars}}` stories fill their frames.

In: a manifest path.  Out: the manifest rewritten in place (only the `chars:` numbers
change, comments and layout of the YAML are kept) so that every filler story neither
oversets nor leaves empty lines.  This is what an editor does with real copy (cut or
add); for sample and benchmark editions it keeps pages looking like pages.  Uses the
composer only, writes no PDF.
"""

from __future__ import annotations

import re
from pathlib import Path

from layout.build.pipeline import compose_all, prepare
from layout.errors import LayoutError

_FILLER = re.compile(r"(filler:\s*\{\s*seed:\s*(\d+)\s*,\s*chars:\s*)(\d+)(\s*\})")


def fit_fillers(manifest: Path, rounds: int = 8) -> int:
    """Adjust filler lengths; returns the number of rounds used."""
    text = manifest.read_text(encoding="utf-8")
    seeds = {int(m.group(2)): int(m.group(3)) for m in _FILLER.finditer(text)}
    # each filler belongs to the story whose "id:" comes last before it in the text
    prep = prepare(manifest)
    story_ids = [s.id for p in prep.edition.pages for s in p.stories if not s.continued_from]
    id_pos = {sid: text.find(f"id: {sid}") for sid in story_ids}
    ids: dict[str, int] = {}
    for m in _FILLER.finditer(text):
        owner = max((sid for sid, pos in id_pos.items() if 0 <= pos < m.start()), key=id_pos.__getitem__,
                    default=None)
        if owner is not None:
            ids[owner] = int(m.group(2))
    chars = prep.style.column_chars  # a column line's characters (13 broadsheet, 18 tabloid)
    for k in range(rounds):
        fits = [f for cp in compose_all(prepare(manifest)) for f in cp.fits]
        changed = False
        for f in fits:
            seed = ids.get(f.story.story_id, -1)
            if seed < 0 or f.continued_from:
                continue
            per_line = chars * max(1, f.frame.span) // max(1, f.columns)
            if f.overset_chars and seeds[seed] > 1:
                # never below one character: a frame with no room for a body keeps one and
                # is reported overset by the build, not made into a manifest that cannot load
                seeds[seed] = max(1, seeds[seed] - f.overset_chars - per_line)
                changed = True
            elif f.underset_lines > 0 and k < rounds // 2:
                seeds[seed] += f.underset_lines * per_line - 4
                changed = True
        text = _FILLER.sub(lambda m: f"{m.group(1)}{seeds[int(m.group(2))]}{m.group(4)}", text)
        manifest.write_text(text, encoding="utf-8")
        if not changed:
            return k + 1
    return rounds


def main(argv: list[str] | None = None) -> int:
    """`python -m layout.tools.copyfit EDITION`: for sample and benchmark editions only."""
    import argparse
    import sys

    ap = argparse.ArgumentParser(prog="python -m layout.tools.copyfit",
                                 description="Adjust the lengths of {filler: ...} bodies until each fills "
                                             "its frame (rewrites only those numbers in the manifest).")
    ap.add_argument("edition", type=Path, help="the edition's manifest (edition.yaml)")
    args = ap.parse_args(argv)
    if not args.edition.is_file():
        print(f"error: {args.edition}: no such manifest", file=sys.stderr)
        return 2
    try:
        rounds = fit_fillers(args.edition)
    except LayoutError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"{args.edition}: filler lengths settled after {rounds} round(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
