"""«Новый инцидент» (Ctrl+N, the curator): a message registered by hand — one the monitoring
platform missed, or a «публикация в соцсетях» found by the department's own monitoring (clause 2).

The form is checked by the import's own row checks (``app.services.registration``): each problem
appears in Russian under its field as soon as the user has been there, and goes away as soon as
it is fixed. The network is recognised from the link while it is typed; a link already
registered is caught (off the GUI thread) with the number of the incident it belongs to and a
link to open that one instead.
"""
from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import QDateTime, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.models.enums import INCIDENT_KIND_LABELS, NETWORK_LABELS, IncidentKind, Priority
from app.services import clock as clock_source
from app.services import registration
from app.services.calendar_store import current_calendar
from app.services.errors import DomainError
from app.services.permissions import Actor
from app.services.registration import Draft, DraftRejected
from app.services.workflow import Ref
from app.ui.queue_model import TaskRunner
from app.ui.widgets import ERROR_STYLE, fit_to_screen, make_error_label
from app.ui.help import Section, install_help

CHECK_DELAY_MS = 250
NETWORK_STYLE = "color: #1b5e20; font-weight: bold;"
HINT_STYLE = "color: #555555;"
KIND_TIPS = {
    IncidentKind.INCIDENT: "Сообщение жителя о работе администрации (п. 2), в том числе пропущенное платформой",
    IncidentKind.PUBLICATION: "Публикация в соцсетях, найденная собственным мониторингом отдела (п. 2, третий вид)",
}
PRIORITY_CHOICES = (
    (Priority.NORMAL, "Обычная — ответ в течение 8 рабочих часов (п. 9)"),
    (Priority.HIGH, "Повышенная важность — ответ в течение 4 рабочих часов (п. 17)"),
)


class NewIncidentDialog(QDialog):
    """Registers one incident by hand; ``ref`` is the new incident after «Зарегистрировать»."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_help(self, Section.REGISTER)
        self.actor = actor
        self.ref: Ref | None = None
        #: the existing incident the user chose to open instead (a duplicate link)
        self.open_requested: int | None = None
        self.duplicate_of: int | None = None
        self._touched: set[str] = set()
        self._duplicate_generation = 0
        self._duplicate: tuple[str, tuple[int, str] | None] | None = None  # (link, what was found)
        self.runner = TaskRunner(self)
        self.setWindowTitle("Новый инцидент")
        self.setModal(True)

        intro = QLabel("Сообщение, которое платформа мониторинга не передала, или публикация, найденная "
                       "собственным мониторингом отдела (п. 2). Проверки — те же, что при импорте.")
        intro.setWordWrap(True)
        intro.setStyleSheet(HINT_STYLE)

        self.link_edit = QLineEdit()
        self.link_edit.setPlaceholderText("https://vk.com/wall-…, https://ok.ru/…, https://t.me/…")
        self.network_label = QLabel()
        self.network_label.setObjectName("networkLabel")
        self.network_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("Одноклассники") + 12)
        self.author_edit = QLineEdit()
        self.author_edit.setPlaceholderText("имя или ник, как в соцсети")
        self.author_link_edit = QLineEdit()
        self.author_link_edit.setPlaceholderText("https://… (необязательно)")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText("текст сообщения целиком, как в соцсети")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMinimumHeight(self.fontMetrics().lineSpacing() * 5)
        self.detected_edit = QDateTimeEdit()
        self.detected_edit.setCalendarPopup(True)
        self.detected_edit.setDisplayFormat("dd.MM.yyyy HH:mm")
        self.now_button = QPushButton("Сейчас")
        self.now_button.setAutoDefault(False)
        self.now_button.setToolTip("Поставить текущие дату и время")
        self.now_button.clicked.connect(self.set_now)
        self.kind_combo = QComboBox()
        for kind in (IncidentKind.INCIDENT, IncidentKind.PUBLICATION):
            self.kind_combo.addItem(INCIDENT_KIND_LABELS[kind], kind)
            self.kind_combo.setItemData(self.kind_combo.count() - 1, KIND_TIPS[kind], Qt.ItemDataRole.ToolTipRole)
        self.priority_combo = QComboBox()
        for priority, label in PRIORITY_CHOICES:
            self.priority_combo.addItem(label, priority)

        self.errors: dict[str, QLabel] = {code: make_error_label() for code in registration.FIELDS}
        for code, label in self.errors.items():
            label.setObjectName(f"error_{code}")
        self.errors["link"].setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.errors["link"].setTextFormat(Qt.TextFormat.RichText)
        self.errors["link"].linkActivated.connect(self._open_existing)
        self.general_error = make_error_label()

        link_row = QHBoxLayout()
        link_row.addWidget(self.link_edit, 1)
        link_row.addWidget(self.network_label)
        when_row = QHBoxLayout()
        when_row.addWidget(self.detected_edit)
        when_row.addWidget(self.now_button)
        when_row.addStretch(1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.addRow("&Ссылка на сообщение *:", _with_error(link_row, self.errors["link"]))
        form.addRow("&Автор *:", _with_error(self.author_edit, self.errors["author"]))
        form.addRow("Ссылка на а&втора:", _with_error(self.author_link_edit, self.errors["author_link"]))
        form.addRow("&Текст *:", _with_error(self.text_edit, self.errors["text"]))
        form.addRow("&Выявлено *:", _with_error(when_row, self.errors["detected_at"]))
        form.addRow("В&ид:", self.kind_combo)
        form.addRow("&Важность:", self.priority_combo)
        self.form = form

        self.save_button = QPushButton("&Зарегистрировать")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton("Отмена")
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        note = QLabel("* — обязательные поля")
        note.setStyleSheet(HINT_STYLE)
        buttons.addWidget(note)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form, 1)
        layout.addWidget(self.general_error)
        layout.addLayout(buttons)

        self.check_timer = QTimer(self)
        self.check_timer.setSingleShot(True)
        self.check_timer.setInterval(CHECK_DELAY_MS)
        self.check_timer.timeout.connect(self.check)
        self.link_edit.textChanged.connect(self._link_edited)
        self.author_edit.textChanged.connect(lambda _t: self._edited("author"))
        self.author_link_edit.textChanged.connect(lambda _t: self._edited("author_link"))
        self.text_edit.textChanged.connect(lambda: self._edited("text"))
        self.detected_edit.dateTimeChanged.connect(lambda _d: self._edited("detected_at"))
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._watched = {self.link_edit: "link", self.author_edit: "author", self.author_link_edit: "author_link",
                         self.text_edit: "text", self.detected_edit: "detected_at"}
        for widget in self._watched:
            widget.installEventFilter(self)
        self.set_now()
        self._touched.clear()
        fit_to_screen(self, 700, 540)

    # --- the form ------------------------------------------------------------------------------

    def draft(self) -> Draft:
        """What the form says now (the moment in the administration's time zone)."""
        local = self.detected_edit.dateTime().toPython()
        return Draft(link=self.link_edit.text(), author=self.author_edit.text(), text=self.text_edit.toPlainText(),
                     detected_at=local.replace(tzinfo=current_calendar().tz, second=0, microsecond=0),
                     kind=IncidentKind(self.kind_combo.currentData()),
                     priority=Priority(self.priority_combo.currentData()),
                     author_link=self.author_link_edit.text())

    def set_now(self) -> None:
        """«Сейчас»: the current moment in the administration's time zone."""
        now: datetime = clock_source.now().astimezone(current_calendar().tz)
        self.detected_edit.setDateTime(QDateTime(now.date(), now.time().replace(second=0, microsecond=0)))

    def _kind_changed(self, _index: int) -> None:
        self.kind_combo.setToolTip(KIND_TIPS[IncidentKind(self.kind_combo.currentData())])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Leaving a field the user typed into shows what is wrong with it."""
        if event.type() == QEvent.Type.FocusOut and watched in self._watched:
            code = self._watched[watched]  # type: ignore[index]
            if code not in self._touched and self._has_input(code):
                self._touched.add(code)
                self.check()
        return super().eventFilter(watched, event)

    def _has_input(self, code: str) -> bool:
        return code == "detected_at" or bool(self._value(code).strip())

    def _value(self, code: str) -> str:
        return {"link": self.link_edit.text, "author": self.author_edit.text,
                "author_link": self.author_link_edit.text, "text": self.text_edit.toPlainText}.get(
            code, lambda: "")()

    def _link_edited(self, _text: str) -> None:
        network = registration.network_of(self.link_edit.text())
        self.network_label.setText(NETWORK_LABELS[network] if network else "")
        self.network_label.setStyleSheet(NETWORK_STYLE if network else "")
        self.network_label.setToolTip("Соцсеть определена по ссылке" if network else "")
        self._edited("link")

    def _edited(self, code: str) -> None:
        self.general_error.setVisible(False)
        if code in self._touched or self.errors[code].isVisible():
            self.check_timer.start()
        if code == "link":
            self.check_timer.start()  # the duplicate check runs as the link is typed

    # --- checks ----------------------------------------------------------------------------------

    def check(self) -> registration.DraftCheck:
        """Show the problems of the fields the user has been to; look for the link among the registered."""
        self.check_timer.stop()
        result = registration.check(self.draft())
        for code, label in self.errors.items():
            if code != "link":
                _show_error(label, result.problems.get(code) if code in self._touched else None)
        if "link" in result.problems:
            self.duplicate_of = None
            _show_error(self.errors["link"], result.problems["link"] if "link" in self._touched else None)
        else:
            self._look_for_duplicate(self.link_edit.text().strip())  # the link's message comes from there
        return result

    def _look_for_duplicate(self, link: str) -> None:
        if self._duplicate is not None and self._duplicate[0] == link:
            self._show_duplicate(self._duplicate[1])
            return
        self._duplicate_generation += 1
        generation = self._duplicate_generation
        self.runner.run(lambda: registration.duplicate(link),
                        lambda found: self._duplicate_found(generation, link, found),
                        lambda _exc: None)

    def _duplicate_found(self, generation: int, link: str, found: tuple[int, str] | None) -> None:
        if generation != self._duplicate_generation:
            return
        self._duplicate = (link, found)
        if link == self.link_edit.text().strip():
            self._show_duplicate(found)

    def _show_duplicate(self, found: tuple[int, str] | None) -> None:
        if found is None:
            self.duplicate_of = None
            _show_error(self.errors["link"], None)
            return
        self.duplicate_of = found[0]
        self._touched.add("link")
        _show_error(self.errors["link"], f"{escape(found[1])} — <a href=\"{found[0]}\">открыть инцидент № "
                                         f"{found[0]}</a>", rich=True)

    def _open_existing(self, target: str) -> None:
        self.open_requested = int(target)
        self.reject()

    @property
    def checking(self) -> bool:
        """True while a check waits for the pause in typing or for the database."""
        return self.check_timer.isActive() or self.runner.busy

    # --- saving ------------------------------------------------------------------------------------

    def save(self) -> None:
        """«Зарегистрировать»: every field is checked; the first wrong one gets the focus."""
        self._touched.update(registration.FIELDS)
        result = self.check()
        if not result.ok:
            self._focus_first(result.problems)
            return
        try:
            self.ref = registration.register(self.actor, self.draft())
        except DraftRejected as exc:
            for code, problem in exc.problems.items():
                if code == "link" and exc.duplicate_of is not None:
                    self._duplicate = (self.link_edit.text().strip(), (exc.duplicate_of, problem))
                    self._show_duplicate((exc.duplicate_of, problem))
                else:
                    _show_error(self.errors[code], problem)
            self._focus_first(exc.problems)
            return
        except DomainError as exc:
            self.general_error.setText(str(exc))
            self.general_error.setVisible(True)
            return
        self.accept()

    def _focus_first(self, problems: dict[str, str]) -> None:
        widgets = {"link": self.link_edit, "author": self.author_edit, "author_link": self.author_link_edit,
                   "text": self.text_edit, "detected_at": self.detected_edit}
        for code in registration.FIELDS:
            if code in problems:
                widgets[code].setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def done(self, result: int) -> None:  # noqa: D102 - a duplicate check still running finishes first
        self.check_timer.stop()
        self.runner.wait(5.0)
        super().done(result)


def _with_error(field, error: QLabel) -> QWidget:  # noqa: ANN001 - a widget or a layout
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    if isinstance(field, QWidget):
        column.addWidget(field)
    else:
        column.addLayout(field)
    column.addWidget(error)
    return box


def _show_error(label: QLabel, text: str | None, *, rich: bool = False) -> None:
    if not text:
        label.clear()
        label.setVisible(False)
        return
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setStyleSheet(ERROR_STYLE)
    label.setText(text)
    label.setVisible(True)
