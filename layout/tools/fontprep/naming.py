"""New names for the modified faces, as the SIL Open Font License requires.

A converted/subset font is a "Modified Version", which must not use the Reserved Font Names
or trademarks of the originals ("Source", "Noto", "LXGW", "霞鹜"): the name table is
rewritten from scratch with the layout family names.
"""

from __future__ import annotations

from fontTools.ttLib import TTFont, newTable

from layout.tools.fontprep.spec import FaceSpec

MODIFIED_NOTE = "Modified (converted to TrueType outlines and subset) by the layout project."
OFL_NOTICE = ("This Font Software is licensed under the SIL Open Font License, Version 1.1. "
              "This license is available with a FAQ at: https://openfontlicense.org")
OFL_URL = "https://openfontlicense.org"


def set_names(font: TTFont, spec: FaceSpec, src_copyright: str, src_version: str) -> None:
    copyright_ = " ".join(src_copyright.split("\n"))
    version = src_version.split(";")[0].strip() or "Version 1.000"
    family, style, ps = spec.family, spec.style, spec.ps_name
    records = {
        0: f"{copyright_} {MODIFIED_NOTE}".strip(),
        1: family,
        2: style,
        3: f"{version.replace('Version ', '')};LAYOUT;{ps}",
        4: f"{family} {style}",
        5: f"{version}; layout subset",
        6: ps,
        13: OFL_NOTICE,
        14: OFL_URL,
        16: family,
        17: style,
    }
    name = newTable("name")
    name.names = []
    for name_id, text in sorted(records.items()):
        name.setName(text, name_id, 3, 1, 0x409)
    font["name"] = name
    font["OS/2"].achVendID = "NONE"
