"""Outputs for the desks, made by the build from what it knows and written with its files.

In: a `FinishedEdition` (a build's pages, texts, records and PDFs before anything is
written).  Out: more files (proof revisions, previews, a flatplan, ALTO and METS ...),
staged with the build's own and renamed into place with them: all old or all new, never
an edition PDF without its archive package or the other way round.

Why a hook and not calls: the desks' outputs live in later stages (layout/proof,
layout/flatplan, layout/archive), which may use the build but not be used by it.  The
command line chooses which outputs a build makes and hands them in through
`BuildOptions.desk_outputs`; the pipeline knows only this protocol.  A desk output that
raises a LayoutError stops the build before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from layout.build.pageresult import PageResult
from layout.build.staging import StagedWrites
from layout.errors import Finding
from layout.fonts.catalogue import FontBook
from layout.model.edition import Edition
from layout.model.modes import OutputProfile
from layout.model.styles import Style


@dataclass(frozen=True)
class FinishedEdition:
    """A build whose outputs are ready but not yet written."""

    edition: Edition
    style: Style
    fonts: FontBook
    profile: OutputProfile
    out_dir: Path  # the output folder (the build holds its lock while desk outputs run)
    pages: list[PageResult]  # the pages the edition PDF holds, in edition order
    page_files: dict[str, Path]  # page label -> where its page PDF is being written
    edition_file: Path  # where the edition PDF is being written
    edition_pdf: bytes
    findings: list[Finding]  # warnings and notes of this build (errors have stopped it)
    partial: bool  # --pages built an edition that is not whole


class DeskOutput(Protocol):
    """Something a desk needs from every build: files to write beside the PDFs."""

    name: str  # for messages: "proof revision", "ALTO", ...

    def files(self, finished: FinishedEdition) -> dict[Path, bytes]:
        """Path (inside `finished.out_dir`) -> the bytes to write there."""
        ...


class PageOutput(Protocol):
    """A desk output with work to do on each page as soon as it is made (a page's
    previews): run in the build's page workers, in parallel with the composition of the
    other pages, instead of one page after another once the build is done.  Optional: a
    desk output that has `page_files` is handed every page the build composes (not those
    taken from a cache, which its `files` must still cover)."""

    def page_files(self, result: PageResult, out_dir: Path, profile: OutputProfile) -> dict[Path, bytes]:
        """Files made from one page (path -> bytes), carried to `files` in the page's
        `PageResult.desk_files`; `files` decides what is written.  Runs in a worker
        process: it may not rely on anything it changes in itself being seen by `files`."""
        ...


class PageStamper(Protocol):
    """What proof pages are stamped with (their round and revision id), decided before any
    page is drawn: the stamp is part of what a page draws, and of its page-cache key."""

    def stamps(self, out_dir: Path, profile: OutputProfile, inputs: dict[str, str]) -> dict[str, str]:
        """Page label -> its stamp, from each page's input key (the page cache's key)."""
        ...


def stage_desk_outputs(staged: StagedWrites, out_dir: Path, desks: tuple[DeskOutput, ...],
                       finished: FinishedEdition) -> list[Path]:
    """Each desk output's files, staged with the PDFs; a path outside the output folder
    `out_dir` is a programming error, refused rather than written."""
    paths: list[Path] = []
    root = out_dir.resolve()
    for desk in desks:
        for path, data in desk.files(finished).items():
            if not path.resolve().is_relative_to(root):
                raise ValueError(f"{desk.name}: {path} is outside the output folder {out_dir}")
            staged.add(path, data)
            paths.append(path)
    return paths
