"""The administrator's window: users, units, deputies, topics, schedule, calendar, limits.

Every change goes through ``app.services.admin``; a refusal or a wrong input is shown as the
service's Russian message in the tab's inline error label. The CSV import of the production
calendar runs in a worker thread with a busy indicator.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import QAction, QActionGroup, QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.models.enums import ABSENCE_KIND_LABELS, ROLE_LABELS, UNIT_KIND_LABELS, AbsenceKind, Role, UnitKind
from app.services import admin, calendar_store, settings
from app.services.errors import DomainError, ValidationError
from app.services.permissions import Actor
from app.services.production_calendar import MONTHS_GENITIVE, MONTHS_NOMINATIVE, YearCalendar, is_public_holiday_date
from app.ui.widgets import make_error_label

log = logging.getLogger(__name__)

ModelIndex = QModelIndex | QPersistentModelIndex
T = TypeVar("T")

#: role that returns the ``id`` of a row's record
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: role that returns the ``date`` of a day cell of a month
DATE_ROLE = Qt.ItemDataRole.UserRole + 2

WEEKDAYS = ("Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье")
WEEKDAYS_SHORT = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")
OK_STYLE = "color: #1b5e20;"
MUTED_COLOR = QColor("#808080")
DATE_FORMAT = "dd.MM.yyyy"


HINT_STYLE = "color: #5f6368;"


def _fmt_date(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def make_hint(text: str) -> QLabel:
    """A word-wrapped explanatory line in a muted (but readable) colour."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


# ------------------------------------------------------------------------------------------
# Work off the GUI thread
# ------------------------------------------------------------------------------------------


class TaskSignals(QObject):
    """Signals of a ``BackgroundTask``, delivered on the GUI thread."""

    succeeded = Signal(object)
    failed = Signal(str)


class BackgroundTask(QRunnable):
    """Runs one service call in a worker thread; the result or the Russian error comes back as a signal.

    Create it on the GUI thread (so that ``signals`` lives there) and keep a reference until a
    signal has arrived.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        super().__init__()
        self.fn = fn
        self.args = args
        self.signals = TaskSignals()
        self.setAutoDelete(False)

    def run(self) -> None:
        try:
            result = self.fn(*self.args)
        except DomainError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - the user gets a sentence, the log the traceback
            log.exception("Ошибка в фоновой задаче")
            self.signals.failed.emit(f"Непредвиденная ошибка: {type(exc).__name__}: {exc}")
        else:
            self.signals.succeeded.emit(result)


# ------------------------------------------------------------------------------------------
# Item models
# ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableColumn(Generic[T]):
    """One column of a ``RecordTableModel``: its title and how a record shows in it."""

    title: str
    value: Callable[[T], str]


class RecordTableModel(QAbstractTableModel):
    """A read-only table over the frozen dataclasses a service returned (rows need an ``id``).

    Rows whose record has ``is_active == False`` are drawn in a muted colour.
    """

    def __init__(self, columns: Sequence[TableColumn[Any]], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[Any]:
        return list(self._rows)

    def record(self, row: int) -> Any | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: int) -> int:
        """The row of the record with this id, or -1."""
        for i, rec in enumerate(self._rows):
            if rec.id == record_id:
                return i
        return -1

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)) \
                or not (0 <= index.column() < len(self._columns)):
            return None
        rec = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._columns[index.column()].value(rec)
        if role == ROW_ID_ROLE:
            return rec.id
        if role == Qt.ItemDataRole.ForegroundRole and getattr(rec, "is_active", True) is False:
            return QBrush(MUTED_COLOR)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self._columns):
            return self._columns[section].title
        return None


@dataclass(frozen=True)
class DayStyle:
    """How a kind of day looks in the year grid, and its name in the legend."""

    label: str
    background: str
    foreground: str
    bold: bool = False


DAY_STYLES: dict[str, DayStyle] = {
    "weekend": DayStyle("Выходной", "#fbe3e1", "#a4161a"),
    "holiday": DayStyle("Праздник или перенесённый выходной", "#f4a6a1", "#7a0c10", bold=True),
    "shortened": DayStyle("Сокращённый (на 1 час)", "#ffe08a", "#5c3d00", bold=True),
    "working_weekend": DayStyle("Рабочая суббота (перенос)", "#b9e4c4", "#0f4d1f", bold=True),
}


def day_style_key(cal: YearCalendar, d: date) -> str | None:
    """Which ``DAY_STYLES`` entry a day uses; None for an ordinary working weekday."""
    kind = cal.day_kind(d)
    if kind == "non_working":
        return "weekend" if d.weekday() >= 5 and not is_public_holiday_date(d) else "holiday"
    if kind == "shortened":
        return "shortened"
    return "working_weekend" if d.weekday() >= 5 else None


def day_description(cal: YearCalendar, d: date) -> str:
    """«12 марта 2025, среда: рабочий день» — for tooltips."""
    kind = cal.day_kind(d)
    if kind == "non_working":
        if is_public_holiday_date(d):
            what = "нерабочий праздничный день"
        elif d.weekday() >= 5:
            what = "выходной день"
        else:
            what = "перенесённый выходной день"
    elif kind == "shortened":
        what = "сокращённый предпраздничный день (на 1 час короче)"
    else:
        what = "рабочий день (перенесён с выходного)" if d.weekday() >= 5 else "рабочий день"
    return f"{d.day} {MONTHS_GENITIVE[d.month - 1]} {d.year}, {WEEKDAYS[d.weekday()].lower()}: {what}"


class MonthModel(QAbstractTableModel):
    """One month of a year calendar as a 6 × 7 grid (weeks × weekdays, Monday first)."""

    ROWS = 6

    def __init__(self, month: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.month = month
        self._cal: YearCalendar | None = None
        self._offset = 0
        self._days = 0

    def set_calendar(self, cal: YearCalendar) -> None:
        self.beginResetModel()
        self._cal = cal
        first = date(cal.year, self.month, 1)
        self._offset = first.weekday()
        nxt = date(cal.year + (self.month == 12), self.month % 12 + 1, 1)
        self._days = (nxt - first).days
        self.endResetModel()

    def day_at(self, index: ModelIndex) -> date | None:
        if self._cal is None or not index.isValid():
            return None
        n = index.row() * 7 + index.column() - self._offset + 1
        return date(self._cal.year, self.month, n) if 1 <= n <= self._days else None

    def index_of(self, d: date) -> QModelIndex:
        if self._cal is None or d.year != self._cal.year or d.month != self.month:
            return QModelIndex()
        n = d.day - 1 + self._offset
        return self.index(n // 7, n % 7)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self._cal is None else self.ROWS

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() or self._cal is None else 7

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if self.day_at(index) is None:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        d = self.day_at(index)
        if d is None or self._cal is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return str(d.day)
        if role == DATE_ROLE:
            return d
        if role == Qt.ItemDataRole.ToolTipRole:
            return day_description(self._cal, d)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        key = day_style_key(self._cal, d)
        if key is None:
            return None
        style = DAY_STYLES[key]
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(style.background))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(style.foreground))
        if role == Qt.ItemDataRole.FontRole and style.bold:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < 7:
            if role == Qt.ItemDataRole.DisplayRole:
                return WEEKDAYS_SHORT[section]
            if role == Qt.ItemDataRole.ToolTipRole:
                return WEEKDAYS[section]
        return None


# ------------------------------------------------------------------------------------------
# Common tab machinery
# ------------------------------------------------------------------------------------------


def make_table(model: QAbstractTableModel, stretch_column: int | None = None) -> QTableView:
    """A read-only, single-row-selection table in the style of the queue."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch_column is None)
    if stretch_column is not None:
        header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
    return view


class AdminTab(QWidget):
    """A tab of the administrator's window: an inline error label, an info label, service calls."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.error_label = make_error_label()
        self.info_label = QLabel()
        self.info_label.setStyleSheet(OK_STYLE)
        self.info_label.setWordWrap(True)
        self.info_label.setVisible(False)

    def messages(self) -> QWidget:
        """The two labels, stacked, for the tab's layout."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.error_label)
        layout.addWidget(self.info_label)
        return box

    def show_error(self, text: str) -> None:
        self.info_label.setVisible(False)
        self.error_label.setText(text)
        self.error_label.setVisible(True)

    def show_info(self, text: str) -> None:
        self.error_label.setVisible(False)
        self.info_label.setText(text)
        self.info_label.setVisible(True)

    def clear_messages(self) -> None:
        self.error_label.setVisible(False)
        self.info_label.setVisible(False)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[bool, T | None]:
        """Run a service call; a domain error goes to the error label. Returns (ok, result)."""
        try:
            result = fn(*args, **kwargs)
        except DomainError as exc:
            self.show_error(str(exc))
            return False, None
        self.error_label.setVisible(False)
        return True, result

    def selected_id(self, view: QTableView) -> int | None:
        rows = view.selectionModel().selectedRows()
        return int(rows[0].data(ROW_ID_ROLE)) if rows else None

    def select_id(self, view: QTableView, model: RecordTableModel, record_id: int) -> None:
        row = model.row_of(record_id)
        if row >= 0:
            view.selectRow(row)
            view.scrollTo(model.index(row, 0))

    def refresh(self) -> None:
        """Reload the tab's data from the services."""


# ------------------------------------------------------------------------------------------
# «Пользователи»
# ------------------------------------------------------------------------------------------


class UsersTab(AdminTab):
    """Accounts: the list, and a form to create one or change the selected one."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        self.model = RecordTableModel([
            TableColumn("ФИО", lambda u: u.full_name),
            TableColumn("Логин", lambda u: u.login),
            TableColumn("Должность", lambda u: u.position),
            TableColumn("Роли", lambda u: u.roles_display),
            TableColumn("Отдел", lambda u: u.unit_name or "—"),
            TableColumn("Состояние", lambda u: "активен" if u.is_active else "отключён"),
        ], self)
        self.view = make_table(self.model, stretch_column=4)
        for column, width in ((0, 205), (1, 75), (2, 140), (3, 150), (5, 80)):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.editing_id: int | None = None

        self.login_edit = QLineEdit()
        self.login_edit.setPlaceholderText("латиница, например ivanov")
        self.full_name_edit = QLineEdit()
        self.position_edit = QLineEdit()
        self.role_boxes: dict[Role, QCheckBox] = {}
        roles_box = QWidget()
        roles_layout = QVBoxLayout(roles_box)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        roles_layout.setSpacing(2)
        for role in (Role.CURATOR, Role.EXECUTOR, Role.RESPONSIBLE, Role.HEAD, Role.ADMIN):
            box = QCheckBox(ROLE_LABELS[role])
            self.role_boxes[role] = box
            roles_layout.addWidget(box)
        self.unit_combo = QComboBox()
        self.active_box = QCheckBox("Учётная запись активна")
        self.active_box.setChecked(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_repeat_edit = QLineEdit()
        self.password_repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)

        form = QFormLayout()
        form.addRow("Логин:", self.login_edit)
        form.addRow("ФИО:", self.full_name_edit)
        form.addRow("Должность:", self.position_edit)
        form.addRow("Роли:", roles_box)
        form.addRow("Отдел:", self.unit_combo)
        form.addRow("", self.active_box)
        form.addRow("Пароль:", self.password_edit)
        form.addRow("Повтор пароля:", self.password_repeat_edit)

        self.new_button = QPushButton("Новый пользователь")
        self.save_button = QPushButton("Сохранить")
        self.save_button.setDefault(True)
        self.password_button = QPushButton("Задать пароль")
        self.password_button.setToolTip("Задать выбранному пользователю пароль из полей «Пароль» и «Повтор пароля»")
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.password_button.clicked.connect(self.set_password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.password_button)

        self.form_box = QGroupBox("Новый пользователь")
        right = QVBoxLayout(self.form_box)
        right.addLayout(form)
        right.addLayout(buttons)
        right.addWidget(self.messages())
        right.addStretch(1)
        self.form_box.setFixedWidth(390)

        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.form_box)
        self.refresh()
        self.start_new()

    def refresh(self) -> None:
        ok, units = self.call(admin.list_units, self.actor)
        current = self.unit_combo.currentData()
        self.unit_combo.clear()
        self.unit_combo.addItem("— не указан —", None)
        for unit in units or []:
            self.unit_combo.addItem(unit.name if unit.is_active else f"{unit.name} (отключено)", unit.id)
        self._select_unit(current)
        ok, rows = self.call(admin.list_users, self.actor)
        if ok and rows is not None:
            self.model.set_rows(rows)
            if self.editing_id is not None:
                self.select_id(self.view, self.model, self.editing_id)

    def _select_unit(self, unit_id: int | None) -> None:
        i = self.unit_combo.findData(unit_id)
        self.unit_combo.setCurrentIndex(max(i, 0))

    def start_new(self) -> None:
        """Empty the form for a new account."""
        self.view.clearSelection()
        self.editing_id = None
        self.form_box.setTitle("Новый пользователь")
        self.login_edit.setReadOnly(False)
        for edit in (self.login_edit, self.full_name_edit, self.position_edit,
                     self.password_edit, self.password_repeat_edit):
            edit.clear()
        for box in self.role_boxes.values():
            box.setChecked(False)
        self.role_boxes[Role.EXECUTOR].setChecked(True)
        self._select_unit(None)
        self.active_box.setChecked(True)
        self.active_box.setEnabled(False)
        self.password_button.setEnabled(False)
        self.clear_messages()

    def _on_selection(self) -> None:
        user_id = self.selected_id(self.view)
        if user_id is None:
            return
        user = self.model.record(self.model.row_of(user_id))
        self.editing_id = user.id
        self.form_box.setTitle(f"Пользователь «{user.login}»")
        self.login_edit.setText(user.login)
        self.login_edit.setReadOnly(True)
        self.full_name_edit.setText(user.full_name)
        self.position_edit.setText(user.position)
        for role, box in self.role_boxes.items():
            box.setChecked(user.has(role))
        self._select_unit(user.unit_id)
        self.active_box.setChecked(user.is_active)
        self.active_box.setEnabled(True)
        self.password_edit.clear()
        self.password_repeat_edit.clear()
        self.password_button.setEnabled(True)
        self.clear_messages()

    def _roles(self) -> list[Role]:
        return [role for role, box in self.role_boxes.items() if box.isChecked()]

    def _passwords(self) -> str | None:
        password = self.password_edit.text()
        if password != self.password_repeat_edit.text():
            self.show_error("Пароли не совпадают")
            return None
        return password

    def save(self) -> None:
        """Create the account or save the changes of the selected one."""
        if self.editing_id is None:
            password = self._passwords()
            if password is None:
                return
            ok, user = self.call(admin.create_user, self.actor, login=self.login_edit.text(),
                                 full_name=self.full_name_edit.text(), password=password, roles=self._roles(),
                                 unit_id=self.unit_combo.currentData(), position=self.position_edit.text())
            message = "Пользователь создан"
        else:
            ok, user = self.call(admin.update_user, self.actor, self.editing_id,
                                 full_name=self.full_name_edit.text(), position=self.position_edit.text(),
                                 roles=self._roles(), unit_id=self.unit_combo.currentData(),
                                 is_active=self.active_box.isChecked())
            message = "Изменения сохранены"
        if not ok or user is None:
            return
        self.refresh()
        self.select_id(self.view, self.model, user.id)
        self.show_info(f"{message}: {user.full_name}")

    def set_password(self) -> None:
        """Give the selected user the password typed in the form."""
        if self.editing_id is None:
            return
        password = self._passwords()
        if password is None:
            return
        ok, _ = self.call(admin.reset_password, self.actor, self.editing_id, password)
        if ok:
            self.password_edit.clear()
            self.password_repeat_edit.clear()
            self.show_info("Пароль изменён")


# ------------------------------------------------------------------------------------------
# «Отделы и учреждения»
# ------------------------------------------------------------------------------------------


class UnitsTab(AdminTab):
    """Departments and subordinate institutions: add, rename, switch off or on."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        self.model = RecordTableModel([
            TableColumn("Название", lambda u: u.name),
            TableColumn("Краткое название", lambda u: u.short_name),
            TableColumn("Вид", lambda u: u.kind_label),
            TableColumn("Сотрудников", lambda u: str(u.user_count)),
            TableColumn("Состояние", lambda u: "действует" if u.is_active else "отключено"),
        ], self)
        self.view = make_table(self.model, stretch_column=0)
        for column, width in ((1, 170), (2, 210), (3, 100), (4, 100)):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)

        self.name_edit = QLineEdit()
        self.short_name_edit = QLineEdit()
        self.short_name_edit.setMaxLength(64)
        self.kind_combo = QComboBox()
        for kind in UnitKind:
            self.kind_combo.addItem(UNIT_KIND_LABELS[kind], kind.value)
        form = QFormLayout()
        form.addRow("Название:", self.name_edit)
        form.addRow("Краткое название:", self.short_name_edit)
        form.addRow("Вид:", self.kind_combo)

        self.add_button = QPushButton("Добавить")
        self.rename_button = QPushButton("Переименовать")
        self.toggle_button = QPushButton("Отключить")
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        self.toggle_button.clicked.connect(self.toggle_active)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.rename_button, self.toggle_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.messages())
        self.refresh()
        self._update_buttons()

    def refresh(self) -> None:
        ok, rows = self.call(admin.list_units, self.actor)
        if ok and rows is not None:
            self.model.set_rows(rows)
        self._update_buttons()

    def _selected(self) -> admin.AdminUnit | None:
        unit_id = self.selected_id(self.view)
        return None if unit_id is None else self.model.record(self.model.row_of(unit_id))

    def _update_buttons(self) -> None:
        unit = self._selected()
        self.rename_button.setEnabled(unit is not None)
        self.toggle_button.setEnabled(unit is not None)
        self.toggle_button.setText("Включить" if unit is not None and not unit.is_active else "Отключить")

    def _on_selection(self) -> None:
        unit = self._selected()
        if unit is not None:
            self.name_edit.setText(unit.name)
            self.short_name_edit.setText(unit.short_name)
            self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(unit.kind), 0))
        self.clear_messages()
        self._update_buttons()

    def _after(self, unit: admin.AdminUnit | None, message: str) -> None:
        if unit is None:
            return
        self.refresh()
        self.select_id(self.view, self.model, unit.id)
        self.show_info(f"{message}: {unit.name}")

    def add(self) -> None:
        ok, unit = self.call(admin.create_unit, self.actor, self.name_edit.text(),
                             self.kind_combo.currentData(), self.short_name_edit.text())
        if ok:
            self._after(unit, "Добавлено")

    def rename(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        ok, unit = self.call(admin.rename_unit, self.actor, selected.id, self.name_edit.text(),
                             self.short_name_edit.text())
        if ok:
            self._after(unit, "Сохранено")

    def toggle_active(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        ok, unit = self.call(admin.set_unit_active, self.actor, selected.id, not selected.is_active)
        if ok:
            self._after(unit, "Включено" if not selected.is_active else "Отключено")


# ------------------------------------------------------------------------------------------
# «Замещения» (clause 8)
# ------------------------------------------------------------------------------------------


class AbsencesTab(AdminTab):
    """Absences of executors and the deputies who act for them meanwhile (clause 8)."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        self.model = RecordTableModel([
            TableColumn("Отсутствует", lambda a: a.user_name),
            TableColumn("Замещает", lambda a: a.deputy_name),
            TableColumn("Причина", lambda a: a.kind_label),
            TableColumn("С", lambda a: _fmt_date(a.starts_on)),
            TableColumn("По", lambda a: _fmt_date(a.ends_on)),
            TableColumn("Комментарий", lambda a: a.comment),
        ], self)
        self.view = make_table(self.model, stretch_column=5)
        for column, width in ((0, 240), (1, 240), (2, 120), (3, 90), (4, 90)):
            self.view.setColumnWidth(column, width)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.show_past_box = QCheckBox("Показывать прошедшие")
        self.show_past_box.toggled.connect(self.refresh)

        self.user_combo = QComboBox()
        self.deputy_combo = QComboBox()
        self.kind_combo = QComboBox()
        for kind in AbsenceKind:
            self.kind_combo.addItem(ABSENCE_KIND_LABELS[kind], kind.value)
        today = QDate.currentDate()
        self.starts_edit = QDateEdit(today)
        self.ends_edit = QDateEdit(today.addDays(13))
        for edit in (self.starts_edit, self.ends_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(DATE_FORMAT)
        self.starts_edit.dateChanged.connect(self._keep_order)
        self.comment_edit = QLineEdit()
        self.comment_edit.setPlaceholderText("например, номер приказа")

        period = QHBoxLayout()
        period.addWidget(QLabel("с"))
        period.addWidget(self.starts_edit)
        period.addWidget(QLabel("по"))
        period.addWidget(self.ends_edit)
        period.addStretch(1)
        form = QFormLayout()
        form.addRow("Отсутствует:", self.user_combo)
        form.addRow("Замещает:", self.deputy_combo)
        form.addRow("Причина:", self.kind_combo)
        form.addRow("Период:", period)
        form.addRow("Комментарий:", self.comment_edit)

        self.add_button = QPushButton("Добавить замещение")
        self.delete_button = QPushButton("Удалить выбранное")
        self.add_button.clicked.connect(self.add)
        self.delete_button.clicked.connect(self.delete_selected)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.delete_button)
        list_buttons.addStretch(1)
        list_buttons.addWidget(self.show_past_box)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        new_box = QGroupBox("Новое замещение")
        new_layout = QVBoxLayout(new_box)
        new_layout.addLayout(form)
        new_layout.addLayout(add_row)

        layout = QVBoxLayout(self)
        layout.addWidget(make_hint("На время отсутствия исполнителя его поручения выполняет заместитель "
                                   "(п. 8 Порядка). Заместителем может быть только исполнитель."))
        layout.addWidget(self.view, 1)
        layout.addLayout(list_buttons)
        layout.addWidget(new_box)
        layout.addWidget(self.messages())
        self.refresh()

    def _keep_order(self, start: QDate) -> None:
        if self.ends_edit.date() < start:
            self.ends_edit.setDate(start)

    def refresh(self) -> None:
        since = None if self.show_past_box.isChecked() else date.today()
        ok, rows = self.call(admin.list_absences, self.actor, since=since)
        if ok and rows is not None:
            self.model.set_rows(rows)
        ok, people = self.call(admin.list_users, self.actor)
        active = [u for u in people or [] if u.is_active]
        for combo, candidates in ((self.user_combo, active),
                                  (self.deputy_combo, [u for u in active if u.has(Role.EXECUTOR)])):
            current = combo.currentData()
            combo.clear()
            for u in candidates:
                combo.addItem(f"{u.full_name} — {u.unit_name}" if u.unit_name else u.full_name, u.id)
            combo.setCurrentIndex(max(combo.findData(current), 0))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(self.selected_id(self.view) is not None)

    def add(self) -> None:
        if self.user_combo.currentData() is None or self.deputy_combo.currentData() is None:
            self.show_error("Выберите отсутствующего сотрудника и заместителя")
            return
        ok, absence = self.call(admin.add_absence, self.actor, user_id=self.user_combo.currentData(),
                                deputy_id=self.deputy_combo.currentData(), kind=self.kind_combo.currentData(),
                                starts_on=self.starts_edit.date().toPython(),
                                ends_on=self.ends_edit.date().toPython(), comment=self.comment_edit.text())
        if not ok or absence is None:
            return
        self.comment_edit.clear()
        self.refresh()
        self.select_id(self.view, self.model, absence.id)
        self.show_info(f"Замещение добавлено: {absence.user_name} → {absence.deputy_name}, "
                       f"{_fmt_date(absence.starts_on)}–{_fmt_date(absence.ends_on)}")

    def confirm(self, text: str) -> bool:
        """Ask a yes/no question (a method, so that tests can answer it)."""
        answer = QMessageBox.question(self, "Удаление замещения", text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> None:
        absence_id = self.selected_id(self.view)
        if absence_id is None:
            return
        absence = self.model.record(self.model.row_of(absence_id))
        if not self.confirm(f"Удалить замещение: {absence.user_name} → {absence.deputy_name}, "
                            f"{_fmt_date(absence.starts_on)}–{_fmt_date(absence.ends_on)}?"):
            return
        ok, _ = self.call(admin.delete_absence, self.actor, absence_id)
        if ok:
            self.refresh()
            self.show_info("Замещение удалено")


# ------------------------------------------------------------------------------------------
# «Темы»
# ------------------------------------------------------------------------------------------


class TopicsTab(AdminTab):
    """Topic groups, their topics, and the locations the curator picks at triage (clause 10)."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        self.group_model = RecordTableModel([
            TableColumn("Группа тем", lambda g: g.name),
            TableColumn("Тем", lambda g: str(g.topic_count)),
        ], self)
        self.group_view = make_table(self.group_model, stretch_column=0)
        self.group_view.setColumnWidth(1, 60)
        self.group_view.selectionModel().selectionChanged.connect(self._on_group_selected)
        self.group_edit = QLineEdit()
        self.group_edit.setPlaceholderText("Название группы")
        self.add_group_button = QPushButton("Добавить группу")
        self.rename_group_button = QPushButton("Переименовать")
        self.add_group_button.clicked.connect(self.add_group)
        self.rename_group_button.clicked.connect(self.rename_group)

        self.topic_model = RecordTableModel([
            TableColumn("Тема", lambda t: t.name),
            TableColumn("Состояние", lambda t: "используется" if t.is_active else "скрыта"),
        ], self)
        self.topic_view = make_table(self.topic_model, stretch_column=0)
        self.topic_view.setColumnWidth(1, 110)
        self.topic_view.selectionModel().selectionChanged.connect(self._on_topic_selected)
        self.topic_edit = QLineEdit()
        self.topic_edit.setPlaceholderText("Название темы")
        self.add_topic_button = QPushButton("Добавить тему")
        self.rename_topic_button = QPushButton("Переименовать")
        self.toggle_topic_button = QPushButton("Скрыть")
        self.add_topic_button.clicked.connect(self.add_topic)
        self.rename_topic_button.clicked.connect(self.rename_topic)
        self.toggle_topic_button.clicked.connect(self.toggle_topic)

        self.location_model = RecordTableModel([
            TableColumn("Место", lambda loc: loc.name),
            TableColumn("Вид", lambda loc: loc.kind_label),
        ], self)
        self.location_view = make_table(self.location_model, stretch_column=0)
        self.location_view.setColumnWidth(1, 130)
        self.location_edit = QLineEdit()
        self.location_edit.setPlaceholderText("Например, ул. Красная")
        self.location_kind_combo = QComboBox()
        for code, label in admin.LOCATION_KIND_LABELS.items():
            self.location_kind_combo.addItem(label, code)
        self.add_location_button = QPushButton("Добавить место")
        self.add_location_button.clicked.connect(self.add_location)

        def column(title: str, view: QTableView, edit: QWidget, buttons: list[QWidget]) -> QGroupBox:
            box = QGroupBox(title)
            layout = QVBoxLayout(box)
            layout.addWidget(view, 1)
            layout.addWidget(edit)
            row = QHBoxLayout()
            for b in buttons:
                row.addWidget(b)
            row.addStretch(1)
            layout.addLayout(row)
            return box

        self.topics_box = column("Темы группы", self.topic_view, self.topic_edit,
                                 [self.add_topic_button, self.rename_topic_button, self.toggle_topic_button])
        location_row = QWidget()
        location_layout = QHBoxLayout(location_row)
        location_layout.setContentsMargins(0, 0, 0, 0)
        location_layout.addWidget(self.location_edit, 1)
        location_layout.addWidget(self.location_kind_combo)
        columns = QHBoxLayout()
        columns.addWidget(column("Группы тем", self.group_view, self.group_edit,
                                 [self.add_group_button, self.rename_group_button]), 1)
        columns.addWidget(self.topics_box, 1)
        columns.addWidget(column("Места (улицы, микрорайоны)", self.location_view, location_row,
                                 [self.add_location_button]), 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.messages())
        self.refresh()

    def refresh(self) -> None:
        group_id = self._group_id()
        ok, groups = self.call(admin.list_topic_groups, self.actor)
        if ok and groups is not None:
            self.group_model.set_rows(groups)
        if group_id is not None:
            self.select_id(self.group_view, self.group_model, group_id)
        elif self.group_model.rowCount():
            self.group_view.selectRow(0)
        self._load_topics()
        ok, locations = self.call(admin.list_locations, self.actor)
        if ok and locations is not None:
            self.location_model.set_rows(locations)

    def _group_id(self) -> int | None:
        return self.selected_id(self.group_view)

    def _load_topics(self) -> None:
        group_id = self._group_id()
        topic_id = self.selected_id(self.topic_view)
        if group_id is None:
            self.topic_model.set_rows([])
            self.topics_box.setTitle("Темы группы")
        else:
            group = self.group_model.record(self.group_model.row_of(group_id))
            self.topics_box.setTitle(f"Темы группы «{group.name}»")
            ok, topics = self.call(admin.list_topics, self.actor, group_id)
            self.topic_model.set_rows(topics or [])
            if topic_id is not None:
                self.select_id(self.topic_view, self.topic_model, topic_id)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has_group = self._group_id() is not None
        topic = self._topic()
        self.rename_group_button.setEnabled(has_group)
        self.add_topic_button.setEnabled(has_group)
        self.rename_topic_button.setEnabled(topic is not None)
        self.toggle_topic_button.setEnabled(topic is not None)
        self.toggle_topic_button.setText("Показать" if topic is not None and not topic.is_active else "Скрыть")

    def _topic(self) -> admin.AdminTopic | None:
        topic_id = self.selected_id(self.topic_view)
        return None if topic_id is None else self.topic_model.record(self.topic_model.row_of(topic_id))

    def _on_group_selected(self) -> None:
        group_id = self._group_id()
        if group_id is not None:
            self.group_edit.setText(self.group_model.record(self.group_model.row_of(group_id)).name)
        self._load_topics()

    def _on_topic_selected(self) -> None:
        topic = self._topic()
        if topic is not None:
            self.topic_edit.setText(topic.name)
        self._update_buttons()

    def add_group(self) -> None:
        ok, group = self.call(admin.create_topic_group, self.actor, self.group_edit.text())
        if ok and group is not None:
            self.refresh()
            self.select_id(self.group_view, self.group_model, group.id)
            self.topic_edit.clear()
            self.show_info(f"Группа тем добавлена: {group.name}")

    def rename_group(self) -> None:
        group_id = self._group_id()
        if group_id is None:
            return
        ok, group = self.call(admin.rename_topic_group, self.actor, group_id, self.group_edit.text())
        if ok and group is not None:
            self.refresh()
            self.show_info(f"Группа тем переименована: {group.name}")

    def add_topic(self) -> None:
        group_id = self._group_id()
        if group_id is None:
            return
        ok, topic = self.call(admin.create_topic, self.actor, group_id, self.topic_edit.text())
        if ok and topic is not None:
            self.refresh()
            self.select_id(self.topic_view, self.topic_model, topic.id)
            self.show_info(f"Тема добавлена: {topic.name}")

    def rename_topic(self) -> None:
        topic = self._topic()
        if topic is None:
            return
        ok, renamed = self.call(admin.rename_topic, self.actor, topic.id, self.topic_edit.text())
        if ok and renamed is not None:
            self.refresh()
            self.show_info(f"Тема переименована: {renamed.name}")

    def toggle_topic(self) -> None:
        topic = self._topic()
        if topic is None:
            return
        ok, changed = self.call(admin.set_topic_active, self.actor, topic.id, not topic.is_active)
        if ok and changed is not None:
            self.refresh()
            self.show_info(f"Тема «{changed.name}» " + ("снова используется" if changed.is_active else "скрыта"))

    def add_location(self) -> None:
        ok, loc = self.call(admin.create_location, self.actor, self.location_edit.text(),
                            self.location_kind_combo.currentData())
        if ok and loc is not None:
            self.location_edit.clear()
            self.refresh()
            self.select_id(self.location_view, self.location_model, loc.id)
            self.show_info(f"Место добавлено: {loc.name}")


# ------------------------------------------------------------------------------------------
# «График работы»
# ------------------------------------------------------------------------------------------

_PERIOD_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})\s*$")
DAY_OFF_WORDS = frozenset({"", "-", "–", "—", "выходной"})


def parse_periods(text: str) -> list[tuple[time, time]]:
    """«09:00–13:00, 14:00–18:00» → periods; «выходной» or empty → none. ValueError in Russian."""
    if text.strip().casefold() in DAY_OFF_WORDS:
        return []
    result = []
    for chunk in re.split(r"[,;]", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        m = _PERIOD_RE.match(chunk)
        if m is None:
            raise ValueError(f"непонятный период «{chunk}»: пишите, например, 09:00–13:00")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(f"неверное время в периоде «{chunk}»")
        start, end = time(h1, m1), time(h2, m2)
        if end <= start:
            raise ValueError(f"период «{chunk}» заканчивается раньше, чем начинается")
        result.append((start, end))
    return sorted(result)


def format_periods(periods: Sequence[tuple[time, time]]) -> str:
    """Periods as the schedule field shows them; «выходной» for none."""
    if not periods:
        return "выходной"
    return ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in periods)


def _minutes(periods: Sequence[tuple[time, time]]) -> int:
    return sum((b.hour * 60 + b.minute) - (a.hour * 60 + a.minute) for a, b in periods)


def format_hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} ч" + (f" {rest:02d} мин" if rest else "")


class ScheduleTab(AdminTab):
    """The administration's working hours for each weekday (saved with ``set_work_schedule``)."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        intro = make_hint("Рабочие периоды каждого дня недели по местному времени администрации, через "
                          "запятую, например «09:00–13:00, 14:00–18:00». Пустое поле или «выходной» — "
                          "нерабочий день. Предпраздничный день короче на 1 час, рабочие субботы идут по "
                          "графику понедельника.")
        grid = QGridLayout()
        self.day_edits: list[QLineEdit] = []
        self.day_totals: list[QLabel] = []
        for i, name in enumerate(WEEKDAYS):
            edit = QLineEdit()
            edit.setPlaceholderText("выходной")
            edit.textChanged.connect(self._update_totals)
            total = QLabel()
            total.setMinimumWidth(140)
            grid.addWidget(QLabel(f"{name}:"), i, 0)
            grid.addWidget(edit, i, 1)
            grid.addWidget(total, i, 2)
            self.day_edits.append(edit)
            self.day_totals.append(total)
        grid.setColumnStretch(1, 1)
        self.week_total_label = QLabel()
        self.standard_button = QPushButton("Стандартный график")
        self.standard_button.setToolTip("Понедельник–пятница 09:00–18:00, обед 13:00–14:00")
        self.save_button = QPushButton("Сохранить график")
        self.standard_button.clicked.connect(self.fill_standard)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.week_total_label)
        buttons.addStretch(1)
        buttons.addWidget(self.standard_button)
        buttons.addWidget(self.save_button)

        inner = QWidget()
        inner.setMaximumWidth(820)
        layout = QVBoxLayout(inner)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        layout.addWidget(self.messages())
        layout.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addWidget(inner, 1)
        outer.addStretch(0)
        self.refresh()

    def refresh(self) -> None:
        ok, current = self.call(calendar_store.schedule)
        if ok and current is not None:
            for edit, periods in zip(self.day_edits, current.weekdays, strict=True):
                edit.setText(format_periods(periods) if periods else "")
        self._update_totals()

    def fill_standard(self) -> None:
        for i, edit in enumerate(self.day_edits):
            edit.setText("09:00–13:00, 14:00–18:00" if i < 5 else "")

    def _update_totals(self) -> None:
        week = 0
        for edit, label in zip(self.day_edits, self.day_totals, strict=True):
            try:
                periods = parse_periods(edit.text())
            except ValueError:
                label.setText("ошибка в записи")
                label.setStyleSheet("color: #b00020;")
                continue
            label.setStyleSheet("")
            minutes = _minutes(periods)
            week += minutes
            label.setText(format_hours(minutes) if minutes else "выходной")
        self.week_total_label.setText(f"Всего в неделю: {format_hours(week)}")

    def periods(self) -> dict[int, list[tuple[time, time]]] | None:
        """The periods typed in, or None (with the error shown) if a field cannot be read."""
        result: dict[int, list[tuple[time, time]]] = {}
        for i, edit in enumerate(self.day_edits):
            try:
                periods = parse_periods(edit.text())
            except ValueError as exc:
                self.show_error(f"{WEEKDAYS[i]}: {exc}")
                edit.setFocus()
                return None
            if periods:
                result[i] = periods
        return result

    def save(self) -> None:
        periods = self.periods()
        if periods is None:
            return
        ok, _ = self.call(admin.set_work_schedule, self.actor, periods)
        if ok:
            self.refresh()
            self.show_info("График работы сохранён: новые сроки считаются по нему на всех компьютерах")


# ------------------------------------------------------------------------------------------
# «Производственный календарь»
# ------------------------------------------------------------------------------------------


class MonthView(QTableView):
    """A mini-calendar of one month: fixed-size cells, coloured by the kind of day."""

    def __init__(self, month: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.month_model = MonthModel(month, self)
        self.setModel(self.month_model)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setShowGrid(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.verticalHeader().setVisible(False)
        fm = self.fontMetrics()
        self.cell_width = fm.horizontalAdvance("888") + 8
        self.cell_height = fm.height() + 6
        for header, size in ((self.horizontalHeader(), self.cell_width), (self.verticalHeader(), self.cell_height)):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
            header.setDefaultSectionSize(size)
            header.setMinimumSectionSize(size)
        self.horizontalHeader().setHighlightSections(False)
        self.horizontalHeader().setFixedHeight(self.cell_height)
        self.setFixedSize(7 * self.cell_width, self.cell_height * (MonthModel.ROWS + 1))

    def set_calendar(self, cal: YearCalendar) -> None:
        self.month_model.set_calendar(cal)


class CalendarTab(AdminTab):
    """A year of the production calendar: 12 month grids, day edits, confirmation, CSV import."""

    #: emitted after an import finished (with the years) — for tests and for the window
    import_finished = Signal(list)

    def __init__(self, actor: Actor, parent: QWidget | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(actor, parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._task: BackgroundTask | None = None
        self.calendar: YearCalendar | None = None
        self.day_menu: QMenu | None = None

        self.year_spin = QSpinBox()
        self.year_spin.setRange(2000, 2100)
        self.year_spin.setKeyboardTracking(False)
        self.year_spin.setValue(date.today().year)
        self.year_spin.valueChanged.connect(lambda _year: self.refresh())
        self.import_button = QPushButton("Импорт CSV…")
        self.import_button.setToolTip("Загрузить производственный календарь из файла открытых данных (CSV)")
        self.import_button.clicked.connect(self.choose_and_import)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: the importer does not report steps
        self.progress.setTextVisible(False)
        self.progress.setMaximumWidth(160)
        self.progress.setVisible(False)
        self.progress_label = QLabel("Импорт календаря…")
        self.progress_label.setVisible(False)
        top = QHBoxLayout()
        top.addWidget(QLabel("Год:"))
        top.addWidget(self.year_spin)
        top.addSpacing(12)
        self.source_label = QLabel()
        top.addWidget(self.source_label)
        top.addStretch(1)
        top.addWidget(self.progress_label)
        top.addWidget(self.progress)
        top.addWidget(self.import_button)

        self.confirm_label = QLabel()
        self.confirm_label.setWordWrap(True)
        self.confirm_label.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.confirm_button = QPushButton("Подтвердить")
        self.confirm_button.clicked.connect(self.confirm_year)
        self.confirm_row = QFrame()
        self.confirm_row.setObjectName("confirmRow")
        confirm_layout = QHBoxLayout(self.confirm_row)
        confirm_layout.setContentsMargins(8, 4, 8, 4)
        confirm_layout.addWidget(self.confirm_label, 1)
        confirm_layout.addWidget(self.confirm_button)
        self.confirm_row.setStyleSheet("#confirmRow { background: #fff4d6; border: 1px solid #f0c36d; "
                                       "border-radius: 4px; }")
        self.confirm_row.setVisible(False)

        self.month_views: list[MonthView] = []
        grid_widget = QWidget()
        grid = QGridLayout(grid_widget)
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        for month in range(1, 13):
            view = MonthView(month)
            view.clicked.connect(lambda index, v=view: self._on_day_clicked(v, index))
            title = QLabel(f"<b>{MONTHS_NOMINATIVE[month - 1]}</b>")
            title.setAlignment(Qt.AlignmentFlag.AlignCenter)
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(title)
            cell.addWidget(view)
            grid.addLayout(cell, (month - 1) // 4, (month - 1) % 4)
            self.month_views.append(view)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        centred = QWidget()
        centred_layout = QHBoxLayout(centred)
        centred_layout.addStretch(1)
        centred_layout.addWidget(grid_widget)
        centred_layout.addStretch(1)
        scroll.setWidget(centred)

        legend = QHBoxLayout()
        for style in DAY_STYLES.values():
            swatch = QLabel(" 7 ")
            swatch.setStyleSheet(f"background: {style.background}; color: {style.foreground}; "
                                 f"border: 1px solid #c0c0c0; padding: 0 3px;"
                                 + (" font-weight: bold;" if style.bold else ""))
            legend.addWidget(swatch)
            legend.addWidget(QLabel(style.label))
            legend.addSpacing(12)
        legend.addStretch(1)
        hint = make_hint("Щёлкните день, чтобы сделать его рабочим, сокращённым или нерабочим.")

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.stored_label = make_hint("")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.confirm_row)
        layout.addWidget(scroll, 1)
        layout.addLayout(legend)
        layout.addWidget(hint)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.stored_label)
        layout.addWidget(self.messages())
        self.refresh()

    # --- showing a year ---------------------------------------------------------------------

    def refresh(self) -> None:
        year = self.year_spin.value()
        ok, cal = self.call(calendar_store.year_calendar, year)
        if not ok or cal is None:
            return
        self.show_calendar(cal)
        ok, stored = self.call(admin.list_calendar_years, self.actor)
        if ok:
            if stored:
                self.stored_label.setText("Хранятся в базе данных: " + "; ".join(
                    f"{y.year} — {y.source_label}" + (" (требует проверки)" if y.needs_confirmation else "")
                    for y in stored))
            else:
                self.stored_label.setText("В базе данных нет сохранённых лет: используется встроенный календарь")

    def show_calendar(self, cal: YearCalendar) -> None:
        self.calendar = cal
        for view in self.month_views:
            view.set_calendar(cal)
        self.source_label.setText(f"Источник: {admin.CALENDAR_SOURCE_LABELS.get(cal.source, cal.source)}")
        norm = f"{cal.norm_hours(40):g}".replace(".", ",")
        self.summary_label.setText(
            f"<b>{cal.year} год:</b> рабочих дней — <b>{cal.working_days_count()}</b>, "
            f"выходных и праздничных — {cal.non_working_days_count()}, сокращённых — {len(cal.shortened)}, "
            f"рабочих суббот — {len(cal.working_saturdays)}; норма рабочего времени при 40-часовой неделе — "
            f"<b>{norm} ч</b>")
        self.confirm_row.setVisible(cal.needs_confirmation)
        if cal.needs_confirmation:
            how = "рассчитан автоматически" if cal.source == "derived" else "не сверен с официальной публикацией"
            self.confirm_label.setText(
                f"Календарь на {cal.year} год {how} и требует проверки: сверьте его с постановлением "
                "Правительства РФ о переносе выходных дней и нажмите «Подтвердить».")

    def working_days(self) -> int:
        return self.calendar.working_days_count() if self.calendar else 0

    # --- editing days -----------------------------------------------------------------------

    def _on_day_clicked(self, view: MonthView, index: QModelIndex) -> None:
        day = view.month_model.day_at(index)
        if day is None:
            return
        self.day_menu = self.make_day_menu(day)
        self.day_menu.popup(view.viewport().mapToGlobal(view.visualRect(index).bottomLeft() + QPoint(0, 2)))

    def make_day_menu(self, day: date) -> QMenu:
        """The «Рабочий / Сокращённый / Нерабочий» menu of a day (current kind checked)."""
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        title = menu.addAction(f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year}")
        title.setEnabled(False)
        menu.addSeparator()
        group = QActionGroup(menu)
        current = self.calendar.day_kind(day) if self.calendar else None
        for kind, label in (("working", "Рабочий"), ("shortened", "Сокращённый"), ("non_working", "Нерабочий")):
            action = QAction(label, menu)
            action.setCheckable(True)
            action.setChecked(kind == current)
            action.setData(kind)
            group.addAction(action)
            menu.addAction(action)
            action.triggered.connect(lambda _checked=False, k=kind: self.set_day(day, k))
        return menu

    def set_day(self, day: date, kind: str) -> None:
        if self.calendar is not None and self.calendar.day_kind(day) == kind:
            return
        ok, cal = self.call(admin.set_calendar_day, self.actor, day, kind)
        if ok and cal is not None:
            self.refresh()
            names = {"working": "рабочим", "shortened": "сокращённым", "non_working": "нерабочим"}
            self.show_info(f"{day.day} {MONTHS_GENITIVE[day.month - 1]} {day.year} теперь считается "
                           f"{names[kind]} днём")

    def confirm_year(self) -> None:
        ok, cal = self.call(admin.confirm_calendar_year, self.actor, self.year_spin.value())
        if ok and cal is not None:
            self.refresh()
            self.show_info(f"Календарь на {cal.year} год подтверждён")

    # --- CSV import -------------------------------------------------------------------------

    @property
    def import_running(self) -> bool:
        return self._task is not None

    def choose_and_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Импорт производственного календаря", "",
            "Производственный календарь (*.csv);;Все файлы (*)")
        if path:
            self.start_import(Path(path))

    def start_import(self, path: Path) -> None:
        """Import the file in a worker thread; the tab stays responsive and shows a busy bar."""
        if self._task is not None:
            return
        self.clear_messages()
        task = BackgroundTask(_read_and_import, self.actor, path)
        task.signals.succeeded.connect(self._import_succeeded)
        task.signals.failed.connect(self._import_failed)
        self._task = task
        self._set_busy(True)
        self.pool.start(task)

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        self.progress_label.setVisible(busy)
        self.import_button.setEnabled(not busy)

    def _import_succeeded(self, years: list[int]) -> None:
        self._task = None
        self._set_busy(False)
        if self.year_spin.value() not in years and years:
            self.year_spin.setValue(years[0])  # refreshes
        else:
            self.refresh()
        self.show_info("Календарь импортирован: " + ", ".join(f"{y} год" for y in years))
        self.import_finished.emit(list(years))

    def _import_failed(self, message: str) -> None:
        self._task = None
        self._set_busy(False)
        self.show_error(message)
        self.import_finished.emit([])


def _read_and_import(actor: Actor, path: Path) -> list[int]:
    """Worker-thread body of the import: read the file, hand it to the service."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"Не удаётся прочитать файл «{path}»: {exc.strerror or exc}") from None
    return admin.import_calendar_csv(actor, data)


# ------------------------------------------------------------------------------------------
# «Сроки регламента»
# ------------------------------------------------------------------------------------------


#: what each limit times, who acts and from when (the row's tooltip)
LIMIT_TIPS = {
    "routing": "Куратор указывает тему и место и направляет инцидент исполнителю — с момента выявления (п. 10)",
    "competence_notice": "Исполнитель сообщает куратору, что вопрос не в полномочиях его отдела или учреждения, — "
                         "с момента поступления инцидента (п. 11)",
    "rerouting": "Куратор направляет инцидент в другой отдел после такого сообщения (п. 11)",
    "clarification": "Исполнитель готовит запрос (уточнение) — вопрос автору сообщения, когда суть вопроса неясна, — "
                     "и направляет его куратору на согласование, с момента поступления инцидента (п. 13)",
    "draft_before_deadline": "Проект ответа (промежуточного ответа) направляется куратору не позднее чем за это "
                             "время до истечения срока ответа (п. 12)",
    "approval": "Куратор согласовывает проект ответа или запрос (уточнение) либо возвращает его с причиной "
                "(п. 14) — с момента поступления",
    "revision": "Исполнитель дорабатывает возвращённый проект ответа или запрос (уточнение) и направляет его "
                "повторно (п. 15)",
    "publication": "Исполнитель размещает согласованный ответ или запрос (уточнение) в той соцсети, где размещён "
                   "инцидент (п. 16)",
    "answer": "Подготовка и размещение ответа — с момента выявления инцидента (п. 9)",
    "answer_high": "Подготовка и размещение ответа на инцидент повышенной важности — с момента выявления (п. 17)",
    "contribution": "Каждый исполнитель направляет куратору информацию для сводного ответа — с момента "
                    "направления ему инцидента (п. 19)",
    "final_answer_days": "Окончательный ответ после промежуточного — рабочих дней со дня размещения промежуточного "
                         "(п. 18); сроки шагов этого этапа куратор задаёт в карточке инцидента",
}
def limit_label(name: str) -> str:
    """The Russian label of the limit ``name`` as the administrator sees it."""
    return settings.LIMIT_LABELS.get(name, name)


class LimitsTab(AdminTab):
    """The regulation's limits (``settings.Limits``), each editable, saved together."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        intro = make_hint("Сроки считаются в рабочем времени администрации. Изменение действует для новых "
                          "шагов на всех компьютерах и записывается в журнал. Сроки шагов после промежуточного "
                          "ответа (п. 18) куратор задаёт в карточке инцидента. Подсказка у каждой строки "
                          "объясняет, кто действует и с какого момента идёт срок.")
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.spins: dict[str, QSpinBox] = {}
        self.labels: dict[str, QLabel] = {}
        for f in fields(settings.Limits):
            spin = QSpinBox()
            spin.setRange(1, 100 if f.name == "final_answer_days" else 10_000)
            spin.setFixedWidth(110)
            spin.setAlignment(Qt.AlignmentFlag.AlignRight)
            label = QLabel(limit_label(f.name))
            tip = LIMIT_TIPS.get(f.name, "")
            label.setToolTip(tip)
            spin.setToolTip(tip)
            form.addRow(label, spin)
            self.spins[f.name] = spin
            self.labels[f.name] = label
        self.save_button = QPushButton("Сохранить")
        self.defaults_button = QPushButton("Значения по регламенту")
        self.defaults_button.setToolTip("Заполнить поля сроками из Порядка (сохранить — кнопкой «Сохранить»)")
        self.save_button.clicked.connect(self.save)
        self.defaults_button.clicked.connect(self.fill_defaults)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.defaults_button)
        buttons.addWidget(self.save_button)

        inner = QWidget()
        inner.setMaximumWidth(760)
        layout = QVBoxLayout(inner)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.messages())
        layout.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addWidget(inner)
        outer.addStretch(1)
        self.refresh()

    def refresh(self) -> None:
        ok, current = self.call(settings.limits)
        if ok and current is not None:
            self._fill(current)

    def _fill(self, limits: settings.Limits) -> None:
        for name, spin in self.spins.items():
            spin.setValue(getattr(limits, name))

    def fill_defaults(self) -> None:
        self._fill(settings.Limits())

    def save(self) -> None:
        values = {name: spin.value() for name, spin in self.spins.items()}
        ok, saved = self.call(admin.save_limits, self.actor, **values)
        if ok and saved is not None:
            self._fill(saved)
            self.show_info(f"Сроки сохранены ({datetime.now():%H:%M})")


# ------------------------------------------------------------------------------------------
# The window
# ------------------------------------------------------------------------------------------


class AdminWindow(QDialog):
    """The administrator's window. For anyone else it shows the service's refusal and nothing more."""

    TAB_TITLES = ("Пользователи", "Отделы и учреждения", "Замещения", "Темы", "График работы",
                  "Производственный календарь", "Сроки регламента")

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.setWindowTitle("Администрирование")
        self.resize(1240, 800)
        self.pool = QThreadPool(self)
        self.denied_message: str | None = None
        self.tabs: QTabWidget | None = None
        layout = QVBoxLayout(self)
        try:
            admin.ensure_admin(actor, "Администрирование")
        except DomainError as exc:
            self.denied_message = str(exc)
            self._build_refusal(layout, str(exc))
            return
        self.users_tab = UsersTab(actor)
        self.units_tab = UnitsTab(actor)
        self.absences_tab = AbsencesTab(actor)
        self.topics_tab = TopicsTab(actor)
        self.schedule_tab = ScheduleTab(actor)
        self.calendar_tab = CalendarTab(actor, pool=self.pool)
        self.limits_tab = LimitsTab(actor)
        self.tabs = QTabWidget()
        pages = (self.users_tab, self.units_tab, self.absences_tab, self.topics_tab, self.schedule_tab,
                 self.calendar_tab, self.limits_tab)
        for page, title in zip(pages, self.TAB_TITLES, strict=True):
            self.tabs.addTab(page, title)
        # units and users feed the combo boxes of other tabs: reload a tab when it is shown
        self.tabs.currentChanged.connect(lambda i: self.tabs.widget(i).refresh() if self.tabs else None)
        layout.addWidget(self.tabs, 1)
        close_row = QHBoxLayout()
        close_row.addStretch(1)
        self.close_button = QPushButton("Закрыть")
        self.close_button.clicked.connect(self.accept)
        close_row.addWidget(self.close_button)
        layout.addLayout(close_row)

    def _build_refusal(self, layout: QVBoxLayout, text: str) -> None:
        self.refusal_label = QLabel(text)
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setStyleSheet("color: #b00020; font-size: 11pt;")
        self.refusal_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.close_button = QPushButton("Закрыть")
        self.close_button.clicked.connect(self.reject)
        layout.addStretch(1)
        layout.addWidget(self.refusal_label)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.close_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        self.resize(520, 200)

    def done(self, result: int) -> None:  # noqa: D102 - let a running import finish before closing
        self.pool.waitForDone(10_000)
        super().done(result)
