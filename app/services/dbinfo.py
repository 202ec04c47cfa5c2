"""A summary of what a database holds: schema version and counts of each kind of record."""
from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from app.models import (
    Absence, Answer, ApprovalDecision, Assignment, Attachment, AuditEvent, BlacklistEntry,
    AuthorReply, CalendarDay, Comment, Incident, Location, ModerationEntry, OfficialPage,
    PagePublication, Publication, StoredClocks, Topic, TopicGroup, Unit, User,
)
from app.models.enums import STATUS_LABELS, IncidentStatus
from app.models.migrations import current_version

COUNTED = [
    ("Отделы и учреждения", Unit),
    ("Пользователи", User),
    ("Периоды отсутствия", Absence),
    ("Группы тем", TopicGroup),
    ("Темы", Topic),
    ("Локации", Location),
    ("Инциденты", Incident),
    ("Поручения", Assignment),
    ("Версии ответов", Answer),
    ("Вложения", Attachment),
    ("Решения о согласовании", ApprovalDecision),
    ("Ответы авторов на запросы (уточнения)", AuthorReply),
    ("Комментарии", Comment),
    ("Размещения ответов", Publication),
    ("Сохранённые сроки завершённых инцидентов", StoredClocks),
    ("События журнала", AuditEvent),
    ("Дни производственного календаря", CalendarDay),
    ("Официальные страницы", OfficialPage),
    ("Публикации на страницах", PagePublication),
    ("Записи модерации", ModerationEntry),
    ("Чёрный список", BlacklistEntry),
]


@dataclass(frozen=True)
class DatabaseSummary:
    schema_version: int
    counts: list[tuple[str, int]]
    incidents_by_status: list[tuple[str, int]]


def summarize() -> DatabaseSummary:
    counts = [(label, model.select().count()) for label, model in COUNTED]
    rows = dict(
        Incident.select(Incident.status, fn.COUNT(Incident.id)).group_by(Incident.status).tuples()
    )
    by_status = [(STATUS_LABELS[s], rows.get(s.value, 0)) for s in IncidentStatus]
    return DatabaseSummary(current_version(), counts, by_status)
