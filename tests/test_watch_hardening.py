"""`layout watch` hardened: it prints the photo that is on disk now (compared with a build
made by a fresh process, which cannot share any memory with the watcher), it looks only at
the files the edition is made of (no rebuild for a log, an editor's backup or its own
outputs, even with -o inside the edition folder), and no failing build stops it."""

from __future__ import annotations

import io
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PIL import Image as PILImage

from layout.build.pipeline import BuildOptions
from layout.build.watch import Watcher
from tests.support.editions import write_edition

# builds and writes whole (small) editions, or runs processes: not the fast core
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EDITION_PDF = "江城日报-2026-08-19.pdf"
LABELS = ("A1", "A2", "A3", "T1")


def _jpeg(colour: tuple[int, int, int], size: int) -> bytes:
    """A 1200 x 900 JPEG of one colour, padded after its end marker to exactly `size`
    bytes (decoders stop at the marker): two different pictures of the same byte size."""
    buf = io.BytesIO()
    PILImage.new("RGB", (1200, 900), colour).save(buf, "JPEG", quality=80)
    data = buf.getvalue()
    assert len(data) <= size
    return data + b"\0" * (size - len(data))


def _fresh_build(manifest: Path, out: Path) -> subprocess.CompletedProcess:
    """`layout build` in a new Python process: nothing it prints can come from the watcher's
    memory (a build in the watcher's own process could share its stale caches)."""
    return subprocess.run([sys.executable, "-m", "layout", "-q", "build", str(manifest), "-o", str(out), "-j", "1",
                           "--no-cache"], capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=300)


def _same_as_fresh(manifest: Path, watched: Path, fresh: Path) -> None:
    done = _fresh_build(manifest, fresh)
    assert done.returncode == 0, done.stderr
    for lab in LABELS:
        name = f"pages/{lab}.pdf"
        assert (watched / name).read_bytes() == (fresh / name).read_bytes(), lab
    assert (watched / EDITION_PDF).read_bytes() == (fresh / EDITION_PDF).read_bytes()


def _replace(photo: Path, data: bytes, how: str) -> None:
    """Put `data` under `photo`'s name keeping its size and modification time: as rsync -t
    does (a new file renamed over the old one) or cp -p (the old file overwritten)."""
    st = photo.stat()
    if how == "rsync":
        tmp = photo.with_name(f".{photo.name}.part")
        tmp.write_bytes(data)
        os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
        os.replace(tmp, photo)
    else:
        with open(photo, "r+b") as f:
            f.write(data)
        os.utime(photo, ns=(st.st_atime_ns, st.st_mtime_ns))
    now = photo.stat()
    assert (now.st_size, now.st_mtime_ns) == (st.st_size, st.st_mtime_ns)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["rsync", "cp-p"])
def test_a_photo_replaced_with_its_size_and_time_kept_prints_the_new_picture(tmp_path, how):
    """The photo desk copies a new picture over the old one, same pixel size, same byte size,
    its modification time kept: the watcher used to say "built 1 of 4 pages" (or nothing)
    and keep printing the old picture.  A truncated replacement of the same size is an error
    naming the photo; once a good picture is back, the outputs are a fresh build's."""
    manifest = write_edition(tmp_path / "ed")
    photo = tmp_path / "ed" / "photos" / "p.jpg"
    photo.write_bytes(_jpeg((90, 120, 160), 20000))
    out = tmp_path / "watch"
    w = Watcher(manifest, BuildOptions(out_dir=out, jobs=1))
    assert w.build_once().error is None

    _replace(photo, _jpeg((200, 30, 30), 20000), how)
    assert w.changes() == [str(photo)]
    ev = w.build_once(w.changes())
    assert ev.error is None and "A1" not in ev.result.reused
    _same_as_fresh(manifest, out, tmp_path / "fresh1")

    good = photo.read_bytes()
    _replace(photo, good[:6000] + b"\0" * (len(good) - 6000), how)  # cut short, padded to the same size
    ev = w.build_once(w.changes())
    assert ev.result is None and ev.error is not None
    [p] = ev.error.problems
    assert "photo 'ph'" in p.message and "p.jpg" in p.message and "truncated" in p.message, p.message
    assert _fresh_build(manifest, tmp_path / "fresh2").returncode == 1

    _replace(photo, _jpeg((30, 200, 30), 20000), how)
    ev = w.build_once(w.changes())
    assert ev.error is None
    _same_as_fresh(manifest, out, tmp_path / "fresh3")


def test_only_the_files_the_edition_is_made_of_are_watched(tmp_path):
    """`layout watch DIR` used to watch DIR's parent: any file written there (a log, another
    edition, a download) started a build.  Now: the manifest, the files it names, the style
    and the fonts; a file the manifest names that does not exist yet counts once it appears."""
    manifest = write_edition(tmp_path / "ed")
    folder = tmp_path / "ed"
    w = Watcher(folder, BuildOptions(out_dir=folder, jobs=1))  # the folder, and -o the folder itself
    assert w.build_once().error is None
    assert w.changes() == []
    (tmp_path / "build.log").write_text("a log beside the edition folder\n")
    (folder / "build.log").write_text("a log in the edition folder\n")
    (folder / "notes.txt").write_text("值班笔记")
    (folder / "photos" / "unused.jpg").write_bytes(_jpeg((1, 2, 3), 20000))
    (folder / "edition.yaml~").write_text("an editor's backup")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "edition.yaml").write_text("another edition")
    assert w.changes() == []
    assert w.manifest == manifest.resolve()

    lead = folder / "lead.txt"
    lead.write_text("江城新闻稿开头改写。" + lead.read_text(encoding="utf-8"), encoding="utf-8")
    assert w.changes() == [str(lead)]
    assert w.build_once(w.changes()).error is None

    # a story whose body file is not there yet: an error, then a build once it is written
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("body: {filler: {seed: 9, chars: 800}}", "body: late.txt"), encoding="utf-8")
    assert w.changes() == [str(manifest)]
    ev = w.build_once(w.changes())
    assert ev.error is not None and any("late.txt" in str(p) for p in ev.error.problems)
    assert w.changes() == []
    (folder / "late.txt").write_text("迟到的稿件终于到了。" * 20, encoding="utf-8")
    assert w.changes() == [str(folder / "late.txt")]
    ev = w.build_once(w.changes())
    assert ev.error is None and [cp.display.label for cp in ev.result.pages if cp.display.label
                                 not in ev.result.reused] == ["A2"]


def test_a_build_that_fails_in_any_way_is_reported_and_watching_goes_on(tmp_path, monkeypatch):
    """Not only errors in the edition: an exception nobody foresaw (here the PDF assembler
    failing once) is reported as an internal error, the previous outputs stay, and the next
    change is built."""
    from layout.build import pipeline

    manifest = write_edition(tmp_path / "ed")
    out = tmp_path / "out"
    real = pipeline.assemble
    calls = []

    def assemble_once_broken(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("pypdf could not write the outline")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "assemble", assemble_once_broken)
    events = []

    def report(ev) -> None:
        events.append(ev)
        if len(events) < 3:  # an edit after each of the first two builds
            time.sleep(0.02)
            manifest.write_text(manifest.read_text(encoding="utf-8").replace(
                f"seed: {9 + len(events) - 1},", f"seed: {9 + len(events)},"), encoding="utf-8")

    w = Watcher(manifest, BuildOptions(out_dir=out, jobs=1))
    w.run(report, interval=0.02, settle=0.01, max_builds=3)
    first, broken, fixed = events
    assert first.error is None and fixed.error is None
    assert broken.result is None
    [p] = broken.error.problems
    assert p.message == "internal error: RuntimeError: pypdf could not write the outline", p.message
    assert "still watching" in p.hint
    assert fixed.result.edition_pdf.exists() and not list(out.rglob("*.tmp"))


def _lines(stream) -> "queue.Queue[str]":
    """The lines of a process's output as they come (read by a thread: never blocks the test)."""
    q: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        for line in stream:
            q.put(line)
        q.put(None)  # end of the output
    threading.Thread(target=pump, daemon=True).start()
    return q


def _rest(q: "queue.Queue[str]") -> list[str]:
    """The remaining lines, up to the end of the output."""
    out = []
    while (line := q.get(timeout=30)) is not None:
        out.append(line)
    return out


def _wait_for(q: "queue.Queue[str]", prefix: str, seconds: float, seen: list[str]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = q.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if line is None:
            q.put(None)
            return False
        seen.append(line)
        if line.startswith(prefix):
            return True
    return False


@pytest.mark.slow
def test_cli_watch_with_output_inside_the_edition_folder_does_not_loop(tmp_path):
    """`layout watch DIR -o DIR` used to rebuild about five times a second with no edit (its
    own outputs were changes), and a log written beside the edition started builds too.
    Over more than a second of logs and no edit: no build; then an edit: one build."""
    manifest = write_edition(tmp_path / "ed")
    folder = tmp_path / "ed"
    proc = subprocess.Popen([sys.executable, "-m", "layout", "watch", str(folder), "-o", str(folder), "-j", "1",
                             "--interval", "0.05", "--max-builds", "2"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            cwd=tmp_path)
    seen: list[str] = []
    try:
        q = _lines(proc.stdout)
        assert _wait_for(q, "built", 120, seen), seen
        for i in range(25):  # 1.25 s of a log growing beside and inside the edition folder
            with open(tmp_path / "watch.log", "a") as log, open(folder / "watch.log", "a") as inner:
                log.write(f"line {i}\n")
                inner.write(f"line {i}\n")
            time.sleep(0.05)
        assert not _wait_for(q, "built", 0.3, seen), f"a build with no edit: {seen}"
        lead = folder / "lead.txt"
        lead.write_text("江城新闻稿开头改写。" + lead.read_text(encoding="utf-8"), encoding="utf-8")
        # not communicate(): the reader thread owns stdout (both reading it, lines were lost)
        proc.wait(timeout=120)
        stderr = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    seen += _rest(q)
    built = [ln for ln in seen if ln.startswith("built")]
    assert len(built) == 2 and "after a change to lead.txt" in built[1], seen
    assert seen[0].startswith(f"watching {manifest.resolve()}"), seen


@pytest.mark.slow
def test_cli_watch_reports_a_decompression_bomb_and_keeps_watching(tmp_path):
    """A photo replaced by a 900-megapixel PNG while watching: reported (photo, file, line,
    the limit), the process keeps watching, and builds again once the photo is fixed."""
    from test_photos import _png_header_only

    manifest = write_edition(tmp_path / "ed")
    photo = tmp_path / "ed" / "photos" / "p.png"
    PILImage.new("RGB", (1200, 900), (90, 120, 160)).save(photo)
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("photos/p.jpg", "photos/p.png"),
                        encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "layout", "watch", str(manifest), "-o", str(tmp_path / "out"),
                             "-j", "1", "--interval", "0.05", "--max-builds", "3"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            cwd=tmp_path)
    seen: list[str] = []
    errors: list[str] = []
    try:
        q, eq = _lines(proc.stdout), _lines(proc.stderr)
        assert _wait_for(q, "built", 120, seen), seen
        photo.write_bytes(_png_header_only(30000, 30000))
        assert _wait_for(eq, "  ", 60, errors), errors  # the error's problem line
        assert proc.poll() is None, "the watcher stopped"
        PILImage.new("RGB", (1200, 900), (30, 160, 90)).save(photo)
        assert _wait_for(q, "built", 120, seen), seen
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    stderr = "".join(errors + _rest(eq))
    assert proc.returncode == 0, stderr
    text = " ".join(stderr.split())
    assert "photo 'ph'" in text and "p.png" in text and "900 megapixels" in text, stderr
    assert "outputs left as they were" in text and "Traceback" not in stderr
    seen += _rest(q)
    built = [ln for ln in seen if ln.startswith("built")]
    assert len(built) == 2 and "after a change to p.png" in built[1], seen
