"""Table-driven tests for units (单位) and task actors, indicator targets (预期目标) and named projects."""

from __future__ import annotations

import pytest

from luoshi.parsing.components.quantities import find_quantities
from luoshi.parsing.components.targets import find_targets
from luoshi.parsing.components.units import _actors, find_units
from luoshi.parsing.document import Document, Sentence, fold
from luoshi.parsing.pipeline import parse_text, run

YEAR = 2024


def _sentence(text: str) -> Sentence:
    return Sentence(0, len(text), 0, text, fold(text))


# --------------------------------------------------------------------------------------------
# units


def _units(text: str) -> list[str]:
    found = find_units(_sentence(text))
    for u in found:
        assert text[u.start : u.end] == u.text
    return [u.text for u in found]


def _actor_names(text: str) -> list[str]:
    s = _sentence(text)
    return [a.text for a in _actors(s, find_units(s))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("旗发改委要牵头做好项目储备", ["旗发改委"]),
        ("县委组织部要加强干部培训", ["县委组织部"]),
        ("各乡镇要落实属地责任", ["各乡镇"]),
        ("各部门要密切配合", ["各部门"]),
        ("各乡镇各部门要压实责任", ["各乡镇", "各部门"]),
        ("县人民医院要完成新院区搬迁", ["县人民医院"]),
        ("中共X县委召开常委会议", ["中共X县委"]),
        ("县委党校（行政学院）要开设专题培训班", ["县委党校（行政学院）"]),
        ("县纪委监委要强化监督执纪", ["县纪委监委"]),
        ("涉农部门要加强协作", ["涉农部门"]),
        ("县委、县政府高度重视", ["县委", "县政府"]),
        ("国家发改委下达专项资金", ["国家发改委"]),
        ("县委常委会定期听取汇报", ["县委常委会"]),
        ("县委督查室要跟踪督办", ["县委督查室"]),
        ("华能控股集团要加快项目建设", ["华能控股集团"]),
        ("县工信局和县商务局要联合开展招商", ["县工信局", "县商务局"]),
        pytest.param("县政府办公室负责统筹协调", ["县政府办公室"]),
        pytest.param("县政府办要牵头制定方案", ["县政府办"]),
        pytest.param("县城市管理综合执法局负责违建拆除", ["县城市管理综合执法局"]),
        ("区委宣传部要加强正面宣传", ["区委宣传部"]),
        ("县十八届人大三次会议确定的目标", ["县十八届人大"]),
        ("县政府党组要专题研究", ["县政府党组"]),
        ("各乡镇（街道）要落实属地责任", ["各乡镇（街道）"]),
        ("各镇街要做好隐患排查", ["各镇街"]),
        ("县级各部门、各乡镇党委要对照清单", ["县级各部门", "各乡镇党委"]),
        ("县政府各部门要在3月底前完成自查", ["县政府各部门"]),
        ("国网清河县供电公司要加快电网改造", ["国网清河县供电公司"]),
        ("市生态环境局清河分局要加强监测", ["市生态环境局清河分局"]),
        ("县城投集团要拓宽融资渠道", ["县城投集团"]),
        ("县自然资源和规划局要保障项目用地", ["县自然资源和规划局"]),
        ("县文体广电旅游局要办好文化节", ["县文体广电旅游局"]),
        ("县消防救援大队要开展隐患排查", ["县消防救援大队"]),
        # a formal name carries its place; a township counts where it acts
        ("清河县人民政府工作报告", ["清河县人民政府"]),
        ("刚才，县财政局和青石镇人民政府作了交流发言", ["县财政局", "青石镇人民政府"]),
        ("东湖镇要加快土地流转", ["东湖镇"]),
        ("白鹿镇党委、县财政局获评先进集体", ["白鹿镇党委", "县财政局"]),
        ("县工商联要常态化开展政企恳谈", ["县工商联"]),
        ("各街道党工委要深化党建引领基层治理", ["各街道党工委"]),
        ("青山农商银行要加大信贷投放", ["青山农商银行"]),
        ("市轨道交通集团要加快3号线建设", ["市轨道交通集团"]),
        ("东陵市第一人民医院要牵头组建医联体", ["东陵市第一人民医院"]),
        # 林 before 区 is a place's name, not 林区
        ("枫林区人民政府工作报告", ["枫林区人民政府"]),
    ],
)
def test_it_finds_units(text: str, expected: list[str]) -> None:
    assert _units(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "政府要带头过紧日子",
        "有关部门要加强监管",
        "分管领导要靠前指挥",
        "县委理论学习中心组开展专题学习",
        "县长要亲自抓",
        "企业要落实主体责任",
        "部门之间要加强配合",
        "全县上下要凝心聚力",
        "全县各级干部要勇于担当",
        "相关苏木镇和部门要抓紧整改",
        "在东湖镇建设冷链物流园",  # a place
        "推进特色小镇建设",
        "社区党委要发挥战斗堡垒作用",  # no 区党委 inside 社区
        "更新乡镇自动气象站",  # a facility, not the 气象站 of a county
        "认真办理人大代表建议和政协委员提案",  # people
        "积极争取中央预算内投资",  # money
    ],
)
def test_it_finds_no_unit(text: str) -> None:
    assert _units(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("县发改局要牵头编制规划", ["县发改局"]),
        ("由县政务服务局牵头，年内完成改革", ["县政务服务局"]),
        ("各乡镇、各部门要建立任务清单", ["各乡镇", "各部门"]),
        ("各乡镇各部门要建立任务清单", ["各乡镇", "各部门"]),
        ("县财政局、县税务局要加强税收征管", ["县财政局", "县税务局"]),
        ("县住建局负责城区管网改造", ["县住建局"]),
        ("县委督查室要跟踪督办", ["县委督查室"]),
        # partners, objects and recipients are not actors
        ("主动与县供电公司对接，加快电网建设", []),
        ("向县水务局报送方案", []),
        ("县乡村振兴局要会同各乡镇开展排查", ["县乡村振兴局"]),
        ("县卫健委要配合县人民医院做好搬迁", ["县卫健委"]),
        ("县商务局要对接县供电公司做好保障", ["县商务局"]),
        # organs named without a directive
        ("县委、县政府高度重视", []),
        ("国家发改委下达专项资金", []),
        pytest.param("清河经济开发区管委会要加快标准厂房建设", ["清河经济开发区管委会"]),
        # what a unit will do, and a time between it and its verb
        ("县政府将集中财力办好十件民生实事", ["县政府"]),
        ("县政府每半年召开一次廉政警示教育会", ["县政府"]),
    ],
)
def test_it_finds_the_actors_of_a_sentence(text: str, expected: list[str]) -> None:
    assert _actor_names(text) == expected


UNIT_SPEECH = """在全县2024年经济工作会议上的讲话
同志们：
一、2023年工作回顾
过去一年，县委组织部牵头完成了村“两委”换届，县人民医院新院区投入使用。
二、2024年重点工作
今年要主动与县供电公司对接，加快农网改造。由县政务服务局牵头，年内完成“一件事一次办”改革。
有关部门要加强监管。分管领导要靠前指挥。
三、狠抓工作落实
县委理论学习中心组要带头学习。各乡镇、各部门要建立任务清单。
"""


def test_it_lists_document_units_from_every_part() -> None:
    plan = parse_text("中共清河县委书记 王明\n" + UNIT_SPEECH)
    assert "中共清河县委" in plan.units  # the by-line is read for units too
    assert set(plan.units) >= {"县委组织部", "县人民医院", "县供电公司", "县政务服务局", "各乡镇", "各部门"}
    assert not set(plan.units) & {"政府", "有关部门", "分管领导", "县委理论学习中心组"}
    units = {t.text: t.units for t in plan.tasks}
    assert units["今年要主动与县供电公司对接，加快农网改造"] == []
    assert units["由县政务服务局牵头，年内完成“一件事一次办”改革"] == ["县政务服务局"]
    assert units["各乡镇、各部门要建立任务清单"] == ["各乡镇", "各部门"]


# --------------------------------------------------------------------------------------------
# targets


def _targets(text: str) -> list[tuple]:
    sentence = _sentence(text)
    sentence.mentions.extend(find_quantities(sentence))  # a goal is a quantity with its verb
    found = find_targets(sentence, YEAR)
    for t in found:
        assert text[t.start : t.end] == t.text
    return [
        (
            t.data["indicator"],
            t.data["measure"],
            t.data["value"],
            t.data["placeholder"],
            t.data["unit"],
            t.data["qualifier"],
            t.data["period"],
        )
        for t in found
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("地区生产总值增长6%左右", [("地区生产总值", "growth", 6.0, False, "%", "左右", "2024")]),
        ("地区生产总值增长６．５％左右", [("地区生产总值", "growth", 6.5, False, "%", "左右", "2024")]),
        ("城镇登记失业率控制在4.5%以内", [("城镇登记失业率", "rate", 4.5, False, "%", "以内", "2024")]),
        ("不良贷款率降到1.5%以内", [("不良贷款率", "rate", 1.5, False, "%", "以内", "2024")]),
        (
            "城乡居民人均可支配收入分别增长6%和7%",
            [
                ("城镇居民人均可支配收入", "growth", 6.0, False, "%", "", "2024"),
                ("农村居民人均可支配收入", "growth", 7.0, False, "%", "", "2024"),
            ],
        ),
        (
            "马铃薯、蔬菜产量分别达到10万吨、25万吨",
            [
                ("马铃薯产量", "level", 10.0, False, "万吨", "", "2024"),
                ("蔬菜产量", "level", 25.0, False, "万吨", "", "2024"),
            ],
        ),
        ("装备制造业产值突破*亿元", [("装备制造业产值", "level", None, True, "亿元", "突破", "2024")]),
        (
            "城乡居民人均可支配收入增速与经济增长同步",
            [("城乡居民人均可支配收入", "relative", None, False, "", "同步", "2024")],
        ),
        (
            "农村常住居民人均可支配收入稳步增长",
            [("农村常住居民人均可支配收入", "growth", None, False, "", "", "2024")],
        ),
        ("规上工业增加值增长8%以上", [("规上工业增加值", "growth", 8.0, False, "%", "以上", "2024")]),
        ("二产增加值增长x%", [("二产增加值", "growth", None, True, "%", "", "2024")]),
        ("一般公共预算收入超过10亿元", [("一般公共预算收入", "level", 10.0, False, "亿元", "以上", "2024")]),
        ("粮食产量稳定在20万吨以上", [("粮食产量", "level", 20.0, False, "万吨", "以上", "2024")]),
        ("单位地区生产总值能耗下降2%", [("单位地区生产总值能耗", "growth", 2.0, False, "%", "", "2024")]),
        ("一季度地区生产总值增长6%", [("地区生产总值", "growth", 6.0, False, "%", "", "2024Q1")]),
        ("上半年固定资产投资增长10%", [("固定资产投资", "growth", 10.0, False, "%", "", "2024H1")]),
        ("地区生产总值年均增长7%", [("地区生产总值", "growth", 7.0, False, "%", "", "2024-2025")]),
        (
            "地区生产总值增长6.5%左右，到2025年突破70亿元",
            [
                ("地区生产总值", "growth", 6.5, False, "%", "左右", "2025"),
                ("地区生产总值", "level", 70.0, False, "亿元", "突破", "2025"),
            ],
        ),
        pytest.param(
            "到2025年地区生产总值突破70亿元", [("地区生产总值", "level", 70.0, False, "亿元", "突破", "2025")]
        ),
        pytest.param("森林覆盖率提高到35%", [("森林覆盖率", "rate", 35.0, False, "%", "", "2024")]),
        pytest.param(
            "固定资产投资增长不低于10%", [("固定资产投资", "growth", 10.0, False, "%", "不低于", "2024")]
        ),
        pytest.param("城镇新增就业2800人", [("城镇新增就业", "level", 2800.0, False, "人", "", "2024")]),
        pytest.param(
            "城乡居民人均可支配收入增长与经济增长同步",
            [("城乡居民人均可支配收入", "relative", None, False, "", "同步", "2024")],
        ),
        # a time word between the indicator and its verb
        (
            "规模以上工业增加值全年增长8%以上",
            [("规模以上工业增加值", "growth", 8.0, False, "%", "以上", "2024")],
        ),
        (
            "规上工业增加值三季度末累计增速回升到7.5%以上",
            [("规上工业增加值", "growth", 7.5, False, "%", "以上", "2024Q3")],
        ),
        # the second clause keeps the first's indicator
        (
            "下半年地区生产总值要确保增长6.9%以上，力争全年增长6.5%左右",
            [
                ("地区生产总值", "growth", 6.9, False, "%", "以上", "2024H2"),
                ("地区生产总值", "growth", 6.5, False, "%", "左右", "2024"),
            ],
        ),
        ("农村自来水普及率达到90%以上", [("农村自来水普及率", "rate", 90.0, False, "%", "以上", "2024")]),
        ("全年接待游客突破900万人次", [("接待游客", "level", 900.0, False, "万人次", "突破", "2024")]),
        (
            "PM2.5平均浓度控制在30微克/立方米以内",
            [("PM2.5平均浓度", "level", 30.0, False, "微克/立方米", "以内", "2024")],
        ),
        (
            "民生支出占一般公共预算支出的比重保持在75%以上",
            [("民生支出占一般公共预算支出的比重", "rate", 75.0, False, "%", "以上", "2024")],
        ),
        (
            "全县市场主体增长10%以上的发展目标",
            [("市场主体", "growth", 10.0, False, "%", "以上", "2024")],
        ),
    ],
)
def test_it_finds_targets(text: str, expected: list[tuple]) -> None:
    assert _targets(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # task quantities
        "完成造林3万亩",
        "新建农村公路50公里",
        "全县完成户厕改造3000户",
        # past figures
        "去年地区生产总值增长5.2%",
        "全县去年完成固定资产投资50亿元",
        # rankings
        "全县地区生产总值位次前移",
        pytest.param("去年，全县固定资产投资增长12%"),
        # a task's measures of its own work, thresholds, described shares
        "政务服务事项办结率达到100%",
        "储备项目总投资突破100亿元",
        "对产值10亿元以上企业实行领导挂联服务",
        "用于产业发展的比例不低于60%",
        "梳理已落地总投资5000万元以上的企业名册",
    ],
)
def test_it_finds_no_target(text: str) -> None:
    assert _targets(text) == []


TARGET_SPEECH = """在全县2024年经济工作会议上的讲话
同志们：
一、2023年工作回顾
过去一年，全县一般公共预算收入完成9.3亿元，增长7.1%。
二、2024年重点工作
今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，城镇登记失业率控制在4.5%以内。
全年完成造林3万亩。
"""


def test_it_takes_targets_only_from_the_plan() -> None:
    plan = parse_text(TARGET_SPEECH)
    assert [(t.indicator, t.value) for t in plan.targets] == [("地区生产总值", 6.0), ("城镇登记失业率", 4.5)]
    for t in plan.targets:
        assert TARGET_SPEECH[t.span[0] : t.span[1]] == t.text
    assert [(t.text, [q.text for q in t.quantities], t.targets) for t in plan.tasks] == [
        ("全年完成造林3万亩", ["3万亩"], []),
    ]


# --------------------------------------------------------------------------------------------
# projects


def _projects(sentence: str) -> list[str]:
    doc = run(Document(text="同志们：\n" + sentence + "。\n"))
    for p in doc.projects:
        assert doc.text[p.start : p.end] == p.text
    return [p.text for p in doc.projects]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("加快推进清河抽水蓄能电站项目建设", ["清河抽水蓄能电站项目"]),
        ("启动宏远炭素石墨电极项目", ["宏远炭素石墨电极项目"]),
        ("建设华宇二期5千头种猪场项目", ["华宇二期5千头种猪场项目"]),
        ("推进县第二人民医院迁建工程", ["县第二人民医院迁建工程"]),
        ("实施城关镇市政基础设施提升改造工程", ["城关镇市政基础设施提升改造工程"]),
        ("开工建设荣乌高速（X县段）项目", ["荣乌高速（X县段）项目"]),
        ("推进包兰铁路电气化改造", ["包兰铁路电气化改造"]),
        # two full names joined by 和 or 、
        ("年内建成投运城南物流园一期工程和青石镇光伏储能项目", ["城南物流园一期工程", "青石镇光伏储能项目"]),
        (
            "加快实施清河水库除险加固工程和城北污水处理厂提标改造项目",
            ["清河水库除险加固工程", "城北污水处理厂提标改造项目"],
        ),
        ("建成投运青石镇光伏储能项目、城南物流园一期工程", ["青石镇光伏储能项目", "城南物流园一期工程"]),
        # a list sharing 等项目
        pytest.param("推进金山新材料、宏达冷链物流等项目", ["金山新材料", "宏达冷链物流"]),
        pytest.param(
            "推进金山新材料、北辰光伏组件和宏达冷链物流等项目建设",
            ["金山新材料", "北辰光伏组件", "宏达冷链物流"],
        ),
        # the work after the name is not part of it
        pytest.param("加快宏达冷链物流项目建设", ["宏达冷链物流项目"]),
        # two names sharing one suffix are listed once, as the whole string
        pytest.param(
            "推进第一中学综合楼和实验小学教学楼改扩建项目", ["第一中学综合楼和实验小学教学楼改扩建项目"]
        ),
        # two facilities without a shared 项目 are two
        ("推动乡镇中心卫生院与县总医院建立医共体", ["乡镇中心卫生院", "县总医院"]),
        # a phase ends the name; the year before it does not begin it
        ("加快东湖物流园二期建设", ["东湖物流园二期"]),
        ("实施2025年青龙河生态修复工程", ["青龙河生态修复工程"]),
        # a facility that is the subject of its own building is a project
        ("滨河实验学校要在8月底前建成投用", ["滨河实验学校"]),
        ("青山冷链物流中心要力争三季度竣工投产", ["青山冷链物流中心"]),
        # the clause's verb is not part of the name
        ("充分发挥东湖现代农业科技产业园的带动作用", ["东湖现代农业科技产业园"]),
        # a stretch of a road; an item's number is no part of the name
        ("加快沿江高速桐川段建设", ["沿江高速桐川段"]),
        ("1.新建青石社区养老服务综合体", ["青石社区养老服务综合体"]),
    ],
)
def test_it_finds_named_projects(text: str, expected: list[str]) -> None:
    assert _projects(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "实施高标准农田建设5万亩",
        "实施高标准农田建设项目",
        "深入推进厕所革命",
        "建设四好农村路",
        "建设四好农村路示范工程",
        "推进城网和农网升级改造工程",
        "实施京津风沙源治理工程",
        "新开工市级重点项目20个",
        "推进老旧小区改造项目",
        "全力推进光伏扶贫电站运维",
        # a facility that acts is a unit, not a project
        "县政务服务中心要优化办事流程",
        pytest.param("实施农村人居环境整治提升工程"),
        pytest.param("县发改局要做好专项债券项目申报"),
        pytest.param("每月初报送项目进展情况"),
        pytest.param("在并网20万千瓦的基础上新增光伏装机30万千瓦"),
        # work words and ratings, not names
        "要素跟着项目走",
        "坚持项目为王，全年召开项目推进会12次",
        "推行重点项目领导包联机制",
        "明年一季度重点项目开工率达到90%",
        "全年新签约项目30个",
        "县人民医院成功创建三级甲等综合医院",
        "推进城区学位扩容工程",
        "办好10件民生实事项目",
        "重点抓好以下几个项目",
        "加快老旧路段改造",
        "积极推广分布式光伏和新型储能项目",
    ],
)
def test_it_finds_no_project_in_a_generic_programme(text: str) -> None:
    assert _projects(text) == []


PROJECT_SPEECH = """在全县2024年经济工作会议上的讲话
同志们：
一、2023年工作回顾
过去一年，城南物流园一期工程建成投运。
二、2024年重点工作
年内建成青石镇光伏储能项目，深入推进厕所革命。
"""


def test_it_lists_document_projects_from_every_part() -> None:
    plan = parse_text(PROJECT_SPEECH)
    assert plan.projects == ["城南物流园一期工程", "青石镇光伏储能项目"]
    assert [(t.projects, t.tier) for t in plan.tasks] == [(["青石镇光伏储能项目"], "measurable")]
