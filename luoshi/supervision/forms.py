"""Forms for notices (督办单), replies and leaders' instructions (批示). Choices always come from the
user's scoped querysets, so a unit or task outside the user's region cannot even be submitted."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from luoshi.fields import DayField, IdsChoiceField
from luoshi.ledger.models import Task
from luoshi.org.access import tasks_for, units_for
from luoshi.org.models import User
from luoshi.supervision.models import SupervisionNotice


class TaskChoices(IdsChoiceField):
    def label_from_instance(self, task: Task) -> str:
        text = task.text if len(task.text) <= 40 else task.text[:40] + "…"
        return f"{task.plan.year} · {task.number}. {text}"


MAX_REPLY_WAIT = timedelta(days=366)


class NoticeForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("督办单位"), queryset=None)
    tasks = TaskChoices(label=_("涉及任务"), queryset=None)
    level = forms.ChoiceField(label=_("等级"), choices=SupervisionNotice.Level.choices)
    body = forms.CharField(label=_("督办事项"), widget=forms.Textarea(attrs={"rows": 5}))
    # an <input type="date"> takes ISO dates only, whatever the language's date format
    reply_due = DayField(
        label=_("回复期限"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        units = units_for(user).filter(active=True).select_related("region")
        self.fields["unit"].queryset = units
        if user.region and user.region.kind == user.region.Kind.CITY:
            # a city's office works across counties: say which county each unit is in
            self.fields["unit"].label_from_instance = lambda u: f"{u.region.name} · {u}"
        self.fields["tasks"].queryset = (
            tasks_for(user).select_related("plan").only("pk", "number", "text", "plan__year")
        ).order_by("plan__year", "plan_id", "number")
        self.fields["tasks"].widget.attrs["size"] = 12
        if not self.is_bound and "reply_due" not in self.initial:
            self.initial["reply_due"] = timezone.localdate() + timedelta(days=7)

    def clean_reply_due(self):
        due = self.cleaned_data["reply_due"]
        if due < timezone.localdate():
            raise forms.ValidationError(_("回复期限不能早于今天。"))
        if due > timezone.localdate() + MAX_REPLY_WAIT:
            raise forms.ValidationError(_("回复期限不能晚于一年之后。"))
        return due


class NoticeFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部"))] + SupervisionNotice.Status.choices
    )
    level = forms.ChoiceField(
        label=_("等级"), required=False, choices=[("", _("全部"))] + SupervisionNotice.Level.choices
    )


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("回复内容"), widget=forms.Textarea(attrs={"rows": 4}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    """Close or escalate: only the version the office saw, so a stale page is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class InstructionForm(forms.Form):
    text = forms.CharField(label=_("批示内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
