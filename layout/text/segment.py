"""Chinese word segmentation that starts in a few milliseconds: jieba's words, read lazily.

Why this module exists
----------------------
Headline breaks (phrasing.py) need words, and the archive's ALTO wants them too.  rjieba gave
them, but it builds its 349,046-word trie before the first answer: ~110 ms at every cold
start, for a headline of twenty characters.  This module gives the same answers as jieba-rs
(what rjieba wraps) from jieba's own dictionary and HMM, stored as text by
layout/tools/worddict.py in data/:

* words.txt: one bucket of words per first character behind a byte-offset index; a process
  reads the index (~100 kB), then only the buckets of the characters it meets, searched as
  text with str.find until a bucket has been asked PARSE_AFTER times (a whole text), when
  it is parsed into a dict;
* hmm.txt: the HMM for runs of characters that are no dictionary word (names, new terms),
  indexed the same way, a character's row read when the HMM first meets it.

Cold start (benchmarks/phrasing.py): ~2 ms to the first headline's words, ~6 ms when the
HMM is needed, against rjieba's ~110 ms (~370 ms on a loaded machine, same run).

Nothing read from disk is executed (no pickle or marshal): a damaged file gives wrong words
or a ValueError, never code.  The algorithm is jieba's: the maximum-probability route through
the words found at each position, with the HMM (Viterbi over Begin/End/Middle/Single) for
runs of single characters that are no word, and parts of speech from the dictionary
("x", "m" or "eng" for a word it lacks, as jieba-rs's tag; rjieba tags those with a model
of its own, which this module does not carry).  tests/test_segment.py checks the words
against rjieba on the sample's 278,000 characters and the test headlines: all equal.

API: :func:`cut` (words), :func:`tag` (words with parts of speech), :func:`has_word`,
:func:`add_word` (a process-wide addition, as rjieba's).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Callable
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).with_name("data")
WORDS_FILE = "words.txt"
HMM_FILE = "hmm.txt"
OFFSET_DIGITS = 6
STATES = "BEMS"  # jieba-rs's state order: Begin, End, Middle, Single
MIN_FLOAT = -3.14e100
_B, _E, _M, _S = range(4)
# which states may precede each state (jieba-rs's order: on equal scores the later one wins)
_PREV = ((_E, _S), (_B, _M), (_M, _B), (_S, _E))

# jieba-rs's RE_HAN_DEFAULT: the blocks the dictionary segments (CJK ideographs and these ASCII
# characters); written as a test, not a regular expression, whose astral ranges cost ~10 ms to compile
_HAN_ASCII = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+#&._%-")


def _han_default(c: str) -> bool:
    o = ord(c)
    if o < 0x3400:
        return c in _HAN_ASCII
    return (o <= 0x4DBF or 0x4E00 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2A6DF
            or 0x2A700 <= o <= 0x2EBEF or 0x2F800 <= o <= 0x2FA1F)


def _hmm_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fd5"  # jieba-rs's HMM blocks (RE_HAN of hmm.rs)


def _han_blocks(text: str, kind: Callable[[str], bool] = _han_default) -> list[tuple[str, bool]]:
    """`text` in runs of characters of `kind` and runs of others, each with which it is (a
    test, not a regular expression: a class of CJK ranges costs ~10 ms to compile)."""
    out: list[tuple[str, bool]] = []
    at, n = 0, len(text)
    while at < n:
        k = kind(text[at])
        end = at + 1
        while end < n and kind(text[end]) == k:
            end += 1
        out.append((text[at:end], k))
        at = end
    return out


@cache
def _pattern(name: str) -> re.Pattern:
    """jieba-rs's other patterns, compiled on first use (not at import: cold start matters)."""
    return re.compile({"skip": r"(\r\n|\s)"}[name])


def _split(pattern: re.Pattern, text: str) -> list[tuple[str, bool]]:
    """The pieces of `text`, in order, each with whether `pattern` matched it."""
    out, at = [], 0
    for m in pattern.finditer(text):
        if m.start() > at:
            out.append((text[at:m.start()], False))
        if m.end() > m.start():
            out.append((m.group(), True))
        at = m.end()
    if at < len(text):
        out.append((text[at:], False))
    return out


PARSE_AFTER = 64  # lookups in a bucket's text before it is parsed into a dict (whole texts)


class _Bucket:
    """The words that start with one character.  Read as text (sorted "rest freq tag" entries,
    tab-separated) and searched with str.find, which costs nothing to set up: a headline
    asks a few dozen questions of a few buckets.  A bucket asked more (a whole text's
    segmentation) is parsed into a dict once."""

    __slots__ = ("raw", "longest", "words", "asks")

    def __init__(self, raw: str, longest: int) -> None:
        self.raw = raw  # "\trest freq tag\trest freq tag..."
        self.longest = longest  # the longest rest
        self.words: dict[str, tuple[int, str]] | None = None
        self.asks = 0

    def parse(self) -> dict[str, tuple[int, str]]:
        if self.words is None:
            flat = self.raw[1:].replace("\t", " ").split(" ") if self.raw else []  # rest freq tag rest...
            self.words = dict(zip(flat[0::3], zip(map(int, flat[1::3]), flat[2::3])))
        return self.words

    def _entry(self, at: int, rest: str) -> tuple[int, str] | None:
        """The record of `rest` if the entry found at `at` (a tab) is exactly it."""
        raw = self.raw
        f = at + 1 + len(rest)
        if raw[f:f + 1] != " ":
            return None
        t = raw.index(" ", f + 1)
        e = raw.find("\t", t)
        return int(raw[f + 1:t]), raw[t + 1:e if e >= 0 else len(raw)]

    def get(self, rest: str) -> tuple[int, str] | None:
        if self.words is None:
            self.asks += 1
            if self.asks <= PARSE_AFTER:
                at = self.raw.find("\t" + rest + " ")
                return None if at < 0 else self._entry(at, rest)
        return self.parse().get(rest)

    def matches(self, block: str, i: int, n: int) -> list[tuple[int, int]]:
        """(end, freq) of the words that start at block[i] (block[i] is this bucket's character)."""
        out = []
        stop = min(n, i + 1 + self.longest)
        if self.words is None and self.asks < PARSE_AFTER:
            self.asks += 1
            raw = self.raw
            for j in range(i + 1, stop + 1):
                rest = block[i + 1:j]
                at = raw.find("\t" + rest)  # the first entry with this prefix: the word itself, if any
                if at < 0:
                    break  # no word goes on with this prefix
                rec = self._entry(at, rest)
                if rec is not None:
                    out.append((j, rec[0]))
            return out
        get = self.parse().get
        for j in range(i + 1, stop + 1):
            rec = get(block[i + 1:j])
            if rec is not None:
                out.append((j, rec[0]))
        return out


class _Dictionary:
    """The words, bucket by bucket as they are asked for."""

    __slots__ = ("path", "base", "firsts", "offsets", "total", "buckets")

    def __init__(self, path: Path, base: int, firsts: str, offsets: str, total: int) -> None:
        self.path = path
        self.base = base  # byte offset of the first bucket in the file
        self.firsts = firsts  # the first characters, in code point order
        self.offsets = offsets  # byte offset of each bucket (and the end), OFFSET_DIGITS hex digits each
        self.total = total
        self.buckets: dict[str, _Bucket] = {}

    @classmethod
    def load(cls, path: Path) -> _Dictionary:
        """Only the header: provenance, total, first characters, offsets (~100 kB)."""
        with path.open("rb") as f:
            f.readline()
            total = int(f.readline())
            firsts = f.readline()[:-1].decode()
            offsets = f.readline()[:-1].decode()
            base = f.tell()
        if len(offsets) != OFFSET_DIGITS * (len(firsts) + 1):
            raise ValueError(f"{path}: {len(firsts)} first characters but {len(offsets)} offset digits")
        return cls(path, base, firsts, offsets, total)

    def bucket(self, first: str) -> _Bucket:
        got = self.buckets.get(first)
        if got is None:
            i = bisect_left(self.firsts, first)
            if i == len(self.firsts) or self.firsts[i] != first:
                got = _Bucket("", 0)
            else:
                d = OFFSET_DIGITS
                a, b = int(self.offsets[i * d:i * d + d], 16), int(self.offsets[i * d + d:i * d + 2 * d], 16)
                with self.path.open("rb") as f:
                    f.seek(self.base + a)
                    line = f.read(b - a - 1).decode()  # "longest\trest freq tag\t..."
                tab = line.index("\t")
                got = _Bucket(line[tab:], int(line[:tab]))
            self.buckets[first] = got
        return got

    def get(self, word: str) -> tuple[int, str] | None:
        return self.bucket(word[0]).get(word[1:]) if word else None


class _Hmm:
    """jieba's HMM for unknown words; a character's emission row is read when first met."""

    __slots__ = ("start", "trans", "path", "base", "chars", "offsets", "emit")

    def __init__(self, path: Path) -> None:
        """Only the header (~70 kB); a character's row is read when first met."""
        self.path = path
        with path.open("rb") as f:
            f.readline()
            self.start = [float(x) for x in f.readline().split()]
            flat = [float(x) for x in f.readline().split()]
            self.chars = f.readline()[:-1].decode()
            self.offsets = f.readline()[:-1].decode()
            self.base = f.tell()
        self.trans = [flat[i * 4:i * 4 + 4] for i in range(4)]
        if len(self.offsets) != OFFSET_DIGITS * (len(self.chars) + 1):
            raise ValueError(f"{path}: {len(self.chars)} characters but {len(self.offsets)} offset digits")
        self.emit: dict[str, tuple[float, ...]] = {}

    def emission(self, c: str) -> tuple[float, ...]:
        got = self.emit.get(c)
        if got is None:
            i = bisect_left(self.chars, c)
            if i < len(self.chars) and self.chars[i] == c:
                d = OFFSET_DIGITS
                a, b = int(self.offsets[i * d:i * d + d], 16), int(self.offsets[i * d + d:i * d + 2 * d], 16)
                with self.path.open("rb") as f:
                    f.seek(self.base + a)
                    cells = f.read(b - a - 1).decode().split("\t")
            else:
                cells = ["", "", "", ""]
            got = self.emit[c] = tuple(float(x) if x else MIN_FLOAT for x in cells)
        return got

    def viterbi(self, text: str) -> list[int]:
        """The most probable state of each character (len(text) > 1)."""
        start, trans = self.start, self.trans
        em = self.emission(text[0])
        v = [start[y] + em[y] for y in range(4)]
        back: list[list[int]] = []
        for c in text[1:]:
            em = self.emission(c)
            nv, row = [0.0] * 4, [0] * 4
            for y in (_B, _M, _E, _S):
                a, b = _PREV[y]
                pa, pb = v[a] + trans[a][y] + em[y], v[b] + trans[b][y] + em[y]
                nv[y], row[y] = (pa, a) if pa > pb else (pb, b)
            v = nv
            back.append(row)
        state = _E if v[_E] > v[_S] else _S
        path = [state]
        for row in reversed(back):
            state = row[state]
            path.append(state)
        return path[::-1]

    def cut(self, text: str, out: list[str]) -> None:
        for block, han in _han_blocks(text, _hmm_han):
            if not han:  # (whole, as rjieba has it: "Wi-Fi", not "Wi", "-", "Fi")
                out.append(block)
            elif len(block) == 1:
                out.append(block)
            else:
                begin = nxt = 0
                for i, state in enumerate(self.viterbi(block)):
                    if state == _B:
                        begin = i
                    elif state == _E:
                        out.append(block[begin:i + 1])
                        nxt = i + 1
                    elif state == _S:
                        out.append(block[i])
                        nxt = i + 1
                if nxt < len(block):
                    out.append(block[nxt:])


class Segmenter:
    """jieba-rs's cut and tag over the lazily read dictionary."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.dict = _Dictionary.load(data_dir / WORDS_FILE)
        self._hmm_path = data_dir / HMM_FILE
        self._hmm: _Hmm | None = None

    @property
    def hmm(self) -> _Hmm:
        if self._hmm is None:
            self._hmm = _Hmm(self._hmm_path)
        return self._hmm

    def has_word(self, word: str) -> bool:
        return self.dict.get(word) is not None

    def _route(self, block: str) -> list[int]:
        """route[i]: where the word starting at i ends on the most probable path (jieba's calc)."""
        n = len(block)
        logtotal = math.log(self.dict.total)
        log = math.log
        score = [0.0] * (n + 1)
        route = [0] * (n + 1)
        loaded, load = self.dict.buckets, self.dict.bucket
        for i in range(n - 1, -1, -1):
            c = block[i]
            best, end = -math.inf, -1
            for j, f in (loaded.get(c) or load(c)).matches(block, i, n):
                sc = (log(f) if f > 0 else -math.inf) - logtotal + score[j]
                if sc >= best:
                    best, end = sc, j
            if end < 0:
                best, end = score[i + 1] - logtotal, i + 1
            score[i], route[i] = best, end
        return route

    def _cut_block(self, block: str, hmm: bool, out: list[str]) -> None:
        route = self._route(block)
        x, left, n = 0, -1, len(block)
        while x < n:
            y = route[x]
            single = y - x == 1 and (hmm or block[x].isascii() and block[x].isalnum())
            if single:
                if left < 0:
                    left = x
            else:
                if left >= 0:
                    self._flush(block[left:x], hmm, out)
                    left = -1
                out.append(block[x:y])
            x = y
        if left >= 0:
            self._flush(block[left:], hmm, out)

    def _flush(self, run: str, hmm: bool, out: list[str]) -> None:
        """A run of single characters: one word without the HMM (ASCII letters and digits);
        with it, the HMM's words unless the run is itself a dictionary word."""
        if not hmm or len(run) == 1:
            out.append(run)
        elif self.dict.get(run) is None:
            self.hmm.cut(run, out)
        else:
            out.extend(run)

    def cut(self, text: str, hmm: bool = True) -> list[str]:
        out: list[str] = []
        for block, han in _han_blocks(text):
            if han:
                self._cut_block(block, hmm, out)
                continue
            for piece, space in _split(_pattern("skip"), block):
                if space:
                    out.append(piece)
                else:
                    out.extend(piece)
        return out

    def tag(self, text: str, hmm: bool = True) -> list[tuple[str, str]]:
        out = []
        for w in self.cut(text, hmm):
            rec = self.dict.get(w)
            if rec is None:
                eng = sum(c.isascii() and c.isalnum() for c in w)
                digits = sum(c.isascii() and c.isdigit() for c in w)
                out.append((w, "x" if eng == 0 else "m" if eng == digits else "eng"))
            else:
                out.append((w, rec[1]))
        return out

    def suggest_freq(self, word: str) -> int:
        logtotal = math.log(self.dict.total)
        logfreq = sum(math.log((self.dict.get(w) or (1, ""))[0]) - logtotal for w in self.cut(word, hmm=False))
        return max(int(math.exp(logfreq + logtotal)) + 1, (self.dict.get(word) or (1, ""))[0])

    def add_word(self, word: str, freq: int | None = None, tag: str = "") -> int:
        """Add (or re-weigh) a word for this process, as jieba-rs's add_word."""
        freq = self.suggest_freq(word) if freq is None else freq
        old = self.dict.get(word)
        if old is not None:
            tag = old[1]
            self.dict.total -= old[0]
        self.dict.total += freq
        bucket = self.dict.bucket(word[0])
        bucket.parse()[word[1:]] = (freq, tag)
        bucket.longest = max(bucket.longest, len(word) - 1)
        return freq


_default: Segmenter | None = None


def segmenter() -> Segmenter:
    """The process's segmenter (its index is read on first use: a few ms)."""
    global _default
    if _default is None:
        _default = Segmenter()
    return _default


def cut(text: str) -> list[str]:
    """The words of `text` in order ("".join(cut(t)) == t); spaces and marks are words of their own."""
    return segmenter().cut(text)


def tag(text: str) -> list[tuple[str, str]]:
    """The words of `text` with jieba's parts of speech (n, v, nr, ns, m, x, eng...)."""
    return segmenter().tag(text)


def has_word(word: str) -> bool:
    return segmenter().has_word(word)


def add_word(word: str, freq: int | None = None, tag: str = "") -> int:
    return segmenter().add_word(word, freq, tag)


__all__ = ["Segmenter", "add_word", "cut", "has_word", "segmenter", "tag"]
