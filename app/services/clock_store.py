"""The clocks of finished incidents, kept so that a report reads them instead of recomputing them.

Once every clock of an incident has ended (the answer is published, or the incident is closed
without one), its clocks no longer depend on the present moment — only on its history, the
working-time calendar, the regulation's limits, the units' names and the rules of this program.
They are stored when the incident finishes (the workflow calls :func:`remember`) and whenever
a report computes them; a stored row is used only while the incident's version and the digest
of everything else (:func:`basis`) are what they were. A change of the calendar, the limits, a
unit's name or the program makes every row stale at once; a change of the incident makes its
row stale. Stale rows are recomputed, and written again, by the next report that needs them.

A report reads thousands of clocks and needs only a few of their fields, so it gets them as
*clock rows* — plain lists in the stored layout (the ``CODE`` … ``WORKED`` positions below,
moments and durations in whole microseconds) — instead of :class:`Clock` objects.
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
from typing import Any

from peewee import DatabaseError

import app
from app.models import Incident, StoredClocks, Unit, db
from app.paths import resource_path
from app.services import calendar_store, settings
from app.services.deadlines import Clock, ClockState, ids_in, versioned_clocks
from app.services.production_calendar import BUNDLED_CALENDAR

log = logging.getLogger(__name__)

#: bump when the way clocks are computed changes within one program version (2: the clause-13
#: request to the author, the final-answer stage of clause 18, the clause-19 lapse, due moments
#: settled to the end of a working period — schema 6)
RULES = 2
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
US = timedelta(microseconds=1)
US_PER_MINUTE = 60_000_000
_BATCH = 500

#: positions in a clock row: the fields of :class:`Clock` but the explanation; ``STARTED``, ``DUE``
#: and ``ENDED`` (None while running) are microseconds since 1970-01-01 UTC, ``LEFT`` and ``WORKED``
#: microseconds, ``STATE`` a :class:`ClockState` value, ``OPTIONAL`` 0 or 1
CODE, CLAUSE, TITLE, SUBJECT, STARTED, DUE, ENDED, LIMIT_TEXT, STATE, LEFT, SHARE, OPTIONAL, WORKED = range(13)
ClockRow = list[Any]
#: (state of the answer clock, working minutes to the answer, state of the final-answer clock)
Outcome = tuple[str | None, int | None, str | None]


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


def finished(rows: Sequence[ClockRow]) -> bool:
    """True when every clock has ended: nothing about them changes with time any more."""
    return bool(rows) and all(r[ENDED] is not None for r in rows)


def moment(us: int | None) -> datetime | None:
    """A row's moment as an aware UTC datetime."""
    return None if us is None else EPOCH + US * us


def micros(value: datetime) -> int:
    """An aware moment as microseconds since 1970-01-01 UTC, as clock rows keep moments."""
    return (value - EPOCH) // US


def spent_minutes(r: ClockRow) -> int | None:
    """Whole working minutes a clock ran from its start to its end (``WORKED``, zero if the end is
    not later), None while it runs."""
    return None if r[ENDED] is None else max(0, r[WORKED] // US_PER_MINUTE)


def outcome(rows: Iterable[ClockRow]) -> Outcome:
    """What the regulation's outcome figures need of an incident: the state of its answer clock
    (clauses 9/17), the working minutes to the answer once given, the state of its final-answer
    clock (clause 18) — None where there is no such clock."""
    answer_state = answer_minutes = final_state = None
    for r in rows:
        code = r[CODE]
        if code == "answer":
            answer_state = r[STATE]
            answer_minutes = spent_minutes(r)
        elif code == "final_answer":
            final_state = r[STATE]
    return answer_state, answer_minutes, final_state


_STATE_VALUES = {s: s.value for s in ClockState}


def row_of(c: Clock) -> ClockRow:
    """A clock as a clock row (its explanation left out)."""
    return [c.code, c.clause, c.title, c.subject, micros(c.started_at), micros(c.due_at),
            None if c.ended_at is None else micros(c.ended_at), c.limit_text, _STATE_VALUES[c.state], c.left // US,
            c.used_share, int(c.optional), c.worked // US]


def clock_of(r: ClockRow) -> Clock:
    """A clock row as a :class:`Clock` (without an explanation)."""
    return Clock(r[CODE], r[CLAUSE], r[TITLE], r[SUBJECT], EPOCH + US * r[STARTED], EPOCH + US * r[DUE],
                 moment(r[ENDED]), r[LIMIT_TEXT], ClockState(r[STATE]), US * r[LEFT], r[SHARE], (), r[OPTIONAL] == 1,
                 US * r[WORKED])


def encode(rows: Sequence[ClockRow]) -> bytes:
    """Clock rows as compressed JSON."""
    return zlib.compress(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode(), 6)


def decode(blob: bytes) -> list[ClockRow]:
    """The clock rows of :func:`encode`."""
    return _json_decode(zlib.decompress(blob).decode())[0]


_json_decode = json.JSONDecoder().raw_decode

_FIELDS = [StoredClocks.incident, StoredClocks.version, StoredClocks.basis, StoredClocks.clocks,
           StoredClocks.answer_state, StoredClocks.answer_minutes, StoredClocks.final_state]
_Stored = tuple[int, int, str, bytes, str | None, int | None, str | None]


def _stored_row(incident_id: int, version: int, digest: str, rows: Sequence[ClockRow]) -> _Stored:
    return (incident_id, version, digest, encode(rows), *outcome(rows))


def _save(rows: list[_Stored]) -> None:
    """Insert or replace rows; a database that cannot be written to (a read-only copy) only
    loses the speed-up, never the report. Each batch is its own short transaction (every row
    stands alone), so that a user's action on another PC never waits for a whole month of them."""
    if not rows:
        return
    try:
        for start in range(0, len(rows), _BATCH):
            with db.atomic():
                (StoredClocks.insert_many(rows[start:start + _BATCH], fields=_FIELDS)
                 .on_conflict(conflict_target=[StoredClocks.incident], preserve=_FIELDS[1:])
                 .execute())
    except DatabaseError as exc:
        log.warning("Сроки завершённых инцидентов не сохранены: %s", exc)


def _computed(ids: Sequence[int], now: datetime | None) -> Iterable[tuple[int, int, list[ClockRow]]]:
    for start in range(0, len(ids), _BATCH):
        for incident_id, (version, clocks) in versioned_clocks(ids[start:start + _BATCH], now,
                                                               explanations=False).items():
            yield incident_id, version, [row_of(c) for c in clocks]


def _save_if_unchanged(rows: list[_Stored], digest: str) -> int:
    """Store rows computed under ``digest`` — unless the calendar, the limits or a unit's name
    changed meanwhile (on another PC): then the clocks may mix the two, and nothing is stored."""
    if not rows:
        return 0
    if basis() != digest:
        log.info("Сроки не сохранены: календарь, сроки регламента или подразделения изменились во время расчёта")
        return 0
    _save(rows)
    return len(rows)


def remember(incident_ids: Iterable[int], now: datetime | None = None) -> int:
    """Compute and store the clocks of those incidents that are finished; returns how many."""
    with settings.snapshot():  # the limits and the calendar read once, for the digest and the clocks alike
        digest = basis()
        stored = [_stored_row(i, version, digest, rows)
                  for i, version, rows in _computed(list(dict.fromkeys(incident_ids)), now) if finished(rows)]
    return _save_if_unchanged(stored, digest)


def remember_computed(incident_id: int, version: int, clocks: Sequence[Clock]) -> int:
    """Store the clocks an action has just computed (inside its transaction, without explanations) for
    the incident at ``version`` if they are finished — :func:`remember` without computing them again."""
    rows = [row_of(c) for c in clocks]
    if not finished(rows):
        return 0
    _save([_stored_row(incident_id, version, basis(), rows)])
    return 1


def _valid(ids: Sequence[int], digest: str) -> dict[int, list[ClockRow]]:
    result: dict[int, list[ClockRow]] = {}
    for start in range(0, len(ids), _BATCH):
        query = (StoredClocks.select(StoredClocks.incident, StoredClocks.clocks)
                 .join(Incident, on=(StoredClocks.incident == Incident.id))
                 .where(ids_in(StoredClocks.incident, ids[start:start + _BATCH]) & (StoredClocks.basis == digest)
                        & (StoredClocks.version == Incident.version)))
        for incident_id, blob in db.execute_sql(*query.sql()):
            result[incident_id] = decode(bytes(blob))
    return result


def stored_rows(incident_ids: Iterable[int]) -> dict[int, list[ClockRow]]:
    """The stored clock rows of those incidents whose stored row is still valid."""
    return _valid(list(dict.fromkeys(incident_ids)), basis())


def stored_outcomes(period: Any) -> dict[int, Outcome]:
    """The stored outcomes (:func:`outcome`) of the incidents matching ``period`` (a condition on
    ``Incident``) whose stored row is still valid."""
    query = (StoredClocks.select(StoredClocks.incident, StoredClocks.answer_state, StoredClocks.answer_minutes,
                                 StoredClocks.final_state)
             .join(Incident, on=(StoredClocks.incident == Incident.id))
             .where(period & (StoredClocks.basis == basis()) & (StoredClocks.version == Incident.version)))
    return {row[0]: row[1:] for row in db.execute_sql(*query.sql())}


def rows_of(incident_ids: Sequence[int], now: datetime,
            progress: Callable[[float], None] | None = None) -> dict[int, list[ClockRow]]:
    """The clock rows of many incidents as at ``now``: stored ones where they are still valid,
    the rest computed (:func:`deadlines.clocks_for_many`) — and stored if their incident has
    finished."""
    ids = list(dict.fromkeys(incident_ids))
    stored: list[_Stored] = []
    with settings.snapshot():  # the limits and the calendar read once, for the digest and the clocks alike
        digest = basis()
        result = _valid(ids, digest)
        missing = [i for i in ids if i not in result]
        for done, (incident_id, version, rows) in enumerate(_computed(missing, now), 1):
            if finished(rows):
                stored.append(_stored_row(incident_id, version, digest, rows))
            result[incident_id] = rows
            if progress is not None and done % _BATCH == 0:
                progress(len(result) / len(ids))
    _save_if_unchanged(stored, digest)
    return result


__all__ = [
    "CLAUSE", "CODE", "DUE", "ENDED", "EPOCH", "LEFT", "LIMIT_TEXT", "OPTIONAL", "RULES", "SHARE", "STARTED", "STATE",
    "SUBJECT", "TITLE", "US", "US_PER_MINUTE", "WORKED", "ClockRow", "Outcome", "basis", "clock_of", "decode", "encode", "finished",
    "micros", "moment", "outcome", "remember", "row_of", "rows_of", "spent_minutes", "stored_outcomes", "stored_rows",
]
