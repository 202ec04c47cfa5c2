"""Issue 11: each step judged by its own clock (clauses 12, 18, 19) and one meaning of «overdue».

Every moment is counted by hand in the comments from the production calendar (Mon–Fri 09:00–18:00,
lunch 13:00–14:00, the Russian holidays and shortened pre-holiday days of 2025–2026) and the clause.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from app.models import Assignment, Incident
from app.models.enums import AnswerKind, CalendarDayKind, ReturnReason
from app.services import admin, dashboard, formatting, incident_view, notifications, queue, report, workflow
from app.services.calendar_store import current_calendar
from app.services.deadlines import ClockState
from tests.helpers.world import MSK, World, build_world
from tests.services.fidelity_helpers import (
    LINK, clock_timing, clocks, draft, events, local, minutes, payload, register, request, route, row, tab, the,
    timing,
)

LATE = "Информация для сводного ответа"


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


def interim_published(w: World) -> workflow.Ref:
    """An incident whose interim answer is posted on Tue 24.11.2026 at 11:10 (the final stage starts)."""
    ref = register(w)  # Tue 09:30
    w.clock.work(10)
    ref = route(w, ref)  # 09:40
    w.clock.work(60)
    ref = draft(w, ref, kind=AnswerKind.INTERIM)  # 10:40
    w.clock.work(15)
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)  # 10:55
    w.clock.work(15)
    return workflow.publish(w.actor("zhkh"), ref.id, ref.version, url=LINK.format(1) + "?reply=1")  # 11:10


# --- clause 18 --------------------------------------------------------------------------------

def _stage_row(code: str, clause: str) -> report.StageRow:
    """The line of the monthly report (November 2026) for one step of the regulation."""
    (stage,) = [s for s in report.collect(date(2026, 11, 1), date(2026, 11, 30)).stages
                if (s.code, s.clause) == (code, clause)]
    return stage


@pytest.mark.parametrize("own_limit", [None, 600])
def test_a_request_on_the_second_day_of_the_final_stage_is_judged_from_the_stage_start(world: World,
                                                                                      own_limit: int | None) -> None:
    w = world
    ref = interim_published(w)
    k = w.actor("kurator")
    # cl. 18: 7 working days counted from the next day: 25, 26, 27 Nov, 30 Nov, 1, 2, 3 Dec → 03.12 18:00
    final = the(clocks(w, ref.id), "final_answer")
    assert (local(final.started_at), local(final.due_at)) == (datetime(2026, 11, 24, 11, 10),
                                                              datetime(2026, 12, 3, 18, 0))
    w.clock.work(10)  # 11:20
    if own_limit:
        ref = workflow.set_stage_limits(k, ref.id, ref.version, limits={"clarification": own_limit, "approval": 120})
    ask = the(clocks(w, ref.id), "clarification", subject="Отдел ЖКХ, благоустройства и транспорта")
    # the stage's step starts when the stage does (11:10), not at the assignment (09:40)
    assert (ask.clause, local(ask.started_at)) == ("п. 13, 18", datetime(2026, 11, 24, 11, 10))
    if own_limit:
        # 600 min from Tue 11:10: 11:10–13:00 (110), 14:00–18:00 (240), Wed 09:00–13:00 (240) = 590,
        # Wed 14:00–14:10 (10) → Wed 25.11 14:10
        assert local(ask.due_at) == datetime(2026, 11, 25, 14, 10)
    else:
        assert local(ask.due_at) == datetime(2026, 11, 24, 12, 10)  # the regulation's 60 min

    # the request is sent on the stage's second day, Wed 25.11 11:00: 350 min on Tuesday + 120 on Wednesday
    w.clock.set(datetime(2026, 11, 25, 11, 0, tzinfo=MSK))
    ref = request(w, ref)
    ask = the(clocks(w, ref.id), "clarification", "окончательный ответ")
    (sent,) = events(ref.id, "request.submit")
    assert minutes(ask.worked) == 470
    assert timing(sent) == clock_timing(ask) == ((470, 600, True) if own_limit else (470, 60, False))
    assert ask.state == (ClockState.MET if own_limit else ClockState.MISSED)
    # the monthly report judges the same clock the same way, on the final stage's own line
    stage = _stage_row("clarification", "п. 13, 18")
    assert (stage.total, stage.met, stage.missed, stage.median_minutes) == (
        (1, 1, 0, 470) if own_limit else (1, 0, 1, 470))

    # cl. 14 in the stage: the curator's own 120 min (or the regulation's 30); decided at 12:30 = 90 min
    w.clock.work(90)
    ref = workflow.approve(k, ref.id, ref.version)
    approval = the(clocks(w, ref.id), "approval", "запроса")
    assert timing(events(ref.id, "request.approve")[0]) == clock_timing(approval) == (
        (90, 120, True) if own_limit else (90, 30, False))


def test_the_curator_sets_the_limit_of_the_final_draft(world: World) -> None:
    w = world
    ref = interim_published(w)
    k = w.actor("kurator")
    # the default: 3 working hours before the final answer is due (03.12 18:00) → 03.12 15:00
    final_draft = the(clocks(w, ref.id), "final_draft")
    assert (final_draft.clause, local(final_draft.started_at), local(final_draft.due_at)) == (
        "п. 12, 18", datetime(2026, 11, 24, 11, 10), datetime(2026, 12, 3, 15, 0))
    assert "Куратор может установить свой срок этого шага (п. 18)" in final_draft.explanation
    ref = workflow.set_stage_limits(k, ref.id, ref.version, limits={"final_draft": 1200})
    assert payload(events(ref.id, "incident.stage_limits")[0])["new"] == {"final_draft": 1200}
    # 1200 min from Tue 11:10: Tuesday 350, Wednesday 480 (830), Thursday 09:00–13:00 (1070), 14:00–16:10
    final_draft = the(clocks(w, ref.id), "final_draft")
    assert (local(final_draft.due_at), final_draft.limit_text) == (datetime(2026, 11, 26, 16, 10),
                                                                   "20 рабочих часов")
    assert Incident.get_by_id(ref.id).next_due_code == "final_draft"
    assert local(Incident.get_by_id(ref.id).next_due_at) == datetime(2026, 11, 26, 16, 10)
    # sent on Thursday 15:00: 350 + 480 + 240 + 60 = 1130 of 1200
    w.clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=MSK))
    ref = draft(w, ref, kind=AnswerKind.FINAL)
    final_draft = the(clocks(w, ref.id), "final_draft")
    submitted = events(ref.id, "answer.submit")[-1]
    assert payload(submitted)["step"] == "final_draft"
    assert timing(submitted) == clock_timing(final_draft) == (1130, 1200, True)
    stage = _stage_row("final_draft", "п. 12, 18")
    assert (stage.total, stage.met, stage.missed, stage.median_minutes) == (1, 1, 0, 1130)
    # the curator returns it; the revision is timed from its own start with the regulation's hour
    w.clock.work(20)
    ref = workflow.return_for_revision(k, ref.id, ref.version, reasons=[ReturnReason.SPELLING])
    w.clock.work(70)
    ref = draft(w, ref, kind=AnswerKind.FINAL)
    revision = the(clocks(w, ref.id), "revision")
    assert timing(events(ref.id, "answer.submit")[-1]) == clock_timing(revision) == (70, 60, False)


def test_a_limit_set_after_a_step_ended_does_not_re_judge_it(world: World) -> None:
    """Card, audit event and report keep one verdict: a step is judged by the limit in force when it ended."""
    w = world
    ref = interim_published(w)  # the final stage starts Tue 11:10
    k = w.actor("kurator")
    # a request sent at 13:00 — 110 working minutes into the stage, past the regulation's 60
    w.clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=MSK))
    ref = request(w, ref)
    (sent,) = events(ref.id, "request.submit")
    assert timing(sent) == (110, 60, False)
    # the curator then gives the stage's requests 2 working days (960 min) and approvals 120 min
    w.clock.set(datetime(2026, 11, 24, 14, 10, tzinfo=MSK))
    ref = workflow.set_stage_limits(k, ref.id, ref.version, limits={"clarification": 960, "approval": 120})
    ask = the(clocks(w, ref.id), "clarification", "окончательный ответ")
    assert clock_timing(ask) == timing(sent) == (110, 60, False)  # the finished step keeps its verdict
    assert _stage_row("clarification", "п. 13, 18").missed == 1
    # the approval still running (since 13:00, 10 working min so far) runs under the new 120 min:
    # due 13:00 + 120 working min, lunch 13–14 skipped → 16:00
    approval = the(clocks(w, ref.id), "approval", "запроса")
    assert local(approval.due_at) == datetime(2026, 11, 24, 16, 0)
    w.clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=MSK))  # 60 working minutes: within the new limit
    ref = workflow.approve(k, ref.id, ref.version)
    approval = the(clocks(w, ref.id), "approval", "запроса")
    assert timing(events(ref.id, "request.approve")[0]) == clock_timing(approval) == (60, 120, True)


def test_stage_limits_are_refused_before_an_interim_answer_and_for_unknown_steps(world: World) -> None:
    w = world
    ref = route(w, register(w))
    with pytest.raises(workflow.InvalidTransition, match="после размещения промежуточного ответа"):
        workflow.set_stage_limits(w.actor("kurator"), ref.id, ref.version, limits={"approval": 60})
    with pytest.raises(workflow.ValidationError, match="Неизвестный этап"):
        workflow.set_stage_limits(w.actor("kurator"), ref.id, ref.version, limits={"answer": 60})


# --- clause 19 --------------------------------------------------------------------------------

@pytest.mark.parametrize(("appointed_after", "state"), [(150, ClockState.MISSED), (80, ClockState.MET)])
def test_a_missed_contribution_stays_missed_after_the_unit_is_appointed_consolidator(
        world: World, appointed_after: int, state: ClockState) -> None:
    w = world
    ref = register(w)
    w.clock.work(10)
    ref = route(w, ref, "zhkh", "blago")  # Tue 09:40; cl. 19: 2 h each → 11:40
    w.clock.work(50)  # 10:30
    ref = workflow.save_draft(w.actor("blago"), ref.id, ref.version, text="Сети на Красной наши, ремонт сегодня",
                              kind=AnswerKind.CONTRIBUTION)
    ref = workflow.submit_answer(w.actor("blago"), ref.id, ref.version)
    assert timing(events(ref.id, "answer.contribute")[0]) == (50, 120, True)
    # the curator appoints the unit that sent nothing: 150 min after the assignment (12:10) — after its
    # due moment 11:40 — or 80 min after it (11:00), before it
    w.clock.work(appointed_after - 50)
    ref = workflow.appoint_consolidator(w.actor("kurator"), ref.id, ref.version, unit_id=w.units["zhkh"])
    zhkh = "Отдел ЖКХ, благоустройства и транспорта"
    lapse = the(clocks(w, ref.id), "contribution", subject=zhkh)
    assert (local(lapse.due_at), local(lapse.ended_at)) == (datetime(2026, 11, 24, 11, 40), local(w.clock.moment))
    assert lapse.state == state and minutes(lapse.worked) == appointed_after
    if state == ClockState.MISSED:
        assert any("назначен исполнителем сводного ответа" in line for line in lapse.explanation)
    assert local(Assignment.get(Assignment.unit == w.units["zhkh"]).consolidating_since) == local(w.clock.moment)
    # the consolidated answer is written, approved and posted: the lapse stays on the card
    w.clock.work(30)
    ref = draft(w, ref, kind=AnswerKind.CONSOLIDATED)
    w.clock.work(10)
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)
    ref = workflow.publish(w.actor("zhkh"), ref.id, ref.version, url=LINK.format(1) + "?reply=5")
    card = incident_view.load_card(w.actor("kurator"), ref.id)
    assert the(card.clocks, "contribution", subject=zhkh).state == state
    assert the(card.clocks, "contribution", subject="МКУ «Управление благоустройства»").state == ClockState.MET


@pytest.mark.parametrize(("notice_after", "kept"), [(150, True), (20, False)])
def test_a_missed_contribution_stays_missed_when_the_other_unit_drops_out(world: World, notice_after: int,
                                                                          kept: bool) -> None:
    w = world
    ref = register(w)
    w.clock.work(10)
    ref = route(w, ref, "zhkh", "blago")  # Tue 09:40; cl. 19: 2 h each → 11:40
    # the institution reports the question is not its own 150 min in (12:10, after 11:40) — or 20 min in
    w.clock.work(notice_after)
    ref = workflow.declare_not_competent(w.actor("blago"), ref.id, ref.version, reason="Сети не наши")
    zhkh = "Отдел ЖКХ, благоустройства и транспорта"
    found = clocks(w, ref.id)
    contribution = [c for c in found if c.code == "contribution" and c.subject == zhkh]
    if kept:  # the lapse of 11:40 stays; the clock ends when ЖКХ was left alone
        (lapse,) = contribution
        assert (lapse.state, local(lapse.ended_at), minutes(lapse.worked)) == (
            ClockState.MISSED, datetime(2026, 11, 24, 12, 10), 150)
        assert any("работает только этот отдел" in line for line in lapse.explanation)
    else:  # left alone in time: it never had to contribute
        assert contribution == []
    # ЖКХ now writes the answer itself: its draft is due 3 h before the answer (Tue 15:30)
    assert local(the(found, "draft", subject=zhkh).due_at) == datetime(2026, 11, 24, 15, 30)
    assert workflow.allowed_answer_kinds(Incident.get_by_id(ref.id),
                                         Assignment.get(Assignment.unit == w.units["zhkh"])) == {"draft", "interim"}


# --- what «overdue» means -----------------------------------------------------------------------

def _agree(w: World, login: str = "kurator") -> set[int]:
    """The «Просроченные» tab, the red rows of the queue and the dashboard list the same incidents."""
    listed = tab(w, "overdue", login)
    red = {r.incident_id for r in queue.fetch_page(w.actor(login), queue.QueueFilter(preset="all")).rows
           if r.clock is not None and r.clock.state == ClockState.OVERDUE}
    summary = dashboard.summary(w.actor(login))
    assert listed == red
    assert summary.overdue_now == len(listed) == sum(n for _label, n in summary.overdue_by_step)
    for incident_id in listed:  # the tab says which clock: the one that paints the row red
        incident = Incident.get_by_id(incident_id)
        assert incident.next_due_code == row(w, incident_id, login).clock.code
        assert incident.next_due_at == row(w, incident_id, login).clock.due_at.replace(microsecond=0)
    return listed


def test_one_definition_of_overdue_for_the_tab_the_dashboard_and_the_red_rows(world: World) -> None:
    w = world
    k = w.actor("kurator")
    fresh = register(w, 1)  # Tue 09:30: routing due 10:00 (cl. 10)
    waiting = route(w, register(w, 2))  # routed at once: draft due Tue 15:30 (cl. 12), answer Wed 09:30
    on_approval = draft(w, route(w, register(w, 3)))  # approval due 10:00 (cl. 14)
    closed = register(w, 4)
    workflow.close_without_answer(k, closed.id, closed.version, reason="insult")
    w.clock.set(datetime(2026, 11, 24, 9, 59, tzinfo=MSK))
    assert _agree(w) == set()
    w.clock.set(datetime(2026, 11, 24, 10, 1, tzinfo=MSK))  # the routing and the approval clocks ran out
    assert _agree(w) == {fresh.id, on_approval.id}
    assert dict(dashboard.summary(k).overdue_by_step) == {"Направление исполнителю (п. 10)": 1,
                                                          "Согласование ответа или запроса (п. 14)": 1}
    # the answer clock (Wed 09:30) is far, the draft clock (Tue 15:30) is not: the old tab missed this one
    w.clock.set(datetime(2026, 11, 24, 15, 31, tzinfo=MSK))
    assert _agree(w) == {fresh.id, waiting.id, on_approval.id}
    # the tab lists the step that ran out first first: 10:00, 10:00, then 15:30
    ordered = [r.incident_id for r in queue.fetch_page(k, queue.QueueFilter(preset="overdue")).rows]
    assert ordered[-1] == waiting.id and set(ordered[:2]) == {fresh.id, on_approval.id}
    # «most urgent first» on every tab goes by the same clock the row shows, closed incidents last
    everything = [r for r in queue.fetch_page(k, queue.QueueFilter(preset="all")).rows]
    shown = [r.clock.due_at for r in everything if r.incident_id != closed.id]
    assert shown == sorted(shown) and everything[-1].incident_id == closed.id
    assert the(clocks(w, waiting.id), "answer").state == ClockState.RUNNING
    assert _agree(w, "zhkh") == {waiting.id, on_approval.id}  # an executor's view of the same
    assert {u.short_name: u.overdue for u in dashboard.summary(k).units}["Отдел ЖКХ, благоустройства и транспорта"] == 2


def test_overdue_follows_a_change_of_the_limits_and_of_the_calendar(world: World) -> None:
    w = world
    a = w.actor("admin")
    fresh = register(w, 1)  # Tue 24.11 09:30
    routed = route(w, register(w, 2))  # draft due Tue 15:30
    w.clock.set(datetime(2026, 11, 24, 9, 40, tzinfo=MSK))
    assert _agree(w) == set()
    admin.save_limits(a, routing=5)  # cl. 10 shortened by the administrator: due 09:35, overdue at 09:40
    assert local(Incident.get_by_id(fresh.id).next_due_at) == datetime(2026, 11, 24, 9, 35)
    assert _agree(w) == {fresh.id}
    admin.save_limits(a, routing=30)
    assert _agree(w) == set()
    # Wed 25.11 12:00: both late (the draft was due Tue 15:30)
    w.clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=MSK))
    assert _agree(w) == {fresh.id, routed.id}
    # Tuesday 24.11 declared a day off: the clocks start on Wed 09:00 — answer due Wed 18:00, the draft
    # 3 h before it, Wed 15:00, routing Wed 09:30 (the routed one was routed in time, on the day off)
    admin.set_calendar_day(a, date(2026, 11, 24), CalendarDayKind.NON_WORKING, "Перенос выходного")
    assert local(Incident.get_by_id(routed.id).next_due_at) == datetime(2026, 11, 25, 15, 0)
    assert _agree(w) == {fresh.id}
    admin.set_calendar_day(a, date(2026, 11, 24), CalendarDayKind.WORKING)
    assert _agree(w) == {fresh.id, routed.id}


# --- a due moment at the start of a working period ---------------------------------------------

@pytest.mark.parametrize(("detected", "raw", "settled", "shown"), [
    # Tue 03.11.2026 is shortened (09:00–17:00), 04.11 a holiday. Detected 11:00: 11–13 (2 h) and 14–17 (3 h),
    # then Thu 05.11 09–12 (3 h): the answer is due 05.11 12:00; 3 h earlier is 05.11 09:00, the start of a
    # period — the same working instant as the end of 03.11, 17:00
    (datetime(2026, 11, 3, 11, 0), datetime(2026, 11, 5, 9, 0), datetime(2026, 11, 3, 17, 0), "3 ноября, 17:00"),
    # Tue 30.12.2025 is a full day, 31.12 and 01–11.01.2026 are days off. Detected 12:00: 12–13 (1 h), 14–18
    # (4 h), Mon 12.01 09–12 (3 h): due 12.01 12:00; 3 h earlier is 12.01 09:00 → shown as 30 December, 18:00
    (datetime(2025, 12, 30, 12, 0), datetime(2026, 1, 12, 9, 0), datetime(2025, 12, 30, 18, 0), "30 декабря, 18:00"),
])
def test_a_due_moment_at_the_start_of_a_period_is_shown_as_the_end_of_the_previous_one(
        db, monkeypatch: pytest.MonkeyPatch, detected: datetime, raw: datetime, settled: datetime,  # noqa: ANN001
        shown: str) -> None:
    w = build_world(monkeypatch, start=detected.replace(tzinfo=MSK))
    ref = register(w)
    w.clock.work(10)
    ref = route(w, ref)
    card = incident_view.load_card(w.actor("zhkh"), ref.id)
    draft_clock = the(card.clocks, "draft")
    assert local(draft_clock.due_at) == settled
    assert formatting.moment(draft_clock.due_at, MSK, with_year=False) == shown
    text = " ".join(draft_clock.explanation)
    assert f"{raw:%d.%m.%Y %H:%M} — начало рабочего времени" in text
    assert f"конца предыдущего рабочего периода, {settled:%d.%m.%Y %H:%M}" in text or \
        f"конец предыдущего рабочего периода, {settled:%d.%m.%Y %H:%M}" in text
    assert local(Incident.get_by_id(ref.id).next_due_at) == settled  # the moment the tab compares with
    assert current_calendar().working_time_between(draft_clock.due_at, raw.replace(tzinfo=MSK)) == timedelta(0)
    # a minute before it the step runs; after it — in the evening and on the holiday — it is overdue
    w.clock.set(settled.replace(tzinfo=MSK) - timedelta(minutes=1))
    assert the(clocks(w, ref.id), "draft").state == ClockState.RUNNING and ref.id not in tab(w, "overdue")
    w.clock.set(settled.replace(tzinfo=MSK) + timedelta(hours=5))
    late = the(clocks(w, ref.id), "draft")
    assert late.state == ClockState.OVERDUE and ref.id in tab(w, "overdue")
    assert "осталось" not in late.summary()
    # ...yet a draft sent during the days off took no working time past the limit: it is in time
    ref = draft(w, ref)
    assert the(clocks(w, ref.id), "draft").state == ClockState.MET
    assert timing(events(ref.id, "answer.submit")[0])[2] is True


# --- a step whose window is gone when it starts ---------------------------------------------------

def test_a_draft_step_routed_after_the_whole_answer_time_is_overdue_from_its_start(world: World) -> None:
    w = world
    ref = register(w)  # Tue 24.11 09:30: answer due Wed 09:30, so the draft is due Tue 15:30
    w.clock.set(datetime(2026, 11, 25, 12, 0, tzinfo=MSK))  # routed only on Wed 12:00
    ref = route(w, ref)
    card = incident_view.load_card(w.actor("zhkh"), ref.id)
    late = the(card.clocks, "draft")
    assert (local(late.started_at), local(late.due_at)) == (datetime(2026, 11, 25, 12, 0), datetime(2026, 11, 24, 15, 30))
    # from the start: overdue by the working time between the due moment and the start, Tue 15:30–18:00 and
    # Wed 09:00–12:00 = 5 h 30 min
    assert late.state == ClockState.OVERDUE and late.left == -timedelta(hours=5, minutes=30)
    assert late.summary() == "Проект ответа на согласование (п. 12): просрочено на 5 рабочих часов 30 минут"
    assert any("срок этого шага истёк до его начала" in line for line in late.explanation)
    assert row(w, ref.id).clock.code == "draft" and row(w, ref.id).clock.state == ClockState.OVERDUE
    assert ref.id in tab(w, "overdue")


def test_a_step_due_before_a_weekend_and_started_on_it_is_overdue_not_zero_minutes_left(
        db, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    # detected Fri 27.11.2026 12:00: 12–13 (1 h), 14–18 (4 h), Mon 30.11 09–12 (3 h) → answer due Mon 12:00;
    # the draft 3 h earlier: Mon 09:00, shown as Fri 18:00. Routed on Saturday 28.11 at 10:00.
    w = build_world(monkeypatch, start=datetime(2026, 11, 27, 12, 0, tzinfo=MSK))
    ref = register(w)
    w.clock.set(datetime(2026, 11, 28, 10, 0, tzinfo=MSK))
    ref = route(w, ref)
    late = the(clocks(w, ref.id), "draft")
    assert local(late.due_at) == datetime(2026, 11, 27, 18, 0)
    assert late.state == ClockState.OVERDUE and late.left == timedelta(0)
    assert "осталось" not in late.summary() and "срок истёк" in late.summary()
    assert row(w, ref.id).clock.state == ClockState.OVERDUE and ref.id in tab(w, "overdue")
    w.clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=MSK))
    (alert,) = [a for a in notifications.pending_alerts(w.actor("zhkh")) if "Проект ответа" in a.message]
    assert alert.level == "overdue" and "осталось" not in alert.message


def test_the_queue_shows_the_same_clock_as_the_full_computation_for_every_kind_of_history(
        db, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """The queue builds only the clocks its «Осталось» cell can show (the running ones and the answer's
    outcome); on the demo's incidents in every state, consolidated and interim answers among them, and
    at several moments, that cell's clock — state, due moment, time left, the account of its due moment —
    is the one the card's full list of clocks gives."""
    from app.services import demo
    from app.services.deadlines import clocks_for_many, current_clock, current_clocks_of

    now = datetime(2026, 11, 26, 15, 0, tzinfo=MSK)
    monkeypatch.setattr("app.services.clock.now", lambda: now)
    demo.fill_demo(incidents=160, now=now)
    ids = [i for (i,) in Incident.select(Incident.id).tuples()]
    kinds = set()
    for moment in (now, now + timedelta(hours=3), now + timedelta(days=9)):
        full = clocks_for_many(ids, moment)
        quick = current_clocks_of(ids, moment)
        for incident_id in ids:
            expected, got = current_clock(full[incident_id]), quick[incident_id]
            assert got == expected, incident_id
            if expected is not None:
                assert tuple(got.explanation) == tuple(expected.explanation), incident_id
                kinds.add((expected.code, expected.state))
    assert len(kinds) >= 6, kinds  # running, overdue, met and missed clocks of several steps were compared


def test_the_card_shows_the_same_clocks_as_the_full_computation_for_every_kind_of_history(
        db, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    """The card computes the clocks from the history it has read for its own lists (assignments, answers,
    decisions, publications) instead of reading them again: on the demo's incidents in every state and at
    several moments its clocks — every step, state, due moment, time left and account — are those of
    the full computation."""
    from app.models import User
    from app.services import demo
    from app.services.deadlines import clocks_for_many
    from app.services.permissions import actor_for

    now = datetime(2026, 11, 26, 15, 0, tzinfo=MSK)
    monkeypatch.setattr("app.services.clock.now", lambda: now)
    demo.fill_demo(incidents=120, now=now)
    curator = actor_for(User.get(User.login == "kurator").id)
    ids = [i for (i,) in Incident.select(Incident.id).tuples()]
    states = set()
    for moment in (now, now + timedelta(hours=3), now + timedelta(days=9)):
        monkeypatch.setattr("app.services.clock.now", lambda moment=moment: moment)
        full = clocks_for_many(ids, moment)
        for incident_id in ids:
            card = incident_view.load_card(curator, incident_id)
            assert list(card.clocks) == full[incident_id], incident_id
            assert [tuple(c.explanation) for c in card.clocks] == [tuple(c.explanation) for c in full[incident_id]]
            states.update((c.code, c.state) for c in card.clocks)
    assert len(states) >= 10, states  # running, overdue, met and missed clocks of many steps were compared
