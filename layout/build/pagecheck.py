"""The page files' checks made by a side process, on a core that would otherwise be idle.

Why: print and archive builds check every page file with pypdf (conformance.file_problems,
about 3 ms a page: a tenth of a second of a 36-page build).  Made by the build's own
process while its workers draw the other pages, those checks took CPU from the workers.
A one-off build forks one side process at start-up (`start`): it reads the manifest ahead
(model/prefetch.py), then imports pypdf, both while the build's process imports the
typesetter (a core is idle then), and checks the page files it is handed (`submit`): a
parallel build hands them over once the last page is in, when the build's process
finishes the edition on one core and the other is idle; a serial one as each page comes.
At the end the build takes what the side process found (`problems`) and checks the rest
itself, from the last page back: the findings are the same whoever checked, and a slow
or dead side process costs at most the time the build would have spent anyway.  `stop`
ends it.

Data only: the page files' bytes in an anonymous file, one line per page on a pipe, each
page's problems back as one JSON line (a list of strings); nothing received is run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from layout.model import prefetch

MAX_HANDED = 128 * 2**20  # bytes of page files handed over in one build; the build checks the others
_SIDE: dict[str, Any] = {}  # pid, mode, notices (pipe), data and results (anonymous files), sent, read, found


def start(mode: str, manifest: Path) -> None:
    """Fork the side process that first reads `manifest` ahead (model/prefetch.py), then
    checks page files for a build in `mode` (a one-off build's process only: a resident
    one checks its pages itself, and remembers them)."""
    if _SIDE or not (hasattr(os, "fork") and hasattr(os, "memfd_create")):
        prefetch.start(manifest)
        return
    try:
        data = os.memfd_create("layout-pages", os.MFD_CLOEXEC)
        results = os.memfd_create("layout-page-problems", os.MFD_CLOEXEC)
        notices_in, notices = os.pipe()
    except OSError:
        prefetch.start(manifest)
        return

    def serve() -> None:  # in the side process, once the manifest is handed over
        os.close(notices)
        _serve(mode, notices_in, data, results)

    pid = prefetch.start(manifest, then=serve)
    os.close(notices_in)
    if not pid:
        for fd in (notices, data, results):
            os.close(fd)
        return
    os.set_blocking(notices, False)  # a full pipe (a busy side process) never holds the build up
    _SIDE.update(pid=pid, mode=mode, notices=notices, data=data, results=results, end=0, sent=[], index={},
                 read=0, found={})


def active(mode: str) -> bool:
    """Whether a side process checks page files of this mode (not if it was late with the
    manifest: the machine is busy, and it would be with the page files too)."""
    return bool(_SIDE) and _SIDE["mode"] == mode and not prefetch.late()


def submit(pdf: bytes, mode: str) -> bool:
    """Hand a page file to the side process; False if there is none (or it checks another
    mode, or cannot take it now): then the build checks the file itself."""
    side = _SIDE
    if not active(mode):
        return False
    index, offset = len(side["sent"]), side["end"]
    if offset + len(pdf) > MAX_HANDED:  # (the file is held in memory until the build ends)
        return False
    try:
        os.pwrite(side["data"], pdf, offset)
        os.write(side["notices"], f"{index} {offset} {len(pdf)}\n".encode("ascii"))
    except OSError:  # (BlockingIOError: the pipe is full) the build checks this one itself
        return False
    side["end"] = offset + len(pdf)
    side["sent"].append(pdf)  # (held: its id names it in `problems`)
    side["index"][id(pdf)] = index
    return True


def problems(pdf: bytes, mode: str) -> list[str] | None:
    """The problems the side process found in this very page file (the same bytes object it
    was handed), or None if it has not checked it (yet)."""
    side = _SIDE
    if not side or side["mode"] != mode:
        return None
    index = side["index"].get(id(pdf))
    if index is None or side["sent"][index] is not pdf:
        return None
    if index not in side["found"]:
        _read_results(side)
    return side["found"].get(index)


def stop(wait: bool = True) -> None:
    """End the side process (at once: what it has not checked yet the build has checked),
    and forget what it read ahead.  `wait=False`: killed but not waited for, for a build
    that has every answer it will use but goes on (`page_problems`): a process at the
    lowest priority on a busy machine can wait tens of milliseconds to be scheduled to
    die.  It is reaped by the next `stop()` (the build's last step), so none outlives the
    build."""
    prefetch.forget()
    side = _SIDE
    if side:
        import signal

        try:
            os.kill(side["pid"], signal.SIGKILL)
            _DYING.append(side["pid"])
        except OSError:
            pass
        for fd in (side["notices"], side["data"], side["results"]):
            try:
                os.close(fd)
            except OSError:
                pass
        _SIDE.clear()
    while wait and _DYING:
        try:
            os.waitpid(_DYING.pop(), 0)
        except ChildProcessError:
            pass


_DYING: list[int] = []  # side processes killed by stop(wait=False), not yet reaped


def _read_results(side: dict[str, Any]) -> None:
    """The complete lines the side process has written since the last read."""
    import json

    try:
        size = os.fstat(side["results"]).st_size
        data = os.pread(side["results"], size - side["read"], side["read"]) if size > side["read"] else b""
    except OSError:
        return
    done = data.rfind(b"\n") + 1  # (a line being written is read next time)
    for line in data[:done].splitlines():
        try:
            index, found = json.loads(line.decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if type(index) is int and type(found) is list and all(type(p) is str for p in found):
            side["found"][index] = found
    side["read"] += done


def _serve(mode: str, notices: int, data: int, results: int) -> None:
    """In the side process: check each page file announced on `notices`."""
    import json

    from layout.model.modes import output_profile
    from layout.pdf.conformance import conformance_problems  # (pypdf: imported now, on an idle core)

    profile = output_profile(mode)
    pending = b""
    while True:
        chunk = os.read(notices, 1 << 16)
        if not chunk:  # the build is over (or gone)
            return
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            index, offset, length = map(int, line.split())
            pdf = os.pread(data, length, offset)
            found = conformance_problems(pdf, profile, resources=False)  # = conformance.file_problems
            os.write(results, json.dumps([index, found], ensure_ascii=False).encode("utf-8") + b"\n")
