"""Russian words for numbers, durations and moments (Babel's plural rules and date formats)."""
from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from babel import Locale
from babel.dates import format_datetime
from babel.numbers import format_percent

RU = Locale("ru")

HOURS = ("час", "часа", "часов")
MINUTES = ("минута", "минуты", "минут")
WORKING_HOURS = ("рабочий час", "рабочих часа", "рабочих часов")
WORKING_MINUTES = ("рабочая минута", "рабочие минуты", "рабочих минут")
DAYS = ("день", "дня", "дней")
WORKING_DAYS = ("рабочий день", "рабочих дня", "рабочих дней")
INCIDENTS = ("инцидент", "инцидента", "инцидентов")


def plural(n: int, forms: tuple[str, str, str]) -> str:
    """«1 час», «2 часа», «5 часов» by the CLDR rule for Russian."""
    category = RU.plural_form(abs(n))
    word = {"one": forms[0], "few": forms[1]}.get(category, forms[2])
    return f"{n} {word}"


def percent(share: float) -> str:
    """«95,3 %» — a share as Russians write it (one decimal)."""
    return format_percent(share, "#,##0.0 %", locale=RU)


def duration(value: timedelta, *, working: bool = True) -> str:
    """«2 рабочих часа 15 минут», «45 минут», «0 минут»; the sign is dropped."""
    total = int(abs(value).total_seconds() // 60)
    hours, minutes = divmod(total, 60)
    parts = []
    if hours:
        parts.append(plural(hours, WORKING_HOURS if working else HOURS))
    if minutes or not hours:
        parts.append(plural(minutes, MINUTES))
    return " ".join(parts)


def time_left(value: timedelta, *, overdue: bool = False) -> str:
    """«осталось 2 рабочих часа 15 минут» or «просрочено на 40 минут».

    ``overdue``: the due moment has passed although no working time has gone by since (a step due
    on Friday at 18:00, seen on Saturday, or one whose window was gone before it began) — «срок
    истёк», never «осталось 0 минут».
    """
    if value < timedelta(0):
        return f"просрочено на {duration(value)}"
    if overdue:
        return "срок истёк"
    total = int(value.total_seconds() // 60)
    hours, minutes = divmod(total, 60)
    leading, masculine = (hours, True) if hours else (minutes, False)
    # the verb agrees with the first number: «остался 1 час», «осталась 1 минута», «осталось 5 минут»
    if RU.plural_form(leading) == "one":
        verb = "остался" if masculine else "осталась"
    else:
        verb = "осталось"
    return f"{verb} {duration(value)}"


def moment(value: datetime, tz: tzinfo, *, with_year: bool = True) -> str:
    """«24 ноября 2026 г., 14:30» in the administration's zone."""
    local = value.astimezone(tz)
    pattern = "d MMMM y 'г.', HH:mm" if with_year else "d MMMM, HH:mm"
    return format_datetime(local, pattern, locale=RU)


def short_moment(value: datetime, tz: tzinfo) -> str:
    """«24.11.2026 14:30»."""
    return value.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def zone_words(tz: tzinfo) -> str:
    """The zone as a reader says it: «московское время», else «время Asia/Yekaterinburg (UTC+05:00)»."""
    key = getattr(tz, "key", "") or str(tz)
    if key in ("Europe/Moscow", "W-SU"):
        return "московское время"
    offset = datetime.now(tz).strftime("%z")
    return f"время {key} (UTC{offset[:3]}:{offset[3:]})" if offset else f"время {key}"
