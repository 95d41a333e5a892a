"""Story bodies: the text of a story from a file, inline text, a list of paragraphs or a filler.

Whatever the source, the result is a tuple of paragraphs (`split_paragraphs`): the one
place where the manifest's line breaks and white space become the typesetter's input.

A body names a file when it is one line ending in .txt or .md, or a mapping {file: path}
(any name); every other string is the text itself.  So TCP/IP, 1/2 or A/B测试 as a
short story's whole body are set as written, and a file whose name ends otherwise is
named explicitly rather than guessed from slashes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from layout.model import prefetch
from layout.model.checker import CONTROL, Checker
from layout.model.markup import INTERTITLE_MARK

MAX_BODY_BYTES = 4 * 1024 * 1024  # a 4 MB story is a mistake, not a story
TEXT_SUFFIXES = (".txt", ".md")  # a one-line body ending so is a file name (any case)
_BLANK_LINE = re.compile(r"\n\s*\n")
_WORD_SPACE = re.compile(r"[^\S\u3000\u00A0]+")


@lru_cache(maxsize=2048)
def split_paragraphs(text: str) -> tuple[str, ...]:
    """Blank lines separate paragraphs; single newlines inside a paragraph are joined.

    A line that starts with `## ` (an intertitle, see markup.py) is a paragraph of its own.

    A newline between two ideographs is dropped; between Latin words it becomes a space.
    Runs of other whitespace (tabs, thin, narrow no-break, NEL ...) become one space; the
    ideographic space U+3000 and the no-break space U+00A0 (the editor's escape for a space
    kept between Han and Latin, layout/text/spacing.py) are kept.  (Memoised: `layout watch`
    reloads the manifest on every save, and all stories but the edited one have the same
    text as before.)
    """
    paras = []
    for block in _BLANK_LINE.split(text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        for group in _around_intertitles(lines):
            joined = group[0]
            for ln in group[1:]:
                sep = " " if (joined[-1].isascii() and joined[-1].isalnum() and ln[0].isascii()
                              and ln[0].isalnum()) else ""
                joined += sep + ln
            # any whitespace but the ideographic space (U+3000) is a word space: thin and
            # narrow no-break spaces, NEL ... are in no face and would reach the line breaker
            paras.append(_WORD_SPACE.sub(" ", joined))
    return tuple(paras)


def is_file_name(value: str) -> bool:
    """A one-line string body that names a text file rather than being the text."""
    return "\n" not in value and value.strip().lower().endswith(TEXT_SUFFIXES)


def _around_intertitles(lines: list[str]) -> list[list[str]]:
    """The lines of one block as paragraphs: a `## ` line (an intertitle, markup.py) is a
    paragraph of its own even when no blank line separates it from the text around it."""
    if not any(ln.startswith(INTERTITLE_MARK) for ln in lines):
        return [lines] if lines else []
    groups: list[list[str]] = []
    for ln in lines:
        if ln.startswith(INTERTITLE_MARK):
            groups.append([ln])
            groups.append([])
        elif groups:
            groups[-1].append(ln)
        else:
            groups.append([ln])
    return [g for g in groups if g]


def body(ck: Checker, value: Any, path: str, sid: str) -> tuple[str, ...]:
    """Body text: a .txt/.md file or {file: path} beside the manifest, inline text, a list of
    paragraphs or a filler."""
    if value is None:
        return ()
    if isinstance(value, dict):
        before = len(ck.problems)
        m = ck.mapping(value, path, {"file", "filler"})
        if m is None:
            return ()
        if "file" in m and "filler" in m:
            ck.err(path, "a body is either {file: …} or {filler: …}, not both", "remove one of them")
        elif "file" in m:
            return _from_file(ck, m.get("file"), f"{path}.file", sid)
        elif "filler" in m:
            return _filler(ck, m.get("filler"), f"{path}.filler")
        elif len(ck.problems) == before:
            ck.err(path, "an empty body mapping",
                   "e.g. body: {file: stories/a.txt} or body: {filler: {seed: 1, chars: 800}}")
        return ()
    if isinstance(value, list):
        return tuple(p for i, v in enumerate(value) for p in split_paragraphs(ck.text(v, f"{path}[{i}]")))
    if isinstance(value, str) and is_file_name(value):
        return _from_file(ck, value, path, sid)
    before = len(ck.problems)
    text = ck.text(value, path)
    paras = split_paragraphs(text)
    if not paras and len(ck.problems) == before:
        ck.err(path, f"story {sid!r} has an empty body")
    return paras


def _filler(ck: Checker, value: Any, path: str) -> tuple[str, ...]:
    fm = ck.mapping(value, path, {"seed", "chars"}, ("seed", "chars"))
    if fm is None:
        return ()
    seed = ck.integer(fm.get("seed"), f"{path}.seed", 0, 2**31)
    chars = ck.integer(fm.get("chars"), f"{path}.chars", 1, 1_000_000)
    paras = prefetch.filler(seed, chars)  # made ahead by a one-off build's reading child (prefetch.py)
    if paras is not None:
        return paras
    # imported here: building filler's vocabulary tables is a noticeable part of start-up,
    # paid only by editions that ask for filler text
    from layout.model.filler import filler_text

    return split_paragraphs(filler_text(seed, chars))


def _from_file(ck: Checker, value: Any, path: str, sid: str) -> tuple[str, ...]:
    """The paragraphs of a body file: inside the edition folder (unless --allow-outside),
    at most MAX_BODY_BYTES, UTF-8, no control characters, not empty."""
    file = ck.path_in_edition(value.strip() if isinstance(value, str) else value, path, "body")
    if file is None:
        return ()
    try:
        size = file.stat().st_size
        if size > MAX_BODY_BYTES:
            ck.err(path, f"body file {value!r} is {size} bytes; the limit is {MAX_BODY_BYTES}",
                   "split the story")
            return ()
        data = file.read_bytes()
    except OSError as e:
        ck.err(path, f"cannot read body file {value!r}: {e.strerror}")
        return ()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        ck.err(path, f"body file {value!r} is not UTF-8 (byte 0x{data[e.start]:02X} at line {line})",
               "convert it: iconv -f GBK -t UTF-8")
        return ()
    bad = CONTROL.search(text)
    if bad:
        line = text[: bad.start()].count("\n") + 1
        ck.err(path, f"body file {value!r} line {line}: control character U+{ord(bad.group()):04X}",
               "remove it")
        return ()
    paras = split_paragraphs(text)
    if not paras:
        ck.err(path, f"body file {value!r} of story {sid!r} is empty")
    return paras
