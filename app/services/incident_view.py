"""Everything the incident card shows, and which actions this user may take on it now."""
from __future__ import annotations

import dataclasses
import difflib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import JOIN

from app.models import (
    Answer, ApprovalDecision, Assignment, Attachment, AuditEvent, AuthorReply, Comment, Incident, Location,
    OfficialPage, Publication, Topic, TopicGroup, Unit, User,
)
from app.models.enums import (
    ANSWER_KIND_LABELS, COMMENT_KIND_LABELS, INCIDENT_KIND_LABELS, NETWORK_LABELS, NO_ANSWER_REASON_LABELS,
    PRIORITY_LABELS, REQUEST_STATE_LABELS, RETURN_REASON_LABELS, STATUS_LABELS, AnswerKind, AnswerState,
    AssignmentState, CommentKind, IncidentStatus, Network, NoAnswerReason, PageOwner, Priority, RequestState, ReturnReason,
    Role,
)
from app.services import answer_checks, clause21, prepared, settings
from app.services.deadlines import AuthorWait, Clock, author_waits_for_many, clocks_from_rows
from app.services.errors import NotFound, PermissionDenied
from app.services.pages import moderation
from app.services.permissions import Actor
from app.services.workflow import (
    ACTIVE_ASSIGNMENT, ANSWER_STATUSES, allowed_answer_kinds, request_possible,
)

ASSIGNMENT_STATE_LABELS = {
    AssignmentState.ASSIGNED: "В работе",
    AssignmentState.NOT_COMPETENT: "Не в компетенции (п. 11)",
    AssignmentState.CONTRIBUTED: "Информация для сводного ответа направлена",
    AssignmentState.ON_APPROVAL: "На согласовании",
    AssignmentState.RETURNED: "На доработке",
    AssignmentState.APPROVED: "Согласовано, к размещению",
    AssignmentState.DONE: "Исполнено",
    AssignmentState.CANCELLED: "Отозвано",
}
ANSWER_STATE_LABELS = {
    AnswerState.EDITING: "Черновик",
    AnswerState.SUBMITTED: "Направлен на согласование",
    AnswerState.RETURNED: "Возвращён на доработку",
    AnswerState.APPROVED: "Согласован",
    AnswerState.PUBLISHED: "Размещён",
}
ACTION_LABELS = {
    "incident.register": "Инцидент зарегистрирован",
    "incident.route": "Направлен исполнителям (п. 10)",
    "incident.reroute": "Перенаправлен (п. 11)",
    "incident.no_answer": "Закрыт без ответа (п. 21)",
    "incident.not_ours": "Закрыт: не касается деятельности администрации (п. 2)",
    "incident.comment": "Комментарий",
    "incident.priority": "Изменена важность (п. 17)",
    "incident.consolidator": "Назначен исполнитель сводного ответа (п. 19)",
    "incident.stage_limits": "Установлены сроки этапа окончательного ответа (п. 18)",
    "assignment.not_competent": "Сообщено о некомпетентности (п. 11)",
    "clarification.ask": "Вопрос куратору (прежний порядок, до обновления программы)",
    "clarification.reply": "Ответ куратора на вопрос (прежний порядок)",
    "request.submit": "Запрос (уточнение) автору направлен на согласование (п. 13)",
    "request.approve": "Запрос (уточнение) согласован (п. 14)",
    "request.return": "Запрос (уточнение) возвращён на доработку (п. 14)",
    "request.publish": "Запрос (уточнение) размещён в соцсети (п. 16)",
    "request.author_reply": "Записан ответ автора на запрос (п. 13)",
    "answer.create": "Начата новая версия ответа",
    "answer.edit": "Ответ сохранён",
    "request.create": "Начата новая версия запроса (уточнения)",
    "request.edit": "Запрос (уточнение) сохранён",
    "answer.submit": "Ответ направлен на согласование (п. 12)",
    "answer.contribute": "Информация для сводного ответа (п. 19)",
    "answer.approve": "Ответ согласован (п. 14)",
    "answer.return": "Возвращён на доработку (п. 14)",
    "answer.publish": "Ответ размещён (п. 16)",
    "answer.attach": "Приложен файл к ответу (п. 20)",
}
#: every action code the card may offer, with its button text
ACTIONS = {
    "route": "Направить",
    "close_no_answer": "Без ответа",
    "change_priority": "Изменить важность",
    "record_author_reply": "Ответ автора",
    "approve": "Согласовать",
    "return": "Вернуть на доработку",
    "appoint_consolidator": "Назначить исполнителя сводного ответа",
    "set_stage_limits": "Сроки этапа (п. 18)",
    "not_competent": "Не наша компетенция",
    "edit_request": "Запрос (уточнение) автору",
    "submit_request": "Запрос на согласование",
    "edit_answer": "Подготовить ответ",
    "submit": "На согласование",
    "publish": "Отметить размещение",
    "comment": "Комментарий",
}


@dataclass(frozen=True)
class AssignmentView:
    id: int
    unit_id: int
    unit_name: str
    state: str
    state_label: str
    is_consolidating: bool
    assigned_at: datetime
    competence_reason: str


@dataclass(frozen=True)
class DecisionView:
    approved: bool
    decided_at: datetime
    curator: str
    reasons: tuple[str, ...]  # Russian labels of the clause-14 reasons
    comment: str


@dataclass(frozen=True)
class AnswerView:
    id: int
    number: int
    kind: str
    kind_label: str
    state: str
    state_label: str
    text: str
    unit_name: str
    author: str
    acting_for: str
    created_at: datetime
    submitted_at: datetime | None
    decisions: tuple[DecisionView, ...]
    attachments: tuple[tuple[int, str, int], ...]  # id, file name, size
    publication_url: str
    published_at: datetime | None


@dataclass(frozen=True)
class RequestView:
    """A posted clarification request (clause 13) and the author's reply, if recorded."""

    answer_id: int
    number: int
    unit_name: str
    text: str
    posted_at: datetime
    posted_url: str
    reply: str
    reply_url: str
    replied_at: datetime | None
    recorded_by: str
    wait: AuthorWait | None


@dataclass(frozen=True)
class CommentView:
    id: int
    kind: str
    kind_label: str
    author: str
    acting_for: str
    created_at: datetime
    text: str


@dataclass(frozen=True)
class EventView:
    at: datetime
    actor: str
    acting_for: str
    action: str
    label: str
    from_label: str
    to_label: str
    comment: str
    working_minutes: int | None
    limit_minutes: int | None
    within_limit: bool | None


#: the audit actions of the curator's routing decisions (clauses 10, 11)
ROUTING_ACTIONS = frozenset({"incident.route", "incident.reroute"})


@dataclass(frozen=True)
class IncidentCard:
    """The incident card: the source, the clocks, the units, the answers, the whole history."""

    id: int
    version: int
    link: str
    network: str
    network_label: str
    author: str
    author_link: str
    text: str
    detected_at: datetime
    kind_label: str
    priority: str
    priority_label: str
    status: str
    status_label: str
    topic: str
    topic_group: str
    location: str
    no_answer_reason: str
    assignments: tuple[AssignmentView, ...]
    answers: tuple[AnswerView, ...]
    requests: tuple[RequestView, ...]
    comments: tuple[CommentView, ...]
    events: tuple[EventView, ...]
    clocks: tuple[Clock, ...]
    actions: frozenset[str]
    answer_kinds: tuple[str, ...]  # kinds this user may write now
    clause21: clause21.Clause21Assessment
    updated_by: str
    updated_at: datetime
    no_location: bool = False
    request_state: str = ""
    request_state_label: str = ""
    #: clause 14 with clause 8: who decides on the submitted version, when it is not the curator
    approver_note: str = ""
    #: clause 18: the step limits the curator set for the final-answer stage (working minutes)
    stage_limits: tuple[tuple[str, int], ...] = ()
    #: Appendix 1: the official page the message was written on («Глава в Telegram», the head's or
    #: the administration's), and whether it is the head's (clause 16)
    page_name: str = ""
    on_head_page: bool = False
    #: Appendix 1, clause 14: «Автор в чёрном списке страницы «…»», "" if not
    blacklisted: str = ""

    @property
    def location_text(self) -> str:
        """The place as the curator decided it (clause 10)."""
        return self.location or ("без привязки к месту" if self.no_location else "")

    @property
    def author_wait(self) -> timedelta:
        """Working time the incident waited for its author, every request together."""
        return sum((r.wait.worked for r in self.requests if r.wait is not None), timedelta(0))

    @property
    def waiting_for_author(self) -> bool:
        return any(r.wait is not None and r.wait.waiting for r in self.requests)

    @property
    def editing_answer(self) -> AnswerView | None:
        return next((a for a in reversed(self.answers) if a.state == AnswerState.EDITING
                     and a.kind != AnswerKind.REQUEST), None)

    @property
    def editing_request(self) -> AnswerView | None:
        return next((a for a in reversed(self.answers) if a.state == AnswerState.EDITING
                     and a.kind == AnswerKind.REQUEST), None)

    @property
    def routing_event(self) -> EventView | None:
        """The curator's latest routing (clause 10) or re-routing (clause 11) of the incident."""
        return next((e for e in reversed(self.events) if e.action in ROUTING_ACTIONS), None)

    @property
    def routing_comment(self) -> str:
        """What the curator told the executors when routing the incident last (empty: nothing)."""
        event = self.routing_event
        return event.comment if event is not None else ""

    @property
    def submitted_answer(self) -> AnswerView | None:
        return next((a for a in reversed(self.answers) if a.state == AnswerState.SUBMITTED
                     and a.kind != AnswerKind.CONTRIBUTION), None)


def _status_label(code: str | None) -> str:
    if not code:
        return ""
    for table in (STATUS_LABELS, ASSIGNMENT_STATE_LABELS, PRIORITY_LABELS):
        for key, label in table.items():
            if key.value == code:
                return label
    return code


def check_visible(actor: Actor, incident_id: int) -> None:
    if actor.reads_everything:
        return
    units = list(actor.unit_ids)
    if not units or not Assignment.select().where((Assignment.incident == incident_id)
                                                  & Assignment.unit.in_(units)).exists():
        raise PermissionDenied("Инцидент направлен не в ваш отдел")


def _named(incident: Incident) -> tuple[str, str, str, str, str]:
    """The names of the incident's topic, topic group, place and official page, and the page's owner
    ("" for each it has not), in one query."""
    if not (incident.topic_id or incident.topic_group_id or incident.location_id or incident.page_id):
        return "", "", "", "", ""
    row = prepared.first("card.names", lambda incident_id: (
        Incident.select(Topic.name, TopicGroup.name, Location.name, OfficialPage.name, OfficialPage.owner)
        .join(Topic, JOIN.LEFT_OUTER, on=(Incident.topic == Topic.id)).switch(Incident)
        .join(TopicGroup, JOIN.LEFT_OUTER, on=(Incident.topic_group == TopicGroup.id)).switch(Incident)
        .join(Location, JOIN.LEFT_OUTER, on=(Incident.location == Location.id)).switch(Incident)
        .join(OfficialPage, JOIN.LEFT_OUTER, on=(Incident.page == OfficialPage.id))
        .where(Incident.id == incident_id).tuples().limit(1)), incident.id)
    return tuple(value or "" for value in row) if row else ("", "", "", "", "")  # type: ignore[return-value]


def load_card(actor: Actor, incident_id: int) -> IncidentCard:
    """Everything the card shows of the incident; the shared settings (zone, limits, the calendar's
    revision) read once for it, the clocks computed from the history the card has read anyway."""
    with settings.snapshot():
        return _card(actor, incident_id)


def _card(actor: Actor, incident_id: int) -> IncidentCard:
    # the card's queries have a fixed shape: their SQL is written once (``prepared``), only the id changes
    incident = prepared.first("card.incident", lambda i: Incident.select().where(Incident.id == i).limit(1),
                              incident_id)
    if incident is None:
        raise NotFound(f"Инцидент № {incident_id} не найден")
    check_visible(actor, incident_id)
    names = dict(prepared.rows("card.users", lambda: User.select(User.id, User.full_name).tuples()))
    units, short_names = {}, {}
    for unit_id, name, short_name in prepared.rows(
            "card.units", lambda: Unit.select(Unit.id, Unit.name, Unit.short_name).tuples()):
        units[unit_id], short_names[unit_id] = name, short_name
    assignments = list(prepared.rows("card.assignments", lambda i: Assignment.select().where(
        Assignment.incident == i).order_by(Assignment.id), incident_id))
    unit_of = {a.id: a.unit_id for a in assignments}
    answers = list(prepared.rows("card.answers", lambda i: Answer.select().where(
        Answer.incident == i).order_by(Answer.number), incident_id))
    decisions: dict[int, list[ApprovalDecision]] = {}
    for d in prepared.rows("card.decisions", lambda i: ApprovalDecision.select().join(Answer).where(
            Answer.incident == i).order_by(ApprovalDecision.id), incident_id):
        decisions.setdefault(d.answer_id, []).append(d)
    attachments: dict[int, list[tuple[int, str, int]]] = {}
    for att_id, answer_id, filename, size in prepared.rows("card.attachments", lambda i: (
            Attachment.select(Attachment.id, Attachment.answer, Attachment.filename, Attachment.size)
            .join(Answer).where(Answer.incident == i).tuples()), incident_id):
        attachments.setdefault(answer_id, []).append((att_id, filename, size))
    publications = {p.answer_id: p for p in prepared.rows("card.publications", lambda i: Publication.select().where(
        Publication.incident == i), incident_id)}

    def reasons(codes: str) -> tuple[str, ...]:
        return tuple(RETURN_REASON_LABELS[ReturnReason(c)] for c in codes.split(",") if c)

    answer_views = tuple(
        AnswerView(
            a.id, a.number, a.kind, ANSWER_KIND_LABELS[AnswerKind(a.kind)], a.state,
            ANSWER_STATE_LABELS[AnswerState(a.state)], a.text, units.get(unit_of.get(a.assignment_id), ""),
            names.get(a.author_id, ""), names.get(a.acting_for_id, "") if a.acting_for_id else "",
            a.created_at, a.submitted_at,
            tuple(DecisionView(d.approved, d.decided_at, names.get(d.curator_id, ""), reasons(d.reasons), d.comment)
                  for d in decisions.get(a.id, [])),
            tuple(attachments.get(a.id, [])),
            publications[a.id].url if a.id in publications else "",
            publications[a.id].published_at if a.id in publications else None,
        )
        for a in answers
    )
    events = tuple(
        EventView(e.at, names.get(e.actor_id, "система") if e.actor_id else "система",
                  names.get(e.acting_for_id, "") if e.acting_for_id else "", e.action,
                  ACTION_LABELS.get(e.action, e.action), _status_label(e.from_state), _status_label(e.to_state),
                  e.comment, e.working_minutes, e.limit_minutes, e.within_limit)
        for e in prepared.rows("card.events", lambda i: AuditEvent.select().where(AuditEvent.incident == i)
                               .order_by(AuditEvent.id), incident_id)
    )
    requests = _requests(incident_id, answers, publications, names, units, unit_of)
    comments = tuple(
        CommentView(c.id, c.kind, COMMENT_KIND_LABELS.get(CommentKind(c.kind), c.kind) if c.kind in set(CommentKind)
                    else c.kind, names.get(c.author_id, "") if c.author_id else "программа",
                    names.get(c.acting_for_id, "") if c.acting_for_id else "", c.created_at, c.text)
        for c in prepared.rows("card.comments", lambda i: Comment.select().where(Comment.incident == i)
                               .order_by(Comment.id), incident_id)
    )
    topic, group, location, page_name, page_owner = _named(incident)
    actions, kinds = _actions(actor, incident, assignments, answers)
    approver_note = _approver_note(incident, answers, names)
    return IncidentCard(
        id=incident.id, version=incident.version, link=incident.link, network=incident.network,
        network_label=NETWORK_LABELS[Network(incident.network)], author=incident.author,
        author_link=incident.author_link, text=incident.text, detected_at=incident.detected_at,
        kind_label=INCIDENT_KIND_LABELS.get(incident.kind, incident.kind), priority=incident.priority,
        priority_label=PRIORITY_LABELS[Priority(incident.priority)], status=incident.status,
        status_label=STATUS_LABELS[IncidentStatus(incident.status)], topic=topic, topic_group=group, location=location,
        no_answer_reason=NO_ANSWER_REASON_LABELS[NoAnswerReason(incident.no_answer_reason)]
        if incident.no_answer_reason else "",
        assignments=tuple(AssignmentView(a.id, a.unit_id, units.get(a.unit_id, ""), a.state,
                                         ASSIGNMENT_STATE_LABELS[AssignmentState(a.state)], a.is_consolidating,
                                         a.assigned_at, a.competence_reason or "") for a in assignments),
        answers=answer_views, requests=requests, comments=comments, events=events,
        clocks=tuple(clocks_from_rows(incident, assignments, answers, [d for ds in decisions.values() for d in ds],
                                      publications.values(), short_names)),
        actions=actions, answer_kinds=kinds,
        clause21=clause21.assess_incoming(incident.text),
        updated_by=names.get(incident.updated_by_id, "") if incident.updated_by_id else "",
        updated_at=incident.updated_at, no_location=bool(incident.no_location),
        request_state=incident.request_state or "",
        request_state_label=REQUEST_STATE_LABELS[RequestState(incident.request_state)] if incident.request_state else "",
        approver_note=approver_note,
        stage_limits=_stage_limits(incident),
        page_name=page_name, on_head_page=page_owner == PageOwner.HEAD,
        blacklisted=moderation.blacklisted_incidents([incident.id]).get(incident.id, ""),
    )


def _stage_limits(incident: Incident) -> tuple[tuple[str, int], ...]:
    try:
        stored = json.loads(incident.step_limits) if incident.step_limits else {}
    except ValueError:
        return ()
    return tuple(sorted((str(k), int(v)) for k, v in stored.items() if not str(k).startswith("_")))


def _requests(incident_id: int, answers: list[Answer], publications: dict[int, Publication], names: dict[int, str],
              units: dict[int, str], unit_of: dict[int, int]) -> tuple[RequestView, ...]:
    posted = [a for a in answers if a.kind == AnswerKind.REQUEST and a.id in publications]
    if not posted:
        return ()
    replies = {r.request_id: r for r in AuthorReply.select().where(AuthorReply.incident == incident_id)
               .order_by(AuthorReply.id.desc())}
    waits = {w.request_number: w for w in author_waits_for_many([incident_id]).get(incident_id, [])}
    views = []
    for a in posted:
        reply = replies.get(a.id)
        views.append(RequestView(
            a.id, a.number, units.get(unit_of.get(a.assignment_id), ""), a.text, publications[a.id].published_at,
            publications[a.id].url, reply.text if reply else "", reply.url if reply else "",
            reply.replied_at if reply else None, names.get(reply.recorded_by_id, "") if reply else "",
            waits.get(a.number)))
    return tuple(views)


def _approver_note(incident: Incident, answers: list[Answer], names: dict[int, str]) -> str:
    """Clauses 8 and 14: a version the curator wrote is approved by the responsible official."""
    submitted = next((a for a in reversed(answers) if a.state == AnswerState.SUBMITTED
                      and a.kind != AnswerKind.CONTRIBUTION), None)
    if submitted is None:
        return ""
    author = User.get_or_none(User.id == submitted.author_id)
    if author is None or Role.CURATOR.value not in author.role_set:
        return ""
    responsible = [u.full_name for u in User.select().where(User.is_active == True)  # noqa: E712
                   if Role.RESPONSIBLE.value in u.role_set and u.id != author.id]
    who = ", ".join(responsible) if responsible else "ответственное должностное лицо (в программе не назначено)"
    return (f"Текст подготовил куратор ({names.get(author.id, author.full_name)}): согласует не автор, "
            f"а ответственное должностное лицо (п. 8, 14) — {who}")


def _actions(actor: Actor, incident: Incident, assignments: list[Assignment],
             answers: list[Answer]) -> tuple[frozenset[str], tuple[str, ...]]:
    status = IncidentStatus(incident.status)
    closed = status in (IncidentStatus.ANSWERED, IncidentStatus.NO_ANSWER)
    actions: set[str] = set()
    kinds: tuple[str, ...] = ()
    if closed:
        return frozenset(), kinds
    submitted = next((a for a in reversed(answers) if a.state == AnswerState.SUBMITTED
                      and a.kind != AnswerKind.CONTRIBUTION), None)
    if submitted is not None and status == IncidentStatus.ON_APPROVAL and submitted.author_id != actor.user_id:
        author = User.get_or_none(User.id == submitted.author_id)
        by_curator = author is not None and Role.CURATOR.value in author.role_set
        # clauses 8, 14: a curator's own text is decided by the responsible official, not by a curator
        if actor.has(Role.RESPONSIBLE) if by_curator else actor.is_curator:
            actions |= {"approve", "return"}
    if actor.is_curator or actor.has(Role.RESPONSIBLE):
        actions.add("comment")
    if actor.is_curator:
        actions |= {"close_no_answer", "change_priority"}
        if status not in (IncidentStatus.ON_APPROVAL, IncidentStatus.APPROVED):
            actions.add("route")
        if incident.request_state == RequestState.WAITING:
            actions.add("record_author_reply")
        active = [a for a in assignments if a.state in ACTIVE_ASSIGNMENT]
        if len(active) > 1 and status in (IncidentStatus.ROUTED, IncidentStatus.RETURNED, IncidentStatus.CLARIFICATION):
            actions.add("appoint_consolidator")
        if any(a.kind == AnswerKind.INTERIM and a.state == AnswerState.PUBLISHED for a in answers):
            actions.add("set_stage_limits")
    if any(a.unit_id in actor.unit_ids for a in assignments):
        actions.add("comment")
    mine = [a for a in assignments if a.state in ACTIVE_ASSIGNMENT and a.unit_id in actor.unit_ids]
    if mine:
        own = sorted(mine, key=lambda a: (a.unit_id != actor.unit_id, a.id))[0]
        sent_answer = any(x.assignment_id == own.id and x.state != AnswerState.EDITING
                          and x.kind not in (AnswerKind.REQUEST, AnswerKind.CONTRIBUTION) for x in answers)
        if status in (IncidentStatus.ROUTED, IncidentStatus.CLARIFICATION, IncidentStatus.INTERIM) and not sent_answer:
            actions.add("not_competent")
        if incident.request_state == RequestState.WAITING:
            actions.add("record_author_reply")
        if request_possible(incident):
            actions.add("edit_request")
            if any(x.assignment_id == own.id and x.state == AnswerState.EDITING and x.kind == AnswerKind.REQUEST
                   for x in answers):
                actions.add("submit_request")
        if status in set(ANSWER_STATUSES):
            kinds = tuple(sorted(k.value for k in allowed_answer_kinds(incident, own)))
            actions.add("edit_answer")
            if any(x.assignment_id == own.id and x.state == AnswerState.EDITING and x.kind != AnswerKind.REQUEST
                   for x in answers):
                actions.add("submit")
        approved = [x for x in answers if x.state == AnswerState.APPROVED]
        if status == IncidentStatus.APPROVED and approved and approved[-1].assignment_id in {a.id for a in mine}:
            actions.add("publish")
    return frozenset(actions), kinds


def check_draft(card: IncidentCard, text: str) -> list[answer_checks.Finding]:
    """The clause-14 checks of a draft against this incident's question and network.

    The length is counted as the text will be stored and posted — without the blank lines and
    spaces around it — so the finding names the same number as the editor's counter.
    """
    findings = answer_checks.check_answer(text, card.text, card.network)
    stripped = text.strip()
    if stripped == text:
        return findings
    lead = len(text) - len(text.lstrip())
    length = [dataclasses.replace(f, start=None if f.start is None else f.start + lead,
                                  end=None if f.end is None else f.end + lead)
              for f in answer_checks.check_length(stripped, card.network)]
    findings = [f for f in findings if f.kind != "length"] + length
    findings.sort(key=lambda f: (f.start is None, f.start or 0, f.end or 0))
    return findings


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Differences between two answer versions as (op, text): equal, insert, delete."""
    a = re.findall(r"\S+|\s+", old)
    b = re.findall(r"\S+|\s+", new)
    result: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            result.append(("equal", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                result.append(("delete", "".join(a[i1:i2])))
            if j2 > j1:
                result.append(("insert", "".join(b[j1:j2])))
    return result


def attachment_data(actor: Actor, attachment_id: int) -> tuple[str, bytes]:
    att = (Attachment.select(Attachment, Answer.incident).join(Answer, JOIN.INNER)
           .where(Attachment.id == attachment_id).first())
    if att is None:
        raise NotFound("Вложение не найдено")
    check_visible(actor, att.answer.incident_id)
    return att.filename, bytes(att.data)
