"""Sub-commands about working time: `calendar YEAR`, `calendar-import FILE` and `due START`.

Every command works on the database chosen by ``--db`` (stored calendar years and the work
schedule override the bundled production calendar), so it opens it through ``app.cli.common.open_db``.
"""
from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.common import administrator_unless_empty, open_db, out, program_name
from app.services.errors import DomainError
from app.services.production_calendar import (
    MONTHS_GENITIVE,
    MONTHS_NOMINATIVE,
    YearCalendar,
    is_public_holiday_date,
)

if TYPE_CHECKING:
    from app.services.worktime import WorkCalendar

__all__ = [
    "SOURCE_LABELS",
    "cmd_calendar",
    "cmd_calendar_import",
    "cmd_due",
    "format_days",
    "format_hours",
    "parse_duration",
    "parse_start",
    "register",
    "year_summary",
]

#: How the user sees where a year's calendar came from.
SOURCE_LABELS: dict[str, str] = {
    "bundled": "встроенный",
    "imported": "импортирован",
    "edited": "изменён администратором",
    "derived": "выведен по правилам",
}
NEEDS_CHECK = "требует проверки"
YEAR_RANGE = (1900, 2100)
NORM_WEEKS: tuple[int, ...] = (40, 36, 24)
_WEEKDAYS_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
_ONE_DAY = timedelta(days=1)


# ------------------------------------------------------------------------------ formatting
def format_hours(value: float | Fraction | int) -> str:
    """1972 → «1972», 1774.4 → «1774,4» (Russian decimal comma, at most two decimals)."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return (text or "0").replace(".", ",")


def _day(d: date, with_year: bool = False) -> str:
    text = f"{d.day} {MONTHS_GENITIVE[d.month - 1]}"
    return f"{text} {d.year}" if with_year else text


def _day_range(first: date, last: date, with_year: bool = False) -> str:
    if first == last:
        return _day(first, with_year)
    if first.year == last.year and first.month == last.month:
        tail = f" {last.year}" if with_year else ""
        return f"{first.day}–{last.day} {MONTHS_GENITIVE[last.month - 1]}{tail}"
    return f"{_day(first, with_year)} – {_day(last, with_year)}"


def format_days(
    days: Sequence[date],
    *,
    ranges: bool = False,
    note: Callable[[date], str] | None = None,
) -> str:
    """«30 апреля, 8 мая, 11 июня, 3 ноября»; with ``ranges`` runs of days become «1–8 января».

    ``note`` adds a parenthesised remark after a single day («1 ноября (сб)»); «нет» if empty.
    """
    items = sorted(days)
    if not items:
        return "нет"
    if not ranges:
        parts = []
        for d in items:
            remark = note(d) if note else ""
            parts.append(f"{_day(d)} ({remark})" if remark else _day(d))
        return ", ".join(parts)
    groups: list[list[date]] = [[items[0]]]
    for d in items[1:]:
        if d - groups[-1][-1] == _ONE_DAY:
            groups[-1].append(d)
        else:
            groups.append([d])
    return ", ".join(_day_range(g[0], g[-1]) for g in groups)


def source_label(cal: YearCalendar) -> str:
    """«встроенный», «импортирован», «изменён администратором», «выведен по правилам — …»."""
    label = SOURCE_LABELS.get(cal.source, cal.source)
    return f"{label} — {NEEDS_CHECK}" if cal.needs_confirmation else label


def year_summary(cal: YearCalendar) -> list[str]:
    """The Russian summary of one year of the production calendar, line by line."""
    weekend_workdays = cal.working_saturdays

    def weekend_note(d: date) -> str:
        remark = _WEEKDAYS_SHORT[d.weekday()]
        return f"{remark}, сокращённый" if cal.is_shortened_day(d) else remark

    lines = [
        f"Производственный календарь на {cal.year} год (пятидневная рабочая неделя)",
        f"Источник: {source_label(cal)}",
        f"Рабочих дней: {cal.working_days_count()}",
        f"Выходных и нерабочих праздничных дней: {cal.non_working_days_count()}",
        f"Сокращённые предпраздничные дни (на 1 час): {len(cal.shortened)} — "
        f"{format_days(sorted(cal.shortened))}",
        f"Нерабочие праздничные дни: {format_days(cal.public_holidays, ranges=True)}",
        f"Выходные дни, перенесённые на будни: {format_days(cal.transferred_days_off)}",
        f"Рабочие субботы и воскресенья (перенос): "
        f"{format_days(weekend_workdays, note=weekend_note)}",
        "Норма рабочего времени:",
    ]
    for week in NORM_WEEKS:
        lines.append(f"  при {week}-часовой рабочей неделе — {format_hours(cal.norm_hours(week))} ч")
    lines.append("По месяцам (рабочих дней / выходных и праздничных / часов при 40-часовой неделе):")
    width = max(len(name) for name in MONTHS_NOMINATIVE)
    for month in range(1, 13):
        days = [d for d in cal.days() if d.month == month]
        working = [d for d in days if cal.is_working_day(d)]
        shortened = sum(1 for d in working if cal.is_shortened_day(d))
        hours = 8 * len(working) - shortened
        lines.append(
            f"  {MONTHS_NOMINATIVE[month - 1]:<{width}}  {len(working):>2} / "
            f"{len(days) - len(working):>2} / {hours:>3}"
        )
    if cal.needs_confirmation:
        lines.append(
            "Календарь этого года не подтверждён официальной публикацией: сверьте его с "
            "производственным календарём Минтруда и импортируйте официальный файл командой "
            f"«{program_name()} calendar-import ФАЙЛ»"
        )
    return lines


# ------------------------------------------------------------------------------ parsing input
_RU_MOMENT = re.compile(
    r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?"
)


def parse_start(text: str) -> datetime:
    """ISO «2025-10-31T16:00» (an offset allowed) or Russian «31.10.2025 16:00».

    A moment without an offset is the administration's local time.  A date alone means 00:00.
    Raises :class:`DomainError` with a Russian message.
    """
    raw = text.strip()
    problem = (
        f"Не удалось разобрать момент начала «{text}»: укажите дату и время "
        "как 2025-10-31T16:00 или 31.10.2025 16:00"
    )
    m = _RU_MOMENT.fullmatch(raw)
    try:
        if m is not None:
            day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
            hour = int(m.group(4) or 0)
            minute = int(m.group(5) or 0)
            second = int(m.group(6) or 0)
            moment = datetime(year, month, day, hour, minute, second)
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?", raw):
            moment = datetime.fromisoformat(raw)
        else:
            raise DomainError(problem)
    except ValueError:
        raise DomainError(problem) from None
    if not (YEAR_RANGE[0] <= moment.year <= YEAR_RANGE[1]):
        raise DomainError(
            f"Год {moment.year} вне допустимого диапазона {YEAR_RANGE[0]}–{YEAR_RANGE[1]}"
        )
    return moment


def _number(text: str, what: str) -> Fraction:
    cleaned = text.strip().replace(",", ".")
    if not re.fullmatch(r"[-+]?\d+(?:\.\d+)?", cleaned):
        raise DomainError(f"{what}: «{text}» — не число")
    return Fraction(cleaned)


def parse_duration(hours: str | None, minutes: str | None) -> timedelta | None:
    """The working time asked for by ``--hours`` or ``--minutes`` (whole minutes), or None."""
    if hours is not None:
        total = _number(hours, "Число часов") * 60
        what = "Число часов"
    elif minutes is not None:
        total = _number(minutes, "Число минут")
        what = "Число минут"
    else:
        return None
    if total.denominator != 1:
        raise DomainError(f"{what}: срок задаётся с точностью до минуты")
    return timedelta(minutes=int(total))


def _parse_days(text: str) -> int:
    if not re.fullmatch(r"\s*\+?\d+\s*", text):
        raise DomainError(f"Число рабочих дней: «{text}» — нужно целое положительное число")
    value = int(text)
    if value < 1:
        raise DomainError("Число рабочих дней должно быть не меньше 1")
    return value


def _parse_year(text: str) -> int:
    if not re.fullmatch(r"\s*\d{1,4}\s*", text):
        raise DomainError(f"Год «{text}» не является целым числом")
    year = int(text)
    if not (YEAR_RANGE[0] <= year <= YEAR_RANGE[1]):
        raise DomainError(f"Год {year} вне допустимого диапазона {YEAR_RANGE[0]}–{YEAR_RANGE[1]}")
    return year


def _iso_minutes(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M")


# ------------------------------------------------------------------------------ commands
def cmd_calendar(args: argparse.Namespace) -> int:
    """`calendar YEAR`: the year's production calendar as this database defines it."""
    from app.services import calendar_store

    year = _parse_year(args.year)
    open_db(args)
    try:
        cal = calendar_store.year_calendar(year)
    except ValueError as exc:
        raise DomainError(f"Календарь на {year} год недоступен: {exc}") from None
    for line in year_summary(cal):
        out(line)
    return 0


def cmd_calendar_import(args: argparse.Namespace) -> int:
    """`calendar-import FILE`: store every year of the official CSV, or none on any error."""
    from app.services import calendar_store

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DomainError(f"Файл «{path}» не найден") from None
    except IsADirectoryError:
        raise DomainError(f"«{path}» — это папка, а не файл календаря") from None
    except OSError as exc:
        raise DomainError(f"Не удалось прочитать файл «{path}»: {exc.strerror or exc}") from None
    open_db(args)
    actor = administrator_unless_empty(args, "Импорт производственного календаря")
    stored_before = calendar_store.stored_years()
    years = calendar_store.import_official_csv(data, actor.user_id if actor else None)
    out(f"Производственный календарь импортирован из «{path.name}»: "
         f"{', '.join(map(str, years))}")
    for year in years:
        cal = calendar_store.year_calendar(year)
        before = stored_before.get(year)
        if before is None:
            change = "раньше использовался встроенный или выведенный календарь"
        else:
            diff = before.differences(cal)
            change = (f"изменено дней против прежнего: {len(diff)}" if diff
                      else "дни совпадают с прежним")
        out(f"  {year}: рабочих дней {cal.working_days_count()}, норма при 40-часовой неделе "
             f"{format_hours(cal.norm_hours(40))} ч; {change}")
    return 0


def _days_explanation(wc: WorkCalendar, start: datetime, n: int, due: datetime) -> list[str]:
    """Which days `add_working_days` counted: runs of counted days and of skipped ones."""
    local = start if start.tzinfo is None else start.astimezone(wc.tz).replace(tzinfo=None)
    due_local = due if due.tzinfo is None else due.astimezone(wc.tz).replace(tzinfo=None)
    with_year = local.year != due_local.year
    lines = [
        f"Отсчёт с {local:%d.%m.%Y %H:%M} ({_WEEKDAYS_SHORT[local.weekday()]}); рабочие дни "
        "считаются со следующего дня (ст. 191 ГК РФ), срок — конец последнего из них"
    ]
    # runs: (kind, first day, last day, first number, last number)
    runs: list[list[object]] = []
    counted = 0
    d = local.date()
    while d < due_local.date():
        d += _ONE_DAY
        works = bool(wc.working_intervals(d))
        if works:
            counted += 1
            kind = "work"
        elif wc.is_working_day(d):
            kind = "no_hours"
        elif is_public_holiday_date(d):
            kind = "holiday"
        elif d.weekday() >= 5:
            kind = "weekend"
        else:
            kind = "moved"
        off_kinds = ("holiday", "weekend", "moved")
        if runs and (runs[-1][0] == kind or (kind in off_kinds and runs[-1][0] in off_kinds)):
            run = runs[-1]
            run[2] = d
            run[4] = counted
            if kind != run[0]:
                run[0] = "holiday" if "holiday" in (kind, run[0]) else "moved"
        else:
            runs.append([kind, d, d, counted, counted])
    for kind, first, last, a, b in runs:
        assert isinstance(first, date) and isinstance(last, date)
        span = _day_range(first, last, with_year)
        single = first == last
        if kind == "work":
            numbers = f"{a}" if a == b else f"{a}–{b}"
            label = "рабочий день" if single else "рабочие дни"
            shortened = [x for x in _dates(first, last) if wc.is_shortened_day(x)]
            extra = ""
            if shortened and single:
                extra = " (сокращённый предпраздничный)"
            elif shortened:
                extra = f" (сокращённый предпраздничный: {format_days(shortened)})"
            lines.append(f"{span} — {label} № {numbers}{extra}")
        elif kind == "no_hours":
            lines.append(f"{span} — нет рабочих часов по графику, "
                         f"{'не считается' if single else 'не считаются'}")
        elif kind == "holiday":
            label = "нерабочий праздничный день" if single else "нерабочие праздничные и выходные дни"
            lines.append(f"{span} — {label}, не считается" if single else f"{span} — {label}, не считаются")
        elif kind == "weekend":
            lines.append(f"{span} — выходной, не считается" if single
                         else f"{span} — выходные, не считаются")
        else:
            lines.append(f"{span} — выходной день (перенос), не считается" if single
                         else f"{span} — выходные дни (с переносом), не считаются")
    lines.append(f"Срок: {due_local:%d.%m.%Y %H:%M} — конец {n}-го рабочего дня")
    return lines


def _dates(first: date, last: date) -> list[date]:
    result = []
    d = first
    while d <= last:
        result.append(d)
        d += _ONE_DAY
    return result


def cmd_due(args: argparse.Namespace) -> int:
    """`due START`: when a step started at START is due, and why."""
    from app.services import calendar_store, settings

    start = parse_start(args.start if args.time is None else f"{args.start} {args.time}")
    delta = parse_duration(args.hours, args.minutes)
    days = _parse_days(args.days) if args.days is not None else None
    open_db(args)
    wc = calendar_store.current_calendar()
    if delta is None and days is None:
        delta = timedelta(minutes=settings.limits().answer)
    try:
        if days is not None:
            due = wc.add_working_days(start, days)
            lines = _days_explanation(wc, start, days, due)
        else:
            assert delta is not None
            due = wc.add_working_time(start, delta)
            lines = wc.explain(start, delta)
    except ValueError as exc:
        raise DomainError(f"Срок не вычислен: {exc}") from None
    if due.tzinfo is not None:
        due = due.astimezone(wc.tz).replace(tzinfo=None)
    out(_iso_minutes(due))
    for line in lines:
        out(line)
    return 0


# ------------------------------------------------------------------------------ the parser
def register(sub: argparse._SubParsersAction) -> None:
    """Add `calendar`, `calendar-import` and `due` to the program's sub-commands."""
    cal = sub.add_parser(
        "calendar",
        help="производственный календарь года: рабочие, праздничные и сокращённые дни, нормы часов",
        description="Сводка производственного календаря года в том виде, в каком его использует "
        "база данных: сохранённый (импортированный или изменённый администратором), иначе "
        "встроенный, иначе выведенный по правилам (такой требует проверки).",
    )
    cal.add_argument("year", metavar="ГОД", help="год, например 2026")
    cal.set_defaults(func=cmd_calendar)

    imp = sub.add_parser(
        "calendar-import",
        help="загрузить официальный производственный календарь (CSV открытых данных) в базу",
        description="Импорт производственного календаря в формате открытых данных (CSV): "
        "сохраняются все годы файла или, при любой ошибке, ни один; ошибка называет строку файла.",
    )
    imp.add_argument("file", metavar="ФАЙЛ", help="CSV-файл (UTF-8 или Windows-1251)")
    imp.set_defaults(func=cmd_calendar_import)

    due = sub.add_parser(
        "due",
        help="когда наступит срок: рабочее время от момента начала с объяснением расчёта",
        description="Срок в рабочем времени администрации (график и производственный календарь "
        "базы данных). Первая строка — срок в виде 2025-11-01T16:00, далее объяснение. "
        "Без --hours, --minutes и --days — срок ответа по п. 9 регламента.",
    )
    due.add_argument("start", metavar="НАЧАЛО",
                     help="момент начала: 2025-10-31T16:00 или «31.10.2025 16:00» "
                     "(местное время администрации, если не указан часовой пояс)")
    due.add_argument("time", metavar="ВРЕМЯ", nargs="?",
                     help="время, если оно написано после даты через пробел без кавычек: "
                     "31.10.2025 16:00")
    amount = due.add_mutually_exclusive_group()
    amount.add_argument("--hours", metavar="Ч", help="рабочих часов (можно дробное: 1,5)")
    amount.add_argument("--minutes", metavar="МИН", help="рабочих минут")
    amount.add_argument("--days", metavar="ДНИ",
                        help="рабочих дней (срок — конец последнего рабочего дня, п. 18)")
    due.set_defaults(func=cmd_due)
