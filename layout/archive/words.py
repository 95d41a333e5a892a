"""Words of Chinese text for ALTO `String`s: one small function, so the segmenter can change.

rjieba (jieba-rs) gives the same words as layout.text.segment (the headline segmenter, which
starts in milliseconds but segments ~0.1 M characters/s); for a whole edition's text the
compiled one is faster by far, and its dictionary load (~110 ms) is paid once per archive
build.  tests/test_segment.py checks that the two agree.  Spaces come back as words of their own; the caller turns them
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
