"""Previews, the flatplan's data and changes, and the live server (layout/flatplan).

The browser's side is in test_flatplan_browser.py; here: what the files hold, that a page
is rendered once per content, what counts as changed, and what the server serves."""

from __future__ import annotations

import http.client
import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PIL import Image

from layout.build.pipeline import BuildOptions, build
from layout.cli import _serve_port
from layout.errors import OutputError
from layout.flatplan.changes import PageInput, PageStatus, compare, dump_state, lines_of, load_state
from layout.flatplan.output import FlatplanOutput, embedded_json, index_html
from layout.flatplan.previews import THUMB_WIDTH, VIEW_PX_PER_PT, PreviewStore, file_names, render
from layout.flatplan.serve import LiveFlatplan
from layout.page.record import FrameKind, FrameRecord, PageRecord, RunRecord
from tests.support.editions import write_edition

ROOT = Path(__file__).resolve().parent.parent


def _pdf(text: str = "JC", width: float = 300, height: float = 400) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=(width, height), invariant=1)
    c.setFillColorRGB(0.8, 0.1, 0.1)
    c.rect(20, 20, 100, 60, fill=1)
    c.setFillColorRGB(0, 0, 0)
    c.drawString(30, 300, text)
    c.showPage()
    c.save()
    return buf.getvalue()


# -- previews --------------------------------------------------------------------------

def test_a_preview_is_a_readable_view_and_a_thumbnail_the_same_bytes_every_time():
    pdf = _pdf()
    view, thumb, vs, ts = render(pdf)
    assert (view, thumb) == render(pdf)[:2]
    assert vs == (round(300 * VIEW_PX_PER_PT), round(400 * VIEW_PX_PER_PT)) and ts == (THUMB_WIDTH, round(400 * THUMB_WIDTH / 300))
    im = Image.open(io.BytesIO(view))
    assert im.format == "PNG" and im.size == vs and not im.info.get("dpi")  # no metadata that could vary
    red = im.convert("RGB").getpixel((round(50 * VIEW_PX_PER_PT), round((400 - 50) * VIEW_PX_PER_PT)))
    assert red[0] > 180 and red[1] < 60  # the drawing is there, where the PDF put it
    assert Image.open(io.BytesIO(thumb)).size == ts


def test_previews_are_rendered_once_per_page_content(tmp_path):
    store = PreviewStore(tmp_path / "previews")
    a, b = _pdf("one"), _pdf("two")
    previews, files = store.previews({"A1": a, "A2": b, "A3": a})  # A3 looks like A1
    assert store.rendered == 2 and len(files) == 4
    assert previews["A1"].view == previews["A3"].view != previews["A2"].view
    for path, data in files.items():
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    again, more = PreviewStore(tmp_path / "previews").previews({"A1": a, "A2": _pdf("three")})
    assert len(more) == 2 and again["A1"] == previews["A1"]  # only the new content is rendered
    assert {p.name for p in store.stale({again["A1"].key})} == set(file_names(previews["A2"].key))


# -- changes ---------------------------------------------------------------------------

def _run(story: str, y: float, text: str, x: float = 10.0) -> RunRecord:
    return RunRecord(story, "body", x, y, "F", 10.0, text)


def _record(label: str, runs: list[RunRecord]) -> PageRecord:
    return PageRecord(label, 300.0, 400.0, tuple(runs), (FrameRecord(FrameKind.STORY, "s", 5, 5, 200, 300),))


def test_runs_on_one_baseline_of_one_story_are_one_line():
    rec = _record("A1", [_run("s", 20, "甲乙"), _run("s", 20, "丙", x=40), _run("s", 34, "丁"), _run("t", 34, "戊", x=80)])
    lines = lines_of(rec, {})
    assert [(ln.owner, ln.text) for ln in lines] == [("s", "甲乙丙"), ("s", "丁"), ("t", "戊")]
    assert lines[0].x == 10 and lines[0].w == pytest.approx(40)  # to the end of 丙 (one em without the font)
    assert lines[0].y == pytest.approx(20 - 8.8) and lines[0].h == pytest.approx(10)


def test_changes_mark_the_lines_that_read_differently_and_only_on_changed_pages():
    one = [_run("s", 20 + 14 * i, t) for i, t in enumerate(["一行", "二行", "三行", "四行"])]
    pages = [PageInput(_record("A1", one)), PageInput(_record("A2", [_run("u", 20, "别页")]))]
    first, state, rev = compare(None, pages, {})
    assert rev == 1 and {c.status for c in first.values()} == {PageStatus.FIRST} and not first["A1"].lines
    state = load_state(dump_state(state))
    same, state2, rev2 = compare(state, pages, {})
    # nothing changed: the same revision, shown as it was (so the same input, the same bytes)
    assert rev2 == 1 and state2 == state and same == first
    edited = [one[0], _run("s", 34, "改行"), one[2], _run("s", 62, "四行"), _run("s", 76, "新行")]
    later = [PageInput(_record("A1", edited)), pages[1], PageInput(_record("T1", [_run("v", 20, "新页")]))]
    changes, state3, rev3 = compare(state2, later, {})
    assert rev3 == 2
    assert (changes["A1"].status, changes["A2"].status, changes["T1"].status) == (
        PageStatus.CHANGED, PageStatus.UNCHANGED, PageStatus.ADDED)
    assert [(round(b.y + 8.8), b.story, b.kind) for b in changes["A1"].lines] == [(34, "s", "replace"), (76, "s", "insert")]
    assert changes["A1"].last_change == {"s": 2} and changes["A2"].last_change == {"u": 1}
    assert all("改" not in json.dumps(p) for p in state3["pages"].values())  # hashes, never the text


def test_a_photo_replaced_under_its_name_changes_the_page():
    rec = _record("A1", [_run("s", 20, "一行")])
    _, state, _ = compare(None, [PageInput(rec, (b"old photo",))], {})
    changes, _, rev = compare(state, [PageInput(rec, (b"new photo",))], {})
    assert changes["A1"].status == PageStatus.CHANGED and rev == 2 and changes["A1"].lines == ()


def test_a_state_file_of_another_shape_is_no_previous_build():
    assert load_state(b"{not json") is None and load_state(b'{"version": 99, "revision": 1, "pages": {}}') is None
    assert load_state(None) is None


# -- the page --------------------------------------------------------------------------

def test_no_text_in_the_data_can_end_its_script_element():
    data = {"edition": {"paper": "<b>报</b>", "date": "2026-08-19"}, "x": "</script><script>alert(1)</script>"}
    html = index_html(data)
    assert "</script><script>alert" not in html and "<b>" not in html.split("<body>")[0]
    assert json.loads(embedded_json(data)) == data
    assert html.count("</script>") == 2  # the data's element and the script's


def test_serve_takes_an_optional_port():
    assert _serve_port(["watch", "ed", "--serve", "8000"]) == ["watch", "ed", "--serve", "--port", "8000"]
    assert _serve_port(["watch", "--serve=0", "ed"]) == ["watch", "--serve", "--port", "0", "ed"]
    assert _serve_port(["watch", "--serve", "ed"]) == ["watch", "--serve", "ed"]


# -- the live server -------------------------------------------------------------------

def _get(live: LiveFlatplan, path: str, host: str | None = None) -> tuple[int, bytes, str]:
    conn = http.client.HTTPConnection("127.0.0.1", live.port, timeout=10)
    conn.request("GET", path, headers={"Host": host or f"127.0.0.1:{live.port}"})
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body, resp.getheader("Content-Type") or ""


def test_the_server_serves_the_flatplan_folder_only_and_to_this_machine_only(tmp_path):
    folder = tmp_path / "out"
    (folder / "previews").mkdir(parents=True)
    (tmp_path / "secret.json").write_text("{}")
    live = LiveFlatplan(folder, 0)
    assert live.start().startswith("http://127.0.0.1:")
    try:
        status, body, _ = _get(live, "/")
        assert status == 200 and b"Waiting for the first build" in body  # before the first build
        (folder / "index.html").write_text("<!DOCTYPE html><p>plan</p>", encoding="utf-8")
        (folder / "previews" / "abc.png").write_bytes(b"\x89PNG\r\n\x1a\n")
        assert _get(live, "/")[:2] == (200, b"<!DOCTYPE html><p>plan</p>")
        assert _get(live, "/previews/abc.png")[2] == "image/png"
        assert _get(live, "/../secret.json")[0] == 404 and _get(live, "/%2e%2e/secret.json")[0] == 404
        assert _get(live, "/", host="evil.example:80")[0] == 403
    finally:
        live.stop()


def test_a_port_in_use_is_an_error_that_says_what_to_do(tmp_path):
    first = LiveFlatplan(tmp_path, 0)
    first.start()
    try:
        with pytest.raises(OutputError) as e:
            LiveFlatplan(tmp_path, first.port).start()
        assert f"127.0.0.1:{first.port}" in str(e.value.problems[0]) and "--serve 0" in e.value.problems[0].hint
    finally:
        first.stop()


def test_the_event_stream_sends_the_current_flatplan_then_each_build(tmp_path):
    live = LiveFlatplan(tmp_path, 0)
    live.start()
    try:
        live.publish({"revision": 1})
        conn = http.client.HTTPConnection("127.0.0.1", live.port, timeout=10)
        conn.request("GET", "/events")
        resp = conn.getresponse()
        assert resp.getheader("Content-Type").startswith("text/event-stream")
        assert resp.readline() == b"event: build\n" and json.loads(resp.readline()[6:]) == {"revision": 1}
        assert resp.readline() == b"\n"
        threading.Timer(0.1, lambda: live.failed("A1: 第3行 出错")).start()
        assert resp.readline() == b"event: failed\n"
        assert json.loads(resp.readline()[6:]) == {"message": "A1: 第3行 出错"}
        conn.close()
    finally:
        live.stop()


# -- with the build --------------------------------------------------------------------

@pytest.mark.slow
def test_the_flatplan_is_written_with_the_build_deterministic_and_rendered_once(tmp_path):
    man = write_edition(tmp_path / "ed")
    out = tmp_path / "out"
    fp = FlatplanOutput()
    opts = BuildOptions(out_dir=out, jobs=1, desk_outputs=(fp,))
    build(man, opts)
    assert fp.rendered == 4
    files = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}
    data = json.loads(files[Path("flatplan.json")])
    assert [p["label"] for p in data["pages"]] == ["A1", "A2", "A3", "T1"] and data["revision"] == 1
    a1 = data["pages"][0]
    assert (out / a1["view"]).is_file() and (out / a1["thumb"]).is_file() and a1["pdf"] == "pages/A1.pdf"
    assert {s["story"] for s in a1["stories"]} == {"lead", "vert", "bal", "inphoto"}
    assert {f["owner"] for f in a1["frames"]} >= {"lead", "vert", "bal", "inphoto", "ph"}
    assert embedded_json(data) in files[Path("index.html")].decode()
    build(man, opts)  # nothing changed: nothing rendered, every byte the same
    assert fp.rendered == 0
    again = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and ".cache" not in p.parts}
    assert again == files

    lead = man.parent / "lead.txt"
    lead.write_text(lead.read_text(encoding="utf-8").replace("江城市召开", "江城市举办", 1), encoding="utf-8")
    build(man, opts)
    assert fp.rendered == 1  # A1 only: the edit kept every line's length, A3 is as it was
    data2 = json.loads((out / "flatplan.json").read_text(encoding="utf-8"))
    status = {p["label"]: p["status"]["change"] for p in data2["pages"]}
    assert status == {"A1": "changed", "A2": "unchanged", "A3": "unchanged", "T1": "unchanged"}
    assert data2["revision"] == 2 and {b["story"] for b in data2["pages"][0]["changed_lines"]} == {"lead"}
    assert next(s for s in data2["pages"][0]["stories"] if s["story"] == "lead")["changed_at"] == 2
    assert next(s for s in data2["pages"][0]["stories"] if s["story"] == "vert")["changed_at"] == 1
    lead.write_text(lead.read_text(encoding="utf-8").replace("江城市举办", "江城市组织", 1), encoding="utf-8")
    build(man, opts)
    # the first A1's images are neither the flatplan's on disk nor the new one's: removed
    pngs = sorted(p.name for p in (out / "previews").glob("*.png"))
    assert a1["thumb"].split("/")[1] not in pngs and len(pngs) == 2 * 5


@pytest.mark.slow
def test_a_proof_build_makes_the_flatplan_beside_the_proof_pdf(tmp_path):
    man = write_edition(tmp_path / "ed")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "layout", "build", str(man), "-o", str(tmp_path / "out"), "--mode",
                          "proof", "-j", "1"], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr
    data = json.loads((tmp_path / "out" / "proof" / "flatplan.json").read_text(encoding="utf-8"))
    assert data["edition"]["mode"] == "proof" and data["edition"]["pdf"].endswith("-proof.pdf")
    assert (tmp_path / "out" / "proof" / "index.html").is_file()
    assert all((tmp_path / "out" / "proof" / p["thumb"]).is_file() for p in data["pages"])
    assert not (tmp_path / "out" / "index.html").exists()


@pytest.mark.slow
def test_previews_are_made_in_the_page_workers_and_for_cached_pages_when_missing(tmp_path):
    man = write_edition(tmp_path / "ed")
    out = tmp_path / "out"
    fp = FlatplanOutput()
    build(man, BuildOptions(out_dir=out, jobs=2, desk_outputs=(fp,)))
    first = {p.name: p.read_bytes() for p in (out / "previews").glob("*.png")}
    assert fp.rendered == 4 and len(first) == 8
    for p in (out / "previews").glob("*.png"):
        p.unlink()
    fp2 = FlatplanOutput()
    build(man, BuildOptions(out_dir=out, jobs=2, desk_outputs=(fp2,)))  # pages from the cache: rendered here
    assert fp2.rendered == 4 and {p.name: p.read_bytes() for p in (out / "previews").glob("*.png")} == first
