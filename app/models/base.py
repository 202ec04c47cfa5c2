"""The one database proxy and the base model every table inherits."""
from __future__ import annotations

from datetime import datetime, timezone

from peewee import DatabaseProxy, DateTimeField, Model

#: Initialised once at start-up (see ``app.services.database.open_database``).
db = DatabaseProxy()


class UtcDateTimeField(DateTimeField):
    """A moment in time, stored as naive UTC and read back as an aware UTC datetime.

    Naive values are refused on write: a naive datetime is ambiguous (local or UTC?) and
    such a bug would silently move every clock by three hours.
    """

    def db_value(self, value: datetime | None) -> datetime | None:  # type: ignore[override]
        if value is None:
            return None
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise ValueError("UtcDateTimeField needs an aware datetime")
            value = value.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0)
        return super().db_value(value)

    def python_value(self, value):  # type: ignore[no-untyped-def]
        value = super().python_value(value)
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def utcnow() -> datetime:
    """Now, aware, in UTC, to the second (what the database keeps)."""
    return datetime.now(timezone.utc).replace(microsecond=0)
