"""The settings dialog: connection check in a worker thread, local config, the time zone."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.migrations import SCHEMA_VERSION
from app.models.enums import Role
from app.services import local_config, settings, users
from app.services.database import OpenedDatabase
from app.services.permissions import actor_for
from app.services.users import UserInfo
from app.ui.settings_dialog import RESTART_MESSAGE, SettingsDialog
from tests.ui.helpers import type_text


def make(qtbot: QtBot, actor=None) -> SettingsDialog:  # noqa: ANN001
    dlg = SettingsDialog(actor=actor)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def check(qtbot: QtBot, dlg: SettingsDialog) -> str:
    qtbot.mouseClick(dlg.check_button, Qt.MouseButton.LeftButton)
    assert dlg.check_running and dlg.check_progress.isVisible() and not dlg.check_button.isEnabled()
    qtbot.waitUntil(lambda: not dlg.check_running, timeout=15_000)
    assert dlg.check_label.isVisible() and dlg.check_button.isEnabled()
    return dlg.check_label.text()


def test_check_connection_on_a_sqlite_file(qtbot: QtBot, ui_db: OpenedDatabase) -> None:
    dlg = make(qtbot)
    dlg.sqlite_radio.setChecked(True)
    dlg.path_edit.setText(str(ui_db.target.path))
    assert check(qtbot, dlg) == f"Соединение установлено: схема {SCHEMA_VERSION}"
    assert "1b5e20" in dlg.check_label.styleSheet()


def test_check_connection_to_an_unreachable_postgresql_shows_the_russian_error(qtbot: QtBot) -> None:
    dlg = make(qtbot)
    dlg.postgres_radio.setChecked(True)
    assert dlg.pg_page.isVisible() and not dlg.sqlite_page.isVisible()
    type_text(dlg.host_edit, "127.0.0.1")
    dlg.port_spin.setValue(5999)
    type_text(dlg.database_edit, "x")
    type_text(dlg.user_edit, "postgres")
    assert dlg.database_url() == "postgresql://postgres@127.0.0.1:5999/x"
    text = check(qtbot, dlg)
    assert text.startswith("Не удаётся подключиться к серверу PostgreSQL 127.0.0.1:5999: сервер недоступен")
    assert "b00020" in dlg.check_label.styleSheet()


def test_a_new_sqlite_file_is_not_created_by_the_check(qtbot: QtBot, tmp_path) -> None:  # noqa: ANN001
    dlg = make(qtbot)
    target = tmp_path / "new.sqlite3"
    dlg.path_edit.setText(str(target))
    assert "будет создан при следующем запуске" in check(qtbot, dlg)
    assert not target.exists()


def test_save_writes_the_local_config_and_says_a_restart_is_needed(
    qtbot: QtBot, tmp_path, monkeypatch: pytest.MonkeyPatch  # noqa: ANN001
) -> None:
    dlg = make(qtbot)
    told: list[str] = []
    monkeypatch.setattr(dlg, "inform", told.append)
    path = tmp_path / "shared.sqlite3"
    dlg.path_edit.setText(str(path))
    dlg.tray_box.setChecked(False)
    dlg.sound_box.setChecked(True)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert told == [RESTART_MESSAGE]
    saved = local_config.load()
    assert saved["db_url"] == f"sqlite:///{path}"
    assert saved["notifications"] == {"tray": False, "sound": True}
    assert local_config.resolve_database_url() == f"sqlite:///{path}"
    assert not dlg.isVisible()


def test_a_saved_postgresql_address_fills_the_fields(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    url = "postgresql://incidents:p%40ss@db.korenovsk.local:5433/incidents"
    local_config.save(db_url=url, notifications={"tray": True, "sound": False})
    dlg = make(qtbot)
    assert dlg.postgres_radio.isChecked() and dlg.pg_page.isVisible()
    assert (dlg.host_edit.text(), dlg.port_spin.value(), dlg.database_edit.text(), dlg.user_edit.text(),
            dlg.password_edit.text()) == ("db.korenovsk.local", 5433, "incidents", "incidents", "p@ss")
    assert dlg.database_url() == url
    told: list[str] = []
    monkeypatch.setattr(dlg, "inform", told.append)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert told == ["Настройки сохранены."]


def test_an_empty_database_name_is_refused_inline(qtbot: QtBot) -> None:
    dlg = make(qtbot)
    dlg.postgres_radio.setChecked(True)
    type_text(dlg.host_edit, "db")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert dlg.error_label.isVisible() and dlg.isVisible()
    assert "не указано имя базы данных" in dlg.error_label.text()


def test_time_zone_is_locked_without_an_administrator(qtbot: QtBot, ui_db: OpenedDatabase) -> None:
    assert not make(qtbot).timezone_combo.isEnabled()
    executor = users.create_user("kurator", "Слепокурова Яна Евгеньевна", "kurator-password", [Role.CURATOR])
    dlg = make(qtbot, actor_for(executor.id))
    assert not dlg.timezone_combo.isEnabled()
    assert dlg.timezone_combo.currentData() == "Europe/Moscow"


def test_an_administrator_changes_the_time_zone(qtbot: QtBot, ui_db: OpenedDatabase, admin: UserInfo,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    dlg = make(qtbot, actor_for(admin.id))
    monkeypatch.setattr(dlg, "inform", lambda text: None)
    assert dlg.timezone_combo.isEnabled()
    dlg.timezone_combo.setCurrentIndex(dlg.timezone_combo.findData("Europe/Samara"))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert settings.timezone_name() == "Europe/Samara"


def test_the_dialog_shows_the_database_the_program_runs_on(qtbot: QtBot, ui_db: OpenedDatabase, tmp_path,  # noqa: ANN001
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Started with --db: the fields show that file, not the saved or default one, and say so."""
    from app.services.running_db import current_url

    saved = tmp_path / "saved.sqlite3"
    local_config.save(db_url=f"sqlite:///{saved}")
    running = current_url()
    assert running == f"sqlite:///{ui_db.target.path}"
    dlg = SettingsDialog(running_url=running)
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.sqlite_radio.isChecked() and dlg.path_edit.text() == str(ui_db.target.path)
    note = dlg.running_label.text()
    assert note.startswith(f"Программа сейчас работает с базой данных: SQLite: {ui_db.target.path}.")
    assert f"программа откроет SQLite: {saved}" in note
    told: list[str] = []
    monkeypatch.setattr(dlg, "inform", told.append)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    assert told == ["Настройки сохранены."]  # nothing changed: the saved choice stays as it was
    assert local_config.load()["db_url"] == f"sqlite:///{saved}"


def test_the_notification_choice_says_where_they_appear(qtbot: QtBot) -> None:
    dlg = make(qtbot)
    assert "трее" not in dlg.tray_box.text() and "у часов на панели задач" in dlg.tray_box.text()
    assert not dlg.running_label.isVisible()  # opened without a running database: no such line
