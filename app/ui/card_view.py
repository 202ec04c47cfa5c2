"""The incident card on the right of the main window.

Shows everything ``incident_view.load_card`` returns — the source message, the clocks with
their explanations, the units, the clarification requests to the author with the author's
replies and how long the incident waited for them, the comments, every answer and request
version (with a word diff against the previous one of the same kind) and the whole history —
and one button per action the user may take now. The buttons hand over to ``app.ui.actions.run_action`` (imported when clicked) and reload
the card afterwards.
"""
from __future__ import annotations

import importlib
import logging
from datetime import datetime, timedelta
from html import escape

from PySide6.QtCore import Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.models.enums import NO_ANSWER_REASON_LABELS, AnswerKind, CommentKind, NoAnswerReason, Priority, RequestState
from app.services import clock as clock_source
from app.services import formatting
from app.services.calendar_store import current_calendar
from app.services.clause21 import Clause21Assessment
from app.services.deadlines import Clock, ClockState
from app.services.errors import ConflictError, DomainError
from app.services.incident_view import ACTIONS, AnswerView, IncidentCard, load_card, word_diff
from app.services.permissions import Actor
from app.services.presence import Others
from app.ui.dialog_base import request_note
from app.ui.queue_model import (
    BLACKLIST_MARK, LEVEL_COLORS, MET, MISSED, NONE, Remaining, TaskRunner, remaining_for, time_left_text,
)

log = logging.getLogger(__name__)

APP_TITLE = "Инциденты"
COUNTDOWN_MS = 30_000
#: the most action buttons in one row of the card
MAX_ACTION_COLUMNS = 6

#: the order of the buttons; the first one the user has is the primary action (Ctrl+Enter)
ACTION_ORDER = ("approve", "publish", "submit", "submit_request", "edit_answer", "record_author_reply", "route",
                "return", "appoint_consolidator", "set_stage_limits", "not_competent", "edit_request", "comment",
                "change_priority", "close_no_answer")
ACTION_HINTS = {
    "route": "Указать тему, место и направить исполнителям (п. 10)",
    "close_no_answer": "Закрыть без ответа (п. 21) или как не инцидент (п. 2)",
    "change_priority": "Сделать инцидентом повышенной важности или снять её (п. 17)",
    "record_author_reply": "Записать, что ответил автор на размещённый запрос (уточнение) (п. 13)",
    "approve": "Согласовать проект ответа или запрос (уточнение) (п. 14)",
    "return": "Вернуть проект ответа или запрос на доработку с указанием причины (п. 14)",
    "appoint_consolidator": "Назначить отдел, готовящий сводный ответ (п. 19)",
    "set_stage_limits": "Установить сроки шагов этапа окончательного ответа (п. 18)",
    "not_competent": "Сообщить куратору, что вопрос не в компетенции отдела (п. 11)",
    "edit_request": "Подготовить запрос (уточнение) автору сообщения, если неясна суть вопроса (п. 13)",
    "submit_request": "Направить запрос (уточнение) автору куратору на согласование (п. 13)",
    "edit_answer": "Написать или исправить проект ответа (п. 12)",
    "submit": "Направить проект ответа куратору на согласование (п. 12)",
    "publish": "Отметить, что согласованный текст размещён в соцсети (п. 16)",
    "comment": "Заметка или вопрос в карточке — без регламентного срока",
}
LEGACY_COMMENT_STYLE = "color: #6b6b6b;"
CLAUSE21_STYLE = ("QLabel { background: #fff1c7; color: #4d3500; border: 1px solid #e0b84a;"
                  " border-radius: 4px; padding: 6px; }")
#: «Открыто также: …» — the other people on the incident (issue 16)
PRESENCE_STYLE = "QLabel { color: #0d3566; }"
#: the official pages' marks on the card (Appendix 1, clauses 14 and 16)
PAGES_NOTE_STYLE = ("QLabel { background: #eef3fb; color: #1d3557; border: 1px solid #9db4d6;"
                    " border-radius: 4px; padding: 6px; }")
DELETED_STYLE = "color:#b00020; text-decoration:line-through; background:#fde4e4;"
#: the curator's comment when routing (clause 10) or re-routing (clause 11), shown like a return comment
ROUTE_COMMENT_STYLE = ("QLabel#routeComment { background: #e8f1fb; color: #123c63; border: 1px solid #a9c8ea;"
                       " border-radius: 4px; padding: 6px; }")
#: the audit actions whose comment is the curator's word to the executors
ROUTE_ACTIONS = ("incident.route", "incident.reroute")
INSERTED_STYLE = "color:#17651b; background:#dcf3d9;"


def primary_action(actions: frozenset[str] | set[str], *, request_returned: bool = False) -> str | None:
    """The action Ctrl+Enter performs: the first of ``ACTION_ORDER`` the user has — the request
    to the author when it is the one returned for revision (clause 15)."""
    if request_returned and "edit_request" in actions:
        return "edit_request"
    return next((a for a in ACTION_ORDER if a in actions), None)


def card_primary(card: IncidentCard) -> str | None:
    return primary_action(card.actions, request_returned=card.request_state == RequestState.RETURNED)


def diff_html(old: str, new: str) -> str:
    """The word diff of two answer versions as HTML: deletions struck through, insertions green."""
    parts = []
    for op, text in word_diff(old, new):
        shown = escape(text).replace("\n", "<br>")
        if op == "delete":
            parts.append(f'<span style="{DELETED_STYLE}">{shown}</span>')
        elif op == "insert":
            parts.append(f'<span style="{INSERTED_STYLE}">{shown}</span>')
        else:
            parts.append(shown)
    return "".join(parts)


class DiffDialog(QDialog):
    """Two answer versions side by side as one text: what was removed and what was added."""

    def __init__(self, old: AnswerView, new: AnswerView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Сравнение: версия {old.number} → версия {new.number}")
        self.resize(640, 420)
        self.legend = legend = QLabel(f'<span style="{DELETED_STYLE}">удалено</span> &nbsp; '
                                      f'<span style="{INSERTED_STYLE}">добавлено</span>')
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(f"<div style='font-size:11pt; line-height:140%'>{diff_html(old.text, new.text)}</div>")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Закрыть")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"<b>{escape(old.kind_label)}, версия {old.number}</b> → "
                                f"<b>{escape(new.kind_label)}, версия {new.number}</b>"))
        layout.addWidget(legend)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)


def _label(text: str = "", *, rich: bool = False, selectable: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


def _section(title: str) -> QLabel:
    label = QLabel(title)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.05)
    label.setFont(font)
    label.setContentsMargins(0, 8, 0, 2)
    return label


def _frame() -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setFrameShape(QFrame.Shape.StyledPanel)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(8, 6, 8, 6)
    layout.setSpacing(3)
    return frame, layout


def _scroll(content: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    return area


def _clear(layout: QVBoxLayout | QGridLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()
        elif item.layout() is not None:
            _clear(item.layout())  # type: ignore[arg-type]


class _Page(QWidget):
    """One tab of the card: a scrolling column of widgets rebuilt for every card."""

    def __init__(self) -> None:
        super().__init__()
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(8, 8, 8, 8)
        self.column.setSpacing(6)
        self.area = _scroll(self)

    def clear(self) -> None:
        _clear(self.column)

    def add(self, widget: QWidget) -> QWidget:
        self.column.addWidget(widget)
        return widget

    def finish(self) -> None:
        self.column.addStretch(1)


class IncidentCardView(QWidget):
    """The incident card: what happened, every clock, who works on it, answers, history, actions."""

    #: an action changed the incident (its id): the queue should refresh
    changed = Signal(int)
    #: the card of this incident is shown
    card_loaded = Signal(int)
    #: no card is shown any more
    cleared = Signal()
    loading_changed = Signal(bool)

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self._card: IncidentCard | None = None
        self._incident_id: int | None = None
        self._generation = 0
        self._loading = False
        self._clock_views: list[tuple[Clock, QLabel]] = []
        self.action_buttons: dict[str, QPushButton] = {}
        self._action_columns = 0
        self.diff_buttons: dict[int, QPushButton] = {}
        self.clock_labels: list[QLabel] = []
        self.history_labels: list[QLabel] = []
        #: the «Запросы автору» and «Комментарии» parts of the first tab (None / empty when absent)
        self.requests_title: QWidget | None = None
        self.request_frames: list[QFrame] = []
        self.comments_title: QWidget | None = None
        self.comment_labels: list[QLabel] = []
        #: the «ждёт автора уже …» lines of requests still awaiting a reply, recounted with the clocks
        self._wait_views: list[tuple[datetime, QLabel]] = []
        #: the versions on «Ответы», newest first: (version, the ▸/▾ button, the collapsible body)
        self.answer_items: list[tuple[AnswerView, QToolButton, QWidget]] = []
        #: the curator's routing comment on «Сообщение» (None without one)
        self.route_comment_label: QLabel | None = None
        #: an action dialog of this card is open: reloads wait until it closes (its input stays put)
        self._acting = False
        self._stale = False
        self.runner = TaskRunner(self)

        self.placeholder = QLabel("Выберите инцидент в очереди")
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setWordWrap(True)
        self.placeholder.setStyleSheet("color: #616161;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self._build_content())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.trigger_primary)

        self.countdown_timer = QTimer(self)
        self.countdown_timer.setInterval(COUNTDOWN_MS)
        self.countdown_timer.timeout.connect(self.refresh_countdown)
        self.countdown_timer.start()

    # --- construction --------------------------------------------------------------------

    def _build_content(self) -> QWidget:
        content = QWidget()
        self.title_label = QLabel()
        title_font = self.title_label.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.status_label = _label(rich=True)
        self.current_clock_label = _label()
        self.current_clock_label.setContentsMargins(6, 3, 6, 3)
        self.loading_label = QLabel("Загрузка…")
        self.loading_label.setStyleSheet("color: #616161;")
        self.loading_label.setVisible(False)

        self.clause21_note = _label()
        self.clause21_note.setStyleSheet(CLAUSE21_STYLE)
        self.clause21_note.setVisible(False)
        self.pages_note = _label()
        self.pages_note.setStyleSheet(PAGES_NOTE_STYLE)
        self.pages_note.setVisible(False)
        self.presence_label = _label()
        self.presence_label.setObjectName("presenceLabel")
        self.presence_label.setStyleSheet(PRESENCE_STYLE)
        self.presence_label.setVisible(False)

        self.actions_box = QWidget()
        self.actions_grid = QGridLayout(self.actions_box)
        self.actions_grid.setContentsMargins(0, 4, 0, 4)
        self.actions_grid.setHorizontalSpacing(6)
        self.actions_grid.setVerticalSpacing(4)

        self.source_page = _Page()
        self.clocks_page = _Page()
        self.answers_page = _Page()
        self.history_page = _Page()
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        # a narrow card shortens the tab titles (the whole title is the tooltip) instead of hiding
        # some of them behind arrows
        self.tabs.setUsesScrollButtons(False)
        self.tabs.tabBar().setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs.addTab(self.source_page.area, "Сообщение")
        self.tabs.addTab(self.clocks_page.area, "Сроки")
        self.tabs.addTab(self.answers_page.area, "Ответы")
        self.tabs.addTab(self.history_page.area, "История")

        top = QHBoxLayout()
        top.addWidget(self.title_label, 1)
        top.addWidget(self.loading_label)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.status_label)
        layout.addWidget(self.presence_label)
        layout.addWidget(self.current_clock_label)
        layout.addWidget(self.clause21_note)
        layout.addWidget(self.pages_note)
        layout.addWidget(self.actions_box)
        layout.addWidget(self.tabs, 1)
        return content

    # --- loading ---------------------------------------------------------------------------

    @property
    def card(self) -> IncidentCard | None:
        return self._card

    @property
    def incident_id(self) -> int | None:
        return self._incident_id

    @property
    def loading(self) -> bool:
        return self._loading

    def show_incident(self, incident_id: int) -> None:
        """Load the incident's card off the GUI thread and show it."""
        self._incident_id = incident_id
        self._generation += 1
        generation = self._generation
        actor = self.actor
        if self._card is None or self._card.id != incident_id:
            # the people named were on the other incident; this one's are told once its card is shown
            self.presence_label.setVisible(False)
            self.placeholder.setText("Загрузка…")
            if self._card is None:
                self.stack.setCurrentWidget(self.placeholder)
        self._set_loading(True)
        self.runner.run(lambda: load_card(actor, incident_id),
                        lambda card: self._loaded(generation, card),
                        lambda exc: self._failed(generation, exc))

    def reload(self) -> None:
        """Load the shown incident again (after an action, F5 or a change elsewhere).

        While an action dialog of this card is open the reload waits for it to close: the card
        under the dialog is not rebuilt and nothing the user typed is touched.
        """
        if self._incident_id is None:
            return
        if self._acting:
            self._stale = True
            return
        self.show_incident(self._incident_id)

    def refresh_if_outdated(self, incident_id: int, version: int) -> bool:
        """The queue holds ``version`` of the incident: reload the card if it shows an older one."""
        card = self._card
        if card is None or card.id != incident_id or incident_id != self._incident_id or version <= card.version:
            return False
        self.reload()
        return True

    @property
    def acting(self) -> bool:
        """True while an action dialog opened from this card is on the screen."""
        return self._acting

    def clear(self) -> None:
        """Show no incident."""
        self._generation += 1
        self._incident_id = None
        self._card = None
        self._set_loading(False)
        self.presence_label.setVisible(False)
        self.placeholder.setText("Выберите инцидент в очереди")
        self.stack.setCurrentWidget(self.placeholder)
        self.cleared.emit()

    def show_others(self, incident_id: int, others: Others) -> None:
        """«Открыто также: …» — the other people who have this incident open (and who edit its answer)."""
        if incident_id != self._incident_id:
            return
        self.presence_label.setText(others_text(others))
        self.presence_label.setVisible(bool(others))

    def _loaded(self, generation: int, card: IncidentCard) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        self.set_card(card)
        self.card_loaded.emit(card.id)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        self._card = None
        if isinstance(exc, DomainError):
            text = str(exc)
        else:
            log.error("Карточка инцидента не загружена", exc_info=exc)
            text = f"Карточка не загружена: {exc}"
        self.placeholder.setText(text)
        self.stack.setCurrentWidget(self.placeholder)

    def _set_loading(self, value: bool) -> None:
        if value != self._loading:
            self._loading = value
            self.loading_label.setVisible(value)
            self.loading_changed.emit(value)

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        return self.runner.wait(timeout_s)

    # --- showing a card --------------------------------------------------------------------

    def set_card(self, card: IncidentCard) -> None:
        """Show ``card`` (already loaded); the same incident again keeps each tab's scroll position."""
        same = self._card is not None and self._card.id == card.id
        pages = (self.source_page, self.clocks_page, self.answers_page, self.history_page)
        scrolled = [page.area.verticalScrollBar().value() for page in pages] if same else None
        self._card = card
        self._incident_id = card.id
        tz = current_calendar().tz
        now = clock_source.now()
        self.title_label.setText(f"Инцидент № {card.id}")
        priority = (f" · <b style='color:#b00020'>{escape(card.priority_label)}</b>"
                    if card.priority == Priority.HIGH else f" · {escape(card.priority_label)}")
        self.status_label.setText(f"{escape(card.kind_label)} · статус: <b>{escape(card.status_label)}</b>"
                                  f"{escape(request_note(card))}{priority}")
        self._show_clause21(card)
        self._show_pages_note(card)
        self._build_actions(card)
        self._clock_views = []
        self._build_source(card, tz)
        self._build_clocks(card, tz)
        self._build_answers(card, tz)
        self._build_history(card, tz)
        self.tabs.setTabText(1, f"Сроки ({len(card.clocks)})")
        with_requests = any(a.kind == AnswerKind.REQUEST for a in card.answers)
        self.tabs.setTabText(2, f"{'Ответы и запросы' if with_requests else 'Ответы'} ({len(card.answers)})")
        self.tabs.setTabText(3, f"История ({len(card.events)})")
        for index, tip in enumerate(("Текст сообщения, автор, исполнители, запросы автору и комментарии",
                                     "Все сроки инцидента с объяснением расчёта",
                                     "Версии ответов и запросов (уточнений), новые сверху",
                                     "Все события инцидента по порядку")):
            self.tabs.setTabToolTip(index, f"{self.tabs.tabText(index)}: {tip}")
        self.refresh_countdown(now)
        self.stack.setCurrentIndex(1)
        if scrolled is not None:
            def restore() -> None:
                for page, value in zip(pages, scrolled):
                    page.area.verticalScrollBar().setValue(value)
            QTimer.singleShot(0, self, restore)  # dropped if the card is gone by then (window closed)

    def _show_clause21(self, card: IncidentCard) -> None:
        assessment = card.clause21
        if not assessment.suggest_no_answer:
            self.clause21_note.setVisible(False)
            return
        self.clause21_note.setText(f"Возможно, ответ не требуется (п. 21): {clause21_text(assessment)}")
        self.clause21_note.setVisible(True)

    def _show_pages_note(self, card: IncidentCard) -> None:
        """The official pages' marks: a message on the head's page (Appendix 1, cl. 16), a blacklisted
        author (cl. 14)."""
        lines = pages_note_lines(card)
        self.pages_note.setText("\n".join(lines))
        self.pages_note.setVisible(bool(lines))

    def _build_actions(self, card: IncidentCard) -> None:
        _clear(self.actions_grid)
        self.action_buttons = {}
        primary = card_primary(card)
        ordered = [a for a in ACTION_ORDER if a in card.actions] + sorted(set(card.actions) - set(ACTION_ORDER))
        for n, action in enumerate(ordered):
            button = QPushButton(ACTIONS.get(action, action))
            button.setAutoDefault(False)
            hint = ACTION_HINTS.get(action, "")
            if action == primary:
                font = button.font()
                font.setBold(True)
                button.setFont(font)
                hint = f"{hint} (Ctrl+Enter)" if hint else "Ctrl+Enter"
            button.setToolTip(hint)
            button.clicked.connect(lambda _checked=False, a=action: self.run_action(a))
            self.action_buttons[action] = button
        self._action_columns = 0
        self._layout_actions()
        self.actions_box.setVisible(bool(ordered))

    def _layout_actions(self) -> None:
        """As many buttons in a row as the card's width takes (one row under a wide queue, rows of
        two or three beside it): the tabs keep the height."""
        buttons = list(self.action_buttons.values())
        if not buttons:
            return
        widest = max(b.sizeHint().width() for b in buttons) + self.actions_grid.horizontalSpacing()
        columns = max(1, min(len(buttons), MAX_ACTION_COLUMNS, max(self.width(), 1) // max(widest, 1)))
        if columns == self._action_columns:
            return
        self._action_columns = columns
        for button in buttons:
            self.actions_grid.removeWidget(button)
        for column in range(MAX_ACTION_COLUMNS + 1):
            self.actions_grid.setColumnStretch(column, 0)
        for n, button in enumerate(buttons):
            self.actions_grid.addWidget(button, n // columns, n % columns)
        self.actions_grid.setColumnStretch(columns, 1)  # buttons keep their width; the rest stays empty

    def resizeEvent(self, event) -> None:  # noqa: ANN001, N802
        super().resizeEvent(event)
        self._layout_actions()

    def _build_source(self, card: IncidentCard, tz) -> None:  # noqa: ANN001
        page = self.source_page
        page.clear()
        text = _label(card.text)
        text.setObjectName("sourceText")
        text.setStyleSheet("QLabel#sourceText { background: palette(base); border: 1px solid palette(mid);"
                           " border-radius: 4px; padding: 8px; }")
        page.add(text)
        self.route_comment_label = None
        routing = route_comment(card)
        if routing is not None:
            self.route_comment_label = _label(routing, rich=True)
            self.route_comment_label.setObjectName("routeComment")
            self.route_comment_label.setStyleSheet(ROUTE_COMMENT_STYLE)
            page.add(self.route_comment_label)
        form_box = QWidget()
        form = QFormLayout(form_box)
        form.setContentsMargins(0, 4, 0, 0)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.link_label = _label(f'<a href="{escape(card.link, quote=True)}">{escape(card.link)}</a>', rich=True,
                                 selectable=False)
        self.link_label.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                                | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.link_label.linkActivated.connect(self.open_link)
        self.link_label.setToolTip("Открыть сообщение в браузере")
        form.addRow("Ссылка:", self.link_label)
        if card.author_link:
            author = _label(f'<a href="{escape(card.author_link, quote=True)}">{escape(card.author)}</a>', rich=True,
                            selectable=False)
            author.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
            author.linkActivated.connect(self.open_link)
        else:
            author = _label(card.author)
        form.addRow("Автор:", author)
        form.addRow("Соцсеть:", _label(card.network_label))
        form.addRow("Выявлен:", _label(formatting.moment(card.detected_at, tz)))
        form.addRow("Статус:", _label(card.status_label + request_note(card)))
        form.addRow("Важность:", _label(card.priority_label))
        topic = " / ".join(t for t in (card.topic_group, card.topic) if t) or "не указана"
        form.addRow("Тема:", _label(topic))
        form.addRow("Место:", _label(card.location_text or "не указано"))
        if card.no_answer_reason:
            form.addRow("Без ответа:", _label(card.no_answer_reason))
        page.add(form_box)

        page.add(_section("Исполнители"))
        if not card.assignments:
            page.add(_label("Инцидент ещё не направлен исполнителям"))
        for a in card.assignments:
            line = (f"<b>{escape(a.unit_name)}</b> — {escape(a.state_label)}"
                    f"<br>направлено {formatting.short_moment(a.assigned_at, tz)}")
            if a.is_consolidating:
                line += " · готовит сводный ответ (п. 19)"
            if a.competence_reason:
                line += f"<br>Причина: {escape(a.competence_reason)}"
            page.add(_label(line, rich=True))

        self.requests_title, self.request_frames, self._wait_views = None, [], []
        self.comments_title, self.comment_labels = None, []
        if card.requests:
            self._build_requests(card, tz)
        if card.comments:
            self._build_comments(card, tz)
        if card.updated_by:
            page.column.addSpacing(8)
            page.add(_label(f"Последнее изменение: {card.updated_by}, "
                            f"{formatting.short_moment(card.updated_at, tz)}"))
        page.finish()

    def _build_requests(self, card: IncidentCard, tz) -> None:  # noqa: ANN001
        """Clause 13: the posted requests to the author, the author's replies, and the wait."""
        page = self.source_page
        self.requests_title = page.add(_section("Запросы автору"))
        for r in card.requests:
            frame, box = _frame()
            frame.setObjectName("authorRequest")
            unit = f" — {escape(r.unit_name)}" if r.unit_name else ""
            posted = _label(f"<b>Запрос (уточнение), версия {r.number}</b>{unit}<br>"
                            f"размещён {formatting.short_moment(r.posted_at, tz)}{_link(r.posted_url)}",
                            rich=True, selectable=False)
            posted.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
            posted.linkActivated.connect(self.open_link)
            box.addWidget(posted)
            box.addWidget(_label(r.text))
            if r.replied_at is not None:
                who = f", записал {escape(r.recorded_by)}" if r.recorded_by else ""
                replied = _label(f"<b>Ответ автора</b> — {formatting.short_moment(r.replied_at, tz)}{who}"
                                 f"{_link(r.reply_url)}", rich=True, selectable=False)
                replied.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
                replied.linkActivated.connect(self.open_link)
                box.addWidget(replied)
                box.addWidget(_label(r.reply))
            else:
                box.addWidget(_label("<i>Автор ещё не ответил</i>", rich=True))
            if r.wait is not None:
                wait = _label(wait_text(r.wait.worked, r.wait.waiting), rich=True)
                wait.setObjectName("authorWait")
                box.addWidget(wait)
                if r.wait.waiting:
                    self._wait_views.append((r.wait.posted_at, wait))
            page.add(frame)
            self.request_frames.append(frame)
        if len(card.requests) > 1:
            page.add(_label(f"Всего инцидент ждал автора: {formatting.duration(card.author_wait)}"))

    def _build_comments(self, card: IncidentCard, tz) -> None:  # noqa: ANN001
        """Notes and plain questions on the card (no regulated clock), old-style questions included."""
        page = self.source_page
        self.comments_title = page.add(_section("Комментарии"))
        for c in card.comments:
            who = escape(c.author) + (f" (за {escape(c.acting_for)})" if c.acting_for else "")
            line = (f"<b>{escape(c.kind_label)}</b> — {who}, {formatting.short_moment(c.created_at, tz)}"
                    f"<br>{escape(c.text).replace(chr(10), '<br>')}")
            label = _label(line, rich=True)
            label.setObjectName("comment")
            label.setContentsMargins(6, 2, 6, 4)
            legacy = c.kind != CommentKind.COMMENT
            label.setStyleSheet("QLabel { border-left: 3px solid palette(mid);"
                                + (f" {LEGACY_COMMENT_STYLE}" if legacy else "") + " }")
            page.add(label)
            self.comment_labels.append(label)

    def _build_clocks(self, card: IncidentCard, tz) -> None:  # noqa: ANN001
        page = self.clocks_page
        page.clear()
        self.clock_labels = []
        if not card.clocks:
            page.add(_label("Сроки не идут"))
        for c in card.clocks:
            label = _label(rich=True)
            label.setContentsMargins(8, 5, 8, 5)
            page.add(label)
            self._clock_views.append((c, label))
            self.clock_labels.append(label)
        page.add(_label("Наведите указатель на срок, чтобы увидеть, как он рассчитан. Время — рабочее, "
                        "по графику администрации и производственному календарю."))
        page.finish()

    def _build_answers(self, card: IncidentCard, tz) -> None:  # noqa: ANN001
        """Every version, newest first: the current one open, the older ones folded to their header."""
        page = self.answers_page
        page.clear()
        self.diff_buttons = {}
        self.answer_items = []
        if not card.answers:
            page.add(_label("Ответ ещё не подготовлен"))
        previous: dict[int, AnswerView] = {}  # version number → the version before it of the same kind
        last: dict[str, AnswerView] = {}
        for answer in card.answers:
            family = answer.kind if answer.kind in (AnswerKind.CONTRIBUTION, AnswerKind.REQUEST) else "answer"
            if family in last:
                previous[answer.number] = last[family]
            last[family] = answer
        for n, answer in enumerate(reversed(card.answers)):
            page.add(self._answer_frame(answer, previous.get(answer.number), tz, expanded=n == 0))
        page.finish()

    def _answer_frame(self, answer: AnswerView, before: AnswerView | None, tz, *, expanded: bool) -> QFrame:  # noqa: ANN001
        frame, box = _frame()
        frame.setObjectName("answerVersion")
        toggle = QToolButton()
        toggle.setAutoRaise(True)
        toggle.setCheckable(True)
        toggle.setToolTip("Показать или свернуть эту версию")
        header = _label(f"<b>Версия {answer.number} — {escape(answer.kind_label)}</b> · {escape(answer.state_label)}",
                        rich=True, selectable=False)
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(toggle, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(header, 1)
        box.addLayout(row)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(3)
        box.addWidget(body)

        who = answer.author + (f" (за {answer.acting_for})" if answer.acting_for else "")
        meta = f"{who}, {answer.unit_name}" if answer.unit_name else who
        meta += f" · создан {formatting.short_moment(answer.created_at, tz)}"
        if answer.submitted_at:
            meta += f" · направлен {formatting.short_moment(answer.submitted_at, tz)}"
        inner.addWidget(_label(meta))
        text = _label(answer.text)
        text.setContentsMargins(0, 3, 0, 3)
        inner.addWidget(text)
        for d in answer.decisions:
            moment = formatting.short_moment(d.decided_at, tz)
            if d.approved:
                line = f"<span style='color:#2e7d32'>✔ Согласован</span> — {escape(d.curator)}, {moment}"
            else:
                reasons = "; ".join(escape(r) for r in d.reasons) or "причина не указана"
                line = (f"<span style='color:#b00020'>✖ Возвращён на доработку</span> — {escape(d.curator)}, "
                        f"{moment}<br>Причины: {reasons}")
            if d.comment:
                line += f"<br>Комментарий: {escape(d.comment)}"
            inner.addWidget(_label(line, rich=True))
        if answer.attachments:
            files = ", ".join(f"{escape(name)} ({_size(size)})" for _id, name, size in answer.attachments)
            inner.addWidget(_label(f"Вложения: {files}", rich=True))
        if answer.published_at:
            url = answer.publication_url
            link = f' — <a href="{escape(url, quote=True)}">{escape(url)}</a>' if url else ""
            published = _label(f"Размещён {formatting.short_moment(answer.published_at, tz)}{link}", rich=True,
                               selectable=False)
            published.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse)
            published.linkActivated.connect(self.open_link)
            inner.addWidget(published)
        if before is not None:
            button = QPushButton("Сравнить с предыдущей")
            button.setAutoDefault(False)
            button.setToolTip(f"Что изменилось по сравнению с версией {before.number}")
            button.clicked.connect(lambda _c=False, old=before, new=answer: self.show_diff(old, new))
            buttons = QHBoxLayout()
            buttons.addWidget(button)
            buttons.addStretch(1)
            inner.addLayout(buttons)
            self.diff_buttons[answer.number] = button

        def show(open_: bool) -> None:
            body.setVisible(open_)
            toggle.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)

        toggle.toggled.connect(show)
        toggle.setChecked(expanded)
        show(expanded)
        self.answer_items.append((answer, toggle, body))
        return frame

    def _build_history(self, card: IncidentCard, tz) -> None:  # noqa: ANN001
        page = self.history_page
        page.clear()
        self.history_labels = []
        for e in card.events:
            who = escape(e.actor) + (f" (за {escape(e.acting_for)})" if e.acting_for else "")
            line = f"<b>{formatting.short_moment(e.at, tz)}</b> — {escape(e.label)}<br>{who}"
            line += history_change(e.from_label, e.to_label)
            if e.working_minutes is not None:
                spent = formatting.duration(timedelta(minutes=e.working_minutes))
                if e.limit_minutes is not None:
                    limit = formatting.duration(timedelta(minutes=e.limit_minutes))
                    verdict = ("<span style='color:#2e7d32'>в срок</span>" if e.within_limit
                               else "<span style='color:#b00020'>сверх нормы</span>")
                    line += f"<br>затрачено {spent} при норме {limit} — {verdict}"
                else:
                    line += f"<br>затрачено {spent}"
            if e.comment:
                line += f"<br><i>{escape(e.comment)}</i>"
            label = _label(line, rich=True)
            label.setContentsMargins(6, 2, 6, 6)
            label.setStyleSheet("QLabel { border-left: 3px solid palette(mid); }")
            page.add(label)
            self.history_labels.append(label)
        if not card.events:
            page.add(_label("Событий нет"))
        page.finish()

    # --- the live clocks -------------------------------------------------------------------

    def refresh_countdown(self, now: datetime | None = None) -> None:
        """Recompute the running clocks' texts and colours at ``now`` (no database query)."""
        if self._card is None:
            return
        now = now or clock_source.now()
        cal = current_calendar()
        for c, label in self._clock_views:
            # an optional window (clauses 11, 13) that closes unused is not a lapse: never red
            lapsed = c.optional and c.is_open and now > c.due_at
            remaining = remaining_for(c, now, cal) if not lapsed else Remaining("—", NONE, c.summary())
            background, foreground = LEVEL_COLORS[remaining.level]
            if c.is_open and not lapsed and remaining.left is not None:
                state = time_left_text(c, remaining.left, now, cal)
            elif c.state == ClockState.UNUSED or lapsed:
                state = "не использован"
            else:
                state = {MET: "соблюдён", MISSED: "нарушен"}.get(remaining.level, "—")
            subject = f" — {escape(c.subject)}" if c.subject else ""
            optional = " <i>(по желанию)</i>" if c.optional else ""
            label.setText(f"<b>{escape(c.title)}</b> ({escape(c.clause)}){subject}{optional}<br>"
                          f"{escape(state)} · срок {formatting.short_moment(c.due_at, cal.tz)}"
                          + (f" · норма {escape(c.limit_text)}" if c.limit_text else ""))
            label.setToolTip(remaining.tooltip)
            label.setProperty("level", remaining.level)
            border = foreground if remaining.level != NONE else "#9e9e9e"
            style = f"QLabel {{ color: {foreground}; border-left: 4px solid {border}; border-radius: 3px;"
            if background:
                style += f" background: {background};"
            label.setStyleSheet(style + " }")
        for posted_at, label in self._wait_views:
            label.setText(wait_text(max(cal.working_time_between(posted_at, now), timedelta(0)), True))
        current = _current(self._clock_views)
        if current is None:
            self.current_clock_label.setVisible(False)
        else:
            c, label = current
            remaining = remaining_for(c, now, cal)
            background, foreground = LEVEL_COLORS[remaining.level]
            text = (f"{c.title} ({c.clause}): {time_left_text(c, remaining.left, now, cal)}"
                    if c.is_open and remaining.left is not None else c.summary())
            self.current_clock_label.setText(text)
            self.current_clock_label.setToolTip(remaining.tooltip)
            self.current_clock_label.setProperty("level", remaining.level)
            style = f"QLabel {{ color: {foreground}; border-radius: 3px;"
            if background:
                style += f" background: {background};"
            self.current_clock_label.setStyleSheet(style + " }")
            self.current_clock_label.setVisible(True)

    # --- actions ---------------------------------------------------------------------------

    def trigger_primary(self) -> bool:
        """Ctrl+Enter: the card's main action for this user now (if any)."""
        if self._card is None or not self.isVisible():
            return False
        action = card_primary(self._card)
        return self.run_action(action) if action else False

    def run_action(self, action: str) -> bool:
        """Open the dialog of ``action`` (``app.ui.actions``), then reload the card and the queue."""
        card = self._card
        if card is None or action not in card.actions:
            return False
        try:
            actions = importlib.import_module("app.ui.actions")
        except ModuleNotFoundError as exc:
            if exc.name not in ("app.ui.actions",):
                raise
            QMessageBox.information(self, APP_TITLE, "Это действие ещё не подключено в этой версии программы.")
            return False
        self._acting, self._stale = True, False
        try:
            changed = bool(actions.run_action(self, self.actor, card, action))
        except ConflictError as exc:
            self._acting = False
            QMessageBox.warning(self, APP_TITLE, str(exc))
            changed = True  # somebody else changed it: show the fresh state
        except DomainError as exc:
            self._acting = False
            QMessageBox.warning(self, APP_TITLE, str(exc))
            changed = False
        finally:
            self._acting = False
        if changed or self._stale:
            self._stale = False
            self.reload()
        if changed:
            self.changed.emit(card.id)
        return changed

    def focus_card(self) -> None:
        """Move the keyboard focus into the card (Enter on a queue row)."""
        if self._card is not None:
            primary = card_primary(self._card)
            target: QWidget = self.action_buttons[primary] if primary in self.action_buttons else self.tabs
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_link(self, url: str) -> None:
        """Open a link of the card in the system's browser."""
        QDesktopServices.openUrl(QUrl(url))

    def make_diff_dialog(self, old: AnswerView, new: AnswerView) -> DiffDialog:
        """The comparison of two versions, not yet shown."""
        return DiffDialog(old, new, self)

    def show_diff(self, old: AnswerView, new: AnswerView) -> None:
        self.make_diff_dialog(old, new).exec()


def _current(views: list[tuple[Clock, QLabel]]) -> tuple[Clock, QLabel] | None:
    running = [(c, label) for c, label in views if c.is_open and not c.optional]
    if running:
        return min(running, key=lambda pair: pair[0].due_at)
    for code in ("final_answer", "answer"):
        found = [(c, label) for c, label in views if c.code == code]
        if found:
            return found[-1]
    return None


def others_text(others: Others) -> str:
    """«Открыто также: Иванова (ЖКХ); редактирует ответ: Петров (Благоустройство)»."""
    parts = []
    if others.viewing:
        parts.append("Открыто также: " + ", ".join(others.viewing))
        if others.editing:
            parts.append("редактирует ответ: " + ", ".join(others.editing))
    elif others.editing:
        parts.append("Открыто также и редактирует ответ: " + ", ".join(others.editing))
    return "; ".join(parts)


def history_change(from_label: str, to_label: str) -> str:
    """« · В работе → На согласовании», « · статус «Новый»» for the first one, "" without a change."""
    if from_label and to_label:
        return f" · {escape(from_label)} → {escape(to_label)}"
    if to_label:
        return f" · статус «{escape(to_label)}»"
    return ""


def route_comment(card: IncidentCard) -> str | None:
    """The curator's comment when the incident was last routed or re-routed (clauses 10, 11), as
    rich text for the card: what the executor must read before answering. None without one."""
    routed = [e for e in card.events if e.action in ROUTE_ACTIONS]
    if not routed or not routed[-1].comment:
        return None
    event = routed[-1]
    tz = current_calendar().tz
    what = "перенаправлении (п. 11)" if event.action == "incident.reroute" else "направлении (п. 10)"
    who = escape(event.actor) + (f" (за {escape(event.acting_for)})" if event.acting_for else "")
    return (f"<b>Комментарий куратора при {what}</b> — {who}, {formatting.short_moment(event.at, tz)}"
            f"<br>{escape(event.comment).replace(chr(10), '<br>')}")


def wait_text(worked: timedelta, waiting: bool) -> str:
    """«Инцидент ждёт автора уже 1 рабочий час 5 минут» / «Инцидент ждал автора 45 минут»."""
    spent = formatting.duration(worked)
    if waiting:
        return f"<span style='color:#9a6b00'>Инцидент ждёт автора уже {spent}</span> (рабочее время; срок ответа идёт)"
    return f"Инцидент ждал автора {spent} (рабочее время)"


def _link(url: str) -> str:
    return f' — <a href="{escape(url, quote=True)}">{escape(url)}</a>' if url else ""


def pages_note_lines(card: IncidentCard) -> list[str]:
    """What the card says about the official pages: where the message was written, a blacklisted author."""
    lines = []
    if card.on_head_page:
        lines.append(f"★ Сообщение на странице главы «{card.page_name}» — ответ от страницы администрации "
                     "(п. 16 Приложения 1)")
    if card.blacklisted:
        lines.append(f"{BLACKLIST_MARK} {card.blacklisted} (п. 14 Приложения 1)")
    return lines


def clause21_text(assessment: Clause21Assessment) -> str:
    """«нецензурные выражения; угрозы …; найдено: «…», «…»» for the amber note."""
    labels = []
    for reason in assessment.reasons:
        try:
            label = NO_ANSWER_REASON_LABELS[NoAnswerReason(reason)]
        except ValueError:
            label = reason
        label = label.replace(" (п. 21)", "")
        labels.append(label[:1].lower() + label[1:])
    text = "; ".join(labels) or "найдены признаки, перечисленные в п. 21"
    if assessment.matches:
        text += "; найдено: " + ", ".join(f"«{m}»" for m in assessment.matches[:3])
    return text


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} МБ".replace(".", ",")
    if size >= 1024:
        return f"{size // 1024} КБ"
    return f"{size} байт"

