"""Shared form fields: days as offices type them, within a plausible window; ids no key can hold."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from luoshi.fields import DayField


@pytest.mark.parametrize("typed", ["2025-06-30", "2025/6/30", "2025.06.30", "2025年6月30日"])
def test_it_reads_a_day_as_offices_write_it(typed: str) -> None:
    assert DayField().clean(typed) == date(2025, 6, 30)


@pytest.mark.parametrize("typed", ["1900-01-01", "9999-12-31", "2036-01-01"])
def test_it_refuses_a_day_outside_its_years_with_the_window_in_the_message(typed: str) -> None:
    with pytest.raises(ValidationError, match="2024 年到 2035 年之间"):
        DayField(years=(2024, 2035)).clean(typed)


def test_it_says_how_to_write_a_day_it_cannot_read() -> None:
    with pytest.raises(ValidationError, match="2025年6月30日"):
        DayField().clean("六月底")
