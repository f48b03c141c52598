"""Ledger pages: the filtered list, one task's page, the office's edit form and the xlsx export.

Every page reads tasks through `tasks_for(user)`, so a task outside the user's unit or county is a
404. Each page runs a fixed number of queries whatever the number of tasks, reports or entries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from luoshi.ledger import export as xlsx_export
from luoshi.ledger.forms import LedgerFilterForm, TaskEditForm, filter_tasks
from luoshi.ledger.models import Assignment, AuditEntry, Plan, Task
from luoshi.ledger.services import ConcurrentEdit, NotAllowed, edit_task
from luoshi.org.access import can_instruct, can_manage, plans_for, region_ids, tasks_for, units_for
from luoshi.org.models import Leader, User
from luoshi.reporting.models import ProgressReport, ReportValue
from luoshi.supervision.models import SupervisionNotice

PAGE_SIZE = 50
# characters of the speech shown on either side of a task's own sentence, at most
PASSAGE_CONTEXT = 160


def _assignments() -> Prefetch:
    return Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("id"))


def _split_units(task: Task) -> Task:
    """Lead and cooperating units from the prefetched assignments, for the templates."""
    assignments = task.assignments.all()
    task.lead_units = [a.unit for a in assignments if a.role == Assignment.Role.LEAD]
    task.coop_units = [a.unit for a in assignments if a.role == Assignment.Role.COOPERATE]
    return task


def _row(task: Task) -> dict[str, Any]:
    """One line of the ledger as display strings: the template only prints them, which keeps
    a 50-row page cheap to render."""
    _split_units(task)
    return {
        "number": task.number,
        "url": reverse("ledger:detail", args=[task.pk]),
        "text": task.text,
        "lead": "、".join(map(str, task.lead_units)),
        "coop": "、".join(map(str, task.coop_units)),
        "leader": task.leader.name if task.leader else "",
        "deadline": task.deadline.isoformat() if task.deadline else task.deadline_text,
        "progress": task.progress,
        "status": task.get_status_display(),
        "colour": task.colour,
        "colour_label": task.get_colour_display(),
        "reason": task.reason,
    }


def _filter_form(request: HttpRequest) -> tuple[LedgerFilterForm, dict[str, Any]]:
    user = request.user
    form = LedgerFilterForm(
        request.GET or None,
        # not the speech texts: a city's plans would drag megabytes through every page view
        plans=plans_for(user).filter(status=Plan.Status.PUBLISHED).only("id", "title", "year"),
        units=units_for(user).only("id", "name", "short_name"),
        leaders=Leader.objects.filter(region_id__in=region_ids(user)).only("id", "name", "title"),
    )
    return form, form.filters()


def _is_partial(request: HttpRequest) -> bool:
    # htmx restoring a page missing from its history cache needs the whole page, not the table
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


@require_GET
@login_required
@vary_on_headers("HX-Request")
def task_list(request: HttpRequest) -> HttpResponse:
    form, filters = _filter_form(request)
    colour = filters.pop("colour", None)
    base = filter_tasks(tasks_for(request.user), filters, timezone.localdate())
    # the colour counts are for every filter but the colour itself, so each count is also a link
    # that narrows the list to that colour
    counts = base.aggregate(**{c: Count("pk", filter=Q(colour=c)) for c in Task.Colour.values})
    tasks = base.filter(colour=colour) if colour else base
    rows = (
        tasks.select_related("leader")
        .prefetch_related(_assignments())
        .order_by("region_id", "plan_id", "number", "id")
    )
    paginator = Paginator(rows, PAGE_SIZE)
    # already counted above; spares a second COUNT over the filtered set
    paginator.count = counts[colour] if colour else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = [_row(t) for t in page.object_list]
    context = {
        "form": form,
        "page": page,
        "counts": [(c, label, counts[c]) for c, label in Task.Colour.choices],
        "colour": colour,
        "total": paginator.count,
    }
    template = "ledger/list.html#table" if _is_partial(request) else "ledger/list.html"
    return render(request, template, context)


@require_GET
@login_required
def export(request: HttpRequest) -> HttpResponse:
    _form, filters = _filter_form(request)
    tasks = filter_tasks(tasks_for(request.user), filters, timezone.localdate())
    data = xlsx_export.ledger_xlsx(tasks)
    name = _("任务分解表") + f"-{timezone.localdate():%Y%m%d}.xlsx"
    return HttpResponse(
        data,
        content_type=xlsx_export.CONTENT_TYPE,
        headers={"Content-Disposition": content_disposition_header(True, name)},
    )


@dataclass
class Passage:
    before: str
    span: str
    after: str
    cut_before: bool
    cut_after: bool


def source_passage(
    text: str, start: int | None, end: int | None, context: int = PASSAGE_CONTEXT
) -> Passage | None:
    """The task's words in the speech with the rest of their paragraph, at most `context`
    characters either side."""
    if start is None or end is None or not 0 <= start <= end <= len(text):
        return None
    lo = max(0, start - context)
    newline = text.rfind("\n", lo, start)
    if newline != -1:
        lo = newline + 1
    hi = min(len(text), end + context)
    newline = text.find("\n", end, hi)
    if newline != -1:
        hi = newline
    return Passage(
        before=text[lo:start],
        span=text[start:end],
        after=text[end:hi],
        cut_before=lo > 0 and text[lo - 1] != "\n",
        cut_after=hi < len(text) and text[hi] != "\n",
    )


ACTIONS = {
    "update": gettext_lazy("修改"),
    "assign": gettext_lazy("调整责任单位"),
    "submit": gettext_lazy("填报进展"),
    "accept": gettext_lazy("采纳填报"),
    "return": gettext_lazy("退回填报"),
    "issue": gettext_lazy("下发督办"),
    "reply": gettext_lazy("回复督办"),
    "close": gettext_lazy("办结督办"),
    "escalate": gettext_lazy("升级督办"),
    "instruct": gettext_lazy("批示"),
    "merge": gettext_lazy("合并任务"),
    "split": gettext_lazy("拆分任务"),
    "drop": gettext_lazy("删除任务"),
    "import": gettext_lazy("导入"),
    "publish": gettext_lazy("发布"),
    "admin": gettext_lazy("后台修改"),
}
FIELDS = {
    "text": gettext_lazy("任务内容"),
    "deadline": gettext_lazy("完成时限"),
    "deadline_text": gettext_lazy("时限原文"),
    "leader": gettext_lazy("责任领导"),
    "schedule": gettext_lazy("调度频次"),
    "status": gettext_lazy("状态"),
    "tier": gettext_lazy("类别"),
    "section": gettext_lazy("所属部分"),
    "units": gettext_lazy("责任单位"),
    "outputs": gettext_lazy("量化指标"),
    "percent": gettext_lazy("完成进度"),
    "period": gettext_lazy("报告期"),
    "files": gettext_lazy("附件"),
    "comment": gettext_lazy("意见"),
    "number": gettext_lazy("编号"),
    "level": gettext_lazy("等级"),
    "unit": gettext_lazy("单位"),
    "merged": gettext_lazy("并入"),
    "into": gettext_lazy("拆分为"),
    "progress": gettext_lazy("进度"),
    "done": gettext_lazy("填报已完成"),
    "values": gettext_lazy("本期数值"),
    "figures": gettext_lazy("指标当前值"),
    "from": gettext_lazy("拆分自"),
    "source": gettext_lazy("来源文件"),
    "tasks": gettext_lazy("任务数"),
}
# stored codes shown by their labels
CODES: dict[str, dict[str, Any]] = {
    "status": dict(Task.Status.choices),
    "schedule": dict(Task.Schedule.choices),
    "tier": dict(Task.Tier.choices),
    "level": dict(SupervisionNotice.Level.choices),
}
# actions whose changes are stored as {field: [before, after]}, and fields stored so by any action
PAIRED = {"update", "assign", "admin"}
PAIRED_FIELDS = {"progress", "status"}


def _show(key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return _("（空）")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if key == "values" and isinstance(value, dict):  # {output name: value} of a report
        return "；".join(f"{name} {_number(v)}" for name, v in value.items())
    if key == "figures":  # [[output name, before, after], …] moved by a report
        return "；".join(f"{name} {_number(old)} → {_number(new)}" for name, old, new in value)
    if isinstance(value, dict):  # {"lead": [...], "cooperate": [...]} from set_units
        parts = []
        if value.get("lead"):
            parts.append(_("牵头：") + "、".join(value["lead"]))
        if value.get("cooperate"):
            parts.append(_("配合：") + "、".join(value["cooperate"]))
        return "；".join(parts) or _("（空）")
    if isinstance(value, list):
        return "、".join(_show(key, v) for v in value)
    if key in CODES:
        return str(CODES[key].get(value, value))
    if key in ("percent", "progress"):
        return f"{value}%"
    return str(value)


def _number(value: Any) -> str:
    if value is None:
        return _("（空）")
    return f"{value:g}" if isinstance(value, float) else str(value)


def describe(entry: AuditEntry) -> list[tuple[str, str]]:
    """An audit entry's changes as (what, how) lines a clerk can read: 状态：未启动 → 推进中."""
    lines = []
    for key, value in (entry.changes or {}).items():
        label = str(FIELDS.get(key, key))
        paired = entry.action in PAIRED or key in PAIRED_FIELDS
        if paired and isinstance(value, list) and len(value) == 2:
            lines.append((label, f"{_show(key, value[0])} → {_show(key, value[1])}"))
        else:
            lines.append((label, _show(key, value)))
    return lines


def who(user: User | None) -> str:
    if user is None:
        return _("（已删除的用户）")
    if user.leader_id:
        return str(user.leader)  # 王明（副县长）
    name = user.get_full_name() or user.username
    return f"{name}（{user.unit}）" if user.unit_id else name


@require_GET
@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    task = get_object_or_404(
        tasks_for(user)
        .select_related("plan", "section__parent", "leader")
        .prefetch_related(_assignments(), "outputs", "projects", "targets"),
        pk=pk,
    )
    _split_units(task)
    reports = list(
        ProgressReport.objects.filter(task=task)
        .select_related("unit", "submitted_by", "reviewed_by")
        .prefetch_related(
            Prefetch("values", queryset=ReportValue.objects.select_related("output").order_by("output_id")),
            "attachments",
        )
    )
    history = list(task.audit.select_related("actor__unit", "actor__leader"))
    for entry in history:
        entry.lines = describe(entry)
        entry.action_label = ACTIONS.get(entry.action, entry.action)
        entry.who = who(entry.actor)
    instructions = list(task.instructions.select_related("by__unit", "by__leader"))
    for instruction in instructions:
        instruction.who = who(instruction.by)
    context = {
        "task": task,
        "passage": source_passage(task.plan.source_text, task.source_start, task.source_end),
        "reports": reports,
        "instructions": instructions,
        "notices": list(task.notices.select_related("unit")),
        "history": history,
        "may_edit": can_manage(user),
        "may_notice": can_manage(user),
        "may_instruct": can_instruct(user),
        # from the prefetched assignments, so no extra query (same rule as access.can_report)
        "may_report": user.is_unit
        and user.unit_id is not None
        and any(a.unit_id == user.unit_id for a in task.assignments.all()),
    }
    return render(request, "ledger/detail.html", context)


@login_required
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    if not can_manage(request.user):
        raise PermissionDenied
    task = get_object_or_404(
        tasks_for(request.user).select_related("leader").prefetch_related(_assignments()), pk=pk
    )
    status = 200
    current: Task | None = None
    if request.method == "POST":
        form = TaskEditForm(request.POST, task=task)
        if form.is_valid():
            data = form.cleaned_data
            try:
                edit_task(
                    task,
                    request.user,
                    data["version"],
                    lead=data["lead"],
                    cooperating=data["cooperating"],
                    text=data["text"],
                    deadline=data["deadline"],
                    leader=data["leader"],
                    status=data["status"],
                    schedule=data["schedule"],
                )
            except ConcurrentEdit as e:
                # nothing was written; show what the other person saved beside this user's input
                messages.error(request, str(e))
                status = 409
                current = _split_units(_reload(task))
            except NotAllowed as e:
                form.add_error(None, str(e))
            else:
                messages.success(request, _("已保存。"))
                return redirect("ledger:detail", pk=task.pk)
    else:
        form = TaskEditForm(task=task)
    return render(
        request, "ledger/edit.html", {"form": form, "task": task, "current": current}, status=status
    )


def _reload(task: Task) -> Task:
    return Task.objects.select_related("leader").prefetch_related(_assignments()).get(pk=task.pk)
