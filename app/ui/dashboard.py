"""The «Сводка» window: today's incidents, what is overdue now, answers in time this month, two
charts — incidents a day over four weeks and the on-time share a week over eight — and the load
of each unit. Refreshes itself every minute; the numbers are computed off the GUI thread.

The charts are drawn with ``QPainter`` (``BarChart``): QtCharts is not part of PySide6-Essentials.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from babel.dates import format_date
from PySide6.QtCore import (
    QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QHelpEvent, QKeySequence, QPainter, QPaintEvent, QPen, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app.services import dashboard, formatting, queue
from app.services.calendar_store import current_calendar
from app.services.dashboard import AnswerOutcomes, Dashboard, Trend, UnitLoad
from app.services.errors import DomainError
from app.services.pages import weeks as page_weeks
from app.services.permissions import Actor
from app.ui.queue_model import TaskRunner
from app.ui.widgets import fit_to_screen
from app.ui.help import Section, install_help

log = logging.getLogger(__name__)

REFRESH_MS = 60_000
PAGES = ("страница", "страницы", "страниц")
#: secondary text: quieter than the figures, still readable (a disabled label's grey is not)
MUTED_STYLE = "color: #616161;"
ModelIndex = QModelIndex | QPersistentModelIndex


class UnitLoadModel(QAbstractTableModel):
    """Open assignments per unit, busiest first."""

    HEADERS = ("Отдел / учреждение", "Открытых поручений", "Из них просрочено")
    HEADER_TIPS = ("", "Инциденты в работе, направленные отделу или учреждению",
                   "Из них инциденты, у которых истёк срок какого-либо шага (как на вкладке «Просроченные»), "
                   "в том числе шага куратора — согласования или перенаправления")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[UnitLoad] = []

    def set_rows(self, rows: list[UnitLoad] | tuple[UnitLoad, ...]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.HEADER_TIPS[section] or None
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows) \
                or not 0 <= index.column() < len(self.HEADERS):
            return None
        unit = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (unit.unit_name, str(unit.open_assignments), str(unit.overdue))[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return unit.unit_name
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == 2 and unit.overdue:
            return QBrush(QColor("#b00020"))
        if role == Qt.ItemDataRole.FontRole and column == 2 and unit.overdue:
            font = QFont()
            font.setBold(True)
            return font
        return None


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its height, the caption under it (may be empty), its tooltip, its colour."""

    value: float
    caption: str
    tooltip: str
    color: str
    #: the number written above the bar ("" for none)
    label: str = ""


BAR_COLOR = "#4a7fb5"
TODAY_COLOR = "#1f5d99"
SHARE_COLORS = ((0.9, "#2e7d32"), (0.75, "#c98a00"), (0.0, "#b00020"))
NO_DATA_COLOR = "#c8c8c8"


def share_color(share: float | None) -> str:
    """Green from 90 % in time, amber from 75 %, red below."""
    if share is None:
        return NO_DATA_COLOR
    return next(color for bound, color in SHARE_COLORS if share >= bound)


class BarChart(QWidget):
    """A small bar chart drawn with QPainter: bars, captions under some of them, a value over each
    when there is room, a tooltip per bar, and an empty-chart note."""

    def __init__(self, title: str, parent: QWidget | None = None, *, maximum: float | None = None,
                 empty_text: str = "нет данных") -> None:
        super().__init__(parent)
        self.title = title
        self.maximum = maximum
        self.empty_text = empty_text
        self.bars: list[Bar] = []
        self.setMinimumSize(220, 130)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setToolTip(title)

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(360, 150)

    def set_bars(self, bars: list[Bar]) -> None:
        self.bars = list(bars)
        self.update()

    def _plot(self) -> QRect:
        metrics = self.fontMetrics()
        top = metrics.height() + 6
        bottom = metrics.height() + 4
        return self.rect().adjusted(4, top + metrics.height(), -4, -bottom)

    def bar_rect(self, index: int) -> QRect:
        """Where bar ``index`` is drawn (its full column, whatever its height)."""
        plot = self._plot()
        count = max(len(self.bars), 1)
        width = plot.width() / count
        return QRect(int(plot.left() + index * width), plot.top(), max(int(width), 1), plot.height())

    def bar_at(self, pos: QPoint) -> int:
        """The bar under ``pos`` or -1."""
        for index in range(len(self.bars)):
            if self.bar_rect(index).adjusted(0, -self.fontMetrics().height(), 0, 0).contains(pos):
                return index
        return -1

    def event(self, event: QEvent) -> bool:  # noqa: D102
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.bar_at(event.pos())
            if index >= 0:
                QToolTip.showText(event.globalPos(), self.bars[index].tooltip, self)
            else:
                QToolTip.showText(event.globalPos(), self.title, self)
            return True
        return super().event(event)

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = self.fontMetrics()
        text_color = self.palette().color(self.foregroundRole())
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text_color)
        painter.drawText(QRect(0, 0, self.width(), metrics.height() + 4),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), self.title)
        painter.setFont(self.font())
        plot = self._plot()
        painter.setPen(QPen(QColor("#9e9e9e"), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        peak = self.maximum if self.maximum is not None else max((b.value for b in self.bars), default=0)
        if not self.bars or peak <= 0:
            painter.setPen(QColor("#6b6b6b"))
            painter.drawText(plot, int(Qt.AlignmentFlag.AlignCenter), self.empty_text)
            painter.end()
            return
        for index, bar in enumerate(self.bars):
            column = self.bar_rect(index)
            gap = max(1, column.width() // 6)
            height = int(plot.height() * min(bar.value, peak) / peak) if bar.value > 0 else 0
            rect = QRect(column.left() + gap, plot.bottom() - height, max(column.width() - 2 * gap, 1), height)
            painter.fillRect(rect, QColor(bar.color))
            if bar.label and metrics.horizontalAdvance(bar.label) <= column.width() + gap:
                painter.setPen(text_color)
                painter.drawText(QRect(column.left() - gap, rect.top() - metrics.height() - 1,
                                       column.width() + 2 * gap, metrics.height()),
                                 int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom), bar.label)
            if bar.caption:
                painter.setPen(QColor("#555555"))
                caption_width = metrics.horizontalAdvance(bar.caption) + 4
                painter.drawText(QRect(column.center().x() - caption_width // 2, plot.bottom() + 2, caption_width,
                                       metrics.height()),
                                 int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), bar.caption)
        painter.end()


def day_bars(trend: Trend) -> list[Bar]:
    """A bar a day; Mondays carry their date under the bar, today is darker."""
    bars = []
    last = len(trend.days) - 1
    for n, d in enumerate(trend.days):
        when = format_date(d.day, "EEEE, d MMMM", locale="ru")
        bars.append(Bar(d.count, format_date(d.day, "d.MM", locale="ru") if d.day.weekday() == 0 else "",
                        f"{when}: {formatting.plural(d.count, formatting.INCIDENTS)}",
                        TODAY_COLOR if n == last else BAR_COLOR, str(d.count) if d.count else ""))
    return bars


def week_bars(trend: Trend) -> list[Bar]:
    """A bar a week: the share of answers in time, coloured by how good it is."""
    bars = []
    for w in trend.weeks:
        period = f"{w.first_day:%d.%m}–{w.last_day:%d.%m}"
        share = w.share
        if share is None:
            tip = f"Неделя {period}: сроки ответов ещё не истекли" if w.pending else f"Неделя {period}: инцидентов не было"
        else:
            tip = f"Неделя {period}: в срок {w.on_time} из {w.decided} ({formatting.percent(share)})"
        if w.pending:
            tip += f"; ещё {w.pending} в работе"
        bars.append(Bar(share or 0.0, f"{w.first_day:%d.%m}", tip, share_color(share),
                        f"{round(share * 100)}" if share is not None else ""))
    return bars


def _big(text: str = "") -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 2.0)
    font.setBold(True)
    label.setFont(font)
    return label


def share_text(share: dashboard.AnswerShare) -> str:
    """«46 из 50 в срок; ещё 3 в работе» — the line under the progress bar."""
    if not share.decided and not share.pending:
        return "инцидентов не было"
    text = f"{share.on_time} из {share.decided} в срок" if share.decided else "сроки ещё не истекли"
    if share.pending:
        text += f"; ещё {share.pending} в работе"
    return text


class DashboardWindow(QWidget):
    """The «Сводка»: a separate window the curator keeps beside the queue."""

    refreshed = Signal()
    #: «Показать в очереди»: the main window should open its «Просроченные» tab
    show_overdue_requested = Signal()
    #: «Публикации по неделям»: the main window should open the weekly grid of the pages
    show_pages_requested = Signal()

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        install_help(self, Section.DASHBOARD)
        self.actor = actor
        self.setWindowTitle("Инциденты — сводка")
        self.dashboard: Dashboard | None = None
        self.trend: Trend | None = None
        self._outcomes = AnswerOutcomes()
        self._busy = False
        self.runner = TaskRunner(self)

        self.title_label = QLabel("<h2>Сводка</h2>")
        self.updated_label = QLabel("Загрузка…")
        self.updated_label.setStyleSheet(MUTED_STYLE)
        self.refresh_button = QPushButton("Обновить")
        self.refresh_button.setToolTip("Пересчитать сейчас (F5); сводка обновляется сама каждую минуту")
        self.refresh_button.setAutoDefault(False)
        self.refresh_button.clicked.connect(self.refresh)

        # Appendix 1, clause 5: the official pages with nothing published yet this week
        self.pages_label = QLabel()
        self.pages_label.setObjectName("pagesLabel")
        self.pages_label.setToolTip("П. 5 Приложения 1: на каждой официальной странице — не менее одной публикации "
                                    "в неделю (запланированные, но не вышедшие, считаются неопубликованными)")
        self.pages_button = QPushButton("Публикации по неделям")
        self.pages_button.setToolTip("Открыть раздел «Страницы» главного окна: сетка публикаций по неделям")
        self.pages_button.setAutoDefault(False)
        self.pages_button.clicked.connect(self.show_pages_requested)
        self.pages_row = QWidget()
        pages_layout = QHBoxLayout(self.pages_row)
        pages_layout.setContentsMargins(0, 0, 0, 0)
        pages_layout.addWidget(self.pages_label, 1)
        pages_layout.addWidget(self.pages_button)
        self.pages_row.setVisible(False)

        # today
        self.today_box = QGroupBox("Выявлено сегодня")
        self.today_total = _big("—")
        self.status_grid = QGridLayout()
        self.status_grid.setHorizontalSpacing(16)
        self.status_labels: dict[str, QLabel] = {}
        today_layout = QHBoxLayout(self.today_box)
        today_layout.addWidget(self.today_total, 0, Qt.AlignmentFlag.AlignTop)
        today_layout.addSpacing(12)
        today_layout.addLayout(self.status_grid, 1)

        # overdue now: the red rows of the queue, by the clock that ran out first
        self.overdue_box = QGroupBox("Просрочено сейчас")
        self.overdue_box.setToolTip("Инциденты, у которых истёк срок хотя бы одного шага — те же, что на вкладке "
                                    "«Просроченные» и с красным столбцом «Осталось»; по шагу, срок которого "
                                    "истёк первым")
        self.overdue_label = _big("—")
        self.open_label = QLabel()
        self.open_label.setStyleSheet(MUTED_STYLE)
        self.steps_title = QLabel("Истёк срок:")
        self.steps_grid = QGridLayout()
        self.steps_grid.setHorizontalSpacing(12)
        self.steps_grid.setVerticalSpacing(2)
        self.step_labels: dict[str, QLabel] = {}
        self.show_overdue_button = QPushButton("Показать в очереди")
        self.show_overdue_button.setToolTip("Открыть вкладку «Просроченные» главного окна")
        self.show_overdue_button.setAutoDefault(False)
        self.show_overdue_button.setVisible(any(code == "overdue" for code, _label in queue.presets_for(actor)))
        self.show_overdue_button.clicked.connect(self.show_overdue_requested)
        number_row = QHBoxLayout()
        number_row.addWidget(self.overdue_label)
        number_row.addSpacing(8)
        number_row.addWidget(self.open_label, 1, Qt.AlignmentFlag.AlignBottom)
        number_row.addWidget(self.show_overdue_button, 0, Qt.AlignmentFlag.AlignBottom)
        overdue_layout = QVBoxLayout(self.overdue_box)
        overdue_layout.addLayout(number_row)
        overdue_layout.addWidget(self.steps_title)
        overdue_layout.addLayout(self.steps_grid)
        overdue_layout.addStretch(1)

        # answers in time this month
        self.answers_box = QGroupBox("Ответы в срок")
        answers_layout = QGridLayout(self.answers_box)
        self.share_bars: list[QProgressBar] = []
        self.share_labels: list[QLabel] = []
        self.share_titles: list[QLabel] = []
        for n in range(2):
            title = QLabel()
            title.setWordWrap(True)
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setTextVisible(True)
            note = QLabel()
            answers_layout.addWidget(title, n * 2, 0, 1, 2)
            answers_layout.addWidget(bar, n * 2 + 1, 0)
            answers_layout.addWidget(note, n * 2 + 1, 1)
            self.share_titles.append(title)
            self.share_bars.append(bar)
            self.share_labels.append(note)
        answers_layout.setColumnStretch(0, 1)

        # the last weeks in pictures
        self.trend_box = QGroupBox("Последние недели")
        self.days_chart = BarChart("Инцидентов в день (4 недели)", empty_text="инцидентов не было")
        self.weeks_chart = BarChart("Ответы в срок по неделям, % (п. 9, 17)", maximum=1.0,
                                    empty_text="ответов ещё не было")
        trend_layout = QHBoxLayout(self.trend_box)
        trend_layout.addWidget(self.days_chart, 3)
        trend_layout.addWidget(self.weeks_chart, 2)

        # units
        self.units_box = QGroupBox("Нагрузка на отделы и учреждения")
        self.units_model = UnitLoadModel(self)
        self.units_view = QTableView()
        self.units_view.setModel(self.units_model)
        self.units_view.verticalHeader().setVisible(False)
        self.units_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.units_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.units_view.setAlternatingRowColors(True)
        self.units_view.setWordWrap(False)
        self.units_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.units_view.setMinimumHeight(self.fontMetrics().height() * 8)
        header = self.units_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        units_layout = QVBoxLayout(self.units_box)
        units_layout.addWidget(self.units_view)

        top = QHBoxLayout()
        top.addWidget(self.title_label)
        top.addStretch(1)
        top.addWidget(self.updated_label)
        top.addWidget(self.refresh_button)
        middle = QHBoxLayout()
        middle.addWidget(self.today_box, 1)
        middle.addWidget(self.overdue_box, 1)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.addLayout(top)
        layout.addWidget(self.pages_row)
        layout.addLayout(middle)
        layout.addWidget(self.answers_box)
        layout.addWidget(self.trend_box)
        layout.addWidget(self.units_box, 1)
        # a low screen (1024 × 700) scrolls the board instead of cutting it
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        fit_to_screen(self, 900, 860)

        QShortcut(QKeySequence("F5"), self, activated=self.refresh)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self.refresh)
        self.refresh_timer.start()
        self.refresh()

    @property
    def loading(self) -> bool:
        return self._busy

    def refresh(self) -> None:
        """Recompute the numbers off the GUI thread (skipped while one computation runs)."""
        if self._busy:
            return
        self._busy = True
        actor, outcomes = self.actor, self._outcomes

        def work() -> tuple[Dashboard, Trend, int | None]:
            board = dashboard.summary(actor, outcomes=outcomes)
            return (board, dashboard.trend(actor, board.generated_at, outcomes),
                    page_weeks.unpublished_this_week(actor, board.generated_at))

        self.runner.run(work, self._show_all, self._failed)

    def _show_all(self, result: tuple[Dashboard, Trend, int | None]) -> None:
        board, trend, unpublished = result
        self._show_pages(unpublished)
        self._show_trend(trend)
        self._show(board)

    def _show_pages(self, unpublished: int | None) -> None:
        """«На этой неделе без публикации — 2 страницы» (hidden for a user who does not read the pages)."""
        self.pages_row.setVisible(unpublished is not None)
        if unpublished is None:
            return
        if unpublished:
            self.pages_label.setText(f"Официальные страницы: на этой неделе без публикации — "
                                     f"{formatting.plural(unpublished, PAGES)}")
            self.pages_label.setStyleSheet("color: #b00020; font-weight: bold;")
        else:
            self.pages_label.setText("Официальные страницы: на этой неделе публикации есть на всех страницах")
            self.pages_label.setStyleSheet("color: #2e7d32;")

    def _show_trend(self, trend: Trend) -> None:
        self.trend = trend
        self.days_chart.set_bars(day_bars(trend))
        self.weeks_chart.set_bars(week_bars(trend))

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        if not isinstance(exc, DomainError):
            log.error("Сводка не обновлена", exc_info=exc)
        self.updated_label.setText(f"Сводка не обновлена: {exc}")

    def _show(self, d: Dashboard) -> None:
        self._busy = False
        self.dashboard = d
        tz = current_calendar().tz
        self.title_label.setText(f"<h2>Сводка на {formatting.moment(d.generated_at, tz)}</h2>")
        self.updated_label.setText("обновляется каждую минуту")
        self.today_total.setText(str(d.today_total))
        self.today_total.setToolTip(formatting.plural(d.today_total, formatting.INCIDENTS) + " выявлено сегодня")
        while self.status_grid.count():
            item = self.status_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.status_labels = {}
        for n, status in enumerate(d.today_by_status):
            name = QLabel(status.label)
            count = QLabel(str(status.count))
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if not status.count:
                name.setStyleSheet(MUTED_STYLE)  # readable, only quieter than the statuses with incidents
                count.setStyleSheet(MUTED_STYLE)
            row, col = n % 5, (n // 5) * 2
            self.status_grid.addWidget(name, row, col)
            self.status_grid.addWidget(count, row, col + 1)
            self.status_labels[status.status] = count
        self.overdue_label.setText(str(d.overdue_now))
        self.overdue_label.setStyleSheet("color: #b00020;" if d.overdue_now else "color: #2e7d32;")
        self.open_label.setText(f"из {d.open_now} в работе")
        self._show_steps(d.overdue_by_step)
        self.answers_box.setTitle(f"Ответы в срок {d.month_label}")
        for share, title, bar, note in zip(d.answers, self.share_titles, self.share_bars, self.share_labels):
            title.setText(f"Размещены {share.label}")
            percent = share.share
            if percent is None:
                bar.setValue(0)
                bar.setFormat("нет данных")
            else:
                bar.setValue(round(percent * 100))
                bar.setFormat(f"{round(percent * 100)} %")
            note.setText(share_text(share))
        self.units_model.set_rows(d.units)
        self.refreshed.emit()

    def _show_steps(self, steps: tuple[tuple[str, int], ...]) -> None:
        """One line per step whose clock ran out: «Согласование ответа или запроса (п. 14)   3»."""
        while self.steps_grid.count():
            item = self.steps_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.step_labels = {}
        for row, (label, count) in enumerate(steps):
            name = QLabel(label)
            name.setWordWrap(True)
            number = QLabel(str(count))
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
            number.setStyleSheet("color: #b00020; font-weight: bold;")
            self.steps_grid.addWidget(name, row, 0)
            self.steps_grid.addWidget(number, row, 1)
            self.step_labels[label] = number
        self.steps_grid.setColumnStretch(0, 1)
        self.steps_title.setVisible(bool(steps))

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802
        self.refresh_timer.stop()
        self.runner.wait()
        super().closeEvent(event)
