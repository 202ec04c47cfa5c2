"""The sign-in dialog: the service's Russian message on a wrong password, acceptance on the right one."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from app.services.database import OpenedDatabase
from app.services.users import UserInfo
from app.ui.login_dialog import LoginDialog
from tests.ui.helpers import ADMIN_PASSWORD, type_text


@pytest.fixture
def dialog(qtbot: QtBot, ui_db: OpenedDatabase, admin: UserInfo) -> LoginDialog:
    dlg = LoginDialog(ui_db.target.display())
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    return dlg


def sign_in(qtbot: QtBot, dlg: LoginDialog, login: str, password: str) -> None:
    dlg.login_edit.clear()
    dlg.password_edit.clear()
    type_text(dlg.login_edit, login)
    type_text(dlg.password_edit, password)
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)


def test_wrong_password_shows_russian_message_and_stays_open(qtbot: QtBot, dialog: LoginDialog) -> None:
    sign_in(qtbot, dialog, "admin", "не-тот-пароль")
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == "Неверный логин или пароль"
    assert dialog.password_edit.text() == ""
    assert dialog.user is None


def test_right_password_is_accepted(qtbot: QtBot, dialog: LoginDialog, admin: UserInfo) -> None:
    sign_in(qtbot, dialog, "admin", "не-тот-пароль")
    sign_in(qtbot, dialog, "admin", ADMIN_PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.user is not None and dialog.user.id == admin.id


def test_enter_in_password_field_signs_in(qtbot: QtBot, dialog: LoginDialog) -> None:
    type_text(dialog.login_edit, "admin")
    type_text(dialog.password_edit, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_empty_login_is_asked_for(qtbot: QtBot, dialog: LoginDialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == "Введите логин"
    assert dialog.isVisible()


def test_shows_the_database_in_use(dialog: LoginDialog, ui_db: OpenedDatabase) -> None:
    assert dialog.db_label.toolTip() == ui_db.target.display()
    assert dialog.db_label.text().startswith("SQLite: ")


def test_prefilled_login_puts_cursor_in_password(qtbot: QtBot, ui_db: OpenedDatabase, admin: UserInfo) -> None:
    dlg = LoginDialog(ui_db.target.display(), login="admin")
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    assert dlg.login_edit.text() == "admin"
    assert dlg.focusWidget() is dlg.password_edit


def test_connection_settings_explain_how_to_choose_the_database(
    qtbot: QtBot, dialog: LoginDialog, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    assert dialog.settings_button.text() == "Настройки подключения…"
    qtbot.mouseClick(dialog.settings_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1
    text = shown[0]
    assert "--db" in text and "INCIDENTS_DB" in text and "config.json" in text
    assert dialog.isVisible()
