"""The Excel report for the head of the settlement: a month, a quarter or any period.

The package's rooms:

* :mod:`.periods` — the period: its label, the period to compare with, its bounds (no Excel);
* :mod:`.data` — the figures' dataclasses and the labels and order of the report's rows;
* :mod:`.figures` — :func:`collect`: every figure from the database (no Excel);
* :mod:`.styles` — the cell styles all sheets share;
* :mod:`.sheets` — one module per sheet's layout, with the cells, frame and charts they share;
* :mod:`.builder` — :func:`build_monthly_report`: figures → workbook → file, and its summary.

Tests compare the workbook with figures they recompute themselves from the database.
"""
from __future__ import annotations

from app.models.enums import NO_ANSWER_REASON_LABELS
from app.services.report import builder, figures
from app.services.report.builder import ReportSummary, build_monthly_report, write_workbook
from app.services.report.data import (
    FINAL_ROWS, IN_TIME_SHARE_BASE, IN_TIME_SHARE_LABEL, NOT_INCIDENT_LABEL, REGISTER_COLUMNS, RETURN_REASON_SHORT,
    STAGES, GroupRow, LateRow, PageRow, PeriodFigures, ReportData, StageRow, UnitRow, short_duration,
)
from app.services.report.figures import collect
from app.services.report.periods import month_period, period_label, previous_period
from app.services.report.sheets.cells import clean_text, needs_text_guard

__all__ = [
    "FINAL_ROWS", "GroupRow", "IN_TIME_SHARE_BASE", "IN_TIME_SHARE_LABEL", "LateRow", "NOT_INCIDENT_LABEL",
    "NO_ANSWER_REASON_LABELS", "PageRow", "PeriodFigures", "REGISTER_COLUMNS", "RETURN_REASON_SHORT", "ReportData",
    "ReportSummary", "STAGES", "StageRow", "UnitRow", "build_monthly_report", "builder", "clean_text", "collect",
    "figures", "month_period", "needs_text_guard", "period_label", "previous_period", "short_duration",
    "write_workbook",
]
