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

from peewee import CharField, Database, IntegerField, PostgresqlDatabase, SqliteDatabase

from app.models.base import BaseModel, UtcDateTimeField, db, utcnow

SCHEMA_VERSION = 5


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


#: step number → the function that brings the schema from number-1 to number
STEPS: dict[int, Callable[[Database], None]] = {
    1: _create_tables,
    2: _search_structures,
    3: _queue_indexes,
    4: _topic_sort_index,
    5: _stored_clocks,
}
assert max(STEPS) == SCHEMA_VERSION


def backup_sqlite(database: SqliteDatabase, version: int) -> Path | None:
    """Copy an SQLite file aside (online backup, safe with WAL); returns the copy's path."""
    path = Path(database.database)
    if str(path) == ":memory:" or not path.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.v{version}-{stamp}.bak")
    source = database.connection()
    with sqlite3.connect(target) as copy:
        source.backup(copy)
    copy.close()
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
            STEPS[n](database)
            SchemaInfo.delete().execute()
            SchemaInfo.create(version=n, program=program)
    return steps
