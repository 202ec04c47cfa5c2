"""Working-time arithmetic over the real 2025–2026 production calendars."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.production_calendar import (
    YearCalendar,
    calendar_for_year,
    parse_official_csv,
)
from app.services.worktime import WorkCalendar, WorkSchedule

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "production-calendar-2025-2026.csv"
OFFICIAL = parse_official_csv(FIXTURE.read_text(encoding="utf-8"))
MSK = ZoneInfo("Europe/Moscow")
H = timedelta(hours=1)
M = timedelta(minutes=1)


def _official(year: int) -> YearCalendar:
    return OFFICIAL[year] if year in OFFICIAL else calendar_for_year(year)


# 2025–2026 straight from the official fixture; neighbouring years from the bundle.
WC = WorkCalendar(WorkSchedule(), _official)


def dt(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, us)


# ------------------------------------------------------------------------ calendar basics
def test_default_calendar_uses_the_bundled_calendar_in_moscow() -> None:
    wc = WorkCalendar.default()
    assert wc.tz == MSK
    assert wc.add_working_time(dt(2026, 4, 30, 16), 7 * H) == dt(2026, 5, 4, 16)


def test_working_and_shortened_days_follow_the_production_calendar() -> None:
    assert not WC.is_working_day(date(2025, 1, 8))
    assert WC.is_working_day(date(2025, 1, 9))
    assert WC.is_working_day(date(2025, 11, 1))  # working Saturday
    assert WC.is_shortened_day(date(2025, 11, 1))
    for d in (date(2026, 4, 30), date(2026, 5, 8), date(2026, 6, 11), date(2026, 11, 3)):
        assert WC.is_shortened_day(d)
    assert not WC.is_shortened_day(date(2026, 11, 2))


def test_an_ordinary_day_has_a_lunch_break() -> None:
    assert WC.working_intervals(date(2025, 11, 5)) == [
        (datetime(2025, 11, 5, 9, tzinfo=MSK), datetime(2025, 11, 5, 13, tzinfo=MSK)),
        (datetime(2025, 11, 5, 14, tzinfo=MSK), datetime(2025, 11, 5, 18, tzinfo=MSK)),
    ]


def test_the_working_saturday_2025_11_01_is_shortened_to_17_00() -> None:
    assert WC.working_intervals(date(2025, 11, 1)) == [
        (datetime(2025, 11, 1, 9, tzinfo=MSK), datetime(2025, 11, 1, 13, tzinfo=MSK)),
        (datetime(2025, 11, 1, 14, tzinfo=MSK), datetime(2025, 11, 1, 17, tzinfo=MSK)),
    ]


@pytest.mark.parametrize("d", [date(2026, 4, 30), date(2026, 5, 8), date(2026, 6, 11),
                               date(2026, 11, 3)])
def test_2026_shortened_days_end_at_17_00(d: date) -> None:
    assert WC.working_intervals(d)[-1][1].time() == time(17)


@pytest.mark.parametrize("d", [date(2025, 1, 1), date(2025, 1, 8), date(2025, 2, 23),
                               date(2025, 3, 8), date(2025, 5, 2), date(2025, 5, 8),
                               date(2025, 6, 13), date(2025, 11, 3), date(2025, 12, 31),
                               date(2026, 1, 9), date(2026, 2, 23), date(2026, 3, 9),
                               date(2026, 5, 11), date(2026, 12, 31), date(2026, 11, 7)])
def test_holidays_transfers_and_weekends_have_no_working_hours(d: date) -> None:
    assert WC.working_intervals(d) == []
    assert not WC.is_working_day(d)


@pytest.mark.parametrize("year", [2025, 2026])
def test_a_whole_year_holds_1972_working_hours(year: int) -> None:
    assert WC.working_time_between(dt(year, 1, 1), dt(year + 1, 1, 1)) == 1972 * H
    days = [date(year, 1, 1) + timedelta(days=i) for i in range(365)]
    assert sum(WC.is_working_day(d) for d in days) == 247
    total = sum((e - s for d in days for s, e in WC.working_intervals(d)), timedelta(0))
    assert total == 1972 * H


# ------------------------------------------------------------------------ add_working_time
@pytest.mark.parametrize(
    ("start", "delta", "due"),
    [
        # period boundaries: the end of a period, not the start of the next one
        (dt(2025, 11, 7, 17), H, dt(2025, 11, 7, 18)),
        (dt(2025, 11, 7, 12), H, dt(2025, 11, 7, 13)),
        (dt(2025, 11, 7, 9), 8 * H, dt(2025, 11, 7, 18)),
        # lunch is skipped; a start at lunch counts from 14:00
        (dt(2025, 11, 6, 12, 30), H, dt(2025, 11, 6, 14, 30)),
        (dt(2025, 11, 6, 13, 30), 30 * M, dt(2025, 11, 6, 14, 30)),
        (dt(2025, 11, 6, 13), 30 * M, dt(2025, 11, 6, 14, 30)),
        # night, evening and weekend starts count from the next working minute
        (dt(2025, 11, 6, 2), 30 * M, dt(2025, 11, 6, 9, 30)),
        (dt(2025, 11, 6, 20), H, dt(2025, 11, 7, 10)),
        (dt(2025, 11, 6, 18), 30 * M, dt(2025, 11, 7, 9, 30)),
        (dt(2025, 11, 8, 10), H, dt(2025, 11, 10, 10)),
        (dt(2025, 11, 7, 17, 30), H, dt(2025, 11, 10, 9, 30)),
        # the working Saturday 1 Nov 2025 (shortened) and the days off 2–4 Nov
        (dt(2025, 10, 31, 17, 30), 9 * H, dt(2025, 11, 5, 10, 30)),
        (dt(2025, 11, 1, 16), H, dt(2025, 11, 1, 17)),
        (dt(2025, 11, 1, 16, 30), H, dt(2025, 11, 5, 9, 30)),
        # New Year holidays
        (dt(2024, 12, 28, 10), 8 * H, dt(2025, 1, 9, 10)),  # 28.12.2024: a full working Saturday
        (dt(2025, 12, 30, 17), 3 * H, dt(2026, 1, 12, 11)),
        (dt(2026, 1, 1, 12), 8 * H, dt(2026, 1, 12, 18)),
        # 23 February and 8 March
        (dt(2026, 2, 20, 17), 2 * H, dt(2026, 2, 24, 10)),  # 20.02.2026 is not shortened
        (dt(2025, 2, 21, 17), 2 * H, dt(2025, 2, 24, 10)),
        (dt(2025, 3, 7, 16), 2 * H, dt(2025, 3, 10, 10)),  # 7.03.2025 shortened
        (dt(2026, 3, 6, 17), 2 * H, dt(2026, 3, 10, 10)),  # 9.03.2026 moved day off
        # May holidays
        (dt(2025, 4, 30, 16, 30), H, dt(2025, 5, 5, 9, 30)),
        (dt(2025, 5, 7, 17), 2 * H, dt(2025, 5, 12, 10)),  # 7.05.2025 is not shortened
        (dt(2026, 4, 30, 16), 7 * H, dt(2026, 5, 4, 16)),
        (dt(2026, 5, 8, 16), H, dt(2026, 5, 8, 17)),  # ends exactly at the shortened day's end
        (dt(2026, 5, 8, 16), 2 * H, dt(2026, 5, 12, 10)),  # 11.05.2026 moved day off
        # June and November 2026
        (dt(2026, 6, 11, 17), H, dt(2026, 6, 15, 10)),
        (dt(2026, 11, 3, 16), 2 * H, dt(2026, 11, 5, 10)),
        # multi-day spans
        (dt(2025, 11, 10, 9), 40 * H, dt(2025, 11, 14, 18)),
        (dt(2025, 11, 10, 9), 40 * H + M, dt(2025, 11, 17, 9, 1)),
    ],
)
def test_add_working_time_over_real_dates(start: datetime, delta: timedelta, due: datetime) -> None:
    assert WC.add_working_time(start, delta) == due
    assert WC.working_time_between(WC.next_working_moment(start), due) == delta


def test_zero_delta_returns_the_start_unchanged_even_outside_working_time() -> None:
    for start in (dt(2025, 11, 8, 10), dt(2025, 11, 6, 10), dt(2025, 11, 6, 13)):
        assert WC.add_working_time(start, timedelta(0)) == start


def test_microseconds_are_kept_exactly() -> None:
    start = dt(2025, 11, 7, 17, 59, 59, 500_000)
    assert WC.add_working_time(start, timedelta(seconds=1)) == dt(2025, 11, 10, 9, 0, 0, 500_000)
    assert WC.add_working_time(dt(2025, 11, 6, 9, 0, 0, 1), timedelta(microseconds=1)) == dt(
        2025, 11, 6, 9, 0, 0, 2
    )


def test_long_deltas_reach_beyond_the_precomputed_years() -> None:
    wc = WorkCalendar(WorkSchedule(), _official)  # fresh: covers 2024–2026 after the first call
    start = dt(2025, 6, 2, 9)
    due = wc.add_working_time(start, 6000 * H)
    assert due.year == 2028
    assert wc.working_time_between(start, due) == 6000 * H
    assert wc.add_working_time(due, -6000 * H) == start
    fresh = WorkCalendar(WorkSchedule(), _official)
    assert fresh.add_working_time(dt(2028, 6, 1, 12), -6000 * H) < dt(2025, 6, 1)


# --------------------------------------------------------------------------- negative deltas
@pytest.mark.parametrize(
    ("start", "delta", "due"),
    [
        (dt(2025, 11, 10, 10), -3 * H, dt(2025, 11, 7, 16)),
        (dt(2025, 11, 6, 14, 30), -30 * M, dt(2025, 11, 6, 14)),  # the period start, not 13:00
        (dt(2025, 11, 10, 9, 30), -30 * M, dt(2025, 11, 10, 9)),  # 09:00, not Friday 18:00
        (dt(2025, 11, 6, 15), -2 * H, dt(2025, 11, 6, 12)),
        (dt(2026, 5, 4, 11), -3 * H, dt(2026, 4, 30, 16)),  # deadline − 3 h over May holidays
        (dt(2026, 5, 2, 11), -3 * H, dt(2026, 4, 30, 14)),
        (dt(2026, 1, 12, 10), -2 * H, dt(2025, 12, 30, 17)),
        (dt(2025, 11, 5, 10), -2 * H, dt(2025, 11, 1, 16)),  # back onto the working Saturday
    ],
)
def test_negative_delta_goes_backwards(start: datetime, delta: timedelta, due: datetime) -> None:
    assert WC.add_working_time(start, delta) == due
    assert WC.working_time_between(due, start) == -delta


# ----------------------------------------------------------------------- working_time_between
def test_working_time_between_skips_lunch_nights_and_holidays() -> None:
    assert WC.working_time_between(dt(2025, 11, 6, 12), dt(2025, 11, 6, 15)) == 2 * H
    assert WC.working_time_between(dt(2025, 11, 6, 19), dt(2025, 11, 7, 8)) == timedelta(0)
    assert WC.working_time_between(dt(2025, 10, 31, 9), dt(2025, 11, 5, 9)) == 15 * H
    assert WC.working_time_between(dt(2025, 12, 31), dt(2026, 1, 12)) == timedelta(0)


def test_working_time_between_is_negative_when_end_precedes_start() -> None:
    assert WC.working_time_between(dt(2025, 11, 6, 15), dt(2025, 11, 6, 12)) == -2 * H


# --------------------------------------------------------------------------- add_working_days
def test_seven_working_days_across_the_new_year_holidays() -> None:
    # 30.12.2025 is day 1; 31.12–11.01 are off; 12–16.01 and 19.01 are days 2–7.
    assert WC.add_working_days(dt(2025, 12, 29, 10), 7) == dt(2026, 1, 19, 18)


def test_working_days_are_counted_from_the_next_day() -> None:
    assert WC.add_working_days(dt(2025, 11, 10, 17, 59), 1) == dt(2025, 11, 11, 18)
    assert WC.add_working_days(dt(2025, 11, 7, 10), 1) == dt(2025, 11, 10, 18)
    assert WC.add_working_days(dt(2025, 11, 8, 10), 1) == dt(2025, 11, 10, 18)


def test_a_working_day_ending_on_a_shortened_day_ends_at_17_00() -> None:
    assert WC.add_working_days(dt(2026, 4, 29, 10), 1) == dt(2026, 4, 30, 17)
    assert WC.add_working_days(dt(2025, 10, 31, 10), 1) == dt(2025, 11, 1, 17)


def test_add_working_days_refuses_non_positive_counts() -> None:
    with pytest.raises(ValueError):
        WC.add_working_days(dt(2025, 11, 7, 10), 0)


def test_add_working_days_keeps_the_callers_time_zone() -> None:
    start = datetime(2025, 12, 29, 7, tzinfo=timezone.utc)
    assert WC.add_working_days(start, 7) == datetime(2026, 1, 19, 15, tzinfo=timezone.utc)


# ------------------------------------------------------------------------ next_working_moment
@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (dt(2025, 11, 6, 10), dt(2025, 11, 6, 10)),
        (dt(2025, 11, 6, 9), dt(2025, 11, 6, 9)),
        (dt(2025, 11, 6, 13), dt(2025, 11, 6, 14)),
        (dt(2025, 11, 6, 18), dt(2025, 11, 7, 9)),
        (dt(2025, 11, 8, 12), dt(2025, 11, 10, 9)),
        (dt(2025, 12, 31, 12), dt(2026, 1, 12, 9)),
        (dt(2026, 4, 30, 17), dt(2026, 5, 4, 9)),
    ],
)
def test_next_working_moment(moment: datetime, expected: datetime) -> None:
    assert WC.next_working_moment(moment) == expected


# ------------------------------------------------------------------------------ time zones
def test_aware_datetimes_are_honoured_and_returned_in_the_callers_zone() -> None:
    start = datetime(2025, 11, 7, 14, tzinfo=timezone.utc)  # 17:00 in Moscow, Friday
    due = WC.add_working_time(start, 2 * H)
    assert due == datetime(2025, 11, 10, 7, tzinfo=timezone.utc)
    assert due.tzinfo is timezone.utc
    ekb = ZoneInfo("Asia/Yekaterinburg")
    due_ekb = WC.add_working_time(datetime(2025, 11, 7, 19, tzinfo=ekb), 2 * H)
    assert due_ekb.tzinfo is ekb and due_ekb == datetime(2025, 11, 10, 12, tzinfo=ekb)
    msk = WC.add_working_time(datetime(2025, 11, 7, 17, tzinfo=MSK), 2 * H)
    assert msk == datetime(2025, 11, 10, 10, tzinfo=MSK)
    assert WC.working_time_between(start, datetime(2025, 11, 10, 7, tzinfo=timezone.utc)) == 2 * H


def test_another_zone_counts_the_same_schedule_in_its_local_time() -> None:
    wc = WorkCalendar(WorkSchedule(), _official, tz="Asia/Vladivostok")
    assert wc.add_working_time(dt(2025, 11, 7, 17), H) == dt(2025, 11, 7, 18)
    assert wc.working_intervals(date(2025, 11, 7))[0][0].tzinfo == ZoneInfo("Asia/Vladivostok")


def _every_day_working(year: int) -> YearCalendar:
    return YearCalendar(year, frozenset())


def test_daylight_saving_change_inside_working_hours_counts_real_elapsed_time() -> None:
    night = WorkSchedule(weekdays=(((time(1), time(5)),),) * 7)
    wc = WorkCalendar(night, _every_day_working, tz="Europe/Berlin")
    # 30.03.2025: clocks jump 02:00 → 03:00, the 01:00–05:00 period lasts three hours.
    assert wc.working_time_between(dt(2025, 3, 30), dt(2025, 3, 31)) == 3 * H
    assert wc.add_working_time(dt(2025, 3, 30, 1), 2 * H) == dt(2025, 3, 30, 4)
    # 26.10.2025: clocks go back 03:00 → 02:00, the period lasts five hours.
    assert wc.working_time_between(dt(2025, 10, 26), dt(2025, 10, 27)) == 5 * H
    assert wc.working_time_between(dt(2025, 3, 29), dt(2025, 3, 30)) == 4 * H
    utc = datetime(2025, 3, 30, 0, tzinfo=timezone.utc)  # 01:00 CET
    assert wc.add_working_time(utc, 2 * H) == datetime(2025, 3, 30, 2, tzinfo=timezone.utc)


# ------------------------------------------------------------------------------ the schedule
def test_a_working_weekend_day_follows_mondays_schedule() -> None:
    monday = ((time(8), time(12)), (time(13), time(17)))
    other_days = {i: ((time(9), time(18)),) for i in (1, 2, 3, 4)}
    schedule = WorkSchedule.from_periods({0: monday, **other_days})
    wc = WorkCalendar(schedule, _official)
    assert [(s.time(), e.time()) for s, e in wc.working_intervals(date(2025, 11, 1))] == [
        (time(8), time(12)), (time(13), time(16))
    ]
    assert [(s.time(), e.time()) for s, e in wc.working_intervals(date(2025, 11, 6))] == [
        (time(9), time(18))
    ]


def test_shortening_longer_than_the_last_period_eats_into_the_previous_one() -> None:
    day = ((time(9), time(13)), (time(14), time(14, 30)))
    schedule = WorkSchedule(weekdays=(day,) * 5 + ((), ()))
    assert schedule.periods_for(date(2026, 4, 30), shortened=True) == ((time(9), time(12, 30)),)


def test_standard_schedule_without_lunch() -> None:
    schedule = WorkSchedule.standard(time(8), time(17), lunch=None)
    wc = WorkCalendar(schedule, _official)
    assert wc.add_working_time(dt(2025, 11, 6, 12), 2 * H) == dt(2025, 11, 6, 14)


def test_invalid_schedules_are_refused() -> None:
    with pytest.raises(ValueError):
        WorkSchedule(weekdays=((),) * 6)
    with pytest.raises(ValueError):
        WorkSchedule(weekdays=(((time(13), time(9)),),) * 7)
    with pytest.raises(ValueError):
        WorkSchedule(weekdays=(((time(9), time(13)), (time(12), time(18))),) * 7)
    with pytest.raises(ValueError):
        WorkSchedule.from_periods({7: ((time(9), time(18)),)})


def test_a_calendar_source_returning_the_wrong_year_is_an_error() -> None:
    wc = WorkCalendar(WorkSchedule(), lambda year: OFFICIAL[2025])
    with pytest.raises(ValueError):
        wc.add_working_time(dt(2026, 3, 3, 10), H)


def test_reset_cache_picks_up_an_edited_calendar() -> None:
    calendars = dict(OFFICIAL)
    wc = WorkCalendar(WorkSchedule(), lambda y: calendars.get(y) or calendar_for_year(y))
    assert wc.add_working_time(dt(2025, 11, 6, 17), 2 * H) == dt(2025, 11, 7, 10)
    calendars[2025] = calendars[2025].with_day(date(2025, 11, 7), "non_working")
    wc.reset_cache()
    assert wc.add_working_time(dt(2025, 11, 6, 17), 2 * H) == dt(2025, 11, 10, 10)


# ------------------------------------------------------------------------------ explanation
def test_explain_names_the_shortened_day_the_holidays_and_the_lunch() -> None:
    assert WC.explain(dt(2026, 4, 30, 16), 7 * H) == [
        "Отсчёт с 30.04.2026 16:00 (чт)",
        "30 апреля — сокращённый предпраздничный день, работа до 17:00: 16:00–17:00 — учтено 1 ч",
        "1–3 мая — нерабочие праздничные дни",
        "4 мая: 09:00–13:00, 14:00–16:00 — учтено 6 ч; обеденный перерыв 13:00–14:00 "
        "не учитывается",
        "Срок: 04.05.2026 16:00",
    ]


def test_explain_names_the_working_saturday() -> None:
    lines = WC.explain(dt(2025, 10, 31, 17, 30), 9 * H)
    assert lines == [
        "Отсчёт с 31.10.2025 17:30 (пт)",
        "31 октября: 17:30–18:00 — учтено 30 мин",
        "1 ноября (сб) — рабочий день по переносу, сокращённый предпраздничный день, работа до "
        "17:00: 09:00–13:00, 14:00–17:00 — учтено 7 ч; обеденный перерыв 13:00–14:00 "
        "не учитывается",
        "2–4 ноября — нерабочие праздничные дни",
        "5 ноября: 09:00–10:30 — учтено 1 ч 30 мин",
        "Срок: 05.11.2025 10:30",
    ]


def test_explain_a_night_start_and_plain_weekends() -> None:
    lines = WC.explain(dt(2025, 11, 7, 22), 30 * M)
    assert lines == [
        "Отсчёт с 07.11.2025 22:00 (пт)",
        "07.11.2025 22:00 — нерабочее время, отсчёт идёт с 10.11.2025 09:00 (пн)",
        "8–9 ноября — выходные",
        "10 ноября: 09:00–09:30 — учтено 30 мин",
        "Срок: 10.11.2025 09:30",
    ]


def test_explain_a_span_across_the_new_year_shows_years() -> None:
    lines = WC.explain(dt(2025, 12, 30, 17), 3 * H)
    assert lines[2] == "31 декабря 2025 – 11 января 2026 — нерабочие праздничные дни"
    assert lines[-1] == "Срок: 12.01.2026 11:00"


def test_explain_a_lone_day_off_that_is_not_a_holiday() -> None:
    edited = OFFICIAL[2025].with_day(date(2025, 11, 6), "non_working")
    wc = WorkCalendar(WorkSchedule(), lambda y: edited if y == 2025 else _official(y))
    lines = wc.explain(dt(2025, 11, 5, 17), 2 * H)
    assert lines[2] == "6 ноября — выходной день (перенос)"
    assert lines[-1] == "Срок: 07.11.2025 10:00"


def test_explain_groups_moved_days_off_with_the_adjacent_holidays() -> None:
    lines = WC.explain(dt(2025, 6, 11, 16), 2 * H)  # 12.06 holiday, 13.06 moved day off
    assert "12–15 июня — нерабочие праздничные дни" in lines
    lines = WC.explain(dt(2026, 3, 6, 17), 2 * H)  # 8.03 is a Sunday holiday, 9.03 moved
    assert "7–9 марта — нерабочие праздничные дни" in lines
    lines = WC.explain(dt(2025, 5, 7, 17, 30), H)  # 8.05.2025 is a moved day off
    assert lines[2] == "8–11 мая — нерабочие праздничные дни"


def test_explain_backwards_counts_from_the_last_working_moment() -> None:
    assert WC.explain(dt(2026, 5, 2, 11), -3 * H) == [
        "Отсчёт назад на 3 ч от 02.05.2026 11:00 (сб)",
        "02.05.2026 11:00 — нерабочее время, отсчёт назад идёт от 30.04.2026 17:00 (чт)",
        "30 апреля — сокращённый предпраздничный день, работа до 17:00: 14:00–17:00 — учтено 3 ч",
        "1–2 мая — нерабочие праздничные дни",
        "Срок: 30.04.2026 14:00",
    ]


def test_explain_zero_delta() -> None:
    assert WC.explain(dt(2025, 11, 6, 10), timedelta(0))[-1] == "Срок: 06.11.2025 10:00"


# --------------------------------------------------------------------------- properties
STARTS = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31, 23, 59))
DELTAS = st.integers(min_value=1, max_value=200 * 3600 * 10**6).map(
    lambda us: timedelta(microseconds=us)
)
SMALL_DELTAS = st.integers(min_value=30 * 60, max_value=8 * 3600).map(
    lambda s: timedelta(seconds=s)
)


def _reference_add(start: datetime, delta: timedelta) -> datetime:
    """Slow, obvious: walk the days and their periods."""
    left = delta
    d = start.date()
    while True:
        for s, e in WC.working_intervals(d):
            s, e = s.replace(tzinfo=None), e.replace(tzinfo=None)
            if e <= start:
                continue
            s = max(s, start)
            if e - s >= left:
                return s + left
            left -= e - s
        d += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(STARTS, DELTAS)
def test_property_between_inverts_add(start: datetime, delta: timedelta) -> None:
    due = WC.add_working_time(start, delta)
    assert due > start
    assert WC.working_time_between(start, due) == delta


@settings(max_examples=200, deadline=None)
@given(STARTS, SMALL_DELTAS)
def test_property_matches_a_day_by_day_reference(start: datetime, delta: timedelta) -> None:
    assert WC.add_working_time(start, delta) == _reference_add(start, delta)


@settings(max_examples=200, deadline=None)
@given(STARTS, DELTAS, DELTAS)
def test_property_add_is_monotonic_in_delta(start: datetime, d1: timedelta, d2: timedelta) -> None:
    small, big = sorted((d1, d2))
    assert WC.add_working_time(start, small) <= WC.add_working_time(start, big)


@settings(max_examples=200, deadline=None)
@given(STARTS, STARTS, SMALL_DELTAS)
def test_property_add_is_monotonic_in_start(s1: datetime, s2: datetime, delta: timedelta) -> None:
    early, late = sorted((s1, s2))
    assert WC.add_working_time(early, delta) <= WC.add_working_time(late, delta)


@settings(max_examples=200, deadline=None)
@given(STARTS, DELTAS)
def test_property_going_back_returns_to_the_next_working_moment(
    start: datetime, delta: timedelta
) -> None:
    due = WC.add_working_time(start, delta)
    assert WC.add_working_time(due, -delta) == WC.next_working_moment(start)
    back = WC.add_working_time(start, -delta)
    assert WC.working_time_between(back, start) == delta


@settings(max_examples=200, deadline=None)
@given(STARTS, SMALL_DELTAS)
def test_property_due_moment_lies_in_a_working_period_or_at_its_end(
    start: datetime, delta: timedelta
) -> None:
    due = WC.add_working_time(start, delta)
    periods = [(s.replace(tzinfo=None), e.replace(tzinfo=None))
               for s, e in WC.working_intervals(due.date())]
    assert any(s < due <= e for s, e in periods)


@settings(max_examples=100, deadline=None)
@given(STARTS, SMALL_DELTAS)
def test_property_aware_and_naive_agree(start: datetime, delta: timedelta) -> None:
    naive = WC.add_working_time(start, delta)
    aware = WC.add_working_time(start.replace(tzinfo=MSK).astimezone(timezone.utc), delta)
    assert aware.tzinfo is timezone.utc
    assert aware == naive.replace(tzinfo=MSK)


@settings(max_examples=100, deadline=None)
@given(STARTS, STARTS)
def test_property_between_is_antisymmetric(a: datetime, b: datetime) -> None:
    assert WC.working_time_between(a, b) == -WC.working_time_between(b, a)
