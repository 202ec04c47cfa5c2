"""Shared helpers of the regulation-fidelity tests (issue 11): a Korenovsk world, one incident at a
time, and what a user would read off the card, the queue and the audit trail."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

from app.models import AuditEvent, Incident
from app.models.enums import AnswerKind, Priority
from app.services import incident_view, queue, workflow
from app.services.deadlines import Clock
from tests.helpers.world import MSK, World

LINK = "https://vk.com/wall-123456_{}"
TEXT = "На улице Красной третий день не горят фонари у дома 12, вечером идти страшно."
ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."
REQUEST = "Здравствуйте! Уточните, пожалуйста, номер дома или ближайший ориентир."


def local(moment: datetime | None) -> datetime | None:
    """A moment as the administration reads it (Moscow wall time, naive)."""
    return moment.astimezone(MSK).replace(tzinfo=None) if moment is not None else None


def minutes(value: timedelta) -> int:
    return int(value // timedelta(minutes=1))


def register(w: World, n: int = 1, *, priority: Priority = Priority.NORMAL, at: datetime | None = None,
             link: str | None = None) -> workflow.Ref:
    return workflow.register_incident(w.actor("kurator"), link=link or LINK.format(n), author="Ирина Ковалёва",
                                      text=TEXT, detected_at=at or w.clock.moment, priority=priority)


def route(w: World, ref: workflow.Ref, *units: str, **place: object) -> workflow.Ref:
    place = place or {"location_id": w.location_id}
    return workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units[u] for u in units or ("zhkh",)],
                          topic_id=w.topic_id, **place)


def draft(w: World, ref: workflow.Ref, login: str = "zhkh", kind: AnswerKind = AnswerKind.DRAFT,
          text: str = ANSWER) -> workflow.Ref:
    ref = workflow.save_draft(w.actor(login), ref.id, ref.version, text=text, kind=kind)
    return workflow.submit_answer(w.actor(login), ref.id, ref.version)


def request(w: World, ref: workflow.Ref, login: str = "zhkh", text: str = REQUEST) -> workflow.Ref:
    ref = workflow.save_request(w.actor(login), ref.id, ref.version, text=text)
    return workflow.submit_request(w.actor(login), ref.id, ref.version)


def clocks(w: World, incident_id: int, login: str = "kurator") -> tuple[Clock, ...]:
    """The clocks exactly as the card shows them to ``login`` now."""
    return incident_view.load_card(w.actor(login), incident_id).clocks


def the(found: list[Clock] | tuple[Clock, ...], code: str, title: str = "", subject: str = "") -> Clock:
    """The one clock of ``code`` (whose title contains ``title``, of unit ``subject``)."""
    hits = [c for c in found if c.code == code and title in c.title and (not subject or c.subject == subject)]
    assert len(hits) == 1, [(c.code, c.title, c.subject) for c in found]
    return hits[0]


def events(incident_id: int, action: str | None = None) -> list[AuditEvent]:
    query = AuditEvent.select().where(AuditEvent.incident == incident_id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(query.order_by(AuditEvent.id))


def payload(event: AuditEvent) -> dict:
    return json.loads(event.payload)


def timing(event: AuditEvent) -> tuple[int | None, int | None, bool | None]:
    return event.working_minutes, event.limit_minutes, event.within_limit


def clock_timing(c: Clock) -> tuple[int, int, bool]:
    """What the audit event of the step that ended ``c`` must say about it."""
    return minutes(c.worked), minutes(c.limit), c.state == "met"


def tab(w: World, preset: str, login: str = "kurator") -> set[int]:
    return {r.incident_id for r in queue.fetch_page(w.actor(login), queue.QueueFilter(preset=preset)).rows}


def row(w: World, incident_id: int, login: str = "kurator") -> queue.QueueRow:
    rows = [r for r in queue.fetch_page(w.actor(login), queue.QueueFilter(preset="all")).rows
            if r.incident_id == incident_id]
    assert len(rows) == 1
    return rows[0]


def snapshot(incident_id: int) -> tuple:
    """Everything an action could have written about the incident (to check that nothing was)."""
    from app.models import Answer, ApprovalDecision, Assignment, AuthorReply, Comment, Publication

    incident = Incident.get_by_id(incident_id)
    return (incident.version, incident.status, incident.request_state, incident.location_id, incident.no_location,
            incident.next_due_at, AuditEvent.select().count(), Answer.select().count(),
            ApprovalDecision.select().count(), Assignment.select().count(), Publication.select().count(),
            AuthorReply.select().count(), Comment.select().count(),
            [(a.id, a.state) for a in Assignment.select().order_by(Assignment.id)])
