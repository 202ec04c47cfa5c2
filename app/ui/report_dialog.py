"""«Отчёт для главы поселения»: choose a month, a quarter or any period, a file, and build it.

The workbook is built on a worker thread (``report.build_monthly_report``) while a progress bar
shows the stage; the window stays responsive. When it is done the dialog names the headline
figures and offers to open the file or its folder.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from babel.dates import format_date
from PySide6.QtCore import QDate, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from app.services import formatting
from app.services.errors import DomainError
from app.services.periods import month_bounds, quarter_bounds
from app.services.permissions import Actor, require_reads_everything
from app.services.report import (
    IN_TIME_SHARE_LABEL, ReportSummary, build_monthly_report, period_label, short_duration,
)
from app.ui.progress_task import ProgressFn, ProgressTask
from app.ui.ui_settings import ui_settings
from app.ui.widgets import make_error_label
from app.ui.help import Section, install_help

MONTHS_OFFERED = 36
QUARTERS_OFFERED = 12
_ROMAN = ("I", "II", "III", "IV")
LAST_FOLDER_KEY = "report/folder"


def month_choices(today: date, count: int = MONTHS_OFFERED) -> list[tuple[str, tuple[date, date]]]:
    """(«ноябрь 2026», period) from the current month back, newest first."""
    result = []
    index = today.year * 12 + today.month - 1
    for back in range(count):
        year, month = divmod(index - back, 12)
        start, end = month_bounds(year, month + 1)
        result.append((format_date(start, "LLLL y", locale="ru"), (start, end)))
    return result


def quarter_choices(today: date, count: int = QUARTERS_OFFERED) -> list[tuple[str, tuple[date, date]]]:
    """(«IV квартал 2026», period) from the current quarter back, newest first."""
    result = []
    index = today.year * 4 + (today.month - 1) // 3
    for back in range(count):
        year, quarter = divmod(index - back, 4)
        result.append((f"{_ROMAN[quarter]} квартал {year}", quarter_bounds(year, quarter + 1)))
    return result


def default_month_index(today: date) -> int:
    """The report is usually made in the first days of a month for the month that ended."""
    return 1 if today.day <= 10 else 0


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


def safe_file_name(label: str) -> str:
    """«Отчёт по инцидентам — ноябрь 2026.xlsx» (the period's «г.» left out: «2026 г.xlsx» reads as a
    typo), without characters Windows refuses."""
    label = label.strip()
    if label.endswith(" г."):
        label = label[:-3]
    name = f"Отчёт по инцидентам — {label}"
    for ch in '<>:"/\\|?*':
        name = name.replace(ch, "-")
    return name.rstrip(". ") + ".xlsx"


class ReportDialog(QDialog):
    """Builds the Excel report for the head of the settlement."""

    def __init__(self, actor: Actor, parent: QWidget | None = None, *, today: date | None = None) -> None:
        super().__init__(parent)
        install_help(self, Section.REPORT)
        self.actor = actor
        self.today = today or date.today()
        self.summary: ReportSummary | None = None
        self._folder_touched = False
        self.setWindowTitle("Отчёт для главы поселения")
        self.setMinimumWidth(620)

        self.month_radio = QRadioButton("&Месяц")
        self.quarter_radio = QRadioButton("&Квартал")
        self.range_radio = QRadioButton("П&ериод")
        self.period_group = QButtonGroup(self)
        for button in (self.month_radio, self.quarter_radio, self.range_radio):
            self.period_group.addButton(button)
        self.month_combo = QComboBox()
        for label, period in month_choices(self.today):
            self.month_combo.addItem(label, period)
        self.month_combo.setCurrentIndex(default_month_index(self.today))
        self.quarter_combo = QComboBox()
        for label, period in quarter_choices(self.today):
            self.quarter_combo.addItem(label, period)
        self.from_edit = QDateEdit(_qdate(self.today.replace(day=1)))
        self.to_edit = QDateEdit(_qdate(self.today))
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd.MM.yyyy")
        self.month_radio.setChecked(True)

        range_row = QHBoxLayout()
        range_row.addWidget(QLabel("с"))
        range_row.addWidget(self.from_edit)
        range_row.addWidget(QLabel("по"))
        range_row.addWidget(self.to_edit)
        range_row.addStretch(1)
        form = QFormLayout()
        form.addRow(self.month_radio, self.month_combo)
        form.addRow(self.quarter_radio, self.quarter_combo)
        form.addRow(self.range_radio, range_row)

        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Файл .xlsx")
        self.browse_button = QPushButton("&Обзор…")
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        file_label = QLabel("&Файл:")
        file_label.setBuddy(self.path_edit)
        form.addRow(file_label, path_row)

        self.progress_bar = QProgressBar()
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setVisible(False)
        self.stage_label = QLabel()
        self.stage_label.setVisible(False)
        self.error_label = make_error_label()
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.result_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result_label.setVisible(False)

        self.build_button = QPushButton("&Сформировать")
        self.build_button.setDefault(True)
        self.open_button = QPushButton("Открыть &отчёт")
        self.folder_button = QPushButton("Открыть &папку")
        self.close_button = QPushButton("&Закрыть")
        for button in (self.open_button, self.folder_button):
            button.setVisible(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        buttons.addWidget(self.build_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        intro = QLabel("Книга Excel из семи листов: сводка, исполнители, этапы, темы и соцсети, "
                       "просрочки, реестр, официальные страницы.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.stage_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self.task = ProgressTask(self)
        self.task.progressed.connect(self._progressed)
        self.task.finished.connect(self._finished)
        self.task.failed.connect(self._failed)
        self.period_group.buttonToggled.connect(lambda *_: self._period_changed())
        self.month_combo.currentIndexChanged.connect(lambda _i: self._choose(self.month_radio))
        self.quarter_combo.currentIndexChanged.connect(lambda _i: self._choose(self.quarter_radio))
        self.from_edit.dateChanged.connect(lambda _d: self._choose(self.range_radio))
        self.to_edit.dateChanged.connect(lambda _d: self._choose(self.range_radio))
        self.path_edit.textEdited.connect(lambda _t: setattr(self, "_folder_touched", True))
        self.browse_button.clicked.connect(self.browse)
        self.build_button.clicked.connect(self.build)
        self.open_button.clicked.connect(self.open_report)
        self.folder_button.clicked.connect(self.open_folder)
        self.close_button.clicked.connect(self.close)
        self._period_changed()

    # --- period and file ------------------------------------------------------------------------

    def _choose(self, radio: QRadioButton) -> None:
        if not radio.isChecked():
            radio.setChecked(True)
        self._period_changed()

    def period(self) -> tuple[date, date]:
        """The chosen period, first and last day."""
        if self.month_radio.isChecked():
            return self.month_combo.currentData()
        if self.quarter_radio.isChecked():
            return self.quarter_combo.currentData()
        return _pydate(self.from_edit.date()), _pydate(self.to_edit.date())

    def _period_changed(self) -> None:
        if not self._folder_touched:
            start, end = self.period()
            self.path_edit.setText(str(self._folder() / safe_file_name(period_label(start, end))))

    def _folder(self) -> Path:
        current = self.path_edit.text().strip()
        if current:
            return Path(current).expanduser().parent
        saved = ui_settings().value(LAST_FOLDER_KEY, "")
        if saved and Path(str(saved)).is_dir():
            return Path(str(saved))
        documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        return Path(documents) if documents and Path(documents).is_dir() else Path.home()

    def browse(self) -> None:
        """«Обзор…»: the standard save dialog."""
        name, _filter = QFileDialog.getSaveFileName(self, "Сохранить отчёт", self.path_edit.text(),
                                                    "Книга Excel (*.xlsx)")
        if name:
            self.path_edit.setText(name)
            self._folder_touched = True

    def target(self) -> Path:
        """The file to write, «.xlsx» added when the user left it out."""
        text = self.path_edit.text().strip()
        if not text:
            raise DomainError("Укажите файл, в который записать отчёт")
        path = Path(text).expanduser()
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        return path

    # --- building ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.task.running

    def build(self) -> None:
        """«Сформировать»: check the input and start the worker."""
        if self.running:
            return
        self.error_label.setVisible(False)
        self.result_label.setVisible(False)
        self.open_button.setVisible(False)
        self.folder_button.setVisible(False)
        try:
            start, end = self.period()
            if end < start:
                raise DomainError(f"Начало периода {start:%d.%m.%Y} позже его конца {end:%d.%m.%Y}")
            path = self.target()
            if path.exists() and not self._confirm_overwrite(path):
                return
        except DomainError as exc:
            self._show_error(str(exc))
            return
        actor = self.actor
        self._set_busy(True)

        def work(progress: ProgressFn) -> ReportSummary:
            require_reads_everything(actor, "Отчёт для главы поселения")
            return build_monthly_report(start, end, path, progress=progress)

        self.task.start(work)

    def _confirm_overwrite(self, path: Path) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, self.windowTitle(),
                          f"Файл «{path.name}» уже есть. Заменить его новым отчётом?",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.button(QMessageBox.StandardButton.Yes).setText("Заменить")
        box.button(QMessageBox.StandardButton.No).setText("Не заменять")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.build_button, self.browse_button, self.path_edit, self.month_combo,
                       self.quarter_combo, self.from_edit, self.to_edit, self.month_radio,
                       self.quarter_radio, self.range_radio, self.close_button):
            widget.setEnabled(not busy)
        self.progress_bar.setVisible(busy)
        self.stage_label.setVisible(busy)
        if busy:
            self.progress_bar.setValue(0)
            self.stage_label.setText("Подготовка…")

    def _progressed(self, percent: int, stage: str) -> None:
        self.progress_bar.setValue(percent)
        if stage:
            self.stage_label.setText(stage)

    def _finished(self, summary: ReportSummary) -> None:
        self._set_busy(False)
        self.summary = summary
        ui_settings().setValue(LAST_FOLDER_KEY, str(summary.path.parent))
        share = "—" if summary.in_time_share is None else formatting.percent(summary.in_time_share)
        received = formatting.plural(summary.received, formatting.INCIDENTS)
        self.result_label.setText(
            f"<b>Отчёт за {summary.period_label} готов.</b><br>"
            f"Поступило {received}; ответ в срок — {summary.in_time}, с нарушением срока — {summary.late} "
            f"({IN_TIME_SHARE_LABEL.lower()} — {share}); медиана времени до ответа — {short_duration(summary.median_minutes)}.<br>"
            f"Без ответа по п. 21 — {summary.no_answer}; не инциденты (не касаются деятельности администрации, "
            f"п. 2) — {summary.not_incident}; инцидентов с запросом (уточнением) к автору — {summary.requested}.<br>"
            f"Файл: {summary.path}")
        self.result_label.setVisible(True)
        self.open_button.setVisible(True)
        self.folder_button.setVisible(True)
        self.open_button.setFocus()
        self._grow_to_fit()

    def _grow_to_fit(self) -> None:
        """Taller if the wrapped summary needs it: its last line is not hidden under the buttons."""
        layout = self.layout()
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else layout.sizeHint().height()
        if needed > self.height():
            self.resize(self.width(), needed)

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(exc, DomainError):
            raise exc
        self._show_error(str(exc))

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(True)

    def open_report(self) -> None:
        if self.summary is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.summary.path)))

    def open_folder(self) -> None:
        if self.summary is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.summary.path.parent)))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """The report is being written: closing now would leave the user guessing, so wait."""
        if self.running:
            event.ignore()
            self.stage_label.setText("Отчёт ещё формируется — дождитесь окончания")
            return
        super().closeEvent(event)

    def reject(self) -> None:
        if self.running:
            self.stage_label.setText("Отчёт ещё формируется — дождитесь окончания")
            return
        super().reject()
