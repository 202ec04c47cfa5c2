"""What other open programs did, seen within seconds (issue 16).

Every running program has a ``SESSION`` token. An action's events are written with the action
(``send``, called by ``transactions.run`` inside its transaction). A ``Feed`` remembers the newest trail
event and the newest sent event it has seen; ``look`` returns what came after them: the incidents that
changed (from the trail: every change of an incident appends an event there) and the events other
programs sent, for their notifications. What wakes a feed is the caller's business: on the shared
server a ``listener.Listener`` hears the server's NOTIFY; on SQLite ``outside_change`` compares the
file's change counter — a look costs one indexed query either way, and nothing when nothing changed.
"""
from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass, field

from peewee import PostgresqlDatabase, fn

from app.models import AuditEvent, LiveEvent, db
from app.services import events

log = logging.getLogger(__name__)

#: this running program (its presence and the events it sent carry it)
SESSION = uuid.uuid4().hex
#: the most a look reads at once (a program that slept for a day catches up in one go anyway: the
#: queue is re-read whole when more incidents changed than this)
LOOK_LIMIT = 500


def send(sent: list[events.Event]) -> None:
    """Write the events of the action under way for the other programs (inside its transaction)."""
    if not sent:
        return
    LiveEvent.insert_many([{
        "origin": SESSION, "kind": e.kind, "incident_id": e.incident_id, "message": e.message[:1000],
        "unit_ids": json.dumps(sorted(e.unit_ids)), "to_curators": e.to_curators,
        "to_responsible": e.to_responsible} for e in sent]).execute()


@dataclass(frozen=True)
class Changes:
    """What changed since the previous look."""

    incident_ids: frozenset[int] = frozenset()
    #: more changed than one look reads: re-read everything shown
    everything: bool = False
    #: the events other programs sent, oldest first
    events: tuple[events.Event, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.incident_ids or self.everything or self.events)


class Feed:
    """The changes made after this feed was created (or last looked)."""

    def __init__(self) -> None:
        self.trail_id = AuditEvent.select(fn.MAX(AuditEvent.id)).scalar() or 0
        self.sent_id = LiveEvent.select(fn.MAX(LiveEvent.id)).scalar() or 0
        self._data_version: int | None = None

    def outside_change(self) -> bool:
        """SQLite: another connection committed since the previous call (the file's change counter)."""
        if isinstance(db.obj, PostgresqlDatabase):
            return True
        version = int(db.execute_sql("PRAGMA data_version").fetchone()[0])
        changed = self._data_version is not None and version != self._data_version
        self._data_version = version
        return changed

    def look(self) -> Changes:
        """The incidents changed and the events sent by the other programs since the previous look."""
        rows = list(AuditEvent.select(AuditEvent.id, AuditEvent.incident)
                    .where(AuditEvent.id > self.trail_id).order_by(AuditEvent.id).limit(LOOK_LIMIT + 1).tuples())
        everything = len(rows) > LOOK_LIMIT
        if everything:
            self.trail_id = AuditEvent.select(fn.MAX(AuditEvent.id)).scalar() or self.trail_id
        elif rows:
            self.trail_id = rows[-1][0]
        changed = frozenset(incident for _, incident in rows if incident is not None)
        sent = list(LiveEvent.select().where(LiveEvent.id > self.sent_id).order_by(LiveEvent.id).limit(LOOK_LIMIT))
        if sent:
            self.sent_id = sent[-1].id
        theirs = tuple(_event(row) for row in sent if row.origin != SESSION)
        return Changes(frozenset() if everything else changed, everything, theirs)


def _event(row: LiveEvent) -> events.Event:
    try:
        units = frozenset(int(u) for u in json.loads(row.unit_ids or "[]"))
    except (ValueError, TypeError):
        units = frozenset()
    return events.Event(kind=row.kind, incident_id=row.incident_id, message=row.message, unit_ids=units,
                        to_curators=bool(row.to_curators), to_responsible=bool(row.to_responsible))
