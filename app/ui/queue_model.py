"""The incident queue as a Qt table model over ``app.services.queue``, loaded off the GUI thread.

Pages of 200 rows come from ``queue.fetch_page`` in a worker thread: the first one when the
filter or the sort changes, the next ones when the view scrolls to the bottom (``fetchMore``).
The «Осталось» column counts down live: every 30 seconds each row's clock is re-evaluated in
working time without asking the database again; when a clock crosses 75 % or its due moment
the model asks for a fresh page (``thresholds_crossed``).

``TaskRunner`` (here because the queue is its first user) runs any service call on a worker
thread with its own database connection and hands the result back on the GUI thread.
"""
from __future__ import annotations

import itertools
import textwrap
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, tzinfo
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap

from app.models import db
from app.models.enums import (
    NETWORK_LABELS,
    PRIORITY_LABELS,
    REQUEST_STATE_LABELS,
    IncidentStatus,
    Network,
    Priority,
    RequestState,
)
from app.services import clock as clock_source
from app.services import formatting, queue
from app.services.calendar_store import current_calendar
from app.services.deadlines import WARNING_SHARE, Clock, ClockState
from app.services.errors import DomainError
from app.services.permissions import Actor
from app.services.queue import QueueFilter, QueueRow, QueueSort
from app.services.worktime import WorkCalendar

__all__ = ["Column", "QueueTableModel", "QueueRow", "TaskRunner", "Remaining", "remaining_for", "short_duration",
           "status_text", "status_tooltip"]

log = logging.getLogger(__name__)

ModelIndex = QModelIndex | QPersistentModelIndex

#: role that returns the incident id of a row (for opening its card)
INCIDENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
#: role that returns the level of the «Осталось» cell: ok, warning, overdue, met, missed, none
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 2
#: role that returns the service's ``QueueRow``
ROW_ROLE = Qt.ItemDataRole.UserRole + 3

PAGE_SIZE = 200
COUNTDOWN_MS = 30_000
#: tabs an incident enters just because time passes (a clock reaches its due moment): the countdown
#: reloads them quietly on every tick, so the «Просроченные» tab stays exactly the red rows even
#: when the incident that ran out was not on the screen yet
TIME_BOUND_PRESETS = frozenset({"overdue"})


# --- running service calls off the GUI thread ---------------------------------------------------

class _TaskSignals(QObject):
    finished = Signal(int, bool, object)  # task number, succeeded, result or exception


class _Task(QRunnable):
    def __init__(self, number: int, fn: Callable[[], object], signals: _TaskSignals) -> None:
        super().__init__()
        self.number = number
        self.fn = fn
        self.signals = signals

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread as is
            self.signals.finished.emit(self.number, False, exc)
        else:
            self.signals.finished.emit(self.number, True, result)


class TaskRunner(QObject):
    """Runs service calls on worker threads and calls back on the GUI thread.

    ``run(fn, on_done, on_error)``: ``fn`` runs inside ``db.connection_context()`` on a pool
    thread; ``on_done(result)`` or ``on_error(exception)`` is called later on the thread this
    runner lives in. ``wait()`` blocks until this runner's calls have finished (window close,
    tests).
    """

    _numbers = itertools.count(1)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _TaskSignals()
        self._signals.finished.connect(self._finished, Qt.ConnectionType.QueuedConnection)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None] | None]] = {}
        self._running = 0
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    def run(self, fn: Callable[[], object], on_done: Callable[[Any], None],
            on_error: Callable[[BaseException], None] | None = None) -> int:
        number = next(self._numbers)
        self._callbacks[number] = (on_done, on_error)
        with self._lock:
            self._running += 1
        task = _Task(number, self._wrap(fn), self._signals)
        QThreadPool.globalInstance().start(task)
        return number

    def _wrap(self, fn: Callable[[], object]) -> Callable[[], object]:
        def call() -> object:
            try:
                # each worker thread gets (and closes) its own connection; one that cannot be opened (the
                # server away) still ends the call here, or ``wait`` would wait for it to its timeout
                with db.connection_context():
                    return fn()
            finally:
                with self._lock:
                    self._running -= 1
                    self._idle.notify_all()
        return call

    @property
    def busy(self) -> bool:
        """True while a call runs on a worker thread or its answer has not been handled yet."""
        return bool(self._callbacks)

    def wait(self, timeout_s: float = 30.0) -> bool:
        """Block until every call of this runner has finished on its worker thread."""
        with self._lock:
            return self._idle.wait_for(lambda: self._running == 0, timeout_s)

    def _finished(self, number: int, ok: bool, payload: object) -> None:
        on_done, on_error = self._callbacks.pop(number, (None, None))
        if on_done is None:
            return
        if ok:
            on_done(payload)
        elif on_error is not None:
            on_error(payload)  # type: ignore[arg-type]
        else:
            raise payload  # type: ignore[misc] - reaches sys.excepthook like any slot error


# --- columns ---------------------------------------------------------------------------------

class Column(IntEnum):
    """Columns of the queue, in display order."""

    NUMBER = 0
    DETECTED = 1
    NETWORK = 2
    AUTHOR = 3
    TEXT = 4
    TOPIC = 5
    EXECUTORS = 6
    STATUS = 7
    REMAINING = 8
    PRIORITY = 9


HEADERS: dict[Column, str] = {
    Column.NUMBER: "№",
    Column.DETECTED: "Выявлен",
    Column.NETWORK: "Соцсеть",
    Column.AUTHOR: "Автор",
    Column.TEXT: "Текст",
    Column.TOPIC: "Тема",
    Column.EXECUTORS: "Исполнители",
    Column.STATUS: "Статус",
    Column.REMAINING: "Осталось",
    Column.PRIORITY: "Приоритет",
}

HEADER_TOOLTIPS: dict[Column, str] = {
    Column.NUMBER: "Регистрационный номер инцидента",
    Column.DETECTED: "Когда сообщение выявлено системой мониторинга",
    Column.TEXT: "Первая строка сообщения; сортировка по этому столбцу не выполняется",
    Column.EXECUTORS: "Отделы и учреждения, которым направлен инцидент",
    Column.STATUS: "Статус инцидента; у запроса (уточнения) автору (п. 13) — где он сейчас и сколько "
                   "рабочего времени ждём ответа автора",
    Column.REMAINING: "Сколько рабочего времени осталось до срока текущего шага; красным — срок шага "
                      "истёк (такие инциденты на вкладке «Просроченные»)",
}

#: header column → sort key of ``queue.QueueSort``; the others are not sortable
SORT_KEYS: dict[Column, str] = {
    Column.NUMBER: "number", Column.DETECTED: "detected", Column.NETWORK: "network", Column.AUTHOR: "author",
    Column.TOPIC: "topic", Column.STATUS: "status", Column.REMAINING: "due", Column.PRIORITY: "priority",
}

PRIORITY_SHORT = {Priority.NORMAL: "обычный", Priority.HIGH: "повышенный"}
#: a message written on one of the head's pages (Appendix 1, clause 16)
HEAD_PAGE_MARK = "★"
#: an author on a page's black list (Appendix 1, clause 14); «⊘» is in DejaVu Sans and in Windows'
#: Segoe UI Symbol alike (the «no entry» emoji is not in DejaVu, the one Cyrillic font of a bare Linux)
BLACKLIST_MARK = "⊘"
BLACKLIST_COLOR = "#9a1b1b"
#: the networks as the narrow «Соцсеть» column names them — all in Cyrillic, as the clerks say them
NETWORK_SHORT = {Network.VK: "ВК", Network.OK: "ОК", Network.TELEGRAM: "ТГ"}
NETWORK_COLORS = {Network.VK: "#0077ff", Network.OK: "#ee8208", Network.TELEGRAM: "#229ed9"}

OK, WARNING, OVERDUE, MET, MISSED, NONE = "ok", "warning", "overdue", "met", "missed", "none"
#: background and text colours of the «Осталось» cell, readable on light and dark palettes
LEVEL_COLORS: dict[str, tuple[str | None, str]] = {
    OK: ("#dff3dc", "#1d5c1f"),
    WARNING: ("#ffe2a0", "#5c3b00"),
    OVERDUE: ("#f7c6c6", "#8a0f0f"),
    MET: (None, "#2e7d32"),
    MISSED: (None, "#b00020"),
    NONE: (None, "#6b6b6b"),
}
_SEVERITY = {NONE: 0, MET: 0, MISSED: 0, OK: 1, WARNING: 2, OVERDUE: 3}


#: a clock longer than this (the clause-18 stage of 7 working days) counts what is left in working days
DAY_CLOCK = timedelta(hours=8)


def working_days_left(c: Clock, now: datetime, cal: WorkCalendar) -> int:
    """Whole working days after today up to the day the clock ``c`` is due (0: due today or past)."""
    today = now.astimezone(cal.tz).date()
    due_day = c.due_at.astimezone(cal.tz).date()
    days, d = 0, today
    for _ in range(400):
        d += timedelta(days=1)
        if d > due_day:
            break
        if cal.is_working_day(d):
            days += 1
    return days


def counts_in_days(c: Clock, now: datetime, cal: WorkCalendar) -> int:
    """The working days to show for a long clock (clause 18: «осталось 6 рабочих дней», not «48 ч»);
    0 when the clock is short, or is due today, or has run out."""
    if not c.is_open or now > c.due_at or c.limit <= DAY_CLOCK:
        return 0
    return working_days_left(c, now, cal)


def short_duration(value: timedelta) -> str:
    """«2 ч 15 мин», «45 мин», «3 ч»; the sign is dropped."""
    total = int(abs(value).total_seconds() // 60)
    hours, minutes = divmod(total, 60)
    if hours and minutes:
        return f"{hours} ч {minutes} мин"
    if hours:
        return f"{hours} ч"
    return f"{minutes} мин"


#: the incident status a request state goes with: the cell then names the request alone
_REQUEST_STATUS = {
    RequestState.SUBMITTED: IncidentStatus.ON_APPROVAL,
    RequestState.RETURNED: IncidentStatus.RETURNED,
    RequestState.APPROVED: IncidentStatus.APPROVED,
    RequestState.WAITING: IncidentStatus.CLARIFICATION,
}
#: the foreground of the «Статус» cell while the clarification request waits for the author
WAITING_COLOR = "#8a5a00"


def _request_state(row: QueueRow) -> RequestState | None:
    try:
        return RequestState(row.request_state) if row.request_state else None
    except ValueError:
        return None


def status_text(row: QueueRow) -> str:
    """The «Статус» cell: the status, and where the clarification request to the author is.

    «Запрос на согласовании» (the request is what waits for the curator), «Ждёт ответа автора ·
    5 ч 51 мин» (working time since the request was posted), «На согласовании · ждёт ответа
    автора 2 ч» (the answer went for approval while the author is still silent).
    """
    state = _request_state(row)
    if state is None:
        return row.status_label
    label = REQUEST_STATE_LABELS[state]
    waiting = state == RequestState.WAITING and row.author_wait is not None
    wait = f" {short_duration(row.author_wait)}" if waiting else ""  # type: ignore[arg-type]
    if row.status == _REQUEST_STATUS[state]:
        if state == RequestState.WAITING:
            return f"{row.status_label} ·{wait}" if wait else row.status_label
        return label[:1].upper() + label[1:]
    return f"{row.status_label} · {label}{wait}"


def status_tooltip(row: QueueRow) -> str:
    """The tooltip of the «Статус» cell: the status, the request's state and the author's wait in words."""
    lines = [f"Статус: {row.status_label}"]
    state = _request_state(row)
    if state is not None:
        lines.append(f"Запрос (уточнение) автору (п. 13): {REQUEST_STATE_LABELS[state]}")
    if row.author_wait is not None:
        waiting = state == RequestState.WAITING
        lines.append(f"Ожидание ответа автора: {formatting.duration(row.author_wait)}"
                     + (" — автор ещё не ответил" if waiting else ""))
        lines.append("Рабочее время с размещения запроса; срок ответа на инцидент при этом не "
                     "останавливается (п. 9, 17)")
    return "\n".join(lines)


@dataclass(frozen=True)
class Remaining:
    """What the «Осталось» cell shows for a clock at one moment."""

    text: str
    level: str
    tooltip: str
    left: timedelta | None = None


def remaining_for(c: Clock | None, now: datetime, cal: WorkCalendar) -> Remaining:
    """The cell for clock ``c`` at ``now``: a running clock is re-evaluated in working time."""
    if c is None:
        return Remaining("—", NONE, "Срок не идёт")
    due_text = formatting.moment(c.due_at, cal.tz)
    explanation = "\n".join(c.explanation)
    if not c.is_open:
        if c.state == ClockState.MET:
            text, level = "срок соблюдён", MET
        elif c.state == ClockState.MISSED:
            text, level = "срок нарушен", MISSED
        else:
            text, level = "—", NONE
        tip = f"{c.summary()}\nСрок: {due_text}" + (f"\n\n{explanation}" if explanation else "")
        return Remaining(text, level, tip, c.left)
    left = cal.working_time_between(now, c.due_at)
    if now > c.due_at:
        level = OVERDUE
        text = f"просрочено на {short_duration(left)}" if left < timedelta(0) else "срок истёк"
    else:
        total = cal.working_time_between(c.started_at, c.due_at)
        elapsed = cal.working_time_between(c.started_at, now) if now > c.started_at else timedelta(0)
        share = elapsed / total if total > timedelta(0) else 1.0
        level = WARNING if share >= WARNING_SHARE else OK
        days = counts_in_days(c, now, cal)
        text = (f"осталось {formatting.plural(days, formatting.WORKING_DAYS)}" if days
                else f"осталось {short_duration(left)}")
    subject = f" — {c.subject}" if c.subject else ""
    summary = f"{c.title} ({c.clause}){subject}: {time_left_text(c, left, now, cal)}"
    tip = f"{summary}\nСрок: {due_text}" + (f"\n\n{explanation}" if explanation else "")
    return Remaining(text, level, tip, left)


def time_left_text(c: Clock, left: timedelta, now: datetime, cal: WorkCalendar) -> str:
    """«осталось 2 рабочих часа 15 минут», «срок истёк» (never «осталось 0 минут» once due), or for a
    clock of days (clause 18) «осталось 6 рабочих дней»."""
    overdue = now > c.due_at
    days = counts_in_days(c, now, cal)
    if days:
        return f"осталось {formatting.plural(days, formatting.WORKING_DAYS)}"
    return formatting.time_left(left, overdue=overdue)


#: the «Осталось» cell while the row's clock is being computed
PENDING = Remaining("…", NONE, "Срок рассчитывается…")

_icons: dict[str, QIcon] = {}


def network_icon(network: str) -> QIcon:
    """A small round badge in the network's colour (drawn once, no image files needed)."""
    icon = _icons.get(network)
    if icon is None:
        pixmap = QPixmap(12, 12)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(NETWORK_COLORS.get(Network(network), "#888888")))
        painter.drawEllipse(1, 1, 10, 10)
        painter.end()
        icon = _icons[network] = QIcon(pixmap)
    return icon


def _wrapped(text: str, width: int = 80) -> str:
    """A long line as a tooltip of several lines (a tooltip does not wrap plain text by itself)."""
    return textwrap.fill(text, width) if len(text) > width else text


# --- the model ---------------------------------------------------------------------------------

class QueueTableModel(QAbstractTableModel):
    """Table model of the incident queue shown on the left of the main window."""

    #: True while a first page (or a reload) is being fetched
    loading_changed = Signal(bool)
    #: a page arrived; the argument is the number of rows now loaded
    page_loaded = Signal(int)
    #: how many incidents match the filter (arrives after the first page)
    total_changed = Signal(int)
    #: a Russian message when the service refused or failed
    load_failed = Signal(str)
    #: a row's clock crossed 75 % or its due moment since the last countdown tick
    thresholds_crossed = Signal()
    #: the clocks of the rows just loaded arrived (the «Осталось» column is complete)
    clocks_loaded = Signal()

    def __init__(self, actor: Actor, parent: QObject | None = None, *, page_size: int = PAGE_SIZE,
                 filter_: QueueFilter | None = None, sort: QueueSort | None = None,
                 countdown_ms: int = COUNTDOWN_MS) -> None:
        super().__init__(parent)
        self.actor = actor
        self.page_size = page_size
        self._filter = filter_ or QueueFilter(preset=queue.presets_for(actor)[0][0])
        self._sort = sort or QueueSort()
        self._rows: list[QueueRow] = []
        self._remaining: list[Remaining] = []
        self._has_more = False
        self._loading = False
        self._fetching = False
        self._generation = 0
        self._total: int | None = None
        self._tz: tzinfo | None = None
        self._pending: set[int] = set()  # incidents whose clocks are on their way
        self.runner = TaskRunner(self)
        self.countdown_timer = QTimer(self)
        self.countdown_timer.setInterval(countdown_ms)
        self.countdown_timer.timeout.connect(self.refresh_countdown)
        self.countdown_timer.start()

    # --- what is shown ---------------------------------------------------------------------

    @property
    def filter(self) -> QueueFilter:
        return self._filter

    @property
    def sort_order(self) -> QueueSort:
        return self._sort

    @property
    def loading(self) -> bool:
        """True while the first page (or a reload) or a next page is on its way."""
        return self._loading or self._fetching

    @property
    def has_more(self) -> bool:
        return self._has_more

    @property
    def total(self) -> int | None:
        return self._total

    def set_filter(self, filter_: QueueFilter) -> None:
        """Show the rows of another filter (reloads from the first page)."""
        if filter_ != self._filter:
            self._filter = filter_
            self.reload()

    def set_sort(self, sort: QueueSort) -> None:
        """Sort on the server by another column (reloads from the first page)."""
        if sort != self._sort:
            self._sort = sort
            self.reload()

    def set_query(self, filter_: QueueFilter, sort: QueueSort) -> None:
        if (filter_, sort) != (self._filter, self._sort):
            self._filter, self._sort = filter_, sort
            self.reload()

    def sort_column(self) -> int:
        """The header column of the current sort, or -1 for the default «most urgent first»."""
        for column, key in SORT_KEYS.items():
            if key == self._sort.column:
                return int(column)
        return -1

    def row_at(self, row: int) -> QueueRow:
        """The service row behind table row ``row``."""
        return self._rows[row]

    def row_of(self, incident_id: int) -> int:
        """The table row of the incident, or -1 if it is not loaded."""
        for n, r in enumerate(self._rows):
            if r.incident_id == incident_id:
                return n
        return -1

    # --- loading ---------------------------------------------------------------------------

    def reload(self, *, keep_rows: bool = False) -> None:
        """Fetch the first page again; with ``keep_rows`` as many rows as are loaded now.

        ``keep_rows`` is the quiet refresh (a timer fired, the incident changed): if the same
        incidents come back in the same order the view keeps its selection and scroll position.
        """
        self._generation += 1
        generation = self._generation
        limit = self.page_size
        if keep_rows and self._rows:
            limit = -(-len(self._rows) // self.page_size) * self.page_size
        actor, f, s = self.actor, self._filter, self._sort
        self._fetching = False
        self._set_loading(True)
        self.runner.run(lambda: queue.fetch_page(actor, f, s, 0, limit, with_clocks=False),
                        lambda page: self._first_page(generation, page, keep_rows),
                        lambda exc: self._failed(generation, exc))

    def _first_page(self, generation: int, page: queue.QueuePage, keep_rows: bool) -> None:
        if generation != self._generation:
            return
        now, cal = clock_source.now(), current_calendar()
        self._tz = cal.tz
        # rows come without clocks (they take most of the time): a quiet refresh keeps the old ones
        known = {r.incident_id: r.clock for r in self._rows} if keep_rows else {}
        rows = [replace(r, clock=known[r.incident_id]) if r.incident_id in known else r for r in page.rows]
        self._pending = {r.incident_id for r in rows if r.incident_id not in known}
        remaining = [self._remaining_of(r, now, cal) for r in rows]
        same = keep_rows and [r.incident_id for r in rows] == [r.incident_id for r in self._rows]
        if same and self._rows:
            self._rows, self._remaining = rows, remaining
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1))
        else:
            self.beginResetModel()
            self._rows, self._remaining = rows, remaining
            self.endResetModel()
        self._has_more = page.has_more
        self._set_loading(False)
        self.page_loaded.emit(len(self._rows))
        self._load_clocks(generation, [r.incident_id for r in rows])
        actor, f = self.actor, self._filter
        self.runner.run(lambda: queue.count(actor, f), lambda n: self._counted(generation, n),
                        lambda exc: log.warning("Не удалось подсчитать инциденты: %s", exc))

    def refresh_changed(self, incident_ids: frozenset[int] | set[int]) -> None:
        """These incidents changed (another PC, a workflow event): only they are read again.

        The order of the loaded rows is checked by one query of numbers and versions alone; the rows
        of the changed incidents (and of any that came into the loaded range) are built anew and
        their clocks computed; every other row keeps what it had. An empty set (the changes are not
        named) reloads the loaded rows as a quiet refresh does.
        """
        if not incident_ids or not self._rows:
            self.reload(keep_rows=True)
            return
        self._generation += 1
        generation = self._generation
        limit = -(-len(self._rows) // self.page_size) * self.page_size
        actor, f, s = self.actor, self._filter, self._sort
        loaded = {r.incident_id: r.version for r in self._rows}
        changed = frozenset(incident_ids)

        def read() -> tuple[list[int], bool, dict[int, QueueRow]]:
            ids, versions, has_more = queue.page_ids(actor, f, s, 0, limit)
            stale = [i for i in ids if i in changed or loaded.get(i) != versions[i]]
            return ids, has_more, queue.rows_of(stale)

        self._fetching = False
        self._set_loading(True)
        self.runner.run(read, lambda got: self._changed_rows(generation, *got),
                        lambda exc: self._failed(generation, exc))

    def _changed_rows(self, generation: int, ids: list[int], has_more: bool, fresh: dict[int, QueueRow]) -> None:
        if generation != self._generation:
            return
        now, cal = clock_source.now(), current_calendar()
        old = {r.incident_id: (r, left) for r, left in zip(self._rows, self._remaining)}
        rows, remaining = [], []
        for incident_id in ids:
            if incident_id in fresh:
                rows.append(fresh[incident_id])
                remaining.append(PENDING)
            elif incident_id in old:
                rows.append(old[incident_id][0])
                remaining.append(old[incident_id][1])
        self._pending = (self._pending & {r.incident_id for r in rows}) | set(fresh)
        if [r.incident_id for r in rows] == [r.incident_id for r in self._rows]:
            self._rows, self._remaining = rows, remaining
            for n, r in enumerate(rows):
                if r.incident_id in fresh:
                    self.dataChanged.emit(self.index(n, 0), self.index(n, len(Column) - 1))
        else:
            self.beginResetModel()
            self._rows, self._remaining = rows, remaining
            self.endResetModel()
        self._has_more = has_more
        self._set_loading(False)
        self.page_loaded.emit(len(self._rows))
        self._load_clocks(generation, [i for i in ids if i in fresh])
        actor, f = self.actor, self._filter
        self.runner.run(lambda: queue.count(actor, f), lambda n: self._counted(generation, n),
                        lambda exc: log.warning("Не удалось подсчитать инциденты: %s", exc))

    def _remaining_of(self, row: QueueRow, now: datetime, cal: WorkCalendar) -> Remaining:
        if row.clock is None and row.incident_id in self._pending:
            return PENDING
        return remaining_for(row.clock, now, cal)

    def _load_clocks(self, generation: int, ids: list[int]) -> None:
        if not ids:
            return
        self.runner.run(lambda: queue.current_clocks(ids), lambda clocks: self._clocks_arrived(generation, clocks),
                        lambda exc: self._failed(generation, exc))

    def _clocks_arrived(self, generation: int, clocks: dict[int, Clock | None]) -> None:
        if generation != self._generation:
            return
        now, cal = clock_source.now(), current_calendar()
        changed = []
        for n, row in enumerate(self._rows):
            if row.incident_id in clocks:
                self._rows[n] = replace(row, clock=clocks[row.incident_id])
                self._pending.discard(row.incident_id)
                self._remaining[n] = remaining_for(self._rows[n].clock, now, cal)
                changed.append(n)
        if changed:
            column = int(Column.REMAINING)
            self.dataChanged.emit(self.index(min(changed), column), self.index(max(changed), column))
        self.clocks_loaded.emit()

    def _counted(self, generation: int, total: int) -> None:
        if generation == self._generation:
            self._total = total
            self.total_changed.emit(total)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._set_loading(False)
        if isinstance(exc, DomainError):
            message = str(exc)
        else:
            log.error("Очередь не загружена", exc_info=exc)
            message = f"Очередь не загружена: {exc}"
        self.load_failed.emit(message)

    def _set_loading(self, value: bool) -> None:
        if value != self._loading:
            self._loading = value
            self.loading_changed.emit(value)

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid():
            return False
        return self._has_more and not self._fetching and not self._loading

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation = self._generation
        actor, f, s, offset, limit = self.actor, self._filter, self._sort, len(self._rows), self.page_size
        self.runner.run(lambda: queue.fetch_page(actor, f, s, offset, limit, with_clocks=False),
                        lambda page: self._next_page(generation, page),
                        lambda exc: self._failed(generation, exc))

    def _next_page(self, generation: int, page: queue.QueuePage) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        known = {r.incident_id for r in self._rows}
        rows = [r for r in page.rows if r.incident_id not in known]  # a new incident may shift the pages
        self._has_more = page.has_more
        if rows:
            now, cal = clock_source.now(), current_calendar()
            first = len(self._rows)
            self._pending |= {r.incident_id for r in rows}
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self._remaining.extend(self._remaining_of(r, now, cal) for r in rows)
            self.endInsertRows()
        self.page_loaded.emit(len(self._rows))
        self._load_clocks(generation, [r.incident_id for r in rows])

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Block until the worker threads of this model are done (used when closing)."""
        return self.runner.wait(timeout_s)

    # --- the live countdown ----------------------------------------------------------------

    def refresh_countdown(self, now: datetime | None = None) -> None:
        """Re-evaluate every running clock at ``now`` in working time; no database query
        (except on a tab of ``TIME_BOUND_PRESETS``, which is reloaded quietly)."""
        if self._filter.preset in TIME_BOUND_PRESETS and not self.loading and not self.runner.busy:
            self.reload(keep_rows=True)
        if not self._rows:
            return
        now = now or clock_source.now()
        cal = current_calendar()
        crossed = False
        for n, row in enumerate(self._rows):
            c = row.clock
            if c is None or not c.is_open or row.incident_id in self._pending:
                continue
            before = self._remaining[n].level
            after = remaining_for(c, now, cal)
            self._remaining[n] = after
            if _SEVERITY[after.level] > _SEVERITY[before]:
                crossed = True
        column = int(Column.REMAINING)
        self.dataChanged.emit(self.index(0, column), self.index(len(self._rows) - 1, column))
        if crossed:
            self.thresholds_crossed.emit()

    # --- Qt model API ----------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = HEADER_TOOLTIPS.get(column)
            if column in SORT_KEYS:
                tip = (tip + "\n" if tip else "") + "Щелчок по заголовку сортирует очередь"
            return tip
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt's sort request: a server-side sort by the column's ``QueueSort`` key."""
        key = SORT_KEYS.get(Column(column)) if 0 <= column < len(Column) else None
        if key is None:
            self.set_sort(QueueSort())
            return
        self.set_sort(QueueSort(key, descending=order == Qt.SortOrder.DescendingOrder))

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if not 0 <= index.column() < len(Column):
            return None
        row = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(index.row(), row, column)
        if role == INCIDENT_ID_ROLE:
            return row.incident_id
        if role == ROW_ROLE:
            return row
        if role == LEVEL_ROLE:
            return self._remaining[index.row()].level
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(index.row(), row, column)
        if role == Qt.ItemDataRole.DecorationRole:
            if column == Column.NETWORK and row.network in NETWORK_SHORT:
                return network_icon(row.network)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == Column.NUMBER:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == Column.REMAINING:
                background = LEVEL_COLORS[self._remaining[index.row()].level][0]
                return QBrush(QColor(background)) if background else None
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == Column.REMAINING:
                return QBrush(QColor(LEVEL_COLORS[self._remaining[index.row()].level][1]))
            if column == Column.PRIORITY:  # «повышенный» stands out, «обычный» stays in the background
                return QBrush(QColor("#b00020" if row.priority == Priority.HIGH else LEVEL_COLORS[NONE][1]))
            if column == Column.STATUS and _request_state(row) == RequestState.WAITING:
                return QBrush(QColor(WAITING_COLOR))
            if column == Column.AUTHOR and row.blacklisted:
                return QBrush(QColor(BLACKLIST_COLOR))
            return None
        if role == Qt.ItemDataRole.FontRole:
            overdue = self._remaining[index.row()].level == OVERDUE
            if (row.priority == Priority.HIGH and column in (Column.NUMBER, Column.PRIORITY)) or (
                overdue and column == Column.REMAINING
            ):
                font = QFont()
                font.setBold(True)
                return font
            return None
        return None

    def _local(self, moment: datetime) -> datetime:
        if self._tz is None:
            self._tz = current_calendar().tz
        return moment.astimezone(self._tz)

    def _display(self, n: int, row: QueueRow, column: Column) -> str:
        if column == Column.NUMBER:
            return str(row.incident_id)
        if column == Column.DETECTED:
            return self._local(row.detected_at).strftime("%d.%m.%Y %H:%M")
        if column == Column.NETWORK:
            short = NETWORK_SHORT.get(row.network, row.network)  # type: ignore[call-overload]
            return f"{short} {HEAD_PAGE_MARK}" if row.head_page else short
        if column == Column.AUTHOR:
            return f"{BLACKLIST_MARK} {row.author}" if row.blacklisted else row.author
        if column == Column.TEXT:
            return row.first_line
        if column == Column.TOPIC:
            return row.topic
        if column == Column.EXECUTORS:
            return row.units
        if column == Column.STATUS:
            return status_text(row)
        if column == Column.REMAINING:
            return self._remaining[n].text
        return PRIORITY_SHORT.get(row.priority, row.priority)  # type: ignore[call-overload]

    def _tooltip(self, n: int, row: QueueRow, column: Column) -> str | None:
        if column == Column.TEXT:
            return _wrapped(row.first_line) or None
        if column == Column.DETECTED:
            return formatting.moment(row.detected_at, self._tz or current_calendar().tz)
        if column == Column.NETWORK:
            label = NETWORK_LABELS.get(row.network, row.network)  # type: ignore[call-overload]
            return f"{label}, страница главы «{row.head_page}» (п. 16 Приложения 1)" if row.head_page else label
        if column == Column.AUTHOR and row.blacklisted:
            return f"{row.author}\n{row.blacklisted} (п. 14 Приложения 1)"
        if column == Column.REMAINING:
            return self._remaining[n].tooltip
        if column == Column.PRIORITY:
            return PRIORITY_LABELS.get(row.priority, row.priority)  # type: ignore[call-overload]
        if column == Column.STATUS:
            return status_tooltip(row)
        if column in (Column.AUTHOR, Column.TOPIC, Column.EXECUTORS):
            return self._display(n, row, column) or None
        return None

