"""«Публикации по неделям»: the weekly rule of clause 5 as a grid — pages × the weeks of a month
(a week that crosses the month's end belongs to both months), green published, amber planned but
not yet published, red a week with nothing, grey a week the page was not in the registry — and
the content plan of those weeks with «Запланировать…», «Отметить опубликованной…», «Отменить…»
and «Записать публикацию…», and beside the plan the log of what came out (date, title, formats,
link, author) — of the weeks shown, or of the page and week of the chosen cell."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.services.pages import access, publications, weeks
from app.services.pages.publications import PlanRow, PublicationRow
from app.services.pages.weeks import WEEK_STATE_LABELS, GridRow, WeekCell, WeekGrid, WeekState
from app.services.permissions import Actor
from app.ui.pages.common import (
    AMBER, GREEN, GREY, MOMENT_CHARS, READ_ONLY_TIP, RED, RED_TEXT, Col, ModelIndex, ReasonDialog, RowsModel, allow, fit_columns, hint,
    make_table, moment_text, month_title, page_label, page_labels, selected_rows, split, today, tz,
)
from app.ui.pages.publication_dialog import PlanDialog, PublicationDialog

#: the other span of the grid: a quarter of weeks up to the current one
QUARTER_WEEKS = 13
STATE_COLORS = {WeekState.PUBLISHED: GREEN, WeekState.PLANNED: AMBER, WeekState.MISSING: RED,
                WeekState.ABSENT: GREY, WeekState.FUTURE: None}


def cell_text(cell: WeekCell) -> str:
    if cell.state is WeekState.PUBLISHED:
        return f"✓ {cell.published}"
    if cell.state is WeekState.PLANNED:
        return f"план: {cell.planned}"
    if cell.state is WeekState.MISSING:
        return "нет"
    if cell.state is WeekState.ABSENT:
        return "—"
    return f"план: {cell.planned}" if cell.planned else ""


def short_week(monday: date) -> str:
    """«24.11–30.11»."""
    sunday = monday + timedelta(days=6)
    return f"{monday:%d.%m}–{sunday:%d.%m}"


class GridModel(QAbstractTableModel):
    """The grid: a row per page, the page's name first, then a column per week."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = WeekGrid((), (), today())

    def set_grid(self, grid: WeekGrid) -> None:
        self.beginResetModel()
        self.grid = grid
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.grid.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 1 + len(self.grid.weeks)

    def page_row(self, row: int) -> GridRow:
        return self.grid.rows[row]

    def week_of(self, column: int) -> date | None:
        return self.grid.weeks[column - 1] if 1 <= column <= len(self.grid.weeks) else None

    def cell(self, row: int, column: int) -> WeekCell | None:
        return self.grid.rows[row].cells[column - 1] if column >= 1 else None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        monday = self.week_of(section)
        if role == Qt.ItemDataRole.DisplayRole:
            if monday is None:
                return "Страница"
            return short_week(monday) if len(self.grid.weeks) <= 6 else f"{monday:%d.%m}"
        if role == Qt.ItemDataRole.ToolTipRole and monday is not None:
            current = " (текущая неделя)" if monday == weeks.week_start(self.grid.today) else ""
            return f"Неделя {weeks.week_label(monday)}{current}"
        if role == Qt.ItemDataRole.FontRole and monday == weeks.week_start(self.grid.today):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.grid.rows):
            return None
        page = self.grid.rows[index.row()]
        cell = self.cell(index.row(), index.column())
        if cell is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return page_label(page.network_label, page.name) + (" ★" if page.owner == "head" else "")
            if role == Qt.ItemDataRole.ToolTipRole:
                gaps = f"\nНедель без публикаций: {page.gaps}" if page.gaps else ""
                return f"{page.name} — {page.network_label}" + (", страница главы" if page.owner == "head" else "") + gaps
            if role == Qt.ItemDataRole.ForegroundRole and page.gaps:
                return QBrush(QColor(RED_TEXT))
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(cell)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            color = STATE_COLORS.get(cell.state)
            return QBrush(QColor(color)) if color else None
        if role == Qt.ItemDataRole.ToolTipRole:
            monday = self.week_of(index.column())
            lines = [f"{page.name}, неделя {weeks.week_label(monday)}" if monday else page.name,
                     WEEK_STATE_LABELS[cell.state]]
            if cell.state is WeekState.PUBLISHED:
                lines += [f"• {t}" for t in cell.titles]
            elif cell.titles:
                lines += ["В плане:"] + [f"• {t}" for t in cell.titles]
            return "\n".join(lines)
        return None


def plan_columns(labels: dict[int, str]) -> list[Col[PlanRow]]:
    """The plan's columns; ``labels`` names the pages with their network (filled on refresh)."""
    return [
        Col("Неделя", lambda r: short_week(r.week), tip=lambda r: weeks.week_label(r.week)),
        Col("Страница", lambda r: labels.get(r.page_id, r.page_name)),
        Col("Что публикуем", lambda r: r.title, tip=lambda r: r.title + (f"\n\n{r.text}" if r.text else "")),
        Col("Форматы", lambda r: r.formats),
        Col("Кто готовит", lambda r: r.preparer_name or "—"),
        Col("Состояние", lambda r: "опубликовано" if r.published else ("отменено" if r.cancelled else "в плане"),
            background=lambda r: GREEN if r.published else (GREY if r.cancelled else AMBER)),
    ]


def log_columns(labels: dict[int, str]) -> list[Col[PublicationRow]]:
    """The columns of the publication log (clause 5, 8): what came out, where, in which formats, by whom."""
    return [
        Col("Вышла", lambda r: moment_text(r.published_at)),
        Col("Страница", lambda r: labels.get(r.page_id, r.page_name)),
        Col("Публикация", lambda r: r.title, tip=lambda r: r.title + (f"\n\n{r.text}" if r.text else "")),
        Col("Форматы", lambda r: r.formats),
        Col("Ссылка", lambda r: r.url),
        Col("Автор", lambda r: r.author_name),
    ]


class WeeksTab(QWidget):
    """The month's grid on top, the plan of its weeks below."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.actor = actor
        now = today()
        self.year, self.month = now.year, now.month

        self.prev_button = QPushButton("◀")
        self.prev_button.setToolTip("Предыдущий месяц")
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Следующий месяц")
        self.today_button = QPushButton("Текущий месяц")
        self.span_combo = QComboBox()
        self.span_combo.addItem("Месяц", "month")
        self.span_combo.addItem(f"Последние {QUARTER_WEEKS} недель", "quarter")
        self.span_combo.setToolTip("Показать недели месяца (неделя на стыке месяцев входит в оба) или последние "
                                   f"{QUARTER_WEEKS} недель до текущей")
        self.span_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.month_label = QLabel()
        font = self.month_label.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.month_label.setFont(font)
        for button in (self.prev_button, self.next_button, self.today_button):
            button.setAutoDefault(False)
        self.prev_button.clicked.connect(lambda: self.shift_month(-1))
        self.next_button.clicked.connect(lambda: self.shift_month(1))
        self.today_button.clicked.connect(self.go_today)
        self.summary_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.span_combo)
        top.addWidget(self.prev_button)
        top.addWidget(self.month_label)
        top.addWidget(self.next_button)
        top.addWidget(self.today_button)
        top.addSpacing(12)
        top.addWidget(self.summary_label, 1)
        legend = QHBoxLayout()
        for state in (WeekState.PUBLISHED, WeekState.PLANNED, WeekState.MISSING, WeekState.ABSENT):
            swatch = QLabel(f" {WEEK_STATE_LABELS[state]} ")
            swatch.setStyleSheet(f"background: {STATE_COLORS[state]}; border: 1px solid #bbb; padding: 1px 4px;")
            legend.addWidget(swatch)
        legend.addStretch(1)
        legend.addWidget(hint(weeks.RULE))

        self.grid_model = GridModel(self)
        self.grid_view = make_table(self.grid_model, stretch=-1)
        self.grid_view.setSelectionBehavior(self.grid_view.SelectionBehavior.SelectItems)
        self.grid_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.grid_view.horizontalHeader().setStretchLastSection(False)
        self.grid_view.setMinimumHeight(self.fontMetrics().height() * 8)
        self.grid_view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())

        self.labels: dict[int, str] = {}
        self.plan_model: RowsModel[PlanRow] = RowsModel(plan_columns(self.labels), self)
        self.plan_view = make_table(self.plan_model, stretch=2)
        fit_columns(self.plan_view, (12, 32, 0, 17, 22, 13))
        self.plan_view.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.plan_button = QPushButton("Запланировать…")
        self.done_button = QPushButton("Отметить опубликованной…")
        self.cancel_button = QPushButton("Отменить…")
        self.record_button = QPushButton("Записать публикацию…")
        for button in (self.plan_button, self.done_button, self.cancel_button, self.record_button):
            button.setAutoDefault(False)
        self.plan_button.clicked.connect(self.plan_publication)
        self.done_button.clicked.connect(self.mark_published)
        self.cancel_button.clicked.connect(self.cancel_item)
        self.record_button.clicked.connect(self.record_publication)
        plan_buttons = QHBoxLayout()
        for button in (self.plan_button, self.done_button, self.cancel_button):
            plan_buttons.addWidget(button)
        plan_buttons.addStretch(1)
        plan_buttons.addWidget(self.record_button)
        self.plan_box = QWidget()
        plan_layout = QVBoxLayout(self.plan_box)
        plan_layout.addLayout(plan_buttons)
        plan_layout.addWidget(self.plan_view, 1)

        # the publication log: what came out in the weeks shown (or in the chosen cell's week)
        self.log_model: RowsModel[PublicationRow] = RowsModel(log_columns(self.labels), self)
        self.log_view = make_table(self.log_model, stretch=2)
        fit_columns(self.log_view, (MOMENT_CHARS, 32, 0, 17, 30, 22))
        self.log_label = QLabel()
        self.log_label.setWordWrap(True)
        self.log_box = QWidget()
        log_layout = QVBoxLayout(self.log_box)
        log_layout.addWidget(self.log_label)
        log_layout.addWidget(self.log_view, 1)
        self.grid_view.selectionModel().selectionChanged.connect(lambda *_a: self._refresh_log())

        self.lower_tabs = QTabWidget()
        self.lower_tabs.addTab(self.plan_box, "План публикаций")
        self.lower_tabs.addTab(self.log_box, "Вышедшие публикации")
        self.lower_tabs.setTabToolTip(1, "Журнал публикаций: дата, заголовок, форматы, ссылка, автор (п. 5, 8). "
                                         "Выберите клетку таблицы — останутся публикации этой страницы за эту неделю")

        grid_pane = QWidget()
        grid_layout = QVBoxLayout(grid_pane)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_layout.addLayout(top)
        grid_layout.addLayout(legend)
        grid_layout.addWidget(self.grid_view, 1)
        self.splitter = split(Qt.Orientation.Vertical, grid_pane, self.lower_tabs, (3, 2))
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self._update_buttons()

    # --- data ---------------------------------------------------------------------------------

    def shift_month(self, step: int) -> None:
        month = self.year * 12 + self.month - 1 + step
        self.year, self.month = divmod(month, 12)
        self.month += 1
        self.refresh()

    def go_today(self) -> None:
        now = today()
        self.year, self.month = now.year, now.month
        self.refresh()

    @property
    def quarter(self) -> bool:
        return self.span_combo.currentData() == "quarter"

    def shown_weeks(self) -> list[date]:
        if self.quarter:
            current = weeks.week_start(today())
            return [current - timedelta(weeks=n) for n in range(QUARTER_WEEKS - 1, -1, -1)]
        return weeks.month_weeks(self.year, self.month)

    def refresh(self) -> None:
        month_weeks = self.shown_weeks()
        grid = weeks.grid_for(self.actor, month_weeks)
        self.month_label.setText(f"{short_week(month_weeks[0])[:5]} — {short_week(month_weeks[-1])[-5:]}"
                                 if self.quarter else month_title(self.year, self.month))
        for button in (self.prev_button, self.next_button, self.today_button):
            button.setVisible(not self.quarter)
        self.lower_tabs.setTabText(0, "План публикаций на текущую и следующую неделю" if self.quarter
                                   else "План публикаций на недели месяца")
        self.grid_model.set_grid(grid)
        self._fit_grid()
        current = weeks.week_start(grid.today)
        plan_weeks = sorted((set() if self.quarter else set(month_weeks)) | {current, current + timedelta(days=7)})
        self.labels.clear()
        self.labels.update(page_labels(self.actor))
        self.plan_model.set_rows(publications.plan(self.actor, plan_weeks))
        gaps = sum(r.gaps for r in grid.rows)
        self.summary_label.setText(f"Недель без публикаций: {gaps}" if gaps else "Пропусков нет")
        self.summary_label.setStyleSheet(f"color: {RED_TEXT}; font-weight: bold;" if gaps else "color: #1b5e20;")
        self._refresh_log()
        self._update_buttons()

    def _refresh_log(self) -> None:
        """The publication log of the weeks shown, or of the chosen cell's page (and week)."""
        shown = self.grid_model.grid.weeks
        if not shown:
            self.log_model.set_rows([])
            return
        page_id, week = self.chosen_cell()
        first, last = (week, week) if week is not None else (shown[0], shown[-1])
        since = datetime.combine(first, time(0), tz())
        until = datetime.combine(last + timedelta(days=7), time(0), tz())
        rows = publications.publications(self.actor, page_id=page_id, since=since, until=until)
        self.log_model.set_rows(rows)
        where = f"Страница «{self.labels.get(page_id, '')}», " if page_id is not None else "Все страницы, "
        span = f"неделя {weeks.week_label(week)}" if week is not None else \
            f"{first:%d.%m.%Y} — {last + timedelta(days=6):%d.%m.%Y}"
        count = f"публикаций: {len(rows)}" if rows else "публикаций нет"
        self.log_label.setText(f"{where}{span} — {count}. Клетка таблицы — одна страница за одну неделю, "
                               "название страницы — все её недели.")

    def _fit_grid(self) -> None:
        metrics = self.grid_view.fontMetrics()
        names = [self.grid_model.data(self.grid_model.index(r, 0)) or "" for r in range(self.grid_model.rowCount())]
        widest = max((metrics.horizontalAdvance(n) for n in names), default=120)
        self.grid_view.setColumnWidth(0, min(max(widest + 20, 180), 420))
        sample = "00.00–00.00" if self.grid_model.columnCount() <= 7 else "план: 0"
        week_width = metrics.horizontalAdvance(sample) + 20
        for column in range(1, self.grid_model.columnCount()):
            self.grid_view.setColumnWidth(column, week_width)

    # --- what is chosen -------------------------------------------------------------------------

    def chosen_cell(self) -> tuple[int | None, date | None]:
        """The page and week of the selected grid cell (the page only, for the name column)."""
        indexes = self.grid_view.selectionModel().selectedIndexes()
        if not indexes:
            return None, None
        index = indexes[0]
        return self.grid_model.page_row(index.row()).page_id, self.grid_model.week_of(index.column())

    def chosen_item(self) -> PlanRow | None:
        rows = selected_rows(self.plan_view)
        return self.plan_model.row_at(rows[0]) if rows else None

    def _may_edit(self, page_id: int | None) -> bool:
        return access.edits_some_page(self.actor) if page_id is None else access.can_edit(self.actor, page_id)

    def _update_buttons(self) -> None:
        page_id, _week = self.chosen_cell()
        item = self.chosen_item()
        writer = self._may_edit(page_id)
        allow(self.plan_button, writer, READ_ONLY_TIP, "Запланировать публикацию на текущую или будущую неделю")
        allow(self.record_button, writer, READ_ONLY_TIP,
              "Записать вышедшую публикацию: её текст проверят перед записью (п. 8, 10)")
        open_item = item is not None and not item.published and not item.cancelled
        item_writer = item is not None and access.can_edit(self.actor, item.page_id)
        why = READ_ONLY_TIP if item is not None and not item_writer else "Выберите пункт плана, который ещё в плане"
        allow(self.done_button, open_item and item_writer, why, "Публикация из плана вышла: записать её")
        allow(self.cancel_button, open_item and item_writer, why, "Снять публикацию с плана с указанием причины")

    # --- actions --------------------------------------------------------------------------------

    def make_plan_dialog(self) -> PlanDialog:
        page_id, week = self.chosen_cell()
        dialog = PlanDialog(self.actor, page_id, week, self)
        dialog.accepted.connect(self.refresh)
        return dialog

    def make_publication_dialog(self, plan_item: PlanRow | None = None) -> PublicationDialog:
        page_id, _week = self.chosen_cell()
        dialog = PublicationDialog(self.actor, page_id, plan_item, self)
        dialog.accepted.connect(self.refresh)
        return dialog

    def make_cancel_dialog(self) -> ReasonDialog | None:
        item = self.chosen_item()
        if item is None:
            return None
        dialog = ReasonDialog(self, "Отменить публикацию из плана",
                              f"Почему «{item.title}» ({item.page_name}) снимается с плана?",
                              lambda text: publications.cancel_plan_item(self.actor, item.id, item.version, text),
                              "Снять с плана")
        dialog.accepted.connect(self.refresh)
        return dialog

    def plan_publication(self) -> None:
        self.make_plan_dialog().exec()

    def record_publication(self) -> None:
        self.make_publication_dialog().exec()

    def mark_published(self) -> None:
        item = self.chosen_item()
        if item is not None:
            self.make_publication_dialog(item).exec()

    def cancel_item(self) -> None:
        dialog = self.make_cancel_dialog()
        if dialog is not None:
            dialog.exec()
