"""layout.text.segment: jieba's words from lazily read text files, as rjieba gave them.

The headline breaker (phrasing.py) used rjieba, whose dictionary costs ~110 ms at every cold
start; segment.py reads the same dictionary and HMM from text/data/ bucket by bucket.  These
tests hold it to rjieba's words on real copy, to the house terms, and to its file format.
(Its cold start is measured in benchmarks/phrasing.py, never in a test.)
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from layout.model.manifest import load_edition
from layout.text import phrasing, segment
from layout.text.segment import Segmenter
from layout.tools import worddict
from tests.conftest import SAMPLE

HEADLINES = [c["text"] for c in yaml.safe_load((Path(__file__).parent / "data" / "headlines.yaml").read_text("utf-8"))]


def test_words_of_a_headline_with_parts_of_speech():
    assert segment.tag("汉江国家实验室科研总部项目建设提速") == [
        ("汉江", "ns"), ("国家", "n"), ("实验室", "n"), ("科研", "n"), ("总部", "n"), ("项目", "n"), ("建设", "vn"),
        ("提速", "v")]
    assert segment.cut("江城港集装箱吞吐量突破150万标箱") == ["江城", "港", "集装箱", "吞吐量", "突破", "150", "万标箱"]


def test_cut_loses_nothing_and_handles_any_text():
    for text in HEADLINES + ["", " ", "Wi-Fi 6，5G＋AI！", "𠀀𠀁中文\r\n漢字", "2026年8月18日 12:30", "\u3000全角空格"]:
        words = segment.cut(text)
        assert "".join(words) == text
        assert all(words)


def test_unknown_words_come_from_the_hmm():
    words = segment.cut("县域医共体覆盖所有乡镇")  # 医共体 is in no dictionary
    assert "医共体" in words and not segment.has_word("医共体")


def test_the_house_terms_are_words():
    """phrasing.HOUSE_TERMS are baked into text/data/words.txt: after changing them, run
    `python -m layout.tools.worddict JIEBA_DIR` (this test says when it is needed)."""
    for term in phrasing.HOUSE_TERMS:
        assert segment.has_word(term), term
        assert segment.cut(f"推动{term}取得新成效")[1] == term


@pytest.mark.slow
def test_the_same_words_as_rjieba_on_the_sample_and_the_headlines():
    rjieba = pytest.importorskip("rjieba")  # (a test dependency: pyproject's `test` extra)
    for term in phrasing.HOUSE_TERMS:
        rjieba.add_word(term, None, "nz")
    ed = load_edition(SAMPLE)
    texts = HEADLINES + [p for page in ed.pages for s in page.stories for p in s.paragraphs]
    assert sum(map(len, texts)) > 250_000
    differ = [t for t in texts if segment.cut(t) != rjieba.cut(t)]
    assert differ == []
    # parts of speech: the dictionary's, for every dictionary word (rjieba tags the HMM's
    # words with a model of its own; segment.py gives them jieba-rs's plain tag)
    seg = segment.segmenter()
    for t in texts[:400]:
        for (w, tag), (w2, tag2) in zip(segment.tag(t), rjieba.tag(t)):
            assert w == w2
            if seg.has_word(w):
                assert tag == tag2, (w, tag, tag2)


def tiny_jieba(root: Path) -> Path:
    """A jieba package folder with a four-word dictionary and a small HMM."""
    (root / "finalseg").mkdir(parents=True)
    (root / "dict.txt").write_text("江城 300 ns\n日报 200 n\n江 50 n\n城 40 n\n日 60 m\n报 30 n\n江城日报 100000 nt\n",
                                   encoding="utf-8")
    (root / "finalseg" / "prob_start.py").write_text("P={'B': -0.26, 'E': -3.14e+100, 'M': -3.14e+100, 'S': -1.46}\n")
    (root / "finalseg" / "prob_trans.py").write_text(textwrap.dedent("""\
        P={'B': {'E': -0.51, 'M': -0.91},
         'E': {'B': -0.58, 'S': -0.80},
         'M': {'E': -0.33, 'M': -1.26},
         'S': {'B': -0.72, 'S': -0.66}}
        """))
    (root / "finalseg" / "prob_emit.py").write_text(
        "P={'B': {'新': -3.0, '闻': -9.0}, 'E': {'闻': -3.0}, 'M': {}, 'S': {'新': -8.0, '闻': -8.0}}\n",
        encoding="utf-8")
    return root


def test_the_data_is_made_from_jieba_deterministically(tmp_path):
    src = tiny_jieba(tmp_path / "jieba")
    worddict.write_data(src, tmp_path / "a")
    worddict.write_data(src, tmp_path / "b")
    for name in (segment.WORDS_FILE, segment.HMM_FILE):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    seg = Segmenter(tmp_path / "a")
    assert seg.cut("江城日报新闻") == ["江城日报", "新闻"]  # 新闻: not a word here, found by the HMM
    assert seg.tag("江城日报") == [("江城日报", "nt")]
    for term in phrasing.HOUSE_TERMS:  # added as rjieba's add_word(term, None, "nz") did
        assert seg.tag(term) == [(term, "nz")]


def test_a_damaged_data_file_is_an_error_not_code(tmp_path):
    src = tiny_jieba(tmp_path / "jieba")
    worddict.write_data(src, tmp_path / "d")
    words = tmp_path / "d" / segment.WORDS_FILE
    lines = words.read_bytes().split(b"\n")
    lines[3] = lines[3][:-6]  # an offset short
    words.write_bytes(b"\n".join(lines))
    with pytest.raises(ValueError, match="offset"):
        Segmenter(tmp_path / "d")


def test_words_added_at_run_time_are_found(tmp_path):
    src = tiny_jieba(tmp_path / "jieba")
    worddict.write_data(src, tmp_path / "d")
    seg = Segmenter(tmp_path / "d")
    assert seg.cut("江城报业") != ["江城", "报业"] or not seg.has_word("报业")
    seg.add_word("报业", 1000, "n")
    assert seg.has_word("报业") and seg.cut("江城报业") == ["江城", "报业"]
    assert seg.tag("报业") == [("报业", "n")]
