"""The story memo's key (layout watch): every value a story's composition reads is in it.

A key written out field by field goes stale silently: a field added to Story later would
be read by the composer but not compared, and a resident process would go on serving the
story composed from the old value.  These tests change every field there is, so a new
field is covered the day it is added (or the test names the type it cannot change yet).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from enum import Enum
from pathlib import Path

import pytest

from layout.model.edition import (
    Ad,
    Box,
    BylineStyle,
    Edition,
    Emphasis,
    Frame,
    Headline,
    Markup,
    Page,
    PageSlot,
    ParagraphKind,
    Photo,
    Section,
    Span,
    Story,
    Where,
)
from layout.page.story import story_memo_key
from layout.text.typeset import Cursor


def _other(value, name: str):
    """A different value of the same type."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, Enum):
        return next(v for v in type(value) if v is not value)
    if isinstance(value, (int, float)):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, Path):
        return value.with_name(value.name + "x")
    if isinstance(value, tuple):
        assert value, f"give {name} a value in the test's story so that it can be changed"
        return value + value[:1]
    if dataclasses.is_dataclass(value):
        first = dataclasses.fields(value)[0].name
        return dataclasses.replace(value, **{first: _other(getattr(value, first), f"{name}.{first}")})
    raise AssertionError(f"teach this test how to change {name} ({type(value).__name__})")


def _edition() -> tuple[Edition, Page, Story, Page, Story]:
    """A jumped story (A1 -> A3) with every field given a value, in a small edition."""
    photo = Photo("p1", Path("p1.jpg"), "说明", "摄", "cover", Frame(1, 1, 1, 1), 1, 5, Where("edition.yaml", 20))
    box = Box("b1", Frame(6, 1, 1, 10), "资料", "链接", Where("edition.yaml", 30))
    src = Story("lead", Frame(1, 3, 2, 20), 3, ("江城新闻第一段。", "第二段。"), kicker="引题",
                headline=Headline("标题", 30.0, "hei", False, 2, (1,)), subhead="副题", byline="记者",
                kicker_breaks=(1,), subhead_breaks=(1,),
                continues="A3", see_also="A2", balance=True, photos=(photo,),
                where=Where("edition.yaml", 10, 5, "pages.A1.stories[0]"),
                markup=(Markup(ParagraphKind.BODY, (Span(0, 2, Emphasis.BOLD),)), Markup(ParagraphKind.INTERTITLE)),
                byline_style=BylineStyle.LINE)
    cont = Story("lead", Frame(1, 2, 1, 30), 2, continued_from="lead", where=Where("edition.yaml", 40, 5))
    slot = (PageSlot("rail", "rail", "", Frame(7, 2, 0, 10)),)
    ad = (Ad("ad1", Path("ad.pdf"), Frame(1, 8, 80, 22), "JC-AD-1", "江城银行", sha256="0" * 64),)
    a1 = Page("A1", "a", 1, "front", "编辑", "美编", (src,), (photo,), (box,), Where("edition.yaml", 8), slots=slot,
              ads=ad)
    a3 = Page("A3", "a", 3, "normal", "编辑", "美编", (cont,), (photo,), (box,), Where("edition.yaml", 38), slots=slot,
              ads=ad)
    pages = (a1, Page("A2", "a", 2), a3, Page("A2x", "a", 5), Page("A3x", "a", 6), Page("T1", "t", 1))
    sections = (Section("a", "要闻", "A{n}", 6), Section("t", "特刊", "T{n}", 1))
    edition = Edition("江城日报", dt.date(2026, 8, 18), "broadsheet", sections, pages, Path("edition.yaml"), "0" * 64)
    return edition, a1, src, a3, cont


CURSORS = {"lead": Cursor(1, 4)}


def test_every_field_of_a_story_is_in_its_key():
    edition, page, story, _, _ = _edition()
    key = story_memo_key(edition, page, story, page, story, CURSORS)
    assert story_memo_key(edition, page, story, page, story, CURSORS) == key
    for f in dataclasses.fields(Story):
        changed = dataclasses.replace(story, **{f.name: _other(getattr(story, f.name), f.name)})
        new = story_memo_key(edition, page, changed, page, changed, CURSORS)
        if f.name == "where":  # source positions only reach error messages
            assert new == key
        else:
            assert new != key, f"Story.{f.name} is not in the story memo key"


def test_a_continuation_is_keyed_by_its_source_story_page_and_cursor():
    edition, src_page, src, page, cont = _edition()
    key = story_memo_key(edition, page, cont, src_page, src, CURSORS)
    for f in dataclasses.fields(Story):
        changed = dataclasses.replace(src, **{f.name: _other(getattr(src, f.name), f.name)})
        new = story_memo_key(edition, page, cont, src_page, changed, CURSORS)
        assert (new == key) == (f.name == "where"), f"source Story.{f.name}"
    assert story_memo_key(edition, page, cont, src_page, src, {"lead": Cursor(1, 5)}) != key
    assert story_memo_key(edition, page, cont, src_page, src, {}) != key


@pytest.mark.parametrize("which", ["page", "source page"])
def test_the_pages_own_fields_are_in_the_key_but_not_their_contents(which):
    edition, src_page, src, page, cont = _edition()
    key = story_memo_key(edition, page, cont, src_page, src, CURSORS)
    target = page if which == "page" else src_page
    for f in dataclasses.fields(Page):
        changed = dataclasses.replace(target, **{f.name: _other(getattr(target, f.name), f.name)})
        args = (changed, src_page) if which == "page" else (page, changed)
        if f.name == "label":
            continue  # a page's label names it in the edition: changed below with the edition
        new = story_memo_key(edition, args[0], cont, args[1], src, CURSORS)
        assert (new == key) == (f.name in ("stories", "photos", "boxes", "slots", "ads", "where")), f"{which} Page.{f.name}"


def test_the_printed_jump_names_are_in_the_key():
    """A jump line reads the edition (which section is the main one, the page's number):
    renumbering the page a story jumps to changes the key of the story that names it."""
    edition, page, story, _, _ = _edition()
    key = story_memo_key(edition, page, story, page, story, CURSORS)
    renumbered = tuple(dataclasses.replace(p, number=9) if p.label == "A3" else p for p in edition.pages)
    other = dataclasses.replace(edition, pages=renumbered)
    assert story_memo_key(other, page, story, page, story, CURSORS) != key
    moved = dataclasses.replace(edition, sections=edition.sections[::-1])  # 特刊 becomes the main section
    assert story_memo_key(moved, page, story, page, story, CURSORS) != key
