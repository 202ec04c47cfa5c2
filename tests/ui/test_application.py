"""Start-up of the GUI: display check, Qt logging, Russian Qt texts, the smoke run."""
from __future__ import annotations

import logging
import sys

import pytest
from PySide6.QtCore import QCoreApplication, qInstallMessageHandler, qWarning
from PySide6.QtWidgets import QApplication

from app.services.database import OpenedDatabase, close_database
from app.services.users import UserInfo
from app.ui import application
from app.ui.application import (
    NO_DISPLAY_MESSAGE,
    display_available,
    install_qt_message_handler,
    install_russian_translator,
    run_gui,
)

DISPLAY_VARS = ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")


@pytest.fixture
def bare_linux(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setattr(sys, "platform", "linux")
    for name in DISPLAY_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_no_display_on_bare_linux(bare_linux: pytest.MonkeyPatch) -> None:
    assert display_available() is False


@pytest.mark.parametrize("name,value", [("DISPLAY", ":0"), ("WAYLAND_DISPLAY", "wayland-0"),
                                        ("QT_QPA_PLATFORM", "offscreen")])
def test_display_found_by_environment(bare_linux: pytest.MonkeyPatch, name: str, value: str) -> None:
    bare_linux.setenv(name, value)
    assert display_available() is True


def test_empty_variable_is_not_a_display(bare_linux: pytest.MonkeyPatch) -> None:
    bare_linux.setenv("DISPLAY", "")
    assert display_available() is False


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_always_have_a_display(bare_linux: pytest.MonkeyPatch, platform: str) -> None:
    bare_linux.setattr(sys, "platform", platform)
    assert display_available() is True


def test_no_display_message_tells_what_to_do() -> None:
    assert "QT_QPA_PLATFORM=offscreen" in NO_DISPLAY_MESSAGE
    assert "xvfb-run" in NO_DISPLAY_MESSAGE
    assert "«./run --help»" in NO_DISPLAY_MESSAGE and "xvfb-run ./run" in NO_DISPLAY_MESSAGE
    assert "python main.py" not in NO_DISPLAY_MESSAGE
    assert "графический экран" in NO_DISPLAY_MESSAGE


def test_run_gui_without_display_returns_2(bare_linux: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert run_gui("sqlite:///unused.sqlite3") == 2
    assert "QT_QPA_PLATFORM=offscreen" in capsys.readouterr().err


@pytest.mark.no_qt_log
def test_qt_messages_go_to_python_logging(qapp: QApplication, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="qt")
    install_qt_message_handler()
    try:
        qWarning("проверка журнала Qt")
    finally:
        qInstallMessageHandler(None)
    records = [r for r in caplog.records if r.name == "qt"]
    assert records and records[-1].levelno == logging.WARNING
    assert "проверка журнала Qt" in records[-1].getMessage()


def test_russian_translator_translates_stock_buttons(qapp: QApplication) -> None:
    translator = install_russian_translator(qapp)
    assert translator is not None, "PySide6 ships qtbase_ru.qm in its translations folder"
    try:
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Отмена"
    finally:
        qapp.removeTranslator(translator)


def test_smoke_run_shows_main_window(qapp: QApplication, admin: UserInfo, ui_db: OpenedDatabase,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(application, "SMOKE_TEST_MS", 200)
    url = f"sqlite:///{ui_db.target.path}"
    close_database()
    try:
        assert run_gui(url, smoke_test=True) == 0
    finally:
        qInstallMessageHandler(None)
    assert qapp.applicationName() == "Инциденты"
    assert qapp.organizationName() == "Korenovsk"


def test_smoke_run_without_users_fails(qapp: QApplication, ui_db_url: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    try:
        assert run_gui(ui_db_url, smoke_test=True) == 1
    finally:
        qInstallMessageHandler(None)
    assert "нет ни одного пользователя" in capsys.readouterr().err


def test_unopenable_database_returns_2(qapp: QApplication, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    not_a_db = tmp_path / "note.txt"
    not_a_db.write_text("это не база данных", encoding="utf-8")
    try:
        assert run_gui(f"sqlite:///{not_a_db}", smoke_test=True) == 2
    finally:
        qInstallMessageHandler(None)
    assert "не является базой данных SQLite" in capsys.readouterr().err


def test_smoke_run_fails_when_a_slot_raises(qapp: QApplication, admin: UserInfo, ui_db: OpenedDatabase,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QTimer

    from app.ui.main_window import MainWindow

    class BrokenWindow(MainWindow):
        def __init__(self, *args: object) -> None:
            super().__init__(*args)
            QTimer.singleShot(0, self.boom)

        def boom(self) -> None:
            raise RuntimeError("сломано нарочно")

    monkeypatch.setattr(application, "MainWindow", BrokenWindow)
    monkeypatch.setattr(application, "SMOKE_TEST_MS", 200)
    url = f"sqlite:///{ui_db.target.path}"
    close_database()
    try:
        assert run_gui(url, smoke_test=True) == 1
    finally:
        qInstallMessageHandler(None)


def test_the_first_run_signs_the_new_administrator_in_without_asking_again(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog

    from app.models.enums import Role
    from app.services import users

    opened: list[str] = []

    class FakeWizard:
        def __init__(self, db_display: str) -> None:
            self.created_user = None

        def exec(self) -> int:
            self.created_user = users.create_user("admin", "Петрова Анна Сергеевна", "секретный-пароль",
                                                  [Role.ADMIN, Role.CURATOR])
            return QDialog.DialogCode.Accepted

    class NoLogin:
        def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
            opened.append("login")  # must not happen: the password was just typed twice

        def exec(self) -> int:
            return QDialog.DialogCode.Rejected

    class FakeWindow:
        def __init__(self, actor, user: UserInfo, db_display: str) -> None:  # noqa: ANN001
            opened.append(f"window of {user.login}")

        def showMaximized(self) -> None:  # noqa: N802
            QTimer.singleShot(0, QApplication.instance().quit)

    monkeypatch.setattr(application, "FirstRunWizard", FakeWizard)
    monkeypatch.setattr(application, "LoginDialog", NoLogin)
    monkeypatch.setattr(application, "MainWindow", FakeWindow)
    assert application.run_gui(f"sqlite:///{tmp_path}/first.sqlite3") == 0
    assert opened == ["window of admin"]


def test_on_the_shared_server_each_person_signs_in_as_their_own_role(backend_db, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
                                                                    qtbot) -> None:  # noqa: ANN001
    """Issue 15: a PC keeps only the server's address; the sign-in window connects as the person."""
    from urllib.parse import urlsplit, urlunsplit

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialogButtonBox

    from app.models import db as proxy
    from app.models.enums import Role
    from app.services import catalog, users
    from app.ui.login_dialog import LoginDialog
    from tests.helpers import databases

    if databases.backend() != "postgresql":
        pytest.skip("вход под собственной ролью есть только у общей базы PostgreSQL")
    unit = catalog.create_unit("Отдел ЖКХ, благоустройства и транспорта").id
    users.create_user("zhkh", "Иваненко Олег Викторович", "zhkh-пароль-2026", [Role.EXECUTOR], unit_id=unit)
    parts = urlsplit(proxy.obj.connect_params and f"postgresql://{proxy.obj.connect_params.get('host')}:"
                     f"{proxy.obj.connect_params.get('port') or 5432}/{proxy.obj.database}")
    personal = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    close_database()
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, LoginDialog):
            QTimer.singleShot(50, answer)
            return
        if not seen:  # first an unknown login, then the person's own
            dialog.login_edit.setText("nikto")
            dialog.password_edit.setText("какой-то пароль")
            dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
            seen.append(dialog.error_label.text())
            QTimer.singleShot(50, answer)
            return
        dialog.login_edit.setText("zhkh")
        dialog.password_edit.setText("zhkh-пароль-2026")
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()

    class FakeWindow:
        def __init__(self, actor, user: UserInfo, db_display: str) -> None:  # noqa: ANN001
            role = proxy.execute_sql("SELECT current_user").fetchone()[0]
            seen.append(f"{user.login} as {role}")

        def showMaximized(self) -> None:  # noqa: N802
            QTimer.singleShot(0, QApplication.instance().quit)

    monkeypatch.setattr(application, "MainWindow", FakeWindow)
    QTimer.singleShot(50, answer)
    try:
        assert application.run_gui(personal) == 0
    finally:
        proxy.initialize(backend_db.database)  # the owner's session again, for the fixture to empty the base
    assert seen[0] == "Неверный логин или пароль"
    assert seen[1].startswith("zhkh as inc_") and seen[1].endswith("_u_zhkh")


def test_a_connection_ended_by_the_server_is_explained_not_shown_as_a_crash(qapp: QApplication,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from peewee import OperationalError

    shown: list[str] = []
    monkeypatch.setattr(application.QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    hook = application._make_exception_hook(show=True, seen=[])
    error = OperationalError("terminating connection due to administrator command\nSSL connection has been closed")
    hook(OperationalError, error, None)
    assert len(shown) == 1 and shown[0].startswith("Нет связи с сервером базы данных")
    assert "OperationalError" not in shown[0] and "непредвиденная" not in shown[0]
