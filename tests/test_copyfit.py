"""Copyfitting filler bodies (tools/copyfit.py): lengths that fill their frames, in the
style's own measure, and never a manifest that cannot be read back."""

from __future__ import annotations

import re

import yaml

from layout.build.pipeline import compose_all, prepare
from layout.tools.copyfit import fit_fillers


def _edition(root, style: str, lines: int):
    """A one-page edition: a roomy story and a one-column one whose heads leave `lines` lines."""
    root.mkdir(parents=True, exist_ok=True)
    stories = [
        {"id": "roomy", "frame": {"col": 1, "span": 2, "top": 0, "lines": 30}, "headline": "城市更新激活发展新动能",
         "body": {"filler": {"seed": 1, "chars": 200}}},
        {"id": "tight", "frame": {"col": 3, "span": 1, "top": 0, "lines": lines}, "kicker": "经济运行稳中有进",
         "headline": "项目建设提速", "subhead": "增加值增长15%", "body": {"filler": {"seed": 2, "chars": 600}}},
    ]
    manifest = {"edition": {"paper": "江城日报", "date": "2026-08-19", "number": 25312, "style": style},
                "sections": [{"id": "A", "name": "要闻", "pages": 1}],
                "pages": {"A1": {"editor": "王晓", "stories": stories}}}
    path = root / "edition.yaml"
    path.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, default_flow_style=None),
                    encoding="utf-8")
    return path


def _chars(path) -> dict[int, int]:
    return {int(s): int(c) for s, c in re.findall(r"seed: (\d+), chars: (\d+)", path.read_text(encoding="utf-8"))}


def test_a_frame_without_room_keeps_a_body_and_the_manifest_loads(tmp_path):
    """A frame whose heads leave no line for the body used to be cut below zero
    characters: the manifest no longer loaded (chars: -4).  Now it keeps one character,
    the manifest loads, and the build reports the story overset as it would any other."""
    path = _edition(tmp_path / "t", "tabloid", 7)
    fit_fillers(path)
    assert _chars(path)[2] >= 1
    fits = {f.story.story_id: f for cp in compose_all(prepare(path)) for f in cp.fits}
    assert fits["roomy"].overset_chars == 0 and fits["roomy"].underset_lines <= 1


def test_lengths_follow_the_styles_measure(tmp_path):
    """The tabloid sets 18 characters a column line, the broadsheet 13: the same frame takes
    more copy in the tabloid."""
    tab, broad = _edition(tmp_path / "t", "tabloid", 30), _edition(tmp_path / "b", "broadsheet", 30)
    fit_fillers(tab)
    fit_fillers(broad)
    assert _chars(tab)[1] > _chars(broad)[1] * 1.2
    for path in (tab, broad):
        fits = {f.story.story_id: f for cp in compose_all(prepare(path)) for f in cp.fits}
        assert fits["roomy"].overset_chars == 0 and fits["roomy"].underset_lines <= 1, path
