"""The production calendar and work schedule as stored in the database.

Stored years (imported from the official CSV or edited day by day) override the bundled data;
the schedule lives in ``work_period``. Every PC on a shared database therefore computes the
same deadlines. ``current_calendar()`` returns a cached ``WorkCalendar`` and rebuilds it when
another PC (or this one) changed the calendar, the schedule or the time zone.
"""
from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Mapping, Sequence
from datetime import date, time
from functools import partial

from app.models import CalendarDay, CalendarYear, Setting, User, WorkPeriod, db
from app.models.base import utcnow
from app.models.enums import CalendarDayKind
from app.services import audit, settings, validation
from app.services.errors import ValidationError
from app.services.production_calendar import (
    CalendarImportError,
    YearCalendar,
    calendar_for_year,
    parse_official_csv_bytes,
)
from app.services.worktime import WorkCalendar, WorkSchedule

REVISION_KEY = "calendar_revision"
_cache_lock = threading.Lock()
_cache: dict[str, object] = {}


def calendar_revision() -> tuple[str, str]:
    """The calendar's revision token (changes with every change of days or schedule) and time zone."""
    # one query for both (none inside ``settings.snapshot()`` once the action has read them)
    values = settings.raw_values(REVISION_KEY, settings.TIMEZONE_KEY)
    zone = values.get(settings.TIMEZONE_KEY)
    return (values.get(REVISION_KEY, "0"), (json.loads(zone) if zone is not None else None)
            or settings.DEFAULT_TIMEZONE)


def _bump() -> None:
    # A fresh random token, not a counter: two PCs bumping at once, or a database emptied and
    # changed again, must never produce a revision that a cached calendar already carries.
    value = uuid.uuid4().hex
    settings.forget_snapshot()
    Setting.insert(key=REVISION_KEY, value=value).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value}).execute()
    from app.services import due_index  # every open clock moves with the calendar

    due_index.refresh_open()


def stored_years() -> dict[int, YearCalendar]:
    """Years kept in the database, as calendars."""
    result: dict[int, YearCalendar] = {}
    years = list(CalendarYear.select())
    if not years:
        return result
    days: dict[int, tuple[set[date], set[date]]] = {y.year: (set(), set()) for y in years}
    for row in CalendarDay.select(CalendarDay.day, CalendarDay.kind):
        bucket = days.get(row.day.year)
        if bucket is None:
            continue
        (bucket[0] if row.kind == CalendarDayKind.NON_WORKING else bucket[1]).add(row.day)
    for y in years:
        non_working, shortened = days[y.year]
        result[y.year] = YearCalendar(y.year, frozenset(non_working), frozenset(shortened),
                                      source=y.source, needs_confirmation=y.needs_confirmation)
    return result


def schedule() -> WorkSchedule:
    rows = list(WorkPeriod.select().order_by(WorkPeriod.weekday, WorkPeriod.starts))
    if not rows:
        return WorkSchedule()
    periods: dict[int, list[tuple[time, time]]] = {}
    for row in rows:
        periods.setdefault(row.weekday, []).append(
            (time.fromisoformat(row.starts), time.fromisoformat(row.ends)))
    return WorkSchedule.from_periods(periods)


def current_calendar() -> WorkCalendar:
    """The administration's working-time calendar, as this database defines it.

    Cached per open database and revision: a change made here or on another PC (which bumps
    the revision), a change of time zone or opening another database rebuilds it.
    """
    key = calendar_revision()
    database = db.obj
    with _cache_lock:
        if (_cache.get("database") is database and _cache.get("key") == key
                and "calendar" in _cache):
            return _cache["calendar"]  # type: ignore[return-value]
    calendar = WorkCalendar(schedule(), partial(calendar_for_year, overrides=stored_years()), tz=key[1])
    with _cache_lock:
        _cache["database"] = database
        _cache["key"] = key
        _cache["calendar"] = calendar
    return calendar


def year_calendar(year: int) -> YearCalendar:
    """The calendar of ``year``: stored in the database, else bundled, else derived."""
    try:
        return calendar_for_year(year, stored_years())
    except ValueError as exc:
        raise ValidationError(f"Календарь на {year} год недоступен: {exc}") from None


def _save_year(cal: YearCalendar) -> None:
    CalendarDay.delete().where(
        (CalendarDay.day >= date(cal.year, 1, 1)) & (CalendarDay.day <= date(cal.year, 12, 31))).execute()
    rows = [{"day": d, "kind": CalendarDayKind.NON_WORKING} for d in sorted(cal.non_working)]
    rows += [{"day": d, "kind": CalendarDayKind.SHORTENED} for d in sorted(cal.shortened)]
    for start in range(0, len(rows), 500):
        CalendarDay.insert_many(rows[start:start + 500]).execute()
    now = utcnow()
    CalendarYear.insert(year=cal.year, source=cal.source, needs_confirmation=cal.needs_confirmation,
                        updated_at=now).on_conflict(
        conflict_target=[CalendarYear.year],
        update={CalendarYear.source: cal.source, CalendarYear.needs_confirmation: cal.needs_confirmation,
                CalendarYear.updated_at: now},
    ).execute()


def import_official_csv(data: bytes, actor: User | int | None) -> list[int]:
    """Import the official open-data CSV: every year in it or, on any error, none."""
    try:
        calendars = parse_official_csv_bytes(data, source="imported")
    except CalendarImportError as exc:
        raise ValidationError(f"Календарь не импортирован. {exc}") from None
    if not calendars:
        raise ValidationError("Календарь не импортирован: в файле нет ни одного года")
    with db.atomic():
        for cal in calendars.values():
            _save_year(cal)
        _bump()
        audit.record("calendar.import", actor=actor, entity="calendar",
                     payload={"years": sorted(calendars),
                              "working_days": {y: c.working_days_count() for y, c in calendars.items()}})
    return sorted(calendars)


def set_day(day: date, kind: CalendarDayKind | str, actor: User | None, comment: str = "") -> YearCalendar:
    """The administrator's single-day edit: a day becomes working, shortened or non-working."""
    try:
        kind = CalendarDayKind(kind)
    except ValueError:
        raise ValidationError(f"Неизвестный вид дня «{str(kind)[:40]}»: рабочий, сокращённый или нерабочий") from None
    comment = validation.text(comment, "Комментарий", limit=validation.MAX_COMMENT, required=False)
    with db.atomic():
        before = year_calendar(day.year)
        old_kind = before.day_kind(day)
        after = before.with_day(day, kind.value)
        _save_year(after)
        _bump()
        audit.record("calendar.day", actor=actor, entity="calendar", comment=comment,
                     from_state=old_kind, to_state=kind.value, payload={"day": day.isoformat()})
    return after


def confirm_year(year: int, actor: User | None) -> YearCalendar:
    """Mark a derived year as checked by the administrator."""
    with db.atomic():
        cal = year_calendar(year)
        confirmed = YearCalendar(cal.year, cal.non_working, cal.shortened, source="edited", needs_confirmation=False)
        _save_year(confirmed)
        _bump()
        audit.record("calendar.confirm", actor=actor, entity="calendar", payload={"year": year})
    return confirmed


def set_schedule(periods: Mapping[int, Sequence[tuple[time, time]]], actor: User | None) -> WorkSchedule:
    """Replace the weekly schedule (0 = Monday); validated before anything is written."""
    try:
        new = WorkSchedule.from_periods(periods)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"График не сохранён: {exc}") from None
    if not any(new.weekdays[:5]):
        raise ValidationError("График не сохранён: в нём нет ни одного рабочего периода с понедельника по пятницу")
    for items in periods.values():
        for start, end in items:
            if start.second or start.microsecond or end.second or end.microsecond:
                raise ValidationError("График не сохранён: время периода задаётся с точностью до минуты")
    with db.atomic():
        WorkPeriod.delete().execute()
        for weekday, items in periods.items():
            for start, end in items:
                WorkPeriod.create(weekday=weekday, starts=start.strftime("%H:%M"), ends=end.strftime("%H:%M"))
        _bump()
        audit.record("calendar.schedule", actor=actor, entity="schedule",
                     payload={str(k): [(a.strftime("%H:%M"), b.strftime("%H:%M")) for a, b in v]
                              for k, v in periods.items()})
    return new
