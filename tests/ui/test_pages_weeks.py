"""«Публикации по неделям» (Appendix 1, clauses 5, 8, 10): the grid's colours, the content plan,
recording a publication whose text has findings, the weekly reminder in the notifier and the line
on the dashboard."""
from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from pytestqt.qtbot import QtBot

from app.models import PagePublication
from app.services.pages import publications
from app.ui.dashboard import DashboardWindow
from app.ui.notifier import NotificationBanner, Notifier
from app.ui.pages.common import AMBER, GREEN, RED
from app.ui.pages.weeks_tab import WeeksTab
from tests.helpers.world import MSK, World
from tests.ui.helpers import type_text
from tests.ui.pages_world import shown, three_pages, world  # noqa: F401 - the fixture

PRESS_RELEASE = ("Администрация Кореновского городского поселения информирует, что в соответствии с "
                 "постановлением № 1, постановлением № 2 и постановлением № 3 проводится ремонт дорог.")


def publish(w: World, page_id: int, at: datetime, title: str = "Итоги недели") -> int:
    return publications.record_publication(w.actor("kurator"), page_id, publications.PublicationInput(
        at, title, "", ["text", "photo"]))


def colour(tab: WeeksTab, row: int, week: date) -> str | None:
    column = 1 + list(tab.grid_model.grid.weeks).index(week)
    brush = tab.grid_model.data(tab.grid_model.index(row, column), Qt.ItemDataRole.BackgroundRole)
    return brush.color().name() if isinstance(brush, QBrush) else None


def test_the_grid_shows_published_green_planned_amber_missing_red(world: World, qtbot: QtBot) -> None:
    w = world
    vk, ok, head = three_pages(w)
    w.clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=MSK))  # Wednesday of the week 30.11–06.12
    publish(w, vk, datetime(2026, 12, 1, 11, 0, tzinfo=MSK), "Ёлка на площади")
    publications.plan_publication(w.actor("kurator"), ok, date(2026, 12, 3), "Итоги недели")
    tab = shown(qtbot, WeeksTab(w.actor("kurator")))
    tab.refresh()
    assert tab.month_label.text() == "Декабрь 2026"
    rows = {tab.grid_model.page_row(r).page_id: r for r in range(tab.grid_model.rowCount())}
    crossing = date(2026, 11, 30)
    assert colour(tab, rows[vk], crossing) == GREEN
    assert colour(tab, rows[ok], crossing) == AMBER
    assert colour(tab, rows[head], crossing) == RED
    tip = tab.grid_model.data(tab.grid_model.index(rows[vk], 1), Qt.ItemDataRole.ToolTipRole)
    assert "Опубликовано" in tip and "Ёлка на площади" in tip
    # the previous month's view has the same crossing week
    tab.shift_month(-1)
    assert tab.month_label.text() == "Ноябрь 2026" and tab.grid_model.grid.weeks[-1] == crossing
    assert colour(tab, rows[vk], crossing) == GREEN
    # the quarter view: the 13 weeks up to this one
    tab.span_combo.setCurrentIndex(1)
    assert len(tab.grid_model.grid.weeks) == 13 and tab.grid_model.grid.weeks[-1] == crossing
    assert "Недель без публикаций" in tab.summary_label.text()


def test_recording_a_press_release_asks_for_confirmation(world: World, qtbot: QtBot) -> None:
    w = world
    vk, _ok, _head = three_pages(w)
    tab = shown(qtbot, WeeksTab(w.actor("zhkh")))
    tab.refresh()
    assert tab.record_button.isEnabled()
    dialog = tab.make_publication_dialog()
    shown(qtbot, dialog, (640, 600))
    dialog.page_combo.select(vk)
    type_text(dialog.title_edit, "Ремонт дорог")
    dialog.text_edit.setPlainText(PRESS_RELEASE)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.findings_label.isVisible()
    assert "Записать всё равно?" in dialog.findings_label.text()
    assert "пресс-релиз" in dialog.findings_label.text().lower() or "Ссылок на нормативные акты" in \
        dialog.findings_label.text()
    assert dialog.ok_button.text() == "Записать всё равно"
    assert PagePublication.select().count() == 0  # nothing recorded before the answer
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    (publication,) = PagePublication.select()
    assert publication.title == "Ремонт дорог" and publication.formats == "text"
    assert colour(tab, 0 if tab.grid_model.page_row(0).page_id == vk else 1, date(2026, 11, 23)) == GREEN


def test_editing_the_text_after_the_findings_asks_again(world: World, qtbot: QtBot) -> None:
    w = world
    vk, _ok, _head = three_pages(w)
    tab = shown(qtbot, WeeksTab(w.actor("kurator")))
    tab.refresh()
    dialog = shown(qtbot, tab.make_publication_dialog(), (640, 600))
    dialog.page_combo.select(vk)
    type_text(dialog.title_edit, "Ремонт")
    dialog.text_edit.setPlainText(PRESS_RELEASE)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.asking
    type_text(dialog.text_edit, " Спасибо!")
    assert not dialog.asking and dialog.ok_button.text() == "Записать" and not dialog.findings_label.isVisible()



def test_the_publication_log_lists_what_came_out_and_narrows_to_a_chosen_cell(world: World, qtbot: QtBot) -> None:
    """Clauses 5 and 8: beside the plan, «Вышедшие публикации» — date, page, title, formats, link, author."""
    w = world
    vk, ok, _head = three_pages(w)
    w.clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=MSK))
    publish(w, vk, datetime(2026, 12, 1, 11, 0, tzinfo=MSK), "Ёлка на площади")
    publish(w, ok, datetime(2026, 11, 24, 15, 30, tzinfo=MSK), "Итоги ноября")
    tab = shown(qtbot, WeeksTab(w.actor("kurator")))
    tab.refresh()
    tabs = tab.lower_tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == ["План публикаций на недели месяца",
                                                              "Вышедшие публикации"]
    qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton, pos=tabs.tabBar().tabRect(1).center())
    assert tab.log_view.isVisible()
    log = tab.log_model
    assert [log.data(log.index(r, 2)) for r in range(log.rowCount())] == ["Ёлка на площади"]  # December's weeks
    assert [log.data(log.index(0, c)) for c in (0, 3, 5)] == ["01.12.2026 11:00", "Текст, фото",
                                                              "Слепокурова Яна Евгеньевна"]
    assert tab.log_label.text().startswith("Все страницы, 30.11.2026 — 03.01.2027 — публикаций: 1")
    tab.shift_month(-1)  # November: both weeks, the crossing one too
    assert {log.data(log.index(r, 2)) for r in range(log.rowCount())} == {"Ёлка на площади", "Итоги ноября"}
    rows = {tab.grid_model.page_row(r).page_id: r for r in range(tab.grid_model.rowCount())}
    column = 1 + list(tab.grid_model.grid.weeks).index(date(2026, 11, 23))
    cell = tab.grid_view.visualRect(tab.grid_model.index(rows[ok], column)).center()
    qtbot.mouseClick(tab.grid_view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert [log.data(log.index(r, 2)) for r in range(log.rowCount())] == ["Итоги ноября"]
    assert "неделя 23 ноября — 29 ноября 2026 — публикаций: 1" in tab.log_label.text()
    cell = tab.grid_view.visualRect(tab.grid_model.index(rows[vk], column)).center()
    qtbot.mouseClick(tab.grid_view.viewport(), Qt.MouseButton.LeftButton, pos=cell)
    assert log.rowCount() == 0 and tab.log_label.text().endswith("публикаций нет. Клетка таблицы — одна страница "
                                                                 "за одну неделю, название страницы — все её недели.")


def test_plan_then_mark_published_then_cancel(world: World, qtbot: QtBot) -> None:
    w = world
    vk, ok, _head = three_pages(w)
    tab = shown(qtbot, WeeksTab(w.actor("kurator")))
    tab.refresh()
    plan = shown(qtbot, tab.make_plan_dialog(), (600, 480))
    plan.page_combo.select(vk)
    type_text(plan.title_edit, "Праздник в парке")
    plan.preparer_combo.setCurrentIndex(plan.preparer_combo.findData(w.ids["zhkh"]))
    assert "23 ноября — 29 ноября 2026" in plan.week_label.text()
    qtbot.mouseClick(plan.buttons.buttons()[0], Qt.MouseButton.LeftButton)
    assert not plan.isVisible()
    titles = [tab.plan_model.row_at(r).title for r in range(tab.plan_model.rowCount())]
    assert titles == ["Праздник в парке"]
    assert tab.plan_model.data(tab.plan_model.index(0, 4)) == "Иваненко Олег Викторович"
    tab.plan_view.selectRow(0)
    assert tab.done_button.isEnabled() and tab.cancel_button.isEnabled()
    dialog = shown(qtbot, tab.make_publication_dialog(tab.chosen_item()), (640, 600))
    assert dialog.title_edit.text() == "Праздник в парке" and not dialog.page_combo.isEnabled()
    assert dialog.page_combo.page_id() == vk, (dialog.page_combo.page_id(), vk, tab.chosen_item())
    type_text(dialog.text_edit, "Приходите в субботу в парк, будет весело!")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible(), (dialog.error_label.text(), dialog.findings_label.text())
    assert tab.plan_model.data(tab.plan_model.index(0, 5)) == "опубликовано"
    tab.plan_view.selectRow(0)
    assert not tab.done_button.isEnabled()
    # a second item is cancelled with a reason
    publications.plan_publication(w.actor("kurator"), ok, date(2026, 11, 26), "Опрос")
    tab.refresh()
    row = next(r for r in range(tab.plan_model.rowCount()) if tab.plan_model.row_at(r).title == "Опрос")
    tab.plan_view.selectRow(row)
    cancel = shown(qtbot, tab.make_cancel_dialog(), (480, 240))
    type_text(cancel.text_edit, "Перенесли на декабрь")
    qtbot.mouseClick(cancel.ok_button, Qt.MouseButton.LeftButton)
    assert not cancel.isVisible()
    row = next(r for r in range(tab.plan_model.rowCount()) if tab.plan_model.row_at(r).title == "Опрос")
    assert tab.plan_model.data(tab.plan_model.index(row, 5)) == "отменено"


def test_the_notifier_reminds_the_pages_people_on_the_weeks_last_working_day(world: World, qtbot: QtBot) -> None:
    w = world
    three_pages(w)
    w.clock.set(datetime(2026, 11, 27, 11, 0, tzinfo=MSK))  # Friday: the week's last working day
    banner = shown(qtbot, NotificationBanner(), (800, 80))
    notifier = Notifier(w.actor("zhkh", date(2026, 11, 27)), banner, use_tray=False)
    opened: list[int] = []
    notifier.open_page.connect(opened.append)
    notifier.check_pages()
    qtbot.waitUntil(lambda: not notifier.runner.busy, timeout=15_000)
    assert banner.current is not None and banner.current.level == "page"
    assert "нет ни одной публикации" in banner.current.message and banner.waiting == 1  # two pages of ЖКХ
    assert notifier.page_check_at == datetime(2026, 12, 4, 9, 0, tzinfo=MSK)  # next Friday's start
    assert notifier.page_timer.isActive()
    qtbot.mouseClick(banner.open_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1
    notifier.check_pages()  # shown once: not again
    qtbot.waitUntil(lambda: not notifier.runner.busy, timeout=15_000)
    assert banner.waiting == 0
    notifier.stop()


def test_the_dashboard_counts_the_pages_without_a_publication_this_week(world: World, qtbot: QtBot) -> None:
    w = world
    vk, _ok, _head = three_pages(w)
    board = DashboardWindow(w.actor("kurator"))
    shown(qtbot, board, (900, 700))
    qtbot.waitUntil(lambda: board.dashboard is not None and not board.runner.busy, timeout=15_000)
    assert board.pages_label.text() == "Официальные страницы: на этой неделе без публикации — 3 страницы"
    publish(w, vk, datetime(2026, 11, 24, 9, 0, tzinfo=MSK))
    board.refresh()
    qtbot.waitUntil(lambda: not board.loading and not board.runner.busy, timeout=15_000)
    assert board.pages_label.text().endswith("— 2 страницы")
    board.close()
    executor = DashboardWindow(w.actor("blago"))  # named for no page: no line
    shown(qtbot, executor, (900, 700))
    qtbot.waitUntil(lambda: executor.dashboard is not None and not executor.runner.busy, timeout=15_000)
    assert not executor.pages_row.isVisible()
    executor.close()
