"""The main window: role tabs and filters above the incident queue, the queue on the left, the
incident card on the right, notifications on top.

Everything the user arranges — window geometry, the splitter, column widths, the tab, the
filters and the sort — is remembered per user with ``QSettings`` (INI format).
"""
from __future__ import annotations

import json
import logging
import os
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QDate, QItemSelection, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QFontMetrics, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QTabBar,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.models.enums import NETWORK_LABELS, PRIORITY_LABELS, STATUS_LABELS, Role
from app.services import catalog, formatting, queue
from app.services.permissions import Actor
from app.services.queue import QueueFilter, QueueSort
from app.services.user_dirs import config_dir, log_dir
from app.services.users import UserInfo
from app.ui.card_view import IncidentCardView
from app.ui.progress_task import ProgressTask
from app.ui.notifier import NotificationBanner, Notifier, app_icon, preferences
from app.ui.queue_model import INCIDENT_ID_ROLE, SORT_KEYS, Column, QueueTableModel

log = logging.getLogger(__name__)

APP_TITLE = "Инциденты"
ORGANISATION_RU = "Администрация Кореновского городского поселения Кореновского района"
SETTINGS_ORGANISATION = "Korenovsk"
SETTINGS_APPLICATION = "Incidents"
SEARCH_DEBOUNCE_MS = 300
CARD_DEBOUNCE_MS = 80
MAX_TAB_SHORTCUTS = 5
#: the widest the «База данных: …» note of the status bar gets (the full address is its tooltip)
DB_LABEL_MAX_PX = 380
#: characters a filter's drop-down shows at its narrowest (the choices themselves are wider)
FILTER_MIN_CHARS = 5

#: the columns from the left as a new user first sees them: what is due and where it stands come
#: right after the number, so a narrow window (1024 px) still shows them without scrolling
DEFAULT_ORDER = (Column.NUMBER, Column.STATUS, Column.REMAINING, Column.NETWORK, Column.AUTHOR, Column.TEXT,
                 Column.TOPIC, Column.EXECUTORS, Column.DETECTED, Column.PRIORITY)
#: what each tab lists (its tooltip)
PRESET_TIPS = {
    "new": "Зарегистрированные инциденты, которые ещё не направлены исполнителям (п. 10)",
    "approval": "Проекты ответов и запросы (уточнения), ждущие согласования куратора (п. 14)",
    "clarification": "Инциденты с запросом (уточнением) автору (п. 13–16): запрос готовится, согласуется, "
                     "ждёт размещения или размещён и ждёт ответа автора. В столбце «Статус» — сколько "
                     "рабочего времени ждём автора",
    "overdue": "Инциденты, у которых истёк срок хотя бы одного шага: ровно те, у которых столбец «Осталось» "
               "красный, и те, что посчитаны в сводке как «Просрочено сейчас»",
    "all": "Все инциденты: сначала открытые по сроку, затем закрытые",
    "mine": "Инциденты, направленные вашему отделу, по которым работа не закончена",
    "returned": "Проекты ответов и запросы, возвращённые вам на доработку (п. 15)",
    "to_publish": "Согласованные ответы и запросы, которые нужно разместить в соцсети (п. 16)",
    "unit_all": "Все инциденты, когда-либо направленные вашему отделу",
    "open": "Инциденты, по которым работа не закончена",
}

DEFAULT_WIDTHS = {Column.NUMBER: 50, Column.DETECTED: 112, Column.NETWORK: 54, Column.AUTHOR: 100,
                  Column.TOPIC: 95, Column.EXECUTORS: 85, Column.STATUS: 100, Column.REMAINING: 165,
                  Column.PRIORITY: 90}


def ui_settings() -> QSettings:
    """This user's window settings (INI). A portable install (``INCIDENTS_HOME``) keeps them there."""
    if os.environ.get("INCIDENTS_HOME"):
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(config_dir()))
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, SETTINGS_ORGANISATION,
                     SETTINGS_APPLICATION)


def _combo(placeholder: str, items: list[tuple[str, Any]], tooltip: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(placeholder, None)
    for text, data in items:
        combo.addItem(text, data)
    combo.setToolTip(tooltip)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(FILTER_MIN_CHARS)
    return combo


def _select_data(combo: QComboBox, value: Any) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(index if index >= 0 else 0)


class FilterBar(QWidget):
    """The filters above the queue: status, network, topic group, unit, priority, period, search."""

    #: the filter changed (the search after a short pause in typing)
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText("Поиск по тексту и автору (Ctrl+F)")
        self.search_edit.setClearButtonEnabled(True)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(self.changed)
        self.search_edit.textChanged.connect(lambda _text: self.search_timer.start())
        self.search_edit.returnPressed.connect(self._search_now)

        self.status_combo = _combo("Все статусы", [(label, s.value) for s, label in STATUS_LABELS.items()],
                                   "Статус инцидента")
        self.network_combo = _combo("Все соцсети", [(label, n.value) for n, label in NETWORK_LABELS.items()],
                                    "Социальная сеть")
        groups = sorted({(t.group_name, t.group_id) for t in catalog.list_topics()})
        self.group_combo = _combo("Все темы", groups, "Группа тем")
        units = catalog.list_units()
        self.unit_combo = _combo("Все исполнители", [(u.short_name or u.name, u.id) for u in units],
                                 "Отдел или учреждение, которому направлен инцидент")
        for n, unit in enumerate(units, 1):
            self.unit_combo.setItemData(n, unit.name, Qt.ItemDataRole.ToolTipRole)
        self.priority_combo = _combo("Любая важность", [(label, p.value) for p, label in PRIORITY_LABELS.items()],
                                     "Важность (п. 17)")
        self.period_check = QCheckBox("Выявлены с")
        self.period_check.setToolTip("Показать только инциденты, выявленные в эти дни")
        today = QDate.currentDate()
        self.date_from = QDateEdit(QDate(today.year(), today.month(), 1))
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
            edit.setEnabled(False)
            edit.dateChanged.connect(self._period_changed)
        self.period_check.toggled.connect(self._period_toggled)
        self.reset_button = QPushButton("Сбросить")
        self.reset_button.setToolTip("Убрать все фильтры и поиск")
        self.reset_button.setAutoDefault(False)
        self.reset_button.clicked.connect(self.reset)
        for combo in (self.status_combo, self.network_combo, self.group_combo, self.unit_combo, self.priority_combo):
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

        first = QHBoxLayout()
        first.setContentsMargins(0, 0, 0, 0)
        first.addWidget(self.search_edit, 1)
        first.addSpacing(6)
        first.addWidget(self.period_check)
        first.addWidget(self.date_from)
        first.addWidget(QLabel("по"))
        first.addWidget(self.date_to)
        first.addWidget(self.reset_button)
        second = QHBoxLayout()
        second.setContentsMargins(0, 0, 0, 0)
        for widget in (self.status_combo, self.network_combo, self.group_combo, self.unit_combo,
                       self.priority_combo):
            second.addWidget(widget, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(first)
        layout.addLayout(second)

    def _search_now(self) -> None:
        if self.search_timer.isActive():
            self.search_timer.stop()
            self.changed.emit()

    def _period_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.changed.emit()

    def _period_changed(self) -> None:
        if self.period_check.isChecked():
            self.changed.emit()

    def queue_filter(self, preset: str) -> QueueFilter:
        """The service filter for the tab ``preset`` and the choices made here."""
        status = self.status_combo.currentData()
        network = self.network_combo.currentData()
        group = self.group_combo.currentData()
        unit = self.unit_combo.currentData()
        period = self.period_check.isChecked()
        return QueueFilter(
            preset=preset,
            statuses=(status,) if status else (),
            networks=(network,) if network else (),
            topic_group_ids=(int(group),) if group is not None else (),
            unit_ids=(int(unit),) if unit is not None else (),
            priority=self.priority_combo.currentData() or None,
            detected_from=self.date_from.date().toPython() if period else None,
            detected_to=self.date_to.date().toPython() if period else None,
            search=self.search_edit.text().strip(),
        )

    def is_active(self) -> bool:
        """True when any filter or the search narrows the tab."""
        return self.queue_filter("") != QueueFilter(preset="")

    def state(self) -> dict[str, Any]:
        """The choices as plain data, to remember between runs."""
        return {
            "status": self.status_combo.currentData(), "network": self.network_combo.currentData(),
            "group": self.group_combo.currentData(), "unit": self.unit_combo.currentData(),
            "priority": self.priority_combo.currentData(), "period": self.period_check.isChecked(),
            "from": self.date_from.date().toPython().isoformat(), "to": self.date_to.date().toPython().isoformat(),
            "search": self.search_edit.text(),
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Put back choices saved by ``state`` (unknown values are ignored) without emitting ``changed``."""
        self.blockSignals(True)
        try:
            _select_data(self.status_combo, state.get("status"))
            _select_data(self.network_combo, state.get("network"))
            _select_data(self.group_combo, state.get("group"))
            _select_data(self.unit_combo, state.get("unit"))
            _select_data(self.priority_combo, state.get("priority"))
            for key, edit in (("from", self.date_from), ("to", self.date_to)):
                try:
                    edit.setDate(QDate(date.fromisoformat(state[key])))
                except (KeyError, TypeError, ValueError):
                    pass
            self.period_check.setChecked(bool(state.get("period")))
            self.search_edit.setText(str(state.get("search") or ""))
        finally:
            self.blockSignals(False)
            self.search_timer.stop()

    def reset(self) -> None:
        """Back to «everything in the tab»."""
        self.blockSignals(True)
        try:
            for combo in (self.status_combo, self.network_combo, self.group_combo, self.unit_combo,
                          self.priority_combo):
                combo.setCurrentIndex(0)
            self.period_check.setChecked(False)
            self.search_edit.clear()
        finally:
            self.blockSignals(False)
            self.search_timer.stop()
        self.changed.emit()


class MainWindow(QMainWindow):
    """The one window the curator or an executor keeps open all day."""

    #: emitted with the incident id when the user selects a row in the queue
    incident_selected = Signal(int)

    def __init__(self, actor: Actor, user: UserInfo, db_display: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        self.user = user
        self.db_display = db_display
        self.presets = queue.presets_for(actor)
        self._settings_group = f"users/{user.login}"
        self._selected_id: int | None = None
        self._dashboard = None
        self._admin_window = None
        self._pending_splitter = None
        self.setWindowTitle(f"{APP_TITLE} — {user.full_name}")
        self.setWindowIcon(app_icon())
        self.resize(1500, 860)

        saved = self._load_settings()
        preset = saved.get("preset") if saved.get("preset") in {c for c, _ in self.presets} else self.presets[0][0]
        self.filter_bar = FilterBar()
        self.filter_bar.restore(saved.get("filters") or {})
        sort = QueueSort(saved.get("sort_column") or "urgent", bool(saved.get("sort_descending")))
        self.queue_model = QueueTableModel(actor, self, filter_=self.filter_bar.queue_filter(preset), sort=sort)

        self._build_menus()
        self._build_central(preset)
        self._build_status_bar()
        self._restore_layout(saved)
        self._connect()
        self._update_queue_placeholder()

        prefs = preferences()
        self.notifier = Notifier(actor, self.banner, self, sound=prefs["sound"],
                                 use_tray=prefs["tray"] and QSystemTrayIcon.isSystemTrayAvailable())
        self.notifier.open_incident.connect(self.open_incident)
        self.notifier.deadline_reached.connect(self.refresh_quietly)
        self.notifier.incident_event.connect(lambda _id: self.refresh_quietly())
        self.notifier.shown.connect(lambda notice: self.statusBar().showMessage(notice.message, 15_000))

        self.queue_model.reload()
        self.notifier.start()

    # --- construction --------------------------------------------------------------------

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Файл")
        self.admin_action = QAction("&Администрирование…", self)
        self.admin_action.setVisible(self.actor.has(Role.ADMIN))
        self.admin_action.triggered.connect(self.show_admin)
        self.settings_action = QAction("&Настройки…", self)
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.show_settings)
        self.quit_action = QAction("&Выход", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        self.import_action = QAction("&Импорт из платформы мониторинга…", self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.setVisible(self.actor.is_curator)
        self.import_action.triggered.connect(self.show_import)
        self.export_action = QAction("&Выгрузить очередь в файл…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(self.export_queue)
        self.report_action = QAction("&Отчёт для главы поселения…", self)
        self.report_action.setShortcut(QKeySequence("Ctrl+R"))
        self.report_action.setVisible(self.actor.reads_everything)
        self.report_action.triggered.connect(self.show_report)
        if self.actor.is_curator:
            file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        if self.actor.reads_everything:
            file_menu.addAction(self.report_action)
        file_menu.addSeparator()
        if self.actor.has(Role.ADMIN):
            file_menu.addAction(self.admin_action)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        view_menu = self.menuBar().addMenu("&Вид")
        self.dashboard_action = QAction("&Сводка", self)
        self.dashboard_action.setShortcut(QKeySequence("Ctrl+D"))
        self.dashboard_action.triggered.connect(self.show_dashboard)
        self.refresh_action = QAction("&Обновить", self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.triggered.connect(self.refresh)
        self.search_action = QAction("&Поиск", self)
        self.search_action.setShortcut(QKeySequence("Ctrl+F"))
        self.search_action.triggered.connect(self.focus_search)
        view_menu.addAction(self.dashboard_action)
        view_menu.addSeparator()
        view_menu.addAction(self.refresh_action)
        view_menu.addAction(self.search_action)
        view_menu.addSeparator()
        self.tab_actions: list[QAction] = []
        for n, (_code, label) in enumerate(self.presets):
            action = QAction(label, self)
            if n < MAX_TAB_SHORTCUTS:
                action.setShortcut(QKeySequence(f"Ctrl+{n + 1}"))
            action.triggered.connect(lambda _checked=False, i=n: self.tab_bar.setCurrentIndex(i))
            view_menu.addAction(action)
            self.tab_actions.append(action)

        help_menu = self.menuBar().addMenu("&Справка")
        self.about_action = QAction("&О программе", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def _build_central(self, preset: str) -> None:
        self.tab_bar = QTabBar()
        self.tab_bar.setExpanding(False)
        self.tab_bar.setDrawBase(False)
        for n, (code, label) in enumerate(self.presets):
            index = self.tab_bar.addTab(label)
            self.tab_bar.setTabData(index, code)
            tip = PRESET_TIPS.get(code, label)
            if n < MAX_TAB_SHORTCUTS:
                tip += f" (Ctrl+{n + 1})"
            self.tab_bar.setTabToolTip(index, tip)
        self.tab_bar.setCurrentIndex(next(i for i, (c, _l) in enumerate(self.presets) if c == preset))
        self.count_label = QLabel()
        self.count_label.setEnabled(False)
        tabs_row = QHBoxLayout()
        tabs_row.addWidget(self.tab_bar)
        tabs_row.addStretch(1)
        tabs_row.addWidget(self.count_label)

        self.queue_view = QTableView()
        self.queue_view.setModel(self.queue_model)
        self.queue_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue_view.setAlternatingRowColors(True)
        self.queue_view.setWordWrap(False)
        self.queue_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.queue_view.setTabKeyNavigation(False)
        self.queue_view.verticalHeader().setVisible(False)
        self.queue_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.queue_view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSectionsMovable(True)
        header.setMinimumSectionSize(40)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(Column.TEXT, QHeaderView.ResizeMode.Stretch)
        for visual, column in enumerate(DEFAULT_ORDER):
            header.moveSection(header.visualIndex(column), visual)
        for column, width in self._default_widths().items():
            self.queue_view.setColumnWidth(column, width)
        self._show_sort_indicator()

        self.queue_placeholder = QLabel("Загрузка…")
        self.queue_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.queue_placeholder.setWordWrap(True)
        self.queue_placeholder.setEnabled(False)  # drawn in the palette's muted colour
        font = self.queue_placeholder.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.queue_placeholder.setFont(font)
        self.queue_stack = QStackedWidget()
        self.queue_stack.addWidget(self.queue_placeholder)
        self.queue_stack.addWidget(self.queue_view)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 3, 6)
        left_layout.setSpacing(4)
        left_layout.addLayout(tabs_row)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(self.queue_stack, 1)

        self.card_view = IncidentCardView(self.actor)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(3, 6, 6, 6)
        right_layout.addWidget(self.card_view)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([1050, 550])

        self.banner = NotificationBanner()
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.banner)
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

    def _default_widths(self) -> dict[Column, int]:
        """Column widths that fit their usual content in the current font."""
        plain = self.queue_view.fontMetrics()
        bold_font = self.queue_view.font()
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        header = self.queue_view.horizontalHeader().fontMetrics()
        pad = 14
        widths = dict(DEFAULT_WIDTHS)
        widths[Column.NUMBER] = bold.horizontalAdvance("00000") + pad
        widths[Column.DETECTED] = plain.horizontalAdvance("00.00.0000 00:00") + pad
        widths[Column.NETWORK] = max(plain.horizontalAdvance("TG") + 16, header.horizontalAdvance("Соцсеть")) + pad
        widths[Column.STATUS] = plain.horizontalAdvance("Ждёт ответа автора · 12 ч 30 мин") + pad
        widths[Column.REMAINING] = bold.horizontalAdvance("просрочено на 8 ч 25 мин") + pad
        widths[Column.PRIORITY] = bold.horizontalAdvance("повышенный") + pad
        return widths

    @property
    def card_placeholder(self) -> QLabel:
        """The text shown where the card goes while no incident is chosen."""
        return self.card_view.placeholder

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.user_label = QLabel(f"Пользователь: {self.user.full_name}")
        self.roles_label = QLabel(f"Роли: {self.user.roles_display or '—'}")
        self.loading_label = QLabel("Загрузка…")
        self.loading_label.setVisible(False)
        # a long path must not widen the window past a 1024-pixel screen: its middle gives way
        text = f"База данных: {self.db_display}"
        self.db_label = QLabel(QFontMetrics(self.font()).elidedText(text, Qt.TextElideMode.ElideMiddle, DB_LABEL_MAX_PX))
        self.db_label.setToolTip(self.db_display)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bar.addWidget(self.user_label)
        bar.addWidget(self.roles_label)
        bar.addPermanentWidget(self.loading_label)
        bar.addPermanentWidget(self.db_label)

    def _connect(self) -> None:
        model = self.queue_model
        self.tab_bar.currentChanged.connect(lambda _i: self.apply_filter())
        self.filter_bar.changed.connect(self.apply_filter)
        self.queue_view.horizontalHeader().sectionClicked.connect(self._header_clicked)
        self.queue_view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.queue_view.activated.connect(lambda _index: self.focus_card())
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._update_queue_placeholder)
        model.loading_changed.connect(self._loading_changed)
        model.page_loaded.connect(self._page_loaded)
        model.total_changed.connect(self._total_changed)
        model.load_failed.connect(self._load_failed)
        model.thresholds_crossed.connect(self.refresh_quietly)
        self.card_view.changed.connect(lambda _id: self.refresh_quietly())
        self.card_timer = QTimer(self)
        self.card_timer.setSingleShot(True)
        self.card_timer.setInterval(CARD_DEBOUNCE_MS)
        self.card_timer.timeout.connect(self._show_selected_card)
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.card_view)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(lambda: self.queue_view.setFocus(Qt.FocusReason.ShortcutFocusReason))

    # --- settings ----------------------------------------------------------------------------

    def _load_settings(self) -> dict[str, Any]:
        settings = ui_settings()
        settings.beginGroup(self._settings_group)
        try:
            filters_text = settings.value("filters", "")
            try:
                filters = json.loads(filters_text) if filters_text else {}
            except (TypeError, ValueError):
                filters = {}
            descending = settings.value("sort_descending", False)
            return {
                "geometry": settings.value("geometry"), "splitter": settings.value("splitter"),
                "header": settings.value("header"), "preset": settings.value("preset"),
                "filters": filters if isinstance(filters, dict) else {},
                "sort_column": settings.value("sort_column"),
                "sort_descending": descending in (True, "true", "1", 1),
            }
        finally:
            settings.endGroup()

    def _restore_layout(self, saved: dict[str, Any]) -> None:
        if saved.get("geometry"):
            self.restoreGeometry(saved["geometry"])
        # the splitter is restored once the window has its real size (see showEvent)
        self._pending_splitter = saved.get("splitter")
        if saved.get("header"):
            self.queue_view.horizontalHeader().restoreState(saved["header"])
        self._show_sort_indicator()

    def save_settings(self) -> None:
        """Remember the window, the columns, the tab, the filters and the sort for this user."""
        settings = ui_settings()
        settings.beginGroup(self._settings_group)
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("splitter", self.splitter.saveState())
        settings.setValue("header", self.queue_view.horizontalHeader().saveState())
        settings.setValue("preset", self.current_preset())
        settings.setValue("filters", json.dumps(self.filter_bar.state(), ensure_ascii=False))
        sort = self.queue_model.sort_order
        settings.setValue("sort_column", sort.column)
        settings.setValue("sort_descending", sort.descending)
        settings.endGroup()
        settings.sync()

    # --- the queue -----------------------------------------------------------------------------

    def current_preset(self) -> str:
        return str(self.tab_bar.tabData(self.tab_bar.currentIndex()))

    def show_preset(self, code: str) -> bool:
        """Switch to the tab ``code`` and bring the window up; False if this user has no such tab."""
        index = next((i for i in range(self.tab_bar.count()) if self.tab_bar.tabData(i) == code), -1)
        if index < 0:
            return False
        self.tab_bar.setCurrentIndex(index)
        self.raise_()
        self.activateWindow()
        return True

    def apply_filter(self) -> None:
        """The tab or a filter changed: load the queue from its first page."""
        self.queue_model.set_filter(self.filter_bar.queue_filter(self.current_preset()))

    def refresh(self) -> None:
        """F5: load the queue again from the first page, and the card."""
        self.queue_model.reload()
        self.card_view.reload()

    def refresh_quietly(self) -> None:
        """Reload the rows already loaded, keeping the selection and the scroll position."""
        self.queue_model.reload(keep_rows=True)
        if self.card_view.incident_id is not None:
            self.card_view.reload()

    def _header_clicked(self, section: int) -> None:
        key = SORT_KEYS.get(Column(section)) if 0 <= section < len(Column) else None
        current = self.queue_model.sort_order
        if key is None:
            self._show_sort_indicator()
            self.statusBar().showMessage("По этому столбцу очередь не сортируется", 5000)
            return
        if current.column != key:
            new = QueueSort(key, descending=False)
        elif not current.descending:
            new = QueueSort(key, descending=True)
        else:
            new = QueueSort()  # third click: back to «most urgent first»
        self.queue_model.set_sort(new)
        self._show_sort_indicator()

    def _show_sort_indicator(self) -> None:
        header = self.queue_view.horizontalHeader()
        column = self.queue_model.sort_column()
        order = Qt.SortOrder.DescendingOrder if self.queue_model.sort_order.descending else Qt.SortOrder.AscendingOrder
        header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(False)
        tip = ("Сортировка: сначала самые срочные" if column < 0
               else f"Сортировка по столбцу «{self.queue_model.headerData(column, Qt.Orientation.Horizontal)}»")
        header.setToolTip(tip)

    def _loading_changed(self, loading: bool) -> None:
        self.loading_label.setVisible(loading)
        self._update_queue_placeholder()

    def _page_loaded(self, _rows: int) -> None:
        self._update_queue_placeholder()
        if self._selected_id is not None:
            row = self.queue_model.row_of(self._selected_id)
            selected = self.queue_view.selectionModel().selectedRows()
            if row >= 0 and not (selected and selected[0].row() == row):
                self.queue_view.selectionModel().blockSignals(True)
                self.queue_view.selectRow(row)
                self.queue_view.selectionModel().blockSignals(False)
                self.queue_view.viewport().update()

    def _total_changed(self, total: int) -> None:
        self.count_label.setText(f"Найдено: {formatting.plural(total, formatting.INCIDENTS)}")

    def _load_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)
        self._update_queue_placeholder(message)

    def _update_queue_placeholder(self, message: str | None = None) -> None:
        empty = self.queue_model.rowCount() == 0
        if empty:
            if message:
                text = message
            elif self.queue_model.loading:
                text = "Загрузка…"
            elif self.filter_bar.is_active():
                text = "Ничего не найдено: измените фильтры или поиск"
            else:
                text = "Очередь пуста"
            self.queue_placeholder.setText(text)
            self.count_label.setText("" if self.queue_model.loading else "Найдено: 0")
        self.queue_stack.setCurrentWidget(self.queue_placeholder if empty else self.queue_view)

    def _on_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            incident_id = int(indexes[0].data(INCIDENT_ID_ROLE))
            self._selected_id = incident_id
            self.incident_selected.emit(incident_id)
            self.card_timer.start()

    def _show_selected_card(self) -> None:
        if self._selected_id is not None and self._selected_id != self.card_view.incident_id:
            self.card_view.show_incident(self._selected_id)

    def open_incident(self, incident_id: int) -> None:
        """Show the incident's card (a notification was clicked), selecting its row if loaded."""
        self._selected_id = incident_id
        row = self.queue_model.row_of(incident_id)
        if row >= 0:
            self.queue_view.selectRow(row)
        self.card_timer.stop()
        self.card_view.show_incident(incident_id)
        self.raise_()
        self.activateWindow()

    def focus_card(self) -> None:
        """Enter on a row: show its card now and move the keyboard focus there."""
        self._show_selected_card()
        self.card_view.focus_card()

    def focus_search(self) -> None:
        """Ctrl+F."""
        self.filter_bar.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search_edit.selectAll()

    # --- other windows ---------------------------------------------------------------------------

    def show_dashboard(self) -> None:
        """Вид → Сводка."""
        from app.ui.dashboard import DashboardWindow

        if self._dashboard is None:
            self._dashboard = DashboardWindow(self.actor, self)
            self._dashboard.show_overdue_requested.connect(lambda: self.show_preset("overdue"))
        else:
            self._dashboard.refresh()
        self._dashboard.show()
        self._dashboard.raise_()
        self._dashboard.activateWindow()

    def show_admin(self) -> None:
        """Файл → Администрирование… (administrators only)."""
        from app.ui.admin_window import AdminWindow

        self._admin_window = AdminWindow(self.actor, self)
        self._admin_window.show()

    def show_settings(self) -> None:
        """Файл → Настройки…"""
        from app.ui.settings_dialog import SettingsDialog

        SettingsDialog(actor=self.actor, parent=self).exec()
        prefs = preferences()
        self.notifier.set_preferences(prefs["tray"] and QSystemTrayIcon.isSystemTrayAvailable(), prefs["sound"])

    def show_import(self) -> None:
        """Файл → Импорт… (curator): the wizard, then the queue shows what arrived."""
        from app.ui.import_wizard import ImportWizard

        wizard = ImportWizard(self.actor, self)
        wizard.exec()
        if wizard.result is not None and wizard.result.imported:
            self.refresh()

    def show_report(self) -> None:
        """Файл → Отчёт для главы поселения…"""
        from app.ui.report_dialog import ReportDialog

        dialog = ReportDialog(self.actor, self)
        dialog.exec()
        dialog.task.wait()

    def export_queue(self) -> None:
        """Файл → Выгрузить очередь…: the rows of this tab with its filters and sort, to .xlsx or .csv."""
        from app.ui.queue_export import QueueExport

        QueueExport(self.actor, self.queue_model.filter, self.queue_model.sort_order, self).run()

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

    # --- closing -------------------------------------------------------------------------------

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Block until no worker thread of this window touches the database."""
        done = self.queue_model.wait_idle(timeout_s) and self.card_view.wait_idle(timeout_s)
        done = self.notifier.runner.wait(timeout_s) and done
        if self._dashboard is not None:
            done = self._dashboard.runner.wait(timeout_s) and done
        for task in self.findChildren(ProgressTask):  # exports still writing
            done = task.wait(timeout_s) and done
        return done

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._pending_splitter is not None:
            state, self._pending_splitter = self._pending_splitter, None
            QTimer.singleShot(0, lambda: self.splitter.restoreState(state))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_settings()
        self.notifier.stop()
        self.queue_model.countdown_timer.stop()
        if self._dashboard is not None:
            self._dashboard.close()
        self.wait_idle()
        super().closeEvent(event)
