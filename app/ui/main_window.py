"""The main window: the incident queue on the left, the incident card on the right."""
from __future__ import annotations

from html import escape

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.services.user_dirs import log_dir
from app.services.users import UserInfo
from app.ui.queue_model import INCIDENT_ID_ROLE, Column, QueueTableModel

APP_TITLE = "Инциденты"
ORGANISATION_RU = "Администрация Кореновского городского поселения Кореновского района"


class MainWindow(QMainWindow):
    """The one window the curator or an executor keeps open all day."""

    #: emitted with the incident id when the user selects a row in the queue
    incident_selected = Signal(int)

    def __init__(self, user: UserInfo, db_display: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = user
        self.db_display = db_display
        self.setWindowTitle(f"{APP_TITLE} — {user.full_name}")
        self.resize(1400, 820)

        self.queue_model = QueueTableModel(self)
        self._build_menus()
        self._build_central()
        self._build_status_bar()
        self._update_queue_placeholder()

    # --- construction --------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Файл")
        self.quit_action = QAction("&Выход", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        help_menu = self.menuBar().addMenu("&Справка")
        self.about_action = QAction("&О программе", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def _build_central(self) -> None:
        self.queue_view = QTableView()
        self.queue_view.setModel(self.queue_model)
        self.queue_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue_view.setAlternatingRowColors(True)
        self.queue_view.setWordWrap(False)
        self.queue_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.queue_view.verticalHeader().setVisible(False)
        header = self.queue_view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        widths = {Column.NUMBER: 90, Column.DETECTED: 115, Column.NETWORK: 110, Column.AUTHOR: 130,
                  Column.TOPIC: 120, Column.EXECUTORS: 130, Column.STATUS: 125, Column.REMAINING: 95,
                  Column.PRIORITY: 175}
        header.setMinimumSectionSize(40)
        self.queue_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        for column, width in widths.items():
            self.queue_view.setColumnWidth(column, width)
        self.queue_view.selectionModel().selectionChanged.connect(self._on_selection_changed)

        self.queue_placeholder = QLabel("Очередь пуста")
        self.queue_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.queue_placeholder.setEnabled(False)  # drawn in the palette's muted colour
        font = self.queue_placeholder.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.queue_placeholder.setFont(font)

        self.queue_stack = QStackedWidget()
        self.queue_stack.addWidget(self.queue_placeholder)
        self.queue_stack.addWidget(self.queue_view)

        queue_title = QLabel("<b>Очередь инцидентов</b>")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 3, 6)
        left_layout.addWidget(queue_title)
        left_layout.addWidget(self.queue_stack, 1)

        self.card_placeholder = QLabel("Выберите инцидент в очереди")
        self.card_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.card_placeholder.setWordWrap(True)
        self.card_placeholder.setEnabled(False)
        self.card_stack = QStackedWidget()
        self.card_stack.addWidget(self.card_placeholder)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(3, 6, 6, 6)
        right_layout.addWidget(self.card_stack)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([1000, 400])
        self.setCentralWidget(self.splitter)

        for signal in (self.queue_model.modelReset, self.queue_model.rowsInserted,
                       self.queue_model.rowsRemoved):
            signal.connect(self._update_queue_placeholder)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.user_label = QLabel(f"Пользователь: {self.user.full_name}")
        self.roles_label = QLabel(f"Роли: {self.user.roles_display or '—'}")
        self.db_label = QLabel(f"База данных: {self.db_display}")
        self.db_label.setToolTip(self.db_display)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar.addWidget(self.user_label)
        bar.addWidget(self.roles_label)
        bar.addPermanentWidget(self.db_label)

    # --- behaviour -----------------------------------------------------------------------

    def _update_queue_placeholder(self) -> None:
        empty = self.queue_model.rowCount() == 0
        self.queue_stack.setCurrentWidget(self.queue_placeholder if empty else self.queue_view)

    def _on_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            self.incident_selected.emit(int(indexes[0].data(INCIDENT_ID_ROLE)))

    def about_text(self) -> str:
        """Rich text of the «О программе» box."""
        return (
            f"<h3>{APP_TITLE}</h3>"
            f"<p>Версия {__version__}</p>"
            "<p>Работа с сообщениями в социальных сетях и официальными страницами.</p>"
            f"<p>{ORGANISATION_RU}</p>"
            f"<p style='white-space:pre'>База данных: {escape(self.db_display)}<br>"
            f"Журнал работы: {escape(str(log_dir()))}</p>"
        )

    def make_about_box(self) -> QMessageBox:
        """The «О программе» box, not yet shown."""
        box = QMessageBox(QMessageBox.Icon.NoIcon, "О программе", self.about_text(),
                          QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.button(QMessageBox.StandardButton.Ok).setText("Закрыть")
        return box

    def show_about(self) -> None:
        """Show the «О программе» box."""
        self.make_about_box().exec()

