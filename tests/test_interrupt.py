"""Safe writes: a build killed (SIGKILL) or interrupted (Ctrl-C = SIGINT) at any point
leaves the previous outputs intact, no partial file under a final name, and the next
build working (a lock or temporaries left by a killed build are taken over / removed).

Each scenario copies the outputs of a complete build of edition v1 into a fresh folder,
starts `python -m layout build` of edition v2 (same names, different text) into it,
interrupts it, and compares every file with the two complete builds (v1 and v2).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from multiprocessing import get_context
from pathlib import Path

import pytest
from pypdf import PdfReader

from layout.build.pipeline import BuildOptions, build
from layout.build.staging import BuildLock
from layout.errors import OutputError

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PAGES = 16
# Exit code 130, or death by SIGINT (-2; a shell shows both as 130): CPython's Py_Main
# re-kills itself with SIGINT when the KeyboardInterrupt passed through an exec() of a
# string (e.g. dataclass creation while modules are still being imported) even though
# layout.cli caught it and exited with 130.
INTERRUPTED = (130, -signal.SIGINT)


def make_edition(root: Path, seed: int, pages: int = PAGES) -> Path:
    """A sample-like edition (filler stories filling every page) that builds without overset."""
    root.mkdir(parents=True, exist_ok=True)
    out = ["edition: {paper: 江城日报, date: 2026-08-19, number: 25312, style: broadsheet}",
           "sections:", f"  - {{id: A, name: 要闻, pages: {pages}}}", "pages:"]
    for n in range(1, pages + 1):
        top, chars = (12, 3200) if n == 1 else (0, 4200)
        out += [f"  A{n}:", f"    template: {'front' if n == 1 else 'normal'}", "    editor: 王晓", "    stories:",
                f"      - {{id: s{n}a, frame: {{col: 1, span: 8, top: {top}, lines: {50 - top}}}, "
                f"headline: 江城新闻第{n}条, body: {{filler: {{seed: {seed * 1000 + 2 * n}, chars: {chars}}}}}}}",
                f"      - {{id: s{n}b, frame: {{col: 1, span: 8, top: 50, lines: 52}}, "
                f"headline: 长江大桥迎来通车十周年, body: {{filler: {{seed: {seed * 1000 + 2 * n + 1}, chars: 4500}}}}}}"]
    path = root / "edition.yaml"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def start(manifest: Path, out: Path, *extra: str) -> subprocess.Popen:
    # a session of its own: os.killpg then reaches the workers too, like Ctrl-C in a terminal
    return subprocess.Popen([sys.executable, "-m", "layout", "build", str(manifest), "-o", str(out), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=out.parent, start_new_session=True)


def run(manifest: Path, out: Path, *extra: str) -> tuple[int, str, float]:
    t = time.perf_counter()
    p = start(manifest, out, *extra)
    _, err = p.communicate(timeout=120)
    return p.returncode, err.decode("utf-8", "replace"), time.perf_counter() - t


def _outputs(out: Path):
    """Files of the build's outputs; the page cache (.cache/) is the build's own business."""
    return (p for p in sorted(out.rglob("*")) if p.is_file() and ".cache" not in p.relative_to(out).parts)


def snapshot(out: Path) -> dict[str, str]:
    """Final-named files (not starting with a dot) -> sha256."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in _outputs(out) if not p.name.startswith(".")}


def dotfiles(out: Path) -> list[str]:
    return [str(p.relative_to(out)) for p in _outputs(out) if p.name.startswith(".")]


def assert_pdfs_open(out: Path) -> None:
    pdfs = list(out.rglob("*.pdf"))
    for p in pdfs:
        assert not p.name.startswith("."), f"a temporary file named like an output: {p}"
        n = len(PdfReader(p).pages)
        assert n == (1 if p.parent.name == "pages" else PAGES), (p, n)
    assert len(pdfs) == PAGES + 1, pdfs  # the edition and one file per page


MEASURED = "measurements: interrupted builds (tests/test_interrupt.py)"


@pytest.fixture(scope="module")
def editions(tmp_path_factory, measurements):
    root = tmp_path_factory.mktemp("interrupt")
    v1, v2 = make_edition(root / "v1", seed=1), make_edition(root / "v2", seed=2)
    old, new = root / "old", root / "new"
    rc, err, _ = run(v1, old)
    assert rc == 0, err
    rc, err, seconds = run(v2, new)
    assert rc == 0, err
    snap_old, snap_new = snapshot(old), snapshot(new)
    assert len(snap_old) == PAGES + 1 and snap_old.keys() == snap_new.keys()
    assert all(snap_old[k] != snap_new[k] for k in snap_old)  # every file changes from v1 to v2
    measurements(MEASURED, f"full build of {PAGES} pages: {seconds:.2f} s")
    return {"root": root, "v2": v2, "old": old, "snap_old": snap_old, "snap_new": snap_new, "seconds": seconds}


def fresh_copy(ed: dict, name: str) -> Path:
    out = ed["root"] / name
    shutil.copytree(ed["old"], out)
    return out


def interrupt(p: subprocess.Popen, sig: int, at: float | str, out: Path) -> None:
    if at in ("lock", "tmp"):  # as soon as the build starts writing / has written a temporary file
        def ready() -> bool:
            if at == "lock":
                return (out / ".layout.lock").exists()
            return any(n.endswith(".tmp") for folder in (out, out / "pages") for n in os.listdir(folder))

        deadline = time.monotonic() + 60
        while not ready() and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.0005)
    else:
        time.sleep(at)
    try:
        os.killpg(p.pid, sig) if sig == signal.SIGINT else p.send_signal(sig)
    except ProcessLookupError:
        pass


def points(ed: dict) -> list[float | str]:
    """0.2 s, 0.5 s, 1 s after the start (loading, composing, rendering), and in the write
    phase: when the lock is taken, and when the first temporary file exists."""
    return [0.2, 0.5, 1.0, "lock", "tmp"]


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_interrupted_build_keeps_previous_outputs(editions, measurements, sig):
    ed = editions
    for at in points(ed):
        out = fresh_copy(ed, f"{sig.name}-{at}")
        p = start(ed["v2"], out)
        interrupt(p, sig, at, out)
        _, err_b = p.communicate(timeout=120)
        err = err_b.decode("utf-8", "replace")
        snap = snapshot(out)
        state = ("old" if snap == ed["snap_old"] else "new" if snap == ed["snap_new"] else "MIXED")
        temps = dotfiles(out)
        measurements(MEASURED, f"{sig.name} at {at}: exit {p.returncode}, outputs {state}, leftovers {temps}")
        # (a) every output is byte-identical to one complete build's, never partial
        for name, digest in snap.items():
            assert digest in (ed["snap_old"][name], ed["snap_new"][name]), f"{sig.name} at {at}: {name} corrupt"
        assert snap.keys() == ed["snap_old"].keys(), f"{sig.name} at {at}: outputs lost: {snap.keys()}"
        if p.returncode == 0:  # the signal came after the build finished
            assert state == "new"
        elif sig == signal.SIGINT:
            # Ctrl-C: a clear message, exit 130, no traceback, nothing left over, all-or-nothing
            assert p.returncode in INTERRUPTED, (p.returncode, err)
            assert "Traceback" not in err, err
            assert "interrupted" in err, (at, p.returncode, err[-300:])
            assert state in ("old", "new"), f"SIGINT at {at}: a mix of two builds"
            assert temps == [], temps
        else:
            assert p.returncode == -signal.SIGKILL
            assert state != "MIXED", f"SIGKILL at {at}: a mix of two builds"
            # a killed build may leave .<name>.*.tmp (never a final name) and its lock file
            assert all(Path(t).name.startswith(".") and t.endswith((".tmp", ".layout.lock"))
                       for t in temps), temps
        # (b) nothing under a final name that does not open
        assert_pdfs_open(out)
        # (c) the next build works: takes the stale lock, clears the temporaries, writes v2
        rc, err2, _ = run(ed["v2"], out)
        assert rc == 0, f"rebuild after {sig.name} at {at}: {err2}"
        assert snapshot(out) == ed["snap_new"]
        assert dotfiles(out) == [], dotfiles(out)


@pytest.mark.slow
def test_ctrl_c_with_one_job_and_to_the_process_only(editions):
    """SIGINT to the main process alone (no workers with -j 1; with -j N the workers ignore
    it and the parent stops the pool): exit 130, a message, no traceback."""
    ed = editions
    for extra, group in ((("-j", "1"), False), (("-j", "2"), False)):
        out = fresh_copy(ed, f"int-{extra[1]}-{group}")
        p = start(ed["v2"], out, *extra)
        time.sleep(min(1.0, ed["seconds"] / 2))
        p.send_signal(signal.SIGINT)
        _, err_b = p.communicate(timeout=120)
        err = err_b.decode()
        assert p.returncode in (0, *INTERRUPTED), err
        assert "Traceback" not in err, err
        if p.returncode != 0:
            assert "interrupted" in err and snapshot(out) in (ed["snap_old"], ed["snap_new"])


@pytest.mark.slow
def test_killed_parent_leaves_no_workers(editions):
    """-j 2: when the build is killed its worker processes exit too (they used to block on
    the task queue forever, holding the caller's pipes open)."""
    ed = editions
    out = fresh_copy(ed, "orphans")
    p = start(ed["v2"], out, "-j", "2")
    kids: list[str] = []
    deadline = time.monotonic() + 30
    while not kids and p.poll() is None and time.monotonic() < deadline:
        kids = subprocess.run(["pgrep", "-P", str(p.pid)], capture_output=True, text=True).stdout.split()
        time.sleep(0.01)
    if not kids:
        pytest.skip("the build finished before its workers could be seen")
    p.kill()
    p.communicate(timeout=30)  # would hang while an orphaned worker holds stdout/stderr

    def running(pid: str) -> bool:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return False
        return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited

    deadline = time.monotonic() + 10
    while any(running(k) for k in kids) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = [k for k in kids if running(k)]
    for k in alive:
        os.kill(int(k), signal.SIGKILL)
    assert not alive, f"workers {alive} outlived their killed parent"


@pytest.mark.slow
def test_two_builds_at_once_into_one_folder(editions, measurements):
    """Both succeed one after the other, or one fails fast saying another build is writing;
    the outputs are never corrupted."""
    ed = editions
    outcomes = []
    for attempt in range(2):
        out = fresh_copy(ed, f"twice-{attempt}")
        a, b = start(ed["v2"], out), start(ed["v2"], out)
        res = []
        for p in (a, b):
            _, err = p.communicate(timeout=120)
            res.append((p.returncode, err.decode("utf-8", "replace")))
        for rc, err in res:
            assert rc in (0, 1), err
            assert "Traceback" not in err and "internal error" not in err, err
            if rc == 1:
                assert "another build" in "".join(err.split()) or "another build" in err, err
                assert "is writing" in " ".join(err.split()), err
        assert any(rc == 0 for rc, _ in res), res
        outcomes.append(sorted(rc for rc, _ in res))
        assert snapshot(out) == ed["snap_new"]
        assert dotfiles(out) == []
        assert_pdfs_open(out)
    measurements(MEASURED, f"two builds at once: exit codes {outcomes}")


def _hold_lock(folder: str, rounds: int) -> tuple[int, int]:
    """Take the lock repeatedly; inside it, claim a marker file that must not exist."""
    overlaps = taken = 0
    for _ in range(rounds):
        try:
            with BuildLock(Path(folder)):
                taken += 1
                try:
                    fd = os.open(Path(folder) / "inside", os.O_CREAT | os.O_EXCL | os.O_WRONLY)
                except FileExistsError:
                    overlaps += 1
                    continue
                os.close(fd)
                time.sleep(0.0002)
                os.unlink(Path(folder) / "inside")
        except OutputError:
            pass
    return overlaps, taken


@pytest.mark.slow
def test_build_lock_is_exclusive_under_contention(tmp_path):
    """8 processes hammering one folder's lock: never two holders at once."""
    with get_context("fork").Pool(8) as pool:
        res = pool.starmap(_hold_lock, [(str(tmp_path), 200)] * 8)
    assert sum(o for o, _ in res) == 0, res
    assert sum(t for _, t in res) > 0


def test_stale_lock_is_taken_over(tmp_path):
    """A lock file left behind (its process killed, its pid perhaps reused by a live
    process such as pid 1, or empty) does not block the next build; a held one does."""
    manifest = make_edition(tmp_path / "ed", seed=5, pages=2)
    out = tmp_path / "out"
    out.mkdir()
    for pid in ("999999999", "1", ""):
        (out / ".layout.lock").write_text(pid)
        build(manifest, BuildOptions(out_dir=out, jobs=1))
        assert not (out / ".layout.lock").exists()
    with BuildLock(out):
        with pytest.raises(OutputError, match=r"another build \(process \d+\) is writing"):
            build(manifest, BuildOptions(out_dir=out, jobs=1))


def test_stale_temporaries_are_removed(tmp_path):
    """Temporaries a killed build left for the files it was writing are removed by the next
    build into that folder; other dot files are not touched."""
    manifest = make_edition(tmp_path / "ed", seed=4, pages=2)
    out = tmp_path / "out"
    build(manifest, BuildOptions(out_dir=out, jobs=1))
    planted = [out / ".江城日报-2026-08-19.pdf.k1ll3d.tmp", out / "pages" / ".A1.pdf.abc_12.tmp"]
    for p in planted:
        p.write_bytes(b"%PDF-1.4 half a file")
    keep = out / ".notes.tmp"
    keep.write_text("mine")
    build(manifest, BuildOptions(out_dir=out, jobs=1))
    assert not any(p.exists() for p in planted)
    assert keep.read_text() == "mine"
    assert not (out / ".layout.lock").exists()


def test_output_names_never_leave_the_output_folder(tmp_path):
    """The paper's name becomes the edition file's name: separators, a leading dot and
    overlong names are made safe (it used to write ../../x-<date>.pdf outside -o, or fail
    with an OSError for a long name)."""
    import yaml

    from layout.build.names import edition_filename
    from layout.errors import CompositionError
    from layout.model.manifest import load_edition

    base = make_edition(tmp_path / "ed", seed=3, pages=1)
    for i, paper in enumerate(["../../evil", "江城/日报", "江" * 120, ".hidden", "a\\b", ".."]):
        doc = yaml.safe_load(base.read_text(encoding="utf-8"))
        doc["edition"]["paper"] = paper
        base.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
        out = tmp_path / f"out{i}"
        name = edition_filename(load_edition(base), "print")
        assert "/" not in name and "\\" not in name and not name.startswith(".")
        assert len(name.encode()) <= 255 and name.endswith("-2026-08-19.pdf")
        if len(paper) > 12:  # too long for the masthead: refused, naming edition.paper (furniture.py)
            with pytest.raises(CompositionError, match="edition.paper"):
                build(base, BuildOptions(out_dir=out, jobs=1))
            continue
        res = build(base, BuildOptions(out_dir=out, jobs=1))
        assert res.edition_pdf is not None and res.edition_pdf.parent == out, res.edition_pdf
        assert res.edition_pdf.name == name
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.parent.glob("evil*.pdf"))


@pytest.mark.parametrize("where", ["out-is-a-file", "report-is-a-folder", "pages-is-a-file"])
def test_unwritable_outputs_are_output_errors(tmp_path, where):
    """-o naming a file, --report naming a folder, a file where pages/ goes: exit 1 with an
    output error (they used to be 'internal error: FileExistsError/IsADirectoryError')."""
    from typer.testing import CliRunner

    from layout.cli import app

    manifest = make_edition(tmp_path / "ed", seed=6, pages=1)
    out = tmp_path / "out"
    args = ["build", str(manifest), "-o", str(out), "-j", "1"]
    if where == "out-is-a-file":
        out.write_text("not a folder")
    elif where == "report-is-a-folder":
        (tmp_path / "rep").mkdir()
        args += ["--report", str(tmp_path / "rep")]
    else:
        out.mkdir()
        (out / "pages").write_text("not a folder")
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 1, res.output
    assert "output error" in res.output and "internal error" not in res.output, res.output
    assert not list(tmp_path.rglob("*.tmp"))


def test_ctrl_c_after_the_command_finished_keeps_its_exit_status(monkeypatch):
    """Python restores the default SIGINT action while it shuts down (the pool's threads are
    joined then); main() ignores SIGINT once the command is done, so a late Ctrl-C cannot turn
    a finished build into 'killed by SIGINT' (exit -2, no message: seen under load)."""
    from layout import cli

    before = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(sys, "argv", ["layout", "version"])
    try:
        with pytest.raises(SystemExit) as done:
            cli.main()
        assert done.value.code in (0, None)
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


def test_write_atomic_replaces_whole_or_not_at_all(tmp_path):
    """The one atomic write every output goes through: the new bytes replace the old file
    entirely; a failure (here a folder in the way) is an OutputError naming the file and
    leaves no temporary behind."""
    from layout.build.staging import write_atomic
    from layout.errors import OutputError

    target = tmp_path / "sub" / "report.json"
    write_atomic(target, b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and oct(target.stat().st_mode & 0o777) == "0o644"
    (tmp_path / "dir.pdf").mkdir()
    with pytest.raises(OutputError, match="cannot write .*dir.pdf"):
        write_atomic(tmp_path / "dir.pdf", b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.pdf", "sub"]
    assert [p.name for p in (tmp_path / "sub").iterdir()] == ["report.json"]
