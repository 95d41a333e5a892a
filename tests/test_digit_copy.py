"""Digit-heavy copy (prices, dates, percentages, scores, years, phone numbers) set as the build
sets it: the same properties the shared typography audit measures on the sample edition.

Numbers are where a solid-set broadsheet goes loose: proportional digits leave slack on the
character grid that only letter-spacing can take.  The bundled faces now set 0-9 and the marks inside
numbers half-width (½ em, tabular), paragraph-wide breaking may hang a pause or stop, and a
stretched line opens its Han–digit boundaries a little (⅛ em at most) before letter-spacing;
this edition, which no sample page resembles, checks how both hold up on copy made of
little else.
"""

from __future__ import annotations

import random
import statistics
import textwrap
from pathlib import Path

import pytest

from layout.build.pipeline import BuildOptions, build
from layout.fonts.catalogue import load_fontbook
from layout.model.styles import load_style
from layout.pdf.verify import pdf_page_chars
from layout.text import totalfit
from tests.support.audit import audit_pdf, loose_exceptions

SENTENCES = (
    "2026年8月18日，江城市统计局发布数据，上半年全市地区生产总值达到9876.5亿元，同比增长6.1%。",
    "7月份居民消费价格同比上涨0.8%，环比下降0.2%，其中猪肉价格每公斤28.6元，比上月回落1.4元。",
    "新鲜蔬菜平均批发价格为每公斤4.35元，鸡蛋每公斤9.8元，大米每公斤5.2元，价格总体平稳。",
    "在昨晚进行的足球联赛第18轮比赛中，江城队主场以3∶1战胜对手，积分升至第2位。",
    "篮球比赛中，江城队以98∶95险胜，全场命中率达到51.2%，三分球23投11中。",
    "市民可拨打12345政务服务热线或027-85551234咨询，热线每天8∶30至20∶00有专人接听。",
    "报名时间为7月1日至9月30日，截至8月15日已有1.26万人报名，比去年同期增加3420人。",
    "该项目总投资约56亿元，计划于2027年底建成，2028年6月投入使用，预计年接待游客300万人次。",
    "1998年特大洪水之后，江城累计投入堤防建设资金超过120亿元，加固堤防达487.3公里。",
    "到2035年，全市常住人口城镇化率将达到85%左右，人均公园绿地面积不低于15平方米。",
    "今年前7个月，全市新增城镇就业16.8万人，城镇调查失业率为5.1%，比一季度下降0.3个百分点。",
    "全市共有各类学校2316所，在校学生189.7万人，专任教师12.4万人，师生比为1∶15.3。",
    "地铁12号线全长59.9公里，设车站37座，最高时速100公里，早高峰行车间隔为4分30秒。",
    "新能源汽车产量达到32.5万辆，同比增长45.7%，占全市汽车产量的比重提高到38.2%。",
    "第四季度计划完成投资473亿元，其中基础设施投资215亿元，产业投资182亿元，民生投资76亿元。",
    "该款手机售价为3999元，首批1.5万台在上线后10分钟内售罄，预约人数超过28万。",
    "全市85岁以上老人每月可领取高龄津贴200元，90岁以上300元，100岁以上500元。",
    "气象台预计，19日白天最高气温37℃，夜间最低气温28℃，相对湿度为65%至85%。",
    "本届马拉松赛吸引了来自32个国家和地区的3.2万名选手参赛，男子组冠军成绩为2小时09分15秒。",
    "截至6月底，全市金融机构本外币存款余额为4.26万亿元，贷款余额为3.87万亿元，同比分别增长8.9%和10.3%。",
    "去年全市接待国内外游客3.1亿人次，旅游总收入4128亿元，分别恢复到2019年的112%和108%。",
    "第1至第3名将分别获得奖金5000元、3000元和2000元，获奖名单将于9月10日公布。",
    "该小区共有住户1260户，加装电梯48部，改造管网12.6公里，新增停车位386个。",
    "医院日均门诊量达到1.2万人次，平均住院日缩短至6.8天，患者满意度为96.5%。",
    "高速公路日均车流量约为18.6万辆次，节假日高峰时段最高达到25.3万辆次。",
    "5G基站累计建成4.2万个，千兆光网覆盖家庭超过520万户，用户数增长27.4%。",
)
INTRO = "记者从有关部门获悉，"


def digit_copy(seed: int, chars: int) -> str:
    """Paragraphs of 3-5 digit-heavy sentences, some after a 2-em indent that opens with an
    attribution, in a seeded order: about `chars` characters."""
    rng = random.Random(seed)
    paras: list[str] = []
    total = 0
    while total < chars:
        k = rng.randint(3, 5)
        p = "".join(rng.sample(SENTENCES, k))
        if rng.random() < 0.3:
            p = INTRO + p
        paras.append(p)
        total += len(p)
    return "\n\n".join(paras)


def write_digit_edition(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    stories = []
    for page, label in enumerate(("A1", "A2")):
        rows = []
        for k, (col, span) in enumerate(((1, 3), (4, 3), (7, 2))):
            sid = f"d{page}{k}"
            (root / f"{sid}.txt").write_text(digit_copy(100 * page + k, 1900 if span == 3 else 1300), encoding="utf-8")
            rows.append(f"      - {{id: {sid}, frame: {{col: {col}, span: {span}, top: 0, lines: auto}}, "
                        f"headline: 上半年主要经济指标发布, body: {sid}.txt}}")
        stories.append(f"  {label}:\n    editor: 王晓\n    stories:\n" + "\n".join(rows))
    manifest = textwrap.dedent("""\
        edition: {paper: 江城日报, date: 2026-08-19, number: 25312, style: broadsheet}
        sections:
          - {id: A, name: 要闻, pages: 2}
        pages:
        """) + "\n".join(stories) + "\n"
    path = root / "edition.yaml"
    path.write_text(manifest, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def digit_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("digit-copy")
    path = write_digit_edition(root / "ed")
    res = build(path, BuildOptions(out_dir=root / "out", verify=True))
    return res, (root / "out" / "江城日报-2026-08-19.pdf").read_bytes(), root / "ed"


def test_the_copy_is_digit_heavy():
    text = digit_copy(1, 2000)
    assert sum(ch.isdigit() for ch in text) > len(text) / 6
    for kind in ("%", "∶", "元", "年", "027-", "℃", "."):
        assert kind in text


@pytest.mark.slow
def test_digit_heavy_copy_passes_the_audit(digit_build, measurements):
    res, pdf, root = digit_build
    assert not [f for f in res.findings if f.severity.name == "ERROR"], [str(f) for f in res.findings]
    assert not [f for f in res.findings if f.code == "fidelity"], [str(f) for f in res.findings]
    style = load_style("broadsheet")
    widths = load_fontbook().metrics("song").widths
    a = audit_pdf(pdf, style.body_size, widths, style.kinsoku)
    assert a.kinsoku == [] and a.split_pairs == 0
    assert statistics.median(a.spreads) <= 0.1 and a.grid_share >= 0.99
    gaps = [g for g, _ in a.spacing]
    assert len(gaps) > 400
    loose = sum(g > totalfit.LOOSE + 1e-6 for g in gaps) / len(gaps)
    very = sum(g > totalfit.VERY_LOOSE + 1e-6 for g in gaps) / len(gaps)
    worst = [t for g, t in a.spacing if g > totalfit.WORST + 1e-6]
    paragraphs = [p for f in sorted(root.glob("d*.txt")) for p in f.read_text(encoding="utf-8").split("\n\n")]
    exceptions, _ = loose_exceptions(paragraphs, widths, 13.0, 2.0, totalfit.WORST)
    measurements("digit-heavy copy (built PDF)",
                 f"{len(gaps)} full body lines: {100 * loose:.2f} % loose, {100 * very:.2f} % very loose, "
                 f"{len(worst)} looser than {totalfit.WORST} em ({len(exceptions)} before a token wider than the slack)")
    # The targets: 2 % loose, 0.2 % very loose, none beyond 0.25 em but before a token
    # wider than the slack.  Before half-width figures and hung marks this copy measured 18.9 %
    # loose (0.6 % very loose); with them 7.8 %: half an em of slack (an odd number of
    # half-width cells) on lines of few ideographs.  Opening the Han–digit/Latin boundaries of
    # such a line by up to ⅛ em (clreq expansion ②, after 0.03 em of letter-spacing) takes it:
    # 1.6 %.
    assert very <= 0.002
    assert loose <= 0.02
    for text in worst:  # only before a token wider than the line's slack
        assert text in exceptions and exceptions[text][2] > exceptions[text][1], text


@pytest.mark.slow
def test_digits_are_half_width_and_read_back_exactly(digit_build):
    res, pdf, root = digit_build
    style = load_style("broadsheet")
    size = style.body_size
    chars = [c for c in pdf_page_chars(pdf, 0) if abs(c.size - size) < 0.05]
    steps = [q.x - p.x for p, q in zip(chars, chars[1:])
             if p.ch.isdigit() and q.ch.isdigit() and abs(p.y - q.y) < 0.01]
    assert len(steps) > 200
    # two digits of a number are half an em apart (plus the line's letter-spacing, if any)
    assert statistics.median(steps) == pytest.approx(size / 2, abs=0.01)
    assert all(size / 2 - 0.01 <= s <= size / 2 + 0.25 * size for s in steps)
    text = "".join(c.ch for c in pdf_page_chars(pdf, 0))
    for phrase in ("3∶1", "027-85551234", "9876.5亿元", "6.1%", "2026年8月18日", "98∶95"):
        assert phrase in text or phrase not in (root / "d00.txt").read_text(encoding="utf-8") + \
            (root / "d01.txt").read_text(encoding="utf-8") + (root / "d02.txt").read_text(encoding="utf-8")
