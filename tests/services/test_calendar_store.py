"""The production calendar, schedule and shared settings as stored in the database.

Runs on the backend chosen by INCIDENTS_TEST_BACKEND through the ``db`` fixture.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.models import AuditEvent, CalendarDay, CalendarYear, Setting, User, WorkPeriod
from app.models.enums import CalendarDayKind, Role
from app.services import calendar_store, settings, users
from app.services.errors import ValidationError

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "production-calendar-2025-2026.csv"

# Line 3 of the fixture is 2026; these edits keep its 2025 line (line 2) valid.
_JAN_2026 = '"1,2,3,4,5,6,7,8,9+,10,11,17,18,24,25,31"'
_FEB_2026 = '"1,7,8,14,15,21,22,23,28"'
_TOTALS_2026 = "247,118,1972,1774.4,1181.6"


def _fixture_text() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def _lines() -> list[str]:
    return _fixture_text().splitlines()


def _with_2026(*edits: tuple[str, str]) -> bytes:
    """The fixture with fragments of the 2026 line (line 3) replaced: (old, new) pairs."""
    lines = _lines()
    assert lines[2].startswith("2026,")
    for old, new in edits:
        assert old in lines[2]
        lines[2] = lines[2].replace(old, new, 1)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _counts() -> tuple[int, int, int]:
    return (CalendarYear.select().count(), CalendarDay.select().count(), AuditEvent.select().count())


def _revision() -> str | None:
    row = Setting.get_or_none(Setting.key == calendar_store.REVISION_KEY)
    return row.value if row else None


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.action == action).order_by(AuditEvent.id))


@pytest.fixture
def admin(db) -> User:  # noqa: ANN001
    info = users.create_user("admin", "Администратор Системы", "korenovsk-2026", [Role.ADMIN])
    return User.get_by_id(info.id)


# ---------------------------------------------------------------------------------- import
def test_importing_the_official_file_stores_both_years(db, admin: User) -> None:  # noqa: ANN001
    years = calendar_store.import_official_csv(FIXTURE.read_bytes(), admin)

    assert years == [2025, 2026]
    assert sorted(y.year for y in CalendarYear.select()) == [2025, 2026]
    assert {y.source for y in CalendarYear.select()} == {"imported"}
    # 118 non-working days and 4 shortened ones in each year
    assert CalendarDay.select().count() == 2 * (118 + 4)
    stored = calendar_store.stored_years()
    assert sorted(stored) == [2025, 2026]
    assert stored[2025].working_days_count() == 247
    assert stored[2026].norm_hours(40) == 1972
    assert stored[2025].is_shortened_day(date(2025, 11, 1))
    assert calendar_store.year_calendar(2026).source == "imported"
    assert calendar_store.year_calendar(2027).source == "bundled"  # not in the file

    (event,) = _events("calendar.import")
    assert event.actor_id == admin.id
    assert json.loads(event.payload)["years"] == [2025, 2026]


def test_current_calendar_uses_the_imported_years(db, admin: User) -> None:  # noqa: ANN001
    friday = datetime(2026, 1, 16, 17, 0)  # Friday; the next working day is Monday 19 January
    wc = calendar_store.current_calendar()
    assert wc.add_working_time(friday, timedelta(hours=2)) == datetime(2026, 1, 19, 10, 0)

    # the same file but 19 January 2026 declared a day off (totals corrected accordingly)
    data = _with_2026((_JAN_2026, '"1,2,3,4,5,6,7,8,9+,10,11,17,18,19+,24,25,31"'),
                      (_TOTALS_2026, "246,119,1964,1767.2,1176.8"))
    calendar_store.import_official_csv(data, admin)

    wc = calendar_store.current_calendar()
    assert not wc.is_working_day(date(2026, 1, 19))
    assert wc.add_working_time(friday, timedelta(hours=2)) == datetime(2026, 1, 20, 10, 0)
    assert calendar_store.year_calendar(2026).working_days_count() == 246


def test_reimporting_replaces_a_year_instead_of_adding_to_it(db, admin: User) -> None:  # noqa: ANN001
    calendar_store.import_official_csv(FIXTURE.read_bytes(), admin)
    calendar_store.import_official_csv(FIXTURE.read_bytes(), admin)
    assert CalendarYear.select().count() == 2
    assert CalendarDay.select().count() == 2 * (118 + 4)
    assert len(_events("calendar.import")) == 2


BROKEN_FILES: dict[str, tuple[bytes, str]] = {
    "31 февраля": (
        _with_2026((_FEB_2026, '"1,7,8,14,15,21,22,23,28,31"')),
        "Строка 3: день 31 не существует в феврале 2026 года",
    ),
    "неверные итоги": (
        _with_2026((_TOTALS_2026, "248,118,1972,1774.4,1181.6")),
        "Строка 3: итог рабочих дней 248 не совпадает с подсчитанным 247",
    ),
    "неверная норма часов": (
        _with_2026((_TOTALS_2026, "247,118,1980,1774.4,1181.6")),
        "Строка 3: норма часов при 40-часовой неделе 1980",
    ),
    "лишний столбец": (
        _with_2026((_TOTALS_2026, _TOTALS_2026 + ",1,2")),
        "Строка 3: ожидалось значений",
    ),
    "не календарь": ("Фамилия,Имя\nИванов,Иван\n".encode(), "Строка 1: нет столбца «Год/Месяц»"),
    "двоичный мусор": (bytes(range(256)) * 8, "двоичные данные"),
    "не текст": (b"\x98" * 40 + b"\xff\xfe", "Не удалось прочитать файл"),
    "пустой": (b"", "Файл пуст"),
    "одни пробелы": (b" \r\n\t\n", "Файл пуст"),
}


@pytest.mark.parametrize("name", list(BROKEN_FILES))
def test_a_broken_file_imports_nothing_into_an_empty_database(db, admin: User, name: str) -> None:  # noqa: ANN001
    data, message = BROKEN_FILES[name]
    before = _counts()
    with pytest.raises(ValidationError) as caught:
        calendar_store.import_official_csv(data, admin)
    assert str(caught.value).startswith("Календарь не импортирован")
    assert message in str(caught.value)
    # line 2 (2025) of the files with a broken line 3 was valid — still nothing is stored
    assert _counts() == before == (0, 0, before[2])
    assert calendar_store.stored_years() == {}
    assert _revision() is None


@pytest.mark.parametrize("name", list(BROKEN_FILES))
def test_a_broken_file_leaves_the_stored_years_as_they_were(db, admin: User, name: str) -> None:  # noqa: ANN001
    calendar_store.import_official_csv(FIXTURE.read_bytes(), admin)
    calendar_store.set_day(date(2025, 3, 17), CalendarDayKind.NON_WORKING, admin)
    stored = calendar_store.stored_years()
    before, revision = _counts(), _revision()

    data, message = BROKEN_FILES[name]
    with pytest.raises(ValidationError, match=re.escape(message)):
        calendar_store.import_official_csv(data, admin)

    assert _counts() == before
    assert _revision() == revision
    after = calendar_store.stored_years()
    assert after == stored
    assert after[2025].source == "edited" and not after[2025].is_working_day(date(2025, 3, 17))


def test_a_file_in_windows_1251_with_semicolons_is_accepted(db, admin: User) -> None:  # noqa: ANN001
    import csv
    import io

    rows = list(csv.reader(io.StringIO(_fixture_text())))
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    assert calendar_store.import_official_csv(out.getvalue().encode("cp1251"), admin) == [2025, 2026]


# ---------------------------------------------------------------------------------- single days
def test_set_day_makes_a_monday_non_working_and_the_cached_calendar_skips_it(db, admin: User) -> None:  # noqa: ANN001
    friday = datetime(2026, 3, 13, 17, 0)
    monday = date(2026, 3, 16)
    wc = calendar_store.current_calendar()  # warm the cache first
    assert wc.add_working_time(friday, timedelta(hours=2)) == datetime(2026, 3, 16, 10, 0)

    after = calendar_store.set_day(monday, CalendarDayKind.NON_WORKING, admin, comment="Распоряжение № 1")

    assert after.source == "edited" and not after.is_working_day(monday)
    wc = calendar_store.current_calendar()
    assert not wc.is_working_day(monday)
    assert wc.add_working_time(friday, timedelta(hours=2)) == datetime(2026, 3, 17, 10, 0)
    assert calendar_store.year_calendar(2026).source == "edited"
    # the rest of the year is kept from the bundled calendar
    assert calendar_store.year_calendar(2026).is_shortened_day(date(2026, 4, 30))
    assert calendar_store.year_calendar(2026).working_days_count() == 246

    (event,) = _events("calendar.day")
    assert event.actor_id == admin.id
    assert (event.from_state, event.to_state) == ("working", "non_working")
    assert event.comment == "Распоряжение № 1"
    assert json.loads(event.payload) == {"day": "2026-03-16"}

    # and back: the same engine call finds Monday again
    calendar_store.set_day(monday, "working", admin)
    wc = calendar_store.current_calendar()
    assert wc.add_working_time(friday, timedelta(hours=2)) == datetime(2026, 3, 16, 10, 0)
    assert len(_events("calendar.day")) == 2


def test_set_day_can_shorten_a_day_and_refuses_an_unknown_kind(db, admin: User) -> None:  # noqa: ANN001
    tuesday = date(2026, 3, 17)
    calendar_store.set_day(tuesday, CalendarDayKind.SHORTENED, admin)
    wc = calendar_store.current_calendar()
    assert wc.add_working_time(datetime(2026, 3, 17, 16, 0), timedelta(hours=1)) == datetime(2026, 3, 17, 17, 0)
    assert wc.add_working_time(datetime(2026, 3, 17, 16, 30), timedelta(hours=1)) == datetime(2026, 3, 18, 9, 30)

    before = _counts()
    with pytest.raises(ValidationError, match="Неизвестный вид дня"):
        calendar_store.set_day(tuesday, "holiday", admin)
    assert _counts() == before


def test_the_cache_is_rebuilt_even_when_the_database_was_emptied_and_changed_again(db, admin: User) -> None:  # noqa: ANN001
    # A revision counter would restart from the same value after the calendar tables were
    # emptied (a restore, or another PC's clean-up) and leave a stale calendar in the cache.
    first, second = date(2026, 3, 16), date(2026, 3, 17)
    calendar_store.set_day(first, CalendarDayKind.NON_WORKING, admin)
    assert not calendar_store.current_calendar().is_working_day(first)

    CalendarDay.delete().execute()
    CalendarYear.delete().execute()
    Setting.delete().where(Setting.key == calendar_store.REVISION_KEY).execute()
    calendar_store.set_day(second, CalendarDayKind.NON_WORKING, admin)

    wc = calendar_store.current_calendar()
    assert wc.is_working_day(first)
    assert not wc.is_working_day(second)


def test_confirm_year_marks_a_derived_year_as_checked(db, admin: User) -> None:  # noqa: ANN001
    assert calendar_store.year_calendar(2031).needs_confirmation
    confirmed = calendar_store.confirm_year(2031, admin)
    assert not confirmed.needs_confirmation
    stored = calendar_store.year_calendar(2031)
    assert not stored.needs_confirmation and stored.same_days(confirmed)
    assert len(_events("calendar.confirm")) == 1


def test_a_year_outside_the_supported_range_is_a_russian_error(db) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="Календарь на 2300 год недоступен"):
        calendar_store.year_calendar(2300)


# ---------------------------------------------------------------------------------- schedule
def _eight_to_five() -> dict[int, list[tuple[time, time]]]:
    return {wd: [(time(8), time(12)), (time(13), time(17))] for wd in range(5)}


def test_set_schedule_changes_deadlines_and_is_audited(db, admin: User) -> None:  # noqa: ANN001
    monday_afternoon = datetime(2026, 3, 16, 16, 0)
    wc = calendar_store.current_calendar()
    assert wc.add_working_time(monday_afternoon, timedelta(hours=2)) == datetime(2026, 3, 16, 18, 0)
    assert wc.add_working_time(datetime(2026, 3, 16, 11, 30), timedelta(hours=1)) == datetime(2026, 3, 16, 12, 30)

    new = calendar_store.set_schedule(_eight_to_five(), admin)

    assert new.periods_for(date(2026, 3, 16)) == ((time(8), time(12)), (time(13), time(17)))
    assert WorkPeriod.select().count() == 10
    assert calendar_store.schedule() == new
    wc = calendar_store.current_calendar()
    # 16:00–17:00 on Monday, then 08:00–09:00 on Tuesday
    assert wc.add_working_time(monday_afternoon, timedelta(hours=2)) == datetime(2026, 3, 17, 9, 0)
    # 11:30–12:00, lunch 12:00–13:00, 13:00–13:30
    assert wc.add_working_time(datetime(2026, 3, 16, 11, 30), timedelta(hours=1)) == datetime(2026, 3, 16, 13, 30)
    # a night start counts from 08:00 now
    assert wc.next_working_moment(datetime(2026, 3, 17, 3, 0)) == datetime(2026, 3, 17, 8, 0)
    # a shortened day ends an hour earlier: 16:00 on 30 April 2026
    assert wc.add_working_time(datetime(2026, 4, 30, 15, 0), timedelta(hours=1)) == datetime(2026, 4, 30, 16, 0)

    (event,) = _events("calendar.schedule")
    assert event.actor_id == admin.id
    assert json.loads(event.payload)["0"] == [["08:00", "12:00"], ["13:00", "17:00"]]


@pytest.mark.parametrize(
    ("periods", "message"),
    [
        ({0: [(time(9), time(13)), (time(12), time(18))]}, "не пересекаться"),
        ({0: [(time(18), time(9))]}, "должно быть раньше конца"),
        ({7: [(time(9), time(18))]}, "Неверный день недели"),
        ({}, "нет ни одного рабочего периода"),
        ({5: [(time(9), time(13))]}, "нет ни одного рабочего периода"),
        ({0: [(time(9, 0, 30), time(18))]}, "с точностью до минуты"),
    ],
)
def test_a_bad_schedule_is_refused_and_nothing_changes(db, admin: User, periods, message: str) -> None:  # noqa: ANN001
    calendar_store.set_schedule(_eight_to_five(), admin)
    before, revision = _counts(), _revision()
    with pytest.raises(ValidationError, match=message):
        calendar_store.set_schedule(periods, admin)
    assert _counts() == before and _revision() == revision
    assert WorkPeriod.select().count() == 10
    assert calendar_store.schedule() == calendar_store.schedule().__class__.from_periods(_eight_to_five())


# ---------------------------------------------------------------------------------- settings
def test_set_limits_changes_known_limits_and_is_audited(db, admin: User) -> None:  # noqa: ANN001
    assert settings.limits().answer == 480
    changed = settings.set_limits(admin, answer=420, approval=20)
    assert changed.answer == 420 and changed.approval == 20
    assert settings.limits() == changed
    (event,) = _events("settings.change")
    payload = json.loads(event.payload)
    assert payload["key"] == "limits" and payload["new"]["answer"] == 420 and payload["old"] is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"answer": 0}, "нужно целое положительное число"),
        ({"answer_high": -30}, "нужно целое положительное число"),
        ({"approval": 12.5}, "нужно целое положительное число"),
        ({"approval": "30"}, "нужно целое положительное число"),
        ({"approval": True}, "нужно целое положительное число"),
        ({"lunch": 60}, "Неизвестный срок «lunch»"),
    ],
)
def test_set_limits_refuses_bad_values_and_unknown_keys(db, admin: User, changes: dict, message: str) -> None:  # noqa: ANN001
    settings.set_limits(admin, answer=420)
    events = AuditEvent.select().count()
    with pytest.raises(ValidationError, match=message):
        settings.set_limits(admin, routing=25, **changes)
    assert settings.limits().answer == 420 and settings.limits().routing == 30
    assert AuditEvent.select().count() == events


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "europe/moscow", "Europe/Moscow ", "../etc/passwd", "localtime"])
def test_set_timezone_refuses_an_unknown_zone(db, admin: User, name: str) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError, match="Неизвестный часовой пояс"):
        settings.set_timezone(name, admin)
    assert settings.timezone_name() == "Europe/Moscow"
    assert _events("settings.change") == []


def test_set_timezone_moves_the_clocks_of_aware_moments(db, admin: User) -> None:  # noqa: ANN001
    utc_start = datetime(2026, 3, 16, 5, 0, tzinfo=ZoneInfo("UTC"))  # 08:00 Moscow, 10:00 Yekaterinburg
    wc = calendar_store.current_calendar()
    assert wc.add_working_time(utc_start, timedelta(hours=1)) == datetime(2026, 3, 16, 7, 0, tzinfo=ZoneInfo("UTC"))

    settings.set_timezone("Asia/Yekaterinburg", admin)

    assert settings.timezone_name() == "Asia/Yekaterinburg"
    wc = calendar_store.current_calendar()
    assert str(wc.tz) == "Asia/Yekaterinburg"
    assert wc.add_working_time(utc_start, timedelta(hours=1)) == datetime(2026, 3, 16, 6, 0, tzinfo=ZoneInfo("UTC"))
    (event,) = _events("settings.change")
    assert json.loads(event.payload)["new"] == "Asia/Yekaterinburg"


# ---------------------------------------------------------------------------------- snapshot
def test_a_snapshot_reads_the_settings_once_and_sees_changes_made_inside_it(db, admin: User) -> None:  # noqa: ANN001
    from app.models import db as proxy

    statements: list[str] = []
    original = proxy.obj.execute_sql

    def counted(sql: str, *args: object, **kwargs: object) -> object:
        statements.append(sql)
        return original(sql, *args, **kwargs)

    proxy.obj.execute_sql = counted
    try:
        with settings.snapshot():
            calendar_store.current_calendar()
            reads = len(statements)
            for _ in range(3):
                calendar_store.current_calendar()
                settings.limits()
                settings.timezone_name()
            assert len(statements) == reads  # nothing read again
            settings.set_timezone("Asia/Yekaterinburg", admin)
            assert str(calendar_store.current_calendar().tz) == "Asia/Yekaterinburg"
            settings.set_limits(admin, answer=420)
            assert settings.limits().answer == 420
            monday = date(2026, 3, 16)
            assert calendar_store.current_calendar().is_working_day(monday)
            calendar_store.set_day(monday, CalendarDayKind.NON_WORKING, admin)
            assert not calendar_store.current_calendar().is_working_day(monday)
        # outside a snapshot every call reads again: another PC's change is seen at once
        Setting.update(value='"Europe/Samara"').where(Setting.key == settings.TIMEZONE_KEY).execute()
        assert str(calendar_store.current_calendar().tz) == "Europe/Samara"
    finally:
        proxy.obj.execute_sql = original
