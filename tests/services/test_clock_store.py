"""The stored clocks of finished incidents (``app.services.clock_store``).

When an incident finishes, the workflow stores its clocks; a stored row counts only while the
incident's version and the digest of the calendar, the limits and the unit names are what they
were. Every test here compares the store with what :mod:`app.services.deadlines` computes from
the history at that moment, and checks what the test changed is visible after recomputing.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from peewee import OperationalError

from app.models import Incident, Publication, StoredClocks
from app.models import db as database
from app.models.enums import AnswerKind, CalendarDayKind, IncidentStatus, NoAnswerReason, Priority, ReturnReason
from app.services import admin, calendar_store, clock_store, report, settings, workflow
from app.services import clock as clock_source
from app.services.calendar_store import current_calendar
from app.services.deadlines import Clock, ClockState, clocks_for_many
from app.services.errors import InvalidTransition
from tests.helpers import databases
from tests.helpers.world import MSK, World, build_world
from tests.services.test_report import NOV, NOW, Story, at, month  # noqa: F401 - ``month`` is a fixture

ANSWER = "Здравствуйте! Фонари на улице Красной починят сегодня до 18:00, бригада уже выехала."
#: every field of a clock the store keeps (all but the explanation)
FIELDS = ("code", "clause", "title", "subject", "started_at", "due_at", "ended_at", "limit_text", "state", "left",
          "used_share", "optional", "worked")
ZHKH = "Отдел ЖКХ, благоустройства и транспорта"


@pytest.fixture
def world(db, monkeypatch: pytest.MonkeyPatch) -> World:  # noqa: ANN001
    return build_world(monkeypatch)


@pytest.fixture
def computed_ids(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The incidents whose clocks the store had to compute (it asks ``versioned_clocks`` for them)."""
    asked: list[int] = []
    original = clock_store.versioned_clocks

    def spy(incident_ids, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        incident_ids = list(incident_ids)
        asked.extend(incident_ids)
        return original(incident_ids, *args, **kwargs)

    monkeypatch.setattr(clock_store, "versioned_clocks", spy)
    return asked


# ------------------------------------------------------------------------------------ helpers
def fields(c: Clock) -> tuple[Any, ...]:
    return tuple(getattr(c, name) for name in FIELDS)


def stored(ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """The valid stored clocks, field by field."""
    return {i: [fields(clock_store.clock_of(r)) for r in rows] for i, rows in clock_store.stored_rows(ids).items()}


def computed(ids: list[int], now: datetime | None = None) -> dict[int, list[tuple[Any, ...]]]:
    """The clocks computed from the history now, field by field."""
    return {i: [fields(c) for c in clocks] for i, clocks in clocks_for_many(ids, now, explanations=False).items()}


def computed_rows(ids: list[int], now: datetime) -> dict[int, list[list[Any]]]:
    return {i: [clock_store.row_of(c) for c in clocks]
            for i, clocks in clocks_for_many(ids, now, explanations=False).items()}


def record(incident_id: int) -> StoredClocks | None:
    return StoredClocks.get_or_none(StoredClocks.incident == incident_id)


def version(incident_id: int) -> int:
    return Incident.get_by_id(incident_id).version


def assert_stored_and_current(incident_id: int) -> StoredClocks:
    """A stored row at the incident's current version and the current basis, equal to the clocks."""
    row = record(incident_id)
    assert row is not None, f"инцидент {incident_id}: сроки не сохранены"
    assert row.version == version(incident_id)
    assert row.basis == clock_store.basis()
    assert stored([incident_id]) == computed([incident_id])
    rows = clock_store.decode(bytes(row.clocks))
    assert (row.answer_state, row.answer_minutes, row.final_state) == clock_store.outcome(rows)
    return row


def by_code(rows: list[tuple[Any, ...]], code: str) -> list[tuple[Any, ...]]:
    return [r for r in rows if r[0] == code]


DUE, ENDED, STATE, WORKED, SUBJECT = (FIELDS.index(n) for n in ("due_at", "ended_at", "state", "worked", "subject"))


def local(moment: datetime) -> datetime:
    return moment.astimezone(MSK).replace(tzinfo=None)


# ------------------------------------------------------------------------------------ stories
def register(w: World, n: int, priority: Priority = Priority.NORMAL) -> workflow.Ref:
    return workflow.register_incident(
        w.actor("kurator"), link=f"https://vk.com/wall-1_{n}", author="Ирина Ковалёва",
        text="Не горят фонари на улице Красной", detected_at=w.clock.moment, priority=priority)


def route(w: World, ref: workflow.Ref, after: int, *units: str) -> workflow.Ref:
    w.clock.work(after)
    return workflow.route(w.actor("kurator"), ref.id, ref.version, unit_ids=[w.units[u] for u in units],
                          topic_id=w.topic_id, location_id=w.location_id)


def submit(w: World, ref: workflow.Ref, after: int, unit: str, kind: AnswerKind = AnswerKind.DRAFT) -> workflow.Ref:
    w.clock.work(after)
    ref = workflow.save_draft(w.actor(unit), ref.id, ref.version, text=ANSWER, kind=kind)
    return workflow.submit_answer(w.actor(unit), ref.id, ref.version)


def ask(w: World, ref: workflow.Ref, after: int, unit: str) -> workflow.Ref:
    """Clause 13: a request to the author, sent to the curator."""
    w.clock.work(after)
    ref = workflow.save_request(w.actor(unit), ref.id, ref.version, text="Уточните, пожалуйста, номер дома")
    return workflow.submit_request(w.actor(unit), ref.id, ref.version)


def approve_and_publish(w: World, ref: workflow.Ref, approve_after: int, publish_after: int,
                        unit: str = "zhkh", seconds: int = 0) -> workflow.Ref:
    w.clock.work(approve_after)
    ref = workflow.approve(w.actor("kurator"), ref.id, ref.version)
    w.clock.work(publish_after)
    w.clock.set(w.clock.moment + timedelta(seconds=seconds))
    return workflow.publish(w.actor(unit), ref.id, ref.version, url=reply_link(ref))


def reply_link(ref: workflow.Ref) -> str:
    """A reply under the incident's own post (clause 16: in the network where the incident was posted)."""
    return f"{Incident.get_by_id(ref.id).link}?reply={version(ref.id)}"


def returned_story(w: World, n: int = 1) -> workflow.Ref:
    """Tue 24 Nov 09:30 → published Wed 25 Nov 09:10 (460 working minutes): routed in 10, a draft
    in 300, returned after 40 (clause 14 missed), resubmitted in 50 (clause 15 met), approved in 20,
    published in 40 (clause 16 missed)."""
    ref = route(w, register(w, n), 10, "zhkh")
    ref = submit(w, ref, 300, "zhkh")
    w.clock.work(40)
    ref = workflow.return_for_revision(w.actor("kurator"), ref.id, ref.version, reasons=[ReturnReason.SPELLING])
    w.clock.work(50)
    ref = workflow.save_and_resubmit(w.actor("zhkh"), ref.id, ref.version, text=ANSWER)
    ref = approve_and_publish(w, ref, 20, 40)
    assert local(Publication.get(Publication.incident == ref.id).published_at) == datetime(2026, 11, 25, 9, 10)
    return ref


def consolidated_story(w: World, n: int = 1) -> workflow.Ref:
    """Three units (clause 19): two contributions, then the consolidated answer of ЖКХ."""
    ref = route(w, register(w, n), 10, "zhkh", "blago", "vodokanal")
    ref = submit(w, ref, 30, "blago", AnswerKind.CONTRIBUTION)
    ref = submit(w, ref, 40, "vodokanal", AnswerKind.CONTRIBUTION)
    ref = workflow.appoint_consolidator(w.actor("kurator"), ref.id, ref.version, unit_id=w.units["zhkh"])
    ref = submit(w, ref, 60, "zhkh", AnswerKind.CONSOLIDATED)
    return approve_and_publish(w, ref, 15, 10)


def interim_story(w: World, n: int = 1) -> workflow.Ref:
    """An interim answer (clause 18), then the final one two working days later."""
    ref = route(w, register(w, n), 10, "zhkh")
    ref = submit(w, ref, 60, "zhkh", AnswerKind.INTERIM)
    ref = approve_and_publish(w, ref, 15, 10)
    assert Incident.get_by_id(ref.id).status == IncidentStatus.INTERIM
    assert record(ref.id) is None  # the final-answer clock runs: nothing is final yet
    assert clock_store.stored_rows([ref.id]) == {}
    ref = submit(w, ref, 2 * 480, "zhkh", AnswerKind.FINAL)
    return approve_and_publish(w, ref, 15, 10)


def late_high_story(w: World, n: int = 1) -> workflow.Ref:
    """High priority (clause 17, 4 hours) answered in 280 working minutes and 25 seconds: missed."""
    ref = route(w, register(w, n, Priority.HIGH), 10, "zhkh")
    ref = submit(w, ref, 250, "zhkh")
    return approve_and_publish(w, ref, 10, 10, seconds=25)


def request_story(w: World, n: int = 1) -> workflow.Ref:
    """Clause 13: a request to the author sent in 20 minutes, approved in 10 and posted in 10; the author
    answers an hour later; the answer follows (10 + 20 + 10 + 10 + 60 + 30 + 10 + 10 = 160 minutes)."""
    ref = ask(w, route(w, register(w, n), 10, "zhkh"), 20, "zhkh")
    ref = approve_and_publish(w, ref, 10, 10)
    w.clock.work(60)
    ref = workflow.record_author_reply(w.actor("zhkh"), ref.id, ref.version, text="Дом 12")
    ref = submit(w, ref, 30, "zhkh")
    return approve_and_publish(w, ref, 10, 10)


def final_stage_story(w: World, n: int = 1) -> workflow.Ref:
    """Clause 18 with the curator's limits: the interim answer is posted Tue 24 Nov 11:05 (95 minutes);
    a request to the author allowed 120 minutes from then (due 14:05) goes at 15:25 (200 minutes): missed.
    The final draft (3 working days allowed) goes the same day: in time; the final answer the next morning."""
    ref = route(w, register(w, n), 10, "zhkh")
    ref = approve_and_publish(w, submit(w, ref, 60, "zhkh", AnswerKind.INTERIM), 15, 10)
    ref = workflow.set_stage_limits(w.actor("kurator"), ref.id, ref.version,
                                    limits={"clarification": 120, "final_draft": 1440})
    ref = approve_and_publish(w, ask(w, ref, 200, "zhkh"), 10, 10)
    w.clock.work(30)
    ref = workflow.record_author_reply(w.actor("kurator"), ref.id, ref.version, text="Дом 12")
    return approve_and_publish(w, submit(w, ref, 100, "zhkh", AnswerKind.FINAL), 15, 10)


def lapse_story(w: World, n: int = 1) -> workflow.Ref:
    """Clause 19: МКУ contributes after 150 minutes (of 120); ЖКХ sends nothing and is appointed to write
    the consolidated answer then — its contribution clock ends there, 150 minutes in: a lapse kept."""
    ref = submit(w, route(w, register(w, n), 10, "zhkh", "blago"), 150, "blago", AnswerKind.CONTRIBUTION)
    ref = workflow.appoint_consolidator(w.actor("kurator"), ref.id, ref.version, unit_id=w.units["zhkh"])
    return approve_and_publish(w, submit(w, ref, 30, "zhkh", AnswerKind.CONSOLIDATED), 15, 10)


def late_routing_story(w: World, n: int = 1) -> workflow.Ref:
    """Routed 500 working minutes after detection: the clause-12 draft (due 3 hours before the answer's
    480 minutes) was due before the unit got the incident — overdue from the start, a negative limit."""
    ref = submit(w, route(w, register(w, n), 500, "zhkh"), 30, "zhkh")
    return approve_and_publish(w, ref, 10, 10)


# ------------------------------------------------------------------------------------ 1. publish
@pytest.mark.parametrize(("story", "minutes", "expected"), [
    (returned_story, 460, {("revision", "п. 15", ClockState.MET), ("approval", "п. 14", ClockState.MISSED),
                           ("publication", "п. 16", ClockState.MISSED), ("answer", "п. 9", ClockState.MET)}),
    (consolidated_story, 165, {("contribution", "п. 19", ClockState.MET), ("draft", "п. 12", ClockState.MET),
                               ("answer", "п. 9", ClockState.MET)}),
    (interim_story, 95, {("final_answer", "п. 18", ClockState.MET), ("answer", "п. 9", ClockState.MET)}),
    (late_high_story, 280, {("answer", "п. 17", ClockState.MISSED)}),
    (request_story, 160, {("clarification", "п. 13", ClockState.MET), ("approval", "п. 14", ClockState.MET),
                          ("publication", "п. 16", ClockState.MET), ("answer", "п. 9", ClockState.MET)}),
    (final_stage_story, 95, {("clarification", "п. 13, 18", ClockState.MISSED),
                             ("final_draft", "п. 12, 18", ClockState.MET), ("final_answer", "п. 18", ClockState.MET)}),
    (lapse_story, 215, {("contribution", "п. 19", ClockState.MISSED), ("draft", "п. 12", ClockState.MET)}),
    (late_routing_story, 550, {("draft", "п. 12", ClockState.MISSED), ("answer", "п. 9", ClockState.MISSED)}),
], ids=["return-for-revision", "consolidated", "interim-then-final", "high-priority-late", "request-to-the-author",
        "final-stage-limits", "clause-19-lapse", "routed-after-the-draft-deadline"])
def test_publishing_the_final_answer_stores_the_clocks_as_computed(
        world: World, story: Callable[[World, int], workflow.Ref], minutes: int,
        expected: set[tuple[str, str, str]]) -> None:
    other = route(world, register(world, 99), 0, "arhit")  # a neighbour in work: never stored
    ref = story(world, 1)
    assert Incident.get_by_id(ref.id).status == IncidentStatus.ANSWERED
    row = assert_stored_and_current(ref.id)  # read straight after the workflow: nothing else stored it
    assert row.version == ref.version
    assert row.answer_minutes == minutes  # whole working minutes to the answer, rounded down
    assert record(other.id) is None
    clocks = stored([ref.id])[ref.id]
    assert all(c[ENDED] is not None for c in clocks)
    assert expected <= {(c[0], c[1], c[STATE]) for c in clocks}
    if story is consolidated_story:
        # clause 19: every unit has the contribution clock; ЖКХ's ended when it was appointed (70 of 120 min)
        assert {c[SUBJECT] for c in by_code(clocks, "contribution")} == {"МКУ «Управление благоустройства»",
                                                                         "МУП «Кореновский водоканал»", ZHKH}
        (own,) = [c for c in by_code(clocks, "contribution") if c[SUBJECT] == ZHKH]
        assert (own[STATE], own[WORKED]) == (ClockState.MET, timedelta(minutes=70))
    if story is lapse_story:  # both units keep their lapse, the consolidator's included
        assert {(c[SUBJECT], c[STATE]) for c in by_code(clocks, "contribution")} == {
            (ZHKH, ClockState.MISSED), ("МКУ «Управление благоустройства»", ClockState.MISSED)}
    if story is late_routing_story:  # the draft's window was gone before the step began
        (draft,) = by_code(clocks, "draft")
        assert clock_store.Clock(*draft[:11], (), *draft[11:]).limit < timedelta(0)
    # the layout keeps what the clocks derive: the working time each step was allowed
    rows = clock_store.stored_rows([ref.id])[ref.id]
    assert [clock_store.clock_of(r).limit for r in rows] == [
        c.limit for c in clocks_for_many([ref.id], explanations=False)[ref.id]]
    # time passes: the stored clocks are still those computed at any later moment
    world.clock.work(3000)
    assert stored([ref.id]) == computed([ref.id])


# ------------------------------------------------------------------------------------ 2. close, in work
def test_closing_without_answer_stores_and_an_incident_in_work_is_only_computed(world: World,
                                                                               computed_ids: list[int]) -> None:
    w = world
    new = register(w, 1)                                   # closed before routing: clause 10 ends with it
    w.clock.work(20)
    new = workflow.close_without_answer(w.actor("kurator"), new.id, new.version, reason=NoAnswerReason.INSULT)
    asked = route(w, register(w, 2), 10, "zhkh")           # a request (clause 13) posted, never replied, then closed
    asked = ask(w, asked, 20, "zhkh")
    asked = approve_and_publish(w, asked, 10, 10)
    assert Incident.get_by_id(asked.id).status == IncidentStatus.CLARIFICATION
    w.clock.work(15)
    asked = workflow.close_without_answer(w.actor("kurator"), asked.id, asked.version, reason=NoAnswerReason.THREAT)
    running = route(w, register(w, 3), 10, "zhkh")         # routed, nobody answers
    for ref in (new, asked):
        assert assert_stored_and_current(ref.id).version == ref.version
    assert {(c[0], c[1]) for c in stored([asked.id])[asked.id]} >= {
        ("routing", "п. 10"), ("clarification", "п. 13"), ("approval", "п. 14"), ("publication", "п. 16")}
    assert {(c[0], c[STATE]) for c in stored([new.id])[new.id]} == {("routing", ClockState.MET)}
    assert record(running.id) is None
    assert clock_store.remember([running.id, new.id]) == 1  # only what has finished is stored
    assert record(running.id) is None

    w.clock.work(45)
    now = clock_source.now()
    computed_ids.clear()
    rows = clock_store.rows_of([running.id, new.id, asked.id], now)
    assert computed_ids == [running.id]                    # the closed ones are read, not computed
    assert rows == computed_rows([running.id, new.id, asked.id], now)
    assert not clock_store.finished(rows[running.id])
    # a clock row is the clock: back from the row, every field is what the history gives now
    assert [fields(clock_store.clock_of(r)) for r in rows[running.id]] == computed([running.id], now)[running.id]
    assert any(r[clock_store.OPTIONAL] == 1 for r in rows[running.id])  # clauses 11, 13: optional windows
    assert record(running.id) is None and clock_store.stored_rows([running.id]) == {}
    # it depends on the moment: an hour later its rows differ, the closed ones do not
    later = current_calendar().add_working_time(now, timedelta(minutes=60))
    again = clock_store.rows_of([running.id, new.id, asked.id], later)
    assert again[running.id] != rows[running.id] and again[running.id] == computed_rows([running.id], later)[running.id]
    assert (again[new.id], again[asked.id]) == (rows[new.id], rows[asked.id])
    assert StoredClocks.select().count() == 2


# ------------------------------------------------------------------------------------ 3. staleness
def recomputed(ids: list[int], asked: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """The stored rows of ``ids`` no longer count; ``rows_of`` computes them again (as the history
    gives them now), stores them, and the next call reads them."""
    assert clock_store.stored_rows(ids) == {}
    now = clock_source.now()
    asked.clear()
    rows = clock_store.rows_of(ids, now)
    assert sorted(asked) == sorted(ids)
    assert rows == computed_rows(ids, now)
    for i in ids:
        assert_stored_and_current(i)
    asked.clear()
    assert clock_store.rows_of(ids, now) == rows
    assert asked == []
    return {i: [fields(clock_store.clock_of(r)) for r in rs] for i, rs in rows.items()}


def test_a_change_of_the_limits_makes_the_stored_clocks_stale(world: World, computed_ids: list[int]) -> None:
    ref = returned_story(world)
    before = stored([ref.id])[ref.id]
    settings.set_limits(None, answer=600, approval=45)
    after = recomputed([ref.id], computed_ids)[ref.id]
    (answer_before,), (answer_after,) = by_code(before, "answer"), by_code(after, "answer")
    assert local(answer_before[DUE]) == datetime(2026, 11, 25, 9, 30)
    assert local(answer_after[DUE]) == datetime(2026, 11, 25, 11, 30)
    # the first approval took 40 minutes: missed under 30, met under 45
    assert [c[STATE] for c in by_code(before, "approval")] == [ClockState.MISSED, ClockState.MET]
    assert [c[STATE] for c in by_code(after, "approval")] == [ClockState.MET, ClockState.MET]


def test_a_calendar_change_makes_the_stored_clocks_stale(world: World, computed_ids: list[int]) -> None:
    ref = returned_story(world)  # detected Tuesday 24 November, published Wednesday 25 at 09:10
    before = stored([ref.id])[ref.id]
    calendar_store.set_day(date(2026, 11, 25), CalendarDayKind.NON_WORKING, None, "Тест: нерабочий день")
    after = recomputed([ref.id], computed_ids)[ref.id]
    (answer_before,), (answer_after,) = by_code(before, "answer"), by_code(after, "answer")
    assert local(answer_before[DUE]) == datetime(2026, 11, 25, 9, 30)
    assert local(answer_after[DUE]) == datetime(2026, 11, 26, 9, 30)  # Wednesday is off now
    assert answer_before[WORKED] == timedelta(minutes=460)
    assert answer_after[WORKED] == timedelta(minutes=450)               # only Tuesday's working time counts
    assert answer_after[ENDED] == answer_before[ENDED]                  # the history itself is the same


def test_a_new_short_name_of_a_unit_makes_the_stored_clocks_stale(world: World, computed_ids: list[int]) -> None:
    ref = returned_story(world)
    before = stored([ref.id])[ref.id]
    admin.rename_unit(world.actor("admin"), world.units["zhkh"], ZHKH, short_name="ЖКХ")
    after = recomputed([ref.id], computed_ids)[ref.id]
    assert {c[SUBJECT] for c in before if c[SUBJECT]} == {ZHKH}
    assert {c[SUBJECT] for c in after if c[SUBJECT]} == {"ЖКХ"}
    unchanged = [c[:SUBJECT] + c[SUBJECT + 1:] for c in before]
    assert [c[:SUBJECT] + c[SUBJECT + 1:] for c in after] == unchanged


def test_a_new_version_of_the_incident_makes_only_its_stored_clocks_stale(world: World,
                                                                        computed_ids: list[int]) -> None:
    w = world
    changed = late_high_story(w, 1)
    kept = consolidated_story(w, 2)
    before = stored([changed.id, kept.id])
    assert set(before) == {changed.id, kept.id}
    # no action of the workflow is allowed on a finished incident, and a refused one changes nothing
    with pytest.raises(InvalidTransition):
        workflow.change_priority(w.actor("kurator"), changed.id, changed.version, priority=Priority.NORMAL)
    assert version(changed.id) == changed.version and stored([changed.id, kept.id]) == before
    # another PC corrects the priority (as the workflow would: a new version): clause 9, not 17
    Incident.update(version=Incident.version + 1, priority=Priority.NORMAL).where(Incident.id == changed.id).execute()
    assert set(clock_store.stored_rows([changed.id, kept.id])) == {kept.id}
    after = recomputed([changed.id], computed_ids)[changed.id]
    assert record(changed.id).version == changed.version + 1
    (answer_before,), (answer_after,) = by_code(before[changed.id], "answer"), by_code(after, "answer")
    assert (answer_before[1], answer_before[STATE]) == ("п. 17", ClockState.MISSED)
    assert (answer_after[1], answer_after[STATE]) == ("п. 9", ClockState.MET)  # 280 minutes of 480
    assert local(answer_after[DUE]) == datetime(2026, 11, 25, 9, 30)
    assert answer_after[WORKED] == answer_before[WORKED] == timedelta(minutes=280, seconds=25)
    assert stored([kept.id]) == {kept.id: before[kept.id]}


# ------------------------------------------------------------------------------------ 4. outcomes
def test_stored_outcomes_are_the_outcomes_of_the_clocks(month) -> None:  # noqa: ANN001, F811
    _, october, november = month
    stories: list[Story] = october + november
    ids = [s.id for s in stories]
    rows = computed_rows(ids, NOW)
    finished = {i for i, r in rows.items() if clock_store.finished(r)}
    assert finished == {s.id for s in stories if not s.still_open}  # the test's own ledger
    everything = (Incident.detected_at >= at(10, 1, 0)) & (Incident.detected_at < at(12, 1, 0))
    outcomes = clock_store.stored_outcomes(everything)
    assert set(outcomes) == finished
    for s in stories:
        if s.id not in finished:
            continue
        assert tuple(outcomes[s.id]) == clock_store.outcome(rows[s.id]), s.n
        answer_state, answer_minutes, final_state = outcomes[s.id]
        assert answer_state == (None if s.outcome == "no_answer" else s.outcome), s.n
        assert answer_minutes == s.answer_minutes, s.n
        assert final_state == s.final, s.n
    assert {o[2] for o in outcomes.values()} == {None, "met", "missed"}
    # the condition chooses the incidents
    october_only = clock_store.stored_outcomes(Incident.detected_at < at(11, 1, 0))
    assert set(october_only) == {s.id for s in october}
    # and a stale row is not an outcome: the incident changed (a new version) …
    changed = november[1].id
    Incident.update(version=Incident.version + 1).where(Incident.id == changed).execute()
    assert set(clock_store.stored_outcomes(everything)) == finished - {changed}
    # … or the limits did
    settings.set_limits(None, answer=600)
    assert clock_store.stored_outcomes(everything) == {}


# ------------------------------------------------------------------------------------ 5, 6. report
def cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb}


def test_a_report_from_stored_clocks_equals_the_report_from_computed_ones(
        month, tmp_path: Path, computed_ids: list[int], monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001, F811
    _, october, november = month
    StoredClocks.delete().execute()
    report.build_monthly_report(*NOV, tmp_path / "computed.xlsx", now=NOW)
    assert sorted(computed_ids) == sorted(s.id for s in november)  # everything was computed …
    finished_november = {s.id for s in november if not s.still_open}
    assert len(finished_november) == 14
    assert set(clock_store.stored_rows([s.id for s in november])) == finished_november  # … and the finished stored
    clock_store.remember([s.id for s in october])  # the previous period too: now everything finished is stored
    assert StoredClocks.select().count() == len(finished_november) + len(october)

    computed_ids.clear()
    previous_computed: list[int] = []
    original = report.figures._outcomes

    def outcomes_spy(rows, *args):  # noqa: ANN001, ANN002, ANN202
        previous_computed.extend(r[0] for r in rows)
        return original(rows, *args)

    monkeypatch.setattr(report.figures, "_outcomes", outcomes_spy)
    report.build_monthly_report(*NOV, tmp_path / "stored.xlsx", now=NOW)
    assert sorted(computed_ids) == sorted(s.id for s in november if s.still_open)  # only those still open
    assert previous_computed == []  # October's outcomes all came from the store

    first, second = cells(tmp_path / "computed.xlsx"), cells(tmp_path / "stored.xlsx")
    assert list(first) == list(second) and len(first) == 7
    for sheet in first:
        assert first[sheet] == second[sheet], sheet
    assert sum(v is not None for rows in first.values() for row in rows for v in row) > 300


def test_a_database_that_refuses_the_write_still_gets_a_correct_report(
        month, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001, F811
        caplog: pytest.LogCaptureFixture) -> None:
    report.build_monthly_report(*NOV, tmp_path / "usual.xlsx", now=NOW)
    assert StoredClocks.select().count() > 0
    StoredClocks.delete().execute()

    def refuse(cls, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(StoredClocks, "insert_many", classmethod(refuse))
    with caplog.at_level(logging.WARNING, logger="app.services.clock_store"):
        summary = report.build_monthly_report(*NOV, tmp_path / "read-only.xlsx", now=NOW)
    assert summary.received == 19
    assert StoredClocks.select().count() == 0
    assert any("не сохранены" in r.getMessage() and "readonly" in r.getMessage() for r in caplog.records)
    assert cells(tmp_path / "read-only.xlsx") == cells(tmp_path / "usual.xlsx")


@pytest.fixture
def refusing_table(db) -> Iterator[None]:  # noqa: ANN001
    """The database itself refuses every new stored row (a trigger), as a read-only copy would."""
    sql = database.execute_sql
    table = StoredClocks._meta.table_name
    if databases.backend() == "postgresql":
        sql("CREATE FUNCTION refuse_stored_clocks() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'только чтение'; END $$")
        sql(f'CREATE TRIGGER refuse_stored_clocks BEFORE INSERT ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION refuse_stored_clocks()")
    else:
        sql(f'CREATE TRIGGER refuse_stored_clocks BEFORE INSERT ON "{table}" '
            "BEGIN SELECT RAISE(ABORT, 'только чтение'); END")
    try:
        yield
    finally:
        if databases.backend() == "postgresql":
            sql(f'DROP TRIGGER IF EXISTS refuse_stored_clocks ON "{table}"')
            sql("DROP FUNCTION IF EXISTS refuse_stored_clocks()")
        else:
            sql("DROP TRIGGER IF EXISTS refuse_stored_clocks")


def test_publishing_succeeds_when_the_database_refuses_to_store_the_clocks(world: World, refusing_table: None,
                                                                           caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="app.services.clock_store"):
        ref = late_high_story(world)  # the whole action commits, only the stored row is missing
    assert Incident.get_by_id(ref.id).status == IncidentStatus.ANSWERED
    assert Publication.select().where(Publication.incident == ref.id).count() == 1
    assert record(ref.id) is None
    assert any("только чтение" in r.getMessage() for r in caplog.records)
    now = clock_source.now()
    assert clock_store.rows_of([ref.id], now) == computed_rows([ref.id], now)
    assert record(ref.id) is None


# ------------------------------------------------------------------------------------ closing ends every step

def consolidated_without_a_contribution(w: World) -> workflow.Ref:
    """Two units; the curator appoints ЖКХ, whose consolidated answer is published before the
    institution sends its contribution (clause 19)."""
    ref = route(w, register(w, 1), 10, "zhkh", "blago")
    ref = workflow.appoint_consolidator(w.actor("kurator"), ref.id, ref.version, unit_id=w.units["zhkh"])
    ref = submit(w, ref, 60, "zhkh", AnswerKind.CONSOLIDATED)
    return approve_and_publish(w, ref, 15, 10)


def one_of_two_units_not_competent(w: World) -> workflow.Ref:
    """Two units; the institution reports the question is not its own (clause 11), ЖКХ answers alone,
    the curator has no one to re-route to."""
    ref = route(w, register(w, 1), 10, "zhkh", "blago")
    w.clock.work(10)
    ref = workflow.declare_not_competent(w.actor("blago"), ref.id, ref.version, reason="Не в нашей компетенции")
    ref = submit(w, ref, 60, "zhkh")
    return approve_and_publish(w, ref, 15, 10)


@pytest.mark.parametrize("story", [consolidated_without_a_contribution, one_of_two_units_not_competent],
                         ids=["contribution", "rerouting"])
def test_every_clock_of_an_answered_incident_has_ended_and_it_is_stored(
        world: World, story: Callable[[World], workflow.Ref]) -> None:
    """The clause-19 contribution clock of a unit that sent nothing and the clause-11 re-routing clock
    end when the answer is published, as when an incident is closed without one: otherwise they
    would run for ever, the incident would never be stored, and the «Просрочки» sheet of a past
    month would show it later every time the report is made again."""
    ref = story(world)
    assert Incident.get_by_id(ref.id).status == IncidentStatus.ANSWERED
    world.clock.work(3000)
    assert [c[0] for c in computed([ref.id])[ref.id] if c[ENDED] is None] == []
    assert_stored_and_current(ref.id)


def test_limits_changed_while_clocks_are_computed_are_never_stored_under_the_old_basis(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A change saved on another PC while ``rows_of`` computes (a report of a year takes a while)
    must not leave clocks computed under the new limits stored with the digest of the old ones:
    they would be invalid at first, but valid — and wrong — once the change is undone."""
    ref = returned_story(world)
    StoredClocks.delete().execute()
    original = clock_store.versioned_clocks

    def another_pc_changes_the_limits(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        settings.set_limits(None, answer=600)
        return original(*args, **kwargs)

    monkeypatch.setattr(clock_store, "versioned_clocks", another_pc_changes_the_limits)
    clock_store.rows_of([ref.id], clock_source.now())  # a report that runs while the limits change
    monkeypatch.setattr(clock_store, "versioned_clocks", original)
    settings.set_limits(None, answer=480)               # the administrator undoes the change
    assert clock_store.stored_rows([ref.id]).get(ref.id) in (None, computed_rows([ref.id], clock_source.now())[ref.id])


def test_clocks_stored_under_the_rules_before_schema_6_are_recomputed(world: World, computed_ids: list[int],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The clocks changed with schema 6 (the request to the author, the final-answer stage, the clause-19
    lapse, due moments settled to the end of a working period), so ``RULES`` moved on: a row stored by
    the program before — here one with the old clause-13 clocks, as such a database holds it — no longer
    counts, and the next report computes the clocks by the new rules and stores them again."""
    assert clock_store.RULES >= 2
    ref = request_story(world)
    new_rows = clock_store.stored_rows([ref.id])[ref.id]
    rules = clock_store.RULES
    monkeypatch.setattr(clock_store, "RULES", 1)
    old_basis = clock_store.basis()
    monkeypatch.setattr(clock_store, "RULES", rules)
    assert old_basis != clock_store.basis()
    old_rows = [r for r in new_rows if r[clock_store.CODE] != "clarification"]
    old_rows.append(["clarification_reply", "п. 14", "Ответ куратора на запрос", ZHKH] + new_rows[0][4:])
    StoredClocks.update(basis=old_basis, clocks=clock_store.encode(old_rows)).where(
        StoredClocks.incident == ref.id).execute()
    assert clock_store.stored_rows([ref.id]) == {}
    assert clock_store.stored_outcomes(Incident.id == ref.id) == {}
    now = clock_source.now()
    computed_ids.clear()
    rows = clock_store.rows_of([ref.id], now)[ref.id]
    assert computed_ids == [ref.id]
    assert rows == new_rows and "clarification_reply" not in {r[clock_store.CODE] for r in rows}
    assert_stored_and_current(ref.id)
