"""The flatplan in a real browser: headless Chromium (tests/support/browser.py).

Opened from disk, it shows every page with the badges its data gives, a page's view shows
its frames and a frame's story; served by `layout watch --serve`, a saved story replaces
that page's preview in the open page, with its changed lines marked, and no other."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from layout.build.pipeline import BuildOptions, build
from layout.flatplan.output import FlatplanOutput
from tests.support.browser import chromium, console_errors, require_browser
from tests.support.editions import write_edition

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "editions" / "sample" / "edition.yaml"
pytestmark = pytest.mark.slow


def _wait(driver, condition, timeout: float = 20.0):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition(d))


def _badges(driver, label: str) -> list[str]:
    return driver.execute_script(
        "return [...document.querySelectorAll(`article.page[data-label='${arguments[0]}'] .badge`)]"
        ".map(b => b.className.replace('badge ', ''))", label)


def _expected_badges(page: dict) -> list[str]:
    st = page["status"]
    names = [n for n in ("overset", "underset", "errors", "warnings") if st[n]]
    names += ["blank"] if st["blank"] else []
    names += [st["change"]] if st["change"] in ("changed", "added") else []
    return names


def _edition_with_every_badge(root: Path) -> Path:
    """The small test edition with an overset story (A2), a blank page (T1), underset frames
    and a photo too small for print (a warning)."""
    man = write_edition(root)
    Image.new("RGB", (120, 90), (90, 120, 160)).save(root / "photos" / "p.jpg", quality=80)
    text = man.read_text(encoding="utf-8")
    text = text.replace("top: 0, lines: 20}, headline: 城市更新", "top: 0, lines: 3}, headline: 城市更新")
    text = text.replace("  T1:\n    editor: 赵敏", "  T1:\n    editor: 赵敏\n    blank: true")
    man.write_text(text, encoding="utf-8")
    return man


def test_the_flatplan_opens_from_disk_and_shows_pages_badges_and_frames(tmp_path):
    require_browser()
    man = _edition_with_every_badge(tmp_path / "ed")
    out = tmp_path / "out"
    opts = BuildOptions(out_dir=out, jobs=1, allow_overset=True, desk_outputs=(FlatplanOutput(),))
    build(man, opts)
    lead = man.parent / "lead.txt"
    lead.write_text(lead.read_text(encoding="utf-8").replace("江城市召开", "江城市举办", 1), encoding="utf-8")
    build(man, opts)  # A1 changed since the previous build
    data = json.loads((out / "flatplan.json").read_text(encoding="utf-8"))
    pages = {p["label"]: p for p in data["pages"]}
    assert pages["A1"]["status"]["change"] == "changed" and pages["A2"]["status"]["overset"] == 1
    assert pages["T1"]["status"]["blank"] and pages["A1"]["status"]["underset"]

    with chromium() as driver:
        driver.get((out / "index.html").as_uri())
        _wait(driver, lambda d: d.execute_script(
            "return [...document.images].filter(i => i.closest('article')).every(i => i.complete && i.naturalWidth > 0)"))
        labels = driver.execute_script("return [...document.querySelectorAll('article.page')].map(a => a.dataset.label)")
        assert labels == ["A1", "A2", "A3", "T1"]
        sections = driver.execute_script("return [...document.querySelectorAll('section.section h2')].map(h => h.textContent)")
        assert sections == ["要闻 (3)", "特刊 (1)"]
        for label, page in pages.items():
            assert _badges(driver, label) == _expected_badges(page), label
        assert {"overset", "underset", "warnings", "blank", "changed"} <= {b for lab in pages for b in _badges(driver, lab)}
        # the changed lines are marked on the changed page's thumbnail, and only there
        marks = driver.execute_script("return [...document.querySelectorAll('article.page .marks .chg')]"
                                      ".map(m => [m.closest('article').dataset.label, m.dataset.story])")
        assert marks and all(m == ["A1", "lead"] for m in marks)

        # the desk's filters: the pages to look at now
        from selenium.webdriver.support.ui import Select

        visible = "return [...document.querySelectorAll('article.page')].filter(a => a.offsetParent).map(a => a.dataset.label)"
        Select(driver.find_element("id", "filter")).select_by_value("changed")
        assert driver.execute_script(visible) == ["A1"]
        Select(driver.find_element("id", "filter")).select_by_value("problems")
        assert driver.execute_script(visible) == [p for p in pages if pages[p]["status"]["overset"]
                                                  or pages[p]["status"]["warnings"] or pages[p]["status"]["errors"]]
        assert "A2" in driver.execute_script(visible) and "T1" not in driver.execute_script(visible)
        Select(driver.find_element("id", "filter")).select_by_value("all")
        assert driver.execute_script(visible) == labels

        # a page's view: its preview with every frame outlined; a frame tells its story's fit
        driver.find_element("css selector", "article.page[data-label='A1']").click()
        _wait(driver, lambda d: d.execute_script("return !document.getElementById('view').hidden"))
        owners = driver.execute_script("return [...document.querySelectorAll('#sheet .frame')].map(f => f.dataset.owner)")
        assert owners == [f["owner"] for f in pages["A1"]["frames"]] and {"lead", "vert", "bal", "inphoto"} <= set(owners)
        _wait(driver, lambda d: d.execute_script("const i = document.getElementById('view-img');"
                                                 "return i.complete && i.naturalWidth > 0"))
        assert driver.execute_script("return document.getElementById('view-img').getAttribute('src')") == pages["A1"]["view"]
        # each frame sits where the record says (the sheet is the page, scaled)
        box = driver.execute_script(
            "const s = document.getElementById('sheet').getBoundingClientRect();"
            "const f = document.querySelector(\"#sheet .frame[data-owner='lead']\").getBoundingClientRect();"
            "return [(f.left - s.left) / s.width, (f.top - s.top) / s.height, f.width / s.width]")
        frame = next(f for f in pages["A1"]["frames"] if f["owner"] == "lead")
        assert box == pytest.approx([frame["x"] / pages["A1"]["width"], frame["y"] / pages["A1"]["height"],
                                     frame["w"] / pages["A1"]["width"]], abs=0.01)
        driver.find_element("css selector", "#sheet .frame[data-owner='lead']").click()
        info = driver.find_element("id", "info").text
        assert "lead" in info and "continues on" in info and "A3" in info and "see also" in info and "T1" in info
        assert f"revision {data['revision']} (this one)" in info  # its last change: this build
        driver.find_element("css selector", "#info a[href='#A3']").click()  # follow the jump
        _wait(driver, lambda d: d.find_element("id", "view-title").text.startswith("A3"))
        driver.find_element("id", "view-close").click()
        _wait(driver, lambda d: d.execute_script("return document.getElementById('view').hidden"))
        assert console_errors(driver) == []


def test_the_sample_flatplan_shows_all_36_pages_without_console_errors(tmp_path, measurements):
    require_browser()
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "layout", "build", str(SAMPLE), "-o", str(out), "--previews", "-j", "2"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    seconds = time.perf_counter() - t
    assert run.returncode == 0, run.stderr
    data = json.loads((out / "flatplan.json").read_text(encoding="utf-8"))
    measurements("flatplan", f"sample build with previews (36 pages rendered, -j 2): {seconds:.1f} s")
    with chromium() as driver:
        driver.get((out / "index.html").as_uri())
        _wait(driver, lambda d: d.execute_script("return document.querySelectorAll('article.page').length") == 36)
        labels = driver.execute_script("return [...document.querySelectorAll('article.page')].map(a => a.dataset.label)")
        assert labels == [p["label"] for p in data["pages"]] and len(set(labels)) == 36
        for page in data["pages"]:
            assert _badges(driver, page["label"]) == _expected_badges(page), page["label"]
        _wait(driver, lambda d: d.execute_script(
            "return [...document.querySelectorAll('article.page img')].every(i => i.complete && i.naturalWidth > 0)"), 60)
        # booked ads: outlined frames in the page view, named by their booking (order) id
        ads = {p["label"]: [f for f in p["frames"] if f["kind"] == "ad"] for p in data["pages"]}
        assert {lab for lab, frames in ads.items() if frames} == {"A4", "特2", "特7", "特12"}
        assert ads["A4"][0]["ad"]["booking"] == "JC-AD-20260819-007"
        driver.execute_script("window.flatplan.open('A4')")
        got = _wait(driver, lambda d: d.execute_script(
            "const f = document.querySelector('#sheet .frame.kind-ad'); if (!f) return null;"
            "const r = f.getBoundingClientRect(), s = document.getElementById('sheet').getBoundingClientRect();"
            "return [f.dataset.owner, f.querySelector('.tag').textContent, getComputedStyle(f).borderTopStyle,"
            " (r.top - s.top) / s.height, r.height / s.height]"))
        page = next(p for p in data["pages"] if p["label"] == "A4")
        frame = ads["A4"][0]
        assert got[:3] == ["bank-autumn", "JC-AD-20260819-007", "dashed"]
        assert abs(got[3] - frame["y"] / page["height"]) < 0.01 and abs(got[4] - frame["h"] / page["height"]) < 0.01
        driver.find_element("css selector", "#sheet .frame.kind-ad").click()
        info = _wait(driver, lambda d: d.find_element("id", "info").text if "booking" in d.find_element("id", "info").text
                     else None)
        assert "JC-AD-20260819-007" in info and "江城农商银行" in info
        assert console_errors(driver) == []


def test_watch_serve_replaces_the_saved_pages_preview_in_the_open_page(tmp_path, measurements):
    require_browser()
    man = write_edition(tmp_path / "ed")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "layout", "watch", str(man), "-o", str(tmp_path / "out"), "-j", "1",
                             "--interval", "0.05", "--serve", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=tmp_path)
    try:
        url, deadline = None, time.monotonic() + 180
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            if m := re.match(r"flatplan: (http://127\.0\.0\.1:\d+/)", line):
                url = m.group(1)
            if line.startswith("built"):
                break
        assert url is not None
        with chromium() as driver:
            driver.get(url)
            _wait(driver, lambda d: d.execute_script("return document.getElementById('live').className") == "ok")
            srcs = driver.execute_script("return Object.fromEntries([...document.querySelectorAll('article.page')]"
                                         ".map(a => [a.dataset.label, a.querySelector('img').getAttribute('src')]))")
            driver.execute_script("window.notReloaded = true;"
                                  "window.cards = [...document.querySelectorAll('article.page img')];")
            lead = man.parent / "lead.txt"
            text = lead.read_text(encoding="utf-8").replace("江城市召开", "江城市举办", 1)
            tmp = lead.with_name(".lead.txt.tmp")
            tmp.write_text(text, encoding="utf-8")
            saved = time.perf_counter()
            os.replace(tmp, lead)  # an editor's save
            _wait(driver, lambda d: d.execute_script(
                "return document.querySelector(\"article.page[data-label='A1'] img\").getAttribute('src')") != srcs["A1"],
                60)
            seconds = time.perf_counter() - saved
            measurements("flatplan", f"watch --serve: save to new preview in the open page: {seconds:.2f} s")
            now = driver.execute_script("return Object.fromEntries([...document.querySelectorAll('article.page')]"
                                        ".map(a => [a.dataset.label, a.querySelector('img').getAttribute('src')]))")
            assert {k: v for k, v in now.items() if k != "A1"} == {k: v for k, v in srcs.items() if k != "A1"}
            # no reload: the same document, the same image elements, the new image loaded
            assert driver.execute_script("return window.notReloaded === true && [...document.querySelectorAll("
                                         "'article.page img')].every((img, i) => img === window.cards[i])")
            _wait(driver, lambda d: d.execute_script(
                "const i = document.querySelector(\"article.page[data-label='A1'] img\");"
                "return i.complete && i.naturalWidth > 0"))
            assert _badges(driver, "A1")[-1] == "changed"
            assert all("changed" not in _badges(driver, lab) for lab in ("A2", "A3", "T1"))
            marks = driver.execute_script("return [...document.querySelectorAll(\"article.page .marks .chg\")]"
                                          ".map(m => [m.closest('article').dataset.label, m.dataset.story])")
            assert 1 <= len(marks) <= 2 and all(m == ["A1", "lead"] for m in marks)
            # a build that fails is said on the page, which keeps showing the last good flatplan
            man.write_text(man.read_text(encoding="utf-8").replace("lines: 40}", "lines: 40", 1), encoding="utf-8")
            _wait(driver, lambda d: d.execute_script("return document.getElementById('live').className") == "error", 60)
            assert "build failed" in driver.find_element("id", "live").text
            assert driver.execute_script("return Object.fromEntries([...document.querySelectorAll('article.page')]"
                                         ".map(a => [a.dataset.label, a.querySelector('img').getAttribute('src')]))") == now
            assert console_errors(driver) == []
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_a_proof_flatplan_shows_what_changed_since_the_previous_round(tmp_path):
    require_browser()
    from layout.model.modes import OutputMode
    from layout.proof import RevisionRecorder

    man = write_edition(tmp_path / "ed")
    out = tmp_path / "out"

    def proof() -> None:
        rec = RevisionRecorder()
        build(man, BuildOptions(out_dir=out, jobs=1, mode=OutputMode.PROOF, stamper=rec,
                                desk_outputs=(rec, FlatplanOutput(rounds=rec))))

    proof()
    lead = man.parent / "lead.txt"
    lead.write_text(lead.read_text(encoding="utf-8").replace("江城市召开", "江城市举办", 1), encoding="utf-8")
    proof()
    with chromium() as driver:
        driver.get((out / "proof" / "index.html").as_uri())
        _wait(driver, lambda d: d.execute_script("return document.querySelectorAll('article.page').length") == 4)
        assert _badges(driver, "A1")[-1] == "changed" and all("changed" not in _badges(driver, lab)
                                                             for lab in ("A2", "A3", "T1"))
        title = driver.execute_script(
            "return document.querySelector(\"article.page[data-label='A1'] .badge.changed\").title")
        assert title == "changed since the previous proof round (一校)"
        assert "二校 (round 2)" in driver.find_element("id", "totals").text
        marks = driver.execute_script("return [...document.querySelectorAll('article.page .marks .chg')]"
                                      ".map(m => [m.closest('article').dataset.label, m.className, m.dataset.story])")
        assert marks and all(m == ["A1", "chg replace", "lead"] for m in marks)
        driver.execute_script("window.flatplan.open('A1')")
        driver.find_element("css selector", "#sheet .frame[data-owner='lead']").click()
        info = driver.find_element("id", "info").text
        assert "last change" in info and "round 2 (this one)" in info
        assert console_errors(driver) == []
