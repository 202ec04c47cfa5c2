"""Test databases on both backends: an SQLite file, or a throwaway PostgreSQL database.

``INCIDENTS_TEST_BACKEND`` chooses the backend (``sqlite`` by default, or ``postgresql``);
``INCIDENTS_TEST_PG`` is the server's admin URL (default: the local server, database ``test``).
"""
from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"


def backend() -> str:
    return os.environ.get("INCIDENTS_TEST_BACKEND", "sqlite").lower()


def pg_admin_url() -> str:
    return os.environ.get("INCIDENTS_TEST_PG", DEFAULT_PG)


def pg_available() -> tuple[bool, str]:
    import psycopg2

    parts = urlsplit(pg_admin_url())
    try:
        conn = psycopg2.connect(pg_admin_url(), connect_timeout=3)
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        return False, f"PostgreSQL {parts.hostname}:{parts.port or 5432} недоступен: {str(exc).strip()}"
    conn.close()
    return True, ""


def create_pg_database(prefix: str = "incidents_test") -> str:
    """Create an empty database on the server; returns its URL."""
    import psycopg2

    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    conn = psycopg2.connect(pg_admin_url(), connect_timeout=3)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()
    parts = urlsplit(pg_admin_url())
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", "", ""))


def drop_pg_database(url: str) -> None:
    import psycopg2

    name = urlsplit(url).path.lstrip("/")
    conn = psycopg2.connect(pg_admin_url(), connect_timeout=3)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        drop_roles_of(cur, name)
    conn.close()


def drop_roles_of(cur, name: str) -> None:  # noqa: ANN001 - a psycopg2 cursor
    """Roles are cluster-wide: the roles of a dropped database (its people first, then its groups)."""
    from app.services.server import names

    prefix = names.role_prefix(name).replace("_", "\\_")
    cur.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s ORDER BY rolname LIKE %s DESC",
                (prefix + "%", prefix + "u\\_%"))
    for (role,) in cur.fetchall():
        cur.execute(f'DROP ROLE IF EXISTS "{role}"')
