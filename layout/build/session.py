"""What a resident process keeps between builds (`layout watch`): one object, owned by its caller.

In: nothing (a session starts empty).  Out: the memories `build(..., session=)` reads and
fills, so that a rebuild after an edit repeats only the work the edit touched.

Why an object and not module globals: what one build leaves behind is then visible where
it is kept (the Watcher holds its session), two watchers in one process cannot see each
other's pages, and a plain `layout build` (no session) keeps nothing at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from layout.build.cache import PageKeyMemo
from layout.build.pageresult import PageResult
from layout.fonts.embed import EmbeddedFonts
from layout.model.yamlpos import Located
from layout.page.story import StoryMemo


@dataclass(eq=False, repr=False)  # never compared nor printed: no __eq__, __repr__ to compile at import
class BuildSession:
    """The memories of one resident process, for builds of one edition into one folder."""

    # page-cache key -> that page's result: an unchanged page is neither composed nor drawn
    # nor read back from the disk cache (a full build replaces the set; --pages adds to it)
    pages: dict[str, PageResult] = field(default_factory=dict)
    # composed stories: an edited page composes again only the stories that changed
    stories: StoryMemo = field(default_factory=StoryMemo)
    # parsed parts of the manifest by their text (yamlpos.load_segmented): an edit to one
    # page's lines parses only those lines again
    yaml: dict[str, Located] = field(default_factory=dict)
    # the faces as PDF fonts, with the subsets they wrote last
    embedded: EmbeddedFonts = field(default_factory=EmbeddedFonts)
    # a page's model value -> its cache key: a page whose value did not change is not
    # serialised and hashed again
    page_keys: PageKeyMemo = field(default_factory=PageKeyMemo)
