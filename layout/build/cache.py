"""Content-addressed page cache: a page whose inputs did not change is not composed or
drawn again (`<out>/.cache/pages/`).

In: the edition, its style and fonts, the output mode and the resolved jump cursors.
Out: for each page a key (sha256 of everything the page's PDF depends on: the layout code,
the style file and overrides, the font catalogue, the edition's furniture, the page's own
manifest slice with its texts and photo files, and for continuations the source story and
where its text resumes) and, on a hit, the page's stored result.  Because builds are
deterministic, a cached page is byte-identical to a fresh one.  A change of code, style
or fonts changes every key.  Entries are written atomically; only the current build's
entries are kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from layout import __version__, paths
from layout.model.edition import Edition, Page
from layout.model.styles import Style, path_of
from layout.text.typeset import Cursor

FORMAT = 3  # bump when the stored tuple changes shape


@lru_cache(maxsize=1)
def code_digest() -> str:
    """The layout package's source: a change of code invalidates every page."""
    h = hashlib.sha256(f"{__version__}/{FORMAT}".encode())
    root = Path(__file__).resolve().parent.parent  # the whole layout package
    for p in sorted(root.rglob("*.py")):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _signature(path: Path) -> tuple[int, int, int]:
    st = path.stat()
    return (st.st_mtime_ns, st.st_size, st.st_ino)


_SCALARS = (str, int, float, bool, type(None))
_KEYS: dict[tuple, str] = {}  # PageCache.key, remembered by the page's value


def _plain(obj: Any) -> Any:
    """Model objects as plain, JSON-able values; source positions left out (they do not
    reach the PDF), files named with their size and modification time.  (Scalars are
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
            return [str(obj), st.st_size, st.st_mtime_ns]
        except OSError:
            return [str(obj), -1, -1]
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in sorted(obj.items(), key=lambda kv: str(kv[0]))}
    return str(obj)


class PageCache:
    def __init__(self, folder: Path, edition: Edition, style: Style, mode: str, cursors: dict[str, Cursor]):
        self.folder = folder / "pages" / mode  # each mode keeps its own pages
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
                        _plain(edition.sections), edition.sha256 if mode == "proof" else ""],
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
        photos = [ph.file for ph in page.photos] + [ph.file for s in page.stories for ph in s.photos] \
            + [ph.file for _, src, _ in conts for ph in src.photos]
        memo_key = (self.base, page, tuple(conts), tuple(tuple(_plain(f)) for f in photos))
        got = _KEYS.pop(memo_key, None)
        if got is None:
            extra = [[label, _plain(src), cur.para, cur.offset] for label, src, cur in conts]
            blob = json.dumps([self.base, _plain(page), extra], sort_keys=True, ensure_ascii=False)
            got = hashlib.sha256(blob.encode("utf-8")).hexdigest()
        _KEYS[memo_key] = got  # most recently used last
        while len(_KEYS) > 1024:
            _KEYS.pop(next(iter(_KEYS)))
        return got

    def get(self, key: str) -> Any | None:
        try:
            with open(self.folder / f"{key}.pkl", "rb") as f:
                return pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, TypeError):
            return None  # missing or unreadable: compose the page again

    def put(self, key: str, value: Any) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as f:
                pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.folder / f"{key}.pkl")
        except OSError:
            pass  # a cache that cannot be written only costs time

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
        if not rec or rec[0] != key:
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
            files = {**{Path(k): v[0] for k, v in self.written().items() if k not in built}, **files}
        out = {}
        for path, key in files.items():
            try:
                out[str(path)] = [key, *_signature(path)]
            except OSError:
                continue
        self._written = out
        try:
            target = self._written_file()
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(out, f, ensure_ascii=False)
            os.replace(tmp, target)
        except OSError:
            pass  # only costs a rewrite next time

    def prune(self, keep: set[str]) -> None:
        try:
            entries = list(self.folder.iterdir())
        except OSError:
            return
        for p in entries:
            if p.suffix in (".pkl", ".tmp") and p.name.split(".")[0 if p.suffix == ".pkl" else 1] not in keep:
                p.unlink(missing_ok=True)
