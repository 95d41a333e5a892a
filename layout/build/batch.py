"""Several editions built side by side: `layout build ED1 ED2 …` (or a folder of editions).

In: the editions' manifests, one BuildOptions to build each with (its `out_dir` is each
edition's own, `BatchEdition.out_dir`) and the number of cores.  Out: one `EditionOutcome`
per edition, in the order given: its BuildResult, or the error that stopped it.

Why whole editions per process: an edition's serial parts (start-up, the manifest, the
fonts, assembly, writing) leave cores idle while one edition is built across all of them;
one edition per core keeps every core busy (on 2 cores, two one-worker streams built 30-37
pages/s against 22-27 for one edition after another at -j2).  Editions are built in a pool
of forked processes, at most one per core; with fewer editions than cores each edition
gets the remaining cores as page workers.  Output is the same as building each alone.

An error in one edition is that edition's outcome: the others are built and written as
usual (each build writes only its own output folder, atomically: staging.py).
"""

from __future__ import annotations

import copy
import os
import queue
import signal
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from layout.build.pipeline import BuildOptions, BuildResult, build
from layout.errors import Finding, LayoutError, Problem

MANIFEST_NAME = "edition.yaml"
# Progress of the batch: edition index, page label, pages done and pages in that edition's build.
BatchProgress = Callable[[int, str, int, int], None]


@dataclass
class BatchEdition:
    manifest: Path
    out_dir: Path  # where this edition's outputs go


@dataclass
class EditionOutcome:
    """What became of one edition of a batch: its result, or the error that stopped it
    (kind: "manifest error", "overset error", "internal error", ...; problems as printed,
    each naming its file and line; the warnings found before it)."""

    edition: BatchEdition
    result: BuildResult | None = None
    error_kind: str = ""
    problems: list[str] | None = None
    warnings: list[Finding] | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.result is not None


def editions_in(folder: Path) -> list[Path]:
    """The manifests of a folder of editions: <folder>/*/edition.yaml, by folder name."""
    return sorted(p for p in folder.glob(f"*/{MANIFEST_NAME}") if p.is_file())


def plan_outputs(manifests: list[Path], out_dir: Path | None) -> list[BatchEdition]:
    """Where each edition's outputs go: by default its own output/ beside its manifest (as
    for one edition); with -o DIR, DIR/<the edition's folder name>/.  Two editions that would
    write into the same folder are a usage error, found before anything is built."""
    plan = [BatchEdition(m, (out_dir / m.parent.name) if out_dir is not None else m.parent / "output")
            for m in manifests]
    seen: dict[Path, Path] = {}
    for item in plan:
        key = item.out_dir.resolve()
        if key in seen:
            raise LayoutError(Problem(f"{seen[key]} and {item.manifest} would both write into {item.out_dir}",
                                      hint="give each edition its own folder name, or build them separately "
                                           "with -o"))
        seen[key] = item.manifest
    return plan


def build_editions(plan: list[BatchEdition], opts: BuildOptions, cores: int,
                   progress: BatchProgress | None = None) -> list[EditionOutcome]:
    """Every edition of `plan` built with `opts` (its own out_dir), side by side on `cores`
    cores; the outcomes in plan order.  Ctrl-C stops the batch (KeyboardInterrupt): editions
    already written stay written, the others are left as they were."""
    if cores <= 1 or len(plan) <= 1:
        return [_build_one(item, replace(opts, out_dir=item.out_dir, jobs=max(1, cores)), i, progress)
                for i, item in enumerate(plan)]
    import multiprocessing as mp
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    from layout.fonts.catalogue import load_fontbook

    procs = min(cores, len(plan))
    each = replace(opts, jobs=max(1, cores // procs))  # fewer editions than cores: page workers too
    try:
        load_fontbook()  # read once here: every process inherits it
    except LayoutError:
        pass  # each edition reports it as its own error
    ctx = mp.get_context("fork")
    news = ctx.SimpleQueue()
    pool = ProcessPoolExecutor(max_workers=procs, mp_context=ctx, initializer=_init, initargs=(news,))
    outcomes: list[EditionOutcome | None] = [None] * len(plan)
    try:
        futures = {pool.submit(_build_in_worker, item, replace(each, out_dir=item.out_dir), i): i
                   for i, item in enumerate(plan)}
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, timeout=0.05, return_when=FIRST_COMPLETED)
            _drain(news, progress)
            for f in finished:
                i = futures[f]
                try:
                    outcomes[i] = f.result()
                except Exception as e:  # noqa: BLE001 - a worker that died (killed, out of memory)
                    outcomes[i] = EditionOutcome(plan[i], None, "internal error",
                                                 [f"its build process stopped: {type(e).__name__}: {e}"], [])
        _drain(news, progress)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return [o for o in outcomes if o is not None]


def _build_one(item: BatchEdition, opts: BuildOptions, index: int, progress: BatchProgress | None
               ) -> EditionOutcome:
    """One edition; its error (any error but Ctrl-C) is its outcome, not the batch's."""
    t = time.perf_counter()
    cb = (lambda label, i, n: progress(index, label, i, n)) if progress else None
    # the desks' outputs keep state between the builds of one process (a proof round opened,
    # the last flatplan): each edition gets its own, fresh copies
    desks, stamper = copy.deepcopy((opts.desk_outputs, opts.stamper))
    opts = replace(opts, desk_outputs=desks, stamper=stamper)
    try:
        res = build(item.manifest, opts, progress=cb)
    except LayoutError as e:
        kind = type(e).__name__.replace("Error", " error").lower()
        return EditionOutcome(item, None, kind, [str(p) for p in e.problems],
                              [f for f in e.findings if f.severity == "warning"], time.perf_counter() - t)
    except Exception as e:  # noqa: BLE001 - one edition's failure must not stop the others
        return EditionOutcome(item, None, "internal error", [f"{type(e).__name__}: {e} (run this edition alone "
                                                             f"with --debug for the traceback)"], [],
                              time.perf_counter() - t)
    return EditionOutcome(item, res, seconds=time.perf_counter() - t)  # (its pages hold no display items)


_NEWS = None  # in a batch worker: the queue its progress goes to (set by _init)


def _init(news) -> None:
    """A batch worker: progress goes to the parent through `news`; Ctrl-C is the parent's to
    handle (it stops the pool; a build cut short here leaves its outputs as they were)."""
    global _NEWS
    _NEWS = news
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:  # a killed batch must not leave its workers building on
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)

    import threading

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()


def _build_in_worker(item: BatchEdition, opts: BuildOptions, index: int) -> EditionOutcome:
    news = _NEWS
    assert news is not None, "a batch task ran outside a worker made by build_editions"
    return _build_one(item, opts, index, lambda i, label, done, n: news.put((i, label, done, n)))


def _drain(news, progress: BatchProgress | None) -> None:
    while not news.empty():
        try:
            msg = news.get()
        except (EOFError, OSError, queue.Empty):
            return
        if progress is not None:
            progress(*msg)
