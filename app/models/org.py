"""Organisation: units, users with roles, absences with deputies (clause 8)."""
from __future__ import annotations

from peewee import BooleanField, CharField, DateField, ForeignKeyField, IntegerField, TextField

from app.models.base import BaseModel, UtcDateTimeField, utcnow
from app.models.enums import UnitKind


class Unit(BaseModel):
    """A department of the administration or a subordinate institution that executes."""

    name = CharField(max_length=255, unique=True)
    short_name = CharField(max_length=64, default="")
    kind = CharField(max_length=16, default=UnitKind.DEPARTMENT)
    is_active = BooleanField(default=True)


class User(BaseModel):
    """A person who signs in. ``roles`` is a comma-separated list of ``Role`` codes."""

    login = CharField(max_length=64, unique=True)
    full_name = CharField(max_length=255)
    position = CharField(max_length=255, default="")
    password_hash = CharField(max_length=255, default="")  # moved to ``UserPassword`` (schema 9)
    roles = CharField(max_length=128)
    unit = ForeignKeyField(Unit, null=True, backref="users", on_delete="SET NULL")
    email = CharField(max_length=255, default="")
    is_active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    locked_until = UtcDateTimeField(null=True)
    created_at = UtcDateTimeField(default=utcnow)
    #: the person's own PostgreSQL role in the shared mode (``app.services.server.names``); None on SQLite
    db_role = CharField(max_length=63, null=True, unique=True)

    @property
    def role_set(self) -> frozenset[str]:
        return frozenset(r for r in self.roles.split(",") if r)


class UserPassword(BaseModel):
    """The program's own check of a person's password (Argon2), kept apart from ``user``: on the
    shared server only the owner reads it — every person reads ``user``. In the shared mode the
    server's role holds the password that signs a person in; this copy serves the owner's sessions."""

    user = ForeignKeyField(User, primary_key=True, backref="+", on_delete="CASCADE")
    password_hash = CharField(max_length=255)


class Absence(BaseModel):
    """A period when an executor is away and a named deputy acts for them (clause 8)."""

    user = ForeignKeyField(User, backref="absences", on_delete="CASCADE")
    deputy = ForeignKeyField(User, backref="deputising", on_delete="CASCADE")
    kind = CharField(max_length=16)
    starts_on = DateField()
    ends_on = DateField()
    comment = TextField(default="")

    class Meta:
        indexes = ((("user", "starts_on", "ends_on"), False), (("deputy", "starts_on"), False))
