"""The main window: role tabs and filters above the incident queue, the queue on the left, the
incident card on the right (below the queue on a narrow screen), notifications on top.

Everything the user arranges — window geometry, the splitter, where the card goes, column
widths, the tab, the filters and the sort — is remembered per user with ``QSettings`` (INI).

The columns share the queue's width: the number, the status, the countdown and the text are
always on the screen; the others give way (and come back) as the queue narrows and widens; a
column the user sized by hand keeps that size. The card shows the state of its queue row: when
the row comes back with a newer version (another window acted), the card reloads.
"""
from __future__ import annotations

import json
import logging
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QDate, QEvent, QItemSelection, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction, QActionGroup, QCloseEvent, QFontMetrics, QKeySequence, QResizeEvent, QShortcut, QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QCommandLinkButton,
    QDateEdit,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QSystemTrayIcon,
    QTabBar,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app import __version__
from app.models.enums import NETWORK_LABELS, PRIORITY_LABELS, STATUS_LABELS, Role
from app.services import catalog, formatting, queue
from app.services.pages import access as page_access
from app.services.permissions import Actor
from app.services.queue import QueueFilter, QueueRow, QueueSort
from app.services.first_steps import FirstSteps, first_steps
from app.services.user_dirs import log_dir
from app.services.users import UserInfo
from app.ui.card_view import IncidentCardView
from app.ui.help import Section, show_guide
from app.ui.connection_banner import BACK, ConnectionBanner
from app.ui.live_updates import LiveUpdates
from app.ui.notifier import NotificationBanner, Notifier, app_icon, preferences
from app.ui.progress_task import ProgressTask
from app.ui.queue_model import INCIDENT_ID_ROLE, ROW_ROLE, SORT_KEYS, Column, QueueTableModel, TaskRunner
from app.ui.ui_settings import SETTINGS_APPLICATION, SETTINGS_ORGANISATION, ui_settings

__all__ = ["APP_TITLE", "SETTINGS_APPLICATION", "SETTINGS_ORGANISATION", "FilterBar", "MainWindow", "ui_settings"]

log = logging.getLogger(__name__)

APP_TITLE = "Инциденты"
ORGANISATION_RU = "Администрация Кореновского городского поселения Кореновского района"
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

#: the columns that never give way: what the incident is, where it stands, what is left, what it says
ESSENTIAL = (Column.NUMBER, Column.STATUS, Column.REMAINING, Column.TEXT)
#: the others in the order they give way to a narrowing queue (first hidden first)
GIVE_WAY = (Column.PRIORITY, Column.DETECTED, Column.TOPIC, Column.EXECUTORS, Column.NETWORK, Column.AUTHOR)
#: an executor's own unit is in every row of their queue: that column goes first for them
GIVE_WAY_EXECUTOR = (Column.EXECUTORS, Column.PRIORITY, Column.DETECTED, Column.TOPIC, Column.NETWORK,
                     Column.AUTHOR)
#: the columns that widen up to their full usual content when there is room, in this order
FLEXIBLE = (Column.STATUS, Column.AUTHOR, Column.TOPIC, Column.EXECUTORS)
#: the text column gets at least this much more than its minimum before a column gives way for it
TEXT_COMFORT_PX = 120
#: how many loaded rows are measured to size the flexible columns to their content
CONTENT_ROWS = 300

#: where the card goes: «auto» — beside the queue on a wide window, below it on a narrow one
PLACEMENTS = {"auto": "Автоматически", "right": "Справа от очереди", "below": "Под очередью"}
#: narrower than this, «auto» puts the card under the queue (a 1024 × 700 laptop)
CARD_BELOW_WIDTH = 1280
#: the card's share of a wide window (at 1600 px the queue keeps 1120 px, the card 480)
CARD_SHARE = 0.30
CARD_MIN_WIDTH = 440


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
    """The filters above the queue: status, network, topic group, unit, priority, the head's pages,
    period, search."""

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
        self.head_pages_check = QCheckBox("На страницах главы")
        self.head_pages_check.setToolTip("Только сообщения, написанные на официальных страницах главы поселения: "
                                         "на них отвечают от страниц администрации (п. 16 Приложения 1). "
                                         "В очереди они отмечены ★ в столбце «Соцсеть»")
        self.head_pages_check.toggled.connect(lambda _on: self.changed.emit())
        # the window puts it beside the tabs, where a narrow (780 px) window still has room for it
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
            head_pages=self.head_pages_check.isChecked(),
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
            "search": self.search_edit.text(), "head_pages": self.head_pages_check.isChecked(),
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
            self.head_pages_check.setChecked(state.get("head_pages") is True)
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
            self.head_pages_check.setChecked(False)
            self.search_edit.clear()
        finally:
            self.blockSignals(False)
            self.search_timer.stop()
        self.changed.emit()


class EmptyQueueView(QWidget):
    """What the queue shows without rows: why, and — on a fresh database — what to do next, a
    click each (administration, import, registering by hand), per role."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = QLabel("Загрузка…")
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setWordWrap(True)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.title_label.setFont(font)
        self.hint_label = QLabel()
        self.hint_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(False)
        self.buttons: dict[str, QCommandLinkButton] = {}
        self.buttons_layout = QVBoxLayout()
        self.buttons_layout.setSpacing(4)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(self.title_label)
        column.addWidget(self.hint_label)
        column.addSpacing(8)
        column.addLayout(self.buttons_layout)
        column.addStretch(2)
        outer = QHBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(column, 4)
        outer.addStretch(1)

    def add_button(self, code: str, text: str, description: str, slot) -> QCommandLinkButton:  # noqa: ANN001
        button = QCommandLinkButton(text, description)
        button.setObjectName(f"firstStep_{code}")
        button.setToolTip(description)
        button.setMinimumHeight(button.sizeHint().height())  # the description is never cut
        button.clicked.connect(lambda _checked=False: slot())
        button.setVisible(False)
        self.buttons_layout.addWidget(button)
        self.buttons[code] = button
        return button

    def show_state(self, title: str, hint: str = "", buttons: tuple[str, ...] = ()) -> None:
        self.title_label.setText(title)
        self.hint_label.setText(hint)
        self.hint_label.setVisible(bool(hint))
        for code, button in self.buttons.items():
            button.setVisible(code in buttons)

    def visible_buttons(self) -> list[str]:
        """The codes of the buttons shown now (for tests and screen readers alike)."""
        return [code for code, button in self.buttons.items() if not button.isHidden()]


#: what an empty tab means, said plainly (the tab's own words are in its tooltip)
EMPTY_TAB_HINTS = {
    "new": "Новых инцидентов нет: все зарегистрированные направлены исполнителям.",
    "approval": "Ничего не ждёт согласования.",
    "clarification": "Запросов (уточнений) автору сейчас нет.",
    "overdue": "Просроченных шагов нет.",
    "mine": "Инцидентов в работе у вашего отдела нет.",
    "returned": "Возвращённых на доработку проектов и запросов нет.",
    "to_publish": "Согласованных текстов, ждущих размещения, нет.",
    "to_decide": "Текстов куратора, ждущих вашего согласования, нет.",
    "open": "Инцидентов в работе нет.",
}


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
        #: Справка → Руководство (F1), made when first asked for
        self.guide_window = None
        self._first_steps: FirstSteps | None = None
        self._checking_first_steps = False
        #: the incident to select once the queue has it (one registered by hand), and whether the
        #: filters were already cleared to find it
        self._pending_select: int | None = None
        self._pending_cleared = False
        self._fitting = False
        self._shown_once = False
        self.runner = TaskRunner(self)
        self.setWindowTitle(f"{APP_TITLE} — {user.full_name}")
        self.setWindowIcon(app_icon())
        self.resize(1500, 860)

        saved = self._load_settings()
        self._placement = saved["placement"]
        self._user_widths: dict[int, int] = saved["column_widths"]
        self._splitter_states: dict[str, Any] = {"horizontal": saved["splitter_horizontal"],
                                                 "vertical": saved["splitter_vertical"]}
        preset = saved.get("preset") if saved.get("preset") in {c for c, _ in self.presets} else self.presets[0][0]
        self.filter_bar = FilterBar()
        self.filter_bar.restore(saved.get("filters") or {})
        sort = QueueSort(saved.get("sort_column") or "urgent", bool(saved.get("sort_descending")))
        self.queue_model = QueueTableModel(actor, self, filter_=self.filter_bar.queue_filter(preset), sort=sort)

        self._build_actions()
        self._build_menus()
        self._build_toolbar()
        self._build_central(preset)
        self._build_status_bar()
        self._restore_layout(saved)
        self._connect()
        self.card_visible_action.setChecked(saved["card_visible"])
        self._update_queue_placeholder()

        prefs = preferences()
        self.notifier = Notifier(actor, self.banner, self, sound=prefs["sound"],
                                 use_tray=prefs["tray"] and QSystemTrayIcon.isSystemTrayAvailable())
        self.notifier.open_incident.connect(self.open_incident)
        self.notifier.open_page.connect(lambda _page_id: self.show_pages("weeks"))
        self.notifier.deadline_reached.connect(self.refresh_quietly)
        self.notifier.incident_event.connect(self._incident_changed)
        self.notifier.shown.connect(lambda notice: self.statusBar().showMessage(notice.message, 15_000))

        #: what the other PCs do, who else is on the incident, the server's connection (issue 16)
        self.live = LiveUpdates(user.id, self)
        self.live.incidents_changed.connect(self._changed_elsewhere)
        self.live.remote_event.connect(self.notifier.hear)
        self.live.others_changed.connect(self.card_view.show_others)
        self.live.connection_changed.connect(self._connection_changed)
        self.live.retrying.connect(self._retrying)
        self.live.refused.connect(self.connection_banner.show_refused)
        self.connection_banner.retry_requested.connect(self.live.try_now)
        self.card_view.card_loaded.connect(self.live.show_incident)
        self.card_view.cleared.connect(lambda: self.live.show_incident(None))

        self.queue_model.reload()
        self.notifier.start()
        self.live.start()

    # --- construction --------------------------------------------------------------------

    def _build_actions(self) -> None:
        curator = self.actor.is_curator
        self.new_incident_action = QAction("&Новый инцидент…", self)
        self.new_incident_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_incident_action.setToolTip("Зарегистрировать сообщение вручную: найденное своим мониторингом "
                                            "(публикация, п. 2) или пропущенное платформой (Ctrl+N)")
        self.new_incident_action.setVisible(curator)
        self.new_incident_action.setEnabled(curator)
        self.new_incident_action.triggered.connect(self.show_new_incident)
        # the administrator sees every tab; a curator only the answer-check policy (their decision)
        self.admin_action = QAction("&Администрирование…" if self.actor.has(Role.ADMIN)
                                    else "Проверка ответов…", self)
        self.admin_action.setVisible(self.actor.has(Role.ADMIN) or self.actor.is_curator)
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
        self.import_action.setToolTip("Загрузить выгрузку платформы мониторинга (CSV или XLSX) (Ctrl+I)")
        self.import_action.setVisible(curator)
        self.import_action.setEnabled(curator)
        self.import_action.triggered.connect(self.show_import)
        self.export_action = QAction("&Выгрузить очередь в файл…", self)
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.setToolTip("Строки этой вкладки с её фильтрами — в Excel или CSV (Ctrl+E)")
        self.export_action.triggered.connect(self.export_queue)
        self.report_action = QAction("&Отчёт для главы поселения…", self)
        self.report_action.setShortcut(QKeySequence("Ctrl+R"))
        self.report_action.setVisible(self.actor.reads_everything)
        self.report_action.triggered.connect(self.show_report)
        self.dashboard_action = QAction("&Сводка", self)
        self.dashboard_action.setShortcut(QKeySequence("Ctrl+D"))
        self.dashboard_action.setToolTip("Сегодняшние инциденты, просрочки, ответы в срок и нагрузка на отделы (Ctrl+D)")
        self.dashboard_action.triggered.connect(self.show_dashboard)
        self.refresh_action = QAction("&Обновить", self)
        self.refresh_action.setShortcut(QKeySequence(Qt.Key.Key_F5))
        self.refresh_action.setToolTip("Загрузить очередь и карточку заново (F5)")
        self.refresh_action.triggered.connect(self.refresh)
        self.search_action = QAction("&Поиск", self)
        self.search_action.setShortcut(QKeySequence("Ctrl+F"))
        self.search_action.triggered.connect(self.focus_search)
        self.open_card_action = QAction("&Открыть карточку", self)
        self.open_card_action.triggered.connect(self.focus_card)
        self.reset_columns_action = QAction("Ширина столбцов по умолчанию", self)
        self.reset_columns_action.triggered.connect(self.reset_columns)

        # the two sections of the window: the incidents (Appendix 2) and the official pages (Appendix 1)
        self.section_group = QActionGroup(self)
        self.incidents_section_action = QAction("&Инциденты", self, checkable=True)
        self.incidents_section_action.setShortcut(QKeySequence("Ctrl+Shift+I"))
        self.incidents_section_action.setToolTip("Очередь инцидентов и карточка (Ctrl+Shift+I)")
        self.incidents_section_action.setChecked(True)
        self.incidents_section_action.triggered.connect(self.show_incidents)
        self.pages_section_action = QAction("&Страницы", self, checkable=True)
        self.pages_section_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.pages_section_action.setToolTip("Официальные страницы администрации и главы: реестр, публикации по "
                                             "неделям, отметка, модерация (Ctrl+Shift+P)")
        self.pages_section_action.setVisible(page_access.can_read(self.actor))
        self.pages_section_action.triggered.connect(lambda _checked=False: self.show_pages())
        for action in (self.incidents_section_action, self.pages_section_action):
            self.section_group.addAction(action)

        self.placement_group = QActionGroup(self)
        self.placement_actions: dict[str, QAction] = {}
        for code, label in PLACEMENTS.items():
            action = QAction(label, self, checkable=True)
            action.setData(code)
            action.setChecked(code == self._placement)
            action.triggered.connect(lambda _checked=False, c=code: self.set_card_placement(c))
            self.placement_group.addAction(action)
            self.placement_actions[code] = action
        self.placement_actions["auto"].setToolTip(
            f"Справа от очереди, когда окно шире {CARD_BELOW_WIDTH} точек, иначе под очередью")
        self.card_visible_action = QAction("Показывать &карточку", self, checkable=True)
        self.card_visible_action.setChecked(True)
        self.card_visible_action.setShortcut(QKeySequence(Qt.Key.Key_F9))
        self.card_visible_action.setToolTip("Скрыть карточку, чтобы очереди досталось всё окно (F9)")
        self.card_visible_action.toggled.connect(self._card_visibility_changed)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&Файл")
        if self.actor.is_curator:
            file_menu.addAction(self.new_incident_action)
            file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        if self.actor.reads_everything:
            file_menu.addAction(self.report_action)
        file_menu.addSeparator()
        if self.actor.has(Role.ADMIN) or self.actor.is_curator:
            file_menu.addAction(self.admin_action)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)

        view_menu = self.menuBar().addMenu("&Вид")
        view_menu.addAction(self.incidents_section_action)
        if self.pages_section_action.isVisible():
            view_menu.addAction(self.pages_section_action)
        view_menu.addSeparator()
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
        view_menu.addSeparator()
        self.card_menu = view_menu.addMenu("Карточка инцидента")
        for action in self.placement_actions.values():
            self.card_menu.addAction(action)
        self.card_menu.addSeparator()
        self.card_menu.addAction(self.card_visible_action)
        view_menu.addAction(self.reset_columns_action)

        help_menu = self.menuBar().addMenu("&Справка")
        self.guide_action = QAction("&Руководство", self)
        self.guide_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.guide_action.setToolTip("Руководство пользователя: раздел о том, что на экране (F1)")
        self.guide_action.triggered.connect(self.show_guide)
        help_menu.addAction(self.guide_action)
        help_menu.addSeparator()
        self.about_action = QAction("&О программе", self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def _build_toolbar(self) -> None:
        self.toolbar = QToolBar("Панель инструментов")
        self.toolbar.setObjectName("mainToolBar")
        self.toolbar.setMovable(False)
        self.toolbar.setFloatable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.toggleViewAction().setEnabled(False)  # no context menu that hides it for good
        if self.actor.is_curator:
            self.toolbar.addAction(self.new_incident_action)
            self.toolbar.addAction(self.import_action)
            self.toolbar.addSeparator()
        self.toolbar.addAction(self.refresh_action)
        self.toolbar.addAction(self.dashboard_action)
        self.toolbar.addAction(self.export_action)
        if self.pages_section_action.isVisible():  # the two sections, a click (or Ctrl+Shift+I / P) apart
            self.toolbar.addSeparator()
            self.toolbar.addAction(self.incidents_section_action)
            self.toolbar.addAction(self.pages_section_action)
        if self.actor.is_curator:
            new_button = self.toolbar.widgetForAction(self.new_incident_action)
            if new_button is not None:
                font = new_button.font()
                font.setBold(True)
                new_button.setFont(font)
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

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
        self.count_label.setObjectName("countLabel")
        self.count_label.setToolTip("Сколько инцидентов на этой вкладке с выбранными фильтрами")
        tabs_row = QHBoxLayout()
        tabs_row.addWidget(self.tab_bar)
        tabs_row.addSpacing(12)
        tabs_row.addWidget(self.filter_bar.head_pages_check)
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
        self.queue_view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.queue_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.queue_view.verticalHeader().setVisible(False)
        self.queue_view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.queue_view.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSectionsMovable(True)
        header.setMinimumSectionSize(32)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        for visual, column in enumerate(DEFAULT_ORDER):
            header.moveSection(header.visualIndex(column), visual)
        self._show_sort_indicator()

        self.empty_view = EmptyQueueView()
        self.empty_view.add_button("admin", "Администрирование: отделы и пользователи",
                                   "Отделы и учреждения, кураторы и исполнители", self.show_admin)
        self.empty_view.add_button("import", "Импорт из платформы мониторинга…",
                                   "Выгрузка CSV или XLSX (Ctrl+I)", self.show_import)
        self.empty_view.add_button("new", "Новый инцидент…",
                                   "Зарегистрировать сообщение вручную (Ctrl+N)", self.show_new_incident)
        self.queue_stack = QStackedWidget()
        self.queue_stack.addWidget(self.empty_view)
        self.queue_stack.addWidget(self.queue_view)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 4, 3, 4)
        left_layout.setSpacing(4)
        left_layout.addLayout(tabs_row)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(self.queue_stack, 1)
        self.queue_pane = left

        self.card_view = IncidentCardView(self.actor)
        self.card_view.loading_changed.connect(lambda _loading: self._update_card_pane())
        right = QWidget()
        self.card_layout = QVBoxLayout(right)
        self.card_layout.setContentsMargins(3, 6, 6, 6)
        self.card_layout.addWidget(self.card_view)
        self.card_pane = right

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([1050, 550])

        self.banner = NotificationBanner()
        self.connection_banner = ConnectionBanner()
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.connection_banner)
        central_layout.addWidget(self.banner)
        #: the incidents (the queue and the card) or the official pages, made when first shown
        self.sections = QStackedWidget()
        self.sections.addWidget(self.splitter)
        self.pages_section = None
        central_layout.addWidget(self.sections, 1)
        self.setCentralWidget(central)

    @property
    def queue_placeholder(self) -> QLabel:
        """The headline shown where the queue goes while it has no rows."""
        return self.empty_view.title_label

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
        header = self.queue_view.horizontalHeader()
        header.sectionClicked.connect(self._header_clicked)
        header.sectionResized.connect(self._section_resized)
        header.customContextMenuRequested.connect(self._show_header_menu)
        self.queue_view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.queue_view.activated.connect(lambda _index: self.focus_card())
        self.queue_view.clicked.connect(self._row_clicked)
        self.queue_view.customContextMenuRequested.connect(self._show_queue_menu)
        self.queue_view.viewport().installEventFilter(self)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._update_queue_placeholder)
        model.loading_changed.connect(self._loading_changed)
        model.page_loaded.connect(self._page_loaded)
        model.total_changed.connect(self._total_changed)
        model.load_failed.connect(self._load_failed)
        model.thresholds_crossed.connect(self.refresh_quietly)
        self.card_view.changed.connect(lambda incident_id: self.queue_model.refresh_changed({incident_id}))
        self.card_timer = QTimer(self)
        self.card_timer.setSingleShot(True)
        self.card_timer.setInterval(CARD_DEBOUNCE_MS)
        self.card_timer.timeout.connect(self._show_selected_card)
        self.fit_timer = QTimer(self)
        self.fit_timer.setSingleShot(True)
        self.fit_timer.setInterval(0)
        self.fit_timer.timeout.connect(self.fit_columns)
        back = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.card_view)
        back.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        back.activated.connect(lambda: self.queue_view.setFocus(Qt.FocusReason.ShortcutFocusReason))

    # --- settings ----------------------------------------------------------------------------

    def _load_settings(self) -> dict[str, Any]:
        settings = ui_settings()
        settings.beginGroup(self._settings_group)
        try:
            filters = _json(settings.value("filters", ""), {})
            widths = _json(settings.value("column_widths", ""), {})
            placement = settings.value("card_placement", "auto")
            descending = settings.value("sort_descending", False)
            return {
                "geometry": settings.value("geometry"),
                "splitter_horizontal": settings.value("splitter_horizontal"),
                "splitter_vertical": settings.value("splitter_vertical"),
                "header": settings.value("header"), "preset": settings.value("preset"),
                "filters": filters if isinstance(filters, dict) else {},
                "column_widths": {int(k): int(v) for k, v in widths.items()
                                  if str(k).isdigit() and 0 <= int(k) < len(Column) and int(k) != Column.TEXT
                                  and isinstance(v, int) and v > 0} if isinstance(widths, dict) else {},
                "placement": placement if placement in PLACEMENTS else "auto",
                "card_visible": settings.value("card_visible", True) not in (False, "false", "0", 0),
                "sort_column": settings.value("sort_column"),
                "sort_descending": descending in (True, "true", "1", 1),
            }
        finally:
            settings.endGroup()

    def _restore_layout(self, saved: dict[str, Any]) -> None:
        if saved.get("geometry"):
            self.restoreGeometry(saved["geometry"])
        if saved.get("header"):
            self._fitting = True
            header = self.queue_view.horizontalHeader()
            try:
                header.restoreState(saved["header"])
                # a state saved by an older version may carry a stretching text column: the widths
                # are shared out by fit_columns now
                header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
                header.setStretchLastSection(False)
            finally:
                self._fitting = False
        # the splitter follows once the window has its real size (see showEvent)
        self._show_sort_indicator()

    def save_settings(self) -> None:
        """Remember the window, the card's place, the columns, the tab, the filters and the sort."""
        self._splitter_states[_orientation_key(self.splitter.orientation())] = self.splitter.saveState()
        settings = ui_settings()
        settings.beginGroup(self._settings_group)
        settings.setValue("geometry", self.saveGeometry())
        for key, state in self._splitter_states.items():
            if state is not None:
                settings.setValue(f"splitter_{key}", state)
        settings.setValue("card_placement", self._placement)
        settings.setValue("card_visible", self.card_visible_action.isChecked())
        settings.setValue("header", self.queue_view.horizontalHeader().saveState())
        settings.setValue("column_widths", json.dumps({str(k): v for k, v in self._user_widths.items()}))
        settings.setValue("preset", self.current_preset())
        settings.setValue("filters", json.dumps(self.filter_bar.state(), ensure_ascii=False))
        sort = self.queue_model.sort_order
        settings.setValue("sort_column", sort.column)
        settings.setValue("sort_descending", sort.descending)
        settings.endGroup()
        settings.sync()

    # --- where the card goes and how the columns share the width --------------------------------

    @property
    def card_placement(self) -> str:
        """«auto», «right» or «below» (Вид → Карточка инцидента)."""
        return self._placement

    def set_card_placement(self, placement: str) -> None:
        """Put the card beside the queue, under it, or let the window's width decide."""
        if placement not in PLACEMENTS:
            raise ValueError(placement)
        self._placement = placement
        self.placement_actions[placement].setChecked(True)
        self._apply_placement()

    def _wanted_orientation(self) -> Qt.Orientation:
        if self._placement == "right":
            return Qt.Orientation.Horizontal
        if self._placement == "below":
            return Qt.Orientation.Vertical
        wide = self.width() >= CARD_BELOW_WIDTH
        return Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical

    def _apply_placement(self, *, force: bool = False) -> None:
        orientation = self._wanted_orientation()
        current = self.splitter.orientation()
        if orientation == current and not force:
            return
        if orientation != current:
            self._splitter_states[_orientation_key(current)] = self.splitter.saveState()
            self.splitter.setOrientation(orientation)
        below = orientation == Qt.Orientation.Vertical
        self.queue_pane.layout().setContentsMargins(6, 4, 6 if below else 3, 2 if below else 4)
        self.card_layout.setContentsMargins(6 if below else 3, 2 if below else 6, 6, 6)
        state = self._splitter_states.get(_orientation_key(orientation))
        if not (state is not None and self.splitter.restoreState(state) and self.splitter.orientation() == orientation):
            self.splitter.setOrientation(orientation)
            self._default_splitter_sizes()
        self.fit_timer.start()

    def _default_splitter_sizes(self) -> None:
        if self.splitter.orientation() == Qt.Orientation.Horizontal:
            total = max(self.splitter.width(), 800)
            card = max(CARD_MIN_WIDTH, int(total * CARD_SHARE))
            self.splitter.setSizes([total - card, card])
        else:
            total = max(self.splitter.height(), 400)
            queue_part = int(total * 0.52)
            self.splitter.setSizes([queue_part, total - queue_part])

    def _card_visibility_changed(self, _visible: bool) -> None:
        self._update_card_pane()

    def _update_card_pane(self) -> None:
        """The card is shown as the user chose — but not while there is nothing to show in it (an
        empty queue and no card open), so that the first steps get the room."""
        idle = self.queue_model.rowCount() == 0 and self.card_view.card is None and not self.card_view.loading
        visible = self.card_visible_action.isChecked() and not idle
        if self.card_pane.isHidden() == visible:
            self.card_pane.setVisible(visible)
            self.fit_timer.start()

    def show_card_pane(self) -> None:
        """Bring the card back if the user hid it (Enter on a row, a notification)."""
        if not self.card_visible_action.isChecked():
            self.card_visible_action.setChecked(True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.queue_view.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_timer.start()
        return super().eventFilter(watched, event)

    def _column_sizes(self) -> dict[Column, tuple[int, int]]:
        """(narrowest, usual) width of each column in the current fonts; a user's size is both."""
        plain = self.queue_view.fontMetrics()
        bold_font = self.queue_view.font()
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        header_metrics = self.queue_view.horizontalHeader().fontMetrics()
        pad = 14

        def head(column: Column) -> int:  # the title and room for the sort arrow
            return header_metrics.horizontalAdvance(self.queue_model.headerData(column, Qt.Orientation.Horizontal)) \
                + pad + 16

        def fixed(width: int, column: Column) -> tuple[int, int]:
            width = max(width + pad, head(column))
            return width, width

        def flexible(narrow: str, usual: str, column: Column) -> tuple[int, int]:
            low = max(plain.horizontalAdvance(narrow) + pad, head(column))
            return low, max(low, plain.horizontalAdvance(usual) + pad)

        sizes = {
            Column.NUMBER: fixed(bold.horizontalAdvance("00000"), Column.NUMBER),
            Column.NETWORK: fixed(plain.horizontalAdvance("ТГ") + 20, Column.NETWORK),
            Column.REMAINING: fixed(max(bold.horizontalAdvance("просрочено на 8 ч 25 мин"),
                                        plain.horizontalAdvance("осталось 6 рабочих дней")), Column.REMAINING),
            Column.DETECTED: fixed(plain.horizontalAdvance("00.00.0000 00:00"), Column.DETECTED),
            Column.PRIORITY: fixed(bold.horizontalAdvance("повышенный"), Column.PRIORITY),
            Column.STATUS: flexible("На согласовании", "Ждёт ответа автора · 12 ч 30 мин", Column.STATUS),
            Column.AUTHOR: flexible("Иванова А. С.", "Константинопольская Анна", Column.AUTHOR),
            Column.TOPIC: flexible("Благоустр.", "Благоустройство / Освещение", Column.TOPIC),
            Column.EXECUTORS: flexible("ЖКХ, МКУ", "Отдел ЖКХ, МКУ «Благо»", Column.EXECUTORS),
            Column.TEXT: flexible("Не горят фонари на", "", Column.TEXT),
        }
        # a flexible column is no wider than what the rows on the screen need (short statuses, no
        # topic yet on «Новые»), so the width goes where there is something to show
        content = self._content_widths(FLEXIBLE)
        for column in FLEXIBLE:
            if column in content:
                low, usual = sizes[column]
                usual = min(usual, max(content[column] + pad, head(column)))
                sizes[column] = (min(low, usual), usual)
        for column, width in self._user_widths.items():
            sizes[Column(column)] = (width, width)
        return sizes

    def _content_widths(self, columns: tuple[Column, ...], rows: int = CONTENT_ROWS) -> dict[Column, int]:
        """The widest text of each column among the first rows loaded (none without rows)."""
        model = self.queue_model
        count = min(model.rowCount(), rows)
        if not count:
            return {}
        metrics = self.queue_view.fontMetrics()
        return {column: max(metrics.horizontalAdvance(str(model.data(model.index(r, column)) or ""))
                            for r in range(count)) for column in columns}

    def _empty_columns(self) -> set[Column]:
        """Optional columns with nothing in any loaded row (no topic, no executors yet): they give way first."""
        return {c for c, width in self._content_widths((Column.TOPIC, Column.EXECUTORS)).items() if width == 0}

    def fit_columns(self) -> None:
        """Share the queue's width: the essential columns always, the others while there is room."""
        header = self.queue_view.horizontalHeader()
        available = self.queue_view.viewport().width()
        if available <= 0 or self._fitting:
            return
        sizes = self._column_sizes()
        only_executor = self.actor.has(Role.EXECUTOR) and not self.actor.reads_everything
        shown = set(Column)
        # the status in full («Ждёт ответа автора · 4 ч 15 мин») and some room for the text come
        # before the optional columns; a column sized by hand never gives way
        status_gap = sizes[Column.STATUS][1] - sizes[Column.STATUS][0]
        order = GIVE_WAY_EXECUTOR if only_executor else GIVE_WAY
        empty = self._empty_columns()
        for column in [c for c in order if c in empty] + [c for c in order if c not in empty]:
            if sum(sizes[c][0] for c in shown) + status_gap + TEXT_COMFORT_PX <= available:
                break
            if column not in self._user_widths:
                shown.discard(column)
        widths = {c: sizes[c][0] for c in shown}
        extra = max(0, available - sum(widths.values()))
        grow = min(extra, status_gap)
        widths[Column.STATUS] += grow
        extra -= grow
        comfort = min(extra, TEXT_COMFORT_PX)
        extra -= comfort
        for column in FLEXIBLE:
            if column in shown and extra > 0:
                grow = min(extra, sizes[column][1] - widths[column])
                widths[column] += grow
                extra -= grow
        widths[Column.TEXT] += comfort + extra
        self._fitting = True
        try:
            for column in Column:
                hidden = column not in shown
                if header.isSectionHidden(column) != hidden:
                    header.setSectionHidden(column, hidden)
                if not hidden and header.sectionSize(column) != widths[column]:
                    header.resizeSection(column, widths[column])
        finally:
            self._fitting = False

    def _section_resized(self, section: int, _old: int, new: int) -> None:
        if self._fitting or new <= 0 or section == Column.TEXT:
            return
        self._user_widths[section] = new  # the user dragged its edge: that column keeps this size
        self.fit_timer.start()

    def reset_columns(self) -> None:
        """Вид → Ширина столбцов по умолчанию: forget the sizes set by hand."""
        self._user_widths.clear()
        self.fit_columns()

    def _show_header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        menu.addAction(self.reset_columns_action)
        menu.exec(self.queue_view.horizontalHeader().mapToGlobal(pos))

    def column_visible(self, column: Column) -> bool:
        """True when the column is on the screen without scrolling (for tests of small screens)."""
        header = self.queue_view.horizontalHeader()
        if header.isSectionHidden(column):
            return False
        left = header.sectionViewportPosition(column)
        return left >= 0 and left + header.sectionSize(column) <= self.queue_view.viewport().width()

    # --- the queue -----------------------------------------------------------------------------

    def current_preset(self) -> str:
        return str(self.tab_bar.tabData(self.tab_bar.currentIndex()))

    def show_preset(self, code: str) -> bool:
        """Switch to the tab ``code`` and bring the window up; False if this user has no such tab."""
        index = next((i for i in range(self.tab_bar.count()) if self.tab_bar.tabData(i) == code), -1)
        if index < 0:
            return False
        self.show_incidents()
        self.tab_bar.setCurrentIndex(index)
        self.raise_()
        self.activateWindow()
        return True

    def apply_filter(self) -> None:
        """The tab or a filter changed: load the queue from its first page."""
        self.queue_model.set_filter(self.filter_bar.queue_filter(self.current_preset()))

    def refresh(self) -> None:
        """F5: load the queue again from the first page, and the card (in «Страницы»: its tab)."""
        if self.pages_section is not None and self.sections.currentWidget() is self.pages_section:
            self.pages_section.refresh()
            return
        self.queue_model.reload()
        self.card_view.reload()

    def refresh_quietly(self) -> None:
        """Reload the rows already loaded, keeping the selection and the scroll position; the card
        follows when its row comes back changed."""
        self.queue_model.reload(keep_rows=True)

    def _incident_changed(self, incident_id: int) -> None:
        """A workflow event (this window's or another's): its row, and the card if it is this one."""
        self.queue_model.refresh_changed({incident_id})
        if incident_id == self.card_view.incident_id:
            self.card_view.reload()

    def _changed_elsewhere(self, incident_ids: frozenset[int]) -> None:
        """Another PC changed these incidents (an empty set: more than one look names): the rows are read
        again (only they: the order of the loaded rows is checked, every other row kept), and the card if it
        shows one of them — after its open dialog closes, never under it."""
        self.queue_model.refresh_changed(incident_ids)
        shown = self.card_view.incident_id
        if shown is not None and (not incident_ids or shown in incident_ids):
            self.card_view.reload()
        self.notifier.resync_soon()  # a clock another PC started may be this user's

    def _connection_changed(self, up: bool) -> None:
        if up:
            self.connection_banner.show_back()
            self.statusBar().showMessage(BACK, 15_000)
            self.refresh_quietly()
            self.card_view.reload()
        else:
            self.connection_banner.show_lost(self.live.retry_in_ms())

    def _retrying(self, retry_in_ms: int) -> None:
        """Still out of reach (a try failed): the banner counts down to the next one."""
        if not self.live.connected:
            self.connection_banner.show_lost(retry_in_ms)

    def _sync_card(self) -> None:
        """The card shows what its queue row says: a newer version in the row reloads the card."""
        card = self.card_view.card
        if card is None:
            return
        row = self.queue_model.row_of(card.id)
        if row >= 0:
            self.card_view.refresh_if_outdated(card.id, self.queue_model.row_at(row).version)

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

    def _page_loaded(self, rows: int) -> None:
        self._update_queue_placeholder()
        if self._selected_id is not None:
            row = self.queue_model.row_of(self._selected_id)
            selected = self.queue_view.selectionModel().selectedRows()
            if row >= 0 and not (selected and selected[0].row() == row):
                self.queue_view.selectionModel().blockSignals(True)
                self.queue_view.selectRow(row)
                self.queue_view.selectionModel().blockSignals(False)
                self.queue_view.viewport().update()
        self._sync_card()
        self._find_pending()
        self.fit_timer.start()
        if rows == 0 and not self.filter_bar.is_active():
            self._check_first_steps()

    def _find_pending(self) -> None:
        """Select the incident just registered once the queue has it; if this tab or its filters
        hide it, clear the filters and look on «Новые» (where every new incident is)."""
        incident_id = self._pending_select
        if incident_id is None or self.queue_model.loading:
            return
        row = self.queue_model.row_of(incident_id)
        if row >= 0:
            self._pending_select = None
            self._selected_id = incident_id
            self.queue_view.selectRow(row)
            self.queue_view.scrollTo(self.queue_model.index(row, 0))
            return
        if self._pending_cleared:
            self._pending_select = None  # beyond the first page: the card shows it all the same
            return
        self._pending_cleared = True
        self.filter_bar.blockSignals(True)
        try:
            self.filter_bar.reset()
        finally:
            self.filter_bar.blockSignals(False)
        self.tab_bar.blockSignals(True)
        try:
            self.show_preset("new" if any(c == "new" for c, _l in self.presets) else self.current_preset())
        finally:
            self.tab_bar.blockSignals(False)
        self.apply_filter()

    def _total_changed(self, total: int) -> None:
        self.count_label.setText(f"Найдено: {formatting.plural(total, formatting.INCIDENTS)}")

    def _load_failed(self, message: str) -> None:
        self.statusBar().showMessage(message, 15_000)
        self._update_queue_placeholder(message)

    def _check_first_steps(self) -> None:
        if self._checking_first_steps:
            return
        self._checking_first_steps = True
        actor = self.actor

        def done(steps: FirstSteps) -> None:
            self._checking_first_steps = False
            self._first_steps = steps
            self._update_queue_placeholder()

        def failed(exc: BaseException) -> None:
            self._checking_first_steps = False
            log.warning("Не удалось проверить, есть ли инциденты: %s", exc)

        self.runner.run(lambda: first_steps(actor), done, failed)

    def _empty_state(self) -> tuple[str, str, tuple[str, ...]]:
        """The headline, the hint and the buttons of the empty queue."""
        steps = self._first_steps
        curator, admin = self.actor.is_curator, self.actor.has(Role.ADMIN)
        if steps is not None and not steps.has_incidents:
            buttons: list[str] = []
            hints: list[str] = []
            if admin:
                buttons.append("admin")
                if steps.needs_setup:
                    hints.append("Сначала заведите отделы и подведомственные учреждения и пользователей: "
                                 "кураторов и исполнителей.")
            if curator:
                buttons += ["import", "new"]
                hints.append("Инциденты появятся после импорта выгрузки платформы мониторинга или "
                             "регистрации сообщения вручную.")
            elif self.actor.has(Role.EXECUTOR):
                hints.append("Вашему отделу пока ничего не направлено: инцидент появится здесь, когда "
                             "куратор направит его вашему отделу (п. 10).")
            elif not admin:
                hints.append("Инциденты регистрирует куратор — импортом из платформы мониторинга или "
                             "вручную; они появятся здесь.")
            else:
                hints.append("Инциденты зарегистрирует куратор — импортом или вручную.")
            return "Инцидентов пока нет", " ".join(hints), tuple(buttons)
        preset = self.current_preset()
        buttons = ("import", "new") if curator and preset == "new" else ()
        return "Очередь пуста", EMPTY_TAB_HINTS.get(preset, ""), buttons

    def _update_queue_placeholder(self, message: str | None = None) -> None:
        empty = self.queue_model.rowCount() == 0
        if empty:
            if message:
                self.empty_view.show_state(message)
            elif self.queue_model.loading:
                self.empty_view.show_state("Загрузка…")
            elif self.filter_bar.is_active():
                self.empty_view.show_state("Ничего не найдено: измените фильтры или поиск")
            else:
                self.empty_view.show_state(*self._empty_state())
            self.count_label.setText("" if self.queue_model.loading else "Найдено: 0")
        self.queue_stack.setCurrentWidget(self.empty_view if empty else self.queue_view)
        self._update_card_pane()

    def _on_selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if indexes:
            incident_id = int(indexes[0].data(INCIDENT_ID_ROLE))
            self._selected_id = incident_id
            self.incident_selected.emit(incident_id)
            self.card_timer.start()

    def _show_selected_card(self) -> None:
        if self._selected_id is None:
            return
        if self._selected_id != self.card_view.incident_id:
            self.card_view.show_incident(self._selected_id)
        else:
            self._sync_card()

    def _row_clicked(self, index: QModelIndex) -> None:
        """A click on the row whose card is open: show its current state (another window may have acted)."""
        incident_id = index.data(INCIDENT_ID_ROLE)
        if incident_id is not None and int(incident_id) == self.card_view.incident_id and not self.card_timer.isActive():
            self.card_view.reload()

    def open_incident(self, incident_id: int) -> None:
        """Show the incident's card (a notification was clicked), selecting its row if loaded."""
        self.show_incidents()
        self._selected_id = incident_id
        row = self.queue_model.row_of(incident_id)
        if row >= 0:
            self.queue_view.selectRow(row)
            self.queue_view.scrollTo(self.queue_model.index(row, 0))
        self.card_timer.stop()
        self.show_card_pane()
        self.card_view.show_incident(incident_id)
        self.raise_()
        self.activateWindow()

    def select_incident(self, incident_id: int) -> None:
        """Show the incident's card and select its row once the queue has it (clearing the
        filters, or switching to «Новые», when they hide it)."""
        self._pending_select = incident_id
        self._pending_cleared = False
        self.open_incident(incident_id)
        self.queue_model.reload(keep_rows=True)

    def focus_card(self) -> None:
        """Enter on a row: show its card now and move the keyboard focus there."""
        self.show_card_pane()
        self._show_selected_card()
        self.card_view.focus_card()

    def focus_search(self) -> None:
        """Ctrl+F."""
        self.filter_bar.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter_bar.search_edit.selectAll()

    def make_queue_menu(self, pos: QPoint) -> QMenu:
        """The queue's context menu at ``pos`` (viewport coordinates), not yet shown."""
        menu = QMenu(self)
        index = self.queue_view.indexAt(pos)
        if index.isValid():
            row: QueueRow = index.data(ROW_ROLE)
            self.queue_view.selectRow(index.row())
            self.open_card_action.setText(f"&Открыть карточку инцидента № {row.incident_id}")
            menu.addAction(self.open_card_action)
            menu.addSeparator()
        if self.actor.is_curator:
            menu.addAction(self.new_incident_action)
            menu.addSeparator()
        menu.addAction(self.refresh_action)
        menu.addAction(self.export_action)
        return menu

    def _show_queue_menu(self, pos: QPoint) -> None:
        self.make_queue_menu(pos).exec(self.queue_view.viewport().mapToGlobal(pos))

    # --- other windows ---------------------------------------------------------------------------

    def show_new_incident(self) -> None:
        """Файл → Новый инцидент… (Ctrl+N, the curator): register by hand, then select it in the queue."""
        if not self.actor.is_curator:
            return
        from app.ui.new_incident_dialog import NewIncidentDialog

        dialog = NewIncidentDialog(self.actor, self)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        if accepted and dialog.ref is not None:
            self.statusBar().showMessage(f"Инцидент № {dialog.ref.id} зарегистрирован", 15_000)
            self.select_incident(dialog.ref.id)
        elif dialog.open_requested is not None:
            self.open_incident(dialog.open_requested)  # «открыть» beside a duplicate link

    def show_incidents(self) -> None:
        """Вид → Инциденты (Ctrl+Shift+I): the queue and the card."""
        self.incidents_section_action.setChecked(True)
        self.sections.setCurrentWidget(self.splitter)
        self.queue_view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_pages(self, tab: str = "") -> None:
        """Вид → Страницы (Ctrl+Shift+P): the official pages; ``tab`` «weeks» opens the weekly grid."""
        if not self.pages_section_action.isVisible():
            return
        if self.pages_section is None:
            from app.ui.pages.section import PagesSection

            self.pages_section = PagesSection(self.actor)
            self.sections.addWidget(self.pages_section)
        self.pages_section_action.setChecked(True)
        self.sections.setCurrentWidget(self.pages_section)
        if tab == "weeks":
            self.pages_section.show_tab(self.pages_section.weeks_tab)
        self.pages_section.refresh_current(only_new=True)

    def show_dashboard(self) -> None:
        """Вид → Сводка."""
        from app.ui.dashboard import DashboardWindow

        if self._dashboard is None:
            self._dashboard = DashboardWindow(self.actor, self)
            self._dashboard.show_overdue_requested.connect(lambda: self.show_preset("overdue"))
            self._dashboard.show_pages_requested.connect(lambda: self.show_pages("weeks"))
        else:
            self._dashboard.refresh()
        self._dashboard.show()
        self._dashboard.raise_()
        self._dashboard.activateWindow()

    def show_admin(self) -> None:
        """Файл → Администрирование… (administrators; a curator gets the answer-check policy only)."""
        if not (self.actor.has(Role.ADMIN) or self.actor.is_curator):
            return
        from app.ui.admin_window import AdminWindow

        self._admin_window = AdminWindow(self.actor, self)
        self._admin_window.show()

    def show_settings(self) -> None:
        """Файл → Настройки…: opens on the database this program runs on."""
        from app.services.running_db import current_url
        from app.ui.settings_dialog import SettingsDialog

        SettingsDialog(actor=self.actor, parent=self, running_url=current_url()).exec()
        prefs = preferences()
        self.notifier.set_preferences(prefs["tray"] and QSystemTrayIcon.isSystemTrayAvailable(), prefs["sound"])

    def show_import(self) -> None:
        """Файл → Импорт… (curator): the wizard, then the queue shows what arrived."""
        if not self.actor.is_curator:
            return
        from app.ui.import_wizard import ImportWizard

        wizard = ImportWizard(self.actor, self)
        wizard.exec()
        if wizard.result is not None and wizard.result.imported:
            self._first_steps = None
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

    def help_section(self) -> str:
        """The guide's section about what the window shows now: the tab of «Страницы», or the
        queue of this user's role."""
        if self.pages_section is not None and self.sections.currentWidget() is self.pages_section:
            return self.pages_section.help_section()
        if self.actor.is_curator:
            return Section.CURATOR_QUEUE
        if self.actor.has(Role.EXECUTOR):
            return Section.EXECUTOR_QUEUE
        if self.actor.has(Role.RESPONSIBLE):
            return Section.RESPONSIBLE
        if self.actor.has(Role.HEAD):
            return Section.HEAD
        return Section.START

    def show_guide(self) -> None:
        """Справка → Руководство (F1): the guide, at the section about what is on the screen."""
        self.guide_window = show_guide(self, self.help_section())

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
        done = self.live.wait_idle(timeout_s) and done
        done = self.runner.wait(timeout_s) and done
        if self._dashboard is not None:
            done = self._dashboard.runner.wait(timeout_s) and done
        for task in self.findChildren(ProgressTask):  # exports still writing
            done = task.wait(timeout_s) and done
        return done

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._shown_once:  # the saved splitter once the window has its real size
            self._shown_once = True
            QTimer.singleShot(0, self, lambda: self._apply_placement(force=True))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.isVisible():
            self._apply_placement()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.save_settings()
        self.notifier.stop()
        self.live.stop()
        self.queue_model.countdown_timer.stop()
        if self._dashboard is not None:
            self._dashboard.close()
        self.wait_idle()
        super().closeEvent(event)


def _orientation_key(orientation: Qt.Orientation) -> str:
    return "horizontal" if orientation == Qt.Orientation.Horizontal else "vertical"


def _json(text: object, default: Any) -> Any:
    try:
        return json.loads(text) if isinstance(text, str) and text else default
    except ValueError:
        return default
