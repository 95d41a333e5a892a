"""Story keys: which entry of a story a fit line, a fidelity part or a glyph run belongs to.

A jumped story has two entries, the start on its source page and the continuation on the
page it jumps to; both carry the story's id, so a key is the id plus which entry it is.
Display lists keep it as text (`GlyphRun.story` also names furniture, photos and boxes,
and is compared once per run when a page is read back), and so does the fit report;
`str(key)` writes that text and `StoryKey.parse` reads it, nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from layout.model.edition import Story

_CONT = "~cont"  # suffix of a continuation entry's text form: "<id>~cont"


@dataclass(frozen=True, slots=True)
class StoryKey:
    """Which story a display item belongs to, and whether it is the story's continuation."""

    story_id: str
    continuation: bool = False

    @classmethod
    def of(cls, story: Story) -> StoryKey:
        return cls(story.continued_from, True) if story.continued_from else cls(story.id)

    @classmethod
    def parse(cls, text: str) -> StoryKey:
        """The key of a display-list owner name; names that are no story's key (folio,
        a photo id) come back as a start entry of that name."""
        if text.endswith(_CONT):
            return cls(text[:-len(_CONT)], True)
        return cls(text)

    def __str__(self) -> str:
        return self.story_id + _CONT if self.continuation else self.story_id
