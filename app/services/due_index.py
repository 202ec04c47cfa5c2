"""The moment each open incident is next due, kept in an indexed column.

``Incident.next_due_at`` is the earliest due moment among the incident's open clocks that must
be kept (``deadlines.next_due``), ``next_due_code`` that clock's code. The «Просроченные» tab,
the dashboard and the units' load read them, so «overdue» means one thing everywhere — the
incident's row in the queue is red — and costs an index range, not a scan of every clock.

The workflow keeps the columns with every action (``store``); a change of anything every clock
depends on — the limits, the time zone, the calendar or the schedule — recomputes them for all
open incidents (``refresh_open``), as does a schema upgrade.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from app.models import Incident, db
from app.models.enums import OPEN_STATUSES
from app.services import clock as clock_source
from app.services.deadlines import Clock, clocks_for_many, next_due

_BATCH = 500


def columns(clocks: Iterable[Clock]) -> dict[str, object]:
    """The values of the two columns for these clocks of one incident."""
    due, code = next_due(clocks)
    return {"next_due_at": due, "next_due_code": code}


def refresh(incident_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recompute the columns of these incidents (closed ones get none); returns how many changed."""
    ids = list(dict.fromkeys(incident_ids))
    now = now or clock_source.now()
    changed = 0
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start:start + _BATCH]
        current = {i: (d, c) for i, d, c in Incident.select(Incident.id, Incident.next_due_at, Incident.next_due_code)
                   .where(Incident.id.in_(chunk)).tuples()}
        with db.atomic():
            for incident_id, clocks in clocks_for_many(chunk, now, explanations=False).items():
                values = columns(clocks)
                due = values["next_due_at"]
                stored_due, stored_code = current.get(incident_id, (None, None))
                if stored_due is not None and not isinstance(stored_due, datetime):
                    stored_due = Incident.next_due_at.python_value(stored_due)
                if (stored_due, stored_code) == (due.replace(microsecond=0) if due else None,
                                                 values["next_due_code"]):
                    continue
                Incident.update(**values).where(Incident.id == incident_id).execute()
                changed += 1
    return changed


def refresh_open(now: datetime | None = None) -> int:
    """Recompute the columns of every open incident (and clear them on closed ones that kept any)."""
    open_ids = [i for (i,) in Incident.select(Incident.id)
                .where(Incident.status.in_([s.value for s in OPEN_STATUSES])).tuples()]
    (Incident.update(next_due_at=None, next_due_code=None)
     .where(Incident.status.not_in([s.value for s in OPEN_STATUSES]) & Incident.next_due_at.is_null(False))
     .execute())
    return refresh(open_ids, now)
