"""What every tab of the administration window shares: the tab base with its inline messages and
its unsaved-input check, the read-only record tables whose columns share the width, a service
call off the GUI thread, the muted hint line."""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, QRunnable, Qt, QTimer, Signal,
)
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.services.errors import DomainError
from app.services.permissions import Actor
from app.ui.widgets import clear_on_edit, make_error_label

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
#: a column is never squeezed below this (its text is elided, the full text is in the tooltip)
MIN_COLUMN_WIDTH = 70


def fmt_date(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def make_hint(text: str) -> QLabel:
    """A word-wrapped explanatory line in a muted (but readable) colour."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(HINT_STYLE)
    return label


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


def water_fill(natural: Sequence[int], available: int, minimum: int) -> list[int]:
    """Cut the widest of ``natural`` widths to one cap so that they fit ``available`` (never below
    ``minimum``, nor below what a column needs when it needs less)."""
    if sum(natural) <= available:
        return list(natural)
    low, high = minimum, max(natural)
    if sum(min(n, low) for n in natural) > available:
        return [min(n, low) for n in natural]
    while high - low > 1:
        middle = (high + low) // 2
        if sum(min(n, middle) for n in natural) > available:
            high = middle
        else:
            low = middle
    return [min(n, low) for n in natural]


class ColumnSharer(QObject):
    """Lets the columns of a table share its width: each gets what its text needs when there is
    room (the stretch column takes the rest); when there is not, the ``elastic`` columns give way
    first and then the widest of all, down to ``MIN_COLUMN_WIDTH`` — the cut text stays whole in
    the tooltip."""

    def __init__(self, view: QTableView, stretch_column: int | None, elastic: Sequence[int] = ()) -> None:
        super().__init__(view)
        self.view = view
        self.stretch_column = stretch_column
        self.elastic = tuple(elastic)
        self._pending = False
        view.viewport().installEventFilter(self)
        model = view.model()
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.dataChanged):
            signal.connect(self.schedule)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Resize:
            self.share()
        return False

    def schedule(self, *_args: object) -> None:
        if not self._pending:
            self._pending = True
            QTimer.singleShot(0, self.share)

    def widths(self, natural: Sequence[int], available: int) -> list[int]:
        """The width of each column for ``available`` pixels."""
        count = len(natural)
        widths = list(natural)
        last = self.stretch_column if self.stretch_column is not None and self.stretch_column < count else count - 1
        if sum(natural) <= available:
            widths[last] += available - sum(natural)
            return widths
        elastic = [i for i in self.elastic if i < count]
        rigid = [i for i in range(count) if i not in elastic]
        fixed = sum(natural[i] for i in rigid)
        room = available - fixed
        if elastic and room >= MIN_COLUMN_WIDTH * len(elastic):
            # the elastic columns give way, the others keep their text whole
            for i, width in zip(elastic, water_fill([natural[i] for i in elastic], room, MIN_COLUMN_WIDTH),
                                strict=True):
                widths[i] = width
        else:
            # the elastic columns at their narrowest, the others share the rest
            for i in elastic:
                widths[i] = min(natural[i], MIN_COLUMN_WIDTH)
            room = available - sum(widths[i] for i in elastic)
            for i, width in zip(rigid, water_fill([natural[i] for i in rigid], room, MIN_COLUMN_WIDTH),
                                strict=True):
                widths[i] = width
        widths[last] += max(0, available - sum(widths))
        return widths

    def share(self) -> None:
        self._pending = False
        view, header = self.view, self.view.horizontalHeader()
        count = header.count()
        available = view.viewport().width()
        if count == 0 or available <= 0:
            return
        natural = [max(header.sectionSizeHint(i), view.sizeHintForColumn(i)) + 6 for i in range(count)]
        for i, width in enumerate(self.widths(natural, available)):
            if header.sectionSize(i) != width:
                header.resizeSection(i, width)


def make_table(model: QAbstractTableModel, stretch_column: int | None = None,
               elastic: Sequence[int] = ()) -> QTableView:
    """A read-only, single-row-selection table in the style of the queue; its columns share the
    width (``ColumnSharer``): ``stretch_column`` (or the last one) takes what is left, the
    ``elastic`` ones give way first when there is not enough."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    header.setMinimumSectionSize(MIN_COLUMN_WIDTH // 2)
    view.column_sharer = ColumnSharer(view, stretch_column, elastic)  # type: ignore[attr-defined]
    return view


class AdminTab(QWidget):
    """A tab of the administrator's window: an inline error label (gone as soon as the user
    corrects the input), an info label, service calls, and what the user typed but did not save.

    A tab with a form implements ``form_state`` (what is typed, comparable) and calls
    ``mark_clean`` whenever the form shows what is stored; ``has_unsaved`` compares the two.
    """

    #: what the window's closing question calls the tab's unsaved input
    title = ""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.error_label = make_error_label()
        self.info_label = QLabel()
        self.info_label.setStyleSheet(OK_STYLE)
        self.info_label.setWordWrap(True)
        self.info_label.setVisible(False)
        self._clean_state: object = None
        self._edits_watched = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        if not self._edits_watched:
            self._edits_watched = True
            clear_on_edit(self.error_label, self)
        super().showEvent(event)

    # --- unsaved input --------------------------------------------------------------------

    def form_state(self) -> object:
        """What the user typed into the tab's form (None: the tab has nothing to save)."""
        return None

    def mark_clean(self) -> None:
        """The form shows what is stored now (loaded, saved, or a new empty form)."""
        self._clean_state = self.form_state()

    def has_unsaved(self) -> bool:
        """The user typed something the tab has not saved (or added) yet."""
        state = self.form_state()
        return state is not None and self._clean_state is not None and state != self._clean_state

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
