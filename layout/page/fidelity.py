"""Fidelity on display lists: every story's characters set exactly once and in order.

Cheap enough for every build; `PageText` is what a worker sends back instead of the whole
display list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from layout.errors import Finding
from layout.model.edition import Edition
from layout.page.display import GlyphRun, PageDisplay
from layout.page.keys import StoryKey
from layout.text import cjk

_WS = re.compile(r"\s+")
# the runs that are a story's own text: its body (bold and kai runs included) and its
# intertitles; a run-in dateline ("byline" runs) and the jump lines are not
STORY_TEXT_ROLES = frozenset({"body", "intertitle"})


_FROM_VERTICAL = str.maketrans(cjk.FROM_VERTICAL)
_ANY_VERTICAL = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_FROM_VERTICAL)) + "]")


@lru_cache(maxsize=4096)  # story texts are compared again on every build of a resident process
def normalise(text: str) -> str:
    """Text as compared for fidelity: vertical forms mapped back, whitespace dropped.  (The
    mapping only where there is a vertical form: str.translate looks every character up in
    the table, 40 ms for the 320,000 characters of a 36-page edition, which the search
    finds absent in 2.)"""
    if _ANY_VERTICAL.search(text):
        text = text.translate(_FROM_VERTICAL)
    return _WS.sub("", text)


@dataclass(frozen=True)
class PageText:
    """What fidelity checks need of a composed page: each story's set text, in drawing order.

    Small enough to send back from a worker process instead of the whole display list.
    Body text and the generated jump lines are kept apart (by the runs' role, never by
    pattern-matching the text), so a story that quotes "相关报道详见3版" is still checked;
    so is a dateline run into the first paragraph, which is not the story's text.  The
    story's text is compared as printed: Story.paragraphs hold it with the body markup
    (model/markup.py) already removed, and bold, kai and intertitle runs are its text.
    """

    label: str
    parts: tuple[tuple[StoryKey, str], ...]  # (story key, body text) in display order
    jumps: tuple[tuple[StoryKey, str], ...] = ()  # (story key, jump line text): 下转 / 上接 / 相关报道
    bboxes: dict = field(default_factory=dict, hash=False, compare=False)  # run owner -> [x0, y0, x1, y1]


def page_text(d: PageDisplay) -> PageText:
    parts: dict[str, list[str]] = {}
    jumps: dict[tuple[str, float], list[str]] = {}  # one entry per jump line
    boxes: dict[str, list[float]] = {}
    owner = b = None  # the last run's owner and its box: runs come owner after owner
    for it in d.items:  # (a page has about two thousand items: no min/max calls)
        if type(it) is not GlyphRun and not isinstance(it, GlyphRun):
            continue
        story = it.story
        if not story:
            continue
        role, text, x, y, size = it.role, it.text, it.x, it.y, it.size
        if role in STORY_TEXT_ROLES:
            got = parts.get(story)
            if got is None:
                parts[story] = [text]
            else:
                got.append(text)
        elif role == "jump":
            jumps.setdefault((story, round(y, 2)), []).append(text)
        x1 = x + len(text) * size
        y0 = y - size
        if story != owner:
            owner, b = story, boxes.get(story)
            if b is None:
                b = boxes[story] = [x, y0, x1, y]
                continue
        # (min and max, as they compare)
        if x < b[0]:
            b[0] = x
        if y0 < b[1]:
            b[1] = y0
        if x1 > b[2]:
            b[2] = x1
        if y > b[3]:
            b[3] = y
    parse = StoryKey.parse
    return PageText(d.label, tuple((parse(k), "".join(v)) for k, v in parts.items()),
                    tuple((parse(k), "".join(v)) for (k, _), v in jumps.items()),
                    {k: [round(v, 2) for v in b] for k, b in boxes.items()})


def _as_text(pages: list[PageDisplay] | list[PageText]) -> list[PageText]:
    return [page_text(p) if isinstance(p, PageDisplay) else p for p in pages]


def story_texts(pages: list[PageDisplay] | list[PageText]) -> dict[str, str]:
    """Story id -> body text in display order across pages (continuations appended)."""
    out: dict[str, list[str]] = {}
    for pt in _as_text(pages):
        for key, text in pt.parts:
            out.setdefault(key.story_id, []).append(text)
    return {k: "".join(v) for k, v in out.items()}


def display_fidelity(edition: Edition, pages: list[PageDisplay] | list[PageText],
                     overset: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
    """Each story's body equals its manifest text, and each jump carries its jump lines.

    Stories in `overset` (already reported) need only be a prefix of their text.
    """
    pages = _as_text(pages)
    got = story_texts(pages)
    jumps: dict[tuple[str, str], str] = {}
    for pt in pages:
        for key, text in pt.jumps:
            jumps[(pt.label, key.story_id)] = jumps.get((pt.label, key.story_id), "") + normalise(text)
    resumed = {key.story_id for pt in pages for key, text in pt.parts if key.continuation and text}
    labels = {p.label for p in pages}
    findings = []
    for page in edition.pages:
        for s in page.stories:
            if s.continued_from:
                continue
            want = normalise("".join(s.paragraphs))
            have = normalise(got.get(s.id, ""))
            on = {page.label} | ({s.continues} if s.continues else set())
            if not on <= labels:
                continue  # partial build: the story is not wholly on the pages built
            if have != want and not (s.id in overset and want.startswith(have)):
                findings.append(_diff_finding(s.id, page.label, want, have, "display list"))
            if s.continues and s.id in resumed:  # text went over: both jump lines must be there
                for lab, mark in ((page.label, "（下转"), (s.continues, "（上接")):
                    if mark not in jumps.get((lab, s.id), ""):
                        findings.append(Finding("error", "fidelity", f"{lab}/{s.id}",
                                                f"story {s.id!r}: jump line {mark}…） missing on {lab}",
                                                {"story": s.id}))
    return findings


def _diff_finding(sid: str, page: str, want: str, have: str, where: str) -> Finding:
    i = next((k for k, (a, b) in enumerate(zip(want, have)) if a != b), min(len(want), len(have)))
    return Finding("error", "fidelity", f"{page}/{sid}",
                   f"story {sid!r} ({where}): text differs from the manifest at character {i}: expected "
                   f"{want[max(0, i - 8):i + 8]!r}, got {have[max(0, i - 8):i + 8]!r} "
                   f"({len(want)} expected, {len(have)} set)",
                   {"story": sid, "index": i, "expected": len(want), "got": len(have)})
