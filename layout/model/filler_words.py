"""The filler's vocabulary: slot name -> ready-made strings (layout.model.filler fills its
sentence templates from SLOTS).  Kept apart from the generator because it is data: a
long list of original wordings, numbers and quotes, read once at import.
"""

from __future__ import annotations

import itertools

# Everything below is original wording written for this project.  Each slot is
# a tuple of ready strings; a name repeated inside a tuple acts as a weight.

def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PLACE = _words("""
    江城 全市 本市 江城 全市 江北区 江南区 临江区 青峰区 滨江新区 青湖高新区
    长湖县 白沙湾片区 月湖街道 江城科学城 临空经济区 沿江商务区 西湾片区
    鼓楼街道 江城经开区 南岸片区 新港物流园
""")
ORG = _words("""
    市发展改革委 市科技局 市经济和信息化局 市交通运输局 市住房和城乡建设局
    市生态环境局 市教育局 市卫生健康委 市文化和旅游局 市商务局 市统计局
    市人力资源和社会保障局 市自然资源和规划局 市水务局 市市场监管局 市民政局
    市农业农村局 市体育局 市数据局 江城海关 市城市管理执法委 市金融工作局
""")
SUBJ = _words("""
    企业 高校 科研院所 龙头企业 中小企业 各社区 基层干部 广大党员 市民 居民
    创业团队 建设者 志愿者 医护人员 青年人才 专家学者 施工单位 各区 各部门
    各类市场主体 园区企业 金融机构
""")
ADV = _words("""
    积极 主动 持续 不断 进一步 全力 加快 扎实 稳步 大力 着力 深入 有序
""")
# Verb-object pairs are built from groups that go together, so that the
# phrases read like real copy ("优化营商环境", not "优化全民健身").
_VP_GROUPS = (
    ("推动 促进 加快 推进", """高质量发展 产业升级 绿色低碳转型 科技成果转化 城市更新 文旅融合
        乡村振兴 老旧小区改造 智慧城市建设 产学研协同 数字化转型 项目建设"""),
    ("优化 改善 提升", """营商环境 公共服务 社区服务 人居环境 城市品质 通行效率 办事体验
        服务水平"""),
    ("培育 壮大 发展", """先进制造业 光电子信息产业 新能源汽车产业 生物医药产业 数字经济
        新兴产业集群 平台经济 夜间经济 银发经济"""),
    ("完善 健全", """基层治理体系 公共文化服务体系 养老服务体系 应急管理体系
        现代化产业体系 多元化投入机制 常态化帮扶机制"""),
    ("加强 强化", """生态环境保护 长江大保护 水环境治理 城市安全运行 要素保障
        人才支撑 统筹协调 监测预警"""),
    ("扩大 增加", """优质教育资源供给 优质医疗资源供给 有效投资 高水平对外开放 绿色空间"""),
    ("打造 建设 构建", """综合交通枢纽 创新生态 国际消费中心城市 科创高地 十五分钟生活圈
        产业创新走廊 滨江文化带 人才社区"""),
    ("服务 支持 保障", """企业发展 群众就业 项目落地 重大工程建设 民营经济发展"""),
)
VP = tuple(v + o for verbs, objs in _VP_GROUPS
           for v in verbs.split() for o in objs.split())
OBJ = _words("""
    科技创新 产业升级 营商环境 公共服务 城市更新 基础设施建设 生态环境保护
    乡村振兴 数字经济 民生保障 人才引进 高质量发展 现代化产业体系 对外开放
    消费市场 文旅融合 综合交通枢纽 城市治理 社区服务 医疗卫生 基础教育
    就业创业 先进制造业 光电子信息产业 新能源汽车产业 生物医药产业
    绿色低碳转型 长江大保护 水环境治理 老旧小区改造 一老一小服务
    应急管理 基层治理 科技成果转化 产学研协同 城市安全运行
    公共文化服务 全民健身 招商引资 创新生态 产业链供应链 开放型经济
    农村人居环境 智慧城市建设 职业教育
""")
ADJ = _words("""
    高质量 全方位 多层次 高水平 系统化 精细化 智能化 便利化 常态化 一体化
    标准化 有力 坚实
""")
PROJ = _words("""
    重点项目 重大工程 产业项目 民生项目 基础设施项目 科创平台 示范园区
    创新中心 服务中心 产业园 城建项目 招商项目
""")
STATUS = _words("""
    集中开工 顺利投产 加速推进 建成投用 全面铺开 落地见效 按下快进键
    跑出加速度 取得阶段性成果 进展顺利 全面完工
""")
RESULT = _words("""
    取得明显成效 迈上新台阶 实现新突破 呈现良好态势 交出亮眼成绩单
    保持稳中有进 显著增强 持续改善 稳步提升 明显提高 好于预期
""")
METRIC = _words("""
    地区生产总值 规模以上工业增加值 社会消费品零售总额 固定资产投资 进出口总额
    高技术制造业增加值 研发投入 技术合同成交额 旅游综合收入 实际使用外资
    数字经济核心产业增加值 工业投资 居民人均可支配收入 港口集装箱吞吐量
    快递业务量 高新技术产业增加值
""")
RISE = _words("""
    同比增长 增长 同比提高 较上年增长 环比增长 同比增长 增速达到
""")
DONE = _words("建成 实施 引进 签约 储备 完成 启动 落地")
PLAN = tuple(f"{verb}{n}{thing}" for verb, things in (
    ("新建", "个口袋公园 个社区食堂 所中小学 个养老服务站点 个公共停车场"),
    ("改造", "个老旧小区 条背街小巷 座农贸市场"),
    ("新开", "条公交线路 条定制公交 家社区医院"),
    ("打通", "条断头路 条城市绿道"),
    ("筹集", "套保障性住房 套人才公寓"),
) for thing in things.split() for n in range(3, 60, 4))
SERVICE = _words("公共服务 医疗服务 教育资源 养老服务 文体服务 便民服务")
NEWCOUNT = _words("""
    高新技术企业 科技型中小企业 专精特新企业 市场主体 就业岗位 创新平台
    养老服务站点 社区食堂 托育机构 公共充电桩
""")
BENEFIT = _words("""
    惠及群众 服务市民 吸引游客 带动就业 接待观众 服务企业
""")
OPENER = _words("""
    近年来 今年以来 据了解 与此同时 此外 目前 下一步 据统计 数据显示
    记者在现场看到 记者注意到 值得一提的是 今年上半年 前7个月 1至7月
    截至目前 近日 日前 在此基础上 接下来 总体来看 从长远看
""")
NAME = _words("""
    王建国 李晓燕 张伟 刘洋 陈静 杨帆 赵磊 黄敏 周涛 吴倩 徐浩 孙丽 胡斌
    朱琳 高翔 林峰 何芳 郭亮 马骏 罗红 梁晨 宋佳 郑凯 谢婷
""")
ROLE = _words("""
    项目负责人 企业负责人 社区党委书记 市民 江城大学教授 总工程师 区委书记
    车间主任 园区管委会主任 一线技术员 创业者 志愿者 老党员 幼儿园园长
""")
QUOTE = tuple(q.strip() for q in """
我们要把每一个项目当作民生工程来抓，确保按期保质完成。
以前办一件事要跑好几个部门，现在在App上点一点就办好了！
这里的每一寸土地都要产生效益，每一个项目都要经得起检验。
企业最需要的是稳定的预期，我们就在这方面下功夫。
孩子放学后有地方去，我们上班也安心了。
数据多跑路，群众少跑腿，这是我们一直坚持的方向。
江边的步道修好了，每天晚饭后来走一走，心情特别舒畅。
下一步，我们将围绕产业链部署创新链，让更多成果在江城落地。
这条线路开通后，从家到单位只要20分钟。
我们的产品已经出口到30多个国家和地区，订单排到了明年。
为什么选择江城？因为这里有人才、有市场、有服务。
政策好不好，要看企业和群众的获得感。
老小区加装了电梯，八十多岁的老人也能天天下楼晒太阳了。
科研不能关起门来做，要到生产一线去找问题。
只要方向对了，就不怕路远。
现在园区的配套越来越好，年轻人愿意留下来了。
我们把会议室搬到了工地上，有问题当场解决。
家门口就有食堂，饭菜可口，价格实惠，真是太好了！
这项技术填补了国内空白，关键指标达到国际先进水平。
服务企业没有休息日，企业有需要，我们随叫随到。
""".strip().splitlines())
ELLIPSIS_QUOTE = tuple(q.strip() for q in """
从图纸到实物，我们整整用了三年……
江水清了，鱼回来了，白鹭也回来了……
说实话，刚开始我们心里也没底……
一开始只有几个人、几台电脑……
""".strip().splitlines())
BOOK = _words("""
    江城市优化营商环境条例 江城市城市更新三年行动方案
    关于加快建设科技创新中心的实施意见 江城市生态环境保护规划
    江城市综合交通发展规划 关于促进民营经济高质量发展的若干措施
    江城市全民健身实施计划 政府工作报告 江城市数字经济发展白皮书
    江城市历史文化名城保护条例 江城日报 江城市养老服务体系建设规划
""")
ABBR = _words("""
    一网通办 高效办成一件事 江城快办 十五分钟生活圈 口袋公园 揭榜挂帅
    链长制 智慧工地 城市大脑 河湖长制 一站式服务 夜经济 首店经济 小巷管家
""")
SITE = _words("""
    施工现场 生产车间 实验室 社区服务中心 江滩公园 产业园区 物流园区
    港口码头 老街区 湿地公园 科创大厦 高铁站
""")
INDUSTRIES = _words("光电子信息 新能源汽车 生命健康 高端装备 北斗应用 人工智能 新材料")
SERVICES = _words("养老 托育 助餐 家政 医疗 文体")
NETWORKS = _words("交通 水利 能源 通信 物流 市政")
STAGES = _words("研发 设计 制造 检测 销售 运维")
PARTAKE = _words("""
    城市更新 社区治理 志愿服务 乡村振兴 科技创新 生态环境保护 全民健身
    垃圾分类 文明城市创建
""")
FUTURE = _words("2027年 2028年 2030年 2035年")


def _triples(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("、".join(t) for t in itertools.permutations(words, 3))


def _pairs(template: str, words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(template.format(a, b) for a in words for b in words if a != b)


INDUSTRY3 = _triples(INDUSTRIES)
SERVICE3 = _triples(SERVICES)
NETWORK3 = _triples(NETWORKS)
STAGE3 = _triples(STAGES)
DRIVE = _pairs("以{}带动{}", OBJ)

# Numbers as ready strings (the weighting makes the current year common).
YEAR = ("2026年",) * 6 + ("2024年", "2025年", "2023年")
DATE = tuple(f"{m}月{d}日" for m in (6, 7, 8) for d in range(1, 29))
MONTH_END = tuple(f"{m}月底" for m in range(3, 9))
QUARTER = tuple(f"第{q}季度" for q in (1, 2, 3, 4))
PCT = tuple(f"{i / 10:.1f}%" for i in range(5, 300))
AMOUNT = tuple(f"{n}亿元" for n in range(3, 600)) + tuple(
    f"{n}.{d}亿元" for n in range(1, 60) for d in range(1, 10))
NUM = tuple(str(n) for n in range(2, 100)) + tuple(str(n) for n in range(100, 400, 7))
SMALLNUM = tuple(str(n) for n in range(2, 40))
TEMP = tuple(f"{t}℃" for t in range(26, 40))
LATIN_CLAUSE = _words("""
    已累计建成5G基站{NUM}个 政务服务平台“江城快办”App已上线{NUM}项服务 AI辅助诊断系统覆盖{SMALLNUM}家医院
    沿江CBD新增入驻企业{NUM}家 地区生产总值（GDP）增长{PCT} 公共场所免费Wi-Fi覆盖率达到{PCT}
    首只科创主题ETF在江城发行 基于AI的城市运行平台上线试运行 {SMALLNUM}条公交线路实现5G信号全覆盖
""")

SLOTS = {
    "PLACE": PLACE, "ORG": ORG, "SUBJ": SUBJ, "ADV": ADV, "VP": VP,
    "OBJ": OBJ, "ADJ": ADJ, "PROJ": PROJ, "STATUS": STATUS, "RESULT": RESULT,
    "METRIC": METRIC, "RISE": RISE, "DONE": DONE, "PLAN": PLAN, "SERVICE": SERVICE,
    "NEWCOUNT": NEWCOUNT, "BENEFIT": BENEFIT, "OPENER": OPENER, "NAME": NAME,
    "ROLE": ROLE, "QUOTE": QUOTE, "ELLIPSIS_QUOTE": ELLIPSIS_QUOTE,
    "BOOK": BOOK, "ABBR": ABBR, "SITE": SITE, "FUTURE": FUTURE,
    "INDUSTRY3": INDUSTRY3, "SERVICE3": SERVICE3, "NETWORK3": NETWORK3,
    "STAGE3": STAGE3, "DRIVE": DRIVE, "PARTAKE": PARTAKE,
    "YEAR": YEAR, "DATE": DATE, "MONTH_END": MONTH_END, "QUARTER": QUARTER,
    "PCT": PCT, "AMOUNT": AMOUNT, "NUM": NUM, "SMALLNUM": SMALLNUM,
    "TEMP": TEMP,
}
