"""Sign-in dialog: login and password against the database in use."""
from __future__ import annotations

import logging
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.errors import DomainError
from app.services.local_config import DB_ENV_VAR
from app.services.user_dirs import config_dir
from collections.abc import Callable

from app.services.users import UserInfo, authenticate
from app.ui.widgets import make_error_label

log = logging.getLogger(__name__)

DB_LABEL_MAX_WIDTH = 420


def connection_help_text() -> str:
    """How to choose the database (rich text shown by «Настройки подключения…»)."""
    settings_file = escape(str(config_dir() / "config.json"))
    return (
        "<p>Программа берёт адрес базы данных по порядку из трёх мест:</p>"
        "<ol>"
        "<li>Параметр командной строки <code>--db</code>, например:"
        "<pre>./run --db sqlite:////home/user/incidents.sqlite3\n"
        "Incidents.exe --db sqlite:///C:/Инциденты/incidents.sqlite3\n"
        "./run --db postgresql://сервер:5432/incidents</pre>"
        "После <code>sqlite:///</code> — путь к файлу: <code>/home/…</code> или <code>C:/…</code> — от корня "
        "диска, иначе — от текущей папки.</li>"
        f"<li>Переменная окружения <code>{DB_ENV_VAR}</code> с таким же адресом.</li>"
        "<li>Файл настроек этого компьютера (строка <code>\"db_url\"</code>):"
        f"<pre>{settings_file}</pre></li>"
        "</ol>"
        "<p>Если ничего не задано, используется файл SQLite в папке данных пользователя. "
        "Чтобы несколько компьютеров работали с общей базой, укажите сервер PostgreSQL.<br>"
        "После изменения адреса перезапустите программу.</p>"
    )


class LoginDialog(QDialog):
    """Asks for login and password; stays open with the service's message on a wrong password."""

    def __init__(self, db_display: str, login: str = "", parent: QWidget | None = None,
                 check: Callable[[str, str], UserInfo] = authenticate) -> None:
        #: checks the login and password: the program's own check, or signing in to the shared
        #: server as the person's own role (``app.services.database.open_as_person``)
        self._check = check
        super().__init__(parent)
        self.user: UserInfo | None = None
        self.setWindowTitle("Инциденты — вход")
        self.setMinimumWidth(460)

        title = QLabel("<h3>Вход в программу «Инциденты»</h3>")
        self.login_edit = QLineEdit(login)
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error_label = make_error_label()

        self.db_label = QLabel()
        self.db_label.setToolTip(db_display)
        self.db_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        metrics = QFontMetrics(self.db_label.font())
        self.db_label.setText(metrics.elidedText(db_display, Qt.TextElideMode.ElideMiddle, DB_LABEL_MAX_WIDTH))

        self.settings_button = QPushButton("Настройки подключения…")
        self.settings_button.setFlat(True)
        self.settings_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.settings_button.setStyleSheet(
            "QPushButton { color: palette(link); text-decoration: underline; border: none; padding: 0; }"
        )
        self.settings_button.setAutoDefault(False)
        self.settings_button.clicked.connect(self.show_connection_help)

        form = QFormLayout()
        form.addRow("&Логин:", self.login_edit)
        form.addRow("&Пароль:", self.password_edit)
        form.addRow("База данных:", self.db_label)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Войти")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Отмена")
        self.buttons.accepted.connect(self.try_login)
        self.buttons.rejected.connect(self.reject)

        bottom = QHBoxLayout()
        bottom.addWidget(self.settings_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addSpacing(6)
        layout.addLayout(bottom)

        for edit in (self.login_edit, self.password_edit):
            edit.textEdited.connect(self._clear_error)
        (self.password_edit if login else self.login_edit).setFocus()

    def _clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.setVisible(False)

    def try_login(self) -> None:
        """Check the password with the service; accept on success, otherwise show why."""
        login = self.login_edit.text().strip()
        if not login:
            self._fail("Введите логин", self.login_edit)
            return
        if not self.password_edit.text():
            self._fail("Введите пароль", self.password_edit)
            return
        try:
            self.user = self._check(login, self.password_edit.text())
        except DomainError as exc:
            self.password_edit.clear()
            self._fail(str(exc), self.password_edit)
            return
        log.info("Вход пользователя %s", self.user.login)
        self.accept()

    def _fail(self, message: str, field: QLineEdit) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(True)
        field.setFocus()

    def make_connection_help_box(self) -> QMessageBox:
        """The informational box about choosing the database, not yet shown."""
        box = QMessageBox(QMessageBox.Icon.Information, "Настройки подключения",
                          connection_help_text(), QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.button(QMessageBox.StandardButton.Ok).setText("Понятно")
        return box

    def show_connection_help(self) -> None:
        """Explain how to choose the database (a settings dialog will come later)."""
        self.make_connection_help_box().exec()
