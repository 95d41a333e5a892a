"""yamlpos.load_segmented (layout watch re-parses only the page entries that changed) must
give exactly what a whole parse gives: values, every position, duplicates; and fall back
to the whole parse for anything outside the plain shape it cuts up."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layout.model import yamlpos
from tests.support.editions import write_edition

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = (ROOT / "editions" / "sample" / "edition.yaml").read_text(encoding="utf-8")


def assert_same(text: str, memo: dict | None = None) -> None:
    memo = {} if memo is None else memo
    try:
        whole = yamlpos.load(text)
    except Exception as e:  # noqa: BLE001 - YAML errors, and a bad date's ValueError
        with pytest.raises(type(e)) as got:
            yamlpos.load_segmented(text, memo)
        assert str(got.value) == str(e)
        return
    seg = yamlpos.load_segmented(text, memo)
    assert seg.value == whole.value
    if isinstance(whole.value, dict):
        assert list(seg.value) == list(whole.value)  # key order too
        if isinstance(whole.value.get("pages"), dict):
            assert list(seg.value["pages"]) == list(whole.value["pages"])
    assert seg.marks == whole.marks
    assert seg.duplicates == whole.duplicates


def test_shipped_manifests_are_cut_up_and_read_the_same(tmp_path):
    small = write_edition(tmp_path / "ed").read_text(encoding="utf-8")
    for text in (SAMPLE, small):
        plan = yamlpos._cut(text)
        assert plan is not None and len(plan.entries) >= 4  # cut into page entries, not parsed whole
        assert_same(text)


def test_an_edit_reparses_only_its_page():
    memo: dict = {}
    yamlpos.load_segmented(SAMPLE, memo)
    parts = set(memo)
    edited = SAMPLE.replace("江豚逐浪回家来", "江豚逐浪归来", 1)
    assert_same(edited, memo)
    assert len(set(memo) - parts) == 1  # one new part: the A1 entry


@pytest.mark.parametrize("tail", [
    "",
    "\nextra: 1\n",  # a top-level key after pages (an error for the manifest, still read the same)
    "\n  A1:\n    editor: 重复\n",  # a page label given twice
    "\n  7:\n    editor: 数字\n",  # an integer label
    "\n# a comment\n  A9:\n    editor: 乙\n\n\n",
    "\n  A9: {editor: 乙, stories: []}\n",
    "\nedition: {paper: 二}\n",  # a top-level key given twice: whole parse
])
def test_shapes_around_the_entries(tail):
    assert_same(SAMPLE.rstrip("\n") + tail)


@pytest.mark.parametrize("text", [
    "pages:\n  A1: &a {editor: 甲}\n  A2: *a\n",  # aliases: whole parse
    "%YAML 1.1\n---\npages:\n  A1: {editor: 甲}\n",
    "pages:\n  A1: !!str 1\n",
    "pages:\n\tA1: {}\n",
    "pages:\r\n  A1: {}\r\n",
    "pages:\n  - A1\n",
    "pages:\n  A1:\n    headline: \"abc\n  A2: def\"\n",  # a quoted scalar over an entry-looking line
    "pages:\n  A1:\n    headline: [a,\n  A2: b]\n",
    "pages:\n  A1:\n    headline: abc\n A2: x\n",
    "pages:\n  A1:\n    headline: |\n      多行\n      文字\n  A2:\n    editor: 乙\n",
    "edition: {paper: 甲}\npages:  # 版面\n  A1: {editor: 甲}\n  'A2': {editor: 乙}\n",
    "pages:\n  A1: {editor: 甲}\n  A1: {editor: 乙}\n",
    "pages: {A1: {}}\n",
    "pages:\n",
    "pages:\n  A1: {editor: [甲\n",
])
def test_unusual_documents_read_the_same(text):
    assert_same(text)


@pytest.mark.slow
def test_random_line_edits_read_the_same():
    """Lines deleted, duplicated, re-indented or broken at random in the sample (40 edits: a
    broken one costs three parses with the pure-Python parser), each read
    with a memo warmed by the original (as in layout watch)."""
    rng = random.Random(7)
    memo: dict = {}
    yamlpos.load_segmented(SAMPLE, memo)
    lines = SAMPLE.split("\n")
    for _ in range(40):
        ls = list(lines)
        i = rng.randrange(len(ls))
        op = rng.randrange(5)
        if op == 0:
            del ls[i]
        elif op == 1:
            ls.insert(i, ls[i])
        elif op == 2:
            ls[i] = ls[i][2:] if ls[i].startswith("  ") else "  " + ls[i]
        elif op == 3:
            ls[i] = ls[i].replace(":", "：", 1)
        else:
            ls[i] = ls[i] + " 改"
        assert_same("\n".join(ls), memo)


_SNIPPETS = [":", "- ", "{", "}", "[", "]", "\n", "  ", "\t", "&a ", "*a", "? ", "|", ">", "'", '"', "%YAML 1.1\n",
             "---\n", "...\n", "特", " 2026-02-30", "!!int ", "#", "\n  A9:\n", "\n  A1:\n", "\npages:\n", "\nx: 1\n",
             "    ", "\n    - ", ": |\n", "\"\n  A2: x\"", "\n\n", "\r\n", " #c\n", "\n  7:\n"]
_WARM: dict = {}


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_manifests_read_the_same(data):
    """Cuts, deletions and YAML syntax soup anywhere in the sample: the same values,
    positions, duplicates or error as a whole parse, with a fresh and with a warm memo
    (1,500 such examples were run while writing this; the profile runs 60)."""
    if not _WARM:
        yamlpos.load_segmented(SAMPLE, _WARM)
    text = SAMPLE
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        op = data.draw(st.sampled_from(["cut", "delete", "insert"]))
        if op == "cut":
            text = text[:i]
        elif op == "delete":
            text = text[:i] + text[i + data.draw(st.integers(1, 30)):]
        else:
            text = text[:i] + data.draw(st.sampled_from(_SNIPPETS)) + text[i:]
    assert_same(text)
    assert_same(text, _WARM)
