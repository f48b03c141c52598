"""Forms of the reporting pages: the report form a unit fills in on a phone, the workbook upload and
the office's review."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.ledger.models import Output, Task
from luoshi.ledger.services import NotAllowed
from luoshi.reporting.excel import MAX_UPLOAD_BYTES
from luoshi.reporting.services import ReportInput, check_attachment
from luoshi.supervision.warnings import period_label

MAX_ATTACHMENTS = 10


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>; cleans to a list (empty when none)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class ReportForm(forms.Form):
    # left out, the report is for the current period
    period = forms.TypedChoiceField(
        label=gettext_lazy("报告期"), coerce=date.fromisoformat, required=False, empty_value=None
    )
    text = forms.CharField(
        label=gettext_lazy("进展情况"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "style": "width:100%"}),
    )
    percent = forms.IntegerField(
        label=gettext_lazy("完成进度（%）"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0, "max": 100, "step": 1}),
    )
    done = forms.BooleanField(label=gettext_lazy("已完成"), required=False)
    attachments = MultipleFileField(label=gettext_lazy("附件"), required=False)

    def __init__(
        self,
        *args: Any,
        task: Task,
        outputs: Sequence[Output],
        periods: Sequence[date],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.outputs = list(outputs)
        self.fields["period"].choices = [(p.isoformat(), period_label(task.schedule, p)) for p in periods]
        self.fields["attachments"].widget.attrs["accept"] = ",".join(settings.LUOSHI_ATTACHMENT_TYPES)
        for output in self.outputs:
            self.fields[self.value_field(output)] = forms.FloatField(
                label=output.name,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
            )

    @staticmethod
    def value_field(output: Output) -> str:
        return f"value_{output.pk}"

    def value_fields(self) -> list[tuple[Output, forms.BoundField]]:
        return [(o, self[self.value_field(o)]) for o in self.outputs]

    def clean_attachments(self) -> list[UploadedFile]:
        files = self.cleaned_data.get("attachments") or []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("一次最多上传 %(n)d 个附件。") % {"n": MAX_ATTACHMENTS})
        problems = []
        for upload in files:
            try:
                check_attachment(upload)
            except NotAllowed as e:
                problems.append(str(e))
        if problems:
            raise forms.ValidationError(problems)
        return files

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("done"):
            data["percent"] = 100  # 已完成 means all of it
        return data

    def report_input(self) -> ReportInput:
        data = self.cleaned_data
        values = {}
        for output in self.outputs:
            value = data.get(self.value_field(output))
            if value is not None:
                values[output.pk] = value
        return ReportInput(text=data["text"], percent=data["percent"], values=values, done=data["done"])


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("填好的任务表（xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("文件过大（超过 5 MB），请上传从本页下载的任务表。"))
        return upload


class ReviewForm(forms.Form):
    action = forms.ChoiceField(choices=[("accept", "accept"), ("return", "return")])
    comment = forms.CharField(max_length=500, required=False)
