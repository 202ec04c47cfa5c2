"""«Производственный календарь»: a year of twelve month grids, day edits, confirmation, CSV import."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPoint, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QActionGroup, QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QFileDialog, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QMenu, QProgressBar,
    QPushButton, QScrollArea, QSpinBox, QTableView, QVBoxLayout, QWidget,
)

from app.services import admin, calendar_store
from app.services.errors import ValidationError
from app.services.permissions import Actor
from app.services.production_calendar import MONTHS_GENITIVE, MONTHS_NOMINATIVE, YearCalendar, is_public_holiday_date
from app.ui.admin.common import DATE_ROLE, WEEKDAYS, WEEKDAYS_SHORT, AdminTab, BackgroundTask, ModelIndex, make_hint


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
