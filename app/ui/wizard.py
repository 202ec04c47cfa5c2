"""First-run wizard: an empty database gets its administrator account."""
from __future__ import annotations

import logging
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.models.enums import Role
from app.services.errors import DomainError
from app.services.users import MIN_PASSWORD_LENGTH, UserInfo, create_user
from app.ui.widgets import make_error_label

log = logging.getLogger(__name__)


class _IntroPage(QWizardPage):
    """Explains what is about to happen."""

    def __init__(self, db_display: str) -> None:
        super().__init__()
        self.setTitle("Первый запуск")
        self.setSubTitle("В базе данных ещё нет ни одного пользователя.")
        text = QLabel(
            "<p>Программа «Инциденты» подключена к новой базе данных:</p>"
            f"<p><b>{escape(db_display)}</b></p>"
            "<p>Создайте учётную запись администратора. Администратор заводит пользователей, "
            "отделы и подведомственные учреждения, темы, график работы и производственный "
            "календарь. Эта же учётная запись получает роль куратора.</p>"
            "<p>Если база выбрана не та, нажмите «Отмена» и укажите другую "
            "(параметр <code>--db</code> или переменная окружения <code>INCIDENTS_DB</code>).</p>"
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addStretch(1)


class _AccountPage(QWizardPage):
    """Login, full name and password of the administrator; creates the account on «Готово»."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Учётная запись администратора")
        self.setSubTitle(f"Пароль — не меньше {MIN_PASSWORD_LENGTH} символов.")

        self.login_edit = QLineEdit("admin")
        self.login_edit.setPlaceholderText("латинские буквы, цифры, точка, дефис")
        self.full_name_edit = QLineEdit()
        self.full_name_edit.setPlaceholderText("Иванов Иван Иванович")
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(f"не меньше {MIN_PASSWORD_LENGTH} символов")
        self.password_repeat_edit = QLineEdit()
        self.password_repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = make_error_label()

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.addRow("&Логин:", self.login_edit)
        form.addRow("&Фамилия, имя, отчество:", self.full_name_edit)
        form.addRow("&Пароль:", self.password_edit)
        form.addRow("Пароль &ещё раз:", self.password_repeat_edit)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addStretch(1)

        for edit in (self.login_edit, self.full_name_edit, self.password_edit, self.password_repeat_edit):
            edit.textEdited.connect(self._clear_error)

    def initializePage(self) -> None:  # noqa: N802
        self.full_name_edit.setFocus()

    def show_error(self, message: str, field: QWidget | None = None) -> None:
        """Show a Russian message under the form and put the cursor into ``field``."""
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        if field is not None:
            field.setFocus()

    def _clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.setVisible(False)

    def validatePage(self) -> bool:  # noqa: N802
        password = self.password_edit.text()
        if len(password) < MIN_PASSWORD_LENGTH:
            self.show_error(
                f"Пароль слишком короткий: нужно не меньше {MIN_PASSWORD_LENGTH} символов", self.password_edit
            )
            return False
        if password != self.password_repeat_edit.text():
            self.password_repeat_edit.clear()
            self.show_error("Пароли не совпадают: введите пароль ещё раз", self.password_repeat_edit)
            return False
        try:
            user = create_user(
                self.login_edit.text(),
                self.full_name_edit.text(),
                password,
                roles=[Role.ADMIN, Role.CURATOR],
            )
        except DomainError as exc:
            self.show_error(str(exc))
            return False
        log.info("Первый запуск: создан администратор %s", user.login)
        self._wizard.created_user = user
        return True


class FirstRunWizard(QWizard):
    """Asks for the administrator account when the database has no users yet."""

    def __init__(self, db_display: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.created_user: UserInfo | None = None
        self.setWindowTitle("Инциденты — первый запуск")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Назад")
        self.setButtonText(QWizard.WizardButton.NextButton, "&Далее >")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Готово")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Отмена")
        self.intro_page = _IntroPage(db_display)
        self.account_page = _AccountPage(self)
        self.addPage(self.intro_page)
        self.addPage(self.account_page)
        self.setMinimumSize(620, 440)
