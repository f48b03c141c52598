"""Forms of the ledger pages: the list's filters (shared by the page and the xlsx export) and the
office's edit form for one task."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from luoshi.fields import DayField, IdsChoiceField
from luoshi.ledger.models import Assignment, Plan, Section, Task
from luoshi.org.models import Leader, Unit

OVERDUE = "overdue"
# The select offers the usual windows; any whole number of days typed into the URL works too.
DUE_WINDOWS = (7, 15, 30, 90)
MAX_DUE_DAYS = 3660


class QuickSelect(forms.Select):
    """A <select> whose options are written in Python. The default widget renders a template per
    option, which for a city's few hundred units cost more than the rest of the ledger page."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        chosen = "" if value is None else str(value)
        html = [f"<select{flatatt(final)}>", *_options(self.choices, chosen), "</select>"]
        return mark_safe("".join(html))


def _options(choices: Any, chosen: str) -> list[str]:
    out = []
    for value, label in choices:
        if isinstance(label, list | tuple):  # an optgroup: (group label, [(value, label), ...])
            out.append(f'<optgroup label="{conditional_escape(value)}">')
            out.extend(_options(label, chosen))
            out.append("</optgroup>")
            continue
        v = "" if value is None else str(value)
        selected = " selected" if v == chosen else ""
        out.append(f'<option value="{conditional_escape(v)}"{selected}>{conditional_escape(label)}</option>')
    return out


MAX_SEARCH = 100


class LedgerFilterForm(forms.Form):
    """GET filters of the ledger. Invalid values are dropped one by one (see `filters`), so a
    stale bookmark still shows the list with what is left."""

    # a longer search is cut to its first words rather than dropped (which would list everything)
    q = forms.CharField(
        label=_("搜索"), required=False, widget=forms.TextInput(attrs={"maxlength": MAX_SEARCH})
    )
    year = forms.TypedChoiceField(
        label=_("年度"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    plan = forms.ModelChoiceField(
        label=_("计划"),
        queryset=Plan.objects.none(),
        required=False,
        empty_label=_("全部计划"),
        widget=QuickSelect,
    )
    section = forms.TypedChoiceField(
        label=_("所属部分"), coerce=int, required=False, empty_value=None, widget=QuickSelect
    )
    unit = forms.ModelChoiceField(
        label=_("单位"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("全部单位"),
        widget=QuickSelect,
    )
    role = forms.ChoiceField(
        label=_("承担方式"),
        required=False,
        choices=[("", _("牵头或配合")), *Assignment.Role.choices],
        widget=QuickSelect,
    )
    leader = forms.ModelChoiceField(
        label=_("责任领导"),
        queryset=Leader.objects.none(),
        required=False,
        empty_label=_("全部领导"),
        widget=QuickSelect,
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部状态")), *Task.Status.choices],
        widget=QuickSelect,
    )
    colour = forms.ChoiceField(
        label=_("预警"),
        required=False,
        choices=[("", _("全部预警")), *Task.Colour.choices],
        widget=QuickSelect,
    )
    due = forms.CharField(label=_("完成时限"), required=False, widget=QuickSelect)
    due_from = forms.DateField(
        label=_("时限自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("时限至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self,
        data: Any = None,
        *,
        plans: QuerySet[Plan],
        units: QuerySet[Unit],
        leaders: QuerySet[Leader],
    ) -> None:
        super().__init__(data)
        self.fields["plan"].queryset = plans
        self.fields["unit"].queryset = units
        self.fields["leader"].queryset = leaders
        self.fields["section"].choices = _section_choices(plans)
        years = sorted({p.year for p in plans}, reverse=True)
        self.fields["year"].choices = [("", _("全部年度")), *((y, str(y)) for y in years)]
        # a plan is known by its year too: two counties' or two years' plans may share a title
        self.fields["plan"].label_from_instance = lambda p: f"{p.year} · {p.title}"
        windows = [("", _("全部时限")), (OVERDUE, _("已超期"))]
        windows += [(str(n), _("%(n)d天内到期") % {"n": n}) for n in DUE_WINDOWS]
        typed = (data or {}).get("due", "")
        if typed.isdigit() and 0 < int(typed) <= MAX_DUE_DAYS and int(typed) not in DUE_WINDOWS:
            windows.append((typed, _("%(n)d天内到期") % {"n": int(typed)}))
        self.fields["due"].widget.choices = windows

    def clean_q(self) -> str:
        return self.cleaned_data["q"][:MAX_SEARCH]

    def clean_due(self) -> str | int | None:
        value = (self.cleaned_data.get("due") or "").strip()
        if not value:
            return None
        if value == OVERDUE:
            return OVERDUE
        if value.isdigit() and 0 < int(value) <= MAX_DUE_DAYS:
            return int(value)
        raise forms.ValidationError(_("完成时限筛选应为“已超期”或天数。"))

    def filters(self) -> dict[str, Any]:
        """The valid filters given; an invalid one is left out rather than emptying the list."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


def _section_choices(plans: QuerySet[Plan]) -> list[tuple[Any, Any]]:
    """Parts and their subsections, grouped by plan; subsections indented under their part."""
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    sections = (
        Section.objects.filter(plan__in=plans)
        .select_related("plan")
        .only("id", "level", "marker", "title", "plan__id", "plan__title", "plan__year")
        .order_by("plan_id", "order")
    )
    for s in sections:
        label = f"{s.marker}{s.title}"
        if s.level > 1:
            label = "\u3000" + label
        groups.setdefault(s.plan_id, (f"{s.plan.year} · {s.plan.title}", []))[1].append((s.pk, label))
    return [("", _("全部部分")), *groups.values()]


def filter_tasks(tasks: QuerySet[Task], filters: dict[str, Any], today: date) -> QuerySet[Task]:
    """Narrow a (scoped) task queryset by the ledger's filters; `colour` is applied only if given."""
    if year := filters.get("year"):
        tasks = tasks.filter(plan__year=year)
    if plan := filters.get("plan"):
        tasks = tasks.filter(plan=plan)
    if section := filters.get("section"):
        # a part holds its subsections' tasks too
        tasks = tasks.filter(Q(section_id=section) | Q(section__parent_id=section))
    if unit := filters.get("unit"):
        # lead or cooperating unless a role is asked for; Exists keeps one row per task where a
        # join would repeat it
        held = Assignment.objects.filter(task=OuterRef("pk"), unit=unit)
        if role := filters.get("role"):
            held = held.filter(role=role)
        tasks = tasks.filter(Exists(held))
    if leader := filters.get("leader"):
        tasks = tasks.filter(leader=leader)
    if status := filters.get("status"):
        tasks = tasks.filter(status=status)
    if colour := filters.get("colour"):
        tasks = tasks.filter(colour=colour)
    due = filters.get("due")
    if due == OVERDUE:
        tasks = tasks.filter(deadline__lt=today).exclude(status=Task.Status.DONE)
    elif isinstance(due, int):
        tasks = tasks.filter(deadline__gte=today, deadline__lte=today + timedelta(days=due)).exclude(
            status=Task.Status.DONE
        )
    if due_from := filters.get("due_from"):
        tasks = tasks.filter(deadline__gte=due_from)
    if due_to := filters.get("due_to"):
        tasks = tasks.filter(deadline__lte=due_to)
    for word in (filters.get("q") or "").split():
        tasks = tasks.filter(text__icontains=word)
    return tasks


def deadline_years(plan_year: int) -> tuple[int, int]:
    """The years a task's deadline may fall in: from the year before its plan (a task carried over)
    to the end of a long programme."""
    return plan_year - 1, plan_year + 10


class TaskEditForm(forms.Form):
    """The office's edit of a published task. `version` is the one the page was opened with."""

    text = forms.CharField(label=_("任务内容"), widget=forms.Textarea(attrs={"rows": 5}))
    deadline = DayField(label=_("完成时限"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    leader = forms.ModelChoiceField(
        label=_("责任领导"), queryset=Leader.objects.none(), required=False, empty_label=_("（未定）")
    )
    status = forms.ChoiceField(label=_("状态"), choices=Task.Status.choices)
    schedule = forms.ChoiceField(label=_("调度频次"), choices=Task.Schedule.choices)
    lead = forms.ModelChoiceField(
        label=_("牵头单位"), queryset=Unit.objects.none(), required=False, empty_label=_("（未定）")
    )
    cooperating = IdsChoiceField(
        label=_("配合单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, data: Any = None, *, task: Task) -> None:
        lead = [a.unit for a in task.assignments.all() if a.role == Assignment.Role.LEAD]
        initial = {
            "text": task.text,
            "deadline": task.deadline,
            "leader": task.leader_id,
            "status": task.status,
            "schedule": task.schedule,
            "lead": lead[0].pk if lead else None,
            "cooperating": [a.unit_id for a in task.assignments.all() if a.role == Assignment.Role.COOPERATE],
            "version": task.version,
        }
        super().__init__(data, initial=initial)
        self.fields["deadline"].years = deadline_years(task.plan.year)
        # only the task's own county: another county's leader or unit is not even offered
        self.fields["leader"].queryset = Leader.objects.filter(region_id=task.region_id)
        # a unit taken out of use stays selectable on the tasks it already holds
        units = (
            Unit.objects.filter(region_id=task.region_id)
            .filter(Q(active=True) | Q(assignments__task=task))
            .distinct()
        )
        self.fields["lead"].queryset = units
        self.fields["cooperating"].queryset = units

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("任务内容不能为空。"))
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lead = data.get("lead")
        # the lead unit is not also a cooperating unit; keep the form's order otherwise
        data["cooperating"] = [u for u in data.get("cooperating") or [] if u != lead]
        return data
