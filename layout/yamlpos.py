"""YAML with positions: plain Python values plus a map from key path to (line, column).

PyYAML's composer keeps every node's start mark; the manifest needs them so that every
error can name file:line:column.  Duplicate keys, which PyYAML silently overwrites, are
reported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor


# libyaml's parser when PyYAML was built with it (10x faster on big manifests); marks are the same
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
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

    def walk(n: yaml.Node, path: str) -> Any:
        out.marks[path] = (n.start_mark.line + 1, n.start_mark.column + 1)
        if isinstance(n, yaml.MappingNode):
            constructor.flatten_mapping(n)
            result: dict[Any, Any] = {}
            for k, v in n.value:
                key = constructor.construct_object(k, deep=True)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    key = str(key)
                sub = join(path, key)
                if key in result:
                    out.duplicates.append((sub, k.start_mark.line + 1, k.start_mark.column + 1))
                result[key] = walk(v, sub)
                out.marks[sub + "#key"] = (k.start_mark.line + 1, k.start_mark.column + 1)
            return result
        if isinstance(n, yaml.SequenceNode):
            return [walk(v, join(path, i)) for i, v in enumerate(n.value)]
        return constructor.construct_object(n, deep=True)

    out.value = walk(node, "")
    return out
