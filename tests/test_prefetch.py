"""The manifest read ahead by a forked child (layout/model/prefetch.py): what it hands over
is exactly what this process would have parsed and generated, and only for the bytes read."""

from __future__ import annotations

import datetime as dt
import os
import textwrap

import pytest

from layout.errors import ManifestError
from layout.model import prefetch, yamlpos
from layout.model.bodies import split_paragraphs
from layout.model.filler import filler_text
from layout.model.manifest import read_edition

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the read-ahead child is forked")

MANIFEST = textwrap.dedent("""\
    edition: {paper: 江城日报, date: 2026-08-19, number: 25312, style: broadsheet}
    sections:
      - {id: A, name: 要闻, pages: 1}
    pages:
      A1:
        editor: 王晓
        stories:
          - id: s1
            frame: {col: 1, span: 4, top: 12, lines: 40}
            headline: 城市更新激活发展新动能
            body: {filler: {seed: 11, chars: 900}}
          - id: s2
            frame: {col: 5, span: 4, top: 12, lines: 40}
            headline: 轨道交通织密出行网络
            body:
              filler:
                seed: 12
                chars: 1300
    """)


def test_hands_over_the_parse_and_the_filler_of_the_bytes_read(tmp_path):
    path = tmp_path / "edition.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    prefetch.start(tmp_path)  # a folder: its edition.yaml, as the build reads it
    assert prefetch.settle(30)
    raw = path.read_bytes()
    got = prefetch.located(raw)
    want = yamlpos.load(raw.decode("utf-8"))
    assert got is not None
    assert got.value == want.value and got.marks == want.marks and got.duplicates == want.duplicates
    assert list(got.marks) == list(want.marks)  # the same order too
    assert type(got.value["edition"]["date"]) is dt.date  # put back from its ISO text
    assert all(type(v) is tuple for v in got.marks.values())
    assert prefetch.filler(11, 900) == split_paragraphs(filler_text(11, 900))
    assert prefetch.filler(12, 1300) == split_paragraphs(filler_text(12, 1300))
    assert prefetch.filler(12, 1301) is None  # not in the manifest: made by the caller
    assert prefetch.located(raw) is None  # handed over once


def test_other_bytes_are_parsed_by_the_caller(tmp_path):
    path = tmp_path / "edition.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    prefetch.start(path)
    assert prefetch.settle(30)
    assert prefetch.located(MANIFEST.replace("王晓", "王芳").encode("utf-8")) is None
    assert prefetch.filler(11, 900) == split_paragraphs(filler_text(11, 900))  # a pure function of (seed, chars)


def test_values_json_cannot_carry_are_not_handed_over(tmp_path):
    path = tmp_path / "edition.yaml"
    path.write_text(MANIFEST.replace("number: 25312", "number: 25312, 7: seven, at: 2026-08-19 06:30:00"),
                    encoding="utf-8")
    prefetch.start(path)
    assert prefetch.settle(30)
    assert prefetch.located(path.read_bytes()) is None
    assert prefetch.filler(12, 1300) == split_paragraphs(filler_text(12, 1300))


def test_a_broken_manifest_hands_over_nothing_and_errors_stay_the_callers(tmp_path):
    path = tmp_path / "edition.yaml"
    path.write_text(MANIFEST + "  A2: [unclosed\n", encoding="utf-8")
    prefetch.start(path)
    assert prefetch.settle(30)
    assert prefetch.located(path.read_bytes()) is None
    assert prefetch.filler(11, 900) is None
    with pytest.raises(ManifestError) as e:
        read_edition(path)
    assert "invalid YAML" in str(e.value.problems[0])


def test_the_edition_read_with_the_child_is_the_edition_read_without(tmp_path):
    path = tmp_path / "edition.yaml"
    path.write_text(MANIFEST, encoding="utf-8")
    alone, problems_alone = read_edition(path)
    prefetch.start(path)
    assert prefetch.settle(30)
    helped, problems_helped = read_edition(path)
    assert prefetch._PENDING == {} and prefetch._READ.get("doc") is None  # it was used
    assert helped == alone and problems_helped == problems_alone


def test_a_late_child_is_not_waited_for(tmp_path):
    path = tmp_path / "edition.yaml"
    path.write_text(MANIFEST.replace("chars: 1300", "chars: 900000"), encoding="utf-8")  # a long read
    prefetch.start(path)
    alone = read_edition(path)  # asks at once: the child is not done, the manifest is read here
    assert prefetch.late() and prefetch.filler(11, 900) is None
    assert alone == read_edition(path)
    prefetch.start(path)  # a new start forgets it
    assert not prefetch.late()
    assert prefetch.settle(60) and prefetch.filler(11, 900) is not None and not prefetch.late()
