"""The one warning rule. A task's colour and reason follow from its deadline, the time-elapsed
schedule (序时进度) and its reports; the thresholds are settings.

In order, the first that applies:
1. green  — the task is done (已完成);
2. red    — the deadline has passed (已超期), or progress is more than LUOSHI_RED_BEHIND points
            behind the schedule;
3. yellow — progress is LUOSHI_YELLOW_BEHIND to LUOSHI_RED_BEHIND points behind, or the last
            complete period (month, or week for weekly tasks) has no report that was not returned,
            when the task owes one for it (see reporting periods below);
4. blue   — the deadline is within LUOSHI_BLUE_DAYS days;
5. green  — on schedule.

The schedule runs from 1 January of the plan's year to the deadline (31 December when the task has
none): on a day d it expects (d − start) / (deadline − start) × 100 percent.

Reporting periods, shared by the rule, the reminders (supervision/reminders.py) and the dashboard:
- a period is a month (or, for weekly tasks, a Monday-to-Sunday week), named by its first day;
- a task owes a report for every period that starts on or after 1 January of its plan year and
  on or before its deadline (31 December when it has none), once that period is complete;
- the report that counts is the lead unit's (any unit's while the task has no lead): a cooperating
  unit's report on its share does not make the period reported, as it does not move the figures;
- a report stands unless the office returned it; a returned report counts as missing;
- a report is on time when it was submitted during its period (Asia/Shanghai): before the period
  ended, which is when the rule above starts to show the period as missing, and not before it
  began.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.ledger.models import Task


def period_start(schedule: str, day: date) -> date:
    if schedule == Task.Schedule.WEEKLY:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(schedule: str, start: date) -> date:
    """First day of the period after the one starting (or containing) `start`."""
    start = period_start(schedule, start)
    if schedule == Task.Schedule.WEEKLY:
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def previous_period(schedule: str, today: date) -> date:
    """Start of the last period that ended before today: its report is due."""
    current = period_start(schedule, today)
    return period_start(schedule, current - timedelta(days=1))


def expected_percent(start: date, end: date, today: date) -> float:
    if end <= start:
        return 100.0
    share = (today - start).days / (end - start).days * 100
    return max(0.0, min(100.0, share))


def assess(task: Task, today: date | None = None, reported: Iterable[date] | None = None) -> tuple[str, str]:
    """(colour, reason code) for a task; `reported` are the periods with a report that stands, when
    known. The code is stored, and put into words in the reader's language by `describe`."""
    today = today or timezone.localdate()
    if task.status == Task.Status.DONE:
        return Task.Colour.GREEN, "done"
    year = task.plan.year
    start = date(year, 1, 1)
    end = task.deadline or date(year, 12, 31)
    if task.deadline and task.deadline < today:
        return Task.Colour.RED, f"overdue:{(today - task.deadline).days}"
    behind = expected_percent(start, end, today) - task.progress
    if behind > settings.LUOSHI_RED_BEHIND:
        return Task.Colour.RED, f"behind:{round(behind)}"
    if behind >= settings.LUOSHI_YELLOW_BEHIND:
        return Task.Colour.YELLOW, f"behind:{round(behind)}"
    due = previous_period(task.schedule, today)
    if report_due(task.schedule, year, task.deadline, due):
        periods = set(reported) if reported is not None else standing_periods([task.pk])[task.pk]
        if due not in periods:
            return Task.Colour.YELLOW, f"missing:{task.schedule}:{due.isoformat()}"
    if task.deadline and (task.deadline - today).days <= settings.LUOSHI_BLUE_DAYS:
        return Task.Colour.BLUE, f"due:{(task.deadline - today).days}"
    return Task.Colour.GREEN, "on_track"


def describe(code: str) -> str:
    """A stored reason code in words, in the active language; text stored by older versions as is."""
    kind, _sep, rest = code.partition(":")
    try:
        if kind == "done":
            return _("已完成")
        if kind == "on_track":
            return _("按序时推进")
        if kind == "overdue":
            return _("已超期 %(days)d 天") % {"days": int(rest)}
        if kind == "behind":
            return _("滞后序时进度 %(points)d 个百分点") % {"points": int(rest)}
        if kind == "due":
            return _("距完成时限还有 %(days)d 天") % {"days": int(rest)}
        if kind == "missing":
            schedule, _sep, day = rest.partition(":")
            return _("%(period)s 未填报进展") % {"period": period_label(schedule, date.fromisoformat(day))}
    except ValueError:
        pass
    return code


def colour_of(
    task: Task, today: date | None = None, reported: Iterable[date] | None = None
) -> tuple[str, str]:
    """(colour, reason in words) for a task, by the rule above."""
    colour, code = assess(task, today, reported)
    return colour, describe(code)


def first_period(schedule: str, year: int) -> date:
    """The first period of a plan year: January, or the first week that starts in the year."""
    start = date(year, 1, 1)
    first = period_start(schedule, start)
    return first if first >= start else next_period(schedule, first)


def last_period(schedule: str, year: int, deadline: date | None) -> date:
    """The last period a task owes a report for: the one holding its deadline (31 December when none)."""
    return period_start(schedule, deadline or date(year, 12, 31))


def report_due(schedule: str, year: int, deadline: date | None, period: date) -> bool:
    """Whether a task of this plan year and deadline owes a report for the period starting `period`."""
    return first_period(schedule, year) <= period <= last_period(schedule, year, deadline)


def due_periods(
    schedule: str, year: int, deadline: date | None, today: date, until: date | None = None
) -> list[date]:
    """The complete periods a task owes reports for by `today`, oldest first; `until` (a done task's
    last report) ends them early."""
    last = min(last_period(schedule, year, deadline), previous_period(schedule, today))
    if until is not None:
        last = min(last, period_start(schedule, until))
    periods = []
    current = first_period(schedule, year)
    while current <= last:
        periods.append(current)
        current = next_period(schedule, current)
    return periods


def on_time_cutoff(schedule: str, period: date) -> datetime:
    """A report for `period` is on time when submitted before this moment (and not before the period
    began): local midnight when the period ends."""
    return timezone.make_aware(datetime.combine(next_period(schedule, period), time.min))


def period_label(schedule: str, start: date) -> str:
    """How a period is written for people: 2025年3月, or 2025-03-10 当周."""
    if schedule == Task.Schedule.WEEKLY:
        return _("%(date)s 当周") % {"date": start.isoformat()}
    return _("%(year)d年%(month)d月") % {"year": start.year, "month": start.month}


def standing_periods(task_ids: Iterable[int]) -> dict[int, set[date]]:
    """Periods with a standing report (ProgressReport.objects.standing), for many tasks in one query
    per 10,000."""
    from luoshi.reporting.models import ProgressReport

    periods: dict[int, set[date]] = {pk: set() for pk in task_ids}
    ids = list(periods)
    # chunked: SQLite refuses statements with more than 32,766 parameters
    for i in range(0, len(ids), 10_000):
        rows = (
            ProgressReport.objects.filter(task_id__in=ids[i : i + 10_000])
            .standing()
            .values_list("task_id", "period")
            .distinct()
        )
        for task_id, period in rows:
            periods[task_id].add(period)
    return periods


def refresh_colours(tasks, today: date | None = None) -> int:
    """Recompute and store the colour of many tasks with two queries and one bulk update."""
    today = today or timezone.localdate()
    tasks = list(tasks.select_related("plan"))
    periods = standing_periods(t.pk for t in tasks)
    changed = []
    for task in tasks:
        colour, reason = assess(task, today, periods[task.pk])
        if (colour, reason) != (task.colour, task.colour_reason):
            task.colour, task.colour_reason = colour, reason
            changed.append(task)
    Task.objects.bulk_update(changed, ["colour", "colour_reason"], batch_size=500)
    return len(changed)
