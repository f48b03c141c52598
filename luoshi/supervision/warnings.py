"""The one warning rule. A task's colour and reason follow from its deadline, the time-elapsed
schedule (序时进度) and its reports; the thresholds are settings.

In order, the first that applies:
1. green  — the task is done (已完成);
2. red    — the deadline has passed (已超期), or progress is more than LUOSHI_RED_BEHIND points
            behind the schedule;
3. yellow — progress is LUOSHI_YELLOW_BEHIND to LUOSHI_RED_BEHIND points behind, or the last
            complete period (month, or week for weekly tasks) has no report that was not returned;
4. blue   — the deadline is within LUOSHI_BLUE_DAYS days;
5. green  — on schedule.

The schedule runs from 1 January of the plan's year to the deadline (31 December when the task has
none): on a day d it expects (d − start) / (deadline − start) × 100 percent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.ledger.models import Task


def period_start(schedule: str, day: date) -> date:
    if schedule == Task.Schedule.WEEKLY:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def previous_period(schedule: str, today: date) -> date:
    """Start of the last period that ended before today: its report is due."""
    current = period_start(schedule, today)
    return period_start(schedule, current - timedelta(days=1))


def expected_percent(start: date, end: date, today: date) -> float:
    if end <= start:
        return 100.0
    share = (today - start).days / (end - start).days * 100
    return max(0.0, min(100.0, share))


def colour_of(
    task: Task, today: date | None = None, reported: Iterable[date] | None = None
) -> tuple[str, str]:
    """(colour, reason) for a task; `reported` are the periods with a report that stands, when known."""
    today = today or timezone.localdate()
    if task.status == Task.Status.DONE:
        return Task.Colour.GREEN, _("已完成")
    year = task.plan.year
    start = date(year, 1, 1)
    end = task.deadline or date(year, 12, 31)
    if task.deadline and task.deadline < today:
        return Task.Colour.RED, _("已超期 %(days)d 天") % {"days": (today - task.deadline).days}
    behind = expected_percent(start, end, today) - task.progress
    if behind > settings.LUOSHI_RED_BEHIND:
        return Task.Colour.RED, _("滞后序时进度 %(points)d 个百分点") % {"points": round(behind)}
    if behind >= settings.LUOSHI_YELLOW_BEHIND:
        return Task.Colour.YELLOW, _("滞后序时进度 %(points)d 个百分点") % {"points": round(behind)}
    due = previous_period(task.schedule, today)
    if due >= start and today <= end + timedelta(days=31):
        periods = set(reported) if reported is not None else _reported_periods(task)
        if due not in periods:
            return Task.Colour.YELLOW, _("%(period)s 未填报进展") % {
                "period": _period_label(task.schedule, due)
            }
    if task.deadline and (task.deadline - today).days <= settings.LUOSHI_BLUE_DAYS:
        return Task.Colour.BLUE, _("距完成时限还有 %(days)d 天") % {"days": (task.deadline - today).days}
    return Task.Colour.GREEN, _("按序时推进")


def _period_label(schedule: str, start: date) -> str:
    if schedule == Task.Schedule.WEEKLY:
        return _("%(date)s 当周") % {"date": start.isoformat()}
    return _("%(year)d年%(month)d月") % {"year": start.year, "month": start.month}


def _reported_periods(task: Task) -> set[date]:
    from luoshi.reporting.models import ProgressReport

    return set(
        ProgressReport.objects.filter(task=task)
        .exclude(status=ProgressReport.Status.RETURNED)
        .values_list("period", flat=True)
    )


def refresh_colours(tasks, today: date | None = None) -> int:
    """Recompute and store the colour of many tasks with three queries and one update per change."""
    from luoshi.reporting.models import ProgressReport

    today = today or timezone.localdate()
    tasks = list(tasks.select_related("plan"))
    periods: dict[int, set[date]] = {t.pk: set() for t in tasks}
    rows = (
        ProgressReport.objects.filter(task_id__in=periods)
        .exclude(status=ProgressReport.Status.RETURNED)
        .values_list("task_id", "period")
        .distinct()
    )
    for task_id, period in rows:
        periods[task_id].add(period)
    changed = []
    for task in tasks:
        colour, reason = colour_of(task, today, periods[task.pk])
        if (colour, reason) != (task.colour, task.colour_reason):
            task.colour, task.colour_reason = colour, reason
            changed.append(task)
    Task.objects.bulk_update(changed, ["colour", "colour_reason"], batch_size=500)
    return len(changed)
