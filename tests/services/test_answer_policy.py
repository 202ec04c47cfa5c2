"""The curator's policy on what the answer checks let through to approval (issue 12), and the
length counted as the text will be stored."""
from __future__ import annotations

import pytest

from app.models import AuditEvent
from app.services import incident_view, settings, workflow
from app.services.errors import PermissionDenied
from tests.helpers.world import World, build_world


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def test_by_default_an_over_length_or_empty_text_is_blocked_and_citations_are_confirmed(world: World) -> None:
    policy = settings.answer_policy()
    assert policy == settings.AnswerPolicy(allow_over_length=False)
    assert policy.severity("length") == policy.severity("empty") == settings.BLOCKING
    assert policy.severity("citations") == policy.severity("off_topic") == settings.CONFIRM
    # a question to the author need not repeat the words of the message
    assert policy.severity("off_topic", request=True) == settings.HINT
    assert {policy.severity(k) for k in ("spelling", "punctuation", "bureaucratese", "a_new_kind")} == {settings.HINT}


def test_the_curator_allows_over_length_texts_and_the_change_is_audited(world: World) -> None:
    policy = settings.set_answer_policy(world.actor("kurator"), True)
    assert policy.allow_over_length and settings.answer_policy() == policy
    assert policy.severity("length") == settings.CONFIRM and policy.severity("empty") == settings.BLOCKING
    event = AuditEvent.select().where(AuditEvent.action == "settings.change").order_by(AuditEvent.id.desc()).get()
    assert event.actor_id == world.actor("kurator").user_id
    assert event.comment == "Проверка ответов перед согласованием"
    settings.set_answer_policy(world.actor("admin"), False)
    assert not settings.answer_policy().allow_over_length


@pytest.mark.parametrize("login", ["zhkh", "glava", "otvetstv"])
def test_only_the_curator_or_the_administrator_sets_the_policy(world: World, login: str) -> None:
    with pytest.raises(PermissionDenied) as refused:
        settings.set_answer_policy(world.actor(login), True)
    assert str(refused.value) == ("Проверка ответов перед согласованием: это может изменить только куратор или "
                                  "администратор")
    assert not settings.answer_policy().allow_over_length


def test_the_length_is_counted_without_the_blank_lines_around_the_text(world: World) -> None:
    w = world
    ref = workflow.register_incident(w.actor("kurator"), link="https://vk.com/wall-1_1", author="Ирина",
                                     text="Не горят фонари на улице Красной", detected_at=w.clock.moment)
    card = incident_view.load_card(w.actor("kurator"), ref.id)
    body = "Фонари на улице Красной заменят завтра. " * 110
    body = body.strip()
    text = "\n  " + body + "\n\n"
    (length,) = [f for f in incident_view.check_draft(card, text) if f.kind == "length"]
    assert f": {len(body)} " in length.message and f"сократите на {len(body) - 4096}" in length.message
    assert text[length.start:length.end] == body[4096:]  # the overflowing tail, in the text as typed
    assert not [f for f in incident_view.check_draft(card, "\n" + body[:4096] + "\n\n") if f.kind == "length"]


def test_the_card_names_the_curators_routing_comment(world: World) -> None:
    w = world
    ref = workflow.register_incident(w.actor("kurator"), link="https://vk.com/wall-1_1", author="Ирина",
                                     text="Не горят фонари на улице Красной", detected_at=w.clock.moment)
    assert incident_view.load_card(w.actor("kurator"), ref.id).routing_comment == ""
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                         location_id=w.location_id, comment="Проверьте опоры у дома 12")
    card = incident_view.load_card(w.actor("zhkh"), ref.id)
    assert card.routing_comment == "Проверьте опоры у дома 12"
    assert card.routing_event is not None and card.routing_event.actor == "Слепокурова Яна Евгеньевна"


def test_the_service_refuses_an_over_length_text_unless_the_curator_allows_it(world: World) -> None:
    """The editor asks first, but the rule holds for every caller of the service (clause 20)."""
    from app.models import Answer
    from app.services.errors import ValidationError

    w = world
    k, e = w.actor("kurator"), w.actor("zhkh")
    ref = workflow.register_incident(k, link="https://ok.ru/group/1/topic/2", author="Ирина",
                                     text="Когда починят фонари?", detected_at=w.clock.moment)
    ref = workflow.route(k, ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                         location_id=w.location_id)
    long_text = "Фонари починят к пятнице. " * 160  # 26 × 160 = 4160 characters, stripped 4159 > 4000
    ref = workflow.save_draft(e, ref.id, ref.version, text=long_text)
    with pytest.raises(ValidationError, match=r"Одноклассники: 4159 знаков при лимите 4000 — сократите на 159 знаков"):
        workflow.submit_answer(e, ref.id, ref.version)
    assert Answer.get().state == "editing"
    settings.set_answer_policy(k, True)
    ref = workflow.submit_answer(e, ref.id, ref.version)
    assert Answer.get().state == "submitted"
