"""Report periods: months and quarters as the curator names them."""
from __future__ import annotations

from datetime import date

import pytest

from app.services.errors import ValidationError
from app.services.periods import month_bounds, quarter_bounds, quarter_period


def test_month_bounds_know_february_of_a_leap_year() -> None:
    assert month_bounds(2028, 2) == (date(2028, 2, 1), date(2028, 2, 29))
    assert month_bounds(2026, 2) == (date(2026, 2, 1), date(2026, 2, 28))


@pytest.mark.parametrize("text", ["2026-4", "2026-Q4", "2026-IV", " 2026-iv "])
def test_fourth_quarter_in_any_spelling(text: str) -> None:
    assert quarter_period(text) == (date(2026, 10, 1), date(2026, 12, 31))


def test_first_quarter() -> None:
    assert quarter_bounds(2027, 1) == (date(2027, 1, 1), date(2027, 3, 31))


@pytest.mark.parametrize("text", ["2026-5", "2026", "IV квартал", "26-4", ""])
def test_wrong_quarter_is_refused_in_russian(text: str) -> None:
    with pytest.raises(ValidationError, match="ГГГГ-К"):
        quarter_period(text)


def test_quarter_number_out_of_range() -> None:
    with pytest.raises(ValidationError, match="от 1 до 4"):
        quarter_bounds(2026, 0)
