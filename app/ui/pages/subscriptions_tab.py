"""«Подписки» (Appendix 1, clause 15): the administration's pages (rows) × the head's pages
(columns); a tick where the page is subscribed, red where it is not or was never checked."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from app.services.pages import access, subscriptions
from app.services.pages.subscriptions import Matrix
from app.services.permissions import Actor
from app.ui.pages.common import GREEN, READ_ONLY_TIP, RED, RED_TEXT, attempt, hint, moment_text, page_labels

PAIR_ROLE = Qt.ItemDataRole.UserRole + 1


class SubscriptionsTab(QWidget):
    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.matrix = Matrix((), (), {})
        self._filling = False
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemChanged.connect(self._changed)
        self.missing_label = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.missing_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(hint("П. 15 Приложения 1: страницы администрации рекомендуется подписать на страницы главы. "
                              "Строки — страницы администрации, столбцы — страницы главы. Отметьте галочкой, где "
                              "подписка есть; красным — где её нет или её ещё не проверяли."))

    def refresh(self) -> None:
        self.matrix = subscriptions.matrix(self.actor)
        self._filling = True
        try:
            self.table.clear()
            self.table.setRowCount(len(self.matrix.admin_pages))
            self.table.setColumnCount(len(self.matrix.head_pages))
            labels = page_labels(self.actor)
            self.table.setHorizontalHeaderLabels([labels.get(i, name) for i, name in self.matrix.head_pages])
            self.table.setVerticalHeaderLabels([labels.get(i, name) for i, name in self.matrix.admin_pages])
            for r, (admin_id, _admin_name) in enumerate(self.matrix.admin_pages):
                writer = access.can_edit(self.actor, admin_id)
                for c, (head_id, _head_name) in enumerate(self.matrix.head_pages):
                    self.table.setItem(r, c, self._item(admin_id, head_id, writer))
        finally:
            self._filling = False
        missing = len(self.matrix.missing())
        self.missing_label.setText(f"Нет подписки: {missing}" if missing else "Все страницы администрации подписаны "
                                   "на страницы главы")
        self.missing_label.setStyleSheet(f"color: {RED_TEXT}; font-weight: bold;" if missing else "color: #1b5e20;")

    def _item(self, admin_id: int, head_id: int, writer: bool) -> QTableWidgetItem:
        subscribed, checked_at = self.matrix.cells.get((admin_id, head_id), (False, None))
        item = QTableWidgetItem("подписана" if subscribed else ("не подписана" if checked_at else "не проверено"))
        item.setData(PAIR_ROLE, (admin_id, head_id))
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if writer:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        item.setFlags(flags)
        item.setCheckState(Qt.CheckState.Checked if subscribed else Qt.CheckState.Unchecked)
        item.setBackground(QBrush(QColor(GREEN if subscribed else RED)))
        tip = f"Проверено {moment_text(checked_at)}" if checked_at else "Подписку ещё не проверяли"
        item.setToolTip(tip if writer else f"{tip}\n{READ_ONLY_TIP}")
        return item

    def _changed(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        admin_id, head_id = item.data(PAIR_ROLE)
        subscribed = item.checkState() == Qt.CheckState.Checked
        attempt(self, lambda: subscriptions.set_subscription(self.actor, admin_id, head_id, subscribed))
        QTimer.singleShot(0, self.refresh)  # not while the table is still telling about this item
