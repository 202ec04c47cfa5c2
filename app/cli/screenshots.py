"""``screenshots DIR``: render every screen of the program to PNG files for a human to look at.

A throwaway SQLite database in a temporary folder is filled with the demo data, the demo curator
signs in, and the main window (queue and card), the «Сводка», the administrator's window tabs,
the settings dialog and the dialogs behind the card's buttons are drawn offscreen and saved.
Screens whose modules are not there yet are skipped.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app.cli.common import out

log = logging.getLogger(__name__)

DEMO_CURATOR = "kurator"


def _wait(app, condition: Callable[[], bool], timeout_s: float = 30.0) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def _settle(app, ms: int = 150) -> None:  # noqa: ANN001
    deadline = time.monotonic() + ms / 1000
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


class _Shooter:
    """Saves widgets as numbered PNG files and remembers what was saved and skipped."""

    def __init__(self, app, folder: Path) -> None:  # noqa: ANN001
        self.app = app
        self.folder = folder
        self.saved: list[Path] = []
        self.skipped: list[str] = []

    def save(self, widget, name: str) -> None:  # noqa: ANN001
        widget.show()
        _settle(self.app)
        path = self.folder / f"{len(self.saved) + 1:02d}-{name}.png"
        if widget.grab().save(str(path)):
            self.saved.append(path)
            out(f"  {path}")
        else:
            self.skipped.append(f"{name}: не удалось сохранить {path}")

    def skip(self, name: str, why: str) -> None:
        self.skipped.append(f"{name}: {why}")


def cmd_screenshots(args: argparse.Namespace) -> int:
    if not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY")) or not os.environ.get("QT_QPA_PLATFORM"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(args.dir).expanduser().absolute()
    folder.mkdir(parents=True, exist_ok=True)

    from PySide6.QtCore import QLocale
    from PySide6.QtWidgets import QApplication

    from app.services import demo
    from app.services.database import close_database, open_database
    from app.services.permissions import actor_for
    from app.services.users import list_users
    from app.ui.application import ORGANISATION, install_qt_message_handler, install_russian_translator

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Инциденты")
    app.setOrganizationName(ORGANISATION)
    QLocale.setDefault(QLocale(QLocale.Language.Russian, QLocale.Country.Russia))
    install_russian_translator(app)
    install_qt_message_handler()  # Qt's own notes (offscreen limits) go to the log, not the terminal

    with tempfile.TemporaryDirectory(prefix="incidents-shots-") as tmp:
        # the window settings of this run go to the temporary folder, never to the user's
        os.environ["INCIDENTS_HOME"] = tmp
        opened = open_database(f"sqlite:///{tmp}/demo.sqlite3")
        out("Заполняю демонстрационную базу…")
        demo.fill_demo()
        user = next(u for u in list_users() if u.login == DEMO_CURATOR)
        actor = actor_for(user.id)
        shooter = _Shooter(app, folder)
        out(f"Снимки экранов в {folder}:")
        try:
            _shoot(shooter, actor, user, opened.target.display())
        finally:
            close_database()
    for line in shooter.skipped:
        out(f"  пропущено — {line}")
    out(f"Сохранено снимков: {len(shooter.saved)}")
    return 0


def _shoot(shooter: _Shooter, actor, user, db_display: str) -> None:  # noqa: ANN001, PLR0915
    from app.services import incident_view
    from app.ui.main_window import MainWindow

    app = shooter.app
    window = MainWindow(actor, user, db_display)
    window.resize(1600, 900)
    window.show()
    _wait(app, lambda: not window.queue_model.loading and window.queue_model.rowCount() > 0)
    shooter.save(window, "main-queue")

    # «Уточнения» (requests to authors and how long each author is awaited) and «Просроченные»
    # (exactly the red rows), wide and at 1024 × 700, where the status and the clock must still show
    for code in ("clarification", "overdue"):
        if _choose_tab(app, window, code):
            for size in ((1600, 900), (1024, 700)):
                window.resize(*size)
                _wait(app, lambda: not window.queue_model.loading)
                if window.queue_model.rowCount():
                    window.queue_view.selectRow(0)
                    _wait(app, lambda: window.card_view.card is not None and not window.card_view.loading)
                shooter.save(window, f"main-{code}-{size[0]}")
        else:
            shooter.skip(f"main-{code}", "у пользователя нет такой вкладки")
    window.resize(1600, 900)

    # the «Все» tab, a card with a long history
    all_tab = next((i for i in range(window.tab_bar.count()) if window.tab_bar.tabData(i) == "all"), 0)
    window.tab_bar.setCurrentIndex(all_tab)
    _wait(app, lambda: not window.queue_model.loading)
    card_row = _row_with_history(window)
    window.queue_view.selectRow(card_row)
    _wait(app, lambda: window.card_view.card is not None and not window.card_view.loading)
    shooter.save(window, "main-card")
    for tab in range(1, window.card_view.tabs.count()):
        window.card_view.tabs.setCurrentIndex(tab)
        shooter.save(window, f"main-card-tab{tab}")
    window.card_view.tabs.setCurrentIndex(0)

    card = window.card_view.card
    versions = list(card.answers) if card else []
    if len(versions) >= 2:
        dialog = window.card_view.make_diff_dialog(versions[-2], versions[-1])
        shooter.save(dialog, "answer-diff")
        dialog.close()
    else:
        shooter.skip("answer-diff", "в демонстрационных данных нет инцидента с двумя версиями ответа")

    # a search, and the banner of a notification
    window.filter_bar.search_edit.setText("фонари")
    window.filter_bar.search_timer.stop()
    window.apply_filter()
    _wait(app, lambda: not window.queue_model.loading)
    from app.ui.notifier import Notice

    first = window.queue_model.row_at(0).incident_id if window.queue_model.rowCount() else 1
    window.banner.show_notice(Notice(first, "warning", f"Инцидент № {first}. Размещение ответа (п. 9): "
                                                       "осталось 1 рабочий час 50 минут (срок 25.11.2026 11:30)"))
    shooter.save(window, "main-search-banner")
    window.banner.dismiss()

    # the dashboard
    window.show_dashboard()
    board = window._dashboard  # noqa: SLF001 - the window keeps it
    _wait(app, lambda: board.dashboard is not None)
    shooter.save(board, "dashboard")
    board.close()

    box = window.make_about_box()
    shooter.save(box, "about")
    box.close()

    _report_shots(shooter, window)
    _executor_shot(shooter, db_display)
    _admin_shots(shooter, actor)
    _settings_shot(shooter, actor)
    _action_shots(shooter, window, incident_view)
    _pages_shots(shooter, window)
    window.close()


def _pages_shots(shooter: _Shooter, window) -> None:  # noqa: ANN001
    """The «Страницы» section (Appendix 1): the registry, the weekly grid with the content plan, the
    8-FZ checklist, the description, the special mark, moderation and subscriptions — wide and at
    1024 × 700 — and its dialogs."""
    if not window.pages_section_action.isVisible():
        shooter.skip("pages", "у пользователя нет раздела «Страницы»")
        return
    app = shooter.app
    window.show_incidents()
    window.resize(1600, 900)
    window.show_pages()
    section = window.pages_section
    names = ("registry", "weeks", "law", "description", "verification", "moderation", "subscriptions")
    for size in ((1600, 900), (1024, 700)):
        window.resize(*size)
        for index, name in enumerate(names):
            section.tabs.setCurrentIndex(index)
            if name == "weeks":  # wide: the last 13 weeks with their gaps; narrow: the month
                section.weeks_tab.span_combo.setCurrentIndex(1 if size[0] > 1024 else 0)
            _settle(app)
            if name == "law":
                section.law_tab.view.selectRow(1)
            if name == "description":
                rows = section.description_tab.model.rows()
                section.description_tab.view.selectRow(next((n for n, r in enumerate(rows) if r.differs), 0))
            if name == "moderation" and section.moderation_tab.blacklist_model.rowCount():
                section.moderation_tab.blacklist_view.selectRow(0)
            shooter.save(window, f"pages-{name}-{size[0]}")
    window.resize(1600, 900)
    dialogs = [("page-dialog", lambda: section.registry_tab.make_page_dialog(section.registry_tab.model.row_at(0).id)),
               ("plan-dialog", section.weeks_tab.make_plan_dialog),
               ("removal-dialog", section.moderation_tab.make_removal_dialog),
               ("organisation-dialog", section.verification_tab.make_organisation_dialog)]
    for name, make in dialogs:
        dialog = make()
        if name == "removal-dialog":
            dialog.author_edit.setText("Ставки Онлайн")
            dialog.text_edit.setPlainText("Заработок от 5000 в день! Переходи по ссылке https://ставки.example")
        shooter.save(dialog, f"pages-{name}")
        dialog.close()
    _publication_shot(shooter, section)
    section.verification_tab.select_pages({r.id for r in section.verification_tab.pages_model.rows()[:2]})
    dialog = section.verification_tab.make_application_dialog()
    if dialog is not None:
        shooter.save(dialog, "pages-application")
        dialog.close()
    window.show_incidents()


def _publication_shot(shooter: _Shooter, section) -> None:  # noqa: ANN001
    """«Записать публикацию» after the checks found a press release: the question «Записать всё равно?»."""
    section.tabs.setCurrentWidget(section.weeks_tab)
    dialog = section.weeks_tab.make_publication_dialog()
    dialog.title_edit.setText("О проведении заседания")
    dialog.text_edit.setPlainText(
        "В соответствии с постановлением администрации от 12.03.2025 № 154, постановлением от 01.02.2025 № 80 "
        "и решением Совета от 20.01.2025 № 12 состоялось заседание комиссии, в ходе которого были рассмотрены "
        "вопросы осуществления мероприятий по благоустройству.")
    dialog.save()
    shooter.save(dialog, "pages-publication-findings")
    dialog.close()


def _report_shots(shooter: _Shooter, window) -> None:  # noqa: ANN001
    """The report dialog after building this month's workbook, and the import wizard's first page."""
    from app.ui.import_wizard import ImportWizard
    from app.ui.report_dialog import ReportDialog

    app = shooter.app
    dialog = ReportDialog(window.actor, window)
    dialog.month_combo.setCurrentIndex(0)
    dialog.path_edit.setText(str(Path(os.environ["INCIDENTS_HOME"]) / "Отчёт по инцидентам.xlsx"))
    dialog.show()
    shooter.save(dialog, "report-dialog")
    dialog.build()
    _wait(app, lambda: not dialog.running, timeout_s=120)
    shooter.save(dialog, "report-dialog-done")
    dialog.close()
    wizard = ImportWizard(window.actor, window)
    wizard.show()
    shooter.save(wizard, "import-wizard")
    wizard.close()


def _executor_shot(shooter: _Shooter, db_display: str) -> None:
    """The same window as an executor of the ЖКХ department sees it, with a card and its buttons."""
    from app.services.permissions import actor_for
    from app.services.users import list_users
    from app.ui.main_window import MainWindow

    app = shooter.app
    user = next((u for u in list_users() if u.login == "zhkh"), None)
    if user is None:
        shooter.skip("executor", "в демонстрационных данных нет исполнителя «zhkh»")
        return
    window = MainWindow(actor_for(user.id), user, db_display)
    window.resize(1600, 900)
    window.show()
    _wait(app, lambda: not window.queue_model.loading)
    model = window.queue_model
    if model.rowCount():
        # a row where the executor has something to do, so the card shows its buttons
        row = next((r for r in range(model.rowCount())
                    if model.row_at(r).status in ("routed", "returned", "approved")), 0)
        window.queue_view.selectRow(row)
        _wait(app, lambda: window.card_view.card is not None and not window.card_view.loading)
    shooter.save(window, "executor-card")
    window.close()


def _choose_tab(app, window, code: str) -> bool:  # noqa: ANN001
    """Switch the main window to the queue tab ``code`` and wait for its rows."""
    index = next((i for i in range(window.tab_bar.count()) if window.tab_bar.tabData(i) == code), -1)
    if index < 0:
        return False
    window.tab_bar.setCurrentIndex(index)
    _wait(app, lambda: not window.queue_model.loading)
    return True


def _row_with_history(window) -> int:  # noqa: ANN001
    """A row of an answered incident with returned versions, else the first row."""
    from app.services import incident_view

    model = window.queue_model
    for row in range(min(model.rowCount(), 200)):
        r = model.row_at(row)
        if r.status in ("answered", "approved", "on_approval"):
            card = incident_view.load_card(window.actor, r.incident_id)
            if len(card.answers) >= 2:
                return row
    return 0


def _admin_shots(shooter: _Shooter, curator) -> None:  # noqa: ANN001
    try:
        module = importlib.import_module("app.ui.admin_window")
        admin_class = module.AdminWindow
    except (ImportError, AttributeError) as exc:
        shooter.skip("admin", f"окно администратора недоступно ({exc})")
        return
    from app.services.permissions import actor_for
    from app.services.users import list_users

    admin_user = next((u for u in list_users() if "admin" in u.roles), None)
    actor = actor_for(admin_user.id) if admin_user else curator
    window = admin_class(actor, None)
    tabs = getattr(window, "tabs", None)
    if tabs is None:
        shooter.save(window, "admin")
    else:
        for n in range(tabs.count()):
            tabs.setCurrentIndex(n)
            _settle(shooter.app, 300)
            shooter.save(window, f"admin-tab{n + 1}")
    window.close()


def _settings_shot(shooter: _Shooter, actor) -> None:  # noqa: ANN001
    try:
        dialog_class = importlib.import_module("app.ui.settings_dialog").SettingsDialog
    except (ImportError, AttributeError) as exc:
        shooter.skip("settings", f"диалог настроек недоступен ({exc})")
        return
    dialog = dialog_class(actor=actor, parent=None)
    shooter.save(dialog, "settings")
    dialog.close()


def _action_shots(shooter: _Shooter, window, incident_view) -> None:  # noqa: ANN001
    try:
        build = importlib.import_module("app.ui.actions").build_dialog
    except (ImportError, AttributeError) as exc:
        shooter.skip("actions", f"диалоги действий недоступны ({exc})")
        return
    from app.services import queue
    from app.services.errors import DomainError
    from app.services.permissions import actor_for
    from app.services.users import list_users

    wanted = dict.fromkeys(incident_view.ACTIONS)
    users = {u.login: actor_for(u.id) for u in list_users() if u.is_active}
    for actor in users.values():
        presets = [code for code, _label in queue.presets_for(actor)]
        preset = "unit_all" if "unit_all" in presets else "all"
        page = queue.fetch_page(actor, queue.QueueFilter(preset=preset), limit=200)
        for row in page.rows:
            if all(wanted[a] is not None for a in wanted):
                break
            if row.status in ("answered", "no_answer"):
                continue
            card = incident_view.load_card(actor, row.incident_id)
            for action in card.actions:
                if wanted.get(action, "") is None:
                    wanted[action] = (actor, card)
    for action, found in wanted.items():
        if found is None:
            shooter.skip(f"action-{action}", "нет подходящего инцидента в демонстрационных данных")
            continue
        actor, card = found
        try:
            dialog = build(window, actor, card, action)
        except DomainError as exc:
            shooter.skip(f"action-{action}", str(exc))
            continue
        shooter.save(dialog, f"action-{action}")
        dialog.close()
        dialog.deleteLater()


def register(sub: argparse._SubParsersAction) -> None:
    """Add ``screenshots`` to the program's sub-commands."""
    shots = sub.add_parser(
        "screenshots",
        help="нарисовать все окна программы в PNG-файлы на демонстрационной базе (для проверки интерфейса)",
        description="Создаёт временную базу SQLite с демонстрационными данными, входит как куратор "
        "и сохраняет снимки главного окна, карточки, сводки, окна администратора, настроек и "
        "диалогов действий. Без графического экрана использует QT_QPA_PLATFORM=offscreen.",
    )
    shots.add_argument("dir", metavar="ПАПКА", help="куда сохранить снимки (создаётся при необходимости)")
    shots.set_defaults(func=cmd_screenshots)
