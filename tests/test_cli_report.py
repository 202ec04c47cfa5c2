"""`main.py report` as the curator runs it: a real process on its own SQLite file with demo data."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]


#: the head of the settlement signs in for the report (a demo account); the password is on stdin
AS_HEAD = ("--user", "glava")


def run(home: Path, *args: str, stdin: str = "glava-demo-1\n") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "INCIDENTS_DB")}
    env["INCIDENTS_HOME"] = str(home)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], text=True, capture_output=True, input=stdin,
                          env=env, timeout=600, cwd=ROOT)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    home = tmp_path_factory.mktemp("home")
    url = f"sqlite:///{tmp_path_factory.mktemp('db')}/demo.sqlite3"
    filled = run(home, "--db", url, "demo")
    assert filled.returncode == 0, filled.stderr
    return home, url


def test_month_report_is_written_and_its_headline_matches_the_workbook(demo, tmp_path: Path) -> None:  # noqa: ANN001
    home, url = demo
    month = date.today().strftime("%Y-%m")  # the demo's incidents end today
    out = tmp_path / "отчёт.xlsx"
    result = run(home, "--db", url, *AS_HEAD, "report", "--month", month, "--out", str(out), "--progress")
    assert result.returncode == 0, result.stderr
    assert out.is_file() and [p.name for p in tmp_path.iterdir()] == ["отчёт.xlsx"]  # no temporary file left
    assert f"записан: {out.resolve()}" in result.stdout
    assert "100 % Готово" in result.stderr
    received = int(next(line for line in result.stdout.splitlines() if "поступило:" in line).split(":")[1])
    wb = load_workbook(out)
    assert wb.sheetnames == ["Сводка", "По исполнителям", "По этапам", "По темам и соцсетям", "Просрочки", "Реестр",
                             "Официальные страницы"]
    register = [r for r in wb["Реестр"].iter_rows(min_row=5, values_only=True) if r[0] is not None]
    assert received == len(register) > 0
    summary = {r[0]: r for r in wb["Сводка"].iter_rows(values_only=True) if isinstance(r[0], str)}
    assert summary["Поступило всего"][1] == received

    def figure(label: str) -> int:
        line = next(line for line in result.stdout.splitlines() if label in line)
        return int(line.split(label)[1].split(";")[0].strip())

    # clause 21 and «not an incident» (clause 2) on their own, as on «Сводка»; the requests of clause 13
    assert figure("без ответа (п. 21):") == summary["Без ответа (п. 21)"][1]
    assert figure("(не инцидент, п. 2):") == summary["Не касается деятельности администрации (не инцидент, п. 2)"][1]
    assert figure("размещён запрос (уточнение) автору (п. 13):") == summary["Размещён запрос (уточнение) автору"][1]
    # the share of answers in time: one definition, named the same way, in the output and on «Сводка»
    label = "Доля ответов в срок (п. 9, 17)"
    line = next(line for line in result.stdout.splitlines() if label.lower() in line)
    assert "от размещённых ответов (в срок и с нарушением срока)" in line and summary[label][7] in line
    printed = float(line.rsplit(":", 1)[1].strip().rstrip(" %").replace(",", "."))
    assert printed == pytest.approx(summary[label][2] * 100, abs=0.05)
    assert summary[label][2] == pytest.approx(summary[label][1] / (summary[label][1] + figure_late(result.stdout)))


def figure_late(stdout: str) -> int:
    line = next(line for line in stdout.splitlines() if "с нарушением срока:" in line)
    return int(line.split("с нарушением срока:")[1].strip())


def test_quarter_by_dates(demo, tmp_path: Path) -> None:  # noqa: ANN001
    home, url = demo
    today = date.today()
    first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    after = date(first.year + (first.month == 10), (first.month + 2) % 12 + 1, 1)  # the next quarter
    last = date.fromordinal(after.toordinal() - 1)
    out = tmp_path / "quarter.xlsx"
    result = run(home, "--db", url, *AS_HEAD, "report", "--from", first.isoformat(), "--to", last.strftime("%d.%m.%Y"),
                 "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "квартал" in result.stdout and out.is_file()


@pytest.mark.parametrize(("args", "message"), [
    (["--month", "2026-13"], "ГГГГ-ММ"),
    (["--month", "ноябрь"], "ГГГГ-ММ"),
    (["--from", "2026-10-01"], "Укажите период"),
    (["--from", "2026-12-01", "--to", "2026-10-01"], "позже его конца"),
    (["--from", "31.02.2026", "--to", "2026-03-01"], "нужна дата"),
    (["--month", "2026-11", "--from", "2026-10-01", "--to", "2026-10-31"], "либо --month"),
])
def test_bad_periods_are_one_russian_line_and_exit_2(demo, tmp_path: Path, args: list[str],  # noqa: ANN001
                                                     message: str) -> None:
    home, url = demo
    out = tmp_path / "r.xlsx"
    result = run(home, "--db", url, *AS_HEAD, "report", *args, "--out", str(out))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and result.stderr.startswith("Ошибка:") and message in result.stderr
    assert not out.exists()


def test_unwritable_target_and_missing_database(demo, tmp_path: Path) -> None:  # noqa: ANN001
    home, url = demo
    missing_folder = run(home, "--db", url, *AS_HEAD, "report", "--month", "2026-11", "--out", str(tmp_path / "нет" / "r.xlsx"))
    assert missing_folder.returncode == 2 and "не существует" in missing_folder.stderr
    not_xlsx = run(home, "--db", url, *AS_HEAD, "report", "--month", "2026-11", "--out", str(tmp_path / "r.csv"))
    assert not_xlsx.returncode == 2 and ".xlsx" in not_xlsx.stderr
    proc = run(home, "--db", url, *AS_HEAD, "report", "--month", "2026-11", "--out", "/proc/отчёт.xlsx")
    assert proc.returncode == 2 and proc.stderr.startswith("Ошибка:") and "Traceback" not in proc.stderr
    database = tmp_path / "absent.sqlite3"
    absent = run(home, "--db", f"sqlite:///{database}", *AS_HEAD, "report", "--month", "2026-11",
                 "--out", str(tmp_path / "r.xlsx"))
    assert absent.returncode == 2 and "не найден" in absent.stderr
    assert not database.exists() and not (tmp_path / "r.xlsx").exists()
    assert all(p.name != "r.xlsx" for p in tmp_path.iterdir())


def test_help_is_russian(tmp_path: Path) -> None:
    result = run(tmp_path, "report", "--help")
    assert result.returncode == 0
    assert "--month ГГГГ-ММ" in result.stdout and "включительно" in result.stdout


def test_the_report_needs_a_signed_in_reader(demo, tmp_path: Path) -> None:  # noqa: ANN001
    home, url = demo
    out = tmp_path / "r.xlsx"
    nobody = run(home, "--db", url, "report", "--month", "2026-11", "--out", str(out))
    assert nobody.returncode == 2 and "--user ЛОГИН" in nobody.stderr
    executor = run(home, "--db", url, "--user", "zhkh", "report", "--month", "2026-11", "--out", str(out),
                   stdin="zhkh-demo-1\n")
    assert executor.returncode == 2 and "доступно куратору, главе" in executor.stderr
    wrong = run(home, "--db", url, *AS_HEAD, "report", "--month", "2026-11", "--out", str(out), stdin="nope\n")
    assert wrong.returncode == 2 and "Неверный логин или пароль" in wrong.stderr
    assert not out.exists()
