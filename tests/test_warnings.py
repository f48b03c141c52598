"""The one warning rule (supervision/warnings.py), branch by branch, on tasks built in code; the
reporting periods it shares with the reminders and the dashboard; and refresh_colours."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from luoshi.ledger.models import Plan, Task
from luoshi.reporting.models import ProgressReport
from luoshi.supervision.warnings import (
    colour_of,
    due_periods,
    first_period,
    next_period,
    on_time_cutoff,
    period_label,
    previous_period,
    refresh_colours,
    report_due,
)

MONTHLY, WEEKLY = Task.Schedule.MONTHLY, Task.Schedule.WEEKLY


def _task(
    deadline: date | None,
    progress: int = 0,
    status: str = Task.Status.IN_PROGRESS,
    schedule: str = MONTHLY,
    year: int = 2025,
) -> Task:
    """A task as the rule sees it; not saved — the rule needs no database when periods are given."""
    return Task(
        plan=Plan(year=year),
        deadline=deadline,
        progress=progress,
        status=status,
        schedule=schedule,
        text="建设任务",
        number=1,
    )


# today 2025-01-11 and deadline 2025-01-21: the schedule (序时进度) expects exactly 50%, and no
# period is due yet (December 2024 is before the plan year), so only the points behind decide
JAN = {"today": date(2025, 1, 11), "deadline": date(2025, 1, 21)}

CASES = [
    # (name, task arguments, today, reported periods, colour, words in the reason)
    (
        "done wins over overdue",
        dict(deadline=date(2025, 3, 1), status=Task.Status.DONE),
        date(2025, 6, 16),
        set(),
        "green",
        "已完成",
    ),
    (
        "done wins over behind and missing",
        dict(deadline=None, progress=0, status=Task.Status.DONE),
        date(2025, 6, 16),
        set(),
        "green",
        "已完成",
    ),
    (
        "overdue",
        dict(deadline=date(2025, 6, 10), progress=99),
        date(2025, 6, 16),
        {date(2025, 5, 1)},
        "red",
        "已超期 6 天",
    ),
    (
        "31 points behind",
        dict(deadline=JAN["deadline"], progress=19),
        JAN["today"],
        set(),
        "red",
        "滞后序时进度 31 个百分点",
    ),
    (
        "30 points behind",
        dict(deadline=JAN["deadline"], progress=20),
        JAN["today"],
        set(),
        "yellow",
        "滞后序时进度 30 个百分点",
    ),
    (
        "10 points behind",
        dict(deadline=JAN["deadline"], progress=40),
        JAN["today"],
        set(),
        "yellow",
        "滞后序时进度 10 个百分点",
    ),
    (
        "9 points behind",
        dict(deadline=JAN["deadline"], progress=41),
        JAN["today"],
        set(),
        "green",
        "按序时推进",
    ),
    (
        "deadline in 7 days",
        dict(deadline=date(2025, 1, 21), progress=65),
        date(2025, 1, 14),
        set(),
        "blue",
        "还有 7 天",
    ),
    (
        "deadline today",
        dict(deadline=date(2025, 1, 21), progress=100),
        date(2025, 1, 21),
        set(),
        "blue",
        "还有 0 天",
    ),
    (
        "deadline in 8 days",
        dict(deadline=date(2025, 1, 21), progress=60),
        date(2025, 1, 13),
        set(),
        "green",
        "按序时推进",
    ),
    (
        "last month not reported",
        dict(deadline=None, progress=60),
        date(2025, 6, 16),
        {date(2025, 4, 1)},
        "yellow",
        "2025年5月 未填报进展",
    ),
    (
        "last month reported",
        dict(deadline=None, progress=60),
        date(2025, 6, 16),
        {date(2025, 5, 1)},
        "green",
        "按序时推进",
    ),
    (
        "last week not reported",
        dict(deadline=None, progress=60, schedule=WEEKLY),
        date(2025, 6, 18),
        {date(2025, 6, 2)},
        "yellow",
        "2025-06-09 当周 未填报进展",
    ),
    (
        "last week reported",
        dict(deadline=None, progress=60, schedule=WEEKLY),
        date(2025, 6, 18),
        {date(2025, 6, 9)},
        "green",
        "按序时推进",
    ),
    (
        "missing report beats blue",
        dict(deadline=date(2025, 6, 20), progress=99),
        date(2025, 6, 16),
        set(),
        "yellow",
        "2025年5月 未填报进展",
    ),
    (
        "reported and near the deadline",
        dict(deadline=date(2025, 6, 20), progress=99),
        date(2025, 6, 16),
        {date(2025, 5, 1)},
        "blue",
        "还有 4 天",
    ),
    (
        "behind beats missing",
        dict(deadline=None, progress=0),
        date(2025, 6, 16),
        set(),
        "red",
        "滞后序时进度",
    ),
    (
        "nothing due in January",
        dict(deadline=None, progress=5),
        date(2025, 1, 20),
        set(),
        "green",
        "按序时推进",
    ),
    (
        "no report owed after the deadline's period",
        dict(deadline=None, progress=100, year=2024),
        date(2025, 2, 10),
        set(),
        "green",
        "按序时推进",
    ),
]


@pytest.mark.parametrize(
    ("name", "args", "today", "reported", "colour", "reason"), CASES, ids=[c[0] for c in CASES]
)
def test_it_gives_each_branch_its_colour_and_reason(name, args, today, reported, colour, reason) -> None:
    got_colour, got_reason = colour_of(_task(**args), today=today, reported=reported)
    assert got_colour == colour, got_reason
    assert reason in got_reason


@pytest.mark.parametrize(
    ("overrides", "progress", "today", "colour"),
    [
        ({"LUOSHI_RED_BEHIND": 50}, 19, JAN["today"], "yellow"),  # 31 behind is no longer red
        ({"LUOSHI_RED_BEHIND": 20}, 25, JAN["today"], "red"),  # 25 behind now is
        ({"LUOSHI_YELLOW_BEHIND": 5}, 41, JAN["today"], "yellow"),  # 9 behind now is yellow
        ({"LUOSHI_YELLOW_BEHIND": 15}, 40, JAN["today"], "green"),  # 10 behind no longer is
        ({"LUOSHI_BLUE_DAYS": 10}, 60, date(2025, 1, 13), "blue"),  # 8 days left now is blue
        ({"LUOSHI_BLUE_DAYS": 3}, 65, date(2025, 1, 14), "green"),  # 7 days left no longer is
    ],
)
def test_it_takes_its_thresholds_from_settings(settings, overrides, progress, today, colour) -> None:
    for name, value in overrides.items():
        setattr(settings, name, value)
    task = _task(deadline=JAN["deadline"], progress=progress)
    assert colour_of(task, today=today, reported=set())[0] == colour


def test_it_counts_a_returned_report_as_missing(published_plan, users) -> None:
    from luoshi.reporting.services import review_report

    task = Task.objects.select_related("plan").get(plan=published_plan, text__startswith="县发改局要牵头")
    today = date(2025, 6, 16)

    def report(month: int) -> ProgressReport:
        return ProgressReport.objects.create(
            task=task,
            unit=users["fgj"].unit,
            period=date(2025, month, 1),
            text=f"{month}月进展",
            percent=60,
            submitted_by=users["fgj"],
            submitted_at=timezone.make_aware(datetime(2025, month, 28, 9)),
        )

    report(4)  # the progress the task stands at
    Task.objects.filter(pk=task.pk).update(progress=60)
    task.refresh_from_db()
    assert colour_of(task, today)[1] == "2025年5月 未填报进展"
    first = report(5)
    assert colour_of(task, today) == ("green", "按序时推进")
    review_report(first, users["office"], accept=False, comment="数据不全")
    assert colour_of(task, today)[0] == "yellow"
    assert refresh_colours(Task.objects.filter(pk=task.pk), today=today) == 1
    task.refresh_from_db()
    assert (task.colour, task.reason) == ("yellow", "2025年5月 未填报进展")
    # a new report for the period stands again, and so does an accepted one
    second = report(5)
    assert colour_of(task, today)[0] == "green"
    review_report(second, users["office"], accept=True)
    assert colour_of(task, today)[0] == "green"


def test_it_refreshes_stored_colours_with_a_fixed_number_of_queries(published_plan, users) -> None:
    tasks = Task.objects.filter(plan=published_plan)
    today = date(2025, 6, 16)
    Task.objects.filter(plan=published_plan).update(colour="green", colour_reason="", progress=60)
    lead = Task.objects.get(plan=published_plan, text__startswith="县发改局要牵头")
    ProgressReport.objects.create(
        task=lead,
        unit=lead.assignments.get(role="lead").unit,
        period=date(2025, 5, 1),
        text="五月",
        percent=60,
        submitted_at=timezone.now(),
    )
    with CaptureQueriesContext(connection) as queries:
        changed = refresh_colours(tasks, today=today)
    assert len(queries) <= 4
    stored = {t.pk: (t.colour, t.reason) for t in tasks.select_related("plan")}
    for task in tasks.select_related("plan"):
        assert stored[task.pk] == colour_of(task, today)
    assert stored[lead.pk] == ("green", "按序时推进")
    assert changed == sum(1 for c, r in stored.values() if (c, r) != ("green", ""))
    assert changed > 0
    # nothing left to change
    assert refresh_colours(tasks, today=today) == 0


def test_it_names_the_periods_a_task_owes() -> None:
    assert next_period(MONTHLY, date(2025, 12, 1)) == date(2026, 1, 1)
    assert next_period(WEEKLY, date(2025, 6, 11)) == date(2025, 6, 16)
    assert previous_period(MONTHLY, date(2025, 1, 5)) == date(2024, 12, 1)
    assert first_period(WEEKLY, 2025) == date(2025, 1, 6)  # 1 January 2025 was a Wednesday
    assert first_period(MONTHLY, 2025) == date(2025, 1, 1)
    assert period_label(MONTHLY, date(2025, 3, 1)) == "2025年3月"
    assert report_due(MONTHLY, 2025, date(2025, 6, 30), date(2025, 6, 1))
    assert not report_due(MONTHLY, 2025, date(2025, 6, 30), date(2025, 7, 1))
    assert not report_due(MONTHLY, 2025, None, date(2024, 12, 1))
    assert report_due(MONTHLY, 2025, None, date(2025, 12, 1))
    # complete periods only, up to the deadline's period, or a done task's last report
    assert due_periods(MONTHLY, 2025, date(2025, 9, 30), date(2025, 4, 10)) == [
        date(2025, 1, 1),
        date(2025, 2, 1),
        date(2025, 3, 1),
    ]
    assert len(due_periods(MONTHLY, 2025, date(2025, 9, 30), date(2026, 3, 1))) == 9
    assert len(due_periods(MONTHLY, 2025, None, date(2026, 3, 1), until=date(2025, 4, 20))) == 4
    assert due_periods(WEEKLY, 2025, None, date(2025, 1, 15)) == [date(2025, 1, 6)]
    cutoff = on_time_cutoff(MONTHLY, date(2025, 3, 1))
    assert cutoff == timezone.make_aware(datetime.combine(date(2025, 4, 1), time.min))
    assert timezone.localtime(cutoff).hour == 0
