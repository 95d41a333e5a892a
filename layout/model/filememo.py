"""What a file was found to be, kept per file version.

Photos, PDF ads and graphics are inspected when a manifest is read, and a resident
process (`layout watch`) reads its manifest again on every save.  A file is looked at
once per version: its path, size, times and inode name the version, so an edited or
replaced file is inspected again and an unchanged one is not.  A failed inspection is
remembered too, and raised again, so a bad file costs one look.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Generic, TypeVar

T = TypeVar("T")


class FileMemo(Generic[T]):
    """At most `size` inspections, the oldest dropped first."""

    def __init__(self, size: int, error: type[Exception]):
        self.size = size
        self.error = error  # raised when the file cannot even be looked at, and remembered when inspecting fails
        self._seen: dict[tuple, T | Exception] = {}

    def get(self, file: Path, inspect: Callable[[Path], T | Exception], unreadable: str) -> T:
        """`inspect(file)` for this version of `file` (it returns, not raises, its error);
        `unreadable`: the message's start when the file cannot be read at all."""
        try:
            st = file.stat()
        except OSError as e:
            raise self.error(f"{unreadable}: {e.strerror or e}", "check the name and permissions") from None
        key = (str(file), st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)
        got = self._seen.get(key)
        if got is None:
            got = inspect(file)
            if len(self._seen) >= self.size:
                del self._seen[next(iter(self._seen))]
            self._seen[key] = got
        if isinstance(got, Exception):
            raise got
        return got
