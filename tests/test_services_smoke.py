"""The loop's core services on the shared fixture: import, publish, report, review, warn."""

from __future__ import annotations

from datetime import date

import pytest

from luoshi.ledger.models import Assignment, Task
from luoshi.ledger.services import ConcurrentEdit, update_task
from luoshi.reporting.services import ReportInput, review_report, submit_report
from luoshi.supervision.warnings import colour_of


def test_it_imports_a_speech_with_units_matched_through_aliases(published_plan, county) -> None:
    tasks = list(published_plan.tasks.order_by("number"))
    assert len(tasks) >= 5
    fgj = county["units"]["县发改局"]
    lead = Assignment.objects.get(task__text__startswith="县发改局要牵头", role=Assignment.Role.LEAD)
    assert lead.unit == fgj
    both = Task.objects.get(text__startswith="县卫健局和县教育局")
    assert {a.unit.short_name for a in both.assignments.all()} == {"县卫健局", "县教育局"}
    assert published_plan.targets.filter(indicator="地区生产总值").exists()
    assert published_plan.year == 2025


def test_it_refuses_the_second_of_two_concurrent_edits(published_plan, users) -> None:
    task = published_plan.tasks.first()
    update_task(task, users["office"], task.version, text=task.text + "（修改）")
    with pytest.raises(ConcurrentEdit):
        update_task(task, users["office"], task.version, text="另一个修改")
    task.refresh_from_db()
    assert task.text.endswith("（修改）")
    assert task.audit.filter(action="update").count() == 1


def test_it_stores_a_report_and_moves_progress(published_plan, users) -> None:
    task = Task.objects.get(text__startswith="县发改局要牵头")
    report = submit_report(task, users["fgj"], ReportInput(text="已建立调度机制", percent=40, values={}))
    task.refresh_from_db()
    assert task.progress == 40 and task.status == Task.Status.IN_PROGRESS
    review_report(report, users["office"], accept=False, comment="请补充数据")
    report.refresh_from_db()
    assert report.status == "returned"


def test_it_colours_an_overdue_task_red(published_plan) -> None:
    task = Task.objects.get(text__contains="6月底前")
    colour, reason = colour_of(task, today=date(2025, 7, 15), reported=set())
    assert colour == "red" and "超期" in reason
