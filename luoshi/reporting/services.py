"""Submitting and reviewing progress reports: the unit files, the office accepts or returns."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from luoshi.ledger.models import Output, Task
from luoshi.ledger.services import NotAllowed, audit, refresh_colour
from luoshi.org.access import can_manage, tasks_for
from luoshi.org.models import User
from luoshi.reporting.models import Attachment, ProgressReport, ReportValue, WorkbookPreview
from luoshi.supervision.warnings import first_period, period_start, previous_period

# no output of a county's task counts past a trillion (of 元, 亩, 人…): a larger figure is a typo
MAX_VALUE = 1e12

# The first bytes each allowed type must start with, so a program renamed to .pdf is refused too.
# .txt has no signature; it only has to be text, checked below.
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}


@dataclass
class ReportInput:
    text: str
    percent: int | None  # None: no new figure, the progress stays as it stands
    values: dict[int, float]  # output id → value
    done: bool = False


def check_attachment(upload: UploadedFile) -> None:
    """Refuse a file of a type not allowed, too large, or whose content is not what its name says."""
    suffix = Path(upload.name or "").suffix.lower()
    if suffix not in settings.LUOSHI_ATTACHMENT_TYPES:
        raise NotAllowed(
            _("附件类型 %(suffix)s 不允许，只接受 %(allowed)s。")
            % {"suffix": suffix or "?", "allowed": " ".join(settings.LUOSHI_ATTACHMENT_TYPES)}
        )
    if upload.size > settings.LUOSHI_ATTACHMENT_MAX_BYTES:
        raise NotAllowed(
            _("附件 %(name)s 超过 %(max)s。")
            % {"name": upload.name, "max": filesizeformat(settings.LUOSHI_ATTACHMENT_MAX_BYTES)}
        )
    upload.seek(0)
    head = upload.read(512)
    upload.seek(0)
    signatures = _SIGNATURES.get(suffix)
    looks_wrong = (signatures is not None and not head.startswith(signatures)) or (
        suffix == ".txt" and b"\x00" in head
    )
    if looks_wrong:
        raise NotAllowed(
            _("附件 %(name)s 的内容与扩展名 %(suffix)s 不符，请上传原始文件。")
            % {"name": upload.name, "suffix": suffix}
        )


def report_periods(task: Task, today: date | None = None) -> list[date]:
    """The periods a unit may report on today: this one, and the last one (a late report); none
    before the first period of the task's plan year."""
    today = today or timezone.localdate()
    first = first_period(task.schedule, task.plan.year)
    return [
        p for p in (period_start(task.schedule, today), previous_period(task.schedule, today)) if p >= first
    ]


@transaction.atomic
def submit_report(
    task: Task, actor: User, data: ReportInput, files: list[UploadedFile] = (), period: date | None = None
) -> ProgressReport:
    """A unit reports on a task it leads or helps with. Checked, stored whole or not at all.

    Every report is stored and audited; the task's progress, status and output values follow its
    standing report (`settle_figures`), so a cooperating unit reporting on its share cannot overwrite
    the lead's figures or close the task, and a late report for an earlier period cannot undo a
    newer one. `data.percent` None keeps the progress the task has when the report lands."""
    roles = dict(task.assignments.values_list("unit_id", "role")) if actor.is_unit and actor.unit_id else {}
    if actor.unit_id not in roles:
        raise NotAllowed(_("只能填报本单位承担的任务。"))
    if data.percent is not None and not 0 <= data.percent <= 100:
        raise NotAllowed(_("完成进度应在 0 到 100 之间。"))
    if not data.text.strip():
        raise NotAllowed(_("请填写进展情况。"))
    for upload in files:
        check_attachment(upload)
    names = (
        dict(Output.objects.filter(task=task, pk__in=data.values).values_list("pk", "name"))
        if data.values
        else {}
    )
    if set(data.values) - set(names):
        raise NotAllowed(_("指标不属于该任务。"))
    if any(not math.isfinite(v) or abs(v) > MAX_VALUE for v in data.values.values()):
        raise NotAllowed(_("指标数值超出合理范围，请核对后重填。"))
    periods = report_periods(task)
    if not periods:
        raise NotAllowed(
            _("该任务属于 %(year)d 年计划，%(year)d 年起才能填报进展。") % {"year": task.plan.year}
        )
    if period is not None and period not in periods:
        raise NotAllowed(_("只能填报本期或上一期的进展。"))
    # one report at a time per task, so the figures are settled from every report that stands
    task = Task.objects.select_for_update().get(pk=task.pk)
    now = timezone.now()
    report = ProgressReport.objects.create(
        task=task,
        unit_id=actor.unit_id,
        period=period or period_start(task.schedule, timezone.localdate()),
        text=data.text.strip(),
        percent=task.progress if data.percent is None else data.percent,
        done=data.done,
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
    Task.objects.filter(pk=task.pk).update(last_report_at=now, updated_at=now, version=F("version") + 1)
    changed = settle_figures(task)
    audit(
        task,
        actor,
        "submit",
        "report",
        report.pk,
        {
            "percent": report.percent,
            "period": report.period.isoformat(),
            "done": data.done,
            "values": {names[pk]: v for pk, v in data.values.items()},
            "files": [f.name for f in files],
            **changed,
        },
    )
    task.refresh_from_db()
    refresh_colour(task)
    return report


def settle_figures(task: Task, undo_done: bool = False) -> dict[str, list]:
    """Set the task's progress, status and output values from its standing reports; returns what
    changed, for the audit. The latest period's standing report gives progress and status (the
    latest filed, within a period); each output takes the latest standing value given for it.
    `undo_done`: a report that declared the task done was returned, so "done" no longer stands
    unless another standing report says so. The caller holds the task's row lock."""
    standing = ProgressReport.objects.filter(task=task).standing()
    latest = standing.order_by("-period", "-submitted_at", "-id").first()
    status = task.status
    if latest is not None and latest.done:
        status = Task.Status.DONE
    elif status == Task.Status.DONE and undo_done:
        status = Task.Status.IN_PROGRESS if latest is not None else Task.Status.NOT_STARTED
    elif status == Task.Status.NOT_STARTED and latest is not None:
        status = Task.Status.IN_PROGRESS
    progress = latest.percent if latest is not None else 0
    changed: dict[str, list] = {}
    if progress != task.progress:
        changed["progress"] = [task.progress, progress]
    if status != task.status:
        changed["status"] = [task.status, status]
    if changed:
        Task.objects.filter(pk=task.pk).update(progress=progress, status=status, updated_at=timezone.now())
    values: dict[int, float] = {}
    for output_id, value in (
        ReportValue.objects.filter(report__in=standing)
        .order_by("report__period", "report__submitted_at", "report_id")
        .values_list("output_id", "value")
    ):
        values[output_id] = value
    # in output id order, so two reports on one task never lock the same rows in opposite orders
    for output in Output.objects.filter(task=task).order_by("pk"):
        value = values.get(output.pk)
        if value != output.current_value:
            Output.objects.filter(pk=output.pk).update(current_value=value)
            changed.setdefault("figures", []).append([output.name, output.current_value, value])
    return changed


@transaction.atomic
def review_report(report: ProgressReport, actor: User, accept: bool, comment: str = "") -> ProgressReport:
    """The office accepts a report, or returns it with a comment. A returned report counts as
    missing, and the task's figures fall back to the reports that still stand."""
    if not can_manage(actor):
        raise NotAllowed(_("只有督查室可以审核填报。"))
    task = Task.objects.select_for_update().get(pk=report.task_id)
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
    changed = {} if accept else settle_figures(task, undo_done=current.done)
    audit(
        task, actor, "accept" if accept else "return", "report", current.pk, {"comment": comment, **changed}
    )
    task.refresh_from_db()
    refresh_colour(task)
    return current


# a preview not confirmed within a day is stale: the tasks may have moved on since
PREVIEW_LIFETIME = timedelta(days=1)


@transaction.atomic
def stash_preview(actor: User, name: str, rows: list[dict]) -> WorkbookPreview:
    """Keep an uploaded workbook's valid rows until the unit confirms; a unit has one preview at a
    time, so a new upload replaces the one before."""
    WorkbookPreview.objects.filter(user=actor).delete()
    return WorkbookPreview.objects.create(
        token=secrets.token_urlsafe(24), user=actor, name=name[:200], rows=rows, created_at=timezone.now()
    )


def take_preview(actor: User, token: str) -> list[dict] | None:
    """The rows of the actor's preview named by `token`, taken once: of two confirms at the same
    moment only the one whose delete removed the row gets them. None when it is gone or stale."""
    preview = WorkbookPreview.objects.filter(user=actor, token=token).first() if token else None
    if preview is None or not WorkbookPreview.objects.filter(pk=preview.pk).delete()[0]:
        return None
    if preview.created_at < timezone.now() - PREVIEW_LIFETIME:
        return None
    return preview.rows


def submit_rows(actor: User, rows: list[dict]) -> tuple[int, list[str]]:
    """Apply the confirmed rows of an uploaded workbook (`excel.Preview.payload()`): one report and
    one transaction per row, so a row refused now (the task was reassigned since the preview) costs
    only that row. Returns the number saved and a message per refused row."""
    tasks = tasks_for(actor).in_bulk([r["task_id"] for r in rows])
    saved, refused = 0, []
    for row in rows:
        task = tasks.get(row["task_id"])
        try:
            if task is None:
                raise NotAllowed(_("只能填报本单位承担的任务。"))
            data = ReportInput(
                text=row["text"],
                percent=row["percent"],
                values={int(v["output_id"]): float(v["new"]) for v in row["values"]},
                done=bool(row["done"]),
            )
            submit_report(task, actor, data)
            saved += 1
        except NotAllowed as e:
            refused.append(_("第 %(row)d 行：%(message)s") % {"row": row["row"], "message": e})
    return saved, refused
