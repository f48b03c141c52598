"""Form fields shared by the apps' forms."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from luoshi.ids import parse_id

# how offices write a day, besides the ISO form a date input sends
DAY_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of objects that refuses a value no key can have before looking it up."""

    def _check_values(self, value: Any) -> Any:
        for pk in value:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class DayField(forms.DateField):
    """A day typed as 2025-06-30, 2025/6/30 or 2025年6月30日, within a window of years when one is
    set (`years`): a deadline of 1900 or 9999 is a typing slip, not a plan."""

    def __init__(self, *args: Any, years: tuple[int, int] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DAY_FORMATS)
        kwargs.setdefault(
            "error_messages", {"invalid": gettext_lazy("日期格式不对，请写成 2025-06-30 或 2025年6月30日。")}
        )
        super().__init__(*args, **kwargs)
        self.years = years

    def validate(self, value: date | None) -> None:
        super().validate(value)
        if value is not None and self.years is not None and not self.years[0] <= value.year <= self.years[1]:
            raise ValidationError(
                _("日期应在 %(low)d 年到 %(high)d 年之间。") % {"low": self.years[0], "high": self.years[1]}
            )
