"""What the report says, before any sheet: the dataclasses of its figures and the labels and
order of its rows. No database queries and no Excel here (see :mod:`.figures` for the first,
:mod:`.sheets` for the second).
"""
from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from app.models.enums import (
    CLAUSE21_REASONS, MODERATION_REASON_LABELS, PAGE_OWNER_LABELS, VERIFICATION_STATE_LABELS, ModerationReason,
    Network, NoAnswerReason, Priority, ReturnReason,
)
from app.services.audit import Anchor
from app.services.deadlines import ClockState
from app.services.report.periods import as_of_words, period_phrase

Progress = Callable[[int, str], None]

REPORT_TITLE = "Работа с сообщениями в социальных сетях"
MAX_TEXT_IN_REGISTER = 500
TEXT_CUT = "…"                         # ends a message the register shows only the beginning of

#: the share of answers posted in time, one definition for the command line, the dialog and «Сводка»
IN_TIME_SHARE_LABEL = "Доля ответов в срок (п. 9, 17)"
IN_TIME_SHARE_BASE = "размещённых ответов (в срок и с нарушением срока)"

# one wording with the pages module's screens (app/models/enums.py)
VERIFICATION_LABELS = VERIFICATION_STATE_LABELS

#: every clock of the regulation in the order of the chain: code, clause, title, who acts. A clock
#: counts in the row of its code and clause: the clause-13 request and the final draft of the
#: final-answer stage (clause 18) have rows of their own; approval, revision and publication
#: (clauses 14–16) are the same steps for drafts, answers and clarification requests alike.
CURATOR, EXECUTOR, EVERYONE = "Куратор", "Исполнитель", "Все участники"
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
    def answered(self) -> int:
        """Incidents whose answer was posted, in time or late: the base of :attr:`in_time_share`."""
        return self.in_time + self.late

    @property
    def in_time_share(self) -> float | None:
        """:data:`IN_TIME_SHARE_LABEL`: of the posted answers, the share posted in time."""
        return self.in_time / self.answered if self.answered else None

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
    whose: str                         # whose step: a unit, «Куратор» or «Все участники»
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
    #: weeks the page was not in the registry (added later or archived before): not judged
    absent: tuple[bool, ...] = ()


#: the columns of the register, in order (a row is a tuple in this order): first the ones that
#: print (up to the message's text), then the ones for the screen
REGISTER_COLUMNS: tuple[tuple[str, str], ...] = (
    ("id", "№"),
    ("detected", "Выявлен"),
    ("status", "Статус"),
    ("priority", "Важность"),
    ("network", "Соцсеть"),
    ("topic", "Тема"),
    ("units", "Исполнители"),
    ("answer_state", "Срок ответа (п. 9/17)"),
    ("text", "Текст сообщения"),
    ("author", "Автор"),
    ("kind", "Вид"),
    ("topic_group", "Группа тем"),
    ("location", "Локация"),
    ("routed", "Направлен исполнителю"),
    ("submitted", "Первый проект на согласовании"),
    ("approved", "Согласован"),
    ("published", "Ответ размещён"),
    ("closed", "Закрыт"),
    ("answer_minutes", "До ответа, рабочих мин"),
    ("requests", "Запросов (уточнений) автору размещено"),
    ("author_wait", "Ожидание ответа автора, рабочих мин"),
    ("link", "Ссылка"),
)
REGISTER_PRINTED = 9                    # the columns «№» … «Текст сообщения» go on paper


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
    as_of: date | None = None          # the period is running: its figures are of the days up to this one
    unit_total: UnitRow | None = None  # «Итого» of «По исполнителям»: an incident counts once
    #: the audit trail's newest event when the report was made: printed, it proves later that the
    #: trail before it was not rewritten (``audit verify --anchor N:HASH``)
    anchor: Anchor | None = None

    @property
    def period_words(self) -> str:
        """«ноябрь 2026 г.», «декабрь 2026 г. (по состоянию на 5 декабря)», «период с 01.11.2026 по 15.11.2026»."""
        words = period_phrase(self.period_start, self.period_end)
        return f"{words} ({as_of_words(self.as_of)})" if self.as_of else words

    @property
    def title(self) -> str:
        """«Работа с сообщениями в социальных сетях за ноябрь 2026 г.»: the report's name with its period."""
        return f"{REPORT_TITLE} за {self.period_words}"


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


def tell(callback: Progress | None, percent: float, stage: str) -> None:
    """Report progress (0–100 and a Russian stage name) to whoever asked for it."""
    if callback is not None:
        callback(max(0, min(100, int(percent))), stage)


def local(value: datetime | None, tz: Any) -> datetime | None:
    """A UTC moment as a naive local datetime (what Excel shows), None stays None."""
    if value is None:
        return None
    return value.astimezone(tz).replace(tzinfo=None)


def report_zone(d: ReportData) -> Any:
    """The administration's time zone the report was made in."""
    from zoneinfo import ZoneInfo

    try:
        return ZoneInfo(d.tz_name)
    except Exception:  # noqa: BLE001
        return timezone.utc
