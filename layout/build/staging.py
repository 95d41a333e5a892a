"""Writing outputs safely: atomic files, outputs renamed into place together, one build per folder.

In: paths and bytes.  Out: files that are either entirely the old version or entirely the
new one, never half-written, whatever interrupts the build (Ctrl-C, SIGTERM, a kill, a
full disk).  Three tools, all built on one way of writing a file (`write_temp`):

* `write_atomic` - one file: a temporary beside it, fsynced, renamed over it.
* `StagedWrites` - a build's outputs: every temporary written first, then all renamed
  together (`commit`) with SIGINT/SIGTERM held off until the last rename.
* `BuildLock`    - one build per output folder at a time (flock; a dead owner's lock is
  taken over).
"""

from __future__ import annotations

import glob
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from layout.errors import OutputError, Problem


def write_temp(path: Path, data: bytes, durable: bool = True) -> str:
    """`data` in a new temporary file beside `path` (`.<name>.*.tmp`, mode 0644), flushed to
    disk when `durable`; returns the temporary's name.  The temporary is removed again if
    writing it fails; OSError is left to the caller, which knows what a failure means."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return tmp


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace `path` by `data` atomically: a temporary in the same folder (fsynced when
    `durable`), renamed over the target.  Readers see the old file or the new one, never a
    part.  Raises OutputError naming the file (a folder in the way, disk full, ...)."""
    try:
        tmp = write_temp(path, data, durable)
    except OSError as e:
        raise OutputError(Problem(f"cannot write {path}: {e.strerror or e}")) from None
    try:
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError):
            raise OutputError(Problem(f"cannot write {path}: {e.strerror or e}")) from None
        raise


@contextmanager
def signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM are delivered only when the block is left (main thread only):
    what the block does (renaming a build's outputs, taking or dropping the lock) is
    finished or not started, never half done."""
    import signal
    import threading

    block = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if block else None
    try:
        yield
    finally:
        if block:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _remove_leftovers(path: Path) -> None:
    """Temporaries a killed build left for `path` (callers hold the BuildLock)."""
    for old in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        old.unlink(missing_ok=True)


class StagedWrites:
    """Files written beside their targets under temporary names (`.<name>.*.tmp`), fsynced,
    then renamed over the targets together by `commit`; `discard` removes what was not
    committed.  Temporaries left by a killed build for the same targets are removed first
    (callers hold the BuildLock, so no other build is writing them)."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Path]] = []
        self.targets: list[Path] = []  # known before mkstemp: an interrupt in between leaves nothing

    def add(self, path: Path, data: bytes) -> None:
        self.targets.append(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _remove_leftovers(path)
            self.items.append((write_temp(path, data), path))
        except OSError as e:  # disk full, permissions, ...: the previous outputs stay as they were
            raise OutputError(Problem(f"cannot write {path}: {e.strerror or e}",
                                      hint="check the output folder (space, permissions) or use -o")) from None

    def keep(self, path: Path) -> None:
        """`path` already holds the right bytes: only remove temporaries a killed build left
        for it."""
        try:
            _remove_leftovers(path)
        except OSError:
            pass

    def commit(self) -> None:
        """Rename every file into place; Ctrl-C (SIGINT) and SIGTERM wait until all are."""
        with signals_held():
            folders = set()
            for tmp, path in self.items:
                try:
                    os.replace(tmp, path)
                except OSError as e:
                    raise OutputError(Problem(f"cannot write {path}: {e.strerror or e}",
                                              hint="is a folder in the way of the file?")) from None
                folders.add(path.parent)
            self.items = []
            self.targets = []
            for folder in folders:  # make the renames durable
                try:
                    dfd = os.open(folder, os.O_RDONLY)
                except OSError:
                    continue
                try:
                    os.fsync(dfd)
                except OSError:
                    pass
                finally:
                    os.close(dfd)

    def discard(self) -> None:
        for tmp, _ in self.items:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
        for path in self.targets:  # a temporary made just before an interrupt, not yet listed
            _remove_leftovers(path)
        self.items = []
        self.targets = []


class BuildLock:
    """One build per output folder at a time; a lock left by a dead process is taken over.

    The lock is an flock(2) on `.layout.lock` (which also holds the owner's pid, for the
    message): the kernel releases it when its process dies, however it dies, so a lock
    left by a killed build is simply taken, and two builds starting together cannot both
    win (checking a pid file and then deleting it could: a reader saw an empty file
    while its writer was between create and write, or two takers deleted each other's).
    """

    def __init__(self, out_dir: Path):
        self.path = out_dir / ".layout.lock"
        self.fd: int | None = None

    def __enter__(self) -> "BuildLock":
        # Ctrl-C waits until the lock is either held (then __exit__ removes it) or not
        # taken: an interrupt between creating the file and holding it would leave it behind
        try:
            with signals_held():
                return self._acquire()
        except BaseException:  # a Ctrl-C held off above is delivered as the block ends
            self.__exit__(None, None, None)
            raise

    def _acquire(self) -> "BuildLock":
        import fcntl

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise OutputError(Problem(f"cannot create the output folder {self.path.parent}: {e.strerror}",
                                      hint="-o must name a folder (it may not exist yet), not a file")) from None
        for _ in range(100):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as e:
                raise OutputError(Problem(f"cannot lock {self.path.parent}: {e.strerror}",
                                          hint="is the output folder writable?")) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                try:
                    pid = int(os.read(fd, 32).decode("ascii", "replace").strip() or "0")
                except (OSError, ValueError):
                    pid = 0
                os.close(fd)
                who = f"process {pid}" if pid else "another process"
                raise OutputError(Problem(
                    f"another build ({who}) is writing to {self.path.parent}",
                    hint="wait for it to finish, or build into another folder with -o")) from None
            try:  # the file we locked may have been unlinked by a build finishing meanwhile
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            self.fd = fd
            return self
        raise OutputError(Problem(f"cannot lock {self.path.parent}"))

    def __exit__(self, *exc) -> None:
        with signals_held():
            if self.fd is not None:
                self.path.unlink(missing_ok=True)  # while still holding it: see the inode check above
                os.close(self.fd)
                self.fd = None
