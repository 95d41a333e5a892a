"""Outputs are all old or all new, and the exit status says which.

A partial build (--pages) never replaces the edition with a partial one; a commit that
cannot finish (a folder in the way, a rename failing, a full disk) replaces nothing and
leaves no temporary; what fails after the commit (the page cache's records) is a warning;
a Ctrl-C after the commit says the outputs are complete.  Each scenario checks every
output file's sha256 before and after."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from layout.build import staging
from layout.build.pipeline import BuildOptions, build
from layout.cli import app
from tests.support.editions import write_edition

# builds and writes whole (small) editions, or runs processes: not the fast core
pytestmark = pytest.mark.slow

EDITION_PDF = "江城日报-2026-08-19.pdf"
PAGES = ("A1", "A2", "A3", "T1")


def snapshot(out: Path) -> dict[str, str]:
    """Every output (not the page cache) -> sha256."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and ".cache" not in p.relative_to(out).parts}


def leftovers(out: Path) -> list[str]:
    """Temporaries, old-file links and lock files anywhere under `out` (the cache included)."""
    return sorted(str(p.relative_to(out)) for p in out.rglob(".*") if p.is_file())


def edit(manifest: Path, old: str, new: str) -> None:
    text = manifest.read_text(encoding="utf-8")
    assert old in text
    manifest.write_text(text.replace(old, new), encoding="utf-8")


def squash(s: str) -> str:
    """Without white space: rich wraps long lines (and paths) for a narrow terminal."""
    return "".join(s.split())


@pytest.fixture
def editions(tmp_path):
    """The edition built into `old`, then edited (A2's story changed: "v2") and built into
    `new`; each test builds v2 into a copy of `old` (its page cache included)."""
    v2 = write_edition(tmp_path / "ed")
    old = tmp_path / "old"
    build(v2, BuildOptions(out_dir=old, jobs=1))
    edit(v2, "seed: 9,", "seed: 19,")
    new = tmp_path / "new"
    build(v2, BuildOptions(out_dir=new, jobs=1, cache=False))
    assert snapshot(old) != snapshot(new) and snapshot(old).keys() == snapshot(new).keys()
    return {"v2": v2, "old": old, "new": new, "root": tmp_path}


def copy_of(ed: dict, name: str) -> Path:
    out = ed["root"] / name
    shutil.copytree(ed["old"], out)
    return out


def run(*args: str):
    return CliRunner().invoke(app, ["build", *map(str, args), "-j", "1"])


# -- 4.1 a partial build never replaces the edition with a partial one ----------------

def test_pages_rebuilds_the_named_pages_and_keeps_the_edition_whole(editions):
    """--pages A2 after A2's story changed: A2 is built, the other pages come from the page
    cache, and the edition is the whole edition, byte for byte a full build's (it used to
    be a one-page file under the edition's name, exit 0)."""
    ed = editions
    out = copy_of(ed, "partial")
    res = run(ed["v2"], "-o", out, "--pages", "A2")
    assert res.exit_code == 0, res.output
    assert snapshot(out) == snapshot(ed["new"])
    assert "built 4 pages (3 unchanged pages reused)" in res.output, res.output


def test_pages_builds_the_other_pages_too_when_no_cache_has_them(editions, tmp_path):
    """A fresh folder (or --no-cache): nothing to take the other pages from, so they are
    built too; the edition is whole and the same as a full build's."""
    ed = editions
    for name, extra in (("fresh", ()), ("nocache", ("--no-cache",))):
        out = tmp_path / name
        res = run(ed["v2"], "-o", out, "--pages", "A1", *extra)
        assert res.exit_code == 0, res.output
        assert snapshot(out) == snapshot(ed["new"]), name


def test_pages_with_another_page_in_error_writes_a_partial_edition_named_so(editions):
    """--pages A1 while A2 is overset: the whole edition cannot be made.  The named page is
    written, with an edition of that page alone under a name that says so; the edition
    file and A2's page file stay as they were; the summary says why."""
    ed = editions
    out = copy_of(ed, "broken")
    before = snapshot(out)
    edit(ed["v2"], "seed: 19, chars: 800", "seed: 19, chars: 30000")
    res = run(ed["v2"], "-o", out, "--pages", "A1")
    assert res.exit_code == 0, res.output
    after = snapshot(out)
    partial = "江城日报-2026-08-19-partial-A1.pdf"
    assert set(after) == set(before) | {partial}
    assert {k: v for k, v in after.items() if k != partial} == before  # A1 did not change either
    text = squash(res.output)
    assert squash(f"edition: {out / partial}") in text, text
    assert squash("warning: the edition is partial (only A1) and named so; the whole edition's file was not "
                  "replaced, because another page could not be built:") in text, text
    assert squash("A2/a2s: overset: story 'a2s' on A2") in text, text
    from pypdf import PdfReader
    assert len(PdfReader(out / partial).pages) == 1 and len(PdfReader(out / EDITION_PDF).pages) == 4


# -- 4.2 the commit: every target checked first, rolled back on failure ------------------

def test_a_folder_in_the_way_of_one_output_replaces_nothing(editions):
    """pages/T1.pdf is a folder: found before the first rename (A1-A3 used to be replaced
    already when T1 failed)."""
    ed = editions
    out = copy_of(ed, "inway")
    (out / "pages" / "T1.pdf").unlink()
    (out / "pages" / "T1.pdf").mkdir()
    before = snapshot(out)
    res = run(ed["v2"], "-o", out, "--no-cache")
    assert res.exit_code == 1, res.output
    assert snapshot(out) == before and leftovers(out) == []
    assert squash(f"cannot write {out}/pages/T1.pdf: a folder of that name is in the way; previous outputs "
                  f"are intact (remove or rename that folder)") in squash(res.output), res.output


def test_a_rename_that_fails_puts_the_earlier_ones_back(editions, monkeypatch):
    """The third rename fails (an I/O error): the two files already renamed are put back,
    the old files' hidden links removed, nothing else touched."""
    ed = editions
    out = copy_of(ed, "rollback")
    before = snapshot(out)
    real, calls = os.replace, []

    def replace(src, dst):
        if str(src).endswith(".tmp") and ".old." not in str(src) and Path(dst).parent.name in ("pages", out.name):
            calls.append(dst)
            if len(calls) == 3:
                raise OSError(errno.EIO, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    res = run(ed["v2"], "-o", out, "--no-cache")
    monkeypatch.undo()
    assert len(calls) == 3
    assert res.exit_code == 1, res.output
    assert snapshot(out) == before and leftovers(out) == []
    assert squash(f"cannot write {calls[2]}: Input/output error; previous outputs are intact") in squash(res.output)
    res = run(ed["v2"], "-o", out)  # and the next build is fine
    assert res.exit_code == 0 and snapshot(out) == snapshot(ed["new"])


def test_every_output_is_flushed_before_the_first_rename_and_a_flush_failure_replaces_nothing(editions, monkeypatch):
    """The outputs' fsyncs run together (in threads) but all before any rename; an I/O error
    at one of them fails the build with the file named and leaves the old outputs."""
    ed = editions
    out = copy_of(ed, "flush")
    before = snapshot(out)
    real_fsync, real_replace = os.fsync, os.replace
    flushed: list[int] = []
    renamed_after: list[int] = []

    def fsync(fd):
        flushed.append(fd)
        return real_fsync(fd)

    def replace(src, dst):
        if str(src).endswith(".tmp") and ".old." not in str(src):
            renamed_after.append(len(flushed))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    res = run(ed["v2"], "-o", out, "--no-cache")
    assert res.exit_code == 0, res.output
    outputs = len(snapshot(out))
    assert renamed_after and min(renamed_after) >= outputs  # every file flushed before the first rename

    out = copy_of(ed, "flush-fails")

    def failing(fd):
        name = os.readlink(f"/proc/self/fd/{fd}")
        if name.endswith(".tmp") and "/.T1.pdf." in name:
            raise OSError(errno.EIO, "Input/output error")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing)
    res = run(ed["v2"], "-o", out, "--no-cache")
    monkeypatch.undo()
    assert res.exit_code == 1, res.output
    assert snapshot(out) == before and leftovers(out) == []
    assert squash("T1.pdf: Input/output error; previous outputs are intact") in squash(res.output)


# -- 4.5 a full disk ------------------------------------------------------------------

@pytest.mark.parametrize("cache", [True, False])
def test_disk_full_at_any_write(editions, monkeypatch, cache):
    """The disk fills up at the N-th write into the test's folder (and stays full), for every
    N: before the commit that is exit 1, "disk full while writing X; previous outputs are
    intact", every output unchanged and no temporary or lock left (it used to be "internal
    error: OSError [Errno 28]" and an empty lock file); a write after the commit (the page
    cache's records) fails only that: exit 0 with the new outputs.  (Every output, cache
    and lock write goes through os.write: staging.write_bytes.)"""
    ed = editions
    real = os.write
    root = str(ed["root"].resolve())
    count: list[str] = []
    limit = [0]  # 0: no limit

    def write(fd, data):
        try:
            name = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            name = ""
        if name.startswith(root + "/"):
            count.append(name)
            if limit[0] and len(count) >= limit[0]:
                raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)
    extra = () if cache else ("--no-cache",)
    probe = copy_of(ed, f"probe-{cache}")
    assert run(ed["v2"], "-o", probe, "--report", ed["root"] / f"probe-{cache}.json", *extra).exit_code == 0
    writes = len(count)
    outcomes = []
    for n in range(1, writes + 1):
        out = copy_of(ed, f"full-{cache}-{n}")
        report = ed["root"] / f"report-{cache}-{n}.json"
        before = snapshot(out)
        count.clear()
        limit[0] = n
        res = run(ed["v2"], "-o", out, "--report", report, *extra)
        limit[0] = 0
        text = squash(res.output)
        assert "internalerror" not in text and "Traceback" not in text, text
        assert leftovers(out) == [] and not list(ed["root"].glob(".report-*")), (n, leftovers(out))
        if res.exit_code == 1:
            assert squash("disk full while writing") in text and squash("; previous outputs are intact") in text, text
            assert squash("(free some space on that disk, or build into another folder with -o)") in text, text
            assert snapshot(out) == before, n
            outcomes.append("old")
        else:
            assert res.exit_code == 0, text
            assert snapshot(out) == snapshot(ed["new"]), n
            outcomes.append("new")
    assert writes >= (6 if cache else 7), count  # the lock, the report, the outputs (and the cache)
    assert "old" in outcomes
    assert outcomes == sorted(outcomes, key=lambda o: o == "new")  # full before the commit, then after


# -- 4.3 after the commit: warnings, exit 0 ------------------------------------------

def test_a_failure_after_the_commit_is_a_warning(editions, monkeypatch):
    """The page cache's records cannot be written (a read-only or broken .cache): the new
    outputs are written, so the exit status is 0 and the failure a warning (it used to be
    exit 1, "internal error", after the PDFs had been replaced)."""
    from layout.build.cache import PageCache

    ed = editions
    out = copy_of(ed, "after")

    def refuse(self, files, partial=False):
        raise PermissionError(errno.EACCES, "Permission denied", str(out / ".cache"))

    monkeypatch.setattr(PageCache, "record_written", refuse)
    res = run(ed["v2"], "-o", out)
    assert res.exit_code == 0, res.output
    assert snapshot(out) == snapshot(ed["new"]) and leftovers(out) == []
    assert squash(f"warning: {out}: the page cache could not be updated (PermissionError: [Errno 13] Permission "
                  f"denied: '{out}/.cache'); the outputs were written and are complete") in squash(res.output)


def test_an_output_folder_whose_name_is_not_utf8(editions, tmp_path):
    """-o given as bytes that are not UTF-8: the outputs are written and the build says so
    (the cache's records used to fail to encode the name: exit 1 after the commit)."""
    ed = editions
    out = Path(os.fsdecode(bytes(tmp_path) + b"/out\xff"))
    res = run(ed["v2"], "-o", out)
    assert res.exit_code == 0, res.output
    assert snapshot(out) == snapshot(ed["new"]) and leftovers(out) == []
    assert "edition: " in res.output and "out\ufffd" in res.output
    a1 = (out / "pages" / "A1.pdf").stat()
    again = run(ed["v2"], "-o", out)  # the records were written: the page files are left alone
    assert again.exit_code == 0 and "4 unchanged pages reused" in again.output
    now = (out / "pages" / "A1.pdf").stat()
    assert (now.st_ino, now.st_mtime_ns) == (a1.st_ino, a1.st_mtime_ns)


# -- 4.4 Ctrl-C after the commit ------------------------------------------------------

def test_ctrl_c_after_the_commit_says_the_outputs_are_complete(editions, monkeypatch):
    """SIGINT arriving while the outputs are being renamed is delivered when the last rename
    is done: the outputs are the new ones, and the message and the exit status (0) say so
    (it used to say the build stopped before it finished, exit 130)."""
    ed = editions
    out = copy_of(ed, "late-ctrl-c")
    real = staging.StagedWrites.commit

    def commit_then_ctrl_c(self):
        with staging.signals_held():
            os.kill(os.getpid(), signal.SIGINT)  # pending until the renames are done
            real(self)

    monkeypatch.setattr(staging.StagedWrites, "commit", commit_then_ctrl_c)
    res = run(ed["v2"], "-o", out)
    assert res.exit_code == 0, res.output
    assert snapshot(out) == snapshot(ed["new"]) and leftovers(out) == []
    assert squash(f"interrupted after the outputs were written: {out}/{EDITION_PDF} and its 4 page files are "
                  f"new and complete (the page cache's records and the preflight were skipped)") \
        in squash(res.output), res.output


def test_ctrl_c_before_the_commit_replaces_nothing(editions, monkeypatch):
    """The other side: SIGINT while the temporaries are written: exit 130, nothing replaced,
    no temporary left, and the message says so."""
    ed = editions
    out = copy_of(ed, "early-ctrl-c")
    before = snapshot(out)
    real = staging.write_temp

    def interrupted(path, data, durable=True, mode=0o644):
        if path.name == EDITION_PDF:
            raise KeyboardInterrupt
        return real(path, data, durable, mode)

    monkeypatch.setattr(staging, "write_temp", interrupted)
    res = run(ed["v2"], "-o", out)
    assert res.exit_code == 130, res.output
    assert snapshot(out) == before and leftovers(out) == []
    assert squash(f"interrupted: the build stopped before it finished; nothing in {out} was replaced") \
        in squash(res.output), res.output


def test_flush_runs_its_meanwhile_while_the_files_are_flushed(tmp_path, monkeypatch):
    """StagedWrites.flush(meanwhile): every temporary is fsynced (in threads) while `meanwhile`
    runs on the caller's thread, nothing renamed yet; commit then renames without flushing
    them again; a flush failure is raised once `meanwhile` is done, before any rename."""
    real_fsync = os.fsync
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    staged = staging.StagedWrites()
    for i in range(5):
        staged.add(tmp_path / f"f{i}.txt", b"x" * i)
    seen: list[int] = []
    staged.flush(meanwhile=lambda: seen.append(len(list(tmp_path.glob("f*.txt")))))
    assert seen == [0] and len(synced) == 5
    staged.commit()
    assert sorted(p.name for p in tmp_path.glob("f*.txt")) == [f"f{i}.txt" for i in range(5)]
    assert len(synced) == 6  # (and the folder, once)

    def failing(fd):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing)
    staged = staging.StagedWrites()
    staged.add(tmp_path / "g.txt", b"new")
    ran: list[bool] = []
    with pytest.raises(staging.OutputError) as e:
        staged.flush(meanwhile=lambda: ran.append(True))
    staged.discard()
    assert ran == [True] and "g.txt" in str(e.value) and not (tmp_path / "g.txt").exists()
    assert leftovers(tmp_path) == []
