"""A paragraph's font advances, and the characters a coverage check must look up, without a
dictionary lookup for each ideograph.

In: a text and a face's widths (char -> advance in em).  Out: `font_advances`, the advance of
every character (what `list(map(widths.__getitem__, text))` gives, KeyError included), and
`beyond_uniform`, the distinct characters outside the font's uniform blocks (a character
inside one is covered by definition).

Why: looking up every character of every paragraph (320,000 for the 36-page benchmark, once
to check coverage and once to prepare) makes a string object and hashes it each time, and
was a tenth of composition.  In a CJK face the ideographs are 1 em wide, block after block,
and they are four characters in five of the copy.  A block is found uniform once per face,
when first met (every one of its 256 code points in the face, 1 em wide); a text's UTF-16
high bytes then say, through `bytes.translate`, which characters are in such a block, and
only the others are looked up, their positions picked by `itertools.compress` (C, no Python
step per ideograph).  Texts beyond the BMP (surrogate pairs) and short texts go the plain
way.  (Also kept per face: the characters its kerning pairs start with, so that
PreparedText looks up no pair inside a number.)
"""

from __future__ import annotations

from itertools import compress
from typing import Mapping

SHORT = 64  # characters: shorter texts (headlines, bylines) are looked up one by one

_UNIFORM: dict[int, tuple[Mapping[str, float], int, bytearray]] = {}  # id(widths) -> (widths, size, table)
_UNKNOWN = 2  # a block not yet met in this face
_KEPT = 32  # faces' tables kept at most (a build has a handful; forgetting them all only costs their making again)


def uniform_blocks(widths: Mapping[str, float], high: bytes) -> bytearray:
    """By UTF-16 high byte, 0 for a block of 256 code points that the face sets, every one,
    1 em wide, 1 for any other: a `bytes.translate` table, kept per face and filled in for the
    blocks of `high` (a text's high bytes) the first time the face meets them (some 50 µs a
    block; a build meets a hundred or so)."""
    got = _UNIFORM.get(id(widths))
    if got is None or got[0] is not widths or got[1] != len(widths):
        if len(_UNIFORM) >= _KEPT:
            _UNIFORM.clear()
        got = _UNIFORM[id(widths)] = (widths, len(widths), bytearray([_UNKNOWN]) * 256)
    table = got[2]
    if high.translate(table).find(_UNKNOWN) >= 0:
        get = widths.get
        for h in set(high):
            if table[h] == _UNKNOWN:
                block = "".join(map(chr, range(h << 8, (h + 1) << 8)))
                table[h] = set(map(get, block)) != {1.0}
    return table


def _others(text: str, widths: Mapping[str, float]) -> list[int] | None:
    """Positions of the characters of `text` outside the face's uniform blocks; None when the
    text is short or has characters beyond the BMP (then every character is looked up)."""
    n = len(text)
    if n < SHORT:
        return None
    try:
        units = text.encode("utf-16-be")
    except UnicodeEncodeError:  # a lone surrogate
        return None
    if len(units) != 2 * n:  # characters beyond the BMP (two code units each)
        return None
    high = units[0::2]
    return list(compress(range(n), high.translate(uniform_blocks(widths, high))))


def font_advances(text: str, widths: Mapping[str, float]) -> list[float]:
    """The face's advance of each character (KeyError for one it lacks), as
    `list(map(widths.__getitem__, text))` gives them."""
    at = _others(text, widths)
    if at is None:
        return list(map(widths.__getitem__, text))
    adv = [1.0] * len(text)
    get = widths.__getitem__
    for i in at:  # (a plain loop: faster than a map over adv.__setitem__, which packs each call's arguments)
        adv[i] = get(text[i])
    return adv


def beyond_uniform(text: str, widths: Mapping[str, float]) -> set[str]:
    """The distinct characters of `text` outside the face's uniform blocks: all a coverage
    check needs to look up."""
    at = _others(text, widths)
    return set(text) if at is None else set(map(text.__getitem__, at))


_PAIR_STARTS: dict[int, tuple[Mapping[str, float], int, frozenset[str]]] = {}  # id(kerning) -> (it, size, firsts)


def pair_starts(kerning: Mapping[str, float]) -> frozenset[str]:
    """The characters a face's kerning pairs start with (kept per face): a cluster holding
    none of them but at its end (a number, in most faces) has no pair to look up."""
    got = _PAIR_STARTS.get(id(kerning))
    if got is None or got[0] is not kerning or got[1] != len(kerning):
        if len(_PAIR_STARTS) >= _KEPT:
            _PAIR_STARTS.clear()
        got = _PAIR_STARTS[id(kerning)] = (kerning, len(kerning), frozenset(pair[0] for pair in kerning))
    return got[2]
