"""Table-driven tests for quantities: numbers with a measure word, written as they stand."""

from __future__ import annotations

import pytest

from luoshi.parsing.components.quantities import find_quantities
from luoshi.parsing.document import Sentence, fold


def _sentence(text: str) -> Sentence:
    return Sentence(0, len(text), 0, text, fold(text))


def _quantities(text: str) -> list[str]:
    found = find_quantities(_sentence(text))
    for q in found:
        assert text[q.start : q.end] == q.text
    return [q.text for q in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("完成人工造林*.*万亩", ["*.*万亩"]),
        ("农村自来水普及率达到x%", ["x%"]),
        ("新增风电装机130万千瓦", ["130万千瓦"]),
        ("建设华宇二期5千头种猪场项目", ["5千头"]),
        ("新培育规上工业企业12家", ["12家"]),
        ("城镇化率提高到８．５％", ["８．５％"]),
        ("新增耕地２０００亩", ["２０００亩"]),
        ("新增国家级高新技术企业*、*家", ["*、*家"]),
        ("改造老旧小区*至*处", ["*至*处"]),
        ("建设高标准农田3.2万亩", ["3.2万亩"]),
        ("发放创业担保贷款1.5亿元", ["1.5亿元"]),
        ("培训农民工1,200人次", ["1,200人次"]),
        ("新建村级卫生室8所，改扩建乡镇卫生院2所", ["8所", "2所"]),
        ("新增城镇就业2800人，完成户厕改造3000户", ["2800人", "3000户"]),
        ("建成5G基站120座", ["120座"]),
        ("粮食产量稳定在20万吨以上", ["20万吨"]),
        ("新建x个村级综合服务站", ["x个"]),
        ("建设年产10万吨绿色建材项目", ["10万吨"]),
        ("完成投资X亿元", ["X亿元"]),
        pytest.param("新建5个年产值超亿元的产业园", ["5个"]),
    ],
)
def test_it_finds_quantities(text: str, expected: list[str]) -> None:
    assert _quantities(text) == expected


@pytest.mark.parametrize(
    ("text", "unit", "placeholder"),
    [
        ("新增风电装机130万千瓦", "万千瓦", False),
        ("完成人工造林*.*万亩", "万亩", True),
        ("城镇化率提高到８．５％", "%", False),
        ("新增国家级高新技术企业*、*家", "家", True),
        ("培育龙头企业X家", "家", True),
    ],
)
def test_it_records_unit_and_placeholder(text: str, unit: str, placeholder: bool) -> None:
    [q] = find_quantities(_sentence(text))
    assert (q.data["unit"], q.data["placeholder"]) == (unit, placeholder)


@pytest.mark.parametrize(
    "text",
    [
        # years and dates
        "2024年全县经济工作要稳字当头",
        "3月15日前完成方案报送",
        # ordinals
        "开展第3次全国土地调查",
        # durations
        "开展为期5个月的专项整治",
        "用3年时间完成改造",
        "力争5年内实现全覆盖",
        # ratings
        "建设x千伏变电站",
        "建设110千伏输变电工程",
        "创建4A级旅游景区",
        # thresholds
        "梳理总投资*万元以上的企业名册",
        "建立500万元以上项目储备库",
        # counts of the listed items themselves
        "统筹推进x项工程",
        "开展5个方面整治工作",
        # versions, kinds
        "开展*.*版标准宣贯",
        "培育*类重点人群",
        # counting in words
        "实施“三个转变”",
    ],
)
def test_it_finds_no_quantity(text: str) -> None:
    assert _quantities(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a baseline is left out, the figure to reach is kept
        ("在并网X万千瓦的基础上，新增光伏装机20万千瓦", ["20万千瓦"]),
        ("在去年完成造林3万亩的基础上，新增造林5万亩", ["5万亩"]),
        # a threshold is left out, the count of projects is kept
        ("新建5000万元以上项目20个", ["20个"]),
        ("实施亿元以上项目x个", ["x个"]),
        # a rating is left out, the count is kept
        ("创建4A级景区1个", ["1个"]),
        # a year and a date are left out
        ("2024年全县新建学校3所", ["3所"]),
        ("6月30日前完成改造2000户", ["2000户"]),
    ],
)
def test_it_keeps_only_the_figure_to_reach(text: str, expected: list[str]) -> None:
    assert _quantities(text) == expected
