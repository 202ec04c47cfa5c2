"""Issue 11: the decisions the regulation requires (clauses 10, 14, 21), the transitions the service
layer must refuse (re-routing a text on approval) and a revision judged by its own clock (15).

The world starts on Tuesday 24.11.2026, 09:30 (Moscow); moments are counted by hand in the comments.
"""
from __future__ import annotations

from datetime import datetime

import pytest

from app.models import Answer, Assignment, Incident
from app.models.enums import (
    CLAUSE21_REASONS, NO_ANSWER_REASON_LABELS, AnswerKind, AssignmentState, IncidentStatus, NoAnswerReason,
    RequestState, ReturnReason, Role, UnitKind,
)
from app.services import catalog, incident_view, notifications, queue, users, workflow
from app.services.deadlines import ClockState
from app.services.errors import InvalidTransition, NotFound, PermissionDenied, ValidationError
from tests.helpers.world import MSK, World, build_world
from tests.services.fidelity_helpers import (
    ANSWER, LINK, clock_timing, clocks, draft, events as events_of, local, payload, register, request, route, row,
    snapshot, tab, the, timing,
)


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


# --- clause 10: topic and location -------------------------------------------------------------

def test_routing_needs_a_location_or_the_explicit_no_location_decision(world: World) -> None:
    w = world
    k = w.actor("kurator")
    ref = register(w)
    before = snapshot(ref.id)
    with pytest.raises(ValidationError, match=r"Укажите место.*«без привязки к месту» \(п\. 10\)"):
        workflow.route(k, ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id)
    with pytest.raises(ValidationError, match="но не то и другое"):
        workflow.route(k, ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                       location_id=w.location_id, no_location=True)
    with pytest.raises(NotFound, match="Локация с номером 999"):
        workflow.route(k, ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id, location_id=999)
    assert snapshot(ref.id) == before  # nothing written, the version not spent
    ref = workflow.route(k, ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id, no_location=True)
    card = incident_view.load_card(k, ref.id)
    assert (card.no_location, card.location, card.location_text) == (True, "", "без привязки к месту")
    (routed,) = events_of(ref.id, "incident.route")
    assert (payload(routed)["no_location"], payload(routed)["location"]) == (True, None)
    # a re-route keeps the decision unless a new one is given
    ref = workflow.declare_not_competent(w.actor("zhkh"), ref.id, ref.version, reason="Не наше")
    ref = workflow.route(k, ref.id, ref.version, unit_ids=[w.units["blago"]], topic_id=w.topic_id)
    assert incident_view.load_card(k, ref.id).location_text == "без привязки к месту"
    ref = workflow.declare_not_competent(w.actor("blago"), ref.id, ref.version, reason="И не наше")
    ref = workflow.route(k, ref.id, ref.version, unit_ids=[w.units["arhit"]], topic_id=w.topic_id,
                         location_id=w.location_id)
    card = incident_view.load_card(k, ref.id)
    assert (card.no_location, card.location_text) == (False, "ул. Красная")
    assert payload(events_of(ref.id, "incident.reroute")[-1])["location"] == w.location_id


# --- clause 21: exactly its grounds; «not about the administration» is another way to close --------

def test_clause_21_reasons_are_exactly_its_grounds_and_not_ours_is_closed_on_its_own_line(world: World) -> None:
    w = world
    k = w.actor("kurator")
    assert CLAUSE21_REASONS == (NoAnswerReason.HARM_INTENT, NoAnswerReason.OBSCENE, NoAnswerReason.INSULT,
                                NoAnswerReason.THREAT)
    assert NoAnswerReason.NOT_ABOUT_ADMINISTRATION not in CLAUSE21_REASONS
    assert all(NO_ANSWER_REASON_LABELS[r].endswith("(п. 21)") for r in CLAUSE21_REASONS)
    assert NO_ANSWER_REASON_LABELS[NoAnswerReason.NOT_ABOUT_ADMINISTRATION] == \
        "Не касается деятельности администрации — не инцидент (п. 2)"
    closed = {}
    for n, reason in enumerate([*CLAUSE21_REASONS, NoAnswerReason.NOT_ABOUT_ADMINISTRATION], 1):
        ref = route(w, register(w, n)) if n % 2 else register(w, n)
        ref = workflow.close_without_answer(k, ref.id, ref.version, reason=reason)
        closed[reason] = ref.id
        incident = Incident.get_by_id(ref.id)
        assert (incident.status, incident.no_answer_reason, incident.next_due_at) == (
            IncidentStatus.NO_ANSWER, reason, None)
        (event,) = [e for e in events_of(ref.id) if e.to_state == IncidentStatus.NO_ANSWER]
        not_ours = reason == NoAnswerReason.NOT_ABOUT_ADMINISTRATION
        assert event.action == ("incident.not_ours" if not_ours else "incident.no_answer")
        assert (event.comment, payload(event)["reason"]) == (NO_ANSWER_REASON_LABELS[reason], reason)
        card = incident_view.load_card(k, ref.id)
        assert card.no_answer_reason == NO_ANSWER_REASON_LABELS[reason]
        assert card.events[-1].label == ("Закрыт: не касается деятельности администрации (п. 2)" if not_ours
                                         else "Закрыт без ответа (п. 21)")
        assert not [c for c in card.clocks if c.code == "answer"]  # no answer is due: no answer clock
        assert not [c for c in card.clocks if c.is_open]
    assert all(i not in tab(w, "overdue") for i in closed.values())
    ref = register(w, 9)
    before = snapshot(ref.id)
    with pytest.raises(ValidationError, match="Причина закрытия без ответа: неизвестное значение «spam»"):
        workflow.close_without_answer(k, ref.id, ref.version, reason="spam")
    assert snapshot(ref.id) == before


# --- clause 14: never the author; a curator's text is approved by the responsible official ---------

def _curator_executor(w: World) -> tuple[int, int]:
    """The department's own head: the curator of clause 4 who also executes (clause 6)."""
    unit = catalog.create_unit("Организационно-кадровый отдел", UnitKind.DEPARTMENT).id
    user = users.create_user("okadr", "Слепокурова Яна Евгеньевна (исполнитель)", "okadr-password",
                             [Role.CURATOR, Role.EXECUTOR], unit_id=unit).id
    return unit, user


def test_the_author_never_approves_and_a_curators_text_goes_to_the_responsible_official(world: World,
                                                                                     heard) -> None:  # noqa: ANN001
    w = world
    unit, author = _curator_executor(w)
    w.ids["okadr"] = author
    k, writer, responsible = w.actor("kurator"), w.actor("okadr"), w.actor("otvetstv")
    ref = register(w)
    w.clock.work(10)
    ref = workflow.route(k, ref.id, ref.version, unit_ids=[unit], topic_id=w.topic_id, location_id=w.location_id)
    w.clock.work(30)  # 10:10
    ref = draft(w, ref, "okadr")
    submitted = [e for e in heard if e.kind == "submitted"][-1]
    assert (submitted.to_responsible, submitted.to_curators) == (True, False)
    before = snapshot(ref.id)
    with pytest.raises(PermissionDenied, match="текст подготовлен вами.*ответственное должностное лицо"):
        workflow.approve(writer, ref.id, ref.version)
    with pytest.raises(PermissionDenied, match="подготовлен куратором — его согласует ответственное"):
        workflow.approve(k, ref.id, ref.version)  # another curator is not the one to decide either
    assert snapshot(ref.id) == before
    for who, can in ((k, False), (writer, False), (responsible, True)):
        card = incident_view.load_card(who, ref.id)
        assert ({"approve", "return"} <= card.actions) is can
        assert "согласует не автор, а ответственное должностное лицо (п. 8, 14) — Козыренко Елена Петровна" \
            in card.approver_note
    # the responsible official finds it in a tab of their own and hears about its approval clock
    assert ("to_decide", "Согласовать (п. 8, 14)") in queue.presets_for(responsible)
    assert tab(w, "to_decide", "otvetstv") == {ref.id}
    w.clock.work(23)  # 10:33: 23 of the 30 minutes used, past 75 % — the warning
    assert [a.incident_id for a in notifications.pending_alerts(responsible)
            if "Согласование версии" in a.message] == [ref.id]
    w.clock.set(w.clock.moment.replace(minute=10))  # back to 10:10, when it was submitted
    # the responsible official returns it 20 minutes after submission (due 10:10 + 30 = 10:40), then approves
    w.clock.work(20)
    ref = workflow.return_for_revision(responsible, ref.id, ref.version, reasons=[ReturnReason.SPELLING])
    w.clock.work(30)
    ref = draft(w, ref, "okadr")
    w.clock.work(25)
    ref = workflow.approve(responsible, ref.id, ref.version)
    approved = events_of(ref.id, "answer.approve")[0]
    approvals = [c for c in clocks(w, ref.id) if c.code == "approval"]
    assert approved.actor_id == w.ids["otvetstv"]
    assert [timing(e) for e in events_of(ref.id, "answer.return") + [approved]] == \
        [clock_timing(c) for c in approvals] == [(20, 30, True), (25, 30, True)]
    ref = workflow.publish(writer, ref.id, ref.version, url=LINK.format(1) + "?reply=1")
    assert Incident.get_by_id(ref.id).status == IncidentStatus.ANSWERED


def test_an_executors_text_is_decided_by_the_curator_only(world: World) -> None:
    w = world
    ref = draft(w, route(w, register(w)))
    before = snapshot(ref.id)
    for login, message in (("zhkh", "текст подготовлен вами"), ("zhkh2", "только куратор"),
                           ("otvetstv", "этот текст согласует куратор"), ("glava", "только куратор")):
        with pytest.raises(PermissionDenied, match=message):
            workflow.return_for_revision(w.actor(login), ref.id, ref.version, reasons=[ReturnReason.SPELLING])
        assert not {"approve", "return"} & incident_view.load_card(w.actor(login), ref.id).actions
    assert snapshot(ref.id) == before
    assert incident_view.load_card(w.actor("kurator"), ref.id).approver_note == ""
    workflow.approve(w.actor("kurator"), ref.id, ref.version)


def test_a_request_written_by_the_curator_is_decided_by_the_responsible_official(world: World) -> None:
    w = world
    unit, author = _curator_executor(w)
    w.ids["okadr"] = author
    ref = workflow.route(w.actor("kurator"), register(w).id, 1, unit_ids=[unit], topic_id=w.topic_id, no_location=True)
    ref = request(w, ref, "okadr")
    with pytest.raises(PermissionDenied):
        workflow.approve(w.actor("kurator"), ref.id, ref.version)
    ref = workflow.approve(w.actor("otvetstv"), ref.id, ref.version)
    assert Incident.get_by_id(ref.id).request_state == RequestState.APPROVED


# --- re-routing a text that is on approval or approved ---------------------------------------------

def test_rerouting_a_draft_on_approval_is_refused_until_it_is_returned_and_the_removed_unit_cannot_publish(
        world: World) -> None:
    w = world
    k = w.actor("kurator")
    ref = draft(w, route(w, register(w)))
    before = snapshot(ref.id)
    with pytest.raises(InvalidTransition, match="проект ответа на согласовании.*«Переадресация в другое "
                                                "подведомственное учреждение» \\(п. 14\\)"):
        workflow.route(k, ref.id, ref.version, unit_ids=[w.units["blago"]], topic_id=w.topic_id)
    assert snapshot(ref.id) == before
    assert "route" not in incident_view.load_card(k, ref.id).actions
    ref = workflow.return_for_revision(k, ref.id, ref.version, reasons=[ReturnReason.REDIRECTION])
    ref = workflow.route(k, ref.id, ref.version, unit_ids=[w.units["blago"]], topic_id=w.topic_id)
    (reroute,) = events_of(ref.id, "incident.reroute")
    assert (payload(reroute)["removed"], payload(reroute)["added"]) == (
        ["Отдел ЖКХ, благоустройства и транспорта"], ["МКУ «Управление благоустройства»"])
    states = {a.unit_id: a.state for a in Assignment.select()}
    assert states == {w.units["zhkh"]: AssignmentState.CANCELLED, w.units["blago"]: AssignmentState.ASSIGNED}
    assert Incident.get_by_id(ref.id).status == IncidentStatus.ROUTED
    # the removed unit can do nothing any more (it still reads the card and may comment)
    e = w.actor("zhkh")
    assert incident_view.load_card(e, ref.id).actions == {"comment"}
    with pytest.raises(PermissionDenied, match="не в ваш отдел"):
        workflow.save_draft(e, ref.id, ref.version, text=ANSWER)
    ref = draft(w, ref, "blago")
    ref = workflow.approve(k, ref.id, ref.version)
    with pytest.raises(PermissionDenied, match="не в ваш отдел"):
        workflow.publish(e, ref.id, ref.version, url=LINK.format(1) + "?reply=1")
    ref = workflow.publish(w.actor("blago"), ref.id, ref.version, url=LINK.format(1) + "?reply=1")
    states = {a.unit_id: a.state for a in Assignment.select()}
    assert states == {w.units["zhkh"]: AssignmentState.CANCELLED, w.units["blago"]: AssignmentState.DONE}


@pytest.mark.parametrize(("what", "message"), [
    ("answer", "ответ согласован и ждёт размещения \\(п. 16\\)"),
    ("request", "запрос \\(уточнение\\) согласован и ждёт размещения \\(п. 16\\) — перенаправьте инцидент после"),
    ("request_on_approval", "запрос \\(уточнение\\) на согласовании. Сначала верните"),
])
def test_rerouting_an_approved_text_is_refused_with_a_message_that_can_be_followed(world: World, what: str,
                                                                                   message: str) -> None:
    w = world
    k = w.actor("kurator")
    ref = route(w, register(w))
    ref = draft(w, ref) if what == "answer" else request(w, ref)
    if what != "request_on_approval":
        ref = workflow.approve(k, ref.id, ref.version)
    before = snapshot(ref.id)
    with pytest.raises(InvalidTransition, match=message):
        workflow.route(k, ref.id, ref.version, unit_ids=[w.units["blago"]], topic_id=w.topic_id)
    assert snapshot(ref.id) == before
    if what == "request":  # once posted, the incident can be re-routed; the author is still awaited
        ref = workflow.publish(w.actor("zhkh"), ref.id, ref.version, url=LINK.format(1) + "?reply=1")
        ref = workflow.route(k, ref.id, ref.version, unit_ids=[w.units["blago"]], topic_id=w.topic_id)
        incident = Incident.get_by_id(ref.id)
        assert (incident.status, incident.request_state) == (IncidentStatus.CLARIFICATION, RequestState.WAITING)
        ref = workflow.record_author_reply(w.actor("blago"), ref.id, ref.version, text="Дом 12")
        assert Incident.get_by_id(ref.id).status == IncidentStatus.ROUTED


def test_a_competence_notice_while_the_author_is_awaited_puts_the_incident_back_to_the_curator(world: World) -> None:
    w = world
    ref = request(w, route(w, register(w)))
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)
    ref = workflow.publish(w.actor("zhkh"), ref.id, ref.version, url=LINK.format(1) + "?reply=1")
    ref = workflow.declare_not_competent(w.actor("zhkh"), ref.id, ref.version, reason="Сети освещения не наши")
    incident = Incident.get_by_id(ref.id)
    # nobody works on it: it is the curator's to route again (cl. 11), and still awaits its author
    assert (incident.status, incident.request_state) == (IncidentStatus.NEW, RequestState.WAITING)
    assert ref.id in tab(w, "new") and ref.id in tab(w, "clarification")
    assert incident.next_due_code == "rerouting"


# --- clause 15: a returned answer is revised by the next answer, not by a request --------------------

def test_a_request_sent_after_a_return_does_not_stop_the_revision_clock_of_the_answer(world: World) -> None:
    w = world
    k = w.actor("kurator")
    ref = register(w)
    w.clock.work(10)
    ref = route(w, ref)  # 09:40
    w.clock.work(20)
    ref = draft(w, ref)  # 10:00
    w.clock.work(10)
    ref = workflow.return_for_revision(k, ref.id, ref.version, reasons=[ReturnReason.OFF_QUESTION])  # 10:10
    # cl. 15: revised within the hour, by 11:10; the executor asks the author first (10:20)
    w.clock.work(10)
    ref = request(w, ref)
    revision = the(clocks(w, ref.id), "revision", "Доработка версии 1")
    assert (local(revision.due_at), revision.state) == (datetime(2026, 11, 24, 11, 10), ClockState.RUNNING)
    ref = workflow.approve(k, ref.id, ref.version)
    ref = workflow.publish(w.actor("zhkh"), ref.id, ref.version, url=LINK.format(1) + "?reply=1")
    w.clock.set(datetime(2026, 11, 24, 11, 30, tzinfo=MSK))
    assert the(clocks(w, ref.id), "revision", "Доработка версии 1").state == ClockState.OVERDUE
    assert ref.id in tab(w, "overdue") and Incident.get_by_id(ref.id).next_due_code == "revision"
    assert row(w, ref.id).clock.code == "revision"
    ref = workflow.record_author_reply(k, ref.id, ref.version, text="Фонарь у дома 12")
    assert Incident.get_by_id(ref.id).status == IncidentStatus.RETURNED  # the answer still awaits its revision
    # resubmitted at 12:00: 10:10–12:00 = 110 working minutes of 60
    w.clock.set(datetime(2026, 11, 24, 12, 0, tzinfo=MSK))
    ref = draft(w, ref)
    revision = the(clocks(w, ref.id), "revision", "Доработка версии 1")
    resubmitted = events_of(ref.id, "answer.submit")[-1]
    assert payload(resubmitted)["step"] == "revision"
    assert timing(resubmitted) == clock_timing(revision) == (110, 60, False)
    assert [a.kind for a in Answer.select().order_by(Answer.number)] == [
        AnswerKind.DRAFT, AnswerKind.REQUEST, AnswerKind.DRAFT]
