"""The main window with real data: tabs, filters, search, sorting, live clocks, lazy loading, the card,
keyboard, menus, notifications, and settings remembered per user."""
from __future__ import annotations

import sys
import types
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, QModelIndex, QPoint, QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app import __version__
from app.models import db
from app.models.enums import NoAnswerReason, Priority
from app.services import users, workflow
from app.services.database import OpenedDatabase, parse_url
from app.services.queue import QueueSort
from app.ui.main_window import MainWindow, ui_settings
from app.ui.queue_model import INCIDENT_ID_ROLE, LEVEL_ROLE, Column
from tests.helpers.world import MSK, World, build_world
from tests.ui.helpers import overdue_mix, type_text

CURATOR_TABS = ["Новые", "На согласовании", "Уточнения", "Просроченные", "Все"]


@pytest.fixture(autouse=True)
def settings_dir(_isolated_home: Path) -> Path:
    """Window settings go to the test's temporary home, never the real one."""
    folder = _isolated_home / "config"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def world(backend_db: OpenedDatabase, monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(monkeypatch)


@pytest.fixture
def open_window(qtbot: QtBot, backend_db: OpenedDatabase) -> Iterator:
    made: list[MainWindow] = []

    def make(w: World, login: str = "kurator") -> MainWindow:
        user = users.get_user(w.ids[login])
        win = MainWindow(w.actor(login), user, backend_db.target.display())
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        made.append(win)
        wait(qtbot, win)
        return win

    yield make
    for win in made:
        if win.isVisible():
            win.close()
        assert win.wait_idle()


def wait(qtbot: QtBot, win: MainWindow) -> None:
    model = win.queue_model
    qtbot.waitUntil(lambda: not model.loading and not model.runner.busy and not win.card_view.loading
                    and not win.card_view.runner.busy and not win.notifier.runner.busy, timeout=15_000)


def ids(win: MainWindow) -> list[int]:
    model = win.queue_model
    return [model.data(model.index(r, 0), INCIDENT_ID_ROLE) for r in range(model.rowCount())]


def register(w: World, n: int, *, author: str | None = None, text: str = "Не горят фонари на улице Красной",
             network: str = "vk", priority: Priority = Priority.NORMAL) -> workflow.Ref:
    link = {"vk": f"https://vk.com/wall-1_{n}", "ok": f"https://ok.ru/group/1/topic/{n}",
            "telegram": f"https://t.me/korenovsk_chat/{n}"}[network]
    return workflow.register_incident(w.actor("kurator"), link=link, author=author or f"Автор {n}", text=text,
                                      detected_at=w.clock.moment, priority=priority)


def fill(w: World) -> dict[str, int]:
    """Two new ones, one routed to ЖКХ (high priority, Telegram), one closed without an answer."""
    k = w.actor("kurator")
    new1 = register(w, 1, author="Борис", text="Яма на дороге по улице Мира")
    new2 = register(w, 2, author="Анна", text="Мусор не вывозят неделю", network="ok")
    routed = register(w, 3, author="Вера", network="telegram", priority=Priority.HIGH)
    closed = register(w, 4, author="Глеб", text="Всё плохо")
    routed = workflow.route(k, routed.id, routed.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                            location_id=w.location_id)
    workflow.close_without_answer(k, closed.id, closed.version, reason=NoAnswerReason.INSULT)
    return {"new1": new1.id, "new2": new2.id, "routed": routed.id, "closed": closed.id}


def header_click(qtbot: QtBot, win: MainWindow, column: Column) -> None:
    qtbot.wait(QApplication.doubleClickInterval() + 20)  # two clicks, not a double click
    header = win.queue_view.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


# --- the frame ----------------------------------------------------------------------------------

def test_title_status_bar_and_tabs_follow_the_user(world: World, open_window,  # noqa: ANN001
                                                   backend_db: OpenedDatabase) -> None:
    win = open_window(world)
    assert win.windowTitle() == "Инциденты — Слепокурова Яна Евгеньевна"
    assert win.user_label.text() == "Пользователь: Слепокурова Яна Евгеньевна"
    assert win.roles_label.text() == "Роли: Куратор"
    assert win.db_label.toolTip() == backend_db.target.display()
    assert win.db_label.text().startswith("База данных: ")
    assert [win.tab_bar.tabText(i) for i in range(win.tab_bar.count())] == CURATOR_TABS
    executor = open_window(world, "zhkh")
    assert [executor.tab_bar.tabText(i) for i in range(executor.tab_bar.count())] == [
        "Мои", "На доработке", "К размещению", "Все моего отдела"]


def first_steps(qtbot: QtBot, win: MainWindow) -> list[str]:
    """The buttons under «Инцидентов пока нет», once the window has looked at the database."""
    qtbot.waitUntil(lambda: win.queue_placeholder.text() == "Инцидентов пока нет", timeout=15_000)
    assert win.queue_placeholder.isVisible() and not win.queue_view.isVisible()
    return win.empty_view.visible_buttons()


def test_an_empty_database_says_what_to_do_next_per_role(qtbot: QtBot, world: World, open_window,  # noqa: ANN001
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(MainWindow, "show_import", lambda self: opened.append("import"))
    monkeypatch.setattr(MainWindow, "show_new_incident", lambda self: opened.append("new"))
    monkeypatch.setattr(MainWindow, "show_admin", lambda self: opened.append("admin"))
    curator = open_window(world)
    assert first_steps(qtbot, curator) == ["import", "new"]
    assert "импорта выгрузки платформы мониторинга" in curator.empty_view.hint_label.text()
    assert not curator.card_pane.isVisible()  # nothing to show in the card: the first steps get the room
    for code in ("import", "new"):
        qtbot.mouseClick(curator.empty_view.buttons[code], Qt.MouseButton.LeftButton)
    assert opened == ["import", "new"]
    admin = open_window(world, "admin")
    assert first_steps(qtbot, admin) == ["admin"]
    qtbot.mouseClick(admin.empty_view.buttons["admin"], Qt.MouseButton.LeftButton)
    assert opened[-1] == "admin"
    executor = open_window(world, "zhkh")
    assert first_steps(qtbot, executor) == []
    assert "когда куратор направит его вашему отделу" in executor.empty_view.hint_label.text()
    head = open_window(world, "glava")
    assert first_steps(qtbot, head) == []
    assert "Инциденты регистрирует куратор" in head.empty_view.hint_label.text()


def test_a_fresh_database_sends_the_administrator_to_units_and_users_first(qtbot: QtBot, ui_db,  # noqa: ANN001
                                                                           admin) -> None:  # noqa: ANN001
    from app.services.permissions import actor_for

    win = MainWindow(actor_for(admin.id), admin, ui_db.target.display())
    qtbot.addWidget(win)
    win.show()
    try:
        assert first_steps(qtbot, win) == ["admin", "import", "new"]
        assert win.empty_view.hint_label.text().startswith("Сначала заведите отделы и подведомственные учреждения")
    finally:
        win.close()
        assert win.wait_idle()


def test_an_empty_tab_of_a_working_database_says_so_and_the_card_asks_for_a_choice(  # noqa: ANN001
        qtbot: QtBot, world: World, open_window) -> None:
    fill(world)
    win = open_window(world)
    choose_tab(qtbot, win, "overdue")
    assert win.queue_placeholder.isVisible() and win.queue_placeholder.text() == "Очередь пуста"
    assert win.empty_view.hint_label.text() == "Просроченных шагов нет."
    assert not win.queue_view.isVisible()
    choose_tab(qtbot, win, "new")
    assert win.card_placeholder.text() == "Выберите инцидент в очереди" and win.card_placeholder.isVisible()


def test_menus(world: World, open_window) -> None:  # noqa: ANN001
    win = open_window(world, "admin")
    assert [a.text() for a in win.menuBar().actions()] == ["&Файл", "&Вид", "&Справка"]
    file_menu = win.menuBar().actions()[0].menu()
    assert [a.text() for a in file_menu.actions() if not a.isSeparator()] == [
        "&Выгрузить очередь в файл…", "&Отчёт для главы поселения…", "&Администрирование…", "&Настройки…",
        "&Выход"]
    assert win.quit_action.shortcut() == QKeySequence("Ctrl+Q")
    view_menu = win.menuBar().actions()[1].menu()
    assert [a.text() for a in view_menu.actions()[:4] if not a.isSeparator()] == ["&Инциденты", "&Страницы", "&Сводка"]
    assert win.pages_section_action.shortcut() == QKeySequence("Ctrl+Shift+P")
    assert win.refresh_action.shortcut() == QKeySequence("F5")
    assert win.search_action.shortcut() == QKeySequence("Ctrl+F")
    curator = open_window(world)
    file_menu = curator.menuBar().actions()[0].menu()
    assert [a.text() for a in file_menu.actions() if not a.isSeparator()] == [
        "&Новый инцидент…", "&Импорт из платформы мониторинга…", "&Выгрузить очередь в файл…",
        "&Отчёт для главы поселения…", "Проверка ответов…", "&Настройки…", "&Выход"]  # only their policy tab
    assert curator.new_incident_action.shortcut() == QKeySequence("Ctrl+N")
    assert curator.import_action.shortcut() == QKeySequence("Ctrl+I")
    assert curator.report_action.shortcut() == QKeySequence("Ctrl+R")
    executor = open_window(world, "zhkh")
    file_menu = executor.menuBar().actions()[0].menu()
    assert [a.text() for a in file_menu.actions() if not a.isSeparator()] == [
        "&Выгрузить очередь в файл…", "&Настройки…", "&Выход"]  # no import, no report over every unit
    # the toolbar: registering and importing for the curator only
    assert [a.text() for a in curator.toolbar.actions() if not a.isSeparator()][:2] == [
        "&Новый инцидент…", "&Импорт из платформы мониторинга…"]
    assert "&Новый инцидент…" not in [a.text() for a in executor.toolbar.actions()]
    assert not executor.new_incident_action.isEnabled()


def test_about_box_and_quit(world: World, open_window) -> None:  # noqa: ANN001
    win = open_window(world)
    box = win.make_about_box()
    assert f"Версия {__version__}" in box.text() and box.windowTitle() == "О программе"
    win.quit_action.trigger()
    assert not win.isVisible()


def test_admin_and_settings_open_from_the_file_menu(qtbot: QtBot, world: World, open_window,  # noqa: ANN001
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list = []

    class FakeAdmin:
        def __init__(self, actor, parent) -> None:  # noqa: ANN001
            opened.append(("admin", actor.user_id, parent))

        def show(self) -> None:
            opened.append("shown")

    class FakeSettings:
        def __init__(self, actor=None, parent=None, running_url=None) -> None:  # noqa: ANN001
            opened.append(("settings", actor.user_id, parent))
            opened.append(running_url)

        def exec(self) -> int:
            return 0

    admin_module = types.ModuleType("app.ui.admin_window")
    admin_module.AdminWindow = FakeAdmin
    settings_module = types.ModuleType("app.ui.settings_dialog")
    settings_module.SettingsDialog = FakeSettings
    monkeypatch.setitem(sys.modules, "app.ui.admin_window", admin_module)
    monkeypatch.setitem(sys.modules, "app.ui.settings_dialog", settings_module)
    win = open_window(world, "admin")
    win.admin_action.trigger()
    win.settings_action.trigger()
    running = opened.pop()
    assert opened == [("admin", world.ids["admin"], win), "shown", ("settings", world.ids["admin"], win)]
    # «Настройки» open on the database the program runs on, not the saved default
    assert running is not None and parse_url(running).display() == win.db_display


def test_dashboard_opens_from_the_view_menu(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    register(world, 1)
    win = open_window(world)
    win.dashboard_action.trigger()
    board = win._dashboard  # noqa: SLF001
    qtbot.waitUntil(lambda: board.dashboard is not None, timeout=15_000)
    assert board.isVisible() and board.today_total.text() == "1"


# --- tabs, filters, search, sort -----------------------------------------------------------------

def test_tabs_switch_the_rows_and_ctrl_digits_choose_them(qtbot: QtBot, world: World, open_window,  # noqa: ANN001
                                                         qtmodeltester) -> None:
    made = fill(world)
    win = open_window(world)
    assert win.current_preset() == "new"
    assert sorted(ids(win)) == sorted([made["new1"], made["new2"]])
    qtbot.keyClick(win, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    wait(qtbot, win)
    assert win.current_preset() == "all"
    assert ids(win)[-1] == made["closed"] and len(ids(win)) == 4  # the closed one goes last
    qtmodeltester.check(win.queue_model)
    qtbot.keyClick(win, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    wait(qtbot, win)
    assert win.tab_bar.currentIndex() == 3 and ids(win) == []
    assert win.queue_placeholder.text() == "Очередь пуста"
    win.tab_bar.setCurrentIndex(0)
    wait(qtbot, win)
    assert len(ids(win)) == 2


def test_filters_change_the_rows(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    made = fill(world)
    win = open_window(world)
    bar = win.filter_bar
    win.tab_bar.setCurrentIndex(4)
    wait(qtbot, win)

    def choose(combo, value) -> list[int]:  # noqa: ANN001
        combo.setCurrentIndex(combo.findData(value))
        wait(qtbot, win)
        return ids(win)

    assert choose(bar.status_combo, "no_answer") == [made["closed"]]
    assert choose(bar.status_combo, None) and len(ids(win)) == 4
    assert choose(bar.network_combo, "ok") == [made["new2"]]
    bar.network_combo.setCurrentIndex(0)
    assert choose(bar.priority_combo, "high") == [made["routed"]]
    bar.priority_combo.setCurrentIndex(0)
    assert choose(bar.unit_combo, world.units["zhkh"]) == [made["routed"]]
    bar.unit_combo.setCurrentIndex(0)
    group = bar.group_combo.itemData(1)
    assert bar.group_combo.itemText(1) == "Благоустройство"
    assert choose(bar.group_combo, group) == [made["routed"]]
    bar.group_combo.setCurrentIndex(0)
    wait(qtbot, win)
    bar.period_check.setChecked(True)
    bar.date_from.setDate(QDate(2026, 11, 1))
    bar.date_to.setDate(QDate(2026, 11, 23))
    wait(qtbot, win)
    assert ids(win) == [] and win.queue_placeholder.text() == "Ничего не найдено: измените фильтры или поиск"
    bar.date_to.setDate(QDate(2026, 11, 24))
    wait(qtbot, win)
    assert len(ids(win)) == 4
    qtbot.mouseClick(bar.reset_button, Qt.MouseButton.LeftButton)
    wait(qtbot, win)
    assert not bar.period_check.isChecked() and len(ids(win)) == 4


def test_typing_a_search_filters_after_a_pause(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    made = fill(world)
    win = open_window(world)
    win.tab_bar.setCurrentIndex(4)
    wait(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is win.filter_bar.search_edit
    type_text(win.filter_bar.search_edit, "ямы")
    assert win.filter_bar.search_timer.isActive()  # the query waits until the typing pauses
    qtbot.waitUntil(lambda: ids(win) == [made["new1"]], timeout=5_000)
    win.filter_bar.search_edit.clear()
    type_text(win.filter_bar.search_edit, "Анна")  # the author counts too
    qtbot.waitUntil(lambda: ids(win) == [made["new2"]], timeout=5_000)
    wait(qtbot, win)
    assert win.count_label.text() == "Найдено: 1 инцидент"


def test_a_header_click_sorts_on_the_server(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    fill(world)
    win = open_window(world)
    win.tab_bar.setCurrentIndex(4)
    wait(qtbot, win)

    def authors() -> list[str]:
        model = win.queue_model
        return [model.data(model.index(r, Column.AUTHOR)) for r in range(model.rowCount())]

    header = win.queue_view.horizontalHeader()
    header_click(qtbot, win, Column.AUTHOR)
    wait(qtbot, win)
    assert authors() == ["Анна", "Борис", "Вера", "Глеб"]
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (Column.AUTHOR, Qt.SortOrder.AscendingOrder)
    header_click(qtbot, win, Column.AUTHOR)
    wait(qtbot, win)
    assert authors() == ["Глеб", "Вера", "Борис", "Анна"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    header_click(qtbot, win, Column.TEXT)  # not sortable: nothing changes
    wait(qtbot, win)
    assert win.queue_model.sort_order == QueueSort("author", descending=True)
    header_click(qtbot, win, Column.AUTHOR)  # the third click: back to the most urgent first
    wait(qtbot, win)
    assert win.queue_model.sort_order == QueueSort() and header.sortIndicatorSection() == -1


# --- «Уточнения» and «Просроченные» -------------------------------------------------------------------

def choose_tab(qtbot: QtBot, win: MainWindow, code: str) -> None:
    """Click the tab of the preset ``code`` as a user would."""
    index = next(i for i in range(win.tab_bar.count()) if win.tab_bar.tabData(i) == code)
    qtbot.mouseClick(win.tab_bar, Qt.MouseButton.LeftButton, pos=win.tab_bar.tabRect(index).center())
    assert win.current_preset() == code
    wait(qtbot, win)


def red_rows(win: MainWindow) -> set[int]:
    """The incidents whose «Осталось» cell is red (its clock has passed its due moment)."""
    model = win.queue_model
    return {model.data(model.index(r, 0), INCIDENT_ID_ROLE) for r in range(model.rowCount())
            if model.data(model.index(r, Column.REMAINING), LEVEL_ROLE) == "overdue"}


def test_the_overdue_tab_lists_exactly_the_red_rows(qtbot: QtBot, world: World, open_window,  # noqa: ANN001
                                                     qtmodeltester) -> None:
    refs = overdue_mix(world)
    world.clock.set(datetime(2026, 11, 24, 11, 0, tzinfo=MSK))
    win = open_window(world)
    choose_tab(qtbot, win, "all")
    assert len(ids(win)) == len(refs)
    late = {refs[name].id for name in ("new_late", "approval_late", "publication_late", "high")}
    assert red_rows(win) == late
    choose_tab(qtbot, win, "overdue")
    qtmodeltester.check(win.queue_model)
    assert set(ids(win)) == red_rows(win) == late
    qtbot.waitUntil(lambda: win.count_label.text() == "Найдено: 4 инцидента")
    model = win.queue_model
    # each red cell says which clock ran out
    tips = {model.data(model.index(r, 0), INCIDENT_ID_ROLE):
            model.data(model.index(r, Column.REMAINING), Qt.ItemDataRole.ToolTipRole).splitlines()[0]
            for r in range(model.rowCount())}
    assert tips[refs["new_late"].id].startswith("Направление исполнителю (п. 10): просрочено на 1 рабочий час")
    assert tips[refs["approval_late"].id].startswith("Согласование запроса (уточнения), версия 1 (п. 14)")
    assert tips[refs["publication_late"].id].startswith("Размещение согласованного запроса (уточнения) (п. 16)")
    assert tips[refs["high"].id].startswith("Проект ответа на согласование (п. 12)")
    tip = win.tab_bar.tabToolTip(win.tab_bar.currentIndex())
    assert "столбец «Осталось» красный" in tip and tip.endswith("(Ctrl+4)")

    # 11:40: the routing of the one registered at 10:45 (due 11:15) ran out too; the countdown turns
    # it red and the tab follows without the user pressing F5
    world.clock.set(datetime(2026, 11, 24, 11, 40, tzinfo=MSK))
    later = late | {refs["new_fresh"].id}
    model.countdown_timer.timeout.emit()
    qtbot.waitUntil(lambda: set(ids(win)) == later, timeout=15_000)
    wait(qtbot, win)
    assert red_rows(win) == later
    choose_tab(qtbot, win, "all")
    assert red_rows(win) == later


def test_the_clarification_tab_shows_the_request_and_the_authors_wait(qtbot: QtBot, world: World,  # noqa: ANN001
                                                                      open_window) -> None:
    refs = overdue_mix(world)
    world.clock.set(datetime(2026, 11, 24, 16, 0, tzinfo=MSK))  # posted 10:45: 2 h 15 min before lunch, 2 h after
    win = open_window(world)
    choose_tab(qtbot, win, "clarification")
    model = win.queue_model
    statuses = {model.data(model.index(r, 0), INCIDENT_ID_ROLE): model.data(model.index(r, Column.STATUS))
                for r in range(model.rowCount())}
    assert statuses == {refs["approval_late"].id: "Запрос на согласовании",
                        refs["publication_late"].id: "Запрос к размещению",
                        refs["waiting"].id: "Ждёт ответа автора · 4 ч 15 мин"}
    row = model.row_of(refs["waiting"].id)
    assert "Ожидание ответа автора: 4 рабочих часа 15 минут" in model.data(
        model.index(row, Column.STATUS), Qt.ItemDataRole.ToolTipRole)
    tip = win.tab_bar.tabToolTip(win.tab_bar.currentIndex())
    assert "запросом (уточнением) автору" in tip and tip.endswith("(Ctrl+3)")


def test_status_and_remaining_come_first_so_a_narrow_window_shows_them(world: World,  # noqa: ANN001
                                                                       open_window) -> None:
    win = open_window(world)
    header = win.queue_view.horizontalHeader()
    assert [header.logicalIndex(v) for v in range(4)] == [Column.NUMBER, Column.STATUS, Column.REMAINING,
                                                          Column.NETWORK]
    status = win.queue_view.fontMetrics().horizontalAdvance("Ждёт ответа автора · 4 ч 15 мин")
    assert win.queue_view.columnWidth(Column.STATUS) > status


# --- clocks and loading ----------------------------------------------------------------------------

def test_the_countdown_turns_amber_then_red_and_refetches(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    w = world
    ref = register(w, 1)
    win = open_window(w)
    model = win.queue_model
    index = model.index(0, Column.REMAINING)
    assert model.data(index) == "осталось 30 мин" and model.data(index, LEVEL_ROLE) == "ok"
    w.clock.work(24)
    with qtbot.waitSignal(model.loading_changed):  # crossing 75 % asks for fresh rows
        model.countdown_timer.timeout.emit()
    assert model.data(model.index(0, Column.REMAINING)) == "осталось 6 мин"
    assert model.data(model.index(0, Column.REMAINING), LEVEL_ROLE) == "warning"
    wait(qtbot, win)
    w.clock.work(10)
    model.countdown_timer.timeout.emit()
    wait(qtbot, win)
    assert model.data(model.index(0, Column.REMAINING)) == "просрочено на 4 мин"
    assert model.data(model.index(0, Column.REMAINING), LEVEL_ROLE) == "overdue"
    assert ids(win) == [ref.id]


def test_scrolling_down_loads_the_next_200_rows(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    w = world
    with db.atomic():
        for n in range(500):
            register(w, n)
    win = open_window(w)
    assert win.queue_model.rowCount() == 200
    qtbot.waitUntil(lambda: win.count_label.text() == "Найдено: 500 инцидентов", timeout=10_000)
    win.queue_view.scrollToBottom()
    qtbot.waitUntil(lambda: win.queue_model.rowCount() >= 400, timeout=15_000)
    wait(qtbot, win)
    win.queue_view.setFocus()
    win.queue_view.selectRow(win.queue_model.rowCount() - 1)
    qtbot.keyClick(win.queue_view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: win.queue_model.rowCount() == 500, timeout=15_000)
    assert not win.queue_model.canFetchMore(QModelIndex())
    assert len(set(ids(win))) == 500


# --- the card and the keyboard --------------------------------------------------------------------

def test_selecting_a_row_shows_its_card_and_arrows_move(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    made = fill(world)
    win = open_window(world)
    win.tab_bar.setCurrentIndex(4)
    wait(qtbot, win)
    first, second = ids(win)[:2]
    with qtbot.waitSignal(win.incident_selected) as selected:
        win.queue_view.selectRow(0)
    assert selected.args == [first]
    qtbot.waitUntil(lambda: win.card_view.card is not None and win.card_view.card.id == first, timeout=15_000)
    win.activateWindow()  # an earlier test's window may still hold the keyboard
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5_000)
    win.queue_view.setFocus()
    qtbot.keyClick(win.queue_view, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: win.card_view.card is not None and win.card_view.card.id == second, timeout=15_000)
    qtbot.keyClick(win.queue_view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.card_view.isAncestorOf(QApplication.focusWidget()), timeout=5_000)
    assert made["routed"] in ids(win)


def test_f5_reloads_the_queue(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    register(world, 1)
    win = open_window(world)
    assert len(ids(win)) == 1
    register(world, 2)
    qtbot.keyClick(win, Qt.Key.Key_F5)
    wait(qtbot, win)
    assert len(ids(win)) == 2


def test_an_action_on_the_card_refreshes_the_queue(qtbot: QtBot, world: World, open_window,  # noqa: ANN001
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    ref = register(w, 1)
    module = types.ModuleType("app.ui.actions")

    def run_action(parent, actor, card, action) -> bool:  # noqa: ANN001
        workflow.route(actor, card.id, card.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                       location_id=w.location_id)
        return True

    module.run_action = run_action
    monkeypatch.setitem(sys.modules, "app.ui.actions", module)
    win = open_window(w)
    win.queue_view.selectRow(0)
    qtbot.waitUntil(lambda: win.card_view.card is not None, timeout=15_000)
    qtbot.mouseClick(win.card_view.action_buttons["route"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ids(win) == [], timeout=15_000)  # no longer new
    wait(qtbot, win)
    assert win.card_view.card.status_label == "В работе"
    assert ref.id not in ids(win)


def test_a_notification_click_opens_the_incident(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    w = world
    ref = register(w, 1)
    win = open_window(w)
    w.clock.work(25)
    with qtbot.waitSignal(win.notifier.shown):
        win.notifier.resync()
    assert win.banner.isVisible() and "Инцидент № 1" in win.banner.text_label.text()
    qtbot.mouseClick(win.banner.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.card_view.card is not None and win.card_view.card.id == ref.id, timeout=15_000)
    assert not win.banner.isVisible()


# --- settings -----------------------------------------------------------------------------------

def test_settings_are_remembered_per_user(qtbot: QtBot, world: World, open_window, settings_dir: Path) -> None:  # noqa: ANN001
    fill(world)
    win = open_window(world)
    win.tab_bar.setCurrentIndex(4)
    win.filter_bar.network_combo.setCurrentIndex(win.filter_bar.network_combo.findData("telegram"))
    type_text(win.filter_bar.search_edit, "фонари")
    qtbot.waitUntil(lambda: win.queue_model.filter.search == "фонари", timeout=5_000)
    wait(qtbot, win)
    header_click(qtbot, win, Column.AUTHOR)
    header_click(qtbot, win, Column.AUTHOR)
    wait(qtbot, win)
    win.resize(780, 560)  # the offscreen screen is 800 × 600: a restored window must fit on it
    qtbot.waitUntil(lambda: win.width() == 780)
    win.queue_view.setColumnWidth(Column.AUTHOR, 222)
    win.splitter.setSizes([500, 270])
    splitter_sizes = win.splitter.sizes()
    win.close()
    assert not win.isVisible()
    assert (settings_dir / "Korenovsk" / "Incidents.ini").exists()
    assert ui_settings().fileName().startswith(str(settings_dir))

    again = open_window(world)
    assert again.current_preset() == "all"
    assert again.filter_bar.search_edit.text() == "фонари"
    assert again.filter_bar.network_combo.currentData() == "telegram"
    assert again.queue_model.filter.search == "фонари" and again.queue_model.filter.networks == ("telegram",)
    assert again.queue_model.sort_order == QueueSort("author", descending=True)
    assert again.queue_view.horizontalHeader().sortIndicatorSection() == Column.AUTHOR
    assert again.queue_view.columnWidth(Column.AUTHOR) == 222
    assert (again.width(), again.height()) == (780, 560)
    qtbot.waitUntil(lambda: again.splitter.sizes() == splitter_sizes, timeout=2_000)
    # another user starts with their own defaults
    other = open_window(world, "glava")
    assert other.current_preset() == "open" and other.filter_bar.search_edit.text() == ""


def test_dates_of_the_period_are_remembered(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    win = open_window(world)
    win.filter_bar.period_check.setChecked(True)
    win.filter_bar.date_from.setDate(QDate(2026, 11, 2))
    win.close()
    again = open_window(world)
    assert again.filter_bar.period_check.isChecked()
    assert again.queue_model.filter.detected_from == date(2026, 11, 2)


def test_import_from_the_file_menu_adds_the_rows_to_the_queue(qtbot: QtBot, world: World, open_window,  # noqa: ANN001
                                                              tmp_path: Path) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QWizard

    from app.ui.import_wizard import ImportWizard

    source = tmp_path / "выгрузка.csv"
    source.write_text("Ссылка;Автор;Текст;Дата выявления\n"
                      "https://vk.com/wall-1_501;Мария;Не горят фонари на Красной;24.11.2026 09:00\n"
                      "https://t.me/korenovsk_chat/502;Пётр;Яма у школы;24.11.2026 09:10\n", encoding="cp1251")
    win = open_window(world)
    assert win.queue_model.rowCount() == 0
    seen: list[str] = []

    def drive() -> None:  # the wizard is modal: act on it from the event loop
        wizard = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ImportWizard) and w.isVisible())
        type_text(wizard.file_page.path_edit, str(source))
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.CommitButton), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.result_page, timeout=30_000)
        seen.append(wizard.result_page.summary_label.text())
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, drive)
    win.import_action.trigger()
    assert seen == ["Импортировано: 2, дубликатов: 0, отклонено: 0"]
    wait(qtbot, win)
    qtbot.waitUntil(lambda: win.queue_model.rowCount() == 2, timeout=15_000)
    assert {win.queue_model.row_at(r).author for r in range(2)} == {"Мария", "Пётр"}


def test_a_curator_reaches_the_answer_check_policy_from_the_file_menu(qtbot: QtBot, world: World,
                                                                       open_window) -> None:  # noqa: ANN001
    win = open_window(world, "kurator")
    assert win.admin_action.isVisible() and win.admin_action.text() == "Проверка ответов…"
    win.admin_action.trigger()
    admin = win._admin_window  # noqa: SLF001
    qtbot.waitUntil(admin.isVisible)
    assert [admin.tabs.tabText(i) for i in range(admin.tabs.count())] == ["Проверка ответов"]
    admin.close()
    executor = open_window(world, "zhkh")
    assert not executor.admin_action.isVisible()
