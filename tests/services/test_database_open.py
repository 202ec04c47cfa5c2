"""Bad database addresses give one clear Russian line and write nothing."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.services import local_config
from app.services.database import open_database, parse_url
from app.services.errors import DatabaseUnavailable


def test_unknown_scheme_names_the_supported_ones() -> None:
    with pytest.raises(DatabaseUnavailable, match="Неизвестный тип базы данных «mysql».*sqlite:///.*postgresql://"):
        open_database("mysql://root@localhost/test")


def test_unreachable_postgresql_server_is_reported_with_host_and_port() -> None:
    with pytest.raises(DatabaseUnavailable, match="Не удаётся подключиться к серверу PostgreSQL 127.0.0.1:5999"):
        open_database("postgresql://postgres@127.0.0.1:5999/incidents")


def test_a_text_file_is_not_taken_for_a_database_and_stays_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("список дел", encoding="utf-8")
    with pytest.raises(DatabaseUnavailable, match="не является базой данных SQLite"):
        open_database(f"sqlite:///{notes}")
    assert notes.read_text(encoding="utf-8") == "список дел"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_read_only_location_is_refused_without_creating_anything() -> None:
    with pytest.raises(DatabaseUnavailable, match="папка недоступна для записи"):
        open_database("sqlite:////proc/incidents.sqlite3")
    assert not Path("/proc/incidents.sqlite3").exists()


def test_read_only_existing_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "base.sqlite3"
    open_database(f"sqlite:///{path}")
    from app.services.database import close_database

    close_database()
    before = path.read_bytes()
    # root ignores file modes, so ask the check itself what a clerk's account would see
    monkeypatch.setattr(os, "access", lambda p, mode: not (mode & os.W_OK))
    with pytest.raises(DatabaseUnavailable, match="только для чтения"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_missing_file_is_not_created_when_creation_is_off(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailable, match="не найден"):
        open_database(f"sqlite:///{tmp_path}/absent.sqlite3", create=False)
    assert not (tmp_path / "absent.sqlite3").exists()


def test_postgresql_address_is_shown_without_its_password() -> None:
    target = parse_url("postgresql://kurator:s3cret@db.korenovsk.local:6432/incidents")
    assert target.display() == "PostgreSQL: kurator@db.korenovsk.local:6432/incidents"
    assert "s3cret" not in target.display()


def test_database_choice_order_is_flag_then_environment_then_saved_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    assert local_config.resolve_database_url().endswith("incidents.sqlite3")
    local_config.save(db_url="sqlite:///saved.sqlite3")
    assert local_config.resolve_database_url() == "sqlite:///saved.sqlite3"
    monkeypatch.setenv("INCIDENTS_DB", "postgresql://u@h/env")
    assert local_config.resolve_database_url() == "postgresql://u@h/env"
    assert local_config.resolve_database_url("sqlite:///flag.sqlite3") == "sqlite:///flag.sqlite3"


def test_a_file_of_a_newer_program_is_refused_without_being_touched(tmp_path) -> None:  # noqa: ANN001
    """Issue 16: the refusal comes before this program's connection would switch the file to WAL."""
    import sqlite3

    import pytest

    from app.models import migrations
    from app.services.database import open_database
    from app.services.errors import DatabaseUnavailable

    path = tmp_path / "newer.sqlite3"
    with sqlite3.connect(path) as conn:  # a rollback-journal file, as another program left it
        conn.execute("CREATE TABLE schema_info (id INTEGER PRIMARY KEY, version INTEGER, upgraded_at TEXT, program TEXT)")
        conn.execute("INSERT INTO schema_info (version, upgraded_at, program) VALUES (?, '2027-01-01', '9.9')",
                     (migrations.SCHEMA_VERSION + 1,))
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseUnavailable, match="более новой версией программы"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == before  # byte for byte: not switched to WAL, nothing written
    assert not (tmp_path / "newer.sqlite3-wal").exists()
