"""Fixtures of the UI tests: a throwaway SQLite database and an administrator in it."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEventLoop, QTimer

from app.models.enums import Role
from app.services.database import OpenedDatabase, close_database, open_database
from app.services.users import UserInfo, create_user
from tests.ui.helpers import ADMIN_LOGIN, ADMIN_NAME, ADMIN_PASSWORD


@pytest.fixture
def ui_db_url(tmp_path: Path) -> str:
    """Address of a database file that does not exist yet."""
    return f"sqlite:///{tmp_path}/t.sqlite3"


@pytest.fixture
def ui_db(ui_db_url: str) -> Iterator[OpenedDatabase]:
    """An open, empty, up-to-date SQLite database for one test."""
    opened = open_database(ui_db_url)
    yield opened
    close_database()


@pytest.fixture
def backend_db(db: OpenedDatabase) -> OpenedDatabase:
    """An open, empty database of the backend under test (``INCIDENTS_TEST_BACKEND``: SQLite or
    PostgreSQL), emptied after the test: the screens that show the queue, the clocks and the
    dashboard are tried on both."""
    return db


@pytest.fixture
def admin(ui_db: OpenedDatabase) -> UserInfo:
    """An administrator-curator in ``ui_db`` (password ``ADMIN_PASSWORD``)."""
    return create_user(ADMIN_LOGIN, ADMIN_NAME, ADMIN_PASSWORD, roles=[Role.ADMIN, Role.CURATOR])


@pytest.fixture(autouse=True)
def working_event_loop(qapp) -> None:  # noqa: ANN001
    """Undo a «quit» left over by an earlier test that ran ``QApplication.exec()`` (the smoke run).

    Such a late quit makes every later ``QEventLoop.exec()`` return at once, so ``qtbot.wait*``
    would never deliver the answers of worker threads. One short ``exec()`` clears it.
    """
    if not _event_loop_runs():
        QTimer.singleShot(0, qapp.quit)
        qapp.exec()
        assert _event_loop_runs()


def _event_loop_runs() -> bool:
    loop = QEventLoop()
    QTimer.singleShot(1, lambda: loop.exit(7))
    return loop.exec() == 7

