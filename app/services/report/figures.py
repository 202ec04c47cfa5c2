"""The figures of the report, computed from the database: :func:`collect` → :class:`.data.ReportData`.

Incidents DETECTED in the period (the administration's local dates) with every clock of the
regulation judged at the moment the report is made. Nothing here knows about Excel, so tests
compare the workbook with figures they recompute themselves, and the previous period's column
equals the report of that period.
"""
from __future__ import annotations

import statistics
import time as time_module
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from app.models import (
    Answer, ApprovalDecision, Assignment, BlacklistEntry, Incident, Location, ModerationEntry, OfficialPage,
    PagePublication, Publication, Topic, TopicGroup, Unit,
)
from app.models.enums import (
    ANSWERING_KINDS, INCIDENT_KIND_LABELS, NETWORK_LABELS, NO_ANSWER_REASON_LABELS, OPEN_STATUSES, PRIORITY_LABELS,
    STATUS_LABELS, AnswerKind, AssignmentState, IncidentKind, IncidentStatus, ModerationAction, ModerationReason,
    NoAnswerReason, PageOwner, Priority, ReturnReason,
)
from app.services import clock as clock_source
from app.services import audit, clock_store, settings
from app.services.calendar_store import current_calendar
from app.services.clock_store import (
    CLAUSE, CODE, DUE, ENDED, LEFT, OPTIONAL, STARTED, STATE, SUBJECT, TITLE, US_PER_MINUTE, ClockRow, micros, moment,
    spent_minutes,
)
from app.services.deadlines import (
    STATE_LABELS, AuthorWait, ClockState, author_wait_total, author_waits_for_many, raw_rows,
)
from app.services.report.data import (
    MAX_TEXT_IN_REGISTER, TEXT_CUT, NETWORK_ORDER, NOT_INCIDENT_LABEL, NOT_INCIDENT_STATUS, OUTCOME_CODES,
    PAGE_OWNER_LABELS, STAGES, VERIFICATION_LABELS, CURATOR, EVERYONE, EXECUTOR, GroupRow, LateRow, PageRow,
    PeriodFigures, Progress, ReportData, StageRow, UnitRow, local, tell,
)
from app.services.report.periods import bounds, check_period, comparison_period, is_running, period_label, span_label
from app.services.worktime import WorkCalendar


def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


class _Stopwatch:
    def __init__(self) -> None:
        self.marks: dict[str, float] = {}
        self._t = time_module.perf_counter()

    def mark(self, name: str) -> None:
        now = time_module.perf_counter()
        self.marks[name] = self.marks.get(name, 0.0) + now - self._t
        self._t = now


# incident tuple positions
_I_ID, _I_DETECTED, _I_ROUTED, _I_CLOSED, _I_STATUS, _I_KIND, _I_PRIORITY, _I_NETWORK, _I_AUTHOR, _I_LINK, \
    _I_TEXT, _I_GROUP, _I_TOPIC, _I_LOCATION, _I_REASON = range(15)


def _incident_rows(first: datetime, after: datetime, with_text: bool) -> list[tuple[Any, ...]]:
    from peewee import fn

    # one character more than the register shows: enough to know that the text was cut
    text = fn.SUBSTR(Incident.text, 1, MAX_TEXT_IN_REGISTER + 1) if with_text else Incident.id
    query = (Incident.select(Incident.id, Incident.detected_at, Incident.routed_at, Incident.closed_at,
                             Incident.status, Incident.kind, Incident.priority, Incident.network, Incident.author,
                             Incident.link, text, Incident.topic_group, Incident.topic, Incident.location,
                             Incident.no_answer_reason)
             .where((Incident.detected_at >= first) & (Incident.detected_at < after))
             .order_by(Incident.detected_at, Incident.id))
    return list(raw_rows(query, moments=(_I_DETECTED, _I_ROUTED, _I_CLOSED)))


def _outcomes(rows: list[tuple[Any, ...]], first: datetime, after: datetime, now: datetime,
              cal: WorkCalendar) -> dict[int, clock_store.Outcome]:
    """The outcomes (answer, clauses 9/17; final answer, clause 18) of many incidents, computed.

    The comparison column needs nothing else, and these two follow from detection, priority and
    the publications alone, so they are computed here from two queries instead of the whole
    history — by the same rules as :mod:`app.services.deadlines` (a test keeps the two equal:
    a period's figures equal the «previous period» column of the report for the period after it).
    """
    if not rows:
        return {}
    lim = settings.limits()
    answering = {k.value for k in ANSWERING_KINDS}  # a posted clarification request answers nothing
    published: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    for inc_id, at, kind in raw_rows(Publication.select(Publication.incident, Publication.published_at, Answer.kind)
                                     .join(Answer).switch(Publication).join(Incident)
                                     .where((Incident.detected_at >= first) & (Incident.detected_at < after))
                                     .order_by(Publication.published_at), moments=(1,)):
        published[inc_id].append((at, kind))
    result: dict[int, clock_store.Outcome] = {}
    for row in rows:
        inc_id, detected = row[_I_ID], row[_I_DETECTED]
        closed_no_answer = row[_I_CLOSED] if row[_I_STATUS] == IncidentStatus.NO_ANSWER else None
        pubs = published.get(inc_id, [])
        answer_state = answer_minutes = final_state = None
        if closed_no_answer is None:
            limit = lim.answer_high if row[_I_PRIORITY] == Priority.HIGH else lim.answer
            due = cal.add_working_time(detected, timedelta(minutes=limit))
            ended = next((at for at, kind in pubs if kind in answering), None)
            answer_state = _state(due, ended, now, cal)
            if ended is not None:
                answer_minutes = max(0, _minutes(cal.working_time_between(detected, ended)))
        interim = next((at for at, kind in pubs if kind == AnswerKind.INTERIM), None)
        if interim is not None:
            final = next((at for at, kind in pubs if at > interim and kind in answering
                          and kind != AnswerKind.INTERIM), None)
            closed = row[_I_CLOSED] if row[_I_STATUS] in (IncidentStatus.ANSWERED, IncidentStatus.NO_ANSWER) else None
            final_state = _state(cal.add_working_days(interim, lim.final_answer_days), final or closed, now, cal)
        result[inc_id] = (answer_state, answer_minutes, final_state)
    return result


def _state(due: datetime, ended: datetime | None, now: datetime, cal: WorkCalendar) -> str:
    """As :mod:`app.services.deadlines` judges a clock: a step done in the non-working gap right
    after its due moment took no more working time than allowed, so it is in time."""
    if ended is not None:
        in_time = ended <= due or cal.working_time_between(due, ended) <= timedelta(0)
        return ClockState.MET if in_time else ClockState.MISSED
    return ClockState.RUNNING if now <= due else ClockState.OVERDUE


def _answer_clock(clocks: Iterable[ClockRow]) -> ClockRow | None:
    for c in clocks:
        if c[CODE] == "answer":
            return c
    return None


_LATE_STATES = frozenset({ClockState.MISSED.value, ClockState.OVERDUE.value})


def _lateness(c: ClockRow) -> int:
    """Working minutes past the due moment (0 if not late)."""
    return max(0, -c[LEFT] // US_PER_MINUTE) if c[STATE] in _LATE_STATES else 0


def _author_waits(period: Any, now: datetime) -> dict[int, list[AuthorWait]]:
    """The author waits (clause 13) of the incidents matching ``period`` (a condition on ``Incident``):
    one query finds the few that have a posted clarification request, then their waits."""
    query = (Publication.select(Publication.incident).distinct()
             .join(Answer, on=(Publication.answer == Answer.id))
             .switch(Publication).join(Incident, on=(Publication.incident == Incident.id))
             .where(period & (Answer.kind == AnswerKind.REQUEST)))
    ids = [row[0] for row in raw_rows(query)]
    return author_waits_for_many(ids, now) if ids else {}


def _wait_minutes(waits: Iterable[AuthorWait]) -> int:
    """Whole working minutes an incident waited for its author, all its requests together."""
    return _minutes(author_wait_total(waits))


def _figures(start: date, end: date, label: str, rows: list[tuple[Any, ...]],
             outcomes: dict[int, clock_store.Outcome], waits: dict[int, list[AuthorWait]]) -> PeriodFigures:
    by_kind = Counter({k.value: 0 for k in IncidentKind})
    by_priority = Counter({p.value: 0 for p in Priority})
    answer_states: dict[str, dict[str, int]] = {
        p.value: {s: 0 for s in (ClockState.MET, ClockState.MISSED, ClockState.OVERDUE, ClockState.RUNNING)}
        for p in Priority}
    no_answer = Counter({r.value: 0 for r in NoAnswerReason})
    final_states = {s: 0 for s in (ClockState.MET, ClockState.MISSED, ClockState.RUNNING, ClockState.OVERDUE)}
    still_open = interim = 0
    minutes: list[int] = []
    open_codes = {s.value for s in OPEN_STATUSES}
    for row in rows:
        by_kind[row[_I_KIND]] += 1
        priority = row[_I_PRIORITY]
        by_priority[priority] += 1
        status = row[_I_STATUS]
        if status in open_codes:
            still_open += 1
        if status == IncidentStatus.NO_ANSWER:
            no_answer[row[_I_REASON] or NoAnswerReason.NOT_ABOUT_ADMINISTRATION] += 1
        answer_state, answer_minutes, final_state = outcomes.get(row[_I_ID], _NO_OUTCOME)
        if answer_state is not None:
            states = answer_states.setdefault(priority, {})
            states[answer_state] = states.get(answer_state, 0) + 1
            if answer_minutes is not None:
                minutes.append(answer_minutes)
        if final_state is not None:
            interim += 1
            final_states[final_state] = final_states.get(final_state, 0) + 1
    minutes.sort()
    replied = waiting = 0
    wait_minutes: list[int] = []
    for row in rows:
        incident_waits = waits.get(row[_I_ID])
        if not incident_waits:
            continue
        latest = max(incident_waits, key=lambda w: w.posted_at)  # what became of the latest request
        if latest.replied_at is not None:
            replied += 1
        elif latest.waiting:
            waiting += 1
        wait_minutes.append(_wait_minutes(incident_waits))
    wait_minutes.sort()
    return PeriodFigures(start, end, label, len(rows), dict(by_kind), dict(by_priority),
                         answer_states, dict(no_answer), still_open, interim, final_states, tuple(minutes),
                         len(wait_minutes), replied, waiting, tuple(wait_minutes))


_NO_OUTCOME: clock_store.Outcome = (None, None, None)


def _chunks(items: Sequence[int], size: int = 900) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def collect(period_start: date, period_end: date, now: datetime | None = None,
            progress: Progress | None = None) -> ReportData:
    """Every figure of the report for the incidents detected from ``period_start`` to ``period_end``
    (inclusive, local dates of the administration), with clocks computed at ``now``."""
    check_period(period_start, period_end)
    watch = _Stopwatch()
    now = now or clock_source.now()
    cal = current_calendar()
    tz = cal.tz
    first, after = bounds(period_start, period_end, cal)
    today = now.astimezone(tz).date()
    as_of = today if is_running(period_start, period_end, today) else None
    tell(progress, 2, "Отбор инцидентов периода")
    rows = _incident_rows(first, after, with_text=True)
    ids = [r[_I_ID] for r in rows]
    watch.mark("incidents")

    def clock_progress(share: float) -> None:
        tell(progress, 5 + share * 45, "Расчёт сроков по регламенту")

    clocks = clock_store.rows_of(ids, now, progress=clock_progress)
    watch.mark("clocks")
    waits = _author_waits((Incident.detected_at >= first) & (Incident.detected_at < after), now)
    # a running period's column names the days it has had so far, and so does the one it is compared with
    current = _figures(period_start, period_end,
                       span_label(period_start, as_of) if as_of else period_label(period_start, period_end), rows,
                       {i: clock_store.outcome(c) for i, c in clocks.items()}, waits)

    prev_start, prev_end = comparison_period(period_start, period_end, today)
    tell(progress, 52, "Предыдущий период для сравнения")
    p_first, p_after = bounds(prev_start, prev_end, cal)
    prev_rows = _incident_rows(p_first, p_after, with_text=False)
    # the outcomes of finished incidents are stored; the rest are computed from two queries
    outcomes = clock_store.stored_outcomes((Incident.detected_at >= p_first) & (Incident.detected_at < p_after))
    outcomes.update(_outcomes([r for r in prev_rows if r[_I_ID] not in outcomes], p_first, p_after, now, cal))
    prev_waits = _author_waits((Incident.detected_at >= p_first) & (Incident.detected_at < p_after), now)
    previous = _figures(prev_start, prev_end, span_label(prev_start, prev_end) if as_of else
                        period_label(prev_start, prev_end), prev_rows, outcomes, prev_waits)
    del prev_rows, outcomes
    watch.mark("previous")

    tell(progress, 62, "Исполнители, этапы, темы")
    period = (Incident.detected_at >= first) & (Incident.detected_at < after)
    # assignments: id, incident, unit, state
    assignments: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    assignment_unit: dict[int, int] = {}
    for a_id, inc_id, unit_id, state in raw_rows(Assignment.select(Assignment.id, Assignment.incident,
                                                                   Assignment.unit, Assignment.state)
                                                 .join(Incident).where(period).order_by(Assignment.id)):
        assignments[inc_id].append((a_id, unit_id, state))
        assignment_unit[a_id] = unit_id
    # answers (non-contribution versions): submission moments → unit, first submission per incident
    # (of an answer: a clarification request is not a draft; its clocks still count for its unit)
    answering = {k.value for k in ANSWERING_KINDS}
    requests: set[int] = set()
    answer_unit: dict[int, int | None] = {}
    answer_incident: dict[int, int] = {}
    submission_unit: dict[tuple[int, int], int | None] = {}  # (incident, submitted µs) → unit
    first_submission: dict[int, datetime] = {}
    for ans_id, inc_id, a_id, kind, submitted in raw_rows(Answer.select(Answer.id, Answer.incident,
                                                                        Answer.assignment, Answer.kind,
                                                                        Answer.submitted_at)
                                                          .join(Incident).where(period), moments=(4,)):
        unit_id = assignment_unit.get(a_id) if a_id else None
        answer_unit[ans_id] = unit_id
        answer_incident[ans_id] = inc_id
        if kind == AnswerKind.CONTRIBUTION or submitted is None:
            continue
        submission_unit[(inc_id, micros(submitted))] = unit_id
        if kind not in answering:
            requests.add(ans_id)
            continue
        if inc_id not in first_submission or submitted < first_submission[inc_id]:
            first_submission[inc_id] = submitted
    decision_unit: dict[tuple[int, int], int | None] = {}  # (incident, decided µs) → unit
    first_approval: dict[int, datetime] = {}
    returns_by_unit: dict[int, Counter[str]] = defaultdict(Counter)
    return_count: Counter[int] = Counter()
    for ans_id, decided, approved, reasons in raw_rows(ApprovalDecision.select(ApprovalDecision.answer,
                                                                               ApprovalDecision.decided_at,
                                                                               ApprovalDecision.approved,
                                                                               ApprovalDecision.reasons)
                                                       .join(Answer).join(Incident).where(period),
                                                       moments=(1,), flags=(2,)):
        inc_id = answer_incident.get(ans_id)
        if inc_id is None:
            continue
        unit_id = answer_unit.get(ans_id)
        decision_unit[(inc_id, micros(decided))] = unit_id
        if approved:
            if ans_id in requests:
                continue
            if inc_id not in first_approval or decided < first_approval[inc_id]:
                first_approval[inc_id] = decided
        elif unit_id is not None:
            return_count[unit_id] += 1
            for code in filter(None, (reasons or "").split(",")):
                returns_by_unit[unit_id][code] += 1
    units = dict(Unit.select(Unit.id, Unit.name).tuples())
    short_names = dict(Unit.select(Unit.id, Unit.short_name).tuples())
    watch.mark("history")

    unit_rows, unit_total = _unit_rows(rows, clocks, assignments, submission_unit, decision_unit, return_count,
                           returns_by_unit, units, short_names, spent_minutes)
    stages = _stage_rows(clocks, spent_minutes)
    topics, networks = _topic_rows(rows, clocks)
    watch.mark("tables")

    tell(progress, 70, "Просрочки и реестр")
    unit_names = {inc: ", ".join(dict.fromkeys(short_names.get(u) or units.get(u, "") for _, u, state in items
                                               if state != AssignmentState.CANCELLED or len(items) == 1))
                  for inc, items in assignments.items()}
    late = _late_rows(rows, clocks, unit_names, decision_unit, short_names, tz)
    register = _register_rows(rows, clocks, unit_names, first_submission, first_approval, waits, tz)
    watch.mark("register")

    tell(progress, 74, "Официальные страницы")
    weeks, judged, pages = _page_rows(period_start, period_end, cal, now)
    watch.mark("pages")
    return ReportData(period_start, period_end, period_label(period_start, period_end), now,
                      getattr(tz, "key", str(tz)), current, previous, unit_rows, stages, topics, networks, late,
                      register, weeks, judged, pages, watch.marks, as_of=as_of, unit_total=unit_total,
                      anchor=audit.chain_head())


def _unit_rows(rows, clocks, assignments, submission_unit, decision_unit, return_count,  # noqa: ANN001, PLR0913
               returns_by_unit, units, short_names, measure) -> tuple[list[UnitRow], UnitRow]:  # noqa: ANN001
    """A row per unit, and the total in which an incident several units worked on (a consolidated
    answer, clause 19) counts once: its outcome is one, however many units it was assigned to."""
    received: Counter[int] = Counter()
    executed: Counter[int] = Counter()
    outcome: dict[int, Counter[str]] = defaultdict(Counter)
    competence: Counter[int] = Counter()
    missed_steps: Counter[int] = Counter()
    spent: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    not_working = (AssignmentState.NOT_COMPETENT, AssignmentState.CANCELLED)
    worked_on = 0
    total_outcome: Counter[str] = Counter()
    for row in rows:
        inc_id = row[_I_ID]
        items = assignments.get(inc_id, ())
        incident_clocks = clocks.get(inc_id, ())
        answer = _answer_clock(incident_clocks)
        working_units = set()
        by_short: dict[str, int] = {}
        for _, unit_id, state in items:
            received[unit_id] += 1
            by_short.setdefault(short_names.get(unit_id, ""), unit_id)
            if state == AssignmentState.NOT_COMPETENT:
                competence[unit_id] += 1
            if state not in not_working:
                working_units.add(unit_id)
        for unit_id in working_units:
            executed[unit_id] += 1
            if answer is not None:
                outcome[unit_id][answer[STATE]] += 1
        if working_units:
            worked_on += 1
            if answer is not None:
                total_outcome[answer[STATE]] += 1
        for c in incident_clocks:
            code = c[CODE]
            if code in OUTCOME_CODES or c[OPTIONAL]:
                continue
            if c[SUBJECT]:
                unit_id = by_short.get(c[SUBJECT])
            elif code == "approval":
                unit_id = submission_unit.get((inc_id, c[STARTED]))
            elif code in ("revision", "publication"):
                unit_id = decision_unit.get((inc_id, c[STARTED]))
            else:
                unit_id = None
            if unit_id is None:
                continue
            if c[STATE] in _LATE_STATES and code != "approval":
                missed_steps[unit_id] += 1
            minutes = measure(c)
            if minutes is not None:
                spent[unit_id][code].append(minutes)
    result = []
    for unit_id in sorted(received, key=lambda u: (-received[u], units.get(u, ""))):
        steps = spent.get(unit_id, {})
        result.append(UnitRow(
            unit_id, units.get(unit_id, f"№ {unit_id}"), received[unit_id], executed[unit_id],
            outcome[unit_id][ClockState.MET], outcome[unit_id][ClockState.MISSED], outcome[unit_id][ClockState.OVERDUE],
            return_count[unit_id], {r.value: returns_by_unit[unit_id][r.value] for r in ReturnReason},
            competence[unit_id], missed_steps[unit_id],
            {code: statistics.fmean(values) for code, values in steps.items() if values},
            {code: len(values) for code, values in steps.items()}))
    reasons = {r.value: sum(u.returns_by_reason[r.value] for u in result) for r in ReturnReason}
    total = UnitRow(0, "Итого", sum(received.values()), worked_on, total_outcome[ClockState.MET],
                    total_outcome[ClockState.MISSED], total_outcome[ClockState.OVERDUE],
                    sum(u.returns for u in result), reasons, sum(competence.values()), sum(missed_steps.values()),
                    {}, {})
    return result, total


def _stage_rows(clocks: dict[int, list[ClockRow]], measure: Callable[[ClockRow], int | None]) -> list[StageRow]:
    states: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    spent: dict[tuple[str, str], list[int]] = defaultdict(list)
    lost: Counter[tuple[str, str]] = Counter()
    for incident_clocks in clocks.values():
        for c in incident_clocks:
            key = (c[CODE], c[CLAUSE])
            if c[OPTIONAL]:
                states[key]["unused" if c[STATE] == ClockState.UNUSED else "window"] += 1
                continue
            states[key][c[STATE]] += 1
            minutes = measure(c)
            if minutes is not None:
                spent[key].append(minutes)
            lost[key] += _lateness(c)
    result = []
    for code, clause, title, who in STAGES:
        key = (code, clause)
        counts = states.get(key, Counter())
        values = sorted(spent.get(key, ()))
        result.append(StageRow(
            code, clause, title, who,
            total=sum(v for k, v in counts.items() if k != "window"),
            met=counts[ClockState.MET], missed=counts[ClockState.MISSED], running=counts[ClockState.RUNNING],
            overdue=counts[ClockState.OVERDUE], unused=counts["unused"],
            median_minutes=statistics.median(values) if values else None,
            average_minutes=statistics.fmean(values) if values else None,
            lost_minutes=lost[key]))
    steps = [r for r in result if r.code not in OUTCOME_CODES and r.lost_minutes > 0]
    if steps:
        worst = max(steps, key=lambda r: (r.lost_minutes, r.missed + r.overdue))
        result = [StageRow(**{**r.__dict__, "worst": r is worst}) for r in result]
    return result


def _topic_rows(rows: list[tuple[Any, ...]], clocks: dict[int, list[ClockRow]]
                ) -> tuple[list[GroupRow], list[GroupRow]]:
    groups = dict(TopicGroup.select(TopicGroup.id, TopicGroup.name).tuples())
    by_group: dict[int | None, Counter[str]] = defaultdict(Counter)
    by_net: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        answer = _answer_clock(clocks.get(row[_I_ID], ()))
        network = row[_I_NETWORK]
        for bucket in (by_group[row[_I_GROUP]], by_net[network]):
            bucket["total"] += 1
            bucket[f"net:{network}"] += 1
            if row[_I_STATUS] == IncidentStatus.NO_ANSWER:
                bucket["not_incident" if row[_I_REASON] == NoAnswerReason.NOT_ABOUT_ADMINISTRATION
                       else "no_answer"] += 1
            elif answer is not None and answer[STATE] == ClockState.MET:
                bucket["in_time"] += 1
            elif answer is not None and answer[STATE] == ClockState.MISSED:
                bucket["late"] += 1

    def make(key: str, label: str, counts: Counter[str]) -> GroupRow:
        return GroupRow(key, label, counts["total"], {n.value: counts[f"net:{n.value}"] for n in NETWORK_ORDER},
                        counts["in_time"], counts["late"], counts["no_answer"], counts["not_incident"])

    topic_rows = [make(str(g), groups.get(g, f"Группа № {g}"), c) for g, c in by_group.items() if g is not None]
    topic_rows.sort(key=lambda r: (-r.total, r.label))
    if None in by_group:
        topic_rows.append(make("", "Тема не указана", by_group[None]))
    network_rows = [make(n.value, NETWORK_LABELS[n], by_net.get(n.value, Counter())) for n in NETWORK_ORDER]
    for other in sorted(set(by_net) - {n.value for n in NETWORK_ORDER}):
        network_rows.append(make(other, other, by_net[other]))
    return topic_rows, network_rows


def _late_rows(rows: list[tuple[Any, ...]], clocks: dict[int, list[ClockRow]], unit_names: dict[int, str],
               decision_unit: dict[tuple[int, int], int | None], short_names: dict[int, str], tz: Any
               ) -> list[LateRow]:
    """Every missed or overdue clock; an incident's rows follow one another in the order of their due moments."""
    result = []
    for row in rows:
        inc_id = row[_I_ID]
        late = [c for c in clocks.get(inc_id, ()) if not c[OPTIONAL] and c[STATE] in _LATE_STATES]
        for c in sorted(late, key=lambda c: (c[DUE], c[ENDED] is None, c[ENDED] or 0)):
            result.append(LateRow(
                inc_id, local(row[_I_DETECTED], tz), row[_I_LINK],
                NETWORK_LABELS.get(row[_I_NETWORK], row[_I_NETWORK]),
                PRIORITY_LABELS.get(row[_I_PRIORITY], row[_I_PRIORITY]),
                _status_label(row[_I_STATUS], row[_I_REASON], STATUS_LABELS),
                unit_names.get(inc_id, ""), c[TITLE], c[CLAUSE], c[CODE],
                _whose(c, unit_names.get(inc_id, ""), decision_unit.get((inc_id, c[STARTED])), short_names),
                local(moment(c[DUE]), tz), local(moment(c[ENDED]), tz), STATE_LABELS[c[STATE]], _lateness(c)))
    return result


#: who acts on each clock of the regulation (the last column of :data:`STAGES`)
_WHO = {(code, clause): who for code, clause, _, who in STAGES}


def _whose(c: ClockRow, incident_units: str, version_unit: int | None, short_names: dict[int, str]) -> str:
    """Whose step the clock is, as «Просрочки» names it: the curator's steps (routing, re-routing,
    approval) are «Куратор», whatever unit they concern; an executor's step is its unit's (the
    revision and posting of a version, of the unit that wrote it); the answer itself is everyone's."""
    who = _WHO.get((c[CODE], c[CLAUSE]), "")
    if who == CURATOR:
        return CURATOR
    if who == EVERYONE:
        return EVERYONE
    if c[SUBJECT]:
        return c[SUBJECT]
    if version_unit is not None and c[CODE] in ("revision", "publication"):
        return short_names.get(version_unit, "") or incident_units or EXECUTOR
    return incident_units or EXECUTOR


def _status_label(status: str, reason: str | None, labels: dict[str, str]) -> str:
    """The status as the report names it: a closure «not about the administration» is not one
    «without an answer» (clause 21) but «not an incident» (clause 2)."""
    if status == IncidentStatus.NO_ANSWER and reason == NoAnswerReason.NOT_ABOUT_ADMINISTRATION:
        return NOT_INCIDENT_STATUS
    return labels.get(status, status)


def _closure_label(reason: Any) -> str:
    if reason == NoAnswerReason.NOT_ABOUT_ADMINISTRATION:
        return NOT_INCIDENT_LABEL
    return NO_ANSWER_REASON_LABELS.get(reason, "Без ответа")


def _register_rows(rows, clocks, unit_names, first_submission, first_approval, waits, tz  # noqa: ANN001, PLR0913
                   ) -> list[tuple[Any, ...]]:
    topics = dict(Topic.select(Topic.id, Topic.name).tuples())
    groups = dict(TopicGroup.select(TopicGroup.id, TopicGroup.name).tuples())
    location_ids = list({r[_I_LOCATION] for r in rows if r[_I_LOCATION] is not None})
    locations: dict[int, str] = {}
    for chunk in _chunks(location_ids):
        locations.update(Location.select(Location.id, Location.name).where(Location.id.in_(list(chunk))).tuples())
    status_labels = {k.value: v for k, v in STATUS_LABELS.items()}
    kind_labels = {k.value: v for k, v in INCIDENT_KIND_LABELS.items()}
    priority_labels = {k.value: v for k, v in PRIORITY_LABELS.items()}
    network_labels = {k.value: v for k, v in NETWORK_LABELS.items()}
    state_labels = {k.value: v for k, v in STATE_LABELS.items()}
    result = []
    for row in rows:
        inc_id = row[_I_ID]
        answer = _answer_clock(clocks.get(inc_id, ()))
        published = moment(answer[ENDED]) if answer is not None else None
        minutes = spent_minutes(answer) if answer is not None else None
        incident_waits = waits.get(inc_id)
        result.append((  # in the order of REGISTER_COLUMNS
            inc_id, local(row[_I_DETECTED], tz),
            _status_label(row[_I_STATUS], row[_I_REASON], status_labels),
            priority_labels.get(row[_I_PRIORITY], row[_I_PRIORITY]),
            network_labels.get(row[_I_NETWORK], row[_I_NETWORK]),
            topics.get(row[_I_TOPIC]) if row[_I_TOPIC] else None,
            unit_names.get(inc_id) or None,
            state_labels.get(answer[STATE]) if answer is not None
            else _closure_label(row[_I_REASON]) if row[_I_REASON] else None,
            _shown_text(row[_I_TEXT]),
            row[_I_AUTHOR], kind_labels.get(row[_I_KIND], row[_I_KIND]),
            groups.get(row[_I_GROUP]) if row[_I_GROUP] else None,
            locations.get(row[_I_LOCATION]) if row[_I_LOCATION] else None,
            local(row[_I_ROUTED], tz), local(first_submission.get(inc_id), tz),
            local(first_approval.get(inc_id), tz), local(published, tz), local(row[_I_CLOSED], tz),
            minutes,
            len(incident_waits) if incident_waits else None,
            _wait_minutes(incident_waits) if incident_waits else None,
            row[_I_LINK],
        ))
    return result


def _shown_text(text: str | None) -> str | None:
    """The message as the register shows it: its first characters, and «…» where it goes on."""
    if text is None or len(text) <= MAX_TEXT_IN_REGISTER:
        return text
    return text[:MAX_TEXT_IN_REGISTER] + TEXT_CUT


def _weeks(start: date, end: date) -> list[tuple[date, date]]:
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append((monday, monday + timedelta(days=6)))
        monday += timedelta(days=7)
    return weeks


def _page_rows(start: date, end: date, cal: WorkCalendar, now: datetime
               ) -> tuple[list[tuple[date, date]], list[bool], list[PageRow]]:
    """Clause 5 week by week (whole Monday–Sunday weeks touching the period), clauses 11–15.

    The weeks are judged by the pages module's own rule (:func:`app.services.pages.weeks.grid`), so
    the sheet and the «Страницы» screen agree: a week the page was not in the registry is not a gap.
    """
    from app.services.pages import subscriptions, weeks as page_weeks

    tz = cal.tz
    weeks = _weeks(start, end)
    today = now.astimezone(tz).date()
    judged = [sunday < today for _, sunday in weeks]
    first, after = bounds(start, end, cal)
    grid = {row.page_id: row for row in page_weeks.grid([monday for monday, _ in weeks], today=today,
                                                        with_archived=True).rows}
    in_period: Counter[int] = Counter(
        page_id for (page_id,) in PagePublication.select(PagePublication.page)
        .where((PagePublication.published_at >= first) & (PagePublication.published_at < after)).tuples())
    moderation: dict[int, Counter[str]] = defaultdict(Counter)
    blacklisted: Counter[int] = Counter()
    for page_id, action, reason in (ModerationEntry.select(ModerationEntry.page, ModerationEntry.action,
                                                           ModerationEntry.reason)
                                    .where((ModerationEntry.at >= first) & (ModerationEntry.at < after)).tuples()):
        if action == ModerationAction.BLACKLISTED:
            blacklisted[page_id] += 1
        else:
            moderation[page_id][reason] += 1
    blacklist_size: Counter[int] = Counter()
    for page_id, added, removed in BlacklistEntry.select(BlacklistEntry.page, BlacklistEntry.added_at,
                                                         BlacklistEntry.removed_at).tuples():
        if added < after and (removed is None or removed >= after):
            blacklist_size[page_id] += 1
    matrix = subscriptions.matrix_of_pages()
    missing = {page_id for page_id, _head in matrix.missing()}
    pages = []
    for p in OfficialPage.select().order_by(OfficialPage.owner, OfficialPage.network, OfficialPage.name):
        row = grid.get(p.id)
        if row is None or all(c.state is page_weeks.WeekState.ABSENT for c in row.cells) and not in_period[p.id]:
            continue  # archived before the period, or added after it
        absent = tuple(c.state is page_weeks.WeekState.ABSENT for c in row.cells)
        weekly = tuple(c.published for c in row.cells)
        pages.append(PageRow(
            p.id, NETWORK_LABELS.get(p.network, p.network), p.name, p.url, PAGE_OWNER_LABELS.get(p.owner, p.owner),
            VERIFICATION_LABELS.get(p.verification, p.verification), local(p.verification_changed_at, tz),
            p.owner == PageOwner.ADMINISTRATION and p.archived_at is None and p.id not in missing,
            weekly, sum(1 for n, ok, gone in zip(weekly, judged, absent, strict=True) if ok and n == 0 and not gone),
            in_period[p.id], {r.value: moderation[p.id][r.value] for r in ModerationReason}, blacklisted[p.id],
            blacklist_size[p.id], absent))
    return weeks, judged, pages
