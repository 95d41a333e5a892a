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

Changes are found by polling: the size and modification time of every file in the
manifest's folder (hidden files, the output folder and caches skipped) and of the style
sheet, the page templates and the font catalogue.  Polling needs nothing from the platform and, for the few
hundred files of an edition folder, costs well under a millisecond per look.
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from layout import paths
from layout.build.pipeline import BuildOptions, BuildResult, build
from layout.build.session import BuildSession
from layout.errors import LayoutError

Stamp = dict[str, tuple[int, int, int]]  # path -> (mtime ns, size, inode)


@dataclass
class WatchEvent:
    result: BuildResult | None
    error: LayoutError | None
    seconds: float
    changed: list[str] = field(default_factory=list)  # files that changed since the previous build


class Watcher:
    def __init__(self, manifest: Path, opts: BuildOptions, session: BuildSession | None = None):
        self.manifest = manifest.resolve()
        self.opts = opts
        self.session = session if session is not None else BuildSession()  # kept for every build
        self.stamp: Stamp = {}
        self.style_files: list[Path] = []

    def _files(self) -> list[Path]:
        folder = self.manifest.parent
        out_dir = self.opts.out_dir.resolve()
        found: list[Path] = [self.manifest, paths.fonts_dir() / "fonts.yaml"]
        for root, dirs, files in os.walk(folder):
            here = Path(root)
            dirs[:] = [d for d in dirs if not d.startswith(".") and d != "__pycache__"
                       and (here / d).resolve() != out_dir]
            found += [here / f for f in files if not f.startswith(".")]
        if self.opts.report is not None:  # the fit report it writes itself (--report) is no change to build
            report = self.opts.report.resolve()  # the walked folder is resolved: compare paths as they are
            found = [p for p in found if p != report]
        return found + self.style_files

    def snapshot(self) -> Stamp:
        return self._stamp_of(self._files())

    @staticmethod
    def _stamp_of(files: list[Path]) -> Stamp:
        stamp: Stamp = {}
        for p in files:
            try:
                st = p.stat()
            except OSError:
                continue
            stamp[str(p)] = (st.st_mtime_ns, st.st_size, st.st_ino)
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
        self.stamp = self.snapshot()
        t = time.perf_counter()
        try:
            res = build(self.manifest, self.opts, self.session)
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
        except LayoutError as e:
            return WatchEvent(None, e, time.perf_counter() - t, changed or [])

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
