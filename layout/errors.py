"""The error tree and Findings.

Two kinds of bad news travel through the pipeline:

* errors, raised, stop the build.  Every error the user can cause names where it came
  from (file, line, column, key path, story id, page label) and what to do::

      LayoutError
      ├── ManifestError     YAML syntax, schema, cross references (all problems at once)
      ├── StyleError        a style sheet that cannot be used
      ├── FontError         missing font files, uncovered characters (code point, story, page)
      ├── CompositionError  geometry that cannot be composed (headline does not fit, ...)
      ├── OversetError      text left over after all frames (story, page, figures)
      ├── RenderError       the PDF writer failed
      └── OutputError       output folder locked, not writable, ...

* Findings, collected, describe layout quality (overset, underset, low-ppi images);
  the caller decides whether a finding fails the build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class Position(Protocol):
    """A source position: what `layout.model.edition.Where` records for each manifest node
    (a protocol, so that this foundation module need not import the model)."""

    @property
    def file(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def path(self) -> str: ...


@dataclass(frozen=True)
class Problem:
    """One user-facing problem with its source position."""

    message: str
    file: str = ""
    line: int = 0  # 1-based; 0 = unknown
    column: int = 0  # 1-based; 0 = unknown
    path: str = ""  # key path in the manifest, e.g. pages.A1.stories[0].frame
    hint: str = ""

    @classmethod
    def at(cls, where: Position | None, message: str, hint: str = "", key: str = "") -> Problem:
        """A problem at a manifest node's position: file, line, column and key path from
        `where` (nothing when None: an object made in code rather than read from a manifest),
        `key` naming a key under that node (``"file"`` -> ``pages.A1.photos[0].file``)."""
        if where is None:
            return cls(message, hint=hint)
        path = (f"{where.path}.{key}" if where.path else key) if key else where.path
        return cls(message, where.file, where.line, where.column, path, hint)

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}"
            if self.column:
                where += f":{self.column}"
        parts = [p for p in (where, self.path) if p]
        head = ": ".join(parts)
        text = f"{head}: {self.message}" if head else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


class LayoutError(Exception):
    """Base of every error the tool reports to a user (exit code 1)."""

    def __init__(self, problems: list[Problem] | Problem | str, findings: list[Finding] | tuple = ()):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        # the warnings of a build that stopped on its errors (a 34-line hole next to an
        # overset story): shown with the errors, not lost with the build
        self.findings: list[Finding] = list(findings)
        super().__init__("\n".join(str(p) for p in self.problems))


class ManifestError(LayoutError):
    """The edition manifest (or a file it names) is invalid."""


class StyleError(LayoutError):
    """A style sheet is missing or invalid."""


class FontError(LayoutError):
    """Fonts missing, unreadable, or a character no face covers."""


class CompositionError(LayoutError):
    """A page cannot be composed (e.g. a headline that fits at no allowed size)."""


class OversetError(LayoutError):
    """Text did not fit its frames."""


class RenderError(LayoutError):
    """The PDF could not be written."""


class OutputError(LayoutError):
    """Output folder problems: locked by another build, not writable."""


@dataclass(frozen=True)
class Finding:
    """A layout observation: severity 'error' | 'warning' | 'info'."""

    severity: str
    code: str  # overset, underset, low-ppi, font-fallback, ...
    where: str  # "A1/medical" and the like
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.severity}: {self.where}: {self.message}"
