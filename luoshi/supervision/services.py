"""Supervision notices (督办单), replies, escalation, and leaders' instructions (批示)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.ledger.models import Assignment, Task
from luoshi.ledger.services import ConcurrentEdit, NotAllowed, audit
from luoshi.org.access import can_instruct, can_manage, region_ids
from luoshi.org.models import Region, Unit, User
from luoshi.supervision.models import Instruction, NoticeReply, SupervisionNotice


def notices_for(user: User) -> QuerySet[SupervisionNotice]:
    """The notices a user may see: the office and leaders those of their region (a city's counties
    included), a unit only those sent to it. Every view fetches notices through this."""
    notices = SupervisionNotice.objects.filter(region_id__in=region_ids(user))
    if user.is_unit and not user.is_superuser:
        if user.unit_id is None:
            return notices.none()
        notices = notices.filter(unit_id=user.unit_id)
    return notices


def _office(actor: User) -> None:
    if not can_manage(actor):
        raise NotAllowed(_("只有督查室可以办理督办单。"))


@transaction.atomic
def issue_notice(
    actor: User, unit: Unit, tasks: list[Task], level: str, body: str, reply_due: date
) -> SupervisionNotice:
    _office(actor)
    if not tasks:
        raise NotAllowed(_("请选择督办的任务。"))
    if any(t.region_id != unit.region_id for t in tasks):
        raise NotAllowed(_("任务与单位不属于同一地区。"))
    # a notice shows its tasks to the unit it is sent to, so it may only name the unit's own tasks
    theirs = set(Assignment.objects.filter(unit=unit, task__in=tasks).values_list("task_id", flat=True))
    foreign = [t for t in tasks if t.pk not in theirs]
    if foreign:
        raise NotAllowed(
            _("任务 %(numbers)s 不是%(unit)s承担的任务。")
            % {"numbers": "、".join(str(t.number) for t in foreign), "unit": unit.name}
        )
    today = timezone.localdate()
    if reply_due < today:
        raise NotAllowed(_("回复期限不能早于今天。"))
    # numbered per region and local year; the region's row lock makes two offices issuing at the
    # same moment take turns rather than take one number
    Region.objects.select_for_update().filter(pk=unit.region_id).first()
    prefix = f"{today.year}-"
    count = SupervisionNotice.objects.filter(region_id=unit.region_id, number__startswith=prefix).count()
    notice = SupervisionNotice.objects.create(
        region_id=unit.region_id,
        number=f"{prefix}{count + 1:03d}",
        unit=unit,
        level=level,
        body=body.strip(),
        reply_due=reply_due,
        issued_by=actor,
        issued_at=timezone.now(),
    )
    notice.tasks.set(tasks)
    for task in tasks:
        audit(
            task,
            actor,
            "issue",
            "notice",
            notice.pk,
            {"number": notice.number, "level": level, "unit": unit.name},
        )
    return notice


def _not_closed(notice: SupervisionNotice) -> None:
    if notice.status == SupervisionNotice.Status.CLOSED:
        raise NotAllowed(_("督办单已办结。"))


def _transition(notice: SupervisionNotice, version: int, status: str, **fields) -> SupervisionNotice:
    updated = SupervisionNotice.objects.filter(pk=notice.pk, version=version).update(
        status=status, version=F("version") + 1, **fields
    )
    if not updated:
        raise ConcurrentEdit()
    notice.refresh_from_db()
    return notice


@transaction.atomic
def reply_notice(notice: SupervisionNotice, actor: User, text: str, version: int) -> SupervisionNotice:
    if not (actor.is_unit and actor.unit_id == notice.unit_id):
        raise NotAllowed(_("只能回复发给本单位的督办单。"))
    if notice.status == SupervisionNotice.Status.REPLIED:
        raise NotAllowed(_("督办单已回复，等待督查室办理。"))
    if notice.status not in (SupervisionNotice.Status.OPEN, SupervisionNotice.Status.ESCALATED):
        raise NotAllowed(_("督办单已办结，不能再回复。"))
    if not text.strip():
        raise NotAllowed(_("请填写回复内容。"))
    NoticeReply.objects.create(notice=notice, text=text.strip(), by=actor, at=timezone.now())
    notice = _transition(notice, version, SupervisionNotice.Status.REPLIED)
    for task in notice.tasks.all():
        audit(task, actor, "reply", "notice", notice.pk, {"number": notice.number})
    return notice


@transaction.atomic
def close_notice(notice: SupervisionNotice, actor: User, version: int) -> SupervisionNotice:
    _office(actor)
    _not_closed(notice)
    notice = _transition(notice, version, SupervisionNotice.Status.CLOSED, closed_at=timezone.now())
    for task in notice.tasks.all():
        audit(task, actor, "close", "notice", notice.pk, {"number": notice.number})
    return notice


@transaction.atomic
def escalate_notice(notice: SupervisionNotice, actor: User, version: int) -> SupervisionNotice:
    """Not resolved: raise the level one step and send it back to the unit for another reply."""
    _office(actor)
    _not_closed(notice)
    higher = {SupervisionNotice.Level.BLUE: SupervisionNotice.Level.YELLOW}.get(
        notice.level, SupervisionNotice.Level.RED
    )
    notice = _transition(notice, version, SupervisionNotice.Status.ESCALATED, level=higher)
    for task in notice.tasks.all():
        audit(task, actor, "escalate", "notice", notice.pk, {"number": notice.number, "level": higher})
    return notice


@transaction.atomic
def add_instruction(task: Task, actor: User, text: str) -> Instruction:
    if not can_instruct(actor):
        raise NotAllowed(_("只有领导可以作出批示。"))
    if not text.strip():
        raise NotAllowed(_("请填写批示内容。"))
    instruction = Instruction.objects.create(task=task, text=text.strip(), by=actor, at=timezone.now())
    audit(task, actor, "instruct", "instruction", instruction.pk, {"text": text.strip()})
    return instruction
