"""A small edition written into a test's folder: 4 pages (A1 front with a jump to A3, a
vertical headline, an in-story photo, a balanced story; A2; A3; T1), used by the tests of
composition, cache, watch, modes and the rest.  Test-only."""

from __future__ import annotations

import textwrap
from pathlib import Path

from PIL import Image as PILImage

LEAD = ("8月18日，江城市召开医疗科技创新大会，集中发布112项核心医疗技术成果。“这些成果覆盖了诊断、治疗和康复的全链条。”"
        "市卫健委负责人介绍，其中32项领航技术已经达到国际先进水平。今年上半年，全市生物医药产业营收同比增长12.5%。")


def write_edition(root: Path, extra_a1: str = "", lead_chars: int = 3000) -> Path:
    (root / "photos").mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", (1200, 900), (90, 120, 160)).save(root / "photos" / "p.jpg", quality=80)
    body = "\n\n".join([LEAD] * (lead_chars // len(LEAD) + 1))
    (root / "lead.txt").write_text(body, encoding="utf-8")
    manifest = textwrap.dedent(f"""\
        edition: {{paper: 江城日报, date: 2026-08-19, number: 25312, style: broadsheet}}
        sections:
          - {{id: A, name: 要闻, pages: 3}}
          - {{id: T, name: 特刊, label: "T{{n}}", pages: 1}}
        pages:
          A1:
            template: front
            editor: 王晓
            stories:
              - id: lead
                frame: {{col: 1, span: 4, top: 12, lines: 40}}
                kicker: 国际医疗创新高地建设进入快车道
                headline: 江城发布112项核心医疗技术成果
                subhead: 32项领航技术对标国际医学前沿
                byline: 本报讯（记者李明 通讯员张华）
                body: lead.txt
                continues: A3
                see_also: T1
              - id: vert
                frame: {{col: 5, span: 4, top: 12, lines: 40}}
                headline: {{text: 长江大桥通车十周年, vertical: true}}
                body: {{filler: {{seed: 5, chars: 1200}}}}
              - id: bal
                frame: {{col: 1, span: 3, top: 52, lines: 50}}
                headline: 湿地公园迎来候鸟季
                balance: true
                body: {{filler: {{seed: 6, chars: 900}}}}
              - id: inphoto
                frame: {{col: 4, span: 5, top: 52, lines: 50}}
                headline: 轨道交通十二号线开通
                body: {{filler: {{seed: 7, chars: 2300}}}}
                photos:
                  - {{id: ph, file: photos/p.jpg, columns: 2, lines: 16, caption: 列车驶过江城站。, credit: 本报记者陈亮 摄}}
            {extra_a1}
          A2:
            editor: 李华
            stories:
              - {{id: a2s, frame: {{col: 1, span: 8, top: 0, lines: 20}}, headline: 城市更新激活发展新动能, body: {{filler: {{seed: 9, chars: 800}}}}}}
          A3:
            editor: 李华
            stories:
              - {{continued: lead, frame: {{col: 1, span: 4, top: 0, lines: 40}}}}
          T1:
            editor: 赵敏
        """)
    path = root / "edition.yaml"
    path.write_text(manifest, encoding="utf-8")
    return path
