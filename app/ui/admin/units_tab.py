"""«Отделы и учреждения»: departments and subordinate institutions — add, rename, switch off or on."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from app.models.enums import UNIT_KIND_LABELS, UnitKind
from app.services import admin
from app.services.permissions import Actor
from app.ui.admin.common import AdminTab, RecordTableModel, TableColumn, make_table


class UnitsTab(AdminTab):
    """Departments and subordinate institutions: add, rename, switch off or on."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        self.model = RecordTableModel([
            TableColumn("Название", lambda u: u.name),
            TableColumn("Краткое название", lambda u: u.short_name),
            TableColumn("Вид", lambda u: u.kind_label),
            TableColumn("Сотрудников", lambda u: str(u.user_count)),
            TableColumn("Состояние", lambda u: "действует" if u.is_active else "отключено"),
        ], self)
        self.view = make_table(self.model, stretch_column=0)
        self.view.selectionModel().selectionChanged.connect(self._on_selection)

        self.name_edit = QLineEdit()
        self.short_name_edit = QLineEdit()
        self.short_name_edit.setMaxLength(64)
        self.kind_combo = QComboBox()
        for kind in UnitKind:
            self.kind_combo.addItem(UNIT_KIND_LABELS[kind], kind.value)
        form = QFormLayout()
        form.addRow("Название:", self.name_edit)
        form.addRow("Краткое название:", self.short_name_edit)
        form.addRow("Вид:", self.kind_combo)

        self.add_button = QPushButton("Добавить")
        self.rename_button = QPushButton("Переименовать")
        self.toggle_button = QPushButton("Отключить")
        self.add_button.clicked.connect(self.add)
        self.rename_button.clicked.connect(self.rename)
        self.toggle_button.clicked.connect(self.toggle_active)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.rename_button, self.toggle_button):
            buttons.addWidget(b)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.messages())
        self.refresh()
        self._update_buttons()
        self.mark_clean()

    def form_state(self) -> object:
        return (self.name_edit.text().strip(), self.short_name_edit.text().strip(), self.kind_combo.currentData())

    def refresh(self) -> None:
        ok, rows = self.call(admin.list_units, self.actor)
        if ok and rows is not None:
            self.model.set_rows(rows)
        self._update_buttons()

    def _selected(self) -> admin.AdminUnit | None:
        unit_id = self.selected_id(self.view)
        return None if unit_id is None else self.model.record(self.model.row_of(unit_id))

    def _update_buttons(self) -> None:
        unit = self._selected()
        self.rename_button.setEnabled(unit is not None)
        self.toggle_button.setEnabled(unit is not None)
        self.toggle_button.setText("Включить" if unit is not None and not unit.is_active else "Отключить")

    def _on_selection(self) -> None:
        unit = self._selected()
        if unit is not None:
            self.name_edit.setText(unit.name)
            self.short_name_edit.setText(unit.short_name)
            self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(unit.kind), 0))
            self.mark_clean()
        self.clear_messages()
        self._update_buttons()

    def _after(self, unit: admin.AdminUnit | None, message: str) -> None:
        if unit is None:
            return
        self.refresh()
        self.select_id(self.view, self.model, unit.id)
        self._on_selection()
        self.show_info(f"{message}: {unit.name}")

    def add(self) -> None:
        ok, unit = self.call(admin.create_unit, self.actor, self.name_edit.text(),
                             self.kind_combo.currentData(), self.short_name_edit.text())
        if ok:
            self._after(unit, "Добавлено")

    def rename(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        ok, unit = self.call(admin.rename_unit, self.actor, selected.id, self.name_edit.text(),
                             self.short_name_edit.text())
        if ok:
            self._after(unit, "Сохранено")

    def toggle_active(self) -> None:
        selected = self._selected()
        if selected is None:
            return
        ok, unit = self.call(admin.set_unit_active, self.actor, selected.id, not selected.is_active)
        if ok:
            self._after(unit, "Включено" if not selected.is_active else "Отключено")
