"""Submitting and reviewing progress reports: the unit files, the office accepts or returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.ledger.models import Output, Task
from luoshi.ledger.services import NotAllowed, audit, refresh_colour
from luoshi.org.models import User
from luoshi.reporting.models import Attachment, ProgressReport, ReportValue
from luoshi.supervision.warnings import period_start


@dataclass
class ReportInput:
    text: str
    percent: int
    values: dict[int, float]  # output id → value
    done: bool = False


def check_attachment(upload: UploadedFile) -> None:
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in settings.LUOSHI_ATTACHMENT_TYPES:
        raise NotAllowed(
            _("附件类型 %(suffix)s 不允许，只接受 %(allowed)s。")
            % {"suffix": suffix or "?", "allowed": " ".join(settings.LUOSHI_ATTACHMENT_TYPES)}
        )
    if upload.size > settings.LUOSHI_ATTACHMENT_MAX_BYTES:
        raise NotAllowed(
            _("附件 %(name)s 超过 %(mb)d MB。")
            % {"name": upload.name, "mb": settings.LUOSHI_ATTACHMENT_MAX_BYTES // 1024 // 1024}
        )


@transaction.atomic
def submit_report(
    task: Task, actor: User, data: ReportInput, files: list[UploadedFile] = (), period: date | None = None
) -> ProgressReport:
    """A unit reports on a task it leads or helps with. Checked, stored whole or not at all."""
    if not (actor.is_unit and actor.unit_id and task.assignments.filter(unit_id=actor.unit_id).exists()):
        raise NotAllowed(_("只能填报本单位承担的任务。"))
    if not 0 <= data.percent <= 100:
        raise NotAllowed(_("完成进度应在 0 到 100 之间。"))
    if not data.text.strip():
        raise NotAllowed(_("请填写进展情况。"))
    for upload in files:
        check_attachment(upload)
    outputs = {o.pk: o for o in Output.objects.filter(task=task, pk__in=data.values)}
    if set(data.values) - set(outputs):
        raise NotAllowed(_("指标不属于该任务。"))
    now = timezone.now()
    report = ProgressReport.objects.create(
        task=task,
        unit_id=actor.unit_id,
        period=period or period_start(task.schedule, timezone.localdate()),
        text=data.text.strip(),
        percent=data.percent,
        submitted_by=actor,
        submitted_at=now,
    )
    ReportValue.objects.bulk_create(
        ReportValue(report=report, output_id=k, value=v) for k, v in data.values.items()
    )
    for upload in files:
        Attachment.objects.create(
            report=report,
            file=upload,
            name=upload.name[:200],
            size=upload.size,
            content_type=(upload.content_type or "")[:100],
        )
    # the lead unit's latest figures stand until the office says otherwise
    fields = {"last_report_at": now, "progress": data.percent, "version": F("version") + 1}
    if data.done:
        fields["status"] = Task.Status.DONE
    elif task.status == Task.Status.NOT_STARTED:
        fields["status"] = Task.Status.IN_PROGRESS
    Task.objects.filter(pk=task.pk).update(**fields)
    for output_id, value in data.values.items():
        Output.objects.filter(pk=output_id).update(current_value=value)
    audit(
        task,
        actor,
        "submit",
        "report",
        report.pk,
        {"percent": data.percent, "period": report.period.isoformat(), "files": [f.name for f in files]},
    )
    task.refresh_from_db()
    refresh_colour(task)
    return report


@transaction.atomic
def review_report(report: ProgressReport, actor: User, accept: bool, comment: str = "") -> ProgressReport:
    """The office accepts a report, or returns it with a comment; a returned report counts as missing."""
    if not (actor.is_office or actor.is_superuser):
        raise NotAllowed(_("只有督查室可以审核填报。"))
    current = ProgressReport.objects.select_for_update().get(pk=report.pk)
    if current.status != ProgressReport.Status.SUBMITTED:
        raise NotAllowed(_("该填报已审核。"))
    if not accept and not comment.strip():
        raise NotAllowed(_("退回时请填写意见。"))
    current.status = ProgressReport.Status.ACCEPTED if accept else ProgressReport.Status.RETURNED
    current.reviewed_by, current.reviewed_at, current.review_comment = (
        actor,
        timezone.now(),
        comment.strip()[:500],
    )
    current.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment"])
    audit(current.task, actor, "accept" if accept else "return", "report", current.pk, {"comment": comment})
    refresh_colour(current.task)
    return current
