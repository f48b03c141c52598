"""Supervision pages: the list of notices (督办单), issuing one, its page with replies and the office's
close / escalate, and a leader's instruction (批示) on a task. Objects come only through the scoped
querysets (notices_for, tasks_for, units_for), so anything outside the user's scope is a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from luoshi.ids import parse_id
from luoshi.ledger.models import Assignment, Task
from luoshi.ledger.services import ConcurrentEdit, NotAllowed
from luoshi.org.access import can_instruct, can_manage, tasks_for
from luoshi.supervision.forms import InstructionForm, NoticeFilter, NoticeForm, ReplyForm, VersionForm
from luoshi.supervision.models import SupervisionNotice
from luoshi.supervision.services import (
    add_instruction,
    close_notice,
    escalate_notice,
    issue_notice,
    notices_for,
    reply_notice,
)

PAGE_SIZE = 50
OPEN_STATUSES = (SupervisionNotice.Status.OPEN, SupervisionNotice.Status.ESCALATED)


def _leads() -> Prefetch:
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(role=Assignment.Role.LEAD).select_related("unit"),
        to_attr="leads",
    )


@login_required
def notices(request: HttpRequest) -> HttpResponse:
    """Office and leaders: the region's notices; a unit: those sent to it. Filter by status and level."""
    rows = (
        notices_for(request.user)
        .select_related("unit", "region")
        .annotate(task_count=Count("tasks", distinct=True), reply_count=Count("replies", distinct=True))
        .order_by("-issued_at", "-id")  # a grouped query drops the model's ordering
    )
    filters = NoticeFilter(request.GET or None)
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            rows = rows.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["level"]:
            rows = rows.filter(level=filters.cleaned_data["level"])
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filters": filters,
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "open_statuses": OPEN_STATUSES,
        "can_issue": can_manage(request.user),
    }
    template = "supervision/notices.html"
    if request.headers.get("HX-Request"):
        template += "#rows"
    return render(request, template, context)


def _task_ids(raw: str) -> list[int]:
    return [pk for pk in map(parse_id, raw.replace("，", ",").split(",")) if pk is not None]


@login_required
def new_notice(request: HttpRequest) -> HttpResponse:
    """The office issues a notice; ?tasks=1,2 preselects tasks (from the ledger or the dashboard)."""
    if not can_manage(request.user):
        raise PermissionDenied
    if request.method == "POST":
        form = NoticeForm(request.user, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                notice = issue_notice(
                    request.user,
                    data["unit"],
                    list(data["tasks"]),
                    data["level"],
                    data["body"],
                    data["reply_due"],
                )
            except NotAllowed as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, _("督办单 %(number)s 已下发。") % {"number": notice.number})
                return redirect("supervision:notice", pk=notice.pk)
    else:
        initial: dict = {}
        ids = _task_ids(request.GET.get("tasks", ""))
        if ids:
            found = {t.pk: t for t in tasks_for(request.user).filter(pk__in=ids).prefetch_related(_leads())}
            chosen = [found[pk] for pk in ids if pk in found]
            if chosen:
                initial["tasks"] = [t.pk for t in chosen]
                if chosen[0].leads:
                    initial["unit"] = chosen[0].leads[0].unit_id
                # the worst warning among the tasks suggests the level; the office may change it
                colours = {t.colour for t in chosen}
                for colour in ("red", "yellow"):
                    if colour in colours:
                        initial["level"] = colour
                        break
                else:
                    initial["level"] = SupervisionNotice.Level.BLUE
        form = NoticeForm(request.user, initial=initial)
    return render(request, "supervision/new_notice.html", {"form": form})


@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice with its tasks and replies; the unit replies, the office closes or escalates."""
    item = get_object_or_404(notices_for(request.user).select_related("unit", "region", "issued_by"), pk=pk)
    user = request.user
    may_reply = user.is_unit and user.unit_id == item.unit_id and item.status in OPEN_STATUSES
    may_handle = can_manage(user) and item.status != SupervisionNotice.Status.CLOSED
    reply_form = ReplyForm(initial={"version": item.version})
    if request.method == "POST":
        action = request.POST.get("action")
        if action not in ("reply", "close", "escalate"):
            return render(request, "400.html", {"message": _("未知的操作。")}, status=400)
        form = ReplyForm(request.POST) if action == "reply" else VersionForm(request.POST)
        if form.is_valid():
            version = form.cleaned_data["version"]
            try:
                if action == "reply":
                    reply_notice(item, user, form.cleaned_data["text"], version)
                    messages.success(request, _("回复已提交。"))
                elif action == "close":
                    close_notice(item, user, version)
                    messages.success(request, _("督办单已办结。"))
                else:
                    before = item.level
                    item = escalate_notice(item, user, version)
                    if item.level == before:  # red is the top: it goes back to the unit as it is
                        message = _("督办单已是%(level)s，已退回单位再次回复。")
                    else:
                        message = _("督办单已升级为%(level)s。")
                    messages.success(request, message % {"level": item.get_level_display()})
            except ConcurrentEdit:
                messages.error(request, _("该督办单已被他人处理，请查看最新内容后再操作。"))
            except NotAllowed as e:
                messages.error(request, str(e))
            return redirect("supervision:notice", pk=item.pk)
        if action != "reply":
            return render(request, "400.html", {"message": _("请求缺少版本号。")}, status=400)
        reply_form = form  # show what was wrong with the reply, keep what was typed
    # a unit sees only its own among them (a task may have been reassigned since the notice)
    tasks = (
        tasks_for(user)
        .filter(notices=item)
        .select_related("plan")
        .prefetch_related(_leads())
        .order_by("plan__year", "number")
    )
    context = {
        "notice": item,
        "tasks": tasks,
        "replies": item.replies.select_related("by"),
        "reply_form": reply_form,
        "may_reply": may_reply,
        "may_handle": may_handle,
        "today": timezone.localdate(),
        "open_statuses": OPEN_STATUSES,
    }
    return render(request, "supervision/notice.html", context)


@login_required
@require_POST
def instruct(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader's instruction (批示) on a task; its units see it on the task's page."""
    if not can_instruct(request.user):
        raise PermissionDenied
    task: Task = get_object_or_404(tasks_for(request.user), pk=pk)
    form = InstructionForm(request.POST)
    if form.is_valid():
        try:
            add_instruction(task, request.user, form.cleaned_data["text"])
        except NotAllowed as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _("批示已发送，承办单位可在任务页面看到。"))
    else:
        messages.error(request, " ".join(form.errors.get("text", [])) or _("请填写批示内容。"))
    return redirect(reverse("ledger:detail", args=[task.pk]))
