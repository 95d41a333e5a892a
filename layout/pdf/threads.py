"""Article threads: one thread per story, a bead per part of it, across pages.

In: the assembled document (pypdf writer), the structure (tagging.structure: its Arts give
the stories in reading order) and each page's `PageTags` (the beads: a story part's
headline group and each of its text columns, as boxes).  Out: the catalog's /Threads, each
thread titled with its story's headline and its beads linked in reading order (A1's
columns, then the continuation's on A3 for a jump), and each page's /B array.

Why: a reader that follows threads (Acrobat's article tool, archive viewers) reads a story
column by column and across the jump without the page's geometry; the threads are also
what an archive can cut article images from.
"""

from __future__ import annotations

from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject

from layout.page.keys import StoryKey
from layout.pdf.marks import PageTags
from layout.pdf.tagging import Elem, pdf_text


def story_beads(doc: Elem, tags: list[PageTags]) -> list[tuple[Elem, list[tuple[int, tuple]]]]:
    """Per Art with beads, in reading order: (art, [(page index, (x0, y0, x1, y1)), ...])."""
    per: dict[str, list[tuple[int, tuple]]] = {}
    for page, t in enumerate(tags):
        for owner, _col, x0, y0, x1, y1 in t.beads:
            per.setdefault(StoryKey.parse(owner).story_id, []).append((page, (x0, y0, x1, y1)))
    return [(art, per[art.story]) for art in doc.kids if art.type == "Art" and art.story in per]


def write_threads(writer: PdfWriter, doc: Elem, tags: list[PageTags]) -> None:
    n = NameObject
    pages = writer.pages
    on_page: list[ArrayObject] = [ArrayObject() for _ in pages]
    threads = ArrayObject()
    for art, beads in story_beads(doc, tags):
        thread = DictionaryObject({n("/Type"): n("/Thread"),
                                   n("/I"): DictionaryObject({n("/Title"): pdf_text(art.title or art.story)})})
        t_ref = writer._add_object(thread)
        refs = []
        for page, rect in beads:
            bead = DictionaryObject({n("/Type"): n("/Bead"), n("/T"): t_ref, n("/P"): pages[page].indirect_reference,
                                     n("/R"): ArrayObject(FloatObject(v) for v in rect)})
            refs.append(writer._add_object(bead))
            on_page[page].append(refs[-1])
        for i, ref in enumerate(refs):  # a closed ring: the last bead's next is the first
            bead = ref.get_object()
            bead[n("/N")] = refs[(i + 1) % len(refs)]
            bead[n("/V")] = refs[i - 1]
        thread[n("/F")] = refs[0]
        threads.append(t_ref)
    if not threads:
        return
    for page, beads in zip(pages, on_page):
        if beads:
            page[n("/B")] = beads
    writer._root_object[n("/Threads")] = threads
