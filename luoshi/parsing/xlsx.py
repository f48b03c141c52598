"""The 任务分解表 workbook a supervision office hands out: one row per task, target and project.

The header stays in row 1 (no document title row) so the file can be read back as a plain table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .plan import Plan, Target, Task

# (header, width) per column. Widths are in Excel character units; each sheet totals about 145,
# roughly the printable width of A4 landscape, so fit-to-width barely has to shrink the text.
TASK_COLUMNS: list[tuple[str, float]] = [
    ("序号", 5),
    ("所属部分", 18),
    ("任务内容", 44),
    ("量化指标", 14),
    ("完成时限", 11),
    ("牵头单位", 12),
    ("配合单位", 16),
    ("责任领导", 9),
    ("原文位置", 16),
]
TARGET_COLUMNS: list[tuple[str, float]] = [
    ("序号", 5),
    ("指标", 24),
    ("类型", 8),
    ("目标值", 14),
    ("单位", 7),
    ("限定", 8),
    ("期间", 8),
    ("原文", 50),
    ("原文位置", 16),
]
PROJECT_COLUMNS: list[tuple[str, float]] = [
    ("序号", 5),
    ("项目名称", 70),
    ("涉及任务序号", 30),
]

MEASURES = {"growth": "增长率", "level": "总量", "rate": "比率", "relative": "相对"}
PLACEHOLDER_VALUE = "待定(原文已隐去)"

HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


def write_workbook(plans: Sequence[Plan], path: str | Path) -> None:
    wb = Workbook()
    tasks_sheet = wb.active
    tasks_sheet.title = "重点任务"
    fill_sheet(tasks_sheet, TASK_COLUMNS, _task_rows(plans))
    fill_sheet(wb.create_sheet("预期目标"), TARGET_COLUMNS, _target_rows(plans))
    fill_sheet(wb.create_sheet("重点项目"), PROJECT_COLUMNS, _project_rows(plans))
    wb.save(Path(path))


def _task_rows(plans: Sequence[Plan]) -> list[list[object]]:
    rows: list[list[object]] = []
    for plan in plans:
        markers = _markers(plan)
        for task in plan.tasks:
            rows.append(
                [
                    len(rows) + 1,
                    _part_label(task, markers),
                    task.text,
                    "、".join(q.text for q in task.quantities),
                    _deadline(task),
                    task.units[0] if task.units else "",
                    "、".join(task.units[1:]),
                    "",  # 责任领导 is the clerk's to fill in; the speech rarely names one per task
                    _location(plan.source, task.span),
                ]
            )
    return rows


def _target_rows(plans: Sequence[Plan]) -> list[list[object]]:
    rows: list[list[object]] = []
    for plan in plans:
        for target in plan.targets:
            rows.append(
                [
                    len(rows) + 1,
                    target.indicator,
                    MEASURES.get(target.measure, target.measure),
                    _target_value(target),
                    target.unit,
                    target.qualifier,
                    target.period,
                    target.text,
                    _location(plan.source, target.span),
                ]
            )
    return rows


def _project_rows(plans: Sequence[Plan]) -> list[list[object]]:
    # Task numbers are global across plans, matching the 序号 column of 重点任务; a project named
    # in several speeches gets one row listing all its tasks.
    numbers: dict[str, list[int]] = {}
    number = 0
    for plan in plans:
        for name in plan.projects:
            numbers.setdefault(name, [])
        for task in plan.tasks:
            number += 1
            for name in dict.fromkeys(task.projects):
                numbers.setdefault(name, []).append(number)
    return [[i, name, "、".join(map(str, nums))] for i, (name, nums) in enumerate(numbers.items(), 1)]


def _markers(plan: Plan) -> dict[str, str]:
    # Tasks carry only section titles; the clerk's table reads better with "三、" / "（二）" back on.
    markers: dict[str, str] = {}
    for section in plan.sections:
        markers.setdefault(section.title, section.marker)
    return markers


def _part_label(task: Task, markers: dict[str, str]) -> str:
    titles = [t for t in dict.fromkeys([task.part, task.section]) if t]
    return " / ".join(markers.get(t, "") + t for t in titles)


def _deadline(task: Task) -> str:
    if task.deadline is None:
        return ""
    return task.deadline.date or task.deadline.text


def _target_value(target: Target) -> object:
    if target.placeholder:
        return PLACEHOLDER_VALUE
    if target.value is None:
        return ""
    # Keep numbers numeric so the office can compute with them, but without a spurious ".0".
    return int(target.value) if float(target.value).is_integer() else target.value


def _location(source: str, span: tuple[int, int]) -> str:
    # Spans are 0-based half-open offsets; people count characters from 1, inclusive.
    where = f"第{span[0] + 1}–{span[1]}字"
    return f"{source} {where}" if source else where


def fill_sheet(ws: Worksheet, columns: list[tuple[str, float]], rows: Iterable[list[object]]) -> None:
    ws.append([header for header, _ in columns])
    for row in rows:
        ws.append([_clean(value) for value in row])
    _no_formulas(ws)
    _style(ws, columns)
    _page_setup(ws)


def _clean(value: object) -> object:
    # Text from .docx can carry control characters (vertical tab for a soft line break) that
    # openpyxl refuses to write.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _no_formulas(ws: Worksheet) -> None:
    # openpyxl stores any string starting with "=" as a formula; speech text never is one.
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _style(ws: Worksheet, columns: list[tuple[str, float]]) -> None:
    for i, (_, width) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for row in ws.iter_rows():
        for cell in row:
            cell.alignment = WRAP
    for cell in ws[1]:
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def _page_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    # fitToWidth/fitToHeight are ignored unless the sheet is flagged fit-to-page; height 0 lets
    # a long ledger run onto as many pages as it needs.
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = True
