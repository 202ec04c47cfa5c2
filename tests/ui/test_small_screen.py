"""Screens from a 1024 × 700 laptop to a 1600 × 1000 monitor: the number, the countdown, the status
and the text are on the screen without scrolling, the filters are whole, the card goes under the
queue (or beside it, or away) and its tabs are readable; wider, the columns share the room and the
full texts are in tooltips. With ``INCIDENTS_UI_SHOTS=folder`` the screens are also saved as PNG."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QWidget
from pytestqt.qtbot import QtBot

from app.models.enums import Priority
from app.services import workflow
from app.ui.main_window import MainWindow
from app.ui.queue_model import Column
from tests.helpers.world import World
from tests.ui.helpers import overdue_mix, request_to_author, route
from tests.ui.windows import click_row, register, shows, wait
from tests.ui.windows import open_window, window_settings, world  # noqa: F401 - fixtures

SMALL = (1024, 700)
LARGE = (1600, 1000)
SHOTS = os.environ.get("INCIDENTS_UI_SHOTS")
MUST_SEE = (Column.NUMBER, Column.REMAINING, Column.STATUS, Column.TEXT)


@pytest.fixture(autouse=True)
def settings_dir(window_settings: Path) -> Path:
    return window_settings


def settled(qtbot: QtBot, win: MainWindow, size: tuple[int, int]) -> None:
    qtbot.waitUntil(lambda: (win.width(), win.height()) == size, timeout=5_000)
    wait(qtbot, win)
    qtbot.wait(50)  # the columns are fitted on the next turn of the event loop
    win.fit_columns()


def column_rect(win: MainWindow, column: Column) -> QRect:
    header = win.queue_view.horizontalHeader()
    return QRect(header.sectionViewportPosition(column), 0, header.sectionSize(column), header.height())


def inside(child: QWidget, parent: QWidget) -> bool:
    top_left = child.mapTo(parent, child.rect().topLeft())
    return parent.rect().contains(QRect(top_left, child.size()))


def busy_queue(w: World) -> None:
    """Incidents in every state a curator's day has: new, routed, waiting for the author, overdue."""
    overdue_mix(w)
    ref = route(w, register(w, 50, text="Во дворе дома 12 по ул. Красной третью неделю стоит сломанная "
                                         "машина, мешает вывозу мусора, прошу принять меры"))
    request_to_author(w, ref, "waiting")
    register(w, 51, priority=Priority.HIGH)


def test_at_1024_by_700_the_countdown_status_and_text_are_on_the_screen(qtbot: QtBot, world: World,  # noqa: ANN001
                                                                        open_window) -> None:
    busy_queue(world)
    win = open_window(world, size=SMALL)
    win.tab_bar.setCurrentIndex(win.tab_bar.count() - 1)  # «Все»
    settled(qtbot, win, SMALL)
    assert win.queue_model.rowCount() >= 8
    # the card goes under the queue: the queue gets the whole width
    assert win.splitter.orientation() == Qt.Orientation.Vertical
    viewport = win.queue_view.viewport().rect()
    for column in MUST_SEE:
        assert win.column_visible(column), column.name
        assert viewport.contains(column_rect(win, column).adjusted(0, 0, -1, 0)), column.name
    assert not win.queue_view.horizontalScrollBar().isVisible()
    assert win.queue_view.columnWidth(Column.TEXT) >= 200
    model = win.queue_model
    statuses = [str(model.data(model.index(r, Column.STATUS))) for r in range(model.rowCount())]
    assert any(s.startswith("Ждёт ответа автора · ") for s in statuses)
    widest = max(win.queue_view.fontMetrics().horizontalAdvance(s) for s in statuses)
    assert win.queue_view.columnWidth(Column.STATUS) > widest  # every status is read whole, the wait too
    # the filters are whole, each on the screen at its natural size at least
    for widget in win.filter_bar.findChildren(QWidget):
        if isinstance(widget, (QComboBox, QDateEdit)) or widget is win.filter_bar.search_edit:
            assert inside(widget, win.filter_bar), widget
            assert widget.width() >= widget.minimumSizeHint().width(), widget
    # a card under the queue: its tabs side by side, none behind arrows, every title whole
    ref_id = win.queue_model.row_at(0).incident_id
    click_row(qtbot, win, ref_id)
    qtbot.waitUntil(lambda: shows(win, ref_id), timeout=15_000)
    tabs = win.card_view.tabs
    bar = tabs.tabBar()
    assert not tabs.usesScrollButtons()
    assert all(bar.tabRect(i).right() <= bar.width() for i in range(bar.count()))
    assert all(bar.tabRect(i).width() >= bar.fontMetrics().horizontalAdvance(bar.tabText(i))
               for i in range(bar.count()))
    assert inside(win.card_view, win)
    assert win.card_view.height() >= 200
    if SHOTS:
        win.grab().save(str(Path(SHOTS) / "main-1024x700.png"))


def test_the_card_can_go_beside_the_queue_or_away(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    busy_queue(world)
    win = open_window(world, size=SMALL)
    settled(qtbot, win, SMALL)
    ref_id = win.queue_model.row_at(0).incident_id
    click_row(qtbot, win, ref_id)
    qtbot.waitUntil(lambda: shows(win, ref_id), timeout=15_000)

    win.placement_actions["right"].trigger()
    assert win.card_placement == "right" and win.splitter.orientation() == Qt.Orientation.Horizontal
    settled(qtbot, win, SMALL)
    for column in MUST_SEE:  # a narrower queue: the optional columns gave way, these did not
        assert win.column_visible(column), column.name
    assert not win.queue_view.horizontalScrollBar().isVisible()
    bar = win.card_view.tabs.tabBar()
    assert all(bar.tabRect(i).right() <= bar.width() for i in range(bar.count()))  # elided, never arrows
    assert all(win.card_view.tabs.tabToolTip(i) for i in range(bar.count()))

    win.card_visible_action.trigger()  # F9: the card away, the queue takes the window
    assert not win.card_pane.isVisible()
    settled(qtbot, win, SMALL)
    assert win.queue_view.width() > 1000
    qtbot.keyClick(win.queue_view, Qt.Key.Key_Return)  # Enter on a row brings it back
    qtbot.waitUntil(lambda: win.card_pane.isVisible(), timeout=5_000)
    win.placement_actions["below"].trigger()
    assert win.splitter.orientation() == Qt.Orientation.Vertical
    win.close()
    again = open_window(world, size=SMALL)
    assert again.card_placement == "below" and again.card_visible_action.isChecked()


def test_at_1600_by_1000_the_columns_share_the_width_with_full_texts_in_tooltips(  # noqa: ANN001
        qtbot: QtBot, world: World, open_window) -> None:
    busy_queue(world)
    win = open_window(world, size=LARGE)
    win.tab_bar.setCurrentIndex(win.tab_bar.count() - 1)
    settled(qtbot, win, LARGE)
    assert win.splitter.orientation() == Qt.Orientation.Horizontal
    queue_width, card_width = win.splitter.sizes()
    assert queue_width >= 1050 and card_width >= 440
    header = win.queue_view.horizontalHeader()
    shown = [c for c in Column if not header.isSectionHidden(c)]
    assert set(MUST_SEE) | {Column.AUTHOR, Column.NETWORK, Column.TOPIC, Column.EXECUTORS} <= set(shown)
    assert sum(header.sectionSize(c) for c in shown) == win.queue_view.viewport().width()  # no scrolling
    assert win.queue_view.columnWidth(Column.TEXT) >= 250
    model = win.queue_model
    long_row = next(r for r in range(model.rowCount()) if model.row_at(r).first_line.startswith("Во дворе"))
    tip = model.data(model.index(long_row, Column.TEXT), Qt.ItemDataRole.ToolTipRole)
    assert tip.replace("\n", " ") == model.row_at(long_row).first_line
    assert model.data(model.index(long_row, Column.AUTHOR), Qt.ItemDataRole.ToolTipRole) == "Автор 50"
    status_tip = model.data(model.index(long_row, Column.STATUS), Qt.ItemDataRole.ToolTipRole)
    assert status_tip.startswith("Статус: ") and "Ожидание ответа автора" in status_tip
    if SHOTS:
        win.grab().save(str(Path(SHOTS) / "main-1600x1000.png"))


def test_a_column_sized_by_hand_keeps_its_size_until_reset(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    busy_queue(world)
    win = open_window(world, size=LARGE)
    settled(qtbot, win, LARGE)
    win.queue_view.setColumnWidth(Column.AUTHOR, 260)  # as a drag of its edge does
    settled(qtbot, win, LARGE)
    assert win.queue_view.columnWidth(Column.AUTHOR) == 260
    header = win.queue_view.horizontalHeader()
    shown = [c for c in Column if not header.isSectionHidden(c)]
    assert sum(header.sectionSize(c) for c in shown) == win.queue_view.viewport().width()  # the text made room
    win.reset_columns_action.trigger()
    assert win.queue_view.columnWidth(Column.AUTHOR) < 260


def test_the_executor_and_the_head_fit_the_small_screen_too(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    busy_queue(world)
    for login in ("zhkh", "glava"):
        win = open_window(world, login, size=SMALL)
        settled(qtbot, win, SMALL)
        assert win.queue_model.rowCount() > 0
        for column in MUST_SEE:
            assert win.column_visible(column), (login, column.name)
        if login == "zhkh":
            assert win.queue_view.horizontalHeader().isSectionHidden(Column.EXECUTORS)  # always their own unit
        if SHOTS:
            win.grab().save(str(Path(SHOTS) / f"main-{login}-1024x700.png"))


def test_the_head_opens_on_the_queue(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    register(world, 1)
    win = open_window(world, "glava")
    assert win.current_preset() == "open" and win.queue_view.isVisible()
    assert win._dashboard is None  # noqa: SLF001 - the «Сводка» opens on request only
    assert win.queue_model.rowCount() == 1


def test_every_window_of_mine_fits_a_small_screen(qtbot: QtBot, world: World) -> None:  # noqa: ANN001
    from app.ui.dashboard import DashboardWindow
    from app.ui.import_wizard import ImportWizard

    for widget in (ImportWizard(world.actor("kurator")), DashboardWindow(world.actor("kurator"))):
        qtbot.addWidget(widget)
        name = type(widget).__name__
        room = (SMALL[0] - 16, SMALL[1] - 60)  # less the window frame and the task bar
        for size in (widget.minimumSize(), widget.minimumSizeHint()):
            assert size.width() <= room[0] and size.height() <= room[1], (name, size)
        widget.resize(*room)
        assert (widget.width(), widget.height()) == room, name
        if isinstance(widget, DashboardWindow):
            widget.refresh_timer.stop()
            qtbot.waitUntil(lambda w=widget: not w.runner.busy, timeout=15_000)


def test_the_priority_column_is_not_needed_to_see_a_high_priority(world: World, open_window, qtbot) -> None:  # noqa: ANN001
    ref = register(world, 1, priority=Priority.HIGH)
    workflow.route(world.actor("kurator"), ref.id, ref.version, unit_ids=[world.units["zhkh"]],
                   topic_id=world.topic_id, location_id=world.location_id)
    win = open_window(world, size=SMALL)
    settled(qtbot, win, SMALL)
    model = win.queue_model
    win.tab_bar.setCurrentIndex(win.tab_bar.count() - 1)
    wait(qtbot, win)
    font = model.data(model.index(0, Column.NUMBER), Qt.ItemDataRole.FontRole)
    assert font is not None and font.bold()  # the number itself is bold when the priority column gives way
