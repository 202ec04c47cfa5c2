"""Settings shared by every PC on the database, and the record of sent notifications."""
from __future__ import annotations

from peewee import CharField, ForeignKeyField, TextField

from app.models.base import BaseModel, UtcDateTimeField, utcnow
from app.models.org import User


class Setting(BaseModel):
    key = CharField(max_length=64, primary_key=True)
    value = TextField()  # JSON


class NotificationLog(BaseModel):
    """A notification already shown to a user, so none is shown twice."""

    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    key = CharField(max_length=128)
    shown_at = UtcDateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "key"), True),)
