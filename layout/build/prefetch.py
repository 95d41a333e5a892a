"""The manifest read in a forked child while the build's process starts up.

Why: the start of a cold build is serial (import the pipeline, read the manifest, load
the fonts) and leaves the machine's other cores idle; the manifest (YAML, filler text,
photo checks) does not need the pipeline or the fonts.  So `ManifestPrefetch.start`,
called by the command line before it imports the pipeline, forks a child that reads the
manifest and hands back, pickled through a pipe, exactly what `read_edition` returned
(and what the file memos learnt: photos and PDFs are inspected once).  The pipeline takes
it (`take`) once its own start is done; about a tenth of a 2-core cold build's wall time.

Only an optimisation: whatever goes wrong in the child (an error in the manifest, an
unreadable file, a Ctrl-C, a result that cannot be pickled) hands back nothing, and the
pipeline reads the manifest itself, as without a prefetch, raising what it raises.
A one-off process only: not with threads running (a fork copies their locks held) nor
for a resident process, which reads the manifest through its session's YAML memo.
The pickle crosses a pipe from this process's own forked child, as the worker pool's
page results do; nothing read from disk is ever unpickled (the page cache is JSON).
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
from pathlib import Path


class ManifestPrefetch:
    """A child process reading one manifest; `take` its result once, `close` always."""

    def __init__(self, pid: int, fd: int, manifest: Path, allow_outside: bool):
        self.pid = pid
        self.fd = fd  # the pipe's read end
        self.manifest = manifest
        self.allow_outside = allow_outside

    @classmethod
    def start(cls, manifest: Path, allow_outside: bool) -> ManifestPrefetch | None:
        """A child reading `manifest`, or None where one would not help (one core, threads)."""
        if (os.cpu_count() or 1) < 2 or threading.active_count() > 1 or not hasattr(os, "fork"):
            return None
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return None
        if pid == 0:  # the child: never returns
            os.close(r)
            _read_in_child(w, manifest, allow_outside)
        os.close(w)
        return cls(pid, r, manifest, allow_outside)

    def take(self, manifest: Path, allow_outside: bool) -> tuple | None:
        """`read_edition(manifest, allow_outside)` as the child found it, or None: read it
        yourself (the child failed, or was asked about another manifest)."""
        if self.fd < 0 or (manifest, allow_outside) != (self.manifest, self.allow_outside):
            return None
        chunks = []
        with os.fdopen(self.fd, "rb") as pipe:
            self.fd = -1
            while chunk := pipe.read(1 << 20):
                chunks.append(chunk)
        if self._reap() != 0 or not chunks:
            return None
        try:
            found, memos = pickle.loads(b"".join(chunks))
        except Exception:  # noqa: BLE001 - e.g. an exception type that does not unpickle: read it again
            return None
        from layout.model.filememo import adopt_memos

        adopt_memos(memos)
        return found

    def close(self) -> None:
        """Stop the child if its result was not taken (the build failed first)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def _reap(self) -> int:
        pid, self.pid = self.pid, 0
        if not pid:
            return -1
        try:
            return os.waitpid(pid, 0)[1]
        except ChildProcessError:
            return -1


def _read_in_child(fd: int, manifest: Path, allow_outside: bool) -> None:
    """The child's whole life: read, pickle, write, exit without running the parent's exit
    handlers or flushing its streams (os._exit).  Any failure exits non-zero."""
    status = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C: the parent reports it, the child just ends
        from layout.model.filememo import memo_contents
        from layout.model.manifest import read_edition

        found = read_edition(manifest, allow_outside=allow_outside)
        data = pickle.dumps((found, memo_contents()), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # noqa: BLE001 - the parent reads the manifest itself and reports what it finds
        pass
    finally:
        os._exit(status)
