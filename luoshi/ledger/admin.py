"""Django admin for the ledger: a superuser's tool for repairs. Changes made here bump the task's
version (so an open edit form is refused) and are written to the audit trail like any other edit."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import F
from django.forms import ModelForm
from django.http import HttpRequest

from luoshi.ledger.models import Assignment, AuditEntry, Output, Plan, Project, Target, Task
from luoshi.ledger.services import audit


class SuperuserOnly:
    """Not scoped to a region, so shown to superusers only, whatever permissions a user was given."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    raw_id_fields = ["unit"]


class OutputInline(admin.TabularInline):
    model = Output
    extra = 0
    fields = ["name", "goal", "unit", "goal_value", "current_value"]


@admin.register(Plan)
class PlanAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["title", "region", "year", "status", "created_at", "published_at"]
    list_filter = ["region", "status", "year"]
    search_fields = ["title", "source_name"]
    readonly_fields = ["created_by", "created_at", "published_at", "published_by"]


@admin.register(Task)
class TaskAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["number", "short_text", "plan", "region", "deadline", "status", "progress", "colour"]
    list_filter = ["region", "colour", "status", "schedule", "tier"]
    search_fields = ["text"]
    list_select_related = ["plan", "region"]
    raw_id_fields = ["plan", "section", "leader"]
    filter_horizontal = ["projects", "targets"]
    readonly_fields = ["version", "last_report_at", "colour", "colour_reason", "created_at", "updated_at"]
    inlines = [AssignmentInline, OutputInline]

    @admin.display(description="任务内容")
    def short_text(self, task: Task) -> str:
        return task.text[:40]

    def save_model(self, request: HttpRequest, obj: Task, form: ModelForm, change: bool) -> None:
        before = Task.objects.filter(pk=obj.pk).first() if change else None
        if change:
            obj.version = F("version") + 1
        super().save_model(request, obj, form, change)
        obj.refresh_from_db()
        changes: dict[str, Any] = {
            name: [_plain(getattr(before, name, None)), _plain(getattr(obj, name))]
            for name in form.changed_data
            if name not in ("projects", "targets")
        }
        if changes or not change:
            audit(obj, request.user, "admin", "task", obj.pk, changes)

    def save_formset(self, request: HttpRequest, form: ModelForm, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.has_changed():
            what = "units" if formset.model is Assignment else "outputs"
            audit(
                form.instance,
                request.user,
                "admin",
                formset.model.__name__.lower(),
                form.instance.pk,
                {what: "changed"},
            )


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


@admin.register(Target)
class TargetAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["indicator", "measure", "value", "unit", "period", "actual_value", "plan"]
    list_filter = ["plan__region", "measure", "period"]
    search_fields = ["indicator", "text"]
    list_select_related = ["plan"]


@admin.register(Project)
class ProjectAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["name", "stage", "total_investment", "annual_investment", "completed_investment", "plan"]
    list_filter = ["plan__region", "stage"]
    search_fields = ["name", "secretary"]
    list_select_related = ["plan"]
    raw_id_fields = ["plan", "contact_leader"]


@admin.register(AuditEntry)
class AuditEntryAdmin(SuperuserOnly, admin.ModelAdmin):
    """Read only: the trail is never edited, not even by a superuser."""

    list_display = ["at", "region", "actor", "action", "subject", "subject_id", "task"]
    list_filter = ["region", "action", "subject"]
    list_select_related = ["region", "actor", "task"]
    raw_id_fields = ["task"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
