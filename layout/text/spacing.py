"""Spaces typed in copy around digits and Latin: the style's Han–Latin gap replaces them.

In: one paragraph as the manifest gave it (bodies.split_paragraphs has already turned
every run of white space into one U+0020, keeping U+3000 and the no-break space U+00A0).
Out: the same paragraph without the U+0020 spaces that stand between Han text and digits
or Latin ("占地 118 亩" -> "占地118亩", "新华社北京 8 月 18 日电" -> "新华社北京8月18日电").

Why: reporters and wire copy type an ASCII space where a book would put clreq's ¼-em
Han–Latin gap.  Set as a character, that space is a word space: wider than the house gap,
and the first thing justification stretches, so "占地 118 亩" opens into visible holes
while "8月18日" beside it is solid.  The gap is a property of the style
(`paragraph.latin_gap`, per role `latin_gap`: 0, ⅛ or ¼ em) that linebreak.prepare puts
between ideographs and digits/Latin; a typed space would only add to it, so it goes.

What stays:
* a space between two Latin words or numbers ("Wi-Fi 6", "New York") is a real word space;
* a space next to anything that is neither Han nor Latin (brackets, quotes, dashes) stays;
* the ideographic space U+3000 (本报讯　…, clause breaks in headlines) is never touched;
* U+00A0 NO-BREAK SPACE is the escape: a space the editor wants kept between Han and Latin
  (a brand written with one: 华为, U+00A0, Mate 60).  It is set at the width of a space and
  never breaks a line (linebreak.py); a YAML double-quoted string writes it as backslash
  underscore ("华为\\_Mate 60"), a .txt body file holds the character itself.

The fidelity check compares texts without white space, so a removed space is not a lost
character: the manifest text still counts as set exactly once.
"""

from __future__ import annotations

import re

from layout.text import cjk

NO_BREAK_SPACE = "\u00a0"

# The Han side: ideographs (with 〇) and full-width CJK punctuation (、。「」… and the
# full-width forms block), but not U+3000, which is a deliberate space of its own.
_HAN = ((0x3001, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF01, 0xFF60),
        (0x20000, 0x3FFFF))
# The Latin side: what linebreak.py keeps in unbreakable clusters (letters, digits, Greek,
# Cyrillic, the prefix and suffix symbols of numbers: ¥100, 12.5%).  (A full-width ％ is on
# both sides.)  Tested character by character, not as a pattern's classes: this runs only for
# the few paragraphs with a space, and compiling classes of 28,000 ideographs took 5 ms of
# every build's start.
_LATIN = ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A), (0xC0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF))
_LATIN_SYMBOLS = cjk.PREFIX_SYMBOLS | cjk.SUFFIX_SYMBOLS
_SPACES = re.compile(" +")


def _han(ch: str) -> bool:
    code = ord(ch)
    return any(low <= code <= high for low, high in _HAN)


def _latin(ch: str) -> bool:
    code = ord(ch)
    return ch in _LATIN_SYMBOLS or any(low <= code <= high for low, high in _LATIN)


def typed_gaps(text: str) -> list[tuple[int, int]]:
    """The runs of U+0020 in `text` between a Han character and a digit or Latin one (either
    way round), as (start, end) offsets, in order."""
    gaps = []
    for m in _SPACES.finditer(text):
        start, end = m.span()
        if start and end < len(text):
            before, after = text[start - 1], text[end]
            if (_han(before) and _latin(after)) or (_latin(before) and _han(after)):
                gaps.append((start, end))
    return gaps


def normalise_spaces(text: str) -> str:
    """`text` without the typed spaces between Han and digits/Latin (see the module doc)."""
    if " " not in text:  # nearly every paragraph of Chinese copy
        return text
    kept, at = [], 0
    for start, end in typed_gaps(text):
        kept.append(text[at:start])
        at = end
    return "".join(kept) + text[at:]


def removed_spaces(text: str) -> list[int]:
    """Indexes in `text` of the characters normalise_spaces drops, in order (empty for
    nearly every paragraph): what offsets into the typed text (markup spans, a run-in
    dateline) must be shifted by to index the text that is set."""
    if " " not in text:
        return []
    return [i for start, end in typed_gaps(text) for i in range(start, end)]


def shift_offset(offset: int, removed: list[int]) -> int:
    """`offset` into the typed text as an offset into the text without `removed`."""
    return offset - sum(1 for i in removed if i < offset)
