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
_HAN = ("\u3001-\u303F\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF01-\uFF60"
        "\U00020000-\U0003FFFF")
# The Latin side: what linebreak.py keeps in unbreakable clusters (letters, digits, Greek,
# Cyrillic, the prefix and suffix symbols of numbers: ¥100, 12.5%).
_LATIN = ("A-Za-z0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF"
          + "".join(re.escape(c) for c in sorted(cjk.PREFIX_SYMBOLS | cjk.SUFFIX_SYMBOLS)))
_TYPED_GAP = re.compile(rf"(?<=[{_HAN}]) +(?=[{_LATIN}])|(?<=[{_LATIN}]) +(?=[{_HAN}])")


def normalise_spaces(text: str) -> str:
    """`text` without the typed spaces between Han and digits/Latin (see the module doc)."""
    if " " not in text:  # nearly every paragraph of Chinese copy: no regex at all
        return text
    return _TYPED_GAP.sub("", text)


def removed_spaces(text: str) -> list[int]:
    """Indexes in `text` of the characters normalise_spaces drops, in order (empty for
    nearly every paragraph): what offsets into the typed text (markup spans, a run-in
    dateline) must be shifted by to index the text that is set."""
    if " " not in text:
        return []
    return [i for m in _TYPED_GAP.finditer(text) for i in range(m.start(), m.end())]


def shift_offset(offset: int, removed: list[int]) -> int:
    """`offset` into the typed text as an offset into the text without `removed`."""
    return offset - sum(1 for i in removed if i < offset)
