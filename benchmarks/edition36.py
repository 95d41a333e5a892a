"""Generate the 36-page benchmark edition (A1-A4, T1-T20, 特1-特12), deterministically.

Each page is three bands of story blocks (2-4 stories a band, 6-10 a page) tiling the
8 x 102 grid, with headlines and bylines; bodies come from layout.filler (seeded), sized
to about 88 % of each frame so nothing oversets: ~9,000 characters a page, ~330,000 in all.

    python benchmarks/edition36.py [OUT_DIR]      (default: output/bench36)
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import yaml

from layout.tools.copyfit import fit_fillers

HEADS = ["城市更新激活发展新动能", "长江经济带绿色转型提速", "科技创新赋能传统产业", "乡村振兴绘就美丽画卷",
         "民生实事件件有着落", "文旅融合点亮夜经济", "数字政务跑出加速度", "重大项目建设按下快进键",
         "湿地保护修复成效显著", "职业教育培养大国工匠", "轨道交通织密出行网络", "外贸企业开拓新市场"]
NAMES = ["李明", "王芳", "陈静", "刘洋", "张华", "赵磊", "周婷", "吴刚", "郑洁", "孙悦"]
SPLITS = [[8], [5, 3], [3, 5], [4, 4], [3, 3, 2], [2, 3, 3], [3, 2, 3], [2, 2, 2, 2], [2, 4, 2]]


def page_layout(rng: random.Random, first: int) -> list[tuple[int, int, int, int]]:
    """Frames (col, span, top, lines) tiling lines first..101 in three bands."""
    total = 102 - first
    h1 = total // 3 + rng.randint(-4, 4)
    h2 = (total - h1) // 2 + rng.randint(-3, 3)
    bands = [(first, h1), (first + h1, h2), (first + h1 + h2, total - h1 - h2)]
    frames = []
    count = 0
    for i, (top, lines) in enumerate(bands):
        choices = [s for s in SPLITS if len(s) >= 2] if i else SPLITS
        split = rng.choice(choices)
        if count + len(split) + 2 * (2 - i) > 10:
            split = [5, 3]
        col = 1
        for span in split:
            frames.append((col, span, top, lines))
            col += span
        count += len(split)
    return frames


def generate(out: Path) -> Path:
    rng = random.Random(36)
    out.mkdir(parents=True, exist_ok=True)
    sections = [{"id": "A", "name": "要闻", "pages": 4}, {"id": "T", "name": "奋进支点建设", "label": "T{n}", "pages": 20},
                {"id": "S", "name": "特刊", "label": "特{n}", "pages": 12}]
    labels = [f"A{n}" for n in range(1, 5)] + [f"T{n}" for n in range(1, 21)] + [f"特{n}" for n in range(1, 13)]
    pages = {}
    seed = 1000
    for label in labels:
        front = label == "A1"
        frames = page_layout(rng, 12 if front else 0)
        stories = []
        for k, (col, span, top, lines) in enumerate(frames):
            seed += 1
            at_top = top == (12 if front else 0)
            header = 5 if span >= 3 else 4
            cap = (lines - (0 if at_top else 1) - header) * span * 13
            stories.append({
                "id": f"s{seed}", "frame": {"col": col, "span": span, "top": top, "lines": lines},
                "headline": rng.choice(HEADS), "byline": f"本报记者 {rng.choice(NAMES)}",
                "body": {"filler": {"seed": seed, "chars": int(cap * 0.93)}},
            })
        page = {"editor": rng.choice(NAMES), "stories": stories}
        if front:
            page["template"] = "front"
        pages[label] = page
    manifest = {"edition": {"paper": "江城日报", "date": "2026-08-19", "number": 25312, "style": "broadsheet"},
                "sections": sections, "pages": pages}
    path = out / "edition.yaml"
    path.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, default_flow_style=None), encoding="utf-8")
    fit_fillers(path)
    return path


if __name__ == "__main__":
    p = generate(Path(sys.argv[1] if len(sys.argv) > 1 else "output/bench36"))
    print(p)
