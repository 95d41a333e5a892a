"""Compose pages: furniture, story blocks, photos, boxes and booked ads -> PageDisplay.

In: Edition, Style, FontBook.  Out: one PageDisplay per page (display.py), a StoryFit
per story entry (the fit report) and Findings (overset, underset, low ppi).  Nothing here
writes files.  The parts of a page are set by their own modules (furniture.py, story.py,
photo.py, box.py, ads.py) on a shared Placer (place.py); this module puts them on the page in
drawing order.  Jumps are resolved before pages are composed (`resolve_jumps`), so every
page can be composed on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from layout.errors import Finding
from layout.fonts.catalogue import FontBook
from layout.model.edition import Edition, Frame, Page
from layout.model.styles import Style
from layout.page.ads import compose_ad
from layout.page.box import compose_box
from layout.page.display import Bookmark, Marker, PageDisplay
from layout.page.furniture import Furniture, folio_label
from layout.page.photo import compose_photo
from layout.page.place import Placer
from layout.page.story import StoryComposer, StoryFit, StoryMemo
from layout.text.typeset import Cursor


@dataclass
class ComposedPage:
    """A page as composed: its display list, how each story fit, and what was found."""

    display: PageDisplay
    fits: list[StoryFit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


class Composer:
    def __init__(self, edition: Edition, style: Style, fonts: FontBook, memo: StoryMemo | None = None):
        self.edition = edition
        self.style = style
        self.placer = Placer(edition, style, fonts)
        self.grid = self.placer.grid
        self.stories = StoryComposer(self.placer, memo)
        self.furniture = Furniture(self.placer)

    def resolve_jumps(self) -> dict[str, Cursor]:
        """Where each jumping story's text resumes: composed on its source page once."""
        return self.stories.resolve_jumps()

    def compose_page(self, page: Page, cursors: dict[str, Cursor]) -> ComposedPage:
        st, placer = self.style, self.placer
        items: list = []
        out = ComposedPage(PageDisplay(page.label, st.page_width, st.page_height, ()))
        bookmarks: list[Bookmark] = []
        if page.template == "front":
            items += self.furniture.masthead(page)
        else:
            items += self.furniture.folio(page)
        for story in page.stories:
            composed = self.stories.compose(page, story, cursors)
            items += composed.items
            out.fits.append(composed.fit)
            out.findings += composed.findings
            if story.headline and not story.continued_from:
                bookmarks.append(Bookmark(story.headline.text, self.grid.line_y(story.frame.top)))
        for photo in page.photos:
            assert photo.frame is not None
            first = placer.content_top(page, photo.frame.top)
            area = self.grid.frame_area(photo.frame)
            items += placer.frame_rules(page, photo.frame.col, photo.frame.top, photo.frame.bottom, area)
            its, findings = compose_photo(placer, page, photo, area.x, area.w, first, photo.frame.bottom)
            items += its
            out.findings += findings
            items.append(Marker(area.x, area.y, area.w, area.h, "frame", photo.id))
        for bx in page.boxes:
            its, findings = compose_box(placer, page, bx)
            items += its
            out.findings += findings
        for ad in page.ads:  # booked ads at 100 % (ads.py), with their booking id on proofs
            items += compose_ad(placer, page, ad)
        if page.blank:  # left empty on purpose: say so on the proof
            area = self.grid.frame_area(Frame(1, st.columns, self.grid.first_line(page), st.lines))
            items.append(Marker(area.x, area.y, area.w, area.h, "blank", "本版空白"))
        for slot in page.empty_slots:  # a hole in the template: shown on proofs (draw.py), never printed
            area = self.grid.frame_area(slot.frame)
            items.append(Marker(area.x, area.y, area.w, area.h, "empty", slot.name))
        items += self.furniture.line_numbers()
        title = f"{folio_label(self.edition, page)} {self.edition.section(page.section).name}"
        out.display = PageDisplay(page.label, st.page_width, st.page_height, tuple(items), tuple(bookmarks),
                                  page.section, title)
        return out
