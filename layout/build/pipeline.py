"""The whole pipeline as the sequence of its stages: load -> compose -> render -> assemble -> write.

In: a manifest path, BuildOptions and, for a resident process, a BuildSession.  Out: page
PDFs, the edition PDF, the fit report and findings, written atomically into the output
folder (temporary files renamed together, all old or all new, a lock against concurrent
builds; staging.py).  Once the outputs are committed the build has succeeded: a later
failure (the page cache's records, preflight) is a warning, a later Ctrl-C an
InterruptedAfterCommit.  `prepare` and `compose_all` stop before any PDF is made, for
`layout check` and for tests.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from layout.build import pagecheck
from layout.build.cache import PageCache
from layout.build.desk import DeskOutput, FinishedEdition, PageStamper, stage_desk_outputs
from layout.build.filechecks import FileChecks, check_page_file
from layout.build.names import edition_filename, page_path, safe_name, select_pages
from layout.build.pageresult import PageResult
from layout.build.session import BuildSession
from layout.build.staging import BuildLock, StagedWrites, after_commit, write_atomic
from layout.build.workers import PageJob, no_collection, reap_workers, run_pages
from layout.errors import Finding, FontError, LayoutError, ManifestError, OversetError, Problem
from layout.fonts.catalogue import FontBook, load_fontbook
from layout.fonts.embed import EmbeddedFonts
from layout.model.edition import Edition
from layout.model.manifest import read_edition
from layout.model.modes import OutputMode, OutputProfile, output_profile
from layout.model.styles import Style, load_style, path_of
from layout.model.templates import empty_slot_findings
from layout.model.yamlpos import Located
from layout.page.ads import place_ads
from layout.page.autosize import place_frames
from layout.page.compose import ComposedPage, Composer
from layout.page.fidelity import display_fidelity, normalise
from layout.page.grid import check_frames
from layout.page.record import PageRecord, faces_by_key
from layout.page.story import fallback_findings
from layout.pdf.adcheck import check_ads

Progress = Callable[[str, int, int], None]  # page label, pages done, pages in the build


@dataclass
class BuildOptions:
    out_dir: Path = Path("output")
    mode: OutputMode = OutputMode.PRINT
    pages: list[str] | None = None  # labels to build; None = all
    jobs: int = 1
    report: Path | None = None
    allow_overset: bool = False
    allow_outside: bool = False
    verify: bool = False
    cache: bool = True  # reuse unchanged pages from <out_dir>/.cache
    desk_outputs: tuple[DeskOutput, ...] = ()  # more files for the desks, written with the PDFs (desk.py)
    stamper: PageStamper | None = None  # proof pages' round and revision id (desk.py; proof modes only)

    def __post_init__(self) -> None:
        self.mode = output_profile(self.mode).mode  # a name given as a plain string is checked here


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
    # --pages only: why the edition could not be made whole ([]: it is whole).  Then
    # `edition_pdf` holds the named pages only, under a name that says so.
    partial: list[str] = field(default_factory=list)
    records: list[PageRecord] = field(default_factory=list)  # what was placed on each page, in `pages` order
    desk_files: list[Path] = field(default_factory=list)  # what the desk outputs wrote


def prepare(manifest: Path, allow_outside: bool = False, yaml_memo: dict[str, Located] | None = None
            ) -> Prepared:
    """Manifest, style and fonts, with every problem of the manifest reported at once: its
    keys and values, and the geometry of the entries that could be read.  The fonts are read
    first, giving the manifest's read-ahead child (model/prefetch.py) that much longer; a
    font error is raised after the manifest's problems, as if read after them."""
    try:
        fonts, font_error = load_fontbook(), None
    except FontError as e:
        fonts, font_error = None, e
    edition, problems = read_edition(manifest, allow_outside=allow_outside, yaml_memo=yaml_memo)
    if edition is None:
        raise ManifestError(problems or Problem("the manifest does not describe an edition", str(manifest)))
    try:
        style = load_style(edition.style, edition.source.parent, edition.style_overrides)
    except LayoutError as e:
        if not problems:
            raise
        raise ManifestError(problems + e.problems) from None
    edition, ad_problems = place_ads(edition, style)  # booked ads on the grid, artwork sizes checked
    problems = problems + ad_problems + check_frames(edition, style)  # lines: auto / top: below: once placed
    if problems:
        raise ManifestError(problems)
    if fonts is None:
        raise font_error
    edition = place_frames(edition, style, fonts)  # the same edition when no frame is pending
    return Prepared(edition, style, fonts, fallback_findings(edition, style, fonts) + empty_slot_findings(edition))


def compose_all(prep: Prepared, labels: list[str] | None = None) -> list[ComposedPage]:
    composer = Composer(prep.edition, prep.style, prep.fonts)
    cursors = composer.resolve_jumps()
    chosen = labels or [p.label for p in prep.edition.pages]
    return [composer.compose_page(prep.edition.page(lab), cursors) for lab in chosen]


# -- the build -----------------------------------------------------------------------

class InterruptedAfterCommit(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM's handler) arrived after every output had been renamed into place:
    the outputs are the new, complete ones; only the bookkeeping after the commit (the
    page cache's records, preflight) was skipped.  A KeyboardInterrupt, so that a resident
    process still stops; `result` is the build's, without the preflight findings."""

    def __init__(self, result: BuildResult):
        super().__init__("interrupted after the outputs were written")
        self.result = result


def build(manifest: Path, opts: BuildOptions, session: BuildSession | None = None,
          progress: Progress | None = None) -> BuildResult:
    """Build an edition.  `session`: what a resident process keeps between builds (none: a
    one-off build that keeps nothing in memory); `progress` is told of every page done.

    With `opts.pages` the named pages are built and the edition is assembled whole from
    them and the other pages' current results (the session's or the page cache's; a page
    with none is built too).  If another page cannot be built (an error on it), the named
    pages' edition is written under a name that says so (`edition_filename`'s `partial`)
    and the whole edition file is left as it was: a partial build never replaces the
    edition.  The outputs are renamed into place together (staging.StagedWrites: all
    old or all new); what fails after that is a warning, and a Ctrl-C after it is
    InterruptedAfterCommit."""
    with no_collection():
        try:
            return _build(manifest, opts, session, progress)
        finally:
            reap_workers()
            pagecheck.stop()  # (a one-off build's side process: cli.py)


def _build(manifest: Path, opts: BuildOptions, session: BuildSession | None, progress: Progress | None
           ) -> BuildResult:
    clock = _Clock()
    profile = output_profile(opts.mode)
    prep = prepare(manifest, opts.allow_outside, session.yaml if session is not None else None)
    prep.findings += check_ads(prep.edition, prep.style, profile)  # print: ads that cannot print as they are
    every = [p.label for p in prep.edition.pages]
    labels = select_pages(prep.edition, opts.pages)
    clock.lap("load")
    job = plan_pages(prep, opts, profile, every, session)
    done = take_known_pages(job, every if opts.pages else labels, session, progress)
    known = set(done)
    total = len(every) if opts.pages else len(labels)
    compose_and_draw(job, [lab for lab in labels if lab not in done], opts.jobs, done, total, progress,
                     tail_modules(opts, profile))
    missing = complete_edition(job, every, labels, opts.jobs, done, progress)
    clock.lap("pages")
    findings, labels, missing = edition_findings(prep, every, labels, done, missing, opts)
    results = [done[lab] for lab in labels]
    clock.lap("checks")
    edition_pdf = assemble(prep.edition, prep.fonts, results, job.embedded, profile.mode)
    clock.lap("assemble")
    checks = FileChecks(profile, edition_pdf, results)  # (handed to the side process now, if there is one)
    verified = opts.verify or profile.always_verify
    if verified:
        findings += read_back(prep.edition, results, edition_pdf)
    findings = judge(findings, opts)
    if opts.report:
        from layout.build.report import fit_report  # (after the workers start: _meanwhile)

        write_report(opts.report, fit_report(prep.edition, [r.page for r in results], findings, profile.mode,
                                             verified))
    raise_errors(findings)
    partial = labels if missing else None
    name = edition_filename(prep.edition, profile.mode, [safe_name(prep.edition, lab) for lab in partial or []])
    staged = StagedWrites()
    written: Written | None = None
    try:
        with BuildLock(opts.out_dir):
            written = stage_outputs(staged, prep.edition, results, edition_pdf, profile, opts.out_dir / name, job)
            written.desk = stage_desk_outputs(staged, opts.out_dir, opts.desk_outputs, FinishedEdition(
                prep.edition, prep.style, prep.fonts, profile, opts.out_dir, results, written.pages,
                written.edition, edition_pdf, list(findings), bool(missing)))
            staged.flush(meanwhile=lambda w=written: checks.run(w.edition, w.pages))  # (while the disk writes)
            staged.commit()
            findings += after_commit("the page cache could not be updated", opts.out_dir, lambda: remember(
                job, labels, done, written, every, session))
        clock.lap("files")
        findings += checks.findings  # (reported after the commit, as warnings)
        clock.moved("files", "preflight", checks.seconds)
    except KeyboardInterrupt:
        if not staged.committed or written is None:
            raise
        raise InterruptedAfterCommit(result(prep, written, results, findings, labels, known, missing,
                                            clock, job)) from None
    finally:
        staged.discard()
    return result(prep, written, results, findings, labels, known, missing, clock, job)


def result(prep: Prepared, written: Written, results: list[PageResult], findings: list[Finding],
           labels: list[str], known: set[str], missing: list[str], clock: _Clock, job: PageJob) -> BuildResult:
    return BuildResult(written.edition, written.pages, [r.page for r in results], findings,
                       [lab for lab in labels if lab in known], clock.total(),
                       Path(path_of(prep.style.source)).resolve(),
                       [str(r) for r in job.cache.rejected] if job.cache is not None else [], missing,
                       [r.record for r in results], written.desk)


def complete_edition(job: PageJob, every: list[str], labels: list[str], jobs: int, done: dict[str, PageResult],
                     progress: Progress | None) -> list[str]:
    """A partial build (--pages): the other pages not found in a cache, built too so that
    the edition is whole.  Returns why that failed ([] when every page is there)."""
    others = [lab for lab in every if lab not in done and lab not in labels]
    try:
        compose_and_draw(job, others, jobs, done, len(every), progress)
    except LayoutError as e:
        return [str(p) for p in e.problems]
    return []


def edition_findings(prep: Prepared, every: list[str], labels: list[str], done: dict[str, PageResult],
                     missing: list[str], opts: BuildOptions) -> tuple[list[Finding], list[str], list[str]]:
    """The findings of the pages the edition is made of, the labels of those pages and why
    the edition is partial.  A partial build whose other pages are all there is checked as
    a whole edition; an error on one of the other pages (or one that could not be built)
    leaves the named pages alone in the edition, the errors listed as the reason."""
    if opts.pages is not None and not missing:
        findings = check_fidelity(prep, [done[lab] for lab in every])
        named = set(labels)
        others = [f for f in judge(findings, opts) if f.severity == "error" and f.where.split("/")[0] not in named]
        if not others:
            return findings, every, []
        missing = [f"{f.where}: {f.message}" for f in others]
    return check_fidelity(prep, [done[lab] for lab in labels]), labels, missing


def plan_pages(prep: Prepared, opts: BuildOptions, profile: OutputProfile, labels: list[str],
               session: BuildSession | None) -> PageJob:
    """The composer with every jump resolved, and each page's cache key (when a disk cache
    or the session's page memory will look pages up by it)."""
    edition, style = prep.edition, prep.style
    composer = Composer(edition, style, prep.fonts, session.stories if session is not None else None)
    cursors = composer.resolve_jumps()
    cache: PageCache | None = None
    keys: dict[str, str] = {}
    stamper = opts.stamper if profile.proof_marks else None
    if opts.cache or session is not None or stamper is not None:
        keyer = PageCache(opts.out_dir / ".cache", edition, style, profile.mode, cursors,
                          session.page_keys if session is not None else None)
        cache = keyer if opts.cache else None
        keys = {lab: keyer.key(edition.page(lab)) for lab in labels}
    stamps: dict[str, str] = {}
    if stamper is not None:  # a page's stamp is part of what it draws: part of its key too
        stamps = stamper.stamps(opts.out_dir, profile, keys)
        keys = {lab: stamped_key(key, stamps.get(lab, "")) for lab, key in keys.items()}
    embedded = session.embedded if session is not None else EmbeddedFonts()
    page_outputs = tuple(d for d in opts.desk_outputs if callable(getattr(d, "page_files", None)))
    return PageJob(composer, edition, cursors, prep.fonts, embedded, profile, style.bleed, cache, keys, stamps,
                   opts.out_dir, page_outputs)


def stamped_key(key: str, stamp: str) -> str:
    return hashlib.sha256(f"{key}\0{stamp}".encode("utf-8")).hexdigest() if stamp else key


def take_known_pages(job: PageJob, labels: list[str], session: BuildSession | None,
                     progress: Progress | None) -> dict[str, PageResult]:
    """Pages whose key is in the session's memory or the disk cache: neither composed nor drawn."""
    done: dict[str, PageResult] = {}
    for lab in labels:
        hit = session.pages.get(job.keys[lab]) if session is not None else None
        if hit is None and job.cache:
            hit = job.cache.get(job.keys[lab])
        if hit is not None:
            done[lab] = hit
            if progress:
                progress(lab, len(done), len(labels))
    return done


def compose_and_draw(job: PageJob, todo: list[str], jobs: int, done: dict[str, PageResult], total: int,
                     progress: Progress | None, later: tuple[str, ...] = ()) -> None:
    """The other pages, composed and drawn (in `jobs` worker processes when there are several).
    `later`: modules the rest of the build will import (`tail_modules`), imported meanwhile."""
    checked = job.profile.preflight or job.profile.pdfa  # the page files are checked: start as each comes
    early = jobs > 1 and len(todo) < 200
    here = checked and not pagecheck.active(job.profile.mode)  # (else: by the side process, as they come)

    def finished(label: str, result: PageResult) -> None:
        done[label] = result
        if progress:
            progress(label, len(done), total)
        if jobs > 1:  # this process would wait for the next page meanwhile
            for _, text in result.text.parts:  # (the fidelity check compares these: check_fidelity)
                normalise(text)
        if checked:
            check_page_file(result.pdf, job.profile, early)

    run_pages(job, todo, jobs, finished, meanwhile=lambda: _meanwhile(job.edition, here, later))
    if jobs > 1:
        pagecheck.workers_done()


def tail_modules(opts: BuildOptions, profile: OutputProfile) -> tuple[str, ...]:
    """The modules only the end of this build needs (the fit report, the archive's sidecar,
    the read-back): not imported before the workers fork, which do not need them."""
    return (("layout.build.report",) if opts.report or profile.sidecar else ()) + \
        (("layout.pdf.verify",) if opts.verify or profile.always_verify else ())


def _meanwhile(edition: Edition, checked: bool, later: tuple[str, ...] = ()) -> None:
    """What a parallel build's own process does once its workers have started, instead of
    after the last page: the assembly's modules, and pypdf if this process will use it
    (the assembly imports it, or the files are `checked` here: no side process checks
    them, pagecheck.py) with what pypdf imports or prepares only when it first reads or
    writes (its filters; for the assembly, inspect's reading of dict.__init__'s signature,
    which compiles tokenize's pattern, for cloning a dictionary), and the checks' modules;
    every story's text as the fidelity check compares it (`normalise` remembers it:
    check_fidelity then only looks it up); and the `later` modules (`tail_modules`).  A
    serial build does all this when it gets there.  pypdf is the largest import of a
    build (about a tenth of a cold build's start): imported for nothing, it would take
    CPU from the workers."""
    import importlib
    import sys

    import layout.pdf.assemble  # noqa: F401

    clones = "pypdf" in sys.modules  # (the assembly writes the edition with pypdf)
    if checked or clones:
        import pypdf.filters  # noqa: F401
    if clones:
        import inspect

        inspect.signature(dict.__init__)
    if checked:
        import layout.pdf.conformance  # noqa: F401
        import layout.pdf.preflight  # noqa: F401
    for name in later:
        importlib.import_module(name)

    for page in edition.pages:
        for s in page.stories:
            if not s.continued_from:
                normalise("".join(s.paragraphs))  # (as display_fidelity asks for it)


def assemble(edition: Edition, fonts: FontBook, results: list[PageResult], embedded: EmbeddedFonts,
             mode: OutputMode) -> bytes:
    """The edition's PDF from the pages' drawings, written and finished in one pass
    (layout.pdf.assemble, imported when first needed: `_meanwhile`)."""
    from layout.pdf.assemble import assemble as assemble_edition

    return assemble_edition(edition, [r.page.display for r in results], [r.drawing for r in results], fonts,
                            embedded, mode)


def check_fidelity(prep: Prepared, results: list[PageResult]) -> list[Finding]:
    """Findings so far (fonts, composition) and whether every story's text is in the display
    lists exactly once and in order (overset stories are short by design)."""
    findings = list(prep.findings)
    for r in results:
        findings += r.page.findings
    overset_ids = {f.data.get("story", "") for f in findings if f.code == "overset"}
    return findings + display_fidelity(prep.edition, [r.text for r in results], overset_ids)


def read_back(edition: Edition, results: list[PageResult], edition_pdf: bytes) -> list[Finding]:
    """Every story's text read back from the written page PDFs and the edition (--verify,
    and always for the archive)."""
    from layout.pdf.verify import verify_pdf  # (after the workers start: _meanwhile)

    pdfs = {r.page.display.label: r.pdf for r in results}
    return verify_pdf(edition, [r.text for r in results], pdfs, edition_pdf)


def judge(findings: list[Finding], opts: BuildOptions) -> list[Finding]:
    """--allow-overset: overset is reported as a warning."""
    if not opts.allow_overset:
        return findings
    return [Finding("warning", f.code, f.where, f.message, f.data) if f.code == "overset" else f for f in findings]


def raise_errors(findings: list[Finding]) -> None:
    """Any error stops the build before a file is written (the report is already out)."""
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        kind = OversetError if all(f.code == "overset" for f in errors) else ManifestError
        raise kind([Problem(f.message) for f in errors], [f for f in findings if f.severity != "error"])


def write_report(path: Path, report: dict) -> None:
    """The fit report, written even when the build then stops on errors: it says why."""
    write_atomic(path, json.dumps(report, ensure_ascii=False, indent=1).encode("utf-8"))


@dataclass
class Written:
    edition: Path
    pages: dict[str, Path]  # label -> page PDF
    desk: list[Path] = field(default_factory=list)  # the desk outputs' files


def stage_outputs(staged: StagedWrites, edition: Edition, results: list[PageResult], edition_pdf: bytes,
                  profile: OutputProfile, target: Path, job: PageJob) -> Written:
    """Every output written to a temporary file beside its target, for `staged.commit()` to
    rename all together (staging.py: all old or all new; an interrupted or killed build
    leaves the previous files as they were, at most a leftover .<name>.*.tmp that the next
    build removes).  Page files the cache knows to hold the right bytes already are left
    untouched.  The caller holds the BuildLock and discards `staged` whatever happens."""
    page_paths: dict[str, Path] = {}
    out = target.parent
    for r in results:
        lab = r.page.display.label
        p = page_paths[lab] = page_path(out, profile, edition, lab)
        if job.cache and job.cache.unchanged(p, job.keys[lab]):
            staged.keep(p)
        else:
            staged.add(p, r.pdf)
    staged.add(target, edition_pdf)
    if profile.sidecar:
        from layout.build.report import archive_sidecar  # (after the workers start: _meanwhile)

        side = archive_sidecar(edition, [r.page for r in results], [r.text for r in results],
                               [r.record for r in results], faces_by_key(job.fonts.faces), page_paths, out)
        staged.add(target.with_suffix(".json"), json.dumps(side, ensure_ascii=False, indent=1).encode())
    return Written(target, page_paths)


def remember(job: PageJob, labels: list[str], done: dict[str, PageResult], written: Written, every: list[str],
             session: BuildSession | None) -> None:
    """What the next build can reuse: the disk cache keeps only this build's entries (a
    partial build keeps all) and records which key each page file holds; the session keeps
    this build's pages."""
    cache, keys, partial = job.cache, job.keys, labels != every
    if cache and not partial:
        cache.prune(set(keys.values()))
    if cache:
        cache.record_written({written.pages[lab]: keys[lab] for lab in labels}, partial=partial)
    if session is not None:
        if not partial:
            session.pages.clear()
        session.pages.update((keys[lab], done[lab]) for lab in done if lab in keys)


class _Clock:
    """Seconds per stage (BuildResult.timings), each lap from the end of the one before."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = now - self.last
        self.last = now

    def moved(self, stage: str, to: str, seconds: float) -> None:
        """`seconds` of the lap of `stage` spent on `to` (work done inside another stage)."""
        self.laps[stage] -= seconds
        self.laps[to] = seconds

    def total(self) -> dict[str, float]:
        return {**self.laps, "total": time.perf_counter() - self.start}
