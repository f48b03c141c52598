"""The filtered ledger as the 任务分解表 workbook the office hands out and prints.

The sheet is laid out by the same helper as the parser's workbook (luoshi.parsing.xlsx): header in
row 1, frozen and filtered, wrapped text, A4 landscape fitted to the page width.
"""

from __future__ import annotations

from collections.abc import Iterable
from io import BytesIO

from django.db.models import Prefetch, QuerySet
from openpyxl import Workbook

from luoshi.ledger.models import Assignment, Task
from luoshi.parsing.xlsx import fill_sheet

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, width); about 160 characters in all, fitted to A4 landscape by the page setup
COLUMNS: list[tuple[str, float]] = [
    ("序号", 5),
    ("所属部分", 18),
    ("任务内容", 44),
    ("量化指标", 14),
    ("完成时限", 11),
    ("牵头单位", 12),
    ("配合单位", 16),
    ("责任领导", 9),
    ("进度", 7),
    ("预警", 5),
    ("预警原因", 19),
]
PROGRESS_COLUMN = "I"


def ledger_rows(tasks: Iterable[Task]) -> Iterable[list[object]]:
    for task in tasks:
        lead = [a.unit for a in task.assignments.all() if a.role == Assignment.Role.LEAD]
        coop = [a.unit for a in task.assignments.all() if a.role == Assignment.Role.COOPERATE]
        yield [
            task.number,
            _part(task),
            task.text,
            "、".join(o.goal for o in task.outputs.all()),
            task.deadline.isoformat() if task.deadline else task.deadline_text,
            "、".join(str(u) for u in lead),
            "、".join(str(u) for u in coop),
            task.leader.name if task.leader else "",
            task.progress,
            task.get_colour_display(),
            task.reason,
        ]


def _part(task: Task) -> str:
    section = task.section
    if section is None:
        return ""
    titles = [section.parent, section] if section.parent_id else [section]
    return " / ".join(f"{s.marker}{s.title}" for s in titles)


def ledger_workbook(tasks: QuerySet[Task]) -> Workbook:
    """One sheet 任务分解表 with a row per task, in ledger order."""
    rows = (
        tasks.select_related("section__parent", "leader")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("id")),
            "outputs",
        )
        .order_by("region_id", "plan_id", "number", "id")
    )
    wb = Workbook()
    ws = wb.active
    ws.title = "任务分解表"
    # chunked so a city-wide export does not hold every task and its prefetches at once
    fill_sheet(ws, COLUMNS, ledger_rows(rows.iterator(chunk_size=2000)))
    # progress stays a number the office can compute with; it just reads as a percentage
    for cell in ws[PROGRESS_COLUMN][1:]:
        cell.number_format = '0"%"'
    return wb


def ledger_xlsx(tasks: QuerySet[Task]) -> bytes:
    out = BytesIO()
    ledger_workbook(tasks).save(out)
    return out.getvalue()
