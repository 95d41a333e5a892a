"""Irregular broadsheet editions for the reading-order checks (pdf/readorder.py): column
groups with rows of their own (rows that do not line up across the page), stories split
side by side, kickers and subheads, vertical headlines, photos inside stories, page photos
and boxes.  Deterministic for a seed; bodies are `filler` copy fitted to their frames, or
(`prose=True`) the bundled sample's real paragraphs (digits, Latin, quotes, parentheses, bold
lead-ins) with intertitles, written to story files and cut to FILL of what the filler held.

    write_irregular(seed, folder, pages=12, jumps=0, prose=False) -> folder/edition.yaml
"""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import yaml

from layout.tools.copyfit import fit_fillers

HEADS = ["城市更新激活发展新动能", "长江经济带绿色转型提速", "科技创新赋能传统产业", "乡村振兴绘就美丽画卷",
         "民生实事件件有着落", "文旅融合点亮夜经济", "数字政务跑出加速度", "重大项目建设按下快进键",
         "湿地保护修复成效显著", "职业教育培养大国工匠", "轨道交通织密出行网络", "外贸企业开拓新市场"]
NAMES = ["李明", "王芳", "陈静", "刘洋", "张华", "赵磊", "周婷", "吴刚", "郑洁", "孙悦"]
KICKERS = ["建设具有全国影响力的科技创新中心", "上半年全市经济运行稳中有进", "长江中游航运中心建设提速"]
SUBHEADS = ["21项关键核心技术达到国际领先水平", "高技术制造业增加值增长15.3%", "“江海直达”航线增至18条"]
CAPTIONS = ["列车驶过江城站。", "全科医生周敏在社区卫生服务中心为居民检查身体。"]
PAGE_LINES = 102
MIN_ROW = 18
FILL = 0.85  # real text sets looser than filler (quotes, digits, short last lines): this share of its length fits
INTERTITLES = 0.15  # the chance of an intertitle after a paragraph of a longer story


def write_irregular(seed: int, folder: Path, pages: int = 12, jumps: int = 0, prose: bool = False) -> Path:
    """Write an irregular edition of `pages` pages (A1...) into `folder`; its manifest's path.
    `jumps`: stories continued on a later page (下转/上接), each taking a later story's frame.
    `prose`: bodies of real text in story files instead of filler."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "photos").mkdir(exist_ok=True)
    shutil.copy(Path(__file__).resolve().parents[2] / "editions" / "sample" / "photos" / "lab.jpg",
                folder / "photos" / "p.jpg")
    serial = [seed * 1000]
    out = {f"A{n}": _page(rng, serial, n == 1) for n in range(1, pages + 1)}
    _jump(rng, out, jumps)
    manifest = {"edition": {"paper": "江城日报", "date": "2026-08-19", "number": 25312, "style": "broadsheet"},
                "sections": [{"id": "A", "name": "要闻", "pages": pages}], "pages": out}
    path = folder / "edition.yaml"
    path.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, default_flow_style=None),
                    encoding="utf-8")
    fit_fillers(path)
    if prose:
        manifest = yaml.safe_load(path.read_text(encoding="utf-8"))
        _prose(rng, manifest["pages"], folder)
        path.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False, default_flow_style=None),
                        encoding="utf-8")
    return path


def _jump(rng: random.Random, pages: dict, jumps: int) -> None:
    """Continue `jumps` stories on later pages: a later story's frame becomes the
    continuation (with a 续题), the jumped story's filler grows by what that frame held."""
    labels = list(pages)
    for _ in range(jumps):
        i = rng.randrange(len(labels) - 1)
        j = rng.randrange(i + 1, len(labels))
        src = [s for s in pages[labels[i]]["stories"] if "continues" not in s and "continued" not in s
               and not isinstance(s["headline"], dict)]
        dst = [k for k, s in enumerate(pages[labels[j]]["stories"]) if "id" in s and "continues" not in s
               and s["frame"]["span"] >= 2]
        if not src or not dst:
            continue
        story, k = rng.choice(src), rng.choice(dst)
        taken = pages[labels[j]]["stories"][k]
        story["continues"] = labels[j]
        story["body"]["filler"]["chars"] += taken["body"]["filler"]["chars"]
        pages[labels[j]]["stories"][k] = {"continued": story["id"], "frame": taken["frame"],
                                          "headline": rng.choice(HEADS)[:8]}


def _sample_paragraphs() -> list[str]:
    """The bundled sample's body paragraphs (intertitles included), in file order."""
    stories = Path(__file__).resolve().parents[2] / "editions" / "sample" / "stories"
    out = []
    for f in sorted(stories.iterdir()):
        if f.suffix in (".txt", ".md"):
            out += [p.strip() for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    return out


def _prose(rng: random.Random, pages: dict, folder: Path) -> None:
    """Replace each filler body by real paragraphs in `stories/<id>.md`: FILL of what the
    fitted filler held, cut at a sentence end, with an intertitle now and then in longer
    stories and each story's figures its own (every story's text differs)."""
    paragraphs = _sample_paragraphs()
    (folder / "stories").mkdir(exist_ok=True)
    for page in pages.values():
        for st in page["stories"]:
            if "body" not in st:
                continue
            room = int(st["body"]["filler"]["chars"] * FILL)
            i, text, out = rng.randrange(len(paragraphs)), 0, []
            while text < room:
                para = paragraphs[i % len(paragraphs)]
                i += 1
                if para.startswith("## ") and (not out or text + 60 > room):
                    continue
                if room - text < len(para):
                    cut = para.rfind("。", 0, room - text)
                    if cut < 10:
                        break
                    para = para[:cut + 1]
                out.append(re.sub(r"\d", lambda _: str(rng.randrange(10)), para))  # each story its own figures
                text += len(para)
                if room > 600 and rng.random() < INTERTITLES and text + 80 < room:
                    out.append("## " + rng.choice(SUBHEADS)[:10])
            if out and out[-1].startswith("## "):
                out.pop()
            if not out:
                out = ["记者从市统计局获悉，全市经济运行稳中有进。"]
            (folder / "stories" / f"{st['id']}.md").write_text("\n\n".join(out) + "\n", encoding="utf-8")
            st["body"] = f"stories/{st['id']}.md"


def _page(rng: random.Random, serial: list[int], front: bool) -> dict:
    first = 12 if front else 0  # the front page's masthead
    stories, photos, boxes = [], [], []
    col = 1
    for width in rng.choice([[5, 3], [3, 5], [4, 4], [2, 6], [6, 2], [3, 3, 2]]):  # column groups
        rows = rng.choice([2, 3, 3, 4]) if width >= 3 else rng.choice([1, 2, 3])
        cuts = sorted(rng.sample(range(first + MIN_ROW, PAGE_LINES - MIN_ROW), rows - 1)) if rows > 1 else []
        cuts = [c for i, c in enumerate(cuts) if i == 0 or c - cuts[i - 1] >= MIN_ROW]
        tops = [first] + cuts
        for i, top in enumerate(tops):
            lines = (tops[i + 1] if i + 1 < len(tops) else PAGE_LINES) - top
            split = [width]
            if width >= 4 and rng.random() < 0.4:
                a = rng.randint(2, width - 2)
                split = [a, width - a]
            c = col
            for w in split:
                serial[0] += 1
                frame = {"col": c, "span": w, "top": top, "lines": lines}
                _frame(rng, serial[0], frame, stories, photos, boxes)
                c += w
        col += width
    page: dict = {"editor": rng.choice(NAMES)}
    if front:
        page["template"] = "front"
    page["stories"] = stories
    if photos:
        page["photos"] = photos
    if boxes:
        page["boxes"] = boxes
    return page


def _frame(rng: random.Random, n: int, frame: dict, stories: list, photos: list, boxes: list) -> None:
    w, lines, r = frame["span"], frame["lines"], rng.random()
    if r < 0.08 and w >= 2:
        photos.append({"id": f"p{n}", "file": "photos/p.jpg", "frame": frame, "caption": CAPTIONS[1],
                       "credit": "本报记者 陈亮 摄", "fit": "cover"})
        return
    if r < 0.15 and w >= 2 and lines <= 30:
        boxes.append({"id": f"b{n}", "frame": frame, "title": rng.choice(["导读", "简讯", "数读"]),
                      "text": "本报今推《奋进支点建设》系列特刊，全景展现江城建设中部战略支点的新作为新成效。"
                      * max(1, lines * w // 40)})
        return
    st: dict = {"id": f"s{n}", "frame": frame}
    if w == 1 or (w == 2 and lines >= 25 and rng.random() < 0.3):
        st["headline"] = {"text": rng.choice(HEADS)[:8], "vertical": True}
    else:
        st["headline"] = rng.choice(HEADS)
        if w >= 3 and rng.random() < 0.3:
            st["kicker"] = rng.choice(KICKERS)
        if w >= 3 and rng.random() < 0.3:
            st["subhead"] = rng.choice(SUBHEADS)
    st["byline"] = f"本报记者 {rng.choice(NAMES)}"
    if w >= 3 and lines >= 30 and rng.random() < 0.35:
        st["photos"] = [{"id": f"ph{n}", "file": "photos/p.jpg", "columns": 2, "lines": rng.randint(10, 16),
                         "caption": rng.choice(CAPTIONS), "credit": "本报记者 陈亮 摄"}]
    head = 9 if ("kicker" in st or "subhead" in st) else 5
    room = (lines - head) * w * 13 - (200 if "photos" in st else 0)
    st["body"] = {"filler": {"seed": n, "chars": int(max(60, room) * 0.85)}}
    stories.append(st)
