"""QueueTableModel: Qt's model contract, Russian headers, formatting."""
from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt

from app.ui.queue_model import INCIDENT_ID_ROLE, Column, QueueRow, QueueTableModel, format_remaining

HEADERS = ["№", "Выявлен", "Соцсеть", "Автор", "Текст", "Тема", "Исполнители", "Статус", "Осталось", "Приоритет"]


def rows() -> list[QueueRow]:
    return [
        QueueRow(1, "2025-0001", datetime(2025, 3, 4, 9, 5), "ВКонтакте", "Мария К.",
                 "Когда отремонтируют\nдорогу на ул. Красной?", topic="Дороги", executors="Отдел ЖКХ",
                 status="В работе", remaining_minutes=95),
        QueueRow(2, "2025-0002", datetime(2025, 3, 4, 11, 40), "Telegram", "Пётр",
                 "Не вывозят мусор третий день", status="Новый", remaining_minutes=-15, high_priority=True),
    ]


def test_model_contract(qtmodeltester) -> None:
    model = QueueTableModel()
    model.set_rows(rows())
    qtmodeltester.check(model)


def test_empty_model_contract(qtmodeltester) -> None:
    qtmodeltester.check(QueueTableModel())


def test_russian_headers() -> None:
    model = QueueTableModel()
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())] == HEADERS
    assert model.headerData(0, Qt.Orientation.Vertical) is None


def test_display_values() -> None:
    model = QueueTableModel()
    model.set_rows(rows())

    def shown(row: int, column: Column) -> str:
        return model.data(model.index(row, column))

    assert shown(0, Column.DETECTED) == "04.03.2025 09:05"
    assert shown(0, Column.TEXT) == "Когда отремонтируют дорогу на ул. Красной?"
    assert shown(0, Column.REMAINING) == "1 ч 35 мин"
    assert shown(0, Column.PRIORITY) == "Обычный"
    assert shown(1, Column.PRIORITY) == "Повышенной важности"
    assert shown(1, Column.REMAINING) == "\u221215 мин"
    assert "просрочено на 15 мин" in model.data(model.index(1, Column.REMAINING), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(1, Column.REMAINING), Qt.ItemDataRole.ForegroundRole) is not None
    assert model.data(model.index(0, Column.TEXT), Qt.ItemDataRole.ToolTipRole).startswith("Когда")
    assert model.data(model.index(1, Column.AUTHOR), INCIDENT_ID_ROLE) == 2


def test_set_rows_resets(qtbot) -> None:
    model = QueueTableModel()
    with qtbot.waitSignal(model.modelReset):
        model.set_rows(rows())
    assert model.rowCount() == 2


@pytest.mark.parametrize("minutes,text", [(None, "—"), (0, "0 мин"), (45, "45 мин"), (60, "1 ч"),
                                          (125, "2 ч 05 мин"), (-61, "\u22121 ч 01 мин")])
def test_format_remaining(minutes: int | None, text: str) -> None:
    assert format_remaining(minutes) == text
