"""The append-only audit trail: every state change, hash-chained."""
from __future__ import annotations

from peewee import BigIntegerField, BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from app.models.base import BaseModel, UtcDateTimeField, utcnow
from app.models.incidents import Incident
from app.models.org import User


class AuditEvent(BaseModel):
    """Who did what, when, for whom, from which state to which, and against which clock."""

    at = UtcDateTimeField(default=utcnow)
    actor = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    acting_for = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    incident = ForeignKeyField(Incident, null=True, backref="events", on_delete="CASCADE")
    action = CharField(max_length=64)
    entity = CharField(max_length=32, default="")
    entity_id = IntegerField(null=True)
    from_state = CharField(max_length=32, null=True)
    to_state = CharField(max_length=32, null=True)
    comment = TextField(default="")
    payload = TextField(default="{}")  # JSON
    working_minutes = IntegerField(null=True)
    limit_minutes = IntegerField(null=True)
    within_limit = BooleanField(null=True)
    prev_hash = CharField(max_length=64, default="")
    hash = CharField(max_length=64)
    #: PostgreSQL: the session's role that appended the event (checked by the server, in the hash)
    db_role = CharField(max_length=63, default="")
    #: PostgreSQL: the server transaction that appended it (set by the server, not by the client)
    txid = BigIntegerField(null=True, index=True)

    class Meta:
        indexes = ((("incident", "at"), False), (("action", "at"), False))


class RowChange(BaseModel):
    """PostgreSQL: a change of an incident, assignment, answer or user row, written by a server
    trigger whoever makes it; ``audit verify`` finds those made in a transaction with no event."""

    at = UtcDateTimeField(default=utcnow)
    db_role = CharField(max_length=63, default="")
    txid = BigIntegerField(index=True)
    table_name = CharField(max_length=32)
    row_id = IntegerField(null=True)
    operation = CharField(max_length=8)
    changed = TextField(default="{}")  # JSON: column → new value (shortened)
