"""Proof rounds: which round a proof build is, what its pages are stamped with, its record.

In: a proof build's pages (their input keys before anything is drawn; their records and
PDFs once finished) and the rounds recorded in its output folder.  Out: the stamp of every
proof page (round and the page's revision id) and the round's revision record, written
with the build's files (layout/build/desk.py).

How the round is chosen (README "Proof rounds"):
* `--round N` makes the build round N (its record replaces an earlier round N: the desk
  re-issues 二校 after a late fix).
* Otherwise: no round recorded yet -> round 1; every page's inputs as in the last round's
  record -> the same round again (nothing changed: the same proof, the same stamp);
  anything changed -> the last round + 1.  A resident process (`layout watch --mode
  proof`) keeps the round it opened for all its later builds, so saving a story ten times
  while correcting 二校 makes one 三校, not 三校 to 十二校; it never rewrites a round it did
  not open itself.
* The page's revision id is the start of its input key (the page cache's key: the page's
  manifest slice, texts, photos, style, fonts and code): it changes when that page can
  have changed and not when another page did.

The round is decided before any page is drawn (it is printed on the pages), so the build
asks for stamps with the pages' input keys (`stamps`); the page cache keys each page by its
input key and its stamp, so a cached proof page never shows another round.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from layout.model.modes import OutputProfile
from layout.page.record import faces_by_key
from layout.proof.revision import (
    PageRevision,
    Revision,
    dump_page,
    head_of,
    page_revision,
    read_revision,
    reuse_page,
    revision_json,
    round_file,
    round_files,
    short_id,
)

if TYPE_CHECKING:  # (the build is not imported by `layout diff`: it only reads records)
    from layout.build.desk import FinishedEdition

DIGITS = "〇一二三四五六七八九"


def round_name(n: int) -> str:
    """一校, 二校 … 十校, 十一校 … 九十九校; from 100 on the number: 100校."""
    if not 0 < n < 100:
        return f"{n}校"
    tens, ones = divmod(n, 10)
    text = ("" if tens < 2 else DIGITS[tens]) + ("十" if tens else "") + (DIGITS[ones] if ones else "")
    return text + "校"


def mode_folder(out_dir: Path, profile: OutputProfile) -> Path:
    return out_dir / profile.folder if profile.folder else out_dir


def revision_folder(out_dir: Path) -> Path:
    """Where an output folder's revisions are: OUT/proof (a proof build's folder), or OUT
    itself when given the mode folder (or when revisions lie there)."""
    out_dir = Path(out_dir)
    for cand in (out_dir / "proof", out_dir):
        if (cand / "revisions").is_dir():
            return cand
    return out_dir / "proof"


def load_revisions(out_dir: Path) -> list[Revision]:
    """Every round recorded in an output folder (OUT or OUT/proof), oldest first.  A
    record that cannot be read is a RevisionError naming it."""
    folder = revision_folder(out_dir)
    return [read_revision(p) for _, p in sorted(round_files(folder).items())]


def last_record(folder: Path) -> tuple[int, dict[str, tuple[str, dict]]]:
    """The last recorded round and its pages (label -> (the page's line of JSON, its
    value)); (0, {}) when there is none.  Only to decide the next round and to reuse the
    pages whose inputs did not change: the rest of the record is not checked here, and a
    record not laid out as `revision_json` writes it (one page per line) is as good as none."""
    files = round_files(folder)
    if not files:
        return 0, {}
    last = max(files)
    pages: dict[str, tuple[str, dict]] = {}
    try:
        for line in files[last].read_text(encoding="utf-8").split("\n")[1:]:
            line = line.rstrip(",")
            if line.startswith('{"label":'):
                got = head_of(line)  # (the blocks, most of the record, are not parsed)
                if got is None or not isinstance(got[0].get("label"), str) or not isinstance(got[0].get("input"), str):
                    return last, {}
                pages[got[0]["label"]] = (line, got[0])
    except (OSError, ValueError, AttributeError):
        return last, {}  # unreadable: the next build is a new round
    return last, pages


class RevisionRecorder:
    """The proof rounds' desk output (and the build's page stamper): made by the command
    line for proof builds, one per process (a resident process keeps its round)."""

    name = "proof revision"

    def __init__(self, round: int | None = None):
        if round is not None and round < 1:
            raise ValueError("a proof round is a number from 1")
        self.wanted = round
        self.opened: int | None = None  # the round this process opened (a resident process keeps it)
        self.round = 0  # of the current build
        self.inputs: dict[str, str] = {}
        self._digests: dict[tuple, str] = {}  # photo file signature -> sha256
        self._pages: dict[tuple, tuple[PageRevision, str]] = {}  # (label, input, file, pdf) -> page, its JSON
        self._order: list[tuple] = []
        self.last: Revision | None = None  # the last build's round (for a resident process's flatplan)
        self._previous: dict[str, tuple[str, dict]] = {}  # the last recorded round's pages, by label

    def stamps(self, out_dir: Path, profile: OutputProfile, inputs: dict[str, str]) -> dict[str, str]:
        """Page label -> what the page is stamped with, from the pages' input keys."""
        self.inputs = dict(inputs)
        self.round = self.choose(mode_folder(out_dir, profile), inputs)
        name = round_name(self.round)
        return {lab: f"{name} · {lab} · rev {short_id(key)}" for lab, key in inputs.items()}

    def choose(self, folder: Path, inputs: dict[str, str]) -> int:
        if self.opened is not None:
            return self.opened  # (a resident process: its own pages are remembered, nothing to read)
        last, self._previous = last_record(folder)  # (its unchanged pages are reused by revision_of)
        if self.wanted is not None:
            return self.wanted
        known = {lab: data["input"] for lab, (_, data) in self._previous.items()}
        if last and known == inputs:
            return last
        self.opened = last + 1
        return self.opened

    def files(self, finished: FinishedEdition) -> dict[Path, bytes]:
        if finished.partial or not self.round:
            return {}  # an edition that is not whole is no round (and a build without stamps none)
        self.last = self.revision_of(finished)
        return {round_file(mode_folder(finished.out_dir, finished.profile), self.round):
                revision_json(self.last, [self._pages[k][1] for k in self._order])}

    def revision_of(self, finished: FinishedEdition) -> Revision:
        """This build's round as a Revision (its pages made again only where they changed)."""
        folder = mode_folder(finished.out_dir, finished.profile)
        faces = faces_by_key(finished.fonts.faces)
        memo: dict[tuple, tuple[PageRevision, str]] = {}
        order = []
        for r in finished.pages:
            label = r.record.label
            rel = finished.page_files[label].relative_to(folder).as_posix()
            key = (label, self.inputs.get(label, ""), rel, len(r.pdf), hash(r.pdf))
            got = self._pages.get(key)
            prev = self._previous.get(label)
            if got is None and prev is not None and prev[1]["input"] == key[1] and prev[1].get("file") == rel:
                got = reuse_page(prev[0], prev[1], r.pdf, str(round_file(folder, self.round)))
            if got is None:
                page = page_revision(r.record, rel, r.pdf, self.inputs.get(label, ""), faces, self._digests)
                got = (page, dump_page(page))
            memo[key] = got
            order.append(key)
        self._pages, self._order = memo, order  # only this build's pages: a resident process does not grow
        self._previous = {}
        ed = finished.edition
        return Revision(self.round, round_name(self.round), ed.paper, ed.date.isoformat(), finished.profile.mode.value,
                        tuple(memo[k][0] for k in order), folder)
