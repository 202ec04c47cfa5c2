"""The «Сводка» charts: incidents a day and the on-time share a week, as the month's share judges."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from app.models.enums import Priority
from app.services import dashboard, workflow
from tests.helpers.world import MSK, World, build_world

ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def register(w: World, n: int, priority: Priority = Priority.NORMAL) -> workflow.Ref:
    return workflow.register_incident(w.actor("kurator"), link=f"https://vk.com/wall-1_{n}", author=f"Автор {n}",
                                      text="Не горят фонари", detected_at=w.clock.moment, priority=priority)


def answer(w: World, ref: workflow.Ref) -> None:
    k, e = w.actor("kurator"), w.actor("zhkh")
    ref = workflow.route(k, ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                         location_id=w.location_id)
    ref = workflow.save_draft(e, ref.id, ref.version, text=ANSWER)
    ref = workflow.submit_answer(e, ref.id, ref.version)
    ref = workflow.approve(k, ref.id, ref.version)
    workflow.publish(e, ref.id, ref.version, url=f"https://vk.com/wall-1_{ref.id}?reply=1")


def test_days_and_weeks(world: World) -> None:
    w = world
    w.clock.set(datetime(2026, 11, 17, 10, 0, tzinfo=MSK))  # Tuesday of the week before
    answer(w, register(w, 1))  # answered in time
    register(w, 2)  # never answered: late by the next day
    w.clock.set(datetime(2026, 11, 24, 9, 30, tzinfo=MSK))
    answer(w, register(w, 3))
    register(w, 4, Priority.HIGH)
    w.clock.set(datetime(2026, 11, 24, 11, 0, tzinfo=MSK))
    trend = dashboard.trend(w.actor("kurator"))
    assert len(trend.days) == dashboard.TREND_DAYS and trend.days[-1] == dashboard.DayCount(date(2026, 11, 24), 2)
    assert trend.days[-8] == dashboard.DayCount(date(2026, 11, 17), 2)
    assert sum(d.count for d in trend.days) == 4
    last, before = trend.weeks[-1], trend.weeks[-2]
    assert (last.first_day, last.last_day) == (date(2026, 11, 23), date(2026, 11, 29))
    assert (last.on_time, last.decided, last.pending) == (1, 1, 1)
    assert (before.on_time, before.decided, before.pending, before.share) == (1, 2, 0, 0.5)
    assert trend.weeks[0].share is None and len(trend.weeks) == dashboard.TREND_WEEKS
    # an executor sees their units' incidents only
    mine = dashboard.trend(w.actor("zhkh"))
    assert sum(d.count for d in mine.days) == 2


def test_remembered_outcomes_are_reused(world: World) -> None:
    w = world
    answer(w, register(w, 1))
    outcomes = dashboard.AnswerOutcomes()
    first = dashboard.trend(w.actor("kurator"), outcomes=outcomes)
    assert len(outcomes) == 1
    assert dashboard.trend(w.actor("kurator"), outcomes=outcomes).weeks == first.weeks
