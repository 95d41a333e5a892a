"""The text blocks of a page: a page record's runs grouped as an archive reads them.

In: a `PageRecord` (every run in drawing order, a story's in reading order) and the
faces.  Out: `Block`s, each one owner's text of one kind in one column (a story's
kicker, headline, byline, one column of its body, its jump line; a caption; a box's
text; the folio), its lines in order, and an id ("P3_B12": page 3 of the edition, block
12) unique in the edition.

Why here and not in layout/archive: the ids are named twice, by the ALTO files (which
the archive package writes) and by the archive sidecar (which the build writes), and
both must group the same runs the same way.  A pure function of the record, so a page
taken from the cache gets the same blocks, and ids, as when it was composed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from layout.fonts.catalogue import Face
from layout.model.edition import Edition
from layout.page.keys import StoryKey
from layout.page.record import PageRecord, RunRecord, advances


class BlockKind(str, Enum):
    """What a block holds: the run roles, with a story's body and intertitles together
    (an intertitle is a line of the body's column; its line is tagged as such)."""

    BODY = "body"
    INTERTITLE = "intertitle"  # only ever a line's tag: intertitle lines sit in BODY blocks
    KICKER = "kicker"
    HEADLINE = "headline"
    CONTINUATION_HEADLINE = "continuation_headline"
    SUBHEAD = "subhead"
    BYLINE = "byline"
    JUMP = "jump"
    CAPTION = "caption"
    CREDIT = "credit"
    BOX_TITLE = "box_title"
    BOX = "box"
    MASTHEAD = "masthead"
    DATELINE = "dateline"
    FOLIO = "folio"
    OTHER = "other"  # a role this list does not know (a later stage's): kept, tagged "other"

    @classmethod
    def of_role(cls, role: str) -> BlockKind:
        if role == "intertitle":
            return cls.BODY
        try:
            return cls(role)
        except ValueError:
            return cls.OTHER


# kinds whose block flows in columns: a column break starts a new block
FLOWING = frozenset({BlockKind.BODY, BlockKind.BOX})
# furniture: on the page, in ALTO, but no story's text
FURNITURE = frozenset({BlockKind.MASTHEAD, BlockKind.DATELINE, BlockKind.FOLIO})


@dataclass(frozen=True)
class Block:
    id: str  # ALTO block id, unique in the edition: P<page number>_B<block number>
    owner: str  # the runs' owner: a story key ("id" or "id~cont"), photo id, box id, furniture name
    kind: BlockKind
    lines: tuple[tuple[RunRecord, ...], ...]  # in reading order; a vertical line is one 竖排 column
    vertical: bool = False

    @property
    def text(self) -> str:
        return "".join(r.text for line in self.lines for r in line)


def page_prefix(number: int) -> str:
    """The id prefix of the `number`th page of the edition (1-based, in edition order)."""
    return f"P{number}"


def page_blocks(record: PageRecord, faces: dict[str, Face], number: int) -> list[Block]:
    """The blocks of a page, in the record's order (each owner's in reading order).
    `faces`: Face.key -> Face; `number`: the page's place in the edition (1-based)."""
    prefix = page_prefix(number)
    blocks: list[Block] = []
    cur: list[list[RunRecord]] = []
    key: tuple[str, BlockKind, bool] | None = None
    right = 0.0  # the current block's rightmost end so far (a column break starts to its right)
    line_end = 0.0  # where the current line's last run ends

    def close() -> None:
        if cur and key is not None:
            blocks.append(Block(f"{prefix}_B{len(blocks) + 1}", key[0], key[1], tuple(tuple(ln) for ln in cur),
                                key[2]))

    for r in record.runs:
        kind = BlockKind.of_role(r.role)
        k = (r.story, kind, r.vertical)
        if not r.text or (r.text.isspace() and not (k == key and abs(r.y - cur[-1][-1].y) < 0.01)):
            continue  # spaces only inside a line of their block: no block or line is only spaces
        end = r.x + (sum(advances(r, faces)) - r.tc if not r.vertical else r.size)
        if k != key:
            close()
            cur, key, right = [[r]], k, end
            line_end = end
            continue
        last = cur[-1][-1]
        if r.vertical:
            if r.y > last.y + 0.01 and abs(r.x - last.x) < r.size:  # the next cell down the same column
                cur[-1].append(r)
            else:  # back up: the next 竖排 column (to the left)
                cur.append([r])
            continue
        same_line = abs(r.y - last.y) < 0.01
        gap = r.size * 1.5
        new_column = kind in FLOWING and ((r.y < last.y - 0.01) or (same_line and r.x > line_end + gap)
                                          or (not same_line and r.x > right + gap))
        if new_column:
            close()
            cur, right = [[r]], end
        elif same_line:
            cur[-1].append(r)
        else:
            cur.append([r])
        right = max(right, end)
        line_end = end
    close()
    return blocks


def picture_id(number: int, k: int) -> str:
    """The ALTO id of the `k`th picture of the `number`th page (1-based, the record's order)."""
    return f"{page_prefix(number)}_I{k}"


def other_id(number: int, k: int) -> str:
    """The ALTO id of the `k`th frame of another kind (an ad, say) on the `number`th page."""
    return f"{page_prefix(number)}_C{k}"


def page_units(record: PageRecord, blocks: list[Block], number: int, articles: dict[str, str]
               ) -> list[tuple[str, list[str]]]:
    """The page's reading order: units (an article, or one photo, box or piece of
    furniture) in the order the page first shows them, each with its element ids in
    order.  A picture goes just before the first block of its owner (its caption).
    `articles`: run owner -> story id (owners_to_stories)."""
    units: dict[str, list[str]] = {}
    pics = {p.owner: picture_id(number, k) for k, p in enumerate(record.pictures, 1)}
    for b in blocks:
        unit = articles.get(b.owner, b.owner)
        ids = units.setdefault(unit, [])
        if b.owner in pics:
            ids.append(pics.pop(b.owner))
        ids.append(b.id)
    for owner, pid in pics.items():  # pictures without a caption
        units.setdefault(articles.get(owner, owner), []).append(pid)
    return list(units.items())


def owners_to_stories(edition: Edition) -> dict[str, str]:
    """Run owner -> the story id it belongs to: a story's entries (start and continuation)
    and its in-story photos (their captions and credits are the story's)."""
    out: dict[str, str] = {}
    for page in edition.pages:
        for s in page.stories:
            key = StoryKey.of(s)
            out[str(key)] = key.story_id
            for ph in s.photos:
                out[ph.id] = key.story_id
    return out


def alto_path(page_pdf: Path) -> Path:
    """Where a page's ALTO file goes: alto/<name>.xml beside the pages/ folder of its PDF
    (archive/pages/A1.pdf -> archive/alto/A1.xml)."""
    return page_pdf.parent.parent / "alto" / (page_pdf.stem + ".xml")
