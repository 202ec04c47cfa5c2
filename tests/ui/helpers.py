"""Helpers and constants shared by the UI tests."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

ADMIN_LOGIN = "admin"
ADMIN_PASSWORD = "секретный-пароль"
ADMIN_NAME = "Петрова Анна Сергеевна"

D = TypeVar("D", bound=QDialog)


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` key by key, Cyrillic included (``qtbot.keyClicks`` accepts ASCII only)."""
    for char in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char,
                           Qt.KeyboardModifier.NoModifier)


def drive_modal(kind: type[D], act: Callable[[D], None], open_it: Callable[[], object],
                timeout_ms: int = 15_000) -> None:
    """Call ``open_it`` (which runs a dialog of ``kind`` modally) and do ``act`` inside the dialog.

    ``act`` runs from the dialog's own event loop, as a user's clicks would, and must close it.
    A failure inside ``act`` (or a dialog that stays open after it) closes the dialog, so the
    modal loop never hangs the test, and is raised here once ``open_it`` has returned.
    """
    errors: list[BaseException] = []
    state = {"acted": False, "returned": False}
    deadline = time.monotonic() + timeout_ms / 1000

    def find() -> D | None:
        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()), None)

    def poll() -> None:
        if state["returned"]:
            return
        dialog = find()
        if dialog is None:
            if time.monotonic() < deadline:
                QTimer.singleShot(10, poll)
            return
        state["acted"] = True
        try:
            act(dialog)
        except BaseException as error:  # noqa: BLE001 - handed back to the test below
            errors.append(error)
        if dialog.isVisible():
            if not errors:
                errors.append(AssertionError(f"{kind.__name__} осталось открытым после действий теста"))
            dialog.reject()

    QTimer.singleShot(0, poll)
    open_it()
    state["returned"] = True
    if errors:
        raise errors[0]
    assert state["acted"], f"{kind.__name__} не открылось"
