"""The executor's answer editor (clauses 12, 15, 19, 20): write, check, save, send for approval.

In «request» mode the same editor writes the clarification request to the incident's author
(clause 13): the same live checks, saved with ``workflow.save_request`` and sent to the curator
with ``workflow.submit_request``; it is approved, returned and revised like a draft (14, 15).

The draft is checked as it is typed — spelling underlined in red, bureaucratese, legal citations,
the network's length limit and relevance listed at the side — so the curator's clause-14 return
reasons are caught before the curator sees them. Checks run off the GUI thread after a short
pause in typing. The text is autosaved to a local file every few seconds and offered back when
the editor opens after a crash or a closed window; closing with text not yet saved in the card
asks first and says so.

Before a text goes to approval the findings are weighed by the curator's policy
(``settings.answer_policy``): a text the network cannot take (over the length limit, empty) is
refused, one the curator would likely return (off the question, too many legal acts) is sent only
after a confirmation that names the findings.
"""
from __future__ import annotations

import logging
import mimetypes
import os
import re
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QModelIndex, QObject, QPoint, QRunnable, QThreadPool, QTimer, Qt, Signal
from PySide6.QtGui import (
    QAction, QColor, QContextMenuEvent, QKeySequence, QShortcut, QSyntaxHighlighter, QTextCharFormat, QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QComboBox, QFileDialog, QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMenu, QMessageBox,
    QPlainTextEdit, QPushButton, QSplitter, QTextBrowser, QVBoxLayout, QWidget,
)

from app.models.enums import ANSWER_KIND_LABELS, AnswerKind, AnswerState, IncidentStatus, RequestState
from app.services import catalog, clock, formatting, incident_view, settings, templates, workflow
from app.services.answer_checks import NETWORK_LIMITS, Finding
from app.services.calendar_store import current_calendar
from app.services.errors import DomainError, ValidationError
from app.services.incident_view import AnswerView, IncidentCard, check_draft
from app.services.permissions import Actor
from app.services.presence import Others
from app.services.user_dirs import data_dir
from app.ui.dialog_base import (
    WINDOW_TITLE, ActionDialog, clock_color, clock_text, fit_to_screen, own_unit_name, request_note,
)
from app.ui.findings import FINDING_KIND_LABELS, FINDING_ROLE, FindingsModel, findings_view
from app.ui import live_updates
from app.ui.help import Section

log = logging.getLogger(__name__)

CHECK_DELAY_MS = 400
AUTOSAVE_MS = 5000
MEDIA_FILTER = ("Фото и видео (*.jpg *.jpeg *.png *.gif *.webp *.heic *.bmp *.tif *.tiff "
                "*.mp4 *.mov *.avi *.mkv *.webm *.3gp);;Все файлы (*)")
KIND_PREFERENCE = (AnswerKind.DRAFT, AnswerKind.FINAL, AnswerKind.CONSOLIDATED, AnswerKind.CONTRIBUTION,
                   AnswerKind.INTERIM)
KIND_HINTS = {
    AnswerKind.DRAFT: "Ответ по существу вопроса (п. 12)",
    AnswerKind.INTERIM: "Если вопрос нельзя решить в срок п. 9: окончательный ответ — в течение 7 рабочих дней (п. 12, 18)",
    AnswerKind.FINAL: "Окончательный ответ после промежуточного (п. 18)",
    AnswerKind.CONSOLIDATED: "Сводный ответ с учётом информации всех исполнителей (п. 19)",
    AnswerKind.CONTRIBUTION: "Информация вашего отдела для сводного ответа — уходит куратору (п. 19)",
}
#: built-in pieces of an answer in the social-network style (clause 20): (menu title, text)
OPENINGS = (
    ("Здравствуйте, <имя автора>!", "Здравствуйте, {name}!"),
    ("Здравствуйте!", "Здравствуйте!"),
    ("Добрый день! Спасибо, что написали нам.", "Добрый день! Спасибо, что написали нам."),
)
CLOSINGS = (
    ("Спасибо, что сообщили о проблеме!", "Спасибо, что сообщили о проблеме!"),
    ("Если вопросы останутся — напишите нам", "Если вопросы останутся, напишите нам в личные сообщения — разберёмся."),
    ("С уважением, администрация…", "С уважением, администрация Кореновского городского поселения."),
)
INTERIM_TEXT = ("Вопрос требует больше времени: мы уже занимаемся им и напишем вам, как только появится результат.")
REQUEST_TITLE = "Запрос (уточнение) автору"
OTHERS_STYLE = ("QLabel#othersEditing { background: #fff1c7; color: #4d3500; border: 1px solid #e0b84a;"
                " border-radius: 4px; padding: 6px; }")
RETURNED_STYLE = "background: #fdecea; color: #7a1712; padding: 6px; border-radius: 4px;"
ROUTING_STYLE = "background: #e8f1fb; color: #17405e; padding: 6px; border-radius: 4px;"
CHARACTERS = ("знак", "знака", "знаков")
#: message boxes with a list of findings: wide enough to read each finding on a line or two
WIDE_MESSAGE = "QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel { min-width: 460px; }"
REQUEST_HINT = ("П. 13: если нужно определить суть вопроса, исполнитель в течение 1 часа рабочего времени после "
                "поступления инцидента готовит запрос (уточнение) автору сообщения и направляет его куратору на "
                "согласование. Согласованный запрос размещается в соцсети инцидента (п. 16), ответ автора "
                "записывается в карточке; работа над ответом продолжается.")
#: phrases of a clarification request in the social-network style (clause 20): (menu title, text)
REQUEST_PHRASES = (
    ("Уточните, пожалуйста, адрес", "Уточните, пожалуйста, адрес: улицу и номер дома."),
    ("Уточните, когда это произошло", "Подскажите, пожалуйста, с какого времени это происходит?"),
    ("Можно прислать фото?", "Если есть возможность, пришлите, пожалуйста, фото — так мы быстрее разберёмся."),
    ("Спасибо, ждём вашего ответа", "Спасибо! Ждём вашего ответа."),
)


def utf16_len(text: str) -> int:
    """Length as the networks (and Qt's document positions) count it: an emoji is 2."""
    return len(text.encode("utf-16-le")) // 2


def utf16_positions(text: str) -> list[int] | None:
    """For each Python index of ``text`` (and its end) the UTF-16 position; None when they agree."""
    if utf16_len(text) == len(text):
        return None
    positions, unit = [], 0
    for ch in text:
        positions.append(unit)
        unit += 2 if ord(ch) > 0xFFFF else 1
    positions.append(unit)
    return positions


def draft_path(incident_id: int, *, request: bool = False) -> Path:
    """Where the text being written is autosaved on this computer (a request apart from the answer)."""
    return data_dir() / "drafts" / (f"{incident_id}-request.txt" if request else f"{incident_id}.txt")


def write_atomically(path: Path, text: str) -> None:
    """Write the whole file or nothing: a crash mid-write never leaves half a draft."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def author_first_name(author: str) -> str:
    """«Ирина» from «Ирина Ковалёва»; empty when the author's name does not look like a name."""
    first = (author or "").strip().split(" ")[0]
    return first if re.fullmatch(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?", first) else ""


# --- highlighting ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    """A checked span in document positions (UTF-16), with what was found there."""

    start: int
    end: int
    kind: str
    suggestions: tuple[str, ...] = ()
    message: str = ""


def _format(kind: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    if kind == "spelling":
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(QColor("#e00000"))
    elif kind == "punctuation":
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(QColor("#f57c00"))
    elif kind == "bureaucratese":
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setUnderlineColor(QColor("#b8860b"))
    elif kind == "citations":
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
        fmt.setUnderlineColor(QColor("#6a3d9a"))
    elif kind == "length":
        fmt.setBackground(QColor("#ffe0e0"))
    return fmt


class CheckHighlighter(QSyntaxHighlighter):
    """Underlines what the checks found: misspelt words with a red wave, punctuation slips with
    an orange one, bureaucratese dotted, the citation over the limit dashed, the text beyond the
    network's limit shaded. Marks follow the text as it is edited until the next check."""

    def __init__(self, document: QTextDocument, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._marks: list[Mark] = []
        self._formats = {kind: _format(kind) for kind in FINDING_KIND_LABELS}
        # connected before setDocument, so the marks move before the highlighter repaints the block
        document.contentsChange.connect(self._shift)
        self.setDocument(document)

    def set_marks(self, marks: list[Mark]) -> None:
        self._marks = sorted(marks, key=lambda m: (m.start, m.end))
        self.rehighlight()

    def marks(self, kind: str | None = None) -> list[Mark]:
        return [m for m in self._marks if kind is None or m.kind == kind]

    def mark_at(self, position: int, kinds: tuple[str, ...] = ("spelling", "bureaucratese")) -> Mark | None:
        for mark in self._marks:
            if mark.kind in kinds and mark.start <= position <= mark.end:
                return mark
        return None

    def _shift(self, position: int, removed: int, added: int) -> None:
        delta = added - removed
        kept = []
        for m in self._marks:
            if m.end <= position:
                kept.append(m)
            elif m.start >= position + removed:
                kept.append(Mark(m.start + delta, m.end + delta, m.kind, m.suggestions, m.message))
            # a mark inside the edited text is dropped until the next check
        self._marks = kept

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt API
        block = self.currentBlock()
        first, last = block.position(), block.position() + block.length()
        for mark in self._marks:
            if mark.end <= first or mark.start >= last:
                continue
            start = max(mark.start, first) - first
            end = min(mark.end, last) - first
            if end > start:
                self.setFormat(start, end - start, self._formats[mark.kind])


class SpellTextEdit(QPlainTextEdit):
    """The answer text field; its context menu offers the corrections of the word under the mouse."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.highlighter = CheckHighlighter(self.document(), self)
        self.ignored: set[str] = set()
        self.on_ignore = None  # set by the editor: called after a word is added to ``ignored``

    def build_context_menu(self, pos: QPoint) -> QMenu:
        """The standard menu with the suggestions for the marked word at ``pos`` on top."""
        menu = self.createStandardContextMenu(pos)
        position = self.cursorForPosition(pos).position()
        mark = self.highlighter.mark_at(position)
        if mark is None:
            return menu
        first = menu.actions()[0] if menu.actions() else None
        added: list[QAction] = []
        for suggestion in mark.suggestions:
            action = QAction(suggestion, menu)
            font = action.font()
            font.setBold(True)
            action.setFont(font)
            action.triggered.connect(lambda _=False, m=mark, s=suggestion: self.replace_mark(m, s))
            added.append(action)
        if not mark.suggestions:
            none = QAction("Нет вариантов исправления", menu)
            none.setEnabled(False)
            added.append(none)
        if mark.kind == "spelling":
            word = self._text_of(mark)
            ignore = QAction(f"Пропустить «{word}»", menu)
            ignore.triggered.connect(lambda _=False, w=word: self.ignore_word(w))
            added.append(ignore)
        menu.insertActions(first, added)
        menu.insertSeparator(first)
        return menu

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:  # noqa: N802 - Qt API
        menu = self.build_context_menu(event.pos())
        menu.exec(event.globalPos())
        menu.deleteLater()

    def _text_of(self, mark: Mark) -> str:
        cursor = QTextCursor(self.document())
        cursor.setPosition(mark.start)
        cursor.setPosition(mark.end, QTextCursor.MoveMode.KeepAnchor)
        return cursor.selectedText()

    def replace_mark(self, mark: Mark, replacement: str) -> None:
        """Put ``replacement`` in place of the marked word (one undo step)."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(mark.start)
        cursor.setPosition(mark.end, QTextCursor.MoveMode.KeepAnchor)
        cursor.insertText(replacement)
        self.setTextCursor(cursor)

    def ignore_word(self, word: str) -> None:
        self.ignored.add(word.casefold())
        self.highlighter.set_marks([m for m in self.highlighter.marks()
                                    if not (m.kind == "spelling" and self._text_of(m).casefold() in self.ignored)])
        if self.on_ignore is not None:
            self.on_ignore()


# --- checks off the GUI thread ---------------------------------------------------------------

class _CheckSignals(QObject):
    done = Signal(int, str, object)


class _CheckJob(QRunnable):
    """Runs the answer checks of one snapshot of the text on a pool thread."""

    def __init__(self, generation: int, text: str, card: IncidentCard, signals: _CheckSignals) -> None:
        super().__init__()
        self.generation, self.text, self.card, self.signals = generation, text, card, signals

    def run(self) -> None:
        try:
            findings = check_draft(self.card, self.text)
        except Exception:  # a checker bug must not take the editor down
            log.exception("Проверка текста ответа не удалась")
            findings = []
        try:
            self.signals.done.emit(self.generation, self.text, findings)
        except RuntimeError:  # the editor was closed meanwhile
            pass


# --- the editor --------------------------------------------------------------------------------

class AnswerEditor(ActionDialog):
    """Where the executor writes the answer, sees the checks live, attaches photos and sends it."""

    #: emitted after the checks of the current text are shown
    checks_updated = Signal()

    def __init__(self, parent: QWidget | None, actor: Actor, card: IncidentCard, *, submitting: bool = False,
                 request: bool = False) -> None:
        super().__init__(parent, actor, card, REQUEST_TITLE if request else "Ответ")
        self.help_section = Section.REQUEST if request else Section.ANSWER
        self._live: live_updates.LiveUpdates | None = None
        #: clause 13: the editor writes the clarification request to the author, not the answer
        self.request = request
        self.unit_name = own_unit_name(actor, card)
        self.pending_files: list[Path] = []
        self.findings: list[Finding] = []
        self._generation = 0
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _CheckSignals(self)
        self._signals.done.connect(self._checks_done)
        self._saved_text = self._own_editing_text()
        self._last_autosaved: str | None = None
        #: the curator's policy: which findings stop a text, which ask for a confirmation
        self.policy = settings.answer_policy()
        #: the question before closing with text not saved in the card (for the keyboard and tests)
        self.close_question: QMessageBox | None = None
        #: the refusal or the confirmation before sending for approval (for the keyboard and tests)
        self.send_question: QMessageBox | None = None
        layout = QVBoxLayout(self)
        self.header_label = QLabel()
        self.header_label.setWordWrap(True)
        self.header_label.setOpenExternalLinks(True)
        layout.addWidget(self.header_label)
        self.request_hint = QLabel(REQUEST_HINT)
        self.request_hint.setObjectName("requestHint")
        self.request_hint.setWordWrap(True)
        self.request_hint.setStyleSheet("color: #35596f;")
        if not request:
            self.request_hint.hide()  # (never setVisible(True) on a widget without a parent: it would pop up)
        layout.addWidget(self.request_hint)
        self.returned_label = QLabel()
        self.returned_label.setObjectName("returnedLabel")
        self.returned_label.setWordWrap(True)
        self.returned_label.setStyleSheet(RETURNED_STYLE)
        layout.addWidget(self.returned_label)
        self.routing_label = QLabel()
        self.routing_label.setObjectName("routingLabel")
        self.routing_label.setWordWrap(True)
        self.routing_label.setStyleSheet(ROUTING_STYLE)
        layout.addWidget(self.routing_label)
        self.restore_banner = self._restore_banner()
        layout.addWidget(self.restore_banner)
        #: someone else edits this incident's answer too (issue 16): said here, refreshed as it changes
        self.others_label = QLabel()
        self.others_label.setObjectName("othersEditing")
        self.others_label.setWordWrap(True)
        self.others_label.setStyleSheet(OTHERS_STYLE)
        self.others_label.hide()
        layout.addWidget(self.others_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._main_column())
        splitter.addWidget(self._side_panel())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([700, 460])
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.info_label)
        layout.addLayout(self._buttons(submitting))

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self.start_check)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setInterval(AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self.autosave)

        self._show_card()
        fit_to_screen(self, 1180, 800)
        self.editor.setPlainText(self._saved_text or self._returned_text())
        #: the text the editor opened with: closing with it unchanged asks nothing
        self._opened_text = self.text().strip()
        self.editor.textChanged.connect(self._text_changed)
        self._update_counter()
        self._offer_restore()
        self._autosave_timer.start()
        self.start_check()
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        self.editor.setFocus()
        self._live = live_updates.current()
        if self._live is not None:
            self._live.others_changed.connect(self.show_others)
            self._live.set_editing(card.id, True)

    def show_others(self, incident_id: int, others: Others) -> None:
        """Warn while someone else edits this incident's answer (their save and this one would collide)."""
        if incident_id != self.card.id:
            return
        if others.editing:
            self.others_label.setText(
                "<b>Этот ответ сейчас редактирует также:</b> " + ", ".join(others.editing)
                + ". Договоритесь, кто пишет ответ: кто сохранит вторым, получит предупреждение о чужом изменении "
                "и должен будет обновить карточку.")
        self.others_label.setVisible(bool(others.editing))

    # --- construction ---------------------------------------------------------------------

    def _main_column(self) -> QWidget:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Вопрос</b> (сообщение автора):"))
        self.question_view = QTextBrowser()
        self.question_view.setObjectName("questionView")
        self.question_view.setMinimumHeight(50)
        self.question_view.setMaximumHeight(120)
        layout.addWidget(self.question_view)

        row = QHBoxLayout()
        self.text_title = QLabel(f"<b>{REQUEST_TITLE}</b>:" if self.request else "<b>Ответ</b>:")
        self.text_title.setObjectName("textTitle")
        row.addWidget(self.text_title)
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        if self.request:
            self.kind_combo.hide()
        row.addWidget(self.kind_combo)
        row.addStretch(1)
        self.template_button = QPushButton("Вставить фразу или шаблон")
        self.template_button.setAutoDefault(False)
        self.template_menu = QMenu(self.template_button)
        self.template_button.setMenu(self.template_menu)
        row.addWidget(self.template_button)
        layout.addLayout(row)

        self.editor = SpellTextEdit()
        self.editor.setObjectName("answerEdit")
        self.editor.setPlaceholderText(
            "Вопрос автору: что именно нужно уточнить, в стиле общения в соцсети (п. 13, 20)" if self.request
            else "Ответ по существу вопроса, в стиле общения в соцсети (п. 20)")
        self.editor.setMinimumHeight(80)
        self.editor.on_ignore = self._show_findings
        font = self.editor.font()
        font.setPointSizeF(font.pointSizeF() + 1)
        self.editor.setFont(font)
        layout.addWidget(self.editor, 1)

        counter_row = QHBoxLayout()
        self.spelling_label = QLabel()
        self.spelling_label.setObjectName("spellingSummary")
        counter_row.addWidget(self.spelling_label, 1)
        self.counter_label = QLabel()
        self.counter_label.setObjectName("counterLabel")
        counter_row.addWidget(self.counter_label)
        layout.addLayout(counter_row)

        attach_row = QHBoxLayout()
        attach_row.addWidget(QLabel("Фото и видео (п. 20):"))
        attach_row.addStretch(1)
        self.attach_button = QPushButton("Приложить…")
        self.attach_button.setAutoDefault(False)
        self.attach_button.clicked.connect(self.choose_files)
        attach_row.addWidget(self.attach_button)
        self.remove_file_button = QPushButton("Убрать")
        self.remove_file_button.setAutoDefault(False)
        self.remove_file_button.clicked.connect(self.remove_selected_file)
        attach_row.addWidget(self.remove_file_button)
        layout.addLayout(attach_row)
        self.attachments_list = QListWidget()
        self.attachments_list.setObjectName("attachmentsList")
        self.attachments_list.setMaximumHeight(80)
        layout.addWidget(self.attachments_list)
        if self.request:  # photos and videos go with the answer (clause 20), not with the question
            for widget in (attach_row.itemAt(0).widget(), self.attach_button, self.remove_file_button):
                widget.setVisible(False)
        return column

    def _side_panel(self) -> QWidget:
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("<b>Проверка запроса</b> (п. 14, 20; п. 10 прил. 1):" if self.request
                                else "<b>Проверка ответа</b> (п. 14, 20; п. 10 прил. 1):"))
        self.findings_model = FindingsModel(self)
        self.findings_view = findings_view(self.findings_model)
        self.findings_view.clicked.connect(self._select_finding)
        layout.addWidget(self.findings_view, 1)
        self.findings_status = QLabel()
        self.findings_status.setObjectName("findingsStatus")
        self.findings_status.setWordWrap(True)
        layout.addWidget(self.findings_status)
        legend = QLabel("<span style='color:#e00000'>волна</span> — орфография, "
                        "<span style='color:#f57c00'>волна</span> — пунктуация, "
                        "<span style='color:#b8860b'>точки</span> — канцеляризм, "
                        "<span style='color:#6a3d9a'>штрихи</span> — лишняя ссылка на акт. "
                        "Правый щелчок по слову — варианты исправления.")
        legend.setWordWrap(True)
        legend.setStyleSheet("color: #555;")
        layout.addWidget(legend)
        return panel

    def _restore_banner(self) -> QFrame:
        frame = QFrame()
        frame.setObjectName("restoreBanner")
        frame.setStyleSheet("QFrame#restoreBanner { background: #fff4d6; border: 1px solid #e0b44c; "
                            "border-radius: 4px; }")
        row = QHBoxLayout(frame)
        self.restore_label = QLabel()
        self.restore_label.setObjectName("restoreLabel")
        row.addWidget(self.restore_label, 1)
        self.restore_button = QPushButton("Восстановить")
        self.restore_button.setAutoDefault(False)
        self.restore_button.clicked.connect(self.restore_autosaved)
        row.addWidget(self.restore_button)
        self.discard_button = QPushButton("Отбросить")
        self.discard_button.setAutoDefault(False)
        self.discard_button.clicked.connect(self.discard_autosaved)
        row.addWidget(self.discard_button)
        frame.setVisible(False)
        return frame

    def _buttons(self, submitting: bool) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.save_button = QPushButton("Сохранить")
        self.save_button.clicked.connect(self.save)
        self.submit_button = QPushButton("Направить куратору на согласование" if self.request
                                         else "Сохранить и направить на согласование")
        self.submit_button.setObjectName("submitButton")
        self.submit_button.clicked.connect(self.save_and_submit)
        self.close_button = QPushButton("Закрыть")
        self.close_button.clicked.connect(self.reject)
        for button in (self.save_button, self.submit_button, self.close_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        (self.submit_button if submitting else self.save_button).setDefault(True)
        return row

    # --- what the card says -----------------------------------------------------------------

    def _mine(self, answer: AnswerView) -> bool:
        """A version of the family this editor writes: requests in request mode, answers otherwise."""
        return (answer.kind == AnswerKind.REQUEST) == self.request

    def _own_answers(self) -> list[AnswerView]:
        return [a for a in self.card.answers if (not self.unit_name or a.unit_name == self.unit_name) and self._mine(a)]

    def _own_editing_text(self) -> str:
        card_unit = own_unit_name(self.actor, self.card)
        editing = [a for a in self.card.answers if a.state == AnswerState.EDITING and self._mine(a)
                   and (not card_unit or a.unit_name == card_unit)]
        return editing[-1].text if editing else ""

    def _returned_now(self) -> bool:
        """The version of this editor's family is the one returned for revision (clause 15)."""
        if self.card.status != IncidentStatus.RETURNED:
            return False
        request_returned = self.card.request_state == RequestState.RETURNED
        return request_returned == self.request

    def _returned_text(self) -> str:
        returned = [a for a in self._own_answers() if a.state == AnswerState.RETURNED]
        return returned[-1].text if returned else ""

    def _show_card(self) -> None:
        card = self.card
        tz = current_calendar().tz
        revision = clock_text(card, "revision") if self._returned_now() else ""
        if self.request:
            clock = revision or clock_text(card, "clarification", self.unit_name) or clock_text(card, "answer")
        else:
            clock = (revision or clock_text(card, "contribution", self.unit_name)
                     or clock_text(card, "final_draft", self.unit_name) or clock_text(card, "draft", self.unit_name)
                     or clock_text(card, "final_answer") or clock_text(card, "answer"))
        self.header_label.setText(
            f"<b>№ {card.id}</b> · {escape(card.network_label)} · {escape(card.author)} · выявлен "
            f"{formatting.moment(card.detected_at, tz)} · «{escape(card.status_label)}»{escape(request_note(card))} · "
            f"<a href='{escape(card.link, quote=True)}'>сообщение в соцсети</a>"
            + (f"<br>{escape(self.unit_name)}" if self.unit_name else "")
            + (f"<br><span style='color:{clock_color(clock)}'>{escape(clock)}</span>" if clock else ""))
        self.question_view.setPlainText(card.text)
        returned = [a for a in self._own_answers() if a.state == AnswerState.RETURNED and a.decisions]
        if returned and self._returned_now():
            answer = returned[-1]
            decision = answer.decisions[-1]
            text = (f"<b>Версия {answer.number} возвращена на доработку</b> ({escape(decision.curator)}, "
                    f"{formatting.short_moment(decision.decided_at, tz)}): "
                    + "; ".join(escape(r) for r in decision.reasons))
            if decision.comment:
                text += f"<br>Комментарий куратора: {escape(decision.comment)}"
            self.returned_label.setText(text)
            self.returned_label.setVisible(True)
        else:
            self.returned_label.setVisible(False)
        self._show_routing_comment()
        self._fill_kinds()
        self._fill_templates()
        self._fill_attachments()
        if self.request:
            # clause 13: one request at a time — a new one after the author's reply
            editable = can_submit = "edit_request" in card.actions
            refusal = ("Запрос (уточнение) уже направлен или ждёт ответа автора — новый можно подготовить "
                       "после ответа автора")
        else:
            editable = bool(card.answer_kinds)
            can_submit = editable and card.status in {s.value for s in workflow.ANSWER_STATUSES}
            refusal = f"Сейчас направить ответ нельзя: инцидент в статусе «{card.status_label}»"
        self.submit_button.setEnabled(can_submit)
        self.submit_button.setToolTip("" if can_submit else refusal)
        self.save_button.setEnabled(editable)
        self.editor.setReadOnly(not editable)

    def _show_routing_comment(self) -> None:
        """What the curator wrote when routing the incident (clause 10) — as visible as a return comment."""
        event = self.card.routing_event
        if event is None or not event.comment:
            self.routing_label.setVisible(False)
            return
        when = formatting.short_moment(event.at, current_calendar().tz)
        what = "перенаправлении" if event.action == "incident.reroute" else "направлении"
        self.routing_label.setText(f"<b>Комментарий куратора при {what}</b> ({escape(event.actor)}, {when}): "
                                   f"{escape(event.comment)}")
        self.routing_label.setVisible(True)

    def _fill_kinds(self) -> None:
        current = self.kind_combo.currentData()
        self.kind_combo.clear()
        if self.request:
            self.kind_combo.addItem(ANSWER_KIND_LABELS[AnswerKind.REQUEST], AnswerKind.REQUEST.value)
            self.kind_combo.setEnabled(False)
            return
        kinds = [AnswerKind(k) for k in self.card.answer_kinds]
        kinds.sort(key=lambda k: KIND_PREFERENCE.index(k) if k in KIND_PREFERENCE else 99)
        for kind in kinds:
            self.kind_combo.addItem(ANSWER_KIND_LABELS[kind], kind.value)
            self.kind_combo.setItemData(self.kind_combo.count() - 1, KIND_HINTS.get(kind, ""),
                                        Qt.ItemDataRole.ToolTipRole)
        editing = [a for a in self._own_answers() if a.state == AnswerState.EDITING]
        wanted = current or (editing[-1].kind if editing else None)
        index = self.kind_combo.findData(wanted) if wanted else -1
        self.kind_combo.setCurrentIndex(max(index, 0))
        self.kind_combo.setEnabled(len(kinds) > 1)

    def _topic_id(self) -> int | None:
        if not self.card.topic:
            return None
        for topic in catalog.list_topics():
            if topic.name == self.card.topic and topic.group_name == self.card.topic_group:
                return topic.id
        return None

    def _fill_templates(self) -> None:
        menu = self.template_menu
        menu.clear()
        name = author_first_name(self.card.author)
        menu.addSection("Начало")
        for title, text in OPENINGS:
            if "{name}" in text:
                if not name:
                    continue
                title, text = title.replace("<имя автора>", name), text.format(name=name)
            menu.addAction(title, lambda t=text: self.insert_snippet(t))
        if self.request:
            menu.addSection("Запрос (уточнение)")
            for title, text in REQUEST_PHRASES:
                menu.addAction(title, lambda t=text: self.insert_snippet(t))
            return
        menu.addSection("Окончание")
        for title, text in CLOSINGS:
            menu.addAction(title, lambda t=text: self.insert_snippet(t))
        if AnswerKind.INTERIM.value in self.card.answer_kinds:
            menu.addSection("Промежуточный ответ")
            menu.addAction("Вопрос требует больше времени…", lambda: self.insert_snippet(INTERIM_TEXT))
        stored = templates.list_templates(self._topic_id())
        if stored:
            menu.addSection(f"Шаблоны: {self.card.topic}" if self.card.topic else "Шаблоны")
            for title, text in stored:
                menu.addAction(title, lambda t=text: self.insert_snippet(t))

    def _fill_attachments(self) -> None:
        self.attachments_list.clear()
        editing = [a for a in self._own_answers() if a.state == AnswerState.EDITING]
        for _id, filename, size in (editing[-1].attachments if editing else ()):
            item = QListWidgetItem(f"{filename} ({_size_text(size)}) — приложен")
            item.setData(Qt.ItemDataRole.UserRole, None)
            self.attachments_list.addItem(item)
        for path in self.pending_files:
            item = QListWidgetItem(f"{path.name} — будет приложен при сохранении")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            self.attachments_list.addItem(item)
        self.attachments_list.setVisible(self.attachments_list.count() > 0)
        self.remove_file_button.setEnabled(bool(self.pending_files))

    # --- typing, counter, checks ---------------------------------------------------------------

    def text(self) -> str:
        return self.editor.toPlainText()

    def _text_changed(self) -> None:
        self._update_counter()
        self._check_timer.start()

    def _update_counter(self) -> None:
        limit = NETWORK_LIMITS.get(self.card.network, 4096)
        size = utf16_len(self.text().strip())
        self.counter_label.setText(f"{size} / {limit}")
        over = size > limit
        self.counter_label.setStyleSheet("color: #c62828; font-weight: bold;" if over else "color: #555;")
        self.counter_label.setToolTip(f"Лимит сети {self.card.network_label}: {formatting.plural(limit, CHARACTERS)}"
                                      + (f" — сократите на {size - limit}" if over else ""))

    def start_check(self) -> None:
        """Check the current text on the pool thread; the newest result wins."""
        self._check_timer.stop()
        self._generation += 1
        self._pool.start(_CheckJob(self._generation, self.text(), self.card, self._signals))

    def check_now(self) -> None:
        """Check the current text on this thread (for a screenshot or right before saving)."""
        self._check_timer.stop()
        self._generation += 1
        self._checks_done(self._generation, self.text(), check_draft(self.card, self.text()))

    def _checks_done(self, generation: int, text: str, findings: list[Finding]) -> None:
        if generation != self._generation or text != self.text():
            return  # typed on meanwhile: the next check is already scheduled
        positions = utf16_positions(text)

        def pos(i: int) -> int:
            return positions[i] if positions is not None else i

        marks = []
        for f in findings:
            if f.start is None or f.end is None:
                continue
            if f.kind == "spelling" and text[f.start:f.end].casefold() in self.editor.ignored:
                continue
            marks.append(Mark(pos(f.start), pos(f.end), f.kind, f.suggestions, f.message))
        self.findings = [f for f in findings
                         if not (f.kind == "spelling" and f.start is not None
                                 and text[f.start:f.end].casefold() in self.editor.ignored)]
        self.editor.highlighter.set_marks(marks)
        self._show_findings()
        self.checks_updated.emit()

    def _show_findings(self) -> None:
        if not self.text().strip():  # nothing typed yet: no «Ответ пустой» nagging
            self.findings_model.set_findings([])
            self.spelling_label.setText("")
            self.findings_status.setText("")
            return
        spelling = self.editor.highlighter.marks("spelling")
        others = [f for f in self.findings if f.kind != "spelling"]
        self.findings_model.set_findings(others)
        if spelling:
            words = formatting.plural(len(spelling), ("слово подчёркнуто", "слова подчёркнуты", "слов подчёркнуто"))
            self.spelling_label.setText(f"<span style='color:#c62828'>Орфография: {words}</span>")
        else:
            self.spelling_label.setText("<span style='color:#2e7d32'>Орфография: ошибок не найдено</span>")
        weights = {self.policy.severity(f.kind, request=self.request) for f in self.findings}
        if settings.BLOCKING in weights:
            self.findings_status.setText("<span style='color:#c62828'><b>Соцсеть не примет такой текст: на "
                                         "согласование он не уйдёт, пока его не сократите.</b></span>")
        elif any(f.kind == "length" for f in self.findings):
            self.findings_status.setText("Текст длиннее лимита соцсети: куратор разрешил такие тексты — его "
                                         "разместят несколькими комментариями. Остальное — подсказки.")
        elif settings.CONFIRM in weights:
            asked = sorted({FINDING_KIND_LABELS.get(f.kind, f.kind) for f in self.findings
                            if self.policy.severity(f.kind, request=self.request) == settings.CONFIRM})
            self.findings_status.setText("Замечания — подсказки, а не запрет: решение за вами. О замечаниях «"
                                         + "», «".join(asked) + "» программа переспросит перед отправкой.")
        elif others:
            self.findings_status.setText("Замечания — подсказки, а не запрет: решение за вами.")
        elif self.text().strip():
            self.findings_status.setText("<span style='color:#2e7d32'>Замечаний нет.</span>")
        else:
            self.findings_status.setText("")

    def _select_finding(self, index: QModelIndex) -> None:
        finding = index.data(FINDING_ROLE)
        if not isinstance(finding, Finding) or finding.start is None or finding.end is None:
            return
        positions = utf16_positions(self.text())
        start = positions[finding.start] if positions else finding.start
        end = positions[min(finding.end, len(positions) - 1)] if positions else finding.end
        end = min(end, self.editor.document().characterCount() - 1)
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(min(start, end))
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()

    def insert_snippet(self, snippet: str) -> None:
        """Insert a phrase or a template at the cursor, on a line of its own."""
        cursor = self.editor.textCursor()
        before = self.text()[:cursor.position()] if utf16_positions(self.text()) is None else ""
        prefix = "\n" if before and not before.endswith("\n") else ""
        cursor.insertText(prefix + snippet)
        self.editor.setTextCursor(cursor)
        self.editor.setFocus()

    # --- attachments ------------------------------------------------------------------------------

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(self, "Фото и видео к ответу (п. 20)", str(Path.home()), MEDIA_FILTER)
        self.add_files([Path(n) for n in names])

    def add_files(self, paths: list[Path]) -> None:
        """Files to attach to the answer; they are stored when the text is saved."""
        for path in paths:
            if path not in self.pending_files:
                self.pending_files.append(path)
        self._fill_attachments()

    def remove_selected_file(self) -> None:
        item = self.attachments_list.currentItem()
        path = item.data(Qt.ItemDataRole.UserRole) if item else None
        if path:
            self.pending_files = [p for p in self.pending_files if str(p) != path]
            self._fill_attachments()

    def _store_pending_files(self) -> None:
        while self.pending_files:
            path = self.pending_files[0]
            try:
                data = path.read_bytes()
            except OSError as error:
                raise ValidationError(f"Не удалось прочитать файл «{path.name}»: {error.strerror or error}") from None
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            self.call(workflow.add_attachment, filename=path.name, data=data, mime_type=mime)
            self.pending_files.pop(0)

    # --- saving -----------------------------------------------------------------------------------

    def _save(self, submit: bool) -> None:
        text = self.text()
        if self.request:
            self.call(workflow.save_request, text=text)
            self._saved_text = text.strip()
            self.remove_autosave()
            if submit:
                self.call(workflow.submit_request)
            return
        kind = self.kind_combo.currentData()
        if kind is None:
            raise ValidationError("Сейчас вы не можете готовить ответ по этому инциденту")
        self.call(workflow.save_draft, text=text, kind=AnswerKind(kind))
        self._saved_text = text.strip()
        self.remove_autosave()
        self._store_pending_files()
        if submit:
            self.call(workflow.submit_answer)

    def save(self) -> bool:
        """«Сохранить»: store the version (and the chosen files); the editor stays open."""
        ok = self.run_step(lambda: self._save(False), close=False)
        if ok:
            self._refresh_after_save()
            now = clock.now().astimezone(current_calendar().tz)
            self.show_info(f"Сохранено в {now:%H:%M}.")
        return ok

    def save_and_submit(self) -> bool:
        """«Сохранить и направить на согласование» (a contribution goes to the curator, п. 19).

        A text the network cannot take is refused; one with findings the curator would likely
        return it for is sent only when the user confirms (the curator's policy decides which).
        """
        if not self.confirm_sending():
            return False
        ok = self.run_step(lambda: self._save(True), close=True)
        if not ok and self.changed:
            self._refresh_after_save()
        return ok

    def perform(self) -> None:
        self._save(True)

    # --- before sending for approval ----------------------------------------------------------

    def _noun(self) -> str:
        return "запрос (уточнение)" if self.request else "ответ"

    def sending_findings(self) -> tuple[list[Finding], list[Finding]]:
        """The findings of the current text that refuse sending, and those to confirm (the policy's say)."""
        self.check_now()
        self.policy = policy = settings.answer_policy()  # the curator may have changed it meanwhile
        refused = [f for f in self.findings if policy.severity(f.kind, request=self.request) == settings.BLOCKING]
        doubtful = [f for f in self.findings if policy.severity(f.kind, request=self.request) == settings.CONFIRM]
        return refused, doubtful

    def confirm_sending(self) -> bool:
        """True when the text may go to approval now: nothing blocks it, and the user confirmed the rest."""
        try:
            refused, doubtful = self.sending_findings()
        except DomainError as error:
            self.show_error(str(error))
            return False
        noun = self._noun()
        if refused:
            listed = "; ".join(f.message for f in refused)
            self.show_error(f"Не направлено: {listed}.")
            hint = ""
            if any(f.kind == "length" for f in refused):
                hint = ("\n\nСоцсеть не примет такой текст: сократите его. Разрешить направлять длинные тексты "
                        "может куратор («Администрирование» → «Проверка ответов»).")
            self._ask(QMessageBox.Icon.Warning, f"{noun.capitalize()} нельзя направить на согласование",
                      _bullets(refused) + hint, (("Понятно", QMessageBox.ButtonRole.AcceptRole),))
            self.editor.setFocus()
            return False
        if not doubtful:
            return True
        allowed = ("\n\nКуратор разрешил направлять тексты длиннее лимита соцсети: такой текст разместят "
                   "несколькими комментариями." if any(f.kind == "length" for f in doubtful) else "")
        answer = self._ask(QMessageBox.Icon.Question, f"Направить {noun} на согласование с замечаниями?",
                           _bullets(doubtful) + "\n\nПо таким замечаниям куратор может вернуть текст на доработку "
                           "(п. 14)." + allowed,
                           (("Да, направить", QMessageBox.ButtonRole.YesRole),
                            ("Нет, доработать", QMessageBox.ButtonRole.NoRole)))
        if answer != "Да, направить":
            self.editor.setFocus()
            return False
        return True

    def _ask(self, icon: QMessageBox.Icon, text: str, details: str,
             buttons: tuple[tuple[str, QMessageBox.ButtonRole], ...]) -> str:
        """A modal question; the text of the button clicked («» when closed otherwise)."""
        box = QMessageBox(icon, WINDOW_TITLE, text, QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("sendQuestion")
        box.setInformativeText(details)
        box.setStyleSheet(WIDE_MESSAGE)
        added = [box.addButton(title, role) for title, role in buttons]
        box.setDefaultButton(added[-1])  # «Понятно» or «Нет, доработать»: Enter never sends by accident
        box.setEscapeButton(added[-1])
        self.send_question = box
        try:
            box.exec()
            clicked = box.clickedButton()
            return clicked.text() if clicked is not None else ""
        finally:
            self.send_question = None
            box.deleteLater()

    def _refresh_after_save(self) -> None:
        """After a save the card has a new version; load it quietly (the text stays as typed)."""
        try:
            self.card = incident_view.load_card(self.actor, self.card.id)
        except Exception:  # noqa: BLE001 - the save itself succeeded; keep working with what we have
            log.exception("Карточка после сохранения не загрузилась")
            self._fill_attachments()
            return
        self.version = self.card.version
        self._show_card()

    def card_reloaded(self) -> None:
        self._saved_text = self._own_editing_text()
        self._show_card()
        self._update_counter()

    # --- autosave -----------------------------------------------------------------------------------

    @property
    def autosave_path(self) -> Path:
        return draft_path(self.card.id, request=self.request)

    def autosave(self) -> None:
        """Write the text being typed to the local draft file (every few seconds, and on close)."""
        text = self.text()
        if text == self._last_autosaved:
            return
        try:
            if text.strip() == self._saved_text or not text.strip():
                self.remove_autosave()
            else:
                write_atomically(self.autosave_path, text)
            self._last_autosaved = text
        except OSError:
            log.warning("Не удалось сохранить черновик в %s", self.autosave_path, exc_info=True)

    def remove_autosave(self) -> None:
        try:
            self.autosave_path.unlink(missing_ok=True)
        except OSError:
            log.warning("Не удалось удалить черновик %s", self.autosave_path, exc_info=True)
        self._last_autosaved = None

    def _offer_restore(self) -> None:
        path = self.autosave_path
        try:
            if not path.exists():
                return
            text = path.read_text(encoding="utf-8")
            stamp = datetime.fromtimestamp(path.stat().st_mtime, current_calendar().tz)
        except OSError:
            return
        if not text.strip() or text.strip() == self._saved_text.strip() or text == self.text():
            return
        today = datetime.now(current_calendar().tz).date()
        when = stamp.strftime("%H:%M") if stamp.date() == today else stamp.strftime("%d.%m.%Y %H:%M")
        self._autosaved_text = text
        self.restore_label.setText(f"Восстановить несохранённый текст от {when}?")
        self.restore_label.setToolTip(text[:1000])
        self.restore_banner.setVisible(True)

    def restore_autosaved(self) -> None:
        self.editor.setPlainText(getattr(self, "_autosaved_text", ""))
        self.editor.moveCursor(QTextCursor.MoveOperation.End)
        self.restore_banner.setVisible(False)

    def discard_autosaved(self) -> None:
        self.remove_autosave()
        self.restore_banner.setVisible(False)

    # --- closing ------------------------------------------------------------------------------------

    def _text_unsaved(self) -> bool:
        """Text typed since the editor opened that the card does not have yet."""
        text = self.text().strip()
        return (bool(text) and not self.editor.isReadOnly()
                and text not in (self._saved_text.strip(), self._opened_text))

    def has_unsaved_input(self) -> bool:
        """Text not saved in the card, or files chosen and not yet attached."""
        return bool(self.pending_files) or self._text_unsaved()

    def reject(self) -> None:  # noqa: D102 - Qt API: «Закрыть», Esc and the window's cross
        if not self.isVisible() or not self.has_unsaved_input():
            super().reject()
            return
        if self.close_question is not None:
            self.close_question.raise_()
            return
        self.ask_before_closing()

    def ask_before_closing(self) -> None:
        """Text not saved in the card: save it, close (the local autosave keeps it), or stay."""
        noun = self._noun()
        text_unsaved = self._text_unsaved()
        parts = []
        if text_unsaved:
            parts.append(f"Куратор и коллеги его не видят, пока вы не сохраните {noun}. На этом компьютере текст "
                         "сохранён автоматически: при следующем открытии редактор предложит его восстановить.")
        if self.pending_files:
            parts.append(("Выбранный файл ещё не приложен — при закрытии его" if len(self.pending_files) == 1
                          else "Выбранные файлы ещё не приложены — при закрытии их") + " придётся выбрать снова.")
        title = "Текст не сохранён в карточке инцидента." if text_unsaved else "Файлы не приложены к ответу."
        box = QMessageBox(QMessageBox.Icon.Question, WINDOW_TITLE, title, QMessageBox.StandardButton.NoButton, self)
        box.setInformativeText("\n\n".join(parts))
        box.setObjectName("closeQuestion")
        box.setStyleSheet(WIDE_MESSAGE)
        save = box.addButton("Сохранить и закрыть", QMessageBox.ButtonRole.AcceptRole)
        close = box.addButton("Закрыть", QMessageBox.ButtonRole.DestructiveRole)
        stay = box.addButton("Не закрывать", QMessageBox.ButtonRole.RejectRole)
        save.setEnabled(self.save_button.isEnabled())
        box.setDefaultButton(save if save.isEnabled() else stay)
        box.setEscapeButton(stay)
        box.setWindowModality(Qt.WindowModality.WindowModal)

        def answered() -> None:
            clicked = box.clickedButton()
            self.close_question = None
            box.deleteLater()
            if clicked is save:
                if self.save():
                    self.accept()
            elif clicked is close:
                super(AnswerEditor, self).reject()
            else:
                self.editor.setFocus()

        box.finished.connect(answered)
        self.close_question = box
        box.open()

    def done(self, result: int) -> None:  # noqa: D102 - Qt API
        if self._live is not None:
            self._live.others_changed.disconnect(self.show_others)
            self._live.set_editing(self.card.id, False)
            self._live = None
        self._autosave_timer.stop()
        self._check_timer.stop()
        if result != 1 and not self.restore_banner.isVisible():
            self.autosave()  # closed without saving: the text waits for the next opening
        self._generation += 1
        self._pool.clear()
        self._pool.waitForDone(3000)
        super().done(result)


def _bullets(findings: list[Finding]) -> str:
    return "\n".join(f"• {f.message}" for f in findings)


def _size_text(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} МБ".replace(".", ",")
    return f"{max(1, size // 1024)} КБ"
