"""The Russian production calendar (производственный календарь) for a five-day week.

A year's calendar says which days are non-working (weekends, public holidays of the Labour Code
art. 112 and days off moved by Government decree) and which working days are shortened by one
hour before a public holiday (art. 95).  Sources, in the order :func:`calendar_for_year` asks them:

* overrides — years stored in the database (imported or edited by the administrator), wired by
  the caller;
* the bundled CSV ``resources/calendar/production-calendar.csv`` (official open-data layout);
* a calendar derived from the ``holidays`` package, marked ``needs_confirmation``.

Pure Python: no Qt, no database.
"""
from __future__ import annotations

import calendar as _cal
import csv
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from fractions import Fraction
from functools import lru_cache

from app.paths import resource_path

__all__ = [
    "BUNDLED_CALENDAR",
    "CalendarImportError",
    "DAY_KINDS",
    "MONTHS_GENITIVE",
    "MONTHS_NOMINATIVE",
    "PUBLIC_HOLIDAYS",
    "SOURCES",
    "YearCalendar",
    "calendar_for_year",
    "derive_year",
    "is_public_holiday_date",
    "load_bundled",
    "parse_official_csv",
    "parse_official_csv_bytes",
    "serialize_official_csv",
]

#: Where the bundled calendar lives under ``resources/``.
BUNDLED_CALENDAR: tuple[str, ...] = ("calendar", "production-calendar.csv")

#: Where a year's calendar came from.
SOURCES: tuple[str, ...] = ("bundled", "imported", "derived", "edited")

#: Kinds of a day for :meth:`YearCalendar.with_day` (same values as ``CalendarDayKind``).
DAY_KINDS: tuple[str, ...] = ("working", "shortened", "non_working")

#: Non-working public holidays of the Labour Code art. 112 (month, day), in force since 2013.
PUBLIC_HOLIDAYS: frozenset[tuple[int, int]] = frozenset(
    [(1, d) for d in range(1, 9)] + [(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)]
)

MONTHS_NOMINATIVE: tuple[str, ...] = (
    "Январь", "Февраль", "Март", "Апрель", "Май", "Июнь",
    "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь",
)
MONTHS_GENITIVE: tuple[str, ...] = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
_MONTHS_PREPOSITIONAL: tuple[str, ...] = (
    "январе", "феврале", "марте", "апреле", "мае", "июне",
    "июле", "августе", "сентябре", "октябре", "ноябре", "декабре",
)

_YEAR_COLUMN = "Год/Месяц"
_TOTAL_WORKING_COLUMN = "Всего рабочих дней"
_TOTAL_NON_WORKING_COLUMN = "Всего праздничных и выходных дней"
_HOURS_COLUMN = "Количество рабочих часов при {}-часовой рабочей неделе"
_NORM_WEEKS: tuple[int, ...] = (40, 36, 24)
_YEAR_RANGE = (1900, 2100)


def is_public_holiday_date(d: date) -> bool:
    """True if the date is one of the art. 112 public holidays (whatever the weekday)."""
    return (d.month, d.day) in PUBLIC_HOLIDAYS


def _fmt_date(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def _year_days(year: int) -> Iterator[date]:
    d = date(year, 1, 1)
    one = timedelta(days=1)
    while d.year == year:
        yield d
        d += one


def _fmt_number(value: Fraction | float | int) -> str:
    """1972 → "1972", 1774.4 → "1774.4" (at most two decimals, no trailing zeros)."""
    text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    return text or "0"


class CalendarImportError(ValueError):
    """A production-calendar file cannot be accepted; ``str()`` is the Russian message.

    ``line`` is the 1-based line of the file the problem was found on (None if the file as a
    whole is wrong) and ``reason`` the message without the «Строка N:» prefix.
    """

    def __init__(self, reason: str, line: int | None = None) -> None:
        self.reason = reason
        self.line = line
        self.message = f"Строка {line}: {reason}" if line is not None else reason
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class YearCalendar:
    """One year of the production calendar: its non-working and shortened days.

    ``non_working`` lists every non-working day of the year (weekends, public holidays and days
    off moved by decree); a Saturday or Sunday missing from it is a working day moved by decree.
    ``shortened`` lists the pre-holiday working days shortened by one hour (art. 95).
    """

    year: int
    non_working: frozenset[date]
    shortened: frozenset[date] = field(default_factory=frozenset)
    source: str = "bundled"
    needs_confirmation: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "non_working", frozenset(self.non_working))
        object.__setattr__(self, "shortened", frozenset(self.shortened))
        if not isinstance(self.year, int) or not (1 <= self.year <= 9998):
            raise ValueError(f"Недопустимый год календаря: {self.year!r}")
        if self.source not in SOURCES:
            raise ValueError(f"Неизвестный источник календаря: {self.source!r}")
        for d in self.non_working | self.shortened:
            if not isinstance(d, date) or d.year != self.year:
                raise ValueError(f"День {d} не относится к {self.year} году")
        both = self.non_working & self.shortened
        if both:
            raise ValueError(
                f"День {_fmt_date(min(both))} не может быть одновременно нерабочим и сокращённым"
            )

    # --- single days ------------------------------------------------------------------------
    def _check(self, d: date) -> None:
        if d.year != self.year:
            raise ValueError(f"День {_fmt_date(d)} не относится к {self.year} году")

    def is_working_day(self, d: date) -> bool:
        """True if ``d`` (a day of this year) is a working day, shortened ones included."""
        self._check(d)
        return d not in self.non_working

    def is_shortened_day(self, d: date) -> bool:
        """True if ``d`` is a working day shortened by one hour before a holiday."""
        self._check(d)
        return d in self.shortened

    def is_public_holiday(self, d: date) -> bool:
        """True if ``d`` is a non-working public holiday of art. 112 (not a mere day off)."""
        self._check(d)
        return d in self.non_working and is_public_holiday_date(d)

    def day_kind(self, d: date) -> str:
        """"working", "shortened" or "non_working"."""
        self._check(d)
        if d in self.non_working:
            return "non_working"
        return "shortened" if d in self.shortened else "working"

    def days(self) -> Iterator[date]:
        """Every day of the year, in order."""
        return _year_days(self.year)

    # --- listings ---------------------------------------------------------------------------
    @property
    def working_saturdays(self) -> tuple[date, ...]:
        """Saturdays and Sundays that are working days (moved by decree), in order."""
        return tuple(d for d in self.days() if d.weekday() >= 5 and d not in self.non_working)

    @property
    def non_working_weekdays(self) -> tuple[date, ...]:
        """Monday–Friday days that are not worked: holidays and days off moved onto weekdays."""
        return tuple(sorted(d for d in self.non_working if d.weekday() < 5))

    @property
    def public_holidays(self) -> tuple[date, ...]:
        """The non-working public holidays of art. 112 falling in this year (any weekday)."""
        return tuple(sorted(d for d in self.non_working if is_public_holiday_date(d)))

    @property
    def transferred_days_off(self) -> tuple[date, ...]:
        """Weekdays off that are not public holidays themselves (the «+» days of the CSV)."""
        return tuple(d for d in self.non_working_weekdays if not is_public_holiday_date(d))

    # --- totals -----------------------------------------------------------------------------
    def working_days_count(self) -> int:
        """Number of working days in the year (shortened ones included)."""
        return (date(self.year, 12, 31).timetuple().tm_yday) - len(self.non_working)

    def non_working_days_count(self) -> int:
        """Number of weekends, holidays and days off in the year."""
        return len(self.non_working)

    def _norm(self, week_hours: float | int | Fraction) -> Fraction:
        per_day = Fraction(str(week_hours)) / 5
        return per_day * self.working_days_count() - len(self.shortened)

    def norm_hours(self, week_hours: float = 40) -> float:
        """The year's norm of working hours for a five-day week of ``week_hours`` hours.

        week_hours / 5 per working day, minus one hour per shortened day (order of the Ministry
        of Health and Social Development no. 588n): 40 h → 1972 for 2025.
        """
        return float(self._norm(week_hours))

    # --- edits and comparison ---------------------------------------------------------------
    def with_day(self, d: date, kind: str) -> YearCalendar:
        """A copy with day ``d`` set to "working", "shortened" or "non_working"; source "edited"."""
        self._check(d)
        if kind not in DAY_KINDS:
            raise ValueError(f"Неизвестный вид дня: {kind!r}")
        non_working = set(self.non_working)
        shortened = set(self.shortened)
        non_working.discard(d)
        shortened.discard(d)
        if kind == "non_working":
            non_working.add(d)
        elif kind == "shortened":
            shortened.add(d)
        return replace(
            self,
            non_working=frozenset(non_working),
            shortened=frozenset(shortened),
            source="edited",
            needs_confirmation=False,
        )

    def differences(self, other: YearCalendar) -> list[tuple[date, str, str]]:
        """Days whose kind differs: (day, kind here, kind in ``other``), in order."""
        if other.year != self.year:
            raise ValueError("Сравнивать можно только календари одного года")
        changed = (self.non_working ^ other.non_working) | (self.shortened ^ other.shortened)
        return [(d, self.day_kind(d), other.day_kind(d)) for d in sorted(changed)]

    def same_days(self, other: YearCalendar) -> bool:
        """True if both calendars describe the same days (sources may differ)."""
        return (
            self.year == other.year
            and self.non_working == other.non_working
            and self.shortened == other.shortened
        )

    # --- the official layout ----------------------------------------------------------------
    def month_cell(self, month: int) -> str:
        """The official CSV cell of a month: "1,2+,3,7*" (non-working days and marked ones)."""
        tokens: list[str] = []
        for day in range(1, _cal.monthrange(self.year, month)[1] + 1):
            d = date(self.year, month, day)
            if d in self.shortened:
                tokens.append(f"{day}*")
            elif d in self.non_working:
                transferred = d.weekday() < 5 and not is_public_holiday_date(d)
                tokens.append(f"{day}+" if transferred else str(day))
        return ",".join(tokens)


# ---------------------------------------------------------------------------------------------
# The official open-data CSV
# ---------------------------------------------------------------------------------------------
def _norm_header(text: str) -> str:
    return " ".join(text.replace("ё", "е").replace("Ё", "Е").split()).casefold()


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DAY_TOKEN = re.compile(r"(\d{1,2})\s*([*+]?)")
_HOURS_HEADER = re.compile(r"при\s*(\d+(?:[.,]\d+)?)\s*-?\s*часов")


def _parse_number(text: str) -> Fraction | None:
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        return None
    return Fraction(cleaned)


def parse_official_csv(text: str, *, source: str = "imported") -> dict[int, YearCalendar]:
    """Parse the official open-data production-calendar CSV into calendars by year.

    One row per year, a column per month listing the non-working days (``*`` marks a shortened
    working day, ``+`` a moved day off), optional totals which must agree with the days.
    Delimiter ``,`` or ``;``.  All or nothing: any problem raises :class:`CalendarImportError`
    naming the line and the reason, and nothing is returned.
    """
    if source not in SOURCES:
        raise ValueError(f"Неизвестный источник календаря: {source!r}")
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise CalendarImportError("Файл пуст: в нём нет ни заголовка, ни данных")
    if _CONTROL_CHARS.search(text):
        raise CalendarImportError("Файл содержит двоичные данные — это не CSV-файл календаря")

    first_line = next(line for line in text.splitlines() if line.strip())
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)

    header: list[str] | None = None
    header_line = 0
    month_cols: list[int] = []
    year_col = 0
    working_col: int | None = None
    non_working_col: int | None = None
    hours_cols: list[tuple[int, Fraction, str]] = []
    result: dict[int, YearCalendar] = {}
    year_lines: dict[int, int] = {}

    try:
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if header is None:
                header, header_line = row, line
                normalized = [_norm_header(cell) for cell in row]
                year_aliases = (_norm_header(_YEAR_COLUMN), "год", "год/месяцы")
                year_matches = [i for i, h in enumerate(normalized) if h in year_aliases]
                if not year_matches:
                    raise CalendarImportError(
                        f"нет столбца «{_YEAR_COLUMN}» — это не производственный календарь "
                        "в формате открытых данных",
                        line,
                    )
                year_col = year_matches[0]
                for name in MONTHS_NOMINATIVE:
                    try:
                        month_cols.append(normalized.index(_norm_header(name)))
                    except ValueError:
                        raise CalendarImportError(f"нет столбца «{name}»", line) from None
                for i, h in enumerate(normalized):
                    if h == _norm_header(_TOTAL_WORKING_COLUMN):
                        working_col = i
                    elif h == _norm_header(_TOTAL_NON_WORKING_COLUMN):
                        non_working_col = i
                    elif (m := _HOURS_HEADER.search(h)) is not None:
                        hours_cols.append((i, Fraction(m.group(1).replace(",", ".")), row[i]))
                continue

            cells = list(row)
            if len(cells) > len(header) and not any(c.strip() for c in cells[len(header):]):
                cells = cells[: len(header)]
            if len(cells) != len(header):
                raise CalendarImportError(
                    f"ожидалось значений: {len(header)} (как в заголовке), найдено: {len(cells)}",
                    line,
                )
            year_text = cells[year_col].strip()
            if not re.fullmatch(r"\d{1,4}", year_text):
                raise CalendarImportError(f"год «{year_text}» не является целым числом", line)
            year = int(year_text)
            if not (_YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]):
                raise CalendarImportError(
                    f"год {year} вне допустимого диапазона {_YEAR_RANGE[0]}–{_YEAR_RANGE[1]}", line
                )
            if year in result:
                raise CalendarImportError(
                    f"год {year} уже описан в строке {year_lines[year]}", line
                )

            non_working: set[date] = set()
            shortened: set[date] = set()
            for month, col in enumerate(month_cols, start=1):
                month_name = MONTHS_NOMINATIVE[month - 1]
                last_day = _cal.monthrange(year, month)[1]
                seen: set[int] = set()
                for token in re.split(r"[,\s]+", cells[col].strip()):
                    if not token:
                        continue
                    m = _DAY_TOKEN.fullmatch(token)
                    if m is None:
                        raise CalendarImportError(
                            f"в столбце «{month_name}» непонятное значение «{token}» "
                            "(ожидается число дня, возможно с «*» или «+»)",
                            line,
                        )
                    day, mark = int(m.group(1)), m.group(2)
                    if not (1 <= day <= last_day):
                        raise CalendarImportError(
                            f"день {day} не существует в {_MONTHS_PREPOSITIONAL[month - 1]} "
                            f"{year} года",
                            line,
                        )
                    if day in seen:
                        raise CalendarImportError(
                            f"день {day} указан в столбце «{month_name}» дважды", line
                        )
                    seen.add(day)
                    d = date(year, month, day)
                    (shortened if mark == "*" else non_working).add(d)

            cal = YearCalendar(year, frozenset(non_working), frozenset(shortened), source,
                               needs_confirmation=False)
            _check_totals(cal, cells, line, working_col, non_working_col, hours_cols)
            result[year] = cal
            year_lines[year] = line
    except csv.Error as exc:
        raise CalendarImportError(
            f"нарушен формат CSV (например, незакрытые кавычки): {exc}", reader.line_num
        ) from None

    if header is None:
        raise CalendarImportError("Файл пуст: в нём нет ни заголовка, ни данных")
    if not result:
        raise CalendarImportError(
            f"после заголовка (строка {header_line}) нет ни одной строки с данными года"
        )
    return result


def _check_totals(
    cal: YearCalendar,
    cells: list[str],
    line: int,
    working_col: int | None,
    non_working_col: int | None,
    hours_cols: list[tuple[int, Fraction, str]],
) -> None:
    def number(col: int, title: str) -> Fraction | None:
        raw = cells[col].strip()
        if not raw:
            return None
        value = _parse_number(raw)
        if value is None:
            raise CalendarImportError(f"в столбце «{title}» не число: «{raw}»", line)
        return value

    if working_col is not None:
        given = number(working_col, _TOTAL_WORKING_COLUMN)
        counted = cal.working_days_count()
        if given is not None and given != counted:
            raise CalendarImportError(
                f"итог рабочих дней {_fmt_number(given)} не совпадает с подсчитанным {counted}",
                line,
            )
    if non_working_col is not None:
        given = number(non_working_col, _TOTAL_NON_WORKING_COLUMN)
        counted = cal.non_working_days_count()
        if given is not None and given != counted:
            raise CalendarImportError(
                f"итог праздничных и выходных дней {_fmt_number(given)} не совпадает "
                f"с подсчитанным {counted}",
                line,
            )
    for col, week_hours, title in hours_cols:
        given = number(col, title)
        counted = cal._norm(week_hours)
        if given is not None and abs(given - counted) >= Fraction(1, 100):
            raise CalendarImportError(
                f"норма часов при {_fmt_number(week_hours)}-часовой неделе {_fmt_number(given)} "
                f"не совпадает с подсчитанной {_fmt_number(counted)}",
                line,
            )


def parse_official_csv_bytes(data: bytes, *, source: str = "imported") -> dict[int, YearCalendar]:
    """Decode a calendar file (UTF-8 with or without BOM, else Windows-1251) and parse it."""
    if not data.strip():
        raise CalendarImportError("Файл пуст: в нём нет ни заголовка, ни данных")
    if _CONTROL_BYTES.search(data):
        raise CalendarImportError("Файл содержит двоичные данные — это не CSV-файл календаря")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise CalendarImportError(
                "Не удалось прочитать файл: ожидается текст в кодировке UTF-8 или Windows-1251"
            ) from None
    return parse_official_csv(text, source=source)


def serialize_official_csv(calendars: Mapping[int, YearCalendar] | Iterable[YearCalendar]) -> str:
    """Write calendars in the official open-data layout (comma-separated, "\\n" line ends)."""
    items = list(calendars.values()) if isinstance(calendars, Mapping) else list(calendars)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=",", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(
        [_YEAR_COLUMN, *MONTHS_NOMINATIVE, _TOTAL_WORKING_COLUMN, _TOTAL_NON_WORKING_COLUMN,
         *(_HOURS_COLUMN.format(h) for h in _NORM_WEEKS)]
    )
    for cal in sorted(items, key=lambda c: c.year):
        writer.writerow(
            [str(cal.year), *(cal.month_cell(m) for m in range(1, 13)),
             str(cal.working_days_count()), str(cal.non_working_days_count()),
             *(_fmt_number(cal._norm(h)) for h in _NORM_WEEKS)]
        )
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Derivation from the ``holidays`` package
# ---------------------------------------------------------------------------------------------
_SUBSTITUTED_FROM = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


@lru_cache(maxsize=64)
def derive_year(year: int) -> YearCalendar:
    """Derive a year's calendar from the ``holidays`` package; it needs the admin's confirmation.

    Non-working days and working Saturdays come from the package (it knows the decrees on
    moving days off that were published before its release).  Shortened days are not in the
    package and follow the Labour Code art. 95 as the official calendars apply it:

    * a working day whose next calendar day is a public holiday (art. 112, any weekday) is
      shortened — the day before a weekend or a moved day off is not;
    * a Saturday/Sunday worked by decree in exchange for a weekday off takes the status that
      weekday would have had: it is shortened if the day after that weekday is a public holiday
      (2025-11-01 worked for 2025-11-03, the eve of 4 November; 2024-11-02 for 2024-04-30, the
      eve of 1 May; but 2024-12-28, worked for 2024-12-30 whose next day is a mere day off, is
      not).
    """
    import holidays as holidays_pkg  # lazy: the import is slow and only derivation needs it

    if not (_YEAR_RANGE[0] <= year <= _YEAR_RANGE[1]):
        raise ValueError(f"Год {year} вне допустимого диапазона")
    hol = holidays_pkg.country_holidays("RU", years=[year - 1, year, year + 1], language="ru")

    non_working = {d for d in _year_days(year) if not hol.is_working_day(d)}

    # Which weekday off each worked weekend day pays for: the package labels the day off
    # «Выходной (перенесено с ДД.ММ.ГГГГ)».
    worked_weekends = set(hol.weekend_workdays)
    replaces: dict[date, date] = {}
    for day_off in sorted(hol):
        for name in hol.get_list(day_off):
            m = _SUBSTITUTED_FROM.search(name)
            if m is None:
                continue
            source_day = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            if source_day in worked_weekends:
                replaces[source_day] = day_off

    def holiday_next_day(d: date) -> bool:
        nxt = d + timedelta(days=1)
        return is_public_holiday_date(nxt) and not hol.is_working_day(nxt)

    shortened: set[date] = set()
    for d in _year_days(year):
        if d in non_working:
            continue
        if d.weekday() >= 5:
            paid_for = replaces.get(d)
            if paid_for is not None and holiday_next_day(paid_for):
                shortened.add(d)
        elif holiday_next_day(d):
            shortened.add(d)

    return YearCalendar(year, frozenset(non_working), frozenset(shortened), "derived",
                        needs_confirmation=True)


# ---------------------------------------------------------------------------------------------
# Bundled data and the lookup order
# ---------------------------------------------------------------------------------------------
#: bundled years built from the decree as the ``holidays`` package carries it, not yet checked
#: against an official publication: shown to the user as «требует проверки» (see resources README)
UNCONFIRMED_BUNDLED_YEARS = frozenset({2027})


@lru_cache(maxsize=1)
def _bundled() -> dict[int, YearCalendar]:
    data = resource_path(*BUNDLED_CALENDAR).read_bytes()
    years = parse_official_csv_bytes(data, source="bundled")
    return {y: replace(c, needs_confirmation=True) if y in UNCONFIRMED_BUNDLED_YEARS else c
            for y, c in years.items()}


def load_bundled() -> dict[int, YearCalendar]:
    """The calendars shipped with the application (``resources/calendar/…csv``), by year."""
    return dict(_bundled())


def calendar_for_year(
    year: int, overrides: Mapping[int, YearCalendar] | None = None
) -> YearCalendar:
    """The calendar of ``year``: the override if given, else the bundled one, else derived."""
    if overrides and year in overrides:
        return overrides[year]
    try:
        bundled = _bundled()
    except (OSError, CalendarImportError):
        bundled = {}
    if year in bundled:
        return bundled[year]
    return derive_year(year)
