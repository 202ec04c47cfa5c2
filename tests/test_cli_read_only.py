"""Read-only commands on a read-only copy of the database: `db info`, `audit verify`, `report`,
`pages status` (the README promises them for a copy on a read-only share).

Tests run as root, for whom every file is writable, so the copy is made read-only the way the
program asks (``os.access`` says «no writing»): the connection is then opened ``mode=ro`` and SQLite
itself would refuse every write.
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.services import database


@pytest.fixture
def read_only_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    share = tmp_path / "share"
    share.mkdir()
    url = f"sqlite:///{share}/demo.sqlite3"
    assert main(["--db", url, "demo", "--incidents", "40"]) == 0
    real_access = database.os.access

    def access(path, mode: int) -> bool:  # noqa: ANN001 - the share may be read, not written
        if mode & database.os.W_OK and Path(path).resolve().is_relative_to(share):
            return False
        return real_access(path, mode)

    monkeypatch.setattr(database.os, "access", access)
    assert database.read_only_file(share / "demo.sqlite3")
    return url


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_read_only_commands_work_and_writing_ones_are_refused(read_only_demo: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    url = read_only_demo
    capsys.readouterr()
    code, out, err = run(["--db", url, "db", "info"], monkeypatch, capsys)
    assert code == 0 and "Инциденты" in out, err
    code, out, err = run(["--db", url, "audit", "verify"], monkeypatch, capsys)
    assert code == 0 and "Журнал цел" in out, err
    report = tmp_path / "отчёт.xlsx"
    code, out, err = run(["--db", url, "--user", "glava", "report", "--month", "2026-11", "--out", str(report)],
                         monkeypatch, capsys, stdin="glava-demo-1\n")
    assert code == 0 and report.is_file(), err
    code, out, err = run(["--db", url, "pages", "status"], monkeypatch, capsys)
    assert code == 0 and "Правило выполнено" in out, err
    # a command that writes is refused with one Russian line, the copy untouched
    code, out, err = run(["--db", url, "--user", "admin", "user", "add", "--login", "x1", "--name", "Икс",
                          "--roles", "head", "--password-stdin"], monkeypatch, capsys,
                         stdin="admin-demo-1\nnew-password-1\n")
    assert code == 2 and "только для чтения" in err
