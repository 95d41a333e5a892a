"""Lengths: pt, mm, cm, in, em and the Chinese 号 sizes, all to points.

One mapping of 号 sizes is used everywhere: the DTP (Word / WPS) table, which is what
Chinese newsrooms type into their software today (typesetting.md §3, [SZ1]).
clreq's traditional table differs for 一号 (27.5 vs 26) and 二号 (21 vs 22).
"""

from __future__ import annotations

import re

PT_PER_MM = 72.0 / 25.4

HAO_PT: dict[str, float] = {
    "初号": 42.0,
    "小初": 36.0,
    "一号": 26.0,
    "小一": 24.0,
    "二号": 22.0,
    "小二": 18.0,
    "三号": 16.0,
    "小三": 15.0,
    "四号": 14.0,
    "小四": 12.0,
    "五号": 10.5,
    "小五": 9.0,
    "六号": 7.5,
    "小六": 6.5,
    "七号": 5.5,
    "八号": 5.0,
}

_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in|em)?\s*$")


def parse_length(value: object, em: float | None = None) -> float:
    """A length in points from 12, "12pt", "3.5mm", "1cm", "1in", "2em" or "小五".

    Raises ValueError with a message meant for the user.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected a length, got {value!r}")
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a length such as 9pt, 3mm or 小五, got {value!r}")
    text = value.strip()
    if text in HAO_PT:
        return HAO_PT[text]
    m = _LENGTH.match(text)
    if not m:
        names = "、".join(HAO_PT)
        raise ValueError(f"cannot read {value!r} as a length (use pt, mm, cm, in, em or a 号 name: {names})")
    number, unit = float(m.group(1)), m.group(2) or "pt"
    if unit == "pt":
        return number
    if unit == "mm":
        return number * PT_PER_MM
    if unit == "cm":
        return number * PT_PER_MM * 10
    if unit == "in":
        return number * 72.0
    if em is None:
        raise ValueError(f"{value!r}: em is not allowed here")
    return number * em
