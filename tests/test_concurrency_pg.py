"""A hundred reports from ten units at once against PostgreSQL: every one stored, every one audited
once, none lost to a lock or a lost update; a workbook confirmed by ten clicks at once applied once.

Runs only when the default database is PostgreSQL (`LUOSHI_DB=postgres`); SQLite in tests is an
in-memory database that threads cannot share for writing.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from luoshi.ledger.models import Assignment, AuditEntry, Output, Plan, Task
from luoshi.org.models import Region, Unit, User
from luoshi.reporting.models import Attachment, ProgressReport
from luoshi.reporting.services import ReportInput, submit_report

pytestmark = pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="needs PostgreSQL (run with LUOSHI_DB=postgres)",
)

UNITS = 10
REPORTS = 100


def build_county() -> tuple[list[int], dict[int, list[int]]]:
    """One published plan, one task led by each of ten units and helped by the next, each with an
    output. Returns the unit users' ids and, per user, the ids of the tasks it may report on."""
    region = Region.objects.create(name="并发县")
    plan = Plan.objects.create(
        region=region,
        title="并发测试",
        year=date.today().year,
        source_name="x.txt",
        source_text="x",
        status=Plan.Status.PUBLISHED,
    )
    units = [Unit.objects.create(region=region, name=f"单位{i}") for i in range(UNITS)]
    users = [
        User.objects.create(username=f"unit{i}", role=User.Role.UNIT, region=region, unit=unit)
        for i, unit in enumerate(units)
    ]
    tasks = []
    for i in range(UNITS):
        task = Task.objects.create(plan=plan, region=region, number=i + 1, text=f"任务{i}")
        Assignment.objects.create(task=task, unit=units[i], role=Assignment.Role.LEAD)
        Assignment.objects.create(task=task, unit=units[(i + 1) % UNITS], role=Assignment.Role.COOPERATE)
        Output.objects.create(task=task, name="数量", goal="100个", goal_value=100)
        tasks.append(task)
    # user i leads task i and helps with task i-1
    return [u.pk for u in users], {
        u.pk: [tasks[i].pk, tasks[(i - 1) % UNITS].pk] for i, u in enumerate(users)
    }


def submit_concurrently(user_ids: list[int], tasks_of: dict[int, list[int]]) -> list[BaseException]:
    """REPORTS reports from 20 threads, the first 20 released together; the errors raised, if any."""
    go = threading.Event()

    def one(k: int) -> None:
        try:
            go.wait(10)
            user = User.objects.get(pk=user_ids[k % UNITS])
            task = Task.objects.get(pk=tasks_of[user.pk][(k // UNITS) % 2])
            output = task.outputs.get()
            files = [SimpleUploadedFile(f"记录{k}.txt", f"第{k}份".encode())] if k % 5 == 0 else []
            submit_report(
                task,
                user,
                ReportInput(text=f"第{k}份进展", percent=k % 101, values={output.pk: float(k)}),
                files=files,
            )
        finally:
            # each thread has its own connection; leave none open for the test database teardown
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(one, k) for k in range(REPORTS)]
        go.set()
    return [f.exception() for f in futures if f.exception() is not None]


@pytest.mark.django_db(transaction=True)
def test_it_keeps_all_100_concurrent_reports(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    user_ids, tasks_of = build_county()
    errors = submit_concurrently(user_ids, tasks_of)
    assert errors == []
    assert ProgressReport.objects.count() == REPORTS
    assert AuditEntry.objects.filter(action="submit").count() == REPORTS
    # one audit entry per report, not two for one and none for another
    assert set(AuditEntry.objects.filter(action="submit").values_list("subject_id", flat=True)) == set(
        ProgressReport.objects.values_list("pk", flat=True)
    )
    assert sorted(ProgressReport.objects.values_list("text", flat=True)) == sorted(
        f"第{k}份进展" for k in range(REPORTS)
    )
    assert Attachment.objects.count() == REPORTS // 5
    # every report bumped its task's version once: no update was lost
    assert sum(v - 1 for v in Task.objects.values_list("version", flat=True)) == REPORTS
    # and each task stands at its lead unit's last report, whatever order the threads ran in
    for task in Task.objects.all():
        lead = task.assignments.get(role=Assignment.Role.LEAD).unit_id
        last = ProgressReport.objects.filter(task=task, unit_id=lead).latest("submitted_at", "id")
        assert (task.progress, task.outputs.get().current_value) == (last.percent, last.values.get().value)


@pytest.mark.django_db(transaction=True)
def test_it_applies_a_workbook_once_however_many_confirms_arrive_together() -> None:
    from luoshi.reporting.services import stash_preview, take_preview

    user_ids, _tasks_of = build_county()
    user = User.objects.get(pk=user_ids[0])
    preview = stash_preview(user, "任务表.xlsx", [{"task_id": 1, "row": 2}])
    go = threading.Event()

    def confirm() -> list | None:
        try:
            go.wait(10)
            return take_preview(User.objects.get(pk=user.pk), preview.token)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        futures = [pool.submit(confirm) for _ in range(10)]
        go.set()
    taken = [f.result() for f in futures]
    assert [rows for rows in taken if rows is not None] == [[{"task_id": 1, "row": 2}]]
