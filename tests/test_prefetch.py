"""The manifest read by a forked child while the command line starts (build/prefetch.py):
the same edition and problems as reading it in the process, the photo checks handed over,
nothing (and no child left) when the child fails or its result is not wanted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from layout.build.pipeline import BuildOptions, build
from layout.build.prefetch import ManifestPrefetch
from layout.errors import ManifestError
from layout.model import photos
from layout.model.manifest import read_edition
from tests.support.editions import write_edition

pytestmark = [pytest.mark.slow,  # (forks a process; two tests build an edition)
              pytest.mark.skipif(not hasattr(os, "fork") or (os.cpu_count() or 1) < 2, reason="needs fork, 2 cores")]


def _started(manifest: Path) -> ManifestPrefetch:
    pre = ManifestPrefetch.start(manifest, False)
    if pre is None:
        pytest.skip("threads are running in this test process: no fork")
    return pre


def _no_child(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_the_child_reads_what_the_process_would(tmp_path):
    manifest = write_edition(tmp_path)
    photos._MEMO._seen.clear()
    pre = _started(manifest)
    pid = pre.pid
    found = pre.take(manifest, False)
    assert found is not None
    edition, problems = found
    assert (edition, problems) == read_edition(manifest)
    assert edition.page("A1").stories[0].paragraphs[0].startswith("8月18日")
    # the photo was inspected by the child only, and its finding handed over
    assert any(key[0] == str(tmp_path / "photos" / "p.jpg") for key in photos._MEMO._seen)
    assert _no_child(pid)
    pre.close()  # (nothing left to do)


def test_a_bad_manifest_gives_nothing_and_the_build_reports_it(tmp_path):
    manifest = tmp_path / "edition.yaml"
    manifest.write_text("edition: {paper: 江城日报, date: 2026-02-30\n", encoding="utf-8")
    pre = _started(manifest)
    pid = pre.pid
    assert pre.take(manifest, False) is None  # the child failed: read it yourself
    assert _no_child(pid)
    with pytest.raises(ManifestError) as e:
        build(manifest, BuildOptions(out_dir=tmp_path / "out"), prefetch=_started(manifest))
    assert e.value.problems[0].file.endswith("edition.yaml") and "invalid YAML" in e.value.problems[0].message


def test_another_manifest_or_an_unused_prefetch_leaves_no_child(tmp_path):
    manifest = write_edition(tmp_path)
    pre = _started(manifest)
    pid = pre.pid
    assert pre.take(tmp_path / "other.yaml", False) is None  # asked about another file: not this result
    assert pre.take(manifest, True) is None  # nor with another --allow-outside
    pre.close()
    assert _no_child(pid)


def test_a_build_with_a_prefetch_makes_the_same_bytes(tmp_path):
    manifest = write_edition(tmp_path / "ed")
    plain = build(manifest, BuildOptions(out_dir=tmp_path / "a", cache=False))
    fetched = build(manifest, BuildOptions(out_dir=tmp_path / "b", cache=False), prefetch=_started(manifest))
    assert plain.edition_pdf.read_bytes() == fetched.edition_pdf.read_bytes()
    assert [p.read_bytes() for p in plain.page_pdfs.values()] == [p.read_bytes() for p in fetched.page_pdfs.values()]
