"""Progress reports (调度/填报): a unit's periodic report on a task, with figures and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from luoshi.ledger.models import Assignment, Output, Task
from luoshi.org.models import Unit


class ReportQuerySet(models.QuerySet):
    def standing(self) -> ReportQuerySet:
        """The reports that count for their task: not returned by the office, and filed by the
        task's lead unit (by any of its units while it has none). Only these move a task's figures,
        and only these make a period "reported" for the warning rule."""
        leads = Assignment.objects.filter(task_id=OuterRef("task_id"), role=Assignment.Role.LEAD)
        return self.exclude(status=ProgressReport.Status.RETURNED).filter(
            Exists(leads.filter(unit_id=OuterRef("unit_id"))) | ~Exists(leads)
        )


class ProgressReport(models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        ACCEPTED = "accepted", _("已采纳")
        RETURNED = "returned", _("已退回")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    period = models.DateField(_("报告期"))  # first day of the month (or week) reported on
    text = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"))
    done = models.BooleanField(_("已完成"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("填报时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("进展填报")
        verbose_name_plural = _("进展填报")
        ordering = ["-submitted_at", "-id"]
        indexes = [models.Index(fields=["task", "period"]), models.Index(fields=["unit", "period"])]


class ReportValue(models.Model):
    """The value a report gives for one measurable output of its task."""

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="values")
    output = models.ForeignKey(Output, on_delete=models.CASCADE, related_name="values")
    value = models.FloatField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "output"], name="one_value_per_output")]


class Attachment(models.Model):
    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="reports/%Y/%m/")
    name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100, blank=True)


class WorkbookPreview(models.Model):
    """The valid rows of an uploaded workbook, kept until its unit confirms them. Confirming deletes
    the row, and only the request whose delete took it applies the rows: two clicks, one save."""

    token = models.CharField(max_length=40, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    rows = models.JSONField()
    created_at = models.DateTimeField()
