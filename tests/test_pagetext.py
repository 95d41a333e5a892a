"""What a worker hands back of a composed page besides its PDF: the fidelity text
(page/fidelity.py `page_text`) and the page record (page/record.py `page_record`), both
read in one pass over the display list.  Checked against the plain reading of every run,
owner by owner, on a list where owners come back after others, with a jump line, a run of
no owner, markers between runs and a GlyphRun subclass."""

from __future__ import annotations

from dataclasses import dataclass

from layout.page.display import GlyphRun, Marker, PageDisplay, Rule
from layout.page.fidelity import STORY_TEXT_ROLES, page_text
from layout.page.keys import StoryKey
from layout.page.record import RunRecord, page_record


@dataclass(slots=True)
class _Tinted(GlyphRun):  # a run of a subclass: read like any other
    pass


def _display() -> PageDisplay:
    items = [
        GlyphRun(40.0, 100.0, "hei", 18.0, "江城新闻", story="a", role="headline"),
        Marker(38.0, 80.0, 200.0, 300.0, "lineno", "1"),
        GlyphRun(40.0, 130.0, "song", 9.0, "第一行正文", story="a", role="body", tc=0.25),
        GlyphRun(40.0, 143.5, "song", 9.0, "第二行", story="a", role="body"),
        Rule(0.0, 150.0, 300.0, 150.0, 0.5),
        GlyphRun(-0.0, 160.0, "kai", 8.0, "图片说明", story="p1", role="caption"),
        _Tinted(30.0, 157.0, "song", 9.0, "第三行", story="a", role="intertitle"),
        GlyphRun(50.0, 170.25, "song", 9.0, "（下转2版）", story="a", role="jump"),
        GlyphRun(10.0, 20.0, "song", 7.0, "第1版", role="folio"),
        GlyphRun(200.0, 130.0, "song", 9.0, "另一篇", story="b~cont", role="body", vertical=True),
        GlyphRun(39.5, 999.999, "song", 9.0, "末行", story="a", role="body"),
    ]
    return PageDisplay("1", 600.0, 900.0, items)


def test_page_text_reads_each_owner_s_text_jumps_and_box():
    d = _display()
    runs = [it for it in d.items if isinstance(it, GlyphRun) and it.story]
    pt = page_text(d)
    owners = list(dict.fromkeys(r.story for r in runs if r.role in STORY_TEXT_ROLES))
    texts = {o: "".join(r.text for r in runs if r.story == o and r.role in STORY_TEXT_ROLES) for o in owners}
    assert pt.parts == tuple((StoryKey.parse(o), texts[o]) for o in owners)
    assert pt.jumps == ((StoryKey.parse("a"), "（下转2版）"),)
    for owner in dict.fromkeys(r.story for r in runs):
        mine = [r for r in runs if r.story == owner]
        want = [min(r.x for r in mine), min(r.y - r.size for r in mine), max(r.x + len(r.text) * r.size for r in mine),
                max(r.y for r in mine)]
        assert pt.bboxes[owner] == [round(v, 2) for v in want], owner


def test_page_record_keeps_every_run_as_drawn():
    d = _display()
    rec = page_record(d, {"a", "b~cont"}, {"p1"}, set())
    want = [RunRecord(r.story, r.role, r.x, r.y, r.face, r.size, r.text, r.tc, r.vertical)
            for r in d.items if isinstance(r, GlyphRun)]
    assert list(rec.runs) == want
    assert all(type(r) is RunRecord for r in rec.runs)
    assert rec.runs[1]._fields == RunRecord._fields and rec.runs[1].tc == 0.25 and rec.runs[-2].vertical
