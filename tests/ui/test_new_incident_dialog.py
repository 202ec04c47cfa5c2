"""«Новый инцидент» (Ctrl+N, the toolbar, the queue's context menu): registering by hand with the
import's checks, errors under their fields that go away when fixed, duplicates named by number,
and the new incident selected in the queue afterwards."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDateTime, QPoint, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.models import AuditEvent, Incident
from app.models.enums import IncidentKind, Priority
from app.ui.new_incident_dialog import NewIncidentDialog
from tests.helpers.world import MSK, World
from tests.ui.helpers import drive_modal, type_text
from tests.ui.windows import ids, register, shows, wait
from tests.ui.windows import open_window, window_settings, world  # noqa: F401 - fixtures

TEXT = "На ул. Красной третью ночь не горят фонари, дети идут из школы в темноте."


@pytest.fixture(autouse=True)
def settings_dir(window_settings: Path) -> Path:
    return window_settings


def error(dialog: NewIncidentDialog, code: str) -> str:
    label = dialog.errors[code]
    return label.text() if label.isVisible() else ""


def settle(qtbot: QtBot, dialog: NewIncidentDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.checking, timeout=10_000)


def test_ctrl_n_registers_by_hand_and_selects_the_new_incident(qtbot: QtBot, world: World,  # noqa: ANN001
                                                               open_window) -> None:
    w = world
    for n in range(1, 4):
        register(w, n)
    win = open_window(w)
    assert len(ids(win)) == 3
    seen: dict[str, object] = {}

    def act(dialog: NewIncidentDialog) -> None:
        assert dialog.windowTitle() == "Новый инцидент"
        assert dialog.detected_edit.dateTime().toPython() == datetime(2026, 11, 24, 9, 30)  # «now» by default
        qtbot.keyClicks(dialog.link_edit, "https://t.me/korenovsk_chat/777")
        assert dialog.network_label.text() == "Telegram"  # recognised while typing
        type_text(dialog.author_edit, "Мария Иванова")
        dialog.text_edit.setFocus()
        type_text(dialog.text_edit, TEXT)
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData(IncidentKind.PUBLICATION))
        dialog.priority_combo.setCurrentIndex(dialog.priority_combo.findData(Priority.HIGH))
        seen["kinds"] = [dialog.kind_combo.itemText(i) for i in range(dialog.kind_combo.count())]
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    drive_modal(NewIncidentDialog, act, lambda: qtbot.keyClick(win, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier))
    assert seen["kinds"] == ["Инцидент", "Публикация в соцсетях"]
    new = Incident.get(Incident.link == "https://t.me/korenovsk_chat/777")
    assert (new.author, new.text, new.kind, new.priority, new.network) == (
        "Мария Иванова", TEXT, IncidentKind.PUBLICATION, Priority.HIGH, "telegram")
    assert AuditEvent.select().where((AuditEvent.incident == new.id) & (AuditEvent.action == "incident.register")).exists()
    # the queue selects it and its card opens
    qtbot.waitUntil(lambda: shows(win, new.id), timeout=15_000)
    qtbot.waitUntil(lambda: bool(win.queue_view.selectionModel().selectedRows()), timeout=15_000)
    wait(qtbot, win)
    (selected,) = win.queue_view.selectionModel().selectedRows()
    assert win.queue_model.row_at(selected.row()).incident_id == new.id
    assert f"№ {new.id}" in win.statusBar().currentMessage()  # «зарегистрирован», or the event's notice after it
    assert win.card_view.card.kind_label == "Публикация в соцсетях"


def test_errors_appear_under_their_fields_and_go_away_when_fixed(qtbot: QtBot, world: World) -> None:  # noqa: ANN001
    w = world
    existing = register(w, 5)
    dialog = NewIncidentDialog(w.actor("kurator"))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert not any(label.isVisible() for label in dialog.errors.values())  # nothing said before a try
    dialog.author_link_edit.setText("vk.com/id5")
    dialog.detected_edit.setDateTime(QDateTime(datetime(2026, 11, 24, 12, 0)))  # 2.5 h ahead of «now»
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert dialog.isVisible()
    assert error(dialog, "link") == "Не заполнена ссылка на сообщение"
    assert error(dialog, "author") == "Не указан автор сообщения"
    assert error(dialog, "text") == "Текст сообщения пустой"
    assert error(dialog, "author_link") == "Ссылка на автора «vk.com/id5» не похожа на адрес (нужно https://…)"
    assert error(dialog, "detected_at") == "Дата выявления 24.11.2026 12:00 ещё не наступила"
    assert QApplication.focusWidget() is dialog.link_edit or not dialog.isActiveWindow()

    # each message goes as soon as its field is right
    qtbot.keyClicks(dialog.link_edit, "https://example.com/post/1")
    qtbot.waitUntil(lambda: "а не во ВКонтакте, Одноклассники или Telegram" in error(dialog, "link"), timeout=5_000)
    dialog.link_edit.clear()
    qtbot.keyClicks(dialog.link_edit, "https://vk.com/wall-1_5")  # the one already registered
    qtbot.waitUntil(lambda: error(dialog, "link").startswith(
        f"Уже зарегистрирован: инцидент № {existing.id} (та же ссылка)"), timeout=5_000)
    assert f"открыть инцидент № {existing.id}" in error(dialog, "link")
    dialog.link_edit.setText("https://vk.com/wall-1_6")
    qtbot.waitUntil(lambda: error(dialog, "link") == "", timeout=5_000)
    assert dialog.network_label.text() == "ВКонтакте"
    type_text(dialog.author_edit, "Пётр")
    qtbot.waitUntil(lambda: error(dialog, "author") == "", timeout=5_000)
    dialog.author_link_edit.setText("https://vk.com/id5")
    dialog.text_edit.setPlainText(TEXT)
    qtbot.mouseClick(dialog.now_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert not any(label.isVisible() for label in dialog.errors.values())
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.ref is not None and not dialog.isVisible()
    assert Incident.get_by_id(dialog.ref.id).detected_at == datetime(2026, 11, 24, 9, 30, tzinfo=MSK)


def test_the_duplicates_link_opens_the_existing_incident_instead(qtbot: QtBot, world: World,  # noqa: ANN001
                                                                 open_window) -> None:
    w = world
    first, second = register(w, 1), register(w, 2)
    win = open_window(w)

    def act(dialog: NewIncidentDialog) -> None:
        qtbot.keyClicks(dialog.link_edit, "https://vk.com/wall-1_2")
        qtbot.waitUntil(lambda: dialog.duplicate_of == second.id, timeout=5_000)
        dialog.errors["link"].linkActivated.emit(str(second.id))  # «открыть инцидент № 2»

    drive_modal(NewIncidentDialog, act, win.new_incident_action.trigger)
    qtbot.waitUntil(lambda: shows(win, second.id), timeout=15_000)
    assert Incident.select().count() == 2 and first.id != second.id


def test_the_same_post_written_another_way_is_named_with_the_link_in_the_base(qtbot: QtBot, world: World,  # noqa: ANN001
                                                                              open_window) -> None:
    w = world
    first = register(w, 1)
    win = open_window(w)
    seen: dict[str, str] = {}

    def act(dialog: NewIncidentDialog) -> None:
        qtbot.keyClicks(dialog.link_edit, "http://m.vk.com/wall-1_1/?utm_source=telegram")
        type_text(dialog.author_edit, "Мария Иванова")
        dialog.text_edit.setFocus()
        type_text(dialog.text_edit, TEXT)
        qtbot.waitUntil(lambda: dialog.duplicate_of == first.id, timeout=5_000)
        seen["typing"] = error(dialog, "link")
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)  # refused: the dialog stays
        settle(qtbot, dialog)
        seen["saving"] = error(dialog, "link")
        assert dialog.isVisible() and dialog.ref is None
        dialog.reject()

    drive_modal(NewIncidentDialog, act, win.new_incident_action.trigger)
    for moment in ("typing", "saving"):
        assert f"Уже зарегистрирован: инцидент № {first.id} (то же сообщение, ссылка записана иначе: " \
               "https://vk.com/wall-1_1)" in seen[moment]
        assert f"открыть инцидент № {first.id}" in seen[moment]
    assert Incident.select().count() == 1


def test_the_toolbar_and_the_queues_context_menu_offer_it_to_the_curator_only(qtbot: QtBot, world: World,  # noqa: ANN001
                                                                             open_window) -> None:
    w = world
    ref = register(w, 1)
    win = open_window(w)
    button = win.toolbar.widgetForAction(win.new_incident_action)
    assert button is not None and button.isVisible() and button.text() == "Новый инцидент"
    rect = win.queue_view.visualRect(win.queue_model.index(0, 0))
    menu = win.make_queue_menu(rect.center())
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[:2] == [f"&Открыть карточку инцидента № {ref.id}", "&Новый инцидент…"]
    empty_spot = QPoint(5, win.queue_view.viewport().height() - 5)
    assert [a.text() for a in win.make_queue_menu(empty_spot).actions() if not a.isSeparator()][0] == "&Новый инцидент…"
    drive_modal(NewIncidentDialog, lambda dialog: dialog.reject(), lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton))

    executor = open_window(w, "zhkh")
    assert "&Новый инцидент…" not in [a.text() for a in executor.make_queue_menu(QPoint(5, 5)).actions()]
    qtbot.keyClick(executor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert not any(isinstance(x, NewIncidentDialog) and x.isVisible() for x in QApplication.topLevelWidgets())


def test_a_new_incident_hidden_by_the_filters_is_found_on_the_new_tab(qtbot: QtBot, world: World,  # noqa: ANN001
                                                                      open_window) -> None:
    w = world
    register(w, 1, text="Яма на дороге")
    win = open_window(w)
    win.filter_bar.search_edit.setText("яма")
    qtbot.waitUntil(lambda: win.queue_model.filter.search == "яма", timeout=5_000)
    win.tab_bar.setCurrentIndex(next(i for i in range(win.tab_bar.count()) if win.tab_bar.tabData(i) == "approval"))
    wait(qtbot, win)

    def act(dialog: NewIncidentDialog) -> None:
        qtbot.keyClicks(dialog.link_edit, "https://ok.ru/group/1/topic/9")
        type_text(dialog.author_edit, "Ольга")
        dialog.text_edit.setPlainText(TEXT)
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    drive_modal(NewIncidentDialog, act, win.show_new_incident)
    new = Incident.get(Incident.link == "https://ok.ru/group/1/topic/9")
    qtbot.waitUntil(lambda: win.current_preset() == "new" and new.id in ids(win), timeout=15_000)
    qtbot.waitUntil(lambda: bool(win.queue_view.selectionModel().selectedRows()), timeout=15_000)
    (selected,) = win.queue_view.selectionModel().selectedRows()
    assert win.queue_model.row_at(selected.row()).incident_id == new.id
    assert win.filter_bar.search_edit.text() == ""


def test_the_dialog_fits_a_small_screen(qtbot: QtBot, world: World) -> None:  # noqa: ANN001
    dialog = NewIncidentDialog(world.actor("kurator"))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.width() <= 1024 - 16 and dialog.height() <= 700 - 60
    assert dialog.minimumSizeHint().height() <= 640
