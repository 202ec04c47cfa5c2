"""«Замещения» (clause 8): absences of executors and the deputies who act for them meanwhile."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDateEdit, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QPushButton,
    QVBoxLayout, QWidget,
)

from app.models.enums import ABSENCE_KIND_LABELS, AbsenceKind, Role
from app.services import admin
from app.services.permissions import Actor
from app.ui.admin.common import DATE_FORMAT, AdminTab, RecordTableModel, TableColumn, fmt_date, make_hint, make_table


class AbsencesTab(AdminTab):
    """Absences of executors and the deputies who act for them meanwhile (clause 8)."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        self.model = RecordTableModel([
            TableColumn("Отсутствует", lambda a: a.user_name),
            TableColumn("Замещает", lambda a: a.deputy_name),
            TableColumn("Причина", lambda a: a.kind_label),
            TableColumn("С", lambda a: fmt_date(a.starts_on)),
            TableColumn("По", lambda a: fmt_date(a.ends_on)),
            TableColumn("Комментарий", lambda a: a.comment),
        ], self)
        self.view = make_table(self.model, stretch_column=5, elastic=(5,))
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.show_past_box = QCheckBox("Показывать прошедшие")
        self.show_past_box.toggled.connect(self.refresh)

        self.user_combo = QComboBox()
        self.deputy_combo = QComboBox()
        self.kind_combo = QComboBox()
        for kind in AbsenceKind:
            self.kind_combo.addItem(ABSENCE_KIND_LABELS[kind], kind.value)
        today = QDate.currentDate()
        self.starts_edit = QDateEdit(today)
        self.ends_edit = QDateEdit(today.addDays(13))
        for edit in (self.starts_edit, self.ends_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat(DATE_FORMAT)
        self.starts_edit.dateChanged.connect(self._keep_order)
        self.comment_edit = QLineEdit()
        self.comment_edit.setPlaceholderText("например, номер приказа")

        period = QHBoxLayout()
        period.addWidget(QLabel("с"))
        period.addWidget(self.starts_edit)
        period.addWidget(QLabel("по"))
        period.addWidget(self.ends_edit)
        period.addStretch(1)
        form = QFormLayout()
        form.addRow("Отсутствует:", self.user_combo)
        form.addRow("Замещает:", self.deputy_combo)
        form.addRow("Причина:", self.kind_combo)
        form.addRow("Период:", period)
        form.addRow("Комментарий:", self.comment_edit)

        self.add_button = QPushButton("Добавить замещение")
        self.delete_button = QPushButton("Удалить выбранное")
        self.add_button.clicked.connect(self.add)
        self.delete_button.clicked.connect(self.delete_selected)
        list_buttons = QHBoxLayout()
        list_buttons.addWidget(self.delete_button)
        list_buttons.addStretch(1)
        list_buttons.addWidget(self.show_past_box)
        add_row = QHBoxLayout()
        add_row.addStretch(1)
        add_row.addWidget(self.add_button)
        new_box = QGroupBox("Новое замещение")
        new_layout = QVBoxLayout(new_box)
        new_layout.addLayout(form)
        new_layout.addLayout(add_row)

        layout = QVBoxLayout(self)
        layout.addWidget(make_hint("На время отсутствия исполнителя его поручения выполняет заместитель "
                                   "(п. 8 Порядка). Заместителем может быть только исполнитель."))
        layout.addWidget(self.view, 1)
        layout.addLayout(list_buttons)
        layout.addWidget(new_box)
        layout.addWidget(self.messages())
        self.refresh()
        self.mark_clean()

    def form_state(self) -> object:
        return (self.user_combo.currentData(), self.deputy_combo.currentData(), self.kind_combo.currentData(),
                self.starts_edit.date(), self.ends_edit.date(), self.comment_edit.text().strip())

    def _keep_order(self, start: QDate) -> None:
        if self.ends_edit.date() < start:
            self.ends_edit.setDate(start)

    def refresh(self) -> None:
        since = None if self.show_past_box.isChecked() else date.today()
        ok, rows = self.call(admin.list_absences, self.actor, since=since)
        if ok and rows is not None:
            self.model.set_rows(rows)
        ok, people = self.call(admin.list_users, self.actor)
        active = [u for u in people or [] if u.is_active]
        executors = [u for u in active if u.has(Role.EXECUTOR)]
        # executors first (clause 8 is about their work), then the others; nobody is chosen by default
        others = [u for u in active if not u.has(Role.EXECUTOR)]
        for combo, candidates, nobody in ((self.user_combo, executors + others, "— выберите отсутствующего —"),
                                          (self.deputy_combo, executors, "— выберите заместителя —")):
            current = combo.currentData()
            combo.clear()
            combo.addItem(nobody, None)
            for u in candidates:
                combo.addItem(f"{u.full_name} — {u.unit_name}" if u.unit_name else u.full_name, u.id)
            combo.setCurrentIndex(max(combo.findData(current), 0))
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.delete_button.setEnabled(self.selected_id(self.view) is not None)

    def add(self) -> None:
        if self.user_combo.currentData() is None or self.deputy_combo.currentData() is None:
            self.show_error("Выберите отсутствующего сотрудника и заместителя")
            return
        ok, absence = self.call(admin.add_absence, self.actor, user_id=self.user_combo.currentData(),
                                deputy_id=self.deputy_combo.currentData(), kind=self.kind_combo.currentData(),
                                starts_on=self.starts_edit.date().toPython(),
                                ends_on=self.ends_edit.date().toPython(), comment=self.comment_edit.text())
        if not ok or absence is None:
            return
        self.comment_edit.clear()
        self.refresh()
        self.select_id(self.view, self.model, absence.id)
        self.mark_clean()
        self.show_info(f"Замещение добавлено: {absence.user_name} → {absence.deputy_name}, "
                       f"{fmt_date(absence.starts_on)}–{fmt_date(absence.ends_on)}")

    def confirm(self, text: str) -> bool:
        """Ask a yes/no question (a method, so that tests can answer it)."""
        answer = QMessageBox.question(self, "Удаление замещения", text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def delete_selected(self) -> None:
        absence_id = self.selected_id(self.view)
        if absence_id is None:
            return
        absence = self.model.record(self.model.row_of(absence_id))
        if not self.confirm(f"Удалить замещение: {absence.user_name} → {absence.deputy_name}, "
                            f"{fmt_date(absence.starts_on)}–{fmt_date(absence.ends_on)}?"):
            return
        ok, _ = self.call(admin.delete_absence, self.actor, absence_id)
        if ok:
            self.refresh()
            self.show_info("Замещение удалено")
