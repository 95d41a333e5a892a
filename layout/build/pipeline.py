"""The whole pipeline in one readable function: load -> compose -> render -> assemble.

In: a manifest path and BuildOptions.  Out: page PDFs, the edition PDF, the fit report
and findings, written atomically into the output folder (temporary file + rename, a
lock against concurrent builds).  `prepare` and `compose_all` stop before any PDF is
written, for `layout check` and for tests.
"""

from __future__ import annotations

import gc
import glob
import json
import os
import re
import tempfile
import time
import zlib
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from layout import __version__
from layout.build.cache import PageCache, PageKeyMemo
from layout.build.pageresult import PageResult
from layout.errors import Finding, ManifestError, OutputError, OversetError, Problem
from layout.fonts.catalogue import FontBook, load_fontbook
from layout.fonts.embed import embedded
from layout.model.edition import Edition
from layout.model.manifest import load_edition
from layout.model.styles import Style, load_style, path_of
from layout.page.compose import ComposedPage, Composer, StoryMemo, fallback_findings
from layout.page.display import PageDisplay
from layout.page.fidelity import PageText, display_fidelity, page_text
from layout.page.grid import check_frames
from layout.pdf.assemble import assemble
from layout.pdf.draw import CONTENT_FILTER, draw_page, render_pages
from layout.pdf.preflight import content_key, scan_content
from layout.pdf.verify import verify_pdf
from layout.text.dates import pdf_date
from layout.text.typeset import Cursor


@dataclass
class BuildOptions:
    out_dir: Path = Path("output")
    mode: str = "print"
    pages: list[str] | None = None  # labels to build; None = all
    jobs: int = 1
    report: Path | None = None
    allow_overset: bool = False
    allow_outside: bool = False
    verify: bool = False
    cache: bool = True  # reuse unchanged pages from <out_dir>/.cache
    memory: dict | None = None  # pages kept in memory between builds of one process (layout watch)
    stories: StoryMemo | None = None  # and composed stories (layout watch)
    yaml_memo: dict | None = None  # and the parsed parts of the manifest (layout watch)


@dataclass
class Prepared:
    edition: Edition
    style: Style
    fonts: FontBook
    findings: list[Finding] = field(default_factory=list)


@dataclass
class BuildResult:
    edition_pdf: Path | None
    page_pdfs: dict[str, Path]
    pages: list[ComposedPage]
    findings: list[Finding]
    reused: list[str]  # pages taken unchanged from the cache
    timings: dict[str, float]
    style_file: Path | None = None  # the style sheet the edition was built with
    cache_rejected: list[str] = field(default_factory=list)  # cache entries that failed a check (rebuilt)


def prepare(manifest: Path, allow_outside: bool = False, yaml_memo: dict | None = None) -> Prepared:
    """Manifest, style and fonts, with every geometry problem reported at once."""
    edition = load_edition(manifest, allow_outside=allow_outside, yaml_memo=yaml_memo)
    style = load_style(edition.style, edition.source.parent, edition.style_overrides)
    problems = check_frames(edition, style)
    if problems:
        raise ManifestError(problems)
    fonts = load_fontbook()
    return Prepared(edition, style, fonts, fallback_findings(edition, style, fonts))


def select_pages(edition: Edition, spec: list[str] | None) -> list[str]:
    """Page labels from "A1,T3-T5" style selections, in edition order."""
    labels = [p.label for p in edition.pages]
    if not spec:
        return labels
    wanted: set[str] = set()
    for item in spec:
        for part in item.split(","):
            part = part.strip()
            if not part:
                continue
            if "-" in part:
                a, b = (s.strip() for s in part.split("-", 1))
                if a not in labels or b not in labels:
                    raise ManifestError(Problem(f"--pages: unknown page in range {part!r}",
                                                hint=f"pages are {labels[0]}…{labels[-1]}"))
                i, j = labels.index(a), labels.index(b)
                if i > j:
                    raise ManifestError(Problem(f"--pages: range {part!r} runs backwards"))
                wanted.update(labels[i:j + 1])
            elif part in labels:
                wanted.add(part)
            else:
                raise ManifestError(Problem(f"--pages: unknown page {part!r}", hint="use labels such as A1,T3-T5"))
    return [lab for lab in labels if lab in wanted]


def compose_all(prep: Prepared, labels: list[str] | None = None) -> list[ComposedPage]:
    composer = Composer(prep.edition, prep.style, prep.fonts)
    cursors = composer.resolve_jumps()
    chosen = labels or [p.label for p in prep.edition.pages]
    return [composer.compose_page(prep.edition.page(lab), cursors) for lab in chosen]


# -- worker state for -j N (fork: inherited, never pickled) --------------------------
_W: dict = {}
_KEY_MEMO = PageKeyMemo()  # page keys remembered across the builds of layout watch (opts.memory)


def _worker_init(parent: int) -> None:
    """Workers leave Ctrl-C to the parent (which stops the pool) and exit when the parent
    dies: a killed build must not leave workers blocked forever on the task queue."""
    import signal
    import threading

    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _work(label: str) -> PageResult:
    """Compose and draw one page and write its own PDF; return only what the parent needs
    (not the display list)."""
    composer: Composer = _W["composer"]
    cp = composer.compose_page(_W["edition"].page(label), _W["cursors"])
    drawing = draw_page(cp.display, _W["fonts"], _W["mode"], _W["bleed"], _W["stamp"])
    ed = _W["edition"]
    pdf = render_pages([drawing], _W["fonts"], font_level=1, author=ed.paper, date=pdf_date(ed.date))
    d = cp.display
    slim = PageDisplay(d.label, d.width, d.height, (), d.bookmarks, d.section, d.title)
    packed = drawing.packed[1]  # the stream as both PDFs store it (render_pdf._pack)
    scan = (content_key(CONTENT_FILTER, packed), scan_content(zlib.decompress(packed)))
    result = PageResult(ComposedPage(slim, cp.fits, cp.findings), page_text(d), drawing, pdf, scan)
    cache: PageCache | None = _W.get("cache")
    if cache is not None:  # stored by the worker, in parallel (results are deterministic)
        cache.put(_W["keys"][label], result)
    return result


def safe_name(edition: Edition, label: str) -> str:
    """File name for a page: the label when it is plain ASCII, else section id + number (特3 -> S3)."""
    if re.fullmatch(r"[A-Za-z0-9_-]+", label):
        return label
    page = edition.page(label)
    sid = re.sub(r"[^A-Za-z0-9_-]", "", page.section) or "P"
    return f"{sid}{page.number}"


def edition_filename(edition: Edition, mode: str) -> str:
    """<paper>-<date>[-<mode>].pdf; the paper's name made safe as one file name (no path
    separators, no leading dot, at most 255 bytes), so that it can never point elsewhere."""
    tail = f"-{edition.date.isoformat()}" + ("" if mode == "print" else f"-{mode}") + ".pdf"
    paper = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", edition.paper).strip(" .") or "edition"
    while len((paper + tail).encode("utf-8")) > 240:
        paper = paper[:-1]
    return paper + tail


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over the target."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise OutputError(Problem(f"cannot write {path}: {e.strerror or e}")) from None
    try:
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(e, OSError):  # a folder of that name, disk full, ...
            raise OutputError(Problem(f"cannot write {path}: {e.strerror or e}")) from None
        raise


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM are delivered only when the block is left (main thread only)."""
    import signal
    import threading

    block = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if block else None
    try:
        yield
    finally:
        if block:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)


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
            for old in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
                old.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            self.items.append((tmp, path))
            os.fchmod(fd, 0o644)
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        except OSError as e:  # disk full, permissions, ...: the previous outputs stay as they were
            raise OutputError(Problem(f"cannot write {path}: {e.strerror or e}",
                                      hint="check the output folder (space, permissions) or use -o")) from None

    def keep(self, path: Path) -> None:
        """`path` already holds the right bytes: only remove temporaries a killed build left
        for it."""
        try:
            for old in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
                old.unlink(missing_ok=True)
        except OSError:
            pass

    def commit(self) -> None:
        """Rename every file into place; Ctrl-C (SIGINT) and SIGTERM wait until all are."""
        with _signals_held():
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
            for old in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
                old.unlink(missing_ok=True)
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
            with _signals_held():
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
        with _signals_held():
            if self.fd is not None:
                self.path.unlink(missing_ok=True)  # while still holding it: see the inode check above
                os.close(self.fd)
                self.fd = None


def build(manifest: Path, opts: BuildOptions, progress: Callable[[str, int, int], None] | None = None
          ) -> BuildResult:
    t0 = time.perf_counter()
    prep = prepare(manifest, opts.allow_outside, opts.yaml_memo)
    edition, style, fonts = prep.edition, prep.style, prep.fonts
    labels = select_pages(edition, opts.pages)
    t_load = time.perf_counter()
    composer = Composer(edition, style, fonts, opts.stories)
    cursors: dict[str, Cursor] = composer.resolve_jumps()
    _W.update(composer=composer, edition=edition, cursors=cursors, fonts=fonts, mode=opts.mode,
              bleed=style.bleed, stamp=edition.sha256)
    total = len(labels)
    memory = opts.memory
    key_memo = _KEY_MEMO if memory is not None else None  # the resident process's; a BuildSession will own it
    cache = PageCache(opts.out_dir / ".cache", edition, style, opts.mode, cursors, key_memo) if opts.cache else None
    keyer = cache or (PageCache(opts.out_dir / ".cache", edition, style, opts.mode, cursors, key_memo)
                      if memory is not None else None)
    keys = {lab: keyer.key(edition.page(lab)) for lab in labels} if keyer else {}
    _W.update(cache=cache, keys=keys)
    done: dict[str, PageResult] = {}
    for lab in labels:
        hit = memory.get(keys[lab]) if memory is not None else None
        if hit is None and cache:
            hit = cache.get(keys[lab])
        if hit is not None:
            done[lab] = hit
            if progress:
                progress(lab, len(done), total)
    todo = [lab for lab in labels if lab not in done]
    if opts.jobs > 1 and len(todo) > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor  # 12 ms to import: only when pages are many

        for face in fonts.faces.values():  # made once here, not once per worker
            embedded(face)
        # Workers are forked: objects the parent made (fonts, the edition) are shared with
        # them until written to, and a garbage collection in a worker writes to every
        # object it traverses.  Frozen, the parent's objects are left out of the workers'
        # collections and stay shared.
        gc.freeze()
        pool = ProcessPoolExecutor(max_workers=opts.jobs, mp_context=mp.get_context("fork"),
                                   initializer=_worker_init, initargs=(os.getpid(),))
        try:
            for lab, res in zip(todo, pool.map(_work, todo, chunksize=max(1, len(todo) // (opts.jobs * 9)))):
                done[lab] = res
                if progress:
                    progress(lab, len(done), total)
        finally:  # on Ctrl-C: drop the pages not yet started instead of rendering them all first
            pool.shutdown(wait=True, cancel_futures=True)
            gc.unfreeze()
    else:
        for lab in todo:
            done[lab] = _work(lab)
            if progress:
                progress(lab, len(done), total)
    results = [done[lab] for lab in labels]
    t_pages = time.perf_counter()
    pages = [r.page for r in results]
    texts = [r.text for r in results]
    findings = list(prep.findings)
    for cp in pages:
        findings += cp.findings
    overset_ids = {f.data.get("story", "") for f in findings if f.code == "overset"}
    findings += display_fidelity(edition, texts, overset_ids)
    pdfs = {r.page.display.label: r.pdf for r in results}
    t_draw = time.perf_counter()
    timings = {"checks": t_draw - t_pages}
    document = render_pages([r.drawing for r in results], fonts, author=edition.paper, date=pdf_date(edition.date))
    t_doc = time.perf_counter()
    edition_bytes = assemble(edition, [r.page.display for r in results], document, opts.mode)
    t_asm = time.perf_counter()
    if opts.verify or opts.mode == "archive":
        findings += verify_pdf(edition, texts, pdfs, edition_bytes)
    if opts.allow_overset:
        findings = [Finding("warning", f.code, f.where, f.message, f.data) if f.code == "overset" else f
                    for f in findings]
    errors = [f for f in findings if f.severity == "error"]
    if opts.report:
        report = fit_report(edition, pages, findings, opts.mode, opts.verify or opts.mode == "archive")
        write_atomic(opts.report, json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"))
    if errors:
        kind = OversetError if all(f.code == "overset" for f in errors) else ManifestError
        raise kind([Problem(f.message) for f in errors])
    out = opts.out_dir
    page_paths: dict[str, Path] = {}
    with BuildLock(out):
        # Every output is written to a temporary file first and all are renamed together at
        # the end: an interrupted or killed build leaves the previous build's files as they
        # were (at most a leftover .<name>.*.tmp, removed by the next build).
        staged = StagedWrites()
        try:
            for r in results:
                lab = r.page.display.label
                p = out / "pages" / f"{safe_name(edition, lab)}.pdf"
                if opts.mode != "print":
                    p = out / opts.mode / "pages" / f"{safe_name(edition, lab)}.pdf"
                if cache and cache.unchanged(p, keys[lab]):
                    staged.keep(p)
                else:
                    staged.add(p, r.pdf)
                page_paths[lab] = p
            target = out / edition_filename(edition, opts.mode)
            staged.add(target, edition_bytes)
            if opts.mode == "archive":
                side = archive_sidecar(edition, pages, texts)
                staged.add(target.with_suffix(".json"), json.dumps(side, ensure_ascii=False, indent=1).encode())
            staged.commit()
        finally:
            staged.discard()
        if cache and opts.pages is None:
            cache.prune(set(keys.values()))
        if cache:
            cache.record_written({page_paths[lab]: keys[lab] for lab in labels}, partial=opts.pages is not None)
        if memory is not None:
            if opts.pages is None:
                memory.clear()
            memory.update((keys[lab], done[lab]) for lab in labels)
        t_files = time.perf_counter()
        timings["files"] = t_files - t_asm
        if opts.mode == "print":
            from layout.pdf.preflight import preflight

            pf = preflight(edition_bytes, scans=dict(r.scan for r in results))
            findings += [Finding("warning", "preflight", target.name, msg) for msg in pf.problems]
    t_end = time.perf_counter()
    timings.update(load=t_load - t0, pages=t_pages - t_load, document=t_doc - t_draw, assemble=t_asm - t_doc,
                   preflight=t_end - t_files, total=t_end - t0)
    return BuildResult(target, page_paths, pages, findings, [lab for lab in labels if lab not in todo], timings,
                       Path(path_of(style.source)).resolve(), [str(r) for r in cache.rejected] if cache else [])


def fit_report(edition: Edition, pages: list[ComposedPage], findings: list[Finding], mode: str,
               pdf_verified: bool = False) -> dict:
    fits = [f for cp in pages for f in cp.fits]
    fidelity = [f for f in findings if f.code == "fidelity"]
    return {
        "edition": {"paper": edition.paper, "date": edition.date.isoformat(), "manifest_sha256": edition.sha256,
                    "mode": mode, "layout_version": __version__},
        "fidelity": {  # every story's characters set once and in order (display lists; PDFs with --verify)
            "stories_checked": len({f.story.split("~")[0] for f in fits}),
            "characters_set": sum(f.chars_set for f in fits),
            "characters_overset": sum(f.overset_chars for f in fits),
            "pdf_read_back": pdf_verified,
            "differences": len(fidelity),
        },
        "stories": [asdict(f) for f in fits],
        "findings": [{"severity": f.severity, "code": f.code, "where": f.where, "message": f.message,
                      **({"data": f.data} if f.data else {})} for f in findings],
    }


def archive_sidecar(edition: Edition, pages: list[ComposedPage], texts: list[PageText]) -> dict:
    """Story -> pages, frames, bounding boxes and the sha256 of its text (for facsimile checks)."""
    import hashlib

    stories: dict[str, dict] = {}
    for page in edition.pages:
        for s in page.stories:
            if not s.continued_from:
                stories[s.id] = {"headline": s.headline.text if s.headline else "",
                                 "text_sha256": hashlib.sha256("\n\n".join(s.paragraphs).encode()).hexdigest(),
                                 "chars": sum(len(p) for p in s.paragraphs), "placements": []}
    for cp, pt in zip(pages, texts):
        for fit in cp.fits:
            sid = fit.story.split("~")[0]
            bbox = pt.bboxes.get(fit.story)
            if bbox is None or sid not in stories:
                continue
            stories[sid]["placements"].append({"page": pt.label, "frame": fit.frame, "bbox_pt": bbox,
                                               "chars_set": fit.chars_set})
    return {"edition": {"paper": edition.paper, "date": edition.date.isoformat(),
                        "manifest_sha256": edition.sha256}, "stories": stories}
