"""The append-only audit trail with a hash chain, and its verification.

Each event's hash covers its own fields and the previous event's hash, so editing or deleting
any past event breaks every link after it. ``verify_chain`` names the first broken one.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from peewee import PostgresqlDatabase, fn

from app.models import AuditEvent, Incident, RowChange, User, db
from app.services import clock, transactions
from app.services.server.policy import AUDIT_LOCK_KEY


def _digest(event: AuditEvent) -> str:
    at: datetime = event.at
    fields = {
        "at": at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "actor": event.actor_id,
        "acting_for": event.acting_for_id,
        "incident": event.incident_id,
        "action": event.action,
        "entity": event.entity,
        "entity_id": event.entity_id,
        "from": event.from_state,
        "to": event.to_state,
        "comment": event.comment,
        "payload": event.payload,
        "working_minutes": event.working_minutes,
        "limit_minutes": event.limit_minutes,
        "within_limit": event.within_limit,
        "prev": event.prev_hash,
    }
    if event.db_role:  # the shared server's session role (older events and SQLite have none)
        fields["role"] = event.db_role
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    action: str,
    *,
    actor: User | int | None,
    acting_for: User | int | None = None,
    incident: Incident | None = None,
    entity: str = "",
    entity_id: int | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    comment: str = "",
    payload: dict[str, Any] | None = None,
    working_minutes: int | None = None,
    limit_minutes: int | None = None,
    within_limit: bool | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event. Call inside the transaction of the action it records.

    ``actor`` and ``acting_for`` may be users or their ids (the event keeps the id). Inside a user action
    (``transactions.run``) the event is put in the chain when the action's work is done, just before its
    commit: the chain's lock is held for those few statements only, not for the whole action. Elsewhere
    it is appended at once — inside the caller's transaction without a savepoint of its own (if appending
    fails the caller's transaction fails with it), outside any transaction in one of its own.
    """
    event = AuditEvent(
        at=(at or clock.now()).astimezone(timezone.utc).replace(microsecond=0),
        actor=actor,
        acting_for=acting_for,
        incident=incident,
        action=action,
        entity=entity,
        entity_id=entity_id,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        payload=json.dumps(payload or {}, ensure_ascii=False, sort_keys=True, default=str),
        working_minutes=working_minutes,
        limit_minutes=limit_minutes,
        within_limit=within_limit,
    )
    later = transactions.pending_events()
    if later is not None:
        later.append(event)
    elif db.in_transaction():
        append_to_chain([event])
    else:
        with db.atomic():
            append_to_chain([event])
    return event


def append_to_chain(events: list[AuditEvent]) -> None:
    """Put ``events`` at the end of the chain, in this order, inside the running transaction."""
    if not events:
        return
    database = db.obj
    role = ""
    if isinstance(database, PostgresqlDatabase) and _server_chain_head(database):
        # serialise appends across connections so that two events never share one parent (the server's
        # trigger takes the same lock and checks the parent and the session's role); the newest hash comes
        # from the server, which shows an executor only the events of their own incidents. The head is read
        # by a statement of its own, begun once the lock is granted: a statement sees what was committed
        # when it began, so one that waited for the lock would miss the event of the transaction it waited
        # for, and the trigger would refuse the append (40001) — the action run again for nothing
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (AUDIT_LOCK_KEY,))
        role, prev_hash = database.execute_sql("SELECT current_user, coalesce(inc_chain_head(), '')").fetchone()
    else:
        if isinstance(database, PostgresqlDatabase):  # a base whose server rules are not in place yet
            role = database.execute_sql("SELECT current_user FROM pg_advisory_xact_lock(%s)",
                                        (AUDIT_LOCK_KEY,)).fetchone()[0]
        last = AuditEvent.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).first()
        prev_hash = last.hash if last else ""
    for event in events:  # the lock is held: each follows the one before
        event.prev_hash, event.db_role = prev_hash, role
        event.hash = prev_hash = _digest(event)
        event.save(force_insert=True)
        transactions.appended(event.hash)


def _server_chain_head(database: PostgresqlDatabase) -> bool:
    """The server offers ``inc_chain_head()`` (its rules are in place); once seen, remembered."""
    if getattr(database, "_inc_chain_head", False):
        return True
    found = database.execute_sql("SELECT to_regprocedure('inc_chain_head()') IS NOT NULL").fetchone()[0]
    if found:
        database._inc_chain_head = True  # type: ignore[attr-defined]  # noqa: SLF001
    return bool(found)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # id of the first event whose link is broken
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(batch: int = 5000) -> ChainReport:
    """Walk the whole trail in order and report the first event that does not fit the chain."""
    prev = ""
    checked = 0
    last_id = 0
    while True:
        rows = list(
            AuditEvent.select().where(AuditEvent.id > last_id).order_by(AuditEvent.id).limit(batch)
        )
        if not rows:
            return ChainReport(checked, None)
        for event in rows:
            if event.prev_hash != prev:
                return ChainReport(checked, event.id, "ссылка на предыдущее событие не совпадает (событие удалено или вставлено)")
            if _digest(event) != event.hash:
                return ChainReport(checked, event.id, "содержимое события изменено")
            prev = event.hash
            checked += 1
            last_id = event.id


@dataclass(frozen=True)
class OutsideChange:
    """A change of an incident, assignment, answer or user row that the server recorded in a
    transaction with no event of the trail: made outside the program (plain SQL, another tool)."""

    id: int
    at: datetime
    db_role: str
    table_name: str
    row_id: int | None
    operation: str
    changed: str  # JSON: column → new value


def outside_changes(limit: int = 1000) -> list[OutsideChange]:
    """The server's records of changes without an event in their transaction (shared mode only;
    the single-PC file has no server to keep such a record)."""
    database = db.obj
    if not isinstance(database, PostgresqlDatabase):
        return []
    event = AuditEvent.select(AuditEvent.id).where(AuditEvent.txid == RowChange.txid)
    query = (RowChange.select().where(~fn.EXISTS(event)).order_by(RowChange.id).limit(limit))
    return [OutsideChange(r.id, r.at, r.db_role, r.table_name, r.row_id, r.operation, r.changed) for r in query]


@dataclass(frozen=True)
class Anchor:
    """The head of the chain at one moment, kept outside the database (on the monthly report)."""

    event_id: int
    hash: str

    def __str__(self) -> str:
        return f"{self.event_id}:{self.hash}"


#: how much of a hash an anchor copied by hand from paper must give
ANCHOR_MIN_HEX = 16


def chain_head() -> Anchor | None:
    """The newest event's number and hash (None for an empty trail)."""
    row = AuditEvent.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.id.desc()).tuples().first()
    return Anchor(row[0], row[1]) if row else None


def parse_anchor(text: str) -> Anchor:
    """«N:HASH» as printed on the report (the hash may be shortened to its first 16 digits)."""
    from app.services.errors import ValidationError

    number, _, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not number.strip().isdigit() or len(digest) < ANCHOR_MIN_HEX or any(c not in "0123456789abcdef" for c in digest):
        raise ValidationError(f"Опорная точка «{text}» записана неверно: нужно «номер:хеш» — номер события и не "
                              f"меньше {ANCHOR_MIN_HEX} первых знаков его хеша, как в отчёте за месяц")
    return Anchor(int(number), digest)


def check_anchor(anchor: Anchor) -> str | None:
    """None when the trail still has the anchor's event with the same hash; otherwise why not.

    Every hash covers the one before it, so a trail rewritten anywhere before the anchor — even
    re-hashed to a consistent chain — cannot give the anchor's event its old hash again.
    """
    row = AuditEvent.select(AuditEvent.hash).where(AuditEvent.id == anchor.event_id).tuples().first()
    if row is None:
        return f"события № {anchor.event_id} из опорной точки в журнале нет: журнал переписан или усечён"
    if not row[0].startswith(anchor.hash):
        return (f"у события № {anchor.event_id} другой хеш, чем в опорной точке: журнал до него переписан "
                f"(было {anchor.hash[:16]}…, стало {row[0][:16]}…)")
    return None
