"""Marked paragraphs: characters in other faces at the same size, and intertitles.

Body markup (layout/model/markup.py) gives a story's paragraphs bold (hei) and kai runs,
and a run-in dateline puts the byline's face at the start of the first paragraph; these
are `FaceSpan`s.  Intertitles (小标题) are whole paragraphs in their own role.  TextSetter
(typeset.py) takes both; this module holds what it needs to measure them, so that plain
paragraphs, the common case, go through the line breaker exactly as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import accumulate

from layout.fonts.catalogue import RoleMetrics
from layout.model.styles import Role
from layout.text.linebreak import PreparedText, Run


@dataclass(frozen=True)
class FaceSpan:
    """Characters [start, end) of a paragraph set in another face at the setter's size: the
    bold (hei) and kai runs of body markup, or a run-in dateline (`role` "byline", which is
    not the story's text)."""

    start: int
    end: int
    metrics: RoleMetrics
    role: str = ""


@dataclass(frozen=True)
class Intertitles:
    """Which paragraphs of a setter are intertitles (小标题) and how they are set: in their
    role (face, size, leading, alignment), centred in whole grid lines of `grid` pt with
    `space` grid lines added, and kept with the paragraph that follows them."""

    indexes: frozenset[int]
    metrics: RoleMetrics
    role: Role
    grid: float
    space: int


def right_at(p: PreparedText, runs: list[Run], end: int, size: float) -> float:
    """typeset._right for a paragraph whose characters are not all in one face: the advances
    come from the prepared paragraph (the runs end at character `end`)."""
    if not runs:
        return 0.0
    r = runs[-1]
    w = sum(p.fadv[end - len(r.text):end]) + r.tc * (len(r.text) - 1)
    return (r.x + w) * size


def reface(p: PreparedText, spans: tuple[FaceSpan, ...]) -> None:
    """Give the characters of marked spans their own face's advances.  Ideographs are 1 em
    in every face, so only Latin, digits and a few marks change; the cumulative widths the
    line breaker bisects are shifted by the differences, whatever else went into them."""
    text, fadv, adv = p.text, p.fadv, p.adv
    deltas: list[float] | None = None
    for sp in spans:
        widths = sp.metrics.widths
        for k in range(sp.start, sp.end):
            d = widths[text[k]] - fadv[k]
            if d:
                if deltas is None:
                    deltas = [0.0] * p.n
                deltas[k] = d
                fadv[k] += d
                adv[k] += d
    if deltas is not None:
        p.cum = [c + d for c, d in zip(p.cum, accumulate(deltas, initial=0.0))]
