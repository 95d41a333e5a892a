"""The character classes that paragraph preparation (linebreak.PreparedText) scans for.

In: a paragraph's text.  Out: compiled patterns (unbreakable clusters, dash and ellipsis
pairs, adjacent punctuation, the characters that act on breaking and spacing per kinsoku
level) and `special_flags`, a byte per character: 1 where it is not an ideograph.

Why a module of its own: PreparedText runs these over every paragraph of an edition
(320,000 characters for the 36-page benchmark), and how they are written decides what
they cost.  A pattern that starts with a character class lets the regular-expression
engine skip to candidate positions in C (CLUSTER below: the same matches as its plain
form, in a third of the time), and the ideograph flags come from the text's UTF-16 bytes
through `bytes.translate`, with no Python step per character (most characters are
ideographs).  tests/test_linebreak.py checks both against their plain definitions.
"""

from __future__ import annotations

import re
from functools import lru_cache

from layout.text import cjk
from layout.text.spacing import NO_BREAK_SPACE


def cls(chars: frozenset[str] | set[str]) -> str:
    """The characters as the inside of a [...] class."""
    return "".join(re.escape(c) for c in sorted(chars))


LATIN = r"A-Za-z0-9\u00C0-\u024F\u0370-\u03FF\u0400-\u04FF"
_PRE, _SUF = cls(cjk.PREFIX_SYMBOLS), cls(cjk.SUFFIX_SYMBOLS)
_URL = r"[^\s\u3000-\u303F\uFF00-\uFFEF\u4E00-\u9FFF]+"
_REST = rf"(?:[-.,:/'’&][{LATIN}]+)*[{_SUF}]*"
# Unbreakable clusters: URLs; numbers with prefix/suffix symbols and separators; Latin
# words (internal apostrophes, periods and hyphens stay, a hyphen allows a break after it).
CLUSTER_PLAIN = rf"(?:https?://|www\.){_URL}|[{_PRE}]?[{LATIN}]+{_REST}"  # (compiled by the tests only)
# The same, written to start with its first character's class, the branches then checking
# that character by look-behinds, in CLUSTER_PLAIN's order (h, w: a URL before a word; a
# prefix symbol: then letters or digits; a letter or digit: then more of them).
CLUSTER = re.compile(rf"[{_PRE}{LATIN}](?:(?:(?<=h)ttps?://|(?<=w)ww\.){_URL}"
                     rf"|(?:(?<=[{_PRE}])[{LATIN}]+|(?<![{_PRE}])[{LATIN}]*){_REST})")
PAIRS = re.compile("——|……|⸺|" + "".join(re.escape(c) for c in (cjk.DASH, cjk.ELLIPSIS)) + "{3,}")
PAIRED_MARKS = "".join(sorted(cjk.PAIRED))  # what every PAIRS match holds (none: no need to scan)
_R, _L = cls(cjk.BLANK_RIGHT), cls(cjk.BLANK_LEFT)
BLANK_RIGHT_PAIR_PLAIN = rf"[{_R}](?=[{_R}{_L}])"  # 。」 ，“ ）（: a closing mark before another mark
OPEN_OPEN_PLAIN = rf"[{_L}](?=[{_L}])"  # （《: an opening mark before another  (both compiled by the tests only)
# Both at once, in one scan: the class first, so that the engine skips to candidates in C, the
# look-behinds then telling the two apart (tests/test_linebreak.py checks it against them)
ADJACENT_MARKS = re.compile(rf"[{_R}{_L}](?:(?<=[{_R}])(?=[{_R}{_L}])|(?<=[{_L}])(?=[{_L}]))")
BLANK = cjk.BLANK_RIGHT | cjk.BLANK_LEFT

# Not an ideograph: the characters PreparedText looks at one by one ("special").  The
# definition, as a pattern (SPECIAL, below): `special_flags` gives the same answer through the
# bytes of the text, and the pattern is compiled (and kept by `re`) only for text beyond the
# BMP or when asked for, since compiling a class of 28,000 ideographs takes some 4 ms.
SPECIAL_CLASS = r"[^\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\u3007]"


def __getattr__(name: str) -> re.Pattern:
    """SPECIAL, SPECIAL_CLASS compiled, made when first asked for."""
    if name == "SPECIAL":
        return re.compile(SPECIAL_CLASS)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# per kinsoku level, the characters PreparedText's per-character branches act on, and the
# special ones among them as a pattern (the branches are taken for special characters only)
ACTING = {level: cjk.NO_START[level] | cjk.NO_END[level] | BLANK | cjk.MIDDLE_DOTS
          | frozenset(" " + NO_BREAK_SPACE) for level in cjk.NO_START}


@lru_cache(maxsize=None)
def acting_special(level: str) -> tuple[re.Pattern, re.Pattern]:
    """The special characters of ACTING[level] as two patterns, (closing, other), compiled
    when first asked for (a build uses one level, and a cold build pays for every pattern
    compiled at import).  `closing`: the marks that may not start a line, may end one and
    give half their width when squeezed (，。、」 and the like): nine in ten of the characters
    PreparedText acts on, which it handles in a loop of their own with just those two steps;
    `other`: the rest, for its general loop."""
    chars = {c for c in ACTING[level] if special_flags(c)[0]}  # (SPECIAL's characters)
    closing = {c for c in chars if c in BLANK and c in cjk.NO_START[level] and c not in cjk.NO_END[level]}
    return re.compile(f"[{cls(closing)}]"), re.compile(f"[{cls(chars - closing)}]")


# SPECIAL by a UTF-16 code unit's high byte: 0 for the blocks of ideographs (3400-4DBF,
# 4E00-9FFF, F900-FAFF), 1 elsewhere; _MIXED: where the high byte alone is wrong (4DC0-4DFF
# shares 4D with ideographs, 〇 U+3007 is one in a block of punctuation)
_HIGH = bytes(0 if 0x34 <= h <= 0x9F or 0xF9 <= h <= 0xFA else 1 for h in range(256))
_MIXED = re.compile("[\u4DC0-\u4DFF\u3007]")


def special_flags(text: str) -> bytearray:
    """1 for each character of `text` that SPECIAL matches, 0 for the others."""
    try:
        units = text.encode("utf-16-be")
    except UnicodeEncodeError:  # a lone surrogate
        units = b""
    if len(units) != 2 * len(text):  # characters beyond the BMP (two code units each): one by one
        out = bytearray(len(text))
        for m in re.finditer(SPECIAL_CLASS, text):
            out[m.start()] = 1
        return out
    high = units[0::2]
    out = bytearray(high.translate(_HIGH))
    if 0x4D in high or "\u3007" in text:  # (rare: no _MIXED scan needed without them)
        for m in _MIXED.finditer(text):
            i = m.start()
            out[i] = text[i] != "\u3007"
    return out
