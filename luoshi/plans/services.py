"""Import a speech as a draft plan, edit the draft, publish it as the year's ledger."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.ledger.models import Assignment, AuditEntry, Output, Plan, Project, Section, Target, Task
from luoshi.ledger.services import ConcurrentEdit, NotAllowed, audit, edit_task, set_outputs
from luoshi.org.models import Leader, Region, Unit, User
from luoshi.org.services import alias_index, match_unit
from luoshi.parsing.pipeline import parse_text, read_task
from luoshi.parsing.plan import Plan as ParsedPlan
from luoshi.parsing.plan import Task as ParsedTask
from luoshi.parsing.read import InputRefused, read_bytes
from luoshi.supervision.warnings import refresh_colours

_NUMBER = re.compile(r"[\d.]+")


def import_document(region: Region, name: str, data: bytes, actor: User) -> Plan:
    """Parse an uploaded speech and store it as a draft plan. Raises InputRefused for a bad file,
    before anything is written."""
    text = read_bytes(data, name)
    parsed = parse_text(text, name)
    if not parsed.tasks:
        raise InputRefused(_("%(name)s: 没有识别出任何任务，请确认这是讲话或工作报告。") % {"name": name})
    if len(parsed.tasks) > settings.LUOSHI_IMPORT_MAX_TASKS:
        raise InputRefused(
            _("%(name)s: 识别出 %(n)d 项任务，超过 %(max)d 项，不像一篇讲话或工作报告；请分成单篇文稿导入。")
            % {"name": name, "n": len(parsed.tasks), "max": settings.LUOSHI_IMPORT_MAX_TASKS}
        )
    return _store(region, name, text, parsed, actor)


@transaction.atomic
def _store(region: Region, name: str, text: str, parsed: ParsedPlan, actor: User) -> Plan:
    title = (parsed.title or name.rsplit(".", 1)[0])[:120]
    plan = Plan.objects.create(
        region=region,
        title=title,
        year=parsed.plan_year,
        source_name=name[:200],
        source_text=text,
        created_by=actor,
    )
    sections: dict[str, list[Section]] = {}  # by title; two parts may have a （一） of one title
    parent: Section | None = None
    for order, s in enumerate(parsed.sections):
        section = Section.objects.create(
            plan=plan,
            parent=parent if s.level == 2 else None,
            level=s.level,
            marker=s.marker,
            title=s.title[:300],
            role=s.role,
            order=order,
            source_start=s.span[0],
            source_end=s.span[1],
        )
        if s.level == 1:
            parent = section
        sections.setdefault(s.title, []).append(section)
    targets = [
        Target(
            plan=plan,
            indicator=t.indicator[:120],
            measure=t.measure,
            value=t.value,
            placeholder=t.placeholder,
            unit=t.unit,
            qualifier=t.qualifier,
            period=t.period,
            text=t.text[:300],
            source_start=t.span[0],
            source_end=t.span[1],
        )
        for t in parsed.targets
    ]
    Target.objects.bulk_create(targets)
    projects = {p: Project.objects.create(plan=plan, name=p[:200]) for p in parsed.projects}
    units = alias_index(region)
    for number, t in enumerate(parsed.tasks, 1):
        task = Task.objects.create(
            plan=plan,
            region=region,
            number=number,
            section=_section_of(sections, t),
            text=t.text,
            source_start=t.span[0],
            source_end=t.span[1],
            tier=t.tier,
            deadline=t.deadline.date if t.deadline and t.deadline.date else None,
            deadline_text=t.deadline.text[:60] if t.deadline else "",
        )
        seen: set[int] = set()
        rows = []
        for mention in t.units:
            unit = match_unit(region, mention, units)
            if unit and unit.pk not in seen:
                seen.add(unit.pk)
                rows.append(
                    Assignment(
                        task=task,
                        unit=unit,
                        role=Assignment.Role.LEAD if not rows else Assignment.Role.COOPERATE,
                    )
                )
        Assignment.objects.bulk_create(rows)
        Output.objects.bulk_create(
            Output(
                task=task,
                name=_output_name(t.text, q.span[0] - t.span[0]),
                goal=q.text[:60],
                unit=q.unit[:20],
                goal_value=_value(q.text),
            )
            for q in t.quantities
        )
        task.projects.set([projects[p] for p in t.projects if p in projects])
        task.targets.set([targets[i] for i in t.targets if i < len(targets)])
    audit(
        None,
        actor,
        "import",
        "plan",
        plan.pk,
        {"source": name, "tasks": len(parsed.tasks)},
        region_id=region.pk,
    )
    return plan


def _section_of(sections: dict[str, list[Section]], task: ParsedTask) -> Section | None:
    """The section the parser put the task in: of the sections of that title, the last before it."""
    for title in (task.section, task.part):
        before = [s for s in sections.get(title, []) if s.source_start <= task.span[0]]
        if before:
            return before[-1]
    return None


def _output_name(sentence: str, offset: int) -> str:
    """The words before a quantity name what it counts: `新建高标准农田3.2万亩` → 新建高标准农田."""
    head = re.split(r"[，,；;。：:、]", sentence[:offset])[-1]
    return (head[-20:] or _("数量")).strip()


def _value(text: str) -> float | None:
    m = _NUMBER.search(text)
    try:
        return float(m.group()) if m else None
    except ValueError:
        return None


def _draft_task(task: Task) -> Task:
    if task.plan.status != Plan.Status.DRAFT:
        raise NotAllowed(_("计划已发布，请在台账中修改任务。"))
    return task


@transaction.atomic
def drop_task(task: Task, actor: User) -> None:
    """Remove a sentence that is not a task from the draft."""
    _draft_task(task)
    audit(None, actor, "drop", "task", task.pk, {"text": task.text}, region_id=task.region_id)
    plan = task.plan
    task.delete()
    _renumber(plan)


@transaction.atomic
def merge_tasks(first: Task, second: Task, actor: User) -> Task:
    """Join two draft tasks into the first; the second's units, outputs and projects come along."""
    _draft_task(first)
    _draft_task(second)
    if first.plan_id != second.plan_id or first.pk == second.pk:
        raise NotAllowed(_("只能合并同一计划中的两项任务。"))
    if second.number < first.number:
        first, second = second, first
    first.text = f"{first.text}。{second.text}"
    first.source_end = max(first.source_end or 0, second.source_end or 0)
    first.deadline = first.deadline or second.deadline
    first.deadline_text = first.deadline_text or second.deadline_text
    if second.tier == Task.Tier.MEASURABLE:
        first.tier = Task.Tier.MEASURABLE
    first.version = F("version") + 1
    first.save()
    have = set(first.assignments.values_list("unit_id", flat=True))
    for a in second.assignments.all():
        if a.unit_id not in have:
            Assignment.objects.create(task=first, unit_id=a.unit_id, role=Assignment.Role.COOPERATE)
    second.outputs.update(task=first)
    first.projects.add(*second.projects.all())
    first.targets.add(*second.targets.all())
    # the merged-away task's history becomes part of the task it went into
    AuditEntry.objects.filter(task=second).update(task=first)
    audit(first, actor, "merge", "task", first.pk, {"merged": second.text})
    second.delete()
    _renumber(first.plan)
    first.refresh_from_db()
    return first


@transaction.atomic
def split_task(task: Task, at: int, actor: User) -> Task:
    """Split a draft task's text at character `at`; the second half becomes a new task after it.

    Each half is read again on its own (parsing.read_task): its own deadline, if its words name one,
    else the whole task's; a unit named in one half only goes with that half when the other half
    names units of its own; an output, project or target named in one half only goes with it; what
    neither names stays on both. The leader and schedule go to both."""
    _draft_task(task)
    text = task.text
    if not 0 < at < len(text):
        raise NotAllowed(_("拆分位置不在任务内容中。"))
    head, tail = text[:at].rstrip("，,；;。 "), text[at:].lstrip("，,；;。 ")
    if not head or not tail:
        raise NotAllowed(_("拆分后两部分都不能为空。"))
    year = task.plan.year
    head_facts, tail_facts = read_task(head, year), read_task(tail, year)
    index = alias_index(task.region)

    def named(facts: ParsedTask) -> set[int]:
        return {u.pk for u in (match_unit(task.region, m, index) for m in facts.units) if u}

    head_units, tail_units = named(head_facts), named(tail_facts)
    assignments = list(task.assignments.order_by("role", "id"))  # the lead first
    # a half that names units of its own leaves the other half's to it; one that names none is
    # still the work of the whole sentence's units
    kept = [
        (a.unit_id, a.role) for a in assignments if not head_units or a.unit_id not in tail_units - head_units
    ]
    taken = [
        (a.unit_id, a.role) for a in assignments if not tail_units or a.unit_id not in head_units - tail_units
    ]
    have = {unit_id for unit_id, _role in taken}
    taken += [(pk, Assignment.Role.COOPERATE) for pk in sorted(tail_units - have)]

    Task.objects.filter(plan=task.plan, number__gt=task.number).update(number=F("number") + 1)
    new = Task.objects.create(
        plan=task.plan,
        region=task.region,
        number=task.number + 1,
        section=task.section,
        text=tail,
        source_start=(task.source_start or 0) + at if task.source_start is not None else None,
        source_end=task.source_end,
        leader=task.leader,
        schedule=task.schedule,
        **_own_deadline(tail_facts, task),
    )
    _assign(task, kept)
    _assign(new, taken)
    for output in task.outputs.all():
        if output.goal in tail and output.goal not in head:
            output.task = new
            output.save(update_fields=["task"])
    new.projects.set([p for p in task.projects.all() if p.name in tail or p.name not in head])
    task.projects.remove(*[p for p in task.projects.all() if p.name in tail and p.name not in head])
    new.targets.set([t for t in task.targets.all() if t.text in tail or t.text not in head])
    task.targets.remove(*[t for t in task.targets.all() if t.text in tail and t.text not in head])
    Task.objects.filter(pk=task.pk).update(
        text=head,
        source_end=(task.source_start or 0) + len(head) if task.source_start is not None else None,
        version=F("version") + 1,
        **_own_deadline(head_facts, task),
    )
    for half in (task, new):
        _retier(half)
    audit(task, actor, "split", "task", task.pk, {"into": [head, tail]})
    audit(new, actor, "split", "task", new.pk, {"from": text})
    return new


def _own_deadline(facts: ParsedTask, whole: Task) -> dict[str, Any]:
    """The deadline a half of a split task names for itself, or else the whole task's."""
    if facts.deadline is None:
        return {"deadline": whole.deadline, "deadline_text": whole.deadline_text}
    when = facts.deadline.date
    return {"deadline": date.fromisoformat(when) if when else None, "deadline_text": facts.deadline.text[:60]}


def _assign(task: Task, units: list[tuple[int, str]]) -> None:
    """Replace a task's units; when none of them leads, the first does."""
    task.assignments.all().delete()
    if units and not any(role == Assignment.Role.LEAD for _unit, role in units):
        units = [(units[0][0], Assignment.Role.LEAD), *units[1:]]
    Assignment.objects.bulk_create(Assignment(task=task, unit_id=u, role=r) for u, r in units)


def _retier(task: Task) -> None:
    """Measurable when the task has a deadline, a unit, an output or a project (ANNOTATION's rule)."""
    measurable = (
        Task.objects.filter(pk=task.pk)
        .filter(
            Q(deadline__isnull=False)
            | ~Q(deadline_text="")
            | Q(assignments__isnull=False)
            | Q(outputs__isnull=False)
            | Q(projects__isnull=False)
        )
        .exists()
    )
    tier = Task.Tier.MEASURABLE if measurable else Task.Tier.GENERAL
    Task.objects.filter(pk=task.pk).update(tier=tier)


def _renumber(plan: Plan) -> None:
    tasks = list(plan.tasks.order_by("number", "id"))
    for n, task in enumerate(tasks, 1):
        task.number = n
    Task.objects.bulk_update(tasks, ["number"], batch_size=500)


class NeedsConfirmation(NotAllowed):
    """Publishing would leave something the office should know about; it publishes once confirmed."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(" ".join(reasons))


def publish_warnings(plan: Plan) -> list[str]:
    """What the office confirms before a draft goes out: tasks nobody will see, a second ledger."""
    reasons = []
    leadless = plan.tasks.exclude(
        Exists(Assignment.objects.filter(task=OuterRef("pk"), role=Assignment.Role.LEAD))
    ).count()
    if leadless:
        reasons.append(
            _("%(n)d 项任务没有牵头单位，发布后不会出现在任何单位的待办中，也不会被催报。") % {"n": leadless}
        )
    others = Plan.objects.filter(region_id=plan.region_id, year=plan.year, status=Plan.Status.PUBLISHED)
    for other in others.exclude(pk=plan.pk).order_by("published_at"):
        reasons.append(
            _("%(region)s %(year)d 年已有任务台账“%(title)s”，再发布一份，各单位会看到两份任务。")
            % {"region": plan.region, "year": plan.year, "title": other.title}
        )
    return reasons


@transaction.atomic
def publish_plan(plan: Plan, actor: User, confirmed: bool = False) -> Plan:
    """The draft becomes the year's ledger: units see their tasks and reporting starts. With
    something to confirm (publish_warnings) it is refused unless `confirmed`."""
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if current.status != Plan.Status.DRAFT:
        raise ConcurrentEdit()
    if not current.tasks.exists():
        raise NotAllowed(_("计划中没有任务，不能发布。"))
    warnings = publish_warnings(current)
    if warnings and not confirmed:
        raise NeedsConfirmation(warnings)
    current.status = Plan.Status.PUBLISHED
    current.published_at = timezone.now()
    current.published_by = actor
    current.save(update_fields=["status", "published_at", "published_by"])
    audit(
        None,
        actor,
        "publish",
        "plan",
        current.pk,
        {"tasks": current.tasks.count(), "confirmed": warnings},
        region_id=current.region_id,
    )
    refresh_colours(current.tasks.all())
    return current


@transaction.atomic
def discard_plan(plan: Plan, actor: User) -> None:
    """Delete a draft that is not to be published (a wrong file, an import made twice). Its audit
    trail stays: the entries lose their task, not their record."""
    current = Plan.objects.select_for_update().get(pk=plan.pk)
    if current.status != Plan.Status.DRAFT:
        raise NotAllowed(_("计划已发布，不能删除。"))
    audit(
        None,
        actor,
        "discard",
        "plan",
        current.pk,
        {"title": current.title, "source": current.source_name, "tasks": current.tasks.count()},
        region_id=current.region_id,
    )
    current.delete()


# What the office types into a task's text to cut it in two when it saves the row (a marker is
# easier to place than a character offset); the full-width form is what Chinese input methods give.
SPLIT_MARKS = ("||", "｜｜")


@transaction.atomic
def edit_draft_task(
    task: Task,
    actor: User,
    version: int,
    *,
    text: str,
    leader: Leader | None,
    deadline: date | None,
    tier: str,
    lead: Unit | None,
    cooperating: list[Unit],
    outputs: list[dict[str, Any]],
) -> list[Task]:
    """Save one reviewed row of a draft in one step: fields, units and outputs, each audited by the
    ledger's own verbs, all refused together when `version` is stale. A split marker in the text cuts
    the task in two after saving; the tasks the row became are returned (one, or two after a split)."""
    _draft_task(task)
    at = None
    for mark in SPLIT_MARKS:
        if mark in text:
            at = text.index(mark)
            text = text.replace(mark, "", 1)
            break
    current = edit_task(
        task,
        actor,
        version,
        lead=lead,
        cooperating=cooperating,
        text=text,
        leader=leader,
        deadline=deadline,
        tier=tier,
    )
    before = [(o.name, o.goal) for o in current.outputs.all()]
    if before != [(o["name"], o["goal"]) for o in outputs]:
        set_outputs(current, actor, outputs)
        # outputs are part of the row a second reviewer may hold open: bump so their save is refused
        Task.objects.filter(pk=current.pk).update(version=F("version") + 1)
    current.refresh_from_db()
    if at is None:
        return [current]
    return [current, split_task(current, at, actor)]


def check_version(task: Task, version: int | None) -> None:
    """Refuse a drop, merge or split made from a page opened before someone else saved the task."""
    if (
        version is not None
        and Task.objects.filter(pk=task.pk).values_list("version", flat=True).first() != version
    ):
        raise ConcurrentEdit()
