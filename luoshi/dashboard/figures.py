"""The dashboard's figures, computed with a fixed number of aggregate queries whatever the number of
tasks and reports (the dashboard must stay fast at a city's scale: 40,000 tasks, 480,000 reports).

Definitions (shown on the page as well), for the published plans of one year (the current year's by
default, see dashboard/views.py):
- tasks, done, colour counts: published tasks in scope, by their stored status and warning colour —
  the same numbers the ledger list shows for the same filters;
- completion rate: done / tasks;
- overdue: deadline before today and not done (the ledger's "已超期" filter);
- a unit's completion rate: done / tasks it leads (牵头);
- a unit's on-time reporting rate (按时填报率): of the report periods its led tasks owe (by
  default the last three complete periods, or the whole plan year so far; warnings.due_periods:
  complete periods from January of the plan year up to the deadline, for a done task up to the
  period of its last report), the share for which the unit submitted, during the period, a report
  that stands (not returned).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import reduce
from operator import or_

from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone

from luoshi.ledger.models import Assignment, Plan, Task
from luoshi.org.models import Unit
from luoshi.reporting.models import ProgressReport
from luoshi.supervision.warnings import due_periods, on_time_cutoff, previous_period

COLOURS = ("red", "yellow", "blue", "green")
# the dashboard ranks on-time reporting over the last three complete periods by default: it shows
# who is lagging now, and reads a quarter of a year's reports; the whole year is one click away
RECENT_PERIODS = 3
DONE = Task.Status.DONE
WEEKLY = Task.Schedule.WEEKLY


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole * 100, 1) if whole else None


@dataclass
class Totals:
    """Figures for a set of tasks: the whole scope, or one county of a city."""

    region_id: int | None = None
    region_name: str = ""
    tasks: int = 0
    done: int = 0
    red: int = 0
    yellow: int = 0
    blue: int = 0
    green: int = 0
    overdue: int = 0

    @property
    def rate(self) -> float | None:
        return _rate(self.done, self.tasks)

    def add(self, other: Totals) -> None:
        for name in ("tasks", "done", "overdue", *COLOURS):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def totals_by_region(tasks: QuerySet[Task], today: date) -> list[Totals]:
    """One grouped query: per county, the task counts the cards and the county table show."""
    rows = (
        tasks.order_by()
        .values("region_id", "region__name")
        .annotate(
            n=Count("pk"),
            n_done=Count("pk", filter=Q(status=DONE)),
            n_overdue=Count("pk", filter=Q(deadline__lt=today) & ~Q(status=DONE)),
            **{f"n_{c}": Count("pk", filter=Q(colour=c)) for c in COLOURS},
        )
        .order_by("region_id")
    )
    return [
        Totals(
            region_id=r["region_id"],
            region_name=r["region__name"],
            tasks=r["n"],
            done=r["n_done"],
            overdue=r["n_overdue"],
            **{c: r[f"n_{c}"] for c in COLOURS},
        )
        for r in rows
    ]


@dataclass
class UnitFigures:
    unit: Unit
    lead: int = 0
    done: int = 0
    due: int = 0
    on_time: int = 0
    ranks: dict[str, int] = field(default_factory=dict)

    @property
    def completion(self) -> float | None:
        return _rate(self.done, self.lead)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.due)


@dataclass(frozen=True)
class Period:
    """A report period some tasks in scope may owe: of these plans (one plan year) and schedule."""

    plans: tuple[int, ...]
    year: int
    schedule: str
    start: date

    @property
    def begins(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    def _of_these(self, narrow: bool, prefix: str) -> Q:
        # needed only when the scope mixes plan years or schedules
        if not narrow:
            return Q()
        return Q(**{f"{prefix}plan_id__in": self.plans, f"{prefix}schedule": self.schedule})

    def owed(self, narrow: bool) -> Q:
        """Lead assignments whose task owes a report for this period, as plain SQL comparisons — no
        per-row date functions: the period not after the deadline (31 December of the plan year
        when none), and for a done task not after the period of its last report. The same bounds
        as warnings.due_periods: a period's first day is on or before a date exactly when the
        period is on or before that date's period."""
        within = Q(task__deadline__gte=self.start)
        if self.start <= date(self.year, 12, 31):
            within |= Q(task__deadline__isnull=True)
        open_or_reported = (
            ~Q(task__status=DONE)
            | Q(task__last_report_at__isnull=True)
            | Q(task__last_report_at__gte=self.begins)
        )
        return self._of_these(narrow, "task__") & within & open_or_reported

    def on_time(self, narrow: bool) -> Q:
        """Reports on time for this period: for it and submitted during it. The query compares the
        deadline with the report's period; a done task's bound needs no test, since its last
        report is never earlier than a report submitted during the period."""
        on_time = Q(period=self.start, submitted_at__gte=self.begins, submitted_at__lt=self.ends)
        if self.start > date(self.year, 12, 31):
            on_time &= Q(task__deadline__isnull=False)
        return self._of_these(narrow, "task__") & on_time

    @property
    def ends(self) -> datetime:
        return on_time_cutoff(self.schedule, self.start)


def recent_start(schedule: str, today: date, count: int) -> date:
    """The first of the last `count` complete periods."""
    start = previous_period(schedule, today)
    for _ in range(count - 1):
        start = previous_period(schedule, start)
    return start


def periods_in_scope(
    tasks: QuerySet[Task], today: date, recent: int | None = None
) -> tuple[list[Period], bool]:
    """Every period some task in scope may owe by today (only the last `recent` complete ones when
    given), and whether the scope mixes plan years or schedules. One small grouped query (a row per
    plan and schedule)."""
    groups: dict[tuple[int, str], tuple[list[int], date]] = {}
    for row in tasks.order_by().values("plan_id", "plan__year", "schedule").annotate(last=Max("deadline")):
        year, schedule = row["plan__year"], row["schedule"]
        plans, latest = groups.get((year, schedule), ([], date(year, 12, 31)))
        plans.append(row["plan_id"])
        groups[(year, schedule)] = (plans, max(latest, row["last"] or latest))
    periods = [
        Period(tuple(sorted(plans)), year, schedule, p)
        for (year, schedule), (plans, latest) in sorted(groups.items())
        for p in due_periods(schedule, year, latest, today)
        if recent is None or p >= recent_start(schedule, today, recent)
    ]
    return periods, len(groups) > 1


def unit_figures(
    tasks: QuerySet[Task],
    region_ids: list[int],
    units: QuerySet[Unit],
    today: date,
    recent: int | None = RECENT_PERIODS,
    year: int | None = None,
) -> list[UnitFigures]:
    """Per lead unit: tasks led, done, report periods due and reported on time. Four queries.

    `tasks` are the published tasks of `region_ids` (access.tasks_for of an office or leader user);
    the joins filter on the regions directly rather than on `tasks` as a subquery, which lets both
    SQLite and PostgreSQL start from the task's region index (twice as fast at city scale).

    Each period that may be due is one conditional count (twelve a year for monthly tasks, 52 for
    weekly ones): over the lead assignments for the periods due, over the lead units' standing
    reports for the on-time ones. Queries and rows returned depend on units and periods, never on
    the number of tasks or reports. `recent`: only the last so many complete periods (the
    dashboard's default); None: every period of the plan year so far. `year`: the plans of that
    year only (`tasks` are filtered the same way)."""
    scope = Q(task__region_id__in=region_ids, task__plan__status=Plan.Status.PUBLISHED)
    if year is not None:
        scope &= Q(task__plan__year=year)
    periods, narrow = periods_in_scope(tasks, today, recent)
    due = {f"due_{i}": Count("pk", filter=p.owed(narrow)) for i, p in enumerate(periods)}
    placeholder = Unit()
    figures = {
        row["unit_id"]: UnitFigures(
            unit=placeholder, lead=row["n"], done=row["n_done"], due=sum(row[k] for k in due)
        )
        for row in Assignment.objects.filter(scope, role=Assignment.Role.LEAD)
        .values("unit_id")
        .annotate(n=Count("pk"), n_done=Count("pk", filter=Q(task__status=DONE)), **due)
        .order_by()
    }
    if periods and figures:
        # on time for a period: a standing report by the lead unit, submitted before the period
        # ended. One OR of the periods' conditions (cheaper to test than a column per period);
        # rows per unit and period, counting distinct tasks so that two reports for one period
        # count once.
        on_time = reduce(or_, (p.on_time(narrow) for p in periods))
        rows = (
            ProgressReport.objects.filter(scope, period__in={p.start for p in periods})
            .exclude(status=ProgressReport.Status.RETURNED)
            # by the lead unit: one join row at most, since a unit holds one assignment per task
            .filter(task__assignments__role=Assignment.Role.LEAD, task__assignments__unit_id=F("unit_id"))
            .filter(Q(task__deadline__gte=F("period")) | Q(task__deadline__isnull=True))
            .filter(on_time)
            .values("unit_id", "period")
            .annotate(n=Count("task_id", distinct=True))
            .order_by()
        )
        for row in rows:
            if row["unit_id"] in figures:
                figures[row["unit_id"]].on_time += row["n"]
    for unit in units.filter(pk__in=list(figures)).select_related("region"):
        figures[unit.pk].unit = unit
    found = [f for f in figures.values() if f.unit is not placeholder]
    _rank(found)
    return found


def _rank(rows: list[UnitFigures]) -> None:
    """Competition ranking (1, 2, 2, 4) on each rate; a unit with nothing due ranks last."""
    for key in ("on_time_rate", "completion"):
        ordered = sorted(
            rows, key=lambda f, k=key: -1 if getattr(f, k) is None else getattr(f, k), reverse=True
        )
        previous, rank = object(), 0
        for i, f in enumerate(ordered, 1):
            value = getattr(f, key)
            if value != previous:
                rank, previous = i, value
            f.ranks[key] = rank


def sort_units(rows: list[UnitFigures], by: str) -> list[UnitFigures]:
    """By on-time reporting (then completion), or by completion (then on-time reporting)."""
    other = "completion" if by == "on_time_rate" else "on_time_rate"
    return sorted(rows, key=lambda f: (f.ranks[by], f.ranks[other], f.unit.region_id, f.unit.name))
