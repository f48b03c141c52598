"""The JSON API: items (tasks), their progress reports, review, and the unit register.

Every object is fetched through luoshi/org/access.py, so an id outside the caller's scope (another
unit's item, another county's report) is a 404 exactly like an id that does not exist. Writes go
through the reporting services; the views only translate JSON in and out.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from typing import Any, Literal
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from luoshi.api.auth import BadRequest, Forbidden, endpoint, error, json_response, read_json
from luoshi.api.schema import openapi
from luoshi.ids import parse_id
from luoshi.ledger.models import Assignment, Task
from luoshi.ledger.services import NotAllowed
from luoshi.org.access import can_manage, tasks_for, units_for
from luoshi.org.models import Unit, UnitAlias, User
from luoshi.reporting.models import ProgressReport, ReportValue
from luoshi.reporting.services import ReportInput, review_report, submit_report

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


# ---------------------------------------------------------------- querysets (scoped, N+1-free)


def _items(user: User) -> QuerySet[Task]:
    """The caller's items with everything an item's JSON needs, in a fixed number of queries."""
    return (
        tasks_for(user)
        .select_related("plan", "section", "leader")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("id")),
            "outputs",
        )
    )


def _report_rows(reports: QuerySet[ProgressReport]) -> QuerySet[ProgressReport]:
    return reports.select_related("unit", "submitted_by", "reviewed_by").prefetch_related(
        Prefetch("values", queryset=ReportValue.objects.select_related("output").order_by("output_id")),
        "attachments",
    )


def _reports_for(user: User) -> QuerySet[ProgressReport]:
    """Reports on items the caller may see: a report is part of its item."""
    return _report_rows(ProgressReport.objects.filter(task__in=tasks_for(user).values("pk")))


# ---------------------------------------------------------------- JSON shapes (see schema.py)


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _unit_ref(unit: Unit) -> dict[str, Any]:
    return {"id": unit.pk, "name": unit.name, "short_name": unit.short_name}


def _user_ref(user: User | None) -> str | None:
    return (user.get_full_name() or user.username) if user else None


def item_json(task: Task) -> dict[str, Any]:
    assignments = list(task.assignments.all())  # prefetched
    lead = next((a.unit for a in assignments if a.role == Assignment.Role.LEAD), None)
    return {
        "id": task.pk,
        "number": task.number,
        "plan": {"id": task.plan_id, "title": task.plan.title, "year": task.plan.year},
        "section": (
            {"id": task.section.pk, "marker": task.section.marker, "title": task.section.title}
            if task.section
            else None
        ),
        "text": task.text,
        "tier": task.tier,
        "deadline": _iso(task.deadline),
        "deadline_text": task.deadline_text,
        "leader": (
            {"id": task.leader.pk, "name": task.leader.name, "title": task.leader.title}
            if task.leader
            else None
        ),
        "lead_unit": _unit_ref(lead) if lead else None,
        "cooperating_units": [_unit_ref(a.unit) for a in assignments if a.role == Assignment.Role.COOPERATE],
        "schedule": task.schedule,
        "status": task.status,
        "progress": task.progress,
        "colour": task.colour,
        "colour_reason": task.reason,
        "outputs": [
            {
                "id": o.pk,
                "name": o.name,
                "goal": o.goal,
                "unit": o.unit,
                "goal_value": o.goal_value,
                "current_value": o.current_value,
            }
            for o in task.outputs.all()
        ],
        "last_report_at": _iso(task.last_report_at),
        "updated_at": _iso(task.updated_at),
        "version": task.version,
    }


def report_json(report: ProgressReport) -> dict[str, Any]:
    return {
        "id": report.pk,
        "item": report.task_id,
        "unit": _unit_ref(report.unit),
        "period": _iso(report.period),
        "text": report.text,
        "percent": report.percent,
        "status": report.status,
        "values": [
            {"output": v.output_id, "name": v.output.name, "unit": v.output.unit, "value": v.value}
            for v in report.values.all()
        ],
        "attachments": [
            {"id": a.pk, "name": a.name, "size": a.size, "content_type": a.content_type}
            for a in report.attachments.all()
        ],
        "submitted_by": _user_ref(report.submitted_by),
        "submitted_at": _iso(report.submitted_at),
        "reviewed_by": _user_ref(report.reviewed_by),
        "reviewed_at": _iso(report.reviewed_at),
        "review_comment": report.review_comment,
    }


# ---------------------------------------------------------------- query parameters


def _choices(request: HttpRequest, name: str, allowed: list[str]) -> list[str]:
    """A comma-separated list of allowed values (colour=red,yellow)."""
    raw = request.GET.get(name, "").strip()
    if not raw:
        return []
    values = [v.strip() for v in raw.split(",") if v.strip()]
    bad = [v for v in values if v not in allowed]
    if bad:
        raise BadRequest(
            _("参数 %(name)s 的取值 %(value)s 无效，可选：%(allowed)s。")
            % {"name": name, "value": ",".join(bad), "allowed": ",".join(allowed)}
        )
    return values


def _positive_int(request: HttpRequest, name: str, default: int | None = None) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return default
    # bounded so an absurd number is a 400, not a database overflow
    value = parse_id(raw)
    if value is None:
        raise BadRequest(_("参数 %(name)s 应为正整数。") % {"name": name})
    return value


def _since(request: HttpRequest) -> datetime | None:
    """updated_since as an ISO date or date-time; a bare date or naive time is Beijing time."""
    raw = request.GET.get("updated_since", "").strip()
    if not raw:
        return None
    try:
        moment = parse_datetime(raw.replace(" ", "+"))  # a '+' in a query string arrives as a space
        if moment is None:
            day = parse_date(raw)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise BadRequest(_("参数 updated_since 应为 ISO 8601 日期或时间，如 2025-03-01T08:00:00+08:00。"))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(request.path + "?" + urlencode(sorted(params.items())))


# ---------------------------------------------------------------- endpoints


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """A short page for people: what the API offers and how to use a token."""
    schema = openapi()
    endpoints = [
        (method.upper(), path, op["summary"])
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
        if method != "parameters"
    ]
    return render(
        request,
        "api/index.html",
        {"endpoints": endpoints, "schema_url": reverse("api:schema"), "version": schema["info"]["version"]},
    )


@endpoint("GET", public=True)
def schema(request: HttpRequest) -> HttpResponse:
    # public: it describes the API and holds no data; every path it lists still needs a token
    return json_response(openapi())


@endpoint("GET")
def items(request: HttpRequest) -> HttpResponse:
    tasks = _items(request.user)
    colours = _choices(request, "colour", Task.Colour.values)
    if colours:
        tasks = tasks.filter(colour__in=colours)
    statuses = _choices(request, "status", Task.Status.values)
    if statuses:
        tasks = tasks.filter(status__in=statuses)
    unit = _positive_int(request, "unit")
    if unit:
        # Exists, not a join, so an item with two assignments is listed once
        tasks = tasks.filter(Exists(Assignment.objects.filter(task=OuterRef("pk"), unit_id=unit)))
    plan = _positive_int(request, "plan")
    if plan:
        tasks = tasks.filter(plan_id=plan)
    q = request.GET.get("q", "").strip()
    if q:
        tasks = tasks.filter(text__icontains=q)
    since = _since(request)
    if since:
        # reports move progress with an UPDATE that leaves updated_at alone, so look at both
        tasks = tasks.filter(Q(updated_at__gte=since) | Q(last_report_at__gte=since))

    page = _positive_int(request, "page", 1)
    size = _positive_int(request, "page_size", PAGE_SIZE)
    if size > MAX_PAGE_SIZE:
        raise BadRequest(_("参数 page_size 不能超过 %(max)d。") % {"max": MAX_PAGE_SIZE})
    count = tasks.count()
    pages = max(1, -(-count // size))
    offset = (page - 1) * size
    rows = (
        tasks.order_by("-plan__year", "plan_id", "number", "id")[offset : offset + size]
        if offset < count
        else []
    )
    return json_response(
        {
            "count": count,
            "page": page,
            "page_size": size,
            "pages": pages,
            "next": _page_url(request, page + 1) if page < pages else None,
            "previous": _page_url(request, min(page - 1, pages)) if page > 1 else None,
            "results": [item_json(t) for t in rows],
        }
    )


@endpoint("GET")
def item(request: HttpRequest, pk: int) -> HttpResponse:
    return json_response(item_json(get_object_or_404(_items(request.user), pk=pk)))


@endpoint("GET", "POST")
def item_reports(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(tasks_for(request.user).select_related("plan"), pk=pk)
    if request.method == "POST":
        return _submit(request, task)
    # the task is already in scope, so its reports are
    reports = _report_rows(task.reports.order_by("-submitted_at", "-id"))
    return json_response({"count": len(reports), "results": [report_json(r) for r in reports]})


def _number(value: Any) -> float | None:
    """A JSON number as a finite float; None for anything else (true, "40", 1e400)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _date(value: Any) -> date | None | Literal[False]:
    """A JSON date string as a date; None when absent, False when it is not a date."""
    if value is None:
        return None
    if not isinstance(value, str):
        return False
    try:
        return parse_date(value.strip()) or False
    except ValueError:
        return False


def _submit(request: HttpRequest, task: Task) -> HttpResponse:
    user: User = request.user
    if not user.is_unit:
        raise Forbidden(_("只有责任单位可以填报进展。"))
    data = read_json(request)
    text = data.get("text")
    if not isinstance(text, str):
        raise BadRequest(_("请填写进展情况（text，字符串）。"))
    percent = _number(data.get("percent"))
    if percent is None or percent != int(percent):
        raise BadRequest(_("完成进度（percent）应为 0 到 100 之间的整数。"))
    done = data.get("done", False)
    if not isinstance(done, bool):
        raise BadRequest(_("done 应为 true 或 false。"))
    raw_values = data.get("values") or {}
    if not isinstance(raw_values, dict):
        raise BadRequest(_("values 应为对象：{指标 id: 数值}。"))
    values: dict[int, float] = {}
    for key, value in raw_values.items():
        output_id, number = parse_id(key), _number(value)
        if output_id is None or number is None:
            raise BadRequest(_("values 应为对象：{指标 id: 数值}。"))
        values[output_id] = number
    period = _date(data.get("period"))
    if period is False:
        raise BadRequest(_("period 应为报告期第一天的日期，如 2025-03-01；不填即本期。"))
    try:
        report = submit_report(
            task,
            user,
            ReportInput(text=text, percent=int(percent), values=values, done=done),
            period=period or None,
        )
    except NotAllowed as exc:
        raise BadRequest(str(exc)) from None
    report = _reports_for(user).get(pk=report.pk)
    return json_response(
        report_json(report), status=201, Location=reverse("api:report", kwargs={"pk": report.pk})
    )


@endpoint("GET")
def report(request: HttpRequest, pk: int) -> HttpResponse:
    return json_response(report_json(get_object_or_404(_reports_for(request.user), pk=pk)))


@endpoint("POST")
def review(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(_reports_for(request.user).select_related("task"), pk=pk)
    if not can_manage(request.user):
        raise Forbidden(_("只有督查室可以审核填报。"))
    data = read_json(request)
    accept = data.get("accept")
    if not isinstance(accept, bool):
        raise BadRequest(_("accept 应为 true（采纳）或 false（退回）。"))
    comment = data.get("comment", "")
    if not isinstance(comment, str):
        raise BadRequest(_("comment 应为字符串。"))
    try:
        review_report(report, request.user, accept=accept, comment=comment)
    except NotAllowed as exc:
        raise BadRequest(str(exc)) from None
    return json_response(report_json(_reports_for(request.user).get(pk=report.pk)))


@endpoint("GET")
def units(request: HttpRequest) -> HttpResponse:
    rows = (
        units_for(request.user)
        .select_related("region")
        .prefetch_related(Prefetch("aliases", queryset=UnitAlias.objects.order_by("alias")))
        .order_by("region_id", "name")
    )
    return json_response(
        {
            "count": len(rows),
            "results": [
                {
                    "id": u.pk,
                    "name": u.name,
                    "short_name": u.short_name,
                    "kind": u.kind,
                    "active": u.active,
                    "region": {"id": u.region_id, "name": u.region.name},
                    "aliases": [a.alias for a in u.aliases.all()],
                }
                for u in rows
            ],
        }
    )


@endpoint("GET", "POST", "PUT", "PATCH", "DELETE", public=True)
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error(404, _("没有这个接口。请查看 /api/schema.json。"))
