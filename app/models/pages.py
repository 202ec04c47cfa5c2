"""Appendix 1: the administration's and the head's official pages and the department's work on them.

Who owns what (the shared PostgreSQL mode gives each table to the same people):

* the registry of pages (``OfficialPage``, ``PagePublisher``) — the curator (the
  organisational-personnel department) and the administrator keep it; the people named for a
  page edit its description, its publications and its moderation; the head reads;
* publications, the content plan, the 8-FZ checks, the moderation journal and the black list —
  written by the curator and the page's people, never rewritten silently (a changed row carries a
  version; removals are marks with who and when, not deletions);
* ``VerificationEvent`` — the history of the special mark (clauses 11–13), append-only.

Logins and passwords of the pages are never stored: clause 2 hands them to the department, and
the registry records only that access was handed over, when, by whom and to whom.
"""
from __future__ import annotations

from peewee import BooleanField, CharField, DateField, ForeignKeyField, IntegerField, TextField

from app.models.base import BaseModel, UtcDateTimeField, utcnow
from app.models.enums import PageOwner, PublicationFormat, VerificationState
from app.models.org import Unit, User


class OfficialPage(BaseModel):
    """A page of the administration or of the head in VK, OK or Telegram (clauses 1–3)."""

    network = CharField(max_length=16)
    name = CharField(max_length=255)
    url = CharField(max_length=1024, unique=True)
    owner = CharField(max_length=16, default=PageOwner.ADMINISTRATION)
    phone = CharField(max_length=32, default="")  # clause 2: the service phone the page is bound to
    responsible = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    verification = CharField(max_length=16, default=VerificationState.NONE)
    verification_changed_at = UtcDateTimeField(null=True)
    subscribed_to_head = BooleanField(default=False)  # before schema 8; the matrix is PageSubscription
    is_active = BooleanField(default=True)
    #: the unit that runs the page
    unit = ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    #: how the network names the page inside a post's link: a VK community «-123456», a Telegram
    #: channel «korenovsk_adm», an OK group's number — finds the page of an incident (clause 16)
    network_id = CharField(max_length=128, default="")
    #: clause 2: access handed to the department — when, by whom, to whom (never the password)
    access_handed_on = DateField(null=True)
    access_handed_by = CharField(max_length=255, default="")
    access_received_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    #: clause 9: the description the page shows now (compared with the approved one)
    description = TextField(default="")
    description_checked_on = DateField(null=True)
    archived_at = UtcDateTimeField(null=True)
    archive_reason = CharField(max_length=255, default="")
    created_at = UtcDateTimeField(null=True, default=utcnow)
    version = IntegerField(default=1)


class PagePublisher(BaseModel):
    """A person allowed to publish on a page and to keep its records (clauses 2, 7)."""

    page = ForeignKeyField(OfficialPage, backref="publishers", on_delete="CASCADE")
    user = ForeignKeyField(User, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("page", "user"), True),)


class PagePublication(BaseModel):
    """A post on an official page (clause 5: at least one a week; clauses 8, 10: its form)."""

    page = ForeignKeyField(OfficialPage, backref="publications", on_delete="CASCADE")
    published_at = UtcDateTimeField(index=True)
    url = CharField(max_length=1024, default="")
    title = CharField(max_length=255, default="")
    format = CharField(max_length=16, default=PublicationFormat.TEXT)  # the first of ``formats``
    author = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    text = TextField(default="")
    #: every format of the post, comma-separated codes of ``PublicationFormat``
    formats = CharField(max_length=96, default=PublicationFormat.TEXT)
    created_at = UtcDateTimeField(null=True)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")


class ContentPlanItem(BaseModel):
    """A publication planned for a week of a page, and who prepares it (clause 5)."""

    page = ForeignKeyField(OfficialPage, backref="plan", on_delete="CASCADE")
    week = DateField(index=True)  # the Monday of the week
    title = CharField(max_length=255)
    text = TextField(default="")
    formats = CharField(max_length=96, default=PublicationFormat.TEXT)
    preparer = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    #: the publication it became (None while it is only planned)
    publication = ForeignKeyField(PagePublication, null=True, backref="+", on_delete="SET NULL")
    cancelled = BooleanField(default=False)
    created_at = UtcDateTimeField(default=utcnow)
    created_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    version = IntegerField(default=1)


class LawInfoCheck(BaseModel):
    """One check of one item of 8-FZ art. 13 part 1 on one page (clause 6); the newest counts."""

    page = ForeignKeyField(OfficialPage, backref="law_checks", on_delete="CASCADE")
    item = CharField(max_length=32)
    checked_at = UtcDateTimeField(default=utcnow)
    checked_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    #: the item is published and current (False: found missing or out of date)
    current = BooleanField(default=True)
    note = CharField(max_length=500, default="")

    class Meta:
        indexes = ((("page", "item", "checked_at"), False),)


class VerificationEvent(BaseModel):
    """One change of a page's special mark (clauses 11–13)."""

    page = ForeignKeyField(OfficialPage, backref="verification_history", on_delete="CASCADE")
    state = CharField(max_length=16)
    effective_on = DateField()  # the date the state took effect (as the network or the operator gave it)
    at = UtcDateTimeField(default=utcnow)  # when it was recorded
    by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    note = CharField(max_length=500, default="")


class PageSubscription(BaseModel):
    """Whether an administration page is subscribed to a page of the head (clause 15)."""

    page = ForeignKeyField(OfficialPage, backref="subscriptions", on_delete="CASCADE")
    head_page = ForeignKeyField(OfficialPage, backref="subscribers", on_delete="CASCADE")
    subscribed = BooleanField(default=False)
    checked_at = UtcDateTimeField(default=utcnow)
    checked_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = ((("page", "head_page"), True),)


class ModerationEntry(BaseModel):
    """A comment or message removed from an official page and why (clause 14)."""

    page = ForeignKeyField(OfficialPage, backref="moderation", on_delete="CASCADE")
    at = UtcDateTimeField(default=utcnow, index=True)
    action = CharField(max_length=16)
    reason = CharField(max_length=16)
    author = CharField(max_length=255, default="")
    excerpt = TextField(default="")  # the removed text
    moderator = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    link = CharField(max_length=1024, default="")
    author_link = CharField(max_length=1024, default="")


class BlacklistEntry(BaseModel):
    """A network user put on a page's black list (clause 14); taken off with who and when."""

    page = ForeignKeyField(OfficialPage, backref="blacklist", on_delete="CASCADE")
    author = CharField(max_length=255)
    author_link = CharField(max_length=1024, default="")
    reason = CharField(max_length=16)
    added_at = UtcDateTimeField(default=utcnow)
    added_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    removed_at = UtcDateTimeField(null=True)
    removed_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
