"""Appendix 1: the administration's official pages, their publications and moderation."""
from __future__ import annotations

from peewee import BooleanField, CharField, ForeignKeyField, TextField

from app.models.base import BaseModel, UtcDateTimeField, utcnow
from app.models.enums import PageOwner, VerificationState
from app.models.org import User


class OfficialPage(BaseModel):
    """A page of the administration or of the head in VK, OK or Telegram (clauses 1–3)."""

    network = CharField(max_length=16)
    name = CharField(max_length=255)
    url = CharField(max_length=1024, unique=True)
    owner = CharField(max_length=16, default=PageOwner.ADMINISTRATION)
    phone = CharField(max_length=32, default="")  # clause 2: the official phone it is bound to
    responsible = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    verification = CharField(max_length=16, default=VerificationState.NONE)
    verification_changed_at = UtcDateTimeField(null=True)
    subscribed_to_head = BooleanField(default=False)  # clause 15
    is_active = BooleanField(default=True)


class PagePublication(BaseModel):
    """A post on an official page (clause 5: at least one a week)."""

    page = ForeignKeyField(OfficialPage, backref="publications", on_delete="CASCADE")
    published_at = UtcDateTimeField(index=True)
    url = CharField(max_length=1024, default="")
    title = CharField(max_length=255, default="")
    format = CharField(max_length=16, default="text")  # text, photo, video, stream, poll
    author = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")


class ModerationEntry(BaseModel):
    """A comment removed from an official page and why (clause 14)."""

    page = ForeignKeyField(OfficialPage, backref="moderation", on_delete="CASCADE")
    at = UtcDateTimeField(default=utcnow, index=True)
    action = CharField(max_length=16)
    reason = CharField(max_length=16)
    author = CharField(max_length=255, default="")
    excerpt = TextField(default="")
    moderator = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")


class BlacklistEntry(BaseModel):
    """A network user put on a page's black list (clause 14)."""

    page = ForeignKeyField(OfficialPage, backref="blacklist", on_delete="CASCADE")
    author = CharField(max_length=255)
    author_link = CharField(max_length=1024, default="")
    reason = CharField(max_length=16)
    added_at = UtcDateTimeField(default=utcnow)
    added_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
