"""Starting the graphical application: display check, Qt logging, Russian Qt texts, the flow
first-run wizard → sign-in → main window.
"""
from __future__ import annotations

import logging
import os
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import (
    QLibraryInfo,
    QLocale,
    QMessageLogContext,
    QTimer,
    QTranslator,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from app.services.database import (
    CONNECTION_LOST, OpenedDatabase, close_database, connection_lost, open_as_person, open_database, parse_url, personal,
)
from app.services import failures
from app.services.errors import DomainError
from app.services.permissions import actor_for
from app.services.user_dirs import log_dir
from app.services.users import UserInfo, get_user, has_users, list_users
from app.ui import live_updates
from app.ui.login_dialog import LoginDialog
from app.ui.main_window import APP_TITLE, MainWindow
from app.ui.wizard import FirstRunWizard

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")

ORGANISATION = "Korenovsk"
SMOKE_TEST_MS = 1000

#: exit codes of ``run_gui``
EXIT_OK = 0
EXIT_CANCELLED = 1
EXIT_FAILED = 1  # smoke test: no user in the database, or an error inside the window
EXIT_NO_DATABASE = 2
EXIT_NO_DISPLAY = 2

NO_DISPLAY_MESSAGE = (
    "Не найден графический экран: переменные окружения DISPLAY и WAYLAND_DISPLAY не заданы, "
    "поэтому окно программы «Инциденты» открыть нельзя.\n"
    "Чтобы запустить программу без экрана, задайте переменную QT_QPA_PLATFORM=offscreen "
    "или запустите её через xvfb-run (например: xvfb-run ./run).\n"
    "Команды, которые работают без окна (отчёт, импорт, календарь, сроки, обновление базы, "
    "пользователи), перечислены в выводе «./run --help»."
)

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def display_available() -> bool:
    """False when Qt would abort for lack of a screen (Linux/Unix without X11 or Wayland).

    Windows and macOS always have one; an explicit ``QT_QPA_PLATFORM`` (offscreen, xcb…) is
    trusted as given.
    """
    if sys.platform.startswith(("win", "cygwin", "darwin")):
        return True
    return any(os.environ.get(name) for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"))


def _qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _QT_LEVELS.get(mode, logging.WARNING)
    category = context.category if context is not None else None
    if category and category != "default":
        qt_log.log(level, "[%s] %s", category, message)
    else:
        qt_log.log(level, "%s", message)


def install_qt_message_handler() -> None:
    """Send Qt's own warnings and errors into Python ``logging`` (logger ``qt``)."""
    qInstallMessageHandler(_qt_message_handler)


def install_russian_translator(app: QApplication) -> QTranslator | None:
    """Load Qt's ``qtbase_ru`` so stock dialogs and context menus speak Russian.

    Returns the installed translator, or None (logged) when this Qt ships no such file.
    """
    path = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)  # owned by the application, so it lives as long
    if not translator.load(QLocale(QLocale.Language.Russian, QLocale.Country.Russia), "qtbase", "_", path):
        log.warning("Русский перевод Qt (qtbase_ru.qm) не найден в «%s»: стандартные диалоги "
                    "будут на английском", path)
        translator.deleteLater()
        return None
    app.installTranslator(translator)
    log.debug("Загружен русский перевод Qt из «%s»", path)
    return translator


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def _make_exception_hook(*, show: bool, seen: list[BaseException]) -> ExceptHook:
    """An ``sys.excepthook`` for errors raised inside Qt slots: log them, tell the user."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        seen.append(error)
        if isinstance(error, DomainError):
            log.warning("%s", error)
            text = str(error)
        elif connection_lost(error):
            log.error("Связь с сервером прервана: %s", error)
            text = CONNECTION_LOST
            watching = live_updates.current()
            if watching is not None:
                watching.connection_lost()  # the banner, and tries to connect again
        elif (failed := failures.message(error)) is not None:
            log.error("Сбой базы данных: %s", error)
            text = failed
        else:
            log.error("Непредвиденная ошибка:\n%s", "".join(traceback.format_exception(kind, error, tb)))
            text = ("Произошла непредвиденная ошибка. Действие не выполнено.\n\n"
                    f"{kind.__name__}: {error}\n\nПодробности записаны в журнал: {log_dir()}")
        if show and QApplication.instance() is not None:
            QMessageBox.critical(None, APP_TITLE, text)

    return hook


def make_database_error_box(error: DomainError) -> QMessageBox:
    """The message shown when the database cannot be opened, not yet shown."""
    box = QMessageBox(QMessageBox.Icon.Critical, APP_TITLE,
                      f"Не удаётся открыть базу данных.\n\n{error}")
    box.setInformativeText(
        "Другую базу можно указать параметром --db, переменной окружения INCIDENTS_DB "
        "или в файле настроек этого компьютера. Подробнее — «./run --help»."
    )
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.button(QMessageBox.StandardButton.Close).setText("Закрыть")
    return box


def _sign_in_to_server(db_url: str) -> tuple[OpenedDatabase | None, UserInfo | None]:
    """The sign-in window of the shared mode: the server checks the password of the person's role."""
    opened: list[OpenedDatabase] = []

    def check(login: str, password: str) -> UserInfo:
        database, user_id = open_as_person(db_url, login, password)
        opened[:] = [database]
        return get_user(user_id)

    dialog = LoginDialog(parse_url(db_url).display(), check=check)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None or not opened:
        return None, None
    return opened[0], dialog.user


def run_gui(db_url: str, *, smoke_test: bool = False) -> int:
    """Run the desktop application on the database ``db_url``; returns the process exit code.

    0 — normal exit; 1 — the first-run wizard or the sign-in was cancelled (or, in smoke mode,
    the database has no user or something raised); 2 — no display or the database cannot be
    opened. With ``smoke_test`` the wizard and sign-in are skipped (the first user of the
    database is taken), the main window is shown for about a second and closed.
    """
    if not display_available():
        sys.stderr.write(NO_DISPLAY_MESSAGE + "\n")
        return EXIT_NO_DISPLAY
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName(APP_TITLE)
    app.setOrganizationName(ORGANISATION)
    QLocale.setDefault(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    install_qt_message_handler()
    install_russian_translator(app)

    raised: list[BaseException] = []
    previous_hook = sys.excepthook
    sys.excepthook = _make_exception_hook(show=not smoke_test, seen=raised)
    try:
        signed_in: UserInfo | None = None
        try:
            if personal(db_url) and not smoke_test:
                # the shared server: each person signs in as their own role, nothing opens before that
                opened, signed_in = _sign_in_to_server(db_url)
                if signed_in is None:
                    log.info("Вход отменён")
                    return EXIT_CANCELLED
            else:
                opened = open_database(db_url)
        except DomainError as exc:
            log.error("База данных не открыта: %s", exc)
            if smoke_test:
                sys.stderr.write(f"{exc}\n")
            else:
                make_database_error_box(exc).exec()
            return EXIT_NO_DATABASE
        db_display = opened.target.display()
        log.info("Открыта база данных %s", db_display)
        try:
            if signed_in is not None:
                user = signed_in
            elif smoke_test:
                users = list_users()
                if not users:
                    log.error("Проверка запуска: в базе %s нет ни одного пользователя", db_display)
                    sys.stderr.write(f"В базе данных {db_display} нет ни одного пользователя\n")
                    return EXIT_FAILED
                user = users[0]
            elif not has_users():
                # the administrator has just typed the password twice: they are signed in, not asked again
                wizard = FirstRunWizard(db_display)
                if wizard.exec() != QDialog.DialogCode.Accepted or wizard.created_user is None:
                    log.info("Первый запуск отменён: администратор не создан")
                    return EXIT_CANCELLED
                user = wizard.created_user
                log.info("Первый запуск: вход администратора %s", user.login)
            else:
                dialog = LoginDialog(db_display)
                if dialog.exec() != QDialog.DialogCode.Accepted or dialog.user is None:
                    log.info("Вход отменён")
                    return EXIT_CANCELLED
                user = dialog.user

            window = MainWindow(actor_for(user.id), user, db_display)
            if smoke_test:
                window.show()
                QTimer.singleShot(SMOKE_TEST_MS, app.quit)
                app.exec()
                window.close()
                window.deleteLater()
                if raised:
                    log.error("Проверка запуска: %d ошибок во время работы окна", len(raised))
                    return EXIT_FAILED
                return EXIT_OK
            window.showMaximized()
            return app.exec()
        finally:
            close_database()
    finally:
        sys.excepthook = previous_hook
