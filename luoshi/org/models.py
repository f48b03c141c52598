"""Regions, the unit register with aliases, leaders, users and their one role."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """A county (县/旗/区), or a city holding counties. Every record belongs to one county."""

    class Kind(models.TextChoices):
        COUNTY = "county", _("县（旗、区）")
        CITY = "city", _("市（盟）")

    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.COUNTY)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("地区")
        verbose_name_plural = _("地区")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A department, township or enterprise that leads or helps with tasks; not a login account."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("部门")
        TOWNSHIP = "township", _("乡镇（街道）")
        ENTERPRISE = "enterprise", _("企业")
        OTHER = "other", _("其他")

    region = models.ForeignKey(Region, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("全称"), max_length=80)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.DEPARTMENT)
    leader = models.ForeignKey(
        "Leader",
        verbose_name=_("分管领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
    )
    email = models.EmailField(_("联系邮箱"), blank=True)
    active = models.BooleanField(_("在用"), default=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["region", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region")]

    def __str__(self) -> str:
        return self.short_name or self.name


class UnitAlias(models.Model):
    """Another way the unit is written in speeches: 旗发改委, 发改委, 发改局 → 发展和改革委员会."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases")
    alias = models.CharField(_("别名"), max_length=80)

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        constraints = [models.UniqueConstraint(fields=["unit", "alias"], name="alias_unique_per_unit")]
        indexes = [models.Index(fields=["alias"])]

    def __str__(self) -> str:
        return self.alias


class Leader(models.Model):
    """A responsible leader (责任领导): a person with a title, who may also have a login."""

    region = models.ForeignKey(
        Region, verbose_name=_("地区"), on_delete=models.PROTECT, related_name="leaders"
    )
    name = models.CharField(_("姓名"), max_length=40)
    title = models.CharField(_("职务"), max_length=60, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)

    class Meta:
        verbose_name = _("领导")
        verbose_name_plural = _("领导")
        ordering = ["region", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.title}）" if self.title else self.name


class User(AbstractUser):
    """A login with exactly one role in one region."""

    class Role(models.TextChoices):
        OFFICE = "office", _("督查室")
        UNIT = "unit", _("责任单位")
        LEADER = "leader", _("领导")

    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.UNIT)
    region = models.ForeignKey(
        Region, verbose_name=_("地区"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    leader = models.ForeignKey(
        Leader, verbose_name=_("领导"), null=True, blank=True, on_delete=models.SET_NULL, related_name="users"
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def is_office(self) -> bool:
        return self.role == self.Role.OFFICE

    @property
    def is_unit(self) -> bool:
        return self.role == self.Role.UNIT

    @property
    def is_leader(self) -> bool:
        return self.role == self.Role.LEADER


class ApiToken(models.Model):
    """A token for the JSON API; only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=60, blank=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        key = secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, digest=cls.hash(key)), key
