"""Content-stream numbers and drawn characters (pdf/numbers.py): the memoised numbers are
exactly ReportLab's `fp_str` text, and `distinct` is the sorted set of a text's characters,
whatever the numbers and characters (the page files' bytes depend on both)."""

from __future__ import annotations

import random

from reportlab.lib.rl_accel import fp_str

from layout.pdf import numbers
from layout.pdf.numbers import PDF_NUM, distinct, pdf_nums


def test_numbers_are_written_as_fp_str_writes_them():
    rng = random.Random(19)
    values = [0, 0.0, -0.0, 1, 1.0, -1.5, 1e-8, -1e-8, 0.5, 2 / 3, 1492.52, 78.76772, 1e6 + 0.123456, 123456789.5]
    values += [rng.uniform(-2000, 2000) for _ in range(3000)] + [round(rng.uniform(0, 2000), 2) for _ in range(3000)]
    values += [rng.uniform(-1, 1) for _ in range(1000)] + [rng.randrange(-5000, 5000) for _ in range(500)]
    for v in values + values:  # (the second time from the memo)
        assert PDF_NUM[v] == fp_str(v), v
    for a, b in zip(values, values[1:]):
        assert pdf_nums(a, b) == fp_str(a, b)
    assert pdf_nums(*values[:7]) == fp_str(*values[:7])


def test_the_memo_stays_bounded(monkeypatch):
    monkeypatch.setattr(numbers, "_LIMIT", 100)
    PDF_NUM.clear()
    for i in range(1000):
        assert PDF_NUM[i / 7] == fp_str(i / 7)
        assert len(PDF_NUM) <= 100


def test_distinct_is_the_sorted_set_of_the_characters():
    rng = random.Random(8)
    pool = "江城日报，。「」（）ABCabc 0123\u3000\uff0c\uffef\U00020000\U0001F600\ud800\x00"
    for n in (0, 1, 2, 50, 5000):
        text = "".join(rng.choice(pool) for _ in range(n))
        assert distinct(text) == "".join(sorted(set(text)))
