"""Report periods: a month or a quarter as the first and last day, with Russian errors."""
from __future__ import annotations

import calendar
import re
from datetime import date

from app.services.errors import ValidationError

__all__ = ["month_bounds", "quarter_bounds", "quarter_period"]


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """The first and the last day of a calendar month."""
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first and the last day of quarter 1–4 of ``year``."""
    if not 1 <= quarter <= 4:
        raise ValidationError(f"Квартала {quarter} не бывает: нужен номер от 1 до 4")
    first_month = 3 * (quarter - 1) + 1
    return date(year, first_month, 1), month_bounds(year, first_month + 2)[1]


def quarter_period(text: str) -> tuple[date, date]:
    """«2026-4» (or «2026-Q4», «2026-IV») → 1 October and 31 December 2026."""
    raw = text.strip().upper()
    roman = {"I": 1, "II": 2, "III": 3, "IV": 4}
    m = re.fullmatch(r"(\d{4})-(?:Q|К)?([1-4]|IV|I{1,3})", raw)
    if m is None:
        raise ValidationError(f"Квартал «{text}» указан неверно: нужен вид ГГГГ-К, например 2026-4")
    number = m.group(2)
    return quarter_bounds(int(m.group(1)), roman.get(number) or int(number))
