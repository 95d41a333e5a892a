"""Reading a tagged PDF back the way a tag-aware reader does: the structure tree walked in
order, each element's marked content collected by MCID (test-only)."""

from __future__ import annotations

import re

from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject


def mcid_texts(reader: PdfReader, page_index: int) -> dict[int, str]:
    """MCID -> the text its marked-content sequence shows.  The edition's fonts encode each
    character as its Unicode code point in two bytes (fonts/embed.py), so the shown strings
    are read as UTF-16BE, and the few codes the ToUnicode CMaps map elsewhere (the
    half-width forms of compressed marks) as they say; ActualText is ignored (it repeats
    the characters shown)."""
    page = reader.pages[page_index]
    ops = ContentStream(page.get_contents(), reader).operations
    plain = to_unicode_singles(reader, page_index)
    stack: list[int | None] = []
    out: dict[int, list[str]] = {}
    for args, op in ops:
        if op == b"BDC":
            props = args[1]
            mcid = props.get("/MCID") if isinstance(props, DictionaryObject) else None
            stack.append(int(mcid) if mcid is not None else (stack[-1] if stack else None))
        elif op == b"BMC":
            stack.append(None)
        elif op == b"EMC":
            stack.pop()
        elif op in (b"Tj", b"TJ") and stack and stack[-1] is not None:
            out.setdefault(stack[-1], []).append(_shown(args[0], op).decode("utf-16-be").translate(plain))
    return {k: "".join(v) for k, v in out.items()}


def _shown(arg, op: bytes) -> bytes:
    """The bytes a Tj or TJ operand shows (a TJ array's strings; its numbers only move)."""
    if op == b"TJ":
        return b"".join(_raw(x) for x in arg if not isinstance(x, (int, float)))
    return _raw(arg)


def artifact_texts(reader: PdfReader, page_index: int) -> list[str]:
    """Text shown inside /Artifact sequences."""
    page = reader.pages[page_index]
    ops = ContentStream(page.get_contents(), reader).operations
    plain = to_unicode_singles(reader, page_index)
    stack: list[bool] = []
    out = []
    for args, op in ops:
        if op in (b"BDC", b"BMC"):
            stack.append(args[0] == "/Artifact" or (bool(stack) and stack[-1]))
        elif op == b"EMC":
            stack.pop()
        elif op in (b"Tj", b"TJ") and stack and stack[-1]:
            out.append(_shown(args[0], op).decode("utf-16-be").translate(plain))
    return out


def unmarked_text(reader: PdfReader, page_index: int) -> list[str]:
    """Text shown outside any marked-content sequence (a tagged page has none)."""
    page = reader.pages[page_index]
    ops = ContentStream(page.get_contents(), reader).operations
    depth = 0
    out = []
    for args, op in ops:
        if op in (b"BDC", b"BMC"):
            depth += 1
        elif op == b"EMC":
            depth -= 1
        elif op in (b"Tj", b"TJ", b"'", b'"') and depth == 0:
            out.append(repr(args[0]))
    return out


def to_unicode_singles(reader: PdfReader, page_index: int) -> dict[int, str]:
    """The single-code entries (bfchar) of the ToUnicode CMaps of a page's fonts, as a
    str.translate table: code -> text (the fonts' ranges are the identity)."""
    fonts = reader.pages[page_index]["/Resources"].get("/Font", {})
    table: dict[int, str] = {}
    for ref in fonts.values():
        cmap = ref.get_object().get("/ToUnicode")
        if cmap is None:
            continue
        data = cmap.get_object().get_data().decode("latin-1")
        for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
            for code, uni in re.findall(r"<([0-9A-Fa-f]{4})>\s*<([0-9A-Fa-f]+)>", block):
                table[int(code, 16)] = bytes.fromhex(uni).decode("utf-16-be")
    return table


def _raw(s) -> bytes:
    """A shown string's bytes (pypdf may have read a hex string as text)."""
    return s.original_bytes if hasattr(s, "original_bytes") else bytes(s)


class Tree:
    """The structure tree: elements as (type, attributes, kids) with text gathered by MCID."""

    def __init__(self, reader: PdfReader):
        self.reader = reader
        self.page_index = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
        self._texts: dict[int, dict[int, str]] = {}
        self.root = reader.trailer["/Root"]["/StructTreeRoot"]

    def texts(self, page: int) -> dict[int, str]:
        got = self._texts.get(page)
        if got is None:
            got = self._texts[page] = mcid_texts(self.reader, page)
        return got

    def kids(self, elem) -> list:
        k = elem.get("/K")
        if k is None:
            return []
        k = k.get_object()
        return list(k) if isinstance(k, list) else [k]

    def text(self, elem) -> str:
        """The element's text: its marked content and its kids', in order."""
        out = []
        pg = elem.raw_get("/Pg") if "/Pg" in elem else None
        home = self.page_index[pg.idnum] if pg is not None else None
        for k in self.kids(elem):
            k = k.get_object() if hasattr(k, "get_object") else k
            if isinstance(k, int):
                out.append(self.texts(home).get(k, ""))
            elif k.get("/Type") == "/MCR":
                out.append(self.texts(self.page_index[k.raw_get("/Pg").idnum]).get(int(k["/MCID"]), ""))
            else:
                out.append(self.text(k))
        return "".join(out)

    def pages_of(self, elem) -> list[int]:
        """Page indexes of the element's marked content, in order."""
        out = []
        pg = elem.raw_get("/Pg") if "/Pg" in elem else None
        home = self.page_index[pg.idnum] if pg is not None else None
        for k in self.kids(elem):
            k = k.get_object() if hasattr(k, "get_object") else k
            if isinstance(k, int):
                out.append(home)
            elif k.get("/Type") == "/MCR":
                out.append(self.page_index[k.raw_get("/Pg").idnum])
            else:
                out += self.pages_of(k)
        return out

    def document(self):
        (doc,) = [k.get_object() for k in self.kids(self.root)]
        return doc
