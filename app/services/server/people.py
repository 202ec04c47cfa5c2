"""A person's own PostgreSQL role, kept in step with their account.

Creating a user creates the role; a new password becomes the role's password (the client sends the
server a SCRAM verifier, never the password); the user's regulation roles are the role's groups;
switching a user off makes the role NOLOGIN and ends its sessions. Everything goes through the
server function ``inc_person_sync`` (owned by the database's owner, callable by administrators),
inside the transaction of the change of the account, so the two never disagree.
"""
from __future__ import annotations

from peewee import PostgresqlDatabase

from app.models import User, db
from app.services.server import names, policy


def shared_database() -> PostgresqlDatabase | None:
    """The open database when it is a shared server database under the server's rules."""
    database = db.obj
    if isinstance(database, PostgresqlDatabase) and policy.installed_version(database) > 0:
        return database
    return None


def person_session() -> bool:
    """This session is a person's own role on the shared server (not the owner's)."""
    database = shared_database()
    return database is not None and names.is_person_role(database.database, session_role())


def session_role() -> str:
    """The server role of this session (``current_user``); '' on SQLite."""
    database = db.obj
    if not isinstance(database, PostgresqlDatabase):
        return ""
    return str(database.execute_sql("SELECT current_user").fetchone()[0])


def verifier(database: PostgresqlDatabase, role: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password`` for ``role``, made on this PC."""
    from psycopg2.extensions import encrypt_password

    return encrypt_password(password, role, database.connection(), "scram-sha-256")


def sync(user: User, *, password: str | None = None) -> None:
    """Bring the user's server role in line with the account (a no-op outside the shared mode)."""
    database = shared_database()
    if database is None:
        return
    role = user.db_role or names.person_role(database.database, user.login)
    if user.db_role != role:
        User.update(db_role=role).where(User.id == user.id).execute()
        user.db_role = role
    groups = [names.group_role(database.database, r) for r in sorted(user.role_set)]
    secret = verifier(database, role, password) if password is not None else None
    if secret is not None and session_role() == role and not _administers(database):
        # a person changes their own password: a role may always do that to itself
        database.execute_sql("ALTER ROLE CURRENT_USER PASSWORD %s", (secret,))
        return
    database.execute_sql("SELECT inc_person_sync(%s, %s, %s::text[], %s)",
                         (role, secret, groups, bool(user.is_active)))


def sync_all() -> int:
    """Give every account its role (after the rules are first applied to a database in use); the
    people get passwords when the administrator sets them. Returns how many accounts were synced."""
    count = 0
    for user in User.select().order_by(User.id):
        sync(user)
        count += 1
    return count


def _administers(database: PostgresqlDatabase) -> bool:
    """The session may manage people: the owner (or a superuser) or a member of the administrators."""
    admin = names.group_role(database.database, "admin")
    row = database.execute_sql(
        "SELECT r.rolsuper OR pg_has_role(current_user, t.tableowner, 'USAGE') "
        "OR pg_has_role(current_user, %s, 'MEMBER') FROM pg_roles r, pg_tables t "
        "WHERE r.rolname = current_user AND t.schemaname = current_schema() AND t.tablename = 'incident'",
        (admin,)).fetchone()
    return bool(row and row[0])
