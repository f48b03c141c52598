"""Import a speech, review the parser's draft beside its source, publish it as the year's ledger.

Only the office (and superusers) work here. Drafts are fetched through `plans_for`, which hides them
from every other role, so a unit or leader gets 404 for a draft and 403 for the import page.
Every write goes through `luoshi.plans.services`; the row endpoints answer htmx with the row alone
and a plain form post with a redirect back to the review page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from luoshi.ledger.models import Assignment, Output, Plan, Project, Target, Task
from luoshi.ledger.services import ConcurrentEdit, NotAllowed
from luoshi.org.access import can_manage, plans_for, region_ids
from luoshi.org.models import Leader, Region, Unit, User
from luoshi.org.services import alias_index, suggest_units
from luoshi.parsing.read import InputRefused
from luoshi.plans import services
from luoshi.plans.forms import (
    UNIT_SEPARATORS,
    ImportForm,
    SplitForm,
    TaskRowForm,
    output_lines,
    refusal_message,
)

# ---------------------------------------------------------------- scoping


def _manager(request: HttpRequest) -> User:
    user: User = request.user  # type: ignore[assignment]
    if not can_manage(user):
        raise PermissionDenied
    return user


def _drafts(user: User) -> QuerySet[Plan]:
    """Draft plans the user may edit; for anyone but the office this is empty, so ids give 404."""
    if not can_manage(user):
        return Plan.objects.none()
    return plans_for(user).filter(status=Plan.Status.DRAFT)


def _draft_task(request: HttpRequest, pk: int) -> Task:
    user: User = request.user  # type: ignore[assignment]
    return get_object_or_404(
        Task.objects.select_related("plan", "region").filter(plan__in=_drafts(user)), pk=pk
    )


def _count(model: type) -> Coalesce:
    """A per-plan count as a subquery, so several counts do not multiply each other's joins."""
    rows = (
        model.objects.filter(plan=OuterRef("pk"))
        .order_by()
        .values("plan")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


# ---------------------------------------------------------------- list and import


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    leadless = Task.objects.filter(plan=OuterRef("pk")).exclude(
        Exists(Assignment.objects.filter(task=OuterRef("pk"), role=Assignment.Role.LEAD))
    )
    plans = (
        plans_for(user)
        .select_related("region", "created_by", "published_by")
        .annotate(
            task_count=_count(Task),
            target_count=_count(Target),
            project_count=_count(Project),
            leadless_count=Coalesce(
                Subquery(
                    leadless.order_by().values("plan").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                0,
            ),
        )
        .order_by("-year", "-created_at")
    )
    return render(
        request,
        "plans/list.html",
        {"plans": plans, "manage": can_manage(user), "many_regions": len(region_ids(user)) > 1},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    regions = Region.objects.filter(id__in=region_ids(user)).order_by("kind", "name")
    form = ImportForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            plan = services.import_document(form.cleaned_data["region"], upload.name, upload.read(), user)
        except InputRefused as exc:
            # what is wrong with the file, in the reader's language; nothing was written
            form.add_error("file", refusal_message(exc))
        else:
            messages.success(
                request,
                _("已导入“%(title)s”：%(tasks)d 项任务，请逐项审核后发布。")
                % {"title": plan.title, "tasks": plan.tasks.count()},
            )
            return redirect("plans:review", pk=plan.pk)
    if request.method == "POST":
        messages.error(request, _("导入失败，未保存任何内容。"))
    return render(request, "plans/import.html", {"form": form})


# ---------------------------------------------------------------- review


def highlighted_source(text: str, tasks: list[Task]) -> SafeString:
    """The source text, escaped, with each task's span in <mark id="t-N">. Spans are clipped so they
    never overlap (a merge or split can leave neighbours touching) and ignored when out of range."""
    parts: list[str] = []
    cursor = 0
    spans = sorted(
        (t for t in tasks if t.source_start is not None and t.source_end is not None),
        key=lambda t: (t.source_start, t.number),
    )
    for task in spans:
        start, end = max(task.source_start, cursor), min(task.source_end, len(text))
        if start >= end:
            continue
        parts.append(escape(text[cursor:start]))
        parts.append(
            format_html(
                '<a class="tn" href="#row-{n}">{n}</a><mark id="t-{n}">{body}</mark>',
                n=task.number,
                body=text[start:end],
            )
        )
        cursor = end
    parts.append(escape(text[cursor:]))
    return mark_safe("".join(parts))  # every piece above is escaped or built by format_html


def _review_tasks(plan: Plan) -> list[Task]:
    return list(
        plan.tasks.select_related("leader", "section")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("id")),
            Prefetch("outputs", queryset=Output.objects.order_by("id")),
            Prefetch("projects", queryset=Project.objects.order_by("id")),
            Prefetch("targets", queryset=Target.objects.order_by("id")),
        )
        .order_by("number")
    )


def _row(
    task: Task,
    form: TaskRowForm | None = None,
    notice: str = "",
    error: str = "",
    last: bool = False,
) -> dict[str, Any]:
    """What one row of the table shows: the task's values, or the values just submitted when the
    submission had errors, so the office does not lose its typing."""
    assignments = list(task.assignments.all())
    lead = next((a.unit for a in assignments if a.role == Assignment.Role.LEAD), None)
    cooperating = [a.unit for a in assignments if a.unit != lead]
    values = {
        "version": task.version,
        "text": task.text,
        "lead": str(lead) if lead else "",
        "cooperating": "、".join(str(u) for u in cooperating),
        "leader": str(task.leader_id or ""),
        "deadline": task.deadline.isoformat() if task.deadline else "",
        "tier": task.tier,
        "outputs": output_lines(list(task.outputs.all())),
    }
    if form is not None and form.is_bound:
        for name in values:
            if name != "version":
                values[name] = form.data.get(name, values[name])
    return {
        "task": task,
        "values": values,
        "lead": lead,
        "cooperating": cooperating,
        "errors": form.errors if form is not None and form.is_bound else {},
        "notice": notice,
        "error": error,
        "last": last,
    }


def _leaders(plan: Plan) -> list[Leader]:
    return list(Leader.objects.filter(region_id=plan.region_id).order_by("id"))


def _review_context(plan: Plan, override: dict[int, dict[str, Any]] | None = None) -> dict[str, Any]:
    tasks = _review_tasks(plan)
    override = override or {}
    rows = [override.get(t.pk) or _row(t) for t in tasks]
    if rows:
        rows[-1]["last"] = True
    return {
        "plan": plan,
        "rows": rows,
        "source": highlighted_source(plan.source_text, tasks),
        "sections": list(plan.sections.order_by("order")),
        "targets": list(
            plan.targets.prefetch_related(Prefetch("tasks", queryset=Task.objects.order_by("number")))
        ),
        "projects": list(
            plan.projects.prefetch_related(Prefetch("tasks", queryset=Task.objects.order_by("number")))
        ),
        "leaders": _leaders(plan),
        "tiers": Task.Tier.choices,
        # the shared <datalist> starts with the whole register, so typing completes names without htmx
        "options": [
            {"value": str(u), "label": u.name}
            for u in Unit.objects.filter(region_id=plan.region_id, active=True).order_by("name")
        ],
        "split_marks": services.SPLIT_MARKS,
        "leadless": sum(1 for r in rows if r["lead"] is None),
        "publish_warnings": services.publish_warnings(plan),
    }


@login_required
@require_GET
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    plan = get_object_or_404(plans_for(user).select_related("region"), pk=pk)
    if not can_manage(user):
        raise PermissionDenied
    if plan.status != Plan.Status.DRAFT:
        messages.info(request, _("“%(title)s”已发布，请在任务台账中查看和修改。") % {"title": plan.title})
        return redirect("ledger:list")
    return render(request, "plans/review.html", _review_context(plan))


def _back(task: Task, number: int | None = None) -> HttpResponse:
    url = reverse("plans:review", args=[task.plan_id])
    return redirect(f"{url}#row-{number or task.number}")


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _render_row(request: HttpRequest, row: dict[str, Any], plan: Plan) -> HttpResponse:
    context = {
        "row": row,
        "plan": plan,
        "leaders": _leaders(plan),
        "tiers": Task.Tier.choices,
        "split_marks": services.SPLIT_MARKS,
    }
    return render(request, "plans/review.html#row", context)


def _is_last(task: Task) -> bool:
    return not Task.objects.filter(plan_id=task.plan_id, number__gt=task.number).exists()


def _fresh(task: Task) -> Task:
    """The task as stored now, with what its row shows."""
    return (
        Task.objects.select_related("leader", "plan")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("unit").order_by("id")),
            Prefetch("outputs", queryset=Output.objects.order_by("id")),
            Prefetch("projects", queryset=Project.objects.order_by("id")),
            Prefetch("targets", queryset=Target.objects.order_by("id")),
        )
        .get(pk=task.pk)
    )


@login_required
@require_http_methods(["GET", "POST"])
def task_row(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the row (htmx, e.g. to cancel an edit). POST: save the row through the services."""
    task = _draft_task(request, pk)
    plan = task.plan
    if request.method == "GET":
        if not _is_htmx(request):
            return _back(task)
        return _render_row(request, _row(_fresh(task), last=_is_last(task)), plan)

    user: User = request.user  # type: ignore[assignment]
    form = TaskRowForm(
        request.POST,
        region=plan.region,
        leaders=Leader.objects.filter(region_id=plan.region_id),
        index=alias_index(plan.region),
        year=plan.year,
    )
    notice = error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.edit_draft_task(
                task,
                user,
                data["version"],
                text=data["text"],
                leader=data["leader"],
                deadline=data["deadline"],
                tier=data["tier"],
                lead=data["lead"],
                cooperating=data["cooperating"],
                outputs=data["outputs"],
            )
        except ConcurrentEdit as exc:
            # show the row as it is now, so the office sees what the other person saved
            error = str(exc)
            form = None
        except NotAllowed as exc:
            error = str(exc)
        else:
            if len(saved) > 1:
                # a split renumbers the rows below: the whole page has to be shown again
                messages.success(
                    request,
                    _("任务 %(a)d 已拆分为 %(a)d 和 %(b)d。") % {"a": saved[0].number, "b": saved[1].number},
                )
                if _is_htmx(request):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = (
                        reverse("plans:review", args=[plan.pk]) + f"#row-{saved[0].number}"
                    )
                    return response
                return _back(saved[0])
            notice = _("已保存。")
            form = None
    else:
        error = _("未保存，请修改标红的内容。")

    if not _is_htmx(request):
        if form is None and not error:
            messages.success(request, _("任务 %(n)d 已保存。") % {"n": task.number})
            return _back(task)
        if form is None:
            messages.error(request, error)
            return _back(task)
        # a plain post with mistakes: the whole page again, this row with what was typed and why
        messages.error(request, _("任务 %(n)d：%(error)s") % {"n": task.number, "error": error})
        row = _row(_fresh(task), form=form, error=error)
        return render(request, "plans/review.html", _review_context(plan, {task.pk: row}))
    current = _fresh(task)
    return _render_row(
        request, _row(current, form=form, notice=notice, error=error, last=_is_last(current)), plan
    )


def _posted_version(request: HttpRequest) -> int | None:
    try:
        return int(request.POST["version"])
    except (KeyError, ValueError):
        return None


@login_required
@require_POST
def task_drop(request: HttpRequest, pk: int) -> HttpResponse:
    task = _draft_task(request, pk)
    number = task.number
    try:
        services.check_version(task, _posted_version(request))
        services.drop_task(task, request.user)  # type: ignore[arg-type]
    except (ConcurrentEdit, NotAllowed) as exc:
        messages.error(request, str(exc))
        return _back(task)
    messages.success(request, _("已删除任务 %(n)d，后面的任务已重新编号。") % {"n": number})
    url = reverse("plans:review", args=[task.plan_id])
    return redirect(f"{url}#row-{max(number - 1, 1)}")


@login_required
@require_POST
def task_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge a task with the one after it (the parser cut one commitment in two)."""
    task = _draft_task(request, pk)
    following = Task.objects.filter(plan_id=task.plan_id, number__gt=task.number).order_by("number").first()
    if following is None:
        messages.error(request, _("这是最后一项任务，没有可合并的下一项。"))
        return _back(task)
    try:
        services.check_version(task, _posted_version(request))
        merged = services.merge_tasks(task, following, request.user)  # type: ignore[arg-type]
    except (ConcurrentEdit, NotAllowed) as exc:
        messages.error(request, str(exc))
        return _back(task)
    messages.success(request, _("任务 %(a)d 与 %(b)d 已合并。") % {"a": task.number, "b": following.number})
    return _back(merged)


@login_required
@require_POST
def task_split(request: HttpRequest, pk: int) -> HttpResponse:
    """Split a task at a character offset (the parser joined two commitments)."""
    task = _draft_task(request, pk)
    form = SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("拆分位置应为正整数。"))
        return _back(task)
    try:
        services.check_version(task, form.cleaned_data["version"])
        new = services.split_task(task, form.cleaned_data["at"], request.user)  # type: ignore[arg-type]
    except (ConcurrentEdit, NotAllowed) as exc:
        messages.error(request, str(exc))
        return _back(task)
    messages.success(request, _("任务 %(a)d 已拆分为 %(a)d 和 %(b)d。") % {"a": task.number, "b": new.number})
    return _back(task)


@login_required
@require_GET
def unit_suggest(request: HttpRequest, pk: int) -> HttpResponse:
    """Units of the plan's region matching what is being typed (by name, short name or alias), as
    <option>s for the page's one shared <datalist>. For a list of cooperating units only the last
    name is matched, and each option keeps the names already typed before it."""
    user: User = request.user  # type: ignore[assignment]
    plan = get_object_or_404(_drafts(user).select_related("region"), pk=pk)
    typed = request.GET.get("q") or request.GET.get("lead") or request.GET.get("cooperating") or ""
    pieces = UNIT_SEPARATORS.split(typed)
    query = pieces[-1] if pieces else ""
    prefix = typed[: len(typed) - len(query)] if query and typed.endswith(query) else ""
    units = suggest_units(plan.region, query) if query else []
    options = [{"value": prefix + str(u), "label": u.name} for u in units]
    return render(request, "plans/review.html#suggestions", {"options": options})


@login_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    plan = get_object_or_404(plans_for(user), pk=pk)
    try:
        published = services.publish_plan(plan, user, confirmed=request.POST.get("confirm") == "1")
    except ConcurrentEdit:
        messages.error(request, _("“%(title)s”已经发布过了。") % {"title": plan.title})
        return redirect("plans:list")
    except NotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("plans:review", pk=plan.pk)
    messages.success(
        request,
        _("“%(title)s”已发布为 %(year)d 年任务台账，各责任单位现在可以看到自己的任务。")
        % {"title": published.title, "year": published.year},
    )
    return redirect("ledger:list")


@login_required
@require_http_methods(["GET", "POST"])
def plan_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks, POST deletes: a draft is deleted only from a page that says what will go."""
    user = _manager(request)
    plan = get_object_or_404(_drafts(user).annotate(task_count=_count(Task)), pk=pk)
    if request.method == "POST":
        services.discard_plan(plan, user)
        messages.success(request, _("草稿“%(title)s”已删除。") % {"title": plan.title})
        return redirect("plans:list")
    return render(request, "plans/discard.html", {"plan": plan})
