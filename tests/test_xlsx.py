from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from luoshi.parsing.pipeline import parse_text
from luoshi.parsing.plan import Deadline, Plan, Quantity, Target, Task
from luoshi.parsing.xlsx import write_workbook

SPEECH = """在全县经济工作会议上的讲话

一、2022年工作回顾
过去一年，全县完成固定资产投资12.5亿元，新增市场主体800户。

二、2023年重点任务
2023年全县经济社会发展的主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%，城乡居民人均可支配收入增长x%。
（一）加快数字基础设施建设
县工信局要牵头，县发改局、各乡镇配合，年内新建5G基站30座。
6月底前完成县城光纤网络改造，实现行政村千兆光网覆盖率达到90%。
（二）推进重点项目建设
县发改局要牵头推进城南物流园项目建设，三季度末前完成投资2亿元。
县住建局要加快老旧小区改造，年底前改造小区15个。
"""

TASK_HEADERS = [
    "序号",
    "所属部分",
    "任务内容",
    "量化指标",
    "完成时限",
    "牵头单位",
    "配合单位",
    "责任领导",
    "原文位置",
]


def _rows(ws) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(min_row=2, values_only=True)]


def _column(ws, header: str) -> list[object]:
    headers = [c.value for c in ws[1]]
    i = headers.index(header)
    return [row[i] for row in _rows(ws)]


def _hand_plan(source: str = "手工.txt") -> Plan:
    """A plan built field by field, so these assertions don't move when the parser does."""
    task = Task(
        text="县农业农村局要牵头，县水利局配合，x月底前建成高标准农田2万亩",
        span=(10, 42),
        tier="measurable",
        section="稳住农业基本盘",
        part="2023年重点任务",
        role="plan",
        deadline=Deadline(text="x月底前", date=None, placeholder=True, span=(26, 30)),
        units=["县农业农村局", "县水利局"],
        quantities=[
            Quantity(text="2万亩", unit="亩", placeholder=False, span=(37, 42)),
            Quantity(text="x个", unit="个", placeholder=True, span=(0, 0)),
        ],
        projects=["南湖灌区改造项目"],
    )
    odd = Task(
        text="=SUM(A1)这一句\x0b来自docx软回车",
        span=(50, 70),
        tier="general",
        section="2023年重点任务",
        part="2023年重点任务",
        role="plan",
        deadline=None,
        units=[],
        quantities=[],
        projects=["南湖灌区改造项目"],
    )
    targets = [
        Target(
            "城乡居民人均可支配收入",
            "growth",
            None,
            True,
            "%",
            "",
            "2023",
            "城乡居民人均可支配收入增长x%",
            (0, 15),
        ),
        Target(
            "粮食产量", "level", 30.0, False, "万吨", "以上", "2023", "粮食产量稳定在30万吨以上", (16, 29)
        ),
        Target("城镇化率", "rate", 52.5, False, "%", "", "2023", "城镇化率达到52.5%", (30, 41)),
    ]
    return Plan(
        source=source,
        plan_year=2023,
        sections=[],
        targets=targets,
        tasks=[task, odd],
        units=["县农业农村局", "县水利局"],
        projects=["南湖灌区改造项目", "未落到任务的项目"],
        facts=[],
    )


@pytest.fixture
def speech_plan() -> Plan:
    return parse_text(SPEECH, "讲话.txt")


def test_it_writes_the_three_sheets_with_chinese_headers(speech_plan: Plan, tmp_path: Path) -> None:
    out = tmp_path / "任务分解表.xlsx"
    write_workbook([speech_plan], out)
    wb = load_workbook(out)
    assert wb.sheetnames == ["重点任务", "预期目标", "重点项目"]
    assert [c.value for c in wb["重点任务"][1]] == TASK_HEADERS
    assert [c.value for c in wb["预期目标"][1]][:8] == [
        "序号",
        "指标",
        "类型",
        "目标值",
        "单位",
        "限定",
        "期间",
        "原文",
    ]
    assert [c.value for c in wb["重点项目"][1]] == ["序号", "项目名称", "涉及任务序号"]


def test_it_puts_every_parsed_task_in_a_row(speech_plan: Plan, tmp_path: Path) -> None:
    assert speech_plan.tasks, "the sample speech should yield tasks"
    out = tmp_path / "out.xlsx"
    write_workbook([speech_plan], out)
    ws = load_workbook(out)["重点任务"]
    assert _column(ws, "任务内容") == [t.text for t in speech_plan.tasks]
    assert _column(ws, "序号") == list(range(1, len(speech_plan.tasks) + 1))
    assert all(str(loc).startswith("讲话.txt 第") for loc in _column(ws, "原文位置"))


def test_it_reads_lead_unit_deadline_and_quantity_from_the_speech(speech_plan: Plan, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    write_workbook([speech_plan], out)
    ws = load_workbook(out)["重点任务"]
    rows = {row[2]: row for row in _rows(ws)}
    base = next(text for text in rows if "5G基站" in text)
    row = dict(zip(TASK_HEADERS, rows[base], strict=True))
    assert row["牵头单位"] == "县工信局"
    assert "县发改局" in row["配合单位"]
    assert row["完成时限"] == "2023-12-31"
    assert "30座" in row["量化指标"]
    assert row["所属部分"] == "二、2023年重点任务 / （一）加快数字基础设施建设"
    assert row["责任领导"] is None


def test_it_freezes_the_header_and_prints_a4_landscape_fit_to_width(
    speech_plan: Plan, tmp_path: Path
) -> None:
    out = tmp_path / "out.xlsx"
    write_workbook([speech_plan], out)
    wb = load_workbook(out)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4  # openpyxl keeps the constant as "9"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert int(ws.page_setup.fitToWidth) == 1
        assert int(ws.page_setup.fitToHeight) == 0
        assert ws.print_title_rows == "$1:$1"
        assert all(c.font.bold for c in ws[1])
        assert ws["A1"].alignment.wrap_text


def test_it_shows_placeholder_deadline_text_and_global_locations(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    write_workbook([_hand_plan("甲.txt"), _hand_plan("乙.docx")], out)
    ws = load_workbook(out)["重点任务"]
    rows = _rows(ws)
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    first = dict(zip(TASK_HEADERS, rows[0], strict=True))
    assert first["完成时限"] == "x月底前"
    assert first["量化指标"] == "2万亩、x个"
    assert first["牵头单位"] == "县农业农村局"
    assert first["配合单位"] == "县水利局"
    assert first["所属部分"] == "2023年重点任务 / 稳住农业基本盘"
    assert first["原文位置"] == "甲.txt 第11–42字"
    assert rows[2][8] == "乙.docx 第11–42字"


def test_it_keeps_formula_like_text_as_text_and_drops_control_characters(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    write_workbook([_hand_plan()], out)
    row = dict(zip(TASK_HEADERS, _rows(load_workbook(out)["重点任务"])[1], strict=True))
    assert row["任务内容"] == "=SUM(A1)这一句来自docx软回车"
    assert row["所属部分"] == "2023年重点任务"
    assert row["完成时限"] is None and row["牵头单位"] is None


def test_it_lists_targets_with_types_and_placeholder_values(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    write_workbook([_hand_plan()], out)
    rows = _rows(load_workbook(out)["预期目标"])
    assert [r[1:8] for r in rows] == [
        [
            "城乡居民人均可支配收入",
            "增长率",
            "待定(原文已隐去)",
            "%",
            None,
            "2023",
            "城乡居民人均可支配收入增长x%",
        ],
        ["粮食产量", "总量", 30, "万吨", "以上", "2023", "粮食产量稳定在30万吨以上"],
        ["城镇化率", "比率", 52.5, "%", None, "2023", "城镇化率达到52.5%"],
    ]


def test_it_links_projects_to_task_numbers_across_plans(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    write_workbook([_hand_plan("甲.txt"), _hand_plan("乙.txt")], out)
    rows = _rows(load_workbook(out)["重点项目"])
    assert rows == [
        [1, "南湖灌区改造项目", "1、2、3、4"],
        [2, "未落到任务的项目", None],
    ]


def test_it_writes_an_empty_ledger_when_nothing_was_found(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    write_workbook([], out)
    wb = load_workbook(out)
    assert [ws.max_row for ws in wb.worksheets] == [1, 1, 1]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_it_opens_in_libreoffice(speech_plan: Plan, tmp_path: Path) -> None:
    out = tmp_path / "任务分解表.xlsx"
    write_workbook([speech_plan], out)
    csv_dir = tmp_path / "csv"
    profile = (tmp_path / "lo-profile").as_uri()
    # Filter options 44,34,76: comma separator, double-quote delimiter, UTF-8, so the Chinese
    # text survives regardless of the machine's locale.
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(csv_dir),
            str(out),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    with (csv_dir / "任务分解表.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == TASK_HEADERS
    assert [r[2] for r in rows[1:]] == [t.text for t in speech_plan.tasks]
