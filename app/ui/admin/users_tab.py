"""«Пользователи»: the accounts, a form to create one or change the selected one."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from app.models.enums import ROLE_LABELS, Role
from app.services import admin
from app.services.permissions import Actor
from app.ui.admin.common import AdminTab, RecordTableModel, TableColumn, make_table


class UsersTab(AdminTab):
    """Accounts: the list, and a form to create one or change the selected one."""

    def __init__(self, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(actor, parent)
        self.model = RecordTableModel([
            TableColumn("ФИО", lambda u: u.full_name),
            TableColumn("Логин", lambda u: u.login),
            TableColumn("Должность", lambda u: u.position),
            TableColumn("Роли", lambda u: u.roles_display),
            TableColumn("Отдел", lambda u: u.unit_name or "—"),
            TableColumn("Состояние", lambda u: "активен" if u.is_active else "отключён"),
        ], self)
        self.view = make_table(self.model, stretch_column=4, elastic=(2, 4))
        self.view.selectionModel().selectionChanged.connect(self._on_selection)
        self.editing_id: int | None = None
        #: the table is being reloaded: re-selecting the row being edited must not overwrite the form
        self._reloading = False

        self.login_edit = QLineEdit()
        self.login_edit.setPlaceholderText("латиница, например ivanov")
        self.full_name_edit = QLineEdit()
        self.position_edit = QLineEdit()
        self.role_boxes: dict[Role, QCheckBox] = {}
        roles_box = QWidget()
        roles_layout = QVBoxLayout(roles_box)
        roles_layout.setContentsMargins(0, 0, 0, 0)
        roles_layout.setSpacing(2)
        for role in (Role.CURATOR, Role.EXECUTOR, Role.RESPONSIBLE, Role.HEAD, Role.ADMIN):
            box = QCheckBox(ROLE_LABELS[role])
            self.role_boxes[role] = box
            roles_layout.addWidget(box)
        self.unit_combo = QComboBox()
        self.active_box = QCheckBox("Учётная запись активна")
        self.active_box.setChecked(True)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_repeat_edit = QLineEdit()
        self.password_repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)

        form = QFormLayout()
        form.addRow("Логин:", self.login_edit)
        form.addRow("ФИО:", self.full_name_edit)
        form.addRow("Должность:", self.position_edit)
        form.addRow("Роли:", roles_box)
        form.addRow("Отдел:", self.unit_combo)
        form.addRow("", self.active_box)
        form.addRow("Пароль:", self.password_edit)
        form.addRow("Повтор пароля:", self.password_repeat_edit)

        self.new_button = QPushButton("Новый пользователь")
        self.save_button = QPushButton("Сохранить")
        self.save_button.setDefault(True)
        self.password_button = QPushButton("Задать пароль")
        self.password_button.setToolTip("Задать выбранному пользователю пароль из полей «Пароль» и «Повтор пароля»")
        self.new_button.clicked.connect(self.start_new)
        self.save_button.clicked.connect(self.save)
        self.password_button.clicked.connect(self.set_password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.password_button)

        self.form_box = QGroupBox("Новый пользователь")
        right = QVBoxLayout(self.form_box)
        right.addLayout(form)
        right.addLayout(buttons)
        right.addWidget(self.messages())
        right.addStretch(1)
        self.form_box.setFixedWidth(max(340, self.form_box.sizeHint().width()))

        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.form_box)
        self.refresh()
        self.start_new()

    def refresh(self) -> None:
        ok, units = self.call(admin.list_units, self.actor)
        current = self.unit_combo.currentData()
        self.unit_combo.clear()
        self.unit_combo.addItem("— не указан —", None)
        for unit in units or []:
            self.unit_combo.addItem(unit.name if unit.is_active else f"{unit.name} (отключено)", unit.id)
        self._select_unit(current)
        ok, rows = self.call(admin.list_users, self.actor)
        if ok and rows is not None:
            self.model.set_rows(rows)
            if self.editing_id is not None:
                self._reloading = True
                try:
                    self.select_id(self.view, self.model, self.editing_id)
                finally:
                    self._reloading = False

    def form_state(self) -> object:
        return (self.login_edit.text(), self.full_name_edit.text(), self.position_edit.text(), tuple(self._roles()),
                self.unit_combo.currentData(), self.active_box.isChecked(), self.password_edit.text(),
                self.password_repeat_edit.text())

    def _select_unit(self, unit_id: int | None) -> None:
        i = self.unit_combo.findData(unit_id)
        self.unit_combo.setCurrentIndex(max(i, 0))

    def start_new(self) -> None:
        """Empty the form for a new account."""
        self.view.clearSelection()
        self.editing_id = None
        self.form_box.setTitle("Новый пользователь")
        self.login_edit.setReadOnly(False)
        for edit in (self.login_edit, self.full_name_edit, self.position_edit,
                     self.password_edit, self.password_repeat_edit):
            edit.clear()
        for box in self.role_boxes.values():
            box.setChecked(False)
        self.role_boxes[Role.EXECUTOR].setChecked(True)
        self._select_unit(None)
        self.active_box.setChecked(True)
        self.active_box.setEnabled(False)
        self.password_button.setEnabled(False)
        self.clear_messages()
        self.mark_clean()

    def _on_selection(self) -> None:
        user_id = self.selected_id(self.view)
        if user_id is None:
            return
        if self._reloading and user_id == self.editing_id and self.has_unsaved():
            return  # the same account after a reload: what the user typed stays
        user = self.model.record(self.model.row_of(user_id))
        self.editing_id = user.id
        self.form_box.setTitle(f"Пользователь «{user.login}»")
        self.login_edit.setText(user.login)
        self.login_edit.setReadOnly(True)
        self.full_name_edit.setText(user.full_name)
        self.position_edit.setText(user.position)
        for role, box in self.role_boxes.items():
            box.setChecked(user.has(role))
        self._select_unit(user.unit_id)
        self.active_box.setChecked(user.is_active)
        self.active_box.setEnabled(True)
        self.password_edit.clear()
        self.password_repeat_edit.clear()
        self.password_button.setEnabled(True)
        self.clear_messages()
        self.mark_clean()

    def _roles(self) -> list[Role]:
        return [role for role, box in self.role_boxes.items() if box.isChecked()]

    def _passwords(self) -> str | None:
        password = self.password_edit.text()
        if password != self.password_repeat_edit.text():
            self.show_error("Пароли не совпадают")
            return None
        return password

    def save(self) -> None:
        """Create the account or save the changes of the selected one."""
        if self.editing_id is None:
            password = self._passwords()
            if password is None:
                return
            ok, user = self.call(admin.create_user, self.actor, login=self.login_edit.text(),
                                 full_name=self.full_name_edit.text(), password=password, roles=self._roles(),
                                 unit_id=self.unit_combo.currentData(), position=self.position_edit.text())
            message = "Пользователь создан"
        else:
            ok, user = self.call(admin.update_user, self.actor, self.editing_id,
                                 full_name=self.full_name_edit.text(), position=self.position_edit.text(),
                                 roles=self._roles(), unit_id=self.unit_combo.currentData(),
                                 is_active=self.active_box.isChecked())
            message = "Изменения сохранены"
        if not ok or user is None:
            return
        self.mark_clean()
        self.refresh()
        self.select_id(self.view, self.model, user.id)
        self.mark_clean()
        self.show_info(f"{message}: {user.full_name}")

    def set_password(self) -> None:
        """Give the selected user the password typed in the form."""
        if self.editing_id is None:
            return
        password = self._passwords()
        if password is None:
            return
        ok, _ = self.call(admin.reset_password, self.actor, self.editing_id, password)
        if ok:
            self.password_edit.clear()
            self.password_repeat_edit.clear()
            self.mark_clean()
            self.show_info("Пароль изменён")
