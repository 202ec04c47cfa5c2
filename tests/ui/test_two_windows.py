"""Two main windows on one database — the curator's and an executor's, as on two desks: the open
card never goes stale. It follows its queue row when the row comes back changed, a click on the
row always shows the current state, and a card whose action dialog is open waits for the dialog
to close (nothing typed into it is lost)."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

from app.models.enums import Priority
from app.services import workflow
from app.ui.main_window import MainWindow
from tests.helpers.world import World
from tests.ui.helpers import route
from tests.ui.windows import (  # noqa: F401 - open_window, window_settings, world are fixtures
    open_window, window_settings, world,
    choose_tab, click_row, fake_actions, ids, register, service_effects, shows, wait,
)


@pytest.fixture(autouse=True)
def settings_dir(window_settings: Path) -> Path:
    return window_settings


def open_card(qtbot: QtBot, win: MainWindow, incident_id: int) -> None:
    click_row(qtbot, win, incident_id)
    qtbot.waitUntil(lambda: shows(win, incident_id), timeout=15_000)
    wait(qtbot, win)


def status(win: MainWindow) -> str:
    card = win.card_view.card
    assert card is not None
    return card.status_label


def buttons(win: MainWindow) -> set[str]:
    return set(win.card_view.action_buttons)


def press(qtbot: QtBot, win: MainWindow, action: str) -> None:
    """Click the card's button of ``action`` (its dialog is replaced by the service call)."""
    button = win.card_view.action_buttons[action]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait(qtbot, win)


def test_the_card_follows_what_the_other_window_does(qtbot: QtBot, world: World, open_window,  # noqa: ANN001
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Executor submits → the curator's open card says «На согласовании» with «Согласовать»; the
    curator approves → the executor's card offers «Отметить размещение». No F5 anywhere."""
    w = world
    ref = route(w, register(w, 1))
    fake_actions(monkeypatch, service_effects(w))
    curator = open_window(w)
    executor = open_window(w, "zhkh")
    choose_tab(qtbot, curator, "all")
    open_card(qtbot, curator, ref.id)
    open_card(qtbot, executor, ref.id)
    assert status(curator) == "В работе" and "approve" not in buttons(curator)
    assert "edit_answer" in buttons(executor)

    press(qtbot, executor, "edit_answer")
    qtbot.waitUntil(lambda: "submit" in buttons(executor), timeout=15_000)
    press(qtbot, executor, "submit")
    qtbot.waitUntil(lambda: status(executor) == "На согласовании", timeout=15_000)

    # the curator's card, open all along, follows without a click
    qtbot.waitUntil(lambda: status(curator) == "На согласовании", timeout=15_000)
    qtbot.waitUntil(lambda: {"approve", "return"} <= buttons(curator), timeout=15_000)
    assert curator.card_view.card.version == executor.card_view.card.version
    answers = curator.card_view.card.answers
    assert answers and answers[-1].state_label == "Направлен на согласование"

    press(qtbot, curator, "approve")
    qtbot.waitUntil(lambda: status(curator) == "К размещению", timeout=15_000)
    qtbot.waitUntil(lambda: "publish" in buttons(executor), timeout=15_000)
    assert status(executor) == "К размещению"
    press(qtbot, executor, "publish")
    qtbot.waitUntil(lambda: status(curator) == "Ответ размещён", timeout=15_000)
    assert not buttons(curator)  # closed: nothing left to do
    assert ref.id in ids(curator)


def test_a_row_that_comes_back_newer_reloads_its_card(qtbot: QtBot, world: World, open_window,  # noqa: ANN001
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Another PC's change arrives without an event (only the queue's own refresh sees it): the row's
    newer version reloads the card."""
    w = world
    ref = route(w, register(w, 1))
    fake_actions(monkeypatch, service_effects(w))
    curator = open_window(w)
    executor = open_window(w, "zhkh")
    executor.notifier.stop()  # deaf to this process's events, as a window on another PC is
    choose_tab(qtbot, curator, "all")
    open_card(qtbot, curator, ref.id)
    open_card(qtbot, executor, ref.id)
    press(qtbot, executor, "edit_answer")
    press(qtbot, executor, "submit")
    qtbot.waitUntil(lambda: {"approve", "return"} <= buttons(curator), timeout=15_000)
    press(qtbot, curator, "approve")
    qtbot.waitUntil(lambda: status(curator) == "К размещению", timeout=15_000)
    wait(qtbot, executor)
    assert status(executor) == "На согласовании"  # it heard nothing yet
    executor.refresh_quietly()  # what a timer of the queue does (a clock threshold, the next re-sync)
    qtbot.waitUntil(lambda: status(executor) == "К размещению", timeout=15_000)
    assert "publish" in buttons(executor)


def test_clicking_the_row_again_shows_the_current_state(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    w = world
    ref = route(w, register(w, 1))
    curator = open_window(w)
    executor = open_window(w, "zhkh")
    executor.notifier.stop()
    open_card(qtbot, executor, ref.id)
    assert executor.card_view.card.priority == Priority.NORMAL
    workflow.change_priority(w.actor("kurator"), ref.id, ref.version, priority=Priority.HIGH)
    wait(qtbot, curator)
    qtbot.wait(100)
    assert executor.card_view.card.priority == Priority.NORMAL  # nothing told it yet
    click_row(qtbot, executor, ref.id)  # the row the card already shows: clicked again
    qtbot.waitUntil(lambda: executor.card_view.card.priority == Priority.HIGH, timeout=15_000)
    assert "повышенной важности" in executor.card_view.status_label.text().lower()


def test_an_open_dialog_keeps_its_card_and_its_input_until_it_closes(qtbot: QtBot, world: World,  # noqa: ANN001
                                                                    open_window,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    ref = route(w, register(w, 1))
    seen: dict[str, object] = {}

    def edit_answer(parent, actor, card) -> bool:  # noqa: ANN001
        """The answer editor is open; meanwhile the curator raises the priority elsewhere."""
        editor = QLineEdit(parent)
        editor.setText(ANSWER_TYPED)
        before = parent.card
        workflow.change_priority(w.actor("kurator"), card.id, card.version, priority=Priority.HIGH)
        parent.window().refresh_quietly()  # the queue's timer refreshes the rows meanwhile
        qtbot.waitUntil(lambda: parent.window().queue_model.row_at(0).version > card.version, timeout=15_000)
        qtbot.wait(100)  # inside the dialog's own loop: the newer row asks the card to reload
        seen["card kept"] = parent.card is before
        seen["input kept"] = editor.text()
        seen["waiting"] = parent.acting
        editor.deleteLater()
        return False  # the user closed the editor without saving

    fake_actions(monkeypatch, {"edit_answer": edit_answer})
    executor = open_window(w, "zhkh")
    open_card(qtbot, executor, ref.id)
    press(qtbot, executor, "edit_answer")
    assert seen == {"card kept": True, "input kept": ANSWER_TYPED, "waiting": True}
    # once the dialog is closed the card catches up
    qtbot.waitUntil(lambda: executor.card_view.card.priority == Priority.HIGH, timeout=15_000)


ANSWER_TYPED = "Здравствуйте! Фонари починят сегодня до"
