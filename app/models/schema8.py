"""Schema step 8: the official pages module (Appendix 1).

Adds to the registry of pages what clauses 2, 9 and 13 need (the unit, the page's name in post
links, who handed the access over and when, the current description, archiving, a row version),
the publication's text and formats, the moderation entry's links, taking an author off the black
list; and the new tables: the people of a page, the content plan, the 8-FZ checks, the history of
the special mark and the subscription matrix (clause 15).

Existing rows stay where they are: every column is added in place (``ALTER TABLE … ADD COLUMN``,
nullable or with its default — never a copy of a table that others reference). What the old
schema knew is carried over: each page's responsible person becomes one of its people, the
«subscribed to the head» flag becomes the page's row of the matrix, and a page's current mark
becomes the first event of its history.
"""
from __future__ import annotations

from peewee import Database, PostgresqlDatabase

#: table → (column, SQL type on PostgreSQL, SQL type on SQLite)
_COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "official_page": (
        ("unit_id", "INTEGER REFERENCES unit (id) ON DELETE SET NULL",
         "INTEGER REFERENCES unit (id) ON DELETE SET NULL"),
        ("network_id", "VARCHAR(128) NOT NULL DEFAULT ''", "VARCHAR(128) NOT NULL DEFAULT ''"),
        ("access_handed_on", "DATE", "DATE"),
        ("access_handed_by", "VARCHAR(255) NOT NULL DEFAULT ''", "VARCHAR(255) NOT NULL DEFAULT ''"),
        ("access_received_by_id", 'INTEGER REFERENCES "user" (id) ON DELETE SET NULL',
         'INTEGER REFERENCES "user" (id) ON DELETE SET NULL'),
        ("description", "TEXT NOT NULL DEFAULT ''", "TEXT NOT NULL DEFAULT ''"),
        ("description_checked_on", "DATE", "DATE"),
        ("archived_at", "TIMESTAMP", "DATETIME"),
        ("archive_reason", "VARCHAR(255) NOT NULL DEFAULT ''", "VARCHAR(255) NOT NULL DEFAULT ''"),
        ("created_at", "TIMESTAMP", "DATETIME"),
        ("version", "INTEGER NOT NULL DEFAULT 1", "INTEGER NOT NULL DEFAULT 1"),
    ),
    "page_publication": (
        ("text", "TEXT NOT NULL DEFAULT ''", "TEXT NOT NULL DEFAULT ''"),
        ("formats", "VARCHAR(96) NOT NULL DEFAULT 'text'", "VARCHAR(96) NOT NULL DEFAULT 'text'"),
        ("created_at", "TIMESTAMP", "DATETIME"),
        ("created_by_id", 'INTEGER REFERENCES "user" (id) ON DELETE SET NULL',
         'INTEGER REFERENCES "user" (id) ON DELETE SET NULL'),
    ),
    "moderation_entry": (
        ("link", "VARCHAR(1024) NOT NULL DEFAULT ''", "VARCHAR(1024) NOT NULL DEFAULT ''"),
        ("author_link", "VARCHAR(1024) NOT NULL DEFAULT ''", "VARCHAR(1024) NOT NULL DEFAULT ''"),
    ),
    "incident": (
        ("page_id", "INTEGER REFERENCES official_page (id) ON DELETE SET NULL",
         "INTEGER REFERENCES official_page (id) ON DELETE SET NULL"),
    ),
    "blacklist_entry": (
        ("removed_at", "TIMESTAMP", "DATETIME"),
        ("removed_by_id", 'INTEGER REFERENCES "user" (id) ON DELETE SET NULL',
         'INTEGER REFERENCES "user" (id) ON DELETE SET NULL'),
    ),
}


def pages_module(database: Database) -> None:
    """Bring a schema-7 database to schema 8 (see the module's text)."""
    from app.models import ContentPlanItem, LawInfoCheck, PagePublisher, PageSubscription, VerificationEvent

    postgres = isinstance(database, PostgresqlDatabase)
    for table, columns in _COLUMNS.items():
        present = {c.name for c in database.get_columns(table)}
        for name, pg_type, sqlite_type in columns:
            if name not in present:
                database.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" '
                                     + (pg_type if postgres else sqlite_type))
    database.create_tables([PagePublisher, ContentPlanItem, LawInfoCheck, VerificationEvent, PageSubscription])
    database.execute_sql("CREATE INDEX IF NOT EXISTS incident_page_id ON incident (page_id)")
    database.execute_sql("UPDATE page_publication SET formats = format WHERE formats = 'text' AND format <> 'text'")
    database.execute_sql("INSERT INTO page_publisher (page_id, user_id) SELECT p.id, p.responsible_id "
                         "FROM official_page p WHERE p.responsible_id IS NOT NULL AND NOT EXISTS ("
                         "SELECT 1 FROM page_publisher x WHERE x.page_id = p.id AND x.user_id = p.responsible_id)")
    stamp = "(now() AT TIME ZONE 'UTC')" if postgres else "CURRENT_TIMESTAMP"
    database.execute_sql(
        "INSERT INTO page_subscription (page_id, head_page_id, subscribed, checked_at, checked_by_id) "
        f"SELECT a.id, h.id, a.subscribed_to_head, {stamp}, NULL "
        "FROM official_page a CROSS JOIN official_page h "
        "WHERE a.owner = 'administration' AND h.owner = 'head' AND NOT EXISTS ("
        "SELECT 1 FROM page_subscription s WHERE s.page_id = a.id AND s.head_page_id = h.id)")
    # the current mark becomes the first event of its history (the date it last changed, or today)
    today = "CURRENT_DATE" if postgres else "date('now')"
    changed = "CAST(p.verification_changed_at AS DATE)" if postgres else "date(p.verification_changed_at)"
    database.execute_sql(
        "INSERT INTO verification_event (page_id, state, effective_on, at, by_id, note) "
        f"SELECT p.id, p.verification, COALESCE({changed}, {today}), {stamp}, NULL, "
        "'Состояние на момент обновления программы' FROM official_page p "
        "WHERE p.verification <> 'none' AND NOT EXISTS (SELECT 1 FROM verification_event e WHERE e.page_id = p.id)")
    # incidents written on a page of the registry (clause 16): the rule new registrations use
    if database.execute_sql("SELECT 1 FROM official_page LIMIT 1").fetchone():
        from app.services.pages.linking import relink_incidents

        relink_incidents(database)
