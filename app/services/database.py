"""Opening the database named by a URL: validation, connection, schema upgrade.

``sqlite:///path`` is the embedded default; ``postgresql://user:pass@host:port/db`` is the
shared multi-user server. Every failure is a ``DatabaseUnavailable`` with one Russian line,
raised before anything is written.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from peewee import Database, InterfaceError, OperationalError, PostgresqlDatabase, SqliteDatabase

from app import __version__
from app.models import db
from app.models import migrations
from app.services.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -32000,
}
BUSY_TIMEOUT_S = 10
#: the program's sessions on the shared server (issue 16): a blocked statement gives up in seconds, a
#: program stalled inside a transaction loses it (and the locks it holds) soon after, nothing runs for
#: ever; keepalives find a dead network in half a minute instead of the system's two hours
LOCK_TIMEOUT_MS = 3_000
IDLE_IN_TRANSACTION_TIMEOUT_MS = 6_000
STATEMENT_TIMEOUT_MS = 120_000
SERVER_SESSION = {
    "options": (f"-c lock_timeout={LOCK_TIMEOUT_MS} -c statement_timeout={STATEMENT_TIMEOUT_MS} "
                f"-c idle_in_transaction_session_timeout={IDLE_IN_TRANSACTION_TIMEOUT_MS}"),
    "keepalives": 1, "keepalives_idle": 15, "keepalives_interval": 5, "keepalives_count": 3,
    "application_name": "incidents",
}


@dataclass(frozen=True)
class DatabaseTarget:
    """A parsed database URL."""

    backend: str  # "sqlite" | "postgresql"
    path: Path | None = None
    host: str = ""
    port: int = 5432
    name: str = ""
    user: str = ""
    password: str = ""

    def display(self) -> str:
        """The URL without the password, for screens and logs."""
        if self.backend == "sqlite":
            return f"SQLite: {self.path}"
        who = f"{self.user}@" if self.user else ""
        return f"PostgreSQL: {who}{self.host}:{self.port}/{self.name}"


def parse_url(url: str) -> DatabaseTarget:
    url = url.strip()
    scheme = url.split(":", 1)[0].lower() if ":" in url else ""
    if scheme == "sqlite":
        if not url.lower().startswith("sqlite:///"):
            raise DatabaseUnavailable(
                f"Неверный адрес базы SQLite «{url}»: ожидается sqlite:///путь/к/файлу"
            )
        raw = unquote(url[len("sqlite:///"):])
        if not raw:
            raise DatabaseUnavailable("В адресе базы SQLite не указан путь к файлу")
        # as in SQLAlchemy: sqlite:///relative/file, sqlite:////absolute/file, sqlite:///C:/file
        return DatabaseTarget("sqlite", path=Path(raw).expanduser().absolute())
    if scheme in ("postgresql", "postgres"):
        parts = urlsplit(url)
        name = parts.path.lstrip("/")
        if not name:
            raise DatabaseUnavailable(f"В адресе PostgreSQL «{_hide_password(url)}» не указано имя базы данных")
        try:
            port = parts.port or 5432
        except ValueError:
            raise DatabaseUnavailable(f"Неверный порт в адресе PostgreSQL «{_hide_password(url)}»") from None
        return DatabaseTarget(
            "postgresql",
            host=parts.hostname or "localhost",
            port=port,
            name=unquote(name),
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
        )
    shown = scheme or url
    raise DatabaseUnavailable(
        f"Неизвестный тип базы данных «{shown}»: поддерживаются sqlite:///путь и "
        "postgresql://пользователь:пароль@сервер:порт/база"
    )


def _hide_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url


def read_only_file(path: Path) -> bool:
    """An existing SQLite file this program may read but not write (a copy on a read-only share)."""
    return path.is_file() and os.access(path, os.R_OK) and not (
        os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def _open_read_only(path: Path) -> SqliteDatabase:
    """A read-only connection: ``mode=ro``, or — where SQLite cannot make its shared-memory file
    beside a WAL database in a read-only folder — ``immutable=1`` (nothing writes to such a copy)."""
    from urllib.parse import quote

    location = quote(str(path))
    for flags in ("mode=ro", "immutable=1"):
        database = SqliteDatabase(f"file:{location}?{flags}", uri=True, pragmas={"foreign_keys": 1},
                                  timeout=BUSY_TIMEOUT_S)
        try:
            database.connect()
            database.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
            return database
        except Exception:  # noqa: BLE001 - try the next way, then report the file as unreadable
            if not database.is_closed():
                database.close()
    raise DatabaseUnavailable(f"Не удаётся открыть для чтения файл базы данных «{path}»")


def check_sqlite_file(path: Path, create: bool) -> None:
    if path.exists():
        if path.is_dir():
            raise DatabaseUnavailable(f"«{path}» — это папка, а не файл базы данных")
        check_sqlite_magic(path)
        if not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
            raise DatabaseUnavailable(
                f"Нет прав на запись в базу данных «{path}» (файл или папка только для чтения)"
            )
        return
    if not create:
        raise DatabaseUnavailable(f"Файл базы данных «{path}» не найден")
    parent = path.parent
    existing = parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        raise DatabaseUnavailable(f"Нельзя создать базу данных в «{parent}»: папка недоступна для записи")


def make_database(target: DatabaseTarget) -> Database:
    if target.backend == "sqlite":
        return SqliteDatabase(
            str(target.path), pragmas=SQLITE_PRAGMAS, timeout=BUSY_TIMEOUT_S, lock_type="IMMEDIATE"
        )
    return ServerDatabase(
        target.name,
        host=target.host,
        port=target.port,
        user=target.user or None,
        password=target.password or None,
        connect_timeout=5,
        **SERVER_SESSION,
    )


class ServerDatabase(PostgresqlDatabase):
    """The shared server's connection: one the server ended (a restart, a dropped network, a session
    ended by the administrator or by the idle-in-transaction timeout) is let go, so the next statement
    connects again by itself; a read outside a transaction is tried once more on the new connection.
    A write is never repeated here: whether it is safe to repeat is the action's to decide
    (``app.services.transactions``)."""

    def execute_sql(self, sql: str, params: object = None):  # type: ignore[no-untyped-def, override]
        try:
            return super().execute_sql(sql, params)
        except (OperationalError, InterfaceError) as exc:
            if not connection_lost(exc):
                raise
            if self.in_transaction():
                raise  # the transaction ends with the error; its end lets the connection go
            drop_connection(self)
            if not sql.lstrip()[:6].upper().startswith(("SELECT", "WITH")):
                raise
            log.warning("Связь с сервером была прервана: соединение открыто заново")
            return super().execute_sql(sql, params)


def drop_connection(database: Database | None = None) -> None:
    """Let a broken connection go (outside a transaction): the next statement opens a new one."""
    database = database or db.obj
    if database is None or database.in_transaction():
        return
    try:
        database.close()
    except Exception:  # noqa: BLE001 - a connection the server ended may fail even to close
        database._state.reset()  # noqa: SLF001 - peewee offers no public way to forget a dead connection


def ping() -> None:
    """One round trip to the database (raises what the connection raises)."""
    db.execute_sql("SELECT 1").fetchone()


@dataclass(frozen=True)
class OpenedDatabase:
    target: DatabaseTarget
    database: Database
    schema_version: int
    upgraded: list[int]


def open_database(url: str, *, create: bool = True, upgrade: bool = True, read_only: bool = False) -> OpenedDatabase:
    """Validate, connect, bind the model proxy and bring the schema up to date.

    With ``upgrade=False`` an out-of-date schema is reported instead of upgraded. With
    ``read_only`` (commands that only read: ``db info``, ``audit verify``, ``report``) an SQLite
    file this user may not write is opened for reading, as long as its schema is current.
    """
    target = parse_url(url)
    if read_only and target.backend == "sqlite" and target.path is not None and read_only_file(target.path):
        return _open_read_only_copy(target)
    if target.backend == "sqlite":
        assert target.path is not None
        check_sqlite_file(target.path, create)
        _refuse_newer_file(target.path)
        target.path.parent.mkdir(parents=True, exist_ok=True)
    database = make_database(target)
    try:
        database.connect()
    except OperationalError as exc:
        raise DatabaseUnavailable(connection_message(target, exc)) from None
    except Exception as exc:  # psycopg2 raises its own errors for bad hosts etc.
        raise DatabaseUnavailable(connection_message(target, exc)) from None
    db.initialize(database)
    try:
        found = migrations.current_version(database)
        if found > migrations.SCHEMA_VERSION:
            raise DatabaseUnavailable(newer_program_message(found))
        applied: list[int] = []
        if found < migrations.SCHEMA_VERSION:
            if not upgrade and found > 0:
                raise DatabaseUnavailable(
                    f"Схема базы данных устарела (версия {found}, нужна {migrations.SCHEMA_VERSION}): "
                    "выполните «./run db upgrade»"
                )
            applied = migrations.upgrade(database, program=__version__)
            if applied:
                log.info("Схема базы данных обновлена: шаги %s", applied)
            if applied and found > 0:
                _after_upgrade(found, applied)
        if upgrade and isinstance(database, PostgresqlDatabase):
            _server_rules(database)
    except migrations.NotOurDatabase:
        database.close()
        raise DatabaseUnavailable(
            f"База данных {target.display()} содержит чужие таблицы: это не база программы «Инциденты»"
        ) from None
    except migrations.BackupFailed as exc:
        database.close()
        raise DatabaseUnavailable(str(exc)) from None
    except DatabaseUnavailable:
        database.close()
        raise
    except Exception as exc:
        database.close()
        if target.backend == "sqlite" and "not a database" in str(exc):
            raise DatabaseUnavailable(f"Файл «{target.path}» не является базой данных SQLite") from None
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise DatabaseUnavailable(f"База данных {target.display()} доступна только для чтения") from None
        raise
    return OpenedDatabase(target, database, migrations.SCHEMA_VERSION, applied)


def newer_program_message(found: int) -> str:
    return (f"База данных создана более новой версией программы (схема {found}, "
            f"эта программа знает схему до {migrations.SCHEMA_VERSION}): обновите программу")


#: what the server says when it will not let a role in (wrong password, no such role, switched off)
AUTH_REFUSED_SIGNS = ("password authentication failed", "not permitted to log in", "no password supplied")


def refused_role(error: BaseException) -> bool:
    """The server answered and refused the role itself — not a missing database or an unreachable server."""
    text = str(error)
    return any(sign in text for sign in AUTH_REFUSED_SIGNS) or ('role "' in text and "does not exist" in text)


def personal(url: str) -> bool:
    """A shared server's address with no user in it: each person signs in as their own role."""
    target = parse_url(url)
    return target.backend == "postgresql" and not target.user


def open_as_person(url: str, login: str, password: str) -> tuple[OpenedDatabase, int]:
    """Sign in to the shared server as the person's own role; returns the database and the user id.

    The server checks the password (SCRAM) and, for a switched-off person, refuses the role itself
    (NOLOGIN): the answer is the same «Неверный логин или пароль» for a wrong password, an unknown
    login and a switched-off account, so that nobody learns which logins exist. Nothing is changed in
    the database: a person's session neither upgrades the schema nor touches the server's rules.
    """
    from dataclasses import replace

    from app.services.errors import AuthenticationError
    from app.services.server import names, policy

    target = parse_url(url)
    role = names.person_role(target.name, login)
    wait = _count_attempt(target, login)
    if wait:
        log.warning("Вход в общую базу приостановлен после неверных паролей: %s", login)
        raise AuthenticationError(f"Слишком много неверных попыток. Повторите через {wait} с")
    person = replace(target, user=role, password=password)
    database = make_database(person)
    try:
        database.connect()
    except Exception as exc:  # noqa: BLE001 - psycopg2 and peewee raise their own kinds
        if refused_role(exc):
            log.warning("Неудачный вход в общую базу: %s", login)
            raise AuthenticationError("Неверный логин или пароль") from None
        raise DatabaseUnavailable(connection_message(person, exc)) from None
    db.initialize(database)
    try:
        found = migrations.current_version(database)
        if found != migrations.SCHEMA_VERSION or policy.installed_version(database) < policy.POLICY_VERSION:
            raise DatabaseUnavailable(
                f"Общая база {target.display()} не готова для этой программы (схема {found}, нужна "
                f"{migrations.SCHEMA_VERSION}): администратор выполняет «db upgrade» от имени владельца базы")
        row = database.execute_sql('SELECT id FROM "user" WHERE db_role = current_user AND is_active').fetchone()
        if row is None:
            raise AuthenticationError("Неверный логин или пароль")
        database.execute_sql("SELECT inc_signin_ok()")  # the attempts of this login are forgotten
    except Exception:
        database.close()
        raise
    return OpenedDatabase(person, database, found, []), int(row[0])


def _count_attempt(target: DatabaseTarget, login: str) -> int:
    """Count this sign-in attempt on the server before the password is tried (``policy._sign_in_gate``):
    the pause after several wrong passwords holds for every PC. Returns the seconds still to wait (0: go
    on). A server that does not let the gate in (rules of an older program) counts nothing."""
    import psycopg2

    from app.services.server import names

    try:
        conn = psycopg2.connect(host=target.host, port=target.port, dbname=target.name,
                                user=names.gate_role(target.name), password=names.GATE_PASSWORD, connect_timeout=5)
    except psycopg2.Error as exc:
        log.warning("Счётчик попыток входа на сервере недоступен: %s", str(exc).strip().splitlines()[0])
        return 0
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT inc_signin_begin(%s)", (login.strip(),))
            return int(cur.fetchone()[0] or 0)
    except psycopg2.Error as exc:
        log.warning("Попытка входа не сосчитана: %s", str(exc).strip().splitlines()[0])
        return 0
    finally:
        conn.close()


def _refuse_newer_file(path: Path) -> None:
    """A file written by a newer program is refused before this program's connection touches it (its
    settings would switch a rollback-journal file to WAL): the schema is read through a read-only look."""
    import sqlite3
    from urllib.parse import quote

    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        look = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error:
        return  # the usual opening says what is wrong with the file
    try:
        row = look.execute("SELECT version FROM schema_info ORDER BY id DESC LIMIT 1").fetchone()
    except sqlite3.Error:
        return
    finally:
        look.close()
    if row and int(row[0]) > migrations.SCHEMA_VERSION:
        raise DatabaseUnavailable(newer_program_message(int(row[0])))


def _open_read_only_copy(target: DatabaseTarget) -> OpenedDatabase:
    assert target.path is not None
    check_sqlite_magic(target.path)
    database = _open_read_only(target.path)
    db.initialize(database)
    try:
        found = migrations.current_version(database)
    except migrations.NotOurDatabase:
        database.close()
        raise DatabaseUnavailable(
            f"База данных {target.display()} содержит чужие таблицы: это не база программы «Инциденты»") from None
    if found != migrations.SCHEMA_VERSION:
        database.close()
        newer = found > migrations.SCHEMA_VERSION
        raise DatabaseUnavailable(
            f"Файл «{target.path}» доступен только для чтения, а его схема "
            + (f"новее этой программы ({found} > {migrations.SCHEMA_VERSION}): обновите программу" if newer else
               f"устарела (версия {found}, нужна {migrations.SCHEMA_VERSION}): обновить её можно только в копии, "
               "доступной для записи"))
    return OpenedDatabase(target, database, found, [])


def check_sqlite_magic(path: Path) -> None:
    """The file is an SQLite database (the first bytes say so).

    The bytes are read through SQLite itself, never with a plain ``open``: closing a plain descriptor of
    the file would drop the POSIX locks this process's open connections hold on it (a rule of POSIX
    locks), and another program closing its last connection would then remove the WAL under ours.
    SQLite's own file layer shares one descriptor per file within a process and keeps the locks."""
    import sqlite3
    from urllib.parse import quote

    if not os.access(path, os.R_OK):
        raise DatabaseUnavailable(f"Не удаётся прочитать файл базы данных «{path}»: нет прав на чтение")
    if path.stat().st_size == 0:
        return
    try:
        look = sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise DatabaseUnavailable(f"Не удаётся прочитать файл базы данных «{path}»: {exc}") from None
    try:
        look.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc) or "encrypted" in str(exc):
            raise DatabaseUnavailable(f"Файл «{path}» не является базой данных SQLite") from None
        # busy or locked: the file is SQLite; the opening that follows says what else is wrong
    finally:
        look.close()


def _after_upgrade(found: int, applied: list[int]) -> None:
    """What an upgrade of a database in use needs beyond its schema: the next-due column of every
    open incident recomputed by today's rules, and an event in the trail that says it happened."""
    from app.services import audit, due_index, settings

    with settings.snapshot():
        changed = due_index.refresh_open()
    audit.record("db.upgrade", actor=None, entity="schema", comment=f"Схема базы данных обновлена: {found} → {applied[-1]}",
                 payload={"from": found, "to": applied[-1], "steps": applied, "program": __version__,
                          "next_due_changed": changed})


def _server_rules(database: PostgresqlDatabase) -> None:
    """The owner's session puts the server's rules in place (``app.services.server.policy``) when they
    are missing or older than this program's; a person's session leaves them as they are."""
    from app.services.server import people, policy

    installed = policy.installed_version(database)
    if installed >= policy.POLICY_VERSION:
        return
    if not policy.may_apply(database):
        log.warning("Правила сервера не применены: роль %s не владелец базы или не может создавать роли",
                    database.connect_params.get("user"))
        return
    with database.atomic():
        policy.apply(database)
        if installed == 0:
            people.sync_all()


#: what the drivers say when the server ended or lost the connection of an open program
CONNECTION_LOST_SIGNS = ("terminating connection", "connection already closed", "server closed the connection",
                         "connection not open", "could not receive data", "SSL SYSCALL", "no connection to the server",
                         "cursor already closed", "the connection is lost", "connection has been closed",
                         "server conn crashed", "could not send data", "could not connect to server",
                         "Connection refused", "the database system is shutting down",
                         "the database system is starting up", "the database system is in recovery mode")
CONNECTION_LOST = ("Нет связи с сервером базы данных: сервер перезапускается или сеть недоступна. "
                   "Действие не выполнено — повторите его, когда связь восстановится; программа подключится "
                   "снова сама.")


def connection_lost(error: BaseException) -> bool:
    """The error is the server's connection gone (not a fault of the action itself)."""
    return any(sign in str(error) for sign in CONNECTION_LOST_SIGNS)


def connection_message(target: DatabaseTarget, exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if target.backend == "postgresql":
        if "does not exist" in text and "database" in text:
            return f"На сервере PostgreSQL {target.host}:{target.port} нет базы данных «{target.name}»"
        if "role" in text and "does not exist" in text:
            return (f"Сервер PostgreSQL {target.host}:{target.port} не знает пользователя «{target.user}»: "
                    "проверьте имя пользователя в адресе базы")
        if "not permitted to log in" in text:
            return f"Пользователю «{target.user}» вход на сервер PostgreSQL {target.host}:{target.port} запрещён"
        if "password" in text or "authentication" in text:
            return f"Сервер PostgreSQL {target.host}:{target.port} отклонил пользователя «{target.user}»: неверный пароль"
        log.warning("PostgreSQL %s:%s: %s", target.host, target.port, text)
        if "timeout" in text or "timed out" in text:
            return f"Не удаётся подключиться к серверу PostgreSQL {target.host}:{target.port}: сервер не ответил вовремя"
        if "could not translate host name" in text or "Name or service not known" in text:
            return f"Не удаётся подключиться к серверу PostgreSQL: неизвестное имя сервера «{target.host}»"
        return (f"Не удаётся подключиться к серверу PostgreSQL {target.host}:{target.port}: "
                "сервер недоступен или не принимает подключения")
    if "unable to open" in text or "readonly" in text:
        return (f"Не удаётся открыть или создать файл базы данных «{target.path}»: "
                "папка недоступна для записи или не существует")
    return f"Не удаётся открыть базу данных «{target.path}»: {text}"


def close_database() -> None:
    if db.obj is not None and not db.is_closed():
        db.close()
