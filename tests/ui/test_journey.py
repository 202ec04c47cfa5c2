"""One incident's whole way through the real main windows, as the curator and an executor see it.

The curator signs in, watches the queue countdown turn amber, routes the incident from its card
(theme and place, clause 10); the executor signs in and, the question being unclear, writes a
clarification request to the author (clause 13): the curator returns it once (clause 14), the
executor revises it (15), the curator approves it, the executor posts it under the author's
message (16), and the curator records the author's reply — the card shows how long the incident
waited. Then the answer: the executor writes a draft with a misspelt word (underlined), meets the
curator's concurrent edit (the Russian conflict message), submits; the curator returns it with a
clause-14 reason, the executor corrects and resubmits, the curator approves, the executor records
the publication. A second incident left untouched goes red in the curator's queue meanwhile.
Every step goes through the buttons and dialogs a user would use; only the clock is patched.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.models.enums import Priority, ReturnReason
from app.services import workflow
from app.services.database import OpenedDatabase
from app.services.permissions import actor_for
from app.ui import publish_dialog
from app.ui.answer_editor import AnswerEditor
from app.ui.approval_dialog import ApprovalDialog
from app.ui.login_dialog import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.publish_dialog import AuthorReplyDialog, PublishDialog
from app.ui.queue_model import INCIDENT_ID_ROLE, LEVEL_COLORS, LEVEL_ROLE, Column
from app.ui.triage_dialog import PriorityDialog, TriageDialog
from tests.helpers.world import World, build_world
from tests.ui.helpers import D, drive_modal, type_text

LINK = "https://vk.com/wall-123456_{}"
QUESTION = "На улице Красной третий день не горят фонари у дома 12, вечером идти страшно."
OTHER = "Во дворе дома 5 по улице Мира сломаны качели на детской площадке."
DRAFT = "Здравствуйте! Фонари на улице Красной у дома 12 починим сегодня, ремонд начнётся в 15:00."
FIXED = DRAFT.replace("ремонд", "ремонт")
RETURN_COMMENT = "Исправьте опечатку во втором предложении"
REPLY_URL = "https://vk.com/wall-123456_1?reply=501"
ASK = "Здравствуйте! Подскажите, пожалуйста, фонари не горят у самого дома 12 или во дворе?"
ASKED = ("Здравствуйте, Ирина! Подскажите, пожалуйста, фонари не горят у самого дома 12 или во дворе? "
         "И с какого подъезда?")
ASK_RETURN = "Спросите и про подъезд"
ASK_URL = "https://vk.com/wall-123456_1?reply=433"
AUTHOR_SAYS = "Во дворе, у второго подъезда. Уже неделю темно."
AUTHOR_URL = "https://vk.com/wall-123456_1?reply=434"
CURATOR = "Слепокурова Яна Евгеньевна"
EXECUTOR = "Иваненко Олег Викторович"
ZHKH = "Отдел ЖКХ, благоустройства и транспорта"


@pytest.fixture
def world(db: OpenedDatabase, monkeypatch: pytest.MonkeyPatch) -> World:
    """The small administration on the chosen backend (SQLite, or PostgreSQL with INCIDENTS_TEST_BACKEND)."""
    return build_world(monkeypatch)


@pytest.fixture
def windows(qtbot: QtBot) -> Iterator[list[MainWindow]]:
    """Main windows opened by the test; closed (and their worker threads awaited) afterwards."""
    made: list[MainWindow] = []
    yield made
    for win in made:
        if win.isVisible():
            win.close()
        assert win.wait_idle()


# --- what a user does --------------------------------------------------------------------------

def settle(qtbot: QtBot, *wins: MainWindow) -> None:
    """Wait until no window loads its queue or card or checks its notifications."""
    def idle() -> bool:
        return all(not w.queue_model.loading and not w.queue_model.runner.busy and not w.card_view.loading
                   and not w.card_view.runner.busy and not w.notifier.runner.busy for w in wins)

    qtbot.waitUntil(idle, timeout=15_000)


def sign_in(qtbot: QtBot, w: World, db_display: str, login: str, windows: list[MainWindow], *,
            wrong_first: bool = False) -> MainWindow:
    """The sign-in dialog, then the main window for whoever signed in (as ``application.run`` does)."""
    dialog = LoginDialog(db_display)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    if wrong_first:
        type_text(dialog.login_edit, login)
        type_text(dialog.password_edit, "не-тот-пароль")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible() and dialog.error_label.text() == "Неверный логин или пароль"
        dialog.login_edit.clear()
    type_text(dialog.login_edit, login)
    type_text(dialog.password_edit, f"{login}-password")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted and dialog.user is not None
    user = dialog.user
    win = MainWindow(actor_for(user.id, w.clock.moment.date()), user, db_display)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    windows.append(win)
    settle(qtbot, win)
    return win


def ids(win: MainWindow) -> list[int]:
    model = win.queue_model
    return [model.data(model.index(r, 0), INCIDENT_ID_ROLE) for r in range(model.rowCount())]


def cell(win: MainWindow, incident_id: int, column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    model = win.queue_model
    row = model.row_of(incident_id)
    assert row >= 0, f"инцидента № {incident_id} нет в очереди «{win.tab_bar.tabText(win.tab_bar.currentIndex())}»"
    return model.data(model.index(row, column), role)


def background(win: MainWindow, incident_id: int) -> str:
    brush = cell(win, incident_id, Column.REMAINING, Qt.ItemDataRole.BackgroundRole)
    return brush.color().name()


def choose_tab(qtbot: QtBot, win: MainWindow, label: str) -> None:
    tabs = [win.tab_bar.tabText(i) for i in range(win.tab_bar.count())]
    index = tabs.index(label)
    qtbot.mouseClick(win.tab_bar, Qt.MouseButton.LeftButton, pos=win.tab_bar.tabRect(index).center())
    assert win.current_preset() == win.tab_bar.tabData(index)
    settle(qtbot, win)


def open_row(qtbot: QtBot, win: MainWindow, incident_id: int) -> None:
    """Click the incident's row in the queue and wait for its card."""
    model, view = win.queue_model, win.queue_view
    index = model.index(model.row_of(incident_id), Column.NUMBER)
    assert index.isValid()
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())
    qtbot.waitUntil(lambda: win.card_view.card is not None and win.card_view.card.id == incident_id
                    and not win.card_view.loading, timeout=15_000)
    settle(qtbot, win)


def press(qtbot: QtBot, win: MainWindow, action: str, kind: type[D], act: Callable[[D], None]) -> None:
    """Press the card's button of ``action`` and do ``act`` in the modal dialog it opens."""
    button = win.card_view.action_buttons[action]
    drive_modal(kind, act, lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton))
    settle(qtbot, win)


def card_status(win: MainWindow) -> str:
    return win.card_view.status_label.text()


def page_text(page: QWidget) -> str:
    # a widget added to a shown layout is shown from the event loop: let it run, as it would
    # before anyone could look at the page
    QApplication.processEvents()
    return "\n".join(label.text() for label in page.findChildren(QLabel) if not label.isHidden())


def wait_card(qtbot: QtBot, win: MainWindow, status: str) -> None:
    """The card shown comes to ``status`` (it is reloaded after the action or by the other session's event)."""
    qtbot.waitUntil(lambda: win.card_view.card is not None and win.card_view.card.status_label == status,
                    timeout=15_000)
    settle(qtbot, win)


def wait_row(qtbot: QtBot, win: MainWindow, incident_id: int, status: str) -> None:
    """The incident's row in the current tab comes to ``status``."""
    def shown() -> bool:
        row = win.queue_model.row_of(incident_id)
        return row >= 0 and win.queue_model.data(win.queue_model.index(row, Column.STATUS)) == status

    qtbot.waitUntil(shown, timeout=15_000)
    settle(qtbot, win)


def wait_row_saying(qtbot: QtBot, win: MainWindow, incident_id: int, fragment: str) -> None:
    """The incident's row in the current tab says ``fragment`` in its «Статус» cell (any case): where
    the clarification request is, as the queue words it next to the status."""
    def shown() -> bool:
        row = win.queue_model.row_of(incident_id)
        return row >= 0 and fragment.casefold() in str(
            win.queue_model.data(win.queue_model.index(row, Column.STATUS))).casefold()

    qtbot.waitUntil(shown, timeout=15_000)
    settle(qtbot, win)


def spelling_underline(editor: AnswerEditor, start: int, end: int) -> list[QTextCharFormat]:
    """The highlighter's formats laid over [start, end) of the editor's text."""
    block = editor.editor.document().findBlock(start)
    found = []
    for r in block.layout().formats():
        a = block.position() + r.start
        if a <= start and end <= a + r.length:
            found.append(QTextCharFormat(r.format))
    return found


# --- the journey ---------------------------------------------------------------------------------

def test_an_incident_goes_from_the_queue_to_a_published_answer(
        qtbot: QtBot, world: World, db: OpenedDatabase, windows: list[MainWindow],
        monkeypatch: pytest.MonkeyPatch) -> None:
    w = world
    db_display = db.target.display()
    # the monitoring platform's import brought two messages at 09:30 on Tuesday
    kurator = w.actor("kurator")
    lamp = workflow.register_incident(kurator, link=LINK.format(1), author="Ирина Ковалёва", text=QUESTION,
                                      detected_at=w.clock.moment).id
    swing = workflow.register_incident(kurator, link=LINK.format(2), author="Пётр Лысенко", text=OTHER,
                                       detected_at=w.clock.moment).id

    # 1. the curator signs in (a wrong password first) and sees both in «Новые», 30 minutes each
    cur = sign_in(qtbot, w, db_display, "kurator", windows, wrong_first=True)
    assert cur.windowTitle() == f"Инциденты — {CURATOR}"
    assert cur.tab_bar.tabText(cur.tab_bar.currentIndex()) == "Новые"
    assert sorted(ids(cur)) == sorted([lamp, swing])
    assert cur.count_label.text() == "Найдено: 2 инцидента"
    for incident in (lamp, swing):
        assert cell(cur, incident, Column.STATUS) == "Новый"
        assert cell(cur, incident, Column.REMAINING) == "осталось 30 мин"
        assert cell(cur, incident, Column.REMAINING, LEVEL_ROLE) == "ok"
        assert background(cur, incident) == LEVEL_COLORS["ok"][0]

    # 2. 24 working minutes later the next tick of the countdown turns both rows amber
    w.clock.work(24)
    cur.queue_model.countdown_timer.timeout.emit()
    for incident in (lamp, swing):
        assert cell(cur, incident, Column.REMAINING) == "осталось 6 мин"
        assert cell(cur, incident, Column.REMAINING, LEVEL_ROLE) == "warning"
        assert background(cur, incident) == LEVEL_COLORS["warning"][0]
    settle(qtbot, cur)

    # 3. she opens the first one: the card's clock is amber too; «Направить» routes it to ЖКХ
    open_row(qtbot, cur, lamp)
    assert cur.card_view.title_label.text() == f"Инцидент № {lamp}"
    assert "статус: <b>Новый</b>" in card_status(cur)
    assert cur.card_view.current_clock_label.property("level") == "warning"
    assert cur.card_view.current_clock_label.text().startswith("Направление исполнителю")
    assert QUESTION in page_text(cur.card_view.source_page)

    def route(dialog: TriageDialog) -> None:
        assert dialog.windowTitle() == f"Направление — инцидент № {lamp}"
        dialog.topic_combo.select_text("Уличное освещение")
        dialog.units.filter_edit.setFocus()
        type_text(dialog.units.filter_edit, "жкх")
        qtbot.keyClick(dialog.units.filter_edit, Qt.Key.Key_Return)  # ticks the only match
        assert dialog.units.summary.text() == f"Исполнитель: {ZHKH}"
        # clause 10: the place is a decision — a place from the list, or explicitly none
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert dialog.isVisible()
        assert dialog.error_label.text() == "Укажите локацию или отметьте «Без привязки к месту» (п. 10)"
        dialog.location_combo.lineEdit().setFocus()
        type_text(dialog.location_combo.lineEdit(), "Красная")
        type_text(dialog.route_comment, "Проверьте опоры у дома 12")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    press(qtbot, cur, "route", TriageDialog, route)
    qtbot.waitUntil(lambda: ids(cur) == [swing], timeout=15_000)  # no longer new
    settle(qtbot, cur)
    assert "статус: <b>В работе</b>" in card_status(cur)
    history = [label.text() for label in cur.card_view.history_labels]
    assert "Направлен исполнителям (п. 10)" in history[-1] and "в срок" in history[-1]
    assert "Проверьте опоры у дома 12" in history[-1]
    assert ZHKH in page_text(cur.card_view.source_page)
    assert "ул. Красная" in page_text(cur.card_view.source_page)

    # 4. ten more minutes: the incident nobody routed goes red
    w.clock.work(10)
    cur.queue_model.countdown_timer.timeout.emit()
    assert cell(cur, swing, Column.REMAINING) == "просрочено на 4 мин"
    assert cell(cur, swing, Column.REMAINING, LEVEL_ROLE) == "overdue"
    assert background(cur, swing) == LEVEL_COLORS["overdue"][0]
    assert cell(cur, swing, Column.REMAINING, Qt.ItemDataRole.FontRole).bold()
    settle(qtbot, cur)

    # 5. the executor of ЖКХ signs in on another computer and finds it in «Мои»
    exe = sign_in(qtbot, w, db_display, "zhkh", windows)
    assert exe.windowTitle() == f"Инциденты — {EXECUTOR}"
    assert exe.tab_bar.tabText(exe.tab_bar.currentIndex()) == "Мои"
    assert ids(exe) == [lamp]
    assert cell(exe, lamp, Column.STATUS) == "В работе"
    open_row(qtbot, exe, lamp)
    assert set(exe.card_view.action_buttons) == {"not_competent", "edit_request", "edit_answer", "comment"}
    assert exe.card_view.action_buttons["edit_answer"].text() == "Подготовить ответ"
    assert exe.card_view.action_buttons["edit_request"].text() == "Запрос (уточнение) автору"

    # 5a. the question is unclear: within the hour of clause 13 the executor asks the author — the
    #     request goes to the curator first, checked like an answer
    w.clock.work(3)

    def ask(editor: AnswerEditor) -> None:
        assert editor.windowTitle() == f"Запрос (уточнение) автору — инцидент № {lamp}"
        assert "Можно подготовить запрос (уточнение) автору (п. 13): осталось 47 минут" in editor.header_label.text()
        assert editor.question_view.toPlainText() == QUESTION
        editor.editor.setFocus()
        with qtbot.waitSignal(editor.checks_updated, timeout=5000):
            type_text(editor.editor, ASK)
        assert "Орфография: ошибок не найдено" in editor.spelling_label.text()
        assert editor.counter_label.text() == f"{len(ASK)} / 4096"
        assert editor.submit_button.text() == "Направить куратору на согласование"
        qtbot.mouseClick(editor.submit_button, Qt.MouseButton.LeftButton)
        assert editor.result() == QDialog.DialogCode.Accepted

    press(qtbot, exe, "edit_request", AnswerEditor, ask)
    wait_card(qtbot, exe, "На согласовании")
    assert "статус: <b>На согласовании</b> · запрос на согласовании" in card_status(exe)

    # 5b. the curator returns the request once: it does not ask about the entrance (clause 14)
    w.clock.work(5)
    choose_tab(qtbot, cur, "На согласовании")
    assert ids(cur) == [lamp]
    open_row(qtbot, cur, lamp)

    def return_request(dialog: ApprovalDialog) -> None:
        assert dialog.windowTitle() == f"Согласование запроса (уточнения) — инцидент № {lamp}"
        assert dialog.request_note.isVisible() and "а не ответ" in dialog.request_note.text()
        assert dialog.draft_view.toPlainText() == ASK
        assert "Согласование запроса (уточнения), версия 1 (п. 14): осталось 25 минут" in dialog.clock_label.text()
        dialog.reason_boxes[ReturnReason.OFF_QUESTION].click()
        type_text(dialog.comment_edit, ASK_RETURN)
        qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)

    press(qtbot, cur, "return", ApprovalDialog, return_request)
    wait_card(qtbot, cur, "На доработке")
    assert "запрос на доработке" in card_status(cur)

    # 5c. the executor revises the request within the hour of clause 15 and sends it again
    w.clock.work(5)
    choose_tab(qtbot, exe, "На доработке")
    wait_row_saying(qtbot, exe, lamp, "запрос на доработке")
    open_row(qtbot, exe, lamp)
    assert "edit_request" in exe.card_view.action_buttons

    def revise(editor: AnswerEditor) -> None:
        assert editor.returned_label.isVisible()
        assert "Несоответствие сути вопроса, содержащегося в инциденте" in editor.returned_label.text()
        assert f"Комментарий куратора: {ASK_RETURN}" in editor.returned_label.text()
        assert "Доработка запроса, версия 1 (п. 15): осталось 55 минут" in editor.header_label.text()
        assert editor.text() == ASK
        editor.editor.selectAll()
        with qtbot.waitSignal(editor.checks_updated, timeout=5000):
            type_text(editor.editor, ASKED)
        qtbot.mouseClick(editor.submit_button, Qt.MouseButton.LeftButton)

    press(qtbot, exe, "edit_request", AnswerEditor, revise)
    wait_card(qtbot, exe, "На согласовании")

    # 5d. the curator sees what changed and approves the request
    w.clock.work(3)
    choose_tab(qtbot, cur, "На согласовании")
    wait_row_saying(qtbot, cur, lamp, "запрос на согласовании")
    open_row(qtbot, cur, lamp)

    def approve_request(dialog: ApprovalDialog) -> None:
        assert dialog.request_note.isVisible()
        assert dialog.draft_view.toPlainText() == ASKED
        assert dialog.tabs.tabText(1) == "Изменения с версии 1"
        assert "подъезда" in dialog.diff_view.toPlainText()
        qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)

    press(qtbot, cur, "approve", ApprovalDialog, approve_request)
    wait_card(qtbot, cur, "К размещению")
    assert "запрос к размещению" in card_status(cur)

    # 5e. the executor posts it under the author's message (clause 16) and records the link
    asked_opened: list[str] = []
    monkeypatch.setattr(publish_dialog, "open_external", lambda url: asked_opened.append(url) or True)
    w.clock.work(3)
    choose_tab(qtbot, exe, "К размещению")
    wait_row_saying(qtbot, exe, lamp, "запрос к размещению")
    open_row(qtbot, exe, lamp)

    def post_request(dialog: PublishDialog) -> None:
        assert dialog.windowTitle() == f"Размещение запроса (уточнения) — инцидент № {lamp}"
        assert dialog.text_view.toPlainText() == ASKED
        assert "Размещение согласованного запроса (уточнения) (п. 16): осталось 27 минут" in dialog.clock_label.text()
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        assert QGuiApplication.clipboard().text() == ASKED and asked_opened == [LINK.format(1)]
        type_text(dialog.url_edit, ASK_URL)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    press(qtbot, exe, "publish", PublishDialog, post_request)
    wait_card(qtbot, exe, "Ждёт ответа автора")
    assert {"edit_answer", "record_author_reply"} <= set(exe.card_view.action_buttons)  # the work goes on

    # 5f. twenty minutes later the author answers; the curator records it from «Уточнения»
    w.clock.work(20)
    choose_tab(qtbot, cur, "Уточнения")
    wait_row_saying(qtbot, cur, lamp, "ждёт ответа автора")
    open_row(qtbot, cur, lamp)
    cur.card_view.countdown_timer.timeout.emit()  # the card counts the wait as its clocks, without a reload
    source = page_text(cur.card_view.source_page)
    assert "Запросы автору" in source and ASKED in source and ASK_URL in source
    assert "Автор ещё не ответил" in source and "Инцидент ждёт автора уже 20 минут" in source

    def author_replied(dialog: AuthorReplyDialog) -> None:
        assert ASKED in dialog.request_label.text()
        type_text(dialog.text_edit, AUTHOR_SAYS)
        type_text(dialog.url_edit, AUTHOR_URL)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    press(qtbot, cur, "record_author_reply", AuthorReplyDialog, author_replied)
    wait_card(qtbot, cur, "В работе")
    qtbot.waitUntil(lambda: ids(cur) == [], timeout=15_000)  # nothing awaited from authors any more
    source = page_text(cur.card_view.source_page)
    assert AUTHOR_SAYS in source and AUTHOR_URL in source and "Инцидент ждал автора 20 минут" in source
    choose_tab(qtbot, exe, "Мои")
    wait_row(qtbot, exe, lamp, "В работе")
    open_row(qtbot, exe, lamp)
    assert AUTHOR_SAYS in page_text(exe.card_view.source_page)

    # 6. the draft: the misspelt «ремонд» is underlined; while it is typed the curator raises the
    #    importance in her window, so the first «send» meets the Russian conflict message
    w.clock.work(15)

    def raise_priority(dialog: PriorityDialog) -> None:
        assert dialog.priority_buttons[Priority.HIGH].isChecked()
        type_text(dialog.comment, "Жалоба повторная")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    def write(editor: AnswerEditor) -> None:
        assert editor.question_view.toPlainText() == QUESTION
        assert not editor.returned_label.isVisible()
        editor.editor.setFocus()
        with qtbot.waitSignal(editor.checks_updated, timeout=5000):
            type_text(editor.editor, DRAFT)
        start = DRAFT.index("ремонд")
        marks = editor.editor.highlighter.marks("spelling")
        assert [(m.start, m.end, m.suggestions) for m in marks] == [(start, start + 6, ("ремонт",))]
        underline = spelling_underline(editor, start, start + 6)
        assert underline and underline[0].underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
        assert not spelling_underline(editor, 0, 5)  # «Здрав» is fine
        assert "Орфография: 1 слово подчёркнуто" in editor.spelling_label.text()

        # the other session: the curator's own card, her own dialog (modality is this process's artefact)
        drive_modal(PriorityDialog, raise_priority, cur.card_view.action_buttons["change_priority"].click)

        qtbot.mouseClick(editor.submit_button, Qt.MouseButton.LeftButton)
        assert editor.isVisible() and not editor.changed and editor.conflict_box is not None
        message = editor.conflict_box.text()
        assert message.startswith(f"Инцидент изменён пользователем {CURATOR} в ")
        assert message.endswith("; обновите карточку")
        assert "не потерян" in editor.conflict_box.informativeText()
        assert editor.error_label.text().endswith("Введённое вами осталось в окне.")
        assert editor.text() == DRAFT
        qtbot.mouseClick(editor.conflict_reload_button, Qt.MouseButton.LeftButton)
        assert editor.info_label.text().startswith(f"Карточка обновлена (изменена пользователем {CURATOR}")
        assert editor.text() == DRAFT  # nothing typed is lost
        qtbot.mouseClick(editor.submit_button, Qt.MouseButton.LeftButton)
        assert editor.result() == QDialog.DialogCode.Accepted and editor.changed

    press(qtbot, exe, "edit_answer", AnswerEditor, write)
    wait_card(qtbot, exe, "На согласовании")
    wait_row(qtbot, exe, lamp, "На согласовании")  # still in «Мои»: the unit answers for it
    assert "Повышенной важности" in card_status(exe)
    assert exe.card_view.tabs.tabText(2) == "Ответы и запросы (3)"
    assert "Направлен на согласование" in page_text(exe.card_view.answers_page)

    # 7. the curator returns it: clause-14 reason «spelling» and a comment
    w.clock.work(10)
    choose_tab(qtbot, cur, "На согласовании")
    assert ids(cur) == [lamp]
    assert cell(cur, lamp, Column.STATUS) == "На согласовании"
    assert cell(cur, lamp, Column.PRIORITY) == "повышенный"
    open_row(qtbot, cur, lamp)
    assert {"approve", "return"} <= set(cur.card_view.action_buttons)

    def give_back(dialog: ApprovalDialog) -> None:
        assert dialog.draft_view.toPlainText() == DRAFT
        assert dialog.question_view.toPlainText() == QUESTION
        assert any(f.kind == "spelling" for f in dialog.findings_model.findings())
        assert dialog.tabs.tabText(1) == "Изменения: первая версия"
        spelling = dialog.reason_boxes[ReturnReason.SPELLING]
        assert spelling.text() == "Орфографические и пунктуационные ошибки"
        spelling.click()
        type_text(dialog.comment_edit, RETURN_COMMENT)
        qtbot.mouseClick(dialog.return_button, Qt.MouseButton.LeftButton)

    press(qtbot, cur, "return", ApprovalDialog, give_back)
    wait_card(qtbot, cur, "На доработке")
    qtbot.waitUntil(lambda: ids(cur) == [], timeout=15_000)
    assert cur.queue_placeholder.text() == "Очередь пуста"
    answers = page_text(cur.card_view.answers_page)
    assert "Возвращён на доработку" in answers and "Орфографические и пунктуационные ошибки" in answers
    assert RETURN_COMMENT in answers

    # 8. the executor corrects the word from the underline's menu and sends it again
    w.clock.work(10)
    choose_tab(qtbot, exe, "На доработке")
    assert ids(exe) == [lamp] and cell(exe, lamp, Column.STATUS) == "На доработке"
    open_row(qtbot, exe, lamp)

    def correct(editor: AnswerEditor) -> None:
        assert editor.returned_label.isVisible()
        assert "Орфографические и пунктуационные ошибки" in editor.returned_label.text()
        assert f"Комментарий куратора: {RETURN_COMMENT}" in editor.returned_label.text()
        assert editor.text() == DRAFT  # the returned version to start from
        qtbot.waitUntil(lambda: bool(editor.editor.highlighter.marks("spelling")), timeout=5000)
        cursor = QTextCursor(editor.editor.document())
        cursor.setPosition(DRAFT.index("ремонд") + 2)
        menu = editor.editor.build_context_menu(editor.editor.cursorRect(cursor).center())
        first = menu.actions()[0]
        assert first.text() == "ремонт"
        with qtbot.waitSignal(editor.checks_updated, timeout=5000):
            first.trigger()
        assert editor.text() == FIXED
        assert "Орфография: ошибок не найдено" in editor.spelling_label.text()
        qtbot.mouseClick(editor.submit_button, Qt.MouseButton.LeftButton)

    press(qtbot, exe, "edit_answer", AnswerEditor, correct)
    wait_card(qtbot, exe, "На согласовании")
    qtbot.waitUntil(lambda: ids(exe) == [], timeout=15_000)  # nothing left to revise
    assert exe.card_view.tabs.tabText(2) == "Ответы и запросы (4)"
    assert set(exe.card_view.diff_buttons) == {2, 4}  # request 2 with 1, answer 4 with 3

    # 9. the curator sees what changed since version 1 and approves
    w.clock.work(5)
    choose_tab(qtbot, cur, "На согласовании")
    assert ids(cur) == [lamp]
    open_row(qtbot, cur, lamp)

    def approve(dialog: ApprovalDialog) -> None:
        assert dialog.draft_view.toPlainText() == FIXED
        assert dialog.tabs.tabText(1) == "Изменения с версии 3"  # versions 1 and 2 were the request
        assert "ремонт" in dialog.diff_view.toPlainText()
        assert not any(f.kind == "spelling" for f in dialog.findings_model.findings())
        qtbot.mouseClick(dialog.approve_button, Qt.MouseButton.LeftButton)

    press(qtbot, cur, "approve", ApprovalDialog, approve)
    wait_card(qtbot, cur, "К размещению")
    qtbot.waitUntil(lambda: ids(cur) == [], timeout=15_000)
    assert "✔ Согласован" in page_text(cur.card_view.answers_page)

    # 10. the executor copies the approved text, posts it and records the link
    opened: list[str] = []
    monkeypatch.setattr(publish_dialog, "open_external", lambda url: opened.append(url) or True)
    w.clock.work(5)
    choose_tab(qtbot, exe, "К размещению")
    assert ids(exe) == [lamp] and cell(exe, lamp, Column.STATUS) == "К размещению"
    open_row(qtbot, exe, lamp)

    def publish(dialog: PublishDialog) -> None:
        assert dialog.text_view.toPlainText() == FIXED
        assert "осталось" in dialog.clock_label.text()
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        assert QGuiApplication.clipboard().text() == FIXED
        assert opened == [LINK.format(1)]
        type_text(dialog.url_edit, REPLY_URL)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    press(qtbot, exe, "publish", PublishDialog, publish)
    wait_card(qtbot, exe, "Ответ размещён")
    qtbot.waitUntil(lambda: ids(exe) == [], timeout=15_000)  # nothing left to post
    assert exe.queue_placeholder.text() == "Очередь пуста"
    card = exe.card_view
    assert "статус: <b>Ответ размещён</b>" in card.status_label.text()
    assert card.action_buttons == {} and not card.actions_box.isVisible()
    assert REPLY_URL in page_text(card.answers_page) and "Размещён" in page_text(card.answers_page)
    choose_tab(qtbot, exe, "Все моего отдела")
    wait_row(qtbot, exe, lamp, "Ответ размещён")

    # 11. in the curator's «Все» the row shows the answer posted in time, the other one overdue
    choose_tab(qtbot, cur, "Все")
    wait_row(qtbot, cur, lamp, "Ответ размещён")
    assert cell(cur, lamp, Column.REMAINING) == "срок соблюдён"
    assert cell(cur, swing, Column.STATUS) == "Новый"
    assert cell(cur, swing, Column.REMAINING, LEVEL_ROLE) == "overdue"
    open_row(qtbot, cur, lamp)
    assert "статус: <b>Ответ размещён</b>" in card_status(cur)
    history = [label.text() for label in cur.card_view.history_labels]
    expected = ["Инцидент зарегистрирован", "Направлен исполнителям (п. 10)",
                "Запрос (уточнение) автору направлен на согласование (п. 13)",
                "Запрос (уточнение) возвращён на доработку (п. 14)",
                "Запрос (уточнение) автору направлен на согласование (п. 13)", "Запрос (уточнение) согласован (п. 14)",
                "Запрос (уточнение) размещён в соцсети (п. 16)", "Записан ответ автора на запрос (п. 13)",
                "Изменена важность (п. 17)",
                "Ответ направлен на согласование (п. 12)", "Возвращён на доработку (п. 14)",
                "Ответ направлен на согласование (п. 12)", "Ответ согласован (п. 14)", "Ответ размещён (п. 16)"]
    found = iter(history)
    missing = [step for step in expected if not any(step in line for line in found)]
    assert not missing, f"нет в истории (по порядку): {missing}\n" + "\n".join(history)
    assert any(EXECUTOR in line and "Ответ размещён (п. 16)" in line for line in history)
    assert any("Жалоба повторная" in line for line in history)
    # the head sees why the answer took longer: the incident waited for its author
    source = page_text(cur.card_view.source_page)
    assert "Запросы автору" in source and "Инцидент ждал автора 20 минут" in source and AUTHOR_SAYS in source
