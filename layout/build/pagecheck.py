"""The files' checks made by a side process, on a core that would otherwise be idle.

Why: print and archive builds check every page file with pypdf (conformance.file_problems,
1-3 ms a page) and the edition (preflight, or the PDF/A checks: some 15 ms, and pypdf's
import, 55 ms, if nothing else needs it).  Made by the build's own process, they took CPU
from its workers or lengthened the build's serial tail (after the last page, when one core
is idle).  A one-off build forks one side process at start-up (`start`): it reads the
manifest ahead (model/prefetch.py), then imports pypdf and the checks, both while the
build's process imports the typesetter (a core is idle then), and checks what it is
handed: the page files (`submit`, as each page comes: at the lowest priority it takes only
what the workers leave of the cores, and the rest once they are done) and the edition with
its pages' content scans (`submit_edition`, once it is assembled).  While the files are
flushed the build waits for the answers (`wait`, bounded: STALL, WAIT), takes them
(`problems`, `edition_problems`) and checks the rest itself, the edition first (the side
process's last item), then the pages from the last back: the findings are the same
whoever checked, and a slow, starved or dead side process costs at most the wait.  `stop`
ends it.

Data only: the files' bytes and the scans (JSON) in an anonymous file, one line per file
on a pipe, each file's problems back as one JSON line (a list of strings, or null: not
checked there, the build checks it), and one byte per answer on another pipe (what the
build waits on; its end of file: the side process is gone); nothing received is run.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from layout.model import prefetch

MAX_HANDED = 128 * 2**20  # bytes of files handed over in one build; the build checks the others
STALL = 0.05
"""Seconds the side process may take over the file it checks (from when it had it, had
answered for the one before, or, in a parallel build, the workers were done): the longest
single check, the edition's (about 15 ms on a core of its own), three times over.  One
that takes longer is not getting a core: it runs at the lowest priority, and another
program keeps the machine busy; the build then checks the rest itself at once, taking
what comes meanwhile, rather than wait for it."""
WAIT = 0.1
"""Seconds `wait` waits in all, however the answers trickle in: about what the build's own
checks would cost it at worst (pypdf's import, 55 ms, when nothing else in the build
needs it; the edition, 15 ms; a few page files, 1-3 ms each), so waiting longer cannot pay.
On a machine with a core to spare the side process is done within 5-35 ms of the wait's
start (36 pages: it has every page file from the last page on, the edition from its
assembly on)."""
_EDITION = "e"  # the edition's key among the answers (a page's is its index)
_SIDE: dict[str, Any] = {}  # pid, mode, notices (pipe), data and results (anonymous files), wake (pipe), ...


def start(mode: str, manifest: Path) -> None:
    """Fork the side process that first reads `manifest` ahead (model/prefetch.py), then
    checks files for a build in `mode` (a one-off build's process only: a resident one
    checks its files itself, and remembers the pages)."""
    if _SIDE or not (hasattr(os, "fork") and hasattr(os, "memfd_create")):
        prefetch.start(manifest)
        return
    try:
        data = os.memfd_create("layout-pages", os.MFD_CLOEXEC)
        results = os.memfd_create("layout-page-problems", os.MFD_CLOEXEC)
        notices_in, notices = os.pipe()
        wake_in, wake = os.pipe()
    except OSError:
        prefetch.start(manifest)
        return

    def serve() -> None:  # in the side process, once the manifest is handed over
        os.close(notices)
        os.close(wake_in)
        os.set_blocking(wake, False)  # (a full pipe: the build reads the answers all the same)
        _serve(mode, notices_in, data, results, wake)

    pid = prefetch.start(manifest, then=serve)
    os.close(notices_in)
    os.close(wake)  # (the side process holds the only writing end: its end of file is the process's end)
    if not pid:
        for fd in (notices, data, results, wake_in):
            os.close(fd)
        return
    os.set_blocking(notices, False)  # a full pipe (a busy side process) never holds the build up
    _SIDE.update(pid=pid, mode=mode, notices=notices, data=data, results=results, wake=wake_in, end=0, sent=[],
                 index={}, read=0, found={}, at={}, order=[], edition=None, gone=False, free=0.0)


def active(mode: str) -> bool:
    """Whether a side process checks files of this mode (not if it was late with the
    manifest: the machine is busy, and it would be with the files too)."""
    return bool(_SIDE) and _SIDE["mode"] == mode and not prefetch.late()


def submit(pdf: bytes, mode: str) -> bool:
    """Hand a page file to the side process; False if there is none (or it checks another
    mode, or cannot take it now): then the build checks the file itself."""
    side = _SIDE
    if not active(mode):
        return False
    index = len(side["sent"])
    if not _hand(side, pdf, str(index)):
        return False
    side["sent"].append(pdf)  # (held: its id names it in `problems`)
    side["index"][id(pdf)] = index
    return True


def workers_done() -> None:
    """A parallel build's workers are done: from now on the side process has a core (it got
    next to none while they ran, at the lowest priority), and `wait` counts the time it
    takes over its current file from here at the earliest."""
    if _SIDE:
        _SIDE["free"] = _now()


def handed(pdf: bytes) -> bool:
    """Whether this very page file was handed over."""
    index = _SIDE.get("index", {}).get(id(pdf))
    return index is not None and _SIDE["sent"][index] is pdf


def submit_edition(pdf: bytes, scans: dict, mode: str) -> bool:
    """Hand the edition to the side process with its pages' content scans (content_key ->
    preflight.ContentScan, sent as JSON: `_scans_text`), for `edition_check`; False if it
    cannot take it (then the build checks the edition itself)."""
    side = _SIDE
    if not active(mode) or side["edition"] is not None:
        return False
    text = _scans_text(scans)
    if text is None or not _hand(side, pdf, _EDITION, text):
        return False
    side["edition"] = pdf
    return True


def _hand(side: dict[str, Any], pdf: bytes, key: str, scans: bytes | None = None) -> bool:
    """`pdf` (and the `scans` text) written to the anonymous file, and its notice on the pipe."""
    offset = side["end"]
    end = offset + len(pdf) + len(scans or b"")
    if end > MAX_HANDED:  # (the files are held in memory until the build ends)
        return False
    notice = f"{key} {offset} {len(pdf)}" + (f" {offset + len(pdf)} {len(scans)}" if scans is not None else "")
    try:
        os.pwrite(side["data"], pdf, offset)
        if scans is not None:
            os.pwrite(side["data"], scans, offset + len(pdf))
        os.write(side["notices"], f"{notice}\n".encode("ascii"))
    except OSError:  # (BlockingIOError: the pipe is full) the build checks this one itself
        return False
    side["end"] = end
    side["order"].append((key if key == _EDITION else int(key), _now()))
    return True


def problems(pdf: bytes, mode: str) -> list[str] | None:
    """The problems the side process found in this very page file (the same bytes object it
    was handed), or None if it has not checked it (yet, or could not)."""
    side = _SIDE
    if not side or side["mode"] != mode:
        return None
    index = side["index"].get(id(pdf))
    if index is None or side["sent"][index] is not pdf:
        return None
    if index not in side["found"]:
        _read_results(side)
    return side["found"].get(index)


def edition_problems(pdf: bytes, mode: str) -> list[str] | None:
    """What the side process found in this very edition (`edition_check`), or None if it
    has not checked it (yet, or could not: the build checks it, and reports what fails)."""
    side = _SIDE
    if not side or side["mode"] != mode or side["edition"] is not pdf:
        return None
    if _EDITION not in side["found"]:
        _read_results(side)
    return side["found"].get(_EDITION)


def wait(mode: str, stall: float | None = None, bound: float | None = None) -> None:
    """Wait until the side process has answered for every file handed over, or is gone, or
    has spent more than `stall` seconds (STALL) on its current file (the first one not
    answered, from when it was handed over, the one before it answered or the workers were
    done: `workers_done`), or `bound` seconds have passed (WAIT); what is not answered by
    then the build checks itself."""
    import select

    side = _SIDE
    if not side or side["mode"] != mode or side["gone"]:
        return
    now = _now()
    end = now + (WAIT if bound is None else bound)
    stall = STALL if stall is None else stall
    _read_results(side)
    while True:
        pending = [(key, at) for key, at in side["order"] if key not in side["found"]]
        if not pending:
            return
        started = max([pending[0][1], side["free"], *side["at"].values()])  # (it works through them in order)
        timeout = min(end, started + stall) - now
        if timeout <= 0:
            return
        try:
            if select.select([side["wake"]], [], [], timeout)[0] and not os.read(side["wake"], 4096):
                side["gone"] = True  # (killed, or failed: what it wrote before is taken all the same)
        except OSError:
            side["gone"] = True
        _read_results(side)
        if side["gone"]:
            return
        now = _now()


def _now() -> float:
    """The clock the side process stamps its answers with (one for every process)."""
    import time

    return time.monotonic()


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
        for fd in (side["notices"], side["data"], side["results"], side["wake"]):
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
    """The complete lines the side process has written since the last read: a page's index
    or _EDITION, its problems (None: not checked there) and when it answered (`_now`)."""
    import json

    try:
        size = os.fstat(side["results"]).st_size
        data = os.pread(side["results"], size - side["read"], side["read"]) if size > side["read"] else b""
    except OSError:
        return
    done = data.rfind(b"\n") + 1  # (a line being written is read next time)
    for line in data[:done].splitlines():
        try:
            key, found, at = json.loads(line.decode("utf-8"))
        except (ValueError, TypeError, UnicodeDecodeError):
            continue
        if not (type(key) is int or key == _EDITION) or type(at) is not float:
            continue
        if found is None or (type(found) is list and all(type(p) is str for p in found)):
            side["found"][key] = found
            side["at"][key] = at
    side["read"] += done


def edition_check(pdf: bytes, scans: dict, profile) -> list[str]:
    """The edition's check, wherever it is made (the side process, or filechecks.py): the
    press checks with the claims of the standard (print), else those claims alone
    (conformance.py)."""
    if profile.preflight:
        from layout.pdf.preflight import preflight

        return preflight(pdf, scans=scans, standard=profile).problems
    from layout.pdf.conformance import conformance_problems

    return conformance_problems(pdf, profile)


def _scans_text(scans: dict) -> bytes | None:
    """Content scans as JSON: [[content_key in hex, rgb, {XObject name: placed width}], ...]
    (floats come back from JSON as they were); None if one is not of that form."""
    import json

    try:
        return json.dumps([[key.hex(), scan.rgb, scan.placements] for key, scan in scans.items()],
                          ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (AttributeError, TypeError, ValueError):
        return None


def _scans(text: bytes) -> dict:
    """`_scans_text` read back, every value checked (ValueError if one is not as written)."""
    import json

    from layout.pdf.preflight import ContentScan

    doc = json.loads(text.decode("utf-8"))
    if type(doc) is not list:
        raise ValueError("content scans that are not a list")
    out = {}
    for key, rgb, placed in doc:
        if not (type(key) is str and type(rgb) is bool and type(placed) is dict
                and all(type(w) in (int, float) for w in placed.values())):
            raise ValueError("a content scan that is not as written")
        out[bytes.fromhex(key)] = ContentScan(rgb, placed)
    return out


def _serve(mode: str, notices: int, data: int, results: int, wake: int) -> None:
    """In the side process: check each file announced on `notices`."""
    import json

    import pypdf.filters  # noqa: F401 - now, on an idle core: conformance.py imports it when it first reads a file

    from layout.model.modes import output_profile
    from layout.pdf.conformance import conformance_problems

    profile = output_profile(mode)
    if profile.preflight:
        import layout.pdf.imaging  # noqa: F401 - (what the edition's preflight imports when it runs)
        import layout.pdf.preflight  # noqa: F401
    pending = b""
    while True:
        chunk = os.read(notices, 1 << 16)
        if not chunk:  # the build is over (or gone)
            return
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            key, offset, length, *scans = line.split()
            pdf = os.pread(data, int(length), int(offset))
            try:
                if key == _EDITION.encode():
                    found: list[str] | None = edition_check(pdf, _scans(os.pread(data, int(scans[1]), int(scans[0]))),
                                                            profile)
                    answer: Any = _EDITION
                else:
                    found, answer = conformance_problems(pdf, profile, resources=False), int(key)
            except Exception:  # noqa: BLE001 - the build checks it itself, and reports what fails as it would
                found, answer = None, _EDITION if key == _EDITION.encode() else int(key)
            os.write(results, json.dumps([answer, found, _now()], ensure_ascii=False).encode("utf-8") + b"\n")
            try:
                os.write(wake, b".")
            except OSError:  # (BlockingIOError: the build has not read the others yet)
                pass
