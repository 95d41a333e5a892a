"""Proof rounds end to end: a proof build records its round and stamps its pages; change
one sentence, build again, and `layout diff` reports that page and that story only, with
the replaced words; the command's exit statuses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from layout.cli import app
from layout.pdf.verify import pdf_text
from layout.proof.rounds import RevisionRecorder, load_revisions
from tests.support.editions import write_edition

A2_TEXT = ("城市更新不是推倒重来，而是在保留城市记忆的同时补齐功能短板。今年以来，江城启动老旧小区改造项目126个，"
           "惠及居民四万余户。鼓楼街道的老街经过半年整修，青石板路重新铺好，沿街商铺统一了招牌。")


def _edition(root: Path) -> Path:
    path = write_edition(root)
    (root / "a2.txt").write_text("\n\n".join([A2_TEXT] * 3), encoding="utf-8")
    text = path.read_text(encoding="utf-8").replace("body: {filler: {seed: 9, chars: 800}}", "body: a2.txt")
    path.write_text(text, encoding="utf-8")
    return path


def _run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(app, list(args))
    return res.exit_code, res.output


def _build(ed: Path, out: Path, *more: str) -> None:
    code, output = _run("build", str(ed), "--mode", "proof", "-o", str(out), "-j", "1", "-q", *more)
    assert code == 0, output


def _pages(out: Path) -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in sorted((out / "proof" / "pages").glob("*.pdf"))}


@pytest.mark.slow
def test_one_changed_sentence_is_one_page_one_story_and_its_words(tmp_path):
    ed = _edition(tmp_path / "ed")
    out = tmp_path / "out"
    _build(ed, out)
    first = _pages(out)
    _build(ed, out)  # nothing changed: the same round, the same files
    assert _pages(out) == first
    assert [r.round for r in load_revisions(out)] == [1]
    a2_id = load_revisions(out)[0].page("A2").id
    assert f"一校·A2·rev{a2_id}" in pdf_text(first["A2"])  # (pdf_text drops spaces)

    a2 = ed.parent / "a2.txt"
    a2.write_text(a2.read_text(encoding="utf-8").replace("惠及居民四万余户", "惠及居民五万余户", 1), encoding="utf-8")
    _build(ed, out)
    old, new = load_revisions(out)
    assert (old.round, new.round, new.name) == (1, 2, "二校")
    ids = {p.label: (p.id, q.id) for p, q in zip(old.pages, new.pages)}
    assert ids["A2"][0] != ids["A2"][1]
    assert all(a == b for lab, (a, b) in ids.items() if lab != "A2"), ids  # per page: only A2's changed
    pages = _pages(out)
    assert all("二校" in pdf_text(pdf) for pdf in pages.values())  # the round is on every page of the round
    # the record reuses the unchanged pages of round 1: byte for byte what a fresh build of round 2 records
    _build(ed, tmp_path / "fresh", "--round", "2", "--no-cache")
    assert (tmp_path / "fresh" / "proof" / "revisions" / "round-02.json").read_bytes() == \
        (out / "proof" / "revisions" / "round-02.json").read_bytes()
    assert _pages(tmp_path / "fresh") == pages

    code, output = _run("diff", str(out), "-o", str(tmp_path / "d"))
    assert code == 1, output
    data = json.loads((tmp_path / "d" / "diff.json").read_text(encoding="utf-8"))
    status = {p["label"]: p["status"] for p in data["pages"]}
    assert status == {"A1": "unchanged", "A2": "changed", "A3": "unchanged", "T1": "unchanged"}
    (page,) = [p for p in data["pages"] if p["status"] == "changed"]
    (story,) = page["stories"]
    assert story["key"] == "a2s" and not story["reflow"] and story["frame"] == ""
    (change,) = story["changes"]
    assert (change["op"], change["old"], change["new"]) == ("replace", "四", "五")
    assert page["highlights"] and all(h["story"] == "a2s" for h in page["highlights"])
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == ["A2.pdf", "diff.json"]
    marked = (tmp_path / "d" / "A2.pdf").read_bytes()
    assert "五万余户" in pdf_text(marked) and "一校→二校·A2·changed" in pdf_text(marked)
    assert "A2: changed" in output and "«四» → «五»" in output

    # back to the first text: a new round (三校), and no page drawn for 一校 comes back from the cache
    a2.write_text(a2.read_text(encoding="utf-8").replace("五万余户", "四万余户", 1), encoding="utf-8")
    _build(ed, out)
    assert [r.round for r in load_revisions(out)] == [1, 2, 3]
    assert all("三校" in pdf_text(pdf) and "一校" not in pdf_text(pdf) for pdf in _pages(out).values())
    assert _run("diff", f"{out}@1", f"{out}@3")[0] == 0
    assert _run("diff", f"{out}@2", str(out))[0] == 1


@pytest.mark.slow
def test_round_given_and_the_diff_commands_trouble(tmp_path):
    ed = _edition(tmp_path / "ed")
    out = tmp_path / "out"
    _build(ed, out, "--round", "4")
    assert [r.round for r in load_revisions(out)] == [4]
    assert "四校" in pdf_text(_pages(out)["A1"])
    assert _run("build", str(ed), "-o", str(tmp_path / "print"), "--round", "2")[0] == 2  # rounds are for proofs
    assert _run("diff", f"{out}@4", f"{out}@4") == (0, _run("diff", f"{out}@4", f"{out}@4")[1])
    for args, says in [((str(out),), "only round 4"), ((str(tmp_path / "nowhere"), str(out)), "no such output folder"),
                       ((f"{out}@3", str(out)), "no round 3"), ((str(tmp_path / "ed"), str(out)), "no proof round")]:
        code, output = _run("diff", *args)
        assert code == 2 and says in output and "Traceback" not in output, (args, output)
    rec = out / "proof" / "revisions" / "round-04.json"
    shutil.copy(rec, rec.with_name("round-05.json"))
    rec.with_name("round-05.json").write_bytes(rec.read_bytes()[:1000])
    code, output = _run("diff", str(out))
    assert code == 2 and "round-05.json" in output and "Traceback" not in output


def test_the_round_is_chosen_from_the_last_record_and_kept_by_a_resident_process(tmp_path):
    from layout.model.modes import OutputMode, output_profile

    profile = output_profile(OutputMode.PROOF)
    rec = RevisionRecorder()
    stamps = rec.stamps(tmp_path, profile, {"A1": "a" * 64, "A2": "b" * 64})
    assert rec.round == 1 and stamps == {"A1": "一校 · A1 · rev aaaaaaaa", "A2": "一校 · A2 · rev bbbbbbbb"}
    rec.stamps(tmp_path, profile, {"A1": "c" * 64, "A2": "b" * 64})
    assert rec.round == 1  # the round this process opened: saving again is still 一校
    folder = tmp_path / "proof" / "revisions"
    folder.mkdir(parents=True)
    compact = {"separators": (",", ":")}  # as records are written
    pages = [json.dumps({"label": "A1", "input": "a" * 64, "frames": [], "blocks": []}, **compact),
             json.dumps({"label": "A2", "input": "b" * 64, "frames": [], "blocks": []}, **compact)]
    (folder / "round-01.json").write_text('{"format":"layout-revision 1","pages":[\n' + ",\n".join(pages) + "\n]}\n")
    fresh = RevisionRecorder()
    fresh.stamps(tmp_path, profile, {"A1": "a" * 64, "A2": "b" * 64})
    assert fresh.round == 1 and fresh.opened is None  # nothing changed: the same round, not reopened
    fresh.stamps(tmp_path, profile, {"A1": "a" * 64, "A2": "d" * 64})
    assert fresh.round == 2 and fresh.opened == 2
    assert RevisionRecorder(7).choose(tmp_path / "proof", {}) == 7
    with pytest.raises(ValueError):
        RevisionRecorder(0)


@pytest.mark.slow
def test_one_changed_sentence_on_the_sample(tmp_path):
    root = Path(__file__).resolve().parent.parent / "editions" / "sample"
    ed = tmp_path / "ed"
    shutil.copytree(root, ed)
    out = tmp_path / "out"
    _build(ed, out, "-j", "2")
    story = ed / "stories" / "air-quality.txt"
    story.write_text(story.read_text(encoding="utf-8").replace("同比上升4.2个百分点", "同比提高4.2个百分点", 1),
                     encoding="utf-8")
    _build(ed, out, "-j", "2")
    code, output = _run("diff", f"{out}@1", f"{out}@2", "-o", str(tmp_path / "d"))
    assert code == 1, output
    data = json.loads((tmp_path / "d" / "diff.json").read_text(encoding="utf-8"))
    assert len(data["pages"]) == 36 and data["counts"]["unchanged"] == 35
    (page,) = [p for p in data["pages"] if p["status"] != "unchanged"]
    (st,) = page["stories"]
    assert (page["status"], st["key"]) == ("changed", "air-quality")
    assert [(c["op"], c["old"], c["new"]) for c in st["changes"]] == [("replace", "上升", "提高")]
    assert not st["reflow"] and st["frame"] == "" and st["picture"] == ""
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == [f"{page['label']}.pdf", "diff.json"]


@pytest.mark.slow
def test_a_resident_process_keeps_its_round_and_reuses_unchanged_pages(tmp_path):
    from layout.build.pipeline import BuildOptions, build
    from layout.build.session import BuildSession
    from layout.model.modes import OutputMode

    ed = _edition(tmp_path / "ed")
    out = tmp_path / "out"
    _build(ed, out)  # 一校, by another process
    rec, session = RevisionRecorder(), BuildSession()
    opts = BuildOptions(out, OutputMode.PROOF, desk_outputs=(rec,), stamper=rec)
    res = build(ed, opts, session)
    assert rec.round == 1 and len(res.reused) == 4  # nothing changed: 一校 again, every page from the cache
    a2 = ed.parent / "a2.txt"
    for n, word in enumerate(("五万", "六万", "七万")):
        a2.write_text(a2.read_text(encoding="utf-8").replace("四万" if not n else "五六"[n - 1] + "万", word, 1),
                      encoding="utf-8")
        res = build(ed, opts, session)
        assert rec.round == 2  # opened by this process at the first change, kept for the next saves
        if n:
            assert sorted(res.reused) == ["A1", "A3", "T1"]  # only the edited page is drawn again
    assert [r.round for r in load_revisions(out)] == [1, 2]
    assert "七万余户" in pdf_text(_pages(out)["A2"]) and "二校" in pdf_text(_pages(out)["A2"])
    assert rec.last is not None and rec.last.round == 2 and rec.last.page("A2").id != load_revisions(out)[0].page("A2").id
