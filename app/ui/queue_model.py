"""The incident queue as a Qt table model.

For now the rows are handed in ready-made through ``QueueTableModel.set_rows``; the queue
service will produce them. The model only formats and never queries the database.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from app.models.enums import PRIORITY_LABELS, Priority

ModelIndex = QModelIndex | QPersistentModelIndex

#: role that returns the incident id of a row (for opening its card)
INCIDENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class Column(IntEnum):
    """Columns of the queue, in display order."""

    NUMBER = 0
    DETECTED = 1
    NETWORK = 2
    AUTHOR = 3
    TEXT = 4
    TOPIC = 5
    EXECUTORS = 6
    STATUS = 7
    REMAINING = 8
    PRIORITY = 9


HEADERS: dict[Column, str] = {
    Column.NUMBER: "№",
    Column.DETECTED: "Выявлен",
    Column.NETWORK: "Соцсеть",
    Column.AUTHOR: "Автор",
    Column.TEXT: "Текст",
    Column.TOPIC: "Тема",
    Column.EXECUTORS: "Исполнители",
    Column.STATUS: "Статус",
    Column.REMAINING: "Осталось",
    Column.PRIORITY: "Приоритет",
}

HEADER_TOOLTIPS: dict[Column, str] = {
    Column.NUMBER: "Регистрационный номер инцидента",
    Column.DETECTED: "Когда сообщение выявлено системой мониторинга",
    Column.REMAINING: "Сколько рабочего времени осталось до срока текущего шага",
}

OVERDUE_COLOR = QColor("#b00020")
TEXT_PREVIEW_LIMIT = 300


@dataclass(frozen=True)
class QueueRow:
    """One line of the queue, already in the administration's time zone and in Russian words."""

    incident_id: int
    number: str
    detected_at: datetime
    network: str
    author: str
    text: str
    topic: str = ""
    executors: str = ""
    status: str = ""
    remaining_minutes: int | None = None
    high_priority: bool = False


def format_remaining(minutes: int | None) -> str:
    """Working minutes left, short: «45 мин», «2 ч 05 мин»; overdue with a minus: «−15 мин»."""
    if minutes is None:
        return "—"
    hours, mins = divmod(abs(minutes), 60)
    if hours:
        text = f"{hours} ч {mins:02d} мин" if mins else f"{hours} ч"
    else:
        text = f"{mins} мин"
    return f"\u2212{text}" if minutes < 0 else text


def remaining_tooltip(minutes: int | None) -> str:
    """The same in words, for the tooltip of the «Осталось» cell."""
    if minutes is None:
        return "Срок не идёт"
    if minutes < 0:
        return f"Срок прошёл: просрочено на {format_remaining(-minutes)} рабочего времени"
    return f"До срока текущего шага осталось {format_remaining(minutes)} рабочего времени"


def _one_line(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) > TEXT_PREVIEW_LIMIT:
        return flat[: TEXT_PREVIEW_LIMIT - 1] + "…"
    return flat


class QueueTableModel(QAbstractTableModel):
    """Table model of the incident queue shown on the left of the main window."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[QueueRow] = []

    # --- data in -------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[QueueRow]) -> None:
        """Replace every row (the view keeps no selection across this)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> QueueRow:
        """The row object behind table row ``row``."""
        return self._rows[row]

    # --- Qt model API --------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TOOLTIPS.get(column)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(Column):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.TEXT:
                return row.text
            if column == Column.DETECTED:
                return row.detected_at.strftime("%d.%m.%Y %H:%M:%S")
            if column == Column.REMAINING:
                return remaining_tooltip(row.remaining_minutes)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (Column.NUMBER, Column.REMAINING):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.REMAINING and row.remaining_minutes is not None and row.remaining_minutes < 0:
                return QBrush(OVERDUE_COLOR)
            return None
        if role == Qt.ItemDataRole.FontRole:
            overdue = row.remaining_minutes is not None and row.remaining_minutes < 0
            if (row.high_priority and column in (Column.NUMBER, Column.PRIORITY)) or (
                overdue and column == Column.REMAINING
            ):
                font = QFont()
                font.setBold(True)
                return font
            return None
        if role == INCIDENT_ID_ROLE:
            return row.incident_id
        return None

    @staticmethod
    def _display(row: QueueRow, column: Column) -> str:
        if column == Column.NUMBER:
            return row.number
        if column == Column.DETECTED:
            return row.detected_at.strftime("%d.%m.%Y %H:%M")
        if column == Column.NETWORK:
            return row.network
        if column == Column.AUTHOR:
            return row.author
        if column == Column.TEXT:
            return _one_line(row.text)
        if column == Column.TOPIC:
            return row.topic
        if column == Column.EXECUTORS:
            return row.executors
        if column == Column.STATUS:
            return row.status
        if column == Column.REMAINING:
            return format_remaining(row.remaining_minutes)
        return PRIORITY_LABELS[Priority.HIGH if row.high_priority else Priority.NORMAL]
