"""`calendar`, `calendar-import` and `due` as an administrator runs them: real processes."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import run

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "production-calendar-2025-2026.csv"


def _db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/calendar.sqlite3"


def _line(stdout: str, start: str) -> str:
    (line,) = [x for x in stdout.splitlines() if x.startswith(start)]
    return line


def _fixture_with_2026(*edits: tuple[str, str]) -> str:
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    for old, new in edits:
        assert old in lines[2]
        lines[2] = lines[2].replace(old, new, 1)
    return "\n".join(lines) + "\n"


def test_help_lists_the_calendar_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("calendar ", "calendar-import", "due "):
        assert f"    {command}" in result.stdout
    due_help = run("due", "--help")
    assert due_help.returncode == 0
    assert "НАЧАЛО" in due_help.stdout and "--days" in due_help.stdout


def test_calendar_2026_shows_the_totals_norms_and_shortened_days(tmp_path: Path) -> None:
    result = run("--db", _db(tmp_path), "calendar", "2026")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert _line(out, "Рабочих дней:") == "Рабочих дней: 247"
    assert _line(out, "Выходных и нерабочих праздничных дней:").endswith(" 118")
    assert _line(out, "Сокращённые предпраздничные дни").endswith("4 — 30 апреля, 8 мая, 11 июня, 3 ноября")
    assert _line(out, "Нерабочие праздничные дни:").endswith(
        "1–8 января, 23 февраля, 8 марта, 1 мая, 9 мая, 12 июня, 4 ноября")
    assert _line(out, "Выходные дни, перенесённые на будни:").endswith("9 января, 9 марта, 11 мая, 31 декабря")
    assert _line(out, "Рабочие субботы и воскресенья").endswith(": нет")
    assert "при 40-часовой рабочей неделе — 1972 ч" in out
    assert "при 36-часовой рабочей неделе — 1774,4 ч" in out
    assert "при 24-часовой рабочей неделе — 1181,6 ч" in out
    assert _line(out, "Источник:") == "Источник: встроенный"
    assert "требует проверки" not in out


def test_calendar_2025_shows_1_november_as_a_shortened_working_saturday(tmp_path: Path) -> None:
    result = run("--db", _db(tmp_path), "calendar", "2025")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert _line(out, "Рабочие субботы и воскресенья").endswith(": 1 ноября (сб, сокращённый)")
    assert _line(out, "Сокращённые предпраздничные дни").endswith("4 — 7 марта, 30 апреля, 11 июня, 1 ноября")
    assert "Рабочих дней: 247" in out and "1972 ч" in out


def test_calendar_of_a_derived_year_says_it_needs_checking(tmp_path: Path) -> None:
    result = run("--db", _db(tmp_path), "calendar", "2031")
    assert result.returncode == 0, result.stderr
    assert _line(result.stdout, "Источник:") == "Источник: выведен по правилам — требует проверки"
    assert "calendar-import" in result.stdout


@pytest.mark.parametrize(("year", "message"), [("3000", "вне допустимого диапазона"), ("двадцать", "не является целым")])
def test_calendar_of_a_bad_year_is_one_russian_line(tmp_path: Path, year: str, message: str) -> None:
    result = run("--db", _db(tmp_path), "calendar", year)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_calendar_import_then_a_broken_file_changes_nothing(tmp_path: Path) -> None:
    url = _db(tmp_path)
    imported = run("--db", url, "calendar-import", str(FIXTURE))
    assert imported.returncode == 0, imported.stderr
    assert "2025, 2026" in imported.stdout
    assert "2026: рабочих дней 247, норма при 40-часовой неделе 1972 ч" in imported.stdout
    shown = run("--db", url, "calendar", "2026")
    assert _line(shown.stdout, "Источник:") == "Источник: импортирован"

    # line 2 (2025, another valid variant) is fine, line 3 (2026) has 31 February
    broken = tmp_path / "broken.csv"
    broken.write_text(
        _fixture_with_2026(('"1,7,8,14,15,21,22,23,28"', '"1,7,8,14,15,21,22,23,28,31"')), encoding="utf-8")
    failed = run("--db", url, "calendar-import", str(broken))
    assert failed.returncode == 2 and failed.stdout == ""
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "Строка 3" in lines[0] and "день 31 не существует в феврале 2026 года" in lines[0]

    again = run("--db", url, "calendar", "2026")
    assert again.stdout == shown.stdout

    missing = run("--db", url, "calendar-import", str(tmp_path / "нет-такого.csv"))
    assert missing.returncode == 2 and "не найден" in missing.stderr


def test_calendar_import_of_an_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run("--db", _db(tmp_path), "calendar-import", str(empty))
    assert result.returncode == 2 and "Файл пуст" in result.stderr


# ------------------------------------------------------------------------------------- due
DUE_CASES = {
    # Friday 16:00–18:00 (2 h), then Saturday 1 November 2025, a working shortened day:
    # 09:00–13:00 (4 h), lunch, 14:00–16:00 (2 h) → 8 h
    "через рабочую субботу": (
        ("2025-10-31T16:00", "--hours", "8"), "2025-11-01T16:00",
        ["1 ноября (сб) — рабочий день по переносу, сокращённый предпраздничный день, работа до 17:00",
         "учтено 6 ч"],
    ),
    # 02:00 is night: the clock starts at 09:00 of the same Friday; 8 h end at 18:00
    "ночной старт": (
        ("2025-10-31T02:00", "--hours", "8"), "2025-10-31T18:00",
        ["31.10.2025 02:00 — нерабочее время, отсчёт идёт с 31.10.2025 09:00 (пт)"],
    ),
    # Sunday 2 November, then 3 November (moved day off) and 4 November (holiday): Wednesday
    "старт в выходной": (
        ("2025-11-02T10:00", "--hours", "8"), "2025-11-05T18:00",
        ["2–4 ноября — нерабочие праздничные дни", "отсчёт идёт с 05.11.2025 09:00 (ср)"],
    ),
    # 13:30 is lunch: 14:00–18:00 (4 h) and 09:00–13:00 next day (4 h); Russian form, unquoted
    "старт в обед": (
        ("05.11.2025", "13:30", "--hours", "8"), "2025-11-06T13:00",
        ["05.11.2025 13:30 — нерабочее время, отсчёт идёт с 05.11.2025 14:00 (ср)"],
    ),
    "русская форма в кавычках": (
        ("05.11.2025 13:30", "--hours", "8"), "2025-11-06T13:00", ["Срок: 06.11.2025 13:00"],
    ),
    # high priority: Friday 17:00–18:00 (1 h), weekend, Monday 09:00–12:00 (3 h)
    "четыре часа через выходные": (
        ("2026-01-30T17:00", "--hours", "4"), "2026-02-02T12:00", ["31 января – 1 февраля — выходные"],
    ),
    "минуты": (
        ("2026-03-16T17:45", "--minutes", "30"), "2026-03-17T09:15",
        ["16 марта: 17:45–18:00 — учтено 15 мин", "17 марта: 09:00–09:15 — учтено 15 мин"],
    ),
    # 16:00 UTC is 19:00 in Moscow: counted from Saturday 09:00, 1.5 h
    "момент с часовым поясом": (
        ("2025-10-31T16:00+00:00", "--hours", "1,5"), "2025-11-01T10:30", ["учтено 1 ч 30 мин"],
    ),
    # without an amount: the 8 working hours of clause 9
    "срок ответа по умолчанию": (("2026-03-16T09:00",), "2026-03-16T18:00", ["учтено 8 ч"]),
    # clause 12: the draft goes no later than 3 h before the deadline, counted backwards
    "назад на три часа": (
        ("2025-11-05T16:00", "--hours", "-3"), "2025-11-05T12:00", ["Отсчёт назад на 3 ч"],
    ),
    # counted from the next day: 31 Dec 2025 – 11 Jan 2026 off, 12–16 Jan (1–5), 19–20 Jan (6–7)
    "семь рабочих дней через новогодние каникулы": (
        ("2025-12-30T10:00", "--days", "7"), "2026-01-20T18:00",
        ["31 декабря 2025 – 11 января 2026 — нерабочие праздничные и выходные дни, не считаются",
         "12–16 января 2026 — рабочие дни № 1–5",
         "17–18 января 2026 — выходные, не считаются",
         "19–20 января 2026 — рабочие дни № 6–7",
         "Срок: 20.01.2026 18:00 — конец 7-го рабочего дня"],
    ),
    # the last counted day is shortened: due at 17:00
    "последний день сокращённый": (
        ("2026-04-29T10:00", "--days", "1"), "2026-04-30T17:00",
        ["30 апреля — рабочий день № 1 (сокращённый предпраздничный)"],
    ),
}


@pytest.mark.parametrize("name", list(DUE_CASES))
def test_due_prints_the_moment_then_the_explanation(tmp_path: Path, name: str) -> None:
    args, due, explained = DUE_CASES[name]
    result = run("--db", _db(tmp_path), "due", *args)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == due
    assert lines[1].startswith("Отсчёт ")
    assert lines[-1].startswith("Срок: ")
    for text in explained:
        assert any(text in line for line in lines[1:]), (text, result.stdout)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("завтра", "--hours", "8"), "Не удалось разобрать момент начала «завтра»"),
        (("2025-02-30T10:00",), "Не удалось разобрать момент начала"),
        (("31.10.2025 25:00",), "Не удалось разобрать момент начала"),
        (("31.10.2025", "16:00:99"), "Не удалось разобрать момент начала"),
        (("2025-10-31T16:00", "--hours", "восемь"), "Число часов"),
        (("2025-10-31T16:00", "--hours", "0,001"), "с точностью до минуты"),
        (("2025-10-31T16:00", "--days", "0"), "не меньше 1"),
    ],
)
def test_due_with_bad_input_is_one_russian_line_and_exit_code_2(tmp_path: Path, args: tuple[str, ...],
                                                                  message: str) -> None:
    result = run("--db", _db(tmp_path), "due", *args)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Ошибка: ") and message in lines[0]
    assert not (tmp_path / "calendar.sqlite3").exists()  # refused before opening the database


def test_due_follows_the_calendar_stored_in_the_database(tmp_path: Path) -> None:
    url = _db(tmp_path)
    before = run("--db", url, "due", "2026-01-16T17:00", "--hours", "2")
    assert before.stdout.splitlines()[0] == "2026-01-19T10:00"

    # the official file but Monday 19 January 2026 is a day off (totals corrected)
    changed = tmp_path / "changed.csv"
    changed.write_text(_fixture_with_2026(
        ('"1,2,3,4,5,6,7,8,9+,10,11,17,18,24,25,31"', '"1,2,3,4,5,6,7,8,9+,10,11,17,18,19+,24,25,31"'),
        ("247,118,1972,1774.4,1181.6", "246,119,1964,1767.2,1176.8"),
    ), encoding="utf-8")
    assert run("--db", url, "calendar-import", str(changed)).returncode == 0

    after = run("--db", url, "due", "2026-01-16T17:00", "--hours", "2")
    assert after.returncode == 0, after.stderr
    assert after.stdout.splitlines()[0] == "2026-01-20T10:00"
    assert "17–19 января — выходные дни (с переносом)" in after.stdout
    assert "Рабочих дней: 246" in run("--db", url, "calendar", "2026").stdout


def test_calendar_import_and_due_on_the_backend_under_test(fresh_database_url: str) -> None:
    """The same commands against the backend of INCIDENTS_TEST_BACKEND (PostgreSQL in its run)."""
    imported = run("--db", fresh_database_url, "calendar-import", str(FIXTURE))
    assert imported.returncode == 0, imported.stderr
    shown = run("--db", fresh_database_url, "calendar", "2025")
    assert _line(shown.stdout, "Источник:") == "Источник: импортирован"
    assert "Рабочих дней: 247" in shown.stdout
    due = run("--db", fresh_database_url, "due", "2025-10-31T16:00", "--hours", "8")
    assert due.returncode == 0, due.stderr
    assert due.stdout.splitlines()[0] == "2025-11-01T16:00"
