"""The «Сводка» window: numbers computed off the GUI thread, refreshed every minute."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.models.enums import Priority
from app.services import dashboard, workflow
from app.services.dashboard import UnitLoad
from app.services.database import OpenedDatabase
from app.ui.dashboard import REFRESH_MS, DashboardWindow, UnitLoadModel
from tests.helpers.world import MSK, World, build_world

ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."


@pytest.fixture
def world(backend_db: OpenedDatabase, monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(monkeypatch)


@pytest.fixture
def open_board(qtbot: QtBot) -> Iterator:
    made: list[DashboardWindow] = []

    def make(actor) -> DashboardWindow:  # noqa: ANN001
        board = DashboardWindow(actor)
        qtbot.addWidget(board)
        board.show()
        made.append(board)
        qtbot.waitUntil(lambda: board.dashboard is not None and not board.runner.busy, timeout=15_000)
        return board

    yield make
    for board in made:
        board.refresh_timer.stop()
        assert board.runner.wait()


def register(w: World, n: int, priority: Priority = Priority.NORMAL) -> workflow.Ref:
    return workflow.register_incident(w.actor("kurator"), link=f"https://vk.com/wall-1_{n}", author=f"Автор {n}",
                                      text="Не горят фонари на улице Красной", detected_at=w.clock.moment,
                                      priority=priority)


def fill(w: World) -> None:
    k = w.actor("kurator")
    first, second = register(w, 1), register(w, 2, Priority.HIGH)
    register(w, 3)
    fast = workflow.route(k, first.id, first.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                          location_id=w.location_id)
    workflow.route(k, second.id, second.version, unit_ids=[w.units["zhkh"], w.units["blago"]], topic_id=w.topic_id,
                   location_id=w.location_id)
    w.clock.work(60)
    e = w.actor("zhkh")
    ref = workflow.save_draft(e, fast.id, fast.version, text=ANSWER)
    ref = workflow.submit_answer(e, ref.id, ref.version)
    ref = workflow.approve(k, ref.id, ref.version)
    workflow.publish(e, ref.id, ref.version, url="https://vk.com/wall-1_1?reply=5")


def test_the_board_shows_today_overdue_answers_and_units(qtbot: QtBot, world: World, open_board) -> None:  # noqa: ANN001
    fill(world)
    world.clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=MSK))
    board = open_board(world.actor("kurator"))
    assert board.title_label.text() == "<h2>Сводка на 24 ноября 2026 г., 15:00</h2>"
    assert board.today_total.text() == "3"
    assert board.status_labels["answered"].text() == "1" and board.status_labels["new"].text() == "1"
    assert board.status_labels["routed"].text() == "1"
    # overdue = some open clock has passed its due moment (the red rows of the queue), by that clock:
    # № 3 was never routed: due 09:30 + 30 min = 10:00 (п. 10); № 2 went to two units at 09:30,
    # each owes its information for the consolidated answer by 09:30 + 2 h = 11:30 (п. 19) — its
    # earliest clock (the 4-hour answer is due 14:30, after the lunch hour)
    assert board.overdue_label.text() == "2" and "#b00020" in board.overdue_label.styleSheet()
    assert board.open_label.text() == "из 2 в работе"
    assert board.steps_title.isVisible()
    assert {label: n.text() for label, n in board.step_labels.items()} == {
        "Направление исполнителю (п. 10)": "1", "Информация для сводного ответа (п. 19)": "1"}
    qtbot.waitUntil(lambda: all(n.isVisible() for n in board.step_labels.values()))  # shown by the event loop
    assert board.answers_box.title() == "Ответы в срок в ноябре 2026 г."
    normal, high = board.share_bars
    assert normal.format() == "100 %" and normal.value() == 100
    assert board.share_labels[0].text() == "1 из 1 в срок; ещё 1 в работе"
    assert high.format() == "0 %" and board.share_labels[1].text() == "0 из 1 в срок"
    units = board.units_model
    rows = {units.data(units.index(r, 0)): (units.data(units.index(r, 1)), units.data(units.index(r, 2)))
            for r in range(units.rowCount())}
    assert rows["Отдел ЖКХ, благоустройства и транспорта"] == ("1", "1")
    assert rows["МКУ «Управление благоустройства»"] == ("1", "1")
    assert rows["Отдел архитектуры и градостроительства"] == ("0", "0")


def test_the_numbers_are_computed_off_the_gui_thread_every_minute(qtbot: QtBot, world: World, open_board,  # noqa: ANN001
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    real = dashboard.summary

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(dashboard, "summary", spy)
    board = open_board(world.actor("kurator"))
    assert board.refresh_timer.isActive() and board.refresh_timer.interval() == REFRESH_MS == 60_000
    register(world, 7)
    with qtbot.waitSignal(board.refreshed):
        board.refresh_timer.timeout.emit()
    assert board.today_total.text() == "1"
    assert threads and threading.main_thread().name not in threads


def test_an_empty_month_says_there_is_no_data(world: World, open_board) -> None:  # noqa: ANN001
    board = open_board(world.actor("kurator"))
    assert board.share_bars[0].format() == "нет данных"
    assert board.share_labels[0].text() == "инцидентов не было"
    assert board.overdue_label.text() == "0" and "#2e7d32" in board.overdue_label.styleSheet()
    assert board.step_labels == {} and not board.steps_title.isVisible()


def test_unit_load_model_contract(qtmodeltester) -> None:  # noqa: ANN001
    model = UnitLoadModel()
    qtmodeltester.check(model)
    model.set_rows([UnitLoad(1, "Отдел ЖКХ", "ЖКХ", 4, 1), UnitLoad(2, "Водоканал", "Водоканал", 0, 0)])
    qtmodeltester.check(model)
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Открытых поручений"
    assert "шага куратора" in model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) is None
    assert model.data(model.index(0, 2), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(1, 2), Qt.ItemDataRole.ForegroundRole) is None


def test_show_in_queue_opens_the_overdue_tab_of_the_main_window(qtbot: QtBot, world: World, open_board,  # noqa: ANN001
                                                               backend_db: OpenedDatabase) -> None:
    from app.services import users
    from app.ui.main_window import MainWindow

    register(world, 1)
    world.clock.set(datetime(2026, 11, 24, 10, 5, tzinfo=MSK))  # not routed by 10:00 (п. 10)
    win = MainWindow(world.actor("kurator"), users.get_user(world.ids["kurator"]), backend_db.target.display())
    qtbot.addWidget(win)
    win.show()
    try:
        win.dashboard_action.trigger()
        board = win._dashboard  # noqa: SLF001
        qtbot.waitUntil(lambda: board.dashboard is not None, timeout=15_000)
        assert board.overdue_label.text() == "1" and board.show_overdue_button.isVisible()
        qtbot.mouseClick(board.show_overdue_button, Qt.MouseButton.LeftButton)
        assert win.current_preset() == "overdue"
        model = win.queue_model
        qtbot.waitUntil(lambda: not model.loading and model.rowCount() == 1, timeout=15_000)
    finally:
        win.close()
        assert win.wait_idle()
    # an executor has no such tab: no button
    executor = open_board(world.actor("zhkh"))
    assert not executor.show_overdue_button.isVisible()


def test_overdue_now_counts_the_red_rows_by_the_clock_that_ran_out(qtbot: QtBot, world: World,  # noqa: ANN001
                                                                    open_board) -> None:
    from app.services import queue
    from tests.ui.helpers import overdue_mix

    refs = overdue_mix(world)
    world.clock.set(datetime(2026, 11, 24, 11, 0, tzinfo=MSK))
    board = open_board(world.actor("kurator"))
    # the same four incidents the «Просроченные» tab lists (see overdue_mix for each due moment)
    tab = queue.fetch_page(world.actor("kurator"), queue.QueueFilter(preset="overdue")).rows
    assert {r.incident_id for r in tab} == {refs[n].id for n in ("new_late", "approval_late", "publication_late",
                                                                 "high")}
    assert board.overdue_label.text() == str(len(tab)) == "4"
    assert {label: n.text() for label, n in board.step_labels.items()} == {
        "Направление исполнителю (п. 10)": "1",       # new_late: routing due 10:00
        "Согласование ответа или запроса (п. 14)": "1",                  # approval_late: the request awaits the curator since 09:30
        "Размещение ответа или запроса (п. 16)": "1",                    # publication_late: the approved request not posted by 10:00
        "Проект ответа на согласование (п. 12)": "1",  # high: draft due 10:30
    }
    # the unit is counted for the curator's late approval too (the header says so)
    units = board.units_model
    zhkh = next(r for r in range(units.rowCount()) if units.data(units.index(r, 0)).startswith("Отдел ЖКХ"))
    assert units.data(units.index(zhkh, 2)) == "3"


def test_the_charts_show_incidents_a_day_and_answers_in_time_a_week(qtbot: QtBot, world: World,  # noqa: ANN001
                                                                   open_board) -> None:
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    from app.ui.dashboard import share_color

    fill(world)
    world.clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=MSK))
    board = open_board(world.actor("kurator"))
    days, weeks = board.days_chart.bars, board.weeks_chart.bars
    assert len(days) == 28 and len(weeks) == 8
    assert days[-1].value == 3 and days[-1].tooltip == "вторник, 24 ноября: 3 инцидента"
    assert sum(bar.value for bar in days) == 3
    assert days[-2].caption == "23.11"  # Mondays carry their date
    this_week = weeks[-1]
    # № 1 answered in time, № 2 (4 h, due 14:30) late, № 3 still running
    assert this_week.tooltip == "Неделя 23.11–29.11: в срок 1 из 2 (50,0 %); ещё 1 в работе"
    assert this_week.label == "50" and this_week.color == share_color(0.5) == "#b00020"
    assert weeks[0].tooltip == "Неделя 05.10–11.10: инцидентов не было"
    # hovering a bar shows its tooltip
    chart = board.days_chart
    qtbot.waitUntil(lambda: chart.isVisible() and chart.width() > 0)
    point = chart.bar_rect(27).center()
    assert chart.bar_at(point) == 27
    chart.event(QHelpEvent(QEvent.Type.ToolTip, point, chart.mapToGlobal(point)))
    qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == days[-1].tooltip, timeout=3_000)
    QToolTip.hideText()
    assert chart.bar_at(QPoint(-5, -5)) == -1


def test_empty_charts_say_so(world: World, open_board) -> None:  # noqa: ANN001
    board = open_board(world.actor("kurator"))
    assert all(bar.value == 0 for bar in board.days_chart.bars)
    assert board.days_chart.empty_text == "инцидентов не было"
    assert all(bar.label == "" for bar in board.weeks_chart.bars)
    assert board.grab().width() > 0  # drawn without data: the note instead of the bars
