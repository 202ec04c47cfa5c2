"""The «Страницы» section: switching to it in the main window, the registry tab and its dialog
(Appendix 1, clauses 1–3), and what the head of the settlement (a reader) sees."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from app.services.pages import registry
from app.ui.pages.registry_tab import RegistryTab
from app.ui.pages.section import PagesSection
from tests.helpers.world import World
from tests.ui.helpers import type_text
from tests.ui.pages_world import ADM_VK, add_page, shown, three_pages, world  # noqa: F401 - the fixture
from tests.ui.windows import open_window, window_settings  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def settings_dir(window_settings: Path) -> Path:  # noqa: F811 - the window's settings in the test's home
    return window_settings


def cells(tab: RegistryTab, column: int) -> list[str]:
    return [tab.model.data(tab.model.index(r, column)) for r in range(tab.model.rowCount())]


def click(qtbot: QtBot, button: QPushButton) -> None:
    assert button.isEnabled(), button.toolTip()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_curator_switches_to_pages_with_the_keyboard_and_back(world: World, open_window,  # noqa: ANN001, F811
                                                                   qtbot: QtBot) -> None:
    three_pages(world)
    win = open_window(world)
    assert win.pages_section_action.isVisible()
    QTest.keyClick(win, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.sections.currentWidget() is win.pages_section
    section = win.pages_section
    assert [section.tabs.tabText(i) for i in range(section.tabs.count())] == [
        "Реестр", "Публикации по неделям", "Сведения по 8-ФЗ", "Описание", "Отметка", "Модерация", "Подписки"]
    assert cells(section.registry_tab, 2) == ["Администрация в ОК", "Администрация Кореновского ГП", "Глава в Telegram"]
    assert not section.read_only_label.isVisible()
    QTest.keyClick(win, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert win.sections.currentWidget() is win.splitter
    # an executor named for no page has no such section
    executor = open_window(world, "blago")
    assert not executor.pages_section_action.isVisible()


def test_curator_adds_a_page_through_the_dialog_and_sees_it_in_the_registry(world: World, qtbot: QtBot) -> None:
    w = world
    tab = shown(qtbot, RegistryTab(w.actor("kurator")))
    tab.refresh()
    assert tab.model.rowCount() == 0
    dialog = tab.make_page_dialog()
    shown(qtbot, dialog, (640, 640))
    assert dialog.no_passwords_label.isVisible() and "не хранит" in dialog.no_passwords_label.text()
    assert not any("парол" in edit.placeholderText().lower() for edit in (dialog.name_edit, dialog.url_edit))
    dialog.network_combo.setCurrentIndex(dialog.network_combo.findData("vk"))
    type_text(dialog.name_edit, "Администрация в ВК")
    type_text(dialog.url_edit, "https://ok.ru/korenovsk")  # the wrong network first
    dialog.set_people({w.ids["zhkh"], w.ids["zhkh2"]})
    dialog.handed_check.setChecked(True)
    type_text(dialog.handed_by_edit, "Петренко И. И.")
    dialog.received_combo.setCurrentIndex(dialog.received_combo.findData(w.ids["kurator"]))
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "другую соцсеть" in dialog.error_label.text()  # said in Russian, nothing lost
    assert dialog.name_edit.text() == "Администрация в ВК"
    dialog.url_edit.clear()
    type_text(dialog.url_edit, ADM_VK)
    assert not dialog.error_label.isVisible()  # the correction takes the message away
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert cells(tab, 2) == ["Администрация в ВК"]
    row = tab.current()
    assert row is not None and row.publisher_names == ("Иваненко Олег Викторович", "Пономаренко Алла Сергеевна")
    assert "Петренко И. И." in cells(tab, 8)[0] and "Слепокурова" in cells(tab, 8)[0]


def test_a_stale_edit_shows_the_conflict_and_keeps_the_input(world: World, qtbot: QtBot) -> None:
    w = world
    page_id = add_page(w)
    tab = shown(qtbot, RegistryTab(w.actor("kurator")))
    tab.refresh()
    tab.select(page_id)
    dialog = tab.make_page_dialog(page_id)
    shown(qtbot, dialog, (640, 640))
    # another PC renames the page meanwhile
    data, version = registry.page_input(page_id)
    registry.update_page(w.actor("admin"), page_id, version, registry.PageInput(**{**data.__dict__, "name": "Чужое"}))
    dialog.name_edit.clear()
    type_text(dialog.name_edit, "Моё название")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert "изменили на другом компьютере" in dialog.error_label.text()
    assert dialog.name_edit.text() == "Моё название" and dialog.reload_button.isVisible()
    click(qtbot, dialog.reload_button)
    assert dialog.name_edit.text() == "Чужое"
    dialog.name_edit.clear()
    type_text(dialog.name_edit, "Моё название")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible() and cells(tab, 2) == ["Моё название"]


def test_archive_with_a_reason_and_restore(world: World, qtbot: QtBot) -> None:
    w = world
    page_id = add_page(w)
    tab = shown(qtbot, RegistryTab(w.actor("kurator")))
    tab.refresh()
    assert not tab.archive_button.isEnabled()  # nothing chosen yet
    tab.select(page_id)
    dialog = tab.make_archive_dialog()
    shown(qtbot, dialog, (480, 240))
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "Причина архивирования" in dialog.error_label.text()
    type_text(dialog.text_edit, "Страницу закрыла соцсеть")
    click(qtbot, dialog.ok_button)
    assert tab.model.rowCount() == 0
    tab.archived_check.setChecked(True)
    assert cells(tab, 2) == ["Администрация Кореновского ГП (в архиве)"]
    tab.select(page_id)
    assert not tab.archive_button.isEnabled()
    click(qtbot, tab.restore_button)
    assert cells(tab, 2) == ["Администрация Кореновского ГП"]


def test_the_heads_buttons_are_disabled_with_the_reason(world: World, qtbot: QtBot) -> None:
    w = world
    three_pages(w)
    section = shown(qtbot, PagesSection(w.actor("glava")))
    section.refresh()
    assert section.read_only_label.isVisible()
    registry_tab = section.registry_tab
    registry_tab.view.selectRow(0)
    for button in (registry_tab.add_button, registry_tab.edit_button, registry_tab.archive_button):
        assert not button.isEnabled() and "Только просмотр" in button.toolTip()
    section.show_tab(section.weeks_tab)
    for button in (section.weeks_tab.plan_button, section.weeks_tab.record_button):
        assert not button.isEnabled() and "Только просмотр" in button.toolTip()
    section.show_tab(section.law_tab)
    section.law_tab.view.selectRow(0)
    assert not section.law_tab.checked_button.isEnabled()
    assert "Только просмотр" in section.law_tab.checked_button.toolTip()
    section.show_tab(section.moderation_tab)
    assert not section.moderation_tab.remove_button.isEnabled()
    section.show_tab(section.verification_tab)
    section.verification_tab.pages_view.selectRow(0)
    assert not section.verification_tab.state_button.isEnabled()
    assert not section.verification_tab.organisation_button.isEnabled()
    assert section.verification_tab.application_button.isEnabled()  # reading the application is allowed
    section.show_tab(section.description_tab)
    assert section.description_tab.approved_edit.isReadOnly()
    assert not section.description_tab.approve_button.isEnabled()
    section.show_tab(section.subscriptions_tab)
    item = section.subscriptions_tab.table.item(0, 0)
    assert not item.flags() & Qt.ItemFlag.ItemIsUserCheckable and "Только просмотр" in item.toolTip()


def test_every_tab_and_dialog_fits_a_1024_by_700_screen(world: World, open_window,  # noqa: ANN001, F811
                                                       qtbot: QtBot) -> None:
    three_pages(world)
    win = open_window(world, size=(1024, 700))
    win.show_pages()
    section = win.pages_section
    for index in range(section.tabs.count()):
        section.tabs.setCurrentIndex(index)
        qtbot.wait(10)
        assert (win.width(), win.height()) == (1024, 700), section.tabs.tabText(index)
        hint = win.minimumSizeHint()
        assert hint.width() <= 1024 and hint.height() <= 700, (section.tabs.tabText(index), hint)
        for button in section.tabs.currentWidget().findChildren(QPushButton):
            if button.isVisible():
                top_left = button.mapTo(win, button.rect().topLeft())
                assert win.rect().contains(top_left) and top_left.x() + button.width() <= 1024, button.text()
    section.verification_tab.select_pages({section.verification_tab.pages_model.row_at(0).id})
    dialogs = [section.registry_tab.make_page_dialog(), section.weeks_tab.make_plan_dialog(),
               section.weeks_tab.make_publication_dialog(), section.moderation_tab.make_removal_dialog(),
               section.verification_tab.make_organisation_dialog(), section.verification_tab.make_state_dialog(),
               section.verification_tab.make_application_dialog()]
    for dialog in dialogs:
        hint = dialog.minimumSizeHint()  # fit_to_screen opens it at most at the screen's size, never below this
        assert hint.width() <= 1024 - 16 and hint.height() <= 700 - 60, (dialog.windowTitle(), hint)
        dialog.deleteLater()
