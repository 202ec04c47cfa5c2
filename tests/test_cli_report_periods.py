"""`main.py report --quarter`: the period is checked before the database is touched."""
from __future__ import annotations

from pathlib import Path

from tests.test_cli_report import run


def test_a_wrong_quarter_is_one_russian_line(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    result = run(tmp_path, "--db", f"sqlite:///{tmp_path}/none.sqlite3", "report", "--quarter", "2026-5",
                 "--out", str(out))
    assert result.returncode == 2
    assert result.stderr.startswith("Ошибка:") and "ГГГГ-К" in result.stderr
    assert not out.exists() and not (tmp_path / "none.sqlite3").exists()


def test_quarter_and_month_together_are_refused(tmp_path: Path) -> None:
    result = run(tmp_path, "report", "--quarter", "2026-4", "--month", "2026-11", "--out", str(tmp_path / "r.xlsx"))
    assert result.returncode == 2 and "что-то одно" in result.stderr


def test_help_names_the_quarter(tmp_path: Path) -> None:
    assert "--quarter" in run(tmp_path, "report", "--help").stdout
