"""The clocks of the regulation as the curator sees them, computed from real histories."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from app.models.enums import AnswerKind, Priority, ReturnReason
from app.services import clock as clock_source
from app.services import workflow
from app.services.calendar_store import current_calendar
from app.services.deadlines import ClockState, clocks_for, clocks_for_many, current_clock
from app.services.worktime import WorkCalendar, WorkSchedule
from tests.helpers.world import MSK, World, build_world

ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def register(w: World, n: int = 1, priority: Priority = Priority.NORMAL, at: datetime | None = None) -> workflow.Ref:
    return workflow.register_incident(
        w.actor("kurator"), link=f"https://vk.com/wall-1_{n}", author="Ирина Ковалёва",
        text="Не горят фонари на улице Красной", detected_at=at or w.clock.moment, priority=priority)


def by_code(incident_id: int, code: str) -> list:  # noqa: ANN401
    return [c for c in clocks_for(incident_id) if c.code == code]


def local(dt: datetime) -> datetime:
    return dt.astimezone(MSK).replace(tzinfo=None)


def test_new_incident_runs_the_answer_and_routing_clocks(world: World) -> None:
    ref = register(world)
    (answer,) = by_code(ref.id, "answer")
    (routing,) = by_code(ref.id, "routing")
    assert local(answer.due_at) == datetime(2026, 11, 25, 9, 30)
    assert local(routing.due_at) == datetime(2026, 11, 24, 10, 0)
    assert answer.state == routing.state == ClockState.RUNNING
    assert routing.left == timedelta(minutes=30)
    assert current_clock(clocks_for(ref.id)).code == "routing"
    assert routing.summary() == "Направление исполнителю (п. 10): осталось 30 минут"


def test_routing_clock_turns_amber_at_75_percent_and_red_when_overdue(world: World) -> None:
    ref = register(world)
    world.clock.work(22)
    (routing,) = by_code(ref.id, "routing")
    assert not routing.warning
    world.clock.work(1)
    (routing,) = by_code(ref.id, "routing")
    assert routing.warning and routing.state == ClockState.RUNNING
    world.clock.work(10)
    (routing,) = by_code(ref.id, "routing")
    assert routing.state == ClockState.OVERDUE
    assert routing.left == -timedelta(minutes=3)
    assert routing.summary().endswith("просрочено на 3 минуты")


def test_routing_stops_its_clock_and_opens_the_executor_windows_and_the_draft_deadline(world: World) -> None:
    w = world
    ref = register(w)
    w.clock.work(20)
    workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                   location_id=w.location_id)
    (routing,) = by_code(ref.id, "routing")
    assert routing.state == ClockState.MET and local(routing.ended_at) == datetime(2026, 11, 24, 9, 50)
    (notice,) = by_code(ref.id, "competence_notice")
    assert notice.optional and local(notice.due_at) == datetime(2026, 11, 24, 10, 20)
    (ask,) = by_code(ref.id, "clarification")
    assert ask.optional and local(ask.due_at) == datetime(2026, 11, 24, 10, 50)
    (draft,) = by_code(ref.id, "draft")
    # the answer is due Wednesday 09:30; three working hours earlier is Tuesday 15:30
    assert local(draft.due_at) == datetime(2026, 11, 24, 15, 30)
    assert "не позднее чем за 3 рабочих часа" in " ".join(draft.explanation)
    w.clock.work(60)
    (notice,) = by_code(ref.id, "competence_notice")
    assert notice.state == ClockState.UNUSED  # the window closed; no violation
    assert current_clock(clocks_for(ref.id)).code == "draft"


def test_a_full_story_shows_every_step_met_or_missed(world: World) -> None:
    w = world
    ref = register(w)
    w.clock.work(10)
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                   location_id=w.location_id)
    w.clock.work(60)
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    ref = workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)
    w.clock.work(45)  # the curator is late: 45 > 30
    ref = workflow.return_for_revision(w.actor("kurator"), ref.id, ref.version, reasons=[ReturnReason.SPELLING])
    w.clock.work(30)
    ref = workflow.save_and_resubmit(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    w.clock.work(10)
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)
    w.clock.work(20)
    workflow.publish(w.actor("zhkh"), ref.id, ref.version, url="https://vk.com/wall-1_1?reply=5")
    states = [(c.code, c.state) for c in clocks_for(ref.id) if not c.optional]
    assert states == [
        ("answer", ClockState.MET), ("routing", ClockState.MET), ("draft", ClockState.MET),
        ("approval", ClockState.MISSED), ("revision", ClockState.MET), ("approval", ClockState.MET),
        ("publication", ClockState.MET),
    ]
    assert current_clock(clocks_for(ref.id)).code == "answer"


def test_night_detection_starts_at_the_next_working_minute_and_ends_on_the_period_end(world: World) -> None:
    world.clock.set(datetime(2026, 11, 24, 9, 0, tzinfo=MSK))
    ref = register(world, at=datetime(2026, 11, 23, 3, 15, tzinfo=MSK))  # Monday night
    (answer,) = by_code(ref.id, "answer")
    assert local(answer.due_at) == datetime(2026, 11, 23, 18, 0)
    assert answer.state == ClockState.OVERDUE


def test_shortened_day_and_holiday_are_explained(world: World) -> None:
    world.clock.set(datetime(2026, 11, 3, 16, 10, tzinfo=MSK))
    ref = register(world, at=datetime(2026, 11, 3, 16, 0, tzinfo=MSK))
    (answer,) = by_code(ref.id, "answer")
    # 3 Nov is shortened (until 17:00), 4 Nov is a holiday: 1 h + 7 h on Thursday 5 Nov
    assert local(answer.due_at) == datetime(2026, 11, 5, 17, 0)
    text = " ".join(answer.explanation)
    assert "сокращённый" in text and "4 ноября" in text


def test_high_priority_runs_four_hours(world: World) -> None:
    ref = register(world, priority=Priority.HIGH)
    (answer,) = by_code(ref.id, "answer")
    assert answer.clause == "п. 17" and local(answer.due_at) == datetime(2026, 11, 24, 14, 30)


def test_interim_answer_opens_the_final_clock_and_stage_limits_apply(world: World) -> None:
    w = world
    ref = register(w)
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units["zhkh"]], topic_id=w.topic_id,
                   location_id=w.location_id)
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER, kind=AnswerKind.INTERIM)
    ref = workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)
    w.clock.set(datetime(2026, 11, 24, 16, 0, tzinfo=MSK))
    ref = workflow.publish(w.actor("zhkh"), ref.id, ref.version, url="https://vk.com/wall-1_1?reply=1")
    ref = workflow.set_stage_limits(w.actor("kurator"), ref.id, ref.version, limits={"approval": 240})
    (final,) = by_code(ref.id, "final_answer")
    assert local(final.due_at) == datetime(2026, 12, 3, 18, 0)
    assert final.limit_text == "7 рабочих дней" and final.state == ClockState.RUNNING
    w.clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=MSK))
    ref = workflow.save_draft(w.actor("zhkh"), ref.id, ref.version, text=ANSWER, kind=AnswerKind.FINAL)
    workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)
    approvals = by_code(ref.id, "approval")
    assert approvals[-1].limit_text == "4 рабочих часа"
    assert by_code(ref.id, "answer")[0].state == ClockState.MET  # the interim answered within 8 h


def test_consolidated_answer_runs_a_two_hour_clock_per_contributing_unit(world: World) -> None:
    w = world
    ref = register(w)
    ref = workflow.route(w.actor("kurator"), ref.id, ref.version, topic_id=w.topic_id, no_location=True,
                         unit_ids=[w.units["zhkh"], w.units["blago"], w.units["vodokanal"]])
    w.clock.work(100)
    ref = workflow.save_draft(w.actor("blago"), ref.id, ref.version, text="Сведения", kind=AnswerKind.CONTRIBUTION)
    ref = workflow.submit_answer(w.actor("blago"), ref.id, ref.version)
    w.clock.work(30)
    contributions = {c.subject: c.state for c in by_code(ref.id, "contribution")}
    assert contributions == {"Отдел ЖКХ, благоустройства и транспорта": ClockState.OVERDUE,
                             "МКУ «Управление благоустройства»": ClockState.MET,
                             "МУП «Кореновский водоканал»": ClockState.OVERDUE}


def test_batch_computation_gives_the_same_clocks_as_one_by_one(world: World) -> None:
    refs = [register(world, n) for n in range(1, 6)]
    batch = clocks_for_many([r.id for r in refs])
    for r in refs:
        assert batch[r.id] == clocks_for(r.id)


def test_the_report_mode_skips_only_the_explanations(world: World) -> None:
    w = world
    refs = [register(w, n, priority=Priority.HIGH if n % 2 else Priority.NORMAL) for n in range(1, 5)]
    w.clock.work(20)
    routed = workflow.route(w.actor("kurator"), refs[0].id, refs[0].version, topic_id=w.topic_id,
                            unit_ids=[w.units["zhkh"]], location_id=w.location_id)
    workflow.route(w.actor("kurator"), refs[1].id, refs[1].version, topic_id=w.topic_id, no_location=True,
                   unit_ids=[w.units["zhkh"], w.units["blago"]])
    w.clock.work(40)
    ref = workflow.save_draft(w.actor("zhkh"), routed.id, routed.version, text=ANSWER)
    ref = workflow.submit_answer(w.actor("zhkh"), ref.id, ref.version)
    w.clock.work(50)
    workflow.return_for_revision(w.actor("kurator"), ref.id, ref.version, reasons=[ReturnReason.SPELLING])
    w.clock.work(500)
    ids = [r.id for r in refs]
    full, quiet = clocks_for_many(ids), clocks_for_many(ids, explanations=False)
    cal = current_calendar()
    assert full == quiet and sum(map(len, full.values())) > 10
    for incident_id, clocks in full.items():
        for a, b in zip(clocks, quiet[incident_id], strict=True):
            assert a.explanation and not b.explanation
            assert (a.limit_text, a.left, a.used_share, a.worked) == (b.limit_text, b.left, b.used_share, b.worked)
            end = a.ended_at or clock_source.now()
            assert a.worked == max(timedelta(0), cal.working_time_between(a.started_at, end))
            assert a.left == cal.working_time_between(end, a.due_at)


@pytest.mark.parametrize("calendar", [
    WorkCalendar.default(),
    WorkCalendar(WorkSchedule(), tz="Europe/Berlin"),
    # every day, periods touching each other and midnight, across the spring and autumn clock changes
    WorkCalendar(WorkSchedule(weekdays=(((time(0), time(2, 30)), (time(2, 30), time(13)),
                                         (time(14), time(23, 59, 59))),) * 7), tz="Europe/Berlin"),
])
def test_working_time_to_a_due_moment_is_its_limit(calendar: WorkCalendar) -> None:
    """The clocks take the working time from a start to its due moment to be the limit itself."""
    start = datetime(2025, 12, 24, 0, 7, tzinfo=timezone.utc)
    for step in range(4000):
        moment = start + timedelta(minutes=97 * step + step % 7)
        for minutes in (1, 30, 60, 180, 240, 480, 2400):
            delta = timedelta(minutes=minutes)
            due = calendar.add_working_time(moment, delta)
            assert due == calendar.add_working_time(calendar.next_working_moment(moment), delta)
            assert calendar.working_time_between(moment, due) == delta
