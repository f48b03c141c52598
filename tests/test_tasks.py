"""Table-driven tests for tasks (重点任务): which sentences are tasks, their tier, text and span.

Each case is a sentence put into a short speech with review, analysis, plan and requirements parts,
run through the whole pipeline with `parse_text`.
"""

from __future__ import annotations

import pytest

from luoshi.parsing.pipeline import parse_text
from luoshi.parsing.plan import Plan, Task

TEMPLATE = """在全县2024年经济工作会议上的讲话
——在县委经济工作会议上的讲话
（2024年1月12日）
同志们：
下面，我讲三点意见。
一、2023年工作回顾
过去一年，全县地区生产总值增长5.5%。{review}
二、当前面临的形势
当前经济下行压力较大。{analysis}
三、2024年重点工作
（一）做强工业经济
{plan}
四、转变工作作风，狠抓工作落实
{requirements}
同志们，让我们团结一心，为完成全年目标任务而努力奋斗！
"""


def _speech(
    plan: str = "加强安全生产监管执法。",
    requirements: str = "各部门要建立任务台账。",
    review: str = "",
    analysis: str = "",
) -> str:
    return TEMPLATE.format(plan=plan, requirements=requirements, review=review, analysis=analysis)


def _find(plan: Plan, sentence: str) -> Task | None:
    text = sentence.rstrip("。！？")
    found = [t for t in plan.tasks if t.text == text]
    assert len(found) <= 1
    return found[0] if found else None


def _is_task_in(part: str, sentence: str) -> Task | None:
    plan = parse_text(_speech(**{part: sentence}))
    return _find(plan, sentence)


# --------------------------------------------------------------------------------------------
# the part decides first


@pytest.mark.parametrize(
    "sentence",
    [
        "我们要总结经验，加快推进重点项目建设。",
        "县发改局牵头完成了项目储备。",
        "年内完成了农村公路改造50公里。",
        "我们必须加快转型升级，推进产业结构调整。",
        "各乡镇要抓好春耕备耕。",
    ],
)
@pytest.mark.parametrize("part", ["review", "analysis"])
def test_it_never_takes_a_review_or_analysis_sentence_as_a_task(part: str, sentence: str) -> None:
    assert _is_task_in(part, sentence) is None


@pytest.mark.parametrize(
    ("sentence", "part"),
    [
        ("我们要总结经验，加快推进重点项目建设。", "plan"),
        ("各乡镇要抓好春耕备耕。", "plan"),
        ("各乡镇要抓好春耕备耕。", "requirements"),
    ],
)
def test_it_takes_the_same_directive_as_a_task_in_a_plan_or_requirements_part(
    sentence: str, part: str
) -> None:
    task = _is_task_in(part, sentence)
    assert task is not None and task.role == part


def test_it_gives_tasks_only_from_plan_and_requirements_parts() -> None:
    plan = parse_text(
        _speech(
            review="我们要总结经验，加快推进重点项目建设。",
            analysis="我们必须加快转型升级，推进产业结构调整。",
        )
    )
    assert [(t.text, t.role) for t in plan.tasks] == [
        ("加强安全生产监管执法", "plan"),
        ("各部门要建立任务台账", "requirements"),
    ]


# --------------------------------------------------------------------------------------------
# tasks and their tier


@pytest.mark.parametrize(
    ("sentence", "tier", "deadline", "units", "quantities", "projects"),
    [
        # measurable: a quantity
        ("新建农村公路50公里。", "measurable", None, [], ["50公里"], []),
        ("全县规上工业企业新增x家。", "measurable", None, [], ["x家"], []),
        # measurable: a deadline
        ("年内完成全县中小学校舍安全鉴定。", "measurable", ("年内", "2024-12-31"), [], [], []),
        ("6月底前完成园区污水管网改造。", "measurable", ("6月底前", "2024-06-30"), [], [], []),
        ("主汛期前完成河道清淤。", "measurable", ("主汛期前", None), [], [], []),
        # measurable: a responsible unit
        ("县住建局要加快推进城区雨污分流改造。", "measurable", None, ["县住建局"], [], []),
        ("由县政务服务局牵头，推行“一件事一次办”改革。", "measurable", None, ["县政务服务局"], [], []),
        ("各乡镇、各部门要建立重点任务台账。", "measurable", None, ["各乡镇", "各部门"], [], []),
        # measurable: a named project
        ("全力推进清河抽水蓄能电站项目。", "measurable", None, [], [], ["清河抽水蓄能电站项目"]),
        # measurable: all at once
        (
            "县发改局要牵头，6月底前完成城南物流园一期工程，新增仓储面积2万平方米。",
            "measurable",
            ("6月底前", "2024-06-30"),
            ["县发改局"],
            ["2万平方米"],
            ["城南物流园一期工程"],
        ),
        # general: a concrete action on a concrete object, nothing more
        ("加强城区集中供水水源地的日常巡查监管。", "general", None, [], [], []),
        ("推进工业园区扩区调规。", "general", None, [], [], []),
        ("严格落实河湖长制。", "general", None, [], [], []),
        ("加大招商引资力度。", "general", None, [], [], []),
        ("要深化“放管服”改革，优化营商环境。", "general", None, [], [], []),
        # a partner one coordinates with is not a unit
        ("主动与县供电公司对接，加快电网建设。", "general", None, [], [], []),
        # short leads of an inline enumeration that state a literal action
        ("一要全力抓好安全生产。", "general", None, [], [], []),
        ("一是扎实抓好疫情防控。", "general", None, [], [], []),
        ("要着力扩大有效投资。", "general", None, [], [], []),
        ("一是稳就业。", "general", None, [], [], []),
        ("二要提单产。", "general", None, [], [], []),
        ("一要提振消费。", "general", None, [], [], []),
        ("四是做旺文旅产业。", "general", None, [], [], []),
        ("一要坚持就业优先政策。", "general", None, [], [], []),
        # words that only look like an explanation or an appeal
        (
            "加快区应急指挥中心建设，年内建成投用。",
            "measurable",
            ("年内", "2024-12-31"),
            [],
            [],
            ["区应急指挥中心"],
        ),
        (
            "县委党校要举办干部培训班3次，提升干部推动高质量发展的本领。",
            "measurable",
            None,
            ["县委党校"],
            ["3次"],
            [],
        ),
        ("要坚决反对形式主义，严格控制督查检查考核总量，切实为基层减负。", "general", None, [], [], []),
        # a lead-in closing a sentence that sets figures of its own
        (
            "县发改局要建立项目周调度机制，推动集中开工项目不少于20个，重点抓好以下几个项目：",
            "measurable",
            None,
            ["县发改局"],
            ["20个"],
            [],
        ),
        # rhythms, starts and modifiers are no deadline
        ("全面完成年度化债任务。", "general", None, [], [], []),
        ("从9月份开始实施城区违建集中整治。", "general", None, [], [], []),
    ],
)
def test_it_takes_a_directive_as_a_task_with_its_tier(
    sentence: str,
    tier: str,
    deadline: tuple | None,
    units: list[str],
    quantities: list[str],
    projects: list[str],
) -> None:
    task = _is_task_in("plan", sentence)
    assert task is not None
    assert task.tier == tier
    assert (task.deadline and (task.deadline.text, task.deadline.date)) == deadline
    assert task.units == units
    assert [q.text for q in task.quantities] == quantities
    assert task.projects == projects
    assert (task.section, task.part, task.role) == ("做强工业经济", "2024年重点工作", "plan")


def test_it_takes_a_directive_with_a_county_indicator_goal_as_a_task_and_a_target() -> None:
    plan = parse_text(_speech(plan="全县规上工业增加值增长8%以上。"))
    task = _find(plan, "全县规上工业增加值增长8%以上")
    assert task is not None and task.tier == "measurable"
    assert [q.text for q in task.quantities] == ["8%"]
    assert [
        (plan.targets[i].indicator, plan.targets[i].value, plan.targets[i].qualifier) for i in task.targets
    ] == [
        ("规上工业增加值", 8.0, "以上"),
    ]


# --------------------------------------------------------------------------------------------
# not tasks


@pytest.mark.parametrize(
    "sentence",
    [
        # the sentence that states the main target list
        "今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，固定资产投资增长10%，城镇登记失业率控制在4.5%以内。",
        # lead-ins
        "围绕这一目标，重点抓好三个方面：",
        "今年重点抓好以下几个方面工作。",
        "今年要重点抓好以下几个方面工作：",
        "今年工作的总体要求是：坚持稳中求进工作总基调。",
        # significance
        "做好项目工作意义重大。",
        "抓好粮食生产对全县发展具有重要意义。",
        "推进工业园区提质增效至关重要。",
        # copula statements and facts
        "产业是发展的根基。",
        "项目是经济发展的生命线。",
        "目前，全县有规上工业企业30家。",
        # exhortations about attitude
        "要提高政治站位。",
        "要增强忧患意识。",
        "二要努力转变工作作风。",
        "坚定信心、抢抓机遇。",
        "一要用心感悟初心使命。",
        # appeals to people
        "全县各级干部要勇于担当、敢于作为。",
        "全县上下要凝心聚力。",
        "各级领导干部要带头深入基层。",
        # slogans
        "要紧盯产业夯基础。",
        # labels
        "清洁能源方面。",
        "“五个一”方面。",
        # a principle's label in a —— list
        "——坚持项目为王。",
        "——坚持创新驱动。",
        pytest.param("“强链”就是要延伸产业链条。"),
        pytest.param("我们要以更加饱满的热情投入工作。"),
        # the year's guiding principles and the targets' explanation
        "做好今年工作，要坚持以习近平新时代中国特色社会主义思想为指导，坚持稳中求进工作总基调。",
        "实现上述目标，需要我们付出更加艰苦的努力。",
        "这些目标既考虑了需要，也考虑了可能。",
        "经县人大常委会票决，今年县政府将办好以下十件民生实事。",
        # significance stated first, with nothing measurable after it
        "招商引资是经济工作的生命线，必须摆在突出位置。",
        "化债是一场必须打赢的硬仗，容不得半点侥幸。",
        # appeals to a unit's people and about work style
        "各镇街、各部门主要负责同志要切实扛起第一责任人责任，重要工作亲自部署。",
        "县政府领导要带头深入一线、靠前指挥。",
        "要大力弘扬“马上就办、办就办好”的工作作风，坚决克服等待观望思想。",
        "各部门要强化抓落实的意识，以钉钉子精神推动各项工作落地见效。",
        "越是困难的时候，越要坚定信心。",
        "一分部署，九分落实。",
        "四要强化作风建设。",
        "一要以上率下压实责任。",
        # a short lead that is a slogan
        "二要补短板。",
        # what a topic means, sayings, the past
        "优化营商环境，就是要让企业和群众办事更方便、更舒心。",
        "营商环境就是生产力，优化营商环境没有最好、只有更好。",
        "各级各部门对企业要多一些理解、少一些指责。",
        "全县城镇化率去年达到58.3%，与群众期盼相比还有差距。",
        "要坚持尽力而为、量力而行，始终把群众的冷暖放在心上。",
    ],
)
@pytest.mark.parametrize("part", ["plan", "requirements"])
def test_it_does_not_take_a_non_directive_as_a_task(part: str, sentence: str) -> None:
    plan = parse_text(_speech(**{part: sentence}))
    assert _find(plan, sentence) is None
    assert all(sentence.rstrip("。：") not in t.text for t in plan.tasks)


def test_it_takes_a_virtue_for_a_maxim_in_the_requirements_and_for_work_in_the_plan() -> None:
    plan = parse_text(_speech(plan="一是坚持依法行政。", requirements="一是坚持依法行政。"))
    assert [(t.text, t.role) for t in plan.tasks if "依法行政" in t.text] == [("一是坚持依法行政", "plan")]


def test_it_takes_the_items_of_a_list_of_principles_for_no_task() -> None:
    plan = parse_text(
        _speech(
            plan="做好今年工作，必须把握好三个方面：一是坚持稳中求进，保持经济运行在合理区间。"
            "二是坚持先立后破，既巩固传统产业的基本盘，又培育新兴产业的增长点。\n"
            "一是抓好项目建设，年内新开工项目20个。"
        )
    )
    assert [t.text for t in plan.tasks if "新开工" in t.text or "坚持" in t.text] == [
        "一是抓好项目建设，年内新开工项目20个"
    ]


def test_it_takes_targets_but_no_task_from_the_target_list_sentence() -> None:
    sentence = "今年经济社会发展的主要预期目标是：地区生产总值增长6%左右，固定资产投资增长10%，城镇登记失业率控制在4.5%以内。"
    plan = parse_text(_speech(plan=sentence))
    assert [(t.indicator, t.measure, t.value, t.qualifier) for t in plan.targets] == [
        ("地区生产总值", "growth", 6.0, "左右"),
        ("固定资产投资", "growth", 10.0, ""),
        ("城镇登记失业率", "rate", 4.5, "以内"),
    ]
    assert [t.text for t in plan.tasks] == ["各部门要建立任务台账"]


def test_it_keeps_principle_labels_of_a_dash_list_out_but_takes_its_directives() -> None:
    plan = parse_text(
        _speech(plan="——坚持项目为王。\n——坚持创新驱动。\n——推进风光资源有序开发，年内新增并网装机20万千瓦。")
    )
    tasks = [(t.text, t.tier) for t in plan.tasks if t.role == "plan"]
    assert tasks == [("——推进风光资源有序开发，年内新增并网装机20万千瓦", "measurable")]


def test_it_takes_the_closing_appeal_for_no_task() -> None:
    plan = parse_text(_speech())
    assert all("努力奋斗" not in t.text for t in plan.tasks)
    assert all("我讲三点意见" not in t.text for t in plan.tasks)


# --------------------------------------------------------------------------------------------
# headings, text and span


def test_it_takes_a_heading_sentence_for_no_task() -> None:
    text = _speech(plan="（二）坚持绿色发展理念，推动能源结构转型升级\n县能源局要加快推进风电项目核准。")
    plan = parse_text(text)
    assert [s.title for s in plan.sections if s.level == 2] == [
        "做强工业经济",
        "坚持绿色发展理念，推动能源结构转型升级",
    ]
    assert [t.text for t in plan.tasks if t.role == "plan"] == ["县能源局要加快推进风电项目核准"]
    assert all("坚持绿色发展理念" not in t.text for t in plan.tasks)


def test_it_starts_a_task_after_a_run_on_heading() -> None:
    text = _speech(plan="（二）抓项目。今年要新建农村公路30公里。")
    plan = parse_text(text)
    assert [s.title for s in plan.sections if s.level == 2] == ["做强工业经济", "抓项目"]
    task = _find(plan, "今年要新建农村公路30公里。")
    assert task is not None and task.section == "抓项目"
    assert all("（二）" not in t.text and not t.text.startswith("抓项目") for t in plan.tasks)


SPAN_CASES = [
    "新建农村公路50公里。县发改局要牵头！各乡镇要配合？",
    "他强调：“要抓项目。再抓落实。”各部门要坚决贯彻落实。",
    "加快园区建设（二期另行安排。详见附件）确保年内完工。",
    "全县规上工业增加值增长８．５％以上。",
    "（二）抓项目。今年要新建农村公路30公里。",
    "  加强安全生产监管执法。\u3000\u3000严格落实河湖长制",
]


@pytest.mark.parametrize("plan_text", SPAN_CASES)
def test_it_gives_task_text_equal_to_the_source_at_its_span(plan_text: str) -> None:
    text = _speech(plan=plan_text)
    plan = parse_text(text)
    assert plan.tasks
    for t in plan.tasks:
        start, end = t.span
        assert text[start:end] == t.text
        assert t.text == t.text.strip()
        assert t.text[-1] not in "。！？!?"
        assert end == len(text) or text[end] in "。！？!?\n"


@pytest.mark.parametrize(
    ("plan_text", "expected"),
    [
        (
            "新建农村公路50公里。县发改局要牵头！各乡镇要配合？",
            ["新建农村公路50公里", "县发改局要牵头", "各乡镇要配合"],
        ),
        (
            "他强调：“要抓项目。再抓落实。”各部门要坚决贯彻落实。",
            ["他强调：“要抓项目。再抓落实。”各部门要坚决贯彻落实"],
        ),
        (
            "加快园区建设（二期另行安排。详见附件）确保年内完工。",
            ["加快园区建设（二期另行安排。详见附件）确保年内完工"],
        ),
    ],
)
def test_it_ends_a_task_at_a_terminal_mark_outside_quotes_and_brackets(
    plan_text: str, expected: list[str]
) -> None:
    plan = parse_text(_speech(plan=plan_text))
    assert [t.text for t in plan.tasks if t.role == "plan"] == expected
