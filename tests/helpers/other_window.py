"""The program on another PC, for the UI tests of issue 16: a main window of its own in a process of its own.

Started by a test with ``python -m tests.helpers.other_window --db URL --login zhkh --incident 1 --now ISO``
(``QT_QPA_PLATFORM=offscreen``, an ``INCIDENTS_HOME`` of its own). It shows that person's main window with
the incident's card open and then:

* writes to stdout, one JSON line each, what its user sees whenever it changes:
  ``{"t": <time.monotonic()>, "state": {...}}`` — the card (number, status, version, the newest answer's
  text, the comments), «Открыто также: …», the open answer editor and its warning «редактирует также»
  (``t`` is the system-wide monotonic clock: the test compares it with its own);
* reads commands from stdin, one a line, and does them through the window's real widgets:
  ``draft <text>`` — «Подготовить ответ» on the card, the text typed into the answer editor, «Сохранить»,
  «Закрыть»; ``open_editor`` — the answer editor opened and left open; ``save_editor <text>`` — the open editor's text
  replaced and saved; ``close_editor`` — the open editor closed without saving (answering «Закрыть»);
  ``quit`` — the window closed as the user closes it. Each command ends with ``{"t": …, "done": <command>}``.
* Anything raised is reported as ``{"error": "<traceback>"}`` and ends the process with code 3.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import threading
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QPushButton  # noqa: E402

#: how often what the user sees is compared with what was last reported
SNAPSHOT_MS = 25
#: the longest a command waits for its dialog to appear
DIALOG_WAIT_S = 10.0

TAGS = re.compile(r"<[^>]+>")


def say(**fields: object) -> None:
    fields.setdefault("t", time.monotonic())
    sys.stdout.write(json.dumps(fields, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def plain(html: str) -> str:
    return TAGS.sub("", html).replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


class Commands(QObject):
    """The lines of stdin, handed to the GUI thread."""

    line = Signal(str)


class OtherWindow(QObject):
    """The window of the other program: what its user sees, reported; the commands, done."""

    def __init__(self, window) -> None:  # noqa: ANN001 - a MainWindow
        super().__init__()
        self.win = window
        self.last: dict | None = None
        self.timer = QTimer()
        self.timer.setInterval(SNAPSHOT_MS)
        self.timer.timeout.connect(self.report)
        self.timer.start()

    # --- what the user sees --------------------------------------------------------------------

    def state(self) -> dict:
        view = self.win.card_view
        card = view.card
        answer = ""
        if view.answer_items:
            _answer, _toggle, body = view.answer_items[0]
            answer = "\n".join(label.text() for label in body.findChildren(QLabel))
        editor = self.find_editor()
        return {
            "card": card.id if card is not None and view.stack.currentIndex() == 1 else None,
            "status": plain(view.status_label.text()),
            "version": card.version if card is not None else None,
            "answer": answer,
            "comments": [plain(label.text()) for label in view.comment_labels],
            "presence": view.presence_label.text() if view.presence_label.isVisible() else "",
            "editor": editor is not None,
            "editor_others": plain(editor.others_label.text()) if editor is not None
            and editor.others_label.isVisible() else "",
        }

    def report(self) -> None:
        state = self.state()
        if state != self.last:
            self.last = state
            say(state=state)

    # --- commands ------------------------------------------------------------------------------

    def run(self, line: str) -> None:
        command, _, argument = line.strip().partition(" ")
        try:
            if command == "quit":
                self.timer.stop()
                self.win.close()
                say(done="quit")
                QApplication.instance().quit()
            elif command == "draft":
                self.press("edit_answer", self.find_editor, lambda editor: self.draft(editor, argument), command)
            elif command == "open_editor":
                self.press("edit_answer", self.find_editor, self.keep_editor, command)
            elif command == "save_editor":
                self.save(self.open_editor(), argument)
                self.done(command)
            elif command == "close_editor":
                self.close(self.open_editor())
                self.done(command)
            else:
                raise ValueError(f"unknown command {command!r}")
        except BaseException:  # noqa: BLE001 - reported to the test, which fails with it
            fail(traceback.format_exc())

    def done(self, command: str) -> None:
        self.report()
        say(done=command)

    def press(self, action: str, find, act, command: str) -> None:  # noqa: ANN001
        """Click the card's button of ``action``; once its dialog (``find``) is on the screen, ``act`` on it.

        The dialog runs modally inside the click, so the click is queued and a timer waits for the dialog.
        """
        button: QPushButton = self.win.card_view.action_buttons[action]
        deadline = time.monotonic() + DIALOG_WAIT_S

        def poll() -> None:
            try:
                dialog = find()
                if dialog is None:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"окно действия «{action}» не появилось за {DIALOG_WAIT_S:.0f} с")
                    QTimer.singleShot(5, poll)
                    return
                act(dialog)
            except BaseException:  # noqa: BLE001 - reported to the test
                fail(traceback.format_exc())
            self.done(command)

        QTimer.singleShot(0, button.click)
        QTimer.singleShot(5, poll)

    @staticmethod
    def find_editor():  # noqa: ANN205
        from app.ui.answer_editor import AnswerEditor

        return next((w for w in QApplication.topLevelWidgets() if isinstance(w, AnswerEditor) and w.isVisible()),
                    None)

    def open_editor(self):  # noqa: ANN201
        editor = self.find_editor()
        if editor is None:
            raise RuntimeError("редактор ответа не открыт")
        return editor

    def keep_editor(self, editor) -> None:  # noqa: ANN001
        """The editor stays open (its presence says «редактирует ответ»)."""

    def draft(self, editor, text: str) -> None:  # noqa: ANN001
        """«Подготовить ответ»: type, «Сохранить», «Закрыть» — as the executor does."""
        self.save(editor, text)
        self.close(editor)

    def save(self, editor, text: str) -> None:  # noqa: ANN001
        from tests.ui.helpers import type_text

        editor.editor.selectAll()
        editor.editor.setFocus()
        type_text(editor.editor, text)
        version = editor.version
        editor.save_button.click()
        if editor.version <= version:
            raise RuntimeError(f"ответ не сохранён: {editor.error_label.text()}")
        say(saved=editor.version)

    @staticmethod
    def close(editor) -> None:  # noqa: ANN001
        editor.close_button.click()
        question = editor.close_question
        if question is not None:  # text not saved in the card: «Закрыть» all the same
            next(b for b in question.buttons() if b.text() == "Закрыть").click()
        if editor.isVisible():
            raise RuntimeError("редактор ответа не закрылся")


def fail(text: str) -> None:
    say(error=text)
    sys.stderr.write(text)
    sys.stderr.flush()
    os._exit(3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", required=True)
    parser.add_argument("--login", required=True)
    parser.add_argument("--incident", type=int, required=True)
    parser.add_argument("--now", help="the tests' moment (ISO 8601), for the services' clock")
    parser.add_argument("--size", default="1280x800")
    args = parser.parse_args(argv)

    sys.excepthook = lambda kind, error, tb: fail("".join(traceback.format_exception(kind, error, tb)))
    app = QApplication(sys.argv[:1])
    home = Path(os.environ["INCIDENTS_HOME"])
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(home / "config"))

    from app.models import User
    from app.services import clock, users
    from app.services.database import close_database, open_database
    from app.services.permissions import actor_for
    from app.ui.main_window import MainWindow

    if args.now:
        moment = datetime.fromisoformat(args.now).astimezone(timezone.utc)
        clock.now = lambda: moment  # the same moment as the test's own (its clock stands still)
    opened = open_database(args.db, create=False, upgrade=False)
    user_id = User.get(User.login == args.login).id
    window = MainWindow(actor_for(user_id, clock.now().date()), users.get_user(user_id), opened.target.display())
    width, height = (int(n) for n in args.size.split("x"))
    window.resize(width, height)
    window.show()
    window.open_incident(args.incident)
    other = OtherWindow(window)

    commands = Commands()
    commands.line.connect(other.run, Qt.ConnectionType.QueuedConnection)

    def read() -> None:
        for line in sys.stdin:
            if line.strip():
                commands.line.emit(line)
        commands.line.emit("quit")  # the test went away

    threading.Thread(target=read, name="stdin", daemon=True).start()
    say(started=os.getpid())
    try:
        return app.exec()
    finally:
        close_database()


if __name__ == "__main__":
    sys.exit(main())
