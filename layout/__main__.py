"""`python -m layout` and the `layout` console script: one command in a process of its own."""

from __future__ import annotations

import atexit
import os
import sys
import threading

try:
    from layout.cli import main
    from layout.console import STATE
except KeyboardInterrupt:  # Ctrl-C while the command's modules load: before it has done anything
    sys.stderr.write("layout: interrupted before the command started; nothing was written\n")
    raise SystemExit(130) from None


def run() -> None:
    """`main` in a process that ends with it (`main` itself is for a caller that goes on
    afterwards: tests).  The command knows it (STATE["own_process"]: a one-off build runs
    without automatic garbage collection), and the process ends as soon as the command has:
    the exit handlers run and the standard streams are flushed as at any exit, then os._exit
    skips the interpreter's teardown, which only frees, object by object, what the build
    left for the OS to free at once (20-30 ms of a cold build of 36 pages).  Where that
    could differ from a normal exit (another thread still running, an exit status that is
    not a number, a stream that cannot be flushed) the process exits normally."""
    STATE["own_process"] = True
    try:
        main()
        code = None
    except SystemExit as e:
        code = e.code
    if threading.active_count() > 1 or not (code is None or isinstance(code, int)):
        sys.exit(code)
    if not _flushed():  # (a normal exit reports it as it always has)
        sys.exit(code)
    atexit._run_exitfuncs()
    _flushed()
    os._exit(code or 0)


def _flushed() -> bool:
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:  # (None: the descriptor was closed before Python started)
            try:
                stream.flush()
            except (OSError, ValueError):
                return False
    return True


if __name__ == "__main__":
    run()
