"""What the command line's commands share: standard streams that never raise, the consoles
and the messages printed on them.

Streams that never raise: a full disk, a closed pipe or a
closed descriptor must not turn a finished build into a traceback (`layout build >
/dev/full`, `layout check | head -1`).  The build's outputs are written all the same; the
command says once, on stderr if it can, that its messages were dropped.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from layout import paths
from layout.errors import Finding, LayoutError


class SafeStream:
    """A standard stream as the command writes to it.  A write that fails (ENOSPC, EPIPE, a
    closed stream: `layout build > /dev/full`, `layout build | head -1`) is remembered, not
    raised, and later writes are dropped: the build's outputs are written all the same, the
    exit code is the command's, and `main` says so in one line on stderr (if it works).

    Until `main` installs it as sys.stdout / sys.stderr (`take`), the current stream is
    looked up at every write: CliRunner swaps them in tests, rich's live display proxies them."""

    _UNSET = object()

    def __init__(self, name: str):
        self.name = name
        self.failed = ""  # why the stream stopped taking output
        self._real = self._UNSET

    def take(self) -> None:
        """Stand in for sys.<name>, so that typer's and click's own printing (help text,
        usage errors) cannot raise either."""
        self._real = getattr(sys, self.name)
        setattr(sys, self.name, self)

    def give_back(self) -> None:
        if self._real is not self._UNSET:
            if getattr(sys, self.name) is self:
                setattr(sys, self.name, self._real)
            self._real = self._UNSET

    def _target(self):
        f = getattr(sys, self.name) if self._real is self._UNSET else self._real
        return getattr(f, "rich_proxied_file", f)

    def write(self, text: str) -> int:
        if not self.failed:
            f = self._target()
            try:
                if f is None:  # the descriptor was closed before Python started
                    raise OSError(0, "it is closed")
                f.write(text)  # bytes raise TypeError, as from any text stream (click probes so)
                f.flush()
            except (OSError, ValueError) as e:  # ValueError: I/O operation on closed file
                self.failed = getattr(e, "strerror", None) or str(e) or type(e).__name__
                _silence(f)
        return len(text)

    def flush(self) -> None:
        pass  # every write is flushed (or has failed)

    def isatty(self) -> bool:
        try:
            return bool(self._target().isatty())
        except (AttributeError, OSError, ValueError):
            return False

    def fileno(self) -> int:
        f = self._target()
        if f is None:
            raise OSError(0, "it is closed")
        return f.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self._target(), "encoding", None) or "utf-8"

    @property
    def errors(self) -> str:
        return getattr(self._target(), "errors", None) or "strict"


def _silence(f) -> None:
    """Point a failed standard stream at /dev/null, so that what its buffer still holds is
    not flushed again at exit (Python would print "Exception ignored" and exit with 120)."""
    try:
        fd = f.fileno()
    except (AttributeError, OSError, ValueError):  # no descriptor (closed at start, a test's buffer)
        return
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fd)
        os.close(devnull)
    except OSError:
        pass


class LazyConsole:
    """A rich Console made at its first use: rich takes a noticeable part of the start-up
    and a quiet build (`-q`, scripts, the benchmarks) prints nothing at all.  Every
    attribute is the Console's; `console` is the Console itself (rich's live displays
    want the real object)."""

    def __init__(self, file: SafeStream):
        self._file = file
        self._console = None

    @property
    def console(self):
        if self._console is None:
            from rich.console import Console

            self._console = Console(file=self._file, highlight=False)
        return self._console

    def __getattr__(self, name: str):
        return getattr(self.console, name)


STDOUT, STDERR = SafeStream("stdout"), SafeStream("stderr")
err = LazyConsole(STDERR)
out = LazyConsole(STDOUT)
STATE = {"debug": False, "quiet": False, "verbose": False,  # the global options of this command
         "own_process": False}  # the process ends with the command (layout/__main__.py run)
INTERRUPTED = 130  # exit code after Ctrl-C (128 + SIGINT), as shells report it
EDITION_HELP = "The edition: its edition.yaml or the folder holding it (default: the bundled sample)."


def manifest_of(edition: Path | None) -> Path:
    return edition if edition is not None else paths.sample_edition()


def plural(n: int, word: str) -> str:
    """'1 page', '2 pages' (as layout.page.fit.plural, without importing the typesetter at start-up)."""
    return f"{n} {word if n == 1 else word + 's'}"


def shown(text: object) -> str:
    """`text` as it can be printed: a file name that is not UTF-8 (-o given as raw bytes)
    has its undecodable bytes shown as U+FFFD instead of failing the print."""
    return str(text).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def print_warnings(findings: list[Finding], limit: int | None = 10) -> None:
    """Warnings, at most `limit` of them unless --verbose (all of them then)."""
    warnings = [f for f in findings if f.severity == "warning"]
    listed = warnings if STATE["verbose"] or limit is None else warnings[:limit]
    for f in listed:
        out.print(f"  warning: {shown(f.where)}: {shown(f.message)}", markup=False, soft_wrap=True)
    if len(warnings) > len(listed):
        out.print(f"  … {plural(len(warnings) - len(listed), 'more warning')} (--verbose shows all)", markup=False)


def fail(e: BaseException) -> None:
    if STATE["debug"]:
        raise e
    if isinstance(e, LayoutError):
        if e.findings and not STATE["quiet"]:  # the build's other findings first: the errors come last
            print_warnings(e.findings)
        kind = type(e).__name__.replace("Error", " error").lower()
        err.print(f"[bold red]{kind}[/] ({plural(len(e.problems), 'problem')}):")
        for p in e.problems:
            err.print(f"  {shown(p)}", markup=False)
    else:
        err.print(f"[bold red]internal error[/]: {type(e).__name__}: {shown(e)} (run with --debug for the traceback)")
    raise typer.Exit(1)


def interrupted(what: str, out_dir: Path | None = None) -> None:
    """Ctrl-C: one clear line, exit code 130, no traceback (unless --debug)."""
    if STATE["debug"]:
        raise KeyboardInterrupt
    msg = f"interrupted: {what} stopped before it finished"
    if out_dir is not None:
        msg += (f"; nothing in {shown(out_dir)} was replaced: it holds the outputs of the last build that "
                f"finished (outputs are renamed into place together at the end, never left half-written)")
    err.print(msg, markup=False)
    raise typer.Exit(INTERRUPTED)


def with_progress(fn):
    """`fn(progress)` with the build's page progress shown: a bar on a terminal, a line per
    page otherwise, nothing with -q."""
    if STATE["quiet"]:
        return fn(None)
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err.console,
                      transient=True) as prog:
            task = prog.add_task("pages", total=None)

            def cb(label: str, i: int, n: int) -> None:
                prog.update(task, total=n, completed=i, description=f"page {label}")
            return fn(cb)

    def plain(label: str, i: int, n: int) -> None:  # not a terminal: one plain line per page
        err.print(f"page {label} ({i}/{n})", markup=False)
    return fn(plain)
