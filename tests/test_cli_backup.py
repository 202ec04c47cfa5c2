"""Issue 16: `db backup` / `db restore` of the single-PC database (SQLite's online backup)."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from app.cli import main
from app.services.database import close_database
from tests.helpers import databases

pytestmark = pytest.mark.skipif(databases.backend() != "sqlite", reason="копия файла — для базы SQLite")


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    close_database()
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_backup_is_whole_and_checked_and_a_restore_brings_it_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path}/base.sqlite3"
    assert run(["--db", url, "demo", "--incidents", "30"], monkeypatch, capsys)[0] == 0
    copy = tmp_path / "копия.sqlite3"
    code, text = run(["--db", url, "db", "backup", str(copy)], monkeypatch, capsys)
    assert code == 0 and "целостность проверена" in text and copy.exists()
    assert not list(tmp_path.glob(".*.part"))
    # an existing file is never overwritten
    code, text = run(["--db", url, "db", "backup", str(copy)], monkeypatch, capsys)
    assert code != 0 and "уже есть" in text
    # work goes on after the backup: a new user; the restore brings the database back to the copy
    code, _ = run(["--db", url, "--user", "admin", "user", "add", "--login", "novyi", "--name", "Новый Н. Н.",
                   "--roles", "head", "--password-stdin"], monkeypatch, capsys, "admin-demo-1\nnovyi-parol-2026\n")
    assert code == 0
    code, text = run(["--db", url, "--user", "admin", "db", "restore", str(copy)], monkeypatch, capsys,
                     "admin-demo-1\n")
    assert code == 0 and "восстановлена" in text and "прежняя база сохранена" in text
    code, text = run(["--db", url, "--user", "admin", "user", "list"], monkeypatch, capsys, "admin-demo-1\n")
    assert code == 0 and "novyi" not in text
    assert list(tmp_path.glob("base.sqlite3.before-restore-*.bak"))
    code, text = run(["--db", url, "audit", "verify"], monkeypatch, capsys)
    assert code == 0 and "Журнал цел" in text


def test_a_restore_needs_the_administrator_and_refuses_what_is_not_a_copy(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path}/base.sqlite3"
    assert run(["--db", url, "demo", "--incidents", "10"], monkeypatch, capsys)[0] == 0
    copy = tmp_path / "copy.sqlite3"
    assert run(["--db", url, "db", "backup", str(copy)], monkeypatch, capsys)[0] == 0
    code, text = run(["--db", url, "--user", "kurator", "db", "restore", str(copy)], monkeypatch, capsys,
                     "kurator-demo-1\n")
    assert code != 0 and "администратор" in text
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("не база", encoding="utf-8")
    code, text = run(["--db", url, "--user", "admin", "db", "restore", str(junk)], monkeypatch, capsys,
                     "admin-demo-1\n")
    assert code != 0 and any(w in text for w in ("не открывается как база", "не база программы", "повреждён"))
    assert (tmp_path / "base.sqlite3").exists() and not list(tmp_path.glob("base.sqlite3.before-restore-*"))
