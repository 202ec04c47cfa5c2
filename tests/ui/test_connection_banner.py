"""The red strip that says the shared server is out of reach (issue 16): its texts, and the window that
shows it when the connection goes and hides it by itself when the connection is back."""
from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.ui.connection_banner import BACK, ConnectionBanner
from app.ui.main_window import MainWindow
from app.ui.triage_dialog import CommentDialog
from tests.helpers import databases
from tests.helpers.world import World
from tests.ui.helpers import drive_modal, route, type_text
from tests.ui.windows import (  # noqa: F401 - open_window, window_settings, world are fixtures
    choose_tab, click_row, ids, open_window, register, shows, wait, window_settings, world,
)

LOST_HEAD = "Нет связи с сервером базы данных."
SHOTS = os.environ.get("INCIDENTS_UI_SHOTS")


@pytest.fixture(autouse=True)
def settings_dir(window_settings: Path) -> Path:
    return window_settings


def banner_text(banner: ConnectionBanner) -> str:
    return banner.text_label.text()


# --- the strip alone ---------------------------------------------------------------------------------

def test_lost_counts_down_to_the_next_try_and_offers_to_try_now(qtbot: QtBot) -> None:
    banner = ConnectionBanner()
    qtbot.addWidget(banner)
    assert not banner.isVisible()
    banner.show_lost(2000)  # a top-level strip here; in the window it sits above the queue
    assert banner.isVisible() and banner.retry_button.isVisible()
    assert banner.retry_button.text() == "Повторить сейчас"
    text = banner_text(banner)
    assert text.startswith(f"<b>{LOST_HEAD}</b> Программа подключится снова сама (следующая попытка через 2 с).")
    assert "несохранённые тексты остаются на месте — не закрывайте их" in text
    qtbot.waitUntil(lambda: "(следующая попытка через 1 с)" in banner_text(banner), timeout=2500)
    # the try is due: no number any more, the promise stays
    qtbot.waitUntil(lambda: "следующая попытка" not in banner_text(banner), timeout=2500)
    assert "Программа подключится снова сама." in banner_text(banner)
    with qtbot.waitSignal(banner.retry_requested, timeout=1000):
        qtbot.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)
    banner.show_lost(4000)  # the try failed: the next one later
    assert "(следующая попытка через 4 с)" in banner_text(banner)


def test_refused_says_what_to_do_without_a_retry_button_and_back_hides_the_strip(qtbot: QtBot) -> None:
    banner = ConnectionBanner()
    qtbot.addWidget(banner)
    banner.show()
    banner.show_lost(1000)
    banner.show_refused()
    assert banner.isVisible() and not banner.retry_button.isVisible()
    text = banner_text(banner)
    assert text.startswith("<b>Сервер отклонил вход.</b> Учётная запись отключена или пароль изменён")
    assert "перезапустите программу и войдите снова" in text
    assert not banner.tick.isActive()  # the countdown of the lost connection does not come back over it
    banner.show_back()
    assert not banner.isVisible()
    banner.show_lost(0)  # a loss with no try planned yet: no number
    assert banner.retry_button.isVisible()
    assert "сама. Открытые окна" in banner_text(banner)


# --- in the window -------------------------------------------------------------------------------------

def open_curator(qtbot: QtBot, w: World, open_window, size: tuple[int, int] | None = None) -> tuple[MainWindow, int]:  # noqa: ANN001
    ref = route(w, register(w, 1))
    win = open_window(w, size=size)
    choose_tab(qtbot, win, "all")
    click_row(qtbot, win, ref.id)
    qtbot.waitUntil(lambda: shows(win, ref.id), timeout=15_000)
    wait(qtbot, win)
    return win, ref.id


def test_an_action_that_finds_the_server_gone_shows_the_strip_and_the_next_try_takes_it_away(
        qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    """What the program does when an action fails with the connection lost (``application``'s error hook
    calls ``connection_lost``): the strip at once, and a try one second later; the database answers, so the
    strip goes by itself and the status bar says the data were read again."""
    win, _incident = open_curator(qtbot, world, open_window)
    banner = win.connection_banner
    assert not banner.isVisible()
    win.live.connection_lost()
    assert banner.isVisible()
    assert "(следующая попытка через 1 с)" in banner_text(banner)
    # across the top of the window, above the queue and the card, not over them
    qtbot.waitUntil(lambda: banner.y() == 0 and 0 < banner.geometry().bottom() < win.sections.y(), timeout=2000)
    assert banner.width() == win.centralWidget().width()
    qtbot.waitUntil(lambda: not banner.isVisible(), timeout=5000)
    assert win.statusBar().currentMessage() == BACK
    wait(qtbot, win)


def _terminate(cur, name: str) -> int:  # noqa: ANN001 - a psycopg2 cursor
    cur.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
    return int(cur.fetchone()[0])


@pytest.mark.skipif(databases.backend() != "postgresql",
                    reason="связь с сервером теряется только у общей базы PostgreSQL; у файла SQLite её нет")
def test_the_server_gone_and_back_the_strip_comes_and_goes_and_the_work_goes_on(
        qtbot: QtBot, world: World, open_window, database_url: str) -> None:  # noqa: ANN001
    """The server restarts while the window is open. The test cannot stop the shared PostgreSQL of CI, so it
    does to this database what a restart does: every connection of the program is ended by the server
    (``pg_terminate_backend`` from a connection of the test's own to another database) and new ones are
    refused for a while (``ALLOW_CONNECTIONS false``, as a server still starting refuses them). The listener
    hears the loss: the red strip appears, «Повторить сейчас» while still refused keeps it with a later try;
    connections allowed again, the strip goes by itself within seconds, and F5 and an action through a
    dialog work on the new connections (no «connection already closed»)."""
    import psycopg2

    win, incident = open_curator(qtbot, world, open_window)
    banner = win.connection_banner
    qtbot.waitUntil(lambda: win.live.listener is not None and win.live.listener.connected, timeout=5000)
    name = urlsplit(database_url).path.lstrip("/")
    admin = psycopg2.connect(databases.pg_admin_url(), connect_timeout=3)
    admin.autocommit = True
    try:
        with admin.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            assert _terminate(cur, name) >= 1  # the listener's connection at least
        qtbot.waitUntil(banner.isVisible, timeout=5000)
        assert banner_text(banner).startswith(f"<b>{LOST_HEAD}</b>")
        assert banner.retry_button.isVisible()
        # «Повторить сейчас» while the server still refuses: the strip stays, the next try later
        before = win.live.retry_in_ms()
        qtbot.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.live.retry_in_ms() > before, timeout=5000)
        assert banner.isVisible()
        assert f"(следующая попытка через {win.live.retry_in_ms() // 1000} с)" in banner_text(banner)
        if SHOTS:
            _shots(qtbot, win, "connection_banner")

        with admin.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        back_from = time.monotonic()
        qtbot.waitUntil(lambda: not banner.isVisible(), timeout=35_000)
        print(f"\nполоса «Нет связи» убрана через {time.monotonic() - back_from:.1f} с после того, "
              "как сервер снова принял подключения")
        assert win.statusBar().currentMessage() == BACK
        # the tries made while the server refused are over (the window would wait for them when closed)
        assert win.live.wait_idle(2) and win.wait_idle(2)
    finally:
        with admin.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        admin.close()

    wait(qtbot, win)
    qtbot.keyClick(win, Qt.Key.Key_F5)  # F5: the queue and the card read again
    wait(qtbot, win)
    assert incident in ids(win) and shows(win, incident)

    def comment(dialog: CommentDialog) -> None:
        type_text(dialog.text_edit, "После перезапуска сервера")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        assert not dialog.isVisible(), dialog.error_label.text()

    button = win.card_view.action_buttons["comment"]
    drive_modal(CommentDialog, comment, lambda: qtbot.mouseClick(button, Qt.MouseButton.LeftButton))
    qtbot.waitUntil(lambda: any("После перезапуска сервера" in label.text()
                                for label in win.card_view.comment_labels), timeout=5000)
    wait(qtbot, win)
    assert not banner.isVisible()


# --- screenshots for a look by eye (INCIDENTS_UI_SHOTS=folder) -----------------------------------------------

def _shots(qtbot: QtBot, win: MainWindow, name: str) -> None:
    folder = Path(SHOTS or ".")
    folder.mkdir(parents=True, exist_ok=True)
    for size in ((1024, 700), (1600, 1000)):
        win.resize(*size)
        qtbot.wait(150)
        win.grab().save(str(folder / f"{name}_{size[0]}x{size[1]}.png"))


@pytest.mark.skipif(not SHOTS, reason="INCIDENTS_UI_SHOTS не задана: снимки экранов не нужны")
def test_render_the_card_with_others_and_the_strip(qtbot: QtBot, world: World, open_window) -> None:  # noqa: ANN001
    """«Открыто также: …» on the card (two other people, one editing the answer), then the red strip."""
    from app.models import Presence
    from app.models.base import utcnow

    w = world
    win, incident = open_curator(qtbot, w, open_window, size=(1024, 700))
    for n, (login, editing) in enumerate((("zhkh", True), ("zhkh2", False))):
        Presence.insert(session=f"другой-пк-{n}", user=w.ids[login], incident_id=incident, editing=editing,
                        seen_at=utcnow()).execute()
    win.live.look()
    both = ("Открыто также: Пономаренко (Отдел ЖКХ, благоустройства и транспорта); "
            "редактирует ответ: Иваненко (Отдел ЖКХ, благоустройства и транспорта)")
    label = win.card_view.presence_label
    qtbot.waitUntil(lambda: label.isVisible() and label.text() == both, timeout=5000)
    _shots(qtbot, win, "card_presence")
    win.connection_banner.show_lost(4000)
    _shots(qtbot, win, "connection_banner_shown")
    win.connection_banner.show_refused()
    _shots(qtbot, win, "connection_refused")
