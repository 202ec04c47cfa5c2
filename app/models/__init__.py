"""Peewee models and migrations. No Qt here."""
from app.models.audit import AuditEvent, RowChange
from app.models.base import BaseModel, UtcDateTimeField, db, utcnow
from app.models.live import LiveEvent, Presence
from app.models.catalog import AnswerTemplate, Location, Topic, TopicGroup
from app.models.incidents import (
    Answer,
    ApprovalDecision,
    Assignment,
    Attachment,
    AuthorReply,
    Comment,
    Incident,
    Publication,
    StoredClocks,
)
from app.models.org import Absence, Unit, User, UserPassword
from app.models.pages import (
    BlacklistEntry,
    ContentPlanItem,
    LawInfoCheck,
    ModerationEntry,
    OfficialPage,
    PagePublication,
    PagePublisher,
    PageSubscription,
    VerificationEvent,
)
from app.models.settings import NotificationLog, Setting
from app.models.worktime import CalendarDay, CalendarYear, WorkPeriod

#: every table, in creation order (parents before children)
ALL_MODELS = [
    Unit, User, UserPassword, Absence,
    TopicGroup, Topic, Location, AnswerTemplate,
    OfficialPage,
    Incident, Assignment, Answer, Attachment, ApprovalDecision, Publication, AuthorReply, Comment,
    StoredClocks, AuditEvent, RowChange,
    CalendarYear, CalendarDay, WorkPeriod,
    PagePublisher, PagePublication, ContentPlanItem, LawInfoCheck, VerificationEvent, PageSubscription,
    ModerationEntry, BlacklistEntry,
    Setting, NotificationLog,
    Presence, LiveEvent,
]

__all__ = [m.__name__ for m in ALL_MODELS] + ["ALL_MODELS", "BaseModel", "UtcDateTimeField", "db", "utcnow"]
