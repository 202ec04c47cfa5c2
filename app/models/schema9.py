"""Schema step 9: what the shared PostgreSQL mode needs to let the server keep the rules.

``user.db_role`` — the person's own server role; ``audit_event.db_role`` and ``audit_event.txid`` —
the role and the server transaction that appended an event (checked and set by the server in the
shared mode); the table ``row_change`` — the server's own record of every change of an incident,
assignment, answer or user row; the table ``user_password`` — the password check moves out of
``user``, which every person of the shared mode reads, into a table only the owner reads. Columns are added in place (nullable or with a default); on SQLite
they stay empty: the single-PC mode has one person at a time and the file's own rights.
"""
from __future__ import annotations

from peewee import Database, PostgresqlDatabase


def server_rules(database: Database) -> None:
    from app.models import RowChange, UserPassword

    postgres = isinstance(database, PostgresqlDatabase)
    user_columns = {c.name for c in database.get_columns("user")}
    if "db_role" not in user_columns:
        database.execute_sql('ALTER TABLE "user" ADD COLUMN db_role VARCHAR(63)')
    database.execute_sql('CREATE UNIQUE INDEX IF NOT EXISTS user_db_role ON "user" (db_role)')
    event_columns = {c.name for c in database.get_columns("audit_event")}
    if "db_role" not in event_columns:
        database.execute_sql("ALTER TABLE audit_event ADD COLUMN db_role VARCHAR(63) NOT NULL DEFAULT ''")
    if "txid" not in event_columns:
        database.execute_sql("ALTER TABLE audit_event ADD COLUMN txid BIGINT")
    database.execute_sql("CREATE INDEX IF NOT EXISTS audit_event_txid ON audit_event (txid)")
    database.create_tables([RowChange, UserPassword])
    database.execute_sql("INSERT INTO user_password (user_id, password_hash) SELECT id, password_hash FROM \"user\" "
                         "WHERE password_hash <> '' AND id NOT IN (SELECT user_id FROM user_password)")
    database.execute_sql("UPDATE \"user\" SET password_hash = ''")
    if postgres:
        database.execute_sql("ALTER TABLE row_change ALTER COLUMN txid SET DEFAULT txid_current()")
        database.execute_sql("ALTER TABLE row_change ALTER COLUMN db_role SET DEFAULT current_user")
