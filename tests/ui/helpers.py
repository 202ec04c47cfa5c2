"""Helpers and constants shared by the UI tests."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget

ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "секретный-пароль"
ADMIN_NAME = "Петрова Анна Сергеевна"


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key, Cyrillic included (``qtbot.keyClicks`` accepts ASCII only)."""
    for char in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char,
                           Qt.KeyboardModifier.NoModifier)
