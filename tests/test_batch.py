"""Several editions in one `layout build`: side by side, each into its own folder, one
edition's error reported with its file and line while the others are written."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from tests.support.editions import write_edition

pytestmark = pytest.mark.slow  # builds whole editions in processes of their own


def layout(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "layout", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=600)


def dated(root: Path, date: str) -> Path:
    """The test edition, dated `date` (its file name says the date)."""
    manifest = write_edition(root, lead_chars=1200)
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("date: 2026-08-19", f"date: {date}"),
                        encoding="utf-8")
    return manifest


def pdf_pages(path: Path) -> int:
    return len(pypdf.PdfReader(str(path)).pages)


def test_two_editions_build_side_by_side_each_into_its_own_folder(tmp_path):
    a = dated(tmp_path / "eds" / "0819", "2026-08-19")
    b = dated(tmp_path / "eds" / "0820", "2026-08-20")
    res = layout("build", str(a.parent), str(b), "-o", str(tmp_path / "out"), "-j2", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    first = tmp_path / "out" / "0819" / "江城日报-2026-08-19.pdf"
    second = tmp_path / "out" / "0820" / "江城日报-2026-08-20.pdf"
    assert pdf_pages(first) == 4 and pdf_pages(second) == 4
    assert sorted(p.name for p in (tmp_path / "out" / "0820" / "pages").glob("*.pdf")) == \
        ["A1.pdf", "A2.pdf", "A3.pdf", "T1.pdf"]
    assert "built 2 of 2 editions, 8 pages" in res.stdout
    # the same bytes as the edition built alone
    alone = layout("-q", "build", str(b), "-o", str(tmp_path / "alone"), cwd=tmp_path)
    assert alone.returncode == 0, alone.stderr
    assert (tmp_path / "alone" / second.name).read_bytes() == second.read_bytes()
    assert (tmp_path / "alone" / "pages" / "A1.pdf").read_bytes() == (second.parent / "pages" / "A1.pdf").read_bytes()


def test_a_folder_of_editions_builds_each_into_its_own_output_beside_its_manifest(tmp_path):
    for day in ("19", "20", "21"):
        dated(tmp_path / "month" / f"08{day}", f"2026-08-{day}")
    res = layout("build", "month", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    for day in ("19", "20", "21"):
        assert pdf_pages(tmp_path / "month" / f"08{day}" / "output" / f"江城日报-2026-08-{day}.pdf") == 4
    assert "built 3 of 3 editions, 12 pages" in res.stdout


def test_one_bad_edition_reports_its_file_and_line_and_the_others_are_written(tmp_path):
    good = dated(tmp_path / "good", "2026-08-19")
    bad = dated(tmp_path / "bad", "2026-08-20")
    lines = bad.read_text(encoding="utf-8").splitlines()
    n = next(i for i, line in enumerate(lines) if "frame:" in line)
    lines[n] = lines[n].replace("lines: 40", "lines: forty")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    res = layout("build", str(bad), str(good), "-o", str(tmp_path / "out"), "-j2", cwd=tmp_path)
    assert res.returncode == 1
    assert f"{bad}:{n + 1}:" in res.stderr  # the file and line of the bad value
    assert "bad: manifest error" in res.stderr and "Traceback" not in res.stderr + res.stdout
    assert pdf_pages(tmp_path / "out" / "good" / "江城日报-2026-08-19.pdf") == 4
    assert not list((tmp_path / "out").glob("bad/**/*.pdf"))
    assert "built 1 of 2 editions" in res.stdout and "1 edition failed" in res.stdout


def test_two_editions_that_would_share_an_output_folder_are_refused_before_anything_is_built(tmp_path):
    a = dated(tmp_path / "x" / "ed", "2026-08-19")
    b = dated(tmp_path / "y" / "ed", "2026-08-20")
    res = layout("build", str(a), str(b), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert res.returncode == 2 and "would both write into" in res.stderr
    assert not (tmp_path / "out").exists()


def test_a_batch_gives_each_edition_its_desks_outputs(tmp_path):
    """An archivist re-rendering a month gets every edition's archive package, and a proof
    batch records each edition's own round 1 (the desks' outputs are not shared)."""
    for day in ("19", "20"):
        dated(tmp_path / "month" / f"08{day}", f"2026-08-{day}")
    res = layout("build", "month", "--mode", "archive", "-o", "arch", "-j2", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    for day in ("19", "20"):
        folder = tmp_path / "arch" / f"08{day}"
        assert (folder / f"江城日报-2026-08-{day}-archive.mets.xml").is_file()
        assert sorted(p.name for p in (folder / "archive" / "alto").glob("*.xml")) == \
            ["A1.xml", "A2.xml", "A3.xml", "T1.xml"]
    res = layout("build", "month", "--mode", "proof", "-o", "proofs", "-j1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    for day in ("19", "20"):
        rounds = sorted(p.name for p in (tmp_path / "proofs" / f"08{day}").rglob("revisions/*.json"))
        assert rounds == ["round-01.json"]
        assert any((tmp_path / "proofs" / f"08{day}").rglob("index.html"))  # the flatplan, with previews
