"""`layout diff`'s comparison of two proof rounds, on revisions made by hand: edited,
re-broken, moved, added and removed stories, added and removed pages, a replaced photo,
and diff.json's shape."""

from __future__ import annotations

import hashlib
import json

from layout.page.record import FrameKind, FrameRecord
from layout.proof.diff import Status, changed_pages, diff_revisions
from layout.proof.report import diff_json, summary_lines
from layout.proof.revision import Block, Line, PageRevision, Picture, Revision, dump_page, read_revision
from layout.proof.rounds import round_name
from layout.proof.textdiff import diff_lines

TEXT = ["八月的长湖县，稻田里一", "片金黄。稻虾共养基地周", "边的生态湿地迎来了候鸟。", "当地农民说，今年的收成", "比去年好得多。"]


def block(key: str, lines: list[str], x: float = 50.0, y: float = 100.0, head: str = "", kind: str = "story",
          role: str = "body") -> Block:
    made = []
    if head:
        made.append(Line("headline", x, y, len(head) * 24.0, 24.0, head))
        y += 30
    made += [Line(role, x, y + 12.0 * i, len(t) * 9.0, 9.0, t) for i, t in enumerate(lines, 1)]
    return Block(key, kind, tuple(made), hashlib.sha256("".join(ln.text for ln in made).encode()).hexdigest())


def page(label: str, blocks: list[Block], frames: list[FrameRecord] = (), pictures: list[Picture] = (),
         input_key: str = "") -> PageRevision:
    key = input_key or hashlib.sha256(repr((blocks, frames, pictures)).encode()).hexdigest()
    return PageRevision(label, f"pages/{label}.pdf", "", key, key[:8], 1000.0, 1400.0, tuple(frames), tuple(pictures),
                        tuple(blocks))


def revision(n: int, pages: list[PageRevision]) -> Revision:
    return Revision(n, round_name(n), "江城日报", "2026-08-19", "proof", tuple(pages))


def frame(owner: str, x: float = 50.0, y: float = 90.0, w: float = 300.0, h: float = 400.0,
          kind: FrameKind = FrameKind.STORY) -> FrameRecord:
    return FrameRecord(kind, owner, x, y, w, h)


def two(old_blocks: list[Block], new_blocks: list[Block], old_frames=(), new_frames=(), old_pics=(), new_pics=()):
    other = page("A2", [block("other", TEXT)], [frame("other")], input_key="same")
    old = revision(1, [page("A1", old_blocks, list(old_frames), list(old_pics)), other])
    new = revision(2, [page("A1", new_blocks, list(new_frames), list(new_pics)), other])
    return diff_revisions(old, new)


def test_round_names():
    assert [round_name(n) for n in (1, 2, 3, 10, 11, 20, 21, 99)] == \
        ["一校", "二校", "三校", "十校", "十一校", "二十校", "二十一校", "九十九校"]
    assert round_name(100) == "100校"


def test_an_edited_sentence_is_one_replacement_with_its_lines():
    new_text = list(TEXT)
    new_text[3] = "当地农民说，今年的产量"
    d = two([block("crayfish", TEXT)], [block("crayfish", new_text)], [frame("crayfish")], [frame("crayfish")])
    assert d.changed
    assert changed_pages(d.old, d.new) == {"A1": Status.CHANGED, "A2": Status.UNCHANGED}
    (story,) = d.pages[0].stories
    (c,) = story.changes["text"]
    assert (c.op, c.old, c.new) == ("replace", "收成", "产量")
    assert c.old_lines == c.new_lines == (4, 4)
    assert not story.reflow and not story.frame and not story.picture
    (h,) = d.pages[0].highlights
    assert h.kind == "replace" and h.story == "crayfish"
    line4 = d.new.pages[0].blocks[0].lines[3]
    assert line4.x < h.x < line4.x + line4.w and abs(h.w - 18.0) < 0.01  # over 产量, not the whole line
    assert 0 < h.y < line4.y < h.y + h.h


def test_insertions_and_deletions_are_told_apart():
    ins = list(TEXT)
    ins[4] = "比去年好得多，也更省心。"
    dele = list(TEXT)
    dele[2] = "边的湿地迎来了候鸟。"
    d = two([block("s", TEXT)], [block("s", ins)])
    (c,) = d.pages[0].stories[0].changes["text"]
    assert (c.op, c.old, c.new, c.new_lines) == ("insert", "", "，也更省心", (5, 5))
    d = two([block("s", TEXT)], [block("s", dele)])
    (c,) = d.pages[0].stories[0].changes["text"]
    assert (c.op, c.old, c.new, c.old_lines) == ("delete", "生态", "", (3, 3))
    (h,) = d.pages[0].highlights
    assert h.kind == "delete" and h.note == "生态" and h.w <= 2.0  # a caret where the words were


def test_scattered_characters_of_one_phrase_read_as_one_change():
    ch = diff_lines(["市卫健委负责人介绍"], ["市卫生健康委员会负责人介绍"]).changes
    assert len(ch) == 1 and ch[0].op in ("insert", "replace") and "员会" in ch[0].new


def test_a_story_that_only_rebroke_is_reflow_not_a_change_of_words():
    joined = "".join(TEXT)
    rebroken = [joined[i:i + 10] for i in range(0, len(joined), 10)]
    d = two([block("s", TEXT)], [block("s", rebroken)], [frame("s")], [frame("s", w=250.0)])
    (story,) = d.pages[0].stories
    assert story.changes == {}
    assert story.reflow and story.reflowed == tuple(range(1, len(rebroken) + 1))
    assert story.frame == "resized"
    kinds = {h.kind for h in d.pages[0].highlights}
    assert kinds == {"reflow", "frame"}
    assert "reflow" in summary_lines(d)[2] and "«" not in summary_lines(d)[2]


def test_spaces_that_moved_with_a_line_break_are_not_changes():
    fd = diff_lines(["He said the river is ", "clean now."], ["He said the river ", "is clean now."])
    assert fd.changes == () and fd.reflowed == (1, 2)


def test_a_moved_frame_is_outlined_with_its_old_place():
    d = two([block("s", TEXT)], [block("s", TEXT, x=80.0)], [frame("s")], [frame("s", x=80.0)])
    (story,) = d.pages[0].stories
    assert story.frame == "moved" and not story.changes and story.old_frame[0] == 50.0
    (h,) = [h for h in d.pages[0].highlights if h.kind == "frame"]
    assert (h.x, h.w) == (80.0, 300.0) and "was 50,90" in h.note


def test_added_and_removed_stories_and_a_story_moved_to_another_page():
    old = revision(1, [page("A1", [block("a", TEXT), block("b", TEXT, y=600.0)], [frame("a"), frame("b", y=590.0)]),
                       page("A2", [block("c", TEXT)], [frame("c")])])
    new = revision(2, [page("A1", [block("a", TEXT), block("n", TEXT, y=600.0)], [frame("a"), frame("n", y=590.0)]),
                       page("A2", [block("c", TEXT), block("b", TEXT, y=600.0)], [frame("c"), frame("b", y=590.0)])])
    d = diff_revisions(old, new)
    a1 = {s.key: s for s in d.pages[0].stories}
    a2 = {s.key: s for s in d.pages[1].stories}
    assert set(a1) == {"n", "b"} and set(a2) == {"b"}
    assert a1["n"].status == Status.ADDED and not a1["n"].moved_from
    assert a1["b"].status == Status.REMOVED and a1["b"].moved_to == "A2"
    assert a2["b"].status == Status.ADDED and a2["b"].moved_from == "A1"
    kinds = {(h.story, h.kind) for h in d.pages[0].highlights}
    assert ("n", "added") in kinds and ("b", "removed") in kinds


def test_added_and_removed_pages():
    same = page("A1", [block("a", TEXT)], input_key="k1")
    old = revision(1, [same, page("A2", [block("b", TEXT)])])
    new = revision(2, [same, page("A3", [block("c", TEXT)])])
    assert changed_pages(old, new) == {"A1": "unchanged", "A3": "added", "A2": "removed"}
    assert not diff_revisions(old, old).changed


def test_a_replaced_photo_and_its_new_caption():
    pic = Picture("ph", 60.0, 120.0, 200.0, 150.0, "/e/photos/a.jpg", (0, 0, 1200, 900), "aa" * 32)
    other = Picture("ph", 60.0, 120.0, 200.0, 150.0, "/e/photos/b.jpg", (0, 0, 1200, 900), "bb" * 32)
    cap = block("ph", ["列车驶过江城站。"], y=280.0, kind="picture", role="caption")
    cap2 = block("ph", ["新建的江城站。"], y=280.0, kind="picture", role="caption")
    pframe = frame("ph", 60.0, 120.0, 200.0, 170.0, FrameKind.PICTURE)
    d = two([block("s", TEXT), cap], [block("s", TEXT), cap2], [frame("s"), pframe], [frame("s"), pframe],
            [pic], [other])
    (story,) = d.pages[0].stories
    assert story.key == "ph" and story.kind == "picture" and story.picture == "replaced"
    assert [c.new for c in story.changes["caption"]] == ["新建的"]
    kinds = {h.kind for h in d.pages[0].highlights}
    assert {"picture", "caption"} <= kinds
    # the same file, another crop: recropped; the same bytes under the same name: no change
    recrop = Picture("ph", 60.0, 120.0, 200.0, 150.0, "/e/photos/a.jpg", (0, 50, 1200, 950), "aa" * 32)
    d = two([block("s", TEXT)], [block("s", TEXT)], (), (), [pic], [recrop])
    assert d.pages[0].stories[0].picture == "recropped"


def test_headline_changes_are_reported_as_such():
    d = two([block("s", TEXT, head="湿地公园迎来候鸟季")], [block("s", TEXT, head="湿地公园迎来观鸟季")])
    (story,) = d.pages[0].stories
    assert list(story.changes) == ["headline"] and story.changes["headline"][0].new == "观"
    assert [h.kind for h in d.pages[0].highlights] == ["headline"]


def test_diff_json_lists_pages_stories_changes_and_highlights(tmp_path):
    new_text = list(TEXT)
    new_text[0] = "八月的长湖县，田野里一"
    d = two([block("s", TEXT)], [block("s", new_text)])
    data = json.loads(json.dumps(diff_json(d, {"A1": "A1.pdf"}), ensure_ascii=False))
    assert data["same"] is False and data["counts"] == {"unchanged": 1, "changed": 1, "added": 0, "removed": 0}
    assert data["old"]["name"] == "一校" and data["new"]["round"] == 2
    a1 = data["pages"][0]
    assert a1["label"] == "A1" and a1["status"] == "changed" and a1["pdf"] == "A1.pdf"
    (st,) = a1["stories"]
    assert st["key"] == "s" and st["words_changed"] and not st["reflow"]
    assert st["changes"] == [{"field": "text", "op": "replace", "old": "稻田", "new": "田野", "old_lines": [1, 1],
                              "new_lines": [1, 1], "context": "月的长湖县，«田野»里一片金黄。"}]
    (h,) = a1["highlights"]
    assert set(h) == {"x", "y", "w", "h", "story", "kind"} and h["story"] == "s"


def test_a_record_round_trips_and_a_damaged_one_is_named(tmp_path):
    import pytest

    from layout.proof.revision import RevisionError, revision_json

    rev = revision(3, [page("A1", [block("s", TEXT, head="标题")], [frame("s")])])
    folder = tmp_path / "proof" / "revisions"
    folder.mkdir(parents=True)
    path = folder / "round-03.json"
    path.write_bytes(revision_json(rev))
    back = read_revision(path)
    assert back.round == 3 and back.name == "三校" and back.folder == tmp_path / "proof"
    assert dump_page(back.pages[0]) == dump_page(rev.pages[0])
    assert not diff_revisions(rev, back).changed
    # laid out otherwise (pretty-printed by hand): still read, whole
    path.write_text(json.dumps(json.loads(path.read_text(encoding="utf-8")), indent=2, ensure_ascii=False),
                    encoding="utf-8")
    again = read_revision(path)
    assert dump_page(again.pages[0]) == dump_page(rev.pages[0])
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(RevisionError, match="round-03.json"):
        read_revision(path)
    path.write_text('{"format": "layout-revision 1", "round": "x"}')
    with pytest.raises(RevisionError, match="round"):
        read_revision(path)


def test_text_pushed_over_a_jump_is_reflow_on_the_continuation_page():
    text = "".join(TEXT) * 2
    new_text = text[:15] + "和鱼塘" + text[15:]

    def rev(n: int, t: str) -> Revision:
        lines = [t[i:i + 11] for i in range(0, len(t), 11)]
        front, back = lines[:5], lines[5:]
        return revision(n, [page("A1", [block("lead", front)], [frame("lead")]),
                            page("A3", [block("lead~cont", back)], [frame("lead~cont")])])

    d = diff_revisions(rev(1, text), rev(2, new_text))
    a1, a3 = d.pages
    (s1,) = a1.stories
    (c,) = s1.changes["text"]
    assert (c.op, c.new, c.new_lines, c.old_page) == ("insert", "和鱼塘", (2, 2), "")
    (s3,) = a3.stories
    assert s3.key == "lead~cont" and s3.changes == {} and s3.reflow  # no words changed on A3: they moved there
    assert {h.kind for h in a3.highlights} == {"reflow"}
    # a deletion on the continuation page is reported there, with its line on that page
    cut = text[:70] + text[74:]
    d = diff_revisions(rev(1, text), rev(2, cut))
    a1, a3 = d.pages
    assert a1.status == Status.UNCHANGED
    (c,) = a3.stories[0].changes["text"]
    assert (c.op, c.old, c.old_lines) == ("delete", text[70:74], (2, 2))


def test_the_same_photo_built_from_another_folder_is_not_replaced():
    here = Picture("ph", 60.0, 120.0, 200.0, 150.0, "/night/photos/a.jpg", (0, 0, 1200, 900), "aa" * 32)
    there = Picture("ph", 60.0, 120.0, 200.0, 150.0, "/copy/photos/a.jpg", (0, 0, 1200, 900), "aa" * 32)
    assert not two([block("s", TEXT)], [block("s", TEXT)], (), (), [here], [there]).changed


def test_marks_without_the_rounds_page_pdf_are_drawn_on_a_blank_page_that_says_so():
    import io

    from pypdf import PdfReader

    from layout.pdf.verify import pdf_text
    from layout.proof.overlay import highlighted_pages

    dele = list(TEXT)
    dele[2] = "边的湿地迎来了候鸟。"
    d = two([block("s", TEXT)], [block("s", dele)])  # hand-made rounds: no folder, no page PDFs
    pdfs = highlighted_pages(d)
    assert list(pdfs) == ["A1"]
    page = PdfReader(io.BytesIO(pdfs["A1"])).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (1000.0, 1400.0)
    text = pdf_text(pdfs["A1"])
    assert "一校→二校·A1·changed" in text and "nolongerinthefolder" in text
    assert "删：生态" in text  # the deleted words, in the margin
