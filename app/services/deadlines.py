"""Every clock of the regulation for an incident, computed from its history.

A clock has a start, a due moment in the administration's working time, an end (the step that
stops it, if it happened), a state and a Russian explanation of its due moment. Clocks are
computed for many incidents at once with a fixed number of queries, so a queue page costs the
same whether the database holds a hundred incidents or a million.
"""
from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from functools import lru_cache
from typing import Any, NamedTuple

from peewee import JOIN, SQL

from app.models import Answer, ApprovalDecision, Assignment, AuthorReply, Incident, Publication, Unit, db
from app.models.enums import ANSWERING_KINDS, AnswerKind, AssignmentState, IncidentStatus, Priority
from app.services import clock as clock_source
from app.services import formatting, prepared, settings
from app.services.calendar_store import current_calendar
from app.services.worktime import WorkCalendar

WARNING_SHARE = 0.75


class ClockState(StrEnum):
    RUNNING = "running"
    OVERDUE = "overdue"   # still running, past its due moment
    MET = "met"
    MISSED = "missed"
    UNUSED = "unused"     # an optional window (clauses 11, 13) that closed without being used


STATE_LABELS = {
    ClockState.RUNNING: "идёт",
    ClockState.OVERDUE: "просрочен",
    ClockState.MET: "соблюдён",
    ClockState.MISSED: "нарушен",
    ClockState.UNUSED: "не использован",
}


class DeferredLines(Sequence[str]):
    """The lines of a due moment's account, written when first read.

    A queue page of 200 incidents builds over a thousand due moments, and writing the day-by-day
    account of each (:meth:`WorkCalendar.explain`) was most of the page's time; the window shows
    one of them, in the tooltip of the cell the pointer rests on. Reads like the tuple it stands for.
    """

    __slots__ = ("_lines", "_write")

    def __init__(self, write: Callable[[], Iterable[str]]) -> None:
        self._write: Callable[[], Iterable[str]] | None = write
        self._lines: tuple[str, ...] | None = None

    def _read(self) -> tuple[str, ...]:
        if self._lines is None:
            write, self._write = self._write, None
            self._lines = tuple(write()) if write is not None else ()
        return self._lines

    def __getitem__(self, index):  # noqa: ANN001, ANN204 - as a tuple's
        return self._read()[index]

    def __len__(self) -> int:
        return len(self._read())

    def __iter__(self) -> Iterator[str]:
        return iter(self._read())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and not isinstance(other, str) and self._read() == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._read())


@dataclass(slots=True)
class Clock:
    """One clock of one incident: a value, never changed once built (not frozen only because a
    frozen dataclass costs three times as much to build, and a report builds a hundred thousand)."""

    code: str
    clause: str
    title: str
    subject: str  # the unit the clock belongs to, or ""
    started_at: datetime
    due_at: datetime
    ended_at: datetime | None
    limit_text: str
    state: ClockState
    left: timedelta  # working time from now (or from the end) to the due moment; negative = late
    used_share: float  # how much of the limit is used (1.0 = due now)
    explanation: Sequence[str] = field(default=(), compare=False)
    optional: bool = False
    #: working time from the start to the end (or to now while it runs); zero if that is not later
    worked: timedelta = field(default=timedelta(0), compare=False)

    @property
    def is_open(self) -> bool:
        return self.state in (ClockState.RUNNING, ClockState.OVERDUE)

    @property
    def limit(self) -> timedelta:
        """The working time from the start to the due moment (negative when the window was gone
        before the step began, as a clause-12 draft routed after its deadline)."""
        return self.worked + self.left

    @property
    def warning(self) -> bool:
        """Past 75 % of the limit and still running (the amber zone)."""
        return self.state == ClockState.RUNNING and self.used_share >= WARNING_SHARE and not self.optional

    def summary(self) -> str:
        """«Размещение ответа (п. 9): осталось 2 рабочих часа 15 минут»."""
        if self.is_open:
            return f"{self.title} ({self.clause}): " \
                   f"{formatting.time_left(self.left, overdue=self.state == ClockState.OVERDUE)}"
        return f"{self.title} ({self.clause}): {STATE_LABELS[self.state]}"


class _IncidentRow(NamedTuple):
    id: int
    status: str
    priority: str
    detected_at: datetime
    closed_at: datetime | None
    step_limits: str | None
    version: int


class _AssignmentRow(NamedTuple):
    id: int
    incident_id: int
    unit_id: int
    state: str
    assigned_at: datetime
    closed_at: datetime | None
    is_consolidating: bool
    consolidating_since: datetime | None
    unit_name: str


class _AnswerRow(NamedTuple):
    id: int
    incident_id: int
    assignment_id: int | None
    kind: str
    number: int
    state: str
    submitted_at: datetime | None


class _DecisionRow(NamedTuple):
    answer_id: int
    decided_at: datetime
    approved: bool


class _PublicationRow(NamedTuple):
    answer_id: int
    incident_id: int
    published_at: datetime


@dataclass
class _History:
    incident: _IncidentRow
    assignments: list[_AssignmentRow] = field(default_factory=list)
    answers: list[_AnswerRow] = field(default_factory=list)
    decisions: list[_DecisionRow] = field(default_factory=list)
    publications: list[_PublicationRow] = field(default_factory=list)


def utc_moment(value: datetime | str | None) -> datetime | None:
    """A moment as the database driver returns it (SQLite: text, PostgreSQL: naive UTC) → aware UTC,
    exactly as :class:`app.models.base.UtcDateTimeField` reads it."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) in (19, 26):  # «YYYY-MM-DD HH:MM:SS[.ffffff]», naive UTC as stored: parsing it
            return datetime.fromisoformat(value + "+00:00")  # with the offset is faster than .replace()
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def raw_rows(query: Any, moments: Iterable[int] = (), flags: Iterable[int] = ()) -> Iterator[tuple[Any, ...]]:
    """The rows of a peewee SELECT (or of its SQL and values) straight from the driver's cursor, as tuples.

    Peewee converts every value of every row through its field (a good part of the cost of
    reading a hundred thousand rows); here only the columns at the ``moments`` positions (UTC
    moments) and ``flags`` positions (booleans) are converted, the rest are already plain
    Python values (ids, codes, texts).
    """
    moments, flags = tuple(moments), tuple(flags)
    cursor = db.execute_sql(*(query if isinstance(query, tuple) else query.sql()))
    if not moments and not flags:
        yield from map(tuple, cursor)
        return
    for row in cursor:
        row = list(row)
        for i in moments:
            row[i] = utc_moment(row[i])
        for i in flags:
            if row[i] is not None:
                row[i] = bool(row[i])
        yield tuple(row)


def ids_in(column: Any, ids: Iterable[int]) -> Any:
    """``column IN (…)`` with the ids written as integer literals: peewee would build a
    parameter node per id, which costs more than the query itself for thousands of ids."""
    return column.in_(SQL("(" + ",".join(str(int(i)) for i in ids) + ")"))


def _of(name: str, column: Any, build: Callable[[Any], Any], ids: list[int]) -> Any:
    """``build(column IN ids)``; for one incident (an action's own clocks) as SQL written once (``prepared``)."""
    if len(ids) == 1:
        _, sql, values = prepared.statement(name, lambda i: build(column == i), ids[0])
        return sql, values
    return build(ids_in(column, ids))


def _load(incident_ids: list[int], known: Mapping[int, _IncidentRow] | None = None) -> dict[int, _History]:
    """The histories of a batch: only the columns the clocks read, as plain tuples (building a
    model object per row costs more than the clocks themselves on a report of a month).
    ``known``: incidents as the caller holds them (an action that has changed the row and not yet
    written it), not read again."""
    if not incident_ids:
        return {}
    known = known or {}
    histories = {i: _History(known[i]) for i in incident_ids if i in known}
    unknown = [i for i in incident_ids if i not in known]
    if unknown:
        histories.update({row[0]: _History(_IncidentRow(*row)) for row in raw_rows(_of(
            "clocks.incident", Incident.id, lambda where: Incident.select(
                Incident.id, Incident.status, Incident.priority, Incident.detected_at, Incident.closed_at,
                Incident.step_limits, Incident.version).where(where), unknown), moments=(3, 4))})
    if not histories:
        return histories
    ids = list(histories)
    # each assignment with its unit's name, each answer with the curator's decisions on it: one query each
    for row in raw_rows(_of("clocks.assignments", Assignment.incident, lambda where: Assignment.select(
            Assignment.id, Assignment.incident, Assignment.unit, Assignment.state, Assignment.assigned_at,
            Assignment.closed_at, Assignment.is_consolidating, Assignment.consolidating_since, Unit.short_name)
            .join(Unit, JOIN.LEFT_OUTER, on=(Assignment.unit == Unit.id)).where(where).order_by(Assignment.id), ids),
            moments=(4, 5, 7), flags=(6,)):
        histories[row[1]].assignments.append(_AssignmentRow(*row[:8], row[8] or ""))
    decided: dict[int, list[tuple[int, _DecisionRow]]] = {}
    seen: set[int] = set()
    for row in raw_rows(_of("clocks.answers", Answer.incident, lambda where: Answer.select(
            Answer.id, Answer.incident, Answer.assignment, Answer.kind, Answer.number, Answer.state,
            Answer.submitted_at, ApprovalDecision.id, ApprovalDecision.decided_at, ApprovalDecision.approved)
            .join(ApprovalDecision, JOIN.LEFT_OUTER, on=(ApprovalDecision.answer == Answer.id))
            .where(where).order_by(Answer.number, ApprovalDecision.id), ids), moments=(6, 8), flags=(9,)):
        if row[0] not in seen:
            seen.add(row[0])
            histories[row[1]].answers.append(_AnswerRow(*row[:7]))
        if row[7] is not None:
            decided.setdefault(row[1], []).append((row[7], _DecisionRow(row[0], row[8], row[9])))
    for incident_id, decisions in decided.items():  # in the order they were taken, across the answers
        histories[incident_id].decisions.extend(d for _, d in sorted(decisions, key=lambda pair: pair[0]))
    for row in raw_rows(_of("clocks.publications", Publication.incident, lambda where: Publication.select(
            Publication.answer, Publication.incident, Publication.published_at).where(where)
            .order_by(Publication.published_at), ids), moments=(2,)):
        histories[row[1]].publications.append(_PublicationRow(*row))
    return histories


@lru_cache(maxsize=256)
def _duration_text(minutes: int) -> str:
    """«2 рабочих часа 15 минут» for a limit: the same few limits recur on every clock."""
    return formatting.duration(timedelta(minutes=minutes))


@lru_cache(maxsize=64)
def _days_text(days: int) -> str:
    return formatting.plural(days, formatting.WORKING_DAYS)


#: the steps whose limits the curator sets for the final-answer stage (clause 18): the clocks of
#: clauses 11–16 and the final draft, which otherwise is due 3 working hours before the final answer
STAGE_STEPS = ("competence_notice", "rerouting", "clarification", "final_draft", "approval", "revision",
               "publication")
STAGE_STEP_LABELS = {
    "competence_notice": "Сообщение о некомпетентности (п. 11)",
    "rerouting": "Перенаправление после такого сообщения (п. 11)",
    "clarification": "Запрос (уточнение) автору на согласование (п. 13)",
    "final_draft": "Окончательный ответ на согласование (п. 12)",
    "approval": "Согласование куратором (п. 14)",
    "revision": "Доработка и повторное направление (п. 15)",
    "publication": "Размещение согласованного текста (п. 16)",
}


def _version_titles(kind: str, number: int) -> tuple[str, str, str]:
    """The titles of the approval, revision and publication clocks of one version."""
    if kind == AnswerKind.REQUEST:
        return (f"Согласование запроса (уточнения), версия {number}", f"Доработка запроса, версия {number}",
                "Размещение согласованного запроса (уточнения)")
    return f"Согласование версии {number}", f"Доработка версии {number}", "Размещение согласованного ответа"


class _Builder:
    def __init__(self, h: _History, cal: WorkCalendar, limits: settings.Limits, now: datetime,
                 explanations: bool = True, current_only: bool = False) -> None:
        self.h = h
        #: only what :func:`current_clock` can choose: the running clocks and the answer's outcome
        self.current_only = current_only
        self.cal = cal
        self.limits = limits
        self.now = now
        self.explanations = explanations
        self.clocks: list[Clock] = []
        kinds = {a.id: a.kind for a in h.answers}
        interim = [p for p in h.publications if kinds.get(p.answer_id) == AnswerKind.INTERIM]
        self.interim_at = interim[0].published_at if interim else None
        self.stage_limits = json.loads(h.incident.step_limits) if h.incident.step_limits else {}

    def stage_limit(self, step: str, start: datetime, ended: datetime | None) -> int | None:
        """The curator's own limit of a step of the final-answer stage (clause 18), if one applies.

        A step is judged by the limit in force when it ended (or the present one while it runs):
        a limit set later never re-judges a finished step, so the card, the report and the audit
        event written when the step ended keep one verdict.
        """
        if self.interim_at is None or start < self.interim_at or not self.stage_limits.get(step):
            return None
        history = [(datetime.fromisoformat(at), minutes) for at, code, minutes
                   in self.stage_limits.get("_history", ()) if code == step]
        if not history or ended is None:
            return int(self.stage_limits[step])
        in_force = [minutes for at, minutes in history if at <= ended]
        return int(in_force[-1]) if in_force else None

    def limit(self, step: str, start: datetime, ended: datetime | None = None) -> int:
        """The limit of a step that starts at ``start`` (and ended at ``ended``): the curator's own
        in the final-answer stage, else the regulation's."""
        own = self.stage_limit(step, start, ended)
        return own if own is not None else int(getattr(self.limits, step))

    def in_first_stage(self, moment: datetime) -> bool:
        return self.interim_at is None or moment < self.interim_at

    def add(self, code: str, clause: str, title: str, start: datetime, *, minutes: int | None = None,
            due: datetime | None = None, ended: datetime | None, subject: str = "", optional: bool = False,
            limit_text: str = "", explanation: Iterable[str] | None = None) -> Clock | None:
        if self.current_only and ended is not None and code not in _OUTCOME_CODES:
            return None  # a step done: never the clock that matters now
        cal = self.cal
        if due is None:
            assert minutes is not None
            delta = timedelta(minutes=minutes)
            due = cal.add_working_time(start, delta)  # a start outside working time counts from the next one
            limit_text = limit_text or _duration_text(minutes)
            if explanation is None and self.explanations:
                explanation = DeferredLines(lambda: cal.explain(start, delta))
            # the due moment is where exactly ``delta`` of working time has passed since the start
            # (test_working_time_to_a_due_moment_is_its_limit pins this), no need to measure it again
            total = delta if minutes > 0 else cal.working_time_between(start, due)
        else:
            total = cal.working_time_between(start, due)
        reference = ended if ended is not None else self.now
        used = cal.working_time_between(start, reference)
        # working time is additive (each call is a difference of cumulative working microseconds),
        # so this is exactly working_time_between(reference, due), one calendar look-up fewer;
        # negative once the due moment has passed
        left = total - used
        elapsed = used if reference > start else timedelta(0)
        share = elapsed / total if total > timedelta(0) else (1.0 if reference >= due else 0.0)
        if ended is not None:
            # the limit is working time: a step done after the due moment but before the next working
            # minute (Friday 18:20 for a step due at 18:00) took no more working time than allowed
            in_time = ended <= due or cal.working_time_between(due, ended) <= timedelta(0)
            state = ClockState.MET if in_time else ClockState.MISSED
        elif optional and self.now > due:
            state = ClockState.UNUSED
        else:
            state = ClockState.RUNNING if self.now <= due else ClockState.OVERDUE
        made = Clock(code, clause, title, subject, start, due, ended, limit_text, state, left,
                     float(share), explanation if isinstance(explanation, DeferredLines)
                     else tuple(explanation or ()), optional, elapsed)
        self.clocks.append(made)
        return made

    def stop(self, a: _AssignmentRow, closed: datetime | None) -> datetime | None:
        """When the steps still waiting on this unit end without being done: the incident closed,
        or the assignment was withdrawn (re-routing) or declined (clause 11)."""
        ends = [t for t in (closed, a.closed_at if a.state in (AssignmentState.CANCELLED,
                                                                AssignmentState.NOT_COMPETENT) else None) if t]
        return min(ends) if ends else None

    def _alongside(self, a: _AssignmentRow) -> tuple[bool, datetime | None]:
        """Clause 19: whether another unit worked on the incident while ``a`` did, and — when every
        such unit has dropped out (clause 11 notice, re-routing) — from when ``a`` is left alone."""
        def end(x: _AssignmentRow) -> datetime | None:
            return x.closed_at if x.state in (AssignmentState.CANCELLED, AssignmentState.NOT_COMPETENT) else None

        mine = end(a)
        others = [end(b) for b in self.h.assignments if b.id != a.id
                  and (mine is None or b.assigned_at < mine) and (end(b) is None or end(b) > a.assigned_at)]
        if not others:
            return False, None
        return True, (None if any(t is None for t in others) else max(others))

    def back_from(self, due: datetime, before: int, what: str) -> tuple[datetime, list[str] | None]:
        """Clause 12: ``before`` working minutes before ``due`` — the moment to act on, explained."""
        cal = self.cal
        raw = cal.add_working_time(due, -timedelta(minutes=before))
        latest = cal.settle(raw)
        if not self.explanations:
            return latest, None
        lines = [f"{what}: {_local(due, cal)}",
                 f"Направить на согласование — не позднее чем за {_duration_text(before)} до него:"
                 f" {_local(latest, cal)}"]
        if latest != raw:
            lines.append(f"Отсчёт назад приходится на {_local(raw, cal)} — начало рабочего времени; это тот же "
                         f"рабочий момент, что и конец предыдущего рабочего периода, {_local(latest, cal)}")
        return latest, lines

    # --- the clocks ---------------------------------------------------------------------
    def build(self) -> list[Clock]:
        h, inc, cal = self.h, self.h.incident, self.cal
        closed_no_answer = inc.closed_at if inc.status == IncidentStatus.NO_ANSWER else None
        # a closed incident (answered or closed without an answer) ends every step still waiting:
        # a contribution never sent, a re-routing never needed — its clocks stop with it
        closed = inc.closed_at if inc.status in (IncidentStatus.ANSWERED, IncidentStatus.NO_ANSWER) else None
        kinds = {a.id: a for a in h.answers}
        answered = [p for p in h.publications if kinds[p.answer_id].kind in ANSWERING_KINDS]
        first_answer = answered[0].published_at if answered else None

        # clauses 9 / 17: the answer itself
        high = inc.priority == Priority.HIGH
        minutes = self.limits.answer_high if high else self.limits.answer
        answer_due = cal.add_working_time(inc.detected_at, timedelta(minutes=minutes))
        if closed_no_answer is None:
            self.add("answer", "п. 17" if high else "п. 9",
                     "Размещение ответа (повышенная важность)" if high else "Размещение ответа",
                     inc.detected_at, minutes=minutes, ended=first_answer)

        # clause 10: routing
        first_route = min((a.assigned_at for a in h.assignments), default=None)
        self.add("routing", "п. 10", "Направление исполнителю", inc.detected_at,
                 minutes=self.limits.routing, ended=first_route or closed)

        contributing = [a for a in h.assignments if a.state not in (AssignmentState.CANCELLED, AssignmentState.NOT_COMPETENT)]
        several = len(contributing) > 1
        for a in h.assignments:
            self._assignment_clocks(a, several, answer_due, closed)

        # clauses 14–16 for every submitted version: a draft, an interim or final answer, a request
        decisions_by_answer: dict[int, list[_DecisionRow]] = defaultdict(list)
        for d in h.decisions:
            decisions_by_answer[d.answer_id].append(d)
        units = {a.id: a for a in h.assignments}
        submitted = [a for a in h.answers if a.submitted_at and a.kind != AnswerKind.CONTRIBUTION]
        publications = {p.answer_id: p for p in h.publications}
        for index, ans in enumerate(submitted):
            unit = units.get(ans.assignment_id) if ans.assignment_id else None
            stop = self.stop(unit, closed) if unit else closed
            approval_title, revision_title, publication_title = _version_titles(ans.kind, ans.number)
            decision = decisions_by_answer.get(ans.id, [None])[0]
            ended = decision.decided_at if decision else stop
            self.add("approval", "п. 14", approval_title, ans.submitted_at,
                     minutes=self.limit("approval", ans.submitted_at, ended), ended=ended)
            if decision is None:
                continue
            if decision.approved:
                pub = publications.get(ans.id)
                ended = pub.published_at if pub else stop
                self.add("publication", "п. 16", publication_title, decision.decided_at,
                         minutes=self.limit("publication", decision.decided_at, ended), ended=ended)
            else:
                # clause 15: the revision is the unit's next version of the same text — a returned
                # answer is not revised by a clarification request sent meanwhile (its clock runs
                # on); a returned request ends with the next request, or with an answer sent
                # instead of it (the request is dropped then)
                request = ans.kind == AnswerKind.REQUEST
                later = next((x.submitted_at for x in submitted[index + 1:]
                              if x.assignment_id == ans.assignment_id
                              and (request or x.kind != AnswerKind.REQUEST)), None)
                self.add("revision", "п. 15", revision_title, decision.decided_at,
                         minutes=self.limit("revision", decision.decided_at, later or stop), ended=later or stop)

        # clause 18: the final answer after an interim one
        if self.interim_at is not None:
            days = self.limits.final_answer_days
            due = cal.add_working_days(self.interim_at, days)
            finals = [p.published_at for p in answered if p.published_at > self.interim_at
                      and kinds[p.answer_id].kind != AnswerKind.INTERIM]
            explanation = None
            if self.explanations:
                local = self.interim_at.astimezone(cal.tz)
                explanation = [f"Промежуточный ответ размещён {local:%d.%m.%Y %H:%M}",
                               f"{_days_text(days)} считаются со следующего дня",
                               f"Срок: конец рабочего дня {due.astimezone(cal.tz):%d.%m.%Y %H:%M}"]
            self.add("final_answer", "п. 18", "Окончательный ответ после промежуточного", self.interim_at, due=due,
                     ended=finals[0] if finals else closed, limit_text=_days_text(days),
                     explanation=explanation)
        return self.clocks

    def _assignment_clocks(self, a: _AssignmentRow, several: bool, answer_due: datetime,
                           closed: datetime | None) -> None:
        h = self.h
        name = a.unit_name
        stop = self.stop(a, closed)
        notice = a.closed_at if a.state == AssignmentState.NOT_COMPETENT else None
        own = [x for x in h.answers if x.assignment_id == a.id]
        sent = [x for x in own if x.submitted_at]
        first_stage = self.in_first_stage(a.assigned_at)

        def first(kinds: Iterable[str], stage_one: bool) -> datetime | None:
            return min((x.submitted_at for x in sent if x.kind in kinds
                        and self.in_first_stage(x.submitted_at) == stage_one), default=None)

        began_work = min((x.submitted_at for x in sent if self.in_first_stage(x.submitted_at)), default=None)
        active = a.state not in (AssignmentState.CANCELLED, AssignmentState.DONE, AssignmentState.NOT_COMPETENT)
        windows_open = active and began_work is None and self.interim_at is None
        # clause 11: the executor's notice (an optional window unless it was used)
        if notice is not None:
            start = a.assigned_at if self.in_first_stage(notice) else max(a.assigned_at, self.interim_at)
            self.add("competence_notice", "п. 11", "Сообщение о некомпетентности", start,
                     minutes=self.limit("competence_notice", start, notice), ended=notice, subject=name)
            rerouted = min((b.assigned_at for b in h.assignments if b.assigned_at >= notice and b.id != a.id),
                           default=None)
            self.add("rerouting", "п. 11", "Перенаправление после сообщения", notice,
                     minutes=self.limit("rerouting", notice, rerouted or closed), ended=rerouted or closed,
                     subject=name)
        elif windows_open:
            self.add("competence_notice", "п. 11", "Можно сообщить о некомпетентности", a.assigned_at,
                     minutes=self.limit("competence_notice", a.assigned_at), ended=None, subject=name, optional=True)
        # clause 13: a clarification request to the author, sent to the curator within the hour
        request = first((AnswerKind.REQUEST,), True)
        if request is not None:
            self.add("clarification", "п. 13", "Запрос (уточнение) автору на согласование", a.assigned_at,
                     minutes=self.limit("clarification", a.assigned_at), ended=request, subject=name)
        elif windows_open:
            self.add("clarification", "п. 13", "Можно подготовить запрос (уточнение) автору", a.assigned_at,
                     minutes=self.limit("clarification", a.assigned_at), ended=None, subject=name, optional=True)
        if notice is not None or a.state == AssignmentState.CANCELLED and not own:
            return
        # clause 19: contribution to a consolidated answer, for a unit that works on the incident
        # alongside another one. It stops when the unit sends it, when the unit is appointed to write
        # the consolidated answer, or when the other units drop out (clause 11, re-routing) and it is
        # left alone — whichever comes first: a lapse before that stays a lapse
        together, alone_since = self._alongside(a) if several or len(h.assignments) > 1 else (False, None)
        if together:
            contribution = first((AnswerKind.CONTRIBUTION,), True) or first((AnswerKind.CONTRIBUTION,), False)
            ends = [t for t in (contribution, a.consolidating_since, alone_since) if t is not None]
            explanation = None
            if self.explanations and ends and min(ends) != contribution:
                if min(ends) == a.consolidating_since:
                    explanation = [f"Отдел назначен исполнителем сводного ответа "
                                   f"{_local(a.consolidating_since, self.cal)}: с этого момента информация "
                                   "для сводного ответа не нужна"]
                else:
                    explanation = [f"С {_local(min(ends), self.cal)} над инцидентом работает только этот отдел: "
                                   "информация для сводного ответа больше не нужна"]
            added = self.add("contribution", "п. 19", "Информация для сводного ответа", a.assigned_at,
                             minutes=self.limits.contribution, ended=min(ends) if ends else stop, subject=name,
                             explanation=explanation)
            if ends and min(ends) == alone_since and alone_since not in (contribution, a.consolidating_since) \
                    and added is not None and added.state == ClockState.MET:
                self.clocks.pop()  # left alone before its time was up: it never had to contribute
        if several and not a.is_consolidating:
            return
        # clause 12: the draft (or interim) goes to the curator no later than deadline − 3 h
        if first_stage:
            before = self.limits.draft_before_deadline
            latest, explanation = self.back_from(answer_due, before, "Срок ответа по п. 9/17")
            if explanation is not None and latest < a.assigned_at:
                explanation.append(f"Инцидент направлен позже — {_local(a.assigned_at, self.cal)}: "
                                   "срок этого шага истёк до его начала")
            self.add("draft", "п. 12", "Проект ответа на согласование", a.assigned_at, due=latest,
                     ended=first(ANSWERING_KINDS, True) or stop, subject=name,
                     limit_text=f"за {_duration_text(before)} до срока", explanation=explanation)
        # clause 18: the steps of the final-answer stage, each from its own start within the stage
        if self.interim_at is not None and (active or a.state == AssignmentState.DONE):
            self._stage_clocks(a, first, active, stop)

    def _stage_clocks(self, a: _AssignmentRow, first: Callable[[Iterable[str], bool], datetime | None],
                      active: bool, stop: datetime | None) -> None:
        assert self.interim_at is not None
        cal, name = self.cal, a.unit_name
        start = max(a.assigned_at, self.interim_at)
        request = first((AnswerKind.REQUEST,), False)
        final = first(ANSWERING_KINDS, False)
        if request is not None:
            self.add("clarification", "п. 13, 18", "Запрос (уточнение) автору на согласование — окончательный ответ",
                     start, minutes=self.limit("clarification", start, request), ended=request, subject=name)
        elif active and final is None:
            self.add("clarification", "п. 13, 18", "Можно подготовить запрос (уточнение) автору", start,
                     minutes=self.limit("clarification", start), ended=None, subject=name, optional=True)
        own = self.stage_limit("final_draft", start, final or stop)
        title = "Окончательный ответ на согласование"
        if own:
            self.add("final_draft", "п. 12, 18", title, start, minutes=int(own), ended=final or stop, subject=name)
            return
        days = self.limits.final_answer_days
        before = self.limits.draft_before_deadline
        latest, explanation = self.back_from(cal.add_working_days(self.interim_at, days), before,
                                             "Срок окончательного ответа по п. 18")
        if explanation is not None:
            explanation.append("Куратор может установить свой срок этого шага (п. 18)")
        self.add("final_draft", "п. 12, 18", title, start, due=latest, ended=final or stop, subject=name,
                 limit_text=f"за {_duration_text(before)} до срока", explanation=explanation)


def _local(moment: datetime, cal: WorkCalendar) -> str:
    return f"{moment.astimezone(cal.tz):%d.%m.%Y %H:%M}"


def next_due(clocks: Iterable[Clock]) -> tuple[datetime | None, str | None]:
    """The earliest due moment among the open clocks that must be kept, and that clock's code.

    An incident is overdue exactly when this moment has passed: the queue paints such a row red,
    and the «Просроченные» tab and the dashboard count it (``Incident.next_due_at``).
    """
    best: Clock | None = None
    for c in clocks:
        if c.is_open and not c.optional and (best is None or c.due_at < best.due_at):
            best = c
    return (best.due_at, best.code) if best else (None, None)


@dataclass(frozen=True, slots=True)
class AuthorWait:
    """How long the incident waited for its author's reply to a posted clarification request.

    The regulation names no pause: the answer clock runs on meanwhile. This is shown so that the
    head sees why an answer came late.
    """

    request_number: int
    unit: str
    posted_at: datetime
    replied_at: datetime | None   # when the author replied in the network, as recorded
    ended_at: datetime | None     # the reply, or the incident's closure; None while waiting
    worked: timedelta             # working time from posting to the end (or to now)

    @property
    def waiting(self) -> bool:
        return self.ended_at is None


def author_waits_for_many(incident_ids: Iterable[int], now: datetime | None = None) -> dict[int, list[AuthorWait]]:
    """The author waits of each incident that has a posted clarification request (others are absent)."""
    ids = list(dict.fromkeys(incident_ids))
    if not ids:
        return {}
    now = now or clock_source.now()
    cal = current_calendar()
    result: dict[int, list[AuthorWait]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        posted = list(raw_rows(
            Publication.select(Publication.incident, Answer.id, Answer.number, Publication.published_at,
                               Unit.short_name, Incident.status, Incident.closed_at)
            .join(Answer, on=(Publication.answer == Answer.id))
            .join(Incident, on=(Publication.incident == Incident.id))
            .switch(Answer).join(Assignment, JOIN.LEFT_OUTER, on=(Answer.assignment == Assignment.id))
            .join(Unit, JOIN.LEFT_OUTER, on=(Assignment.unit == Unit.id))
            .where(ids_in(Publication.incident, chunk) & (Answer.kind == AnswerKind.REQUEST))
            .order_by(Publication.published_at), moments=(3, 6)))
        if not posted:
            continue
        replies: dict[int, datetime] = {}
        for request_id, replied_at in raw_rows(
                AuthorReply.select(AuthorReply.request, AuthorReply.replied_at)
                .where(ids_in(AuthorReply.request, [p[1] for p in posted])).order_by(AuthorReply.id), moments=(1,)):
            replies.setdefault(request_id, replied_at)
        for incident_id, request_id, number, posted_at, unit, status, closed_at in posted:
            closed = closed_at if status in (IncidentStatus.ANSWERED, IncidentStatus.NO_ANSWER) else None
            replied = replies.get(request_id)
            ends = [t for t in (replied, closed) if t is not None]
            ended = min(ends) if ends else None
            worked = cal.working_time_between(posted_at, ended or now)
            result.setdefault(incident_id, []).append(
                AuthorWait(number, unit or "", posted_at, replied, ended, max(worked, timedelta(0))))
    return result


def author_wait_total(waits: Iterable[AuthorWait]) -> timedelta:
    """The working time an incident spent waiting for its author, all requests together."""
    return sum((w.worked for w in waits), timedelta(0))


def clocks_for_many(incident_ids: Iterable[int], now: datetime | None = None, *,
                    explanations: bool = True) -> dict[int, list[Clock]]:
    """Every clock of each incident, with a fixed number of queries for the whole batch.

    ``explanations=False`` leaves :attr:`Clock.explanation` empty (every other field is the
    same): building the Russian account of each due moment is a good part of the cost, and
    a report of thousands of incidents never shows it.
    """
    return {i: clocks for i, (_, clocks) in versioned_clocks(incident_ids, now, explanations=explanations).items()}


def _built(incident_ids: Iterable[int], now: datetime | None, explanations: bool,
           current_only: bool = False, known: Mapping[int, _IncidentRow] | None = None,
           ) -> Iterator[tuple[_History, list[Clock]]]:
    """Each incident's history (read 500 at a time) with the clocks built from it."""
    ids = list(dict.fromkeys(incident_ids))
    if not ids:
        return
    now = now or clock_source.now()
    cal = current_calendar()
    limits = settings.limits()
    for start in range(0, len(ids), 500):
        for history in _load(ids[start:start + 500], known).values():
            yield history, _Builder(history, cal, limits, now, explanations, current_only).build()


def versioned_clocks(incident_ids: Iterable[int], now: datetime | None = None, *,
                     explanations: bool = True) -> dict[int, tuple[int, list[Clock]]]:
    """As :func:`clocks_for_many`, each with the version of the incident its history was read at."""
    return {h.incident.id: (h.incident.version, clocks) for h, clocks in _built(incident_ids, now, explanations)}


def current_clocks_of(incident_ids: Iterable[int], now: datetime | None = None, *,
                      explanations: bool = True) -> dict[int, Clock | None]:
    """:func:`current_clock` of each incident, building only the clocks it can choose from (the running
    ones and the answer's outcome, not every step already done): a queue page's clocks at a third less."""
    return {h.incident.id: current_clock(clocks)
            for h, clocks in _built(incident_ids, now, explanations, current_only=True)}


def clocks_for(incident_id: int, now: datetime | None = None, *, explanations: bool = True) -> list[Clock]:
    return clocks_for_many([incident_id], now, explanations=explanations).get(incident_id, [])


def clocks_of_held(incident: Any, now: datetime | None = None, *, explanations: bool = True) -> list[Clock]:
    """The clocks of an incident the caller holds (a model row an action has changed, maybe not yet
    written): its own columns as held, the rest of its history as the database has it."""
    held = _IncidentRow(incident.id, str(incident.status), str(incident.priority), utc_moment(incident.detected_at),
                        utc_moment(incident.closed_at), incident.step_limits, incident.version)
    for _history, clocks in _built([incident.id], now, explanations, known={incident.id: held}):
        return clocks
    return []


def clocks_from_rows(incident: Any, assignments: Iterable[Any], answers: Iterable[Any], decisions: Iterable[Any],
                     publications: Iterable[Any], unit_names: Mapping[int, str], now: datetime | None = None, *,
                     explanations: bool = True) -> list[Clock]:
    """The clocks of an incident whose whole history the caller has already read (the card): its row,
    its assignments, answers, the curator's decisions and the publications as model rows, and the short
    names of the units — the same clocks as :func:`clocks_for`, without reading them again."""
    history = _History(_IncidentRow(incident.id, str(incident.status), str(incident.priority),
                                    utc_moment(incident.detected_at), utc_moment(incident.closed_at),
                                    incident.step_limits, incident.version))
    history.assignments = [
        _AssignmentRow(a.id, a.incident_id, a.unit_id, str(a.state), utc_moment(a.assigned_at),
                       utc_moment(a.closed_at), bool(a.is_consolidating), utc_moment(a.consolidating_since),
                       unit_names.get(a.unit_id, "") or "")
        for a in sorted(assignments, key=lambda a: a.id)]
    history.answers = [_AnswerRow(a.id, a.incident_id, a.assignment_id, str(a.kind), a.number, str(a.state),
                                  utc_moment(a.submitted_at)) for a in sorted(answers, key=lambda a: a.number)]
    history.decisions = [_DecisionRow(d.answer_id, utc_moment(d.decided_at), bool(d.approved))
                         for d in sorted(decisions, key=lambda d: d.id)]
    history.publications = [_PublicationRow(p.answer_id, p.incident_id, utc_moment(p.published_at))
                            for p in sorted(publications, key=lambda p: utc_moment(p.published_at))]
    return _Builder(history, current_calendar(), settings.limits(), now or clock_source.now(), explanations).build()


#: the clocks that tell an incident's outcome once nothing runs any more (see :func:`current_clock`)
_OUTCOME_CODES = ("final_answer", "answer")


def current_clock(clocks: list[Clock]) -> Clock | None:
    """The clock that matters now: the open mandatory one due first (the one furthest past its
    due when several are late) — the same clock as :func:`next_due`, so a row is red exactly
    when its incident is counted as overdue.

    When nothing runs any more, the answer clock (or the final-answer clock) tells the outcome.
    """
    running = [c for c in clocks if c.is_open and not c.optional]
    if running:
        return min(running, key=lambda c: c.due_at)
    for code in _OUTCOME_CODES:
        found = [c for c in clocks if c.code == code]
        if found:
            return found[-1]
    return None
