"""YAML with positions: plain Python values plus a map from key path to (line, column).

PyYAML's composer keeps every node's start mark; the manifest needs them so that every
error can name file:line:column.  Duplicate keys, which PyYAML silently overwrites, are
reported here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

# libyaml's parser when PyYAML was built with it (the C parser is much faster on big manifests);
# marks are the same
_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TAGS: dict[tuple[str, tuple[bool, bool]], str] = {}


class _Loader(_BASE):  # type: ignore[misc, valid-type]
    """The safe loader with implicit tags of short plain scalars memoised: PyYAML resolves
    every scalar against its regular expressions in Python, even with the C parser, and
    most of that time goes to a manifest's ids, numbers and keys, which repeat."""

    def resolve(self, kind, value, implicit):  # noqa: ANN001 - PyYAML's signature
        if kind is yaml.ScalarNode and len(value) <= 32:
            key = (value, implicit)
            tag = _TAGS.get(key)
            if tag is None:
                if len(_TAGS) > 50_000:
                    _TAGS.clear()
                tag = _TAGS[key] = super().resolve(kind, value, implicit)
            return tag
        return super().resolve(kind, value, implicit)


_LOADER = _Loader


@dataclass(eq=False, repr=False)  # never compared nor printed: no __eq__, __repr__ to compile at import
class Located:
    """Parsed YAML: `value` (dicts, lists, scalars) and `marks[path] = (line, column)`, 1-based."""

    value: Any
    marks: dict[str, tuple[int, int]] = field(default_factory=dict)
    duplicates: list[tuple[str, int, int]] = field(default_factory=list)

    def mark(self, path: str) -> tuple[int, int]:
        """The position of `path`, or of its nearest ancestor that has one."""
        while path:
            if path in self.marks:
                return self.marks[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return self.marks.get("", (1, 1))


def join(path: str, key: object) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def load(text: str) -> Located:
    """Parse one YAML document; raises yaml.YAMLError (with problem_mark) on bad syntax."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError:
        # re-parse with the pure-Python parser: its messages are the same on every machine
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    out = Located(None)
    if node is None:
        return out
    constructor = SafeConstructor()
    construct = constructor.construct_object
    marks, duplicates = out.marks, out.duplicates
    str_tag = "tag:yaml.org,2002:str"
    special = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")  # keys flatten_mapping rewrites
    mapping_node, sequence_node = yaml.MappingNode, yaml.SequenceNode

    def walk(n: yaml.Node, path: str) -> Any:
        # (a manifest has thousands of nodes: plain strings are taken as they are rather
        # than through the constructor, and paths are joined inline)
        mark = n.start_mark
        marks[path] = (mark.line + 1, mark.column + 1)
        if isinstance(n, mapping_node):
            if any(k.tag in special for k, _ in n.value):
                constructor.flatten_mapping(n)
            result: dict[Any, Any] = {}
            for k, v in n.value:
                key = k.value if k.tag == str_tag else construct(k, deep=True)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    key = str(key)
                sub = (f"{path}.{key}" if path else key) if type(key) is str else join(path, key)
                kmark = k.start_mark
                if key in result:
                    duplicates.append((sub, kmark.line + 1, kmark.column + 1))
                result[key] = walk(v, sub)
                marks[sub + "#key"] = (kmark.line + 1, kmark.column + 1)
            return result
        if isinstance(n, sequence_node):
            return [walk(v, f"{path}[{i}]") for i, v in enumerate(n.value)]
        return n.value if n.tag == str_tag else construct(n, deep=True)

    out.value = walk(node, "")
    return out


class AliasError(Exception):
    """Aliases that expand without bound or refer to themselves."""

    def __init__(self, message: str, line: int, column: int, hint: str):
        super().__init__(message)
        self.message, self.line, self.column, self.hint = message, line, column, hint


def bad_scalar(text: str) -> tuple[str, int, int]:
    """The first scalar whose YAML type cannot be constructed (2026-02-30 as a date,
    !!int abc): its text, line and column; ("", 0, 0) if none is found."""
    from yaml.constructor import SafeConstructor

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return "", 0, 0
    constructor = SafeConstructor()
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                constructor.construct_object(node, deep=True)
            except (ValueError, TypeError, OverflowError, AttributeError, KeyError, IndexError, yaml.YAMLError):
                return str(node.value), node.start_mark.line + 1, node.start_mark.column + 1
        elif isinstance(node, yaml.MappingNode):
            stack += [v for pair in reversed(node.value) for v in reversed(pair)]
        elif isinstance(node, yaml.SequenceNode):
            stack += list(reversed(node.value))
    return "", 0, 0


def check_alias_expansion(text: str, limit: int) -> None:
    """Refuse YAML whose aliases expand to more than `limit` nodes, or refer to themselves
    (AliasError): `load` expands every alias into plain values (with a position per node),
    so nine nested 9-fold aliases in 300 bytes would need ~10^9 nodes."""
    loader = _LOADER
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return  # a syntax error: yamlpos.load reports it with its position
    if root is None:
        return
    size: dict[int, int] = {}
    busy: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            busy.discard(key)
            kids = ([v for pair in node.value for v in pair] if isinstance(node, yaml.MappingNode)
                    else node.value if isinstance(node, yaml.SequenceNode) else [])
            size[key] = min(1 + sum(size[id(k)] for k in kids), limit + 1)
            continue
        if key in size:
            continue
        if key in busy:
            raise AliasError("an alias refers to the node that contains it", node.start_mark.line + 1,
                             node.start_mark.column + 1, "remove the recursive alias")
        busy.add(key)
        stack.append((node, True))
        if isinstance(node, yaml.MappingNode):
            stack += [(v, False) for pair in node.value for v in pair]
        elif isinstance(node, yaml.SequenceNode):
            stack += [(v, False) for v in node.value]
    if size[id(root)] > limit:
        raise AliasError(f"the aliases (*name) expand to more than {limit:,} values", 0, 0,
                         "a manifest that large is a mistake (or a 'billion laughs' attack): write the values out")


# -- re-parsing only what changed (layout watch) ---------------------------------------
_PAGES_LINE = re.compile(r"pages:[ \t]*(#.*)?")
_PLAIN_KEY = re.compile(r"[^\s'\"#{}\[\],&*!|>%@`?:-][^:#]*:(?: |$)")
_MARKERS = re.compile(r"^(?:---|\.\.\.|%)", re.M)  # document markers, directives
_NODE_PROPERTY = re.compile(r"(?:^|[\s\[{,])[&*!]")  # where an anchor, alias or tag could begin
_MEMO_LIMIT = 1024


@dataclass(eq=False, repr=False)  # never compared nor printed: no __eq__, __repr__ to compile at import
class _Cut:
    """Where `load_segmented` cuts a manifest: the text up to and including `pages:`, each
    page entry with its first line (0-based), and the top-level keys after the pages."""

    head: str
    entries: list[tuple[int, str]]
    indent: int  # of the page labels
    tail: tuple[int, str] | None


def load_segmented(text: str, memo: dict[str, Located]) -> Located:
    """The same as `load(text)`, but each entry of the top-level `pages:` mapping (and the
    text before and after it) is parsed on its own and remembered in `memo` by its text:
    when `layout watch` reloads a manifest after an edit to one page, only that page's
    lines are parsed again.

    Only a manifest of the plain shape editors write is cut up: block style, `pages:` on a
    line of its own followed by page entries at one indentation, each a plain key, and no
    anchors, aliases, tags, directives or document markers (an `&`, `*` or `!` where a node
    could begin, a line starting with `%`, `---` or `...`, a tab or a carriage return sends
    it whole to `load`).  A part that does not parse, or a top-level key given twice, also
    sends the whole document to `load`, so errors and their positions are always those of
    a whole parse."""
    cut = _cut(text)
    if cut is None:
        return load(text)
    try:
        head = _memo_load(cut.head, memo)
        entries = [(start, _memo_load(part, memo)) for start, part in cut.entries]
        tail = (cut.tail[0], _memo_load(cut.tail[1], memo)) if cut.tail else None
    except Exception:  # noqa: BLE001 - whatever a part raises, the whole parse raises it with its own position
        return load(text)
    root = head.value
    plain = isinstance(root, dict) and root.get("pages", 0) is None \
        and not any(p == "pages" for p, _, _ in head.duplicates) \
        and all(isinstance(d.value, dict) for _, d in entries) \
        and (tail is None or (isinstance(tail[1].value, dict) and not set(tail[1].value) & set(root)))
    if not plain:  # pages not a mapping of pages, or a top-level key given twice
        return load(text)
    out = Located({})
    out.marks.update(head.marks)
    out.duplicates.extend(head.duplicates)
    pages: dict[Any, Any] = {}
    for start, doc in entries:
        _shifted(doc, start, "pages", out)
        for key, value in doc.value.items():
            if key in pages:  # a label given twice: the later wins, as in a whole parse
                sub = join("pages", key)
                out.duplicates.append((sub, *out.marks[sub + "#key"]))
            pages[key] = value
    out.marks["pages"] = (cut.entries[0][0] + 1, cut.indent + 1)  # the mapping starts at its first key
    out.value = {**root, "pages": pages}
    if tail is not None:
        _shifted(tail[1], tail[0], "", out)
        out.value.update(tail[1].value)
    return out


def _shifted(doc: Located, start: int, under: str, out: Located) -> None:
    """Add a part's positions to `out`: lines moved down by `start`, paths put `under` a key."""
    def path_of(p: str) -> str:
        return p if not under else under + p if p[0] == "[" else f"{under}.{p}"

    for path, (line, col) in doc.marks.items():
        if path:
            out.marks[path_of(path)] = (line + start, col)
    out.duplicates.extend((path_of(p), line + start, col) for p, line, col in doc.duplicates)


def _memo_load(part: str, memo: dict[str, Located]) -> Located:
    got = memo.pop(part, None)
    if got is None:
        got = load(part)
    memo[part] = got  # most recently used last
    while len(memo) > _MEMO_LIMIT:
        memo.pop(next(iter(memo)))
    return got


def _cut(text: str) -> _Cut | None:
    """Where to cut `text`, or None when it is not of the plain shape."""
    if "\r" in text or "\t" in text or _MARKERS.search(text) or _NODE_PROPERTY.search(text):
        return None
    lines = text.split("\n")
    at = [i for i, ln in enumerate(lines) if _PAGES_LINE.fullmatch(ln)]
    if len(at) != 1:
        return None
    p = at[0]
    indent = 0
    starts: list[int] = []
    end = len(lines)
    for i in range(p + 1, len(lines)):
        ln = lines[i]
        body = ln.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        n = len(ln) - len(body)
        if not indent:
            indent = n
            if n == 0:
                return None  # pages: with nothing under it
        if n == 0:
            end = i
            break
        if n < indent:
            return None
        if n == indent:
            if not _PLAIN_KEY.match(body):
                return None
            starts.append(i)
    if not starts:
        return None
    if end < len(lines) and not _PLAIN_KEY.match(lines[end]):
        return None  # the tail must be top-level keys
    bounds = starts + [end]
    entries = [(a, "\n".join(lines[a:b]) + "\n") for a, b in zip(bounds, bounds[1:])]
    tail = (end, "\n".join(lines[end:])) if end < len(lines) else None
    return _Cut("\n".join(lines[:p + 1]) + "\n", entries, indent, tail)


# -- writing values back (layout fit --write) --------------------------------------------
_BREAKS = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what PyYAML counts as a line break
_PLAIN_TOKEN = re.compile(r"[^\s,\[\]{}#'\"]+")


def set_scalars(text: str, values: dict[str, str]) -> str:
    """`text` with the plain scalar at each key path (`pages.T1.stories[2].frame.lines`)
    replaced by the given text, and nothing else changed: comments, quoting, flow or block
    style and every other byte stay as the editor wrote them (the YAML is never dumped
    again).  Raises ValueError naming the path when a path is not in the document or its
    value is not a plain scalar (a quoted or multi-line value is left to the editor)."""
    doc = load(text)
    starts = [0] + [m.end() for m in _BREAKS.finditer(text)]
    edits = []
    for path, new in values.items():
        if path not in doc.marks or not isinstance(_get(doc.value, path), (int, float, str)):
            raise ValueError(f"{path} is not a value of this document")
        line, col = doc.marks[path]
        at = starts[line - 1] + col - 1
        token = _PLAIN_TOKEN.match(text, at)
        if token is None or str(_get(doc.value, path)) != token.group():
            raise ValueError(f"{path} at line {line}, column {col} is not a plain value")
        edits.append((at, token.end(), new))
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _get(value: Any, path: str) -> Any:
    for part in re.findall(r"\[(\d+)\]|\.?([^.\[\]]+)", path):
        index, key = part
        try:
            value = value[int(index)] if index else value[key]
        except (KeyError, IndexError, TypeError):
            return None
    return value
