"""One user action, one transaction: its events sent with it, transient failures tried again.

An action (``workflow``'s ``@_action``) runs inside one transaction. What it publishes is held until the
end: the events are written for the other open programs (``live.send``) inside that same transaction —
nothing is heard of a rolled-back action — and reach this program's listeners once it has committed.

A failure the server resolved by undoing the whole transaction (a serialisation failure, a deadlock, a
lock not granted within the session's timeout, the connection lost before the commit) is tried again a
few times, after a short, growing pause. A connection lost *during* the commit leaves the outcome
unknown: the program connects again and looks for the trail events the action appended — found, the
action took effect once; not found, it did not, and it runs again. When the server cannot be reached to
find out, ``ActionInDoubt`` says so and how to check.
"""
from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable
from typing import TypeVar

from app.models import AuditEvent, db
from app.services import events, failures
from app.services.database import connection_lost, drop_connection
from app.services.errors import ActionFailed, ActionInDoubt, DomainError

log = logging.getLogger(__name__)

R = TypeVar("R")

#: how many times an action runs at most when the server undoes it for a transient reason
ATTEMPTS = 4
#: the first pause before trying again, in seconds (doubled each time, with jitter)
FIRST_PAUSE_S = 0.05
#: how long to look for the server again when the connection broke during a commit
RECONNECT_WAIT_S = 10.0
IN_DOUBT = ("Связь с сервером базы данных прервалась в момент сохранения, и восстановить её пока не удалось: "
            "неизвестно, выполнено ли действие. Когда связь восстановится, откройте карточку инцидента и "
            "проверьте её журнал, прежде чем повторять действие.")

_state = threading.local()


def run(work: Callable[[], R]) -> R:
    """Run ``work`` as one action (see the module's description); an action inside another one is part
    of the outer one's transaction."""
    if getattr(_state, "depth", 0):
        return _nested(work)
    if db.in_transaction():
        return _inside_callers_transaction(work)
    for attempt in range(1, ATTEMPTS + 1):
        _state.depth, _state.appended, _state.pending = 1, [], []
        committing = False
        try:
            with events.holding() as held:
                with db.atomic():
                    result = work()
                    _finish(held)
                    committing = True
        except Exception as exc:  # noqa: BLE001 - sorted below, re-raised unless it is worth another try
            appended = list(_state.appended)
            _state.depth, _state.appended, _state.pending = 0, [], None
            if committing and connection_lost(exc):
                if not _committed_after_all(appended):
                    if attempt < ATTEMPTS:
                        log.warning("Связь прервалась при сохранении, действие не записано: выполняется снова")
                        continue
                    raise ActionFailed(failures.CONNECTION_LOST) from exc
                log.warning("Связь прервалась при сохранении, но действие записано")
                events.deliver(held)
                return result
            if not failures.retryable(exc):
                raise _explained(exc) from exc
            if connection_lost(exc):
                drop_connection()
            if attempt == ATTEMPTS:
                raise _explained(exc) from exc
            pause = FIRST_PAUSE_S * (2 ** (attempt - 1)) * (1 + random.random())  # noqa: S311 - jitter only
            log.info("Действие отменено сервером (%s), попытка %d из %d через %.2f с",
                     failures.sqlstate(exc) or "связь", attempt + 1, ATTEMPTS, pause)
            time.sleep(pause)
            continue
        _state.depth, _state.appended, _state.pending = 0, [], None
        events.deliver(held)
        return result
    raise AssertionError("unreachable")  # the loop returns or raises


def _finish(held: list) -> None:
    """The end of an action's work, inside its transaction: its events written for the other programs,
    then its trail events put in the chain — the chain's lock taken last, held only until the commit."""
    if held:
        from app.services import live

        live.send(held)
    waiting, _state.pending = _state.pending, None
    if waiting:
        from app.services import audit

        audit.append_to_chain(waiting)


def atomic() -> contextlib.AbstractContextManager:
    """The body of a step that must be all or nothing: inside an action (this module's transaction, or the
    savepoint an action gets in its caller's transaction) nothing more is needed — the action is undone
    whole on any error — so no savepoint of its own (two round trips fewer); elsewhere ``db.atomic()``."""
    return contextlib.nullcontext() if getattr(_state, "depth", 0) else db.atomic()


def pending_events() -> list[AuditEvent] | None:
    """Where the running action keeps its trail events until its work is done (None outside an action)."""
    return getattr(_state, "pending", None) if getattr(_state, "depth", 0) else None


def _inside_callers_transaction(work: Callable[[], R]) -> R:
    """The caller holds a transaction of its own (a batch of actions): the action is part of it and is not
    tried again here; its events go to the other programs with that transaction, and to this program at
    once, as before this module."""
    _state.depth, _state.appended, _state.pending = 1, [], []
    try:
        with events.holding() as held, db.atomic():
            result = work()
            _finish(held)
    finally:
        _state.depth, _state.appended, _state.pending = 0, [], None
    events.deliver(held)
    return result


def _nested(work: Callable[[], R]) -> R:
    _state.depth += 1
    try:
        return work()
    finally:
        _state.depth -= 1


def appended(event_hash: str) -> None:
    """The trail event of this hash was appended by the running action (``audit.record``)."""
    if getattr(_state, "depth", 0):
        _state.appended.append(event_hash)


def _committed_after_all(hashes: list[str]) -> bool:
    """After a connection lost during the commit: connect again and look for the action's events."""
    if not hashes:
        raise ActionInDoubt(IN_DOUBT)
    drop_connection()
    deadline = time.monotonic() + RECONNECT_WAIT_S
    pause = 0.2
    while True:
        try:
            return AuditEvent.select().where(AuditEvent.hash == hashes[-1]).exists()
        except Exception as exc:  # noqa: BLE001 - the server is still away: wait a little and look again
            drop_connection()
            if time.monotonic() + pause > deadline:
                raise ActionInDoubt(IN_DOUBT) from exc
            time.sleep(pause)
            pause = min(pause * 2, 2.0)


def _explained(error: Exception) -> Exception:
    """A database failure as one Russian line; anything else as it is."""
    if isinstance(error, DomainError):
        return error
    text = failures.message(error)
    return ActionFailed(text) if text else error
