"""Character classes and clreq tables for Chinese line composition.

Sources:
* W3C clreq (Requirements for Chinese Text Layout) §prohibition_rules_for_line_start_end,
  §punctuation_width_adjustment, §mixed_text_composition_in_horizontal_writing_mode;
* GB/T 15834—2011 §5.1.1–5.1.10 (punctuation placement);
* JLREQ Appendix A classes cl-01 … cl-13 for the symbols clreq leaves open.

Everything here is a small named table; linebreak.py turns them into break and spacing
decisions.  Mainland (GB) glyph positions are assumed: stops and closing marks are inked
on the left half of their em box (blank right half), opening marks on the right half.
"""

from __future__ import annotations

# cl-01 opening brackets and quotes: blank LEFT half in GB fonts.
OPENING = frozenset("‘“（〔［｛〈《「『【〖〘｟〝«(［[{")
# cl-02 closing brackets and quotes: blank RIGHT half.
CLOSING_BRACKETS = frozenset("’”）〕］｝〉》」』】〗〙｠〟»)]}")
# cl-06/07 + GB §5.1.1–5.1.3: pause and stop marks; GB places them bottom-left, blank right half.
COMMAS = frozenset("，、；")  # clreq compression step ⑤
STOPS = frozenset("。．？！：")  # clreq compression step ⑦ (colon positioned like a stop in GB)
# ASCII closing and postfix marks obey the same line-start rule as their full-width forms,
# wherever they stand (after a Latin run too: "5.2%", "。.", "GDP."), see _BASIC_NO_START
HALFWIDTH_STOPS = frozenset(",.;:?!‼⁇⁈⁉")
# cl-05 middle dots; GB §5.1.7.  Fixed width, never at a line start.
MIDDLE_DOTS = frozenset("·・‧•")
# cl-03 connectors (GB §5.1.6): never at a line start.
CONNECTORS = frozenset("–～〜‐")
SOLIDUS = frozenset("/／")
# 2-em marks: never split (GB §5.1.4, §5.1.5).
DASH = "—"
ELLIPSIS = "…"
PAIRED = frozenset((DASH, ELLIPSIS, "⸺"))
# cl-12 / cl-13: prefix and suffix symbols glued to their numbers (JLREQ).
PREFIX_SYMBOLS = frozenset("$¥￥£€#№＄￡＃")
SUFFIX_SYMBOLS = frozenset("%‰°′″℃¢％￠")

# Marks whose blank half may be squeezed (clreq punctuation width adjustment).
BLANK_RIGHT = CLOSING_BRACKETS | COMMAS | STOPS
BLANK_LEFT = OPENING

# --- kinsoku levels (clreq table, typesetting.md §1.1) ---------------------------
_BASIC_NO_START = (CLOSING_BRACKETS | COMMAS | STOPS | HALFWIDTH_STOPS | MIDDLE_DOTS | CONNECTORS
                   | SOLIDUS | SUFFIX_SYMBOLS | frozenset("‥々〻ー゠ヽヾゝゞ")
                   | frozenset("ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"))  # cl-09/10/11 (JLREQ)
_BASIC_NO_END = OPENING | PREFIX_SYMBOLS

NO_START = {
    "basic": _BASIC_NO_START,
    "gb": _BASIC_NO_START,
    "strict": _BASIC_NO_START | PAIRED,  # strict: no —— / …… at a line start either
}
NO_END = {
    "basic": _BASIC_NO_END,
    "gb": _BASIC_NO_END | SOLIDUS,  # GB §5.1.9
    "strict": _BASIC_NO_END | SOLIDUS,
}

# Vertical presentation forms (Unicode FE10–FE19, FE30–FE4F) for 竖排 headlines.
VERTICAL_FORMS = {
    "，": "︐", "、": "︑", "。": "︒", "：": "︓", "；": "︔", "！": "︕", "？": "︖",
    "「": "﹁", "」": "﹂", "『": "﹃", "』": "﹄", "“": "﹁", "”": "﹂", "‘": "﹃", "’": "﹄",
    "（": "︵", "）": "︶", "｛": "︷", "｝": "︸", "〔": "︹", "〕": "︺", "【": "︻", "】": "︼",
    "《": "︽", "》": "︾", "〈": "︿", "〉": "﹀", "［": "﹇", "］": "﹈", "〖": "︗", "〗": "︘",
    "—": "︱", "…": "︙", "–": "︲",
}
FROM_VERTICAL = {v: k for k, v in VERTICAL_FORMS.items() if k not in "“”‘’"}


def is_ideograph(ch: str) -> bool:
    """CJK ideographs (URO, Ext A, compatibility, astral extensions) and 〇."""
    o = ord(ch)
    return (0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0xF900 <= o <= 0xFAFF
            or 0x20000 <= o <= 0x3FFFF or o == 0x3007)
