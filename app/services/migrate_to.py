"""`db migrate-to`: the single-PC database (an SQLite file) moved to a new shared PostgreSQL database.

The order of the work:

1. the source is read through a read-only connection, inside one read transaction of SQLite's (a
   consistent snapshot even if a program still writes to the file; the file itself is never written);
2. the target is looked at before anything is written there: it must answer, be PostgreSQL, be reached
   as a role that may own the program's tables and create roles, and hold none of the program's rows
   and no tables of anybody else's;
3. the schema and the server's rules are made by the program's own ``open_database`` as the owner;
4. every table is copied with its ids, parents before children, a chunk of rows at a time (memory does
   not grow with the base), in ONE transaction of the target's: the user triggers of the tables (the
   trail's append check, the server's record of changes, the notifications) are switched off for the
   copy and switched back on before the commit, so a failure anywhere leaves the target's tables empty;
   in the same transaction every person gets their server role and the sequences continue after the
   highest id;
5. afterwards the row count of every table is compared with the file's and the trail's chain is
   verified on the server.

Passwords cannot move: the file keeps only their Argon2 hashes, while the server needs a SCRAM verifier
made from the password itself. Every person's role is created able to log in but without a password
(``people.sync`` with no password); the administrator gives each one a new password.
"""
from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from peewee import ForeignKeyField, Model, PostgresqlDatabase

from app.services.database import (
    DatabaseTarget, check_sqlite_magic, connection_message, make_database, open_database, parse_url,
)
from app.services.errors import DatabaseUnavailable

log = logging.getLogger(__name__)

#: rows read from the file and written to the server at a time
CHUNK_ROWS = 5000
#: the server's own bookkeeping, filled by the schema's creation itself (not data to move)
SERVER_BOOKKEEPING = frozenset({"schema_info", "server_policy", "signin_attempt"})
#: SQLite's own tables
SQLITE_INTERNAL_PREFIX = "sqlite_"
#: how long the copy waits for a table another session holds (milliseconds)
LOCK_WAIT_MS = 60_000

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class TableCopy:
    """One table moved: its name, what the window calls its rows, and how many rows each side holds."""

    table: str
    label: str
    rows: int
    on_server: int

    @property
    def equal(self) -> bool:
        return self.rows == self.on_server


@dataclass(frozen=True)
class Person:
    """A user of the moved database and their new server role."""

    login: str
    full_name: str
    roles: str
    active: bool
    db_role: str
    role_existed: bool  # the role was already on the server (from an earlier database of the same name)


@dataclass(frozen=True)
class Migration:
    source: DatabaseTarget
    target: DatabaseTarget
    schema_version: int
    tables: list[TableCopy]
    events_checked: int
    chain_head: tuple[int, str] | None
    people: list[Person]
    seconds: float
    skipped: list[str] = field(default_factory=list)  # tables of the file the server has no place for

    @property
    def rows(self) -> int:
        return sum(t.rows for t in self.tables)

    @property
    def waiting_for_password(self) -> list[Person]:
        return [p for p in self.people if p.active]


# --- the source -----------------------------------------------------------------------------------------


def _source_target(url: str) -> DatabaseTarget:
    try:
        source = parse_url(url)
    except DatabaseUnavailable as exc:
        raise DatabaseUnavailable(f"Исходная база: {exc}") from None
    if source.backend != "sqlite":
        raise DatabaseUnavailable(
            f"Исходная база {source.display()} — не файл SQLite: команда переносит на сервер базу одного "
            "компьютера; укажите её файл в --db sqlite:///путь/к/файлу (или в INCIDENTS_DB)")
    assert source.path is not None
    if not source.path.is_file():
        raise DatabaseUnavailable(f"Файл базы данных «{source.path}» не найден")
    check_sqlite_magic(source.path)
    return source


def _open_source(source: DatabaseTarget) -> sqlite3.Connection:
    """A read-only connection with its read transaction begun (the snapshot everything is read from)."""
    assert source.path is not None
    try:
        conn = sqlite3.connect(f"file:{quote(str(source.path))}?mode=ro", uri=True, isolation_level=None,
                               timeout=10)
        conn.execute("BEGIN")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        if "not a database" in str(exc):
            raise DatabaseUnavailable(f"Файл «{source.path}» не является базой данных SQLite") from None
        raise DatabaseUnavailable(f"Не удаётся открыть для чтения файл базы данных «{source.path}»: {exc}") from None
    return conn


def _source_version(conn: sqlite3.Connection, source: DatabaseTarget) -> int:
    from app.models.migrations import SCHEMA_VERSION

    tables = _sqlite_tables(conn)
    if "schema_info" not in tables:
        raise DatabaseUnavailable(f"Файл «{source.path}» — не база программы «Инциденты» (нет сведений о схеме)")
    row = conn.execute("SELECT version FROM schema_info ORDER BY id DESC LIMIT 1").fetchone()
    version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        raise DatabaseUnavailable(f"Файл «{source.path}» записан более новой версией программы (схема {version}, "
                                  f"эта программа знает схему до {SCHEMA_VERSION}): обновите программу")
    if version < SCHEMA_VERSION:
        raise DatabaseUnavailable(
            f"Схема файла «{source.path}» устарела (версия {version}, нужна {SCHEMA_VERSION}): сначала обновите его "
            f"командой «./run --db sqlite:///{source.path} db upgrade» (прежний файл сохранится рядом, *.bak), "
            "затем повторите перенос")
    return version


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def _search_tables(conn: sqlite3.Connection) -> set[str]:
    """The file's full-text search tables (virtual tables and their shadow tables): SQLite's own index of
    the incidents' text, which the server keeps as an index of its own (schema step 2)."""
    virtual = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE%'")]
    found = set(virtual)
    for name in _sqlite_tables(conn):
        if any(name.startswith(f"{v}_") for v in virtual):
            found.add(name)
    return found


def _sqlite_columns(conn: sqlite3.Connection, table: str) -> tuple[list[str], list[str]]:
    """(columns in order, the primary key's columns in order)."""
    rows = conn.execute(f"PRAGMA table_info({_q(table)})").fetchall()
    columns = [r[1] for r in rows]
    key = [r[1] for r in sorted((r for r in rows if r[5]), key=lambda r: r[5])]
    return columns, key


# --- the target -----------------------------------------------------------------------------------------


def _target(url: str) -> DatabaseTarget:
    try:
        target = parse_url(url)
    except DatabaseUnavailable as exc:
        raise DatabaseUnavailable(f"Адрес сервера: {exc}") from None
    if target.backend != "postgresql":
        raise DatabaseUnavailable(
            f"Перенос возможен только в базу PostgreSQL: «{url}» — не адрес сервера PostgreSQL "
            "(нужен postgresql://владелец@сервер:порт/база)")
    if not target.user:
        raise DatabaseUnavailable(
            f"В адресе сервера не указан владелец базы: перенос выполняет владелец — "
            f"postgresql://владелец@{target.host}:{target.port}/{target.name} (пароль — в PGPASSWORD)")
    return target


def _look_at_target(target: DatabaseTarget) -> None:
    """Refuse, before anything is written there, a target this command must not fill."""
    from app.models.migrations import SCHEMA_VERSION

    database = make_database(target)
    try:
        database.connect()
    except Exception as exc:  # noqa: BLE001 - psycopg2 raises its own errors for bad hosts, roles, passwords
        raise DatabaseUnavailable(connection_message(target, exc)) from None
    try:
        server = str(database.execute_sql("SELECT version()").fetchone()[0])
        if not server.startswith("PostgreSQL"):
            raise DatabaseUnavailable(f"Сервер {target.host}:{target.port} ответил, но это не PostgreSQL ({server[:60]})")
        rights = database.execute_sql(
            "SELECT r.rolsuper OR (r.rolcreaterole AND pg_has_role(current_user, d.datdba, 'USAGE')) "
            "FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()"
        ).fetchone()
        if not rights or not rights[0]:
            raise DatabaseUnavailable(
                f"Пользователь «{target.user}» не владелец базы «{target.name}» или не может создавать роли: перенос "
                "выполняет владелец (CREATE ROLE … CREATEROLE; CREATE DATABASE … OWNER …, см. docs/deploy.md)")
        tables = set(database.get_tables())
        if not tables:
            return
        if "schema_info" not in tables:
            shown = ", ".join(sorted(tables)[:5]) + (" …" if len(tables) > 5 else "")
            raise DatabaseUnavailable(
                f"База {target.display()} не пуста: в ней чужие таблицы ({shown}). Перенос — только в новую пустую "
                "базу, ничего не записано")
        filled = [(t, n) for t, n in ((t, _count(database, t)) for t in sorted(tables - SERVER_BOOKKEEPING)) if n]
        if filled:
            shown = ", ".join(f"{t} — {n}" for t, n in filled[:5]) + (" …" if len(filled) > 5 else "")
            raise DatabaseUnavailable(
                f"База {target.display()} не пуста (записей: {shown}). Перенос — только в новую пустую базу, "
                "ничего не записано")
        row = database.execute_sql("SELECT version FROM schema_info ORDER BY id DESC LIMIT 1").fetchone()
        version = int(row[0]) if row else 0
        if version != SCHEMA_VERSION:
            raise DatabaseUnavailable(
                f"В базе {target.display()} схема другой версии программы ({version}, у этой — {SCHEMA_VERSION}): "
                "перенос — только в новую пустую базу (CREATE DATABASE … OWNER …), ничего не записано")
    finally:
        database.close()


def _count(database: Any, table: str) -> int:
    return int(database.execute_sql(f"SELECT count(*) FROM {_q(table)}").fetchone()[0])


def _target_columns(database: PostgresqlDatabase, table: str) -> dict[str, str]:
    rows = database.execute_sql(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = %s", (table,)).fetchall()
    return {name: kind for name, kind in rows}


# --- what is copied, in which order -----------------------------------------------------------------------


@dataclass
class _Table:
    name: str
    label: str
    columns: list[str]
    key: list[str]
    convert: list[Callable[[Any], Any] | None]
    rows: int = 0


def ordered_models() -> list[type[Model]]:
    """Every model of the program (read now: a later schema may add some), each after the tables it refers
    to; otherwise in the order of ``ALL_MODELS``."""
    from app.models import ALL_MODELS

    models = list(ALL_MODELS)
    placed: list[type[Model]] = []
    while models:
        for model in models:
            parents = {f.rel_model for f in model._meta.sorted_fields if isinstance(f, ForeignKeyField)}
            if all(p is model or p in placed or p not in ALL_MODELS for p in parents):
                placed.append(model)
                models.remove(model)
                break
        else:
            raise RuntimeError(f"таблицы ссылаются друг на друга по кругу: {[m.__name__ for m in models]}")
    return placed


#: what the summary calls the tables ``db info`` does not count (a table of a later schema: «таблица имя»)
OTHER_LABELS = {
    "user_password": "Пароли программы (хеши)",
    "answer_template": "Шаблоны ответов",
    "row_change": "Записи сервера об изменениях",
    "calendar_year": "Годы производственного календаря",
    "work_period": "Рабочие периоды недели",
    "page_publisher": "Публикующие на официальных страницах",
    "content_plan_item": "План публикаций",
    "law_info_check": "Проверки сведений о деятельности (8-ФЗ)",
    "verification_event": "Изменения отметок страниц",
    "page_subscription": "Подписки страниц на страницы главы",
    "setting": "Настройки",
    "notification_log": "Показанные уведомления",
    "presence": "Открытые программы (присутствие)",
    "live_event": "События для других рабочих мест",
}


def _labels() -> dict[str, str]:
    from app.services.dbinfo import COUNTED

    return {**OTHER_LABELS, **{model._meta.table_name: label for label, model in COUNTED}}


def _as_bool(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value.strip().lower() not in ("", "0", "false", "f")
    return bool(value)


def _converter(kind: str) -> Callable[[Any], Any] | None:
    """What a value read from SQLite needs to be written as is to a column of this type: SQLite keeps a
    flag as 0/1, which PostgreSQL does not take for a boolean; text, numbers and moments (text that the
    server reads by the column's type) go unchanged."""
    if kind == "boolean":
        return _as_bool
    return None


def _plan(conn: sqlite3.Connection, database: PostgresqlDatabase) -> tuple[list[_Table], list[str]]:
    """The tables to copy in order, and the file's tables the server has no place for."""
    labels = _labels()
    source_tables = set(_sqlite_tables(conn))
    server_tables = set(database.get_tables())
    names = [m._meta.table_name for m in ordered_models()]
    missing = [n for n in names if n not in source_tables or n not in server_tables]
    if missing:
        raise DatabaseUnavailable(f"Схемы файла и сервера не совпадают: нет таблиц {', '.join(missing)}")
    # other tables of the program in the file (none at this schema; a table neither list knows is still
    # carried when the server has it), after the models
    others = sorted(source_tables - set(names) - SERVER_BOOKKEEPING - _search_tables(conn)
                    - {t for t in source_tables if t.startswith(SQLITE_INTERNAL_PREFIX)})
    names += [t for t in others if t in server_tables]
    skipped = [t for t in others if t not in server_tables]
    plan = []
    for name in names:
        columns, key = _sqlite_columns(conn, name)
        kinds = _target_columns(database, name)
        lost = [c for c in columns if c not in kinds]
        if lost:
            raise DatabaseUnavailable(f"Схемы файла и сервера не совпадают: в таблице {name} на сервере нет столбцов "
                                      f"{', '.join(lost)}")
        plan.append(_Table(name, labels.get(name, f"таблица {name}"), columns, key,
                           [_converter(kinds[c]) for c in columns]))
    return plan, skipped


def _chunks(conn: sqlite3.Connection, table: _Table, size: int) -> Iterator[list[tuple[Any, ...]]]:
    order = ", ".join(_q(c) for c in table.key) if table.key else "rowid"
    cursor = conn.execute(f"SELECT {', '.join(_q(c) for c in table.columns)} FROM {_q(table.name)} ORDER BY {order}")
    convert = table.convert
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            return
        if any(convert):
            rows = [tuple(c(v) if c else v for c, v in zip(convert, row)) for row in rows]
        yield rows


# --- the copy -------------------------------------------------------------------------------------------


class _CopyFailed(Exception):
    def __init__(self, table: _Table, key: Any, error: BaseException, *, exact: bool) -> None:
        super().__init__(str(error))
        self.table = table
        self.key = key
        self.error = error
        self.exact = exact

    def where(self) -> str:
        if self.key is None:
            return ""
        shown = f"№ {self.key}" if isinstance(self.key, int) else f"«{self.key}»"
        return f", запись {shown}" if self.exact else f", записи начиная с {shown}"


def _reason(error: BaseException) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    if "NUL (0x00)" in text:
        return "в тексте есть нулевой символ (0x00), которого PostgreSQL не хранит"
    return text


def _user_triggers(database: PostgresqlDatabase, tables: list[str]) -> list[tuple[str, str, str]]:
    """(table, trigger, state) of every trigger of the program's tables that is not the server's own
    (foreign keys stay checked)."""
    rows = database.execute_sql(
        "SELECT c.relname, t.tgname, t.tgenabled FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s) "
        "ORDER BY c.relname, t.tgname", (tables,)).fetchall()
    return [(str(a), str(b), str(c)) for a, b, c in rows]


#: ``pg_trigger.tgenabled`` → how ``ALTER TABLE`` puts a trigger back in that state
_TRIGGER_STATE = {"O": "ENABLE TRIGGER", "A": "ENABLE ALWAYS TRIGGER", "R": "ENABLE REPLICA TRIGGER",
                  "D": "DISABLE TRIGGER"}


def _copy_all(conn: sqlite3.Connection, database: PostgresqlDatabase, plan: list[_Table],
              progress: Progress | None) -> list[Person]:
    """Everything inside one transaction of the target's; returns the people and their roles."""
    from psycopg2.extras import execute_values

    from app.services.server import policy

    names = [t.name for t in plan]
    with database.atomic():
        # as long as it needs (a region's base: minutes); the program's session limits are for actions
        database.execute_sql("SELECT set_config('statement_timeout', '0', true), "
                             "set_config('idle_in_transaction_session_timeout', '0', true), "
                             "set_config('lock_timeout', %s, true)", (str(LOCK_WAIT_MS),))
        # nobody writes the tables meanwhile (readers may read the empty tables)
        database.execute_sql(f"LOCK TABLE {', '.join(_q(n) for n in names)} IN EXCLUSIVE MODE")
        filled = [n for n in names if database.execute_sql(f"SELECT EXISTS (SELECT 1 FROM {_q(n)})").fetchone()[0]]
        if filled:
            raise DatabaseUnavailable(f"База на сервере перестала быть пустой во время переноса (таблицы "
                                      f"{', '.join(filled[:5])}): ничего не записано")
        triggers = _user_triggers(database, names)
        for table, trigger, _state in triggers:
            database.execute_sql(f"ALTER TABLE {_q(table)} DISABLE TRIGGER {_q(trigger)}")
        raw = database.connection()
        for table in plan:
            columns = ", ".join(_q(c) for c in table.columns)
            statement = f"INSERT INTO {_q(table.name)} ({columns}) VALUES %s"
            for rows in _chunks(conn, table, CHUNK_ROWS):
                try:
                    with database.atomic():  # a savepoint: a refused chunk is looked at row by row
                        with raw.cursor() as cursor:
                            execute_values(cursor, statement, rows, page_size=len(rows))
                except Exception as exc:  # noqa: BLE001 - whatever the server refused, named below
                    raise _refused_row(database, raw, statement, table, rows, exc) from exc
                table.rows += len(rows)
            if progress is not None:
                progress(table.label, table.rows)
        people = _roles(database)  # still with the record of changes off: giving roles is not a change of data
        for table, trigger, state in triggers:
            database.execute_sql(f"ALTER TABLE {_q(table)} {_TRIGGER_STATE.get(state, 'ENABLE TRIGGER')} {_q(trigger)}")
        refresh = getattr(policy, "refresh_incident_units", None)
        if refresh is not None:  # the server's own column of an incident's units, left behind by the copy
            refresh(database)
        _check_incident_units(database)
        _continue_sequences(database, names)
    return people


def _key(table: _Table, row: tuple[Any, ...]) -> Any:
    return row[table.columns.index(table.key[0])] if table.key else None


def _refused_row(database: PostgresqlDatabase, raw: Any, statement: str, table: _Table,
                 rows: list[tuple[Any, ...]], error: BaseException) -> _CopyFailed:
    """The first row of a refused chunk the server refuses on its own (each tried in a savepoint, all undone
    with the transaction), so that the message names the record; else the chunk's first row."""
    from psycopg2.extras import execute_values

    for row in rows:
        try:
            with database.atomic():
                with raw.cursor() as cursor:
                    execute_values(cursor, statement, [row])
        except Exception as exc:  # noqa: BLE001
            return _CopyFailed(table, _key(table, row), exc, exact=True)
    return _CopyFailed(table, _key(table, rows[0]), error, exact=False)


def _roles(database: PostgresqlDatabase) -> list[Person]:
    """Every user's server role, by the program's own ``people.sync`` (no password: none is known)."""
    from app.models import User
    from app.services.server import names, people

    users = list(User.select().order_by(User.id))
    wanted = {u.id: u.db_role or names.person_role(database.database, u.login) for u in users}
    existing = {r[0] for r in database.execute_sql("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
                                                   (list(wanted.values()),)).fetchall()}
    people.sync_all()
    return [Person(u.login, u.full_name, u.roles, bool(u.is_active), wanted[u.id], wanted[u.id] in existing)
            for u in users]


def _check_incident_units(database: PostgresqlDatabase) -> None:
    """Where the server keeps each incident's units (``incident.inc_units``, the executors' row rule), every
    incident's units are those of its assignments — else an executor would not see their incidents."""
    has = database.execute_sql(
        "SELECT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = 'incident' AND column_name = 'inc_units')").fetchone()[0]
    if not has:
        return
    wrong = database.execute_sql(
        "SELECT count(*) FROM incident i LEFT JOIN (SELECT incident_id, array_agg(DISTINCT unit_id) AS units "
        "FROM assignment GROUP BY incident_id) a ON a.incident_id = i.id "
        "WHERE NOT (coalesce(a.units, '{}') @> i.inc_units AND i.inc_units @> coalesce(a.units, '{}'))").fetchone()[0]
    if wrong:
        raise DatabaseUnavailable(f"Перенос не выполнен: у {wrong} инцидентов сервер не пересчитал отделы исполнителей "
                                  "(правила сервера этой версии программы). Всё отменено, на сервере нет перенесённых "
                                  "записей")


def _continue_sequences(database: PostgresqlDatabase, tables: list[str]) -> None:
    """Each sequence of the copied tables goes on after the highest id copied (``max + 1``; 1 when empty)."""
    rows = database.execute_sql(
        "SELECT table_name, column_name, pg_get_serial_sequence(quote_ident(table_name), column_name) "
        "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY(%s) "
        "AND (column_default LIKE 'nextval(%%' OR is_identity = 'YES')", (tables,)).fetchall()
    for table, column, sequence in rows:
        if sequence:
            database.execute_sql(f"SELECT setval(%s, coalesce((SELECT max({_q(column)}) FROM {_q(table)}), 0) + 1, "
                                 "false)", (sequence,))


def _q(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


# --- the command's service --------------------------------------------------------------------------------


def migrate(source_url: str, target_url: str, *, progress: Progress | None = None) -> Migration:
    """Move the SQLite database of ``source_url`` to the empty PostgreSQL database of ``target_url``
    (whose user is the database's owner) and check the result; see the module's description.

    Raises ``DatabaseUnavailable`` (one Russian line) when the move is refused or fails; a failure
    while copying leaves the target's tables empty. The model proxy is left bound to the target."""
    from app.models import AuditEvent
    from app.services import audit
    from app.services.server import policy

    started = time.perf_counter()
    source = _source_target(source_url)
    target = _target(target_url)
    conn = _open_source(source)
    try:
        version = _source_version(conn, source)
        _look_at_target(target)
        opened = open_database(target_url)
        database = opened.database
        assert isinstance(database, PostgresqlDatabase)
        if policy.installed_version(database) < policy.POLICY_VERSION:
            raise DatabaseUnavailable(f"Правила сервера не применены к базе {target.display()}: перенос выполняет "
                                      "владелец базы")
        plan, skipped = _plan(conn, database)
        in_file = {t.name: int(conn.execute(f"SELECT count(*) FROM {_q(t.name)}").fetchone()[0]) for t in plan}
        head = conn.execute("SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1").fetchone()
        log.info("Перенос %s → %s: %s таблиц, %s записей", source.display(), target.display(), len(plan),
                 sum(in_file.values()))
        try:
            people = _copy_all(conn, database, plan, progress)
        except _CopyFailed as failed:
            log.error("Перенос прерван на таблице %s: %s", failed.table.name, failed.error)
            raise DatabaseUnavailable(
                f"Перенос не выполнен: {failed.table.label} ({failed.table.name}{failed.where()}) — "
                f"{_reason(failed.error)}. "
                f"Всё отменено: в базе {target.display()} нет ни одной перенесённой записи (таблицы созданы и "
                "пусты); исправьте причину и повторите команду") from None
        except DatabaseUnavailable:
            raise
        except Exception as exc:
            log.error("Перенос прерван: %s", exc)
            raise DatabaseUnavailable(
                f"Перенос не выполнен: {_reason(exc)}. Всё отменено: в базе {target.display()} нет ни одной "
                "перенесённой записи; повторите команду") from None
    finally:
        conn.close()
    for table in plan:
        database.execute_sql(f"ANALYZE {_q(table.name)}")  # the planner learns the new tables' sizes
    copies = [TableCopy(t.name, t.label, in_file[t.name], _count(database, t.name)) for t in plan]
    wrong = [(c, t.rows) for c, t in zip(copies, plan) if not c.equal or t.rows != c.rows]
    if wrong:
        raise DatabaseUnavailable(
            "Проверка после переноса не пройдена: число записей не совпадает — "
            + "; ".join(f"{c.table}: в файле {c.rows}, перенесено {copied}, на сервере {c.on_server}"
                        for c, copied in wrong)
            + ". Не начинайте работу на сервере")
    chain = audit.verify_chain()
    if not chain.ok:
        raise DatabaseUnavailable(f"Проверка после переноса не пройдена: журнал на сервере нарушен — событие "
                                  f"№ {chain.broken_at}: {chain.reason}. Не начинайте работу на сервере")
    last = AuditEvent.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).tuples().first()
    if (tuple(head) if head else None) != (tuple(last) if last else None):
        raise DatabaseUnavailable("Проверка после переноса не пройдена: последнее событие журнала на сервере не то, "
                                  "что в файле. Не начинайте работу на сервере")
    return Migration(source, target, version, copies, chain.checked, (int(last[0]), str(last[1])) if last else None,
                     people, time.perf_counter() - started, skipped)
