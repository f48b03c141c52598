"""Reporting pages: a unit's tasks and what is due, the report form, the Excel round-trip, and the
office's review of submitted reports. Objects come through access.py, so another unit's or another
county's id is a 404; every write goes through reporting.services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.ledger.models import Assignment, Task
from luoshi.ledger.services import NotAllowed
from luoshi.org.access import can_manage, can_report, tasks_for
from luoshi.org.models import User
from luoshi.parsing.read import InputRefused
from luoshi.reporting import excel
from luoshi.reporting.forms import MAX_ATTACHMENTS, ReportForm, ReviewForm, UploadForm
from luoshi.reporting.models import Attachment, ProgressReport, ReportValue
from luoshi.reporting.services import (
    report_periods,
    review_report,
    stash_preview,
    submit_report,
    submit_rows,
    take_preview,
)
from luoshi.supervision.warnings import describe, period_label, period_start, report_due, standing_periods

PENDING_PAGE_SIZE = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_COLOUR_RANK = {Task.Colour.RED: 0, Task.Colour.YELLOW: 1, Task.Colour.BLUE: 2, Task.Colour.GREEN: 3}


def unit_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The page is a unit's own: other roles have no tasks to report on."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not (request.user.is_unit and request.user.unit_id):
            raise PermissionDenied(_("只有责任单位可以填报。"))
        return view(request, *args, **kwargs)

    return wrapped


def office_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_manage(request.user):
            raise PermissionDenied(_("只有督查室可以审核填报。"))
        return view(request, *args, **kwargs)

    return wrapped


# where a unit's tasks come from and what it sees of each; loaded as plain values, not models, since
# the page is the unit's landing page and may list a few hundred rows
_ROW_FIELDS = (
    "id",
    "number",
    "text",
    "deadline",
    "deadline_text",
    "schedule",
    "status",
    "progress",
    "colour",
    "colour_reason",
)
_URL_MARK = 987654321  # a pk no real row has: each row's link is this URL with the mark replaced


def _my_tasks(user: User) -> QuerySet[Task]:
    """The unit's tasks, each once, with the unit's role in it (one join on the unit's assignments)."""
    return (
        tasks_for(user)
        .filter(assignments__unit_id=user.unit_id)
        .annotate(my_role=F("assignments__role"))
        .order_by("plan", "number")
    )


def _latest_reports(user: User, periods: set[date]) -> dict[tuple[int, date], tuple[str, str]]:
    """(task id, period) → (status, review comment) of the unit's latest report for each task in the
    given periods, in one query whatever the number of tasks."""
    latest: dict[tuple[int, date], tuple[str, str]] = {}
    rows = (
        ProgressReport.objects.filter(unit_id=user.unit_id, period__in=periods)
        .order_by("submitted_at", "id")
        .values_list("task_id", "period", "status", "review_comment")
    )
    for task_id, period, status, comment in rows:
        latest[task_id, period] = (status, comment)  # later ones replace earlier ones
    return latest


def _mine_rows(user: User, today: date) -> list[dict]:
    """Everything the page shows of each task, worked out here so the template only prints it."""
    # monthly tasks report on this month, weekly ones on this week
    month = period_start(Task.Schedule.MONTHLY, today)
    week = period_start(Task.Schedule.WEEKLY, today)
    reports = _latest_reports(user, {month, week})
    detail_url = reverse("ledger:detail", kwargs={"pk": _URL_MARK})
    report_url = reverse("reporting:report", kwargs={"pk": _URL_MARK})
    roles = dict(Assignment.Role.choices)
    colours = dict(Task.Colour.choices)
    states = {
        ProgressReport.Status.SUBMITTED: _("已填报，待审核"),
        ProgressReport.Status.ACCEPTED: _("已采纳"),
        ProgressReport.Status.RETURNED: _("被退回"),
    }
    missing_lead, missing_cooperate = _("未填报"), _("未填报（配合单位可选）")
    rows = []
    for t in _my_tasks(user).values(*_ROW_FIELDS, "my_role", "plan__year"):
        weekly = t["schedule"] == Task.Schedule.WEEKLY
        status, comment = reports.get((t["id"], week if weekly else month), (None, ""))
        lead = t["my_role"] == Assignment.Role.LEAD
        done = t["status"] == Task.Status.DONE
        text = t["text"]
        pk = str(t["id"])
        rows.append(
            {
                "pk": t["id"],
                "label": f"{t['number']}. {text if len(text) <= 90 else text[:89] + '…'}",
                "detail_url": detail_url.replace(str(_URL_MARK), pk),
                "report_url": report_url.replace(str(_URL_MARK), pk),
                "lead": lead,
                "role": roles.get(t["my_role"], ""),
                "deadline": t["deadline"].isoformat() if t["deadline"] else (t["deadline_text"] or "—"),
                "overdue": bool(t["deadline"] and t["deadline"] < today and not done),
                "weekly": weekly,
                "progress": t["progress"],
                "done": done,
                "colour": t["colour"],
                "colour_label": colours.get(t["colour"], ""),
                "colour_reason": describe(t["colour_reason"]),
                "report_status": status or "",
                "report_label": states.get(status) or (missing_lead if lead else missing_cooperate),
                "report_comment": comment if status == ProgressReport.Status.RETURNED else "",
                # the lead owes a report this period: none yet, or the one it sent was returned;
                # cooperating units may report but are not chased, the lead reports for the task
                # and not before its plan's year: a ledger published ahead of time waits for January
                "due": lead
                and not done
                and status in (None, ProgressReport.Status.RETURNED)
                and t["plan__year"] <= today.year,
                "deadline_sort": t["deadline"] or date.max,
                "number": t["number"],
            }
        )
    return rows


@unit_required
def mine(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = _mine_rows(request.user, today)
    due = [r for r in rows if r["due"]]
    others = [r for r in rows if not r["due"]]
    # overdue first, then the worse colour, then the nearer deadline
    due.sort(
        key=lambda r: (not r["overdue"], _COLOUR_RANK.get(r["colour"], 9), r["deadline_sort"], r["number"])
    )
    return render(
        request,
        "reporting/mine.html",
        {
            "due": due,
            "others": others,
            "total": len(rows),
            "month": period_label(Task.Schedule.MONTHLY, period_start(Task.Schedule.MONTHLY, today)),
            "week": period_label(Task.Schedule.WEEKLY, period_start(Task.Schedule.WEEKLY, today)),
            "has_weekly": any(r["weekly"] for r in rows),
            # translated once here rather than once per row
            "overdue_label": _("已超期"),
            "weekly_label": _("每周调度"),
            "done_label": _("已完成"),
            "report_label": _("填报"),
        },
    )


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = get_object_or_404(tasks_for(user).select_related("plan"), pk=pk)
    if not can_report(user, task):
        # the office and leaders see the task but do not report on it
        raise PermissionDenied(_("只能填报本单位承担的任务。"))
    outputs = list(task.outputs.all())
    today = timezone.localdate()
    allowed = report_periods(task, today)
    if not allowed:
        raise PermissionDenied(
            _("该任务属于 %(year)d 年计划，%(year)d 年起才能填报进展。") % {"year": task.plan.year}
        )
    mine_reports = ProgressReport.objects.filter(task=task, unit_id=user.unit_id)
    last = mine_reports.order_by("-submitted_at", "-id").first()
    # a late report for last period is offered while last period has none that stands
    periods = allowed[:1] + [
        p
        for p in allowed[1:]
        if not mine_reports.filter(period=p).exclude(status=ProgressReport.Status.RETURNED).exists()
    ]
    context = {
        "task": task,
        "last": last,
        "max_files": MAX_ATTACHMENTS,
        "max_size": filesizeformat(settings.LUOSHI_ATTACHMENT_MAX_BYTES),
        "types": " ".join(settings.LUOSHI_ATTACHMENT_TYPES),
    }
    kwargs = {"task": task, "outputs": outputs, "periods": periods}

    if request.method == "POST":
        # refuse an oversized body before Django reads the files into memory or temp files
        limit = settings.LUOSHI_ATTACHMENT_MAX_BYTES * MAX_ATTACHMENTS + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
            form = ReportForm(initial=_initial(task, outputs, periods), **kwargs)
            messages.error(request, _("上传内容过大，请减少或压缩附件后重试。"))
            return render(request, "reporting/report.html", {**context, "form": form}, status=413)
        form = ReportForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            try:
                submit_report(
                    task,
                    user,
                    form.report_input(),
                    files=form.cleaned_data["attachments"],
                    period=form.cleaned_data["period"],
                )
            except NotAllowed as e:
                form.add_error(None, str(e))
            else:
                messages.success(
                    request, _("已提交“%(task)s”的进展，等待督查室审核。") % {"task": _short(task.text)}
                )
                return redirect("reporting:mine")
    else:
        form = ReportForm(initial=_initial(task, outputs, periods), **kwargs)
    return render(request, "reporting/report.html", {**context, "form": form})


def _initial(task: Task, outputs: list, periods: list[date]) -> dict:
    """Start from the figures that stand, so a unit only types what changed."""
    # the warning rule chases the last complete period: offer it first while it has no report
    current, previous = periods[0], periods[-1]
    owed = previous not in standing_periods([task.pk])[task.pk] and report_due(
        task.schedule, task.plan.year, task.deadline, previous
    )
    initial = {"period": (previous if owed else current).isoformat(), "percent": task.progress}
    for output in outputs:
        initial[ReportForm.value_field(output)] = output.current_value
    return initial


def _short(text: str, n: int = 24) -> str:
    return text if len(text) <= n else text[:n] + "…"


@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = get_object_or_404(Attachment.objects.filter(report__task__in=tasks_for(request.user)), pk=pk)
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("附件文件不存在。")) from None
    return FileResponse(handle, as_attachment=True, filename=item.name)


@office_required
def pending(request: HttpRequest) -> HttpResponse:
    # a unit that sent a second report for the same period meant it to replace the first
    later = ProgressReport.objects.filter(
        task_id=OuterRef("task_id"),
        unit_id=OuterRef("unit_id"),
        period=OuterRef("period"),
        submitted_at__gt=OuterRef("submitted_at"),
    )
    reports = (
        ProgressReport.objects.filter(
            status=ProgressReport.Status.SUBMITTED, task__in=tasks_for(request.user)
        )
        .annotate(superseded=Exists(later))
        .select_related("task", "unit", "submitted_by")
        .prefetch_related(
            Prefetch("values", ReportValue.objects.select_related("output").order_by("output_id")),
            "attachments",
        )
        .order_by("submitted_at", "id")
    )
    page = Paginator(reports, PENDING_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reporting/pending.html", {"page": page, "reports": page.object_list})


@require_POST
@office_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(
        ProgressReport.objects.filter(task__in=tasks_for(request.user)).select_related("task", "unit"), pk=pk
    )
    form = ReviewForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("请选择采纳或退回。")
    else:
        accept = form.cleaned_data["action"] == "accept"
        try:
            report = review_report(report, request.user, accept=accept, comment=form.cleaned_data["comment"])
        except NotAllowed as e:
            error = str(e)
    if request.headers.get("HX-Request"):
        report = (
            ProgressReport.objects.select_related("task", "unit", "submitted_by")
            .prefetch_related(
                Prefetch("values", ReportValue.objects.select_related("output").order_by("output_id")),
                "attachments",
            )
            .get(pk=report.pk)
        )
        return render(request, "reporting/pending.html#row", {"r": report, "error": error})
    if error:
        messages.error(request, error)
    elif report.status == ProgressReport.Status.ACCEPTED:
        messages.success(request, _("已采纳 %(unit)s 的填报。") % {"unit": report.unit})
    else:
        messages.success(request, _("已退回 %(unit)s 的填报。") % {"unit": report.unit})
    page = request.POST.get("page")
    url = reverse("reporting:pending")
    return redirect(f"{url}?page={page}" if page and page.isdigit() else url)


@unit_required
def download(request: HttpRequest) -> HttpResponse:
    user = request.user
    data = excel.write_tasks(_my_tasks(user).prefetch_related("outputs"))
    name = _("%(unit)s-进展填报-%(date)s.xlsx") % {
        "unit": user.unit,
        "date": timezone.localdate().isoformat(),
    }
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@require_POST
@unit_required
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reporting:mine")
    file = form.cleaned_data["file"]
    try:
        sheets = excel.read_upload(file.read(), file.name)
    except InputRefused as e:
        messages.error(request, str(e))
        return redirect("reporting:mine")
    preview = excel.check_upload(request.user, sheets)
    # only the valid changes are kept, server-side, until the unit confirms; no report is written yet
    stashed = stash_preview(request.user, file.name, preview.payload())
    context = {"preview": preview, "token": stashed.token, "name": file.name}
    return render(request, "reporting/preview.html", context)


@require_POST
@unit_required
def confirm(request: HttpRequest) -> HttpResponse:
    rows = take_preview(request.user, request.POST.get("token", ""))
    if rows is None:
        messages.error(request, _("预览已失效（可能已经确认过），请重新上传任务表。"))
        return redirect("reporting:mine")
    saved, refused = submit_rows(request.user, rows)
    messages.success(request, _("已保存 %(n)d 条填报，等待督查室审核。") % {"n": saved})
    for message in refused:
        messages.error(request, message)
    return redirect("reporting:mine")
