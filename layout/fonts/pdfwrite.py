"""Numbers in PDF content, written fast and byte for byte as ReportLab's `fp_str` writes them.

Why: `fp_str` formats each number through the C library's printf (a logarithm, then
multi-precision digit generation), several thousand instructions a number, and a 36-page
edition's content streams hold about 70,000 numbers, nearly all of them repeats (every
line of a column starts at the same x, every column of a page shares the grid's
baselines).  A dictionary lookup of the number gives back the same text for a small part
of the cost.

`fp_str(a, b, ...)` is the numbers' `fp_str` joined by single spaces (ReportLab's C code),
so `pdf_nums(a, b)` is the same text as `fp_str(a, b)` (tests/test_pdfwrite.py).
"""

from __future__ import annotations

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
