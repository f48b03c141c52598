"""The dashboard: its figures equal counts taken straight from the ledger models, its query count does
not grow with the number of tasks and reports, and units are sent to their own items."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from luoshi.ledger.models import Assignment, Task
from luoshi.org.models import Region, User
from luoshi.reporting.models import ProgressReport


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _report(task: Task, unit, period: date, submitted: date, status: str = "accepted") -> ProgressReport:
    return ProgressReport.objects.create(
        task=task,
        unit=unit,
        period=period,
        text="按计划推进",
        percent=50,
        status=status,
        submitted_at=_aware(submitted),
    )


@pytest.fixture
def ledger(published_plan, county):
    """The fixture plan with a spread of states: one task done, colours mixed, reports on time,
    late, early, returned, duplicated, and from a cooperating unit."""
    units = county["units"]
    tasks = {t.number: t for t in published_plan.tasks.all()}
    year = published_plan.year
    Task.objects.filter(pk=tasks[1].pk).update(colour="yellow")
    Task.objects.filter(pk=tasks[3].pk).update(
        status=Task.Status.DONE, colour="green", last_report_at=_aware(date(year, 4, 20))
    )
    Task.objects.filter(pk=tasks[5].pk).update(colour="blue")
    fgj, jyj, wjj = units["县发改局"], units["县教育局"], units["县卫健局"]
    _report(tasks[1], fgj, date(year, 1, 1), date(year, 1, 25))  # on time
    _report(tasks[1], fgj, date(year, 1, 1), date(year, 1, 28))  # a second one, counted once
    _report(tasks[1], fgj, date(year, 2, 1), date(year, 3, 5))  # late
    _report(tasks[1], fgj, date(year, 3, 1), date(year, 3, 20), status="returned")  # does not stand
    _report(tasks[1], fgj, date(year, 4, 1), date(year, 4, 2), status="submitted")  # on time, pending
    _report(tasks[3], jyj, date(year, 2, 1), date(year, 2, 10))  # on time
    _report(tasks[1], fgj, date(year, 5, 1), date(year, 4, 28))  # sent before its period: not on time
    _report(tasks[5], jyj, date(year, 1, 1), date(year, 1, 10))  # cooperating unit: not counted
    _report(tasks[5], wjj, date(year, 5, 1), date(year, 5, 31))  # on time, last day
    return {"plan": published_plan, "tasks": tasks}


def _month_before(day: date) -> date:
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def _expected_units(plan, today: date, recent: int | None = None) -> dict[int, dict[str, int]]:
    """The definitions on the page, computed the plain way, task by task and month by month."""
    last_complete = _month_before(today)
    first_counted = last_complete
    for _ in range((recent or 1) - 1):
        first_counted = _month_before(first_counted)
    out: dict[int, dict[str, int]] = {}
    for a in Assignment.objects.filter(role="lead", task__plan=plan).select_related("task"):
        task = a.task
        f = out.setdefault(a.unit_id, {"lead": 0, "done": 0, "due": 0, "on_time": 0})
        f["lead"] += 1
        f["done"] += task.status == "done"
        end = (task.deadline or date(plan.year, 12, 31)).replace(day=1)
        if task.status == "done" and task.last_report_at:
            end = min(end, timezone.localtime(task.last_report_at).date().replace(day=1))
        end = min(end, last_complete)
        month = date(plan.year, 1, 1)
        while month <= end:
            if recent and month < first_counted:
                month = _month_after(month)
                continue
            f["due"] += 1
            standing = ProgressReport.objects.filter(task=task, unit_id=a.unit_id, period=month).exclude(
                status="returned"
            )
            if any(
                month <= timezone.localtime(r.submitted_at).date() < _month_after(month) for r in standing
            ):
                f["on_time"] += 1
            month = _month_after(month)
    return out


def test_it_shows_figures_equal_to_counts_from_the_ledger(client, users, ledger) -> None:
    today = timezone.localdate()
    client.force_login(users["office"])
    response = client.get(reverse("dashboard:index"), {"span": "year"})
    assert response.status_code == 200
    totals = response.context["totals"]
    tasks = Task.objects.filter(plan=ledger["plan"])
    assert totals.tasks == tasks.count() == 5
    assert totals.done == tasks.filter(status="done").count() == 1
    assert totals.rate == round(1 / 5 * 100, 1)
    for colour in ("red", "yellow", "blue", "green"):
        assert getattr(totals, colour) == tasks.filter(colour=colour).count()
    assert totals.overdue == tasks.filter(deadline__lt=today).exclude(status="done").count()
    page = response.content.decode()
    assert f'data-figure="tasks">{totals.tasks}<' in page
    assert f'data-figure="red">{totals.red}<' in page
    # the overdue list: the overdue tasks, most overdue first, linked to their pages
    overdue = list(tasks.filter(deadline__lt=today).exclude(status="done").order_by("deadline"))
    assert [t.pk for t in response.context["overdue"]] == [t.pk for t in overdue]
    for task in overdue:
        assert reverse("ledger:detail", args=[task.pk]) in page

    expected = _expected_units(ledger["plan"], today)
    assert response.context["span"] == "year"
    shown = {u.unit.pk: u for u in response.context["units"]}
    assert set(shown) == set(expected)
    for unit_id, f in expected.items():
        u = shown[unit_id]
        assert (u.lead, u.done, u.due, u.on_time) == (f["lead"], f["done"], f["due"], f["on_time"]), u.unit
    fgj = shown[ledger["tasks"][1].assignments.get(role="lead").unit_id]
    assert fgj.on_time == 2  # January (once) and April; February late, March returned, May early
    jyj = shown[ledger["tasks"][3].assignments.get(role="lead").unit_id]
    assert (jyj.done, jyj.due, jyj.on_time) == (1, 4, 1)  # done: due up to April, its last report

    # the chart data in the page says the same
    assert response.context["chart"]["colours"][0] == {
        "code": "red",
        "name": "红",
        "value": totals.red,
    }
    assert 'id="dashboard-data"' in page and "vendor/echarts-5.6.0.min.js" in page


def test_it_ranks_the_last_periods_by_default(client, users, published_plan, county) -> None:
    """The default ranking counts only the last three complete months: a plan of the current
    months, with reports in and out of that window."""
    today = timezone.localdate()
    m0 = _month_before(today)  # the last complete month
    m1, m2, m3 = (
        _month_before(m0),
        _month_before(_month_before(m0)),
        _month_before(_month_before(_month_before(m0))),
    )
    year = m0.year
    published_plan.year = year
    published_plan.save(update_fields=["year"])
    for task in published_plan.tasks.exclude(deadline=None):
        Task.objects.filter(pk=task.pk).update(deadline=task.deadline.replace(year=year))
    tasks = {t.number: t for t in published_plan.tasks.all()}
    fgj, wjj = county["units"]["县发改局"], county["units"]["县卫健局"]
    _report(tasks[1], fgj, m0, m0 + timedelta(days=9))  # on time
    _report(tasks[1], fgj, m1, m0 + timedelta(days=2))  # late
    _report(tasks[1], fgj, m3, m3 + timedelta(days=5))  # on time, but before the window
    _report(tasks[5], wjj, m1, m1 + timedelta(days=1))  # on time
    _report(tasks[5], wjj, m2, m2 + timedelta(days=20))  # on time
    client.force_login(users["office"])
    response = client.get(reverse("dashboard:index"))
    assert response.context["span"] == "recent"
    shown = {u.unit.pk: u for u in response.context["units"]}
    expected = _expected_units(published_plan, today, recent=3)
    for unit_id, f in expected.items():
        u = shown[unit_id]
        assert (u.lead, u.done, u.due, u.on_time) == (f["lead"], f["done"], f["due"], f["on_time"]), u.unit
    assert 1 <= shown[fgj.pk].due <= 3 and shown[fgj.pk].on_time == 1
    assert shown[wjj.pk].on_time == sum(1 for m in (m1, m2) if m.year == year)
    # the whole year counts the earlier report as well
    year_units = {
        u.unit.pk: u for u in client.get(reverse("dashboard:index"), {"span": "year"}).context["units"]
    }
    assert year_units[fgj.pk].on_time == 1 + (m3.year == year)
    assert year_units[fgj.pk].due >= shown[fgj.pk].due


def test_it_matches_the_ledger_list_counts(client, users, ledger) -> None:
    url = reverse("ledger:list")
    client.force_login(users["office"])
    totals = client.get(reverse("dashboard:index")).context["totals"]
    for colour in ("red", "yellow", "blue", "green"):
        listed = client.get(url, {"colour": colour}).context["page"].paginator.count
        assert listed == getattr(totals, colour), colour
    assert client.get(url, {"status": "done"}).context["page"].paginator.count == totals.done
    assert client.get(url, {"due": "overdue"}).context["page"].paginator.count == totals.overdue
    assert client.get(url).context["page"].paginator.count == totals.tasks
    # each unit's led and done counts are the lengths of the ledger lists they link to
    page = client.get(reverse("dashboard:index"))
    body = page.content.decode()
    for u in page.context["units"]:
        led = {"unit": u.unit.pk, "role": "lead"}
        assert f"?year={ledger['plan'].year}&amp;unit={u.unit.pk}&amp;role=lead" in body
        assert client.get(url, led).context["page"].paginator.count == u.lead, u.unit
        assert client.get(url, {**led, "status": "done"}).context["page"].paginator.count == u.done, u.unit


def test_it_ranks_units_by_on_time_reporting_then_completion(client, users, ledger) -> None:
    client.force_login(users["leader"])
    units = client.get(reverse("dashboard:index"), {"span": "year"}).context["units"]
    rates = [u.on_time_rate if u.on_time_rate is not None else -1 for u in units]
    assert rates == sorted(rates, reverse=True)
    assert [u.ranks["on_time_rate"] for u in units][0] == 1
    by_completion = client.get(reverse("dashboard:index"), {"sort": "completion", "span": "year"}).context[
        "units"
    ]
    completion = [u.completion if u.completion is not None else -1 for u in by_completion]
    assert completion == sorted(completion, reverse=True)
    assert by_completion[0].done == 1


def _grow(plan, county, n: int) -> None:
    """n more tasks, each with a lead and a cooperating unit and a year of monthly reports."""
    units = list(county["units"].values())
    start = plan.tasks.count()
    tasks = Task.objects.bulk_create(
        Task(
            plan=plan,
            region=plan.region,
            number=start + i + 1,
            text=f"第{i}项工作",
            deadline=date(plan.year, 1 + i % 12, 28),
            status=["not_started", "in_progress", "done"][i % 3],
            colour=["red", "yellow", "blue", "green"][i % 4],
            last_report_at=_aware(date(plan.year, 6, 1)),
        )
        for i in range(n)
    )
    Assignment.objects.bulk_create(
        a
        for i, t in enumerate(tasks)
        for a in (
            Assignment(task=t, unit=units[i % len(units)], role="lead"),
            Assignment(task=t, unit=units[(i + 1) % len(units)], role="cooperate"),
        )
    )
    ProgressReport.objects.bulk_create(
        ProgressReport(
            task=t,
            unit=units[i % len(units)],
            period=date(plan.year, m, 1),
            text="推进",
            percent=50,
            status="accepted",
            submitted_at=_aware(date(plan.year, m, 20)),
        )
        for i, t in enumerate(tasks)
        for m in range(1, 13)
    )


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_runs_the_same_number_of_queries_for_few_and_many_tasks(client, users, county, ledger) -> None:
    client.force_login(users["office"])
    url = reverse("dashboard:index") + "?span=year"  # every period of 2025: every query runs
    few = _queries(client, url)
    _grow(ledger["plan"], county, 120)
    many = _queries(client, url)
    assert few == many
    assert many <= 15
    totals = client.get(url).context["totals"]
    assert totals.tasks == 125


def test_it_sends_units_to_their_own_items(client, users) -> None:
    client.force_login(users["fgj"])
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:mine")


def test_it_requires_a_login(client) -> None:
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_it_shows_a_city_its_counties(client, ledger, other_county, county) -> None:
    city = Region.objects.create(name="白云市", kind=Region.Kind.CITY)
    Region.objects.filter(pk__in=[county["region"].pk, other_county["region"].pk]).update(parent=city)
    user = User.objects.create_user("city", password="pass-1234", role=User.Role.OFFICE, region=city)
    client.force_login(user)
    response = client.get(reverse("dashboard:index"))
    assert response.status_code == 200
    regions = {r.region_name: r for r in response.context["regions"]}
    assert set(regions) == {"清水县", "青山县"}
    for name, region in regions.items():
        tasks = Task.objects.filter(region__name=name, plan__status="published")
        assert region.tasks == tasks.count()
        assert region.red == tasks.filter(colour="red").count()
    totals = response.context["totals"]
    assert totals.tasks == Task.objects.filter(plan__status="published").count()
    assert "青山县" in response.content.decode()
    # units of both counties are ranked, each once
    unit_regions = {u.unit.region.name for u in response.context["units"]}
    assert unit_regions == {"清水县", "青山县"}


def test_it_keeps_a_county_to_its_own_figures(client, users, ledger, other_county) -> None:
    client.force_login(users["office"])
    response = client.get(reverse("dashboard:index"))
    assert response.context["totals"].tasks == Task.objects.filter(region=users["office"].region).count()
    assert response.context["regions"] == []
    assert "青山县" not in response.content.decode()


def test_it_shows_one_plan_year_at_a_time(client, users, county, ledger) -> None:
    from django.utils import timezone

    from luoshi.plans.services import import_document, publish_plan

    this_year, future = ledger["plan"].year, timezone.localdate().year + 1
    speech = f"在清水县{future}年经济工作会议上的讲话\n同志们：\n一、{future}年重点工作\n县发改局要在6月底前完成项目储备。\n"
    later = publish_plan(
        import_document(county["region"], "明年.txt", speech.encode(), users["office"]), users["office"]
    )
    assert later.year == future
    client.force_login(users["office"])
    url = reverse("dashboard:index")
    # by default the latest year not in the future: next year's ledger, published early, waits
    assert client.get(url).context["year"] == this_year
    shown = {y: client.get(url, {"year": y}).context["totals"].tasks for y in (this_year, future)}
    assert shown == {this_year: ledger["plan"].tasks.count(), future: 1}
    # and the ledger the cards link to counts the same year's tasks
    ledger_url = client.get(url, {"year": future}).context["ledger_url"]
    assert client.get(ledger_url).context["page"].paginator.count == 1
