"""The administration window — now the package ``app.ui.admin``, one module per tab.

This module keeps the old import path working: ``from app.ui.admin_window import AdminWindow``
and the shared helpers the settings dialog and the tests use.
"""
from __future__ import annotations

from app.ui.admin.absences_tab import AbsencesTab
from app.ui.admin.calendar_tab import DAY_STYLES, CalendarTab, DayStyle, MonthModel, MonthView, day_description, \
    day_style_key
from app.ui.admin.common import (
    DATE_FORMAT, DATE_ROLE, HINT_STYLE, MUTED_COLOR, OK_STYLE, ROW_ID_ROLE, WEEKDAYS, WEEKDAYS_SHORT, AdminTab,
    BackgroundTask, RecordTableModel, TableColumn, TaskSignals, make_hint, make_table,
)
from app.ui.admin.limits_tab import LIMIT_TIPS, LimitsTab, limit_label
from app.ui.admin.schedule_tab import DAY_OFF_WORDS, ScheduleTab, format_hours, format_periods, parse_periods
from app.ui.admin.topics_tab import TopicsTab
from app.ui.admin.units_tab import UnitsTab
from app.ui.admin.users_tab import UsersTab
from app.ui.admin.window import AdminWindow

__all__ = [
    "DATE_FORMAT", "DATE_ROLE", "DAY_OFF_WORDS", "DAY_STYLES", "HINT_STYLE", "LIMIT_TIPS", "MUTED_COLOR", "OK_STYLE",
    "ROW_ID_ROLE", "WEEKDAYS", "WEEKDAYS_SHORT", "AbsencesTab", "AdminTab", "AdminWindow", "BackgroundTask",
    "CalendarTab", "DayStyle", "LimitsTab", "MonthModel", "MonthView", "RecordTableModel", "ScheduleTab",
    "TableColumn", "TaskSignals", "TopicsTab", "UnitsTab", "UsersTab", "day_description", "day_style_key",
    "format_hours", "format_periods", "limit_label", "make_hint", "make_table", "parse_periods",
]
