"""The executor records the posting of the approved text (clause 16), and the author's reply.

«Копировать и открыть» puts the approved text on the clipboard and opens the author's message in
the browser; after posting the executor pastes the link of the reply and the time it went out.
The same dialog posts an approved clarification request to the author (clause 13). The link must
lead into the incident's network; a link to another post of that network is accepted only after
the user confirms it (the history says so).

``AuthorReplyDialog`` records what the author answered to a posted request: the text, its link
and when — the work on the answer goes on, and the card shows how long the incident waited.
"""
from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QDateTime, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDateTimeEdit, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPlainTextEdit,
    QPushButton, QVBoxLayout, QWidget,
)

from app.models.enums import AnswerKind, AnswerState
from app.services import clock, formatting, workflow
from app.services.calendar_store import current_calendar
from app.services.errors import InvalidTransition, ValidationError
from app.services.incident_view import AnswerView, IncidentCard, RequestView
from app.services.permissions import Actor
from app.ui.dialog_base import (
    WINDOW_TITLE, ActionDialog, card_header, clock_text, fit_to_screen, hint_label, show_clock,
)
from app.ui.help import Section

CONFIRM_YES = "Да, размещено в этой записи"
CONFIRM_NO = "Нет, исправлю ссылку"


def open_external(url: str) -> bool:
    """Open a link in the user's browser (replaced in tests)."""
    return QDesktopServices.openUrl(QUrl(url))


def copy_and_open(text: str, url: str) -> bool:
    """Copy the approved answer to the clipboard and open the message it answers."""
    QGuiApplication.clipboard().setText(text)
    return open_external(url)


def approved_answer(card: IncidentCard) -> AnswerView | None:
    """The approved text to post: an answer or a clarification request."""
    approved = [a for a in card.answers if a.state == AnswerState.APPROVED]
    return approved[-1] if approved else None


def now_field(name: str) -> QDateTimeEdit:
    """A date-and-time field set to now (minutes), in the administration's zone, not later than today."""
    edit = QDateTimeEdit()
    edit.setObjectName(name)
    edit.setDisplayFormat("dd.MM.yyyy HH:mm")
    edit.setCalendarPopup(True)
    now = clock.now().astimezone(current_calendar().tz).replace(tzinfo=None, second=0, microsecond=0)
    edit.setDateTime(QDateTime(now))
    edit.setMaximumDateTime(QDateTime(now.replace(hour=23, minute=59)))
    return edit


def field_moment(edit: QDateTimeEdit, initial: QDateTime) -> datetime | None:
    """The moment the user gave, or None (now) when the field was left as it was."""
    if edit.dateTime() == initial:
        return None
    return edit.dateTime().toPython().replace(tzinfo=current_calendar().tz)


class PublishDialog(ActionDialog):
    help_section = Section.PUBLISH

    """Clause 16: copy the approved text, post it in the same network, record the link and time."""

    def __init__(self, parent: QWidget | None, actor: Actor, card: IncidentCard) -> None:
        approved = approved_answer(card)
        is_request = approved is not None and approved.kind == AnswerKind.REQUEST
        super().__init__(parent, actor, card, "Размещение запроса (уточнения)" if is_request else "Размещение ответа")
        self.is_request = is_request
        layout = QVBoxLayout(self)
        layout.addWidget(card_header(card))
        if self.is_request:
            hint = ("П. 13, 16: согласованный запрос (уточнение) исполнитель размещает в той же социальной сети, "
                    f"где размещён инцидент ({card.network_label}), — ответом автору под его сообщением, в течение "
                    "30 минут рабочего времени с момента согласования. Затем инцидент ждёт ответа автора; "
                    "работа над ответом продолжается.")
        else:
            hint = ("П. 16: согласованный ответ в течение 30 минут рабочего времени с момента согласования "
                    "размещается исполнителем в той же социальной сети, "
                    f"где размещён инцидент ({card.network_label}).")
        self.hint = hint_label(hint)
        layout.addWidget(self.hint)
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clockLabel")
        self.clock_label.setWordWrap(True)
        layout.addWidget(self.clock_label)
        self.answer_title = QLabel()
        self.answer_title.setWordWrap(True)
        layout.addWidget(self.answer_title)
        self.text_view = QPlainTextEdit()
        self.text_view.setObjectName("approvedText")
        self.text_view.setReadOnly(True)
        self.text_view.setMinimumHeight(70)
        layout.addWidget(self.text_view, 1)
        row = QHBoxLayout()
        self.copy_button = QPushButton("Копировать и открыть")
        self.copy_button.setObjectName("copyOpenButton")
        self.copy_button.setToolTip("Скопировать текст в буфер обмена и открыть сообщение автора в браузере")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_and_open)
        row.addWidget(self.copy_button)
        self.copied_label = QLabel()
        self.copied_label.setWordWrap(True)
        self.copied_label.setStyleSheet("color: #2e7d32;")
        row.addWidget(self.copied_label, 1)
        layout.addLayout(row)

        form = QFormLayout()
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("publicationUrl")
        noun = "запрос" if self.is_request else "ответ"
        self.url_edit.setPlaceholderText(f"https://vk.com/wall-…?reply=… — ссылка на ваш {noun}")
        form.addRow(f"Ссылка на размещённый {noun}:", self.url_edit)
        self.time_edit = now_field("publicationTime")
        self._initial_time = self.time_edit.dateTime()
        form.addRow("Время размещения:", self.time_edit)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.info_label)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("Отметить размещение запроса" if self.is_request
                                           else "Отметить размещение", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Отмена", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_perform)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        #: the last question about a link to another post (kept for the keyboard and for tests)
        self.confirm_box: QMessageBox | None = None
        self._show_card()
        fit_to_screen(self, 760, 600)

    def _show_card(self) -> None:
        answer = approved_answer(self.card)
        show_clock(self.clock_label, clock_text(self.card, "publication"))
        if answer is None:
            self.answer_title.setText("<b>Согласованного текста нет</b>")
            self.text_view.setPlainText("")
            self.copy_button.setEnabled(False)
            return
        what = ("запрос (уточнение) автору" if answer.kind == AnswerKind.REQUEST else answer.kind_label.lower())
        self.answer_title.setText(f"<b>Согласованный текст</b> — {what}, версия {answer.number}:")
        self.text_view.setPlainText(answer.text)
        self.copy_button.setEnabled(True)

    def copy_and_open(self) -> None:
        answer = approved_answer(self.card)
        if answer is None:
            return
        opened = copy_and_open(answer.text, self.card.link)
        self.copied_label.setText("Текст скопирован. Вставьте его ответом на сообщение автора."
                                  if opened else "Текст скопирован; браузер не открылся — откройте ссылку сами: "
                                  + self.card.link)
        self.url_edit.setFocus()

    def published_at(self) -> datetime | None:
        """The time the user gave, or None (now) when the field was left as it was."""
        return field_moment(self.time_edit, self._initial_time)

    def confirm_other_post(self, message: str) -> bool:
        """Clause 16: the link leads to another post of the same network — is that intended?"""
        box = QMessageBox(QMessageBox.Icon.Question, WINDOW_TITLE, message, QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("otherPostQuestion")
        box.setInformativeText(f"Текст размещён не под сообщением автора, а в другой записи {self.card.network_label}"
                               " — намеренно?")
        yes = box.addButton(CONFIRM_YES, QMessageBox.ButtonRole.YesRole)
        no = box.addButton(CONFIRM_NO, QMessageBox.ButtonRole.NoRole)
        box.setDefaultButton(no)
        self.confirm_box = box
        try:
            box.exec()
            return box.clickedButton() is yes
        finally:
            self.confirm_box = None
            box.deleteLater()

    def perform(self) -> None:
        if approved_answer(self.card) is None:
            raise InvalidTransition("Размещение: нет согласованного текста")
        url = self.url_edit.text().strip()
        if not url:
            raise ValidationError(f"Вставьте ссылку на размещённый {'запрос' if self.is_request else 'ответ'} (п. 16)")
        try:
            self.call(workflow.publish, url=url, published_at=self.published_at())
        except workflow.OtherPostLink as question:
            if not self.confirm_other_post(str(question)):
                self.url_edit.setFocus()
                self.url_edit.selectAll()
                raise
            self.call(workflow.publish, url=url, published_at=self.published_at(), other_post=True)

    def card_reloaded(self) -> None:
        self._show_card()


def waiting_request(card: IncidentCard) -> RequestView | None:
    """The posted request whose reply is awaited (the newest one without a reply)."""
    waiting = [r for r in card.requests if not r.replied_at]
    return waiting[-1] if waiting else None


class AuthorReplyDialog(ActionDialog):
    help_section = Section.REQUEST

    """Clause 13: the author answered the posted clarification request — record the reply.

    The answer clock of clause 9/17 never stopped; the card shows how long the incident waited.
    """

    def __init__(self, parent: QWidget | None, actor: Actor, card: IncidentCard) -> None:
        super().__init__(parent, actor, card, "Ответ автора на запрос")
        layout = QVBoxLayout(self)
        layout.addWidget(card_header(card))
        layout.addWidget(hint_label("П. 13: автор ответил на размещённый запрос (уточнение) — запишите его ответ. "
                                    "Срок ответа на инцидент (п. 9, 17) не приостанавливается: карточка и отчёт "
                                    "покажут, сколько инцидент ждал автора."))
        self.request_label = QLabel()
        self.request_label.setObjectName("requestLabel")
        self.request_label.setWordWrap(True)
        self.request_label.setOpenExternalLinks(False)
        self.request_label.setStyleSheet("background: #eef4fa; padding: 6px; border-radius: 4px;")
        layout.addWidget(self.request_label)
        layout.addWidget(QLabel("Ответ автора:"))
        self.text_edit = QPlainTextEdit()
        self.text_edit.setObjectName("authorReply")
        self.text_edit.setPlaceholderText("Что ответил автор — скопируйте из соцсети")
        self.text_edit.setMinimumHeight(90)
        layout.addWidget(self.text_edit, 1)
        form = QFormLayout()
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("replyUrl")
        self.url_edit.setPlaceholderText("Необязательно: https://vk.com/wall-…?reply=…")
        form.addRow("Ссылка на ответ автора:", self.url_edit)
        self.time_edit = now_field("replyTime")
        self._initial_time = self.time_edit.dateTime()
        form.addRow("Когда автор ответил:", self.time_edit)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.info_label)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("Записать ответ автора", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Отмена", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_perform)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_card()
        fit_to_screen(self, 640, 520)
        self.text_edit.setFocus()

    def _show_card(self) -> None:
        request = waiting_request(self.card)
        if request is None:
            self.request_label.setText("Размещённого запроса, ждущего ответа автора, нет.")
            return
        tz = current_calendar().tz
        wait = (f"<br>Ожидание автора — {formatting.duration(request.wait.worked)} (рабочее время)"
                if request.wait is not None else "")
        self.request_label.setText(
            f"<b>Запрос (уточнение), версия {request.number}</b> — размещён "
            f"{formatting.short_moment(request.posted_at, tz)}{wait}<br>{escape(request.text)}")

    def replied_at(self) -> datetime | None:
        return field_moment(self.time_edit, self._initial_time)

    def perform(self) -> None:
        text = self.text_edit.toPlainText().strip()
        if not text:
            raise ValidationError("Ответ автора: вставьте текст ответа")
        self.call(workflow.record_author_reply, text=text, url=self.url_edit.text().strip(),
                  replied_at=self.replied_at())

    def card_reloaded(self) -> None:
        self._show_card()
