"""Compose and draw pages, in this process or in a pool of forked workers (-j N).

In: a `PageJob` (everything one build's pages need, made once) and the labels of the pages
not found in a cache.  Out: a `PageResult` per page (its slim composed page, text, drawing,
own PDF and content scan), handed to a callback as each finishes.  Results do not depend
on the number of workers: each page is composed and drawn on its own.

Why fork: the composer, the fonts and the edition are large and already in memory; forked
workers share them with the parent (copy on write) instead of receiving them pickled.  The
job goes to each worker as an argument of its initializer, which fork hands over as it is.
"""

from __future__ import annotations

import gc
import os
import time
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from layout.build.cache import PageCache
from layout.build.pageresult import PageResult
from layout.fonts.catalogue import FontBook
from layout.fonts.embed import EmbeddedFonts, page_font_level
from layout.model.edition import Edition
from layout.model.modes import OutputProfile
from layout.page.compose import ComposedPage, Composer
from layout.page.display import PageDisplay
from layout.page.fidelity import page_text
from layout.page.record import record_of
from layout.pdf.draw import CONTENT_FILTER, draw_page, render_pages
from layout.pdf.metadata import page_meta
from layout.pdf.preflight import content_key, scan_content
from layout.text.dates import pdf_date
from layout.text.typeset import Cursor


# eq=False, repr=False: a job is never compared nor shown, and each method the decorator writes
# is compiled when the module is imported, before a build's workers fork
@dataclass(eq=False, repr=False)
class PageJob:
    """Everything composing and drawing any page of one build needs, made once per build
    before a pool forks (so every worker inherits the same, finished job)."""

    composer: Composer
    edition: Edition
    cursors: dict[str, Cursor]  # where each jumped story resumes
    fonts: FontBook
    embedded: EmbeddedFonts  # the faces as PDF fonts, made before the fork
    profile: OutputProfile
    bleed: float  # the style's bleed (used when the mode has bleed)
    cache: PageCache | None  # results are stored by whoever makes them, in parallel
    keys: dict[str, str]  # page label -> page-cache key ({} without a cache or page memory)
    stamps: dict[str, str] = field(default_factory=dict)  # page label -> proof stamp (round, revision id)
    out_dir: Path = Path(".")  # the build's output folder (for the page outputs)
    page_outputs: tuple = ()  # desk outputs with work on each page as it is made (desk.py PageOutput)

    def run(self, label: str) -> PageResult:
        """Compose and draw one page and render its own PDF; return only what the build
        needs (the display list's items stay behind)."""
        ed = self.edition
        page = ed.page(label)
        cp = self.composer.compose_page(page, self.cursors)
        drawing = draw_page(cp.display, self.fonts, self.profile.mode, self.bleed, self.stamps.get(label, ""),
                             self.embedded)
        pdf = render_pages([drawing], self.fonts, font_level=page_font_level(self.profile.mode), author=ed.paper,
                           date=pdf_date(ed.date), embedded=self.embedded,
                           meta=page_meta(ed, label, drawing.title, self.profile.mode))
        d = cp.display
        slim = PageDisplay(d.label, d.width, d.height, (), d.bookmarks, d.section, d.title)
        packed = drawing.packed[1]  # the stream as both PDFs store it (draw._pack)
        scan = (content_key(CONTENT_FILTER, packed), drawing.scan or scan_content(zlib.decompress(packed)))
        result = PageResult(ComposedPage(slim, cp.fits, cp.findings), page_text(d), drawing, pdf, scan,
                            record_of(page, d))
        if self.cache is not None:  # deterministic results: stored as soon as made
            self.cache.put(self.keys[label], result)
        for output in self.page_outputs:  # (previews: rendered here, in parallel with the other pages)
            result.desk_files.update(output.page_files(result, self.out_dir, self.profile))
        return result


def run_pages(job: PageJob, labels: list[str], jobs: int, done: Callable[[str, PageResult], None],
              meanwhile: Callable[[], None] | None = None) -> None:
    """Every page of `labels` through `job.run`, in order; `done` is called as each finishes.
    More than one page and `jobs` > 1: in a pool of `jobs` forked workers, and then
    `meanwhile` runs in this process once the workers have started (work the parent would
    otherwise do before or after, such as a large import, done while it waits)."""
    if jobs <= 1 or len(labels) <= 1:
        for lab in labels:
            done(lab, job.run(lab))
        return
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor  # a costly import: only when pages are many

    for face in job.fonts.faces.values():  # made once here, not once per worker
        job.embedded.get(face)
    # Workers are forked: objects the parent made (fonts, the edition) are shared with them
    # until written to, and a garbage collection in a worker writes to every object it
    # traverses.  Frozen, the parent's objects are left out of the workers' collections
    # and stay shared.
    gc.freeze()
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context("fork"),
                               initializer=_worker_init, initargs=(os.getpid(), job))
    finished = False
    try:
        results = pool.map(_run_in_worker, labels)  # forks the workers
        if meanwhile is not None:
            meanwhile()
        for lab, res in zip(labels, results):
            done(lab, res)
        finished = True
    finally:  # on Ctrl-C: drop the pages not yet started instead of rendering them all first
        if finished:  # every page is in: the workers exit while this process goes on (`reap_workers`)
            pool.shutdown(wait=False)
            _CLOSING.append(pool)
        else:
            pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


_CLOSING: list = []
"""Pools whose pages are all done, their workers still exiting (run_pages)."""


def reap_workers() -> None:
    """Wait for the workers of finished pools to have exited.

    Why not at once: a worker that has drawn its last page takes 10-20 ms to exit (its
    memory unmapped, its exit handlers run) and its pool's thread to see it go; the build
    has nothing to wait for from it, so it waits here, at the end of the build, when the
    workers are long gone.  No process outlives the build (nor a thread the interpreter
    would have to join at exit)."""
    while _CLOSING:
        _CLOSING.pop().shutdown(wait=True)


@contextmanager
def no_collection() -> Iterator[None]:
    """No garbage collection while a build runs (restored after, as it was).

    Why: a build makes millions of short-lived objects, nearly all freed by reference
    counting, and keeps a few large structures (the fonts' maps, the edition, the composer)
    that every full collection traverses again: about 3 % of a cold build's instructions
    went to collections that found next to nothing.  The cycles a build leaves are few and
    small; they are collected once collection is back on (`layout watch` collects between
    builds).  Forked workers inherit the setting, so they do not collect either."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


_WORKER_JOB: PageJob | None = None
"""In a worker process only: the job of the build that forked it, set once by `_worker_init`.
(A pool's tasks name a module-level function; this is how that function finds the job it
inherited.  The parent process never sets it.)"""


def _worker_init(parent: int, job: PageJob) -> None:
    """Keep the inherited job; leave Ctrl-C to the parent (which stops the pool) and exit when
    the parent dies: a killed build must not leave workers blocked forever on the task queue.
    (The watching thread is started with `_thread`, which does not wait for it to run, as
    threading's start does: on a busy machine that wait is for a free core, before the
    worker's first page.)"""
    import _thread
    import signal

    global _WORKER_JOB
    _WORKER_JOB = job
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    _thread.start_new_thread(watch, ())


def _run_in_worker(label: str) -> PageResult:
    assert _WORKER_JOB is not None, "a page task ran outside a worker made by run_pages"
    return _WORKER_JOB.run(label)
