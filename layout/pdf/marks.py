"""Marked content for tagged PDF: what each page's content stream says about its text.

In: a page's glyph runs in drawing order (display-list coordinates) and its photos.
Out: `PageTags`, plain data that travels with the page's drawing (and through the page
cache, build/pageresult.py), and per run the operators to write before and after it.

Why at drawing time: marked content lives inside the content stream, which is made once
per page in a worker and cached; the structure tree that points into it is made at
assembly (tagging.py) from `PageTags` alone, so a cached page can be tagged without
being drawn again.

What is marked:
* each run of consecutive glyph runs with the same owner, role and paragraph is one
  marked-content sequence with an MCID (its tag says what it is: P, H1, Caption ...);
* furniture (masthead, folio line, the masthead's date line) and the generated jump
  lines (下转/上接, 相关报道详见…, 续题) are pagination artifacts: not the story's text;
* a headline-group element (kicker, headline, subhead) with a line set in several runs
  is wrapped in a /Span with the /ActualText of its whole text (poppler reads ActualText
  from Span sequences only): poppler otherwise puts a run whose box overlaps the one
  before it (compressed punctuation: 《…（四）》…) on a line of its own.  Only then:
  pdfium spreads an ActualText over the first run's box, so a single-run headline keeps
  exact character boxes;
* a letter-spaced run (character spacing of at least `SPACED` of its size) is wrapped in
  a /Span with its /ActualText: poppler subtracts Tc from each glyph's box and reads the
  gaps between ideographs as word spaces.  (pdfium spreads the text evenly over the
  run's box: its characters move by less than the spacing.)  So is a glyph of a vertical
  headline set in its vertical presentation form (︽ for 《): its ActualText is the
  character it stands for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from itertools import groupby
from operator import attrgetter
from typing import Callable

from layout.page.display import GlyphRun
from layout.text.cjk import FROM_VERTICAL

SPACED = 0.05  # character spacing (fraction of the size) from which a run gets its own ActualText


class Tag(StrEnum):
    """Structure types written into the content stream (BDC tags) and the structure tree.
    Kicker, Subhead, Byline and Box are the paper's own, role-mapped to standard types."""

    HEADLINE = "H1"
    INTERTITLE = "H2"
    KICKER = "Kicker"
    SUBHEAD = "Subhead"
    BYLINE = "Byline"
    PARAGRAPH = "P"
    CAPTION = "Caption"
    FIGURE = "Figure"


ROLE_MAP = {"Kicker": "P", "Subhead": "P", "Byline": "P", "Box": "Sect"}  # the paper's types -> standard ones

# roles of text that is not a story's (or photo's, or box's) own: pagination artifacts
ARTIFACT_ROLES = frozenset({"folio", "masthead", "dateline", "jump", "continuation_headline"})
TAG_OF_ROLE = {"headline": Tag.HEADLINE, "kicker": Tag.KICKER, "subhead": Tag.SUBHEAD, "byline": Tag.BYLINE,
               "intertitle": Tag.INTERTITLE, "box_title": Tag.INTERTITLE, "caption": Tag.CAPTION,
               "credit": Tag.CAPTION}  # everything else (body, box, the body's bold and kai runs): P
WHOLE_TEXT_ROLES = frozenset({"headline", "kicker", "subhead"})  # marked with the ActualText of the whole line group
# runs that make a story's article-thread beads: its headline group (col -1) and its text columns
BEAD_ROLES = frozenset({"headline", "kicker", "subhead", "byline", "body", "intertitle", "jump",
                        "continuation_headline"})
ARTIFACT = "/Artifact <</Type /Pagination>> BDC"
_PLAIN = str.maketrans(FROM_VERTICAL)


@dataclass
class PageTags:
    """What the structure tree and the article threads need of one page (plain data).

    MCIDs 0..len(figures)-1 are the page's photos in drawing order, the rest its marked
    text sequences in drawing order."""

    figures: list[str] = field(default_factory=list)  # per photo: its id (owner)
    marks: list[tuple[str, str, int]] = field(default_factory=list)  # per text MCID: owner, role, paragraph
    beads: list[tuple[str, int, float, float, float, float]] = field(default_factory=list)
    # ^ per story part: owner, text column (-1: headline group), x0, y0, x1, y1 in PDF points

    def tag_of(self, mcid: int) -> Tag:
        if mcid < len(self.figures):
            return Tag.FIGURE
        return tag_of_role(self.marks[mcid - len(self.figures)][1])


def tag_of_role(role: str) -> Tag:
    return TAG_OF_ROLE.get(role, Tag.PARAGRAPH)


def actual_text(text: str) -> str:
    """`text` as a PDF text string (UTF-16BE with its byte-order mark, in hex), vertical
    presentation forms mapped back to the characters they stand for."""
    return "<FEFF" + text.translate(_PLAIN).encode("utf-16-be").hex().upper() + ">"


_OWNER_ROLE_PARA = attrgetter("story", "role", "para")
_OWNER_COL = attrgetter("story", "col")
_X = attrgetter("x")
_Y = attrgetter("y")
_TC = attrgetter("tc")


def mark_runs(runs: list[GlyphRun], tags: PageTags, b: float, top: float, width: Callable[[str, str], float]
              ) -> tuple[list[str], list[str]]:
    """The operators before and after each run (marked-content sequences), filling
    `tags.marks` and `tags.beads`; `b` and `top` map display coordinates to the page's,
    `width(face, text)` is a text's advance in em.  Work is per sequence, not per run
    (groupby and min/max run in C): a page has a few thousand runs and a hundred sequences."""
    n = len(runs)
    opens = [""] * n
    closes = [""] * n
    mcid = len(tags.figures)
    e = 0
    for (owner, role, para), grp in groupby(runs, _OWNER_ROLE_PARA):
        g = list(grp)
        s, e = e, e + len(g)
        if not owner or role in ARTIFACT_ROLES:
            opens[s] = ARTIFACT
        else:
            # a headline line set in several runs (compressed punctuation between them, a
            # fallback face): poppler orders runs whose boxes overlap as separate lines
            whole = role in WHOLE_TEXT_ROLES and any(p.y == q.y for p, q in zip(g, g[1:]))
            opens[s] = f"/{tag_of_role(role)} <</MCID {mcid}>> BDC"
            if whole:  # poppler takes ActualText from a Span only
                opens[s] += f" /Span <</ActualText {actual_text(''.join(x.text for x in g))}>> BDC"
                closes[e - 1] = "EMC"
            tags.marks.append((owner, role, para))
            mcid += 1
            if not whole and (g[0].vertical or max(g, key=_TC).tc >= SPACED * g[0].size):
                for i, x in enumerate(g, s):
                    if (x.tc >= SPACED * x.size and len(x.text) > 1) or (x.vertical and x.text.translate(_PLAIN)
                                                                         != x.text):
                        opens[i] += f" /Span <</ActualText {actual_text(x.text)}>> BDC"
                        closes[i] = "EMC"
        closes[e - 1] += " EMC" if closes[e - 1] else "EMC"
    tags.beads += _beads(runs, b, top, width)
    return opens, closes


def _beads(runs: list[GlyphRun], b: float, top: float, width: Callable[[str, str], float]
           ) -> list[tuple[str, int, float, float, float, float]]:
    """Each story part's headline group and text columns as boxes, in drawing order (the
    head first, then the columns as the text flows).  A box's right edge is the end of its
    run that starts furthest right (a line's last run: on a justified line it ends at the
    column's edge), measured in its face."""
    boxes: dict[tuple[str, int], list[float]] = {}
    for key, grp in groupby(runs, _OWNER_COL):
        g = list(grp)
        first = g[0]
        if not key[0] or first.role not in BEAD_ROLES:
            continue
        right = max(g, key=_X)
        hi, lo = min(g, key=_Y), max(g, key=_Y)
        if right.vertical:
            x1, y0, y1 = right.x + right.size, hi.y - hi.size, lo.y
        else:
            n = len(right.text)  # character spacing follows every glyph; the last one's is not set width
            x1 = right.x + width(right.face, right.text) * right.size + (n - 1) * right.tc
            y0, y1 = hi.y - 0.88 * hi.size, lo.y + 0.12 * lo.size
        box = (min(g, key=_X).x, y0, x1, y1)
        got = boxes.get(key)
        if got is None:
            boxes[key] = list(box)
        else:
            got[0], got[1], got[2], got[3] = min(got[0], box[0]), min(got[1], y0), max(got[2], x1), max(got[3], y1)
    return [(owner, col, round(b + x0, 2), round(top - y1, 2), round(b + x1, 2), round(top - y0, 2))
            for (owner, col), (x0, y0, x1, y1) in boxes.items()]
