"""Main windows for the UI tests that drive more than one of them on one database: made, shown,
waited for, and closed with their worker threads done."""
from __future__ import annotations

import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot

from app.models.enums import Priority
from app.services import users, workflow
from app.services.database import OpenedDatabase
from app.services.incident_view import IncidentCard
from app.ui.main_window import MainWindow
from app.ui.queue_model import INCIDENT_ID_ROLE
from tests.helpers.world import World, build_world

ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."


def use_temporary_settings(home: Path) -> Path:
    """Window settings go to the test's temporary home, never the real one."""
    folder = home / "config"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


def window_factory(qtbot: QtBot, database: OpenedDatabase) -> Iterator[Callable[..., MainWindow]]:
    """``make(world, login, size=None)``: a shown main window of that user (closed after the test)."""
    made: list[MainWindow] = []

    def make(w: World, login: str = "kurator", size: tuple[int, int] | None = None) -> MainWindow:
        user = users.get_user(w.ids[login])
        win = MainWindow(w.actor(login), user, database.target.display())
        qtbot.addWidget(win)
        if size is not None:
            win.resize(*size)
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
    """Until the queue, the card, the notifier and the window's own checks are all idle."""
    model = win.queue_model
    qtbot.waitUntil(lambda: not model.loading and not model.runner.busy and not win.card_view.loading
                    and not win.card_view.runner.busy and not win.notifier.runner.busy and not win.runner.busy,
                    timeout=15_000)


def ids(win: MainWindow) -> list[int]:
    model = win.queue_model
    return [model.data(model.index(r, 0), INCIDENT_ID_ROLE) for r in range(model.rowCount())]


def register(w: World, n: int, *, priority: Priority = Priority.NORMAL,
             text: str = "Не горят фонари на улице Красной") -> workflow.Ref:
    return workflow.register_incident(w.actor("kurator"), link=f"https://vk.com/wall-1_{n}", author=f"Автор {n}",
                                      text=text, detected_at=w.clock.moment, priority=priority)


def choose_tab(qtbot: QtBot, win: MainWindow, code: str) -> None:
    """Click the tab of the preset ``code`` as a user would."""
    index = next(i for i in range(win.tab_bar.count()) if win.tab_bar.tabData(i) == code)
    qtbot.mouseClick(win.tab_bar, Qt.MouseButton.LeftButton, pos=win.tab_bar.tabRect(index).center())
    assert win.current_preset() == code
    wait(qtbot, win)


def click_row(qtbot: QtBot, win: MainWindow, incident_id: int) -> None:
    """Click the incident's row as a user would (its first visible cell)."""
    row = win.queue_model.row_of(incident_id)
    assert row >= 0, f"инцидента № {incident_id} нет в очереди"
    rect = win.queue_view.visualRect(win.queue_model.index(row, 0))
    qtbot.mouseClick(win.queue_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def shows(win: MainWindow, incident_id: int) -> bool:
    card = win.card_view.card
    return card is not None and card.id == incident_id and not win.card_view.loading


def fake_actions(monkeypatch: pytest.MonkeyPatch, effects: dict[str, Callable[..., bool]]) -> list:
    """``app.ui.actions`` replaced: the card's button ``action`` runs ``effects[action](parent, actor, card)``
    (a service call instead of the dialog) and the calls are recorded."""
    calls: list = []
    module = types.ModuleType("app.ui.actions")

    def run_action(parent, actor, card: IncidentCard, action: str) -> bool:  # noqa: ANN001
        calls.append((actor.user_id, card.id, action))
        return bool(effects[action](parent, actor, card))

    module.run_action = run_action
    monkeypatch.setitem(sys.modules, "app.ui.actions", module)
    return calls


def service_effects(w: World) -> dict[str, Callable[..., bool]]:
    """What the usual dialogs end with, as service calls on the card's version."""

    def edit_answer(_parent, actor, card) -> bool:  # noqa: ANN001
        workflow.save_draft(actor, card.id, card.version, text=ANSWER)
        return True

    def submit(_parent, actor, card) -> bool:  # noqa: ANN001
        workflow.submit_answer(actor, card.id, card.version)
        return True

    def approve(_parent, actor, card) -> bool:  # noqa: ANN001
        workflow.approve(actor, card.id, card.version)
        return True

    def publish(_parent, actor, card) -> bool:  # noqa: ANN001
        workflow.publish(actor, card.id, card.version, url=f"{card.link}?reply=1")
        return True

    return {"edit_answer": edit_answer, "submit": submit, "approve": approve, "publish": publish}


# --- fixtures: a test module imports them by name (``from tests.ui.windows import open_window, …``) ------------

@pytest.fixture
def window_settings(_isolated_home: Path) -> Path:
    """Window settings in the test's temporary home (use it autouse in the importing module)."""
    return use_temporary_settings(_isolated_home)


@pytest.fixture
def world(backend_db: OpenedDatabase, monkeypatch: pytest.MonkeyPatch) -> World:
    """The small administration of ``tests.helpers.world`` on the backend under test."""
    return build_world(monkeypatch)


@pytest.fixture
def open_window(qtbot: QtBot, backend_db: OpenedDatabase) -> Iterator[Callable[..., MainWindow]]:
    """``open_window(world, login, size=None)``: shown main windows, closed and idle after the test."""
    yield from window_factory(qtbot, backend_db)
