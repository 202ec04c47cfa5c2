"""The report as a file: compute the figures, lay out the sheets, save the workbook safely.

:func:`build_monthly_report` writes to a temporary file beside the target and moves it into
place at the end, so a failure never leaves a half-written file behind; it returns a
:class:`ReportSummary` with the headline figures for the command line and the dialog.
"""
from __future__ import annotations

import os
import tempfile
import time as time_module
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from app.services.deadlines import ClockState
from app.services.errors import ValidationError
from app.services.report.data import Progress, ReportData, tell
from app.services.report.figures import collect
from app.services.report.properties import describe, save
from app.services.report.sheets import SHEETS


@dataclass(frozen=True)
class ReportSummary:
    """What :func:`build_monthly_report` wrote, for the command line and the GUI."""

    path: Path
    period_label: str                  # as a sentence names it: «ноябрь 2026 г.», «период с … по …»
    received: int
    in_time: int
    late: int
    overdue: int
    no_answer: int                     # closed without an answer on the grounds of clause 21
    still_open: int
    in_time_share: float | None        # :data:`.data.IN_TIME_SHARE_LABEL`, of the posted answers
    median_minutes: float | None
    register_rows: int
    late_rows: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, «write» for the workbook
    not_incident: int = 0              # closed as not about the administration (clause 2)
    requested: int = 0                 # incidents with a posted clarification request (clause 13)


def write_workbook(data: ReportData, path: Path, progress: Progress | None = None) -> None:
    """Lay out every sheet of the report on a write-only (streaming) workbook and save it to ``path``."""
    wb = Workbook(write_only=True)
    describe(wb, data)
    for stage, percent, write in SHEETS:
        tell(progress, percent, stage)
        write(wb, data)
    tell(progress, 97, "Сохранение файла")
    save(wb, path)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def build_monthly_report(period_start: date, period_end: date, path: Path, *, progress: Progress | None = None,
                         now: datetime | None = None) -> ReportSummary:
    """Compute the report for the period and write it to ``path`` (.xlsx)."""
    started = time_module.perf_counter()
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(f"Папка «{folder}» не существует")
    if path.is_dir():
        raise ValidationError(f"«{path}» — это папка, укажите имя файла .xlsx")
    if not os.access(folder, os.W_OK):
        raise ValidationError(f"Нет прав на запись в папку «{folder}»")
    data = collect(period_start, period_end, now, progress)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=folder)
        os.close(handle)
    except OSError as exc:
        raise ValidationError(f"Не удалось записать отчёт в «{path}»: {exc.strerror or exc}") from None
    temp = Path(temp_name)
    writing = time_module.perf_counter()
    try:
        write_workbook(data, temp, progress)
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ValidationError(f"Не удалось записать отчёт в «{path}»: {exc.strerror or exc}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    tell(progress, 100, "Готово")
    cur = data.current
    return ReportSummary(path, data.period_words, cur.received, cur.in_time, cur.late,
                         cur.answer_count(ClockState.OVERDUE), cur.clause21_total, cur.still_open,
                         cur.in_time_share, cur.median_minutes, len(data.register),
                         len(data.late), time_module.perf_counter() - started,
                         {**data.timings, "write": time_module.perf_counter() - writing}, cur.not_incident,
                         cur.requested)
