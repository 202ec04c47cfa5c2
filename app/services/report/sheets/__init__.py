"""The sheets of the report, one module each, in the order the workbook has them.

Each module has ``write(wb, data)``, which adds its sheet to a write-only workbook; the shared
pieces are :mod:`.cells` (the cells of a sheet), :mod:`.layout` (its frame and print set-up)
and :mod:`.charts`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.services.report.data import ReportData
from app.services.report.sheets import late, pages, register, stages, summary, topics, units

#: (the progress stage, its percentage, the writer) of every sheet, in the workbook's order
SHEETS: tuple[tuple[str, int, Callable[[Any, ReportData], None]], ...] = (
    ("Лист «Сводка»", 76, summary.write),
    ("Лист «По исполнителям»", 78, units.write),
    ("Лист «По этапам»", 79, stages.write),
    ("Лист «По темам и соцсетям»", 80, topics.write),
    ("Лист «Просрочки»", 81, late.write),
    ("Лист «Реестр»", 83, register.write),
    ("Лист «Официальные страницы»", 96, pages.write),
)
