"""The incident workflow of Appendix 2: every user action on an incident, one call each.

Each action checks the actor's rights, checks that the incident is still at the version the
user loaded (optimistic locking), changes the state, and appends the audit event with the
working minutes the step took against its limit — all in one transaction. The minutes come
from the incident's clocks as ``deadlines`` computes them right after the change, so the audit
trail, the card and the report judge every step by the same clock. Events for the
notifications are published after the commit.
"""
from __future__ import annotations

import contextlib
import functools
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import ParamSpec, TypeVar
from urllib.parse import parse_qs, urlsplit

from peewee import Expression, IntegrityError, Model, PostgresqlDatabase

from app.models import (
    Answer, ApprovalDecision, Assignment, AuditEvent, AuthorReply, Comment, Incident, Location, Publication, Topic,
    TopicGroup, Unit, User, db,
)
from app.models.enums import (
    ANSWER_KIND_LABELS, ANSWERING_KINDS, NETWORK_LABELS, NO_ANSWER_REASON_LABELS, OPEN_STATUSES, PRIORITY_LABELS,
    RETURN_REASON_LABELS, STATUS_LABELS, AnswerKind, AnswerState, AssignmentState, CommentKind, IncidentKind,
    IncidentStatus, Network, NoAnswerReason, Priority, RequestState, ReturnReason, Role,
)
from app.services import (answer_checks, audit, clock, clock_store, due_index, events, permissions, prepared,
                          settings, transactions, validation)
from app.services.calendar_store import current_calendar
from app.services.links import NETWORK_HOSTS, link_key
from app.services.pages import linking as page_linking
from app.services.deadlines import STAGE_STEPS, Clock, ClockState, clocks_of_held
from app.services.errors import (
    ConflictError, InvalidTransition, NotFound, PermissionDenied, ValidationError,
)
from app.services.permissions import Actor, require_curator, require_executor_of

P = ParamSpec("P")
R = TypeVar("R")
MAX_TEXT = validation.MAX_TEXT
ACTIVE_ASSIGNMENT = (AssignmentState.ASSIGNED, AssignmentState.CONTRIBUTED,
                     AssignmentState.ON_APPROVAL, AssignmentState.RETURNED, AssignmentState.APPROVED)
#: re-exported: the steps the curator may time in the final-answer stage; the networks' hosts and
#: the key that finds one message however its link is written (``app.services.links``)
__all__ = ["NETWORK_HOSTS", "STAGE_STEPS", "link_key"]


@dataclass(frozen=True)
class Ref:
    """An incident and the version it has after the action (the UI keeps it for the next one)."""

    id: int
    version: int


class DuplicateIncident(ValidationError):
    """The message is already registered: the same link, or the same post written another way."""

    def __init__(self, existing_id: int, existing_link: str = "", link: str = "") -> None:
        if existing_link and link and existing_link != link:
            message = (f"Это сообщение уже зарегистрировано: инцидент № {existing_id} "
                       f"(та же запись соцсети, ссылка в базе: {existing_link})")
        else:
            message = f"Инцидент с этой ссылкой уже зарегистрирован: № {existing_id}"
        super().__init__(message)
        self.existing_id = existing_id
        self.existing_link = existing_link


class OtherPostLink(ValidationError):
    """Clause 16: the link leads to another post of the incident's network; the user must confirm."""


# --- helpers --------------------------------------------------------------------------------

def detect_network(link: str) -> Network:
    """The network of a post from its link: vk.com / vk.ru, ok.ru, t.me."""
    link = validation.link(link, "Ссылка на сообщение")
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    network = NETWORK_HOSTS.get(host)
    if network is None:
        raise ValidationError(f"Ссылка ведёт на «{host}», а не во ВКонтакте, Одноклассники или Telegram")
    if not parts.path.strip("/"):
        raise ValidationError("Ссылка ведёт на главную страницу соцсети, а не на сообщение")
    return network


_VK_POST = re.compile(r"wall-?\d+_\d+")


def _post_key(link: str) -> str:
    """What identifies a post within its network: a VK «wall…» id wherever it is written; a Telegram
    message's thread (a reply in a chat is a message of its own, ``…/16?thread=15``); else the path."""
    parts = urlsplit(link.strip())
    query = parse_qs(parts.query)
    found = _VK_POST.search(parts.path) or next(
        (m for values in query.values() for v in values for m in [_VK_POST.search(v)] if m), None)
    if found:
        return found.group(0)
    path = parts.path.rstrip("/").lower()
    thread = query.get("thread", [""])[0]
    if thread.isdigit() and NETWORK_HOSTS.get((parts.hostname or "").lower().removeprefix("www.")) == Network.TELEGRAM:
        path = path.rsplit("/", 1)[0] + "/" + thread
    return path


def same_post(incident_link: str, url: str) -> bool:
    """Whether ``url`` points into the incident's own post (a reply or comment under it)."""
    return _post_key(incident_link) == _post_key(url)


def _posted_link(incident: Incident, url: str, confirmed: bool, what: str) -> tuple[str, bool]:
    """Clause 16: the text is posted in the network of the incident — under the incident itself,
    or, confirmed by the user, in another post of that network. Returns the link and whether it
    is another post."""
    url = validation.link(url, what)
    try:
        network = detect_network(url)
    except ValidationError as error:
        raise ValidationError(f"{what}: {error} (п. 16: размещается в той соцсети, где размещён инцидент)") from None
    if network != incident.network:
        raise ValidationError(
            f"{what}: ссылка ведёт в {NETWORK_LABELS[network]}, а инцидент размещён в "
            f"{NETWORK_LABELS[Network(incident.network)]} — по п. 16 текст размещается в той же соцсети, "
            "где размещён инцидент")
    other = not same_post(incident.link, url)
    if other and not confirmed:
        raise OtherPostLink(
            f"{what}: ссылка ведёт на другую запись {NETWORK_LABELS[network]}, а не на сообщение автора. "
            "Подтвердите, что текст размещён там намеренно — это будет отмечено в истории")
    return url, other


def _local(moment: datetime) -> str:
    return moment.astimezone(current_calendar().tz).strftime("%H:%M %d.%m.%Y")


def _returning() -> bool:
    """Whether the database can hand back the rows an UPDATE changed (SQLite 3.35+, PostgreSQL)."""
    return isinstance(db.obj, PostgresqlDatabase) or sqlite3.sqlite_version_info >= (3, 35, 0)


def _lock(incident_id: int, expected_version: int, actor: Actor) -> Incident:
    """Claim the next version of the incident and load it, or explain who changed it meanwhile.

    On PostgreSQL the row is read and locked for the rest of the transaction (``SELECT … FOR UPDATE``:
    the rows an UPDATE would pass, and no other session's change in between) and its new version is
    written with the action's other changes of the row, in one UPDATE at the action's end
    (:func:`_save`): every UPDATE of the row costs the server its triggers, the record of the change
    and an entry in each index. On SQLite one UPDATE claims the version and returns the row (the
    write lock is taken at once, as it must be there); the rest of the action's changes of the row
    are written at its end as well.
    """
    now = clock.now()
    if isinstance(db.obj, PostgresqlDatabase):
        held = prepared.first("workflow.lock", lambda i: Incident.select().where(Incident.id == i).for_update()
                              .limit(1), incident_id)
        if held is not None and held.version == expected_version:
            held.version, held.updated_at, held.updated_by = expected_version + 1, now, actor.user_id
            _held_rows().append(held)
            return held
    else:
        claim = (Incident.update(version=Incident.version + 1, updated_at=now, updated_by=actor.user_id)
                 .where((Incident.id == incident_id) & (Incident.version == expected_version)))
        claimed: Incident | None = None
        if _returning():
            claimed = next(iter(claim.returning(Incident).execute()), None)
        elif claim.execute() == 1:
            claimed = Incident.get(Incident.id == incident_id)
        if claimed is not None:
            _held_rows().append(claimed)  # the action's other changes of the row: one UPDATE at its end
            return claimed
    incident = Incident.get_or_none(Incident.id == incident_id)
    if incident is None:
        raise NotFound(f"Инцидент № {incident_id} не найден")
    who = User.get_or_none(User.id == incident.updated_by_id)
    name = who.full_name if who else "другим пользователем"
    raise ConflictError(
        f"Инцидент изменён пользователем {name} в {_local(incident.updated_at)}; обновите карточку"
    )


_held = threading.local()


def _held_rows() -> list[Incident]:
    """The incident rows the running action has locked and writes at its end (see :func:`_lock`)."""
    stack = getattr(_held, "stack", None)
    if not stack:  # outside an action (never in this module's own use): nothing to put off
        return []
    return stack[-1]


@contextlib.contextmanager
def _writing_held_rows_at_the_end() -> Iterator[None]:
    """The action's own list of held rows; when its work is done, each is written once (what it changed
    of the row, with the new version). On an error nothing is written: the transaction is undone."""
    stack = _held.__dict__.setdefault("stack", [])
    stack.append([])
    try:
        yield
        for row in stack[-1]:
            _write(row)
    finally:
        stack.pop()


def _write(row: Model) -> None:
    changed = row.dirty_fields
    if changed:
        row.save(only=changed)


def _save(row: Model) -> None:
    """Write only the columns the action changed — an incident the action holds (:func:`_lock`) at the
    action's end.

    A full-row save would rewrite every column (the text and author too, which refreshes the
    search index for nothing) and put back values loaded before ``_lock`` changed the row.
    """
    if isinstance(row, Incident) and any(row is held for held in _held_rows()):
        return
    _write(row)


def _action(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a user action as one transaction (``transactions.run``: its events go out with it, a transient
    failure is tried again) with the shared settings (zone, schedule revision, limits) read once, and with
    the acting user's rights as the administrator has them now (``permissions.current``)."""
    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        def attempt() -> R:
            call_args = args
            if call_args and isinstance(call_args[0], Actor):
                call_args = (permissions.current(call_args[0]), *call_args[1:])  # type: ignore[assignment]
            with settings.snapshot(), _writing_held_rows_at_the_end():
                return fn(*call_args, **kwargs)
        return transactions.run(attempt)
    return wrapper


def _require_status(incident: Incident, allowed: Iterable[IncidentStatus], what: str) -> None:
    if incident.status not in {s.value for s in allowed}:
        raise InvalidTransition(
            f"{what}: невозможно, инцидент в статусе «{STATUS_LABELS[IncidentStatus(incident.status)]}»"
        )


def _stage_limits(incident: Incident) -> dict[str, int]:
    return json.loads(incident.step_limits) if incident.step_limits else {}


def step_limit(incident: Incident, step: str) -> int:
    """The limit of a step in working minutes; in the final-answer stage the curator's own."""
    # the curator's own limits exist only once set (clause 18): without them no query is needed
    if incident.step_limits and _has_interim(incident):
        own = _stage_limits(incident).get(step)
        if isinstance(own, int) and own:
            return int(own)
    if step == "final_draft":  # without the curator's own limit: 3 working hours before the final answer
        return int(settings.limits().draft_before_deadline)
    return int(getattr(settings.limits(), step))


def _has_interim(incident: Incident) -> bool:
    return (Publication.select().join(Answer)
            .where((Publication.incident == incident.id) & (Answer.kind == AnswerKind.INTERIM)).exists())


def _settle(incident: Incident, now: datetime) -> list[Clock]:
    """The incident's clocks right after the action (read inside its transaction); keeps the
    incident's next-due columns (``due_index``) in step with them."""
    clocks = clocks_of_held(incident, now, explanations=False)
    values = due_index.columns(clocks)
    if (incident.next_due_at, incident.next_due_code) != (values["next_due_at"], values["next_due_code"]):
        incident.next_due_at, incident.next_due_code = values["next_due_at"], values["next_due_code"]
        _save(incident)
    return clocks


def _timing(clocks: list[Clock], codes: Iterable[str], ended: datetime, subject: str | None = None) -> dict[str, object]:
    """The audit fields of the step the action ended: the clock of the first of ``codes`` that
    ended at ``ended`` (of ``subject``'s unit where the clock is a unit's)."""
    ended = ended.replace(microsecond=0)
    for code in codes:
        for c in clocks:
            if c.code == code and c.ended_at == ended and (subject is None or not c.subject or c.subject == subject):
                minute = timedelta(minutes=1)
                return {"working_minutes": int(c.worked // minute), "limit_minutes": max(0, int(c.limit // minute)),
                        "within_limit": c.state == ClockState.MET}
    return {}


def answer_deadline(detected_at: datetime, priority: str) -> datetime:
    """Clauses 9 and 17: 8 (or 4) working hours from detection."""
    limits = settings.limits()
    minutes = limits.answer_high if priority == Priority.HIGH else limits.answer
    calendar = current_calendar()
    start = calendar.next_working_moment(detected_at)
    return calendar.add_working_time(start, timedelta(minutes=minutes)).astimezone(timezone.utc)


def _active_assignments(incident_id: int) -> list[Assignment]:
    return list(prepared.rows("workflow.active_assignments", lambda i: Assignment.select().where(
        (Assignment.incident == i) & (Assignment.state.in_(ACTIVE_ASSIGNMENT))).order_by(Assignment.id), incident_id))


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


E = TypeVar("E", bound=StrEnum)


def _code(kind: type[E], value: object, what: str) -> E:
    """A code chosen from a list (a reason, a priority): an unknown one is refused in Russian."""
    try:
        return kind(value)
    except ValueError:
        raise ValidationError(f"{what}: неизвестное значение «{_shown(value)}»") from None


def _shown(value: object) -> str:
    """A refused value as a message may quote it: short, and without characters that cannot be shown."""
    return "".join(ch for ch in str(value)[:40] if ch.isprintable())


def _text(text: str, what: str, limit: int = validation.MAX_TEXT) -> str:
    return validation.text(text, what, limit=limit)


def _comment(text: str | None, what: str) -> str:
    return validation.text(text, what, limit=validation.MAX_COMMENT, required=False)


def _ev(kind: str, incident: Incident, message: str, *, units: Iterable[int] = (), curators: bool = False,
        responsible: bool = False) -> events.Event:
    return events.Event(kind, incident.id, message, frozenset(units), curators, responsible)


def _latest_version(incident_id: int, *, request: bool, assignment_ids: Iterable[int] | None = None) -> Answer | None:
    """The newest answer version (``request=False``) or clarification request of the incident."""
    query = Answer.select().where((Answer.incident == incident_id)
                                  & (Answer.kind == AnswerKind.REQUEST if request
                                     else Answer.kind.in_([k.value for k in ANSWERING_KINDS])))
    if assignment_ids is not None:
        query = query.where(Answer.assignment.in_(list(assignment_ids)))
    return query.order_by(Answer.number.desc()).first()


def _resting_status(incident: Incident) -> IncidentStatus:
    """The status of an incident with nothing on approval: where the work on it stands."""
    active = _active_assignments(incident.id)
    interim = _has_interim(incident)
    if not active:
        # no unit works on it (a clause-11 notice, also in the final-answer stage): the curator routes it again
        return IncidentStatus.NEW
    if incident.request_state == RequestState.WAITING:
        return IncidentStatus.CLARIFICATION
    if incident.request_state == RequestState.RETURNED:
        return IncidentStatus.RETURNED
    latest = _latest_version(incident.id, request=False, assignment_ids=[a.id for a in active]) if active else None
    if latest is not None and latest.state == AnswerState.RETURNED:
        return IncidentStatus.RETURNED
    return IncidentStatus.INTERIM if interim else IncidentStatus.ROUTED


# --- registration and triage ------------------------------------------------------------------

def registered_message(link: str, key: str | None = None) -> Incident | None:
    """The incident already registered for the message this link points to: the same link as given,
    or the same post written another way (the same :func:`link_key`); the earliest if several."""
    link = link.strip()
    key = link_key(link) if key is None else key
    return (Incident.select(Incident.id, Incident.link)
            .where((Incident.link_key == key) | (Incident.link == link))
            .order_by(Incident.id).first())


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
    author = validation.text(author, "Автор сообщения", limit=validation.MAX_LINE, required=False)
    if not author:
        raise ValidationError("Укажите автора сообщения")
    author_link = validation.link(author_link, "Ссылка на автора", required=False)
    external_id = validation.text(external_id, "Номер в платформе мониторинга", limit=128, required=False) or None
    text = _text(text, "Сообщение")
    kind, priority = _code(IncidentKind, kind, "Вид сообщения"), _code(Priority, priority, "Важность")
    now = clock.now()
    detected_at = validation.moment(detected_at, "Время выявления", zone=current_calendar().tz, now=now)
    key = link_key(link)
    with transactions.atomic():
        existing = registered_message(link, key)
        if existing:
            raise DuplicateIncident(existing.id, existing.link, link)
        try:
            with db.atomic():  # a savepoint: after a refused insert the transaction goes on (to name the other)
                incident = Incident.create(
                    network=network, link=link, link_key=key, page=page_linking.matcher(db.obj).page_of(link),
                    author=author, author_link=author_link, text=text,
                    detected_at=detected_at, registered_at=now, registered_by=actor.user_id,
                    external_id=external_id, updated_at=now,
                    kind=kind, priority=priority, status=IncidentStatus.NEW,
                    due_at=answer_deadline(detected_at, priority), updated_by=actor.user_id,
                )
        except IntegrityError:  # registered by another PC a moment ago (the link or its key is unique)
            other = registered_message(link, key)
            if other is None:
                raise
            raise DuplicateIncident(other.id, other.link, link) from None
        _settle(incident, now)
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
    no_location: bool = False,
    comment: str = "",
) -> Ref:
    """Clause 10 (and 11, 19): topic, location, and the unit(s) that prepare the answer.

    The location is a decision: a place from the list, or «без привязки к месту» (``no_location``)
    when the message names none. Routing again replaces the set of units: new ones get an
    assignment, dropped ones are cancelled; it keeps the earlier location decision unless a new
    one is given. Several units make it a consolidated answer (clause 19). While a version is on
    approval or approved for posting, re-routing is refused: the curator first returns it with
    the reason «переадресация» (clause 14).
    """
    require_curator(actor, "Направление инцидента")
    unit_ids = list(dict.fromkeys(unit_ids))
    if not unit_ids:
        raise ValidationError("Выберите хотя бы один отдел или учреждение")
    if topic_id is None and topic_group_id is None:
        raise ValidationError("Укажите тему или группу тем (п. 10)")
    if location_id is not None and no_location:
        raise ValidationError("Укажите место или «без привязки к месту», но не то и другое")
    comment = _comment(comment, "Комментарий")
    events_out: list[events.Event] = []
    with transactions.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, OPEN_STATUSES, "Направление инцидента")
        request_pending = incident.request_state in (RequestState.SUBMITTED, RequestState.APPROVED)
        if incident.status == IncidentStatus.ON_APPROVAL:
            what = "запрос (уточнение)" if request_pending else "проект ответа"
            raise InvalidTransition(
                f"Перенаправление невозможно: {what} на согласовании. Сначала верните его на доработку с причиной "
                "«Переадресация в другое подведомственное учреждение» (п. 14), затем перенаправьте")
        if incident.status == IncidentStatus.APPROVED:
            # an approved text can no longer be returned (clause 14 is over): it is posted by its unit
            raise InvalidTransition(
                "Перенаправление невозможно: запрос (уточнение) согласован и ждёт размещения (п. 16) — "
                "перенаправьте инцидент после его размещения" if request_pending else
                "Перенаправление невозможно: ответ согласован и ждёт размещения (п. 16) — его размещает "
                "исполнитель, подготовивший ответ")
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
        if location_id is not None:
            if Location.get_or_none(Location.id == location_id) is None:
                raise NotFound(f"Локация с номером {location_id} не найдена")
            incident.location, incident.no_location = location_id, False
        elif no_location:
            incident.location, incident.no_location = None, True
        elif incident.location_id is None and not incident.no_location:
            raise ValidationError("Укажите место, о котором сообщение, или отметьте «без привязки к месту» (п. 10)")
        now = clock.now()
        active = _active_assignments(incident.id)
        kept = {a.unit_id for a in active}
        dropped = [a for a in active if a.unit_id not in unit_ids]
        for a in dropped:
            a.state, a.closed_at = AssignmentState.CANCELLED, now
            _save(a)
        new_units = [u for u in unit_ids if u not in kept]
        for unit_id in new_units:
            Assignment.create(incident=incident, unit=unit_id, assigned_at=now, assigned_by=actor.user_id)
        if len(unit_ids) == 1:
            incident.consolidating_unit = unit_ids[0]
        elif incident.consolidating_unit_id not in unit_ids:
            incident.consolidating_unit = None  # the curator appoints it after the contributions
        if incident.request_state == RequestState.RETURNED:
            returned = _latest_version(incident.id, request=True)
            if returned is not None and returned.assignment_id in {a.id for a in dropped}:
                incident.request_state = None  # the unit that asked is no longer on the incident
        old_status = incident.status
        first = incident.routed_at is None
        incident.routed_at = incident.routed_at or now
        incident.status = _resting_status(incident)
        _save(incident)
        clocks = _settle(incident, now)
        # the clock: from detection (clause 10) or from the latest competence notice (clause 11)
        step = "routing" if first else "rerouting"
        audit.record("incident.route" if first else "incident.reroute", actor=actor.user_id,
                     incident=incident, from_state=old_status, to_state=incident.status, comment=comment,
                     payload={"units": [units[u].name for u in unit_ids], "added": [units[u].name for u in new_units],
                              "removed": [a.unit.name for a in dropped],
                              "topic": incident.topic_id, "topic_group": incident.topic_group_id,
                              "location": incident.location_id, "no_location": incident.no_location, "step": step},
                     **(_timing(clocks, (step,), now) if new_units else {}))
        if new_units:
            events_out.append(_ev("assigned", incident, f"Вам направлен инцидент № {incident.id}", units=new_units))
    events.publish(events_out)
    return Ref(incident.id, incident.version)


@_action
def close_without_answer(actor: Actor, incident_id: int, expected_version: int, *,
                         reason: NoAnswerReason, comment: str = "") -> Ref:
    """Clause 21 (intent to harm, obscene or insulting words, threats to an official or their
    family) — or, on a line of its own, a message that is not about the administration at all
    and so is not an incident (clause 2)."""
    require_curator(actor, "Закрытие без ответа")
    reason = _code(NoAnswerReason, reason, "Причина закрытия без ответа")
    comment = _comment(comment, "Комментарий")
    not_ours = reason == NoAnswerReason.NOT_ABOUT_ADMINISTRATION
    with transactions.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, OPEN_STATUSES, "Закрытие без ответа")
        now = clock.now()
        old = incident.status
        incident.status, incident.no_answer_reason, incident.closed_at = IncidentStatus.NO_ANSWER, reason, now
        incident.request_state = None
        units = [a.unit_id for a in _active_assignments(incident.id)]
        Assignment.update(state=AssignmentState.CANCELLED, closed_at=now).where(
            (Assignment.incident == incident.id) & Assignment.state.in_(ACTIVE_ASSIGNMENT)).execute()
        _save(incident)
        clocks = _settle(incident, now)
        audit.record("incident.not_ours" if not_ours else "incident.no_answer", actor=actor.user_id,
                     incident=incident, from_state=old, to_state=IncidentStatus.NO_ANSWER,
                     comment=comment or NO_ANSWER_REASON_LABELS[reason], payload={"reason": reason})
        clock_store.remember_computed(incident.id, incident.version, clocks)  # final now: the report reads them
    events.publish([_ev("closed", incident, f"Инцидент № {incident.id} закрыт без ответа", units=units)])
    return Ref(incident.id, incident.version)


@_action
def change_priority(actor: Actor, incident_id: int, expected_version: int, *, priority: Priority,
                    comment: str = "") -> Ref:
    """Clause 17: high priority halves the answer clock; the change is an audit event."""
    require_curator(actor, "Изменение важности")
    priority = _code(Priority, priority, "Важность")
    comment = _comment(comment, "Комментарий")
    with transactions.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, OPEN_STATUSES, "Изменение важности")
        if incident.priority == priority:
            raise ValidationError(f"Важность уже «{PRIORITY_LABELS[priority]}»")
        old, old_due = incident.priority, incident.due_at
        incident.priority = priority
        if not _has_interim(incident):
            incident.due_at = answer_deadline(incident.detected_at, priority)
        _save(incident)
        _settle(incident, clock.now())
        audit.record("incident.priority", actor=actor.user_id, incident=incident,
                     from_state=old, to_state=priority, comment=comment,
                     payload={"due_before": old_due, "due_after": incident.due_at})
    return Ref(incident.id, incident.version)


# --- executor: competence -----------------------------------------------------------------------

@_action
def declare_not_competent(actor: Actor, incident_id: int, expected_version: int, *, reason: str) -> Ref:
    """Clause 11: the question is outside the unit's powers; the curator re-routes."""
    reason = _comment(reason, "Причина")
    if not reason:
        raise ValidationError("Причина: текст пустой")
    with transactions.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.ROUTED, IncidentStatus.CLARIFICATION, IncidentStatus.INTERIM),
                        "Сообщение о некомпетентности")
        assignment, acting_for = _my_assignment(actor, incident, "Сообщение о некомпетентности")
        sent = Answer.select().where((Answer.assignment == assignment.id) & (Answer.state != AnswerState.EDITING)
                                     & Answer.kind.in_([k.value for k in ANSWERING_KINDS]))
        if sent.exists():
            raise InvalidTransition("Сообщение о некомпетентности: проект ответа уже направлялся на согласование")
        now = clock.now()
        old_state = assignment.state
        assignment.state, assignment.closed_at, assignment.competence_reason = AssignmentState.NOT_COMPETENT, now, reason
        _save(assignment)
        old = incident.status
        incident.status = _resting_status(incident)
        _save(incident)
        clocks = _settle(incident, now)
        audit.record("assignment.not_competent", actor=actor.user_id, acting_for=acting_for,
                     incident=incident, entity="assignment", entity_id=assignment.id,
                     from_state=old_state, to_state=AssignmentState.NOT_COMPETENT, comment=reason,
                     payload={"incident_from": old, "incident_to": incident.status, "unit": assignment.unit.name},
                     **_timing(clocks, ("competence_notice",), now, assignment.unit.short_name))
    events.publish([_ev("not_competent", incident,
                        f"{assignment.unit.name}: инцидент № {incident.id} не в компетенции — перенаправьте",
                        curators=True)])
    return Ref(incident.id, incident.version)


# --- answers and clarification requests -----------------------------------------------------------

def _next_number(incident_id: int) -> int:
    last = Answer.select(Answer.number).where(Answer.incident == incident_id).order_by(Answer.number.desc()).first()
    return (last.number if last else 0) + 1


def allowed_answer_kinds(incident: Incident, assignment: Assignment) -> set[AnswerKind]:
    """The kinds of answer version this unit may write now (a clarification request aside)."""
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


#: statuses in which an answer version may be written and sent, and in which a request may
ANSWER_STATUSES = (IncidentStatus.ROUTED, IncidentStatus.RETURNED, IncidentStatus.INTERIM, IncidentStatus.CLARIFICATION)
REQUEST_STATUSES = (IncidentStatus.ROUTED, IncidentStatus.RETURNED, IncidentStatus.INTERIM)


def request_possible(incident: Incident) -> bool:
    """Clause 13: a clarification request can be written now (none is on its way or awaited)."""
    return (incident.status in {s.value for s in REQUEST_STATUSES}
            and incident.request_state in (None, RequestState.RETURNED))


def _editing(assignment: Assignment, request: bool) -> Answer | None:
    kind = Answer.kind == AnswerKind.REQUEST if request else Answer.kind != AnswerKind.REQUEST
    return (Answer.select().where((Answer.assignment == assignment.id) & (Answer.state == AnswerState.EDITING) & kind)
            .order_by(Answer.number.desc()).first())


@_action
def save_draft(actor: Actor, incident_id: int, expected_version: int, *, text: str,
               kind: AnswerKind = AnswerKind.DRAFT) -> Ref:
    """Save the text being written: the open version is updated, or a new version begins.

    A clarification request (``kind=request``, clause 13) is kept apart from the answer being
    written: both can be open at once.
    """
    kind = _code(AnswerKind, kind, "Вид текста")
    request = kind == AnswerKind.REQUEST
    what = "Запрос (уточнение)" if request else "Ответ"
    text = _text(text, what)
    with transactions.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, REQUEST_STATUSES if request else ANSWER_STATUSES, f"Сохранение: {what.lower()}")
        assignment, acting_for = _my_assignment(actor, incident, f"Сохранение: {what.lower()}")
        if request:
            if not request_possible(incident):
                raise InvalidTransition("Запрос (уточнение) уже направлен; новый можно подготовить после ответа автора")
        else:
            allowed = allowed_answer_kinds(incident, assignment)
            if kind not in allowed:
                raise InvalidTransition("Сейчас можно готовить только: "
                                        + ", ".join(sorted(ANSWER_KIND_LABELS[k].lower() for k in allowed)))
        answer = _editing(assignment, request)
        if answer is None:
            answer = Answer.create(incident=incident, assignment=assignment, kind=kind, number=_next_number(incident.id),
                                   text=text, author=actor.user_id, acting_for=acting_for, created_at=clock.now())
            action = "request.create" if request else "answer.create"
        else:
            answer.text, answer.kind, answer.author, answer.acting_for = text, kind, actor.user_id, acting_for
            _save(answer)
            action = "request.edit" if request else "answer.edit"
        _save(incident)
        audit.record(action, actor=actor.user_id, acting_for=acting_for, incident=incident,
                     entity="answer", entity_id=answer.id, payload={"number": answer.number, "kind": kind,
                                                                    "length": len(text)})
    return Ref(incident.id, incident.version)


@_action
def save_request(actor: Actor, incident_id: int, expected_version: int, *, text: str) -> Ref:
    """Clause 13: write (or correct) the clarification request to the incident's author."""
    return save_draft(actor, incident_id, expected_version, text=text, kind=AnswerKind.REQUEST)


@_action
def submit_answer(actor: Actor, incident_id: int, expected_version: int, *, request: bool = False) -> Ref:
    """Clause 12 / 15 / 19: send the open answer version for approval (or a contribution to the
    curator); with ``request`` — clause 13: the open clarification request."""
    events_out: list[events.Event] = []
    what = "Направление запроса на согласование" if request else "Направление на согласование"
    with transactions.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, REQUEST_STATUSES if request else ANSWER_STATUSES, what)
        if request and not request_possible(incident):
            raise InvalidTransition(f"{what}: запрос уже направлен")
        assignment, acting_for = _my_assignment(actor, incident, what)
        answer = _editing(assignment, request)
        if answer is None:
            raise InvalidTransition(f"{what}: сначала сохраните текст")
        if answer.kind != AnswerKind.CONTRIBUTION and not settings.answer_policy().allow_over_length:
            # clause 20: the network cannot take it — refused here too, not only in the editor
            too_long = answer_checks.check_length(answer.text, incident.network)
            if too_long:
                raise ValidationError(f"{what}: {too_long[0].message}. Длинные тексты может разрешить куратор "
                                      "(«Проверка ответов» в меню «Файл»)")
        now = clock.now()
        answer.submitted_at = now
        user = actor.user_id
        unit = assignment.unit
        if answer.kind == AnswerKind.CONTRIBUTION:
            answer.state = AnswerState.SUBMITTED
            _save(answer)
            old = assignment.state
            assignment.state = AssignmentState.CONTRIBUTED
            _save(assignment)
            _save(incident)
            clocks = _settle(incident, now)
            audit.record("answer.contribute", actor=user, acting_for=acting_for, incident=incident,
                         entity="answer", entity_id=answer.id, from_state=old, to_state=AssignmentState.CONTRIBUTED,
                         payload={"unit": unit.name, "step": "contribution"},
                         **_timing(clocks, ("contribution",), now, unit.short_name))
            events_out.append(_ev("contribution", incident, f"{unit.name}: информация для сводного ответа "
                                  f"по инциденту № {incident.id}", curators=True))
        else:
            # clause 15: a revision of the unit's last returned text of the same sort (an answer is
            # not revised by a request sent meanwhile, nor a request by an answer)
            same_sort = Answer.kind == AnswerKind.REQUEST if request else Answer.kind != AnswerKind.REQUEST
            previous = (Answer.select().where((Answer.assignment == assignment.id) & (Answer.id != answer.id)
                                              & (Answer.submitted_at.is_null(False)) & same_sort)
                        .order_by(Answer.number.desc()).first())
            revising = previous is not None and previous.state == AnswerState.RETURNED
            abandoned = not request and incident.request_state == RequestState.RETURNED
            answer.state = AnswerState.SUBMITTED
            _save(answer)
            old = incident.status
            incident.status = IncidentStatus.ON_APPROVAL
            if request:
                incident.request_state = RequestState.SUBMITTED
            elif abandoned:
                incident.request_state = None  # the executor answers instead of revising the request
            _save(incident)
            assignment.state = AssignmentState.ON_APPROVAL
            _save(assignment)
            clocks = _settle(incident, now)
            if revising:
                step: tuple[str, ...] = ("revision",)
            elif request:
                step = ("clarification",)
            else:
                step = ("final_draft", "draft")
            timing = _timing(clocks, step, now, unit.short_name)
            ended = next((code for code in step for c in clocks if c.code == code and c.ended_at == now), step[-1])
            payload: dict[str, object] = {"number": answer.number, "kind": answer.kind, "step": ended}
            if abandoned:
                payload["request_dropped"] = True
            author = User.get_by_id(answer.author_id)
            by_curator = Role.CURATOR.value in author.role_set
            audit.record("request.submit" if request else "answer.submit", actor=user, acting_for=acting_for,
                         incident=incident, entity="answer", entity_id=answer.id, from_state=old,
                         to_state=IncidentStatus.ON_APPROVAL, payload=payload, **timing)
            noun = "Запрос (уточнение)" if request else "Проект ответа"
            message = f"{noun} по инциденту № {incident.id} ждёт согласования"
            events_out.append(_ev("submitted", incident, message, curators=not by_curator, responsible=by_curator))
    events.publish(events_out)
    return Ref(incident.id, incident.version)


@_action
def submit_request(actor: Actor, incident_id: int, expected_version: int) -> Ref:
    """Clause 13: send the clarification request to the curator (within 1 working hour)."""
    return submit_answer(actor, incident_id, expected_version, request=True)


@_action
def appoint_consolidator(actor: Actor, incident_id: int, expected_version: int, *, unit_id: int) -> Ref:
    """Clause 19: the curator names the unit that writes the consolidated answer."""
    require_curator(actor, "Назначение исполнителя сводного ответа")
    with transactions.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.ROUTED, IncidentStatus.RETURNED, IncidentStatus.CLARIFICATION),
                        "Назначение исполнителя сводного ответа")
        assignment = next((a for a in _active_assignments(incident.id) if a.unit_id == unit_id), None)
        if assignment is None:
            raise InvalidTransition("Сводный ответ может готовить только отдел, которому направлен инцидент")
        now = clock.now()
        Assignment.update(is_consolidating=False).where(Assignment.incident == incident.id).execute()
        assignment.is_consolidating = True
        assignment.consolidating_since = now
        _save(assignment)
        incident.consolidating_unit = unit_id
        _save(incident)
        _settle(incident, now)
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
        raise InvalidTransition("Нет проекта ответа или запроса, направленного на согласование")
    return answer


def awaiting_responsible_official() -> Expression:
    """``Incident.id IN (…)``: incidents whose text on approval was written by a curator — the
    responsible official decides on those (clauses 8, 14)."""
    written_by_curator = (Answer.select(Answer.incident).join(User, on=(Answer.author == User.id))
                          .where((Answer.state == AnswerState.SUBMITTED) & (Answer.kind != AnswerKind.CONTRIBUTION)
                                 # no other role code contains «curator»
                                 & User.roles.contains(Role.CURATOR.value)))
    return (Incident.status == IncidentStatus.ON_APPROVAL) & Incident.id.in_(written_by_curator)


def approver_rule(actor: Actor, author_id: int, author_roles: Iterable[str], what: str) -> None:
    """Clause 14 and 8: who may approve or return a version written by ``author_id``.

    Never its own author. The curator decides on the executors' versions; a version the curator
    wrote (the department itself is the executor) is decided by the responsible official.
    """
    by_curator = Role.CURATOR.value in set(author_roles)
    if actor.user_id == author_id:
        raise PermissionDenied(f"{what}: текст подготовлен вами — согласовать или вернуть свой текст нельзя (п. 14)"
                               + ("; его согласует ответственное должностное лицо (п. 8)" if by_curator else ""))
    if by_curator:
        # the curator's own department executes (clause 6): not a curator, the responsible official decides
        if actor.has(Role.RESPONSIBLE):
            return
        raise PermissionDenied(f"{what}: текст подготовлен куратором — его согласует ответственное должностное "
                               "лицо (п. 8, 14)")
    if actor.is_curator:
        return
    if actor.has(Role.RESPONSIBLE):
        raise PermissionDenied(f"{what}: ответственное должностное лицо согласует только тексты, "
                               "подготовленные куратором; этот текст согласует куратор")
    raise PermissionDenied(f"{what}: это может сделать только куратор")


def _decide(actor: Actor, incident_id: int, expected_version: int, *, approved: bool,
            reasons: list[ReturnReason], comment: str) -> tuple[Incident, Answer, list[int]]:
    """Clause 14: record the decision on the submitted version (an answer or a request)."""
    what = "Согласование" if approved else "Возврат на доработку"
    comment = _comment(comment, "Комментарий")
    with transactions.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.ON_APPROVAL,), what)
        answer = _submitted_answer(incident)
        author = User.get_by_id(answer.author_id)
        approver_rule(actor, author.id, author.role_set, what)
        now = clock.now()
        ApprovalDecision.create(answer=answer, curator=actor.user_id, decided_at=now, approved=approved,
                                reasons=",".join(r.value for r in reasons), comment=comment)
        answer.state = AnswerState.APPROVED if approved else AnswerState.RETURNED
        _save(answer)
        incident.status = IncidentStatus.APPROVED if approved else IncidentStatus.RETURNED
        request = answer.kind == AnswerKind.REQUEST
        if request:
            incident.request_state = RequestState.APPROVED if approved else RequestState.RETURNED
        _save(incident)
        if answer.assignment_id:
            Assignment.update(state=AssignmentState.APPROVED if approved else AssignmentState.RETURNED).where(
                (Assignment.id == answer.assignment_id) & Assignment.state.in_(ACTIVE_ASSIGNMENT)).execute()
        clocks = _settle(incident, now)
        payload: dict[str, object] = {"number": answer.number, "kind": answer.kind}
        if not approved:
            payload["reasons"] = [r.value for r in reasons]
        prefix = "request" if request else "answer"
        audit.record(f"{prefix}.approve" if approved else f"{prefix}.return", actor=actor.user_id,
                     incident=incident, entity="answer", entity_id=answer.id, from_state=IncidentStatus.ON_APPROVAL,
                     to_state=incident.status, comment=comment, payload=payload,
                     **_timing(clocks, ("approval",), now))
        units = [answer.assignment.unit_id] if answer.assignment_id else []
    return incident, answer, units


@_action
def approve(actor: Actor, incident_id: int, expected_version: int, *, comment: str = "") -> Ref:
    """Clause 14: approve the submitted draft or request; posting within 30 minutes follows (16)."""
    incident, answer, units = _decide(actor, incident_id, expected_version, approved=True, reasons=[], comment=comment)
    minutes = step_limit(incident, "publication")
    noun = "Запрос (уточнение)" if answer.kind == AnswerKind.REQUEST else "Ответ"
    events.publish([_ev("approved", incident,
                        f"{noun} по инциденту № {incident.id} согласован — разместите в течение {minutes} мин",
                        units=units)])
    return Ref(incident.id, incident.version)


@_action
def return_for_revision(actor: Actor, incident_id: int, expected_version: int, *,
                        reasons: list[ReturnReason], comment: str = "") -> Ref:
    """Clause 14: return with one or more of the four reasons; revision within 1 hour (15)."""
    reasons = list(dict.fromkeys(_code(ReturnReason, r, "Причина возврата (п. 14)") for r in reasons))
    if not reasons:
        raise ValidationError("Укажите хотя бы одну причину возврата (п. 14)")
    incident, answer, units = _decide(actor, incident_id, expected_version, approved=False, reasons=reasons,
                                      comment=comment)
    labels = "; ".join(RETURN_REASON_LABELS[r] for r in reasons)
    noun = "Запрос (уточнение)" if answer.kind == AnswerKind.REQUEST else "Проект ответа"
    events.publish([_ev("returned", incident, f"{noun} по инциденту № {incident.id} возвращён: {labels}",
                        units=units)])
    return Ref(incident.id, incident.version)


@_action
def save_and_resubmit(actor: Actor, incident_id: int, expected_version: int, *, text: str,
                      kind: AnswerKind = AnswerKind.DRAFT) -> Ref:
    """Convenience for clause 15: a new version after a return, sent for approval at once."""
    ref = save_draft(actor, incident_id, expected_version, text=text, kind=kind)
    return submit_answer(actor, ref.id, ref.version, request=AnswerKind(kind) == AnswerKind.REQUEST)


@_action
def publish(actor: Actor, incident_id: int, expected_version: int, *, url: str,
            published_at: datetime | None = None, other_post: bool = False) -> Ref:
    """Clause 16: the executor records that the approved text is posted in the incident's network.

    The link must lead into that network; a link to another post of it than the incident's own
    is accepted only with ``other_post=True`` (the user confirmed it), and the history says so.
    An approved clarification request, once posted, makes the incident wait for its author.
    """
    with transactions.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, (IncidentStatus.APPROVED,), "Размещение")
        answer = (Answer.select().where((Answer.incident == incident.id) & (Answer.state == AnswerState.APPROVED))
                  .order_by(Answer.number.desc()).first())
        if answer is None:
            raise InvalidTransition("Размещение: нет согласованного текста")
        request = answer.kind == AnswerKind.REQUEST
        what = "Ссылка на размещённый запрос" if request else "Ссылка на размещённый ответ"
        url, elsewhere = _posted_link(incident, url, other_post, what)
        acting_for = require_executor_of(actor, answer.assignment.unit_id, "Размещение") \
            if answer.assignment_id else None
        now = clock.now()
        approved_at = answer.decisions.where(ApprovalDecision.approved == True).order_by(  # noqa: E712
            ApprovalDecision.id.desc()).first().decided_at
        when = validation.moment(published_at or now, "Время размещения", zone=current_calendar().tz,
                                 now=now, not_before=approved_at, not_before_what="согласование")
        if when > now:
            when = now
        Publication.create(answer=answer, incident=incident, published_by=actor.user_id, acting_for=acting_for,
                           published_at=when, url=url)
        answer.state = AnswerState.PUBLISHED
        _save(answer)
        old = incident.status
        overall_due = incident.due_at
        if request:
            incident.request_state = RequestState.WAITING
            incident.status = IncidentStatus.CLARIFICATION
            Assignment.update(state=AssignmentState.ASSIGNED).where(
                (Assignment.id == answer.assignment_id) & Assignment.state.in_(ACTIVE_ASSIGNMENT)).execute()
        elif answer.kind == AnswerKind.INTERIM:
            incident.status = IncidentStatus.INTERIM
            incident.due_at = current_calendar().add_working_days(
                when, settings.limits().final_answer_days).astimezone(timezone.utc)
            if answer.assignment_id:
                Assignment.update(state=AssignmentState.ASSIGNED).where(Assignment.id == answer.assignment_id).execute()
        else:
            incident.status, incident.closed_at = IncidentStatus.ANSWERED, when
            incident.request_state = None
            Assignment.update(state=AssignmentState.DONE, closed_at=when).where(
                (Assignment.incident == incident.id) & Assignment.state.in_(ACTIVE_ASSIGNMENT)).execute()
        _save(incident)
        clocks = _settle(incident, now)
        payload: dict[str, object] = {"url": url, "kind": answer.kind}
        if not request:
            payload.update({"answer_due": overall_due, "answer_in_time": when <= overall_due if overall_due else None})
        if elsewhere:
            payload["other_post"] = True
        audit.record("request.publish" if request else "answer.publish", actor=actor.user_id, acting_for=acting_for,
                     incident=incident, entity="answer", entity_id=answer.id, from_state=old, to_state=incident.status,
                     comment="Размещено в другой записи той же соцсети (подтверждено)" if elsewhere else "",
                     payload=payload, **_timing(clocks, ("publication",), when))
        if incident.status == IncidentStatus.ANSWERED:
            clock_store.remember_computed(incident.id, incident.version, clocks)  # final now: the report reads them
    message = (f"Запрос (уточнение) по инциденту № {incident.id} размещён — ждём ответа автора" if request
               else f"Ответ по инциденту № {incident.id} размещён")
    events.publish([_ev("published", incident, message, curators=True)])
    return Ref(incident.id, incident.version)


@_action
def record_author_reply(actor: Actor, incident_id: int, expected_version: int, *, text: str, url: str = "",
                        replied_at: datetime | None = None) -> Ref:
    """Clause 13: the author answered the posted request; the work on the answer goes on.

    Recorded by an executor of the incident or by the curator: the reply's text, its link (in the
    incident's network) and when it was written. The answer clock (clauses 9/17) never stopped;
    the card and the report show how long the incident waited.
    """
    text = _text(text, "Ответ автора")
    events_out: list[events.Event] = []
    with transactions.atomic():
        incident = _lock(incident_id, expected_version, actor)
        what = "Ответ автора на запрос"
        if incident.request_state != RequestState.WAITING:
            raise InvalidTransition(f"{what}: размещённого запроса, ждущего ответа автора, нет")
        acting_for = None
        if not actor.is_curator:
            _assignment, acting_for = _my_assignment(actor, incident, what)
        if url.strip():
            url, _elsewhere = _posted_link(incident, url, True, "Ссылка на ответ автора")
        request = _latest_version(incident.id, request=True)
        assert request is not None
        posted = Publication.select().where(Publication.answer == request.id).order_by(Publication.id.desc()).first()
        now = clock.now()
        when = validation.moment(replied_at or now, "Время ответа автора", zone=current_calendar().tz, now=now,
                                 not_before=posted.published_at, not_before_what="размещение запроса")
        if when > now:
            when = now
        reply = AuthorReply.create(incident=incident, request=request, text=text, url=url, replied_at=when,
                                   recorded_by=actor.user_id, acting_for=acting_for, recorded_at=now)
        incident.request_state = None
        old = incident.status
        if incident.status == IncidentStatus.CLARIFICATION:
            incident.status = _resting_status(incident)
        _save(incident)
        _settle(incident, now)
        waited = current_calendar().working_time_between(posted.published_at, when)
        audit.record("request.author_reply", actor=actor.user_id, acting_for=acting_for, incident=incident,
                     entity="author_reply", entity_id=reply.id, from_state=old, to_state=incident.status,
                     comment=text[:validation.MAX_COMMENT],
                     payload={"url": url, "replied_at": when, "waited_minutes": int(waited // timedelta(minutes=1))})
        units = [a.unit_id for a in _active_assignments(incident.id)]
        events_out.append(_ev("author_replied", incident, f"Автор ответил на запрос по инциденту № {incident.id}",
                              units=units, curators=True))
    events.publish(events_out)
    return Ref(incident.id, incident.version)


@_action
def add_comment(actor: Actor, incident_id: int, *, text: str) -> int:
    """A note or a plain question on the card (to the curator, to the executors): no regulated clock.

    Comments do not change the incident, so they never conflict with anyone's edit. Written by
    the curator, the responsible official, or an executor of a unit the incident was sent to.
    """
    text = validation.text(text, "Комментарий", limit=validation.MAX_COMMENT)
    with settings.snapshot(), db.atomic():
        incident = Incident.get_or_none(Incident.id == incident_id)
        if incident is None:
            raise NotFound(f"Инцидент № {incident_id} не найден")
        acting_for = None
        if not (actor.is_curator or actor.has(Role.RESPONSIBLE)):
            sent_to = [a.unit_id for a in Assignment.select(Assignment.unit).where(Assignment.incident == incident_id)]
            mine = [u for u in sent_to if u in actor.unit_ids]
            if not mine:
                raise PermissionDenied("Комментарий: инцидент направлен не в ваш отдел")
            acting_for = actor.acting_for(mine[0])
        units = [a.unit_id for a in _active_assignments(incident_id)]
        note = Comment.create(incident=incident_id, kind=CommentKind.COMMENT, author=actor.user_id,
                              acting_for=acting_for, created_at=clock.now(), text=text)
        audit.record("incident.comment", actor=actor.user_id, acting_for=acting_for, incident=incident,
                     entity="comment", entity_id=note.id, comment=text)
    events.publish([_ev("comment", incident, f"Комментарий к инциденту № {incident_id}: {text[:80]}",
                        units=units, curators=True)])
    return note.id


@_action
def set_stage_limits(actor: Actor, incident_id: int, expected_version: int, *, limits: dict[str, int],
                     comment: str = "") -> Ref:
    """Clause 18: after an interim answer the curator sets the limits of steps 11–16 of the
    final-answer stage, and of sending the final draft; each is timed from its own start."""
    require_curator(actor, "Сроки этапа окончательного ответа")
    unknown = [k for k in limits if k not in STAGE_STEPS]
    if unknown:
        raise ValidationError(f"Неизвестный этап «{_shown(unknown[0])}»")
    if any(isinstance(v, bool) or not isinstance(v, int) or v <= 0 for v in limits.values()):
        raise ValidationError("Срок этапа — целое положительное число минут")
    comment = _comment(comment, "Комментарий")
    with transactions.atomic():
        incident = _lock(incident_id, expected_version, actor)
        _require_status(incident, OPEN_STATUSES, "Сроки этапа окончательного ответа")
        if not _has_interim(incident):
            raise InvalidTransition("Сроки этапа окончательного ответа устанавливаются после размещения "
                                    "промежуточного ответа (п. 18)")
        stored = _stage_limits(incident)
        history = list(stored.pop("_history", []))
        old = dict(stored)
        now = clock.now()
        # when each limit was set: a step that ended before keeps the verdict of the limit it ran under
        history += [[now.isoformat(), step, minutes] for step, minutes in sorted(limits.items())
                     if old.get(step) != minutes]
        new = {**old, **limits}
        incident.step_limits = json.dumps({**new, "_history": history}, sort_keys=True)
        _save(incident)
        _settle(incident, now)
        audit.record("incident.stage_limits", actor=actor.user_id, incident=incident,
                     comment=comment, payload={"old": old, "new": new})
    return Ref(incident.id, incident.version)


MAX_ATTACHMENT = 50 * 1024 * 1024


@_action
def add_attachment(actor: Actor, incident_id: int, expected_version: int, *, filename: str, data: bytes,
                   mime_type: str = "application/octet-stream", request: bool = False) -> Ref:
    """Clause 20: a photo or video that confirms the answer, kept with the version being written."""
    from app.models import Attachment

    filename = validation.text(filename, "Имя файла", limit=validation.MAX_LINE)
    mime_type = validation.text(mime_type, "Тип файла", limit=128, required=False) or "application/octet-stream"
    if not data:
        raise ValidationError(f"Файл «{filename}» пустой")
    if len(data) > MAX_ATTACHMENT:
        raise ValidationError(f"Файл «{filename}» больше 50 МБ")
    with transactions.atomic():
        incident = _lock(incident_id, expected_version, actor)
        assignment, acting_for = _my_assignment(actor, incident, "Вложение")
        answer = _editing(assignment, request)
        if answer is None:
            raise InvalidTransition("Вложение: сначала сохраните текст")
        att = Attachment.create(answer=answer, filename=filename, mime_type=mime_type, size=len(data), data=data)
        _save(incident)
        audit.record("answer.attach", actor=actor.user_id, acting_for=acting_for, incident=incident,
                     entity="attachment", entity_id=att.id, payload={"file": filename, "size": len(data)})
    return Ref(incident.id, incident.version)


def audit_event_for(incident_id: int, action: str) -> AuditEvent | None:
    """The latest event of this kind on the incident."""
    return (AuditEvent.select().where((AuditEvent.incident == incident_id) & (AuditEvent.action == action))
            .order_by(AuditEvent.id.desc()).first())
