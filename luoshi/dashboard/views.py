"""The dashboard (总览) for the office and leaders: cards, the overdue list, units ranked by on-time
reporting and completion, and two ECharts charts fed by a JSON blob in the page. Units go to their
own items. Every figure comes from aggregate queries over the user's scoped tasks (figures.py), so
the number of queries does not grow with the number of tasks or reports."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.dashboard.figures import (
    COLOURS,
    RECENT_PERIODS,
    Totals,
    sort_units,
    totals_by_region,
    unit_figures,
)
from luoshi.ledger.models import Assignment, Plan, Task
from luoshi.org.access import can_manage, region_ids, tasks_for, units_for
from luoshi.org.models import Region

OVERDUE_SHOWN = 20
CHART_UNITS = 20
SORTS = {"reporting": "on_time_rate", "completion": "completion"}


def plan_years(regions: list[int]) -> list[int]:
    """The years of the published plans of these regions, latest first."""
    return list(
        Plan.objects.filter(region_id__in=regions, status=Plan.Status.PUBLISHED)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def _year(asked: str | None, years: list[int], today: date) -> int:
    """The year asked for if it has a ledger; else this year's, else the latest before it, else the
    latest of all (a January day before this year's ledger is published shows last year's)."""
    if asked and asked.isdigit() and int(asked) in years:
        return int(asked)
    past = [y for y in years if y <= today.year]
    return (past or years or [today.year])[0]


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_unit and not user.is_superuser:
        return redirect("reporting:mine")
    today = timezone.localdate()
    # for the office and leaders, tasks_for is every published task of their regions; the figures
    # are of one plan year at a time, two years' ledgers added together mean nothing
    tasks, regions_in_scope = tasks_for(user), region_ids(user)
    years = plan_years(regions_in_scope)
    year = _year(request.GET.get("year"), years, today)
    tasks = tasks.filter(plan__year=year)

    regions = totals_by_region(tasks, today)
    totals = Totals(region_name=user.region.name if user.region else "")
    for r in regions:
        totals.add(r)
    is_city = bool(user.region and user.region.kind == Region.Kind.CITY) or len(regions) > 1

    overdue = list(
        tasks.filter(deadline__lt=today)
        .exclude(status=Task.Status.DONE)
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(role=Assignment.Role.LEAD).select_related("unit"),
                to_attr="leads",
            )
        )
        .order_by("deadline", "region_id", "number", "pk")[:OVERDUE_SHOWN]
    )
    for task in overdue:
        task.days_overdue = (today - task.deadline).days

    sort = request.GET.get("sort", "reporting")
    if sort not in SORTS:
        sort = "reporting"
    span = "year" if request.GET.get("span") == "year" else "recent"
    recent = None if span == "year" else RECENT_PERIODS
    figures = unit_figures(tasks, regions_in_scope, units_for(user), today, recent, year=year)
    units = sort_units(figures, SORTS[sort])

    labels = dict(Task.Colour.choices)
    chart = {
        "colours": [{"code": c, "name": str(labels[c]), "value": getattr(totals, c)} for c in COLOURS],
        "units": [
            {
                "name": (f"{u.unit.region.name} " if is_city else "") + str(u.unit),
                "on_time": u.on_time_rate,
                "completion": u.completion,
            }
            for u in units[:CHART_UNITS]
        ],
        "labels": {"on_time": _("按时填报率（%）"), "completion": _("完成率（%）")},
    }
    context = {
        "today": today,
        "totals": totals,
        "colour_cards": [(c, labels[c], getattr(totals, c)) for c in COLOURS],
        "regions": regions if is_city else [],
        "is_city": is_city,
        "overdue": overdue,
        "units": units,
        "sort": sort,
        "span": span,
        "recent": RECENT_PERIODS,
        "chart": chart,
        "chart_units": CHART_UNITS,
        "may_notice": can_manage(user),
        "year": year,
        "years": years,
        # reversed once here rather than once per row of the tables; the ledger shows the same year
        "ledger_url": f"{reverse('ledger:list')}?year={year}",
        "notice_url": reverse("supervision:new_notice"),
    }
    return render(request, "dashboard/index.html", context)
