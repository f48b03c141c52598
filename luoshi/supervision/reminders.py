"""Report reminders (催报), run daily by `luoshi remind [--send]`.

For every published task not yet done, the lead unit owes a report for the last complete period
(warnings.previous_period) when the task owes one for it (warnings.report_due). Without a standing
report (one the office did not return) by the lead unit for that period, the unit is reminded:
- listed as "unit — task — period" (list mode changes nothing and sends nothing);
- with send=True, emailed once per (unit, task, period): the Reminder row is the record that stops
  a second email on the next run. The address is Unit.email, else its users' emails; a unit with
  no address gets a row without a send time, so that its escalation below still happens;
- when the unit also missed the periods before (LUOSHI_ESCALATE_AFTER_MISSED consecutive periods,
  two by default), the unit's leader (Unit.leader.email, else the users linked to that leader) is
  emailed too, once, and the Reminder is marked escalated.
Email goes through Django's email backend (the console by default; see EMAIL_BACKEND).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import TextIO

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.ledger.models import Assignment, Plan, Task
from luoshi.org.models import Unit, User
from luoshi.reporting.models import ProgressReport
from luoshi.supervision.models import Reminder
from luoshi.supervision.warnings import period_label, previous_period, report_due


@dataclass
class Missing:
    unit: Unit
    task: Task
    period: date
    missed: list[date]  # the consecutive missed periods ending with `period`, newest first

    @property
    def escalate(self) -> bool:
        return len(self.missed) >= max(1, settings.LUOSHI_ESCALATE_AFTER_MISSED)

    def line(self) -> str:
        text = self.task.text if len(self.task.text) <= 40 else self.task.text[:40] + "…"
        return (
            f"{self.unit.name} — {self.task.number}. {text} — {period_label(self.task.schedule, self.period)}"
        )


def find_missing(today: date) -> list[Missing]:
    """Lead units without a standing report for their task's last complete period; three queries."""
    leads = list(
        Assignment.objects.filter(role=Assignment.Role.LEAD, task__plan__status=Plan.Status.PUBLISHED)
        .exclude(task__status=Task.Status.DONE)
        .select_related("unit__leader", "unit__region", "task__plan")
        .order_by("unit__region_id", "unit__name", "task__plan__year", "task__number", "task_id")
    )
    if not leads:
        return []
    window = max(1, settings.LUOSHI_ESCALATE_AFTER_MISSED)
    # the periods each schedule looks back over: the last complete one and the ones before it
    looked_at: dict[str, list[date]] = {}
    for schedule in Task.Schedule.values:
        periods = [previous_period(schedule, today)]
        while len(periods) < window:
            periods.append(previous_period(schedule, periods[-1]))
        looked_at[schedule] = periods
    earliest = min(p for periods in looked_at.values() for p in periods)
    standing = set(
        ProgressReport.objects.filter(task__plan__status=Plan.Status.PUBLISHED, period__gte=earliest)
        .exclude(status=ProgressReport.Status.RETURNED)
        .values_list("task_id", "unit_id", "period")
    )
    found = []
    for a in leads:
        task = a.task
        missed = []
        for period in looked_at[task.schedule]:
            if not report_due(task.schedule, task.plan.year, task.deadline, period):
                break
            if (task.pk, a.unit_id, period) in standing:
                break
            missed.append(period)
        if missed and missed[0] == looked_at[task.schedule][0]:
            found.append(Missing(unit=a.unit, task=task, period=missed[0], missed=missed))
    return found


def _addresses(missing: list[Missing]) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """Email addresses of the units and of their leaders; the users' addresses when the register
    has none. Two queries."""
    units = {m.unit.pk: m.unit for m in missing}
    leaders = {m.unit.leader_id: m.unit.leader for m in missing if m.unit.leader_id}
    user_mail: dict[int, list[str]] = defaultdict(list)
    leader_mail: dict[int, list[str]] = defaultdict(list)
    for unit_id, email in (
        User.objects.filter(unit_id__in=list(units), is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("unit_id", "email")
    ):
        user_mail[unit_id].append(email)
    for leader_id, email in (
        User.objects.filter(leader_id__in=list(leaders), is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("leader_id", "email")
    ):
        leader_mail[leader_id].append(email)
    to_unit = {pk: [u.email] if u.email else user_mail[pk] for pk, u in units.items()}
    to_leader = {pk: [lead.email] if lead.email else leader_mail[pk] for pk, lead in leaders.items()}
    return to_unit, to_leader


def _unit_message(m: Missing, to: list[str], connection) -> mail.EmailMessage:
    period = period_label(m.task.schedule, m.period)
    subject = _("【催报】%(period)s 任务进展未填报：%(number)s") % {"period": period, "number": m.task.number}
    body = _(
        "%(unit)s：\n\n贵单位牵头的以下任务尚未填报 %(period)s 的进展，请尽快登录落实系统填报。\n\n"
        "%(number)s. %(text)s\n完成时限：%(deadline)s\n"
    ) % {
        "unit": m.unit.name,
        "period": period,
        "number": m.task.number,
        "text": m.task.text,
        "deadline": m.task.deadline.isoformat() if m.task.deadline else (m.task.deadline_text or "—"),
    }
    return mail.EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, connection=connection)


def _leader_message(m: Missing, to: list[str], connection) -> mail.EmailMessage:
    periods = "、".join(period_label(m.task.schedule, p) for p in reversed(m.missed))
    subject = _("【催报升级】%(unit)s 连续 %(n)d 期未填报任务进展") % {
        "unit": m.unit.name,
        "n": len(m.missed),
    }
    body = _(
        "%(leader)s：\n\n您分管的 %(unit)s 牵头的以下任务连续 %(n)d 期（%(periods)s）未填报进展，"
        "已催报未果，请督促。\n\n%(number)s. %(text)s\n"
    ) % {
        "leader": m.unit.leader.name,
        "unit": m.unit.name,
        "n": len(m.missed),
        "periods": periods,
        "number": m.task.number,
        "text": m.task.text,
    }
    return mail.EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to, connection=connection)


def run_reminders(send: bool, out: TextIO, today: date | None = None) -> int:
    """List the missing reports; with send=True, email units once and escalate to their leaders.
    Returns 0, or 1 when an email could not be sent (the rest are still sent)."""
    today = today or timezone.localdate()
    missing = find_missing(today)
    if not missing:
        out.write(_("没有需要催报的任务。") + "\n")
        return 0
    if not send:
        for m in missing:
            note = ""
            if m.escalate:
                note = "  " + _("（连续 %(n)d 期未报，发送时将升级至分管领导）") % {"n": len(m.missed)}
            out.write(m.line() + note + "\n")
        out.write(_("共 %(n)d 条催报（仅列出，未发送；加 --send 发送）。") % {"n": len(missing)} + "\n")
        return 0

    to_unit, to_leader = _addresses(missing)
    sent = {
        (r.unit_id, r.task_id, r.period): r
        for r in Reminder.objects.filter(period__in={m.period for m in missing})
    }
    failed = 0
    counts = {"unit": 0, "leader": 0}
    with mail.get_connection() as connection:
        for m in missing:
            notes = []
            reminder = sent.get((m.unit.pk, m.task.pk, m.period))
            if reminder is not None and reminder.sent_at is not None:
                notes.append(_("此前已发送"))
            elif not (to := to_unit.get(m.unit.pk)):
                notes.append(_("单位无邮箱，未发送"))
                if reminder is None:
                    # kept without a send time, so a unit nobody can reach is still escalated, and
                    # still reminded once it has an address
                    reminder, _created = Reminder.objects.get_or_create(
                        unit=m.unit, task=m.task, period=m.period, defaults={"sent_at": None}
                    )
            else:
                try:
                    # the row is written before the email goes and rolled back if it fails, so a
                    # second run (or a concurrent one, through the unique constraint) never resends
                    with transaction.atomic():
                        if reminder is None:
                            reminder = Reminder.objects.create(
                                unit=m.unit, task=m.task, period=m.period, sent_at=timezone.now()
                            )
                        elif not Reminder.objects.filter(pk=reminder.pk, sent_at__isnull=True).update(
                            sent_at=timezone.now()
                        ):
                            raise IntegrityError("sent by a concurrent run")
                        _unit_message(m, to, connection).send()
                except IntegrityError:
                    reminder = None
                    notes.append(_("此前已发送"))
                except Exception as e:  # one bad address or a dropped connection must not stop the rest
                    reminder = None
                    failed += 1
                    notes.append(_("发送失败：%(error)s") % {"error": e})
                else:
                    counts["unit"] += 1
                    notes.append(_("已发送"))
            if m.escalate and reminder is not None and not reminder.escalated:
                if not m.unit.leader_id:
                    notes.append(_("单位未设分管领导，未升级"))
                elif not (to := to_leader.get(m.unit.leader_id)):
                    notes.append(_("分管领导无邮箱，未升级"))
                else:
                    try:
                        with transaction.atomic():
                            claimed = Reminder.objects.filter(pk=reminder.pk, escalated=False).update(
                                escalated=True
                            )
                            if claimed:
                                _leader_message(m, to, connection).send()
                    except Exception as e:
                        failed += 1
                        notes.append(_("升级邮件发送失败：%(error)s") % {"error": e})
                    else:
                        if claimed:
                            counts["leader"] += 1
                            notes.append(_("已升级至 %(leader)s") % {"leader": m.unit.leader.name})
            out.write(m.line() + "  [" + "；".join(notes) + "]\n")
    out.write(
        _("共 %(n)d 条催报：发送 %(unit)d 封，升级 %(leader)d 封。")
        % {"n": len(missing), "unit": counts["unit"], "leader": counts["leader"]}
        + "\n"
    )
    return 1 if failed else 0
