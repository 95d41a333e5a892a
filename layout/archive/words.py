"""Words of Chinese text for ALTO `String`s: one small function, so the segmenter can change.

rjieba (jieba-rs) is already the project's word list for headline breaks
(layout/text/phrasing.py); its dictionary loads once per process (~110 ms), which only
archive builds pay here.  Spaces come back as words of their own; the caller turns them
into `SP`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _jieba() -> Any:
    import rjieba

    return rjieba


def word_bounds(text: str) -> set[int]:
    """Offsets in `text` where a word starts or ends (0 and len(text) included)."""
    bounds = {0}
    at = 0
    for w in _jieba().cut(text):
        at += len(w)
        bounds.add(at)
    if at != len(text):  # never seen; then every character is a word
        return set(range(len(text) + 1))
    return bounds
