"""Incidents and everything done with them: assignments, answers, approvals, publications."""
from __future__ import annotations

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from app.models.base import BaseModel, UtcDateTimeField, utcnow
from app.models.catalog import Location, Topic, TopicGroup
from app.models.enums import AnswerState, AssignmentState, IncidentKind, IncidentStatus, Priority
from app.models.org import Unit, User
from app.models.pages import OfficialPage

#: the longest ``Incident.link_key`` (a longer key ends in a digest of the whole: ``app.services.links.link_key``)
LINK_KEY_LENGTH = 512


class Incident(BaseModel):
    """A social-network message about the administration's work (clause 2)."""

    network = CharField(max_length=16)
    link = CharField(max_length=1024, unique=True)
    #: what identifies the message however its link is written (network, post, comment:
    #: ``app.services.links.link_key``), for finding duplicates. Unique: two PCs registering the same post
    #: written two ways get one incident. NULL only for an incident that already repeated an
    #: earlier one's message before schema 7 (the earliest holds the key; migration step 7).
    link_key = CharField(max_length=LINK_KEY_LENGTH, null=True, unique=True)
    author = CharField(max_length=255)
    author_link = CharField(max_length=1024, default="")
    text = TextField()
    detected_at = UtcDateTimeField(index=True)
    registered_at = UtcDateTimeField(default=utcnow)
    registered_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    external_id = CharField(max_length=128, null=True, index=True)
    kind = CharField(max_length=16, default=IncidentKind.INCIDENT)
    priority = CharField(max_length=16, default=Priority.NORMAL, index=True)
    topic_group = ForeignKeyField(TopicGroup, null=True, backref="+", on_delete="SET NULL")
    topic = ForeignKeyField(Topic, null=True, backref="incidents", on_delete="SET NULL")
    location = ForeignKeyField(Location, null=True, backref="incidents", on_delete="SET NULL")
    #: clause 10: the curator decided that the message has no place («без привязки к месту»)
    no_location = BooleanField(default=False)
    status = CharField(max_length=16, default=IncidentStatus.NEW)
    #: the overall deadline of clauses 9/17 (or 18 after an interim answer), for sorting
    due_at = UtcDateTimeField(null=True)
    routed_at = UtcDateTimeField(null=True)
    closed_at = UtcDateTimeField(null=True)
    no_answer_reason = CharField(max_length=32, null=True)
    consolidating_unit = ForeignKeyField(Unit, null=True, backref="+", on_delete="SET NULL")
    #: clause 18: step limits for the final-answer stage set by the curator (JSON)
    step_limits = TextField(null=True)
    #: where the clarification request of clause 13 is (``RequestState``), None without one
    request_state = CharField(max_length=16, null=True)
    #: the earliest due moment of the incident's open clocks and that clock's code, kept by the
    #: workflow: an incident is overdue exactly when this moment has passed
    next_due_at = UtcDateTimeField(null=True, index=True)
    next_due_code = CharField(max_length=32, null=True)
    #: the official page the message was written on, if it is one of the registry's (Appendix 1, cl. 16)
    page = ForeignKeyField(OfficialPage, null=True, backref="+", on_delete="SET NULL", index=True)
    version = IntegerField(default=1)
    updated_at = UtcDateTimeField(default=utcnow)
    updated_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = (
            (("status", "due_at"), False),
            (("priority", "status"), False),
            (("network", "detected_at"), False),
            (("topic", "detected_at"), False),
        )


class Assignment(BaseModel):
    """An incident routed to one unit (an incident may have several: clause 19)."""

    incident = ForeignKeyField(Incident, backref="assignments", on_delete="CASCADE")
    unit = ForeignKeyField(Unit, backref="assignments", on_delete="RESTRICT")
    state = CharField(max_length=16, default=AssignmentState.ASSIGNED)
    assigned_at = UtcDateTimeField(default=utcnow)
    assigned_by = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    executor = ForeignKeyField(User, null=True, backref="assignments", on_delete="SET NULL")
    is_consolidating = BooleanField(default=False)
    #: clause 19: when the curator appointed this unit to write the consolidated answer
    consolidating_since = UtcDateTimeField(null=True)
    competence_reason = TextField(null=True)
    closed_at = UtcDateTimeField(null=True)

    class Meta:
        indexes = ((("unit", "state"), False), (("incident", "unit"), False))


class Answer(BaseModel):
    """One version of an answer: draft, interim, final, consolidated or a contribution."""

    incident = ForeignKeyField(Incident, backref="answers", on_delete="CASCADE")
    assignment = ForeignKeyField(Assignment, null=True, backref="answers", on_delete="SET NULL")
    kind = CharField(max_length=16)
    number = IntegerField()  # version number within the incident, 1, 2, 3…
    text = TextField()
    state = CharField(max_length=16, default=AnswerState.EDITING)
    author = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    acting_for = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = UtcDateTimeField(default=utcnow)
    submitted_at = UtcDateTimeField(null=True)

    class Meta:
        indexes = ((("incident", "number"), True),)


class Attachment(BaseModel):
    """A photo or video kept with an answer version (clause 20)."""

    answer = ForeignKeyField(Answer, backref="attachments", on_delete="CASCADE")
    filename = CharField(max_length=255)
    mime_type = CharField(max_length=128, default="application/octet-stream")
    size = IntegerField()
    data = BlobField()


class ApprovalDecision(BaseModel):
    """The curator's decision on a submitted answer or request (clause 14)."""

    answer = ForeignKeyField(Answer, backref="decisions", on_delete="CASCADE")
    curator = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    decided_at = UtcDateTimeField(default=utcnow)
    approved = BooleanField()
    reasons = CharField(max_length=128, default="")  # comma-separated ReturnReason codes
    comment = TextField(default="")


class AuthorReply(BaseModel):
    """The author's reply to a posted clarification request (clause 13), as recorded on the card."""

    incident = ForeignKeyField(Incident, backref="author_replies", on_delete="CASCADE")
    request = ForeignKeyField(Answer, backref="author_replies", on_delete="CASCADE")
    text = TextField()
    url = CharField(max_length=1024, default="")
    replied_at = UtcDateTimeField()          # when the author replied in the network
    recorded_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    acting_for = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    recorded_at = UtcDateTimeField(default=utcnow)


class Comment(BaseModel):
    """A note on the incident card: a plain question to the curator and its reply, with no
    regulated clock; also the questions kept from before schema 6 (``CommentKind``)."""

    incident = ForeignKeyField(Incident, backref="comments", on_delete="CASCADE")
    kind = CharField(max_length=24, default="comment")
    author = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")  # None: the program
    acting_for = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = UtcDateTimeField(default=utcnow)
    text = TextField()

    class Meta:
        indexes = ((("incident", "id"), False),)


class Publication(BaseModel):
    """Where and when the approved answer was posted in the network (clause 16)."""

    answer = ForeignKeyField(Answer, backref="publications", on_delete="CASCADE")
    incident = ForeignKeyField(Incident, backref="publications", on_delete="CASCADE")
    published_by = ForeignKeyField(User, backref="+", on_delete="RESTRICT")
    acting_for = ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    published_at = UtcDateTimeField()
    url = CharField(max_length=1024, default="")


class StoredClocks(BaseModel):
    """The clocks of a finished incident as they were computed when it finished.

    A finished incident's clocks no longer depend on the present moment, only on its history,
    the calendar, the limits and the unit names; the row carries the incident's version and a
    digest of the rest (``basis``), and is used only while both still match
    (``app.services.clock_store``). The outcome columns repeat what a report's comparison with
    the previous period needs, so that it reads them without unpacking ``clocks``.
    """

    incident = ForeignKeyField(Incident, primary_key=True, backref="+", on_delete="CASCADE")
    version = IntegerField()
    basis = CharField(max_length=64)
    clocks = BlobField()
    answer_state = CharField(max_length=16, null=True)   # the answer clock (clauses 9/17), if any
    answer_minutes = IntegerField(null=True)             # working minutes to the answer
    final_state = CharField(max_length=16, null=True)    # the final-answer clock (clause 18), if any
