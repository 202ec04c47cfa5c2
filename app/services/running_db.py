"""The address of the database this program is running on now (not the saved default): «Настройки»
opens on it, so the user sees and changes what is really in use."""
from __future__ import annotations

from urllib.parse import quote

from peewee import PostgresqlDatabase, SqliteDatabase

from app.models import db


def current_url() -> str | None:
    """``sqlite:///…`` or ``postgresql://…`` of the open database; None when none is open."""
    database = db.obj
    if database is None or database.is_closed():
        return None
    if isinstance(database, SqliteDatabase):
        return f"sqlite:///{database.database}"
    if isinstance(database, PostgresqlDatabase):
        params = database.connect_params
        user = quote(str(params.get("user") or ""), safe="")
        password = quote(str(params.get("password") or ""), safe="")
        who = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = params.get("host") or "localhost"
        port = params.get("port") or 5432
        return f"postgresql://{who}{host}:{port}/{quote(str(database.database), safe='')}"
    return None
