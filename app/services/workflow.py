"""The incident workflow of Appendix 2: every user action on an incident, one call each.

Each action checks the actor's rights, checks that the incident is still at the version the
user loaded (optimistic locking), changes the state, and appends the audit event with the
working minutes the step took against its limit — all in one transaction. Events for the
notifications are published after the commit.
"""
from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import ParamSpec, TypeVar
from urllib.parse import urlsplit

from peewee import IntegrityError, Model, PostgresqlDatabase

from app.models import (
    Answer, AuditEvent, ApprovalDecision, Assignment, ClarificationRequest, Incident, Location, Publication,
    Topic, TopicGroup, Unit, User, db,
)
from app.models.enums import (
    ANSWER_KIND_LABELS, NO_ANSWER_REASON_LABELS, OPEN_STATUSES, PRIORITY_LABELS, RETURN_REASON_LABELS, STATUS_LABELS,
    AnswerKind, AnswerState, AssignmentState, IncidentKind, IncidentStatus, Network, NoAnswerReason,
    Priority, ReturnReason,
)
from app.services import audit, clock, clock_store, events, settings
from app.services.calendar_store import current_calendar
from app.services.errors import (
    ConflictError, InvalidTransition, NotFound, ValidationError,
)
from app.services.permissions import Actor, require_curator, require_executor_of

P = ParamSpec("P")
R = TypeVar("R")
MAX_TEXT = 100_000
ACTIVE_ASSIGNMENT = (AssignmentState.ASSIGNED, AssignmentState.CLARIFICATION, AssignmentState.CONTRIBUTED,
                     AssignmentState.ON_APPROVAL, AssignmentState.RETURNED, AssignmentState.APPROVED)
NETWORK_HOSTS = {
    "vk.com": Network.VK, "vk.ru": Network.VK, "m.vk.com": Network.VK, "m.vk.ru": Network.VK,
    "ok.ru": Network.OK, "m.ok.ru": Network.OK,
    "t.me": Network.TELEGRAM, "telegram.me": Network.TELEGRAM,
}
#: step limits the curator may set for the final-answer stage (clause 18)
STAGE_STEPS = ("competence_notice", "rerouting", "clarification", "approval", "revision", "publication")


@dataclass(frozen=True)
class Ref:
    """An incident and the version it has after the action (the UI keeps it for the next one)."""

    id: int
    version: int


class DuplicateIncident(ValidationError):
    def __init__(self, existing_id: int) -> None:
        super().__init__(f"Инцидент с этой ссылкой уже зарегистрирован: № {existing_id}")
        self.existing_id = existing_id


# --- helpers --------------------------------------------------------------------------------

def detect_network(link: str) -> Network:
    """The network of a post from its link: vk.com / vk.ru, ok.ru, t.me."""
    parts = urlsplit(link.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationError(f"Ссылка «{link[:80]}» не похожа на адрес сообщения (нужно https://…)")
    if host.startswith("www."):
        host = host[4:]
    network = NETWORK_HOSTS.get(host)
    if network is None:
        raise ValidationError(f"Ссылка ведёт на «{host}», а не во ВКонтакте, Одноклассники или Telegram")
    if not parts.path.strip("/"):
        raise ValidationError("Ссылка ведёт на главную страницу соцсети, а не на сообщение")
    return network


def _check_url(url: str, what: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(f"{what}: нужна ссылка вида https://…")
    return url


def _local(moment: datetime) -> str:
    return moment.astimezone(current_calendar().tz).strftime("%H:%M %d.%m.%Y")


def _returning() -> bool:
    """Whether the database can hand back the rows an UPDATE changed (SQLite 3.35+, PostgreSQL)."""
    return isinstance(db.obj, PostgresqlDatabase) or sqlite3.sqlite_version_info >= (3, 35, 0)


def _lock(incident_id: int, expected_version: int, actor: Actor) -> Incident:
    """Claim the next version of the incident and load it, or explain who changed it meanwhile.

    One statement when the version still matches: the UPDATE returns the row as it now is (the
    row is also locked for the rest of the transaction on PostgreSQL).
    """
    now = clock.now()
    claim = (Incident.update(version=Incident.version + 1, updated_at=now, updated_by=actor.user_id)
             .where((Incident.id == incident_id) & (Incident.version == expected_version)))
    if _returning():
        claimed = list(claim.returning(Incident).execute())
        if claimed:
            return claimed[0]
    elif claim.execute() == 1:
        return Incident.get(Incident.id == incident_id)
    incident = Incident.get_or_none(Incident.id == incident_id)
    if incident is None:
        raise NotFound(f"Инцидент № {incident_id} не найден")
    who = User.get_or_none(User.id == incident.updated_by_id)
    name = who.full_name if who else "другим пользователем"
    raise ConflictError(
        f"Инцидент изменён пользователем {name} в {_local(incident.updated_at)}; обновите карточку"
    )


def _save(row: Model) -> None:
    """Write only the columns the action changed.

    A full-row save would rewrite every column (the text and author too, which refreshes the
    search index for nothing) and put back values loaded before ``_lock`` changed the row.
    """
    changed = row.dirty_fields
    if changed:
        row.save(only=changed)


def _action(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a user action with the shared settings (zone, schedule revision, limits) read once."""
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with settings.snapshot():
            return fn(*args, **kwargs)
    return wrapper


def _require_status(incident: Incident, allowed: Iterable[IncidentStatus], what: str) -> None:
    if incident.status not in {s.value for s in allowed}:
        raise InvalidTransition(
            f"{what}: невозможно, инцидент в статусе «{STATUS_LABELS[IncidentStatus(incident.status)]}»"
        )


def _minutes(start: datetime, end: datetime) -> int:
    return int(current_calendar().working_time_between(start, end).total_seconds() // 60)


def _stage_limits(incident: Incident) -> dict[str, int]:
    return json.loads(incident.step_limits) if incident.step_limits else {}


def step_limit(incident: Incident, step: str) -> int:
    """The limit of a step in working minutes; in the final-answer stage the curator's own."""
    # the curator's own limits exist only once set (clause 18): without them no query is needed
    if incident.step_limits and (incident.status == IncidentStatus.INTERIM or _has_interim(incident)):
        own = _stage_limits(incident).get(step)
        if own:
            return int(own)
    return int(getattr(settings.limits(), step))


def _has_interim(incident: Incident) -> bool:
    return (Publication.select().join(Answer)
            .where((Publication.incident == incident.id) & (Answer.kind == AnswerKind.INTERIM)).exists())


def _timed(step: str, incident: Incident, start: datetime, end: datetime) -> dict[str, object]:
    limit = step_limit(incident, step)
    spent = _minutes(start, end)
    return {"working_minutes": spent, "limit_minutes": limit, "within_limit": spent <= limit}


def answer_deadline(detected_at: datetime, priority: str) -> datetime:
    """Clauses 9 and 17: 8 (or 4) working hours from detection."""
    limits = settings.limits()
    minutes = limits.answer_high if priority == Priority.HIGH else limits.answer
    calendar = current_calendar()
    start = calendar.next_working_moment(detected_at)
    return calendar.add_working_time(start, timedelta(minutes=minutes)).astimezone(timezone.utc)


def _active_assignments(incident_id: int) -> list[Assignment]:
    return list(Assignment.select().where((Assignment.incident == incident_id)
                                          & (Assignment.state.in_(ACTIVE_ASSIGNMENT))).order_by(Assignment.id))


def _my_assignment(actor: Actor, incident: Incident, what: str) -> tuple[Assignment, int | None]:
    """The actor's active assignment on the incident (own unit first) and whom they act for."""
    active = _active_assignments(incident.id)
    mine = [a for a in active if a.unit_id in actor.unit_ids]
    if not mine:
        if active:
            require_executor_of(actor, active[0].unit_id, what)  # raises the Russian message
        raise InvalidTransition(f"{what}: у инцидента нет действующего поручения")
    mine.sort(key=lambda a: (a.unit_id != actor.unit_id, a.id))
    chosen = mine[0]
    return chosen, require_executor_of(actor, chosen.unit_id, what)


def _text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(f"{what}: текст пустой")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"{what}: текст длиннее {MAX_TEXT:,} символов".replace(",", " "))
    return text


def _ev(kind: str, incident: Incident, message: str, *, units: Iterable[int] = (), curators: bool = False) -> events.Event:
    return events.Event(kind, incident.id, message, frozenset(units), curators)


# --- registration and triage ------------------------------------------------------------------

@_action
def register_incident(
    actor: Actor,
    *,
    link: str,
    author: str,
    text: str,
    detected_at: datetime,
    kind: IncidentKind = IncidentKind.INCIDENT,
    priority: Priority = Priority.NORMAL,
    author_link: str = "",
    external_id: str | None = None,
) -> Ref:
    """Register a message found by the monitoring platform or by the department's own search."""
    require_curator(actor, "Регистрация инцидента")
    network = detect_network(link)
    link = link.strip()
    author = (author or "").strip()
    if not author:
        raise ValidationError("Укажите автора сообщения")
    text = _text(text, "Сообщение")
    if detected_at.tzinfo is None:
        detected_at = detected_at.replace(tzinfo=current_calendar().tz)
    if detected_at > clock.now() + timedelta(minutes=5):
        raise ValidationError(f"Время выявления {_local(detected_at)} ещё не наступило")
    with db.atomic():
        existing = Incident.get_or_none(Incident.link == link)
        if existing:
            raise DuplicateIncident(existing.id)
        try:
            with db.atomic():
                incident = Incident.create(
                    network=network, link=link, author=author[:255], author_link=author_link[:1024], text=text,
                    detected_at=detected_at, registered_at=clock.now(), registered_by=actor.user_id,
                    external_id=external_id, updated_at=clock.now(),
                    kind=kind, priority=priority, status=IncidentStatus.NEW,
                    due_at=answer_deadline(detected_at, priority), updated_by=actor.user_id,
                )
        except IntegrityError:  # registered by another PC a moment ago
            raise DuplicateIncident(Incident.get(Incident.link == link).id) from None
        audit.record("incident.register", actor=actor.user_id, incident=incident,
                     entity="incident", entity_id=incident.id, to_state=IncidentStatus.NEW,
                     payload={"network": network, "priority": priority, "kind": kind})
    events.publish([_ev("registered", incident, f"Новый инцидент № {incident.id}", curators=True)])
    return Ref(incident.id, incident.version)


@_action
def route(
    actor: Actor,
    incident_id: int,
    expected_version: int,
    *,
    unit_ids: list[int],
    topic_id: int | None = None,
    topic_group_id: int | None = None,
    location_id: int | None = None,
    comment: str = "",
) -> Ref:
    """Clause 10 (and 11, 19): topic, location, and the unit(s) that prepare the answer.

    Routing again replaces the set of units: new ones get an assignment, dropped ones are
    cancelled. Several units make it a consolidated answer (clause 19).
    """
    require_curator(actor, "Направление инцидента")
    unit_ids = list(dict.fromkeys(unit_ids))
    if not unit_ids:
        raise ValidationError("Выберите хотя бы один отдел или учреждение")
    if topic_id is None and topic_group_id is None:
        raise ValidationError("Укажите тему или группу тем (п. 10)")
    events_out: list[events.Event] = []
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, OPEN_STATUSES, "Направление инцидента")
        units = {u.id: u for u in Unit.select().where(Unit.id.in_(unit_ids) & (Unit.is_active == True))}  # noqa: E712
        missing = [u for u in unit_ids if u not in units]
        if missing:
            raise NotFound(f"Отдел с номером {missing[0]} не найден или отключён")
        if topic_id is not None:
            topic = Topic.get_or_none(Topic.id == topic_id)
            if topic is None:
                raise NotFound(f"Тема с номером {topic_id} не найдена")
            incident.topic, incident.topic_group = topic.id, topic.group_id
        else:
            if TopicGroup.get_or_none(TopicGroup.id == topic_group_id) is None:
                raise NotFound(f"Группа тем с номером {topic_group_id} не найдена")
            incident.topic, incident.topic_group = None, topic_group_id
        if location_id is not None and Location.get_or_none(Location.id == location_id) is None:
            raise NotFound(f"Локация с номером {location_id} не найдена")
        incident.location = location_id
        now = clock.now()
        active = _active_assignments(incident.id)
        kept = {a.unit_id for a in active}
        for a in active:
            if a.unit_id not in unit_ids:
                a.state, a.closed_at = AssignmentState.CANCELLED, now
                _save(a)
        new_units = [u for u in unit_ids if u not in kept]
        for unit_id in new_units:
            Assignment.create(incident=incident, unit=unit_id, assigned_at=now, assigned_by=actor.user_id)
        if len(unit_ids) == 1:
            incident.consolidating_unit = unit_ids[0]
        elif incident.consolidating_unit_id not in unit_ids:
            incident.consolidating_unit = None  # the curator appoints it after the contributions
        old_status = incident.status
        if incident.status == IncidentStatus.NEW:
            incident.status = IncidentStatus.ROUTED
        first = incident.routed_at is None
        incident.routed_at = incident.routed_at or now
        _save(incident)
        # the clock: from detection (clause 10) or from the latest competence notice (clause 11)
        notice = (Assignment.select(Assignment.closed_at)
                  .where((Assignment.incident == incident.id) & (Assignment.state == AssignmentState.NOT_COMPETENT))
                  .order_by(Assignment.closed_at.desc()).first())
        if first or notice is None:
            step, start = "routing", current_calendar().next_working_moment(incident.detected_at)
        else:
            step, start = "rerouting", notice.closed_at
        audit.record("incident.route" if first else "incident.reroute", actor=actor.user_id,
                     incident=incident, from_state=old_status, to_state=incident.status, comment=comment,
                     payload={"units": [units[u].name for u in unit_ids], "added": [units[u].name for u in new_units],
                              "topic": incident.topic_id, "topic_group": incident.topic_group_id,
                              "location": location_id, "step": step},
                     **(_timed(step, incident, start, now) if new_units else {}))
        if new_units:
            events_out.append(_ev("assigned", incident, f"Вам направлен инцидент № {incident.id}", units=new_units))
    events.publish(events_out)
    return Ref(incident.id, incident.version)


@_action
def close_without_answer(actor: Actor, incident_id: int, expected_version: int, *,
                         reason: NoAnswerReason, comment: str = "") -> Ref:
    """Clause 21 (threats, harm, obscene or insulting words) or «not about the administration»."""
    require_curator(actor, "Закрытие без ответа")
    reason = NoAnswerReason(reason)
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, OPEN_STATUSES, "Закрытие без ответа")
        now = clock.now()
        old = incident.status
        incident.status, incident.no_answer_reason, incident.closed_at = IncidentStatus.NO_ANSWER, reason, now
        _save(incident)
        units = [a.unit_id for a in _active_assignments(incident.id)]
        Assignment.update(state=AssignmentState.CANCELLED, closed_at=now).where(
            (Assignment.incident == incident.id) & Assignment.state.in_(ACTIVE_ASSIGNMENT)).execute()
        audit.record("incident.no_answer", actor=actor.user_id, incident=incident,
                     from_state=old, to_state=IncidentStatus.NO_ANSWER,
                     comment=comment or NO_ANSWER_REASON_LABELS[reason], payload={"reason": reason})
        clock_store.remember([incident.id], now)  # its clocks are final now: the report reads them
    events.publish([_ev("closed", incident, f"Инцидент № {incident.id} закрыт без ответа", units=units)])
    return Ref(incident.id, incident.version)


@_action
def change_priority(actor: Actor, incident_id: int, expected_version: int, *, priority: Priority,
                    comment: str = "") -> Ref:
    """Clause 17: high priority halves the answer clock; the change is an audit event."""
    require_curator(actor, "Изменение важности")
    priority = Priority(priority)
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, OPEN_STATUSES, "Изменение важности")
        if incident.priority == priority:
            raise ValidationError(f"Важность уже «{PRIORITY_LABELS[priority]}»")
        old, old_due = incident.priority, incident.due_at
        incident.priority = priority
        if incident.status != IncidentStatus.INTERIM:
            incident.due_at = answer_deadline(incident.detected_at, priority)
        _save(incident)
        audit.record("incident.priority", actor=actor.user_id, incident=incident,
                     from_state=old, to_state=priority, comment=comment,
                     payload={"due_before": old_due, "due_after": incident.due_at})
    return Ref(incident.id, incident.version)


# --- executor: competence, clarification -----------------------------------------------------

@_action
def declare_not_competent(actor: Actor, incident_id: int, expected_version: int, *, reason: str) -> Ref:
    """Clause 11: the question is outside the unit's powers; the curator re-routes."""
    reason = _text(reason, "Причина")
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.ROUTED, IncidentStatus.CLARIFICATION), "Сообщение о некомпетентности")
        assignment, acting_for = _my_assignment(actor, incident, "Сообщение о некомпетентности")
        if Answer.select().where((Answer.assignment == assignment.id) & (Answer.state != AnswerState.EDITING)).exists():
            raise InvalidTransition("Сообщение о некомпетентности: проект ответа уже направлялся на согласование")
        now = clock.now()
        old_state = assignment.state
        assignment.state, assignment.closed_at, assignment.competence_reason = AssignmentState.NOT_COMPETENT, now, reason
        _save(assignment)
        old = incident.status
        if not _active_assignments(incident.id):
            incident.status = IncidentStatus.NEW
        _save(incident)
        audit.record("assignment.not_competent", actor=actor.user_id, acting_for=acting_for,
                     incident=incident, entity="assignment", entity_id=assignment.id,
                     from_state=old_state, to_state=AssignmentState.NOT_COMPETENT, comment=reason,
                     payload={"incident_from": old, "incident_to": incident.status, "unit": assignment.unit.name},
                     **_timed("competence_notice", incident, assignment.assigned_at, now))
    events.publish([_ev("not_competent", incident,
                        f"{assignment.unit.name}: инцидент № {incident.id} не в компетенции — перенаправьте",
                        curators=True)])
    return Ref(incident.id, incident.version)


@_action
def ask_clarification(actor: Actor, incident_id: int, expected_version: int, *, question: str) -> Ref:
    """Clause 13: the executor asks the curator what the question is."""
    question = _text(question, "Запрос")
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.ROUTED, IncidentStatus.RETURNED, IncidentStatus.INTERIM),
                        "Запрос (уточнение)")
        assignment, acting_for = _my_assignment(actor, incident, "Запрос (уточнение)")
        now = clock.now()
        request = ClarificationRequest.create(incident=incident, assignment=assignment, asked_by=actor.user_id,
                                              acting_for=acting_for, asked_at=now, question=question)
        old = incident.status
        incident.status = IncidentStatus.CLARIFICATION
        _save(incident)
        assignment.state = AssignmentState.CLARIFICATION
        _save(assignment)
        audit.record("clarification.ask", actor=actor.user_id, acting_for=acting_for,
                     incident=incident, entity="clarification", entity_id=request.id, from_state=old,
                     to_state=IncidentStatus.CLARIFICATION, comment=question,
                     **_timed("clarification", incident, assignment.assigned_at, now))
    events.publish([_ev("clarification_asked", incident, f"Запрос (уточнение) по инциденту № {incident.id}",
                        curators=True)])
    return Ref(incident.id, incident.version)


@_action
def reply_clarification(actor: Actor, incident_id: int, expected_version: int, *, reply: str) -> Ref:
    """Clause 14 applies to requests too: the curator answers within 30 minutes."""
    require_curator(actor, "Ответ на запрос")
    reply = _text(reply, "Ответ на запрос")
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.CLARIFICATION,), "Ответ на запрос")
        request = (ClarificationRequest.select().where((ClarificationRequest.incident == incident.id)
                   & ClarificationRequest.replied_at.is_null()).order_by(ClarificationRequest.id.desc()).first())
        if request is None:
            raise InvalidTransition("Ответ на запрос: открытых запросов нет")
        now = clock.now()
        request.reply, request.replied_by, request.replied_at = reply, actor.user_id, now
        _save(request)
        ask = audit_event_for(incident.id, "clarification.ask")
        back = IncidentStatus(ask.from_state) if ask and ask.from_state else IncidentStatus.ROUTED
        incident.status = back
        _save(incident)
        assignment = request.assignment
        if assignment is not None and assignment.state == AssignmentState.CLARIFICATION:
            assignment.state = AssignmentState.RETURNED if back == IncidentStatus.RETURNED else AssignmentState.ASSIGNED
            _save(assignment)
        audit.record("clarification.reply", actor=actor.user_id, incident=incident,
                     entity="clarification", entity_id=request.id, from_state=IncidentStatus.CLARIFICATION,
                     to_state=back, comment=reply, **_timed("approval", incident, request.asked_at, now))
    units = [assignment.unit_id] if assignment is not None else []
    events.publish([_ev("clarification_replied", incident, f"Куратор ответил на запрос по инциденту № {incident.id}",
                        units=units)])
    return Ref(incident.id, incident.version)


def audit_event_for(incident_id: int, action: str) -> AuditEvent | None:
    """The latest event of this kind on the incident."""
    return (AuditEvent.select().where((AuditEvent.incident == incident_id) & (AuditEvent.action == action))
            .order_by(AuditEvent.id.desc()).first())


# --- answers ------------------------------------------------------------------------------------

def _next_number(incident_id: int) -> int:
    last = Answer.select(Answer.number).where(Answer.incident == incident_id).order_by(Answer.number.desc()).first()
    return (last.number if last else 0) + 1


def allowed_answer_kinds(incident: Incident, assignment: Assignment) -> set[AnswerKind]:
    several = Assignment.select().where((Assignment.incident == incident.id)
                                        & Assignment.state.in_(ACTIVE_ASSIGNMENT)).count() > 1
    interim_published = _has_interim(incident)
    if interim_published:
        return {AnswerKind.FINAL}
    if several and incident.consolidating_unit_id != assignment.unit_id:
        return {AnswerKind.CONTRIBUTION}
    if several:
        return {AnswerKind.CONTRIBUTION, AnswerKind.CONSOLIDATED, AnswerKind.INTERIM}
    return {AnswerKind.DRAFT, AnswerKind.INTERIM}


@_action
def save_draft(actor: Actor, incident_id: int, expected_version: int, *, text: str,
               kind: AnswerKind = AnswerKind.DRAFT) -> Ref:
    """Save the answer being written: the open version is updated, or a new version begins."""
    kind = AnswerKind(kind)
    text = _text(text, "Ответ")
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.ROUTED, IncidentStatus.RETURNED, IncidentStatus.INTERIM,
                                   IncidentStatus.CLARIFICATION), "Сохранение ответа")
        assignment, acting_for = _my_assignment(actor, incident, "Сохранение ответа")
        allowed = allowed_answer_kinds(incident, assignment)
        if kind not in allowed:
            raise InvalidTransition("Сейчас можно готовить только: "
                                    + ", ".join(sorted(ANSWER_KIND_LABELS[k].lower() for k in allowed)))
        answer = (Answer.select().where((Answer.assignment == assignment.id) & (Answer.state == AnswerState.EDITING))
                  .order_by(Answer.number.desc()).first())
        if answer is None:
            answer = Answer.create(incident=incident, assignment=assignment, kind=kind, number=_next_number(incident.id),
                                   text=text, author=actor.user_id, acting_for=acting_for, created_at=clock.now())
            action = "answer.create"
        else:
            answer.text, answer.kind, answer.author, answer.acting_for = text, kind, actor.user_id, acting_for
            _save(answer)
            action = "answer.edit"
        _save(incident)
        audit.record(action, actor=actor.user_id, acting_for=acting_for, incident=incident,
                     entity="answer", entity_id=answer.id, payload={"number": answer.number, "kind": kind,
                                                                    "length": len(text)})
    return Ref(incident.id, incident.version)


@_action
def submit_answer(actor: Actor, incident_id: int, expected_version: int) -> Ref:
    """Clause 12 / 15 / 19: send the open version for approval (or a contribution to the curator)."""
    events_out: list[events.Event] = []
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.ROUTED, IncidentStatus.RETURNED, IncidentStatus.INTERIM),
                        "Направление на согласование")
        assignment, acting_for = _my_assignment(actor, incident, "Направление на согласование")
        answer = (Answer.select().where((Answer.assignment == assignment.id) & (Answer.state == AnswerState.EDITING))
                  .order_by(Answer.number.desc()).first())
        if answer is None:
            raise InvalidTransition("Направление на согласование: сначала сохраните текст ответа")
        now = clock.now()
        answer.submitted_at = now
        user = actor.user_id
        if answer.kind == AnswerKind.CONTRIBUTION:
            answer.state = AnswerState.SUBMITTED
            _save(answer)
            old = assignment.state
            assignment.state = AssignmentState.CONTRIBUTED
            _save(assignment)
            _save(incident)
            audit.record("answer.contribute", actor=user, acting_for=acting_for, incident=incident,
                         entity="answer", entity_id=answer.id, from_state=old, to_state=AssignmentState.CONTRIBUTED,
                         payload={"unit": assignment.unit.name},
                         **_timed("contribution", incident, assignment.assigned_at, now))
            events_out.append(_ev("contribution", incident, f"{assignment.unit.name}: информация для сводного ответа "
                                  f"по инциденту № {incident.id}", curators=True))
        else:
            previous_return = (Answer.select().where((Answer.incident == incident.id) & (Answer.state == AnswerState.RETURNED))
                               .order_by(Answer.number.desc()).first())
            answer.state = AnswerState.SUBMITTED
            _save(answer)
            old = incident.status
            incident.status = IncidentStatus.ON_APPROVAL
            _save(incident)
            assignment.state = AssignmentState.ON_APPROVAL
            _save(assignment)
            if old == IncidentStatus.RETURNED and previous_return is not None:
                decision = previous_return.decisions.order_by(ApprovalDecision.id.desc()).first()
                timing = _timed("revision", incident, decision.decided_at, now)
                step = "revision"
            else:
                # clause 12: no later than deadline − 3 working hours
                due = incident.due_at
                latest = current_calendar().add_working_time(
                    due, -timedelta(minutes=settings.limits().draft_before_deadline))
                spent = _minutes(assignment.assigned_at, now)
                timing = {"working_minutes": spent, "limit_minutes": _minutes(assignment.assigned_at, latest)
                          if latest > assignment.assigned_at else 0, "within_limit": now <= latest}
                step = "draft"
            audit.record("answer.submit", actor=user, acting_for=acting_for, incident=incident, entity="answer",
                         entity_id=answer.id, from_state=old, to_state=IncidentStatus.ON_APPROVAL,
                         payload={"number": answer.number, "kind": answer.kind, "step": step}, **timing)
            events_out.append(_ev("submitted", incident, f"Проект ответа по инциденту № {incident.id} ждёт согласования",
                                  curators=True))
    events.publish(events_out)
    return Ref(incident.id, incident.version)


@_action
def appoint_consolidator(actor: Actor, incident_id: int, expected_version: int, *, unit_id: int) -> Ref:
    """Clause 19: the curator names the unit that writes the consolidated answer."""
    require_curator(actor, "Назначение исполнителя сводного ответа")
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.ROUTED, IncidentStatus.RETURNED), "Назначение исполнителя сводного ответа")
        assignment = next((a for a in _active_assignments(incident.id) if a.unit_id == unit_id), None)
        if assignment is None:
            raise InvalidTransition("Сводный ответ может готовить только отдел, которому направлен инцидент")
        Assignment.update(is_consolidating=False).where(Assignment.incident == incident.id).execute()
        assignment.is_consolidating = True
        _save(assignment)
        incident.consolidating_unit = unit_id
        _save(incident)
        audit.record("incident.consolidator", actor=actor.user_id, incident=incident,
                     entity="assignment", entity_id=assignment.id, payload={"unit": assignment.unit.name})
    events.publish([_ev("assigned", incident, f"Подготовьте сводный ответ по инциденту № {incident.id}",
                        units=[unit_id])])
    return Ref(incident.id, incident.version)


def _submitted_answer(incident: Incident) -> Answer:
    answer = (Answer.select().where((Answer.incident == incident.id) & (Answer.state == AnswerState.SUBMITTED)
                                    & (Answer.kind != AnswerKind.CONTRIBUTION))
              .order_by(Answer.number.desc()).first())
    if answer is None:
        raise InvalidTransition("Нет проекта ответа, направленного на согласование")
    return answer


def _decide(actor: Actor, incident_id: int, expected_version: int, *, approved: bool,
            reasons: list[ReturnReason], comment: str) -> tuple[Incident, list[int]]:
    """Clause 14: record the curator's decision on the submitted version."""
    what = "Согласование" if approved else "Возврат на доработку"
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.ON_APPROVAL,), what)
        answer = _submitted_answer(incident)
        now = clock.now()
        ApprovalDecision.create(answer=answer, curator=actor.user_id, decided_at=now, approved=approved,
                                reasons=",".join(r.value for r in reasons), comment=comment)
        answer.state = AnswerState.APPROVED if approved else AnswerState.RETURNED
        _save(answer)
        incident.status = IncidentStatus.APPROVED if approved else IncidentStatus.RETURNED
        _save(incident)
        if answer.assignment_id:
            Assignment.update(state=AssignmentState.APPROVED if approved else AssignmentState.RETURNED).where(
                Assignment.id == answer.assignment_id).execute()
        payload: dict[str, object] = {"number": answer.number}
        if not approved:
            payload["reasons"] = [r.value for r in reasons]
        audit.record("answer.approve" if approved else "answer.return", actor=actor.user_id,
                     incident=incident, entity="answer", entity_id=answer.id, from_state=IncidentStatus.ON_APPROVAL,
                     to_state=incident.status, comment=comment, payload=payload,
                     **_timed("approval", incident, answer.submitted_at, now))
        units = [answer.assignment.unit_id] if answer.assignment_id else []
    return incident, units


@_action
def approve(actor: Actor, incident_id: int, expected_version: int, *, comment: str = "") -> Ref:
    """Clause 14: the curator approves the submitted draft; publication within 30 minutes follows."""
    require_curator(actor, "Согласование")
    incident, units = _decide(actor, incident_id, expected_version, approved=True, reasons=[], comment=comment)
    minutes = step_limit(incident, "publication")
    events.publish([_ev("approved", incident,
                        f"Ответ по инциденту № {incident.id} согласован — разместите в течение {minutes} мин",
                        units=units)])
    return Ref(incident.id, incident.version)


@_action
def return_for_revision(actor: Actor, incident_id: int, expected_version: int, *,
                        reasons: list[ReturnReason], comment: str = "") -> Ref:
    """Clause 14: return with one or more of the four reasons; revision within 1 hour (15)."""
    require_curator(actor, "Возврат на доработку")
    reasons = list(dict.fromkeys(ReturnReason(r) for r in reasons))
    if not reasons:
        raise ValidationError("Укажите хотя бы одну причину возврата (п. 14)")
    incident, units = _decide(actor, incident_id, expected_version, approved=False, reasons=reasons, comment=comment)
    labels = "; ".join(RETURN_REASON_LABELS[r] for r in reasons)
    events.publish([_ev("returned", incident, f"Проект ответа по инциденту № {incident.id} возвращён: {labels}",
                        units=units)])
    return Ref(incident.id, incident.version)


@_action
def save_and_resubmit(actor: Actor, incident_id: int, expected_version: int, *, text: str,
                      kind: AnswerKind = AnswerKind.DRAFT) -> Ref:
    """Convenience for clause 15: a new version after a return, sent for approval at once."""
    ref = save_draft(actor, incident_id, expected_version, text=text, kind=kind)
    return submit_answer(actor, ref.id, ref.version)


@_action
def publish(actor: Actor, incident_id: int, expected_version: int, *, url: str,
            published_at: datetime | None = None) -> Ref:
    """Clause 16: the executor records that the approved text is posted in the same network."""
    url = _check_url(url, "Ссылка на размещённый ответ")
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.APPROVED,), "Размещение ответа")
        answer = (Answer.select().where((Answer.incident == incident.id) & (Answer.state == AnswerState.APPROVED))
                  .order_by(Answer.number.desc()).first())
        if answer is None:
            raise InvalidTransition("Размещение ответа: нет согласованного текста")
        acting_for = require_executor_of(actor, answer.assignment.unit_id, "Размещение ответа") \
            if answer.assignment_id else None
        now = clock.now()
        when = (published_at or now)
        if when.tzinfo is None:
            when = when.replace(tzinfo=current_calendar().tz)
        if when > now + timedelta(minutes=1):
            raise ValidationError("Время размещения не может быть в будущем")
        approved_at = answer.decisions.where(ApprovalDecision.approved == True).order_by(  # noqa: E712
            ApprovalDecision.id.desc()).first().decided_at
        if when < approved_at:
            raise ValidationError("Время размещения раньше согласования ответа")
        Publication.create(answer=answer, incident=incident, published_by=actor.user_id, acting_for=acting_for,
                           published_at=when, url=url)
        answer.state = AnswerState.PUBLISHED
        _save(answer)
        old = incident.status
        overall_due = incident.due_at
        if answer.kind == AnswerKind.INTERIM:
            incident.status = IncidentStatus.INTERIM
            incident.due_at = current_calendar().add_working_days(
                when, settings.limits().final_answer_days).astimezone(timezone.utc)
            if answer.assignment_id:
                Assignment.update(state=AssignmentState.ASSIGNED).where(Assignment.id == answer.assignment_id).execute()
        else:
            incident.status, incident.closed_at = IncidentStatus.ANSWERED, when
            Assignment.update(state=AssignmentState.DONE, closed_at=when).where(
                (Assignment.incident == incident.id) & Assignment.state.in_(ACTIVE_ASSIGNMENT)).execute()
        _save(incident)
        audit.record("answer.publish", actor=actor.user_id, acting_for=acting_for, incident=incident,
                     entity="answer", entity_id=answer.id, from_state=old, to_state=incident.status,
                     payload={"url": url, "kind": answer.kind, "answer_due": overall_due,
                              "answer_in_time": when <= overall_due if overall_due else None},
                     **_timed("publication", incident, approved_at, when))
        if incident.status == IncidentStatus.ANSWERED:
            clock_store.remember([incident.id], now)  # its clocks are final now: the report reads them
    events.publish([_ev("published", incident, f"Ответ по инциденту № {incident.id} размещён", curators=True)])
    return Ref(incident.id, incident.version)


@_action
def set_stage_limits(actor: Actor, incident_id: int, expected_version: int, *, limits: dict[str, int],
                     comment: str = "") -> Ref:
    """Clause 18: after an interim answer the curator sets the limits of steps 11–16."""
    require_curator(actor, "Сроки этапа окончательного ответа")
    unknown = [k for k in limits if k not in STAGE_STEPS]
    if unknown:
        raise ValidationError(f"Неизвестный этап «{unknown[0]}»")
    if any(not isinstance(v, int) or v <= 0 for v in limits.values()):
        raise ValidationError("Срок этапа — целое положительное число минут")
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.INTERIM,), "Сроки этапа окончательного ответа")
        old = _stage_limits(incident)
        incident.step_limits = json.dumps({**old, **limits}, sort_keys=True)
        _save(incident)
        audit.record("incident.stage_limits", actor=actor.user_id, incident=incident,
                     comment=comment, payload={"old": old, "new": json.loads(incident.step_limits)})
    return Ref(incident.id, incident.version)



MAX_ATTACHMENT = 50 * 1024 * 1024


@_action
def add_attachment(actor: Actor, incident_id: int, expected_version: int, *, filename: str, data: bytes,
                   mime_type: str = "application/octet-stream") -> Ref:
    """Clause 20: a photo or video that confirms the answer, kept with the version being written."""
    from app.models import Attachment

    if not data:
        raise ValidationError(f"Файл «{filename}» пустой")
    if len(data) > MAX_ATTACHMENT:
        raise ValidationError(f"Файл «{filename}» больше 50 МБ")
    with db.atomic():
        incident = _lock(incident_id, expected_version, actor)
        assignment, acting_for = _my_assignment(actor, incident, "Вложение")
        answer = (Answer.select().where((Answer.assignment == assignment.id) & (Answer.state == AnswerState.EDITING))
                  .order_by(Answer.number.desc()).first())
        if answer is None:
            raise InvalidTransition("Вложение: сначала сохраните текст ответа")
        att = Attachment.create(answer=answer, filename=filename[:255], mime_type=mime_type, size=len(data), data=data)
        _save(incident)
        audit.record("answer.attach", actor=actor.user_id, acting_for=acting_for, incident=incident,
                     entity="attachment", entity_id=att.id, payload={"file": filename, "size": len(data)})
    return Ref(incident.id, incident.version)
