"""The curator's approval of a submitted draft or clarification request (clause 14).

The question and the submitted text sit side by side; below them the automatic checks of the text
and the word-level changes since the previous version of the same kind. Returning needs at least
one of the four reasons of clause 14 — the same for an answer and for a request to the author.
A text the curator wrote is decided by the responsible official (clauses 8, 14): the dialog says so,
and it offers only the decisions the card allows this user.
"""
from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QGroupBox, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QSplitter, QTabWidget, QTextBrowser,
    QVBoxLayout, QWidget,
)

from app.models.enums import RETURN_REASON_LABELS, AnswerKind, ReturnReason
from app.services import formatting, workflow
from app.services.calendar_store import current_calendar
from app.services.errors import InvalidTransition, ValidationError
from app.services.incident_view import AnswerView, IncidentCard, check_draft, word_diff
from app.services.permissions import Actor
from app.ui.dialog_base import ActionDialog, card_header, clock_text, fit_to_screen, show_clock
from app.ui.findings import FindingsModel, findings_view
from app.ui.help import Section

INSERT_STYLE = "background-color: #c8f0c8; color: #0b5d0b;"
REQUEST_NOTE_STYLE = "background: #e8f1fb; color: #17405e; border: 1px solid #9cc0e0; border-radius: 4px; padding: 6px;"
APPROVER_NOTE_STYLE = "background: #fff4d6; color: #4d3500; border: 1px solid #e0b44c; border-radius: 4px; padding: 6px;"
REQUEST_NOTE = ("Это запрос (уточнение) автору сообщения, а не ответ: исполнитель просит автора уточнить суть "
                "вопроса (п. 13). Согласуйте его или верните по тем же причинам п. 14; согласованный запрос "
                "исполнитель разместит в соцсети инцидента (п. 16).")
DELETE_STYLE = "background-color: #ffd0d0; color: #8a0000; text-decoration: line-through;"


def diff_html(old: str, new: str) -> str:
    """The word diff of two versions as HTML: insertions green, deletions red and struck out."""
    parts = []
    previous = "equal"
    for op, text in word_diff(old, new):
        chunk = escape(text).replace("\n", "<br>")
        if op == "insert" and previous == "delete":
            parts.append(" ")  # «сегодня» → «завтра» must not read as «сегоднязавтра»
        previous = op
        if op == "insert":
            parts.append(f'<span style="{INSERT_STYLE}">{chunk}</span>')
        elif op == "delete":
            parts.append(f'<span style="{DELETE_STYLE}">{chunk}</span>')
        else:
            parts.append(chunk)
    return "<div>" + "".join(parts) + "</div>"


def previous_version(card: IncidentCard, answer: AnswerView) -> AnswerView | None:
    """The version of the same unit before ``answer`` (the one returned for revision, usually):
    a request is compared with the earlier request, an answer with the earlier answer."""
    request = answer.kind == AnswerKind.REQUEST
    earlier = [a for a in card.answers if a.number < answer.number and a.unit_name == answer.unit_name
               and a.kind != AnswerKind.CONTRIBUTION and (a.kind == AnswerKind.REQUEST) == request]
    return earlier[-1] if earlier else None


class ApprovalDialog(ActionDialog):
    """Clause 14: the curator reads the draft next to the question and approves or returns it."""

    def __init__(self, parent: QWidget | None, actor: Actor, card: IncidentCard, *, returning: bool = False) -> None:
        submitted = card.submitted_answer
        is_request = submitted is not None and submitted.kind == AnswerKind.REQUEST
        super().__init__(parent, actor, card, "Согласование запроса (уточнения)" if is_request else "Согласование")
        self.help_section = Section.RETURN if returning else Section.APPROVE
        self.is_request = is_request
        layout = QVBoxLayout(self)
        layout.addWidget(card_header(card))
        self.clock_label = QLabel()
        self.clock_label.setObjectName("clockLabel")
        self.clock_label.setWordWrap(True)
        layout.addWidget(self.clock_label)
        self.request_note = QLabel(REQUEST_NOTE)
        self.request_note.setObjectName("requestNote")
        self.request_note.setWordWrap(True)
        self.request_note.setStyleSheet(REQUEST_NOTE_STYLE)
        layout.addWidget(self.request_note)
        self.approver_label = QLabel()
        self.approver_label.setObjectName("approverNote")
        self.approver_label.setWordWrap(True)
        self.approver_label.setStyleSheet(APPROVER_NOTE_STYLE)
        layout.addWidget(self.approver_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Вопрос</b> (сообщение автора):"))
        self.question_view = QTextBrowser()
        self.question_view.setObjectName("questionView")
        left_layout.addWidget(self.question_view)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.draft_title = QLabel()
        self.draft_title.setWordWrap(True)
        right_layout.addWidget(self.draft_title)
        self.draft_view = QTextBrowser()
        self.draft_view.setObjectName("draftView")
        right_layout.addWidget(self.draft_view)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([420, 580])
        layout.addWidget(splitter, 3)

        self.tabs = QTabWidget()
        self.tabs.setMinimumHeight(90)
        self.findings_model = FindingsModel(self)
        self.findings_view = findings_view(self.findings_model)
        self.tabs.addTab(self.findings_view, "Проверка")
        self.diff_view = QTextBrowser()
        self.diff_view.setObjectName("diffView")
        self.tabs.addTab(self.diff_view, "Изменения")
        self.attachments_view = QTextBrowser()
        self.tabs.addTab(self.attachments_view, "Вложения")
        layout.addWidget(self.tabs, 2)

        self.reasons_box = QGroupBox("Вернуть на доработку — причины отказа в согласовании (п. 14)")
        reasons_layout = QVBoxLayout(self.reasons_box)
        self.reason_boxes: dict[ReturnReason, QCheckBox] = {}
        for reason in ReturnReason:
            box = QCheckBox(RETURN_REASON_LABELS[reason])
            self.reason_boxes[reason] = box
            reasons_layout.addWidget(box)
        reasons_layout.addWidget(QLabel("Комментарий исполнителю:"))
        self.comment_edit = QPlainTextEdit()
        self.comment_edit.setObjectName("returnComment")
        self.comment_edit.setPlaceholderText("Что исправить (при согласовании — необязательный комментарий)")
        self.comment_edit.setMaximumHeight(60)
        reasons_layout.addWidget(self.comment_edit)
        layout.addWidget(self.reasons_box)
        layout.addWidget(self.error_label)
        layout.addWidget(self.info_label)

        row = QHBoxLayout()
        row.addStretch(1)
        self.approve_button = QPushButton("Согласовать")
        self.approve_button.setObjectName("approveButton")
        self.approve_button.clicked.connect(lambda: self.run_step(self.approve, close=True))
        self.return_button = QPushButton("Вернуть на доработку")
        self.return_button.setObjectName("returnButton")
        self.return_button.clicked.connect(lambda: self.run_step(self.return_for_revision, close=True))
        close = QPushButton("Закрыть")
        close.clicked.connect(self.reject)
        for button in (self.approve_button, self.return_button, close):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)
        for view in (self.question_view, self.draft_view):
            view.setMinimumHeight(80)
        self._show_card()
        fit_to_screen(self, 1120, 800)
        if returning and self.return_button.isVisible():
            self.reason_boxes[ReturnReason.OFF_QUESTION].setFocus()

    @property
    def answer(self) -> AnswerView | None:
        return self.card.submitted_answer

    def _show_card(self) -> None:
        card, tz = self.card, current_calendar().tz
        show_clock(self.clock_label, clock_text(card, "approval") or clock_text(card, "answer"))
        self.question_view.setPlainText(card.text)
        answer = self.answer
        self.is_request = answer is not None and answer.kind == AnswerKind.REQUEST
        self.request_note.setVisible(self.is_request)
        self.approver_label.setText(card.approver_note)
        self.approver_label.setVisible(bool(card.approver_note))
        # clause 14 with clause 8: only the decisions the card offers this user (never the author's own)
        self.approve_button.setVisible("approve" in card.actions)
        self.return_button.setVisible("return" in card.actions)
        self.reasons_box.setEnabled("return" in card.actions or "approve" in card.actions)
        if not {"approve", "return"} & card.actions and answer is not None:
            self.show_info("Решение по этому тексту принимаете не вы (п. 8, 14): согласовать или вернуть его "
                           "здесь нельзя.")
        self.reasons_box.setTitle("Вернуть на доработку — причины отказа в согласовании "
                                  + ("запроса " if self.is_request else "") + "(п. 14)")
        if answer is None:
            self.draft_title.setText("<b>Нет проекта ответа или запроса, направленного на согласование</b>")
            self.draft_view.clear()
            self.findings_model.set_findings([])
            self.diff_view.clear()
            self.attachments_view.clear()
            self.approve_button.setEnabled(False)
            self.return_button.setEnabled(False)
            return
        author = answer.author + (f" (за {answer.acting_for})" if answer.acting_for else "")
        submitted = formatting.short_moment(answer.submitted_at, tz) if answer.submitted_at else ""
        self.draft_title.setText(f"<b>{escape(answer.kind_label)}, версия {answer.number}</b> — "
                                 f"{escape(answer.unit_name)}, {escape(author)}, {submitted}")
        self.draft_view.setPlainText(answer.text)
        self.setWindowTitle(f"{'Согласование запроса (уточнения)' if self.is_request else 'Согласование'} — "
                            f"инцидент № {card.id}")
        findings = check_draft(card, answer.text)
        self.findings_model.set_findings(findings)
        self.tabs.setTabText(0, f"Проверка ({len(findings)})" if findings else "Проверка: замечаний нет")
        previous = previous_version(card, answer)
        if previous is not None:
            self.diff_view.setHtml(diff_html(previous.text, answer.text))
            self.tabs.setTabText(1, f"Изменения с версии {previous.number}")
            self.tabs.setTabEnabled(1, True)
        else:
            self.diff_view.setHtml("<i>Это первая версия запроса.</i>" if self.is_request
                                   else "<i>Это первая версия ответа.</i>")
            self.tabs.setTabText(1, "Изменения: первая версия")
        self.tabs.setTabVisible(2, not self.is_request)  # photos go with an answer (п. 20), not with a question
        files = answer.attachments
        self.attachments_view.setHtml("<br>".join(escape(name) for _id, name, _size in files)
                                      or "<i>Вложений нет.</i>")
        self.tabs.setTabText(2, f"Вложения ({len(files)})")

    def selected_reasons(self) -> list[ReturnReason]:
        return [reason for reason, box in self.reason_boxes.items() if box.isChecked()]

    def comment(self) -> str:
        return self.comment_edit.toPlainText().strip()

    def approve(self) -> None:
        if self.answer is None:
            raise InvalidTransition("Нет проекта ответа или запроса, направленного на согласование")
        if self.selected_reasons():
            raise ValidationError("Отмечены причины возврата — снимите отметки, чтобы согласовать, "
                                  "или нажмите «Вернуть на доработку»")
        self.call(workflow.approve, comment=self.comment())

    def return_for_revision(self) -> None:
        reasons = self.selected_reasons()
        if not reasons:
            raise ValidationError("Отметьте хотя бы одну причину возврата (п. 14)")
        self.call(workflow.return_for_revision, reasons=reasons, comment=self.comment())

    def perform(self) -> None:
        self.approve()

    def card_reloaded(self) -> None:
        self._show_card()
