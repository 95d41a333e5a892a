"""What `layout fonts prepare` writes beside the fonts: fonts.yaml and the licence files."""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

import yaml

from layout.build.staging import write_atomic
from layout.errors import OutputError
from layout.tools.fontprep.spec import FALLBACK, NOTO_LICENSE, WENKAI_LICENSE, FontPrepError

# (the committed fonts/fonts.yaml starts with this line, and tests/test_fontprep.py checks that this
# module reproduces it: the old module path stays until the fonts are prepared again)
YAML_HEADER = "# Prepared by `layout fonts prepare` (layout/fontprep.py). Do not edit by hand.\n"


def atomic_write(path: Path, data: bytes) -> None:
    """layout's atomic write (layout.build.staging), failing as font preparation fails."""
    try:
        write_atomic(path, data)
    except OutputError as exc:
        raise FontPrepError("; ".join(str(p) for p in exc.problems)) from None


def _yaml_str(value: str) -> str:
    """A YAML scalar: plain when safe, otherwise double-quoted."""
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**9)
    return dumped.removesuffix("\n...\n").strip()


def render_fonts_yaml(records: list[dict]) -> str:
    lines = [YAML_HEADER.rstrip("\n"), "faces:"]
    for r in records:
        s = r["source"]
        lines += [
            f"  - role: {r['role']}",
            f"    family: {_yaml_str(r['family'])}",
            f"    file: {_yaml_str(r['file'])}",
            f"    sha256: {r['sha256']}",
            f"    license: {r['license']}",
            f"    license_file: {_yaml_str(r['license_file'])}",
            f"    coverage: {r['coverage']}",
            f"    glyphs: {r['glyphs']}",
            "    source:",
            f"      package: {_yaml_str(s['package'])}",
            f"      version: {_yaml_str(s['version'])}",
            f"      file: {_yaml_str(s['file'])}",
            f"      face: {_yaml_str(s['face'])}",
            f"      index: {s['index']}",
        ]
    lines.append("fallback:            # a role's character missing -> try these roles in order (with a warning)")
    for role in sorted(FALLBACK):
        lines.append(f"  {role}: [{', '.join(FALLBACK[role])}]")
    text = "\n".join(lines) + "\n"
    # Self-check: the hand-written YAML must parse back to the same data.
    parsed = yaml.safe_load(text)
    assert parsed["faces"] == records, "fonts.yaml rendering mismatch"
    assert parsed["fallback"] == FALLBACK
    return text


_LICENSE_HEADERS = {
    NOTO_LICENSE: (
        "Fonts: LayoutSongSC-Regular.ttf, LayoutBiaosongSC-Bold.ttf, LayoutHeiSC-Bold.ttf\n"
        "Modified Versions (converted to TrueType outlines, subset and renamed by the\n"
        "layout project) of Noto Serif CJK SC and Noto Sans CJK SC, as shipped in the\n"
        "Debian package fonts-noto-cjk 1:20220127+repack1-1.\n"
        "\n"
        "Copyright statements of the original fonts (name ID 0) and of the package:\n"
        "{copyrights}\n"
        "Copyright 2010-2012, Google Corporation (Debian copyright file)\n"
        "\n"
        "\"Noto\" is a trademark of Google Inc.  Noto CJK is the Google-branded build of\n"
        "Adobe's Source Han fonts, for which Adobe reserves the font name \"Source\".\n"
        "Neither name is used by these Modified Versions.\n"
    ),
    WENKAI_LICENSE: (
        "Font: LayoutKaiSC-Regular.ttf\n"
        "A Modified Version (subset and renamed by the layout project) of LXGW WenKai\n"
        "Regular, as shipped in the Debian package fonts-lxgw-wenkai 1.250+repack-1.\n"
        "\n"
        "Copyright statements of the original font (name ID 0) and of the package:\n"
        "{copyrights}\n"
        "Copyright 2021-2022 lxgw <calxgw2018@gmail.com> (Debian copyright file),\n"
        "with Reserved Font Names \"霞鹜\" and \"LXGW\".\n"
        "\n"
        "\"Klee\" is a trademark of Fontworks Inc.  None of the reserved names or\n"
        "trademarks is used by this Modified Version.\n"
    ),
}

OFL_TEXT = """\
-----------------------------------------------------------
SIL OPEN FONT LICENSE Version 1.1 - 26 February 2007
-----------------------------------------------------------

PREAMBLE

The goals of the Open Font License (OFL) are to stimulate worldwide
development of collaborative font projects, to support the font
creation efforts of academic and linguistic communities, and to provide
a free and open framework in which fonts may be shared and improved in
partnership with others.

The OFL allows the licensed fonts to be used, studied, modified and
redistributed freely as long as they are not sold by themselves. The
fonts, including any derivative works, can be bundled, embedded,
redistributed and/or sold with any software provided that any reserved
names are not used by derivative works. The fonts and derivatives,
however, cannot be released under any other type of license. The
requirement for fonts to remain under this license does not apply to
any document created using the fonts or their derivatives.

DEFINITIONS

"Font Software" refers to the set of files released by the Copyright
Holder(s) under this license and clearly marked as such. This may
include source files, build scripts and documentation.

"Reserved Font Name" refers to any names specified as such after the
copyright statement(s).

"Original Version" refers to the collection of Font Software components
as distributed by the Copyright Holder(s).

"Modified Version" refers to any derivative made by adding to,
deleting, or substituting -- in part or in whole -- any of the
components of the Original Version, by changing formats or by porting
the Font Software to a new environment.

"Author" refers to any designer, engineer, programmer, technical writer
or other person who contributed to the Font Software.

PERMISSION & CONDITIONS

Permission is hereby granted, free of charge, to any person obtaining a
copy of the Font Software, to use, study, copy, merge, embed, modify,
redistribute, and sell modified and unmodified copies of the Font
Software, subject to the following conditions:

1) Neither the Font Software nor any of its individual components, in
Original or Modified Versions, may be sold by itself.

2) Original or Modified Versions of the Font Software may be bundled,
redistributed and/or sold with any software, provided that each copy
contains the above copyright notice and this license. These can be
included either as stand-alone text files, human-readable headers or
in the appropriate machine-readable metadata fields within text or
binary files as long as those fields can be easily viewed by the user.

3) No Modified Version of the Font Software may use the Reserved Font
Name(s) unless explicit written permission is granted by the
corresponding Copyright Holder. This restriction only applies to the
primary font name as presented to the users.

4) The name(s) of the Copyright Holder(s) or the Author(s) of the Font
Software shall not be used to promote, endorse or advertise any
Modified Version, except to acknowledge the contribution(s) of the
Copyright Holder(s) and the Author(s) or with their explicit written
permission.

5) The Font Software, modified or unmodified, in part or in whole, must
be distributed entirely under this license, and must not be distributed
under any other license. The requirement for fonts to remain under this
license does not apply to any document created using the Font Software.

TERMINATION

This license becomes null and void if any of the above conditions are
not met.

DISCLAIMER

THE FONT SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND,
EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO ANY WARRANTIES OF
MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT
OF COPYRIGHT, PATENT, TRADEMARK, OR OTHER RIGHT. IN NO EVENT SHALL THE
COPYRIGHT HOLDER BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY,
INCLUDING ANY GENERAL, SPECIAL, INDIRECT, INCIDENTAL, OR CONSEQUENTIAL
DAMAGES, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
FROM, OUT OF THE USE OR INABILITY TO USE THE FONT SOFTWARE OR FROM
OTHER DEALINGS IN THE FONT SOFTWARE.
"""


def render_license(license_file: str, copyrights: Iterable[str]) -> str:
    lines = sorted({line.strip() for c in copyrights for line in c.splitlines() if line.strip()})
    header = _LICENSE_HEADERS[license_file].format(copyrights="\n".join(lines))
    return header + "\n" + OFL_TEXT
