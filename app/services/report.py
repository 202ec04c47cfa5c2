"""The Excel report for the head of the settlement: a month, a quarter or any period.

Two layers. :func:`collect` computes every figure from the database (incidents DETECTED in
the period, in the administration's local dates) into a :class:`ReportData`; nothing there
knows about Excel, so tests compare the workbook with figures they recompute themselves.
:func:`build_monthly_report` writes that data to an .xlsx workbook with openpyxl in write-only
(streaming) mode — seven sheets with Russian headers, frozen header rows, filters, fitted
widths and A4 landscape print set-up.

Text that came from social networks or from users (authors, messages, links, comments) is
always written as an inline string, never as a formula: openpyxl would turn a value that
begins with «=» into a formula, so such values are written as cells whose type is forced to
text and which carry the «quote prefix» attribute (Excel's and LibreOffice's own marker for
«this is text even if it looks like a formula»); characters XML cannot store are removed.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time as time_module
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

from babel.dates import format_date
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from app.models import (
    Answer, ApprovalDecision, Assignment, BlacklistEntry, Incident, Location, ModerationEntry, OfficialPage,
    PagePublication, Publication, Topic, TopicGroup, Unit,
)
from app.models.enums import (
    ANSWERING_KINDS, CLAUSE21_REASONS, INCIDENT_KIND_LABELS, NETWORK_LABELS, NO_ANSWER_REASON_LABELS, OPEN_STATUSES,
    PRIORITY_LABELS, RETURN_REASON_LABELS, STATUS_LABELS, AnswerKind, AssignmentState, IncidentKind, IncidentStatus,
    ModerationAction, ModerationReason, Network, NoAnswerReason, PageOwner, Priority, ReturnReason,
    VerificationState,
)
from app.services import clock as clock_source
from app.services import clock_store, settings
from app.services.calendar_store import current_calendar
from app.services.clock_store import (
    CLAUSE, CODE, DUE, ENDED, LEFT, OPTIONAL, STARTED, STATE, SUBJECT, TITLE, US_PER_MINUTE, ClockRow, micros, moment,
    spent_minutes,
)
from app.services.deadlines import (
    STATE_LABELS, AuthorWait, ClockState, author_wait_total, author_waits_for_many, raw_rows,
)
from app.services.errors import ValidationError
from app.services.worktime import WorkCalendar

Progress = Callable[[int, str], None]

REPORT_TITLE = "Работа с сообщениями в социальных сетях"
LOCAL_DT_FORMAT = "DD.MM.YYYY HH:MM"
PERCENT_FORMAT = "0.0%"
MAX_TEXT_IN_REGISTER = 500
MAX_CELL_TEXT = 32_767
MAX_LINKS = 65_000  # Excel keeps at most 65 530 hyperlinks a sheet; the rest stay plain text

VERIFICATION_LABELS = {
    VerificationState.NONE: "Отметки нет",
    VerificationState.REQUESTED: "Заявка оператору ЕСИА (п. 12)",
    VerificationState.VERIFIED: "Отметка присвоена (п. 11)",
    VerificationState.REMOVED: "Отметка удалена (п. 13)",
}
MODERATION_REASON_LABELS = {
    ModerationReason.LAW: "Нарушение законодательства",
    ModerationReason.SPAM: "Спам-рассылка",
    ModerationReason.INSULT: "Оскорбления",
    ModerationReason.OBSCENE: "Нецензурные выражения",
}
PAGE_OWNER_LABELS = {PageOwner.ADMINISTRATION: "Администрация", PageOwner.HEAD: "Глава"}

#: every clock of the regulation in the order of the chain: code, clause, title, who acts. A clock
#: counts in the row of its code and clause: the clause-13 request and the final draft of the
#: final-answer stage (clause 18) have rows of their own; approval, revision and publication
#: (clauses 14–16) are the same steps for drafts, answers and clarification requests alike.
STAGES: tuple[tuple[str, str, str, str], ...] = (
    ("routing", "п. 10", "Направление исполнителю", "Куратор"),
    ("competence_notice", "п. 11", "Сообщение о некомпетентности", "Исполнитель"),
    ("rerouting", "п. 11", "Перенаправление после сообщения", "Куратор"),
    ("clarification", "п. 13", "Запрос (уточнение) автору на согласование", "Исполнитель"),
    ("draft", "п. 12", "Проект ответа на согласование (за 3 ч до срока)", "Исполнитель"),
    ("contribution", "п. 19", "Информация для сводного ответа", "Исполнитель"),
    ("approval", "п. 14", "Согласование проекта ответа или запроса (уточнения)", "Куратор"),
    ("revision", "п. 15", "Доработка проекта ответа или запроса и повторное направление", "Исполнитель"),
    ("publication", "п. 16", "Размещение согласованного ответа или запроса (уточнения)", "Исполнитель"),
    ("answer", "п. 9", "Ответ в течение 8 рабочих часов", "Все участники"),
    ("answer", "п. 17", "Ответ в течение 4 рабочих часов (повышенная важность)", "Все участники"),
    ("clarification", "п. 13, 18", "Запрос (уточнение) автору на согласование — этап окончательного ответа",
     "Исполнитель"),
    ("final_draft", "п. 12, 18", "Окончательный ответ на согласование", "Исполнитель"),
    ("final_answer", "п. 18", "Окончательный ответ в течение 7 рабочих дней", "Исполнитель"),
)
#: outcome clocks (the answer itself) are not «steps of the chain» when looking for the slowest step
OUTCOME_CODES = frozenset({"answer", "final_answer"})
#: the step columns of the per-unit sheet: clock code → header (a code's clocks of both stages together)
UNIT_STEPS: tuple[tuple[str, str], ...] = (
    ("competence_notice", "Сообщение о некомпетентности (п. 11)"),
    ("clarification", "Запрос (уточнение) автору (п. 13)"),
    ("draft", "Проект ответа (п. 12)"),
    ("final_draft", "Окончательный ответ на согласование (п. 12, 18)"),
    ("contribution", "Информация для сводного ответа (п. 19)"),
    ("approval", "Согласование куратором ответов и запросов (п. 14)"),
    ("revision", "Доработка ответов и запросов (п. 15)"),
    ("publication", "Размещение ответов и запросов (п. 16)"),
)
#: a closure «not about the administration» is not one of the grounds of clause 21: such a message
#: is not an incident at all (clause 2), and the report keeps it on a line of its own
NOT_INCIDENT_LABEL = "Не касается деятельности администрации (не инцидент, п. 2)"
NOT_INCIDENT_STATUS = "Не инцидент (п. 2)"
NETWORK_ORDER = (Network.VK, Network.OK, Network.TELEGRAM)
PRIORITY_ROW_LABELS = {Priority.NORMAL: "Обычной важности", Priority.HIGH: "Повышенной важности (п. 17)"}
PRIORITY_BASE_LABELS = {Priority.NORMAL: "обычных", Priority.HIGH: "повышенной важности"}
RETURN_REASON_SHORT = {
    ReturnReason.OFF_QUESTION: "не по сути вопроса",
    ReturnReason.CLAUSE_20: "не по п. 20",
    ReturnReason.REDIRECTION: "переадресация",
    ReturnReason.SPELLING: "орфография и пунктуация",
}
#: the rows of the clause-18 block on «Сводка»: final-answer clock state → label
FINAL_ROWS: tuple[tuple[str, str], ...] = (
    (ClockState.MET, "Окончательный ответ в течение 7 рабочих дней"),
    (ClockState.MISSED, "Окончательный ответ позже 7 рабочих дней"),
    (ClockState.OVERDUE, "Окончательного ответа нет, срок истёк"),
    (ClockState.RUNNING, "Окончательный ответ готовится, срок не истёк"),
)


# =============================================================================== data layer
@dataclass(frozen=True)
class PeriodFigures:
    """The headline figures of one period (the current one or the one before it)."""

    start: date
    end: date
    label: str
    received: int
    by_kind: dict[str, int]
    by_priority: dict[str, int]
    #: the answer clock (clauses 9 / 17) of every incident not closed without an answer:
    #: priority → {met, missed, overdue, running}
    answer_states: dict[str, dict[str, int]]
    no_answer: dict[str, int]          # NoAnswerReason code → count
    still_open: int                    # status not «answered» / «no answer» when the report is made
    interim: int                       # incidents with a published interim answer
    final_states: dict[str, int]       # the clause-18 clock: met / missed / running / overdue
    answer_minutes: tuple[int, ...]    # working minutes from detection to the first published answer
    #: clause 13: incidents with a posted clarification request to the author, by what became of
    #: their latest request: the author replied, the reply is still awaited, or the incident closed
    #: without one; and each such incident's working minutes of waiting (all its requests together)
    requested: int = 0
    author_replied: int = 0
    author_waiting: int = 0
    author_wait_minutes: tuple[int, ...] = ()

    def answer_count(self, state: str, priority: str | None = None) -> int:
        if priority is not None:
            return self.answer_states.get(priority, {}).get(state, 0)
        return sum(states.get(state, 0) for states in self.answer_states.values())

    def with_answer_clock(self, priority: str | None = None) -> int:
        if priority is not None:
            return sum(self.answer_states.get(priority, {}).values())
        return sum(sum(states.values()) for states in self.answer_states.values())

    @property
    def in_time(self) -> int:
        return self.answer_count(ClockState.MET)

    @property
    def late(self) -> int:
        return self.answer_count(ClockState.MISSED)

    @property
    def no_answer_total(self) -> int:
        """Every closure without an answer: the grounds of clause 21 and «not an incident» (clause 2)."""
        return sum(self.no_answer.values())

    @property
    def clause21_total(self) -> int:
        """Closed without an answer on the grounds of clause 21 (exactly its grounds)."""
        return sum(self.no_answer.get(r, 0) for r in CLAUSE21_REASONS)

    @property
    def not_incident(self) -> int:
        """Closed as not about the administration: not an incident (clause 2), not under clause 21."""
        return self.no_answer.get(NoAnswerReason.NOT_ABOUT_ADMINISTRATION, 0)

    @property
    def author_unanswered(self) -> int:
        """Incidents whose author never replied to the posted request before the incident closed."""
        return self.requested - self.author_replied - self.author_waiting

    @property
    def author_wait_total(self) -> int:
        return sum(self.author_wait_minutes)

    @property
    def author_wait_average(self) -> float | None:
        return statistics.fmean(self.author_wait_minutes) if self.author_wait_minutes else None

    @property
    def average_minutes(self) -> float | None:
        return statistics.fmean(self.answer_minutes) if self.answer_minutes else None

    @property
    def median_minutes(self) -> float | None:
        return statistics.median(self.answer_minutes) if self.answer_minutes else None


@dataclass(frozen=True)
class UnitRow:
    """One unit on the «По исполнителям» sheet."""

    unit_id: int
    name: str
    received: int                      # assignments of the period's incidents
    executed: int                      # incidents the unit worked on (not declined, not withdrawn)
    in_time: int                       # of those, the answer clock met
    late: int                          # missed
    overdue: int                       # no answer yet, past the due moment
    returns: int                       # decisions «return for revision» on the unit's versions
    returns_by_reason: dict[str, int]  # ReturnReason code → count (a decision may name several)
    competence_returns: int            # clause 11 notices
    missed_steps: int                  # the unit's step clocks missed or overdue
    step_minutes: dict[str, float]     # clock code → average working minutes of the finished step
    step_counts: dict[str, int]


@dataclass(frozen=True)
class StageRow:
    """One clock of the regulation on the «По этапам» sheet."""

    code: str
    clause: str
    title: str
    who: str
    total: int
    met: int
    missed: int
    running: int
    overdue: int
    unused: int                        # optional windows (clauses 11, 13) left unused
    median_minutes: float | None       # working time the finished step took
    average_minutes: float | None
    lost_minutes: int                  # working time past the due moment, missed and overdue together
    worst: bool = False

    @property
    def missed_share(self) -> float | None:
        decided = self.met + self.missed + self.overdue
        return (self.missed + self.overdue) / decided if decided else None


@dataclass(frozen=True)
class GroupRow:
    """A topic group or a network with its counts."""

    key: str
    label: str
    total: int
    by_network: dict[str, int]
    in_time: int
    late: int
    no_answer: int                     # closed without an answer on the grounds of clause 21
    not_incident: int = 0              # closed as not about the administration (clause 2)


@dataclass(frozen=True)
class LateRow:
    """A clock that was missed (or is overdue now) of one incident."""

    incident_id: int
    detected: datetime                 # local, naive
    link: str
    network: str
    priority: str
    status: str
    units: str
    clock_title: str
    clause: str
    code: str
    subject: str
    due: datetime                      # local, naive
    ended: datetime | None
    state: str
    late_minutes: int


@dataclass(frozen=True)
class PageRow:
    """An official page (Appendix 1) with its week-by-week publications and moderation."""

    page_id: int
    network: str
    name: str
    url: str
    owner: str
    verification: str
    verification_changed: datetime | None
    subscribed_to_head: bool
    weekly: tuple[int, ...]            # publications in each Monday–Sunday week touching the period
    weeks_without: int                 # finished weeks without a publication (clause 5)
    in_period: int
    moderation: dict[str, int]         # ModerationReason code → count in the period
    blacklisted_in_period: int
    blacklist_size: int


#: the columns of the register, in order (a row is a tuple in this order)
REGISTER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "№"),
    ("detected", "Выявлен"),
    ("routed", "Направлен исполнителю"),
    ("submitted", "Первый проект на согласовании"),
    ("approved", "Согласован"),
    ("published", "Ответ размещён"),
    ("closed", "Закрыт"),
    ("status", "Статус"),
    ("kind", "Вид"),
    ("priority", "Важность"),
    ("network", "Соцсеть"),
    ("author", "Автор"),
    ("topic_group", "Группа тем"),
    ("topic", "Тема"),
    ("location", "Локация"),
    ("units", "Исполнители"),
    ("answer_state", "Срок ответа (п. 9/17)"),
    ("answer_minutes", "До ответа, рабочих мин"),
    ("requests", "Запросов (уточнений) автору размещено"),
    ("author_wait", "Ожидание ответа автора, рабочее время"),
    ("link", "Ссылка"),
    ("text", "Текст сообщения"),
)
REGISTER_DATETIMES = frozenset(range(1, 7))     # indexes of the datetime columns
REGISTER_WAIT = 19                              # index of the author-wait column (a duration)


@dataclass
class ReportData:
    """Every figure of the report, computed from the database at ``generated_at``."""

    period_start: date
    period_end: date
    period_label: str
    generated_at: datetime
    tz_name: str
    current: PeriodFigures
    previous: PeriodFigures
    units: list[UnitRow]
    stages: list[StageRow]
    topics: list[GroupRow]
    networks: list[GroupRow]
    late: list[LateRow]
    register: list[tuple[Any, ...]]
    weeks: list[tuple[date, date]]
    weeks_judged: list[bool]           # the week had ended when the report was made
    pages: list[PageRow]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def title(self) -> str:
        return f"{REPORT_TITLE} — {self.period_label}"


@dataclass(frozen=True)
class ReportSummary:
    """What :func:`build_monthly_report` wrote, for the command line and the GUI."""

    path: Path
    period_label: str
    received: int
    in_time: int
    late: int
    overdue: int
    no_answer: int                     # closed without an answer on the grounds of clause 21
    still_open: int
    in_time_share: float | None
    median_minutes: float | None
    register_rows: int
    late_rows: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, «write» for the workbook
    not_incident: int = 0              # closed as not about the administration (clause 2)
    requested: int = 0                 # incidents with a posted clarification request (clause 13)


# ------------------------------------------------------------------------------ periods
_QUARTERS = ("I", "II", "III", "IV")


def _month_end(d: date) -> date:
    nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def _whole_months(start: date, end: date) -> int | None:
    """How many whole calendar months the period is, or None if it is not made of them."""
    if start.day != 1 or end != _month_end(end):
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def period_label(start: date, end: date) -> str:
    """«ноябрь 2026 г.», «IV квартал 2026 г.», «2026 г.» or «01.10.2026 — 15.10.2026»."""
    months = _whole_months(start, end)
    if months == 1:
        return f"{format_date(start, 'LLLL y', locale='ru')} г."
    if months == 3 and start.month % 3 == 1:
        return f"{_QUARTERS[start.month // 3]} квартал {start.year} г."
    if months == 12 and start.month == 1:
        return f"{start.year} г."
    if start == end:
        return f"{start:%d.%m.%Y}"
    return f"{start:%d.%m.%Y} — {end:%d.%m.%Y}"


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before: the previous month(s) for whole months."""
    months = _whole_months(start, end)
    if months is not None:
        index = start.year * 12 + start.month - 1 - months
        prev_start = date(index // 12, index % 12 + 1, 1)
        return prev_start, start - timedelta(days=1)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def month_period(text: str) -> tuple[date, date]:
    """«2026-11» → 1 and 30 November 2026; a Russian error for anything else."""
    raw = text.strip()
    try:
        year_text, month_text = raw.split("-")
        year, month = int(year_text), int(month_text)
        if len(year_text) != 4 or not 1 <= month <= 12:
            raise ValueError
        start = date(year, month, 1)
    except ValueError:
        raise ValidationError(f"Месяц «{text}» указан неверно: нужен вид ГГГГ-ММ, например 2026-11") from None
    return start, _month_end(start)


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise ValidationError(f"Начало периода {start:%d.%m.%Y} позже его конца {end:%d.%m.%Y}")
    if (end - start).days > 366 * 5:
        raise ValidationError("Период отчёта длиннее пяти лет: выберите период короче")


def _bounds(start: date, end: date, cal: WorkCalendar) -> tuple[datetime, datetime]:
    """The period's local dates as UTC moments [from, to)."""
    tz = cal.tz
    first = datetime.combine(start, time(0), tzinfo=tz).astimezone(timezone.utc)
    after = datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz).astimezone(timezone.utc)
    return first, after


# ------------------------------------------------------------------------------ helpers
def _minutes(delta: timedelta) -> int:
    return int(delta.total_seconds() // 60)


def short_duration(minutes: float | None) -> str:
    """«3 ч 25 мин», «45 мин», «2 ч», «0 мин»; «—» when there is nothing to measure."""
    if minutes is None:
        return "—"
    total = int(round(minutes))
    hours, rest = divmod(abs(total), 60)
    sign = "−" if total < 0 else ""
    if hours and rest:
        return f"{sign}{hours} ч {rest} мин"
    if hours:
        return f"{sign}{hours} ч"
    return f"{sign}{rest} мин"


class _Stopwatch:
    def __init__(self) -> None:
        self.marks: dict[str, float] = {}
        self._t = time_module.perf_counter()

    def mark(self, name: str) -> None:
        now = time_module.perf_counter()
        self.marks[name] = self.marks.get(name, 0.0) + now - self._t
        self._t = now


def _progress(callback: Progress | None, percent: int, stage: str) -> None:
    if callback is not None:
        callback(max(0, min(100, int(percent))), stage)


# incident tuple positions
_I_ID, _I_DETECTED, _I_ROUTED, _I_CLOSED, _I_STATUS, _I_KIND, _I_PRIORITY, _I_NETWORK, _I_AUTHOR, _I_LINK, \
    _I_TEXT, _I_GROUP, _I_TOPIC, _I_LOCATION, _I_REASON = range(15)


def _incident_rows(first: datetime, after: datetime, with_text: bool) -> list[tuple[Any, ...]]:
    from peewee import fn

    text = fn.SUBSTR(Incident.text, 1, MAX_TEXT_IN_REGISTER) if with_text else Incident.id
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


def _figures(start: date, end: date, rows: list[tuple[Any, ...]], outcomes: dict[int, clock_store.Outcome],
             waits: dict[int, list[AuthorWait]]) -> PeriodFigures:
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
    return PeriodFigures(start, end, period_label(start, end), len(rows), dict(by_kind), dict(by_priority),
                         answer_states, dict(no_answer), still_open, interim, final_states, tuple(minutes),
                         len(wait_minutes), replied, waiting, tuple(wait_minutes))


_NO_OUTCOME: clock_store.Outcome = (None, None, None)


def _local(value: datetime | None, tz: Any) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(tz).replace(tzinfo=None)


def _chunks(items: Sequence[int], size: int = 900) -> Iterator[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def collect(period_start: date, period_end: date, now: datetime | None = None,
            progress: Progress | None = None) -> ReportData:
    """Every figure of the report for the incidents detected from ``period_start`` to ``period_end``
    (inclusive, local dates of the administration), with clocks computed at ``now``."""
    _check_period(period_start, period_end)
    watch = _Stopwatch()
    now = now or clock_source.now()
    cal = current_calendar()
    tz = cal.tz
    first, after = _bounds(period_start, period_end, cal)
    _progress(progress, 2, "Отбор инцидентов периода")
    rows = _incident_rows(first, after, with_text=True)
    ids = [r[_I_ID] for r in rows]
    watch.mark("incidents")

    def clock_progress(share: float) -> None:
        _progress(progress, 5 + share * 45, "Расчёт сроков по регламенту")

    clocks = clock_store.rows_of(ids, now, progress=clock_progress)
    watch.mark("clocks")
    waits = _author_waits((Incident.detected_at >= first) & (Incident.detected_at < after), now)
    current = _figures(period_start, period_end, rows, {i: clock_store.outcome(c) for i, c in clocks.items()}, waits)

    prev_start, prev_end = previous_period(period_start, period_end)
    _progress(progress, 52, "Предыдущий период для сравнения")
    p_first, p_after = _bounds(prev_start, prev_end, cal)
    prev_rows = _incident_rows(p_first, p_after, with_text=False)
    # the outcomes of finished incidents are stored; the rest are computed from two queries
    outcomes = clock_store.stored_outcomes((Incident.detected_at >= p_first) & (Incident.detected_at < p_after))
    outcomes.update(_outcomes([r for r in prev_rows if r[_I_ID] not in outcomes], p_first, p_after, now, cal))
    prev_waits = _author_waits((Incident.detected_at >= p_first) & (Incident.detected_at < p_after), now)
    previous = _figures(prev_start, prev_end, prev_rows, outcomes, prev_waits)
    del prev_rows, outcomes
    watch.mark("previous")

    _progress(progress, 62, "Исполнители, этапы, темы")
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

    unit_rows = _unit_rows(rows, clocks, assignments, submission_unit, decision_unit, return_count,
                           returns_by_unit, units, short_names, spent_minutes)
    stages = _stage_rows(clocks, spent_minutes)
    topics, networks = _topic_rows(rows, clocks)
    watch.mark("tables")

    _progress(progress, 70, "Просрочки и реестр")
    unit_names = {inc: ", ".join(dict.fromkeys(short_names.get(u) or units.get(u, "") for _, u, state in items
                                               if state != AssignmentState.CANCELLED or len(items) == 1))
                  for inc, items in assignments.items()}
    late = _late_rows(rows, clocks, unit_names, decision_unit, short_names, tz)
    register = _register_rows(rows, clocks, unit_names, first_submission, first_approval, waits, tz)
    watch.mark("register")

    _progress(progress, 74, "Официальные страницы")
    weeks, judged, pages = _page_rows(period_start, period_end, cal, now)
    watch.mark("pages")
    return ReportData(period_start, period_end, period_label(period_start, period_end), now,
                      getattr(tz, "key", str(tz)), current, previous, unit_rows, stages, topics, networks, late,
                      register, weeks, judged, pages, watch.marks)


def _unit_rows(rows, clocks, assignments, submission_unit, decision_unit, return_count,  # noqa: ANN001, PLR0913
               returns_by_unit, units, short_names, measure) -> list[UnitRow]:  # noqa: ANN001
    received: Counter[int] = Counter()
    executed: Counter[int] = Counter()
    outcome: dict[int, Counter[str]] = defaultdict(Counter)
    competence: Counter[int] = Counter()
    missed_steps: Counter[int] = Counter()
    spent: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    not_working = (AssignmentState.NOT_COMPETENT, AssignmentState.CANCELLED)
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
    return result


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
    result = []
    for row in rows:
        inc_id = row[_I_ID]
        for c in clocks.get(inc_id, ()):
            if c[OPTIONAL] or c[STATE] not in _LATE_STATES:
                continue
            subject = c[SUBJECT]
            if not subject and c[CODE] in ("revision", "publication"):
                # a version's revision and posting are the steps of the unit that wrote it
                unit_id = decision_unit.get((inc_id, c[STARTED]))
                subject = short_names.get(unit_id, "") if unit_id is not None else ""
            result.append(LateRow(
                inc_id, _local(row[_I_DETECTED], tz), row[_I_LINK],
                NETWORK_LABELS.get(row[_I_NETWORK], row[_I_NETWORK]),
                PRIORITY_LABELS.get(row[_I_PRIORITY], row[_I_PRIORITY]),
                _status_label(row[_I_STATUS], row[_I_REASON], STATUS_LABELS),
                unit_names.get(inc_id, ""), c[TITLE], c[CLAUSE], c[CODE], subject, _local(moment(c[DUE]), tz),
                _local(moment(c[ENDED]), tz), STATE_LABELS[c[STATE]], _lateness(c)))
    return result


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
        result.append((
            inc_id, _local(row[_I_DETECTED], tz), _local(row[_I_ROUTED], tz),
            _local(first_submission.get(inc_id), tz), _local(first_approval.get(inc_id), tz), _local(published, tz),
            _local(row[_I_CLOSED], tz),
            _status_label(row[_I_STATUS], row[_I_REASON], status_labels), kind_labels.get(row[_I_KIND], row[_I_KIND]),
            priority_labels.get(row[_I_PRIORITY], row[_I_PRIORITY]),
            network_labels.get(row[_I_NETWORK], row[_I_NETWORK]),
            row[_I_AUTHOR], groups.get(row[_I_GROUP]) if row[_I_GROUP] else None,
            topics.get(row[_I_TOPIC]) if row[_I_TOPIC] else None,
            locations.get(row[_I_LOCATION]) if row[_I_LOCATION] else None,
            unit_names.get(inc_id) or None,
            state_labels.get(answer[STATE]) if answer is not None
            else _closure_label(row[_I_REASON]) if row[_I_REASON] else None,
            minutes,
            len(incident_waits) if incident_waits else None,
            timedelta(minutes=_wait_minutes(incident_waits)) if incident_waits else None,
            row[_I_LINK], row[_I_TEXT],
        ))
    return result


def _weeks(start: date, end: date) -> list[tuple[date, date]]:
    monday = start - timedelta(days=start.weekday())
    weeks = []
    while monday <= end:
        weeks.append((monday, monday + timedelta(days=6)))
        monday += timedelta(days=7)
    return weeks


def _page_rows(start: date, end: date, cal: WorkCalendar, now: datetime
               ) -> tuple[list[tuple[date, date]], list[bool], list[PageRow]]:
    """Clause 5 week by week (whole Monday–Sunday weeks touching the period), clauses 11–14."""
    tz = cal.tz
    weeks = _weeks(start, end)
    today = now.astimezone(tz).date()
    judged = [sunday < today for _, sunday in weeks]
    w_first, _ = _bounds(weeks[0][0], weeks[-1][1], cal)
    _, w_after = _bounds(weeks[0][0], weeks[-1][1], cal)
    first, after = _bounds(start, end, cal)
    week_count: dict[int, list[int]] = defaultdict(lambda: [0] * len(weeks))
    in_period: Counter[int] = Counter()
    for page_id, published in (PagePublication.select(PagePublication.page, PagePublication.published_at)
                               .where((PagePublication.published_at >= w_first)
                                      & (PagePublication.published_at < w_after)).tuples()):
        local_day = published.astimezone(tz).date()
        index = (local_day - weeks[0][0]).days // 7
        if 0 <= index < len(weeks):
            week_count[page_id][index] += 1
        if first <= published < after:
            in_period[page_id] += 1
    moderation: dict[int, Counter[str]] = defaultdict(Counter)
    blacklisted: Counter[int] = Counter()
    for page_id, action, reason in (ModerationEntry.select(ModerationEntry.page, ModerationEntry.action,
                                                           ModerationEntry.reason)
                                    .where((ModerationEntry.at >= first) & (ModerationEntry.at < after)).tuples()):
        moderation[page_id][reason] += 1
        if action == ModerationAction.BLACKLISTED:
            blacklisted[page_id] += 1
    blacklist_size: Counter[int] = Counter()
    for page_id, added in BlacklistEntry.select(BlacklistEntry.page, BlacklistEntry.added_at).tuples():
        if added < after:
            blacklist_size[page_id] += 1
    pages = []
    for p in OfficialPage.select().order_by(OfficialPage.owner, OfficialPage.network, OfficialPage.name):
        if not p.is_active and not in_period[p.id]:
            continue
        pages.append(PageRow(
            p.id, NETWORK_LABELS.get(p.network, p.network), p.name, p.url, PAGE_OWNER_LABELS.get(p.owner, p.owner),
            VERIFICATION_LABELS.get(p.verification, p.verification), _local(p.verification_changed_at, tz),
            bool(p.subscribed_to_head), tuple(week_count[p.id]),
            sum(1 for n, ok in zip(week_count[p.id], judged, strict=True) if ok and n == 0), in_period[p.id],
            {r.value: moderation[p.id][r.value] for r in ModerationReason}, blacklisted[p.id],
            blacklist_size[p.id]))
    return weeks, judged, pages


# =============================================================================== the writer
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
BAD_FILL = PatternFill("solid", fgColor="F8CBAD")
WORST_FILL = PatternFill("solid", fgColor="FF9F9F")
GOOD_FILL = PatternFill("solid", fgColor="E2EFDA")
TITLE_FONT = Font(bold=True, size=14)
BOLD = Font(bold=True)
NOTE_FONT = Font(italic=True, color="595959")
LINK_FONT = Font(color="0563C1", underline="single")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
RIGHT = Alignment(horizontal="right")

_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def clean_text(value: str | None) -> str:
    """Drop what XML cannot store (control characters but tab and line breaks), cut to Excel's cell limit."""
    if not value:
        return ""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_TEXT]


def needs_text_guard(value: str) -> bool:
    """True if Excel or LibreOffice could take the value for a formula, an error or a number sign."""
    return bool(value) and (value.startswith(_UNSAFE_START) or ord(value[0]) < 32 or value in ERROR_CODES
                            or value != value.strip())


class _Writer:
    """Builds the seven sheets on a write-only workbook."""

    def __init__(self, data: ReportData) -> None:
        self.data = data
        self.wb = Workbook(write_only=True)
        self.ws: Any = None
        self.links = 0

    # ---- cells ------------------------------------------------------------------------
    def cell(self, value: Any, *, font: Font | None = None, fill: PatternFill | None = None,
             fmt: str | None = None, align: Alignment | None = None, border: bool = False) -> Cell:
        c = WriteOnlyCell(self.ws, value=value)
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        if fmt is not None:
            c.number_format = fmt
        if align is not None:
            c.alignment = align
        if border:
            c.border = BORDER
        return c

    def text(self, value: str | None, **style: Any) -> Any:
        """Untrusted text: always a string cell, never a formula (an empty one is no cell at all)."""
        value = clean_text(value)
        if not value and not style:
            return None
        if not needs_text_guard(value) and not style:
            return value
        c = WriteOnlyCell(self.ws)
        c._value = value
        c.data_type = "s"
        if needs_text_guard(value):
            c.quotePrefix = True
        for key, item in style.items():
            if key == "font":
                c.font = item
            elif key == "fill":
                c.fill = item
            elif key == "border" and item:
                c.border = BORDER
            elif key == "align":
                c.alignment = item
        return c

    def link(self, url: str | None, label: str | None = None) -> Any:
        url = clean_text(url)
        if not url:
            return None
        c = self.text(label if label is not None else url, font=LINK_FONT)
        if isinstance(c, str):  # pragma: no cover - text() returns a cell when styled
            c = self.cell(c)
        if self._linkable(url):
            c.hyperlink = url
            self.links += 1
        return c

    def _linkable(self, url: str) -> bool:
        return url.lower().startswith(("https://", "http://")) and len(url) < 2000 and self.links < MAX_LINKS

    def link_prototype(self) -> Callable[[str | None], Any]:
        """``link`` for a column of links: one styled cell refilled row by row (see register()),
        a fresh cell only for the rare text that needs the formula guard."""
        c = self.cell(None, font=LINK_FONT)

        def link(url: str | None) -> Any:
            url = clean_text(url)
            if not url or needs_text_guard(url):
                return self.link(url)
            c._value, c.data_type, c._hyperlink = url, "s", None
            if self._linkable(url):
                c.hyperlink = url  # a new hyperlink object: the sheet keeps one per cell
                self.links += 1
            return c
        return link

    def dt(self, value: datetime | None, **style: Any) -> Any:
        if value is None:
            return None
        return self.cell(value, fmt=LOCAL_DT_FORMAT, **style)

    # ---- sheet scaffolding ------------------------------------------------------------
    def new_sheet(self, title: str, subtitle: str, widths: Sequence[float], header_row: int,
                  header: Sequence[str] = (), one_page: bool = False) -> None:
        ws = self.wb.create_sheet(title)
        self.ws = ws
        self.links = 0
        for index, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(index)].width = width
        if header:
            ws.row_dimensions[header_row].height = _header_height(header, widths)
        ws.freeze_panes = f"A{header_row + 1}"
        ws.print_title_rows = f"{header_row}:{header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 1 if one_page else 0  # a sheet with a chart prints on one page
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.print_options.gridLines = False
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        ws.page_margins.header = ws.page_margins.footer = 0.3
        d = self.data
        ws.oddHeader.left.text = _hf(d.title)
        ws.oddHeader.left.size = 9
        ws.oddHeader.right.text = _hf(f"Период: {d.period_start:%d.%m.%Y} — {d.period_end:%d.%m.%Y}")
        ws.oddHeader.right.size = 9
        ws.oddFooter.left.text = _hf(title)
        ws.oddFooter.left.size = 8
        ws.oddFooter.center.text = "Страница &P из &N"
        ws.oddFooter.center.size = 8
        ws.oddFooter.right.text = _hf(f"Сформирован {_local(d.generated_at, _tz(d)):%d.%m.%Y %H:%M}")
        ws.oddFooter.right.size = 8
        ws.append([self.cell(f"{title}: {d.title}", font=TITLE_FONT)])
        ws.append([self.cell(subtitle, font=NOTE_FONT)])

    def header(self, names: Sequence[str]) -> list[Cell]:
        return [self.cell(n, font=BOLD, fill=HEADER_FILL, align=HEADER_ALIGN, border=True) for n in names]

    def filter(self, first_row: int, last_row: int, columns: int) -> None:
        self.ws.auto_filter.ref = f"A{first_row}:{get_column_letter(columns)}{max(first_row, last_row)}"

    # ---- the sheets -------------------------------------------------------------------
    def build(self, path: Path, progress: Progress | None) -> None:
        steps: list[tuple[str, Callable[[], None], int]] = [
            ("Лист «Сводка»", self.summary, 76),
            ("Лист «По исполнителям»", self.units, 78),
            ("Лист «По этапам»", self.stages, 79),
            ("Лист «По темам и соцсетям»", self.topics, 80),
            ("Лист «Просрочки»", self.late, 81),
            ("Лист «Реестр»", self.register, 83),
            ("Лист «Официальные страницы»", self.pages, 96),
        ]
        for stage, build, percent in steps:
            _progress(progress, percent, stage)
            build()
        _progress(progress, 97, "Сохранение файла")
        self.wb.save(path)

    def summary(self) -> None:  # noqa: PLR0915
        d = self.data
        cur, prev = d.current, d.previous
        names = ["Показатель", cur.label, "Доля", prev.label, "Доля", "Изменение", "Изменение, %",
                 "Доля считается от"]
        widths = [80, 15, 9, 15, 9, 12, 12, 60]
        self.new_sheet("Сводка", f"Инциденты, выявленные за период; сравнение с периодом «{prev.label}» "
                       f"({prev.start:%d.%m.%Y} — {prev.end:%d.%m.%Y}). Сроки — в рабочем времени администрации, "
                       f"состояние на {_local(d.generated_at, _tz(d)):%d.%m.%Y %H:%M}",
                       widths, header_row=4, header=names, one_page=True)
        ws = self.ws
        ws.append([])
        ws.append(self.header(names))
        row = 4

        def line(label: str, now_value: int, base_now: int | None, was: int, base_was: int | None,
                 base_label: str = "", bold: bool = False, fill: PatternFill | None = None) -> None:
            nonlocal row
            font = BOLD if bold else None
            share_now = now_value / base_now if base_now else None
            share_was = was / base_was if base_was else None
            change = now_value - was
            relative = change / was if was else None
            ws.append([
                self.cell(label, font=font, border=True, fill=fill, align=Alignment(indent=0 if bold else 1)),
                self.cell(now_value, font=font, border=True, fill=fill),
                self.cell(share_now, fmt=PERCENT_FORMAT, border=True, fill=fill),
                self.cell(was, border=True, fill=fill),
                self.cell(share_was, fmt=PERCENT_FORMAT, border=True, fill=fill),
                self.cell(change, fmt="+0;-0;0", border=True, fill=fill),
                self.cell(relative, fmt="+0.0%;-0.0%;0.0%", border=True, fill=fill),
                self.cell(base_label, font=NOTE_FONT, border=True, fill=fill),
            ])
            row += 1

        def section(label: str) -> None:
            nonlocal row
            ws.append([self.cell(label, font=BOLD, fill=SECTION_FILL, border=True)]
                      + [self.cell(None, fill=SECTION_FILL, border=True) for _ in range(7)])
            row += 1

        received = "поступивших"
        section("Поступило")
        line("Поступило всего", cur.received, cur.received, prev.received, prev.received, received, bold=True)
        for kind in IncidentKind:
            line(INCIDENT_KIND_LABELS[kind], cur.by_kind.get(kind, 0), cur.received, prev.by_kind.get(kind, 0),
                 prev.received, received)
        for priority in Priority:
            line(PRIORITY_ROW_LABELS[priority], cur.by_priority.get(priority, 0), cur.received,
                 prev.by_priority.get(priority, 0), prev.received, received)
        section("Итог по каждому инциденту (в сумме — все поступившие)")
        outcome_first = row + 1
        overdue_now, overdue_was = cur.answer_count(ClockState.OVERDUE), prev.answer_count(ClockState.OVERDUE)
        line("Ответ размещён в срок (п. 9, 17)", cur.in_time, cur.received, prev.in_time, prev.received, received,
             fill=GOOD_FILL)
        line("Ответ размещён с нарушением срока", cur.late, cur.received, prev.late, prev.received, received,
             fill=BAD_FILL if cur.late else None)
        line("Ответ не размещён, срок истёк", overdue_now, cur.received, overdue_was, prev.received, received,
             fill=BAD_FILL if overdue_now else None)
        line("Ответ готовится, срок не истёк", cur.answer_count(ClockState.RUNNING), cur.received,
             prev.answer_count(ClockState.RUNNING), prev.received, received)
        line("Без ответа (п. 21)", cur.clause21_total, cur.received, prev.clause21_total, prev.received, received)
        line(NOT_INCIDENT_LABEL, cur.not_incident, cur.received, prev.not_incident, prev.received, received)
        outcome_last = row
        section("Сроки ответа по важности")
        for priority, hours, clause in ((Priority.NORMAL, 8, "п. 9"), (Priority.HIGH, 4, "п. 17")):
            base = f"{PRIORITY_BASE_LABELS[priority]}, кроме закрытых без ответа (пп. 2, 21)"
            n_now, n_was = cur.with_answer_clock(priority), prev.with_answer_clock(priority)
            line(f"Ответ в течение {hours} рабочих часов ({clause})", cur.answer_count(ClockState.MET, priority),
                 n_now, prev.answer_count(ClockState.MET, priority), n_was, base)
            line(f"Срок {hours} рабочих часов нарушен ({clause})", cur.answer_count(ClockState.MISSED, priority),
                 n_now, prev.answer_count(ClockState.MISSED, priority), n_was, base)
        section("Без ответа — по основаниям п. 21")
        for reason in CLAUSE21_REASONS:
            line(NO_ANSWER_REASON_LABELS[reason], cur.no_answer.get(reason, 0), cur.clause21_total,
                 prev.no_answer.get(reason, 0), prev.clause21_total, "закрытых без ответа по п. 21")
        section("Запросы (уточнения) автору (п. 13)")
        line("Размещён запрос (уточнение) автору", cur.requested, cur.received, prev.requested, prev.received,
             received)
        asked = "с размещённым запросом"
        line("Автор ответил на запрос", cur.author_replied, cur.requested, prev.author_replied, prev.requested,
             asked)
        line("Ответа автора ждут сейчас", cur.author_waiting, cur.requested, prev.author_waiting, prev.requested,
             asked)
        line("Автор не ответил до закрытия инцидента", cur.author_unanswered, cur.requested,
             prev.author_unanswered, prev.requested, asked)
        section("Состояние на момент отчёта")
        line("Не закрыто (в работе)", cur.still_open, cur.received, prev.still_open, prev.received, received)
        section("Промежуточные и окончательные ответы (п. 18)")
        line("Дан промежуточный ответ", cur.interim, cur.received, prev.interim, prev.received, received)
        interim = "давших промежуточный ответ"
        for state, label in FINAL_ROWS:
            line(label, cur.final_states.get(state, 0), cur.interim, prev.final_states.get(state, 0), prev.interim,
                 interim)
        ws.append([])
        time_names = ["Время до ответа (рабочее время от выявления до первого размещения)", cur.label, "мин",
                      prev.label, "мин", "Изменение, мин"]
        ws.row_dimensions[row + 2].height = _header_height(time_names, widths)
        ws.append(self.header(time_names))
        row += 2
        count_now, count_was = len(cur.answer_minutes), len(prev.answer_minutes)
        ws.append([self.cell("Ответов размещено", border=True), self.cell(count_now, border=True),
                   self.cell(None, border=True), self.cell(count_was, border=True), self.cell(None, border=True),
                   self.cell(count_now - count_was, fmt="+0;-0;0", border=True)])
        row += 1
        for label, now_value, was in (("Среднее время до ответа", cur.average_minutes, prev.average_minutes),
                                      ("Медиана времени до ответа", cur.median_minutes, prev.median_minutes)):
            ws.append([self.cell(label, border=True),
                       self.cell(short_duration(now_value), border=True, align=RIGHT),
                       self.cell(_round(now_value), fmt="0", border=True),
                       self.cell(short_duration(was), border=True, align=RIGHT),
                       self.cell(_round(was), fmt="0", border=True),
                       self.cell(_round(now_value - was) if now_value is not None and was is not None else None,
                                 fmt="+0;-0;0", border=True)])
            row += 1
        ws.append([])
        wait_names = ["Ожидание ответа автора на запрос (рабочее время от размещения запроса до ответа автора, "
                      "закрытия инцидента или момента отчёта)", cur.label, "мин", prev.label, "мин", "Изменение, мин"]
        ws.row_dimensions[row + 2].height = _header_height(wait_names, widths)
        ws.append(self.header(wait_names))
        row += 2
        for label, now_value, was in (
                ("Всего по инцидентам с размещённым запросом", cur.author_wait_total if cur.requested else None,
                 prev.author_wait_total if prev.requested else None),
                ("В среднем на инцидент с размещённым запросом", cur.author_wait_average, prev.author_wait_average)):
            ws.append([self.cell(label, border=True),
                       self.cell(_as_time(now_value), fmt=DURATION_FORMAT, border=True),
                       self.cell(_round(now_value), fmt="0", border=True),
                       self.cell(_as_time(was), fmt=DURATION_FORMAT, border=True),
                       self.cell(_round(was), fmt="0", border=True),
                       self.cell(_round(now_value - was) if now_value is not None and was is not None else None,
                                 fmt="+0;-0;0", border=True)])
            row += 1
        ws.append([])
        ws.append([self.cell("Доля — от базы в последнем столбце; изменение — разница с предыдущим периодом той же "
                             "длины. Сроки — в рабочем времени по производственному календарю (пп. 9–19 Порядка).",
                             font=NOTE_FONT)])
        ws.append([self.cell("Ожидание ответа автора не останавливает срок ответа (Порядок паузы не "
                             "предусматривает): оно показано, чтобы было видно, почему ответ задержался. Ответил ли "
                             "автор — по последнему размещённому запросу инцидента.", font=NOTE_FONT)])
        row += 3
        chart = BarChart()
        chart.type = "bar"
        chart.style = 10
        chart.title = "Итог по инцидентам периода"
        chart.y_axis.title = "Инцидентов"
        chart.y_axis.majorGridlines = None
        chart.x_axis.scaling.orientation = "maxMin"
        chart.height = 10  # a label for each of the six outcomes
        chart.width = 24
        for col in (2, 4):
            chart.add_data(Reference(ws, min_col=col, min_row=outcome_first, max_row=outcome_last),
                           titles_from_data=False)
        chart.series[0].tx = _series_title(cur.label)
        chart.series[1].tx = _series_title(prev.label)
        chart.set_categories(Reference(ws, min_col=1, min_row=outcome_first, max_row=outcome_last))
        chart.dataLabels = _labels(value=True)
        chart.legend.position = "b"
        ws.add_chart(chart, f"A{row + 2}")
        self.filter(4, outcome_last, 8)

    def units(self) -> None:
        d = self.data
        names = (["Отдел / учреждение", "Поручений получено", "Работал над инцидентами", "Ответ в срок",
                  "Ответ с нарушением срока", "Ответа нет, срок истёк", "Возвратов на доработку (п. 14)"]
                 + [f"Возврат: {RETURN_REASON_SHORT[r]}" for r in ReturnReason]
                 + ["Не в компетенции (п. 11)", "Нарушено сроков этапов"]
                 + [f"Среднее время: {label}" for _, label in UNIT_STEPS])
        body: list[list[Any]] = []
        for u in d.units:
            values: list[Any] = [self.text(u.name, border=True), u.received, u.executed, u.in_time,
                                 self.cell(u.late, border=True, fill=BAD_FILL if u.late else None),
                                 self.cell(u.overdue, border=True, fill=BAD_FILL if u.overdue else None),
                                 u.returns]
            values += [u.returns_by_reason.get(r.value, 0) for r in ReturnReason]
            values += [u.competence_returns, self.cell(u.missed_steps, border=True,
                                                       fill=BAD_FILL if u.missed_steps else None)]
            values += [self.cell(_as_time(u.step_minutes.get(code)), fmt=DURATION_FORMAT, border=True)
                       for code, _ in UNIT_STEPS]
            body.append([v if isinstance(v, Cell) else self.cell(v, border=True) for v in values])
        body.append([self.cell("Итого", font=BOLD, border=True)]
                    + [self.cell(sum(getattr(u, f) for u in d.units), font=BOLD, border=True)
                       for f in ("received", "executed", "in_time", "late", "overdue", "returns")]
                    + [self.cell(sum(u.returns_by_reason.get(r.value, 0) for u in d.units), font=BOLD, border=True)
                       for r in ReturnReason]
                    + [self.cell(sum(u.competence_returns for u in d.units), font=BOLD, border=True),
                       self.cell(sum(u.missed_steps for u in d.units), font=BOLD, border=True)])
        widths = _fit(body, names, maximum=[70] + [13] * (len(names) - 1), minimum=[30] + [10] * (len(names) - 1))
        self.new_sheet("По исполнителям", "Поручения по инцидентам периода. «Ответ в срок» — по инцидентам, над "
                       "которыми работал отдел (кроме «не в компетенции» и отозванных); возвраты и этапы — проектов "
                       "ответов и запросов (уточнений) автору; нарушенная информация для сводного ответа (п. 19) "
                       "остаётся нарушением и у отдела, назначенного затем готовить сводный ответ; среднее время — "
                       "рабочее время завершённых шагов", widths, header_row=4, header=names)
        ws = self.ws
        ws.append([])
        ws.append(self.header(names))
        for values in body:
            ws.append(values)
        self.filter(4, 4 + len(d.units), len(names))

    def stages(self) -> None:
        d = self.data
        names = ["Этап", "Пункт", "Кто", "Всего", "Соблюдён", "Нарушен", "Идёт", "Просрочен (идёт)",
                 "Окно не использовано", "Доля нарушений", "Медиана времени этапа", "Среднее время этапа",
                 "Потеряно сверх срока", "Потеряно, мин"]
        body = []
        worst = None
        for r in d.stages:
            fill = WORST_FILL if r.worst else None
            if r.worst:
                worst = r
            body.append([
                self.cell(r.title, border=True, fill=fill, font=BOLD if r.worst else None),
                self.cell(r.clause, border=True, fill=fill), self.cell(r.who, border=True, fill=fill),
                self.cell(r.total, border=True, fill=fill), self.cell(r.met, border=True, fill=fill),
                self.cell(r.missed, border=True, fill=fill or (BAD_FILL if r.missed else None)),
                self.cell(r.running, border=True, fill=fill),
                self.cell(r.overdue, border=True, fill=fill or (BAD_FILL if r.overdue else None)),
                self.cell(r.unused, border=True, fill=fill),
                self.cell(r.missed_share, fmt=PERCENT_FORMAT, border=True, fill=fill),
                self.cell(_as_time(r.median_minutes), fmt=DURATION_FORMAT, border=True, fill=fill),
                self.cell(_as_time(r.average_minutes), fmt=DURATION_FORMAT, border=True, fill=fill),
                self.cell(short_duration(r.lost_minutes) if r.lost_minutes else "—", border=True, fill=fill,
                          align=RIGHT),
                self.cell(r.lost_minutes, border=True, fill=fill),
            ])
        widths = _fit(body, names, maximum=[72, 9, 14] + [12] * 11, minimum=[30, 7, 12] + [9] * 11)
        self.new_sheet("По этапам", "Каждый срок регламента по инцидентам периода: где цепочка теряет время. "
                       "Согласование, доработка и размещение (пп. 14–16) — и проектов ответов, и запросов (уточнений) "
                       "автору. Время этапа — рабочее время завершённых шагов; потери — рабочее время сверх срока",
                       widths, header_row=4, header=names)
        ws = self.ws
        ws.append([])
        ws.append(self.header(names))
        for values in body:
            ws.append(values)
        self.filter(4, 4 + len(d.stages), len(names))
        ws.append([])
        if worst is not None:
            ws.append([self.cell(f"Больше всего рабочего времени сверх срока теряется на этапе «{worst.title}» "
                                 f"({worst.clause}): {short_duration(worst.lost_minutes)}, нарушений — "
                                 f"{worst.missed + worst.overdue}. Строка выделена.", font=BOLD)])
        else:
            ws.append([self.cell("Сроки этапов в периоде не нарушались.", font=BOLD)])

    def topics(self) -> None:
        d = self.data
        nets = [NETWORK_LABELS[n] for n in NETWORK_ORDER]
        closures = ["Без ответа (п. 21)", "Не инцидент (п. 2)"]
        names = ["Группа тем", "Всего", *nets, "Ответ в срок", "С нарушением срока", *closures]
        body = [[self.text(r.label, border=True)]
                + [self.cell(v, border=True) for v in (r.total, *(r.by_network[n.value] for n in NETWORK_ORDER),
                                                         r.in_time, r.late, r.no_answer, r.not_incident)]
                for r in d.topics]
        body.append([self.cell(v, font=BOLD, border=True) for v in
                     ("Итого", sum(r.total for r in d.topics),
                      *(sum(r.by_network[n.value] for r in d.topics) for n in NETWORK_ORDER),
                      sum(r.in_time for r in d.topics), sum(r.late for r in d.topics),
                      sum(r.no_answer for r in d.topics), sum(r.not_incident for r in d.topics))])
        net_names = ["Социальная сеть", "Всего", "Доля", "Ответ в срок", "С нарушением срока", *closures]
        widths = _fit(body, names, maximum=[50] + [14] * 8, minimum=[24] + [12] * 8)
        self.new_sheet("По темам и соцсетям", "Инциденты периода по группам тем (п. 10) и по социальным сетям; "
                       "«не инцидент (п. 2)» — закрыто как не касающееся деятельности администрации, это не "
                       "основание п. 21",
                       widths, header_row=4, header=names, one_page=True)
        ws = self.ws
        ws.append([])
        ws.append(self.header(names))
        for values in body:
            ws.append(values)
        topics_last = 4 + len(d.topics)
        self.filter(4, topics_last, len(names))
        ws.append([])
        net_header = topics_last + 3
        ws.row_dimensions[net_header].height = _header_height(net_names, widths)
        ws.append(self.header(net_names))
        total = sum(r.total for r in d.networks)
        for r in d.networks:
            ws.append([self.cell(r.label, border=True), self.cell(r.total, border=True),
                       self.cell(r.total / total if total else None, fmt=PERCENT_FORMAT, border=True),
                       self.cell(r.in_time, border=True), self.cell(r.late, border=True),
                       self.cell(r.no_answer, border=True), self.cell(r.not_incident, border=True)])
        net_last = net_header + len(d.networks)
        if d.topics:
            chart = BarChart()
            chart.type = "bar"
            chart.style = 10
            chart.title = "Инциденты по группам тем"
            chart.legend = None
            chart.x_axis.scaling.orientation = "maxMin"
            chart.add_data(Reference(ws, min_col=2, min_row=5, max_row=topics_last), titles_from_data=False)
            chart.set_categories(Reference(ws, min_col=1, min_row=5, max_row=topics_last))
            chart.height = max(6.0, 0.7 * len(d.topics) + 3)
            chart.width = 15
            chart.dataLabels = _labels(value=True)
            ws.add_chart(chart, f"A{net_last + 3}")
        if total:
            pie = PieChart()
            pie.title = "Инциденты по соцсетям"
            pie.add_data(Reference(ws, min_col=2, min_row=net_header + 1, max_row=net_last), titles_from_data=False)
            pie.set_categories(Reference(ws, min_col=1, min_row=net_header + 1, max_row=net_last))
            pie.dataLabels = _labels(percent=True)
            pie.height = 7.5
            pie.width = 11
            ws.add_chart(pie, f"E{net_last + 3}")

    def late(self) -> None:
        d = self.data
        names = ["№", "Выявлен", "Ссылка", "Соцсеть", "Важность", "Статус", "Исполнители", "Нарушенный срок",
                 "Пункт", "Чей шаг", "Срок", "Выполнено", "Состояние", "Опоздание", "Опоздание, рабочих мин"]
        rows = d.late
        widths = _fit([[str(r.incident_id), "01.01.2026 00:00", r.link, r.network, r.priority, r.status, r.units,
                        r.clock_title, r.clause, r.subject, "01.01.2026 00:00", "01.01.2026 00:00", r.state,
                        short_duration(r.late_minutes), str(r.late_minutes)] for r in _sample(rows)], names,
                      maximum=[8, 17, 42, 14, 20, 20, 36, 46, 7, 20, 17, 17, 12, 13, 11])
        self.new_sheet("Просрочки", f"Все нарушенные и просроченные сроки по инцидентам периода: {len(rows)}; "
                       "опоздание — рабочее время сверх срока", widths, header_row=4, header=names)
        ws = self.ws
        ws.append([])
        ws.append(self.header(names))
        detected, due, ended = (_datetime_prototype(ws) for _ in range(3))
        link = self.link_prototype()

        def cells(r: LateRow) -> Iterator[Any]:  # pulled cell by cell: see register()
            yield r.incident_id
            yield _stamp(detected, r.detected)
            yield link(r.link)
            yield from (r.network, r.priority, r.status, r.units, r.clock_title, r.clause, r.subject or None)
            yield _stamp(due, r.due)
            yield _stamp(ended, r.ended)
            yield from (r.state, short_duration(r.late_minutes), r.late_minutes)

        for r in rows:
            ws.append(cells(r))
        self.filter(4, 4 + len(rows), len(names))

    def register(self) -> None:
        d = self.data
        names = [label for _, label in REGISTER_COLUMNS]
        rows = d.register
        widths = _fit([["" if v is None else ("01.01.2026 00:00" if i in REGISTER_DATETIMES else v)
                        for i, v in enumerate(r)] for r in _sample(rows)], names,
                      maximum=[8, 17, 17, 17, 17, 17, 17, 20, 22, 20, 14, 26, 20, 26, 22, 30, 16, 11, 12, 13, 40, 60])
        self.new_sheet("Реестр", f"Все инциденты, выявленные за период: {len(rows)}; время — местное "
                       f"({d.tz_name}); ожидание ответа автора — рабочее время от размещения запроса (уточнения) "
                       "до ответа автора, закрытия инцидента или момента отчёта", widths, header_row=4, header=names)
        ws = self.ws
        ws.append([])
        ws.append(self.header(names))
        append = ws.append
        text = self.text
        # One styled prototype cell per datetime column, refilled for every row: openpyxl pulls a
        # row generator one cell at a time and writes each cell before asking for the next, so
        # the prototype is never changed before it is written. This spares creating and styling
        # a cell object per timestamp (six per row). The link is plain text here (the «Просрочки»
        # sheet has the clickable ones): Excel allows at most 65 530 hyperlinks a sheet.
        prototypes = [_datetime_prototype(ws) for _ in range(6)]
        wait = WriteOnlyCell(ws)
        wait.number_format = DURATION_FORMAT

        def cells(row: tuple[Any, ...]) -> Iterator[Any]:
            yield row[0]
            for c, value in zip(prototypes, row[1:7], strict=True):
                yield _stamp(c, value)
            yield from row[7:11]
            yield text(row[11])
            yield from row[12:19]
            if row[REGISTER_WAIT] is None:
                yield None
            else:
                wait.value = row[REGISTER_WAIT]  # a duration: a number Excel shows as «3 ч 05 мин»
                yield wait
            yield text(row[20])
            yield text(row[21])

        for row in rows:
            append(cells(row))
        self.filter(4, 4 + len(rows), len(names))

    def pages(self) -> None:
        d = self.data
        today = _local(d.generated_at, _tz(d)).date()
        week_names = [f"{a:%d.%m} – {b:%d.%m}" + ("" if judged else " (идёт)" if a <= today else " (впереди)")
                      for (a, b), judged in zip(d.weeks, d.weeks_judged, strict=True)]
        names = (["Страница", "Соцсеть", "Чья", "Адрес"] + week_names
                 + ["Публикаций за период", "Недель без публикаций", "Специальная отметка (пп. 11–13)",
                    "Отметка изменена", "Подписана на страницы главы (п. 15)"]
                 + [f"Удалено: {MODERATION_REASON_LABELS[r].lower()}" for r in ModerationReason]
                 + ["В чёрный список за период", "Чёрный список, всего (п. 14)"])
        body = []
        for p in d.pages:
            body.append([self.text(p.name, border=True), self.cell(p.network, border=True),
                         self.cell(p.owner, border=True), self.link(p.url)]
                        + [self.cell(n, border=True, fill=BAD_FILL if n == 0 and judged else None)
                           for n, judged in zip(p.weekly, d.weeks_judged, strict=True)]
                        + [self.cell(p.in_period, border=True),
                           self.cell(p.weeks_without, border=True, fill=BAD_FILL if p.weeks_without else GOOD_FILL),
                           self.cell(p.verification, border=True), self.dt(p.verification_changed, border=True),
                           self.cell("да" if p.subscribed_to_head else "нет", border=True)]
                        + [self.cell(p.moderation.get(r.value, 0), border=True) for r in ModerationReason]
                        + [self.cell(p.blacklisted_in_period, border=True), self.cell(p.blacklist_size, border=True)])
        fixed = [50, 14, 14, 36]
        widths = _fit(body, names, maximum=fixed + [11] * len(week_names) + [12, 12, 28, 17, 13]
                      + [14] * len(ModerationReason) + [12, 12],
                      minimum=[20, 10, 10, 16] + [9] * (len(names) - 4))
        self.new_sheet("Официальные страницы", "Приложение № 1: не менее одной публикации в неделю на каждой странице "
                       "(п. 5; недели с понедельника по воскресенье, завершённые недели без публикаций выделены), "
                       "специальная отметка (пп. 11–13), модерация и чёрный список (п. 14)", widths, header_row=4,
                       header=names)
        ws = self.ws
        ws.append([])
        ws.append(self.header(names))
        for values in body:
            ws.append(values)
        self.filter(4, 4 + len(d.pages), len(names))
        ws.append([])
        if not d.pages:
            ws.append([self.cell("Официальные страницы не заведены.", font=NOTE_FONT)])
        else:
            ws.append([self.cell("Неделя на границе периода учитывается целиком: публикация в её начале или конце "
                                 "вне периода тоже выполняет правило п. 5. Текущая неделя не оценивается.",
                                 font=NOTE_FONT)])


DURATION_FORMAT = '[h]" ч "mm" мин"'


def _labels(*, value: bool = False, percent: bool = False) -> DataLabelList:
    """Data labels with only the value (or the percentage): LibreOffice shows every unset part."""
    return DataLabelList(showVal=value, showPercent=percent, showCatName=False, showSerName=False,
                         showLegendKey=False, showLeaderLines=False)


def _header_height(names: Sequence[str], widths: Sequence[float]) -> float:
    """Enough height for wrapped bold header text in columns of these widths (points)."""
    lines = 1
    for name, width in zip(names, widths, strict=False):
        usable = max(1.0, width - 1.5)
        words = name.split()
        count, current = 1, 0.0
        for word in words:
            size = len(word) * 1.15
            if current and current + 1 + size > usable:
                count += 1
                current = size
            else:
                current = current + (1 if current else 0) + size
        lines = max(lines, count)
    return 15.0 * lines + 3


def _datetime_prototype(ws: Any) -> Cell:
    c = WriteOnlyCell(ws)
    c.number_format = LOCAL_DT_FORMAT
    return c


def _stamp(prototype: Cell, value: datetime | None) -> Cell | None:
    """Refill a styled prototype with a local datetime (None stays an empty cell)."""
    if value is None:
        return None
    prototype._value = value
    prototype.data_type = "d"
    return prototype


def _as_time(minutes: float | None) -> timedelta | None:
    """Working minutes as an Excel duration (shown as «3 ч 25 мин», still a number)."""
    if minutes is None:
        return None
    return timedelta(minutes=round(minutes))


def _round(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def _tz(d: ReportData) -> Any:
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(d.tz_name)
    except Exception:  # noqa: BLE001
        return timezone.utc


def _hf(text: str) -> str:
    """Header/footer text: «&» is a control character there."""
    return text.replace("&", "&&")


def _series_title(text: str) -> Any:
    from openpyxl.chart.series import SeriesLabel

    return SeriesLabel(v=text)


def _sample(rows: Sequence[Any], limit: int = 2000) -> Sequence[Any]:
    if len(rows) <= limit:
        return rows
    step = len(rows) / limit
    return [rows[int(i * step)] for i in range(limit)]


def _fit(rows: Iterable[Sequence[Any]], names: Sequence[str], maximum: Sequence[float],
         minimum: Sequence[float] | None = None) -> list[float]:
    """Column widths that fit the content (up to ``maximum``); headers wrap by words, and a column is
    never narrower than the longest word of its header (a word is not broken in the middle)."""
    words = [max(6.0, max((len(w) for w in n.split()), default=4) * 1.15 + 2) for n in names]
    widths = list(words)
    if minimum is not None:
        widths = [max(w, m) for w, m in zip(widths, minimum, strict=False)]
    for row in rows:
        for i, value in enumerate(row):
            if i >= len(widths):
                break
            if isinstance(value, Cell):
                value = value.value
            if value is None:
                continue
            if isinstance(value, timedelta):
                width = 13.0
            elif isinstance(value, datetime):
                width = 17.0
            elif isinstance(value, float):
                width = 9.0
            else:
                width = len(str(value)) + 2.0
            if width > widths[i]:
                widths[i] = width
    return [min(w, max(m, word)) for w, m, word in zip(widths, maximum, words, strict=False)]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def build_monthly_report(period_start: date, period_end: date, path: Path, *, progress: Progress | None = None,
                         now: datetime | None = None) -> ReportSummary:
    """Compute the report for the period and write it to ``path`` (.xlsx).

    The workbook is written to a temporary file in the same folder and moved into place at the
    end, so a failure never leaves a half-written file behind.
    """
    started = time_module.perf_counter()
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise ValidationError(f"Папка «{folder}» не существует")
    if path.is_dir():
        raise ValidationError(f"«{path}» — это папка, укажите имя файла .xlsx")
    if not os.access(folder, os.W_OK):
        raise ValidationError(f"Нет прав на запись в папку «{folder}»")
    data = collect(period_start, period_end, now, progress)
    try:
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".xlsx.tmp", dir=folder)
        os.close(handle)
    except OSError as exc:
        raise ValidationError(f"Не удалось записать отчёт в «{path}»: {exc.strerror or exc}") from None
    temp = Path(temp_name)
    writing = time_module.perf_counter()
    try:
        _Writer(data).build(temp, progress)
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise ValidationError(f"Не удалось записать отчёт в «{path}»: {exc.strerror or exc}") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    _progress(progress, 100, "Готово")
    cur = data.current
    decided = cur.in_time + cur.late
    return ReportSummary(path, data.period_label, cur.received, cur.in_time, cur.late,
                         cur.answer_count(ClockState.OVERDUE), cur.clause21_total, cur.still_open,
                         cur.in_time / decided if decided else None, cur.median_minutes, len(data.register),
                         len(data.late), time_module.perf_counter() - started,
                         {**data.timings, "write": time_module.perf_counter() - writing}, cur.not_incident,
                         cur.requested)


__all__ = [
    "GroupRow", "LateRow", "PageRow", "PeriodFigures", "REGISTER_COLUMNS", "ReportData", "ReportSummary",
    "StageRow", "UnitRow", "build_monthly_report", "clean_text", "collect", "month_period", "needs_text_guard",
    "period_label", "previous_period", "short_duration",
]
