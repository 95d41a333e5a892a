"""What `layout fonts prepare` builds: the four faces, their sources and their character sets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable


class FontPrepError(Exception):
    """Raised when the fonts cannot be prepared (e.g. a source file is missing)."""


@dataclass(frozen=True)
class FaceSpec:
    role: str
    family: str
    style: str  # "Regular" or "Bold"
    file: str
    coverage: str  # "GBK" or "GB2312"
    license_file: str
    source_file: str
    source_face: str  # family name (name ID 1) of the wanted face in the source
    package: str
    version: str
    source_version: str  # expected start of the source's name ID 5
    convert: bool  # CFF -> glyf needed

    @property
    def ps_name(self) -> str:
        return f"{self.family.replace(' ', '')}-{self.style}"


NOTO_LICENSE = "OFL-NotoCJK.txt"
WENKAI_LICENSE = "OFL-LXGWWenKai.txt"

FACES: tuple[FaceSpec, ...] = (
    FaceSpec("song", "Layout Song SC", "Regular", "LayoutSongSC-Regular.ttf", "GBK",
             NOTO_LICENSE, "NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC",
             "fonts-noto-cjk", "1:20220127+repack1-1", "Version 2.001", True),
    # NotoSerifCJK-Bold.ttc is in fonts-noto-cjk, not in fonts-noto-cjk-extra
    # (which holds the other weights).
    FaceSpec("biaosong", "Layout Biaosong SC", "Bold", "LayoutBiaosongSC-Bold.ttf", "GB2312",
             NOTO_LICENSE, "NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC",
             "fonts-noto-cjk", "1:20220127+repack1-1", "Version 2.001", True),
    FaceSpec("hei", "Layout Hei SC", "Bold", "LayoutHeiSC-Bold.ttf", "GB2312",
             NOTO_LICENSE, "NotoSansCJK-Bold.ttc", "Noto Sans CJK SC",
             "fonts-noto-cjk", "1:20220127+repack1-1", "Version 2.004", True),
    FaceSpec("kai", "Layout Kai SC", "Regular", "LayoutKaiSC-Regular.ttf", "GB2312",
             WENKAI_LICENSE, "LXGWWenKai-Regular.ttf", "LXGW WenKai",
             "fonts-lxgw-wenkai", "1.250+repack-1", "Version 1.250", False),
)

# A role's character missing -> try these roles in order (with a warning).
FALLBACK: dict[str, list[str]] = {
    "biaosong": ["song"],
    "hei": ["song"],
    "kai": ["song"],
    "song": [],
}

# cu2qu tolerance in font units (1000 units per em).
MAX_ERR = 1.0

# Kept by every face, as far as the source covers them.
EXTRA_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x00FF),  # ASCII + Latin-1
    (0x2000, 0x206F),  # general punctuation
    (0x2100, 0x218F),  # letterlike symbols, number forms (℃ № Ⅰ)
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics (①)
    (0x2500, 0x257F),  # box drawing
    (0x25A0, 0x25FF),  # geometric shapes (■□▲●○◆)
    (0x2600, 0x26FF),  # miscellaneous symbols
    (0x2E3A, 0x2E3B),  # two-em / three-em dash
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3200, 0x32FF),  # enclosed CJK letters and months
    (0xFE10, 0xFE19),  # vertical forms
    (0xFE30, 0xFE4F),  # CJK compatibility forms (vertical presentation)
    (0xFF00, 0xFFEF),  # half-width and full-width forms
)

LAYOUT_FEATURES = ("vert", "vrt2", "fwid", "halt", "vhal", "kern", "palt", "locl")
# Language systems kept in GSUB/GPOS: the default one and Simplified Chinese.
# (Noto CJK's JAN/KOR/ZHT/ZHH `locl` lookups would pull in thousands of
# regional glyph variants the mainland typesetter never uses.)
KEEP_LANGSYS = ("ZHS ",)

# Code points whose advance is checked/reported; the first six must be
# full-width (GB positioning) in the Noto-based faces.
FULLWIDTH_REQUIRED = (0x201C, 0x201D, 0x2018, 0x2019, 0x2014, 0x2026)
MIDDLE_DOT = 0x00B7  # kept as the font has it (reported only)
# Set half-width (½ em, tabular) in every face, as mainland newspaper faces set them: the
# digits and the marks that go inside and around numbers (15.0%, 027-8555, 1/4, +3, 8:30),
# so that a number fills whole half-em cells of the character grid.
DIGITS = tuple(range(0x30, 0x3A))
NUMBER_MARKS = tuple(map(ord, "%.,:-/+"))
HALF_WIDTH = DIGITS + NUMBER_MARKS


def _decode_table(codec: str, leads: Iterable[int], trails: Iterable[int]) -> frozenset[int]:
    trails = list(trails)
    out = set()
    for lead in leads:
        for trail in trails:
            try:
                text = bytes((lead, trail)).decode(codec)
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                out.add(ord(text))
    return frozenset(out)


def gbk_chars() -> frozenset[int]:
    """Every code point that a 2-byte GBK code decodes to (Python's codec)."""
    return _decode_table("gbk", range(0x81, 0xFF), (t for t in range(0x40, 0xFF) if t != 0x7F))


def gb2312_chars() -> frozenset[int]:
    """Every code point that a 2-byte GB 2312 (EUC-CN) code decodes to."""
    return _decode_table("gb2312", range(0xA1, 0xF8), range(0xA1, 0xFF))


def required_chars(coverage: str) -> frozenset[int]:
    if coverage == "GBK":
        # GBK is a superset of GB 2312, but Python's codecs disagree on one
        # code: A1A4 is U+30FB (katakana middle dot) in gb2312 and U+00B7 in
        # gbk.  Keep both so the GBK face also covers all of GB 2312.
        return gbk_chars() | gb2312_chars()
    if coverage == "GB2312":
        return gb2312_chars()
    raise ValueError(coverage)


def extra_chars() -> frozenset[int]:
    return frozenset(cp for lo, hi in EXTRA_RANGES for cp in range(lo, hi + 1))
