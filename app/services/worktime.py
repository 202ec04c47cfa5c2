"""Working-time arithmetic: the engine behind every clock of the design card.

:class:`WorkSchedule` holds the administration's hours (default Mon–Fri 09:00–18:00 with lunch
13:00–14:00); :class:`WorkCalendar` combines it with the production calendar and a time zone to
add working time to a moment, measure working time between moments, count working days and
explain in Russian how a due moment was reached.

Conventions
-----------
* Naive datetimes are the administration's local time (the calendar's zone); results are naive
  then.  Aware datetimes are honoured and results come back in the caller's ``tzinfo``.
* Arithmetic is exact to the microsecond: every working interval is kept as integer
  microseconds since the Unix epoch (UTC), so daylight-saving transitions inside working hours
  are counted as the time really elapsed.
* The intervals of a range of years are precomputed once with their cumulative working time;
  every call is then a couple of ``bisect`` look-ups (O(log n)).

Pure Python: no Qt, no database.
"""
from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from app.services.production_calendar import (
    MONTHS_GENITIVE,
    YearCalendar,
    calendar_for_year,
    is_public_holiday_date,
)

__all__ = ["DEFAULT_DAY", "Period", "WorkCalendar", "WorkSchedule"]

#: A working period of a day: (start, end) in local wall-clock time, start < end.
Period = tuple[time, time]

#: The default working day: 09:00–13:00 and 14:00–18:00 (lunch 13:00–14:00).
DEFAULT_DAY: tuple[Period, ...] = ((time(9), time(13)), (time(14), time(18)))

_US = timedelta(microseconds=1)
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_NAIVE = datetime(1970, 1, 1)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_US = 86_400_000_000
_ONE_DAY = timedelta(days=1)
_MAX_RANGE_YEARS = 400
_WEEKDAYS_SHORT = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _us_time(us: int) -> time:
    seconds, micro = divmod(us, 1_000_000)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


def _check_periods(periods: Sequence[Period], what: str) -> tuple[Period, ...]:
    result: list[Period] = []
    for item in periods:
        start, end = item
        if not isinstance(start, time) or not isinstance(end, time):
            raise ValueError(f"{what}: период должен состоять из двух значений времени")
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError(f"{what}: время периода задаётся без часового пояса")
        if not start < end:
            raise ValueError(
                f"{what}: начало периода {start:%H:%M} должно быть раньше конца {end:%H:%M}"
            )
        if result and start < result[-1][1]:
            raise ValueError(f"{what}: периоды должны идти по порядку и не пересекаться")
        result.append((start, end))
    return tuple(result)


@dataclass(frozen=True)
class WorkSchedule:
    """The administration's working hours on an ordinary week.

    ``weekdays`` holds the working periods of Monday … Sunday (seven entries; an empty entry
    is a day off by the schedule).  A Saturday or Sunday that the production calendar makes a
    working day (moved by decree) follows ``weekend_workday`` — by default Monday's periods.
    A shortened pre-holiday day loses ``shortening`` (one hour) at the end of the day: with the
    default schedule it ends at 17:00.
    """

    weekdays: tuple[tuple[Period, ...], ...] = (DEFAULT_DAY,) * 5 + ((), ())
    weekend_workday: tuple[Period, ...] | None = None
    shortening: timedelta = timedelta(hours=1)

    def __post_init__(self) -> None:
        names = ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье")
        days = tuple(self.weekdays)
        if len(days) != 7:
            raise ValueError("График должен описывать семь дней недели, начиная с понедельника")
        object.__setattr__(
            self, "weekdays", tuple(_check_periods(p, names[i]) for i, p in enumerate(days))
        )
        if self.weekend_workday is not None:
            object.__setattr__(
                self,
                "weekend_workday",
                _check_periods(self.weekend_workday, "рабочий выходной день"),
            )
        if self.shortening < timedelta(0):
            raise ValueError("Сокращение предпраздничного дня не может быть отрицательным")

    @classmethod
    def standard(
        cls,
        start: time = time(9),
        end: time = time(18),
        lunch: tuple[time, time] | None = (time(13), time(14)),
        workdays: int = 5,
    ) -> WorkSchedule:
        """The same hours on the first ``workdays`` days of the week, with an optional lunch."""
        if lunch is None:
            day: tuple[Period, ...] = ((start, end),)
        else:
            day = ((start, lunch[0]), (lunch[1], end))
        return cls(weekdays=tuple(day if i < workdays else () for i in range(7)))

    @classmethod
    def from_periods(
        cls,
        periods: Mapping[int, Sequence[Period]],
        *,
        weekend_workday: Sequence[Period] | None = None,
        shortening: timedelta = timedelta(hours=1),
    ) -> WorkSchedule:
        """Build from ``{weekday: [(start, end), …]}`` with 0 = Monday (as stored in the DB)."""
        for weekday in periods:
            if weekday not in range(7):
                raise ValueError(f"Неверный день недели: {weekday!r} (ожидается 0–6)")
        week = tuple(tuple(sorted(periods.get(i, ()))) for i in range(7))
        extra = tuple(weekend_workday) if weekend_workday is not None else None
        return cls(weekdays=week, weekend_workday=extra, shortening=shortening)

    def _base_periods(self, weekday: int) -> tuple[Period, ...]:
        periods = self.weekdays[weekday]
        if not periods and weekday >= 5:
            return self.weekend_workday if self.weekend_workday is not None else self.weekdays[0]
        return periods

    def _periods_us(self, weekday: int, shortened: bool) -> tuple[tuple[int, int], ...]:
        periods = [(_time_us(a), _time_us(b)) for a, b in self._base_periods(weekday)]
        if shortened:
            cut = self.shortening // _US
            while cut > 0 and periods:
                a, b = periods[-1]
                if b - a > cut:
                    periods[-1] = (a, b - cut)
                    cut = 0
                else:
                    cut -= b - a
                    periods.pop()
        return tuple(periods)

    def periods_for(self, d: date, *, shortened: bool = False) -> tuple[Period, ...]:
        """Working periods of ``d`` assuming the production calendar makes it a working day."""
        return tuple(
            (_us_time(a), _us_time(b)) for a, b in self._periods_us(d.weekday(), shortened)
        )


# The precomputed state: (first year, last year, starts, ends, cumulative working µs before each
# interval, cumulative working µs at each interval's end, constant UTC offset in µs or None).
_State = tuple[int, int, list[int], list[int], list[int], list[int], "int | None"]
_EMPTY_STATE: _State = (1, 0, [], [], [], [], None)


class WorkCalendar:
    """Working-time arithmetic over a schedule, the production calendar and a time zone.

    Thread-safe: the precomputed intervals are replaced atomically when a wider range of years
    is needed; :meth:`reset_cache` drops them after the calendar or schedule data changed.
    """

    def __init__(
        self,
        schedule: WorkSchedule,
        calendars: Callable[[int], YearCalendar] | None = None,
        tz: str | ZoneInfo = "Europe/Moscow",
    ) -> None:
        self.schedule = schedule
        self._calendars: Callable[[int], YearCalendar] = (
            calendars if calendars is not None else calendar_for_year
        )
        self._tz: tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
        self._periods = {
            (wd, short): schedule._periods_us(wd, short)
            for wd in range(7)
            for short in (False, True)
        }
        self._lock = threading.RLock()
        self._year_cals: dict[int, YearCalendar] = {}
        self._year_data: dict[int, tuple[list[int], list[int], int | None]] = {}
        self._state: _State = _EMPTY_STATE

    @classmethod
    def default(cls) -> WorkCalendar:
        """The bundled production calendar, the default schedule, Europe/Moscow."""
        return cls(WorkSchedule())

    @property
    def tz(self) -> tzinfo:
        """The administration's time zone."""
        return self._tz

    def reset_cache(self) -> None:
        """Forget the year calendars and intervals (call after the calendar was edited)."""
        with self._lock:
            self._year_cals.clear()
            self._year_data.clear()
            self._state = _EMPTY_STATE

    # ------------------------------------------------------------------ year data and state
    def _calendar(self, year: int) -> YearCalendar:
        cal = self._year_cals.get(year)
        if cal is None:
            cal = self._calendars(year)
            if cal.year != year:
                raise ValueError(f"Источник календаря вернул {cal.year} год вместо {year}")
            self._year_cals[year] = cal
        return cal

    def _year_offset(self, year: int) -> int | None:
        """The zone's UTC offset (µs) if it is the same all year long, else None."""
        tz = self._tz
        offsets = {datetime(year + 1, 1, 1, tzinfo=tz).utcoffset()}
        d = date(year, 1, 1)
        while d.year == year:
            offsets.add(datetime(d.year, d.month, d.day, tzinfo=tz).utcoffset())
            offsets.add(datetime(d.year, d.month, d.day, 12, tzinfo=tz).utcoffset())
            d += _ONE_DAY
        if len(offsets) != 1:
            return None
        (offset,) = offsets
        return None if offset is None else offset // _US

    def _day_periods_us(self, d: date) -> tuple[tuple[int, int], ...]:
        cal = self._calendar(d.year)
        if not cal.is_working_day(d):
            return ()
        return self._periods[(d.weekday(), cal.is_shortened_day(d))]

    def _build_year(self, year: int) -> tuple[list[int], list[int], int | None]:
        data = self._year_data.get(year)
        if data is not None:
            return data
        offset = self._year_offset(year)
        tz = self._tz
        starts: list[int] = []
        ends: list[int] = []
        d = date(year, 1, 1)
        while d.year == year:
            periods = self._day_periods_us(d)
            if periods:
                if offset is not None:
                    base = (d.toordinal() - _EPOCH_ORDINAL) * _DAY_US - offset
                    for a, b in periods:
                        starts.append(base + a)
                        ends.append(base + b)
                else:
                    midnight = datetime(d.year, d.month, d.day)
                    for a, b in periods:
                        s = ((midnight + a * _US).replace(tzinfo=tz) - _EPOCH_UTC) // _US
                        e = ((midnight + b * _US).replace(tzinfo=tz) - _EPOCH_UTC) // _US
                        if e > s:
                            starts.append(s)
                            ends.append(e)
            d += _ONE_DAY
        data = (starts, ends, offset)
        self._year_data[year] = data
        return data

    def _cover(self, first: int, last: int) -> _State:
        """Make the precomputed state cover the years ``first``..``last`` (and what it had)."""
        with self._lock:
            y0, y1 = self._state[0], self._state[1]
            if y0 <= y1:
                first, last = min(first, y0), max(last, y1)
            first, last = max(first, 1), min(last, 9998)
            if last - first + 1 > _MAX_RANGE_YEARS:
                raise ValueError(
                    "Не удалось найти рабочее время: в производственном календаре нет рабочих "
                    "дней на сотни лет вперёд или назад"
                )
            starts: list[int] = []
            ends: list[int] = []
            offsets: set[int | None] = set()
            for year in range(first, last + 1):
                s, e, offset = self._build_year(year)
                starts.extend(s)
                ends.extend(e)
                offsets.add(offset)
            cum: list[int] = []
            cumend: list[int] = []
            total = 0
            for s, e in zip(starts, ends):
                cum.append(total)
                total += e - s
                cumend.append(total)
            const = next(iter(offsets)) if len(offsets) == 1 else None
            state: _State = (first, last, starts, ends, cum, cumend, const)
            self._state = state
            return state

    def _state_for(self, year: int) -> _State:
        st = self._state
        if st[0] < year < st[1]:
            return st
        return self._cover(year - 1, year + 1)

    def _extend_for(self, st: _State, deficit: int, forward: bool) -> _State:
        years = st[1] - st[0] + 1
        per_year = st[5][-1] // years if st[5] and st[5][-1] > 0 else 0
        extra = deficit // per_year + 2 if per_year else 5
        if forward:
            return self._cover(st[0], st[1] + extra)
        return self._cover(st[0] - extra, st[1])

    # ---------------------------------------------------------------------- conversions
    def _to_us(self, dt: datetime, st: _State) -> int:
        if dt.tzinfo is None or dt.utcoffset() is None:
            offset = st[6]
            if offset is not None:
                return (dt.replace(tzinfo=None) - _EPOCH_NAIVE) // _US - offset
            return (dt.replace(tzinfo=self._tz) - _EPOCH_UTC) // _US
        return (dt - _EPOCH_UTC) // _US

    def _from_us(self, us: int, like: datetime, st: _State) -> datetime:
        tzi = like.tzinfo
        if tzi is None or like.utcoffset() is None:
            offset = st[6]
            if offset is not None:
                return _EPOCH_NAIVE + timedelta(microseconds=us + offset)
            return (_EPOCH_UTC + timedelta(microseconds=us)).astimezone(self._tz).replace(
                tzinfo=None
            )
        return (_EPOCH_UTC + timedelta(microseconds=us)).astimezone(tzi)

    def _to_local_naive(self, dt: datetime) -> datetime:
        if dt.tzinfo is None or dt.utcoffset() is None:
            return dt.replace(tzinfo=None)
        return dt.astimezone(self._tz).replace(tzinfo=None)

    # ---------------------------------------------------------------------- public API
    def add_working_time(self, start: datetime, delta: timedelta) -> datetime:
        """The earliest moment at which ``delta`` of working time has passed since ``start``.

        A start outside working time counts from the next working moment.  A due moment that
        falls exactly on the end of a period is that end (Friday 18:00, 13:00 before lunch),
        not the start of the next period.  ``delta == 0`` returns ``start`` unchanged.
        A negative ``delta`` goes backwards: the latest moment ``r`` with
        ``working_time_between(r, start) == -delta`` — at a boundary that is the start of a
        period (14:00 after lunch, 09:00), not the end of the previous one.
        """
        tzi = start.tzinfo
        st = self._state
        year = start.year
        if not (st[0] < year < st[1]):
            st = self._cover(year - 1, year + 1)
        if tzi is None:
            offset = st[6]
            if offset is not None:
                s = (start - _EPOCH_NAIVE) // _US - offset
            else:
                s = (start.replace(tzinfo=self._tz) - _EPOCH_UTC) // _US
        else:
            s = self._to_us(start, st)
        d = delta // _US
        if d == 0:
            return start
        while True:
            starts = st[2]
            cum = st[4]
            i = bisect_right(starts, s) - 1
            if i >= 0:
                e = st[3][i]
                target = cum[i] + ((s if s < e else e) - starts[i]) + d
            else:
                target = d
            if d > 0:
                cumend = st[5]
                j = bisect_left(cumend, target)
                if j < len(cumend):
                    r = starts[j] + (target - cum[j])
                    break
                st = self._extend_for(st, target - (cumend[-1] if cumend else 0), True)
            else:
                if target >= 0 and cum:
                    j = bisect_right(cum, target) - 1
                    r = starts[j] + (target - cum[j])
                    break
                st = self._extend_for(st, -target, False)
        if tzi is None:
            offset = st[6]
            if offset is not None:
                return _EPOCH_NAIVE + timedelta(microseconds=r + offset)
        return self._from_us(r, start, st)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from ``start`` to ``end``; negative if ``end`` is before ``start``."""
        st = self._state
        y_a, y_b = start.year, end.year
        if not (st[0] < y_a < st[1] and st[0] < y_b < st[1]):
            st = self._cover(min(y_a, y_b) - 1, max(y_a, y_b) + 1)
        offset = st[6]
        if start.tzinfo is None and end.tzinfo is None and offset is not None:
            a = (start - _EPOCH_NAIVE) // _US - offset
            b = (end - _EPOCH_NAIVE) // _US - offset
        else:
            a = self._to_us(start, st)
            b = self._to_us(end, st)
        starts, ends, cum = st[2], st[3], st[4]
        i = bisect_right(starts, a) - 1
        if i >= 0:
            e = ends[i]
            w_a = cum[i] + ((a if a < e else e) - starts[i])
        else:
            w_a = 0
        i = bisect_right(starts, b) - 1
        if i >= 0:
            e = ends[i]
            w_b = cum[i] + ((b if b < e else e) - starts[i])
        else:
            w_b = 0
        return timedelta(microseconds=w_b - w_a)

    def next_working_moment(self, dt: datetime) -> datetime:
        """``dt`` itself if it is working time, else the start of the next working period.

        The end of a period (13:00, 18:00) is not working time: it gives the next start.
        """
        st = self._state_for(dt.year)
        s = self._to_us(dt, st)
        while True:
            starts = st[2]
            i = bisect_right(starts, s) - 1
            if i >= 0 and s < st[3][i]:
                return dt
            if i + 1 < len(starts):
                return self._from_us(starts[i + 1], dt, st)
            st = self._cover(st[0], st[1] + 2)

    def _last_working_moment(self, dt: datetime) -> datetime:
        """``dt`` if it is working time or a period's end, else the end of the previous period."""
        st = self._state_for(dt.year)
        s = self._to_us(dt, st)
        while True:
            starts = st[2]
            i = bisect_right(starts, s) - 1
            if i >= 0:
                e = st[3][i]
                return dt if s <= e else self._from_us(e, dt, st)
            st = self._cover(st[0] - 2, st[1])

    def settle(self, dt: datetime) -> datetime:
        """The moment a person can act on, for a due moment ``dt``.

        A due moment at the start of a working period, or between periods, is the same working
        instant as the end of the previous period — and that end is the one to show («до 31
        декабря, 17:00», not «до 12 января, 09:00»). A moment inside a period or at its end is
        returned as it is.
        """
        st = self._state_for(dt.year)
        s = self._to_us(dt, st)
        while True:
            starts, ends = st[2], st[3]
            i = bisect_right(starts, s) - 1
            if i >= 0 and starts[i] < s <= ends[i]:
                return dt
            if i >= 0 and s > ends[i]:
                return self._from_us(ends[i], dt, st)
            if i >= 1:  # exactly the start of period i
                return self._from_us(ends[i - 1], dt, st)
            st = self._cover(st[0] - 2, st[1])

    def is_working_day(self, d: date) -> bool:
        """True if ``d`` is a working day by the production calendar."""
        return self._calendar(d.year).is_working_day(d)

    def is_shortened_day(self, d: date) -> bool:
        """True if ``d`` is a working day shortened before a holiday."""
        return self._calendar(d.year).is_shortened_day(d)

    def working_intervals(self, d: date) -> list[tuple[datetime, datetime]]:
        """The working periods of day ``d`` as aware datetimes in the administration's zone."""
        midnight = datetime(d.year, d.month, d.day)
        return [
            ((midnight + a * _US).replace(tzinfo=self._tz),
             (midnight + b * _US).replace(tzinfo=self._tz))
            for a, b in self._day_periods_us(d)
        ]

    def _local_periods(self, d: date) -> list[tuple[datetime, datetime]]:
        midnight = datetime(d.year, d.month, d.day)
        return [(midnight + a * _US, midnight + b * _US) for a, b in self._day_periods_us(d)]

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The end of the ``n``-th working day after the day of ``start`` (n ≥ 1).

        Counting begins on the next day, as the Civil Code counts periods (art. 191): a step
        started on Monday with n = 1 is due at the end of Tuesday's working hours (18:00, or
        17:00 on a shortened day).  Days without working hours do not count.
        """
        if n < 1:
            raise ValueError("Число рабочих дней должно быть положительным")
        local = self._to_local_naive(start)
        d = local.date()
        counted = 0
        limit = d + timedelta(days=366 * 10 + n * 7)
        while True:
            d += _ONE_DAY
            if d > limit:
                raise ValueError("Не удалось найти рабочие дни: в календаре нет рабочих дней")
            periods = self._day_periods_us(d)
            if periods:
                counted += 1
                if counted == n:
                    end_local = datetime(d.year, d.month, d.day) + periods[-1][1] * _US
                    if start.tzinfo is None or start.utcoffset() is None:
                        return end_local
                    return end_local.replace(tzinfo=self._tz).astimezone(start.tzinfo)

    # ---------------------------------------------------------------------- explanation
    def explain(self, start: datetime, delta: timedelta) -> list[str]:
        """How the due moment ``add_working_time(start, delta)`` is reached, line by line.

        In the administration's local time: the start, a note if it is outside working time,
        each day with counted working time (shortened days, working weekends and skipped
        breaks named), consecutive non-working days grouped into ranges, and the due moment.
        """
        due = self.add_working_time(start, delta)
        a = self._to_local_naive(start)
        b = self._to_local_naive(due)
        lines: list[str] = []
        if delta >= timedelta(0):
            lines.append(f"Отсчёт с {_fmt_dt(a)} ({_WEEKDAYS_SHORT[a.weekday()]})")
        else:
            lines.append(
                f"Отсчёт назад на {_fmt_duration(-delta)} от {_fmt_dt(a)} "
                f"({_WEEKDAYS_SHORT[a.weekday()]})"
            )
        if delta == timedelta(0):
            lines.append("Срок равен моменту отсчёта: рабочее время не добавляется")
            lines.append(f"Срок: {_fmt_dt(b)}")
            return lines

        if delta > timedelta(0):
            first = self._to_local_naive(self.next_working_moment(start))
            if first != a:
                lines.append(
                    f"{_fmt_dt(a)} — нерабочее время, отсчёт идёт с {_fmt_dt(first)} "
                    f"({_WEEKDAYS_SHORT[first.weekday()]})"
                )
            lo, hi = a, b
        else:
            last = self._to_local_naive(self._last_working_moment(start))
            if last != a:
                lines.append(
                    f"{_fmt_dt(a)} — нерабочее время, отсчёт назад идёт от {_fmt_dt(last)} "
                    f"({_WEEKDAYS_SHORT[last.weekday()]})"
                )
            lo, hi = b, a

        with_year = lo.year != hi.year
        off_days: list[date] = []
        d = lo.date()
        while d <= hi.date():
            periods = self._local_periods(d)
            if not periods:
                off_days.append(d)
            else:
                if off_days:
                    lines.append(self._off_line(off_days, with_year))
                    off_days = []
                segments = [
                    (max(p, lo), min(q, hi)) for p, q in periods if min(q, hi) > max(p, lo)
                ]
                if segments:
                    lines.append(self._day_line(d, periods, segments, with_year))
            d += _ONE_DAY
        if off_days:
            lines.append(self._off_line(off_days, with_year))
        lines.append(f"Срок: {_fmt_dt(b)}")
        return lines

    def _day_line(
        self,
        d: date,
        periods: list[tuple[datetime, datetime]],
        segments: list[tuple[datetime, datetime]],
        with_year: bool,
    ) -> str:
        label = _fmt_day(d, with_year)
        notes: list[str] = []
        if d.weekday() >= 5:
            label += f" ({_WEEKDAYS_SHORT[d.weekday()]})"
            notes.append("рабочий день по переносу")
        if self.is_shortened_day(d):
            notes.append(
                f"сокращённый предпраздничный день, работа до {_fmt_time(periods[-1][1])}"
            )
        head = label + (" — " + ", ".join(notes) if notes else "")
        total = sum((q - p for p, q in segments), timedelta(0))
        spans = ", ".join(f"{_fmt_time(p)}–{_fmt_time(q)}" for p, q in segments)
        line = f"{head}: {spans} — учтено {_fmt_duration(total)}"
        gaps = [(segments[k][1], segments[k + 1][0]) for k in range(len(segments) - 1)]
        if len(gaps) == 1:
            p, q = gaps[0]
            line += f"; обеденный перерыв {_fmt_time(p)}–{_fmt_time(q)} не учитывается"
        elif gaps:
            listed = ", ".join(f"{_fmt_time(p)}–{_fmt_time(q)}" for p, q in gaps)
            line += f"; перерывы {listed} не учитываются"
        return line

    def _off_line(self, days: list[date], with_year: bool) -> str:
        holiday = any(
            is_public_holiday_date(d) and not self.is_working_day(d) for d in days
        )
        weekends = all(d.weekday() >= 5 for d in days)
        single = len(days) == 1
        if holiday:
            kind = "нерабочий праздничный день" if single else "нерабочие праздничные дни"
        elif weekends:
            kind = "выходной день" if single else "выходные"
        else:
            kind = "выходной день (перенос)" if single else "выходные дни (с переносом)"
        return f"{_fmt_day_range(days[0], days[-1], with_year)} — {kind}"


# ------------------------------------------------------------------------- Russian formatting
def _fmt_time(dt: datetime) -> str:
    return dt.strftime("%H:%M:%S" if dt.second else "%H:%M")


def _fmt_dt(dt: datetime) -> str:
    return f"{dt:%d.%m.%Y} {_fmt_time(dt)}"


def _fmt_day(d: date, with_year: bool) -> str:
    text = f"{d.day} {MONTHS_GENITIVE[d.month - 1]}"
    return f"{text} {d.year}" if with_year else text


def _fmt_day_range(first: date, last: date, with_year: bool) -> str:
    if first == last:
        return _fmt_day(first, with_year)
    if first.year == last.year and first.month == last.month:
        tail = f" {last.year}" if with_year else ""
        return f"{first.day}–{last.day} {MONTHS_GENITIVE[last.month - 1]}{tail}"
    return f"{_fmt_day(first, with_year)} – {_fmt_day(last, with_year)}"


def _fmt_duration(value: timedelta) -> str:
    seconds = round(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} ч")
    if minutes:
        parts.append(f"{minutes} мин")
    if secs or not parts:
        parts.append(f"{secs} с")
    return " ".join(parts)
