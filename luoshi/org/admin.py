"""The Django admin for the organisation register: regions, units with their aliases, leaders, users
and API tokens.

A county office given staff rights keeps its own register here, so every list and every choice is
scoped to the user's region (a city's office sees its counties) exactly as the pages are; only a
superuser without a region sees the whole deployment.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Prefetch, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from luoshi.org.access import region_ids
from luoshi.org.models import ApiToken, Leader, Region, Unit, UnitAlias, User

admin.site.site_header = _("落实 · 管理后台")
admin.site.site_title = _("落实")
admin.site.index_title = _("单位名册与账号")


def _scoped(request: HttpRequest) -> list[int] | None:
    """The region ids the admin user may see, or None for everything (a superuser without region)."""
    user = request.user
    if user.is_superuser and user.region_id is None:
        return None
    return region_ids(user)


# the region filter offers only the regions of the rows listed, which are the user's own
REGION_FILTER = ("region", admin.RelatedOnlyFieldListFilter)


class RegionScoped:
    """Lists and foreign-key choices limited to the user's regions through `region_path`."""

    region_path = "region"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        qs = super().get_queryset(request)
        ids = _scoped(request)
        return qs if ids is None else qs.filter(**{f"{self.region_path}__in": ids})

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        ids = _scoped(request)
        if ids is not None:
            if db_field.related_model is Region:
                kwargs["queryset"] = Region.objects.filter(pk__in=ids)
            elif db_field.related_model in (Unit, Leader):
                kwargs["queryset"] = db_field.related_model.objects.filter(region_id__in=ids)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Region)
class RegionAdmin(RegionScoped, admin.ModelAdmin):
    region_path = "pk"
    list_display = ("name", "kind", "parent")
    list_filter = ("kind",)
    search_fields = ("name",)
    list_select_related = ("parent",)


class AliasFormSet(forms.BaseInlineFormSet):
    """An alias may name only one unit of the county: matching a speech's 发改局 to two units
    would assign the task to whichever came first."""

    def clean(self) -> None:
        super().clean()
        unit = self.instance
        region = unit.region if unit.region_id else None
        own = {unit.name, unit.short_name} - {""}
        seen: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            alias = (form.cleaned_data.get("alias") or "").strip()
            if not alias:
                continue
            if alias in seen:
                form.add_error("alias", gettext("别名重复。"))
            seen.add(alias)
            if region is None or alias in own:
                continue
            other = (
                Unit.objects.filter(region=region)
                .exclude(pk=unit.pk)
                .filter(Q(name=alias) | Q(short_name=alias) | Q(aliases__alias=alias))
                .first()
            )
            if other is not None:
                form.add_error(
                    "alias", gettext("“%(alias)s”已用于 %(unit)s。") % {"alias": alias, "unit": other.name}
                )


class UnitAliasInline(admin.TabularInline):
    model = UnitAlias
    formset = AliasFormSet
    extra = 1


@admin.register(Unit)
class UnitAdmin(RegionScoped, admin.ModelAdmin):
    list_display = ("name", "short_name", "alias_list", "kind", "region", "leader", "active")
    list_filter = (REGION_FILTER, "kind", "active")
    search_fields = ("name", "short_name", "aliases__alias")
    list_select_related = ("region", "leader")
    inlines = (UnitAliasInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Unit]:
        # the alias column is read from one prefetch, not one query per row
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("aliases", queryset=UnitAlias.objects.order_by("id")))
        )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str):
        queryset, _may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # a unit with two matching aliases would be listed twice
        return queryset.distinct(), False

    @admin.display(description=_("别名"))
    def alias_list(self, unit: Unit) -> str:
        return "、".join(a.alias for a in unit.aliases.all())


@admin.register(Leader)
class LeaderAdmin(RegionScoped, admin.ModelAdmin):
    list_display = ("name", "title", "region", "email")
    list_filter = (REGION_FILTER,)
    search_fields = ("name", "title")
    list_select_related = ("region",)


class UserForm(forms.ModelForm):
    """A user's unit and leader must be of the user's region, and each role needs its link."""

    def clean(self) -> dict:
        data = super().clean()
        region, unit, leader, role = (data.get(k) for k in ("region", "unit", "leader", "role"))
        if unit and unit.region_id != getattr(region, "pk", None):
            self.add_error("unit", gettext("单位不属于该用户的地区。"))
        if leader and leader.region_id != getattr(region, "pk", None):
            self.add_error("leader", gettext("领导不属于该用户的地区。"))
        if role == User.Role.UNIT and not unit:
            self.add_error("unit", gettext("责任单位账号需要选择单位。"))
        if role and not region and not data.get("is_superuser"):
            self.add_error("region", gettext("请选择地区。"))
        return data


@admin.register(User)
class UserAdmin(RegionScoped, DjangoUserAdmin):
    form = type("UserChangeForm", (UserForm, DjangoUserAdmin.form), {})
    add_form = type("UserCreationForm", (UserForm, DjangoUserAdmin.add_form), {})
    list_display = ("username", "first_name", "role", "region", "unit", "leader", "is_active", "is_staff")
    list_filter = ("role", REGION_FILTER, "is_active", "is_staff")
    search_fields = ("username", "first_name", "last_name", "email", "unit__name", "unit__short_name")
    list_select_related = ("region", "unit", "leader")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("岗位"), {"fields": ("role", "region", "unit", "leader")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                # Django's own fields first (username, the password choice and the two passwords)
                "fields": (
                    *DjangoUserAdmin.add_fieldsets[0][1]["fields"],
                    "role",
                    "region",
                    "unit",
                    "leader",
                ),
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        qs = super().get_queryset(request)
        # an office with rights over users could otherwise reset a superuser's password
        return qs if request.user.is_superuser else qs.filter(is_superuser=False)

    def get_fieldsets(self, request: HttpRequest, obj: User | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        # only a superuser grants superuser or staff rights and permissions
        hidden = {"is_superuser", "is_staff", "groups", "user_permissions"}
        return [
            (name, {**opts, "fields": tuple(f for f in opts["fields"] if f not in hidden)})
            for name, opts in fieldsets
        ]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued where the key can be shown once; here they are listed and revoked only.
    The digest is read-only: the key itself is never stored."""

    list_display = ("user", "name", "created_at", "last_used_at")
    list_filter = ("created_at",)
    search_fields = ("user__username", "name")
    list_select_related = ("user",)
    readonly_fields = ("user", "digest", "created_at", "last_used_at")
    fields = ("user", "name", "digest", "created_at", "last_used_at")

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApiToken]:
        qs = super().get_queryset(request)
        ids = _scoped(request)
        return qs if ids is None else qs.filter(user__region_id__in=ids)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
