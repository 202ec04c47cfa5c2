"""The official pages' marks where the incidents are worked: the queue row and the card (Appendix 1,
clauses 14 and 16)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.services import queue, users, workflow
from app.services.database import OpenedDatabase
from app.services.pages import moderation, registry
from app.ui.card_view import IncidentCardView
from app.ui.main_window import MainWindow
from app.ui.queue_export import XLSX_FILTER, QueueExport
from app.ui.queue_model import INCIDENT_ID_ROLE, Column, QueueTableModel
from tests.helpers.world import MSK, World, build_world


@pytest.fixture
def world(db: OpenedDatabase, monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(monkeypatch)


def test_queue_and_card_show_the_heads_page_and_the_blacklisted_author(world: World, qtbot: QtBot) -> None:
    w = world
    k = w.actor("kurator")
    registry.create_page(k, registry.PageInput("telegram", "head", "Глава в Telegram", "https://t.me/glava_k"))
    adm = registry.create_page(k, registry.PageInput("vk", "administration", "Администрация", "https://vk.com/adm"))
    moderation.add_to_blacklist(k, adm, "Спамер", "https://vk.com/id777", "spam")
    on_head = workflow.register_incident(k, link="https://t.me/glava_k/5", author="Анна", text="Спасибо за ёлку",
                                         detected_at=datetime(2026, 11, 24, 9, 0, tzinfo=MSK))
    spam = workflow.register_incident(k, link="https://vk.com/wall-5_9", author="Спамер",
                                      author_link="https://vk.com/id777", text="Нет света",
                                      detected_at=datetime(2026, 11, 24, 9, 10, tzinfo=MSK))
    model = QueueTableModel(k, filter_=queue.QueueFilter(preset="all"))
    model.reload()
    qtbot.waitUntil(lambda: not model.loading and not model.runner.busy, timeout=15_000)
    assert model.rowCount() == 2
    rows = {model.data(model.index(n, Column.NUMBER)): n for n in range(2)}
    head_row, spam_row = rows[str(on_head.id)], rows[str(spam.id)]
    assert model.data(model.index(head_row, Column.NETWORK)) == "ТГ ★"
    assert "страница главы «Глава в Telegram»" in model.data(model.index(head_row, Column.NETWORK),
                                                             role=0x03)  # ToolTipRole
    assert model.data(model.index(spam_row, Column.AUTHOR)) == "⊘ Спамер"
    assert "чёрном списке страницы «Администрация»" in model.data(model.index(spam_row, Column.AUTHOR), role=0x03)

    view = IncidentCardView(k)
    qtbot.addWidget(view)
    view.resize(620, 700)
    view.show()
    view.show_incident(on_head.id)
    qtbot.waitUntil(lambda: not view.loading and not view.runner.busy, timeout=15_000)
    assert view.pages_note.isVisible() and "странице главы «Глава в Telegram»" in view.pages_note.text()
    view.show_incident(spam.id)
    qtbot.waitUntil(lambda: not view.loading and not view.runner.busy, timeout=15_000)
    assert "⊘ Автор в чёрном списке страницы «Администрация»" in view.pages_note.text()
    view.countdown_timer.stop()
    model.countdown_timer.stop()
    assert view.wait_idle() and model.wait_idle()


def test_the_head_pages_filter_keeps_only_messages_on_the_heads_pages(world: World, qtbot: QtBot,
                                                                      _isolated_home: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Clause 16: «На страницах главы» above the queue leaves the ★ rows, is remembered, is named in
    the export's title, and «Сбросить» takes it off."""
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(_isolated_home / "config"))
    w = world
    k = w.actor("kurator")
    registry.create_page(k, registry.PageInput("telegram", "head", "Глава в Telegram", "https://t.me/glava_k"))
    registry.create_page(k, registry.PageInput("vk", "administration", "Администрация", "https://vk.com/adm"))
    on_head = workflow.register_incident(k, link="https://t.me/glava_k/5", author="Анна", text="Спасибо за ёлку",
                                         detected_at=datetime(2026, 11, 24, 9, 0, tzinfo=MSK))
    on_admin = workflow.register_incident(k, link="https://vk.com/adm?w=wall-1_7", author="Борис",
                                          text="Когда починят фонарь", detected_at=datetime(2026, 11, 24, 9, 5, tzinfo=MSK))
    elsewhere = workflow.register_incident(k, link="https://vk.com/wall-5_9", author="Вера", text="Нет света",
                                           detected_at=datetime(2026, 11, 24, 9, 10, tzinfo=MSK))

    def window() -> MainWindow:
        win = MainWindow(k, users.get_user(w.ids["kurator"]), "SQLite: тест")
        qtbot.addWidget(win)
        win.resize(1024, 700)
        win.show()
        qtbot.waitExposed(win)
        idle(win)
        return win

    def idle(win: MainWindow) -> None:
        model = win.queue_model
        qtbot.waitUntil(lambda: not model.loading and not model.runner.busy and not win.card_view.loading,
                        timeout=15_000)

    def shown_ids(win: MainWindow) -> set[int]:
        model = win.queue_model
        return {model.data(model.index(r, 0), INCIDENT_ID_ROLE) for r in range(model.rowCount())}

    win = window()
    check = win.filter_bar.head_pages_check
    assert check.isVisible() and check.text() == "На страницах главы" and "п. 16" in check.toolTip()
    assert shown_ids(win) == {on_head.id, on_admin.id, elsewhere.id}
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=check.rect().center())
    idle(win)
    assert check.isChecked()
    assert shown_ids(win) == {on_head.id}
    assert win.queue_model.data(win.queue_model.index(0, Column.NETWORK)) == "ТГ ★"
    assert win.count_label.text() == "Найдено: 1 инцидент"

    out = tmp_path / "очередь.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_kw: (str(out), XLSX_FILTER))
    win.export_action.trigger()
    qtbot.waitUntil(lambda: not win.findChildren(QueueExport), timeout=30_000)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "Очередь инцидентов — «Новые»; на страницах главы (п. 16 Приложения 1)"
    assert [r[0] for r in rows[3:]] == [on_head.id]

    win.close()  # the choice is remembered with the other filters
    assert win.wait_idle()
    again = window()
    assert again.filter_bar.head_pages_check.isChecked() and shown_ids(again) == {on_head.id}
    qtbot.mouseClick(again.filter_bar.reset_button, Qt.MouseButton.LeftButton)
    idle(again)
    assert not again.filter_bar.head_pages_check.isChecked() and len(shown_ids(again)) == 3
    again.close()
    assert again.wait_idle()
