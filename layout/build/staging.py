"""Writing outputs safely: atomic files, outputs renamed into place together, one build per folder.

In: paths and bytes.  Out: files that are either entirely the old version or entirely the
new one, never half-written, whatever interrupts the build (Ctrl-C, SIGTERM, a kill, a
full disk).  Three tools, all built on one way of writing a file (`write_temp`, which
writes through `write_bytes`):

* `write_atomic` - one file: a temporary beside it, fsynced, renamed over it.
* `StagedWrites` - a build's outputs: every temporary written first, then all renamed
  together (`commit`) with SIGINT/SIGTERM held off until the last rename.  Every target
  is checked before the first rename, the old files are kept as hidden links until the
  last rename has succeeded, and a rename that fails puts every earlier one back: the
  outputs are all old or all new.
* `BuildLock`    - one build per output folder at a time (flock; a dead owner's lock is
  taken over).

Every failure is an OutputError that names the file and says that the previous outputs
are intact (a full disk says "disk full"); no temporary is left behind.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from layout.errors import Finding, OutputError, Problem

INTACT = "previous outputs are intact"
_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_HINT_SPACE = "free some space on that disk, or build into another folder with -o"
_HINT_FOLDER = "check the output folder (permissions, a folder or file in the way) or use -o"


def write_bytes(fd: int, data: bytes) -> None:
    """All of `data` to the open file `fd`.  The one function through which every output
    and cache file is written, so that a test can make the disk "fill up" at any write."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def failure(e: OSError, what: str, path: Path | str, intact: bool = True) -> Problem:
    """The problem an OSError while writing `path` is: "disk full while writing X" for a
    full disk or quota, else "cannot write X: <reason>"; says that the previous outputs
    are intact (when they are)."""
    tail = f"; {INTACT}" if intact else ""
    if e.errno in _FULL:
        return Problem(f"disk full while {what} {path}{tail}", hint=_HINT_SPACE)
    return Problem(f"cannot write {path}: {e.strerror or e}{tail}", hint=_HINT_FOLDER)


def write_temp(path: Path, data: bytes, durable: bool = True, mode: int = 0o644) -> str:
    """`data` in a new temporary file beside `path` (`.<name>.*.tmp`), flushed to disk when
    `durable`; returns the temporary's name.  The temporary is removed again if writing it
    fails; OSError is left to the caller, which knows what a failure means."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            os.fchmod(fd, mode)
            write_bytes(fd, data)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        remove(tmp)
        raise
    return tmp


def remove(name: str | Path) -> None:
    """Remove a file if it is there (a temporary that is no longer wanted)."""
    try:
        os.unlink(name)
    except OSError:
        pass


def write_atomic(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace `path` by `data` atomically: a temporary in the same folder (fsynced when
    `durable`), renamed over the target.  Readers see the old file or the new one, never a
    part.  Raises OutputError naming the file (a folder in the way, disk full, ...)."""
    try:
        tmp = write_temp(path, data, durable)
    except OSError as e:
        raise OutputError(failure(e, "writing", path)) from None
    try:
        os.replace(tmp, path)
    except BaseException as e:
        remove(tmp)
        if isinstance(e, OSError):
            raise OutputError(failure(e, "writing", path)) from None
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


def _remove_leftovers(path: Path, listing: dict[Path, list[str]] | None = None) -> None:
    """Temporaries (and old-file links) a killed build left for `path` (callers hold the
    BuildLock): `.<name>.*.tmp`.  `listing`: the folders' names as read once for a build's
    outputs (StagedWrites.add: one directory read, not one glob, for forty files in one
    folder; what is made after that read is this build's own)."""
    folder = path.parent
    if listing is None:
        names = _names_in(folder)
    else:
        names = listing.get(folder)
        if names is None:
            names = listing[folder] = _names_in(folder)
    prefix = f".{path.name}."
    least = len(prefix) + len(".tmp")  # (the pattern's `*` may be empty: `.<name>..tmp`)
    for name in names:
        if len(name) >= least and name.startswith(prefix) and name.endswith(".tmp"):
            (folder / name).unlink(missing_ok=True)


def _names_in(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except (FileNotFoundError, NotADirectoryError, PermissionError):  # (as a glob finds nothing there)
        return []


def _in_the_way(path: Path) -> bool:
    """Whether `path` exists (a file or a symbolic link, which a rename replaces); anything
    else of that name is an OutputError: renaming over it would fail (a folder) or
    replace something that is not an output (a pipe, a device)."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(Problem(f"cannot write {path}: a folder of that name is in the way; {INTACT}",
                                  hint="remove or rename that folder"))
    if not (stat.S_ISREG(st.st_mode) or stat.S_ISLNK(st.st_mode)):
        raise OutputError(Problem(f"cannot write {path}: it is not a regular file; {INTACT}",
                                  hint="remove it, or build into another folder with -o"))
    return True


_NO_LINKS = {errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOSYS, errno.EOPNOTSUPP,
             getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}


def _keep_old(path: Path) -> Path:
    """A hidden second name for the file at `path` (`.<name>.<random>.old.tmp`: a killed
    build's leftover is removed like a temporary), to put it back if the commit fails.  A
    hard link costs no copy; a file system without them gets a copy."""
    old = path.parent / f".{path.name}.{secrets.token_hex(6)}.old.tmp"
    try:
        os.link(path, old, follow_symlinks=False)
    except OSError as e:
        if e.errno not in _NO_LINKS:
            raise
        import shutil

        if path.is_symlink():
            os.symlink(os.readlink(path), old)
        else:
            shutil.copy2(path, old)
    return old


class StagedWrites:
    """Files written beside their targets under temporary names (`.<name>.*.tmp`), fsynced,
    then renamed over the targets together by `commit`; `discard` removes what was not
    committed.  Temporaries left by a killed build for the same targets are removed first
    (callers hold the BuildLock, so no other build is writing them).  `committed` turns
    true the moment the last rename is done: whatever happens after it (an interrupt
    delivered as the signals are let through again), the outputs are the new ones."""

    def __init__(self) -> None:
        self.items: list[tuple[str, Path]] = []
        self.targets: list[Path] = []  # known before mkstemp: an interrupt in between leaves nothing
        self.committed = False
        self._listing: dict[Path, list[str]] = {}  # the output folders' names before the first add
        self._flushed = 0  # how many of `items` (from the first) are on disk already (`flush`)

    def add(self, path: Path, data: bytes) -> None:
        self.targets.append(path)
        try:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                raise OutputError(Problem(f"cannot write {path}: {path.parent} is not a folder; {INTACT}",
                                          hint="remove or rename that file, or build into another folder "
                                               "with -o")) from None
            _in_the_way(path)  # found now, before the other outputs are written
            _remove_leftovers(path, self._listing)
            self.items.append((write_temp(path, data, durable=False), path))  # flushed together: `commit`
        except OSError as e:  # disk full, permissions, ...: the previous outputs stay as they were
            raise OutputError(failure(e, "writing", path)) from None

    def flush(self, meanwhile: Callable[[], None] | None = None) -> None:
        """Flush every temporary written so far to disk, and run `meanwhile` on this thread
        while the disk works (`_flush_all`); `commit` then flushes only what was added since.
        Why: the fsyncs of a build's forty files are most of the wait between the last page
        and the renames, and the CPU has nothing to do in it; checks that only read the
        outputs' bytes (preflight) fit in that wait.  A flush failure is raised after
        `meanwhile` has run, as `commit` raises it: before anything is renamed."""
        items = self.items[self._flushed:]
        _flush_all(items, meanwhile=meanwhile)
        self._flushed += len(items)

    def keep(self, path: Path) -> None:
        """`path` already holds the right bytes: only remove temporaries a killed build left
        for it."""
        try:
            _remove_leftovers(path)
        except OSError:
            pass

    def commit(self) -> None:
        """Rename every file into place, all or none: every target is checked first (a file
        or nothing, in a writable folder), the files being replaced are kept under hidden
        names until the last rename has succeeded, and a rename that fails puts the earlier
        ones back.  Ctrl-C (SIGINT) and SIGTERM wait until all is done.  Every temporary is
        flushed to disk before the first rename (`_flush_all`; those `flush` did are not
        flushed again)."""
        _flush_all(self.items[self._flushed:])
        with signals_held():
            olds = self._check_and_keep_old()
            done = 0
            try:
                for tmp, path in self.items:
                    os.replace(tmp, path)
                    done += 1
            except OSError as e:
                lost = self._roll_back(done, olds)
                path = self.items[done][1]
                if lost:
                    raise OutputError(Problem(
                        f"cannot write {path}: {e.strerror or e}; could not put back the previous "
                        f"{', '.join(map(str, lost))}", hint="build again once the problem is fixed")) from None
                raise OutputError(failure(e, "renaming", path)) from None
            finally:
                for old in olds:  # after success, or what a roll-back did not use
                    if old is not None:
                        remove(old)
            self.committed = True
            folders = {path.parent for _, path in self.items}
            self.items = []
            self.targets = []
            self._flushed = 0
            for folder in folders:  # make the renames durable
                _fsync_folder(folder)

    def _check_and_keep_old(self) -> list[Path | None]:
        """Before the first rename: each target a file or nothing (else OutputError), each
        folder writable; an existing target gets a hidden second name (None: no old file)."""
        olds: list[Path | None] = []
        try:
            for folder in {path.parent for _, path in self.items}:
                if not os.access(folder, os.W_OK | os.X_OK):
                    raise OutputError(Problem(f"cannot write into {folder}: permission denied; {INTACT}",
                                              hint=_HINT_FOLDER))
            for _, path in self.items:
                olds.append(_keep_old(path) if _in_the_way(path) else None)
        except BaseException as e:
            for old in olds:
                if old is not None:
                    remove(old)
            if isinstance(e, OSError):
                raise OutputError(failure(e, "preparing to replace", self.items[len(olds)][1])) from None
            raise
        return olds

    def _roll_back(self, done: int, olds: list[Path | None]) -> list[Path]:
        """Undo the first `done` renames: the old file back under its name (or no file, where
        there was none).  Returns the targets that could not be put back."""
        lost = []
        for i in reversed(range(done)):
            path, old = self.items[i][1], olds[i]
            try:
                if old is None:
                    os.unlink(path)
                else:
                    os.replace(old, path)
                    olds[i] = None
            except OSError:
                lost.append(path)
        return lost

    def discard(self) -> None:
        """Remove every temporary not renamed into place (after a failure or an interrupt)."""
        for tmp, _ in self.items:
            remove(tmp)
        for path in self.targets:  # a temporary made just before an interrupt, not yet listed
            try:
                _remove_leftovers(path)
            except OSError:
                pass
        self.items = []
        self.targets = []
        self._flushed = 0


def _flush_all(items: list[tuple[str, Path]], threads: int = 8, meanwhile: Callable[[], None] | None = None
               ) -> None:
    """fsync every temporary of `items` (name, target), several at a time, and run
    `meanwhile` (if any) on this thread while they are flushed.

    Why together and in threads: a build writes some forty files, and one fsync after
    another waits for some forty journal commits (0.15–0.3 s on this machine's disk, the
    largest wait of a cold build's tail); fsyncs issued at once share commits (0.03–0.05 s),
    and fsync releases the GIL.  The guarantee is the same: no target is renamed before
    every new file is on disk.  A failure (EIO, a full disk at flush time) is raised as
    `StagedWrites.add` raises it, before anything is renamed, once `meanwhile` has
    returned (what it raises, such as a KeyboardInterrupt, is raised once the threads are
    done).

    The threads are started with `_thread`, which does not wait for each new thread to
    run before starting the next (threading.Thread.start does): on a busy machine each of
    those waits was a wait for a free core, 15-25 ms for seven threads before the first
    fsync or `meanwhile` could start.  `done` counts them back in."""
    import _thread
    import threading

    errors: list[tuple[OSError, Path]] = []
    done = threading.Semaphore(0)

    def flush(part: list[tuple[str, Path]], signal: bool = True) -> None:
        try:
            for tmp, path in part:
                try:
                    fd = os.open(tmp, os.O_RDONLY)
                    try:
                        os.fsync(fd)
                    finally:
                        os.close(fd)
                except OSError as e:
                    errors.append((e, path))
        finally:
            if signal:
                done.release()

    parts = [items[i::threads] for i in range(min(threads, len(items)))]
    mine = parts[:1] if meanwhile is None else []  # (this thread flushes one part unless it has other work)
    started = 0
    try:
        for part in parts[len(mine):]:
            _thread.start_new_thread(flush, (part,))
            started += 1
        for part in mine:
            flush(part, signal=False)
        if meanwhile is not None:
            meanwhile()
    finally:
        for _ in range(started):
            done.acquire()
    if errors:
        e, path = min(errors, key=lambda ep: str(ep[1]))  # the same file named whatever the timing
        raise OutputError(failure(e, "writing", path))


def after_commit(what: str, where: Path, step: Callable[[], list[Finding] | None]) -> list[Finding]:
    """A step after the outputs were committed: its failure is a warning, not the build's
    (the new outputs are written and complete; the exit status says so)."""
    try:
        return step() or []
    except Exception as e:  # noqa: BLE001 - whatever it is, the outputs are already complete
        return [Finding("warning", "after-commit", str(where),
                        f"{what} ({type(e).__name__}: {e}); the outputs were written and are complete")]


def _fsync_folder(folder: Path) -> None:
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


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
            if e.errno in _FULL:
                raise OutputError(failure(e, "creating", self.path.parent)) from None
            raise OutputError(Problem(f"cannot create the output folder {self.path.parent}: {e.strerror}",
                                      hint="-o must name a folder (it may not exist yet), not a file")) from None
        for _ in range(100):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as e:
                if e.errno in _FULL:
                    raise OutputError(failure(e, "locking", self.path.parent)) from None
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
            self.fd = fd  # held: __exit__ removes the file, whatever happens next
            try:  # the pid is only for the message another build prints; a full disk may refuse it
                os.ftruncate(fd, 0)
                write_bytes(fd, str(os.getpid()).encode())
            except OSError:
                pass
            return self
        raise OutputError(Problem(f"cannot lock {self.path.parent}"))

    def __exit__(self, *exc) -> None:
        with signals_held():
            if self.fd is not None:
                self.path.unlink(missing_ok=True)  # while still holding it: see the inode check above
                os.close(self.fd)
                self.fd = None
