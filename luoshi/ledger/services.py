"""Every write to the ledger goes through here: it is checked, versioned and audited in one place."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from luoshi.ledger.models import Assignment, AuditEntry, Output, Task
from luoshi.org.models import Leader, Unit, User


class ConcurrentEdit(Exception):
    """Someone saved the object after this user opened it; their save is refused, not merged."""

    def __init__(self) -> None:
        super().__init__(_("该任务已被他人修改，请刷新页面查看最新内容后再保存。"))


class NotAllowed(Exception):
    """The change breaks a rule of the loop (a unit from another county, a bad value)."""


def audit(
    task: Task | None,
    actor: User | None,
    action: str,
    subject: str,
    subject_id: int | None,
    changes: dict[str, Any],
    region_id: int | None = None,
) -> AuditEntry:
    return AuditEntry.objects.create(
        region_id=region_id or task.region_id,
        task=task,
        actor=actor,
        action=action,
        subject=subject,
        subject_id=subject_id,
        changes=changes,
    )


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


TASK_FIELDS = ("text", "deadline", "deadline_text", "leader", "schedule", "status", "tier", "section")


@transaction.atomic
def update_task(task: Task, actor: User, version: int, **fields: Any) -> Task:
    """Change a task's fields if nobody saved it since `version`; record what changed."""
    unknown = set(fields) - set(TASK_FIELDS)
    if unknown:
        raise NotAllowed(f"unknown fields: {sorted(unknown)}")
    leader = fields.get("leader")
    if isinstance(leader, Leader) and leader.region_id != task.region_id:
        raise NotAllowed(_("责任领导不属于本地区。"))
    current = Task.objects.select_for_update().get(pk=task.pk)
    if current.version != version:
        raise ConcurrentEdit()
    changes = {}
    for name, value in fields.items():
        old = getattr(current, name)
        if old != value:
            changes[name] = [_plain(old), _plain(value)]
            setattr(current, name, value)
    if not changes:
        return current
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    audit(current, actor, "update", "task", current.pk, changes)
    refresh_colour(current)
    return current


@transaction.atomic
def set_units(task: Task, actor: User, version: int, lead: Unit | None, cooperating: list[Unit]) -> Task:
    """Set the lead unit and the cooperating units of a task in one versioned change."""
    units = ([lead] if lead else []) + list(cooperating)
    if any(u.region_id != task.region_id for u in units):
        raise NotAllowed(_("单位不属于本地区。"))
    current = Task.objects.select_for_update().get(pk=task.pk)
    if current.version != version:
        raise ConcurrentEdit()
    before = _unit_names(current)
    Assignment.objects.filter(task=current).delete()
    seen: set[int] = set()
    rows = []
    for unit, role in [(lead, Assignment.Role.LEAD)] + [(u, Assignment.Role.COOPERATE) for u in cooperating]:
        if unit is None or unit.pk in seen:
            continue
        seen.add(unit.pk)
        rows.append(Assignment(task=current, unit=unit, role=role))
    Assignment.objects.bulk_create(rows)
    Task.objects.filter(pk=current.pk).update(version=F("version") + 1)
    current.refresh_from_db()
    after = _unit_names(current)
    if before != after:
        audit(current, actor, "assign", "assignment", current.pk, {"units": [before, after]})
    return current


def _unit_names(task: Task) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"lead": [], "cooperate": []}
    for a in task.assignments.select_related("unit").order_by("id"):
        out[a.role].append(a.unit.name)
    return out


@transaction.atomic
def set_outputs(task: Task, actor: User, outputs: list[dict[str, Any]]) -> None:
    """Replace the measurable outputs of a task: [{"name", "goal", "unit", "goal_value"}]."""
    before = [f"{o.name} {o.goal}" for o in task.outputs.all()]
    task.outputs.all().delete()
    Output.objects.bulk_create(Output(task=task, **o) for o in outputs)
    after = [f"{o['name']} {o['goal']}" for o in outputs]
    if before != after:
        audit(task, actor, "update", "output", task.pk, {"outputs": [before, after]})


def refresh_colour(task: Task, today: date | None = None) -> Task:
    """Store the task's warning colour and reason as the rule gives them now."""
    from luoshi.supervision.warnings import assess

    colour, reason = assess(task, today)
    if (colour, reason) != (task.colour, task.colour_reason):
        Task.objects.filter(pk=task.pk).update(colour=colour, colour_reason=reason)
        task.colour, task.colour_reason = colour, reason
    return task


@transaction.atomic
def edit_task(
    task: Task,
    actor: User,
    version: int,
    *,
    lead: Unit | None,
    cooperating: list[Unit],
    **fields: Any,
) -> Task:
    """The office's edit form in one step: fields and units change together or not at all, both
    checked against the `version` the form was opened with."""
    current = update_task(task, actor, version, **fields)
    before = _unit_names(current)
    wanted_coop = [u for u in dict.fromkeys(cooperating) if u != lead]
    after = {"lead": [lead.name] if lead else [], "cooperate": [u.name for u in wanted_coop]}
    # set_units always bumps the version; skip it when the units stay as they were
    if before["lead"] != after["lead"] or sorted(before["cooperate"]) != sorted(after["cooperate"]):
        current = set_units(current, actor, current.version, lead, wanted_coop)
    return current
