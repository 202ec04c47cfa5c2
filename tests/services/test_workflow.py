"""Every path of Appendix 2 through the service layer, on the backend under test."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from app.models import (
    Answer, ApprovalDecision, Assignment, AuditEvent, AuthorReply, Comment, Incident, Publication,
)
from app.models.enums import (
    AbsenceKind, AnswerKind, AnswerState, AssignmentState, IncidentStatus, NoAnswerReason, Priority, ReturnReason,
)
from app.services import absences, audit, workflow
from app.services.errors import ConflictError, InvalidTransition, PermissionDenied, ValidationError
from tests.helpers.world import MSK, World, build_world

POST = "https://vk.com/wall-123456_{}"


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def register(w: World, n: int = 1, priority: Priority = Priority.NORMAL) -> workflow.Ref:
    return workflow.register_incident(
        w.actor("kurator"), link=POST.format(n), author="Ирина Ковалёва",
        text="На улице Красной третий день не горят фонари у дома 12, вечером идти страшно.",
        detected_at=w.clock.moment, priority=priority)


def routed(w: World, *units: str, n: int = 1, priority: Priority = Priority.NORMAL) -> workflow.Ref:
    ref = register(w, n, priority)
    w.clock.work(10)
    return workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units[u] for u in units or ("zhkh",)],
                          topic_id=w.topic_id, location_id=w.location_id)


def events_of(incident_id: int) -> list[AuditEvent]:
    return list(AuditEvent.select().where(AuditEvent.incident == incident_id).order_by(AuditEvent.id))


ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."


def answer_and_approve(w: World, ref: workflow.Ref, executor: str = "zhkh",
                       kind: AnswerKind = AnswerKind.DRAFT) -> workflow.Ref:
    w.clock.work(60)
    ref = workflow.save_draft(w.actor(executor), ref.id, ref.version, text=ANSWER, kind=kind)
    ref = workflow.submit_answer(w.actor(executor), ref.id, ref.version)
    w.clock.work(15)
    return workflow.approve(w.actor("kurator"), ref.id, ref.version)


def test_simple_answer_goes_from_registration_to_publication_within_every_limit(world: World, heard) -> None:  # noqa: ANN001
    w = world
    ref = register(w)
    incident = Incident.get_by_id(ref.id)
    assert incident.network == "vk" and incident.status == IncidentStatus.NEW
    # clause 9: 8 working hours from Tuesday 09:30: 3.5 h before lunch, 4 h after it, 0.5 h on Wednesday
    assert incident.due_at.astimezone(MSK) == datetime(2026, 11, 25, 9, 30, tzinfo=MSK)
    w.clock.work(20)
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]],
                         topic_id=w.topic_id, location_id=w.location_id)
    ref = answer_and_approve(w, ref)
    w.clock.work(10)
    ref = workflow.publish(w.actor("zhkh"), ref.id, ref.version, url="https://vk.com/wall-123456_1?reply=77")
    incident = Incident.get_by_id(ref.id)
    assert incident.status == IncidentStatus.ANSWERED
    assert Publication.get().url.endswith("reply=77")
    trail = events_of(ref.id)
    assert [e.action for e in trail] == ["incident.register", "incident.route", "answer.create", "answer.submit",
                                         "answer.approve", "answer.publish"]
    route_event = trail[1]
    assert (route_event.working_minutes, route_event.limit_minutes, route_event.within_limit) == (20, 30, True)
    assert trail[4].working_minutes == 15 and trail[4].within_limit
    assert trail[5].working_minutes == 10 and trail[5].limit_minutes == 30 and trail[5].within_limit
    assert audit.verify_chain().ok
    assert [e.kind for e in heard] == ["registered", "assigned", "submitted", "approved", "published"]
    approved = next(e for e in heard if e.kind == "approved")
    assert "в течение 30 мин" in approved.message and approved.unit_ids == {w.units["zhkh"]}


def test_high_priority_gets_four_working_hours_and_a_priority_change_moves_the_deadline(world: World) -> None:
    w = world
    ref = register(w, priority=Priority.HIGH)
    assert Incident.get_by_id(ref.id).due_at.astimezone(MSK) == datetime(2026, 11, 24, 14, 30, tzinfo=MSK)
    ref = workflow.change_priority(w.actor("kurator"), ref.id, ref.version, priority=Priority.NORMAL,
                                   comment="Не требует оперативного решения")
    assert Incident.get_by_id(ref.id).due_at.astimezone(MSK) == datetime(2026, 11, 25, 9, 30, tzinfo=MSK)
    change = events_of(ref.id)[-1]
    assert (change.action, change.from_state, change.to_state) == ("incident.priority", "high", "normal")


def test_competence_return_sends_it_back_to_the_curator_who_reroutes_on_the_rerouting_clock(world: World, heard) -> None:  # noqa: ANN001
    w = world
    ref = routed(w, "zhkh")
    w.clock.work(25)
    ref = workflow.declare_not_competent(w.actor("zhkh"), ref.id, ref.version,
                                         reason="Сети освещения обслуживает МКУ «Управление благоустройства»")
    assert Incident.get_by_id(ref.id).status == IncidentStatus.NEW
    notice = events_of(ref.id)[-1]
    assert (notice.action, notice.working_minutes, notice.within_limit) == ("assignment.not_competent", 25, True)
    assert any(e.kind == "not_competent" and e.to_curators for e in heard)
    w.clock.work(40)
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["blago"]], topic_id=w.topic_id)
    reroute = events_of(ref.id)[-1]
    assert reroute.action == "incident.reroute"
    assert (reroute.working_minutes, reroute.limit_minutes, reroute.within_limit) == (40, 30, False)
    states = {a.unit_id: a.state for a in Assignment.select()}
    assert states == {w.units["zhkh"]: AssignmentState.NOT_COMPETENT, w.units["blago"]: AssignmentState.ASSIGNED}
    assert Incident.get_by_id(ref.id).status == IncidentStatus.ROUTED


def test_clarification_request_to_the_author_and_the_authors_reply_are_both_kept(world: World) -> None:
    """Clause 13 as the regulation means it: the executor's question goes to the AUTHOR, through the
    curator's approval (cl. 14) and a posting in the network (cl. 16); the author's reply is kept."""
    w = world
    ref = routed(w)  # routed Tue 24.11.2026 09:40
    k, e = w.actor("kurator"), w.actor("zhkh")
    w.clock.work(30)  # 10:10: 30 of the 60 minutes of clause 13
    ref = workflow.save_request(e, ref.id, ref.version, text="Уточните, пожалуйста, номер дома на Красной.")
    ref = workflow.submit_request(e, ref.id, ref.version)
    assert Incident.get_by_id(ref.id).status == IncidentStatus.ON_APPROVAL
    w.clock.work(12)  # 10:22: approved 12 minutes after submission (30 allowed)
    ref = workflow.approve(k, ref.id, ref.version)
    w.clock.work(5)  # 10:27: posted 5 minutes after approval (30 allowed)
    ref = workflow.publish(e, ref.id, ref.version, url="https://vk.com/wall-123456_1?reply=9")
    assert Incident.get_by_id(ref.id).status == IncidentStatus.CLARIFICATION
    w.clock.work(20)
    ref = workflow.record_author_reply(k, ref.id, ref.version, text="Дом 12, со двора.",
                                       url="https://vk.com/wall-123456_1?reply=10")
    assert Incident.get_by_id(ref.id).status == IncidentStatus.ROUTED
    request = Answer.get(Answer.kind == AnswerKind.REQUEST)
    reply = AuthorReply.get()
    assert (request.text, request.state) == ("Уточните, пожалуйста, номер дома на Красной.", AnswerState.PUBLISHED)
    assert (reply.request_id, reply.text) == (request.id, "Дом 12, со двора.")
    trail = {ev.action: ev for ev in events_of(ref.id)}
    assert (trail["request.submit"].working_minutes, trail["request.submit"].limit_minutes) == (30, 60)
    approve = trail["request.approve"]
    assert (approve.working_minutes, approve.limit_minutes, approve.within_limit) == (12, 30, True)
    assert (trail["request.publish"].working_minutes, trail["request.publish"].limit_minutes) == (5, 30)
    assert '"waited_minutes": 20' in trail["request.author_reply"].payload


def test_a_plain_question_to_the_curator_is_a_comment_without_a_clock(world: World) -> None:
    w = world
    ref = routed(w)
    before = Incident.get_by_id(ref.id)
    note = workflow.add_comment(w.actor("zhkh"), ref.id, text="Какой именно дом на Красной?")
    workflow.add_comment(w.actor("kurator"), ref.id, text="Дом 12, со двора.")
    after = Incident.get_by_id(ref.id)
    assert (after.version, after.status, after.next_due_at) == (before.version, before.status, before.next_due_at)
    assert [c.text for c in Comment.select().order_by(Comment.id)] == ["Какой именно дом на Красной?",
                                                                        "Дом 12, со двора."]
    event = events_of(ref.id)[-2]
    assert (event.action, event.entity_id, event.working_minutes, event.limit_minutes) == (
        "incident.comment", note, None, None)
    with pytest.raises(PermissionDenied, match="не в ваш отдел"):
        workflow.add_comment(w.actor("arhit"), ref.id, text="Вопрос")


def test_two_returns_with_reasons_then_approval_keep_three_versions(world: World, heard) -> None:  # noqa: ANN001
    w = world
    ref = routed(w)
    k, e = w.actor("kurator"), w.actor("zhkh")
    w.clock.work(30)
    ref = workflow.save_draft(e, ref.id, ref.version, text="В целях устранения осуществляется ремонт.")
    ref = workflow.submit_answer(e, ref.id, ref.version)
    ref = workflow.return_for_revision(k, ref.id, ref.version, reasons=[ReturnReason.CLAUSE_20],
                                       comment="Канцелярит, напишите проще")
    w.clock.work(70)
    ref = workflow.save_and_resubmit(e, ref.id, ref.version, text="Фанари починят.")
    ref = workflow.return_for_revision(k, ref.id, ref.version, reasons=[ReturnReason.SPELLING, ReturnReason.OFF_QUESTION])
    w.clock.work(20)
    ref = workflow.save_and_resubmit(e, ref.id, ref.version, text=ANSWER)
    ref = workflow.approve(k, ref.id, ref.version)
    versions = list(Answer.select().order_by(Answer.number))
    assert [(a.number, a.state) for a in versions] == [(1, AnswerState.RETURNED), (2, AnswerState.RETURNED),
                                                        (3, AnswerState.APPROVED)]
    decisions = list(ApprovalDecision.select().order_by(ApprovalDecision.id))
    assert [d.reasons for d in decisions] == ["clause_20", "spelling,off_question", ""]
    revisions = [ev for ev in events_of(ref.id) if ev.action == "answer.submit"][1:]
    assert [(ev.working_minutes, ev.limit_minutes, ev.within_limit) for ev in revisions] == [(70, 60, False), (20, 60, True)]
    returned = [ev for ev in heard if ev.kind == "returned"]
    assert "Орфографические и пунктуационные ошибки" in returned[1].message


def test_interim_answer_opens_a_seven_working_day_final_stage_with_curator_limits(world: World) -> None:
    w = world
    ref = routed(w)
    ref = answer_and_approve(w, ref, kind=AnswerKind.INTERIM)
    w.clock.set(datetime(2026, 11, 24, 16, 0, tzinfo=MSK))
    ref = workflow.publish(w.actor("zhkh"), ref.id, ref.version, url="https://vk.com/wall-123456_1?reply=1")
    incident = Incident.get_by_id(ref.id)
    assert incident.status == IncidentStatus.INTERIM
    # 7 working days counted from the next day: 25, 26, 27 Nov, 30 Nov, 1, 2, 3 Dec → end of 3 Dec
    assert incident.due_at.astimezone(MSK) == datetime(2026, 12, 3, 18, 0, tzinfo=MSK)
    with pytest.raises(InvalidTransition, match="окончательный ответ"):
        workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER, kind=AnswerKind.DRAFT)
    ref = workflow.set_stage_limits(w.actor("kurator"), ref.id, ref.version, limits={"approval": 120, "publication": 60})
    w.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=MSK))
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER, kind=AnswerKind.FINAL)
    ref = workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)
    w.clock.work(90)
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)
    approval = events_of(ref.id)[-1]
    assert (approval.working_minutes, approval.limit_minutes, approval.within_limit) == (90, 120, True)
    w.clock.work(45)
    ref = workflow.publish(w.actor("zhkh"), ref.id, ref.version, url="https://vk.com/wall-123456_1?reply=2")
    incident = Incident.get_by_id(ref.id)
    assert incident.status == IncidentStatus.ANSWERED
    assert [a.kind for a in Answer.select().order_by(Answer.number)] == ["interim", "final"]


def test_three_units_contribute_and_the_appointed_one_writes_the_consolidated_answer(world: World) -> None:
    w = world
    ref = routed(w, "zhkh", "blago", "vodokanal")
    assert Assignment.select().count() == 3
    for login in ("blago", "vodokanal"):
        w.clock.work(30)
        ref = workflow.save_draft(w.actor(login), ref.id, ref.version, text=f"{login}: сведения для ответа",
                                  kind=AnswerKind.CONTRIBUTION)
        ref = workflow.submit_answer(w.actor(login), ref.id, ref.version)
    contribution = [e for e in events_of(ref.id) if e.action == "answer.contribute"]
    assert len(contribution) == 2 and all(e.limit_minutes == 120 and e.within_limit for e in contribution)
    with pytest.raises(InvalidTransition, match="информация для сводного ответа"):
        workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER, kind=AnswerKind.DRAFT)
    ref = workflow.appoint_consolidator(w.actor("kurator"), ref.id, ref.version, unit_id=w.units["zhkh"])
    ref = answer_and_approve(w, ref, "zhkh", AnswerKind.CONSOLIDATED)
    ref = workflow.publish(w.actor("zhkh"), ref.id, ref.version, url="https://vk.com/wall-123456_1?reply=3")
    assert Incident.get_by_id(ref.id).status == IncidentStatus.ANSWERED
    assert {a.state for a in Assignment.select()} == {AssignmentState.DONE}


def test_deputy_acts_for_an_absent_executor_and_the_trail_names_both(world: World) -> None:
    w = world
    ref = routed(w, "zhkh")
    with pytest.raises(PermissionDenied, match="не в ваш отдел"):
        workflow.save_draft(w.actor("blago"), ref.id, ref.version, text=ANSWER)
    absences.add_absence(w.actor("admin"), user_id=w.ids["zhkh"], deputy_id=w.ids["blago"],
                         kind=AbsenceKind.VACATION, starts_on=date(2026, 11, 23), ends_on=date(2026, 12, 4))
    ref = workflow.save_draft(w.actor("blago"), ref.id, ref.version, text=ANSWER)
    event = events_of(ref.id)[-1]
    assert (event.actor_id, event.acting_for_id) == (w.ids["blago"], w.ids["zhkh"])
    # after the absence the deputy's access ends
    with pytest.raises(PermissionDenied):
        workflow.submit_answer(w.actor("blago", today=date(2026, 12, 7)), ref.id, ref.version)


def test_clause_21_closes_without_answer_and_cancels_assignments(world: World) -> None:
    w = world
    ref = routed(w)
    ref = workflow.close_without_answer(w.actor("kurator"), ref.id, ref.version, reason=NoAnswerReason.OBSCENE)
    incident = Incident.get_by_id(ref.id)
    assert (incident.status, incident.no_answer_reason) == (IncidentStatus.NO_ANSWER, "obscene")
    assert Assignment.get().state == AssignmentState.CANCELLED
    with pytest.raises(InvalidTransition, match="Без ответа"):
        workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id)


def test_duplicate_link_is_refused_pointing_at_the_existing_incident(world: World) -> None:
    first = register(world)
    with pytest.raises(workflow.DuplicateIncident, match=f"№ {first.id}"):
        register(world)
    assert Incident.select().count() == 1


@pytest.mark.parametrize("link", ["https://example.com/post/1", "vk.com/wall-1_1", "https://vk.com/", "ftp://t.me/x"])
def test_links_outside_the_three_networks_are_refused(world: World, link: str) -> None:
    with pytest.raises(ValidationError):
        workflow.register_incident(world.actor("kurator"), link=link, author="А", text="Текст",
                                   detected_at=world.clock.moment)


def test_networks_are_detected_from_links() -> None:
    assert workflow.detect_network("https://vk.ru/wall-1_2") == "vk"
    assert workflow.detect_network("https://m.ok.ru/group/1/topic/2") == "ok"
    assert workflow.detect_network("https://t.me/korenovsk_chat/15") == "telegram"


CURATOR_ACTIONS = ["register", "route", "close", "priority", "approve", "return", "consolidator",
                   "stage_limits"]
EXECUTOR_ACTIONS = ["not_competent", "ask", "submit_request", "draft", "submit", "publish"]
FORBIDDEN = (
    # the author never decides on their own text; the responsible official decides only on texts
    # the curator wrote (clauses 8, 14)
    [(login, action, {"zhkh": "подготовлен вами", "otvetstv": "согласует куратор"}.get(login, "только куратор")
      if action in ("approve", "return") else "только куратор")
     for login in ("zhkh", "arhit", "glava", "otvetstv", "admin") for action in CURATOR_ACTIONS]
    + [("zhkh2", action, "только куратор") for action in ("approve", "return")]
    + [(login, action, "не в ваш отдел") for login in ("arhit", "glava", "otvetstv", "admin", "kurator")
       for action in EXECUTOR_ACTIONS]
    # the author's reply is recorded by the curator or an executor of the incident
    + [(login, "reply", "не в ваш отдел") for login in ("arhit", "glava", "otvetstv", "admin")]
)


def prepared(w: World, action: str) -> workflow.Ref:
    """An incident in exactly the state where ``action`` is possible for the right person."""
    k, e = w.actor("kurator"), w.actor("zhkh")
    if action == "consolidator":
        return routed(w, "zhkh", "blago")
    ref = routed(w)
    if action in ("reply", "submit_request"):
        ref = workflow.save_request(e, ref.id, ref.version, text="Уточните, пожалуйста, номер дома.")
        if action == "submit_request":
            return ref
        ref = workflow.submit_request(e, ref.id, ref.version)
        ref = workflow.approve(k, ref.id, ref.version)
        return workflow.publish(e, ref.id, ref.version, url="https://vk.com/wall-123456_1?reply=5")
    if action in ("approve", "return", "stage_limits", "publish", "submit"):
        ref = workflow.save_draft(e, ref.id, ref.version, text=ANSWER,
                                  kind=AnswerKind.INTERIM if action == "stage_limits" else AnswerKind.DRAFT)
        if action == "submit":
            return ref
        ref = workflow.submit_answer(e, ref.id, ref.version)
        if action in ("publish", "stage_limits"):
            ref = workflow.approve(k, ref.id, ref.version)
        if action == "stage_limits":
            ref = workflow.publish(e, ref.id, ref.version, url="https://vk.com/wall-123456_1?reply=1")
    return ref


def perform(w: World, action: str, actor, ref: workflow.Ref) -> workflow.Ref:  # noqa: ANN001
    """Call the workflow function behind an action code with plausible arguments."""
    calls = {
        "register": lambda: workflow.register_incident(actor, link=POST.format(99), author="А", text="Т",
                                                       detected_at=w.clock.moment),
        "route": lambda: workflow.route(actor, ref.id, ref.version, unit_ids=[w.units["blago"]], topic_id=w.topic_id),
        "close": lambda: workflow.close_without_answer(actor, ref.id, ref.version, reason=NoAnswerReason.INSULT),
        "priority": lambda: workflow.change_priority(actor, ref.id, ref.version, priority=Priority.HIGH),
        "reply": lambda: workflow.record_author_reply(actor, ref.id, ref.version, text="Дом 12"),
        "approve": lambda: workflow.approve(actor, ref.id, ref.version),
        "return": lambda: workflow.return_for_revision(actor, ref.id, ref.version, reasons=[ReturnReason.SPELLING]),
        "consolidator": lambda: workflow.appoint_consolidator(actor, ref.id, ref.version, unit_id=w.units["zhkh"]),
        "stage_limits": lambda: workflow.set_stage_limits(actor, ref.id, ref.version, limits={"approval": 60}),
        "not_competent": lambda: workflow.declare_not_competent(actor, ref.id, ref.version, reason="Не наше"),
        "ask": lambda: workflow.save_request(actor, ref.id, ref.version, text="Какой дом?"),
        "submit_request": lambda: workflow.submit_request(actor, ref.id, ref.version),
        "draft": lambda: workflow.save_draft(actor, ref.id, ref.version, text=ANSWER),
        "submit": lambda: workflow.submit_answer(actor, ref.id, ref.version),
        "publish": lambda: workflow.publish(actor, ref.id, ref.version, url="https://vk.com/wall-123456_1?reply=1"),
    }
    return calls[action]()


@pytest.mark.parametrize(("login", "action", "message"), FORBIDDEN)
def test_forbidden_action_is_refused_in_russian_and_writes_nothing(world: World, login: str, action: str,
                                                                   message: str) -> None:
    w = world
    ref = prepared(w, action)
    before = (AuditEvent.select().count(), Incident.get_by_id(ref.id).version, Answer.select().count(),
              Assignment.select().count())
    actor = w.actor(login)
    with pytest.raises(PermissionDenied, match=message):
        perform(w, action, actor, ref)
    assert (AuditEvent.select().count(), Incident.get_by_id(ref.id).version, Answer.select().count(),
            Assignment.select().count()) == before


@pytest.mark.parametrize(("action", "login"), [(a, "kurator") for a in CURATOR_ACTIONS[1:]]
                         + [(a, "zhkh") for a in EXECUTOR_ACTIONS] + [("reply", "kurator"), ("reply", "zhkh")])
def test_the_right_person_can_do_each_of_those_actions(world: World, action: str, login: str) -> None:
    """The refusals above are about the person, not the state: the right role succeeds."""
    w = world
    ref = prepared(w, action)
    assert perform(w, action, w.actor(login), ref).version == ref.version + 1


def test_concurrent_edit_is_refused_with_who_and_when(world: World) -> None:
    w = world
    ref = register(w)
    loaded_by_second_pc = ref.version
    workflow.change_priority(w.actor("kurator"), ref.id, ref.version, priority=Priority.HIGH)
    with pytest.raises(ConflictError) as error:
        workflow.route(w.actor("kurator"), ref.id, loaded_by_second_pc, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id)
    assert str(error.value) == ("Инцидент изменён пользователем Слепокурова Яна Евгеньевна в 09:30 24.11.2026; "
                                "обновите карточку")
    assert Assignment.select().count() == 0


def test_invalid_transitions_are_refused_with_a_clear_message(world: World) -> None:
    w = world
    ref = routed(w)
    with pytest.raises(InvalidTransition, match="невозможно, инцидент в статусе «В работе»"):
        workflow.approve(w.actor("kurator"), ref.id, ref.version)
    with pytest.raises(InvalidTransition, match="Размещение: невозможно, инцидент в статусе «В работе»"):
        workflow.publish(w.actor("zhkh"), ref.id, ref.version, url="https://vk.com/wall-123456_1?reply=1")
    with pytest.raises(InvalidTransition, match="сначала сохраните"):
        workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)
    with pytest.raises(ValidationError, match="хотя бы одну причину"):
        workflow.return_for_revision(w.actor("kurator"), ref.id, ref.version, reasons=[])


def test_audit_chain_verifies_after_a_full_story_and_detects_tampering(world: World) -> None:
    w = world
    ref = routed(w)
    answer_and_approve(w, ref)
    assert audit.verify_chain().ok
    from app.models import db as proxy

    target = events_of(ref.id)[2]
    proxy.execute_sql(f"UPDATE audit_event SET within_limit = NOT within_limit WHERE id = {target.id}"
                      if target.within_limit is not None else
                      f"UPDATE audit_event SET comment = 'исправлено' WHERE id = {target.id}")
    report = audit.verify_chain()
    assert report.broken_at == target.id


def test_detected_in_the_future_is_refused(world: World) -> None:
    with pytest.raises(ValidationError, match="ещё не наступило"):
        workflow.register_incident(world.actor("kurator"), link=POST.format(5), author="А", text="Т",
                                   detected_at=world.clock.moment + timedelta(hours=2))


# --- what an action writes and reads (kept while making the actions cheaper) -------------------

def test_a_conflict_names_whoever_changed_the_incident_last(world: World) -> None:
    w = world
    ref = routed(w)
    loaded_by_curator = ref.version
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    assert Incident.get_by_id(ref.id).updated_by_id == w.ids["zhkh"]
    with pytest.raises(ConflictError, match="^Инцидент изменён пользователем Иваненко Олег Викторович в "):
        workflow.change_priority(w.actor("kurator"), ref.id, loaded_by_curator, priority=Priority.HIGH)


def test_an_action_writes_only_what_it_changes(world: World) -> None:
    w = world
    ref = routed(w)
    # another PC corrects the author meanwhile without a new version (as an import would)
    Incident.update(author="Ирина Ковалёва (исправлено)").where(Incident.id == ref.id).execute()
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    ref = workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)
    incident = Incident.get_by_id(ref.id)
    assert incident.author == "Ирина Ковалёва (исправлено)"
    assert (incident.status, incident.version) == (IncidentStatus.ON_APPROVAL, ref.version)


def test_settings_changed_between_actions_are_seen_by_the_next_action(world: World) -> None:
    """Another PC changes the limits and the zone in the shared database: no action keeps old ones."""
    from app.models import Setting

    w = world
    ref = register(w)
    Setting.insert(key="limits", value='{"routing": 5}').on_conflict(
        conflict_target=[Setting.key], update={Setting.value: '{"routing": 5}'}).execute()
    w.clock.work(10)
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                         no_location=True)
    routing = events_of(ref.id)[-1]
    assert (routing.working_minutes, routing.limit_minutes, routing.within_limit) == (10, 5, False)

    Setting.insert(key="timezone", value='"Asia/Yekaterinburg"').on_conflict(
        conflict_target=[Setting.key], update={Setting.value: '"Asia/Yekaterinburg"'}).execute()
    second = workflow.register_incident(w.actor("kurator"), link=POST.format(2), author="Автор", text="Текст",
                                        detected_at=datetime(2026, 11, 24, 9, 0))  # naive: the zone's own time
    assert Incident.get_by_id(second.id).detected_at == datetime(2026, 11, 24, 4, 0, tzinfo=ZoneInfo("UTC"))


def test_a_user_switched_off_or_demoted_meanwhile_loses_the_right_at_the_next_action(world: World) -> None:
    """The window keeps the actor it signed in with; the administrator's change counts at once."""
    from app.services import admin

    w = world
    ref = routed(w)
    executor, curator = w.actor("zhkh"), w.actor("kurator")  # loaded when each signed in
    admin.update_user(w.actor("admin"), w.ids["zhkh"], full_name="Иваненко Олег Викторович", position="",
                      roles=["executor"], unit_id=w.units["zhkh"], is_active=False)
    with pytest.raises(PermissionDenied, match="учётная запись отключена"):
        workflow.save_draft(executor, ref.id, ref.version, text=ANSWER)
    admin.update_user(w.actor("admin"), w.ids["kurator"], full_name="Слепокурова Яна Евгеньевна", position="",
                      roles=["head"], unit_id=None, is_active=True)
    with pytest.raises(PermissionDenied, match="куратор"):
        workflow.change_priority(curator, ref.id, ref.version, priority=Priority.HIGH, comment="срочно")
    assert Incident.get_by_id(ref.id).priority == Priority.NORMAL


def test_each_action_moves_the_incident_one_version_on_and_writes_its_row_once(world: World) -> None:
    """An action claims the next version of the incident and writes everything it changed of the row —
    status, deadline columns, the new version — together at its end: the version goes up by exactly one,
    and on the shared server the record of changes (``row_change``, what ``audit verify`` reads) has one
    entry of the incident's row per action, not one per step of it."""
    from peewee import PostgresqlDatabase

    from app.models import db

    w = world
    on_server = isinstance(db.obj, PostgresqlDatabase)

    def changes_of_row(incident_id: int) -> int:
        return db.execute_sql("SELECT count(*) FROM row_change WHERE table_name = 'incident' AND row_id = %s",
                              (incident_id,)).fetchone()[0]

    ref = register(w)
    seen = changes_of_row(ref.id) if on_server else 0
    steps = [
        lambda r: workflow.route(w.actor("kurator"), r.id, r.version, unit_ids=[w.units["zhkh"]],
                                 topic_id=w.topic_id, location_id=w.location_id),
        lambda r: workflow.save_draft(w.actor("zhkh"), r.id, r.version, text=ANSWER),
        lambda r: workflow.submit_answer(w.actor("zhkh"), r.id, r.version),
        lambda r: workflow.approve(w.actor("kurator"), r.id, r.version),
        lambda r: workflow.publish(w.actor("zhkh"), r.id, r.version, url="https://vk.com/wall-123456_1?reply=77"),
    ]
    for step in steps:
        w.clock.work(10)
        before = ref.version
        ref = step(ref)
        incident = Incident.get_by_id(ref.id)
        assert ref.version == incident.version == before + 1
        if on_server:
            now = changes_of_row(ref.id)
            assert now - seen == 1, step
            seen = now
    incident = Incident.get_by_id(ref.id)
    assert incident.status == IncidentStatus.ANSWERED and incident.next_due_at is None
    assert audit.verify_chain().ok
