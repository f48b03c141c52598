"""Table-driven tests for deadlines (完成时限) and their resolution against the plan year."""

from __future__ import annotations

import pytest

from luoshi.parsing.components.timex import find_deadline
from luoshi.parsing.document import Sentence, fold
from luoshi.parsing.pipeline import parse_text


def _sentence(text: str) -> Sentence:
    return Sentence(0, len(text), 0, text, fold(text))


def _deadline(text: str, year: int = 2024) -> tuple[str, str | None, bool] | None:
    found = find_deadline(_sentence(text), year)
    if found is None:
        return None
    assert text[found.start : found.end] == found.text
    return found.text, found.data["date"], found.data["placeholder"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the plan year as a whole
        ("年内完成农村户厕改造任务", ("年内", "2024-12-31", False)),
        ("今年新建标准化厂房5万平方米", ("今年", "2024-12-31", False)),
        ("确保年底前全面完成清产核资", ("年底前", "2024-12-31", False)),
        ("年底建成投运城南污水处理厂", ("年底", "2024-12-31", False)),
        ("全年完成人工造林2万亩", ("全年", "2024-12-31", False)),
        # quarters and halves
        ("一季度完成项目前期手续", ("一季度", "2024-03-31", False)),
        ("第一季度实现开门红", ("第一季度", "2024-03-31", False)),
        ("上半年开工建设城北污水处理厂", ("上半年", "2024-06-30", False)),
        ("三季度完成设备安装调试", ("三季度", "2024-09-30", False)),
        ("前三季度完成主体工程", ("前三季度", "2024-09-30", False)),
        ("下半年启动二期建设", ("下半年", "2024-12-31", False)),
        ("四季度实现竣工验收", ("四季度", "2024-12-31", False)),
        # months
        ("6月底前完成可研批复", ("6月底前", "2024-06-30", False)),
        ("确保6月底完成土地征收", ("6月底", "2024-06-30", False)),
        ("确保６月底前完成", ("６月底前", "2024-06-30", False)),
        ("2月底前完成隐患排查", ("2月底前", "2024-02-29", False)),
        ("11月底前完成供暖设施检修", ("11月底前", "2024-11-30", False)),
        ("十月底前完成秋粮收储", ("十月底前", "2024-10-31", False)),
        ("6月份完成设备安装", ("6月份", "2024-06-30", False)),
        ("12月份完成年度清算", ("12月份", "2024-12-31", False)),
        ("6月前完成征地拆迁", ("6月前", "2024-05-31", False)),
        ("1月前完成摸底", ("1月前", "2023-12-31", False)),
        # days
        ("3月15日前上报实施方案", ("3月15日前", "2024-03-15", False)),
        ("9月30日前完成整改销号", ("9月30日前", "2024-09-30", False)),
        # other years
        ("到2025年建成全国文明城市", ("到2025年", "2025-12-31", False)),
        ("2025年底前完成全部改造任务", ("2025年底前", "2025-12-31", False)),
        ("明年3月底前完成竣工验收", ("明年3月底前", "2025-03-31", False)),
        # redacted months and days
        ("x月底前完成招标", ("x月底前", None, True)),
        ("ｘ月底前完成招标", ("ｘ月底前", None, True)),
        ("X月前完成摸底排查", ("X月前", None, True)),
        ("*月*日前完成清理", ("*月*日前", None, True)),
        ("6月*日前上报名单", ("6月*日前", None, True)),
        # a time limit that names an event
        ("主汛期前完成河道清淤", ("主汛期前", None, False)),
        ("春节前将补贴资金发放到位", ("春节前", None, False)),
        ("开学前完成校舍维修", ("开学前", None, False)),
    ],
)
def test_it_resolves_a_deadline(text: str, expected: tuple[str, str | None, bool]) -> None:
    assert _deadline(text) == expected


@pytest.mark.parametrize(
    ("text", "year", "date"),
    [
        ("年内完成农村户厕改造任务", 2022, "2022-12-31"),
        ("上半年开工建设", 2023, "2023-06-30"),
        ("2月底前完成隐患排查", 2023, "2023-02-28"),
        ("6月前完成征地拆迁", 2021, "2021-05-31"),
        ("到2025年建成全国文明城市", 2022, "2025-12-31"),
    ],
)
def test_it_resolves_against_the_plan_year(text: str, year: int, date: str) -> None:
    found = find_deadline(_sentence(text), year)
    assert found is not None and found.data["date"] == date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a specific date beats a year-wide limit in the same sentence
        ("年内开工，6月底前完成主体工程", ("6月底前", "2024-06-30", False)),
        # a duration next to a real deadline does not hide it
        ("开展为期3个月的专项行动，9月底前完成整改", ("9月底前", "2024-09-30", False)),
    ],
)
def test_it_picks_the_most_specific_deadline(text: str, expected: tuple[str, str | None, bool]) -> None:
    assert _deadline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # rhythms
        "每月初报送项目进展情况",
        "每月底前报送工作台账",
        "每半年开展一次绩效评估",
        "每季度召开一次项目调度会",
        "每年新增城镇就业2000人",
        # start times
        "从9月份开始实施集中整治",
        "自9月起开展专项整治",
        "从今年起实行挂图作战",
        "7月1日起施行新的管理办法",
        # durations
        "开展为期5个月的专项整治行动",
        # modifiers
        "全面完成年度化债任务",
        "完成2024年农村饮水安全巩固提升工程",
        "落实好年初确定的各项任务",
        # the past
        "今年以来，全县新增市场主体1200户",
        "去年底全县完成投资30亿元",
        "全县地区生产总值同比增长8%",
        pytest.param("截至2023年底全县累计完成造林10万亩"),
        pytest.param("在2023年的基础上再增长10%"),
    ],
)
def test_it_finds_no_deadline(text: str) -> None:
    assert _deadline(text) is None


SPEECH = """在全县2023年经济工作会议上的讲话
同志们：
一、2022年工作回顾
去年全县年底前完成了全部改造任务。
二、2023年重点工作
（一）抓投资
县发改局要在6月底前完成项目储备。
全年新增规上工业企业10家。
"""


def test_it_resolves_task_deadlines_against_the_documents_plan_year() -> None:
    plan = parse_text(SPEECH)
    assert plan.plan_year == 2023
    deadlines = {
        t.text: t.deadline and (t.deadline.text, t.deadline.date, t.deadline.placeholder) for t in plan.tasks
    }
    assert deadlines == {
        "县发改局要在6月底前完成项目储备": ("6月底前", "2023-06-30", False),
        "全年新增规上工业企业10家": ("全年", "2023-12-31", False),
    }
    for t in plan.tasks:
        assert SPEECH[t.deadline.span[0] : t.deadline.span[1]] == t.deadline.text


DECEMBER_SPEECH = """在全区经济工作会议上的讲话
（2023年12月26日）
同志们：
一、今年工作回顾
今年全区地区生产总值增长6%，新开工项目40个。
二、明年重点工作
明年是实施“十四五”规划的关键一年。
区发改局要在明年6月底前完成重大项目储备。
区住建局要加快老旧小区改造，明年改造小区20个。
区交通局要在三季度完成环城路建设，年底前通车。
"""

JULY_SPEECH = """在全县上半年经济运行分析会议上的讲话
（2024年7月16日）
同志们：
一、上半年经济运行情况
今年以来，全县经济运行总体平稳。
二、下半年重点工作
县发改局要在9月底前完成项目调度，为明年发展打好基础。
"""


@pytest.mark.parametrize(
    ("speech", "year", "deadlines"),
    [
        # given in December about 明年: it plans the next year, and 明年6月 is June of that year
        (
            DECEMBER_SPEECH,
            2024,
            {
                "区发改局要在明年6月底前完成重大项目储备": "2024-06-30",
                "区住建局要加快老旧小区改造，明年改造小区20个": "2024-12-31",
                "区交通局要在三季度完成环城路建设，年底前通车": "2024-09-30",
            },
        ),
        # a mid-year speech plans its own year, whatever it says of the next
        (JULY_SPEECH, 2024, {"县发改局要在9月底前完成项目调度，为明年发展打好基础": "2024-09-30"}),
    ],
    ids=["december", "july"],
)
def test_it_dates_a_speech_by_its_by_line_and_what_its_plan_speaks_of(speech, year, deadlines) -> None:
    plan = parse_text(speech)
    assert plan.plan_year == year
    assert {t.text: t.deadline.date for t in plan.tasks if t.deadline} == deadlines
