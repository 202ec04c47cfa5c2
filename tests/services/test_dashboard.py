"""The «Сводка»: today's statuses, overdue now, answers in time this month, units' load."""
from __future__ import annotations

from datetime import datetime

import pytest

from app.models.enums import NoAnswerReason, Priority
from app.services import dashboard, workflow
from tests.helpers.world import MSK, World, build_world

ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def register(w: World, n: int, priority: Priority = Priority.NORMAL, at: datetime | None = None) -> workflow.Ref:
    return workflow.register_incident(w.actor("kurator"), link=f"https://vk.com/wall-1_{n}", author=f"Автор {n}",
                                      text="Не горят фонари на улице Красной", detected_at=at or w.clock.moment,
                                      priority=priority)


def route(w: World, ref: workflow.Ref, *units: str) -> workflow.Ref:
    return workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units[u] for u in units],
                          topic_id=w.topic_id, location_id=w.location_id)


def publish(w: World, ref: workflow.Ref, unit: str = "zhkh") -> workflow.Ref:
    ref = workflow.save_draft(w.actor(unit), ref.id, ref.version, text=ANSWER)
    ref = workflow.submit_answer(w.actor(unit), ref.id, ref.version)
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)
    return workflow.publish(w.actor(unit), ref.id, ref.version, url=f"https://vk.com/wall-1_{ref.id}?reply=1")


def test_today_counts_every_status_and_leaves_out_yesterday(world: World) -> None:
    w = world
    register(w, 1, at=datetime(2026, 11, 23, 17, 0, tzinfo=MSK))
    register(w, 2)
    route(w, register(w, 3), "zhkh")
    closed = register(w, 4)
    workflow.close_without_answer(w.actor("kurator"), closed.id, closed.version, reason=NoAnswerReason.OBSCENE)
    d = dashboard.summary(w.actor("kurator"))
    counts = {c.label: c.count for c in d.today_by_status}
    assert counts["Новый"] == 1 and counts["В работе"] == 1 and counts["Без ответа"] == 1
    assert counts["Ответ размещён"] == 0 and len(counts) == 9
    assert d.today_total == 3
    assert d.open_now == 3  # yesterday's one is still open
    assert d.month_label == "в ноябре 2026 г."


def test_overdue_now_counts_open_incidents_whose_first_due_clock_has_passed(world: World) -> None:
    """«Overdue» is any open mandatory clock past its due moment, not only the answer clock."""
    w = world
    high, normal = register(w, 1, Priority.HIGH), register(w, 2)  # Tue 24.11.2026 09:30
    w.clock.work(10)
    route(w, high, "zhkh")
    route(w, normal, "blago")  # 09:40
    # cl. 17: the high one's answer is due 09:30 + 4 h = 14:30 (3 h 30 before lunch, 30 min after);
    # cl. 12: its draft 3 working hours earlier: 14:30 → 14:00 (30 min), 13:00 → 10:30 (2 h 30) = 10:30.
    # cl. 9: the normal one's answer is due Wed 09:30 (7 h 30 on Tuesday, 30 min on Wednesday); its draft
    # 3 h earlier: Wed 09:30 → 09:00 (30 min), Tue 18:00 → 15:30 (2 h 30) = Tue 15:30.
    assert dashboard.summary(w.actor("kurator")).overdue_now == 0
    w.clock.set(datetime(2026, 11, 24, 11, 0, tzinfo=MSK))
    d = dashboard.summary(w.actor("kurator"))
    assert d.overdue_now == 1 and d.overdue_by_step == (("Проект ответа на согласование (п. 12)", 1),)
    w.clock.set(datetime(2026, 11, 24, 16, 0, tzinfo=MSK))
    d = dashboard.summary(w.actor("kurator"))
    assert d.overdue_now == 2 and d.overdue_by_step == (("Проект ответа на согласование (п. 12)", 2),)


def test_share_of_answers_published_in_time_this_month(world: World) -> None:
    w = world
    register(w, 1, at=datetime(2026, 10, 30, 10, 0, tzinfo=MSK))  # October: not this month
    fast = route(w, register(w, 2), "zhkh")
    slow = route(w, register(w, 3, Priority.HIGH), "zhkh")
    running = route(w, register(w, 4), "blago")
    w.clock.work(60)
    publish(w, fast)  # within 8 hours
    w.clock.work(5 * 60)
    publish(w, slow)  # after 6 hours of a 4-hour limit
    outcomes = dashboard.AnswerOutcomes()
    d = dashboard.summary(w.actor("kurator"), outcomes=outcomes)
    normal, high = d.answers
    assert (normal.on_time, normal.decided, normal.pending) == (1, 1, 1)
    assert normal.share == 1.0
    assert (high.on_time, high.decided, high.pending, high.share) == (0, 1, 0, 0.0)
    assert "8 рабочих часов" in normal.label and "4 рабочих часов" in high.label
    # the published ones are remembered; the running one turns overdue later
    assert len(outcomes) == 2 and outcomes.get(running.id, running.version) is None
    w.clock.work(3 * 60)
    normal, _high = dashboard.summary(w.actor("kurator"), outcomes=outcomes).answers
    assert (normal.on_time, normal.decided, normal.pending) == (1, 2, 0)
    assert normal.share == 0.5
    assert outcomes.get(running.id, running.version) is None  # overdue is not final: recomputed each time


def test_units_load_counts_open_assignments_and_overdue_ones(world: World) -> None:
    w = world
    route(w, register(w, 1), "zhkh")
    route(w, register(w, 2), "zhkh", "blago")
    done = route(w, register(w, 3), "zhkh")
    publish(w, done)
    loads = {u.unit_name: (u.open_assignments, u.overdue) for u in dashboard.summary(w.actor("kurator")).units}
    assert loads["Отдел ЖКХ, благоустройства и транспорта"] == (2, 0)
    assert loads["МКУ «Управление благоустройства»"] == (1, 0)
    assert loads["Отдел архитектуры и градостроительства"] == (0, 0)
    first = dashboard.summary(w.actor("kurator")).units[0]
    assert first.unit_name.startswith("Отдел ЖКХ")  # the busiest first
    w.clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=MSK))
    loads = {u.unit_name: (u.open_assignments, u.overdue) for u in dashboard.summary(w.actor("kurator")).units}
    assert loads["Отдел ЖКХ, благоустройства и транспорта"] == (2, 2)


def test_an_executor_sees_only_their_own_units(world: World) -> None:
    w = world
    route(w, register(w, 1), "zhkh")
    route(w, register(w, 2), "blago")
    register(w, 3)
    d = dashboard.summary(w.actor("blago"))
    assert [u.unit_name for u in d.units] == ["МКУ «Управление благоустройства»"]
    assert d.today_total == 1 and d.open_now == 1
    assert dashboard.summary(w.actor("glava")).today_total == 3
