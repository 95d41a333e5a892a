"""`layout new DIR`: write a small edition that builds, as a starting point.

In: a folder that does not exist yet (or is empty).  Out: DIR/edition.yaml and
DIR/stories/lead.txt; the manifest's first line points editors at the bundled JSON
Schema (yaml-language-server) for completion and validation while typing.

The frames are sized for the broadsheet style so that nothing oversets and every frame's
`lines:` is the value `layout check --fit` gives (no grid line to spare).  `layout build
DIR` writes DIR/output/, as the message of `layout new` says.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from layout import paths
from layout.errors import ManifestError, Problem

LEAD = """\
8月18日清晨，江城滨江绿道最后一段贯通，全长42公里的环城绿道正式向市民开放。从二桥公园到南湖湿地，骑行者第一次可以沿着江岸一路向东，不必再绕行主干道。

“以前下班骑车回家，要在车流里穿三个路口，现在沿着江边走，比原来还快十分钟。”家住江南区的市民陈静说。她和同事组织的骑行群，当天早上就有30多人相约试骑。

据市园林局介绍，这条绿道分三期建设，历时四年。改造中保留了沿线127棵老樟树，新建驿站18处、亲水平台9座，并为夜跑人群加装了感应照明。绿道全线设置了无障碍坡道，轮椅和婴儿车可以无阻通行。沿线的12处积水点也在改造中一并整治，今年汛期经受住了连续强降雨的考验。

清晨六点，绿道上已经热闹起来：晨练的老人在樟树下打太极，跑步的年轻人戴着耳机从身边掠过，几位摄影爱好者守在亲水平台上，等着拍江面上的第一缕阳光。70岁的刘大爷在江边住了大半辈子，他说：“小时候这里是堆煤的码头，现在成了公园，孙子放学后最喜欢来这里放风筝。”

绿道也带动了周边街区的更新。原先闲置的码头仓库被改造成书店和咖啡馆，老街的早点铺子重新排起了长队。一位经营了二十年热干面馆的店主说，这个月的客流比去年同期多了近一半。

市园林局有关负责人表示，下一步将完善绿道与地铁站、公交站的接驳，增设自行车停放点，并邀请市民参与沿线植物的认养和养护，让这条江边的“绿丝带”真正成为大家共同的家门口公园。绿道沿线还将陆续开设便民服务点，为市民提供饮水、休憩和应急救助等服务，周末还会举办露天音乐会和亲子活动。
"""


def _manifest(schema: Path, date: dt.date) -> str:
    return f"""\
# yaml-language-server: $schema={schema}
# A small edition made by `layout new`: check its fit with `layout check --fit edition.yaml`,
# build it with `layout build edition.yaml` (the PDFs go to output/ in this folder).
# Every page a section declares needs an entry below (`T2: {{blank: true}}` for one left empty).
# Frames are grid cells: col (1-8), span (columns), top (first grid line, 0-101),
# lines (grid lines).  Front pages reserve lines 0-11 for the masthead.
edition:
  paper: 江城日报
  date: {date.isoformat()}
  number: 1
  style: broadsheet
sections:
  - {{id: A, name: 要闻, pages: 2}}
  - {{id: T, name: 城市周刊, label: "T{{n}}", pages: 1}}
pages:
  A1:
    template: front
    editor: 王晓
    stories:
      - id: greenway
        frame: {{col: 1, span: 5, top: 12, lines: 19}}
        kicker: 全长42公里 沿线新建驿站18处
        headline: 滨江绿道全线贯通
        subhead: 骑行者可沿江岸从二桥公园直达南湖湿地
        byline: 本报讯（记者李明 通讯员张华）
        body: stories/lead.txt
      - id: market
        frame: {{col: 6, span: 3, top: 12, lines: 24}}
        headline: 老街早市焕新开张
        body: {{filler: {{seed: 7, chars: 737}}}}
    boxes:
      - id: tips
        frame: {{col: 6, span: 3, top: 36, lines: 8}}
        title: 出行提示
        text: |-
          绿道全天开放，夜间照明至23时。
          沿线18处驿站提供饮水、充电和自行车维修服务。
          地铁2号线江滩站A出口距绿道入口约200米。
  A2:
    editor: 李华
    stories:
      - id: metro
        frame: {{col: 1, span: 4, top: 0, lines: 32}}
        headline: 地铁12号线进入联调阶段
        body: {{filler: {{seed: 11, chars: 1433}}}}
  T1:
    editor: 赵敏
    stories:
      - id: weekend
        frame: {{col: 1, span: 3, top: 0, lines: 8}}
        headline: 周末去哪儿
        body:
          - 本周末，南湖湿地将举办观鸟节，市民可在志愿者的带领下辨认二十多种水鸟。
          - 江城博物馆的“长江文明”特展延长开放至本月底，周六晚间开放至21时。
          - 汉正街老字号美食节周六开幕，四十多家老店带来热干面、豆皮、面窝等传统小吃。
          - 东湖绿道周日上午举行亲子骑行活动，报名可拨打热线咨询。
"""


def scaffold(target: Path) -> Path:
    """Write a small edition into `target`; returns the path of its edition.yaml."""
    target = Path(target)
    if target.exists():
        if not target.is_dir():
            raise ManifestError(Problem(f"{target} exists and is not a folder",
                                        hint="choose a new folder name for the edition"))
        if any(target.iterdir()):
            raise ManifestError(Problem(f"{target} is not empty; refusing to write an edition into it",
                                        hint="choose a new folder or empty this one"))
    schema = paths.home() / "layout" / "model" / "schema" / "edition.schema.json"
    try:
        (target / "stories").mkdir(parents=True, exist_ok=True)
        (target / "stories" / "lead.txt").write_text(LEAD, encoding="utf-8")
        manifest = target / "edition.yaml"
        manifest.write_text(_manifest(schema, dt.date.today()), encoding="utf-8")
    except OSError as e:
        raise ManifestError(Problem(f"cannot write the edition into {target}: {e.strerror}")) from None
    return manifest
