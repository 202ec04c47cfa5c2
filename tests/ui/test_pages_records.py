"""The records of the pages (Appendix 1): the 8-FZ checklist (clause 6), the one description and
its word-level difference (clause 9), moderation and the black list (clause 14), subscriptions to
the head's pages (clause 15)."""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot

from app.models import LawInfoCheck
from app.services.pages import description, moderation
from app.ui.pages.common import GREEN, RED
from app.ui.pages.description_tab import DescriptionTab
from app.ui.pages.law_tab import LawTab
from app.ui.pages.moderation_tab import ModerationTab
from app.ui.pages.subscriptions_tab import SubscriptionsTab
from tests.helpers.world import MSK, World
from tests.ui.helpers import type_text
from tests.ui.pages_world import shown, three_pages, world  # noqa: F401 - the fixture

APPROVED = "Официальная страница администрации. Новости, ответы жителям, приём по понедельникам."


def background(model, row: int, column: int) -> str | None:  # noqa: ANN001
    brush = model.data(model.index(row, column), Qt.ItemDataRole.BackgroundRole)
    return brush.color().name() if isinstance(brush, QBrush) else None


def test_the_checklist_flags_unchecked_items_red_and_records_checks(world: World, qtbot: QtBot) -> None:
    w = world
    vk, _ok, _head = three_pages(w)
    tab = shown(qtbot, LawTab(w.actor("zhkh")))
    tab.refresh()
    tab.page_combo.select(vk)
    assert tab.model.rowCount() == 11 and "Требуют внимания: 11 из 11" in tab.flagged_label.text()
    assert background(tab.model, 0, 0) == RED and tab.model.data(tab.model.index(0, 1)) == "никогда"
    assert not tab.period_button.isEnabled()  # the period is the curator's
    tab.view.selectRow(0)
    qtbot.mouseClick(tab.checked_button, Qt.MouseButton.LeftButton)
    assert background(tab.model, 0, 3) == GREEN and tab.model.data(tab.model.index(0, 2)) == "Иваненко Олег Викторович"
    assert tab.model.data(tab.model.index(0, 1)) == "24.11.2026 10:00"
    tab.view.selectRow(4)
    dialog = shown(qtbot, tab.make_stale_dialog(), (480, 240))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Примечание" in dialog.error_label.text()  # out of date needs a note
    type_text(dialog.text_edit, "Старый номер приёмной")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert tab.model.data(tab.model.index(4, 3)) == "устарело или отсутствует"
    assert tab.model.data(tab.model.index(4, 4)) == "Старый номер приёмной"
    # 100 days later the checked item is flagged as aged
    w.clock.set(datetime(2027, 3, 4, 10, 0, tzinfo=MSK))
    tab.refresh_items()
    assert "не проверялось 100 дн." in tab.model.data(tab.model.index(0, 3))
    assert LawInfoCheck.select().count() == 2


def test_the_description_diff_strikes_missing_words_and_greens_extra_ones(world: World, qtbot: QtBot) -> None:
    w = world
    vk, ok, _head = three_pages(w)
    k = w.actor("kurator")
    tab = shown(qtbot, DescriptionTab(k))
    tab.refresh()
    assert not tab.approved_edit.isReadOnly()
    tab.approved_edit.setPlainText(APPROVED)
    qtbot.mouseClick(tab.approve_button, Qt.MouseButton.LeftButton)
    description.record_page_description(k, vk, APPROVED)
    tab.refresh()
    states = {tab.model.row_at(r).page_id: tab.model.data(tab.model.index(r, 1)) for r in range(tab.model.rowCount())}
    assert states[vk] == "совпадает" and states[ok] == "не записано"
    tab.view.selectRow(next(r for r in range(tab.model.rowCount()) if tab.model.row_at(r).page_id == ok))
    tab.page_edit.setPlainText("Официальная страница Кореновска. Новости, ответы жителям, афиша.")
    qtbot.mouseClick(tab.record_button, Qt.MouseButton.LeftButton)
    assert tab.current().page_id == ok and tab.current().differs
    assert "отличается" in tab.diff_title.text()
    html = tab.diff_view.toHtml()
    assert "line-through" in html and "администрации." in tab.diff_view.toPlainText()
    assert "Кореновска." in tab.diff_view.toPlainText()
    row = next(r for r in range(tab.model.rowCount()) if tab.model.row_at(r).page_id == ok)
    assert background(tab.model, row, 1) == RED
    assert tab.model.data(tab.model.index(row, 0)) == "Одноклассники · Администрация в ОК"


def test_removing_a_comment_suggests_the_reason_and_blacklists_the_author(world: World, qtbot: QtBot) -> None:
    w = world
    vk, _ok, _head = three_pages(w)
    tab = shown(qtbot, ModerationTab(w.actor("zhkh")))
    tab.refresh()
    assert tab.remove_button.isEnabled()
    dialog = shown(qtbot, tab.make_removal_dialog(), (600, 560))
    dialog.page_combo.select(vk)
    type_text(dialog.author_edit, "Ставки Онлайн")
    dialog.author_link_edit.setText("https://vk.com/id505050")
    type_text(dialog.text_edit, "Заработок от 5000 в день! Переходи https://stavki.example")
    assert dialog.reason_combo.currentData() == "spam"
    assert "Спам-рассылка" in dialog.suggestion_label.text()
    qtbot.mouseClick(dialog.blacklist_check, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), dialog.error_label.text()
    actions = [tab.journal_model.data(tab.journal_model.index(r, 2)) for r in range(tab.journal_model.rowCount())]
    assert sorted(actions) == ["Внесён в чёрный список", "Удалён комментарий"]
    assert tab.blacklist_model.rowCount() == 1 and tab.blacklist_model.data(tab.blacklist_model.index(0, 1)) == \
        "Ставки Онлайн"
    tab.blacklist_view.selectRow(0)
    qtbot.mouseClick(tab.unlist_button, Qt.MouseButton.LeftButton)
    assert tab.blacklist_model.rowCount() == 0
    assert moderation.blacklist(w.actor("kurator"), with_removed=True)[0].removed_at is not None


def test_a_reason_chosen_by_hand_stays_and_a_missing_one_is_said(world: World, qtbot: QtBot) -> None:
    w = world
    vk, _ok, _head = three_pages(w)
    tab = shown(qtbot, ModerationTab(w.actor("kurator")))
    tab.refresh()
    dialog = shown(qtbot, tab.make_removal_dialog(), (600, 560))
    dialog.page_combo.select(vk)
    type_text(dialog.author_edit, "Аноним")
    type_text(dialog.text_edit, "Когда починят дорогу")
    assert dialog.reason_combo.currentData() is None and dialog.suggestion_label.text() == ""
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "Причина удаления" in dialog.error_label.text()
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("law"))
    dialog.reason_combo.activated.emit(dialog.reason_combo.currentIndex())  # the user's own choice
    type_text(dialog.text_edit, " Переходи https://x.example, заработок!")
    assert dialog.reason_combo.currentData() == "law"  # the suggestion no longer overrides it
    qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_subscriptions_matrix_highlights_the_missing_and_records_a_tick(world: World, qtbot: QtBot) -> None:
    w = world
    vk, ok, head = three_pages(w)
    tab = shown(qtbot, SubscriptionsTab(w.actor("kurator")))
    tab.refresh()
    assert tab.table.rowCount() == 2 and tab.table.columnCount() == 1
    assert tab.table.horizontalHeaderItem(0).text() == "Telegram · Глава в Telegram"
    assert "Нет подписки: 2" in tab.missing_label.text()
    item = tab.table.item(0, 0)
    assert item.background().color().name() == RED and item.text() == "не проверено"
    item.setCheckState(Qt.CheckState.Checked)  # what a click on the box does
    qtbot.waitUntil(lambda: "Нет подписки: 1" in tab.missing_label.text(), timeout=5_000)
    subscribed = [tab.table.item(r, 0) for r in range(2) if tab.table.item(r, 0).text() == "подписана"]
    assert len(subscribed) == 1 and subscribed[0].background().color().name() == GREEN
