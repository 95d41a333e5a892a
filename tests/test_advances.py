"""font_advances and beyond_uniform give what looking up every character gives."""

from __future__ import annotations

import pytest

from layout.fonts.catalogue import load_fontbook
from layout.text.advances import SHORT, beyond_uniform, font_advances


@pytest.fixture(scope="module")
def widths() -> dict[str, float]:
    return load_fontbook().metrics("song").widths


COPY = ("江城日报讯（记者陈静）8月18日，市统计局发布数据：上半年全市GDP增长5.2%，"
        "“十四五”规划的112项重点工程已完工86项——其中5G基站3,200座……") * 3


def test_advances_are_the_fonts_for_every_character(widths: dict[str, float]) -> None:
    assert len(COPY) >= SHORT
    got = font_advances(COPY, widths)
    assert got == [widths[c] for c in COPY]
    assert font_advances(COPY[:10], widths) == [widths[c] for c in COPY[:10]]  # (short: one by one)


def test_a_block_is_uniform_only_when_every_code_point_is_one_em() -> None:
    block = {chr(c): 1.0 for c in range(0x4E00, 0x4F00)}  # the block 4E00-4EFF, all 1 em
    widths = {**block, **{chr(c): 1.0 for c in range(0x4F00, 0x4FFF)}, "a": 0.5}  # 4F00-4FFF lacks 4FFF
    text = "一丁七" * 30 + "伀a" * 10
    assert font_advances(text, widths) == [widths[c] for c in text]
    assert beyond_uniform(text, widths) == {"伀", "a"}  # 4F00 is in a block the face does not fill
    widths["丁"] = 0.9  # a face whose block is not 1 em throughout (another dict: found again)
    other = dict(widths)
    assert font_advances(text, other)[1] == 0.9


def test_a_missing_character_raises_as_a_lookup_would(widths: dict[str, float]) -> None:
    text = COPY + "\u4dff"  # a hexagram, in no CJK text face
    assert "\u4dff" not in widths
    with pytest.raises(KeyError):
        font_advances(text, widths)
    assert not widths.keys() >= beyond_uniform(text, widths)


def test_characters_beyond_the_bmp_are_looked_up_one_by_one(widths: dict[str, float]) -> None:
    text = COPY + "\U00020000"
    assert beyond_uniform(text, widths) == set(text)
    with pytest.raises(KeyError):
        font_advances(text, widths)
    ok = {**widths, "\U00020000": 1.0}
    assert font_advances(text, ok) == [ok[c] for c in text]


def test_kerning_pairs_inside_words_and_numbers_are_applied() -> None:
    from layout.text.linebreak import PreparedText
    widths = {**dict.fromkeys("AVT2019 ", 0.5), "年": 1.0, "o": 0.5}
    kerning = {"AV": -0.1, "19": -0.05, "To": -0.08}
    p = PreparedText("AVA 2019年To", widths, kerning=kerning, latin_gap=0.0)  # (no Han–Latin gap)
    assert p.kern[1] == -0.1 and p.kern[7] == -0.05 and p.kern[10] == -0.08
    assert p.kern.count(0.0) == len(p.kern) - 3
    p = PreparedText("AVA 2019年To", widths, kerning={"AV": -0.1}, latin_gap=0.0)  # (no pair starts with a digit)
    assert p.kern[1] == -0.1 and p.kern.count(0.0) == len(p.kern) - 1


def test_the_tables_kept_per_face_stay_few() -> None:
    from layout.text import advances
    text = "一丁七" * 30
    for _ in range(3 * advances._KEPT):  # faces made and dropped, as a long test run or a resident process may
        widths = {chr(c): 1.0 for c in range(0x4E00, 0x4F00)}
        assert font_advances(text, widths) == [1.0] * len(text)
        assert len(advances._UNIFORM) <= advances._KEPT
