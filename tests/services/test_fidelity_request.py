"""Issue 11, clauses 13–16: the clarification request to the incident's author, a plain comment,
and where an answer (or a request) may be posted.

Every moment is counted by hand in the comments from the production calendar (Mon–Fri 09:00–18:00,
lunch 13:00–14:00) and the clause. The world starts on Tuesday 24.11.2026, 09:30 (Moscow).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.models import Answer, AuthorReply, Incident, Publication
from app.models.enums import AnswerKind, AnswerState, IncidentStatus, Priority, RequestState, ReturnReason
from app.services import dashboard, incident_view, workflow
from app.services.deadlines import ClockState
from app.services.errors import InvalidTransition, PermissionDenied, ValidationError
from tests.helpers.world import MSK, World, build_world
from tests.services.fidelity_helpers import (
    LINK, REQUEST, clock_timing, clocks, draft, events, local, minutes, payload, register, request, route, row,
    snapshot, tab, the, timing,
)


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def test_a_request_goes_to_the_curator_within_an_hour_is_returned_revised_approved_posted_and_answered(
        world: World) -> None:
    w = world
    k, e = w.actor("kurator"), w.actor("zhkh")
    ref = register(w)  # Tue 09:30
    w.clock.work(10)
    ref = route(w, ref)  # Tue 09:40
    # cl. 13: the request goes to the curator within 1 working hour of the assignment: 09:40 + 60 = 10:40
    ask = the(clocks(w, ref.id), "clarification")
    assert ask.optional and ask.state == ClockState.RUNNING
    assert (local(ask.started_at), local(ask.due_at)) == (datetime(2026, 11, 24, 9, 40), datetime(2026, 11, 24, 10, 40))

    w.clock.work(40)  # 10:20
    ref = request(w, ref)
    incident = Incident.get_by_id(ref.id)
    assert (incident.status, incident.request_state) == (IncidentStatus.ON_APPROVAL, RequestState.SUBMITTED)
    ask = the(clocks(w, ref.id), "clarification")
    assert (ask.state, local(ask.ended_at), minutes(ask.worked)) == (ClockState.MET, datetime(2026, 11, 24, 10, 20), 40)
    (submitted,) = events(ref.id, "request.submit")
    assert timing(submitted) == (40, 60, True) == clock_timing(ask)
    assert payload(submitted)["step"] == "clarification"
    assert ref.id in tab(w, "approval") and ref.id in tab(w, "clarification")

    # cl. 14: the curator decides within 30 minutes of the submission: 10:20 + 30 = 10:50; she returns at 10:55
    w.clock.work(35)
    ref = workflow.return_for_revision(k, ref.id, ref.version, reasons=[ReturnReason.SPELLING],
                                       comment="«пожалуйста» — с запятыми")
    approval = the(clocks(w, ref.id), "approval", "запроса (уточнения), версия 1")
    assert (local(approval.due_at), approval.state) == (datetime(2026, 11, 24, 10, 50), ClockState.MISSED)
    (returned,) = events(ref.id, "request.return")
    assert timing(returned) == (35, 30, False) == clock_timing(approval)
    assert payload(returned)["reasons"] == ["spelling"]
    assert Incident.get_by_id(ref.id).request_state == RequestState.RETURNED

    # cl. 15: revised and sent again within 1 hour of the return: 10:55 + 60 = 11:55; sent at 11:45
    w.clock.work(50)
    ref = request(w, ref, text=REQUEST.replace("Уточните, пожалуйста,", "Уточните, пожалуйста,"))
    revision = the(clocks(w, ref.id), "revision", "Доработка запроса, версия 1")
    assert (local(revision.due_at), revision.state) == (datetime(2026, 11, 24, 11, 55), ClockState.MET)
    resubmitted = events(ref.id, "request.submit")[-1]
    assert timing(resubmitted) == (50, 60, True) == clock_timing(revision)
    assert payload(resubmitted)["step"] == "revision"

    # approved 20 minutes later (12:05; due 11:45 + 30 = 12:15)
    w.clock.work(20)
    ref = workflow.approve(k, ref.id, ref.version)
    assert timing(events(ref.id, "request.approve")[0]) == (20, 30, True)
    # cl. 16: posted within 30 minutes of the approval: 12:05 + 30 = 12:35; posted at 12:30 under the message
    w.clock.work(25)
    ref = workflow.publish(e, ref.id, ref.version, url=LINK.format(1) + "?reply=2")
    posting = the(clocks(w, ref.id), "publication", "запроса")
    assert (posting.title, local(posting.due_at), posting.state) == (
        "Размещение согласованного запроса (уточнения)", datetime(2026, 11, 24, 12, 35), ClockState.MET)
    (posted,) = events(ref.id, "request.publish")
    assert timing(posted) == (25, 30, True) == clock_timing(posting)
    incident = Incident.get_by_id(ref.id)
    assert (incident.status, incident.request_state) == (IncidentStatus.CLARIFICATION, RequestState.WAITING)
    assert ref.id in tab(w, "clarification")
    assert row(w, ref.id).request_state == RequestState.WAITING
    assert row(w, ref.id).status_label == "Ждёт ответа автора"

    # the incident waits for its author; nothing is paused (cl. 9: the answer is due Wed 09:30 — 7 h 30 on
    # Tuesday from 09:30, 30 min on Wednesday; cl. 12: the draft 3 h before it, Tue 15:30)
    w.clock.work(60)  # 14:30: waited 12:30–13:00 and 14:00–14:30, one working hour
    card = incident_view.load_card(e, ref.id)
    answer, draft_clock = the(card.clocks, "answer"), the(card.clocks, "draft")
    assert (local(answer.due_at), answer.state) == (datetime(2026, 11, 25, 9, 30), ClockState.RUNNING)
    assert (local(draft_clock.due_at), draft_clock.state) == (datetime(2026, 11, 24, 15, 30), ClockState.RUNNING)
    assert local(Incident.get_by_id(ref.id).next_due_at) == datetime(2026, 11, 24, 15, 30)
    assert card.waiting_for_author and card.request_state_label == "ждёт ответа автора"
    assert card.author_wait == timedelta(hours=1) == row(w, ref.id).author_wait
    assert "record_author_reply" in card.actions and "edit_answer" in card.actions
    # the work on the answer goes on while the author is awaited
    ref = workflow.save_draft(e, ref.id, ref.version, text="Здравствуйте! Бригада выедет на Красную, 12.")

    # the author replied at 14:20 (waited 30 + 20 = 50 working minutes); the executor records it at 14:40
    w.clock.work(10)
    ref = workflow.record_author_reply(e, ref.id, ref.version, text="Дом 12, со стороны двора.",
                                       url=LINK.format(1) + "?reply=3",
                                       replied_at=datetime(2026, 11, 24, 14, 20, tzinfo=MSK))
    incident = Incident.get_by_id(ref.id)
    assert (incident.status, incident.request_state) == (IncidentStatus.ROUTED, None)
    (reply_event,) = events(ref.id, "request.author_reply")
    assert (reply_event.comment, payload(reply_event)["waited_minutes"]) == ("Дом 12, со стороны двора.", 50)
    assert reply_event.actor_id == w.ids["zhkh"]
    reply = AuthorReply.get()
    assert (reply.text, local(reply.replied_at), reply.recorded_by_id) == (
        "Дом 12, со стороны двора.", datetime(2026, 11, 24, 14, 20), w.ids["zhkh"])
    card = incident_view.load_card(w.actor("kurator"), ref.id)
    (posted_request,) = card.requests
    assert (posted_request.text, posted_request.reply, posted_request.reply_url) == (
        REQUEST, "Дом 12, со стороны двора.", LINK.format(1) + "?reply=3")
    assert (local(posted_request.posted_at), local(posted_request.replied_at)) == (
        datetime(2026, 11, 24, 12, 30), datetime(2026, 11, 24, 14, 20))
    assert posted_request.wait.worked == timedelta(minutes=50) and not posted_request.wait.waiting
    assert card.author_wait == timedelta(minutes=50) == row(w, ref.id).author_wait
    assert ref.id not in tab(w, "clarification")
    labels = [ev.label for ev in card.events]
    assert labels.count("Запрос (уточнение) автору направлен на согласование (п. 13)") == 2
    assert "Запрос (уточнение) размещён в соцсети (п. 16)" in labels
    assert "Записан ответ автора на запрос (п. 13)" in labels

    # the answer itself (submitted 14:40 < 15:30, approved, posted): the wait stays on the card
    ref = workflow.submit_answer(e, ref.id, ref.version)
    w.clock.work(10)
    ref = workflow.approve(k, ref.id, ref.version)
    w.clock.work(10)
    ref = workflow.publish(e, ref.id, ref.version, url=LINK.format(1) + "?reply=4")
    card = incident_view.load_card(w.actor("kurator"), ref.id)
    assert card.status == IncidentStatus.ANSWERED and the(card.clocks, "answer").state == ClockState.MET
    assert card.author_wait == timedelta(minutes=50)
    kinds = [(a.kind, a.state) for a in Answer.select().order_by(Answer.number)]
    assert kinds == [(AnswerKind.REQUEST, AnswerState.RETURNED), (AnswerKind.REQUEST, AnswerState.PUBLISHED),
                     (AnswerKind.DRAFT, AnswerState.PUBLISHED)]


def test_the_answer_clock_runs_on_while_the_author_is_awaited(world: World) -> None:
    """Cl. 17 names no pause: a high-priority incident whose author is silent becomes overdue."""
    w = world
    ref = register(w, priority=Priority.HIGH)  # Tue 09:30; cl. 17: 4 h → 09:30–13:00 and 14:00–14:30
    w.clock.work(10)
    ref = route(w, ref)
    w.clock.work(20)
    ref = request(w, ref)
    w.clock.work(10)
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)
    w.clock.work(10)
    ref = workflow.publish(w.actor("zhkh"), ref.id, ref.version, url=LINK.format(1) + "?reply=1")  # 10:20
    answer = the(clocks(w, ref.id), "answer")
    assert (answer.clause, local(answer.due_at)) == ("п. 17", datetime(2026, 11, 24, 14, 30))
    w.clock.set(datetime(2026, 11, 24, 14, 31, tzinfo=MSK))
    card = incident_view.load_card(w.actor("kurator"), ref.id)
    assert the(card.clocks, "answer").state == ClockState.OVERDUE
    assert card.status == IncidentStatus.CLARIFICATION and card.waiting_for_author
    # waited 10:20–13:00 and 14:00–14:31: 2 h 40 min + 31 min
    assert card.author_wait == timedelta(minutes=191)
    assert ref.id in tab(w, "overdue") and ref.id in tab(w, "clarification")
    assert dashboard.summary(w.actor("kurator")).overdue_now == 1


def test_a_request_can_only_be_one_at_a_time_and_is_answered_by_the_right_people(world: World) -> None:
    w = world
    ref = route(w, register(w))
    ref = request(w, ref)
    with pytest.raises(InvalidTransition):
        workflow.save_request(w.actor("zhkh"), ref.id, ref.version, text="Ещё вопрос")
    with pytest.raises(InvalidTransition):
        workflow.record_author_reply(w.actor("kurator"), ref.id, ref.version, text="Дом 12")
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)
    ref = workflow.publish(w.actor("zhkh"), ref.id, ref.version, url=LINK.format(1) + "?reply=1")
    with pytest.raises(InvalidTransition, match="в статусе «Ждёт ответа автора»"):
        workflow.save_request(w.actor("zhkh"), ref.id, ref.version, text="Ещё вопрос")
    before = snapshot(ref.id)
    with pytest.raises(PermissionDenied, match="не в ваш отдел"):
        workflow.record_author_reply(w.actor("arhit"), ref.id, ref.version, text="Дом 12")
    with pytest.raises(ValidationError, match="Telegram"):
        workflow.record_author_reply(w.actor("kurator"), ref.id, ref.version, text="Дом 12",
                                     url="https://t.me/korenovsk_chat/5")
    with pytest.raises(ValidationError, match="раньше, чем размещение запроса"):
        workflow.record_author_reply(w.actor("kurator"), ref.id, ref.version, text="Дом 12",
                                     replied_at=datetime(2026, 11, 24, 9, 0, tzinfo=MSK))
    assert snapshot(ref.id) == before
    ref = workflow.record_author_reply(w.actor("kurator"), ref.id, ref.version, text="Дом 12")
    assert AuthorReply.get().recorded_by_id == w.ids["kurator"]
    # a new request is possible again once the author has replied
    ref = workflow.save_request(w.actor("zhkh"), ref.id, ref.version, text="А подъезд какой?")


def test_a_comment_is_a_note_with_no_clock_and_changes_nothing_else(world: World) -> None:
    w = world
    ref = route(w, register(w))
    w.clock.work(20)
    before = incident_view.load_card(w.actor("kurator"), ref.id)
    incident_before = Incident.get_by_id(ref.id)
    note = workflow.add_comment(w.actor("zhkh"), ref.id, text="Куратору: это не тот фонарь, что в прошлый раз?")
    workflow.add_comment(w.actor("kurator"), ref.id, text="Тот же, заявка в сетях есть.")
    workflow.add_comment(w.actor("otvetstv"), ref.id, text="Держу на контроле.")
    card = incident_view.load_card(w.actor("kurator"), ref.id)
    incident = Incident.get_by_id(ref.id)
    assert (incident.version, incident.status, incident.next_due_at, incident.next_due_code) == (
        incident_before.version, incident_before.status, incident_before.next_due_at, incident_before.next_due_code)
    assert [c.code for c in card.clocks] == [c.code for c in before.clocks]  # no clock for a comment
    assert [(c.author, c.kind_label, c.text) for c in card.comments] == [
        ("Иваненко Олег Викторович", "Комментарий", "Куратору: это не тот фонарь, что в прошлый раз?"),
        ("Слепокурова Яна Евгеньевна", "Комментарий", "Тот же, заявка в сетях есть."),
        ("Козыренко Елена Петровна", "Комментарий", "Держу на контроле.")]
    comment_events = events(ref.id, "incident.comment")
    assert [timing(ev) for ev in comment_events] == [(None, None, None)] * 3
    assert comment_events[0].entity_id == note and card.events[-1].label == "Комментарий"
    assert ref.id not in tab(w, "clarification")
    with pytest.raises(PermissionDenied, match="не в ваш отдел"):
        workflow.add_comment(w.actor("arhit"), ref.id, text="Вопрос")
    with pytest.raises(ValidationError, match="Комментарий"):
        workflow.add_comment(w.actor("zhkh"), ref.id, text="я" * 4001)


# --- clause 16: posted in the network of the incident ------------------------------------------

@pytest.mark.parametrize("what", ["answer", "request"])
def test_a_link_of_another_network_is_refused_and_another_post_needs_a_confirmation(world: World, what: str) -> None:
    w = world
    ref = route(w, register(w))
    ref = request(w, ref) if what == "request" else draft(w, ref)
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)
    e = w.actor("zhkh")
    before = snapshot(ref.id)
    with pytest.raises(ValidationError, match="ведёт в Telegram, а инцидент размещён в ВКонтакте — по п. 16"):
        workflow.publish(e, ref.id, ref.version, url="https://t.me/korenovsk_chat/77")
    with pytest.raises(ValidationError, match="п. 16"):
        workflow.publish(e, ref.id, ref.version, url="https://example.com/wall-123456_1")
    with pytest.raises(workflow.OtherPostLink, match="другую запись ВКонтакте.*Подтвердите"):
        workflow.publish(e, ref.id, ref.version, url="https://vk.com/wall-123456_2?reply=1")
    assert snapshot(ref.id) == before and Publication.select().count() == 0
    ref = workflow.publish(e, ref.id, ref.version, url="https://vk.com/wall-123456_2?reply=1", other_post=True)
    action = "request.publish" if what == "request" else "answer.publish"
    (posted,) = events(ref.id, action)
    assert posted.comment == "Размещено в другой записи той же соцсети (подтверждено)"
    assert payload(posted)["other_post"] is True
    history = [ev for ev in incident_view.load_card(w.actor("kurator"), ref.id).events if ev.action == action]
    assert history[0].comment == "Размещено в другой записи той же соцсети (подтверждено)"
    assert Publication.get().url == "https://vk.com/wall-123456_2?reply=1"


def test_a_reply_under_the_incidents_own_post_needs_no_confirmation(world: World) -> None:
    w = world
    for n, (link, reply) in enumerate([
            ("https://vk.com/wall-123456_1", "https://m.vk.com/wall-123456_1?reply=9"),
            ("https://vk.com/club123456?w=wall-123456_7", "https://vk.com/wall-123456_7?reply=2"),
            ("https://ok.ru/group/55/topic/9", "https://m.ok.ru/group/55/topic/9/"),
            ("https://t.me/korenovsk_chat/15", "https://t.me/korenovsk_chat/15?comment=3"),
            ("https://t.me/korenovsk_chat/25", "https://t.me/korenovsk_chat/26?thread=25")], 1):
        ref = route(w, register(w, link=link))
        ref = workflow.publish(w.actor("zhkh"), ref.id, workflow.approve(
            w.actor("kurator"), ref.id, draft(w, ref).version).version, url=reply)
        (posted,) = events(ref.id, "answer.publish")
        assert posted.comment == "" and "other_post" not in payload(posted), link
    assert not workflow.same_post("https://vk.com/wall-123456_1", "https://vk.com/wall-123456_12")
    assert not workflow.same_post("https://t.me/korenovsk_chat/25", "https://t.me/korenovsk_chat/26")
    assert not workflow.same_post("https://t.me/korenovsk_chat/25", "https://t.me/korenovsk_chat/26?thread=24")
