r"""Content-addressed page cache: a page whose inputs did not change is not composed or
drawn again (`<out>/.cache/pages/`).

In: the edition, its style and fonts, the output mode and the resolved jump cursors.
Out: for each page a key (sha256 of everything the page's PDF depends on: the layout code,
the style file and overrides, the font catalogue, the edition's furniture, the page's own
manifest slice with its texts and photo files, and for continuations the source story and
where its text resumes) and, on a hit, the page's stored result.  Because builds are
deterministic, a cached page is byte-identical to a fresh one.  A change of code, style
or fonts changes every key.  Entries are written atomically; only the current build's
entries are kept.

Entries are plain data, never pickles: the output folder is often a shared hot folder,
and anyone who can write it must not be able to run code as the next builder.  Each
entry is one file `<key>.page`:

    layout-page-cache 1\n
    {"blobs": [n, ...], "key": "<key>", "plain": n, "sha256": "<hex>"}\n
    <plain: n bytes of JSON (pageresult.to_plain)><blob 0><blob 1>...

`sha256` covers the header's other fields (so the key the entry was stored under) and
every byte after the header.  An entry that fails any check (another key, a wrong length,
a checksum mismatch, a malformed structure, another page's content) is a miss: the page
is composed again and the rejection is listed in `PageCache.rejected` (and in
BuildResult.cache_rejected, which `layout -v build` prints).  A wrong page is never taken.
Only plain files are read (not links, pipes or folders), and none larger than MAX_ENTRY.
This detects damage and mix-ups, not forgery: whoever can write the folder can write a
consistent entry, as they can replace the page PDFs themselves; what they cannot do any
more is run code.  Files of the old pickle format (`*.pkl`) are never opened, only
removed.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import stat
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from layout import __version__, paths
from layout.build import staging
from layout.build.pageresult import Malformed, PageResult, from_plain, to_plain
from layout.model.edition import Edition, Page
from layout.model.styles import Style, path_of
from layout.text.typeset import Cursor

FORMAT = 10  # bump when the stored entry changes shape
MAGIC = b"layout-page-cache 1\n"
SUFFIX = ".page"
MAX_ENTRY = 512 * 2**20  # bytes; a larger file is not read (a page with its photos is a few MB)
MAX_HEADER = 64 * 2**10


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The layout package's source: a change of code invalidates every page.  (The files are
    listed with os.walk, in the order of their paths' parts, as sorted Path objects would be:
    a one-off build computes this before its workers start, and Path.rglob took twice as long.)"""
    h = hashlib.sha256(f"{__version__}/{FORMAT}".encode())
    root = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))  # the whole layout package
    files: list[tuple[str, ...]] = []
    for folder, _, names in os.walk(root):
        rel = os.path.relpath(folder, root)
        parts = () if rel == "." else tuple(rel.split(os.sep))
        files += [(*parts, name) for name in names if name.endswith(".py")]
    for parts in sorted(files):
        h.update("/".join(parts).encode())
        with open(os.path.join(root, *parts), "rb") as f:
            h.update(f.read())
    return h.hexdigest()


def _signature(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_mtime_ns, st.st_size, st.st_ino)


_SCALARS = (str, int, float, bool, type(None))


class PageKeyMemo:
    """Page keys remembered by the page's value, for a resident process (layout watch)
    that asks again for pages whose model values have not changed: computing a key
    serialises the whole page.  Bounded, least recently used first out.  Owned by the
    caller (one per process or session), never module state: two sessions never share
    or evict each other's keys."""

    def __init__(self, size: int = 1024):
        self.size = size
        self._keys: dict[tuple, str] = {}

    def get(self, memo_key: tuple) -> str | None:
        got = self._keys.pop(memo_key, None)
        if got is not None:
            self._keys[memo_key] = got  # most recently used last
        return got

    def put(self, memo_key: tuple, key: str) -> None:
        self._keys.pop(memo_key, None)
        self._keys[memo_key] = key
        while len(self._keys) > self.size:
            self._keys.pop(next(iter(self._keys)))

    def __len__(self) -> int:
        return len(self._keys)


class Rejection(Enum):
    """Why a stored entry was not used (the page was composed again instead)."""

    NOT_AN_ENTRY = "not a page cache entry"
    TOO_LARGE = "too large"
    OTHER_KEY = "stored under another key"
    LENGTH = "wrong length (truncated?)"
    CHECKSUM = "checksum mismatch"
    MALFORMED = "malformed content"
    OTHER_PAGE = "holds another page"


@dataclass(frozen=True)
class CacheRejection:
    """A stored page that failed a check, and why (the page was composed again)."""

    label: str  # the page asked for ("" when the key was not made by this cache)
    key: str
    reason: Rejection

    def __str__(self) -> str:
        return f"cache entry for {self.label or self.key[:12]} rejected: {self.reason.value}; page rebuilt"


def _hasher(header: dict) -> Any:
    """sha256 started on the header's fields but `sha256` (the key included); the body
    (plain JSON and blobs) follows."""
    return hashlib.sha256(json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii") + b"\n")


def encode_entry(key: str, result: PageResult) -> bytes:
    """`result` as an entry stored under `key` (ValueError if the plain form cannot hold it)."""
    plain, blobs = to_plain(result)
    text = json.dumps(plain, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    header = {"key": key, "plain": len(text), "blobs": [len(b) for b in blobs]}
    h = _hasher(header)
    for part in (text, *blobs):
        h.update(part)
    header["sha256"] = h.hexdigest()
    line = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii") + b"\n"
    return b"".join([MAGIC, line, text, *blobs])


def _no_constant(name: str) -> None:
    raise Malformed(f"{name} is not a number")


def decode_entry(f: BinaryIO, size: int, key: str) -> PageResult | Rejection:
    """The result stored under `key` in `f` (an entry of `size` bytes), or why not.  The
    header is checked before anything else is read, and each part is read straight into
    its own bytes (no copy of the whole entry)."""
    if f.read(len(MAGIC)) != MAGIC:
        return Rejection.NOT_AN_ENTRY
    line = f.readline(MAX_HEADER)
    try:
        header = json.loads(line) if line.endswith(b"\n") else None
    except (ValueError, RecursionError):
        header = None
    if type(header) is not dict or set(header) != {"key", "plain", "blobs", "sha256"} \
            or type(header["sha256"]) is not str or type(header["key"]) is not str \
            or type(header["plain"]) is not int or header["plain"] < 0 or type(header["blobs"]) is not list \
            or any(type(n) is not int or n < 0 for n in header["blobs"]):
        return Rejection.NOT_AN_ENTRY
    if header["key"] != key:
        return Rejection.OTHER_KEY
    sizes = header["blobs"]
    if len(MAGIC) + len(line) + header["plain"] + sum(sizes) != size:
        return Rejection.LENGTH
    digest = header.pop("sha256")
    h = _hasher(header)
    plain = f.read(header["plain"])
    h.update(plain)
    blobs = []
    for n in sizes:
        blobs.append(f.read(n))
        h.update(blobs[-1])
    if len(plain) != header["plain"] or any(len(b) != n for b, n in zip(blobs, sizes)) or f.read(1):
        return Rejection.LENGTH  # changed while read
    if h.hexdigest() != digest:
        return Rejection.CHECKSUM
    try:
        return from_plain(json.loads(plain.decode("utf-8"), parse_constant=_no_constant), blobs)
    except (ValueError, RecursionError):  # Malformed, bad JSON or UTF-8, a number too long to read
        return Rejection.MALFORMED


def _plain(obj: Any) -> Any:
    """Model objects as plain, JSON-able values; source positions left out (they do not
    reach the PDF), files named with their size, modification time, inode and inode
    change time: a photo replaced by another of the same size, its modification time
    kept (cp -p, rsync, unzip), is still another file version.  (Scalars are
    tested first and dataclass fields read from the class: a page has thousands of values
    and this runs for every page of every build.)"""
    if isinstance(obj, _SCALARS):
        return obj
    fields = getattr(type(obj), "__dataclass_fields__", None)
    if fields is not None:
        return {name: _plain(getattr(obj, name)) for name in fields if name != "where"}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, Path):
        try:
            st = obj.stat()
            return [str(obj), st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]
        except OSError:
            return [str(obj), -1, -1, -1, -1]
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    return str(obj)


class PageCache:
    def __init__(self, folder: Path, edition: Edition, style: Style, mode: str, cursors: dict[str, Cursor],
                 key_memo: PageKeyMemo | None = None):
        self.folder = folder / "pages" / mode  # each mode keeps its own pages
        # Keys remembered only in a memo the caller keeps (a resident process's): a one-off
        # build asks for each page's key once, and hashing the page's whole value for a memo
        # it then drops costs as much as a tenth of the key (before the workers start).
        self.key_memo = key_memo if key_memo is not None else PageKeyMemo()
        self._remember = key_memo is not None
        self.rejected: list[CacheRejection] = []  # entries found but not used, in the order asked for
        self._labels: dict[str, str] = {}  # key -> the page label it was made for
        self.edition = edition
        self.cursors = cursors
        fonts_yaml = paths.fonts_dir() / "fonts.yaml"
        base = {
            "code": code_digest(),
            "mode": mode,
            "style": hashlib.sha256(Path(path_of(style.source)).read_bytes()).hexdigest(),
            "overrides": _plain(edition.style_overrides),
            "fonts": hashlib.sha256(fonts_yaml.read_bytes()).hexdigest() if fonts_yaml.exists() else "",
            "edition": [edition.paper, edition.date.isoformat(), edition.number, len(edition.pages),
                        _plain(edition.sections)],  # (a proof page's stamp is in its key: pipeline.plan_pages)
        }
        self.base = json.dumps(base, sort_keys=True, ensure_ascii=False)
        self._sources = {s.id: (p, s) for p in edition.pages for s in p.stories if not s.continued_from}
        self._written: dict[str, list] | None = None

    def key(self, page: Page) -> str:
        conts = [(src_page.label, src, self.cursors.get(sid, Cursor())) for sid, src_page, src in
                 ((s.continued_from, *self._sources[s.continued_from]) for s in page.stories
                  if s.continued_from and s.continued_from in self._sources)]
        # A resident process (layout watch) asks again for pages whose model values have not
        # changed: remembered by value (model objects are frozen and hashable) plus the
        # photo files' signatures, which the values only name.
        memo_key: tuple | None = None
        got = None
        if self._remember:
            photos = [ph.file for ph in page.photos] + [ph.file for s in page.stories for ph in s.photos] \
                + [ph.file for _, src, _ in conts for ph in src.photos]
            memo_key = (self.base, page, tuple(conts), tuple(tuple(_plain(f)) for f in photos))
            got = self.key_memo.get(memo_key)
        if got is None:
            extra = [[label, _plain(src), cur.para, cur.offset] for label, src, cur in conts]
            blob = json.dumps([self.base, _plain(page), extra], sort_keys=True, ensure_ascii=False)
            got = hashlib.sha256(blob.encode("utf-8")).hexdigest()
            if memo_key is not None:
                self.key_memo.put(memo_key, got)
        self._labels[got] = page.label
        return got

    def get(self, key: str) -> PageResult | None:
        """The stored result for `key`; None if there is none or it fails a check (then
        listed in `rejected`)."""
        label = self._labels.get(key, "")
        got: PageResult | Rejection
        try:  # not following a link, not waiting on a pipe: only a plain file is read
            fd = os.open(self.folder / f"{key}{SUFFIX}", os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError as e:  # missing or unreadable: compose the page again
            if e.errno != errno.ELOOP:
                return None
            got = Rejection.NOT_AN_ENTRY  # a symbolic link
        else:
            try:
                st = os.fstat(fd)
                if not stat.S_ISREG(st.st_mode):
                    got = Rejection.NOT_AN_ENTRY
                elif st.st_size > MAX_ENTRY:
                    got = Rejection.TOO_LARGE
                else:
                    with os.fdopen(fd, "rb") as f:
                        fd = -1
                        got = decode_entry(f, st.st_size, key)
            except OSError:
                return None
            finally:
                if fd >= 0:
                    os.close(fd)
        if isinstance(got, PageResult) and label and got.page.display.label != label:
            got = Rejection.OTHER_PAGE
        if isinstance(got, Rejection):
            self.rejected.append(CacheRejection(label, key, got))
            return None
        return got

    def put(self, key: str, value: PageResult) -> None:
        try:
            data = encode_entry(key, value)
        except ValueError:
            return  # a result the plain form cannot hold exactly is not cached
        if len(data) > MAX_ENTRY:
            return
        target = self.folder / f"{key}{SUFFIX}"
        try:  # (write_temp leaves no temporary behind when it fails: disk full, ...)
            tmp = staging.write_temp(target, data, durable=False, mode=0o600)
        except OSError:
            return  # a cache that cannot be written only costs time
        try:
            os.replace(tmp, target)
        except BaseException as e:  # a folder in the way, Ctrl-C: no half-written entry stays behind
            staging.remove(tmp)
            if not isinstance(e, OSError):
                raise

    # -- files in the output folder -----------------------------------------------------
    # A page file whose key has not changed and that nobody touched since this folder's
    # last build already holds the right bytes: it is not written again (its modification
    # time stays, so a plate-making hot folder does not process the plate again).
    def _written_file(self) -> Path:
        return self.folder.parent.parent / f"written-{self.folder.name}.json"

    def written(self) -> dict[str, list]:
        if self._written is None:
            try:
                data = json.loads(self._written_file().read_text(encoding="utf-8"))
                self._written = data if isinstance(data, dict) else {}
            except (OSError, ValueError):
                self._written = {}
        return self._written

    def unchanged(self, path: Path, key: str) -> bool:
        rec = self.written().get(str(path))
        if type(rec) is not list or len(rec) != 4 or rec[0] != key:
            return False
        try:
            return _signature(path) == tuple(rec[1:])
        except OSError:
            return False

    def record_written(self, files: dict[Path, str], partial: bool = False) -> None:
        """After a build: which key each page file now holds, with its signature.  A partial
        build (--pages) keeps what is known of the pages it did not build."""
        if partial:
            built = {str(p) for p in files}
            known = {Path(k): v[0] for k, v in self.written().items()
                     if k not in built and type(v) is list and v and type(v[0]) is str}
            files = {**known, **files}
        out = {}
        for path, key in files.items():
            try:
                out[str(path)] = [key, *_signature(path)]
            except OSError:
                continue
        self._written = out
        target = self._written_file()
        try:  # ASCII JSON: a path that is not UTF-8 (a surrogate escape) is kept exactly
            tmp = staging.write_temp(target, json.dumps(out).encode("ascii"), durable=False, mode=0o600)
        except (OSError, ValueError):
            return  # only costs a rewrite next time
        try:
            os.replace(tmp, target)
        except BaseException as e:
            staging.remove(tmp)
            if not isinstance(e, OSError):
                raise

    def prune(self, keep: set[str]) -> None:
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for p in entries:  # old pickles whatever their name: never opened, only removed
            if p.suffix == ".pkl" or p.suffix in (SUFFIX, ".tmp") and \
                    p.name.split(".")[0 if p.suffix == SUFFIX else 1] not in keep:
                try:
                    p.unlink(missing_ok=True)
                except OSError:
                    pass  # a folder of that name, permissions: only costs space
