"""The Excel round-trip of a unit's progress reports.

A unit downloads its tasks as a workbook, fills in this period's progress (in Excel or WPS, offline,
often by several people), uploads it back, checks a preview and confirms. The workbook has two sheets:

- 任务: one row per task — a hidden, locked task id, then what the task is (locked), then three
  columns to fill in: 本期进展情况, 完成进度(%), 已完成(是/否);
- 指标: one row per measurable output — hidden task and output ids, what it measures (locked), and
  本期数值 to fill in.

Columns are found by their header, so a reordered or extra column does not shift the values. A row
left blank means "nothing to report"; a blank percent keeps the task's progress as it stands. Reading
never writes: it returns a preview of the changes and the errors by row, and the caller applies the
valid changes through `services.submit_report`.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from luoshi.ledger.models import Output, Task
from luoshi.org.access import tasks_for
from luoshi.org.models import User
from luoshi.parsing.read import InputRefused

TASK_SHEET = "任务"
OUTPUT_SHEET = "指标"

# header → width; the first column of each sheet is the hidden id
TASK_ID, NUMBER, TEXT, ROLE, DEADLINE, CURRENT = (
    "任务ID",
    "序号",
    "任务内容",
    "本单位角色",
    "完成时限",
    "当前进度(%)",
)
REPORT_TEXT, PERCENT, DONE = "本期进展情况", "完成进度(%)", "已完成(是/否)"
TASK_COLUMNS: list[tuple[str, float]] = [
    (TASK_ID, 8),
    (NUMBER, 6),
    (TEXT, 50),
    (ROLE, 9),
    (DEADLINE, 11),
    (CURRENT, 10),
    (REPORT_TEXT, 45),
    (PERCENT, 11),
    (DONE, 11),
]
OUTPUT_ID, OUTPUT_NAME, GOAL, CURRENT_VALUE, VALUE = "指标ID", "指标", "目标", "当前值", "本期数值"
OUTPUT_COLUMNS: list[tuple[str, float]] = [
    (TASK_ID, 8),
    (OUTPUT_ID, 8),
    (NUMBER, 6),
    (OUTPUT_NAME, 30),
    (GOAL, 16),
    (CURRENT_VALUE, 10),
    (VALUE, 12),
]
TASK_INPUTS = (REPORT_TEXT, PERCENT, DONE)
OUTPUT_INPUTS = (VALUE,)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000  # far more than any unit has; a bigger sheet is not one of ours
YES, NO = "是", "否"

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
_INPUT_FILL = PatternFill("solid", start_color="FFF9DB", end_color="FFF9DB")
_WRAP = Alignment(wrap_text=True, vertical="top")
_OPEN = Protection(locked=False)


# ---------------------------------------------------------------------------------------- writing


def write_tasks(tasks: Iterable[Task]) -> bytes:
    """The workbook for a unit's tasks. Each task needs `my_role` (lead/cooperate) and its outputs
    prefetched; the caller fetches them in a fixed number of queries."""
    wb = Workbook()
    ws = wb.active
    ws.title = TASK_SHEET
    outputs_ws = wb.create_sheet(OUTPUT_SHEET)
    _header(ws, TASK_COLUMNS)
    _header(outputs_ws, OUTPUT_COLUMNS)
    roles = {"lead": _("牵头"), "cooperate": _("配合")}
    row = out_row = 1
    for task in tasks:
        row += 1
        values = [
            task.pk,
            task.number,
            task.text,
            roles.get(getattr(task, "my_role", ""), ""),
            task.deadline.isoformat() if task.deadline else task.deadline_text,
            task.progress,
            None,
            None,
            None,
        ]
        for col, value in enumerate(values, 1):
            cell = ws.cell(row=row, column=col, value=value)
            cell.alignment = _WRAP
        for col in (7, 8, 9):
            ws.cell(row=row, column=col).protection = _OPEN
            ws.cell(row=row, column=col).fill = _INPUT_FILL
        for output in task.outputs.all():
            out_row += 1
            goal = f"{output.goal}" + (
                f"（{output.unit}）" if output.unit and output.unit not in output.goal else ""
            )
            for col, value in enumerate(
                [task.pk, output.pk, task.number, output.name, goal, output.current_value, None], 1
            ):
                outputs_ws.cell(row=out_row, column=col, value=value).alignment = _WRAP
            outputs_ws.cell(row=out_row, column=7).protection = _OPEN
            outputs_ws.cell(row=out_row, column=7).fill = _INPUT_FILL
    if row > 1:
        percent = DataValidation(
            type="whole",
            operator="between",
            formula1="0",
            formula2="100",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle=_("完成进度"),
            error=_("请填写 0 到 100 之间的整数。"),
        )
        percent.add(f"H2:H{row}")
        done = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True, showErrorMessage=True)
        done.add(f"I2:I{row}")
        ws.add_data_validation(percent)
        ws.add_data_validation(done)
    if out_row > 1:
        number = DataValidation(
            type="decimal",
            operator="between",
            formula1="-1E+15",
            formula2="1E+15",
            allow_blank=True,
            showErrorMessage=True,
            error=_("请填写数字。"),
        )
        number.add(f"G2:G{out_row}")
        outputs_ws.add_data_validation(number)
    for sheet in (ws, outputs_ws):
        # ids stay out of sight and out of reach: hidden, and locked by the sheet protection (no
        # password: it guards against slips, the server checks every id anyway)
        sheet.column_dimensions["A"].hidden = True
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False
        sheet.protection.formatRows = False
        sheet.protection.formatCells = False
        sheet.protection.autoFilter = False
        sheet.protection.sort = False
        sheet.freeze_panes = "C2"
    outputs_ws.column_dimensions["B"].hidden = True
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _header(ws, columns: list[tuple[str, float]]) -> None:
    for col, (title, width) in enumerate(columns, 1):
        cell = ws.cell(row=1, column=col, value=title)
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _WRAP
        ws.column_dimensions[get_column_letter(col)].width = width


# ---------------------------------------------------------------------------------------- reading


@dataclass
class TaskLine:
    row: int
    task_id: Any
    text: Any
    percent: Any
    done: Any


@dataclass
class ValueLine:
    row: int
    task_id: Any
    output_id: Any
    value: Any


@dataclass
class Sheets:
    tasks: list[TaskLine]
    values: list[ValueLine]


def read_upload(data: bytes, name: str) -> Sheets:
    """The filled-in rows of an uploaded workbook; InputRefused with a message for the user when the
    file is not an xlsx, is damaged, or is not the workbook this page hands out."""
    if not name.lower().endswith(".xlsx"):
        raise InputRefused(_("请上传从本页下载的 .xlsx 文件（%(name)s 不是 xlsx 文件）。") % {"name": name})
    if len(data) > MAX_UPLOAD_BYTES:
        raise InputRefused(_("文件过大（超过 5 MB），请上传从本页下载的任务表。"))
    if not data.startswith(b"PK\x03\x04"):
        raise InputRefused(
            _("%(name)s 不是有效的 xlsx 文件，可能已损坏或是其他格式改了扩展名。") % {"name": name}
        )
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise InputRefused(
            _("%(name)s 无法读取，文件可能已损坏，请重新下载任务表填写。") % {"name": name}
        ) from None
    try:
        if TASK_SHEET not in wb.sheetnames:
            raise InputRefused(
                _("文件中没有“%(sheet)s”工作表，请使用从本页下载的任务表。") % {"sheet": TASK_SHEET}
            )
        tasks = [
            TaskLine(row, r[TASK_ID], r[REPORT_TEXT], r[PERCENT], r[DONE])
            for row, r in _rows(wb[TASK_SHEET], TASK_SHEET, (TASK_ID, *TASK_INPUTS))
        ]
        values = []
        if OUTPUT_SHEET in wb.sheetnames:
            values = [
                ValueLine(row, r[TASK_ID], r[OUTPUT_ID], r[VALUE])
                for row, r in _rows(wb[OUTPUT_SHEET], OUTPUT_SHEET, (TASK_ID, OUTPUT_ID, VALUE))
            ]
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise InputRefused(
            _("%(name)s 无法读取，文件可能已损坏，请重新下载任务表填写。") % {"name": name}
        ) from None
    finally:
        wb.close()
    return Sheets(tasks, values)


def _rows(ws, sheet: str, needed: tuple[str, ...]) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {header: value}) for each row with something typed in its input columns."""
    rows = ws.iter_rows()
    header = [c.value for c in next(rows, ())]
    index = {str(h).strip(): i for i, h in enumerate(header) if h is not None}
    missing = [h for h in needed if h not in index]
    if missing:
        raise InputRefused(
            _("“%(sheet)s”工作表缺少列：%(columns)s。请使用从本页下载的任务表，不要改动表头。")
            % {"sheet": sheet, "columns": "、".join(missing)}
        )
    inputs = [h for h in needed if h in TASK_INPUTS or h in OUTPUT_INPUTS]
    out = []
    for number, row in enumerate(rows, 2):
        if number > MAX_ROWS:
            raise InputRefused(_("“%(sheet)s”工作表行数过多。") % {"sheet": sheet})
        values = {}
        for h in needed:
            i = index[h]
            cell = row[i] if i < len(row) else None
            value = getattr(cell, "value", None)
            # typing 60% into a General cell stores 0.6 formatted as a percentage: read it as 60
            if (
                h == PERCENT
                and isinstance(value, int | float)
                and "%" in (getattr(cell, "number_format", "") or "")
            ):
                value = value * 100
            values[h] = value
        # a row is read only when something was typed where the unit fills in; the ids alone are ours
        if all(_blank(values[h]) for h in inputs):
            continue
        out.append((number, values))
    return out


# ------------------------------------------------------------------------------------- checking


@dataclass
class ValueChange:
    output_id: int
    name: str
    old: float | None
    new: float


@dataclass
class Change:
    """One task row that will become a progress report."""

    row: int
    task_id: int
    number: int
    task_text: str
    text: str
    percent: int | None  # None: left blank, the progress stays as it is
    old_percent: int
    done: bool
    values: list[ValueChange] = field(default_factory=list)


@dataclass
class RowError:
    sheet: str
    row: int
    message: str


@dataclass
class Preview:
    changes: list[Change]
    errors: list[RowError]
    unchanged: int = 0

    def payload(self) -> list[dict[str, Any]]:
        """The valid changes as plain data, to keep in the session until the unit confirms."""
        return [asdict(c) for c in self.changes]


def check_upload(user: User, sheets: Sheets) -> Preview:
    """What the upload would change, and what is wrong with it, row by row. Two queries."""
    ids = {i for i in (_int(line.task_id) for line in [*sheets.tasks, *sheets.values]) if i is not None}
    tasks = {
        t.pk: t for t in tasks_for(user).filter(pk__in=ids).only("pk", "number", "text", "progress", "status")
    }
    outputs = {
        o.pk: o
        for o in Output.objects.filter(task_id__in=tasks).only("pk", "task_id", "name", "current_value")
    }
    errors: list[RowError] = []
    bad_tasks: set[int] = set()  # a task with any bad row is left out whole, not half-applied
    values_by_task: dict[int, list[ValueChange]] = {}
    value_rows: dict[int, int] = {}
    seen_outputs: set[int] = set()

    for line in sheets.values:
        task_id, output_id = _int(line.task_id), _int(line.output_id)
        if _blank(line.value):
            continue
        if task_id not in tasks:
            errors.append(RowError(OUTPUT_SHEET, line.row, _unknown_task(line.task_id)))
            continue
        value_rows.setdefault(task_id, line.row)
        output = outputs.get(output_id)
        if output is None or output.task_id != task_id:
            errors.append(
                RowError(OUTPUT_SHEET, line.row, _("指标ID %(id)s 不属于该任务。") % {"id": line.output_id})
            )
            bad_tasks.add(task_id)
            continue
        if output_id in seen_outputs:
            errors.append(RowError(OUTPUT_SHEET, line.row, _("同一指标填写了两行。")))
            bad_tasks.add(task_id)
            continue
        seen_outputs.add(output_id)
        number = _number(line.value)
        if number is None:
            errors.append(
                RowError(OUTPUT_SHEET, line.row, _("本期数值“%(value)s”不是数字。") % {"value": line.value})
            )
            bad_tasks.add(task_id)
            continue
        values_by_task.setdefault(task_id, []).append(
            ValueChange(output.pk, output.name, output.current_value, number)
        )

    changes: list[Change] = []
    unchanged = 0
    seen_tasks: set[int] = set()
    task_rows: set[int] = set()
    for line in sheets.tasks:
        task_id = _int(line.task_id)
        text, has_text = _text(line.text), not _blank(line.text)
        if task_id not in tasks:
            # filled in against an id that is not this unit's (typed in, or a row copied from another
            # unit's sheet): refused, whatever the rest of the row says
            errors.append(RowError(TASK_SHEET, line.row, _unknown_task(line.task_id)))
            continue
        if task_id in seen_tasks:
            # which of the two rows was meant is not ours to guess: neither is imported
            errors.append(RowError(TASK_SHEET, line.row, _("该任务在表中出现了两次，两行都未导入。")))
            bad_tasks.add(task_id)
            continue
        seen_tasks.add(task_id)
        task_rows.add(task_id)
        task = tasks[task_id]
        values = values_by_task.get(task_id, [])
        problems: list[str] = []
        done = False
        if not _blank(line.done):
            done_text = _text(line.done)
            if done_text in (YES, "Y", "y", "yes", "Yes", "YES", "1", "√", "True", "TRUE"):
                done = True
            elif done_text not in (NO, "N", "n", "no", "No", "NO", "0", "×", "False", "FALSE"):
                problems.append(_("已完成一栏请填“是”或“否”。"))
        # blank: no new figure, the progress stays as it stands when the report lands (not as it
        # was at this preview: another report may land before the unit confirms)
        percent: int | None = None
        if not _blank(line.percent):
            percent = _percent(line.percent)
            if percent is None:
                problems.append(_("完成进度“%(value)s”应为 0 到 100 之间的整数。") % {"value": line.percent})
        if done and not problems:
            percent = 100  # 已完成 means all of it
        was_done = task.status == Task.Status.DONE
        changed = (
            has_text
            or values
            or (percent is not None and percent != task.progress)
            or (done and not was_done)
        )
        if not changed and not problems:
            unchanged += 1
            continue
        if not has_text:
            problems.append(_("有改动的行请填写本期进展情况。"))
        if problems or task_id in bad_tasks:
            errors.extend(RowError(TASK_SHEET, line.row, p) for p in problems)
            if not problems:
                errors.append(RowError(TASK_SHEET, line.row, _("该任务的指标数值有误，整行未导入。")))
            continue
        changes.append(
            Change(line.row, task.pk, task.number, task.text, text, percent, task.progress, done, values)
        )
    twice = [c for c in changes if c.task_id in bad_tasks]
    errors.extend(RowError(TASK_SHEET, c.row, _("该任务在表中出现了两次，两行都未导入。")) for c in twice)
    changes = [c for c in changes if c.task_id not in bad_tasks]
    # figures for a task whose row in 任务 is blank or gone: a report needs its text
    for task_id, row in value_rows.items():
        if task_id not in task_rows and task_id not in bad_tasks:
            errors.append(
                RowError(
                    OUTPUT_SHEET, row, _("已填写本期数值，但“任务”表中该任务没有填写本期进展情况，未导入。")
                )
            )
    errors.sort(key=lambda e: (e.sheet != TASK_SHEET, e.row))
    return Preview(changes, errors, unchanged)


def _unknown_task(value: Any) -> str:
    return _("任务ID %(id)s 不存在或不是本单位的任务。") % {"id": "" if value is None else value}


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


def _int(value: Any) -> int | None:
    """A database id as typed (12, 12.0, "12"); anything else, or out of the id range, is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, int) and 0 < value < 2**63:
        return value
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip().replace(",", "").replace("，", ""))
        except ValueError:
            return None
        if number != number or number in (float("inf"), float("-inf")):
            return None
        return number
    return None


def _percent(value: Any) -> int | None:
    """0–100 as typed: 60, 60.4, "60", "60%"; rounded to a whole percent."""
    if isinstance(value, str):
        value = value.strip().rstrip("%％").strip()
    number = _number(value)
    if number is None or not 0 <= number <= 100:
        return None
    return round(number)
