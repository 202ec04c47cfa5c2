"""Deadline alerts and workflow events: who hears what, when, and only once."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.models import NotificationLog
from app.models.enums import NoAnswerReason
from app.services import events, notifications, workflow
from tests.helpers.world import MSK, World, build_world

TEXT = "На улице Красной третий день не горят фонари у дома 12, вечером идти страшно."


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def register(w: World, n: int = 1) -> workflow.Ref:
    return workflow.register_incident(w.actor("kurator"), link=f"https://vk.com/wall-1_{n}", author="Ирина Ковалёва",
                                      text=TEXT, detected_at=w.clock.moment)


def route(w: World, ref: workflow.Ref, *units: str) -> workflow.Ref:
    return workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units[u] for u in units],
                          topic_id=w.topic_id, location_id=w.location_id)


def test_routing_clock_warns_at_75_percent_then_when_overdue_each_once(world: World) -> None:
    w = world
    ref = register(w)
    k = w.actor("kurator")
    w.clock.work(20)
    assert notifications.pending_alerts(k) == []
    w.clock.work(3)  # 23 of 30 minutes: past 75 %
    (alert,) = notifications.pending_alerts(k)
    assert (alert.incident_id, alert.level) == (ref.id, "warning")
    assert alert.message == (f"Инцидент № {ref.id}. Направление исполнителю (п. 10): осталось 7 минут "
                             "(срок 24.11.2026 10:00)")
    assert notifications.pending_alerts(k) == []  # once per user
    w.clock.work(10)
    (late,) = notifications.pending_alerts(k)
    assert late.level == "overdue"
    assert "просрочено на 3 минуты" in late.message and "срок был 24.11.2026 10:00" in late.message
    assert notifications.pending_alerts(k) == []
    assert NotificationLog.select().count() == 2


def test_nothing_is_shown_outside_working_time_and_the_overdue_comes_next_morning(world: World) -> None:
    w = world
    register(w)
    k = w.actor("kurator")
    w.clock.set(datetime(2026, 11, 24, 19, 0, tzinfo=MSK))  # the evening: the routing clock is long overdue
    assert not notifications.is_working_time()
    assert notifications.pending_alerts(k) == []
    check = notifications.check(k)
    assert not check.working and check.alerts == []
    assert check.next_at == datetime(2026, 11, 25, 9, 0, tzinfo=MSK)  # wake up when work resumes
    w.clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=MSK))
    alerts = notifications.pending_alerts(k)
    # the routing clock ran out last evening; the answer clock has used 7.5 of its 8 hours
    assert [(a.level, a.message.split(". ", 1)[1].split(":")[0]) for a in alerts] == [
        ("overdue", "Направление исполнителю (п. 10)"), ("warning", "Размещение ответа (п. 9)")]
    assert NotificationLog.select().count() == 2


def test_answer_clock_warning_reaches_every_participant_but_curator_steps_only_the_curator(world: World) -> None:
    w = world
    ref = route(w, register(w), "zhkh")
    w.clock.work(6 * 60 + 5)  # 6 h 05 min of 8: the answer clock passes 75 %; the draft clock is overdue
    curator = {(a.incident_id, a.level, a.message.split(". ", 1)[1].split(":")[0])
               for a in notifications.pending_alerts(w.actor("kurator"))}
    executor = [a.message for a in notifications.pending_alerts(w.actor("zhkh"))]
    other = notifications.pending_alerts(w.actor("arhit"))
    head = [a.message for a in notifications.pending_alerts(w.actor("glava"))]
    assert (ref.id, "warning", "Размещение ответа (п. 9)") in curator
    assert any("Размещение ответа (п. 9)" in m for m in executor)
    assert any("Проект ответа на согласование" in m for m in executor)  # the executor's own step
    assert other == []  # not routed to their unit: not visible
    assert head and all("Размещение ответа" in m for m in head)  # readers: the answer clock only


def test_executor_does_not_hear_about_the_curators_routing_clock(world: World) -> None:
    w = world
    register(w)
    w.clock.work(40)
    assert notifications.pending_alerts(w.actor("zhkh")) == []  # not routed yet: not visible at all
    ref = register(w, 2)
    ref = route(w, ref, "zhkh")
    w.clock.work(25)  # the approval and routing clocks belong to the curator
    messages = [a.message for a in notifications.pending_alerts(w.actor("zhkh"))]
    assert not any("Направление исполнителю" in m for m in messages)


def test_closed_incidents_raise_no_alerts(world: World) -> None:
    w = world
    ref = register(w)
    workflow.close_without_answer(w.actor("kurator"), ref.id, ref.version, reason=NoAnswerReason.INSULT)
    w.clock.work(60)
    assert notifications.pending_alerts(w.actor("kurator")) == []


def test_next_threshold_is_the_nearest_75_percent_or_due_moment(world: World) -> None:
    w = world
    register(w)
    k = w.actor("kurator")
    # routing: 30 minutes from 09:30; 75 % is reached at 09:52:30
    assert notifications.next_threshold(k) == datetime(2026, 11, 24, 9, 52, 30, tzinfo=MSK)
    w.clock.set(datetime(2026, 11, 24, 9, 53, tzinfo=MSK))
    assert notifications.next_threshold(k) == datetime(2026, 11, 24, 10, 0, tzinfo=MSK)
    w.clock.set(datetime(2026, 11, 24, 10, 1, tzinfo=MSK))
    # next: 75 % of the 8-hour answer clock — 6 working hours after 09:30, lunch skipped
    assert notifications.next_threshold(k) == datetime(2026, 11, 24, 16, 30, tzinfo=MSK)


def test_each_user_gets_the_alert_once_even_when_another_got_it(world: World) -> None:
    w = world
    register(w)
    w.clock.work(23)
    assert len(notifications.pending_alerts(w.actor("kurator"))) == 1
    assert notifications.pending_alerts(w.actor("admin")) == []  # the administrator: answer clocks only
    w.clock.work(6 * 60)
    first = notifications.pending_alerts(w.actor("admin"))
    assert [a.level for a in first] == ["warning"]
    assert notifications.pending_alerts(w.actor("admin")) == []


def test_events_reach_the_units_they_name_and_the_curators(world: World) -> None:
    w = world
    assigned = events.Event("assigned", 7, "Новое поручение по инциденту № 7", frozenset({w.units["zhkh"]}))
    to_curators = events.Event("submitted", 7, "Проект ответа по инциденту № 7 на согласовании", to_curators=True)
    assert notifications.for_event(w.actor("zhkh"), assigned) == "Новое поручение по инциденту № 7"
    assert notifications.for_event(w.actor("zhkh2"), assigned) == "Новое поручение по инциденту № 7"
    assert notifications.for_event(w.actor("blago"), assigned) is None
    assert notifications.for_event(w.actor("kurator"), assigned) is None
    assert notifications.for_event(w.actor("kurator"), to_curators).startswith("Проект ответа")
    assert notifications.for_event(w.actor("zhkh"), to_curators) is None
    assert notifications.for_event(w.actor("glava"), to_curators) is None


def test_a_deputy_hears_the_events_of_the_absent_colleagues_unit(world: World) -> None:
    from app.models.enums import AbsenceKind
    from app.services import absences

    w = world
    today = w.clock.moment.date()
    absences.add_absence(w.actor("admin"), user_id=w.ids["vodokanal"], deputy_id=w.ids["blago"],
                         kind=AbsenceKind.VACATION, starts_on=today, ends_on=today + timedelta(days=3))
    event = events.Event("assigned", 9, "Новое поручение по инциденту № 9", frozenset({w.units["vodokanal"]}))
    assert notifications.for_event(w.actor("blago"), event) == "Новое поручение по инциденту № 9"
