"""The executor records the posting of the approved answer (clause 16).

«Копировать и открыть» puts the approved text on the clipboard and opens the author's message in
the browser; after posting the executor pastes the link of the reply and the time it went out.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDateTimeEdit, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
    QVBoxLayout, QWidget,
)

from app.models.enums import AnswerState
from app.services import clock, workflow
from app.services.calendar_store import current_calendar
from app.services.errors import InvalidTransition, ValidationError
from app.services.incident_view import AnswerView, IncidentCard
from app.services.permissions import Actor
from app.ui.actions import ActionDialog, clock_text, show_clock
from app.ui.triage_dialog import card_header, hint_label


def open_external(url: str) -> bool:
    """Open a link in the user's browser (replaced in tests)."""
    return QDesktopServices.openUrl(QUrl(url))


def copy_and_open(text: str, url: str) -> bool:
    """Copy the approved answer to the clipboard and open the message it answers."""
    QGuiApplication.clipboard().setText(text)
    return open_external(url)


def approved_answer(card: IncidentCard) -> AnswerView | None:
    approved = [a for a in card.answers if a.state == AnswerState.APPROVED]
    return approved[-1] if approved else None


class PublishDialog(ActionDialog):
    """Clause 16: copy the approved text, post it in the same network, record the link and time."""

    def __init__(self, parent: QWidget | None, actor: Actor, card: IncidentCard) -> None:
        super().__init__(parent, actor, card, "Размещение ответа")
        self.resize(760, 600)
        tz = current_calendar().tz
        layout = QVBoxLayout(self)
        layout.addWidget(card_header(card))
        layout.addWidget(hint_label("П. 16: согласованный ответ в течение 30 минут рабочего времени с момента "
                                    "согласования размещается исполнителем в той же социальной сети, "
                                    f"где размещён инцидент ({card.network_label})."))
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clockLabel")
        self.clock_label.setWordWrap(True)
        layout.addWidget(self.clock_label)
        self.answer_title = QLabel()
        layout.addWidget(self.answer_title)
        self.text_view = QPlainTextEdit()
        self.text_view.setObjectName("approvedText")
        self.text_view.setReadOnly(True)
        layout.addWidget(self.text_view, 1)
        row = QHBoxLayout()
        self.copy_button = QPushButton("Копировать и открыть")
        self.copy_button.setObjectName("copyOpenButton")
        self.copy_button.setToolTip("Скопировать текст в буфер обмена и открыть сообщение автора в браузере")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy_and_open)
        row.addWidget(self.copy_button)
        self.copied_label = QLabel()
        self.copied_label.setStyleSheet("color: #2e7d32;")
        row.addWidget(self.copied_label, 1)
        layout.addLayout(row)

        form = QFormLayout()
        self.url_edit = QLineEdit()
        self.url_edit.setObjectName("publicationUrl")
        self.url_edit.setPlaceholderText("https://vk.com/wall-…?reply=… — ссылка на ваш ответ")
        form.addRow("Ссылка на размещённый ответ:", self.url_edit)
        self.time_edit = QDateTimeEdit()
        self.time_edit.setObjectName("publicationTime")
        self.time_edit.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.time_edit.setCalendarPopup(True)
        now = clock.now().astimezone(tz).replace(tzinfo=None, second=0)
        self.time_edit.setDateTime(QDateTime(now))
        self.time_edit.setMaximumDateTime(QDateTime(now.replace(hour=23, minute=59)))
        self._initial_time = self.time_edit.dateTime()
        form.addRow("Время размещения:", self.time_edit)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.info_label)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton("Отметить размещение", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Отмена", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.try_perform)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._show_card()

    def _show_card(self) -> None:
        answer = approved_answer(self.card)
        show_clock(self.clock_label, clock_text(self.card, "publication"))
        if answer is None:
            self.answer_title.setText("<b>Согласованного текста нет</b>")
            self.text_view.setPlainText("")
            self.copy_button.setEnabled(False)
            return
        self.answer_title.setText(f"<b>Согласованный текст</b> — {answer.kind_label.lower()}, версия {answer.number}:")
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
        if self.time_edit.dateTime() == self._initial_time:
            return None
        return self.time_edit.dateTime().toPython().replace(tzinfo=current_calendar().tz)

    def perform(self) -> None:
        if approved_answer(self.card) is None:
            raise InvalidTransition("Размещение ответа: нет согласованного текста")
        url = self.url_edit.text().strip()
        if not url:
            raise ValidationError("Вставьте ссылку на размещённый ответ (п. 16)")
        self.call(workflow.publish, url=url, published_at=self.published_at())

    def card_reloaded(self) -> None:
        self._show_card()
