"""What the tabs of the «Страницы» section share: a table model over service rows, the table's
look, the page chooser, a reason dialog, the read-only rule for buttons and dates as Russians
read them. No database here: every row comes from ``app.services.pages``."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

from babel.dates import format_date
from PySide6.QtCore import QAbstractTableModel, QDate, QDateTime, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QMessageBox,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.services import clock, formatting
from app.services.calendar_store import current_calendar
from app.services.errors import DomainError
from app.services.pages import registry
from app.services.permissions import Actor
from app.ui.widgets import clear_on_edit, make_error_label
from app.ui.help import Section, install_help

R = TypeVar("R")
ModelIndex = QModelIndex | QPersistentModelIndex
TITLE = "Официальные страницы"

#: why a reader's button is off (the head of the settlement, the responsible official)
READ_ONLY_TIP = ("Только просмотр: изменять записи страниц могут куратор (организационно-кадровый отдел) "
                 "и люди, назначенные для страницы")
REGISTRY_TIP = "Только просмотр: реестр страниц ведут куратор и администратор"
CURATOR_TIP = "Только просмотр: это решает куратор (организационно-кадровый отдел)"

#: the colours of the section: a state at a glance, readable text on each
GREEN = "#d7f0d8"
AMBER = "#ffe7a8"
RED = "#f9d0d0"
GREY = "#e6e6e6"
RED_TEXT = "#b00020"
GREEN_TEXT = "#1b5e20"
HINT_STYLE = "color: #555;"
#: characters a «24.11.2026 14:30» column needs
MOMENT_CHARS = 19


@dataclass(frozen=True)
class Col(Generic[R]):
    """One column of a ``RowsModel``: its title, its text, and optionally its tooltip and colours."""

    title: str
    text: Callable[[R], str]
    tip: Callable[[R], str] | None = None
    background: Callable[[R], str | None] | None = None
    foreground: Callable[[R], str | None] | None = None


class RowsModel(QAbstractTableModel, Generic[R]):
    """A read-only table over a list of service rows (dataclasses)."""

    def __init__(self, columns: Sequence[Col[R]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_at(self, row: int) -> R:
        return self._rows[row]

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            return self.columns[section].title
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return column.tip(row) if column.tip else (column.text(row) or None)
        if role == Qt.ItemDataRole.BackgroundRole and column.background:
            color = column.background(row)
            return QBrush(QColor(color)) if color else None
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground:
            color = column.foreground(row)
            return QBrush(QColor(color)) if color else None
        return None


def make_table(model: QAbstractTableModel, *, stretch: int = -1, multi: bool = False) -> QTableView:
    """A table of whole rows, not editable, the column ``stretch`` taking the spare width."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection if multi
                          else QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setTabKeyNavigation(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch < 0)
    if stretch >= 0:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def fit_columns(view: QTableView, widths: Sequence[int]) -> None:
    """Starting widths in characters (0: leave the column as it is)."""
    char = view.fontMetrics().averageCharWidth()
    for n, chars in enumerate(widths):
        if chars:
            view.setColumnWidth(n, chars * char + 16)


def selected_rows(view: QTableView) -> list[int]:
    selection = view.selectionModel()
    return sorted({i.row() for i in selection.selectedRows()}) if selection is not None else []


def allow(widget: QWidget, allowed: bool, why: str, tip: str = "") -> None:
    """Turn a button on, or off with the reason in its tooltip (a reader sees why)."""
    widget.setEnabled(allowed)
    widget.setToolTip(tip if allowed else why)


def split(orientation: Qt.Orientation, first: QWidget, second: QWidget, shares: tuple[int, int]) -> QSplitter:
    """Two panes the user may resize, sharing the room ``shares`` to start with; neither vanishes."""
    splitter = QSplitter(orientation)
    splitter.addWidget(first)
    splitter.addWidget(second)
    splitter.setChildrenCollapsible(False)
    splitter.setStretchFactor(0, shares[0])
    splitter.setStretchFactor(1, shares[1])
    return splitter


def hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


def tz():  # noqa: ANN201 - a tzinfo
    return current_calendar().tz


def today() -> date:
    """Today in the administration's zone, by the services' clock."""
    return clock.now().astimezone(tz()).date()


def local_now() -> datetime:
    """Now as a naive local moment (what a date-time edit shows)."""
    return clock.now().astimezone(tz()).replace(tzinfo=None)


def day_text(value: date | None) -> str:
    """«24.11.2026» (empty for none)."""
    return value.strftime("%d.%m.%Y") if value else ""


def moment_text(value: datetime | None) -> str:
    """«24.11.2026 14:30» in the administration's zone."""
    return formatting.short_moment(value, tz()) if value else ""


def month_title(year: int, month: int) -> str:
    """«Ноябрь 2026»."""
    return format_date(date(year, month, 1), "LLLL y", locale="ru").capitalize()


def show_error(parent: QWidget | None, error: DomainError) -> None:
    QMessageBox.warning(parent, TITLE, str(error))


def attempt(parent: QWidget | None, action: Callable[[], object]) -> bool:
    """Run one service call; a domain error is shown in Russian, nothing is raised."""
    try:
        action()
    except DomainError as error:
        show_error(parent, error)
        return False
    return True


def page_label(network_label: str, name: str) -> str:
    """«ВКонтакте · Администрация …»: two pages of one name differ by their network."""
    return f"{network_label} · {name}"


def page_labels(actor: Actor) -> dict[int, str]:
    """Active page id → its label as the section shows it."""
    return {p.id: page_label(p.network_label, p.name) for p in registry.list_pages(actor)}


class PageChooser(QComboBox):
    """The active pages of the registry (or «Все страницы» first, with ``everything``)."""

    def __init__(self, actor: Actor, *, everything: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.everything = everything
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(24)
        self.reload()

    def reload(self) -> None:
        current = self.page_id()
        self.blockSignals(True)
        try:
            self.clear()
            if self.everything:
                self.addItem(self.everything, None)
            for page_id, label in page_labels(self.actor).items():
                self.addItem(label, page_id)
            self.select(current)
        finally:
            self.blockSignals(False)

    def page_id(self) -> int | None:
        data = self.currentData()
        return int(data) if data is not None else None

    def select(self, page_id: int | None) -> None:
        index = self.findData(page_id) if page_id is not None else -1
        if index >= 0:
            self.setCurrentIndex(index)


class FormDialog(QDialog):
    """A dialog of the section: its fields, an inline Russian error that goes as the user corrects
    the input, and «ok_text» / «Отмена»; ``save`` does the service call (usually through ``attempt``)."""

    #: the guide's section about this dialog (F1)
    help_section: str = Section.PAGES

    def __init__(self, parent: QWidget | None, title: str, ok_text: str) -> None:
        super().__init__(parent)
        install_help(self, lambda: self.help_section)
        self.setWindowTitle(title)
        self.error_label = make_error_label()
        self.buttons = ok_cancel(ok_text)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

    @property
    def ok_button(self) -> QAbstractButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def lay_out(self, *parts: QLayout | QWidget) -> QVBoxLayout:
        """The parts from the top, then the error line and the buttons."""
        layout = QVBoxLayout(self)
        for part in parts:
            if isinstance(part, QLayout):
                layout.addLayout(part, 1 if isinstance(part, QFormLayout) else 0)
            else:
                layout.addWidget(part)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        clear_on_edit(self.error_label, self)
        return layout

    def save(self) -> None:
        raise NotImplementedError

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(True)

    def attempt(self, action: Callable[[], object]) -> bool:
        """Run the service call; close on success, say what is wrong otherwise (the input stays)."""
        try:
            action()
        except DomainError as error:
            self.show_error(str(error))
            return False
        self.accept()
        return True


def form_layout(*rows: tuple[str, QWidget | QLayout]) -> QFormLayout:
    """A form whose fields take the dialog's width."""
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    for label, field in rows:
        form.addRow(label, field)
    return form


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    return edit


def moment_edit() -> QDateTimeEdit:
    """Now, as the administration's clock shows it; the user may change it."""
    edit = QDateTimeEdit(QDateTime(local_now()))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy HH:mm")
    return edit


class ReasonDialog(FormDialog):
    """Asks for a short text (why a page goes to the archive, why a plan item is cancelled…);
    ``action`` is called with it and a domain error stays in the dialog."""

    def __init__(self, parent: QWidget | None, title: str, prompt: str, action: Callable[[str], object],
                 ok_text: str = "Сохранить") -> None:
        super().__init__(parent, title, ok_text)
        self.action = action
        self.prompt_label = QLabel(prompt)
        self.prompt_label.setWordWrap(True)
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setMaximumHeight(self.fontMetrics().height() * 6)
        self.lay_out(self.prompt_label, self.text_edit)
        self.resize(480, self.sizeHint().height())

    def save(self) -> None:
        self.attempt(lambda: self.action(self.text_edit.toPlainText()))


def ok_cancel(ok_text: str) -> QDialogButtonBox:
    """«ok_text» and «Отмена» (the buttons of every dialog of the section)."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
    return buttons
