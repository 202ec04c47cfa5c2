"""The import wizard: a monitoring-platform export (CSV or XLSX) → incidents.

Pages: the file → its columns matched to the fields, with the first rows checked → the import,
running on a worker thread with a progress bar → the result with the refused rows and
«Сохранить отчёт об ошибках…». Everything the wizard knows comes from ``app.services.importer``.

No signal is emitted from Python here: with PySide6 6.12 on Python 3.11 every
``SignalInstance.emit()`` drops a reference to ``True`` and enough of them crash the
interpreter. Page completeness therefore rides on mandatory wizard fields (Qt emits the
signals itself), and the worker's progress is polled by a timer on the GUI thread.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
)
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.models import db
from app.services import formatting, importer
from app.services.errors import DomainError
from app.services.importer import FIELDS, ColumnMapping, ImportResult, Preview, RowStatus
from app.services.permissions import Actor
from app.ui.widgets import fit_to_screen, make_error_label
from app.ui.help import Section, install_help

log = logging.getLogger(__name__)

ModelIndex = QModelIndex | QPersistentModelIndex
PREVIEW_ROWS = 20
NOT_IN_FILE = "— нет в файле —"
STATUS_TEXT = {
    RowStatus.IMPORTED: "К импорту",
    RowStatus.DUPLICATE: "Дубликат",
    RowStatus.REFUSED: "Ошибка",
}
RESULT_TEXT = {
    RowStatus.IMPORTED: "Импортирована",
    RowStatus.DUPLICATE: "Дубликат, пропущена",
    RowStatus.REFUSED: "Отклонена",
}
STATUS_BACKGROUND = {
    RowStatus.REFUSED: QColor("#fde2e1"),
    RowStatus.DUPLICATE: QColor("#fff4d6"),
}
#: longer values are cut in the preview table (the tooltip shows them whole)
SHOWN_VALUE = 120
#: up to this many rows get their height fitted to wrapped text
FIT_ROWS = 500
#: role that returns the row's ``RowStatus``
STATUS_ROLE = Qt.ItemDataRole.UserRole + 1


# --- item models ------------------------------------------------------------------------------

class PreviewModel(QAbstractTableModel):
    """The first rows of the file: row number, verdict, problems, then each mapped field."""

    FIXED = ("Строка", "Итог", "Замечания")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[importer.PreviewRow] = []
        self._fields: list[importer.Field] = []
        self._checked = False

    def set_preview(self, preview: Preview | None) -> None:
        self.beginResetModel()
        if preview is None:
            self._rows, self._fields = [], []
        else:
            self._rows = list(preview.rows)
            self._checked = preview.can_import  # rows are checked only with a usable mapping
            self._fields = [f for f in FIELDS if preview.mapping.column(f.code) is not None]
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.FIXED) + len(self._fields)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if 0 <= section < len(self.FIXED):
            return self.FIXED[section]
        index = section - len(self.FIXED)
        return self._fields[index].label if 0 <= index < len(self._fields) else None

    def _text(self, row: importer.PreviewRow, column: int) -> str:
        if column == 0:
            return str(row.row)
        if column == 1:
            return STATUS_TEXT[row.status] if self._checked else "не проверена"
        if column == 2:
            return "; ".join((*row.problems, *row.warnings))
        return row.values.get(self._fields[column - len(self.FIXED)].code, "")

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < self.columnCount():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            text = " ".join(self._text(row, index.column()).split())
            if index.column() >= len(self.FIXED) and len(text) > SHOWN_VALUE:
                text = text[:SHOWN_VALUE] + "…"
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._text(row, index.column()) or None
        if role == Qt.ItemDataRole.BackgroundRole:
            color = STATUS_BACKGROUND.get(row.status) if self._checked else None
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == STATUS_ROLE:
            return row.status if self._checked else None
        return None


class ResultModel(QAbstractTableModel):
    """Rows of the import that need attention: refused, duplicate and repaired ones, in file order —
    each named by its row as a spreadsheet shows the file and by its link or platform ID."""

    HEADERS = ("Строка", "Ссылка / ID", "Итог", "Инцидент", "Причина")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[importer.RowResult] = []

    def set_result(self, result: ImportResult | None) -> None:
        self.beginResetModel()
        self._rows = [] if result is None else sorted(result.refused + result.duplicates + result.warned,
                                                      key=lambda r: r.row)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(self.HEADERS):
            return None
        row = self._rows[index.row()]
        texts = (str(row.row), row.label, RESULT_TEXT[row.status], f"№ {row.incident_id}" if row.incident_id else "",
                 "; ".join(filter(None, (row.reason, *row.warnings))))
        if role == Qt.ItemDataRole.DisplayRole:
            return texts[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return texts[index.column()] or None
        if role == Qt.ItemDataRole.BackgroundRole:
            color = STATUS_BACKGROUND.get(row.status)
            return QBrush(color) if color is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == STATUS_ROLE:
            return row.status
        return None


# --- the worker -------------------------------------------------------------------------------

class ImportTask(QRunnable):
    """``importer.import_file`` on a pool thread, with its own database connection.

    The GUI thread reads ``progress``, ``result`` and ``error`` (a lock guards them) on a timer;
    ``stop()`` asks the import to finish after the current row (the rows done stay imported).
    """

    def __init__(self, actor: Actor, path: Path, mapping: ColumnMapping) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the wizard keeps it until it has read the outcome
        self.actor, self.path, self.mapping = actor, path, mapping
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._progress: tuple[int, int] | None = None
        self._result: ImportResult | None = None
        self._error: str | None = None
        self._done = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def snapshot(self) -> tuple[tuple[int, int] | None, ImportResult | None, str | None]:
        """(rows done and total, the result, the error message) as of now."""
        with self._lock:
            return self._progress, self._result, self._error

    def _report(self, done: int, total: int) -> bool:
        with self._lock:
            self._progress = (done, total)
        return not self._stop.is_set()

    def run(self) -> None:
        result: ImportResult | None = None
        error: str | None = None
        try:
            with db.connection_context():
                result = importer.import_file(self.actor, self.path, self.mapping, progress=self._report)
        except DomainError as exc:
            error = str(exc)
        except Exception:  # noqa: BLE001 - the wizard must learn about any failure
            log.exception("Импорт файла %s прервался", self.path)
            error = ("Импорт прервался из-за непредвиденной ошибки (подробности — в журнале программы). "
                     "Строки, импортированные до ошибки, сохранены; повторный импорт того же файла "
                     "пропустит их как дубликаты.")
        with self._lock:
            self._result, self._error = result, error
        self._done.set()


# --- pages ------------------------------------------------------------------------------------

def _wrapped_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _table_view(model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setAlternatingRowColors(False)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setHighlightSections(False)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class FilePage(QWizardPage):
    """Step 1: which file to import; reading it here catches an unreadable file at once."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Файл выгрузки")
        self.setSubTitle("Выберите таблицу, выгруженную из платформы мониторинга.")
        intro = _wrapped_label(
            "Подходят таблицы <b>CSV</b> (кодировка UTF-8 или Windows-1251, разделитель «;» или «,») и книги "
            "Excel <b>XLSX</b>. В первой строке таблицы — заголовки столбцов: «Ссылка», «Автор», «Текст», "
            "«Дата выявления», а также, если есть, «Соцсеть», «Важность», «Тип», «ID». На следующем шаге "
            "столбцы можно сопоставить вручную.")
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("путь к файлу .csv или .xlsx")
        self.path_edit.textEdited.connect(self._hide_error)
        self.registerField("path*", self.path_edit)  # «Далее» is enabled once a path is typed
        self.browse_button = QPushButton("&Обзор…")
        self.browse_button.clicked.connect(self._browse)
        self.error_label = make_error_label()
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(8)
        layout.addWidget(QLabel("&Файл:", buddy=self.path_edit))
        layout.addLayout(row)
        layout.addWidget(self.error_label)
        layout.addStretch(1)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Файл для импорта", self.path_edit.text(),
                                              "Таблицы (*.csv *.xlsx);;Все файлы (*)")
        if path:
            self.path_edit.setText(path)
            self._hide_error()

    def _hide_error(self) -> None:
        self.error_label.setVisible(False)

    def validatePage(self) -> bool:  # noqa: N802
        path = Path(self.path_edit.text().strip())
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            preview = importer.preview(path, rows=PREVIEW_ROWS)
        except DomainError as exc:
            self.error_label.setText(str(exc))
            self.error_label.setVisible(True)
            return False
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._wizard.path = path
        self._wizard.preview = preview
        return True


class MappingPage(QWizardPage):
    """Step 2: a combo box per field choosing the file's column, and the first rows checked."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Столбцы и проверка")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Импортировать")
        self.source_label = _wrapped_label()
        self.origin_label = _wrapped_label()
        self.origin_label.setObjectName("originLabel")
        self.combos: dict[str, QComboBox] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        per_column = (len(FIELDS) + 1) // 2
        for i, f in enumerate(FIELDS):
            combo = QComboBox()
            combo.setObjectName(f"column_{f.code}")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(18)
            combo.currentIndexChanged.connect(lambda _=0, code=f.code: self._combo_changed(code))
            label = QLabel(f"{f.label}{' *' if f.required else ''}:", buddy=combo)
            if f.required:
                label.setToolTip("Обязательное поле")
            block, row = divmod(i, per_column)
            grid.addWidget(label, row, block * 2)
            grid.addWidget(combo, row, block * 2 + 1)
            self.combos[f.code] = combo
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.problems_label = make_error_label()
        self.problems_label.setObjectName("mappingProblems")
        self.model = PreviewModel(self)
        self.view = _table_view(self.model)
        self.counts_label = _wrapped_label()
        self._usable = QLineEdit()  # hidden: not empty while the mapping can be imported
        self._usable.setVisible(False)
        self.registerField("mapping_usable*", self._usable)
        layout = QVBoxLayout(self)
        layout.addWidget(self._usable)
        layout.addWidget(self.source_label)
        layout.addWidget(self.origin_label)
        layout.addLayout(grid)
        layout.addWidget(_wrapped_label("* — обязательные поля. Строки с ошибками не будут импортированы; "
                                        "уже зарегистрированные сообщения будут пропущены."))
        layout.addWidget(self.problems_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.counts_label)
        self._filling = False

    def initializePage(self) -> None:  # noqa: N802
        self.show_preview(self._wizard.preview)

    def show_preview(self, preview: Preview | None) -> None:
        """Fill the combo boxes, the notes and the table from a preview."""
        if preview is None:
            return
        self.setSubTitle(f"Файл «{preview.file_name}»: {preview.source.describe()}. Проверьте, из какого "
                         "столбца берётся каждое поле.")
        self.source_label.setText(f"Строка заголовков — {preview.header_row}-я; столбцов: {len(preview.headers)}.")
        self.origin_label.setText({
            "auto": "Столбцы сопоставлены по их заголовкам.",
            "remembered": "Сопоставление запомнено с прошлого импорта файла с такими же столбцами.",
            "given": "Сопоставление изменено вручную; после импорта оно будет запомнено для файлов с такими "
                     "же столбцами.",
        }[preview.mapping_origin])
        self._filling = True
        try:
            for f in FIELDS:
                combo = self.combos[f.code]
                combo.clear()
                combo.addItem(NOT_IN_FILE, None)
                for index, header in enumerate(preview.headers):
                    combo.addItem(f"{index + 1}. {header}", index)
                column = preview.mapping.column(f.code)
                combo.setCurrentIndex(0 if column is None else column + 1)
        finally:
            self._filling = False
        problems = preview.mapping_problems
        self.problems_label.setText("\n".join(problems))
        self.problems_label.setVisible(bool(problems))
        self.model.set_preview(preview)
        self._fit_columns()
        shown = preview.rows
        ok = sum(1 for r in shown if r.status == RowStatus.IMPORTED)
        dup = sum(1 for r in shown if r.status == RowStatus.DUPLICATE)
        bad = sum(1 for r in shown if r.status == RowStatus.REFUSED)
        more = " В файле есть и другие строки — они будут проверены при импорте." if preview.has_more else ""
        if problems:
            self.counts_label.setText("Выберите столбцы для обязательных полей — тогда строки будут проверены.")
        else:
            self.counts_label.setText(f"Проверено первых строк: {len(shown)} — к импорту {ok}, дубликатов {dup}, "
                                      f"с ошибками {bad}.{more}")
        self._usable.setText("" if problems else "да")

    def _fit_columns(self) -> None:
        header = self.view.horizontalHeader()
        widths = {0: 60, 1: 110, 2: 320}
        for column in range(self.model.columnCount()):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.view.setColumnWidth(column, widths.get(column, 200))
        self.view.resizeRowsToContents()

    def _combo_changed(self, code: str) -> None:
        if self._filling or self._wizard.preview is None:
            return
        column = self.combos[code].currentData()
        mapping = self._wizard.preview.mapping.with_column(code, column)
        self._wizard.update_mapping(mapping)



class RunPage(QWizardPage):
    """Step 3: the import runs on a worker thread; a progress bar shows the rows done."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Импорт")
        self.setSubTitle("Строки регистрируются по одной; каждая запись попадает в журнал событий.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Далее >")
        self.status_label = _wrapped_label("Чтение файла и проверка всех строк…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setFormat("%v из %m")
        self.error_label = make_error_label()
        self._done = QLineEdit()  # hidden: not empty once the import has finished
        self._done.setVisible(False)
        self.registerField("import_done*", self._done)
        layout = QVBoxLayout(self)
        layout.addWidget(self._done)
        layout.addWidget(self.status_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.error_label)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802
        self.error_label.setVisible(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.status_label.setText("Чтение файла и проверка всех строк…")
        self._done.clear()
        self._wizard.start_import()

    def mark_done(self) -> None:
        self._done.setText("да")

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.status_label.setText(f"Обработано строк: {done} из {total}")

    def show_stopping(self) -> None:
        self.status_label.setText("Импорт останавливается после текущей строки…")

    def show_failure(self, message: str) -> None:
        self.progress.setVisible(False)
        self.status_label.setText("Импорт не выполнен.")
        self.error_label.setText(message)
        self.error_label.setVisible(True)



class ResultPage(QWizardPage):
    """Step 4: the counts, the rows that were not imported, and the error report."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Результат импорта")
        self.summary_label = _wrapped_label()
        self.summary_label.setObjectName("summaryLabel")
        font = self.summary_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.summary_label.setFont(font)
        self.numbers_label = _wrapped_label()
        self.numbers_label.setObjectName("newNumbers")
        self.details_label = _wrapped_label()
        self.model = ResultModel(self)
        self.view = _table_view(self.model)
        self.save_button = QPushButton("&Сохранить отчёт об ошибках…")
        self.save_button.clicked.connect(self.save_report)
        self.saved_label = _wrapped_label()
        self.saved_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label = make_error_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.saved_label, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.numbers_label)
        layout.addWidget(self.details_label)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.error_label)

    def initializePage(self) -> None:  # noqa: N802
        result = self._wizard.result
        if result is None:
            return
        self.setSubTitle(f"Файл «{result.file_name}»: {result.source.describe()}.")
        self.summary_label.setText(result.summary())
        numbers = [r.incident_id for r in result.imported if r.incident_id is not None]
        self.numbers_label.setText(new_numbers_text(numbers))
        self.numbers_label.setToolTip(", ".join(str(n) for n in sorted(numbers)[:500]) if len(numbers) > 1 else "")
        self.numbers_label.setVisible(bool(numbers))
        if result.refused or result.duplicates:
            details = ("Ниже — строки, которые не импортированы: отклонённые (с причиной) и дубликаты (с номером "
                       "уже зарегистрированного инцидента). Номера строк — как в файле.")
        else:
            details = "Все строки файла импортированы."
        if result.refused:
            details += (" Отчёт об ошибках содержит отклонённые строки целиком: исправьте их и импортируйте "
                        "отчёт ещё раз.")
        self.details_label.setText(details)
        self.model.set_result(result)
        for column, width in enumerate((60, 170, 90)):
            self.view.setColumnWidth(column, width)
        if self.model.rowCount() <= FIT_ROWS:
            self.view.resizeRowsToContents()
        self.save_button.setEnabled(bool(result.refused))
        self.saved_label.clear()
        self.error_label.setVisible(False)

    def save_report(self) -> None:
        """Ask where to save the refused rows and write them (.xlsx or .csv)."""
        result = self._wizard.result
        if result is None or not result.refused:
            return
        suggested = str(self._wizard.path.with_name(f"{self._wizard.path.stem}-ошибки.xlsx")) \
            if self._wizard.path else "ошибки-импорта.xlsx"
        path, chosen_filter = QFileDialog.getSaveFileName(
            self, "Отчёт об ошибках импорта", suggested, "Книга Excel (*.xlsx);;CSV для Excel (*.csv)")
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".xlsx", ".csv"):
            target = target.with_name(target.name + (".csv" if "csv" in chosen_filter.lower() else ".xlsx"))
        try:
            count = importer.write_error_report(result, target)
        except DomainError as exc:
            self.error_label.setText(str(exc))
            self.error_label.setVisible(True)
            return
        self.error_label.setVisible(False)
        self.saved_label.setText(f"Отчёт сохранён: {target} (строк: {count})")


def number_ranges(numbers: list[int]) -> str:
    """«12–15, 18, 20–21»: consecutive numbers as ranges."""
    parts: list[str] = []
    ordered = sorted(set(numbers))
    start = prev = None
    for n in ordered + [None]:  # type: ignore[list-item]
        if start is not None and (n is None or n != prev + 1):
            parts.append(str(start) if start == prev else f"{start}–{prev}" if prev > start + 1 else f"{start}, {prev}")
            start = None
        if n is not None and start is None:
            start = n
        prev = n
    return ", ".join(parts)


#: more new numbers than this are summarised by their ranges' ends («№ 12–1 011»)
SHOWN_RANGES = 12


def new_numbers_text(numbers: list[int]) -> str:
    """«Новые инциденты: № 12–15, 18» — where to find what the import registered."""
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"Новый инцидент: № {numbers[0]}. Он на вкладке «Новые» очереди."
    ranges = f"№ {number_ranges(numbers)}"
    if ranges.count(",") >= SHOWN_RANGES:
        ranges = (f"с № {min(numbers)} по № {max(numbers)} "
                  f"(всего {formatting.plural(len(numbers), formatting.INCIDENTS)})")
    return f"Новые инциденты: {ranges}. Они на вкладке «Новые» очереди."


# --- the wizard ---------------------------------------------------------------------------------

class ImportWizard(QWizard):
    """Imports a monitoring-platform export for the curator: file → columns → import → result."""

    #: how often the GUI thread looks at the worker's progress
    POLL_MS = 100

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        install_help(self, Section.IMPORT)
        self.actor = actor
        self.path: Path | None = None
        self.preview: Preview | None = None
        self.result: ImportResult | None = None
        self.task: ImportTask | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._poll = QTimer(self)
        self._poll.setInterval(self.POLL_MS)
        self._poll.timeout.connect(self._check_task)
        self.setWindowTitle("Импорт инцидентов из файла")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Назад")
        self.setButtonText(QWizard.WizardButton.NextButton, "&Далее >")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Готово")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Отмена")
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.run_page = RunPage(self)
        self.result_page = ResultPage(self)
        for page in (self.file_page, self.mapping_page, self.run_page, self.result_page):
            self.addPage(page)
        self.setMinimumSize(760, 520)
        fit_to_screen(self, 1000, 640)  # a 1024 × 700 screen shows it whole

    @property
    def running(self) -> bool:
        return self.task is not None

    def update_mapping(self, mapping: ColumnMapping) -> None:
        """Re-read the first rows with the user's mapping."""
        if self.path is None:
            return
        try:
            self.preview = importer.preview(self.path, mapping, rows=PREVIEW_ROWS)
        except DomainError as exc:
            self.mapping_page.problems_label.setText(str(exc))
            self.mapping_page.problems_label.setVisible(True)
            return
        self.mapping_page.show_preview(self.preview)

    def start_import(self) -> None:
        """Run the import on the wizard's worker thread."""
        if self.running or self.path is None or self.preview is None:
            return
        self.result = None
        self.task = ImportTask(self.actor, self.path, self.preview.mapping)
        self.setButtonText(QWizard.WizardButton.CancelButton, "Остановить")
        self._pool.start(self.task)
        self._poll.start()

    def _check_task(self) -> None:
        task = self.task
        if task is None:
            self._poll.stop()
            return
        finished = task.finished
        progress, result, error = task.snapshot()
        if progress is not None:
            self.run_page.show_progress(*progress)
        if not finished:
            return
        self._poll.stop()
        self.task = None
        if result is None:
            self.setButtonText(QWizard.WizardButton.CancelButton, "Закрыть")
            self.run_page.show_failure(error or "Импорт не выполнен")
            return
        self.result = result
        self.setButtonText(QWizard.WizardButton.CancelButton, "Отмена")
        self.run_page.show_progress(len(result.rows), len(result.rows) + result.unprocessed)
        self.run_page.mark_done()
        if self.currentPage() is self.run_page:
            self.next()

    def wait(self, timeout_ms: int = 30_000) -> bool:
        """Block until the worker has finished (closing the window, tests)."""
        done = self._pool.waitForDone(timeout_ms)
        if done and self.task is not None:
            self._check_task()
        return done

    def reject(self) -> None:
        """«Отмена» while importing stops after the current row and shows what was done."""
        if self.task is not None:
            self.task.stop()
            self.run_page.show_stopping()
            return
        super().reject()

    def done(self, result: int) -> None:
        """Closing never leaves a worker writing behind the user's back: it stops and is awaited."""
        if self.task is not None:
            self.task.stop()
            self._pool.waitForDone()
            self._poll.stop()
            self.task = None
        super().done(result)
