"""Forms of the import and review pages. They check what a browser can get wrong (size, dates,
unknown unit names); the parser and the services check the rest."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.fields import DayField
from luoshi.ledger.forms import deadline_years
from luoshi.ledger.models import Output, Task
from luoshi.org.models import Leader, Region, Unit
from luoshi.org.services import match_unit, suggest_units
from luoshi.parsing.read import MAX_BYTES, InputRefused

# how people separate several unit names in one box: 县教育局、县卫健局 / 教育局,卫健局 / 教育局 卫健局
UNIT_SEPARATORS = re.compile(r"[、，,；;\s]+")
# one output a line: 名称｜目标 (a full- or half-width bar, or a tab), or just 新建高标准农田3.2万亩
_OUTPUT_SEPARATOR = re.compile(r"\s*[｜|\t]\s*")
_FIRST_NUMBER = re.compile(r"\d+(?:\.\d+)?")


_SAVE_AS = gettext_lazy("请在 Word 或 WPS 中另存为 .docx 或 .txt 后再导入。")
# the parser's reasons (parsing/read.py) in words; its own message is Chinese with English in brackets
_REFUSALS = {
    "empty": gettext_lazy("%(name)s：文件是空的，没有文字。"),
    "binary": gettext_lazy("%(name)s：这不是文本文件。"),
    "encoding": gettext_lazy("%(name)s：无法识别文字编码，请保存为 UTF-8 或 GB18030 文本。"),
    "legacy": gettext_lazy("%(name)s：不支持%(kind)s。"),
    "invalid_docx": gettext_lazy("%(name)s：不是有效的 .docx 文件。"),
    "too_large": gettext_lazy("%(name)s：文件超过 %(mb)s MB。"),
    "unreadable": gettext_lazy("%(name)s：无法读取文件。"),
}
_NEEDS_SAVE_AS = {"binary", "legacy", "invalid_docx"}
_KINDS = {
    ".doc": gettext_lazy("旧版 Word 文档（.doc）"),
    ".wps": gettext_lazy("WPS 文档（.wps）"),
    ".pdf": gettext_lazy("PDF 文件"),
    ".rtf": gettext_lazy("RTF 文件"),
}


def refusal_message(exc: InputRefused) -> str:
    """Why a file was refused, in the reader's language."""
    template = _REFUSALS.get(exc.reason)
    if template is None:
        return str(exc)  # refused by luoshi itself, in the reader's language already
    params = {**exc.params}
    if "kind" in params:
        params["kind"] = _KINDS.get(params["kind"], params["kind"])
    message = str(template) % params
    return f"{message}{_SAVE_AS}" if exc.reason in _NEEDS_SAVE_AS else message


class ImportForm(forms.Form):
    region = forms.ModelChoiceField(
        label=gettext_lazy("地区"), queryset=Region.objects.none(), empty_label=None
    )
    file = forms.FileField(
        allow_empty_file=True,  # the parser says an empty file is empty, in its own words
        label=gettext_lazy("讲话或工作报告"),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx"}),
    )

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        # formatted per request, so the help text follows the reader's language
        self.fields["file"].help_text = _("支持 .txt（UTF-8 或 GB18030）和 .docx，不超过 %(mb)d MB。") % {
            "mb": MAX_BYTES // 1024 // 1024
        }
        only = list(regions[:2])
        self.only_region = only[0] if len(only) == 1 else None
        if self.only_region is not None:
            # one county: nothing to choose, so the field is neither shown nor required to be sent
            self.fields["region"].required = False
            self.fields["region"].widget = forms.HiddenInput()

    def clean_region(self) -> Region | None:
        region = self.cleaned_data.get("region") or self.only_region
        if region is None:
            raise forms.ValidationError(_("请选择地区。"))
        return region

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        # the same limit and wording as the parser's, checked before the upload is read into memory
        if upload.size > MAX_BYTES:
            refused = InputRefused("", "too_large", name=upload.name, mb=MAX_BYTES // 1024 // 1024)
            raise forms.ValidationError(refusal_message(refused))
        return upload


class TaskRowForm(forms.Form):
    """One row of the review table. Units are typed names (full, short or alias, as in speeches),
    matched to the region's register on save; a name that matches nothing is an error with suggestions."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=gettext_lazy("任务内容"), max_length=4000, widget=forms.Textarea)
    lead = forms.CharField(label=gettext_lazy("牵头单位"), required=False, max_length=80)
    cooperating = forms.CharField(label=gettext_lazy("配合单位"), required=False, max_length=800)
    leader = forms.ModelChoiceField(
        label=gettext_lazy("责任领导"), queryset=Leader.objects.none(), required=False
    )
    deadline = DayField(label=gettext_lazy("完成时限"), required=False)
    tier = forms.ChoiceField(label=gettext_lazy("类别"), choices=Task.Tier.choices)
    outputs = forms.CharField(label=gettext_lazy("量化指标"), required=False, widget=forms.Textarea)

    def __init__(
        self,
        *args: Any,
        region: Region,
        leaders: QuerySet[Leader],
        index: dict[str, Unit],
        year: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].years = deadline_years(year)
        self.region = region
        self.index = index
        self.fields["leader"].queryset = leaders

    def clean_text(self) -> str:
        return self.cleaned_data["text"].strip()

    def _unit(self, name: str) -> Unit:
        unit = match_unit(self.region, name, self.index)
        if unit is None:
            near = "、".join(str(u) for u in suggest_units(self.region, name, limit=4))
            message = _("找不到单位“%(name)s”。") % {"name": name}
            if near:
                message += _("您是不是要找：%(near)s") % {"near": near}
            raise forms.ValidationError(message)
        return unit

    def clean_lead(self) -> Unit | None:
        name = self.cleaned_data["lead"].strip()
        return self._unit(name) if name else None

    def clean_cooperating(self) -> list[Unit]:
        units: list[Unit] = []
        errors: list[forms.ValidationError] = []
        for name in UNIT_SEPARATORS.split(self.cleaned_data["cooperating"]):
            if not name:
                continue
            try:
                unit = self._unit(name)
            except forms.ValidationError as exc:
                errors.append(exc)
                continue
            if unit not in units:
                units.append(unit)
        if errors:
            raise forms.ValidationError(errors)
        return units

    def clean_outputs(self) -> list[dict[str, Any]]:
        rows = []
        for line in self.cleaned_data["outputs"].splitlines():
            line = line.strip()
            if line:
                rows.append(parse_output(line))
        for row in rows:
            if len(row["name"]) > 120 or len(row["goal"]) > 60:
                raise forms.ValidationError(_("量化指标太长：%(line)s") % {"line": row["name"]})
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lead = data.get("lead")
        if lead and lead in data.get("cooperating", []):
            # one unit cannot both lead and help; keeping it as lead is what the office meant
            data["cooperating"] = [u for u in data["cooperating"] if u != lead]
        return data


def parse_output(line: str) -> dict[str, Any]:
    """`名称｜3.2万亩` or `新建高标准农田3.2万亩` → name, goal, unit, goal_value."""
    parts = _OUTPUT_SEPARATOR.split(line, maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1]:
        name, goal = parts
    else:
        number = _FIRST_NUMBER.search(line)
        if number and number.start() > 0:
            name, goal = line[: number.start()], line[number.start() :]
        else:
            name, goal = line, ""
    number = _FIRST_NUMBER.search(goal)
    value = float(number.group()) if number else None
    unit = goal[number.end() :].strip()[:20] if number else ""
    return {"name": name.strip(), "goal": goal.strip(), "unit": unit, "goal_value": value}


def output_lines(outputs: list[Output]) -> str:
    return "\n".join(f"{o.name}｜{o.goal}" if o.goal else o.name for o in outputs)


class SplitForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    at = forms.IntegerField(label=gettext_lazy("拆分位置（第几个字之后）"), min_value=1)
