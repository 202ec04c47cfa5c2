"""«График работы»: the administration's working hours for each weekday."""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import time

from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.services import admin, calendar_store
from app.services.permissions import Actor
from app.ui.admin.common import WEEKDAYS, AdminTab, make_hint


_PERIOD_RE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*[-–—]\s*(\d{1,2})[:.](\d{2})\s*$")
DAY_OFF_WORDS = frozenset({"", "-", "–", "—", "выходной"})


def parse_periods(text: str) -> list[tuple[time, time]]:
    """«09:00–13:00, 14:00–18:00» → periods; «выходной» or empty → none. ValueError in Russian."""
    if text.strip().casefold() in DAY_OFF_WORDS:
        return []
    result = []
    for chunk in re.split(r"[,;]", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        m = _PERIOD_RE.match(chunk)
        if m is None:
            raise ValueError(f"непонятный период «{chunk}»: пишите, например, 09:00–13:00")
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise ValueError(f"неверное время в периоде «{chunk}»")
        start, end = time(h1, m1), time(h2, m2)
        if end <= start:
            raise ValueError(f"период «{chunk}» заканчивается раньше, чем начинается")
        result.append((start, end))
    return sorted(result)


def format_periods(periods: Sequence[tuple[time, time]]) -> str:
    """Periods as the schedule field shows them; «выходной» for none."""
    if not periods:
        return "выходной"
    return ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in periods)


def _minutes(periods: Sequence[tuple[time, time]]) -> int:
    return sum((b.hour * 60 + b.minute) - (a.hour * 60 + a.minute) for a, b in periods)


def format_hours(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} ч" + (f" {rest:02d} мин" if rest else "")


class ScheduleTab(AdminTab):
    """The administration's working hours for each weekday (saved with ``set_work_schedule``)."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        intro = make_hint("Рабочие периоды каждого дня недели по местному времени администрации, через "
                          "запятую, например «09:00–13:00, 14:00–18:00». Пустое поле или «выходной» — "
                          "нерабочий день. Предпраздничный день короче на 1 час, рабочие субботы идут по "
                          "графику понедельника.")
        grid = QGridLayout()
        self.day_edits: list[QLineEdit] = []
        self.day_totals: list[QLabel] = []
        for i, name in enumerate(WEEKDAYS):
            edit = QLineEdit()
            edit.setPlaceholderText("выходной")
            edit.textChanged.connect(self._update_totals)
            total = QLabel()
            total.setMinimumWidth(140)
            grid.addWidget(QLabel(f"{name}:"), i, 0)
            grid.addWidget(edit, i, 1)
            grid.addWidget(total, i, 2)
            self.day_edits.append(edit)
            self.day_totals.append(total)
        grid.setColumnStretch(1, 1)
        self.week_total_label = QLabel()
        self.standard_button = QPushButton("Стандартный график")
        self.standard_button.setToolTip("Понедельник–пятница 09:00–18:00, обед 13:00–14:00")
        self.save_button = QPushButton("Сохранить график")
        self.standard_button.clicked.connect(self.fill_standard)
        self.save_button.clicked.connect(self.save)
        buttons = QHBoxLayout()
        buttons.addWidget(self.week_total_label)
        buttons.addStretch(1)
        buttons.addWidget(self.standard_button)
        buttons.addWidget(self.save_button)

        inner = QWidget()
        inner.setMaximumWidth(820)
        layout = QVBoxLayout(inner)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        layout.addWidget(self.messages())
        layout.addStretch(1)
        outer = QHBoxLayout(self)
        outer.addWidget(inner, 1)
        outer.addStretch(0)
        self.refresh()

    def form_state(self) -> object:
        return tuple(edit.text().strip() for edit in self.day_edits)

    def refresh(self) -> None:
        if self.has_unsaved():
            self._update_totals()
            return  # what the user typed stays until it is saved or the window closed
        ok, current = self.call(calendar_store.schedule)
        if ok and current is not None:
            for edit, periods in zip(self.day_edits, current.weekdays, strict=True):
                edit.setText(format_periods(periods) if periods else "")
            self.mark_clean()
        self._update_totals()

    def fill_standard(self) -> None:
        for i, edit in enumerate(self.day_edits):
            edit.setText("09:00–13:00, 14:00–18:00" if i < 5 else "")

    def _update_totals(self) -> None:
        week = 0
        for edit, label in zip(self.day_edits, self.day_totals, strict=True):
            try:
                periods = parse_periods(edit.text())
            except ValueError:
                label.setText("ошибка в записи")
                label.setStyleSheet("color: #b00020;")
                continue
            label.setStyleSheet("")
            minutes = _minutes(periods)
            week += minutes
            label.setText(format_hours(minutes) if minutes else "выходной")
        self.week_total_label.setText(f"Всего в неделю: {format_hours(week)}")

    def periods(self) -> dict[int, list[tuple[time, time]]] | None:
        """The periods typed in, or None (with the error shown) if a field cannot be read."""
        result: dict[int, list[tuple[time, time]]] = {}
        for i, edit in enumerate(self.day_edits):
            try:
                periods = parse_periods(edit.text())
            except ValueError as exc:
                self.show_error(f"{WEEKDAYS[i]}: {exc}")
                edit.setFocus()
                return None
            if periods:
                result[i] = periods
        return result

    def save(self) -> None:
        periods = self.periods()
        if periods is None:
            return
        ok, _ = self.call(admin.set_work_schedule, self.actor, periods)
        if ok:
            self.mark_clean()
            self.refresh()
            self.show_info("График работы сохранён: новые сроки считаются по нему на всех компьютерах")
