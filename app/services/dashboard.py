"""The «Сводка»: today's incidents by status, what is overdue now, the share of answers given in
time this month (clauses 9 and 17), and how many open assignments each unit carries.

Executors see their own units' incidents only; everyone else sees the whole administration.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from peewee import fn

from app.models import Assignment, Incident, Unit
from app.models.enums import OPEN_STATUSES, STATUS_LABELS, IncidentStatus, Priority
from app.services import clock as clock_source
from app.services.calendar_store import current_calendar
from app.services.deadlines import ClockState, clocks_for_many
from app.services.permissions import Actor
from app.services.workflow import ACTIVE_ASSIGNMENT

#: clock code → the step as the dashboard names it
STEP_LABELS = {
    "routing": "Направление исполнителю (п. 10)",
    "competence_notice": "Сообщение о некомпетентности (п. 11)",
    "rerouting": "Перенаправление (п. 11)",
    "clarification": "Запрос (уточнение) на согласование (п. 13)",
    "draft": "Проект ответа на согласование (п. 12)",
    "final_draft": "Окончательный ответ на согласование (п. 18)",
    "contribution": "Информация для сводного ответа (п. 19)",
    "approval": "Согласование ответа или запроса (п. 14)",
    "revision": "Доработка ответа или запроса (п. 15)",
    "publication": "Размещение ответа или запроса (п. 16)",
    "answer": "Ответ (п. 9/17)",
    "final_answer": "Окончательный ответ (п. 18)",
}

MONTHS_PREPOSITIONAL = ("январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре",
                        "октябре", "ноябре", "декабре")


@dataclass(frozen=True)
class StatusCount:
    """How many of today's incidents are in one status now."""

    status: str
    label: str
    count: int


@dataclass(frozen=True)
class AnswerShare:
    """How many answers of one kind (8 h or 4 h) were published within the limit."""

    priority: str
    label: str        # «в течение 8 рабочих часов (п. 9)»
    on_time: int
    decided: int      # published (in time or late) plus those already past the deadline
    pending: int      # still running and not yet late

    @property
    def share(self) -> float | None:
        return self.on_time / self.decided if self.decided else None


@dataclass(frozen=True)
class UnitLoad:
    """Open assignments of one unit, and how many of their incidents are past the deadline."""

    unit_id: int
    unit_name: str
    short_name: str
    open_assignments: int
    overdue: int


@dataclass(frozen=True)
class Dashboard:
    """Everything the «Сводка» window shows, computed at ``generated_at``."""

    generated_at: datetime
    today: date
    month_label: str                     # «в ноябре 2026 г.»
    today_by_status: tuple[StatusCount, ...]
    today_total: int
    overdue_now: int
    open_now: int
    answers: tuple[AnswerShare, ...]
    units: tuple[UnitLoad, ...] = field(default=())
    #: the overdue incidents by the clock that ran out first: (Russian step label, count)
    overdue_by_step: tuple[tuple[str, int], ...] = field(default=())


class AnswerOutcomes:
    """Remembers answer clocks that can no longer change (published: in time or late).

    The dashboard refreshes every minute; without this a region-sized month would recompute
    tens of thousands of clocks each time. Keep one instance per open database and window.
    """

    def __init__(self) -> None:
        self._known: dict[tuple[int, int], ClockState] = {}

    def get(self, incident_id: int, version: int) -> ClockState | None:
        return self._known.get((incident_id, version))

    def __len__(self) -> int:
        return len(self._known)

    def put(self, incident_id: int, version: int, state: ClockState) -> None:
        if state in (ClockState.MET, ClockState.MISSED):
            self._known[(incident_id, version)] = state


def _visible(actor: Actor, query):  # noqa: ANN001, ANN202
    if actor.reads_everything:
        return query
    units = list(actor.unit_ids)
    if not units:
        return query.where(Incident.id == -1)
    return query.where(Incident.id.in_(Assignment.select(Assignment.incident).where(Assignment.unit.in_(units))))


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=current_calendar().tz)


def summary(actor: Actor, now: datetime | None = None, outcomes: AnswerOutcomes | None = None) -> Dashboard:
    """The dashboard as of ``now`` (default: the service clock)."""
    now = now or clock_source.now()
    cal = current_calendar()
    local = now.astimezone(cal.tz)
    today = local.date()
    open_statuses = [s.value for s in OPEN_STATUSES]

    # today's incidents by their current status, every status listed
    day_from, day_to = _day_start(today), _day_start(today + timedelta(days=1))
    counted = dict(_visible(actor, Incident.select(Incident.status, fn.COUNT(Incident.id)))
                   .where((Incident.detected_at >= day_from) & (Incident.detected_at < day_to))
                   .group_by(Incident.status).tuples())
    by_status = tuple(StatusCount(s.value, STATUS_LABELS[s], int(counted.get(s.value, 0))) for s in IncidentStatus)

    open_query = _visible(actor, Incident.select()).where(Incident.status.in_(open_statuses))
    open_now = open_query.count()
    # overdue: some open clock has passed its due moment (the red rows of the queue), by that clock
    overdue_steps = dict(_visible(actor, Incident.select(Incident.next_due_code, fn.COUNT(Incident.id)))
                         .where(Incident.next_due_at < now).group_by(Incident.next_due_code).tuples())
    overdue_now = sum(overdue_steps.values())

    answers = _answer_shares(actor, today, now, outcomes if outcomes is not None else AnswerOutcomes())
    month_label = f"в {MONTHS_PREPOSITIONAL[today.month - 1]} {today.year} г."
    steps = tuple(sorted(((STEP_LABELS.get(code or "", code or ""), int(n)) for code, n in overdue_steps.items()),
                         key=lambda item: (-item[1], item[0])))
    return Dashboard(now, today, month_label, by_status, sum(c.count for c in by_status), overdue_now, open_now,
                     answers, _unit_loads(actor, now), steps)


def _answer_shares(actor: Actor, today: date, now: datetime, outcomes: AnswerOutcomes) -> tuple[AnswerShare, ...]:
    """Clauses 9 and 17: the answer clock of every incident detected this month."""
    month_from = _day_start(today.replace(day=1))
    rows = list(_visible(actor, Incident.select(Incident.id, Incident.version, Incident.priority))
                .where((Incident.detected_at >= month_from) & (Incident.detected_at <= now)
                       & (Incident.status != IncidentStatus.NO_ANSWER))
                .tuples())
    states: dict[int, ClockState] = {}
    missing = []
    for incident_id, version, _priority in rows:
        known = outcomes.get(incident_id, version)
        if known is None:
            missing.append(incident_id)
        else:
            states[incident_id] = known
    versions = {incident_id: version for incident_id, version, _ in rows}
    for incident_id, clocks in clocks_for_many(missing, now).items():
        answer = next((c for c in clocks if c.code == "answer"), None)
        if answer is not None:
            states[incident_id] = answer.state
            outcomes.put(incident_id, versions[incident_id], answer.state)
    result = []
    for priority, label in ((Priority.NORMAL, "в течение 8 рабочих часов (п. 9)"),
                            (Priority.HIGH, "в течение 4 рабочих часов, повышенная важность (п. 17)")):
        mine = [states[i] for i, _v, p in rows if p == priority and i in states]
        on_time = sum(1 for s in mine if s == ClockState.MET)
        decided = sum(1 for s in mine if s in (ClockState.MET, ClockState.MISSED, ClockState.OVERDUE))
        pending = sum(1 for s in mine if s == ClockState.RUNNING)
        result.append(AnswerShare(priority.value, label, on_time, decided, pending))
    return tuple(result)


def _unit_loads(actor: Actor, now: datetime) -> tuple[UnitLoad, ...]:
    """Open assignments per unit (and how many of their incidents are past the deadline)."""
    open_statuses = [s.value for s in OPEN_STATUSES]
    base = (Assignment.select(Assignment.unit, fn.COUNT(Assignment.id))
            .join(Incident, on=(Assignment.incident == Incident.id))
            .where(Assignment.state.in_(list(ACTIVE_ASSIGNMENT)) & Incident.status.in_(open_statuses)))
    units_query = Unit.select(Unit.id, Unit.name, Unit.short_name).where(Unit.is_active == True)  # noqa: E712
    if not actor.reads_everything:
        own = list(actor.unit_ids) or [-1]
        base = base.where(Assignment.unit.in_(own))
        units_query = units_query.where(Unit.id.in_(own))
    totals = dict(base.group_by(Assignment.unit).tuples())
    overdue = dict(base.where(Incident.next_due_at < now).group_by(Assignment.unit).tuples())
    loads = [UnitLoad(uid, name, short or name, int(totals.get(uid, 0)), int(overdue.get(uid, 0)))
             for uid, name, short in units_query.tuples()]
    loads.sort(key=lambda u: (-u.open_assignments, -u.overdue, u.unit_name))
    return tuple(loads)


# --- the trend: incidents a day and the on-time share a week (the «Сводка» charts) ------------------

#: how far back the charts look
TREND_DAYS = 28
TREND_WEEKS = 8


@dataclass(frozen=True)
class DayCount:
    """Incidents detected on one day (the administration's calendar day)."""

    day: date
    count: int


@dataclass(frozen=True)
class WeekShare:
    """Answers in time among the incidents detected in one week (Monday to Sunday), clauses 9 and 17."""

    first_day: date
    last_day: date
    on_time: int
    decided: int     # answered in time or late, or already past the deadline
    pending: int     # still running and not yet late

    @property
    def share(self) -> float | None:
        return self.on_time / self.decided if self.decided else None


@dataclass(frozen=True)
class Trend:
    """What the «Сводка» draws: a bar a day for the last four weeks, a bar a week for the last eight."""

    generated_at: datetime
    days: tuple[DayCount, ...]
    weeks: tuple[WeekShare, ...]


def trend(actor: Actor, now: datetime | None = None, outcomes: AnswerOutcomes | None = None, *,
          days: int = TREND_DAYS, weeks: int = TREND_WEEKS) -> Trend:
    """Incidents a day over ``days`` days and the on-time share over ``weeks`` weeks, up to ``now``.

    The answer clock of each incident (clauses 9 and 17) comes from ``outcomes`` (kept between
    refreshes), from the clocks stored for finished incidents, or is computed — the same verdicts
    as the month's share above the charts.
    """
    now = now or clock_source.now()
    tz = current_calendar().tz
    today = now.astimezone(tz).date()
    first_day = today - timedelta(days=days - 1)
    counts = []
    for n in range(days):
        day = first_day + timedelta(days=n)
        query = _visible(actor, Incident.select(Incident.id)).where(
            (Incident.detected_at >= _day_start(day)) & (Incident.detected_at < _day_start(day + timedelta(days=1))))
        counts.append(DayCount(day, query.count()))
    monday = today - timedelta(days=today.weekday())
    first_monday = monday - timedelta(weeks=weeks - 1)
    states = _answer_states(actor, _day_start(first_monday), now, outcomes if outcomes is not None else AnswerOutcomes())
    result = []
    for n in range(weeks):
        start = first_monday + timedelta(weeks=n)
        end = start + timedelta(days=6)
        mine = [state for detected, state in states.values() if start <= detected <= end]
        result.append(WeekShare(start, end, sum(1 for s in mine if s == ClockState.MET),
                                sum(1 for s in mine if s in (ClockState.MET, ClockState.MISSED, ClockState.OVERDUE)),
                                sum(1 for s in mine if s == ClockState.RUNNING)))
    return Trend(now, tuple(counts), tuple(result))


def _answer_states(actor: Actor, start: datetime, now: datetime,
                   outcomes: AnswerOutcomes) -> dict[int, tuple[date, ClockState]]:
    """The local detection day and the answer clock's state of every incident detected from ``start``."""
    from app.services import clock_store  # noqa: PLC0415 - the stored clocks are the report's; import on use

    tz = current_calendar().tz
    period = (Incident.detected_at >= start) & (Incident.detected_at <= now)
    rows = list(_visible(actor, Incident.select(Incident.id, Incident.version, Incident.detected_at))
                .where(period & (Incident.status != IncidentStatus.NO_ANSWER)).tuples())
    days = {i: detected.astimezone(tz).date() for i, _v, detected in rows}
    versions = {i: v for i, v, _d in rows}
    states: dict[int, ClockState] = {}
    for incident_id, version, _detected in rows:
        known = outcomes.get(incident_id, version)
        if known is not None:
            states[incident_id] = known
    if len(states) < len(rows):
        for incident_id, (answer_state, _minutes, _final) in clock_store.stored_outcomes(period).items():
            if incident_id in versions and incident_id not in states and answer_state:
                states[incident_id] = ClockState(answer_state)
                outcomes.put(incident_id, versions[incident_id], states[incident_id])
    missing = [i for i in versions if i not in states]
    for incident_id, clocks in clocks_for_many(missing, now).items():
        answer = next((c for c in clocks if c.code == "answer"), None)
        if answer is not None:
            states[incident_id] = answer.state
            outcomes.put(incident_id, versions[incident_id], answer.state)
    return {i: (days[i], state) for i, state in states.items()}
