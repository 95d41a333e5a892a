"""The manifest read ahead: parsed, and its filler text made, by a forked child while this
process imports the typesetter.

Why: a one-off build spends its first ~0.15 s importing the composer, the fonts and the
PDF writer on one core while the machine's other cores wait for the page workers; the
manifest's YAML (every value and its position) and its filler text (benchmark and
sample editions: a third of reading the manifest) depend on nothing imported then.
`start` forks a child that reads the manifest, parses it exactly as `yamlpos.load`
would and expands every filler body into its paragraphs; `located` and `filler` hand those over when the
manifest is read.  The child runs at the lowest priority, on a core nobody else wants: on
a busy machine it may not be done when the manifest is read, and is then not waited for
(the build parses the manifest itself, as without it) unless it has parsed the manifest
already (PARSED_WAIT).  (At the build's own priority it was on time more often on a busy
machine but made the build slower there: the kernel shares the CPU a session gets among
its processes, so the child took it from the build.)

Plain data only, as one JSON document in an anonymous file: strings, numbers, lists and
mappings with string keys; dates travel as their ISO text and are put back in place; a
document holding anything else (a timestamp, a number as a key) is not handed over and
is parsed here as before.  Nothing the child sends is run, and its parse is used only
for the very bytes this process read (compared by hash): the edition is the same
whether the child was quick, slow, killed or never started.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

_PENDING: dict[str, int] = {}  # "fd" (the file), "ready" (the pipe the child closes), "pid": until read
_READ: dict[str, Any] = {}  # what the child sent: "sha", "doc" (or None), "filler" {(seed, chars): paragraphs}


def start(manifest: Path, then: Callable[[], None] | None = None) -> int:
    """Fork the child that reads `manifest` ahead, for the build this process is about to
    run (one at a time: a resident process or a batch of editions does not call this).
    `then`: what the child does next, once the manifest is handed over (it is not reaped
    here then: the caller ends it).  Returns the child's pid (0: none was started)."""
    if _PENDING or not hasattr(os, "fork"):
        return 0
    _READ.clear()
    path = manifest / "edition.yaml" if manifest.is_dir() else manifest
    try:  # an anonymous file, not a pipe: the child writes its megabyte without waiting for a reader
        fd = os.memfd_create("layout-prefetch", os.MFD_CLOEXEC) if hasattr(os, "memfd_create") \
            else _temporary()
    except OSError:
        return 0
    try:
        ready_in, ready = os.pipe()  # closed by the child once the file is complete
    except OSError:
        os.close(fd)
        return 0
    try:
        pid = os.fork()
    except OSError:
        for each in (fd, ready_in, ready):
            os.close(each)
        return 0
    if pid == 0:  # the child: whatever happens, it only ever exits (no handler, no flush of parent buffers)
        try:
            os.close(ready_in)
            try:  # only what nobody else wants: on a busy machine it is late, and not waited for
                os.nice(19)
            except OSError:
                pass
            try:
                _send(fd, path, ready)
            except Exception:  # noqa: BLE001 - the parent reads what it gets and does the rest itself
                pass
            finally:
                os.close(fd)
                os.close(ready)
            if then is not None:
                then()
        except BaseException:  # noqa: BLE001 - (Ctrl-C: the parent handles it)
            pass
        os._exit(0)
    os.close(ready)
    _PENDING.update(fd=fd, ready=ready_in, pid=0 if then is not None else pid)
    return pid


def _temporary() -> int:
    import tempfile

    return os.dup(tempfile.TemporaryFile().fileno())


def located(raw: bytes):
    """The parsed manifest (a yamlpos.Located) if the child parsed these very bytes, else None."""
    if not _PENDING and not _READ:
        return None
    got = _receive()
    if got.get("doc") is None or got.get("sha") != _sha(raw):
        return None
    from layout.model.yamlpos import Located

    doc = got.pop("doc")  # handed over once: the caller owns (and may change) the values
    try:
        return Located(_dated(doc["value"], doc["dates"]), {path: (line, col) for path, line, col in doc["marks"]},
                       [(path, line, col) for path, line, col in doc["duplicates"]])
    except (KeyError, IndexError, TypeError, ValueError):  # not what the child writes: parsed by the caller
        return None


def filler(seed: int, chars: int) -> tuple[str, ...] | None:
    """The paragraphs of filler_text(seed, chars) (bodies.split_paragraphs) if the child
    made them: the same functions, the same text."""
    if not _PENDING and not _READ:
        return None
    paras = _receive().get("filler", {}).get((seed, chars))
    if type(paras) is not list or not all(type(p) is str for p in paras):
        return None
    return tuple(paras)


def _sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


PARSED_WAIT = 0.05
"""Seconds the build waits for a child that has parsed the manifest but not yet sent it: what
it has left (the filler text, the JSON: some 50 ms on a core of its own) is less than what
the build would do instead (parse the manifest, make the filler text and, without the side
process, check the page files itself); a child that has not parsed it yet is not waited
for."""


def _finished(timeout: float) -> bool:
    """Whether the child has closed `ready` (its file complete), waiting up to `timeout` s.
    The byte it writes there once the manifest is parsed is noted (`parsed`)."""
    import select
    import time

    ready, end = _PENDING["ready"], time.monotonic() + timeout
    while select.select([ready], [], [], max(0.0, end - time.monotonic()))[0]:
        if not os.read(ready, 1):
            return True
        _PENDING["parsed"] = 1
    return False


def _receive() -> dict[str, Any]:
    """What the child sent ({} if nothing usable), read once; the child is reaped."""
    if not _PENDING:
        return _READ
    try:  # complete once the child has closed its end of `ready`; waited for only once it has parsed
        done = _finished(0) or ("parsed" in _PENDING and _finished(PARSED_WAIT))
    except OSError:
        done = False
    fd, ready, pid = _PENDING.pop("fd"), _PENDING.pop("ready"), _PENDING.pop("pid")
    _PENDING.pop("parsed", None)
    data = b""
    try:
        if done:
            size = os.fstat(fd).st_size
            data = os.pread(fd, size, 0) if size else b""
        else:
            _READ["late"] = True
    except OSError:
        data = b""
    finally:
        os.close(fd)
        os.close(ready)
        if pid:
            if "late" in _READ:
                _kill(pid)
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
    try:
        import json

        sent = json.loads(data.decode("utf-8"))
        _READ.update(sha=sent["sha"], doc=sent["doc"],
                     filler={(seed, chars): paras for seed, chars, paras in sent["filler"]})
    except (ValueError, KeyError, TypeError):  # late, cut short (the child was killed), ...: nothing is used
        late = "late" in _READ
        _READ.clear()
        _READ.update(filler={}, **({"late": True} if late else {}))
    return _READ


def forget() -> None:
    """Drop what the child has not handed over (its process ended by its owner: the build is over)."""
    for key in ("fd", "ready"):
        if key in _PENDING:
            try:
                os.close(_PENDING[key])
            except OSError:
                pass
    pid = _PENDING.get("pid")
    _PENDING.clear()
    if pid:
        _kill(pid)
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass
    _READ.clear()


def settle(timeout: float) -> bool:
    """Wait up to `timeout` seconds for the child to finish reading (for a caller that can
    wait: tests); whether it has."""
    return not _PENDING or _finished(timeout)


def late() -> bool:
    """Whether the child had not finished when the manifest was read (a busy machine: what
    it was to do next, the build does itself)."""
    return bool(_READ.get("late"))


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass


def _send(fd: int, path: Path, ready: int | None = None) -> None:
    """In the child: the manifest parsed and its filler bodies expanded, as one JSON document;
    one byte on `ready` once it is parsed (the build then waits for the rest: PARSED_WAIT)."""
    import json

    from layout.model import yamlpos

    raw = path.read_bytes()
    text = raw.decode("utf-8")
    doc = None
    texts: list[list] = []
    if not ("&" in text and "*" in text):  # anchors and aliases: the parent checks their expansion first
        parsed = yamlpos.load(text)
        if ready is not None:
            os.write(ready, b"p")
        dates = _portable(parsed.value)
        if dates is not None:
            doc = {"value": _dated(parsed.value, dates, as_text=True), "dates": dates,
                   "marks": [[p, line, col] for p, (line, col) in parsed.marks.items()],
                   "duplicates": [list(d) for d in parsed.duplicates]}
        specs = dict.fromkeys(_fillers(parsed.value))
        if specs:
            from layout.model.bodies import split_paragraphs
            from layout.model.filler import filler_text

            texts = [[seed, chars, split_paragraphs(filler_text(seed, chars))] for seed, chars in specs]
    data = json.dumps({"sha": _sha(raw), "doc": doc, "filler": texts}, ensure_ascii=False,
                      check_circular=False, allow_nan=False).encode("utf-8")
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    # (a file, not a pipe: the parent reads it from the start once this process has closed `ready`)


def _portable(value: Any) -> list | None:
    """The paths of `value`'s dates if everything else in it comes back from JSON as it is
    (str, int, finite float, bool, None, lists, mappings with string keys); None if not
    (a timestamp, a number as a key, ...).  A date travels as its ISO text (`_dated`)."""
    import datetime as dt

    dates: list = []
    stack: list[tuple[Any, tuple]] = [(value, ())]
    while stack:
        v, path = stack.pop()
        t = type(v)
        if t is dict:
            if any(type(k) is not str for k in v):
                return None
            stack.extend((item, path + (k,)) for k, item in v.items())
        elif t is list:
            stack.extend((item, path + (i,)) for i, item in enumerate(v))
        elif t is float:
            if v != v or v in (float("inf"), float("-inf")):
                return None
        elif t is dt.date:
            dates.append([list(path), v.isoformat()])
        elif not (t is str or t is int or t is bool or v is None):
            return None
    return dates


def _dated(value: Any, dates: list, as_text: bool = False) -> Any:
    """`value` with each date of `dates` put back in place of its ISO text (in the child,
    `as_text`: the ISO text in place of the date, for JSON)."""
    import datetime as dt

    for path, iso in dates:
        date = iso if as_text else dt.date.fromisoformat(iso)
        if not path:
            return date
        holder = value
        for step in path[:-1]:
            holder = holder[step]
        holder[path[-1]] = date
    return value


def _fillers(value: Any):
    """(seed, chars) of every `filler:` mapping a story body could be (bodies.py checks them)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if type(v) is dict:
            spec = v.get("filler")
            if type(spec) is dict:
                seed, chars = spec.get("seed"), spec.get("chars")
                if type(seed) is int and type(chars) is int and 0 <= seed <= 2**31 and 1 <= chars <= 1_000_000:
                    yield seed, chars
            stack.extend(v.values())
        elif type(v) is list:
            stack.extend(v)
