"""Article threads: one thread per story, a bead per part of it, across pages.

In: the edition's ReportLab document before it is saved, the structure (tagging.structure:
its Arts give the stories in reading order) and each page's `PageTags` (the beads: a story
part's headline group and each of its text columns, as boxes).  Out: the catalog's /Threads, each
thread titled with its story's headline and its beads linked in reading order (A1's
columns, then the continuation's on A3 for a jump), and each page's /B array.

Why: a reader that follows threads (Acrobat's article tool, archive viewers) reads a story
column by column and across the jump without the page's geometry; the threads are also
what an archive can cut article images from.
"""

from __future__ import annotations

from layout.page.keys import StoryKey
from layout.pdf.marks import PageTags
from layout.pdf.pdfobj import Raw, array, number, page_refs, register, text
from layout.pdf.tagging import Elem


def story_beads(doc: Elem, tags: list[PageTags]) -> list[tuple[Elem, list[tuple[int, tuple]]]]:
    """Per Art with beads, in reading order: (art, [(page index, (x0, y0, x1, y1)), ...])."""
    per: dict[str, list[tuple[int, tuple]]] = {}
    for page, t in enumerate(tags):
        for owner, _col, x0, y0, x1, y1 in t.beads:
            per.setdefault(StoryKey.parse(owner).story_id, []).append((page, (x0, y0, x1, y1)))
    return [(art, per[art.story]) for art in doc.kids if art.type == "Art" and art.story in per]


def write_threads(doc, elem: Elem, tags: list[PageTags]) -> None:
    """The threads of `story_beads` into the ReportLab document `doc` before it is saved."""
    pages = page_refs(doc)
    on_page: list[list[bytes]] = [[] for _ in pages]
    threads = []
    for art, beads in story_beads(elem, tags):
        thread = Raw()
        t_ref = register(doc, thread)
        objs = [Raw() for _ in beads]
        refs = [register(doc, o) for o in objs]
        for i, ((page, rect), obj) in enumerate(zip(beads, objs)):
            # a closed ring: the last bead's next is the first, the first's previous the last
            obj.data = b"<< /Type /Bead /T %s /P %s /R %s /N %s /V %s >>" % (
                t_ref, pages[page], array([number(v) for v in rect]), refs[(i + 1) % len(refs)], refs[i - 1])
            on_page[page].append(refs[i])
        thread.data = b"<< /Type /Thread /I << /Title %s >> /F %s >>" % (text(art.title or art.story), refs[0])
        threads.append(t_ref)
    if not threads:
        return
    for page, beads in zip(doc.Pages.pages, on_page):
        if beads:
            page.B = array(beads)  # (a key ReportLab's page writes when set)
    doc.Catalog.Threads = array(threads)
