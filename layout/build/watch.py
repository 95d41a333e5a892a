"""Rebuild an edition whenever one of its files changes, in one resident process.

In: a manifest path and BuildOptions.  Out: a build after every change of the files the
edition is made of, reported as `WatchEvent`s (result or error, seconds, what changed).

Why a resident process: a fresh `layout build` spends about half a second starting Python,
importing ReportLab/pypdf/typer and reading fonts before it looks at the edition; a
rebuild that only one story needs is otherwise mostly start-up.  Here the interpreter,
the fonts and every page's result stay in memory (the Watcher's BuildSession), so after an
edit only the changed pages are composed and drawn, and the edition is re-rendered from
the pages' stored drawings.  Outputs are written exactly as `layout build` writes them
(atomic renames, the build lock), and a build that fails (a YAML error while the file is
being typed) is reported and the previous outputs stay in place until the next change.

Changes are found by polling the files the edition is made of, and only those: the
manifest, every file it names (body texts, photos, a style sheet given as a path; a
named file that does not exist yet is looked for, so creating it is a change), the style
sheet the build used, the page templates beside it and bundled, and the font catalogue.  Nothing else in the edition folder or its
parent is looked at, so a log, an editor's backup or the build's own outputs (even with
-o inside the edition folder) never start a build.  A file's version is its size,
modification time, inode and inode change time (a photo copied over another with its
modification time kept is still a change).  Polling needs nothing from the platform and,
for the few dozen files of an edition, costs well under a millisecond per look.

A build that fails, for whatever reason (a YAML error, an unprintable photo, or a bug:
any exception), is reported as an event and the watcher keeps watching; only Ctrl-C
stops it.
"""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from layout import paths
from layout.build.pipeline import BuildOptions, BuildResult, build
from layout.build.session import BuildSession
from layout.errors import LayoutError, Problem
from layout.model import yamlpos
from layout.model.bodies import is_file_name

Stamp = dict[str, tuple[int, int, int, int]]  # path -> (mtime ns, size, inode, ctime ns)


@dataclass
class WatchEvent:
    result: BuildResult | None
    error: LayoutError | None
    seconds: float
    changed: list[str] = field(default_factory=list)  # files that changed since the previous build


def edition_manifest(path: Path) -> Path:
    """The manifest a path names: itself, or a folder's edition.yaml (as `load_edition`
    reads a folder), resolved."""
    path = path.resolve()
    return path / "edition.yaml" if path.is_dir() else path


def named_files(doc: object, base: Path) -> list[Path]:
    """Every file a parsed manifest names, existing or not: body files (a value the loader
    reads as a file name: bodies.body), photos (`file:`) and a style sheet given as a path.
    Relative names are relative to the manifest's folder `base`."""
    found: list[Path] = []

    def walk(node: object, key: object) -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:  # a list under body: is paragraphs, never file names
                walk(v, None)
        elif isinstance(node, str) and key in ("body", "file", "style") and node.strip() and "\n" not in node:
            name = node.strip()
            if key == "body" and not is_file_name(name):
                return  # inline text (`{file: …}` bodies come here under the key "file")
            if key == "style" and not ("/" in name or "\\" in name or name.lower().endswith((".yaml", ".yml"))):
                return  # a style by name: the build reports the file it used (Watcher.style_files)
            if "\x00" not in name:
                try:
                    found.append((base / name).resolve())
                except (OSError, RuntimeError):  # a link loop: the loader reports it
                    pass

    walk(doc, None)
    return found


class Watcher:
    def __init__(self, manifest: Path, opts: BuildOptions, session: BuildSession | None = None):
        self.manifest = edition_manifest(manifest)
        self.opts = opts
        self.session = session if session is not None else BuildSession()  # kept for every build
        self.stamp: Stamp = {}
        self.style_files: list[Path] = []
        self.named: list[Path] = []  # the files the manifest names (named_files)
        self._named_text: str | None = None  # the manifest text `named` was read from
        self._named_version: tuple[int, int, int, int] | None = None  # ... and its file version

    def _read_names(self, version: tuple[int, int, int, int] | None) -> None:
        """The files the manifest names now (read again when the manifest's `version`
        changed); a manifest that cannot be read or parsed (being typed) keeps the names it
        had, and is itself watched."""
        if version == self._named_version:
            return
        self._named_version = version
        try:
            text = self.manifest.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return
        if text == self._named_text:
            return
        try:  # parsed parts go to the session's memory, where the build finds them
            doc = yamlpos.load_segmented(text, self.session.yaml).value
        except Exception:  # noqa: BLE001 - any YAML problem: the build has reported it
            return
        self._named_text = text
        self.named = list(dict.fromkeys(named_files(doc, self.manifest.parent)))

    def _files(self) -> list[Path]:
        return [self.manifest, paths.fonts_dir() / "fonts.yaml", *self.style_files, *self.named]

    def snapshot(self) -> Stamp:
        """The version of every file the edition is made of now."""
        manifest = self._stamp_of([self.manifest])
        self._read_names(manifest.get(str(self.manifest)))
        return {**manifest, **self._stamp_of(self._files()[1:])}

    @staticmethod
    def _stamp_of(files: list[Path]) -> Stamp:
        stamp: Stamp = {}
        for p in files:
            try:
                st = p.stat()
            except OSError:
                continue
            stamp[str(p)] = (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)
        return stamp

    def changes(self) -> list[str]:
        """Files added, removed or modified since the last build (the first call: all)."""
        return self._diff(self.snapshot())

    def _diff(self, now: Stamp) -> list[str]:
        keys = set(now) | set(self.stamp)
        return sorted(k for k in keys if now.get(k) != self.stamp.get(k))

    def _renamed_into_place(self, changed: list[str], now: Stamp) -> bool:
        """Every change is an existing file replaced by another (a new inode under the same
        name): how editors save, writing a temporary file and renaming it over the old one.
        A rename is atomic, so those files are complete and need no settling time; a file
        written in place, created or removed might still be in the middle of a write."""
        return all(k in now and k in self.stamp and now[k][2] != self.stamp[k][2] for k in changed)

    def build_once(self, changed: list[str] | None = None) -> WatchEvent:
        """One build, reported as an event whatever happens but Ctrl-C: an error the user
        can fix (LayoutError) or anything else (reported as an internal error, the previous
        outputs kept) leaves the watcher watching."""
        self.stamp = self.snapshot()  # before the build: a file changed during it is a change
        t = time.perf_counter()
        try:
            res = build(self.manifest, self.opts, self.session)
        except LayoutError as e:
            return WatchEvent(None, e, time.perf_counter() - t, changed or [])
        except Exception as e:  # noqa: BLE001 - a resident process must outlive one bad build
            error = LayoutError(Problem(f"internal error: {type(e).__name__}: {e}",
                                        hint="still watching; `layout --debug build` shows the traceback"))
            return WatchEvent(None, error, time.perf_counter() - t, changed or [])
        seconds = time.perf_counter() - t
        if res.style_file is not None:
            # the style sheet the manifest names (known once a build has read it) and the
            # page templates beside it and bundled (layout.model.templates)
            folders = dict.fromkeys([res.style_file.parent / "templates", paths.styles_dir() / "templates"])
            wanted = [res.style_file] + sorted(p for d in folders for p in d.glob("*.yaml"))
            if wanted != self.style_files:
                self.style_files = wanted
                self.stamp.update(self._stamp_of(self.style_files))
        return WatchEvent(res, None, seconds, changed or [])

    def run(self, report: Callable[[WatchEvent], None], interval: float = 0.1, settle: float = 0.03,
            max_builds: int | None = None) -> None:
        """Build now, then after every change, until interrupted (or after `max_builds`).
        A change is built once the files have stayed the same for `settle` seconds, so a
        save that truncates and writes gives one build, not three; files renamed over
        their old versions (an editor's atomic save) are complete and built at once."""
        report(self.build_once())
        builds = 1
        gc.collect()
        while max_builds is None or builds < max_builds:
            time.sleep(interval)
            before = self.snapshot()
            changed = self._diff(before)
            if not changed:
                continue
            while not self._renamed_into_place(changed, before):  # let the writer finish
                time.sleep(settle)
                now = self.snapshot()
                if now == before:
                    break
                before, changed = now, self._diff(now)
            report(self.build_once(changed))
            builds += 1
            gc.collect()  # while the desk is editing, not in the middle of the next rebuild
