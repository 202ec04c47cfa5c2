"""Numbered schema migrations.

A database records its schema version in ``schema_info``. ``upgrade`` runs every step above
that version, each inside one transaction, after copying an SQLite file aside. A database whose
version is above ``SCHEMA_VERSION`` was written by a newer program and is refused.
"""
from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from peewee import SQL, CharField, Database, IntegerField, PostgresqlDatabase, SqliteDatabase, Table

from app.models.base import BaseModel, UtcDateTimeField, db, utcnow
from app.models.schema8 import pages_module
from app.models.schema9 import server_rules
from app.models.incidents import LINK_KEY_LENGTH

SCHEMA_VERSION = 11
#: how long an upgrade step waits for the tables it alters (PostgreSQL), in milliseconds
UPGRADE_LOCK_WAIT_MS = 60_000
#: how many incidents step 7 reads and updates at a time
LINK_KEY_BATCH = 1000


class SchemaInfo(BaseModel):
    """One row: the schema version of this database."""

    version = IntegerField()
    upgraded_at = UtcDateTimeField(default=utcnow)
    program = CharField(max_length=32, default="")


class SchemaTooNew(Exception):
    def __init__(self, found: int, supported: int) -> None:
        super().__init__(f"schema version {found} > {supported}")
        self.found = found
        self.supported = supported


class NotOurDatabase(Exception):
    """The database has tables, but not ours (no schema_info)."""


def current_version(database: Database | None = None) -> int:
    """The schema version of the database; 0 for an empty database."""
    database = database or db
    tables = set(database.get_tables())
    if "schema_info" not in tables:
        if tables - {"sqlite_sequence"}:
            raise NotOurDatabase(sorted(tables)[:5])
        return 0
    row = SchemaInfo.select(SchemaInfo.version).order_by(SchemaInfo.id.desc()).first()
    return row.version if row else 0


def _create_tables(database: Database) -> None:
    from app.models import ALL_MODELS

    database.create_tables([SchemaInfo, *ALL_MODELS])


def _search_structures(database: Database) -> None:
    """Full-text search over incident text and author (Russian on PostgreSQL)."""
    if isinstance(database, SqliteDatabase):
        database.execute_sql(
            "CREATE VIRTUAL TABLE IF NOT EXISTS incident_fts USING fts5("
            "text, author, content='incident', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        database.execute_sql(
            "CREATE TRIGGER IF NOT EXISTS incident_fts_ai AFTER INSERT ON incident BEGIN "
            "INSERT INTO incident_fts(rowid, text, author) VALUES (new.id, new.text, new.author); END"
        )
        database.execute_sql(
            "CREATE TRIGGER IF NOT EXISTS incident_fts_ad AFTER DELETE ON incident BEGIN "
            "INSERT INTO incident_fts(incident_fts, rowid, text, author) "
            "VALUES ('delete', old.id, old.text, old.author); END"
        )
        database.execute_sql(
            "CREATE TRIGGER IF NOT EXISTS incident_fts_au AFTER UPDATE OF text, author ON incident BEGIN "
            "INSERT INTO incident_fts(incident_fts, rowid, text, author) "
            "VALUES ('delete', old.id, old.text, old.author); "
            "INSERT INTO incident_fts(rowid, text, author) VALUES (new.id, new.text, new.author); END"
        )
        database.execute_sql("INSERT INTO incident_fts(incident_fts) VALUES ('rebuild')")
    elif isinstance(database, PostgresqlDatabase):
        database.execute_sql(
            "CREATE INDEX IF NOT EXISTS incident_fts_idx ON incident USING GIN "
            "(to_tsvector('russian', coalesce(text, '') || ' ' || coalesce(author, '')))"
        )


def _queue_indexes(database: Database) -> None:
    """Indexes that let the queue read its first page straight from an index on a region-sized base.

    ``(due_at, id DESC)``: «most urgent first» and the sort by deadline; ``(priority, due_at)``: the
    «повышенная важность» filter in that order; ``(author, id)``, ``(status, id)``, ``(network, id)``
    and ``(priority, id)``: the sorts by those columns (ties go by the row id).
    """
    for name, columns in (("incident_due_at_id", "due_at, id DESC"), ("incident_priority_due_at", "priority, due_at"),
                          ("incident_author_id", "author, id"), ("incident_status_id", "status, id"),
                          ("incident_network_id", "network, id"), ("incident_priority_id", "priority, id")):
        database.execute_sql(f"CREATE INDEX IF NOT EXISTS {name} ON incident ({columns})")
    database.execute_sql("ANALYZE incident")  # the planner learns how selective each index is


def _topic_sort_index(database: Database) -> None:
    """``(topic_id, id)``: the queue sorted by topic reads topic after topic from this index."""
    database.execute_sql("CREATE INDEX IF NOT EXISTS incident_topic_id_id ON incident (topic_id, id)")
    database.execute_sql("ANALYZE incident")


def _stored_clocks(database: Database) -> None:
    """The table of finished incidents' clocks (``StoredClocks``); it fills as incidents finish."""
    from app.models import StoredClocks

    database.create_tables([StoredClocks])


def _clarification_requests(database: Database) -> None:
    """Schema 6: the clarification request of clause 13 as the regulation means it.

    Before, a «запрос (уточнение)» was an executor's question to the curator, answered by the
    curator. Now it is a question to the incident's author that goes the way of a draft answer
    (an answer version of kind ``request``), and the author's reply is recorded
    (``AuthorReply``). The old questions and replies are kept as card comments of their own kind
    (``CommentKind.LEGACY_*``) and the old table goes. An incident still waiting for the curator's
    reply goes back to the state it had before the question, with a note from the program saying
    so. New columns: the «без привязки к месту» decision (clause 10), the request's state, the
    moment the next open clock is due (the «Просроченные» tab reads it), and the moment a unit was
    appointed to write the consolidated answer (clause 19, taken from the audit trail).
    """
    from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

    from app.models import Assignment, AuthorReply, Comment, Incident

    postgres = isinstance(database, PostgresqlDatabase)
    migrator = PostgresqlMigrator(database) if postgres else SqliteMigrator(database)
    columns = {c.name for c in database.get_columns("incident")}
    if "no_location" not in columns:
        # NOT NULL with the default in the column itself: SqliteMigrator would add a NOT NULL column by
        # copying the table into a new one and dropping the old — and dropping «incident» with foreign
        # keys on deletes every assignment, answer and audit event (ON DELETE CASCADE) and its
        # search triggers. ADD COLUMN with a DEFAULT keeps every row where it is, on both databases.
        database.execute_sql("ALTER TABLE incident ADD COLUMN no_location "
                             + ("BOOLEAN NOT NULL DEFAULT FALSE" if postgres else "INTEGER NOT NULL DEFAULT 0"))
    # nullable columns are added in place by both migrators
    operations = [migrator.add_column("incident", name, field) for name, field in (
        ("request_state", Incident.request_state), ("next_due_at", Incident.next_due_at),
        ("next_due_code", Incident.next_due_code)) if name not in columns]
    if "consolidating_since" not in {c.name for c in database.get_columns("assignment")}:
        operations.append(migrator.add_column("assignment", "consolidating_since", Assignment.consolidating_since))
    assert all(f.null for f in (Incident.request_state, Incident.next_due_at, Incident.next_due_code,
                                Assignment.consolidating_since))
    if operations:
        migrate(*operations)
    database.execute_sql("CREATE INDEX IF NOT EXISTS incident_next_due_at ON incident (next_due_at)")
    database.create_tables([AuthorReply, Comment])
    database.execute_sql(
        "UPDATE assignment SET consolidating_since = (SELECT max(e.at) FROM audit_event e "
        "WHERE e.action = 'incident.consolidator' AND e.entity = 'assignment' AND e.entity_id = assignment.id) "
        "WHERE is_consolidating AND consolidating_since IS NULL")
    if "clarification_request" not in database.get_tables():
        return
    # questions and replies in the order they were written (a card lists its comments by id)
    database.execute_sql(
        "INSERT INTO comment (incident_id, kind, author_id, acting_for_id, created_at, text) "
        "SELECT incident_id, kind, author_id, acting_for_id, moment, body FROM ("
        "SELECT incident_id, 'legacy_question' AS kind, asked_by_id AS author_id, acting_for_id, "
        "asked_at AS moment, question AS body, id AS source, 0 AS part FROM clarification_request "
        "UNION ALL SELECT incident_id, 'legacy_reply', replied_by_id, NULL, replied_at, reply, id, 1 "
        "FROM clarification_request WHERE reply IS NOT NULL AND replied_at IS NOT NULL"
        ") legacy ORDER BY moment, source, part")
    # incidents that still wait for the curator's reply: back to where they were before the question
    waiting = database.execute_sql("SELECT id FROM incident WHERE status = 'clarification'").fetchall()
    for (incident_id,) in waiting:
        row = database.execute_sql(
            "SELECT from_state FROM audit_event WHERE incident_id = %s AND action = 'clarification.ask' "
            "ORDER BY id DESC LIMIT 1".replace("%s", database.param), (incident_id,)).fetchone()
        back = row[0] if row and row[0] in ("routed", "returned", "interim") else "routed"
        database.execute_sql(f"UPDATE incident SET status = {database.param}, version = version + 1 "
                             f"WHERE id = {database.param}", (back, incident_id))
        database.execute_sql(
            f"UPDATE assignment SET state = {database.param} WHERE incident_id = {database.param} "
            "AND state = 'clarification'", ("returned" if back == "returned" else "assigned", incident_id))
        database.execute_sql(
            "INSERT INTO comment (incident_id, kind, author_id, acting_for_id, created_at, text) "
            f"VALUES ({database.param}, 'system', NULL, NULL, {database.param}, {database.param})",
            (incident_id, utcnow().strftime("%Y-%m-%d %H:%M:%S"),
             "Программа обновлена: запрос (уточнение) по п. 13 теперь направляется автору сообщения. "
             "Вопрос куратору, оставшийся без ответа, сохранён в комментариях; статус «Уточнение» "
             "заменён на прежний статус инцидента."))
    database.execute_sql("UPDATE assignment SET state = 'assigned' WHERE state = 'clarification'")
    database.execute_sql("DROP TABLE clarification_request")


def _link_keys(database: Database) -> None:
    """Schema 7: ``incident.link_key`` — the message a link points to however it is written.

    The key of every incident is computed by ``links.link_key`` (the same function new
    registrations use), a batch of ids at a time, so that memory does not grow with the base. A
    database may already hold the same post registered twice under two spellings of its link
    (before this step nothing told them apart): the earliest incident keeps the key, and the later
    ones get none (NULL) — they stay as they are, with their own links and histories, and the
    unique index can be built over the keys. From now on the unique index makes the database itself
    refuse a second incident for one message, even when two PCs register it at the same moment.
    """
    from peewee import Case

    from app.services.links import link_key  # pure: no database, the rule new registrations use

    if "link_key" not in {c.name for c in database.get_columns("incident")}:
        from playhouse.migrate import PostgresqlMigrator, SqliteMigrator, migrate

        migrator = (PostgresqlMigrator(database) if isinstance(database, PostgresqlDatabase)
                    else SqliteMigrator(database))
        column = CharField(max_length=LINK_KEY_LENGTH, null=True)
        migrate(migrator.add_column("incident", "link_key", column))
    param = database.param
    last = 0
    while True:
        rows = database.execute_sql(f"SELECT id, link FROM incident WHERE id > {param} AND link_key IS NULL "
                                    f"ORDER BY id LIMIT {LINK_KEY_BATCH}", (last,)).fetchall()
        if not rows:
            break
        keys = [(incident_id, link_key(link)) for incident_id, link in rows]
        incident_id = SQL("id")
        database.execute(Table("incident").update(
            link_key=Case(incident_id, [(n, key) for n, key in keys])).where(incident_id.in_([n for n, _ in keys])))
        last = rows[-1][0]
    # the same message registered more than once before this step: only the earliest keeps its key
    database.execute_sql("CREATE INDEX IF NOT EXISTS incident_link_key_seen ON incident (link_key, id)")
    database.execute_sql("UPDATE incident SET link_key = NULL WHERE link_key IS NOT NULL AND EXISTS ("
                         "SELECT 1 FROM incident earlier WHERE earlier.link_key = incident.link_key "
                         "AND earlier.id < incident.id)")
    database.execute_sql("DROP INDEX incident_link_key_seen")
    database.execute_sql("CREATE UNIQUE INDEX IF NOT EXISTS incident_link_key ON incident (link_key)")
    database.execute_sql("ANALYZE incident")


def _live_tables(database: Database) -> None:
    """Step 10: presence and the events of actions for the other open programs (``app.models.live``)."""
    from app.models import LiveEvent, Presence

    database.create_tables([Presence, LiveEvent])


def _search_without_yo(database: Database) -> None:
    """Step 11 (SQLite): the search index holds «ё» as «е», as the search asks for it.

    SQLite's ``unicode61`` tokenizer keeps «ё» apart from «е» (PostgreSQL's Russian dictionary folds
    them), and the search writes every «ё» as «е»: a message or an author written with «ё»
    («Ковалёва») was found by no spelling at all. The index now reads the incidents through a view
    that writes «е» for «ё» (its triggers likewise) and is rebuilt from it.
    """
    if not isinstance(database, SqliteDatabase):
        return

    def folded(column: str) -> str:
        return f"replace(replace(coalesce({column}, ''), 'ё', 'е'), 'Ё', 'Е')"

    for trigger in ("incident_fts_ai", "incident_fts_ad", "incident_fts_au"):
        database.execute_sql(f"DROP TRIGGER IF EXISTS {trigger}")
    database.execute_sql("DROP TABLE IF EXISTS incident_fts")
    database.execute_sql("DROP VIEW IF EXISTS incident_search")
    database.execute_sql(f"CREATE VIEW incident_search AS SELECT id, {folded('text')} AS text, "
                         f"{folded('author')} AS author FROM incident")
    database.execute_sql(
        "CREATE VIRTUAL TABLE incident_fts USING fts5("
        "text, author, content='incident_search', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    new, old = ("new.text", "new.author"), ("old.text", "old.author")
    database.execute_sql(
        "CREATE TRIGGER incident_fts_ai AFTER INSERT ON incident BEGIN "
        f"INSERT INTO incident_fts(rowid, text, author) VALUES (new.id, {folded(new[0])}, {folded(new[1])}); END"
    )
    database.execute_sql(
        "CREATE TRIGGER incident_fts_ad AFTER DELETE ON incident BEGIN "
        "INSERT INTO incident_fts(incident_fts, rowid, text, author) "
        f"VALUES ('delete', old.id, {folded(old[0])}, {folded(old[1])}); END"
    )
    database.execute_sql(
        "CREATE TRIGGER incident_fts_au AFTER UPDATE OF text, author ON incident BEGIN "
        "INSERT INTO incident_fts(incident_fts, rowid, text, author) "
        f"VALUES ('delete', old.id, {folded(old[0])}, {folded(old[1])}); "
        f"INSERT INTO incident_fts(rowid, text, author) VALUES (new.id, {folded(new[0])}, {folded(new[1])}); END"
    )
    database.execute_sql("INSERT INTO incident_fts(incident_fts) VALUES ('rebuild')")


#: step number → the function that brings the schema from number-1 to number
STEPS: dict[int, Callable[[Database], None]] = {
    1: _create_tables,
    2: _search_structures,
    3: _queue_indexes,
    4: _topic_sort_index,
    5: _stored_clocks,
    6: _clarification_requests,
    7: _link_keys,
    8: pages_module,
    9: server_rules,
    10: _live_tables,
    11: _search_without_yo,
}
assert max(STEPS) == SCHEMA_VERSION


class BackupFailed(Exception):
    """The copy made before an upgrade could not be written: nothing was upgraded (Russian message)."""


def backup_sqlite(database: SqliteDatabase, version: int) -> Path | None:
    """Copy an SQLite file aside (online backup, safe with WAL); returns the copy's path.

    A copy that cannot be written whole (a full disk) is removed — no empty or partial ``.bak`` is left
    — and ``BackupFailed`` stops the upgrade before any step."""
    path = Path(database.database)
    if str(path) == ":memory:" or not path.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    source = database.connection()
    try:
        with sqlite3.connect(target) as copy:
            source.backup(copy)
        copy.close()
    except (OSError, sqlite3.Error) as exc:
        target.unlink(missing_ok=True)
        full = "full" in str(exc).lower() or getattr(exc, "errno", None) == 28
        raise BackupFailed(
            (f"Диск заполнен: нет места для копии базы перед обновлением ({target.parent}). " if full else
             f"Не удалось записать копию базы перед обновлением ({exc}). ")
            + "Схема не обновлена, база не изменена: освободите место и повторите") from None
    return target


def upgrade(database: Database | None = None, target: int = SCHEMA_VERSION, program: str = "") -> list[int]:
    """Bring the database to ``target``; returns the steps applied (empty if none were due)."""
    database = database or db
    found = current_version(database)
    if found > SCHEMA_VERSION:
        raise SchemaTooNew(found, SCHEMA_VERSION)
    steps = [n for n in sorted(STEPS) if found < n <= target]
    if not steps:
        return []
    if found > 0 and isinstance(database, SqliteDatabase):
        backup_sqlite(database, found)
    for n in steps:
        with database.atomic():
            if isinstance(database, PostgresqlDatabase):
                # a step on a region's base may run longer than a program's statement may, and waits its
                # turn behind the readers of the tables it alters (the sessions' timeouts are for actions)
                database.execute_sql(f"SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = {UPGRADE_LOCK_WAIT_MS}")
            STEPS[n](database)
            SchemaInfo.delete().execute()
            SchemaInfo.create(version=n, program=program)
    return steps
