"""«Выгрузить очередь в файл…»: the rows of the current tab, with its filters and sort, to .xlsx or .csv.

The export pages through the queue on a worker thread; a progress dialog counts the rows and
«Отмена» stops it without leaving a file behind.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from app.services import formatting
from app.services.errors import DomainError
from app.services.export import export_queue
from app.services.permissions import Actor
from app.services.queue import QueueFilter, QueueSort
from app.ui.progress_task import ProgressFn, ProgressTask
from app.ui.ui_settings import ui_settings

XLSX_FILTER = "Книга Excel (*.xlsx)"
CSV_FILTER = "CSV для Excel, разделитель «;» (*.csv)"
LAST_FOLDER_KEY = "export/folder"


def default_name(today: date) -> str:
    return f"Очередь инцидентов {today:%d.%m.%Y}.xlsx"


def with_suffix(name: str, chosen_filter: str) -> Path:
    """The file name with the extension of the chosen type when the user typed none."""
    path = Path(name).expanduser()
    if path.suffix.lower() not in (".xlsx", ".csv"):
        path = path.with_name(path.name + (".csv" if chosen_filter == CSV_FILTER else ".xlsx"))
    return path


class QueueExport(QObject):
    """One export started from the main window; lives until it has finished."""

    def __init__(self, actor: Actor, queue_filter: QueueFilter, sort: QueueSort, parent: QWidget) -> None:
        super().__init__(parent)
        self.actor = actor
        self.queue_filter = queue_filter
        self.sort = sort
        self.window = parent
        self.path: Path | None = None
        self.count: int | None = None
        self.error: str | None = None
        self.task = ProgressTask(self)
        self.task.progressed.connect(self._progressed)
        self.task.finished.connect(self._finished)
        self.task.failed.connect(self._failed)
        self.dialog = QProgressDialog("Выгрузка очереди…", "Отмена", 0, 100, parent)
        self.dialog.setWindowTitle("Выгрузка очереди")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self.task.stop)
        self.dialog.reset()

    def ask_path(self) -> Path | None:
        """The standard save dialog; None when the user cancels."""
        folder = str(ui_settings().value(LAST_FOLDER_KEY, "") or "")
        if not folder or not Path(folder).is_dir():
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(
                Path.home())
        name, chosen = QFileDialog.getSaveFileName(self.window, "Выгрузить очередь",
                                                   str(Path(folder) / default_name(date.today())),
                                                   f"{XLSX_FILTER};;{CSV_FILTER}")
        if not name:
            return None
        ui_settings().setValue(LAST_FOLDER_KEY, str(Path(name).expanduser().parent))
        return with_suffix(name, chosen)

    def run(self, path: Path | None = None) -> None:
        """Ask for the file (unless given) and start the export."""
        path = path or self.ask_path()
        if path is None:
            self.deleteLater()
            return
        self.path = path
        actor, queue_filter, sort = self.actor, self.queue_filter, self.sort

        def work(progress: ProgressFn) -> int:
            return export_queue(actor, queue_filter, sort, path,
                                progress=lambda done, total: progress(100 * done / max(total, 1),
                                                                      f"{done} из {total}"))

        self.dialog.setValue(0)
        self.dialog.show()
        self.task.start(work)

    def _progressed(self, percent: int, stage: str) -> None:
        self.dialog.setValue(percent)
        self.dialog.setLabelText(f"Выгрузка очереди: {stage}")

    def _finished(self, count: int) -> None:
        self.dialog.reset()
        self.dialog.hide()
        stopped = self.task.stop_requested and count == 0
        self.count = count
        if stopped:
            message = "Выгрузка отменена, файл не создан"
        else:
            message = f"Выгружено: {formatting.plural(count, formatting.INCIDENTS)} — {self.path}"
        status = getattr(self.window, "statusBar", None)
        if status is not None:
            status().showMessage(message, 15_000)
        self.deleteLater()

    def _failed(self, exc: BaseException) -> None:
        self.dialog.reset()
        self.dialog.hide()
        if not isinstance(exc, DomainError):
            self.deleteLater()
            raise exc
        self.error = str(exc)
        QMessageBox.warning(self.window, "Выгрузка очереди", f"Очередь не выгружена: {exc}")
        self.deleteLater()
