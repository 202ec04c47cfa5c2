"""Issue 16: `db migrate-to URL` — the single-PC database (SQLite) moved to a new shared PostgreSQL database.

The server's tests run on PostgreSQL only (INCIDENTS_TEST_BACKEND=postgresql); the refusals that are
decided before any server is asked run on both backends. The target of a move is a database owned by a
role of its own (LOGIN CREATEROLE, not a superuser), as in docs/deploy.md.
"""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import psycopg2
import pytest
from openpyxl import load_workbook

from app.cli import main
from app.services.database import close_database
from tests.helpers import databases, scram_cluster

ON_SERVER = pytest.mark.skipif(databases.backend() != "postgresql",
                               reason="перенос на сервер проверяется на PostgreSQL (INCIDENTS_TEST_BACKEND=postgresql)")
DEMO_INCIDENTS = 60


def run(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        stdin: str = "") -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(argv)
    close_database()
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo database for the module (a move only reads it; a test that writes takes a copy)."""
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("INCIDENTS_HOME", str(tmp_path_factory.mktemp("home")))
        patch.delenv("INCIDENTS_DB", raising=False)
        patch.setattr(sys, "stdin", io.StringIO(""))
        assert main(["--db", f"sqlite:///{path}", "demo", "--incidents", str(DEMO_INCIDENTS)]) == 0
        close_database()
    return path


def copy_of(demo_file: Path, folder: Path) -> Path:
    """A copy of the demo file (SQLite's own backup: whole, whatever the WAL holds)."""
    target = folder / "копия.sqlite3"
    with sqlite3.connect(demo_file) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def admin_connection(dbname: str | None = None) -> psycopg2.extensions.connection:
    parts = urlsplit(databases.pg_admin_url())
    conn = psycopg2.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username or None,
                            dbname=dbname or parts.path.lstrip("/"), connect_timeout=5)
    conn.autocommit = True
    return conn


@pytest.fixture
def server_database() -> Iterator[Callable[[], str]]:
    """Makes empty databases, each owned by a role of its own that may create roles (not a superuser);
    returns the owner's URL. Everything made (databases, their people's roles, the owners) is dropped."""
    ok, reason = databases.pg_available()
    if not ok:
        if os.environ.get("CI"):
            pytest.fail(f"CI: прогон на PostgreSQL не может быть пропущен — {reason}")
        pytest.skip(reason)
    made: list[tuple[str, str]] = []

    def make() -> str:
        tag = uuid.uuid4().hex[:8]
        owner, name = f"incidents_mig_owner_{tag}", f"incidents_mig_{tag}"
        conn = admin_connection()
        with conn.cursor() as cur:
            cur.execute(f'CREATE ROLE "{owner}" LOGIN CREATEROLE')
            cur.execute(f'CREATE DATABASE "{name}" OWNER "{owner}"')
        conn.close()
        made.append((owner, name))
        parts = urlsplit(databases.pg_admin_url())
        return urlunsplit(("postgresql", f"{owner}@{parts.hostname}:{parts.port or 5432}", f"/{name}", "", ""))

    yield make
    close_database()
    conn = admin_connection()
    with conn.cursor() as cur:
        for owner, name in made:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            databases.drop_roles_of(cur, name)
            cur.execute(f'DROP ROLE IF EXISTS "{owner}"')
    conn.close()


def program_tables() -> list[str]:
    from app.models import ALL_MODELS

    return [m._meta.table_name for m in ALL_MODELS]


def file_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in program_tables()}
    finally:
        conn.close()


def server_counts(url: str) -> dict[str, int]:
    conn = admin_connection(urlsplit(url).path.lstrip("/"))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            present = {r[0] for r in cur.fetchall()}
            counts = {}
            for table in program_tables():
                if table in present:
                    cur.execute(f'SELECT count(*) FROM "{table}"')
                    counts[table] = cur.fetchone()[0]
            return counts
    finally:
        conn.close()


def server_state(url: str) -> tuple[object, ...]:
    """Everything a refused move must leave as it was: the tables with their rows, the roles of the database."""
    from app.services.server import names

    name = urlsplit(url).path.lstrip("/")
    conn = admin_connection(name)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
            tables = [r[0] for r in cur.fetchall()]
            rows = {}
            for table in tables:
                cur.execute(f'SELECT md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')), count(*) '
                            f'FROM "{table}" t')
                rows[table] = cur.fetchone()
            cur.execute("SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE %s ORDER BY 1",
                        (names.role_prefix(name).replace("_", "\\_") + "%",))
            roles = cur.fetchall()
            cur.execute("SELECT datacl::text FROM pg_database WHERE datname = current_database()")
            acl = cur.fetchone()
    finally:
        conn.close()
    return tables, rows, roles, acl


def person_roles(url: str) -> dict[str, tuple[bool, bool]]:
    """login → (may log in, has a password) of each person's role (read as the server's superuser)."""
    name = urlsplit(url).path.lstrip("/")
    conn = admin_connection(name)
    try:
        with conn.cursor() as cur:
            cur.execute('SELECT u.login, a.rolcanlogin, a.rolpassword IS NOT NULL FROM "user" u '
                        "JOIN pg_authid a ON a.rolname = u.db_role")
            return {login: (can, has) for login, can, has in cur.fetchall()}
    finally:
        conn.close()


def cell_values(path: Path) -> dict[str, list[tuple[object, ...]]]:
    workbook = load_workbook(path)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}


# --- the move itself ------------------------------------------------------------------------------------


@ON_SERVER
def test_a_demo_database_moves_whole_with_its_trail_and_gives_the_same_monthly_report(
        demo_file: Path, server_database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
        capsys: pytest.CaptureFixture[str]) -> None:
    from app.services import audit, clock
    from app.services.database import open_database

    source = copy_of(demo_file, tmp_path)  # the reports sign in to it (a sign-in writes its counters)
    source_url = f"sqlite:///{source}"
    target_url = server_database()
    before = digest(source)
    expected = file_counts(source)
    assert expected["incident"] == DEMO_INCIDENTS and expected["audit_event"] > DEMO_INCIDENTS

    code, text = run(["--db", source_url, "db", "migrate-to", target_url], monkeypatch, capsys)
    assert code == 0, text
    assert digest(source) == before  # the file was only read
    total = sum(expected.values())
    assert f"таблиц: {len(expected)}, записей: {total} " in text
    assert f"журнал цел: проверено событий — {expected['audit_event']}" in text
    assert "Пароли на сервер не переносятся" in text and "user passwd" in text
    for login in ("kurator", "admin", "glava", "zhkh"):
        assert f"  {login} — " in text

    # every table holds as many rows as the file, and the trail's chain holds on the server
    assert server_counts(target_url) == expected
    open_database(target_url)
    chain = audit.verify_chain()
    assert chain.ok and chain.checked == expected["audit_event"]
    close_database()
    # the triggers of the server are all back on; every person has a role that may log in, with no password yet
    conn = admin_connection(urlsplit(target_url).path.lstrip("/"))
    with conn.cursor() as cur:
        cur.execute("SELECT count(*), count(*) FILTER (WHERE tgenabled = 'O') FROM pg_trigger WHERE NOT tgisinternal")
        triggers, enabled = cur.fetchone()
        cur.execute("SELECT count(*) FROM row_change")
        recorded = cur.fetchone()[0]
    conn.close()
    assert triggers >= 5 and enabled == triggers
    assert recorded == 0  # the move itself is no change made in the program's name
    roles = person_roles(target_url)
    assert len(roles) == expected["user"] and all(can and not has for can, has in roles.values())

    # the same monthly report from both: made at one frozen moment (the report states it on «Сводка»:
    # «состояние на …»), so no cell is left out; no cell names the database or its address
    frozen = clock.now()
    monkeypatch.setattr(clock, "now", lambda: frozen)
    month = frozen.astimezone(ZoneInfo("Europe/Moscow")).strftime("%Y-%m")
    books = {}
    for side, url in (("file", source_url), ("server", target_url)):
        books[side] = tmp_path / f"{side}.xlsx"
        code, text = run(["--db", url, "--user", "glava", "report", "--month", month, "--out", str(books[side])],
                         monkeypatch, capsys, "glava-demo-1\n")
        assert code == 0, text
    on_file, on_server = cell_values(books["file"]), cell_values(books["server"])
    assert list(on_file) == list(on_server) and len(on_file) == 7
    stated = f"{frozen.astimezone(ZoneInfo('Europe/Moscow')):%d.%m.%Y %H:%M}"
    assert any(isinstance(v, str) and stated in v for row in on_file["Сводка"] for v in row)
    assert not any(isinstance(v, str) and ("sqlite" in v.lower() or "postgres" in v.lower())
                   for rows in on_file.values() for row in rows for v in row)
    for sheet in on_file:
        assert on_file[sheet] == on_server[sheet], sheet
    register = [r for r in on_file["Реестр"][4:] if r[0] is not None]
    assert register  # the month has incidents: the comparison is not of two empty sheets

    # the administrator signs in with their program password (the owner's address) and gives one a password;
    # the event continues the copied chain and the sequences go on after the copied ids
    code, text = run(["--db", target_url, "--user", "admin", "user", "passwd", "kurator", "--password-stdin"],
                     monkeypatch, capsys, "admin-demo-1\nnovyi-parol-2026\n")
    assert code == 0, text
    assert person_roles(target_url)["kurator"] == (True, True)
    code, text = run(["--db", target_url, "audit", "verify"], monkeypatch, capsys)
    assert code == 0 and f"Журнал цел: проверено событий — {expected['audit_event'] + 1}" in text, text


@ON_SERVER
def test_on_a_server_that_checks_passwords_a_moved_person_signs_in_only_once_given_a_new_password(
        demo_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The roles are made without passwords (the file has only hashes): on a SCRAM cluster the program's old
    password opens nothing on the server until the administrator gives a new one."""
    from app.services.database import open_as_person
    from app.services.errors import AuthenticationError
    from app.models import db as proxy

    if scram_cluster.find_bin() is None:
        if os.environ.get("CI"):
            pytest.fail("CI: нет initdb/pg_ctl — вход по паролю на сервере не проверить")
        pytest.skip("нет initdb/pg_ctl: кластер со SCRAM не запустить")
    base = Path(tempfile.mkdtemp(prefix="incidents-scram-"))  # pytest's folders are closed to «postgres»
    try:
        cluster = scram_cluster.start(base)
        try:
            conn = psycopg2.connect(cluster.owner_url())
            conn.autocommit = True
            with conn.cursor() as cur:
                cur.execute('CREATE DATABASE "incidents"')
            conn.close()
            owner_url = cluster.owner_url("incidents")
            code, text = run(["--db", f"sqlite:///{demo_file}", "db", "migrate-to", owner_url], monkeypatch, capsys)
            assert code == 0, text
            assert scram_cluster.OWNER_PASSWORD not in text  # the owner's password is never shown
            assert "  kurator — " in text and "смогут только после того, как администратор задаст им новый пароль" in text
            with pytest.raises(AuthenticationError, match="^Неверный логин или пароль$"):
                open_as_person(cluster.url("incidents"), "kurator", "kurator-demo-1")
            close_database()
            code, text = run(["--db", owner_url, "--user", "admin", "user", "passwd", "kurator", "--password-stdin"],
                             monkeypatch, capsys, "admin-demo-1\nновый-пароль-2026\n")
            assert code == 0, text
            open_as_person(cluster.url("incidents"), "kurator", "новый-пароль-2026")
            assert proxy.execute_sql("SELECT current_user").fetchone()[0].endswith("_u_kurator")
            close_database()
        finally:
            close_database()
            scram_cluster.stop(cluster)
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --- refusals -------------------------------------------------------------------------------------------


@ON_SERVER
def test_a_target_with_rows_or_with_tables_of_another_program_is_refused_and_left_as_it_was(
        demo_file: Path, server_database, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
        capsys: pytest.CaptureFixture[str]) -> None:
    source_url = f"sqlite:///{demo_file}"
    # set up as in docs/deploy.md, step 3: the schema and a first administrator
    used = server_database()
    assert run(["--db", used, "db", "upgrade"], monkeypatch, capsys)[0] == 0
    code, text = run(["--db", used, "user", "add", "--login", "admin", "--name", "Первый Администратор",
                      "--roles", "admin", "--password-stdin"], monkeypatch, capsys, "parol-admina-2026\n")
    assert code == 0, text
    state = server_state(used)
    code, text = run(["--db", source_url, "db", "migrate-to", used], monkeypatch, capsys)
    assert code == 2
    error = [line for line in text.splitlines() if line.startswith("Ошибка:")]
    assert len(error) == 1 and "не пуста" in error[0] and "ничего не записано" in error[0], text
    assert server_state(used) == state

    foreign = server_database()
    conn = admin_connection(urlsplit(foreign).path.lstrip("/"))
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE zakazy (id serial PRIMARY KEY, nazvanie text)")
    conn.close()
    state = server_state(foreign)
    code, text = run(["--db", source_url, "db", "migrate-to", foreign], monkeypatch, capsys)
    assert code == 2 and "чужие таблицы (zakazy)" in text, text
    assert server_state(foreign) == state


@ON_SERVER
def test_a_failure_in_the_middle_of_the_copy_leaves_the_target_without_rows_and_a_second_try_succeeds(
        demo_file: Path, server_database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
        capsys: pytest.CaptureFixture[str]) -> None:
    from app.services import migrate_to
    from app.services.server import names

    monkeypatch.setattr(migrate_to, "CHUNK_ROWS", 97)  # many chunks per table before the failure
    source = copy_of(demo_file, tmp_path)
    # a text PostgreSQL does not store (a zero character), in a table copied after the incidents and the trail
    conn = sqlite3.connect(source)
    key, value = conn.execute("SELECT key, value FROM setting ORDER BY key LIMIT 1").fetchone()
    conn.execute("UPDATE setting SET value = ? WHERE key = ?", (value + "\x00x", key))
    conn.commit()
    conn.close()
    order = [m._meta.table_name for m in migrate_to.ordered_models()]
    assert order.index("setting") > max(order.index("audit_event"), order.index("incident"), order.index("user"))
    target_url = server_database()
    code, text = run(["--db", f"sqlite:///{source}", "db", "migrate-to", target_url], monkeypatch, capsys)
    assert code == 2
    assert f"Перенос не выполнен: Настройки (setting, запись «{key}») — в тексте есть нулевой символ" in text, text
    assert "нет ни одной перенесённой записи" in text
    counts = server_counts(target_url)
    assert set(counts) == set(program_tables()) and not any(counts.values()), counts
    name = urlsplit(target_url).path.lstrip("/")
    conn = admin_connection(name)
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_roles WHERE rolname LIKE %s",
                    (names.role_prefix(name).replace("_", "\\_") + "u\\_%",))
        people = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'O'")
        disabled = cur.fetchone()[0]
    conn.close()
    assert people == 0 and disabled == 0  # no person's role was left behind, no trigger left switched off

    # the cause removed, the same (empty) target takes the move
    conn = sqlite3.connect(source)
    conn.execute("UPDATE setting SET value = ? WHERE key = ?", (value, key))
    conn.commit()
    conn.close()
    code, text = run(["--db", f"sqlite:///{source}", "db", "migrate-to", target_url], monkeypatch, capsys)
    assert code == 0, text
    assert server_counts(target_url) == file_counts(source)


def test_what_is_not_a_move_from_sqlite_to_postgresql_is_refused_with_one_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Decided before any server is asked: runs on both backends."""
    source = tmp_path / "base.sqlite3"
    cases = [
        (["--db", f"sqlite:///{source}", "db", "migrate-to", f"sqlite:///{tmp_path}/другая.sqlite3"],
         "Перенос возможен только в базу PostgreSQL"),
        (["--db", "postgresql://owner@127.0.0.1:1/incidents", "db", "migrate-to", "postgresql://owner@127.0.0.1:1/x"],
         "не файл SQLite"),
        (["--db", f"sqlite:///{tmp_path}/нет.sqlite3", "db", "migrate-to", "postgresql://owner@127.0.0.1:1/x"],
         "не найден"),
        (["--db", f"sqlite:///{source}", "db", "migrate-to", "postgresql://127.0.0.1:1/x"],
         "не указан владелец базы"),
        (["--db", f"sqlite:///{source}", "db", "migrate-to", "postgresql://owner@127.0.0.1:1/x"],
         "Не удаётся подключиться к серверу PostgreSQL 127.0.0.1:1"),
    ]
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("не база", encoding="utf-8")
    cases.append((["--db", f"sqlite:///{junk}", "db", "migrate-to", "postgresql://owner@127.0.0.1:1/x"],
                  "не является базой данных SQLite"))
    assert run(["--db", f"sqlite:///{source}", "db", "upgrade"], monkeypatch, capsys)[0] == 0
    before = digest(source)
    for argv, expected in cases:
        code, text = run(argv, monkeypatch, capsys)
        errors = [line for line in text.splitlines() if line.startswith("Ошибка:")]
        assert code == 2 and len(errors) == 1 and expected in errors[0], (argv, text)
        assert "Traceback" not in text
    assert digest(source) == before
