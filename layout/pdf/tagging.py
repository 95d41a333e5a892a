"""The structure tree of a tagged edition: one Art per story, across pages, in reading order.

In: the edition, the assembled document (a pypdf writer whose pages carry marked content,
marks.py) and each page's `PageTags`.  Out: the catalog's StructTreeRoot (Document >
Art per story > H1/Kicker/Subhead/Byline/P/H2/Figure/Caption, page photos in a Div,
boxes in a Box (Sect)), its ParentTree and RoleMap, the pages' StructParents, MarkInfo
and the viewer preference a tagged document asks for (show the title).

Reading order is the edition's: pages in order, on each page its stories, photos and
boxes as they are drawn; a continuation (上接) joins the Art its story opened on the source
page, and a paragraph that runs on from one page or column to the next stays one P (its
marked-content references name their pages).  Only `PageTags` is read, never the content
streams: pages from the cache are tagged the same as pages drawn now.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from layout.model.edition import Edition, Photo
from layout.page.keys import StoryKey
from layout.pdf.marks import ROLE_MAP, PageTags, Tag, tag_of_role


def pdf_text(text: str) -> TextStringObject | ByteStringObject:
    """A PDF text string: as it is when ASCII, else UTF-16BE with its byte-order mark
    (written in hex; pypdf would escape a CJK string byte by byte)."""
    if text.isascii():
        return TextStringObject(text)
    return ByteStringObject(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))


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


def write_structure(writer: PdfWriter, doc: Elem, tags: list[PageTags]) -> None:
    """`doc` as the catalog's StructTreeRoot with its ParentTree; pages get StructParents."""
    pages = [p.indirect_reference for p in writer.pages]
    parents: list[list] = [[None] * (len(t.figures) + len(t.marks)) for t in tags]
    root = DictionaryObject({NameObject("/Type"): NameObject("/StructTreeRoot")})
    root_ref = writer._add_object(root)
    n = NameObject
    type_, elem_, mcr = n("/Type"), n("/StructElem"), n("/MCR")
    key_s, key_p, key_k, key_pg, key_mcid = n("/S"), n("/P"), n("/K"), n("/Pg"), n("/MCID")

    def write(e: Elem, parent: IndirectObject) -> IndirectObject:
        d = DictionaryObject({type_: elem_, key_s: NameObject("/" + e.type), key_p: parent})
        ref = writer._add_object(d)
        if e.title:
            d[n("/T")] = pdf_text(e.title)
        if e.alt:
            d[n("/Alt")] = pdf_text(e.alt)
        kids = ArrayObject()
        home = None
        for k in e.kids:
            if isinstance(k, Elem):
                kids.append(write(k, ref))
                continue
            page, mcid = k
            parents[page][mcid] = ref
            if home is None:
                home = page
                d[key_pg] = pages[page]
            if page == home:
                kids.append(NumberObject(mcid))
            else:
                kids.append(DictionaryObject({type_: mcr, key_pg: pages[page], key_mcid: NumberObject(mcid)}))
        d[key_k] = kids
        return ref

    root[key_k] = write(doc, root_ref)
    nums = ArrayObject()
    for i, refs in enumerate(parents):
        if refs:  # a page of artifacts only (a blank page's folio) has no structure to point to
            nums += [NumberObject(i), ArrayObject(refs)]
            writer.pages[i][n("/StructParents")] = NumberObject(i)
        writer.pages[i][n("/Tabs")] = n("/S")
    root[n("/ParentTree")] = writer._add_object(DictionaryObject({n("/Nums"): nums}))
    root[n("/ParentTreeNextKey")] = NumberObject(len(parents))
    root[n("/RoleMap")] = DictionaryObject({n("/" + k): n("/" + v) for k, v in ROLE_MAP.items()})
    cat = writer._root_object
    cat[n("/StructTreeRoot")] = root_ref
    if writer.pdf_header < "%PDF-1.7":  # MarkInfo and Lang are PDF 1.4, marked-content ActualText 1.5
        writer.pdf_header = "%PDF-1.7"
    cat[n("/MarkInfo")] = DictionaryObject({n("/Marked"): BooleanObject(True)})
    cat[n("/ViewerPreferences")] = DictionaryObject({n("/DisplayDocTitle"): BooleanObject(True)})
