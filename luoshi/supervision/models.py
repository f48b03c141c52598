"""Supervision: notices to lagging units (督办单), their replies, leaders' instructions (批示), reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.ledger.models import Task
from luoshi.org.models import Region, Unit


class SupervisionNotice(models.Model):
    class Level(models.TextChoices):
        BLUE = "blue", _("蓝色提醒")
        YELLOW = "yellow", _("黄色督办")
        RED = "red", _("红色督办")

    class Status(models.TextChoices):
        OPEN = "open", _("待回复")
        REPLIED = "replied", _("已回复")
        CLOSED = "closed", _("已办结")
        ESCALATED = "escalated", _("已升级")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="notices")
    number = models.CharField(_("编号"), max_length=40)
    unit = models.ForeignKey(
        Unit, verbose_name=_("督办单位"), on_delete=models.PROTECT, related_name="notices"
    )
    tasks = models.ManyToManyField(Task, verbose_name=_("涉及任务"), related_name="notices")
    level = models.CharField(_("等级"), max_length=10, choices=Level.choices)
    body = models.TextField(_("督办事项"))
    reply_due = models.DateField(_("回复期限"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("下发时间"))
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        ordering = ["-issued_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["region", "number"], name="notice_unique_number")]


class NoticeReply(models.Model):
    notice = models.ForeignKey(SupervisionNotice, on_delete=models.CASCADE, related_name="replies")
    text = models.TextField(_("回复内容"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]


class Instruction(models.Model):
    """A leader's instruction (批示) on a task, shown to its units."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="instructions")
    text = models.TextField(_("批示内容"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-id"]


class Reminder(models.Model):
    """A reminder sent to a unit for a missing report; two missed periods escalate to its leader."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="reminders")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reminders")
    period = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)  # None: the unit had no address
    escalated = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "task", "period"], name="one_reminder_per_period")
        ]
