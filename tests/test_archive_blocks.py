"""The archive's text blocks and words, on hand-made page records (no build): columns and
lines into blocks, words cut by line breaks, spaces, vertical presentation forms."""

from __future__ import annotations

from layout.archive.alto import line_glyphs, line_tokens
from layout.build.blocks import BlockKind, page_blocks
from layout.fonts.catalogue import load_fontbook
from layout.page.record import PageRecord, RunRecord, faces_by_key

FACES = faces_by_key(load_fontbook().faces)
SONG = next(f for f in FACES.values() if "Song" in f.key)


def _run(x: float, y: float, text: str, role: str = "body", story: str = "s") -> RunRecord:
    return RunRecord(story, role, x, y, SONG.key, 9.0, text)


def test_columns_and_lines_split_into_blocks():
    runs = (_run(0, 10, "第一栏第一行文字"), _run(0, 23.5, "第一栏第二行"), _run(100, 10, "第二栏第一行"),
            _run(100, 23.5, "尾"), _run(0, 40, "（下转第3版）", role="jump"))
    blocks = page_blocks(PageRecord("A1", 500, 800, runs), FACES, 3)
    assert [(b.id, b.kind, len(b.lines)) for b in blocks] == [
        ("P3_B1", BlockKind.BODY, 2), ("P3_B2", BlockKind.BODY, 2), ("P3_B3", BlockKind.JUMP, 1)]
    # two one-line columns side by side: the same baseline, but two blocks
    runs = (_run(0, 10, "左栏"), _run(100, 10, "右栏"))
    assert len(page_blocks(PageRecord("A1", 500, 800, runs), FACES, 1)) == 2


def test_a_word_cut_by_a_line_break_is_marked_as_one(monkeypatch):
    import layout.archive.alto as alto

    # the segmenter's words, fixed: 江城 市 科技 创新 成果 ␠ Hello world
    monkeypatch.setattr(alto, "word_bounds", lambda text: {0, 2, 3, 5, 7, 9, 10, 15, 20})
    runs = (_run(0, 10, "江城市科"), _run(0, 23.5, "技创新成果 Hello"), _run(0, 37, "world"))
    (block,) = page_blocks(PageRecord("A1", 500, 800, runs), FACES, 1)
    toks = line_tokens(line_glyphs(block, FACES))
    assert [(t[1], t[3], t[4]) for t in toks[0]] == [("江城", "", ""), ("市", "", ""), ("科", "HypPart1", "科技")]
    assert [(t[0], t[1], t[3] if t[0] == "S" else "") for t in toks[1]] == [("S", "技", "HypPart2"), ("S", "创新", ""), ("S", "成果", ""),
                                                     ("SP", "", ""), ("S", "Hello", "")]
    assert toks[1][0][4] == "科技"
    assert [(t[1], t[3]) for t in toks[2]] == [("world", "")]  # Latin across a line break: two words


def test_words_are_rjiebas():
    from layout.archive.words import word_bounds

    text = "江城市科学城举行发布会"
    cuts = sorted(word_bounds(text))
    words = [text[a:b] for a, b in zip(cuts, cuts[1:])]
    assert "".join(words) == text and "发布会" in words and max(map(len, words)) > 1


def test_vertical_forms_read_back_as_the_source_characters():
    cells = "﹁大桥﹂通车︒"
    runs = tuple(RunRecord("v", "headline", 100.0, 20.0 + 30 * i, SONG.key, 30.0, ch, 0.0, True)
                 for i, ch in enumerate(cells))
    (block,) = page_blocks(PageRecord("A1", 500, 800, runs), FACES, 1)
    assert block.vertical and len(block.lines) == 1
    assert line_glyphs(block, FACES)[0].text == "「大桥」通车。"  # presentation forms mapped back
    assert line_glyphs(block, FACES, "“大桥” 通车。")[0].text == "“大桥”通车。"  # the source's own quotes


def test_no_block_or_line_is_only_spaces():
    runs = (_run(0, 10, " ", role="byline"), _run(0, 10, "本报讯", role="byline"), _run(30, 10, " ", role="byline"),
            _run(40, 10, "记者", role="byline"), _run(0, 23.5, "\u3000", role="byline"))
    (block,) = page_blocks(PageRecord("A1", 500, 800, runs), FACES, 1)
    assert [[r.text for r in ln] for ln in block.lines] == [["本报讯", " ", "记者"]]
    assert [t[0] for t in line_tokens(line_glyphs(block, FACES))[0]] == ["S", "SP", "S"]
