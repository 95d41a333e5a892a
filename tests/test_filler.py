"""Tests for layout.filler: exact length, determinism, character set, paragraphs,
paired dashes/ellipses and rough proportions of news copy."""

from __future__ import annotations

import random
import re
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

try:
    from layout.model.filler import PUNCTUATION, filler_text, is_allowed_char
except ModuleNotFoundError:  # running pytest without the project on sys.path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from layout.model.filler import PUNCTUATION, filler_text, is_allowed_char


def nonspace(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


BIG = filler_text(20260819, 60_000)


# ------------------------------------------------------------------ length
@pytest.mark.parametrize("chars", [0, 1, 2, 3, 7, 8, 9, 59, 60, 61, 259, 260, 261,
                                   319, 320, 321, 1_800, 5_000, 330_000])
def test_exact_length(chars):
    assert nonspace(filler_text(7, chars)) == chars


@settings(max_examples=300, deadline=None)
@given(seed=st.integers(min_value=-2**40, max_value=2**40),
       chars=st.integers(min_value=0, max_value=4_000))
def test_exact_length_and_shape_any_seed(seed, chars):
    text = filler_text(seed, chars)
    assert nonspace(text) == chars
    if chars >= 2:
        assert text.endswith("。")
    paragraphs = text.split("\n\n") if text else []
    for p in paragraphs:
        assert p and not any(ch.isspace() for ch in p)
        assert p[0] not in PUNCTUATION
    if chars >= 60:
        assert all(60 <= len(p) <= 260 for p in paragraphs), [len(p) for p in paragraphs]


def test_negative_length_is_an_error():
    with pytest.raises(ValueError):
        filler_text(1, -1)


# ------------------------------------------------------------ determinism
def test_same_seed_same_text():
    assert filler_text(42, 3_000) == filler_text(42, 3_000)


def test_different_seeds_differ():
    texts = {filler_text(seed, 1_000) for seed in range(20)}
    assert len(texts) == 20


def balanced(text: str) -> bool:
    """Every “《（ closed by its mark, in order (no closing mark before its opening one)."""
    depth = 0
    for ch in text:
        depth += (ch in "“《（") - (ch in "”》）")
        if depth < 0:
            return False
    return depth == 0


def test_longer_text_is_not_a_prefix_trick():
    """Each length is written to fit, not cut from one long stream: for the same seed a
    shorter text is never the start of a longer one (its last sentence is composed to its
    length), and each ends a sentence and closes every mark it opens (a cut would not)."""
    lengths = (2, 9, 59, 60, 61, 259, 260, 261, 500, 501, 1_000, 1_001, 3_000)
    for seed in (3, 11, 2026):
        texts = [filler_text(seed, n) for n in lengths]
        for n, text in zip(lengths, texts):
            assert nonspace(text) == n
            assert text.endswith("。") and balanced(text), (seed, n, text[-20:])
        for (n, short), longer in zip(zip(lengths, texts), texts[1:]):
            assert not longer.startswith(short), (seed, n)


def test_global_random_state_untouched():
    random.seed(99)
    state = random.getstate()
    filler_text(5, 2_000)
    assert random.getstate() == state


# ------------------------------------------------------------- characters
def test_only_allowed_characters():
    bad = {ch for ch in BIG.replace("\n", "") if not is_allowed_char(ch)}
    assert not bad


def test_non_ascii_characters_are_gb2312():
    for ch in set(BIG) - {"\n", "\u2014"}:
        if not ch.isascii():
            ch.encode("gb2312")  # raises if not in GB 2312
    # The dash is GB 2312 0xA1AA (Python's gb2312 codec calls it U+2015).
    assert "\u2014".encode("gbk") == b"\xa1\xaa"


def test_is_allowed_char():
    for ch in "城发展，。、“”《》（）：；？！—…℃5GAi%.-":
        assert is_allowed_char(ch), ch
    for ch in "龘 \t@#$&*~_<>{}[]":  # rare ideograph, whitespace, other ASCII
        assert not is_allowed_char(ch), ch
    assert not is_allowed_char("\u4e02")  # 丂: GBK but not GB 2312


def test_whitespace_is_only_paragraph_breaks():
    assert "\n\n\n" not in BIG
    assert not BIG.startswith("\n") and not BIG.endswith("\n")
    assert set(ch for ch in BIG if ch.isspace()) == {"\n"}


# ------------------------------------------------------------- paragraphs
def test_paragraph_lengths_in_range():
    lengths = [len(p) for p in BIG.split("\n\n")]
    assert min(lengths) >= 60 and max(lengths) <= 260
    # varied, not one fixed length
    assert len(set(lengths)) > 30


def test_no_paragraph_starts_with_punctuation():
    for p in BIG.split("\n\n"):
        assert p[0] not in PUNCTUATION, p[:10]


def test_dashes_and_ellipses_only_in_pairs():
    for text in (BIG, *(filler_text(s, 700) for s in range(200))):
        assert all(len(run) == 2 for run in re.findall("—+", text))
        assert all(len(run) == 2 for run in re.findall("…+", text))
    assert "——" in BIG and "……" in BIG


def test_paired_marks_balance():
    c = Counter(BIG)
    assert c["“"] == c["”"] > 0
    assert c["《"] == c["》"] > 0
    assert c["（"] == c["）"] > 0
    assert balanced(BIG)  # and they nest properly


# ------------------------------------------------------------ proportions
def test_proportions_look_like_news_copy():
    text = BIG.replace("\n", "")
    n = len(text)
    c = Counter(text)
    share = lambda chars: sum(c[ch] for ch in chars) / n  # noqa: E731
    assert 0.80 <= sum(v for k, v in c.items() if is_ideograph(k)) / n <= 0.90
    assert 0.040 <= share("，") <= 0.070
    assert 0.018 <= share("。") <= 0.035
    assert 0.004 <= share("、") <= 0.015
    assert 0.003 <= share("“”") <= 0.012
    assert 0.0008 <= share("《》") <= 0.004
    assert 0.001 <= share("（）") <= 0.006
    assert 0.001 <= share("：；？！") <= 0.008
    digits = sum(v for k, v in c.items() if k.isdigit()) / n
    assert 0.01 <= digits <= 0.07
    # Latin tokens and number forms of real copy
    for token in ("5G", "AI", "App", "亿元", "%", "年"):
        assert token in text, token
    assert re.search(r"\d+\.\d%", text)
    assert re.search(r"\d+℃", text)
    # the two-em marks: roughly once per 1,500 characters, not every line
    pairs = text.count("——") + text.count("……")
    assert 10 <= pairs <= 200


def test_sentences_end_with_stops():
    # The text ends with a full stop and paragraphs end with a stop or a closing quote.
    for p in BIG.split("\n\n"):
        assert p[-1] in "。！？”", p[-10:]


def test_sentences_stay_below_the_paragraph_builders_bound():
    # The paragraph builder relies on no sentence being longer than MAX_SENTENCE.
    from layout.model.filler import MAX_SENTENCE, _sentence

    rnd = random.Random(11).random
    assert max(len(_sentence(rnd)) for _ in range(20_000)) <= MAX_SENTENCE
