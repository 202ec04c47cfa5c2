"""Which deadline warnings and workflow events a user should be told about, and when.

No Qt here: the desktop notifier (``app.ui.notifier``) asks this module what to show and
when the next clock crosses a threshold; it only decides how to show it.

Rules:
- only open incidents the user may see; only during the administration's working time;
- a clock is reported when it passes 75 % of its limit (``warning``) and when it runs out
  (``overdue``), each once per user, even across restarts and PCs (``NotificationLog``);
- a curator hears about every clock; an executor about the answer clocks and the steps of
  their own units; a reader (head, responsible official) about the answer clocks only.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.models import Assignment, Incident, NotificationLog, Unit
from app.models.enums import OPEN_STATUSES, Role
from app.services import clock as clock_source
from app.services import events, formatting
from app.services.calendar_store import current_calendar
from app.services.deadlines import WARNING_SHARE, Clock, ClockState, clocks_for_many
from app.services.permissions import Actor
from app.services.workflow import awaiting_responsible_official
from app.services.worktime import WorkCalendar

WARNING = "warning"
OVERDUE = "overdue"

#: clocks of the curator's own steps
CURATOR_STEPS = frozenset({"routing", "rerouting", "approval"})
#: clocks every participant of the incident cares about
SHARED_STEPS = frozenset({"answer", "final_answer"})


@dataclass(frozen=True)
class Alert:
    """One deadline warning for one user: open incident ``incident_id``, Russian ``message``."""

    incident_id: int
    level: str  # "warning" | "overdue"
    message: str
    key: str = ""


# --- time -------------------------------------------------------------------------------------

def is_working_time(now: datetime | None = None, calendar: WorkCalendar | None = None) -> bool:
    """True while the administration works (schedule and production calendar)."""
    now = now or clock_source.now()
    cal = calendar or current_calendar()
    return cal.next_working_moment(now) == now


# --- which clocks concern whom ----------------------------------------------------------------

def _visible_open_ids(actor: Actor) -> list[int]:
    query = Incident.select(Incident.id).where(Incident.status.in_([s.value for s in OPEN_STATUSES]))
    if not actor.reads_everything:
        units = list(actor.unit_ids)
        if not units:
            return []
        query = query.where(Incident.id.in_(
            Assignment.select(Assignment.incident).where(Assignment.unit.in_(units))))
    return [row[0] for row in query.order_by(Incident.id).tuples()]


def _unit_names(actor: Actor) -> frozenset[str]:
    ids = list(actor.unit_ids)
    if not ids:
        return frozenset()
    names = set()
    for short_name, name in Unit.select(Unit.short_name, Unit.name).where(Unit.id.in_(ids)).tuples():
        names.update(n for n in (short_name, name) if n)
    return frozenset(names)


def _concerns(actor: Actor, c: Clock, unit_names: frozenset[str], deciding: bool = False) -> bool:
    if c.optional:
        return False
    if actor.is_curator:
        return True
    if deciding and c.code == "approval":
        return True  # the responsible official decides on the curator's own text (clauses 8, 14)
    if c.code in SHARED_STEPS:
        return True
    if c.code in CURATOR_STEPS or not actor.unit_ids:
        return False
    # an executor's step: their own unit's clock, or one of the incident as a whole
    return not c.subject or c.subject in unit_names


def _relevant(actor: Actor, now: datetime) -> list[tuple[int, Clock]]:
    ids = _visible_open_ids(actor)
    if not ids:
        return []
    names = _unit_names(actor)
    deciding: set[int] = set()
    if actor.has(Role.RESPONSIBLE):
        deciding = {i for (i,) in Incident.select(Incident.id).where(awaiting_responsible_official()).tuples()}
    found = []
    for incident_id, clocks in clocks_for_many(ids, now).items():
        found.extend((incident_id, c) for c in clocks
                     if c.is_open and _concerns(actor, c, names, incident_id in deciding))
    found.sort(key=lambda pair: (pair[0], pair[1].due_at))
    return found


# --- alerts -------------------------------------------------------------------------------------

def alert_key(incident_id: int, c: Clock, level: str) -> str:
    """The once-per-user key: incident, clock, the clock's start, the level (and its unit)."""
    key = f"{incident_id}:{c.code}:{int(c.started_at.timestamp())}:{level}"
    if c.subject:
        key += f":{zlib.crc32(c.subject.encode('utf-8')):08x}"
    return key


def _level(c: Clock) -> str | None:
    if c.state == ClockState.OVERDUE:
        return OVERDUE
    if c.warning:
        return WARNING
    return None


def alert_message(incident_id: int, c: Clock, level: str, calendar: WorkCalendar) -> str:
    """«Инцидент № 12. Размещение ответа (п. 9): осталось 1 рабочий час 55 минут (срок — …)»."""
    subject = f" — {c.subject}" if c.subject else ""
    due = formatting.short_moment(c.due_at, calendar.tz)
    tail = f"срок был {due}" if level == OVERDUE else f"срок {due}"
    return f"Инцидент № {incident_id}{subject}. {c.summary()} ({tail})"


def _record(actor: Actor, keys: Iterable[str]) -> set[str]:
    """Record the keys as shown to the user; returns those that were not recorded before."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return set()
    seen: set[str] = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        seen.update(k for (k,) in NotificationLog.select(NotificationLog.key)
                    .where((NotificationLog.user == actor.user_id) & NotificationLog.key.in_(chunk)).tuples())
    fresh = set()
    for key in keys:
        if key in seen:
            continue
        # another PC of the same user may record it at the same moment: the unique index decides
        inserted = (NotificationLog.insert(user=actor.user_id, key=key, shown_at=clock_source.now())
                    .on_conflict_ignore().as_rowcount().execute())
        if inserted:
            fresh.add(key)
    return fresh


def record_shown(actor: Actor, keys: Iterable[str]) -> set[str]:
    """Record notifications (any key: a deadline alert, a page's weekly reminder) as shown to the user;
    returns the keys not shown before — on any of the user's PCs."""
    return _record(actor, keys)


@dataclass(frozen=True)
class Check:
    """One look at the clocks for the notifier: what to show now and when to look again."""

    alerts: list[Alert]
    #: the next moment something changes (a clock reaches 75 % or its due moment, or work resumes)
    next_at: datetime | None
    working: bool


def check(actor: Actor, now: datetime | None = None) -> Check:
    """New alerts (recorded as shown) and the next moment worth waking up for, in one pass."""
    now = now or clock_source.now()
    cal = current_calendar()
    working = is_working_time(now, cal)
    relevant = _relevant(actor, now)
    next_at: datetime | None = None if working else cal.next_working_moment(now)
    for _incident_id, c in relevant:
        for moment in _thresholds(c, cal):
            if moment > now and (next_at is None or moment < next_at):
                next_at = moment
    if not working:
        return Check([], next_at, False)
    candidates: list[Alert] = []
    for incident_id, c in relevant:
        level = _level(c)
        if level is not None:
            candidates.append(Alert(incident_id, level, alert_message(incident_id, c, level, cal),
                                    alert_key(incident_id, c, level)))
    fresh = _record(actor, (a.key for a in candidates))
    # overdue first: they matter most
    alerts = sorted((a for a in candidates if a.key in fresh), key=lambda a: (a.level != OVERDUE, a.incident_id))
    return Check(alerts, next_at, True)


def pending_alerts(actor: Actor, now: datetime | None = None) -> list[Alert]:
    """Deadline warnings not yet shown to this user, recorded as shown; [] outside working time."""
    return check(actor, now).alerts


def next_threshold(actor: Actor, now: datetime | None = None) -> datetime | None:
    """The nearest future moment when one of the user's clocks reaches 75 % or its due moment."""
    now = now or clock_source.now()
    cal = current_calendar()
    best: datetime | None = None
    for _incident_id, c in _relevant(actor, now):
        for moment in _thresholds(c, cal):
            if moment > now and (best is None or moment < best):
                best = moment
    return best


def _thresholds(c: Clock, cal: WorkCalendar) -> list[datetime]:
    total = cal.working_time_between(c.started_at, c.due_at)
    moments = [c.due_at]
    if total > timedelta(0):
        # the first moment whose used share reaches 75 %: the clock counts from its start
        warn = cal.add_working_time(c.started_at, total * WARNING_SHARE)
        moments.append(warn)
    return moments


# --- workflow events ----------------------------------------------------------------------------

def for_event(actor: Actor, event: events.Event) -> str | None:
    """The message to show this user about a workflow event, or None if it is not theirs."""
    if event.unit_ids and set(event.unit_ids) & set(actor.unit_ids):
        return event.message
    if event.to_curators and actor.is_curator:
        return event.message
    if event.to_responsible and actor.has(Role.RESPONSIBLE):
        return event.message
    return None
