"""The structure tree of a tagged edition: one Art per story, across pages, in reading order.

In: the edition, the edition's ReportLab document before it is saved (its pages carry
marked content, marks.py) and each page's `PageTags`.  Out: the catalog's StructTreeRoot
(Document > Art per story > H1/Kicker/Subhead/Byline/P/H2/Figure/Caption, page photos in
a Div, boxes in a Box (Sect)), its ParentTree and RoleMap, the pages' StructParents and
Tabs, MarkInfo and the viewer preference a tagged document asks for (show the title),
all written as bytes (pdfobj.py).

Reading order is the edition's: pages in order, on each page its stories, photos and
boxes as they are drawn; a continuation (上接) joins the Art its story opened on the source
page, and a paragraph that runs on from one page or column to the next stays one P (its
marked-content references name their pages).  Only `PageTags` is read, never the content
streams: pages from the cache are tagged the same as pages drawn now.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.pdfbase import pdfdoc

from layout.model.edition import Edition, Photo
from layout.page.keys import StoryKey
from layout.pdf.marks import ROLE_MAP, PageTags, Tag, tag_of_role
from layout.pdf.pdfobj import Raw, array, name, page_refs, register, text


@dataclass
class Elem:
    """A structure element before it is written: its type, its kids (elements, or marked
    content as (page index, MCID)), and for an Art its story, for a Figure its Alt."""

    type: str
    kids: list = field(default_factory=list)
    story: str = ""  # Art: the story id; threads.py follows the same order
    title: str = ""  # /T (Art: the headline)
    alt: str = ""  # /Alt (Figure: its caption)
    parts: dict = field(default_factory=dict)  # (tag, paragraph or owner) -> child Elem, while building


def structure(edition: Edition, tags: list[PageTags]) -> Elem:
    """The document element: what `write_structure` writes (and tests can read)."""
    stories = {s.id: s for p in edition.pages for s in p.stories if not s.continued_from}
    photos: dict[str, tuple[Photo, str]] = {}  # photo id -> (photo, its story's id or "")
    for p in edition.pages:
        for ph in p.photos:
            photos[ph.id] = (ph, "")
        for s in p.stories:
            for ph in s.photos:
                photos[ph.id] = (ph, s.id)
    boxes = {bx.id: bx for p in edition.pages for bx in p.boxes}
    doc = Elem("Document")
    arts: dict[str, Elem] = {}
    groups: dict[str, Elem] = {}  # page photos (Div) and boxes, by id

    def container(owner: str) -> Elem:
        sid = StoryKey.parse(owner).story_id
        if sid in stories or sid not in photos and sid not in boxes:
            art = arts.get(sid)
            if art is None:
                s = stories.get(sid)
                art = arts[sid] = Elem("Art", story=sid, title=s.headline.text if s and s.headline else "")
                doc.kids.append(art)
            return art
        if sid in photos and photos[sid][1]:
            return container(photos[sid][1])
        got = groups.get(sid)
        if got is None:
            got = groups[sid] = Elem("Box" if sid in boxes else "Div")
            if sid in boxes and boxes[sid].title:
                got.title = boxes[sid].title
            doc.kids.append(got)
        return got

    def child(parent: Elem, tag: str, key, **kw) -> Elem:
        got = parent.parts.get((tag, key))
        if got is None:
            got = parent.parts[(tag, key)] = Elem(tag, **kw)
            parent.kids.append(got)
        return got

    for page, t in enumerate(tags):
        first = len(t.figures)
        for i, (owner, role, para) in enumerate(t.marks):
            tag = tag_of_role(role)
            key = owner if tag == Tag.CAPTION else para
            child(container(owner), tag, key).kids.append((page, first + i))
        for mcid, owner in enumerate(t.figures):
            parent = container(owner)
            photo = photos.get(owner)
            alt = (photo[0].caption or photo[0].credit) if photo else ""
            fig = parent.parts.get((Tag.FIGURE, owner))
            if fig is None:
                fig = parent.parts[(Tag.FIGURE, owner)] = Elem(Tag.FIGURE, alt=alt or "新闻图片")
                cap = parent.parts.get((Tag.CAPTION, owner))
                parent.kids.insert(parent.kids.index(cap) if cap is not None else len(parent.kids), fig)
            fig.kids.append((page, mcid))
    return doc


def write_structure(doc, elem: Elem, tags: list[PageTags]) -> None:
    """`elem` (the Document element) as the catalog's StructTreeRoot with its ParentTree, in
    the ReportLab document `doc` before it is saved; its pages get StructParents and Tabs."""
    pages = page_refs(doc)
    parents: list[list] = [[None] * (len(t.figures) + len(t.marks)) for t in tags]
    root = Raw()
    root_ref = register(doc, root)

    def write(e: Elem, parent: bytes) -> bytes:
        obj = Raw()
        ref = register(doc, obj)
        head = [b"<< /Type /StructElem /S ", name(e.type), b" /P ", parent]
        if e.title:
            head += [b" /T ", text(e.title)]
        if e.alt:
            head += [b" /Alt ", text(e.alt)]
        kids = []
        home = None
        for k in e.kids:
            if isinstance(k, Elem):
                kids.append(write(k, ref))
                continue
            page, mcid = k
            parents[page][mcid] = ref
            if home is None:
                home = page
                head += [b" /Pg ", pages[page]]
            if page == home:  # a marked-content sequence on the element's own page: its MCID
                kids.append(b"%d" % mcid)
            else:
                kids.append(b"<< /Type /MCR /Pg %s /MCID %d >>" % (pages[page], mcid))
        obj.data = b"".join(head) + b" /K " + array(kids) + b" >>"
        return ref

    top = write(elem, root_ref)
    nums = []
    page_keys = [*pdfdoc.PDFPage.__NoDefault__, "StructParents", "Tabs"]
    for i, (refs, page) in enumerate(zip(parents, doc.Pages.pages)):
        if refs:  # a page of artifacts only (a blank page's folio) has no structure to point to
            nums.append(b"%d %s" % (i, array([r or b"null" for r in refs])))
            page.StructParents = i
        page.Tabs = "/S"  # (written as it is)
        page.__NoDefault__ = page_keys  # ReportLab writes the keys its page class lists
    parent_tree = register(doc, Raw(b"<< /Nums " + array(nums) + b" >>"))
    role_map = b" ".join(name(k) + b" " + name(v) for k, v in ROLE_MAP.items())
    root.data = (b"<< /Type /StructTreeRoot /K %s /ParentTree %s /ParentTreeNextKey %d /RoleMap << %s >> >>"
                 % (top, parent_tree, len(parents), role_map))
    cat = doc.Catalog
    cat.StructTreeRoot = root
    # MarkInfo and Lang are PDF 1.4, marked-content ActualText 1.5
    doc._pdfVersion = max(tuple(doc._pdfVersion), (1, 7))
    cat.MarkInfo = b"<< /Marked true >>"  # (bytes: written in place, not as an object of their own)
    cat.ViewerPreferences = b"<< /DisplayDocTitle true >>"
