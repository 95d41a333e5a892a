"""The manifest checker: converts parsed YAML values into plain values and collects problems.

Every conversion (`text`, `integer`, `frame`, a file path inside the edition folder ...)
returns a usable value even when the input is wrong, so that loading goes on and the user
sees *every* problem of a manifest at once, each with file:line:column and key path.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from layout.errors import Problem
from layout.model import yamlpos
from layout.model.edition import Frame, PendingFrame, Where

FRAME_KEYS = {"col", "span", "top", "lines"}
# control characters (and the Unicode line/paragraph separators) have no place in a newspaper
# and would reach the typesetter as glyphs no face has
BELOW = re.compile(r"below\s+([^\s,]+(?:\s*,\s*[^\s,]+)*)")  # top: below <id>[, <id>...]
AUTO = "auto"  # lines: auto
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]")
_LINE_SPACE = re.compile(r"[^\S\u00A0]+")  # white space in a one-line text, but U+00A0


class Checker:
    """Collects problems while converting the parsed YAML into model objects."""

    def __init__(self, file: Path, doc: yamlpos.Located, allow_outside: bool):
        self.file = file
        self.base = file.parent.resolve()
        self.doc = doc
        self.allow_outside = allow_outside
        self.problems: list[Problem] = []

    # -- reporting -------------------------------------------------------------
    def pos(self, path: str) -> tuple[int, int]:
        """Line and column of `path`: its value, or its key when the value is a block that
        starts on a later line (``A4:`` followed by an indented mapping)."""
        value = self.doc.marks.get(path)
        key = self.doc.marks.get(path + "#key")
        if value is not None and key is not None and value[0] != key[0]:
            return key
        return self.doc.mark(path)

    def where(self, path: str) -> Where:
        line, col = self.pos(path)
        return Where(str(self.file), line, col, path)

    def err(self, path: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem.at(self.where(path), message, hint))

    # -- shapes ------------------------------------------------------------------
    def mapping(self, value: Any, path: str, keys: set[str], required: tuple[str, ...] = ()) -> dict | None:
        if not isinstance(value, dict):
            self.err(path, f"expected a mapping with keys {', '.join(sorted(keys))}, got {kind(value)}")
            return None
        unknown = value.keys() - keys  # (in C: nearly every mapping has only known keys)
        for k in value if unknown else ():  # reported in the manifest's order
            if k in unknown:
                close = difflib.get_close_matches(str(k), sorted(keys), n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(sorted(keys))}"
                line, col = self.doc.marks.get(yamlpos.join(path, k) + "#key", self.doc.mark(path))
                self.problems.append(Problem(f"unknown key {k!r}", str(self.file), line, col,
                                             yamlpos.join(path, k), hint))
        for k in required:
            if value.get(k) is None:
                self.err(path, f"missing required key {k!r}")
        return value

    def text(self, value: Any, path: str, required: bool = False) -> str:
        if value is None:
            if required:
                self.err(path, "missing required text")
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.err(path, f"expected text, got {kind(value)}")
            return ""
        s = str(value)
        if CONTROL.search(s):
            bad = CONTROL.search(s).group()  # type: ignore[union-attr]
            self.err(path, f"control character U+{ord(bad):04X} in text", "remove it")
        return s

    def line(self, value: Any, path: str, required: bool = False) -> str:
        """One-line text (headline, byline, caption...): runs of whitespace become one space,
        except the no-break space U+00A0, the escape that keeps a space (layout/text/spacing.py)."""
        return _LINE_SPACE.sub(" ", self.text(value, path, required)).strip()

    def integer(self, value: Any, path: str, lo: int, hi: int, default: int | None = None) -> int:
        if value is None and default is not None:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.err(path, f"expected a whole number from {lo} to {hi}, got {kind(value)} {value!r}")
            return lo
        if not lo <= value <= hi:
            self.err(path, f"{value} is out of range {lo}..{hi}")
            return max(lo, min(hi, value))
        return value

    def boolean(self, value: Any, path: str) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):
            self.err(path, f"expected true or false, got {value!r}")
            return False
        return value

    def sequence(self, value: Any, path: str) -> list:
        """A list, or an empty one (with a problem) for anything else; absent is empty."""
        if value is None:
            return []
        if not isinstance(value, list):
            self.err(path, f"expected a list, got {kind(value)}")
            return []
        return value

    def path_in_edition(self, value: Any, path: str, what: str) -> Path | None:
        """The resolved path of a file the manifest names (a body text, a photo): inside the
        edition folder unless --allow-outside, existing, a file; None (with a problem) if not."""
        if not isinstance(value, str) or not value.strip():
            self.err(path, f"expected a file path for the {what}, got {kind(value)}")
            return None
        bad = CONTROL.search(value) or re.search(r"[\x00\r\n\t]", value)
        if bad:  # a NUL makes every os call raise ValueError
            self.err(path, f"control character U+{ord(bad.group()):04X} in the {what} file path {value!r}",
                     "remove it")
            return None
        p = Path(value)
        full = p if p.is_absolute() else self.base / p
        try:
            resolved = full.resolve(strict=False)
        except (RuntimeError, OSError) as e:  # symlink loops
            self.err(path, f"cannot resolve {value!r}: {e}", "fix the symbolic link")
            return None
        if not self.allow_outside and not resolved.is_relative_to(self.base):
            self.err(path, f"{value!r} points outside the edition folder {self.base}",
                     "move the file into the edition folder or pass --allow-outside")
            return None
        try:
            exists, is_file = resolved.exists(), resolved.is_file()
        except (OSError, ValueError) as e:  # name too long, permission denied on a parent folder, ...
            self.err(path, f"cannot use {what} file {value!r}: {getattr(e, 'strerror', None) or e}",
                     "check the name; paths are relative to the manifest")
            return None
        if not exists:
            self.err(path, f"{what} file {value!r} not found (looked for {resolved})",
                     "check the name; paths are relative to the manifest")
            return None
        if not is_file:
            self.err(path, f"{what} {value!r} is not a file")
            return None
        return resolved

    def frame(self, value: Any, path: str) -> Frame | None:
        """A frame of grid cells; `top: below <id>` and `lines: auto` give a PendingFrame,
        placed by layout.page.autosize once the copy is set."""
        m = self.mapping(value, path, FRAME_KEYS, ("col", "span", "top", "lines"))
        if m is None or any(m.get(k) is None for k in FRAME_KEYS):
            return None
        col = self.integer(m["col"], f"{path}.col", 1, 64)
        span = self.integer(m["span"], f"{path}.span", 1, 64)
        below: tuple[str, ...] = ()
        top_value = m["top"]
        if isinstance(top_value, str):
            match = BELOW.fullmatch(top_value.strip())
            if match is None:
                self.err(f"{path}.top", f"expected a grid line (0-1000) or 'below <id>[, <id>...]', got {top_value!r}",
                         "e.g. top: 33 or top: below lead")
                top = 0
            else:
                below, top = tuple(re.split(r"\s*,\s*", match.group(1))), -1
        else:
            top = self.integer(top_value, f"{path}.top", 0, 1000)
        auto = m["lines"] == AUTO
        lines = 0 if auto else self.lines(m["lines"], f"{path}.lines", 1)
        if auto or below:
            return PendingFrame(col, span, top, lines, auto, below)
        return Frame(col, span, top, lines)

    def lines(self, value: Any, path: str, lo: int) -> int:
        """A number of grid lines; the word `auto` is accepted by the callers that allow it."""
        if isinstance(value, str) and not isinstance(value, bool):
            self.err(path, f"expected a whole number of grid lines ({lo}-1000) or auto, got {value!r}")
            return lo
        return self.integer(value, path, lo, 1000)


def kind(value: Any) -> str:
    """How a wrong value is named in a message: "got a list", "got nothing"."""
    if value is None:
        return "nothing"
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


_BREAK = re.compile(r"(?<!\\)\|")  # a | not preceded by a backslash


def display_text(ck: Checker, value: Any, path: str, required: bool = False) -> tuple[str, tuple[int, ...]]:
    """A kicker, headline or subhead: one text whose `|` marks a line break, or a list of lines.

    Returns the text as printed (whitespace runs as one space, `\\|` as a literal |, no
    marks) and the offsets in it where the editor broke the line.  Spaces around a break
    are dropped: the break separates the phrases."""
    if value is None and not required:  # (most stories have no kicker, no subhead: read before the workers fork)
        return "", ()
    if isinstance(value, list):
        if not value:
            ck.err(path, "empty list of lines", "give one text per line, or a single text")
        items = [(v, f"{path}[{i}]", True) for i, v in enumerate(value)]
    else:
        items = [(value, path, required)]
    parts: list[str] = []
    for v, where, needed in items:
        known = len(ck.problems)
        text = ck.text(v, where, needed)
        pieces = [re.sub(r"\s+", " ", piece.replace("\\|", "|")).strip() for piece in _BREAK.split(text)]
        if (len(pieces) > 1 or len(items) > 1) and not all(pieces) and len(ck.problems) == known:
            ck.err(where, f"empty line in {text!r}", "remove the extra | (write \\| to print a |)")
        parts += [piece for piece in pieces if piece]
    breaks, at = [], 0
    for piece in parts[:-1]:
        at += len(piece)
        breaks.append(at)
    return "".join(parts), tuple(breaks)
