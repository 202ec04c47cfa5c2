"""Two main windows on one database — the curator's and an executor's, as on two desks: the open
card never goes stale. It follows its queue row when the row comes back changed, a click on the
row always shows the current state, and a card whose action dialog is open waits for the dialog
to close (nothing typed into it is lost).

The second half (issue 16) puts the other window where it really is: in a process of its own
(``tests/helpers/other_window.py``, the program on another PC) on the same database. What one does, the
other's open card shows within seconds with no click — on the server by its NOTIFY, on SQLite by the file's
change counter — and each card names the other person: «Открыто также: …». SQLite's change counter is per
connection, so only a second process shows it the way another PC does; the first half's windows share one."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from app.models.enums import Priority
from app.services import workflow
from app.ui.answer_editor import AnswerEditor
from app.ui.main_window import MainWindow
from app.ui.triage_dialog import CommentDialog
from tests.helpers.world import World
from tests.ui.helpers import drive_modal, route, type_text
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


def deafen(win: MainWindow) -> None:
    """Deaf to the other window, as a program that heard nothing yet: neither this process's events
    nor the other programs' changes (issue 16) reach it."""
    win.notifier.stop()
    win.live.stop()


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
    deafen(executor)  # deaf, as a window that has not heard of the change yet
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
    deafen(executor)
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


# --- issue 16: the other window in a process of its own, as on another PC --------------------------------

ROOT = Path(__file__).resolve().parents[2]
#: how soon a change made in one program must be on the other's screen (the brief of issue 16: seconds)
SEEN_WITHIN_S = 2.0
#: the bound of every wait for the other program (its start: importing Qt and opening the window)
STARTED_WITHIN_MS = 30_000
SEEN_WITHIN_MS = 3_000
EXECUTOR_SEEN = "Открыто также: Иваненко (Отдел ЖКХ, благоустройства и транспорта)"
COMMENT = "Проверьте заодно опоры у дома 14"


class OtherProgram:
    """``tests/helpers/other_window.py`` running: its reports read on a thread of their own, commands sent."""

    def __init__(self, qtbot: QtBot, database_url: str, home: Path, login: str, incident_id: int,
                 w: World) -> None:
        self.qtbot = qtbot
        self.state: dict = {}
        self.reports: list[dict] = []
        self._lock = threading.Lock()
        home.mkdir(parents=True, exist_ok=True)
        self.log = home / "other_window.stderr"
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", INCIDENTS_HOME=str(home), PYTHONUNBUFFERED="1")
        self._stderr = self.log.open("w", encoding="utf-8")
        self.process = subprocess.Popen(  # noqa: S603 - our own helper with our own interpreter
            [sys.executable, "-m", "tests.helpers.other_window", "--db", database_url, "--login", login,
             "--incident", str(incident_id), "--now", w.clock.moment.isoformat()],
            cwd=ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
            text=True, encoding="utf-8", bufsize=1)
        self._reader = threading.Thread(target=self._read, name="other-window-stdout", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            try:
                report = json.loads(line)
            except ValueError:
                continue
            with self._lock:
                self.reports.append(report)
                if "state" in report:
                    self.state = dict(report["state"], t=report["t"])

    def _check_alive(self) -> None:
        """Fail at once (not at the timeout) when the other program broke."""
        with self._lock:
            errors = [r["error"] for r in self.reports if "error" in r]
        if errors:
            raise RuntimeError(f"Вторая программа завершилась с ошибкой:\n{errors[0]}")
        if self.process.poll() is not None:
            raise RuntimeError(f"Вторая программа завершилась (код {self.process.returncode}):\n"
                               f"{self.log.read_text(encoding='utf-8')[-3000:]}")

    def shows(self, check, timeout_ms: int = SEEN_WITHIN_MS) -> dict:  # noqa: ANN001
        """Wait until what its user sees passes ``check``; that state (``t``: when it was first seen)."""
        seen: dict = {}

        def ok() -> None:
            self._check_alive()
            with self._lock:
                state = dict(self.state)
            assert state and check(state), f"вторая программа показывает: {state}"  # named if time runs out
            seen.update(state)

        self.qtbot.waitUntil(ok, timeout=timeout_ms)
        return seen

    def do(self, command: str, timeout_ms: int = 15_000) -> dict:
        """Send ``command`` and wait for it to be done; the reports it made meanwhile, merged."""
        with self._lock:
            start = len(self.reports)
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        name = command.split(" ", 1)[0]
        merged: dict = {}

        def done() -> bool:
            self._check_alive()
            with self._lock:
                new = self.reports[start:]
            for report in new:
                merged.update(report)
            return any(r.get("done") == name for r in new)

        self.qtbot.waitUntil(done, timeout=timeout_ms)
        return merged

    def quit(self) -> None:
        """Closed as its user closes it; killed if it does not go within seconds."""
        try:
            if self.process.poll() is None and self.process.stdin is not None:
                self.process.stdin.write("quit\n")
                self.process.stdin.flush()
                self.process.wait(10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(5)
            self._reader.join(5)
            for stream in (self.process.stdin, self.process.stdout, self._stderr):
                if stream is not None and not stream.closed:
                    try:
                        stream.close()
                    except OSError:  # a pipe the killed program left half-written
                        pass


@pytest.fixture
def other_program(qtbot: QtBot, database_url: str, tmp_path: Path):  # noqa: ANN201
    """``other_program(world, login, incident_id)``: the program of another PC, its card open; always ended."""
    started: list[OtherProgram] = []

    def start(w: World, login: str, incident_id: int) -> OtherProgram:
        program = OtherProgram(qtbot, database_url, tmp_path / f"pc-{login}", login, incident_id, w)
        started.append(program)
        program.shows(lambda s: s.get("card") == incident_id, timeout_ms=STARTED_WITHIN_MS)
        return program

    yield start
    for program in started:
        program.quit()


def presence(win: MainWindow) -> str:
    """«Открыто также: …» on the card, as shown ("" when hidden)."""
    label = win.card_view.presence_label
    return label.text() if label.isVisible() else ""


def answer_shown(win: MainWindow) -> str:
    """The newest version's text on the card's «Ответы» tab."""
    items = win.card_view.answer_items
    if not items:
        return ""
    body = items[0][2]
    return "\n".join(label.text() for label in body.findChildren(QLabel))


def seen_within(qtbot: QtBot, check, since: float) -> float:  # noqa: ANN001
    """Wait (bounded) until ``check()``; the seconds from ``since`` (time.monotonic()) to the moment it held."""
    at: list[float] = []

    def ok() -> bool:
        if check():
            at.append(time.monotonic())
            return True
        return False

    qtbot.waitUntil(ok, timeout=SEEN_WITHIN_MS)
    return at[0] - since


def test_what_the_other_pc_does_is_on_the_open_card_within_seconds(
        qtbot: QtBot, world: World, open_window, other_program) -> None:  # noqa: ANN001
    """The curator has the card open here; the executor of ЖКХ has it open in another program. The executor
    saves an answer in the answer editor → the curator's card shows the new version and its text; the curator
    adds a comment through «Комментарий» → the executor's card shows it. Nobody presses F5. Each card names
    the other person while both are open, and the name goes when the other program closes."""
    w = world
    ref = route(w, register(w, 1))
    other = route(w, register(w, 2))
    curator = open_window(w)
    choose_tab(qtbot, curator, "all")
    open_card(qtbot, curator, ref.id)
    executor = other_program(w, "zhkh", ref.id)

    # each names the other (the curator has no unit: the surname alone)
    executor.shows(lambda s: s["presence"] == "Открыто также: Слепокурова")
    qtbot.waitUntil(lambda: presence(curator) == EXECUTOR_SEEN, timeout=SEEN_WITHIN_MS)

    # the executor writes and saves the answer in the other program
    before = curator.card_view.card.version
    saved = executor.do(f"draft {ANSWER_TYPED}")
    latency_answer = seen_within(qtbot, lambda: curator.card_view.card.version == saved["saved"]
                                 and ANSWER_TYPED in answer_shown(curator) and not curator.card_view.loading,
                                 since=saved["t"])
    assert saved["saved"] > before
    assert curator.card_view.tabs.tabText(2) == "Ответы (1)"
    qtbot.waitUntil(lambda: presence(curator) == EXECUTOR_SEEN, timeout=SEEN_WITHIN_MS)  # the editor closed

    # the curator comments through the card's dialog; the executor's card shows it
    clicked: list[float] = []

    def write(dialog: CommentDialog) -> None:
        type_text(dialog.text_edit, COMMENT)
        clicked.append(time.monotonic())
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    drive_modal(CommentDialog, write, lambda: press(qtbot, curator, "comment"))
    assert any(COMMENT in label.text() for label in curator.card_view.comment_labels)
    seen = executor.shows(lambda s: any(COMMENT in c and "Слепокурова" in c for c in s["comments"]))
    latency_comment = seen["t"] - clicked[0]

    print(f"\nвидно в другой программе: ответ через {latency_answer:.2f} с, комментарий через {latency_comment:.2f} с")
    assert latency_answer < SEEN_WITHIN_S and latency_comment < SEEN_WITHIN_S
    assert executor.state["presence"] == "Открыто также: Слепокурова"

    # the curator goes to another incident: nobody is named there, and the executor no longer sees her
    open_card(qtbot, curator, other.id)
    assert presence(curator) == ""
    executor.shows(lambda s: s["presence"] == "")
    open_card(qtbot, curator, ref.id)  # and back
    qtbot.waitUntil(lambda: presence(curator) == EXECUTOR_SEEN, timeout=SEEN_WITHIN_MS)
    executor.shows(lambda s: s["presence"] == "Открыто также: Слепокурова")

    executor.quit()  # the other program closes: its name goes from the card
    qtbot.waitUntil(lambda: presence(curator) == "", timeout=SEEN_WITHIN_MS)
    wait(qtbot, curator)


def test_an_answer_being_typed_is_never_replaced_by_a_change_from_another_pc(
        qtbot: QtBot, world: World, open_window, other_program) -> None:  # noqa: ANN001
    """The executor types an answer here, not saved yet; a colleague of the same unit opens the answer editor
    in another program (the warning «редактирует также» appears) and saves a version there. The typed text
    stays, the card under the editor is not rebuilt; once the editor is closed the card shows the colleague's
    version. The colleague's editor closed, the warning goes."""
    w = world
    ref = route(w, register(w, 1))
    executor = open_window(w, "zhkh")
    open_card(qtbot, executor, ref.id)
    colleague = other_program(w, "zhkh2", ref.id)
    qtbot.waitUntil(lambda: presence(executor).startswith("Открыто также: Пономаренко"), timeout=SEEN_WITHIN_MS)
    card_before = executor.card_view.card
    seen: dict[str, object] = {}

    def type_meanwhile(editor: AnswerEditor) -> None:
        type_text(editor.editor, ANSWER_TYPED)
        assert not editor.others_label.isVisible()
        # the colleague's card says who edits it
        colleague.shows(lambda s: s["presence"].startswith("Открыто также и редактирует ответ: Иваненко"))
        colleague.do("open_editor")
        qtbot.waitUntil(editor.others_label.isVisible, timeout=SEEN_WITHIN_MS)
        colleague.shows(lambda s: s["editor_others"].startswith("Этот ответ сейчас редактирует также: Иваненко"))
        seen["warning"] = editor.others_label.text()
        saved = colleague.do("save_editor Ответ коллеги: фонари починены")
        colleague.do("close_editor")
        # the colleague's editor is closed: the warning goes (that look saw the saved version too)
        qtbot.waitUntil(lambda: not editor.others_label.isVisible(), timeout=SEEN_WITHIN_MS)
        row = executor.queue_model.row_of(ref.id)
        qtbot.waitUntil(lambda: executor.queue_model.row_at(row).version == saved["saved"], timeout=SEEN_WITHIN_MS)
        wait(qtbot, executor)  # whatever the newer row and the look asked of the card has been done
        seen["typed"] = editor.text()
        seen["card shows"] = answer_shown(executor)
        seen["card kept"] = executor.card_view.card is card_before
        seen["waiting"] = executor.card_view.acting
        editor.reject()  # «Закрыть»: the text is not saved in the card — close all the same
        box = editor.close_question
        assert box is not None
        next(b for b in box.buttons() if b.text() == "Закрыть").click()

    drive_modal(AnswerEditor, type_meanwhile, lambda: press(qtbot, executor, "edit_answer"))
    assert seen["warning"].startswith("<b>Этот ответ сейчас редактирует также:</b> Пономаренко (Отдел ЖКХ")
    assert seen == dict(seen, typed=ANSWER_TYPED, **{"card kept": True, "waiting": True, "card shows": ""})
    # the editor closed: now the card catches up
    qtbot.waitUntil(lambda: "Ответ коллеги: фонари починены" in answer_shown(executor), timeout=SEEN_WITHIN_MS)
    assert executor.card_view.card.version > card_before.version
    wait(qtbot, executor)
