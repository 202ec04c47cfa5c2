"""What the open programs tell each other: who has an incident open, and the events of an action.

``Presence`` — one row per running program (its session token): the person, the incident whose card
is open and whether its answer is being edited; refreshed every few seconds and ignored once stale,
so a program that died leaves no ghost for long. ``LiveEvent`` — the notifications an action sends
(«возвращён», «согласован — разместите в течение 30 мин»…), written in the action's own transaction, so
the other programs hear nothing of a rolled-back action; read by every open program after a change.
"""
from __future__ import annotations

from peewee import BooleanField, CharField, ForeignKeyField, IntegerField, TextField

from app.models.base import BaseModel, UtcDateTimeField, utcnow
from app.models.org import User


class Presence(BaseModel):
    """A running program of a person: the card it shows, the answer it edits, when it last said so."""

    session = CharField(max_length=32, unique=True)
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")
    incident_id = IntegerField(null=True, index=True)
    editing = BooleanField(default=False)
    seen_at = UtcDateTimeField(default=utcnow)


class LiveEvent(BaseModel):
    """One notification of a committed action (``app.services.events.Event``), for the other programs."""

    at = UtcDateTimeField(default=utcnow)
    #: the running program that made it (it has told its own window already)
    origin = CharField(max_length=32, default="")
    kind = CharField(max_length=32)
    incident_id = IntegerField(index=True)
    message = TextField(default="")
    unit_ids = TextField(default="[]")  # JSON list
    to_curators = BooleanField(default=False)
    to_responsible = BooleanField(default=False)
