"""`--verify` (BuildOptions.verify): the written PDFs are read back and every story's text
compared with the display list.  A build cannot be made to write a PDF that differs from
its display list, so these tests render a PDF from a display list whose story text was
altered and hand it to `layout.checks.verify_pdf` with the original display list: it must
name the story, the page and the first difference.
"""

from __future__ import annotations

import dataclasses

import pytest

from layout.build.pipeline import compose_all, prepare
from layout.page.display import GlyphRun
from layout.page.fidelity import normalise, page_text
from layout.page.keys import StoryKey
from layout.pdf.draw import render_page
from layout.pdf.verify import verify_pdf
from tests.support.editions import write_edition

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def composed(tmp_path_factory):
    prep = prepare(write_edition(tmp_path_factory.mktemp("verify")))
    pages = {cp.display.label: cp.display for cp in compose_all(prep)}
    return prep, pages


def body_runs(display, story):
    return [i for i, it in enumerate(display.items)
            if isinstance(it, GlyphRun) and it.story == story and it.role in ("body", "jump")]


def render(prep, display) -> bytes:
    return render_page(display, prep.fonts, "print", prep.style.bleed, prep.edition.sha256)


def story_part(display, story) -> str:
    """The story's text on the page as verify_pdf expects it (checks.page_text)."""
    return normalise(dict(page_text(display).parts)[StoryKey.parse(story)])


def first_difference(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def test_untouched_pdf_verifies(composed):
    prep, pages = composed
    d = pages["A1"]
    assert verify_pdf(prep.edition, [d], {"A1": render(prep, d)}) == []


def test_a_dropped_run_is_reported_with_story_page_and_first_difference(composed):
    prep, pages = composed
    d = pages["A1"]
    idx = body_runs(d, "inphoto")
    # a run in the middle whose first character differs from the next run's
    k = next(j for j in range(len(idx) // 2, len(idx) - 1)
             if normalise(d.items[idx[j]].text)[:1] not in ("", normalise(d.items[idx[j + 1]].text)[:1]))
    dropped = d.items[idx[k]]
    altered = dataclasses.replace(d, items=tuple(it for i, it in enumerate(d.items) if i != idx[k]))
    findings = verify_pdf(prep.edition, [d], {"A1": render(prep, altered)})
    assert len(findings) == 1, [str(f) for f in findings]
    f = findings[0]
    assert f.severity == "error" and f.code == "fidelity"
    assert f.where == "A1/inphoto" and f.data["story"] == "inphoto"
    assert "story 'inphoto'" in f.message and "PDF read-back" in f.message
    assert f.data["index"] == first_difference(story_part(d, "inphoto"), story_part(altered, "inphoto"))
    assert normalise(dropped.text)[:8] in f.message  # the expected text around the difference
    assert f.data["expected"] == len(story_part(d, "inphoto"))


def test_a_changed_character_is_reported_where_it_is(composed):
    prep, pages = composed
    d = pages["A3"]  # the continuation of 'lead': reported under the story's id
    idx = body_runs(d, "lead~cont")
    j = idx[len(idx) // 2]
    run = d.items[j]
    pos = next(p for p, ch in enumerate(run.text) if not ch.isspace())
    new_ch = "地" if run.text[pos] != "地" else "的"
    changed = dataclasses.replace(run, text=run.text[:pos] + new_ch + run.text[pos + 1:])
    altered = dataclasses.replace(d, items=d.items[:j] + (changed,) + d.items[j + 1:])
    findings = verify_pdf(prep.edition, [d], {"A3": render(prep, altered)})
    assert [(f.where, f.data["story"]) for f in findings] == [("A3/lead", "lead")], [str(f) for f in findings]
    want, got = story_part(d, "lead~cont"), story_part(altered, "lead~cont")
    assert findings[0].data["index"] == first_difference(want, got)
    i = findings[0].data["index"]
    assert f"expected {want[max(0, i - 8):i + 8]!r}, got {got[max(0, i - 8):i + 8]!r}" in findings[0].message


def test_a_story_missing_from_the_pdf_is_reported(composed):
    """The story's text appears nowhere on the PDF page (e.g. a PDF of another page)."""
    prep, pages = composed
    findings = verify_pdf(prep.edition, [pages["A2"]], {"A2": render(prep, pages["T1"])})
    assert any(f.where == "A2/a2s" and f.data["index"] == 0 and "got ''" in f.message for f in findings), \
        [str(f) for f in findings]


def test_edition_document_is_read_back_page_by_page(composed):
    """The edition is a document of its own (not merged from the page files): its pages are
    verified too, in order; pages out of order are reported as edition read-back errors."""
    from layout.pdf.draw import draw_page, render_pages

    prep, pages = composed
    labels = list(pages)[:2]
    displays = [pages[lab] for lab in labels]
    files = {lab: render(prep, pages[lab]) for lab in labels}
    drawings = [draw_page(d, prep.fonts, "print", prep.style.bleed) for d in displays]
    good = render_pages(drawings, prep.fonts)
    assert verify_pdf(prep.edition, displays, files, good) == []
    swapped = render_pages(drawings[::-1], prep.fonts)
    found = verify_pdf(prep.edition, displays, files, swapped)
    assert found and all("edition PDF read-back" in f.message for f in found)
    assert {f.where.split("/")[0] for f in found} == set(labels)


@pytest.mark.parametrize("text, want", [("城市 更新\n激活", "城市更新激活"), ("︵标题︶︐", "（标题），"),
                                        ("", ""), ("︙ ︙", "……")])
def test_normalise_maps_vertical_forms_back_only_where_there_are_some(text, want):
    """normalise skips the vertical-form mapping for text without one (most text): the
    result is the same as mapping every character."""
    from layout.page.fidelity import _FROM_VERTICAL, _WS

    assert normalise.__wrapped__(text) == _WS.sub("", text.translate(_FROM_VERTICAL)) == want
