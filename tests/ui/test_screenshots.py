"""Renders every screen to PNG for a human to look at.

Skipped unless ``INCIDENTS_UI_SHOTS`` names a folder, e.g.
``INCIDENTS_UI_SHOTS=/tmp/ui-shots QT_QPA_PLATFORM=offscreen pytest tests/ui/test_screenshots.py``.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget, QWizard
from pytestqt.qtbot import QtBot

from app.services.database import OpenedDatabase
from app.services.users import UserInfo
from app.services.errors import DatabaseUnavailable
from app.ui.application import install_russian_translator, make_database_error_box
from app.ui.login_dialog import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.queue_model import QueueRow
from app.ui.wizard import FirstRunWizard
from tests.ui.helpers import type_text

SHOTS = os.environ.get("INCIDENTS_UI_SHOTS")
pytestmark = pytest.mark.skipif(not SHOTS, reason="INCIDENTS_UI_SHOTS не задана: снимки экранов не нужны")


@pytest.fixture
def shots(qapp: QApplication) -> Iterator[Path]:
    folder = Path(SHOTS or ".")
    folder.mkdir(parents=True, exist_ok=True)
    translator = install_russian_translator(qapp)
    yield folder
    if translator is not None:
        qapp.removeTranslator(translator)


def save(qtbot: QtBot, widget: QWidget, path: Path) -> None:
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.wait(50)
    assert widget.grab().save(str(path))


def test_wizard_shots(qtbot: QtBot, shots: Path, ui_db: OpenedDatabase) -> None:
    wiz = FirstRunWizard(ui_db.target.display())
    qtbot.addWidget(wiz)
    save(qtbot, wiz, shots / "01-wizard-intro.png")
    wiz.next()
    page = wiz.account_page
    type_text(page.full_name_edit, "Петрова Анна Сергеевна")
    type_text(page.password_edit, "надёжный-пароль")
    type_text(page.password_repeat_edit, "другой")
    qtbot.mouseClick(wiz.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    save(qtbot, wiz, shots / "02-wizard-account-error.png")


def test_login_shots(qtbot: QtBot, shots: Path, ui_db: OpenedDatabase, admin: UserInfo) -> None:
    dlg = LoginDialog(ui_db.target.display(), login="admin")
    qtbot.addWidget(dlg)
    type_text(dlg.password_edit, "не-тот")
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    save(qtbot, dlg, shots / "03-login-error.png")
    box = dlg.make_connection_help_box()
    save(qtbot, box, shots / "04-connection-help.png")
    box.close()


def test_main_window_shots(qtbot: QtBot, shots: Path, ui_db: OpenedDatabase, admin: UserInfo) -> None:
    win = MainWindow(admin, ui_db.target.display())
    qtbot.addWidget(win)
    save(qtbot, win, shots / "05-main-empty.png")
    win.queue_model.set_rows([
        QueueRow(1, "2025-0001", datetime(2025, 3, 4, 9, 5), "ВКонтакте", "Мария Ковалёва",
                 "Когда отремонтируют дорогу на улице Красной? Третий год одни обещания, ямы по колено.",
                 topic="Дороги", executors="Отдел ЖКХ", status="В работе", remaining_minutes=95),
        QueueRow(2, "2025-0002", datetime(2025, 3, 4, 11, 40), "Telegram", "Пётр",
                 "Не вывозят мусор третий день", topic="Благоустройство", executors="МКУ «Благоустройство»",
                 status="Новый", remaining_minutes=-15, high_priority=True),
        QueueRow(3, "2025-0003", datetime(2025, 3, 4, 12, 1), "Одноклассники", "Любовь Ивановна",
                 "Спасибо за новую детскую площадку!", status="Ответ размещён"),
    ])
    win.queue_view.selectRow(0)
    save(qtbot, win, shots / "06-main-rows.png")
    win.resize(1920, 1040)
    save(qtbot, win, shots / "06b-main-rows-1920.png")
    box = win.make_about_box()
    save(qtbot, box, shots / "07-about.png")
    box.close()


def test_database_error_shot(qtbot: QtBot, shots: Path) -> None:
    box = make_database_error_box(DatabaseUnavailable(
        "Не удаётся подключиться к серверу PostgreSQL db.korenovsk.local:5432: сервер недоступен"))
    save(qtbot, box, shots / "08-database-error.png")
    box.close()
