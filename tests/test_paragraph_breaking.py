"""Paragraph-wide line breaking (total fit): letter-spacing, kinsoku, the measure, bounds.

The loose lines of the typography issue are set again at the sample's measure (13 em
columns, 2-em indent, the body face) and must no longer be letter-spaced beyond 0.15 em;
the greedy breaker, which set them, still does (so the cases keep testing something).
"""

from __future__ import annotations

import re
import statistics
import time

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from layout.fonts.catalogue import load_fontbook
from layout.model.manifest import load_edition
from layout.text import cjk, totalfit
from layout.text.linebreak import PreparedText, break_lines, line_runs
from layout.text.totalfit import break_paragraph, total_fit
from tests.conftest import SAMPLE
from tests.support.audit import audit_pdf

MEASURE, INDENT = 13.0, 2.0

# the issue's three loosest lines, in their paragraphs (the first two from the sample edition)
PORPOISE = ("老渔民周德胜就是其中之一。在江上打了三十多年鱼，如今他每天驾着巡护船沿江巡查，劝离违规垂钓者、"
            "清理岸边垃圾、记录水鸟和江豚的踪迹。“以前是靠江吃江，现在是守江护江。”他笑着说，“江豚多了，"
            "我比打到大鱼还高兴。”")
GRADUATES = ("为留住青年人才，江城近年来持续加大政策支持力度。今年起，在江城就业的全日制本科毕业生可享受每月"
             "1000元、最长3年的生活补贴，硕士和博士研究生分别为每月1500元和2500元；全市已筹集青年人才公寓11万套，"
             "新就业高校毕业生可以低于市场价的租金入住。")
PATENTS = "从技术的分类来看，112项属于新一代信息技术，35项属于生物医药，其余分布在新材料和高端装备等领域。"
QUOTED = [(PORPOISE, "豚多了，我比打到大鱼还"), (GRADUATES, "本科毕业生可享受每月"), (PATENTS, "从技术的分类来看，")]


@pytest.fixture(scope="module")
def song() -> dict[str, float]:
    return load_fontbook().metrics("song").widths


def spacing(p: PreparedText, line, widths) -> float:
    """The widest space between two adjacent ideographs of a set line, in em (0 = solid)."""
    xs = []
    for r in line_runs(p, line):
        x = r.x
        for ch in r.text:
            xs.append((ch, x))
            x += widths[ch] + r.tc
    return max((b - a - widths[c] for (c, a), (d, b) in zip(xs, xs[1:])
                if cjk.is_ideograph(c) and cjk.is_ideograph(d)), default=0.0)


def full_lines(p: PreparedText, lines):
    return [ln for ln in lines if not ln.last]


@pytest.mark.parametrize("text,loose", QUOTED, ids=["porpoise", "graduates", "112-patents"])
def test_the_issues_loosest_lines_are_no_longer_very_loose(song, text, loose):
    p = PreparedText(text, song, "strict")
    greedy = [(text[ln.start:ln.end], spacing(p, ln, song)) for ln in full_lines(p, break_lines(p, MEASURE, INDENT))]
    assert [s for t, s in greedy if t == loose][0] > 0.15  # what the issue saw
    lines = break_paragraph(p, MEASURE, INDENT)
    assert "".join(text[ln.start:ln.next] for ln in lines) == text
    worst = max(spacing(p, ln, song) for ln in full_lines(p, lines))
    assert worst <= totalfit.VERY_LOOSE, [text[ln.start:ln.end] for ln in lines]


def test_a_number_parts_from_its_measure_word_only_to_avoid_letter_spacing(song):
    p = PreparedText(PATENTS, song, "strict")
    first = break_paragraph(p, MEASURE, INDENT)[0]
    assert PATENTS[first.start:first.end] == "从技术的分类来看，112"  # 112|项: the last resort
    wide = break_paragraph(p, 40.0, INDENT)  # with room to spare, 112项 stays together
    assert all(not (PATENTS[ln.end - 1].isdigit() and cjk.is_ideograph(PATENTS[ln.next]))
               for ln in wide if not ln.last)


# -- properties with synthetic widths (ideographs 1 em, ASCII ½ em) ------------------------
def widths_for(text: str) -> dict[str, float]:
    return {ch: (0.25 if ch == " " else 0.5) if ch.isascii() else 1.0 for ch in text}


def right_edge(runs, widths) -> float:
    r = runs[-1]
    return r.x + sum(widths[c] for c in r.text) + r.tc * (len(r.text) - 1)


ASCII_POSTFIX = frozenset("%.,;:!?)]")
FULLWIDTH_POSTFIX = frozenset("％。，；：！？）］")
TOKENS = ["中国", "城市", "发展", "建设", "项目", "企业", "科技", "创新", "群众", "生活", "，", "。", "、", "“", "”",
          "GDP增长5.2%", "。%", "。.", "5%", "3.5%，", "(注)", "[1]", "Wi-Fi", "Hello, world!", "A.", "x;y", " ",
          "（", "）", "％", "！", "？", "OK?", "end.", "2026年", "112项", "ABCDEFGHIJKLMNOP%"]
_NO_START_RUN = re.compile("[" + re.escape("".join(sorted(cjk.NO_START["strict"]))) + "]{4,}")


@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=90).map("".join),
       st.integers(min_value=4, max_value=30), st.sampled_from(["basic", "strict"]))
def test_ascii_closing_and_postfix_marks_never_start_a_line(text, measure, level):
    text = " ".join(text.split()) or "中"
    assume(not _NO_START_RUN.search(text))  # (a run of marks wider than a line has nowhere to part)
    p = PreparedText(text, widths_for(text), level)
    for breaker in (break_lines, break_paragraph):
        lines = breaker(p, float(measure), INDENT)
        assert "".join(text[ln.start:ln.next] for ln in lines).replace(" ", "") == text.replace(" ", "")
        for ln in lines[1:]:
            assert text[ln.start] not in ASCII_POSTFIX | FULLWIDTH_POSTFIX, (breaker.__name__, text[ln.start:ln.end])


CJK_TOKENS = ["中国", "城市", "发展", "建设", "项目", "企业", "科技创新", "群众生活", "文化", "经济", "交通", "环境",
              "，", "。", "、", "；", "：", "？", "！", "“", "”", "《", "》", "（", "）", "——", "……", "·",
              "12", "2026年", "82万", "12.5%", "GDP", "5G"]


def _set_and_check(text: str, measure: float, lines) -> None:
    w = widths_for(text)
    p = PreparedText(text, w, "strict")
    assert "".join(text[ln.start:ln.next] for ln in lines) == text
    no_start, no_end = cjk.NO_START["strict"], cjk.NO_END["strict"]
    for i, ln in enumerate(lines):
        seg = text[ln.start:ln.end]
        if i:
            assert seg[0] not in no_start, seg
        if not ln.last:
            assert seg[-1] not in no_end, seg
            assert not (seg[-1] in "—…" and text[ln.next] == seg[-1]), seg  # —— and …… stay whole
        edge = right_edge(line_runs(p, ln), w)
        # (a mark set half width at the line end keeps its full-width box: half an em past)
        half = seg[-1] in cjk.BLANK_RIGHT and abs(edge - measure - 0.5) < 1e-6
        if ln.last:
            assert edge <= measure + 1e-6 or half, (seg, edge)
        elif any(not p.glue[i] for i in range(ln.start + 1, ln.end)):  # exactly the measure
            assert abs(edge - measure) < 1e-6 or half, (seg, edge)
        # (else one character or one unbreakable cluster, where kinsoku left nothing else: no
        # space to widen)


@given(st.lists(st.sampled_from(CJK_TOKENS), min_size=1, max_size=120).map("".join),
       st.integers(min_value=8, max_value=30))
def test_total_fit_has_no_kinsoku_faults_and_fills_every_line(text, measure):
    assume("————" not in text.replace("…", "—"))  # (two 2-em marks in a row: 4 em nowhere to part)
    assume(not _NO_START_RUN.search(text))
    p = PreparedText(text, widths_for(text), "strict")
    dp = total_fit(p, float(measure), INDENT)
    assert dp is not None
    _set_and_check(text, float(measure), dp)
    _set_and_check(text, float(measure), break_paragraph(p, float(measure), INDENT))


def test_total_fit_is_never_costlier_than_greedy_breaking(song):
    """On the quoted paragraphs the search finds a setting at most as costly as greedy's."""
    for text, _ in QUOTED:
        p = PreparedText(text, song, "strict")
        cost = totalfit.line_coster(p)

        def total(lines):
            return sum(cost(ln.start, ln.end, ln.measure, p.start_trim(ln.start), ln.last) for ln in lines)

        assert total(total_fit(p, MEASURE, INDENT)) <= total(break_lines(p, MEASURE, INDENT)) + 1e-9


def test_a_pathological_paragraph_is_broken_greedily_in_bounded_time():
    text = ("城市发展建设，" * 40_000)[: totalfit.MAX_CHARS * 20]  # 240,000 characters, one paragraph
    p = PreparedText(text, widths_for(text), "strict")
    t = time.perf_counter()
    lines = break_paragraph(p, MEASURE, INDENT)
    seconds = time.perf_counter() - t
    assert total_fit(p, MEASURE, INDENT) is None  # over MAX_CHARS: not searched
    greedy = break_lines(p, MEASURE, INDENT)
    assert [(ln.start, ln.end) for ln in lines] == [(ln.start, ln.end) for ln in greedy]
    assert seconds < 5.0, seconds


def test_the_search_is_linear_in_the_paragraph():
    """Just under MAX_CHARS, with a costly line every few lines, the search stays bounded."""
    unit = "本科毕业生可享受每月1000元、最长3年的生活补贴。" + "江城持续加大支持力度，" * 3
    text = (unit * (totalfit.MAX_CHARS // len(unit)))[: totalfit.MAX_CHARS - 1]
    p = PreparedText(text, widths_for(text), "strict")
    t = time.perf_counter()
    lines = total_fit(p, MEASURE, INDENT)
    seconds = time.perf_counter() - t
    assert lines is not None and "".join(text[ln.start:ln.next] for ln in lines) == text
    assert seconds < 2.0, seconds


# -- the sample edition -----------------------------------------------------------------
def _token_width(p: PreparedText, start: int) -> float:
    """Width in em of what must come next on a line: up to the next place a line may end."""
    e = p.allowed.find(1, start + 1)
    return p.cum[e if e > 0 else p.n] - p.cum[start] - p.start_trim(start)


@pytest.fixture(scope="module")
def sample_exceptions(song):
    """Body lines of the sample set at its measure looser than WORST (0.25 em): each must be
    followed by a token wider than the line's slack (nothing else could fill it)."""
    ed = load_edition(SAMPLE)
    out, counts = {}, [0, 0, 0]
    for text in (t for page in ed.pages for s in page.stories for t in s.paragraphs):
        p = PreparedText(text, song, "strict")
        for ln in full_lines(p, break_paragraph(p, MEASURE, INDENT)):
            s = spacing(p, ln, song)
            counts[0] += 1
            counts[1] += s > totalfit.LOOSE + 1e-9
            counts[2] += s > totalfit.VERY_LOOSE + 1e-9
            if s > totalfit.WORST + 1e-9:
                out[text[ln.start:ln.end]] = (s, ln.measure - ln.width, _token_width(p, ln.next))
    return out, counts


@pytest.mark.slow
def test_lines_looser_than_a_quarter_em_only_before_a_token_wider_than_the_slack(sample_exceptions, measurements):
    exceptions, (lines, loose, very) = sample_exceptions
    for text, (s, slack, token) in exceptions.items():
        assert token > slack, (text, s, slack, token)
    measurements("paragraph breaking (sample paragraphs at 13 em)",
                 f"{lines} full lines: {100 * loose / lines:.2f} % loose, {100 * very / lines:.2f} % very loose, "
                 f"{len(exceptions)} looser than {totalfit.WORST} em, each before a token wider than its slack")
    assert loose / lines <= 0.02 and very / lines <= 0.002  # (the widest gap of a line, not its median)


@pytest.mark.slow
def test_letter_spacing_of_the_built_sample(sample_build, sample_prepared, sample_exceptions, measurements):
    st_ = sample_prepared.style
    widths = sample_prepared.fonts.metrics("song").widths
    a = audit_pdf(sample_build.edition_pdf.read_bytes(), st_.body_size, widths, st_.kinsoku)
    assert a.kinsoku == [] and a.split_pairs == 0
    gaps = [g for g, _ in a.spacing]
    assert len(gaps) > 15_000
    loose = sum(g > totalfit.LOOSE + 1e-6 for g in gaps) / len(gaps)
    very = sum(g > totalfit.VERY_LOOSE + 1e-6 for g in gaps) / len(gaps)
    worst = [(g, t) for g, t in a.spacing if g > totalfit.WORST + 1e-6]
    measurements("paragraph breaking (built sample PDF)",
                 f"{len(gaps)} full body lines: {100 * loose:.2f} % loose (> 0.05 em), {100 * very:.2f} % very loose "
                 f"(> 0.15 em), median {statistics.median(gaps):.3f} em, {len(worst)} looser than 0.25 em")
    # The issue's targets, as the shared audit measures them.  History: greedy breaking with ¼-em
    # digit gaps 7.6 % loose, 1.4 % very loose; total fit 2.25 %; digits set solid in proportional
    # widths 4.4 %; half-width digits (fontprep) 3.1 %; hung pauses and stops (点号悬挂) 1.3 %.
    assert loose <= 0.02
    assert very <= 0.002
    exceptions, _ = sample_exceptions
    assert all(t in exceptions for _, t in worst), (worst, list(exceptions))
