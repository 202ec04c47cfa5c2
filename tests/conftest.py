"""Shared fixtures. Qt runs offscreen; the database backend comes from INCIDENTS_TEST_BACKEND."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from tests.helpers import databases  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, data and logs of the program go to a temporary folder, never the real home."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("INCIDENTS_HOME", str(home))
    monkeypatch.delenv("INCIDENTS_DB", raising=False)
    return home


def _require_postgresql() -> None:
    """Skip without a server, with the reason; in CI a missing server fails the run instead."""
    ok, reason = databases.pg_available()
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(f"CI: прогон на PostgreSQL не может быть пропущен — {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One empty database for the session, on the chosen backend."""
    if databases.backend() == "postgresql":
        _require_postgresql()
        url = databases.create_pg_database()
        yield url
        from app.services.database import close_database

        close_database()
        databases.drop_pg_database(url)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db')}/incidents.sqlite3"


@pytest.fixture
def db(database_url: str) -> Iterator[object]:
    """An open, empty, up-to-date database; every table is emptied after the test."""
    from app.models import ALL_MODELS
    from app.models import db as proxy
    from app.services.database import open_database

    opened = open_database(database_url)
    yield opened
    if proxy.obj is not None and proxy.is_closed():
        proxy.connect()
    if databases.backend() == "postgresql":
        names = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
        proxy.execute_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    else:
        with proxy.atomic():
            for model in reversed(ALL_MODELS):
                model.delete().execute()
    proxy.close()


@pytest.fixture
def fresh_database_url(tmp_path: Path) -> Iterator[str]:
    """A brand-new empty database of the chosen backend, just for this test."""
    from app.services.database import close_database

    if databases.backend() == "postgresql":
        _require_postgresql()
        url = databases.create_pg_database("incidents_fresh")
        yield url
        close_database()
        databases.drop_pg_database(url)
    else:
        yield f"sqlite:///{tmp_path}/fresh.sqlite3"
        close_database()


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2 with the smallest cost: the same algorithm, milliseconds instead of 0.1 s a user."""
    from argon2 import PasswordHasher

    from app.services import users

    original = users._hasher
    users._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    yield
    users._hasher = original
