"""Plain Python events for whoever listens (the UI turns them into notifications).

Services collect events during an action and publish them only after its transaction
committed, so a listener never hears about a change that was rolled back. Inside an action run by
``app.services.transactions`` a publication is held (``holding``) until that transaction commits: the
events go to the other open programs with the transaction itself and to this program's listeners after it.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """Something a user should learn about.

    ``kind``: registered, assigned, returned, approved, submitted, author_replied, comment,
    not_competent, contribution, published, closed, clock_warning, clock_overdue.
    """

    kind: str
    incident_id: int
    message: str
    unit_ids: frozenset[int] = field(default_factory=frozenset)  # executors of these units
    to_curators: bool = False
    to_responsible: bool = False  # the responsible official: a curator's own text to approve (cl. 8, 14)


Listener = Callable[[Event], None]
_listeners: list[Listener] = []
_lock = threading.Lock()
_held = threading.local()


def subscribe(listener: Listener) -> Callable[[], None]:
    """Start listening; returns the function that stops it."""
    with _lock:
        _listeners.append(listener)

    def unsubscribe() -> None:
        with _lock:
            if listener in _listeners:
                _listeners.remove(listener)

    return unsubscribe


@contextmanager
def holding() -> Iterator[list[Event]]:
    """Hold what this thread publishes meanwhile in the list yielded (an enclosing hold keeps it)."""
    outer = getattr(_held, "events", None)
    if outer is not None:
        yield outer
        return
    held: list[Event] = []
    _held.events = held
    try:
        yield held
    finally:
        _held.events = None


def publish(events: list[Event]) -> None:
    """Tell the listeners — or, inside a hold, keep the events for when its transaction has committed."""
    held = getattr(_held, "events", None)
    if held is not None:
        held.extend(events)
        return
    deliver(events)


def deliver(events: list[Event]) -> None:
    """Tell every listener of this program now."""
    with _lock:
        listeners = list(_listeners)
    for event in events:
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a broken listener must not undo a committed action
                log.exception("Обработчик события %s завершился с ошибкой", event.kind)
