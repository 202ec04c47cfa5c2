"""The report's period: its label, the period before it to compare with, and its bounds in UTC.

No database and no Excel here: the command line, the dialog and :mod:`.figures` all name and
check a period the same way.

A period that is not over when the report is made (its last day is today or later) is
«running»: it is named «по состоянию на 5 декабря» and compared with the same days of the
period before it (1–5 November for December), not with the whole of it.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from babel.dates import format_date

from app.services.errors import ValidationError
from app.services.worktime import WorkCalendar

_QUARTERS = ("I", "II", "III", "IV")


def month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _whole_months(start: date, end: date) -> int | None:
    """How many whole calendar months the period is, or None if it is not made of them."""
    if start.day != 1 or end != month_end(end):
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def period_label(start: date, end: date) -> str:
    """«ноябрь 2026 г.», «IV квартал 2026 г.», «2026 г.» or «01.10.2026 — 15.10.2026»."""
    months = _whole_months(start, end)
    if months == 1:
        return f"{format_date(start, 'LLLL y', locale='ru')} г."
    if months == 3 and start.month % 3 == 1:
        return f"{_QUARTERS[start.month // 3]} квартал {start.year} г."
    if months == 12 and start.month == 1:
        return f"{start.year} г."
    if start == end:
        return f"{start:%d.%m.%Y}"
    return f"{start:%d.%m.%Y} — {end:%d.%m.%Y}"


def _day_month(d: date) -> str:
    return format_date(d, "d MMMM", locale="ru")


def span_label(start: date, end: date) -> str:
    """Like :func:`period_label`, but days within one month read «1–5 декабря 2026 г.»."""
    if _whole_months(start, end) is not None or (start.year, start.month) != (end.year, end.month):
        return period_label(start, end)
    if start == end:
        return f"{_day_month(start)} {start.year} г."
    return f"{start.day}–{_day_month(end)} {end.year} г."


def period_phrase(start: date, end: date) -> str:
    """What follows «за» in a title: «ноябрь 2026 г.», «IV квартал 2026 г.», «период с 01.11.2026 по 15.11.2026»."""
    label = period_label(start, end)
    if start != end and label == f"{start:%d.%m.%Y} — {end:%d.%m.%Y}":
        return f"период с {start:%d.%m.%Y} по {end:%d.%m.%Y}"
    return label


def as_of_words(day: date) -> str:
    """«по состоянию на 5 декабря»: the last day a running period's figures cover."""
    return f"по состоянию на {_day_month(day)}"


def is_running(start: date, end: date, today: date) -> bool:
    """The period is not over on ``today``: it has begun and its last day is today or later."""
    return start <= today <= end


def comparison_period(start: date, end: date, today: date) -> tuple[date, date]:
    """The period the report compares with: the period before, or, for a running period, the same
    days of it (1–5 November for December on 5 December; a shorter month ends at its last day)."""
    prev_start, prev_end = previous_period(start, end)
    if not is_running(start, end, today):
        return prev_start, prev_end
    months = _whole_months(start, end)
    if months is not None:
        index = (today.year - start.year) * 12 + today.month - start.month  # months into the period
        shifted = prev_start.year * 12 + prev_start.month - 1 + index
        year, month = divmod(shifted, 12)
        last_day = month_end(date(year, month + 1, 1)).day
        return prev_start, min(prev_end, date(year, month + 1, min(today.day, last_day)))
    return prev_start, min(prev_end, prev_start + (today - start))


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before: the previous month(s) for whole months."""
    months = _whole_months(start, end)
    if months is not None:
        index = start.year * 12 + start.month - 1 - months
        prev_start = date(index // 12, index % 12 + 1, 1)
        return prev_start, start - timedelta(days=1)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def month_period(text: str) -> tuple[date, date]:
    """«2026-11» → 1 and 30 November 2026; a Russian error for anything else."""
    raw = text.strip()
    try:
        year_text, month_text = raw.split("-")
        year, month = int(year_text), int(month_text)
        if len(year_text) != 4 or not 1 <= month <= 12:
            raise ValueError
        start = date(year, month, 1)
    except ValueError:
        raise ValidationError(f"Месяц «{text}» указан неверно: нужен вид ГГГГ-ММ, например 2026-11") from None
    return start, month_end(start)


def check_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationError(f"Начало периода {start:%d.%m.%Y} позже его конца {end:%d.%m.%Y}")
    if (end - start).days > 366 * 5:
        raise ValidationError("Период отчёта длиннее пяти лет: выберите период короче")


def bounds(start: date, end: date, cal: WorkCalendar) -> tuple[datetime, datetime]:
    """The period's local dates as UTC moments [from, to)."""
    tz = cal.tz
    first = datetime.combine(start, time(0), tzinfo=tz).astimezone(timezone.utc)
    after = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz).astimezone(timezone.utc)
    return first, after
