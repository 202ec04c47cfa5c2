"""The clocks of finished incidents, kept so that a report reads them instead of recomputing them.

Once every clock of an incident has ended (the answer is published, or the incident is closed
without one), its clocks no longer depend on the present moment — only on its history, the
working-time calendar, the regulation's limits, the units' names and the rules of this program.
They are stored when the incident finishes (the workflow calls :func:`remember`) and whenever
a report computes them; a stored row is used only while the incident's version and the digest
of everything else (:func:`basis`) are what they were. A change of the calendar, the limits, a
unit's name or the program makes every row stale at once; a change of the incident makes its
row stale. Stale rows are recomputed, and written again, by the next report that needs them.
"""
from __future__ import annotations

import hashlib
import json
import logging
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from peewee import DatabaseError

import app
from app.models import Incident, StoredClocks, Unit, db
from app.paths import resource_path
from app.services import calendar_store, settings
from app.services.deadlines import Clock, ClockState, ids_in, versioned_clocks
from app.services.production_calendar import BUNDLED_CALENDAR

log = logging.getLogger(__name__)

#: bump when the way clocks are computed changes within one program version
RULES = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_US = timedelta(microseconds=1)
_BATCH = 500


@lru_cache(maxsize=1)
def _bundled_digest() -> str:
    try:
        return hashlib.sha256(resource_path(*BUNDLED_CALENDAR).read_bytes()).hexdigest()
    except OSError:
        return "-"


def basis() -> str:
    """A digest of everything besides an incident's history that its clocks depend on."""
    revision, zone = calendar_store.calendar_revision()
    units = sorted(Unit.select(Unit.id, Unit.short_name).tuples())
    text = json.dumps([RULES, app.__version__, _bundled_digest(), revision, zone, asdict(settings.limits()), units],
                      ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def finished(clocks: Sequence[Clock]) -> bool:
    """True when every clock has ended: nothing about them changes with time any more."""
    return bool(clocks) and all(c.ended_at is not None for c in clocks)


def _us(moment: datetime) -> int:
    return (moment - _EPOCH) // _US


def encode(clocks: Sequence[Clock]) -> bytes:
    """The clocks (without their explanations) as compressed JSON: moments in microseconds."""
    rows = [[c.code, c.clause, c.title, c.subject, _us(c.started_at), _us(c.due_at),
             None if c.ended_at is None else _us(c.ended_at), c.limit_text, c.state.value, c.left // _US,
             c.used_share, int(c.optional), c.worked // _US] for c in clocks]
    return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode(), 6)


def decode(blob: bytes, codes: frozenset[str] | None = None) -> list[Clock]:
    """The clocks of :func:`encode` (only those of ``codes`` if given)."""
    states, epoch, us = _STATES, _EPOCH, _US
    result = []
    for (code, clause, title, subject, started, due, ended, limit_text, state, left, share, optional,
         worked) in json.loads(zlib.decompress(blob)):
        if codes is None or code in codes:
            result.append(Clock(code, clause, title, subject, epoch + us * started, epoch + us * due,
                                None if ended is None else epoch + us * ended, limit_text, states[state],
                                us * left, share, (), optional == 1, us * worked))
    return result


_STATES = {s.value: s for s in ClockState}


def _save(rows: list[tuple[int, int, str, bytes]]) -> None:
    """Insert or replace rows (incident, version, basis, clocks); a database that cannot be
    written to (a read-only copy) only loses the speed-up, never the report."""
    if not rows:
        return
    try:
        with db.atomic():
            for start in range(0, len(rows), _BATCH):
                (StoredClocks.insert_many(rows[start:start + _BATCH], fields=[
                    StoredClocks.incident, StoredClocks.version, StoredClocks.basis, StoredClocks.clocks])
                 .on_conflict(conflict_target=[StoredClocks.incident],
                              preserve=[StoredClocks.version, StoredClocks.basis, StoredClocks.clocks])
                 .execute())
    except DatabaseError as exc:  # pragma: no cover - depends on the file system
        log.warning("Сроки завершённых инцидентов не сохранены: %s", exc)


def remember(incident_ids: Iterable[int], now: datetime | None = None) -> int:
    """Compute and store the clocks of those incidents that are finished; returns how many."""
    digest = basis()
    rows = [(i, version, digest, encode(clocks))
            for i, (version, clocks) in versioned_clocks(incident_ids, now, explanations=False).items()
            if finished(clocks)]
    _save(rows)
    return len(rows)


def stored_clocks(incident_ids: Sequence[int], codes: frozenset[str] | None = None) -> dict[int, list[Clock]]:
    """The stored clocks of those incidents whose stored row is still valid (only of ``codes`` if given)."""
    return _stored(list(dict.fromkeys(incident_ids)), basis(), codes)


def _stored(ids: Sequence[int], digest: str, codes: frozenset[str] | None) -> dict[int, list[Clock]]:
    result: dict[int, list[Clock]] = {}
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start:start + _BATCH]
        query = (StoredClocks.select(StoredClocks.incident, StoredClocks.clocks)
                 .join(Incident, on=(StoredClocks.incident == Incident.id))
                 .where(ids_in(StoredClocks.incident, chunk) & (StoredClocks.basis == digest)
                        & (StoredClocks.version == Incident.version)))
        for incident_id, blob in db.execute_sql(*query.sql()):
            result[incident_id] = decode(bytes(blob), codes)
    return result


def clocks_of(incident_ids: Sequence[int], now: datetime, *, codes: frozenset[str] | None = None,
              progress: Callable[[float], None] | None = None) -> dict[int, list[Clock]]:
    """The clocks of many incidents as at ``now`` (without explanations): stored ones where they
    are still valid, the rest computed — and stored if their incident has finished.

    ``codes`` limits the result to clocks of those codes (incidents computed anew still cost a
    full computation). The result is the same as :func:`deadlines.clocks_for_many` gives.
    """
    ids = list(dict.fromkeys(incident_ids))
    digest = basis()
    result = _stored(ids, digest, codes)
    if progress is not None:
        progress(len(result) / max(1, len(ids)))
    missing = [i for i in ids if i not in result]
    rows: list[tuple[int, int, str, bytes]] = []
    for start in range(0, len(missing), _BATCH):
        for incident_id, (version, clocks) in versioned_clocks(missing[start:start + _BATCH], now,
                                                               explanations=False).items():
            if finished(clocks):
                rows.append((incident_id, version, digest, encode(clocks)))
            result[incident_id] = clocks if codes is None else [c for c in clocks if c.code in codes]
        if progress is not None:
            progress(len(result) / max(1, len(ids)))
    _save(rows)
    return result


__all__ = ["RULES", "basis", "clocks_of", "decode", "encode", "finished", "remember", "stored_clocks"]
