"""The year's ledger: a plan (from a speech or report) with its sections, targets, projects and tasks.

A plan starts as a draft made by the parser and becomes the ledger when the office publishes it.
Tasks carry the lead and cooperating units as assignments, so a unit's view is one indexed join.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from luoshi.org.models import Leader, Region, Unit


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("待审核")
        PUBLISHED = "published", _("已发布")

    region = models.ForeignKey(Region, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(_("标题"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年度"))
    source_name = models.CharField(_("来源文件"), max_length=200)
    source_text = models.TextField(_("原文"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("计划")
        verbose_name_plural = _("计划")
        ordering = ["-year", "-created_at"]

    def __str__(self) -> str:
        return self.title


class Section(models.Model):
    """A numbered part of the plan (一、… or （一）…); its role says what kind of part it is."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField()
    marker = models.CharField(max_length=10)
    title = models.CharField(max_length=300)
    role = models.CharField(max_length=20)
    order = models.PositiveIntegerField()
    source_start = models.PositiveIntegerField()
    source_end = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self) -> str:
        return f"{self.marker}{self.title}"


class Target(models.Model):
    """A goal for a statistical indicator (地区生产总值增长6%左右); its actual value is filled in later."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("指标"), max_length=120)
    measure = models.CharField(_("类型"), max_length=10)
    value = models.FloatField(_("目标值"), null=True, blank=True)
    placeholder = models.BooleanField(_("原文隐去"), default=False)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    qualifier = models.CharField(_("限定"), max_length=10, blank=True)
    period = models.CharField(_("期间"), max_length=20)
    text = models.CharField(_("原文"), max_length=300)
    source_start = models.PositiveIntegerField()
    source_end = models.PositiveIntegerField()
    actual_value = models.FloatField(_("完成值"), null=True, blank=True)

    class Meta:
        verbose_name = _("预期目标")
        verbose_name_plural = _("预期目标")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.text


class Project(models.Model):
    """A named investment project: stage, investments, contact leader and project secretary."""

    class Stage(models.TextChoices):
        PREPARING = "preparing", _("前期")
        BUILDING = "building", _("在建")
        COMPLETED = "completed", _("竣工")
        OPERATING = "operating", _("投运")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="projects")
    name = models.CharField(_("项目名称"), max_length=200)
    stage = models.CharField(_("阶段"), max_length=10, choices=Stage.choices, default=Stage.PREPARING)
    total_investment = models.DecimalField(
        _("总投资（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    annual_investment = models.DecimalField(
        _("年度计划投资（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    completed_investment = models.DecimalField(
        _("已完成投资（万元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    contact_leader = models.ForeignKey(
        Leader,
        verbose_name=_("联系领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    secretary = models.CharField(_("项目秘书"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("重点项目")
        verbose_name_plural = _("重点项目")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.name


class Task(models.Model):
    """One commitment of the plan: what, who leads and helps, which leader, by when, what to measure."""

    class Tier(models.TextChoices):
        MEASURABLE = "measurable", _("可量化")
        GENERAL = "general", _("一般")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("未启动")
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")

    class Schedule(models.TextChoices):
        MONTHLY = "monthly", _("每月")
        WEEKLY = "weekly", _("每周")

    class Colour(models.TextChoices):
        RED = "red", _("红")
        YELLOW = "yellow", _("黄")
        BLUE = "blue", _("蓝")
        GREEN = "green", _("绿")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    # the region is the plan's; kept here so every scoped query filters one indexed column
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="tasks")
    number = models.PositiveIntegerField(_("序号"))
    section = models.ForeignKey(
        Section,
        verbose_name=_("所属部分"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    text = models.TextField(_("任务内容"))
    source_start = models.PositiveIntegerField(null=True, blank=True)
    source_end = models.PositiveIntegerField(null=True, blank=True)
    tier = models.CharField(_("类别"), max_length=12, choices=Tier.choices, default=Tier.GENERAL)
    deadline = models.DateField(_("完成时限"), null=True, blank=True)
    deadline_text = models.CharField(_("时限原文"), max_length=60, blank=True)
    leader = models.ForeignKey(
        Leader,
        verbose_name=_("责任领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    schedule = models.CharField(
        _("调度频次"), max_length=10, choices=Schedule.choices, default=Schedule.MONTHLY
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    last_report_at = models.DateTimeField(_("最近填报"), null=True, blank=True)
    colour = models.CharField(_("预警"), max_length=8, choices=Colour.choices, default=Colour.GREEN)
    colour_reason = models.CharField(_("预警原因"), max_length=200, blank=True)
    projects = models.ManyToManyField(Project, blank=True, related_name="tasks")
    targets = models.ManyToManyField(Target, blank=True, related_name="tasks")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["plan", "number"]
        indexes = [
            models.Index(fields=["region", "colour"]),
            models.Index(fields=["region", "deadline"]),
            models.Index(fields=["plan", "number"]),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:40]}"

    @property
    def reason(self) -> str:
        """The warning's reason in the reader's language (the stored value is a code)."""
        from luoshi.supervision.warnings import describe

        return describe(self.colour_reason)


class Assignment(models.Model):
    """A unit's part in a task: the lead unit (牵头单位) or a cooperating unit (配合单位)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        COOPERATE = "cooperate", _("配合")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(max_length=10, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="assignment_unique_unit_per_task")
        ]
        indexes = [models.Index(fields=["unit", "role"])]


class Output(models.Model):
    """A measurable output of a task (新建高标准农田3.2万亩): its goal and the value reported so far."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="outputs")
    name = models.CharField(_("指标"), max_length=120)
    goal = models.CharField(_("目标"), max_length=60)
    unit = models.CharField(_("单位"), max_length=20, blank=True)
    goal_value = models.FloatField(_("目标值"), null=True, blank=True)
    current_value = models.FloatField(_("当前值"), null=True, blank=True)

    class Meta:
        ordering = ["task", "id"]

    def __str__(self) -> str:
        return f"{self.name} {self.goal}"


class AuditEntry(models.Model):
    """Who changed what, when: every write to tasks, assignments, reports and notices."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    # kept when its task goes (dropped from a draft, or a draft deleted): the trail outlives them
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="audit")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40)
    subject = models.CharField(max_length=40)  # task, assignment, report, notice, instruction, plan
    subject_id = models.PositiveBigIntegerField(null=True)
    changes = models.JSONField(default=dict)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["task", "at"])]
