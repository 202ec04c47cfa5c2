"""The incident card: what it shows and which buttons each role gets."""
from __future__ import annotations

import pytest

from app.models.enums import AnswerKind, ReturnReason
from app.services import incident_view, workflow
from app.services.errors import PermissionDenied
from tests.helpers.world import World, build_world

ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня, бригада уже выехала."


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def story(w: World) -> workflow.Ref:
    ref = workflow.register_incident(w.actor("kurator"), link="https://ok.ru/group/1/topic/2", author="Ольга Мельник",
                                     text="Не горят фонари на улице Красной", detected_at=w.clock.moment)
    w.clock.work(10)
    return workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                          location_id=w.location_id)


def test_card_shows_source_units_clocks_and_history(world: World) -> None:
    ref = story(world)
    card = incident_view.load_card(world.actor("kurator"), ref.id)
    assert (card.network_label, card.author, card.topic, card.topic_group, card.location) == (
        "Одноклассники", "Ольга Мельник", "Уличное освещение", "Благоустройство", "ул. Красная")
    assert [a.unit_name for a in card.assignments] == ["Отдел ЖКХ, благоустройства и транспорта"]
    assert [e.label for e in card.events] == ["Инцидент зарегистрирован", "Направлен исполнителям (п. 10)"]
    assert card.events[1].working_minutes == 10 and card.events[1].within_limit
    assert {c.code for c in card.clocks} >= {"answer", "routing", "draft"}
    assert not card.clause21.suggest_no_answer


def test_buttons_follow_role_and_state(world: World) -> None:
    w = world
    ref = story(w)
    assert incident_view.load_card(w.actor("kurator"), ref.id).actions == {"route", "close_no_answer", "change_priority",
                                                                           "comment"}
    executor = incident_view.load_card(w.actor("zhkh"), ref.id)
    # clause 13: the request to the author is prepared like an answer; a comment has no clock
    assert executor.actions == {"not_competent", "edit_request", "edit_answer", "comment"}
    assert executor.answer_kinds == ("draft", "interim")
    assert incident_view.load_card(w.actor("glava"), ref.id).actions == frozenset()
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    assert "submit" in incident_view.load_card(w.actor("zhkh"), ref.id).actions
    ref = workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)
    curator = incident_view.load_card(w.actor("kurator"), ref.id)
    assert {"approve", "return"} <= curator.actions
    assert curator.submitted_answer.number == 1
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)
    assert "publish" in incident_view.load_card(w.actor("zhkh"), ref.id).actions
    assert "publish" not in incident_view.load_card(w.actor("kurator"), ref.id).actions


def test_other_units_cannot_open_the_card(world: World) -> None:
    ref = story(world)
    with pytest.raises(PermissionDenied, match="не в ваш отдел"):
        incident_view.load_card(world.actor("arhit"), ref.id)


def test_versions_keep_decisions_with_reasons_and_a_word_diff(world: World) -> None:
    w = world
    ref = story(w)
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text="Фонари починят завтра.")
    ref = workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)
    ref = workflow.return_for_revision(w.actor("kurator"), ref.id, ref.version, reasons=[ReturnReason.OFF_QUESTION],
                                       comment="Уточните срок")
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text="Фонари починят сегодня.")
    card = incident_view.load_card(w.actor("kurator"), ref.id)
    first, second = card.answers
    assert first.decisions[0].reasons == ("Несоответствие сути вопроса, содержащегося в инциденте",)
    assert first.decisions[0].comment == "Уточните срок"
    assert second.state_label == "Черновик"
    assert incident_view.word_diff(first.text, second.text) == [
        ("equal", "Фонари починят "), ("delete", "завтра."), ("insert", "сегодня.")]


def test_attachment_is_kept_with_the_version(world: World) -> None:
    w = world
    ref = story(w)
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    ref = workflow.add_attachment(w.actor("zhkh"), ref.id, ref.version, filename="фонарь.jpg", data=b"\xff\xd8jpeg",
                                  mime_type="image/jpeg")
    card = incident_view.load_card(w.actor("kurator"), ref.id)
    ((att_id, name, size),) = card.answers[0].attachments
    assert (name, size) == ("фонарь.jpg", 6)
    assert incident_view.attachment_data(w.actor("kurator"), att_id) == ("фонарь.jpg", b"\xff\xd8jpeg")


def test_draft_checks_catch_clause_14_reasons_before_the_curator(world: World) -> None:
    ref = story(world)
    card = incident_view.load_card(world.actor("zhkh"), ref.id)
    kinds = {f.kind for f in incident_view.check_draft(card, "В целях устранения осуществляется ремонд.")}
    assert {"bureaucratese", "spelling"} <= kinds


def test_clause_21_suggestion_appears_on_abusive_text(world: World) -> None:
    ref = workflow.register_incident(world.actor("kurator"), link="https://t.me/chat/9", author="Аноним",
                                     text="Я вас всех убью, администрация", detected_at=world.clock.moment)
    card = incident_view.load_card(world.actor("kurator"), ref.id)
    assert card.clause21.suggest_no_answer


def test_consolidated_case_offers_contribution_then_consolidated(world: World) -> None:
    w = world
    ref = workflow.register_incident(w.actor("kurator"), link="https://vk.com/wall-5_5", author="А", text="Текст",
                                     detected_at=w.clock.moment)
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, topic_id=w.topic_id, no_location=True,
                         unit_ids=[w.units["zhkh"], w.units["blago"]])
    assert incident_view.load_card(w.actor("blago"), ref.id).answer_kinds == (AnswerKind.CONTRIBUTION,)
    assert "appoint_consolidator" in incident_view.load_card(w.actor("kurator"), ref.id).actions
