"""Settings of this PC (database connection, notifications) and the administration's time zone.

The connection is kept in this PC's config file (``local_config``) and takes effect after a
restart; «Проверить соединение» tries the typed-in database in a worker thread. The time zone is
shared by every PC on the database, so only an administrator may change it.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.models.enums import Role
from app.services import admin, local_config, settings
from app.services.database import parse_url
from app.services.errors import DomainError, ValidationError
from app.services.permissions import Actor
from app.ui.admin.common import OK_STYLE, BackgroundTask, make_hint
from app.ui.widgets import ERROR_STYLE, make_error_label
from app.ui.help import Section, install_help

#: the time zones of Russia, with the names people know them by
RUSSIAN_TIMEZONES: tuple[tuple[str, str], ...] = (
    ("Europe/Kaliningrad", "Калининград (МСК−1)"),
    ("Europe/Moscow", "Москва (МСК)"),
    ("Europe/Samara", "Самара (МСК+1)"),
    ("Asia/Yekaterinburg", "Екатеринбург (МСК+2)"),
    ("Asia/Omsk", "Омск (МСК+3)"),
    ("Asia/Krasnoyarsk", "Красноярск (МСК+4)"),
    ("Asia/Irkutsk", "Иркутск (МСК+5)"),
    ("Asia/Yakutsk", "Якутск (МСК+6)"),
    ("Asia/Vladivostok", "Владивосток (МСК+7)"),
    ("Asia/Magadan", "Магадан (МСК+8)"),
    ("Asia/Kamchatka", "Петропавловск-Камчатский (МСК+9)"),
)

RESTART_MESSAGE = ("Настройки сохранены. Подключение к другой базе данных начнёт действовать "
                   "после перезапуска программы.")


class SettingsDialog(QDialog):
    """«Настройки»: which database this PC uses, its notifications, and the administration's zone."""

    def __init__(self, parent: QWidget | None = None, actor: Actor | None = None, *,
                 running_url: str | None = None) -> None:
        """``running_url``: the database the program runs on now (the fields show it; a different
        saved or default one is only what the next start would use)."""
        super().__init__(parent)
        install_help(self, Section.SHARED_DB)
        self.actor = actor
        self.setWindowTitle("Настройки")
        self.pool = QThreadPool(self)
        self._task: BackgroundTask | None = None
        #: the last message shown after «Сохранить» (also for tests)
        self.saved_message = ""

        config = local_config.load()
        self.running_url = running_url
        self.initial_url = running_url or local_config.resolve_database_url()
        notifications = config.get("notifications") if isinstance(config.get("notifications"), dict) else {}

        layout = QVBoxLayout(self)
        layout.addWidget(self._build_database_box())
        layout.addWidget(self._build_timezone_box())
        layout.addWidget(self._build_notifications_box(notifications))
        self.error_label = make_error_label()
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.save_button = QPushButton("Сохранить")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("Отмена")
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        self._load_url(self.initial_url)
        self._show_running()
        self.resize(640, self.sizeHint().height())

    # --- construction --------------------------------------------------------------------

    def _build_database_box(self) -> QGroupBox:
        box = QGroupBox("База данных")
        self.sqlite_radio = QRadioButton("Файл SQLite на этом компьютере (один пользователь)")
        self.postgres_radio = QRadioButton("Сервер PostgreSQL (работа нескольких пользователей)")
        self.kind_group = QButtonGroup(self)
        self.kind_group.addButton(self.sqlite_radio)
        self.kind_group.addButton(self.postgres_radio)
        self.sqlite_radio.toggled.connect(self._on_kind_changed)

        self.path_edit = QLineEdit()
        self.browse_button = QPushButton("Обзор…")
        self.browse_button.clicked.connect(self.browse)
        sqlite_page = QWidget()
        sqlite_form = QFormLayout(sqlite_page)
        sqlite_form.setContentsMargins(0, 0, 0, 0)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        sqlite_form.addRow("Файл:", path_row)

        self.host_edit = QLineEdit()
        self.host_edit.setPlaceholderText("например, db.korenovsk.local")
        self.port_spin = QSpinBox()
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(5432)
        self.database_edit = QLineEdit()
        self.user_edit = QLineEdit()
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        pg_page = QWidget()
        pg_form = QFormLayout(pg_page)
        pg_form.setContentsMargins(0, 0, 0, 0)
        pg_form.addRow("Сервер:", self.host_edit)
        pg_form.addRow("Порт:", self.port_spin)
        pg_form.addRow("База данных:", self.database_edit)
        self.user_edit.setPlaceholderText("на рабочих местах — пусто")
        self.password_edit.setPlaceholderText("на рабочих местах — пусто")
        pg_form.addRow("Пользователь:", self.user_edit)
        pg_form.addRow("Пароль:", self.password_edit)
        self.personal_hint = QLabel(
            "На рабочих местах оставьте пользователя и пароль пустыми: каждый входит под своей учётной "
            "записью, и пароль на компьютере не хранится. Владелец базы с паролем нужен только "
            "администратору для обновления схемы (см. docs/deploy.md).")
        self.personal_hint.setWordWrap(True)
        pg_form.addRow(self.personal_hint)

        # two pages shown one at a time (not a QStackedWidget: it would keep the taller one's height)
        self.sqlite_page = sqlite_page
        self.pg_page = pg_page

        self.check_button = QPushButton("Проверить соединение")
        self.check_button.clicked.connect(self.check_connection)
        self.check_progress = QProgressBar()
        self.check_progress.setRange(0, 0)
        self.check_progress.setTextVisible(False)
        self.check_progress.setMaximumWidth(120)
        self.check_progress.setVisible(False)
        self.check_label = QLabel()
        self.check_label.setWordWrap(True)
        self.check_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_label.setVisible(False)
        check_row = QHBoxLayout()
        check_row.addWidget(self.check_button)
        check_row.addWidget(self.check_progress)
        check_row.addStretch(1)

        self.env_note = make_hint("")
        env_value = os.environ.get(local_config.DB_ENV_VAR)
        self.env_note.setText(
            f"Сейчас адрес базы задан переменной окружения {local_config.DB_ENV_VAR}: пока она задана, "
            "сохранённая здесь настройка не действует." if env_value else "")
        self.env_note.setVisible(bool(env_value))

        restart_note = make_hint("Изменение базы данных начнёт действовать после перезапуска программы.")

        self.running_label = make_hint("")
        self.running_label.setObjectName("runningDatabase")
        self.running_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(box)
        layout.addWidget(self.running_label)
        layout.addWidget(self.sqlite_radio)
        layout.addWidget(self.postgres_radio)
        layout.addWidget(self.sqlite_page)
        layout.addWidget(self.pg_page)
        layout.addLayout(check_row)
        layout.addWidget(self.check_label)
        layout.addWidget(restart_note)
        layout.addWidget(self.env_note)
        return box

    def _build_timezone_box(self) -> QGroupBox:
        box = QGroupBox("Часовой пояс администрации")
        self.timezone_combo = QComboBox()
        for name, label in RUSSIAN_TIMEZONES:
            self.timezone_combo.addItem(f"{label} — {name}", name)
        try:
            current = settings.timezone_name()
        except Exception:  # noqa: BLE001 - no database open: show the default, nothing to change
            current = settings.DEFAULT_TIMEZONE
        if self.timezone_combo.findData(current) < 0:
            self.timezone_combo.addItem(current, current)
        self.timezone_combo.setCurrentIndex(self.timezone_combo.findData(current))
        self.initial_timezone = current
        self.can_change_timezone = self.actor is not None and self.actor.has(Role.ADMIN)
        self.timezone_combo.setEnabled(self.can_change_timezone)
        note = make_hint("Все сроки считаются в этом поясе на всех компьютерах."
                         + ("" if self.can_change_timezone else " Изменить его может только администратор."))
        layout = QVBoxLayout(box)
        layout.addWidget(self.timezone_combo)
        layout.addWidget(note)
        return box

    def _build_notifications_box(self, notifications: dict) -> QGroupBox:
        box = QGroupBox("Уведомления на этом компьютере")
        self.tray_box = QCheckBox("Показывать уведомления о сроках всплывающими сообщениями у часов "
                                  "на панели задач")
        self.sound_box = QCheckBox("Подавать звуковой сигнал")
        self.tray_box.setChecked(bool(notifications.get("tray", True)))
        self.sound_box.setChecked(bool(notifications.get("sound", False)))
        layout = QVBoxLayout(box)
        layout.addWidget(self.tray_box)
        layout.addWidget(self.sound_box)
        return box

    # --- the database URL ----------------------------------------------------------------

    def _show_running(self) -> None:
        """«Программа сейчас работает с базой …», and where the next start would differ."""
        if self.running_url is None:
            self.running_label.setVisible(False)
            return
        try:
            shown = parse_url(self.running_url).display()
        except DomainError:
            shown = self.running_url
        text = f"Программа сейчас работает с базой данных: {shown}."
        try:
            saved = parse_url(local_config.resolve_database_url())
        except DomainError:
            saved = None
        if saved is not None and saved.display() != shown:
            text += (f" Без параметра --db и переменной {local_config.DB_ENV_VAR} программа откроет "
                     f"{saved.display()}.")
        self.running_label.setText(text)
        self.running_label.setVisible(True)

    def _load_url(self, url: str) -> None:
        try:
            target = parse_url(url)
        except DomainError:
            self.sqlite_radio.setChecked(True)
            self._on_kind_changed()
            return
        if target.backend == "sqlite":
            self.sqlite_radio.setChecked(True)
            self.path_edit.setText(str(target.path))
        else:
            self.postgres_radio.setChecked(True)
            self.host_edit.setText(target.host)
            self.port_spin.setValue(target.port)
            self.database_edit.setText(target.name)
            self.user_edit.setText(target.user)
            self.password_edit.setText(target.password)
        self._on_kind_changed()

    def _on_kind_changed(self) -> None:
        sqlite = self.sqlite_radio.isChecked()
        self.sqlite_page.setVisible(sqlite)
        self.pg_page.setVisible(not sqlite)
        self.check_label.setVisible(False)
        if self.isVisible():
            self.resize(self.width(), self.sizeHint().height())

    def database_url(self) -> str:
        """The URL the fields describe (``sqlite:///…`` or ``postgresql://…``)."""
        if self.sqlite_radio.isChecked():
            return f"sqlite:///{self.path_edit.text().strip()}"
        user = quote(self.user_edit.text().strip(), safe="")
        password = quote(self.password_edit.text(), safe="")
        who = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = self.host_edit.text().strip() or "localhost"
        name = quote(self.database_edit.text().strip(), safe="")
        return f"postgresql://{who}{host}:{self.port_spin.value()}/{name}"

    def browse(self) -> None:
        start = self.path_edit.text().strip() or str(Path.home())
        path, _ = QFileDialog.getSaveFileName(
            self, "Файл базы данных", start, "База данных SQLite (*.sqlite3 *.sqlite *.db);;Все файлы (*)",
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.path_edit.setText(path)

    # --- «Проверить соединение» ----------------------------------------------------------

    @property
    def check_running(self) -> bool:
        return self._task is not None

    def check_connection(self) -> None:
        """Try the database in a worker thread; the answer appears under the button."""
        if self._task is not None:
            return
        self.check_label.setVisible(False)
        task = BackgroundTask(admin.check_connection, self.database_url())
        task.signals.succeeded.connect(self._check_succeeded)
        task.signals.failed.connect(self._check_failed)
        self._task = task
        self.check_button.setEnabled(False)
        self.check_progress.setVisible(True)
        self.pool.start(task)

    def _check_done(self, text: str, style: str) -> None:
        self._task = None
        self.check_button.setEnabled(True)
        self.check_progress.setVisible(False)
        self.check_label.setStyleSheet(style)
        self.check_label.setText(text)
        self.check_label.setVisible(True)

    def _check_succeeded(self, text: str) -> None:
        self._check_done(text, OK_STYLE)

    def _check_failed(self, text: str) -> None:
        self._check_done(text, ERROR_STYLE)

    # --- «Сохранить» ---------------------------------------------------------------------

    def inform(self, text: str) -> None:
        """Tell the user what was saved (a method, so that tests can catch it)."""
        QMessageBox.information(self, "Настройки", text)

    def save(self) -> None:
        """Save the connection and notifications locally and the zone in the database."""
        self.error_label.setVisible(False)
        url = self.database_url()
        try:
            parse_url(url)
            if self.sqlite_radio.isChecked() and not self.path_edit.text().strip():
                raise ValidationError("Укажите файл базы данных SQLite")
            if self.postgres_radio.isChecked() and not self.database_edit.text().strip():
                raise ValidationError("Укажите имя базы данных на сервере PostgreSQL")
            timezone = self.timezone_combo.currentData()
            if self.can_change_timezone and timezone != self.initial_timezone and self.actor is not None:
                admin.set_timezone(self.actor, timezone)
                self.initial_timezone = timezone
        except DomainError as exc:
            self.error_label.setText(str(exc))
            self.error_label.setVisible(True)
            return
        url_changed = url != self.initial_url
        values: dict[str, object] = {"notifications": {"tray": self.tray_box.isChecked(),
                                                       "sound": self.sound_box.isChecked()}}
        if url_changed:
            values["db_url"] = url
        local_config.save(**values)
        self.saved_message = RESTART_MESSAGE if url_changed else "Настройки сохранены."
        self.inform(self.saved_message)
        self.accept()

    def done(self, result: int) -> None:  # noqa: D102 - a running check finishes first (5 s at most)
        self.pool.waitForDone(10_000)
        super().done(result)
