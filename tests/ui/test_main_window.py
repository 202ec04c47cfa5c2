"""The main window: title, status bar, empty queue placeholder, menus."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from app import __version__
from app.services.database import OpenedDatabase
from app.services.users import UserInfo
from app.ui.main_window import MainWindow
from app.ui.queue_model import QueueRow


@pytest.fixture
def window(qtbot: QtBot, ui_db: OpenedDatabase, admin: UserInfo) -> MainWindow:
    win = MainWindow(admin, ui_db.target.display())
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_title_and_status_bar_name_the_user(window: MainWindow, ui_db: OpenedDatabase) -> None:
    assert window.windowTitle() == "Инциденты — Петрова Анна Сергеевна"
    assert window.user_label.text() == "Пользователь: Петрова Анна Сергеевна"
    assert window.roles_label.text() == "Роли: Администратор, Куратор"
    assert ui_db.target.display() in window.db_label.text()
    assert window.user_label.isVisible() and window.db_label.isVisible()


def test_empty_queue_shows_placeholder(window: MainWindow) -> None:
    assert window.queue_placeholder.isVisible()
    assert window.queue_placeholder.text() == "Очередь пуста"
    assert not window.queue_view.isVisible()
    assert window.card_placeholder.text() == "Выберите инцидент в очереди"
    assert window.card_placeholder.isVisible()


def test_rows_replace_the_placeholder_and_selection_names_the_incident(
    qtbot: QtBot, window: MainWindow
) -> None:
    row = QueueRow(7, "2025-0007", datetime(2025, 3, 4, 10, 15), "ВКонтакте", "Иван", "Яма на улице Красной")
    window.queue_model.set_rows([row])
    assert window.queue_view.isVisible() and not window.queue_placeholder.isVisible()
    with qtbot.waitSignal(window.incident_selected) as blocker:
        window.queue_view.selectRow(0)
    assert blocker.args == [7]
    window.queue_model.set_rows([])
    assert window.queue_placeholder.isVisible()


def test_menus(window: MainWindow) -> None:
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&Файл", "&Справка"]
    assert window.quit_action.text() == "&Выход"
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")
    assert window.about_action.text() == "&О программе"


def test_quit_action_closes_the_window(window: MainWindow) -> None:
    window.quit_action.trigger()
    assert not window.isVisible()


def test_about_box_shows_version(window: MainWindow) -> None:
    box = window.make_about_box()
    assert f"Версия {__version__}" in box.text()
    assert box.windowTitle() == "О программе"
