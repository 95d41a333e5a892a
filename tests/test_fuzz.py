"""Nothing lost, nothing crashes: property-based tests (hypothesis).

1. Generated body TEXT (any Unicode: control characters, combining marks, emoji, astral
   ideographs, RTL scripts, lone spaces, very long Latin words and URLs, runs of CJK
   punctuation, digits) either composes or fails with a LayoutError subclass; when it
   composes, every non-space character of the body is set exactly once and in order
   (display list, and for a subset the PDF read back with verify=True).
2. Generated MANIFESTS (structure-aware mutations of a valid edition: wrong types,
   missing and unknown keys, random frames, page labels, duplicate ids, jumps, styles)
   and raw YAML mutations make load_edition / prepare / compose_all raise only
   LayoutError subclasses, within a time limit (never hang).
3. Generated PHOTOS (small JPEG, PNG and TIFF files made with Pillow in every mode it
   saves, then truncated, flipped, given other header dimensions, junk or another
   format's suffix) go through `build` (the API, writing PDFs) and `layout check` (the
   command): each builds, or is refused with a LayoutError naming the photo id, and the
   command exits 1 naming it too; never another exception, never a traceback.

Example counts come from the hypothesis profile in conftest.py ("ci": 60 per property,
derandomized); the PDF property sets PDF_EXAMPLES explicitly (two-page builds, ~0.05 s
each).  Outcomes are recorded as hypothesis events ("composed", "refused: FontError", ...):
pytest --hypothesis-show-statistics shows how many examples got how far.
"""

from __future__ import annotations

import contextlib
import copy
import io
import os
import signal
import string
import struct
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st
from PIL import Image as PILImage
from typer.testing import CliRunner

from layout.build.pipeline import BuildOptions, build, compose_all, prepare
from layout.cli import app
from layout.errors import LayoutError, ManifestError
from layout.fonts.catalogue import load_fontbook
from layout.model.manifest import load_edition
from layout.page.fidelity import display_fidelity, normalise, story_texts

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PDF_EXAMPLES = 60  # full two-page PDF builds with verify=True, ~0.05 s each
TIME_LIMIT = 20  # seconds for one example before it counts as a hang


class Hang(Exception):
    """Not a LayoutError: an example that ran past TIME_LIMIT fails the property."""


@contextlib.contextmanager
def time_limit(seconds: float):
    def on_alarm(signum, frame):
        raise Hang(f"no answer after {seconds} s")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def refused(e: LayoutError) -> None:
    """A refusal must say why: at least one problem, none of them blank."""
    assert e.problems and all(p.message.strip() for p in e.problems), f"{type(e).__name__} without a message"
    note(f"refused: {type(e).__name__}: {str(e)[:300]}")
    event(f"refused: {type(e).__name__}")


def _tmpdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fuzz", numbered=True)


# -- text --------------------------------------------------------------------------------
_BODY_CHARS = sorted(load_fontbook().metrics("song").widths)
_CJK = [c for c in _BODY_CHARS if "\u4e00" <= c <= "\u9fff"]
_PUNCT = "，。、；：？！…—“”‘’（）《》〈〉【】「」『』〔〕·～-.,;:!?()[]%/@#&*"
_EMOJI = "😀🎉👍🏽🇨🇳❤️‍🔥👨‍👩‍👧"

# Pieces the body face covers ...
covered_pieces = st.one_of(
    st.text(st.sampled_from(_CJK), min_size=1, max_size=40),  # ideographs (most common)
    st.text(st.sampled_from(_BODY_CHARS), min_size=1, max_size=12),  # anything the body face covers
    st.sampled_from(["，，，", "。。。", "——————", "……", "……………", "——", "！？", "？！", "“”", "（）", "《》",
                     "、、、", "：“", "”。", "（", "）", "《", "》", "“", "”", "——“", "……”", "。”", "！”"]),
    st.builds(lambda c, n: c * n, st.sampled_from(_PUNCT), st.integers(1, 30)),  # runs of one mark
    st.text(st.sampled_from(string.ascii_letters), min_size=20, max_size=160),  # very long Latin words
    st.builds(lambda h, p: f"https://www.{h}.com/{p}?q=1&x=%E4%B8%AD",
              st.text(st.sampled_from(string.ascii_lowercase), min_size=1, max_size=30),
              st.text(st.sampled_from(string.ascii_lowercase + "/-_."), max_size=80)),  # URLs
    st.integers(-10**12, 10**12).map(str),  # digits
    st.builds(lambda a, b: f"{a}.{b}%", st.integers(0, 999), st.integers(0, 99)),
    st.sampled_from([" ", "  ", "\u3000", "\t", "\u00a0", "\n", "\n\n", "\r\n", "\n \n", " \n\n ",  # spaces
                     "\u2009", "\u202f", "\x85", "\u2002", "\u2003", "\u200a", "\u1680", "\u205f", "\n\u2009\n"]),
)
# ... and pieces it may not: each usually ends in a FontError, so a body gets a few at most.
exotic_pieces = st.one_of(
    st.characters(min_codepoint=0x300, max_codepoint=0x36F),  # combining marks
    st.builds(lambda c, m: c + m, st.sampled_from(_CJK + list("aeo")),
              st.characters(min_codepoint=0x300, max_codepoint=0x36F)),
    st.sampled_from(list(_EMOJI)),  # emoji, ZWJ, variation selectors, skin tones
    st.characters(min_codepoint=0x20000, max_codepoint=0x2FA1F),  # astral ideographs (Ext B+)
    st.text(st.characters(min_codepoint=0x590, max_codepoint=0x6FF), min_size=1, max_size=10),  # Hebrew, Arabic
    st.characters(codec="utf-8"),  # anything at all, control characters included
    st.sampled_from(["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff", "\u200b", "\u200d",
                     "\ufffd", "\U0010fffd", "\x0c", "\x0b", "\x1c"]),
)


@st.composite
def texts(draw, exotic: bool = True):
    parts = draw(st.lists(covered_pieces, min_size=1, max_size=30))
    if exotic:
        for piece in draw(st.lists(exotic_pieces, max_size=2)):
            parts.insert(draw(st.integers(0, len(parts))), piece)
    return "".join(parts)


def text_manifest(root: Path, body: str, as_file: bool) -> tuple[Path, str]:
    """A two-page edition: one story on A1 jumping to A2, with `body` as its text (inline or
    in a file).  Returns the manifest and the text the story must consist of."""
    story = {"id": "s", "frame": {"col": 1, "span": 4, "top": 12, "lines": 20}, "headline": "江城新闻",
             "body": "s.txt" if as_file else body, "continues": "A2"}
    doc = {
        "edition": {"paper": "江城日报", "date": "2026-08-19", "style": "broadsheet"},
        "sections": [{"id": "A", "name": "要闻", "pages": 2}],
        "pages": {"A1": {"template": "front", "editor": "王晓", "stories": [story]},
                  "A2": {"stories": [{"continued": "s", "frame": {"col": 1, "span": 8, "top": 0, "lines": 30}}]}},
    }
    path = root / "edition.yaml"
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    if not as_file and yaml.safe_load(text)["pages"]["A1"]["stories"][0]["body"] != body:
        # PyYAML's emitter does not round-trip every string (e.g. "\x85x"): use a body file
        story["body"] = "s.txt"
        as_file = True
        text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    if as_file:
        (root / "s.txt").write_bytes(body.encode("utf-8", "surrogatepass"))
    path.write_text(text, encoding="utf-8")
    return path, (body.removeprefix("\ufeff") if as_file else body)  # a body file's BOM is not text


_MARKUP_CHARS = str.maketrans("", "", "*#\\")


def assert_all_set_once_in_order(prep, pages, body: str) -> None:
    """The body (whitespace aside) is the story's paragraphs, and the paragraphs are set exactly."""
    story = prep.edition.page("A1").stories[0]
    # body markup (**bold**, *kai*, \\*, a `## ` line) may remove asterisks, hashes and
    # backslashes, and nothing else
    want = normalise(body).translate(_MARKUP_CHARS)
    assert normalise("".join(story.paragraphs)).translate(_MARKUP_CHARS) == want, \
        "the loader lost or added characters"
    findings = [f for cp in pages for f in cp.findings]
    overset = {f.data.get("story", "") for f in findings if f.code == "overset"}
    fid = display_fidelity(prep.edition, [cp.display for cp in pages], overset)
    assert not fid, [str(f) for f in fid]
    have = normalise(story_texts([cp.display for cp in pages]).get("s", ""))  # body runs, both pages
    if "s" in overset:
        assert want.startswith(have)
    else:
        assert have == want


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=texts(), as_file=st.booleans())
def test_any_text_composes_or_fails_cleanly(tmp_path_factory, body, as_file):
    root = _tmpdir(tmp_path_factory)
    path, body = text_manifest(root, body, as_file)
    try:
        with time_limit(TIME_LIMIT):
            prep = prepare(path)
            pages = compose_all(prep)
    except LayoutError as e:
        refused(e)
        return
    event("composed")
    assert_all_set_once_in_order(prep, pages, body)


@pytest.mark.slow
@settings(max_examples=PDF_EXAMPLES, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                              HealthCheck.too_slow])
@given(body=texts(exotic=False))
def test_any_covered_text_reads_back_from_the_pdf(tmp_path_factory, body):
    root = _tmpdir(tmp_path_factory)
    path, body = text_manifest(root, body, as_file=False)
    try:
        with time_limit(TIME_LIMIT * 2):
            res = build(path, BuildOptions(out_dir=root / "out", allow_overset=True, verify=True))
    except LayoutError as e:
        refused(e)
        assume(False)
        return
    event("built and verified")
    bad = [str(f) for f in res.findings if f.code == "fidelity"]
    assert not bad, bad
    assert res.edition_pdf is not None and res.edition_pdf.is_file()


# -- manifests ---------------------------------------------------------------------------
def base_doc() -> dict:
    return {
        "edition": {"paper": "江城日报", "date": "2026-08-19", "number": 25312, "style": "broadsheet"},
        "sections": [{"id": "A", "name": "要闻", "pages": 3},
                     {"id": "T", "name": "特刊", "label": "T{n}", "pages": 1}],
        "pages": {
            "A1": {"template": "front", "editor": "王晓", "stories": [
                {"id": "lead", "frame": {"col": 1, "span": 5, "top": 12, "lines": 40},
                 "kicker": "国际医疗创新高地建设进入快车道", "headline": "江城发布112项核心医疗技术成果",
                 "subhead": "32项领航技术对标国际医学前沿", "byline": "本报讯（记者李明）",
                 "body": "lead.txt", "continues": "A3", "see_also": "T1"},
                {"id": "vert", "frame": {"col": 6, "span": 3, "top": 12, "lines": 40},
                 "headline": {"text": "长江大桥通车十周年", "vertical": True},
                 "body": {"filler": {"seed": 3, "chars": 700}}},
                {"id": "inph", "frame": {"col": 1, "span": 8, "top": 52, "lines": 50},
                 "headline": {"text": "轨道交通十二号线开通", "size": "小一", "face": "hei", "lines": 2},
                 "body": ["第一段，地铁开通。", "第二段，市民乘车。"], "balance": True,
                 "photos": [{"id": "ph", "file": "p.png", "columns": 2, "lines": 16,
                             "caption": "列车驶过江城站。", "credit": "本报记者 摄"}]},
            ]},
            "A2": {"editor": "李华", "photos": [
                {"id": "big", "file": "p.png", "frame": {"col": 1, "span": 4, "top": 0, "lines": 30},
                 "caption": "江景。", "fit": "contain"}],
                "boxes": [{"id": "box", "frame": {"col": 5, "span": 4, "top": 0, "lines": 10}, "title": "导读",
                           "text": "本报今推特刊"}]},
            "A3": {"stories": [{"continued": "lead", "frame": {"col": 1, "span": 4, "top": 0, "lines": 40}}]},
            "T1": {"blank": True},
        },
    }


def write_assets(root: Path) -> None:
    from PIL import Image as PILImage

    PILImage.new("RGB", (600, 450), (90, 120, 160)).save(root / "p.png")
    (root / "lead.txt").write_text("江城市召开医疗科技创新大会，集中发布技术成果。\n\n" * 20, encoding="utf-8")


# Values of every kind, including the wrong ones.
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 120), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=12), st.sampled_from(["A1", "A2", "A3", "A4", "T1", "T{n}", "{n}", "特{n}", "", "lead", "vert",
                                           "box", "ph", "p.png", "lead.txt", "../x.txt", "/etc/passwd", "nope.txt",
                                           "小五", "9pt", "2em", "-3mm", "front", "normal", "song", "hei", "2026-02-30",
                                           "cover", "contain", "broadsheet", "tabloid", "styles/x.yaml", "edition.yaml",
                                           "lead.txt/", ".", "..", "~"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                      max_leaves=12)
frames = st.one_of(
    st.fixed_dictionaries({"col": st.integers(1, 8), "span": st.integers(1, 3),  # mostly inside the grid
                           "top": st.integers(0, 90), "lines": st.integers(1, 12)}),
    st.fixed_dictionaries({"col": st.integers(-2, 10), "span": st.integers(-1, 10),
                           "top": st.integers(-5, 110), "lines": st.integers(-1, 110)}),
)
KNOWN_KEYS = ["paper", "date", "number", "style", "style_overrides", "id", "name", "label", "pages", "template",
              "editor", "stories", "photos", "boxes", "frame", "columns", "kicker", "headline", "subhead", "byline",
              "body", "continues", "see_also", "balance", "continued", "col", "span", "top", "lines", "text", "size",
              "face", "vertical", "file", "caption", "credit", "fit", "title", "filler", "seed", "chars", "grid",
              "roles", "page", "paragraph"]


def _walk_values(doc):
    yield doc
    if isinstance(doc, dict):
        for v in doc.values():
            yield from _walk_values(v)
    elif isinstance(doc, list):
        for v in doc:
            yield from _walk_values(v)


def _nodes(doc, path=()):
    """Every (container, key) pair of a document, for picking a mutation site."""
    out = []
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.append((doc, k))
            out += _nodes(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.append((doc, i))
            out += _nodes(v, path + (i,))
    return out


@st.composite
def mutated_docs(draw):
    doc = base_doc()
    for _ in range(draw(st.integers(1, 4))):
        sites = _nodes(doc)
        if not sites:
            break
        parent, key = draw(st.sampled_from(sites))
        op = draw(st.sampled_from(["tweak", "tweak", "replace", "delete", "add", "frame", "reframe", "reframe",
                                   "dup", "label", "jump", "swap", "style"]))
        if op == "reframe":  # move one frame (story, continuation, photo or box) somewhere else
            framed = [v for v in _walk_values(doc) if isinstance(v, dict) and isinstance(v.get("frame"), dict)]
            if framed:
                draw(st.sampled_from(framed))["frame"] = draw(frames)
        elif op == "tweak":  # a plausible value of the same kind: most of these still compose
            old = parent[key]
            if isinstance(old, bool):
                parent[key] = not old
            elif isinstance(old, int):
                parent[key] = draw(st.integers(0, 120) | st.integers(old - 3, old + 3))
            elif isinstance(old, str):
                parent[key] = draw(st.sampled_from([old + old, old[:1], old[::-1], old + "。", "", " ", old.upper()])
                                   | st.text(max_size=20))
            elif isinstance(old, list) and old:
                parent[key] = draw(st.permutations(old))
            else:
                parent[key] = draw(values)
        elif op == "replace":
            parent[key] = draw(values)
        elif op == "delete":
            if isinstance(parent, dict):
                del parent[key]
            else:
                parent.pop(key)
        elif op == "add":
            target = parent[key] if isinstance(parent[key], (dict, list)) else parent
            k = draw(st.sampled_from(KNOWN_KEYS) | st.text(max_size=6))
            if isinstance(target, dict):
                target[k] = draw(values)
            else:
                target.append(draw(values))
        elif op == "frame":
            page = draw(st.sampled_from(list(doc.get("pages") or {"A1": None}) if isinstance(doc.get("pages"), dict)
                                        else ["A1"]))
            pages = doc.get("pages")
            if isinstance(pages, dict) and isinstance(pages.get(page), dict):
                lst = pages[page].setdefault("stories", [])
                if isinstance(lst, list):
                    lst.append({"id": draw(st.sampled_from(["x", "lead", "vert", "ph", "box"])), "frame": draw(frames),
                                "body": draw(st.sampled_from(["短讯。", "lead.txt", {"filler": {"seed": 1, "chars": 300}}]))})
        elif op == "dup":  # duplicate a list entry (duplicate ids, duplicate continuations)
            if isinstance(parent, list):
                parent.append(copy.deepcopy(parent[key]))
            elif isinstance(parent[key], list) and parent[key]:
                parent[key].append(copy.deepcopy(parent[key][0]))
        elif op == "label":
            pages = doc.get("pages")
            if isinstance(pages, dict) and pages:
                old = draw(st.sampled_from(list(pages)))
                new = draw(st.sampled_from(["A4", "T2", "特1", "B1", "a1", "A0", "A-1", "A1 ", 1, True]) | st.text(max_size=4))
                pages[new] = pages.pop(old)
            secs = doc.get("sections")
            if isinstance(secs, list) and secs and isinstance(secs[0], dict):
                secs[0][draw(st.sampled_from(["label", "id", "pages"]))] = draw(
                    st.sampled_from(["A{n}", "{n}", "T{n}", "X", "{n}{n}", 0, 401, 10_000, -1, "A", None]))
        elif op == "jump":
            pages = doc.get("pages")
            if isinstance(pages, dict):
                src = draw(st.sampled_from(list(pages) or ["A1"]))
                dst = draw(st.sampled_from(["A1", "A2", "A3", "T1", "A9", ""]))
                p = pages.get(src)
                if isinstance(p, dict) and isinstance(p.get("stories"), list) and p["stories"]:
                    i = draw(st.integers(0, len(p["stories"]) - 1))
                    if isinstance(p["stories"][i], dict):
                        if draw(st.booleans()):
                            p["stories"][i]["continues"] = dst
                        else:
                            p["stories"][i] = {"continued": draw(st.sampled_from(["lead", "vert", "inph", "x"])),
                                               "frame": draw(frames)}
        elif op == "swap":  # a value moved to another key's place
            other_parent, other_key = draw(st.sampled_from(sites))
            parent[key] = copy.deepcopy(other_parent[other_key]) if other_parent is not parent[key] else None
        elif op == "style":
            ed = doc.setdefault("edition", {})
            if isinstance(ed, dict):
                ed["style_overrides"] = draw(st.one_of(
                    values,
                    st.fixed_dictionaries({"grid": st.dictionaries(
                        st.sampled_from(["columns", "lines", "column_chars", "gutter_chars", "body_size",
                                         "leading", "top"]), scalars, max_size=3)}),
                    st.fixed_dictionaries({"roles": st.fixed_dictionaries({"body": st.dictionaries(
                        st.sampled_from(["size", "leading", "face", "sizes", "max_lines", "color", "align"]),
                        values, max_size=3)})}),
                    st.fixed_dictionaries({"paragraph": st.dictionaries(
                        st.sampled_from(["indent", "kinsoku", "trim_opening_at_line_start"]), scalars, max_size=2)}),
                ))
    return doc


def _yaml_dump(doc) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def run_pipeline(path: Path) -> None:
    """load_edition, prepare and compose_all: only LayoutError may come out, within TIME_LIMIT."""
    with time_limit(TIME_LIMIT):
        try:
            load_edition(path)
            prep = prepare(path)
            compose_all(prep)
            event("composed")
        except LayoutError as e:
            refused(e)


def test_base_manifest_composes(tmp_path):
    """The document every mutation starts from is a clean edition: all its pages compose,
    nothing is an error or overset, and each story is set exactly as written (so whatever
    the mutants run into is the mutation's doing)."""
    write_assets(tmp_path)
    path = tmp_path / "edition.yaml"
    path.write_text(_yaml_dump(base_doc()), encoding="utf-8")
    prep = prepare(path)
    pages = compose_all(prep)
    assert [cp.display.label for cp in pages] == ["A1", "A2", "A3", "T1"]
    findings = [f for cp in pages for f in cp.findings]
    assert not [str(f) for f in findings if f.severity == "error" or f.code == "overset"]
    assert not display_fidelity(prep.edition, [cp.display for cp in pages])
    have = story_texts([cp.display for cp in pages])
    stories = [s for page in prep.edition.pages for s in page.stories if not s.continued_from]
    assert [s.id for s in stories] == ["lead", "vert", "inph"]
    for s in stories:
        assert normalise(have.get(s.id, "")) == normalise("".join(s.paragraphs)) != "", s.id


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(doc=mutated_docs())
def test_any_manifest_loads_or_fails_cleanly(tmp_path_factory, doc):
    root = _tmpdir(tmp_path_factory)
    write_assets(root)
    path = root / "edition.yaml"
    try:
        text = _yaml_dump(doc)
    except (yaml.YAMLError, ValueError):
        assume(False)
        return
    path.write_text(text, encoding="utf-8")
    note(text)
    run_pipeline(path)


@pytest.mark.slow
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_manifest_bytes_load_or_fail_cleanly(tmp_path_factory, data):
    """Raw YAML mutations: truncation, deleted/inserted/replaced bytes, YAML syntax soup."""
    root = _tmpdir(tmp_path_factory)
    write_assets(root)
    raw = bytearray(_yaml_dump(base_doc()).encode("utf-8"))
    for _ in range(data.draw(st.integers(1, 5))):
        i = data.draw(st.integers(0, len(raw)))
        op = data.draw(st.sampled_from(["cut", "delete", "insert", "flip"]))
        if op == "cut":
            del raw[i:]
        elif op == "delete":
            del raw[i:i + data.draw(st.integers(1, 20))]
        elif op == "insert":
            raw[i:i] = data.draw(st.sampled_from([b":", b"- ", b"{", b"}", b"[", b"]", b"\n", b"  ", b"\t", b"&a ",
                                                  b"*a", b"!!python/object:os.system ", b"<<: *a\n", b"? ", b"|",
                                                  b"'", b'"', b"%YAML 1.1\n", b"---\n", b"\xff", b"\x00", "特".encode(),
                                                  b" 2026-02-30", b" 2026-13-01 25:00:00", b"!!int ", b"!!float ",
                                                  b"!!binary ", b"!!timestamp ", b"!!bool ", b"!!set ", b"!!omap "])
                                  | st.binary(max_size=6))
        elif raw and i < len(raw):
            raw[i] = data.draw(st.integers(0, 255))
    path = root / "edition.yaml"
    path.write_bytes(bytes(raw))
    run_pipeline(path)


def test_yaml_billion_laughs_is_refused_quickly(tmp_path):
    """Nine nested 9-fold aliases (~10^9 values from 400 bytes) are refused, not expanded."""
    lines = ["laughs:", "  a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"  a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * 9) + "]" for k in range(1, 9)]
    (tmp_path / "edition.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with time_limit(5), pytest.raises(ManifestError, match="aliases"):
        load_edition(tmp_path / "edition.yaml")


def test_yaml_recursive_alias_is_refused(tmp_path):
    (tmp_path / "edition.yaml").write_text("edition: &e {paper: *e}\n", encoding="utf-8")
    with time_limit(5), pytest.raises(ManifestError, match="alias refers to the node that contains it"):
        load_edition(tmp_path / "edition.yaml")


def test_yaml_aliases_still_work(tmp_path):
    """Ordinary anchors and aliases (shared frames, merge keys) are fine."""
    write_assets(tmp_path)
    text = _yaml_dump(base_doc()).replace("editor: 王晓", "editor: &ed 王晓").replace("editor: 李华", "editor: *ed")
    (tmp_path / "edition.yaml").write_text(text, encoding="utf-8")
    assert load_edition(tmp_path / "edition.yaml").page("A2").editor == "王晓"


def test_jump_like_text_in_a_body_is_not_mistaken_for_a_jump_line(tmp_path):
    """相关报道详见3版 or （下转第二版） typed by the editor inside a body is body text.  Found by
    this file: display_fidelity used to strip jump-line patterns from the whole story text,
    so such a story failed its build with a false fidelity error (fixed in checks.py:
    fidelity by run role)."""
    path, body = text_manifest(tmp_path, "本报讯　相关报道详见3版。（下转第二版）记者（上接第一版）", as_file=False)
    prep = prepare(path)
    pages = compose_all(prep)
    assert_all_set_once_in_order(prep, pages, body)
    res = build(path, BuildOptions(out_dir=tmp_path / "out", verify=True))
    assert not [f for f in res.findings if f.code == "fidelity"]


@pytest.mark.parametrize("space", ["\u2009", "\u202f", "\x85", "\u1680", "\u205f", "\u2000", "\u200a"])
def test_unicode_spaces_in_a_body_are_word_spaces(tmp_path, space):
    """Found by this file: a thin space (U+2009), narrow no-break space (U+202F), NEL ...
    copied into a body reached the line breaker, which no face covers: KeyError."""
    path, body = text_manifest(tmp_path, f"江城{space}日报 2026{space}年 a{space}b", as_file=True)
    prep = prepare(path)
    assert prep.edition.page("A1").stories[0].paragraphs == ("江城 日报 2026 年 a b",)
    assert_all_set_once_in_order(prep, compose_all(prep), body)


@pytest.mark.parametrize("value", ["2026-02-30", "2026-13-01", "2026-08-19 25:00:00", "!!int abc", "!!float x",
                                   "!!bool maybe", "!!timestamp soon"])
def test_impossible_yaml_values_are_manifest_errors(tmp_path, value):
    """Found by this file: an unquoted impossible date (date: 2026-02-30) or a bad explicit
    tag made PyYAML's constructor raise ValueError / KeyError / AttributeError, which
    escaped load_edition as a traceback."""
    write_assets(tmp_path)
    text = _yaml_dump(base_doc()).replace("date: '2026-08-19'", f"date: {value}")
    assert value in text
    (tmp_path / "edition.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ManifestError) as info:
        load_edition(tmp_path / "edition.yaml")
    p = info.value.problems[0]
    assert "cannot read" in p.message and p.line == 3, str(p)


# -- photos ------------------------------------------------------------------------------
# each a one-page build and a `layout check`, ~0.1 s together (IMAGE_EXAMPLES=600 for a longer run)
IMAGE_EXAMPLES = int(os.environ.get("IMAGE_EXAMPLES", 40))
_MODES = ["1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr", "LAB", "HSV", "I",
          "I;16", "I;16B", "I;16L", "F"]
_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "TIFF": ".tif"}


def _savable(fmt: str) -> list[str]:
    """The modes this Pillow writes in `fmt` (JPEG: 1 L RGB RGBX CMYK YCbCr; PNG adds LA P
    RGBA I;16; TIFF nearly all), found by trying rather than listed, so a Pillow upgrade
    that adds a mode is fuzzed too."""
    ok = []
    for mode in _MODES:
        try:
            PILImage.new(mode, (4, 4)).save(io.BytesIO(), fmt)
            ok.append(mode)
        except (OSError, ValueError, KeyError, TypeError):
            pass
    return ok


_SAVABLE = {fmt: _savable(fmt) for fmt in _FORMATS}


def _picture(mode: str, w: int, h: int, seed: int) -> PILImage.Image:
    """A small picture with some detail (two gradients, a flat channel, sometimes half
    transparent) in `mode`; the deep modes use the full 16-bit range."""
    r = PILImage.linear_gradient("L").resize((w, h))
    g = r.transpose(PILImage.Transpose.ROTATE_90).resize((w, h))
    b = PILImage.new("L", (w, h), seed % 256)
    rgba = PILImage.merge("RGBA", (r, g, b, PILImage.new("L", (w, h), 255 if seed % 3 else 128)))
    if mode in ("I", "F", "I;16", "I;16B", "I;16L"):
        deep = rgba.convert("L").convert("I").point(lambda v: v * 257)
        if mode in ("I", "F"):
            return deep.convert(mode)
        return PILImage.frombytes(mode, (w, h), deep.convert("I;16").tobytes())
    return rgba.convert(mode)


def _set_dims(data: bytearray, fmt: str, w: int, h: int) -> None:
    """Overwrite the width and height a file's header declares (the pixels stay as they are)."""
    if fmt == "PNG" and data[12:16] == b"IHDR":
        data[16:24] = struct.pack(">II", w & 0xFFFFFFFF, h & 0xFFFFFFFF)
    elif fmt == "JPEG":
        i = 2
        while i + 9 < len(data) and data[i] == 0xFF:
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                data[i + 5:i + 9] = struct.pack(">HH", h & 0xFFFF, w & 0xFFFF)
                return
            i += 2 + length
    elif fmt == "TIFF" and len(data) >= 8:
        end = "<" if data[:2] == b"II" else ">"
        ifd = struct.unpack(end + "I", data[4:8])[0]
        if ifd + 2 > len(data):
            return
        for k in range(struct.unpack(end + "H", data[ifd:ifd + 2])[0]):
            at = ifd + 2 + 12 * k
            if at + 12 > len(data):
                return
            tag, typ = struct.unpack(end + "HH", data[at:at + 4])
            if tag in (256, 257):  # ImageWidth, ImageLength: SHORT or LONG, stored in the entry
                value = w if tag == 256 else h
                data[at + 8:at + 12] = struct.pack(end + "HH", value & 0xFFFF, 0) if typ == 3 \
                    else struct.pack(end + "I", value & 0xFFFFFFFF)


# header sizes: none, one pixel, fewer or more than the pixels stored (up to 16 megapixels:
# decoding stays small), and more than MAX_PIXELS (refused from the header, before decoding)
_DIMS = st.sampled_from([(0, 0), (0, 7), (1, 1), (2, 3), (7, 5), (640, 480), (4000, 4000), (65535, 65535),
                         (100_000, 100_000), (2**31 - 1, 1), (1, 2**31 - 1)])


@st.composite
def photo_files(draw) -> tuple[bytes, str, str]:
    """(file bytes, suffix, what was done to it) for a small photo, maybe damaged."""
    fmt = draw(st.sampled_from(sorted(_FORMATS)))
    mode = draw(st.sampled_from(_SAVABLE[fmt]))
    w, h = draw(st.integers(1, 48)), draw(st.integers(1, 48))
    im = _picture(mode, w, h, draw(st.integers(0, 255)))
    opts: dict = {}
    if fmt == "JPEG":
        opts = {"quality": draw(st.integers(5, 95)), "progressive": draw(st.booleans())}
        o = draw(st.sampled_from([None, 1, 3, 6, 8, 0, 9, 65535]))
        if o is not None:
            exif = PILImage.Exif()
            exif[0x0112] = o
            opts["exif"] = exif.tobytes()
    elif fmt == "TIFF":
        opts = {"compression": draw(st.sampled_from([None, "tiff_lzw", "tiff_deflate", "packbits"]))}
    elif fmt == "PNG" and mode in ("P", "L", "RGB") and draw(st.booleans()):
        opts = {"transparency": 0 if mode in ("P", "L") else (0, 0, 0)}
    buf = io.BytesIO()
    try:
        im.save(buf, fmt, **opts)
    except (OSError, ValueError, KeyError, TypeError):  # an option this mode cannot take
        buf = io.BytesIO()
        im.save(buf, fmt)
    data = bytearray(buf.getvalue())
    done = [f"{fmt} {mode} {w}x{h} {opts.get('compression', '')}"]
    suffix = _FORMATS[fmt]
    for _ in range(draw(st.integers(0, 2))):
        op = draw(st.sampled_from(["cut", "flip", "dims", "junk", "suffix"]))
        if op == "cut" and data:
            n = draw(st.integers(0, len(data) - 1))
            del data[n:]
            done.append(f"cut at {n}")
        elif op == "flip" and data:
            for _ in range(draw(st.integers(1, 8))):
                i = draw(st.integers(0, len(data) - 1))
                data[i] ^= draw(st.integers(1, 255))
            done.append("flipped")
        elif op == "dims":
            dw, dh = draw(_DIMS)
            _set_dims(data, fmt, dw, dh)
            done.append(f"header {dw}x{dh}")
        elif op == "junk":
            data += draw(st.binary(min_size=1, max_size=64))
            done.append("junk appended")
        elif op == "suffix":
            suffix = draw(st.sampled_from([".jpg", ".jpeg", ".png", ".tif", ".tiff", ".PNG"]))
            done.append(f"named {suffix}")
    return bytes(data), suffix, ", ".join(done)


def photo_edition(root: Path, data: bytes, suffix: str, in_block: bool) -> Path:
    """One page: a story and the photo 'pic', page-level or inside the story."""
    (root / "photos").mkdir(parents=True, exist_ok=True)
    (root / "photos" / f"x{suffix}").write_bytes(data)
    photo = {"id": "pic", "file": f"photos/x{suffix}", "caption": "江城夜景。", "credit": "本报记者 摄"}
    story = {"id": "s", "frame": {"col": 1, "span": 4, "top": 0, "lines": 40}, "headline": "江城新闻",
             "body": {"filler": {"seed": 2, "chars": 400}}}
    page: dict = {"stories": [story]}
    if in_block:
        story["photos"] = [{**photo, "columns": 2, "lines": 12}]
    else:
        page["photos"] = [{**photo, "frame": {"col": 5, "span": 4, "top": 0, "lines": 30}, "fit": "cover"}]
    doc = {"edition": {"paper": "江城日报", "date": "2026-08-19", "style": "broadsheet"},
           "sections": [{"id": "A", "name": "要闻", "pages": 1}], "pages": {"A1": page}}
    path = root / "edition.yaml"
    path.write_text(_yaml_dump(doc), encoding="utf-8")
    return path


@pytest.mark.slow
@settings(max_examples=IMAGE_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(photo=photo_files(), in_block=st.booleans())
def test_any_photo_file_builds_or_is_refused_naming_the_photo(tmp_path_factory, photo, in_block):
    data, suffix, done = photo
    note(done)
    root = _tmpdir(tmp_path_factory)
    path = photo_edition(root, data, suffix, in_block)
    built = True
    try:
        with time_limit(TIME_LIMIT):
            res = build(path, BuildOptions(out_dir=root / "out", allow_overset=True))
    except LayoutError as e:
        refused(e)
        assert "'pic'" in str(e), f"the error does not name the photo: {e}"
        built = False
    else:
        event("built")
        assert res.edition_pdf is not None and res.edition_pdf.is_file()
    with time_limit(TIME_LIMIT):
        cli = CliRunner().invoke(app, ["check", str(path)])
    assert cli.exception is None or isinstance(cli.exception, SystemExit), repr(cli.exception)
    assert "Traceback" not in cli.output and "internal error" not in cli.output, cli.output
    assert cli.exit_code == (0 if built else 1), cli.output
    if not built:
        assert "'pic'" in cli.output, cli.output
