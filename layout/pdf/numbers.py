"""Numbers in content streams, written exactly as ReportLab's `fp_str` writes them, memoised;
and the distinct characters of a page's text, found as code points.

Why: `fp_str` formats through the C library's printf (a logarithm, then multi-precision
digit generation), several thousand instructions a number, and a 36-page edition's content
streams hold about 70,000 numbers, nearly all of them repeats: every line of a column
starts at the same x, every column of a page shares the grid's baselines.  A dictionary
lookup of the float gives back the same text for a small part of the cost.

`fp_str(a, b, ...)` is the numbers' `fp_str` joined by single spaces (ReportLab's C code),
so `pdf_nums(a, b)` is the same text as `fp_str(a, b)`.
"""

from __future__ import annotations

import sys
from array import array

from reportlab.lib.rl_accel import fp_str

_LIMIT = 1 << 14  # entries kept before starting afresh: a few hundred kilobytes at most


class _Numbers(dict):
    """float -> its `fp_str` text; a miss formats the number and keeps it.  Equal numbers
    (1 and 1.0, 0.0 and -0.0) share an entry, as they share `fp_str`'s text."""

    def __missing__(self, v: float) -> str:
        if len(self) >= _LIMIT:  # (a resident process draws for hours: keep it bounded)
            self.clear()
        s = self[v] = fp_str(v)
        return s


PDF_NUM = _Numbers()
"""`PDF_NUM[v]`: the number `v` as `fp_str(v)` writes it (shared by the process's drawings)."""


def pdf_nums(*vs: float) -> str:
    """Several numbers as `fp_str(*vs)` writes them: each number's text, one space between."""
    return " ".join(map(PDF_NUM.__getitem__, vs))


_U32 = "I" if array("I").itemsize == 4 else "L"  # an array of 32-bit code points
_UTF32 = "utf-32-le" if sys.byteorder == "little" else "utf-32-be"  # ... in the machine's byte order


def distinct(text: str) -> str:
    """The distinct characters of `text` in code point order: "".join(sorted(set(text))).

    Why not that: iterating a string makes a new one-character string of each CJK
    character and hashes it; a page draws some 10,000 characters with a face.  As an
    array of code points the set holds small integers, whose hash is their value (half
    the instructions).  (`surrogatepass`: a lone surrogate is a code point like any other.)"""
    cps = sorted(set(array(_U32, text.encode(_UTF32, "surrogatepass"))))
    return array(_U32, cps).tobytes().decode(_UTF32, "surrogatepass")
