"""A print page's trim (crop) marks, outside its bleed, in the marks' own margin."""

from __future__ import annotations

from reportlab.lib.rl_accel import fp_str

MM = 72 / 25.4
MARK_GAP = 1.0 * MM  # between the BleedBox and a crop mark: a mark never touches the bleed
MARK_LENGTH = 5.0 * MM
MARK_SPACE = MARK_GAP + MARK_LENGTH  # the MediaBox's margin around the BleedBox on a print page


def crop_marks(b: float, slug: float, w: float, h: float) -> str:
    """Trim marks in registration-free 100 % K, in the marks' space only: from MARK_GAP
    outside the BleedBox to the MediaBox's edge (butt caps: nothing reaches into the bleed)."""
    o = b + slug  # the trim's offset in the media box
    near, far = o + b + MARK_GAP, 2 * o  # from the trim line's far side: BleedBox edge + gap, media edge
    segs = []
    for x in (o, o + w):
        segs += [(x, 0, x, slug - MARK_GAP), (x, h + near, x, h + far)]
    for y in (o, o + h):
        segs += [(0, y, slug - MARK_GAP, y), (w + near, y, w + far, y)]
    lines = " ".join(f"{fp_str(x0, y0)} m {fp_str(x1, y1)} l" for x0, y0, x1, y1 in segs)
    return f"0 0 0 1 K 0.25 w {lines} S"
