"""Limits: absurd inputs fail fast, in bounded time and memory, with a clear error.

* a 2 MB story (~700,000 characters in ~3,000 paragraphs; one 200,000-character
  paragraph; a 2 MB story jumping to a second page) in a normal frame: overset reported,
  measured in a fresh process (wall time; peak RSS from wait4);
* 10,000 pages declared (one section, or 2,500 sections of 400): refused at once;
* manifests and bodies over their byte limits, YAML nested too deeply;
* symbolic-link loops and links escaping the edition folder as body or photo paths.
  (Plain paths escaping the folder, "../../etc/passwd", are in the catalogue:
  tests/test_manifest_errors.py cases "path-outside-edition" and test_outside_allowed.)
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from layout.cli import app
from layout.errors import ManifestError
from layout.model.filler import filler_text
from layout.model.manifest import MAX_BODY_BYTES, MAX_MANIFEST_BYTES, load_edition

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

MAX_SECONDS = 20.0
MAX_RSS_MB = 500.0
MEASURED = "measurements: limits (tests/test_limits.py)"


def big_body(variant: str) -> str:
    text = filler_text(7, 700_000).replace("\n", "")
    if variant == "one-paragraph":
        return text[:200_000]
    return "\n\n".join(text[i:i + 233] for i in range(0, len(text), 233))  # ~3,000 paragraphs


def edition_with(root: Path, body: str, jump: bool = False) -> Path:
    """One story in a normal 4-column frame of 40 lines, its body in big.txt; with `jump`
    it continues on A2 in a frame of the same size."""
    import yaml

    root.mkdir(parents=True, exist_ok=True)
    (root / "big.txt").write_text(body, encoding="utf-8")
    story = {"id": "big", "frame": {"col": 1, "span": 4, "top": 12, "lines": 40}, "headline": "长篇报道",
             "body": "big.txt"}
    pages = {"A1": {"template": "front", "editor": "王晓", "stories": [story]}}
    if jump:
        story["continues"] = "A2"
        pages["A2"] = {"stories": [{"continued": "big", "frame": {"col": 1, "span": 4, "top": 0, "lines": 40}}]}
    doc = {"edition": {"paper": "江城日报", "date": "2026-08-19", "style": "broadsheet"},
           "sections": [{"id": "A", "name": "要闻", "pages": len(pages)}], "pages": pages}
    (root / "edition.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root / "edition.yaml"


# The build runs as the child of a small launcher, which reports the child's peak RSS: a
# process started straight from pytest inherits pytest's own high-water mark through exec
# (Linux keeps the larger of the two), and pytest grows to hundreds of MB over the suite.
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.execv(sys.executable, [sys.executable, "-m", "layout", *sys.argv[1:]])
_, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def measured_run(args: list[str], cwd: Path) -> tuple[int, str, float, float]:
    """Run `python -m layout ARGS`; exit code, stderr, wall seconds, peak RSS in MB."""
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-c", _LAUNCHER, *args], cwd=cwd, capture_output=True)
    seconds = time.perf_counter() - t
    rss_mb = int(p.stdout.decode().split()[-1]) / 1024  # Linux: KiB
    return p.returncode, p.stderr.decode("utf-8", "replace"), seconds, rss_mb


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["paragraphs", "one-paragraph", "jumping"])
def test_two_megabyte_story_reports_overset_in_bounded_time_and_memory(tmp_path, measurements, variant):
    body = big_body("one-paragraph" if variant == "one-paragraph" else "paragraphs")
    manifest = edition_with(tmp_path / "ed", body, jump=variant == "jumping")
    size = (tmp_path / "ed" / "big.txt").stat().st_size
    rc, err, seconds, rss = measured_run(["build", str(manifest), "-o", str(tmp_path / "out"), "-j", "1"], tmp_path)
    seen = (f"{variant}: {size / 1e6:.2f} MB, {body.count(chr(10) * 2) + 1} paragraph(s): "
            f"exit {rc} in {seconds:.2f} s, peak RSS {rss:.0f} MB")
    measurements(MEASURED, seen)
    flat = " ".join(err.split())
    assert rc == 1, err
    assert "overset" in flat and "left over" in flat and "big" in flat, err
    assert "Traceback" not in err and "internal error" not in err, err
    assert seconds < MAX_SECONDS, seen
    assert rss < MAX_RSS_MB, seen
    assert not list((tmp_path / "out").rglob("*.pdf"))


def _sections(root: Path, sections: list[str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    path = root / "edition.yaml"
    path.write_text("edition: {paper: 江城日报, date: 2026-08-19}\nsections:\n" + "".join(
        f"  - {s}\n" for s in sections) + "pages: {}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("shape", ["one-section", "2500-sections"])
def test_ten_thousand_pages_refused_at_once(tmp_path, shape):
    if shape == "one-section":
        path = _sections(tmp_path, ["{id: A, name: 要闻, pages: 10000}"])
        expect = "10000 pages declared; the limit is 400"
    else:  # each section within the limit, a million pages in all (took 5 s and 540 MB before)
        path = _sections(tmp_path, [f"{{id: S{i}, name: 版{i}, label: 'S{i}-{{n}}', pages: 400}}" for i in range(2500)])
        expect = "1000000 pages declared in all; the limit is 400"
    t = time.perf_counter()
    with pytest.raises(ManifestError) as info:
        load_edition(path)
    seconds = time.perf_counter() - t
    assert expect in str(info.value)
    assert seconds < 2.0, seconds
    res = CliRunner().invoke(app, ["build", str(path), "-o", str(tmp_path / "out")])
    assert res.exit_code == 1 and "Traceback" not in res.output, res.output


def test_oversized_manifest_and_body_are_refused_without_reading_them(tmp_path):
    big = tmp_path / "big" / "edition.yaml"
    big.parent.mkdir()
    with open(big, "wb") as f:  # sparse: the size alone must refuse it
        f.truncate(MAX_MANIFEST_BYTES + 1)
    with pytest.raises(ManifestError, match=f"the limit is {MAX_MANIFEST_BYTES}"):
        load_edition(big)
    ed = edition_with(tmp_path / "ed", "短文。")
    with open(tmp_path / "ed" / "big.txt", "wb") as f:
        f.truncate(MAX_BODY_BYTES + 1)
    with pytest.raises(ManifestError, match=f"the limit is {MAX_BODY_BYTES}"):
        load_edition(ed)


def test_yaml_nested_too_deeply(tmp_path):
    path = tmp_path / "edition.yaml"
    for text in ("edition: " + "[" * 5000 + "]" * 5000 + "\n", "edition: " + "{a: " * 2000 + "1" + "}" * 2000 + "\n"):
        path.write_text(text, encoding="utf-8")
        t = time.perf_counter()
        with pytest.raises(ManifestError, match="invalid YAML|nested too deeply|expected a mapping"):
            load_edition(path)
        assert time.perf_counter() - t < 5


def _story_edition(root: Path, body: str = "big.txt", photo: str | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    photos = (f"\n        photos: [{{id: ph, file: {photo}, columns: 1, lines: 10}}]" if photo else "")
    path = root / "edition.yaml"
    path.write_text(textwrap.dedent(f"""\
        edition: {{paper: 江城日报, date: 2026-08-19}}
        sections: [{{id: A, name: 要闻, pages: 1}}]
        pages:
          A1:
            stories:
              - id: s
                frame: {{col: 1, span: 4, top: 0, lines: 40}}
                body: {body}""") + photos + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["self", "pair", "photo", "folder"])
def test_symlink_loop_is_a_clear_manifest_error(tmp_path, kind):
    ed = tmp_path / "ed"
    (ed / "stories").mkdir(parents=True)
    if kind == "self":
        (ed / "loop.txt").symlink_to("loop.txt")
        path, name = _story_edition(ed, "loop.txt"), "loop.txt"
    elif kind == "pair":
        (ed / "a.txt").symlink_to("b.txt")
        (ed / "b.txt").symlink_to("a.txt")
        path, name = _story_edition(ed, "a.txt"), "a.txt"
    elif kind == "photo":
        (ed / "s.txt").write_text("正文。", encoding="utf-8")
        (ed / "p.jpg").symlink_to("p.jpg")
        path, name = _story_edition(ed, "s.txt", photo="p.jpg"), "p.jpg"
    else:  # a folder linking to itself on the way to the file
        (ed / "stories" / "d").symlink_to("d")
        path, name = _story_edition(ed, "stories/d/d/x.txt"), "stories/d/d/x.txt"
    with pytest.raises(ManifestError) as info:
        load_edition(path)
    text = str(info.value)
    assert name in text and f"{path}:" in text, text
    assert "symbolic link" in text or "not found" in text, text
    res = CliRunner().invoke(app, ["build", str(path), "-o", str(tmp_path / "out")])
    assert res.exit_code == 1, res.output
    assert "Traceback" not in res.output and "internal error" not in res.output, res.output
    assert isinstance(res.exception, SystemExit)


def test_symlink_escaping_the_edition_is_refused_unless_allowed(tmp_path):
    """A link inside the edition folder that points outside it counts as outside (the
    path is resolved before the check)."""
    (tmp_path / "secret.txt").write_text("外部文件。", encoding="utf-8")
    ed = tmp_path / "ed"
    ed.mkdir()
    (ed / "inside.txt").symlink_to(tmp_path / "secret.txt")
    path = _story_edition(ed, "inside.txt")
    with pytest.raises(ManifestError, match="points outside the edition folder"):
        load_edition(path)
    assert load_edition(path, allow_outside=True).page("A1").stories[0].paragraphs == ("外部文件。",)


@pytest.mark.parametrize("value", ["stories/\x00.txt", "a" * 5000 + ".txt", "x/" * 3000 + "y.txt"])
def test_unusable_file_names_are_manifest_errors(tmp_path, value):
    """A NUL or a name too long for the file system used to escape as ValueError/OSError."""
    import yaml

    ed = tmp_path / "ed"
    ed.mkdir()
    path = ed / "edition.yaml"
    doc = {"edition": {"paper": "江城日报", "date": "2026-08-19"}, "sections": [{"id": "A", "name": "要闻", "pages": 1}],
           "pages": {"A1": {"stories": [{"id": "s", "frame": {"col": 1, "span": 4, "top": 0, "lines": 40},
                                         "body": "正文。", "photos": [{"id": "p", "file": value, "lines": 10}]}]}}}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        load_edition(path)
    assert "photos[0].file" in str(info.value)
